"""Which bibliography and style a document uses, as the language server decides it.

In order, the first that names a bibliography wins:

1. the document itself: YAML front matter ``bibliography:`` (pandoc's key;
   a path or a list, relative to the document), or in LaTeX
   ``\\addbibresource{refs.bib}`` / ``\\bibliography{refs}``;
2. the editor's settings: ``citekit.bibliography`` in the initialization
   options or the workspace configuration (relative to the workspace root);
3. the workspace root (or the document's folder): ``references.bib`` if it
   exists, else every ``*.bib`` there.

The style comes from the front matter's ``csl:`` (a name or a path), else the
settings' ``citekit.style``, else pandoc's default, ``chicago-author-date``, so
a hover shows what ``citekit render`` and pandoc print for the document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from citekit.base.paths import UnsafePathError, confine
from citekit.integrations.lsp_scan import Language

DEFAULT_STYLE = "chicago-author-date"
_LATEX_BIB = re.compile(r"\\(?:addbibresource(?:\[[^\]]*\])?|bibliography)\{(?P<names>[^}]*)\}")


@dataclass(frozen=True, slots=True)
class Settings:
    """What the editor configured: ``citekit.bibliography``, ``.style``, ``.locale``."""

    bibliography: tuple[str, ...] = ()
    style: str | None = None
    locale: str | None = None

    @classmethod
    def from_client(cls, value: object) -> Settings:
        """Settings from initialization options or a configuration answer.

        Accepts ``{"citekit": {...}}`` and the inner object alike; anything
        else (None, a list, wrong types) gives the defaults, never an error,
        since an editor's settings file is not ours to reject.
        """
        if isinstance(value, Mapping) and isinstance(value.get("citekit"), Mapping):
            value = value["citekit"]
        if not isinstance(value, Mapping):
            return cls()
        return cls(
            _strings(value.get("bibliography")),
            _string(value.get("style")),
            _string(value.get("locale")),
        )

    def updated(self, newer: Settings) -> Settings:
        """These settings with every field ``newer`` sets taken from it.

        Initialization options and the workspace configuration may each set
        part of the settings; the later answer wins field by field.
        """
        return Settings(
            newer.bibliography or self.bibliography,
            newer.style or self.style,
            newer.locale or self.locale,
        )


@dataclass(frozen=True, slots=True)
class Sources:
    """The resolved bibliography files, style and locale of one document."""

    bibliography: tuple[Path, ...]
    style: str
    locale: str | None = None
    refused: tuple[str, ...] = ()
    """Paths the document named outside its project (not read; one message each)."""


def resolve(
    text: str, language: Language, document: Path | None, settings: Settings, roots: Sequence[Path]
) -> Sources:
    """The bibliography, style and locale for a document (module docstring: the order)."""
    meta = front_matter(text) if language in ("markdown", "text", "rst") else {}
    folder = document.parent if document is not None else None
    root = _root_of(document, roots)
    refused: list[str] = []
    # What the document names is data (it may come from anyone), so it must lie
    # in the document's project, as `citekit render` requires; the editor's
    # settings are the user's own and are taken as given.
    named = _strings(meta.get("bibliography"))
    if not named and language == "latex":
        named = latex_bibliographies(text)
    if named:
        paths = _confined(named, folder or root or Path.cwd(), "bibliography file", refused)
    elif settings.bibliography:
        paths = [_absolute(name, root or folder) for name in settings.bibliography]
    else:
        paths = discover(root or folder)
    style = _string(meta.get("csl")) or _string(meta.get("citation-style"))
    if style is not None and _is_path(style):
        kept = _confined((style,), folder or root or Path.cwd(), "style file", refused)
        style = str(kept[0]) if kept else None
    if style is None and settings.style is not None:
        style = _style(settings.style, root or folder)
    return Sources(
        tuple(paths),
        style or DEFAULT_STYLE,
        _string(meta.get("lang")) or settings.locale,
        tuple(refused),
    )


def _confined(names: Sequence[str], base: Path, what: str, refused: list[str]) -> list[Path]:
    """The named files inside ``base``'s project (or an allowed folder); a message per other."""
    kept: list[Path] = []
    for name in names:
        try:
            kept.append(confine(name, base, what=what).resolve())
        except UnsafePathError as error:
            refused.append(str(error))
    return kept


def _is_path(style: str) -> bool:
    return style.endswith(".csl") or "/" in style or "\\" in style


def front_matter(text: str) -> dict[str, Any]:
    """The YAML front matter's mapping, or {} when there is none or it does not parse."""
    if not text.startswith("---"):
        return {}
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return {}
    for number in range(1, len(lines)):
        if lines[number].rstrip() in ("---", "..."):
            try:
                meta = yaml.safe_load("\n".join(lines[1:number]))
            except yaml.YAMLError:
                return {}
            return dict(meta) if isinstance(meta, dict) else {}
    return {}


def latex_bibliographies(text: str) -> tuple[str, ...]:
    """The files ``\\addbibresource`` and ``\\bibliography`` name (``.bib`` added if absent)."""
    names: list[str] = []
    for match in _LATEX_BIB.finditer(text):
        for name in match["names"].split(","):
            name = name.strip()
            if name:
                names.append(name if Path(name).suffix else f"{name}.bib")
    return tuple(names)


def discover(folder: Path | None) -> list[Path]:
    """``references.bib`` in ``folder``, else its ``*.bib`` files, sorted."""
    if folder is None or not folder.is_dir():
        return []
    preferred = folder / "references.bib"
    if preferred.is_file():
        return [preferred]
    return sorted(path for path in folder.glob("*.bib") if path.is_file())


def _root_of(document: Path | None, roots: Sequence[Path]) -> Path | None:
    """The workspace root holding the document (the deepest), else the first root."""
    if document is not None:
        holding = [root for root in roots if document.is_relative_to(root)]
        if holding:
            return max(holding, key=lambda root: len(root.parts))
    return roots[0] if roots else None


def _absolute(name: str, base: Path | None) -> Path:
    path = Path(name).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    return path.resolve()


def _style(style: str, base: Path | None) -> str:
    """A style path made absolute when it is a file beside the document; a name unchanged."""
    if _is_path(style):
        return str(_absolute(style, base))
    return style


def _string(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str) and item.strip())
    return ()


__all__ = [
    "DEFAULT_STYLE",
    "Settings",
    "Sources",
    "discover",
    "front_matter",
    "latex_bibliographies",
    "resolve",
]

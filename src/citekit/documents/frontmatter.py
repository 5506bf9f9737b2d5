"""A Markdown document's YAML front matter, read the way pandoc reads it.

Only the keys that matter for citations are interpreted (``bibliography``,
``csl``, ``lang``, ``nocite``, ``link-citations``, ``references``,
``reference-section-title``, ``citation-abbreviations``); the rest is kept
as parsed data.  YAML errors carry the line and column in the *document*
(not in the YAML block), because that is where the writer will look.
Inline ``references`` go through the CSL-YAML reader so that they get the
same normalisation and per-item diagnostics as a ``.yaml`` bibliography file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citekit.base.paths import confine
from citekit.base.yamlload import YAMLError
from citekit.base.yamlload import load as load_yaml
from citekit.errors import DataError, Diagnostic
from citekit.model.records import Library
from citekit.styles.catalog import style_from_data

# PyYAML ships no type information; import it as an untyped module.

_OPENING = re.compile(r"---[ \t]*\r?\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)  # CRLF files too
_NOCITE_KEY = re.compile(r"@(?:\{(?P<braced>[^{}]*)\}|(?P<plain>\*|[\w][\w:.#$%&\-+?<>~/]*))")


class FrontMatterError(DataError):
    """Front matter that cannot be read; the message names line and column."""

    def __init__(self, message: str, *, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass
class FrontMatter:
    """What a document's metadata says about its citations.

    ``body_start`` is the offset of the body in the document text and
    ``body_line`` the (1-based) line it starts on, so positions found in the
    body can be reported as document lines.
    """

    data: dict[str, Any] = field(default_factory=dict)
    bibliography: list[str] = field(default_factory=list)
    csl: str | None = None
    lang: str | None = None
    nocite: list[str] = field(default_factory=list)
    link_citations: bool = False
    references: Library = field(default_factory=Library)
    reference_diagnostics: list[Diagnostic] = field(default_factory=list)
    section_title: str | None = None
    abbreviations: str | None = None
    named_bibliographies: dict[str, list[str]] = field(default_factory=dict)
    body_start: int = 0
    body_line: int = 1

    @property
    def nocite_all(self) -> bool:
        return "*" in self.nocite


def _strings(value: Any, key: str, line: int) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise FrontMatterError(
        f"line {line}: '{key}' must be a string or a list of strings", line=line, column=1
    )


def _scalar(value: Any, key: str) -> Any:
    """A setting that names one thing (a style, a language) cannot be a list or mapping."""
    if isinstance(value, (list, dict)):
        raise FrontMatterError(
            f"line 2: '{key}' must be a single value, not a "
            f"{'list' if isinstance(value, list) else 'mapping'}",
            line=2,
            column=1,
        )
    return value


def nocite_keys(value: Any) -> list[str]:
    """Keys from pandoc's ``nocite`` (``@a, @b``, a list, or ``@*``)."""
    texts = value if isinstance(value, list) else [value]
    keys: list[str] = []
    for text in texts:
        if not isinstance(text, str):
            continue
        for match in _NOCITE_KEY.finditer(text):
            keys.append(match["braced"] if match["braced"] is not None else match["plain"])
    return keys


def _as_flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1"}
    return bool(value)


def split_front_matter(text: str) -> tuple[str | None, int, int]:
    """(YAML text or None, offset of the body, line of the body)."""
    opening = _OPENING.match(text)
    if opening is None:
        return None, 0, 1
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        raise FrontMatterError(
            "line 1, column 1: front matter opened with '---' is never "
            "closed (end it with a '---' or '...' line)",
            line=1,
            column=1,
        )
    yaml_text = text[opening.end() : closing.start()]
    end = closing.end()
    if text.startswith("\r\n", end):
        end += 2
    elif text.startswith("\n", end):
        end += 1
    return yaml_text, end, text.count("\n", 0, end) + 1


def read_front_matter(text: str, *, filename: str | None = None) -> FrontMatter:
    """Parse a document's front matter (an empty :class:`FrontMatter` when there is none)."""
    yaml_text, body_start, body_line = split_front_matter(text)
    meta = FrontMatter(body_start=body_start, body_line=body_line)
    if yaml_text is None or not yaml_text.strip():
        return meta
    try:
        data = load_yaml(yaml_text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        column = mark.column + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(
            f"line {line}, column {column}: malformed YAML front matter: {problem}",
            line=line,
            column=column,
        ) from exc
    except RecursionError:  # PyYAML's composer recurses once per nesting level
        raise FrontMatterError(
            "line 2, column 1: front matter nested too deeply to read", line=2, column=1
        ) from None
    if data is None:
        return meta
    if not isinstance(data, dict):
        raise FrontMatterError(
            "line 2, column 1: front matter must be a mapping of keys to values", line=2, column=1
        )
    meta.data = {str(k): v for k, v in data.items()}
    meta.bibliography = _strings(data.get("bibliography"), "bibliography", 2)
    meta.named_bibliographies = {
        str(key)[len("bibliography-") :]: _strings(value, str(key), 2)
        for key, value in data.items()
        if str(key).startswith("bibliography-") and len(str(key)) > len("bibliography-")
    }
    csl = data.get("csl") or data.get("citation-style")
    meta.csl = str(_scalar(csl, "csl")) if csl else None
    lang = data.get("lang")
    meta.lang = str(_scalar(lang, "lang")) if lang else None
    meta.nocite = nocite_keys(data.get("nocite"))
    meta.link_citations = _as_flag(data.get("link-citations", False))
    title = data.get("reference-section-title")
    meta.section_title = str(title) if title else None
    abbreviations = data.get("citation-abbreviations")
    meta.abbreviations = (
        str(_scalar(abbreviations, "citation-abbreviations")) if abbreviations else None
    )
    if data.get("references") is not None:
        from citekit.formats import cslyaml

        result = cslyaml.read(yaml_text, filename=filename)
        meta.references = result.library
        meta.reference_diagnostics = [_shift(d, 1) for d in result.diagnostics]
    return meta


def _shift(diagnostic: Diagnostic, lines: int) -> Diagnostic:
    """A diagnostic from the YAML block, moved to its line in the document."""
    from dataclasses import replace

    if diagnostic.line is None:
        return diagnostic
    return replace(diagnostic, line=diagnostic.line + lines)


def document_folder(document: str | Path | None) -> Path:
    """The folder front matter paths are relative to: the document's, or the working folder."""
    return Path(document).resolve().parent if document and str(document) != "-" else Path.cwd()


def resolve_paths(paths: list[str], document: str | Path | None) -> list[Path]:
    """Bibliography paths from front matter, relative to the document's folder.

    Front matter is data (a document may come from anyone), so every path
    must lie inside the document's project or a folder the user allowed
    (:func:`citekit.base.paths.confine`); any other raises
    :class:`~citekit.base.paths.UnsafePathError` naming the path.
    """
    base = document_folder(document)
    return [confine(path, base, what="bibliography file") for path in paths]


def resolve_abbreviations(path: str, document: str | Path | None) -> Path:
    """The front matter's ``citation-abbreviations`` file, inside the project.

    The same rule as for bibliography files (:func:`resolve_paths`): front
    matter is data, so the path may not lead out of the document's project.
    """
    return confine(path, document_folder(document), what="citation-abbreviations file")


def resolve_style(csl: str, document: str | Path | None) -> str:
    """The front matter's ``csl``: a ``.csl`` file inside the project, or a style name.

    Same rule as :func:`resolve_paths`, plus the user's style folders; a bare
    ``name.csl`` missing beside the document is the installed style ``name``,
    never a file in the working folder (:func:`citekit.styles.catalog.style_from_data`).
    """
    return style_from_data(csl, document_folder(document))


__all__ = [
    "FrontMatter",
    "FrontMatterError",
    "document_folder",
    "nocite_keys",
    "read_front_matter",
    "resolve_abbreviations",
    "resolve_paths",
    "resolve_style",
    "split_front_matter",
]

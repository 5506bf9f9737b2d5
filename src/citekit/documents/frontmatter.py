"""A Markdown document's YAML front matter, read the way pandoc reads it.

Only the keys that matter for citations are interpreted (``bibliography``,
``csl``, ``lang``, ``nocite``, ``link-citations``, ``link-bibliography``,
``references``, ``reference-section-title``, ``suppress-bibliography``,
``notes-after-punctuation``, ``citation-abbreviations``); the rest is kept
as parsed data.  Switches are read by :func:`metadata_flag`, which the pandoc
filter uses too, so both read ``suppress-bibliography: on`` the same way.
YAML errors carry the line and column in the *document* (not in the YAML
block), because that is where the writer will look.
Inline ``references`` go through the CSL-YAML reader so that they get the
same normalisation and per-item diagnostics as a ``.yaml`` bibliography file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citekit.base.paths import confine
from citekit.base.yamlload import YAMLError, compose_and_load, yaml
from citekit.errors import DataError, Diagnostic, UsageError
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
    link_bibliography: bool = True
    suppress_bibliography: bool = False
    notes_after_punctuation: bool = True
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


SWITCHES = frozenset(
    {"link-citations", "link-bibliography", "suppress-bibliography", "notes-after-punctuation"}
)
"""The front matter keys that are on/off switches (read by :func:`metadata_flag`)."""
_YES = frozenset({"t", "true", "yes"})
_YAML11_BOOL = re.compile(r"y|Y|yes|Yes|YES|on|On|ON|n|N|no|No|NO|off|Off|OFF")
_YAML11_TRUE = frozenset({"y", "yes", "on"})


def metadata_flag(value: Any, default: bool = False) -> bool:
    """A metadata switch (``suppress-bibliography``, ``link-citations``) as pandoc reads it.

    A boolean is itself; a string is true when it is ``t``, ``true`` or
    ``yes`` in any case (pandoc's test, for ``-M key=yes`` and quoted YAML),
    anything else (``1``, ``'on'``, a list) false; absent (None) is the
    key's default.  The pandoc filter reads pandoc's metadata values here
    (after :func:`citekit.documents.pandoc_ast.meta_value`) and the front
    matter its own (unquoted ``on`` and ``y`` made booleans first, as
    pandoc's YAML reader does), so ``citekit render``, the filter and
    ``pandoc --citeproc`` read every spelling alike.
    """
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in _YES
    return False


def _switches_as_pandoc_reads_them(node: Any, data: dict[Any, Any]) -> None:
    """Unquoted YAML 1.1 booleans of the switch keys (``on``, ``y``, ``no``) made bools.

    citekit reads YAML 1.2, where ``on`` is a string; pandoc's reader turns
    an unquoted ``on``/``off``/``y``/``n`` into a boolean (a quoted ``'on'``
    stays text, which pandoc then reads as false).  Only the switch keys
    change: a citation key ``no`` or a ``lang: no`` stays text.
    """
    for key_node, value_node in getattr(node, "value", ()):
        key = getattr(key_node, "value", None)
        if (
            key in SWITCHES
            and key in data
            and isinstance(value_node, yaml.ScalarNode)
            and not value_node.style  # plain: None (PyYAML) or "" (libyaml)
            and _YAML11_BOOL.fullmatch(value_node.value)
        ):
            data[key] = value_node.value.lower() in _YAML11_TRUE


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


def read_front_matter(
    text: str, *, filename: str | None = None, metadata: Mapping[str, Any] | None = None
) -> FrontMatter:
    """Parse a document's front matter (an empty :class:`FrontMatter` when there is none).

    ``metadata`` sets values over the document's own, as pandoc's
    ``-M KEY=VALUE`` does (a string ``"true"`` for a switch, a file name for
    ``bibliography``); inline ``references`` can only come from the document,
    where their lines can be reported.
    """
    yaml_text, body_start, body_line = split_front_matter(text)
    meta = FrontMatter(body_start=body_start, body_line=body_line)
    data = _parse(yaml_text) if yaml_text is not None and yaml_text.strip() else {}
    if metadata:
        if "references" in metadata:
            raise UsageError(
                "inline 'references' cannot be set as metadata: "
                "write them in the front matter or name a bibliography file"
            )
        data = {**data, **{str(key): value for key, value in metadata.items()}}
    if not data:
        return meta
    _interpret(meta, data)
    if yaml_text is not None and data.get("references") is not None:
        from citekit.formats import cslyaml

        result = cslyaml.read(yaml_text, filename=filename)
        meta.references = result.library
        meta.reference_diagnostics = [_shift(d, 1) for d in result.diagnostics]
    return meta


def _parse(yaml_text: str) -> dict[str, Any]:
    """The YAML block as a mapping with string keys ({} when empty); errors located."""
    try:
        node, data = compose_and_load(yaml_text)
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
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            "line 2, column 1: front matter must be a mapping of keys to values", line=2, column=1
        )
    _switches_as_pandoc_reads_them(node, data)
    return {str(k): v for k, v in data.items()}


def _interpret(meta: FrontMatter, data: dict[str, Any]) -> None:
    """The citation keys of the (merged) metadata into ``meta``; the rest stays as data."""
    meta.data = data
    meta.bibliography = _strings(data.get("bibliography"), "bibliography", 2)
    meta.named_bibliographies = {
        key[len("bibliography-") :]: _strings(value, key, 2)
        for key, value in data.items()
        if key.startswith("bibliography-") and len(key) > len("bibliography-")
    }
    csl = data.get("csl") or data.get("citation-style")
    meta.csl = str(_scalar(csl, "csl")) if csl else None
    lang = data.get("lang")
    meta.lang = str(_scalar(lang, "lang")) if lang else None
    meta.nocite = nocite_keys(data.get("nocite"))
    meta.link_citations = metadata_flag(data.get("link-citations"))
    meta.link_bibliography = metadata_flag(data.get("link-bibliography"), default=True)
    meta.suppress_bibliography = metadata_flag(data.get("suppress-bibliography"))
    meta.notes_after_punctuation = metadata_flag(data.get("notes-after-punctuation"), default=True)
    title = data.get("reference-section-title")
    meta.section_title = str(title) if title else None
    abbreviations = data.get("citation-abbreviations")
    meta.abbreviations = (
        str(_scalar(abbreviations, "citation-abbreviations")) if abbreviations else None
    )


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
    "SWITCHES",
    "FrontMatter",
    "FrontMatterError",
    "document_folder",
    "metadata_flag",
    "nocite_keys",
    "read_front_matter",
    "resolve_abbreviations",
    "resolve_paths",
    "resolve_style",
    "split_front_matter",
]

"""A subset library: the entries a document cites, taken from a big one.

``citekit extract paper.md -b big.bib -o cited.bib`` is what jgm/citeproc#13
and Better BibTeX users ask for: a small ``.bib`` to ship with a paper.  The
cited keys come from

* a Markdown document: its pandoc citations, found by the same scanner that
  ``citekit render`` uses (:mod:`citekit.documents.scan`: nothing in code,
  comments or URLs), plus the front matter's ``nocite``;
* a LaTeX ``.aux`` file: ``\\citation{a,b}`` (BibTeX) and
  ``\\abx@aux@cite{...}{key}`` (biblatex), following ``\\@input`` of the
  chapters' ``.aux`` files;
* a LaTeX ``.tex`` file: every ``\\cite``-like command (``\\cite``,
  ``\\citep``, ``\\parencite``, ``\\textcite``, ``\\autocite``, multicites
  such as ``\\parencites[p.~3]{a}{b}``, ``\\nocite``) outside comments.

``*`` (``\\nocite{*}``, ``nocite: "@*"``) means every entry.

A BibTeX library is copied *as written*, entry by entry: fields the model
has no place for, comments inside entries, spacing and macros survive,
because the entries' text is copied instead of being read and written again.
The entries they depend on come along, transitively: ``crossref``/``xref``
parents, ``xdata``, ``related`` and ``entryset`` entries and the works
quotation records are ``quotedin`` (:data:`_PARENT_FIELDS`); then the
``@string`` macros the copied entries use and every ``@preamble``.
Libraries in other formats (CSL-JSON, YAML, RIS ...) are read and the cited
records written in the output's format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from citekit.base.files import read_text
from citekit.documents.frontmatter import read_front_matter
from citekit.documents.scan import LineIndex, scan
from citekit.errors import DataError, Diagnostic, Severity, UsageError
from citekit.formats import format_for_path, read_string, write_string
from citekit.formats.bibtex.edits import SourceBlock, SourceEditError, locate_blocks, scan_entry
from citekit.model.records import Library

ALL = "*"
"""The key that stands for every entry (``\\nocite{*}``, ``nocite: "@*"``)."""

_PARENT_FIELDS = ("crossref", "xref", "xdata", "related", "entryset", "quotedin")
"""Fields naming entries an entry needs: inherited fields (``crossref``, ``xref``,
``xdata``), biblatex's ``related`` and ``entryset``, and citekit's ``quotedin``
(a quotation is cited "quoted in" that work, which is then listed)."""


@dataclass(frozen=True, slots=True)
class CitedKey:
    """A key and where it is first cited (file, line; line 0 for front matter)."""

    key: str
    file: str
    line: int


@dataclass
class ExtractResult:
    """What :func:`extract_citations` found and wrote."""

    text: str
    cited: list[CitedKey] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    missing: list[CitedKey] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Cited keys
# ---------------------------------------------------------------------------


def _markdown_keys(text: str, name: str) -> list[CitedKey]:
    text = text.replace("\r\n", "\n")
    meta = read_front_matter(text, filename=name)
    found = scan(text, body_start=meta.body_start)
    keys = [
        CitedKey(item.id, name, citation.line)
        for citation in sorted(found.citations, key=lambda c: c.start)
        for item in citation.cluster.items
    ]
    return [*keys, *(CitedKey(key, name, 0) for key in meta.nocite)]


_TEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_CITE_COMMAND = re.compile(r"\\(?P<name>[A-Za-z]*cite[A-Za-z]*|nocite)\*?(?![A-Za-z])")
_OPTIONAL = re.compile(r"\s*(?:\[[^\]]*\]|\([^)]*\))")
_MANDATORY = re.compile(r"\s*\{(?P<keys>[^{}]*)\}")


def _split_keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


def _tex_keys(text: str, name: str) -> list[CitedKey]:
    """Keys of every cite command; biblatex multicites take several ``{...}`` groups."""
    text = _TEX_COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    lines = LineIndex(text)
    keys: list[CitedKey] = []
    for command in _CITE_COMMAND.finditer(text):
        multi = command["name"].endswith("cites")
        position = command.end()
        while True:
            while optional := _OPTIONAL.match(text, position):
                position = optional.end()
            group = _MANDATORY.match(text, position)
            if group is None:
                break
            line = lines.position(group.start("keys"))[0]
            keys.extend(CitedKey(key, name, line) for key in _split_keys(group["keys"]))
            position = group.end()
            if not multi:
                break
    return keys


_AUX_CITE = re.compile(
    r"\\citation\{(?P<bibtex>[^{}]*)\}|\\abx@aux@cite\{(?:[^{}]*)\}\{(?P<biblatex>[^{}]*)\}"
    r"|\\abx@aux@cite\{(?P<old>[^{}]*)\}(?!\{)"
)
_AUX_INPUT = re.compile(r"\\@input\{(?P<path>[^{}]+)\}")


def _aux_keys(path: Path, seen: set[Path] | None = None) -> list[CitedKey]:
    """``\\citation`` and biblatex's ``\\abx@aux@cite`` lines, through ``\\@input``."""
    seen = seen if seen is not None else set()
    if path.resolve() in seen:
        return []
    seen.add(path.resolve())
    text, _ = read_text(path)
    lines = LineIndex(text)
    keys: list[CitedKey] = []
    events = sorted(
        [(m.start(), m) for m in _AUX_CITE.finditer(text)]
        + [(m.start(), m) for m in _AUX_INPUT.finditer(text)],
        key=lambda pair: pair[0],
    )
    for start, match in events:
        if match.re is _AUX_INPUT:
            child = path.parent / match["path"]
            if child.is_file():
                keys.extend(_aux_keys(child, seen))
            continue
        value = match["bibtex"] or match["biblatex"] or match["old"] or ""
        line = lines.position(start)[0]
        keys.extend(CitedKey(key, str(path), line) for key in _split_keys(value))
    return keys


def cited_keys(document: str | Path) -> list[CitedKey]:
    """Every key a document cites, in order, repeats included (``*`` for everything).

    The kind of document is told by its extension: ``.aux``, ``.tex``
    (also ``.ltx``), anything else is Markdown.
    """
    path = Path(document)
    suffix = path.suffix.lower()
    if suffix == ".aux":
        return _aux_keys(path)
    text, _ = read_text(path)
    if suffix in (".tex", ".ltx"):
        return _tex_keys(text, str(path))
    return _markdown_keys(text, str(path))


# ---------------------------------------------------------------------------
# Copying the entries
# ---------------------------------------------------------------------------


def _macro_names(value: str) -> set[str]:
    """The ``@string`` names a raw field value uses (bare words between ``#``)."""
    names: set[str] = set()
    depth = 0
    quoted = False
    word: list[str] = []
    for char in value + " ":
        if depth == 0 and not quoted and (char.isalnum() or char in "_-:.+/'!?*&$"):
            word.append(char)
            continue
        if word:
            token = "".join(word)
            if not token.isdigit():
                names.add(token.lower())
            word = []
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == '"' and depth == 0:
            quoted = not quoted
    return names


@dataclass
class _BibSource:
    """A BibTeX file's entries, macros and preambles, located in its text."""

    path: str
    text: str
    entries: dict[str, SourceBlock]
    order: list[str]
    macros: dict[str, SourceBlock]
    preambles: list[SourceBlock]


def _bib_source(path: str | Path) -> tuple[_BibSource, list[Diagnostic]]:
    text, diagnostics = read_text(path)
    entries: dict[str, SourceBlock] = {}
    order: list[str] = []
    macros: dict[str, SourceBlock] = {}
    preambles: list[SourceBlock] = []
    for located in locate_blocks(text):
        kind = type(located.block).__name__
        if located.entry is not None:
            if located.entry.key not in entries:
                entries[located.entry.key] = located
                order.append(located.entry.key)
        elif kind == "String":
            macros[str(getattr(located.block, "key", "")).lower()] = located
        elif kind == "Preamble":
            preambles.append(located)
        elif kind != "ImplicitComment" and "Comment" not in kind:
            # a block the reader cannot read is reported, never silently dropped
            head = re.match(r"@\s*\w+\s*[{(]\s*([^,\s]*)", text[located.start : located.end])
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    "unreadable-entry",
                    "this entry cannot be read (unbalanced braces or quotes?); not copied",
                    file=str(path),
                    line=text.count("\n", 0, located.start) + 1,
                    key=head.group(1) if head and head.group(1) else None,
                )
            )
    return _BibSource(str(path), text, entries, order, macros, preambles), diagnostics


def _fields(source: _BibSource, key: str) -> dict[str, str]:
    """An entry's raw field values by lower-case name ({} when it cannot be scanned)."""
    located = source.entries[key]
    try:
        scanned = scan_entry(source.text[located.start : located.end])
    except SourceEditError:
        return {}
    return {f.name.lower(): f.value for f in scanned.fields}


def _with_parents(source: _BibSource, keys: Iterable[str]) -> list[str]:
    """The keys and, transitively, the entries they take fields from, in file order."""
    wanted: set[str] = set()
    queue = [k for k in keys if k in source.entries]
    while queue:
        key = queue.pop()
        if key in wanted:
            continue
        wanted.add(key)
        fields = _fields(source, key)
        for name in _PARENT_FIELDS:
            for parent in _split_keys(fields.get(name, "").strip('{}"')):
                if parent in source.entries and parent not in wanted:
                    queue.append(parent)
    return [k for k in source.order if k in wanted]


def _copy_bib(source: _BibSource, keys: list[str]) -> str:
    """Preambles, the macros the entries use, then the entries, each as written."""
    used: set[str] = set()
    for key in keys:
        for value in _fields(source, key).values():
            used |= _macro_names(value)
    # a macro may be defined from another: follow them until none is new
    pending = [name for name in used if name in source.macros]
    while pending:
        block = source.macros[pending.pop()]
        for name in _macro_names(source.text[block.start : block.end].split("=", 1)[-1]):
            if name in source.macros and name not in used:
                used.add(name)
                pending.append(name)
    blocks = [
        *source.preambles,
        *(b for name, b in source.macros.items() if name in used),
        *(source.entries[k] for k in keys),
    ]
    blocks.sort(key=lambda b: b.start)
    return "\n\n".join(source.text[b.start : b.end].strip() for b in blocks)


def _is_bibtex(path: str | Path) -> bool:
    info = format_for_path(path)
    return info is not None and info.name in ("bibtex", "biblatex")


def extract_citations(
    documents: Sequence[str | Path],
    bibliographies: Sequence[str | Path],
    *,
    to: str | None = None,
) -> ExtractResult:
    """The entries of ``bibliographies`` that ``documents`` cite, as library text.

    ``to`` names the output format (``biblatex``, ``csljson`` ...); None keeps
    BibTeX libraries as BibTeX, copied as written.  A key cited but in no
    library is listed in ``missing`` (the first place it is cited); the rest
    is still written.  A key in several libraries is taken from the first.
    """
    if not documents:
        raise UsageError("name at least one document (.md, .tex or .aux)")
    if not bibliographies:
        raise UsageError("name at least one library with -b/--bibliography")
    cited: list[CitedKey] = []
    for document in documents:
        cited.extend(cited_keys(document))
    first: dict[str, CitedKey] = {}
    for item in cited:
        first.setdefault(item.key, item)
    everything = ALL in first
    result = ExtractResult("", cited=list(first.values()))
    verbatim = to is None and all(_is_bibtex(p) for p in bibliographies)
    taken: set[str] = set()
    pieces: list[str] = []
    subset = Library()
    for path in bibliographies:
        if verbatim:
            source, diagnostics = _bib_source(path)
            result.diagnostics.extend(diagnostics)
            keys = [k for k in (source.order if everything else first) if k not in taken]
            chosen = [k for k in _with_parents(source, keys) if k not in taken]
            taken.update(chosen)
            result.written.extend(chosen)
            if chosen:
                pieces.append(_copy_bib(source, chosen))
            continue
        text, diagnostics = read_text(path)
        read = read_string(text, filename=str(path), format=_format_name(path))
        result.diagnostics.extend([*diagnostics, *read.diagnostics])
        for record in read.library:
            if record.key not in taken and (everything or record.key in first):
                taken.add(record.key)
                subset.add(record)
                result.written.append(record.key)
    result.missing = [c for k, c in first.items() if k != ALL and k not in taken]
    if verbatim:
        result.text = "\n\n".join(pieces) + ("\n" if pieces else "")
    else:
        result.text = write_string(subset, to or _format_name(bibliographies[0]))
    return result


def _format_name(path: str | Path) -> str:
    info = format_for_path(path)
    if info is None:
        raise DataError(f"{path}: cannot tell the library's format from its name")
    return info.name


__all__ = [
    "ALL",
    "CitedKey",
    "ExtractResult",
    "cited_keys",
    "extract_citations",
]

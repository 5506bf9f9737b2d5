"""Rewrite a .bib file canonically without losing a character of meaning.

Tidy works on bibtexparser's *blocks* (its splitter, no middlewares, through
:func:`citekit.formats.bibtex.split_blocks`), not on
the CSL model: going through the model would decode LaTeX, resolve macros
and drop whatever CSL has no place for, and a formatter must not do any of
that.  What changes:

* entry types and field names are lower case; entries are indented by two
  spaces, one field per line, ``name = value``, no trailing comma;
* fields follow :data:`FIELD_ORDER`; fields it does not list keep their
  relative order after the listed ones;
* quoted values become braced (``"a {b}"`` -> ``{a {b}}``) and bare numbers
  are braced (``1972`` -> ``{1972}``); macros stay bare and ``#``
  concatenations keep their parts;
* ``month`` becomes the BibTeX macro (``jan`` ... ``dec``) when its value is
  a month name, abbreviation or number;
* blocks are separated by one blank line, except that comments written
  directly above an entry (``%`` lines, free text, ``@comment{...}`` with no
  blank line between them and the entry) stay directly above it: they belong
  to that entry.  The file keeps its line endings (CRLF when most lines had
  them, else LF);
* with ``sort`` the entries are ordered by key, year or first author (family
  name without the von part, then given name, as biblatex sorts), each with
  the comments that belong to it.  ``@preamble``, a file header and other
  comments with a blank line below them stay where they were, text after the
  last entry stays at the end, and ``@string`` definitions stay too, except
  that those below the first entry move up to just above it (a macro must be
  defined before the entries that use it, wherever sorting puts them), and
  a ``crossref`` parent follows the last of its children (BibTeX reads a
  parent's fields only when it comes after the entries that name it);
* ``%`` comment lines between two fields stay as written, directly above
  the field below them, and move with it.

What does not change: every value's text (line breaks and indentation inside
a value included), the key's case, ``@string`` macros, ``@preamble``,
``@comment`` and free text between entries.  A block bibtexparser cannot
parse is kept verbatim, byte for byte (its own line endings too), in its
place, and reported; so is the rest of it up to its closing brace, which the
splitter reads as free text.  ``tidy`` is idempotent: tidying tidy
output changes nothing, sorted or not.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from bibtexparser import model as bib

from citekit.base.text import fold
from citekit.errors import Diagnostic, Severity
from citekit.formats.bibtex import (
    QUOTATION_FIELDS,
    parse_names,
    split_blocks,
    split_commented_field_key,
)

SortOrder = Literal["key", "year", "author"]

#: The canonical field order (BibLaTeX names with their BibTeX synonyms beside them).
#: ``entrysubtype`` sits first because it says what kind of work the entry is.
FIELD_ORDER: tuple[str, ...] = (
    "ids",
    "crossref",
    "xref",
    "entryset",
    "entrysubtype",
    "author",
    "editor",
    "translator",
    "bookauthor",
    "editora",
    "editorb",
    "editorc",
    "annotator",
    "commentator",
    "introduction",
    "foreword",
    "afterword",
    "title",
    "subtitle",
    "titleaddon",
    "shorttitle",
    "booktitle",
    "booksubtitle",
    "maintitle",
    "mainsubtitle",
    "journal",
    "journaltitle",
    "journalsubtitle",
    "shortjournal",
    "eventtitle",
    "eventdate",
    "venue",
    "series",
    "edition",
    "volume",
    "volumes",
    "number",
    "issue",
    "part",
    "chapter",
    "pages",
    "pagetotal",
    "eid",
    "year",
    "month",
    "date",
    "origdate",
    "urldate",
    "publisher",
    "organization",
    "institution",
    "school",
    "address",
    "location",
    "origpublisher",
    "origlocation",
    "howpublished",
    "type",
    "version",
    "language",
    "langid",
    "isbn",
    "issn",
    "doi",
    "eprint",
    "eprinttype",
    "eprintclass",
    "archiveprefix",
    "primaryclass",
    "url",
    "pmid",
    "related",
    "relatedtype",
    "relatedstring",
    "relatedoptions",
    *QUOTATION_FIELDS,
    "keywords",
    "abstract",
    "note",
    "addendum",
    "annote",
    "annotation",
    "file",
)
_RANK = {name: index for index, name in enumerate(FIELD_ORDER)}

MONTHS: tuple[str, ...] = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_MONTH_NAMES = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "sept": 9,
    **{m: i + 1 for i, m in enumerate(MONTHS)},
}
_BARE = re.compile(r"^[^\s\"{}#,=]+$")
_INDENT = "  "


@dataclass
class TidyResult:
    """The tidied text and what was noticed on the way."""

    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    changed: bool = False


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def split_concatenation(value: str) -> list[str]:
    """The parts of a ``#`` concatenation, respecting braces and quotes."""
    parts: list[str] = []
    depth = 0
    in_quotes = False
    start = 0
    previous = ""
    for index, char in enumerate(value):
        if char == "{" and previous != "\\":
            depth += 1
        elif char == "}" and previous != "\\":
            depth -= 1
        elif char == '"' and depth == 0:
            in_quotes = not in_quotes
        elif char == "#" and depth == 0 and not in_quotes:
            parts.append(value[start:index].strip())
            start = index + 1
        previous = char
    parts.append(value[start:].strip())
    return parts


def _braceable(text: str) -> bool:
    """Whether a quoted value's inside can be braced: balanced, no bare quote."""
    depth = 0
    for index, char in enumerate(text):
        if char in "{}" and index and text[index - 1] == "\\":
            continue
        if char == '"' and depth == 0:
            return False
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def normalise_part(part: str) -> str:
    """One piece of a value: quotes become braces, numbers get braces."""
    if len(part) >= 2 and part[0] == '"' and part[-1] == '"':
        inner = part[1:-1]
        return "{" + inner + "}" if _braceable(inner) else part
    if part.isdigit():
        return "{" + part + "}"
    return part


def normalise_value(value: str) -> str:
    parts = split_concatenation(value)
    if len(parts) > 1 and not all(parts):
        return value.strip()  # a stray '#': leave it as written
    return " # ".join(normalise_part(p) for p in parts)


def month_macro(value: str) -> str | None:
    """``jan`` ... ``dec`` for a month given as name, abbreviation or number."""
    parts = split_concatenation(value)
    if len(parts) != 1:
        return None
    text = parts[0]
    if len(text) >= 2 and text[0] in '{"' and text[-1] in '}"':
        text = text[1:-1]
    text = text.strip().strip(".").lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return MONTHS[int(text) - 1]
    number = _MONTH_NAMES.get(text)
    return MONTHS[number - 1] if number else None


# ---------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------


def _split_field_key(key: str) -> tuple[list[str], str]:
    """``%`` comment lines written above a field, and the field's name.

    bibtexparser reads comment lines between two fields as the start of the
    next field's name (``"% TODO\n  doi"``).  They are the user's words, so
    they are kept as written, directly above their field, while the name
    alone is normalised and ranked like any other.  A "name" that is all
    comment (``% x = y`` read as a field) stays as it was written.
    """
    comments, name = split_commented_field_key(key)
    return (comments, name) if name else ([], key)


def _field_name(key: str) -> str:
    """A field's name as tidy compares it: lower case, comment lines above it left out."""
    name = _split_field_key(key)[1]
    return name if name.startswith("%") else name.lower()


def _field_rank(item: tuple[int, bib.Field]) -> tuple[int, int]:
    index, entry_field = item
    return (_RANK.get(_field_name(entry_field.key), len(_RANK)), index)


def format_entry(entry: bib.Entry) -> str:
    """One entry in canonical form."""
    fields = sorted(enumerate(entry.fields), key=_field_rank)
    lines = [f"@{entry.entry_type.lower()}{{{entry.key},"]
    for _, entry_field in fields:
        comments = _split_field_key(entry_field.key)[0]
        name = _field_name(entry_field.key)
        raw = str(entry_field.value)
        value = (month_macro(raw) if name == "month" else None) or normalise_value(raw)
        lines.extend(f"{_INDENT}{comment}" for comment in comments)
        lines.append(f"{_INDENT}{name} = {value},")
    if len(lines) == 1:
        return f"@{entry.entry_type.lower()}{{{entry.key},\n}}"
    lines[-1] = lines[-1][:-1]
    lines.append("}")
    return "\n".join(lines)


def format_block(block: bib.Block) -> str:
    """Any block: entries canonical, macros normalised, the rest verbatim."""
    if isinstance(block, bib.Entry):
        return format_entry(block)
    if isinstance(block, bib.String):
        return f"@string{{{block.key} = {normalise_value(str(block.value))}}}"
    if isinstance(block, bib.Preamble):
        return f"@preamble{{{str(block.value).strip()}}}"
    if isinstance(block, bib.ExplicitComment):
        return f"@comment{{{block.comment}}}"
    if isinstance(block, bib.ImplicitComment):
        return "\n".join(line.rstrip() for line in str(block.comment).strip("\n").splitlines())
    return str(block.raw).strip()


# ---------------------------------------------------------------------------
# Sorting
# ---------------------------------------------------------------------------


def _plain(value: str) -> str:
    """A value's text for sorting, the same however it was delimited or spaced."""
    parts = [normalise_part(p) for p in split_concatenation(value)]
    text = " ".join(p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in parts)
    return " ".join(re.sub(r"[{}\"\\]", "", text).split())


def _field_value(entry: bib.Entry, name: str) -> str:
    for entry_field in entry.fields:
        if _field_name(entry_field.key) == name:
            return _plain(str(entry_field.value))
    return ""


def _raw_value(entry: bib.Entry, name: str) -> str:
    """A value as BibTeX text, outer delimiters gone but inner braces kept (names need them)."""
    for entry_field in entry.fields:
        if _field_name(entry_field.key) == name:
            parts = [normalise_part(p) for p in split_concatenation(str(entry_field.value))]
            return " ".join(p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in parts)
    return ""


_USEPREFIX = re.compile(r"\buseprefix\b(?:\s*=\s*(\w+))?", re.IGNORECASE)


def _first_name(entry: bib.Entry) -> tuple[str, str]:
    """(family, given) of the first author, else editor, folded for sorting.

    Names are parsed as BibTeX does (:func:`citekit.formats.bibtex.parse_names`), so
    "van Beethoven, Ludwig" and "Ludwig van Beethoven" sort alike.  As in
    biblatex's default sorting (``useprefix=false``) the von part does not
    count: both sort under "Beethoven"; with ``options = {useprefix}`` it
    does, as in biblatex.  A prefix that is part of the family as written
    (``{van de Pol}``, ``d'Alembert``) is kept, as biblatex keeps it.
    """
    names_text = _raw_value(entry, "author") or _raw_value(entry, "editor")
    if not names_text:
        return ("", "")
    option = _USEPREFIX.search(_raw_value(entry, "options"))
    useprefix = option is not None and (option.group(1) or "true").lower() == "true"
    names = parse_names(names_text, useprefix=useprefix)
    if not names:
        return ("", "")
    name = names[0]
    if name.literal is not None:
        return (fold(name.literal), "")
    return (fold(name.family_with_particle), fold(name.given or ""))


def _year(entry: bib.Entry) -> str:
    match = re.search(r"\d{4}", _field_value(entry, "year") or _field_value(entry, "date"))
    return match.group(0) if match else "9999"


def sort_key(entry: bib.Entry, order: SortOrder) -> tuple[str, ...]:
    key = entry.key.casefold()
    if order == "key":
        return (key, entry.key)
    if order == "year":
        return (_year(entry), key, entry.key)
    family, given = _first_name(entry)
    return (family, given, _year(entry), key, entry.key)


# ---------------------------------------------------------------------------
# The whole file
# ---------------------------------------------------------------------------


def _entry_of(block: bib.Block) -> bib.Entry | None:
    """The entry of a block, also when bibtexparser flagged it (duplicate fields/keys)."""
    if isinstance(block, bib.Entry):
        return block
    ignored: Any = getattr(block, "ignore_error_block", None)
    return ignored if isinstance(ignored, bib.Entry) else None


_FAILED_HEAD = re.compile(r"\s*@\s*[A-Za-z]+\s*[{(]\s*([^\s,{}()=]+)\s*[,\n]")


def _failed_key(block: bib.Block) -> str | None:
    """The key a block that could not be parsed was written with, to name it in messages."""
    match = _FAILED_HEAD.match(str(getattr(block, "raw", "")))
    return match.group(1) if match else None


def _line(block: bib.Block) -> int | None:
    """bibtexparser counts lines from 0; diagnostics from 1."""
    return block.start_line + 1 if block.start_line is not None else None


def _last_line(block: bib.Block) -> int | None:
    """The line a block ends on (0-based); the splitter strips blank lines off ``raw``."""
    if block.start_line is None:
        return None
    return block.start_line + str(block.raw or "").count("\n")


def _touches(end: int | None, block: bib.Block) -> bool:
    """Whether ``block`` starts right below line ``end`` (no blank line between)."""
    return end is not None and block.start_line is not None and block.start_line <= end + 1


@dataclass(slots=True)
class _Unit:
    """What moves as one when entries are sorted: an entry with the comments
    written directly above it, or one block that stays where it is."""

    text: str
    entry: bib.Entry | None = None
    is_string: bool = False


class _Assembler:
    """Cuts the blocks into units, attaching comments to the entry below them.

    A comment belongs to an entry when nothing, not even a blank line,
    separates them: ``% ...`` lines, free text and ``@comment{...}`` written
    directly above an entry move with it under ``--sort``, and stay directly
    above it (no blank line) in the tidied text, so that tidying again sees
    the same attachment.  A comment with a blank line below it (a file
    header, a section heading) stays where it is, as ``@string`` and
    ``@preamble`` do, and so does a remark written after a block on the line
    it ends on.  JabRef's ``@comment{jabref-meta: ...}`` blocks describe the
    whole file and never attach.
    """

    def __init__(self) -> None:
        self.units: list[_Unit] = []
        self.pending: list[str] = []  # comments that touch each other, newest last
        self.pending_end: int | None = None
        self.block_end: int | None = None  # the line the last entry/@string/... ended on

    def flush(self) -> None:
        self.units.extend(_Unit(text) for text in self.pending)
        self.pending = []
        self.pending_end = None

    def comment(self, block: bib.Block, formatted: str) -> None:
        trailing = block.start_line is not None and block.start_line == self.block_end
        self.block_end = None
        if trailing or not _touches(self.pending_end, block):
            self.flush()
        implicit = isinstance(block, bib.ImplicitComment)
        if trailing:  # "} % ..." remarks on the block it follows, not on the next one
            first, _, rest = formatted.partition("\n") if implicit else (formatted, "", "")
            self.units.append(_Unit(first))
            formatted = rest.strip("\n")
            if not formatted:
                return
        if implicit:
            head, _, tail = formatted.rpartition("\n\n")
            if head:  # the paragraphs above the last blank line stay put
                self.flush()
                self.units.append(_Unit(head.rstrip("\n")))
            formatted = tail
        elif str(getattr(block, "comment", "")).lstrip().startswith("jabref-meta:"):
            self.flush()
            self.units.append(_Unit(formatted))
            return
        self.pending.append(formatted)
        self.pending_end = _last_line(block)

    def entry(self, block: bib.Block, entry: bib.Entry) -> None:
        text = format_entry(entry)
        if self.pending and _touches(self.pending_end, block):
            text = "\n".join([*self.pending, text])
            self.pending = []
            self.pending_end = None
        self.flush()
        self.units.append(_Unit(text, entry))
        self.block_end = _last_line(block)

    def other(self, block: bib.Block, formatted: str) -> None:
        self.flush()
        self.units.append(_Unit(formatted, is_string=isinstance(block, bib.String)))
        self.block_end = _last_line(block)


def _sorted(units: list[_Unit], order: SortOrder) -> list[_Unit]:
    """Entries (with their comments) in order, in the places entries had.

    ``@string`` definitions found below the first entry move up to just above
    it: an entry sorted above the definition of a macro it uses would lose the
    macro's value.  Everything else stays where it was.
    """
    first = next((i for i, unit in enumerate(units) if unit.entry is not None), None)
    if first is None:
        return units
    late_strings = [unit for unit in units[first:] if unit.is_string]
    units = [*units[:first], *late_strings, *(unit for unit in units[first:] if not unit.is_string)]
    slots = [i for i, unit in enumerate(units) if unit.entry is not None]
    keyed = sorted(
        (sort_key(entry, order), i) for i in slots if (entry := units[i].entry) is not None
    )
    ordered = _parents_last([units[i] for _, i in keyed])
    for slot, unit in zip(slots, ordered, strict=True):
        units[slot] = unit
    return units


def _depth(text: str, start: int = 0) -> tuple[int, int]:
    """Brace depth after ``text`` from ``start``, and where it first got back to 0 (-1: never)."""
    depth = start
    for index, char in enumerate(text):
        if char in "{}" and index and text[index - 1] == "\\":
            continue
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth <= 0 < start:
            return 0, index + 1
    return depth, -1


def _rejoin_failed(blocks: list[bib.Block], text: str) -> list[bib.Block]:
    """Blocks that failed to parse, whole again.

    The splitter gives up on a block where its syntax breaks and reads the
    rest of the entry (up to the brace that closes it) as free text after
    it.  That rest belongs to the block the user wrote: tidying it as a
    comment would break the entry apart, so it joins the failed block and is
    kept verbatim with it.  Whatever follows the closing brace in the same
    piece of free text stays a comment.
    """
    out: list[bib.Block] = []
    cursor = 0
    for block in blocks:
        raw = str(block.raw or "")
        found = text.find(raw, cursor) if raw else -1
        previous = out[-1] if out else None
        if (
            found >= 0
            and isinstance(block, bib.ImplicitComment)
            and isinstance(previous, bib.ParsingFailedBlock)
            and previous.start_line is not None
            and block.start_line is not None
        ):
            before = str(previous.raw or "")
            start = text.rfind(before, 0, found) if before else -1
            depth = _depth(before)[0]
            if start >= 0 and depth > 0 and not text[start + len(before) : found].strip():
                cut = _depth(raw, depth)[1]
                cut = len(raw) if cut < 0 else cut
                out[-1] = bib.ParsingFailedBlock(
                    previous.error, previous.start_line, text[start : found + cut]
                )
                rest = raw[cut:]
                lead = len(rest) - len(rest.lstrip())
                if rest.strip():
                    out.append(
                        bib.ImplicitComment(
                            rest.strip(),
                            block.start_line + raw[: cut + lead].count("\n"),
                            rest.strip(),
                        )
                    )
                cursor = found + len(raw)
                continue
        if found >= 0:
            cursor = found + len(raw)
        out.append(block)
    return out


def _parents_last(units: list[_Unit]) -> list[_Unit]:
    """Sorted entries with each ``crossref`` parent moved below its last child.

    BibTeX reads a ``crossref`` parent's fields only when the parent comes
    after the entries that name it; sorting must not put it first.  A parent
    waits until its last child has been placed and then follows it, so the
    sort order holds otherwise; parents of parents wait in turn.  Keys match
    without regard to case, as the reader (and biber) resolve them.
    """

    def parent_of(unit: _Unit) -> str:
        if unit.entry is None:
            return ""
        parent = _field_value(unit.entry, "crossref").casefold()
        return "" if parent == unit.entry.key.casefold() else parent

    waiting_for: dict[str, int] = {}
    for unit in units:
        if parent := parent_of(unit):
            waiting_for[parent] = waiting_for.get(parent, 0) + 1
    out: list[_Unit] = []
    held: dict[str, list[_Unit]] = {}

    def place(unit: _Unit) -> None:
        out.append(unit)
        parent = parent_of(unit)
        if parent and parent in waiting_for:
            waiting_for[parent] -= 1
            if waiting_for[parent] == 0:
                for released in held.pop(parent, []):
                    place(released)

    for unit in units:
        key = unit.entry.key.casefold() if unit.entry else ""
        if waiting_for.get(key, 0) > 0:
            held.setdefault(key, []).append(unit)
        else:
            place(unit)
    remaining = {id(unit) for group in held.values() for unit in group}
    out.extend(unit for unit in units if id(unit) in remaining)  # a crossref cycle
    return out


def _redefined_macros(blocks: list[bib.Block]) -> list[str]:
    """Macros defined twice: which definition an entry sees depends on where it
    stands, so sorting cannot promise to keep every value."""
    seen: set[str] = set()
    twice: list[str] = []
    for block in blocks:
        string = (
            block if isinstance(block, bib.String) else getattr(block, "ignore_error_block", None)
        )
        if isinstance(string, bib.String):
            name = string.key.lower()
            if name in seen and name not in twice:
                twice.append(name)
            seen.add(name)
    return twice


class _Verbatim:
    """Blocks that could not be parsed, kept as the bytes they were in the original text.

    Tidying works on the text with CRLF line endings made LF and gives the
    result the file's main line ending; a block that could not be parsed
    must come back exactly as written, its own line endings included, so it
    stands in the tidied text as a placeholder until the very end.  Lines
    correspond one to one between the original and the LF text, so a
    position maps back by its line and column.
    """

    def __init__(self, original: str, normalised: str) -> None:
        self.original = original
        self.normalised = normalised
        self.usable = "\x00" not in original
        self.original_lines = [0, *(m.end() for m in re.finditer("\n", original))]
        self.lines = [0, *(m.end() for m in re.finditer("\n", normalised))]
        self.cursor = 0
        self.kept: list[str] = []

    def _back(self, position: int) -> int:
        line = bisect.bisect_right(self.lines, position) - 1
        return self.original_lines[line] + position - self.lines[line]

    def placeholder(self, block: bib.Block, fallback: str) -> str:
        """A stand-in for the block's original text (``fallback`` when it cannot be found)."""
        raw = str(block.raw or "")
        start = self.normalised.find(raw, self.cursor) if self.usable and raw.strip() else -1
        if start < 0:
            return fallback
        self.cursor = start + len(raw)
        first = start + len(raw) - len(raw.lstrip())
        last = start + len(raw.rstrip())
        self.kept.append(self.original[self._back(first) : self._back(last)])
        return f"\x00{len(self.kept) - 1}\x00"

    def restore(self, text: str) -> str:
        if not self.kept:
            return text
        return re.sub("\x00(\\d+)\x00", lambda m: self.kept[int(m.group(1))], text)


def tidy(text: str, *, sort: SortOrder | None = None, filename: str | None = None) -> TidyResult:
    """Tidy BibTeX text; see the module docstring for what changes."""
    if sort not in (None, "key", "year", "author"):
        raise ValueError(f"unknown sort order {sort!r}; use key, year or author")
    original = text
    newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
    text = text.replace("\r\n", "\n")
    verbatim = _Verbatim(original, text)
    splitter_log = logging.getLogger("bibtexparser")
    level = splitter_log.level
    splitter_log.setLevel(logging.ERROR)  # its warnings become our diagnostics
    try:
        blocks = _rejoin_failed(split_blocks(text), text)
    finally:
        splitter_log.setLevel(level)
    diagnostics: list[Diagnostic] = []
    assembler = _Assembler()
    for block in blocks:
        entry = _entry_of(block)
        if entry is not None:
            if entry is not block:
                diagnostics.append(
                    Diagnostic(
                        Severity.WARNING,
                        "bibtex-problem",
                        f"{getattr(block, 'error', 'problem')}; entry tidied as written",
                        file=filename,
                        line=_line(block),
                        key=entry.key,
                    )
                )
            assembler.entry(block, entry)
            continue
        if isinstance(block, bib.ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", None) or str(block.error)
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    "bibtex-syntax",
                    "block kept verbatim, it could not be parsed: " + " ".join(str(reason).split()),
                    file=filename,
                    line=_line(block),
                    key=_failed_key(block),
                )
            )
        formatted = format_block(block)
        if isinstance(block, bib.ParsingFailedBlock) and formatted:
            formatted = verbatim.placeholder(block, formatted)
        if not formatted:
            continue
        if isinstance(block, bib.ImplicitComment | bib.ExplicitComment):
            assembler.comment(block, formatted)
        else:
            assembler.other(block, formatted)
    assembler.flush()
    units = assembler.units
    if sort is not None:
        units = _sorted(units, sort)
        for name in _redefined_macros(blocks):
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "sort-macro-redefined",
                    f"@string '{name}' is defined more than once; after sorting, entries "
                    "may see another definition than before",
                    file=filename,
                )
            )
    tidied = "\n\n".join(unit.text for unit in units)
    tidied = tidied + "\n" if tidied else ""
    if newline != "\n":
        tidied = tidied.replace("\n", newline)
    tidied = verbatim.restore(tidied)
    return TidyResult(tidied, diagnostics, changed=tidied != original)


def tidy_bibtex(text: str, *, sort: SortOrder | None = None) -> str:
    """The tidied text alone; use :func:`tidy` for diagnostics."""
    return tidy(text, sort=sort).text


def is_tidy(text: str, *, sort: SortOrder | None = None) -> bool:
    """Whether ``tidy_bibtex`` would leave the text as it is (for ``--check``)."""
    return not tidy(text, sort=sort).changed


__all__ = [
    "FIELD_ORDER",
    "MONTHS",
    "QUOTATION_FIELDS",
    "SortOrder",
    "TidyResult",
    "format_block",
    "format_entry",
    "is_tidy",
    "month_macro",
    "normalise_value",
    "sort_key",
    "split_concatenation",
    "tidy",
    "tidy_bibtex",
]

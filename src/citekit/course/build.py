"""From a reading list to a course reader: checks first, then one bibliography per section.

Each section is rendered as its own bibliography through
:func:`citekit.render.render`; its entries then come in the order the list
gives them (the order an instructor means them to be read), or with
``order = "style"`` in the style's order.  The consolidated bibliography at
the end is one more render of every key and always keeps the style's order.
Sections may also select records by keyword, type or Zotero collection
(:func:`select_readings`) before anything is checked.  The reader only adds what CSL has no
notion of: required and optional readings, the pages to read, the reading
load, and a per-course annotation.

A reader is one document, so every entry prints as the consolidated
bibliography prints it, in every section: year suffixes ("2017a"), names
added to tell authors apart and a numeric style's numbers are decided once,
over all the reader's works, and a section render alone would get them
wrong.  Each section still takes its annotations from its own render, and
its order from the list (or, with ``order = "style"``, from its own render;
a numeric style then orders it by the reader's numbers).  With
``numbering = "per-section"`` a numeric style's sections stay separate
bibliographies numbered from 1.  The one textual difference allowed is the
style's "———" for a repeated author, kept only where the entry follows the
same entry as in the consolidated bibliography.

The annotation goes into the record's ``annote`` for the render (so a style
that prints ``annote``, such as ``annotated-reading-list``, formats it), and
is then lifted out of the entry again so every writer can place it under the
entry the same way whether the style printed it or not.

One data adaptation happens on copies of the records, never on the
library: a quotation record (``custom.quotation``, docs/quotations.md) has
no title, so its quoted words stand in as one.

A built reader holds only characters every writer can carry: control
characters (a stray ``\x0b`` or ``\x01`` in a field or note, which DOCX and
XML refuse) and lone surrogates are replaced (:func:`citekit.render.richtext.xml_safe`)
and each replacement is a warning naming the reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from citekit import formats
from citekit.base.files import InputError
from citekit.course.model import Reading, ReadingList, Section, load_reading_list
from citekit.course.pages import (
    PAGE_LABELS,
    PARAGRAPH_LABELS,
    ReadingLoad,
    amount,
    count_pages,
    load_in_units,
)
from citekit.errors import (
    DataError,
    Diagnostic,
    ParseError,
    Severity,
    StyleError,
    UnknownStyleError,
    UsageError,
)
from citekit.model.quotations import CUSTOM_KEYS as QUOTATION_KEYS
from citekit.model.records import Library, Record
from citekit.render import CiteItem, Cluster, render
from citekit.render.api import closest_keys, linkify
from citekit.render.richtext import (
    Rich,
    Span,
    Text,
    from_html,
    plain,
    strip_markup,
    xml_safe,
    xml_unsafe_characters,
)
from citekit.render.types import BibliographyLayout, Engine, Problem
from citekit.styles.catalog import Style, find_style

# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReaderEntry:
    """One formatted reading: the style's entry plus what the course adds to it.

    ``rich`` is the entry as the style formats it, without the annotation;
    ``annotation`` is the course's (or the record's) annotation as rich
    text; ``context`` says where a quoted statement was quoted.
    """

    key: str
    rich: Rich
    required: bool = True
    locator: str | None = None
    label: str = "page"
    pages: int | None = None
    annotation: Rich | None = None
    note: str | None = None
    context: Rich | None = None
    amount: int | None = None
    unit: str = "page"
    locator_in_context: bool = False

    @property
    def locator_text(self) -> str | None:
        """``pp. 33–45, 50`` or ``paras. 5–8``: what to read, for people.

        None when the "Quoted in" line already names the same place, so a
        locator is said once.
        """
        if self.locator_in_context:
            return None
        return describe_locator(self.locator, self.label)

    @property
    def amount_text(self) -> str | None:
        """``14 pages``, ``16 paragraphs``, ``20 minutes``: the counted length, if any."""
        return amount(self.amount, self.unit) if self.amount else None


@dataclass(frozen=True, slots=True)
class ReaderSection:
    """A section's readings in the list's (or the style's) order, required ones first."""

    id: str
    title: str
    entries: tuple[ReaderEntry, ...]
    load: ReadingLoad
    description: str | None = None

    @property
    def required(self) -> tuple[ReaderEntry, ...]:
        return tuple(e for e in self.entries if e.required)

    @property
    def optional(self) -> tuple[ReaderEntry, ...]:
        return tuple(e for e in self.entries if not e.required)


@dataclass
class Reader:
    """A built course reader, ready for any writer."""

    reading_list: ReadingList
    style: Style
    locale: str
    sections: list[ReaderSection] = field(default_factory=list)
    bibliography: list[ReaderEntry] = field(default_factory=list)
    layout: BibliographyLayout = field(default_factory=BibliographyLayout)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.reading_list.title

    @property
    def load(self) -> ReadingLoad:
        """The whole course's reading load (each section counted as listed)."""
        total = ReadingLoad()
        for section in self.sections:
            total = total + section.load
        return total

    def to_json(self) -> dict[str, Any]:
        course = self.reading_list
        return {
            "title": course.title,
            "code": course.code,
            "term": course.term,
            "instructor": course.instructor,
            "style": self.style.id,
            "locale": self.locale,
            "load": self.load.to_json(),
            "sections": [
                {
                    "id": s.id,
                    "title": s.title,
                    "load": s.load.to_json(),
                    "entries": [_entry_json(e) for e in s.entries],
                }
                for s in self.sections
            ],
            "bibliography": [{"id": e.key, "text": _plain_text(e.rich)} for e in self.bibliography],
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "warnings": list(self.warnings),
        }


def _plain_text(rich: Rich) -> str:
    """The text of ``rich`` for JSON: no formatting and no markup tags left in it."""
    return strip_markup(plain(rich))


def _entry_json(entry: ReaderEntry) -> dict[str, Any]:
    return {
        "id": entry.key,
        "text": _plain_text(entry.rich),
        "required": entry.required,
        "locator": entry.locator,
        "label": entry.label,
        "pages": entry.pages,
        "amount": entry.amount,
        "unit": entry.unit,
        "annotation": _plain_text(entry.annotation) if entry.annotation else None,
        "note": entry.note,
        "context": _plain_text(entry.context) if entry.context else None,
    }


# ---------------------------------------------------------------------------
# Locators
# ---------------------------------------------------------------------------

_LABEL_FORMS: dict[str, tuple[str, str]] = {
    "page": ("p.", "pp."),
    "chapter": ("chap.", "chaps."),
    "paragraph": ("para.", "paras."),
    "section": ("sec.", "secs."),
    "volume": ("vol.", "vols."),
    "line": ("l.", "ll."),
    "figure": ("fig.", "figs."),
    "note": ("n.", "nn."),
    "verse": ("v.", "vv."),
    "column": ("col.", "cols."),
    "folio": ("fol.", "fols."),
    "book": ("bk.", "bks."),
    "part": ("pt.", "pts."),
    "issue": ("no.", "nos."),
    "number": ("no.", "nos."),
    "opus": ("op.", "opp."),
    "sub-verbo": ("s.v.", "s.vv."),
    "appendix": ("app.", "apps."),
}
_RANGE_DASH = re.compile(r"(?<=[0-9ivxlcdmIVXLCDM])\s*-{1,2}\s*(?=[0-9ivxlcdmIVXLCDM])")


def describe_locator(locator: str | None, label: str = "page") -> str | None:
    """A locator with its short label: ``pp. 33–45, 50``, ``chap. 3``."""
    if not locator:
        return None
    text = _RANGE_DASH.sub("–", locator.strip())
    plural = bool(re.search(r"[–,;&]|\band\b", text))
    singular, many = _LABEL_FORMS.get(label, (label, label))
    return f"{many if plural else singular} {text}"


def reading_pages(reading: Reading, record: Record | None) -> int | None:
    """Pages to read: the locator's when in pages; the record's own range when none given."""
    count, unit = reading_amount(reading, record)
    return count if unit == "page" else None


def reading_amount(reading: Reading, record: Record | None) -> tuple[int | None, str]:
    """How much a reading asks, and in what: ``(14, "page")``, ``(16, "paragraph")``.

    The list's own ``page_count`` or ``minutes`` wins; then a page or
    paragraph locator counted; then, with no locator, the record's page
    range.  ``(None, "page")`` when none of these gives a number.
    """
    if reading.page_count is not None:
        return reading.page_count, "page"
    if reading.minutes is not None:
        return reading.minutes, "minute"
    if reading.locator is not None:
        if reading.label in PAGE_LABELS:
            return count_pages(reading.locator), "page"
        if reading.label in PARAGRAPH_LABELS:
            return count_pages(reading.locator), "paragraph"
        return None, "page"
    if record is not None and isinstance(record.get("page"), (str, int)):
        return count_pages(str(record["page"])), "page"
    return None, "page"


def _same_place_as_quoted(reading: Reading, record: Record | None) -> bool:
    """Whether the reading's locator is where the record's "Quoted in" line points."""
    if record is None or reading.locator is None:
        return False
    custom = record.get("custom")
    if not isinstance(custom, dict) or not custom.get("quoted-in"):
        return False
    where = custom.get("quoted-in-locator")
    label = str(custom.get("quoted-in-label") or "page")
    return where is not None and str(where).strip() == reading.locator and label == reading.label


def linked(text: str) -> Rich:
    """A note or description as rich text, its URLs and DOIs links.

    The course's own words (notes, descriptions) never pass through the
    style, which is what links an entry's URLs; every writer shows them
    through this, so a URL is a link wherever the reader prints it.
    """
    return linkify(Text(text))


def anchor(*parts: str) -> str:
    """A link target from section ids and keys (``:`` and spaces are not URL-safe)."""
    text = "--".join(parts)
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text)


BIBLIOGRAPHY_ID = "bibliography"
"""The link target of the consolidated bibliography, whatever the sections are called."""


class Anchors:
    """Every link target of one reader, each used once.

    :func:`anchor` maps ``doe:2020`` and ``doe-2020`` (or a section called
    ``bibliography`` and the bibliography) to the same id, and a link to
    the second would land on the first.  The one that comes first keeps
    the plain id and a later one gets ``-2``, ``-3`` ...; the bibliography
    keeps ``bibliography`` and section ids come before entry ids, so the
    contents' links stay what the list's ids say.  An entry's id starts
    with its section's.
    """

    def __init__(self, reader: Reader) -> None:
        self._taken: set[str] = {BIBLIOGRAPHY_ID}
        self._ids: dict[tuple[str, ...], str] = {}
        for section in reader.sections:
            self._add(("section", section.id), anchor(section.id))
        for section in reader.sections:
            for entry in section.entries:
                wanted = f"{self.section(section.id)}--{anchor(entry.key)}"
                self._add(("entry", section.id, entry.key), wanted)
        for entry in reader.bibliography:
            self._add(("bibliography", entry.key), anchor(BIBLIOGRAPHY_ID, entry.key))

    def _add(self, name: tuple[str, ...], wanted: str) -> None:
        if name in self._ids:
            return
        found, number = wanted, 2
        while found in self._taken:
            found, number = f"{wanted}-{number}", number + 1
        self._taken.add(found)
        self._ids[name] = found

    def section(self, section_id: str) -> str:
        return self._ids.get(("section", section_id)) or anchor(section_id)

    def entry(self, section_id: str, key: str) -> str:
        return self._ids.get(("entry", section_id, key)) or anchor(section_id, key)

    def bibliography_entry(self, key: str) -> str:
        return self._ids.get(("bibliography", key)) or anchor(BIBLIOGRAPHY_ID, key)


# ---------------------------------------------------------------------------
# Libraries and checks
# ---------------------------------------------------------------------------


def load_libraries(paths: Iterable[Path]) -> tuple[Library, list[Diagnostic]]:
    """Every library file merged (first file wins a duplicate key), with warnings."""
    library = Library()
    diagnostics: list[Diagnostic] = []
    for path in paths:
        try:
            result = formats.read(path)
        except (FileNotFoundError, InputError) as exc:
            message = (
                f"library file not found: {path}"
                if not Path(path).exists()
                else f"library file cannot be read: {exc}"
            )
            raise ParseError(
                message, [Diagnostic(Severity.ERROR, "missing-library", message, file=str(path))]
            ) from exc
        # A broken entry of a library is the library's problem, reported with
        # its file, line and key; it stops the reader only if it is a reading
        # (then the reading list's check names it as unknown).
        diagnostics.extend(d for d in result.diagnostics if d.severity is not Severity.INFO)
        for record in result.library:
            if record.key in library:
                diagnostics.append(
                    Diagnostic(
                        Severity.WARNING,
                        "duplicate-key",
                        f"'{record.key}' is also in an earlier library file; the first is used",
                        file=str(path),
                        line=result.lines.get(record.key),
                        key=record.key,
                    )
                )
                continue
            library.add(record)
    return library, diagnostics


_KEYWORD_SPLIT = re.compile(r"\s*[,;]\s*")


def _keywords(record: Record) -> set[str]:
    """A record's keywords (CSL ``keyword``, BibTeX ``keywords``), case-folded."""
    raw = record.get("keyword")
    values = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    return {
        word.casefold()
        for value in values
        if isinstance(value, str)
        for word in _KEYWORD_SPLIT.split(value)
        if word.strip()
    }


def _selected(section: Section, candidates: Iterable[Record]) -> list[str]:
    """Keys of the candidates a section's ``keywords`` and ``types`` both admit."""
    wanted_words = {word.casefold() for word in section.keywords}
    wanted_types = {kind.casefold() for kind in section.types}
    keys: list[str] = []
    for record in candidates:
        if wanted_words and not wanted_words & _keywords(record):
            continue
        if wanted_types and record.type.casefold() not in wanted_types:
            continue
        keys.append(record.key)
    return keys


def _zotero_records(section: Section, source: str) -> tuple[Library, list[Diagnostic]]:
    """The items of a section's Zotero collection (or whole database), read-only."""
    from citekit.formats import zotero  # sqlite3 only when a list names a database

    assert section.zotero is not None
    try:
        result = zotero.read_path(section.zotero, collection=section.collection)
    except (DataError, UsageError, OSError) as exc:
        message = f"section '{section.id}': {exc}"
        raise ParseError(
            f"{source}: {message}",
            [Diagnostic(Severity.ERROR, "bad-zotero", message, file=source, line=section.line)],
        ) from exc
    return result.library, [d for d in result.diagnostics if d.severity is not Severity.INFO]


def select_readings(
    reading_list: ReadingList,
    library: Library,
) -> tuple[ReadingList, Library, list[Diagnostic]]:
    """Sections that select records (keywords, types, a Zotero collection) get them as readings.

    Selected records follow the section's explicit readings, in the
    library's (or the collection's) order, each once; a Zotero item joins
    the library unless a library file already has its key.  Keywords and
    types filter together: ``types = ["book"]`` with a collection keeps the
    collection's books.
    """
    if not any(section.selects for section in reading_list.sections):
        return reading_list, library, []
    merged = Library(library)
    diagnostics: list[Diagnostic] = []
    sections: list[Section] = []
    for section in reading_list.sections:
        if not section.selects:
            sections.append(section)
            continue
        candidates: list[Record] = list(library)
        if section.zotero is not None:
            found, problems = _zotero_records(section, reading_list.source)
            diagnostics.extend(problems)
            for record in found:
                if record.key not in merged:
                    merged.add(record)
            candidates = [merged[record.key] for record in found]
        listed = {reading.key for reading in section.readings}
        added = tuple(
            Reading(key=key, required=section.required, line=section.line)
            for key in _selected(section, candidates)
            if key not in listed
        )
        sections.append(replace(section, readings=section.readings + added))
    return replace(reading_list, sections=tuple(sections)), merged, diagnostics


def is_author_date(style: Style) -> bool:
    return (style.citation_format or "") == "author-date"


_CSL_NS = "http://purl.org/net/xbiblio/csl"
_CITATION_NUMBER = re.compile(rb"""variable\s*=\s*["'][^"']*\bcitation-number\b""")


def is_numbered(style: Style) -> bool:
    """Whether the style prints ``citation-number`` (ieee, vancouver ...).

    Read from the XML rather than the ``citation-format`` metadata, which
    a hand-made style may leave out or get wrong.
    """
    return (style.citation_format or "") == "numeric" or bool(_CITATION_NUMBER.search(style.xml))


def _has_title(record: Record) -> bool:
    if record.get("title"):
        return True
    custom = record.get("custom")
    return isinstance(custom, dict) and bool(custom.get("quotation"))


def check_reading_list(
    reading_list: ReadingList, library: Library, style: Style
) -> list[Diagnostic]:
    """Everything wrong with a list before anything is rendered.

    Errors: unknown keys (with the closest keys), readings without a title,
    author-date readings with neither a name nor a date, empty sections.
    Warnings: a reading in two sections, or twice in one.  Infos: a
    reading in two sections with different locators (another part of the
    same work, read closely), an author-date reading without a date or
    without a name (the style copes).
    """
    file = reading_list.source
    found: list[Diagnostic] = []

    def add(
        severity: Severity,
        code: str,
        message: str,
        line: int | None,
        key: str | None = None,
        field_name: str | None = None,
    ) -> None:
        found.append(
            Diagnostic(severity, code, message, file=file, line=line, key=key, field=field_name)
        )

    first_section: dict[str, Section] = {}
    first_reading: dict[str, Reading] = {}
    author_date = is_author_date(style)
    for section in reading_list.sections:
        if not section.readings:
            message = (
                f"section '{section.id}' selects no records (no record matches its "
                f"keywords, types or collection)"
                if section.selects
                else f"section '{section.id}' has no readings"
            )
            add(Severity.ERROR, "empty-section", message, section.line)
        in_section: set[str] = set()
        for reading in section.readings:
            key = reading.key
            if key in in_section:
                add(
                    Severity.WARNING,
                    "repeated-reading",
                    f"'{key}' is listed twice in section '{section.id}'; the first is used",
                    reading.line,
                    key,
                )
                continue
            in_section.add(key)
            if key in first_section:
                earlier = first_reading[key]
                if (earlier.locator, earlier.label) != (reading.locator, reading.label):
                    # Another part of the same work: a deliberate close reading.
                    add(
                        Severity.INFO,
                        "reading-in-two-sections",
                        f"'{key}' is also a reading in section '{first_section[key].id}' "
                        f"(another part of it)",
                        reading.line,
                        key,
                    )
                else:
                    add(
                        Severity.WARNING,
                        "reading-in-two-sections",
                        f"'{key}' is also a reading in section '{first_section[key].id}'",
                        reading.line,
                        key,
                    )
            else:
                first_section[key] = section
                first_reading[key] = reading
            record = library.get(key)
            if record is None:
                hint = closest_keys(key, library.keys())
                add(
                    Severity.ERROR,
                    "unknown-key",
                    f"no entry '{key}' in the libraries"
                    + (f" (did you mean: {', '.join(hint)}?)" if hint else ""),
                    reading.line,
                    key,
                )
                continue
            if not _has_title(record):
                add(
                    Severity.ERROR,
                    "missing-field",
                    f"'{key}' has no title",
                    reading.line,
                    key,
                    "title",
                )
            if author_date:
                named = bool(record.get("author") or record.get("editor"))
                dated = record.get("issued") is not None
                if not named and not dated:
                    add(
                        Severity.ERROR,
                        "missing-field",
                        f"'{key}' has no author, editor or date, which an author-date style needs",
                        reading.line,
                        key,
                        "author",
                    )
                elif not dated:
                    add(
                        Severity.INFO,
                        "missing-date",
                        f"'{key}' has no date (the style will print its 'no date' term)",
                        reading.line,
                        key,
                        "issued",
                    )
                elif not named:
                    add(
                        Severity.INFO,
                        "missing-name",
                        f"'{key}' has no author or editor (the title takes their place)",
                        reading.line,
                        key,
                        "author",
                    )
    return found


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------


def _quotation(record: Record) -> str | None:
    """The quoted words of a quotation record (``custom.quotation``), else None."""
    custom = record.get("custom")
    if isinstance(custom, dict) and custom.get("quotation"):
        return str(custom["quotation"])
    return None


def _has_occasion(record: Record) -> bool:
    """Whether a record names the event it records (an interview, a press conference)."""
    return bool(record.get("event-title") or record.get("event"))


def _render_copy(record: Record, annotation: str | None) -> Record:
    """The record as this reader renders it (see the module docstring).

    A quotation record that names its occasion (an interview, a speech) is
    a primary source and is cited as one, by its occasion: its words go to
    the "Quoted in" line rather than into the title, where a fragment such
    as "honored" would stand as if it were a work's name.  One without an
    occasion has nothing else to be known by, so its words stand as title.
    """
    copy = record.copy()
    copy["annote"] = annotation
    words = _quotation(copy)
    if not copy.get("title") and words and not _has_occasion(copy):
        copy["title"] = words  # the style adds any quotation marks
    return copy


def _quoted_line(citation: str, record: Record) -> str:
    """``Quoted in Raimondo 2017, para. 14`` plus the words when the title does not show them."""
    words = _quotation(record)
    if words is None or record.get("title") or not _has_occasion(record):
        return f"Quoted in {citation}" + ("" if citation.endswith(".") else ".")
    # The words exactly as quoted: no full stop is added inside the marks.
    return f"Quoted in {citation}: \u201c{' '.join(words.split())}\u201d"


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def _normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split())


def _lift_annotation(rich: Rich, annotation: str) -> tuple[Rich, Rich | None]:
    """Remove the block holding ``annotation`` from an entry; return both parts."""
    wanted = _normalised(plain(from_html(annotation)))
    lifted: list[Rich] = []

    def walk(node: Rich) -> Rich | None:
        if isinstance(node, Text):
            return node
        if node.display == "block" and _normalised(plain(node)) == wanted and not lifted:
            lifted.append(replace(node, display=None))
            return None
        children = [c for c in (walk(child) for child in node.children) if c is not None]
        return replace(node, children=tuple(children))

    rest = walk(rich) or Span(())
    return rest, (lifted[0] if lifted else None)


def _unblock(rich: Rich) -> Rich:
    """Drop ``block`` display: the writers lay entries out themselves."""
    if isinstance(rich, Text):
        return rich
    children = tuple(_unblock(child) for child in rich.children)
    display = None if rich.display == "block" else rich.display
    return replace(rich, children=children, display=display)


def inline_layout(rich: Rich) -> Rich:
    """Labels of numeric styles (``left-margin``) as text plus a space, other displays
    dropped: for formats without floats (Markdown, DOCX)."""
    if isinstance(rich, Text):
        return rich
    children = tuple(inline_layout(child) for child in rich.children)
    if rich.display == "left-margin":
        children = (*children, Text(" "))
    return replace(rich, children=children, display=None)


def _quoted_in(
    library: Library,
    reader_copies: Library,
    style: Style,
    locale: str | None,
    engine: str | Engine | None,
    numbers: Sequence[str] = (),
) -> dict[str, Rich]:
    """For each quotation record, "Quoted in (Raimondo 2017, para. 5)" as rich text.

    The citations are rendered among all the reader's works, so a year
    suffix or added name agrees with the reader's bibliography.  A numeric
    style numbers works in the order they are first cited, and the reader's
    bibliography is not cited at all; ``numbers`` (the bibliography's keys
    in order) are therefore cited first, in a cluster of their own, so
    that "Quoted in [3]" carries the number the work has in the reader.
    """
    wanted: list[tuple[str, CiteItem]] = []
    for record in reader_copies:
        custom = record.get("custom")
        if not isinstance(custom, dict) or not custom.get("quoted-in"):
            continue
        source = str(custom["quoted-in"])
        if source not in library:
            continue
        locator = custom.get("quoted-in-locator")
        wanted.append(
            (
                record.key,
                CiteItem(
                    source,
                    locator=str(locator) if locator is not None else None,
                    label=str(custom.get("quoted-in-label") or "page") if locator else None,
                ),
            )
        )
    if not wanted:
        return {}
    # Cited as themselves, not as the statements "quoted in" another work
    # (which would number that work first); their own numbers are all
    # that is printed of them here.
    sources = Library(
        _not_quotation(record) if numbers else record.copy() for record in reader_copies
    )
    for _, item in wanted:
        if item.id not in sources:
            sources.add(library[item.id].copy())
    numbering = [Cluster(tuple(CiteItem(key) for key in numbers))] if numbers else []
    result = render(
        sources,
        _without_citation_stop(style),
        citations=numbering + [Cluster((item,)) for _, item in wanted],
        locale=locale,
        engine=engine,
        bibliography=False,
    )
    out: dict[str, Rich] = {}
    trees = result.citation_trees[len(numbering) :]
    for (key, _), tree in zip(wanted, trees, strict=False):
        text = plain(tree).strip()
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1]
        out[key] = Text(_quoted_line(text, library[key]))
    return out


def _without_citation_stop(style: Style) -> Style:
    """The style with no full stop closing its citations.

    A note style ends every note with one (``<layout suffix=".">``); inside
    "Quoted in ..., para. 7: “honored”" it would stand before the colon.
    Left out of the layout rather than cut from the text, so that the
    period of an abbreviation ("et al.") stays.
    """
    if b'suffix="."' not in style.xml:
        return style
    from lxml import etree

    try:
        root = etree.fromstring(style.xml, parser=etree.XMLParser(no_network=True))
    except etree.XMLSyntaxError:
        return style
    changed = False
    for layout in root.iterfind(f"{{{_CSL_NS}}}citation/{{{_CSL_NS}}}layout"):
        if layout.get("suffix") == ".":
            del layout.attrib["suffix"]
            changed = True
    return replace(style, xml=etree.tostring(root, encoding="utf-8")) if changed else style


def _not_quotation(record: Record) -> Record:
    """A copy of ``record`` without the ``custom`` keys that make it a quotation record."""
    copy = record.copy()
    custom = copy.get("custom")
    if isinstance(custom, dict):
        copy["custom"] = {k: v for k, v in custom.items() if k not in QUOTATION_KEYS}
    return copy


@dataclass(frozen=True, slots=True)
class _WholeEntry:
    """An entry of the whole reader's bibliography, as sections reuse it.

    ``rich`` is the entry exactly as the consolidated bibliography prints
    it; ``standalone`` the same entry without subsequent-author-substitute
    (the "———" standing for the names of the entry before it), for a
    section where that entry does not follow ``previous``.
    """

    position: int
    rich: Rich
    standalone: Rich
    previous: str | None


def _substitutes_authors(style: Style) -> bool:
    """Whether the style may replace repeated names in its bibliography ("———").

    Only then do the entries need a second rendering with names in full.
    """
    return b"subsequent-author-substitute" in style.xml


def _whole_entries(
    bibliography: Sequence[ReaderEntry],
    standalone: Mapping[str, Rich],
) -> dict[str, _WholeEntry]:
    whole: dict[str, _WholeEntry] = {}
    previous: str | None = None
    for position, entry in enumerate(bibliography):
        whole[entry.key] = _WholeEntry(
            position, entry.rich, standalone.get(entry.key, entry.rich), previous
        )
        previous = entry.key
    return whole


def _as_in_whole(
    entries: Sequence[ReaderEntry],
    whole: Mapping[str, _WholeEntry],
) -> list[ReaderEntry]:
    """A group's entries printed as the whole reader prints them.

    The consolidated bibliography's text is used as is, unless the style
    replaced the names by "———" there and the entry follows a different
    one here: then the names are printed (a dash would name the wrong
    authors).
    """
    out: list[ReaderEntry] = []
    previous: str | None = None
    for entry in entries:
        found = whole.get(entry.key)
        if found is not None:
            rich = found.rich if found.previous == previous else found.standalone
            entry = replace(entry, rich=rich)
        out.append(entry)
        previous = entry.key
    return out


def _section(
    section: Section,
    library: Library,
    style: Style,
    locale: str | None,
    engine: str | Engine | None,
    contexts: dict[str, Rich],
    warnings: list[str],
    whole: Mapping[str, _WholeEntry] | None = None,
    numbered: bool = False,
    order: str = "list",
) -> tuple[ReaderSection, BibliographyLayout]:
    """One section as a bibliography of its own.

    ``order = "list"`` keeps the readings in the order the list gives them
    (the order an instructor means them to be read); ``"style"`` takes the
    style's sort, which for a numeric style numbering the reader through
    (``numbered`` with ``whole``) is the reader's numbers.  Under ``list``
    a work first read in an earlier section keeps its number and its place
    in the list, so [1] may follow [4] and [5]: the reading order wins.

    With ``whole`` (key -> the entry in the whole reader's bibliography)
    every entry prints as in the whole reader, so year suffixes ("2017a"),
    added names and numbers agree across sections and with the consolidated
    bibliography; the section's own render then only supplies the order
    and the styled annotations.  ``numbered`` orders the entries by their
    number in the whole reader instead.
    """
    readings: dict[str, Reading] = {}
    for reading in section.readings:
        readings.setdefault(reading.key, reading)
    copies = []
    annotations: dict[str, str | None] = {}
    for key, reading in readings.items():
        record = library[key]
        note = reading.annotation or (str(record["annote"]) if record.get("annote") else None)
        annotations[key] = note
        copies.append(_render_copy(record, note))
    result = render(
        Library(copies),
        style,
        locale=locale,
        engine=engine,
        link=True,
        bibliography_keys=list(readings),
    )
    warnings.extend(f"section '{section.id}': {w}" for w in result.warnings)
    bibliography = result.bibliography
    if order == "list":
        listed = {key: index for index, key in enumerate(readings)}
        bibliography = sorted(bibliography, key=lambda b: listed.get(b.id, len(listed)))
    elif whole is not None and numbered:
        bibliography = sorted(
            bibliography, key=lambda b: whole[b.id].position if b.id in whole else len(whole)
        )
    entries: list[ReaderEntry] = []
    for bib in bibliography:
        reading = readings[bib.id]
        rich: Rich = bib.rich
        annotation: Rich | None = None
        text = annotations.get(bib.id)
        if text:
            rich, annotation = _lift_annotation(rich, text)
            if annotation is None:
                annotation = from_html(text)
            # whether the style printed it (and linked it) or not
            annotation = linkify(annotation)
        source = library.get(bib.id)
        count, unit = reading_amount(reading, source)
        context = contexts.get(bib.id)
        entries.append(
            ReaderEntry(
                key=bib.id,
                rich=_unblock(rich),
                required=reading.required,
                locator=reading.locator,
                label=reading.label,
                pages=count if unit == "page" else None,
                annotation=annotation,
                note=reading.note,
                context=context,
                amount=count,
                unit=unit,
                locator_in_context=context is not None and _same_place_as_quoted(reading, source),
            )
        )
    required = [e for e in entries if e.required]
    optional = [e for e in entries if not e.required]
    if whole is not None:
        required, optional = _as_in_whole(required, whole), _as_in_whole(optional, whole)
    ordered = required + optional
    load = load_in_units((e.amount, e.unit, e.required) for e in ordered)
    return (
        ReaderSection(section.id, section.title, tuple(ordered), load, section.description),
        result.layout,
    )


def resolve_style(reading_list: ReadingList) -> Style:
    """The list's style; an unknown or broken style is an error in the list."""
    try:
        return find_style(reading_list.style)
    except (UnknownStyleError, StyleError) as exc:
        raise ParseError(
            str(exc),
            [
                Diagnostic(
                    Severity.ERROR,
                    "unknown-style",
                    str(exc),
                    file=reading_list.source,
                    field="style",
                )
            ],
        ) from exc


def _unprintable(reading_list: ReadingList, problems: Iterable[Problem]) -> list[Diagnostic]:
    """An error at every reading the style prints as nothing.

    Such a reading would silently vanish from its section (and from the
    bibliography), so it stops the build like an unknown key does.
    """
    blank = {p.key for p in problems if p.code == "no-printed-form" and p.key}
    return [
        Diagnostic(
            Severity.ERROR,
            "no-printed-form",
            f"'{reading.key}' (section '{section.id}') has no printed form in the "
            f"style '{reading_list.style}'; fill in its fields or use another style",
            file=reading_list.source,
            line=reading.line,
            key=reading.key,
        )
        for section, reading in reading_list.readings
        if reading.key in blank
    ]


def build_reader(
    reading_list: ReadingList,
    library: Library | None = None,
    *,
    engine: str | Engine | None = None,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Reader:
    """Check a reading list and render every section and the consolidated bibliography.

    Raises :class:`ParseError` with every diagnostic when an error is found
    (or, with ``strict``, a warning); otherwise the warnings travel with
    the returned :class:`Reader`.  ``progress(1)`` is called after each
    section and after the consolidated bibliography (``len(sections) + 1``
    steps), for a progress bar.
    """
    library_diagnostics: list[Diagnostic] = []
    if library is None:
        library, library_diagnostics = load_libraries(reading_list.libraries)
    reading_list, library, selection_diagnostics = select_readings(reading_list, library)
    library_diagnostics += selection_diagnostics
    style = resolve_style(reading_list)
    checked = check_reading_list(reading_list, library, style)
    diagnostics = [*library_diagnostics, *checked]
    failing = [
        d
        for d in checked
        if d.severity is Severity.ERROR or (strict and d.severity is Severity.WARNING)
    ]
    if strict:
        failing += library_diagnostics
    if failing:
        count = len(failing)
        raise ParseError(
            f"{reading_list.source}: {count} problem{'s' if count > 1 else ''} in the reading list",
            diagnostics,
        )
    locale = reading_list.locale
    reader = Reader(
        reading_list, style, locale or style.default_locale or "en-US", diagnostics=diagnostics
    )
    keys = reading_list.keys()
    copies = Library(_render_copy(library[k], None) for k in keys)
    whole = render(copies, style, locale=locale, engine=engine, link=True, bibliography_keys=keys)
    unprintable = _unprintable(reading_list, whole.problems)
    if unprintable:
        count = len(unprintable)
        raise ParseError(
            f"{reading_list.source}: {count} reading{'s' if count > 1 else ''} "
            f"the style cannot print",
            [*diagnostics, *unprintable],
        )
    bibliography = [ReaderEntry(key=b.id, rich=_unblock(b.rich)) for b in whole.bibliography]
    standalone: dict[str, Rich] = {}
    if _substitutes_authors(style):
        names_in_full = render(
            copies,
            style,
            locale=locale,
            engine=engine,
            link=True,
            bibliography_keys=keys,
            author_substitute=False,
        )
        standalone = {b.id: _unblock(b.rich) for b in names_in_full.bibliography}
    numbered = is_numbered(style)
    continuous = numbered and reading_list.numbering == "continuous"
    numbers = [b.id for b in whole.bibliography] if continuous else []
    contexts = _quoted_in(library, copies, style, locale, engine, numbers)
    shared: dict[str, _WholeEntry] | None = None
    if continuous or not numbered:
        shared = _whole_entries(bibliography, standalone)
    for section in reading_list.sections:
        built, layout = _section(
            section,
            library,
            style,
            locale,
            engine,
            contexts,
            reader.warnings,
            shared,
            numbered,
            section.order or reading_list.order,
        )
        reader.sections.append(built)
        reader.layout = layout
        if progress is not None:
            progress(1)
    reader.warnings.extend(f"bibliography: {w}" for w in whole.warnings)
    reader.layout = whole.layout
    reader.locale = whole.locale
    reader.bibliography = bibliography
    _make_xml_safe(reader)
    if progress is not None:
        progress(1)
    return reader


# ---------------------------------------------------------------------------
# Characters no writer can carry
# ---------------------------------------------------------------------------


class _Cleaner:
    """Replaces what :func:`xml_safe` replaces and remembers what it found."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def text(self, text: str) -> str:
        bad = xml_unsafe_characters(text)
        if not bad:
            return text
        self.found.extend(c for c in bad if c not in self.found)
        return xml_safe(text)

    def optional(self, text: str | None) -> str | None:
        return None if text is None else self.text(text)

    def rich(self, rich: Rich | None) -> Rich | None:
        if rich is None:
            return None
        if isinstance(rich, Text):
            cleaned = self.text(rich.text)
            return rich if cleaned == rich.text else Text(cleaned)
        children = tuple(self.rich(child) or Text("") for child in rich.children)
        return rich if children == rich.children else replace(rich, children=children)

    def report(self, where: str, warnings: list[str]) -> None:
        if self.found:
            names = ", ".join(f"U+{ord(c):04X}" for c in self.found)
            warnings.append(
                f"{where}: replaced character(s) {names} that the reader's "
                f"formats cannot carry (control characters or lone surrogates)"
            )
            self.found = []


def _clean_entry(entry: ReaderEntry, cleaner: _Cleaner) -> ReaderEntry:
    return replace(
        entry,
        rich=cleaner.rich(entry.rich) or Text(""),
        annotation=cleaner.rich(entry.annotation),
        context=cleaner.rich(entry.context),
        note=cleaner.optional(entry.note),
        locator=cleaner.optional(entry.locator),
    )


def _make_xml_safe(reader: Reader) -> None:
    """Replace control characters and lone surrogates everywhere in ``reader``, with a
    warning for each course field, section and reading that had some."""
    cleaner = _Cleaner()
    course = reader.reading_list
    cleaned = replace(
        course,
        title=cleaner.text(course.title),
        code=cleaner.optional(course.code),
        term=cleaner.optional(course.term),
        instructor=cleaner.optional(course.instructor),
    )
    if cleaner.found:
        reader.reading_list = cleaned
    cleaner.report("course", reader.warnings)
    for index, section in enumerate(reader.sections):
        title, description = cleaner.text(section.title), cleaner.optional(section.description)
        cleaner.report(f"section '{section.id}'", reader.warnings)
        entries = []
        for entry in section.entries:
            entries.append(_clean_entry(entry, cleaner))
            cleaner.report(f"section '{section.id}': '{entry.key}'", reader.warnings)
        reader.sections[index] = replace(
            section, title=title, description=description, entries=tuple(entries)
        )
    for index, entry in enumerate(reader.bibliography):
        reader.bibliography[index] = _clean_entry(entry, cleaner)
        cleaner.report(f"bibliography: '{entry.key}'", reader.warnings)


def build_from_file(
    path: str | Path, *, engine: str | Engine | None = None, strict: bool = False
) -> Reader:
    """Load a reading-list file and build its reader."""
    return build_reader(load_reading_list(path), engine=engine, strict=strict)


__all__ = [
    "BIBLIOGRAPHY_ID",
    "Anchors",
    "Reader",
    "ReaderEntry",
    "ReaderSection",
    "anchor",
    "build_from_file",
    "build_reader",
    "check_reading_list",
    "describe_locator",
    "inline_layout",
    "is_author_date",
    "is_numbered",
    "linked",
    "load_libraries",
    "reading_amount",
    "reading_pages",
    "resolve_style",
    "select_readings",
]

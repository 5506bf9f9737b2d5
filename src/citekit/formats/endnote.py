"""EndNote XML reader and writer, driven by :mod:`citekit.formats.endnotemap`.

EndNote exports ``<xml><records><record>...`` with every text value wrapped
in ``<style face="normal" font="default" size="100%">`` runs; the reader
joins the runs and keeps italic, bold, superscript and subscript faces as
CSL's rich-text tags (``<i>``, ``<b>``, ``<sup>``, ``<sub>``), and the
writer splits them back into runs.  CSL markup EndNote has no face for
(``<span class="nocase">``, small caps) is written as its text.

The record's key is its ``<label>`` when there is one (where EndNote users
keep citation keys), otherwise ``endnote-<rec-number>``.  Elements the table
does not map (``custom1``, ``auth-address``, an unknown ``ref-type``) are kept
as XML text in ``custom["endnote"]`` with an INFO ``unmapped-fields``
diagnostic, and written back by the writer, so a round trip through CSL-JSON
loses nothing EndNote had; ``database``, ``source-app`` and ``foreign-keys``
are EndNote's bookkeeping and are dropped.

XML is parsed with entity expansion, DTD loading and network access turned
off and lxml's default size limits on (:func:`parse_xml`, shared with MODS),
so a file cannot make citekit read another file, fetch a URL or expand a
"billion laughs".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from lxml import etree

from citekit.errors import Diagnostic, Severity
from citekit.formats import ReadResult, endnotemap
from citekit.formats.endnotemap import FieldRule
from citekit.model.records import Date, Library, Name, Record

Element = etree._Element

# ---------------------------------------------------------------------------
# Safe XML
# ---------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        encoding="utf-8",
    )


def parse_xml(
    text: str, filename: str | None, format_name: str
) -> tuple[Element | None, list[Diagnostic]]:
    """The root of an XML document, or None and an ERROR naming line and column.

    The text is already decoded, so its declaration's encoding is overridden.
    """
    data = text.lstrip("\ufeff").encode("utf-8", errors="replace")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno or 0, 0)
        message = f"malformed XML at line {line}, column {column}: {exc.msg}"
        return None, [
            Diagnostic(
                Severity.ERROR,
                "malformed-xml",
                f"{message}; no {format_name} records read",
                file=filename,
                line=line or None,
            )
        ]
    return root, []


def local(element: Element) -> str:
    """An element's name without its namespace ("" for comments and entities)."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def source_line(element: Element) -> int | None:
    """The line an element starts on, when lxml knows it."""
    line = element.sourceline
    return line if isinstance(line, int) else None


def raw_xml(element: Element) -> str:
    """An element as XML text (without its tail), for ``custom`` stores."""
    text: str = etree.tostring(element, encoding="unicode", with_tail=False)
    return text


def fragment(text: str) -> Element | None:
    """An element back from :func:`raw_xml` text; None when it is not XML."""
    try:
        return etree.fromstring(text.encode("utf-8", errors="replace"), _parser())
    except etree.XMLSyntaxError:
        return None


# ---------------------------------------------------------------------------
# Styled text
# ---------------------------------------------------------------------------

#: EndNote faces and the CSL rich-text tags that stand for them.
FACE_TAGS = {"italic": "i", "bold": "b", "superscript": "sup", "subscript": "sub"}
_TAG_FACES = {tag: face for face, tag in FACE_TAGS.items()}
_MARKUP = re.compile(r"<(/?)(i|b|sup|sub|span)(?:\s[^<>]*)?>")


def styled_text(element: Element) -> str:
    """The text of a field, its ``<style>`` runs joined, faces as CSL markup.

    Whitespace between runs is indentation (a pretty-printed file), not text.
    """
    styled = any(local(child) == "style" for child in element)

    def between(text: str | None) -> str:
        return "" if text is None or (styled and not text.strip()) else text

    parts: list[str] = [between(element.text)]
    for child in element:
        if local(child) == "style":
            text = _all_text(child)
            faces = [f for f in (child.get("face") or "").split() if f in FACE_TAGS]
            for face in reversed(faces):  # the first face is the outermost tag
                text = f"<{FACE_TAGS[face]}>{text}</{FACE_TAGS[face]}>"
            parts.append(text)
        elif isinstance(child.tag, str):
            parts.append(_all_text(child))
        parts.append(between(child.tail))
    return "".join(parts).strip()


def _all_text(element: Element) -> str:
    return "".join(t if isinstance(t, str) else t.decode() for t in element.itertext())


def runs(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """CSL rich text as (text, faces) runs; spans and unknown tags give only text."""
    out: list[tuple[str, tuple[str, ...]]] = []
    stack: list[str] = []
    position = 0
    for match in _MARKUP.finditer(text):
        if match.start() > position:
            out.append((text[position : match.start()], _faces(stack)))
        closing, tag = match.group(1), match.group(2)
        if closing:
            if tag in stack:
                del stack[len(stack) - 1 - stack[::-1].index(tag)]
        else:
            stack.append(tag)
        position = match.end()
    if position < len(text):
        out.append((text[position:], _faces(stack)))
    return out


def _faces(stack: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_TAG_FACES[t] for t in stack if t in _TAG_FACES))


def add_styled(parent: Element, text: str) -> None:
    """Write text as EndNote ``<style>`` runs under ``parent``."""
    for part, faces in runs(text) or [("", ())]:
        style = etree.SubElement(
            parent, "style", face=" ".join(faces) or "normal", font="default", size="100%"
        )
        style.text = xml_safe(part)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH_DAY = re.compile(r"^\s*([A-Za-z]+)\.?\s*(\d{1,2})?\s*$")
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]+)\.?\s*$")


def parse_iso(text: str) -> Date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a date; None otherwise."""
    match = _ISO.match(text)
    if not match:
        return None
    parts = [int(g) for g in match.groups() if g is not None]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return None
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        return None
    return Date.from_parts(tuple(parts))


def _month_day(text: str) -> tuple[int, ...] | None:
    """ "Mar 15", "March", "15 March": month and day without a year."""
    match = _MONTH_DAY.match(text)
    if match:
        month, day = match.group(1), match.group(2)
    else:
        found = _DAY_MONTH.match(text)
        if not found:
            return None
        day, month = found.group(1), found.group(2)
    number = _MONTHS.get(month.casefold())
    if number is None:
        return None
    return (number, int(day)) if day and 1 <= int(day) <= 31 else (number,)


def issued_from(year: str | None, date: str | None) -> tuple[Date | None, bool]:
    """``issued`` from ``<year>`` and ``<pub-dates><date>``; the flag says
    whether the date text was used (else it is kept unmapped)."""
    base: Date | None = None
    if year:
        base = parse_iso(year) if year.strip().isdigit() else Date(literal=year)
    if not date:
        return base, True
    full = parse_iso(date)
    if full is not None and (base is None or base.year == full.year):
        return full, True
    partial = _month_day(date)
    if partial is not None and base is not None and base.start:
        return Date.from_parts((base.start[0], *partial)), True
    return base, False


def _date_texts(date: Date) -> tuple[str | None, str | None]:
    """(year, full date) for ``<year>`` and ``<pub-dates><date>``; None for a
    date EndNote cannot hold (a range, a season, circa)."""
    resolved = date.resolved
    if resolved.literal is not None and not resolved.parts:
        return resolved.literal, None
    if len(resolved.parts) != 1 or resolved.season is not None or resolved.circa:
        return None, None
    start = resolved.parts[0]
    if not start or start[0] < 0:
        return None, None
    year = f"{start[0]:04d}"
    if len(start) == 1:
        return year, None
    return year, year + "".join(f"-{p:02d}" for p in start[1:])


def iso_text(date: Date) -> str | None:
    """A single date as ``YYYY[-MM[-DD]]``, or its literal; None otherwise."""
    year, full = _date_texts(date)
    return full or year


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

_ISSN = re.compile(r"^\s*\d{4}-?\d{3}[\dXx]\s*$")


class _Collector:
    """Gathers one record's values by element path before they become a Record."""

    def __init__(self) -> None:
        self.values: dict[str, list[tuple[str, Element]]] = {}
        self.names: dict[str, tuple[list[Name], Element]] = {}
        self.unmapped: list[Element] = []

    def walk(self, element: Element, path: str) -> None:
        """Sort an element: a field, a name list, a container or unmapped."""
        if path in endnotemap.LIST_PATHS:
            names = self.names.setdefault(path, ([], element))[0]
            for child in element:
                if local(child) == "author":
                    text = styled_text(child)
                    if text:
                        names.append(endnotemap.parse_name(text))
            return
        if path in endnotemap.LEAF_PATHS:
            self.values.setdefault(path, []).append((styled_text(element), element))
            return
        if path in endnotemap.CONTAINER_PATHS:
            for child in element:
                if isinstance(child.tag, str):
                    self.walk(child, f"{path}/{local(child)}")
            return
        self.unmapped.append(_wrapped(element, path))


def _wrapped(element: Element, path: str) -> Element:
    """An unmapped element inside copies of its containers, so the writer can
    put it back where it was (``titles/translated-title`` inside ``<titles>``)."""
    node = _strip_ns(element)
    for name in reversed(path.split("/")[:-1]):
        parent = etree.Element(name)
        parent.append(node)
        node = parent
    return node


def _strip_ns(element: Element) -> Element:
    return bare_copy(element)


def bare_copy(element: Element, namespace: str | None = None) -> Element:
    """A copy without namespaces or indentation, as kept in ``custom``.

    With ``namespace`` only that one is taken off (MODS keeps the namespaces
    of foreign elements in an ``<extension>``).  Whitespace-only text is
    dropped only around child elements (layout), never inside a leaf, where
    it is data.
    """
    copy = etree.fromstring(etree.tostring(element, with_tail=False), _parser())
    for node in copy.iter():
        if not isinstance(node.tag, str):
            continue
        qname = etree.QName(node.tag)
        if namespace is None or qname.namespace == namespace:
            node.tag = qname.localname
        if len(node) and node.text is not None and not node.text.strip():
            node.text = None
        for child in node:
            if child.tail is not None and not child.tail.strip():
                child.tail = None
    etree.cleanup_namespaces(copy)
    return copy


class _RecordReader:
    def __init__(self, element: Element, index: int, filename: str | None) -> None:
        self.element = element
        self.index = index
        self.filename = filename
        self.diagnostics: list[Diagnostic] = []

    def read(self) -> Record:
        collector = _Collector()
        ref_type: Element | None = None
        rec_number: str | None = None
        label: str | None = None
        for child in self.element:
            name = local(child)
            if not name or name in endnotemap.BOOKKEEPING:
                continue
            if name == "ref-type" and ref_type is None:
                ref_type = child
            elif name == "rec-number" and rec_number is None:
                rec_number = styled_text(child)
            elif name == "label" and label is None and styled_text(child):
                label = styled_text(child)
            else:
                collector.walk(child, name)
        key = label or (f"endnote-{rec_number}" if rec_number else f"endnote-{self.index}")
        if label and rec_number and rec_number != str(self.index):
            collector.unmapped.append(_leaf("rec-number", rec_number))
        row, csl = self._type(ref_type, key, collector)
        record = Record(key, csl)
        self._fill(record, collector, row)
        if collector.unmapped:
            record.custom[endnotemap.CUSTOM_KEY] = [raw_xml(e) for e in collector.unmapped]
            tags = sorted({_path_of(e) for e in collector.unmapped})
            self.diagnostics.append(
                Diagnostic(
                    Severity.INFO,
                    "unmapped-fields",
                    "EndNote elements without a CSL variable kept in "
                    f"custom.{endnotemap.CUSTOM_KEY}: {', '.join(tags)}",
                    file=self.filename,
                    line=source_line(self.element),
                    key=key,
                )
            )
        return record

    def _type(
        self, ref_type: Element | None, key: str, collector: _Collector
    ) -> tuple[endnotemap.TypeRow | None, str]:
        if ref_type is None:
            self.diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "missing-type",
                    f"record has no <ref-type>; read as '{endnotemap.FALLBACK_CSL_TYPE}'",
                    file=self.filename,
                    line=source_line(self.element),
                    key=key,
                )
            )
            return None, endnotemap.FALLBACK_CSL_TYPE
        row = endnotemap.type_row(ref_type.get("name"), ref_type.text)
        if row is None:
            collector.unmapped.append(_strip_ns(ref_type))
            return None, endnotemap.FALLBACK_CSL_TYPE
        return row, row.csl

    def _fill(self, record: Record, collector: _Collector, row: endnotemap.TypeRow | None) -> None:
        csl = record.type
        for path, (names, element) in collector.names.items():
            rule = endnotemap.read_rule(path, csl)
            variable = rule.variable if rule else None
            if path == "contributors/authors" and row and row.number == endnotemap.EDITED_BOOK:
                variable = "editor"
            if variable and variable not in record:
                if names:
                    record[variable] = names
            else:
                collector.unmapped.append(_wrapped(element, path))
        dates: dict[str, str] = {}
        keywords: list[str] = []
        for path, found in collector.values.items():
            rule = endnotemap.read_rule(path, csl)
            for index, (text, element) in enumerate(found):
                if rule is None:
                    collector.unmapped.append(_wrapped(element, path))
                elif rule.kind == "keywords":
                    keywords.extend(k for k in [text] if k)
                elif rule.kind in ("year", "date") and index == 0 and text:
                    dates[rule.kind] = text
                elif not self._set(record, rule, text) and text:
                    collector.unmapped.append(_wrapped(element, path))
        if keywords:
            record["keyword"] = ", ".join(keywords)
        issued, used = issued_from(dates.get("year"), dates.get("date"))
        if issued is not None:
            record["issued"] = issued
        if not used:
            kept = _leaf("date", dates["date"])
            collector.unmapped.append(_wrapped(kept, "dates/pub-dates/date"))

    @staticmethod
    def _set(record: Record, rule: FieldRule, text: str) -> bool:
        """Set one value; False when the variable already holds another one."""
        if not text:
            return True
        variable = rule.variable
        if rule.kind == "serial":
            variable = "ISSN" if _ISSN.match(text) else "ISBN"
        value: Any = text
        if rule.kind == "isodate":
            value = parse_iso(text) or Date(literal=text)
        current = record.get(variable)
        if current is None:
            record[variable] = value
            return True
        return bool(current == value)


def _leaf(name: str, text: str) -> Element:
    element = etree.Element(name)
    element.text = text
    return element


def _path_of(element: Element) -> str:
    parts = [local(element)]
    while (
        len(element) == 1
        and isinstance(element[0].tag, str)
        and parts[-1] in (p.rsplit("/", 1)[-1] for p in endnotemap.CONTAINER_PATHS)
    ):
        element = element[0]
        parts.append(local(element))
    return "/".join(parts)


def _records(root: Element) -> Iterable[Element] | None:
    if local(root) == "records":
        return [e for e in root if local(e) == "record"]
    if local(root) != "xml":
        return None
    return [
        record
        for records in root
        if local(records) == "records"
        for record in records
        if local(record) == "record"
    ]


def read(text: str, *, filename: str | None = None) -> ReadResult:
    """Parse EndNote XML; problems become diagnostics, never exceptions."""
    return read_records(
        text,
        filename,
        "EndNote",
        _records,
        _RecordReader,
        ("not-endnote", "EndNote's <xml><records>"),
        key_word="key",
    )


class RecordReader(Protocol):
    """What reads one XML record: its CSL record, and the problems it met."""

    diagnostics: list[Diagnostic]

    def read(self) -> Record: ...


def read_records(
    text: str,
    filename: str | None,
    format_name: str,
    find: Callable[[Element], Iterable[Element] | None],
    reader: Callable[[Element, int, str | None], RecordReader],
    wrong_root: tuple[str, str],
    *,
    key_word: str,
) -> ReadResult:
    """The records of an XML bibliography (EndNote XML, MODS), each read by ``reader``.

    ``find`` gives the record elements below the root, or None for a root
    that is not the format's; ``wrong_root`` is that error's code and what the
    root should have been.  A second record with a key already read is
    renamed and reported (``key_word`` is what the format calls its key).
    """
    root, diagnostics = parse_xml(text, filename, format_name)
    library = Library()
    lines: dict[str, int] = {}
    if root is None:
        return ReadResult(library, diagnostics, lines)
    records = find(root)
    if records is None:
        code, expected = wrong_root
        diagnostics.append(
            Diagnostic(
                Severity.ERROR,
                code,
                f"the root element is <{local(root)}>, not {expected}",
                file=filename,
                line=source_line(root),
            )
        )
        return ReadResult(library, diagnostics, lines)
    for index, element in enumerate(records, start=1):
        record_reader = reader(element, index, filename)
        record = record_reader.read()
        diagnostics.extend(record_reader.diagnostics)
        line = source_line(element)
        if record.key in library:
            original = record.key
            record.id = library.unused_key(original)
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "duplicate-key",
                    f"a second record with {key_word} '{original}' was renamed '{record.id}'",
                    file=filename,
                    line=line,
                    key=original,
                )
            )
        library.add(record)
        lines[record.key] = line or 0
    return ReadResult(library, diagnostics, lines)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

_REC_KEY = re.compile(r"^endnote-(\d+)$")


def _child(parent: Element, path: str) -> Element:
    """The element at ``path`` below ``parent``, containers made or reused."""
    *containers, leaf = path.split("/")
    for name in containers:
        found = parent.find(name)
        parent = found if found is not None else etree.SubElement(parent, name)
    return etree.SubElement(parent, leaf)


def _text_values(record: Record, rule: FieldRule) -> list[str]:
    value = record.get(rule.variable)
    if value is None:
        return []
    if rule.kind == "keywords":
        return [k.strip() for k in str(value).split(",") if k.strip()]
    if rule.kind in ("year", "date"):
        if not isinstance(value, Date):
            return []
        year, full = _date_texts(value)
        text = year if rule.kind == "year" else full
        return [text] if text else []
    if rule.kind == "isodate":
        text = iso_text(value) if isinstance(value, Date) else None
        return [text] if text else []
    return [str(value)]


def _write_names(element: Element, rule_path: str, names: list[Name]) -> None:
    holder = _child(element, rule_path)
    for name in names:
        add_styled(etree.SubElement(holder, "author"), endnotemap.format_name(name))


def _write_record(record: Record, position: int) -> Element:
    element = etree.Element("record")
    kept = record.custom.get(endnotemap.CUSTOM_KEY)
    extras = (
        [e for e in (fragment(x) for x in kept if isinstance(x, str)) if e is not None]
        if isinstance(kept, list)
        else []
    )
    match = _REC_KEY.match(record.key)
    if not any(local(e) == "rec-number" for e in extras):
        _leaf_into(element, "rec-number", match.group(1) if match else str(position))
    row = endnotemap.row_for_csl(record.type)
    edited = record.type == "book" and not record.get("author") and bool(record.get("editor"))
    own_type = next((e for e in extras if local(e) == "ref-type"), None)
    if own_type is not None and record.type == endnotemap.FALLBACK_CSL_TYPE:
        extras.remove(own_type)
        element.append(own_type)
    else:
        number, name = (endnotemap.EDITED_BOOK, "Edited Book") if edited else (row.number, row.name)
        _leaf_into(element, "ref-type", str(number)).set("name", name)
    if edited:
        _write_names(element, "contributors/authors", record.names("editor"))
    for rule in endnotemap.write_rules(record.type):
        if rule.variable not in record.fields:
            continue
        if rule.kind == "names":
            if not (edited and rule.path == "contributors/authors"):
                _write_names(element, rule.path, record.names(rule.variable))
            continue
        for text in _text_values(record, rule):
            add_styled(_child(element, rule.path), text)
    if not match:
        add_styled(_child(element, "label"), record.key)
    for extra in extras:
        _merge(element, extra)
    return element


def _leaf_into(parent: Element, name: str, text: str) -> Element:
    child = etree.SubElement(parent, name)
    child.text = xml_safe(text)
    return child


def _merge(parent: Element, extra: Element) -> None:
    """Put a kept element back: into the container of its name when there is one."""
    name = local(extra)
    if f"{name}" in endnotemap.CONTAINER_PATHS or any(
        p.endswith("/" + name) for p in endnotemap.CONTAINER_PATHS
    ):
        existing = parent.find(name)
        if existing is not None:
            for child in list(extra):
                _merge(existing, child)
            return
    parent.append(extra)


def write(library: Library, **options: Any) -> str:
    """Serialise a library as EndNote XML (UTF-8, one ``<record>`` each)."""
    records = [
        etree.tostring(_write_record(record, position), encoding="unicode")
        for position, record in enumerate(library, start=1)
    ]
    body = "".join(f"\n{record}" for record in records)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<xml><records>{body}\n</records></xml>\n'


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text XML 1.0 can hold: control characters and lone surrogates become U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


__all__ = [
    "FACE_TAGS",
    "add_styled",
    "bare_copy",
    "fragment",
    "local",
    "parse_iso",
    "parse_xml",
    "raw_xml",
    "read",
    "runs",
    "source_line",
    "styled_text",
    "write",
    "xml_safe",
]

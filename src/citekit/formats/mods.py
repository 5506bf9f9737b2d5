"""MODS v3 reader and writer, driven by :mod:`citekit.formats.modsmap`.

A file is a ``<modsCollection>`` of ``<mods>`` records, or one ``<mods>``
(in the ``http://www.loc.gov/mods/v3`` namespace, or in none, as some tools
write).  Each record's key is its ``ID`` attribute, else its
``recordInfo/recordIdentifier``, else ``mods-N``.

What a record is contained in (the journal of an article, the book of a
chapter) is its ``<relatedItem type="host">``: the container's title, its
editors, ISSN/ISBN and the ``<part>`` (volume, issue, pages, the date when
the item has none).  A ``<relatedItem type="series">`` gives the collection
title, number and editors.  The writer puts each variable where the reader
takes it from, and writes a record's type three ways (Zotero's item type as
the local genre, the MARC genre, ``typeOfResource``; see
:func:`citekit.formats.modsmap.csl_type`).

MODS is plain text: CSL rich-text markup is written as the text it marks.
Elements the table does not map (``tableOfContents``, an identifier of an
unknown type, a name with an unknown role) are kept as XML text in
``custom["mods"]`` with an INFO ``unmapped-fields`` diagnostic and written
back; ``recordInfo`` is the catalogue's bookkeeping and is dropped.  A
record's other ``custom`` data (quotations, BibTeX's store) travel as JSON
in an ``<extension>`` (namespace ``urn:x-citekit:custom``), the element MODS
has for local data; CSL variables MODS has no element for (``event-title``,
``annote``) are not written and the loss report names them.  XML is
parsed safely (:func:`citekit.formats.endnote.parse_xml`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from citekit.base.text import strip_markup
from citekit.errors import Diagnostic, Severity
from citekit.formats import ReadResult, modsmap
from citekit.formats.endnote import (
    bare_copy,
    fragment,
    local,
    parse_iso,
    raw_xml,
    read_records,
    source_line,
)
from citekit.formats.endnote import xml_safe as _safe
from citekit.formats.endnotemap import personal_name
from citekit.model.records import Date, Library, Name, Record, value_from_json, value_to_json

Element = etree._Element
_NS = "{" + modsmap.NS + "}"
_NSMAP: Any = {None: modsmap.NS}
_CUSTOM_NSMAP: Any = {"citekit": "urn:x-citekit:custom"}

# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    return "".join(t if isinstance(t, str) else t.decode() for t in element.itertext()).strip()


def _kids(element: Element, name: str | None = None) -> list[Element]:
    return [c for c in element if isinstance(c.tag, str) and (name is None or local(c) == name)]


def _first(element: Element, name: str) -> Element | None:
    found = _kids(element, name)
    return found[0] if found else None


def _bare(element: Element) -> Element:
    return bare_copy(element, modsmap.NS)


def _title(info: Element) -> str:
    """``nonSort`` + ``title`` + ``: subTitle``."""
    non_sort = "".join(
        t if isinstance(t, str) else t.decode()
        for e in _kids(info, "nonSort")
        for t in e.itertext()
    )
    title = _text(_first(info, "title"))
    if non_sort and title:
        title = non_sort + ("" if non_sort.endswith((" ", "'", "’")) else " ") + title
    sub = _text(_first(info, "subTitle"))
    return f"{title}: {sub}" if sub and title else title or sub


def _name(element: Element) -> Name | None:
    """A ``<name>`` as a CSL name: family/given parts, else one literal."""
    parts: dict[str, list[str]] = {}
    for part in _kids(element, "namePart"):
        parts.setdefault(part.get("type") or "", []).append(_text(part))
    suffix = _text(_first(element, "termsOfAddress")) or None
    family = " ".join(parts.get("family", []))
    given = " ".join(parts.get("given", []))
    if family or given:
        return personal_name(family, given or None, suffix)
    untyped = ", ".join(p for p in parts.get("", []) if p)
    if not untyped:
        return None
    if element.get("type") == "personal" and "," in untyped:
        pieces = [p.strip() for p in untyped.split(",")]
        return personal_name(pieces[0], pieces[1] or None, ", ".join(pieces[2:]) or suffix)
    return Name(literal=untyped)


def _roles(element: Element) -> list[str]:
    terms = [_text(term) for role in _kids(element, "role") for term in _kids(role, "roleTerm")]
    return [t for t in terms if t] or ["author"]


def _date(element: Element | None) -> Date | None:
    text = _text(element)
    if not text:
        return None
    return parse_iso(text) or Date(literal=text)


#: An ``extent`` that is a page count ("212", "212 p.", "212 pages"); others
#: ("142 min.", "1 map") are kept as they are.
_PAGES = re.compile(r"^(\d+)(?:\s*(?:p\.?|pages?))?$")


#: Containers an unmapped element is kept inside (and merged back into).
_WRAPPERS = frozenset({"originInfo", "physicalDescription", "location", "part"})


class _RecordReader:
    """Reads one ``<mods>`` into a record, keeping what it cannot map."""

    def __init__(self, element: Element, index: int, filename: str | None) -> None:
        self.element = element
        self.index = index
        self.filename = filename
        self.unmapped: list[Element] = []
        self.diagnostics: list[Diagnostic] = []
        self.values: dict[str, Any] = {}
        self.names: dict[str, list[Name]] = {}
        self.keywords: list[str] = []
        self.types: dict[str, list[str]] = {"local": [], "genre": [], "host": [], "resource": []}
        self.issuance: str | None = None
        self.host_issuance: str | None = None
        self.manuscript = False
        self.has_host = False
        self.custom: dict[str, Any] = {}

    def key(self) -> str:
        identifier = self.element.get("ID")
        if identifier:
            return identifier
        for info in _kids(self.element, "recordInfo"):
            found = _text(_first(info, "recordIdentifier"))
            if found:
                return found
        return f"mods-{self.index}"

    def read(self) -> Record:
        for child in _kids(self.element):
            self._top(child)
        csl = modsmap.csl_type(
            self.types["local"],
            self.types["genre"],
            self.types["host"],
            self.host_issuance,
            self.types["resource"],
            self.manuscript,
            self.issuance,
            self.has_host,
        )
        key = self.key()
        record = Record(key, csl)
        for variable, names in self.names.items():
            record[variable] = names
        for variable, value in self.values.items():
            record[variable] = value
        if self.keywords:
            record["keyword"] = ", ".join(self.keywords)
        for name, value in self.custom.items():
            record.custom[name] = value
        if self.unmapped:
            record.custom[modsmap.CUSTOM_KEY] = [raw_xml(e) for e in self.unmapped]
            tags = sorted({_shown(e) for e in self.unmapped})
            self.diagnostics.append(
                Diagnostic(
                    Severity.INFO,
                    "unmapped-fields",
                    f"MODS elements without a CSL variable kept in custom.{modsmap.CUSTOM_KEY}: "
                    + ", ".join(tags),
                    file=self.filename,
                    line=source_line(self.element),
                    key=key,
                )
            )
        return record

    # -- helpers -------------------------------------------------------------
    def keep(self, element: Element, host: str | None = None) -> None:
        """Keep an unmapped element inside bare copies of its container
        (``originInfo``, ``part``...) and relatedItem, so the writer puts it
        back in the same place."""
        node = _bare(element)
        parent = element.getparent()
        if parent is not None and local(parent) in _WRAPPERS:
            wrapper = etree.Element(local(parent))
            wrapper.append(node)
            node = wrapper
        if host is not None:
            related = etree.Element("relatedItem", type=host)
            related.append(node)
            node = related
        self.unmapped.append(node)

    def set(self, variable: str, value: Any, element: Element, host: str | None = None) -> None:
        """Set a variable once; a second, different value is kept unmapped."""
        if value in (None, ""):
            return
        if variable not in self.values:
            self.values[variable] = value
        elif self.values[variable] != value:
            self.keep(element, host)

    def add_name(self, variable: str, name: Name) -> None:
        self.names.setdefault(variable, []).append(name)

    # -- the top level -------------------------------------------------------
    def _top(self, child: Element) -> None:
        name = local(child)
        handlers: dict[str, Callable[[Element], None]] = {
            "titleInfo": self._title_info,
            "name": self._name,
            "genre": self._genre,
            "typeOfResource": self._resource,
            "originInfo": self._origin,
            "language": self._language,
            "physicalDescription": self._physical,
            "abstract": lambda e: self.set("abstract", _text(e), e),
            "note": lambda e: self.set("note", _text(e), e),
            "subject": self._subject,
            "identifier": self._identifier,
            "location": self._location,
            "relatedItem": self._related,
            "part": self._part,
            "classification": lambda e: self.set("call-number", _text(e), e),
            "recordInfo": lambda e: None,
            "extension": self._extension,
        }
        handler = handlers.get(name)
        if handler is None:
            self.keep(child)
        else:
            handler(child)

    def _extension(self, element: Element) -> None:
        """citekit's own ``custom`` data (quotations, other formats' stores)
        come back from its extension; any other extension is kept."""
        for child in _kids(element):
            value = _custom_json(child)
            if value is None:
                wrapper = etree.Element("extension")
                wrapper.append(_bare(child))
                self.unmapped.append(wrapper)
            else:
                self.custom.update(value)

    def _title_info(self, element: Element) -> None:
        kind = element.get("type")
        if kind is None:
            self.set("title", _title(element), element)
        elif kind == "abbreviated":
            self.set("title-short", _title(element), element)
        else:
            self.keep(element)

    def _name(self, element: Element, host: str | None = None) -> None:
        name = _name(element)
        if name is None:
            return
        variables = [self._role(role, host) for role in _roles(element)]
        known = [v for v in variables if v]
        if not known:
            self.keep(element, host)
        for variable in dict.fromkeys(known):
            self.add_name(variable, name)

    @staticmethod
    def _role(role: str, host: str | None) -> str | None:
        variable = modsmap.role_variable(role)
        if host == "host":
            return {"author": "container-author", "editor": "editor"}.get(variable or "")
        if host == "series":
            return "collection-editor" if variable == "editor" else None
        return variable

    def _genre(self, element: Element) -> None:
        """Genres from an authority say the type; one without (as citekit
        writes CSL's ``genre``, "PhD dissertation") is also the genre."""
        text = _text(element)
        authority = element.get("authority")
        if authority in ("local", "csl"):
            self.types["local"].append(text)
            return
        self.types["genre"].append(text.casefold())
        if authority is None and "genre" not in self.values:
            self.set("genre", text, element)

    def _resource(self, element: Element) -> None:
        if element.get("manuscript") == "yes":
            self.manuscript = True
        self.types["resource"].append(_text(element).casefold())

    def _origin(self, element: Element, host: str | None = None) -> None:
        starts: list[Date] = []
        ends: list[Date] = []
        for child in _kids(element):
            name = local(child)
            if name == "publisher":
                self.set("publisher", _text(child), child, host)
            elif name == "place":
                terms = [t for t in _kids(child, "placeTerm") if t.get("type") != "code"]
                self.set("publisher-place", _text(terms[0]) if terms else "", child, host)
            elif name == "dateIssued":
                date = _date(child)
                if date is not None:
                    (ends if child.get("point") == "end" else starts).append(date)
            elif name == "dateCaptured":
                self.set("accessed", _date(child), child, host)
            elif name == "edition":
                self.set("edition", _text(child), child, host)
            elif name == "issuance":
                if host == "host":
                    self.host_issuance = _text(child)
                elif host is None:
                    self.issuance = _text(child)
            else:
                self.keep(child, host)
        if starts and "issued" not in self.values:
            start = starts[0]
            if ends and start.parts and ends[0].parts:
                self.values["issued"] = Date(parts=(start.parts[0], ends[0].parts[0]))
            else:
                self.values["issued"] = start

    def _language(self, element: Element) -> None:
        terms = _kids(element, "languageTerm")
        self.set("language", _text(terms[0]) if terms else _text(element), element)

    def _physical(self, element: Element) -> None:
        for child in _kids(element):
            pages = _PAGES.match(_text(child)) if local(child) == "extent" else None
            if pages:
                self.set("number-of-pages", pages.group(1), child)
            elif local(child) == "form":
                self.set("medium", _text(child), child)
            else:
                self.keep(child)

    def _subject(self, element: Element) -> None:
        for child in _kids(element):
            if local(child) == "topic" and _text(child):
                self.keywords.append(_text(child))
            else:
                wrapper = etree.Element("subject")
                wrapper.append(_bare(child))
                self.unmapped.append(wrapper)

    def _identifier(self, element: Element, host: str | None = None) -> None:
        kind = (element.get("type") or "").casefold()
        variable = modsmap.IDENTIFIERS.get(kind)
        if variable is None or element.get("invalid") == "yes":
            self.keep(element, host)
        elif variable == "URL":
            self.values.setdefault("URL", _text(element))
        else:
            self.set(variable, _text(element), element, host)

    def _location(self, element: Element) -> None:
        for child in _kids(element):
            name = local(child)
            if name == "url":
                if "URL" in self.values and self.values["URL"] != _text(child):
                    self.keep(child)
                self.values["URL"] = self.values.get("URL") or _text(child)
            elif name == "physicalLocation":
                self.set("archive", _text(child), child)
            elif name == "shelfLocator":
                self.set("archive_location", _text(child), child)
            else:
                self.keep(child)

    def _part(self, element: Element, host: str | None = None) -> None:
        for child in _kids(element):
            name = local(child)
            if name == "detail":
                variable = modsmap.DETAILS.get(child.get("type") or "")
                value = _text(_first(child, "number")) or _text(_first(child, "title"))
                if variable is None:
                    self.keep(child, host)
                else:
                    self.set(variable, value, child, host)
            elif name == "extent" and (child.get("unit") or "page").startswith("page"):
                self.set("page", _pages(child), child, host)
            elif name == "date":
                if "issued" not in self.values:
                    self.set("issued", _date(child), child, host)
            else:
                self.keep(child, host)

    def _related(self, element: Element) -> None:
        kind = element.get("type")
        if kind == "original":
            self._original(element)
            return
        if kind not in ("host", "series"):
            self.keep(element)
            return
        if kind == "host":
            self.has_host = True
        for child in _kids(element):
            self._related_child(child, kind)

    def _original(self, element: Element) -> None:
        """``relatedItem type="original"``: the original title of a translation."""
        for child in _kids(element):
            if local(child) == "titleInfo" and child.get("type") is None:
                self.set("original-title", _title(child), child, "original")
            else:
                self.keep(child, "original")

    def _related_child(self, child: Element, kind: str) -> None:
        name = local(child)
        if name == "titleInfo":
            abbreviated = child.get("type") == "abbreviated"
            if child.get("type") not in (None, "abbreviated"):
                self.keep(child, kind)
            elif kind == "host":
                variable = "container-title-short" if abbreviated else "container-title"
                self.set(variable, _title(child), child, kind)
            elif not abbreviated:
                self.set("collection-title", _title(child), child, kind)
                number = _text(_first(child, "partNumber"))
                self.set("collection-number", number, child, kind)
            else:
                self.keep(child, kind)
        elif name == "name":
            self._name(child, kind)
        elif name == "genre" and kind == "host":
            self.types["host"].append(_text(child).casefold())
        elif name == "originInfo":
            self._origin(child, kind)
        elif name == "identifier":
            self._identifier(child, kind)
        elif name == "part" and kind == "host":
            self._part(child, kind)
        elif name == "part":
            for detail in _kids(child, "detail"):
                self.set("collection-number", _text(_first(detail, "number")), detail, kind)
        else:
            self.keep(child, kind)


#: The extension element that carries a record's ``custom`` object as JSON.
CUSTOM_NS = "urn:x-citekit:custom"


def _custom_json(element: Element) -> dict[str, Any] | None:
    """The ``custom`` object of a citekit extension element, else None."""
    if element.tag != "{" + CUSTOM_NS + "}custom":
        return None
    try:
        value = json.loads(_text(element))
        value = value_from_json("custom", value)
    except (ValueError, TypeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _pages(extent: Element) -> str:
    start = _text(_first(extent, "start"))
    end = _text(_first(extent, "end"))
    if start and end:
        return f"{start}-{end}"
    return start or end or _text(_first(extent, "list")) or _text(_first(extent, "total"))


def _shown(element: Element) -> str:
    name = local(element)
    if name in ("relatedItem", "subject") and len(element):
        return f"{name}/{local(element[0])}"
    return name


def _records(root: Element) -> list[Element] | None:
    if local(root) == "mods":
        return [root]
    if local(root) == "modsCollection":
        return _kids(root, "mods")
    return None


def read(text: str, *, filename: str | None = None) -> ReadResult:
    """Parse MODS XML; problems become diagnostics, never exceptions."""
    return read_records(
        text,
        filename,
        "MODS",
        _records,
        _RecordReader,
        ("not-mods", "MODS's <modsCollection> or <mods>"),
        key_word="ID",
    )


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_PAGE_RANGE = re.compile(r"^([^\s,-]+)-([^\s,-]+)$")


def _sub(parent: Element, name: str, text: str | None = None, **attributes: str) -> Element:
    element = etree.SubElement(parent, _NS + name, attrib=attributes)
    if text is not None:
        element.text = _safe(strip_markup(text))
    return element


def _write_name(parent: Element, name: Name, variable: str) -> None:
    terms = modsmap.role_terms(variable)
    if name.literal is not None:
        element = _sub(parent, "name", type="corporate")
        _sub(element, "namePart", name.literal)
    else:
        element = _sub(parent, "name", type="personal")
        if name.family_with_particle:
            _sub(element, "namePart", name.family_with_particle, type="family")
        if name.given_with_particle:
            _sub(element, "namePart", name.given_with_particle, type="given")
        if name.suffix:
            _sub(element, "termsOfAddress", name.suffix)
    if terms is not None:
        role = _sub(element, "role")
        _sub(role, "roleTerm", terms[1], authority="marcrelator", type="text")


def _write_title(parent: Element, title: str, **attributes: str) -> Element:
    info = _sub(parent, "titleInfo", **attributes)
    main, sep, sub = strip_markup(title).partition(": ")
    _sub(info, "title", main if sep and main and sub else title)
    if sep and main and sub:
        _sub(info, "subTitle", sub)
    return info


def _date_text(date: Date) -> list[tuple[str, str | None]]:
    """(text, point) pairs for a date: one, two for a range, the literal as is."""
    resolved = date.resolved
    if not resolved.parts:
        text = resolved.literal or resolved.raw
        return [(text, None)] if text else []

    def point(parts: tuple[int, ...]) -> str:
        return f"{parts[0]:04d}" + "".join(f"-{p:02d}" for p in parts[1:])

    if len(resolved.parts) == 2 and resolved.parts[0] and resolved.parts[1]:
        return [(point(resolved.parts[0]), "start"), (point(resolved.parts[1]), "end")]
    if resolved.parts[0] and resolved.parts[0][0] >= 0:
        return [(point(resolved.parts[0]), None)]
    return []


def _write_part(parent: Element, record: Record) -> None:
    details = [(v, t) for v, t in modsmap.DETAIL_TYPES.items() if record.get(v) is not None]
    page = record.get("page")
    if not details and page is None:
        return
    part = _sub(parent, "part")
    for variable, kind in details:
        detail = _sub(part, "detail", type=kind)
        _sub(detail, "number", str(record[variable]))
    if page is not None:
        text = strip_markup(str(page))
        extent = _sub(part, "extent", unit="pages")
        match = _PAGE_RANGE.match(text)
        if match:
            _sub(extent, "start", match.group(1))
            _sub(extent, "end", match.group(2))
        elif re.fullmatch(r"[^\s,-]+", text):
            _sub(extent, "start", text)
        else:
            _sub(extent, "list", text)


def _write_origin(element: Element, record: Record, row: modsmap.TypeRow) -> None:
    origin = _sub(element, "originInfo")
    if record.get("publisher") is not None:
        _sub(origin, "publisher", str(record["publisher"]))
    if record.get("publisher-place") is not None:
        place = _sub(origin, "place")
        _sub(place, "placeTerm", str(record["publisher-place"]), type="text")
    issued = record.date("issued")
    for text, point in _date_text(issued) if issued else []:
        attributes = {"point": point} if point else {}
        if parse_iso(text):
            attributes["encoding"] = "w3cdtf"
        _sub(origin, "dateIssued", text, **attributes)
    accessed = record.date("accessed")
    for text, _ in (_date_text(accessed) if accessed else [])[:1]:
        _sub(origin, "dateCaptured", text, encoding="w3cdtf")
    if record.get("edition") is not None:
        _sub(origin, "edition", str(record["edition"]))
    if row.host_genre is None and record.type in ("book", "report", "thesis"):
        _sub(origin, "issuance", "monographic")
    if not len(origin):
        element.remove(origin)


def _write_host(element: Element, record: Record, row: modsmap.TypeRow) -> bool:
    """The ``relatedItem type="host"``; False when the record has no container."""
    has = any(
        record.get(v) is not None
        for v in ("container-title", "container-title-short", "container-author")
    )
    if not has and record.type not in modsmap.CONTAINED:
        return False
    host = _sub(element, "relatedItem", type="host")
    if record.get("container-title") is not None:
        _write_title(host, str(record["container-title"]))
    if record.get("container-title-short") is not None:
        _write_title(host, str(record["container-title-short"]), type="abbreviated")
    for variable, role in (("container-author", "author"), ("editor", "editor")):
        for name in record.names(variable):
            _write_name(host, name, role)
    if row.host_issuance:
        origin = _sub(host, "originInfo")
        _sub(origin, "issuance", row.host_issuance)
    if row.host_genre:
        _sub(host, "genre", row.host_genre, authority="marcgt")
    for variable in ("ISSN", "ISBN"):
        if record.get(variable) is not None:
            _sub(host, "identifier", str(record[variable]), type=variable.lower())
    _write_part(host, record)
    return True


def _write_series(element: Element, record: Record) -> None:
    title = record.get("collection-title")
    if title is None and not record.get("collection-editor"):
        return
    series = _sub(element, "relatedItem", type="series")
    if title is not None:
        _write_title(series, str(title))
    for name in record.names("collection-editor"):
        _write_name(series, name, "editor")
    if record.get("collection-number") is not None:
        part = _sub(series, "part")
        detail = _sub(part, "detail", type="volume")
        _sub(detail, "number", str(record["collection-number"]))


_ITEM_NAMES = (
    "author",
    "translator",
    "contributor",
    "illustrator",
    "composer",
    "director",
    "interviewer",
    "recipient",
    "compiler",
    "curator",
    "narrator",
    "organizer",
    "performer",
    "producer",
    "script-writer",
    "editorial-director",
)


def _write_record(record: Record) -> Element:
    element = etree.Element(_NS + "mods", nsmap=_NSMAP, ID=_safe(record.key), version="3.7")
    row = modsmap.row_for_csl(record.type)
    if record.get("title") is not None:
        _write_title(element, str(record["title"]))
    if record.get("title-short") is not None:
        _write_title(element, str(record["title-short"]), type="abbreviated")
    contained = record.type in modsmap.CONTAINED or record.get("container-title") is not None
    for variable in _ITEM_NAMES + (() if contained else ("editor",)):
        for name in record.names(variable):
            _write_name(element, name, variable)
    manuscript = {"manuscript": "yes"} if record.type == "manuscript" else {}
    _sub(element, "typeOfResource", row.resource, **manuscript)
    if row.marcgt:
        _sub(element, "genre", row.marcgt, authority="marcgt")
    _sub(element, "genre", modsmap.local_genre(record.type), authority="local")
    if record.get("genre") is not None:
        _sub(element, "genre", str(record["genre"]))
    _write_origin(element, record, row)
    if record.get("language") is not None:
        language = strip_markup(str(record["language"]))
        code = (
            {"type": "code", "authority": "rfc3066"}
            if _LANGUAGE_CODE.match(language)
            else {"type": "text"}
        )
        _sub(_sub(element, "language"), "languageTerm", language, **code)
    physical = [
        (v, n)
        for v, n in (("number-of-pages", "extent"), ("medium", "form"))
        if record.get(v) is not None
    ]
    if physical:
        description = _sub(element, "physicalDescription")
        for variable, tag in physical:
            _sub(description, tag, str(record[variable]))
    for variable in ("abstract", "note"):
        if record.get(variable) is not None:
            _sub(element, variable, str(record[variable]))
    keywords = [k.strip() for k in str(record.get("keyword") or "").split(",") if k.strip()]
    for keyword in keywords:
        _sub(_sub(element, "subject"), "topic", keyword)
    if record.get("call-number") is not None:
        _sub(element, "classification", str(record["call-number"]))
    hosted = _write_host(element, record, row)
    _write_series(element, record)
    if record.get("original-title") is not None:
        _write_title(_sub(element, "relatedItem", type="original"), str(record["original-title"]))
    if not hosted:
        _write_part(element, record)
    for variable, kind in modsmap.IDENTIFIER_TYPES.items():
        if record.get(variable) is not None and not (hosted and variable in ("ISSN", "ISBN")):
            _sub(element, "identifier", str(record[variable]), type=kind)
    _write_location(element, record)
    carried = {k: v for k, v in record.custom.items() if k != modsmap.CUSTOM_KEY}
    if carried:
        extension = _sub(element, "extension")
        holder = etree.SubElement(extension, "{" + CUSTOM_NS + "}custom", nsmap=_CUSTOM_NSMAP)
        holder.text = _safe(json.dumps(value_to_json(carried), ensure_ascii=False))
    _restore(element, record)
    return element


def _write_location(element: Element, record: Record) -> None:
    parts = [
        (v, n)
        for v, n in (
            ("URL", "url"),
            ("archive", "physicalLocation"),
            ("archive_location", "shelfLocator"),
        )
        if record.get(v) is not None
    ]
    if parts:
        location = _sub(element, "location")
        for variable, name in parts:
            _sub(location, name, str(record[variable]))


def _in_ns(element: Element) -> Element:
    for node in element.iter():
        if isinstance(node.tag, str) and not node.tag.startswith("{"):
            node.tag = _NS + node.tag
    return element


def _restore(element: Element, record: Record) -> None:
    """Put back what the reader kept, inside the relatedItem and container it
    came from when the writer made one."""
    kept = record.custom.get(modsmap.CUSTOM_KEY)
    if not isinstance(kept, list):
        return
    for text in kept:
        extra = fragment(text) if isinstance(text, str) else None
        if extra is not None:
            _merge(element, _in_ns(extra))


def _merge(parent: Element, extra: Element) -> None:
    name = local(extra)
    target = None
    if name == "relatedItem":
        target = next((r for r in _kids(parent, name) if r.get("type") == extra.get("type")), None)
    elif name in _WRAPPERS:
        target = _first(parent, name)
    if target is None:
        parent.append(extra)
        return
    for child in list(extra):
        _merge(target, child)


def write(library: Library, **options: Any) -> str:
    """Serialise a library as a MODS v3 ``<modsCollection>`` (UTF-8)."""
    root = etree.Element(_NS + "modsCollection", nsmap=_NSMAP)
    for record in library:
        root.append(_write_record(record))
    text: str = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text


__all__ = ["read", "write"]

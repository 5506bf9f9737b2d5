"""Writing CSL records as BibLaTeX (default) or classic BibTeX.

The writer reverses :mod:`citekit.formats.bibtex`'s reader with the same
tables (:mod:`bibmap`), and uses what the reader kept in
``custom["biblatex"]`` (the original type, subtitles, fields with no CSL
variable, raw values whose LaTeX the decoder could not express) to give the
same fields back.  Records that came from elsewhere (no ``custom``) are
written from their CSL variables alone.  Field order is fixed, keys are kept
exactly, and ``@string``/``@preamble``/``@comment`` blocks from
``Library.extras["bibtex"]`` are put back first.

A key BibTeX cannot hold (``a,b``, ``a}b``, spaces at either end) would read
back as another key or break the entries after it, so such an entry is never
written.  A caller that passes a ``diagnostics`` list gets every other entry
written and one :class:`~citekit.errors.Diagnostic` per entry left out (what
``citekit convert`` reports); without one, :func:`write` raises
:class:`~citekit.errors.DataError` naming the keys, so that no caller can
lose an entry without being told.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from citekit.errors import DataError, Diagnostic, Severity
from citekit.formats import bibmap as bm
from citekit.formats.bibdates import format_date, year_month_day
from citekit.formats.bibnames import format_names
from citekit.formats.latex import decode, encode
from citekit.model import NAME_VARIABLES, Date, Library, Name, Record, parse_edtf, variable_kind

Dialect = Literal["biblatex", "bibtex"]
CUSTOM_KEY = "biblatex"

FIELD_ORDER: tuple[str, ...] = (
    "author", "bookauthor", "editor", "editortype", "editora", "editoratype", "editorb",
    "editorbtype", "editorc", "editorctype", "translator", "title", "subtitle", "titleaddon",
    "maintitle", "mainsubtitle", "maintitleaddon", "booktitle", "booksubtitle",
    "booktitleaddon", "journaltitle", "journal", "journalsubtitle", "shortjournal",
    "issuetitle", "eventtitle", "eventdate", "venue", "origtitle", "shorttitle", "series",
    "volume", "volumes", "number", "issue", "part", "edition", "version", "chapter", "pages",
    "pagetotal", "type", "institution", "school", "organization", "publisher",
    "howpublished", "location", "address", "origpublisher", "origlocation", "date", "year",
    "month", "day", "origdate", "pubstate", "doi", "eprint", "eprinttype", "eprintclass",
    "isbn", "issn", "pmid", "pmcid", "url", "urldate", "langid", "langidopts", "language",
    "keywords", "abstract", "note", "annotation", "annote", "crossref", "xref", "xdata",
)  # fmt: skip
_ORDER_INDEX = {name: k for k, name in enumerate(FIELD_ORDER)}

# CSL variables the writer handles in code (not by the plain reverse table).
_HANDLED = frozenset({
    "title", "container-title", "volume-title", "title-short", "issued", "original-date",
    "event-date", "accessed", "publisher", "number", "issue", "collection-number", "genre",
    "status", "language", "custom", "DOI", "PMID", "PMCID",
})  # fmt: skip
_PLAIN: dict[str, bm.FieldRule] = {}
for _rule in bm.FIELD_RULES:
    if _rule.kind in ("names", "title", "text", "number", "range", "verbatim", "list") \
            and _rule.csl and _rule.csl not in _HANDLED and _rule.csl not in _PLAIN:
        _PLAIN[_rule.csl] = _rule
_QUOTES = {r.csl: r.biblatex for r in bm.FIELD_RULES if r.kind == "quote"}
_SUBPARTS = {"title": ("subtitle", "titleaddon"),
             "maintitle": ("mainsubtitle", "maintitleaddon"),
             "booktitle": ("booksubtitle", "booktitleaddon"),
             "journaltitle": ("journalsubtitle", "")}
_ARTICLE_TYPES = frozenset({"article", "periodical", "suppperiodical"})


class _EntryWriter:
    """Builds the fields of one entry, then formats them."""

    def __init__(self, record: Record, dialect: Dialect, ascii: bool,
                 keys: frozenset[str] = frozenset()) -> None:
        self.keys = keys
        self.record = record
        self.dialect = dialect
        self.ascii = ascii
        bib = record.custom.get(CUSTOM_KEY)
        self.bib: dict[str, Any] = dict(bib) if isinstance(bib, dict) else {}
        self.fields: dict[str, str] = {}
        self.bare: set[str] = set()  # fields written without braces (month macros)

    # -- values ------------------------------------------------------------
    def text(self, value: Any, *, verbatim: bool = False) -> str:
        return encode(str(value), ascii=self.ascii, verbatim=verbatim)

    def put(self, name: str, value: str | None) -> None:
        if value is not None and value != "" and name not in self.fields:
            self.fields[name] = value

    def names(self, value: Any) -> str:
        names = [n if isinstance(n, Name) else Name.from_json(n) for n in value]
        return format_names(names, ascii=self.ascii)

    # -- type --------------------------------------------------------------
    def entry_type(self) -> str:
        csl_type = self.record.type
        original = self.bib.get("@type")
        btype = None
        if isinstance(original, str):
            canonical, _ = bm.canonical_type(original)
            rule = bm.TYPES.get(canonical)
            subtype_of = bm.SUBTYPE_OF_CSL.get(csl_type)
            if rule is None or rule.csl == csl_type or (
                    subtype_of is not None and subtype_of[0] == canonical):
                btype = canonical
        if btype is None:
            btype = bm.CSL_TO_BIBLATEX.get(csl_type, "misc")
        subtype = bm.SUBTYPE_OF_CSL.get(csl_type)
        if subtype is not None and subtype[0] == btype:
            self.put("entrysubtype", subtype[1])
        return btype

    def bibtex_type(self, btype: str) -> str:
        """The classic BibTeX type, moving the thesis/report kind into the type."""
        genre = self.record.get("genre")
        implied = self.bib.get("@implied")
        original = self.bib.get("@type")
        if isinstance(original, str) and original.lower() in bm.BIBTEX_TYPES \
                and bm.BIBTEX_TYPES[original.lower()][0] == btype:
            if implied and bm.KEYS.get(implied) == genre:
                self.fields.pop("type", None)
            return original.lower()
        if btype == "thesis":
            if genre in ("Master's thesis", "mathesis") or implied == "mathesis":
                self.fields.pop("type", None)
                return "mastersthesis"
            if genre in ("PhD thesis", "phdthesis", None):
                self.fields.pop("type", None)
            return "phdthesis"
        if btype == "report":
            if genre in ("technical report", None):
                self.fields.pop("type", None)
            return "techreport"
        rule = bm.TYPES.get(btype)
        return rule.bibtex if rule is not None else btype

    # -- fields ------------------------------------------------------------
    def build(self) -> str:
        record = self.record
        btype = self.entry_type()
        rule = bm.TYPES.get(btype)
        chapter_like = rule.chapter_like if rule is not None else False
        self.titles(btype, chapter_like)
        self.people()
        self.numbers(btype)
        self.publisher(btype)
        self.dates()
        self.identifiers()
        genre = record.get("genre")
        if genre is not None:
            self.put("type", self.text(bm.KEYS_REVERSE.get(str(genre), str(genre))))
        status = record.get("status")
        year_raw = self.bib.get("year")
        if status is not None and not (isinstance(year_raw, str)
                                       and decode(year_raw, nocase=False) == status):
            self.put("pubstate", self.text(bm.KEYS_REVERSE.get(str(status), str(status))))
        self.language()
        for variable, value in record.fields.items():
            if variable in _HANDLED or variable in self.done_variables:
                continue
            plain = _PLAIN.get(variable)
            if plain is not None:
                self.plain(plain, value)
            elif variable in NAME_VARIABLES and isinstance(value, list):
                self.put(variable, self.names(value))
            elif variable_kind(variable) in ("string", "number") and value not in (None, ""):
                self.put(variable.lower(), self.text(value))
        for key, value in record.custom.items():
            field = _QUOTES.get(key)
            if field is not None and isinstance(value, str):
                self.put(field, self.text(value))
        for name, value in self.bib.items():
            if name.startswith("@") or not isinstance(value, str):
                continue
            if name in self.fields and name not in ("langid", "language", "eprinttype"):
                continue
            if name in _SUBPARTS_ALL and _MAIN_OF[name] in self.title_fields:
                continue  # restored with their main title, when it still ends with them
            self.fields[name] = value
        raws = self.bib.get("@raw")
        if isinstance(raws, dict):
            for name, raw in raws.items():
                # The raw LaTeX only while the value is what was read from it.
                if name in self.fields and isinstance(raw, str) \
                        and decode(raw) == decode(self.fields[name]):
                    self.fields[name] = raw
        self.drop_inherited()
        if self.dialect == "bibtex":
            btype = self.bibtex_type(btype)
            self.to_bibtex_names()
        return self.format(btype)

    def drop_inherited(self) -> None:
        """Leave out what the entry inherits from a crossref/xdata parent that is
        written too, so a round trip gives the entry's own fields back."""
        inherited = self.bib.get("@inherited")
        if not isinstance(inherited, list):
            return
        parents = [self.fields.get("crossref", ""), *self.fields.get("xdata", "").split(",")]
        if not any(p.strip() in self.keys for p in parents if p.strip()):
            return
        for item in inherited:
            raw_name = str(item)
            canonical: str = bm.FIELD_ALIASES.get(raw_name, raw_name)
            self.fields.pop(raw_name, None)
            if canonical != raw_name and raw_name in self.bib:
                continue  # an inherited alias the entry's own field overrode
            for written in _WRITTEN_AS.get(canonical, (canonical,)):
                self.fields.pop(written, None)

    done_variables: frozenset[str] = frozenset()
    title_fields: frozenset[str] = frozenset()

    def plain(self, rule: bm.FieldRule, value: Any) -> None:
        kind = rule.kind
        if kind == "names":
            if isinstance(value, list) and value:
                self.put(rule.biblatex, self.names(value))
        elif kind == "verbatim":
            self.put(rule.biblatex, self.text(value, verbatim=True))
        elif kind == "range":
            self.put(rule.biblatex, self.text(str(value)).replace("-", "--").replace("----", "--"))
        elif kind == "list":
            self.put(rule.biblatex, self.literal_list(str(value)))
        else:
            self.put(rule.biblatex, self.text(value))

    def titles(self, btype: str, chapter_like: bool) -> None:
        record = self.record
        title = record.get("title")
        volume = record.get("volume-title")
        container = record.get("container-title")
        wanted: dict[str, Any] = {}
        if self.bib.get("@maintitle") and title is not None:
            wanted["maintitle"] = title
            if volume is not None:
                wanted["title"] = volume
        else:
            if title is not None:
                wanted["title"] = title
            if volume is not None:
                if btype in _ARTICLE_TYPES:
                    wanted["issuetitle"] = volume
                elif chapter_like and container is not None:
                    wanted["maintitle"] = container
                    wanted["booktitle"] = volume
                    container = None
                else:
                    wanted["issuetitle"] = volume
        if container is not None:
            origin = self.bib.get("@container")
            if isinstance(origin, str) and origin in ("journaltitle", "booktitle"):
                wanted[origin] = container
            elif btype in _ARTICLE_TYPES or record.type.startswith("article"):
                wanted["journaltitle"] = container
            else:
                wanted["booktitle"] = container
        self.title_fields = frozenset(wanted)
        for name, value in wanted.items():
            text = str(value)
            sub_name, addon_name = _SUBPARTS.get(name, ("", ""))
            if addon_name and isinstance(self.bib.get(addon_name), str):
                addon = decode(self.bib[addon_name])
                if text.endswith(". " + addon):
                    text = text[: -len(addon) - 2]
                    self.fields[addon_name] = self.bib[addon_name]
            if sub_name and isinstance(self.bib.get(sub_name), str):
                sub = decode(self.bib[sub_name])
                if text.endswith(": " + sub):
                    text = text[: -len(sub) - 2]
                    self.fields[sub_name] = self.bib[sub_name]
            self.put(name, self.text(text))
        short = record.get("title-short")
        if short is not None:
            main_title = wanted.get("title")
            if not (self.bib.get("@short") and main_title is not None
                    and str(main_title).startswith(str(short) + ": ")):
                self.put("shorttitle", self.text(short))

    def people(self) -> None:
        record = self.record
        used: set[str] = set()
        for variable in ("author", "container-author", "translator", "editor"):
            value = record.get(variable)
            if isinstance(value, list) and value:
                field = {"container-author": "bookauthor"}.get(variable, variable)
                origin = self.bib.get("@" + variable)
                if variable == "editor" and isinstance(origin, str):
                    field = origin
                    self.put(field + "type", "editor")
                self.put(field, self.names(value))
                used.add(variable)
        slots = [s for s in ("editor", "editora", "editorb", "editorc") if s not in self.fields]
        for variable, role in bm.CSL_TO_EDITOR_TYPE.items():
            value = record.get(variable)
            if not (isinstance(value, list) and value) or not slots:
                continue
            origin = self.bib.get("@" + variable)
            field = origin if isinstance(origin, str) and origin in slots else slots[0]
            slots.remove(field)
            self.put(field, self.names(value))
            self.put(field + "type", role)
            used.add(variable)
        self.done_variables = frozenset(used)

    def numbers(self, btype: str) -> None:
        record = self.record
        issue = record.get("issue")
        number = record.get("number")
        series_number = record.get("collection-number")
        if issue is not None:
            if btype in _ARTICLE_TYPES and number is None and not self.bib.get("@issue"):
                self.put("number", self.text(issue))
            else:
                self.put("issue", self.text(issue))
        if series_number is not None:
            self.put("number", self.text(series_number))
        if number is not None:
            if "number" in self.fields:
                self.put("issue" if "issue" not in self.fields else "number", self.text(number))
            else:
                self.put("number", self.text(number))

    def publisher(self, btype: str) -> None:
        value = self.record.get("publisher")
        if value is None:
            return
        origin = self.bib.get("@publisher")
        if isinstance(origin, str):
            field = bm.FIELD_ALIASES.get(origin, origin)
        elif btype in ("thesis", "report"):
            field = "institution"
        else:
            field = "publisher"
        self.put(field, self.literal_list(str(value)))

    def literal_list(self, text: str) -> str:
        """A publisher or place: "A; B" back to biblatex's "A and B" when the
        reader split it, and a literal "and" protected so it is not a separator."""
        parts = text.split("; ") if self.bib.get("@lists") else [text]
        return " and ".join(self.text(p).replace(" and ", " {and} ") for p in parts)

    def dates(self) -> None:
        record = self.record
        issued = record.get("issued")
        if isinstance(issued, Date):
            if self.dialect == "bibtex":
                year, month, day = year_month_day(issued)
                self.put("year", year if year and year[:1].isdigit() else
                         self.text(year) if year else None)
                if month is not None:
                    self.fields["month"] = month
                    self.bare.add("month")
                self.put("day", day)
            elif issued.literal is not None and not issued.parts:
                self.put("year", self.text(issued.literal))
            else:
                self.put("date", self.date_text(issued))
        for variable, field in (("original-date", "origdate"), ("event-date", "eventdate"),
                                ("accessed", "urldate")):
            value = record.get(variable)
            if isinstance(value, Date):
                if field == "origdate" and (self.bib.get("@origyear") or self.dialect == "bibtex"):
                    year = year_month_day(value)[0]
                    self.put("origyear",
                             year if year is None or year.isdigit() else self.text(year))
                else:
                    self.put(field, self.date_text(value))

    def date_text(self, date: Date) -> str:
        """The date as EDTF, or its literal text encoded as LaTeX: a literal such
        as ``{circa} 1900}`` must not unbalance the entry's braces."""
        text = format_date(date)
        return text if parse_edtf(text) is not None else self.text(text)

    def identifiers(self) -> None:
        record = self.record
        eprint = self.bib.get("@eprint")
        for variable, field in (("DOI", "doi"), ("PMID", "pmid"), ("PMCID", "pmcid")):
            value = record.get(variable)
            if value is None:
                continue
            if eprint == variable:
                self.put("eprint", self.text(value, verbatim=True))
            else:
                self.put(field, self.text(value, verbatim=True))

    def language(self) -> None:
        value = self.record.get("language")
        if value is None:
            return
        for field in ("langid", "language"):
            raw = self.bib.get(field)
            if isinstance(raw, str):
                if _language_tag(field, raw, self.bib.get("langidopts")) == value:
                    return  # the raw field in custom gives it back exactly
                del self.bib[field]  # the language was changed since reading
        name = bm.LANGUAGES_REVERSE.get(str(value))
        if name is not None:
            self.put("langid", name)
        else:
            self.put("language", self.text(value))

    def to_bibtex_names(self) -> None:
        renamed: dict[str, str] = {}
        for name, value in self.fields.items():
            target = bm.BIBTEX_FIELD_NAMES.get(name, name)
            if name == "institution" and self.record.type == "thesis":
                target = "school"
            if target in renamed:
                target = name
            renamed[target] = value
        if "date" in renamed and "year" not in renamed:
            issued = self.record.get("issued")
            if isinstance(issued, Date):
                year, month, day = year_month_day(issued)
                del renamed["date"]
                if year:
                    renamed["year"] = year if year[:1].isdigit() else self.text(year)
                if month:
                    renamed["month"] = month
                    self.bare.add("month")
                if day:
                    renamed["day"] = day
        self.fields = renamed

    def format(self, btype: str) -> str:
        names = sorted(self.fields, key=lambda n: (_ORDER_INDEX.get(n, len(_ORDER_INDEX)), 0))
        width = max((len(n) for n in names), default=0)
        lines = [f"@{btype}{{{self.record.key},"]
        for name in names:
            value = self.fields[name]
            if name not in self.bare and not _reads_back(value):
                value = encode(value, verbatim=True)  # raw custom text, e.g. from CSL-JSON
            value = _AT_LINE_START.sub(" ", value)
            body = value if name in self.bare else "{" + value + "}"
            lines.append(f"  {_FIELD_NAME_BREAKERS.sub('_', name).ljust(width)} = {body},")
        lines.append("}")
        return "\n".join(lines)


# A line break before "@" inside a value: bibtexparser's splitter would take
# the "@" for the start of a new block, so the breaks are written as a space.
_AT_LINE_START = re.compile(r"[\r\n]\s*(?=@)")
# Characters that would end or split a field name; a custom field named with
# them (possible in CSL-JSON ``custom``) is written with ``_`` in their place.
_FIELD_NAME_BREAKERS = re.compile(r"[\s{}(),=\"#%'~\\@]")
# Keys without these characters always read back; keys with them are tried.
_ODD_KEY_CHARS = re.compile(r'[\s,{}()"=\\@#%]')


def _writable_key(key: str) -> bool:
    """Whether an entry written under this key reads back under the same key
    (a comma ends a key, a brace or quote breaks the entry).  Keys with odd
    characters are tried on the reader itself, which is the only exact rule."""
    if not _ODD_KEY_CHARS.search(key):
        return True
    from citekit.formats.bibtex import read  # bibtex imports this module

    result = read(f"@misc{{{key},\n  note = {{x}},\n}}\n")
    return list(result.library.keys()) == [key] and not result.errors


def _reads_back(value: str) -> bool:
    """Whether a braced field value ends where it should, counting braces as
    bibtexparser does: one right after a backslash does not count (even after
    ``\\\\``), and a final backslash would hide the closing brace."""
    depth = 0
    previous = ""
    for ch in value:
        if previous != "\\":
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth < 0:
                    return False
        previous = ch
    return depth == 0 and previous != "\\"


def _language_tag(field: str, raw: str, opts: Any) -> str:
    """The CSL ``language`` the reader made of a raw langid/language field."""
    text = decode(raw, nocase=False).strip()
    variant_of = opts if field == "langid" and isinstance(opts, str) else None
    return bm.language_tag(text, variant_of) or text


_SUBPARTS_ALL = frozenset(p for pair in _SUBPARTS.values() for p in pair if p)
_MAIN_OF = {p: main for main, pair in _SUBPARTS.items() for p in pair if p}


# Fields an inherited field may have been written as.
_WRITTEN_AS: dict[str, tuple[str, ...]] = {
    "year": ("year", "date"), "date": ("date", "year"),
    "booktitle": ("booktitle", "booksubtitle", "booktitleaddon"),
    "maintitle": ("maintitle", "mainsubtitle", "maintitleaddon"),
    "journaltitle": ("journaltitle", "journalsubtitle"),
}


def write_entry(record: Record, *, dialect: Dialect = "biblatex", ascii: bool = False,
                keys: frozenset[str] = frozenset()) -> str:
    """One record as a BibLaTeX or BibTeX entry; ``keys`` are the entries written
    with it (inherited fields are left out while their parent is among them)."""
    return _EntryWriter(record, dialect, ascii, keys).build()


def _blocks(extras: dict[str, Any]) -> Iterable[str]:
    for text in extras.get("text", []):
        yield str(text)
    for preamble in extras.get("preambles", []):
        yield f"@preamble{{{preamble}}}"
    strings = extras.get("strings", {})
    if isinstance(strings, dict):
        for name, value in strings.items():
            yield f"@string{{{name} = {value}}}"
    for comment in extras.get("comments", []):
        yield f"@comment{{{comment}}}"
    xdata = extras.get("xdata", {})
    if isinstance(xdata, dict):
        for key, fields in xdata.items():
            lines = [f"@xdata{{{key},"]
            for name, value in fields.items():
                if not name.startswith("@"):
                    lines.append(f"  {name} = {{{value}}},")
            lines.append("}")
            yield "\n".join(lines)


#: The code of the diagnostic for an entry left out because of its key.
UNWRITABLE_KEY = "unwritable-key"


def unwritable_keys(library: Library) -> list[Diagnostic]:
    """One error per record whose key BibTeX cannot hold, in library order."""
    return [
        Diagnostic(
            Severity.ERROR, UNWRITABLE_KEY,
            f"entry left out of the BibTeX output: {record.key!r} cannot be a BibTeX key "
            "(commas, quotes, '=', unbalanced braces or spaces at either end do not "
            "survive); give it a usable key first, e.g. with 'citekit keys FILE -o FIXED'",
            key=record.key,
        )
        for record in library if not _writable_key(record.key)
    ]


def write(library: Library, *, dialect: Dialect = "biblatex", ascii: bool = False,
          diagnostics: list[Diagnostic] | None = None, **_options: Any) -> str:
    """A library as BibLaTeX (default) or classic BibTeX (``dialect="bibtex"``).

    Text is Unicode unless ``ascii`` asks for LaTeX accent commands.  Entries
    whose key BibTeX cannot hold are left out and reported in ``diagnostics``
    when the caller gives that list; without it they raise :class:`DataError`.
    """
    if dialect not in ("biblatex", "bibtex"):
        raise ValueError(f"unknown BibTeX dialect '{dialect}' (biblatex or bibtex)")
    left_out = unwritable_keys(library)
    if left_out and diagnostics is None:
        shown = ", ".join(repr(d.key) for d in left_out[:5])
        more = f" and {len(left_out) - 5} more" if len(left_out) > 5 else ""
        raise DataError(
            f"{len(left_out)} record key(s) cannot be BibTeX keys: {shown}{more} "
            "(commas, quotes, '=', unbalanced braces or spaces at "
            "either end do not survive); give them usable keys first, e.g. with 'citekit keys'")
    if diagnostics is not None:
        diagnostics.extend(left_out)
    skipped = {d.key for d in left_out}
    records = [record for record in library if record.key not in skipped]
    parts: list[str] = []
    extras = library.extras.get("bibtex")
    if isinstance(extras, dict):
        parts.extend(_blocks(extras))
    # A parent left out cannot give its fields back: its children keep them.
    keys = frozenset(record.key for record in records)
    xdata = extras.get("xdata") if isinstance(extras, dict) else None
    if isinstance(xdata, dict):
        keys |= frozenset(xdata)
    for record in records:
        parts.append(write_entry(record, dialect=dialect, ascii=ascii, keys=keys))
    return "\n\n".join(parts) + "\n" if parts else ""


__all__ = ["FIELD_ORDER", "UNWRITABLE_KEY", "unwritable_keys", "write", "write_entry"]

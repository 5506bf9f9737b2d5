"""Writing CSL records as BibLaTeX (default) or classic BibTeX.

The writer reverses the reader (:mod:`citekit.formats.bibtex.reader`) with the same
tables (:mod:`.fields`), and uses what the reader kept in
``custom["biblatex"]`` (the original type, subtitles, fields with no CSL
variable, raw values whose LaTeX the decoder could not express) to give the
same fields back.  Records that came from elsewhere (no ``custom``) are
written from their CSL variables alone.  Field order is fixed, keys are kept
exactly, and ``@string``/``@preamble``/``@comment`` blocks from
``Library.extras["bibtex"]`` are put back first.

A key BibTeX cannot hold (``a,b``, ``a}b``, spaces at either end, a
backslash, which LaTeX would run inside ``\\bibitem``) would read back as
another key, break the entries after it or run code, so such an entry is
never written.

Nothing written can run: text that did not come from TeX (a record read from
CSL-JSON, RIS or YAML, which has no ``custom["biblatex"]``) has every
backslash written as the character itself (``\\textbackslash{}``), and every
dollar too (``\\$``: CSL-JSON has no math).  The reader keeps the raw value
of a field whose TeX the text cannot say (math, commands kept as written,
``\\texttt``) in ``custom.biblatex["@raw"]``, so a record read from a .bib
and passed through CSL-JSON is still from TeX.  In every value, whatever its
origin, the TeX primitives and commands that read or write files or
redefine TeX (``\\input``, ``\\include``, ``\\write18``, ``\\openout``, ``\\catcode``, ``\\def``,
``\\csname``, ``^^5c`` ...) are written as text: ``{\\textbackslash}input``.
A BibTeX file written here and compiled with bibtex and pdflatex prints
``Intro \\input /etc/hostname`` literally.

A caller that passes a ``diagnostics`` list gets every other entry
written and one :class:`~citekit.errors.Diagnostic` per entry left out (what
``citekit convert`` reports); without one, :func:`write` raises
:class:`~citekit.errors.DataError` naming the keys, so that no caller can
lose an entry without being told.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, Literal

from citekit.errors import DataError, Diagnostic, Severity
from citekit.formats.bibtex import fields as bm
from citekit.formats.bibtex.dates import format_date, year_month_day
from citekit.formats.bibtex.latex import NOCASE_OPEN, decode, encode
from citekit.formats.bibtex.names import format_name, format_names, parse_names
from citekit.formats.bibtex.reader import read
from citekit.formats.sentencecase import (
    SENTENCE_CASED_FIELDS,
    is_english,
    opens_in_lower_case,
    sentence_case,
)
from citekit.model.records import (
    NAME_VARIABLES,
    Date,
    Library,
    Name,
    Record,
    parse_edtf,
    variable_kind,
)

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
    if (
        _rule.kind in ("names", "title", "text", "number", "range", "verbatim", "list")
        and _rule.csl
        and _rule.csl not in _HANDLED
        and _rule.csl not in _PLAIN
    ):
        _PLAIN[_rule.csl] = _rule
_QUOTES = {r.csl: r.biblatex for r in bm.FIELD_RULES if r.kind == "quote"}
_SUBPARTS = {
    "title": ("subtitle", "titleaddon"),
    "maintitle": ("mainsubtitle", "maintitleaddon"),
    "booktitle": ("booksubtitle", "booktitleaddon"),
    "journaltitle": ("journalsubtitle", ""),
}
# Where the reader may have put a field given as biblatex keys, besides its rule's
# variable: a patent's location is its jurisdiction.
_KEY_VARIABLES = {"location": "jurisdiction"}
_ARTICLE_TYPES = bm.ARTICLE_TYPES


class _EntryWriter:
    """Builds the fields of one entry, then formats them."""

    def __init__(
        self,
        record: Record,
        dialect: Dialect,
        ascii: bool,
        keys: frozenset[str] | None = None,
        made_xdata: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.keys = keys  # None: the entries written with this one are not known
        # @xdata entries written again from the records (see restore_xdata).
        self.made_xdata = made_xdata
        record = _text_values(record)
        self.record = _title_case_restored(record)
        self.protect = _titles_to_protect(record, self.record, dialect)
        # The titles given back as typed from ``@titlecase`` (never braced).
        self.restored = frozenset(
            variable
            for variable, value in self.record.fields.items()
            if isinstance(value, str) and value != record.fields.get(variable)
        )
        self.dialect = dialect
        self.ascii = ascii
        bib = record.custom.get(CUSTOM_KEY)
        self.bib: dict[str, Any] = dict(bib) if isinstance(bib, dict) else {}
        self.fields: dict[str, str] = {}
        self.bare: set[str] = set()  # fields written without braces (month macros)

    # -- values ------------------------------------------------------------
    def text(self, value: Any, *, verbatim: bool = False) -> str:
        text = str(value)
        if verbatim or self.from_tex or ("\\" not in text and "$" not in text):
            return encode(text, ascii=self.ascii, verbatim=verbatim)
        return _literal_specials(text, self.ascii)

    @property
    def from_tex(self) -> bool:
        """Whether the record was read from BibTeX (its commands are TeX's own)."""
        return isinstance(self.record.custom.get(CUSTOM_KEY), dict)

    def cased(self, field: str, variable: str, value: Any) -> Any:
        """A title written into ``field`` with the capitals BibTeX styles must not
        lower braced (see :func:`case_protected`), when it is one that needs it.

        Only the fields the reader puts in sentence case
        (:data:`~citekit.formats.sentencecase.SENTENCE_CASED_FIELDS`) are
        protected, and every value written into one of them is, unless it is
        the title as typed, given back from ``@titlecase``: so what the reader
        would lower is braced, and nothing else gains braces.
        """
        if (
            field in SENTENCE_CASED_FIELDS
            and isinstance(value, str)
            and self.protects(variable, value)
        ):
            return case_protected(value, math=self.from_tex)
        return value

    def protects(self, variable: str, value: str) -> bool:
        """Whether a title of ``variable`` written into a sentence-cased field is braced.

        Always for a record that did not come from BibTeX (English, or any
        language for classic BibTeX, see :func:`_titles_to_protect`); for one
        that did, when it was edited since reading, or when the reader would
        now lower it (a title-case title the reader did not convert, e.g. one
        moved to another field): a title restored as typed is not.
        """
        if variable in self.restored:
            return False
        if not self.from_tex:
            return bool(self.protect)  # empty for a non-English title written for biblatex
        if variable in self.protect:
            return True
        return is_english(self.record.get("language")) and sentence_case(value) != value

    def put(self, name: str, value: str | None) -> None:
        """Write a field once; an empty value is written too (``publisher = {}``):
        left out, a crossref parent's value or an alias (``organization``)
        would fill it on reading back.  A later non-empty value replaces it."""
        if value is None:
            return
        current = self.fields.get(name)
        if current is None or (current == "" and value != ""):
            self.fields[name] = value

    def names(self, value: Any) -> str:
        names = [n if isinstance(n, Name) else Name.from_json(n) for n in value]
        if self.dialect != "bibtex":
            return format_names(names, ascii=self.ascii)
        return " and ".join(_classic_name(n, self.ascii) for n in names)

    # -- type --------------------------------------------------------------
    def entry_type(self) -> str:
        csl_type = self.record.type
        original = self.bib.get("@type")
        btype = None
        if isinstance(original, str) and _ENTRY_TYPE.fullmatch(original):
            canonical, _ = bm.canonical_type(original)
            rule = bm.TYPES.get(canonical)
            subtype_of = bm.SUBTYPE_OF_CSL.get(csl_type)
            if (
                rule is None
                or rule.csl == csl_type
                or (subtype_of is not None and subtype_of[0] == canonical)
            ):
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
        if (
            isinstance(original, str)
            and original.lower() in bm.BIBTEX_TYPES
            and bm.BIBTEX_TYPES[original.lower()][0] == btype
        ):
            if implied and bm.KEYS.get(implied) == genre:
                self.fields.pop("type", None)
            return original.lower()
        if btype == "thesis":
            if genre in ("Master's thesis", "mathesis") or implied == "mathesis":
                self.fields.pop("type", None)
                return "mastersthesis"
            if genre in ("PhD thesis", "phdthesis", None):
                self.fields.pop("type", None)
            # A thesis below a doctorate prints its own kind ("Bachelor's thesis").
            return "mastersthesis" if genre in _LESSER_THESES else "phdthesis"
        if btype == "report":
            if genre in (bm.KEYS["techreport"], "technical report", None):
                self.fields.pop("type", None)
            return "techreport"
        rule = bm.TYPES.get(btype)
        if rule is not None and rule.bibtex == "inbook" and "booktitle" in self.fields:
            # Classic @inbook is a chapter or pages of the book its title names;
            # a part with a title of its own in a booktitle is @incollection.
            return "incollection"
        return rule.bibtex if rule is not None else "misc"

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
        if status is not None and not (
            isinstance(year_raw, str) and decode(year_raw, nocase=False) == status
        ):
            self.put("pubstate", self.text(bm.KEYS_REVERSE.get(str(status), str(status))))
        self.language()
        for variable, value in record.fields.items():
            if variable in _HANDLED or variable in self.done_variables:
                continue
            if variable == "URL" and value in (
                self.bib.get("@eprinturl"),
                self.bib.get("@howpublishedurl"),
            ):
                continue  # the reader took it from eprint or howpublished, written back
            part = self.bib.get("@part")
            if (
                variable == "volume"
                and isinstance(part, str)
                and isinstance(value, str)
                and value.endswith("." + part)
                and len(value) > len(part) + 1
                and self.dialect == "biblatex"
            ):
                # The reader's volume.part (biblatex's printed form), written back
                # apart; classic BibTeX has no part field and keeps "7.2".
                self.put("part", self.text(part))
                value = value[: -len(part) - 1]
            if (
                variable in ("event-place", "publisher-place")
                and self.bib.get("@venue") == "location"
                and isinstance(value, str)
            ):
                # The reader's classic address (publisher's place) beside location (venue).
                self.put("location" if variable == "event-place" else "address", self.text(value))
                continue
            if (
                variable == "jurisdiction"
                and record.type == "patent"
                and "publisher-place" not in record.fields
            ):
                variable = "publisher-place"  # the reader's patent location, written back
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
                if (
                    name in self.fields
                    and isinstance(raw, str)
                    and decode(raw) == decode(self.fields[name])
                ):
                    self.fields[name] = raw
        self.restore_keys()
        if self.bib.get("@issuetitle") and "journaltitle" in self.fields:
            # The reader's issue of a periodical (title = issue, container = periodical).
            self.fields["issuetitle"] = self.fields.pop("title", "")
            self.fields["title"] = self.fields.pop("journaltitle")
            btype = "periodical"
        self.drop_inherited()
        if self.dialect == "bibtex":
            btype = self.bibtex_type(btype)
            self.to_bibtex_names()
            self.classic_values(btype)
        return self.format(btype)

    def classic_values(self, btype: str) -> None:
        """Values as classic .bst styles print them (plain.bst and its kin).

        ``type`` is printed as it stands ("Research report", not biblatex's key
        ``resreport``); ``edition`` is followed by " edition", so it is an
        ordinal word ("Second"); a URL of an entry whose style prints
        ``howpublished`` (misc, booklet) goes there as ``\\url{...}``, and stays in
        ``url`` for the styles that read it.
        """
        genre = self.fields.get("type")
        if genre is not None and genre in bm.KEYS:
            self.fields["type"] = bm.KEYS[genre]
        edition = self.fields.get("edition")
        if edition is not None and edition.isdigit():
            self.fields["edition"] = bm.ordinal_edition(int(edition))
        url = self.fields.get("url")
        if btype in _HOWPUBLISHED_TYPES and url and "howpublished" not in self.fields:
            self.fields["howpublished"] = "\\url{" + url + "}"

    def restore_keys(self) -> None:
        """biblatex keys the reader printed (``newseries``, ``countryfr``) go back as keys
        while their CSL variable still holds the printed text."""
        keys = self.bib.get("@keys")
        if not isinstance(keys, dict):
            return
        for name, pair in keys.items():
            rule = bm.FIELDS.get(name)
            if rule is None or name not in self.fields:
                continue
            held = (self.record.get(rule.csl), self.record.get(_KEY_VARIABLES.get(name, rule.csl)))
            if isinstance(pair, list) and len(pair) == 2 and pair[0] in held:
                self.fields[name] = str(pair[1])

    def drop_inherited(self) -> None:
        """Leave out what the entry inherits from a crossref/xdata parent that is
        written too, so a round trip gives the entry's own fields back.

        An ``@xdata`` entry that is not written (CSL-JSON keeps none: its fields
        are in the records) is written again from what the entry inherited from
        it (:meth:`restore_xdata`), so its ``xdata`` link does not dangle.
        Nothing is done when the entries written with this one are not known.
        """
        inherited = self.bib.get("@inherited")
        if not isinstance(inherited, list) or self.keys is None:
            return
        crossref = self.fields.get("crossref", "").strip()
        xdata = [p.strip() for p in self.fields.get("xdata", "").split(",") if p.strip()]
        parents = [p for p in (crossref, *xdata) if p]
        any_written = any(p in self.keys for p in parents)
        # Which parent gave a field, when the entry has more than one (the reader's).
        sources = self.bib.get("@inheritedfrom")
        known = sources if isinstance(sources, dict) else {}
        kept: dict[str, list[str]] = {}  # parent not written -> the fields it gave
        for item in inherited:
            raw_name = str(item)
            source = known.get(raw_name)
            if not (source in self.keys if isinstance(source, str) else any_written):
                if isinstance(source, str) or len(parents) == 1:
                    kept.setdefault(source if isinstance(source, str) else parents[0], []).append(
                        raw_name
                    )
                continue
            canonical: str = bm.FIELD_ALIASES.get(raw_name, raw_name)
            self.fields.pop(raw_name, None)
            if canonical != raw_name and raw_name in self.bib:
                continue  # an inherited alias the entry's own field overrode
            for written in _WRITTEN_AS.get(canonical, (canonical,)):
                self.fields.pop(written, None)
        if self.made_xdata is not None and self.dialect == "biblatex":
            for ref in xdata:
                if ref in kept and ref != crossref:
                    self.restore_xdata(ref, kept[ref])

    def restore_xdata(self, ref: str, names: list[str]) -> None:
        """Write the ``@xdata`` entry ``ref`` again from the fields the entry
        inherited from it, and leave them out of the entry.

        The first entry that names ``ref`` gives its fields; an entry that
        names it later leaves out the fields it shares with it and keeps a
        value of its own (edited since), which wins over the xdata's, as in
        biblatex; a field of the xdata it does not have is written empty, so
        reading it back does not give it one.
        """
        made = self.made_xdata
        assert made is not None
        values: dict[str, str] = {}
        for raw_name in names:
            canonical = bm.FIELD_ALIASES.get(raw_name, raw_name)
            for name in dict.fromkeys((raw_name, *_WRITTEN_AS.get(canonical, (canonical,)))):
                if name in self.fields and name not in self.bare:
                    values[name] = self.fields[name]
        if not values:
            return
        block = made.get(ref)
        if block is None:
            made[ref] = values
            for name in values:
                del self.fields[name]
            return
        for name, value in values.items():
            if block.get(name) == value:
                del self.fields[name]
        for name in block:
            if name not in values:
                self.fields.setdefault(name, "")

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
            if "\\-" in str(value):  # the reader's literal hyphens: not pages, as typed
                self.put(rule.biblatex, self.text(str(value).replace("\\-", "-")))
            else:
                self.put(
                    rule.biblatex, self.text(str(value)).replace("-", "--").replace("----", "--")
                )
        elif kind == "list":
            self.put(rule.biblatex, self.literal_list(str(value)))
        elif kind == "title":
            self.put(rule.biblatex, self.text(self.cased(rule.biblatex, rule.csl, value)))
        else:
            self.put(rule.biblatex, self.text(value))

    def titles(self, btype: str, chapter_like: bool) -> None:
        record = self.record
        title = record.get("title")
        volume = record.get("volume-title")
        container = record.get("container-title")
        # field -> (the CSL variable it comes from, its value)
        wanted: dict[str, tuple[str, Any]] = {}
        if self.bib.get("@maintitle") and title is not None:
            wanted["maintitle"] = ("title", title)
            if volume is not None:
                wanted["title"] = ("volume-title", volume)
        else:
            if title is not None:
                wanted["title"] = ("title", title)
            if volume is not None:
                if btype in _ARTICLE_TYPES:
                    wanted["issuetitle"] = ("volume-title", volume)
                elif chapter_like and container is not None:
                    wanted["maintitle"] = ("container-title", container)
                    wanted["booktitle"] = ("volume-title", volume)
                    container = None
                else:
                    wanted["issuetitle"] = ("volume-title", volume)
        if container is not None:
            origin = self.bib.get("@container")
            if isinstance(origin, str) and origin in ("journaltitle", "booktitle"):
                wanted[origin] = ("container-title", container)
            elif btype in _ARTICLE_TYPES or record.type.startswith("article"):
                wanted["journaltitle"] = ("container-title", container)
            else:
                wanted["booktitle"] = ("container-title", container)
        self.title_fields = frozenset(wanted)
        for name, (variable, value) in wanted.items():
            # An article's booktitle names its periodical: read back as a name, kept as is.
            protected_as = "" if name == "booktitle" and btype in _ARTICLE_TYPES else name
            text = str(value)
            # Classic BibTeX has no subtitle fields: they stay joined to their title.
            sub_name, addon_name = (
                ("", "") if self.dialect == "bibtex" else _SUBPARTS.get(name, ("", ""))
            )
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
            self.put(name, self.text(self.cased(protected_as, variable, text)))
        short = record.get("title-short")
        if short is not None:
            main_title = wanted["title"][1] if "title" in wanted else None
            # A short title the reader took from the title before its subtitle
            # is given by the subtitle field, which classic BibTeX does not have.
            if self.dialect == "bibtex" or not (
                self.bib.get("@short")
                and main_title is not None
                and str(main_title).startswith(str(short) + ": ")
            ):
                self.put("shorttitle", self.text(self.cased("shorttitle", "title-short", short)))

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
        if btype in _ARTICLE_TYPES:
            # CSL's issue is biblatex's number of an article, and CSL's number
            # (the article number) its eid; the reader's "4, Spring" goes back
            # to number and issue while it is unchanged.
            if issue is not None:
                parts = self.bib.get("@issueparts")
                kept = (parts.get("number"), parts.get("issue")) if isinstance(parts, dict) else ()
                if len(kept) == 2 and str(issue) == _joined_issue(kept):
                    self.put("number", str(kept[0]))
                    self.put("issue", str(kept[1]))
                elif self.bib.get("@issue"):
                    self.put("issue", self.text(issue))
                else:
                    self.put("number", self.text(issue))
            if number is not None:
                self.put("eid", self.text(number))
            number = None
        elif issue is not None:
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
                self.put(
                    "year",
                    year if year and year[:1].isdigit() else self.text(year) if year else None,
                )
                if month is not None:
                    self.fields["month"] = month
                    self.bare.add("month")
                self.put("day", day)
            elif issued.literal is not None and not issued.parts:
                self.put("year", self.text(issued.literal) or None)
            else:
                self.put("date", self.date_text(issued) or None)
        for variable, field in (
            ("original-date", "origdate"),
            ("event-date", "eventdate"),
            ("accessed", "urldate"),
        ):
            value = record.get(variable)
            if isinstance(value, Date):
                if field == "origdate" and (self.bib.get("@origyear") or self.dialect == "bibtex"):
                    year = year_month_day(value)[0]
                    self.put(
                        "origyear",
                        None if not year else year if year.isdigit() else self.text(year),
                    )
                else:
                    self.put(field, self.date_text(value) or None)

    def date_text(self, date: Date) -> str:
        """The date as EDTF, or its literal text encoded as LaTeX: a literal such
        as ``{circa} 1900}`` must not unbalance the entry's braces.  Empty for a
        date with nothing in it, which is not written (an empty ``year`` would
        read back as a publication status)."""
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
            value = _AT_LINE_START.sub(" ", defuse(value))
            body = value if name in self.bare else "{" + value + "}"
            lines.append(f"  {_FIELD_NAME_BREAKERS.sub('_', name).ljust(width)} = {body},")
        lines.append("}")
        return "\n".join(lines)


#: What a BibTeX entry type may be; ``@x y{k,`` would read back as no entry.
_ENTRY_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

# TeX that reads or writes files, runs programs or changes how TeX reads
# (and so could do either): any command whose name has one of these words,
# the definition primitives, and ``^^`` (``^^5c`` is a backslash to TeX).
_DANGEROUS = re.compile(
    r"\\(?=[A-Za-z@]*?(?:input|include|write|read|open|close|code|csname|shell|lua|special"
    r"|scantokens|endlinechar|escapechar|newlinechar))[A-Za-z@]+"
    r"|\\(?:def|edef|gdef|xdef|let|futurelet|immediate|everyeof|everypar|everyjob"
    r"|expandafter|newcommand|renewcommand|providecommand|DeclareRobustCommand|usepackage"
    r"|RequirePackage|documentclass|makeatletter|makeatother|jobname|pdfprimitive"
    r"|primitive|afterassignment|aftergroup|output|batchmode|nonstopmode|scrollmode"
    r"|errorstopmode|end|dump|bye)(?![A-Za-z@])"
    r"|\^\^",
    re.IGNORECASE,
)


def defuse(value: str) -> str:
    """A field value with every dangerous control sequence written as text.

    ``\\input`` becomes ``{\\textbackslash}input`` (printed as ``\\input``),
    ``^^`` becomes ``{\\textasciicircum}{\\textasciicircum}``; everything else
    is left as it is, so ordinary LaTeX (``\\emph``, accents) still works.
    """
    if "\\" not in value and "^^" not in value:
        return value
    return _DANGEROUS.sub(_defused, value)


def _defused(match: re.Match[str]) -> str:
    text = match.group(0)
    if text == "^^":
        return "{\\textasciicircum}{\\textasciicircum}"
    return "{\\textbackslash}" + text[1:]


# Private-use stand-ins for a literal backslash and braces while the rest of
# the text is encoded (noncharacters: never in text, passed through by encode).
_BACKSLASH, _LEFT, _RIGHT, _DOLLAR = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3"


def _literal_specials(text: str, ascii: bool) -> str:
    """Text that did not come from TeX: a backslash is a character, not a command,
    and a dollar is a dollar, not math (``from $5 to $10``): CSL-JSON has no
    math.  TeX math read from a .bib is kept in ``custom.biblatex["@raw"]``,
    which marks the record as from TeX and gives the math back as written.
    Braces that do not pair up are written ``\\textbraceleft{}``: bibtex counts
    ``\\{`` as a brace, so one unpaired brace would swallow the fields after it.
    """
    for stand_in in (_BACKSLASH, _LEFT, _RIGHT, _DOLLAR):
        text = text.replace(stand_in, "\ufffd")
    marked = text.replace("\\", _BACKSLASH).replace("$", _DOLLAR)
    if not _braces_pair(marked):
        marked = marked.replace("{", _LEFT).replace("}", _RIGHT)
    encoded = encode(marked, ascii=ascii)
    return (
        encoded.replace(_BACKSLASH, "\\textbackslash{}")
        .replace(_DOLLAR, "\\$")
        .replace(_LEFT, "\\textbraceleft{}")
        .replace(_RIGHT, "\\textbraceright{}")
    )


def _braces_pair(text: str) -> bool:
    """Whether every brace pairs up, counted as bibtex counts (``\\{`` too)."""
    depth = 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# A line break before "@" inside a value: bibtexparser's splitter would take
# the "@" for the start of a new block, so the breaks are written as a space.
_AT_LINE_START = re.compile(r"[\r\n]\s*(?=@)")
# Characters that would end or split a field name; a custom field named with
# them (possible in CSL-JSON ``custom``) is written with ``_`` in their place.
_FIELD_NAME_BREAKERS = re.compile(r"[\s{}(),=\"#%'~\\@]")
# Keys without these characters always read back; keys with them are tried.
_ODD_KEY_CHARS = re.compile(r'[\s,{}()"=\\@#%]')
_SURROGATE = re.compile("[\ud800-\udfff]")


#: Thesis kinds below a doctorate: classic @mastersthesis, which prints ``type``.
_LESSER_THESES = frozenset({"Bachelor's thesis", "bathesis", "Candidate thesis", "candthesis"})
#: Classic types whose styles print ``howpublished`` (plain.bst: misc and booklet).
_HOWPUBLISHED_TYPES = frozenset({"misc", "booklet"})
#: CSL variables holding titles of works: the ones the BibTeX reader puts in
#: sentence case (``container-title`` only when it is a book's title, not a
#: periodical's).  Which capitals the writer braces is decided by the field
#: written (:data:`~citekit.formats.sentencecase.SENTENCE_CASED_FIELDS`).
TITLE_VARIABLES = (
    "title",
    "title-short",
    "volume-title",
    "event-title",
    "original-title",
    "collection-title",
    "container-title",
)


def _titles_to_protect(original: Record, restored: Record, dialect: Dialect) -> frozenset[str]:
    """The title variables whose capitals must be braced when written.

    CSL stores English titles in sentence case and BibTeX styles lower the
    case of titles, so a title's proper nouns and acronyms need braces.  That
    is every title of a record that did not come from BibTeX, and those of a
    BibTeX record that were edited since the reader converted them (the
    others are written back as typed, from ``@titlecase``).  A title the
    reader did not convert was read with its braces and keeps them.
    Non-English titles are stored as typed: biblatex leaves them alone (it
    knows their ``langid``), classic styles do not, so only the classic
    dialect protects them.
    """
    if not (is_english(original.get("language")) or dialect == "bibtex"):
        return frozenset()
    bib = original.custom.get(CUSTOM_KEY)
    if not isinstance(bib, dict):
        return frozenset(TITLE_VARIABLES)
    originals = bib.get("@titlecase")
    if not isinstance(originals, dict):
        return frozenset()
    return frozenset(
        variable
        for variable, typed in originals.items()
        if variable in TITLE_VARIABLES and restored.get(variable) != typed
    )


_CASE_TOKEN = re.compile(
    r"<span\b[^<>]*>|</span>|<[^<>]*>|\$[^$]*\$|\s+|[^\s<$]+|[<$]", re.IGNORECASE
)
# Without math (text not from TeX, where "$" is a character): "$N$" is a word.
_CASE_TOKEN_NO_MATH = re.compile(
    r"<span\b[^<>]*>|</span>|<[^<>]*>|\s+|[^\s<$]+|[<$]", re.IGNORECASE
)
_NOCASE_TAG = re.compile(r'<span\s+class="nocase"\s*>', re.IGNORECASE)
#: A word's letters and what lies between them; its punctuation stays outside the braces.
_WORD_CORE = re.compile(r"[^\W_](?:.*[^\W_])?", re.DOTALL)


def case_protected(title: str, *, math: bool = True) -> str:
    """A sentence-case title with every capital a BibTeX style would lower braced.

    BibTeX's case change for titles (``change.case$`` with ``"t"``, which
    plain, alpha, abbrv, unsrt, apalike and ieeetr use, as do biblatex
    styles that sentence-case) keeps only the title's first character and
    the first one after a colon and a space.  So a word with a capital
    anywhere else is braced: proper nouns and acronyms (``{NATO}``,
    ``{Kim} {Jong-un}``), inner capitals (``{iPhone}``) and a sentence
    opening after ``.``, ``?`` or ``!`` (``Why Python? {Because}``), and a
    subtitle typed in lower case, which the reader would capitalise
    (``Example: {minimal}``), like
    :func:`~citekit.formats.sentencecase.protected_capitals` but by
    BibTeX's own rule.  The braces hold the word, not its punctuation
    (``{Europe}:``); text already in a nocase span and TeX math are left as
    they are.  Without ``math`` (text that did not come from TeX, whose
    dollars are written ``\\$``) there is no math: ``$N$`` has a capital.
    """
    tokens = (_CASE_TOKEN if math else _CASE_TOKEN_NO_MATH).findall(title)
    spans: list[bool] = []  # one per open span: is it a nocase span?
    previous: str | None = None
    for index, token in enumerate(tokens):
        lowered = token.lower()
        if lowered.startswith("<span"):
            spans.append(bool(_NOCASE_TAG.match(token)))
            continue
        if lowered == "</span>":
            if spans:
                spans.pop()
            continue
        if (token.startswith("<") and token.endswith(">") and len(token) > 1) or token.isspace():
            continue
        after_colon = previous is not None and previous.endswith(":")
        kept_first = previous is None or after_colon
        previous = token
        core = _WORD_CORE.search(token)
        if any(spans) or token.startswith("$") or core is None:
            continue
        letters = [c for c in token if c.isalpha()]
        subtitle_lower = after_colon and opens_in_lower_case(token)
        if kept_first and token[:1].isalpha():
            letters = letters[1:]  # BibTeX keeps this one
        # A subtitle typed in lower case stays so: the reader would capitalise it.
        if subtitle_lower or any(c.isupper() for c in letters):
            end = core.end()
            if "." in core.group(0) and token[end : end + 1] == ".":
                end += 1  # an abbreviation keeps its full stop: {U.S.}
            tokens[index] = (
                f"{token[: core.start()]}{NOCASE_OPEN}{token[core.start() : end]}"
                f"</span>{token[end:]}"
            )
    return "".join(tokens)


def _classic_name(name: Name, ascii: bool) -> str:
    """One name for classic bibtex, which reports "a comma at the end" as an error.

    A family name alone is written ``a B Ellman,`` or ``{yoonsubKim},`` so that
    it is not read as given names or as a literal; where it reads back the same
    without the comma (and the braces), as these two do, they are left out.
    """
    written = format_name(name, ascii=ascii, extended=False)
    if written.endswith(","):
        for bare in (written[:-1], written[1:-2] if written.startswith("{") else ""):
            if bare and "{" not in bare and parse_names(bare) == [name]:
                return bare
    return written


def _text_values(record: Record) -> Record:
    """The record with every text and number variable as text, as CSL-JSON means it.

    A number (``"page": 12``) is its digits; a boolean, list, mapping or null
    in a text variable (``"page": true``, ``"note": {...}``, a bare ``note:``
    in CSL-YAML) is no text at all, so it is left out rather than written as
    its Python repr (``True``, ``{'a': 1}``, ``None``).  What is left out does
    not read back, so the loss report (:mod:`citekit.formats.loss`, which
    reads the output back) names every such field that held something.
    """
    converted: Record | None = None
    for variable, value in record.fields.items():
        if isinstance(value, str) or variable_kind(variable) not in ("string", "number"):
            continue
        converted = converted or record.copy()
        text = _number_text(value)
        if text is None:
            del converted.fields[variable]
        else:
            converted.fields[variable] = text
    return converted or record


def _number_text(value: object) -> str | None:
    """A JSON number as text; None for anything else, and for what has no digits to
    write (infinity, NaN, an integer too long for Python to print)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return str(value)
    except ValueError:  # more digits than int -> str allows
        return None


def _title_case_restored(record: Record) -> Record:
    """The record with the titles the reader put in sentence case given back as
    they were written (``custom.biblatex["@titlecase"]``), while they differ from
    the stored ones in letter case only: an edited title is written as edited."""
    originals = record.custom.get(CUSTOM_KEY, {})
    originals = originals.get("@titlecase") if isinstance(originals, dict) else None
    if not isinstance(originals, dict):
        return record
    restored: Record | None = None
    for variable, original in originals.items():
        value = record.get(variable)
        if (
            isinstance(value, str)
            and isinstance(original, str)
            and value != original
            and value.lower() == original.lower()
        ):
            restored = restored or record.copy()
            restored.fields[variable] = original
    return restored or record


def _writable_key(key: str) -> bool:
    """Whether an entry written under this key reads back under the same key
    (a comma ends a key, a brace or quote breaks the entry) and is safe in
    LaTeX (a backslash would run as a command in ``\\bibitem``; ``^^`` is
    one).  Keys with odd characters are tried on the reader itself, which is
    the only exact rule.  An empty key is no key: bibtex and biber reject
    ``@book{,``, and so does the reader."""
    if not key:
        return False
    if not _ODD_KEY_CHARS.search(key) and "^^" not in key:
        return True
    if "\\" in key or "^^" in key or _SURROGATE.search(key):
        return False
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


def _joined_issue(parts: tuple[Any, ...]) -> str | None:
    """The CSL issue the reader makes of an article's kept ``number`` and
    ``issue`` ("4, Spring"); None when they are not two strings."""
    if not all(isinstance(part, str) for part in parts):
        return None
    return ", ".join(text for text in (decode(p, nocase=False) for p in parts) if text)


# Fields an inherited field may have been written as.
_WRITTEN_AS: dict[str, tuple[str, ...]] = {
    "year": ("year", "date"),
    "date": ("date", "year"),
    "booktitle": ("booktitle", "booksubtitle", "booktitleaddon"),
    "maintitle": ("maintitle", "mainsubtitle", "maintitleaddon"),
    "journaltitle": ("journaltitle", "journalsubtitle"),
}


def write_entry(
    record: Record,
    *,
    dialect: Dialect = "biblatex",
    ascii: bool = False,
    keys: frozenset[str] | None = None,
    made_xdata: dict[str, dict[str, str]] | None = None,
) -> str:
    """One record as a BibLaTeX or BibTeX entry; ``keys`` are the entries written
    with it (inherited fields are left out while their parent is among them;
    None: not known, every field is written).  ``made_xdata`` collects the
    ``@xdata`` entries the record's ``xdata`` names that are not among ``keys``,
    made again from the fields it inherited from them (:func:`write` writes
    them before the entries)."""
    return _EntryWriter(record, dialect, ascii, keys, made_xdata).build()


def _blocks(extras: dict[str, Any], dialect: Dialect = "biblatex") -> Iterable[str]:
    # Classic bibtex takes every "@" outside an entry, even in a comment
    # ("prefer @article over @online"), for the start of one, and skips what
    # follows with an error: its comments are written with "(at)" instead.
    shown = (lambda text: text.replace("@", "(at)")) if dialect == "bibtex" else str
    for text in extras.get("text", []):
        yield shown(str(text))
    for preamble in extras.get("preambles", []):
        yield f"@preamble{{{preamble}}}"
    strings = extras.get("strings", {})
    if isinstance(strings, dict):
        for name, value in strings.items():
            yield f"@string{{{name} = {value}}}"
    for comment in extras.get("comments", []):
        yield f"@comment{{{shown(str(comment))}}}"
    xdata = extras.get("xdata", {})
    if isinstance(xdata, dict):
        for key, fields in xdata.items():
            lines = [f"@xdata{{{key},"]
            for name, value in fields.items():
                if not name.startswith("@"):
                    lines.append(f"  {name} = {{{value}}},")
            lines.append("}")
            yield "\n".join(lines)


def _made_xdata_block(key: str, fields: dict[str, str]) -> str:
    """An ``@xdata`` entry made again from records' fields (as written in an entry)."""
    lines = [f"@xdata{{{key},"]
    for name, value in fields.items():
        text = value if _reads_back(value) else encode(value, verbatim=True)
        lines.append(f"  {name} = {{{_AT_LINE_START.sub(' ', defuse(text))}}},")
    lines.append("}")
    return "\n".join(lines)


#: The code of the diagnostic for an entry left out because of its key.
UNWRITABLE_KEY = "unwritable-key"


def unwritable_keys(library: Library) -> list[Diagnostic]:
    """One error per record whose key BibTeX cannot hold, in library order."""
    return [
        Diagnostic(
            Severity.ERROR,
            UNWRITABLE_KEY,
            f"entry left out of the BibTeX output: {record.key!r} cannot be a BibTeX key "
            "(commas, quotes, '=', unbalanced braces or spaces at either end do not "
            "survive, and a backslash would run in LaTeX); give it a usable key first, "
            "e.g. with 'citekit keys FILE -o FIXED'",
            key=record.key,
        )
        for record in library
        if not _writable_key(record.key)
    ]


def write(
    library: Library,
    *,
    dialect: Dialect = "biblatex",
    ascii: bool = False,
    diagnostics: list[Diagnostic] | None = None,
    **_options: Any,
) -> str:
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
            "either end do not survive); give them usable keys first, e.g. with 'citekit keys'"
        )
    if diagnostics is not None:
        diagnostics.extend(left_out)
    skipped = {d.key for d in left_out}
    records = [record for record in library if record.key not in skipped]
    parts: list[str] = []
    extras = library.extras.get("bibtex")
    if isinstance(extras, dict):
        parts.extend(_blocks(extras, dialect))
    # A parent left out cannot give its fields back: its children keep them.
    keys = frozenset(record.key for record in records)
    xdata = extras.get("xdata") if isinstance(extras, dict) else None
    if isinstance(xdata, dict):
        keys |= frozenset(xdata)
    made: dict[str, dict[str, str]] = {}
    entries = [
        write_entry(record, dialect=dialect, ascii=ascii, keys=keys, made_xdata=made)
        for record in records
    ]
    parts.extend(_made_xdata_block(key, fields) for key, fields in made.items())
    parts.extend(entries)
    text = "\n\n".join(parts) + "\n" if parts else ""
    # No UTF-8 file holds a lone surrogate; U+FFFD stands for it (the loss
    # report of ``citekit convert`` lists each field where that happened).
    return _SURROGATE.sub("\ufffd", text)


__all__ = [
    "FIELD_ORDER",
    "TITLE_VARIABLES",
    "UNWRITABLE_KEY",
    "case_protected",
    "defuse",
    "unwritable_keys",
    "write",
    "write_entry",
]

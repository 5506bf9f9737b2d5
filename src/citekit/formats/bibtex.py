"""BibTeX / BibLaTeX reading (and, via :mod:`citekit.formats.bibwrite`, writing).

bibtexparser v2's splitter cuts the file into blocks; everything after that
is ours: ``@string`` macros with ``#`` concatenation (the predefined month
macros included), ``crossref``/``xdata`` inheritance by biblatex's rules,
names, dates, LaTeX decoding and the field mapping of :mod:`bibmap`.

Nothing is silently lost.  Fields with no CSL counterpart go to
``custom["biblatex"]`` as written (after macro expansion) and are reported
with one INFO diagnostic per entry (``unmapped-fields``); the original entry
type is kept there as ``"@type"`` when the CSL type cannot give it back.
``@string``, ``@preamble`` and comments go to ``Library.extras["bibtex"]``.
Every problem is a :class:`Diagnostic` naming file, line and key; a broken
entry is reported and the rest of the file loads.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    Field,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)
from bibtexparser.splitter import Splitter

from citekit.errors import Diagnostic, Severity
from citekit.formats import ReadResult
from citekit.formats import bibmap as bm
from citekit.formats.bibdates import MONTH_MACROS, parse_date_field, parse_year_month_day
from citekit.formats.bibnames import parse_names, split_names
from citekit.formats.bibwrite import write
from citekit.formats.latex import closing_brace, collapse_space, decode, decode_lossy
from citekit.model import Date, Library, Record, variable_kind

CUSTOM_KEY = "biblatex"
_FAILED_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()]+)")
_SPLIT_KEYS = re.compile(r"\s*,\s*")
_VERBATIM_ESCAPES = re.compile(r"\\([_%&#$])")
_BARE_WORD = re.compile(r"[^\s#]+")

logging.getLogger("bibtexparser").setLevel(logging.ERROR)


@dataclass(slots=True)
class RawEntry:
    """An entry after macro expansion: fields lowercased, values still LaTeX."""

    key: str
    type: str
    fields: dict[str, str]
    line: int | None
    field_lines: dict[str, int] = field(default_factory=dict)
    inherited: list[str] = field(default_factory=list)


class _Reader:
    """One read: the file name, macros, diagnostics and the entries found."""

    def __init__(self, filename: str | None) -> None:
        self.filename = filename
        self.macros: dict[str, str] = dict(MONTH_MACROS)
        self.diagnostics: list[Diagnostic] = []

    def report(self, severity: Severity, code: str, message: str, *, line: int | None = None,
               key: str | None = None, field: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(severity, code, message, file=self.filename,
                                           line=line, key=key, field=field))

    # -- values ------------------------------------------------------------
    def expand(self, raw: str, *, line: int | None = None, key: str | None = None,
               field: str | None = None) -> str:
        """A field value as written (``{..}``, ``".."``, ``123``, ``macro # {..}``) to text."""
        raw = raw.strip()
        if not raw:
            return ""
        first = raw[0]
        if "#" not in raw:
            if (first == "{" and raw[-1] == "}") or (first == '"' and raw[-1] == '"'):
                return raw[1:-1]
            if raw.isdigit():
                return raw
        pieces: list[str] = []
        i = 0
        n = len(raw)
        while i < n:
            ch = raw[i]
            if ch in " \t\r\n":
                i += 1
                continue
            if ch == "{" or ch == '"':
                end = _closing(raw, i)
                if end < 0:
                    self.report(Severity.WARNING, "unbalanced-braces",
                                "unbalanced braces or quotes in a value", line=line, key=key,
                                field=field)
                    pieces.append(raw[i + 1:])
                    break
                pieces.append(raw[i + 1:end])
                i = end + 1
            elif ch == "#":
                i += 1
            else:
                m = _BARE_WORD.match(raw, i)
                assert m is not None
                name = m.group(0)
                i = m.end()
                if name.isdigit():
                    pieces.append(name)
                    continue
                value = self.macros.get(name.lower())
                if value is None:
                    self.report(Severity.WARNING, "undefined-macro",
                                f"@string macro '{name}' is not defined; its value is empty",
                                line=line, key=key, field=field)
                    value = ""
                pieces.append(value)
        return "".join(pieces)

    # -- blocks ------------------------------------------------------------
    def split(self, text: str) -> tuple[dict[str, RawEntry], dict[str, RawEntry], dict[str, Any]]:
        entries: dict[str, RawEntry] = {}
        xdata: dict[str, RawEntry] = {}
        extras: dict[str, Any] = {"strings": {}, "preambles": [], "comments": [], "text": []}
        for block in split_blocks(text):
            line = block.start_line + 1 if block.start_line is not None else None
            if isinstance(block, DuplicateBlockKeyBlock):
                duplicate = block.ignore_error_block
                previous = block.previous_block
                if isinstance(duplicate, String):
                    self.report(Severity.WARNING, "duplicate-string",
                                f"@string '{duplicate.key}' is defined again; the later "
                                "definition is used from here on", line=line, key=duplicate.key)
                    self.add_string(duplicate, extras, line)
                    continue
                prev_line = previous.start_line + 1 if previous.start_line is not None else None
                self.report(Severity.ERROR, "duplicate-key",
                            f"duplicate key '{block.key}' (first defined on line {prev_line}); "
                            "this entry is skipped", line=line, key=block.key)
                continue
            if isinstance(block, DuplicateFieldKeyBlock):
                entry = block.ignore_error_block
                if isinstance(entry, Entry):
                    self.add_entry(entry, entries, xdata, line)
                continue
            if isinstance(block, ParsingFailedBlock):
                raw = block.raw or ""
                m = _FAILED_KEY.match(raw.lstrip())
                reason = getattr(block.error, "abort_reason", None) or str(block.error)
                self.report(Severity.ERROR, "syntax-error",
                            f"cannot parse this entry ({reason.strip()}); it is skipped",
                            line=line, key=m.group(1) if m else None)
                continue
            if isinstance(block, Entry):
                self.add_entry(block, entries, xdata, line)
            elif isinstance(block, String):
                self.add_string(block, extras, line)
            elif isinstance(block, Preamble):
                extras["preambles"].append(block.value.strip())
            elif isinstance(block, ExplicitComment):
                extras["comments"].append(block.comment)
            elif isinstance(block, ImplicitComment) and block.comment.strip():
                extras["text"].append(block.comment.strip("\n"))
        return entries, xdata, extras

    def add_string(self, block: String, extras: dict[str, Any], line: int | None) -> None:
        self.macros[block.key.lower()] = self.expand(block.value, line=line, key=block.key)
        extras["strings"][block.key] = block.value.strip()

    def add_entry(self, block: Entry, entries: dict[str, RawEntry], xdata: dict[str, RawEntry],
                  line: int | None) -> None:
        key = block.key
        fields: dict[str, str] = {}
        lines: dict[str, int] = {}
        for fld in block.fields:
            name = fld.key.lower()
            fline = fld.start_line + 1 if fld.start_line is not None else line
            if name in fields:
                self.report(Severity.WARNING, "duplicate-field",
                            f"field '{name}' appears again on line {fline} "
                            f"(first on line {lines[name]}); the first value is kept",
                            line=fline, key=key, field=name)
                continue
            raw = fld.value
            if raw[:1] == "{" and raw[-1:] == "}" and "#" not in raw:
                fields[name] = raw[1:-1]
            else:
                fields[name] = self.expand(raw, line=fline, key=key, field=name)
            lines[name] = fline if fline is not None else 0
        entry = RawEntry(key, block.entry_type.lower(), fields, line, lines)
        target = xdata if entry.type == "xdata" else entries
        if key in target:
            self.report(Severity.ERROR, "duplicate-key",
                        f"duplicate key '{key}' (first defined on line {target[key].line}); "
                        "this entry is skipped", line=line, key=key)
            return
        target[key] = entry

    # -- inheritance -------------------------------------------------------
    def resolve(self, entries: dict[str, RawEntry], xdata: dict[str, RawEntry]) -> None:
        lowered = {k.lower(): k for k in entries}
        done: set[str] = set()

        def apply_xdata(entry: RawEntry, seen: frozenset[str]) -> None:
            refs = entry.fields.get("xdata")
            if not refs:
                return
            for ref in _SPLIT_KEYS.split(refs.strip()):
                source = xdata.get(ref)
                if source is None or ref in seen:
                    self.report(Severity.WARNING, "dangling-xdata" if source is None
                                else "xdata-cycle",
                                f"xdata '{ref}' is not defined in this file" if source is None
                                else f"xdata '{ref}' leads back to itself; not applied again",
                                line=entry.line, key=entry.key, field="xdata")
                    continue
                apply_xdata(source, seen | {ref})
                for name, value in source.fields.items():
                    if name not in entry.fields and name != "xdata":
                        entry.fields[name] = value
                        entry.inherited.append(name)

        def resolve_one(entry: RawEntry, chain: tuple[str, ...]) -> None:
            if entry.key in done:
                return
            done.add(entry.key)
            apply_xdata(entry, frozenset())
            parent_key = entry.fields.get("crossref")
            if parent_key:
                parent_key = parent_key.strip()
                found = entries.get(parent_key) or entries.get(lowered.get(parent_key.lower(), ""))
                if found is None:
                    self.report(Severity.WARNING, "dangling-crossref",
                                f"crossref '{parent_key}' is not an entry of this file",
                                line=entry.line, key=entry.key, field="crossref")
                elif found.key in chain:
                    loop = " -> ".join([*dict.fromkeys((*chain, entry.key)), found.key])
                    self.report(Severity.WARNING, "crossref-cycle",
                                f"crossref '{parent_key}' leads back to this entry "
                                f"({loop}); nothing inherited",
                                line=entry.line, key=entry.key, field="crossref")
                else:
                    resolve_one(found, (*chain, entry.key))
                    ptype = bm.canonical_type(found.type)[0]
                    ctype = bm.canonical_type(entry.type)[0]
                    # Renamed fields (title -> booktitle) win over the parent's own
                    # field of the target's name, as in biber and pandoc.
                    inherited: dict[str, str] = {}
                    for name, value in found.fields.items():
                        for target in bm.inherited_names(name, ptype, ctype):
                            if target != name or target not in inherited:
                                inherited[target] = value
                    for target, value in inherited.items():
                        if target not in entry.fields:
                            entry.fields[target] = value
                            entry.inherited.append(target)
            if "year" in entry.inherited and any(
                    f in entry.fields and f not in entry.inherited for f in ("month", "day")):
                entry.inherited.remove("year")  # the date is partly the entry's own
            xref = entry.fields.get("xref")
            if xref and xref.strip() not in entries and xref.strip().lower() not in lowered:
                self.report(Severity.WARNING, "dangling-xref",
                            f"xref '{xref.strip()}' is not an entry of this file",
                            line=entry.line, key=entry.key, field="xref")

        for xentry in xdata.values():
            apply_xdata(xentry, frozenset({xentry.key}))
        for entry in entries.values():
            resolve_one(entry, (entry.key,))

    # -- mapping -----------------------------------------------------------
    def to_record(self, entry: RawEntry) -> Record:
        return _Converter(self, entry).convert()


_COMMENT_LIKE_TYPE = re.compile(r"@\s*(comment\w+)\s*(?=[{(])", re.IGNORECASE)


def split_blocks(text: str) -> list[Block]:
    """bibtexparser's blocks of a BibTeX text (no middlewares), with its misreadings fixed.

    bibtexparser 2.1 reads any ``@comment...`` entry type as a comment,
    ``@commentary`` (a BibLaTeX type) included; such a block is split again
    as the entry it is.  Everything that reads .bib blocks (the reader, ``tidy``)
    goes through here, so none of them turns an entry into a comment.
    """
    blocks = Splitter(text).split().blocks
    return [_misread_comment(b) or b if isinstance(b, ExplicitComment) else b
            for b in blocks]


def _misread_comment(block: ExplicitComment) -> Entry | None:
    """The entry of a comment block whose type only starts with ``comment``, else None."""
    raw = block.raw or ""
    m = _COMMENT_LIKE_TYPE.match(raw)
    if m is None:
        return None
    placeholder = "citekitentry"
    parsed = Splitter("@" + placeholder + raw[m.end():]).split()
    entries = [b for b in parsed.blocks if isinstance(b, Entry)]
    if len(entries) != 1:
        return None
    offset = block.start_line or 0
    fields = [Field(f.key, f.value, f.start_line + offset if f.start_line is not None else None)
              for f in entries[0].fields]
    return Entry(m.group(1), entries[0].key, fields, start_line=block.start_line, raw=raw)


def _closing(raw: str, i: int) -> int:
    """Index of the delimiter closing the ``{`` or ``"`` at ``i``, or -1.

    Braces go through :func:`closing_brace`, which the LaTeX decoder uses too,
    so the field reader and the decoder agree on where a group ends.
    """
    if raw[i] != '"':
        return closing_brace(raw, i)
    depth = 0
    for k in range(i + 1, len(raw)):
        ch = raw[k]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0 and raw[k - 1] != "\\":
            return k
    return -1


def _join(main: str | None, sub: str | None, sep: str = ": ") -> str | None:
    if not main:
        return None  # a subtitle without its title stays in custom as written
    if not sub:
        return main
    return f"{main}{sep}{sub}"


class _Converter:
    """Maps one :class:`RawEntry` to a :class:`Record` with :mod:`bibmap`'s tables."""

    __slots__ = ("custom", "entry", "reader", "record", "unmapped")

    def __init__(self, reader: _Reader, entry: RawEntry) -> None:
        self.reader = reader
        self.entry = entry
        self.custom: dict[str, Any] = {}
        self.unmapped: list[str] = []
        self.record = Record(entry.key)

    def warn(self, code: str, message: str, field: str | None = None) -> None:
        line = self.entry.field_lines.get(field, self.entry.line) if field else self.entry.line
        self.reader.report(Severity.WARNING, code, message, line=line, key=self.entry.key,
                           field=field)

    def keep(self, name: str, value: str, *, report: bool = True) -> None:
        self.custom[name] = collapse_space(value) if "\n" in value else value
        if report:
            self.unmapped.append(name)

    def keep_as_written(self, name: str) -> None:
        """Keep a field under the name the file used (``journal`` for journaltitle)."""
        fields = self.entry.fields
        for raw_name in (name, *(a for a, c in bm.FIELD_ALIASES.items() if c == name)):
            if raw_name in fields:
                self.keep(raw_name, fields[raw_name])
                return

    def convert(self) -> Record:
        entry = self.entry
        fields = entry.fields
        record = self.record
        out = record.fields
        btype, implied = bm.canonical_type(entry.type)
        rule = bm.TYPES.get(btype)
        if rule is None:
            self.warn("unknown-type", f"unknown entry type '@{entry.type}'; read as a document")
            record.type = "document"
            self.custom["@type"] = entry.type
        else:
            record.type = rule.csl
            if entry.type != btype or bm.CSL_TO_BIBLATEX.get(rule.csl) != btype:
                self.custom["@type"] = entry.type
        chapter_like = rule.chapter_like if rule is not None else False
        options = fields.get("options", "")
        useprefix = "useprefix" in options and not re.search(r"useprefix\s*=\s*false", options)
        titles: dict[str, str] = {}
        has_series = "series" in fields
        for raw_name, value in fields.items():
            name = bm.FIELD_ALIASES.get(raw_name, raw_name)
            if name != raw_name and name in fields:
                self.keep(raw_name, value)
                continue
            frule = bm.FIELDS.get(name)
            if frule is None:
                kind_of = variable_kind(raw_name)
                if kind_of in ("string", "number") and raw_name not in out:
                    # A CSL variable written under its own name (our writer does
                    # that for variables BibLaTeX lacks): read it back as itself.
                    out[raw_name] = decode(value, nocase=False)
                elif kind_of == "name" and raw_name not in out:
                    out[raw_name] = parse_names(value, useprefix=useprefix)
                else:
                    self.keep(raw_name, value, report=raw_name not in bm.STRUCTURAL_FIELDS)
                continue
            kind = frule.kind
            if kind == "names":
                out[frule.csl] = parse_names(value, useprefix=useprefix)
            elif kind == "title":
                text, lossy = decode_lossy(value)
                if lossy:
                    self.custom.setdefault("@raw", {})[name] = value
                if text:
                    out[frule.csl] = text
            elif kind == "number" or kind == "text":
                text = decode(value, nocase=False)
                if text:
                    out[frule.csl] = text
            elif kind == "range":
                text = decode(value, nocase=False).replace("–", "-").replace("—", "-")
                if text:
                    out[frule.csl] = text
            elif kind == "verbatim":
                text = collapse_space(value)
                if "\\" in text:
                    text = _VERBATIM_ESCAPES.sub(r"\1", text)
                if text:
                    out[frule.csl] = text
            elif kind == "list":
                out[frule.csl] = self.literal_list(value)
                if name == "publisher" and btype in ("thesis", "report"):
                    self.custom["@publisher"] = "publisher"  # the writer's default is institution
            elif kind == "key":
                stripped = value.strip()
                out[frule.csl] = bm.KEYS.get(stripped.lower(), decode(stripped, nocase=False))
            elif kind == "lang":
                self.language(name, value)
            elif kind == "date":
                self.date(frule.csl, name, value)
            elif kind == "quote":
                record.custom[frule.csl] = decode(value, nocase=False)
            else:  # special
                if name in ("title", "subtitle", "titleaddon", "maintitle", "mainsubtitle",
                            "maintitleaddon", "booktitle", "booksubtitle", "booktitleaddon",
                            "journaltitle", "journalsubtitle"):
                    text, lossy = decode_lossy(value)
                    if lossy:
                        self.custom.setdefault("@raw", {})[name] = value
                    titles[name] = text
                    if name not in ("title", "maintitle", "booktitle", "journaltitle"):
                        self.keep(name, value, report=False)
                elif name == "number":
                    number = decode(value, nocase=False)
                    if btype in ("article", "periodical", "suppperiodical") \
                            and "issue" not in fields:
                        out["issue"] = number
                    elif btype in ("article", "periodical", "suppperiodical"):
                        out["number"] = number
                    elif has_series and btype not in ("report", "patent", "online", "misc"):
                        out["collection-number"] = number
                    else:
                        out["number"] = number
                elif name in ("institution", "organization"):
                    if "publisher" in fields or (name == "organization"
                                                 and "institution" in fields):
                        self.keep(raw_name, value)
                    else:
                        out["publisher"] = self.literal_list(value)
                        if name != "institution" or btype not in ("thesis", "report"):
                            self.custom["@publisher"] = raw_name
                elif name in ("editor", "editora", "editorb", "editorc"):
                    self.editor(name, value, useprefix)
                elif name == "eprint":
                    self.eprint(value)
                elif name == "entrysubtype":
                    subtype = bm.ENTRY_SUBTYPES.get(btype, {}).get(value.strip().lower())
                    if subtype:
                        record.type = subtype
                    self.keep(name, value, report=subtype is None)
                elif name in ("year", "month", "day", "origyear"):
                    pass  # below, together
        if "issue" in fields and "number" not in fields \
                and btype in ("article", "periodical", "suppperiodical"):
            self.custom["@issue"] = True
        if implied is not None and "genre" not in out:
            out["genre"] = bm.KEYS.get(implied, implied)
            self.custom.setdefault("@implied", implied)
        if titles:
            self.titles(titles, chapter_like, btype)
        if "year" in fields and "issued" not in out:
            self.year_month_day()
        elif "year" in fields or "month" in fields or "day" in fields:
            for name in ("year", "month", "day"):
                if name in fields:
                    self.keep(name, fields[name])
        if "origyear" in fields:
            orig, _ = parse_year_month_day(decode(fields["origyear"], nocase=False), None, None)
            if orig is not None and "original-date" not in out and orig.parts:
                out["original-date"] = orig
                self.custom["@origyear"] = True
            else:
                self.keep("origyear", fields["origyear"])
        if entry.inherited:
            # The writer leaves these out again while the parent is in the library.
            self.custom["@inherited"] = list(entry.inherited)
        if self.custom:
            record.custom[CUSTOM_KEY] = self.custom
        if self.unmapped:
            self.reader.report(Severity.INFO, "unmapped-fields",
                               "fields kept in custom.biblatex (no CSL variable): "
                               + ", ".join(self.unmapped), line=entry.line, key=entry.key)
        return record

    # -- field groups ------------------------------------------------------
    def literal_list(self, value: str) -> str:
        """biblatex literal lists ("A and B") as CSL text ("A; B")."""
        if " and " in value and self.is_biblatex():
            parts = [decode(p, nocase=False) for p in split_names(value)]
            if len(parts) > 1:
                self.custom.setdefault("@lists", True)
                return "; ".join(parts)
        return decode(value, nocase=False)

    def is_biblatex(self) -> bool:
        """Whether the entry is written for biblatex (its lists split on "and")."""
        fields = self.entry.fields
        return ("date" in fields or "journaltitle" in fields or "location" in fields
                or "langid" in fields) and "year" not in fields and "address" not in fields

    def language(self, name: str, value: str) -> None:
        text = decode(value, nocase=False).strip()
        lowered = text.lower()  # the reverse check below compares it with the kept name
        opts = self.entry.fields.get("langidopts") if name == "langid" else None
        tag = bm.language_tag(text, opts)
        if name == "language" and "langid" in self.entry.fields:
            self.keep(name, value)
            return
        if tag is None:
            self.record.fields["language"] = text
            return
        self.record.fields["language"] = tag
        if bm.LANGUAGES_REVERSE.get(tag) != lowered or name != "langid":
            self.custom[name] = value

    def date(self, variable: str, name: str, value: str) -> None:
        text = collapse_space(value)
        if not text:
            return
        parsed = parse_date_field(text)
        if parsed is None:
            self.warn("bad-date", f"'{text}' is not an ISO 8601-2 (EDTF) date; kept as text",
                      field=name)
            parsed = Date(literal=decode(text, nocase=False))
        self.record.fields[variable] = parsed

    def year_month_day(self) -> None:
        fields = self.entry.fields
        year = decode(fields["year"], nocase=False) if "year" in fields else None
        month = fields.get("month")
        day = fields.get("day")
        date, problems = parse_year_month_day(
            year, decode(month, nocase=False) if month else None, day)
        if date is None:
            return
        if date.literal is not None:
            if any(ch.isdigit() for ch in date.literal):
                self.warn("bad-date", f"year '{date.literal}' is not a year; kept as text",
                          field="year")
            else:
                # "in press", "to appear": a publication state, not a date.
                self.record.fields["status"] = self.record.fields.get("status", date.literal)
                self.keep("year", fields["year"], report=False)
                return
        for problem in problems:
            if problem != "year":
                self.warn("bad-date", f"{problem} '{fields[problem]}' is not understood; "
                          "kept in custom", field=problem)
                self.keep(problem, fields[problem])
        self.record.fields["issued"] = date
        if month and "month" not in problems and not month.strip().isdigit():
            self.custom["@month"] = month

    def editor(self, name: str, value: str, useprefix: bool) -> None:
        role_field = name + "type"
        role = self.entry.fields.get(role_field, "editor" if name == "editor" else "")
        variable = bm.EDITOR_TYPES.get(role.strip().lower())
        if variable is None:
            self.keep(name, value)
            if role:
                self.keep(role_field, role)
            return
        out = self.record.fields
        names = parse_names(value, useprefix=useprefix)
        if variable in out:
            self.keep(name, value)
            return
        out[variable] = names
        if name != "editor" or role.strip().lower() != "editor":
            self.custom["@" + variable] = name

    def eprint(self, value: str) -> None:
        eprinttype = self.entry.fields.get("eprinttype", "").strip().lower()
        variable = bm.EPRINT_TYPES.get(eprinttype)
        text = collapse_space(value)
        if variable is not None and variable not in self.record.fields:
            self.record.fields[variable] = text
            self.custom["eprinttype"] = self.entry.fields["eprinttype"]
            self.custom["@eprint"] = variable
        else:
            self.keep("eprint", value)
            if "eprinttype" in self.entry.fields:
                self.custom["eprinttype"] = self.entry.fields["eprinttype"]

    def titles(self, t: dict[str, str], chapter_like: bool, btype: str) -> None:
        out = self.record.fields
        title = _join(_join(t.get("title"), t.get("subtitle")), t.get("titleaddon"), ". ")
        main = _join(_join(t.get("maintitle"), t.get("mainsubtitle")), t.get("maintitleaddon"),
                     ". ")
        book = _join(_join(t.get("booktitle"), t.get("booksubtitle")), t.get("booktitleaddon"),
                     ". ")
        journal = _join(t.get("journaltitle"), t.get("journalsubtitle"))
        if chapter_like:
            if main:
                out["container-title"] = main
                if book:
                    out["volume-title"] = book
            elif book:
                out["container-title"] = book
        elif main:
            # One volume of a multi-volume work: CSL's title is the work's.
            if title:
                out["volume-title"] = title
            title = main
            self.custom["@maintitle"] = True
            if book:
                out["container-title"] = book
        elif book:
            if self.record.type in ("book", "report", "thesis", "pamphlet") \
                    or btype in ("proceedings", "collection", "reference"):
                # A whole book has no container; biblatex ignores booktitle here.
                self.keep_as_written("booktitle")
            else:
                out["container-title"] = book
        article = btype in ("article", "periodical", "suppperiodical")
        if journal:
            if "container-title" in out and not article:
                self.keep_as_written("journaltitle")
            else:
                if "container-title" in out:
                    self.keep_as_written("booktitle")
                out["container-title"] = journal
                if not article:
                    self.custom["@container"] = "journaltitle"
        elif book and article and out.get("container-title") == book:
            self.custom["@container"] = "booktitle"
        if title:
            out["title"] = title
            if t.get("subtitle") and "title-short" not in out and t.get("title") \
                    and not main:
                out["title-short"] = t["title"]
                self.custom["@short"] = True


def read(text: str, *, filename: str | None = None) -> ReadResult:
    """Parse BibTeX/BibLaTeX text into a library of CSL records."""
    reader = _Reader(filename)
    entries, xdata, extras = reader.split(text)
    reader.resolve(entries, xdata)
    library = Library()
    lines: dict[str, int] = {}
    for entry in entries.values():
        try:
            record = reader.to_record(entry)
        except RecursionError:  # the LaTeX decoder recurses once per brace level
            reader.report(Severity.ERROR, "entry-error",
                          "cannot convert this entry: its braces or commands are nested "
                          "too deeply; it is skipped", line=entry.line, key=entry.key)
            continue
        except Exception as exc:  # one bad entry never takes the file with it
            reader.report(Severity.ERROR, "entry-error",
                          f"cannot convert this entry: {type(exc).__name__}: {exc}",
                          line=entry.line, key=entry.key)
            continue
        library.add(record)
        if entry.line is not None:
            lines[entry.key] = entry.line
    if xdata:
        extras["xdata"] = {k: {"@type": "xdata", **e.fields} for k, e in xdata.items()}
    if any(extras.values()):
        library.extras["bibtex"] = {k: v for k, v in extras.items() if v}
    result = ReadResult(library, reader.diagnostics)
    result.lines.update(lines)
    return result


__all__ = ["CUSTOM_KEY", "read", "split_blocks", "write"]

"""BibTeX / BibLaTeX reading (the writer, :mod:`.writer`, reads back through it).

bibtexparser v2's splitter cuts the file into blocks; everything after that
is ours: ``@string`` macros with ``#`` concatenation (the predefined month
macros included), ``crossref``/``xdata`` inheritance by biblatex's rules,
names, dates, LaTeX decoding and the field mapping of :mod:`.fields`.

Nothing is silently lost.  Fields with no CSL counterpart go to
``custom["biblatex"]`` as written (after macro expansion) and are reported
with one INFO diagnostic per entry (``unmapped-fields``); the original entry
type is kept there as ``"@type"`` when the CSL type cannot give it back.
``@string``, ``@preamble`` and comments go to ``Library.extras["bibtex"]``.
Every problem is a :class:`Diagnostic` naming file, line and key; a broken
entry is reported and the rest of the file loads.

Where the file is not what BibTeX accepts, the reader recovers what it
safely can and says so with an ERROR (so ``check`` never reports a clean
file that lost something):

* A missing comma between two fields (``title = {A}`` then ``year = {2000},``)
  is read as the two fields it obviously is, with a ``missing-comma`` error
  on the second field's line.  pandoc stops there; BibTeX skips the entry.
  Recovering keeps the data and the error still fails ``check``.
* Parts of a value that lack their ``#`` (``{A} {B}``) are joined
  (``missing-separator``); anything else in a value that is not a part is
  reported and ignored.  White space between parts is any Unicode white
  space (``str.isspace``), as bibtexparser strips it.
* ``@ article{`` and ``@article`` with a line break before ``{`` are valid
  BibTeX that bibtexparser does not see as blocks; :func:`split_blocks`
  reads them (keeping their raw text as written).  Any other ``@`` in the
  text between blocks that starts a line or looks like an entry is reported
  (``syntax-error``), never dropped silently.
* ``@string`` macros expand when defined, so a doubling chain would grow
  exponentially: all macro text expanded in one file is limited to
  :func:`macro_budget` characters (at least 8 Mi, more for big files); a
  use past the limit is an error naming the macro and entry and expands to
  nothing, and the rest of the file is read.
* ``crossref``/``xdata`` inheritance is resolved iteratively with each
  entry resolved once, so long chains cost time in proportion to the fields
  they copy; a chain deeper than :data:`MAX_INHERITANCE_DEPTH` is cut there
  with an error (``inheritance-too-deep``).
* An extra ``}`` in a value closes the entry there; the fields after it
  would be text between entries, which BibTeX ignores.  The entry keeps the
  fields before it and an error on the brace's line names the lost ones.
* ``%`` comments inside an entry are skipped, as biber skips them
  (bibtexparser runs them into the next field's name, or aborts the entry:
  :func:`~citekit.formats.bibtex.fields.split_commented_field_key`,
  :func:`blank_entry_comments`).
* An entry with no key (``@book{,``) is skipped with an error, as bibtex
  and biber reject it.
* An entry that still cannot be converted (accents nested deeper than
  :data:`citekit.formats.bibtex.latex.MAX_NESTING`, or an unexpected failure) is
  kept, with its fields as written in ``custom["biblatex"]``, and an error.
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Callable, Iterable
from dataclasses import field
from typing import TYPE_CHECKING, Any

from citekit.base.collector import cycle_collection_paused
from citekit.base.diskcache import blake2b_digest
from citekit.base.patterns import lazy_pattern
from citekit.base.valueclass import value_class
from citekit.errors import Diagnostic, Severity
from citekit.formats import ReadResult
from citekit.formats.bibtex import fields as bm
from citekit.formats.bibtex.dates import MONTH_MACROS, parse_date_field, parse_year_month_day
from citekit.formats.bibtex.latex import (
    LatexNestingError,
    closing_brace,
    collapse_space,
    decode,
    decode_lossy,
    tex_left_as_written,
)
from citekit.formats.bibtex.names import parse_names, split_names
from citekit.formats.bibtex.splitter import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    Field,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    Splitter,
    String,
)
from citekit.formats.sentencecase import SENTENCE_CASED_FIELDS, sentence_case_fields
from citekit.model.records import Date, Library, Record, variable_kind

if TYPE_CHECKING:
    from citekit.formats.readcache import ConvertedEntries

CUSTOM_KEY = "biblatex"
_FAILED_KEY = lazy_pattern(globals(), r"@\s*\w+\s*[{(]\s*([^,\s{}()]+)")
_SPLIT_KEYS = lazy_pattern(globals(), r"\s*,\s*")
_VERBATIM_ESCAPES = lazy_pattern(globals(), r"\\([_%&#$])")
# A macro name or number in a value: up to white space or what delimits parts.
_BARE_WORD = lazy_pattern(globals(), r'[^\s#{}"=,%]+')
# ``name =`` after a complete value: the next field, its comma missing.
_NEXT_FIELD = lazy_pattern(globals(), r'([^\s#{}"=,]+)\s*=\s*')
# A value that is one brace group (braces nested up to three deep), in one
# C-speed match: then closing_brace(value, 0) is its last index.  A brace
# right after a backslash is a literal character, as closing_brace reads it;
# the quantifiers are possessive, so a value that is not one group fails in
# linear time (and closing_brace decides).
_ONE_GROUP = lazy_pattern(
    globals(),
    r"\{(?:[^{}\\]++|\\[{}]?|\{(?:[^{}\\]++|\\[{}]?"
    r"|\{(?:[^{}\\]++|\\[{}]?)*+\})*+\})*+\}",
)
# A quoted part whose braces nest up to three deep: its closing quote is the
# first one outside braces that no backslash escapes, as _scan_closing_quote
# finds it (which braces inside do not escape).  Possessive, so a part it
# cannot read (an unbalanced "}", deeper braces) fails in linear time.
_QUOTED_PART = lazy_pattern(
    globals(),
    r'"(?:[^"{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\}|(?<=\\)")*+(?<!\\)"',
)
# Text between blocks that BibTeX would take for an entry: an ``@`` starting
# a line, or ``@type{`` / ``@type(`` anywhere.
_STRAY_AT = lazy_pattern(globals(), r"^[ \t]*@|@\s*\w+\s*[{(]", re.MULTILINE)
# The start of a field: text after an entry that may be the rest of it.
_FIELD_START = lazy_pattern(globals(), r'[^\s#{}"=,@%]+\s*=\s*[{"\w]')
# A field's name after the "," that ends the field before it (or at the start).
_FIELD_NAME = lazy_pattern(globals(), r'(?:^|,)\s*([^\s#{}"=,@%]+)\s*=')
# What decides where a "%" comment is (blank_entry_comments): a block start,
# an escaped character, a delimiter, a quote, a "%".
_COMMENT_SCAN = lazy_pattern(globals(), r'@\w*[ \t]*[{(]|\\[{}%"]|[{}()"%]')
# A value that is only a URL: ``\url{...}``, ``\href{...}{...}`` or a bare one.
_URL_COMMAND = lazy_pattern(globals(), r"\\(url|href)\s*(?=\{)")
_BARE_URL = lazy_pattern(globals(), r"(?:https?|ftp)://\S+")
# ``useprefix=false`` in an entry's ``options``.
_NO_PREFIX = lazy_pattern(globals(), r"useprefix\s*=\s*false")
# A ``pages`` value that is a DOI or a URL, not pages.
_NOT_PAGES = lazy_pattern(globals(), r"/|\bdoi\b|https?:|www\.", re.IGNORECASE)
# Fields whose backslashes are not TeX commands (URLs, paths, identifiers).
_NOT_TEX = frozenset(
    {
        "url",
        "doi",
        "eprint",
        "file",
        "pdf",
        "isbn",
        "issn",
        "pmid",
        "pmcid",
        "urlraw",
        "verba",
        "verbb",
        "verbc",
        "crossref",
        "xdata",
    }
)

#: How many crossref or xdata links one chain may follow.
MAX_INHERITANCE_DEPTH = 100
#: The CSL variables sentence case applies to: those the sentence-cased
#: fields fill, and ``volume-title``, where a title beside a ``maintitle`` goes.
_WORK_TITLE_VARIABLES = frozenset(
    {bm.FIELDS[name].csl for name in SENTENCE_CASED_FIELDS} | {"volume-title"}
)
#: The variables sentence case applies to in order, with ``container-title``
#: and without it (where that is a periodical's name, which keeps its case).
_ALL_WORK_TITLES = tuple(sorted(_WORK_TITLE_VARIABLES))
_PERIODICAL_WORK_TITLES = tuple(sorted(_WORK_TITLE_VARIABLES - {"container-title"}))
_MACRO_BUDGET_MIN = 8 * 1024 * 1024
_MACRO_BUDGET_PER_CHAR = 4


def macro_budget(text: str) -> int:
    """How many characters of ``@string`` macro text one read of ``text`` may expand.

    Generous for real files (a journal macro used in every entry of a big
    file is far below it) and small enough that a 600-byte doubling chain
    stops after a few megabytes instead of exhausting memory.
    """
    return max(_MACRO_BUDGET_MIN, _MACRO_BUDGET_PER_CHAR * len(text))


def _abbreviate(text: str, limit: int = 40) -> str:
    """``text`` cut for a message: a pathological value must not flood the terminal."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


@value_class(frozen=False)
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

    def __init__(
        self, filename: str | None, budget: int = _MACRO_BUDGET_MIN, *, sentence_case: bool = True
    ) -> None:
        self.filename = filename
        self.sentence_case = sentence_case  # English title-case titles -> sentence case
        self.macros: dict[str, str] = dict(MONTH_MACROS)
        self.diagnostics: list[Diagnostic] = []
        # Per entry key: inherited field -> the crossref or xdata key it came
        # from, for the writer of an entry with more than one link (each parent
        # may or may not be written with it).
        self.sources: dict[str, dict[str, str]] = {}
        self.budget = budget  # characters of macro text left to expand in this read

    def report(
        self,
        severity: Severity,
        code: str,
        message: str,
        *,
        line: int | None = None,
        key: str | None = None,
        field: str | None = None,
    ) -> None:
        self.diagnostics.append(
            Diagnostic(severity, code, message, file=self.filename, line=line, key=key, field=field)
        )

    # -- values ------------------------------------------------------------
    def expand(
        self, raw: str, *, line: int | None = None, key: str | None = None, field: str | None = None
    ) -> str:
        """A field value as written (``{..}``, ``".."``, ``123``, ``macro # {..}``) to text."""
        raw = raw.strip()
        if not raw:
            return ""
        if "#" not in raw:
            if raw[0] == "{" and raw[-1] == "}" and closing_brace(raw, 0) == len(raw) - 1:
                return raw[1:-1]
            if raw[0] == '"' and raw[-1] == '"':
                # bibtexparser ends a quoted value at its last quote; inner
                # quotes ("a "b" c") are text, as they have always been read.
                return raw[1:-1]
            if raw.isdigit():
                return raw
        parts, nxt = _value_parts(raw)
        if nxt is not None:  # in an @string: no field can follow, so it is text
            parts.append(("stray", raw[nxt.start() :]))
        return self.join_parts(parts, line=line, key=key, field=field)

    def join_parts(
        self, parts: list[tuple[str, str]], *, line: int | None, key: str | None, field: str | None
    ) -> str:
        """The text of a value's parts, macros expanded, each problem reported."""
        pieces: list[str] = []
        for kind, text in parts:
            if kind == "text":
                pieces.append(text)
            elif kind == "word":
                pieces.append(
                    text if text.isdigit() else self.macro(text, line=line, key=key, field=field)
                )
            elif kind == "open":
                self.report(
                    Severity.WARNING,
                    "unbalanced-braces",
                    "unbalanced braces or quotes in a value",
                    line=line,
                    key=key,
                    field=field,
                )
                pieces.append(text)
            elif kind == "gap":
                self.report(
                    Severity.ERROR,
                    "missing-separator",
                    "two parts of a value are not joined by '#'; they are read as if they were",
                    line=line,
                    key=key,
                    field=field,
                )
            else:  # stray
                self.report(
                    Severity.ERROR,
                    "syntax-error",
                    f"unexpected '{_abbreviate(text)}' in a value; it is ignored",
                    line=line,
                    key=key,
                    field=field,
                )
        return "".join(pieces)

    def macro(self, name: str, *, line: int | None, key: str | None, field: str | None) -> str:
        """The text of an ``@string`` macro used in a value, within the file's budget."""
        value = self.macros.get(name.lower())
        if value is None:
            self.report(
                Severity.WARNING,
                "undefined-macro",
                f"@string macro '{name}' is not defined; its value is empty",
                line=line,
                key=key,
                field=field,
            )
            return ""
        if len(value) > self.budget:
            self.report(
                Severity.ERROR,
                "macro-too-large",
                f"expanding @string macro '{name}' ({len(value):,} characters) "
                "here would exceed the limit on macro text for one file; "
                "it expands to nothing here",
                line=line,
                key=key,
                field=field,
            )
            return ""
        self.budget -= len(value)
        return value

    # -- blocks ------------------------------------------------------------
    def split(self, text: str) -> tuple[dict[str, RawEntry], dict[str, RawEntry], dict[str, Any]]:
        entries: dict[str, RawEntry] = {}
        xdata: dict[str, RawEntry] = {}
        extras: dict[str, Any] = {"strings": {}, "preambles": [], "comments": [], "text": []}
        ended: str | None = None  # the key of the entry the block before this one was
        blocks = split_blocks(text)
        if "%" in text and any(type(b) is ParsingFailedBlock for b in blocks):
            # A "%" comment with a mark in it, or before the closing brace, makes
            # bibtexparser abort the entry; biber skips it (see split_commented_field_key).
            blanked = blank_entry_comments(text)
            if blanked != text:
                blocks = split_blocks(blanked)
        for block in blocks:
            start = block.start_line
            line = start + 1 if start is not None else None
            if type(block) is Entry:  # most blocks: no isinstance through ABCMeta
                self.add_entry(block, entries, xdata, line)
                ended = block.key
                continue
            after, ended = ended, None
            if type(block) is String:  # the next most: a file's @string macros
                self.add_string(block, extras, line)
                continue
            if isinstance(block, DuplicateBlockKeyBlock):
                duplicate = block.ignore_error_block
                previous = block.previous_block
                if isinstance(duplicate, String):
                    self.report(
                        Severity.WARNING,
                        "duplicate-string",
                        f"@string '{duplicate.key}' is defined again; the later "
                        "definition is used from here on",
                        line=line,
                        key=duplicate.key,
                    )
                    self.add_string(duplicate, extras, line)
                    continue
                if isinstance(duplicate, Entry) and not duplicate.key.strip():
                    self.add_entry(duplicate, entries, xdata, line)  # no key, not a repeated one
                    continue
                prev_line = previous.start_line + 1 if previous.start_line is not None else None
                self.report(
                    Severity.ERROR,
                    "duplicate-key",
                    f"duplicate key '{block.key}' (first defined on line {prev_line}); "
                    "this entry is skipped",
                    line=line,
                    key=block.key,
                )
                ended = block.key
                continue
            if isinstance(block, DuplicateFieldKeyBlock):
                entry = block.ignore_error_block
                if isinstance(entry, Entry):
                    self.add_entry(entry, entries, xdata, line)
                    ended = entry.key
                continue
            if isinstance(block, ParsingFailedBlock):
                raw = block.raw or ""
                m = _FAILED_KEY.match(raw.lstrip())
                reason = getattr(block.error, "abort_reason", None) or str(block.error)
                self.report(
                    Severity.ERROR,
                    "syntax-error",
                    f"cannot parse this entry ({reason.strip()}); it is skipped",
                    line=line,
                    key=m.group(1) if m else None,
                )
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
                if after is not None:
                    self.check_early_end(block.comment, line, after)
                self.check_stray_at(block.comment, line)
        return entries, xdata, extras

    def check_early_end(self, text: str, line: int | None, key: str) -> None:
        """Report text right after an entry that is the rest of it, cut off by a stray ``}``.

        ``title = {{NATO} and Its Enemies}},`` closes the entry at its last
        brace: BibTeX and bibtexparser read the fields after it as text
        between entries, which BibTeX ignores.  Text there that
        starts with the ``,`` or ``}`` of an entry, or with ``name = {`` and
        ends with ``}``, is such a rest; its fields are named, since the
        entry's first fields load and nothing else would show the loss.
        """
        rest = text.strip()
        if not (rest[0] in ",}" or (rest[-1] == "}" and _FIELD_START.match(rest) is not None)):
            return
        names = _field_names(rest)
        if names:
            self.report(
                Severity.ERROR,
                "syntax-error",
                "a '}' on this line closes the entry too early (one '}' too many?): "
                f"its fields after it ({', '.join(_abbreviate(n) for n in names)}) are not read",
                line=line,
                key=key,
            )
        else:
            self.report(
                Severity.WARNING,
                "unbalanced-braces",
                f"a '}}' on this line closes the entry before '{_abbreviate(rest)}', "
                "which is ignored (one '}' too many?)",
                line=line,
                key=key,
            )

    def check_stray_at(self, text: str, line: int | None) -> None:
        """Report text between blocks that BibTeX would read as an entry (none is read)."""
        for m in _STRAY_AT.finditer(text):
            at = m.start() + m.group().index("@")
            where = line + text.count("\n", 0, at) if line is not None else None
            found = _FAILED_KEY.match(text, at)
            self.report(
                Severity.ERROR,
                "syntax-error",
                "this '@' starts no entry that can be read (expected "
                "'@type{key, field = value, ...}'); the text up to the next entry "
                "is ignored",
                line=where,
                key=found.group(1) if found else None,
            )

    def add_string(self, block: String, extras: dict[str, Any], line: int | None) -> None:
        self.macros[block.key.lower()] = self.expand(block.value, line=line, key=block.key)
        extras["strings"][block.key] = block.value.strip()

    def add_entry(
        self,
        block: Entry,
        entries: dict[str, RawEntry],
        xdata: dict[str, RawEntry],
        line: int | None,
    ) -> None:
        key = block.key
        if not key.strip():
            # bibtex and biber reject it too; a record needs an id to be cited.
            self.report(
                Severity.ERROR,
                "syntax-error",
                f"this @{block.entry_type} entry has no key (expected "
                f"'@{block.entry_type}{{key, ...}}'); it is skipped",
                line=line,
            )
            return
        fields: dict[str, str] = {}
        lines: dict[str, int] = {}
        for fld in block.fields:
            start = fld.start_line
            fline = start + 1 if start is not None else line
            raw = fld.value
            name = fld.key.lower()
            if "%" in name:  # a comment line run into the name: biber skips it
                name = bm.split_commented_field_key(name)[1]
            if name not in fields and "#" not in raw:
                # The common cases, one braced or quoted part or one macro name:
                # what field_values and add_values make of them, without building
                # parts (tests/formats/bibtex/test_reader.py compares the two).
                first = raw[:1]
                if first == "{":
                    if (
                        _ONE_GROUP.fullmatch(raw) is not None
                        or closing_brace(raw, 0) == len(raw) - 1
                    ):
                        fields[name] = raw[1:-1]
                        lines[name] = fline if fline is not None else 0
                        continue
                elif first == '"':
                    if raw[-1] == '"' and _closing(raw, 0) == len(raw) - 1:
                        fields[name] = raw[1:-1]
                        lines[name] = fline if fline is not None else 0
                        continue
                elif _BARE_WORD.fullmatch(raw) is not None:
                    fields[name] = (
                        raw if raw.isdigit() else self.macro(raw, line=fline, key=key, field=name)
                    )
                    lines[name] = fline if fline is not None else 0
                    continue
            self.add_values(key, fields, lines, self.field_values(name, raw, fline, key))
        entry = RawEntry(key, block.entry_type.lower(), fields, line, lines)
        target = xdata if entry.type == "xdata" else entries
        if key in target:
            self.report(
                Severity.ERROR,
                "duplicate-key",
                f"duplicate key '{key}' (first defined on line {target[key].line}); "
                "this entry is skipped",
                line=line,
                key=key,
            )
            return
        target[key] = entry

    def add_values(
        self,
        key: str,
        fields: dict[str, str],
        lines: dict[str, int],
        values: list[tuple[str, int | None, list[tuple[str, str]]]],
    ) -> None:
        """Add one field as written (or the fields run into it) to an entry's ``fields``."""
        for name, vline, parts in values:
            if name in fields:
                self.report(
                    Severity.WARNING,
                    "duplicate-field",
                    f"field '{name}' appears again on line {vline} "
                    f"(first on line {lines[name]}); the first value is kept",
                    line=vline,
                    key=key,
                    field=name,
                )
                continue
            if len(parts) == 1 and parts[0][0] == "text":
                fields[name] = parts[0][1]
            else:
                fields[name] = self.join_parts(parts, line=vline, key=key, field=name)
            lines[name] = vline if vline is not None else 0

    def field_values(
        self, name: str, raw: str, line: int | None, key: str
    ) -> list[tuple[str, int | None, list[tuple[str, str]]]]:
        """The parts of one field's value, and of the fields run into it by a missing comma.

        ``title = {A}`` then ``year = {2000},`` reaches us as one field whose
        value is ``{A} year = {2000}``; it is read as the two fields it is,
        with an error on the second one's line.
        """
        out: list[tuple[str, int | None, list[tuple[str, str]]]] = []
        while True:
            raw = raw.strip()
            parts, nxt = _value_parts(raw)
            if nxt is None:
                if "#" not in raw and raw[:1] == '"' and raw[-1:] == '"':
                    parts = [("text", raw[1:-1])]  # inner quotes are text, as expand() reads them
                out.append((name, line, parts))
                return out
            out.append((name, line, parts))
            following = nxt.group(1).lower()
            line = line + raw.count("\n", 0, nxt.start()) if line is not None else None
            self.report(
                Severity.ERROR,
                "missing-comma",
                f"missing comma between field '{name}' and field '{following}'; both are read",
                line=line,
                key=key,
                field=following,
            )
            name, raw = following, raw[nxt.end() :]

    # -- inheritance -------------------------------------------------------
    def resolve(self, entries: dict[str, RawEntry], xdata: dict[str, RawEntry]) -> None:
        """Apply xdata and crossref inheritance to every entry, each resolved once.

        Iterative, so no chain exhausts Python's stack; memoised, so a chain
        of n entries costs the fields it copies rather than n walks of the
        chain.  Depth counts from the top of a chain (the entry that inherits
        nothing), so where a too-deep chain is cut depends on the data, not
        on the order of the file.
        """
        xresolver = _XdataResolver(self, xdata)
        for xentry in xdata.values():
            xresolver.resolve(xentry)
        lowered = {k.lower(): k for k in entries}
        depth: dict[str, int] = {}  # per resolved entry: crossref links it inherits through
        for start in entries.values():
            if start.key in depth:
                continue
            links = start.fields
            if "crossref" not in links and "xdata" not in links and "xref" not in links:
                depth[start.key] = 0  # most entries: nothing to inherit, nothing to check
                continue
            path = self.crossref_path(start, entries, lowered, depth)
            position = {entry.key: index for index, entry in enumerate(path)}
            for index in range(len(path) - 1, -1, -1):
                entry = path[index]
                xresolver.apply(entry)
                depth[entry.key] = self.inherit_crossref(
                    entry, path, position, entries, lowered, depth
                )
                self.finish_entry(entry, entries, lowered)

    @staticmethod
    def crossref_parent(
        entry: RawEntry, entries: dict[str, RawEntry], lowered: dict[str, str]
    ) -> RawEntry | None:
        """The entry that ``entry``'s crossref names, if it is in the file."""
        parent_key = entry.fields.get("crossref", "").strip()
        if not parent_key:
            return None
        return entries.get(parent_key) or entries.get(lowered.get(parent_key.lower(), ""))

    def crossref_path(
        self,
        start: RawEntry,
        entries: dict[str, RawEntry],
        lowered: dict[str, str],
        done: dict[str, int],
    ) -> list[RawEntry]:
        """``start`` and its unresolved crossref ancestors, child first."""
        path = [start]
        on_path = {start.key}
        while True:
            parent = self.crossref_parent(path[-1], entries, lowered)
            if parent is None or parent.key in done or parent.key in on_path:
                break
            path.append(parent)
            on_path.add(parent.key)
        return path

    def inherit_crossref(
        self,
        entry: RawEntry,
        path: list[RawEntry],
        position: dict[str, int],
        entries: dict[str, RawEntry],
        lowered: dict[str, str],
        depth: dict[str, int],
    ) -> int:
        """Copy the resolved crossref parent's fields into ``entry`` by biblatex's rules.

        Returns how many links ``entry`` now inherits through (0: none).
        """
        if not entry.fields.get("crossref", "").strip():
            return 0
        parent_key = entry.fields["crossref"].strip()
        found = self.crossref_parent(entry, entries, lowered)
        if found is None:
            self.report(
                Severity.WARNING,
                "dangling-crossref",
                f"crossref '{parent_key}' is not an entry of this file",
                line=entry.line,
                key=entry.key,
                field="crossref",
            )
            return 0
        if position.get(found.key, len(path)) <= position[entry.key]:  # back up the path
            loop = _loop(lambda k: path[k].key, position[found.key], position[entry.key] + 1)
            self.report(
                Severity.WARNING,
                "crossref-cycle",
                f"crossref '{parent_key}' leads back to this entry ({loop}); nothing inherited",
                line=entry.line,
                key=entry.key,
                field="crossref",
            )
            return 0
        if depth[found.key] >= MAX_INHERITANCE_DEPTH:
            self.report(
                Severity.ERROR,
                "inheritance-too-deep",
                f"crossref '{parent_key}' continues a chain of more than "
                f"{MAX_INHERITANCE_DEPTH} entries; nothing inherited from it",
                line=entry.line,
                key=entry.key,
                field="crossref",
            )
            return 0
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
                self.sources.setdefault(entry.key, {})[target] = parent_key
        return depth[found.key] + 1

    def finish_entry(
        self, entry: RawEntry, entries: dict[str, RawEntry], lowered: dict[str, str]
    ) -> None:
        """After inheritance: a partly own date is the entry's own; xref must resolve."""
        if "year" in entry.inherited and any(
            f in entry.fields and f not in entry.inherited for f in ("month", "day")
        ):
            entry.inherited.remove("year")  # the date is partly the entry's own
            self.sources.get(entry.key, {}).pop("year", None)
        xref = entry.fields.get("xref")
        if xref and xref.strip() not in entries and xref.strip().lower() not in lowered:
            self.report(
                Severity.WARNING,
                "dangling-xref",
                f"xref '{xref.strip()}' is not an entry of this file",
                line=entry.line,
                key=entry.key,
                field="xref",
            )

    # -- mapping -----------------------------------------------------------
    def to_record(self, entry: RawEntry) -> Record:
        return _Converter(self, entry).convert()


_COMMENT_LIKE_TYPE = lazy_pattern(globals(), r"@\s*(comment\w+)\s*(?=[{(])", re.IGNORECASE)


# A block start at the start of a line that bibtexparser 2.1 does not see but
# BibTeX reads: white space between "@" and the type, or a line break (or
# other white space than blanks) between the type and the delimiter.
_LOOSE_START = lazy_pattern(globals(), r"^[ \t]*@(\s*)(\w+)(\s*)([{(])", re.MULTILINE)
# What every loose start has (white space after "@", or after the type a
# white space other than a blank or tab): without it, nothing is tightened.
_LOOSE_HINT = re.compile(r"^[ \t]*@(?:\s|\w+[ \t]*[^\S \t])", re.MULTILINE)


def split_blocks(text: str) -> list[Block]:
    """bibtexparser's blocks of a BibTeX text (no middlewares), with its misreadings fixed.

    bibtexparser 2.1 reads any ``@comment...`` entry type as a comment,
    ``@commentary`` (a BibLaTeX type) included; such a block is split again
    as the entry it is.  It also takes ``@ article{`` and ``@article`` with
    ``{`` on the next line for text between blocks; those block starts are
    tightened (``@article{`` with the white space moved after the ``{``, so
    every line keeps its number) before splitting, and the blocks they start
    get their raw text back as written.  Everything that reads .bib blocks
    (the reader, ``tidy``) goes through here, so none of them turns an entry
    into a comment or drops it.
    """
    tightened, starts = _tighten_block_starts(text)
    blocks = Splitter(tightened).split().blocks
    if starts:
        for block in blocks:
            _restore_raw(block, starts)
    return [_misread_comment(b) or b if isinstance(b, ExplicitComment) else b for b in blocks]


def _tighten_block_starts(text: str) -> tuple[str, dict[int, tuple[str, str]]]:
    """``text`` with loose block starts tightened, and by line: (tightened, original)."""
    if _LOOSE_HINT.search(text) is None:  # nearly every file: no loose start at all
        return text, {}
    return _tighten_each(text)


def _tighten_each(text: str) -> tuple[str, dict[int, tuple[str, str]]]:
    """:func:`_tighten_block_starts` looking at every block start."""
    starts: dict[int, tuple[str, str]] = {}
    pieces: list[str] = []
    last = 0
    for m in _LOOSE_START.finditer(text):
        before, name, after, delimiter = m.groups()
        if not before and not after.strip(" \t"):
            continue  # bibtexparser reads this one
        at = m.start() + m.group().index("@")
        tight = "@" + name + delimiter + before + after  # same length, same line breaks
        starts[text.count("\n", 0, at)] = (tight, text[at : m.end()])
        pieces.append(text[last:at])
        pieces.append(tight)
        last = m.end()
    if not starts:
        return text, starts
    pieces.append(text[last:])
    return "".join(pieces), starts


def _restore_raw(block: Block, starts: dict[int, tuple[str, str]]) -> None:
    """Give a block that starts at a tightened block start its raw text as written."""
    line = block.start_line
    raw = block.raw
    if line is None or raw is None or line not in starts:
        return
    tight, original = starts[line]
    if raw.startswith(tight):
        restored = original + raw[len(tight) :]
        for target in (block, getattr(block, "ignore_error_block", None)):
            if target is not None and target.raw == raw:
                # bibtexparser's blocks have no setter for raw; it is plain data.
                setattr(target, "_raw", restored)  # noqa: B010


def _misread_comment(block: ExplicitComment) -> Entry | None:
    """The entry of a comment block whose type only starts with ``comment``, else None."""
    raw = block.raw or ""
    m = _COMMENT_LIKE_TYPE.match(raw)
    if m is None:
        return None
    placeholder = "citekitentry"
    parsed = Splitter("@" + placeholder + raw[m.end() :]).split()
    entries = [b for b in parsed.blocks if isinstance(b, Entry)]
    if len(entries) != 1:
        return None
    offset = block.start_line or 0
    fields = [
        Field(f.key, f.value, f.start_line + offset if f.start_line is not None else None)
        for f in entries[0].fields
    ]
    return Entry(m.group(1), entries[0].key, fields, start_line=block.start_line, raw=raw)


def blank_entry_comments(text: str) -> str:
    """``text`` with the ``%`` comments inside its entries blanked (same length and lines).

    biber's lexer skips ``%`` to the end of a line inside an entry, outside
    values, as it does between entries; classic BibTeX has no such comments
    (it stops at the ``%`` with an error and skips the entry).  bibtexparser
    reads the comment as part of the next field's name, or aborts the entry
    when the comment holds a ``,``, ``=`` or brace, or comes last; blanking
    it (spaces, line breaks kept) gives the entry biber reads.  Text between
    entries and ``@comment`` blocks is left as it is.  The scan is in Python,
    so :meth:`_Reader.split` runs it only on a text where an entry failed.
    """
    pieces: list[str] = []
    last = 0
    depth = 0  # 0 between blocks, 1 inside a block's delimiters, more inside a value
    closer = "}"
    quoted = False
    blank = True  # whether the block being read is one whose comments are blanked
    skip_to = 0  # the end of the comment last blanked: marks before it are its text
    for m in _COMMENT_SCAN.finditer(text):
        at = m.start()
        if at < skip_to:
            continue
        mark = m.group()
        if depth == 0:
            if mark[0] == "@":
                depth, closer, quoted = 1, "}" if mark[-1] == "{" else ")", False
                blank = not mark[1:].lstrip().lower().startswith("comment")
            continue
        first = mark[0]
        if first == "{":
            depth += 1
        elif first == "}":
            depth -= 1
        elif first == ")" and depth == 1 and closer == ")":
            depth = 0
        elif first == '"' and depth == 1:
            quoted = not quoted
        elif first == "%" and depth == 1 and not quoted and blank:
            end = text.find("\n", at)
            skip_to = len(text) if end < 0 else end
            pieces.append(text[last:at])
            pieces.append(" " * (skip_to - at))
            last = skip_to
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _field_names(rest: str) -> list[str]:
    """The names of the fields in ``rest``, the text after an entry that closed too early.

    Read as the fields of an entry, so that a "," or "x = y" inside a value
    is not taken for a field; text that is no list of fields gives the names
    that start its lines, if any.
    """
    body = rest if rest[0] in ",}" else "," + rest
    parsed = Splitter("@citekitrest{rest" + body).split().blocks
    found = [b for b in parsed if isinstance(b, Entry)]
    if len(found) == 1 and not isinstance(parsed[0], ParsingFailedBlock):
        return [bm.split_commented_field_key(f.key)[1] for f in found[0].fields]
    return [m.group(1) for m in _FIELD_NAME.finditer(body)]


def _closing(raw: str, i: int) -> int:
    """Index of the delimiter closing the ``{`` or ``"`` at ``i``, or -1.

    Braces go through :func:`closing_brace`, which the LaTeX decoder uses too,
    so the field reader and the decoder agree on where a group ends.
    """
    if raw[i] != '"':
        return closing_brace(raw, i)
    # Most quoted parts hold no brace: then the next unescaped quote closes them.
    end = raw.find('"', i + 1)
    if (
        end > 0
        and raw[end - 1] != "\\"
        and raw.find("{", i + 1, end) < 0
        and raw.find("}", i + 1, end) < 0
    ):
        return end
    quoted = _QUOTED_PART.match(raw, i)  # braces inside, nested up to three deep
    return quoted.end() - 1 if quoted is not None else _scan_closing_quote(raw, i)


def _scan_closing_quote(raw: str, i: int) -> int:
    """:func:`_closing` for any quoted part: braces inside it counted."""
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


def _loop(keys: Callable[[int], str], start: int, end: int) -> str:
    """``a -> b -> c -> a`` for a cycle through ``keys(start)`` .. ``keys(end - 1)``.

    Long cycles are shortened, and only the keys shown are looked up, so that
    reporting many back edges into one long chain stays linear.
    """
    count = end - start
    if count <= 6:
        shown = [keys(k) for k in range(start, end)]
    else:
        shown = [
            keys(start),
            keys(start + 1),
            keys(start + 2),
            f"… {count - 5} more …",
            keys(end - 2),
            keys(end - 1),
        ]
    return " -> ".join([*shown, keys(start)])


class _XdataResolver:
    """xdata inheritance: each @xdata entry resolved once, depth first, without recursion."""

    def __init__(self, reader: _Reader, xdata: dict[str, RawEntry]) -> None:
        self.reader = reader
        self.xdata = xdata
        self.state: dict[str, int] = {}  # absent: not yet, 1: being resolved, 2: done
        self.usable: dict[str, list[str]] = {}  # per xdata key: the refs it takes fields from
        self.height: dict[str, int] = {}  # per resolved xdata key: links it inherits through
        self.in_cycle: set[str] = set()  # xdata keys reported as reached again by a cycle

    @staticmethod
    def refs(entry: RawEntry) -> list[str]:
        value = entry.fields.get("xdata", "").strip()
        return [ref for ref in _SPLIT_KEYS.split(value) if ref] if value else []

    def warn(
        self, entry: RawEntry, code: str, message: str, severity: Severity = Severity.WARNING
    ) -> None:
        self.reader.report(severity, code, message, line=entry.line, key=entry.key, field="xdata")

    def resolve(self, root: RawEntry) -> None:
        """Resolve ``root`` and every @xdata entry it leads to (post-order)."""
        if self.state.get(root.key):
            return
        stack: list[tuple[RawEntry, list[str], int]] = [(root, self.refs(root), 0)]
        on_stack = {root.key: 0}
        self.state[root.key] = 1
        self.usable[root.key] = []
        while stack:
            entry, refs, i = stack[-1]
            if i == len(refs):
                stack.pop()
                del on_stack[entry.key]
                self.state[entry.key] = 2
                self.height[entry.key] = self.merge(entry, self.usable[entry.key])
                continue
            stack[-1] = (entry, refs, i + 1)
            ref = refs[i]
            source = self.xdata.get(ref)
            if source is None:
                self.warn(entry, "dangling-xdata", f"xdata '{ref}' is not defined in this file")
                continue
            state = self.state.get(ref)
            if state == 1:
                loop = _loop(lambda k: stack[k][0].key, on_stack[ref], len(stack))
                self.warn(
                    entry,
                    "xdata-cycle",
                    f"xdata '{ref}' leads back to itself ({loop}); not applied again",
                )
                if ref != entry.key and ref not in self.in_cycle:
                    self.in_cycle.add(ref)  # once, however many links lead back to it
                    self.warn(
                        source, "xdata-cycle", f"this entry is part of an xdata cycle ({loop})"
                    )
                continue
            self.usable[entry.key].append(ref)
            if state is None:
                self.state[ref] = 1
                self.usable[ref] = []
                on_stack[ref] = len(stack)
                stack.append((source, self.refs(source), 0))

    def merge(self, entry: RawEntry, refs: list[str], sources: dict[str, str] | None = None) -> int:
        """Copy the fields of resolved @xdata entries that ``entry`` lacks, first ref first.

        Returns how many links ``entry`` now inherits through; a ref that
        would make that more than :data:`MAX_INHERITANCE_DEPTH` is an error
        and gives nothing.
        """
        height = 0
        for ref in refs:
            below = self.height[ref]
            if below >= MAX_INHERITANCE_DEPTH:
                self.warn(
                    entry,
                    "inheritance-too-deep",
                    f"xdata '{ref}' continues a chain of more than "
                    f"{MAX_INHERITANCE_DEPTH} entries; nothing inherited from it",
                    Severity.ERROR,
                )
                continue
            height = max(height, below + 1)
            for name, value in self.xdata[ref].fields.items():
                if name not in entry.fields and name != "xdata":
                    entry.fields[name] = value
                    entry.inherited.append(name)
                    if sources is not None:
                        sources[name] = ref
        return height

    def apply(self, entry: RawEntry) -> None:
        """Give an ordinary entry the fields of the @xdata entries it names."""
        usable: list[str] = []
        for ref in self.refs(entry):
            source = self.xdata.get(ref)
            if source is None:
                self.warn(entry, "dangling-xdata", f"xdata '{ref}' is not defined in this file")
                continue
            self.resolve(source)
            usable.append(ref)
        if usable:
            self.merge(entry, usable, self.reader.sources.setdefault(entry.key, {}))


def _value_parts(raw: str) -> tuple[list[tuple[str, str]], re.Match[str] | None]:
    """The parts of a field value as written, and the next field if one runs into it.

    Parts are ``("text", content)`` for ``{..}`` and ``".."``, ``("word", name)``
    for a macro or number, ``("open", rest)`` for a group that never closes,
    ``("gap", "")`` where two parts lack the ``#`` between them and
    ``("stray", char)`` for anything else.  When a complete part is followed
    by ``name =``, a comma is missing: the match of that ``name =`` is
    returned and the parts end before it.
    """
    parts: list[tuple[str, str]] = []
    i = 0
    n = len(raw)
    expect = True  # at the start, or after '#': a part may follow
    while i < n:
        ch = raw[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "#":
            expect = True
            i += 1
            continue
        if not expect:
            nxt = _NEXT_FIELD.match(raw, i)
            if nxt is not None:
                return parts, nxt
        if ch == "{" or ch == '"':
            end = _closing(raw, i)
            if end < 0:
                parts.append(("open", raw[i + 1 :]))
                break
            if not expect:
                parts.append(("gap", ""))
            parts.append(("text", raw[i + 1 : end]))
            i = end + 1
            expect = False
            continue
        if ch == "%":  # a comment to the end of the line, as biber reads it
            end = raw.find("\n", i)
            i = n if end < 0 else end
            continue
        word = _BARE_WORD.match(raw, i)
        if word is None:  # '=', ',' or a '}' that closes nothing
            parts.append(("stray", ch))
            i += 1
            continue
        if not expect:
            parts.append(("gap", ""))
        parts.append(("word", word.group()))
        i = word.end()
        expect = False
    return parts, None


def whole_url(value: str) -> str | None:
    """The URL a value consists of (``\\url{..}``, ``\\href{..}{..}``, bare), else None.

    Only a value that is nothing but the URL counts: "See \\url{..}" is text
    that mentions a URL, and stays text.
    """
    text = collapse_space(value)
    while text.startswith("{") and closing_brace(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    m = _URL_COMMAND.match(text)
    if m is not None:
        start = m.end()
        end = closing_brace(text, start)
        if end < 0:
            return None
        rest = text[end + 1 :].strip()
        if m.group(1) == "href":  # \href{URL}{text}: the link text may follow
            if not rest.startswith("{") or closing_brace(rest, 0) != len(rest) - 1:
                return None
        elif rest:
            return None
        url = text[start + 1 : end].strip()
    elif _BARE_URL.fullmatch(text):
        url = text
    else:
        return None
    url = _VERBATIM_ESCAPES.sub(r"\1", url)
    return url if _BARE_URL.fullmatch(url) else None


def is_page_value(text: str) -> bool:
    """Whether a ``pages`` value may be pages and page ranges (what a style may reformat).

    Everything is, except a DOI or a URL typed into ``pages``
    ("doi.org/10.1038/s41598-017-08692-6"): a slash, "doi", a scheme or
    "www." never occur in page numbers, while "3:1-3:29" and "158-169 or
    496-501" do, so the test is the narrow one.
    """
    return _NOT_PAGES.search(text) is None


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st: English ordinals, as biblatex's \\mkbibordinal."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _join(main: str | None, sub: str | None, sep: str = ": ") -> str | None:
    if not main:
        return None  # a subtitle without its title stays in custom as written
    if not sub:
        return main
    return f"{main}{sep}{sub}"


#: The parts of titles that :meth:`_Converter.titles` joins, and of those the
#: main ones (the others are also kept as written, unreported).
_TITLE_PARTS = frozenset(
    {
        "title",
        "subtitle",
        "titleaddon",
        "maintitle",
        "mainsubtitle",
        "maintitleaddon",
        "booktitle",
        "booksubtitle",
        "booktitleaddon",
        "journaltitle",
        "journalsubtitle",
    }
)
_MAIN_TITLE_PARTS = frozenset({"title", "maintitle", "booktitle", "journaltitle"})
#: Per field name as a file writes it (lowercased): its BibLaTeX name, its
#: rule (None: no BibLaTeX field), the rule's kind ("" without one) and
#: whether TeX in its value is reported.  Worked out once per name, not per
#: field of every entry; at most :data:`_ROUTES_LIMIT` names are kept.
_Route = tuple[str, bm.FieldRule | None, str, bool]
_ROUTES: dict[str, _Route] = {}
_ROUTES_LIMIT = 4096


def _route(raw_name: str) -> _Route:
    """The route of a field name (see :data:`_ROUTES`), remembered while there is room."""
    name = bm.FIELD_ALIASES.get(raw_name, raw_name)
    frule = bm.FIELDS.get(name)
    route = (name, frule, frule.kind if frule is not None else "", name not in _NOT_TEX)
    if len(_ROUTES) < _ROUTES_LIMIT:
        _ROUTES[raw_name] = route
    return route


class _Converter:
    """Maps one :class:`RawEntry` to a :class:`Record` with :mod:`.fields`' tables."""

    __slots__ = ("custom", "entry", "journal_container", "reader", "record", "unmapped")

    def __init__(self, reader: _Reader, entry: RawEntry) -> None:
        self.reader = reader
        self.entry = entry
        self.journal_container = False  # container-title is a periodical's name
        self.custom: dict[str, Any] = {}
        self.unmapped: list[str] = []
        self.record = Record(entry.key)

    def warn(self, code: str, message: str, field: str | None = None) -> None:
        line = self.entry.field_lines.get(field, self.entry.line) if field else self.entry.line
        self.reader.report(
            Severity.WARNING, code, message, line=line, key=self.entry.key, field=field
        )

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
        useprefix = "useprefix" in options and not _NO_PREFIX.search(options)
        titles: dict[str, str] = {}
        has_series = "series" in fields
        for raw_name, value in fields.items():
            route = _ROUTES.get(raw_name)
            if route is None:
                route = _route(raw_name)
            name, frule, kind, tex = route
            if name == "location" and self.venue_and_address(raw_name, value):
                continue
            if name != raw_name and name in fields:
                self.keep(raw_name, value)
                continue
            if tex and ("\\" in value or "$" in value):
                self.report_tex(raw_name, value)
            if name == "howpublished" and self.howpublished(raw_name, value):
                continue
            if frule is None:
                self.unknown_field(raw_name, name, value, useprefix)
                continue
            # The kinds by how often real files use them; each is one branch.
            if kind == "names":
                out[frule.csl] = parse_names(value, useprefix=useprefix)
            elif kind == "special":
                if name in _TITLE_PARTS:
                    text, lossy = decode_lossy(value)
                    if lossy:
                        self.custom.setdefault("@raw", {})[name] = value
                    titles[name] = text
                    if name not in _MAIN_TITLE_PARTS:
                        self.keep(name, value, report=False)
                elif name in ("number", "issue", "eid"):
                    self.number(name, value, btype, has_series, useprefix)
                elif name in ("institution", "organization"):
                    if "publisher" in fields or (
                        name == "organization" and "institution" in fields
                    ):
                        self.keep(raw_name, value)
                    else:
                        out["publisher"] = self.literal_list(value, "publisher")
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
                # year, month, day and origyear: below, together
            elif kind == "number" or kind == "text":
                text, lossy = decode_lossy(value, nocase=False)
                if lossy:  # \cite{x} read as "x": the writer gives the command back
                    self.custom.setdefault("@raw", {})[name] = value
                if text:
                    out[frule.csl] = text
            elif kind == "range":
                text = decode(value, nocase=False).replace("–", "-").replace("—", "-")
                if "-" in text and not is_page_value(text):
                    # Not pages (a DOI typed into pages): "\-" is CSL-JSON's literal
                    # hyphen (citeproc-js), so no page-range-format rewrites it.
                    text = text.replace("-", "\\-")
                if text:
                    out[frule.csl] = text
            elif kind == "title":
                text, lossy = decode_lossy(value)
                if lossy:
                    self.custom.setdefault("@raw", {})[name] = value
                if name == "series":
                    text = self.series(text, value)
                if text:
                    out[frule.csl] = text
            elif kind == "date":
                self.date(frule.csl, name, value)
            elif kind == "verbatim":
                text = collapse_space(value)
                if "\\" in text:
                    text = _VERBATIM_ESCAPES.sub(r"\1", text)
                if text:
                    out[frule.csl] = text
            elif kind == "list":
                out[frule.csl] = self.literal_list(value, name)
                if name == "publisher" and btype in ("thesis", "report"):
                    self.custom["@publisher"] = "publisher"  # the writer's default is institution
            elif kind == "key":
                stripped = value.strip()
                out[frule.csl] = bm.KEYS.get(stripped.lower(), decode(stripped, nocase=False))
            elif kind == "lang":
                self.language(name, value)
            elif kind == "quote":
                record.custom[frule.csl] = decode(value, nocase=False)
        if "issue" in fields and btype in bm.ARTICLE_TYPES:
            if "number" in fields:
                self.article_issue()
            else:
                self.custom["@issue"] = True
        if isinstance(out.get("part"), str) and isinstance(out.get("volume"), str):
            # biblatex prints the physical part after its volume, "7.2" (its
            # standard styles: volume, a full stop, part); CSL has no variable a
            # style prints for it, so the volume says it, as pandoc's import does.
            part = out.pop("part")
            out["volume"] = f"{out['volume']}.{part}"
            self.custom["@part"] = part
        if btype == "patent" and "publisher-place" in out and "jurisdiction" not in out:
            # A patent's location is the scope of the patent (biblatex manual,
            # location: "With @patent entries, this list indicates the scope of a
            # patent"), which CSL calls jurisdiction; pandoc reads it so too.
            out["jurisdiction"] = out.pop("publisher-place")
        if implied is not None and "genre" not in out:
            out["genre"] = bm.KEYS.get(implied, implied)
            self.custom.setdefault("@implied", implied)
        if titles:
            self.titles(titles, chapter_like, btype)
        if btype == "periodical" and "volume-title" in out and "title" in out:
            self.periodical_issue()
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
            links = {
                fields.get("crossref", "").strip(),
                *_SPLIT_KEYS.split(fields.get("xdata", "")),
            }
            if len(links - {""}) > 1:
                # Which parent gave what, so that the writer keeps what a parent
                # it does not write gave (CSL-JSON keeps no @xdata entry).
                sources = self.reader.sources.get(entry.key, {})
                self.custom["@inheritedfrom"] = {
                    name: sources[name] for name in entry.inherited if name in sources
                }
        if self.reader.sentence_case:
            originals = sentence_case_fields(out, self.work_titles())
            if originals:
                self.custom["@titlecase"] = originals
        if self.custom:
            record.custom[CUSTOM_KEY] = self.custom
        if self.unmapped:
            self.reader.report(
                Severity.INFO,
                "unmapped-fields",
                "fields kept in custom.biblatex (no CSL variable): " + ", ".join(self.unmapped),
                line=entry.line,
                key=entry.key,
            )
        return record

    # -- fields with a rule of their own -------------------------------------
    def howpublished(self, raw_name: str, value: str) -> bool:
        """A ``howpublished`` that is a URL or stands for a publisher (True), else False."""
        if self.howpublished_url(raw_name, value):
            return True
        fields = self.entry.fields
        if (
            "publisher" in fields
            or "institution" in fields
            or "organization" in fields
            or "\\url" in value
            or "://" in value
        ):
            return False
        # A publication notice ("Zenodo") stands where a publisher would:
        # biblatex's @misc and @booklet and BibTeX's misc print it between
        # the title and the date, and CSL medium is a physical format.
        text = decode(value, nocase=False)
        if text:
            self.record.fields["publisher"] = text
            self.custom["@publisher"] = raw_name
        return True

    def unknown_field(self, raw_name: str, name: str, value: str, useprefix: bool) -> None:
        """A field BibLaTeX does not define: a CSL variable under its own name, or kept."""
        out = self.record.fields
        kind_of = variable_kind(raw_name)
        if kind_of in ("string", "number") and raw_name not in out:
            # A CSL variable written under its own name (our writer does
            # that for variables BibLaTeX lacks): read it back as itself.
            out[raw_name] = decode(value, nocase=False)
        elif kind_of == "name" and raw_name not in out:
            out[raw_name] = parse_names(value, useprefix=useprefix)
        else:
            self.keep(raw_name, value, report=name not in bm.STRUCTURAL_FIELDS)

    def number(self, name: str, value: str, btype: str, has_series: bool, useprefix: bool) -> None:
        """``number``, ``issue`` and ``eid``: an article's issue and article
        number, a series' number, or the number it is.

        biblatex's ``number`` of an article is the issue number, its ``issue``
        a designation such as "Spring" printed beside it, and its ``eid`` the
        article number (manual §2.2.2); CSL's ``issue`` is the issue and an
        article's ``number`` the article number ("Article e12" in APA).
        """
        out = self.record.fields
        article = btype in bm.ARTICLE_TYPES
        if name == "eid":
            if not article:  # no CSL variable: kept and reported, as before
                self.unknown_field(name, name, value, useprefix)
                return
            text = decode(value, nocase=False)
            if text:
                out["number"] = text
            return
        if article and "number" in self.entry.fields and "issue" in self.entry.fields:
            return  # one CSL issue of the two: article_issue
        if name == "issue":
            text, lossy = decode_lossy(value, nocase=False)
            if lossy:
                self.custom.setdefault("@raw", {})[name] = value
            if text:
                out["issue"] = text
            return
        number = decode(value, nocase=False)
        if article:
            out["issue"] = number
        elif has_series and btype not in ("report", "patent", "online", "misc"):
            out["collection-number"] = number
        else:
            out["number"] = number

    def article_issue(self) -> None:
        """An article's ``number`` and ``issue`` (``4`` and ``Spring``) as one CSL
        issue, "4, Spring", as pandoc joins them: CSL has one variable for the
        issue, and a style prints the season where it prints the issue.  The
        two fields are kept as written so the writer gives them back apart."""
        fields = self.entry.fields
        parts = [decode(fields[name], nocase=False) for name in ("number", "issue")]
        joined = ", ".join(part for part in parts if part)
        if joined:
            self.record.fields["issue"] = joined
        self.custom["@issueparts"] = {
            name: collapse_space(fields[name]) if "\n" in fields[name] else fields[name]
            for name in ("number", "issue")
        }

    # -- field groups ------------------------------------------------------
    def work_titles(self) -> tuple[str, ...]:
        """The CSL variables holding titles of works, which sentence case applies to.

        They are the variables the fields of
        :data:`~citekit.formats.sentencecase.SENTENCE_CASED_FIELDS` fill (the
        writer protects the capitals of exactly those fields), plus
        ``volume-title``, which a title takes beside its ``maintitle``.  A
        periodical's name (``journaltitle``, ``shortjournal``, an article's
        ``booktitle``) is a proper name and keeps its case;
        docs/bibtex-import.md lists the fields.
        """
        return _PERIODICAL_WORK_TITLES if self.journal_container else _ALL_WORK_TITLES

    def literal_list(self, value: str, name: str) -> str:
        """biblatex literal lists ("A and B") as CSL text.

        Places of a biblatex entry are a list ("Durham; London", as pandoc
        gives them); a publisher list is printed as biblatex prints it ("A and
        B", "A, B and C"), because unbraced firm names with "and" in them
        ("Williams and Wilkins") are far more common than two publishers, and
        biblatex's printed form is right for both.  biblatex's country keys
        (``countryfr``) become country names.  docs/bibtex-import.md has the
        measurements.
        """
        text = self.list_item(value)
        if " and " in value and self.is_biblatex():
            parts = [self.list_item(p) for p in split_names(value)]
            if len(parts) > 1:
                self.custom.setdefault("@lists", True)
                if name in ("publisher", "origpublisher"):
                    text = ", ".join(parts[:-1]) + " and " + parts[-1]
                else:
                    text = "; ".join(parts)
        if "country" in value.lower() and any(
            part.strip().lower() in bm.COUNTRIES for part in split_names(value)
        ):
            self.as_written(name, text, value)
        return text

    @staticmethod
    def list_item(value: str) -> str:
        """One item of a literal list: text, or the country a biblatex key names."""
        country = bm.COUNTRIES.get(value.strip().lower())
        return country if country is not None else decode(value, nocase=False)

    def series(self, text: str, raw: str) -> str:
        """A ``series`` that is a localisation key or a number, as biblatex prints it.

        ``newseries`` is "New series"; an article's series that is an integer
        is an ordinal series ("3rd series"), as biblatex and pandoc print it.
        """
        printed = bm.KEYS.get(text.strip().lower())
        if (
            printed is None
            and text.strip().isdigit()
            and self.entry.type in ("article", "periodical")
        ):
            printed = f"{ordinal(int(text.strip()))} series"
        if printed is None:
            return text
        self.as_written("series", printed, raw)
        return printed

    def as_written(self, name: str, printed: str, raw: str) -> None:
        """Remember that ``name``'s key ``raw`` was read as ``printed``, for the writer.

        ``custom.biblatex["@keys"]`` maps the field to [printed text, raw value]:
        while the CSL variable still holds the printed text, the writer gives
        the key back (``series = {newseries}``).
        """
        self.custom.setdefault("@keys", {})[name] = [printed, raw]

    def report_tex(self, name: str, value: str) -> None:
        """Warn about TeX the decoder keeps as written (unknown commands, math it cannot write)."""
        left = tex_left_as_written(value)
        if left:
            self.warn(
                "unknown-tex",
                f"{', '.join(_abbreviate(t) for t in left[:5])}: TeX that "
                "citekit cannot print as text; kept as written (an unknown command "
                "with one argument prints its argument)",
                field=name,
            )

    def howpublished_url(self, name: str, value: str) -> bool:
        """A ``howpublished`` that is only a URL is the entry's URL, as pandoc reads it.

        The field is kept as written (unreported) so the writer gives it back;
        when the entry has a ``url`` too, that one is the URL.  Returns
        whether the value was a URL.
        """
        url = whole_url(value)
        if url is None:
            return False
        if "url" not in self.entry.fields and "URL" not in self.record.fields:
            self.record.fields["URL"] = url
            self.custom["@howpublishedurl"] = url  # the writer leaves out a URL it gives back
        fields = self.entry.fields
        self.keep(name, value, report="url" in fields and url != whole_url(fields["url"]))
        return True

    def periodical_issue(self) -> None:
        """An issue of a periodical: its ``issuetitle`` is the title, the periodical the container.

        CSL's ``periodical`` type has no place for an issue's title that
        styles print; as pandoc reads it, the issue is an article-journal
        whose container is the periodical, so "Semantic 3D media and
        content. Computers and Graphics, 35(4)" keeps both titles.
        """
        out = self.record.fields
        out["container-title"] = out.pop("title")
        out["title"] = out.pop("volume-title")
        self.journal_container = True  # the periodical's name keeps its case
        self.record.type = "article-journal"
        self.custom["@type"] = self.entry.type
        self.custom["@issuetitle"] = True

    def venue_and_address(self, raw_name: str, value: str) -> bool:
        """An entry with both ``address`` and ``location`` (and no ``venue``) is
        classic BibTeX's: ``address`` is the publisher's place, the one field every
        .bst prints, and ``location`` is where the event was, CSL ``event-place``
        (iridia's GECCO proceedings: ACM Press, New York, NY; held in Lisbon).
        biblatex would let ``location`` win and lose the publisher's place.
        Returns whether the field was read here; the writer gives both back as
        they were (``custom.biblatex["@venue"]``), and the place of the event as
        biblatex's ``venue`` when that mark is gone.
        """
        fields = self.entry.fields
        if (
            "address" not in fields
            or "location" not in fields
            or "venue" in fields
            or collapse_space(fields["address"]) == collapse_space(fields["location"])
        ):
            return False
        out = self.record.fields
        self.custom["@venue"] = "location"  # the writer gives both back as they were
        if raw_name == "address":
            out["publisher-place"] = decode(value, nocase=False).strip()
            # Kept as written too, as before, so that a child's own location is
            # not taken for one it inherits when the writer leaves those out.
            self.keep(raw_name, value, report=False)
        else:
            out["event-place"] = decode(value, nocase=False).strip()
        return True

    def is_biblatex(self) -> bool:
        """Whether the entry is written for biblatex (its lists split on "and")."""
        fields = self.entry.fields
        return (
            (
                "date" in fields
                or "journaltitle" in fields
                or "location" in fields
                or "langid" in fields
            )
            and "year" not in fields
            and "address" not in fields
        )

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
            self.warn(
                "bad-date",
                f"'{_abbreviate(text)}' is not an ISO 8601-2 (EDTF) date; kept as text",
                field=name,
            )
            parsed = Date(literal=decode(text, nocase=False))
        self.record.fields[variable] = parsed

    def year_month_day(self) -> None:
        fields = self.entry.fields
        year = decode(fields["year"], nocase=False) if "year" in fields else None
        month = fields.get("month")
        day = fields.get("day")
        date, problems = parse_year_month_day(
            year, decode(month, nocase=False) if month else None, day
        )
        if date is None:
            return
        if date.literal is not None:
            if any(ch.isdigit() for ch in date.literal):
                self.warn(
                    "bad-date",
                    f"year '{_abbreviate(date.literal)}' is not a year; kept as text",
                    field="year",
                )
            else:
                # "in press", "to appear": a publication state, not a date.
                self.record.fields["status"] = self.record.fields.get("status", date.literal)
                self.keep("year", fields["year"], report=False)
                return
        for problem in problems:
            if problem != "year":
                self.warn(
                    "bad-date",
                    f"{problem} '{_abbreviate(fields[problem])}' is not understood; kept in custom",
                    field=problem,
                )
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
        """``eprint`` by its ``eprinttype`` (or ``archiveprefix``): an identifier CSL has,
        and for arXiv, JSTOR, PubMed, HDL and Google Books the URL biblatex links
        to (when the entry has no ``url``), as pandoc builds it."""
        fields = self.entry.fields
        type_field = "eprinttype" if "eprinttype" in fields else "archiveprefix"
        eprinttype = fields.get(type_field, "").strip().lower()
        variable = bm.EPRINT_TYPES.get(eprinttype)
        text = collapse_space(value)
        template = bm.EPRINT_URLS.get(eprinttype)
        if template is not None and "url" not in fields and "URL" not in self.record.fields:
            url = template.format(text)
            self.record.fields["URL"] = url
            self.custom["@eprinturl"] = url  # the writer leaves out a URL eprint gives back
        if variable is not None and variable not in self.record.fields:
            self.record.fields[variable] = text
            self.custom["eprinttype"] = fields[type_field]
            self.custom["@eprint"] = variable
        else:
            self.keep("eprint", value, report=template is None)
            if type_field == "eprinttype" and "eprinttype" in fields:
                self.custom["eprinttype"] = fields["eprinttype"]

    def titles(self, t: dict[str, str], chapter_like: bool, btype: str) -> None:
        out = self.record.fields
        # Each title is joined only when its main part is there (_join gives
        # None without it): most entries have a title and one container.
        title = (
            _join(_join(t["title"], t.get("subtitle")), t.get("titleaddon"), ". ")
            if "title" in t
            else None
        )
        main = (
            _join(_join(t["maintitle"], t.get("mainsubtitle")), t.get("maintitleaddon"), ". ")
            if "maintitle" in t
            else None
        )
        book = (
            _join(_join(t["booktitle"], t.get("booksubtitle")), t.get("booktitleaddon"), ". ")
            if "booktitle" in t
            else None
        )
        journal = (
            _join(t["journaltitle"], t.get("journalsubtitle")) if "journaltitle" in t else None
        )
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
            if self.record.type in ("book", "report", "thesis", "pamphlet") or btype in (
                "proceedings",
                "collection",
                "reference",
            ):
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
                self.journal_container = True
                if not article:
                    self.custom["@container"] = "journaltitle"
        elif book and article and out.get("container-title") == book:
            self.custom["@container"] = "booktitle"
            self.journal_container = True  # an article's booktitle names its periodical
        if title:
            out["title"] = title
            if t.get("subtitle") and "title-short" not in out and t.get("title") and not main:
                out["title-short"] = t["title"]
                self.custom["@short"] = True


def _as_written(entry: RawEntry) -> Record:
    """A record that keeps an unconvertible entry: its type and fields as written."""
    record = Record(entry.key)
    record.custom[CUSTOM_KEY] = {"@type": entry.type, **entry.fields}
    return record


def expand_macros(value: str, strings: Iterable[String]) -> tuple[str, list[Diagnostic]]:
    """A field value as written (``jan # {~5}``) expanded with the given ``@string``
    blocks and the month macros, exactly as :func:`read` expands it, limits included.

    For edits of a file's text that must carry a value to another entry:
    macros defined after that entry would not expand there, so the caller
    passes only the ``@string`` blocks that come before it.  The diagnostics
    say what could not be expanded (an unknown macro, a budget exceeded).
    """
    reader = _Reader(None)
    extras: dict[str, Any] = {"strings": {}}
    for block in strings:
        reader.add_string(block, extras, None)
    return reader.expand(value), reader.diagnostics


def read(
    text: str,
    *,
    filename: str | None = None,
    sentence_case: bool = True,
    converted: ConvertedEntries | None = None,
) -> ReadResult:
    """Parse BibTeX/BibLaTeX text into a library of CSL records.

    English titles in title case are stored in sentence case, as CSL expects
    (:mod:`citekit.formats.sentencecase`); ``sentence_case=False`` keeps them
    as typed.  ``converted`` holds what an earlier read of the same file
    converted its entries into: an entry that has not changed since takes its
    record from there, and every entry is noted in it
    (:class:`~citekit.formats.readcache.ConvertedEntries`, :func:`entry_signature`).
    """
    with cycle_collection_paused():
        return _read(text, filename, sentence_case, converted)


def entry_signature(
    entry: RawEntry, sentence_case: bool, sources: dict[str, str] | None = None
) -> bytes | None:
    """What converting ``entry`` depends on, as a digest (None: the entry has no line).

    The conversion reads the entry's key, type, fields (names and values, in
    order, after macros and inheritance), its list of inherited fields and
    the parent each came from (``sources``), the lines of its fields
    (diagnostics name them), and the sentence-case option; nothing else of
    the file.  Lines are counted from the entry's
    start, so an entry that only moved keeps its signature.
    """
    line = entry.line
    if line is None:
        return None
    moved = tuple((name, at - line) for name, at in entry.field_lines.items())
    facts = (
        entry.key,
        entry.type,
        tuple(entry.fields.items()),
        moved,
        tuple(entry.inherited),
        tuple(sources.items()) if sources else (),
        sentence_case,
    )
    # marshal's first version writes every value by its type and contents alone
    # (no references, no interned flags): equal facts, equal bytes, in any process.
    return blake2b_digest(marshal.dumps(facts, 0), 16)


def _read(
    text: str, filename: str | None, sentence_case: bool, converted: ConvertedEntries | None
) -> ReadResult:
    """:func:`read`, with the cycle collector paused."""
    reader = _Reader(filename, macro_budget(text), sentence_case=sentence_case)
    entries, xdata, extras = reader.split(text)
    reader.resolve(entries, xdata)
    library = Library()
    lines: dict[str, int] = {}
    for entry in entries.values():
        line = entry.line
        if line is not None:
            lines[entry.key] = line
        signature = None
        if converted is not None and line is not None:
            signature = entry_signature(entry, sentence_case, reader.sources.get(entry.key))
            earlier = converted.recall(signature, line, filename) if signature else None
            if earlier is not None:
                library.add(earlier[0])
                reader.diagnostics.extend(earlier[1])
                continue
        mark = len(reader.diagnostics)
        try:
            record = reader.to_record(entry)
        except (LatexNestingError, RecursionError) as exc:
            del reader.diagnostics[mark:]  # about a conversion that did not happen
            reader.report(
                Severity.ERROR,
                "nesting-too-deep",
                f"cannot decode this entry's LaTeX ({exc or 'nested too deeply'}); "
                "it is kept with its fields as written",
                line=entry.line,
                key=entry.key,
            )
            record = _as_written(entry)
        except Exception as exc:  # one bad entry never takes the file with it
            del reader.diagnostics[mark:]
            reader.report(
                Severity.ERROR,
                "entry-error",
                f"cannot convert this entry ({type(exc).__name__}: "
                f"{_abbreviate(str(exc), 200)}); it is kept with its fields as "
                "written",
                line=entry.line,
                key=entry.key,
            )
            record = _as_written(entry)
        library.add(record)
        if signature is not None and converted is not None and line is not None:
            converted.note(signature, record, reader.diagnostics[mark:], line)
    if xdata:
        extras["xdata"] = {k: {"@type": "xdata", **e.fields} for k, e in xdata.items()}
    if any(extras.values()):
        library.extras["bibtex"] = {k: v for k, v in extras.items() if v}
    result = ReadResult(library, reader.diagnostics)
    result.lines.update(lines)
    return result


__all__ = [
    "CUSTOM_KEY",
    "MAX_INHERITANCE_DEPTH",
    "blank_entry_comments",
    "entry_signature",
    "expand_macros",
    "macro_budget",
    "read",
    "split_blocks",
]

"""bibtexparser's splitter and block model, loaded without the rest of bibtexparser.

The reader uses two of bibtexparser's modules: the splitter, which cuts a
.bib text into blocks (loaded only for a text the scanner below does not
read), and the model of those blocks.  Importing either the
ordinary way runs the package's ``__init__`` first, and that loads all of
bibtexparser's middlewares, its writer and pylatexenc (which citekit never
uses): about two thirds of what bibtexparser costs to import, paid by every
``citekit cite`` and ``citekit bib``.

:func:`_package_without_init` puts the package into ``sys.modules`` as an
empty package (its ``__path__`` set, its ``__init__`` not run yet), so the
two modules load alone.  The package stays a complete one for everybody
else: the first time anything asks it for a name it does not hold yet
(``bibtexparser.parse_string``, ``from bibtexparser import Library``), its
``__init__`` runs, once, in the same module object, and the answer is the
one an ordinary import gives.  Where bibtexparser is already imported, or
cannot be found, the imports below are the ordinary ones.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from types import ModuleType
from typing import Any

from citekit.base.patterns import lazy_pattern

_PACKAGE = "bibtexparser"


def _package_without_init() -> None:
    """Register bibtexparser as a package whose ``__init__`` runs when a missing name is asked."""
    if _PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # not installed as a package: the ordinary import reports it
    package = importlib.util.module_from_spec(spec)
    attribute, listing = _completers(package)
    package.__getattr__ = attribute  # type: ignore[method-assign]
    package.__dir__ = listing  # type: ignore[method-assign]
    sys.modules[_PACKAGE] = package


def _completers(package: ModuleType) -> tuple[Any, Any]:
    """The package's module ``__getattr__`` and ``__dir__``: run ``__init__`` once, then answer.

    ``__dir__`` too, so that ``dir(bibtexparser)`` lists what an ordinary
    import gives and not only the submodules loaded so far.
    """
    namespace = package.__dict__

    def complete() -> None:
        if namespace.get("__getattr__") is attribute:
            del namespace["__getattr__"], namespace["__dir__"]
            spec = package.__spec__
            assert spec is not None and spec.loader is not None
            spec.loader.exec_module(package)

    def attribute(name: str) -> Any:
        complete()
        try:
            return namespace[name]
        except KeyError:
            raise AttributeError(f"module {_PACKAGE!r} has no attribute {name!r}") from None

    def listing() -> list[str]:
        complete()
        return sorted(namespace)

    return attribute, listing


_package_without_init()

from bibtexparser.library import Library  # noqa: E402
from bibtexparser.model import (  # noqa: E402  (after the package is registered)
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

__all__ = [
    "Block",
    "DuplicateBlockKeyBlock",
    "DuplicateFieldKeyBlock",
    "Entry",
    "ExplicitComment",
    "Field",
    "ImplicitComment",
    "Library",
    "ParsingFailedBlock",
    "Preamble",
    "Splitter",
    "String",
    "scan_blocks",
]


# -- the fast path ------------------------------------------------------------
#
# bibtexparser's splitter walks from one "mark" to the next in Python: every
# brace, quote, comma, "=" and line break of the file (a mark is such a
# character not preceded by a backslash, or a block start ``@type`` before
# "{" or "(").  The scanner below reads the same grammar with compiled
# patterns that take a block start and its first fields in one match, and
# counts lines with ``str.count``.  It reads only what it is sure to read as
# bibtexparser does: well-formed blocks delimited by braces.  On anything
# else (a "(" delimiter, a block bibtexparser would abort, a brace nesting
# deeper than the patterns go, a line ending in a backslash, an "@" at the
# start of a line inside a block) it gives up, and the whole text goes
# through bibtexparser's own splitter.
#
# The patterns are "unrolled loops": a run of ordinary characters, then any
# number of (special item, run of ordinary characters).  A character after a
# backslash is no mark, so a backslash takes the character after it along.
# They are compiled on first use: a few milliseconds no start-up should pay.

# A block start, as bibtexparser's mark pattern has it.
_BLOCK_START = lazy_pattern(globals(), r"@\w*[ \t]*(?=[{(])")
# The block types that are no entries (bibtexparser tests the lowercased start).
_FREE_TEXT_TYPES = ("@comment", "@preamble", "@string")

_ESCAPE = r"\\+[\s\S]"
# A "{...}" group whose inner braces balance, up to this nesting depth
# (quotes are ordinary characters inside braces).
_MAX_DEPTH = 4


def _braced(depth: int) -> str:
    """Pattern of a balanced ``{...}`` group nesting at most ``depth`` more groups."""
    special = _ESCAPE if depth == 0 else _ESCAPE + "|" + _braced(depth - 1)
    run = r"[^{}\\]*+"
    return r"\{" + run + "(?:(?:" + special + ")" + run + r")*+\}"


_BRACED = _braced(_MAX_DEPTH)
# A quoted string in a value: braces inside it are ordinary characters.  It
# ends at a quote that is neither preceded by a backslash nor the middle of
# ``{"}`` (bibtexparser's escaped quote, unless the text ends with it: the
# scanner gives up on such a text, so that no pattern looks past a "}").
_QUOTED = r'"(?:[^"]++|(?<=\\)"|(?<=\{)"(?=\}))*+"'
# A key region (an entry's key, a field's name): text with no mark in it.
# "@" is left out entirely: an "@" there may be a block start, which
# bibtexparser reads as an error, so the scanner gives up on any.
_KEY = r'[^{}",=@\\]*+(?:\\++[^@\\][^{}",=@\\]*+)*+'
# A field value: text, quoted strings and braced groups up to the "," or
# "}" that ends it at depth 0.
_VALUE_RUN = r'[^{}",\\]*+'


def _value(depth: int) -> str:
    """Pattern of a field value whose braced groups nest at most ``depth`` deep."""
    special = "|".join((_ESCAPE, _QUOTED, _braced(depth - 1)))
    return _VALUE_RUN + "(?:(?:" + special + ")" + _VALUE_RUN + ")*+"


_VALUE = _value(_MAX_DEPTH + 1)
# How many fields one match takes: one call per entry for most entries.
_FIELDS_PER_MATCH = 8
# The fields of that match are the common ones: a name with no backslash, a
# value whose braces nest at most this deep.  The first field that is not
# ends the match, and it and the fields after it go through _MORE_FIELD.
# Compiling the pattern costs about in proportion to its length, and the
# full key and value patterns in each of the fields made it twice as long
# (about 3 ms a process instead of 1.5) for no faster scanning.
_FIELDS_DEPTH = 2
_PLAIN_NAME = r'[^{}",=@\\]*+'


def _fields(count: int) -> str:
    """Pattern of up to ``count`` common fields, each after the "," that ended the one before.

    Each field is three groups: name, value, and the "," or "}" after it;
    the groups of the fields that are not there are None.
    """
    field = "(" + _PLAIN_NAME + ")=(" + _value(_FIELDS_DEPTH) + ")([,}])"
    pattern = ""
    for _ in range(count):
        pattern = "(?:(?<=,)" + field + pattern + ")?"
    return pattern


# An entry after nothing but white space (nearly every block): its block
# start, its key, the "," (fields follow) or "}" after the key, and fields.
_NEXT_ENTRY = lazy_pattern(
    globals(), r"\s*+(@\w*[ \t]*)\{(" + _KEY + ")([,}])" + _fields(_FIELDS_PER_MATCH)
)
# One more field, after the "," of the last field a match took (entries with
# more fields than one match takes, or with a field it does not take, are
# few: one pattern of many fields more would cost more to compile than it
# saves).
_MORE_FIELD = lazy_pattern(globals(), "(" + _KEY + ")=(" + _VALUE + ")([,}])")
# What may follow the last field's ",": white space and the closing brace.
_ENTRY_END = lazy_pattern(globals(), r"\s*+\}")
# The body of a comment, preamble or string, from after its "{" to its
# closing brace (quotes are ordinary characters there): braces balance.
_BODY_TEXT = r"[^{}\\]*+(?:(?:" + _ESCAPE + "|" + _BRACED + r")[^{}\\]*+)*+"
_BODY = lazy_pattern(globals(), r"\{" + _BODY_TEXT + r"\}")
# A @string after nothing but white space: block start, name, value.
_NEXT_STRING = lazy_pattern(globals(), r"\s*+(@\w*[ \t]*)\{(" + _KEY + ")=(" + _BODY_TEXT + r")\}")
# An "@" at the start of a line: inside a block, bibtexparser may take it for
# the start of the next block and abort the one it reads.
_LINE_START_AT = lazy_pattern(globals(), r"\n\s*@")


class _GiveUp(Exception):
    """The scanner met something it does not read exactly as bibtexparser does."""


def scan_blocks(text: str) -> list[Block] | None:
    """The blocks bibtexparser's :class:`Splitter` splits ``text`` into, or None.

    None means the scanner gave up on the text (see the comment above); the
    blocks it returns otherwise equal bibtexparser's, duplicates included.
    """
    library = _scan_library("\n" + text)
    return None if library is None else library.blocks


def _scan_library(bibstr: str) -> Library | None:
    """bibtexparser's library of ``bibstr`` (the text after a line break), or None."""
    if "\\\n" in bibstr or bibstr.endswith('{"}'):  # see _QUOTED
        return None
    try:
        blocks = _Scanner(bibstr).blocks()
    except _GiveUp:
        return None
    library = Library()
    library.add(blocks, fail_on_duplicate_key=False)  # duplicate keys, as bibtexparser finds them
    return library


class _Scanner:
    """One pass over a text, block by block; line numbers as bibtexparser counts them.

    Positions are in ``bibstr``, the text after the line break bibtexparser
    puts before it; the line of a position is the number of line breaks
    before it, less one.  Entries after white space take the inlined path
    of :meth:`blocks`; everything else (text between blocks, comments,
    preambles, strings) goes through :meth:`_other`.
    """

    def __init__(self, bibstr: str) -> None:
        self.bibstr = bibstr
        self.found: list[Block] = []
        self._line = -1
        self._line_pos = 0

    def line_at(self, pos: int) -> int:
        """Line of ``pos``, which is never before the last position asked."""
        self._line += self.bibstr.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line

    def blocks(self) -> list[Block]:
        """Every block in order: blocks, and the text between them as implicit comments."""
        bibstr = self.bibstr
        append = self.found.append
        next_entry = _NEXT_ENTRY.match
        after = 0  # where the text after the last block starts
        while after >= 0:
            head = next_entry(bibstr, after)
            mark = "" if head is None else head.group(1).lower()
            if head is None or mark.startswith(_FREE_TEXT_TYPES):
                after = self._other(after)
                continue
            groups = head.groups()
            at, opening = head.span(1)
            line = self.line_at(at)
            key = groups[1]
            fields: list[Field] = []
            close, unique = self._fields(groups, head.end(), line + key.count("\n"), fields)
            self._no_block_start_inside(opening, close)
            entry = Entry(mark[1:].strip(), key.strip(), fields, line, bibstr[at : close + 1])
            append(entry if unique else _duplicate_fields(entry))
            after = close + 1
        return self.found

    def _fields(
        self, groups: tuple[str | Any, ...], end: int, line: int, fields: list[Field]
    ) -> tuple[int, bool]:
        """Read an entry's fields into ``fields``: its closing brace, and whether no name repeats.

        ``groups`` are those of the entry's :data:`_NEXT_ENTRY` match, which
        ends at ``end``; ``line`` is the line of the "," after the key.  A
        field's line is that of its "=", as in bibtexparser.
        """
        names: set[str] = set()
        add = names.add
        append = fields.append
        after = groups[2]
        taken = groups[3:]
        while True:
            # The groups of the fields the match took: name, value, "," or "}"; then Nones.
            size = len(taken) if taken[-3] is not None else taken.index(None)
            for name, value in zip(taken[0:size:3], taken[1:size:3], strict=True):
                line += name.count("\n")
                name = name.strip()
                add(name)
                append(Field(name, value.strip(), line))
                if "\n" in value:
                    line += value.count("\n")
            if size:
                after = taken[size - 1]
            if after == "}":
                return end - 1, len(names) == len(fields)
            if size < len(taken):
                # The match stopped early: at the end of the entry (after a
                # trailing ","), mostly, or at a field it does not take.
                closing = _ENTRY_END.match(self.bibstr, end)
                if closing is not None:
                    return closing.end() - 1, len(names) == len(fields)
            more = _MORE_FIELD.match(self.bibstr, end)
            if more is None:
                break
            taken, end = more.groups(), more.end()
        closing = _ENTRY_END.match(self.bibstr, end)
        if closing is None:
            raise _GiveUp
        return closing.end() - 1, len(names) == len(fields)

    def _other(self, after: int) -> int:
        """Read what follows ``after`` up to an entry; where to go on, or -1 at the end.

        That is the text up to the next block start (an implicit comment
        unless only white space), and the block if it is no entry.  An entry
        is left to :meth:`blocks`, which must then read it.  :data:`_NEXT_STRING`
        is only tried at a @string: a file without any need not compile it.
        """
        bibstr = self.bibstr
        start = _BLOCK_START.search(bibstr, after)
        self._implicit_comment(after, len(bibstr) if start is None else start.start())
        if start is None:
            return -1
        at = start.start()
        mark = start.group().lower()
        if not mark.startswith(_FREE_TEXT_TYPES):
            if _NEXT_ENTRY.match(bibstr, at) is None:
                raise _GiveUp  # "(" delimits it, or its key holds a mark or an "@"
            return at
        if mark.startswith("@string"):
            string = _NEXT_STRING.match(bibstr, at)
            if string is None:
                raise _GiveUp
            return self._string(string)
        opening = start.end()
        body = _BODY.match(bibstr, opening)
        if body is None:
            raise _GiveUp  # "(" delimits it, or its braces do not balance
        close = body.end() - 1
        self._no_block_start_inside(opening, close)
        line = self.line_at(at)
        raw = bibstr[at : close + 1]
        text = bibstr[opening + 1 : close]
        if mark.startswith("@comment"):
            self.found.append(ExplicitComment(start_line=line, comment=text.strip(), raw=raw))
        else:
            self.found.append(Preamble(start_line=line, value=text, raw=raw))
        return close + 1

    def _string(self, string: re.Match[str]) -> int:
        """Read the @string block of a :data:`_NEXT_STRING` match; where to go on."""
        at, opening = string.span(1)
        close = string.end() - 1
        self._no_block_start_inside(opening, close)
        block = String(
            start_line=self.line_at(at),
            key=string.group(2).strip(),
            value=string.group(3).strip(),
            raw=self.bibstr[at : close + 1],
        )
        self.found.append(block)
        return close + 1

    def _no_block_start_inside(self, opening: int, close: int) -> None:
        """Give up if the block from ``opening`` to ``close`` has an "@" at a line start."""
        if _LINE_START_AT.search(self.bibstr, opening, close) is not None:
            raise _GiveUp

    def _implicit_comment(self, begin: int, end: int) -> None:
        """The text between two blocks, stripped, unless it is only white space."""
        gap = self.bibstr[begin:end]
        comment = gap.strip()
        if comment:
            first = self.line_at(begin + len(gap) - len(gap.lstrip()))
            self.found.append(ImplicitComment(start_line=first, raw=comment, comment=comment))


def _duplicate_fields(entry: Entry) -> DuplicateFieldKeyBlock:
    """The block bibtexparser wraps an entry in where a field name repeats."""
    names = [field.key for field in entry.fields]
    repeated = {name for name in names if names.count(name) > 1}
    return DuplicateFieldKeyBlock(duplicate_keys=repeated, entry=entry)


# Texts shorter than this go to bibtexparser's splitter: compiling the
# scanner's patterns (about 2 ms) costs about what bibtexparser takes for
# 25,000 characters more than the scanner does, which a process reading only
# short texts would not win back.  (A process that reads none with
# bibtexparser also saves loading its splitter and logging, 2-3 ms.)
_SCAN_FROM = 25_000


class Splitter:
    """bibtexparser's splitter, which reads long texts with a faster scanner.

    :meth:`split` returns the library bibtexparser's ``Splitter(bibstr).split()``
    returns (the same blocks, keys, values, raw texts and line numbers): from
    the scanner of :func:`scan_blocks` for a text of :data:`_SCAN_FROM`
    characters or more, unless it gives up; from bibtexparser's own
    splitting otherwise.
    """

    def __init__(self, bibstr: str) -> None:
        self.text = bibstr
        self.bibstr = "\n" + bibstr  # as bibtexparser's splitter has it: a line break first

    def split(self) -> Library:
        """The text's blocks in a new library, as bibtexparser splits them."""
        if len(self.bibstr) >= _SCAN_FROM:
            library = _scan_library(self.bibstr)
            if library is not None:
                return library
        return _bibtexparser_split(self.text)


def _bibtexparser_split(bibstr: str) -> Library:
    """bibtexparser's own splitting of ``bibstr``, its warnings kept quiet.

    bibtexparser logs a warning for each block it cannot read; the reader
    reports those blocks as its own diagnostics, so only bibtexparser's
    errors may reach the log, whatever level its logger had (``tidy`` sets
    and restores it around a split).  Its splitter module, and
    :mod:`logging` that it imports (2-3 ms), load here, on first use: a
    process whose texts the scanner reads never needs them.
    """
    import logging

    from bibtexparser.splitter import Splitter as BibtexparserSplitter

    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    return BibtexparserSplitter(bibstr).split()

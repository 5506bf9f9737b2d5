"""Markdown's block structure, as :mod:`citekit.markdown_lite` reads it.

Paragraphs, ATX headings, code, block quotes, lists, pipe tables, footnote
definitions and pandoc's fenced divs, parsed into the small tree
(:class:`Block`, :class:`Inline`) that the HTML and text writers share.
The inline syntax inside the blocks is not this module's business: the
parser that reads it is passed in (:func:`citekit.markdown_lite.parse_inlines`),
so imports run one way, from the inline reader and the writers to here.

Every container keeps one body line per source line (a quote drops its
``>``, a list item its indent), which is what lets :func:`table_row_lines`
say which source lines are table rows with the parser's own test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------
# Tree
# ---------------------------------------------------------------------------


@dataclass
class Inline:
    """An inline node: ``kind`` is text, code, em, strong, link, span, sup, sub, noteref, br."""

    kind: str
    text: str = ""
    children: list[Inline] = field(default_factory=list)
    target: str = ""
    classes: tuple[str, ...] = ()
    ident: str = ""


@dataclass
class Block:
    """A block: para, heading, code, quote, list, item, div, rule, table.

    A list knows whether it is ``loose`` (its items' paragraphs are ``<p>``)
    and the ``start`` of an ordered list; a table has ``rows`` of cells
    (the header row first) and one alignment per column (``left``,
    ``center``, ``right`` or ``""``).  ``blank_before`` records a blank line
    in front of the block, which is what makes a list loose.
    """

    kind: str
    inlines: list[Inline] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)
    text: str = ""
    level: int = 0
    ordered: bool = False
    ident: str = ""
    classes: tuple[str, ...] = ()
    start: int = 1
    loose: bool = False
    rows: list[list[list[Inline]]] = field(default_factory=list)
    aligns: tuple[str, ...] = ()
    blank_before: bool = False


@dataclass
class Document:
    blocks: list[Block]
    notes: dict[str, list[Block]]


MAX_NESTING = 32
"""Deeper nested blocks (lists, quotes, divs) or inlines (emphasis, links) stay text,
so that no input can exhaust Python's recursion limit."""


def parse_attributes(text: str) -> tuple[str, tuple[str, ...]]:
    """Pandoc's ``{#id .class}`` attributes (of headings, divs and spans): id and classes."""
    ident = ""
    classes: list[str] = []
    for word in text.split():
        if word.startswith("#"):
            ident = word[1:]
        elif word.startswith("."):
            classes.append(word[1:])
    return ident, tuple(classes)


# ---------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*(?:\{([^{}]*)\})?[ \t]*$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^(:{3,})[ \t]*(?:\{([^{}]*)\}|([\w-]+))?[ \t]*:*[ \t]*$")
_NOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]?(.*)$")
_MARKER = re.compile(r"( {0,3})(?:([-+*])|(\d{1,9})([.)]))(?= |$)")
_RULE = re.compile(r"^(?:\*[ \t]*){3,}$|^(?:-[ \t]*){3,}$|^(?:_[ \t]*){3,}$")
_DELIMITER_CELL = re.compile(r":?-+:?")


def _dedent(line: str, width: int = 4) -> str:
    if line.startswith("\t"):
        return line[1:]
    stripped = len(line) - len(line.lstrip(" "))
    return line[min(width, stripped):]


InlineParser = Callable[[str], list[Inline]]
"""Reads the inline Markdown of a paragraph, heading or table cell."""


@dataclass(frozen=True, slots=True)
class _Context:
    """What every level of the block parser shares.

    ``notes`` collects footnote definitions wherever they stand;
    ``tables`` the source lines of every pipe table found, as
    ``range(first, end)``.
    """

    inlines: InlineParser
    notes: dict[str, list[Block]] = field(default_factory=dict)
    tables: list[range] = field(default_factory=list)


def parse_blocks(text: str, inlines: InlineParser) -> Document:
    """A Markdown text as a :class:`Document`, its inline text read by ``inlines``."""
    context = _Context(inlines)
    blocks = _parse_blocks(text.split("\n"), context, first_line=0)
    return Document(blocks, context.notes)


def table_row_lines(text: str) -> frozenset[int]:
    """The (0-based) lines of ``text`` that are rows of a pipe table.

    Header, delimiter and body rows, at any depth (in quotes, lists, divs
    and notes too), by the test the parser itself uses: a line is a row
    exactly when the document's HTML has it as one.
    """
    context = _Context(lambda _text: [])
    _parse_blocks(text.split("\n"), context, first_line=0)
    return frozenset(line for rows in context.tables for line in rows)


def _parse_blocks(lines: list[str], context: _Context, *, first_line: int,
                  in_item: bool = False, depth: int = 0) -> list[Block]:
    """Blocks of a run of lines; ``in_item``: inside a list item, where a list
    marker ends a paragraph (a sublist), while at the top a paragraph runs on
    through one, as in pandoc's Markdown.  ``first_line`` is the source line
    of ``lines[0]``."""
    blocks: list[Block] = []
    blank = False
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            blank = True
            i += 1
            continue
        count = len(blocks)
        i = _parse_block(lines, i, context, blocks, in_item, depth, first_line)
        if len(blocks) > count:
            blocks[count].blank_before = blank
            blank = False
    return blocks


def _parse_block(lines: list[str], i: int, context: _Context, blocks: list[Block],
                 in_item: bool, depth: int, first_line: int) -> int:
    """Parse the (non-blank) block starting at line ``i`` into ``blocks``; the next line's index."""
    line = lines[i]
    stripped = line.strip()
    fence = _FENCE.match(stripped)
    if fence and not line.startswith("    "):
        marker = fence.group(1)
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(marker):
            body.append(lines[i])
            i += 1
        blocks.append(Block("code", text="\n".join(body)))
        return i + 1
    if line.startswith(("    ", "\t")):
        body = []
        while i < len(lines) and (lines[i].startswith(("    ", "\t")) or not lines[i].strip()):
            body.append(_dedent(lines[i]))
            i += 1
        while body and not body[-1].strip():
            body.pop()
            i -= 1  # trailing blank lines belong to what follows
        blocks.append(Block("code", text="\n".join(body)))
        return i
    nested = depth < MAX_NESTING  # containers deeper than this are read as text
    div = _DIV_OPEN.match(stripped)
    if nested and div and (div.group(2) is not None or div.group(3)):
        open_divs = 1
        body = []
        i += 1
        body_line = first_line + i
        while i < len(lines):
            inner = lines[i].strip()
            opening = _DIV_OPEN.match(inner)
            if opening and (opening.group(2) is not None or opening.group(3)):
                open_divs += 1
            elif re.fullmatch(r":{3,}", inner):
                open_divs -= 1
                if open_divs == 0:
                    break
            body.append(lines[i])
            i += 1
        ident, classes = parse_attributes(div.group(2) or "")
        if div.group(3):
            classes = (div.group(3),)
        blocks.append(Block("div", children=_parse_blocks(
            body, context, first_line=body_line, depth=depth + 1), ident=ident, classes=classes))
        return i + 1
    heading = _HEADING.match(line)
    if heading:
        ident, classes = parse_attributes(heading.group(3) or "")
        blocks.append(Block("heading", context.inlines(heading.group(2)),
                            level=len(heading.group(1)), ident=ident, classes=classes))
        return i + 1
    if _RULE.match(stripped):
        blocks.append(Block("rule"))
        return i + 1
    note = _NOTE_DEF.match(line)
    if nested and note:
        body_line = first_line + i
        body = [note.group(2)]
        i += 1
        while i < len(lines) and (lines[i].startswith(("    ", "\t"))
                                  or (not lines[i].strip() and i + 1 < len(lines)
                                      and lines[i + 1].startswith(("    ", "\t")))
                                  or (lines[i].strip() and body[-1].strip()
                                      and not _starts_block(lines[i]))):
            body.append(_dedent(lines[i]))
            i += 1
        context.notes.setdefault(note.group(1), _parse_blocks(
            body, context, first_line=body_line, depth=depth + 1))
        return i
    if nested and line.startswith(">"):
        body_line = first_line + i
        body = []
        while i < len(lines) and lines[i].strip() and lines[i].startswith(">"):
            body.append(re.sub(r"^> ?", "", lines[i]))
            i += 1
        blocks.append(Block("quote", children=_parse_blocks(
            body, context, first_line=body_line, depth=depth + 1)))
        return i
    if nested and _list_marker(line) is not None:
        block, i = _parse_list(lines, i, context, depth, first_line)
        blocks.append(block)
        return i
    table = _parse_table(lines, i, context.inlines)
    if table is not None:
        context.tables.append(range(first_line + i, first_line + table[1]))
        blocks.append(table[0])
        return table[1]
    body = []
    while i < len(lines) and lines[i].strip() and not (body and (
            _starts_block(lines[i]) or (in_item and _list_marker(lines[i]) is not None))):
        body.append(lines[i].strip() if not lines[i].endswith("  ") else lines[i].lstrip())
        i += 1
    blocks.append(Block("para", context.inlines("\n".join(body))))
    return i


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return bool(_HEADING.match(line) or _FENCE.match(stripped) or _NOTE_DEF.match(line)
                or line.startswith(">") or re.fullmatch(r":{3,}.*", stripped))


# ---------------------------------------------------------------------------
# Lists (CommonMark: an item's content column decides what belongs to it)
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Marker:
    """A list item's first line: its kind, number and content column."""

    kind: str  # the bullet (``-``, ``+``, ``*``) or the delimiter after a number (``.``, ``)``)
    ordered: bool
    number: int
    width: int  # lines indented this far belong to the item
    content: str


def _list_marker(line: str) -> _Marker | None:
    """The list marker opening ``line`` (indented 0-3 spaces), or None.

    The content column is the marker's end plus the 1-4 spaces after it;
    with five or more the content is indented code and the column is one
    space past the marker; an empty item also takes one space.
    """
    expanded = line.expandtabs(4)
    match = _MARKER.match(expanded)
    if match is None or _RULE.match(expanded.strip()):
        return None
    rest = expanded[match.end():]
    spaces = len(rest) - len(rest.lstrip(" "))
    if not rest.strip() or spaces > 4:
        width, content = match.end() + 1, rest[1:]
    else:
        width, content = match.end() + spaces, rest[spaces:]
    if match.group(2):
        return _Marker(match.group(2), False, 1, width, content)
    return _Marker(match.group(4), True, int(match.group(3)), width, content)


def _parse_list(lines: list[str], i: int, context: _Context, depth: int,
                first_line: int) -> tuple[Block, int]:
    """A list from line ``i``: items of the same marker kind, nested lists inside."""
    first = _list_marker(lines[i])
    assert first is not None
    items: list[Block] = []
    loose = False
    while i < len(lines):
        marker = _list_marker(lines[i])
        if marker is None or (marker.kind, marker.ordered) != (first.kind, first.ordered):
            break
        body_line = first_line + i
        body = [marker.content]
        in_fence = bool(_FENCE.match(marker.content.strip()))
        i += 1
        while i < len(lines):
            line = lines[i].expandtabs(4)
            if not line.strip():
                body.append("")
            elif len(line) - len(line.lstrip(" ")) >= marker.width:
                body.append(line[marker.width:])
                in_fence ^= bool(_FENCE.match(body[-1].strip()))
            elif (body[-1].strip() and not in_fence and not _HEADING.match(body[-1])
                  and _list_marker(line) is None and not _starts_block(line)
                  and not _RULE.match(line.strip())):
                body.append(line)  # a lazy line: it continues the item's last paragraph
            else:
                break
            i += 1
        trailing = 0
        while len(body) > 1 and not body[-1].strip():
            body.pop()
            trailing += 1
        children = _parse_blocks(body, context, first_line=body_line, in_item=True,
                                 depth=depth + 1)
        loose = loose or any(child.blank_before for child in children[1:])
        items.append(Block("item", children=children))
        if trailing:
            following = _list_marker(lines[i]) if i < len(lines) else None
            if following is not None and (following.kind, following.ordered) == (
                    first.kind, first.ordered):
                loose = True
            else:
                i -= trailing  # the blank lines separate the list from what follows
                break
    return Block("list", children=items, ordered=first.ordered, start=first.number,
                 loose=loose), i


# ---------------------------------------------------------------------------
# Pipe tables (GitHub's): a header row, a delimiter row, body rows
# ---------------------------------------------------------------------------


def _split_row(line: str) -> list[str]:
    """A table row's cells: split on unescaped ``|``, ``\\|`` kept as a pipe."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells: list[str] = []
    current: list[str] = []
    j = 0
    while j < len(text):
        if text.startswith("\\|", j):
            current.append("|")
            j += 2
            continue
        if text[j] == "\\" and j + 1 < len(text):
            current.append(text[j:j + 2])
            j += 2
            continue
        if text[j] == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(text[j])
        j += 1
    cells.append("".join(current).strip())
    return cells


def _alignment(cell: str) -> str:
    left, right = cell.startswith(":"), cell.endswith(":")
    return "center" if left and right else "left" if left else "right" if right else ""


def _parse_table(lines: list[str], i: int, inlines: InlineParser,
                 ) -> tuple[Block, int] | None:
    """A pipe table at line ``i``, or None.

    The delimiter row needs a ``|`` and as many cells as the header; body
    rows run to a blank line, a line without a ``|`` or another block (as
    pandoc reads GitHub Markdown), get empty cells when short and lose
    extra ones.
    """
    if i + 1 >= len(lines) or "|" not in lines[i] or "|" not in lines[i + 1]:
        return None
    header = _split_row(lines[i])
    delimiter = _split_row(lines[i + 1])
    if len(header) != len(delimiter) or not all(
            _DELIMITER_CELL.fullmatch(cell) for cell in delimiter):
        return None
    width = len(header)
    rows = [header]
    i += 2
    while i < len(lines) and lines[i].strip() and "|" in lines[i] \
            and not _starts_block(lines[i]):
        cells = _split_row(lines[i])
        rows.append((cells + [""] * width)[:width])
        i += 1
    return Block("table", rows=[[inlines(cell) for cell in row] for row in rows],
                 aligns=tuple(_alignment(cell) for cell in delimiter)), i


__all__ = ["MAX_NESTING", "Block", "Document", "Inline", "InlineParser", "parse_attributes",
           "parse_blocks", "table_row_lines"]

"""Just enough Markdown for rendered documents: HTML and plain text out.

``citekit render --to html|text`` has to show a whole document, not only its
citations.  A full Markdown implementation is a dependency of its own; the
documents citekit renders need paragraphs, ATX headings, emphasis, links,
code, block quotes, lists, pipe tables, footnotes, pandoc's fenced divs and
bracketed spans (``[x]{.smallcaps}``, which the citation serialiser emits)
and super/subscripts.  Everything else passes through as text, escaped.

Lists follow CommonMark: an item owns the lines indented to its content
column (2-4 spaces after a bullet, 3+ after ``1.``), so lists nest; blank
lines between items or between an item's blocks make the list loose (``<p>``
in its items).  Pipe tables follow GitHub Markdown (header, delimiter row
with ``:`` alignments, ``\\|`` for a pipe in a cell).  Where pandoc's
readers and the specs part ways, this follows pandoc, which reads these
documents too: a list or table does not interrupt a paragraph at the top
level, and a table ends at a line without a ``|``.  The HTML is written the
way pandoc writes it.

The parser builds a small tree (:class:`Block` and inline nodes) so that the
HTML and text writers agree on the structure; the block structure is read in
:mod:`citekit.markdown_blocks`, the inline syntax here; footnotes are numbered by
their first reference, as pandoc does.  Nesting deeper than
:data:`MAX_NESTING` is read as text, so no input exhausts the recursion limit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from html import escape

from citekit.markdown_blocks import (
    MAX_NESTING,
    Block,
    Document,
    Inline,
    parse_attributes,
    parse_blocks,
    table_row_lines,
)

# ---------------------------------------------------------------------------
# Inlines
# ---------------------------------------------------------------------------

_ESCAPABLE = set("\\`*_{}[]()#+-.!<>|~^@$\"'&:;,/=?%")
_ATTRS = re.compile(r"\{([^{}]*)\}")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>")
_BACKTICKS = re.compile(r"`+")


def _backtick_run(text: str, i: int) -> int:
    match = _BACKTICKS.match(text, i)
    return len(match.group()) if match else 0


class _Brackets:
    """Matching ``]`` for each ``[`` of one text, found once.

    A scan from one ``[`` also settles every ``[`` it passes (the scan is
    the same from there on), so a text of ``[`` is read once, not once per
    bracket.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.known: dict[int, int] = {}
        self._closers: dict[str, list[int]] = {}

    def closing(self, start: int) -> int:
        """Index of the ``]`` matching the ``[`` at ``start``, or -1."""
        found = self.known.get(start)
        if found is not None:
            return found
        text = self.text
        opened: list[int] = []
        i = start
        while i < len(text):
            char = text[i]
            if char == "\\":
                i += 2
                continue
            if char == "`":
                run = _backtick_run(text, i)
                end = text.find("`" * run, i + run)
                i = end + run if end >= 0 else i + run
                continue
            if char == "[":
                known = self.known.get(i)
                if known is not None and i != start:
                    if known < 0:
                        break
                    i = known + 1
                    continue
                opened.append(i)
            elif char == "]":
                self.known[opened.pop()] = i
                if not opened:
                    return i
            i += 1
        for position in opened:
            self.known[position] = -1
        return -1

    def may_close(self, start: int, marker: str) -> bool:
        """Whether ``marker`` occurs after ``start`` where it could close emphasis."""
        positions = self._closers.get(marker)
        if positions is None:
            text = self.text
            positions = [i for i in range(1, len(text))
                         if text.startswith(marker, i) and not text[i - 1].isspace()]
            self._closers[marker] = positions
        return bool(positions) and positions[-1] > start


def _delimited(text: str, start: int, marker: str, brackets: _Brackets | None = None) -> int:
    """End index of an emphasis run opened by ``marker`` at ``start``, or -1."""
    brackets = brackets or _Brackets(text)
    i = start + len(marker)
    if i >= len(text) or text[i].isspace() or not brackets.may_close(start, marker):
        return -1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "`":
            end = text.find("`", i + 1)
            i = end + 1 if end >= 0 else i + 1
            continue
        if text[i] == "[":
            end = brackets.closing(i)
            if end > 0:
                i = end + 1
                continue
        if text.startswith(marker, i) and not text[i - 1].isspace():
            if len(marker) == 1 and text.startswith(marker * 2, i):
                # ``*a **b** c*``: skip a nested strong run
                inner = _delimited(text, i, marker * 2, brackets)
                if inner > 0:
                    i = inner + 2
                    continue
            if marker[0] == "_" and i + len(marker) < len(text) \
                    and text[i + len(marker)].isalnum():
                i += 1
                continue
            return i
        i += 1
    return -1


def parse_inlines(text: str, depth: int = 0) -> list[Inline]:
    """Inline Markdown to nodes (unknown syntax stays literal)."""
    if depth > MAX_NESTING:
        return [Inline("text", text)]
    brackets = _Brackets(text)
    out: list[Inline] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            out.append(Inline("text", "".join(buffer)))
            buffer.clear()

    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            if text[i + 1] == "\n":
                flush()
                out.append(Inline("br"))
                i += 2
                continue
            if text[i + 1] in _ESCAPABLE:
                buffer.append(text[i + 1])
                i += 2
                continue
        if char == "`":
            run = _backtick_run(text, i)
            end = text.find("`" * run, i + run)
            if end >= 0:
                flush()
                out.append(Inline("code", text[i + run:end].strip()))
                i = end + run
                continue
            buffer.append("`" * run)
            i += run
            continue
        if char == "<":
            match = _AUTOLINK.match(text, i)
            if match:
                flush()
                url = match.group(1)
                out.append(Inline("link", target=url, children=[Inline("text", url)]))
                i = match.end()
                continue
        if char == "[":
            node, end = _bracketed(text, i, brackets, depth)
            if node is not None:
                flush()
                out.append(node)
                i = end
                continue
        if char in "*_":
            marker = char * 2 if text.startswith(char * 2, i) else char
            if char == "_" and i > 0 and text[i - 1].isalnum():
                buffer.append(char)
                i += 1
                continue
            end = _delimited(text, i, marker, brackets)
            if end < 0 and len(marker) == 2:
                marker = char
                end = _delimited(text, i, marker, brackets)
            if end > 0:
                flush()
                kind = "strong" if len(marker) == 2 else "em"
                out.append(Inline(kind, children=parse_inlines(text[i + len(marker):end],
                                                                depth + 1)))
                i = end + len(marker)
                continue
        if char in "^~" and not text.startswith(char * 2, i):
            end = text.find(char, i + 1)
            inner = text[i + 1:end] if end > 0 else ""
            if inner and not any(c.isspace() for c in inner.replace("\\ ", "")):
                flush()
                kind = "sup" if char == "^" else "sub"
                out.append(Inline(kind, children=parse_inlines(inner.replace("\\ ", " "),
                                                                depth + 1)))
                i = end + 1
                continue
        if char == "\n":
            buffer.append(" " if not text.startswith("  \n", i - 2) else "")
            if text.startswith("  \n", i - 2):
                flush()
                out.append(Inline("br"))
            i += 1
            continue
        buffer.append(char)
        i += 1
    flush()
    return out


def _bracketed(text: str, start: int, brackets: _Brackets,
               depth: int) -> tuple[Inline | None, int]:
    """A link, bracketed span or footnote reference starting at ``[``."""
    if text.startswith("[^", start):
        end = text.find("]", start)
        label = text[start + 2:end] if end > 0 else ""
        if label and not any(c.isspace() for c in label):
            return Inline("noteref", label), end + 1
        return None, start
    end = brackets.closing(start)
    if end < 0:
        return None, start
    label = text[start + 1:end]
    rest = end + 1
    if text.startswith("(", rest):
        close = text.find(")", rest)
        if close > 0:
            target = text[rest + 1:close].strip().split(" ", 1)[0].strip("<>")
            return (Inline("link", target=target, children=parse_inlines(label, depth + 1)),
                    close + 1)
    if text.startswith("{", rest):
        attrs = _ATTRS.match(text, rest)
        if attrs:
            ident, classes = parse_attributes(attrs.group(1))
            return (Inline("span", children=parse_inlines(label, depth + 1), classes=classes,
                           ident=ident),
                    attrs.end())
    return None, start


def parse(text: str) -> Document:
    """A Markdown text as a :class:`Document`."""
    return parse_blocks(text, parse_inlines)


# ---------------------------------------------------------------------------
# Note numbering
# ---------------------------------------------------------------------------


def _note_order(document: Document) -> list[str]:
    """Footnote labels in order of first reference (notes referenced in notes follow).

    Depth first with an explicit stack: notes may reference notes in a chain
    longer than Python's recursion limit.
    """
    order: list[str] = []
    seen: set[str] = set()
    stack: list[Iterator[Inline | Block]] = [iter(document.blocks)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif isinstance(node, Block):
            cells = (inline for row in node.rows for cell in row for inline in cell)
            stack.append(itertools.chain(node.inlines, cells, node.children))
        else:
            stack.append(iter(node.children))
            if node.kind == "noteref" and node.text in document.notes \
                    and node.text not in seen:
                seen.add(node.text)
                order.append(node.text)
                stack.append(iter(document.notes[node.text]))
    return order


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def _attrs_html(ident: str, classes: tuple[str, ...]) -> str:
    out = f' id="{escape(ident)}"' if ident else ""
    if classes:
        out += f' class="{escape(" ".join(classes))}"'
    return out


def _inlines_html(nodes: list[Inline], numbers: dict[str, int]) -> str:
    parts: list[str] = []
    for node in nodes:
        inner = _inlines_html(node.children, numbers)
        if node.kind == "text":
            parts.append(escape(node.text, quote=False))
        elif node.kind == "code":
            parts.append(f"<code>{escape(node.text, quote=False)}</code>")
        elif node.kind == "em":
            parts.append(f"<em>{inner}</em>")
        elif node.kind == "strong":
            parts.append(f"<strong>{inner}</strong>")
        elif node.kind == "sup":
            parts.append(f"<sup>{inner}</sup>")
        elif node.kind == "sub":
            parts.append(f"<sub>{inner}</sub>")
        elif node.kind == "br":
            parts.append("<br />")
        elif node.kind == "link":
            parts.append(f'<a href="{escape(node.target)}">{inner}</a>')
        elif node.kind == "span":
            css = ""
            if "smallcaps" in node.classes:
                css = ' style="font-variant: small-caps;"'
            elif "underline" in node.classes:
                css = ' style="text-decoration: underline;"'
            parts.append(f"<span{_attrs_html(node.ident, node.classes)}{css}>{inner}</span>")
        elif node.kind == "noteref":
            number = numbers.get(node.text)
            if number is None:
                parts.append(escape(f"[^{node.text}]", quote=False))
            else:
                parts.append(f'<a href="#fn{number}" class="footnote-ref" id="fnref{number}" '
                             f'role="doc-noteref"><sup>{number}</sup></a>')
    return "".join(parts)


def _blocks_html(blocks: list[Block], numbers: dict[str, int]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        inner = _inlines_html(block.inlines, numbers)
        if block.kind == "para":
            out.append(f"<p>{inner}</p>")
        elif block.kind == "heading":
            tag = f"h{block.level}"
            out.append(f"<{tag}{_attrs_html(block.ident, block.classes)}>{inner}</{tag}>")
        elif block.kind == "code":
            out.append(f"<pre><code>{escape(block.text, quote=False)}</code></pre>")
        elif block.kind == "rule":
            out.append("<hr />")
        elif block.kind == "quote":
            out.append("<blockquote>\n" + "\n".join(_blocks_html(block.children, numbers))
                       + "\n</blockquote>")
        elif block.kind == "list":
            tag = "ol" if block.ordered else "ul"
            start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
            items = [_item_html(item, numbers, block.loose) for item in block.children]
            out.append(f"<{tag}{start}>\n" + "\n".join(items) + f"\n</{tag}>")
        elif block.kind == "table":
            out.append(_table_html(block, numbers))
        elif block.kind == "div":
            out.append(f"<div{_attrs_html(block.ident, block.classes)}>\n"
                       + "\n".join(_blocks_html(block.children, numbers)) + "\n</div>")
    return out


def _item_html(item: Block, numbers: dict[str, int], loose: bool) -> str:
    """An item as pandoc writes it: a tight list's paragraphs without ``<p>``."""
    parts: list[str] = []
    for child in item.children:
        if child.kind == "para" and not loose:
            parts.append(_inlines_html(child.inlines, numbers))
        else:
            parts.extend(_blocks_html([child], numbers))
    return "<li>" + "\n".join(parts) + "</li>"


def _table_html(block: Block, numbers: dict[str, int]) -> str:
    """A table as pandoc writes it: alignments as styles, rows classed odd/even."""
    def cell(tag: str, column: int, inlines: list[Inline]) -> str:
        align = block.aligns[column] if column < len(block.aligns) else ""
        style = f' style="text-align: {align};"' if align else ""
        return f"<{tag}{style}>{_inlines_html(inlines, numbers)}</{tag}>"

    header, *body = block.rows
    out = ["<table>"]
    if any(cells for cells in header):  # pandoc leaves out a header of empty cells
        out += ["<thead>", '<tr class="header">',
                *(cell("th", n, inlines) for n, inlines in enumerate(header)), "</tr>",
                "</thead>"]
    out.append("<tbody>")
    for index, row in enumerate(body):
        out.append(f'<tr class="{"odd" if index % 2 == 0 else "even"}">')
        out.extend(cell("td", n, inlines) for n, inlines in enumerate(row))
        out.append("</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def to_html(text: str) -> str:
    """The HTML body of a Markdown text, footnotes in a closing section."""
    document = parse(text)
    order = _note_order(document)
    numbers = {label: n for n, label in enumerate(order, start=1)}
    out = _blocks_html(document.blocks, numbers)
    if order:
        items = []
        for label in order:
            body = "\n".join(_blocks_html(document.notes[label], numbers))
            back = (f'<a href="#fnref{numbers[label]}" class="footnote-back" '
                    f'role="doc-backlink">↩︎</a>')
            body = body[:-4] + back + "</p>" if body.endswith("</p>") else body + back
            items.append(f'<li id="fn{numbers[label]}">{body}</li>')
        out.append('<section class="footnotes" role="doc-endnotes">\n<hr />\n<ol>\n'
                   + "\n".join(items) + "\n</ol>\n</section>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------


def _inlines_text(nodes: list[Inline], numbers: dict[str, int]) -> str:
    parts: list[str] = []
    for node in nodes:
        if node.kind in ("text", "code"):
            parts.append(node.text)
        elif node.kind == "br":
            parts.append("\n")
        elif node.kind == "noteref":
            number = numbers.get(node.text)
            parts.append(f"[{number}]" if number is not None else f"[^{node.text}]")
        else:
            inner = _inlines_text(node.children, numbers)  # once: links nest
            if node.kind == "link" and inner and inner != node.target \
                    and not node.target.startswith("#"):
                inner = f"{inner} <{node.target}>"
            parts.append(inner)
    return "".join(parts)


def _blocks_text(blocks: list[Block], numbers: dict[str, int], indent: str = "") -> list[str]:
    out: list[str] = []
    for block in blocks:
        if block.kind in ("para", "heading"):
            out.append(indent + _inlines_text(block.inlines, numbers))
        elif block.kind == "code":
            out.append("\n".join(indent + "    " + line for line in block.text.split("\n")))
        elif block.kind == "rule":
            out.append(indent + "-" * 72)
        elif block.kind == "quote":
            out.extend(_blocks_text(block.children, numbers, indent + "  "))
        elif block.kind == "list":
            items: list[str] = []
            for number, item in enumerate(block.children, start=block.start):
                marker = f"{number}. " if block.ordered else "- "
                inner = _blocks_text(item.children, numbers, indent + " " * len(marker))
                if inner:
                    inner[0] = indent + marker + inner[0][len(indent) + len(marker):]
                else:
                    inner = [indent + marker.rstrip()]
                items.append(("\n\n" if block.loose else "\n").join(inner))
            out.append(("\n\n" if block.loose else "\n").join(items))
        elif block.kind == "table":
            out.append(_table_text(block, numbers, indent))
        elif block.kind == "div":
            out.extend(_blocks_text(block.children, numbers, indent))
    return out


def _table_text(block: Block, numbers: dict[str, int], indent: str) -> str:
    """Columns padded to their widest cell, the header underlined, as pandoc's plain text."""
    rows = [[" ".join(_inlines_text(cell, numbers).split()) for cell in row]
            for row in block.rows]
    widths = [max(1, *(len(row[n]) for row in rows)) for n in range(len(block.aligns))]

    def line(cells: list[str]) -> str:
        padded = []
        for n, cell in enumerate(cells):
            align = block.aligns[n]
            padded.append(cell.rjust(widths[n]) if align == "right"
                          else cell.center(widths[n]) if align == "center"
                          else cell.ljust(widths[n]))
        return (indent + "  ".join(padded)).rstrip()

    header, *body = rows
    out = [line(header), indent + "  ".join("-" * w for w in widths)] if any(header) else []
    out.extend(line(row) for row in body)
    return "\n".join(out)


def to_text(text: str) -> str:
    """A Markdown text as plain text: markup gone, notes as ``[1]`` at the end."""
    document = parse(text)
    order = _note_order(document)
    numbers = {label: n for n, label in enumerate(order, start=1)}
    out = _blocks_text(document.blocks, numbers)
    for label in order:
        body = _blocks_text(document.notes[label], numbers)
        if body:
            body[0] = f"[{numbers[label]}] {body[0]}"
        out.append("\n\n".join(body))
    return "\n\n".join(part for part in out if part) + "\n"


__all__ = ["MAX_NESTING", "Block", "Document", "Inline", "parse", "parse_inlines",
           "table_row_lines", "to_html", "to_text"]

"""Just enough Markdown for rendered documents: HTML and plain text out.

``citekit render --to html|text`` has to show a whole document, not only its
citations.  A full Markdown implementation is a dependency of its own; the
documents citekit renders need paragraphs, ATX headings, emphasis, links,
code, block quotes, simple lists, footnotes, pandoc's fenced divs and
bracketed spans (``[x]{.smallcaps}``, which the citation serialiser emits)
and super/subscripts.  Everything else passes through as text, escaped.

The parser builds a small tree (:class:`Block` and inline nodes) so that the
HTML and text writers agree on the structure; footnotes are numbered by
their first reference, as pandoc does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

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
    """A block: para, heading, code, quote, list, item, div, rule."""

    kind: str
    inlines: list[Inline] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)
    text: str = ""
    level: int = 0
    ordered: bool = False
    ident: str = ""
    classes: tuple[str, ...] = ()


@dataclass
class Document:
    blocks: list[Block]
    notes: dict[str, list[Block]]


# ---------------------------------------------------------------------------
# Inlines
# ---------------------------------------------------------------------------

_ESCAPABLE = set("\\`*_{}[]()#+-.!<>|~^@$\"'&:;,/=?%")
_ATTRS = re.compile(r"\{([^{}]*)\}")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>")


def _attributes(text: str) -> tuple[str, tuple[str, ...]]:
    ident = ""
    classes: list[str] = []
    for word in text.split():
        if word.startswith("#"):
            ident = word[1:]
        elif word.startswith("."):
            classes.append(word[1:])
    return ident, tuple(classes)


def _closing_bracket(text: str, start: int) -> int:
    """Index of the ``]`` matching the ``[`` at ``start``, or -1."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            end = text.find("`" * run, i + run)
            i = end + run if end >= 0 else i + run
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _delimited(text: str, start: int, marker: str) -> int:
    """End index of an emphasis run opened by ``marker`` at ``start``, or -1."""
    i = start + len(marker)
    if i >= len(text) or text[i].isspace():
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
            end = _closing_bracket(text, i)
            if end > 0:
                i = end + 1
                continue
        if text.startswith(marker, i) and not text[i - 1].isspace():
            if len(marker) == 1 and text.startswith(marker * 2, i):
                # ``*a **b** c*``: skip a nested strong run
                inner = _delimited(text, i, marker * 2)
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


def parse_inlines(text: str) -> list[Inline]:
    """Inline Markdown to nodes (unknown syntax stays literal)."""
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
            run = len(text[i:]) - len(text[i:].lstrip("`"))
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
            node, end = _bracketed(text, i)
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
            end = _delimited(text, i, marker)
            if end < 0 and len(marker) == 2:
                marker = char
                end = _delimited(text, i, marker)
            if end > 0:
                flush()
                kind = "strong" if len(marker) == 2 else "em"
                out.append(Inline(kind, children=parse_inlines(text[i + len(marker):end])))
                i = end + len(marker)
                continue
        if char in "^~" and not text.startswith(char * 2, i):
            end = text.find(char, i + 1)
            inner = text[i + 1:end] if end > 0 else ""
            if inner and not any(c.isspace() for c in inner.replace("\\ ", "")):
                flush()
                kind = "sup" if char == "^" else "sub"
                out.append(Inline(kind, children=parse_inlines(inner.replace("\\ ", " "))))
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


def _bracketed(text: str, start: int) -> tuple[Inline | None, int]:
    """A link, bracketed span or footnote reference starting at ``[``."""
    if text.startswith("[^", start):
        end = text.find("]", start)
        label = text[start + 2:end] if end > 0 else ""
        if label and not any(c.isspace() for c in label):
            return Inline("noteref", label), end + 1
        return None, start
    end = _closing_bracket(text, start)
    if end < 0:
        return None, start
    label = text[start + 1:end]
    rest = end + 1
    if text.startswith("(", rest):
        close = text.find(")", rest)
        if close > 0:
            target = text[rest + 1:close].strip().split(" ", 1)[0].strip("<>")
            return Inline("link", target=target, children=parse_inlines(label)), close + 1
    if text.startswith("{", rest):
        attrs = _ATTRS.match(text, rest)
        if attrs:
            ident, classes = _attributes(attrs.group(1))
            return (Inline("span", children=parse_inlines(label), classes=classes, ident=ident),
                    attrs.end())
    return None, start


# ---------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*(?:\{([^{}]*)\})?[ \t]*$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^(:{3,})[ \t]*(?:\{([^{}]*)\}|([\w-]+))?[ \t]*:*[ \t]*$")
_NOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]?(.*)$")
_BULLET = re.compile(r"^([-*+])[ \t]+(.*)$")
_ORDERED = re.compile(r"^(\d+)[.)][ \t]+(.*)$")
_RULE = re.compile(r"^(?:\*[ \t]*){3,}$|^(?:-[ \t]*){3,}$|^(?:_[ \t]*){3,}$")


def _dedent(line: str, width: int = 4) -> str:
    if line.startswith("\t"):
        return line[1:]
    stripped = len(line) - len(line.lstrip(" "))
    return line[min(width, stripped):]


def parse(text: str) -> Document:
    """A Markdown text as a :class:`Document`."""
    notes: dict[str, list[Block]] = {}
    blocks = _parse_blocks(text.split("\n"), notes)
    return Document(blocks, notes)


def _parse_blocks(lines: list[str], notes: dict[str, list[Block]]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        fence = _FENCE.match(stripped)
        if fence and not line.startswith("    "):
            marker = fence.group(1)
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                body.append(lines[i])
                i += 1
            blocks.append(Block("code", text="\n".join(body)))
            i += 1
            continue
        if line.startswith(("    ", "\t")):
            body = []
            while i < len(lines) and (lines[i].startswith(("    ", "\t")) or not lines[i].strip()):
                body.append(_dedent(lines[i]))
                i += 1
            blocks.append(Block("code", text="\n".join(body).rstrip("\n")))
            continue
        div = _DIV_OPEN.match(stripped)
        if div and (div.group(2) is not None or div.group(3)):
            depth = 1
            body = []
            i += 1
            while i < len(lines):
                inner = lines[i].strip()
                opening = _DIV_OPEN.match(inner)
                if opening and (opening.group(2) is not None or opening.group(3)):
                    depth += 1
                elif re.fullmatch(r":{3,}", inner):
                    depth -= 1
                    if depth == 0:
                        break
                body.append(lines[i])
                i += 1
            ident, classes = _attributes(div.group(2) or "")
            if div.group(3):
                classes = (div.group(3),)
            blocks.append(Block("div", children=_parse_blocks(body, notes), ident=ident,
                                classes=classes))
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            ident, classes = _attributes(heading.group(3) or "")
            blocks.append(Block("heading", parse_inlines(heading.group(2)),
                                level=len(heading.group(1)), ident=ident, classes=classes))
            i += 1
            continue
        if _RULE.match(stripped):
            blocks.append(Block("rule"))
            i += 1
            continue
        note = _NOTE_DEF.match(line)
        if note:
            body = [note.group(2)]
            i += 1
            while i < len(lines) and (lines[i].startswith(("    ", "\t"))
                                      or (not lines[i].strip() and i + 1 < len(lines)
                                          and lines[i + 1].startswith(("    ", "\t")))
                                      or (lines[i].strip() and body[-1].strip()
                                          and not _starts_block(lines[i]))):
                body.append(_dedent(lines[i]))
                i += 1
            notes.setdefault(note.group(1), _parse_blocks(body, notes))
            continue
        if line.startswith(">"):
            body = []
            while i < len(lines) and lines[i].strip() and lines[i].startswith(">"):
                body.append(re.sub(r"^> ?", "", lines[i]))
                i += 1
            blocks.append(Block("quote", children=_parse_blocks(body, notes)))
            continue
        item = _BULLET.match(line) or _ORDERED.match(line)
        if item and not _RULE.match(stripped):
            ordered = _ORDERED.match(line) is not None
            items: list[Block] = []
            while i < len(lines):
                current = (_ORDERED.match(lines[i]) if ordered else _BULLET.match(lines[i]))
                if current is None:
                    break
                body = [current.group(2)]
                i += 1
                while i < len(lines) and lines[i].strip() and not (
                        _BULLET.match(lines[i]) or _ORDERED.match(lines[i])):
                    body.append(lines[i].strip())
                    i += 1
                items.append(Block("item", children=_parse_blocks(body, notes)))
                while i < len(lines) and not lines[i].strip() and i + 1 < len(lines) and (
                        (_ORDERED if ordered else _BULLET).match(lines[i + 1])):
                    i += 1
            blocks.append(Block("list", children=items, ordered=ordered))
            continue
        body = []
        while i < len(lines) and lines[i].strip() and not (body and _starts_block(lines[i])):
            body.append(lines[i].strip() if not lines[i].endswith("  ") else
                        lines[i].lstrip())
            i += 1
        blocks.append(Block("para", parse_inlines("\n".join(body))))
    return blocks


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return bool(_HEADING.match(line) or _FENCE.match(stripped) or _NOTE_DEF.match(line)
                or line.startswith(">") or re.fullmatch(r":{3,}.*", stripped))


# ---------------------------------------------------------------------------
# Note numbering
# ---------------------------------------------------------------------------


def _note_order(document: Document) -> list[str]:
    """Footnote labels in order of first reference (notes referenced in notes follow)."""
    order: list[str] = []

    def visit_inlines(nodes: list[Inline]) -> None:
        for node in nodes:
            if node.kind == "noteref" and node.text in document.notes \
                    and node.text not in order:
                order.append(node.text)
                visit_blocks(document.notes[node.text])
            visit_inlines(node.children)

    def visit_blocks(blocks: list[Block]) -> None:
        for block in blocks:
            visit_inlines(block.inlines)
            visit_blocks(block.children)

    visit_blocks(document.blocks)
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
            items = [_item_html(item, numbers) for item in block.children]
            out.append(f"<{tag}>\n" + "\n".join(items) + f"\n</{tag}>")
        elif block.kind == "div":
            out.append(f"<div{_attrs_html(block.ident, block.classes)}>\n"
                       + "\n".join(_blocks_html(block.children, numbers)) + "\n</div>")
    return out


def _item_html(item: Block, numbers: dict[str, int]) -> str:
    if len(item.children) == 1 and item.children[0].kind == "para":
        return f"<li>{_inlines_html(item.children[0].inlines, numbers)}</li>"
    return "<li>" + "\n".join(_blocks_html(item.children, numbers)) + "</li>"


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
        elif node.kind == "link" and node.children and \
                _inlines_text(node.children, numbers) != node.target \
                and not node.target.startswith("#"):
            parts.append(f"{_inlines_text(node.children, numbers)} <{node.target}>")
        else:
            parts.append(_inlines_text(node.children, numbers))
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
            for number, item in enumerate(block.children, start=1):
                marker = f"{number}. " if block.ordered else "- "
                inner = _blocks_text(item.children, numbers, indent + " " * len(marker))
                if inner:
                    inner[0] = indent + marker + inner[0][len(indent) + len(marker):]
                out.append("\n".join(inner))
        elif block.kind == "div":
            out.extend(_blocks_text(block.children, numbers, indent))
    return out


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


__all__ = ["Block", "Document", "Inline", "parse", "parse_inlines", "to_html", "to_text"]

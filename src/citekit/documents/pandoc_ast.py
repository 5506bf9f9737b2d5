"""pandoc's JSON AST: reading its values and writing citekit's rich text into it.

pandoc hands a filter its document as JSON (``{"pandoc-api-version": [...],
"meta": {...}, "blocks": [...]}``), every element an object ``{"t": Tag,
"c": contents}``.  The element shapes a citation filter touches (``Str``,
``Space``, ``Emph``, ``Cite``, ``Note``, ``Span``, ``Div``, ``Link``,
``Meta*``) are the same in pandoc-types 1.22 (pandoc 2.17) and 1.23
(pandoc 3.x); 1.23 adds the ``Figure`` block, which :func:`walk` crosses
like any other element because it never assumes a block's layout.  So this
module reads and writes both, and leaves the version field alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from citekit.render.richtext import Rich, Span, Text

Element = dict[str, Any]
"""One AST element: ``{"t": "Str", "c": "word"}``."""

NO_ATTR: list[Any] = ["", [], []]

_QUOTES = {"SingleQuote": ("\u2018", "\u2019"), "DoubleQuote": ("\u201c", "\u201d")}
_SKIPPED = frozenset({"Note", "RawInline", "RawBlock"})


def attr(
    identifier: str = "", classes: list[str] | None = None, pairs: list[list[str]] | None = None
) -> list[Any]:
    """An element's attributes: id, classes, key-value pairs."""
    return [identifier, list(classes or []), list(pairs or [])]


def element(tag: str, contents: Any = None) -> Element:
    """An element; ``Space`` and friends have no contents."""
    return {"t": tag} if contents is None else {"t": tag, "c": contents}


# ---------------------------------------------------------------------------
# Reading: text of inlines and metadata values
# ---------------------------------------------------------------------------


def stringify(node: Any) -> str:
    """The plain text of inlines or blocks, as pandoc's ``stringify`` reads it.

    Formatting goes, quotes become curly quotes, breaks become spaces;
    footnotes and raw output are left out (they are not part of the
    running text a citation prefix or a metadata title holds).
    """
    if isinstance(node, list):
        return "".join(stringify(child) for child in node)
    if not isinstance(node, dict):
        return ""
    tag = node.get("t")
    contents: Any = node.get("c")
    if tag == "Str":
        return str(contents)
    if tag in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if tag in _SKIPPED:
        return ""
    if tag in ("Code", "Math"):
        return str(contents[1])
    if tag == "Quoted":
        opening, closing = _QUOTES.get(contents[0].get("t", ""), ('"', '"'))
        return opening + stringify(contents[1]) + closing
    if tag == "Cite":
        return stringify(contents[1])
    if tag in ("Link", "Image"):
        return stringify(contents[1])
    if tag in ("Span", "Div"):
        return stringify(contents[1])
    if isinstance(contents, list):
        return "".join(stringify(part) for part in contents)
    return ""


_AFFIX_FORMAT = {
    "Emph": "i",
    "Strong": "b",
    "SmallCaps": "sc",
    "Superscript": "sup",
    "Subscript": "sub",
}

AffixPiece = tuple[str, str]
"""``("text", words)``, ``("open", tag)`` or ``("close", tag)`` (a CSL-JSON markup tag)."""


def affix_pieces(node: Any) -> list[AffixPiece]:
    """A citation prefix or suffix as text and CSL-JSON markup (``<i>``, ``<b>``, ``<sc>``...).

    The text pieces put together are :func:`stringify`'s text, so a position
    in that text (where a locator ends) is one in the pieces too.
    Emphasis, strong, small caps (also ``[x]{.smallcaps}``), superscripts
    and subscripts are kept; a code span is text the style's case leaves
    alone; links, underlines and strikeouts keep their text (CSL has none).
    """
    if isinstance(node, list):
        return [piece for child in node for piece in affix_pieces(child)]
    if not isinstance(node, dict):
        return []
    tag = node.get("t")
    contents: Any = node.get("c")
    if tag in _AFFIX_FORMAT or (tag == "Span" and "smallcaps" in contents[0][1]):
        markup = _AFFIX_FORMAT.get(str(tag), "sc")
        inner = affix_pieces(contents[1] if tag == "Span" else contents)
        return [("open", markup), *inner, ("close", markup)]
    if tag == "Code":
        return [("open", "nocase"), ("text", str(contents[1])), ("close", "nocase")]
    if tag == "Quoted":
        opening, closing = _QUOTES.get(contents[0].get("t", ""), ('"', '"'))
        return [("text", opening), *affix_pieces(contents[1]), ("text", closing)]
    if tag in ("Cite", "Link", "Image", "Span"):
        return affix_pieces(contents[1])
    if tag in ("Underline", "Strikeout"):
        return affix_pieces(contents)
    text = stringify(node)
    return [("text", text)] if text else []


def affix_markup(pieces: list[AffixPiece], start: int = 0) -> str:
    """The pieces from text position ``start`` on, as CSL-JSON rich text.

    Markup open at ``start`` is opened again there, and markup closed
    before it is left out, so the tail of ``*p. 3, mine*`` is ``<i>, mine</i>``.
    """
    from citekit.documents.markdown import csl_text  # markdown-it stays unimported

    out: list[str] = []
    stack: list[str] = []
    position = 0
    started = start <= 0
    for kind, value in pieces:
        if kind == "text":
            if not started:
                if position + len(value) <= start:
                    position += len(value)
                    continue
                out.extend(_tag(markup) for markup in stack)
                value, position = value[start - position :], start
                started = True
            position += len(value)
            out.append(csl_text(value))
        elif kind == "open":
            stack.append(value)
            if started:
                out.append(_tag(value))
        elif stack:
            stack.pop()
            if started:
                out.append(_tag(value, closing=True))
    return "".join(out)


def _tag(markup: str, *, closing: bool = False) -> str:
    if markup == "nocase":
        return "</span>" if closing else '<span class="nocase">'
    return f"</{markup}>" if closing else f"<{markup}>"


def meta_value(value: Any) -> Any:
    """A metadata value as plain Python: maps, lists, booleans and strings.

    ``MetaInlines`` and ``MetaBlocks`` become their text, so a CSL-YAML
    reference in the metadata reads as the CSL-JSON it was written as
    (with every scalar a string, as YAML hands them to pandoc).
    """
    if not isinstance(value, dict):
        return value
    tag = value.get("t")
    contents: Any = value.get("c")
    if tag == "MetaMap":
        return {key: meta_value(item) for key, item in contents.items()}
    if tag == "MetaList":
        return [meta_value(item) for item in contents]
    if tag == "MetaBool":
        return bool(contents)
    if tag == "MetaString":
        return str(contents)
    if tag in ("MetaInlines", "MetaBlocks"):
        return stringify(contents)
    return value


def meta_list(value: Any) -> list[str]:
    """A metadata value that may be one string or a list of them (``bibliography``)."""
    plain = meta_value(value)
    if plain is None:
        return []
    if isinstance(plain, list):
        return [str(item) for item in plain if str(item).strip()]
    return [str(plain)] if str(plain).strip() else []


# ---------------------------------------------------------------------------
# Walking
# ---------------------------------------------------------------------------


def walk(node: Any, visit: Callable[[Element, bool], bool], in_note: bool = False) -> None:
    """Call ``visit(element, in_note)`` on every element, in document order.

    ``visit`` returns False to stop the walk going into that element.  The
    walk goes through any ``c`` contents whatever the element, so it
    crosses blocks it does not know (1.23's ``Figure``) as well.
    """
    if isinstance(node, list):
        for child in node:
            walk(child, visit, in_note)
        return
    if not isinstance(node, dict):
        return
    if "t" in node and not visit(node, in_note):
        return
    contents: Any = node.get("c")
    if isinstance(contents, (list, dict)):
        walk(contents, visit, in_note or node.get("t") == "Note")


def elements(node: Any, tag: str) -> Iterator[Element]:
    """Every element with ``tag`` inside ``node``, outer before inner."""
    found: list[Element] = []

    def visit(item: Element, _in_note: bool) -> bool:
        if item.get("t") == tag:
            found.append(item)
        return True

    walk(node, visit)
    return iter(found)


# ---------------------------------------------------------------------------
# Writing: rich text as inlines
# ---------------------------------------------------------------------------

_WORDS = re.compile(r"[ \t\n]+|[^ \t\n]+")


def text_inlines(text: str) -> list[Element]:
    """Text as ``Str`` and ``Space`` elements (a no-break space stays in its word)."""
    out: list[Element] = []
    for piece in _WORDS.findall(text):
        out.append(element("Space") if piece.isspace() else element("Str", piece))
    return out


def _display_class(display: str) -> str:
    return f"csl-{display}"


def rich_inlines(rich: Rich) -> list[Element]:
    """citekit's rich text as pandoc inlines, nested as pandoc's own citeproc nests them.

    Italic, bold and small caps become ``Emph``, ``Strong`` and
    ``SmallCaps``; their explicit "normal" (CSL's flip-flop inside an
    italic title) a ``Span`` with class ``csl-no-emph``, ``csl-no-strong``
    or ``csl-no-smallcaps``; ``nocase`` text a plain ``Span`` (as pandoc
    writes BibTeX's protected braces); links ``Link``; a display part a
    ``Span`` with class ``csl-block``, ``csl-left-margin`` ...
    """
    if isinstance(rich, Text):
        return text_inlines(rich.text)
    inner: list[Element] = []
    for child in rich.children:
        inner.extend(rich_inlines(child))
    return _wrap(rich, inner)


def _wrap(span: Span, inner: list[Element]) -> list[Element]:
    """``inner`` inside the elements ``span``'s formatting stands for (innermost first)."""
    if span.italic is True:
        inner = [element("Emph", inner)]
    elif span.italic is False:
        inner = [element("Span", [attr(classes=["csl-no-emph"]), inner])]
    if span.small_caps is True:
        inner = [element("SmallCaps", inner)]
    elif span.small_caps is False:
        inner = [element("Span", [attr(classes=["csl-no-smallcaps"]), inner])]
    if span.bold is True:
        inner = [element("Strong", inner)]
    elif span.bold is False:
        inner = [element("Span", [attr(classes=["csl-no-strong"]), inner])]
    if span.underline:
        inner = [element("Underline", inner)]
    if span.nocase:
        inner = [element("Span", [attr(), inner])]
    if span.subscript:
        inner = [element("Subscript", inner)]
    if span.superscript:
        inner = [element("Superscript", inner)]
    if span.link:
        inner = [element("Link", [attr(), inner, [span.link, ""]])]
    if span.display:
        inner = [element("Span", [attr(classes=[_display_class(span.display)]), inner])]
        if span.display == "left-margin":  # the label and the entry stay apart in every writer
            inner.append(element("Space"))
    return inner


def first_letter_upper(inlines: list[Element]) -> list[Element]:
    """``inlines`` with the first letter capitalised (a note starts "Ibid.", not "ibid.").

    Only a ``Str`` reached through formatting counts; a link or quote is
    gone into as well, since the first letter of a note may sit there.
    """
    for item in inlines:
        tag = item.get("t")
        if tag == "Str":
            text = str(item["c"])
            match = re.search(r"[^\W\d_]", text)
            if match is None:
                if text.strip("([\"'\u201c\u2018"):
                    return inlines
                continue
            item["c"] = text[: match.start()] + text[match.start()].upper() + text[match.end() :]
            return inlines
        if tag == "Space":
            continue
        contents: Any = item.get("c")
        if tag in ("Emph", "Strong", "SmallCaps", "Underline", "Superscript", "Subscript"):
            first_letter_upper(contents)
            return inlines
        if tag in ("Span", "Link", "Quoted"):
            first_letter_upper(contents[1])
            return inlines
        return inlines
    return inlines


def last_str(inlines: list[Element]) -> Element | None:
    """The last ``Str`` of ``inlines``, looked for inside formatting too."""
    for item in reversed(inlines):
        tag = item.get("t")
        if tag == "Str":
            return item
        if tag in ("Space", "SoftBreak"):
            return None
        contents: Any = item.get("c")
        if tag in ("Emph", "Strong", "SmallCaps", "Underline", "Superscript", "Subscript"):
            return last_str(contents)
        if tag in ("Span", "Link", "Quoted"):
            return last_str(contents[1])
        return None
    return None


__all__ = [
    "NO_ATTR",
    "AffixPiece",
    "Element",
    "affix_markup",
    "affix_pieces",
    "attr",
    "element",
    "elements",
    "first_letter_upper",
    "last_str",
    "meta_list",
    "meta_value",
    "rich_inlines",
    "stringify",
    "text_inlines",
    "walk",
]

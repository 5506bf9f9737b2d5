"""In-field markup of CSL-JSON strings -> output boxes.

Titles may carry ``<i>``, ``<b>``, ``<sc>``, ``<sup>``, ``<sub>``,
``<span class="nocase">`` and small-caps spans, and quotation marks that the
style must re-quote with its locale's marks (and flip-flop when nested).
Strings without any markup characters are returned unchanged, which is the
common case and costs one scan.
"""

from __future__ import annotations

import re

from citekit.render.csl.boxes import MARKUP, Box
from citekit.render.csl.style import Formatting

_TRIGGERS = "<\"'\u2018\u201c\u2019\u201d&"  # what makes a field's text more than text
_TOKEN = re.compile(
    r"<(/?)(i|b|sc|sup|sub|span)((?:\s+[a-z-]+=\"[^\"]*\")*)\s*>"
    r"|(\")|(')|([\u201c\u201d\u2018\u2019])",
    re.IGNORECASE,
)
_TAG_FORMAT = {
    "i": Formatting(font_style="italic"),
    "b": Formatting(font_weight="bold"),
    "sc": Formatting(font_variant="small-caps"),
    "sup": Formatting(vertical_align="sup"),
    "sub": Formatting(vertical_align="sub"),
}
_NODECOR = Formatting(font_style="normal", font_variant="normal", font_weight="normal")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#38;": "&"}


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text


def typed_quotes(outer: tuple[str, str], inner: tuple[str, str]) -> tuple[bool, bool]:
    """Whether typed “double” and ‘single’ curly quotes are quotation markup.

    citeproc-js reads typed double quotes as quotes (to be re-marked and
    nested) only where they are the locale's outer marks, and typed single
    quotes where they are its outer or inner marks; in German („…“) or French
    («…», inner “…”) data, typed English double quotes stay as typed.
    """
    return outer == ("\u201c", "\u201d"), ("\u2018", "\u2019") in (outer, inner)


def _has_trigger(text: str) -> bool:
    """Whether ``text`` holds a character markup starts with (substring scans in C,
    no regex: a class beyond U+00FF takes milliseconds to compile at import)."""
    if text.isascii():
        return "<" in text or '"' in text or "'" in text or "&" in text
    return any(char in text for char in _TRIGGERS)


def parse_markup(text: str, quotes: tuple[bool, bool] = (True, True)) -> str | Box:
    """A box tree for ``text``'s markup, or ``text`` itself when it has none.

    ``quotes``: whether typed curly double and single quotes count as
    quotation markup (see :func:`typed_quotes`); straight quotes always do.
    """
    if not _has_trigger(text):
        return text
    curly_double, curly_single = quotes
    root = Box([])
    # stack frames: (kind, box) where kind is a tag name or a quote char
    stack: list[tuple[str, Box]] = [("", root)]
    position = 0

    def add(chunk: str) -> None:
        if chunk:
            stack[-1][1].kids.append(_unescape(chunk))

    for match in _TOKEN.finditer(text):
        start = match.start()
        add(text[position:start])
        position = match.end()
        closing, tag, attrs, dquote, squote, curly = match.groups()
        if tag:
            tag = tag.lower()
            if closing:
                if any(kind == tag for kind, _ in stack[1:]):
                    while stack[-1][0] != tag:
                        _unwind(stack)
                    stack.pop()
                else:
                    add(match.group(0))
                continue
            if tag == "span":
                if 'class="nocase"' in attrs:
                    box = Box([], nocase=True)
                elif 'class="nodecor"' in attrs:
                    box = Box([], _NODECOR, nocase=True, tag=MARKUP)
                elif "small-caps" in attrs:
                    box = Box([], Formatting(font_variant="small-caps"), nocase=True, tag=MARKUP)
                else:
                    box = Box([])
            else:
                box = Box([], _TAG_FORMAT[tag], nocase=tag in ("sc", "sup", "sub"), tag=MARKUP)
            stack[-1][1].kids.append(box)
            stack.append((tag, box))
            continue
        before = text[start - 1] if start else " "
        after = text[position] if position < len(text) else " "
        if curly in ("\u201c", "\u201d", "\u2018") and not (
            curly_single if curly == "\u2018" else curly_double
        ):
            add(curly)  # not this locale's marks: a character like any other
            continue
        if dquote or curly in ("\u201c", "\u201d"):
            mark = "\u201d" if curly == "\u201d" else '"'
            opener = "\u201c" if curly else '"'
            closes = curly == "\u201d" or (dquote and stack[-1][0] == '"' and not before.isspace())
            if closes and stack[-1][0] in ('"', "\u201c") and curly != "\u201c":
                stack.pop()
                continue
            if curly != "\u201d" and (not before.isalnum() or after.isalnum()):
                box = Box([], quotes=True)
                stack[-1][1].kids.append(box)
                stack.append((opener, box))
                continue
            add(mark if curly else '"')
            continue
        # single quotes and apostrophes
        char = squote or curly
        if char in ("'", "\u2019") and stack[-1][0] == "'" and not after.isalnum():
            stack.pop()
            continue
        opens_word = after.isalnum() or after in '"\u201c'
        if char in ("'", "\u2018") and not before.isalnum() and opens_word:
            # A typed curly opening single quote is the locale's inner mark to
            # citeproc-js: outside any quotes it stays inner ("inner-quote").
            box = Box([], quotes=True, tag="inner-quote" if char == "\u2018" else "squote")
            stack[-1][1].kids.append(box)
            stack.append(("'", box))
            continue
        add("\u2019" if char in ("'", "\u2019") else char)
    add(text[position:])
    while len(stack) > 1:
        _unwind(stack)
    if len(root.kids) == 1 and isinstance(root.kids[0], str):
        return root.kids[0]
    root.tag = "field"
    return root


def _unwind(stack: list[tuple[str, Box]]) -> None:
    """Turn an unclosed quote or tag back into literal text."""
    kind, box = stack.pop()
    parent = stack[-1][1]
    index = next(i for i, kid in enumerate(parent.kids) if kid is box)
    literal = {'"': '"', "\u201c": "\u201c", "'": "\u2019"}.get(kind)
    if literal is None:
        return
    parent.kids[index : index + 1] = [literal, *box.kids]

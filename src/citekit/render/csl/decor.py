"""Wrapping rendered output in a node's decoration, and superscript letters.

Kept apart from the evaluator because the renderers below it (names, dates)
and the passes above it (clusters, bibliography) decorate output too; with
these helpers in the evaluator, those modules and the evaluator imported
each other.
"""

from __future__ import annotations

from citekit.render.csl.boxes import Box, Out
from citekit.render.csl.numbers import has_superscript
from citekit.render.csl.style import PLAIN, Decor, Formatting
from citekit.render.csl.textcase import apply_case
from citekit.render.richtext import SUPERSCRIPTS


def apply_decor(content: Out, decor: Decor, english: bool = True, language: str = "") -> Out:
    """Wrap ``content`` in ``decor``: case, formatting/quotes/display, affixes."""
    if decor is PLAIN:
        return content
    if decor.text_case and (english or decor.text_case != "title"):
        content = apply_case(content, decor.text_case, language)
    if decor.fmt is not None or decor.quotes or decor.display:
        content = Box([content], decor.fmt, decor.quotes)
    if decor.prefix or decor.suffix:
        content = Box([decor.prefix, content, decor.suffix])
    if decor.display:
        content = Box([content], display=decor.display)
    return content


_SUP = Formatting(vertical_align="sup")


def superscripts(text: str) -> Out:
    """Unicode superscript letters (French ordinals) as superscript spans."""
    if not has_superscript(text):
        return text
    kids: list[Out] = []
    for char in text:
        plain = SUPERSCRIPTS.get(char)
        if plain is None:
            if kids and isinstance(kids[-1], str):
                kids[-1] += char
            else:
                kids.append(char)
        else:
            kids.append(Box([plain], _SUP))
    return Box(kids)


def wrap_layout(content: Out | None, decor: Decor) -> Out | None:
    """Layout affixes sit inside the layout's formatting (unlike other elements)."""
    if content is None:
        return None
    if decor.prefix or decor.suffix:
        content = Box([decor.prefix, content, decor.suffix])
    if decor.fmt is not None or decor.display:
        content = Box([content], decor.fmt, display=decor.display)
    return content

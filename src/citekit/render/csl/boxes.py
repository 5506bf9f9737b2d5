"""The evaluator's output tree and its conversion to :mod:`richtext`.

Rendering builds light mutable :class:`Box` trees (strings as leaves); the
seams between pieces are only fixed once, here, when the tree is flattened to
runs of text: duplicated punctuation where an affix meets text that already
ends in punctuation, punctuation moved inside closing quotes when the locale
asks for it, nested quotes alternating between outer and inner marks, and
italics (bold, small caps) in a field's own markup flip-flopped against the
formatting around it.  Formatting the style itself nests is kept as written
(``<i><i>..</i></i>``, as citeproc-js does): a style that italicises a macro
and, inside it, the title means italics, not upright text.
"""

from __future__ import annotations

import re
from typing import Any

from citekit.render.csl.locale import Locale
from citekit.render.csl.numbers import has_superscript
from citekit.render.csl.style import Formatting
from citekit.render.richtext import SUPERSCRIPTS, Rich, Span, Text, merge_punctuation

ROMANESQUE_CHARS = (
    "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    "\u0600-\u06ff\u0e01-\u0e5b\u1f00-\u1fff\u200c-\u200e\u202a-\u202e"
)
"""Scripts set with spaces and italics (Latin, Greek, Cyrillic, Hebrew, Arabic, Thai)."""
_ROMANESQUE = re.compile(f"[0-9{ROMANESQUE_CHARS}]")

MARKUP = "markup"
"""The tag of a box made from a field's own markup (``<i>``, ``<b>``, small caps)."""

STANDING_IN = "standing-in"
"""The tag of a formatted box whose text subsequent-author-substitute replaced.

citeproc-js decides that CJK text takes no italics on the text as rendered,
before the substitution, so ``<i>———</i>`` keeps the italics of the title it
stands for."""

CITE_AFFIX = "cite-affix"
"""The tag of a cite's suffix as the writer typed it (never moved into quotes)."""
_AFFIX_FIELD = -1


class Box:
    """A formatted group of output pieces."""

    __slots__ = ("display", "fmt", "kids", "nocase", "quotes", "tag")

    def __init__(
        self,
        kids: list[str | Box],
        fmt: Formatting | None = None,
        quotes: bool = False,
        display: str | None = None,
        tag: str | None = None,
        nocase: bool = False,
    ) -> None:
        self.kids = kids
        self.fmt = fmt
        self.quotes = quotes
        self.display = display
        self.tag = tag
        self.nocase = nocase

    def __repr__(self) -> str:
        return f"Box({self.kids!r}, tag={self.tag!r})"


Out = str | Box
"""What rendering one node gives: a plain string or a :class:`Box`."""


def plain_text(node: str | Box | None) -> str:
    """The characters of ``node`` (quotes as straight marks)."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    out: list[str] = []
    _plain_into(node, out)
    return "".join(out)


def _plain_into(node: Box, out: list[str]) -> None:
    """:func:`plain_text` into one list (no string built per box, no call per leaf)."""
    if node.quotes:
        out.append('"')
    for kid in node.kids:
        if isinstance(kid, str):
            out.append(kid)
        else:
            _plain_into(kid, out)
    if node.quotes:
        out.append('"')


def copy_box(node: Box) -> Box:
    """A deep copy of ``node`` (strings and formatting shared: they never change)."""
    kids: list[str | Box] = [kid if isinstance(kid, str) else copy_box(kid) for kid in node.kids]
    return Box(kids, node.fmt, node.quotes, node.display, node.tag, node.nocase)


def is_empty(node: str | Box | None) -> bool:
    if node is None:
        return True
    if isinstance(node, str):
        return not node
    for kid in node.kids:  # a loop, not all() over a generator: called for every group
        if isinstance(kid, str):
            if kid:
                return False
        elif not is_empty(kid):
            return False
    return True


def find_tag(node: str | Box | None, tag: str, last: bool = False) -> Box | None:
    """The first box tagged ``tag`` in document order (``last``: the last one)."""
    if node is None or isinstance(node, str):
        return None
    if node.tag == tag:
        return node
    for kid in reversed(node.kids) if last else node.kids:
        found = find_tag(kid, tag, last)
        if found is not None:
            return found
    return None


# ------------------------------------------------------------ flattening


class _Layer:
    """One Span's attributes; identity keeps separately formatted siblings apart."""

    __slots__ = ("attrs",)

    def __init__(self, attrs: dict[str, object]) -> None:
        self.attrs = attrs


Run = list[Any]
"""[text, layers, kind ("", "oq", "cq"), id of the source field or 0]; a list,
not a class: runs are made per piece of text and edited in place."""

_PUNCT = ".,;:!?"
_SEAM_STARTS = frozenset(_PUNCT + " ")


class _Flattener:
    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self.runs: list[Run] = []
        self.outer = locale.outer_quotes
        self.inner = locale.inner_quotes

    def superscript_runs(self, text: str, layers: tuple[_Layer, ...], field: int) -> None:
        """Unicode superscript characters become superscript spans (as citeproc-js does)."""
        plain = ""
        for char in text:
            raised = SUPERSCRIPTS.get(char)
            if raised is None:
                plain += char
                continue
            if plain:
                self.runs.append([plain, layers, "", field])
                plain = ""
            self.runs.append([raised, (*layers, _Layer({"superscript": True})), "", field])
        if plain:
            self.runs.append([plain, layers, "", field])

    def text_run(self, text: str, layers: tuple[_Layer, ...], field: int) -> None:
        """A run of ``text`` (not empty) in ``layers``."""
        if not text.isascii() and has_superscript(text):
            self.superscript_runs(text, layers, field)
        else:
            self.runs.append([text, layers, "", field])

    def walk(
        self,
        node: str | Box,
        layers: tuple[_Layer, ...],
        italic: bool,
        bold: bool,
        small_caps: bool,
        quote_depth: int,
        field: int = 0,
    ) -> None:
        if isinstance(node, str):
            if node:
                self.text_run(node, layers, field)
            return
        self._box(node, layers, italic, bold, small_caps, quote_depth, field)

    def _box(
        self,
        node: Box,
        layers: tuple[_Layer, ...],
        italic: bool,
        bold: bool,
        small_caps: bool,
        quote_depth: int,
        field: int,
    ) -> None:
        """One box and its string kids in a single call (most kids are strings,
        and most boxes carry neither formatting nor quotes)."""
        tag = node.tag
        if tag is not None:
            if tag == "field":
                field = id(node)
            elif tag == CITE_AFFIX:
                field = _AFFIX_FIELD
        if node.fmt is not None or node.display:
            layers, italic, bold, small_caps = self.formatted(
                node, layers, italic, bold, small_caps
            )
        runs = self.runs
        closing = ""
        if node.quotes:
            # citeproc-js renders typed curly single quotes outside all quotes with
            # the inner marks, and flip-flops whatever they enclose from there.
            depth = 1 if quote_depth == 0 and tag == "inner-quote" else quote_depth
            marks = self.outer if depth % 2 == 0 else self.inner
            if marks[0]:
                runs.append([marks[0], layers, "oq", field])
            closing = marks[1]
            quote_depth = depth + 1
        for kid in node.kids:
            if isinstance(kid, str):
                if not kid:
                    continue
                if kid.isascii():  # no superscript character is ASCII
                    runs.append([kid, layers, "", field])
                else:
                    self.text_run(kid, layers, field)
            else:
                self._box(kid, layers, italic, bold, small_caps, quote_depth, field)
        if closing:
            runs.append([closing, layers, "cq", field])

    def formatted(
        self,
        node: Box,
        layers: tuple[_Layer, ...],
        italic: bool,
        bold: bool,
        small_caps: bool,
    ) -> tuple[tuple[_Layer, ...], bool, bool, bool]:
        """The layers and font state inside ``node``'s formatting and display."""
        attrs: dict[str, object] = {}
        fmt = node.fmt
        if fmt is not None:
            flips = node.tag == MARKUP
            style = fmt.font_style
            if style is not None and node.tag != STANDING_IN and not _has_romanesque(node):
                style = None  # Chinese and Japanese are not set in italics (citeproc-js)
            if style in ("italic", "oblique"):
                italic = not (italic and flips)
                attrs["italic"] = italic
            elif style == "normal" and italic:
                attrs["italic"] = False
                italic = False
            weight = fmt.font_weight
            if weight == "bold":
                bold = not (bold and flips)
                attrs["bold"] = bold
            elif weight == "normal" and bold:
                attrs["bold"] = False
                bold = False
            variant = fmt.font_variant
            if variant == "small-caps":
                small_caps = not (small_caps and flips)
                attrs["small_caps"] = small_caps
            elif variant == "normal" and small_caps:
                attrs["small_caps"] = False
                small_caps = False
            if fmt.text_decoration == "underline":
                attrs["underline"] = True
            align = fmt.vertical_align
            if align == "sup":
                attrs["superscript"] = True
            elif align == "sub":
                attrs["subscript"] = True
            elif align == "baseline":
                attrs["baseline"] = True
        if node.display:
            attrs["display"] = node.display
        if attrs:
            layers = (*layers, _Layer(attrs))
        return layers, italic, bold, small_caps


def _has_romanesque(node: str | Box) -> bool:
    """Whether any text of ``node`` is in a script set in italics (the first leaf
    with a letter or digit usually says; the whole text is never built)."""
    if isinstance(node, str):
        return _ROMANESQUE.search(node) is not None
    for kid in node.kids:  # noqa: SIM110 (a loop: no generator per box)
        if _has_romanesque(kid):
            return True
    return False


def _moves_into(host: Run | None, previous: str, mark: str, punctuation_in_quote: bool) -> bool:
    """Whether ``mark``, replacing the lone mark just after a closing quote, belongs inside it."""
    if host is None or not punctuation_in_quote or mark not in ".,!?" or len(previous) != 1:
        return False
    quoted: str = host[0]
    return quoted[-1:] not in _PUNCT


def _fix_punctuation(runs: list[Run], punctuation_in_quote: bool) -> None:
    """Merge punctuation where pieces meet; move punctuation into closing quotes."""
    last_text: Run | None = None  # last run carrying text (not a quote mark)
    previous: Run | None = None  # last run with any text
    after_quote: dict[int, Run] = {}  # run right after a closing quote -> the quoted text
    for run in runs:
        text: str = run[0]  # never empty: the walk makes none, edits empty only earlier runs
        kind = run[2]
        # only a run opening with punctuation or a space can meet its neighbour badly
        if (
            text[0] in _SEAM_STARTS
            and kind == ""
            and previous is not None
            and last_text is not None
        ):
            first = text[0]
            inner: str = last_text[0]
            inner_last = inner[-1:] if inner else ""
            quoted = previous[2] == "cq"
            same_field = bool(run[3]) and run[3] == previous[3]
            if same_field:
                pass
            elif first in _PUNCT:
                if quoted:
                    move = punctuation_in_quote and first in ".,!?" and run[3] != _AFFIX_FIELD
                    action = (
                        merge_punctuation(inner_last, first) if inner_last in _PUNCT else "both"
                    )
                    if move:
                        text = text[1:]
                        if action == "replace":
                            last_text[0] = inner[:-1] + first
                        elif action == "both":
                            last_text[0] = inner + first
                    elif action == "drop":
                        text = text[1:]
                elif inner_last in _PUNCT:
                    action = merge_punctuation(inner_last, first)
                    host = after_quote.get(id(last_text))
                    inside = _moves_into(host, inner, first, punctuation_in_quote)
                    if action == "drop":
                        text = text[1:]
                    elif action == "replace" and inside:
                        # '"colon":' + '!' -> '"colon!"': the replacing mark goes inside.
                        assert host is not None
                        last_text[0] = ""
                        host[0] = f"{host[0]}{first}"
                        text = text[1:]
                    elif action == "replace":
                        last_text[0] = inner[:-1] + first
                        text = text[1:]
            elif first == " " and not quoted and inner_last == " ":
                text = text[1:]
            run[0] = text
        if text:
            if kind == "" and previous is not None and previous[2] == "cq" and last_text:
                after_quote[id(run)] = last_text
            previous = run
            if kind == "":
                last_text = run


def _build(runs: list[Run], start: int, stop: int, depth: int) -> list[Rich]:
    """Rich text of ``runs[start:stop]``, whose layers agree below ``depth``.

    Runs without a layer at ``depth`` are text here, neighbours joined into
    one :class:`Text`; each stretch sharing the layer at ``depth`` is a Span.
    """
    result: list[Rich] = []
    texts: list[str] = []  # text runs not yet added to ``result``
    index = start
    while index < stop:
        run = runs[index]
        layers: tuple[_Layer, ...] = run[1]
        if len(layers) <= depth:
            texts.append(run[0])
            index += 1
            continue
        layer = layers[depth]
        end = index + 1
        while end < stop:
            other: tuple[_Layer, ...] = runs[end][1]
            if len(other) <= depth or other[depth] is not layer:
                break
            end += 1
        children = _build(runs, index, end, depth + 1)
        if children:
            _add_text(result, texts)
            result.append(Span(tuple(children), **layer.attrs))  # type: ignore[arg-type]
        index = end
    _add_text(result, texts)
    return result


def _add_text(result: list[Rich], texts: list[str]) -> None:
    """The pending ``texts`` as one Text (none if they are empty), and empties them."""
    if texts:
        text = "".join(texts)
        if text:
            result.append(Text(text))
        texts.clear()


def to_rich(node: str | Box | None, locale: Locale) -> Rich:
    """Flatten an output tree into rich text with the seams fixed."""
    if node is None:
        return Span(())
    flattener = _Flattener(locale)
    flattener.walk(node, (), False, False, False, 0)
    runs = flattener.runs  # no empty text: the walk leaves empty strings out
    _fix_punctuation(runs, locale.punctuation_in_quote)
    runs = [run for run in runs if run[0]]
    children = _build(runs, 0, len(runs), 0)
    if len(children) == 1:
        return children[0]
    return Span(tuple(children))

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

from citekit.render.csl.locale import Locale
from citekit.render.csl.numbers import has_superscript
from citekit.render.csl.style import Formatting
from citekit.render.richtext import (
    NO_FORMAT,
    SUPERSCRIPTS,
    Rich,
    Span,
    SpanFormat,
    Text,
    merge_punctuation,
    span_format,
    span_of,
)

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

_new_object = object.__new__


def tagged_box(kids: list[str | Box], tag: str) -> Box:
    """``Box(kids, tag=tag)``, for the evaluator's hottest boxes, at half the cost.

    A bibliography entry makes a dozen tagged boxes (its title, terms,
    names, dates); a call of the class with a keyword argument goes through
    ``__init__``'s argument parsing each time, where storing the six slots
    directly does not.  The same object as the constructor gives (a test
    compares every slot).
    """
    box: Box = _new_object(Box)
    box.kids = kids
    box.fmt = None
    box.quotes = False
    box.display = None
    box.tag = tag
    box.nocase = False
    return box


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
    """One Span's formatting; identity keeps separately formatted siblings apart."""

    __slots__ = ("fmt",)

    def __init__(self, fmt: SpanFormat) -> None:
        self.fmt = fmt


Layers = tuple[_Layer, ...]
Font = tuple[bool, bool, bool, int]
"""Italic, bold, small caps (as the flip-flop has them so far) and the depth of
quotes: one argument, not four, for the walk to pass from box to box."""
_RAISED = span_format({"superscript": True})
"""The layer of a Unicode superscript character (a new _Layer each, same format)."""
Segment = tuple[int, Layers, int]
"""(index of the first piece, the layers, the source field's id or 0): from that
piece on, the pieces are in those layers and that field, up to the next segment."""

_PUNCT = ".,;:!?"
_FIELD_TAGS = frozenset({"field", CITE_AFFIX})
"""Tags that start a field of their own (seams inside one are left alone)."""
_SEAM_STARTS = frozenset(_PUNCT + " ")
_SEAM_ENDS = _PUNCT + " "
"""A string, not a set: a piece emptied by a fix ends in "" and "" is in it too."""
_MEETING = frozenset(
    [end + first for end in _PUNCT for first in _PUNCT if merge_punctuation(end, first) != "both"]
    + ["  "]
)
"""The two characters either side of a seam between text pieces that a fix changes:
duplicated punctuation and a doubled space.  Any other pair of plain text
pieces meets as it is, so :meth:`_Flattener.seam` is not even asked."""


class _Flattener:
    """The walk from a box tree to pieces of text, fixing each seam as a piece arrives.

    The walk makes no object per piece: ``pieces`` are the strings in document
    order, ``quote_at`` marks the few that are quote marks (index -> "oq" or
    "cq"), and ``segments`` record where the layers or the field change (at
    the edges of formatted boxes and field boxes only).

    Punctuation is fixed in the same pass as the walk, not in a loop over the
    pieces afterwards: a fix only reads and edits pieces before the one
    arriving, so doing it on arrival gives the same text.  A piece that opens
    with punctuation or a space after a piece ending in a letter (the usual
    ", " after a name) has nothing to fix, and is seen to have nothing after
    two tests.  ``pieces`` holds exactly the pieces that were not empty when
    they arrived; a fix may empty an earlier one later.
    """

    __slots__ = ("locale", "marks", "pieces", "punctuation_in_quote", "quote_at", "segments")

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self.pieces: list[str] = []
        self.quote_at: dict[int, str] = {}
        self.segments: list[Segment] = [(0, (), 0)]
        self.punctuation_in_quote = locale.punctuation_in_quote
        self.marks: QuoteMarks | None = None

    def quote_marks(self) -> QuoteMarks:
        """The locale's outer and inner quotes, fetched on the first quotes met."""
        if self.marks is None:
            self.marks = _quote_marks(self.locale)
        return self.marks

    def walk(self, node: str | Box) -> None:
        """Flatten ``node`` (outside any formatting, quotes or field)."""
        if isinstance(node, str):
            if node:
                self.text(node, (), 0)
        else:
            self.box(node, (), (False, False, False, 0), 0)

    def add(self, text: str, field: int) -> None:
        """A piece of text (not empty), its seam fixed against the pieces before it."""
        pieces = self.pieces
        first = text[0]
        if first in _SEAM_STARTS and pieces:
            end = pieces[-1][-1:]
            quote_at = self.quote_at
            if (end in _SEAM_ENDS and (not end or end + first in _MEETING)) or (
                quote_at and len(pieces) - 1 in quote_at
            ):
                text = self.seam(text, field)
                if not text:
                    return
        pieces.append(text)

    def text(self, text: str, layers: Layers, field: int) -> None:
        """``text`` (not empty): Unicode superscript characters become superscript
        spans (as citeproc-js does), each in a layer of its own."""
        if text.isascii() or not has_superscript(text):
            self.add(text, field)
            return
        segments = self.segments
        plain = ""
        for char in text:
            raised = SUPERSCRIPTS.get(char)
            if raised is None:
                plain += char
                continue
            if plain:
                self.add(plain, field)
                plain = ""
            segments.append((len(self.pieces), (*layers, _Layer(_RAISED)), field))
            self.add(raised, field)
            segments.append((len(self.pieces), layers, field))
        if plain:
            self.add(plain, field)

    def field_at(self, index: int) -> int:
        """The field of the piece at ``index``."""
        for start, _, field in reversed(self.segments):
            if start <= index:
                return field
        return 0

    def seam(self, text: str, field: int) -> str:
        """``text`` (opening with punctuation or a space) where it meets the pieces before.

        Merges duplicated punctuation (editing the end of the last text
        piece), moves punctuation into a closing quote when the locale asks
        for it, and drops a space after a space.  Pieces of one field never
        meet here: a field's own punctuation is the writer's.
        """
        pieces, quote_at = self.pieces, self.quote_at
        previous = len(pieces) - 1
        index = previous  # the last text piece (quote marks are not text)
        while index in quote_at:
            index -= 1
            if index < 0:
                return text
        if field and field == self.field_at(previous):
            return text
        first = text[0]
        inner = pieces[index]
        inner_last = inner[-1:]
        quoted = quote_at.get(previous) == "cq"
        if first in _PUNCT:
            if quoted:
                move = self.punctuation_in_quote and first in ".,!?" and field != _AFFIX_FIELD
                action = merge_punctuation(inner_last, first) if inner_last in _PUNCT else "both"
                if move:
                    text = text[1:]
                    if action == "replace":
                        pieces[index] = inner[:-1] + first
                    elif action == "both":
                        pieces[index] = inner + first
                elif action == "drop":
                    text = text[1:]
            elif inner_last in _PUNCT:
                action = merge_punctuation(inner_last, first)
                if action == "drop":
                    text = text[1:]
                elif action == "replace":
                    host = self.quoted_before(index)
                    if host >= 0 and _moves_into(
                        pieces[host], inner, first, self.punctuation_in_quote
                    ):
                        # '"colon":' + '!' -> '"colon!"': the replacing mark goes inside.
                        pieces[index] = ""
                        pieces[host] += first
                    else:
                        pieces[index] = inner[:-1] + first
                    text = text[1:]
        elif first == " " and not quoted and inner_last == " ":
            text = text[1:]
        return text

    def quoted_before(self, index: int) -> int:
        """The quoted text piece that the piece at ``index`` follows right after
        its closing quote (-1 unless that piece comes just after a closing quote)."""
        quote_at = self.quote_at
        if quote_at.get(index - 1) != "cq":
            return -1
        for before in range(index - 2, -1, -1):
            if before not in quote_at:
                return before
        return -1

    def mark(self, mark: str, kind: str) -> None:
        """A quote mark: a piece of its own, never merged with text at a seam."""
        self.quote_at[len(self.pieces)] = kind
        self.pieces.append(mark)

    def box(self, node: Box, layers: Layers, font: Font, field: int) -> None:
        """A box with formatting, display, quotes or a field of its own around its kids."""
        inner_field = field
        tag = node.tag
        if tag == "field":
            inner_field = id(node)
        elif tag == CITE_AFFIX:
            inner_field = _AFFIX_FIELD
        inner = layers
        italic, bold, small_caps, quote_depth = font
        if node.fmt is not None or node.display:
            inner, italic, bold, small_caps = self.formatted(node, layers, italic, bold, small_caps)
        changed = inner is not layers or inner_field != field
        if changed:
            self.segment(inner, inner_field)
        closing = ""
        if node.quotes:
            # citeproc-js renders typed curly single quotes outside all quotes with
            # the inner marks, and flip-flops whatever they enclose from there.
            depth = 1 if quote_depth == 0 and tag == "inner-quote" else quote_depth
            outer_marks, inner_marks = self.quote_marks()
            marks = outer_marks if depth % 2 == 0 else inner_marks
            if marks[0]:
                self.mark(marks[0], "oq")
            closing = marks[1]
            quote_depth = depth + 1
        self.kids(node.kids, inner, (italic, bold, small_caps, quote_depth), inner_field)
        if closing:
            self.mark(closing, "cq")
        if changed:
            self.segment(layers, field)

    def segment(self, layers: Layers, field: int) -> None:
        """The pieces from here on are in ``layers`` and ``field``.

        A segment that would hold no piece is replaced rather than kept: an
        entry opens and closes formatted boxes back to back (the label's
        margin, then the text's), and each empty segment would cost the
        assembly a turn for nothing.
        """
        segments = self.segments
        start = len(self.pieces)
        if segments[-1][0] == start:
            segments[-1] = (start, layers, field)
        else:
            segments.append((start, layers, field))

    def kids(self, kids: list[str | Box], layers: Layers, font: Font, field: int) -> None:
        """The kids of a box, in its layers and field.

        Most kids are strings, and most boxes are plain (no formatting,
        display, quotes or field of their own): a plain box's kids are
        walked here directly, one call per box whatever it holds.
        """
        pieces = self.pieces
        quote_at = self.quote_at
        for kid in kids:
            if isinstance(kid, str):
                if not kid:
                    continue
                if not kid.isascii():  # no superscript character is ASCII
                    self.text(kid, layers, field)
                    continue
                first = kid[0]
                if first in _SEAM_STARTS and pieces:
                    # what :meth:`add` does, written out
                    end = pieces[-1][-1:]
                    if (end in _SEAM_ENDS and (not end or end + first in _MEETING)) or (
                        quote_at and len(pieces) - 1 in quote_at
                    ):
                        kid = self.seam(kid, field)
                        if not kid:
                            continue
                pieces.append(kid)
            elif (
                kid.fmt is None
                and not kid.display
                and not kid.quotes
                and kid.tag not in _FIELD_TAGS
            ):
                self.kids(kid.kids, layers, font, field)
            else:
                self.box(kid, layers, font, field)

    def formatted(
        self,
        node: Box,
        layers: Layers,
        italic: bool,
        bold: bool,
        small_caps: bool,
    ) -> tuple[Layers, bool, bool, bool]:
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
            layers = (*layers, _Layer(span_format(attrs)))
        return layers, italic, bold, small_caps


QuoteMarks = tuple[tuple[str, str], tuple[str, str]]
_QUOTE_MARKS: dict[int, tuple[Locale, QuoteMarks]] = {}
""":func:`_quote_marks` by ``id(locale)``, with the locale (so the id stays its own)."""


def _quote_marks(locale: Locale) -> QuoteMarks:
    """The outer and inner quote marks of ``locale``, looked up once per locale
    (a locale is not changed once built; most entries of a bibliography quote
    a title, and the four term lookups cost a microsecond each time)."""
    kept = _QUOTE_MARKS.get(id(locale))
    if kept is None or kept[0] is not locale:
        if len(_QUOTE_MARKS) >= 64:  # a bound: a process meets few locales
            _QUOTE_MARKS.clear()
        kept = _QUOTE_MARKS[id(locale)] = (locale, (locale.outer_quotes, locale.inner_quotes))
    return kept[1]


def _has_romanesque(node: str | Box) -> bool:
    """Whether any text of ``node`` is in a script set in italics (the first leaf
    with a letter or digit usually says; the whole text is never built)."""
    if isinstance(node, str):
        return _ROMANESQUE.search(node) is not None
    for kid in node.kids:  # noqa: SIM110 (a loop: no generator per box)
        if _has_romanesque(kid):
            return True
    return False


def _moves_into(quoted: str, previous: str, mark: str, punctuation_in_quote: bool) -> bool:
    """Whether ``mark``, replacing the lone mark ``previous`` just after the quoted
    text ``quoted``, belongs inside the closing quote."""
    if not punctuation_in_quote or mark not in ".,!?" or len(previous) != 1:
        return False
    return quoted[-1:] not in _PUNCT


def _assemble(pieces: list[str], segments: list[Segment]) -> Rich:
    """Rich text of the fixed pieces, in one pass over the segments, without recursion.

    The spans open around a segment are its layers.  A segment sharing its
    layers tuple with the one before (the usual case: the pieces on either
    side of a field) only adds its text; otherwise the spans the two do not
    share (compared by identity, level by level) are closed and the new
    segment's opened.  Texts next to each other in one span join into one
    :class:`Text`; a segment without text opens nothing.
    """
    root: list[Rich] = []
    frames: list[list[Rich]] = [root]  # the children of each open span, outermost first
    current: Layers = ()
    texts: list[str] = []  # text of the innermost open span not yet in a Text
    last = len(segments) - 1
    for number, (start, layers, _) in enumerate(segments):
        stop = segments[number + 1][0] if number < last else len(pieces)
        if stop - start == 1:
            text = pieces[start]
        elif stop > start:
            text = "".join(pieces[start:stop])
        else:
            continue
        if not text:
            continue
        if layers is not current:
            shared = 0
            limit = min(len(layers), len(current))
            while shared < limit and layers[shared] is current[shared]:
                shared += 1
            if shared < len(current) or shared < len(layers):
                if texts:
                    frames[-1].append(Text("".join(texts)))
                    texts = []
                for depth in range(len(current) - 1, shared - 1, -1):
                    children = frames.pop()
                    frames[-1].append(span_of(tuple(children), current[depth].fmt))
                for _ in range(shared, len(layers)):
                    frames.append([])
            current = layers
        texts.append(text)
    if texts:
        frames[-1].append(Text("".join(texts)))
    for depth in range(len(current) - 1, -1, -1):
        children = frames.pop()
        frames[-1].append(span_of(tuple(children), current[depth].fmt))
    if len(root) == 1:
        return root[0]
    return span_of(tuple(root), NO_FORMAT)


_LEFT_MARGIN = span_format({"display": "left-margin"})
_RIGHT_INLINE = span_format({"display": "right-inline"})


def to_rich_aligned(label: Out, text: Out | None, locale: Locale) -> Rich:
    """A second-field-align entry: ``label`` in the left margin, ``text`` (if any) beside it.

    The same rich text as :func:`to_rich` of ``Box([Box([label],
    display="left-margin"), Box([text], display="right-inline")])``, without
    building those three boxes for every entry of a numbered bibliography
    nor working out the two displays' formatting again each time.
    """
    flattener = _Flattener(locale)
    font: Font = (False, False, False, 0)
    margin = (_Layer(_LEFT_MARGIN),)
    flattener.segment(margin, 0)
    flattener.kids([label], margin, font, 0)
    if text is not None:
        inline = (_Layer(_RIGHT_INLINE),)
        flattener.segment(inline, 0)
        flattener.kids([text], inline, font, 0)
    return _assemble(flattener.pieces, flattener.segments)


def to_rich(node: str | Box | None, locale: Locale) -> Rich:
    """Flatten an output tree into rich text with the seams fixed."""
    if node is None:
        return Span(())
    flattener = _Flattener(locale)
    flattener.walk(node)
    return _assemble(flattener.pieces, flattener.segments)

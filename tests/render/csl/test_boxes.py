"""Flattening output trees: punctuation seams, quotes and flip-flop."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import citekit
from citekit.formats import read_string
from citekit.render.csl import bibliography
from citekit.render.csl.boxes import (
    _MEETING,
    CITE_AFFIX,
    MARKUP,
    STANDING_IN,
    Box,
    _Flattener,
    _has_romanesque,
    copy_box,
    tagged_box,
    to_rich,
    to_rich_aligned,
)
from citekit.render.csl.locale import Locale, build_locale
from citekit.render.csl.markup import parse_markup
from citekit.render.csl.numbers import has_superscript
from citekit.render.csl.style import Formatting
from citekit.render.richtext import SUPERSCRIPTS, Rich, Span, Text, merge_punctuation, to_html
from citekit.styles.catalog import locale_loader as bundled_locale_xml

EN = build_locale("en-US", (), bundled_locale_xml, [])
ITALIC = Formatting(font_style="italic")


def test_duplicate_periods_merge_at_seams() -> None:
    assert to_html(to_rich(Box(["Ed.", "."]), EN)) == "Ed."
    assert to_html(to_rich(Box(["Why?", "."]), EN)) == "Why?"
    assert to_html(to_rich(Box(["a;", ":"]), EN)) == "a;"


def test_punctuation_moves_inside_quotes_for_english() -> None:
    tree = Box([Box(["Title"], quotes=True), ", next"])
    assert to_html(to_rich(tree, EN)) == "\u201cTitle,\u201d next"


def test_nested_quotes_alternate() -> None:
    tree = Box([Box(["a ", Box(["b"], quotes=True), " c"], quotes=True)])
    assert to_html(to_rich(tree, EN)) == "\u201ca \u2018b\u2019 c\u201d"


def test_field_markup_flips_inside_italics() -> None:
    tree = Box([Box(["One ", Box(["Two"], ITALIC, tag=MARKUP), " Three"], ITALIC)])
    assert to_html(to_rich(tree, EN)) == (
        '<i>One <span style="font-style:normal;">Two</span> Three</i>'
    )


def test_style_formatting_nests_without_flipping() -> None:
    """A group in italics around a title in italics stays italic (citeproc-js)."""
    tree = Box([Box(["One ", Box(["Two"], ITALIC), " Three"], ITALIC)])
    assert to_html(to_rich(tree, EN)) == "<i>One <i>Two</i> Three</i>"
    title = parse_markup("A <i>b</i> c")
    assert to_html(to_rich(Box([Box([Box([title], ITALIC)], ITALIC)]), EN)) == (
        '<i><i>A <span style="font-style:normal;">b</span> c</i></i>'
    )


def test_field_markup_becomes_boxes() -> None:
    tree = parse_markup('A <i>b</i> "quoted" it\'s')
    assert to_html(to_rich(tree, EN)) == "A <i>b</i> \u201cquoted\u201d it\u2019s"
    assert parse_markup("plain") == "plain"


def test_typed_curly_single_quotes_stay_inner_outside_quotes() -> None:
    """citeproc-js takes a typed curly single quote for the locale's inner mark.

    Outside any quotes it keeps the inner marks (suite fixture
    flipflop_LeadingMarkupWithApostrophe) and what it encloses flips to the
    outer marks; inside outer quotes it is inner as usual, and straight single
    quotes at the top level still become the outer marks.
    """

    def render(text: str, quoted: bool = False) -> str:
        field = parse_markup(text)
        return to_html(to_rich(Box([field], quotes=quoted), EN))

    assert render("meaning \u2018God willing\u2019.") == "meaning \u2018God willing\u2019."
    assert render('\u2018a "b" c\u2019') == "\u2018a \u201cb\u201d c\u2019"
    assert render("\u2018Parmenides\u2019 and", quoted=True) == (
        "\u201c\u2018Parmenides\u2019 and\u201d"
    )
    assert render("meaning 'God willing'") == "meaning \u201cGod willing\u201d"


# ---------------------------------------------------------------- the reference flattening
#
# The flattening as it was before the single pass (walk to one list per run,
# then a loop fixing the seams, then a recursive build): the oracle the
# single pass must agree with, byte for byte.


class _RefLayer:
    def __init__(self, attrs: dict[str, object]) -> None:
        self.attrs = attrs


_PUNCT = ".,;:!?"


class _Reference:
    def __init__(self, locale: Locale) -> None:
        self.runs: list[list[Any]] = []
        self.outer = locale.outer_quotes
        self.inner = locale.inner_quotes

    def text_run(self, text: str, layers: tuple[_RefLayer, ...], field: int) -> None:
        if text.isascii() or not has_superscript(text):
            self.runs.append([text, layers, "", field])
            return
        plain = ""
        for char in text:
            raised = SUPERSCRIPTS.get(char)
            if raised is None:
                plain += char
                continue
            if plain:
                self.runs.append([plain, layers, "", field])
                plain = ""
            self.runs.append([raised, (*layers, _RefLayer({"superscript": True})), "", field])
        if plain:
            self.runs.append([plain, layers, "", field])

    def walk(
        self,
        node: str | Box,
        layers: tuple[_RefLayer, ...],
        font: tuple[bool, bool, bool],
        quote_depth: int,
        field: int,
    ) -> None:
        if isinstance(node, str):
            if node:
                self.text_run(node, layers, field)
            return
        if node.tag == "field":
            field = id(node)
        elif node.tag == CITE_AFFIX:
            field = -1
        if node.fmt is not None or node.display:
            layers, font = self.formatted(node, layers, font)
        closing = ""
        if node.quotes:
            depth = 1 if quote_depth == 0 and node.tag == "inner-quote" else quote_depth
            marks = self.outer if depth % 2 == 0 else self.inner
            if marks[0]:
                self.runs.append([marks[0], layers, "oq", field])
            closing = marks[1]
            quote_depth = depth + 1
        for kid in node.kids:
            self.walk(kid, layers, font, quote_depth, field)
        if closing:
            self.runs.append([closing, layers, "cq", field])

    def formatted(
        self, node: Box, layers: tuple[_RefLayer, ...], font: tuple[bool, bool, bool]
    ) -> tuple[tuple[_RefLayer, ...], tuple[bool, bool, bool]]:
        italic, bold, small_caps = font
        attrs: dict[str, object] = {}
        fmt = node.fmt
        if fmt is not None:
            flips = node.tag == MARKUP
            style = fmt.font_style
            if style is not None and node.tag != STANDING_IN and not _has_romanesque(node):
                style = None
            if style in ("italic", "oblique"):
                italic = not (italic and flips)
                attrs["italic"] = italic
            elif style == "normal" and italic:
                attrs["italic"] = italic = False
            if fmt.font_weight == "bold":
                bold = not (bold and flips)
                attrs["bold"] = bold
            elif fmt.font_weight == "normal" and bold:
                attrs["bold"] = bold = False
            if fmt.font_variant == "small-caps":
                small_caps = not (small_caps and flips)
                attrs["small_caps"] = small_caps
            elif fmt.font_variant == "normal" and small_caps:
                attrs["small_caps"] = small_caps = False
            if fmt.text_decoration == "underline":
                attrs["underline"] = True
            align = {"sup": "superscript", "sub": "subscript", "baseline": "baseline"}
            if fmt.vertical_align in align:
                attrs[align[fmt.vertical_align]] = True
        if node.display:
            attrs["display"] = node.display
        if attrs:
            layers = (*layers, _RefLayer(attrs))
        return layers, (italic, bold, small_caps)


def _reference_fix(runs: list[list[Any]], punctuation_in_quote: bool) -> None:
    last_text: list[Any] | None = None
    previous: list[Any] | None = None
    after_quote: dict[int, list[Any]] = {}
    for run in runs:
        text: str = run[0]
        kind = run[2]
        if (
            text[0] in _PUNCT + " "
            and kind == ""
            and previous is not None
            and last_text is not None
        ):
            first = text[0]
            inner: str = last_text[0]
            inner_last = inner[-1:]
            quoted = previous[2] == "cq"
            if run[3] and run[3] == previous[3]:
                pass
            elif first in _PUNCT:
                if quoted:
                    move = punctuation_in_quote and first in ".,!?" and run[3] != -1
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
                    inside = (
                        host is not None
                        and punctuation_in_quote
                        and first in ".,!?"
                        and len(inner) == 1
                        and host[0][-1:] not in _PUNCT
                    )
                    if action == "drop":
                        text = text[1:]
                    elif action == "replace" and inside:
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


def _reference_build(runs: list[list[Any]], depth: int) -> list[Rich]:
    result: list[Rich] = []
    texts: list[str] = []
    index = 0
    while index < len(runs):
        layers = runs[index][1]
        if len(layers) <= depth:
            texts.append(runs[index][0])
            index += 1
            continue
        end = index + 1
        while (
            end < len(runs) and len(runs[end][1]) > depth and runs[end][1][depth] is layers[depth]
        ):
            end += 1
        children = _reference_build(runs[index:end], depth + 1)
        if children:
            if "".join(texts):
                result.append(Text("".join(texts)))
            texts = []
            result.append(Span(tuple(children), **layers[depth].attrs))
        index = end
    if "".join(texts):
        result.append(Text("".join(texts)))
    return result


def _reference_to_rich(node: str | Box, locale: Locale) -> Rich:
    reference = _Reference(locale)
    reference.walk(node, (), (False, False, False), 0, 0)
    _reference_fix(reference.runs, locale.punctuation_in_quote)
    children = _reference_build([run for run in reference.runs if run[0]], 0)
    return children[0] if len(children) == 1 else Span(tuple(children))


# ---------------------------------------------------------------- random trees

_FORMATS = st.sampled_from(
    [
        None,
        ITALIC,
        Formatting(font_style="normal"),
        Formatting(font_weight="bold"),
        Formatting(font_variant="small-caps"),
        Formatting(vertical_align="sup"),
        Formatting(text_decoration="underline"),
    ]
)
# every character a seam looks at, quote-like marks, a superscript, a CJK letter
_LEAVES = st.text(alphabet='ab .,;:!?"’x²漢', max_size=4)
_TREES = st.recursive(
    _LEAVES,
    lambda kids: st.builds(
        lambda children, fmt, quotes, tag, display: Box(list(children), fmt, quotes, display, tag),
        st.lists(kids, max_size=4),
        _FORMATS,
        st.booleans(),
        st.sampled_from(
            [None, None, MARKUP, "field", "term", CITE_AFFIX, STANDING_IN, "inner-quote"]
        ),
        st.sampled_from([None, None, None, "block", "left-margin"]),
    ),
    max_leaves=16,
)
LOCALES = {
    "en-US": EN,  # punctuation in quotes
    "en-GB": build_locale("en-GB", (), bundled_locale_xml, []),  # outside, inner marks swapped
    "fr-FR": build_locale("fr-FR", (), bundled_locale_xml, []),  # spaced guillemets
}


@settings(max_examples=400, deadline=None)
@given(_TREES, st.sampled_from(sorted(LOCALES)))
def test_the_single_pass_flattens_as_the_walk_fix_and_build_did(tree: str | Box, lang: str) -> None:
    """Fixing each seam as its piece arrives, skipping the seams that need no fix
    and building without recursion give the same rich text as the three passes."""
    locale = LOCALES[lang]
    assert to_rich(tree, locale) == _reference_to_rich(tree, locale)


@settings(max_examples=200, deadline=None)
@given(_TREES, st.none() | _TREES, st.sampled_from(sorted(LOCALES)))
def test_an_aligned_entry_flattens_as_its_display_boxes_do(
    label: str | Box, text: str | Box | None, lang: str
) -> None:
    """A second-field-align entry made without its wrapping boxes is the rich
    text of those boxes."""
    parts: list[str | Box] = [Box([label], display="left-margin")]
    if text is not None:
        parts.append(Box([text], display="right-inline"))
    locale = LOCALES[lang]
    assert to_rich_aligned(label, text, locale) == to_rich(Box(parts), locale)


_PIECES = st.text(alphabet="ab.,;:!? ", min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(_PIECES, _PIECES, st.booleans())
def test_a_seam_outside_the_meeting_pairs_needs_no_fix(before: str, text: str, piq: bool) -> None:
    """The walk asks :meth:`_Flattener.seam` only about the pairs in ``_MEETING``
    (or after a quote mark, or an emptied piece): for every other pair of text
    pieces, asking changes nothing."""
    flattener = _Flattener(LOCALES["en-US" if piq else "en-GB"])
    flattener.pieces.append(before)
    fixed = flattener.seam(text, 0)
    if before[-1] + text[0] not in _MEETING:
        assert (fixed, flattener.pieces) == (text, [before])


def test_quote_marks_that_are_empty_add_no_piece() -> None:
    flattener = _Flattener(EN)
    flattener.marks = (("", ""), ("", ""))
    flattener.walk(Box(["a", Box(["b"], quotes=True), ", c"]))
    assert flattener.pieces == ["a", "b", ", c"]
    assert not flattener.quote_at


def test_quote_marks_are_looked_up_only_for_quotes() -> None:
    flattener = _Flattener(EN)
    flattener.walk(Box(["a", Box([Box(["b"], ITALIC)]), ", c"]))
    assert flattener.marks is None
    flattener.walk(Box([Box(["q"], quotes=True)]))
    assert flattener.marks == (EN.outer_quotes, EN.inner_quotes)


def _boxes(node: str | Box) -> list[Box]:
    if isinstance(node, str):
        return []
    return [node, *(box for kid in node.kids for box in _boxes(kid))]


@settings(max_examples=100, deadline=None)
@given(_TREES)
def test_a_copied_box_flattens_the_same_and_shares_no_box(tree: str | Box) -> None:
    """Markup is parsed once and copied per use: the copy is the same tree,
    and editing it (as later passes do) leaves the original alone."""
    root = tree if isinstance(tree, Box) else Box([tree])
    copy = copy_box(root)
    assert to_rich(copy, EN) == to_rich(root, EN)
    originals = {id(box) for box in _boxes(root)} | {id(box.kids) for box in _boxes(root)}
    copies = {id(box) for box in _boxes(copy)} | {id(box.kids) for box in _boxes(copy)}
    assert not originals & copies


@pytest.mark.parametrize("style", ["ieee", "apa", "chicago-notes-bibliography"])
def test_corpus_entries_flatten_as_the_reference_does(
    shared: Path, style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every entry of a corpus slice, as the bibliography lays it out, flattens
    to the reference's rich text (a differential test over real output)."""
    text = (shared / "corpus" / "cdl.bib").read_text(encoding="utf-8")
    records = text.split("\n@")[:400]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        library = read_string("\n@".join(records), "biblatex").library
    compared: list[int] = []

    def both(node: Box | str | None, locale: Locale) -> Rich:
        fast = to_rich(node, locale)
        assert node is not None
        assert fast == _reference_to_rich(node, locale)
        compared.append(1)
        return fast

    def aligned(label: Box | str, text: Box | str | None, locale: Locale) -> Rich:
        parts: list[str | Box] = [Box([label], display="left-margin")]
        if text is not None:
            parts.append(Box([text], display="right-inline"))
        return both(Box(parts), locale)

    monkeypatch.setattr(bibliography, "to_rich", both)
    monkeypatch.setattr(bibliography, "to_rich_aligned", aligned)
    result = citekit.render(library, style=style)
    assert len(compared) >= len(result.bibliography) > 300


_SLOTS = ("kids", "fmt", "quotes", "display", "tag", "nocase")


@settings(max_examples=100, deadline=None)
@given(st.lists(_TREES, max_size=3), st.sampled_from(["term", "title", "names", "year-suffix"]))
def test_a_tagged_box_is_the_box_the_constructor_makes(kids: list[str | Box], tag: str) -> None:
    """``tagged_box`` stores every slot as ``Box(kids, tag=tag)`` does, and flattens alike."""
    fast, slow = tagged_box(kids, tag), Box(kids, tag=tag)
    assert type(fast) is type(slow)
    assert [getattr(fast, slot) for slot in _SLOTS] == [getattr(slow, slot) for slot in _SLOTS]
    assert set(_SLOTS) == set(Box.__slots__)  # a new slot must be set by tagged_box too
    assert to_rich(fast, EN) == to_rich(slow, EN)

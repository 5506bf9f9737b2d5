"""Flattening output trees: punctuation seams, quotes and flip-flop."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.csl.boxes import MARKUP, Box, _build, _Flattener, copy_box, to_rich
from citekit.render.csl.locale import build_locale
from citekit.render.csl.markup import parse_markup
from citekit.render.csl.style import Formatting
from citekit.render.richtext import Rich, Span, Text, to_html
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


_FORMATS = st.sampled_from(
    [None, ITALIC, Formatting(font_weight="bold"), Formatting(vertical_align="sup")]
)
_LEAVES = st.text(alphabet='ab .,;"’x²', max_size=4)
_TREES = st.recursive(
    _LEAVES,
    lambda kids: st.builds(
        lambda children, fmt, quotes, tag, display: Box(list(children), fmt, quotes, display, tag),
        st.lists(kids, max_size=4),
        _FORMATS,
        st.booleans(),
        st.sampled_from([None, MARKUP, "field", "term"]),
        st.sampled_from([None, None, "block"]),
    ),
    max_leaves=14,
)


def _build_one_by_one(runs: list[list[object]], depth: int) -> list[Rich]:
    """Spans built run by run, each text merged into a Text just before it."""
    result: list[Rich] = []
    index = 0
    while index < len(runs):
        text, layers = runs[index][0], runs[index][1]
        assert isinstance(text, str) and isinstance(layers, tuple)
        if len(layers) <= depth:
            if result and isinstance(result[-1], Text):
                result[-1] = Text(result[-1].text + text)
            elif text:
                result.append(Text(text))
            index += 1
            continue
        end = index + 1
        while end < len(runs):
            other = runs[end][1]
            assert isinstance(other, tuple)
            if len(other) <= depth or other[depth] is not layers[depth]:
                break
            end += 1
        children = _build_one_by_one(runs[index:end], depth + 1)
        if children:
            result.append(Span(tuple(children), **layers[depth].attrs))
        index = end
    return result


@settings(max_examples=200, deadline=None)
@given(_TREES)
def test_spans_are_built_as_run_by_run_merging_builds_them(tree: str | Box) -> None:
    flattener = _Flattener(EN)
    flattener.walk(tree, (), False, False, False, 0)
    runs = [run for run in flattener.runs if run[0]]
    assert _build(runs, 0, len(runs), 0) == _build_one_by_one(runs, 0)


@settings(max_examples=200, deadline=None)
@given(_TREES)
def test_the_walk_leaves_no_empty_run(tree: str | Box) -> None:
    """``to_rich`` fixes punctuation on the walk's runs as they come: none may be empty."""
    flattener = _Flattener(EN)
    flattener.walk(tree, (), False, False, False, 0)
    assert all(run[0] for run in flattener.runs)


def test_quote_marks_that_are_empty_add_no_run() -> None:
    flattener = _Flattener(EN)
    flattener.outer = ("", "")
    flattener.walk(Box(["a", Box(["b"], quotes=True), ", c"]), (), False, False, False, 0)
    assert [run[0] for run in flattener.runs] == ["a", "b", ", c"]


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

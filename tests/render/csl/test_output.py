"""Flattening output trees: punctuation seams, quotes and flip-flop."""

from __future__ import annotations

from citekit.render.csl.bundled import bundled_locale_xml
from citekit.render.csl.locale import build_locale
from citekit.render.csl.markup import parse_markup
from citekit.render.csl.output import Box, to_rich
from citekit.render.csl.style import Formatting
from citekit.render.richtext import to_html

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


def test_italics_flip_flop() -> None:
    tree = Box([Box(["One ", Box(["Two"], ITALIC), " Three"], ITALIC)])
    assert to_html(to_rich(tree, EN)) == (
        '<i>One <span style="font-style:normal;">Two</span> Three</i>'
    )


def test_field_markup_becomes_boxes() -> None:
    tree = parse_markup('A <i>b</i> "quoted" it\'s')
    assert to_html(to_rich(tree, EN)) == "A <i>b</i> \u201cquoted\u201d it\u2019s"
    assert parse_markup("plain") == "plain"

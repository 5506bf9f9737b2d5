"""Numbers, ordinals, roman numerals and page ranges."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.csl import numbers
from citekit.render.csl.locale import build_locale
from citekit.render.csl.numbers import (
    format_labelled_number,
    format_number,
    format_page_range,
    has_superscript,
    is_numeric,
    is_plural,
    ordinal_suffix,
    roman,
)
from citekit.render.richtext import SUPERSCRIPTS
from citekit.styles.catalog import locale_loader as bundled_locale_xml

EN = build_locale("en-US", (), bundled_locale_xml, [])


@pytest.mark.parametrize("value", ["12", "12a", "12-15", "2nd", "3, 5 & 7", "L2"])
def test_numeric_values(value: str) -> None:
    assert is_numeric(value)


@pytest.mark.parametrize("value", ["second", "", "12 ff. and more words"])
def test_non_numeric_values(value: str) -> None:
    assert not is_numeric(value)


def test_plural_detection() -> None:
    assert is_plural("12-15") and is_plural("3, 5") and is_plural("i-ix")
    assert not is_plural("12") and not is_plural("3-B")


@pytest.mark.parametrize(
    ("number", "suffix"), [(1, "st"), (2, "nd"), (3, "rd"), (4, "th"), (11, "th"), (12, "th"),
                           (13, "th"), (21, "st"), (101, "st"), (111, "th")]
)  # fmt: skip
def test_english_ordinals(number: int, suffix: str) -> None:
    assert ordinal_suffix(number, EN) == suffix


def test_number_forms() -> None:
    assert format_number("3", "long-ordinal", EN) == "third"
    assert format_number("14", "roman", EN) == "xiv"
    assert format_number("2-4", "ordinal", EN) == "2nd\u20134th"
    assert roman(1994) == "mcmxciv"


def test_embedded_labels_keep_the_form_on_the_head_only() -> None:
    assert format_labelled_number("7, p. 3-8", "ordinal", EN) == "7th, pp. 3\u20138"
    assert format_labelled_number("2, vol. 4", "roman", EN) == "ii, vol. 4"


@pytest.mark.parametrize("value", ["7", "7, 9", "7, rev. 2", "7, p. next", "second, p. 3"])
def test_values_without_known_embedded_labels_are_left_to_format_number(value: str) -> None:
    assert format_labelled_number(value, "ordinal", EN) is None


@pytest.mark.parametrize(
    ("style", "value", "expected"),
    [
        ("expanded", "42-5", "42\u201345"),
        ("minimal", "321-328", "321\u20138"),
        ("minimal-two", "321-328", "321\u201328"),
        ("chicago", "1496-1504", "1496\u20131504"),
        ("chicago", "101-108", "101\u20138"),
        ("chicago-16", "1496-1504", "1496\u2013504"),
        ("expanded", "N110-5", "N110-5"),
        ("expanded", "N110-N5", "N110\u2013N115"),
        (None, "3-10", "3\u201310"),
    ],
)
def test_page_ranges(style: str | None, value: str, expected: str) -> None:
    assert format_page_range(value, style) == expected


_ANY_SUPERSCRIPT = re.compile("[" + re.escape("".join(SUPERSCRIPTS)) + "]")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "1", " ", "é", "—", *SUPERSCRIPTS][:40])))
def test_has_superscript_says_what_a_search_of_every_superscript_says(text: str) -> None:
    """The ASCII shortcut answers as the full pattern would."""
    assert has_superscript(text) == bool(_ANY_SUPERSCRIPT.search(text))


def test_roman_letters_are_every_character_the_roman_patterns_match() -> None:
    """The shortcut's letters: what ``[ivxlcdm]`` ignoring case matches, in all of Unicode."""
    letter = re.compile(r"[ivxlcdm]", re.I)
    matched = {chr(code) for code in range(sys.maxunicode + 1) if letter.fullmatch(chr(code))}
    assert matched == numbers._ROMAN_LETTERS


_ROMAN_TEXT = st.text(
    alphabet=st.sampled_from(list("ivxIVXcm19 -,&\u2013\u0131\u0130a")), max_size=12
)


@settings(max_examples=200, deadline=None)
@given(_ROMAN_TEXT, st.sampled_from([None, "expanded", "minimal", "chicago-16"]))
def test_roman_shortcut_answers_as_the_patterns_alone(text: str, style: str | None) -> None:
    """Plurality and page ranges equal those of always searching for roman ranges."""
    answers = is_plural(text), format_page_range(text, style)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(numbers, "_may_hold_roman_range", lambda text: True)
        assert answers == (is_plural(text), format_page_range(text, style))

"""Text-case transforms."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.csl import textcase
from citekit.render.csl.boxes import Box
from citekit.render.csl.textcase import apply_case, transform


def test_title_case_keeps_stop_words_lower_except_first_and_after_colon() -> None:
    assert transform("the history of the world: a study", "title") == (
        "The History of the World: A Study"
    )


def test_title_case_leaves_capitalised_words() -> None:
    assert transform("writings on UK people and iPods", "title") == (
        "Writings on UK People and iPods"
    )


def test_sentence_and_capitalize() -> None:
    assert transform("ALL CAPS TITLE", "sentence") == "All caps title"
    assert transform("one two", "capitalize-first") == "One two"
    assert transform("one two", "capitalize-all") == "One Two"
    assert transform("Mixed", "uppercase") == "MIXED"


def test_nocase_spans_are_protected() -> None:
    box = Box(["a title with ", Box(["iPod"], nocase=True), " inside"])
    apply_case(box, "uppercase")
    assert box.kids[0] == "A TITLE WITH "
    inner = box.kids[1]
    assert isinstance(inner, Box) and inner.kids == ["iPod"]


def test_title_case_keeps_a_lone_letter_before_a_closing_bracket() -> None:
    """citeproc-js: "(n log n)", "(x)", "(n, k)" keep their lowercase letters."""
    assert transform("sorting in time (n log n) for (x) and (n, k)", "title") == (
        "Sorting in Time (n Log n) for (x) and (n, k)"
    )


def test_title_case_leaves_tex_commands_alone() -> None:
    assert transform("bounds on \\log n via \\emph{lazy} trees", "title") == (
        "Bounds on \\log n via \\emph{lazy} Trees"
    )


# ------------------------------------------------ fast paths keep the output


def _lower_each(text: str) -> str:
    """The definition: each character lowered, unless that changes its length."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _upper_each(text: str) -> str:
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


def test_lower_and_upper_match_the_per_character_definition_on_every_code_point() -> None:
    """Chunks of consecutive code points, so neighbours (final sigma) count too."""
    chars = "".join(map(chr, range(sys.maxunicode + 1)))
    for start in range(0, len(chars), 97):
        chunk = chars[start : start + 97]
        assert textcase._lower(chunk) == _lower_each(chunk)
        assert textcase._upper(chunk) == _upper_each(chunk)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aΣσς İıßﬁ ΑΒ-x.Y'’")))
def test_lower_and_upper_match_the_definition_around_sigma_and_long_cases(text: str) -> None:
    assert textcase._lower(text) == _lower_each(text)
    assert textcase._upper(text) == _upper_each(text)


_CASES = ("lowercase", "uppercase", "capitalize-first", "capitalize-all", "title", "sentence")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(alphabet="ab AB.:-'(", max_size=8), st.booleans()),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(_CASES),
)
def test_kept_case_results_equal_a_fresh_transform(
    pieces: list[tuple[str, bool]], case: str
) -> None:
    """A box recased from the kept results reads as the transform of its text."""

    def build() -> Box:
        return Box([Box([text], nocase=True) if prot else text for text, prot in pieces])

    protected = [prot for text, prot in pieces for _ in text]
    expected = textcase.transform("".join(t for t, _ in pieces), case, protected)
    for _ in range(2):  # the second time from the kept result
        box = apply_case(build(), case)
        assert isinstance(box, Box)
        assert _text_of(box) == expected


def _text_of(node: str | Box) -> str:
    return node if isinstance(node, str) else "".join(_text_of(k) for k in node.kids)

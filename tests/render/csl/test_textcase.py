"""Text-case transforms."""

from __future__ import annotations

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

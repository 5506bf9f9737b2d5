"""One rule for "did you mean ...?" suggestions."""

from __future__ import annotations

from citekit.base.suggestions import SUGGESTION_CUTOFF, closest_matches

KEYS = ["darwin1859", "darwin1871", "muller2001", "who2020", "smith_2020"]


def test_a_typo_suggests_the_closest_names_best_first() -> None:
    assert closest_matches("darwin1858", KEYS)[0] == "darwin1859"
    assert closest_matches("muler2001", KEYS) == ["muller2001"]


def test_case_or_underscore_differences_give_the_one_meant() -> None:
    assert closest_matches("DARWIN1859", KEYS) == ["darwin1859"]
    assert closest_matches("smith-2020", KEYS) == ["smith_2020"]
    assert closest_matches("ARTICLE_JOURNAL", ["article", "article-journal"]) == ["article-journal"]


def test_case_does_not_hide_a_close_name() -> None:
    names = ["chicago-author-date", "apa"]
    assert closest_matches("CHICAGO-AUTOR-DATE", names) == ["chicago-author-date"]


def test_unrelated_words_get_no_suggestion() -> None:
    assert closest_matches("zzzzzzzzzz", KEYS) == []
    assert closest_matches("x", []) == []


def test_at_most_n_and_no_repeats() -> None:
    many = [f"darwin18{n:02d}" for n in range(50)] + ["darwin1801"]
    found = closest_matches("darwin1800", many, n=2)
    assert len(found) == 2 and len(set(found)) == 2


def test_the_cutoff_is_one_documented_value() -> None:
    """0.6: 'apaa' is close to 'apa' (ratio 0.86), 'ab' is not close to 'apa' (0.4)."""
    assert SUGGESTION_CUTOFF == 0.6
    assert closest_matches("apaa", ["apa"]) == ["apa"]
    assert closest_matches("ab", ["apa"]) == []
    assert closest_matches("ab", ["apa"], cutoff=0.3) == ["apa"]

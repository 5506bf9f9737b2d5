"""Reading-load counting: page ranges, roman numerals, and refusing to guess."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekit.course.pages import ReadingLoad, count_pages, load_in_units, reading_load, roman_to_int


@pytest.mark.parametrize(
    ("locator", "pages"),
    [
        ("33-45, 50", 14),
        ("33–45, 50", 14),
        ("pp. 33-45; 50", 14),
        ("12", 1),
        ("1-10 and 20-21", 12),
        ("ix-xii", 4),
        ("IX–XII, 1-3", 7),
        ("xi", 1),
        ("123-45", 23),  # abbreviated second half: 123 to 145
        ("1099-101", 3),  # 1099 to 1101
        ("5--7", 3),
    ],
)
def test_counts_known_ranges(locator: str, pages: int) -> None:
    assert count_pages(locator) == pages


@pytest.mark.parametrize(
    "locator", [None, "", "45ff", "passim", "12-x", "x-12", "45-40", "chapter 3", "ivx"]
)
def test_unknown_when_not_a_plain_page_list(locator: str | None) -> None:
    assert count_pages(locator) is None


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("i", 1),
        ("iv", 4),
        ("ix", 9),
        ("xiv", 14),
        ("xl", 40),
        ("MCMXCIV", 1994),
        ("cd", 400),
    ],
)
def test_roman_numerals(numeral: str, value: int) -> None:
    assert roman_to_int(numeral) == value


@pytest.mark.parametrize("text", ["", "iiii", "vx", "abc", "ic"])
def test_not_roman(text: str) -> None:
    assert roman_to_int(text) is None


@given(st.integers(1, 5000), st.integers(0, 500))
def test_any_range_counts_inclusively(first: int, length: int) -> None:
    assert count_pages(f"{first}-{first + length}") == length + 1


@given(st.lists(st.tuples(st.integers(1, 900), st.integers(0, 90)), min_size=1, max_size=6))
def test_lists_of_ranges_add_up(ranges: list[tuple[int, int]]) -> None:
    text = ", ".join(f"{a}-{a + n}" if n else str(a) for a, n in ranges)
    assert count_pages(text) == sum(n + 1 for _, n in ranges)


def test_reading_load_splits_required_optional_and_unknown() -> None:
    load = reading_load([(14, True), (None, True), (20, False), (None, False), (3, True)])
    assert load == ReadingLoad(
        required_pages=17, optional_pages=20, unknown_required=1, unknown_optional=1
    )
    assert not load.complete
    assert load.describe() == "17 pages required, 20 optional (2 readings not counted)"


def test_load_descriptions() -> None:
    # Nothing counted says nothing: writers then leave the load line out.
    assert reading_load([]).describe() == ""
    assert reading_load([(None, True)]).describe() == ""
    assert not reading_load([(None, True)]).counted
    assert reading_load([(1, True)]).describe() == "1 page required"
    assert reading_load([(8, False)]).describe() == "8 pages optional"
    assert reading_load([(8, False)]).to_json()["complete"] is True


def test_loads_in_paragraphs_and_minutes_say_what_they_count() -> None:
    load = load_in_units(
        [
            (16, "paragraph", True),
            (1, "paragraph", False),
            (20, "minute", True),
            (None, "page", False),
        ]
    )
    assert load.describe() == (
        "16 paragraphs required, 1 optional; 20 minutes required (1 reading not counted)"
    )
    assert load.counted and load.amounts("minute") == (20, 0)
    total = load + reading_load([(5, True)])
    assert total.describe().startswith("5 pages required; 16 paragraphs required")
    with pytest.raises(ValueError, match="unknown unit"):
        load_in_units([(3, "verse", True)])

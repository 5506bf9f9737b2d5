"""BibTeX and BibLaTeX dates: what is a number, and what never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.formats.bibtex.dates import (
    _YEARS,
    _YEARS_LIMIT,
    MAX_DIGITS,
    _year_month_day,
    parse_date_field,
    parse_month,
    parse_year_month_day,
)
from citekit.model.records import Date


def test_classic_year_month_day() -> None:
    date, problems = parse_year_month_day("2017", "mar", "05")
    assert (date, problems) == (Date(parts=((2017, 3, 5),)), [])
    date, problems = parse_year_month_day("2017", "3", "32")
    assert date == Date(parts=((2017, 3),)) and problems == ["day"]


@pytest.mark.parametrize(
    "year", ["²017", "2017²", "٢٠١٧", "２０１７", "1" * (MAX_DIGITS + 1), "1" * 5000]
)
def test_a_year_that_is_not_ascii_digits_or_too_long_is_literal(year: str) -> None:
    date, problems = parse_year_month_day(year, "jan", "1")
    assert date == Date(literal=year)
    assert problems == ["year"]


def test_the_longest_numeric_year_is_still_a_number() -> None:
    date, _ = parse_year_month_day("9" * MAX_DIGITS, None, None)
    assert date is not None and date.parts == ((int("9" * MAX_DIGITS),),)


@pytest.mark.parametrize("month", ["²", "1²", "١", "1" * 5000])
def test_odd_months_are_not_understood(month: str) -> None:
    assert parse_month(month) is None
    date, problems = parse_year_month_day("2000", month, None)
    assert date == Date(parts=((2000,),)) and problems == ["month"]


@pytest.mark.parametrize("day", ["²", "1" * 5000, "٣"])
def test_odd_days_are_not_understood(day: str) -> None:
    date, problems = parse_year_month_day("2000", "feb", day)
    assert date == Date(parts=((2000, 2),)) and problems == ["day"]


@pytest.mark.parametrize(
    "text",
    [
        "²017",
        "1" * 5000,
        "1" * 5000 + "-01",
        "2017-0²",
        "2017/" + "2" * 5000,
        "19²X",
        "\ud800",
        "2020-01-01\ud800",
    ],
)
def test_a_date_field_that_is_no_date_is_none(text: str) -> None:
    assert parse_date_field(text) is None


def test_date_fields_still_read_edtf() -> None:
    assert parse_date_field("2020") == Date(parts=((2020,),))
    assert parse_date_field("2020-02-29") == Date(parts=((2020, 2, 29),))
    assert parse_date_field("19XX") == Date(parts=((1900,), (1999,)), raw="19XX")


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=30),
    st.one_of(st.none(), st.text(max_size=8)),
    st.one_of(st.none(), st.text(max_size=8)),
)
def test_no_text_raises(year: str, month: str | None, day: str | None) -> None:
    parse_date_field(year)
    if month is not None:
        parse_month(month)
    date, problems = parse_year_month_day(year, month, day)
    assert date is not None or not year
    assert set(problems) <= {"year", "month", "day"}


# Years around the fast path's edges: ASCII and other digits (², ٣), the
# length limit, signs, ranges, white space; months present, empty or absent.
_YEAR_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789²٣ -–/x\t")), max_size=MAX_DIGITS + 2),
    st.integers(min_value=0, max_value=10 ** (MAX_DIGITS + 1)).map(str),
)


@settings(max_examples=300, deadline=None)
@given(
    _YEAR_TEXT,
    st.one_of(st.none(), st.sampled_from(["", "mar", "March", "13", "jan~5"])),
    st.one_of(st.none(), st.sampled_from(["", "5", "40"])),
)
def test_a_year_alone_read_directly_is_what_the_full_reading_gives(
    year: str, month: str | None, day: str | None
) -> None:
    assert parse_year_month_day(year, month, day) == _year_month_day(year.strip(), month, day)


def test_the_table_of_years_stays_bounded() -> None:
    for year in range(_YEARS_LIMIT + 10):
        date, _ = parse_year_month_day(str(year), None, None)
        assert date == Date(parts=((year,),))
    assert len(_YEARS) <= _YEARS_LIMIT


@pytest.mark.parametrize(
    "text", ["1997-03-05T12:30:00", "1997-03-05T12:30+01:00", "1997-03-05T23:59:59Z"]
)
def test_a_date_with_a_time_keeps_the_time_for_the_writer(text: str) -> None:
    """CSL's date-parts hold no time of day: the raw text carries it back to biblatex."""
    date = parse_date_field(text)
    assert date is not None and date.parts == ((1997, 3, 5),)
    assert date.raw == text

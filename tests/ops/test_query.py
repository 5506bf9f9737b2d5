"""Filtering and looking up records."""

from __future__ import annotations

import pytest

from citekit.base.text import fold
from citekit.errors import UnknownKeyError, UsageError
from citekit.model.records import Library, Record
from citekit.ops.query import (
    YearRange,
    closest_keys,
    filter_records,
    find_record,
    first_author,
    parse_year_range,
    record_year,
    summarize,
)


@pytest.fixture
def library() -> Library:
    return Library(
        [
            Record(
                "darwin1859",
                "book",
                title="On the Origin of Species",
                author=[{"family": "Darwin", "given": "Charles"}],
                issued={"date-parts": [[1859, 11, 24]]},
                publisher="John Murray",
            ),
            Record(
                "muller2001",
                "article-journal",
                title="Über Zellen",
                author=[{"family": "Müller", "given": "Anna"}],
                issued="2001-05",
                **{"container-title": "Zeitschrift"},
            ),
            Record(
                "gogh1888",
                "letter-ish",
                title="Letters",
                editor=[{"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"}],
                issued={"raw": "1888/1890"},
            ),
            Record(
                "who2020",
                "report",
                title="World report",
                author=[{"literal": "World Health Organization"}],
                issued={"date-parts": [[2020]]},
                keyword="pandemic; health",
            ),
            Record("undated", "webpage", title="A page", URL="https://example.org/x"),
        ]
    )


def _keys(records: list[Record]) -> list[str]:
    return [r.key for r in records]


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Müller") == fold("MULLER") == "muller"
    assert fold("Ærø") == "aero"


def test_search_ignores_csl_markup() -> None:
    """A title read from BibTeX keeps ``{Trump}`` as a nocase span; search the words."""
    records = [
        Record(
            "t",
            "article-newspaper",
            title='<span class="nocase">Trump</span> Should Meet <i>Kim</i>',
            author=[{"family": "<i>Doe</i>", "given": "Jane"}],
        )
    ]
    assert _keys(filter_records(records, search="Trump Should Meet")) == ["t"]
    assert _keys(filter_records(records, search="trump should meet kim")) == ["t"]
    assert filter_records(records, search="nocase") == []
    assert filter_records(records, search="span") == []
    summary = summarize(records[0])
    assert summary.title == "Trump Should Meet Kim"
    assert summary.author == "Doe"


def test_search_does_not_match_across_values(library: Library) -> None:
    assert filter_records(library, search="zellen zeitschrift") == []


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        ("2001", 2001, 2001),
        ("2000-2010", 2000, 2010),
        ("2000..2010", 2000, 2010),
        ("2000–2010", 2000, 2010),
        ("2000-", 2000, None),
        ("-2010", None, 2010),
        (" 1999 - 2001 ", 1999, 2001),
    ],
)
def test_parse_year_range(spec: str, start: int | None, end: int | None) -> None:
    assert parse_year_range(spec) == YearRange(start, end)


@pytest.mark.parametrize("spec", ["", "-", "twenty", "2010-2000", "2000-2010-2020"])
def test_parse_year_range_rejects(spec: str) -> None:
    with pytest.raises(UsageError):
        parse_year_range(spec)


def test_year_range_contains() -> None:
    assert 2005 in YearRange(2000, 2010)
    assert 1999 not in YearRange(2000, None)
    assert 3000 in YearRange(2000, None)
    assert None not in YearRange(None, None)


def test_filter_by_type(library: Library) -> None:
    assert _keys(filter_records(library, type="book")) == ["darwin1859"]
    assert filter_records(library, type="chapter") == []


def test_filter_by_author_matches_editors_particles_and_literals(library: Library) -> None:
    assert _keys(filter_records(library, author="muller")) == ["muller2001"]
    assert _keys(filter_records(library, author="VAN GOGH")) == ["gogh1888"]
    assert _keys(filter_records(library, author="health org")) == ["who2020"]
    assert _keys(filter_records(library, author="charles")) == ["darwin1859"]


def test_filter_by_year_points_ranges_and_raw_dates(library: Library) -> None:
    assert _keys(filter_records(library, year="1859")) == ["darwin1859"]
    assert _keys(filter_records(library, year="1800-1900")) == ["darwin1859", "gogh1888"]
    assert _keys(filter_records(library, year="2000-")) == ["muller2001", "who2020"]
    assert _keys(filter_records(library, year=YearRange(None, 1860))) == ["darwin1859"]


def test_filter_by_search_looks_in_every_value(library: Library) -> None:
    assert _keys(filter_records(library, search="pandemic")) == ["who2020"]
    assert _keys(filter_records(library, search="uber")) == ["muller2001"]
    assert _keys(filter_records(library, search="example.org")) == ["undated"]
    assert _keys(filter_records(library, search="john murray")) == ["darwin1859"]
    assert _keys(filter_records(library, search="1859-11-24")) == ["darwin1859"]


def test_filters_combine(library: Library) -> None:
    assert _keys(
        filter_records(library, author="darwin", year="1850-1860", search="origin", type="book")
    ) == ["darwin1859"]
    assert filter_records(library, author="darwin", year="1900-") == []


def test_no_filters_keeps_everything_in_order(library: Library) -> None:
    assert _keys(filter_records(library)) == library.keys()


def test_first_author_year_and_summary(library: Library) -> None:
    assert first_author(library["gogh1888"]).family == "Gogh"  # type: ignore[union-attr]
    assert first_author(library["undated"]) is None
    assert record_year(library["gogh1888"]) == 1888
    assert record_year(library["undated"]) is None
    assert summarize(library["gogh1888"]).to_json() == {
        "key": "gogh1888",
        "type": "letter-ish",
        "author": "van Gogh",
        "year": 1888,
        "title": "Letters",
    }
    assert summarize(library["who2020"]).author == "World Health Organization"
    assert summarize(library["undated"]).author == ""


def test_closest_keys_and_find_record(library: Library) -> None:
    assert closest_keys("darwin1858", library.keys())[0] == "darwin1859"
    assert closest_keys("DARWIN1859", library.keys()) == ["darwin1859"]
    assert len(closest_keys("x", library.keys(), n=3)) <= 3
    assert find_record(library, "who2020").key == "who2020"
    with pytest.raises(UnknownKeyError) as info:
        find_record(library, "muler2001")
    assert info.value.suggestions[0] == "muller2001"
    assert "did you mean: muller2001" in str(info.value)


def test_search_finds_bibtex_titles_with_protected_words() -> None:
    """``{Trump}`` in a .bib title becomes a nocase span; search and listing see words."""
    from citekit.formats.bibtex import read

    library = read(
        "@article{t, title={{Trump} Should Meet {Kim}}, author={Doe, Jane}, year=2018}",
        sentence_case=False,
    ).library
    assert "nocase" in str(library["t"].get("title"))  # the markup the search must ignore
    assert _keys(filter_records(library, search="Trump Should Meet")) == ["t"]
    assert filter_records(library, search="nocase") == []
    assert summarize(library["t"]).title == "Trump Should Meet Kim"


def test_a_search_of_punctuation_alone_matches_as_written() -> None:
    library = Library(
        [
            Record("cpp", "book", title="The C++ Language"),
            Record("c", "book", title="The C Language"),
        ]
    )
    assert [r.key for r in filter_records(library, search="++")] == ["cpp"]
    assert [r.key for r in filter_records(library, search="?")] == []

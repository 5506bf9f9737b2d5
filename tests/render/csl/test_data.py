"""Normalising CSL-JSON items: dates, names and note-field variables."""

from __future__ import annotations

from citekit.render.csl.data import normalise_item, parse_date


def test_date_parts_ranges_seasons_and_literals() -> None:
    date = parse_date({"date-parts": [[2000, 5], [2001, 6]]})
    assert date is not None and date.parts == (2000, 5, 0) and date.end == (2001, 6, 0)
    season = parse_date({"date-parts": [[1999, 21]]})
    assert season is not None and season.season == 1 and season.parts == (1999, 0, 0)
    literal = parse_date({"literal": "Spring term"})
    assert literal is not None and literal.literal == "Spring term"
    raw = parse_date({"raw": "1987-06-01"})
    assert raw is not None and raw.parts == (1987, 6, 1)
    assert parse_date({"date-parts": [[]]}) is None


def test_open_range_and_sort_key() -> None:
    date = parse_date({"date-parts": [[1987], [0]]})
    assert date is not None and date.end == (0, 0, 0)
    before_christ = parse_date({"date-parts": [[-100, 7, 13]]})
    anno_domini = parse_date({"date-parts": [[44, 3, 15]]})
    assert before_christ is not None and anno_domini is not None
    assert before_christ.sort_key() < anno_domini.sort_key()


def test_normalise_item_splits_variables() -> None:
    item = normalise_item(
        {
            "id": 7,
            "type": "book",
            "title": "T",
            "volume": 3,
            "author": [{"family": "Doe", "given": "J."}],
            "issued": {"date-parts": [[2001]]},
            "note": "original-date: 1900\nfoo: bar",
        }
    )
    assert item.id == "7" and item.vars["volume"] == "3"
    assert item.names["author"][0].family == "Doe"
    assert item.dates["issued"].parts == (2001, 0, 0)
    assert item.dates["original-date"].parts == (1900, 0, 0)
    assert "foo" not in item.vars

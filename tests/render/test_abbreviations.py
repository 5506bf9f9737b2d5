"""Abbreviation lists before the engine: citekit.render.abbreviations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citekit import DataError, Library, Record, render
from citekit.render.abbreviations import (
    abbreviate,
    load_abbreviations,
    parse_abbreviations,
    read_abbreviations,
)

# AMA prints the journal with form="short"
STYLE = "american-medical-association"
TABLE = {
    "default": {
        "container-title": {"Journal of Generic Studies": "J Gen Stud", "Estates Gazette": "EG"},
        "title": {"A Very Long Title Indeed": "Long Title"},
    },
    "info": {"name": "ignored, as pandoc ignores it"},
}


def article(key: str, journal: str, **more: str) -> Record:
    return Record(
        key,
        "article-journal",
        {
            "title": "On things",
            "author": [{"family": "Doe", "given": "John"}],
            "container-title": journal,
            "issued": {"date-parts": [[2006]]},
            **more,
        },
    )


def test_listed_full_forms_get_their_short_form() -> None:
    library = Library([article("a", "Journal of Generic Studies"), article("b", "Unlisted")])
    done = abbreviate(library, parse_abbreviations(TABLE))
    assert done["a"]["container-title-short"] == "J Gen Stud"
    assert "container-title-short" not in done["b"].fields
    assert done["b"] is library["b"]  # untouched records are not copied


def test_the_original_library_is_not_changed() -> None:
    library = Library([article("a", "Journal of Generic Studies")])
    abbreviate(library, parse_abbreviations(TABLE))
    assert "container-title-short" not in library["a"].fields


def test_a_short_form_the_record_has_wins_as_in_pandoc() -> None:
    record = article("b", "Estates Gazette", **{"container-title-short": "Est. Gaz."})
    done = abbreviate(Library([record]), parse_abbreviations(TABLE))
    assert done["b"]["container-title-short"] == "Est. Gaz."


def test_the_style_prints_the_abbreviation() -> None:
    library = Library([article("a", "Journal of Generic Studies")])
    plain = render(library, STYLE, citations=["a"]).bibliography[0].text
    short = render(abbreviate(library, parse_abbreviations(TABLE)), STYLE, citations=["a"])
    assert "Journal of Generic Studies" in plain
    assert "J Gen Stud" in short.bibliography[0].text
    assert "Journal of Generic Studies" not in short.bibliography[0].text


def test_a_file_without_default_abbreviates_nothing() -> None:
    assert parse_abbreviations({"info": {}}) == {}
    assert load_abbreviations(None) == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "must be a JSON object"),
        ({"default": "x"}, "'default' must map variables"),
        ({"default": {"container-title": ["x"]}}, "'default.container-title' must map"),
        ({"default": {"title": {"Full": 3}}}, "entry 'Full': the short form must be a string"),
    ],
)
def test_bad_shapes_are_errors_naming_the_place(data: object, message: str) -> None:
    with pytest.raises(DataError, match=message):
        parse_abbreviations(data, source="abbr.json")


def test_reading_a_file_names_it_in_errors(tmp_path: Path) -> None:
    good = tmp_path / "abbr.json"
    good.write_text(json.dumps(TABLE), encoding="utf-8")
    assert read_abbreviations(good)["container-title"]["Estates Gazette"] == "EG"
    assert load_abbreviations(good) == read_abbreviations(good)
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.json: not JSON: line 1, column 2"):
        read_abbreviations(bad)

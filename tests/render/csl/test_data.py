"""Normalising CSL-JSON items: dates, names and note-field variables."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit import CiteItem, Cluster
from citekit.model.records import (
    DATE_VARIABLES,
    NAME_VARIABLES,
    NUMBER_VARIABLES,
    STRING_VARIABLES,
)
from citekit.render.csl.data import (
    NameData,
    _int,
    _parts,
    _plain_name,
    _two_part_name,
    normalise_item,
    parse_date,
    parse_name,
    parse_name_fully,
)
from citekit.render.csl.engine import CslEngine
from citekit.render.richtext import to_text
from citekit.styles.catalog import locale_loader


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


def _spec_terms(spec: str, heading: str) -> set[str]:
    """The variable names listed under one heading of the CSL specification."""
    lines = spec.splitlines()
    start = lines.index(heading) + 2  # past the heading's underline
    names: set[str] = set()
    for line in lines[start:]:
        if line.endswith(" Variables") and line[:1].isupper():
            break  # the next list
        if re.fullmatch(r"[A-Za-z][A-Za-z_-]*", line):
            names.add(line)
    return names


def test_one_variable_table_and_it_is_the_specification_s(shared: Path) -> None:
    """model/records.py holds the table; the engine reads it (no copy to drift)."""
    path = shared / "csl-spec" / "specification.rst"
    if not path.is_file():
        pytest.skip(f"CSL specification not found under {shared}")
    spec = path.read_text(encoding="utf-8")
    assert _spec_terms(spec, "Number Variables") == NUMBER_VARIABLES
    assert _spec_terms(spec, "Name Variables") == NAME_VARIABLES
    assert _spec_terms(spec, "Date Variables") == DATE_VARIABLES
    # number variables are a subset of the standard ones; the table keeps them apart
    assert _spec_terms(spec, "Standard Variables") <= STRING_VARIABLES
    assert not STRING_VARIABLES & NUMBER_VARIABLES


@pytest.mark.parametrize("variable", ["page-first", "section", "version", "part-number"])
def test_number_variables_of_the_spec_print_ranges_with_a_dash(variable: str) -> None:
    """The nine names the two tables disagreed on, as the engine now reads them."""
    style = f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>T</title><id>t</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><group delimiter="|">
    <text variable="{variable}"/><text variable="title"/>
  </group></layout></citation>
</style>""".encode()
    item = {"id": "a", "type": "book", variable: "3-5", "title": "3-5"}
    cluster = Cluster((CiteItem("a"),))
    out = CslEngine().process([item], style, [cluster], locale=None, locale_loader=locale_loader)
    number, title = to_text(out.citations[0]).split("|")
    assert title == "3-5"  # a text variable keeps its hyphen
    assert number == "3\u20135"  # a number variable's range takes the en dash


# Words that exercise every test of the quick path: capitals and lower-case
# particles, apostrophes, quotes, commas, Latin-1 letters and spaces.
_WORD = st.sampled_from(
    ("Smith", "J.", "van", "de", "d'", "d’", "Anna", "Émile", "ßa", "O'Neil", "Jr.", "!Jr", "ä")
)
_PART = st.lists(_WORD, max_size=4).map(" ".join) | st.text(
    alphabet=st.sampled_from("Aaé ,'’\"-.!\t"), max_size=6
)


@settings(max_examples=300, deadline=None)
@given(family=_PART, given_name=_PART)
def test_quick_name_parse_agrees_with_the_full_parse(family: str, given_name: str) -> None:
    """Family-and-given names the quick path takes parse as the general parse does."""
    raw = {"family": family, "given": given_name}
    assert parse_name(raw) == parse_name_fully(raw)


@settings(max_examples=60, deadline=None)
@given(
    family=_PART,
    extra=st.sampled_from(
        ({"suffix": "Jr."}, {"parse-names": False}, {"static-ordering": True}, {"literal": "X"})
    ),
)
def test_names_with_more_than_two_parts_take_the_full_parse(
    family: str, extra: dict[str, object]
) -> None:
    raw = {"family": family, **extra}
    assert parse_name(raw) == parse_name_fully(raw)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(
        st.integers(-5000, 5000)
        | st.booleans()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.sampled_from((" 12", "2020", "x", "", None)),
        max_size=4,
    )
)
def test_date_parts_taken_as_whole_numbers_as_the_general_conversion_takes_them(
    parts: list[object],
) -> None:
    """Integer parts skip the text round trip; every part reads as ``_int`` reads it."""
    expected = [_int(part) for part in parts[:3]] + [0] * (3 - len(parts[:3]))
    assert _parts(parts) == tuple(expected)
    assert _parts(tuple(parts)) == tuple(expected)


_SOME_VARIABLES = [
    *sorted(NAME_VARIABLES)[:6],
    *sorted(DATE_VARIABLES)[:4],
    *sorted(STRING_VARIABLES)[:20],
    *sorted(NUMBER_VARIABLES)[:6],
    "note",
    "journalAbbreviation",
    "shortTitle",
]
_VALUES = st.one_of(
    st.sampled_from(["", "x", "3", "Doe, J.", "2001-02"]),
    st.integers(-3, 3),
    st.booleans(),
    st.none(),
    st.just([{"family": "Doe", "given": "J."}]),
    st.just([]),
    st.just({"date-parts": [[2001, 2]]}),
    st.just({"date-parts": [[0]]}),
    st.just("title: Cheated\nauthor: Roe||Jo"),
)


@settings(max_examples=200, deadline=None)
@given(fields=st.dictionaries(st.sampled_from(_SOME_VARIABLES), _VALUES, max_size=8))
def test_an_item_s_variables_are_every_variable_it_has(fields: dict[str, object]) -> None:
    """``present`` (one set test for a ``variable`` condition) holds exactly the
    variables found in the item's text, names and dates, whatever the input."""
    item = normalise_item({"id": "a", "type": "book", **fields})
    for variable in [*_SOME_VARIABLES, "container-title-short", "title-short", "id", "type"]:
        found = variable in item.names or variable in item.dates or variable in item.vars
        assert (variable in item.present) is found


@settings(max_examples=150, deadline=None)
@given(family=st.text(max_size=6), given_name=st.text(max_size=6))
def test_the_quick_name_constructor_makes_the_dataclass_s_value(
    family: str, given_name: str
) -> None:
    """``_plain_name`` sets every field as ``NameData(family, given)`` does, and the
    result is as frozen and hashes and prints the same."""
    fast, slow = _plain_name(family, given_name), NameData(family, given_name)
    assert type(fast) is NameData
    for name_field in dataclasses.fields(NameData):
        assert getattr(fast, name_field.name) == getattr(slow, name_field.name)
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.family = "changed"  # type: ignore[misc]


@settings(max_examples=200, deadline=None)
@given(family=_PART, given_name=_PART)
def test_remembered_names_are_the_names_parsed_afresh(family: str, given_name: str) -> None:
    """The memo answers what the unmemoised function answers, on the first call and later."""
    raw = {"family": family, "given": given_name}
    fresh = _two_part_name.__wrapped__(family, given_name)
    for _ in range(2):
        assert _two_part_name(family, given_name) == fresh
        assert parse_name(raw) == parse_name_fully(raw)


class _Text(str):
    """A str subclass: the quick path takes exact strings only, as before."""


def test_names_of_other_text_types_take_the_full_parse() -> None:
    raw = {"family": _Text("Smith"), "given": _Text("John")}
    assert parse_name(raw) == parse_name_fully(raw)
    assert _two_part_name.cache_info().maxsize  # bounded, for long-lived processes


def _reference_item(raw: dict[str, object]) -> tuple[dict[str, str], dict[str, object]]:
    """Text and names of an item as normalise_item read them before its one-set test:
    text under a date variable parsed as a date, under a name variable skipped."""
    variables: dict[str, str] = {}
    names: dict[str, object] = {}
    for key, value in raw.items():
        if type(value) is str and key not in DATE_VARIABLES:
            if value and key not in NAME_VARIABLES:
                variables[key] = value
        elif key in NAME_VARIABLES and isinstance(value, list):
            parsed = tuple(parse_name_fully(n) for n in value if isinstance(n, dict))
            if parsed:
                names[key] = parsed
    return variables, names


_NAME_VALUES = st.lists(
    st.fixed_dictionaries({"family": _PART, "given": _PART})
    | st.fixed_dictionaries({"family": _PART}, optional={"suffix": _PART, "literal": _PART}),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(
    fields=st.dictionaries(
        st.sampled_from(_SOME_VARIABLES[:-3]), _VALUES | _NAME_VALUES | _PART, max_size=8
    )
)
def test_text_and_names_of_an_item_are_read_as_the_plain_reading_reads_them(
    fields: dict[str, object],
) -> None:
    """Every text field and every list of names of an item (no note field and no
    aliases: those add their own) comes out as the straightforward reading gives it."""
    item = normalise_item({"id": "a", "type": "book", **fields})
    variables, names = _reference_item(fields)
    text_fields = {key for key, value in fields.items() if type(value) is str}
    assert {k: v for k, v in item.vars.items() if k in text_fields} == variables
    assert item.names == names


@pytest.mark.parametrize(
    "value",
    [
        {"date-parts": [[], [1998]]},  # what the model gives the engine for "../1998"
        {"date-parts": [[0], [1998]]},  # pandoc's spelling
        {"raw": "../1998"},
        {"raw": "/1998"},
        "../1998",
    ],
)
def test_an_open_start_is_a_range_that_ends_in_its_year(value: object) -> None:
    date = parse_date(value)
    assert date is not None and not date.literal
    assert date.parts == (0, 0, 0) and date.end == (1998, 0, 0)


@pytest.mark.parametrize("raw", ["1997/", "1997/.."])
def test_an_open_end_given_as_raw_text_is_an_open_range(raw: str) -> None:
    date = parse_date({"raw": raw})
    assert date is not None and date.parts == (1997, 0, 0) and date.end == (0, 0, 0)


@pytest.mark.parametrize("raw", ["/", "../.."])
def test_a_range_open_at_both_ends_is_not_read_as_a_range(raw: str) -> None:
    date = parse_date({"raw": raw})
    assert date is not None and date.literal == raw and date.end is None


def test_an_open_start_prints_its_end_year_not_no_date() -> None:
    """``date={../1998}`` printed "n.d."; an open end prints "1997–", so an open start
    prints "–1998"."""
    style = b"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>T</title><id>t</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout delimiter="|">
    <choose><if variable="issued">
      <date variable="issued"><date-part name="year"/></date>
    </if><else><text term="no date" form="short"/></else></choose>
  </layout></citation>
</style>"""
    items = [
        {"id": "start", "type": "book", "issued": {"date-parts": [[], [1998]]}},
        {"id": "end", "type": "book", "issued": {"date-parts": [[1997], [0]]}},
    ]
    cluster = Cluster((CiteItem("start"), CiteItem("end")))
    out = CslEngine().process(items, style, [cluster], locale=None, locale_loader=locale_loader)
    assert to_text(out.citations[0]).split("|") == ["\u20131998", "1997\u2013"]

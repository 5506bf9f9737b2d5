"""The record model: names, dates (EDTF), records and libraries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekit.model.records import (
    Date,
    Library,
    Name,
    Record,
    parse_edtf,
    value_from_json,
    variable_kind,
)

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def test_name_round_trips_particles_suffix_and_flags() -> None:
    data = {
        "family": "Gogh",
        "given": "Vincent",
        "non-dropping-particle": "van",
        "suffix": "Jr.",
        "comma-suffix": True,
        "static-ordering": True,
        "parse-names": False,
    }
    name = Name.from_json(data)
    assert name.non_dropping_particle == "van"
    assert name.comma_suffix and name.static_ordering and name.parse_names is False
    assert name.to_json() == data


def test_name_flags_accept_tool_spellings() -> None:
    assert Name.from_json({"family": "X", "comma-suffix": "true"}).comma_suffix
    assert Name.from_json({"family": "X", "comma-suffix": 1}).comma_suffix
    assert not Name.from_json({"family": "X", "comma-suffix": "false"}).comma_suffix
    assert Name.from_json({"family": "X", "static-ordering": "false"}).to_json() == {"family": "X"}


def test_name_keeps_unknown_keys_for_the_round_trip() -> None:
    data = {"family": "Acme", "isInstitution": True}
    name = Name.from_json(data)
    assert name.extra == (("isInstitution", True),)
    assert name.to_json() == data


def test_literal_name() -> None:
    name = Name.from_json({"literal": "World Health Organization"})
    assert name.is_literal
    assert name.display() == "World Health Organization"
    assert name.sort_key() == "World Health Organization"


def test_name_display_and_sort_key() -> None:
    beethoven = Name(family="Beethoven", given="Ludwig", dropping_particle="van")
    assert beethoven.display() == "Ludwig van Beethoven"
    assert beethoven.sort_key() == "Beethoven Ludwig"
    gogh = Name(family="Gogh", given="Vincent", non_dropping_particle="van")
    assert gogh.sort_key() == "van Gogh Vincent"
    assert Name(family="King", given="Martin Luther", suffix="Jr.").display() == (
        "Martin Luther King Jr."
    )
    assert Name(family="Doe", given="J.", suffix="III", comma_suffix=True).display() == (
        "J. Doe, III"
    )


def test_name_parts_with_their_particles() -> None:
    beethoven = Name(family="Beethoven", given="Ludwig", dropping_particle="van")
    assert beethoven.family_with_particle == "Beethoven"
    assert beethoven.given_with_particle == "Ludwig van"
    gogh = Name(family="Gogh", given="Vincent", non_dropping_particle="van")
    assert gogh.family_with_particle == "van Gogh"
    assert gogh.given_with_particle == "Vincent"
    # empty parts are skipped, never joined as stray spaces
    assert Name(non_dropping_particle="de", family="").family_with_particle == "de"
    assert Name(given="", dropping_particle="von").given_with_particle == "von"
    assert Name(family="Plato").given_with_particle == ""
    # a literal name has no personal parts
    who = Name(literal="World Health Organization")
    assert (who.family_with_particle, who.given_with_particle) == ("", "")


def test_name_from_json_rejects_non_objects() -> None:
    with pytest.raises(ValueError, match="must be an object"):
        Name.from_json("Smith, John")  # type: ignore[arg-type]


@pytest.mark.parametrize("part", [["A", "B"], {"x": 1}])
def test_a_name_part_that_is_not_text_is_never_its_python_spelling(part: object) -> None:
    """``"given": ["A", "B"]`` became the text "['A', 'B']"."""
    with pytest.raises(ValueError, match="'given' must be text"):
        Name.from_json({"family": "X", "given": part})
    problems: list[str] = []
    name = Name.from_json({"family": "X", "given": part}, problems)
    assert name == Name(family="X")  # the part left out, the rest kept
    assert len(problems) == 1 and "'given' must be text" in problems[0]


def test_a_reader_keeps_the_good_names_of_a_list_with_a_bad_part() -> None:
    problems: list[str] = []
    names = value_from_json(
        "author",
        [{"family": "X", "given": ["A", "B"]}, {"family": {"x": 1}}, {"family": "Y"}],
        problems,
    )
    assert names == [Name(family="X"), Name(family="Y")]
    assert [p.split(":")[0] for p in problems] == ["name 1", "name 2"]
    assert "left out" in problems[0] and "dropped" in problems[1]
    with pytest.raises(ValueError, match="'family' must be text"):  # nothing left: no field
        value_from_json("editor", [{"family": {"x": 1}}], [])


# ---------------------------------------------------------------------------
# EDTF
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts", "season", "circa"),
    [
        ("2017", ((2017,),), None, False),
        ("2017-05", ((2017, 5),), None, False),
        ("2017-05-14", ((2017, 5, 14),), None, False),
        ("2017-05~", ((2017, 5),), None, True),
        ("2017?", ((2017,),), None, True),
        ("2017-05-14%", ((2017, 5, 14),), None, True),
        ("2017-21", ((2017,),), 1, False),
        ("2017-24", ((2017,),), 4, False),
        ("1993/2008", ((1993,), (2008,)), None, False),
        ("1993-02/1993-05~", ((1993, 2), (1993, 5)), None, True),
        ("1993/..", ((1993,), ()), None, False),
        ("1993/", ((1993,), ()), None, False),
        ("../2008", ((), (2008,)), None, False),
        ("-0044-03-15", ((-44, 3, 15),), None, False),
    ],
)
def test_parse_edtf(
    text: str, parts: tuple[tuple[int, ...], ...], season: int | None, circa: bool
) -> None:
    date = parse_edtf(text)
    assert date is not None
    assert date.resolved.parts == parts
    assert date.season == season
    assert date.circa is circa
    assert date.raw == text


@pytest.mark.parametrize(
    "text",
    ["", "   ", "May 2017", "2017-13", "2017-05-32", "2017-21-01", "../..", "/", "x/2008"],
)
def test_parse_edtf_rejects_non_edtf(text: str) -> None:
    assert parse_edtf(text) is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1997-03-05T12:30:00", ((1997, 3, 5),)),
        ("1997-03-05T12:30:00Z", ((1997, 3, 5),)),
        ("1997-03-05T12:30:00+01:00", ((1997, 3, 5),)),
        ("1997-03-05T12:30:00.25-0500", ((1997, 3, 5),)),
        ("1997-03-05T12:30", ((1997, 3, 5),)),
        ("1997-03-05T12:30:00/1998-01-02T08:00:00Z", ((1997, 3, 5), (1998, 1, 2))),
    ],
)
def test_parse_edtf_reads_a_date_with_a_time_and_keeps_the_time_in_raw(
    text: str, parts: tuple[tuple[int, ...], ...]
) -> None:
    """biblatex (``alldatesusetime``) and EDTF level 0 allow a time of day; CSL
    has none, so the parts are the day's and ``raw`` keeps the text."""
    date = parse_edtf(text)
    assert date is not None
    assert date.parts == parts
    assert date.raw == text


@pytest.mark.parametrize(
    "text",
    ["1997-03T12:30:00", "1997T12:30", "1997-03-05T25:00", "1997-03-05T12:61", "1997-03-05T"],
)
def test_parse_edtf_rejects_a_time_without_a_day_or_out_of_range(text: str) -> None:
    assert parse_edtf(text) is None


def test_parse_edtf_open_ranges_expose_start_end_year() -> None:
    open_end = parse_edtf("1993/..")
    open_start = parse_edtf("../2008")
    assert open_end is not None and open_start is not None
    assert (open_end.start, open_end.end, open_end.year) == ((1993,), (), 1993)
    assert open_end.is_range
    assert (open_start.start, open_start.end, open_start.year) == ((), (2008,), 2008)


@pytest.mark.parametrize(
    ("text", "edtf"),
    [
        ("2017-05~", "2017-05~"),
        ("1993/2008", "1993/2008"),
        ("1993/..", "1993/.."),
        ("../2008", "../2008"),
        ("2017-21", "2017-21"),
        ("-0044-03-15", "-0044-03-15"),
        ("0099", "0099"),
        ("2017-05-14?", "2017-05-14~"),
    ],
)
def test_to_edtf(text: str, edtf: str) -> None:
    date = parse_edtf(text)
    assert date is not None
    assert date.to_edtf() == edtf


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def test_date_from_json_normalises_string_parts() -> None:
    date = Date.from_json({"date-parts": [["2017", "05", ""]], "season": "2", "circa": "true"})
    assert date.parts == ((2017, 5),)
    assert date.season == 2
    assert date.circa
    assert date.to_json() == {"date-parts": [[2017, 5]], "season": 2, "circa": True}


def test_date_range_and_properties() -> None:
    date = Date.from_json({"date-parts": [[1993, 2], [2008, 11, 3]]})
    assert date.is_range
    assert date.start == (1993, 2)
    assert date.end == (2008, 11, 3)
    assert date.year == 1993
    assert str(date) == "1993-02/2008-11-03"


def test_bare_string_date_keeps_its_spelling_and_resolves() -> None:
    date = Date.from_json("2017-05~")
    assert date.bare and date.parts == ()
    assert date.to_json() == "2017-05~"
    assert date.resolved.parts == ((2017, 5),)
    assert date.resolved.circa
    assert date.year == 2017


def test_raw_date_that_is_not_edtf_stays_unresolved() -> None:
    date = Date.from_json({"raw": "May 2017"})
    assert date.resolved is date
    assert date.year is None
    assert date.to_edtf() is None
    assert str(date) == "May 2017"


def test_literal_date() -> None:
    date = Date.from_json({"literal": "n.d."})
    assert date.to_json() == {"literal": "n.d."}
    assert str(date) == "n.d."
    assert date.year is None


def test_date_keeps_unknown_keys() -> None:
    data = {"date-parts": [[2000]], "x-precision": "year"}
    assert Date.from_json(data).to_json() == data


@pytest.mark.parametrize(
    "bad",
    [
        {"date-parts": "2017"},
        {"date-parts": [2017]},
        {"date-parts": [["spring"]]},
        {"date-parts": [[True]]},
        2017,
        ["2017"],
    ],
)
def test_date_from_json_rejects_bad_shapes(bad: object) -> None:
    with pytest.raises(ValueError):
        Date.from_json(bad)


def test_date_from_parts() -> None:
    date = Date.from_parts((2001, 1), (2001, 3), circa=True)
    assert date.to_json() == {"date-parts": [[2001, 1], [2001, 3]], "circa": True}


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------


def test_variable_kinds() -> None:
    assert variable_kind("author") == "name"
    assert variable_kind("issued") == "date"
    assert variable_kind("volume") == "number"
    assert variable_kind("title") == "string"
    assert variable_kind("custom") == "other"
    assert variable_kind("booktitle") == "unknown"


def test_record_mapping_converts_names_and_dates() -> None:
    record = Record("k", "book", title="T")
    record["author"] = [{"family": "Doe", "given": "Jane"}]
    record["issued"] = {"date-parts": [[2020]]}
    assert record.names("author") == [Name(family="Doe", given="Jane")]
    assert record.date("issued") == Date.from_parts((2020,))
    assert "title" in record and record.get("missing") is None
    record["title"] = None
    assert "title" not in record
    del record["issued"]
    assert record.date("issued") is None
    assert record.names("editor") == []


def test_record_keyword_variables_use_hyphens() -> None:
    record = Record("k", "chapter", container_title="Book", collection_number=3)
    assert record["container-title"] == "Book"
    assert record["collection-number"] == 3


def test_record_fields_argument_keeps_underscore_variables() -> None:
    # archive_location is a CSL variable spelled with an underscore; keyword
    # arguments would turn it into "archive-location", so use fields=
    record = Record("k", "book", fields={"archive_location": "Box 3"})
    assert record.to_json() == {"id": "k", "type": "book", "archive_location": "Box 3"}


def test_record_id_kept_exactly_and_key_is_a_string() -> None:
    assert Record(12).key == "12"
    assert Record("Smith2020a").key == "Smith2020a"
    assert Record(12).to_json()["id"] == 12


def test_record_json_round_trip_and_errors() -> None:
    item = {
        "id": "k",
        "type": "article-journal",
        "author": [{"family": "Doe"}],
        "issued": "2020",
        "volume": "3",
        "custom": {"x": [1, 2]},
    }
    assert Record.from_json(item).to_json() == item
    assert Record.from_json({"id": "n"}).type == "document"
    with pytest.raises(ValueError, match="no 'id'"):
        Record.from_json({"type": "book"})
    with pytest.raises(ValueError, match="string or number"):
        Record.from_json({"id": None})
    with pytest.raises(ValueError, match="item 'k'"):
        Record.from_json({"id": "k", "author": "Doe"})
    with pytest.raises(ValueError, match="must be an object"):
        Record.from_json(["k"])  # type: ignore[arg-type]


def test_record_custom_copy_and_equality() -> None:
    record = Record("k", "book", title="T")
    record.custom["bibtex-type"] = "misc"
    assert record["custom"] == {"bibtex-type": "misc"}
    clone = record.copy()
    assert clone == record
    clone.custom["x"] = 1
    clone["title"] = "U"
    assert record["title"] == "T" and "x" not in record.custom
    assert clone != record
    assert "T" in repr(record)


# ---------------------------------------------------------------------------
# Libraries
# ---------------------------------------------------------------------------


def test_library_keeps_order_and_refuses_duplicates() -> None:
    library = Library([Record("b"), Record("a")])
    assert library.keys() == ["b", "a"]
    assert [r.key for r in library] == ["b", "a"]
    assert len(library) == 2 and "a" in library and "A" not in library
    with pytest.raises(KeyError, match="duplicate"):
        library.add(Record("a", "book"))
    library.add(Record("a", "book"), replace=True)
    assert library["a"].type == "book"
    assert library.get("zz") is None
    assert library.remove("b").key == "b"
    assert library.keys() == ["a"]


def test_library_as_mapping_is_live_and_read_only() -> None:
    first = Record("a")
    library = Library([first])
    mapping = library.as_mapping()
    assert mapping.get("a") is first and mapping.get("zz") is None
    replacement = Record("a", "book")
    library.add(replacement, replace=True)
    library.add(Record("b"))
    assert mapping["a"] is replacement and list(mapping) == ["a", "b"]  # live
    with pytest.raises(TypeError):
        mapping["c"] = Record("c")  # type: ignore[index]


def test_unused_key_is_the_key_or_its_first_free_numbered_form() -> None:
    library = Library([Record("smith"), Record("smith-2"), Record("smith-4"), Record("jones-2")])
    assert library.unused_key("doe") == "doe"
    assert library.unused_key("jones") == "jones"  # a numbered form alone does not clash
    assert library.unused_key("smith") == "smith-3"  # the first gap, not after the highest
    assert library.unused_key("smith-2") == "smith-2-2"
    assert Library([Record("Smith")]).unused_key("smith") == "smith"  # ids are case-sensitive
    library.add(Record(library.unused_key("smith")))
    assert library.unused_key("smith") == "smith-5"


@given(st.sets(st.sampled_from(["k", "k-2", "k-3", "k-5", "k-2-2", "x"])))
def test_unused_key_is_free_and_only_renames_a_clash(taken: set[str]) -> None:
    library = Library(Record(key) for key in sorted(taken))
    key = library.unused_key("k")
    assert key not in library
    if "k" in taken:
        assert key.startswith("k-") and key[2:].isdigit() and int(key[2:]) >= 2
        assert all(f"k-{n}" in library for n in range(2, int(key[2:])))
    else:
        assert key == "k"


def test_library_json_round_trip() -> None:
    items = [{"id": "x", "type": "book", "title": "T"}, {"id": 2, "type": "report"}]
    library = Library.from_json(items)
    assert library.to_json() == items
    assert Library.from_json(items) == library
    assert library.extras == {}
    assert repr(library) == "Library(2 records)"


def test_reading_custom_never_changes_the_record() -> None:
    record = Record("k", "book", title="T")
    assert record.custom.get("biblatex") is None
    assert "ris" not in record.custom and len(record.custom) == 0 and dict(record.custom) == {}
    assert "custom" not in record
    assert record.to_json() == {"id": "k", "type": "book", "title": "T"}


def test_the_first_write_creates_custom_and_later_writes_go_to_the_same_object() -> None:
    record = Record("k", "book")
    custom = record.custom
    custom.setdefault("biblatex", {})["ids"] = "old"
    record.custom["ris"] = {"L1": ["x"]}
    assert record["custom"] == {"biblatex": {"ids": "old"}, "ris": {"L1": ["x"]}}
    assert record.custom == {"biblatex": {"ids": "old"}, "ris": {"L1": ["x"]}}
    del record.custom["ris"]
    assert list(record.custom) == ["biblatex"]
    assert "biblatex" in repr(record.custom)


def test_a_custom_that_is_not_an_object_survives_reading() -> None:
    record = Record.from_json({"id": "k", "type": "book", "custom": "free text"})
    assert record.custom.get("x") is None and len(record.custom) == 0
    assert record.to_json()["custom"] == "free text"  # lossless until something is written
    with pytest.raises(KeyError):
        del record.custom["x"]
    record.custom["x"] = 1
    assert record["custom"] == {"x": 1}

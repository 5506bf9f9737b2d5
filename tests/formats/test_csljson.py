"""CSL-JSON reading and writing: lossless round trips and located diagnostics."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.errors import Severity
from citekit.formats import ReadResult, csljson
from citekit.model.records import (
    DATE_VARIABLES,
    ITEM_TYPES,
    NAME_VARIABLES,
    NUMBER_VARIABLES,
    STRING_VARIABLES,
    Date,
    Library,
    Name,
    Record,
)

# ---------------------------------------------------------------------------
# Strategies: valid CSL-JSON items in the model's canonical spelling
# ---------------------------------------------------------------------------

text = st.text(max_size=12)
years = st.integers(min_value=-3000, max_value=9999)
months = st.integers(min_value=1, max_value=12)
days = st.integers(min_value=1, max_value=28)

date_point = st.one_of(
    st.tuples(years),
    st.tuples(years, months),
    st.tuples(years, months, days),
).map(list)


@st.composite
def names(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        name: dict[str, Any] = {"literal": draw(text)}
    else:
        name = {}
        for key in ("family", "given", "dropping-particle", "non-dropping-particle", "suffix"):
            if draw(st.booleans()):
                name[key] = draw(text)
    # flags are written only when true; parse-names keeps either value
    for flag in ("comma-suffix", "static-ordering"):
        if draw(st.booleans()):
            name[flag] = True
    if draw(st.booleans()):
        name["parse-names"] = draw(st.booleans())
    return name


def _edtf_point(parts: list[int], mark: str) -> str:
    out = f"{parts[0]:04d}" if parts[0] >= 0 else f"-{-parts[0]:04d}"
    for part in parts[1:]:
        out += f"-{part:02d}"
    return out + mark


@st.composite
def edtf_strings(draw: st.DrawFn) -> str:
    mark = draw(st.sampled_from(["", "~", "?", "%"]))
    kind = draw(st.sampled_from(["point", "season", "range", "open-end", "open-start"]))
    if kind == "point":
        return _edtf_point(draw(date_point), mark)
    if kind == "season":
        return f"{draw(st.integers(1000, 2100))}-{draw(st.integers(21, 24))}{mark}"
    if kind == "range":
        return f"{_edtf_point(draw(date_point), mark)}/{_edtf_point(draw(date_point), '')}"
    if kind == "open-end":
        return f"{_edtf_point(draw(date_point), mark)}/{draw(st.sampled_from(['..', '']))}"
    return f"../{_edtf_point(draw(date_point), mark)}"


@st.composite
def date_objects(draw: st.DrawFn) -> dict[str, Any]:
    date: dict[str, Any] = {}
    if draw(st.booleans()):
        date["date-parts"] = draw(st.lists(date_point, min_size=1, max_size=2))
    if draw(st.booleans()):
        date["season"] = draw(st.one_of(st.integers(1, 4), st.sampled_from(["Spring", "Winter"])))
    if draw(st.booleans()):
        date["circa"] = True
    if draw(st.booleans()):
        date["literal"] = draw(text)
    if draw(st.booleans()):
        date["raw"] = draw(st.one_of(edtf_strings(), text))
    return date


dates = st.one_of(date_objects(), edtf_strings(), st.text(min_size=1, max_size=12))

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), text, st.floats(allow_nan=False, allow_infinity=False)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def items(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": draw(st.one_of(text, st.integers())),
        "type": draw(st.sampled_from(ITEM_TYPES)),
    }
    for variable in draw(st.sets(st.sampled_from(sorted(STRING_VARIABLES)), max_size=4)):
        item[variable] = draw(text)
    for variable in draw(st.sets(st.sampled_from(sorted(NUMBER_VARIABLES)), max_size=3)):
        item[variable] = draw(st.one_of(st.integers(0, 10_000), text))
    for variable in draw(st.sets(st.sampled_from(sorted(NAME_VARIABLES)), max_size=3)):
        item[variable] = draw(st.lists(names(), max_size=3))
    for variable in draw(st.sets(st.sampled_from(sorted(DATE_VARIABLES)), max_size=2)):
        item[variable] = draw(dates)
    if draw(st.booleans()):
        item["categories"] = draw(st.lists(text, max_size=3))
    if draw(st.booleans()):
        item["custom"] = draw(st.dictionaries(text, json_values, max_size=3))
    return item


item_lists = st.lists(items(), max_size=5, unique_by=lambda item: str(item["id"]))


def _roundtrip(data: Any) -> Any:
    result = csljson.read(json.dumps(data))
    assert result.diagnostics == []
    return json.loads(csljson.write(result.library))


# ---------------------------------------------------------------------------
# Lossless round trips
# ---------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(item_lists)
def test_write_read_is_lossless(data: list[dict[str, Any]]) -> None:
    assert _roundtrip(data) == data


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(item_lists, st.integers(0, 4))
def test_read_write_read_is_idempotent(data: list[dict[str, Any]], indent: int) -> None:
    first = csljson.read(json.dumps(data)).library
    again = csljson.read(csljson.write(first, indent=indent or None)).library
    assert again == first
    assert again.keys() == first.keys()


@st.composite
def tool_spellings(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """An item as pandoc/Zotero may spell it, and the model's canonical form.

    Date parts as strings, seasons as digit strings and flags as "true"/1
    carry the same information as the canonical spelling; false flags are
    the default and are left out on writing.
    """
    canonical = draw(items())
    spelled = json.loads(json.dumps(canonical))
    for variable, value in spelled.items():
        if variable in DATE_VARIABLES and isinstance(value, dict):
            if "date-parts" in value and draw(st.booleans()):
                value["date-parts"] = [[str(p) for p in point] for point in value["date-parts"]]
            if isinstance(value.get("season"), int) and draw(st.booleans()):
                value["season"] = str(value["season"])
            if value.get("circa") is True:
                value["circa"] = draw(st.sampled_from([True, "true", 1, "1"]))
            elif draw(st.booleans()):
                value["circa"] = draw(st.sampled_from([False, "false", 0]))
        elif variable in NAME_VARIABLES:
            for name in value:
                for flag in ("comma-suffix", "static-ordering"):
                    if name.get(flag) is True:
                        name[flag] = draw(st.sampled_from([True, "true", 1]))
                    elif draw(st.booleans()):
                        name[flag] = draw(st.sampled_from([False, "false", 0]))
    return spelled, canonical


@settings(max_examples=100, deadline=None)
@given(tool_spellings())
def test_tool_spellings_read_as_canonical(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    spelled, canonical = pair
    assert _roundtrip([spelled]) == [canonical]


def test_pandoc_style_item_with_string_date_parts() -> None:
    item = {
        "id": "k",
        "type": "book",
        "issued": {"date-parts": [["2017", "5", "14"]]},
        "volume": "12",
        "page": 7,
    }
    library = csljson.read(json.dumps([item])).library
    assert library["k"].date("issued") == Date.from_parts((2017, 5, 14))
    assert library["k"]["volume"] == "12"
    assert library["k"]["page"] == 7


def test_raw_and_literal_dates_and_literal_names_survive() -> None:
    item = {
        "id": "k",
        "type": "report",
        "author": [
            {"literal": "World Health Organization"},
            {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
        ],
        "issued": {"raw": "2017-05~"},
        "accessed": {"literal": "n.d."},
        "original-date": "1993/..",
    }
    library = csljson.read(json.dumps(item)).library
    record = library["k"]
    assert record.names("author")[0] == Name(literal="World Health Organization")
    assert record.date("issued").year == 2017  # type: ignore[union-attr]
    assert record.date("issued").resolved.circa  # type: ignore[union-attr]
    assert record.date("original-date").end == ()  # type: ignore[union-attr]
    assert json.loads(csljson.write(library)) == [item]


# ---------------------------------------------------------------------------
# Top-level shapes and writing
# ---------------------------------------------------------------------------


def test_accepts_single_item_and_items_container() -> None:
    item = {"id": "a", "type": "book", "title": "T"}
    single = csljson.read(json.dumps(item))
    container = csljson.read(json.dumps({"items": [item, {"id": "b", "type": "book"}]}))
    assert single.library.keys() == ["a"]
    assert container.library.keys() == ["a", "b"]
    assert single.diagnostics == container.diagnostics == []


def test_item_with_an_items_field_is_an_item() -> None:
    result = csljson.read(json.dumps({"id": "a", "type": "book", "items": [1, 2]}))
    assert result.library.keys() == ["a"]
    assert result.library["a"]["items"] == [1, 2]


def test_byte_order_mark_is_ignored() -> None:
    result = csljson.read('\ufeff[{"id": "a", "type": "book"}]')
    assert result.library.keys() == ["a"]
    assert result.diagnostics == []


def test_empty_input_is_an_empty_library() -> None:
    for text in ("", "  \n", "[]", '{"items": []}'):
        result = csljson.read(text)
        assert len(result.library) == 0
        assert result.diagnostics == []


def test_write_is_utf8_indented_with_trailing_newline() -> None:
    library = Library([Record("zoë", "book", title="Ærø — 東京")])
    out = csljson.write(library)
    assert "Ærø — 東京" in out and "\\u" not in out
    assert out.endswith("]\n")
    assert '\n  {\n    "id": "zoë"' in out
    assert "\n" not in csljson.write(library, indent=None).rstrip("\n")


def test_integer_and_float_ids_keep_their_type() -> None:
    data = [{"id": 7, "type": "book"}, {"id": 2.5, "type": "book"}]
    result = csljson.read(json.dumps(data))
    assert result.library.keys() == ["7", "2.5"]
    assert json.loads(csljson.write(result.library)) == data


# ---------------------------------------------------------------------------
# Diagnostics: file, line, key; the rest of the file still loads
# ---------------------------------------------------------------------------

BROKEN = """[
  {"id": "good1", "type": "book", "title": "One"},
  "not an item",
  {"type": "book", "title": "Nameless"},
  {"id": "badnames", "type": "book", "author": "Smith, J.", "title": "Kept"},
  {"id": true, "type": "book"},
  {"id": "good1", "type": "article", "title": "Again"},
  {"id": "notype", "title": "No type"},
  {"id": "good2", "type": "book", "issued": {"date-parts": "2017"}}
]
"""


def _by_code(result: ReadResult) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for d in result.diagnostics:
        found.setdefault(d.code, []).append((d.line, d.key, d.field, d.severity))
    return found


def test_bad_items_are_located_and_skipped() -> None:
    result = csljson.read(BROKEN, filename="refs.json")
    assert result.library.keys() == ["good1", "badnames", "notype", "good2"]
    found = _by_code(result)
    assert found["bad-item"] == [(3, None, None, Severity.ERROR)]
    assert found["missing-id"] == [(4, None, None, Severity.ERROR)]
    assert found["bad-id"] == [(6, None, None, Severity.ERROR)]
    assert found["duplicate-key"] == [(7, "good1", None, Severity.ERROR)]
    assert found["missing-type"] == [(8, "notype", None, Severity.WARNING)]
    assert found["bad-field"] == [
        (5, "badnames", "author", Severity.ERROR),
        (9, "good2", "issued", Severity.ERROR),
    ]
    assert all(d.file == "refs.json" for d in result.diagnostics)
    assert result.library["good1"]["title"] == "One"  # the first duplicate wins
    assert result.library["badnames"]["title"] == "Kept"
    assert "author" not in result.library["badnames"]
    assert result.lines == {"good1": 2, "badnames": 5, "notype": 8, "good2": 9}
    assert "Nameless" in next(d.message for d in result.diagnostics if d.code == "missing-id")


def test_malformed_json_names_line_column_and_item_then_resumes() -> None:
    text = (
        "[\n"
        '  {"id": "a", "type": "book"},\n'
        '  {"id": "b", "type": "book",\n'
        '   "title": "oops" "x"},\n'
        '  {"id": "c", "type": "book"}\n'
        "]\n"
    )
    result = csljson.read(text, filename="f.json")
    assert result.library.keys() == ["a", "c"]
    [diag] = result.diagnostics
    assert (diag.code, diag.line, diag.key, diag.file) == ("malformed-json", 4, "b", "f.json")
    assert "line 4, column 20" in diag.message
    assert "item starting at line 3" in diag.message


def test_malformed_json_without_layout_keeps_what_came_before() -> None:
    result = csljson.read('[{"id": "a", "type": "book"}, {"id": "b", ]')
    assert result.library.keys() == ["a"]
    assert [d.code for d in result.diagnostics] == ["malformed-json"]


@pytest.mark.parametrize(
    "text", ['"just a string"', "42", "[1, 2", "[] []", "{", "[" * 100_000 + "]" * 100_000]
)
def test_not_csljson_gives_a_diagnostic_not_an_exception(text: str) -> None:
    result = csljson.read(text)
    assert result.errors
    assert all(d.line == 1 for d in result.errors)


# ---------------------------------------------------------------------------
# Real exports: pandoc's CSL-JSON of the shared corpus
# ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["biblatex-examples", "cdl", "iridia"])
def test_pandoc_exports_round_trip(shared: Any, name: str) -> None:
    path = shared / "reference" / "pandoc-csljson" / f"{name}.json"
    text = path.read_text(encoding="utf-8")
    result = csljson.read(text, filename=str(path))
    original = json.loads(text)
    assert result.diagnostics == []
    assert len(result.library) == len(original)
    written = json.loads(csljson.write(result.library))
    assert written == original


def test_empty_date_parts_survive() -> None:
    item = {"id": "HeraCE", "type": "book", "issued": {"date-parts": []}}
    assert _roundtrip([item]) == [item]


@pytest.mark.parametrize(
    ("broken", "line", "keys"),
    [
        ('  {"id": "b", "type": "book"}\n', 4, "abc"),  # a missing comma after an item
        ('  {"id": "b", "type": "book"\n', 4, "ac"),  # a missing closing brace
        ('  {"id": "b", "title": "unterminated},\n', 3, "ac"),
        ('\t{"id": "b", "type": "book",},\n', 3, "ac"),  # a trailing comma, odd indentation
    ],
)
def test_one_broken_item_costs_only_itself(broken: str, line: int, keys: str) -> None:
    text = f'[\n  {{"id": "a", "type": "book"}},\n{broken}  {{"id": "c", "type": "book"}}\n]\n'
    result = csljson.read(text)
    [diag] = result.diagnostics
    assert (diag.code, diag.line) == ("malformed-json", line)
    assert result.library.keys() == list(keys)
    assert result.lines["c"] == 4


# --- issue 12 ---------------------------------------------------------------


def test_an_integer_of_more_than_4300_digits_is_kept_as_text_with_a_warning() -> None:
    """json raised ValueError (int conversion limit) out of the reader."""
    digits = "9" * 5000
    text = (
        '[{"id": "a", "type": "book", "volume": '
        + digits
        + ', "custom": {"n": ['
        + digits
        + ']}},\n {"id": "b", "type": "book"}]'
    )
    result = csljson.read(text, filename="n.json")
    assert result.library["a"]["volume"] == digits
    assert result.library["a"]["custom"] == {"n": [digits]}
    assert "b" in result.library
    assert [(d.code, d.line, d.key, d.field) for d in result.diagnostics] == [
        ("long-number", 1, "a", "volume"),
        ("long-number", 1, "a", "custom"),
    ]


def test_a_long_integer_id_is_kept_as_text() -> None:
    digits = "1" * 5000
    result = csljson.read('[{"id": ' + digits + ', "type": "book"}]')
    assert result.library.keys() == [digits]


def test_lone_surrogates_are_written_as_json_escapes_and_read_back() -> None:
    """``ensure_ascii=False`` wrote them raw, and encoding the text raised."""
    library = Library([Record("k\ud800", "book", title="x\udfffy")])
    text = csljson.write(library)
    text.encode("utf-8")
    assert "\\ud800" in text and "\\udfff" in text
    assert csljson.read(text).library == library


def test_a_name_part_that_is_a_list_or_object_is_reported_not_stringified() -> None:
    """``"given": ["A", "B"]`` became the text "['A', 'B']", with no diagnostic."""
    text = (
        '[{"id":"g","type":"book","title":"T",\n'
        '  "author":[{"family":"X","given":["A","B"]},{"family":"Z"}],\n'
        '  "editor":[{"family":{"x":1}}]}]'
    )
    result = csljson.read(text, filename="g.json")
    record = result.library["g"]
    assert [n.to_json() for n in record.names("author")] == [{"family": "X"}, {"family": "Z"}]
    assert "editor" not in record
    assert "['A', 'B']" not in json.dumps(record.to_json())
    found = _by_code(result)
    assert found["bad-name"] == [(1, "g", "author", Severity.WARNING)]
    assert found["bad-field"] == [(1, "g", "editor", Severity.ERROR)]
    assert all(d.file == "g.json" for d in result.diagnostics)

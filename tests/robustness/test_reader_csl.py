"""CSL-JSON and CSL-YAML with wrong types everywhere never raise.

Items are schema-shaped (an ``id``, CSL variable names) but every value may
be of the wrong JSON type: names as strings or nested lists, ``date-parts``
of the wrong depth, ids as booleans or objects, ``custom`` as a list.  YAML
adds anchors and aliases, including aliases that contain themselves.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.formats import ReadResult, read_string, write_string
from citekit.model.records import DATE_VARIABLES, MAX_NESTING, NAME_VARIABLES, NUMBER_VARIABLES

FILE = "refs.json"

scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
any_json = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
name = st.one_of(
    any_json,
    st.fixed_dictionaries(
        {},
        optional={
            key: any_json
            for key in (
                "family",
                "given",
                "literal",
                "dropping-particle",
                "non-dropping-particle",
                "suffix",
                "comma-suffix",
                "static-ordering",
                "parse-names",
                "isInstitution",
            )
        },
    ),
)
date_part = st.one_of(
    st.integers(-100000, 100000), st.text(max_size=5), st.none(), st.floats(allow_nan=False)
)
date = st.one_of(
    any_json,
    st.fixed_dictionaries(
        {},
        optional={
            "date-parts": st.one_of(
                any_json,
                st.lists(st.lists(date_part, max_size=4), max_size=3),
                st.lists(st.lists(st.lists(date_part, max_size=2), max_size=2), max_size=2),
            ),
            "raw": any_json,
            "literal": any_json,
            "season": any_json,
            "circa": any_json,
        },
    ),
)
VARIABLES = [
    *sorted(NAME_VARIABLES)[:5],
    *sorted(DATE_VARIABLES),
    *sorted(NUMBER_VARIABLES)[:5],
    "title",
    "container-title",
    "DOI",
    "URL",
    "custom",
    "categories",
    "type",
    "citation-key",
    "note",
    "language",
    "not-a-csl-variable",
]


def _value_for(variable: str) -> st.SearchStrategy[Any]:
    if variable in NAME_VARIABLES:
        return st.one_of(st.lists(name, max_size=3), any_json)
    if variable in DATE_VARIABLES:
        return date
    return any_json


item = st.one_of(
    any_json,
    st.fixed_dictionaries(
        {"id": st.one_of(st.text(max_size=4), any_json)},
        optional={v: _value_for(v) for v in VARIABLES},
    ),
)
document = st.one_of(st.lists(item, max_size=4), item)

GOOD_BEFORE = {"id": "goodbefore", "type": "book", "title": "One"}
GOOD_AFTER = {"id": "goodafter", "type": "book", "title": "Two"}


def _check(result: ReadResult, filename: str) -> None:
    for diagnostic in result.diagnostics:
        assert diagnostic.file == filename, diagnostic
        assert diagnostic.line is None or diagnostic.line >= 1
    for record in result.library:
        assert isinstance(record.key, str)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["csljson", "cslyaml"]))
def test_arbitrary_text_reads_without_raising(text: str, fmt: str) -> None:
    _check(read_string(text, fmt, filename=FILE), FILE)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document)
def test_wrongly_typed_csl_json_reads_without_raising(data: Any) -> None:
    _check(read_string(json.dumps(data), "csljson", filename=FILE), FILE)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document)
def test_wrongly_typed_csl_yaml_reads_without_raising(data: Any) -> None:
    text = yaml.safe_dump({"references": data} if isinstance(data, list) else data)
    _check(read_string(text, "cslyaml", filename="refs.yaml"), "refs.yaml")
    _check(read_string(f"---\n{text}...\n", "cslyaml", filename="refs.yaml"), "refs.yaml")


YAML_PIECES = [
    "references:\n",
    "- ",
    "  ",
    "id: ",
    "a",
    "b",
    "type: ",
    "book",
    "title: ",
    "author: ",
    "issued: ",
    "custom: ",
    "&x ",
    "*x",
    "&y ",
    "*y",
    "<<: ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "\n",
    ": ",
    "? ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!timestamp ",
    "2020-05-14",
    "1.10",
    "012",
    "yes",
    "~",
    ".inf",
    ".nan",
    "0x1F",
    "|",
    ">",
    "'",
    '"',
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "!local ",
    "\t",
    "- family: X\n",
    "date-parts: [[2020, 13]]",
    "#c\n",
    "- {id: c, type: book}\n",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join))
def test_yaml_anchors_aliases_tags_and_odd_scalars_read_without_raising(text: str) -> None:
    result = read_string(text, "cslyaml", filename="refs.yaml")
    _check(result, "refs.yaml")
    for record in result.library:  # nothing read may be unwritable as CSL-JSON
        assert json.dumps(record.to_json())


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item)
def test_a_broken_item_never_takes_its_neighbours(broken: Any) -> None:
    items = [GOOD_BEFORE, broken, GOOD_AFTER]
    json_result = read_string(json.dumps(items, indent=1), "csljson", filename=FILE)
    yaml_result = read_string(
        yaml.safe_dump({"references": items}), "cslyaml", filename="refs.yaml"
    )
    for result in (json_result, yaml_result):
        assert {"goodbefore", "goodafter"} <= set(result.library.keys())
        assert result.library["goodafter"]["title"] == "Two"


def test_a_broken_item_between_good_ones_is_located() -> None:
    items = [
        GOOD_BEFORE,
        {"id": True, "author": "Smith", "issued": {"date-parts": [[[2020]]]}, "custom": [1, 2]},
        GOOD_AFTER,
    ]
    result = read_string(json.dumps(items, indent=1), "csljson", filename=FILE)
    assert set(result.library.keys()) == {"goodbefore", "goodafter"}
    error = next(d for d in result.errors if d.code == "bad-id")
    assert error.file == FILE and error.line == 7  # json.dumps(indent=1): "[", then item 1


def _nested(depth: int) -> str:
    return "[" * depth + "0" + "]" * depth  # json.dumps itself recurses


def test_deeply_nested_value_is_dropped_with_a_diagnostic() -> None:
    """Regression: a value nested ~990 deep was read, then crashed the YAML writer
    (RecursionError); past MAX_NESTING the field is now dropped with a diagnostic."""
    text = (
        f'[\n  {{"id": "deep", "type": "book", "title": "Kept", "custom": {_nested(200)}}},\n'
        f"  {json.dumps(GOOD_AFTER)}\n]"
    )
    result = read_string(text, "csljson", filename=FILE)
    assert set(result.library.keys()) == {"deep", "goodafter"}
    assert "custom" not in result.library["deep"]
    problem = next(d for d in result.errors if d.field == "custom")
    assert (problem.code, problem.line, problem.key) == ("bad-field", 2, "deep")
    assert "nested" in problem.message
    allowed = read_string(
        f'[{{"id": "ok", "type": "book", "custom": {_nested(MAX_NESTING - 1)}}}]', "csljson"
    )
    assert allowed.library["ok"]["custom"] and not allowed.errors


def test_nesting_beyond_the_decoder_costs_only_its_item() -> None:
    text = (
        f'[\n  {{"id": "deep", "type": "book", "custom": {_nested(100_000)}}},\n'
        f"  {json.dumps(GOOD_AFTER)}\n]"
    )
    result = read_string(text, "csljson", filename=FILE)
    assert set(result.library.keys()) == {"goodafter"}
    assert result.errors[0].line == 2 and result.errors[0].code == "malformed-json"


def test_a_yaml_field_that_contains_itself_is_dropped_not_kept() -> None:
    """Regression: ``&x {id: a, title: *x}`` was kept, then CSL-JSON writing raised
    ``ValueError: Circular reference detected``.  As in CSL-JSON, the bad field
    costs only itself: the item stays without it."""
    text = (
        "references:\n- &x {id: a, type: book, title: *x}\n"
        "- {id: b, type: book, author: &n [*n]}\n- {id: c, type: book, title: C}\n"
    )
    result = read_string(text, "cslyaml", filename="refs.yaml")
    assert set(result.library.keys()) == {"a", "b", "c"}
    assert "title" not in result.library["a"] and "author" not in result.library["b"]
    assert [(d.code, d.line) for d in result.errors] == [("bad-field", 2), ("bad-field", 3)]
    assert "contains itself" in result.errors[0].message
    json.loads(write_string(result.library, "csljson"))  # writing no longer raises


def test_yaml_anchor_reuse_and_odd_scalars_load() -> None:
    text = (
        "references:\n- &base {id: a, type: book, title: 1.10, volume: 012}\n"
        "- {<<: *base, id: b}\n- {id: c, type: book, issued: 2020-05-14, note: yes}\n"
    )
    result = read_string(text, "cslyaml", filename="refs.yaml")
    assert result.library["a"]["title"] == "1.10"  # YAML 1.2 scalars, as pandoc reads them
    assert result.library["c"]["note"] == "yes"
    assert "b" in result.library or any(d.line == 3 for d in result.diagnostics)


def test_explicit_yaml_tags_become_json_data_or_a_located_error() -> None:
    """Regression: ``!!timestamp``, ``!!set``, ``!!omap`` and ``!!binary`` values were
    kept as Python objects, and writing CSL-JSON then raised TypeError."""
    text = (
        "- id: a\n  type: book\n  title: !!timestamp 2020-05-14\n"
        "  custom: {s: !!set {x, y}, o: !!omap [k: 1], !!timestamp 2021-01-02: d}\n"
        "- id: b\n  type: book\n  note: !!binary YWJj\n"
        "- id: c\n  type: book\n"
    )
    result = read_string(text, "cslyaml", filename="refs.yaml")
    assert set(result.library.keys()) == {"a", "b", "c"}
    assert "note" not in result.library["b"]  # the bytes cost their field, not the item
    assert result.library["a"]["title"] == "2020-05-14"
    assert result.library["a"]["custom"] == {"s": ["x", "y"], "o": [["k", 1]], "2021-01-02": "d"}
    assert [(d.code, d.line) for d in result.errors] == [("bad-field", 7)]
    assert "bytes" in result.errors[0].message
    assert json.loads(write_string(result.library, "csljson"))[0]["title"] == "2020-05-14"


def test_a_yaml_alias_bomb_is_refused_quickly() -> None:
    """Nine levels of nine aliases stand for 9**9 items; every writer would spell them out."""
    levels = "".join(
        f"    l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
    )
    text = (
        "- id: bomb\n  type: book\n  custom:\n    l0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        + levels
        + "- id: fine\n  type: book\n"
    )
    result = read_string(text, "cslyaml", filename="refs.yaml")
    assert set(result.library.keys()) == {"bomb", "fine"}
    assert "custom" not in result.library["bomb"]  # the bomb costs its field only
    assert "expands to more than" in result.errors[0].message
    write_string(result.library, "csljson")  # nothing left for a writer to spell out


# --- issue 12 ---------------------------------------------------------------

_TAGS = ["!!timestamp", "!!int", "!!float", "!!bool", "!!null", "!!str"]


@settings(max_examples=120, deadline=None)
@given(
    tag=st.sampled_from(_TAGS),
    scalar=st.one_of(
        st.sampled_from(
            [
                "x",
                "",
                "2020-13-45",
                "9" * 5000,
                "-",
                "+",
                "0x",
                "1e999999",
                "2020-05-14T25:00:00",
                "'q'",
            ]
        ),
        st.text(alphabet="0123456789-:.+eTZx ", max_size=12),
    ),
    field=st.sampled_from(["title", "volume", "issued", "note"]),
)
def test_an_explicitly_tagged_scalar_never_raises_and_keeps_the_item(
    tag: str, scalar: str, field: str
) -> None:
    """``title: !!timestamp x`` raised AttributeError; a tagged value YAML cannot
    construct is kept as text (or, where the model refuses it, named) and the
    other items are read."""
    text = f"- id: a\n  type: book\n  {field}: {tag} {scalar}\n- id: b\n  type: book\n"
    result = read_string(text, "cslyaml", filename="refs.yaml")
    _check(result, "refs.yaml")
    if any(d.code == "bad-yaml" for d in result.diagnostics):
        return  # the scalar made the text itself invalid YAML ("- ", ": "), said so
    assert "b" in result.library
    assert "a" in result.library or any(d.key == "a" for d in result.diagnostics)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=4300, max_value=6000), st.sampled_from(["volume", "id", "custom"]))
def test_a_csl_json_integer_of_any_length_never_raises(digits: int, field: str) -> None:
    value = "7" * digits
    item = {
        "volume": f'"id": "a", "volume": {value}',
        "id": f'"id": {value}',
        "custom": f'"id": "a", "custom": {{"n": [{value}]}}',
    }[field]
    result = read_string(
        "[{" + item + ', "type": "book"}, {"id": "b", "type": "book"}]',
        "csljson",
        filename="refs.json",
    )
    _check(result, "refs.json")
    assert len(result.library) == 2

"""Quotation records, the record side (citekit.model.quotations).

Checks and verification are tested with citekit.ops.quotations
(tests/ops/test_quotations.py); here, what the model layer itself promises.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.model.quotations import (
    CUSTOM_KEYS,
    Quotation,
    custom_text,
    has_quotations,
    is_quotation,
    quotations,
)
from citekit.model.records import Library, Record
from citekit.ops import quotations as ops_quotations

LIBRARY = Library.from_json(
    [
        {"id": "work", "type": "book", "title": "The Work"},
        {
            "id": "said",
            "type": "speech",
            "author": [{"family": "Moore", "given": "Marianne"}],
            "custom": {"quotation": "Words", "quoted-in": "work", "quoted-in-locator": 78},
        },
    ]
)


def test_the_operations_layer_reads_records_through_the_model() -> None:
    assert ops_quotations.Quotation is Quotation
    assert ops_quotations.is_quotation is is_quotation
    assert ops_quotations.CUSTOM_KEYS is CUSTOM_KEYS


def test_a_quotation_is_a_record_with_a_quotation_key() -> None:
    assert [is_quotation(record) for record in LIBRARY] == [False, True]
    quote = Quotation.from_record(LIBRARY["said"])
    assert (quote.words, quote.quoted_in, quote.locator) == ("Words", "work", "78")
    assert quote.where == "page 78"
    assert [q.key for q in quotations(LIBRARY, speaker="moore")] == ["said"]
    assert quotations(LIBRARY, quoted_in="elsewhere") == []


def test_custom_values_that_are_not_text_are_none() -> None:
    assert custom_text(12) == "12"
    assert custom_text("  ") is None
    assert custom_text({"a": 1}) is None
    assert custom_text(True) is None


def test_the_view_holds_what_people_read_not_case_protection_markup() -> None:
    """``quotes --format json`` printed ``Interview with <span class="nocase">Bloomberg…``."""
    record = Record(
        "said",
        "interview",
        author=[{"family": "Trump", "given": "Donald"}],
        custom={"quotation": "honored"},
        **{"event-title": 'Interview with <span class="nocase">Bloomberg News</span>'},
    )
    quote = Quotation.from_record(record)
    assert quote.occasion == "Interview with Bloomberg News"
    assert custom_text("<i>a</i> < b") == "a < b"  # a "<" that is no tag stays


# -- The cheap reading of ``custom`` -----------------------------------------------------------

# what ``custom`` may hold: objects with quotation keys or others, and values
# that are not objects (CSL-JSON allows anything there)
_CUSTOM_VALUES = st.one_of(
    st.dictionaries(
        st.sampled_from([*CUSTOM_KEYS, "biblatex", "ris", "note", "Quotation"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=3)),
        max_size=4,
    ),
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.lists(st.sampled_from(CUSTOM_KEYS), max_size=2),
)


def _record(custom: Any) -> Record:
    record = Record("r", "speech")
    if custom is not None:
        record.fields["custom"] = custom
    return record


@settings(max_examples=60, deadline=None)
@given(_CUSTOM_VALUES)
def test_is_quotation_reads_custom_as_the_mapping_view_does(custom: Any) -> None:
    """The raw-dict reading answers what asking ``record.custom`` key by key answers."""
    record = _record(custom)
    before = record.to_json()
    assert is_quotation(record) == any(key in record.custom for key in CUSTOM_KEYS)
    assert record.to_json() == before  # asking never adds or changes ``custom``


def test_a_custom_that_is_not_an_object_is_no_quotation() -> None:
    assert not is_quotation(_record(["quotation"]))
    assert not is_quotation(_record("quoted-in"))
    assert is_quotation(_record({"quoted-in-label": None}))


@settings(max_examples=40, deadline=None)
@given(st.lists(_CUSTOM_VALUES, max_size=6))
def test_has_quotations_is_any_record_a_quotation(customs: list[Any]) -> None:
    records = [_record(custom) for custom in customs]
    assert has_quotations(records) == any(is_quotation(record) for record in records)
    assert has_quotations(iter(records)) == has_quotations(records)  # one pass is enough


def test_has_quotations_of_a_library() -> None:
    assert has_quotations(LIBRARY)
    assert not has_quotations(Library([LIBRARY["work"]]))
    assert not has_quotations(Library())

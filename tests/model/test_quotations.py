"""Quotation records, the record side (citekit.model.quotations).

Checks and verification are tested with citekit.ops.quotations
(tests/ops/test_quotations.py); here, what the model layer itself promises.
"""

from __future__ import annotations

from citekit.model.quotations import (
    CUSTOM_KEYS,
    Quotation,
    custom_text,
    is_quotation,
    quotations,
)
from citekit.model.records import Library
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

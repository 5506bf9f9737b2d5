"""The one locator-term table: what every layer that reads or checks a label uses."""

from __future__ import annotations

from citekit.formats import citesyntax
from citekit.model.locators import DEFAULT_LOCATOR, LOCATOR_LABELS, LOCATOR_TERMS, is_locator_label
from citekit.ops import quotations


def test_the_table_is_one_table() -> None:
    # the citation syntax and the quotation records use the model's objects,
    # not copies that could drift
    assert citesyntax.LOCATOR_TERMS is LOCATOR_TERMS
    assert quotations.LOCATOR_LABELS is LOCATOR_LABELS


def test_terms_are_unique_and_the_set_matches_the_order() -> None:
    assert len(set(LOCATOR_TERMS)) == len(LOCATOR_TERMS)
    assert frozenset(LOCATOR_TERMS) == LOCATOR_LABELS
    assert LOCATOR_TERMS[0] == DEFAULT_LOCATOR


def test_labels_are_term_names_not_printed_forms() -> None:
    assert is_locator_label("sub-verbo")
    assert is_locator_label("title-locator")
    assert not is_locator_label("p.")
    assert not is_locator_label("sub verbo")
    assert not is_locator_label("Page")

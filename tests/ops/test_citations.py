"""``citekit.parse_cluster`` and ``citekit.parse_in_text``: pandoc's citation syntax."""

from __future__ import annotations

import pytest

import citekit
from citekit.errors import CitationSyntaxError, ParseError
from citekit.formats import citesyntax


@pytest.mark.parametrize(
    "text",
    [
        "[see @doe99, pp. 33-35; also @roe05, chap. 1]",
        "@doe99, p. 33; @roe05",
        "[-@doe99]",
        "[see [also] @doe99 [note]]",
    ],
)
def test_the_public_parser_reads_as_the_document_scanner_does(text: str) -> None:
    assert citekit.parse_cluster(text) == citesyntax.parse_cluster(text)


def test_a_cluster_reads_keys_prefixes_locators_and_suppressed_authors() -> None:
    cluster = citekit.parse_cluster("[see @doe99, p. 33; -@roe05]", note_number=4)
    first, second = cluster.items
    assert (first.id, first.prefix.strip(), first.label, first.locator) == (
        "doe99",
        "see",
        "page",
        "33",
    )
    assert second.id == "roe05" and second.suppress_author
    assert cluster.note_number == 4


def test_locator_terms_follow_the_locale() -> None:
    (item,) = citekit.parse_cluster("@doe99, S. 33", "de-DE").items
    assert (item.label, item.locator) == ("page", "33")


def test_what_is_not_a_citation_is_a_parse_error() -> None:
    with pytest.raises(CitationSyntaxError) as caught:
        citekit.parse_cluster("[see @doe99")
    assert isinstance(caught.value, ParseError) and isinstance(caught.value, ValueError)
    assert citekit.CitationSyntaxError is CitationSyntaxError


def test_author_in_text_needs_its_bracket() -> None:
    cluster = citekit.parse_in_text("@doe99 [p. 33]")
    assert cluster is not None
    (item,) = cluster.items
    assert (item.id, item.locator) == ("doe99", "33")
    assert citekit.parse_in_text("@doe99") is None
    empty = citekit.parse_in_text("@doe99 []")
    assert empty is not None and empty.items[0].locator is None


def test_closest_keys_suggests_what_was_meant() -> None:
    keys = ["darwin1859", "darwin1871", "raimondo2000"]
    assert citekit.closest_keys("Darwin1859", keys) == ["darwin1859"]
    assert "raimondo2000" in citekit.closest_keys("raimondo200", keys)
    assert citekit.closest_keys("zzzzzz", keys) == []

"""PubMed and PMC ids through NCBI's citation exporter (CSL-JSON)."""

from __future__ import annotations

import pytest
from fakeservices import FakeServices

from citekit.model.records import Date, Name
from citekit.sources import pubmed
from citekit.sources.http import FetchError, HttpClient
from citekit.sources.identifiers import parse_identifier


def test_pmid(client: HttpClient, services: FakeServices) -> None:
    record = pubmed.fetch(parse_identifier("pmid:26017442"), client)
    assert record.type == "article-journal"
    assert record["PMID"] == "26017442"
    assert record["DOI"] == "10.1038/nature14539"
    assert record["page"] == "436-444"  # MEDLINE's 436-44 written out
    assert record.date("issued") == Date.from_parts((2015, 5, 28))
    assert "accessed" not in record and "status" not in record
    assert "/pubmed/?format=csl&id=26017442" in services.requests[0][0]


def test_pmcid(client: HttpClient, services: FakeServices) -> None:
    record = pubmed.fetch(parse_identifier("PMC3159421"), client)
    assert record["PMCID"] == "PMC3159421"
    assert record.names("author")[2] == Name(literal="Rural Health Study Group")
    assert "/pmc/?format=csl&id=PMC3159421" in services.requests[0][0]


def test_unknown_pmid(client: HttpClient) -> None:
    with pytest.raises(FetchError, match="NCBI's citation exporter has no record of it"):
        pubmed.fetch(parse_identifier("pmid:1"), client)


def test_error_object_in_a_200() -> None:
    with pytest.raises(FetchError, match="NCBI does not know pmid:5: bad id"):
        pubmed.record_from_ncbi(
            {"status": "error", "message": "bad id"}, parse_identifier("pmid:5")
        )


@pytest.mark.parametrize(
    ("page", "full"),
    [
        ("436-44", "436-444"),
        ("1234-9", "1234-1239"),
        ("12-345", "12-345"),
        ("e123", "e123"),
    ],
)
def test_full_page_range(page: str, full: str) -> None:
    assert pubmed.full_page_range(page) == full

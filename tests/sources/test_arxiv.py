"""arXiv ids through the arXiv API's Atom feed: versions, old ids, withdrawn papers."""

from __future__ import annotations

import pytest
from fakeservices import DATA, FakeServices

from citekit.model.records import Date, Name
from citekit.sources import arxiv
from citekit.sources.http import FetchError, HttpClient
from citekit.sources.identifiers import parse_identifier


def test_new_style_id_with_version(client: HttpClient, services: FakeServices) -> None:
    entry = arxiv.fetch_entry(parse_identifier("arXiv:1706.03762v5"), client)
    record = entry.record
    assert record.type == "article"
    assert record["title"] == "Attention Is All You Need"  # line break folded, case as typed
    assert record.names("author")[3] == Name(family="Kaiser", given="Łukasz")
    assert record.date("issued") == Date.from_parts((2017, 6, 12))  # first version's date
    assert (record["version"], record["number"]) == ("5", "arXiv:1706.03762v5")
    assert record["URL"] == "https://arxiv.org/abs/1706.03762v5"
    assert record["DOI"] == "10.48550/arXiv.1706.03762"
    assert record["publisher"] == "arXiv"
    assert record["abstract"].startswith("The dominant sequence transduction models")
    assert record["keyword"] == "cs.CL, cs.LG"
    assert not entry.withdrawn and entry.warnings == []
    assert "id_list=1706.03762v5" in services.requests[0][0]


def test_old_style_id_keeps_the_journal_reference_as_a_note(client: HttpClient) -> None:
    record = arxiv.fetch(parse_identifier("hep-th/9711200"), client)
    assert record["number"] == "arXiv:hep-th/9711200"
    assert record["version"] == "3"  # the latest, as arXiv answered
    assert record["DOI"] == "10.48550/arXiv.hep-th/9711200"
    assert record["note"] == (
        "Published as: Adv.Theor.Math.Phys.2:231-252,1998, doi:10.1023/A:1026654312961"
    )
    assert record.names("author") == [Name(family="Maldacena", given="Juan M.")]


def test_withdrawn_paper_is_flagged(client: HttpClient) -> None:
    entry = arxiv.fetch_entry(parse_identifier("arxiv:1502.01234"), client)
    assert entry.withdrawn
    assert entry.record["status"] == "withdrawn"
    assert entry.warnings == [
        "arXiv:1502.01234 v2 is a withdrawal notice; an earlier "
        "version (arxiv:1502.01234v1) may hold the paper"
    ]


def test_unknown_id_is_an_error(client: HttpClient) -> None:
    with pytest.raises(
        FetchError,
        match=r"arXiv does not know arxiv:9999.99999: "
        r"incorrect id format for 9999.99999",
    ):
        arxiv.fetch(parse_identifier("arxiv:9999.99999"), client)


def test_version_arxiv_does_not_have() -> None:
    feed = (DATA / "arxiv" / "1706.03762v5.xml").read_bytes()
    with pytest.raises(FetchError, match=r"arXiv has no version 7 of 1706.03762"):
        arxiv.parse_feed(feed, parse_identifier("1706.03762v7"))


def test_empty_feed_and_bad_xml() -> None:
    ident = parse_identifier("2101.00001")
    empty = '<feed xmlns="http://www.w3.org/2005/Atom"><title>q</title></feed>'
    with pytest.raises(FetchError, match=r"arXiv does not know arxiv:2101.00001"):
        arxiv.parse_feed(empty, ident)
    with pytest.raises(FetchError, match=r"not XML"):
        arxiv.parse_feed("<feed", ident)


def test_entities_are_not_expanded() -> None:
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/'
        "2101.00001v1</id><title>&x;</title></entry></feed>"
    )
    with pytest.raises(FetchError):
        arxiv.parse_feed(hostile, parse_identifier("2101.00001"))

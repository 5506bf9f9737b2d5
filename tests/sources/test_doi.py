"""DOIs through doi.org content negotiation: Crossref, DataCite and mEDRA CSL-JSON mapped."""

from __future__ import annotations

import json

import pytest
from fakeservices import DATA, FakeServices

from citekit.model.records import Date, Name
from citekit.sources import doi
from citekit.sources.http import FetchError, HttpClient
from citekit.sources.identifiers import parse_identifier


def _fetch(client: HttpClient, text: str) -> doi.Record:
    return doi.fetch(parse_identifier(text), client)


def test_crossref_article(client: HttpClient) -> None:
    record = _fetch(client, "https://doi.org/10.1038/nature14539")
    assert record.type == "article-journal"
    assert record.names("author") == [
        Name(family="LeCun", given="Yann"),
        Name(family="Bengio", given="Yoshua"),
        Name(family="Hinton", given="Geoffrey"),
    ]
    assert record.date("issued") == Date.from_parts((2015, 5, 27))
    assert record["container-title"] == "Nature"
    assert record["container-title-short"] == "Nature"
    assert (record["volume"], record["issue"], record["page"]) == ("521", "7553", "436-444")
    assert record["ISSN"] == "0028-0836, 1476-4687"
    assert record["DOI"] == "10.1038/nature14539"
    assert "URL" not in record  # a doi.org URL repeats the DOI
    for dropped in (
        "reference-count",
        "license",
        "indexed",
        "member",
        "score",
        "link",
        "published-print",
        "journal-issue",
        "subject",
    ):
        assert dropped not in record
    assert record["title"] == "Deep learning"  # as published


def test_crossref_chapter_fallbacks_and_cleaning(client: HttpClient) -> None:
    record = _fetch(client, "doi:10.1093/oxfordhb/9780199535750.013.0004")
    assert record.type == "chapter"
    assert record["title"] == (
        "The Politics of Nuclear Diplomacy in Northeast Asia: Lessons From the Agreed Framework"
    )  # subtitle joined
    assert record.names("author") == [
        Name(family="Gallucci", given="Robert L.", suffix="Jr."),
        Name(literal="Council on Foreign Relations"),
    ]
    assert record.names("editor") == [
        Name(family="Beethoven", given="Ludwig", non_dropping_particle="van")
    ]
    assert record.date("issued") == Date.from_parts((2012, 4))  # [[null]] -> published-print
    assert record["page"] == "123-145"
    assert record["container-title"] == "The Oxford Handbook of Korean Politics"
    assert record["collection-title"] == "Oxford Handbooks"
    assert record["publisher-place"] == "Oxford"
    assert record["ISBN"] == "9780199535750, 9780191765148"
    assert record["abstract"] == (
        "This chapter examines the negotiations of 1994 & their "
        "aftermath. It argues that verification mattered most."
    )
    assert "original-title" not in record  # an empty list


def test_datacite_dataset(client: HttpClient) -> None:
    record = _fetch(client, "10.5061/dryad.8515")
    assert record.type == "dataset"
    assert record.names("author")[-1] == Name(
        literal="Centre International de Recherches Médicales de Franceville"
    )
    assert record["DOI"] == "10.5061/dryad.8515"  # the user's spelling, not DataCite's capitals
    assert record["URL"] == "http://datadryad.org/stash/dataset/doi:10.5061/dryad.8515"
    assert record["version"] == "1"
    assert record.date("issued") == Date.from_parts((2011,))
    assert "categories" not in record and "copyright" not in record


def test_medra_article(client: HttpClient) -> None:
    record = _fetch(client, "doi:10.1400/186256")
    assert record.date("issued") == Date.from_parts((2010, 6))  # strings in date-parts
    assert record["page"] == "7-20"  # en dash
    assert record["volume"] == "3"  # a number in the JSON
    assert record.names("author")[1] == Name(family="De Angelis", given="Paolo")
    assert record["language"] == "it"


def test_doi_with_angle_brackets_and_parentheses_is_escaped(
    client: HttpClient, services: FakeServices
) -> None:
    text = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"
    record = _fetch(client, text)
    assert record["DOI"] == text
    assert record["title"] == "Relevance Reconsidered: Towards an Agenda for the 21st Century"
    asked = services.requests[0][0]
    assert "%3C693" in asked and "%3E3.0.CO%3B2-0" in asked and "<" not in asked


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10.5555/badjson", r"doi.org answered doi:10.5555/badjson with text that is not JSON"),
        ("10.5555/landing", r"with an HTML page, not JSON: the DOI's registration agency offers "),
        ("10.5555/missing", r"doi.org has no record of it \(HTTP 404"),
    ],
)
def test_bad_answers_are_clear_errors(client: HttpClient, text: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        _fetch(client, text)


def test_record_from_csl_refuses_what_is_not_an_item() -> None:
    with pytest.raises(FetchError, match="not a CSL-JSON item"):
        doi.record_from_csl(["a", "b"], parse_identifier("10.1000/x"))


def test_unknown_types_map_to_csl() -> None:
    ident = parse_identifier("10.1000/x")
    assert doi.record_from_csl({"type": "journal-article"}, ident).type == "article-journal"
    assert doi.record_from_csl({"type": "Software"}, ident).type == "software"
    assert doi.record_from_csl({"type": "mystery"}, ident).type == "document"


def test_markup_cleaning_keeps_csl_rich_text() -> None:
    assert (
        doi.clean_markup("The <i>E. coli</i> genome<sub>2</sub>")
        == "The <i>E. coli</i> genome<sub>2</sub>"
    )
    assert (
        doi.clean_markup("<jats:p>One\n two &amp; &lt;three&gt;</jats:p>")
        == "One two & &lt;three&gt;"
    )


def test_sentence_case_titles_keeps_the_published_title_for_bibtex() -> None:
    ident = parse_identifier("10.1000/x")
    data = json.loads((DATA / "doi" / "sici-jasis.json").read_text(encoding="utf-8"))
    record = doi.record_from_csl(data, ident)
    converted = doi.sentence_case_titles(record)
    assert converted["title"] == "Relevance reconsidered: Towards an agenda for the 21st century"
    assert converted.custom["biblatex"]["@titlecase"]["title"] == record["title"]
    assert "custom" not in record  # the fetched record is left as it was
    # a journal's name is a proper name: never converted
    assert converted["container-title"] == record["container-title"]

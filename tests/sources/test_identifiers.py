"""Identifiers as users write them: parsed, normalised and validated before any request."""

from __future__ import annotations

import pytest

from citekit.sources.identifiers import (
    Identifier,
    IdentifierError,
    isbn_check_digit,
    parse_identifier,
)


@pytest.mark.parametrize(
    ("text", "curie"),
    [
        ("10.1000/xyz", "doi:10.1000/xyz"),
        ("doi:10.1000/xyz", "doi:10.1000/xyz"),
        ("DOI: 10.1000/XYZ", "doi:10.1000/XYZ"),
        ("https://doi.org/10.1000/xyz", "doi:10.1000/xyz"),
        ("http://dx.doi.org/10.1000/xyz", "doi:10.1000/xyz"),
        ("info:doi/10.1000/xyz", "doi:10.1000/xyz"),
        (
            "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-0",
            "doi:10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        ),
        (
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
            "doi:10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        ),
        ("ISBN 978-0-262-51087-5", "isbn:9780262510875"),
        ("isbn:9780262510875", "isbn:9780262510875"),
        ("ISBN-10: 0-262-51087-1", "isbn:9780262510875"),
        ("0-262-51087-1", "isbn:9780262510875"),
        ("978-0-262-51087-5", "isbn:9780262510875"),
        ("9780262510875", "isbn:9780262510875"),
        ("isbn:0-8044-2957-X", "isbn:9780804429573"),
        ("arXiv:2101.00001v2", "arxiv:2101.00001v2"),
        ("arxiv:1706.03762", "arxiv:1706.03762"),
        ("1706.03762v5", "arxiv:1706.03762v5"),
        ("0704.0001", "arxiv:0704.0001"),
        ("https://arxiv.org/abs/1706.03762v3", "arxiv:1706.03762v3"),
        ("https://arxiv.org/pdf/1706.03762.pdf", "arxiv:1706.03762"),
        ("hep-th/9603067", "arxiv:hep-th/9603067"),
        ("arXiv:hep-th/9711200v3", "arxiv:hep-th/9711200v3"),
        ("math.GT/0309136", "arxiv:math.GT/0309136"),
        ("pmid:21858107", "pmid:21858107"),
        ("PMID: 21858107", "pmid:21858107"),
        ("https://pubmed.ncbi.nlm.nih.gov/21858107/", "pmid:21858107"),
        ("PMC3159421", "pmcid:PMC3159421"),
        ("pmcid:PMC3159421", "pmcid:PMC3159421"),
        ("pmcid:3159421", "pmcid:PMC3159421"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3159421/", "pmcid:PMC3159421"),
    ],
)
def test_written_forms_parse_to_one_curie(text: str, curie: str) -> None:
    assert parse_identifier(text).curie == curie


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("doi:11.1000/xyz", "not a DOI"),
        ("10.12/xyz", "not a DOI"),
        ("isbn:978-0-262-51087-4", "check digit is 4"),
        ("ISBN 0-262-51087-2", "the other digits give 1"),
        ("isbn:12345", "not an ISBN"),
        ("arXiv:2101.0001x", "not an arXiv id"),
        ("arxiv:2101.00001v0", "not an arXiv id"),
        ("pmid:abc", "not a PubMed id"),
        ("pmid:0123", "not a PubMed id"),
        ("pmcid:PMC0", "not a PubMed Central id"),
        ("21858107", "ambiguous: write pmid:21858107"),
        ("0262510871", "or isbn:0262510871"),
        ("hello world", "not an identifier citekit knows"),
    ],
)
def test_invalid_identifiers_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(IdentifierError, match=words):
        parse_identifier(text)


def test_identifier_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_identifier("nonsense")


def test_doi_key_ignores_case_and_arxiv_key_keeps_version() -> None:
    assert parse_identifier("10.1000/ABC").key == parse_identifier("doi:10.1000/abc").key
    versioned = parse_identifier("arXiv:2101.00001v2")
    assert (versioned.value, versioned.version, versioned.key) == ("2101.00001", 2, "2101.00001v2")
    assert str(versioned) == "arxiv:2101.00001v2"


def test_check_digits() -> None:
    assert isbn_check_digit("080442957") == "X"
    assert isbn_check_digit("978026251087") == "5"
    assert Identifier("isbn", "9780262510875").curie == "isbn:9780262510875"

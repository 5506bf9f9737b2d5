"""ISBNs through Open Library's books API."""

from __future__ import annotations

import pytest
from fakeservices import FakeServices

from citekit.model.records import Date, Name
from citekit.sources import isbn
from citekit.sources.http import FetchError, HttpClient
from citekit.sources.identifiers import parse_identifier


def test_book_with_authors(client: HttpClient, services: FakeServices) -> None:
    record = isbn.fetch(parse_identifier("ISBN 0-262-51087-1"), client)
    assert record.type == "book"
    assert record["title"] == "Structure and interpretation of computer programs"
    assert record.names("author") == [
        Name(family="Abelson", given="Harold"),
        Name(family="Sussman", given="Gerald Jay"),
    ]
    assert record["publisher"] == "MIT Press"
    assert record["publisher-place"] == "Cambridge, Mass"
    assert record.date("issued") == Date.from_parts((1996,))
    assert record["number-of-pages"] == "657"
    assert record["ISBN"] == "9780262510875"
    assert "bibkeys=ISBN:9780262510875&format=json&jscmd=data" in services.requests[0][0]


def test_book_without_authors(client: HttpClient) -> None:
    record = isbn.fetch(parse_identifier("isbn:978-0-226-28705-8"), client)
    assert "author" not in record and "editor" not in record
    assert record["title"] == (
        "The Chicago Manual of Style: The Essential Guide for Writers, Editors, and Publishers"
    )
    assert record.date("issued") == Date.from_parts((2017, 9, 5))
    assert record["edition"] == "17"


def test_unknown_isbn(client: HttpClient) -> None:
    with pytest.raises(FetchError, match="Open Library does not know ISBN 9780000000019"):
        isbn.fetch(parse_identifier("isbn:9780000000019"), client)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Harold Abelson", Name(family="Abelson", given="Harold")),
        ("Abelson, Harold", Name(family="Abelson", given="Harold")),
        ("Ludwig van Beethoven", Name(family="Beethoven", given="Ludwig", dropping_particle="van")),
        ("Martin Luther King, Jr.", Name(family="King", given="Martin Luther", suffix="Jr.")),
        ("World Health Organization", Name(literal="World Health Organization")),
        ("MIT Press", Name(literal="MIT Press")),
        ("Plato", Name(family="Plato")),
    ],
)
def test_plain_names(text: str, name: Name) -> None:
    assert isbn.plain_name(text) == name


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1996", (1996,)),
        ("2001-07", (2001, 7)),
        ("March 1996", (1996, 3)),
        ("Sep 05, 2017", (2017, 9, 5)),
        ("5 September 2017", (2017, 9, 5)),
        ("c1985.", (1985,)),
    ],
)
def test_publish_dates(text: str, parts: tuple[int, ...]) -> None:
    assert isbn.publish_date(text) == Date.from_parts(parts)


def test_undated() -> None:
    assert isbn.publish_date("n.d.") is None


def test_not_found_is_not_cached(client: HttpClient, services: FakeServices) -> None:
    for _ in range(2):
        with pytest.raises(FetchError):
            isbn.fetch(parse_identifier("isbn:9780000000019"), client)
    isbn.fetch(parse_identifier("isbn:9780262510875"), client)
    isbn.fetch(parse_identifier("isbn:9780262510875"), client)
    assert services.count("ISBN:9780000000019") == 2
    assert services.count("ISBN:9780262510875") == 1

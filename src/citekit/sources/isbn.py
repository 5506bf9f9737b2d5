"""ISBNs to records: Open Library's books API.

``/api/books?bibkeys=ISBN:…&format=json&jscmd=data`` answers with an object
keyed by the bibkey asked for (``{}`` when Open Library does not know the
ISBN).  Its ``data`` view gives the edition's title and subtitle, authors
as display names ("Harold Abelson"), publishers and places as ``{"name":
…}`` objects, a free-text ``publish_date`` ("1996", "March 1996",
"Sep 01, 1996") and ``number_of_pages``; citekit splits the names with the
BibTeX reader's name grammar, keeps organisations whole, and reads the date
as far as it goes.  Google Books is not asked: its free API is rate limited
per IP address without a key, and Open Library covers the ISBNs it covers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from citekit.formats.bibtex import parse_name
from citekit.model.records import Date, Name, Record
from citekit.sources.doi import clean_text, parse_json
from citekit.sources.http import FetchError, HttpClient
from citekit.sources.identifiers import Identifier

_SUFFIX = re.compile(r",?\s+(Jr\.?|Sr\.?|II|III|IV)$")
_ORGANISATION = re.compile(
    r"\b(?:association|agency|bureau|centre|center|college|commission|committee|company|"
    r"corporation|council|department|foundation|group|inc\.?|institute|institution|"
    r"library|ltd\.?|ministry|museum|office|organi[sz]ation|press|project|society|"
    r"survey|team|university)\b",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def plain_name(text: str) -> Name | None:
    """A person's or organisation's name written in display order.

    "Harold Abelson" -> family Abelson, given Harold; "Ludwig van
    Beethoven" keeps "van" as a particle; "Martin Luther King, Jr." gets its
    suffix; "Abelson, Harold" is read family first; a name with an
    organisation word ("MIT Press", "World Health Organization") or with
    characters the name grammar would read as markup is kept whole.
    """
    name = clean_text(text)
    if not name:
        return None
    if _ORGANISATION.search(name) or any(c in name for c in "{}\\"):
        return Name(literal=name)
    suffix = None
    match = _SUFFIX.search(name)
    if match and len(name[: match.start()].split()) >= 2:
        suffix, name = match.group(1), name[: match.start()].rstrip(", ")
    parsed = parse_name(name)
    if parsed.literal is not None:
        return parsed if parsed.literal else None
    if suffix:
        return Name(
            family=parsed.family,
            given=parsed.given,
            dropping_particle=parsed.dropping_particle,
            non_dropping_particle=parsed.non_dropping_particle,
            suffix=suffix,
        )
    return parsed


def publish_date(text: str) -> Date | None:
    """A date from Open Library's free text: year, month and day as far as they go."""
    text = clean_text(text)
    iso = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if iso:
        return Date.from_parts(tuple(int(p) for p in iso.groups() if p))
    year = re.search(r"(?<!\d)(1[4-9]\d\d|20\d\d)(?!\d)", text)
    if not year:
        return None
    parts = [int(year.group(1))]
    month = next((_MONTHS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _MONTHS), None)
    if month:
        parts.append(month)
        day = re.search(r"\b([0-3]?\d)\b(?!\d)", text.replace(year.group(1), ""))
        if day and 1 <= int(day.group(1)) <= 31:
            parts.append(int(day.group(1)))
    return Date.from_parts(tuple(parts))


def _names(values: Any) -> list[str]:
    """The ``name`` of each ``{"name": …}`` object (or each string) in a list."""
    out: list[str] = []
    for value in values if isinstance(values, list) else []:
        text = value.get("name") if isinstance(value, Mapping) else value
        if isinstance(text, str) and clean_text(text):
            out.append(clean_text(text))
    return out


def record_from_openlibrary(data: Any, identifier: Identifier) -> Record:
    """A book record from the ``data`` view of one edition."""
    if not isinstance(data, Mapping):
        raise FetchError(f"Open Library's answer for {identifier} is not an edition object")
    record = Record(identifier.curie, "book")
    title = clean_text(str(data.get("title") or ""))
    subtitle = clean_text(str(data.get("subtitle") or ""))
    if title:
        record["title"] = f"{title}: {subtitle}" if subtitle else title
    authors = [n for n in (plain_name(a) for a in _names(data.get("authors"))) if n]
    if authors:
        record["author"] = authors
    publishers = _names(data.get("publishers"))
    if publishers:
        record["publisher"] = publishers[0]
    places = _names(data.get("publish_places"))
    if places:
        record["publisher-place"] = places[0]
    if isinstance(data.get("publish_date"), str):
        date = publish_date(data["publish_date"])
        if date is not None:
            record["issued"] = date
    pages = data.get("number_of_pages")
    if isinstance(pages, int) and pages > 0:
        record["number-of-pages"] = str(pages)
    edition = data.get("edition_name")
    if isinstance(edition, str) and clean_text(edition):
        number = re.match(r"(\d+)", clean_text(edition))
        record["edition"] = number.group(1) if number else clean_text(edition)
    record["ISBN"] = identifier.value
    record["source"] = "Open Library"
    return record


def fetch(identifier: Identifier, client: HttpClient) -> Record:
    """The record of an ISBN from Open Library."""
    service = client.services.openlibrary
    bibkey = f"ISBN:{identifier.value}"
    url = service.url(f"api/books?bibkeys={bibkey}&format=json&jscmd=data")
    answer = client.get(service, url, accept="application/json", keep=lambda text: bibkey in text)
    found = parse_json(answer.text, identifier, "Open Library")
    if not isinstance(found, Mapping):
        raise FetchError(
            f"Open Library answered {identifier} with a JSON {type(found).__name__}, not an object"
        )
    if bibkey not in found:
        raise FetchError(f"Open Library does not know ISBN {identifier.value}")
    return record_from_openlibrary(found[bibkey], identifier)


__all__ = ["fetch", "plain_name", "publish_date", "record_from_openlibrary"]

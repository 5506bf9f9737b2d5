"""Finding records: filters by type, author, year and free text, and key lookup.

Matching is for people typing at a terminal, so it ignores case, accents,
punctuation and CSL rich-text markup (``--author muller`` finds Müller; see
:func:`citekit.base.text.fold`) and treats a year as a point or a range
(``2000-2010``, ``2000-``, ``-2010``).  Everything here is pure: the CLI
reads the file, calls :func:`filter_records`, and prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from citekit.base.suggestions import closest_matches
from citekit.base.text import fold, strip_markup
from citekit.base.valueclass import value_class
from citekit.errors import UnknownKeyError, UsageError
from citekit.model.records import DATE_VARIABLES, Date, Library, Name, Record

#: Name variables that stand for "who wrote it" when filtering by author.
AUTHOR_VARIABLES: tuple[str, ...] = (
    "author",
    "editor",
    "container-author",
    "composer",
    "director",
    "interviewer",
    "recipient",
    "translator",
)


@value_class
class YearRange:
    """Inclusive year bounds; None is open on that side."""

    start: int | None
    end: int | None

    def __contains__(self, year: object) -> bool:
        if not isinstance(year, int):
            return False
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


def parse_year_range(spec: str) -> YearRange:
    """``2001`` → 2001..2001; ``2000-2010``, ``2000..2010``, ``2000-``, ``-2010``.

    A leading ``-`` is a range open at the start (no negative years here).
    """
    text = spec.strip()
    match = re.fullmatch(r"(\d+)?\s*(?:-|–|\.\.)\s*(\d+)?", text)
    if text.isdigit():
        return YearRange(int(text), int(text))
    if match and (match[1] or match[2]):
        start = int(match[1]) if match[1] else None
        end = int(match[2]) if match[2] else None
        if start is not None and end is not None and end < start:
            raise UsageError(f"year range '{spec}' ends before it starts")
        return YearRange(start, end)
    raise UsageError(f"'{spec}' is not a year or a range like 2000-2010")


def first_author(record: Record) -> Name | None:
    """The name a listing shows: the first author, else the first editor (and so on)."""
    for variable in AUTHOR_VARIABLES:
        names = record.names(variable)
        if names:
            return names[0]
    return None


def record_year(record: Record) -> int | None:
    """The year of ``issued`` (or of another date when there is no issued date)."""
    for variable in ("issued", *sorted(DATE_VARIABLES - {"issued", "accessed"})):
        date = record.date(variable)
        if date is not None and date.year is not None:
            return date.year
    return None


def value_texts(value: Any) -> Iterator[str]:
    """Every piece of text in a variable's value: strings, numbers, names, dates."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, Name):
        yield value.display()
    elif isinstance(value, Date):
        yield str(value)
    elif isinstance(value, list):
        for item in value:
            yield from value_texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from value_texts(item)


def searchable_text(record: Record, *, folded: bool = True) -> str:
    """Every value of a record (and its key), one value a line.

    Values are folded one by one (markup gone, see :func:`citekit.base.text.fold`)
    and kept on lines of their own, so a search never matches across two
    values.  ``folded=False`` keeps punctuation (markup still gone, case
    folded), for searches made only of punctuation such as ``C++``.
    """
    parts = [record.key, record.type]
    for value in record.fields.values():
        parts.extend(value_texts(value))
    if folded:
        return "\n".join(fold(part) for part in parts)
    return "\n".join(strip_markup(part).casefold() for part in parts)


def matches_author(record: Record, text: str) -> bool:
    """Whether any author-like name contains ``text`` (as written or family-first)."""
    wanted = fold(text)
    for variable in AUTHOR_VARIABLES:
        for name in record.names(variable):
            if wanted in fold(name.display()) or wanted in fold(name.sort_key()):
                return True
    return False


def filter_records(
    records: Iterable[Record],
    *,
    type: str | None = None,
    author: str | None = None,
    year: str | YearRange | None = None,
    search: str | None = None,
) -> list[Record]:
    """The records that pass every given filter, in their original order.

    ``type`` matches the CSL type exactly; ``author`` is a substring of any
    author-like name; ``year`` a year or range (a string is parsed with
    :func:`parse_year_range`); ``search`` a substring of any value.  Text
    matching ignores case and accents.
    """
    years = parse_year_range(year) if isinstance(year, str) else year
    needle = fold(search) if search else None
    # a search that folds to nothing ("?", "++") is matched as written instead
    literal = search.casefold() if search and not needle else None
    selected: list[Record] = []
    for record in records:
        if type is not None and record.type != type:
            continue
        if author and not matches_author(record, author):
            continue
        if years is not None and record_year(record) not in years:
            continue
        if needle and needle not in searchable_text(record):
            continue
        if literal and literal not in searchable_text(record, folded=False):
            continue
        selected.append(record)
    return selected


@value_class
class Summary:
    """One line of a listing."""

    key: str
    type: str
    author: str
    year: int | None
    title: str

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "type": self.type,
            "author": self.author,
            "year": self.year,
            "title": self.title,
        }


def summarize(record: Record) -> Summary:
    """Key, type, first author's family name (or literal), year and title."""
    name = first_author(record)
    if name is None:
        author = ""
    elif name.literal is not None:
        author = name.literal
    else:
        author = name.family_with_particle or name.given or ""
    title = record.get("title")
    return Summary(
        record.key,
        record.type,
        strip_markup(author),
        record_year(record),
        strip_markup(title) if isinstance(title, str) else "",
    )


def closest_keys(key: str, keys: Iterable[str], n: int = 3) -> list[str]:
    """The ``n`` keys most like one that is not there, best first.

    The project-wide "did you mean" rule (:func:`citekit.base.suggestions.closest_matches`):
    a key that differs only in case or ``_``/``-`` is the one suggestion;
    otherwise difflib's closest matches, case-sensitively first, then ignoring case.
    """
    return closest_matches(key, keys, n=n)


def find_record(library: Library, key: str) -> Record:
    """The record with this key; an unknown key suggests the closest ones."""
    record = library.get(key)
    if record is None:
        raise UnknownKeyError(
            f"no entry with key '{key}'", suggestions=closest_keys(key, library.keys())
        )
    return record


__all__ = [
    "AUTHOR_VARIABLES",
    "Summary",
    "YearRange",
    "closest_keys",
    "filter_records",
    "find_record",
    "first_author",
    "matches_author",
    "parse_year_range",
    "record_year",
    "searchable_text",
    "summarize",
]

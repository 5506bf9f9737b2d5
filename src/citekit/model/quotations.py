"""Quotation records, the record side: what makes a record a quotation, and a typed view.

A quotation is an ordinary CSL record (type ``speech``, ``interview``,
``document`` for a statement whose occasion is not established, or
``personal_communication``) whose ``author`` is the speaker and whose
``custom`` object carries what CSL has no variable for: the words
(``quotation``), the record that quotes them (``quoted-in``, with
``quoted-in-locator`` and ``quoted-in-label``), and, when known, the
original wording and source (``original-quotation``, ``original-source``).
docs/quotations.md documents the convention.

This is model vocabulary: rendering ("quoted in" citations) and the
quotation operations (:mod:`citekit.ops.quotations`: checks and
verification against a text) both read records through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from citekit.base.text import strip_markup
from citekit.base.valueclass import value_class
from citekit.model.records import Date, Library, Name, Record

# -- The convention ----------------------------------------------------------------------------

QUOTATION = "quotation"
QUOTED_IN = "quoted-in"
QUOTED_IN_LOCATOR = "quoted-in-locator"
QUOTED_IN_LABEL = "quoted-in-label"
ORIGINAL_QUOTATION = "original-quotation"
ORIGINAL_SOURCE = "original-source"
OCCASION = "occasion"

#: The ``custom`` keys that make a record a quotation record.
CUSTOM_KEYS: tuple[str, ...] = (
    QUOTATION, QUOTED_IN, QUOTED_IN_LOCATOR, QUOTED_IN_LABEL,
    ORIGINAL_QUOTATION, ORIGINAL_SOURCE, OCCASION,
)  # fmt: skip

#: CSL types a quotation record is expected to have: ``document`` is a
#: statement attributed to its speaker whose occasion is not established
#: (docs/quotations.md, "Which type").
QUOTATION_TYPES: frozenset[str] = frozenset(
    {"speech", "interview", "document", "personal_communication"}
)


_CUSTOM_KEY_SET: frozenset[str] = frozenset(CUSTOM_KEYS)


def is_quotation(record: Record) -> bool:
    """Whether a record carries any of the quotation ``custom`` keys.

    Reads the record's stored ``custom`` dict directly rather than through
    :attr:`Record.custom`: every rendering asks this of every record, and the
    view costs an object and a method call per key.  A ``custom`` that is not
    an object holds no keys, as the view reads it.
    """
    custom = record.fields.get("custom")
    return isinstance(custom, dict) and not custom.keys().isdisjoint(_CUSTOM_KEY_SET)


def has_quotations(records: Iterable[Record]) -> bool:
    """Whether any of ``records`` is a quotation record.

    The cheap question to ask once before per-record "quoted in" work: a
    library without quotation records (most of them) needs none of it.
    """
    return any(map(is_quotation, records))


def speaker_name(name: Name) -> str:
    """A speaker's name as a listing shows it: "Trump, Donald", "Kim Il-sung".

    Family first, as catalogues do, because BibLaTeX cannot say which names
    are written family first (Korean, Chinese): with a comma both orders read
    right.  A name CSL marks ``static-ordering`` is shown as written.
    """
    if name.literal is not None:
        return name.literal
    family = name.family_with_particle
    given = name.given_with_particle
    if name.static_ordering and family and given:
        return f"{family} {given}"
    text = ", ".join(p for p in (family, given) if p)
    return f"{text}, {name.suffix}" if name.suffix else text


def custom_text(value: Any) -> str | None:
    """A custom value as text: numbers become strings, empty values None.

    CSL's rich-text markup goes (``<span class="nocase">Bloomberg News</span>``
    is the BibTeX reader's case protection, not the occasion's words): the
    view is what people read and what ``citekit quotes`` exports.
    """
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = strip_markup(str(value))
    return text if text.strip() else None


@value_class
class Quotation:
    """A typed view of one quotation record (the record itself stays the truth)."""

    key: str
    type: str
    speaker: tuple[Name, ...]
    words: str
    date: Date | None = None
    occasion: str | None = None
    place: str | None = None
    quoted_in: str | None = None
    locator: str | None = None
    label: str | None = None
    original_words: str | None = None
    original_source: str | None = None

    @classmethod
    def from_record(cls, record: Record) -> Quotation:
        custom = record.custom
        return cls(
            key=record.key,
            type=record.type,
            speaker=tuple(record.names("author")),
            words=custom_text(custom.get(QUOTATION)) or "",
            date=record.date("issued"),
            occasion=custom_text(record.get("event-title"))
            or custom_text(record.get("event"))
            or custom_text(custom.get(OCCASION)),
            place=custom_text(record.get("event-place")),
            quoted_in=custom_text(custom.get(QUOTED_IN)),
            locator=custom_text(custom.get(QUOTED_IN_LOCATOR)),
            label=custom_text(custom.get(QUOTED_IN_LABEL)),
            original_words=custom_text(custom.get(ORIGINAL_QUOTATION)),
            original_source=custom_text(custom.get(ORIGINAL_SOURCE)),
        )

    @property
    def speaker_display(self) -> str:
        return " and ".join(speaker_name(n) for n in self.speaker)

    @property
    def where(self) -> str | None:
        """``paragraph 14`` (the label defaults to CSL's ``page``)."""
        if self.locator is None:
            return None
        return f"{self.label or 'page'} {self.locator}"

    def matches_speaker(self, wanted: str) -> bool:
        """Case-insensitive substring match on any spelling of any speaker's name."""
        needle = " ".join(wanted.split()).casefold()
        for name in self.speaker:
            spellings = {speaker_name(name), name.display(), name.sort_key()}
            if name.family and name.given:
                spellings.add(f"{name.family}, {name.given}")
            if any(needle in s.casefold() for s in spellings):
                return True
        return False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "type": self.type,
            "speaker": [speaker_name(n) for n in self.speaker],
            "date": str(self.date) if self.date is not None else None,
            "words": self.words,
            "occasion": self.occasion,
            "place": self.place,
            "quoted-in": self.quoted_in,
            "quoted-in-locator": self.locator,
            "quoted-in-label": self.label,
            "original-quotation": self.original_words,
            "original-source": self.original_source,
        }


def quotations(
    library: Library, *, speaker: str | None = None, quoted_in: str | None = None
) -> list[Quotation]:
    """The library's quotation records in library order, optionally filtered.

    ``speaker`` matches any part of a speaker's name (case-insensitive);
    ``quoted_in`` is the exact id of the quoting record.
    """
    found: list[Quotation] = []
    for record in library:
        if not is_quotation(record):
            continue
        quote = Quotation.from_record(record)
        if speaker is not None and not quote.matches_speaker(speaker):
            continue
        if quoted_in is not None and quote.quoted_in != quoted_in:
            continue
        found.append(quote)
    return found


__all__ = [
    "CUSTOM_KEYS",
    "OCCASION",
    "ORIGINAL_QUOTATION",
    "ORIGINAL_SOURCE",
    "QUOTATION",
    "QUOTATION_TYPES",
    "QUOTED_IN",
    "QUOTED_IN_LABEL",
    "QUOTED_IN_LOCATOR",
    "Quotation",
    "custom_text",
    "has_quotations",
    "is_quotation",
    "quotations",
    "speaker_name",
]

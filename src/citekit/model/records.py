"""The record model: CSL-JSON, typed, and nothing else.

CSL-JSON is citekit's hub: every format converts to and from it, so the
model keeps CSL's variable names (hyphenated, case as in the schema) and
value types.  Names and dates get small frozen value classes because every
consumer (the CSL engine, BibTeX writer, checks, dedupe) needs them parsed;
every other variable keeps the JSON value it came with, so a number given as
``"12"`` stays a string and ``custom`` stays whatever object it was.

Round trips are lossless: ``Record.from_json(x).to_json() == x`` for valid
CSL-JSON in canonical form (the tests prove it with hypothesis).  Inputs that
tools spell differently (pandoc's and Zotero's strings for numbers in
``date-parts``, ``"true"`` for booleans) are normalised on the way in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import field, replace
from types import MappingProxyType
from typing import Any, Literal

from citekit.base.patterns import lazy_pattern
from citekit.base.valueclass import value_class

# ---------------------------------------------------------------------------
# The CSL 1.0.2 variable table (csl-data.json)
# ---------------------------------------------------------------------------

ITEM_TYPES: tuple[str, ...] = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill",
    "book", "broadcast", "chapter", "classic", "collection", "dataset", "document",
    "entry", "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic",
    "hearing", "interview", "legal_case", "legislation", "manuscript", "map",
    "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
    "performance", "periodical", "personal_communication", "post", "post-weblog",
    "regulation", "report", "review", "review-book", "software", "song", "speech",
    "standard", "thesis", "treaty", "webpage",
)  # fmt: skip

NAME_VARIABLES: frozenset[str] = frozenset({
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director",
    "executive-producer", "guest", "host", "interviewer", "illustrator", "narrator",
    "organizer", "original-author", "performer", "producer", "recipient",
    "reviewed-author", "script-writer", "series-creator", "translator", "editor-translator",
})  # fmt: skip

DATE_VARIABLES: frozenset[str] = frozenset({
    "accessed", "available-date", "event-date", "issued", "original-date", "submitted",
})  # fmt: skip

# The CSL 1.0.2 specification's number variables ("Number Variables"), the one
# table the engine reads too (a number variable's hyphen becomes a range dash).
NUMBER_VARIABLES: frozenset[str] = frozenset({
    "chapter-number", "citation-number", "collection-number", "edition",
    "first-reference-note-number", "issue", "locator", "number", "number-of-pages",
    "number-of-volumes", "page", "page-first", "part-number", "printing-number", "section",
    "supplement-number", "version", "volume",
})  # fmt: skip

# CSL-JSON fields the input schema (csl-data.json) types as numbers but the
# specification does not name as variables; kept as numbers in records.
SCHEMA_NUMBER_FIELDS: frozenset[str] = frozenset({"part", "printing", "supplement"})

STRING_VARIABLES: frozenset[str] = frozenset({
    "citation-key", "language", "journalAbbreviation", "shortTitle", "abstract", "annote",
    "archive", "archive_collection", "archive_location", "archive-place", "authority",
    "call-number", "citation-label", "collection-title", "container-title",
    "container-title-short", "dimensions", "division", "DOI", "event", "event-title",
    "event-place", "genre", "ISBN", "ISSN", "jurisdiction", "keyword", "medium", "note",
    "original-publisher", "original-publisher-place", "original-title", "part-title",
    "PMCID", "PMID", "publisher", "publisher-place", "references", "reviewed-genre",
    "reviewed-title", "scale", "source", "status", "title", "title-short", "license",
    "URL", "volume-title", "volume-title-short", "year-suffix",
})  # fmt: skip

OTHER_VARIABLES: frozenset[str] = frozenset({"categories", "custom"})

VariableKind = Literal["name", "date", "number", "string", "other", "unknown"]


def variable_kind(variable: str) -> VariableKind:
    """Whether a CSL variable holds names, a date, a number, text or other data."""
    if variable in NAME_VARIABLES:
        return "name"
    if variable in DATE_VARIABLES:
        return "date"
    if variable in NUMBER_VARIABLES or variable in SCHEMA_NUMBER_FIELDS:
        return "number"
    if variable in STRING_VARIABLES:
        return "string"
    if variable in OTHER_VARIABLES:
        return "other"
    return "unknown"


def _as_bool(value: Any) -> bool:
    """CSL-JSON booleans arrive as true, 1, "true" or "1"."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def _json_kind(value: Any) -> str:
    """A JSON value's kind as a message names it."""
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _preview(value: Any) -> str:
    """A short spelling of a refused value for a message (it may be huge)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_NAME_STRING_KEYS = {
    "family": "family",
    "given": "given",
    "dropping-particle": "dropping_particle",
    "non-dropping-particle": "non_dropping_particle",
    "suffix": "suffix",
    "literal": "literal",
}
_NAME_BOOL_KEYS = {
    "comma-suffix": "comma_suffix",
    "static-ordering": "static_ordering",
}


@value_class
class Name:
    """A CSL name: personal (family/given and particles) or literal.

    ``parse_names`` keeps the CSL-JSON ``parse-names`` flag when given
    (None means absent).  ``extra`` keeps keys outside the CSL schema that
    some tools add (Zotero's ``isInstitution``) so they survive a round trip.
    """

    family: str | None = None
    given: str | None = None
    dropping_particle: str | None = None
    non_dropping_particle: str | None = None
    suffix: str | None = None
    comma_suffix: bool = False
    static_ordering: bool = False
    literal: str | None = None
    parse_names: bool | None = None
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def is_literal(self) -> bool:
        return self.literal is not None

    @property
    def family_with_particle(self) -> str:
        """The family name led by its non-dropping particle ("van Gogh"), or "".

        The part a name is filed and keyed under; the dropping particle stays
        with the given name (:attr:`given_with_particle`).  Personal-name
        parts only: a literal name gives "" here.
        """
        return " ".join(p for p in (self.non_dropping_particle, self.family) if p)

    @property
    def given_with_particle(self) -> str:
        """The given name followed by its dropping particle ("Ludwig van"), or "".

        What follows the comma when a name is written family first
        ("Beethoven, Ludwig van"), as RIS and listings write it.
        """
        return " ".join(p for p in (self.given, self.dropping_particle) if p)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any], problems: list[str] | None = None) -> Name:
        """A name from its CSL-JSON object; raises ValueError on a bad shape.

        A name part that is a list or an object (``"given": ["A", "B"]``) has
        no text a style could print, and its Python spelling is not the
        user's data.  Readers pass ``problems``: such a part is then left out
        and a message appended, so the rest of the name and of the list
        survive; without it the name is refused.
        """
        if not isinstance(obj, Mapping):
            raise ValueError(f"a name must be an object, not {type(obj).__name__}")
        kwargs: dict[str, Any] = {}
        extra: list[tuple[str, Any]] = []
        for key, value in obj.items():
            if key in _NAME_STRING_KEYS:
                if value is None:
                    continue
                if not isinstance(value, _JSON_SCALARS):
                    message = f"'{key}' must be text, not {_json_kind(value)} ({_preview(value)})"
                    if problems is None:
                        raise ValueError(f"name part {message}")
                    problems.append(message)
                    continue
                kwargs[_NAME_STRING_KEYS[key]] = str(value)
            elif key in _NAME_BOOL_KEYS:
                kwargs[_NAME_BOOL_KEYS[key]] = _as_bool(value)
            elif key == "parse-names":
                kwargs["parse_names"] = _as_bool(value)
            else:
                check_nesting(value)  # kept as given, so it must be plain JSON
                extra.append((key, value))
        return cls(**kwargs, extra=tuple(extra))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, attr in _NAME_STRING_KEYS.items():
            value = getattr(self, attr)
            if value is not None:
                out[key] = value
        if self.comma_suffix:
            out["comma-suffix"] = True
        if self.static_ordering:
            out["static-ordering"] = True
        if self.parse_names is not None:
            out["parse-names"] = self.parse_names
        for key, value in self.extra:
            out[key] = value
        return out

    def display(self) -> str:
        """A plain "Given von Family, Jr." rendering for listings and messages."""
        if self.literal is not None:
            return self.literal
        parts = [
            self.given,
            self.dropping_particle,
            self.non_dropping_particle,
            self.family,
        ]
        text = " ".join(p for p in parts if p)
        if self.suffix:
            text = f"{text}, {self.suffix}" if self.comma_suffix else f"{text} {self.suffix}"
        return text

    def sort_key(self) -> str:
        """Family name (with a non-dropping particle) first, for listings and matching."""
        if self.literal is not None:
            return self.literal
        return " ".join(p for p in (self.non_dropping_particle, self.family, self.given) if p)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

DateParts = tuple[int, ...]

_EDTF_DATE = lazy_pattern(
    globals(), r"^(?P<year>[+-]?\d{1,})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$"
)
_QUALIFIER = lazy_pattern(globals(), r"[~?%]$")
#: A time of day after a full date (EDTF level 0, ISO 8601; biblatex reads it
#: for ``alldatesusetime``): ``T12:30:00``, seconds and fraction optional,
#: then ``Z`` or an offset (``+01:00``, ``-0500``, ``+01``).
_EDTF_TIME = lazy_pattern(
    globals(),
    r"T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"(?:Z|[+-](?P<zone_hour>\d{2})(?::?(?P<zone_minute>\d{2}))?)?$",
)


def _without_time(text: str) -> str | None:
    """The date of a date-time (``1997-03-05`` of ``1997-03-05T12:30:00Z``).

    CSL dates have no time of day, so the time is not kept in the parts; the
    text the reader keeps as ``raw`` still has it.  None when what follows
    the ``T`` is not a valid time.
    """
    match = _EDTF_TIME.search(text)
    if match is None:
        return None
    valid = (
        int(match["hour"]) <= 24
        and int(match["minute"]) <= 59
        and (match["second"] is None or int(match["second"]) <= 60)
        and (match["zone_hour"] is None or int(match["zone_hour"]) <= 23)
        and (match["zone_minute"] is None or int(match["zone_minute"]) <= 59)
    )
    return text[: match.start()] if valid else None


def _parse_edtf_point(text: str) -> tuple[DateParts, int | None, bool] | None:
    """One EDTF level-1 date: ``2017``, ``2017-05``, ``2017-05-14``, ``2017-21``,
    ``2017-05-14T09:30:00Z`` (the time read and left out of the parts).

    Returns (parts, season, qualified) or None when the text is not EDTF.
    Months 21-24 are seasons (spring, summer, autumn, winter).
    """
    qualified = False
    while text and _QUALIFIER.search(text):
        qualified = True
        text = text[:-1]
    timed = "T" in text
    if timed:
        date = _without_time(text)
        if date is None:
            return None
        text = date
    match = _EDTF_DATE.match(text)
    if not match or (timed and match["day"] is None):  # a time needs a whole date
        return None
    year = int(match["year"])
    if match["month"] is None:
        return (year,), None, qualified
    month = int(match["month"])
    if 21 <= month <= 24:
        if match["day"] is not None:
            return None
        return (year,), month - 20, qualified
    if not 1 <= month <= 12:
        return None
    if match["day"] is None:
        return (year, month), None, qualified
    day = int(match["day"])
    if not 1 <= day <= 31:
        return None
    return (year, month, day), None, qualified


def _edtf_parts(text: str) -> tuple[tuple[DateParts, ...], int | None, bool] | None:
    """EDTF text to (parts, season, circa); an open range end is an empty tuple."""
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        start_text, _, end_text = text.partition("/")
        start = None if start_text in ("", "..") else _parse_edtf_point(start_text)
        end = None if end_text in ("", "..") else _parse_edtf_point(end_text)
        if start is None and end is None:
            return None
        if (start_text not in ("", "..") and start is None) or (
            end_text not in ("", "..") and end is None
        ):
            return None
        season = (start[1] if start else None) or (end[1] if end else None)
        circa = bool((start and start[2]) or (end and end[2]))
        return (start[0] if start else (), end[0] if end else ()), season, circa
    point = _parse_edtf_point(text)
    if point is None:
        return None
    return (point[0],), point[1], point[2]


def parse_edtf(text: str) -> Date | None:
    """Parse an ISO 8601-2 / EDTF level-1 string into a :class:`Date`.

    Handles single dates, ranges (``1993/2008``), open ranges (``1993/..``,
    ``../2008``, ``1993/``), uncertainty and approximation (``~``, ``?``,
    ``%`` set ``circa``), seasons (``2017-21``) and dates with a time of day
    (``1997-03-05T12:30:00+01:00``: CSL has no time, so the parts are the
    day's and only ``raw`` keeps the time).  The original text is
    kept in ``raw`` so the date writes back exactly as it came; an open range
    keeps only ``raw`` (CSL-JSON has no way to write an open end in
    ``date-parts``) and :attr:`Date.resolved` gives its parts.  Returns None
    when the text is not EDTF.
    """
    parsed = _edtf_parts(text)
    if parsed is None:
        return None
    parts, season, circa = parsed
    if any(not point for point in parts):
        return Date(season=season, circa=circa, raw=text.strip())
    return Date(parts=parts, season=season, circa=circa, raw=text.strip())


def _part_to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a date part cannot be a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise ValueError(f"date part {value!r} is not a number")


@value_class
class Date:
    """A CSL date: ``date-parts`` (one point or a two-point range), or text.

    ``parts`` is a tuple of one or two tuples (year[, month[, day]]); an empty
    tuple stands for an open end of a range.  When a date came only as a
    ``raw`` or bare EDTF string, ``parts`` is empty and :attr:`resolved`
    parses it on demand, so writing it back gives the same string.
    ``bare`` remembers that the JSON value was a string, not an object.
    """

    parts: tuple[DateParts, ...] = ()
    season: int | str | None = None
    circa: bool = False
    literal: str | None = None
    raw: str | None = None
    bare: bool = False
    extra: tuple[tuple[str, Any], ...] = field(default=())

    # -- construction ------------------------------------------------------
    @classmethod
    def from_parts(
        cls, *points: DateParts, season: int | str | None = None, circa: bool = False
    ) -> Date:
        return cls(parts=tuple(tuple(p) for p in points), season=season, circa=circa)

    @classmethod
    def from_json(cls, value: Any) -> Date:
        if isinstance(value, str):
            return cls(raw=value, bare=True)
        if not isinstance(value, Mapping):
            raise ValueError(f"a date must be an object or a string, not {type(value).__name__}")
        kwargs: dict[str, Any] = {}
        extra: list[tuple[str, Any]] = []
        for key, item in value.items():
            if key == "date-parts":
                if not isinstance(item, list) or not all(isinstance(p, list) for p in item):
                    raise ValueError("date-parts must be a list of lists")
                if not item:  # pandoc writes "date-parts": [] for undated entries
                    extra.append((key, item))
                    continue
                kwargs["parts"] = tuple(
                    tuple(_part_to_int(x) for x in point if x not in (None, "")) for point in item
                )
            elif key == "season":
                check_nesting(item)
                if isinstance(item, str) and item.strip().isdigit():
                    item = int(item)
                kwargs["season"] = item
            elif key == "circa":
                kwargs["circa"] = _as_bool(item)
            elif key in ("literal", "raw"):
                check_nesting(item)
                kwargs[key] = str(item)
            else:
                check_nesting(item)  # kept as given, so it must be plain JSON
                extra.append((key, item))
        return cls(**kwargs, extra=tuple(extra))

    def to_json(self) -> Any:
        if self.bare and self.raw is not None:
            return self.raw
        out: dict[str, Any] = {}
        if self.parts:
            out["date-parts"] = [list(p) for p in self.parts]
        if self.season is not None:
            out["season"] = self.season
        if self.circa:
            out["circa"] = True
        if self.literal is not None:
            out["literal"] = self.literal
        if self.raw is not None:
            out["raw"] = self.raw
        for key, item in self.extra:
            out[key] = item
        return out

    # -- reading -----------------------------------------------------------
    @property
    def resolved(self) -> Date:
        """This date with ``parts`` filled from ``raw`` when only raw was given."""
        if self.parts or self.raw is None:
            return self
        parsed = _edtf_parts(self.raw)
        if parsed is None:
            return self
        parts, season, circa = parsed
        return replace(
            self,
            parts=parts,
            season=self.season if self.season is not None else season,
            circa=self.circa or circa,
        )

    @property
    def start(self) -> DateParts:
        resolved = self.resolved
        return resolved.parts[0] if resolved.parts else ()

    @property
    def end(self) -> DateParts | None:
        resolved = self.resolved
        return resolved.parts[1] if len(resolved.parts) > 1 else None

    @property
    def is_range(self) -> bool:
        return self.end is not None

    @property
    def year(self) -> int | None:
        start = self.start
        if start:
            return start[0]
        end = self.end
        return end[0] if end else None

    def to_edtf(self) -> str | None:
        """The date as EDTF (``2017-05~``, ``1993/2008``), or None for a literal."""
        resolved = self.resolved
        if not resolved.parts:
            return None

        def point(p: DateParts, season: int | str | None) -> str:
            if not p:
                return ".."
            text = f"{p[0]:04d}" if p[0] >= 0 else f"-{-p[0]:04d}"
            if len(p) >= 2:
                text += f"-{p[1]:02d}"
                if len(p) >= 3:
                    text += f"-{p[2]:02d}"
            elif isinstance(season, int) and 1 <= season <= 4:
                text += f"-{season + 20}"
            return text

        marks = "~" if resolved.circa else ""
        if len(resolved.parts) == 1:
            return point(resolved.parts[0], resolved.season) + marks
        start, end = resolved.parts[0], resolved.parts[1]
        return (
            point(start, resolved.season)
            + (marks if start else "")
            + "/"
            + point(end, None)
            + (marks if end else "")
        )

    def __str__(self) -> str:
        if self.literal is not None:
            return self.literal
        return self.to_edtf() or self.raw or ""


# ---------------------------------------------------------------------------
# Records and libraries
# ---------------------------------------------------------------------------


MAX_NESTING = 64
"""The deepest a variable's value may nest lists and objects.

CSL data nest a few levels at most; the limit keeps a hostile file (JSON
nested a thousand levels, a YAML alias that contains itself) from reaching
writers and engines that walk values recursively."""


_JSON_SCALARS = (str, int, float, bool, type(None))


MAX_EXPANDED = 1_000_000
"""The most scalars a value may hold once shared parts are counted each time
they occur: YAML aliases can make a few lines stand for billions of items
("billion laughs"), which every writer would then spell out."""


def _plainly_small(value: Any, depth: int, budget: list[int]) -> bool:
    """True for the shapes CSL data really has (scalars, names, date-parts):
    JSON data at most four levels deep with few items, so the full walk of
    :func:`check_nesting` is needed only for unusual values."""
    budget[0] -= 1
    if budget[0] < 0:
        return False
    if isinstance(value, _JSON_SCALARS):
        return True
    if depth >= 4:
        return False
    if isinstance(value, list):
        return all(_plainly_small(v, depth + 1, budget) for v in value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and _plainly_small(v, depth + 1, budget) for k, v in value.items()
        )
    return False


def check_nesting(value: Any) -> None:
    """Raise ValueError for a value that is not JSON data (YAML tags can make
    dates, bytes and sets), is nested deeper than :data:`MAX_NESTING`,
    contains itself, or expands past :data:`MAX_EXPANDED` scalars (the last
    two only YAML aliases can build)."""
    if isinstance(value, _JSON_SCALARS) or _plainly_small(value, 0, [4096]):
        return  # the hot path: every field of every record
    # (height, expanded size) of each container; shared (aliased) ones are walked once
    known: dict[int, tuple[int, int]] = {}
    active: set[int] = set()

    def measure(node: Any, depth: int) -> tuple[int, int]:
        if not isinstance(node, (list, dict)):
            if not isinstance(node, _JSON_SCALARS):
                raise ValueError(f"a {type(node).__name__} value is not JSON data")
            return 0, 1
        if isinstance(node, dict):
            odd = next((k for k in node if not isinstance(k, _JSON_SCALARS)), None)
            if odd is not None:
                raise ValueError(f"a {type(odd).__name__} key is not JSON data")
        ident = id(node)
        if ident in active:
            raise ValueError("a value that contains itself (a recursive YAML alias?)")
        found = known.get(ident)
        if found is None:
            if depth >= MAX_NESTING:
                raise ValueError(f"a value nested more than {MAX_NESTING} levels deep")
            active.add(ident)
            height, size = 0, 1
            for child in node.values() if isinstance(node, dict) else node:
                child_height, child_size = measure(child, depth + 1)
                height, size = max(height, child_height), size + child_size
                if size > MAX_EXPANDED:
                    raise ValueError(
                        f"a value that expands to more than {MAX_EXPANDED} "
                        "items (YAML aliases used as a bomb?)"
                    )
            active.discard(ident)
            found = known[ident] = (height + 1, size)
        if depth + found[0] > MAX_NESTING:
            raise ValueError(f"a value nested more than {MAX_NESTING} levels deep")
        return found

    measure(value, 0)


def value_from_json(variable: str, value: Any, problems: list[str] | None = None) -> Any:
    """Turn one CSL-JSON value into the model's value for that variable.

    Names and dates are rebuilt field by field (their extra keys are checked
    there); any other value is kept as given, so it must be plain JSON data
    (:func:`check_nesting`).  With ``problems`` (readers pass it), a bad part
    of a name is left out and reported there instead of costing the field
    (:meth:`Name.from_json`); a name with nothing left is left out too.
    """
    kind = variable_kind(variable)
    if kind == "name":
        if not isinstance(value, list):
            raise ValueError(f"'{variable}' must be a list of names")
        if problems is None:
            return [Name.from_json(n) for n in value]
        return _names_from_json(variable, value, problems)
    if kind == "date":
        return Date.from_json(value)
    if not isinstance(value, _JSON_SCALARS):
        check_nesting(value)
    return value


def _names_from_json(variable: str, value: list[Any], problems: list[str]) -> list[Name]:
    """:func:`value_from_json` of a name list, bad name parts left out and reported."""
    names: list[Name] = []
    reported: list[tuple[str, str]] = []  # (what was wrong, what was done)
    for position, item in enumerate(value, start=1):
        found: list[str] = []
        name = Name.from_json(item, found)
        if not found:
            names.append(name)
            continue
        said = f"name {position}: {'; '.join(found)}"
        if name == Name(extra=name.extra):  # nothing printable is left
            reported.append((said, "the name, with no part left, was dropped"))
        else:
            names.append(name)
            reported.append((said, "that part was left out"))
    if not names and reported:  # the field is dropped: its error says why
        raise ValueError("; ".join(said for said, _ in reported))
    problems.extend(f"{said}; {done}" for said, done in reported)
    return names


def value_to_json(value: Any) -> Any:
    if isinstance(value, list) and value and isinstance(value[0], Name):
        return [n.to_json() for n in value]
    if isinstance(value, (Date, Name)):
        return value.to_json()
    return value


class CustomFields(MutableMapping[str, Any]):
    """A record's ``custom`` object, created on the first write, not on a read.

    Readers park what CSL has no variable for under ``custom`` (BibLaTeX
    fields, RIS tags, merge notes).  A property that created the object when
    merely looked at made every check and writer that asked "anything kept
    here?" change the record, and its CSL-JSON, as a side effect.  A
    ``custom`` that is not an object (CSL-JSON allows anything) reads as
    empty and is left untouched until something is written.
    """

    __slots__ = ("_record",)

    def __init__(self, record: Record) -> None:
        self._record = record

    def _stored(self) -> dict[str, Any]:
        value = self._record.fields.get("custom")
        return value if isinstance(value, dict) else {}

    def _for_writing(self) -> dict[str, Any]:
        value = self._record.fields.get("custom")
        if not isinstance(value, dict):
            value = self._record.fields["custom"] = {}
        return value

    def __getitem__(self, name: str) -> Any:
        return self._stored()[name]

    # ``in`` and ``get`` straight from the dict: Mapping's own go through
    # __getitem__ and raise KeyError for every absent key, and rendering asks
    # every record whether it holds quotation or biblatex keys.
    def __contains__(self, name: object) -> bool:
        return name in self._stored()

    def get(self, name: str, default: Any = None) -> Any:
        return self._stored().get(name, default)

    def __setitem__(self, name: str, value: Any) -> None:
        self._for_writing()[name] = value

    def __delitem__(self, name: str) -> None:
        del self._stored()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._stored())

    def __len__(self) -> int:
        return len(self._stored())

    def __repr__(self) -> str:
        return f"CustomFields({self._stored()!r})"


class Record:
    """One citable thing: a CSL item with an id, a type and its variables.

    Variables are reached with mapping syntax (``record["title"]``); name
    variables hold ``list[Name]``, date variables hold :class:`Date`, and
    everything else the JSON value as given.  Ids are kept exactly as given
    (case-sensitive, never altered); :attr:`key` is the id as a string.
    """

    __slots__ = ("fields", "id", "type")

    def __init__(
        self,
        id: str | int | float,
        type: str = "document",
        fields: Mapping[str, Any] | None = None,
        **variables: Any,
    ) -> None:
        self.id = id
        self.type = type
        self.fields: dict[str, Any] = {}
        for source in (fields or {}), variables:
            for name, value in source.items():
                if source is variables and variable_kind(name) == "unknown":
                    name = name.replace("_", "-")  # title_short= for title-short
                self[name] = value

    @property
    def key(self) -> str:
        return str(self.id)

    # -- mapping protocol --------------------------------------------------
    def __getitem__(self, variable: str) -> Any:
        return self.fields[variable]

    def __setitem__(self, variable: str, value: Any) -> None:
        if value is None:
            self.fields.pop(variable, None)
            return
        kind = variable_kind(variable)
        if kind == "name" and isinstance(value, list):
            value = [n if isinstance(n, Name) else Name.from_json(n) for n in value]
        elif kind == "date" and not isinstance(value, Date):
            value = Date.from_json(value)
        self.fields[variable] = value

    def __delitem__(self, variable: str) -> None:
        del self.fields[variable]

    def __contains__(self, variable: object) -> bool:
        return variable in self.fields

    def get(self, variable: str, default: Any = None) -> Any:
        return self.fields.get(variable, default)

    def names(self, variable: str) -> list[Name]:
        value = self.fields.get(variable)
        return list(value) if isinstance(value, list) else []

    def date(self, variable: str) -> Date | None:
        value = self.fields.get(variable)
        return value if isinstance(value, Date) else None

    @property
    def custom(self) -> CustomFields:
        """The ``custom`` object as a mapping; reading never adds it to the record.

        ``record.custom.get("biblatex")`` leaves a record without ``custom``
        as it was (its JSON does not grow an empty object); the first write
        (``record.custom["ris"] = ...``, ``setdefault``) creates it.
        """
        return CustomFields(self)

    # -- JSON --------------------------------------------------------------
    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Record:
        """Build a record from one CSL-JSON item; raises ValueError on bad shape."""
        if not isinstance(obj, Mapping):
            raise ValueError(f"an item must be an object, not {type(obj).__name__}")
        if "id" not in obj:
            raise ValueError("item has no 'id'")
        item_id = obj["id"]
        if not isinstance(item_id, (str, int, float)) or isinstance(item_id, bool):
            raise ValueError(f"item id must be a string or number, not {item_id!r}")
        record = cls(item_id, str(obj.get("type", "document")))
        for variable, value in obj.items():
            if variable in ("id", "type"):
                continue
            try:
                record.fields[variable] = value_from_json(variable, value)
            except ValueError as exc:
                raise ValueError(f"item '{item_id}': {exc}") from exc
        return record

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type}
        for variable, value in self.fields.items():
            out[variable] = value_to_json(value)
        return out

    def copy(self) -> Record:
        clone = Record(self.id, self.type)
        for variable, value in self.fields.items():
            clone.fields[variable] = (
                list(value)
                if isinstance(value, list)
                else dict(value)
                if isinstance(value, dict)
                else value
            )
        return clone

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        title = self.fields.get("title")
        return f"Record({self.id!r}, {self.type!r}{', ' + repr(title) if title else ''})"


class Library:
    """An ordered collection of records keyed by their id (case-sensitive).

    ``extras`` carries format-level data that is not a record (BibTeX
    ``@preamble``, ``@string`` macros, ``@comment`` blocks) so that a
    writer of the same format can put it back.
    """

    __slots__ = ("_records", "extras")

    def __init__(self, records: Iterable[Record] = ()) -> None:
        self._records: dict[str, Record] = {}
        self.extras: dict[str, Any] = {}
        for record in records:
            self.add(record)

    def add(self, record: Record, *, replace: bool = False) -> None:
        """Add a record; a duplicate id raises KeyError unless ``replace``."""
        if not replace and record.key in self._records:
            raise KeyError(f"duplicate id '{record.key}'")
        self._records[record.key] = record

    def remove(self, key: str) -> Record:
        return self._records.pop(key)

    def unused_key(self, key: str) -> str:
        """``key`` itself when free, else the first free of ``key-2``, ``key-3`` ...

        Readers and merges rename a clashing record this way rather than drop
        it, so every record read is kept and the new key shows where it came from.
        """
        if key not in self._records:
            return key
        n = 2
        while f"{key}-{n}" in self._records:
            n += 1
        return f"{key}-{n}"

    def __getitem__(self, key: str) -> Record:
        return self._records[key]

    def get(self, key: str) -> Record | None:
        return self._records.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records.values())

    def __len__(self) -> int:
        return len(self._records)

    def keys(self) -> list[str]:
        return list(self._records)

    def as_mapping(self) -> Mapping[str, Record]:
        """The records by id as a live, read-only mapping.

        Its ``get`` runs in C, where :meth:`get` is a Python call: a live
        document checks on every edit that each record it rendered is still
        the library's, and with this that check is one pass of ``map``.
        """
        return MappingProxyType(self._records)

    def to_json(self) -> list[dict[str, Any]]:
        return [record.to_json() for record in self._records.values()]

    @classmethod
    def from_json(cls, items: Iterable[Mapping[str, Any]]) -> Library:
        return cls(Record.from_json(item) for item in items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Library):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Library({len(self)} records)"


__all__ = [
    "DATE_VARIABLES",
    "ITEM_TYPES",
    "NAME_VARIABLES",
    "NUMBER_VARIABLES",
    "STRING_VARIABLES",
    "CustomFields",
    "Date",
    "Library",
    "Name",
    "Record",
    "parse_edtf",
    "variable_kind",
]

"""CSL-JSON items normalised once for rendering.

Names are split into their parts (particles parsed out of family and given
names when the data does not say), dates into integer parts with ranges,
seasons, circa and literals, and every other variable into a string, so the
evaluator never re-parses a field per render.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from citekit.base.patterns import lazy_pattern
from citekit.base.valueclass import value_class
from citekit.model.records import (
    DATE_VARIABLES,
    NAME_VARIABLES,
    NUMBER_VARIABLES,
    STRING_VARIABLES,
)


@value_class
class NameData:
    """A name split into CSL's parts, as the name renderer reads them."""

    family: str = ""
    given: str = ""
    dropping: str = ""
    non_dropping: str = ""
    suffix: str = ""
    literal: str = ""
    comma_suffix: bool = False
    static_ordering: bool = False
    given_particle: bool = False  # the dropping particle was parsed out of the given name

    @property
    def is_literal(self) -> bool:
        return bool(self.literal) or not (self.family or self.given)


@value_class
class DateData:
    """A date as integer (year, month, day) parts, with its range end, season, circa or literal."""

    parts: tuple[int, int, int]
    end: tuple[int, int, int] | None = None
    season: int = 0
    end_season: int = 0
    circa: bool = False
    literal: str = ""

    def sort_key(self) -> str:
        if self.literal and not self.parts[0]:
            return ""
        year, month, day = self.parts
        key = f"{year + 100000:06d}{month:02d}{day:02d}"
        if self.end is not None:
            end_year, end_month, end_day = self.end
            key += f"-{end_year + 100000:06d}{end_month:02d}{end_day:02d}"
        return key


@dataclass(slots=True)
class Item:
    """A CSL-JSON item with every variable parsed once: text, names and dates apart."""

    id: str
    type: str
    vars: dict[str, str]
    names: dict[str, tuple[NameData, ...]]
    dates: dict[str, DateData]
    language: str
    raw: Mapping[str, Any]
    # Every variable the item has (text, names or dates): what a ``variable``
    # condition asks, in one set test instead of three dict tests.  An item's
    # fields are never edited after it is made (a changed record is a new item).
    present: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.present = frozenset(self.vars).union(self.names, self.dates)


@functools.cache
def _particle_word() -> re.Pattern[str]:
    """A lower-case particle word ("van", "d’"), compiled on first use: the
    curly apostrophe makes it a class beyond U+00FF (milliseconds to compile)."""
    return re.compile(r"^(?:[a-z\u00e0-\u00ff'\u2019.]+|[a-z]+['\u2019])$")


_LEADING_PARTICLE = lazy_pattern(
    globals(), r"^((?:(?:[a-z\u00df-\u00ff.\u2019]+|\u2019[a-z]+)(?: +|\u2019|-))+)(\S.*)$"
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_name(raw: Mapping[str, Any]) -> NameData:
    """A CSL-JSON name split into its parts, particles parsed out where the data allows.

    Nearly every name is a family and a given name as text and nothing
    else; those go to :func:`_two_part_name`, which needs no general parse
    for most of them and remembers its answers.
    """
    if len(raw) == 2:
        family = raw.get("family")
        given = raw.get("given")
        if type(family) is str and type(given) is str:
            name = _two_part_name(family, given)
            if name is not None:
                return name
    return parse_name_fully(raw)


@functools.lru_cache(maxsize=1 << 14)
def _two_part_name(family: str, given: str) -> NameData | None:
    """The name ``{"family": family, "given": given}``, or None when it needs the general parse.

    When neither part can hold a particle, a comma or quotes to parse (a
    family name starting with a capital A-Z, a given name whose last word
    does too), the name is those two parts as written, without the general
    parse that costs a few microseconds per name.  A pure function of two
    strings, and :class:`NameData` is frozen, so its answers are shared: an
    author of many entries, or a library rendered again (another style, a
    document re-rendered), is split once.  Bounded, for long-lived servers.
    """
    family = family.strip().replace("'", "\u2019")
    given = given.strip().replace("'", "\u2019")
    if (
        family
        and "A" <= family[0] <= "Z"
        and "," not in given
        and (" " not in given or "A" <= given[given.rfind(" ") + 1] <= "Z")
    ):
        return _plain_name(family, given)
    return None


_SETTERS = {f.name: NameData.__dict__[f.name].__set__ for f in fields(NameData)}
_SET_FAMILY, _SET_GIVEN, _SET_DROPPING, _SET_NON_DROPPING, _SET_SUFFIX = (
    _SETTERS["family"],
    _SETTERS["given"],
    _SETTERS["dropping"],
    _SETTERS["non_dropping"],
    _SETTERS["suffix"],
)
_SET_LITERAL, _SET_COMMA_SUFFIX, _SET_STATIC_ORDERING, _SET_GIVEN_PARTICLE = (
    _SETTERS["literal"],
    _SETTERS["comma_suffix"],
    _SETTERS["static_ordering"],
    _SETTERS["given_particle"],
)


def _plain_name(family: str, given: str) -> NameData:
    """``NameData(family, given)``, built at half the cost.

    A frozen dataclass's ``__init__`` stores each of its nine fields through
    ``object.__setattr__`` (nearly a microsecond a name); the slots' own
    setters do the same stores directly.  Every field but the two gets its
    declared default, so the value is the one ``NameData(family, given)``
    gives (a test checks both agree, field by field).
    """
    name = object.__new__(NameData)
    _SET_FAMILY(name, family)
    _SET_GIVEN(name, given)
    _SET_DROPPING(name, "")
    _SET_NON_DROPPING(name, "")
    _SET_SUFFIX(name, "")
    _SET_LITERAL(name, "")
    _SET_COMMA_SUFFIX(name, False)
    _SET_STATIC_ORDERING(name, False)
    _SET_GIVEN_PARTICLE(name, False)
    return name


def parse_name_fully(raw: Mapping[str, Any]) -> NameData:
    """:func:`parse_name` for any name: literals, particles, suffixes, quoted family names."""
    literal = _text(raw.get("literal"))
    family = _text(raw.get("family")).strip().replace("'", "\u2019")
    given = _text(raw.get("given")).strip().replace("'", "\u2019")
    if literal or not (family or given):
        return NameData(literal=literal or family or given)
    dropping = _text(raw.get("dropping-particle")).replace("'", "\u2019")
    non_dropping = _text(raw.get("non-dropping-particle")).replace("'", "\u2019")
    suffix = _text(raw.get("suffix"))
    comma_suffix = bool(raw.get("comma-suffix"))
    parse = raw.get("parse-names", True) not in (False, "false")
    given_particle = False
    if parse:
        if not non_dropping and family:
            match = _LEADING_PARTICLE.match(family)
            if match and not family.startswith('"'):
                non_dropping = match.group(1).rstrip()
                if non_dropping.endswith("\u2019") and match.group(1).endswith(" "):
                    non_dropping += " "  # "de’ Frinkle" keeps its space
                family = match.group(2)
        if not dropping and given:
            if "," in given and not suffix:
                head, _, tail = given.partition(",")
                tail = tail.strip()
                if tail.startswith("!"):
                    tail = tail.lstrip("! ")
                    comma_suffix = True
                given, suffix = head.strip(), tail
            words = given.split(" ")
            cut = len(words)
            while cut > 1 and _particle_word().match(words[cut - 1]):
                cut -= 1
            if cut < len(words):
                dropping = " ".join(words[cut:])
                given = " ".join(words[:cut])
                given_particle = True
        if family.startswith('"') and family.endswith('"') and len(family) > 1:
            family = family[1:-1]
    return NameData(
        family,
        given,
        dropping,
        non_dropping,
        suffix,
        "",
        comma_suffix,
        bool(raw.get("static-ordering")),
        given_particle,
    )


_SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
_RAW_DATE = lazy_pattern(globals(), r"^(-?\d{1,4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?$")


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def _parts(raw: Any) -> tuple[int, int, int]:
    if not isinstance(raw, list | tuple):
        return 0, 0, 0
    # whole numbers (nearly every date part) are their own value
    values = [v if type(v) is int else _int(v) for v in raw[:3]]
    while len(values) < 3:
        values.append(0)
    return values[0], values[1], values[2]


def _parse_raw(raw: str) -> DateData | None:
    pieces = [p.strip() for p in raw.split("/")] if raw.count("/") == 1 else [raw.strip()]
    dates = []
    for piece in pieces:
        if len(pieces) == 2 and piece in ("", ".."):  # an open end of a range (EDTF)
            dates.append((0, 0, 0))
            continue
        match = _RAW_DATE.match(piece)
        if not match:
            return None
        dates.append((_int(match.group(1)), _int(match.group(2)), _int(match.group(3))))
    if len(dates) > 1 and not dates[0][0] and not dates[1][0]:
        return None  # "/" or "../..": no date at all
    return DateData(dates[0], dates[1] if len(dates) > 1 else None)


def parse_date(raw: Any) -> DateData | None:
    if isinstance(raw, str):
        return _parse_raw(raw) or DateData((0, 0, 0), literal=raw)
    if not isinstance(raw, Mapping):
        return None
    circa = bool(raw.get("circa"))
    season_raw = raw.get("season")
    season = 0
    if season_raw is not None:
        season = _SEASONS.get(str(season_raw).lower(), _int(season_raw))
    date_parts = raw.get("date-parts")
    literal = _text(raw.get("literal"))
    if isinstance(date_parts, list) and date_parts and isinstance(date_parts[0], list):
        start = _parts(date_parts[0])
        end = _parts(date_parts[1]) if len(date_parts) > 1 else None
        open_range = end is not None and end[0] == 0 and end[1] == 0
        if start[0] == 0 and not literal:
            if raw.get("raw"):
                parsed = parse_date(_text(raw.get("raw")))
                if parsed is not None:
                    return parsed
            if end is not None and end[0]:
                # An open start (EDTF ``../1998``, pandoc's [[0], [1998]]): a
                # range whose start has no year, printed "–1998" as an open
                # end prints "1997–"; a date, never "n.d.".
                return DateData((0, 0, 0), end, 0, 0, circa)
            return None
        end_season = 0
        if start[1] > 12 or start[1] < 0:
            month = start[1]
            season = (month - 13) % 4 + 1 if 13 <= month <= 24 else season
            start = (start[0], 0, 0)
        if end is not None:
            if end[1] > 12 or end[1] < 0:
                end_season = (end[1] - 13) % 4 + 1 if 13 <= end[1] <= 24 else 0
                end = (end[0], 0, 0)
            if (end == start and end_season == season) or (end[0] == 0 and not open_range):
                end = None
        return DateData(start, end, season, end_season, circa, literal)
    if literal:
        return DateData((0, 0, 0), circa=circa, literal=literal)
    if raw.get("raw"):
        parsed = _parse_raw(_text(raw.get("raw")))
        if parsed is not None:
            return DateData(parsed.parts, parsed.end, season, 0, circa)
        return DateData((0, 0, 0), circa=circa, literal=_text(raw.get("raw")))
    return None


_CHEATER = lazy_pattern(globals(), r"^\s*([A-Za-z][A-Za-z-]*)\s*:\s*(.+?)\s*$", re.MULTILINE)
# What a Zotero-style ``variable: value`` line in ``note`` may set: the
# standard and number variables of the one table (:mod:`citekit.model.records`),
# less those the processor assigns or a cite carries, the note itself, and
# CSL-JSON's aliases.
NOTE_FIELD_VARIABLES = (STRING_VARIABLES | NUMBER_VARIABLES) - {
    "citation-key", "citation-number", "first-reference-note-number", "journalAbbreviation",
    "locator", "note", "shortTitle", "volume-title-short",
}  # fmt: skip


def _note_fields(note: str) -> dict[str, Any]:
    """Zotero-style ``variable: value`` lines in ``note`` (only known CSL variables)."""
    found: dict[str, Any] = {}
    for match in _CHEATER.finditer(note):
        key, value = match.group(1), match.group(2)
        if key in NAME_VARIABLES:
            family, _, given = value.partition("||")
            name = (
                {"family": family.strip(), "given": given.strip()}
                if given
                else {"literal": family.strip()}
            )
            found.setdefault(key, []).append(name)
        elif key in DATE_VARIABLES:
            found.setdefault(key, {"raw": value})
        elif key in NOTE_FIELD_VARIABLES:
            found.setdefault(key, value)
    return found


_NAME_OR_DATE = NAME_VARIABLES | DATE_VARIABLES
"""Variables whose text is not taken as it is: one set test per text field, not two."""


def normalise_item(raw: Mapping[str, Any]) -> Item:
    variables: dict[str, str] = {}
    names: dict[str, tuple[NameData, ...]] = {}
    dates: dict[str, DateData] = {}
    for key, value in raw.items():
        if type(value) is str and key not in _NAME_OR_DATE:  # most fields: text as it is
            if value:
                variables[key] = value
        elif key in NAME_VARIABLES:  # (text here is no list of names: skipped)
            if isinstance(value, list):
                parsed = tuple(
                    [parse_name(n) for n in value if type(n) is dict or isinstance(n, Mapping)]
                )
                if parsed:
                    names[key] = parsed
        elif key in DATE_VARIABLES:
            date = parse_date(value)
            if date is not None:
                dates[key] = date
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            text = _text(value)
            if text:
                variables[key] = text
    note = raw.get("note")
    if isinstance(note, str) and ":" in note:
        for key, value in _note_fields(note).items():
            if key in NAME_VARIABLES and key not in names:
                names[key] = tuple(parse_name(n) for n in value)
            elif key in DATE_VARIABLES and key not in dates:
                date = parse_date(value)
                if date is not None:
                    dates[key] = date
            elif isinstance(value, str) and key not in variables:
                variables[key] = value
    if "journalAbbreviation" in variables and "container-title-short" not in variables:
        variables["container-title-short"] = variables["journalAbbreviation"]
    if "shortTitle" in variables and "title-short" not in variables:
        variables["title-short"] = variables["shortTitle"]
    return Item(
        _text(raw.get("id")),
        _text(raw.get("type")),
        variables,
        names,
        dates,
        _text(raw.get("language")),
        raw,
    )

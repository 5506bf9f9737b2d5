"""BibTeX and BibLaTeX dates to CSL dates and back.

BibLaTeX's ``date``-type fields hold ISO 8601-2 level 1 (EDTF): ranges,
open ranges, ``~``/``?`` qualifiers and seasons 21-24, which
:func:`citekit.model.records.parse_edtf` reads.  Classic BibTeX spreads the date over
``year``, ``month`` (a macro ``jan`` .. ``dec``, a name or a number) and
``day``.  Anything else is kept as a literal date and reported.

Only ASCII digits make a number, and at most :data:`MAX_DIGITS` of them: a
superscript ``²017`` passes ``str.isdigit`` but not ``int``, and a year of
thousands of digits exceeds Python's int-string limit; both are text that is
not a date, never an exception that would cost the entry.
"""

from __future__ import annotations

import re

from citekit.base.patterns import lazy_pattern
from citekit.model.records import Date, parse_edtf

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# The macros BibTeX predefines; they expand to English month names.
MONTH_MACROS: dict[str, str] = {name[:3]: name.capitalize() for name in MONTH_NAMES}
_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    _MONTHS[_name] = _number
    _MONTHS[_name[:3]] = _number
    _MONTHS[_name[:3] + "."] = _number
_MONTHS["sept"] = _MONTHS["sept."] = 9
_YEAR_RANGE = lazy_pattern(globals(), r"^([0-9]{1,4})\s*(?:-{1,3}|–|—|/)\s*([0-9]{1,4})$")
_MONTH_DAY = lazy_pattern(globals(), r"^([A-Za-z]+\.?)[\s~\u00a0]+([0-9]{1,2})$")
_EDTF_UNSPECIFIED = lazy_pattern(globals(), r"^([0-9]{2,3})(X{1,2})$")
#: The most digits a year, month or day may have to be read as a number.
MAX_DIGITS = 9
_NUMBER = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
# Longer than any EDTF date (``-2020-01-01~/2021-12-31?`` is 24): not one.
_MAX_DATE_LENGTH = 64


def _ascii_int(text: str) -> int | None:
    """``text`` as a number when it is 1 to :data:`MAX_DIGITS` ASCII digits, else None."""
    return int(text) if _NUMBER.fullmatch(text) else None


def parse_month(text: str) -> int | None:
    """A month as BibTeX files write it: ``3``, ``03``, ``mar``, ``March``, ``Mar.``."""
    value = text.strip().lower()
    number = _ascii_int(value)
    if number is not None:
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(value)


def parse_date_field(text: str) -> Date | None:
    """A BibLaTeX date field (EDTF); None when it is not a date."""
    text = text.strip()
    year = _ascii_int(text)
    if year is not None:
        return Date(parts=((year,),))
    if len(text) > _MAX_DATE_LENGTH:
        return None
    try:
        parsed = parse_edtf(text)
    except ValueError:  # digits beyond what int() converts: not a date
        return None
    if parsed is not None:
        if (
            any(mark in text for mark in "?%T")
            or not parsed.parts
            or any(not point for point in parsed.parts)
        ):
            # keep raw: "?", a time of day and open ranges do not survive date-parts
            return parsed
        return Date(parts=parsed.parts, season=parsed.season, circa=parsed.circa)
    unspecified = _EDTF_UNSPECIFIED.match(text)
    if unspecified is not None:  # 19XX: a decade or century, kept as a range
        digits, xs = unspecified.group(1), unspecified.group(2)
        low = int(digits + "0" * len(xs))
        high = int(digits + "9" * len(xs))
        return Date(parts=((low,), (high,)), raw=text)
    return None


def parse_year_month_day(
    year: str | None, month: str | None, day: str | None
) -> tuple[Date | None, list[str]]:
    """Classic BibTeX date fields to a Date, with the names of fields not understood."""
    if year is None:
        return None, (["month"] if month else []) + (["day"] if day else [])
    y = year.strip()
    if not month and 0 < len(y) <= MAX_DIGITS and y.isascii() and y.isdigit():
        # Most entries: a year of digits alone (a day without a month is not
        # read).  A file has few distinct years, and a Date is frozen: one each.
        date = _YEARS.get(y)
        if date is None:
            if len(_YEARS) >= _YEARS_LIMIT:
                _YEARS.clear()
            date = _YEARS[y] = Date(parts=((int(y),),))
        return date, []
    return _year_month_day(y, month, day)


#: The date of each year written alone, by its digits; emptied when full.
_YEARS: dict[str, Date] = {}
_YEARS_LIMIT = 4096


def _year_month_day(y: str, month: str | None, day: str | None) -> tuple[Date | None, list[str]]:
    """:func:`parse_year_month_day` for any stripped year: ranges, months and days read."""
    problems: list[str] = []
    parts: tuple[int, ...]
    number = _ascii_int(y)
    if number is not None:
        parts = (number,)
    else:
        span = _YEAR_RANGE.match(y)
        if span is not None:
            return Date(parts=((int(span.group(1)),), (int(span.group(2)),))), problems
        problems.append("year")
        return Date(literal=y), problems
    if month and not day:
        both = _MONTH_DAY.match(month.strip())  # month = jan # "~15"
        if both is not None and parse_month(both.group(1)) is not None:
            month, day = both.group(1), both.group(2)
    if month:
        number = parse_month(month)
        if number is None:
            problems.append("month")
        else:
            parts = (*parts, number)
            if day:
                d = _ascii_int(day.strip())
                if d is not None and 1 <= d <= 31:
                    parts = (*parts, d)
                else:
                    problems.append("day")
    return Date(parts=(parts,)), problems


def format_date(date: Date) -> str:
    """A CSL date as a BibLaTeX date field (EDTF), or its literal text."""
    if date.raw is not None and not date.bare:
        if _EDTF_UNSPECIFIED.match(date.raw):
            return date.raw
        reparsed = parse_edtf(date.raw)
        if reparsed is not None and (not date.parts or reparsed.parts == date.parts):
            return date.raw
    edtf = date.to_edtf()
    if edtf is not None:
        return edtf
    return date.literal or date.raw or ""


def year_month_day(date: Date) -> tuple[str | None, str | None, str | None]:
    """A CSL date as classic BibTeX ``year``, ``month`` (macro name) and ``day``."""
    start = date.start
    end = date.end
    if not start:
        if date.literal or date.raw:
            return date.literal or date.raw, None, None
        return None, None, None
    year = str(start[0])
    if end:
        return f"{start[0]}--{end[0]}" if end and end[0] != start[0] else year, None, None
    month = MONTH_NAMES[start[1] - 1][:3] if len(start) >= 2 and 1 <= start[1] <= 12 else None
    day = str(start[2]) if len(start) >= 3 else None
    return year, month, day


__all__ = [
    "MAX_DIGITS",
    "MONTH_MACROS",
    "format_date",
    "parse_date_field",
    "parse_month",
    "parse_year_month_day",
    "year_month_day",
]

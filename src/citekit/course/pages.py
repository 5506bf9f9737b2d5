"""Reading load: how many pages a locator such as ``33-45, 50`` asks students to read.

Instructors give pages the way books print them: arabic ranges, roman
front matter (``ix-xiv``), single pages, abbreviated second halves
(``123-45`` means 123 to 145, as Chicago style writes them), en dashes and
``pp.`` prefixes.  A count is only worth showing when it is right, so
anything that is not plainly a list of pages and ranges (``45ff``,
``passim``, ``12-x``) gives ``None`` — "unknown" — rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_ROMAN = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_PREFIX = re.compile(r"^\s*(?:pp?\.|pages?)\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)
_RANGE = re.compile(
    r"^(?P<first>[0-9]+|[ivxlcdm]+)\s*(?:-{1,2}|–|—|\bto\b)\s*"
    r"(?P<last>[0-9]+|[ivxlcdm]+)$",
    re.IGNORECASE,
)

PAGE_LABELS = frozenset({"page", "pages", "p", "pp"})
"""Locator labels whose values are pages (anything else has no page count)."""

PARAGRAPH_LABELS = frozenset({"paragraph", "para", "paras"})
"""Locator labels whose values are paragraphs, counted like pages (web texts have no pages)."""


def roman_to_int(text: str) -> int | None:
    """The value of a lower- or upper-case roman numeral, or None if it is not one."""
    lowered = text.strip().lower()
    if not lowered or not _ROMAN.match(lowered):
        return None
    total = 0
    previous = 0
    for char in reversed(lowered):
        value = _ROMAN_VALUES[char]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


def _page_number(text: str) -> tuple[int, bool] | None:
    """(value, is_roman) for one page number."""
    if text.isdigit():
        return int(text), False
    value = roman_to_int(text)
    return (value, True) if value is not None else None


def _expand_abbreviated(first: int, last: int, last_text: str) -> int:
    """``123-45`` -> 145: the second number repeats the first's leading digits."""
    if last >= first or len(last_text) >= len(str(first)):
        return last
    prefix = str(first)[: len(str(first)) - len(last_text)]
    return int(prefix + last_text)


def count_pages(locator: str | None) -> int | None:
    """Pages in a page locator; None when it is empty or cannot be counted exactly.

    >>> count_pages("33-45, 50")
    14
    >>> count_pages("ix-xii")
    4
    >>> count_pages("45ff") is None
    True
    """
    if locator is None:
        return None
    text = _PREFIX.sub("", locator.strip())
    if not text:
        return None
    total = 0
    for piece in _SEPARATORS.split(text):
        piece = piece.strip()
        if not piece:
            continue
        single = _page_number(piece)
        if single is not None:
            total += 1
            continue
        match = _RANGE.match(piece)
        if not match:
            return None
        first = _page_number(match["first"])
        last = _page_number(match["last"])
        if first is None or last is None or first[1] != last[1]:
            return None  # a roman page cannot run into an arabic one
        end = last[0] if first[1] else _expand_abbreviated(first[0], last[0], match["last"])
        if end < first[0]:
            return None
        total += end - first[0] + 1
    return total or None


UNITS: tuple[str, ...] = ("page", "paragraph", "minute")
"""What a reading load counts: pages, paragraphs (of a web text), minutes (of a recording)."""


@dataclass(frozen=True, slots=True)
class ReadingLoad:
    """What a section asks for, per unit, split by required and optional readings.

    ``unknown_required`` and ``unknown_optional`` count readings whose
    length cannot be counted (no range given, or a locator such as a
    chapter); a total is only complete when both are zero.  Only what can be
    counted is ever described: a load with nothing counted describes as ""
    so that writers leave the line out instead of printing "unknown".
    """

    required_pages: int = 0
    optional_pages: int = 0
    unknown_required: int = 0
    unknown_optional: int = 0
    required_paragraphs: int = 0
    optional_paragraphs: int = 0
    required_minutes: int = 0
    optional_minutes: int = 0

    @property
    def complete(self) -> bool:
        return not (self.unknown_required or self.unknown_optional)

    def amounts(self, unit: str) -> tuple[int, int]:
        """(required, optional) counted in ``unit`` (``page``, ``paragraph``, ``minute``)."""
        if unit == "page":
            return self.required_pages, self.optional_pages
        if unit == "paragraph":
            return self.required_paragraphs, self.optional_paragraphs
        if unit == "minute":
            return self.required_minutes, self.optional_minutes
        raise ValueError(f"unknown unit {unit!r}; known: {', '.join(UNITS)}")

    @property
    def counted(self) -> bool:
        """Whether anything at all could be counted."""
        return any(any(self.amounts(unit)) for unit in UNITS)

    def __add__(self, other: ReadingLoad) -> ReadingLoad:
        return ReadingLoad(*(getattr(self, name) + getattr(other, name) for name in self.__slots__))

    def describe(self) -> str:
        """For people, what was counted: ``14 pages required, 20 optional``.

        Readings that could not be counted are mentioned only next to a
        count (``; 1 reading not counted``); with nothing counted the
        result is "" (say nothing rather than "unknown" nine times).
        """
        parts: list[str] = []
        for unit in UNITS:
            required, optional = self.amounts(unit)
            if required:
                parts.append(
                    f"{amount(required, unit)} required"
                    + (f", {optional} optional" if optional else "")
                )
            elif optional:
                parts.append(f"{amount(optional, unit)} optional")
        if not parts:
            return ""
        text = "; ".join(parts)
        unknown = self.unknown_required + self.unknown_optional
        if unknown:
            text += f" ({unknown} {'reading' if unknown == 1 else 'readings'} not counted)"
        return text

    def to_json(self) -> dict[str, int | bool]:
        return {
            "required-pages": self.required_pages,
            "optional-pages": self.optional_pages,
            "required-paragraphs": self.required_paragraphs,
            "optional-paragraphs": self.optional_paragraphs,
            "required-minutes": self.required_minutes,
            "optional-minutes": self.optional_minutes,
            "unknown-required": self.unknown_required,
            "unknown-optional": self.unknown_optional,
            "complete": self.complete,
        }


def amount(count: int, unit: str) -> str:
    """``1 page``, ``16 paragraphs``, ``20 minutes``."""
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def reading_load(counts: Iterable[tuple[int | None, bool]]) -> ReadingLoad:
    """Sum ``(pages or None, required)`` pairs into a :class:`ReadingLoad`."""
    return load_in_units((count, "page", required) for count, required in counts)


def load_in_units(counts: Iterable[tuple[int | None, str, bool]]) -> ReadingLoad:
    """Sum ``(amount or None, unit, required)`` triples into a :class:`ReadingLoad`."""
    totals = {f"{kind}_{unit}s": 0 for kind in ("required", "optional") for unit in UNITS}
    unknown_required = unknown_optional = 0
    for count, unit, is_required in counts:
        if count is None:
            if is_required:
                unknown_required += 1
            else:
                unknown_optional += 1
            continue
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; known: {', '.join(UNITS)}")
        totals[f"{'required' if is_required else 'optional'}_{unit}s"] += count
    return ReadingLoad(
        unknown_required=unknown_required, unknown_optional=unknown_optional, **totals
    )


__all__ = [
    "PAGE_LABELS",
    "PARAGRAPH_LABELS",
    "UNITS",
    "ReadingLoad",
    "amount",
    "count_pages",
    "load_in_units",
    "reading_load",
    "roman_to_int",
]

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
_RANGE = re.compile(r"^(?P<first>[0-9]+|[ivxlcdm]+)\s*(?:-{1,2}|–|—|\bto\b)\s*"
                    r"(?P<last>[0-9]+|[ivxlcdm]+)$", re.IGNORECASE)

PAGE_LABELS = frozenset({"page", "pages", "p", "pp"})
"""Locator labels whose values are pages (anything else has no page count)."""


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


@dataclass(frozen=True, slots=True)
class ReadingLoad:
    """The pages a section asks for, split by required and optional readings.

    ``unknown_required`` and ``unknown_optional`` count readings whose pages
    cannot be counted (no range given, or a locator that is not in pages);
    a total is only complete when both are zero.
    """

    required_pages: int = 0
    optional_pages: int = 0
    unknown_required: int = 0
    unknown_optional: int = 0

    @property
    def complete(self) -> bool:
        return not (self.unknown_required or self.unknown_optional)

    def describe(self) -> str:
        """For people: ``14 pages required, 20 optional; pages unknown for 1 reading``."""
        parts: list[str] = []
        if self.required_pages:
            parts.append(f"{_pages(self.required_pages)} required")
        if self.optional_pages:
            parts.append(f"{self.optional_pages} optional" if parts
                         else f"{_pages(self.optional_pages)} optional")
        unknown = self.unknown_required + self.unknown_optional
        noun = "reading" if unknown == 1 else "readings"
        if not parts:
            return f"pages unknown ({unknown} {noun})" if unknown else "no pages"
        text = ", ".join(parts)
        if unknown:
            text += f"; pages unknown for {unknown} {noun}"
        return text

    def to_json(self) -> dict[str, int | bool]:
        return {
            "required-pages": self.required_pages,
            "optional-pages": self.optional_pages,
            "unknown-required": self.unknown_required,
            "unknown-optional": self.unknown_optional,
            "complete": self.complete,
        }


def _pages(count: int) -> str:
    return f"{count} page" if count == 1 else f"{count} pages"


def reading_load(counts: Iterable[tuple[int | None, bool]]) -> ReadingLoad:
    """Sum ``(pages or None, required)`` pairs into a :class:`ReadingLoad`."""
    required = optional = unknown_required = unknown_optional = 0
    for pages, is_required in counts:
        if pages is None:
            if is_required:
                unknown_required += 1
            else:
                unknown_optional += 1
        elif is_required:
            required += pages
        else:
            optional += pages
    return ReadingLoad(required, optional, unknown_required, unknown_optional)


__all__ = ["PAGE_LABELS", "ReadingLoad", "count_pages", "reading_load", "roman_to_int"]

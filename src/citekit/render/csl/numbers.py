"""Numbers, ordinals, roman numerals, page ranges and label plurality."""

from __future__ import annotations

import functools
import re

from citekit.base.patterns import lazy_pattern
from citekit.render.csl.locale import Locale
from citekit.render.richtext import SUPERSCRIPTS

_NUMERIC = lazy_pattern(
    globals(), r"^\s*[a-zA-Z]*\d+[a-zA-Z]*(?:\s*(?:[-\u2013,&]|and)\s*[a-zA-Z]*\d+[a-zA-Z]*)*\s*$"
)
_NUMBER_TOKEN = lazy_pattern(globals(), r"(\d+)")
_SPLIT = lazy_pattern(globals(), r"(\s*[-\u2013,&]\s*|\s+and\s+)")
_MULTIPLE = lazy_pattern(globals(), r"\d\s*(?:[-\u2013]|[,&]|and)\s*(?:(?:and|&)\s+)?[A-Za-z]*\d")


@functools.cache
def _superscript_char() -> re.Pattern[str]:
    """Compiled on first use (a class beyond U+00FF takes milliseconds to compile):
    only text beyond ASCII is ever searched."""
    return re.compile("[" + re.escape("".join(SUPERSCRIPTS)) + "]")


def has_superscript(text: str) -> bool:
    """Whether ``text`` holds a Unicode superscript character (none is ASCII)."""
    return not text.isascii() and _superscript_char().search(text) is not None


def is_numeric(value: str) -> bool:
    return bool(_NUMERIC.match(value))


@functools.cache
def _roman_plural() -> re.Pattern[str]:
    """A range of roman numerals ("iv-vii"), compiled on first use (milliseconds)."""
    return re.compile(r"(?<![\w])[ivxlcdm]+\s*[-\u2013]\s*[ivxlcdm]+(?![\w])", re.I)


def is_plural(value: str) -> bool:
    return bool(_MULTIPLE.search(value) or _roman_plural().search(value))


def roman(number: int) -> str:
    if number <= 0 or number >= 4000:
        return str(number)
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    result = []
    for value, letters in numerals:
        while number >= value:
            result.append(letters)
            number -= value
    return "".join(result)


def ordinal_suffix(number: int, locale: Locale, gender: str = "") -> str:
    terms = locale.terms
    last_two = number % 100

    def get(name: str) -> str | None:
        value = terms.get((name, "long", gender)) or terms.get((name, "long", ""))
        return value[0] if value is not None else None

    key = f"ordinal-{last_two:02d}"
    match = locale.ordinal_match.get(key, "last-two-digits" if last_two >= 10 else "last-digit")
    if get(key) is not None:
        if match == "whole-number":
            if number == last_two:
                return get(key) or ""
        elif match == "last-two-digits" or last_two < 10:
            return get(key) or ""
    key = f"ordinal-{number % 10:02d}"
    match = locale.ordinal_match.get(key, "last-digit")
    value = get(key)
    if value is not None and match == "last-digit":
        return value
    if value is not None and match == "last-two-digits" and last_two < 10:
        return value
    return get("ordinal") or ""


def long_ordinal(number: int, locale: Locale, gender: str = "") -> str:
    if 1 <= number <= 10:
        key = f"long-ordinal-{number:02d}"
        value = locale.terms.get((key, "long", gender)) or locale.terms.get((key, "long", ""))
        if value is not None:
            return value[0]
    return f"{number}{ordinal_suffix(number, locale, gender)}"


_CHUNK_SEPARATOR = lazy_pattern(globals(), r"(\s*[,&]\s*|\s+and\s+)")
_HYPHENS = lazy_pattern(globals(), r"--|-|\u2013")
_LAST_HYPHEN = lazy_pattern(globals(), r"(\d)\s*-\s*(\d[^-]*)$")


def number_range_dashes(value: str, dash: str = "\u2013") -> str:
    """Hyphenated number ranges with ``dash`` (the locale's page-range-delimiter).

    As citeproc-js does, only the last hyphen of each comma-separated piece
    becomes the dash, so report numbers like "7-05-2018" read "7-05–2018".
    """
    if "-" not in value:
        return value
    pieces = _CHUNK_SEPARATOR.split(value)
    for index in range(0, len(pieces), 2):
        pieces[index] = _LAST_HYPHEN.sub(lambda m: f"{m.group(1)}{dash}{m.group(2)}", pieces[index])
    return "".join(pieces)


def format_number(
    value: str, form: str, locale: Locale, gender: str = "", dash: str = "\u2013"
) -> str:
    """Render a numeric variable per ``cs:number`` form; ranges keep their separators."""
    if not is_numeric(value):
        return value
    pieces = _SPLIT.split(value.strip())
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            stripped = piece.strip()
            if stripped == "-" and index + 2 < len(pieces) and pieces[index + 2].strip() == "-":
                out.append("-")  # only a run's last hyphen is a range (see number_range_dashes)
            elif stripped == "-":
                out.append(dash)
            elif stripped == "\u2013":
                out.append("\u2013")
            elif stripped == ",":
                out.append(", ")
            elif stripped == "&":
                out.append(" & ")
            else:
                out.append(f" {stripped} ")
            continue
        match = _NUMBER_TOKEN.search(piece)
        zero_padded = piece.startswith("0") and len(piece) > 1  # "05" stays "05"
        if match is None or form == "numeric" or piece != match.group(1) or zero_padded:
            out.append(piece)
            continue
        number = int(match.group(1))
        if form == "ordinal":
            out.append(f"{number}{ordinal_suffix(number, locale, gender)}")
        elif form == "long-ordinal":
            out.append(long_ordinal(number, locale, gender))
        elif form == "roman":
            out.append(roman(number))
        else:
            out.append(piece)
    return "".join(out)


# Abbreviated locator labels citeproc-js recognises inside a number
# ("7, p. 3-8"): the abbreviation and the term it stands for.
_EMBEDDED_LABELS = {
    "p": "page", "pp": "page", "vol": "volume", "vols": "volume", "ch": "chapter",
    "sec": "section", "para": "paragraph", "fig": "figure", "col": "column", "l": "line",
    "n": "note", "op": "opus", "pt": "part", "vrs": "verse",
}  # fmt: skip
_LABELLED = lazy_pattern(globals(), r",\s*([a-z]+)\.\s*(?=\S)")


def format_labelled_number(value: str, form: str, locale: Locale, gender: str = "") -> str | None:
    """A number with embedded labels (``7, p. 3-8``), or None for any other value.

    citeproc-js renders the unlabelled head in the number's form and each
    labelled part as its locale term (plural for a range) and plain numbers,
    so an ordinal edition becomes "7th, pp. 3\u20138" (fixture number_OrdinalSpacing).
    """
    if "," not in value:
        return None
    matches = list(_LABELLED.finditer(value))
    if not matches or any(m.group(1) not in _EMBEDDED_LABELS for m in matches):
        return None
    head = value[: matches[0].start()]
    if not is_numeric(head):
        return None
    out = [format_number(head, form, locale, gender)]
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(value)
        part = value[match.end() : end].strip()
        if not is_numeric(part):
            return None
        term = locale.term(_EMBEDDED_LABELS[match.group(1)], "short", is_plural(part))
        number = format_number(part, "numeric", locale, gender)
        out.append(f", {term} {number}" if term else f", {number}")
    return "".join(out)


# ---------------------------------------------------------------- page ranges

_RANGE = lazy_pattern(
    globals(),
    r"(?<![\w])([A-Za-z0-9]*?[A-Za-z]|)(\d+)\s*(?:--|-|\u2013)\s*([A-Za-z0-9]*?[A-Za-z]|)(\d+)(?![\w])",
)
_ROMAN_RANGE = lazy_pattern(
    globals(), r"(?<![\w])([ivxlcdm]+)\s*(?:--|-|\u2013)\s*([ivxlcdm]+)(?![\w])", re.I
)


def _minimal(first: str, last: str, keep: int) -> str:
    if len(first) != len(last):
        return last
    index = 0
    while index < len(first) - 1 and first[index] == last[index]:
        index += 1
    result = last[index:]
    if len(result) < keep and len(last) >= keep:
        result = last[-keep:]
    return result


def _chicago(first: str, last: str, sixteenth: bool) -> str:
    start = int(first)
    if start < 100 or start % 100 == 0:
        return last
    if start % 100 < 10:
        return _minimal(first, last, 1)
    shortened = _minimal(first, last, 2)
    if not sixteenth and len(first) == 4 and len(shortened) > 2:
        return last
    return shortened


def format_page_range(value: str, style: str | None, delimiter: str = "\u2013") -> str:
    """Reformat ``12-19`` style ranges per ``page-range-format``."""

    def repl(match: re.Match[str]) -> str:
        prefix1, first, prefix2, last = match.groups()
        untouched = f"{prefix1}{first}-{prefix2}{last}"
        if prefix1 != prefix2:
            return untouched
        if len(last) < len(first):
            last = first[: len(first) - len(last)] + last
        if int(last) < int(first):  # descending: only the delimiter changes
            return f"{prefix1}{first}{delimiter}{prefix2}{match.group(4)}"
        if style == "minimal":
            end = _minimal(first, last, 1)
        elif style == "minimal-two":
            end = _minimal(first, last, 2)
        elif style in ("chicago", "chicago-15", "chicago-16"):
            end = _chicago(first, last, style == "chicago-16")
        elif style == "expanded":
            end = last
        else:
            return f"{prefix1}{first}{delimiter}{prefix2}{match.group(4)}"
        if end == last and style == "expanded":
            return f"{prefix1}{first}{delimiter}{prefix2}{end}"
        return f"{prefix1}{first}{delimiter}{end}"

    def roman(match: re.Match[str]) -> str:
        return f"{match.group(1)}{delimiter}{match.group(2)}"

    def last_range(chunk: str) -> str:
        # citeproc-js reads only the last hyphen of "7-05-2018" as a range
        hyphens = list(_HYPHENS.finditer(chunk))
        start = hyphens[-2].end() if len(hyphens) > 1 else 0
        tail = _ROMAN_RANGE.sub(roman, _RANGE.sub(repl, chunk[start:]))
        return chunk[:start] + tail

    def one(part: str) -> str:
        pieces = _CHUNK_SEPARATOR.split(part)
        pieces[::2] = [last_range(chunk) for chunk in pieces[::2]]
        return "".join(pieces)

    if "\\-" in value:
        return "\\-".join(one(part) for part in value.split("\\-"))
    return one(value)

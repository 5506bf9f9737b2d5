"""Numbers, ordinals, roman numerals, page ranges and label plurality."""

from __future__ import annotations

import functools
import re

from citekit.base.patterns import lazy_pattern
from citekit.render.csl.locale import Locale
from citekit.render.richtext import SUPERSCRIPTS

# "\u2013" stands apart from the "[-,&]" class: a class mixing characters
# below U+0100 with one above compiles through a 64K table (0.1 ms).
_NUMERIC = lazy_pattern(
    globals(), r"^\s*[a-zA-Z]*\d+[a-zA-Z]*(?:\s*(?:[-,&]|\u2013|and)\s*[a-zA-Z]*\d+[a-zA-Z]*)*\s*$"
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


# Every character the roman numeral patterns' ``[ivxlcdm]`` matches, the
# letters \u0130 and \u0131 that ignoring case adds included.
_ROMAN_LETTERS = frozenset("ivxlcdmIVXLCDM\u0130\u0131")


def _may_hold_roman_range(text: str) -> bool:
    """Whether ``text`` has what a roman range needs: a hyphen or en dash, and a numeral letter.

    Most page numbers, volumes and locators have not, so the roman range
    patterns (a quarter millisecond each to compile) are only compiled, and
    searched, for a text that may hold one.
    """
    return ("-" in text or "\u2013" in text) and not _ROMAN_LETTERS.isdisjoint(text)


def is_plural(value: str) -> bool:
    if _MULTIPLE.search(value):
        return True
    return _may_hold_roman_range(value) and _roman_plural().search(value) is not None


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
        tail = _RANGE.sub(repl, chunk[start:])
        if _may_hold_roman_range(tail):
            tail = _ROMAN_RANGE.sub(roman, tail)
        return chunk[:start] + tail

    def one(part: str) -> str:
        pieces = _CHUNK_SEPARATOR.split(part)
        pieces[::2] = [last_range(chunk) for chunk in pieces[::2]]
        return "".join(pieces)

    if "\\-" in value:
        return "\\-".join(one(part) for part in value.split("\\-"))
    return one(value)


# ---------------------------------------------------------------- locator values
#
# citeproc-js reads a locator as values joined by "&", "and", ", ", "; " or
# hyphens; each value may carry a letter "particle" before its digits ("A3").
# Only the first value decides: the locator is numeric when it is digits
# (letters may follow) or a lower-case roman numeral made of i, v and x; the
# values count (for a plural label) when the first one opens with a number or
# is a roman numeral in either case; the label is plural only for a numeric
# locator of more than one value.

_AND_JOINERS = r"\s*&\s*|,\s+and\s+|\s+and\s+"
_OTHER_JOINERS = r"|;\s+|,\s+|\s*\\*[-\u2013]+\s*"


@functools.cache
def _locator_joiner(and_term: str, hyphens: bool = True) -> re.Pattern[str]:
    """The joiners between a locator's values; the locale's word for "and"
    joins too ("213 et 235"), as citeproc-js reads it.  Without ``hyphens``
    (a value with an escaped hyphen) only an en dash joins as a range."""
    joiners = _AND_JOINERS
    if and_term and and_term != "and":  # before ", " as in citeproc-js: "213, et 235"
        word = re.escape(and_term)
        joiners += rf"|,\s+{word}\s+|\s+{word}\s+"
    others = _OTHER_JOINERS if hyphens else _OTHER_JOINERS.replace(r"[-\u2013]", r"[\u2013]")
    return re.compile(f"({joiners}{others})")


_SUBSECTION_HEAD = lazy_pattern(globals(), r"^[0-9]+[,a-zA-Z]+$")
_SUBSECTION_TAIL = lazy_pattern(globals(), r"^[,a-zA-Z]+$")
_PARTICLE = lazy_pattern(globals(), r"^([0-9]*[a-zA-Z]+0*)?([0-9]+(?:[a-zA-Z]*|[-,a-zA-Z]+))$")
_NUMERIC_VALUE = lazy_pattern(globals(), r"^(?:[0-9]+|[ixv]+)(?:[-,:a-zA-Z]*|-[-0-9]+)$")
_COUNTED_VALUE = lazy_pattern(globals(), r"^(?:\d|[ivxlcmIVXLCM]+$)")
_PLAIN_VALUE = lazy_pattern(globals(), r"^(?:[0-9]+|[ivxlcmIVXLCM]+)$")
_RANGE_SHAPE = lazy_pattern(
    globals(), r"^(?:[0-9]*[a-zA-Z]+0*)?[0-9]+[a-z]*\s*[^0-9]+\s*[-,a-zA-Z]?0*[0-9]+[a-z]*$"
)
_FRACTION = lazy_pattern(globals(), r"^[0-9]+(?:/[0-9]+)+$")


@functools.lru_cache(maxsize=1024)
def split_locator(value: str, and_term: str = "") -> tuple[str, ...]:
    """A locator's values and joiners, alternating (values at even indexes).

    Cached: a cite's label, numeric test and text each read the locator.
    A hyphen between a numbered subsection and letters ("12a-c") joins one
    value, as citeproc-js keeps it whole.  Once a value escapes a hyphen
    ("3\\-4"), escaped hyphens belong to values and plain ones read as
    en dashes.
    """
    escaped = "\\-" in value
    if escaped:
        value = "-".join(part.replace("-", "\u2013") for part in value.split("\\-"))
        value = value.replace("\\", "")
    pieces = _locator_joiner(and_term, not escaped).split(value.strip())
    index = len(pieces) - 2
    while index > 0:
        if (
            pieces[index] == "-"
            and _SUBSECTION_HEAD.match(pieces[index - 1])
            and _SUBSECTION_TAIL.match(pieces[index + 1])
        ):
            pieces[index - 1 : index + 2] = ["".join(pieces[index - 1 : index + 2])]
        index -= 2
    return tuple(pieces)


def _particle_value(piece: str) -> tuple[str, str]:
    """A value's letter prefix ("A" of "A3") and the rest."""
    match = _PARTICLE.match(piece)
    if match is None:
        return "", piece
    return match.group(1) or "", match.group(2)


# A later value may open with a word of up to four small letters (or one of a
# few longer abbreviations) that citeproc-js reads as that value's own label
# ("1, fol 186-190"): it starts a new group of values, counted on their own.
_GROUP_LABEL = lazy_pattern(
    globals(),
    r"^((?:[a-z]{1,4}|subpara|subch|amend|bibliog|annot|illus|princ|intro|sched|subdiv|subsec)"
    r"[. ] *)([0-9]+[-;,:a-zA-Z]*)$",
)


def _label_split(pieces: tuple[str, ...], index: int) -> tuple[str, str]:
    """A value's own label (only after the first value) and the value itself."""
    match = _GROUP_LABEL.match(pieces[index]) if index else None
    return ("", pieces[index]) if match is None else (match.group(1), match.group(2))


def _counts(value: str) -> tuple[bool, bool]:
    """Whether a group's first value counts (for plurals and ranges) and is numeric."""
    bare = _particle_value(value)[1]
    counted = _COUNTED_VALUE.match(bare) is not None
    return counted, bool(bare) and _NUMERIC_VALUE.match(bare) is not None


def locator_is_numeric(value: str, and_term: str = "") -> bool:
    """``is-numeric="locator"`` as citeproc-js decides it (from the first value)."""
    pieces = split_locator(value, and_term)
    if len(pieces) == 1 and _FRACTION.match(pieces[0]):
        return True
    return _counts(pieces[0])[1]


def locator_is_plural(value: str, and_term: str = "") -> bool:
    """Whether a locator's label is plural: a numeric locator whose first group
    holds several values, the first of them counted ("3a-4b", "xii-xiv";
    not "12a-c", "Bd. 3-4" nor "1, fol 186-190")."""
    pieces = split_locator(value, and_term)
    if len(pieces) < 3 or _label_split(pieces, 2)[0]:
        return False
    counted, numeric = _counts(pieces[0])
    return counted and numeric


_HYPHEN_JOINER = lazy_pattern(globals(), r"^\s*-\s*$")


@functools.lru_cache(maxsize=1024)
def locator_ranges(value: str, dash: str, range_format: str | None, and_term: str = "") -> str:
    """A locator's hyphenated ranges with citeproc-js's range dash (cached:
    a document cites the same locators again and again).

    As citeproc-js does, only a hyphen whose right-hand value ends the run
    is a range ("1-2-3" reads "1-2\u20133"), and only when the first value
    of its group counts: "Bd. 3-4" keeps its hyphen.  Other joiners stay as
    written.
    """
    if "-" not in value:  # no hyphen to read: every joiner stays as written
        return value.strip()
    pieces = split_locator(value, and_term)
    if len(pieces) < 3:
        return pieces[0]
    counted, numeric = _counts(pieces[0])
    out = [pieces[0]]
    for index in range(1, len(pieces), 2):
        joiner, right = pieces[index], pieces[index + 1]
        label, bare = _label_split(pieces, index + 1)
        if label:  # a new group: its own first value decides
            counted, numeric = _counts(bare)
        if _HYPHEN_JOINER.match(joiner) is None:
            out += [joiner, right]
            continue
        closes = index + 2 >= len(pieces) or _HYPHEN_JOINER.match(pieces[index + 2]) is None
        if label or not (counted and closes):
            out += ["-", right]
            continue
        left_label, left = _label_split(pieces, index - 1)
        out[-1] = left_label + _locator_pair(left, right, dash, range_format, numeric)
    return "".join(out)


def _locator_pair(left: str, right: str, dash: str, range_format: str | None, numeric: bool) -> str:
    """One hyphenated range of a counted locator, as citeproc-js prints it.

    Numbers alike take the page-range format (for a page locator) and the
    dash, as do roman numerals and numbers mixed ("iv-7"); prefixes that
    differ ("A3-4") keep the hyphen; other shapes ("3a-4b", "3-4b") take
    the dash when the locator is numeric.
    """
    (left_prefix, left_value), (right_prefix, right_value) = (
        _particle_value(left),
        _particle_value(right),
    )
    if left_prefix != right_prefix:
        return f"{left}-{right}"
    if _PLAIN_VALUE.match(left_value) and _PLAIN_VALUE.match(right_value):
        if left_value.isdigit() and right_value.isdigit():
            return format_page_range(f"{left}-{right}", range_format, dash)
        return f"{left}{dash}{right}"
    if numeric and _RANGE_SHAPE.match(f"{left_value}-{right_value}"):
        return f"{left}{dash}{right}"
    return f"{left}-{right}"

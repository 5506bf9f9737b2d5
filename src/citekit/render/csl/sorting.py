"""Sort keys, computed once per item through the evaluator's sort mode.

Names sort in sort order, dates as zero-padded year-month-day strings
(negative years before positive), numbers as numbers, text case- and
accent-insensitively; empty values go last whatever the direction.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from citekit.render.csl.boxes import plain_text
from citekit.render.csl.style import PLAIN, NamesNode, SortKey

SortValue = str | int | None
_STRIP = re.compile(r"<[^>]+>|[^\w\s'\u2019]")


# Scripts a locale's collation puts before all others, in order, by language
# (CLDR's reordering, which citeproc-js gets through localeCompare): Russian
# (GOST) and Chinese bibliographies list works in their own script first;
# Japanese keeps Latin first, then kana and kanji, then the rest.
_SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "latin": ((0x0041, 0x024F), (0x1E00, 0x1EFF)),
    "cyrillic": ((0x0400, 0x052F),),
    "greek": ((0x0370, 0x03FF), (0x1F00, 0x1FFF)),
    "han": ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF)),
    "hangul": ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)),
    "arabic": ((0x0600, 0x06FF), (0x0750, 0x077F)),
    "hebrew": ((0x0590, 0x05FF),),
    "thai": ((0x0E00, 0x0E7F),),
}
_LANGUAGE_SCRIPTS: dict[str, tuple[str, ...]] = {
    "ru": ("cyrillic",),
    "uk": ("cyrillic",),
    "bg": ("cyrillic",),
    "be": ("cyrillic",),
    "mk": ("cyrillic",),
    "mn": ("cyrillic",),
    "kk": ("cyrillic",),
    "el": ("greek",),
    "zh": ("han",),
    "ja": ("latin", "han"),
    "ko": ("hangul", "han"),
    "ar": ("arabic",),
    "fa": ("arabic",),
    "he": ("hebrew",),
    "th": ("thai",),
}
_SHIFT = 0x30000  # above every script a bibliography uses; three tiers stay valid code points
Tiers = tuple[tuple[tuple[int, int], ...], ...]


def script_first(language: str) -> Tiers:
    """The scripts a locale sorts first, in order, as code point ranges (none: code point order)."""
    scripts = _LANGUAGE_SCRIPTS.get(language.split("-")[0].lower(), ())
    return tuple(_SCRIPT_RANGES[script] for script in scripts)


def _tier(code: int, tiers: Tiers) -> int:
    for index, ranges in enumerate(tiers):
        if any(low <= code <= high for low, high in ranges):
            return index
    return len(tiers)


# Letters root collation files under another letter (ICU's root order, which
# citeproc-js uses for English): "Łukasz" among the L's, "Ørsted" among the O's.
_ROOT_LETTERS = {
    "\u00e6": "ae",
    "\u00f8": "o",
    "\u0142": "l",
    "\u0131": "i",
    "\u0111": "d",
    "\u00f0": "d",
    "\u00df": "ss",
    "\u0153": "oe",
    "\u00fe": "th",
    "\u0127": "h",
}


def _after(letter: str, rank: int) -> str:
    """A key that sorts after every word at ``letter`` and before the next letter."""
    return letter + chr(0xF0000 + rank)


# Letters a language's alphabet files separately (its collation tailoring).
_TAILORINGS: dict[str, dict[str, str]] = {
    "sv": {
        "\u00e5": _after("z", 1),
        "\u00e4": _after("z", 2),
        "\u00e6": _after("z", 2),
        "\u00f6": _after("z", 3),
        "\u00f8": _after("z", 3),
        "\u00fc": "y",
    },
    "da": {
        "\u00e6": _after("z", 1),
        "\u00e4": _after("z", 1),
        "\u00f8": _after("z", 2),
        "\u00f6": _after("z", 2),
        "\u00e5": _after("z", 3),
        "aa": _after("z", 3),
        "\u00fc": "y",
    },
    "es": {"\u00f1": _after("n", 1)},
    "pl": {
        "\u0105": _after("a", 1),
        "\u0107": _after("c", 1),
        "\u0119": _after("e", 1),
        "\u0142": _after("l", 1),
        "\u0144": _after("n", 1),
        "\u00f3": _after("o", 1),
        "\u015b": _after("s", 1),
        "\u017a": _after("z", 1),
        "\u017c": _after("z", 2),
    },
    "cs": {
        "\u010d": _after("c", 1),
        "ch": _after("h", 1),
        "\u0159": _after("r", 1),
        "\u0161": _after("s", 1),
        "\u017e": _after("z", 1),
    },
    "tr": {
        "\u00e7": _after("c", 1),
        "\u011f": _after("g", 1),
        "\u0131": _after("h", 1),
        "\u00f6": _after("o", 1),
        "\u015f": _after("s", 1),
        "\u00fc": _after("u", 1),
    },
}
for _alias, _language in (
    ("fi", "sv"),
    ("nb", "da"),
    ("nn", "da"),
    ("no", "da"),
    ("sk", "cs"),
    ("az", "tr"),
):
    _TAILORINGS[_alias] = _TAILORINGS[_language]


@dataclass(frozen=True)
class Collation:
    """How one locale orders text: script order and its alphabet's own letters.

    ``keys`` keeps the keys already computed (a bibliography sorts the same
    author names and short values again and again); it is bounded, since one
    collation lives as long as the process.
    """

    tiers: Tiers = ()
    letters: dict[str, str] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None
    keys: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def ascii_letters(self) -> bool:
        """Whether the tailoring rewrites ASCII text (Danish "aa", Czech "ch")."""
        return any(letter.isascii() for letter in self.letters)


def collation_for(language: str) -> Collation:
    """The collation of a locale tag ("sv-SE" files "Åström" after "Zweig")."""
    primary = language.split("-")[0].lower()
    letters = {**_ROOT_LETTERS, **_TAILORINGS.get(primary, {})}
    # longest first, so the digraph "aa" or "ch" wins over its first letter
    pattern = re.compile("|".join(re.escape(k) for k in sorted(letters, key=len, reverse=True)))
    return Collation(script_first(language), letters, pattern)


ENGLISH = collation_for("en")


_KEYS_KEPT = 50_000  # per collation; beyond that the kept keys are dropped


def collation_key(text: str, collation: Collation = ENGLISH) -> str:
    """A case- and accent-insensitive key in ``collation``'s order."""
    kept = collation.keys
    key = kept.get(text)
    if key is None:
        if len(kept) >= _KEYS_KEPT:
            kept.clear()
        key = kept[text] = _collation_key(text, collation)
    return key


def _collation_key(text: str, collation: Collation) -> str:
    # Apostrophes separate like spaces ("d’Wander" before "de Frinkle"), except leading.
    text = _STRIP.sub("", text).lstrip("'\u2019").replace("\u2019", " ").replace("'", " ")
    if text.isascii() and not (collation.pattern is not None and collation.ascii_letters):
        # ASCII has nothing to compose, decompose or strip of accents, and no
        # letter of the tailoring: the Unicode steps below would change nothing.
        key = text.lower().strip()
    else:
        key = _unicode_key(text, collation)
    tiers = collation.tiers
    if not tiers:
        return key
    return "".join(chr(ord(c) + _tier(ord(c), tiers) * _SHIFT) if c.isalpha() else c for c in key)


def _unicode_key(text: str, collation: Collation) -> str:
    """Lower case, the tailoring's letters, accents stripped (any text)."""
    text = unicodedata.normalize("NFC", text).lower()
    if collation.pattern is not None:
        letters = collation.letters
        text = collation.pattern.sub(lambda m: letters[m.group()], text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def sort_values(
    render: Callable[[SortKey], Any],
    keys: Sequence[SortKey],
    collation: Collation = ENGLISH,
) -> list[SortValue]:
    """One value per key; ``render`` evaluates a key for the item in sort mode."""
    return [sort_value(render(key), collation) for key in keys]


def sort_value(result: Any, collation: Collation = ENGLISH) -> SortValue:
    """The value a key's render sorts by: a number, a collation key, or None (empty)."""
    if result is None:
        return None
    if isinstance(result, int):
        return result
    text = plain_text(result) if not isinstance(result, str) else result
    return collation_key(text, collation) or None


@functools.cache
def names_node_for(variable: str) -> NamesNode:
    """The plain ``<names>`` a names-variable sort key renders (one per variable)."""
    return NamesNode((variable,), None, None, None, False, None, None, PLAIN)


def _compare_values(a: SortValue, b: SortValue) -> int:
    if isinstance(a, int) and isinstance(b, int):
        return (a > b) - (a < b)
    sa, sb = str(a), str(b)
    return (sa > sb) - (sa < sb)


def compare(a: list[SortValue], b: list[SortValue], keys: Sequence[SortKey]) -> int:
    for index, key in enumerate(keys):
        va, vb = a[index], b[index]
        if va is None and vb is None:
            continue
        if va is None:
            return 1
        if vb is None:
            return -1
        result = _compare_values(va, vb)
        if result:
            return result if key.ascending else -result
    return 0


def sort_indices(values: list[list[SortValue]], keys: Sequence[SortKey]) -> list[int]:
    """Indices of ``values`` in sorted order (stable)."""
    order = list(range(len(values)))
    if not keys:
        return order
    native = _native_keys(values, keys)
    if native is not None:
        order.sort(key=native.__getitem__)
        return order

    def cmp(i: int, j: int) -> int:
        return compare(values[i], values[j], keys) or (i - j)

    order.sort(key=functools.cmp_to_key(cmp))
    return order


_LAST: tuple[int] = (1,)  # an empty value: after every value, whatever the direction


def _native_keys(
    values: list[list[SortValue]], keys: Sequence[SortKey]
) -> list[tuple[tuple[int] | tuple[int, SortValue], ...]] | None:
    """Tuples that order like :func:`compare`, or None where they cannot.

    They can where each key's values are all numbers or all text: numbers
    compare as numbers, text as text, and a descending key of numbers is
    negated.  A key mixing the two (compared as text only between a number
    and a text), or descending text, keeps the comparison function.  Sorting
    by tuples is stable as the comparison's tie-break on the index is.
    """
    negate: list[bool] = []
    for index, key in enumerate(keys):
        kinds = {type(row[index]) for row in values} - {type(None)}
        if kinds <= {int}:
            negate.append(not key.ascending)
        elif kinds == {str} and key.ascending:
            negate.append(False)
        else:
            return None
    columns = range(len(keys))
    return [tuple(_cell(row[i], negate[i]) for i in columns) for row in values]


def _cell(value: SortValue, negate: bool) -> tuple[int] | tuple[int, SortValue]:
    if value is None:
        return _LAST
    if negate and isinstance(value, int):
        return (0, -value)
    return (0, value)


def sort_lazily(
    count: int, value: Callable[[int, int], SortValue], keys: Sequence[SortKey]
) -> list[int]:
    """The order :func:`sort_indices` gives ``count`` rows, computing few of their values.

    ``value(row, k)`` is row ``row``'s value for ``keys[k]``.  A key is
    computed only for the rows that tie on every key before it: a
    bibliography sorted by author, then date, then title renders the date and
    title of the works whose authors print alike, and no other.  Rows are
    split into runs of equal values key by key, each run in row order, empty
    values last.  Where a run's values mix numbers and text (which compare as
    text only between a number and a text, an order that need not be
    transitive), every value is computed and :func:`sort_indices` decides,
    so the order is always the one full rows give.
    """
    kept: dict[tuple[int, int], SortValue] = {}

    def get(row: int, k: int) -> SortValue:
        pair = (row, k)
        if pair not in kept:
            kept[pair] = value(row, k)
        return kept[pair]

    try:
        return _refine(list(range(count)), 0, get, keys)
    except _Mixed:
        rows = [[get(row, k) for k in range(len(keys))] for row in range(count)]
        return sort_indices(rows, keys)


class _Mixed(Exception):
    """A run of values mixing numbers and text: only the comparison orders it."""


def _refine(
    rows: list[int], k: int, get: Callable[[int, int], SortValue], keys: Sequence[SortKey]
) -> list[int]:
    """``rows`` (in row order, tied on the keys before ``k``) in sorted order."""
    if len(rows) < 2 or k == len(keys):
        return rows
    column: dict[int, Any] = {row: get(row, k) for row in rows}
    present = [row for row in rows if column[row] is not None]
    empty = [row for row in rows if column[row] is None]
    kinds = {type(column[row]) for row in present}
    if len(kinds) > 1 or kinds - {int, str}:
        raise _Mixed
    # a stable sort, reversed or not, keeps tied rows in row order
    present.sort(key=column.__getitem__, reverse=not keys[k].ascending)
    ordered: list[int] = []
    start = 0
    for end in range(1, len(present) + 1):
        if end == len(present) or column[present[end]] != column[present[start]]:
            ordered.extend(_refine(present[start:end], k + 1, get, keys))
            start = end
    ordered.extend(_refine(empty, k + 1, get, keys))
    return ordered

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
    """How one locale orders text: script order and its alphabet's own letters."""

    tiers: Tiers = ()
    letters: dict[str, str] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None


def collation_for(language: str) -> Collation:
    """The collation of a locale tag ("sv-SE" files "Åström" after "Zweig")."""
    primary = language.split("-")[0].lower()
    letters = {**_ROOT_LETTERS, **_TAILORINGS.get(primary, {})}
    # longest first, so the digraph "aa" or "ch" wins over its first letter
    pattern = re.compile("|".join(re.escape(k) for k in sorted(letters, key=len, reverse=True)))
    return Collation(script_first(language), letters, pattern)


ENGLISH = collation_for("en")


def collation_key(text: str, collation: Collation = ENGLISH) -> str:
    """A case- and accent-insensitive key in ``collation``'s order."""
    # Apostrophes separate like spaces ("d’Wander" before "de Frinkle"), except leading.
    text = _STRIP.sub("", text).lstrip("'\u2019").replace("\u2019", " ").replace("'", " ")
    text = unicodedata.normalize("NFC", text).lower()
    if collation.pattern is not None:
        letters = collation.letters
        text = collation.pattern.sub(lambda m: letters[m.group()], text)
    decomposed = unicodedata.normalize("NFKD", text)
    key = "".join(c for c in decomposed if not unicodedata.combining(c)).strip()
    tiers = collation.tiers
    if not tiers:
        return key
    return "".join(chr(ord(c) + _tier(ord(c), tiers) * _SHIFT) if c.isalpha() else c for c in key)


def sort_values(
    render: Callable[[SortKey], Any],
    keys: Sequence[SortKey],
    collation: Collation = ENGLISH,
) -> list[SortValue]:
    """One value per key; ``render`` evaluates a key for the item in sort mode."""
    values: list[SortValue] = []
    for key in keys:
        result = render(key)
        if result is None:
            values.append(None)
        elif isinstance(result, int):
            values.append(result)
        else:
            text = plain_text(result) if not isinstance(result, str) else result
            values.append(collation_key(text, collation) or None)
    return values


def names_node_for(variable: str) -> NamesNode:
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

    def cmp(i: int, j: int) -> int:
        return compare(values[i], values[j], keys) or (i - j)

    order.sort(key=functools.cmp_to_key(cmp))
    return order

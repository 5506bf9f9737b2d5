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
from typing import Any

from citekit.render.csl.output import plain_text
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
    "ru": ("cyrillic",), "uk": ("cyrillic",), "bg": ("cyrillic",), "be": ("cyrillic",),
    "mk": ("cyrillic",), "mn": ("cyrillic",), "kk": ("cyrillic",), "el": ("greek",),
    "zh": ("han",), "ja": ("latin", "han"), "ko": ("hangul", "han"), "ar": ("arabic",),
    "fa": ("arabic",), "he": ("hebrew",), "th": ("thai",),
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


def collation_key(text: str, tiers: Tiers = ()) -> str:
    """A case- and accent-insensitive key; with ``tiers``, letters sort script by script."""
    # Apostrophes separate like spaces ("d’Wander" before "de Frinkle"), except leading.
    text = _STRIP.sub("", text).lstrip("'\u2019").replace("\u2019", " ").replace("'", " ")
    decomposed = unicodedata.normalize("NFKD", text)
    key = "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()
    if not tiers:
        return key
    return "".join(
        chr(ord(c) + _tier(ord(c), tiers) * _SHIFT) if c.isalpha() else c for c in key
    )


def sort_values(
    render: Callable[[SortKey], Any],
    keys: Sequence[SortKey],
    first: Tiers = (),
) -> list[SortValue]:
    """One value per key; ``render`` evaluates a key for the item in sort mode.

    ``first``: the scripts the locale sorts first (see :func:`script_first`).
    """
    values: list[SortValue] = []
    for key in keys:
        result = render(key)
        if result is None:
            values.append(None)
        elif isinstance(result, int):
            values.append(result)
        else:
            text = plain_text(result) if not isinstance(result, str) else result
            values.append(collation_key(text, first) or None)
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

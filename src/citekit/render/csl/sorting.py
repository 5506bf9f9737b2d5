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


def collation_key(text: str) -> str:
    # Apostrophes separate like spaces ("d’Wander" before "de Frinkle"), except leading.
    text = _STRIP.sub("", text).lstrip("'\u2019").replace("\u2019", " ").replace("'", " ")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def sort_values(render: Callable[[SortKey], Any], keys: Sequence[SortKey]) -> list[SortValue]:
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
            values.append(collation_key(text) or None)
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

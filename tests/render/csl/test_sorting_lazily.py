"""Cheaper sort keys: the same order as full rows, from fewer computed values.

``sort_lazily`` computes a key only for rows tied on every key before it;
``sort_indices`` orders by plain tuples where each key's values are all
numbers or all text; ``collation_key`` skips the Unicode steps for ASCII.
Each is checked against the comparison function the engine has always used
(``compare``) or against the full Unicode path, never against fixed output.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.csl.sorting import (
    ENGLISH,
    Collation,
    SortValue,
    collation_for,
    collation_key,
    compare,
    sort_indices,
    sort_lazily,
)
from citekit.render.csl.style import SortKey

# Few distinct values, so that rows tie often and later keys matter.
INTS = st.integers(min_value=-3, max_value=3)
TEXTS = st.sampled_from(["", "a", "b", "ab", "12a", "z"])
CELLS = st.one_of(st.none(), INTS, TEXTS.filter(bool))


def keys_for(directions: list[bool]) -> list[SortKey]:
    return [SortKey(f"v{i}", None, ascending) for i, ascending in enumerate(directions)]


def reference_order(rows: list[list[SortValue]], keys: list[SortKey]) -> list[int]:
    """Rows sorted by the engine's comparison, ties in row order."""

    def cmp(i: int, j: int) -> int:
        return compare(rows[i], rows[j], keys) or (i - j)

    return sorted(range(len(rows)), key=functools.cmp_to_key(cmp))


@st.composite
def tables(draw: st.DrawFn, cells: st.SearchStrategy[SortValue]) -> tuple[list[Any], list[SortKey]]:
    width = draw(st.integers(min_value=1, max_value=4))
    directions = draw(st.lists(st.booleans(), min_size=width, max_size=width))
    # each column all numbers, all text or mixed, as real keys are
    columns = [draw(st.sampled_from([INTS, TEXTS.filter(bool), cells])) for _ in range(width)]
    height = draw(st.integers(min_value=0, max_value=25))
    rows = [[draw(st.one_of(st.none(), column)) for column in columns] for _ in range(height)]
    return rows, keys_for(directions)


@settings(max_examples=150, deadline=None)
@given(tables(CELLS))
def test_sort_indices_orders_as_the_comparison_does(
    table: tuple[list[list[SortValue]], list[SortKey]],
) -> None:
    rows, keys = table
    assert sort_indices(rows, keys) == reference_order(rows, keys)


@settings(max_examples=150, deadline=None)
@given(tables(CELLS))
def test_lazy_sort_orders_as_full_rows_do(
    table: tuple[list[list[SortValue]], list[SortKey]],
) -> None:
    rows, keys = table
    asked: list[tuple[int, int]] = []

    def value(row: int, k: int) -> SortValue:
        asked.append((row, k))
        return rows[row][k]

    assert sort_lazily(len(rows), value, keys) == reference_order(rows, keys)
    assert len(asked) == len(set(asked)), "a value was computed twice"


@settings(max_examples=100, deadline=None)
@given(tables(INTS))
def test_lazy_sort_computes_a_key_only_for_rows_tied_before_it(
    table: tuple[list[list[SortValue]], list[SortKey]],
) -> None:
    rows, keys = table  # numbers only: never the fallback to full rows
    asked: set[tuple[int, int]] = set()

    def value(row: int, k: int) -> SortValue:
        asked.add((row, k))
        return rows[row][k]

    sort_lazily(len(rows), value, keys)
    for row, k in asked:
        tied = [other for other in range(len(rows)) if rows[other][:k] == rows[row][:k]]
        assert len(tied) > 1 or k == 0, (row, k)
    for row in range(len(rows) if len(rows) > 1 else 0):
        assert (row, 0) in asked  # the first key decides for every row


def test_lazy_sort_leaves_later_keys_of_distinct_rows_alone() -> None:
    rows: list[list[SortValue]] = [["b", 1, 5], ["a", 2, 6], ["b", 1, 4], ["c", 0, 0]]
    asked: set[tuple[int, int]] = set()

    def value(row: int, k: int) -> SortValue:
        asked.add((row, k))
        return rows[row][k]

    keys = keys_for([True, True, True])
    assert sort_lazily(len(rows), value, keys) == reference_order(rows, keys)
    assert {(r, k) for r, k in asked if k} == {(0, 1), (2, 1), (0, 2), (2, 2)}


# A collation whose tailoring has an ASCII letter that can never match (the
# stripping removes control characters first): it takes the full Unicode path
# for every text, which the ASCII shortcut must agree with.
_FULL_PATH_EXTRA = {"\x00": "\x00"}


def full_path(collation: Collation) -> Collation:
    letters = {**collation.letters, **_FULL_PATH_EXTRA}
    pattern = re.compile("|".join(re.escape(k) for k in sorted(letters, key=len, reverse=True)))
    return Collation(collation.tiers, letters, pattern)


ASCII = st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=30)


@settings(max_examples=200, deadline=None)
@given(ASCII, st.sampled_from(["en-US", "da-DK", "cs-CZ", "ru-RU", "ja-JP", "sv-SE"]))
def test_ascii_shortcut_gives_the_full_paths_key(text: str, language: str) -> None:
    collation = collation_for(language)
    forced = full_path(collation)
    assert forced.ascii_letters
    assert collation_key(text, collation) == collation_key(text, forced)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20))
def test_a_kept_key_is_the_key_computed_afresh(text: str) -> None:
    first = collation_key(text)
    assert collation_key(text) == first == collation_key(text, full_path(ENGLISH))

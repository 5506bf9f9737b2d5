"""Cite positions across clusters and notes (csl.clusters.compute_positions)."""

from __future__ import annotations

from citekit import CiteItem
from citekit.render.csl.clusters import compute_positions
from citekit.render.csl.contract import Cite, CiteInfo, CiteRequest
from citekit.render.csl.data import normalise_item


def cite(key: str, locator: str = "") -> Cite:
    item = normalise_item({"id": key, "type": "book"})
    return Cite(item, CiteInfo(locator=locator), CiteRequest(CiteItem(key)))


def positions(clusters: list[list[Cite]], notes: list[int]) -> list[list[str]]:
    compute_positions(clusters, notes, {})
    return [[c.info.position for c in cites] for cites in clusters]


def test_ibid_needs_the_previous_note_to_hold_only_that_cite() -> None:
    # Note 2 holds two clusters (a, then b): a cite of b in note 3 is not ibid,
    # though the cluster just before it cites b alone.
    clusters = [[cite("a")], [cite("b")], [cite("b")], [cite("b")]]
    assert positions(clusters, [1, 2, 2, 3]) == [["first"], ["first"], ["ibid"], ["subsequent"]]
    assert positions([[cite("a")], [cite("a")], [cite("a", "5")]], [1, 2, 3]) == [
        ["first"],
        ["ibid"],
        ["ibid-with-locator"],
    ]


def test_note_membership_counts_clusters_wherever_they_sit() -> None:
    # A later cluster of note 1 still makes note 1 hold two cites.
    clusters = [[cite("a")], [cite("a")], [cite("b")]]
    assert positions(clusters, [1, 2, 1]) == [["first"], ["subsequent"], ["first"]]


def test_many_notes_of_repeated_cites() -> None:
    # The case that was quadratic: every note looks at the note before it.
    keys = [f"k{i % 20}" for i in range(3000)]
    clusters = [[cite(key)] for key in keys]
    found = positions(clusters, list(range(1, 3001)))
    assert found[:20] == [["first"]] * 20
    assert found[20:] == [["subsequent"]] * 2980

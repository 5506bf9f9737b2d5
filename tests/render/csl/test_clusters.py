"""Cite positions across clusters and notes (csl.clusters.compute_positions)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit import CiteItem
from citekit.render.csl.boxes import Box
from citekit.render.csl.clusters import capitalize_leading_term, compute_positions
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


def _first_leaves(node: str | Box, in_term: bool, out: list[tuple[Box, int, bool]]) -> None:
    """Up to nine leaves, all gathered before any is looked at."""
    if isinstance(node, str) or len(out) > 8:
        return
    in_term = in_term or node.tag == "term"
    for index, kid in enumerate(node.kids):
        if isinstance(kid, str):
            out.append((node, index, in_term))
        else:
            _first_leaves(kid, in_term, out)
        if len(out) > 8:
            return


def _capitalize_from_gathered_leaves(node: str | Box) -> None:
    leaves: list[tuple[Box, int, bool]] = []
    _first_leaves(node, False, leaves)
    for parent, index, in_term in leaves:
        text = parent.kids[index]
        assert isinstance(text, str)
        if not text.strip():
            continue
        if in_term:
            parent.kids[index] = text[0].upper() + text[1:]
            return
        if not text.strip("([ "):
            continue
        sentence = text.rstrip().rstrip("\u201d\u2019\"'").endswith((".", "!", "?"))
        if not (sentence and len(text.split()) > 1):
            return


def _copy(node: str | Box) -> str | Box:
    return node if isinstance(node, str) else Box([_copy(k) for k in node.kids], tag=node.tag)


def _shape(node: str | Box) -> object:
    return node if isinstance(node, str) else (node.tag, [_shape(k) for k in node.kids])


_TERM_TREES = st.recursive(
    st.sampled_from(["", " ", "(", "see", "ibid.", "Ed. by", "x. y", "op. cit."]),
    lambda kids: st.builds(
        lambda children, tag: Box(list(children), tag=tag),
        st.lists(kids, max_size=4),
        st.sampled_from([None, "term"]),
    ),
    max_leaves=16,
)


@settings(max_examples=200, deadline=None)
@given(_TERM_TREES)
def test_leading_term_capitalized_as_when_the_leaves_were_gathered_first(
    tree: str | Box,
) -> None:
    lazy, eager = _copy(tree), _copy(tree)
    capitalize_leading_term(lazy)
    _capitalize_from_gathered_leaves(eager)
    assert _shape(lazy) == _shape(eager)

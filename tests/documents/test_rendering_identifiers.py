"""``[@doi:…]`` in documents: render_document resolving cited identifiers (fake services only)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sources"))

from fakeservices import FakeServices, aim_nowhere, serving

from citekit.documents.rendering import render_document, render_document_file
from citekit.errors import UnknownKeyError
from citekit.model.records import Library, Record
from citekit.sources.resolve import Resolver

DOCUMENT = """---
title: Deep things
---
Deep learning [@doi:10.1038/nature14539, p. 437] and attention [@arxiv:1706.03762v5].
"""


@pytest.fixture(autouse=True)
def nowhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No service is reachable unless a test aims the environment at the fake ones."""
    aim_nowhere(monkeypatch, tmp_path / "cache")


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServices]:
    with serving(monkeypatch) as fake:
        yield fake


def test_doi_and_arxiv_citations_render_with_their_entries(services: FakeServices) -> None:
    result = render_document(DOCUMENT, style="apa", identifiers=True)
    body = result.output.split("# References")[0]
    assert "Deep learning (LeCun et al., 2015, p. 437)" in body
    assert "attention (Vaswani et al., 2017)" in body
    assert [entry.id for entry in result.bibliography] == [
        "doi:10.1038/nature14539",
        "arxiv:1706.03762v5",
    ]
    assert "Deep learning. *Nature*, *521*(7553), 436–444." in result.output
    assert result.unknown == [] and result.warnings == []
    assert services.count("/arxiv/") == 1


def test_identifiers_are_off_by_default(services: FakeServices) -> None:
    result = render_document(DOCUMENT, style="apa")
    assert [u.key for u in result.unknown] == ["doi:10.1038/nature14539", "arxiv:1706.03762v5"]
    assert services.requests == []


def test_a_key_in_the_bibliography_wins(services: FakeServices) -> None:
    mine = Record(
        "doi:10.1038/nature14539",
        "book",
        title="My copy",
        author=[{"family": "Mine", "given": "Me"}],
        issued={"date-parts": [[1999]]},
    )
    result = render_document(DOCUMENT, style="apa", library=Library([mine]), identifiers=True)
    assert "Deep learning (Mine, 1999, p. 437)" in result.output
    assert services.count("/doi/") == 0


def test_a_failing_identifier_is_a_warning_and_an_unknown_key(services: FakeServices) -> None:
    text = DOCUMENT + "\nGone [@doi:10.5555/missing]. Typo [@isbn:978-0-262-51087-4].\n"
    result = render_document(text, style="apa", identifiers=Resolver(retries=0))
    assert "(LeCun et al., 2015, p. 437)" in result.output
    assert "Gone ???doi:10.5555/missing." in result.output
    assert [(u.key, u.line) for u in result.unknown] == [
        ("doi:10.5555/missing", 6),
        ("isbn:978-0-262-51087-4", 6),
    ]
    reasons = result.warnings[len(result.unknown) :]
    assert reasons[0].startswith("cannot resolve 'doi:10.5555/missing': ")
    assert "HTTP 404" in reasons[0]
    assert reasons[1].startswith("cannot resolve 'isbn:978-0-262-51087-4': ")
    assert "check digit" in reasons[1]
    assert result.to_json()["warnings"] == result.warnings


def test_strict_stops_on_an_identifier_that_cannot_be_resolved(services: FakeServices) -> None:
    with pytest.raises(UnknownKeyError, match=r"doi:10\.5555/missing"):
        render_document("[@doi:10.5555/missing]\n", strict=True, identifiers=Resolver(retries=0))


def test_two_spellings_of_one_doi_are_one_entry(services: FakeServices) -> None:
    text = "[@doi:10.1038/nature14539] and again [@doi:10.1038/NATURE14539, p. 3].\n"
    result = render_document(text, style="apa", identifiers=True)
    assert [entry.id for entry in result.bibliography] == ["doi:10.1038/nature14539"]
    assert [c.found.cluster.items[0].id for c in result.citations] == [
        "doi:10.1038/nature14539",
        "doi:10.1038/nature14539",
    ]
    assert services.count("/doi/") == 1


def test_nocite_and_braced_identifiers_resolve(services: FakeServices) -> None:
    text = (
        "---\nnocite: '@pmid:26017442'\n---\n"
        "Odd [@{doi:10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0}].\n"
    )
    result = render_document(text, style="apa", identifiers=True)
    assert "(Saracevic, 1998)" in result.output
    assert {entry.id for entry in result.bibliography} == {
        "pmid:26017442",
        "doi:10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0",
    }
    assert result.warnings == []


def test_offline_render_uses_what_the_cache_has(services: FakeServices) -> None:
    render_document("[@doi:10.1038/nature14539]\n", style="apa", identifiers=True)
    asked = len(services.requests)
    result = render_document(DOCUMENT, style="apa", identifiers=Resolver(offline=True))
    assert len(services.requests) == asked
    assert "(LeCun et al., 2015, p. 437)" in result.output
    assert [u.key for u in result.unknown] == ["arxiv:1706.03762v5"]
    assert "offline" in result.warnings[1]


def test_render_document_file_passes_the_resolver(services: FakeServices, tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    result = render_document_file(path, style="apa", identifiers=True)
    assert result.unknown == []
    assert len(result.bibliography) == 2


def test_the_docs_example_renders_what_the_page_says(services: FakeServices) -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "identifiers.md").read_text(
        encoding="utf-8"
    )
    example = page.split("```markdown\n", 1)[1].split("```", 1)[0]
    result = render_document(example, style="apa", identifiers=True)
    shown = " ".join(page.split('With apa this renders "', 1)[1].split('"', 1)[0].split())
    assert shown in " ".join(result.output.split())
    assert len(result.bibliography) == 2

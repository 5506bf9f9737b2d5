"""The language server's library index, on its own (no protocol).

The hover's citation is the cite as written, rendered as ``citekit render``
renders a document holding it; these tests hold :meth:`LibraryIndex.cite` to
that, and to falling back to the key's plain citation when the text it is
given is not one cite of that key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import citekit
from citekit.integrations.lsp_library import LibraryIndex

ROOT = Path(__file__).resolve().parents[2]
KEY = "raimondo2000enemy"


@pytest.fixture(scope="module")
def index() -> LibraryIndex:
    return LibraryIndex.open([ROOT / "references.bib"])


@pytest.mark.parametrize("style", ["apa", "chicago-fullnote-bibliography"])
@pytest.mark.parametrize(
    "written", [f"[see @{KEY}, p. 33]", f"[-@{KEY}, chap. 2]", f"@{KEY} [p. 12]", f"@{KEY}"]
)
def test_a_cite_is_rendered_as_a_document_holding_it(
    index: LibraryIndex, written: str, style: str
) -> None:
    document = citekit.render_document(written, library=index.library, bibliography=[], style=style)
    (rendered,) = document.citations
    assert index.cite(KEY, written, style) == f"{rendered.author} {rendered.markdown}".strip()


@pytest.mark.parametrize(
    "written", ["[@tillerson2017patience]", f"[@{KEY}; @tillerson2017patience]", "no cite", "[@"]
)
def test_text_that_is_not_one_cite_of_the_key_gives_its_plain_citation(
    index: LibraryIndex, written: str
) -> None:
    assert index.cite(KEY, written, "apa") == index.render(KEY, "apa").citation


def test_a_read_counts_generations_on_from_the_index_it_replaces(index: LibraryIndex) -> None:
    again = LibraryIndex.read(index.paths, index)
    assert again.generation == index.generation + 1
    assert again.library.keys() == index.library.keys()
    assert again.locations == index.locations


def test_a_completion_summary_shows_the_title_without_case_protection_markup(
    index: LibraryIndex,
) -> None:
    """It showed ``Reclaiming the <span class="nocase">American Right‹/sp…`` (cut in the tag)."""
    raw_title = index.library["raimondo1993reclaiming"].get("title")
    assert isinstance(raw_title, str) and "<span" in raw_title  # what the reader stores
    author_year, title = index.summary("raimondo1993reclaiming")
    assert author_year == "Raimondo 1993"
    assert title.startswith("Reclaiming the American Right") and "<" not in title

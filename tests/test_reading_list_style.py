"""styles/annotated-reading-list.csl: valid CSL 1.0.2, found by name, prints annotations."""

from __future__ import annotations

from pathlib import Path

import citeproc
import pytest
from lxml import etree

from citekit.model.records import Library
from citekit.render import render
from citekit.render.richtext import Rich, Span, plain
from citekit.styles.catalog import find_style, find_style_info

STYLE = Path(__file__).resolve().parent.parent / "styles" / "annotated-reading-list.csl"
SCHEMA = Path(citeproc.__file__).resolve().parent / "data/schema/schemas/styles/csl.rng"

ITEMS = [
    {
        "id": "cha2012",
        "type": "book",
        "title": "The Impossible State",
        "author": [{"family": "Cha", "given": "Victor"}],
        "issued": {"date-parts": [[2012]]},
        "publisher": "Ecco",
        "annote": "A survey for newcomers; read the introduction.",
    },
    {
        "id": "art2019",
        "type": "article-journal",
        "title": "Summits and their limits",
        "author": [{"family": "Park", "given": "Ji-won"}],
        "issued": {"date-parts": [[2019]]},
        "container-title": "Asian Survey",
        "volume": "59",
        "issue": "3",
        "page": "401-420",
        "DOI": "10.1000/as.2019.1",
    },
]


def _blocks(rich: Rich) -> list[Span]:
    if not isinstance(rich, Span):
        return []
    found = [rich] if rich.display == "block" else []
    for child in rich.children:
        found += _blocks(child)
    return found


def test_valid_against_the_csl_schema() -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"citeproc-py ships no csl.rng here ({SCHEMA})")
    schema = etree.RelaxNG(etree.parse(str(SCHEMA)))
    valid = schema.validate(etree.parse(str(STYLE)))
    assert valid, str(schema.error_log)


def test_found_by_name() -> None:
    info = find_style_info("annotated-reading-list")
    assert info.path.resolve() == STYLE.resolve()
    assert info.citation_format == "author-date"
    assert find_style("annotated-reading-list").title.startswith("Annotated Reading List")


@pytest.mark.parametrize("engine", ["citeproc-py", "citekit"])
def test_annotation_printed_as_a_block(engine: str) -> None:
    result = render(Library.from_json(ITEMS), "annotated-reading-list", engine=engine)
    assert result.warnings == []
    texts = {entry.id: entry.text for entry in result.bibliography}
    assert texts["cha2012"] == (
        "Cha, Victor. 2012. The Impossible State. Ecco.\n\n"
        "A survey for newcomers; read the introduction."
    )
    assert "\n" not in texts["art2019"]  # no annote, no block
    assert texts["art2019"].startswith("Park, Ji-won. 2019. ")
    assert "Asian Survey, 59 (3)" in texts["art2019"]
    cha = next(e for e in result.bibliography if e.id == "cha2012")
    assert [plain(b) for b in _blocks(cha.rich)][-1] == (
        "A survey for newcomers; read the introduction."
    )


@pytest.mark.parametrize("engine", ["citeproc-py", "citekit"])
def test_author_date_citations_and_order(engine: str) -> None:
    result = render(
        Library.from_json(ITEMS),
        "annotated-reading-list",
        engine=engine,
        citations=["cha2012", "art2019"],
    )
    assert result.citations == ["(Cha 2012)", "(Park 2019)"]
    assert [e.id for e in result.bibliography] == ["cha2012", "art2019"]


def test_html_has_the_block_div() -> None:
    result = render(Library.from_json(ITEMS[:1]), "annotated-reading-list", output="html")
    assert (
        '<div class="csl-block">A survey for newcomers; read the introduction.</div>'
        in result.bibliography[0].text
    )

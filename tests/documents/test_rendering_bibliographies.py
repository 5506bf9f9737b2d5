"""Several bibliographies in one document (issue 15, item 5): ``refs-NAME`` divs.

The same rules in ``citekit render`` and in the pandoc filter
(citekit.documents.rendering.split_bibliography); the end-to-end test runs
both through the real pandoc and compares what a reader sees.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from citekit.documents.rendering import render_document_file
from citekit.documents.scan import DocumentSyntaxError, scan

ITEMS = [
    {
        "id": "doe2000",
        "type": "book",
        "title": "First Book",
        "author": [{"family": "Doe", "given": "John"}],
        "issued": {"date-parts": [[2000]]},
        "keyword": "primary, archive",
    },
    {
        "id": "roe2010",
        "type": "article-journal",
        "title": "An Article",
        "author": [{"family": "Roe", "given": "Ann"}],
        "container-title": "Journal of Things",
        "issued": {"date-parts": [[2010]]},
    },
    {
        "id": "poe2001",
        "type": "chapter",
        "title": "A Chapter",
        "author": [{"family": "Poe", "given": "Ed"}],
        "container-title": "Big Book",
        "issued": {"date-parts": [[2001]]},
    },
]
PRIMARY = [
    {
        "id": "src1850",
        "type": "manuscript",
        "title": "Letters",
        "author": [{"family": "Old", "given": "Ada"}],
        "issued": {"date-parts": [[1850]]},
    }
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (tmp_path / "primary.json").write_text(json.dumps(PRIMARY), encoding="utf-8")
    return tmp_path


def divs(markdown: str) -> dict[str, list[str]]:
    """Each bibliography div's id and the first word (the author) of each entry."""
    found: dict[str, list[str]] = {}
    for match in re.finditer(r"^::: \{#(refs[\w-]*) [^}]*\}\n(.*?)\n:::$", markdown, re.S | re.M):
        entries = [e for e in match.group(2).split("\n\n") if e.strip()]
        found[match.group(1)] = [re.sub(r"^\[\]\{#[^}]*\}", "", e).split(",")[0] for e in entries]
    return found


def render(folder: Path, text: str, **options: object) -> str:
    path = folder / "paper.md"
    path.write_text(text, encoding="utf-8")
    return render_document_file(path, **options).output  # type: ignore[arg-type]


def test_a_named_bibliography_takes_its_files_and_refs_the_rest(folder: Path) -> None:
    out = render(
        folder,
        "---\nbibliography: refs.json\nbibliography-primary: primary.json\n---\n"
        "Text [@doe2000; @src1850].\n\n# Sources\n\n::: {#refs-primary}\n:::\n\n"
        "# Literature\n\n::: {#refs}\n:::\n",
    )
    assert divs(out) == {"refs-primary": ["Old"], "refs": ["Doe"]}


def test_type_and_keyword_attributes_filter_a_div(folder: Path) -> None:
    out = render(
        folder,
        "---\nbibliography: refs.json\n---\nText [@doe2000; @roe2010; @poe2001].\n\n"
        '::: {#refs-parts type="chapter article-journal"}\n:::\n\n'
        "::: {#refs-prim keyword=primary}\n:::\n\n::: {#refs}\n:::\n",
    )
    assert divs(out) == {"refs-parts": ["Poe", "Roe"], "refs-prim": ["Doe"]}  # sorted by author


def test_an_unfiltered_div_lists_the_works_cited_in_its_chapter(folder: Path) -> None:
    out = render(
        folder,
        "---\nbibliography: refs.json\n---\n"
        "# One\n\nText [@doe2000].\n\n## References\n\n::: {#refs-one}\n:::\n\n"
        "# Two\n\nMore [@roe2010; @doe2000] and a note.[^1]\n\n::: {#refs-two}\n:::\n\n"
        "[^1]: Cited in a note, counted where the note is: @poe2001.\n",
    )
    found = divs(out)
    assert found["refs-one"] == ["Doe"]
    assert sorted(found["refs-two"]) == ["Doe", "Poe", "Roe"]
    assert "refs" not in found  # every entry is listed in a chapter: no bibliography at the end


def test_level_names_the_sections_a_div_belongs_to(folder: Path) -> None:
    out = render(
        folder,
        "---\nbibliography: refs.json\n---\n# Part\n\n## A\n\nText [@doe2000].\n\n"
        "## B\n\nText [@roe2010].\n\n::: {#refs-b level=2}\n:::\n",
    )
    found = divs(out)
    assert found["refs-b"] == ["Roe"]
    assert found["refs"] == ["Doe"]  # the rest goes at the end, as without named divs


def test_an_entry_in_two_bibliographies_is_anchored_once(folder: Path) -> None:
    out = render(
        folder,
        "---\nbibliography: refs.json\nlink-citations: true\n---\n"
        "# One\n\n[@doe2000]\n\n::: {#refs-one}\n:::\n\n# Two\n\n[@doe2000]\n\n"
        "::: {#refs-two}\n:::\n",
    )
    assert divs(out) == {"refs-one": ["Doe"], "refs-two": ["Doe"]}
    assert out.count("{#ref-doe2000}") == 1


def test_citations_inside_a_named_div_are_not_read() -> None:
    found = scan("::: {#refs-x}\n[@inside]\n:::\n\nText [@outside].\n")
    assert [c.cluster.items[0].id for c in found.citations] == ["outside"]
    assert [(d.name, d.start) for d in found.refs_divs] == [("x", 0)]


def test_an_unclosed_named_div_is_an_error_naming_it() -> None:
    with pytest.raises(DocumentSyntaxError, match=r"line 3, column 1: the '::: \{#refs-x\}'"):
        scan("Text [@a].\n\n::: {#refs-x}\n")


DOCUMENT = (
    "---\nbibliography: refs.json\nbibliography-primary: primary.json\n---\n"
    "# One\n\nText [@doe2000, p. 3] and [@src1850].\n\n::: {#refs-primary}\n:::\n\n"
    "## Further reading\n\n::: {#refs-one}\n:::\n\n"
    "# Two\n\nMore [@roe2010; @poe2001].\n\n::: {#refs-two}\n:::\n\n"
    '# Chapters\n\n::: {#refs-chapters type="chapter"}\n:::\n'
)


def test_render_and_the_pandoc_filter_list_the_same_bibliographies(
    folder: Path, real_pandoc: str
) -> None:
    filter_program = Path(sys.executable).parent / "citekit-pandoc"
    if not filter_program.exists():
        pytest.skip("the citekit-pandoc console script is not installed (pip install -e .)")
    (folder / "paper.md").write_text(DOCUMENT, encoding="utf-8")
    plain = [real_pandoc, "-t", "plain", "--wrap=none"]
    through_filter = subprocess.run(
        [*plain, "paper.md", "--filter", str(filter_program)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    rendered = render_document_file(folder / "paper.md").output
    through_render = subprocess.run(
        [*plain, "-f", "markdown"],
        input=rendered,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    assert through_render == through_filter
    assert through_filter.count("Poe, Ed") == 2  # in chapter two and under Chapters

"""Documents citing quotation records, and quotation marks before note marks.

* A citation of a quotation record that the bibliography does not list
  (docs/quotations.md: it is listed as the work quoting it) links to the entry
  of that work; a listed one (numeric styles) to its own.  Checked on the HTML
  page :func:`render_document` writes, parsed with lxml: every link's target
  is an element of the page.
* Where a note mark moves a full stop or comma after a closing quote, CSL's
  ``punctuation-in-quote`` decides, the style's own ``cs:locale`` first; the
  expected running text is pandoc's (``--citeproc``) for the same document.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from citekit.documents.rendering import render_document, render_document_file
from citekit.formats import read
from citekit.model.quotations import Quotation, quotations
from citekit.model.records import Library
from citekit.render.output import link_target

ROOT = Path(__file__).resolve().parents[2]
STYLES = ["apa", "chicago-notes-bibliography", "ieee"]


def _library() -> Library:
    return read(ROOT / "references.bib").library


def _document(library: Library) -> str:
    """A page citing each quotation record on its own, then the works quoting them."""
    quotes = quotations(library)
    lines = [f"Quoted [@{q.key}]." for q in quotes]
    works = dict.fromkeys(q.quoted_in for q in quotes if q.quoted_in)
    lines += [f"Read [@{key}, para. 2]." for key in works]
    return "---\ntitle: Quotations\nlink-citations: true\n---\n\n" + "\n\n".join(lines) + "\n"


def _links(page: str) -> list[tuple[str, str]]:
    """(text, href) of each in-page link of the page's body."""
    tree = lxml_html.fromstring(page.encode("utf-8"))
    return [
        (link.text_content(), str(link.get("href")))
        for link in tree.iter("a")
        if str(link.get("href", "")).startswith("#")
    ]


def _ids(page: str) -> set[str]:
    return {
        str(node.get("id")) for node in lxml_html.fromstring(page.encode()).iter() if node.get("id")
    }


@pytest.mark.parametrize("style", STYLES)
def test_every_citation_link_lands_on_an_element_of_the_page(style: str) -> None:
    library = _library()
    page = render_document(_document(library), library=library, style=style, to="html").output
    links = _links(page)
    assert links
    ids = _ids(page)
    assert [href for _, href in links if href[1:] not in ids] == []


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_a_quotation_links_to_its_own_entry_or_the_quoting_works(style: str) -> None:
    """Listed (ieee numbers every cited record): its own entry; not listed (apa):
    the entry of the work it is quoted in."""
    library = _library()
    result = render_document(_document(library), library=library, style=style, to="html")
    listed = {entry.id for entry in result.bibliography}
    hrefs = [href for _, href in _links(result.output)]
    quotes = quotations(library)
    for quote, href in zip(quotes, hrefs, strict=False):
        expected = quote.key if quote.key in listed else quote.quoted_in
        assert expected in listed
        assert href == f"#ref-{expected}"
    assert len(hrefs) >= len(quotes)


def test_markdown_links_the_same_entries_as_html() -> None:
    library = _library()
    text = _document(library)
    for style in ("apa", "ieee"):
        markdown = render_document(text, library=library, style=style).output
        targets = re.findall(r"\]\(#(ref-[^)]+)\)", markdown)
        anchors = set(re.findall(r"\[\]\{#(ref-[^}]+)\}", markdown))
        assert targets and set(targets) <= anchors
        page = render_document(text, library=library, style=style, to="html").output
        assert targets == [href[1:] for _, href in _links(page)]


def test_a_chain_of_quotations_links_to_the_first_listed_work() -> None:
    library = Library.from_json(
        [
            {"id": "book", "type": "book", "title": "The Book", "author": [{"family": "Roe"}]},
            {
                "id": "essay",
                "type": "speech",
                "title": "An Essay",
                "author": [{"family": "Poe"}],
                "custom": {"quotation": "a line", "quoted-in": "book", "quoted-in-locator": "4"},
            },
            {
                "id": "remark",
                "type": "speech",
                "author": [{"family": "Doe"}],
                "custom": {"quotation": "a remark", "quoted-in": "essay"},
            },
        ]
    )
    result = render_document("Said [@remark].\n", library=library, style="apa", to="html")
    listed = {entry.id for entry in result.bibliography}
    first_listed = link_target("remark", listed, library)
    assert first_listed is not None and first_listed != "remark"
    assert Quotation.from_record(library["remark"]).quoted_in not in listed  # a chain, followed
    assert [href for _, href in _links(result.output)] == [f"#ref-{first_listed}"]
    assert f"ref-{first_listed}" in _ids(result.output)


# ---------------------------------------------------------------------------
# Punctuation before note marks, as pandoc places it
# ---------------------------------------------------------------------------

ITEMS = [
    {
        "id": "doe2000",
        "type": "book",
        "title": "A Book",
        "author": [{"family": "Doe"}],
        "issued": {"date-parts": [[2000]]},
    },
    {
        "id": "roe2010",
        "type": "book",
        "title": "Another",
        "author": [{"family": "Roe"}],
        "issued": {"date-parts": [[2010]]},
    },
]
BODY = 'It was "an end" [@doe2000]. Then "a start" [@roe2010], she said. Is it "so" [@doe2000]?\n'


def _running_text(markdown: str) -> str:
    """The paragraph citing, with each footnote mark as ``[^]`` (labels differ)."""
    line = next(line for line in markdown.splitlines() if line.startswith("It was"))
    return re.sub(r"\[[\^@][^\]]+\]", "[^]", line)  # pandoc 2 writes the Cite back as [@key]


def test_note_marks_follow_the_styles_punctuation_in_quote_as_pandoc_does(
    tmp_path: Path, real_pandoc: str, piq_style: tuple[Path, str]
) -> None:
    style, lang = piq_style
    (tmp_path / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (tmp_path / "paper.md").write_text(
        f"---\nbibliography: refs.json\ncsl: {style.name}\nlang: {lang}\n---\n\n{BODY}",
        encoding="utf-8",
    )
    theirs = subprocess.run(
        [real_pandoc, "paper.md", "--citeproc", "-t", "markdown", "--wrap=none"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    ours = render_document_file(tmp_path / "paper.md").output
    assert _running_text(ours) == _running_text(theirs)
    assert _running_text(ours).count("[^]") == 3

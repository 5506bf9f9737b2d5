"""``citekit render`` reading a document as pandoc's Markdown reader does.

Cite prefixes and suffixes with Markdown in them, TeX math, note marks after
an author-in-text name, ``reference-section-title`` over a ``#refs`` div,
pandoc's ``smart`` typography in HTML and text, and ``@a [p. 3; @b]``.
Where pandoc is here, its ``--citeproc`` output is the expectation.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.documents.conftest import find_pandoc

from citekit.documents.markdown import affix_markup, math_spans
from citekit.documents.rendering import render_document
from citekit.documents.scan import scan
from citekit.model.records import Library

ITEMS = [
    {
        "id": "doe2000",
        "type": "book",
        "title": "First Book",
        "author": [{"family": "Doe", "given": "John"}],
        "publisher": "Acme",
        "issued": {"date-parts": [[2000]]},
    },
    {
        "id": "roe2010",
        "type": "book",
        "title": "Second Book",
        "author": [{"family": "Roe", "given": "Richard"}],
        "publisher": "Acme",
        "issued": {"date-parts": [[2010]]},
    },
    {
        "id": "many1994",
        "type": "book",
        "title": "The Companion",
        "author": [
            {"family": "Goossens", "given": "Michel"},
            {"family": "Mittelbach", "given": "Frank"},
            {"family": "Samarin", "given": "Alexander"},
            {"family": "Rahtz", "given": "Sebastian"},
        ],
        "publisher": "Acme",
        "issued": {"date-parts": [[1994]]},
    },
]


@pytest.fixture
def library() -> Library:
    return Library.from_json(ITEMS)


def pandoc_text(folder: Path, text: str, *args: str) -> str:
    """pandoc 3's ``--citeproc`` output of ``text`` (skips when pandoc 3 is not here)."""
    pandoc = find_pandoc(3)
    if pandoc is None:
        pytest.skip("no pandoc 3.x here (pip install pypandoc-binary)")
    (folder / "doc.md").write_text(text, encoding="utf-8")
    run = subprocess.run(
        [pandoc, "doc.md", "--citeproc", "--wrap=none", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
        check=True,
    )
    return run.stdout


def references(folder: Path, style: str = "chicago-author-date") -> str:
    """Front matter giving pandoc the test's records and a style file citekit knows."""
    import json

    from citekit.styles.catalog import find_style

    (folder / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    return f"---\nbibliography: refs.json\ncsl: {find_style(style).path}\n---\n"


# ---------------------------------------------------------------------------
# Markdown in prefixes and suffixes
# ---------------------------------------------------------------------------


def test_affix_markdown_becomes_csl_rich_text() -> None:
    assert affix_markup("*see* ") == "<i>see</i> "
    assert affix_markup(", **cf.** this") == ", <b>cf.</b> this"
    assert affix_markup("[Ibid]{.smallcaps} x^2^") == "<sc>Ibid</sc> x<sup>2</sup>"
    assert affix_markup("see `Some Code` ") == 'see <span class="nocase">Some Code</span> '
    assert affix_markup("see \\[sic\\] [there](https://x.org) ") == "see [sic] there "
    assert affix_markup("a \\<i> b") == "a &lt;i> b"  # escaped: text, not CSL markup
    assert affix_markup("a <em>b</em> <br>c") == "a <i>b</i> c"  # raw HTML as pandoc reads it
    assert affix_markup("see, e.g., ") == "see, e.g., "


def test_affixes_keep_code_spans_and_escapes_the_mask_hid() -> None:
    [found] = scan("Text [see `x@y` and \\[sic\\] @doe2000, p. 3 `z`].\n").citations
    [item] = found.cluster.items
    assert (item.prefix, item.locator, item.suffix) == ("see `x@y` and \\[sic\\] ", "3", " `z`")


def test_affix_emphasis_renders_as_emphasis(library: Library) -> None:
    text = "Text [*see* @doe2000, p. 3, *emphasis* mine] and [**cf.** @roe2010].\n"
    markdown = render_document(text, library=library).output
    assert "(*see* Doe 2000, 3, *emphasis* mine)" in markdown
    assert "(**cf.** Roe 2010)" in markdown
    page = render_document(text, library=library, to="html").output
    assert "(<em>see</em> Doe 2000, 3, <em>emphasis</em> mine)" in page
    assert "*" not in render_document(text, library=library, to="text").output


def test_affix_emphasis_agrees_with_pandoc(tmp_path: Path, library: Library) -> None:
    body = "Text [*see* @doe2000, p. 3, *emphasis* mine] and [**cf.** @roe2010].\n"
    text = references(tmp_path) + "\n" + body
    theirs = pandoc_text(tmp_path, text, "-t", "html").split("\n")[0]
    ours = render_document(body, library=library, to="html").output
    for piece in ("<em>see</em> Doe 2000, 3, <em>emphasis</em> mine", "<strong>cf.</strong>"):
        assert piece in theirs
        assert piece in ours


# ---------------------------------------------------------------------------
# TeX math
# ---------------------------------------------------------------------------


def test_math_spans_follow_pandoc_tex_math_dollars() -> None:
    text = "a $x$ b $$y = z$$ c $20 and $30 d $ e$ f \\$g$ h $i$1"
    assert [text[s:e] for s, e in math_spans(text)] == ["$x$", "$$y = z$$"]


def test_no_citation_inside_math(library: Library) -> None:
    text = "Math $@x$ and $$x = @doe2000$$. Price $20 and @doe2000 $30.\n"
    result = render_document(text, library=library)
    assert result.warnings == []
    assert "Math $@x$ and $$x = @doe2000$$." in result.output
    assert [[i.id for i in c.found.cluster.items] for c in result.citations] == [["doe2000"]]
    page = render_document(text, library=library, to="html").output
    assert 'class="citation"' not in page


# ---------------------------------------------------------------------------
# Note styles: the note mark after an author-in-text name
# ---------------------------------------------------------------------------


def test_note_style_author_in_text_takes_the_punctuation_before_the_mark(
    library: Library,
) -> None:
    text = "As argued by @many1994. And by @doe2000. Then @doe2000, and more.\n"
    out = render_document(text, library=library, style="chicago-notes-bibliography").output
    first = out.split("\n")[0]
    assert "et al.[^c1] And" in first  # no second full stop after "et al."
    assert "Doe.[^c2] Then" in first
    assert "Doe,[^c3] and" in first
    kept = render_document(
        text,
        library=library,
        style="chicago-notes-bibliography",
        metadata={"notes-after-punctuation": False},
    ).output
    assert "Doe[^c2]. Then" in kept


def test_note_style_author_in_text_agrees_with_pandoc_3(tmp_path: Path, library: Library) -> None:
    body = "As argued by @many1994. And by @doe2000. Then @doe2000, and more.\n"
    text = references(tmp_path, "chicago-notes-bibliography") + "\n" + body
    theirs = pandoc_text(tmp_path, text, "-t", "plain").split("\n")[0]
    ours = render_document(
        body, library=library, style="chicago-notes-bibliography", to="text"
    ).output.split("\n")[0]
    assert ours == theirs


# ---------------------------------------------------------------------------
# reference-section-title and a #refs div
# ---------------------------------------------------------------------------


def test_section_title_adds_no_heading_over_a_refs_div(library: Library) -> None:
    text = (
        "---\nreference-section-title: Works Cited\n---\n# Body\n\nText [@doe2000].\n\n"
        "# Appendix\n\n::: {#refs}\n:::\n"
    )
    out = render_document(text, library=library).output
    assert "Works Cited" not in out.split("---\n", 2)[2]
    assert "# Appendix\n\n::: {#refs" in out
    appended = render_document(text.replace("::: {#refs}\n:::\n", ""), library=library).output
    assert "# Works Cited\n" in appended  # at the end it still has its heading


# ---------------------------------------------------------------------------
# pandoc's smart typography
# ---------------------------------------------------------------------------


def test_html_and_text_use_smart_typography(library: Library) -> None:
    text = 'Years 1990--1995 --- "quoted" it\'s... `a--b` (c) [@doe2000].\n'
    page = render_document(text, library=library, to="html").output
    assert "1990\u20131995 \u2014 \u201cquoted\u201d it\u2019s\u2026 <code>a--b</code> (c)" in page
    plain = render_document(text, library=library, to="text").output
    assert "1990\u20131995 \u2014 \u201cquoted\u201d it\u2019s\u2026 a--b (c)" in plain
    markdown = render_document(text, library=library).output
    assert 'Years 1990--1995 --- "quoted" it\'s...' in markdown  # the author's text as written


def test_smart_typography_agrees_with_pandoc(tmp_path: Path, library: Library) -> None:
    body = 'Years 1990--1995 --- "quoted" it\'s... `a--b` [@doe2000].\n'
    theirs = pandoc_text(tmp_path, references(tmp_path) + "\n" + body, "-t", "plain")
    ours = render_document(body, library=library, to="text").output
    assert ours.split("\n")[0] == theirs.split("\n")[0]


# ---------------------------------------------------------------------------
# @a [p. 3; @b]
# ---------------------------------------------------------------------------


def test_author_in_text_names_only_the_first_cite(library: Library) -> None:
    text = "@doe2000 [p. 3; @roe2010] says.\n"
    out = render_document(text, library=library, to="text").output
    assert out.startswith("Doe (2000, 3; Roe 2010) says.")


# ---------------------------------------------------------------------------
# Locator labels a style defines in its own <locale>
# ---------------------------------------------------------------------------


def test_a_document_reads_the_style_s_own_locator_labels(library: Library) -> None:
    """IEEE's short chapter term is "ch.": pandoc reads it as a label; it was suffix text."""
    body = "See [@doe2000, ch. 4].\n"
    assert render_document(body, library=library, style="ieee", to="text").output.startswith(
        "See [1, Ch. 4]."
    )


def test_the_style_s_own_locator_labels_agree_with_pandoc(tmp_path: Path, library: Library) -> None:
    body = "See [@doe2000, ch. 4] and @roe2010 [ch. 2].\n"
    text = references(tmp_path, "ieee") + "\n" + body
    theirs = pandoc_text(tmp_path, text, "-t", "plain").split("\n")[0]
    ours = render_document(body, library=library, style="ieee", to="text").output.split("\n")[0]
    assert ours == theirs

"""Markdown documents with pandoc citations: citekit.documents.rendering.render_document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.documents.frontmatter import FrontMatterError
from citekit.documents.rendering import render_document, render_document_file
from citekit.documents.scan import DocumentSyntaxError, scan
from citekit.errors import CitekitError, UnknownKeyError, UsageError
from citekit.formats import read_string
from citekit.model.records import Library

ITEMS = [
    {
        "id": "doe2000",
        "type": "book",
        "title": "First Book",
        "author": [{"family": "Doe", "given": "John"}],
        "publisher": "Cambridge University Press",
        "issued": {"date-parts": [[2000]]},
    },
    {
        "id": "smith2004",
        "type": "article-journal",
        "title": "An Article on Things",
        "author": [{"family": "Smith", "given": "Jane"}, {"family": "Brown", "given": "Bob"}],
        "container-title": "Journal of Stuff",
        "volume": "12",
        "issue": "3",
        "page": "45-67",
        "issued": {"date-parts": [[2004]]},
    },
    {
        "id": "lee2010a",
        "type": "book",
        "title": "Rivers and Roads",
        "author": [{"family": "Lee", "given": "Ann"}],
        "issued": {"date-parts": [[2010]]},
    },
    {
        "id": "lee2010b",
        "type": "book",
        "title": "Salt and Stone",
        "author": [{"family": "Lee", "given": "Ann"}],
        "issued": {"date-parts": [[2010]]},
    },
]


@pytest.fixture
def library() -> Library:
    return Library.from_json(ITEMS)


def body(markdown: str) -> str:
    """The rendered text before the bibliography heading."""
    return markdown.split("\n# ")[0]


# ---------------------------------------------------------------------------
# Author-date and numeric styles
# ---------------------------------------------------------------------------


def test_bracketed_citations_render_inline(library: Library) -> None:
    text = "One [@doe2000, p. 33]. Two [see @doe2000, pp. 33-35; also @smith2004, chap. 1].\n"
    result = render_document(text, library=library, style="chicago-author-date")
    out = body(result.output)
    assert "One (Doe 2000, 33)." in out
    assert "(see Doe 2000, 33–35; also Smith and Brown 2004, chap. 1)" in out
    assert result.citations[0].text == "(Doe 2000, 33)"


def test_suppressed_author_and_author_in_text(library: Library) -> None:
    text = "Also [-@doe2000]. @doe2000 says so, and @smith2004 [p. 4] agrees.\n"
    out = body(render_document(text, library=library, style="chicago-author-date").output)
    assert "Also (2000)." in out
    assert "Doe (2000) says so" in out
    assert "Smith and Brown (2004, 4) agrees" in out


def test_disambiguation_runs_across_the_document(library: Library) -> None:
    text = "First [@lee2010a]. Later @lee2010b.\n"
    out = body(render_document(text, library=library, style="chicago-author-date").output)
    assert "(Lee 2010a)" in out and "Lee (2010b)" in out


def test_numeric_style_numbers_in_order_of_first_citation(library: Library) -> None:
    text = "A [@smith2004]. B [@doe2000]. C [@smith2004, p. 50].\n"
    result = render_document(text, library=library, style="ieee", to="text")
    assert [c.text for c in result.citations] == ["[1]", "[2]", "[1, p. 50]"]
    assert [e.id for e in result.bibliography] == ["smith2004", "doe2000"]
    assert "[1] J. Smith and B. Brown" in result.output


def test_numeric_in_text_citation_is_the_number_as_in_pandoc(library: Library) -> None:
    result = render_document("@doe2000 [p. 4] says.\n", library=library, style="ieee")
    assert result.output.startswith("\\[1, p. 4\\] says.")


def test_bibliography_is_appended_under_a_heading(library: Library) -> None:
    result = render_document("See [@doe2000].\n", library=library, style="apa")
    heading, _, entries = result.output.partition("# References\n\n")
    assert "See (Doe, 2000)." in heading
    assert entries.startswith(
        "::: {#refs .references .csl-bib-body .hanging-indent}\nDoe, J. (2000). *First Book*"
    )
    assert "smith2004" not in entries and "Smith" not in entries  # only cited entries


def test_locale_term_names_the_heading(library: Library) -> None:
    result = render_document("See [@doe2000].\n", library=library, style="apa", locale="de-DE")
    assert "# Referenzen\n" in result.output


def test_refs_block_places_the_bibliography(library: Library) -> None:
    text = "Text [@doe2000].\n\n# Works cited\n\n::: {#refs}\n:::\n\n# Appendix\n\nEnd.\n"
    out = render_document(text, library=library, style="apa").output
    refs = out.index("::: {#refs .references")
    assert out.index("# Works cited") < refs < out.index("Doe, J. (2000)") < out.index("# Appendix")
    assert "# References" not in out


def test_text_that_is_not_a_citation_stays(library: Library) -> None:
    text = (
        "Mail jane@example.com or \\@doe2000. Code `[@doe2000]` too.\n\n"
        "```\n[@smith2004] @doe2000\n```\n\n    @smith2004 indented code\n\n"
        "A [link](http://x.org/@doe2000).\n"
    )
    result = render_document(text, library=library, style="apa")
    assert result.citations == []
    assert "jane@example.com" in result.output and "\\@doe2000" in result.output
    assert "`[@doe2000]`" in result.output and "[@smith2004] @doe2000\n```" in result.output
    assert "    @smith2004 indented code" in result.output


# ---------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------


def test_front_matter_bibliography_is_relative_to_the_document(tmp_path: Path) -> None:
    folder = tmp_path / "paper"
    folder.mkdir()
    (folder / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    doc = folder / "paper.md"
    doc.write_text(
        "---\nbibliography: refs.json\ncsl: ieee\nnocite: '@lee2010b'\n---\nCite [@doe2000].\n",
        encoding="utf-8",
    )
    result = render_document_file(doc)
    assert result.style is not None and result.style.id == "ieee"
    assert result.citations[0].text == "[1]"
    assert [e.id for e in result.bibliography] == ["doe2000", "lee2010b"]


def test_cli_options_override_front_matter(library: Library) -> None:
    text = "---\ncsl: ieee\nlang: de-DE\n---\nCite [@doe2000].\n"
    result = render_document(text, library=library, style="apa", locale="en-US")
    assert result.style is not None and result.style.id == "apa"
    assert result.locale == "en-US"
    assert "(Doe, 2000)" in result.output


def test_inline_references_and_braced_keys() -> None:
    text = (
        '---\nreferences:\n- id: "odd key: 1"\n  type: book\n  title: Strange\n'
        "  author:\n  - family: Weird\n    given: Wendy\n  issued: '2005'\n---\n"
        "See [@{odd key: 1}, p. 9] and @{odd key: 1}.\n"
    )
    result = render_document(text, style="chicago-author-date")
    assert "See (Weird 2005, 9) and Weird (2005)." in result.output
    assert result.unknown == []


def test_nocite_star_lists_the_whole_library(library: Library) -> None:
    text = "---\nnocite: |\n  @*\n---\nNo citations here.\n"
    result = render_document(text, library=library, style="apa")
    assert sorted(e.id for e in result.bibliography) == sorted(i["id"] for i in ITEMS)


def test_link_citations(library: Library) -> None:
    text = "---\nlink-citations: true\n---\nSee [@doe2000].\n"
    out = render_document(text, library=library, style="apa").output
    assert "See [(Doe, 2000)](#ref-doe2000)." in out
    assert "[]{#ref-doe2000}Doe, J. (2000)" in out


def test_malformed_front_matter_names_line_and_column(library: Library) -> None:
    text = "---\ntitle: x\nbibliography: [a.bib\n---\nText.\n"
    with pytest.raises(FrontMatterError) as caught:
        render_document(text, library=library)
    assert caught.value.line >= 3
    assert "malformed YAML" in str(caught.value)


def test_unclosed_front_matter(library: Library) -> None:
    with pytest.raises(FrontMatterError, match="never closed"):
        render_document("---\ntitle: x\n\nText [@doe2000].\n", library=library)


# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------


def test_unknown_keys_are_marked_and_located(library: Library) -> None:
    text = "Intro.\n\nSee [@doe2000] and [@doe200].\n"
    result = render_document(text, library=library, style="apa")
    assert "???doe200" in result.output
    [unknown] = result.unknown
    assert (unknown.key, unknown.line, unknown.column) == ("doe200", 3, 20)
    assert unknown.suggestions[0] == "doe2000"
    assert any("line 3, column 20" in w for w in result.warnings)


def test_strict_makes_unknown_keys_errors(library: Library) -> None:
    with pytest.raises(UnknownKeyError, match="line 1, column 5"):
        render_document("See [@nobody].\n", library=library, strict=True)


def test_unterminated_bracket_is_an_error_with_position(library: Library) -> None:
    text = "Fine [@doe2000].\n\nBroken [see @doe2000, p. 3\n\nNext.\n"
    with pytest.raises(DocumentSyntaxError) as caught:
        render_document(text, library=library)
    assert (caught.value.line, caught.value.column) == (3, 8)


def test_unknown_output_format_is_a_usage_error(library: Library) -> None:
    with pytest.raises(UsageError):
        render_document("x", library=library, to="docx")


# ---------------------------------------------------------------------------
# Note styles
# ---------------------------------------------------------------------------


def test_note_style_turns_citations_into_numbered_footnotes(library: Library) -> None:
    text = (
        "First claim [@doe2000, p. 3]. A note of mine.[^mine] Again [@doe2000, p. 3].\n\n"
        "[^mine]: Compare [@smith2004].\n"
    )
    result = render_document(text, library=library, style="oscola")
    out = result.output
    assert "First claim.[^c1] A note of mine.[^mine] Again.[^c3]" in out
    assert "[^c1]: John Doe, *First Book* (Cambridge University Press 2000) 3." in out
    # the author's own note is number 2 and keeps its citation, in parentheses
    assert "[^mine]: Compare (Jane Smith and Bob Brown" in out
    assert "[^c3]: Doe (n 1) 3." in out  # a subsequent cite points back at note 1
    numbers = [c.found.cluster.note_number for c in result.citations]
    assert numbers == [1, 2, 3]


def test_note_style_ibid_follows_reading_order(library: Library) -> None:
    text = "One [@doe2000, p. 3]. Two [@doe2000, p. 3]. Three [@doe2000, p. 4].\n"
    result = render_document(text, library=library, style="oscola")
    assert [c.text for c in result.citations][1:] == ["Ibid.", "Ibid 4."]


def test_note_style_in_text_citation_keeps_the_author_in_the_text(library: Library) -> None:
    text = "As @doe2000 [p. 5] shows.\n"
    out = render_document(text, library=library, style="chicago-note-bibliography").output
    assert "As Doe[^c1] shows." in out
    assert "[^c1]: *First Book*, 5." in out


def test_inline_notes_become_footnotes_with_their_citations(library: Library) -> None:
    text = "Text.^[See @doe2000, p. 8.] More [@smith2004].\n"
    result = render_document(text, library=library, style="chicago-note-bibliography")
    out = result.output
    assert "Text.[^n1] More.[^c2]" in out
    assert "[^n1]: See Doe, *First Book*, p. 8." in out
    assert [c.found.cluster.note_number for c in result.citations] == [1, 2]


def test_author_date_citation_in_a_footnote_stays_inline(library: Library) -> None:
    text = "Body.[^1]\n\n[^1]: As in [@doe2000].\n"
    out = render_document(text, library=library, style="chicago-author-date").output
    assert "[^1]: As in (Doe 2000)." in out


# ---------------------------------------------------------------------------
# Output formats
# ---------------------------------------------------------------------------


def test_html_output_is_a_whole_page(library: Library) -> None:
    text = (
        "---\ntitle: My *paper*\n---\n# Intro\n\nSee [@doe2000] and *this* "
        "[site](http://example.org).[^1]\n\n[^1]: A note.\n"
    )
    out = render_document(text, library=library, style="apa", to="html").output
    assert out.startswith("<!DOCTYPE html>")
    assert "<h1>Intro</h1>" in out
    assert '<a href="#ref-doe2000">(Doe, 2000)</a>' in out
    assert '<em>this</em> <a href="http://example.org">site</a>' in out
    assert '<li id="fn1">' in out and 'id="ref-doe2000"' in out
    assert "<em>First Book</em>" in out


def test_text_output_has_no_markup(library: Library) -> None:
    text = "# Intro\n\nSee [@doe2000], **really**.\n"
    out = render_document(text, library=library, style="apa", to="text").output
    assert out.startswith("Intro\n\nSee (Doe, 2000), really.\n")
    assert "Doe, J. (2000). First Book." in out
    assert "*" not in out


def test_html_document_escapes_the_title_and_data(library: Library) -> None:
    hostile = Library.from_json(
        [
            {
                "id": "x",
                "type": "book",
                "title": "T <script>alert(1)</script>",
                "author": [{"family": "Doe\ud800", "given": "Ann"}],
                "URL": "javascript:alert(1)",
                "issued": {"date-parts": [[2000]]},
            }
        ]
    )
    text = "---\ntitle: \"A 'doc' <img src=x onerror=alert(1)>\"\n---\n\nSee [@x].\n"
    page = render_document(text, library=hostile, to="html").output
    assert "<title>A &#x27;doc&#x27; &lt;img src=x onerror=alert(1)&gt;</title>" in page
    assert '<h1 class="title">A &#x27;doc&#x27; &lt;img src=x onerror=alert(1)&gt;</h1>' in page
    assert "<script>" not in page and "\ud800" not in page and "Doe\ufffd" in page
    assert 'href="javascript:' not in page
    plain = render_document(text, library=hostile, to="text").output
    assert "T alert(1)" in plain and "<script>" not in plain


# ---------------------------------------------------------------------------
# A note's capital: only the note's first word, as in pandoc and citeproc-js
# ---------------------------------------------------------------------------


def test_only_the_first_prefix_of_a_note_is_capitalised(library: Library) -> None:
    # Chicago (and pandoc, citeproc-js) capitalise where the note starts;
    # a later "see" after the semicolon stays lower case.
    text = "Text [see @doe2000; see @smith2004, 4]. More [see also @doe2000].\n"
    result = render_document(text, library=library, style="chicago-notes-bibliography")
    first, second = (c.markdown for c in result.citations)
    assert first.startswith("See John Doe, *First Book*")
    assert "; see Jane Smith and Bob Brown, “An Article on Things,”" in first
    assert second == "See also Doe, *First Book*."


def test_a_cite_inside_a_note_keeps_its_lower_case(library: Library) -> None:
    text = "Text.^[A note citing [see @doe2000] in passing.]\n"
    out = render_document(text, library=library, style="chicago-notes-bibliography").output
    assert "A note citing (see John Doe, *First Book*" in out


# ---------------------------------------------------------------------------
# biblatex sets in a document
# ---------------------------------------------------------------------------

SET_ITEMS = [
    {
        "id": "pair",
        "type": "document",
        "custom": {"biblatex": {"@type": "set", "entryset": "doe2000,smith2004"}},
    },
]


def test_a_set_is_cited_and_listed_as_its_members(library: Library) -> None:
    library.add(Library.from_json(SET_ITEMS)["pair"])
    result = render_document("As shown [@pair].\n", library=library, style="chicago-author-date")
    assert body(result.output) == "As shown (Doe 2000; Smith and Brown 2004).\n"
    assert [e.id for e in result.bibliography] == ["doe2000", "smith2004"]


def test_an_author_in_text_set_is_an_ordinary_cite(library: Library) -> None:
    # a set has no one author: "Doe (2000, 2004)" would name only the first
    library.add(Library.from_json(SET_ITEMS)["pair"])
    result = render_document("@pair shows it.\n", library=library, style="chicago-author-date")
    assert body(result.output) == "(Doe 2000; Smith and Brown 2004) shows it.\n"


# ---------------------------------------------------------------------------
# pandoc's habits (issue 15)
# ---------------------------------------------------------------------------


def test_the_default_style_is_pandocs(library: Library) -> None:
    """No style given and none in the front matter: chicago-author-date, as pandoc."""
    result = render_document("See [@doe2000, p. 3].\n", library=library)
    assert result.style is not None and result.style.id.endswith("chicago-author-date")
    assert result.output.startswith("See (Doe 2000, 3).")


def test_a_trailing_references_heading_is_not_repeated(library: Library) -> None:
    text = "See [@doe2000].\n\n# References\n"
    out = render_document(text, library=library, style="apa").output
    assert out.count("# References") == 1
    assert out.index("# References") < out.index("::: {#refs")
    # a document's own notes after the heading do not hide it
    noted = render_document(
        "See [@doe2000].[^1]\n\n## Bibliography\n\n[^1]: A note.\n", library=library, style="apa"
    ).output
    assert "# References" not in noted and noted.count("## Bibliography") == 1


def test_a_heading_that_does_not_end_the_document_gets_one_added(library: Library) -> None:
    out = render_document("# References\n\nSee [@doe2000].\n", library=library, style="apa").output
    assert out.count("# References") == 2


def test_reference_section_title_naming_another_heading_is_added(library: Library) -> None:
    text = "---\nreference-section-title: Works Cited\n---\nSee [@doe2000].\n\n# Sources\n"
    out = render_document(text, library=library, style="apa").output
    assert "# Sources" in out and "# Works Cited" in out
    same = "---\nreference-section-title: Sources\n---\nSee [@doe2000].\n\n# Sources\n"
    assert render_document(same, library=library, style="apa").output.count("# Sources") == 1


def test_punctuation_moves_into_quotes_before_a_note_in_en_us(library: Library) -> None:
    """``"…an end" [@c].`` -> ``"…an end."[^c1]``, as pandoc's citeproc writes it."""
    text = 'It was "an end" [@doe2000]. Then "a start" [@smith2004], she said.\n'
    us = render_document(text, library=library, style="chicago-note-bibliography").output
    assert us.startswith('It was "an end."[^c1] Then "a start,"[^c2] she said.')
    curly = render_document(
        "It was “an end” [@doe2000].\n", library=library, style="chicago-note-bibliography"
    ).output
    assert curly.startswith("It was “an end.”[^c1]")
    gb = render_document(
        text, library=library, style="chicago-note-bibliography", locale="en-GB"
    ).output
    assert gb.startswith('It was "an end".[^c1] Then "a start",[^c2] she said.')
    # other marks stay outside; author-date styles have no note to move before
    assert render_document(
        'Is it "an end" [@doe2000]?\n', library=library, style="chicago-note-bibliography"
    ).output.startswith('Is it "an end"?[^c1]')


def test_html_uses_the_commonmark_reader(library: Library) -> None:
    text = "Title\n=====\n\n![fig](f.png) &copy; [@doe2000]\n\n<b onclick=x>raw</b>\n"
    page = render_document(text, library=library, style="apa", to="html").output
    assert "<h1>Title</h1>" in page and '<img src="f.png" alt="fig" />' in page
    assert "© " in page and "<b>raw</b>" in page and "onclick" not in page


def test_code_in_block_quotes_is_left_as_pandoc_leaves_it(tmp_path: Path, real_pandoc: str) -> None:
    """Indented and fenced code inside ``>`` holds no citation; a lazy line does."""
    import subprocess

    (tmp_path / "refs.json").write_text(json.dumps(ITEMS[:1]), encoding="utf-8")
    (tmp_path / "paper.md").write_text(
        "---\nbibliography: refs.json\n---\n"
        ">       [@doe2000] code\n\n> quote\n>\n>     [@doe2000] code\n\n"
        "> para\n      [@doe2000] lazy\n\n> ```\n> [@doe2000] fenced\n> ```\n\n"
        "After [@doe2000].\n",
        encoding="utf-8",
    )
    pandoc = subprocess.run(
        [real_pandoc, "paper.md", "--citeproc", "-t", "plain", "--wrap=none"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    ours = render_document_file(tmp_path / "paper.md", to="text").output
    assert ours.count("[@doe2000]") == pandoc.count("[@doe2000]") == 3
    assert ours.count("(Doe 2000)") == pandoc.count("(Doe 2000)") == 2


# ---------------------------------------------------------------------------
# Robustness: Arbitrary Markdown through docscan and render_document: only citekit errors.
# ---------------------------------------------------------------------------

LIBRARY = read_string(
    '[{"id": "doe99", "type": "book", "title": "T", "author": [{"family": "Doe"}],'
    ' "issued": {"date-parts": [[1999]]}},'
    ' {"id": "smith04", "type": "article-journal", "title": "S"}]',
    "csljson",
).library

BODY = [
    "[",
    "]",
    "@",
    "@doe99",
    "@smith04",
    "-@doe99",
    "@{odd key}",
    "@{",
    ";",
    ",",
    " ",
    "\n",
    "\t",
    "\r\n",
    "\x00",
    "p. 3",
    "{iv}",
    "see ",
    "^[",
    "[^1]",
    "[^1]: ",
    "`",
    "```\n",
    "~~~\n",
    "<!--",
    "-->",
    "\\@",
    "::: {#refs}\n",
    ":::\n",
    "# H\n",
    "* ",
    "1. ",
    "    ",
    "@missing",
    "}",
    "{",
    "a",
    "mail@example.org",
    "[link](http://x)",
    "\n\n",
]
FRONT = [
    "title: x\n",
    "csl: [1]\n",
    "csl: chicago-note-bibliography\n",
    "lang: de\n",
    "lang: {a: 1}\n",
    "nocite: '@*'\n",
    'nocite: ["@doe99", 3]\n',
    "bibliography: 3\n",
    "references:\n- id: q\n  type: book\n",
    "references: 3\n",
    "link-citations: yes\n",
    "&a [*a]\n",
    "- a list\n",
    ": : :\n",
    "\t\n",
    "'unclosed\n",
    "!!python/object:x {}\n",
    "reference-section-title: [x]\n",
    "lang: xx-YY\n",
    "\x00\n",
]
odd_body = st.lists(st.sampled_from(BODY), max_size=30).map("".join)
front = st.lists(st.sampled_from(FRONT), max_size=4).map("".join)
document = st.one_of(
    odd_body,
    st.text(max_size=120),
    st.tuples(front, st.sampled_from(["---\n", "...\n", "", "---\r\n"]), odd_body).map(
        lambda p: f"---\n{p[0]}{p[1]}{p[2]}"
    ),
)


def _check_located(exc: CitekitError, text: str) -> None:
    if isinstance(exc, (DocumentSyntaxError, FrontMatterError)):
        assert 1 <= exc.line <= text.count("\n") + 2, (exc, exc.line)
        assert exc.column >= 1
        assert f"line {exc.line}" in str(exc)


@settings(max_examples=150, deadline=None)
@given(document)
def test_scan_raises_only_located_citekit_errors(text: str) -> None:
    try:
        found = scan(text)
    except CitekitError as exc:
        _check_located(exc, text)
        return
    for citation in found.citations:
        assert citation.line >= 1 and citation.column >= 1


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document, st.sampled_from(["markdown", "html", "text"]))
def test_render_document_raises_only_citekit_errors(text: str, to: str) -> None:
    try:
        result = render_document(text, library=LIBRARY, bibliography=[], filename="doc.md", to=to)
    except CitekitError as exc:
        _check_located(exc, text)
        return
    assert isinstance(result.output, str)
    for unknown in result.unknown:
        assert unknown.line >= 1 and unknown.column >= 1
        assert unknown.key not in LIBRARY


def test_crlf_tabs_and_nul_bytes_render() -> None:
    text = "---\r\ntitle: T\r\n---\r\nSee\t[@doe99, p. 3]\x00 and @smith04.\r\n"
    result = render_document(text, library=LIBRARY, bibliography=[], filename="doc.md")
    assert "Doe" in result.output and "@doe99" not in result.output
    assert "\r" not in result.output


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\n- just\n- a list\n---\nBody\n", 2),
        ("---\ntitle: 'unclosed\n---\n", 3),  # where YAML finds the stream ended
        ("---\ntitle: x\nBody without a closing line\n", 1),
        ("---\ncsl: [a, b]\n---\n", 2),
    ],
)
def test_bad_front_matter_is_a_located_front_matter_error(text: str, line: int) -> None:
    with pytest.raises(FrontMatterError) as caught:
        render_document(text, library=LIBRARY, bibliography=[], filename="doc.md")
    assert caught.value.line == line


def test_crlf_front_matter_is_read_when_called_directly() -> None:
    """Regression: frontmatter's closing '---' did not match before '\\r\\n'."""
    from citekit.documents.frontmatter import read_front_matter

    meta = read_front_matter("---\r\nlang: de-DE\r\n---\r\nBody\r\n", filename="doc.md")
    assert meta.lang == "de-DE"
    assert meta.body_line == 4

"""Whole bibliographies: layout reaches HTML (CSS) and LaTeX (a list environment)."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from citekit.formats import read
from citekit.model.quotations import Quotation, quotations
from citekit.model.records import Library
from citekit.render import render
from citekit.render.api import BibEntry, Result
from citekit.render.csl.locale import build_locale
from citekit.render.output import (
    format_bibliography,
    format_citations,
    html_body_style,
    html_document,
    latex_bibliography,
    link_target,
)
from citekit.render.richtext import Span, Text
from citekit.render.types import BibliographyLayout, CiteItem, Cluster
from citekit.styles.catalog import (
    Style,
    available_locales,
    find_style,
    load_locale_xml,
    locale_loader,
)

ROOT = Path(__file__).resolve().parents[2]


def numbered_result(layout: BibliographyLayout) -> Result:
    """Two entries whose first part sits in the left margin, as numeric styles give them."""
    entries = []
    for number, (key, title) in enumerate((("a", "First & one"), ("b", "Second")), start=1):
        tree = Span(
            (
                Span((Text(f"[{number}]"),), display="left-margin"),
                Span((Text("J. Doe, "), Span((Text(title),), italic=True)), display="right-inline"),
            )
        )
        entries.append(BibEntry(key, tree, ""))
    return Result(bibliography=entries, layout=layout, output="latex")


def test_html_hanging_indent_and_spacing_are_css_on_the_wrapper() -> None:
    layout = BibliographyLayout(hanging_indent=True, line_spacing=2, entry_spacing=0)
    style = html_body_style(layout)
    assert "padding-left: 2em" in style and "text-indent: -2em" in style
    assert "line-height: 2" in style


def test_html_bibliography_from_a_real_style() -> None:
    library = Library.from_json(
        [
            {
                "id": "a",
                "type": "book",
                "title": "A book",
                "author": [{"family": "Doe"}],
                "issued": {"date-parts": [[2000]]},
            },
        ]
    )
    result = render(library, "apa", output="html", engine="citeproc-py")
    html = format_bibliography(result)
    assert html.startswith('<div class="csl-bib-body" style="')
    assert "text-indent: -2em" in html.splitlines()[0]
    assert '<div class="csl-entry" id="ref-a"' in html
    assert html.rstrip().endswith("</div>")
    document = format_bibliography(result, standalone=True)
    assert document.startswith("<!DOCTYPE html>") and '<html lang="en">' in document


def test_html_second_field_align_floats_the_label() -> None:
    result = numbered_result(BibliographyLayout(second_field_align="flush"))
    html = format_bibliography(result, "html")
    assert '<div class="csl-left-margin" style="float: left;' in html
    assert "First &#38; one" in html


def test_latex_hanging_indent_list() -> None:
    result = Result(
        bibliography=[BibEntry("a", Text("Doe, J. 2000. A_book."), "")],
        layout=BibliographyLayout(hanging_indent=True),
        output="latex",
    )
    latex = latex_bibliography(result)
    assert latex.startswith("\\begin{list}{}{")
    assert "\\setlength{\\leftmargin}{2em}" in latex
    assert "\\setlength{\\itemindent}{-2em}" in latex
    assert "\\item Doe, J. 2000. A\\_book." in latex
    assert latex.endswith("\\end{list}")


def test_latex_second_field_align_puts_the_number_in_the_item_label() -> None:
    result = numbered_result(BibliographyLayout(second_field_align="flush", line_spacing=2))
    latex = latex_bibliography(result)
    assert "\\item[{[1]}] J. Doe, \\emph{First \\& one}" in latex
    assert "\\makelabel" in latex
    assert latex.startswith("{\\linespread{2}\\selectfont")


def test_latex_standalone_document() -> None:
    result = numbered_result(BibliographyLayout())
    document = format_bibliography(result, "latex", standalone=True)
    assert document.startswith("\\documentclass{article}")
    assert "\\begin{document}" in document and document.rstrip().endswith("\\end{document}")


def test_text_and_markdown_separate_entries_with_blank_lines() -> None:
    result = numbered_result(BibliographyLayout(second_field_align="flush"))
    text = format_bibliography(result, "text")
    assert text == "[1] J. Doe, First & one\n\n[2] J. Doe, Second\n"
    markdown = format_bibliography(result, "markdown")
    assert "*First & one*" in markdown


def test_format_citations_one_per_line() -> None:
    library = Library.from_json(
        [
            {
                "id": "a",
                "type": "book",
                "title": "A",
                "author": [{"family": "Doe"}],
                "issued": {"date-parts": [[2000]]},
            },
        ]
    )
    result = render(
        library,
        "apa",
        citations=[Cluster((CiteItem("a"),))] * 2,
        output="markdown",
        engine="citeproc-py",
    )
    assert format_citations(result) == "(Doe, 2000)\n(Doe, 2000)\n"
    assert format_citations(result, "latex") == "(Doe, 2000)\n(Doe, 2000)\n"


def test_html_bibliography_escapes_ids_and_unsafe_links() -> None:
    library = Library.from_json(
        [
            {
                "id": 'k"><script>alert(1)</script>',
                "type": "book",
                "title": "<script>alert(2)</script>",
                "issued": {"date-parts": [[2000]]},
            },
            {
                "id": "w",
                "type": "webpage",
                "title": "W",
                "URL": "https://e.org/?a='b'&c",
                "issued": {"date-parts": [[2001]]},
            },
        ]
    )
    result = render(library, "apa", output="html", link=True)
    page = format_bibliography(result, standalone=True)
    assert "<script>" not in page
    assert 'id="ref-k&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert '<a href="https://e.org/?a=&#39;b&#39;&#38;c">' in page
    assert html_document("x", title="<b>'t'</b>", lang='en" onload="x').startswith(
        '<!DOCTYPE html>\n<html lang="en&quot; onload=&quot;x">'
    )


def _locale_file_says_punctuation_in_quote(tag: str) -> bool:
    """The locale file's own ``<style-options punctuation-in-quote>``, read as XML."""
    xml = load_locale_xml(tag)
    assert xml is not None
    options = ElementTree.fromstring(xml).find("{http://purl.org/net/xbiblio/csl}style-options")
    return options is not None and options.get("punctuation-in-quote") == "true"


def test_punctuation_in_quote_is_the_locale_files() -> None:
    tags = available_locales()
    answers = {tag: Result(locale=tag).punctuation_in_quote for tag in tags}
    assert answers == {tag: _locale_file_says_punctuation_in_quote(tag) for tag in tags}
    assert any(answers.values()) and not all(answers.values())  # both kinds are tried


def test_punctuation_in_quote_follows_the_locale_a_render_used() -> None:
    for locale in (None, "de", "en", "en-GB"):
        result = render(Library(), "apa", locale=locale, bibliography=False)
        expected = _locale_file_says_punctuation_in_quote(result.locale)
        assert result.punctuation_in_quote is expected


# ---------------------------------------------------------------------------
# punctuation-in-quote: the style's own locale blocks, then the locale files
# ---------------------------------------------------------------------------

_CSL = "http://purl.org/net/xbiblio/csl"
_STYLE = """<style xmlns="{ns}" class="note" version="1.0">
  <info><title>Blocks</title><id>http://example.org/blocks</id>
  <updated>2024-01-01T00:00:00+00:00</updated></info>
  {blocks}
  <citation><layout><text variable="title"/></layout></citation>
</style>"""


def _block(lang: str | None, value: bool | None) -> str:
    """A ``cs:locale`` block for ``lang`` (None: unlabelled) that sets the option or not."""
    attribute = f' xml:lang="{lang}"' if lang else ""
    if value is None:  # a block that sets something else, leaving the option to others
        return f'<locale{attribute}><terms><term name="and">und</term></terms></locale>'
    option = "true" if value else "false"
    return f'<locale{attribute}><style-options punctuation-in-quote="{option}"/></locale>'


def _engine_says(style_xml: bytes, tag: str) -> bool:
    """What the CSL engine's own locale merge makes of the option (CSL's fallback order)."""
    root = etree.fromstring(style_xml)
    blocks = root.findall(f"{{{_CSL}}}locale")
    return build_locale(tag, blocks, locale_loader, []).punctuation_in_quote


BLOCK_LANGS = st.sampled_from([None, "en", "en-US", "en-GB", "de", "de-AT", "fr-FR"])
TAGS = st.sampled_from(["en-US", "en-GB", "en", "de-DE", "de-AT", "fr-FR", "pt-BR", "xx-YY"])


@settings(max_examples=60, deadline=None)
@given(
    blocks=st.lists(st.tuples(BLOCK_LANGS, st.sampled_from([True, False, None])), max_size=3),
    tag=TAGS,
)
def test_punctuation_in_quote_reads_the_styles_locale_blocks_as_the_engine_does(
    blocks: list[tuple[str | None, bool | None]], tag: str
) -> None:
    """A style may set the option in its ``cs:locale`` blocks (for the tag, its
    language, or any); the answer is what the CSL engine merges for the same style."""
    xml = _STYLE.format(ns=_CSL, blocks="".join(_block(*b) for b in blocks)).encode()
    result = Result(style=Style.from_xml(xml), locale=tag)
    assert result.punctuation_in_quote is _engine_says(xml, tag)


def test_a_style_override_wins_over_the_locale_file() -> None:
    for value in (True, False):
        xml = _STYLE.format(ns=_CSL, blocks=_block(None, value)).encode()
        answers = {
            tag: Result(style=Style.from_xml(xml), locale=tag).punctuation_in_quote
            for tag in ("en-US", "en-GB", "de-DE")
        }
        assert set(answers.values()) == {value}
    assert {_locale_file_says_punctuation_in_quote(t) for t in ("en-US", "en-GB")} == {True, False}


def test_real_styles_agree_with_the_engine() -> None:
    for name in ("chicago-notes-bibliography", "apa", "ieee"):
        style = find_style(name)
        for tag in ("en-US", "en-GB", "de-DE"):
            result = Result(style=style, locale=tag)
            assert result.punctuation_in_quote is _engine_says(style.xml, tag)


# ---------------------------------------------------------------------------
# link_target: where a citation links
# ---------------------------------------------------------------------------


def _chain(*pairs: tuple[str, str | None]) -> Library:
    """Records ``key`` quoted in ``target`` (None: an ordinary record)."""
    items = []
    for key, target in pairs:
        item: dict[str, object] = {"id": key, "type": "speech", "title": key.upper()}
        if target is not None:
            item["custom"] = {"quotation": "words", "quoted-in": target}
        items.append(item)
    return Library.from_json(items)


def test_a_listed_key_links_to_its_own_entry() -> None:
    library = read(ROOT / "references.bib").library
    for quote in quotations(library):
        assert link_target(quote.key, {quote.key}, library) == quote.key
        assert quote.quoted_in is not None
        assert link_target(quote.key, {quote.quoted_in, quote.key}, library) == quote.key


def test_a_quotation_not_listed_links_to_the_work_quoting_it() -> None:
    library = read(ROOT / "references.bib").library
    found = quotations(library)
    assert found
    for quote in found:
        assert link_target(quote.key, {quote.quoted_in or ""}, library) == quote.quoted_in
        assert link_target(quote.key, set(), library) is None


def test_a_chain_of_quotations_is_followed_to_the_first_listed_work() -> None:
    library = _chain(("a", "b"), ("b", "c"), ("c", None))
    middle = Quotation.from_record(library["a"]).quoted_in
    last = Quotation.from_record(library["b"]).quoted_in
    assert middle is not None and last is not None
    assert link_target("a", {last}, library) == last
    assert link_target("a", {middle, last}, library) == middle
    assert link_target("c", {middle}, library) is None  # an ordinary record links only to itself
    assert link_target("unknown", {middle}, library) is None


def test_a_chain_that_comes_back_on_itself_links_nowhere() -> None:
    library = _chain(("a", "b"), ("b", "a"))
    assert link_target("a", set(), library) is None
    assert link_target("a", {"b"}, library) == "b"

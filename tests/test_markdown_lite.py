"""The small Markdown reader behind ``citekit render --to html|text``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.markdown_lite import MAX_NESTING, parse, parse_inlines, to_html, to_text


def test_inline_markup_to_html() -> None:
    html = to_html("Some *em*, **strong**, `co*de*`, [a link](http://x.org \"t\"), "
                   "[Small]{.smallcaps}, H~2~O, x^2^ and \\*stars\\*.\n")
    assert html == (
        "<p>Some <em>em</em>, <strong>strong</strong>, <code>co*de*</code>, "
        '<a href="http://x.org">a link</a>, <span class="smallcaps" '
        'style="font-variant: small-caps;">Small</span>, H<sub>2</sub>O, '
        "x<sup>2</sup> and *stars*.</p>\n")


def test_underscores_inside_words_are_not_emphasis() -> None:
    nodes = parse_inlines("snake_case_name and _real_")
    assert [n.kind for n in nodes] == ["text", "em"]
    assert nodes[0].text == "snake_case_name and "


def test_blocks_to_html() -> None:
    text = ("# Title {#top}\n\nPara one\ncontinues.\n\n> quoted\n\n- a\n- b\n\n1. x\n2. y\n\n"
            "```\ncode <here>\n```\n\n::: {#refs .references}\nEntry.\n:::\n\n---\n")
    html = to_html(text)
    assert '<h1 id="top">Title</h1>' in html
    assert "<p>Para one continues.</p>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert "<ol>\n<li>x</li>\n<li>y</li>\n</ol>" in html
    assert "<pre><code>code &lt;here&gt;</code></pre>" in html
    assert '<div id="refs" class="references">\n<p>Entry.</p>\n</div>' in html
    assert "<hr />" in html


def test_footnotes_are_numbered_by_first_reference() -> None:
    text = "B[^b] then A[^a].\n\n[^a]: Note A.\n\n[^b]: Note B\n    continued.\n"
    document = parse(text)
    assert set(document.notes) == {"a", "b"}
    html = to_html(text)
    assert 'href="#fn1"' in html.split("then")[0]  # b is referenced first
    assert '<li id="fn1"><p>Note B continued.' in html
    plain = to_text(text)
    assert plain == "B[1] then A[2].\n\n[1] Note B continued.\n\n[2] Note A.\n"


def test_text_drops_markup_but_keeps_link_targets() -> None:
    assert to_text("*A* [site](http://x.org) and [local](#ref-a).\n") == (
        "A site <http://x.org> and local.\n")


# Expected HTML below is what pandoc 2.17 writes for the same input read as
# GitHub Markdown (``pandoc -f gfm -t html``), with its ``type="1"`` on <ol> left out.
@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        pytest.param(
            "- a\n  - b\n    1. c\n- d\n",
            "<ul>\n<li>a\n<ul>\n<li>b\n<ol>\n<li>c</li>\n</ol></li>\n</ul></li>\n<li>d</li>\n"
            "</ul>\n", id="nested bullets and numbers"),
        pytest.param(
            "- a\n    - b\n- c\n",
            "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul></li>\n<li>c</li>\n</ul>\n",
            id="four spaces nest too"),
        pytest.param(
            "-   a\n\n    b\n", "<ul>\n<li><p>a</p>\n<p>b</p></li>\n</ul>\n",
            id="content column after a wide marker"),
        pytest.param(
            "1. x\n\n   y\n2. z\n",
            "<ol>\n<li><p>x</p>\n<p>y</p></li>\n<li><p>z</p></li>\n</ol>\n",
            id="loose items get paragraphs"),
        pytest.param(
            "- a\n\n  - b\n  - c\n- d\n",
            "<ul>\n<li><p>a</p>\n<ul>\n<li>b</li>\n<li>c</li>\n</ul></li>\n<li><p>d</p></li>\n"
            "</ul>\n", id="a blank line loosens the outer list only"),
        pytest.param(
            "3. a\n4. b\n", '<ol start="3">\n<li>a</li>\n<li>b</li>\n</ol>\n', id="start number"),
        pytest.param(
            "1. a\n  - b\n", "<ol>\n<li>a</li>\n</ol>\n<ul>\n<li>b</li>\n</ul>\n",
            id="less than the content column ends the item"),
        pytest.param(
            "- a\n* b\n", "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>\n",
            id="another bullet starts another list"),
        pytest.param(
            "- a\nlazy\n- c\n", "<ul>\n<li>a lazy</li>\n<li>c</li>\n</ul>\n",
            id="lazy continuation line"),
        pytest.param(
            "- a\n\n      code\n", "<ul>\n<li><p>a</p>\n<pre><code>code</code></pre></li>\n</ul>\n",
            id="indented code inside an item"),
        pytest.param(
            "-\n  foo\n-\n- bar\n", "<ul>\n<li>foo</li>\n<li></li>\n<li>bar</li>\n</ul>\n",
            id="items starting blank and empty"),
        pytest.param(
            "- a\n  > quote\n- b\n",
            "<ul>\n<li>a\n<blockquote>\n<p>quote</p>\n</blockquote></li>\n<li>b</li>\n</ul>\n",
            id="quote inside an item"),
    ],
)
def test_nested_lists_as_pandoc_writes_them(markdown: str, html: str) -> None:
    assert to_html(markdown) == html


TABLE = "| a | b | c |\n|:--|:-:|--:|\n| *x* | `y` | 3 |\n| 4 \\| 5 |\n"


def test_pipe_table_with_alignments() -> None:
    cells = ("<th style=\"text-align: left;\">a</th>\n<th style=\"text-align: center;\">b</th>\n"
             "<th style=\"text-align: right;\">c</th>")
    assert to_html(TABLE) == (
        '<table>\n<thead>\n<tr class="header">\n' + cells + "\n</tr>\n</thead>\n<tbody>\n"
        '<tr class="odd">\n<td style="text-align: left;"><em>x</em></td>\n'
        '<td style="text-align: center;"><code>y</code></td>\n'
        '<td style="text-align: right;">3</td>\n</tr>\n'
        '<tr class="even">\n<td style="text-align: left;">4 | 5</td>\n'
        '<td style="text-align: center;"></td>\n<td style="text-align: right;"></td>\n</tr>\n'
        "</tbody>\n</table>\n")


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        pytest.param(
            "a | b\n--- | ---\n1 | 2\n",
            '<table>\n<thead>\n<tr class="header">\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n'
            '<tbody>\n<tr class="odd">\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n',
            id="outer pipes are optional"),
        pytest.param(
            "| a |\n|---|\n| x | y |\n| `a\\|b` |\nz\n",
            '<table>\n<thead>\n<tr class="header">\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n'
            '<tr class="odd">\n<td>x</td>\n</tr>\n<tr class="even">\n<td><code>a|b</code></td>\n'
            "</tr>\n</tbody>\n</table>\n<p>z</p>\n",
            id="extra cells dropped, escaped pipe in code, a line without pipe ends it"),
        pytest.param(
            "| a | b |\n|---|\n| x |\n", "<p>| a | b | |---| | x |</p>\n",
            id="header and delimiter must agree"),
        pytest.param(
            "| a |\n|---|\n",
            '<table>\n<thead>\n<tr class="header">\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n'
            "</tbody>\n</table>\n", id="header only"),
        pytest.param(
            "|  |  |\n|---|---|\n| x | y |\n",
            '<table>\n<tbody>\n<tr class="odd">\n<td>x</td>\n<td>y</td>\n</tr>\n</tbody>\n'
            "</table>\n", id="an empty header is left out"),
        pytest.param(
            "- | a |\n  |---|\n  | x |\n",
            '<ul>\n<li><table>\n<thead>\n<tr class="header">\n<th>a</th>\n</tr>\n</thead>\n'
            '<tbody>\n<tr class="odd">\n<td>x</td>\n</tr>\n</tbody>\n</table></li>\n</ul>\n',
            id="a table in a list item"),
    ],
)
def test_pipe_tables_as_pandoc_writes_them(markdown: str, html: str) -> None:
    assert to_html(markdown) == html


def test_rendered_citations_in_cells() -> None:
    """Cells hold what the document renderer leaves: links to entries and note references."""
    text = ("| Claim | Source |\n|---|---|\n| big | [(Doe, 1999, p. 3)](#ref-doe99) |\n"
            "| small | Doe[^c1] |\n\n[^c1]: Doe, *T*, 4.\n")
    html = to_html(text)
    assert '<td><a href="#ref-doe99">(Doe, 1999, p. 3)</a></td>' in html
    assert ('<td>Doe<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref">'
            "<sup>1</sup></a></td>") in html
    assert '<li id="fn1"><p>Doe, <em>T</em>, 4.' in html


def test_nested_lists_and_tables_as_text() -> None:
    assert to_text("- a\n  - b\n    1. c\n- d\n") == "- a\n  - b\n    1. c\n- d\n"
    assert to_text("3. x\n\n   y\n4. z\n") == "3. x\n\n   y\n\n4. z\n"
    assert to_text(TABLE) == "a      b  c\n-----  -  -\nx      y  3\n4 | 5\n"


def test_nesting_deeper_than_the_limit_stays_text() -> None:
    """Regression guard: thousands of nested markers must not exhaust the recursion limit."""
    html = to_html("- " * 2000 + "x\n")
    assert html.count("<ul>") == MAX_NESTING
    assert to_html("> " * 2000 + "x\n").count("<blockquote>") == MAX_NESTING
    assert to_text("1. " * 2000).count("1.") == 2000
    assert to_html("[" * 100_000).count("[") == 100_000
    assert "<em>" not in to_html("*a " * 30_000)


def test_a_chain_of_notes_longer_than_the_recursion_limit() -> None:
    text = "[^1]\n\n" + "".join(f"[^{n}]: x [^{n + 1}]\n\n" for n in range(1, 3000))
    assert to_text(text).count("\n[") == 2999


_PIECES = ["- ", "* ", "1. ", "2) ", "  ", "    ", "\t", "\n", "\n\n", "|", "|---|", ":-:", "\\|",
           "> ", "```", "`", "[^1]", "[^1]: ", "a", "*b*", "[x](u)", "::: x", ":::", "# h", "---"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_lists_and_tables_of_any_shape_render(text: str) -> None:
    html = to_html(text)
    assert html.count("<li") == html.count("</li>")
    assert html.count("<table>") == html.count("</table>")
    assert isinstance(to_text(text), str)

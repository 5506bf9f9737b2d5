"""The small Markdown reader behind ``citekit render --to html|text``."""

from __future__ import annotations

from citekit.markdown_lite import parse, parse_inlines, to_html, to_text


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

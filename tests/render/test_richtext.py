"""Rich text serialisers and the HTML reader."""

from __future__ import annotations

from citekit.render.richtext import (
    Span,
    Text,
    from_html,
    plain,
    to_html,
    to_latex,
    to_markdown,
    to_text,
)


def test_html_uses_suite_conventions() -> None:
    tree = Span(
        (
            Text("A & B <c>"),
            Span((Text("T"),), italic=True),
            Span((Text("sc"),), small_caps=True),
            Span((Text("n"),), italic=False),
            Span((Text("2"),), superscript=True),
        )
    )
    assert to_html(tree) == (
        'A &#38; B &#60;c&#62;<i>T</i><span style="font-variant:small-caps;">sc</span>'
        '<span style="font-style:normal;">n</span><sup>2</sup>'
    )


def test_html_display_divs_and_links() -> None:
    tree = Span(
        (Span((Text("1."),), display="left-margin"), Span((Text("x"),), link="http://e/?a&b"))
    )
    assert to_html(tree) == (
        '<div class="csl-left-margin">1.</div><a href="http://e/?a&#38;b">x</a>'
    )


def test_text_drops_formatting() -> None:
    assert to_text(Span((Text("a "), Span((Text("b"),), bold=True)))) == "a b"


def test_markdown_escapes_and_formats() -> None:
    italic = Span((Text("T"),), italic=True)
    tree = Span((Text("a*b "), italic, Span((Text("S"),), small_caps=True)))
    assert to_markdown(tree) == "a\\*b *T*[S]{.smallcaps}"


def test_latex_escapes_and_formats() -> None:
    italic = Span((Text("T"),), italic=True)
    tree = Span((Text("50% & $x_1"), italic, Span((Text("B"),), bold=True)))
    assert to_latex(tree) == "50\\% \\& \\$x\\_1\\emph{T}\\textbf{B}"


def test_from_html_reads_field_markup() -> None:
    tree = from_html('A <i>b <span class="nocase">iPod</span></i> &amp; <sc>c</sc>')
    assert isinstance(tree, Span)
    assert plain(tree) == "A b iPod & c"
    italic = tree.children[1]
    assert isinstance(italic, Span) and italic.italic is True
    nocase = italic.children[1]
    assert isinstance(nocase, Span) and nocase.nocase
    assert to_html(tree) == (
        'A <i>b iPod</i> &#38; <span style="font-variant:small-caps;">c</span>'
    )


def test_from_html_round_trips_citeproc_py_output() -> None:
    source = 'Doe, J. (2000). <i>Title</i>. <span style="font-variant:small-caps;">X</span>'
    assert to_html(from_html(source)) == source.replace("&", "&#38;")


def test_from_html_keeps_unknown_and_unbalanced_tags_as_text() -> None:
    assert plain(from_html("a <foo> b </i> c")) == "a <foo> b </i> c"
    assert plain(from_html("x <i>y")) == "x <i>y"


def test_left_margin_label_is_spaced_from_the_entry_in_every_flat_format() -> None:
    # ieee's "[1]" ran into the entry in Markdown and LaTeX: "\[1\]J. Doe".
    entry = Span((Span((Text("[1]"),), display="left-margin"),
                  Span((Text("J. Doe, "), Span((Text("T"),), italic=True), Text(".")),
                       display="right-inline")))
    assert to_text(entry) == "[1] J. Doe, T."
    assert to_markdown(entry) == "\\[1\\] J. Doe, *T*."
    assert to_latex(entry) == "[1] J. Doe, \\emph{T}."


def test_block_display_stands_on_its_own_lines() -> None:
    tree = Span((Text("a"), Span((Text("b"),), display="block")))
    assert (to_text(tree), to_markdown(tree), to_latex(tree)) == (
        "a\nb\n", "a\n\nb\n\n", "a\nb\n")


def test_plain_text_keeps_superscripts_unicode_can_spell() -> None:
    """Ordinal suffixes raised by the engine stay raised in plain text ("2.ª ed.")."""
    def raised(text: str) -> Span:
        return Span((Text(text),), superscript=True)

    assert to_text(Span((Text("2."), raised("a"), Text(" ed.")))) == "2.ª ed."
    assert to_text(Span((Text("2"), raised("e")))) == "2ᵉ"
    assert to_text(raised("12")) == "¹²"
    assert to_text(raised("q")) == "q"  # no superscript q in Unicode: left as it is
    # a trade mark the engine raised ("ActiGraph™" in a title) is one character again
    assert to_text(Span((Text("ActiGraph"), raised("TM")))) == "ActiGraph\u2122"
    assert to_text(raised("SM")) == "\u2120"

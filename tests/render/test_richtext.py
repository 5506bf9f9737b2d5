"""Rich text serialisers and the HTML reader."""

from __future__ import annotations

import pickle
import re
import unicodedata
from dataclasses import fields

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.richtext import (
    MAX_NESTING,
    NO_FORMAT,
    SPAN_FORMAT,
    SUPERSCRIPTS,
    Rich,
    Span,
    Text,
    _xml_replacement,
    escape_attribute,
    from_html,
    plain,
    printable,
    safe_url,
    sanitize_html,
    span_format,
    span_of,
    strip_markup,
    to_html,
    to_latex,
    to_markdown,
    to_text,
    xml_safe,
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
    # OT1 (LaTeX's default encoding) prints a bare < > | as ¡ ¿ —, as pandoc avoids too
    assert to_latex(Text("a < b > c | d")) == ("a \\textless{} b \\textgreater{} c \\textbar{} d")


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
    entry = Span(
        (
            Span((Text("[1]"),), display="left-margin"),
            Span(
                (Text("J. Doe, "), Span((Text("T"),), italic=True), Text(".")),
                display="right-inline",
            ),
        )
    )
    assert to_text(entry) == "[1] J. Doe, T."
    assert to_markdown(entry) == "\\[1\\] J. Doe, *T*."
    assert to_latex(entry) == "[1] J. Doe, \\emph{T}."


def test_block_display_stands_on_its_own_lines() -> None:
    tree = Span((Text("a"), Span((Text("b"),), display="block")))
    assert (to_text(tree), to_markdown(tree), to_latex(tree)) == ("a\nb\n", "a\n\nb\n\n", "a\nb\n")


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


# ---------------------------------------------------------------- safe output


def test_safe_url_allows_only_web_mail_doi_and_fragments() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("HTTP://example.org") == "http://example.org"
    assert safe_url("mailto:a@example.org") == "mailto:a@example.org"
    assert safe_url("doi:10.1234/x") == "https://doi.org/10.1234/x"
    assert safe_url("#ref-a") == "#ref-a"
    for bad in [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:x",
        "\x01javascript:x",
        "data:text/html,<script>x</script>",
        "vbscript:x",
        "file:///etc/passwd",
        "",
        None,
        "doi:",
    ]:
        assert safe_url(bad) is None, bad
    assert safe_url("page.html") is None
    assert safe_url("page.html", relative=True) == "page.html"


def test_html_link_cannot_break_out_of_its_attribute() -> None:
    # the reader reproducer: a single-quoted href holding double quotes
    rich = from_html("<a href='x\" onmouseover=\"alert(1)'>see</a>")
    assert to_html(rich) == "see"  # "x\" onmouseover=..." has no safe scheme: no link
    html = to_html(Span((Text("t"),), link='https://e.org/"onmouseover="alert(1)\'x'))
    assert html == ('<a href="https://e.org/&#34;onmouseover=&#34;alert(1)&#39;x">t</a>')


def test_unsafe_links_keep_their_text_in_every_format() -> None:
    for href in ["javascript:alert(1)", "data:text/html,x", "java&#x09;script&#58;alert(1)"]:
        rich = from_html(f'<a href="{href}">text</a>')
        assert to_html(rich) == "text"
        assert to_markdown(rich) == "text"
        assert to_latex(rich) == "text"
        assert to_text(rich) == "text"
    direct = Span((Text("x"),), link="javascript:alert(1)")
    assert (to_html(direct), to_markdown(direct), to_latex(direct)) == ("x", "x", "x")


def test_sanitize_html_keeps_the_csl_tags_and_escapes_the_rest() -> None:
    out = sanitize_html(
        '<i>a</i> <span class="nocase">b</span> <sc>c</sc> '
        "<script>alert(1)</script><img src=x onerror=alert(1)> "
        '<b onclick="alert(1)">d</b> <a href="doi:10.1/x">e</a>'
    )
    assert out == (
        '<i>a</i> b <span style="font-variant:small-caps;">c</span> '
        "&#60;script&#62;alert(1)&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62; "
        '<b>d</b> <a href="https://doi.org/10.1/x">e</a>'
    )


def test_a_url_shown_as_itself_is_a_markdown_autolink_as_pandoc_writes_it() -> None:
    url = "https://example.org/page_1?q=a*b"
    assert to_markdown(Span((Text(url),), link=url)) == f"<{url}>"
    # anything else shown, or formatting on it, or a URL an autolink cannot hold: a link
    assert to_markdown(Span((Text("page"),), link=url)) == f"[page]({url})"
    italic = to_markdown(Span((Text(url),), link=url, italic=True))
    assert italic.startswith("[*") and italic.endswith(f"]({url})")
    spaced = "https://e.org/a b"
    assert to_markdown(Span((Text(spaced),), link=spaced)).startswith("[")
    assert to_markdown(Span((Text("mailto:a@b.org"),), link="mailto:a@b.org")).startswith("[")


def test_markdown_and_latex_links_cannot_end_early() -> None:
    rich = Span((Text("x"),), link="https://e.org/a b)(c]<d>")
    assert to_markdown(rich) == "[x](https://e.org/a%20b%29%28c%5D%3Cd%3E)"
    latex = to_latex(Span((Text("x"),), link="https://e.org/\\input{a}^^5c#%"))
    assert latex == r"\href{https://e.org/\%5Cinput\%7Ba\%7D\%5E\%5E5c\#\%}{x}"


def test_text_output_has_no_markup_tags() -> None:
    # a name suffix, a date literal or a DOI with in-field markup the engine keeps as text
    rich = Span(
        (
            Text('Doe, <i>Jr.</i>; <span class="nocase">x</span> <b>'),
            Text("<script>alert(1)</script>"),
            Text(" a < b, vector<int>"),
        )
    )
    assert to_text(rich) == "Doe, Jr.; x alert(1) a < b, vector<int>"
    assert strip_markup("<I>x</I><br/><a href='y'>z</a>") == "xz"


def test_lone_surrogates_and_control_characters() -> None:
    rich = Text("a\ud800b\x0bc\x01d\x00e")
    assert to_text(rich) == "a\ufffdb\x0bc\x01d\x00e"  # plain text keeps controls
    assert to_markdown(rich) == "a\ufffdb\x0bc\x01d\x00e"
    assert to_latex(rich) == "a\ufffdb\x0bc\x01d\x00e"
    assert to_html(rich) == "a\ufffdb cde"
    assert xml_safe("\x0c\x1f\ufffe\udfff\t\n") == "  \ufffd\ufffd\t\n"
    assert printable("ok\udc80") == "ok\ufffd"
    assert escape_attribute("\"'<>&\x01") == "&quot;&#x27;&lt;&gt;&amp;"


def test_deep_markup_stays_text_instead_of_exhausting_recursion() -> None:
    """An annotation of 3,000 nested <i> raised RecursionError in every serialiser."""
    depth = 3000
    rich = from_html("<i>" * depth + "x" + "</i>" * depth)
    html = to_html(rich)
    assert html.count("<i>") == MAX_NESTING and html.count("</i>") == MAX_NESTING
    assert html.count("&#60;i&#62;") == depth - MAX_NESTING
    assert to_text(rich).endswith("x")
    assert to_markdown(rich) and to_latex(rich)


# The Unicode version SUPERSCRIPTS was written out from (Python 3.11's unicodedata).
WRITTEN_FROM_UNICODE = "14.0.0"
# Modifier letters citeproc-js raises though Unicode gives them no <super> decomposition.
WITHOUT_DECOMPOSITION = {
    "\u02c0": "\u0294",
    "\u02c1": "\u0295",
    "\u06e5": "\u0648",
    "\u06e6": "\u064a",
}


def _super_decompositions() -> dict[str, str]:
    """What the table held when it was built at import: every BMP <super> decomposition."""
    table: dict[str, str] = {}
    for code in range(0x80, 0x10000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition.startswith("<super>"):
            parts = decomposition.split()[1:]
            table[chr(code)] = "".join(chr(int(part, 16)) for part in parts)
    return table


def test_superscript_table_is_unicodes_super_decompositions() -> None:
    """The table written out as a literal is the one the import-time scan built.

    Decompositions never change once assigned (Unicode's stability policy),
    so on any Python the literal must hold; on the Unicode version it was
    written from it must be exactly the scan, else it needs writing out again.
    """
    scanned = _super_decompositions()
    found = {
        char: plain for char, plain in SUPERSCRIPTS.items() if char not in WITHOUT_DECOMPOSITION
    }
    assert found.items() <= scanned.items()
    if unicodedata.unidata_version == WRITTEN_FROM_UNICODE:
        assert found == scanned
    assert {c: SUPERSCRIPTS[c] for c in WITHOUT_DECOMPOSITION} == WITHOUT_DECOMPOSITION
    assert all(unicodedata.decomposition(c) == "" for c in WITHOUT_DECOMPOSITION)


def test_markup_is_stripped_in_any_case_and_only_from_tags() -> None:
    assert strip_markup("<SPAN CLASS='nocase'>x</SPAN> <Sup>2</Sup>") == "x 2"
    assert strip_markup("no tag at all") == "no tag at all"
    assert strip_markup("<ix> <bogus>") == "<ix> <bogus>"


_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("a \t\n\r\x00\x0b\x1f\x7f\u00a0\ud800\ufffe\uffff\u2028é")))
def test_xml_safe_changes_only_what_the_pattern_finds(text: str) -> None:
    """Printable text comes back as it is, and the rest as if the pattern always ran."""
    assert xml_safe(text) == _INVALID.sub(_xml_replacement, text)


@settings(max_examples=80)
@given(st.text(alphabet=st.sampled_from("a&<>\"'; é\x01\x0b\ud800#x27"), max_size=30))
def test_attribute_escape_spells_what_the_standard_library_spells(text: str) -> None:
    """escape_attribute writes its references itself (so that rendering never imports
    :mod:`html`): the very characters :func:`html.escape` writes, after xml_safe."""
    import html

    assert escape_attribute(text) == html.escape(xml_safe(text), quote=True)


# ------------------------------------------------- writers against their former recursive forms


def _reference_text(rich: Rich) -> str:
    """to_text as it was written first: a string joined per span."""
    if isinstance(rich, Text):
        return strip_markup(printable(rich.text))
    inner = "".join(_reference_text(child) for child in rich.children)
    if rich.superscript and inner in ("SM", "TM"):
        inner = {"SM": "\u2120", "TM": "\u2122"}[inner]
    elif rich.superscript and inner and all(char in _RAISED for char in inner):
        inner = "".join(_RAISED[char] for char in inner)
    if rich.display == "block":
        return "\n" + inner + "\n"
    if rich.display == "left-margin" and inner and not inner[-1].isspace():
        return inner + " "
    return inner


def _reference_plain(rich: Rich) -> str:
    if isinstance(rich, Text):
        return rich.text
    return "".join(_reference_plain(child) for child in rich.children)


def _reference_html(rich: Rich) -> str:
    """to_html as it was written first: every tag considered for every span."""
    if isinstance(rich, Text):
        text = xml_safe(rich.text)
        return text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    tags: list[tuple[str, str]] = []
    if rich.display in ("block", "left-margin", "right-inline", "indent"):
        tags.append((f'<div class="csl-{rich.display}">', "</div>"))
    link = safe_url(rich.link)
    if link:
        href = link.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
        tags.append(
            (f'<a href="{href.replace(chr(34), "&#34;").replace(chr(39), "&#39;")}">', "</a>")
        )
    for on, opening, closing in [
        (rich.superscript, "<sup>", "</sup>"),
        (rich.subscript, "<sub>", "</sub>"),
        (rich.baseline, '<span style="baseline">', "</span>"),
        (rich.underline, '<span style="text-decoration:underline;">', "</span>"),
        (rich.bold is True, "<b>", "</b>"),
        (rich.bold is False, '<span style="font-weight:normal;">', "</span>"),
        (rich.small_caps is True, '<span style="font-variant:small-caps;">', "</span>"),
        (rich.small_caps is False, '<span style="font-variant:normal;">', "</span>"),
        (rich.italic is True, "<i>", "</i>"),
        (rich.italic is False, '<span style="font-style:normal;">', "</span>"),
    ]:
        if on:
            tags.append((opening, closing))
    inner = "".join(_reference_html(child) for child in rich.children)
    return "".join(o for o, _ in tags) + inner + "".join(c for _, c in reversed(tags))


_RAISED = {plain: raised for raised, plain in reversed(SUPERSCRIPTS.items()) if len(plain) == 1}
_TRISTATE = st.sampled_from([None, True, False])
_RICH = st.recursive(
    st.builds(Text, st.text(alphabet="ab <i>&2TMS\u00e9 \u1d49\x0b", max_size=5)),
    lambda kids: st.builds(
        Span,
        st.lists(kids, max_size=4).map(tuple),
        italic=_TRISTATE,
        bold=_TRISTATE,
        small_caps=_TRISTATE,
        underline=st.booleans(),
        superscript=st.booleans(),
        subscript=st.booleans(),
        baseline=st.booleans(),
        nocase=st.booleans(),
        link=st.sampled_from([None, None, "https://a.b/?x=1&y", "javascript:x", "doi:10.1/x"]),
        display=st.sampled_from([None, None, "block", "left-margin", "right-inline", "indent"]),
        part=st.sampled_from([None, "entry"]),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_RICH)
def test_writers_write_what_their_recursive_forms_wrote(rich: Rich) -> None:
    """Text and plain text gathered in one list, and HTML skipping spans with no
    markup of their own, are byte for byte what the simple recursive writers give."""
    assert to_text(rich) == _reference_text(rich)
    assert plain(rich) == _reference_plain(rich)
    assert to_html(rich) == _reference_html(rich)


def test_span_format_names_every_field_after_the_children() -> None:
    assert ("children", *SPAN_FORMAT) == tuple(field.name for field in fields(Span))
    assert Span() == span_of((), NO_FORMAT)


_FORMAT_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "italic": _TRISTATE,
        "bold": _TRISTATE,
        "small_caps": _TRISTATE,
        "underline": st.booleans(),
        "superscript": st.booleans(),
        "subscript": st.booleans(),
        "baseline": st.booleans(),
        "nocase": st.booleans(),
        "link": st.sampled_from([None, "https://a.b"]),
        "display": st.sampled_from([None, "block", "left-margin"]),
        "part": st.sampled_from([None, "entry"]),
    },
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_RICH, max_size=3).map(tuple), _FORMAT_VALUES)
def test_span_of_makes_the_span_the_constructor_makes(
    children: tuple[Rich, ...], attrs: dict[str, object]
) -> None:
    """The slot-setting constructor gives an equal span: same fields, hash, repr and
    pickle (parallel rendering sends entries between processes)."""
    fast = span_of(children, span_format(attrs))
    slow = Span(children, **attrs)  # type: ignore[arg-type]
    assert (fast, hash(fast), repr(fast)) == (slow, hash(slow), repr(slow))
    assert pickle.loads(pickle.dumps(fast)) == slow


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", "é", "\n", "\t", "\ud800", "\udfff", "\ufffd", "中"]))
)
def test_printable_replaces_exactly_the_surrogates(text: str) -> None:
    """The printable-text shortcut answers as replacing every surrogate does."""
    expected = "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)
    assert printable(text) == expected

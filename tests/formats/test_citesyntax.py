"""Pandoc's citation syntax: clusters, keys, locators from locale terms, running text."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.errors import ParseError
from citekit.formats.citesyntax import (
    CitationSyntaxError,
    find_citations,
    locator_labels,
    parse_cite,
    parse_cluster,
    parse_in_text,
    parse_locator,
    style_locator_terms,
)
from citekit.model.citations import CiteItem
from citekit.model.locators import LOCATOR_LABELS, LOCATOR_TERMS
from citekit.styles.catalog import find_style
from citekit.styles.terms import locale_terms


def test_two_cites_with_a_page_locator() -> None:
    cluster = parse_cluster("@raimondo2000, p. 33; @raimondo2008")
    assert cluster.items == (
        CiteItem("raimondo2000", locator="33", label="page"),
        CiteItem("raimondo2008"),
    )


def test_brackets_and_suppressed_author() -> None:
    (item,) = parse_cluster("[-@raimondo2000]").items
    assert item == CiteItem("raimondo2000", suppress_author=True)


def test_prefix_and_chapter() -> None:
    (item,) = parse_cluster("see @raimondo2000, chap. 2").items
    assert (item.prefix, item.locator, item.label) == ("see ", "2", "chapter")


def test_prefixes_locators_in_a_bracketed_cluster() -> None:
    first, second = parse_cluster("[see @a, pp. 33-35; also @b, chap. 1]").items
    assert first == CiteItem("a", locator="33-35", label="page", prefix="see ")
    assert second == CiteItem("b", locator="1", label="chapter", prefix="also ")


@pytest.mark.parametrize(
    ("suffix", "label", "locator", "rest"),
    [
        (", p. 33", "page", "33", ""),
        (", pp. 33-35, 38", "page", "33-35, 38", ""),
        (", page 4", "page", "4", ""),
        (", pages 4–7", "page", "4-7", ""),  # a range in CSL's notation, as pandoc reads it
        (", chapter 3", "chapter", "3", ""),
        (", sec. 4.2", "section", "4.2", ""),
        (", section 2", "section", "2", ""),
        (", § 4", "section", "4", ""),
        (", §§ 4–5", "section", "4-5", ""),
        (", ¶3", "paragraph", "3", ""),
        (", para. 12", "paragraph", "12", ""),
        (", vol. iv", "volume", "iv", ""),
        (", fig. 2", "figure", "2", ""),
        (", l. 10", "line", "10", ""),
        (", ll. 10-12", "line", "10-12", ""),
        (", n. 5", "note", "5", ""),
        (", s.v. 12", "sub-verbo", "12", ""),
        (", 33", "page", "33", ""),
        (", 33, for example", "page", "33", ", for example"),
        (", {iv, 12}", "page", "iv, 12", ""),
        (", chap. {Introduction}", "chapter", "Introduction", ""),
        (", pp. 33-35 and passim", "page", "33-35", " and passim"),
        # a word starting with a roman-numeral letter after a list comma is text
        (", chap. 2, more", "chapter", "2", ", more"),
        (", pp. 3, 5, cited above", "page", "3, 5", ", cited above"),
    ],
)
def test_locators(suffix: str, label: str, locator: str, rest: str) -> None:
    assert parse_locator(suffix) == (label, locator, rest)


@pytest.mark.parametrize("suffix", [", mix", ": the claim", ", 12th century", " and others"])
def test_suffixes_without_locator(suffix: str) -> None:
    assert parse_locator(suffix) == (None, None, suffix)


def test_suffix_text_is_kept_printable() -> None:
    (item,) = parse_cluster("@a, p. 3, emphasis added").items
    assert (item.locator, item.suffix) == ("3", ", emphasis added")
    (item,) = parse_cluster("@a and passim").items
    assert item.suffix == " and passim"


def test_locale_terms_give_the_labels() -> None:
    german = locator_labels("de-DE")
    assert german["s."] == "page"
    assert german["kap."] == "chapter"
    assert german["p."] == "page"  # English forms always work
    (item,) = parse_cluster("@a, Seite 4", "de-DE").items
    assert (item.label, item.locator) == ("page", "4")
    (item,) = parse_cluster("@a, Abschn. 2", "de-DE").items
    assert item.label == "section"


def test_braced_keys() -> None:
    (item,) = parse_cluster("@{odd key:1}, p. 2").items
    assert (item.id, item.locator) == ("odd key:1", "2")


def test_key_ends_before_trailing_punctuation() -> None:
    (item,) = parse_cluster("@doe99.").items
    assert item.id == "doe99"
    assert item.suffix == "."
    (item,) = parse_cluster("@doe:99/a-b.c").items
    assert item.id == "doe:99/a-b.c"


def test_every_locale_form_maps_to_a_term_of_the_one_table() -> None:
    # The labels come from the locale file through the styles layer; every
    # term they name is one of the model's locator terms.
    french = locator_labels("fr-FR")
    assert set(french.values()) <= LOCATOR_LABELS
    assert set(LOCATOR_TERMS) <= set(french.values())
    # the table's order decides a form two terms share (French "§")
    shared = {t.text.lower() for t in locale_terms("fr-FR") if t.name == "section"} & {
        t.text.lower() for t in locale_terms("fr-FR") if t.name == "paragraph"
    }
    for form in shared:
        assert french[form] == "section"


def test_syntax_errors_are_in_the_exception_tree() -> None:
    with pytest.raises(ParseError) as caught:
        parse_cluster("no key here")
    assert isinstance(caught.value, CitationSyntaxError)
    assert isinstance(caught.value, ValueError)  # what it was before it joined the tree
    assert caught.value.exit_code == 1


def test_errors() -> None:
    with pytest.raises(CitationSyntaxError):
        parse_cluster("no key here")
    with pytest.raises(CitationSyntaxError):
        parse_cluster("[]")
    with pytest.raises(CitationSyntaxError):
        parse_cite("@{}")


def test_note_number_is_kept() -> None:
    assert parse_cluster("@a", note_number=4).note_number == 4


def test_find_citations_in_markdown() -> None:
    text = (
        "As @smith04 [p. 33] says, it holds [see @doe99, pp. 3-4; @roe]. "
        "Mail me@example.org or read [the docs](http://x.org/@a)."
    )
    found = find_citations(text)
    assert [(m.in_text, [i.id for i in m.cluster.items]) for m in found] == [
        (True, ["smith04"]),
        (False, ["doe99", "roe"]),
    ]
    assert text[found[0].start : found[0].end] == "@smith04 [p. 33]"
    assert found[0].cluster.items[0].locator == "33"
    assert text[found[1].start : found[1].end] == "[see @doe99, pp. 3-4; @roe]"
    assert [m.cluster.note_number for m in found] == [1, 2]


_KEY_START = st.characters(categories=("Lu", "Ll", "Nd"), max_codepoint=0x24F)
_KEY_BODY = st.text(
    st.characters(categories=("Lu", "Ll", "Nd"), max_codepoint=0x24F)
    | st.sampled_from(":.#$%&-+?<>~/_"),
    max_size=12,
)


@given(first=_KEY_START, body=_KEY_BODY, last=_KEY_START)
def test_any_pandoc_key_parses_back(first: str, body: str, last: str) -> None:
    key = first + body + last
    punctuation = ":.#$%&-+?<>~/"
    if any(a in punctuation and b in punctuation for a, b in itertools.pairwise(key)):
        key = first + last  # pandoc needs an alphanumeric after internal punctuation
    (item,) = parse_cluster(f"[see @{key}, p. 4]").items
    assert item.id == key
    assert item.locator == "4"


def test_code_is_not_searched_for_citations() -> None:
    text = "Before [@a].\n\n```\nprint('[@b]')\n```\n\nInline `@c` and @d.\n"
    assert [m.cluster.items[0].id for m in find_citations(text)] == ["a", "d"]


@pytest.mark.parametrize("text", ["[@a, p. 3", "@a, p. 3]"])
def test_a_single_bracket_is_a_syntax_error(text: str) -> None:
    with pytest.raises(CitationSyntaxError, match="unbalanced brackets"):
        parse_cluster(text)


# Balanced brackets inside clusters, checked by hand against pandoc 2.17
# (``echo '[see [also] @doe99]' | pandoc -t native``; ``--citeproc`` for locators).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[see [also] @doe99]", CiteItem("doe99", prefix="see [also] ")),
        ("[[see] @a]", CiteItem("a", prefix="[see] ")),
        ("[a [b [c]] @d]", CiteItem("d", prefix="a [b [c]] ")),
        ("[see @a [x]]", CiteItem("a", prefix="see ", suffix=" [x]")),
        ("[@doe99 [a] [b]]", CiteItem("doe99", suffix=" [a] [b]")),
        (
            "[@doe99, pp. 33-35 [note]]",
            CiteItem("doe99", locator="33-35", label="page", suffix=" [note]"),
        ),
        ("[@doe99, p. [33]]", CiteItem("doe99", locator="[33]", label="page")),
        ("[@doe99, [33]]", CiteItem("doe99", locator="[33]", label="page")),
        ("[@doe99, p. [33]-40]", CiteItem("doe99", locator="[33]-40", label="page")),
        (
            "[@doe99, chap. [2] more]",
            CiteItem("doe99", locator="[2]", label="chapter", suffix=" more"),
        ),
        ("[@doe99, p. [a]]", CiteItem("doe99", suffix=", p. [a]")),  # not a locator
        ("[@doe99, [p. 33]]", CiteItem("doe99", suffix=", [p. 33]")),
        ("[@a [x; y]]", CiteItem("a", suffix=" [x; y]")),  # no split inside brackets
        (r"[see \[ @a]", CiteItem("a", prefix="see \\[ ")),  # an escaped bracket is text
    ],
)
def test_balanced_brackets_in_prefix_locator_and_suffix(text: str, expected: CiteItem) -> None:
    assert parse_cluster(text).items == (expected,)


def test_brackets_keep_semicolons_and_keys_to_themselves() -> None:
    first, second = parse_cluster("[see [x;] @a; @b [c]]").items
    assert (first.id, first.prefix, second.id, second.suffix) == ("a", "see [x;] ", "b", " [c]")
    # A key inside a nested group is text of the prefix, the cluster's key is outside it.
    (item,) = parse_cluster("[see [x @b] @a]").items
    assert (item.id, item.prefix) == ("a", "see [x @b] ")
    (item,) = parse_cluster("@a [x]").items  # no outer brackets: the bracket is a suffix
    assert item.suffix == " [x]"


@pytest.mark.parametrize("text", ["[see [also @a", "[@a [x]", "@a [x]]", "[[]"])
def test_unbalanced_inner_brackets_are_a_syntax_error(text: str) -> None:
    with pytest.raises(CitationSyntaxError, match="unbalanced brackets"):
        parse_cluster(text)


def _found(text: str) -> list[tuple[str, bool, list[str]]]:
    return [
        (text[m.start : m.end], m.in_text, [i.id for i in m.cluster.items])
        for m in find_citations(text)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("As [see [also] @doe99] says.", [("[see [also] @doe99]", False, ["doe99"])]),
        (
            "[@a, pp. 3-5 [note]] and [@b]",
            [("[@a, pp. 3-5 [note]]", False, ["a"]), ("[@b]", False, ["b"])],
        ),
        # No key at the outer level: the inner group is the cluster.
        ("[see [@a]]", [("[@a]", False, ["a"])]),
        ("[see [also @doe99]]", [("[also @doe99]", False, ["doe99"])]),
        # The outermost cluster wins; a cite in its suffix is text.
        ("[@a, p. 3 [@b]]", [("[@a, p. 3 [@b]]", False, ["a"])]),
        ("[@a [x]]]", [("[@a [x]]", False, ["a"])]),
        ("@a [p. 33 [x]] says", [("@a [p. 33 [x]]", True, ["a"])]),
        # A link label holding a cite: the cite is in-text, the link is no cluster.
        ("[@a [x]](http://u)", [("@a [x]", True, ["a"])]),
        ("[@a [x]][ref]", [("@a [x]", True, ["a"])]),
        (r"\[@a]", [("@a", True, ["a"])]),
        ("`[@c]` and [@d, `]`]", [("[@d, `]`]", False, ["d"])]),
        # An in-text cite's bracket may hold more cites (pandoc's textualCite)
        ("@a [@b]", [("@a [@b]", True, ["a", "b"])]),
        ("@a [x; @b]", [("@a [x; @b]", True, ["a", "b"])]),
        # but not when a cluster sits inside it
        ("@a [x [@b] y]", [("@a", True, ["a"]), ("[@b]", False, ["b"])]),
    ],
)
def test_find_citations_with_nested_brackets(
    text: str, expected: list[tuple[str, bool, list[str]]]
) -> None:
    assert _found(text) == expected


# pandoc 3.9 and 2.17 (``pandoc -t native``) read these so: the key's cite
# (AuthorInText), then the bracket's further cites as written.
@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            "@a [p. 3; @b]",
            (CiteItem("a", locator="3", label="page"), CiteItem("b")),
        ),
        (
            "@a [see p. 3; @b, p. 4]",
            (CiteItem("a", suffix=" see p. 3"), CiteItem("b", locator="4", label="page")),
        ),
        ("@a [@b]", (CiteItem("a"), CiteItem("b"))),
        ("@a [-@b]", (CiteItem("a"), CiteItem("b", suppress_author=True))),
        ("@a [see @b]", (CiteItem("a"), CiteItem("b", prefix="see "))),
        ("@a [p. 3 @b]", (CiteItem("a"), CiteItem("b", prefix="p. 3 "))),
        ("@a [text; @b]", (CiteItem("a", suffix=" text"), CiteItem("b"))),
        ("@a [; @b]", (CiteItem("a"), CiteItem("b"))),
        (
            "@a [p. 3; see @b, p. 4; -@c]",
            (
                CiteItem("a", locator="3", label="page"),
                CiteItem("b", locator="4", label="page", prefix="see "),
                CiteItem("c", suppress_author=True),
            ),
        ),
        ("@a  [p. 3;@b]", (CiteItem("a", locator="3", label="page"), CiteItem("b"))),
        ("@a\n[p. 3; @b]", (CiteItem("a", locator="3", label="page"), CiteItem("b"))),
        # an e-mail address is no key, so the bracket is all suffix
        ("@a [p. 3, cf. me@x.org]", (CiteItem("a", "3", "page", suffix=", cf. me@x.org"),)),
    ],
)
def test_in_text_bracket_holds_further_cites_as_in_pandoc(
    text: str, items: tuple[CiteItem, ...]
) -> None:
    (match,) = find_citations(text)
    assert (match.start, match.end, match.in_text) == (0, len(text), True)
    assert match.cluster.items == items
    assert parse_in_text(text) == match.cluster


@pytest.mark.parametrize("text", ["@a [p. 3; text]", "@a [p. 3; @b; text]", "@a [{p; 3}; x]"])
def test_in_text_bracket_with_a_part_that_is_no_cite_is_text(text: str) -> None:
    # pandoc leaves the bracket as text after the in-text cite "@a"
    first = find_citations(text)[0]
    assert (first.start, first.end, first.cluster.items) == (0, 2, (CiteItem("a"),))
    assert parse_in_text(text) is None


@pytest.mark.parametrize(
    ("text", "span", "items"),
    [
        # pandoc's SuppressAuthor cite in the text: a cluster, "(2000)"
        ("x -@a says", (2, 5), (CiteItem("a", suppress_author=True),)),
        (
            "x -@a [p. 3; @b] says",
            (2, 16),
            (CiteItem("a", "3", "page", suppress_author=True), CiteItem("b")),
        ),
    ],
)
def test_suppress_author_cite_in_running_text(
    text: str, span: tuple[int, int], items: tuple[CiteItem, ...]
) -> None:
    (match,) = find_citations(text)
    assert ((match.start, match.end), match.in_text, match.cluster.items) == (span, False, items)


@pytest.mark.parametrize("text", ["[me@x.org]", "[see me@x.org; @b]", "write to me@x.org"])
def test_an_e_mail_address_is_no_key(text: str) -> None:
    # "[see me@x.org; @b]" is text with an in-text "@b" in it, as in pandoc
    assert [(m.in_text, m.cluster.items) for m in find_citations(text)] == (
        [(True, (CiteItem("b"),))] if "@b" in text else []
    )
    with pytest.raises(CitationSyntaxError):
        parse_cluster(text)


def test_in_text_locator_and_suffix_in_brackets() -> None:
    (match,) = find_citations("@a [p. 33 [x]]")
    assert match.cluster.items == (CiteItem("a", locator="33", label="page", suffix=" [x]"),)


def test_fenced_code_needs_a_closing_fence_as_long() -> None:
    text = "````\n[@a]\n```\n[@b]\n````\n[@c]\n```\n[@d]\n"
    # The 4-backtick fence closes only on the second 4-backtick line; the
    # last ``` fence is never closed, so [@d] is text, as pandoc reads it.
    assert [ids for _, _, ids in _found(text)] == [["c"], ["d"]]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("[" * 100_000, 0),
        ("]" * 100_000, 0),
        ("[" * 50_000 + "@a" + "]" * 50_000, 1),  # only the innermost group is a cluster
        ("[@a " * 25_000 + "]" * 25_000, 1),  # every group is one: the outermost wins
        ("[@a; x " * 10_000 + "]" * 10_000, 10_000),  # none is: 10,000 in-text cites
        ("`" * 100_000, 0),
        ("```\n" * 25_000, 0),
        ("[@a] " * 20_000, 20_000),
    ],
)
def test_huge_and_deeply_nested_input_is_parsed_in_one_pass(text: str, found: int) -> None:
    """Each of these took minutes (or recursed) with a naive scanner; now it takes one pass."""
    assert len(find_citations(text)) == found
    try:
        cluster = parse_cluster(text)
    except CitationSyntaxError:
        return
    assert cluster.items


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "[",
                "]",
                " [",
                "@a",
                "-@b",
                " ",
                ";",
                "x",
                "`",
                "\\",
                "{",
                "}",
                "p. 3",
                "@{}",
                "(u)",
                "\n",
                "~~~",
                "<a:b>",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_every_cluster_found_parses_on_its_own(text: str) -> None:
    previous_end = 0
    for match in find_citations(text):
        assert previous_end <= match.start < match.end <= len(text)
        previous_end = match.end
        if text[match.start] == "[":
            assert parse_cluster(text[match.start : match.end]).items == match.cluster.items


# ---------------------------------------------------------------------------
# The author-in-text form as one argument (``citekit cite "@key [p. 33]"``)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("@a [p. 33]", CiteItem("a", locator="33", label="page")),
        ("  @a [chap. 2, more]  ", CiteItem("a", locator="2", label="chapter", suffix=", more")),
        ("@{odd key} [p. 4]", CiteItem("odd key", locator="4", label="page")),
        ("@a []", CiteItem("a")),
        ("@a [and elsewhere]", CiteItem("a", suffix=" and elsewhere")),
    ],
)
def test_parse_in_text_reads_as_a_document_does(text: str, item: CiteItem) -> None:
    cluster = parse_in_text(text)
    assert cluster is not None and cluster.items == (item,)
    (match,) = find_citations(text.strip())
    assert match.in_text and match.cluster.items == cluster.items


@pytest.mark.parametrize(
    "text",
    [
        "@a",  # the cite command's cluster, as always
        "@a, p. 33",
        "[@a, p. 33]",
        "see @a [p. 3]",
        "@a [p. 3] and more",
        "@a [p. 3]; @b",
        "-@a [p. 3]",
        "[@a] [p. 3]",
    ],
)
def test_parse_in_text_takes_only_the_whole_form(text: str) -> None:
    assert parse_in_text(text) is None


# ---------------------------------------------------------------------------
# Robustness: Citation syntax on arbitrary text raises only :class:`CitationSyntaxError`.
# ---------------------------------------------------------------------------

FRAGMENTS = [
    "[",
    "]",
    "@",
    "@doe99",
    "-@doe99",
    "@{odd key}",
    "@{",
    "}",
    "{",
    ";",
    ",",
    " ",
    "\n",
    "\t",
    "p.",
    "pp. 33-35",
    "{iv, 12}",
    "see ",
    "chap.",
    "§",
    "^[",
    "[^1]",
    "`",
    "```\n",
    "<!--",
    "-->",
    "\\@",
    "@a.b.",
    "@_",
    "@@",
    "a@b.c",
    "](http://x)",
    "12",
    "-",
    "–",
    "and",
    "\x00",
    "\r\n",
    "Seite",
    "n.",
    "sub verbo",
    "{",
    "@:",
    "@{}",
]
citation_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join), st.text(max_size=80)
)
LOCALES = ["en-US", "de-DE", "fr-FR", "xx-YY"]


@settings(max_examples=200, deadline=None)
@given(citation_text, st.sampled_from(LOCALES))
def test_parse_cluster_gives_a_cluster_or_a_citation_syntax_error(text: str, locale: str) -> None:
    try:
        cluster = parse_cluster(text, locale)
    except CitationSyntaxError as exc:
        assert isinstance(exc, ValueError) and str(exc)
        return
    assert cluster.items
    assert all(isinstance(item.id, str) for item in cluster.items)


@settings(max_examples=200, deadline=None)
@given(citation_text, st.sampled_from(LOCALES))
def test_find_citations_gives_spans_inside_the_text(text: str, locale: str) -> None:
    try:
        found = find_citations(text, locale)
    except CitationSyntaxError:
        return
    previous_end = 0
    for match in found:
        assert previous_end <= match.start < match.end <= len(text)
        assert "@" in text[match.start : match.end]
        previous_end = match.end


@pytest.mark.parametrize("text", ["[@a", "@a]", "[]", "[;]", "[see]", "", "   "])
def test_malformed_clusters_raise_the_documented_error(text: str) -> None:
    with pytest.raises(CitationSyntaxError):
        parse_cluster(text)


@settings(max_examples=200, deadline=None)
@given(citation_text, st.sampled_from(LOCALES))
def test_parse_in_text_gives_one_cite_or_none(text: str, locale: str) -> None:
    """``citekit cite`` tries every argument as ``@key [p. 33]`` first: no other error."""
    try:
        cluster = parse_in_text(text, locale)
    except CitationSyntaxError:
        return
    if cluster is not None:
        assert all(item.id for item in cluster.items)


@pytest.mark.parametrize(
    ("suffix", "locator"),
    [
        # pandoc's smart typography: "--" is an en dash, which makes a range
        (", pp. 321--328", "321-328"),
        (", pp. 321–328", "321-328"),
        (", 321--328, more", "321-328"),
        (", pp. 3--5, 7--9", "3-5, 7-9"),
        (", pp. 321-328", "321-328"),
        # "---" is an em dash, no range (pandoc: "p. 321—328" in apa)
        (", pp. 321---328", "321—328"),
        # a braced locator is taken as written
        (", pp. {321--328}", "321--328"),
    ],
)
def test_locator_dashes_read_as_pandoc_reads_them(suffix: str, locator: str) -> None:
    assert parse_locator(suffix)[1] == locator


def test_a_style_s_own_locator_terms_are_labels() -> None:
    # IEEE defines <term name="chapter" form="short">ch.</term>; pandoc reads
    # "[@a, ch. 4]" as chapter 4 ("[1, Ch. 4]"), citekit read "ch. 4" as a suffix
    terms = style_locator_terms(find_style("ieee").xml, "en-US")
    assert parse_locator(", ch. 4") == (None, None, ", ch. 4")
    assert parse_locator(", ch. 4", style_terms=terms) == ("chapter", "4", "")
    # the locale file's labels stay
    assert parse_locator(", chap. 4", style_terms=terms) == ("chapter", "4", "")
    (item,) = parse_cluster("[@a, ch. 4]", style_terms=terms).items
    assert (item.label, item.locator) == ("chapter", "4")


def test_style_locale_terms_follow_the_csl_precedence() -> None:
    style = (
        b'<style xmlns="http://purl.org/net/xbiblio/csl">'
        b'<locale><terms><term name="verse" form="short">vv.</term></terms></locale>'
        b'<locale xml:lang="de"><terms><term name="folio" form="short">Bl.</term></terms></locale>'
        b'<locale xml:lang="de-AT"><terms>'
        b'<term name="line" form="short">Bl.</term></terms></locale>'
        b'<locale xml:lang="fr"><terms><term name="page" form="short">pg.</term></terms></locale>'
        b"</style>"
    )
    at = locator_labels("de-AT", style_locator_terms(style, "de-AT"))
    assert (at["bl."], at["vv."], at.get("pg.")) == ("line", "verse", None)
    assert locator_labels("de-DE", style_locator_terms(style, "de-DE"))["bl."] == "folio"
    assert style_locator_terms(b"<style/>", "en-US") == ()


def test_a_long_locator_list_ending_in_a_word_is_read_in_one_retry() -> None:
    # the list "1, 2, ..., m" runs into the word "more": cut once at its last comma
    suffix = ", pp. " + ", ".join(["12"] * 50_000) + ", more"
    label, locator, rest = parse_locator(suffix)
    assert (label, rest) == ("page", ", more")
    assert locator is not None and locator.count("12") == 50_000


@settings(max_examples=60)
@given(
    st.text(alphabet=" \t\n,", max_size=6),
    st.sampled_from(["en-US", "de-DE", "fr-FR", "xx-YY"]),
)
def test_a_suffix_without_characters_left_reads_no_labels(suffix: str, locale: str) -> None:
    """Commas and blanks alone hold no locator; finding that reads no locale file.

    The bare ``citekit cite @key`` relies on it: reading and compiling the
    locale's locator labels was a noticeable part of its start-up.
    """
    locator_labels.cache_clear()
    label, locator, rest = parse_locator(suffix, locale)
    assert (label, locator) == (None, None) and rest == suffix
    assert locator_labels.cache_info().currsize == 0
    # the same suffix after a real locator still leaves the locator found
    with_value = parse_locator(", p. 33" + suffix, locale)
    assert with_value[:2] == ("page", "33")

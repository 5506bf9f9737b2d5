"""Where citations and notes are in a Markdown document: citekit.documents.scan."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekit.documents.scan import DocumentSyntaxError, LineIndex, mask, scan


def keys(text: str, **options: object) -> list[tuple[str, ...]]:
    return [tuple(i.id for i in c.cluster.items) for c in scan(text, **options).citations]  # type: ignore[arg-type]


def test_code_comments_and_escapes_hold_no_citations() -> None:
    text = (
        "`@a` and ``[@b] `x` `` and <!-- [@c] --> and \\@d and \\[@e\\]\n\n"
        "~~~\n@f\n~~~\n\n    @g in indented code\n\nReal @h.\n"
    )
    # escaped brackets are literal, so "@e" between them is an in-text cite (as in pandoc)
    found = scan(text).citations
    assert [(c.cluster.items[0].id, c.in_text) for c in found] == [("e", True), ("h", True)]


def test_indented_footnote_continuations_are_not_code() -> None:
    text = "Text.[^1]\n\n[^1]: First paragraph.\n\n    Second paragraph cites @a.\n"
    assert keys(text) == [("a",)]


def test_mask_keeps_offsets_and_lines() -> None:
    text = "a `code` b\n```\nx\n```\n"
    masked = mask(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert masked.startswith("a        b\n")


def test_note_numbers_follow_reading_order_in_note_styles() -> None:
    text = "One [@a]. Mine.[^x] Inline.^[See @b.] Two [@c].\n\n[^x]: Cites [@d].\n"
    found = scan(text, note_style=True)
    by_key = {c.cluster.items[0].id: c for c in found.citations}
    assert {k: c.cluster.note_number for k, c in by_key.items()} == {"a": 1, "d": 2, "b": 3, "c": 4}
    assert [c.cluster.items[0].id for c in found.citations] == ["a", "d", "b", "c"]
    assert by_key["d"].note == "[^x]" and by_key["a"].note is None
    assert by_key["b"].in_text


def test_author_date_styles_number_only_real_notes() -> None:
    found = scan("A [@a].[^n]\n\n[^n]: B [@b].\n")
    assert [c.cluster.note_number for c in found.citations] == [None, 1]


def test_positions_are_one_based() -> None:
    [citation] = scan("line one\n  and [@key] here\n").citations
    assert (citation.line, citation.column) == (2, 7)


def test_refs_block_is_found_and_masked() -> None:
    text = "Text.\n\n::: {#refs .references}\n[@ignored]\n:::\n\nAfter [@a].\n"
    found = scan(text)
    assert found.refs_block is not None
    start, end = found.refs_block
    assert text[start:end] == "::: {#refs .references}\n[@ignored]\n:::"
    assert [c.cluster.items[0].id for c in found.citations] == ["a"]


def test_unclosed_refs_block_is_an_error() -> None:
    with pytest.raises(DocumentSyntaxError, match="never closed"):
        scan("::: {#refs}\n\nText.\n")


def test_unterminated_bracket_before_a_citation() -> None:
    with pytest.raises(DocumentSyntaxError) as caught:
        scan("ok\n\nsee [also @a, p. 3 and more\n")
    assert (caught.value.line, caught.value.column) == (3, 5)
    # a lone bracket without a citation is just text
    assert scan("a [bracket that never closes\n").citations == []


@given(st.text(alphabet="ab \n[]@`-;,.:", max_size=60))
def test_scanning_never_crashes_on_arbitrary_text(text: str) -> None:
    try:
        found = scan(text)
    except DocumentSyntaxError as exc:
        assert exc.line >= 1 and exc.column >= 1
        return
    lines = LineIndex(text)
    for citation in found.citations:
        assert lines.position(citation.start) == (citation.line, citation.column)
        assert 0 <= citation.start < citation.end <= len(text)


@pytest.mark.parametrize(
    "text",
    [
        "see https://mastodon.social/@jgm now",
        "see www.x.org/@jgm",
        "ftp://x.org/@a/b",
        "<https://x.org/@jgm>",
        "write to <ann+@doe.org>",
        '<span title="[@a]">x</span>',
        "mail ann@doe.org",
    ],
)
def test_urls_emails_and_html_tags_hold_no_citations(text: str) -> None:
    assert keys(text) == []
    assert keys(text + " but [@real].") == [("real",)]


def test_indented_code_inside_a_block_quote_holds_no_citations() -> None:
    # CommonMark: after "> " four more spaces open an indented code block
    # (at the quote's start or after a blank quoted line); a fence inside a
    # quote ends with the quote; an indented lazy continuation line is text.
    text = (
        ">       [@a]\n\n"
        "> quote\n>\n>     [@b] code\n\n"
        "> para\n      [@c] lazy\n\n"
        ">\t  [@f] tab\n\n"
        "> ```\n> [@d] fenced\n> ```\n"
        "[@e] after\n"
    )
    assert keys(text) == [("c",), ("e",)]


def test_quoted_text_with_little_indent_still_cites() -> None:
    assert keys(">   [@a] three spaces\n>\n> > [@b] nested\n") == [("a",), ("b",)]

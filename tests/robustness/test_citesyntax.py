"""Citation syntax on arbitrary text raises only :class:`CitationSyntaxError`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.formats.citesyntax import (
    CitationSyntaxError,
    find_citations,
    parse_cluster,
    parse_in_text,
    parse_locator,
)

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
        assert len(cluster.items) == 1 and cluster.items[0].id


def test_a_long_locator_list_ending_in_a_word_is_read_in_one_retry() -> None:
    # the list "1, 2, ..., m" runs into the word "more": cut once at its last comma
    suffix = ", pp. " + ", ".join(["12"] * 50_000) + ", more"
    label, locator, rest = parse_locator(suffix)
    assert (label, rest) == ("page", ", more")
    assert locator is not None and locator.count("12") == 50_000

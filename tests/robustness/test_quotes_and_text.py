"""Quotation checks, source verification, Markdown-lite and byte decoding on odd input."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.base.files import EncodingError, decode_bytes
from citekit.documents import markdown as document_markdown
from citekit.errors import Severity
from citekit.formats import read_string
from citekit.ops.quotations import (
    CUSTOM_KEYS,
    check_quotations,
    normalize,
    paragraphs,
    quotations,
    split_ellipsis,
    verify,
)

scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=12))
any_json = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
words = st.lists(
    st.sampled_from(
        [
            "the",
            "a",
            "...",
            "…",
            "[",
            "]",
            "[...]",
            "word",
            "“",
            "”",
            "'",
            "\n\n",
            "  ",
            "—",
            "-",
            "Word.",
            "[sic]",
            ".",
            "x",
            "\t",
        ]
    ),
    max_size=15,
).map(" ".join)
KEYS = ["a", "b", "q1"]
custom = st.dictionaries(
    st.sampled_from(sorted(CUSTOM_KEYS)),
    st.one_of(any_json, words, st.sampled_from(KEYS)),
    max_size=6,
)
item = st.fixed_dictionaries(
    {"id": st.sampled_from(KEYS), "type": st.sampled_from(["book", "speech", "interview"])},
    optional={
        "custom": custom,
        "title": st.text(max_size=5),
        "author": st.lists(st.fixed_dictionaries({"family": st.text(max_size=5)}), max_size=2),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(item, max_size=4), st.one_of(words, st.text(max_size=100)))
def test_quotation_checks_and_verification_never_raise(
    items: list[dict[str, Any]], source: str
) -> None:
    library = read_string(json.dumps(items), "csljson", filename="refs.json").library
    diagnostics = check_quotations(library, file="refs.json")
    assert all(d.file == "refs.json" for d in diagnostics)
    found = quotations(library)
    for original in (False, True):
        results = verify(found, source, original=original)
        assert len(results) == len(found)


@settings(max_examples=150, deadline=None)
@given(st.one_of(words, st.text(max_size=100)))
def test_text_helpers_never_raise(text: str) -> None:
    flat, offsets = normalize(text)
    assert len(flat) == len(offsets)
    assert all(0 <= o < len(text) for o in offsets)
    assert all(part.strip() for part in split_ellipsis(text))
    assert all(p for p in paragraphs(text))


def test_paragraphs_of_empty_or_blank_text() -> None:
    """Regression: ``paragraphs("")`` raised ValueError from ``zip(strict=True)``."""
    assert paragraphs("") == []
    assert paragraphs(" \n\n\t\n") == []
    assert paragraphs("Title\n\nBody") == ["Title", "Body"]


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=120),
        st.lists(
            st.sampled_from(
                [
                    "*",
                    "_",
                    "**",
                    "`",
                    "[",
                    "]",
                    "(",
                    ")",
                    "<",
                    ">",
                    "&",
                    "#",
                    "\n",
                    "\n\n",
                    "> ",
                    "- ",
                    "1. ",
                    "    ",
                    "\\",
                    "![",
                    "](",
                    "http://x",
                    "<!--",
                    "-->",
                    "|",
                    "\x00",
                    "\r\n",
                    "~~~",
                ]
            ),
            max_size=30,
        ).map("".join),
    )
)
def test_markdown_lite_renders_anything(text: str) -> None:
    html = document_markdown.to_html(text)
    assert "<script" not in html.lower() or "<script" in text.lower()
    assert isinstance(document_markdown.to_text(text), str)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=80))
def test_any_bytes_decode_exactly_or_fail_with_a_located_error(data: bytes) -> None:
    try:  # never a silent Latin-1 reading (issue 12): an error naming file and line
        text, diagnostics = decode_bytes(data, filename="in.bib")
    except EncodingError as exc:
        assert [d.code for d in exc.diagnostics] == ["invalid-encoding"]
        assert exc.diagnostics[0].severity is Severity.ERROR
        assert exc.diagnostics[0].file == "in.bib" and exc.diagnostics[0].line is not None
    else:
        assert diagnostics == [] and isinstance(text, str)

"""Arbitrary Markdown through docscan and render_document: only citekit errors.

Documents are built from the pieces that trip scanners: unbalanced brackets,
``@`` in odd places, notes, code fences, comments, front matter that is not
a mapping or not YAML, tabs, CRLF and NUL bytes.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.documents.frontmatter import FrontMatterError
from citekit.documents.rendering import render_document
from citekit.documents.scan import DocumentSyntaxError, scan
from citekit.errors import CitekitError
from citekit.formats import read_string

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
body = st.lists(st.sampled_from(BODY), max_size=30).map("".join)
front = st.lists(st.sampled_from(FRONT), max_size=4).map("".join)
document = st.one_of(
    body,
    st.text(max_size=120),
    st.tuples(front, st.sampled_from(["---\n", "...\n", "", "---\r\n"]), body).map(
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

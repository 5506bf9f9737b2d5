"""Arbitrary front matter: a :class:`FrontMatter` or a located :class:`FrontMatterError`."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.documents.frontmatter import FrontMatter, FrontMatterError, read_front_matter
from citekit.errors import CitekitError

KEYS = [
    "title",
    "bibliography",
    "csl",
    "citation-style",
    "lang",
    "nocite",
    "link-citations",
    "reference-section-title",
    "references",
    "other",
]
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
)
value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from([*KEYS, "id", "type"]), inner, max_size=3),
    ),
    max_leaves=6,
)
mapping_yaml = st.dictionaries(st.sampled_from(KEYS), value, max_size=5).map(
    lambda data: yaml.safe_dump(data, allow_unicode=True)
)
YAML_PIECES = [
    "a: ",
    "&x ",
    "*x",
    "[",
    "]",
    "{",
    "}",
    "- ",
    "\n",
    "  ",
    "\t",
    "? ",
    ": ",
    "'",
    '"',
    "|",
    ">",
    "!!binary ",
    "!!python/object:os.system ",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "~",
    "references:\n- ",
    "id: a",
    "nocite: ",
    "@*",
    "\x00",
    "\r\n",
    "lang: ",
    "csl: ",
    "bibliography: ",
]
odd_yaml = st.lists(st.sampled_from(YAML_PIECES), max_size=20).map("".join)


def _read(yaml_text: str, closing: str = "---") -> FrontMatter | FrontMatterError:
    text = f"---\n{yaml_text}\n{closing}\nBody @a.\n"
    try:
        return read_front_matter(text, filename="doc.md")
    except FrontMatterError as exc:
        assert 1 <= exc.line <= text.count("\n") + 1 and exc.column >= 1
        return exc
    except CitekitError as exc:  # pragma: no cover - would be a misfiled error
        raise AssertionError(
            f"front matter raised {type(exc).__name__}, not FrontMatterError"
        ) from exc


@settings(max_examples=150, deadline=None)
@given(st.one_of(mapping_yaml, odd_yaml, st.text(max_size=60)), st.sampled_from(["---", "..."]))
def test_any_front_matter_is_read_or_refused_with_a_location(yaml_text: str, closing: str) -> None:
    outcome = _read(yaml_text, closing)
    if isinstance(outcome, FrontMatter):
        assert all(isinstance(p, str) for p in outcome.bibliography)
        assert all(isinstance(k, str) for k in outcome.nocite)
        assert outcome.csl is None or isinstance(outcome.csl, str)
        assert outcome.lang is None or isinstance(outcome.lang, str)
        for diagnostic in outcome.reference_diagnostics:
            assert diagnostic.file == "doc.md" and (diagnostic.line or 2) >= 2


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=100))
def test_any_document_start_is_read_or_refused(text: str) -> None:
    try:
        meta = read_front_matter(text, filename="doc.md")
    except FrontMatterError as exc:
        assert exc.line >= 1 and exc.column >= 1
        return
    assert 0 <= meta.body_start <= len(text)
    assert meta.body_line == text.count("\n", 0, meta.body_start) + 1


@pytest.mark.parametrize("yaml_text", ["- a\n- b", "just text", "42", "&a [*a]"])
def test_front_matter_that_is_not_a_mapping_is_refused_at_line_2(yaml_text: str) -> None:
    outcome = _read(yaml_text)
    assert isinstance(outcome, FrontMatterError) and outcome.line == 2


@pytest.mark.parametrize("yaml_text", ["csl: &c [*c]", "lang: {de: 1}", "citation-style: [a]"])
def test_a_style_or_language_that_is_a_list_or_mapping_is_refused(yaml_text: str) -> None:
    """These were turned into strings such as ``[[...]]`` and looked up as style names."""
    outcome = _read(yaml_text)
    assert isinstance(outcome, FrontMatterError) and "single value" in str(outcome)


def test_recursive_references_become_diagnostics() -> None:
    outcome = _read("references: &r [*r]\ntitle: T")
    assert isinstance(outcome, FrontMatter) and len(outcome.references) == 0
    assert outcome.reference_diagnostics and outcome.reference_diagnostics[0].line == 2


def test_front_matter_nested_beyond_the_parser_is_refused() -> None:
    """Regression: PyYAML's RecursionError escaped read_front_matter."""
    outcome = _read("a: " + "[" * 5000 + "]" * 5000)
    assert isinstance(outcome, FrontMatterError)
    # the pure-Python parser recurses (we report it); libyaml stops at its own limit
    assert "nested too deeply" in str(outcome) or "maximum nesting depth" in str(outcome)
    assert outcome.line == 2

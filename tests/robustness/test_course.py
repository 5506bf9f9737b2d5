"""Arbitrary reading-list TOML/YAML: a ReadingList or a ParseError listing problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.course.model import ReadingList, parse_reading_list
from citekit.errors import CitekitError, ParseError

TOML_PIECES = [
    "title = ",
    '"x"',
    "[[sections]]\n",
    "id = ",
    "readings = ",
    "[",
    "]",
    "{",
    "}",
    "key = ",
    '"k"',
    "1",
    "true",
    "pages = ",
    "required = ",
    "status = ",
    "libraries = ",
    "style = ",
    '"a.csl"',
    "[course]\n",
    "\n",
    ",",
    "=",
    "'",
    '"""',
    "1979-05-27",
    "inf",
    "nan",
    "locale = ",
    '{key = "k", pages = 3}',
    "label = ",
    "locator = ",
    "\x00",
    "é",
    "annotation = ",
    "optional = true",
    "[[sections.readings]]\n",
    '["refs.bib"]',
]
YAML_PIECES = [
    "title: ",
    "x",
    "sections:\n",
    "- ",
    "  ",
    "id: ",
    "readings: ",
    "[",
    "]",
    "{",
    "}",
    "key: ",
    "k",
    "1",
    "true",
    "pages: ",
    "&a ",
    "*a",
    "!!binary ",
    "libraries: ",
    "\n",
    ": ",
    "- key: k\n",
    "? ",
    "|",
    ">",
    "!!python/object:x",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "\t",
    "null",
    "~",
    ".inf",
    "status: ",
    "course:\n",
]
toml_text = st.one_of(
    st.lists(st.sampled_from(TOML_PIECES), max_size=30).map("".join), st.text(max_size=80)
)
yaml_text = st.one_of(
    st.lists(st.sampled_from(YAML_PIECES), max_size=30).map("".join), st.text(max_size=80)
)


def _parse(text: str, syntax: str) -> ReadingList | ParseError:
    filename = f"reading-list.{syntax}"
    try:
        return parse_reading_list(text, filename=filename, syntax=syntax, base=Path("/nowhere"))
    except ParseError as exc:
        assert exc.diagnostics, "a ParseError must list its problems"
        assert all(d.file == filename for d in exc.diagnostics)
        assert filename in str(exc)
        return exc
    except CitekitError as exc:  # pragma: no cover - only ParseError is documented
        raise AssertionError(f"{type(exc).__name__}: {exc}") from exc


@settings(max_examples=150, deadline=None)
@given(toml_text, yaml_text)
def test_any_text_gives_a_reading_list_or_a_parse_error(toml: str, yml: str) -> None:
    for text, syntax in ((toml, "toml"), (yml, "yaml"), (yml, "toml"), (toml, "yaml")):
        outcome = _parse(text, syntax)
        if isinstance(outcome, ReadingList):
            assert outcome.sections and outcome.libraries
            assert all(isinstance(k, str) and k for k in list(outcome.keys()))


GOOD = (
    'title = "Course"\nlibraries = ["refs.bib"]\n\n[[sections]]\nid = "w1"\ntitle = "Week 1"\n'
    'readings = [{key = "a", pages = "1-10"}, "b"]\n'
)


@pytest.mark.parametrize(
    "extra",
    [
        '\n[[sections]]\nid = "w2"\ntitle = "Week 2"\n'
        'readings = [3, {pages = 4}, {key = "c", required = "no"}]\n',
        '\n[[sections]]\nid = "w1"\ntitle = ["not", "text"]\nreadings = "nope"\n',
        "\n[[sections]]\n",
    ],
)
def test_every_problem_is_listed_with_its_file(extra: str) -> None:
    outcome = _parse(GOOD + extra, "toml")
    assert isinstance(outcome, ParseError)
    assert len(outcome.diagnostics) >= 1


def test_the_good_list_alone_loads() -> None:
    outcome = _parse(GOOD, "toml")
    assert isinstance(outcome, ReadingList) and outcome.keys() == ["a", "b"]


@pytest.mark.parametrize(
    "text",
    [
        "a: &a [*a]\nsections: *a\n",
        "sections: &s [{readings: *s}]\n",
        "\x00",
        'title = "x',
        "- not a table\n",
    ],
)
def test_yaml_aliases_and_syntax_errors_are_parse_errors(text: str) -> None:
    assert isinstance(_parse(text, "yaml"), ParseError)
    assert isinstance(_parse(text, "toml"), ParseError)


@pytest.mark.parametrize("syntax", ["toml", "yaml"])
def test_nesting_beyond_the_parser_is_a_parse_error(syntax: str) -> None:
    """Regression: tomllib and PyYAML raised RecursionError on ``[`` x 5000."""
    deep = "[" * 5000 + "]" * 5000
    outcome = _parse(f"a = {deep}" if syntax == "toml" else f"a: {deep}", syntax)
    assert isinstance(outcome, ParseError)
    message = outcome.diagnostics[0].message
    # the pure-Python parser recurses (we report it); libyaml stops at its own limit
    assert "nested too deeply" in message or "maximum nesting depth" in message


def test_recursive_yaml_aliases_do_not_recurse_forever() -> None:
    """Regression: the line finder walked ``&s [{readings: *s}]`` until RecursionError."""
    outcome = _parse(
        "title: T\nlibraries: [r.bib]\nsections: &s [{id: w, title: W, readings: *s}]\n", "yaml"
    )
    assert isinstance(outcome, ParseError)
    assert {d.code for d in outcome.diagnostics} == {"missing-key"}

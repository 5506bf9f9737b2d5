"""YAML front matter of Markdown documents: citekit.documents.frontmatter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.base.paths import ALLOW_ENV, UnsafePathError
from citekit.documents.frontmatter import (
    SWITCHES,
    FrontMatter,
    FrontMatterError,
    metadata_flag,
    nocite_keys,
    read_front_matter,
    resolve_paths,
    resolve_style,
    split_front_matter,
)
from citekit.documents.pandoc_filter import filter_document
from citekit.errors import CitekitError, UsageError


def test_no_front_matter() -> None:
    meta = read_front_matter("# Title\n\nText.\n")
    assert (meta.body_start, meta.body_line, meta.bibliography) == (0, 1, [])


def test_keys_citekit_reads() -> None:
    text = (
        "---\ntitle: T\nbibliography:\n- a.bib\n- b.json\ncsl: apa\nlang: de-DE\n"
        "nocite: '@x, @{odd key}'\nlink-citations: true\n"
        "reference-section-title: Sources\n...\nBody\n"
    )
    meta = read_front_matter(text)
    assert meta.bibliography == ["a.bib", "b.json"]
    assert (meta.csl, meta.lang, meta.link_citations) == ("apa", "de-DE", True)
    assert meta.nocite == ["x", "odd key"] and not meta.nocite_all
    assert meta.section_title == "Sources"
    assert text[meta.body_start :] == "Body\n" and meta.body_line == 12


def test_inline_references_get_document_lines() -> None:
    text = (
        "---\nreferences:\n- id: good\n  type: book\n  title: Fine\n"
        "- id: bad\n  issued: {date-parts: [[spring]]}\n---\nBody\n"
    )
    meta = read_front_matter(text, filename="doc.md")
    assert meta.references.keys()[0] == "good"  # whether 'bad' stays is the CSL-YAML reader's
    found = [(d.file, d.line, d.key, d.code) for d in meta.reference_diagnostics]
    # the item's line for what the item lacks, the field's own line for a bad field
    assert found == [("doc.md", 6, "bad", "missing-type"), ("doc.md", 7, "bad", "bad-field")]


@pytest.mark.parametrize(
    "value, keys",
    [
        ("@*", ["*"]),
        (["@a", "@b"], ["a", "b"]),
        ("@a; @b.c and mail me@host", ["a", "b.c", "host"]),
        (None, []),
    ],
)
def test_nocite_keys(value: object, keys: list[str]) -> None:
    assert nocite_keys(value) == keys


# ---------------------------------------------------------------------------
# Switches (suppress-bibliography, link-citations ...) as pandoc reads them
# ---------------------------------------------------------------------------


def test_switches_have_pandocs_defaults() -> None:
    meta = read_front_matter("---\ntitle: T\n---\nBody\n")
    assert not meta.suppress_bibliography and not meta.link_citations
    assert meta.link_bibliography and meta.notes_after_punctuation


@pytest.mark.parametrize(
    "value, expected",
    [
        (True, True),
        (False, False),
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        ("t", True),
        ("on", False),  # a string "on" (quoted, or -M key=on) is false in pandoc
        ("y", False),
        ("1", False),
        ("no", False),
        (1, False),
        (["true"], False),
    ],
)
def test_metadata_flag_reads_values_as_pandoc_does(value: object, expected: bool) -> None:
    assert metadata_flag(value) is expected
    assert metadata_flag(value, default=True) is expected  # a value present wins


def test_an_absent_switch_is_its_default() -> None:
    assert metadata_flag(None) is False and metadata_flag(None, default=True) is True


@pytest.mark.parametrize("key", sorted(SWITCHES))
@pytest.mark.parametrize(
    "written, expected",
    [("on", True), ("On", True), ("y", True), ("Yes", True), ("off", False), ("n", False)],
)
def test_unquoted_yaml_11_booleans_are_switches_as_in_pandoc(
    key: str, written: str, expected: bool
) -> None:
    """pandoc's YAML reader makes these booleans; quoted, they stay text."""
    attribute = key.replace("-", "_")
    unquoted = read_front_matter(f"---\n{key}: {written}\n---\n")
    quoted = read_front_matter(f"---\n{key}: '{written}'\n---\n")
    assert getattr(unquoted, attribute) is expected
    assert getattr(quoted, attribute) is metadata_flag(written)


def test_other_keys_keep_their_text() -> None:
    meta = read_front_matter("---\nlang: no\ntitle: on\nsuppress-bibliography: on\n---\n")
    assert meta.lang == "no" and meta.data["title"] == "on"
    assert meta.data["suppress-bibliography"] is True


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.sampled_from(["true", "True", "yes", "YES", "t", "T", "on", "y", "1", "no", "", " "]),
        st.text(alphabet="tTrueysonf1 ", max_size=6),
    )
)
def test_the_filter_and_the_front_matter_read_a_string_alike(value: str) -> None:
    """A string switch (pandoc's MetaString, a quoted YAML value) means the same to both."""
    document = {
        "pandoc-api-version": [1, 22],
        "meta": {
            "references": {
                "t": "MetaList",
                "c": [
                    {
                        "t": "MetaMap",
                        "c": {
                            "id": {"t": "MetaString", "c": "a"},
                            "type": {"t": "MetaString", "c": "book"},
                            "title": {"t": "MetaString", "c": "T"},
                        },
                    }
                ],
            },
            "suppress-bibliography": {"t": "MetaString", "c": value},
        },
        "blocks": [{"t": "Para", "c": [_cite("a")]}],
    }
    filter_document(document)
    listed = any(block["t"] == "Div" for block in document["blocks"])
    quoted = yaml.safe_dump({"suppress-bibliography": value}, default_style='"')
    meta = read_front_matter(f"---\n{quoted}---\n")
    assert meta.suppress_bibliography is (not listed)
    assert read_front_matter(
        "", metadata={"suppress-bibliography": value}
    ).suppress_bibliography is (not listed)


def _cite(key: str) -> dict[str, object]:
    citation = {
        "citationId": key,
        "citationPrefix": [],
        "citationSuffix": [],
        "citationMode": {"t": "NormalCitation"},
        "citationNoteNum": 0,
        "citationHash": 0,
    }
    return {"t": "Cite", "c": [[citation], [{"t": "Str", "c": f"[@{key}]"}]]}


# ---------------------------------------------------------------------------
# metadata over the front matter (pandoc's -M)
# ---------------------------------------------------------------------------


def test_metadata_is_set_over_the_front_matter() -> None:
    text = "---\nsuppress-bibliography: true\nlang: de\n---\nBody\n"
    meta = read_front_matter(text, metadata={"suppress-bibliography": "false", "nocite": "@*"})
    assert not meta.suppress_bibliography and meta.nocite_all and meta.lang == "de"
    assert text[meta.body_start :] == "Body\n"


def test_metadata_applies_without_front_matter() -> None:
    meta = read_front_matter("Body\n", metadata={"bibliography": "refs.bib", "lang": "fr"})
    assert (meta.bibliography, meta.lang, meta.body_start) == (["refs.bib"], "fr", 0)


def test_inline_references_cannot_be_metadata() -> None:
    with pytest.raises(UsageError, match="references"):
        read_front_matter("Body\n", metadata={"references": "x"})


def test_errors_carry_document_positions() -> None:
    with pytest.raises(FrontMatterError) as caught:
        read_front_matter("---\ntitle: ok\nbad: [unclosed\n---\n")
    assert caught.value.line >= 3 and "malformed YAML" in str(caught.value)
    with pytest.raises(FrontMatterError, match="mapping"):
        read_front_matter("---\n- just\n- a list\n---\n")
    with pytest.raises(FrontMatterError, match="'bibliography' must be"):
        read_front_matter("---\nbibliography: {a: 1}\n---\n")
    with pytest.raises(FrontMatterError, match="never closed"):
        split_front_matter("---\ntitle: x\n")


def test_paths_are_relative_to_the_document(tmp_path: Path) -> None:
    doc = tmp_path / "sub" / "paper.md"
    assert resolve_paths(["refs.bib", "more/x.bib", str(tmp_path / "sub" / "y.bib")], doc) == [
        tmp_path / "sub" / "refs.bib",
        tmp_path / "sub" / "more/x.bib",
        tmp_path / "sub/y.bib",
    ]
    assert resolve_paths(["r.bib"], "-") == [Path.cwd() / "r.bib"]


@pytest.mark.parametrize("raw", ["/abs/x.bib", "../x.bib", "/dev/zero", "a/../../x.bib"])
def test_paths_outside_the_document_folder_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    """Regression: front matter could name any file and print it as a bibliography."""
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    doc = tmp_path / "sub" / "paper.md"
    with pytest.raises(
        UnsafePathError, match=f"bibliography file '{re.escape(raw)}' is outside the project folder"
    ):
        resolve_paths(["refs.bib", raw], doc)
    monkeypatch.setenv(ALLOW_ENV, "/abs" + os.pathsep + str(tmp_path) + os.pathsep + "/dev")
    assert len(resolve_paths([raw], doc)) == 1


def test_the_csl_setting_is_a_confined_path_or_a_style_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "sub" / "paper.md"
    doc.parent.mkdir()
    (doc.parent / "house.csl").write_text("<style/>", encoding="utf-8")
    (tmp_path / "ieee.csl").write_text("<style/>", encoding="utf-8")  # in the cwd: ignored
    assert resolve_style("house.csl", doc) == str(doc.parent / "house.csl")
    assert resolve_style("ieee.csl", doc) == "ieee"
    assert resolve_style("chicago-note-bibliography", doc) == "chicago-note-bibliography"
    with pytest.raises(UnsafePathError, match=r"style file '\.\./ieee\.csl'"):
        resolve_style("../ieee.csl", doc)


def _render(doc: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != ALLOW_ENV} | env
    return subprocess.run(
        [sys.executable, "-m", "citekit", "render", str(doc)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        env=environment,
        cwd=doc.parent,
    )


def test_render_refuses_front_matter_reaching_outside_the_project(tmp_path: Path) -> None:
    """End to end: ``citekit render`` on a document whose front matter names ``../``."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.bib").write_text(
        "@misc{secretkey, title={TOP SECRET hunter2}}\n", encoding="utf-8"
    )
    doc = tmp_path / "project" / "d.md"
    doc.parent.mkdir()
    doc.write_text(
        "---\nbibliography: ../outside/secret.bib\n---\nSee [@secretkey].\n", encoding="utf-8"
    )
    refused = _render(doc)
    assert refused.returncode == 1
    assert "hunter2" not in refused.stdout + refused.stderr
    assert (
        "bibliography file '../outside/secret.bib' is outside the project folder" in refused.stderr
    )
    assert "Traceback" not in refused.stderr
    allowed = _render(doc, **{ALLOW_ENV: str(tmp_path / "outside")})
    assert allowed.returncode == 0, allowed.stderr
    assert "hunter2" in allowed.stdout.lower()  # the default style title-cases it


# ---------------------------------------------------------------------------
# Robustness: Arbitrary front matter: a :class:`FrontMatter` or a located :class:`FrontMatterError`.
# ---------------------------------------------------------------------------

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

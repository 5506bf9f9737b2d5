"""YAML front matter of Markdown documents: citekit.frontmatter."""

from __future__ import annotations

from pathlib import Path

import pytest

from citekit.frontmatter import (
    FrontMatterError,
    nocite_keys,
    read_front_matter,
    resolve_paths,
    split_front_matter,
)


def test_no_front_matter() -> None:
    meta = read_front_matter("# Title\n\nText.\n")
    assert (meta.body_start, meta.body_line, meta.bibliography) == (0, 1, [])


def test_keys_citekit_reads() -> None:
    text = ("---\ntitle: T\nbibliography:\n- a.bib\n- b.json\ncsl: apa\nlang: de-DE\n"
            "nocite: '@x, @{odd key}'\nlink-citations: true\n"
            "reference-section-title: Sources\n...\nBody\n")
    meta = read_front_matter(text)
    assert meta.bibliography == ["a.bib", "b.json"]
    assert (meta.csl, meta.lang, meta.link_citations) == ("apa", "de-DE", True)
    assert meta.nocite == ["x", "odd key"] and not meta.nocite_all
    assert meta.section_title == "Sources"
    assert text[meta.body_start:] == "Body\n" and meta.body_line == 12


def test_inline_references_get_document_lines() -> None:
    text = ("---\nreferences:\n- id: good\n  type: book\n  title: Fine\n"
            "- id: bad\n  issued: {date-parts: [[spring]]}\n---\nBody\n")
    meta = read_front_matter(text, filename="doc.md")
    assert meta.references.keys() == ["good"]
    [problem] = meta.reference_diagnostics
    assert (problem.file, problem.line, problem.key) == ("doc.md", 6, "bad")


@pytest.mark.parametrize("value, keys", [
    ("@*", ["*"]),
    (["@a", "@b"], ["a", "b"]),
    ("@a; @b.c and mail me@host", ["a", "b.c", "host"]),
    (None, []),
])
def test_nocite_keys(value: object, keys: list[str]) -> None:
    assert nocite_keys(value) == keys


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
    assert resolve_paths(["refs.bib", "/abs/x.bib"], doc) == [
        tmp_path / "sub" / "refs.bib", Path("/abs/x.bib")]
    assert resolve_paths(["r.bib"], "-") == [Path.cwd() / "r.bib"]

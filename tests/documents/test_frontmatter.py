"""YAML front matter of Markdown documents: citekit.documents.frontmatter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from citekit.base.paths import ALLOW_ENV, UnsafePathError
from citekit.documents.frontmatter import (
    FrontMatterError,
    nocite_keys,
    read_front_matter,
    resolve_paths,
    resolve_style,
    split_front_matter,
)


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
    [problem] = meta.reference_diagnostics
    assert (problem.file, problem.line, problem.key) == ("doc.md", 6, "bad")


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

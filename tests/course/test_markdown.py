"""The Markdown reader: pandoc metadata, ids on headings, fenced divs per reading."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from citekit.course.build import build_from_file
from citekit.course.markdown import render_markdown


@pytest.fixture
def text(course_dir: Path) -> str:
    return render_markdown(build_from_file(course_dir / "course.toml"))


def test_metadata_block(text: str) -> None:
    assert text.startswith("---\n")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta == {
        "title": "Korea 101",
        "subtitle": "KOR 101 · Autumn",
        "author": "P. Lee",
        "lang": "en-US",
    }


def test_structure(text: str) -> None:
    lines = text.splitlines()
    assert "# Week 1: The armistice and the missing peace treaty {#week-1}" in lines
    assert "# Bibliography {#bibliography}" in lines
    assert "- [Week 2: Talks](#week-2)" in lines  # no load where nothing is counted
    assert "unknown" not in text
    assert lines.count("::: {#week-1--zhou2019 .reader-entry .required}") == 1
    assert "*Negotiating at Panmunjom*" in text
    assert (
        "Baker, T. (1998)."
        in lines[lines.index("::: {#week-1--baker1998 .reader-entry .optional}") + 1]
    )
    assert "**Optional.**" not in text and "**Required.**" not in text
    assert "Read: pp. 101–110, 115 (11 pages)" in lines
    assert "<https://doi.org/10.1234/jks.2019.5>" in text  # shown as itself: an autolink
    assert text.count(":::\n") == text.count("::: {#")


def test_markdown_specials_are_escaped(course_dir: Path) -> None:
    source = (course_dir / "course.toml").read_text(encoding="utf-8")
    source = source.replace('note = "Two copies on reserve."', 'note = "Use *all* [sic] copies"')
    (course_dir / "course.toml").write_text(source, encoding="utf-8")
    text = render_markdown(build_from_file(course_dir / "course.toml"))
    assert r"*Note:* Use \*all\* \[sic\] copies" in text


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_reads_it(text: str) -> None:
    done = subprocess.run(
        ["pandoc", "-f", "markdown", "-t", "json"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    document = json.loads(done.stdout)
    headers = [b for b in document["blocks"] if b["t"] == "Header"]
    ids = [h["c"][1][0] for h in headers]
    assert ids[:3] == ["contents", "week-1", "required-reading"]
    divs = [b for b in document["blocks"] if b["t"] == "Div"]
    assert [d["c"][0][0] for d in divs][:3] == [
        "week-1--zhou2019",
        "week-1--adams2001",
        "week-1--baker1998",
    ]
    assert document["meta"]["title"]["c"][0]["c"] == "Korea"


def test_numeric_labels_keep_their_space(course_dir: Path) -> None:
    source = (course_dir / "course.toml").read_text(encoding="utf-8")
    (course_dir / "course.toml").write_text(source.replace('"apa"', '"ieee"'), encoding="utf-8")
    text = render_markdown(build_from_file(course_dir / "course.toml"))
    entries = [line for line in text.splitlines() if line.startswith(("**Required.**", "\\["))]
    assert entries and all(("\\] " in line) for line in entries)
    assert "::: {#bibliography--zhou2019 .reader-entry}" in text


def test_metadata_is_markdown_escaped_and_yaml_quoted(course_dir: Path) -> None:
    """pandoc reads metadata values as Markdown: a <script> in the title was raw HTML."""
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    for old, new in (
        ('title = "Korea 101"', 'title = "K <script>alert(1)</script>"'),
        ('term = "Autumn"', 'term = "Fall\\" x: [y]\\nlang: xx"'),
        ('instructor = "P. Lee"', 'instructor = "*Lee* \\\\ `x`"'),
    ):
        text = text.replace(old, new)
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    markdown = render_markdown(build_from_file(course_dir / "course.toml"))
    meta = yaml.safe_load(markdown.split("---\n")[1])
    assert meta == {
        "title": r"K \<script\>alert(1)\</script\>",
        "subtitle": r'KOR 101 · Fall" x: \[y\] lang: xx',
        "author": r"\*Lee\* \\ \`x\`",
        "lang": "en-US",
    }

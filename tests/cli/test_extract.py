"""``citekit extract`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main

BIB = """@string{jgs = "Journal of Generic Studies"}

@article{doe2000,
  author = {Doe, John}, title = {On Things}, journal = jgs, year = 2000,
}

@book{other1999, author = {Other, Olga}, title = {Not Cited}, year = 1999}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "big.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "paper.md").write_text("See [@doe2000].\n", encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_writes_the_cited_entries_to_a_file(folder: Path) -> None:
    target = folder / "cited.bib"
    code, out, err = run(
        "extract", str(folder / "paper.md"), "-b", str(folder / "big.bib"), "-o", str(target)
    )
    assert code == 0, err
    assert out == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith('@string{jgs = "Journal of Generic Studies"}')
    assert "@article{doe2000," in text and "other1999" not in text


def test_a_missing_key_is_reported_with_file_and_line_and_exits_1(folder: Path) -> None:
    (folder / "paper.md").write_text("See [@doe2000].\n\nAnd [@nokey].\n", encoding="utf-8")
    code, out, err = run("extract", str(folder / "paper.md"), "-b", str(folder / "big.bib"))
    assert code == 1
    assert "@article{doe2000," in out
    assert f"{folder / 'paper.md'}:3" in err and "'nokey'" in err


def test_json_summary(folder: Path) -> None:
    code, out, err = run(
        "extract", str(folder / "paper.md"), "-b", str(folder / "big.bib"), "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out) == {"cited": ["doe2000"], "written": ["doe2000"], "missing": []}


def test_to_another_format(folder: Path) -> None:
    code, out, err = run(
        "extract", str(folder / "paper.md"), "-b", str(folder / "big.bib"), "-t", "csljson"
    )
    assert code == 0, err
    assert [item["id"] for item in json.loads(out)] == ["doe2000"]


def test_never_overwrites_an_input(folder: Path) -> None:
    before = (folder / "big.bib").read_text(encoding="utf-8")
    code, _, err = run(
        "extract",
        str(folder / "paper.md"),
        "-b",
        str(folder / "big.bib"),
        "-o",
        str(folder / "big.bib"),
    )
    assert code == 2  # as citekit render: a usage error (docs/exit-codes.md)
    assert "refusing to overwrite" in err
    assert (folder / "big.bib").read_text(encoding="utf-8") == before


def test_a_library_is_required_and_a_missing_document_is_a_usage_error(folder: Path) -> None:
    assert run("extract", str(folder / "paper.md"))[0] == 2
    code, _, err = run("extract", str(folder / "nope.md"), "-b", str(folder / "big.bib"))
    assert code == 2 and "nope.md" in err

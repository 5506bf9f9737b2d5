"""``citekit cite`` through click's runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.cli import main

ITEMS: list[dict[str, Any]] = [
    {"id": "raimondo2000", "type": "book",
     "title": "An enemy of the state: the life of Murray N. Rothbard",
     "author": [{"family": "Raimondo", "given": "Justin"}],
     "issued": {"date-parts": [[2000]]}, "publisher": "Prometheus Books",
     "publisher-place": "Amherst, N.Y."},
    {"id": "raimondo2008", "type": "book", "title": "Reclaiming the American right",
     "author": [{"family": "Raimondo", "given": "Justin"}],
     "issued": {"date-parts": [[2008]]}, "publisher": "ISI Books", "DOI": "10.1000/xyz123"},
]


@pytest.fixture
def refs(library_file: Callable[[list[dict[str, Any]]], Path]) -> Path:
    return library_file(ITEMS)


def cite(runner: CliRunner, refs: Path, *args: str) -> Any:
    return runner.invoke(main, ["cite", *args, "--bib", str(refs), "--engine", "citeproc-py"])


def test_cluster_with_locator(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2000, p. 33; @raimondo2008")
    assert result.exit_code == 0, result.output
    assert result.stdout == "(Raimondo, 2000, p. 33; Raimondo, 2008)\n"


def test_several_clusters_suppressed_author_and_prefix(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "[-@raimondo2000]", "see @raimondo2008, sec. 3")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["(2000)", "(see Raimondo, 2008, Section 3)"]


def test_bibliography_of_cited_entries(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2008", "--bibliography", "--style", "ieee")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "[1]"
    assert lines[2].startswith("[1] J. Raimondo, Reclaiming the American right")
    assert len([line for line in lines if line.startswith("[")]) == 2


def test_html_and_json_formats(runner: CliRunner, refs: Path) -> None:
    html = cite(runner, refs, "@raimondo2000", "--style", "chicago-notes-bibliography",
                "--format", "html")
    assert html.exit_code == 0, html.output
    assert "<i>An Enemy of the State" in html.stdout
    data = json.loads(cite(runner, refs, "@raimondo2000", "--format", "json").stdout)
    assert data["citations"] == ["(Raimondo, 2000)"]
    assert data["style"] == "apa"


def test_unknown_key_exits_1_with_suggestions(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo200, p. 4")
    assert result.exit_code == 1
    assert "raimondo200" in result.stderr
    assert "raimondo2000" in result.stderr and "did you mean" in result.stderr
    assert result.stdout == ""


def test_unknown_style_exits_2_with_suggestions(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2000", "--style", "chicgo-author-date")
    assert result.exit_code == 2
    assert "chicago-author-date" in result.stderr


def test_unknown_locale_exits_2(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2000", "--locale", "klingon")
    assert result.exit_code == 2
    assert "unknown locale" in result.stderr


def test_locale_changes_terms(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2000, S. 4", "--locale", "de-DE")
    assert result.exit_code == 0, result.output
    assert result.stdout == "(Raimondo, 2000, S. 4)\n"


def test_no_key_in_cluster_is_a_usage_error(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "just words")
    assert result.exit_code == 2
    assert "no citation key" in result.stderr


def test_default_bibliography_file(runner: CliRunner, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = runner.invoke(main, ["cite", "@raimondo2000"])
    assert missing.exit_code == 2
    assert "references.bib" in missing.stderr
    (tmp_path / "references.bib").write_text(
        "@book{raimondo2000, author = {Raimondo, Justin}, title = {An Enemy of the State},"
        " year = {2000}, publisher = {Prometheus}}\n", encoding="utf-8")
    found = runner.invoke(main, ["cite", "@raimondo2000", "--engine", "citeproc-py"])
    assert found.exit_code == 0, found.output
    assert found.stdout == "(Raimondo, 2000)\n"


def test_help_documents_the_default_style(runner: CliRunner) -> None:
    result = runner.invoke(main, ["cite", "--help"])
    assert result.exit_code == 0
    assert "default: apa" in result.output
    assert "Example:" in result.output

"""``citekit convert`` through click's runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.cli import main

ITEMS: list[dict[str, Any]] = [
    {"id": "darwin1859", "type": "book", "title": "On the Origin of Species",
     "author": [{"family": "Darwin", "given": "Charles"}],
     "issued": {"date-parts": [[1859]]}, "publisher": "John Murray"},
    {"id": "müller2001", "type": "article-journal", "title": "Über Zellen",
     "author": [{"family": "Müller", "given": "Anna"}], "issued": "2001-05",
     "container-title": "Zeitschrift", "volume": "3", "page": 12},
]

BROKEN = """[
  {"id": "good", "type": "book", "title": "Fine"},
  {"id": "bad", "type": "book", "author": "Smith, John"},
  {"id": "good", "type": "book", "title": "Again"}
]
"""


@pytest.fixture
def refs(library_file: Callable[[list[dict[str, Any]]], Path]) -> Path:
    return library_file(ITEMS)


def test_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["convert", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "citekit convert references.bib -t csljson" in result.output


def test_file_to_stdout(runner: CliRunner, refs: Path) -> None:
    result = runner.invoke(main, ["convert", str(refs), "-t", "csljson"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ITEMS
    assert "Über Zellen" in result.stdout  # UTF-8, not \u escapes


def test_stdin_to_stdout_with_dash(runner: CliRunner) -> None:
    result = runner.invoke(main, ["convert", "-", "-f", "csl-json", "-t", "json", "-o", "-"],
                           input=json.dumps(ITEMS))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ITEMS


def test_stdin_format_is_sniffed_from_content(runner: CliRunner) -> None:
    result = runner.invoke(main, ["convert", "-", "-t", "csljson"], input=json.dumps(ITEMS))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ITEMS


def test_output_format_from_suffix_and_atomic_write(runner: CliRunner, refs: Path,
                                                    tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.json"
    result = runner.invoke(main, ["convert", str(refs), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == ITEMS
    assert [p.name for p in out.parent.iterdir()] == ["out.json"]  # no temporary left


def test_refuses_to_overwrite_the_input(runner: CliRunner, refs: Path) -> None:
    before = refs.read_bytes()
    result = runner.invoke(main, ["convert", str(refs), "-o", str(refs)])
    assert result.exit_code == 1
    assert "refusing to overwrite the input" in result.stderr
    assert refs.read_bytes() == before


def test_missing_output_format_is_a_usage_error(runner: CliRunner, refs: Path,
                                                tmp_path: Path) -> None:
    to_stdout = runner.invoke(main, ["convert", str(refs)])
    assert to_stdout.exit_code == 2
    assert "-t" in to_stdout.stderr
    unknown_suffix = runner.invoke(main, ["convert", str(refs), "-o", str(tmp_path / "x.qqq")])
    assert unknown_suffix.exit_code == 2


def test_unknown_format_and_missing_file_are_usage_errors(runner: CliRunner, refs: Path,
                                                          tmp_path: Path) -> None:
    unknown = runner.invoke(main, ["convert", str(refs), "-t", "docbook"])
    assert unknown.exit_code == 2
    assert "unknown format 'docbook'" in unknown.stderr
    missing = runner.invoke(main, ["convert", str(tmp_path / "nope.json"), "-t", "csljson"])
    assert missing.exit_code == 2
    assert "nope.json" in missing.stderr


def test_broken_input_names_file_line_and_key(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(main, ["convert", str(path), "-t", "csljson"])
    assert result.exit_code == 1  # entries were left out
    assert f"{path}:3, entry 'bad', field 'author': error:" in result.stderr
    assert f"{path}:4, entry 'good': error: duplicate id" in result.stderr
    written = json.loads(result.stdout)
    assert [item["id"] for item in written] == ["good", "bad"]
    assert written[0]["title"] == "Fine"


def test_warnings_go_to_stderr_and_exit_zero(runner: CliRunner) -> None:
    result = runner.invoke(main, ["convert", "-", "-t", "csljson"],
                           input='[{"id": "x", "title": "No type"}]')
    assert result.exit_code == 0
    assert "<stdin>:1, entry 'x': warning: item has no 'type'" in result.stderr
    assert json.loads(result.stdout) == [{"id": "x", "type": "document", "title": "No type"}]


def test_strict_writes_nothing_and_exits_one(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(main, ["convert", "-", "-t", "csljson", "-o", str(out), "--strict"],
                           input='[{"id": "x", "title": "No type"}]')
    assert result.exit_code == 1
    assert "nothing written" in result.stderr
    assert not out.exists()


def test_report_lists_unmapped_fields_as_text_and_json(
        runner: CliRunner, refs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The BibTeX reader emits one 'unmapped-fields' note per entry; fake one here
    # so the report does not depend on which readers exist.
    from citekit.errors import Diagnostic, Severity
    from citekit.formats import csljson

    real_read = csljson.read

    def read_with_notes(text: str, *, filename: str | None = None) -> Any:
        result = real_read(text, filename=filename)
        result.diagnostics.append(Diagnostic(
            Severity.INFO, "unmapped-fields", "kept in custom: owner, timestamp",
            file=filename, line=2, key="darwin1859"))
        result.diagnostics.append(Diagnostic(Severity.INFO, "other-note", "unrelated"))
        return result

    monkeypatch.setattr(csljson, "read", read_with_notes)
    text = runner.invoke(main, ["convert", str(refs), "-t", "csljson", "--report"])
    assert text.exit_code == 0, text.output
    assert (f"{refs}:2, entry 'darwin1859': info: kept in custom: owner, timestamp "
            "[unmapped-fields]") in text.stderr
    assert "unrelated" not in text.stderr
    assert "1 entry with fields kept in 'custom'" in text.stderr
    assert json.loads(text.stdout) == ITEMS

    as_json = runner.invoke(main, ["convert", str(refs), "-t", "csljson", "--report",
                                   "--format", "json"])
    assert as_json.exit_code == 0
    report = json.loads(as_json.stderr)
    assert [(r["key"], r["code"], r["line"]) for r in report] == [
        ("darwin1859", "unmapped-fields", 2)]

    quiet = runner.invoke(main, ["convert", str(refs), "-t", "csljson"])
    assert quiet.stderr == ""


def test_biblatex_options_are_ignored_for_other_writers(runner: CliRunner, refs: Path) -> None:
    result = runner.invoke(main, ["convert", str(refs), "-t", "csljson", "--dialect", "bibtex",
                                  "--ascii"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ITEMS


def test_json_to_biblatex_and_back_when_the_bibtex_format_exists(
        runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("citekit.formats.bibtex")
    source = tmp_path / "refs.json"
    source.write_text(json.dumps(ITEMS[:1]), encoding="utf-8")
    bib = tmp_path / "refs.bib"
    result = runner.invoke(main, ["convert", str(source), "-o", str(bib)])
    assert result.exit_code == 0, result.output
    assert "@book{darwin1859" in bib.read_text(encoding="utf-8").lower()
    back = runner.invoke(main, ["convert", str(bib), "-t", "csljson"])
    assert back.exit_code == 0, back.output
    [item] = json.loads(back.stdout)
    assert (item["id"], item["type"], item["title"]) == (
        "darwin1859", "book", "On the Origin of Species")

"""``citekit check`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main

CLEAN = """[
  {"id": "darwin1859", "type": "book", "title": "On the Origin of Species",
   "author": [{"family": "Darwin"}], "issued": "1859", "publisher": "John Murray"}
]
"""

WARNINGS_ONLY = """[
  {"id": "w", "type": "book", "title": "T", "author": [{"family": "Doe"}], "issued": "2001",
   "publisher": "P", "DOI": "https://doi.org/10.1000/abc"}
]
"""

PROBLEMS = """[
  {"id": "ok", "type": "book", "title": "T", "author": [{"family": "Doe"}],
   "issued": "2001", "publisher": "P"},
  {"id": "notitle", "type": "book", "author": [{"family": "Doe"}],
   "issued": "2001", "publisher": "P"},
  {"id": "ok", "type": "book", "title": "Duplicate"},
  {"id": "baddate", "type": "book", "title": "T", "author": [{"family": "Doe"}],
   "issued": {"date-parts": [[2008], [1993]]}, "publisher": "P", "ISBN": "0-306-40615-3"}
]
"""


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_clean_file_exits_zero(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", _write(tmp_path, "a.json", CLEAN)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "0 errors, 0 warnings, 0 notes in 1 file\n"


def test_problems_are_located_one_per_line(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "p.json", PROBLEMS)
    result = runner.invoke(main, ["check", path])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        f"{path}:6, entry 'ok': error: duplicate id 'ok' (first at line 2); this item "
        "was skipped [duplicate-key]" in lines
    )
    assert (
        f"{path}:4, entry 'notitle', field 'title': error: a book needs a title "
        "[missing-title]" in lines
    )
    assert any(
        line.startswith(f"{path}:7, entry 'baddate', field 'issued': error:")
        and line.endswith("[date-range-reversed]")
        for line in lines
    )
    assert any(
        line.startswith(f"{path}:7, entry 'baddate', field 'ISBN': warning:") for line in lines
    )
    assert lines[-1] == "3 errors, 1 warning, 0 notes in 1 file"


def test_warnings_exit_zero_unless_strict(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "w.json", WARNINGS_ONLY)
    lenient = runner.invoke(main, ["check", path])
    assert lenient.exit_code == 0
    assert "[doi-url]" in lenient.stdout
    strict = runner.invoke(main, ["check", path, "--strict"])
    assert strict.exit_code == 1


def test_json_output(runner: CliRunner, tmp_path: Path) -> None:
    clean = _write(tmp_path, "a.json", CLEAN)
    problems = _write(tmp_path, "p.json", PROBLEMS)
    result = runner.invoke(main, ["check", clean, problems, "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["files"] == [clean, problems]
    assert data["counts"] == {"error": 3, "warning": 1, "info": 0}
    codes = {(d["key"], d["code"], d["line"], d["file"]) for d in data["diagnostics"]}
    assert ("notitle", "missing-title", 4, problems) in codes
    assert ("ok", "duplicate-key", 6, problems) in codes
    assert set(data["diagnostics"][0]) == {
        "severity",
        "code",
        "message",
        "file",
        "line",
        "key",
        "field",
    }


def test_stdin_and_malformed_json(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "-"], input='[\n  {"id": "a", "type": "book",}\n]')
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>:2, entry 'a': error: malformed JSON at line 2")


def test_missing_file_and_unknown_format_are_usage_errors(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert runner.invoke(main, ["check", str(tmp_path / "nope.json")]).exit_code == 2
    path = _write(tmp_path, "a.json", CLEAN)
    assert runner.invoke(main, ["check", path, "-f", "docbook"]).exit_code == 2
    assert runner.invoke(main, ["check"]).exit_code == 2


def test_verbose_lists_notes(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typing import Any

    from citekit.errors import Diagnostic, Severity
    from citekit.formats import csljson

    real_read = csljson.read

    def read_with_note(text: str, *, filename: str | None = None) -> Any:
        result = real_read(text, filename=filename)
        result.diagnostics.append(
            Diagnostic(Severity.INFO, "unmapped-fields", "kept: x", file=filename, key="darwin1859")
        )
        return result

    monkeypatch.setattr(csljson, "read", read_with_note)
    path = _write(tmp_path, "a.json", CLEAN)
    quiet = runner.invoke(main, ["check", path])
    assert quiet.exit_code == 0
    assert "kept: x" not in quiet.stdout
    assert quiet.stdout.endswith("1 note in 1 file\n")
    verbose = runner.invoke(main, ["check", path, "-v"])
    assert "info: kept: x [unmapped-fields]" in verbose.stdout


def test_bibtex_files_when_the_reader_exists(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("citekit.formats.bibtex")
    path = _write(
        tmp_path,
        "refs.bib",
        "@book{a, title={T}, author={Doe, Jane}, year={2001}, publisher={P}}\n"
        "@book{a, title={Again}}\n",
    )
    result = runner.invoke(main, ["check", path, "--format", "json", "--strict"])
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    [duplicate] = [d for d in data["diagnostics"] if d["code"] == "duplicate-key"]
    assert (duplicate["key"], duplicate["line"], duplicate["file"]) == ("a", 2, path)


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (
            "refs.ris",
            "TY  - BOOK\nID  - ok\nTI  - T\nER  - \n\n"
            "TY  - BOOK\nID  - notitle\nAU  - Doe, Jane\nER  - \n",
            6,
        ),
        ("refs.yaml", "references:\n- id: ok\n  title: T\n- id: notitle\n  type: book\n", 4),
        ("refs.bib", "@book{ok, title={T}}\n\n@book{notitle, author={Doe}}\n", 3),
    ],
)
def test_rule_diagnostics_point_at_the_entry_in_every_format(
    runner: CliRunner, tmp_path: Path, name: str, text: str, line: int
) -> None:
    """Every reader fills ``ReadResult.lines``; a rule's problem names the entry's line."""
    path = _write(tmp_path, name, text)
    data = json.loads(runner.invoke(main, ["check", path, "--format", "json"]).stdout)
    [missing] = [d for d in data["diagnostics"] if d["code"] == "missing-title"]
    assert (missing["key"], missing["line"]) == ("notitle", line)


def test_pandoc_export_of_the_biblatex_examples(runner: CliRunner, shared: Path) -> None:
    path = str(shared / "reference" / "pandoc-csljson" / "biblatex-examples.json")
    result = runner.invoke(main, ["check", path, "--format", "json"])
    data = json.loads(result.stdout)
    assert result.exit_code == (1 if data["counts"]["error"] else 0)
    assert data["diagnostics"], "the examples contain deliberate oddities"
    assert all(d["file"] == path and d["line"] and d["key"] for d in data["diagnostics"])
    # biblatex's @set entry has no title of its own
    assert any(d["key"] == "set" and d["code"] == "missing-title" for d in data["diagnostics"])

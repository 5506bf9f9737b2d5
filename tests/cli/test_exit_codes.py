"""Every command's exit codes, as docs/exit-codes.md states them.

The table is read from the document and every cell is run through click's
runner, so the document cannot drift from the code: a command added to the
CLI without a row, or a row whose codes are wrong, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "exit-codes.md"
SCENARIOS = ("good", "broken", "unknown", "option")

GOOD = """\
@book{darwin1859,
  author = {Darwin, Charles},
  title = {On the Origin of Species},
  year = {1859},
  publisher = {John Murray},
}

@article{doe2000,
  author = {Doe, Jane},
  title = {A Paper},
  journal = {Journal},
  year = {2000},
}
"""
BROKEN = GOOD + "\n@book{broken,\n  title = {no end}\n"
COURSE = """\
title = "C"
style = "apa"
libraries = ["{library}"]

[[sections]]
id = "w1"
title = "Week 1"

[[sections.readings]]
key = "{key}"
"""

#: How each cell of the table is run, in the folder made by ``folder``.
RUNS: dict[str, dict[str, list[str]]] = {
    "bib": {
        "good": ["good.bib"],
        "broken": ["broken.bib"],
        "unknown": ["good.bib", "darwin1859", "nokey"],
    },
    "cite": {
        "good": ["@darwin1859", "-b", "good.bib"],
        "broken": ["@darwin1859", "-b", "broken.bib"],
        "unknown": ["@darwin1859; @nokey", "-b", "good.bib"],
    },
    "render": {
        "good": ["doc.md", "--bib", "good.bib"],
        "broken": ["doc.md", "--bib", "broken.bib"],
        "unknown": ["nokey.md", "--bib", "good.bib"],
    },
    "extract": {
        "good": ["doc.md", "-b", "good.bib"],
        "broken": ["doc.md", "-b", "broken.bib"],
        "unknown": ["nokey.md", "-b", "good.bib"],
    },
    "styles": {"good": ["apa"]},
    "convert": {"good": ["good.bib", "-t", "csljson"], "broken": ["broken.bib", "-t", "csljson"]},
    "check": {"good": ["good.bib"], "broken": ["broken.bib"]},
    "list": {"good": ["good.bib"], "broken": ["broken.bib"]},
    "show": {
        "good": ["good.bib", "darwin1859"],
        "broken": ["broken.bib", "darwin1859"],
        "unknown": ["good.bib", "nokey"],
    },
    "dedupe": {"good": ["good.bib"], "broken": ["broken.bib"]},
    "keys": {"good": ["good.bib"], "broken": ["broken.bib"]},
    "format": {"good": ["good.bib"], "broken": ["broken.bib"]},
    "quotes": {
        "good": ["good.bib"],
        "broken": ["broken.bib"],
        "unknown": ["good.bib", "--in", "nokey"],
    },
    "quotes verify": {
        "good": ["good.bib", "--source", "essay.txt"],
        "broken": ["broken.bib", "--source", "essay.txt"],
        "unknown": ["good.bib", "--source", "essay.txt", "--in", "nokey"],
    },
    "reader": {
        "good": ["course.toml", "--format", "json"],
        "broken": ["broken.toml", "--format", "json"],
        "unknown": ["nokey.toml", "--format", "json"],
    },
    "serve": {"good": ["--stdio"]},
    "lsp": {},  # every run needs an editor: tests/integrations/test_lsp.py speaks the protocol
    "pandoc-filter": {
        "good": ["html", "-M", "bibliography=good.bib"],
        "broken": ["html", "-M", "bibliography=broken.bib"],
        "unknown": ["html", "-M", "bibliography=good.bib", "-M", "nocite=@nokey"],
    },
    "add": {},  # every run needs a service: tests/cli/test_add.py runs them against local ones
}
STDIN = {
    "serve": '{"id": 1, "method": "shutdown"}\n',
    "pandoc-filter": '{"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": '
    '[{"t": "Para", "c": [{"t": "Cite", "c": [[{"citationId": "darwin1859", '
    '"citationPrefix": [], "citationSuffix": [], '
    '"citationMode": {"t": "NormalCitation"}, '
    '"citationNoteNum": 1, "citationHash": 0}], []]}]}]}',
}


def documented() -> dict[str, dict[str, int | None]]:
    """The per-command table of docs/exit-codes.md: command -> scenario -> code (None: —)."""
    rows: dict[str, dict[str, int | None]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([a-z -]+)`\s*\|((?:[^|]*\|){4})", line)
        if match is None:
            continue
        cells = [cell.strip() for cell in match.group(2).split("|")[:4]]
        rows[match.group(1)] = {
            scenario: None if cell == "—" else int(cell)
            for scenario, cell in zip(SCENARIOS, cells, strict=True)
        }
    return rows


TABLE = documented()
CELLS = [
    (command, scenario, code)
    for command, codes in TABLE.items()
    for scenario, code in codes.items()
    if code is not None
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "good.bib").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.bib").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "doc.md").write_text("See [@darwin1859].\n", encoding="utf-8")
    (tmp_path / "nokey.md").write_text("See [@darwin1859; @nokey].\n", encoding="utf-8")
    (tmp_path / "essay.txt").write_text("An essay quoting nobody.\n", encoding="utf-8")
    for name, library, key in (
        ("course", "good.bib", "darwin1859"),
        ("broken", "broken.bib", "darwin1859"),
        ("nokey", "good.bib", "nokey"),
    ):
        text = COURSE.replace("{library}", library).replace("{key}", key)
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_table_has_a_row_for_every_command() -> None:
    commands = set(main.commands) | {"quotes verify"}
    assert set(TABLE) == commands


def test_the_table_and_the_runs_name_the_same_cells() -> None:
    for command, codes in TABLE.items():
        run = set(RUNS[command]) | {"option"}
        assert {s for s, code in codes.items() if code is not None} == run, command


@pytest.mark.parametrize(
    ("command", "scenario", "code"), CELLS, ids=[f"{c}-{s}" for c, s, _ in CELLS]
)
def test_exit_code_is_as_documented(folder: Path, command: str, scenario: str, code: int) -> None:
    args = ["--no-such-option"] if scenario == "option" else RUNS[command][scenario]
    result = CliRunner().invoke(main, [*command.split(), *args], input=STDIN.get(command))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, result.output + result.stderr
    if code == 1:  # a problem in the data is always said (check's report is its output)
        assert (result.stdout if command == "check" else result.stderr).strip()

"""``citekit list`` and ``citekit show`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.cli import main

ITEMS: list[dict[str, Any]] = [
    {
        "id": "darwin1859",
        "type": "book",
        "title": "On the Origin of Species",
        "author": [{"family": "Darwin", "given": "Charles"}],
        "issued": {"date-parts": [[1859]]},
        "publisher": "John Murray",
    },
    {
        "id": "muller2001",
        "type": "article-journal",
        "title": "Über Zellen",
        "author": [{"family": "Müller", "given": "Anna"}, {"family": "Roe"}],
        "issued": "2001-05",
        "container-title": "Zeitschrift",
        "custom": {"owner": "me"},
    },
    {
        "id": "who2020",
        "type": "report",
        "title": "World report",
        "author": [{"literal": "World Health Organization"}],
        "issued": {"date-parts": [[2020]]},
    },
    {"id": "undated", "type": "webpage", "title": "A page"},
]


@pytest.fixture
def refs(tmp_path: Path) -> str:
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(ITEMS, indent=1), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", ["list", "show"])
def test_help_has_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_list_text_one_line_per_record(runner: CliRunner, refs: str) -> None:
    result = runner.invoke(main, ["list", refs])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].split() == [
        "darwin1859",
        "book",
        "Darwin",
        "1859",
        "On",
        "the",
        "Origin",
        "of",
        "Species",
    ]
    assert lines[1].split()[:4] == ["muller2001", "article-journal", "Müller", "2001"]
    assert "World Health Organi" in lines[2]
    assert lines[3].split()[:3] == ["undated", "webpage", "n.d."]
    # columns line up
    assert len({line.index(line.split()[1]) for line in lines}) == 1


def test_list_filters(runner: CliRunner, refs: str) -> None:
    def keys(*args: str) -> list[str]:
        result = runner.invoke(main, ["list", refs, *args])
        assert result.exit_code == (0 if result.stdout else 1), result.output
        return [line.split()[0] for line in result.stdout.splitlines()]

    assert keys("--type", "book") == ["darwin1859"]
    assert keys("--author", "MULLER") == ["muller2001"]
    assert keys("--author", "roe") == ["muller2001"]
    assert keys("--year", "2000-2010") == ["muller2001"]
    assert keys("--year", "2001") == ["muller2001"]
    assert keys("--year", "-1900") == ["darwin1859"]
    assert keys("--search", "zeitschrift") == ["muller2001"]
    assert keys("--search", "origin", "--year", "1859", "--type", "book") == ["darwin1859"]
    assert keys("--author", "nobody") == []


def test_list_json_is_csljson_of_the_matches(runner: CliRunner, refs: str) -> None:
    result = runner.invoke(main, ["list", refs, "--year", "2000-", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [ITEMS[1], ITEMS[2]]


def test_list_bad_year_is_a_usage_error(runner: CliRunner, refs: str) -> None:
    result = runner.invoke(main, ["list", refs, "--year", "soon"])
    assert result.exit_code == 2
    assert "'soon' is not a year" in result.stderr


def test_list_from_stdin_reports_broken_entries(runner: CliRunner) -> None:
    text = '[\n{"id": "a", "type": "book", "title": "A"},\n{"type": "book"}\n]'
    result = runner.invoke(main, ["list", "-"], input=text)
    assert result.exit_code == 1  # the entries that load are listed; the broken one counts
    assert result.stdout.split()[0] == "a"
    assert "<stdin>:3: error: item has no 'id'" in result.stderr


def test_show_text(runner: CliRunner, refs: str) -> None:
    result = runner.invoke(main, ["show", refs, "muller2001"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "key: muller2001",
        "type: article-journal",
        "title: Über Zellen",
        "author: Anna Müller; Roe",
        "issued: 2001-05",
        "container-title: Zeitschrift",
        'custom: {"owner": "me"}',
    ]


def test_show_json(runner: CliRunner, refs: str) -> None:
    result = runner.invoke(main, ["show", refs, "who2020", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == ITEMS[2]


def test_show_unknown_key_suggests_closest(runner: CliRunner, refs: str) -> None:
    result = runner.invoke(main, ["show", refs, "darwin1858"])
    assert result.exit_code == 1  # an unknown key is a data problem, as in `cite`
    assert "no entry with key 'darwin1858'" in result.stderr
    assert "did you mean: darwin1859" in result.stderr
    far = runner.invoke(main, ["show", refs, "zzzzzzzzzz"])
    assert far.exit_code == 1
    assert "did you mean" not in far.stderr


def test_show_keys_are_case_sensitive(runner: CliRunner, refs: str) -> None:
    result = runner.invoke(main, ["show", refs, "DARWIN1859"])
    assert result.exit_code == 1
    assert "did you mean: darwin1859" in result.stderr


def test_show_bibtex_when_the_writer_exists(runner: CliRunner, refs: str) -> None:
    pytest.importorskip("citekit.formats.bibtex")
    result = runner.invoke(main, ["show", refs, "darwin1859", "--format", "bibtex"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().lower().startswith("@book{darwin1859")

"""``citekit styles`` through click's runner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from citekit.cli import main


def test_search_prints_id_class_title_fields() -> None:
    result = CliRunner().invoke(main, ["styles", "chicago", "author-date"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("chicago-author-date\t"))
    _, kind, rest = line.split("\t")
    assert kind == "author-date"
    assert rest.startswith("Chicago Manual of Style")
    assert "[" in rest and "history" in rest


def test_json_output_and_dependents() -> None:
    result = CliRunner().invoke(main, ["styles", "2d materials", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    entry = next(e for e in data if e["id"] == "2d-materials")
    assert entry["parent"] == "institute-of-physics-numeric"
    assert entry["class"] == "in-text"


def test_independent_only() -> None:
    result = CliRunner().invoke(main, ["styles", "physics", "--independent", "--format", "json"])
    assert result.exit_code == 0
    assert all(entry["parent"] is None for entry in json.loads(result.stdout))


def test_nothing_found_exits_1() -> None:
    result = CliRunner().invoke(main, ["styles", "zzz-nothing-like-this"])
    assert result.exit_code == 1
    assert "no styles match" in result.stderr


def test_locales() -> None:
    result = CliRunner().invoke(main, ["styles", "--locales"])
    assert result.exit_code == 0
    assert "de-AT" in result.stdout.split()

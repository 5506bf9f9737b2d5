"""``citekit convert zotero.sqlite``: the acceptance test of issue 17, item 2.

The database is generated from Zotero's published schema by
``tests/formats/zotero_db.py``; the expected records are
``tests/formats/data/zotero/library.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.cli import main

FORMATS = Path(__file__).resolve().parent.parent / "formats"
if str(FORMATS) not in sys.path:
    sys.path.insert(0, str(FORMATS))

import zotero_db  # noqa: E402

EXPECTED: list[dict[str, Any]] = json.loads(
    (FORMATS / "data" / "zotero" / "library.json").read_text(encoding="utf-8")
)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return zotero_db.build_sample(tmp_path)


def _convert(*args: str) -> Any:
    return CliRunner().invoke(main, ["convert", *args])


def test_convert_gives_the_fixture_records_field_by_field(sample: Path) -> None:
    result = _convert(str(sample), "-t", "csljson")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert [r["id"] for r in got] == [r["id"] for r in EXPECTED]
    for mine, theirs in zip(got, EXPECTED, strict=True):
        for variable in sorted({*mine, *theirs}):
            assert mine.get(variable) == theirs.get(variable), (mine["id"], variable)


def test_convert_to_a_file_leaves_the_database_as_it_was(sample: Path, tmp_path: Path) -> None:
    before = sample.read_bytes()
    output = tmp_path / "library.json"
    result = _convert(str(sample), "-o", str(output))
    assert result.exit_code == 0, result.output
    assert len(json.loads(output.read_text(encoding="utf-8"))) == len(EXPECTED)
    assert sample.read_bytes() == before


def test_collection_option_keeps_a_collection_and_its_sub_collections(sample: Path) -> None:
    result = _convert(str(sample), "-t", "csljson", "--collection", "POL 240/Week 1")
    assert result.exit_code == 0, result.output
    ids = [r["id"] for r in json.loads(result.stdout)]
    expected = ["berg2019sanctions", EXPECTED[1]["id"], "cha2010alliances"]
    assert ids == expected  # Week 1's two items and the one of its sub-collection


def test_an_unknown_collection_is_a_usage_error(sample: Path) -> None:
    result = _convert(str(sample), "-t", "csljson", "--collection", "POL 240/Week 9")
    assert result.exit_code == 2
    assert "POL 240/Week 1" in result.output


def test_collection_option_on_a_text_format_is_a_usage_error(tmp_path: Path) -> None:
    bib = tmp_path / "refs.json"
    bib.write_text('[{"id": "a", "type": "book", "title": "A"}]', encoding="utf-8")
    result = _convert(str(bib), "-t", "csljson", "--collection", "X")
    assert result.exit_code == 2
    assert "--collection applies to Zotero databases only" in result.output


def test_a_zotero_database_cannot_come_from_stdin() -> None:
    result = CliRunner().invoke(
        main, ["convert", "-", "-f", "zotero", "-t", "csljson"], input=b"SQLite format 3\x00"
    )
    assert result.exit_code == 2
    assert "not from stdin" in result.output


def test_report_lists_the_fields_kept_in_custom(sample: Path) -> None:
    result = _convert(str(sample), "-t", "csljson", "--report")
    assert result.exit_code == 0, result.output
    assert "custom.zotero: assignee, country, creators" in result.stderr
    assert "3 entries with fields kept in 'custom'" in result.stderr


def test_a_text_file_named_sqlite_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "zotero.sqlite"
    path.write_text("@book{a, title={A}}\n" * 50, encoding="utf-8")
    result = _convert(str(path), "-t", "csljson")
    assert result.exit_code == 1
    assert "not an SQLite database" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)

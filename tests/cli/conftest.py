"""Fixtures every CLI test module shares."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

_TWO_BOOKS: list[dict[str, Any]] = [
    {
        "id": "raimondo2000",
        "type": "book",
        "title": "An enemy of the state",
        "author": [{"family": "Raimondo", "given": "Justin"}],
        "issued": {"date-parts": [[2000]]},
        "publisher": "Prometheus Books",
    },
    {
        "id": "raimondo2008",
        "type": "book",
        "title": "Reclaiming the American right",
        "author": [{"family": "Raimondo", "given": "Justin"}],
        "issued": {"date-parts": [[2008]]},
        "publisher": "ISI Books",
        "DOI": "10.1000/xyz123",
    },
]


@pytest.fixture
def two_books() -> list[dict[str, Any]]:
    """Two CSL-JSON books by one author, one with a DOI (a fresh copy for each test)."""
    return copy.deepcopy(_TWO_BOOKS)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def library_file(tmp_path: Path) -> Callable[[Sequence[dict[str, Any]]], Path]:
    """Write CSL-JSON items to ``refs.json`` in a temporary folder."""

    def write(items: Sequence[dict[str, Any]], name: str = "refs.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(list(items)), encoding="utf-8")
        return path

    return write

"""Fixtures every CLI test module shares."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner


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

"""Shared test fixtures.

``shared`` points at the shared data folder (``../shared`` beside the
repository, or ``$CITEKIT_SHARED``); tests that need it skip with a message
when it is absent, so the package tests on a fresh machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def shared_path() -> Path | None:
    candidate = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
    return candidate if candidate.is_dir() else None


@pytest.fixture
def shared() -> Path:
    path = shared_path()
    if path is None:
        pytest.skip("../shared is absent: shared test data (corpus, CSL suite) not available")
    return path


@pytest.fixture
def repo_root() -> Path:
    return ROOT

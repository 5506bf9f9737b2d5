"""Fixtures for the identifier sources: the fake services and a client aimed at them.

No test may reach a real service: every ``CITEKIT_*_URL`` points at a closed
local port unless a test aims it at the fake services, and the cache lives in
the test's temporary folder.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakeservices import FakeServices, aim_nowhere, running

from citekit.sources.http import Cache, HttpClient, Services


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    aim_nowhere(monkeypatch, tmp_path / "cache")
    monkeypatch.delenv("CITEKIT_MAILTO", raising=False)


@pytest.fixture
def services() -> Iterator[FakeServices]:
    with running() as fake:
        yield fake


@pytest.fixture
def sleeps() -> list[float]:
    """The waits a client was asked to make (recorded, not slept)."""
    return []


@pytest.fixture
def client(services: FakeServices, tmp_path: Path, sleeps: list[float]) -> Iterator[HttpClient]:
    made = HttpClient(
        services=Services.from_env(services.urls),
        cache=Cache(tmp_path / "cache"),
        timeout=1.0,
        retries=2,
        backoff=0.5,
        sleep=sleeps.append,
    )
    try:
        yield made
    finally:
        made.close()

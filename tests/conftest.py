"""Shared test fixtures and the quick/full split of the suite.

``shared`` points at the shared data folder (``../shared`` beside the
repository, or ``$CITEKIT_SHARED``); tests that need it skip with a message
when it is absent, so the package tests on a fresh machine.

Tests marked ``slow`` (the long corpus runs, every-style runs, property runs
with many examples, slow end-to-end runs) are deselected by default so that
``python -m pytest -q`` stays an inner loop of well under two minutes.
``--full`` (what ``.ci/run`` passes) or ``CITEKIT_FULL_TESTS=1`` runs them
too; a ``-m`` expression (``-m slow``) or a test named by its node id
(``path::test_name``) selects them explicitly.  They are deselected rather
than skipped so that the default run reports no noise, only a count.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

FULL_OPTION = "--full"
FULL_ENV = "CITEKIT_FULL_TESTS"
_LEFT_OUT = pytest.StashKey[int]()


def shared_path() -> Path | None:
    candidate = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
    return candidate if candidate.is_dir() else None


@pytest.fixture
def shared() -> Path:
    path = shared_path()
    if path is None:
        pytest.skip("../shared is absent: shared test data (corpus, CSL suite) not available")
    return path


@pytest.fixture(autouse=True)
def _disk_cache_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commands keep parsed styles in the user's cache folder (citekit.base.diskcache):
    in tests (and the commands they start), a folder of the test session's instead."""
    monkeypatch.setenv("CITEKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def fresh_python() -> Callable[[str], str]:
    """Run Python code in a new interpreter and give its stdout.

    What a command imports and defines at start-up can only be seen in a
    process that has imported nothing yet.
    """

    def run(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
        )
        return done.stdout

    return run


@pytest.fixture
def repo_root() -> Path:
    return ROOT


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        FULL_OPTION,
        action="store_true",
        default=False,
        help=(
            "also run the tests marked slow (corpus, every-style, long property and "
            f"end-to-end runs); .ci/run passes it. Same as {FULL_ENV}=1."
        ),
    )


def _full_run(config: pytest.Config) -> bool:
    """Whether the user asked for every test: ``--full``, the variable, or a ``-m`` choice."""
    if config.getoption(FULL_OPTION) or os.environ.get(FULL_ENV, "") not in ("", "0"):
        return True
    return bool(config.getoption("markexpr", ""))


def _named_tests(config: pytest.Config) -> list[tuple[Path, str]]:
    """The ``path::name`` arguments of the command line, so a slow test named there runs."""
    named: list[tuple[Path, str]] = []
    for arg in config.args:
        if "::" in arg:
            path, rest = arg.split("::", 1)
            named.append(((config.invocation_params.dir / path).resolve(), rest))
    return named


def _is_named(item: pytest.Item, named: list[tuple[Path, str]]) -> bool:
    inside = item.nodeid.split("::", 1)[-1]
    return any(item.path == path and inside.startswith(rest) for path, rest in named)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the slow tests unless the run is a full one (see the module docstring)."""
    if _full_run(config):
        return
    named = _named_tests(config)
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        slow = item.get_closest_marker("slow") is not None
        (left_out if slow and not _is_named(item, named) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    config.stash[_LEFT_OUT] = len(left_out)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Say how many slow tests the quick run left out and how to run them."""
    left_out = config.stash.get(_LEFT_OUT, 0)
    if left_out:
        tests = "test" if left_out == 1 else "tests"
        terminalreporter.write_line(
            f"{left_out} slow {tests} left out (deselected): add {FULL_OPTION} to run them too "
            f"(.ci/run does), or -m slow to run only them"
        )


@pytest.fixture
def force_parallel(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], list[int]]:
    """Make bibliographies go parallel from the first entry, in runs of any length.

    Call it with the CPU count to pretend; the list it returns gets the entry
    count of each parallel formatting.  Skips where ``fork`` is unavailable.
    """
    from citekit.render.csl import parallel

    def force(cpus: int) -> list[int]:
        if not parallel.can_fork():
            pytest.skip(
                "no fork on this platform: bibliographies are always formatted in one process"
            )
        monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
        monkeypatch.setattr(parallel, "MIN_RUN", 1)
        monkeypatch.setattr(parallel, "usable_cpus", lambda: cpus)
        monkeypatch.setattr(parallel, "idle_cpus", lambda: cpus)
        runs: list[int] = []
        real = parallel.map_ranges

        def counting(render: Callable[[int, int], list[Any]], total: int, *args: Any) -> list[Any]:
            runs.append(total)
            return real(render, total, *args)

        monkeypatch.setattr(parallel, "map_ranges", counting)
        return runs

    return force

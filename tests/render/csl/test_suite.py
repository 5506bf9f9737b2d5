"""The official CSL test suite, one pytest param per fixture, with a strict ratchet.

Fixtures listed in ``known_failures.txt`` are expected to fail (xfail); a listed
fixture that passes fails the run, so the list can only shrink.  citekit's own
regression fixtures (same format) live in ``fixtures/`` and must all pass.

Four suite fixtures were written for older locale files than their updated
siblings; they run with those (``suite_locales/``, see its README).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from csl_fixtures import check_fixture, parse_fixture, stale_fixture_locales

from citekit.render.types import LocaleLoader
from citekit.styles.catalog import locale_loader as bundled_locale_xml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
SHARED = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
SUITE_DIR = SHARED / "csl-test-suite" / "processor-tests" / "humans"
OWN_DIR = HERE / "fixtures"
SUITE_LOCALES = stale_fixture_locales(HERE / "suite_locales")
KNOWN_FAILURES = frozenset(
    line.strip()
    for line in (HERE / "known_failures.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
TIME_LIMIT = 20.0  # seconds per fixture


def _suite_names() -> list[str]:
    if not SUITE_DIR.is_dir():
        return []
    return sorted(path.stem for path in SUITE_DIR.glob("*.txt"))


class FixtureTimeout(Exception):
    """A fixture ran past the time limit."""


def _check(path: Path, locales: LocaleLoader = bundled_locale_xml) -> tuple[bool, str, str]:
    """Run one fixture under a wall-clock limit, so a hang fails instead of stalling."""
    fixture = parse_fixture(path)
    if not hasattr(signal, "setitimer"):  # pragma: no cover - non-Unix
        return check_fixture(fixture, locales)

    def on_alarm(signum: int, frame: object) -> None:
        raise FixtureTimeout(f"{path.stem} exceeded {TIME_LIMIT}s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        return check_fixture(fixture, locales)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", _suite_names() or ["<suite absent>"])
def test_csl_suite_fixture(name: str, shared: Path) -> None:
    path = shared / "csl-test-suite" / "processor-tests" / "humans" / f"{name}.txt"
    if not path.is_file():
        pytest.skip(f"CSL test suite fixture {name} not found under {shared}")
    try:
        passed, expected, actual = _check(path, SUITE_LOCALES(name))
    except Exception as error:
        passed, expected, actual = False, "", f"{type(error).__name__}: {error}"
    if name in KNOWN_FAILURES:
        if passed:
            pytest.fail(f"{name} now passes: remove it from tests/render/csl/known_failures.txt")
        pytest.xfail(f"known failure: {name}")
    assert passed, f"{name}\nexpected: {expected}\nactual:   {actual}"


@pytest.mark.parametrize("path", sorted(OWN_DIR.glob("*.txt")), ids=lambda p: p.stem)
def test_own_fixture(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.strip(), "own fixtures open with a line saying why they exist"
    passed, expected, actual = _check(path)
    assert passed, f"{path.stem}\nexpected: {expected}\nactual:   {actual}"


def test_known_failures_are_suite_fixtures(shared: Path) -> None:
    names = set(_suite_names())
    if not names:
        pytest.skip("CSL test suite not found")
    assert not KNOWN_FAILURES - names, "known_failures.txt lists fixtures that do not exist"

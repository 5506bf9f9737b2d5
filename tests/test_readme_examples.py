"""The README's examples print what the README says they print.

Every ``>>>`` session in a python block and every ``$ citekit ...`` line
with the output under it is run (``tests/examples_runner.py``) in a copy of
the repository's top-level files and compared with what the README shows.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _runner() -> ModuleType:
    """``tests/examples_runner.py``, loaded by path (the suite imports in importlib mode)."""
    if "examples_runner" in sys.modules:
        return sys.modules["examples_runner"]
    path = Path(__file__).with_name("examples_runner.py")
    spec = importlib.util.spec_from_file_location("examples_runner", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["examples_runner"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


runner = _runner()
README = runner.ROOT / "README.md"
SESSIONS = runner.sessions(README)
COMMANDS = runner.commands(README)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy: Path = runner.workspace(tmp_path_factory.mktemp("readme"))
    return copy


def test_the_readme_has_a_python_session_and_commands() -> None:
    # The extraction must find the library example and the command-line
    # runs; a README reworded so that nothing is found would pass silently.
    assert any("citekit.cite(" in "\n".join(s.lines) for s in SESSIONS)
    assert any("citekit.bibliography(" in "\n".join(s.lines) for s in SESSIONS)
    assert len(COMMANDS) >= 3


@pytest.mark.parametrize("session", SESSIONS, ids=[s.name for s in SESSIONS])
def test_python_example_prints_what_the_readme_shows(session: object, workspace: Path) -> None:
    assert runner.run_session(session, workspace) == []


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_command_prints_what_the_readme_shows(command: object, workspace: Path) -> None:
    runner.check_command(command, workspace)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """The README's second set-up command is the one CI runs, character for character."""
    commands = [
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("python3 -m venv .venv && ") and "'.[test]'" in line
    ]
    assert len(commands) == 1, commands
    ci_lines = (runner.ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[0] in ci_lines
    assert "--full" in commands[0]

"""Run the examples a Markdown file shows, and compare what they print.

Shared by ``test_readme_examples.py`` and ``test_docs_examples.py`` (loaded
by path: the test suite runs with ``--import-mode=importlib``).  Two kinds
of example are recognised:

* a fenced ``python`` block written as an interactive session (``>>>`` and
  ``...`` lines, then the output up to the next ``>>>``), run statement by
  statement as the Python prompt runs it, so a bare expression shows its
  ``repr``;
* a line ``$ citekit ...`` inside a fenced ``sh``, ``console`` or ``text``
  block, then the lines it prints, up to the next ``$`` line or the end of
  the block.  A line ``...`` in the expected output stands for any number
  of lines.  Commands other than ``citekit`` (``bash examples/build.sh``)
  are shown for the reader, not run.

Everything runs in a copy of the repository's top-level files (so an
example that writes a file cannot change the checkout), with ``../shared``
pointing at the shared data folder when there is one.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_FENCE = re.compile(r"^(?P<fence>`{3,})(?P<lang>[\w+-]*)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block: its language, first line number (1-based) and lines."""

    lang: str
    line: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Session:
    """A ``>>>`` session in a python block."""

    path: Path
    line: int
    lines: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


@dataclass(frozen=True)
class Command:
    """A ``$ citekit ...`` line and the output shown under it."""

    path: Path
    line: int
    command: str
    expected: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(text: str) -> list[Block]:
    """The fenced code blocks of a Markdown text."""
    found: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence = opening["fence"]
        body: list[str] = []
        start = index + 1
        index += 1
        while index < len(lines) and not lines[index].startswith(fence):
            body.append(lines[index])
            index += 1
        found.append(Block(opening["lang"], start + 1, tuple(body)))
        index += 1
    return found


def sessions(path: Path) -> list[Session]:
    """The python blocks of ``path`` written as interactive sessions."""
    return [
        Session(path, block.line, block.lines)
        for block in blocks(path.read_text(encoding="utf-8"))
        if block.lang in ("python", "pycon")
        and any(line.startswith(">>> ") for line in block.lines)
    ]


def commands(path: Path) -> list[Command]:
    """The ``$ citekit`` lines of ``path``'s shell and text blocks, with their output."""
    found: list[Command] = []
    for block in blocks(path.read_text(encoding="utf-8")):
        if block.lang not in ("sh", "console", "text", "shell", "bash"):
            continue
        current: tuple[int, str] | None = None
        expected: list[str] = []
        for offset, line in enumerate([*block.lines, "$ "]):
            if not line.startswith("$ "):
                expected.append(line)
                continue
            if current is not None and current[1].startswith("citekit "):
                found.append(Command(path, current[0], current[1], tuple(expected)))
            current, expected = (block.line + offset, line[2:].strip()), []
    return found


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def workspace(target: Path) -> Path:
    """A copy of the repository's top-level files and ``docs/`` in ``target/repo``.

    ``target/shared`` links to the shared data folder when it exists, so
    ``../shared/...`` in an example means what it means in the checkout.
    """
    repo = target / "repo"
    repo.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.is_file():
            shutil.copy2(entry, repo / entry.name)
    shutil.copytree(ROOT / "docs", repo / "docs", dirs_exist_ok=True)
    shared = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
    if shared.is_dir() and not (target / "shared").exists():
        (target / "shared").symlink_to(shared.resolve(), target_is_directory=True)
    return repo


def needs_shared(command: str) -> bool:
    return "../shared" in command


def _trim(lines: list[str] | tuple[str, ...]) -> list[str]:
    out = [line.rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


def _statements(lines: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """A session's statements (source) each with the output shown after it."""
    out: list[tuple[str, list[str]]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith(">>> "):
            index += 1
            continue
        source = [line[4:]]
        index += 1
        while index < len(lines) and (lines[index].startswith("... ") or lines[index] == "..."):
            source.append(lines[index][4:])
            index += 1
        expected: list[str] = []
        while index < len(lines) and not lines[index].startswith(">>> "):
            expected.append(lines[index])
            index += 1
        out.append(("\n".join(source) + "\n", _trim(expected)))
    return out


def run_session(session: Session, cwd: Path) -> list[str]:
    """Run a session in ``cwd``; the mismatches, each naming its statement (none: all agree)."""
    namespace: dict[str, object] = {"__name__": "__example__"}
    problems: list[str] = []
    before = Path.cwd()
    os.chdir(cwd)
    try:
        for source, expected in _statements(session.lines):
            code = compile(source, session.name, "single")
            printed = io.StringIO()
            saved_hook = sys.displayhook
            sys.displayhook = _display_to(printed)
            try:
                with redirect_stdout(printed):
                    exec(code, namespace)
            finally:
                sys.displayhook = saved_hook
            actual = _trim(printed.getvalue().splitlines())
            if actual != expected:
                problems.append(
                    f"{session.name}: >>> {source.strip()}\n"
                    f"  shown:   {expected!r}\n  printed: {actual!r}"
                )
    finally:
        os.chdir(before)
    return problems


def _display_to(stream: io.StringIO) -> object:
    def show(value: object) -> None:
        if value is not None:
            stream.write(repr(value) + "\n")

    return show


def run_command(command: Command, cwd: Path) -> tuple[list[str], str]:
    """The lines a ``citekit`` command prints in ``cwd`` (through the shell: pipes work), stderr."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "200"
    done = subprocess.run(
        ["bash", "-c", command.command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return _trim(done.stdout.splitlines()), done.stderr


def matches(expected: list[str] | tuple[str, ...], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` line for line, a ``...`` line standing for any lines."""
    want = _trim(expected)
    if not want:
        return not actual
    if want[0] == "...":
        return any(matches(want[1:], actual[start:]) for start in range(len(actual) + 1))
    return bool(actual) and actual[0] == want[0] and matches(want[1:], actual[1:])


def check_command(command: Command, cwd: Path) -> None:
    """Fail, showing both, unless ``command`` run in ``cwd`` prints what the page shows.

    An example that reads ``../shared`` is skipped, with the reason, where the
    shared data folder is absent.  One check for every page, so that a README
    and a docs page cannot come to disagree on what "prints what it shows" means.
    """
    if needs_shared(command.command) and not (cwd.parent / "shared").is_dir():
        pytest.skip("../shared is absent: the example reads the shared data folder")
    printed, stderr = run_command(command, cwd)
    if not matches(command.expected, printed):
        raise AssertionError(
            f"{command.name}: $ {command.command}\nshown:\n"
            + "\n".join(command.expected)
            + "\nprinted:\n"
            + "\n".join(printed)
            + f"\nstderr:\n{stderr}"
        )

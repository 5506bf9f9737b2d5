"""The console scripts' quick exit (citekit.cli._exit): the same output, codes and clean-ups.

The process-level tests run the real programs in a child interpreter: the
quick exit ends the process, so it can only be seen from outside.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.cli._exit import exit_quickly

# An object only ``sys`` holds, whose finaliser prints: the interpreter's teardown
# clears ``sys`` and so runs it, the quick exit (which skips the teardown) does not.
# (Not a global of the program: that would sit in a reference cycle with the
# module, which the command line's frozen collector never breaks.)
_PROGRAM = """
import atexit, os, sys
class Witness:
    def __del__(self, write=os.write):
        write(2, b"torn down\\n")
sys.citekit_test_witness = Witness()
atexit.register(lambda: sys.stderr.write("atexit ran\\n"))
{before}
from citekit.cli import {entry}
sys.argv = ["citekit", *{args!r}]
{entry}()
"""


def _program(args: list[str], *, entry: str = "run", before: str = "") -> list[str]:
    return [sys.executable, "-c", _PROGRAM.format(args=args, entry=entry, before=before)]


def _run(
    command: list[str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CITEKIT_NO_DISK_CACHE="1")
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=cwd, input=stdin, env=env
    )


@pytest.fixture
def library(tmp_path: Path, two_books: list[dict[str, Any]]) -> Path:
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(two_books), encoding="utf-8")
    return path


def test_quick_exit_prints_what_click_prints_and_skips_only_the_teardown(
    library: Path, tmp_path: Path
) -> None:
    args = ["bib", str(library), "--style", "apa"]
    quick = _run(_program(args), tmp_path)
    assert quick.returncode == 0
    assert quick.stdout == CliRunner().invoke(main, args).output
    assert "atexit ran" in quick.stderr
    assert "torn down" not in quick.stderr
    ordinary = _run(_program(args, entry="main"), tmp_path)
    assert ordinary.stdout == quick.stdout
    assert "torn down" in ordinary.stderr  # the witness does tell a teardown


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["cite", "@raimondo2000", "--bib", "REFS", "--style", "apa"], 0),
        (["cite", "@nobody", "--bib", "REFS", "--style", "apa"], 1),
        (["bib", "REFS", "--style", "no-such-style"], 2),
        (["bib", "--no-such-option"], 2),
    ],
)
def test_exit_codes_and_messages_are_the_ordinary_ones(
    library: Path, tmp_path: Path, args: list[str], code: int
) -> None:
    args = [str(library) if arg == "REFS" else arg for arg in args]
    quick = _run(_program(args), tmp_path)
    ordinary = _run(_program(args, entry="main"), tmp_path)
    assert quick.returncode == ordinary.returncode == code
    assert quick.stdout == ordinary.stdout
    assert quick.stderr == ordinary.stderr.replace("torn down\n", "")


def test_a_written_file_is_complete(library: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    quick = _run(_program(["bib", str(library), "-o", str(out)]), tmp_path)
    assert quick.returncode == 0
    expected = CliRunner().invoke(main, ["bib", str(library)]).output
    assert out.read_text(encoding="utf-8") == expected


def test_a_running_thread_is_waited_for(library: Path, tmp_path: Path) -> None:
    marker = tmp_path / "thread-done"
    before = (
        "import threading, time, pathlib\n"
        "def late():\n"
        "    time.sleep(0.3)\n"
        f"    pathlib.Path({str(marker)!r}).write_text('done')\n"
        "threading.Thread(target=late).start()"
    )
    quick = _run(_program(["bib", str(library)], before=before), tmp_path)
    assert quick.returncode == 0
    assert marker.read_text() == "done"
    assert "torn down" in quick.stderr  # the ordinary exit, which joins the thread


def test_python_dash_m_citekit_exits_quickly_too(library: Path, tmp_path: Path) -> None:
    result = _run([sys.executable, "-m", "citekit", "bib", str(library)], tmp_path)
    assert result.returncode == 0
    assert result.stdout == CliRunner().invoke(main, ["bib", str(library)]).output


def test_the_pandoc_filter_program_exits_quickly_with_its_document(
    library: Path, tmp_path: Path
) -> None:
    document = {
        "pandoc-api-version": [1, 23, 1],
        "meta": {"bibliography": {"t": "MetaInlines", "c": [{"t": "Str", "c": str(library)}]}},
        "blocks": [],
    }
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('atexit ran\\n'))\n"
        "from citekit.cli.pandoc_filter import run\n"
        "run()\n"
    )
    result = _run([sys.executable, "-c", code], tmp_path, stdin=json.dumps(document))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pandoc-api-version"] == [1, 23, 1]
    assert "atexit ran" in result.stderr


@pytest.mark.parametrize("done", [SystemExit("a message"), SystemExit(True), SystemExit(300)])
def test_codes_the_interpreter_maps_itself_are_left_to_it(
    done: SystemExit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "_exit", _must_not_exit)
    assert exit_quickly(done) is None


class _RefusingStream(io.StringIO):
    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_stream_that_cannot_flush_means_the_ordinary_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "_exit", _must_not_exit)
    monkeypatch.setattr(sys, "stdout", _RefusingStream())
    assert exit_quickly(SystemExit(0)) is None


def _must_not_exit(code: int) -> None:
    raise AssertionError(f"os._exit({code}) called")

"""How fast the citekit command starts, against pandoc, in the same run.

Measures whole processes, interleaved round by round so that load on a shared
machine hits every command alike, and keeps the best of ``--repeat`` rounds:

* ``citekit --help`` against ``pandoc --help``;
* ``python -c "import citekit"`` (and ``python -c pass``, the interpreter alone);
* ``citekit cite @raimondo2000enemy`` on references.bib against
  ``pandoc --citeproc`` formatting the same citation;
* ``citekit bib references.bib`` against ``pandoc --citeproc`` with
  ``nocite: '@*'`` (the whole file).

CPU time is user + system time of the child process (from ``wait4``), wall
time is elapsed time. Bytecode is compiled once into a private cache
(``PYTHONPYCACHEPREFIX``) and ``PYTHONDONTWRITEBYTECODE`` is dropped, because
an editable install run with that variable set recompiles every module in
every process: that cost is the environment's, not citekit's.

Usage: python benchmarks/startup_speed.py [--repeat 7] [--pandoc /usr/bin/pandoc]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "references.bib"
CITE_KEY = "raimondo2000enemy"
PYCACHE = Path(tempfile.gettempdir()) / "citekit-startup-pycache"


@dataclass
class Timing:
    """Best CPU and wall seconds seen for one command over all rounds."""

    label: str
    argv: list[str]
    stdin: str = ""
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    @property
    def best_cpu(self) -> float:
        return min(self.cpu)

    @property
    def best_wall(self) -> float:
        return min(self.wall)


def child_env() -> dict[str, str]:
    """The environment for every child: compiled bytecode kept between runs."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def run_once(timing: Timing, env: dict[str, str]) -> None:
    """Run the command once; record its CPU and wall time; fail loudly if it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(
        timing.argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    assert process.stdin is not None and process.stderr is not None
    process.stdin.write(timing.stdin.encode())
    process.stdin.close()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{timing.label} failed ({process.returncode}): {stderr.decode()[:500]}")
    timing.cpu.append(usage.ru_utime + usage.ru_stime)
    timing.wall.append(wall)


def citekit_argv() -> list[str]:
    """The installed ``citekit`` script next to this interpreter, else ``python -m citekit``."""
    script = Path(sys.executable).with_name("citekit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "citekit"]


def commands(pandoc: str, nocite: Path) -> tuple[list[Timing], list[Timing]]:
    """citekit's commands and pandoc's, in the order the rounds run them."""
    citekit = citekit_argv()
    ours = [
        Timing("citekit --help", [*citekit, "--help"]),
        Timing("python -c pass", [sys.executable, "-c", "pass"]),
        Timing("import citekit", [sys.executable, "-c", "import citekit"]),
        Timing("citekit cite", [*citekit, "cite", f"@{CITE_KEY}", "--bib", str(REFERENCES)]),
        Timing("citekit bib", [*citekit, "bib", str(REFERENCES)]),
    ]
    peers = [
        Timing("pandoc --help", [pandoc, "--help"]),
        Timing(
            "pandoc --citeproc cite",
            [pandoc, "--citeproc", "--bibliography", str(REFERENCES), "-t", "plain"],
            stdin=f"@{CITE_KEY}\n",
        ),
        Timing(
            "pandoc --citeproc bib",
            [pandoc, "--citeproc", "--bibliography", str(REFERENCES), "-t", "plain", str(nocite)],
        ),
    ]
    return ours, peers


def cite_flag_supported(argv: list[str], env: dict[str, str]) -> bool:
    """Whether ``citekit cite`` takes ``--bib`` (else it reads ./references.bib)."""
    result = subprocess.run(
        [*argv, "cite", "--help"], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )
    return "--bib" in result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds; the best counts")
    parser.add_argument("--pandoc", default=shutil.which("pandoc") or "/usr/bin/pandoc")
    args = parser.parse_args()
    env = child_env()
    with tempfile.TemporaryDirectory() as tmp:
        nocite = Path(tmp) / "nocite.md"
        nocite.write_text("---\nnocite: |\n  @*\n---\n", encoding="utf-8")
        ours, peers = commands(args.pandoc, nocite)
        if not cite_flag_supported(citekit_argv(), env):
            ours[3].argv = [*citekit_argv(), "cite", f"@{CITE_KEY}"]  # cwd is ROOT
        everything = ours + peers
        for timing in everything:  # warm-up: compile bytecode, fill the OS cache
            run_once(timing, env)
            timing.cpu.clear()
            timing.wall.clear()
        for _ in range(args.repeat):
            for timing in everything:
                run_once(timing, env)
    report(ours, peers, args.repeat)


def report(ours: list[Timing], peers: list[Timing], repeat: int) -> None:
    """Every command's best times, the ratios to pandoc and the summary line."""
    print(f"best of {repeat} interleaved rounds (CPU = user + sys of the child)")
    print(f"{'command':<24}{'CPU s':>9}{'wall s':>9}")
    for timing in ours + peers:
        print(f"{timing.label:<24}{timing.best_cpu:>9.3f}{timing.best_wall:>9.3f}")
    by_label = {timing.label: timing for timing in ours + peers}
    pairs = [
        ("citekit --help", "pandoc --help"),
        ("citekit cite", "pandoc --citeproc cite"),
        ("citekit bib", "pandoc --citeproc bib"),
    ]
    for mine, theirs in pairs:
        a, b = by_label[mine], by_label[theirs]
        print(
            f"{mine} / {theirs}: CPU {a.best_cpu / b.best_cpu:.1f}x, "
            f"wall {a.best_wall / b.best_wall:.1f}x"
        )
    imported = by_label["import citekit"].best_cpu - by_label["python -c pass"].best_cpu
    print(f"import citekit beyond the bare interpreter: {imported:.3f} s CPU")
    print(
        f"startup: citekit --help {by_label['citekit --help'].best_cpu:.3f} s, "
        f"import {by_label['import citekit'].best_cpu:.3f} s, "
        f"cite {by_label['citekit cite'].best_cpu:.3f} s "
        f"(pandoc --help {by_label['pandoc --help'].best_cpu:.3f} s, "
        f"pandoc --citeproc {by_label['pandoc --citeproc cite'].best_cpu:.3f} s)"
    )


if __name__ == "__main__":
    main()

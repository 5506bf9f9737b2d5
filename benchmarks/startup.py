"""How fast the citekit command starts, against pandoc, in the same run (issue 19).

Measures whole processes, interleaved round by round so that load on a shared
machine hits every command alike, and reports the median of the rounds:

* ``citekit --help`` against the 0.15 s target (and ``pandoc --help``);
* ``python -c "import citekit"`` against the 0.1 s target (``python -c pass``,
  the bare interpreter, is measured too, to show what the import adds);
* ``citekit cite @raimondo2000enemy`` on references.bib in APA against
  ``pandoc --citeproc`` formatting the equivalent one-citation document
  (``[@raimondo2000enemy]`` with the same bibliography and the same apa.csl,
  bibliography suppressed), with every pandoc found: pandoc 2.17 at
  /usr/bin/pandoc and the pandoc 3 of pypandoc-binary in this virtualenv.

CPU time is user + system time of the child process (from ``wait4``), wall
time is elapsed time.  Bytecode: the children run with a temporary
``PYTHONPYCACHEPREFIX`` and without ``PYTHONDONTWRITEBYTECODE``, and a warm-up
round compiles every module into it before the measured rounds, because an
editable install run with that variable set recompiles every module in every
process (README, "Start-up time"): that cost is the environment's, not
citekit's.  ``XDG_CACHE_HOME`` points at a temporary folder too, so the run
neither reads nor fills the user's cache; the warm-up round fills it, as a
user's first run would.  ``citekit cite (no disk cache)`` runs the same
command with ``CITEKIT_NO_DISK_CACHE=1``: what the first command with a
style costs, before the cache holds its parsed style and locale.

``click floor`` is a program that only loads click, defines a group with
one command of four options and echoes its argument: the least any command
line built on click costs, whatever it does, beside the ``cite`` it is the
floor of.

``--imports N`` also prints where ``citekit cite`` spends its CPU time
importing: the N modules with the most CPU time of their own (their import
minus the imports they start), measured in one more child with the same
bytecode, with the import total and the rest of the process beside it.

Usage: python benchmarks/startup.py [--rounds 9] [--pandoc PATH ...] [--imports 25]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "references.bib"
CITE_KEY = "raimondo2000enemy"
STYLE = "apa"
HELP_TARGET = 0.15
IMPORT_TARGET = 0.1


@dataclass
class Timing:
    """CPU and wall seconds of one command, one entry per round."""

    label: str
    argv: list[str]
    stdin: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)


def child_env(tmp: Path) -> dict[str, str]:
    """The environment of every child: bytecode and caches kept in ``tmp`` between runs."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    env["XDG_CACHE_HOME"] = str(tmp / "cache")
    env.pop("CITEKIT_CACHE_DIR", None)
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
        env={**env, **timing.extra_env},
    )
    assert process.stdin is not None and process.stderr is not None
    process.stdin.write(timing.stdin.encode())
    process.stdin.close()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{timing.label} failed ({code}): {stderr.decode()[:500]}")
    timing.cpu.append(usage.ru_utime + usage.ru_stime)
    timing.wall.append(wall)


def citekit_argv() -> list[str]:
    """The installed ``citekit`` script next to this interpreter, else ``python -m citekit``."""
    script = Path(sys.executable).with_name("citekit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "citekit"]


def found_pandocs(given: list[str]) -> list[Path]:
    """The pandocs to compare with: those given, else /usr/bin/pandoc and pypandoc-binary's."""
    if given:
        return [Path(p) for p in given]
    candidates = [Path("/usr/bin/pandoc")]
    spec = importlib.util.find_spec("pypandoc")
    if spec is not None and spec.submodule_search_locations:
        candidates.append(Path(next(iter(spec.submodule_search_locations))) / "files" / "pandoc")
    return [path for path in candidates if path.is_file() and os.access(path, os.X_OK)]


def pandoc_version(pandoc: Path) -> str:
    """``pandoc 2.17.1.1``: the first line of ``--version``."""
    out = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[0].strip()


def apa_path() -> Path:
    """The apa.csl citekit formats with, so that pandoc formats with the very same file."""
    import citekit

    path = citekit.find_style(STYLE).path
    if path is None:
        raise SystemExit(f"style {STYLE} has no file to give pandoc")
    return Path(path)


def cite_arguments() -> list[str]:
    """The arguments of the measured ``citekit cite``."""
    return ["cite", f"@{CITE_KEY}", "--bib", str(REFERENCES), "--style", STYLE]


# A click command line that does nothing but parse its arguments and echo one.
CLICK_FLOOR = """
import click

@click.group()
def main():
    "A group, as citekit's commands are."

@main.command()
@click.argument("citation")
@click.option("--bib", help="The bibliography file.")
@click.option("--style", "-s", help="The CSL style.")
@click.option("--locale", help="The locale.")
@click.option("--to", type=click.Choice(["text", "html"]), help="The output format.")
def cite(citation, bib, style, locale, to):
    "Echo the citation."
    click.echo(citation)

main()
"""


def commands(pandocs: list[Path]) -> tuple[list[Timing], list[Timing]]:
    """citekit's commands and the peers', in the order each round runs them."""
    citekit = citekit_argv()
    ours = [
        Timing("citekit --help", [*citekit, "--help"]),
        Timing("python -c pass", [sys.executable, "-c", "pass"]),
        Timing("import citekit", [sys.executable, "-c", "import citekit"]),
        Timing("click floor", [sys.executable, "-c", CLICK_FLOOR, "cite", f"@{CITE_KEY}"]),
        Timing("citekit cite", [*citekit, *cite_arguments()]),
        Timing(
            "citekit cite (no disk cache)",
            [*citekit, *cite_arguments()],
            extra_env={"CITEKIT_NO_DISK_CACHE": "1"},
        ),
    ]
    csl = apa_path()
    peers: list[Timing] = []
    for pandoc in pandocs:
        name = pandoc_version(pandoc)
        peers.append(Timing(f"{name} --help", [str(pandoc), "--help"]))
        peers.append(
            Timing(
                f"{name} --citeproc",
                [
                    str(pandoc),
                    "--citeproc",
                    "--bibliography",
                    str(REFERENCES),
                    "--csl",
                    str(csl),
                    "-M",
                    "suppress-bibliography=true",
                    "-f",
                    "markdown",
                    "-t",
                    "plain",
                ],
                stdin=f"[@{CITE_KEY}]\n",
            )
        )
    return ours, peers


# Run in a child: times each module's import in CPU seconds (process time), its own
# part apart from the imports it starts, by wrapping the import system's loader
# entry point; then runs the command and prints one "self cumulative name" line
# per module (seconds), and the whole process's CPU time last.
IMPORT_PROFILER = """
import sys, time, _frozen_importlib as bootstrap
load = bootstrap._find_and_load
stack, own, whole = [], {}, {}
def timed(name, import_):
    if name in sys.modules:
        return load(name, import_)
    start = time.process_time()
    stack.append(0.0)
    try:
        return load(name, import_)
    finally:
        spent = time.process_time() - start
        children = stack.pop()
        if stack:
            stack[-1] += spent
        own[name] = own.get(name, 0.0) + spent - children
        whole[name] = whole.get(name, 0.0) + spent
bootstrap._find_and_load = timed
sys.argv = ["citekit", *sys.argv[1:]]
from citekit.cli import main
try:
    main()
except SystemExit:
    pass
finally:
    for name in own:
        print(f"{own[name]:.6f} {whole[name]:.6f} {name}", file=sys.stderr)
    print(f"{time.process_time():.6f} process", file=sys.stderr)
"""


ImportRow = tuple[float, float, str]


def import_profile(argv: list[str], env: dict[str, str]) -> tuple[list[ImportRow], float]:
    """(self, cumulative, module) CPU seconds of every import of ``citekit ARGV``, and the
    process's whole CPU time, from one run of :data:`IMPORT_PROFILER`."""
    run = subprocess.run(
        [sys.executable, "-c", IMPORT_PROFILER, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    rows: list[ImportRow] = []
    total = 0.0
    for line in run.stderr.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] == "process":
            total = float(parts[0])
        elif len(parts) == 3:
            rows.append((float(parts[0]), float(parts[1]), parts[2]))
    return rows, total


def report_imports(argv: list[str], env: dict[str, str], top: int) -> None:
    """The ``top`` modules by own import CPU time, and the totals by origin."""
    rows, total = import_profile(argv, env)
    imported = sum(own for own, _, _ in rows)
    print(
        f"imports of citekit {' '.join(argv)}: {imported:.3f} s CPU in {len(rows)} modules "
        f"of {total:.3f} s for the whole process (one run)"
    )
    groups: dict[str, float] = {}
    for own, _, name in rows:
        origin = "citekit" if name.split(".")[0] == "citekit" else "other packages and stdlib"
        groups[origin] = groups.get(origin, 0.0) + own
    print("  " + "; ".join(f"{origin} {spent:.3f} s" for origin, spent in sorted(groups.items())))
    print(f"  {'own s':>8}{'cumul. s':>10}  module")
    for own, whole, name in sorted(rows, reverse=True)[:top]:
        print(f"  {own:>8.4f}{whole:>10.4f}  {name}")


def measure(everything: list[Timing], env: dict[str, str], rounds: int) -> None:
    """One warm-up round (compiles bytecode, fills the caches), then ``rounds`` measured."""
    for timing in everything:
        run_once(timing, env)
        timing.cpu.clear()
        timing.wall.clear()
    for _ in range(rounds):
        for timing in everything:
            run_once(timing, env)


def verdict(value: float, target: float) -> str:
    return "met" if value < target else "NOT met"


def report(ours: list[Timing], peers: list[Timing], rounds: int) -> None:
    """Every command's medians, the targets, the ratios to each pandoc and a summary line."""
    print(
        f"median of {rounds} interleaved rounds (CPU = user + sys of the child); bytecode "
        "compiled beforehand into a temporary PYTHONPYCACHEPREFIX, PYTHONDONTWRITEBYTECODE unset"
    )
    print(f"{'command':<34}{'CPU s':>9}{'wall s':>9}")
    for timing in ours + peers:
        print(f"{timing.label:<34}{timing.median_cpu:>9.3f}{timing.median_wall:>9.3f}")
    by_label = {timing.label: timing for timing in ours + peers}
    helped, imported = by_label["citekit --help"], by_label["import citekit"]
    bare = by_label["python -c pass"]
    print(
        f"citekit --help: {helped.median_cpu:.3f} s CPU, {helped.median_wall:.3f} s wall "
        f"(target < {HELP_TARGET} s: {verdict(helped.median_cpu, HELP_TARGET)})"
    )
    print(
        f"import citekit: {imported.median_cpu:.3f} s CPU for the whole process, "
        f"{imported.median_cpu - bare.median_cpu:.3f} s beyond the bare interpreter "
        f"(target < {IMPORT_TARGET} s: {verdict(imported.median_cpu, IMPORT_TARGET)})"
    )
    cite, cold = by_label["citekit cite"], by_label["citekit cite (no disk cache)"]
    floor = by_label["click floor"]
    ratios = []
    for peer in peers:
        if not peer.label.endswith("--citeproc"):
            continue
        cpu, wall = cite.median_cpu / peer.median_cpu, cite.median_wall / peer.median_wall
        ratios.append(f"{peer.label.split(' --')[0]} CPU {cpu:.2f}x wall {wall:.2f}x")
        print(
            f"citekit cite / {peer.label}: CPU {cite.median_cpu:.3f} / {peer.median_cpu:.3f} s "
            f"= {cpu:.2f}x, wall {cite.median_wall:.3f} / {peer.median_wall:.3f} s = {wall:.2f}x "
            f"({'no slower' if cpu <= 1 else 'slower'} in CPU); without the disk cache "
            f"{cold.median_cpu:.3f} s = {cold.median_cpu / peer.median_cpu:.2f}x; "
            f"the click floor {floor.median_cpu:.3f} s = {floor.median_cpu / peer.median_cpu:.2f}x"
        )
    print(
        f"citekit cite beyond the click floor: {cite.median_cpu - floor.median_cpu:.3f} s CPU "
        f"(reading the bibliography, the style, formatting, and citekit's modules)"
    )
    print(
        f"startup: --help {helped.median_cpu:.3f} s, import {imported.median_cpu:.3f} s, "
        f"cite {cite.median_cpu:.3f} s CPU; cite / pandoc: {'; '.join(ratios) or 'no pandoc'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="measured rounds; medians count")
    parser.add_argument(
        "--pandoc", action="append", default=[], help="a pandoc to compare with (repeatable)"
    )
    parser.add_argument(
        "--imports",
        type=int,
        default=0,
        metavar="N",
        help="also print the N modules whose import costs citekit cite the most CPU time",
    )
    args = parser.parse_args()
    pandocs = found_pandocs(args.pandoc)
    with tempfile.TemporaryDirectory(prefix="citekit-startup-") as tmp:
        env = child_env(Path(tmp))
        ours, peers = commands(pandocs)
        measure(ours + peers, env, args.rounds)
        if args.imports:
            report_imports(cite_arguments(), env, args.imports)
    report(ours, peers, args.rounds)


if __name__ == "__main__":
    main()

"""Format bibliographies of cdl.bib with citekit, pandoc and citeproc-py in the same run.

Issue 19's target: APA at 1,000 and 5,000 entries at least 3x faster than
``pandoc --citeproc``, whole process and in-process, IEEE and
chicago-notes-bibliography too, and a per-entry cost that stays flat from
1k to 50k entries.  Every figure is measured here, against its peer, in one
run, so a loaded machine weighs on both sides alike.

What is measured, per style and size (the first N entries of
``../shared/corpus/cdl.bib``, every one listed):

* **whole process**: ``citekit bib FILE --style STYLE.csl`` against
  ``pandoc --citeproc`` (2.17 on the PATH, and 3.x from ``pypandoc-binary``
  when installed) on a Markdown document holding only ``nocite: '@*'``,
  the same ``.csl`` file, the same .bib; the child's CPU time (user +
  system, from ``resource.getrusage(RUSAGE_CHILDREN)``) and wall time.
  The child runs with bytecode written (``PYTHONDONTWRITEBYTECODE`` unset),
  as an installed citekit does, and with its disk cache (parsed styles,
  merged locales, compiled layouts, parsed .bib files) in a folder of this run's own; a
  warm-up run of each style before the rounds compiles the bytecode and
  fills that cache, as a user's first command does, and two more runs of
  citekit per size and style leave the parsed .bib in it
  (``citekit.formats.readcache`` keeps a file from its second read), as
  when a user runs a command again on an unchanged file.  Each round also runs
  citekit on a copy of the .bib whose last comment changed since the command
  before (``the .bib edited``: the style from the cache; the warm-up edits it
  twice first, as a user in the middle of editing, after which the cache
  keeps the conversions of its entries and an edit converts only what it
  changed: ``benchmarks/edit_cycle.py`` times an editing session) and with the cache
  off (``CITEKIT_NO_DISK_CACHE=1``, ``no disk cache``: a first command), each
  printed with its ratios.
* **in-process**: citekit's public ``render()`` of the whole library (what
  ``nocite: '@*'`` lists), the .bib already read; set against pandoc's
  whole-process CPU, since pandoc has no in-process form.
* **citeproc-py** (APA only, as before): every entry cited once and the
  sorted bibliography rendered to HTML by citekit's ``render()`` and by
  citeproc-py, in process.
* **parallel** (``--jobs N``, default 2; 1 leaves it out): ``citekit bib
  --jobs N`` and ``render(jobs=N)`` beside the single-process runs above
  (which pass ``--jobs 1``: the CLI's default uses every idle CPU), as **wall
  time**, since spreading the work over processes adds CPU time and saves
  only wall time; the CPU ratios against the peers stay the single-process
  ones.  The parallel runs format in several processes only from
  ``PARALLEL_THRESHOLD`` entries (2,000): below it they show what asking
  for jobs costs when it does not pay.

Each measure runs ``--repeat`` interleaved rounds (all tools, styles and
sizes take turns within a round) and the median counts.  ``--large`` adds
APA at 20,000 and 50,000 entries (``--large-sizes``), where pandoc takes
minutes; cdl.bib has 6,315 entries, so larger files repeat it with renamed
keys and one added first author per copy (``Copy2, X.``), which keeps each
copy's author-date groups apart as in the original.  A pandoc run still
going after ``--timeout`` seconds is killed, not run again at that style and
size, and its figures print with ``>`` (lower bounds): pandoc 3.9 grows
faster than linearly (minutes for APA at 5,000 entries here).
``--profile N`` prints cProfile's top N functions (by own time) of the
in-process APA render at the largest of ``--sizes``.  Entries a style gives
no printed form are left out by citekit (with a warning) and counted by
pandoc, so the entry counts may differ by a few.

The last line sums up: ratios of medians (pandoc / citekit, above 1 means
citekit is faster).

Usage: python benchmarks/format_speed.py [--sizes 1000 5000] [--repeat 3]
       [--styles apa ieee chicago-notes-bibliography] [--large]
       [--large-sizes 20000 50000] [--large-repeat 1] [--timeout 90]
       [--no-citeproc-py] [--profile 30] [--jobs 2]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import citekit

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
CDL_BIB = SHARED / "corpus" / "cdl.bib"
STYLES = ("apa", "ieee", "chicago-notes-bibliography")
NOCITE_DOCUMENT = "---\nnocite: '@*'\n---\n"
ENTRY_START = re.compile(r"^@", re.MULTILINE)
AUTHOR_FIELD = re.compile(r"(\n\s*author\s*=\s*[{\"])", re.IGNORECASE)
AND_SEPARATOR = re.compile(r"\s+and\s+", re.IGNORECASE)

# The parallel runs' tool names (wall time only: their CPU is not comparable).
PARALLEL_WHOLE = "citekit --jobs"
PARALLEL_IN_PROCESS = "citekit render(jobs)"
NO_DISK_CACHE = "citekit no disk cache"
EDITED_FILE = "citekit edited file"
# The rows of citekit runs with less in its disk cache, and what each stands for.
COLD_ROWS = (
    (EDITED_FILE, "the .bib edited since the last command, in a run of edits (style cached)"),
    (NO_DISK_CACHE, "no disk cache (a first command: neither style nor file kept)"),
)

# One measure: (tool, style, size) -> the samples of each round.
Samples = dict[tuple[str, str, int], list[float]]


@dataclass(frozen=True)
class Timing:
    """One run of a child process: CPU seconds (user + system) and wall seconds."""

    cpu: float
    wall: float
    entries: int
    timed_out: bool = False


def split_entries(text: str) -> list[str]:
    """The entries of a .bib without @string/@preamble (cdl.bib has none), in file order."""
    starts = [match.start() for match in ENTRY_START.finditer(text)]
    chunks = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    return [chunk.rstrip() + "\n" for chunk in chunks if chunk.strip()]


def copy_entry(entry: str, copy: int) -> str:
    """Entry ``entry`` as its ``copy``-th duplicate: a new key and a first author of its own.

    A plain duplicate would put every copy in the same author-date group and
    make the styles' disambiguation (year suffixes) grow with the file, which
    is not what a large real library looks like.  So the first author's
    family name gets the copy's mark ("Smith" becomes "SmithCopy2"): entries
    that shared a first author still share one, and the others stay apart, so
    each copy has the original's author-date groups and no more.  (An added
    first author, "Copy2, X.", the same in every entry of a copy, made one
    group of every "Copy2 et al., 1998" and the per-entry cost grow with the
    number of copies.)
    """
    head, brace, rest = entry.partition("{")
    key, comma, body = rest.partition(",")
    renamed = f"{head}{brace}{key.strip()}-copy{copy}{comma}"
    match = AUTHOR_FIELD.search(body)
    if match is None:
        return renamed + f"\n\tAuthor = {{Copy{copy}, X}}," + body
    end = first_family_end(body, match.end(), closing="}" if match.group(1).endswith("{") else '"')
    return renamed + body[:end] + f"Copy{copy}" + body[end:]


def first_family_end(body: str, start: int, closing: str) -> int:
    """Where the family name of the first name in the field value at ``start`` ends.

    "Family, Given" ends at its first comma; "Given Family" (and a braced
    "{Organisation}") at the end of the name, before " and " or the field's end.
    """
    depth = 0
    index = start
    while index < len(body):
        char = body[index]
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif depth == 0:
            if char == closing or char == ",":
                break
            if AND_SEPARATOR.match(body, index):
                break
        index += 1
    while index > start and body[index - 1].isspace():
        index -= 1
    return index


def entries_for(entries: list[str], size: int) -> str:
    """The first ``size`` entries, repeating the corpus in renamed copies past its end."""
    chosen = list(entries[:size])
    copy = 2
    while len(chosen) < size:
        missing = size - len(chosen)
        chosen.extend(copy_entry(entry, copy) for entry in entries[:missing])
        copy += 1
    return "\n".join(chosen)


def child_env(cache: Path, disk_cache: bool = True) -> dict[str, str]:
    """The environment of the citekit child: bytecode written and read, as installed.

    Its disk cache lives in ``cache`` (this run's own folder), or is off.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("CITEKIT_NO_DISK_CACHE", None)
    env["CITEKIT_CACHE_DIR"] = str(cache)
    if not disk_cache:
        env["CITEKIT_NO_DISK_CACHE"] = "1"
    return env


def run_child(
    command: list[str], env: dict[str, str] | None = None, timeout: float | None = None
) -> Timing:
    """Run ``command``; its CPU time from the children's rusage, its entries from stdout.

    A child still running after ``timeout`` seconds (wall) is killed and its
    time so far (a lower bound) comes back marked ``timed_out``.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, env=env, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:  # run() has killed and reaped the child
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return Timing(cpu, wall, 0, timed_out=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    paragraphs = [p for p in re.split(r"\n\s*\n", done.stdout.decode("utf-8")) if p.strip()]
    return Timing(cpu, wall, len(paragraphs))


def find_pandocs() -> dict[str, str]:
    """The pandocs to compare with, by label: 2.17 from the PATH and 3.x from pypandoc-binary."""
    found: dict[str, str] = {}
    system = shutil.which("pandoc")
    if system:
        found[f"pandoc {pandoc_version(system)}"] = system
    try:
        import pypandoc  # type: ignore[import-untyped]

        bundled = str(pypandoc.get_pandoc_path())
    except Exception as error:  # absent, or the wheel has no binary
        print(f"note: pypandoc-binary's pandoc unavailable ({error})")
    else:
        label = f"pandoc {pandoc_version(bundled)}"
        if label not in found:
            found[label] = bundled
    return found


def pandoc_version(path: str) -> str:
    """The version number pandoc prints first (``2.17.1.1``)."""
    first = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    return first.split()[1] if first.split() else "?"


def pandoc_command(pandoc: str, bib: Path, csl: Path, document: Path) -> list[str]:
    return [
        pandoc,
        "--citeproc",
        "--bibliography",
        str(bib),
        "--csl",
        str(csl),
        "--wrap=none",
        "-t",
        "plain",
        str(document),
    ]


def citekit_command(bib: Path, csl: Path, jobs: int = 1) -> list[str]:
    """``citekit bib`` in ``jobs`` processes (1 by default; the CLI's default: every idle CPU)."""
    script = Path(sys.executable).with_name("citekit")
    runner = [str(script)] if script.is_file() else [sys.executable, "-m", "citekit"]
    return [*runner, "bib", str(bib), "--style", str(csl), "--jobs", str(jobs)]


def render_in_process(library: citekit.Library, style: citekit.Style, jobs: int = 1) -> int:
    """citekit's whole-library bibliography (pandoc's ``nocite: '@*'``), in HTML."""
    result = citekit.render(library, style, output="html", jobs=jobs)
    return len(result.bibliography)


def cite_all_in_process(library: citekit.Library, style: citekit.Style) -> int:
    """Every entry cited once and the bibliography rendered, as the citeproc-py side does."""
    keys = list(library.keys())
    result = citekit.render(library, style, citations=keys, output="html")
    return len(result.bibliography)


def run_citeproc_py(items: list[dict[str, Any]], style_path: str) -> int:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON(items)
        style = CitationStylesStyle(style_path, validate=False)
        bib = CitationStylesBibliography(style, source, formatter.html)
        for item in items:
            bib.register(Citation([CitationItem(str(item["id"]))]))
        bib.sort()
        return len([str(entry) for entry in bib.bibliography()])


def timed(function: Callable[[], int]) -> tuple[float, float, int]:
    """CPU and wall seconds of one in-process call, and the entries it made.

    CPU time (this process's) is what is set against the children's CPU time;
    wall time on a shared machine also counts the other users' work.
    """
    cpu, wall = time.process_time(), time.perf_counter()
    count = function()
    return time.process_time() - cpu, time.perf_counter() - wall, count


def size_label(size: int) -> str:
    """``5k`` for 5000, the plain number otherwise."""
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


@dataclass
class Bench:
    """The prepared inputs and the samples of one run."""

    work: Path
    styles: dict[str, citekit.Style]
    bibs: dict[int, Path]
    pandocs: dict[str, str]
    citeproc_py: bool
    cpu: Samples
    wall: Samples
    counts: dict[tuple[str, str, int], int]
    timeout: float | None = None
    jobs: int = 1  # the parallel runs' processes; 1: none
    # (tool, style, size) that ran out of time: not run again, reported as a lower bound
    timed_out: set[tuple[str, str, int]] = field(default_factory=set)
    edits: int = 0  # comments changed in the edited copies so far

    def record(self, tool: str, style: str, size: int, cpu: float, wall: float, n: int) -> None:
        self.cpu[tool, style, size].append(cpu)
        self.wall[tool, style, size].append(wall)
        self.counts[tool, style, size] = n

    def whole_process(self, style: str, size: int) -> None:
        """One round of the child processes, citekit then each pandoc."""
        csl = self.styles[style].path
        cache = self.work / "cache"
        timing = run_child(citekit_command(self.bibs[size], csl), child_env(cache))
        self.record("citekit", style, size, timing.cpu, timing.wall, timing.entries)
        timing = run_child(citekit_command(self.bibs[size], csl), child_env(cache, False))
        self.record(NO_DISK_CACHE, style, size, timing.cpu, timing.wall, timing.entries)
        timing = run_child(citekit_command(self.edited(size), csl), child_env(cache))
        self.record(EDITED_FILE, style, size, timing.cpu, timing.wall, timing.entries)
        if self.jobs != 1:
            timing = run_child(citekit_command(self.bibs[size], csl, self.jobs), child_env(cache))
            self.record(PARALLEL_WHOLE, style, size, timing.cpu, timing.wall, timing.entries)
        for label, pandoc in self.pandocs.items():
            if (label, style, size) in self.timed_out:
                continue
            command = pandoc_command(pandoc, self.bibs[size], csl, self.work / "nocite.md")
            timing = run_child(command, timeout=self.timeout)
            self.record(label, style, size, timing.cpu, timing.wall, timing.entries)
            if timing.timed_out:
                self.timed_out.add((label, style, size))
                print(f"note: {label} {style} {size} killed after {timing.wall:.0f} s wall")

    def edited(self, size: int) -> Path:
        """The .bib of ``size`` with a comment changed since the last call: a new text
        at the same path, which citekit must read afresh (its kept parse is for another)."""
        self.edits += 1
        path = self.work / f"edited-{size}.bib"
        text = self.bibs[size].read_text(encoding="utf-8")
        path.write_text(f"{text}\n% edit {self.edits}\n", encoding="utf-8")
        return path

    def in_process(self, style: str, size: int, peers: bool = True) -> None:
        """One round of citekit's ``render()`` (and citeproc-py for APA) in this process."""
        library = citekit.read(self.bibs[size]).library
        cpu, wall, n = timed(lambda: render_in_process(library, self.styles[style]))
        self.record("citekit in-process", style, size, cpu, wall, n)
        if self.jobs != 1:
            jobs = self.jobs
            cpu, wall, n = timed(lambda: render_in_process(library, self.styles[style], jobs))
            self.record(PARALLEL_IN_PROCESS, style, size, cpu, wall, n)
        if style != "apa" or not self.citeproc_py or not peers:
            return
        items = library.to_json()
        library = citekit.Library.from_json(items)
        cpu, wall, n = timed(lambda: cite_all_in_process(library, self.styles[style]))
        self.record("citekit cited", style, size, cpu, wall, n)
        path = str(self.styles[style].path)
        cpu, wall, n = timed(lambda: run_citeproc_py(items, path))
        self.record("citeproc-py", style, size, cpu, wall, n)


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def at_least(bench: Bench, tool: str, style: str, size: int) -> str:
    """``>`` before a figure of a run that was killed (its time is a lower bound)."""
    return ">" if (tool, style, size) in bench.timed_out else ""


def print_size_lines(bench: Bench, style: str, size: int) -> dict[str, float]:
    """The lines of one style and size; returns the ratios for the summary."""
    ratios: dict[str, float] = {}
    ours_cpu = median(bench.cpu["citekit", style, size])
    ours_wall = median(bench.wall["citekit", style, size])
    inproc = median(bench.cpu["citekit in-process", style, size])
    n = bench.counts.get(("citekit", style, size), 0)
    parts = [
        f"{style} {size:>6d}: citekit {ours_cpu:.2f} s CPU ({ours_wall:.2f} s wall, {n} entries)"
    ]
    for label in bench.pandocs:
        cpu = median(bench.cpu[label, style, size])
        wall = median(bench.wall[label, style, size])
        theirs_n = bench.counts.get((label, style, size), 0)
        ratio = cpu / ours_cpu
        ratios[f"{label} whole"] = ratio
        ratios[f"{label} in-process"] = cpu / inproc
        if (label, style, size) in bench.timed_out:
            parts.append(
                f"{label} > {cpu:.2f} s CPU (killed after {wall:.0f} s wall), > {ratio:.2f}x"
            )
            continue
        parts.append(
            f"{label} {cpu:.2f} s CPU ({wall:.2f} s wall, {theirs_n} entries), {ratio:.2f}x"
        )
    print("; ".join(parts))
    for tool, meaning in COLD_ROWS:
        if (tool, style, size) not in bench.cpu:
            continue
        cold = median(bench.cpu[tool, style, size])
        if tool == EDITED_FILE:
            for label in bench.pandocs:
                ratios[f"{label} edited"] = median(bench.cpu[label, style, size]) / cold
        against = ", ".join(
            f"{label} {at_least(bench, label, style, size)}"
            f"{median(bench.cpu[label, style, size]) / cold:.2f}x"
            for label in bench.pandocs
        )
        print(
            f"{style} {size:>6d}: citekit, {meaning} {cold:.2f} s "
            f"CPU ({median(bench.wall[tool, style, size]):.2f} s wall)"
            + (f"; vs {against}" if against else "")
        )
    against = ", ".join(
        f"{label} {at_least(bench, label, style, size)}{ratios[f'{label} in-process']:.2f}x"
        for label in bench.pandocs
    )
    print(
        f"{style} {size:>6d}: citekit render() in-process {inproc:.2f} s CPU "
        f"({median(bench.wall['citekit in-process', style, size]):.2f} s wall, "
        f"{inproc * 1000 / max(size, 1):.3f} ms/entry)" + (f"; vs {against}" if against else "")
    )
    if (PARALLEL_WHOLE, style, size) in bench.wall:
        ratios.update(print_parallel_line(bench, style, size))
    if ("citeproc-py", style, size) in bench.cpu:
        ours = median(bench.cpu["citekit cited", style, size])
        theirs = median(bench.cpu["citeproc-py", style, size])
        count_ours = bench.counts["citekit cited", style, size]
        count_theirs = bench.counts["citeproc-py", style, size]
        per_ours = ours * 1000 / max(count_ours, 1)
        per_theirs = theirs * 1000 / max(count_theirs, 1)
        ratios["citeproc-py"] = per_theirs / per_ours
        print(
            f"{size:6d} items: citekit {per_ours:.3f} ms/entry ({count_ours} entries), "
            f"citeproc-py {per_theirs:.3f} ms/entry ({count_theirs} entries), "
            f"ratio {per_theirs / per_ours:.1f}x"
        )
    return ratios


def print_parallel_line(bench: Bench, style: str, size: int) -> dict[str, float]:
    """Wall time of the ``--jobs`` runs beside the single-process runs and the pandocs.

    Returns the wall-time speed-ups of N jobs over 1, whole process and in-process.
    """
    whole_one = median(bench.wall["citekit", style, size])
    whole_many = median(bench.wall[PARALLEL_WHOLE, style, size])
    inproc_one = median(bench.wall["citekit in-process", style, size])
    inproc_many = median(bench.wall[PARALLEL_IN_PROCESS, style, size])
    peers = ", ".join(
        f"{label} {at_least(bench, label, style, size)}"
        f"{median(bench.wall[label, style, size]):.2f} s"
        for label in bench.pandocs
    )
    print(
        f"{style} {size:>6d}: WALL time, {bench.jobs} jobs: citekit bib --jobs {bench.jobs} "
        f"{whole_many:.2f} s (--jobs 1 {whole_one:.2f} s, {whole_one / whole_many:.2f}x); "
        f"render(jobs={bench.jobs}) {inproc_many:.2f} s (jobs=1 {inproc_one:.2f} s, "
        f"{inproc_one / inproc_many:.2f}x)" + (f"; pandoc wall: {peers}" if peers else "")
    )
    return {
        "jobs whole": whole_one / whole_many,
        "jobs in-process": inproc_one / inproc_many,
    }


def print_per_entry(bench: Bench, sizes: list[int]) -> None:
    """APA's cost per entry by size, for every tool: flat means it scales linearly."""
    for tool in ["citekit", "citekit in-process", *bench.pandocs]:
        costs = [
            f"{size_label(size)} {at_least(bench, tool, 'apa', size)}"
            f"{median(bench.cpu[tool, 'apa', size]) * 1000 / size:.2f}"
            for size in sizes
            if ("apa" in bench.styles and (tool, "apa", size) in bench.cpu)
        ]
        print(f"per-entry apa, {tool}: " + ", ".join(costs) + " ms CPU/entry")


def summary_line(ratios: dict[tuple[str, int], dict[str, float]], bench: Bench) -> str:
    """``format-speed: ...``, every ratio of medians (peer / citekit; above 1: citekit faster).

    Per pandoc the three are the whole process (CPU) on an unchanged file,
    on an edited file (read afresh), and the in-process render() (CPU),
    each against pandoc's whole process.
    """
    groups: list[str] = []
    for label in bench.pandocs:
        cells = [
            f"{style} {size_label(size)} {at_least(bench, label, style, size)}"
            f"{found[f'{label} whole']:.2f}x/{at_least(bench, label, style, size)}"
            f"{found.get(f'{label} edited', float('nan')):.2f}x/"
            f"{at_least(bench, label, style, size)}{found[f'{label} in-process']:.2f}x"
            for (style, size), found in ratios.items()
            if f"{label} whole" in found
        ]
        groups.append(f"vs {label} (whole/edited .bib/in-process) " + ", ".join(cells))
    cells = [
        f"{style} {size_label(size)} {found['citeproc-py']:.1f}x"
        for (style, size), found in ratios.items()
        if "citeproc-py" in found
    ]
    if cells:
        groups.append("vs citeproc-py (in-process) " + ", ".join(cells))
    cells = [
        f"{style} {size_label(size)} {found['jobs whole']:.2f}x/{found['jobs in-process']:.2f}x"
        for (style, size), found in ratios.items()
        if "jobs whole" in found
    ]
    if cells:
        groups.append(f"{bench.jobs} jobs over 1, WALL time (whole/in-process) " + ", ".join(cells))
    return "format-speed: citekit faster " + "; ".join(groups)


def profile_apa(bench: Bench, size: int, top: int) -> None:
    """cProfile of one in-process APA render at ``size``, the top functions by own time."""
    library = citekit.read(bench.bibs[size]).library
    profiler = cProfile.Profile()
    profiler.enable()
    render_in_process(library, bench.styles["apa"])
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    print(f"--- profile: apa {size} in-process render(), top {top} by tottime")
    print(out.getvalue().rstrip())


def prepare(args: argparse.Namespace, work: Path) -> Bench:
    """Write the .bib files and the nocite document; find the styles and pandocs."""
    entries = split_entries(CDL_BIB.read_text(encoding="utf-8"))
    sizes = sorted(set(args.sizes) | (set(args.large_sizes) if args.large else set()))
    bibs: dict[int, Path] = {}
    for size in sizes:
        bibs[size] = work / f"cdl-{size}.bib"
        bibs[size].write_text(entries_for(entries, size), encoding="utf-8")
    (work / "nocite.md").write_text(NOCITE_DOCUMENT, encoding="utf-8")
    styles = {name: citekit.find_style(name) for name in args.styles}
    pandocs = find_pandocs()
    if not pandocs:
        print("note: no pandoc found; whole-process figures are citekit's alone")
    citeproc_py = not args.no_citeproc_py
    if citeproc_py:
        try:
            import citeproc  # noqa: F401
        except ImportError:
            print("note: citeproc-py not installed; its lines are left out")
            citeproc_py = False
    print(f"corpus: {len(entries)} entries in {CDL_BIB}; sizes {sizes}")
    print(f"styles: {', '.join(f'{n} ({s.path})' for n, s in styles.items())}")
    print(f"peers: {', '.join(f'{k} ({v})' for k, v in pandocs.items()) or 'none'}")
    return Bench(
        work,
        styles,
        bibs,
        pandocs,
        citeproc_py,
        defaultdict(list),
        defaultdict(list),
        {},
        timeout=args.timeout or None,
        jobs=args.jobs,
    )


def warm_up(bench: Bench, sizes: list[int], large_sizes: list[int]) -> None:
    """Uncounted runs: bytecode, disk and file caches in place.

    One round of every child and style at the smallest size; then citekit
    twice more for each size and style (and the large sizes, APA), as a
    user's repeated commands: the disk cache keeps a .bib's parse from its
    second read; and two edits of each size's edited copy, after which the
    cache keeps the conversions of its entries (from the second edit on).
    """
    for style in bench.styles:
        bench.whole_process(style, min(sizes))
    cache = bench.work / "cache"
    runs = [(size, style) for size in sizes for style in bench.styles]
    runs += [(size, "apa") for size in large_sizes if "apa" in bench.styles]
    for size, style in runs:
        csl = bench.styles[style].path
        for _ in range(2):
            run_child(citekit_command(bench.bibs[size], csl), child_env(cache))
    for size in {size for size, _ in runs}:
        csl = bench.styles[next(iter(bench.styles))].path
        for _ in range(2):
            run_child(citekit_command(bench.edited(size), csl), child_env(cache))
    for measure in (bench.cpu, bench.wall):
        measure.clear()
    bench.counts.clear()
    bench.timed_out.clear()


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--styles", nargs="+", default=list(STYLES))
    parser.add_argument(
        "--repeat", type=int, default=3, help="interleaved rounds; the median counts (default 3)"
    )
    parser.add_argument(
        "--large", action="store_true", help="add APA at --large-sizes (pandoc takes minutes)"
    )
    parser.add_argument("--large-sizes", type=int, nargs="+", default=[20000, 50000])
    parser.add_argument(
        "--large-repeat", type=int, default=1, help="rounds at the large sizes (default 1)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=90,
        help="seconds (wall) before a pandoc run is killed and counted as a lower bound, "
        "not run again at that size (0: no limit; default 90)",
    )
    parser.add_argument("--no-citeproc-py", action="store_true")
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="processes of the parallel runs (wall time beside the single-process runs); "
        "1 leaves them out (default 2)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="print the top N functions of the APA render at the largest size",
    )
    args = parser.parse_args()
    if not CDL_BIB.is_file():
        print(f"skipped: {CDL_BIB} not found (the shared corpus, see SOURCES.md)")
        return 0
    with tempfile.TemporaryDirectory(prefix="format-speed-") as folder:
        bench = prepare(args, Path(folder))
        print(f"start: {load()}")
        warm_up(bench, args.sizes, args.large_sizes if args.large else [])
        for _ in range(args.repeat):
            for style in args.styles:
                for size in args.sizes:
                    bench.whole_process(style, size)
                    bench.in_process(style, size)
        if args.large and "apa" in bench.styles:
            for _ in range(args.large_repeat):
                for size in args.large_sizes:
                    bench.whole_process("apa", size)
                    bench.in_process("apa", size, peers=False)
        print(f"end: {load()}")
        ratios: dict[tuple[str, int], dict[str, float]] = {}
        for style in args.styles:
            for size in args.sizes:
                ratios[style, size] = print_size_lines(bench, style, size)
        if args.large and "apa" in bench.styles:
            for size in args.large_sizes:
                ratios["apa", size] = print_size_lines(bench, "apa", size)
        large = args.large_sizes if args.large else []
        print_per_entry(bench, sorted(set(args.sizes) | set(large)))
        if args.profile and "apa" in bench.styles:
            profile_apa(bench, max(args.sizes), args.profile)
        print(summary_line(ratios, bench))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""An editing session's commands on one .bib, against pandoc in the same run (issue 19).

A writer edits the bibliography and formats it again, edit after edit.  What
such a command costs depends on what came before it, since the command line
keeps a file's parse, and after an edit the conversions of its entries, in
its disk cache (``citekit.formats.readcache``).  This script runs the
session in order and times each kind of command, ``citekit bib FILE --style
S --jobs 1`` as a child process (CPU = user + system time):

* **unchanged**: the file as the last command left it (read twice before:
  its parse is kept whole, and the conversion of each entry);
* **first edit**: the first command after an edit of that file: the text is
  new, so it is split and its macros and inheritance resolved again, but
  only the entry the edit changed is converted;
* **later edits**: ``--edits`` more edits, each to another entry (their
  median counts): the same, while nine tenths of the entries still match
  the kept conversions;
* **pandoc**: each pandoc (2.17 on the PATH, 3.x of pypandoc-binary)
  formatting the same text with the same style; pandoc keeps nothing between
  runs, so every run of it is alike.  A pandoc run still going after
  ``--timeout`` seconds is stopped, counted as a lower bound (``>``) and not
  run again at that size (pandoc 3.9 takes minutes over APA at 5,000).

Each edit changes one entry's title, as a writer's correction does.  Every
round is one whole session with a cache folder of its own; the medians of
``--rounds`` rounds count.  After each round, the last edit's output is
compared with a run without the disk cache: they must be the same bytes.

The last line: ``edit-cycle: ieee 1k vs pandoc 2.17.1.1: unchanged Ux, first
edit Fx, later edits Lx; ...`` (pandoc's CPU over citekit's; below 1 means
slower), for every pandoc found.

Usage: python benchmarks/edit_cycle.py [--sizes 1000 5000] [--styles ieee]
       [--rounds 3] [--edits 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import citekit
from format_speed import (
    CDL_BIB,
    NOCITE_DOCUMENT,
    child_env,
    citekit_command,
    entries_for,
    find_pandocs,
    pandoc_command,
    run_child,
    size_label,
    split_entries,
)

PHASES = ("unchanged", "first edit", "later edits")
TITLE = re.compile(r"(\n\s*title\s*=\s*[{\"])", re.IGNORECASE)


def edited(entries: list[str], edits: int) -> str:
    """The library after ``edits`` edits: the title of entries 1, 2, ... revised."""
    changed = list(entries)
    for number in range(1, edits + 1):
        index = (number * 97) % len(changed)  # entries spread over the file
        entry = changed[index]
        if TITLE.search(entry) is None:
            changed[index] = entry.replace(",", f",\n  note = {{revised {number}}},", 1)
        else:
            changed[index] = TITLE.sub(rf"\g<1>Revised {number}: ", entry, count=1)
    return "\n".join(changed)


def session(entries: list[str], csl: Path, edits: int, work: Path) -> tuple[dict[str, float], str]:
    """One editing session in a fresh cache: CPU seconds by phase, and the last text."""
    cache = work / "cache"
    bib = work / "library.bib"
    env = child_env(cache)
    bib.write_text(edited(entries, 0), encoding="utf-8")
    for _ in range(2):  # noted, then kept: the file as a user has been using it
        run_child(citekit_command(bib, csl), env)
    spent: dict[str, float] = {"unchanged": run_child(citekit_command(bib, csl), env).cpu}
    later: list[float] = []
    for number in range(1, edits + 2):
        bib.write_text(edited(entries, number), encoding="utf-8")
        cpu = run_child(citekit_command(bib, csl), env).cpu
        if number == 1:
            spent["first edit"] = cpu
        else:
            later.append(cpu)
    spent["later edits"] = statistics.median(later)
    return spent, bib.read_text(encoding="utf-8")


def same_output(bib: Path, csl: Path, cache: Path) -> bool:
    """Whether the cached command and one without the disk cache print the same bytes."""
    outputs = [
        subprocess.run(
            citekit_command(bib, csl), capture_output=True, env=child_env(cache, on), check=False
        ).stdout
        for on in (True, False)
    ]
    return outputs[0] == outputs[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--styles", nargs="+", default=["ieee"])
    parser.add_argument("--rounds", type=int, default=3, help="sessions; medians count")
    parser.add_argument("--edits", type=int, default=3, help="later edits per session")
    parser.add_argument(
        "--timeout", type=float, default=90, help="seconds (wall) before a pandoc run stops"
    )
    args = parser.parse_args()
    if not CDL_BIB.is_file():
        print(f"skipped: {CDL_BIB} not found (the shared corpus, see SOURCES.md)")
        return 0
    corpus = split_entries(CDL_BIB.read_text(encoding="utf-8"))
    pandocs = find_pandocs()
    styles = {name: citekit.find_style(name) for name in args.styles}
    print(f"corpus: {len(corpus)} entries in {CDL_BIB}; sizes {args.sizes}")
    print(f"peers: {', '.join(f'{k} ({v})' for k, v in pandocs.items()) or 'none'}")
    times: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    timed_out: set[tuple[str, str, int]] = set()
    with tempfile.TemporaryDirectory(prefix="edit-cycle-") as folder:
        work = Path(folder)
        document = work / "nocite.md"
        document.write_text(NOCITE_DOCUMENT, encoding="utf-8")
        for round_number in range(args.rounds):
            for name, style in styles.items():
                csl = Path(str(style.path))
                for size in args.sizes:
                    entries = split_entries(entries_for(corpus, size))
                    place = work / f"{name}-{size}-{round_number}"
                    place.mkdir()
                    spent, text = session(entries, csl, args.edits, place)
                    for phase, cpu in spent.items():
                        times[phase, name, size].append(cpu)
                    if not same_output(place / "library.bib", csl, place / "cache"):
                        print(f"FAILED: {name} {size}: the cached output differs")
                        return 1
                    (place / "pandoc.bib").write_text(text, encoding="utf-8")
                    for label, pandoc in pandocs.items():
                        if (label, name, size) in timed_out:
                            continue
                        command = pandoc_command(pandoc, place / "pandoc.bib", csl, document)
                        timing = run_child(command, timeout=args.timeout or None)
                        times[label, name, size].append(timing.cpu)
                        if timing.timed_out:
                            timed_out.add((label, name, size))
                            print(f"note: {label} {name} {size} stopped after {timing.wall:.0f} s")
    summary: list[str] = []
    for name in styles:
        for size in args.sizes:
            cells = [
                f"{phase} {statistics.median(times[phase, name, size]):.3f} s" for phase in PHASES
            ]
            print(f"{name} {size}: citekit CPU, medians of {args.rounds}: " + ", ".join(cells))
            for label in pandocs:
                theirs = statistics.median(times[label, name, size])
                bound = ">" if (label, name, size) in timed_out else ""
                ratios = ", ".join(
                    f"{phase} {bound}{theirs / statistics.median(times[phase, name, size]):.2f}x"
                    for phase in PHASES
                )
                print(f"  {label} {bound}{theirs:.3f} s: citekit faster by {ratios}")
                summary.append(f"{name} {size_label(size)} vs {label}: {ratios}")
    print("edit-cycle: " + "; ".join(summary) + " (pandoc CPU / citekit CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

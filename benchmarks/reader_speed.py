"""Speed of building a 1,000-reading course reader, against pandoc in the same run.

Reads ../shared/corpus/cdl.bib with citekit's BibTeX reader, takes the first
1,000 entries an author-date style can format (a title, and an author,
editor or date), and builds a generated reading list of 10 sections of 100
readings (every fourth optional, each with a page range and an annotation)
through the TOML loader, the checks and one ``render()`` per section plus
the consolidated bibliography.  It times:

* ``citekit reader``: building the reader, then writing HTML, DOCX and
  Markdown (each format's time is the build plus its writer);
* the peer, ``pandoc --citeproc``: the same 1,000 entries (as CSL-JSON,
  written by citekit) rendered as one flat HTML bibliography in the same
  style — the job a CSL processor does without sections (skipped with a
  message when pandoc is absent).

Each step runs ``--repeat`` times and its best time counts (the machine is
shared).  The last line is the summary with the ratio against pandoc.

Every available CSL engine is measured unless ``--engine`` names one.

Usage: python benchmarks/reader_speed.py [--file PATH] [--style apa]
       [--engine citeproc-py|citekit] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from citekit.course.build import build_reader
from citekit.course.docx import render_docx
from citekit.course.html import render_html
from citekit.course.markdown import render_markdown
from citekit.course.model import parse_reading_list
from citekit.formats import bibtex, write_string
from citekit.model.records import Library, Record
from citekit.render.api import available_engines
from citekit.styles.catalog import find_style

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared")) / "corpus" / "cdl.bib"
SECTIONS = 10
PER_SECTION = 100

T = TypeVar("T")


def best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def usable(record: Record) -> bool:
    """What the reader's checks accept for an author-date style without errors."""
    return bool(record.get("title")) and bool(
        record.get("author") or record.get("editor") or record.get("issued")
    )


def reading_list_toml(keys: list[str], style: str) -> str:
    lines = ['title = "Benchmark course"', f'style = "{style}"', 'libraries = ["cdl.bib"]']
    for s in range(SECTIONS):
        lines += ["[[sections]]", f'id = "week-{s + 1}"', f'title = "Week {s + 1}"']
        for n, key in enumerate(keys[s * PER_SECTION : (s + 1) * PER_SECTION]):
            escaped = key.replace("\\", "\\\\").replace('"', '\\"')
            lines += [
                "[[sections.readings]]",
                f'key = "{escaped}"',
                f'pages = "{n + 1}-{n + 20}, {n + 40}"',
                f'annotation = "Reading {n + 1} of week {s + 1}: why it is here."',
            ]
            if n % 4 == 3:
                lines.append("required = false")
    return "\n".join(lines) + "\n"


def run_pandoc(library: Library, style_path: Path) -> int:
    with tempfile.TemporaryDirectory() as folder:
        refs = Path(folder) / "refs.json"
        refs.write_text(write_string(library, "csljson"), encoding="utf-8")
        source = Path(folder) / "doc.md"
        source.write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
        done = subprocess.run(
            [
                "pandoc",
                "--citeproc",
                f"--bibliography={refs}",
                f"--csl={style_path}",
                "-t",
                "html",
                str(source),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    return done.stdout.count('class="csl-entry"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("--style", default="apa")
    parser.add_argument("--engine", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"skipped: {args.file} is absent (the shared corpus is needed)")
        return 0
    text = args.file.read_text(encoding="utf-8")
    started = time.perf_counter()
    corpus = bibtex.read(text, filename=str(args.file)).library
    print(
        f"read {args.file.name}: {len(corpus)} entries in "
        f"{time.perf_counter() - started:.2f} s (not counted below)"
    )
    keys = [r.key for r in corpus if usable(r)][: SECTIONS * PER_SECTION]
    if len(keys) < SECTIONS * PER_SECTION:
        print(f"skipped: only {len(keys)} usable entries")
        return 0
    listing = parse_reading_list(
        reading_list_toml(keys, args.style), filename="bench.toml", base=args.file.parent
    )
    flat = Library(corpus[k] for k in keys)
    pandoc_s: float | None = None
    if shutil.which("pandoc") is None:
        print("peer skipped: pandoc is not installed")
    else:
        style_path = find_style(args.style).path
        pandoc_s, count = best_of(args.repeat, lambda: run_pandoc(flat, style_path))
        version = subprocess.run(
            ["pandoc", "--version"], capture_output=True, text=True, check=False
        ).stdout.split("\n")[0]
        print(
            f"peer {version} --citeproc, one flat bibliography of {count} entries "
            f"({args.style}): {pandoc_s:.2f} s"
        )
    summary: list[str] = []
    for engine in [args.engine] if args.engine else available_engines():
        build_s, reader = best_of(
            args.repeat, partial(build_reader, listing, corpus, engine=engine)
        )
        entries = sum(len(s.entries) for s in reader.sections)
        print(
            f"[{engine}] build: {entries} readings in {len(reader.sections)} sections + "
            f"{len(reader.bibliography)} consolidated entries: {build_s:.2f} s"
        )
        writers: dict[str, Callable[[], object]] = {
            "html": partial(render_html, reader),
            "docx": partial(render_docx, reader),
            "markdown": partial(render_markdown, reader),
        }
        for name, write in writers.items():
            seconds, _ = best_of(args.repeat, write)
            total = build_s + seconds
            ratio = f" = {total / pandoc_s:.1f}x pandoc" if pandoc_s else ""
            print(f"[{engine}] write {name}: {seconds:.2f} s (build + write {total:.2f} s{ratio})")
            summary.append(f"{engine}/{name} {total:.2f} s")
    peer = f"{pandoc_s:.2f} s" if pandoc_s is not None else "absent"
    print(f"reader of 1000 readings: {', '.join(summary)}; pandoc --citeproc flat: {peer}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed of BibTeX -> CSL-JSON conversion: citekit against two peers, same run.

Converts ../shared/corpus/cdl.bib (6,315 entries) to CSL-JSON with full
LaTeX decoding and name parsing, and times in the same run:

* ``pandoc -f biblatex -t csljson`` (skipped with a message when absent);
* bibtexparser v2's own stack: its default parse stack plus
  ``LatexDecodingMiddleware``, ``SeparateCoAuthors`` and ``SplitNameParts``.

Each tool runs ``--repeat`` times and its best time counts (the machine is
shared).  The last line is the summary:
``convert cdl.bib: citekit X s, pandoc Y s (Z x), bibtexparser-stack W s (V x)``.

Usage: python benchmarks/convert_speed.py [--file PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared")) / "corpus" / "cdl.bib"


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_citekit(path: Path) -> str:
    from citekit.formats import bibtex

    text = path.read_text(encoding="utf-8")
    result = bibtex.read(text, filename=str(path))
    return json.dumps(result.library.to_json(), ensure_ascii=False)


def run_pandoc(path: Path) -> str:
    done = subprocess.run(
        ["pandoc", "-f", "biblatex", "-t", "csljson", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def run_bibtexparser(path: Path) -> int:
    import bibtexparser
    from bibtexparser.middlewares import (
        LatexDecodingMiddleware,
        SeparateCoAuthors,
        SplitNameParts,
    )

    text = path.read_text(encoding="utf-8")
    library = bibtexparser.parse_string(
        text,
        append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()],
    )
    return len(library.entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    path: Path = args.file
    if not path.is_file():
        print(f"{path} not found (set CITEKIT_SHARED or pass --file)", file=sys.stderr)
        return 2

    ours, output = best_of(args.repeat, lambda: run_citekit(path))
    entries = len(json.loads(str(output)))
    print(f"citekit: {entries} entries in {ours:.3f} s (best of {args.repeat})")

    pandoc_part = "pandoc absent"
    if shutil.which("pandoc"):
        theirs, _ = best_of(args.repeat, lambda: run_pandoc(path))
        print(f"pandoc: {theirs:.3f} s (best of {args.repeat})")
        pandoc_part = f"pandoc {theirs:.2f} s ({theirs / ours:.1f} x)"
    else:
        print("pandoc is not installed: skipping that peer")

    bp_repeat = max(1, args.repeat - 1)
    stack, count = best_of(bp_repeat, lambda: run_bibtexparser(path))
    print(f"bibtexparser stack: {count} entries in {stack:.3f} s (best of {bp_repeat})")
    print(
        f"convert {path.name}: citekit {ours:.2f} s, {pandoc_part}, "
        f"bibtexparser-stack {stack:.2f} s ({stack / ours:.1f} x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

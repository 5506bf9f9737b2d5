"""A reproducible sample of real entries, for comparing engines beyond the shared reference.

The shared citeproc-js reference covers 92 biblatex-examples entries in six
styles.  To compare with citeproc-js on messier real data and in more styles,
convert the corpora, draw the same seeded sample every time, and let
``benchmarks/citeproc_js_reference.js`` render it::

    python benchmarks/sample_items.py ../shared/corpus/cdl.bib ../shared/corpus/iridia.bib \\
        --per-file 250 --seed 7 -o /tmp/sample.json
    node benchmarks/citeproc_js_reference.js node_modules/citeproc /tmp/sample.json \\
        STYLES_DIR LOCALES_DIR /tmp/ref-sample apa modern-language-association ...
    python benchmarks/reference_agreement.py --reference /tmp/ref-sample --style apa ...

Files are read with citekit's own readers (any format it knows).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from citekit.formats import read


def sample(paths: list[Path], per_file: int, seed: int) -> list[dict[str, object]]:
    """``per_file`` entries of each file, drawn with one seeded generator, in file order."""
    rng = random.Random(seed)
    chosen: list[dict[str, object]] = []
    for path in paths:
        items = read(path).library.to_json()
        chosen.extend(rng.sample(items, min(per_file, len(items))))
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--per-file", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    items = sample(args.files, args.per_file, args.seed)
    args.output.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(items)} entries from {len(args.files)} files written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

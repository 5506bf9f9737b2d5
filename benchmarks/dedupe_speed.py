"""How fast is ``find_duplicates``, and does it stay near-linear?

Reads ../shared/corpus/cdl.bib and iridia.bib (9,620 entries together) with
citekit's BibTeX reader, then times :func:`citekit.ops.dedupe.find_duplicates`
on the library, on the library doubled (every record copied under a new key,
so every record now has a duplicate) and quadrupled.  Near-linear growth
shows as a ratio near 2 per doubling; comparing every pair would give 4.

The peer, measured in the same run, is the "all-pairs baseline": the same
per-pair test (identifiers, then year + first author + title similarity)
applied to every pair of a 1,000-record sample, extrapolated by the number of
pairs (n(n-1)/2) to the full size.  It is what dedupe would cost without
blocking.

Run: ``.venv/bin/python benchmarks/dedupe_speed.py [SHARED_DIR]``
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from citekit.model.records import Library, Record
from citekit.ops.dedupe import MatchProfile, find_duplicates, titles_compatible, titles_similar

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 1_000
REPEATS = 5


def load(shared: Path) -> Library:
    """Both corpus files in one library, via citekit's reader when it is there."""
    records: list[Record] = []
    try:
        from citekit.formats import read

        for name in ("cdl.bib", "iridia.bib"):
            records += list(read(shared / "corpus" / name).library)
        source = "citekit's BibTeX reader on corpus/cdl.bib + iridia.bib"
    except ImportError as exc:  # the BibTeX reader is not built yet
        print(
            f"note: citekit's BibTeX reader failed to import ({exc}); "
            "using pandoc's CSL-JSON of the same files instead"
        )
        for name in ("cdl.json", "iridia.json"):
            items = json.loads(
                (shared / "reference" / "pandoc-csljson" / name).read_text(encoding="utf-8")
            )
            records += list(Library.from_json(items))
        source = "reference/pandoc-csljson/cdl.json + iridia.json"
    library = Library()
    for record in records:
        while record.key in library:
            record.id = f"{record.key}~"
        library.add(record)
    print(f"input: {len(library):,} records ({source})")
    return library


def doubled(library: Library, copies: int) -> Library:
    """The library ``copies`` times over, each copy under renamed keys."""
    out = Library()
    for n in range(copies):
        for record in library:
            clone = record.copy()
            clone.id = record.key if n == 0 else f"{record.key}#copy{n}"
            out.add(clone)
    return out


def best_time(action: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def all_pairs(records: list[Record]) -> int:
    """The naive peer: every pair through the same tests, no blocking."""
    profiles = [MatchProfile.of(r) for r in records]
    found = 0
    for x, a in enumerate(profiles):
        for b in profiles[x + 1 :]:
            shared_id = bool(a.dois & b.dois or a.isbns & b.isbns)
            if (shared_id and titles_compatible(a.title, b.title)) or (
                a.year == b.year
                and a.family
                and a.family == b.family
                and titles_similar(a.title, b.title, 0.9)
            ):
                found += 1
    return found


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared"
    library = load(shared)
    n = len(library)

    print("\nfind_duplicates (blocking + union-find), best of", REPEATS)
    previous = None
    results: list[tuple[int, float, int]] = []
    for copies in (1, 2, 4):
        lib = library if copies == 1 else doubled(library, copies)
        groups = find_duplicates(lib)
        seconds = best_time(partial(find_duplicates, lib))
        growth = f"x{seconds / previous:.2f} for x2 input" if previous else ""
        print(f"  {len(lib):>7,} records: {seconds:7.3f} s  {len(groups):>6,} groups  {growth}")
        results.append((len(lib), seconds, len(groups)))
        previous = seconds

    random.seed(42)
    sample = random.sample(list(library), min(SAMPLE, n))
    pairs_sample = len(sample) * (len(sample) - 1) / 2
    sample_seconds = best_time(partial(all_pairs, sample))
    per_pair = sample_seconds / pairs_sample
    print(
        f"\nall-pairs baseline (peer): {len(sample):,}-record sample, "
        f"{pairs_sample:,.0f} pairs in {sample_seconds:.3f} s "
        f"({per_pair * 1e6:.2f} µs/pair)"
    )
    for size, seconds, _ in results:
        pairs = size * (size - 1) / 2
        estimate = per_pair * pairs
        print(
            f"  {size:>7,} records: {pairs:,.0f} pairs -> ~{estimate:8.1f} s extrapolated; "
            f"find_duplicates is {estimate / seconds:,.0f}x faster"
        )
    first, last = results[0], results[-1]
    exponent = (last[1] / first[1]) ** (1 / 2)  # two doublings
    print(f"\ngrowth per doubling of the input: x{exponent:.2f} (linear = 2, all pairs = 4)")


if __name__ == "__main__":
    main()

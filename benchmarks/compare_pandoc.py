"""How closely citekit's BibTeX reader agrees with pandoc 2.17's.

For each corpus file (../shared/corpus) this converts the .bib with citekit
and compares every entry with pandoc's CSL-JSON for the same file
(../shared/reference/pandoc-csljson): type, names, dates, titles and
container titles.  It prints the share of entries that agree on each, and
the disagreements by kind with a few examples.

Titles are compared without case, markup and typographic quotes, because
pandoc converts English titles to sentence case and curls apostrophes while
citekit keeps the text as written (see tests/formats/test_bibtex_pandoc.py).

Usage: python benchmarks/compare_pandoc.py [--shared PATH] [--examples N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from citekit.formats import bibtex
from citekit.formats.bibtex.latex import strip_markup

ROOT = Path(__file__).resolve().parent.parent
FILES = ("biblatex-examples", "cdl", "iridia")
NAME_FIELDS = ("author", "editor", "translator")
DATE_FIELDS = ("issued", "original-date", "event-date", "accessed")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})


def norm_text(value: Any) -> str:
    text = unicodedata.normalize("NFC", strip_markup(str(value))).translate(_QUOTES)
    return " ".join(text.split()).casefold()


def norm_names(item: dict[str, Any]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for field in NAME_FIELDS:
        for name in item.get(field, []):
            parts = tuple(
                " ".join(unicodedata.normalize("NFC", str(name.get(k, ""))).split()).translate(
                    _QUOTES
                )
                for k in (
                    "family",
                    "given",
                    "dropping-particle",
                    "non-dropping-particle",
                    "suffix",
                    "literal",
                )
            )
            out.append((field, *parts))
    return out


def norm_dates(item: dict[str, Any]) -> list[Any]:
    out = []
    for field in DATE_FIELDS:
        value = item.get(field)
        if isinstance(value, dict):
            parts = [[int(x) for x in p] for p in value.get("date-parts", [])]
            out.append((field, json.dumps(parts), value.get("literal")))
    return out


def dropped_fields(text: str, result: Any) -> list[str]:
    """Fields of the file that are neither mapped nor kept in custom.biblatex."""
    from citekit.formats.bibtex import fields as bibmap
    from citekit.formats.bibtex.reader import _Reader
    from citekit.model.records import variable_kind

    entries, _, _ = _Reader(None).split(text)
    dropped: list[str] = []
    for key, entry in entries.items():
        record = result.library.get(key)
        kept = record.custom.get("biblatex", {}) if record is not None else {}
        for field in entry.fields:
            canonical = bibmap.FIELD_ALIASES.get(field, field)
            if canonical in bibmap.FIELDS or variable_kind(field) != "unknown":
                continue
            if field not in kept:
                dropped.append(f"{key}.{field}")
    return dropped


CHECKS = {
    "type": lambda item: item.get("type"),
    "names": norm_names,
    "dates": norm_dates,
    "title": lambda item: norm_text(item.get("title", "")),
    "container-title": lambda item: norm_text(item.get("container-title", "")),
}


def compare_file(bib: Path, reference: Path, examples: int) -> dict[str, Any]:
    result = bibtex.read(bib.read_text(encoding="utf-8"), filename=bib.name)
    ours = {str(item["id"]): item for item in result.library.to_json()}
    theirs = {str(item["id"]): item for item in json.loads(reference.read_text("utf-8"))}
    agree: dict[str, int] = defaultdict(int)
    diffs: dict[str, list[str]] = defaultdict(list)
    missing = [key for key in theirs if key not in ours]
    for key, their in theirs.items():
        our = ours.get(key)
        if our is None:
            continue
        for kind, check in CHECKS.items():
            a, b = check(our), check(their)
            if a == b:
                agree[kind] += 1
            else:
                diffs[kind].append(f"{key}: citekit {a!r} / pandoc {b!r}")
    unreported = sum(1 for d in result.diagnostics if d.code == "unmapped-fields")
    dropped = dropped_fields(bib.read_text(encoding="utf-8"), result)
    print(
        f"\n== {bib.name}: {len(theirs)} entries (pandoc), {len(ours)} read by citekit, "
        f"{len(missing)} missing, {len(result.diagnostics)} diagnostics "
        f"({unreported} entries with fields kept in custom, "
        f"{len(dropped)} fields dropped without a report{': ' if dropped else ''}"
        f"{', '.join(dropped[:5])})"
    )
    total = max(len(theirs) - len(missing), 1)
    for kind in CHECKS:
        print(f"  {kind:16} {100 * agree[kind] / total:6.2f}% agree ({len(diffs[kind])} differ)")
    for kind, items in diffs.items():
        print(f"  -- {kind}: {len(items)} disagreements, e.g.")
        for line in items[:examples]:
            print(f"     {line[:300]}")
    return {"entries": total, "agree": dict(agree)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", default=os.environ.get("CITEKIT_SHARED", str(ROOT.parent / "shared"))
    )
    parser.add_argument("--examples", type=int, default=4)
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "corpus").is_dir():
        print(f"no corpus at {shared}/corpus; pass --shared", file=sys.stderr)
        return 2
    totals: dict[str, int] = defaultdict(int)
    count = 0
    for name in FILES:
        stats = compare_file(
            shared / "corpus" / f"{name}.bib",
            shared / "reference" / "pandoc-csljson" / f"{name}.json",
            args.examples,
        )
        count += stats["entries"]
        for kind, value in stats["agree"].items():
            totals[kind] += value
    summary = ", ".join(f"{kind} {100 * totals[kind] / count:.2f}%" for kind in CHECKS)
    print(f"\nall files ({count} entries): {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

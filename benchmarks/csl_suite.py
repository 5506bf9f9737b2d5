"""Run the CSL test suite with an engine and print pass counts per category.

Usage: python benchmarks/csl_suite.py [--engine citekit|citeproc-py] [--fail-list FILE]
[--verbose PATTERN]
Ends with ``csl-suite: passed N of M (engine NAME)``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
SUITE = SHARED / "csl-test-suite" / "processor-tests" / "humans"
TIME_LIMIT = 10.0
# Four fixtures expect older locale files than their siblings (that folder's README).
SUITE_LOCALES = ROOT / "tests" / "render" / "csl" / "suite_locales"
# The fixture driver is a test tool beside the engine's tests, not part of the engine.
sys.path.insert(0, str(ROOT / "tests" / "render" / "csl"))


def _citekit_case(path_text: str) -> tuple[bool, str, str]:
    from csl_fixtures import check_fixture, parse_fixture, stale_fixture_locales

    path = Path(path_text)
    try:
        return check_fixture(parse_fixture(path), stale_fixture_locales(SUITE_LOCALES)(path.stem))
    except Exception as error:
        return False, "", f"{type(error).__name__}: {error}"


def _citeproc_py_case(path_text: str) -> tuple[bool, str, str]:
    from csl_fixtures import normalise, parse_fixture

    fixture = parse_fixture(Path(path_text))
    expected = normalise(fixture.result)
    try:
        actual = normalise(_run_citeproc_py(fixture))
    except Exception as error:
        return False, expected, f"{type(error).__name__}: {error}"
    return expected == actual, expected, actual


def _run_citeproc_py(fixture: object) -> str:
    import io

    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    data = fixture.input  # type: ignore[attr-defined]
    source = CiteProcJSON(data)
    style = CitationStylesStyle(io.BytesIO(fixture.csl.encode("utf-8")), validate=False)  # type: ignore[attr-defined]
    bib = CitationStylesBibliography(style, source, formatter.html)
    clusters = fixture.citation_items  # type: ignore[attr-defined]
    if fixture.citations:  # type: ignore[attr-defined]
        clusters = [c[0]["citationItems"] for c in fixture.citations]  # type: ignore[attr-defined]
    if clusters is None:
        clusters = [[{"id": item["id"]} for item in data]]
    citations = []
    for cites in clusters:
        items = []
        for cite in cites:
            extra = {}
            if cite.get("locator"):
                extra["locator"] = str(cite["locator"])
            if cite.get("label"):
                extra["label"] = cite["label"]
            items.append(CitationItem(str(cite["id"]), **extra))
        citation = Citation(items)
        bib.register(citation)
        citations.append(citation)
    if fixture.mode == "bibliography":  # type: ignore[attr-defined]
        bib.sort()
        entries = [str(entry) for entry in bib.bibliography()]
        lines = ['<div class="csl-bib-body">']
        lines += [f'  <div class="csl-entry">{entry}</div>' for entry in entries]
        lines.append("</div>")
        return "\n".join(lines)
    return "\n".join(str(bib.cite(citation, lambda item: None)) for citation in citations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="citekit", choices=["citekit", "citeproc-py"])
    parser.add_argument("--fail-list", type=Path, help="write failing fixture names here")
    parser.add_argument("--verbose", default=None, help="show diffs for names containing this")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    if not SUITE.is_dir():
        print(f"skipped: CSL test suite not found at {SUITE}")
        return 0
    paths = sorted(SUITE.glob("*.txt"))
    case = _citekit_case if args.engine == "citekit" else _citeproc_py_case
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    failures: list[str] = []
    start = time.perf_counter()
    with multiprocessing.Pool(args.jobs, maxtasksperchild=200) as pool:
        pending = [(path, pool.apply_async(case, (str(path),))) for path in paths]
        for path, async_result in pending:
            category = path.stem.split("_")[0]
            total[category] += 1
            try:
                ok, expected, actual = async_result.get(TIME_LIMIT)
            except multiprocessing.TimeoutError:
                ok, expected, actual = False, "", "timeout"
            if ok:
                passed[category] += 1
            else:
                failures.append(path.stem)
                if args.verbose and args.verbose in path.stem:
                    print(f"--- {path.stem}\nexpected: {expected}\nactual:   {actual}")
    elapsed = time.perf_counter() - start
    for category in sorted(total):
        print(f"{category:14} {passed[category]:4} / {total[category]:4}")
    if args.fail_list:
        args.fail_list.write_text("".join(f"{name}\n" for name in failures), encoding="utf-8")
    count = sum(passed.values())
    print(f"time: {elapsed:.1f}s")
    print(f"csl-suite: passed {count} of {len(paths)} (engine {args.engine})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

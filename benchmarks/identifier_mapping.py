"""What record does citekit make from each identifier fixture, and which fields are filled?

Starts the tests' stand-in services (tests/sources/fakeservices.py, serving
tests/sources/data on 127.0.0.1; nothing leaves the machine), looks every
fixture up through :func:`citekit.fetch_records` (the real client code, with
no cache) and prints, per identifier:

* the CSL fields the record got, and for CSL-JSON sources the keys of the
  service's answer that were left out (so a reviewer sees what was dropped);
* the record as CSL-JSON;
* for the awkward cases (a 404, a 429 then 200, invalid JSON, an HTML
  landing page, an arXiv error, a withdrawn paper, an invalid ISBN), the error
  or warning citekit reports.

A summary table ends the output.  ``--json`` prints the records only.

Run: ``.venv/bin/python benchmarks/identifier_mapping.py [--json]``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "sources"))

from fakeservices import ARXIV, DATA, DOIS, NCBI, running  # noqa: E402

from citekit import fetch_records  # noqa: E402
from citekit.sources import FetchResult  # noqa: E402

#: Every fixture's identifier, as a user might write it, and the answer file it maps from.
CASES: list[tuple[str, Path | None]] = [
    *(
        (
            f"doi:{json.loads((DATA / 'doi' / name).read_text(encoding='utf-8'))['DOI']}",
            DATA / "doi" / name,
        )
        for name in DOIS.values()
    ),
    ("isbn:978-0-262-51087-5", DATA / "openlibrary" / "ISBN-9780262510875.json"),
    ("ISBN 978-0-226-28705-8", DATA / "openlibrary" / "ISBN-9780226287058.json"),
    *(
        (f"arXiv:{key}", DATA / "arxiv" / name)
        for key, name in ARXIV.items()
        if not key.endswith(("v2",)) and key != "1706.03762"
    ),
    *(
        (f"{'pmid' if db == 'pubmed' else 'pmcid'}:{key}", DATA / "ncbi" / name)
        for (db, key), name in NCBI.items()
    ),
    # the awkward cases
    ("10.5555/missing", None),
    ("10.5555/badjson", None),
    ("10.5555/landing", None),
    ("10.5555/busy", None),
    ("arxiv:9999.99999", None),
    ("isbn:978-0-262-51087-4", None),
    ("21858107", None),
]


def source_keys(path: Path | None) -> set[str]:
    """The top-level keys of a CSL-JSON answer (what the service sent)."""
    if path is None or path.suffix != ".json" or path.parent.name == "openlibrary":
        return set()
    data = json.loads(path.read_text(encoding="utf-8"))
    return set(data) if isinstance(data, dict) else set()


def describe(result: FetchResult, path: Path | None) -> dict[str, Any]:
    """One line of the summary, and the details printed above it."""
    row: dict[str, Any] = {"id": result.query, "ok": result.ok}
    if result.record is None:
        row["error"] = result.error
        return row
    filled = ["type", *result.record.fields]
    row["type"] = result.record.type
    row["filled"] = filled
    sent = source_keys(path)
    renamed = {"publisher-location", "short-container-title", "subtitle", "id"}
    row["dropped"] = sorted(sent - set(filled) - renamed)
    row["warnings"] = result.warnings
    row["record"] = result.record.to_json()
    return row


def main(argv: list[str]) -> int:
    with running() as services:
        results = fetch_records(
            [text for text, _ in CASES], urls=services.urls, cache=False, retries=1, timeout=2.0
        )
    rows = [describe(result, path) for result, (_, path) in zip(results, CASES, strict=True)]
    if "--json" in argv:
        print(json.dumps([r.get("record") for r in rows], ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        print(f"== {row['id']}")
        if not row["ok"]:
            print(f"   error: {row['error']}\n")
            continue
        print(f"   type {row['type']}; filled ({len(row['filled'])}): {', '.join(row['filled'])}")
        if row["dropped"]:
            print(f"   left out of the answer: {', '.join(row['dropped'])}")
        for warning in row["warnings"]:
            print(f"   warning: {warning}")
        print("   " + json.dumps(row["record"], ensure_ascii=False))
        print()
    good = sum(1 for r in rows if r["ok"])
    print(f"{'identifier':<66} {'type':<16} fields")
    for row in rows:
        what = (
            f"{row['type']:<16} {len(row['filled'])}"
            if row["ok"]
            else f"{'error':<16} {str(row['error'])[:60]}"
        )
        print(f"{row['id'][:66]:<66} {what}")
    print(f"\n{good} records made, {len(rows) - good} clear errors, from {len(rows)} identifiers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

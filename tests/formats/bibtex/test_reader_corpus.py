"""The real corpus files (../shared/corpus) load completely and correctly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citekit.errors import Severity
from citekit.formats.bibtex import fields as bm
from citekit.formats.bibtex.reader import _Reader, read
from citekit.model.records import variable_kind

pytestmark = pytest.mark.slow

CORPUS = {"biblatex-examples": 92, "cdl": 6315, "iridia": 3305}


@pytest.mark.parametrize(("name", "entries"), sorted(CORPUS.items()))
def test_corpus_file_loads_without_errors(shared: Path, name: str, entries: int) -> None:
    result = read((shared / "corpus" / f"{name}.bib").read_text("utf-8"), filename=name)
    assert len(result.library) == entries
    assert result.errors == []
    # Round trip: what we write reads back to the same records.
    from citekit.formats.bibtex import write

    again = read(write(result.library))
    assert len(again.library) == entries
    assert again.errors == []


def test_iridia_author_macros_are_all_expanded(shared: Path) -> None:
    text = (shared / "corpus" / "iridia.bib").read_text("utf-8")
    entries, _, _ = _Reader(None).split(text)
    library = read(text).library
    pandoc = {
        item["id"]: item
        for item in json.loads(
            (shared / "reference" / "pandoc-csljson" / "iridia.json").read_text()
        )
    }
    raw_authors = _raw_author_fields(text)
    concatenated = [key for key, raw in raw_authors.items() if "#" in raw]
    assert len(concatenated) > 1700  # bibtexparser's own stack leaves 1,776 unexpanded
    for key in concatenated:
        names = library[key].names("author")
        assert names, key
        for name in names:
            assert "#" not in name.display() and name.display().strip(), key
        assert len(names) == len(pandoc[key]["author"]), key
    assert len(entries) == 3305


def _raw_author_fields(text: str) -> dict[str, str]:
    from bibtexparser.model import Entry
    from bibtexparser.splitter import Splitter

    out: dict[str, str] = {}
    for block in Splitter(text).split().blocks:
        if isinstance(block, Entry):
            for field in block.fields:
                if field.key.lower() == "author":
                    out[block.key] = field.value
    return out


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_no_field_is_dropped_without_a_report(shared: Path, name: str) -> None:
    text = (shared / "corpus" / f"{name}.bib").read_text("utf-8")
    entries, _, _ = _Reader(None).split(text)
    result = read(text)
    reported = {
        d.key
        for d in result.diagnostics
        if d.code == "unmapped-fields" and d.severity is Severity.INFO
    }
    for key, entry in entries.items():
        record = result.library[key]
        kept = record.custom.get("biblatex", {}) if "custom" in record else {}
        needs_report = False
        for field in entry.fields:
            canonical = bm.FIELD_ALIASES.get(field, field)
            if canonical in bm.FIELDS or variable_kind(field) != "unknown":
                continue
            assert field in kept, (key, field)
            if field not in bm.STRUCTURAL_FIELDS:
                needs_report = True
        if needs_report:
            assert key in reported, key


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_round_trip_gives_the_same_fields(shared: Path, name: str) -> None:
    """BibTeX -> CSL -> BibLaTeX: every entry has the same fields with the same values
    (compared decoded, under BibLaTeX's names, year/month/day as one date)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bibtex_write_tests", Path(__file__).with_name("test_writer_roundtrip.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from citekit.formats.bibtex import write

    text = (shared / "corpus" / f"{name}.bib").read_text("utf-8")
    original = module.fields_of(text)
    written = module.fields_of(write(read(text).library))
    different = [key for key in original if written.get(key) != original[key]]
    assert different == []

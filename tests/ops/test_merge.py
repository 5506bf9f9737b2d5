"""Merging libraries and duplicates: ``citekit.merge_libraries`` and friends."""

from __future__ import annotations

import json

import citekit
from citekit import Library, Record
from citekit.errors import Severity


def _library(*records: Record) -> Library:
    return Library(list(records))


def test_a_key_taken_by_an_earlier_library_is_renamed_and_reported() -> None:
    first = _library(Record("doe99", "book", title="One"), Record("roe05", "book", title="R"))
    second = _library(Record("doe99", "book", title="Two"))
    merged, warnings = citekit.merge_libraries([("a.bib", first), ("b.bib", second)])
    assert len(merged) == 3
    keys = merged.keys()
    renamed = [key for key in keys if key not in ("doe99", "roe05")]
    assert len(renamed) == 1 and merged[renamed[0]]["title"] == "Two"
    assert merged["doe99"]["title"] == "One"
    (warning,) = warnings
    assert warning.code == "duplicate-key" and warning.severity is Severity.WARNING
    assert warning.file == "b.bib" and warning.key == "doe99"
    assert renamed[0] in warning.message


def test_the_merger_reports_each_file_as_it_is_added() -> None:
    merger = citekit.LibraryMerger()
    assert merger.add("a.bib", _library(Record("k", "book", title="A"))) == []
    assert [d.file for d in merger.add("b.bib", _library(Record("k", "book")))] == ["b.bib"]
    assert [d.file for d in merger.add("c.bib", _library(Record("k", "book")))] == ["c.bib"]
    assert len(set(merger.library.keys())) == 3


def test_the_first_extras_are_kept() -> None:
    plain = _library(Record("a", "book"))
    with_macros = _library(Record("b", "book"))
    with_macros.extras = {"strings": {"jn": "Journal"}}
    later = _library(Record("c", "book"))
    later.extras = {"strings": {"other": "Other"}}
    merged, _ = citekit.merge_libraries([("1", plain), ("2", with_macros), ("3", later)])
    assert merged.extras == with_macros.extras


def test_merge_duplicates_keeps_the_input_and_fills_missing_fields() -> None:
    library = _library(
        Record("a", "book", title="T", DOI="10.1000/xyz"),
        Record("b", "book", title="T", DOI="10.1000/xyz", publisher="P"),
    )
    groups = citekit.find_duplicates(library)
    assert [list(g.keys) for g in groups] == [["a", "b"]]
    merged = citekit.merge_duplicates(library, groups, "combine")
    assert merged.keys() == ["a"] and merged["a"]["publisher"] == "P"
    assert library.keys() == ["a", "b"] and library["a"].get("publisher") is None
    first = citekit.merge_duplicates(library, groups, "first")
    assert first["a"].get("publisher") is None


def test_conflicts_go_to_a_bibtex_field_that_reads_back() -> None:
    library = _library(
        Record("a", "book", title="One title", DOI="10.1000/xyz"),
        Record("b", "book", title="Another title", DOI="10.1000/xyz"),
    )
    merged = citekit.merge_duplicates(library, [["a", "b"]], "combine")
    conflicts = merged["a"].custom["merged-conflicts"]
    assert citekit.conflicts_as_bibtex_field(merged) == []
    text = citekit.write_string(merged, "biblatex")
    back = citekit.read_string(text, "biblatex").library["a"]
    assert json.loads(back.custom["biblatex"]["merged-conflicts"]) == conflicts


def test_unbalanced_braces_are_a_typed_warning_and_nothing_else_is_lost() -> None:
    record = Record("a", "book", title="T")
    record.custom["merged-conflicts"] = {"title": ["a } b"]}
    library = _library(record, Record("plain", "book", title="P"))
    (problem,) = citekit.conflicts_as_bibtex_field(library)
    assert problem.code == "unwritable-conflicts" and problem.key == "a"
    assert problem.severity is Severity.WARNING
    assert "merged-conflicts" not in library["a"].custom.get("biblatex", {})
    assert library["a"].custom["merged-conflicts"] == {"title": ["a } b"]}


def test_the_defaults_the_cli_offers_are_public() -> None:
    assert "doi" in citekit.DUPLICATE_RULES and "isbn" in citekit.DUPLICATE_RULES
    renamed, _ = citekit.generate_keys(
        _library(
            Record(
                "x y",
                "book",
                title="Origin",
                issued="1859",
                author=[{"family": "Darwin", "given": "C."}],
            )
        ),
        citekit.DEFAULT_KEY_PATTERN,
    )
    assert list(renamed) == ["x y"] and "1859" in renamed["x y"]

"""Adding records to a file without rewriting it (``citekit add``'s library side)."""

from __future__ import annotations

import json

import pytest

import citekit
from citekit import Library, Record
from citekit.errors import OutputError, UsageError

BIB = "@book{darwin1859,\n  author = {Darwin, Charles},\n  title = {Origin},\n  year = {1859}\n}\n"


def test_identity_ignores_the_arxiv_version_and_doi_case() -> None:
    a = Record("a", "article", URL="https://arxiv.org/abs/1706.03762v5", DOI="10.1000/ABC")
    b = Record("b", "article", URL="http://export.arxiv.org/abs/1706.03762", DOI="10.1000/abc")
    assert citekit.record_identity(a) == citekit.record_identity(b)
    assert citekit.record_identity(Record("c", "book", title="T")) == set()


def test_the_index_names_the_first_owner_and_what_matched() -> None:
    index = citekit.IdentityIndex.of(
        Library([Record("first", "book", PMID="1"), Record("second", "book", PMID="1")])
    )
    assert index.duplicate(Record("new", "book", PMID=" 1 ")) == ("first", "pmid:1")
    assert index.duplicate(Record("other", "book", PMID="2")) is None
    index.add(Record("other", "book", PMID="2"))
    assert index.duplicate(Record("again", "book", PMID="2")) == ("other", "pmid:2")


def test_new_keys_never_take_a_key_the_library_has() -> None:
    library = citekit.read_string(BIB, "biblatex").library
    new = [
        Record("x", "book", title="Descent", issued="1859", author=[{"family": "Darwin"}]),
        Record("y", "book", title="Other", issued="1859", author=[{"family": "Darwin"}]),
    ]
    keyed = citekit.keys_for_new_records(new, library, "{auth:lower}{year}")
    keys = [r.key for r in keyed]
    assert len(set(keys)) == 2 and "darwin1859" not in keys
    assert all(k.startswith("darwin1859") for k in keys)
    assert [r["title"] for r in keyed] == ["Descent", "Other"]
    assert [r.key for r in new] == ["x", "y"]  # the inputs are not renamed
    with pytest.raises(ValueError):
        citekit.keys_for_new_records(new, library, "{nosuchfield}")


def test_appended_bibtex_keeps_the_old_bytes_and_line_endings() -> None:
    old = BIB.replace("\n", "\r\n")
    entry = citekit.bibtex_entry(Record("new", "book", title="New", issued="2001"))
    text = citekit.append_bibtex(old, [entry])
    assert text.startswith(old) and "\n" not in text.replace("\r\n", "")
    assert citekit.read_string(text, "biblatex").library.keys() == ["darwin1859", "new"]
    assert citekit.append_bibtex(old, []) == old


def test_appended_json_keeps_the_old_items_text() -> None:
    old = '[\n  {"id": "a", "type": "book"}\n]\n'
    text = citekit.append_json(old, [{"id": "b", "type": "book"}], "refs.json")
    assert text.startswith('[\n  {"id": "a", "type": "book"},')
    assert [item["id"] for item in json.loads(text)] == ["a", "b"]
    with pytest.raises(UsageError, match=r"refs\.json is not a CSL-JSON array"):
        citekit.append_json('{"id": "a"}', [{"id": "b"}], "refs.json")


def test_merging_into_an_entry_only_adds_what_it_lacks() -> None:
    extra = citekit.bibtex_entry(
        Record("darwin1859", "book", title="Changed", publisher="Murray", issued="1860")
    )
    text = citekit.merge_into_bibtex(BIB, "darwin1859", extra)
    record = citekit.read_string(text, "biblatex").library["darwin1859"]
    assert record["publisher"] == "Murray"
    assert record["title"] == "Origin" and str(record["issued"]) == "1859"
    with pytest.raises(citekit.SourceEditError):
        citekit.merge_into_bibtex(BIB, "absent", extra)


def test_merging_into_json_copies_the_library() -> None:
    library = Library([Record("a", "book", title="T")])
    merged = citekit.merge_into_json(
        library, [("a", Record("x", "book", publisher="P"))], [Record("b", "book", title="B")]
    )
    assert merged.keys() == ["a", "b"] and merged["a"]["publisher"] == "P"
    assert library.keys() == ["a"] and library["a"].get("publisher") is None


def test_text_that_loses_an_entry_is_refused() -> None:
    info = citekit.get_format("biblatex")
    citekit.check_appended(BIB, info, "refs.bib", ["darwin1859"], 1)
    with pytest.raises(OutputError, match="fewer entries"):
        citekit.check_appended(BIB, info, "refs.bib", [], 2)
    with pytest.raises(OutputError, match="'new' does not read back"):
        citekit.check_appended(BIB, info, "refs.bib", ["new"], 1)

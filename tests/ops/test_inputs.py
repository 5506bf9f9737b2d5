"""``citekit.load_library``: one bibliography file read as every command reads it."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import citekit
from citekit.errors import Severity, UsageError

BIB = "@book{darwin1859,\n  author = {Darwin, Charles},\n  title = {Origin},\n  year = {1859}\n}\n"


def test_the_format_is_guessed_and_the_text_kept(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    loaded = citekit.load_library(str(path))
    assert loaded.format.name == "biblatex"
    assert loaded.text == BIB and loaded.encoding == "utf-8"
    assert loaded.library.keys() == ["darwin1859"]
    assert loaded.result.lines == {"darwin1859": 1}
    # the same records citekit.read gives
    assert loaded.library.keys() == citekit.read(path).library.keys()


def test_content_decides_when_the_suffix_does_not(tmp_path: Path) -> None:
    path = tmp_path / "refs.txt"
    path.write_text('[{"id": "a", "type": "book", "title": "T"}]', encoding="utf-8")
    assert citekit.load_library(str(path)).format.name == "csljson"
    assert citekit.load_library(str(path), "csljson").library.keys() == ["a"]


def test_stdin_is_named_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'[{"id": "a", "type": "book", "title": "T"}]'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    loaded = citekit.load_library("-", "csljson")
    assert loaded.name == "<stdin>" and loaded.library.keys() == ["a"]


def test_a_byte_order_mark_is_the_encoding_to_write_back(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes(b"\xef\xbb\xbf" + BIB.encode("utf-8"))
    loaded = citekit.load_library(str(path))
    assert loaded.encoding == "utf-8-sig" and loaded.library.keys() == ["darwin1859"]


def test_bytes_that_do_not_decode_are_an_error_unless_the_encoding_is_named(
    tmp_path: Path,
) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes(BIB.replace("Origin", "Orig\xefn").encode("latin-1"))
    with pytest.raises(citekit.EncodingError):
        citekit.load_library(str(path))
    loaded = citekit.load_library(str(path), encoding="latin-1")
    assert loaded.library["darwin1859"]["title"] == "Origïn"
    assert loaded.encoding == "latin-1"


def test_an_empty_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.bib"
    path.write_text("\n", encoding="utf-8")
    (diagnostic,) = citekit.load_library(str(path)).diagnostics
    assert diagnostic.code == "no-entries" and diagnostic.severity is Severity.ERROR
    assert diagnostic.file == str(path)


def test_reader_options_are_for_databases_only(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    with pytest.raises(UsageError, match="--collection applies to Zotero databases only"):
        citekit.load_library(str(path), options={"collection": "x"})


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(citekit.InputError):
        citekit.load_library(str(tmp_path / "absent.bib"))


def test_a_format_not_built_is_a_usage_error() -> None:
    missing = replace(citekit.get_format("ris"), module="citekit.formats.not_built_here")
    with pytest.raises(UsageError, match="not available in this build"):
        citekit.require_format(missing)
    assert citekit.require_format(citekit.get_format("ris")).name == "ris"

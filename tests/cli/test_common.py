"""Shared CLI conventions: progress bars only on a terminal, never lost items, one reader."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from citekit.base.files import EncodingError
from citekit.cli import _common
from citekit.errors import Severity, UsageError
from citekit.formats import get_format


def test_without_a_terminal_items_pass_through_silently(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(_common.progress_iter(["a", "b", "c"], "working")) == ["a", "b", "c"]
    with _common.progress_callback("working", 10) as step:
        assert step is None
    assert capsys.readouterr().err == ""


def test_on_a_terminal_a_bar_is_drawn_and_every_item_still_comes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_common, "show_progress", lambda: True)
    assert list(_common.progress_iter(["a", "b", "c"], "working")) == ["a", "b", "c"]
    with _common.progress_callback("building", 3) as step:
        assert step is not None
        for _ in range(3):
            step(1)
    err = capsys.readouterr().err
    assert "working" in err and "building" in err


def test_a_single_item_needs_no_bar(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_common, "show_progress", lambda: True)
    assert list(_common.progress_iter(["only"], "working")) == ["only"]
    assert capsys.readouterr().err == ""


# -- reading inputs -------------------------------------------------------------

BIB = "@book{darwin1859,\n  author = {Darwin, Charles},\n  title = {Origin},\n  year = {1859}\n}\n"


def test_read_input_guesses_the_format_and_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    source = _common.read_input(str(path))
    assert source.name == str(path) and source.path == str(path)
    assert source.format.name == "biblatex"
    assert source.library.keys() == ["darwin1859"]
    assert source.text == BIB
    assert source.result.lines == {"darwin1859": 1}


def test_read_input_from_stdin_is_named_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [{"id": "a", "type": "book", "title": "T"}]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(items).encode())))
    source = _common.read_input("-", "csljson")
    assert source.name == "<stdin>"
    assert source.library.keys() == ["a"]


def test_read_input_refuses_invalid_utf8_unless_the_encoding_is_named(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes(
        BIB.replace("Origin", "Orig\xefne").encode("latin-1")
        + b"@book{broken,\n  title = {no end}\n"
    )
    with pytest.raises(EncodingError) as caught:
        _common.read_input(str(path))
    assert caught.value.diagnostics[0].file == str(path)
    source = _common.read_input(str(path), encoding="latin-1")
    assert source.encoding == "latin-1"
    assert source.library["darwin1859"]["title"] == "Origïne"
    assert [d.code for d in source.diagnostics if d.severity is Severity.ERROR]  # broken
    assert all(d.file == str(path) for d in source.diagnostics)


def test_read_input_reports_the_encoding_read(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    for data, encoding in (
        (BIB.encode(), "utf-8"),
        (b"\xef\xbb\xbf" + BIB.encode(), "utf-8-sig"),
        (BIB.encode("utf-16"), "utf-16"),
        (BIB.encode("utf-32"), "utf-32"),
    ):
        path.write_bytes(data)
        source = _common.read_input(str(path))
        assert (source.encoding, source.library.keys()) == (encoding, ["darwin1859"])


def test_read_input_says_when_nothing_was_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.bib"
    empty.write_text("  \n")
    (diagnostic,) = _common.read_input(str(empty)).diagnostics
    assert (diagnostic.code, diagnostic.file, diagnostic.severity) == (
        "no-entries",
        str(empty),
        Severity.ERROR,
    )
    assert "empty" in diagnostic.message
    yaml_as_bib = tmp_path / "refs.bib"
    yaml_as_bib.write_text("references:\n- id: a\n  title: A title\n")
    diagnostic = _common.read_input(str(yaml_as_bib)).diagnostics[-1]
    assert diagnostic.code == "no-entries" and "--from" in diagnostic.message


def test_a_format_missing_from_this_build_is_a_usage_error() -> None:
    info = get_format("ris")
    missing = replace(info, module="citekit.formats._no_such_module")
    with pytest.raises(UsageError, match="not available in this build"):
        _common.require_format(missing)


def test_input_name() -> None:
    assert _common.input_name("-") == "<stdin>"
    assert _common.input_name("refs.bib") == "refs.bib"

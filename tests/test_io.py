"""Decoding never raises; writing is atomic and protects inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from citekit._io import atomic_write_text, decode_bytes
from citekit.errors import OutputError


def test_invalid_utf8_is_read_as_latin1_with_a_located_warning() -> None:
    text, diagnostics = decode_bytes(b"line one\nG\xf6del\n", filename="x.bib")
    assert text == "line one\nGödel\n"
    assert len(diagnostics) == 1
    assert diagnostics[0].line == 2 and diagnostics[0].file == "x.bib"
    assert diagnostics[0].code == "invalid-utf8"


def test_bom_is_dropped() -> None:
    assert decode_bytes("\ufeffabc".encode()) == ("abc", [])


def test_atomic_write_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_backup_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "lib.bib"
    target.write_text("old")
    atomic_write_text(target, "new", backup=True)
    assert (tmp_path / "lib.bib~").read_text() == "old"


def test_refuses_to_overwrite_a_protected_input(tmp_path: Path) -> None:
    source = tmp_path / "in.bib"
    source.write_text("keep me")
    with pytest.raises(OutputError, match="refusing to overwrite"):
        atomic_write_text(source, "clobbered", protect=(source,))
    assert source.read_text() == "keep me"


def test_write_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.txt"
    atomic_write_text(target, "x")
    assert target.read_text() == "x"


def test_backup_replaces_an_older_backup_and_the_file_never_goes_missing(
        tmp_path: Path) -> None:
    target = tmp_path / "lib.bib"
    target.write_text("v1")
    (tmp_path / "lib.bib~").write_text("v0")
    atomic_write_text(target, "v2", backup=True)
    assert target.read_text() == "v2"
    assert (tmp_path / "lib.bib~").read_text() == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib.bib", "lib.bib~"]

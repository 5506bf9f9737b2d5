"""The BibTeX writer leaves out only the entries whose keys BibTeX cannot hold.

A key such as ``a,b`` reads back as another key (or breaks the entries after
it), so that entry cannot be written; every other entry still is, and each
one left out is reported by name with the way to fix it (``citekit keys``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.errors import DataError, Diagnostic, Severity
from citekit.formats import read_string, write_string
from citekit.formats.bibwrite import UNWRITABLE_KEY, unwritable_keys, write
from citekit.model import Library, Record

BAD_KEYS = ["a,b", "a}b", 'q"uote', " padded", "x=y"]


def _library(*keys: str) -> Library:
    return Library([Record(key, "book", title=f"Title {n}") for n, key in enumerate(keys)])


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_every_other_entry_is_written_and_each_left_out_is_named(dialect: str) -> None:
    library = _library("first", *BAD_KEYS, "last")
    left_out: list[Diagnostic] = []
    text = write(library, dialect=dialect, diagnostics=left_out)  # type: ignore[arg-type]
    back = read_string(text, "biblatex")
    assert list(back.library.keys()) == ["first", "last"]
    assert back.errors == []
    assert [d.key for d in left_out] == BAD_KEYS
    for diagnostic in left_out:
        assert diagnostic.severity is Severity.ERROR
        assert diagnostic.code == UNWRITABLE_KEY
        assert "citekit keys" in diagnostic.message
        assert repr(diagnostic.key) in diagnostic.message
        assert f"entry '{diagnostic.key}'" in str(diagnostic)


def test_a_library_of_good_keys_gives_no_diagnostics() -> None:
    library = _library("a b", "ok:1/2#x", "plain")  # odd, but they read back
    left_out: list[Diagnostic] = []
    text = write(library, diagnostics=left_out)
    assert left_out == []
    assert unwritable_keys(library) == []
    assert set(read_string(text, "biblatex").library.keys()) == {"a b", "ok:1/2#x", "plain"}


def test_without_a_diagnostics_list_nothing_is_lost_silently() -> None:
    """Callers that cannot report (the library API, ``keys``, ``dedupe``) still get an error."""
    with pytest.raises(DataError, match="cannot be BibTeX keys") as caught:
        write_string(_library("ok", "a,b"), "biblatex")
    assert "'a,b'" in str(caught.value)
    assert "citekit keys" in str(caught.value)


def _child(parent: str) -> Record:
    """A chapter read from ``crossref = {parent}``, its booktitle inherited from it."""
    return Record("kid", "chapter", {"title": "Chapter", "container-title": "Big Book",
                                     "custom": {"biblatex": {"@type": "inbook",
                                                             "crossref": parent,
                                                             "@inherited": ["booktitle"]}}})


def test_a_child_keeps_what_it_inherits_when_its_parent_is_left_out() -> None:
    written_with_parent = write(Library([Record("pq", "book", title="Big Book"), _child("pq")]))
    assert "booktitle" not in written_with_parent  # the parent gives it back
    left_out: list[Diagnostic] = []
    text = write(Library([Record("p,q", "book", title="Big Book"), _child("p,q")]),
                 diagnostics=left_out)
    assert [d.key for d in left_out] == ["p,q"]
    kid = read_string(text, "biblatex").library["kid"]
    assert kid["container-title"] == "Big Book"


# -- through the CLI ---------------------------------------------------------------------

ITEMS = [
    {"id": "good1", "type": "book", "title": "Fine"},
    {"id": "a,b", "type": "book", "title": "Comma"},
    {"id": "a}b", "type": "book", "title": "Brace"},
    {"id": "good2", "type": "book", "title": "Also fine"},
]


def _json_file(tmp_path: Path, items: list[dict[str, str]]) -> Path:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


@pytest.mark.parametrize("options", [["-t", "biblatex"], ["-t", "bibtex", "--dialect", "bibtex"]])
def test_convert_writes_the_rest_and_exits_1(tmp_path: Path, options: list[str]) -> None:
    out = tmp_path / "out.bib"
    result = CliRunner().invoke(main, ["convert", str(_json_file(tmp_path, ITEMS)), *options,
                                       "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert list(read_string(out.read_text(encoding="utf-8"), "biblatex").library.keys()) \
        == ["good1", "good2"]
    for key in ("a,b", "a}b"):
        assert f"entry '{key}'" in result.stderr
    assert result.stderr.count("citekit keys") == 2
    assert f"{tmp_path / 'in.json'}" in result.stderr  # names the input file


def test_convert_strict_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    result = CliRunner().invoke(main, ["convert", str(_json_file(tmp_path, ITEMS)), "-t",
                                       "biblatex", "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert not out.exists()
    assert "entry 'a,b'" in result.stderr


def test_convert_of_good_keys_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    items = [item for item in ITEMS if item["id"].startswith("good")]
    result = CliRunner().invoke(main, ["convert", str(_json_file(tmp_path, items)), "-t",
                                       "biblatex", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert set(read_string(out.read_text(encoding="utf-8"), "biblatex").library.keys()) \
        == {"good1", "good2"}


def test_writing_tolerates_any_custom_and_never_adds_one() -> None:
    odd = Record("odd", "book", {"title": "Odd", "custom": ["not", "an", "object"]})
    plain = Record("plain", "book", {"title": "Plain"})
    quoted = Record("q", "speech", {"custom": {"quotation": "Words."}})
    text = write(Library([odd, plain, quoted]))
    assert "title = {Odd}" in text and "title = {Plain}" in text
    assert "{Words.}" in text
    assert odd["custom"] == ["not", "an", "object"]
    assert "custom" not in plain.fields

"""citekit dedupe / keys / format through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.formats import cslyaml

DUPES = """references:
- id: smith2020
  type: article-journal
  title: A study of things
  author: [{family: Smith, given: Ann}]
  issued: {date-parts: [[2020]]}
- id: other
  type: book
  title: Something else entirely
- id: smith2020dup
  type: article-journal
  title: A Study of Things.
  author: [{family: Smith, given: A.}]
  issued: {date-parts: [[2020]]}
  page: 1-10
"""

CLEAN = """references:
- id: a
  title: Alpha
- id: b
  title: Beta
"""

MESSY_BIB = """@Article{Zed2001,
    Year = 2001,
  TITLE = "On {Zeta}",
  author = {Zed, Zoe}}
% keep this comment
@book{alpha1999, title={A book}, author={Alpha, Al}, year={1999}, month=11}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- dedupe ----------------------------------------------------------------------------


def test_dedupe_reports_groups_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.yaml", DUPES)
    result = runner.invoke(main, ["dedupe", str(path)])
    assert result.exit_code == 1, result.output
    assert "smith2020, smith2020dup" in result.output
    assert "title-year-author" in result.output
    clean = _write(tmp_path, "clean.yaml", CLEAN)
    assert runner.invoke(main, ["dedupe", str(clean)]).exit_code == 0


def test_dedupe_json(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.yaml", DUPES)
    result = runner.invoke(main, ["dedupe", str(path), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["records"] == 3
    assert data["groups"][0]["keys"] == ["smith2020", "smith2020dup"]
    assert data["groups"][0]["rules"] == ["title-year-author"]


def test_dedupe_across_files_renames_clashing_keys(runner: CliRunner, tmp_path: Path) -> None:
    one = _write(tmp_path, "one.yaml", DUPES)
    two = _write(tmp_path, "two.yaml", CLEAN.replace("id: a", "id: other"))
    result = runner.invoke(main, ["dedupe", str(one), str(two), "--format", "json"])
    assert "renamed 'other-2'" in result.stderr
    assert json.loads(result.stdout)["records"] == 5


def test_dedupe_merge_to_output_keeps_input(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.yaml", DUPES)
    out = tmp_path / "merged.yaml"
    result = runner.invoke(main, ["dedupe", str(path), "--merge", "combine", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == DUPES
    merged = cslyaml.read(out.read_text(encoding="utf-8")).library
    assert merged.keys() == ["smith2020", "other"]
    survivor = merged["smith2020"]
    assert survivor["page"] == "1-10"
    assert survivor.custom["biblatex"]["ids"] == "smith2020dup"
    assert "title" in survivor.custom["merged-conflicts"]


def test_dedupe_merge_in_place_with_backup(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.yaml", DUPES)
    result = runner.invoke(
        main, ["dedupe", str(path), "--merge", "first", "--in-place", "--backup"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "refs.yaml~").read_text(encoding="utf-8") == DUPES
    assert cslyaml.read(path.read_text(encoding="utf-8")).library.keys() == ["smith2020", "other"]


def test_dedupe_refuses_to_overwrite_its_input(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.yaml", DUPES)
    result = runner.invoke(main, ["dedupe", str(path), "--merge", "first", "-o", str(path)])
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.stderr
    assert path.read_text(encoding="utf-8") == DUPES


def test_dedupe_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.yaml", DUPES)
    other = _write(tmp_path, "b.yaml", CLEAN)
    for args in (
        ["--merge", "first"],
        ["-o", "x.yaml"],
        ["--in-place"],
        ["--merge", "first", "--backup", "-o", "x.yaml"],
        ["--merge", "first", "--in-place", "-o", "x.yaml"],
    ):
        result = runner.invoke(main, ["dedupe", str(path), *args])
        assert result.exit_code == 2, (args, result.output)
    result = runner.invoke(
        main, ["dedupe", str(path), str(other), "--merge", "first", "--in-place"]
    )
    assert result.exit_code == 2
    assert path.read_text(encoding="utf-8") == DUPES


# -- keys ------------------------------------------------------------------------------


KEYLESS = """- id: "1"
  type: book
  title: Über formal unentscheidbare Sätze
  author: [{family: Gödel, given: Kurt}]
  issued: {date-parts: [[1931]]}
- id: kept
  type: book
  title: Elementy logiki
  author: [{family: Łukasiewicz, given: Jan}]
  issued: {date-parts: [[1929]]}
"""


def test_keys_dry_run_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.yaml", KEYLESS)
    result = runner.invoke(
        main, ["keys", str(path), "--pattern", "{auth:lower}{year}", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 -> godel1931\n"
    assert path.read_text(encoding="utf-8") == KEYLESS
    result = runner.invoke(
        main, ["keys", str(path), "-p", "{auth}{year}", "--rekey", "--dry-run", "--format", "json"]
    )
    assert json.loads(result.stdout) == {"1": "Godel1931", "kept": "Lukasiewicz1929"}


def test_keys_in_place_with_backup(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.yaml", KEYLESS)
    result = runner.invoke(
        main, ["keys", str(path), "-p", "{auth}{year}", "--in-place", "--backup"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "refs.yaml~").read_text(encoding="utf-8") == KEYLESS
    assert cslyaml.read(path.read_text(encoding="utf-8")).library.keys() == ["Godel1931", "kept"]


def test_keys_bad_pattern_and_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.yaml", KEYLESS)
    assert runner.invoke(main, ["keys", str(path), "-p", "{nope}"]).exit_code == 2
    result = runner.invoke(main, ["keys", str(path), "-o", str(path)])
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.stderr
    assert path.read_text(encoding="utf-8") == KEYLESS


def test_keys_on_bibtex_only_touch_keys_and_crossrefs(runner: CliRunner, tmp_path: Path) -> None:
    text = (
        "% my layout\n@proceedings{p1,\n  editor = {Ed, Eve},\n  title = {Proc},\n"
        "  year = 2000}\n\n@inproceedings{c1,\n   author = {Au, Al},\n"
        "   title = {Paper},\n   crossref = {p1}}\n"
    )
    path = _write(tmp_path, "refs.bib", text)
    out = tmp_path / "out.bib"
    result = runner.invoke(
        main, ["keys", str(path), "-p", "{auth}{year}", "--rekey", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (
        text.replace("{p1,", "{Ed2000,")
        .replace("{c1,", "{Au2000,")
        .replace("crossref = {p1}", "crossref = {Ed2000}")
    )


# -- format ----------------------------------------------------------------------------


def test_format_check_and_in_place(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.bib", MESSY_BIB)
    result = runner.invoke(main, ["format", str(path), "--check"])
    assert result.exit_code == 1
    assert "would reformat" in result.stderr
    assert path.read_text(encoding="utf-8") == MESSY_BIB
    result = runner.invoke(main, ["format", str(path), "--sort", "key", "--in-place", "--backup"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "refs.bib~").read_text(encoding="utf-8") == MESSY_BIB
    tidied = path.read_text(encoding="utf-8")
    # the comment directly above an entry moves with it
    assert tidied.startswith("% keep this comment\n@book{alpha1999,\n  author = {Alpha, Al},")
    assert "month = nov" in tidied
    assert runner.invoke(main, ["format", str(path), "--check"]).exit_code == 0


def test_format_to_stdout_and_output(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.bib", MESSY_BIB)
    result = runner.invoke(main, ["format", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("@article{Zed2001,\n  author = {Zed, Zoe},\n")
    out = tmp_path / "tidy.bib"
    assert runner.invoke(main, ["format", str(path), "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == result.stdout


def test_format_refusals(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.bib", MESSY_BIB)
    result = runner.invoke(main, ["format", str(path), "-o", str(path)])
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.stderr
    assert path.read_text(encoding="utf-8") == MESSY_BIB
    other = _write(tmp_path, "b.bib", MESSY_BIB)
    assert runner.invoke(main, ["format", str(path), str(other)]).exit_code == 2
    assert runner.invoke(main, ["format", str(path), "--check", "--in-place"]).exit_code == 2
    assert runner.invoke(main, ["format", str(path), "--backup"]).exit_code == 2


def test_format_reports_broken_blocks(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.bib", "@misc{bad, title={unclosed\n@book{ok, title={Fine}}\n")
    result = runner.invoke(main, ["format", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1" in result.stderr and "bibtex-syntax" in result.stderr
    assert "@misc{bad, title={unclosed" in result.stdout


@pytest.mark.parametrize("command", ["dedupe", "keys", "format"])
def test_help_has_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_dedupe_merge_to_bibtex_keeps_aliases_and_conflicts(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _write(tmp_path, "refs.yaml", DUPES)
    out = tmp_path / "merged.bib"
    result = runner.invoke(main, ["dedupe", str(path), "--merge", "combine", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "smith2020dup" in text  # the ids field
    assert "merged-conflicts" in text
    back = runner.invoke(main, ["dedupe", str(out), "--format", "json"])
    assert back.exit_code == 0, back.output  # no duplicates left
    assert json.loads(back.stdout)["records"] == 2


def test_dedupe_renames_a_key_clashing_in_three_files_to_the_next_free_number(
    runner: CliRunner, tmp_path: Path
) -> None:
    paths = [
        str(_write(tmp_path, f"{n}.yaml", f"references:\n- id: a\n  title: T{n}\n"))
        for n in range(3)
    ]
    result = runner.invoke(main, ["dedupe", *paths, "--format", "json"])
    assert "renamed 'a-2'" in result.stderr and "renamed 'a-3'" in result.stderr
    assert json.loads(result.stdout)["records"] == 3


# -- the rule for commands that write a user's .bib (issue 12) -------------------------

#: A file as people keep them: a header, a macro, CRLF-free classic BibTeX with
#: ``year``, a comment above an entry, one entry that cannot be parsed, two duplicates.
KEPT_BIB = """% my bibliography, do not reorder
@string{acm = {ACM Press}}

@article{smith2000,
  author = {Smith, John},
  title = {A Study of Things},
  year = {2000},
  publisher = acm
}

% found again later
@article{smith2000b,
  author = {Smith, John},
  title = {A Study of Things},
  year = 2000,
  doi = {10.1000/x}
}

@book{broken,
  title = {Unterminated,
  year = {1999}

@misc{other,
  title = {Other},
  year = {2010}
}
"""


def _invoke(runner: CliRunner, args: list[str]) -> str:
    result = runner.invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.stderr


def test_dedupe_merge_first_in_place_edits_only_the_merged_entries(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _write(tmp_path, "refs.bib", KEPT_BIB)
    stderr = _invoke(runner, ["dedupe", str(path), "--merge", "first", "--in-place"])
    assert "merged 1 group(s): 3 -> 2 records" in stderr
    assert "entry 'broken'" in stderr  # reported, and kept
    start = KEPT_BIB.index("@article{smith2000b")
    removed = KEPT_BIB[start : KEPT_BIB.index("\n}\n", start) + 3]  # its lines, nothing more
    expected = KEPT_BIB.replace(removed, "").replace(
        "  publisher = acm\n}", "  publisher = acm,\n  ids = {smith2000b}\n}"
    )
    assert path.read_text(encoding="utf-8") == expected


def test_dedupe_merge_in_place_without_duplicates_leaves_the_file_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = (
        KEPT_BIB.replace("@article{smith2000b", "@article{jones1990")
        .replace("year = 2000,", "year = 1990,")
        .replace("A Study of Things},\n  year = 1990", "Else},\n  year = 1990")
    )
    path = _write(tmp_path, "refs.bib", text)
    stderr = _invoke(runner, ["dedupe", str(path), "--merge", "first", "--in-place"])
    assert "merged 0 group(s)" in stderr
    assert path.read_bytes() == text.encode("utf-8")


def test_dedupe_merge_combine_in_place_adds_only_missing_fields(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _write(tmp_path, "refs.bib", KEPT_BIB.replace("\n", "\r\n"))
    _invoke(runner, ["dedupe", str(path), "--merge", "combine", "--in-place"])
    out = path.read_bytes().decode("utf-8")
    assert "  publisher = acm,\r\n  ids = {smith2000b},\r\n  doi = {10.1000/x}\r\n}" in out
    assert "smith2000b," not in out and "merged-conflicts" not in out  # year {2000} == 2000
    assert "@book{broken,\r\n  title = {Unterminated,\r\n  year = {1999}\r\n" in out
    assert "\n" not in out.replace("\r\n", "")


def test_keys_rekey_in_place_keeps_unparsed_entries_and_comments(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = KEPT_BIB + "@misc{inline, title = {X}, year = 2020} @misc{two, title={Y}}\n"
    path = _write(tmp_path, "refs.bib", text)
    stderr = _invoke(runner, ["keys", str(path), "--rekey", "-p", "{auth}{year}", "--in-place"])
    assert "smith2000b -> Smith2000a" in stderr
    expected = (
        text.replace("{smith2000,", "{Smith2000,")
        .replace("{smith2000b,", "{Smith2000a,")
        .replace("{other,", "{ref2010,")
        .replace("{inline,", "{ref2020,")
        .replace("{two,", "{ref,")
    )
    assert path.read_text(encoding="utf-8") == expected


def test_format_in_place_keeps_an_unparsed_entry_verbatim_in_its_place(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _write(tmp_path, "refs.bib", KEPT_BIB)
    _invoke(runner, ["format", str(path), "--in-place"])
    out = path.read_text(encoding="utf-8")
    broken = "@book{broken,\n  title = {Unterminated,\n  year = {1999}"
    assert broken in out
    assert out.index("smith2000b") < out.index(broken) < out.index("@misc{other")


@pytest.mark.parametrize(
    "command", [["format"], ["keys", "--rekey"], ["dedupe", "--merge", "first"]]
)
@pytest.mark.parametrize(
    ("encoding", "options"),
    [("latin-1", ["--encoding", "latin-1"]), ("utf-8-sig", []), ("utf-16", [])],
)
def test_in_place_writes_keep_the_file_encoding(
    runner: CliRunner, tmp_path: Path, command: list[str], encoding: str, options: list[str]
) -> None:
    text = KEPT_BIB.replace("Smith, John", "M\u00fcller, J\u00fcrgen")
    path = tmp_path / "refs.bib"
    path.write_bytes(text.encode(encoding))
    _invoke(runner, [*command, str(path), "--in-place", *options])
    data = path.read_bytes()
    assert data != text.encode(encoding)  # each command changed something
    assert data.decode(encoding).count("M\u00fcller, J\u00fcrgen") >= 1
    if encoding != "latin-1":
        assert data.startswith(text.encode(encoding)[:2])  # the byte-order mark is kept


def test_in_place_on_a_read_only_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "refs.bib", MESSY_BIB)
    path.chmod(0o444)
    result = runner.invoke(main, ["format", str(path), "--in-place"])
    assert result.exit_code == 2
    assert "read-only" in result.stderr and "Traceback" not in result.output
    assert path.read_text(encoding="utf-8") == MESSY_BIB


def test_output_to_a_symlink_writes_its_target(runner: CliRunner, tmp_path: Path) -> None:
    source = _write(tmp_path, "refs.bib", MESSY_BIB)
    real = _write(tmp_path, "real.bib", "old\n")
    link = tmp_path / "link.bib"
    link.symlink_to(real.name)
    result = runner.invoke(main, ["format", str(source), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("@article{Zed2001,")


def test_format_in_place_leaves_an_entry_without_a_key_comma_byte_for_byte(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = "@book{nokeycomma\n  author = {G, H},\n  title = {No Comma},\n  year = {2003},\n}\n"
    path = _write(tmp_path, "refs.bib", text)
    result = runner.invoke(main, ["format", str(path), "--in-place"])
    assert result.exit_code == 1
    assert "refs.bib:1" in result.stderr and "kept verbatim" in result.stderr
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("mode", ["--in-place", "--check"])
def test_format_reports_an_undecodable_file_and_goes_on_with_the_next(
    runner: CliRunner, tmp_path: Path, mode: str
) -> None:
    first = _write(tmp_path, "i1.bib", MESSY_BIB)
    second = tmp_path / "i2.bib"
    latin = "@misc{m, author = {M\u00fcller, J}}\n".encode("latin-1")
    second.write_bytes(latin)
    third = _write(tmp_path, "i3.bib", MESSY_BIB)
    result = runner.invoke(main, ["format", str(first), str(second), str(third), mode])
    assert result.exit_code == 1
    assert "i2.bib" in result.stderr and "not valid UTF-8" in result.stderr
    assert second.read_bytes() == latin
    if mode == "--in-place":
        assert first.read_text(encoding="utf-8") != MESSY_BIB
        assert third.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    else:
        assert f"would reformat {third}" in result.stderr
        assert "2 of 3 file(s) would be reformatted, 1 could not be read" in result.stderr


CROSSREF_CASE_BIB = """\
@proceedings{Conf2, title = {Proceedings of Conf}, year = 2020, editor = {Ed, Ed}}
@inproceedings{child1, author = {Doe, Jane}, title = {Paper}, year = 2020, crossref = {conf2}}
"""


def test_keys_rekey_keeps_a_crossref_written_in_another_case_linked(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _write(tmp_path, "kr.bib", CROSSREF_CASE_BIB)
    out = tmp_path / "kr2.bib"
    result = runner.invoke(main, ["keys", str(path), "--rekey", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Conf2 -> Ed2020ProceedingsConf" in result.stderr
    assert "crossref = {Ed2020ProceedingsConf}" in out.read_text(encoding="utf-8")
    check = runner.invoke(main, ["check", str(out)])
    assert "dangling-crossref" not in check.output


def test_dedupe_merge_keeps_a_crossref_written_in_another_case_linked(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = (
        "@proceedings{ConfA, title = {Proceedings of Conf}, year = 2020, doi = {10.1000/c}}\n"
        + CROSSREF_CASE_BIB.replace("{conf2}", "{CONF2}").replace(
            "editor = {Ed, Ed}", "doi = {10.1000/c}"
        )
    )
    path = _write(tmp_path, "dd.bib", text)
    out = tmp_path / "dd2.bib"
    result = runner.invoke(main, ["dedupe", str(path), "--merge", "first", "-o", str(out)])
    assert result.exit_code == 0, result.output
    merged = out.read_text(encoding="utf-8")
    assert "@proceedings{Conf2," not in merged and "crossref = {ConfA}" in merged

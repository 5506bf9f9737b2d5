"""``citekit convert`` through click's runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.base.text import strip_markup
from citekit.cli import main

ITEMS: list[dict[str, Any]] = [
    {
        "id": "darwin1859",
        "type": "book",
        "title": "On the Origin of Species",
        "author": [{"family": "Darwin", "given": "Charles"}],
        "issued": {"date-parts": [[1859]]},
        "publisher": "John Murray",
    },
    {
        "id": "müller2001",
        "type": "article-journal",
        "title": "Über Zellen",
        "author": [{"family": "Müller", "given": "Anna"}],
        "issued": "2001-05",
        "container-title": "Zeitschrift",
        "volume": "3",
        "page": 12,
    },
]

BROKEN = """[
  {"id": "good", "type": "book", "title": "Fine"},
  {"id": "bad", "type": "book", "author": "Smith, John"},
  {"id": "good", "type": "book", "title": "Again"}
]
"""


@pytest.fixture
def refs(library_file: Callable[[list[dict[str, Any]]], Path]) -> Path:
    return library_file(ITEMS)


def test_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["convert", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "citekit convert references.bib -t csljson" in result.output


def test_file_to_stdout(runner: CliRunner, refs: Path) -> None:
    result = runner.invoke(main, ["convert", str(refs), "-t", "csljson"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ITEMS
    assert "Über Zellen" in result.stdout  # UTF-8, not \u escapes


def test_stdin_to_stdout_with_dash(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["convert", "-", "-f", "csl-json", "-t", "json", "-o", "-"], input=json.dumps(ITEMS)
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ITEMS


def test_stdin_format_is_sniffed_from_content(runner: CliRunner) -> None:
    result = runner.invoke(main, ["convert", "-", "-t", "csljson"], input=json.dumps(ITEMS))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ITEMS


def test_output_format_from_suffix_and_atomic_write(
    runner: CliRunner, refs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sub" / "out.json"
    result = runner.invoke(main, ["convert", str(refs), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == ITEMS
    assert [p.name for p in out.parent.iterdir()] == ["out.json"]  # no temporary left


def test_refuses_to_overwrite_the_input(runner: CliRunner, refs: Path) -> None:
    before = refs.read_bytes()
    result = runner.invoke(main, ["convert", str(refs), "-o", str(refs)])
    assert result.exit_code == 2
    assert "refusing to overwrite the input" in result.stderr
    assert refs.read_bytes() == before


def test_missing_output_format_is_a_usage_error(
    runner: CliRunner, refs: Path, tmp_path: Path
) -> None:
    to_stdout = runner.invoke(main, ["convert", str(refs)])
    assert to_stdout.exit_code == 2
    assert "-t" in to_stdout.stderr
    unknown_suffix = runner.invoke(main, ["convert", str(refs), "-o", str(tmp_path / "x.qqq")])
    assert unknown_suffix.exit_code == 2


def test_unknown_format_and_missing_file_are_usage_errors(
    runner: CliRunner, refs: Path, tmp_path: Path
) -> None:
    unknown = runner.invoke(main, ["convert", str(refs), "-t", "docbook"])
    assert unknown.exit_code == 2
    assert "unknown format 'docbook'" in unknown.stderr
    missing = runner.invoke(main, ["convert", str(tmp_path / "nope.json"), "-t", "csljson"])
    assert missing.exit_code == 2
    assert "nope.json" in missing.stderr


def test_broken_input_names_file_line_and_key(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(main, ["convert", str(path), "-t", "csljson"])
    assert result.exit_code == 1  # entries were left out
    assert f"{path}:3, entry 'bad', field 'author': error:" in result.stderr
    assert f"{path}:4, entry 'good': error: duplicate id" in result.stderr
    written = json.loads(result.stdout)
    assert [item["id"] for item in written] == ["good", "bad"]
    assert written[0]["title"] == "Fine"


def test_warnings_go_to_stderr_and_exit_zero(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["convert", "-", "-t", "csljson"], input='[{"id": "x", "title": "No type"}]'
    )
    assert result.exit_code == 0
    assert "<stdin>:1, entry 'x': warning: item has no 'type'" in result.stderr
    assert json.loads(result.stdout) == [{"id": "x", "type": "document", "title": "No type"}]


def test_strict_writes_nothing_and_exits_one(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(
        main,
        ["convert", "-", "-t", "csljson", "-o", str(out), "--strict"],
        input='[{"id": "x", "title": "No type"}]',
    )
    assert result.exit_code == 1
    assert "nothing written" in result.stderr
    assert not out.exists()


def test_report_lists_unmapped_fields_as_text_and_json(
    runner: CliRunner, refs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The BibTeX reader emits one 'unmapped-fields' note per entry; fake one here
    # so the report does not depend on which readers exist.
    from citekit.errors import Diagnostic, Severity
    from citekit.formats import csljson

    real_read = csljson.read

    def read_with_notes(text: str, *, filename: str | None = None) -> Any:
        result = real_read(text, filename=filename)
        result.diagnostics.append(
            Diagnostic(
                Severity.INFO,
                "unmapped-fields",
                "kept in custom: owner, timestamp",
                file=filename,
                line=2,
                key="darwin1859",
            )
        )
        result.diagnostics.append(Diagnostic(Severity.INFO, "other-note", "unrelated"))
        return result

    monkeypatch.setattr(csljson, "read", read_with_notes)
    text = runner.invoke(main, ["convert", str(refs), "-t", "csljson", "--report"])
    assert text.exit_code == 0, text.output
    assert (
        f"{refs}:2, entry 'darwin1859': info: kept in custom: owner, timestamp [unmapped-fields]"
    ) in text.stderr
    assert "unrelated" not in text.stderr
    assert "1 entry with fields kept in 'custom'" in text.stderr
    assert json.loads(text.stdout) == ITEMS

    as_json = runner.invoke(
        main, ["convert", str(refs), "-t", "csljson", "--report", "--format", "json"]
    )
    assert as_json.exit_code == 0
    report = json.loads(as_json.stderr)
    assert [(r["key"], r["code"], r["line"]) for r in report] == [
        ("darwin1859", "unmapped-fields", 2)
    ]

    quiet = runner.invoke(main, ["convert", str(refs), "-t", "csljson"])
    assert quiet.stderr == ""


def test_biblatex_options_are_ignored_for_other_writers(runner: CliRunner, refs: Path) -> None:
    result = runner.invoke(
        main, ["convert", str(refs), "-t", "csljson", "--dialect", "bibtex", "--ascii"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ITEMS


def test_json_to_biblatex_and_back_when_the_bibtex_format_exists(
    runner: CliRunner, tmp_path: Path
) -> None:
    pytest.importorskip("citekit.formats.bibtex")
    source = tmp_path / "refs.json"
    source.write_text(json.dumps(ITEMS[:1]), encoding="utf-8")
    bib = tmp_path / "refs.bib"
    result = runner.invoke(main, ["convert", str(source), "-o", str(bib)])
    assert result.exit_code == 0, result.output
    written = bib.read_text(encoding="utf-8")
    assert "@book{darwin1859" in written.lower()
    # CSL titles are printed as stored; BibTeX styles lower their case, so the
    # capitals are braced (the CSL-JSON here holds its title in title case).
    assert "title     = {On the {Origin} of {Species}}" in written
    back = runner.invoke(main, ["convert", str(bib), "-t", "csljson"])
    assert back.exit_code == 0, back.output
    [item] = json.loads(back.stdout)
    assert (item["id"], item["type"], strip_markup(item["title"])) == (
        "darwin1859",
        "book",
        "On the Origin of Species",
    )


# --- issue 12: every loss is reported ------------------------------------------

ROOT = Path(__file__).resolve().parents[2]

LOSSY = [
    {"id": " padded ", "type": "book", "title": "T"},
    {"id": "odd-custom", "type": "book", "custom": "not an object"},
    {"id": "fine", "type": "book", "title": "<i>Fine</i>"},
]


def test_references_bib_to_ris_has_no_html_and_keeps_every_field(
    runner: CliRunner, repo_root: Path
) -> None:
    """It wrote ``TI  - <span class="nocase">Trump</span> ...`` and dropped the event
    title and place, the original date and publisher and every quotation field."""
    result = runner.invoke(main, ["convert", str(repo_root / "references.bib"), "-t", "ris"])
    assert result.exit_code == 0, result.output
    # the file's opening comments have no place in RIS: a note, no loss
    assert result.stderr.startswith("note: 2 comments outside the entries")
    assert result.stderr.count("\n") == 1
    ris_text = result.stdout
    assert "TI  - Trump should meet with Kim Jong-un" in ris_text.replace(
        "Should Meet With", "should meet with"
    )  # with or without sentence case
    assert "<span" not in ris_text and "<i>" not in ris_text
    for carried in (
        "event-title: Interview with Bloomberg News",
        "event-place: Oval Office, White House, Washington, D.C.",
        "original-publisher: Center for Libertarian Studies",
        'original-date: {"date-parts":[[1993]]}',
        "custom.quotation: foolish ruler",
    ):
        assert carried in ris_text
    report = runner.invoke(
        main, ["convert", str(repo_root / "references.bib"), "-t", "ris", "--report"]
    )
    assert report.exit_code == 0
    assert "[markup-dropped]" in report.stderr
    assert "fields written as plain text without their rich-text markup" in report.stderr
    assert "[not-written]" not in report.stderr


@pytest.mark.parametrize("fmt", ["ris", "csljson", "cslyaml", "biblatex"])
def test_references_bib_exports_report_no_loss(
    runner: CliRunner, repo_root: Path, fmt: str
) -> None:
    result = runner.invoke(
        main,
        ["convert", str(repo_root / "references.bib"), "-t", fmt, "--report", "--format", "json"],
    )
    assert result.exit_code == 0, result.stderr
    codes = {entry["code"] for entry in json.loads(result.stderr)}
    assert "not-written" not in codes


def test_a_loss_is_counted_on_stderr_listed_by_report_and_exits_one(
    runner: CliRunner, library_file: Callable[[list[dict[str, Any]]], Path], tmp_path: Path
) -> None:
    source = library_file(LOSSY)
    out = tmp_path / "out.ris"
    result = runner.invoke(main, ["convert", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        "warning: 2 fields in 2 entries could not be written in RIS; see --report\n"
    )
    assert out.exists()  # the output is still written

    report = runner.invoke(main, ["convert", str(source), "-t", "ris", "--report"])
    assert report.exit_code == 1
    assert (
        f"{source}:1, entry ' padded ', field 'id': warning: the field could not be written "
        "in RIS: it reads back as 'padded' [not-written]" in report.stderr
    )
    assert "entry 'odd-custom', field 'custom'" in report.stderr
    assert (
        "entry 'fine', field 'title': info: written without its rich-text markup" in report.stderr
    )
    assert "warning: 2 fields in 2 entries could not be written in RIS\n" in report.stderr

    as_json = runner.invoke(
        main, ["convert", str(source), "-t", "ris", "--report", "--format", "json"]
    )
    assert as_json.exit_code == 1
    listed = json.loads(as_json.stderr)
    assert [(e["key"], e["field"], e["code"]) for e in listed] == [
        (" padded ", "id", "not-written"),
        ("odd-custom", "custom", "not-written"),
        ("fine", "title", "markup-dropped"),
    ]


def test_strict_writes_nothing_when_a_field_would_be_lost(
    runner: CliRunner, library_file: Callable[[list[dict[str, Any]]], Path], tmp_path: Path
) -> None:
    out = tmp_path / "out.ris"
    result = runner.invoke(main, ["convert", str(library_file(LOSSY)), "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert (
        "2 fields in 2 entries could not be written in RIS; nothing written (--strict)"
        in result.stderr
    )
    assert not out.exists()


def test_help_documents_the_exit_codes(runner: CliRunner) -> None:
    text = runner.invoke(main, ["convert", "--help"]).output
    assert "Exit codes:" in text
    assert "1  problems in the input, or fields or entries the output could not" in text


def test_hostile_tex_from_csl_json_is_written_as_text(
    runner: CliRunner, library_file: Callable[[list[dict[str, Any]]], Path]
) -> None:
    """``Intro \\input /etc/hostname \\relax`` was written as-is by ``-t bibtex``."""
    source = library_file(
        [{"id": "k", "type": "book", "title": "Intro \\input /etc/hostname \\relax"}]
    )
    result = runner.invoke(main, ["convert", str(source), "-t", "bibtex"])
    assert result.exit_code == 0, result.stderr
    assert (
        "title = {Intro \\textbackslash{}input /etc/hostname \\textbackslash{}relax}"
        in result.stdout
    )


# --- issue 13: -t bibtex is classic BibTeX ---------------------------------------


def test_t_bibtex_writes_classic_bibtex_and_t_biblatex_biblatex(
    runner: CliRunner, repo_root: Path
) -> None:
    """``-t bibtex`` wrote BibLaTeX (journaltitle, date), byte-identical to ``-t biblatex``."""
    source = str(repo_root / "references.bib")
    classic = runner.invoke(main, ["convert", source, "-t", "bibtex"]).stdout
    biblatex = runner.invoke(main, ["convert", source, "-t", "biblatex"]).stdout
    assert classic != biblatex
    flat = " ".join(classic.split())
    assert "journal = {Antiwar.com}" in flat and "month = may," in flat
    assert "title = {An Enemy of the State: The Life of {Murray N. Rothbard}}" in flat
    field_names = {
        line.split("=")[0].strip()
        for line in classic.splitlines()
        if line.startswith("  ") and "=" in line
    }
    assert not field_names & {"journaltitle", "subtitle", "date", "location"}
    assert "journaltitle = {Antiwar.com}" in " ".join(biblatex.split())
    assert runner.invoke(main, ["convert", source, "-t", "bib"]).stdout == biblatex
    # --dialect still decides when given.
    assert (
        runner.invoke(main, ["convert", source, "-t", "bibtex", "--dialect", "biblatex"]).stdout
        == biblatex
    )
    assert (
        runner.invoke(main, ["convert", source, "-t", "biblatex", "--dialect", "bibtex"]).stdout
        == classic
    )


def test_the_output_suffix_names_the_dialect(
    runner: CliRunner, repo_root: Path, tmp_path: Path
) -> None:
    source = str(repo_root / "references.bib")
    for name, field in (
        ("out.bibtex", "journal "),
        ("out.bib", "journaltitle"),
        ("out.biblatex", "journaltitle"),
    ):
        runner.invoke(main, ["convert", source, "-o", str(tmp_path / name)])
        assert f"  {field}" in (tmp_path / name).read_text(encoding="utf-8"), name


def test_classic_bibtex_losses_are_reported_as_bibtex_losses(
    runner: CliRunner, repo_root: Path
) -> None:
    """Classic BibTeX has no subtitle field, an edition is a word ("Second"), and a
    family-name-first name (biblatex's static-ordering option) has no classic form."""
    result = runner.invoke(
        main,
        [
            "convert",
            str(repo_root / "references.bib"),
            "-t",
            "bibtex",
            "--report",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 1
    lost = {(d["key"], d["field"]) for d in json.loads(result.stderr) if d["code"] == "not-written"}
    assert lost == {
        ("raimondo2008reclaiming", "edition"),
        ("raimondo2008reclaiming", "custom.biblatex.subtitle"),
        ("raimondo1993reclaiming", "custom.biblatex.subtitle"),
        ("raimondo2000enemy", "custom.biblatex.subtitle"),
        ("mao:foolishruler", "author"),
        ("kimilsung:idiocy", "author"),
        ("moon2017unitedstates", "author"),
        ("moon2017sayno", "author"),
    }
    counted = runner.invoke(main, ["convert", str(repo_root / "references.bib"), "-t", "bibtex"])
    assert counted.stderr == (
        "warning: 8 fields in 7 entries could not be written in BibTeX; see --report\n"
        # the comment that says "@article" is written with "(at)": bibtex reads "@" as an entry
        "note: 1 comment outside the entries (@comment, text between entries) could not be "
        "written as it was in BibTeX; see --report\n"
    )


def test_csl_json_titles_are_case_protected_for_bibtex(
    runner: CliRunner, library_file: Callable[[list[dict[str, Any]]], Path]
) -> None:
    source = library_file(
        [
            {
                "id": "k",
                "type": "article-journal",
                "title": "Trump should meet with Kim Jong-un",
                "container-title": "The New York Times",
                "issued": {"date-parts": [[2017, 5]]},
            }
        ]
    )
    result = runner.invoke(main, ["convert", str(source), "-t", "bibtex"])
    assert result.exit_code == 0, result.stderr  # the added braces lose nothing
    flat = " ".join(result.stdout.split())
    assert "title = {Trump should meet with {Kim} {Jong-un}}" in flat
    assert "journal = {The New York Times}" in flat  # a periodical's name as it stands
    assert "year = {2017}" in flat and "month = may," in flat


def test_help_says_which_name_is_which_dialect(runner: CliRunner) -> None:
    text = " ".join(runner.invoke(main, ["convert", "--help"]).output.split())
    assert "-t bibtex (or -o FILE.bibtex) writes classic BibTeX" in text
    assert "-t biblatex, -t bib and -o FILE.bib write BibLaTeX" in text


def test_comments_outside_the_entries_are_a_note_a_preamble_a_loss(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A header comment does not fail a conversion to CSL-JSON, but is not dropped silently."""
    commented = tmp_path / "commented.bib"
    commented.write_text("% my library\n@book{k, title={T}, year=2000}\n", encoding="utf-8")
    result = runner.invoke(main, ["convert", str(commented), "-t", "csljson"])
    assert result.exit_code == 0
    assert "note: 1 comment outside the entries (@comment, text between entries) could not be" in (
        result.stderr
    )
    preamble = tmp_path / "preamble.bib"
    preamble.write_text('@preamble{"\\def\\x{y}"}\n@book{k, title={T}, year=2000}\n')
    result = runner.invoke(main, ["convert", str(preamble), "-t", "csljson", "--report"])
    assert result.exit_code == 1
    assert "@preamble could not be written in CSL-JSON" in result.stderr
    assert "1 block outside the entries could not be written in CSL-JSON" in result.stderr


def test_an_output_over_the_input_is_one_line_and_exit_2(runner: CliRunner, refs: Path) -> None:
    """A usage error about a path, as a missing input is: no click usage text around it."""
    result = runner.invoke(main, ["convert", str(refs), "-o", str(refs)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: refusing to overwrite the input file {refs}; write to another file\n"
    )

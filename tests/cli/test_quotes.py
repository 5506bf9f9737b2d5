"""``citekit quotes`` and ``citekit quotes verify`` through click's runner."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from citekit.cli import main

ITEMS: list[dict[str, Any]] = [
    {
        "id": "smith2020",
        "type": "article-newspaper",
        "title": "A Week in Politics",
        "author": [{"family": "Smith", "given": "Ann"}],
        "issued": {"date-parts": [[2020]]},
    },
    {
        "id": "minister",
        "type": "speech",
        "author": [{"family": "Okafor", "given": "Ngozi"}],
        "issued": {"date-parts": [[2020, 3, 2]]},
        "custom": {
            "quotation": "We will not be moved",
            "quoted-in": "smith2020",
            "quoted-in-locator": "1",
            "quoted-in-label": "paragraph",
            "original-quotation": "We shall not be moved",
        },
    },
    {
        "id": "mayor",
        "type": "interview",
        "author": [{"family": "Lee", "given": "Sam"}],
        "custom": {
            "quotation": "in no hurry at all",
            "quoted-in": "smith2020",
            "quoted-in-locator": "2",
            "quoted-in-label": "paragraph",
        },
    },
]

# The quoting work as the tests' own text: a title line, then paragraphs.
ARTICLE = (
    "A Week in Politics\n\n"
    "The minister was firm: \u201cWe will not be moved,\u201d she said.\n\n"
    "The mayor said he was \u201cin no hurry at all.\u201d\n"
)
ARTICLE_NEAR = ARTICLE.replace("no hurry", "no rush")
ARTICLE_MISSING = "A Week in Politics\n\nNothing anyone said survived the edit.\n"
SPEECH = "Friends! We shall not be moved, and we shall not be silent.\n"


@pytest.fixture
def refs(library_file: Callable[[list[dict[str, Any]]], Path]) -> Path:
    return library_file(ITEMS)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(runner: CliRunner, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(main, ["quotes", *args], input=stdin)


# ---------------------------------------------------------------------------
# Listing, and FILE versus subcommand
# ---------------------------------------------------------------------------


def test_lists_a_file(runner: CliRunner, refs: Path) -> None:
    result = run(runner, str(refs))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["SPEAKER", "DATE", "WORDS", "QUOTED", "IN"]
    assert "Okafor, Ngozi" in lines[1] and "2020-03-02" in lines[1]
    assert "We will not be moved" in lines[1] and "smith2020, paragraph 1" in lines[1]
    assert "Lee, Sam" in lines[2]
    assert len(lines) == 3


def test_bare_command_reads_references_bib_here(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        "references.bib",
        """
@article{smith2020, author = {Smith, Ann}, title = {A Week}, journaltitle = {Daily}, date = {2020}}
@misc{minister, entrysubtype = {speech}, author = {Okafor, Ngozi},
  quotation = {We will not be moved}, quotedin = {smith2020}}
""",
    )
    monkeypatch.chdir(tmp_path)
    result = run(runner)
    assert result.exit_code == 0, result.output
    assert "Okafor, Ngozi" in result.stdout and "We will not be moved" in result.stdout


def test_bare_command_without_references_bib_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(runner)
    assert result.exit_code == 2
    assert "references.bib" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["{refs}", "--speaker", "lee"],
        ["--speaker", "lee", "{refs}"],
        ["--speaker=lee", "{refs}"],
        ["--speaker", "lee", "--", "{refs}"],
    ],
)
def test_file_may_come_before_or_after_options(
    runner: CliRunner, refs: Path, args: list[str]
) -> None:
    result = run(runner, "--format", "json", *(a.format(refs=refs) for a in args))
    assert result.exit_code == 0, result.output
    assert [q["id"] for q in json.loads(result.stdout)] == ["mayor"]


def test_a_second_positional_is_an_unknown_command(runner: CliRunner, refs: Path) -> None:
    result = run(runner, str(refs), "extra")
    assert result.exit_code == 2
    assert "extra" in result.stderr


def test_a_file_named_like_the_subcommand_is_reached_by_path(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "verify", json.dumps(ITEMS))
    monkeypatch.chdir(tmp_path)
    result = run(runner, "./verify", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 2


def test_file_before_the_subcommand_is_a_usage_error(runner: CliRunner, refs: Path) -> None:
    result = run(runner, str(refs), "verify", str(refs), "--source", str(refs))
    assert result.exit_code == 2


def test_format_before_the_subcommand_is_a_usage_error(
    runner: CliRunner, refs: Path, tmp_path: Path
) -> None:
    source = write(tmp_path, "a.txt", ARTICLE)
    result = run(runner, "--format", "json", "verify", str(refs), "--source", source)
    assert result.exit_code == 2
    assert "after 'verify'" in result.stderr


def test_json_listing_has_every_field(runner: CliRunner, refs: Path) -> None:
    result = run(runner, str(refs), "--format", "json", "--in", "smith2020")
    data = json.loads(result.stdout)
    assert data[0]["speaker"] == ["Okafor, Ngozi"]
    assert data[0]["quoted-in-locator"] == "1"
    assert data[0]["original-quotation"] == "We shall not be moved"


def test_csv_listing(runner: CliRunner, refs: Path) -> None:
    result = run(runner, str(refs), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["minister", "mayor"]
    assert rows[1]["words"] == "in no hurry at all"


def test_markdown_listing(runner: CliRunner, refs: Path) -> None:
    lines = run(runner, str(refs), "--format", "markdown").stdout.splitlines()
    assert lines[0] == "| Speaker | Date | Words | Quoted in |"
    assert lines[3] == "| Lee, Sam |  | in no hurry at all | smith2020, paragraph 2 |"


def test_unknown_quoting_record_is_a_data_problem(runner: CliRunner, refs: Path) -> None:
    result = run(runner, str(refs), "--in", "nobody")
    assert result.exit_code == 1  # unknown keys are data problems (exit 1)
    assert "nobody" in result.stderr


def test_broken_quotation_records_exit_1_with_located_diagnostics(
    runner: CliRunner, tmp_path: Path
) -> None:
    items = [
        *ITEMS,
        {
            "id": "orphan",
            "type": "speech",
            "author": [{"literal": "Someone"}],
            "custom": {"quotation": "words", "quoted-in": "gone"},
        },
    ]
    path = write(tmp_path, "bad.json", json.dumps(items))
    result = run(runner, path)
    assert result.exit_code == 1
    assert "entry 'orphan'" in result.stderr and "[quote-dangling-quoted-in]" in result.stderr
    assert "Someone" in result.stdout


def test_listing_reads_stdin(runner: CliRunner) -> None:
    result = run(runner, "-", "--format", "json", stdin=json.dumps(ITEMS))
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 2


# ---------------------------------------------------------------------------
# verify
# ---------------------------------------------------------------------------


def test_verify_exact(runner: CliRunner, refs: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "article.txt", ARTICLE)
    result = run(runner, "verify", str(refs), "--source", source)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["exact", "minister"] and "(paragraph 1)" in lines[0]
    assert lines[1].split()[:2] == ["exact", "mayor"] and "(paragraph 2)" in lines[1]
    assert lines[-1] == "2 quotations: 2 exact, 0 near, 0 missing"


def test_verify_near_shows_passage_and_diff_and_exits_1(
    runner: CliRunner, refs: Path, tmp_path: Path
) -> None:
    source = write(tmp_path, "article.txt", ARTICLE_NEAR)
    result = run(runner, "verify", str(refs), "--source", source)
    assert result.exit_code == 1
    assert "near     mayor" in result.stdout
    assert "found:  \u201cin no rush at all\u201d" in result.stdout
    assert "diff:   in no [-hurry-] {+rush+} at all" in result.stdout
    assert result.stdout.splitlines()[-1] == "2 quotations: 1 exact, 1 near, 0 missing"


def test_verify_missing_exits_1(runner: CliRunner, refs: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "article.txt", ARTICLE_MISSING)
    result = run(runner, "verify", str(refs), "--source", source)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "2 quotations: 0 exact, 0 near, 2 missing"
    assert "quoted: \u201cin no hurry at all\u201d" in result.stdout


def test_verify_json(runner: CliRunner, refs: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "article.txt", ARTICLE_NEAR)
    result = run(runner, "verify", str(refs), "--source", source, "--format", "json")
    data = json.loads(result.stdout)
    assert data["counts"] == {"exact": 1, "near": 1, "missing": 0}
    near = data["results"][1]
    assert (near["id"], near["status"], near["passage"]) == ("mayor", "near", "in no rush at all")
    assert near["diff"] == "in no [-hurry-] {+rush+} at all"
    assert near["paragraphs"] == [2]


def test_verify_filters(runner: CliRunner, refs: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "article.txt", ARTICLE_NEAR)
    only = run(runner, "verify", str(refs), "--source", source, "--speaker", "okafor")
    assert only.exit_code == 0 and "mayor" not in only.stdout
    inherited = run(runner, "--speaker", "okafor", "verify", str(refs), "--source", source)
    assert inherited.exit_code == 0 and "mayor" not in inherited.stdout
    unknown = run(runner, "verify", str(refs), "--source", source, "--in", "nobody")
    assert unknown.exit_code == 1


def test_verify_original_reports_departures(runner: CliRunner, refs: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "speech.txt", SPEECH)
    result = run(
        runner, "verify", str(refs), "--source", source, "--original", "--speaker", "okafor"
    )
    assert result.exit_code == 0, result.output
    assert "exact    minister" in result.stdout
    assert (
        "the quoting work departs from the original: We [-will-] {+shall+} not be moved"
        in result.stdout
    )


def test_verify_original_without_original_wording_says_so(
    runner: CliRunner, refs: Path, tmp_path: Path
) -> None:
    source = write(tmp_path, "speech.txt", SPEECH)
    result = run(runner, "verify", str(refs), "--source", source, "--original", "--speaker", "lee")
    assert result.exit_code == 1
    assert "note: no original wording recorded; checked the quoted words" in result.stdout


def test_verify_reads_the_source_from_stdin(runner: CliRunner, refs: Path) -> None:
    result = run(runner, "verify", str(refs), "--source", "-", stdin=ARTICLE)
    assert result.exit_code == 0, result.output


def test_verify_refuses_two_stdins(runner: CliRunner) -> None:
    assert run(runner, "verify", "-", "--source", "-", stdin="").exit_code == 2


def test_verify_needs_a_source(runner: CliRunner, refs: Path) -> None:
    result = run(runner, "verify", str(refs))
    assert result.exit_code == 2 and "--source" in result.stderr


def test_help_has_examples(runner: CliRunner) -> None:
    for args in (["--help"], ["verify", "--help"]):
        result = run(runner, *args)
        assert result.exit_code == 0
        assert "Example:" in result.stdout


# ---------------------------------------------------------------------------
# The project's own library against the essay
# ---------------------------------------------------------------------------


def test_every_quotation_in_references_bib_is_exact_in_the_essay(
    runner: CliRunner, shared: Path, repo_root: Path
) -> None:
    essay = shared / "seed" / "essay.txt"
    result = run(
        runner,
        "verify",
        str(repo_root / "references.bib"),
        "--source",
        str(essay),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"]["near"] == data["counts"]["missing"] == 0
    assert data["counts"]["exact"] >= 9
    found = {r["id"]: r["paragraphs"] for r in data["results"]}
    assert found["tillerson2017patience"] == [14]
    assert found["moon2017sayno"] == [14]
    assert found["trump2017honored"] == [7]
    assert all(not r["notes"] for r in data["results"])


def test_original_wordings_against_the_essay_show_the_essays_departures(
    runner: CliRunner, shared: Path, repo_root: Path
) -> None:
    essay = shared / "seed" / "essay.txt"
    result = run(
        runner,
        "verify",
        str(repo_root / "references.bib"),
        "--source",
        str(essay),
        "--in",
        "raimondo2017trump",
        "--speaker",
        "Tillerson",
        "--original",
    )
    assert result.exit_code == 1
    assert "strategic patience has [-come to an end-] {+ended+}" in result.stdout


def test_quotation_problems_name_the_line_in_a_yaml_library(tmp_path: Path) -> None:
    """The reader's ``lines`` reach the quotation checks in every format, YAML included."""
    from citekit.cli.quotes import load_library

    refs = tmp_path / "refs.yaml"
    refs.write_text(
        "references:\n- id: fine\n  type: book\n  title: T\n"
        "- id: mute\n  type: speech\n  custom:\n    quotation: Words\n",
        encoding="utf-8",
    )
    _, diagnostics = load_library(str(refs))
    [problem] = [d for d in diagnostics if d.code == "quote-no-speaker"]
    assert (problem.key, problem.line, problem.file) == ("mute", 5, str(refs))

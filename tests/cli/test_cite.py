"""``citekit cite`` through click's runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.documents.rendering import render_document

ITEMS: list[dict[str, Any]] = [
    {
        "id": "raimondo2000",
        "type": "book",
        "title": "An enemy of the state: the life of Murray N. Rothbard",
        "author": [{"family": "Raimondo", "given": "Justin"}],
        "issued": {"date-parts": [[2000]]},
        "publisher": "Prometheus Books",
        "publisher-place": "Amherst, N.Y.",
    },
    {
        "id": "raimondo2008",
        "type": "book",
        "title": "Reclaiming the American right",
        "author": [{"family": "Raimondo", "given": "Justin"}],
        "issued": {"date-parts": [[2008]]},
        "publisher": "ISI Books",
        "DOI": "10.1000/xyz123",
    },
]


@pytest.fixture
def refs(library_file: Callable[[list[dict[str, Any]]], Path]) -> Path:
    return library_file(ITEMS)


def cite(runner: CliRunner, refs: Path, *args: str) -> Any:
    return runner.invoke(main, ["cite", *args, "--bib", str(refs), "--engine", "citeproc-py"])


def test_cluster_with_locator(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2000, p. 33; @raimondo2008")
    assert result.exit_code == 0, result.output
    assert result.stdout == "(Raimondo, 2000, p. 33; Raimondo, 2008)\n"


def test_several_clusters_suppressed_author_and_prefix(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "[-@raimondo2000]", "see @raimondo2008, sec. 3")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["(2000)", "(see Raimondo, 2008, Section 3)"]


def test_bibliography_of_cited_entries(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2008", "--with-bibliography", "--style", "ieee")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "[1]"
    assert lines[2].startswith("[1] J. Raimondo, Reclaiming the American right")
    assert len([line for line in lines if line.startswith("[")]) == 2


def test_html_and_json_formats(runner: CliRunner, refs: Path) -> None:
    html = cite(
        runner, refs, "@raimondo2000", "--style", "chicago-notes-bibliography", "--format", "html"
    )
    assert html.exit_code == 0, html.output
    assert "<i>An Enemy of the State" in html.stdout
    data = json.loads(cite(runner, refs, "@raimondo2000", "--format", "json").stdout)
    assert data["citations"] == ["(Raimondo, 2000)"]
    assert data["style"] == "apa"


def test_unknown_key_exits_1_with_suggestions(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo200, p. 4")
    assert result.exit_code == 1
    assert "warning: unknown key 'raimondo200'" in result.stderr
    assert "raimondo2000" in result.stderr and "did you mean" in result.stderr
    assert result.stdout == "[unknown: raimondo200]\n"


def test_one_unknown_key_does_not_blank_the_rest(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2000; @nokey", "@raimondo2008")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and "Raimondo" in lines[0] and "[unknown: nokey]" in lines[0]
    assert "Raimondo" in lines[1]
    assert result.stderr.count("unknown key") == 1


def test_unknown_style_exits_2_with_suggestions(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2000", "--style", "chicgo-author-date")
    assert result.exit_code == 2
    assert "chicago-author-date" in result.stderr


def test_unknown_locale_exits_2(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2000", "--locale", "klingon")
    assert result.exit_code == 2
    assert "unknown locale" in result.stderr


def test_locale_changes_terms(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "@raimondo2000, S. 4", "--locale", "de-DE")
    assert result.exit_code == 0, result.output
    assert result.stdout == "(Raimondo, 2000, S. 4)\n"


def test_no_key_in_cluster_is_a_usage_error(runner: CliRunner, refs: Path) -> None:
    result = cite(runner, refs, "just words")
    assert result.exit_code == 2
    assert "no citation key" in result.stderr


def test_default_bibliography_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    missing = runner.invoke(main, ["cite", "@raimondo2000"])
    assert missing.exit_code == 2
    assert "references.bib" in missing.stderr
    (tmp_path / "references.bib").write_text(
        "@book{raimondo2000, author = {Raimondo, Justin}, title = {An Enemy of the State},"
        " year = {2000}, publisher = {Prometheus}}\n",
        encoding="utf-8",
    )
    found = runner.invoke(main, ["cite", "@raimondo2000", "--engine", "citeproc-py"])
    assert found.exit_code == 0, found.output
    assert found.stdout == "(Raimondo, 2000)\n"


def test_help_documents_the_default_style(runner: CliRunner) -> None:
    result = runner.invoke(main, ["cite", "--help"])
    assert result.exit_code == 0
    assert "default: apa" in result.output
    assert "Example:" in result.output


# ---------------------------------------------------------------------------
# pandoc's author-in-text form: as `citekit render` prints it
# ---------------------------------------------------------------------------


def test_author_in_text_with_a_bracketed_locator(runner: CliRunner, refs: Path) -> None:
    # was "(Raimondo, 2000 [p. 33])": the bracket read as a suffix
    for engine in ("citekit", "citeproc-py"):
        result = runner.invoke(
            main, ["cite", "@raimondo2000 [p. 33]", "--bib", str(refs), "--engine", engine]
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == "Raimondo (2000, p. 33)\n"


def test_author_in_text_with_further_cites_in_its_bracket(
    runner: CliRunner, library_file: Callable[[list[dict[str, Any]]], Path]
) -> None:
    # pandoc: AuthorInText for the key, NormalCitation for the bracket's cites;
    # was "Raimondo (2000, p. 3; @zed2010)": the bracket read as locator and suffix
    zed = {"id": "zed2010", "type": "book", "title": "T", "author": [{"family": "Zed"}]}
    refs = library_file([*ITEMS, {**zed, "issued": {"date-parts": [[2010]]}}])
    for engine in ("citekit", "citeproc-py"):
        result = runner.invoke(
            main,
            ["cite", "@raimondo2000 [p. 3; see @zed2010]", "--bib", str(refs), "--engine", engine],
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == "Raimondo (2000, p. 3; see Zed, 2010)\n"


def test_author_in_text_without_a_locator_and_a_bare_key(runner: CliRunner, refs: Path) -> None:
    result = runner.invoke(main, ["cite", "@raimondo2000 []", "@raimondo2000", "--bib", str(refs)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Raimondo (2000)\n(Raimondo, 2000)\n"  # a bare key stays a cluster


@pytest.mark.parametrize(
    "style", ["apa", "chicago-author-date", "ieee", "chicago-notes-bibliography"]
)
@pytest.mark.parametrize("output", ["text", "json"])
def test_author_in_text_is_what_render_prints(
    runner: CliRunner, refs: Path, style: str, output: str
) -> None:
    text = "@raimondo2008 [chap. 2, more]"
    result = runner.invoke(
        main,
        ["cite", text, "--bib", str(refs), "-s", style, "--with-bibliography", "--format", output],
    )
    assert result.exit_code == 0, result.output
    document = render_document(f"As {text} says.\n", bibliography=[refs], style=style)
    expected = document.citations[0].display
    if output == "json":
        assert json.loads(result.stdout)["citations"] == [expected]
    else:
        assert result.stdout.splitlines()[0] == expected


def test_author_in_text_in_html(runner: CliRunner, refs: Path) -> None:
    result = runner.invoke(
        main,
        [
            "cite",
            "@raimondo2000 [p. 33]",
            "--bib",
            str(refs),
            "--format",
            "html",
            "-s",
            "chicago-notes-bibliography",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Justin Raimondo <i>An Enemy of the State: The Life of Murray N. "
        "Rothbard</i> (Prometheus Books, 2000), 33.\n"
    )


# ---------------------------------------------------------------------------
# Note styles: every cluster is a note, and a note starts with a capital
# ---------------------------------------------------------------------------


def test_each_note_starts_with_a_capital_and_only_there(runner: CliRunner, refs: Path) -> None:
    # was "see Justin Raimondo, ..." and "see also ...": no capital at all
    result = runner.invoke(
        main,
        [
            "cite",
            "[see @raimondo2000]",
            "[see also @raimondo2008; see @raimondo2000, 4]",
            "--bib",
            str(refs),
            "-s",
            "chicago-notes-bibliography",
        ],
    )
    assert result.exit_code == 0, result.output
    first, second = result.stdout.splitlines()
    assert first.startswith("See Justin Raimondo, An Enemy of the State")
    assert second.startswith("See also Justin Raimondo, Reclaiming the American Right")
    assert "; see Raimondo, An Enemy of the State" in second  # mid-note: lower case


def test_a_later_ibid_keeps_its_case(runner: CliRunner, refs: Path) -> None:
    result = runner.invoke(
        main,
        [
            "cite",
            "@raimondo2000",
            "@raimondo2000",
            "[see @raimondo2000]",
            "--bib",
            str(refs),
            "-s",
            "oscola",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["Ibid.", "See ibid."]


def test_author_date_clusters_are_not_capitalised(runner: CliRunner, refs: Path) -> None:
    result = runner.invoke(main, ["cite", "[see @raimondo2000]", "--bib", str(refs)])
    assert result.stdout == "(see Raimondo, 2000)\n"


# ---------------------------------------------------------------------------
# biblatex sets
# ---------------------------------------------------------------------------


def test_a_set_cites_its_members(runner: CliRunner, shared: Path) -> None:
    bib = shared / "corpus" / "biblatex-examples.bib"
    result = runner.invoke(
        main, ["cite", "@stdmodel", "--bib", str(bib), "-s", "apa", "--with-bibliography"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line]
    # was "(n.d.-a)" and a bibliography entry "(N.d.-a)."
    assert lines[0] == "(Glashow, 1961; Salam, 1968; Weinberg, 1967)"
    assert [line.split(",")[0] for line in lines[1:]] == ["Glashow", "Salam", "Weinberg"]

"""``citekit bib`` through click's runner."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.cli import _common, main
from citekit.cli import bib as bib_module


@pytest.fixture
def refs(
    library_file: Callable[[list[dict[str, Any]]], Path], two_books: list[dict[str, Any]]
) -> Path:
    return library_file(two_books)


def bib(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(main, ["bib", *args, "--engine", "citeproc-py"])


def test_whole_library_in_apa(runner: CliRunner, refs: Path) -> None:
    result = bib(runner, str(refs))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Raimondo, J. (2000). An enemy of the state. Prometheus Books.\n\n"
        "Raimondo, J. (2008). Reclaiming the American right. ISI Books. "
        "https://doi.org/10.1000/xyz123\n"
    )


def test_named_keys_only(runner: CliRunner, refs: Path) -> None:
    result = bib(runner, str(refs), "raimondo2008", "--style", "ieee")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("[1] J. Raimondo, Reclaiming the American right")
    assert "enemy" not in result.stdout


def test_html_with_links_and_layout(runner: CliRunner, refs: Path) -> None:
    result = bib(runner, str(refs), "--format", "html", "--link")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('<div class="csl-bib-body" style="')
    assert "text-indent: -2em" in result.stdout
    assert '<a href="https://doi.org/10.1000/xyz123">' in result.stdout


def test_latex_to_a_file(runner: CliRunner, refs: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs.tex"
    result = bib(runner, str(refs), "--format", "latex", "--standalone", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\\documentclass{article}")
    assert "\\setlength{\\itemindent}{-2em}" in text
    assert "\\emph{An enemy of the state}" in text


def test_never_overwrites_the_input(runner: CliRunner, refs: Path) -> None:
    before = refs.read_text(encoding="utf-8")
    result = bib(runner, str(refs), "-o", str(refs))
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.stderr
    assert refs.read_text(encoding="utf-8") == before


def test_unknown_key_exits_1(runner: CliRunner, refs: Path) -> None:
    result = bib(runner, str(refs), "raimondo2009")
    assert result.exit_code == 1
    assert "raimondo2008" in result.stderr


def test_unknown_style_exits_2(runner: CliRunner, refs: Path) -> None:
    result = bib(runner, str(refs), "--style", "no-such-style")
    assert result.exit_code == 2


def test_json_output(runner: CliRunner, refs: Path) -> None:
    result = bib(runner, str(refs), "--format", "json", "--style", "ieee")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [e["id"] for e in data["bibliography"]] == ["raimondo2000", "raimondo2008"]
    assert data["layout"]["second-field-align"] == "flush"


def test_markdown_and_stdin(runner: CliRunner, refs: Path) -> None:
    result = runner.invoke(
        main,
        ["bib", "-", "--format", "markdown", "--engine", "citeproc-py"],
        input=refs.read_text(encoding="utf-8"),
    )
    assert result.exit_code == 0, result.output
    assert "*An enemy of the state*" in result.stdout


def test_a_broken_entry_is_reported_the_rest_printed_and_exit_1(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "bad.bib"
    path.write_text(
        "@book{ok1, title={Fine}, author={Doe, Jane}, year=2001}\n"
        "@book{broken, title={Unclosed, author={X}, year=2002\n"
        "@book{ok2, title={Also fine}, author={Roe, R.}, year=2003}\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["bib", str(path), "--style", "apa"])
    assert result.exit_code == 1
    assert "Fine" in result.stdout and "Also fine" in result.stdout
    assert f"{path}:2, entry 'broken': error" in result.stderr


@pytest.mark.parametrize("engine", ["citekit", "citeproc-py"])
def test_a_terminal_sees_a_progress_bar_and_the_output_is_unchanged(
    runner: CliRunner,
    refs: Path,
    two_books: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    engine: str,
) -> None:
    plain = runner.invoke(main, ["bib", str(refs), "--engine", engine])
    monkeypatch.setattr(_common, "show_progress", lambda: True)
    steps: list[int] = []
    real = _common.progress_callback

    @contextmanager
    def counting(label: str, total: int) -> Iterator[Callable[[int], None] | None]:
        with real(label, total) as step:
            assert step is not None

            def count(n: int) -> None:
                steps.append(n)
                step(n)

            yield count

    monkeypatch.setattr(bib_module, "progress_callback", counting)
    watched = runner.invoke(main, ["bib", str(refs), "--engine", engine])
    assert watched.exit_code == 0, watched.output
    assert watched.stdout == plain.stdout
    assert "formatting" in watched.stderr
    assert sum(steps) == len(two_books)

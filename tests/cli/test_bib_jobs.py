"""``citekit bib --jobs`` and ``citekit render --jobs``: one bibliography, however made."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.render.csl import parallel

FAMILIES = ("Doe", "Roe", "Poe")


def _items(count: int) -> list[dict[str, Any]]:
    """Books sharing authors (so the author substitution carries across entries)."""
    return [
        {
            "id": f"book{index}",
            "type": "book",
            "title": f"Book {index % 7}",
            "author": [{"family": FAMILIES[index % 3], "given": "A."}],
            "issued": {"date-parts": [[2000 + index % 4]]},
        }
        for index in range(count)
    ]


@pytest.fixture
def parallel_runs(force_parallel: Callable[[int], list[int]]) -> list[int]:
    """Parallel from the first entry; the list gets the entries of each parallel run."""
    return force_parallel(2)


@pytest.fixture
def library(
    library_file: Callable[[list[dict[str, Any]]], Path],
) -> Path:
    return library_file(_items(40))


@pytest.mark.parametrize("style", ["chicago-author-date", "ieee"])
def test_jobs_same_output(
    runner: CliRunner, library: Path, parallel_runs: list[int], style: str
) -> None:
    one = runner.invoke(main, ["bib", str(library), "-s", style, "--jobs", "1"])
    assert one.exit_code == 0, one.output
    assert parallel_runs == []
    two = runner.invoke(main, ["bib", str(library), "-s", style, "--jobs", "2"])
    assert two.exit_code == 0, two.output
    assert parallel_runs == [40]
    assert two.stdout == one.stdout


def test_default_uses_every_cpu(runner: CliRunner, library: Path, parallel_runs: list[int]) -> None:
    """No --jobs: every idle CPU once the bibliography is long enough (here, from the first)."""
    default = runner.invoke(main, ["bib", str(library), "--format", "json"])
    assert default.exit_code == 0, default.output
    assert parallel_runs == [40]
    single = runner.invoke(main, ["bib", str(library), "--format", "json", "-j", "1"])
    assert json.loads(default.stdout) == json.loads(single.stdout)


def test_negative_jobs_is_a_usage_error(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(main, ["bib", str(library), "--jobs", "-1"])
    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_help_documents_jobs(runner: CliRunner) -> None:
    result = runner.invoke(main, ["bib", "--help"])
    assert result.exit_code == 0
    assert "--jobs" in result.output
    assert f"{parallel.PARALLEL_THRESHOLD:,}" in result.output


@pytest.mark.parametrize("style", ["chicago-author-date", "ieee"])
def test_render_jobs_same_document(
    runner: CliRunner, library: Path, parallel_runs: list[int], style: str
) -> None:
    """A document listing a whole library (nocite: '@*'), cited in places."""
    document = library.with_name("doc.md")
    document.write_text(
        "---\nnocite: '@*'\n---\nAs [@book1; @book5, p. 3] say, and @book7.\n",
        encoding="utf-8",
    )
    args = ["render", str(document), "--bib", str(library), "--csl", style, "--to", "html"]
    one = runner.invoke(main, [*args, "--jobs", "1"])
    assert one.exit_code == 0, one.output
    assert parallel_runs == []
    two = runner.invoke(main, [*args, "--jobs", "2"])
    assert two.exit_code == 0, two.output
    assert parallel_runs == [40]
    assert two.stdout == one.stdout
    assert one.stdout.count('<span id="ref-book') == 40
    default = runner.invoke(main, args)  # every idle CPU, as citekit bib
    assert default.stdout == one.stdout
    assert parallel_runs == [40, 40]


def test_render_help_documents_jobs(runner: CliRunner) -> None:
    result = runner.invoke(main, ["render", "--help"])
    assert result.exit_code == 0
    assert "--jobs" in result.output


def test_render_document_in_python_never_forks_unasked(parallel_runs: list[int]) -> None:
    from citekit import Library, render_document

    library = Library.from_json(_items(12))
    text = "---\nnocite: '@*'\n---\nSee [@book1].\n"
    once = render_document(text, library=library, style="ieee")
    assert parallel_runs == []
    split = render_document(text, library=library, style="ieee", jobs=2)
    assert parallel_runs == [12]
    assert split.output == once.output


def test_pandoc_filter_jobs_same_document(
    runner: CliRunner, library: Path, parallel_runs: list[int]
) -> None:
    """pandoc's JSON, ``nocite: '@*'`` over the library: one AST from one process or two."""
    document = {
        "pandoc-api-version": [1, 23, 1],
        "meta": {
            "bibliography": {"t": "MetaInlines", "c": [{"t": "Str", "c": str(library)}]},
            "nocite": {"t": "MetaInlines", "c": [{"t": "Str", "c": "@*"}]},
            "csl": {"t": "MetaInlines", "c": [{"t": "Str", "c": "ieee"}]},
        },
        "blocks": [],
    }
    text = json.dumps(document)
    one = runner.invoke(main, ["pandoc-filter", "html", "--jobs", "1"], input=text)
    assert one.exit_code == 0, one.output
    assert parallel_runs == []
    two = runner.invoke(main, ["pandoc-filter", "html", "--jobs", "2"], input=text)
    assert two.exit_code == 0, two.output
    assert parallel_runs == [40]
    assert json.loads(two.stdout) == json.loads(one.stdout)
    assert one.stdout.count("ref-book") >= 40

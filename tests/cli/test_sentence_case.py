"""Titles from a .bib file reach the page in the case each style wants (docs/bibtex-import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main

BIB = r"""@article{raimondo2017trump,
  author = {Raimondo, Justin},
  title = {{Trump} Should Meet With {Kim Jong-un}},
  journaltitle = {Antiwar.com},
  date = {2017-05},
}
@book{khan,
  author = {Khan, Salman},
  title = {The Khan academy},
  date = {2012},
}
@book{lehrbuch,
  author = {Hesse, Richard},
  title = {Lehrbuch Der Allgemeinen Zoologie},
  langid = {ngerman},
  date = {1910},
}
"""


@pytest.fixture
def refs(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def bib(refs: Path, style: str, *options: str) -> list[str]:
    result = CliRunner().invoke(main, ["bib", str(refs), "--style", style, *options])
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


def test_a_sentence_case_style_prints_sentence_case(refs: Path) -> None:
    assert bib(refs, "apa") == [
        "Hesse, R. (1910). Lehrbuch Der Allgemeinen Zoologie.",  # German: as typed
        "Khan, S. (2012). The Khan academy.",  # typed in sentence case: as typed
        "Raimondo, J. (2017). Trump should meet with Kim Jong-un. Antiwar.com.",
    ]


def test_a_title_case_style_applies_its_own_stop_words(refs: Path) -> None:
    lines = bib(refs, "chicago-author-date")
    assert lines[-1] == (
        "Raimondo, Justin. 2017. “Trump Should Meet with Kim Jong-un.” Antiwar.com, May."
    )


def test_no_sentence_case_keeps_titles_as_typed(refs: Path) -> None:
    assert bib(refs, "apa", "--no-sentence-case")[-1] == (
        "Raimondo, J. (2017). Trump Should Meet With Kim Jong-un. Antiwar.com."
    )


def test_the_original_title_is_kept_beside_the_converted_one(refs: Path) -> None:
    result = CliRunner().invoke(main, ["show", str(refs), "raimondo2017trump", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"@titlecase"' in result.stdout
    assert "Trump</span> Should Meet With" in result.stdout

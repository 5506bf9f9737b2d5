"""``citation-abbreviations`` in documents and in the pandoc filter (issue 15, item 7).

pandoc reads the same key and file format, so the tests compare with the
real pandoc which short forms a style ends up printing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit import find_style
from citekit.base.paths import UnsafePathError
from citekit.cli import main
from citekit.documents.rendering import render_document_file

ITEMS = [
    {
        "id": "a",
        "type": "article-journal",
        "title": "On things",
        "author": [{"family": "Doe", "given": "John"}],
        "container-title": "Journal of Generic Studies",
        "volume": "6",
        "page": "33-34",
        "issued": {"date-parts": [[2006]]},
    },
    {  # its own short form wins over the list, in pandoc too
        "id": "b",
        "type": "article-journal",
        "title": "On more",
        "author": [{"family": "Roe", "given": "Ann"}],
        "container-title": "Estates Gazette",
        "container-title-short": "Est. Gaz.",
        "volume": "7",
        "page": "1-2",
        "issued": {"date-parts": [[2007]]},
    },
    {
        "id": "c",
        "type": "article-journal",
        "title": "Unlisted",
        "author": [{"family": "Poe", "given": "Ed"}],
        "container-title": "Quarterly of Unlisted Things",
        "issued": {"date-parts": [[2001]]},
    },
]
ABBREVIATIONS = {
    "default": {
        "container-title": {
            "Journal of Generic Studies": "J Gen Stud",
            "Estates Gazette": "EG",
            "Quarterly of Something Else": "QSE",
        }
    }
}
FORMS = ["Journal of Generic Studies", "J Gen Stud", "Est Gaz", "EG.", "Quarterly of Unlisted"]
STYLE = "american-medical-association"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (tmp_path / "abbr.json").write_text(json.dumps(ABBREVIATIONS), encoding="utf-8")
    # a file beside the document, so that pandoc reads the same style
    style = find_style(STYLE)
    assert style.path is not None
    (tmp_path / "style.csl").write_bytes(Path(style.path).read_bytes())
    (tmp_path / "paper.md").write_text(
        "---\nbibliography: refs.json\ncsl: style.csl\ncitation-abbreviations: abbr.json\n---\n"
        "Text [@a; @b; @c].\n",
        encoding="utf-8",
    )
    return tmp_path


def shown(text: str) -> list[str]:
    return [form for form in FORMS if form in text]


def test_front_matter_abbreviations_reach_the_bibliography(folder: Path) -> None:
    out = render_document_file(folder / "paper.md", to="text").output
    assert shown(out) == ["J Gen Stud", "Est Gaz", "Quarterly of Unlisted"]


def test_an_argument_overrides_the_front_matter(folder: Path) -> None:
    out = render_document_file(
        folder / "paper.md",
        to="text",
        abbreviations={"default": {"container-title": {"Estates Gazette": "EG"}}},
    ).output
    assert shown(out) == ["Journal of Generic Studies", "Est Gaz", "Quarterly of Unlisted"]


def test_the_front_matter_cannot_point_outside_the_project(folder: Path) -> None:
    (folder / "paper.md").write_text(
        "---\ncitation-abbreviations: /etc/passwd\n---\nText.\n", encoding="utf-8"
    )
    with pytest.raises(UnsafePathError):
        render_document_file(folder / "paper.md")


def test_the_cli_option(folder: Path) -> None:
    (folder / "other.json").write_text(
        json.dumps({"default": {"container-title": {"Quarterly of Unlisted Things": "QUT"}}}),
        encoding="utf-8",
    )
    run = CliRunner().invoke(
        main,
        [
            "render",
            str(folder / "paper.md"),
            "-t",
            "text",
            "--citation-abbreviations",
            str(folder / "other.json"),
        ],
    )
    assert run.exit_code == 0, run.stderr
    assert "QUT" in run.stdout and "J Gen Stud" not in run.stdout


def pandoc_plain(pandoc: str, folder: Path, *extra: str) -> str:
    return subprocess.run(
        [pandoc, "paper.md", "-t", "plain", "--wrap=none", *extra],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout


def test_the_same_short_forms_as_pandoc_citeproc(folder: Path, real_pandoc: str) -> None:
    ours = render_document_file(folder / "paper.md", to="text").output
    assert shown(ours) == shown(pandoc_plain(real_pandoc, folder, "--citeproc"))


def test_the_filter_reads_the_key_as_pandoc_does(folder: Path, real_pandoc: str) -> None:
    program = Path(sys.executable).parent / "citekit-pandoc"
    if not program.exists():
        pytest.skip("the citekit-pandoc console script is not installed (pip install -e .)")
    filtered = pandoc_plain(real_pandoc, folder, "--filter", str(program))
    assert shown(filtered) == shown(pandoc_plain(real_pandoc, folder, "--citeproc"))

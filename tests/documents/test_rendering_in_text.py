"""Author-in-text cites in a note style: ``citekit render`` names the author as pandoc does.

The first ``@key`` names the author in full ("Justin Raimondo"), a later one
short ("Raimondo"), as the note at that place would.  The check runs
``citekit render`` and ``pandoc --citeproc`` (pandoc 3 from the
pypandoc-binary wheel) on the same document, and reads citekit's Markdown
back through pandoc so both sides compare as pandoc's own text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import citekit
from citekit.documents.pandoc_ast import stringify, walk

BIB = """\
@book{raimondo2000,
  author = {Raimondo, Justin},
  title = {An Enemy of the State},
  publisher = {Prometheus Books},
  address = {Amherst, NY},
  year = {2000},
}

@article{roe2010,
  author = {Roe, Richard},
  title = {An Article},
  journal = {Journal of Studies},
  volume = {4},
  pages = {1--20},
  year = {2010},
}
"""


@pytest.fixture
def pandoc() -> str:
    """pandoc 3 from the pypandoc-binary wheel, or a skip saying why it is absent."""
    pypandoc = pytest.importorskip(
        "pypandoc", reason="pandoc 3 comes from the pypandoc-binary wheel, not installed"
    )
    try:
        path = str(pypandoc.get_pandoc_path())
    except OSError as exc:
        pytest.skip(f"the pypandoc wheel has no pandoc binary: {exc}")
    if not Path(path).exists():
        pytest.skip(f"no pandoc binary at {path}")
    return path


def flat(inlines: Any) -> str:
    """Plain text with each footnote in place as ``[^text]``."""
    out = []
    for item in inlines:
        if item.get("t") == "Note":
            out.append("[^" + stringify(item["c"]) + "]")
        elif item.get("t") == "Cite":
            out.append(flat(item["c"][1]))
        else:
            out.append(stringify([item]))
    return "".join(out)


def paragraphs(pandoc: str, folder: Path, name: str, *args: str) -> list[str]:
    """The paragraphs (their notes in place) of a Markdown file as pandoc reads it."""
    run = subprocess.run(
        [pandoc, name, "-t", "json", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    found: list[str] = []

    def visit(node: dict[str, Any], _in_note: bool) -> bool:
        if node.get("t") == "Para":
            found.append(flat(node["c"]))
            return False
        return True

    walk(json.loads(run.stdout)["blocks"], visit)
    return found


def citekit_render(folder: Path, name: str) -> str:
    """``citekit render`` as a user runs it, its Markdown output."""
    run = subprocess.run(
        [sys.executable, "-m", "citekit", "render", name],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.parametrize(
    "body",
    [
        "First @raimondo2000 says this. Later @raimondo2000 [p. 33] says that.\n",
        "First @raimondo2000 [p. 3] argues. Then [@roe2010].\n\n"
        "Later @raimondo2000 [p. 33] again, and @roe2010 agrees.\n",
    ],
    ids=["twice", "between-others"],
)
def test_note_style_names_the_author_in_full_then_short_as_pandoc(
    pandoc: str, tmp_path: Path, body: str
) -> None:
    csl = citekit.find_style("chicago-notes-bibliography").path
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "doc.md").write_text(
        f"---\nbibliography: refs.bib\ncsl: {csl}\n---\n\n{body}",
        encoding="utf-8",
    )
    (tmp_path / "ours.md").write_text(citekit_render(tmp_path, "doc.md"), encoding="utf-8")
    theirs = paragraphs(pandoc, tmp_path, "doc.md", "--citeproc")
    ours = paragraphs(pandoc, tmp_path, "ours.md")
    assert ours == theirs
    text = " ".join(ours)
    assert text.count("Justin Raimondo") == 1 and text.count("Raimondo[^") >= 1

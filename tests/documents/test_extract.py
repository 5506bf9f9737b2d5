"""A subset library from a document (issue 15, item 6): citekit.documents.extract."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from citekit import read
from citekit.documents.extract import cited_keys, extract_citations

BIB = r"""@preamble{"\providecommand{\noopsort}[1]{}"}
@string{jgs = "Journal of Generic Studies"}
@string{pubname = "Big"}
@string{pub = pubname # " Press"}
@string{unused = "Never Used"}

% a comment between entries
@article{doe2000,
  author  = {Doe, John},
  title   = {On Things},
  journal = jgs,
  year    = 2000,
  note    = {kept as written: \emph{odd} {Braces}},
}

@incollection{poe2001,
  author   = {Poe, Ed},
  title    = {A Chapter},
  booktitle = {Big Book},
  crossref = {big2001},
  pages    = {1--10},
}

@book{other1999,
  author = {Other, Olga},
  title  = {Not Cited},
  year   = 1999,
}

@book{big2001,
  editor    = {Big, Bob},
  title     = {Big Book},
  publisher = pub,
  year      = 2001,
}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "big.bib").write_text(BIB, encoding="utf-8")
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_keys_skip_code_and_include_nocite(folder: Path) -> None:
    doc = write(
        folder,
        "paper.md",
        "---\nnocite: '@other1999'\n---\nSee [@doe2000, p. 3] and `[@code]`.\n\n"
        "    [@indented]\n\n@poe2001 says.\n",
    )
    assert [(k.key, k.line) for k in cited_keys(doc)] == [
        ("doe2000", 4),
        ("poe2001", 8),
        ("other1999", 0),
    ]


def test_tex_commands_and_multicites_outside_comments(folder: Path) -> None:
    doc = write(
        folder,
        "paper.tex",
        "\\cite{a,b} \\citep[see][p.~3]{c} \\textcite*{d}\n"
        "% \\cite{commented}\n\\parencites[p.~1]{e}[ch.~2]{f}{g} \\nocite{h}\n"
        "50\\% done \\autocite[3]{i}\n",
    )
    assert [k.key for k in cited_keys(doc)] == list("abcdefghi")
    assert [k.line for k in cited_keys(doc)][-1] == 4


def test_aux_files_of_bibtex_and_biblatex_with_chapters(folder: Path) -> None:
    write(folder, "ch1.aux", "\\relax\n\\citation{c1a,c1b}\n")
    aux = write(
        folder,
        "paper.aux",
        "\\relax\n\\citation{a}\n\\@input{ch1.aux}\n\\abx@aux@cite{0}{b}\n\\abx@aux@cite{old}\n",
    )
    assert [k.key for k in cited_keys(aux)] == ["a", "c1a", "c1b", "b", "old"]


def test_entries_are_copied_as_written_with_parents_macros_and_preamble(folder: Path) -> None:
    doc = write(folder, "paper.md", "[@poe2001; @doe2000; @missing]\n")
    result = extract_citations([doc], [folder / "big.bib"])
    text = result.text
    assert result.written == ["doe2000", "poe2001", "big2001"]
    assert [m.key for m in result.missing] == ["missing"]
    # each block exactly as in the source, in the source's order
    for block in ("@preamble{", "@string{jgs", "@string{pub ", "@string{pubname"):
        assert block in text
    assert "Never Used" not in text and "other1999" not in text
    doe = BIB[BIB.index("@article{doe2000") : BIB.index("}\n\n@incollection") + 1]
    assert doe in text
    assert text.index("poe2001") < text.index("big2001")  # parent after child, as bibtex wants
    # the subset reads back with the crossref and the macro chain resolved
    back = read(write(folder, "cited.bib", text))
    assert back.library["poe2001"]["publisher"] == "Big Press"
    assert not back.errors


def test_star_takes_everything(folder: Path) -> None:
    doc = write(folder, "paper.tex", "\\nocite{*}\n")
    result = extract_citations([doc], [folder / "big.bib"])
    assert sorted(result.written) == ["big2001", "doe2000", "other1999", "poe2001"]
    assert result.missing == []


def test_other_formats_are_read_and_written(folder: Path) -> None:
    items = [{"id": "x", "type": "book", "title": "X"}, {"id": "y", "type": "book", "title": "Y"}]
    (folder / "refs.json").write_text(json.dumps(items), encoding="utf-8")
    doc = write(folder, "paper.md", "[@y]\n")
    result = extract_citations([doc], [folder / "refs.json"])
    assert [item["id"] for item in json.loads(result.text)] == ["y"]
    as_bib = extract_citations([doc], [folder / "refs.json"], to="biblatex")
    assert as_bib.text.lstrip().startswith("@book{y,")


def test_the_first_library_holding_a_key_wins(folder: Path) -> None:
    write(folder, "second.bib", "@book{doe2000, title = {Second Copy}}\n@book{z, title={Z}}\n")
    doc = write(folder, "paper.md", "[@doe2000; @z]\n")
    result = extract_citations([doc], [folder / "big.bib", folder / "second.bib"])
    assert "Second Copy" not in result.text and "@book{z," in result.text


def test_bibtex_runs_on_the_subset_without_a_missing_entry(folder: Path) -> None:
    """The real user path: latex's .aux, citekit extract, then bibtex on the small file."""
    if shutil.which("bibtex") is None:
        pytest.skip("bibtex is not installed (Debian: texlive-binaries)")
    aux = write(
        folder,
        "paper.aux",
        "\\relax\n\\citation{poe2001,doe2000}\n\\bibstyle{plain}\n\\bibdata{cited}\n",
    )
    result = extract_citations([aux], [folder / "big.bib"])
    write(folder, "cited.bib", result.text)
    done = subprocess.run(
        ["bibtex", "paper"], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )
    log = done.stdout + (folder / "paper.blg").read_text(encoding="utf-8")
    assert done.returncode == 0, log
    assert "Warning" not in log and "didn't find" not in log
    bbl = (folder / "paper.bbl").read_text(encoding="utf-8")
    assert "\\bibitem{doe2000}" in bbl and "\\bibitem{poe2001}" in bbl and "Big Press" in bbl


def test_the_shared_corpus_keeps_crossref_parents(shared: Path, tmp_path: Path) -> None:
    big = shared / "corpus" / "biblatex-examples.bib"
    doc = write(tmp_path, "paper.md", "[@westfahl:space]\n")
    result = extract_citations([doc], [big])
    assert result.written == ["westfahl:space", "westfahl:frontier"]
    assert result.missing == []


def test_related_works_and_quoting_works_come_along(repo_root: Path, tmp_path: Path) -> None:
    """``related`` (biblatex prints it) and ``quotedin`` (cited "quoted in") are needed too."""
    doc = write(tmp_path, "paper.md", "[@tillerson2017patience; @raimondo2008reclaiming]\n")
    result = extract_citations([doc], [repo_root / "references.bib"])
    assert sorted(result.written) == [
        "raimondo1993reclaiming",  # related = {raimondo1993reclaiming}
        "raimondo2008reclaiming",
        "raimondo2017trump",  # quotedin = {raimondo2017trump}
        "tillerson2017patience",
    ]

"""``citekit render`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main

ITEMS = [
    {
        "id": "doe2000",
        "type": "book",
        "title": "First Book",
        "author": [{"family": "Doe", "given": "John"}],
        "issued": {"date-parts": [[2000]]},
    },
    {
        "id": "smith2004",
        "type": "book",
        "title": "Second Book",
        "author": [{"family": "Smith", "given": "Jane"}],
        "issued": {"date-parts": [[2004]]},
    },
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (tmp_path / "paper.md").write_text(
        "---\nbibliography: refs.json\n---\n# Intro\n\nAs shown [@doe2000, p. 3].\n",
        encoding="utf-8",
    )
    return tmp_path


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_render_to_stdout_uses_front_matter(folder: Path) -> None:
    code, out, err = run("render", str(folder / "paper.md"), "--style", "apa")
    assert code == 0, err
    assert "As shown (Doe, 2000, p. 3)." in out
    assert "# References" in out and "Doe, J. (2000). *First Book*." in out


def test_render_to_a_file_as_html(folder: Path) -> None:
    target = folder / "out" / "paper.html"
    code, out, err = run(
        "render", str(folder / "paper.md"), "--to", "html", "-o", str(target), "-s", "ieee"
    )
    assert code == 0, err
    assert out == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<p>As shown <a href="#ref-doe2000">[1, p. 3]</a>.</p>' in page


def test_render_never_overwrites_the_document(folder: Path) -> None:
    code, _, err = run("render", str(folder / "paper.md"), "-o", str(folder / "paper.md"))
    assert code == 2
    assert "refusing to overwrite" in err


def test_render_from_stdin_with_bib_option(folder: Path) -> None:
    code, out, err = run(
        "render",
        "-",
        "--bib",
        str(folder / "refs.json"),
        "--to",
        "text",
        "--style",
        "apa",
        input="See [@smith2004].\n",
    )
    assert code == 0, err
    assert out.startswith("See (Smith, 2004).\n\nReferences\n\nSmith, J. (2004).")


def test_unknown_keys_warn_with_position_or_fail_with_strict(folder: Path) -> None:
    doc = folder / "typo.md"
    doc.write_text("Intro.\n\nSee [@doe200].\n", encoding="utf-8")
    bib = str(folder / "refs.json")
    code, out, err = run("render", str(doc), "--bib", bib)
    assert code == 1  # a problem in the data; the document is still rendered
    assert "???doe200" in out
    assert f"{doc}:3:5: warning: unknown citation key 'doe200' (did you mean: doe2000?)" in err
    code, out, err = run("render", str(doc), "--bib", bib, "--strict")
    assert code == 1 and out == ""
    assert "line 3, column 5" in err


def test_data_problems_exit_1_with_line_and_column(folder: Path) -> None:
    doc = folder / "broken.md"
    doc.write_text("Text [see @doe2000, p. 3\n", encoding="utf-8")
    code, _, err = run("render", str(doc), "--bib", str(folder / "refs.json"))
    assert code == 1
    assert f"error: {doc}: line 1, column 6: unterminated citation" in err
    doc.write_text("---\nbibliography: [refs.json\n---\nText\n", encoding="utf-8")
    code, _, err = run("render", str(doc))
    assert code == 1 and "malformed YAML front matter" in err
    doc.write_text("---\nbibliography: gone.bib\n---\nText\n", encoding="utf-8")
    code, _, err = run("render", str(doc))
    assert code == 1 and "gone.bib does not exist" in err


def test_usage_problems_exit_2(folder: Path) -> None:
    paper = str(folder / "paper.md")
    assert run("render", paper, "--style", "no-such-style")[0] == 2
    assert run("render", paper, "--bib", str(folder / "missing.bib"))[0] == 2
    assert run("render", paper, "--to", "docx")[0] == 2
    assert run("render", str(folder / "missing.md"))[0] == 2
    assert run("render", paper, "--locale", "xx-nonsense")[0] == 2


def test_json_output_lists_citations_and_entries(folder: Path) -> None:
    code, out, err = run("render", str(folder / "paper.md"), "--style", "apa", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["style"] == "apa" and data["format"] == "markdown"
    [citation] = data["citations"]
    assert citation["keys"] == ["doe2000"] and citation["text"] == "(Doe, 2000, p. 3)"
    assert (citation["line"], citation["column"]) == (6, 10)
    assert [e["id"] for e in data["bibliography"]] == ["doe2000"]
    assert "As shown (Doe, 2000, p. 3)." in data["output"]


def test_help_has_an_example() -> None:
    code, out, _ = run("render", "--help")
    assert code == 0 and "Example:" in out and "citekit render paper.md" in out
    code, out, _ = run("serve", "--help")
    assert code == 0 and "Example:" in out and "citekit serve --stdio" in out


# ---------------------------------------------------------------------------
# pandoc's spellings and outputs (issue 15)
# ---------------------------------------------------------------------------


def test_pandoc_spellings_and_the_old_ones(folder: Path) -> None:
    doc = folder / "bare.md"
    doc.write_text("As shown [@doe2000, p. 3].\n", encoding="utf-8")
    pandoc_way = run(
        "render", str(doc), "--bibliography", str(folder / "refs.json"), "--csl", "apa"
    )
    old_way = run("render", str(doc), "--bib", str(folder / "refs.json"), "--style", "apa")
    assert pandoc_way[0] == old_way[0] == 0
    assert pandoc_way[1] == old_way[1]
    assert "As shown (Doe, 2000, p. 3)." in pandoc_way[1]


def test_default_style_is_chicago_author_date(folder: Path) -> None:
    code, out, err = run("render", str(folder / "paper.md"))
    assert code == 0, err
    assert "As shown (Doe 2000, 3)." in out


def test_docx_needs_an_output_file(folder: Path) -> None:
    code, _, err = run("render", str(folder / "paper.md"), "--to", "docx")
    assert code == 2 and "-o FILE.docx" in err


def _has_pandoc() -> bool:
    from citekit.cli.document import pandoc_binary

    return pandoc_binary() is not None


@pytest.mark.skipif(not _has_pandoc(), reason="pandoc is not installed (nor pypandoc-binary)")
def test_latex_and_docx_through_pandoc(folder: Path) -> None:
    from docx import Document

    code, latex, err = run("render", str(folder / "paper.md"), "--to", "latex")
    assert code == 0, err
    assert "\\begin{document}" in latex and "As shown (Doe 2000, 3)." in latex
    target = folder / "paper.docx"
    code, _, err = run("render", str(folder / "paper.md"), "--to", "docx", "-o", str(target))
    assert code == 0, err
    paragraphs = [p.text for p in Document(str(target)).paragraphs]
    assert "As shown (Doe 2000, 3)." in paragraphs
    assert any(p.startswith("Doe, John. 2000.") for p in paragraphs)


def test_raw_html_is_filtered_unless_trusted(folder: Path) -> None:
    doc = folder / "raw.md"
    doc.write_text(
        "As shown [@doe2000].\n\n<script>go()</script>\n\n<b onclick=x>b</b>\n", encoding="utf-8"
    )
    bib = str(folder / "refs.json")
    code, safe, err = run("render", str(doc), "--bibliography", bib, "--to", "html")
    assert code == 0, err
    assert "<script>go()" not in safe and "&lt;script>go()" in safe
    assert "<b>b</b>" in safe and "onclick" not in safe
    code, trusted, err = run(
        "render", str(doc), "--bibliography", bib, "--to", "html", "--trust-html"
    )
    assert code == 0, err
    assert "<script>go()</script>" in trusted and "<b onclick=x>b</b>" in trusted


def test_render_with_a_missing_abbreviations_file_is_a_usage_error(folder: Path) -> None:
    code, out, err = run(
        "render", str(folder / "paper.md"), "--citation-abbreviations", str(folder / "no.json")
    )
    assert code == 2
    assert "no.json" in err and out == ""


def test_render_fills_named_bibliographies(folder: Path) -> None:
    (folder / "paper.md").write_text(
        "---\nbibliography: refs.json\n---\n# One\n\n[@doe2000]\n\n::: {#refs-one}\n:::\n\n"
        "# Two\n\n[@smith2004]\n\n::: {#refs-two}\n:::\n",
        encoding="utf-8",
    )
    code, out, err = run("render", str(folder / "paper.md"), "--csl", "apa")
    assert code == 0, err
    one, two = out.split("# Two")
    assert "::: {#refs-one" in one and "Doe, J." in one and "Smith" not in one
    assert "::: {#refs-two" in two and "Smith, J." in two and "Doe" not in two


# ---------------------------------------------------------------------------
# pandoc's citation metadata: suppress-bibliography and -M
# ---------------------------------------------------------------------------


def _with_front_matter(folder: Path, *lines: str) -> str:
    """A document with these front matter lines, in a file of its own."""
    paper = folder / f"meta{len(list(folder.glob('meta*.md')))}.md"
    front = "".join(f"{line}\n" for line in ("bibliography: refs.json", *lines))
    paper.write_text(f"---\n{front}---\n# Intro\n\nAs shown [@doe2000, p. 3].\n", "utf-8")
    return str(paper)


@pytest.mark.parametrize("to", ["markdown", "html", "text"])
def test_render_honours_suppress_bibliography(folder: Path, to: str) -> None:
    shown = run("render", _with_front_matter(folder), "--to", to, "--style", "apa")
    hidden = run(
        "render",
        _with_front_matter(folder, "suppress-bibliography: true"),
        "--to",
        to,
        "--style",
        "apa",
    )
    assert shown[0] == hidden[0] == 0, hidden[2]
    assert "References" in shown[1] and "First Book" in shown[1]
    assert "References" not in hidden[1] and "First Book" not in hidden[1]
    assert "(Doe, 2000, p. 3)" in hidden[1]


def test_metadata_option_sets_a_value_over_the_front_matter(folder: Path) -> None:
    plain = _with_front_matter(folder)
    code, out, err = run("render", plain, "-M", "suppress-bibliography", "-t", "text")
    assert code == 0, err
    assert "First Book" not in out and "(Doe 2000, 3)" in out
    hidden = _with_front_matter(folder, "suppress-bibliography: yes")
    code, out, err = run("render", hidden, "--metadata", "suppress-bibliography=false")
    assert code == 0, err
    assert "First Book" in out
    code, out, err = run("render", plain, "-M", "nocite=@*", "-M", "lang=de-DE", "-t", "text")
    assert code == 0, err
    assert "Second Book" in out  # listed without being cited
    written = _with_front_matter(folder, "nocite: '@*'", "lang: de-DE")
    assert out == run("render", written, "-t", "text")[1]  # as if the front matter said so


def test_json_output_lists_no_entries_when_suppressed(folder: Path) -> None:
    paper = _with_front_matter(folder, "suppress-bibliography: on")
    code, out, err = run("render", paper, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["bibliography"] == [] and len(data["citations"]) == 1


def test_bad_metadata_is_a_usage_error(folder: Path) -> None:
    paper = str(folder / "paper.md")
    code, out, err = run("render", paper, "-M", "=x")
    assert code == 2 and out == "" and "has no key" in err
    code, out, err = run("render", paper, "-M", "references=x")
    assert code == 2 and out == "" and "references" in err


def test_a_bibliography_named_by_metadata_is_never_overwritten(folder: Path) -> None:
    (folder / "other.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    plain = folder / "plain.md"
    plain.write_text("See [@smith2004].\n", encoding="utf-8")
    code, out, err = run("render", str(plain), "-M", f"bibliography={folder / 'other.json'}")
    assert code == 0, err
    assert "Smith" in out
    code, _, err = run(
        "render",
        str(plain),
        "-M",
        f"bibliography={folder / 'other.json'}",
        "-o",
        str(folder / "other.json"),
    )
    assert code == 2 and "refusing to overwrite" in err
    assert json.loads((folder / "other.json").read_text(encoding="utf-8")) == ITEMS

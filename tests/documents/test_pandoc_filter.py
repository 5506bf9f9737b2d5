"""The pandoc filter: AST conversion on its own, and end to end through real pandoc binaries.

The end-to-end tests run pandoc 2.17 (Debian's ``/usr/bin/pandoc``, pandoc-types
1.22) and pandoc 3.x (the ``pypandoc-binary`` wheel, 1.23) with
``--filter citekit-pandoc``, to HTML, DOCX (read back with python-docx) and
LaTeX; a version whose binary cannot be had here is skipped with a message.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.documents.pandoc_ast import (
    meta_value,
    rich_inlines,
    stringify,
    text_inlines,
    walk,
)
from citekit.documents.pandoc_filter import filter_document, nocite_keys
from citekit.render.richtext import Span, Text

BIB = """\
@book{doe2000,
  author = {Doe, Jane},
  title = {A Book of Things},
  publisher = {Acme},
  address = {Boston},
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

@book{poe1990,
  author = {Poe, Edgar},
  title = {Uncited Tales},
  publisher = {Acme},
  year = {1990},
}
"""


# ---------------------------------------------------------------------------
# Building ASTs by hand
# ---------------------------------------------------------------------------


def cite(
    key: str,
    mode: str = "NormalCitation",
    prefix: str = "",
    suffix: str = "",
) -> dict[str, Any]:
    citation = {
        "citationId": key,
        "citationPrefix": text_inlines(prefix),
        "citationSuffix": text_inlines(suffix),
        "citationMode": {"t": mode},
        "citationNoteNum": 0,
        "citationHash": 0,
    }
    return {"t": "Cite", "c": [[citation], [{"t": "Str", "c": f"[@{key}]"}]]}


def doc(
    *blocks: Any, meta: dict[str, Any] | None = None, version: list[int] | None = None
) -> dict[str, Any]:
    return {
        "pandoc-api-version": version or [1, 23, 1, 1],
        "meta": meta or {},
        "blocks": list(blocks),
    }


def para(*inlines: Any) -> dict[str, Any]:
    return {"t": "Para", "c": list(inlines)}


def meta_str(text: str) -> dict[str, Any]:
    return {"t": "MetaInlines", "c": text_inlines(text)}


def cites_text(document: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def visit(node: dict[str, Any], _in_note: bool) -> bool:
        if node.get("t") == "Cite":
            found.append(stringify_with_notes(node["c"][1]))
            return False
        return True

    walk(document["blocks"], visit)
    return found


def stringify_with_notes(inlines: Any) -> str:
    out = []
    for item in inlines:
        if item.get("t") == "Note":
            out.append("[^" + stringify(item["c"]) + "]")
        else:
            out.append(stringify([item]))
    return "".join(out)


def entries(document: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}

    def visit(node: dict[str, Any], _in_note: bool) -> bool:
        if node.get("t") == "Div" and "csl-entry" in node["c"][0][1]:
            found[node["c"][0][0]] = stringify(node["c"][1])
            return False
        return True

    walk(document["blocks"], visit)
    return found


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


BIBMETA = {"bibliography": meta_str("refs.bib")}


# ---------------------------------------------------------------------------
# AST conversion
# ---------------------------------------------------------------------------


def test_stringify_reads_words_quotes_and_skips_notes() -> None:
    inlines = [
        {"t": "Str", "c": "see"},
        {"t": "Space"},
        {
            "t": "Quoted",
            "c": [{"t": "DoubleQuote"}, [{"t": "Emph", "c": [{"t": "Str", "c": "this"}]}]],
        },
        {"t": "Note", "c": [para({"t": "Str", "c": "hidden"})]},
    ]
    assert stringify(inlines) == "see \u201cthis\u201d"


def test_meta_values_become_csl_json_shapes() -> None:
    value = {
        "t": "MetaList",
        "c": [
            {
                "t": "MetaMap",
                "c": {
                    "id": meta_str("x"),
                    "issued": {
                        "t": "MetaMap",
                        "c": {
                            "date-parts": {
                                "t": "MetaList",
                                "c": [{"t": "MetaList", "c": [meta_str("2001")]}],
                            }
                        },
                    },
                    "flag": {"t": "MetaBool", "c": True},
                },
            }
        ],
    }
    assert meta_value(value) == [{"id": "x", "issued": {"date-parts": [["2001"]]}, "flag": True}]


def test_rich_text_becomes_pandoc_formatting() -> None:
    tree = Span(
        (
            Text("A "),
            Span((Text("Title"),), italic=True),
            Span((Text("x"),), small_caps=True),
            Span((Text("2"),), superscript=True),
            Span((Text("bold"),), bold=True),
            Span((Text("u"),), link="https://x.org"),
        )
    )
    tags = [item["t"] for item in rich_inlines(tree)]
    assert tags == ["Str", "Space", "Emph", "SmallCaps", "Superscript", "Strong", "Link"]
    no_italic = rich_inlines(Span((Text("n"),), italic=False))[0]
    assert no_italic["t"] == "Span" and no_italic["c"][0][1] == ["csl-no-emph"]


def test_text_keeps_no_break_spaces_inside_words() -> None:
    assert text_inlines("p.\u00a03 and x") == [
        {"t": "Str", "c": "p.\u00a03"},
        {"t": "Space"},
        {"t": "Str", "c": "and"},
        {"t": "Space"},
        {"t": "Str", "c": "x"},
    ]


def test_nocite_keys_from_cites_or_text() -> None:
    assert nocite_keys({"t": "MetaInlines", "c": [cite("a"), cite("*")]}) == ["a", "*"]
    assert nocite_keys({"t": "MetaString", "c": "@a, @b"}) == ["a", "b"]


# ---------------------------------------------------------------------------
# The filter on ASTs
# ---------------------------------------------------------------------------


def test_author_date_citations_locators_and_modes(folder: Path) -> None:
    document = doc(
        para(cite("doe2000", prefix="see", suffix=", p. 33")),
        para(cite("roe2010", mode="AuthorInText")),
        para(cite("doe2000", mode="SuppressAuthor", suffix=", chap. 2")),
        meta=BIBMETA,
    )
    result = filter_document(document)
    assert result.problems == 0
    assert cites_text(document) == ["(see Doe 2000, 33)", "Roe (2010)", "(2000, chap. 2)"]
    assert set(entries(document)) == {"ref-doe2000", "ref-roe2010"}  # only what is cited
    assert document["pandoc-api-version"] == [1, 23, 1, 1]


def test_nocite_star_lists_the_whole_bibliography(folder: Path) -> None:
    document = doc(
        para(cite("doe2000")), meta={**BIBMETA, "nocite": {"t": "MetaInlines", "c": [cite("*")]}}
    )
    filter_document(document)
    assert set(entries(document)) == {"ref-doe2000", "ref-roe2010", "ref-poe1990"}


def test_bibliography_goes_into_refs_div_with_pandoc_classes(folder: Path) -> None:
    refs: dict[str, Any] = {"t": "Div", "c": [["refs", [], []], []]}
    document = doc(
        para(cite("doe2000")),
        refs,
        para({"t": "Str", "c": "After."}),
        meta={**BIBMETA, "link-citations": {"t": "MetaBool", "c": True}},
    )
    filter_document(document)
    assert document["blocks"][1] is refs
    assert refs["c"][0][1][:2] == ["references", "csl-bib-body"]
    assert [e["c"][0] for e in refs["c"][1]] == [["ref-doe2000", ["csl-entry"], []]]
    link = document["blocks"][0]["c"][0]["c"][1][0]
    assert link["t"] == "Link" and link["c"][2][0] == "#ref-doe2000"


def test_appended_bibliography_gets_the_section_title(folder: Path) -> None:
    document = doc(
        para(cite("doe2000")), meta={**BIBMETA, "reference-section-title": meta_str("Works Cited")}
    )
    filter_document(document)
    header, refs = document["blocks"][-2:]
    assert header["t"] == "Header" and stringify(header["c"][2]) == "Works Cited"
    assert refs["c"][0][0] == "refs"


def test_note_style_makes_footnotes_but_never_nests_them(folder: Path) -> None:
    note: dict[str, Any] = {
        "t": "Note",
        "c": [para({"t": "Str", "c": "As"}, {"t": "Space"}, cite("roe2010"))],
    }
    document = doc(
        para(
            {"t": "Str", "c": "Text"},
            {"t": "Space"},
            cite("doe2000", suffix=", 3"),
            {"t": "Str", "c": "."},
            {"t": "Space"},
            note,
        ),
        meta={**BIBMETA, "csl": meta_str("chicago-notes-bibliography")},
    )
    filter_document(document)
    inlines = document["blocks"][0]["c"]
    assert [i["t"] for i in inlines[:3]] == ["Str", "Cite", "Space"]
    assert inlines[0]["c"] == "Text."  # the full stop moved before the note mark
    made = inlines[1]["c"][1][0]
    assert made["t"] == "Note"
    assert stringify(made["c"]).startswith("Jane Doe, A Book of Things")
    inner = note["c"][0]["c"][2]["c"][1]
    assert all(i["t"] != "Note" for i in inner)
    assert stringify(inner).startswith("(Richard Roe")


def test_numeric_style_and_inline_references(folder: Path) -> None:
    references = {
        "t": "MetaList",
        "c": [
            {
                "t": "MetaMap",
                "c": {
                    "id": meta_str("inline1"),
                    "type": meta_str("book"),
                    "title": meta_str("Inline Book"),
                    "author": {
                        "t": "MetaList",
                        "c": [
                            {
                                "t": "MetaMap",
                                "c": {"family": meta_str("Ink"), "given": meta_str("Ida")},
                            }
                        ],
                    },
                    "issued": {
                        "t": "MetaMap",
                        "c": {
                            "date-parts": {
                                "t": "MetaList",
                                "c": [{"t": "MetaList", "c": [meta_str("1999")]}],
                            }
                        },
                    },
                },
            }
        ],
    }
    document = doc(
        para(cite("inline1")),
        para(cite("doe2000", suffix=", p. 4")),
        meta={**BIBMETA, "csl": meta_str("ieee"), "references": references},
    )
    filter_document(document)
    assert cites_text(document) == ["[1]", "[2, p. 4]"]
    assert "Inline Book" in entries(document)["ref-inline1"]
    assert "1999" in entries(document)["ref-inline1"]


def test_refs_name_div_takes_its_bibliography_and_refs_the_rest(folder: Path) -> None:
    (folder / "primary.bib").write_text(BIB.split("@article")[0], encoding="utf-8")
    primary: dict[str, Any] = {"t": "Div", "c": [["refs-primary", [], []], []]}
    rest: dict[str, Any] = {"t": "Div", "c": [["refs", [], []], []]}
    document = doc(
        para(cite("doe2000"), cite("roe2010")),
        primary,
        rest,
        meta={**BIBMETA, "bibliography-primary": meta_str("primary.bib")},
    )
    filter_document(document)
    assert [e["c"][0][0] for e in primary["c"][1]] == ["ref-doe2000"]
    assert [e["c"][0][0] for e in rest["c"][1]] == ["ref-roe2010"]


def test_figure_blocks_of_api_1_23_are_crossed(folder: Path) -> None:
    figure = {
        "t": "Figure",
        "c": [["", [], []], [None, []], [{"t": "Plain", "c": [cite("doe2000")]}]],
    }
    document = doc(figure, meta=BIBMETA)
    filter_document(document)
    assert cites_text(document) == ["(Doe 2000)"]


def test_unknown_keys_are_problems_and_the_rest_renders(folder: Path) -> None:
    document = doc(para(cite("doe2000")), para(cite("nokey")), meta=BIBMETA)
    result = filter_document(document)
    assert result.problems == 1
    assert any("nokey" in w for w in result.warnings)
    assert cites_text(document)[0] == "(Doe 2000)"


def test_cli_command_reads_and_writes_json(folder: Path) -> None:
    source = json.dumps(doc(para(cite("doe2000"))))
    run = CliRunner().invoke(
        main,
        ["pandoc-filter", "html", "-M", "bibliography=refs.bib", "-M", "csl=apa"],
        input=source,
    )
    assert run.exit_code == 0, run.stderr
    assert cites_text(json.loads(run.stdout)) == ["(Doe, 2000)"]


def test_cli_refuses_what_is_not_pandoc_json(folder: Path) -> None:
    run = CliRunner().invoke(main, ["pandoc-filter"], input='{"blocks": 3}')
    assert run.exit_code == 1
    assert "not a pandoc JSON document" in run.stderr


# ---------------------------------------------------------------------------
# End to end with the real binaries
# ---------------------------------------------------------------------------


@pytest.fixture
def filter_program(tmp_path: Path) -> str:
    """The installed ``citekit-pandoc``, else a wrapper running the same function."""
    installed = Path(sys.executable).parent / "citekit-pandoc"
    if installed.exists():
        return str(installed)
    wrapper = tmp_path / "citekit-pandoc"
    wrapper.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -c '
        f'"from citekit.cli.pandoc_filter import run; run()" "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return str(wrapper)


DOCUMENT = """\
---
bibliography: refs.bib
csl: {style}
nocite: "@poe1990"
---
As argued [see @doe2000, p. 33], things hold. @roe2010 disagrees.

::: {{#refs}}
:::
"""


def run_pandoc(
    pandoc: str, filter_program: str, folder: Path, style: str, *args: str
) -> subprocess.CompletedProcess[str]:
    (folder / "doc.md").write_text(DOCUMENT.format(style=style), encoding="utf-8")
    return subprocess.run(
        [pandoc, "doc.md", "--wrap=none", "--filter", filter_program, *args],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
        env={
            **os.environ,
            "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        },
    )


def test_html_author_date(pandoc: str, filter_program: str, folder: Path) -> None:
    run = run_pandoc(pandoc, filter_program, folder, "chicago-author-date", "-t", "html")
    assert run.returncode == 0, run.stderr
    assert "(see Doe 2000, 33)" in run.stdout
    assert "Roe (2010)" in run.stdout
    assert 'id="ref-poe1990"' in run.stdout  # nocite
    assert "<em>A Book of Things</em>" in run.stdout


def test_repeated_builds_keep_their_style_and_bibliography_and_see_every_edit(
    pandoc: str, filter_program: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filter program keeps what it parsed in the disk cache, as pandoc builds do
    again and again, and an edited .bib is read afresh on the next build."""
    cache = folder / "cache"
    monkeypatch.setenv("CITEKIT_CACHE_DIR", str(cache))
    monkeypatch.delenv("CITEKIT_NO_DISK_CACHE", raising=False)
    builds = [run_pandoc(pandoc, filter_program, folder, "apa", "-t", "html") for _ in "123"]
    assert all(build.returncode == 0 for build in builds), builds[0].stderr
    assert builds[0].stdout == builds[1].stdout == builds[2].stdout
    assert "<em>A book of things</em>" in builds[2].stdout
    assert list((cache / "parsed-bibliographies").iterdir())
    assert list((cache / "csl-styles").iterdir())
    bib = folder / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Things", "Stuff"), encoding="utf-8")
    edited = run_pandoc(pandoc, filter_program, folder, "apa", "-t", "html")
    assert "<em>A book of stuff</em>" in edited.stdout
    assert "things" not in edited.stdout.lower().replace("things hold", "")


def test_docx_numeric(pandoc: str, filter_program: str, folder: Path) -> None:
    import docx

    run = run_pandoc(pandoc, filter_program, folder, "ieee", "-o", "out.docx")
    assert run.returncode == 0, run.stderr
    text = "\n".join(p.text for p in docx.Document(str(folder / "out.docx")).paragraphs)
    assert "see [1, p. 33]" in text
    assert "Uncited tales" in text and "Journal of Studies" in text


def test_latex_note_style(pandoc: str, filter_program: str, folder: Path) -> None:
    run = run_pandoc(pandoc, filter_program, folder, "chicago-notes-bibliography", "-t", "latex")
    assert run.returncode == 0, run.stderr
    assert "\\footnote{See Jane Doe, \\emph{A Book of Things}" in run.stdout
    assert "hold." in run.stdout


def test_docx_note_style_has_footnotes(pandoc: str, filter_program: str, folder: Path) -> None:
    import zipfile

    run = run_pandoc(
        pandoc, filter_program, folder, "chicago-notes-bibliography", "-o", "notes.docx"
    )
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(folder / "notes.docx") as archive:
        footnotes = archive.read("word/footnotes.xml").decode("utf-8")
    assert "A Book of Things" in footnotes


QUOTATIONS = """\
@article{raimondo2017trump,
  author       = {Raimondo, Justin},
  title        = {{Trump} Should Meet With {Kim Jong-un}},
  journaltitle = {Antiwar.com},
  entrysubtype = {magazine},
  date         = {2017-05},
}

@misc{tillerson2017patience,
  entrysubtype    = {speech},
  author          = {Tillerson, Rex},
  date            = {2017-03-17},
  eventtitle      = {Joint press conference},
  venue           = {Seoul},
  quotation       = {strategic patience has come to an end},
  quotedin        = {raimondo2017trump},
  quotedinlocator = {14},
  quotedinlabel   = {paragraph},
}
"""


def test_quotation_records_cite_quoted_in(folder: Path) -> None:
    (folder / "quotes.bib").write_text(QUOTATIONS, encoding="utf-8")
    document = doc(
        para(cite("tillerson2017patience")), meta={"bibliography": meta_str("quotes.bib")}
    )
    filter_document(document)
    [text] = cites_text(document)
    assert "Tillerson" in text and "quoted in" in text and "Raimondo" in text
    assert "ref-raimondo2017trump" in entries(document)


def test_lang_sets_the_locale(folder: Path) -> None:
    document = doc(
        para(cite("doe2000", suffix=", chap. 2")), meta={**BIBMETA, "lang": meta_str("de-DE")}
    )
    filter_document(document)
    assert cites_text(document) == ["(Doe 2000, Kap. 2)"]


def test_nocite_works_are_numbered_in_bibliography_order(folder: Path) -> None:
    document = doc(
        para(cite("roe2010")),
        meta={
            **BIBMETA,
            "csl": meta_str("ieee"),
            "nocite": {"t": "MetaInlines", "c": [cite("poe1990"), cite("doe2000")]},
        },
    )
    filter_document(document)
    assert [text.split("]")[0] for text in entries(document).values()] == ["[1", "[2", "[3"]
    assert list(entries(document)) == ["ref-roe2010", "ref-doe2000", "ref-poe1990"]


def test_console_script_exits_zero_on_unknown_keys(folder: Path, filter_program: str) -> None:
    source = json.dumps(doc(para(cite("nokey")), meta=BIBMETA))
    run = subprocess.run(
        [filter_program, "html"],
        input=source,
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
    )
    assert run.returncode == 0
    assert "nokey" in run.stderr
    assert cites_text(json.loads(run.stdout)) == ["[unknown: nokey]"]


def test_pipe_through_the_cli_command(pandoc: str, folder: Path) -> None:
    (folder / "doc.md").write_text(DOCUMENT.format(style="apa"), encoding="utf-8")
    tree = subprocess.run(
        [pandoc, "doc.md", "-t", "json"],
        capture_output=True,
        text=True,
        cwd=folder,
        check=True,
        timeout=120,
    ).stdout
    filtered = CliRunner().invoke(main, ["pandoc-filter", "html"], input=tree)
    assert filtered.exit_code == 0, filtered.stderr
    plain = subprocess.run(
        [pandoc, "-f", "json", "-t", "plain", "--wrap=none"],
        input=filtered.stdout,
        capture_output=True,
        text=True,
        cwd=folder,
        check=True,
        timeout=120,
    ).stdout
    assert "(see Doe, 2000, p. 33)" in plain
    assert "Poe, E. (1990). Uncited tales. Acme." in plain


def test_a_missing_bibliography_file_is_named(folder: Path) -> None:
    source = json.dumps(doc(para(cite("doe2000")), meta={"bibliography": meta_str("gone.bib")}))
    run = CliRunner().invoke(main, ["pandoc-filter"], input=source)
    assert run.exit_code == 1
    assert "bibliography file" in run.stderr and "gone.bib" in run.stderr


REFERENCES = Path(__file__).resolve().parents[2] / "references.bib"


@pytest.mark.parametrize("style", ["apa", "chicago-notes-bibliography", "ieee"])
def test_every_citation_link_lands_on_an_element_of_the_page(
    pandoc: str, filter_program: str, folder: Path, style: str
) -> None:
    """``link-citations``: a quotation record the bibliography does not list
    (docs/quotations.md) links to the entry of the work quoting it, a listed one
    (ieee) to its own; pandoc's HTML parsed with lxml, every link's target on the page."""
    from lxml import html as lxml_html

    from citekit.formats import read
    from citekit.model.quotations import quotations

    library = read(REFERENCES).library
    quotes = quotations(library)
    (folder / "references.bib").write_text(REFERENCES.read_text(encoding="utf-8"), "utf-8")
    body = "\n\n".join(f"Quoted [@{q.key}]." for q in quotes)
    (folder / "doc.md").write_text(
        f"---\nbibliography: references.bib\ncsl: {style}\nlink-citations: true\n---\n\n{body}\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [pandoc, "doc.md", "--filter", filter_program, "-t", "html"],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    tree = lxml_html.fromstring(f"<div>{run.stdout}</div>")
    ids = {str(node.get("id")) for node in tree.iter() if node.get("id")}
    links = [str(a.get("href")) for a in tree.iter("a") if str(a.get("href", "")).startswith("#")]
    assert links and [href for href in links if href[1:] not in ids] == []
    cited = [
        str(a.get("href"))
        for a in tree.iter("a")
        if a.get("role") == "doc-biblioref" or str(a.get("href", "")).startswith("#ref-")
    ]
    if citekit_is_note_style(style):
        assert cited == []  # the filter links no note (pandoc does; docs/pandoc-filter.md)
    else:
        listed = {i[len("ref-") :] for i in ids if i.startswith("ref-")}
        assert cited == [f"#ref-{q.key if q.key in listed else q.quoted_in}" for q in quotes]


def citekit_is_note_style(name: str) -> bool:
    from citekit.styles.catalog import find_style

    return find_style(name).is_note

"""The Sphinx extension, through real Sphinx builds of a small project.

The project cites entries of the repository's ``references.bib`` from two
reStructuredText pages (the ``:cite:`` role) and one MyST Markdown page
(pandoc's ``[@key]`` text), and lists them in bibliographies.  Every test
reads what Sphinx wrote (HTML, or the ``.tex``) and compares the citation
texts and bibliography entries with what citekit's own ``render()`` gives
for the same citations, never with a text typed into the test.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

pytest.importorskip("sphinx", reason="sphinx is not installed (extra: citekit[sphinx])")
pytest.importorskip("myst_parser", reason="myst-parser is not installed (extra: citekit[sphinx])")

import citekit
from citekit.integrations.sphinx_nodes import html_to_nodes
from citekit.render.intext import capitalise_note

# every test runs sphinx-build in a subprocess (about a second each): the full
# suite (--full, .ci/run) runs them, the quick loop leaves them out
pytestmark = pytest.mark.slow

AUTHOR_DATE = "apa"
NOTE = "chicago-notes-bibliography"

# The citations of the project, per page, in the order a reader meets them.
PAGES: dict[str, list[str]] = {
    "index": ["@raimondo2000enemy, p. 33", "see @raimondo2008reclaiming; -@raimondo2017trump"],
    "chapter": ["@raimondo1993reclaiming", "@raimondo2000enemy, chap. 2", "@raimondo2000enemy"],
    "notes": ["@raimondo2017trump, para. 3", "see @tillerson2017patience"],
}
ORDER = ["index", "chapter", "notes"]  # the root toctree's order

INDEX = """\
Essay
=====

Raimondo argued this :cite:`{0}` and again :cite:`{1}`.

.. toctree::

   chapter
   notes
   refs
   plain
"""

CHAPTER = """\
Chapter
=======

First :cite:`{0}`, then :cite:`{1}`.

Once more :cite:`{2}`.

.. bibliography::
   :scope: document
"""

NOTES = """\
# Notes in Markdown

As the essay says [{0}], and a statement [{1}].
Code such as `[@raimondo2000enemy]` and mail to someone@example.org stay as they are.
"""

REFS = """\
References
==========

.. bibliography::

Books in the library
--------------------

.. bibliography::
   :all:
   :types: book
"""


def write_project(root: Path, repo_root: Path, style: str, extra_pages: int = 0) -> Path:
    """A Sphinx project citing ``references.bib`` (copied in) in ``style``."""
    src = root / "src"
    src.mkdir(parents=True)
    shutil.copy(repo_root / "references.bib", src / "references.bib")
    (src / "conf.py").write_text(
        'extensions = ["citekit.sphinx", "myst_parser"]\n'
        'citekit_bibliography = ["references.bib"]\n'
        f"citekit_style = {style!r}\n"
        'source_suffix = {".rst": "restructuredtext", ".md": "markdown"}\n'
        'project = "citekit test"\n',
        encoding="utf-8",
    )
    (src / "index.rst").write_text(INDEX.format(*PAGES["index"]), encoding="utf-8")
    (src / "chapter.rst").write_text(CHAPTER.format(*PAGES["chapter"]), encoding="utf-8")
    (src / "notes.md").write_text(NOTES.format(*PAGES["notes"]), encoding="utf-8")
    (src / "refs.rst").write_text(REFS, encoding="utf-8")
    (src / "plain.rst").write_text("Plain\n=====\n\nNo citations here.\n", encoding="utf-8")
    for number in range(extra_pages):  # enough pages for parallel readers to share
        (src / f"extra{number}.rst").write_text(
            f"Extra {number}\n========\n\nText :cite:`@raimondo2000enemy, p. {number + 1}`.\n",
            encoding="utf-8",
        )
    if extra_pages:
        with (src / "index.rst").open("a", encoding="utf-8") as index:
            index.write("".join(f"   extra{n}\n" for n in range(extra_pages)))
    return src


def build(src: Path, builder: str = "html", parallel: int = 0) -> tuple[Path, str, str]:
    """Run ``sphinx-build`` on ``src``; the output folder, the status text and the warnings.

    A separate process per build, as a user runs it: Sphinx registers roles
    and nodes in docutils' process-wide tables, so two builds in one process
    are not what users run.
    """
    out = src.parent / "_build" / builder
    warnings = src.parent / f"warnings-{builder}.txt"
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        builder,
        "-d",
        str(src.parent / "_build" / "doctrees"),
        "-w",
        str(warnings),
        "--no-color",
    ]
    if parallel:
        command += ["-j", str(parallel)]
    done = subprocess.run(
        [*command, str(src), str(out)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return out, done.stdout, warnings.read_text(encoding="utf-8")


# ---------------------------------------------------------------- reading output


class _Collector(HTMLParser):
    """The text of every element carrying ``wanted`` in its class, in order."""

    def __init__(self, wanted: str) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.found: list[str] = []
        self.hrefs: list[str | None] = []
        self._depth = 0
        self._buffer: list[str] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self._depth:
            self._depth += 1
        elif self.wanted in (attributes.get("class") or "").split():
            self._depth = 1
            self._buffer = []
        elif tag == "a":
            self._href = attributes.get("href")

    def handle_endtag(self, tag: str) -> None:
        if not self._depth:
            if tag == "a":
                self._href = None
            return
        self._depth -= 1
        if not self._depth:
            self.found.append("".join(self._buffer))
            self.hrefs.append(self._href)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._buffer.append(data)


def texts(page: Path, wanted: str) -> tuple[list[str], list[str | None]]:
    collector = _Collector(wanted)
    collector.feed(page.read_text(encoding="utf-8"))
    return collector.found, collector.hrefs


def plain(formatted_html: str) -> str:
    """A rendered HTML citation or entry as the text a reader sees."""
    return html.unescape(re.sub(r"<[^>]+>", "", formatted_html))


# ---------------------------------------------------------------- expectations


@pytest.fixture(scope="module")
def library(repo_root_module: Path) -> citekit.Library:
    return citekit.read(repo_root_module / "references.bib").library


@pytest.fixture(scope="module")
def repo_root_module() -> Path:
    return Path(__file__).resolve().parents[2]


def clusters_of(library: citekit.Library, texts_: list[str], note: bool) -> list[citekit.Cluster]:
    clusters = [citekit.cite(library, text).cluster for text in texts_]
    if note:
        clusters = [replace(c, note_number=n) for n, c in enumerate(clusters, start=1)]
    return clusters


def expected(library: citekit.Library, style: str) -> tuple[dict[str, list[str]], citekit.Result]:
    """Each page's citations as citekit renders them, and the project's render.

    The project has one ``:all:`` bibliography, so every record is in the
    bibliography (pandoc's ``nocite: "*"``).  Note styles render each page
    on its own (notes numbered from 1) against the project's entries.
    """
    note = citekit.find_style(style).is_note
    everything = [cluster for page in ORDER for cluster in clusters_of(library, PAGES[page], note)]
    project = citekit.render(library, style, citations=everything, nocite="*", output="html")
    pages: dict[str, list[str]] = {}
    start = 0
    for page in ORDER:
        if note:
            result = citekit.render(
                library,
                style,
                citations=clusters_of(library, PAGES[page], note),
                bibliography=False,
                bibliography_keys=project.bibliography_ids,
                output="html",
            )
            # each a note of its own, so starting with a capital, as citekit render prints it
            pages[page] = [
                plain(citekit.serialise(capitalise_note(t), "html")) for t in result.citation_trees
            ]
        else:
            count = len(PAGES[page])
            pages[page] = [plain(c) for c in project.citations[start : start + count]]
            start += count
    return pages, project


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("style", [AUTHOR_DATE, NOTE])
def test_html_citations_and_bibliographies_match_render(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library, style: str
) -> None:
    src = write_project(tmp_path, repo_root_module, style)
    out, _, warnings = build(src)
    assert "citekit" not in warnings, warnings
    pages, project = expected(library, style)
    for page in ORDER:
        found, _ = texts(out / f"{page}.html", "citekit-citation")
        assert found == pages[page], page
    # a lone citation reads as citekit.cite() formats it
    if not citekit.find_style(style).is_note:
        assert pages["chapter"][0] == citekit.cite(library, PAGES["chapter"][0], style)

    entries, _ = texts(out / "refs.html", "citekit-entry")
    by_id = {entry.id: plain(entry.text) for entry in project.bibliography}
    cited = citekit.render(
        library, style, citations=[t for page in ORDER for t in PAGES[page]]
    ).bibliography_ids
    books = [e.id for e in project.bibliography if library[e.id].type == "book"]
    project_order = [entry.id for entry in project.bibliography]
    want = [by_id[k] for k in project_order if k in cited] + [by_id[k] for k in books]
    assert entries == want
    chapter_entries, _ = texts(out / "chapter.html", "citekit-entry")
    chapter_ids = citekit.render(library, style, citations=PAGES["chapter"]).bibliography_ids
    assert chapter_entries == [by_id[k] for k in project_order if k in chapter_ids]


def test_citations_link_to_their_entries(tmp_path: Path, repo_root_module: Path) -> None:
    src = write_project(tmp_path, repo_root_module, AUTHOR_DATE)
    out, _, _ = build(src)
    _, hrefs = texts(out / "index.html", "citekit-citation")
    assert hrefs == [
        "refs.html#citekit-raimondo2000enemy",
        "refs.html#citekit-raimondo2008reclaiming",
    ]
    # a page with its own bibliography links there
    _, chapter_hrefs = texts(out / "chapter.html", "citekit-citation")
    assert all(h and h.startswith("#citekit-") for h in chapter_hrefs)
    page = (out / "refs.html").read_text(encoding="utf-8")
    assert 'id="citekit-raimondo2000enemy"' in page


def test_note_style_citations_are_footnotes(tmp_path: Path, repo_root_module: Path) -> None:
    src = write_project(tmp_path, repo_root_module, NOTE)
    out, _, _ = build(src)
    page = (out / "index.html").read_text(encoding="utf-8")
    notes = re.findall(r'<aside class="footnote brackets" id="(citekit-note-\d+)"', page)
    assert len(notes) == len(PAGES["index"])
    found, _ = texts(out / "index.html", "citekit-citation")
    assert len(found) == len(PAGES["index"])
    body = page.split('<aside class="footnote-list')[0]
    assert all(text not in body for text in found)  # the text is in the notes only


def test_note_style_numbers_notes_in_reading_order_with_myst_footnotes(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library
) -> None:
    """A writer's own MyST note between two citations takes the number between theirs,
    and a citation inside it is that note's citation."""
    src = write_project(tmp_path, repo_root_module, NOTE)
    (src / "notes.md").write_text(
        "# Notes\n\nFirst [@raimondo2017trump, para. 3], a note,[^own] then [@raimondo2000enemy].\n"
        "\n[^own]: Which cites [-@raimondo2017trump, para. 4] itself.\n",
        encoding="utf-8",
    )
    out, _, warnings = build(src)
    assert "citekit" not in warnings, warnings
    page = (out / "notes.html").read_text(encoding="utf-8")
    body = page.split('<aside class="footnote-list')[0].split("<h1>")[1]
    labels = re.findall(r'href="#([^"]+)"[^>]*><span class="fn-bracket">\[</span>(\d+)', body)
    assert [number for _, number in labels] == ["1", "2", "3"]
    assert [target for target, _ in labels][1] == "own"
    cites = ["@raimondo2017trump, para. 3", "-@raimondo2017trump, para. 4", "@raimondo2000enemy"]
    everything = [c for page_ in ORDER if page_ != "notes" for c in PAGES[page_]]
    project = citekit.render(library, NOTE, citations=everything + cites, nocite="*")
    want = [
        plain(c)
        for c in citekit.render(
            library,
            NOTE,
            citations=clusters_of(library, cites, note=True),
            bibliography=False,
            bibliography_keys=project.bibliography_ids,
            output="html",
        ).citations
    ]
    # inside the writer's note, part of its sentence: in parentheses, no full stop of its own
    want[1] = f"({want[1].removesuffix('.')})"
    found, _ = texts(out / "notes.html", "citekit-citation")
    # MyST lists the notes by number, the writer's own (note 2) between the citations'
    assert found == want


def tex_plain(tex: str) -> str:
    """LaTeX as Sphinx writes it, as the words a reader sees."""
    for spelled, char in (
        ("\\sphinxhyphen{}", "-"),
        ("{[}", "["),
        ("{]}", "]"),
        ("\\&", "&"),
        ("\\%", "%"),
        ("\\_", "_"),
        ("\\#", "#"),
    ):
        tex = tex.replace(spelled, char)
    tex = re.sub(r"\\[A-Za-z@]+\*?", "", tex)
    return re.sub(r"\s+", " ", tex.replace("{", "").replace("}", "")).strip()


@pytest.mark.parametrize("style", [AUTHOR_DATE, NOTE])
def test_latex_output_holds_citations_and_entries(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library, style: str
) -> None:
    src = write_project(tmp_path, repo_root_module, style)
    out, _, warnings = build(src, "latex")
    assert "citekit" not in warnings, warnings
    tex = next(out.glob("*.tex")).read_text(encoding="utf-8")
    assert "\\usepackage{citekit}" in tex
    assert (out / "citekit.sty").is_file()
    words = tex_plain(tex)
    pages, project = expected(library, style)
    for page in ORDER:
        for citation in pages[page]:
            assert re.sub(r"\s+", " ", citation) in words, citation
    for entry in project.bibliography:
        if library[entry.id].type == "book":
            assert re.sub(r"\s+", " ", plain(entry.text)) in words, entry.id
    if citekit.find_style(style).is_note:
        assert "footnote" in tex


def test_unknown_key_warns_with_document_and_line(tmp_path: Path, repo_root_module: Path) -> None:
    src = write_project(tmp_path, repo_root_module, AUTHOR_DATE)
    with (src / "plain.rst").open("a", encoding="utf-8") as page:
        page.write("\nA slip :cite:`@raimondo2000enemi, p. 3`.\n")
    out, _, warnings = build(src)
    line = (src / "plain.rst").read_text(encoding="utf-8").splitlines().index(
        "A slip :cite:`@raimondo2000enemi, p. 3`."
    ) + 1
    assert f"plain.rst:{line}:" in warnings
    assert "unknown citation key 'raimondo2000enemi'" in warnings
    assert "raimondo2000enemy" in warnings  # the suggestion
    found, _ = texts(out / "plain.html", "citekit-citation")
    assert found == ["[unknown: raimondo2000enemi]"]
    # the rest of the project is still built
    assert (out / "index.html").is_file()


def test_a_syntax_error_warns_and_builds(tmp_path: Path, repo_root_module: Path) -> None:
    src = write_project(tmp_path, repo_root_module, AUTHOR_DATE)
    with (src / "plain.rst").open("a", encoding="utf-8") as page:
        page.write("\nBroken :cite:`@raimondo2000enemy, p. [3`.\n")
    out, _, warnings = build(src)
    assert "plain.rst:" in warnings
    assert "unbalanced brackets" in warnings
    found, _ = texts(out / "plain.html", "citekit-citation")
    assert found == ["[@raimondo2000enemy, p. [3]"]


def reread(status: str) -> set[str]:
    """The documents a build read, from its status output."""
    return set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", status))


def test_changed_bib_rebuilds_the_citing_documents(tmp_path: Path, repo_root_module: Path) -> None:
    src = write_project(tmp_path, repo_root_module, AUTHOR_DATE)
    out, status, _ = build(src)
    assert {"index", "chapter", "notes", "refs", "plain"} <= reread(status)
    bib = src / "references.bib"
    changed = bib.read_text(encoding="utf-8").replace("Prometheus Books", "Prometheus Press")
    assert changed != bib.read_text(encoding="utf-8")
    bib.write_text(changed, encoding="utf-8")
    out, status, _ = build(src)
    again = reread(status)
    assert {"index", "chapter", "refs"} <= again  # they cite or list raimondo2000enemy
    assert "plain" not in again
    library = citekit.read(bib).library
    entry = citekit.bibliography(library, AUTHOR_DATE, keys=["raimondo2000enemy"])[0]
    entries, _ = texts(out / "refs.html", "citekit-entry")
    assert (
        plain(
            citekit.bibliography(library, AUTHOR_DATE, keys=["raimondo2000enemy"], output="html")[0]
        )
        in entries
    )
    assert "Prometheus Press" in str(entry)


def test_parallel_build_gives_the_serial_output(tmp_path: Path, repo_root_module: Path) -> None:
    serial_src = write_project(tmp_path / "serial", repo_root_module, NOTE, extra_pages=6)
    parallel_src = write_project(tmp_path / "parallel", repo_root_module, NOTE, extra_pages=6)
    serial, _, serial_warnings = build(serial_src)
    parallel, status, parallel_warnings = build(parallel_src, parallel=2)
    assert "citekit" not in serial_warnings + parallel_warnings
    assert re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", status)  # in chunks
    for page in [*ORDER, "refs", *(f"extra{n}" for n in range(6))]:
        assert (
            texts(parallel / f"{page}.html", "citekit-citation")[0]
            == texts(serial / f"{page}.html", "citekit-citation")[0]
        ), page
        assert (
            texts(parallel / f"{page}.html", "citekit-entry")[0]
            == texts(serial / f"{page}.html", "citekit-entry")[0]
        ), page
    first, _ = texts(parallel / "extra0.html", "citekit-citation")
    assert first and first[0]  # every extra page got its note


def test_html_subset_becomes_docutils_nodes() -> None:
    made = html_to_nodes('<i>Title</i> &#38; <b>x</b><sup>2</sup> <a href="https://x.org">l</a>')
    kinds = [type(node).__name__ for node in made]
    assert kinds == ["emphasis", "Text", "strong", "superscript", "Text", "reference"]
    assert "".join(node.astext() for node in made) == "Title & x2 l"


def test_unknown_style_stops_the_build_naming_close_styles(
    tmp_path: Path, repo_root_module: Path
) -> None:
    src = write_project(tmp_path, repo_root_module, "chicago-nots")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "citekit_style: unknown style 'chicago-nots'" in done.stderr
    assert "chicago-notes" in done.stderr


def doc_blocks(page: Path) -> list[tuple[str, str, str]]:
    """The fenced blocks of a docs page: (caption line before it, language, text)."""
    found = re.finditer(
        r"(?:^`(?P<caption>[^`\n]+)`\n\n)?^```(?P<lang>\w*)\n(?P<body>.*?)^```$",
        page.read_text(encoding="utf-8"),
        re.MULTILINE | re.DOTALL,
    )
    return [(m["caption"] or "", m["lang"], m["body"]) for m in found]


def test_the_worked_example_of_the_docs_builds_as_shown(
    tmp_path: Path, repo_root_module: Path
) -> None:
    """docs/sphinx.md's example project, built, prints what the page shows."""
    blocks = doc_blocks(repo_root_module / "docs" / "sphinx.md")
    files = {caption: body for caption, _, body in blocks if caption}
    assert set(files) == {"conf.py", "index.rst", "korea.md", "references.rst"}
    shown = [body for caption, lang, body in blocks if lang == "text" and not caption][1:]
    for style, output in zip(["apa", NOTE], shown, strict=True):
        src = tmp_path / style / "src"
        src.mkdir(parents=True)
        shutil.copy(repo_root_module / "references.bib", src / "references.bib")
        for name, body in files.items():
            (src / name).write_text(body.replace('"apa"', repr(style)), encoding="utf-8")
        out, _, warnings = build(src, "text")
        assert "WARNING" not in warnings, warnings
        built = " ".join(
            (out / f"{page}.txt").read_text(encoding="utf-8")
            for page in ("index", "korea", "references")
        ).split()
        for paragraph in output.split("\n\n"):
            words = paragraph.split()
            assert any(built[i : i + len(words)] == words for i in range(len(built))), paragraph


def test_bibliography_options_select_and_filter(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library
) -> None:
    src = write_project(tmp_path, repo_root_module, AUTHOR_DATE)
    with (src / "plain.rst").open("a", encoding="utf-8") as page:
        page.write(
            "\n.. bibliography::\n   :scope: document\n"
            "\n.. bibliography::\n   :keys: moon2017sayno, trump2017meet\n"
            "\n.. bibliography::\n   :keys: moon2017sayno, trump2017meet\n   :types: book\n"
        )
    out, _, warnings = build(src)
    assert "citekit" not in warnings, warnings
    found, _ = texts(out / "plain.html", "citekit-bibliography")
    containers = [[line for line in text.split("\n") if line] for text in found]
    assert len(containers) == 3
    assert containers[0] == []  # the page cites nothing

    everything = [t for page in ORDER for t in PAGES[page]]
    project = citekit.render(library, AUTHOR_DATE, citations=everything, nocite="*", output="html")
    listed = citekit.render(
        library, AUTHOR_DATE, citations=everything, nocite=["moon2017sayno", "trump2017meet"]
    ).bibliography_ids
    assert {"moon2017sayno", "trump2017meet"} <= set(listed)
    want = [plain(e.text) for e in project.bibliography if e.id in listed]
    assert containers[1] == want
    books = [
        plain(e.text)
        for e in project.bibliography
        if e.id in listed and library[e.id].type == "book"
    ]
    assert containers[2] == books
    assert len(books) < len(want)


def test_a_page_whose_numbers_change_is_written_again_without_being_read(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library
) -> None:
    """IEEE numbers works by first citation: a new first citation on the first page
    renumbers the chapter's citations, so the chapter is written again (not re-read)."""
    style = "ieee"
    src = write_project(tmp_path, repo_root_module, style)
    build(src)
    index = src / "index.rst"
    added = "@moon2017sayno"
    index.write_text(
        index.read_text(encoding="utf-8").replace("Raimondo argued", f"First :cite:`{added}`. R"),
        encoding="utf-8",
    )
    out, status, _ = build(src)
    assert "chapter" not in reread(status)
    everything = [added, *(t for page in ORDER for t in PAGES[page])]
    project = citekit.render(library, style, citations=everything, nocite="*", output="html")
    start = 1 + len(PAGES["index"])
    want = [plain(c) for c in project.citations[start : start + len(PAGES["chapter"])]]
    found, _ = texts(out / "chapter.html", "citekit-citation")
    assert found == want
    before = citekit.render(library, style, citations=everything[1:], nocite="*").citations
    assert want != [plain(c) for c in before[len(PAGES["index"]) :][: len(PAGES["chapter"])]]


def test_a_missing_library_file_warns_and_the_rest_is_used(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library
) -> None:
    src = write_project(tmp_path, repo_root_module, AUTHOR_DATE)
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace(
            '["references.bib"]', '["missing.bib", "references.bib"]'
        ),
        encoding="utf-8",
    )
    out, _, warnings = build(src)
    assert f"no such file: {src / 'missing.bib'}" in warnings
    pages, _ = expected(library, AUTHOR_DATE)
    assert texts(out / "index.html", "citekit-citation")[0] == pages["index"]


def test_a_style_file_beside_conf_py(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library
) -> None:
    src = write_project(tmp_path, repo_root_module, "house.csl")
    shutil.copy(citekit.find_style(NOTE).path, src / "house.csl")
    out, _, warnings = build(src)
    assert "citekit" not in warnings, warnings
    pages, _ = expected(library, NOTE)
    assert texts(out / "chapter.html", "citekit-citation")[0] == pages["chapter"]


# ---------------------------------------------------------------- author-in-text citations

IN_TEXT_MD = """\
First @raimondo2000enemy says this. Later @raimondo2000enemy [p. 33] says that,
and @raimondo2017trump [para. 3] agrees. Mail someone@example.org; `@raimondo1993reclaiming`
is code.
"""
IN_TEXT_RST = "As :citet:`@raimondo2000enemy [p. 33]` says, and :citet:`raimondo2017trump` too.\n"
IN_TEXT_RST_AS_MD = "As @raimondo2000enemy [p. 33] says, and @raimondo2017trump too.\n"
"""The reST page's citations in pandoc's Markdown, for :func:`citekit.render_document`."""


def write_in_text_project(root: Path, repo_root: Path, style: str) -> Path:
    """A MyST page with bare ``@key`` cites and a reST page with ``:citet:``."""
    src = root / "src"
    src.mkdir(parents=True)
    shutil.copy(repo_root / "references.bib", src / "references.bib")
    (src / "conf.py").write_text(
        'extensions = ["citekit.sphinx", "myst_parser"]\n'
        'citekit_bibliography = ["references.bib"]\n'
        f"citekit_style = {style!r}\n"
        'source_suffix = {".rst": "restructuredtext", ".md": "markdown"}\n'
        'project = "citekit test"\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        f"# In text\n\n{IN_TEXT_MD}\n```{{toctree}}\npage\n```\n", encoding="utf-8"
    )
    (src / "page.rst").write_text(f"Page\n====\n\n{IN_TEXT_RST}", encoding="utf-8")
    return src


@pytest.mark.parametrize("style", [AUTHOR_DATE, NOTE])
def test_author_in_text_citations_read_as_citekit_render_renders_them(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library, style: str
) -> None:
    src = write_in_text_project(tmp_path, repo_root_module, style)
    out, _, warnings = build(src)
    assert "citekit" not in warnings, warnings
    for page, markdown in (("index", IN_TEXT_MD), ("page", IN_TEXT_RST_AS_MD)):
        want = citekit.render_document(
            markdown, library=library, bibliography=[], style=style, to="text"
        ).citations
        assert len(want) == (3 if page == "index" else 2)  # the address and the code are no cites
        authors, _ = texts(out / f"{page}.html", "citekit-author")
        cited, _ = texts(out / f"{page}.html", "citekit-citation")
        assert authors == [c.author for c in want], page
        assert cited == [c.text for c in want], page
        if citekit.find_style(style).is_note:
            if page == "index":  # in full the first time, short after
                assert authors[:2] == ["Justin Raimondo", "Raimondo"]
        else:  # the name, a space, the citation without the name, as one reading
            together, _ = texts(out / f"{page}.html", "citekit-in-text")
            assert together == [c.display for c in want], page
    index = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert "someone@example.org" in index and "@raimondo1993reclaiming" in index


def test_citet_role_with_a_bad_citation_warns_and_builds(
    tmp_path: Path, repo_root_module: Path
) -> None:
    src = write_in_text_project(tmp_path, repo_root_module, AUTHOR_DATE)
    (src / "page.rst").write_text(
        "Page\n====\n\nAs :citet:`@raimondo2000enemy; @raimondo2017trump` says.\n",
        encoding="utf-8",
    )
    out, _, warnings = build(src)
    assert "page.rst:4" in warnings and "author-in-text" in warnings, warnings
    assert (out / "page.html").is_file()


# ---------------------------------------------------------------- ids and links in one file

CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
"""An XPath test for one class among an element's classes."""


def words(text: str) -> str:
    return " ".join(text.split())


def parsed(page: Path) -> etree._ElementTree:
    return lxml.html.parse(str(page))


def html_pages(out: Path) -> list[Path]:
    """The pages a builder wrote (the search page and the index included)."""
    return sorted(out.glob("*.html"))


@dataclass
class Landing:
    """One citation of a build's output and where its link lands."""

    page: Path  # the file the citation is in
    text: str
    target_page: Path  # the file its link points into
    target: etree._Element  # the element carrying the link's id


def cited_links(out: Path) -> list[Landing]:
    """Each citation of the output, in the order of the pages' names, with its link.

    A citation without a link, or whose link lands on no element, fails the
    test here, naming it; a citation holding a link of its own (a URL) is
    left out, as it cannot hold another.
    """
    found = []
    for page in html_pages(out):
        for cited in parsed(page).xpath(f"//*[{CLASS.format('citekit-citation')}]"):
            text = words(cited.text_content())
            if cited.xpath(".//a[@href]"):
                continue
            link = cited.xpath("ancestor::a[@href][1]")
            assert link, f"{page.name}: no link on {text!r}"
            address, _, fragment = str(link[0].get("href")).partition("#")
            target_page = out / address if address else page
            landing = parsed(target_page).xpath("//*[@id=$id]", id=fragment)
            assert len(landing) == 1, f"{page.name}: {text!r} links to {address}#{fragment}"
            found.append(Landing(page, text, target_page, landing[0]))
    return found


def entry_text(element: etree._Element) -> str:
    """The text of the bibliography entry an element (an entry's anchor) belongs to."""
    entry = element.xpath(f"ancestor-or-self::*[{CLASS.format('citekit-entry')}][1]")
    assert entry, f"the link lands on {etree.tostring(element)!r}, not on an entry"
    return words(entry[0].text_content())


@pytest.mark.parametrize("builder", ["html", "singlehtml"])
@pytest.mark.parametrize("style", [AUTHOR_DATE, NOTE])
def test_ids_are_unique_and_every_citation_links_to_an_entry(
    tmp_path: Path, repo_root_module: Path, builder: str, style: str
) -> None:
    """The chapter's own bibliography and the References page list the same works,
    which in one file (singlehtml) gave two elements one id; note styles' notes too."""
    src = write_project(tmp_path, repo_root_module, style)
    out, _, warnings = build(src, builder)
    assert "citekit" not in warnings, warnings
    for page in html_pages(out):
        repeated = [i for i, n in Counter(parsed(page).xpath("//@id")).items() if n > 1]
        assert repeated == [], page.name
    links = cited_links(out)
    assert len(links) == sum(len(texts_) for texts_ in PAGES.values())
    for link in links:
        entry_text(link.target)  # lands on an entry


@pytest.mark.parametrize("builder", ["html", "singlehtml"])
@pytest.mark.parametrize("style", [AUTHOR_DATE, NOTE])
def test_a_quotation_citation_links_to_the_entry_of_the_work_quoting_it(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library, builder: str, style: str
) -> None:
    """The bibliography lists a cited quotation as the work quoting it, so its
    citation links to that work's entry."""
    key = "tillerson2017patience"
    quoting = citekit.Quotation.from_record(library[key]).quoted_in
    assert quoting is not None and any(key in text for text in PAGES["notes"])
    src = write_project(tmp_path, repo_root_module, style)
    out, _, _ = build(src, builder)
    pages, project = expected(library, style)
    (quoted,) = [t for t, cite in zip(pages["notes"], PAGES["notes"], strict=True) if key in cite]
    by_id = {entry.id: words(plain(entry.text)) for entry in project.bibliography}
    landings = [link.target for link in cited_links(out) if link.text == words(quoted)]
    assert len(landings) == 1
    assert entry_text(landings[0]) == by_id[quoting]


def page_of_ids(tree: etree._ElementTree, root: str) -> dict[str, str]:
    """In a singlehtml file, the page each id sits in (Sphinx marks where each page starts)."""
    page, pages = root, {}
    for element in tree.iter():
        ident = element.get("id") if isinstance(element.tag, str) else None
        if ident is None:
            continue
        if ident.startswith("document-"):
            page = ident.removeprefix("document-")
        pages[ident] = page
    return pages


def test_singlehtml_links_to_the_listing_the_html_builder_links_to(
    tmp_path: Path, repo_root_module: Path
) -> None:
    """Page by page a citation links to its own page's bibliography, else the project's;
    in one file it lands on the same listing (same page, same entry)."""
    src = write_project(tmp_path, repo_root_module, AUTHOR_DATE)
    html_out, _, _ = build(src)
    single_out, _, _ = build(src, "singlehtml")  # the same doctrees, as a user runs them
    links = cited_links(html_out)
    paged = [
        (link.target_page.stem, link.text, entry_text(link.target))
        for name in ORDER  # the pages in reading order, as the single file has them
        for link in links
        if link.page.stem == name
    ]
    where = page_of_ids(parsed(single_out / "index.html"), "index")
    single = [
        (where[str(link.target.get("id"))], link.text, entry_text(link.target))
        for link in cited_links(single_out)
    ]
    assert single == paged
    assert {page for page, _, _ in paged} == {"chapter", "refs"}  # both kinds of listing


# ---------------------------------------------------------------- note styles: the notes' text

OWN_NOTES_RST = """\
Essay
=====

Text :cite:`see @raimondo2008reclaiming; -@raimondo2017trump` and a note [#f1]_.

.. [#f1] My note with a citation :cite:`@mao:foolishruler`.

.. toctree::

   korea
"""
OWN_NOTES_RST_AS_MD = (
    "Text [see @raimondo2008reclaiming; -@raimondo2017trump] and a note[^f1].\n\n"
    "[^f1]: My note with a citation [@mao:foolishruler].\n"
)
OWN_NOTES_MD = "Own note[^n1].\n\n[^n1]: Mine, citing [@raimondo2008reclaiming, chap. 2].\n"


def test_note_style_notes_read_as_citekit_render_prints_them(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library
) -> None:
    """A note made for a citation starts with a capital; a citation inside the
    writer's own note is in parentheses, without a second full stop."""
    src = write_in_text_project(tmp_path, repo_root_module, NOTE)
    (src / "index.md").unlink()
    (src / "page.rst").unlink()
    (src / "index.rst").write_text(OWN_NOTES_RST, encoding="utf-8")
    (src / "korea.md").write_text(f"# Korea\n\n{OWN_NOTES_MD}", encoding="utf-8")
    out, _, warnings = build(src)
    assert "citekit" not in warnings, warnings
    for page, markdown in (("index", OWN_NOTES_RST_AS_MD), ("korea", OWN_NOTES_MD)):
        want = citekit.render_document(
            markdown, library=library, bibliography=[], style=NOTE, to="text"
        ).citations
        cited, _ = texts(out / f"{page}.html", "citekit-citation")
        # notes are written in the order they are defined, render lists them as read
        assert sorted(cited) == sorted(c.text if c.note_label else c.display for c in want)
        assert not any(text.endswith("..") for text in cited), cited
    index, _ = texts(out / "index.html", "citekit-citation")
    assert any(text.startswith("See ") for text in index), index
    assert any(text.startswith("(") and text.endswith(")") for text in index), index


# ---------------------------------------------------------------- Markdown inside a citation

EMPHASIS_MD = (
    "Emphasis in prefix: [see *especially* @raimondo2017trump, p. 5].\n\n"
    "Emphasis in suffix: [@raimondo2017trump, p. 5, **passim**].\n\n"
    "In the text: @raimondo2000enemy [p. 33, *passim*].\n"
)


def inner_html(element: etree._Element) -> str:
    return (element.text or "") + "".join(
        etree.tostring(child, encoding=str, with_tail=True) for child in element
    )


def test_myst_citation_with_emphasis_in_its_affixes_reads_as_citekit_render(
    tmp_path: Path, repo_root_module: Path, library: citekit.Library
) -> None:
    src = write_in_text_project(tmp_path, repo_root_module, AUTHOR_DATE)
    (src / "page.rst").unlink()
    (src / "index.md").write_text(f"# Emphasis\n\n{EMPHASIS_MD}", encoding="utf-8")
    out, _, warnings = build(src)
    assert "citekit" not in warnings, warnings
    tree = parsed(out / "index.html")
    rendered = citekit.render_document(
        EMPHASIS_MD, library=library, bibliography=[], style=AUTHOR_DATE, to="html"
    ).output
    paragraphs = re.findall(r"<p>(?:Emphasis in \w+|In the text): (.*?)\.</p>", rendered)
    expected = [re.sub(r"</?a\b[^>]*>", "", p) for p in paragraphs]
    assert len(expected) == 3 and "<em>especially</em>" in expected[0]
    cited = [
        re.sub(r"</?(a|span)\b[^>]*>", "", inner_html(e))
        for e in tree.xpath(f"//span[{CLASS.format('citekit-citation')}]")
    ]
    names = [
        words(e.xpath("string()")) for e in tree.xpath(f"//span[{CLASS.format('citekit-author')}]")
    ]
    assert cited[:2] == expected[:2]
    assert f"{names[0]} {cited[2]}" == expected[2]

"""The MkDocs plugin, on real MkDocs builds of a small site citing ``references.bib``.

Each test writes an MkDocs project in ``tmp_path``, builds it with MkDocs's own
``build`` (the Python form of ``mkdocs build``) into a site folder, reads the
HTML pages back and compares what they show with what citekit's public API
(``render_document``, ``render``, ``cite``) gives for the same input: the
expected texts are computed, never written out.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

pytest.importorskip("mkdocs", reason="mkdocs is not installed: the MkDocs plugin needs it")

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

import citekit
from citekit.integrations.mkdocs import CitekitPlugin

ROOT = Path(__file__).resolve().parents[2]
AUTHOR_DATE = "apa"
NOTE = "chicago-notes-bibliography"
NUMERIC = "ieee"

ESSAY = """\
---
title: The essay
---
# The essay

The right was lost [@raimondo2008reclaiming, chap. 2; -@raimondo1993reclaiming].
As @raimondo2000enemy [p. 33] argues, the state is the enemy.
Code like `[@raimondo2017trump]` stays as written.

```
[@raimondo2000enemy] in a code block too
```

Raimondo calls for talks [see @raimondo2017trump, para. 3], quoting a secretary
of state [@tillerson2017patience].

A note of the page's own.[^own]

[^own]: Compare [@raimondo2000enemy].

## Works cited

<!-- bibliography -->
"""


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------


def write_project(root: Path, pages: dict[str, str], plugin_yaml: str = "") -> Path:
    """An MkDocs project: ``mkdocs.yml``, ``references.bib`` and the pages; its config path."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    shutil.copy(ROOT / "references.bib", root / "references.bib")
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Citations\n"
        "markdown_extensions:\n  - footnotes\n"
        f"plugins:{plugin_yaml or ' []'}\n",
        encoding="utf-8",
    )
    return config


def build_with_plugin(config_file: Path, *, strict: bool = False, **options: Any) -> Path:
    """Build the site with a :class:`CitekitPlugin` put in the configuration by hand
    (so the plugin is tested whether or not its entry point is installed)."""
    site = config_file.parent / "site"
    config = load_config(str(config_file), site_dir=str(site), strict=strict)
    plugin = CitekitPlugin()
    errors, warnings = plugin.load_config(
        {"bibliography": "references.bib", **options}, str(config_file)
    )
    assert errors == [] and warnings == []
    config.plugins["citekit"] = plugin
    build(config)
    return site


def library() -> citekit.Library:
    return citekit.read(ROOT / "references.bib").library


# ---------------------------------------------------------------------------
# Reading the built HTML
# ---------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


#: What a page's parts are: (tag, class) -> the list of :class:`Page` they go to.
PARTS = {
    ("span", "citation"): "citations",
    ("div", "csl-entry"): "entries",
    ("a", "citekit-cite"): "links",
    ("a", "footnote-ref"): "note_refs",
    ("p", ""): "paragraphs",
}


class Page(HTMLParser):
    """The parts of a built page the tests look at, each in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.citations: list[Element] = []
        self.entries: list[Element] = []
        self.links: list[Element] = []
        self.note_refs: list[Element] = []
        self.paragraphs: list[Element] = []
        self.codes: list[str] = []
        self.ids: set[str] = set()
        self._open: list[tuple[Element, int]] = []  # element, its depth among its tag
        self._depth: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        self._depth[tag] = self._depth.get(tag, 0) + 1
        element = Element(tag, values)
        classes = values.get("class", "").split() or [""]
        parts = [PARTS[(tag, c)] for c in classes if (tag, c) in PARTS]
        if parts:
            getattr(self, parts[0]).append(element)
        if parts or tag == "code":
            self._open.append((element, self._depth[tag]))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0].tag == tag and self._open[-1][1] == self._depth[tag]:
            element = self._open.pop()[0]
            if tag == "code":
                self.codes.append(element.text)
        self._depth[tag] = self._depth.get(tag, 1) - 1

    def handle_data(self, data: str) -> None:
        for element, _ in self._open:
            element.text += data


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


# ---------------------------------------------------------------------------
# Tests: one page, author-date and note styles
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("style", [AUTHOR_DATE, NOTE])
def test_citations_and_bibliography_are_what_render_document_gives(
    tmp_path: Path, style: str
) -> None:
    config = write_project(tmp_path, {"index.md": ESSAY})
    site = build_with_plugin(config, style=style)
    page = read_page(site / "index.html")
    expected = citekit.render_document(ESSAY, library=library(), bibliography=[], style=style)

    # Every citation, in reading order: in a note style a citation of the text is
    # the content of a footnote of its own (the footnotes follow reference order),
    # one inside the page's own footnote stays there, in parentheses.
    assert [c.text for c in page.citations] == [
        c.text if c.note_label else c.display for c in expected.citations
    ]
    assert [c.attrs["data-cites"].split() for c in page.citations] == [
        [i.id for i in c.found.cluster.items] for c in expected.citations
    ]
    paragraphs = " ".join(p.text for p in page.paragraphs)
    for author in {c.author for c in expected.citations if c.author}:
        assert f"As {author}" in paragraphs  # "As @key [p. 33] argues": the name stays
    if citekit.find_style(style).is_note:
        numbers = [ref.text for ref in page.note_refs]  # one sequence with the page's note
        assert numbers == [
            str(n) for n in range(1, sum(bool(c.note_label) for c in expected.citations) + 2)
        ]
    assert [e.attrs["id"] for e in page.entries] == ["ref-" + e.id for e in expected.bibliography]
    assert [e.text for e in page.entries] == [e.text for e in expected.bibliography]


@pytest.mark.parametrize("style", [AUTHOR_DATE, NOTE])
def test_first_citation_is_what_cite_gives(tmp_path: Path, style: str) -> None:
    text = "# One\n\nA claim [@raimondo2000enemy, p. 33].\n"
    config = write_project(tmp_path, {"index.md": text})
    page = read_page(build_with_plugin(config, style=style) / "index.html")
    lib = library()
    assert [c.text for c in page.citations] == [
        str(citekit.cite(lib, "@raimondo2000enemy, p. 33", style))
    ]
    rendered = citekit.render(lib, style, citations=["[@raimondo2000enemy, p. 33]"])
    assert [e.text for e in page.entries] == rendered.bibliography_texts


def test_citations_in_code_are_left_alone(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"index.md": ESSAY})
    page = read_page(build_with_plugin(config, style=AUTHOR_DATE) / "index.html")
    assert "[@raimondo2017trump]" in page.codes
    assert any("[@raimondo2000enemy] in a code block too" in code for code in page.codes)


def test_author_date_citations_link_to_their_entries(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"index.md": ESSAY})
    page = read_page(build_with_plugin(config, style=AUTHOR_DATE) / "index.html")
    assert page.links  # single-work citations of listed works are links
    for link in page.links:
        target = urlsplit(link.attrs["href"]).fragment
        assert target in page.ids and target.startswith("ref-")


def test_links_can_be_turned_off(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"index.md": ESSAY})
    page = read_page(
        build_with_plugin(config, style=AUTHOR_DATE, link_citations=False) / "index.html"
    )
    assert page.citations and not page.links


def test_bibliography_goes_at_the_end_without_a_marker(tmp_path: Path) -> None:
    text = "# One\n\nA claim [@raimondo2000enemy].\n\nLast paragraph.\n"
    config = write_project(tmp_path, {"index.md": text})
    site = build_with_plugin(config, style=AUTHOR_DATE, bibliography_title="Sources")
    html_text = (site / "index.html").read_text(encoding="utf-8")
    last = html_text.index("Last paragraph.")
    heading = html_text.index(">Sources</h2>")
    entry = html_text.index('class="csl-entry"')
    assert last < heading < entry


# ---------------------------------------------------------------------------
# Unknown keys
# ---------------------------------------------------------------------------


def test_unknown_key_is_a_warning_naming_page_and_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = "---\ntitle: T\n---\n# One\n\nFine [@raimondo2000enemy].\nBad [@raimondo2000enemi].\n"
    config = write_project(tmp_path, {"index.md": text})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.citekit"):
        site = build_with_plugin(config, style=AUTHOR_DATE)
    warnings = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.citekit"]
    assert len(warnings) == 1
    assert "index.md:7:" in warnings[0]  # line 7 of the file, front matter counted
    assert "raimondo2000enemi" in warnings[0] and "raimondo2000enemy" in warnings[0]
    page = read_page(site / "index.html")
    assert len(page.citations) == 2  # the page is still built, the good citation formatted


def test_strict_build_fails_on_an_unknown_key(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"index.md": "# One\n\nBad [@nosuchkey].\n"})
    with pytest.raises(Abort):
        build_with_plugin(config, strict=True, style=AUTHOR_DATE)


# ---------------------------------------------------------------------------
# One bibliography for the site
# ---------------------------------------------------------------------------

FIRST = "# First\n\nA book [@raimondo2000enemy], and an essay [@raimondo2017trump].\n"
SECOND = (
    "# Second\n\nThe essay again [@raimondo2017trump], and with the book "
    "[@raimondo2017trump; @raimondo2008reclaiming].\n"
)
SITE_CLUSTERS = [  # the citations of FIRST and SECOND, in order
    "[@raimondo2000enemy]",
    "[@raimondo2017trump]",
    "[@raimondo2017trump]",
    "[@raimondo2017trump; @raimondo2008reclaiming]",
]
WORKS = "# Works cited\n\n<!-- bibliography -->\n"


def site_pages(site: Path) -> list[Page]:
    return [read_page(site / name / "index.html") for name in ("a", "b")]


def test_site_bibliography_lists_everything_cited(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"a.md": FIRST, "b.md": SECOND, "works.md": WORKS})
    site = build_with_plugin(config, style=AUTHOR_DATE, bibliography_mode="site")
    lib = library()
    first, second = site_pages(site)
    assert not first.entries and not second.entries
    for page, text in ((first, FIRST), (second, SECOND)):
        expected = citekit.render_document(text, library=lib, bibliography=[], style=AUTHOR_DATE)
        assert [c.text for c in page.citations] == [c.display for c in expected.citations]
    works = read_page(site / "works" / "index.html")
    everything = citekit.render(lib, AUTHOR_DATE, citations=SITE_CLUSTERS)
    assert [e.text for e in works.entries] == everything.bibliography_texts
    # links cross to the bibliography page's entries
    for page, url in ((first, "a/"), (second, "b/")):
        assert page.links
        for link in page.links:
            target = urljoin("https://example.org/" + url, link.attrs["href"])
            assert urlsplit(target).path == "/works/"
            assert urlsplit(target).fragment in works.ids


def test_numeric_site_numbers_citations_across_pages(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"a.md": FIRST, "b.md": SECOND, "works.md": WORKS})
    site = build_with_plugin(config, style=NUMERIC, bibliography_mode="site")
    everything = citekit.render(library(), NUMERIC, citations=SITE_CLUSTERS)
    first, second = site_pages(site)
    assert [c.text for c in first.citations + second.citations] == everything.citations
    works = read_page(site / "works" / "index.html")
    assert [e.attrs["id"] for e in works.entries] == [
        "ref-" + key for key in everything.bibliography_ids
    ]
    assert ["".join(e.text.split()) for e in works.entries] == [
        "".join(text.split()) for text in everything.bibliography_texts
    ]


# ---------------------------------------------------------------------------
# Configuration errors, and the entry point
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"), [("bibliography", "missing.bib"), ("style", "no-such-style")]
)
def test_a_bad_option_stops_the_build_naming_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, option: str, value: str
) -> None:
    config = write_project(tmp_path, {"index.md": "# One\n"})
    options: dict[str, Any] = {option: value}
    with pytest.raises(Abort):  # MkDocs turns the plugin's PluginError into an abort
        build_with_plugin(config, **options)
    assert any(value in record.getMessage() for record in caplog.records)


def test_the_plugin_is_found_by_its_entry_point(tmp_path: Path) -> None:
    names = {e.name for e in importlib.metadata.entry_points(group="mkdocs.plugins")}
    if "citekit" not in names:
        pytest.skip("the 'citekit' mkdocs.plugins entry point is not installed (pyproject)")
    yaml = f"\n  - citekit:\n      bibliography: references.bib\n      style: {NOTE}\n"
    config_file = write_project(tmp_path, {"index.md": ESSAY}, plugin_yaml=yaml)
    config = load_config(str(config_file), site_dir=str(tmp_path / "site"))
    build(config)
    page = read_page(tmp_path / "site" / "index.html")
    expected = citekit.render_document(ESSAY, library=library(), bibliography=[], style=NOTE)
    assert [e.text for e in page.entries] == [e.text for e in expected.bibliography]


@pytest.mark.parametrize("mode", ["page", "site"])
def test_search_index_and_headings_get_the_citations(tmp_path: Path, mode: str) -> None:
    text = "# Raimondo's book [@raimondo2000enemy]\n\nA claim [@raimondo2000enemy].\n"
    pages = {"index.md": text, "works.md": WORKS}
    config = write_project(tmp_path, pages, plugin_yaml="\n  - search")
    site = build_with_plugin(config, style=AUTHOR_DATE, bibliography_mode=mode)
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    page_html = (site / "index.html").read_text(encoding="utf-8")
    assert "citekit-placeholder" not in index + page_html
    first = str(citekit.cite(library(), "@raimondo2000enemy", AUTHOR_DATE))
    assert first in index  # the search index has the formatted citation
    heading = read_page(site / "index.html")
    assert heading.citations[0].text == first
    assert 'id="raimondos-book"' in page_html  # the heading's id is made of its own words


def test_several_bibliography_files_and_a_locale(tmp_path: Path) -> None:
    extra = [
        {
            "id": "doe2020",
            "type": "book",
            "title": "A second library",
            "author": [{"family": "Doe", "given": "Jane"}],
            "issued": {"date-parts": [[2020]]},
            "DOI": "10.1000/xyz123",
        }
    ]
    text = "# One\n\nBoth [@raimondo2000enemy, p. 33; @doe2020, p. 4].\n"
    config = write_project(tmp_path, {"index.md": text})
    (tmp_path / "extra.json").write_text(json.dumps(extra), encoding="utf-8")
    site = build_with_plugin(
        config, bibliography=["references.bib", "extra.json"], style=AUTHOR_DATE, locale="de-DE"
    )
    page = read_page(site / "index.html")
    both = library()
    both.add(citekit.Library.from_json(extra)["doe2020"])
    expected = citekit.render_document(
        text, library=both, bibliography=[], style=AUTHOR_DATE, locale="de-DE"
    )
    assert [c.text for c in page.citations] == [c.display for c in expected.citations]
    assert [e.text for e in page.entries] == [e.text for e in expected.bibliography]
    assert len(page.entries) == 2
    # the entries' HTML is render()'s, DOI link included
    as_html = citekit.render(
        both,
        AUTHOR_DATE,
        citations=[c.found.cluster for c in expected.citations],
        locale="de-DE",
        output="html",
        link=True,
    )
    built = (site / "index.html").read_text(encoding="utf-8")
    assert any("<a href=" in entry for entry in as_html.bibliography_texts)
    assert all(entry in built for entry in as_html.bibliography_texts)


def test_citations_in_admonition_bodies_are_formatted(tmp_path: Path) -> None:
    text = (
        "# One\n\n!!! note\n    First [@raimondo2000enemy].\n\n"
        "    Second [@raimondo2017trump].\n\n        [@raimondo1993reclaiming] as code\n"
    )
    config = write_project(tmp_path, {"index.md": text})
    text_config = config.read_text(encoding="utf-8")
    config.write_text(text_config.replace("  - footnotes\n", "  - admonition\n"), "utf-8")
    page = read_page(build_with_plugin(config, style=AUTHOR_DATE) / "index.html")
    lib = library()
    assert [c.text for c in page.citations] == [
        str(citekit.cite(lib, key, AUTHOR_DATE))
        for key in ("@raimondo2000enemy", "@raimondo2017trump")
    ]
    assert any("[@raimondo1993reclaiming] as code" in code for code in page.codes)


def test_unknown_key_in_an_admonition_is_reported_where_it_is_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = "# One\n\n!!! note\n    First.\n\n    Then [@nosuchkey].\n"
    config = write_project(tmp_path, {"index.md": text})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.citekit"):
        build_with_plugin(config, style=AUTHOR_DATE)
    where = text.index("[@nosuchkey]")
    line = text.count("\n", 0, where) + 1
    column = where - text.rfind("\n", 0, where)
    messages = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.citekit"]
    assert [m for m in messages if f"index.md:{line}:{column}:" in m and "nosuchkey" in m]


def test_note_styles_turn_footnotes_on(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"index.md": "# One\n\nA claim [@raimondo2000enemy].\n"})
    config.write_text(config.read_text(encoding="utf-8").replace("  - footnotes\n", ""), "utf-8")
    assert "footnotes" not in config.read_text(encoding="utf-8")
    page = read_page(build_with_plugin(config, style=NOTE) / "index.html")
    assert [ref.text for ref in page.note_refs] == ["1"]
    assert [c.text for c in page.citations] == [
        str(citekit.cite(library(), "@raimondo2000enemy", NOTE))
    ]


def test_note_marks_go_where_citekit_render_puts_them(tmp_path: Path) -> None:
    text = (
        '# One\n\nHe said "it has come to an end" [@tillerson2017patience].\n\n'
        "And again [@raimondo2000enemy], twice.\n"
    )
    config = write_project(tmp_path, {"index.md": text})
    page = read_page(build_with_plugin(config, style=NOTE) / "index.html")
    rendered = citekit.render_document(text, library=library(), bibliography=[], style=NOTE)
    # citekit render's Markdown with its note marks [^c1] as the numbers they show
    body = rendered.markdown.split("\n\n")[1:3]
    expected = [re.sub(r"\[\^c(\d+)\]", r"\1", paragraph) for paragraph in body]
    assert [p.text for p in page.paragraphs[: len(expected)]] == expected


def test_problems_of_cited_entries_only_are_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bib = (
        "@book{cited, author = {Doe, Jane}, title = {A \\weird{odd} title}, year = {2001}}\n"
        "@book{uncited, author = {Roe, Ann}, title = {Another \\weird{odd} one}, year = {2002}}\n"
    )
    config = write_project(tmp_path, {"index.md": "# One\n\nA claim [@cited].\n"})
    (tmp_path / "flawed.bib").write_text(bib, encoding="utf-8")
    read = citekit.read(tmp_path / "flawed.bib")
    flaws = {d.key: str(d) for d in read.diagnostics if d.severity.name == "WARNING"}
    assert set(flaws) == {"cited", "uncited"}  # both entries have a flaw of their own
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.citekit"):
        build_with_plugin(config, bibliography="flawed.bib", style=AUTHOR_DATE)
    messages = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.citekit"]
    assert messages == [f"citekit: {flaws['cited']}"]


def test_mkdocs_build_strict_fails_on_an_unknown_key(tmp_path: Path) -> None:
    names = {e.name for e in importlib.metadata.entry_points(group="mkdocs.plugins")}
    if "citekit" not in names:
        pytest.skip("the 'citekit' mkdocs.plugins entry point is not installed (pyproject)")
    yaml = f"\n  - citekit:\n      bibliography: references.bib\n      style: {AUTHOR_DATE}\n"
    text = "# One\n\nFine [@raimondo2000enemy], bad [@raimondo2000enemi].\n"
    config = write_project(tmp_path, {"index.md": text}, plugin_yaml=yaml)
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", "site"]
    lenient = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert lenient.returncode == 0, lenient.stderr
    assert "index.md:3:" in lenient.stderr and "raimondo2000enemi" in lenient.stderr
    strict = subprocess.run([*command, "--strict"], cwd=tmp_path, capture_output=True, text=True)
    assert strict.returncode != 0
    assert "index.md:3:" in strict.stderr


# ---------------------------------------------------------------------------
# Several pages: each read once and formatted once, as citekit render formats it
# ---------------------------------------------------------------------------

QUOTED = """\
# Quoted

As @raimondo2017trump [para. 5] reports, the secretary of state said patience had
run out [@tillerson2017patience], and the president "was honored" [@trump2017honored].
Again [@tillerson2017patience]; and @raimondo2000enemy; @raimondo2017trump [p. 3] agree.
"""
PAGES = {
    "index.md": ESSAY,
    "quoted.md": QUOTED,
    "plain.md": "# Plain\n\nNo citation here.\n",
    "typo.md": "# Typo\n\nBad [@raimondo2000enemi].\n",
    "works.md": WORKS,
}
CITING = [name for name in PAGES if name in ("index.md", "quoted.md")]  # known keys cited


def built_name(name: str) -> str:
    return "index.html" if name == "index.md" else f"{name.removesuffix('.md')}/index.html"


@pytest.mark.parametrize("style", [AUTHOR_DATE, NOTE])
def test_every_page_shows_what_render_document_gives_for_it(tmp_path: Path, style: str) -> None:
    config = write_project(tmp_path, PAGES)
    config.write_text(config.read_text("utf-8").replace("  - footnotes\n", "  - admonition\n"))
    site = build_with_plugin(config, style=style)
    lib = library()
    for name, text in PAGES.items():
        page = read_page(site / built_name(name))
        expected = citekit.render_document(text, library=lib, bibliography=[], style=style)
        assert [c.text for c in page.citations] == [
            c.text if c.note_label else c.display for c in expected.citations
        ]
        assert [e.text for e in page.entries] == [e.text for e in expected.bibliography]
        paragraphs = " ".join(p.text for p in page.paragraphs)
        for author in {c.author for c in expected.citations if c.author}:
            assert author in paragraphs  # the name of an author-in-text cite, in the text


@contextmanager
def engine_calls() -> Iterator[Counter[str]]:
    """Calls of citekit's public ``render_document`` ("read") and ``render`` while
    the block runs, seen through Python's profiling hook (nothing is replaced): a
    ``render`` of clusters is "format", one asking for author names only (the
    ``author_only`` cites of the names before author-in-text cites) is "names"."""
    read_code = citekit.render_document.__code__
    render_code = citekit.render.__code__
    counts: Counter[str] = Counter()

    def hook(frame: FrameType, event: str, arg: object) -> None:
        if event != "call":
            return
        if frame.f_code is read_code:
            counts["read"] += 1
        elif frame.f_code is render_code:
            clusters = frame.f_locals.get("citations") or []
            if any(item.author_only for cluster in clusters for item in cluster.items):
                counts["names"] += 1
            elif clusters:
                counts["format"] += 1

    previous = sys.getprofile()
    sys.setprofile(hook)
    try:
        yield counts
    finally:
        sys.setprofile(previous)


@pytest.mark.parametrize(
    ("mode", "style"),
    [("page", AUTHOR_DATE), ("page", NOTE), ("site", AUTHOR_DATE), ("site", NUMERIC)],
)
def test_each_page_is_read_once_and_formatted_once(tmp_path: Path, mode: str, style: str) -> None:
    config = write_project(tmp_path, PAGES)
    with engine_calls() as counts:
        build_with_plugin(config, style=style, bibliography_mode=mode)
    assert counts["read"] == len(PAGES)  # a page with an unknown key too
    if mode == "page":
        formatted = len(CITING)
    elif citekit.find_style(style).citation_format == "numeric":
        formatted = 1  # one pass for the whole site, so that numbers run across it
    else:
        formatted = len(CITING) + 1  # each page, and the site's bibliography
    assert counts["format"] == formatted


PIQ_ELSEWHERE = next(
    tag
    for tag in citekit.available_locales()
    if not tag.startswith("en") and citekit.Result(locale=tag).punctuation_in_quote
)
"""A locale other than English whose file puts a full stop inside closing quotes."""


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "de-DE", PIQ_ELSEWHERE])
def test_note_marks_follow_the_locales_punctuation_in_quote(tmp_path: Path, locale: str) -> None:
    text = (
        '# One\n\nHe said "it has come to an end" [@tillerson2017patience].\n\n'
        '"A phrase" [@raimondo2017trump], he wrote, "and another" [@raimondo2000enemy]!\n'
    )
    config = write_project(tmp_path, {"index.md": text})
    page = read_page(build_with_plugin(config, style=NOTE, locale=locale) / "index.html")
    rendered = citekit.render_document(
        text, library=library(), bibliography=[], style=NOTE, locale=locale
    )
    body = rendered.markdown.split("\n\n")[1:3]
    expected = [re.sub(r"\[\^c(\d+)\]", r"\1", paragraph) for paragraph in body]
    assert [p.text for p in page.paragraphs[: len(expected)]] == expected


# ---------------------------------------------------------------------------
# Quotation records: links land on the entry of the work quoting them
# ---------------------------------------------------------------------------


def quotation_page() -> tuple[str, list[citekit.Quotation]]:
    """A page citing each quotation record of ``references.bib`` on its own."""
    from citekit.model.quotations import quotations

    quotes = quotations(library())
    body = "\n\n".join(f"Quoted [@{q.key}]." for q in quotes)
    return f"# Quotations\n\n{body}\n", quotes


def html_links(path: Path) -> tuple[list[str], set[str]]:
    """The hrefs of a built page's citation links and the ids on it, read with lxml."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(path.read_bytes())
    ids = {str(node.get("id")) for node in tree.iter() if node.get("id")}
    links = [str(a.get("href")) for a in tree.iter("a") if "citekit-cite" in a.classes]
    return links, ids


@pytest.mark.parametrize("style", [AUTHOR_DATE, NOTE, NUMERIC])
def test_quotation_citations_link_to_an_entry_of_the_page(tmp_path: Path, style: str) -> None:
    """Not listed (apa: docs/quotations.md), a quotation links to the entry of the
    work quoting it; listed (ieee numbers it), to its own; notes link nowhere."""
    text, quotes = quotation_page()
    config = write_project(tmp_path, {"index.md": text})
    links, ids = html_links(build_with_plugin(config, style=style) / "index.html")
    listed = {i.removeprefix("ref-") for i in ids if i.startswith("ref-")}
    if citekit.find_style(style).is_note:
        assert links == []
        return
    assert links == [f"#ref-{q.key if q.key in listed else q.quoted_in}" for q in quotes]
    assert all(link[1:] in ids for link in links)
    assert any(q.key not in listed for q in quotes) or style == NUMERIC


def test_quotation_citations_link_to_the_site_bibliography(tmp_path: Path) -> None:
    text, quotes = quotation_page()
    config = write_project(tmp_path, {"a.md": text, "works.md": WORKS})
    site = build_with_plugin(config, style=AUTHOR_DATE, bibliography_mode="site")
    links, _ = html_links(site / "a" / "index.html")
    _, works_ids = html_links(site / "works" / "index.html")
    assert len(links) == len(quotes)
    for link, quote in zip(links, quotes, strict=True):
        target = urlsplit(urljoin("https://example.org/a/", link))
        assert target.path == "/works/" and target.fragment in works_ids
        assert target.fragment == f"ref-{quote.quoted_in}"


# ---------------------------------------------------------------------------
# A style's own punctuation-in-quote
# ---------------------------------------------------------------------------

OVERRIDES = [
    ('<locale><style-options punctuation-in-quote="false"/></locale>', "en-US"),
    ('<locale xml:lang="en-GB"><style-options punctuation-in-quote="true"/></locale>', "en-GB"),
    ('<locale xml:lang="de"><style-options punctuation-in-quote="true"/></locale>', "de-DE"),
]


@pytest.mark.parametrize(("block", "locale"), OVERRIDES, ids=["off", "on-en-GB", "on-de"])
def test_note_marks_follow_a_styles_own_punctuation_in_quote(
    tmp_path: Path, block: str, locale: str
) -> None:
    """A ``cs:locale`` of the style that sets ``punctuation-in-quote`` wins over the
    locale file, as in ``citekit render`` (checked against pandoc there)."""
    xml = citekit.find_style(NOTE).xml.decode("utf-8").replace("</info>", "</info>" + block, 1)
    text = '# One\n\nHe said "it has come to an end" [@raimondo2017trump].\n'
    config = write_project(tmp_path, {"index.md": text})
    (tmp_path / "variant.csl").write_text(xml, encoding="utf-8")
    page = read_page(build_with_plugin(config, style="variant.csl", locale=locale) / "index.html")
    rendered = citekit.render_document(
        text, library=library(), bibliography=[], style=tmp_path / "variant.csl", locale=locale
    )
    expected = re.sub(r"\[\^c(\d+)\]", r"\1", rendered.markdown.split("\n\n")[1])
    assert page.paragraphs[0].text == expected
    without = citekit.render_document(
        text, library=library(), bibliography=[], style=NOTE, locale=locale
    ).markdown.split("\n\n")[1]
    assert re.sub(r"\[\^c(\d+)\]", r"\1", without) != expected  # the override made a difference


# ---------------------------------------------------------------------------
# Markdown in a citation's prefix and suffix
# ---------------------------------------------------------------------------

AFFIXES = (
    "# One\n\n"
    "Emphasis in prefix: [see *especially* @raimondo2017trump, p. 5].\n\n"
    "Emphasis in suffix: [@raimondo2017trump, p. 5, **passim**].\n"
)


def citation_markup(html_text: str) -> list[str]:
    """Each citation's inner HTML without its link: what is emphasised, and where.

    The plugin writes the engine's ``<i>``/``<b>`` (as for a title in italics),
    ``citekit render`` its Markdown's ``<em>``/``<strong>``: the same markup."""
    found = re.findall(r'<span class="citation"[^>]*>(.*?)</span>', html_text, re.S)
    tags = {"i": "em", "b": "strong"}
    return [
        re.sub(r"<(/?)(i|b)>", lambda m: f"<{m[1]}{tags[m[2]]}>", re.sub(r"</?a\b[^>]*>", "", x))
        for x in found
    ]


def test_markdown_in_prefix_and_suffix_is_formatted_as_render_does(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"index.md": AFFIXES})
    site = build_with_plugin(config, style=AUTHOR_DATE)
    shown = citation_markup((site / "index.html").read_text(encoding="utf-8"))
    rendered = citekit.render_document(
        AFFIXES, library=library(), bibliography=[], style=AUTHOR_DATE, to="html"
    ).output
    paragraphs = re.findall(r"<p>Emphasis in \w+: (.*?)\.</p>", rendered)
    expected = [re.sub(r"</?a\b[^>]*>", "", p) for p in paragraphs]
    assert len(expected) == 2 and "<em>especially</em>" in expected[0]
    assert "<strong>passim</strong>" in expected[1]
    assert shown == expected

"""Hostile data through every writer: no script runs, no TeX primitive acts, nothing crashes.

Titles, names, annotations, notes, URLs and course metadata carry script
tags, event-handler attributes (including one that breaks out of a quoted
``href``), ``javascript:`` and ``data:`` links, TeX primitives, control
characters and a lone surrogate.  Every HTML, Markdown, LaTeX, text and DOCX
writer (``bib --format``, ``render --to``, ``reader``) is run on them and its
output checked by parsing it: HTML with lxml (no ``<script>``, no ``on*``
attribute, no unsafe link, only the tags citekit writes), Markdown by
reading its YAML header and turning it into HTML (citekit's reader and,
where installed, pandoc), LaTeX by listing its control sequences.  The
reader's HTML is also opened in headless Chromium, where every injection
tries to set ``document.title``; the title must stay the course's.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree

from citekit.base import yamlload as _yaml
from citekit.cli import main
from citekit.course.build import build_from_file
from citekit.course.docx import render_docx
from citekit.course.html import render_html
from citekit.course.markdown import render_markdown, yaml_string
from citekit.documents import markdown as document_markdown

MARK = "pwned"
SCRIPT = f"<script>document.title='{MARK}'</script>"
IMG = f"<img src=x onerror=\"document.title='{MARK}'\">"
SVG = f"<svg onload=\"document.title='{MARK}'\"></svg>"
# single-quoted href whose value closes the double quotes citekit used to write
BREAKOUT = (
    f'<a href=\'x" autofocus tabindex="0" onfocus="document.title=`{MARK}`" '
    f'onmouseover="alert(1)" x="\'>see</a>'
)
JS_LINK = f"<a href=\"javascript:document.title='{MARK}'\">js</a>"
HIDDEN_JS = '<a href="java&#x09;script&#58;alert(1)">hidden</a>'
DATA_LINK = '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>'
SAFE_LINK = '<a href="https://example.org/safe?a=1&amp;b=2">safe</a>'
TEX = (
    r"\input{/etc/hostname} \include{x} \write18{touch pwned} \immediate\openout1=x "
    r"\catcode`\@=11 \def\x{y} \csname relax\endcsname ^^5cinput $\input x$"
)
HOSTILE_ANNOTATION = " ".join([BREAKOUT, JS_LINK, HIDDEN_JS, DATA_LINK, IMG, SVG, SAFE_LINK])

ITEMS: list[dict[str, Any]] = [
    {
        "id": "evil",
        "type": "article-journal",
        "title": f"Evil {SCRIPT} {IMG} {TEX} title\x0b\x01",
        "container-title": f"Journal {SVG} of {JS_LINK}",
        "author": [{"family": f"Doe{IMG}", "given": "Ann<b>bo</b>", "suffix": "<i>Jr.</i>"}],
        "issued": {"date-parts": [[2001]]},
        "publisher": f"Press {TEX}",
        "URL": f"javascript:document.title='{MARK}'",
        "DOI": '10.1234/x"><script>alert(1)</script>',
        "note": f"note {SCRIPT}",
        "annote": HOSTILE_ANNOTATION,
    },
    {
        "id": "url",
        "type": "webpage",
        "title": "Data URL",
        "author": [{"family": "Roe", "given": "R."}],
        "issued": {"date-parts": [[2002]]},
        "URL": "data:text/html,<script>alert(1)</script>",
    },
    {
        "id": "good",
        "type": "book",
        "title": "A Fine Book",
        "author": [{"family": "Poe", "given": "Ed"}],
        "issued": {"date-parts": [[2003]]},
        "DOI": "10.1234/fine",
        "annote": f"Control \x0b\x01 characters {SCRIPT}",
    },
    {
        "id": "surrogate",
        "type": "book",
        "title": "Lone \ud800 surrogate",
        "author": [{"family": "S\udfff", "given": "Sue"}],
        "issued": {"date-parts": [[2004]]},
        "annote": "note \ud800",
    },
]

COURSE = {
    "title": f"Course {SCRIPT}",
    "code": f'C1" onload="document.title=1" x="{IMG}',
    "term": f"Autumn {SVG}",
    "instructor": f"Dr. {SCRIPT}\nauthor: injected",
}
SECTION = {"title": f"Week {SCRIPT}", "description": f"About {IMG} {TEX}"}

# What citekit writes into a page itself; anything else came from the data.
PAGE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "h2",
    "h3",
    "p",
    "nav",
    "ol",
    "ul",
    "li",
    "a",
    "span",
    "section",
    "div",
    "i",
    "b",
    "sup",
    "sub",
    "em",
    "strong",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "pre",
    "blockquote",
    "br",
}
FRAGMENT_TAGS = {"div", "i", "b", "sup", "sub", "span", "a"}
SAFE_SCHEMES = ("http:", "https:", "mailto:")
LATEX_COMMANDS = {
    "textbackslash",
    "emph",
    "textbf",
    "textsc",
    "textsuperscript",
    "textsubscript",
    "underline",
    "textnormal",
    "textmd",
    "textup",
    "href",
    "textasciicircum",
    "textasciitilde",
    "textless",
    "textgreater",
    "textbar",
    "begin",
    "end",
    "item",
    "setlength",
    "itemsep",
    "parsep",
    "leftmargin",
    "itemindent",
    "labelwidth",
    "labelsep",
    "renewcommand",
    "makelabel",
    "hfil",
    "baselineskip",
    "linespread",
    "selectfont",
    "par",
    "documentclass",
    "usepackage",
}


def _toml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a TOML basic string


def _write_course(folder: Path) -> Path:
    (folder / "library.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    note = _toml(f"Bring {SCRIPT} \x0b")
    readings = [
        f'[[sections.readings]]\nkey = "evil"\nnote = {note}\n',
        f'[[sections.readings]]\nkey = "url"\nannotation = {_toml(HOSTILE_ANNOTATION)}\n',
        '[[sections.readings]]\nkey = "good"\n',
        '[[sections.readings]]\nkey = "surrogate"\nrequired = false\n',
    ]
    text = "".join(f"{name} = {_toml(value)}\n" for name, value in COURSE.items())
    text += 'style = "apa"\nlibraries = ["library.json"]\n\n[[sections]]\nid = "w1"\n'
    text += "".join(f"{name} = {_toml(value)}\n" for name, value in SECTION.items())
    text += "\n" + "\n".join(readings)
    path = folder / "course.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return _write_course(tmp_path)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.json"
    path.write_text(json.dumps(ITEMS), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def _unsafe_url(value: str) -> bool:
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
    scheme = re.match(r"^([a-z][a-z0-9+.\-]*):", squeezed)
    return scheme is not None and not squeezed.startswith(SAFE_SCHEMES)


def check_html(text: str, allowed: set[str], *, page: bool) -> etree._Element:
    """Parse ``text`` and fail on anything that could run; returns the tree."""
    root = (
        lxml.html.document_fromstring(text)
        if page
        else lxml.html.fragment_fromstring(text, create_parent="div")
    )
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, doctype
        assert element.tag in allowed | {"div"}, f"unexpected <{element.tag}> element"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name}={value!r}"
            assert name.lower() in {
                "class",
                "id",
                "style",
                "href",
                "lang",
                "charset",
                "name",
                "content",
                "role",
                "start",
                "xmlns",
                "xml:lang",
                "dir",
                "src",
            }, f"attribute {name}"
            if name.lower() in ("href", "src"):
                assert not _unsafe_url(value), f"unsafe link {value!r}"
    return root


def check_latex(text: str) -> None:
    """Every control sequence is one citekit writes; no ``^^`` TeX could decode."""
    commands = set(re.findall(r"\\([a-zA-Z@]+)", text))
    assert commands <= LATEX_COMMANDS, f"unexpected commands: {commands - LATEX_COMMANDS}"
    assert "^^" not in text
    assert r"\textbackslash{}input" in text  # the primitive is shown, not run


def check_markdown(text: str) -> None:
    """No raw HTML and no unsafe link target, in the body or the YAML header."""
    unescaped = re.sub(r"\\.", "", text)
    # an autolink (<https://...>, a URL shown as itself) is a link, not HTML
    without_autolinks = re.sub(r"<https?://[^\s<>]*>", "", unescaped)
    assert not re.search(r"<[A-Za-z/!?]", without_autolinks), "raw HTML in Markdown"
    assert not re.search(r"\]\(\s*(?:javascript|data|vbscript):", text, re.IGNORECASE)
    assert not re.search(r"<\s*(?:javascript|data|vbscript):", text, re.IGNORECASE)
    check_html(document_markdown.to_html(text), PAGE_TAGS, page=False)


def _invoke(args: list[str]) -> str:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return result.stdout


# ---------------------------------------------------------------------------
# citekit bib
# ---------------------------------------------------------------------------


ENGINES = pytest.mark.parametrize("engine", ["citekit", "citeproc-py"])


@ENGINES
def test_bib_html_keeps_only_the_allow_list(library: Path, engine: str) -> None:
    out = _invoke(["bib", str(library), "--format", "html", "--link", "--engine", engine])
    root = check_html(out, FRAGMENT_TAGS, page=False)
    text = root.text_content()
    assert "<script>document.title=" in text  # shown as text, not dropped
    assert "onerror" in text


@ENGINES
def test_bib_markdown_escapes_raw_html(library: Path, engine: str) -> None:
    check_markdown(
        _invoke(["bib", str(library), "--format", "markdown", "--link", "--engine", engine])
    )


@ENGINES
def test_bib_latex_escapes_tex_primitives(library: Path, engine: str) -> None:
    check_latex(_invoke(["bib", str(library), "--format", "latex", "--link", "--engine", engine]))


@ENGINES
def test_bib_text_has_no_markup_tags(library: Path, engine: str) -> None:
    out = _invoke(["bib", str(library), "--format", "text", "--engine", engine])
    assert not re.search(r"</?(?:i|b|script|img|svg|a|span)\b[^>]*>", out), out
    assert "A. " in out or "A.," in out  # Ann<b>bo</b> initialised from its text


# ---------------------------------------------------------------------------
# citekit render (documents)
# ---------------------------------------------------------------------------


def test_rendered_document_html_and_markdown(library: Path, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    citing = "See [@evil; @url] and [@good].\n"
    doc.write_text(
        f"---\ntitle: {json.dumps('Doc ' + SCRIPT)}\nlink-citations: true\n---\n\n"
        f"{citing}\n[bad](javascript:alert(1)) {IMG}\n",
        encoding="utf-8",
    )
    html = _invoke(["render", str(doc), "--bib", str(library), "--to", "html"])
    # the author's own <img> stays (as a Markdown image would), without its onerror
    root = check_html(html, PAGE_TAGS | {"img"}, page=True)
    assert root.findtext(".//title") == "Doc " + SCRIPT
    text = _invoke(["render", str(doc), "--bib", str(library), "--to", "text"])
    assert not re.search(r"</?(?:i|b|script|img|svg)\b", text)
    assert "javascript:" not in text
    # Markdown keeps the author's own text as written; what citekit adds is escaped
    doc.write_text(citing, encoding="utf-8")
    check_markdown(_invoke(["render", str(doc), "--bib", str(library), "--to", "markdown"]))


# ---------------------------------------------------------------------------
# citekit reader
# ---------------------------------------------------------------------------


def test_reader_html_has_no_live_markup(course: Path) -> None:
    page = render_html(build_from_file(course))
    root = check_html(page, PAGE_TAGS, page=True)
    assert root.findtext(".//title") == COURSE["title"]
    annotations = root.find_class("annotation")
    assert annotations and "see" in annotations[0].text_content()
    links = [a.get("href") for a in root.iter("a")]
    assert "https://example.org/safe?a=1&b=2" in links  # safe links survive
    assert "https://doi.org/10.1234/fine" in links


def test_reader_markdown_header_is_quoted_and_escaped(course: Path) -> None:
    text = render_markdown(build_from_file(course))
    assert text.startswith("---\n")
    header, body = text[4:].split("\n---\n", 1)
    meta = _yaml.load(header)
    assert set(meta) == {"title", "subtitle", "author", "lang"}  # nothing injected
    assert meta["title"] == r"Course \<script\>document.title='pwned'\</script\>"
    assert "\n" not in meta["author"]
    for value in meta.values():
        check_markdown(value)
    check_markdown(body)


def test_yaml_string_reads_back_exactly() -> None:
    for value in ['a "b" \\ c', "line\nbreak", "\u2028\u0085\x0b\x01", "tab\t", "é ✓ 𝄞", "ok"]:
        assert _yaml.load(f"k: {yaml_string(value)}") == {"k": value}
    lone = yaml_string("lone \ud800")
    assert _yaml.load(f"k: {lone}") == {"k": "lone \ufffd"}


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_reader_markdown_through_pandoc_runs_nothing(course: Path, tmp_path: Path) -> None:
    source = tmp_path / "reader.md"
    source.write_text(render_markdown(build_from_file(course)), encoding="utf-8")
    out = subprocess.run(
        ["pandoc", str(source), "-s", "-t", "html"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    root = check_html(out, PAGE_TAGS | {"header", "footer", "figure", "del", "small"}, page=True)
    assert "Course <script>document.title=" in (root.findtext(".//title") or "")  # as text


def test_reader_docx_carries_control_characters_and_safe_links_only(course: Path) -> None:
    reader = build_from_file(course)
    assert any("U+000B" in w and "'evil'" in w for w in reader.warnings)
    assert any("U+D800" in w and "'surrogate'" in w for w in reader.warnings)
    data = render_docx(reader)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        body = package.read("word/document.xml").decode("utf-8")
    targets = [r.get("Target") for r in rels if r.get("TargetMode") == "External"]
    assert targets and all(t.startswith(SAFE_SCHEMES) for t in targets), targets
    assert "Lone \ufffd surrogate" in body
    assert "\x0b" not in body and "\x01" not in body


@pytest.mark.parametrize("kind", ["html", "md", "docx"])
def test_reader_cli_writes_every_format(course: Path, kind: str) -> None:
    result = CliRunner().invoke(
        main, ["reader", str(course), "-o", str(course.parent / f"r.{kind}")]
    )
    assert result.exit_code == 0, result.output
    assert "replaced character(s)" in result.stderr


# ---------------------------------------------------------------------------
# Lone surrogates on real stdout (a UnicodeEncodeError there used to be a crash)
# ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["bib", "{lib}", "--format", "text"],
        ["bib", "{lib}", "--format", "html"],
        ["bib", "{lib}", "--format", "markdown"],
        ["bib", "{lib}", "--format", "latex"],
        ["render", "{doc}", "--bib", "{lib}", "--to", "html"],
        ["render", "{doc}", "--bib", "{lib}", "--to", "text"],
    ],
)
def test_lone_surrogate_reaches_stdout_as_replacement(tmp_path: Path, args: list[str]) -> None:
    lib = tmp_path / "lib.json"
    lib.write_text(json.dumps([ITEMS[3]]), encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text("See [@surrogate].\n", encoding="utf-8")
    argv = [a.format(lib=lib, doc=doc) for a in args]
    done = subprocess.run([sys.executable, "-m", "citekit", *argv], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert "\ufffd" in done.stdout.decode("utf-8")


# ---------------------------------------------------------------------------
# Headless Chromium: the reader page runs nothing
# ---------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _dumped_title(browser: str, page: Path, tmp_path: Path) -> str:
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    root = lxml.html.document_fromstring(done.stdout)
    return root.findtext(".//title") or ""


@pytest.mark.slow
def test_reader_html_runs_no_script_in_chromium(course: Path, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed: the browser check of the reader is skipped")
    page = tmp_path / "reader.html"
    page.write_text(render_html(build_from_file(course)), encoding="utf-8")
    # the harness itself: a page whose script does run shows the marker
    control = tmp_path / "control.html"
    control.write_text(
        f"<!DOCTYPE html><html><head><title>x</title></head><body>{IMG}</body></html>",
        encoding="utf-8",
    )
    assert _dumped_title(browser, control, tmp_path) == MARK
    assert _dumped_title(browser, page, tmp_path) == COURSE["title"]


@pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
    reason="pdflatex or pdftotext is not installed: the compiled LaTeX check is skipped",
)
def test_latex_bibliography_compiles_without_reading_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRETCONTENTS", encoding="utf-8")
    path = secret.as_posix()
    items = [
        {
            "id": "tex",
            "type": "book",
            "title": f"Intro \\input{{{path}}} \\relax ^^5cinput{{{path}}}",
            "author": [{"family": "Doe", "given": "Ann"}],
            "issued": {"date-parts": [[2001]]},
            "URL": f"https://example.org/\\input{{{path}}}^^5c",
        }
    ]
    library = tmp_path / "lib.json"
    library.write_text(json.dumps(items), encoding="utf-8")
    out = tmp_path / "refs.tex"
    _invoke(["bib", str(library), "--format", "latex", "--standalone", "--link", "-o", str(out)])
    subprocess.run(
        ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", out.name],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=True,
    )
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "refs.pdf"), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "Intro" in text and "input" in text
    assert "SECRETCONTENTS" not in text

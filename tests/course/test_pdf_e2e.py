"""The HTML reader as a reader sees it: printed to PDF by headless Chromium.

Each entry gets a unique marker at its start and at its end; ``pdftotext
-layout`` separates pages with form feeds, so an entry split across pages
shows up as a start marker and an end marker on different pages.  Skips
with a message where no browser or no pdftotext can be had (the Debian
packages are ``chromium`` and ``poppler-utils``).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import html as lxml_html

from citekit.course.build import build_from_file
from citekit.course.html import render_html

pytestmark = pytest.mark.slow

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no headless browser (apt-get install chromium) to print the reader to PDF")


def _pdftotext() -> str:
    found = shutil.which("pdftotext")
    if not found:
        pytest.skip("pdftotext is absent (apt-get install poppler-utils)")
    return found


def _print_to_pdf(
    browser: str, uri: str, folder: Path, *, name: str = "reader.pdf", header_footer: bool = True
) -> Path:
    """``folder/name``: the page at ``uri`` as headless Chromium prints it.

    ``header_footer=False`` leaves out the browser's own header and footer
    (its page numbers).  Skips with the reason where the browser cannot run
    or prints nothing (no display or sandbox support).
    """
    pdf = folder / name
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        *([] if header_footer else ["--no-pdf-header-footer"]),
        f"--user-data-dir={folder / 'profile'}",
        f"--print-to-pdf={pdf}",
        uri,
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=180, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"the browser could not run here: {exc}")
    if not pdf.is_file() or pdf.stat().st_size == 0:
        pytest.skip("the browser ran but printed no PDF (no display or sandbox support)")
    return pdf


def _pdf_text(pdftotext: str, pdf: Path) -> str:
    """The PDF's text laid out as printed, pages separated by form feeds."""
    return subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def _with_markers(page: str) -> tuple[str, list[str]]:
    tree = lxml_html.fromstring(page)
    ids: list[str] = []
    for index, entry in enumerate(tree.find_class("reader-entry")):
        ids.append(entry.get("id") or "")
        start = lxml_html.fromstring(f'<span class="m">QQS{index:03d}QQ </span>')
        end = lxml_html.fromstring(f'<div class="m">QQE{index:03d}QQ</div>')
        entry.insert(0, start)
        entry.append(end)
    return lxml_html.tostring(tree, doctype="<!DOCTYPE html>", encoding="unicode"), ids


def test_printed_letter_reader_keeps_every_entry_on_one_page(
    tmp_path: Path, long_course: Callable[..., Path]
) -> None:
    browser = _browser()
    pdftotext = _pdftotext()
    reader = build_from_file(long_course(tmp_path))
    marked, ids = _with_markers(render_html(reader, paper="letter"))
    source = tmp_path / "reader.html"
    source.write_text(marked, encoding="utf-8")
    pdf = _print_to_pdf(browser, source.as_uri(), tmp_path, header_footer=False)
    text = _pdf_text(pdftotext, pdf)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) > 3, "the test needs a reader of several pages"

    def page_of(marker: str) -> int:
        found = [number for number, content in enumerate(pages) if marker in content]
        assert len(found) == 1, f"{marker} should be printed exactly once, found {found}"
        return found[0]

    flat = " ".join(text.split())
    for section in reader.sections:
        assert section.title in flat
    assert "Bibliography" in flat
    assert len(ids) == sum(len(s.entries) for s in reader.sections) + len(reader.bibliography)
    split = [
        ids[i] for i in range(len(ids)) if page_of(f"QQS{i:03d}QQ") != page_of(f"QQE{i:03d}QQ")
    ]
    assert split == [], f"entries split across pages: {split}"
    for entry in reader.bibliography:
        assert f"Title {entry.key}" in flat


def test_page_size_follows_the_paper_option(
    tmp_path: Path, long_course: Callable[..., Path]
) -> None:
    browser = _browser()
    pdfinfo = shutil.which("pdfinfo")
    if not pdfinfo:
        pytest.skip("pdfinfo is absent (apt-get install poppler-utils)")
    reader = build_from_file(long_course(tmp_path, sections=1, per_section=2))
    sizes = {}
    for paper in ("a4", "letter"):
        source = tmp_path / f"{paper}.html"
        source.write_text(render_html(reader, paper=paper), encoding="utf-8")
        pdf = _print_to_pdf(browser, source.as_uri(), tmp_path, name=f"{paper}.pdf")
        info = subprocess.run(
            [pdfinfo, str(pdf)], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        sizes[paper] = next(line for line in info.splitlines() if line.startswith("Page size"))
    assert "612 x 792" in sizes["letter"] and "(letter)" in sizes["letter"]
    assert "(A4)" in sizes["a4"]


def test_the_example_printed_by_the_browser_has_page_numbers_and_a_full_first_page(
    tmp_path: Path,
) -> None:
    """Printed from Chromium, as an instructor would: the browser's footer numbers
    every page, and page 1 goes on from the contents to the first session's
    readings (it was two-thirds empty after a forced page break)."""
    browser, pdftotext = _browser(), _pdftotext()
    source = Path(__file__).resolve().parents[2] / "examples" / "us-north-korea-diplomacy"
    pdf = _print_to_pdf(browser, (source / "reader.html").as_uri(), tmp_path)
    text = _pdf_text(pdftotext, pdf)
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"{number}/{len(pages)}" in page, f"page {number} has no page number"
    first = pages[0]
    assert "Contents" in first or "Session 1" in first
    assert "REQUIRED READING" in first.upper() and "Raimondo, Justin" in first

"""The HTML reader and the live preview in a real browser (headless Chromium, DevTools protocol).

Skips with a message where no Chromium is installed (Debian: ``apt-get
install chromium``).  The browser is driven by :mod:`cdp`, a standard-library
DevTools client, so no browser-automation package is needed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citekit.course.build import build_from_file
from citekit.course.html import render_html

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from cdp import Browser, find_browser  # noqa: E402

pytestmark = pytest.mark.slow

REPO = HERE.parents[1]
EXAMPLE = REPO / "examples" / "us-north-korea-diplomacy" / "reading-list.toml"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_browser()
    if executable is None:
        pytest.skip("no Chromium to test in (apt-get install chromium)")
    chromium = Browser(executable)
    try:
        yield chromium
    finally:
        chromium.close()


def _wait_for(browser: Browser, expression: str, timeout: float = 20.0) -> object:
    """Poll ``expression`` in the page until it is truthy; its last value."""
    deadline = time.monotonic() + timeout
    value: object = None
    while time.monotonic() < deadline:
        try:
            value = browser.evaluate(expression)
        except RuntimeError:  # the page is between documents
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{expression!r} still {value!r} after {timeout} s")


def test_the_example_reader_renders_and_its_contents_links_work(
    browser: Browser, tmp_path: Path
) -> None:
    page = tmp_path / "reader.html"
    page.write_text(render_html(build_from_file(EXAMPLE)), encoding="utf-8")
    browser.navigate(page.as_uri())
    assert browser.evaluate("document.title").startswith("US–North Korea Diplomacy")
    assert browser.evaluate("document.querySelectorAll('.reader-entry').length") == 8 + 6
    assert browser.evaluate("document.querySelectorAll('h2').length") == 1 + 4 + 1
    # The page really renders: the body has height and entries are laid out on screen.
    assert browser.evaluate("document.body.getBoundingClientRect().height") > 1000
    links = browser.evaluate(
        "Array.from(document.querySelectorAll('nav.toc a')).map(a => a.getAttribute('href'))"
    )
    assert links == ["#session-1", "#session-2", "#session-3", "#session-4", "#bibliography"]
    missing = browser.evaluate(
        "Array.from(document.querySelectorAll('nav.toc a'))"
        ".filter(a => !document.getElementById(a.hash.slice(1))).length"
    )
    assert missing == 0
    for target in ("session-3", "bibliography"):
        browser.evaluate(f"document.querySelector('nav.toc a[href=\"#{target}\"]').click()")
        assert _wait_for(browser, f"location.hash === '#{target}'")
        # Scrolled to the target: at the top of the window, or in view with the page
        # scrolled as far as it goes (the last section cannot reach the top).
        top, seen, at_end = browser.evaluate(
            f"(() => {{ const r = document.getElementById('{target}').getBoundingClientRect();"
            " const end = window.innerHeight + window.scrollY >="
            " document.documentElement.scrollHeight - 2;"
            " return [r.top, r.top >= 0 && r.top < window.innerHeight, end]; })()"
        )
        assert abs(top) < 5 or (seen and at_end), f"#{target} is at {top}px after the click"
        assert browser.evaluate("window.scrollY") > 0
    # No badge repeats the group heading, and no load line says "unknown".
    text = browser.evaluate("document.body.innerText")
    assert "unknown" not in text
    assert text.count("Quoted in Raimondo 2017, para. 14") == 1


def _serve(list_path: Path) -> tuple[subprocess.Popen[str], str]:
    citekit = Path(sys.executable).with_name("citekit")
    command = [str(citekit)] if citekit.exists() else [sys.executable, "-m", "citekit"]
    process = subprocess.Popen(
        [*command, "reader", str(list_path), "--serve", "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not found:
        process.terminate()
        raise AssertionError(f"the preview did not say where it serves: {line!r}")
    return process, found.group(0)


def _touch(path: Path, text: str) -> None:
    """Rewrite ``path`` and move its mtime on, so a coarse clock still sees the change."""
    stamp = path.stat().st_mtime
    path.write_text(text, encoding="utf-8")
    os.utime(path, (stamp + 2, stamp + 2))


def test_the_live_preview_reloads_after_the_list_changes(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "references.bib").write_bytes((REPO / "references.bib").read_bytes())
    list_path = tmp_path / "reading-list.toml"
    original = EXAMPLE.read_text(encoding="utf-8").replace("../../references.bib", "references.bib")
    list_path.write_text(original, encoding="utf-8")
    process, url = _serve(list_path)
    try:
        browser.navigate(url)
        assert browser.evaluate("document.title").startswith("US–North Korea Diplomacy")
        assert browser.evaluate("document.querySelectorAll('script[nonce]').length") == 1
        browser.evaluate("window.citekitMarker = 'before'")
        _touch(
            list_path,
            original.replace(
                'title = "US–North Korea Diplomacy in 2017',
                'title = "Edited: US–North Korea Diplomacy in 2017',
            ),
        )
        # The reload is seen through the protocol: a new document's load event ...
        browser.wait_for_event("Page.loadEventFired", timeout=20)
        # ... which is the rebuilt reader, a fresh page (the marker is gone).
        assert _wait_for(browser, "document.title.startsWith('Edited: ')")
        assert browser.evaluate("window.citekitMarker === undefined")

        # A problem does not stop the preview: it is shown on the page.
        _touch(
            list_path,
            original.replace('key = "tillerson2017patience"', 'key = "tillerson2017patiense"'),
        )
        browser.wait_for_event("Page.loadEventFired", timeout=20)
        problems = str(
            _wait_for(
                browser,
                "document.querySelector('.problems') && "
                "document.querySelector('.problems').innerText",
            )
        )
        assert "no entry 'tillerson2017patiense'" in problems
        assert "did you mean: tillerson2017patience" in problems
        # ... above the last reader that built.
        assert browser.evaluate("document.querySelectorAll('.reader-entry').length") > 0

        _touch(list_path, original)
        browser.wait_for_event("Page.loadEventFired", timeout=20)
        assert _wait_for(browser, "document.querySelector('.problems') === null")
        assert process.poll() is None  # still serving
    finally:
        process.terminate()
        process.wait(timeout=10)

"""The live preview without a browser: rebuilds, problems on the page, the server's rules."""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from citekit.course.html import LIVE_VERSION_PATH, live_script
from citekit.course.preview import HOST, Preview, PreviewServer


def _touch(path: Path, text: str) -> None:
    stamp = path.stat().st_mtime
    path.write_text(text, encoding="utf-8")
    os.utime(path, (stamp + 2, stamp + 2))


@pytest.fixture
def server(course_dir: Path) -> Iterator[PreviewServer]:
    running = PreviewServer(Preview(course_dir / "course.toml", interval=0.05), port=0)
    running.start()
    try:
        yield running
    finally:
        running.close()


def _get(
    server: PreviewServer,
    path: str,
    host: str | None = None,
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    headers = {"Host": host} if host else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode("utf-8")
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_rebuilds_only_when_an_input_changes(course_dir: Path) -> None:
    preview = Preview(course_dir / "course.toml")
    assert preview.page.version == 1 and not preview.page.failed
    assert not preview.changed()
    library = course_dir / "library.json"
    _touch(library, library.read_text(encoding="utf-8"))  # a library file is watched too
    assert preview.changed()
    assert preview.rebuild().version == 2 and not preview.changed()


def test_problems_are_shown_above_the_last_reader_that_built(course_dir: Path) -> None:
    path = course_dir / "course.toml"
    preview = Preview(path)
    _touch(path, path.read_text(encoding="utf-8").replace('key = "zhou2019"', 'key = "zhou2091"'))
    page = preview.rebuild()
    assert page.failed and page.reader is not None  # the last good reader is kept
    assert any("no entry 'zhou2091'" in p and "course.toml:" in p for p in page.problems)
    html = preview.html("n" * 20)
    assert '<div class="problems" role="alert">' in html
    assert "showing the last reader that built" in html
    assert 'id="week-1--zhou2019"' in html


def test_a_list_that_never_built_still_gets_a_page(course_dir: Path) -> None:
    path = course_dir / "course.toml"
    path.write_text('title = "T"\n[[sections]\n', encoding="utf-8")  # not TOML
    preview = Preview(path)
    assert preview.page.failed and preview.page.reader is None
    html = preview.html("n" * 20)
    assert "not valid TOML" in html and '<script nonce="nnnnnnnnnnnnnnnnnnnn">' in html


def test_problems_are_escaped(course_dir: Path) -> None:
    path = course_dir / "course.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'key = "zhou2019"', 'key = "<script>alert(1)</script>"'
        ),
        encoding="utf-8",
    )
    html = Preview(path).html("n" * 20)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_the_server_serves_the_page_with_its_nonce_and_version(server: PreviewServer) -> None:
    status, headers, body = _get(server, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9_-]+)'", headers["Content-Security-Policy"])
    assert nonce is not None
    assert f'<script nonce="{nonce.group(1)}">' in body
    assert body.count("<script") == 1  # citekit's own script only
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    status, _, version = _get(server, LIVE_VERSION_PATH)
    assert status == 200 and json.loads(version) == {"version": 1}
    assert _get(server, "/../course.toml")[0] == 404


def test_the_server_listens_on_loopback_only_and_checks_the_host(server: PreviewServer) -> None:
    assert server.httpd.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/"
    assert _get(server, "/", host=f"localhost:{server.port}")[0] == 200
    status, _, body = _get(server, "/", host="attacker.example")
    assert status == 403 and "Korea 101" not in body


def test_the_version_goes_up_when_the_list_changes(server: PreviewServer, course_dir: Path) -> None:
    path = course_dir / "course.toml"
    _touch(path, path.read_text(encoding="utf-8").replace("Korea 101", "Korea 102"))
    deadline = 200
    while deadline and server.preview.page.version == 1:
        deadline -= 1
        urllib.request.urlopen(server.url + LIVE_VERSION_PATH.lstrip("/"), timeout=10).close()
        time.sleep(0.05)
    assert server.preview.page.version == 2
    assert "Korea 102" in _get(server, "/")[2]


def test_the_reload_script_takes_no_data(course_dir: Path) -> None:
    script = live_script("abcdefghijklmnopqrst", 7)
    assert "var version = 7;" in script and LIVE_VERSION_PATH in script
    with pytest.raises(ValueError, match="nonce"):
        live_script('x" onload="alert(1)', 1)


def test_a_port_in_use_is_a_clear_error(server: PreviewServer, course_dir: Path) -> None:
    with pytest.raises(OSError):
        PreviewServer(Preview(course_dir / "course.toml"), port=server.port)


def test_urllib_is_refused_nothing_on_other_paths(server: PreviewServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server.url + "reader.html", timeout=10)
    assert info.value.code == 404

"""A live preview of a course reader: a loopback web server that rebuilds as you edit.

``citekit reader LIST.toml --serve`` builds the HTML reader and serves it on
127.0.0.1 only.  A watcher thread polls the modification times of the list,
its library files, its Zotero databases and a ``.csl`` style file; when one
changes, the reader is rebuilt and a version number goes up.  The page
carries citekit's own small script (allowed by a per-page CSP nonce) that
polls :data:`~citekit.course.html.LIVE_VERSION_PATH` and reloads when the
version differs.

A list with problems does not stop the server: the problems (unknown keys,
missing fields, TOML errors) are listed at the top of the page, above the
last reader that built, or alone when none has yet.  Everything shown goes
through the HTML writer's escaping (:mod:`citekit.render.richtext`).

Requests whose ``Host`` is not the loopback address the server listens on
are refused, so a web page cannot read the reader through DNS rebinding.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from citekit.course.build import Reader, build_reader
from citekit.course.html import LIVE_VERSION_PATH, live_script, problems_block, render_html
from citekit.course.model import ReadingList, load_reading_list
from citekit.errors import CitekitError, ParseError, Severity
from citekit.render import richtext
from citekit.render.types import Engine

HOST = "127.0.0.1"
"""The preview listens on the loopback interface only."""


@dataclass(frozen=True)
class Page:
    """One build's result: a reader or problems, or both (problems above the last reader)."""

    version: int
    reader: Reader | None
    problems: tuple[str, ...]
    failed: bool


def _problems_of(error: Exception) -> list[str]:
    """Each diagnostic of a failed build as one line; the message when there are none."""
    if isinstance(error, ParseError) and error.diagnostics:
        return [str(d) for d in error.diagnostics if d.severity is not Severity.INFO]
    return [str(error)]


def _csp(nonce: str) -> str:
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        f"script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )


class Preview:
    """Builds the reader, watches its inputs and rebuilds when one changes."""

    def __init__(
        self,
        list_path: str | Path,
        *,
        paper: str = "a4",
        engine: str | Engine | None = None,
        interval: float = 0.3,
    ) -> None:
        self.list_path = Path(list_path)
        self.paper = paper
        self.engine = engine
        self.interval = interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watched: list[Path] = [self.list_path]
        self._stamps: dict[Path, int | None] = {}
        self._last_good: Reader | None = None
        self.page = Page(0, None, (), failed=False)
        self.rebuild()

    # -- building ---------------------------------------------------------------

    def _inputs(self, reading_list: ReadingList) -> list[Path]:
        return [self.list_path, *reading_list.inputs()]

    def _stamp(self, path: Path) -> int | None:
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return None

    def rebuild(self) -> Page:
        """Build once more; problems become part of the page instead of an exit."""
        problems: list[str] = []
        reader: Reader | None = None
        try:
            reading_list = load_reading_list(self.list_path)
            self._watched = self._inputs(reading_list)
            reader = build_reader(reading_list, engine=self.engine)
        except (CitekitError, OSError, ValueError) as exc:
            problems = _problems_of(exc)
        if reader is not None:
            problems = [str(d) for d in reader.diagnostics if d.severity is not Severity.INFO]
            problems += [f"warning: {w}" for w in reader.warnings]
        with self._lock:
            self._stamps = {path: self._stamp(path) for path in self._watched}
            if reader is not None:
                self._last_good = reader
            self.page = Page(
                self.page.version + 1,
                reader or self._last_good,
                tuple(problems),
                failed=reader is None,
            )
            return self.page

    def changed(self) -> bool:
        """Whether any watched file's modification time differs from the last build's."""
        with self._lock:
            stamps = dict(self._stamps)
        return any(self._stamp(path) != stamp for path, stamp in stamps.items())

    def watch(self) -> None:
        """Poll until :meth:`stop`; rebuild whenever an input changed."""
        while not self._stop.wait(self.interval):
            if self.changed():
                self.rebuild()

    def stop(self) -> None:
        self._stop.set()

    # -- pages ------------------------------------------------------------------

    def html(self, nonce: str) -> str:
        """The current page with the reload script for ``nonce``."""
        page = self.page
        heading = (
            "The reading list has problems; showing the last reader that built"
            if page.failed and page.reader is not None
            else "The reading list has problems"
            if page.failed
            else "Warnings"
        )
        if page.reader is not None:
            return render_html(
                page.reader,
                paper=self.paper,
                problems=page.problems,
                problems_heading=heading,
                live=(nonce, page.version),
            )
        title = richtext.escape_attribute(f"{self.list_path.name}: problems")
        return "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f"<title>{title}</title>",
                "<style>body { font-family: serif; max-width: 44em; margin: 2em auto; }"
                " .problems { border: 2px solid #a40000; padding: 0.4em 1em; }</style>",
                "</head>",
                "<body>",
                problems_block(page.problems, heading),
                live_script(nonce, page.version),
                "</body>",
                "</html>",
                "",
            ]
        )


def _handler(
    preview: Preview,
    allowed_hosts: Callable[[], set[str]],
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "citekit-preview"

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the terminal shows rebuild messages only

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            if (self.headers.get("Host") or "") not in allowed_hosts():
                self._send(403, b"forbidden host\n", "text/plain; charset=utf-8")
                return
            path = self.path.split("?", 1)[0]
            if path == LIVE_VERSION_PATH:
                body = json.dumps({"version": preview.page.version}).encode()
                self._send(200, body, "application/json")
            elif path in ("/", "/index.html"):
                nonce = secrets.token_urlsafe(18)
                self._send(
                    200,
                    preview.html(nonce).encode("utf-8"),
                    "text/html; charset=utf-8",
                    {"Content-Security-Policy": _csp(nonce)},
                )
            else:
                self._send(404, b"not found\n", "text/plain; charset=utf-8")

        do_HEAD = do_GET

    return Handler


class PreviewServer:
    """The HTTP server and the watcher thread around a :class:`Preview`."""

    def __init__(self, preview: Preview, port: int = 0) -> None:
        self.preview = preview
        self.httpd = ThreadingHTTPServer((HOST, port), _handler(preview, self._hosts))
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self._threads: list[threading.Thread] = []

    def _hosts(self) -> set[str]:
        return {f"{HOST}:{self.port}", f"localhost:{self.port}"}

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> None:
        """Serve and watch in background threads."""
        for target in (self.httpd.serve_forever, self.preview.watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def close(self) -> None:
        self.preview.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)


__all__ = ["HOST", "Page", "Preview", "PreviewServer"]

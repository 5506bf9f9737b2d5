"""A local stand-in for doi.org, Open Library, the arXiv API and NCBI's exporter.

One ``http.server`` on 127.0.0.1 serves the fixtures in ``data/`` under the
paths the real services use, each below a prefix (``/doi``, ``/openlibrary``,
``/arxiv/api``, ``/ncbi/lit/ctxp/v1``), so that citekit's real client code
runs against it with only its base URLs changed.  doi.org's redirect to the
registration agency is imitated (a 302 to ``/agency/…``), and some DOIs
behave badly on purpose:

* ``10.5555/12345678`` answers 429 (``Retry-After: 0``) the first time, then 200;
* ``10.5555/busy`` always answers 429 with ``Retry-After: 120``;
* ``10.5555/slow`` answers after 3 seconds (longer than the tests' timeout);
* ``10.5555/down`` always answers 503;
* ``10.5555/badjson`` answers 200 with text that is not JSON;
* ``10.5555/landing`` answers 200 with an HTML landing page, as doi.org does
  for an agency that offers no CSL-JSON;
* any other DOI without a fixture is a 404, as at doi.org.

``data/README.md`` says where each fixture's shape comes from.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

DATA = Path(__file__).parent / "data"
CSL = "application/vnd.citationstyles.csl+json"
NOWHERE = "http://127.0.0.1:9"
"""A closed local port: where every service points unless a test aims it at the fakes."""
SERVICE_NAMES = ("DOI", "OPENLIBRARY", "ARXIV", "NCBI")

DOIS: dict[str, str] = {
    "10.1038/nature14539": "crossref-nature14539.json",
    "10.1093/oxfordhb/9780199535750.013.0004": "crossref-chapter.json",
    "10.5061/dryad.8515": "datacite-dryad.json",
    "10.1400/186256": "medra-article.json",
    "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0": "sici-jasis.json",
    "10.5555/12345678": "crossref-carberry.json",
}
ARXIV: dict[str, str] = {
    "1706.03762": "1706.03762v5.xml",
    "1706.03762v5": "1706.03762v5.xml",
    "hep-th/9711200": "hep-th_9711200.xml",
    "1502.01234": "1502.01234.xml",
    "1502.01234v2": "1502.01234.xml",
}
NCBI: dict[tuple[str, str], str] = {
    ("pubmed", "26017442"): "pubmed-26017442.json",
    ("pmc", "PMC3159421"): "pmc-PMC3159421.json",
}


class FakeServices:
    """The server, the base URLs to give citekit, and a log of what was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def urls(self) -> dict[str, str]:
        """Base URLs by service name, as ``fetch_records(urls=...)`` takes them."""
        return {
            "doi": f"{self.base}/doi",
            "openlibrary": f"{self.base}/openlibrary",
            "arxiv": f"{self.base}/arxiv/api",
            "ncbi": f"{self.base}/ncbi/lit/ctxp/v1",
        }

    @property
    def environment(self) -> dict[str, str]:
        """The same base URLs as the environment variables the CLI reads."""
        return {f"CITEKIT_{name.upper()}_URL": url for name, url in self.urls.items()}

    def count(self, fragment: str) -> int:
        """How many requests had ``fragment`` in their path."""
        with self.lock:
            return sum(1 for path, _ in self.requests if fragment in path)

    def start(self) -> FakeServices:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        services = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                with services.lock:
                    services.requests.append((self.path, dict(self.headers.items())))
                split = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(split.query).items()}
                path = split.path
                try:
                    if path.startswith("/doi/"):
                        self.doi(unquote(path[len("/doi/") :]))
                    elif path.startswith("/agency/"):
                        self.agency(unquote(path[len("/agency/") :]))
                    elif path == "/openlibrary/api/books":
                        self.openlibrary(query)
                    elif path == "/arxiv/api/query":
                        self.arxiv(query)
                    elif path.startswith("/ncbi/lit/ctxp/v1/"):
                        self.ncbi(path.split("/")[5], query)
                    else:
                        self.send(404, "text/plain", b"no such path")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def send(
                self, status: int, kind: str, body: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def doi(self, doi: str) -> None:
                key = doi.lower()
                with services.lock:
                    services.hits[key] += 1
                    hits = services.hits[key]
                if CSL not in self.headers.get("Accept", ""):
                    self.send(406, "text/plain", b"ask for CSL-JSON")
                elif key == "10.5555/12345678" and hits == 1:
                    self.send(429, "text/plain", b"Too Many Requests", {"Retry-After": "0"})
                elif key == "10.5555/busy":
                    self.send(429, "text/plain", b"Too Many Requests", {"Retry-After": "120"})
                elif key == "10.5555/slow":
                    time.sleep(3)
                    self.send(200, CSL, b"{}")
                elif key == "10.5555/down":
                    self.send(503, "text/html", b"<html>Service Unavailable</html>")
                elif key == "10.5555/badjson":
                    self.send(200, CSL, b'{"title": "Cut off in the mid')
                elif key == "10.5555/landing":
                    self.send(200, "text/html", b"<!DOCTYPE html><html><body>Article</body></html>")
                elif key in DOIS:
                    self.send(
                        302, "text/plain", b"", {"Location": "/agency/" + quote(doi, safe="/")}
                    )
                else:
                    self.send(404, "text/html", b"<html><h1>DOI Not Found</h1></html>")

            def agency(self, doi: str) -> None:
                body = (DATA / "doi" / DOIS[doi.lower()]).read_bytes()
                self.send(200, CSL + "; charset=utf-8", body)

            def openlibrary(self, query: dict[str, str]) -> None:
                bibkey = query.get("bibkeys", "")
                fixture = DATA / "openlibrary" / f"{bibkey.replace(':', '-')}.json"
                body = fixture.read_bytes() if bibkey and fixture.exists() else b"{}"
                self.send(200, "application/json", body)

            def arxiv(self, query: dict[str, str]) -> None:
                name = ARXIV.get(query.get("id_list", ""), "error.xml")
                self.send(
                    200, "application/atom+xml; charset=utf-8", (DATA / "arxiv" / name).read_bytes()
                )

            def ncbi(self, database: str, query: dict[str, str]) -> None:
                name = NCBI.get((database, query.get("id", "")))
                if query.get("format") != "csl" or name is None:
                    self.send(
                        404,
                        "application/json",
                        json.dumps({"status": "error", "message": "not found"}).encode(),
                    )
                    return
                self.send(200, "application/json", (DATA / "ncbi" / name).read_bytes())

        return Handler


@contextmanager
def running() -> Iterator[FakeServices]:
    """The fake services, started, and stopped afterwards."""
    services = FakeServices().start()
    try:
        yield services
    finally:
        services.stop()


def aim_nowhere(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    """Point every ``CITEKIT_*_URL`` at a closed port and the cache at ``cache``.

    So that a test reaches no real service and shares no cached answer with
    another test, whatever the machine's environment says.
    """
    for name in SERVICE_NAMES:
        monkeypatch.setenv(f"CITEKIT_{name}_URL", NOWHERE)
    monkeypatch.setenv("CITEKIT_CACHE_DIR", str(cache))


@contextmanager
def serving(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServices]:
    """The fake services, running, with the environment the CLI reads aimed at them."""
    with running() as services:
        for variable, url in services.environment.items():
            monkeypatch.setenv(variable, url)
        yield services

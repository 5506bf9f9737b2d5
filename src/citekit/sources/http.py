"""The one HTTP client every identifier source goes through.

Being a good citizen of free services is part of the job: every request
names citekit in its User-Agent (with the user's address, when configured,
which puts DOI lookups in Crossref's "polite pool"), waits its turn behind
a per-service concurrency limit (and, for arXiv, the pause between requests
its API terms ask for), gives up after a timeout, and retries a 429 or 5xx
answer with exponential backoff, waiting what ``Retry-After`` asks when it
asks.  Answers are cached on disk, in the user's cache folder, so asking
twice costs one request; ``refresh`` re-asks and ``cache=None`` keeps
nothing.

Each base URL can be changed (``CITEKIT_DOI_URL``, ``CITEKIT_OPENLIBRARY_URL``,
``CITEKIT_ARXIV_URL``, ``CITEKIT_NCBI_URL``, or :class:`Services`), which is
how the tests run this very code against a server of their own.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citekit.base import VERSION as __version__
from citekit.base.diskcache import CACHE_ENV, cache_dir
from citekit.errors import DataError

if TYPE_CHECKING:  # httpx takes a third of a second to import: only lookups pay for it
    import httpx

#: Where the User-Agent tells service operators to look for citekit.
PROJECT_URL = "https://pypi.org/project/citekit/"

#: The environment variable holding the address sent to Crossref's polite pool.
MAILTO_ENV = "CITEKIT_MAILTO"
#: The environment variable naming the cache folder (overrides the platform's).

RETRYABLE = frozenset({429, 500, 502, 503, 504})

#: The largest answer read: a record's metadata is a few kilobytes.
MAX_BYTES = 10_000_000


class FetchError(DataError):
    """A service could not give an identifier's record; the message says why."""


@dataclass(frozen=True, slots=True)
class Service:
    """One remote service: its base URL and how hard citekit may use it.

    ``concurrency`` requests may be in flight at once; ``interval`` seconds
    separate the start of two requests (arXiv asks for 3).
    """

    name: str
    base_url: str
    concurrency: int = 2
    interval: float = 0.0
    label: str = ""

    @property
    def title(self) -> str:
        """The name messages use ("doi.org", "Open Library")."""
        return self.label or self.name

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


_DEFAULTS: dict[str, tuple[str, str, int, float, str]] = {
    # name: (environment variable, base URL, concurrency, interval, label)
    "doi": ("CITEKIT_DOI_URL", "https://doi.org", 4, 0.0, "doi.org"),
    "openlibrary": ("CITEKIT_OPENLIBRARY_URL", "https://openlibrary.org", 2, 0.0, "Open Library"),
    "arxiv": ("CITEKIT_ARXIV_URL", "http://export.arxiv.org/api", 1, 3.0, "the arXiv API"),
    "ncbi": (
        "CITEKIT_NCBI_URL",
        "https://api.ncbi.nlm.nih.gov/lit/ctxp/v1",
        3,
        0.34,
        "NCBI's citation exporter",
    ),
}


@dataclass(frozen=True, slots=True)
class Services:
    """The services sources use, each with its base URL and limits."""

    doi: Service
    openlibrary: Service
    arxiv: Service
    ncbi: Service

    @classmethod
    def from_env(
        cls, urls: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
    ) -> Services:
        """The default services, with base URLs from ``urls``, else the environment.

        A base URL changed from the default is someone else's server (a
        mirror, a test server): the arXiv pause applies only to arXiv itself.
        """
        env = os.environ if environ is None else environ
        built: dict[str, Service] = {}
        for name, (variable, default, concurrency, interval, label) in _DEFAULTS.items():
            base = (urls or {}).get(name) or env.get(variable) or default
            built[name] = Service(
                name, base, concurrency, interval if base == default else 0.0, label
            )
        return cls(**built)


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder for cached answers: citekit's cache folder, shared with parsed styles.

    That is :func:`citekit.base.diskcache.cache_dir`: ``$CITEKIT_CACHE_DIR``,
    else the platform's.
    """
    return cache_dir(environ)


class Cache:
    """Answers kept on disk, one JSON file per URL and ``Accept`` header.

    An entry older than ``max_age`` seconds counts as absent (records do
    change: a preprint gets a journal reference, a DOI its page numbers).
    A file that cannot be read or parsed is a miss, never an error; a
    write that fails is skipped, so a read-only cache never stops a lookup.
    """

    def __init__(
        self, folder: str | Path | None = None, *, max_age: float = 30 * 24 * 3600
    ) -> None:
        self.folder = Path(folder) if folder is not None else default_cache_dir()
        self.max_age = max_age

    def _path(self, url: str, accept: str) -> Path:
        digest = hashlib.sha256(f"{accept}\n{url}".encode()).hexdigest()
        return self.folder / "http" / digest[:2] / f"{digest}.json"

    def get(self, url: str, accept: str) -> str | None:
        try:
            entry = json.loads(self._path(url, accept).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("url") != url:
            return None
        fetched, body = entry.get("fetched"), entry.get("body")
        if not isinstance(fetched, (int, float)) or not isinstance(body, str):
            return None
        if time.time() - fetched > self.max_age:
            return None
        return body

    def put(self, url: str, accept: str, body: str) -> None:
        path = self._path(url, accept)
        entry = {"url": url, "accept": accept, "fetched": time.time(), "body": body}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry, handle, ensure_ascii=False)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary)


class _Gate:
    """A service's concurrency limit and the pause between its requests."""

    def __init__(self, service: Service) -> None:
        self.slots = threading.BoundedSemaphore(max(1, service.concurrency))
        self.interval = service.interval
        self.lock = threading.Lock()
        self.next_start = 0.0

    @contextlib.contextmanager
    def turn(self, sleep: Callable[[float], None]) -> Iterator[None]:
        with self.slots:
            with self.lock:
                now = time.monotonic()
                wait = self.next_start - now
                self.next_start = max(now, self.next_start) + self.interval
            if wait > 0:
                sleep(wait)
            yield


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful answer: the text, the URL asked and whether the cache gave it."""

    url: str
    text: str
    cached: bool = False


def user_agent(mailto: str | None) -> str:
    """``citekit/VERSION (URL; mailto:ADDRESS)``, the form Crossref's etiquette asks for."""
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"citekit/{__version__} (+{PROJECT_URL}{contact})"


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class HttpClient:
    """Polite GET requests with retries and a cache; one per batch of lookups.

    ``timeout`` is per request, in seconds; ``retries`` more attempts follow
    a timeout, a lost connection, a 429 or a 5xx, the n-th after
    ``backoff * 2**n`` seconds unless ``Retry-After`` says otherwise (an
    answer asking for more than ``max_wait`` seconds is not waited for).
    ``mailto`` defaults to ``$CITEKIT_MAILTO``.
    """

    services: Services = field(default_factory=Services.from_env)
    cache: Cache | None = None
    refresh: bool = False
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 60.0
    mailto: str | None = None
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    _client: httpx.Client | None = field(default=None, init=False, repr=False)
    _gates: dict[str, _Gate] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.mailto is None:
            self.mailto = os.environ.get(MAILTO_ENV) or None

    def with_services(self, services: Services) -> HttpClient:
        return replace(self, services=services)

    def _http(self) -> httpx.Client:
        import httpx

        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    timeout=self.timeout,
                    follow_redirects=True,
                    transport=self.transport,
                    headers={"User-Agent": user_agent(self.mailto)},
                )
            return self._client

    def _gate(self, service: Service) -> _Gate:
        with self._lock:
            if service.name not in self._gates:
                self._gates[service.name] = _Gate(service)
            return self._gates[service.name]

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def get(
        self, service: Service, url: str, *, accept: str, keep: Callable[[str], bool] | None = None
    ) -> Answer:
        """The body of a 200 answer to GET ``url``; raises :class:`FetchError`.

        A 404 is "not found" at once; other answers are retried as the class
        says, and the error after the last attempt names the service, the
        status or failure and how many attempts were made.  ``keep`` says
        whether an answer is worth caching (Open Library's "not found" is a
        200 with ``{}``, which should not be remembered for a month).
        """
        if self.cache is not None and not self.refresh:
            cached = self.cache.get(url, accept)
            if cached is not None:
                return Answer(url, cached, cached=True)
        text = self._fetch(service, url, accept)
        if self.cache is not None and (keep is None or keep(text)):
            self.cache.put(url, accept, text)
        return Answer(url, text)

    def _read(self, url: str, accept: str) -> tuple[httpx.Response, bytes]:
        """The response and, for a 200, its body; an answer past :data:`MAX_BYTES` is refused."""
        with self._http().stream("GET", url, headers={"Accept": accept}) as response:
            if response.status_code != 200:
                return response, b""
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FetchError(
                        f"the answer from {url} is larger than "
                        f"{MAX_BYTES // 1_000_000} MB; not a record"
                    )
            return response, bytes(body)

    @staticmethod
    def _decode(service: Service, response: httpx.Response, body: bytes) -> str:
        encoding = response.charset_encoding or "utf-8"
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise FetchError(
                f"{service.title} answered with text that is not valid {encoding} ({exc})"
            ) from exc

    def _fetch(self, service: Service, url: str, accept: str) -> str:
        import httpx

        problem = ""
        attempts = max(0, self.retries) + 1
        for attempt in range(attempts):
            wait = self.backoff * 2**attempt
            try:
                with self._gate(service).turn(self.sleep):
                    response, body = self._read(url, accept)
            except httpx.TimeoutException:
                problem = f"{service.title} did not answer within {self.timeout:g} s"
            except httpx.TransportError as exc:
                problem = (
                    f"cannot reach {service.title} at {service.base_url} "
                    f"({exc or type(exc).__name__}); are you offline?"
                )
            else:
                if response.status_code == 200:
                    return self._decode(service, response, body)
                if response.status_code == 404:
                    raise FetchError(f"{service.title} has no record of it (HTTP 404 at {url})")
                if response.status_code not in RETRYABLE:
                    raise FetchError(
                        f"{service.title} answered HTTP {response.status_code} at {url}"
                    )
                problem = f"{service.title} answered HTTP {response.status_code}"
                asked = retry_after(response.headers.get("Retry-After"))
                if asked is not None:
                    if asked > self.max_wait:
                        raise FetchError(f"{problem} and asks to wait {asked:g} s; try again later")
                    wait = asked
            if attempt + 1 < attempts:
                self.sleep(min(wait, self.max_wait))
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        raise FetchError(f"{problem} ({tries})")


__all__ = [
    "CACHE_ENV",
    "MAILTO_ENV",
    "PROJECT_URL",
    "Answer",
    "Cache",
    "FetchError",
    "HttpClient",
    "Service",
    "Services",
    "default_cache_dir",
    "retry_after",
    "user_agent",
]

"""Records from identifiers: DOI, ISBN, arXiv, PubMed and PMC.

:func:`fetch_records` takes identifiers as users write them and gives back
one :class:`FetchResult` per identifier, in order: the record, or a clear
error for that identifier alone (an invalid id, a service that is offline,
slow, overloaded or does not know it), so one bad id never costs the others.

Lookups run concurrently within each service's limit and share one
:class:`~citekit.sources.http.HttpClient`, whose on-disk cache makes a
second lookup of the same id free.  Code that resolves identifiers as it
goes (the ``[@doi:10.1000/xyz]`` citations planned for documents and
``citekit cite``) should make one client, with the cache, and pass it to
every call::

    client = HttpClient(cache=Cache())
    results = fetch_records(["doi:10.1000/xyz"], client=client)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from citekit.errors import CitekitError
from citekit.model.records import Record
from citekit.sources import arxiv, doi, isbn, pubmed
from citekit.sources.http import Cache, FetchError, HttpClient, Services
from citekit.sources.identifiers import Identifier, IdentifierError, parse_identifier

Fetcher = Callable[[Identifier, HttpClient], Record]

FETCHERS: dict[str, Fetcher] = {
    "doi": doi.fetch,
    "isbn": isbn.fetch,
    "arxiv": arxiv.fetch,
    "pmid": pubmed.fetch,
    "pmcid": pubmed.fetch,
}


@dataclass
class FetchResult:
    """One identifier's outcome: ``record`` or ``error`` (never both).

    ``query`` is the text as given; ``identifier`` is None when it did not
    parse.  ``warnings`` says what a record needs a second look for (a
    withdrawn arXiv paper); ``cached`` whether no request was made.
    """

    query: str
    identifier: Identifier | None
    record: Record | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record is not None


def _lookup(query: str, identifier: Identifier, client: HttpClient) -> FetchResult:
    try:
        if identifier.kind == "arxiv":
            entry = arxiv.fetch_entry(identifier, client)
            return FetchResult(query, identifier, entry.record, warnings=entry.warnings)
        return FetchResult(query, identifier, FETCHERS[identifier.kind](identifier, client))
    except (FetchError, CitekitError) as exc:
        return FetchResult(query, identifier, error=str(exc))
    except RecursionError:
        return FetchResult(
            query, identifier, error=f"the answer for {identifier} is nested too deeply to read"
        )
    except ValueError as exc:  # a value in the answer the model refuses
        return FetchResult(
            query, identifier, error=f"the answer for {identifier} cannot be read: {exc}"
        )


def fetch_records(
    ids: Iterable[str | Identifier],
    *,
    client: HttpClient | None = None,
    cache: Cache | bool = True,
    refresh: bool = False,
    urls: Mapping[str, str] | None = None,
    mailto: str | None = None,
    timeout: float = 20.0,
    retries: int = 3,
) -> list[FetchResult]:
    """Look up each identifier; one :class:`FetchResult` per id, in order.

    ``ids`` are texts such as ``"10.1000/xyz"``, ``"isbn:978-0-262-51087-5"``,
    ``"arXiv:2101.00001v2"``, ``"pmid:12345"`` (see
    :func:`~citekit.sources.identifiers.parse_identifier`) or parsed
    :class:`Identifier`\\ s.  An id given twice is looked up once.  Without
    ``client``, one is made with the given options: ``cache`` True uses the
    user's cache folder (a :class:`Cache` another; False none), ``refresh``
    re-asks the services, ``urls`` replaces base URLs (keys ``doi``,
    ``openlibrary``, ``arxiv``, ``ncbi``) and ``mailto`` is the address
    sent to Crossref's polite pool (default ``$CITEKIT_MAILTO``).
    """
    if isinstance(ids, str):  # one identifier, not its characters
        ids = [ids]
    owned = client is None
    if client is None:
        chosen = Cache() if cache is True else cache if isinstance(cache, Cache) else None
        client = HttpClient(
            services=Services.from_env(urls),
            cache=chosen,
            refresh=refresh,
            mailto=mailto,
            timeout=timeout,
            retries=retries,
        )
    slots: list[FetchResult | str] = []
    pending: dict[str, tuple[str, Identifier]] = {}
    for item in ids:
        query = item.curie if isinstance(item, Identifier) else str(item)
        try:
            identifier = item if isinstance(item, Identifier) else parse_identifier(item)
        except IdentifierError as exc:
            slots.append(FetchResult(query, None, error=str(exc)))
            continue
        key = f"{identifier.kind}:{identifier.key}"
        pending.setdefault(key, (query, identifier))
        slots.append(key)
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(8, len(pending)))) as pool:
            futures = {
                key: pool.submit(_lookup, query, identifier, client)
                for key, (query, identifier) in pending.items()
            }
            done = {key: future.result() for key, future in futures.items()}
    finally:
        if owned:
            client.close()
    return [slot if isinstance(slot, FetchResult) else done[slot] for slot in slots]


__all__ = [
    "FETCHERS",
    "Cache",
    "FetchError",
    "FetchResult",
    "HttpClient",
    "Identifier",
    "IdentifierError",
    "Services",
    "fetch_records",
    "parse_identifier",
]

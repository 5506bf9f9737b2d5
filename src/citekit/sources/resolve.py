"""Cited identifiers resolved into a library: ``[@doi:10.1000/xyz]`` as manubot reads it.

A document (``citekit render``, the pandoc filter) or ``citekit cite`` may
cite a work by its identifier instead of a key: ``@doi:10.1038/nature14539``,
``@isbn:978-0-262-51087-5``, ``@arxiv:2101.00001v2``, ``@pmid:26017442``,
``@pmcid:PMC3159421`` (``@{doi:...}`` for a DOI with characters a pandoc key
cannot hold).  :func:`resolve_identifiers` takes the keys cited and the
library loaded, looks up every key the library lacks that starts with one of
these prefixes, in one batch (:func:`citekit.sources.fetch_records`, through
the on-disk cache), and adds each record found to the library *in memory*,
under the key as written, so the citation and its bibliography entry render
like any other.  Nothing is written to the user's files: ``citekit add`` is
how a record joins a ``.bib`` file for good.

Only the prefixed forms count: a bare ``10.1000/xyz`` is never a key pandoc
can cite, and a key such as ``smith2020`` is never looked up.  A key the
library has wins (a ``.bib`` entry whose key is ``doi:10.1000/xyz`` is used
as it is), and a key that cannot be resolved stays unknown, with the reason
in :attr:`Resolution.failed`.  Two spellings of one identifier
(``doi:10.1038/NATURE14539`` and ``doi:10.1038/nature14539``) are one work:
the first spelling cited names the record, and :attr:`Resolution.aliases`
maps the others to it so the bibliography lists the work once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from citekit.model.citations import Cluster
from citekit.model.records import Library, Record
from citekit.ops.dedupe import record_dois, record_isbns
from citekit.sources import FetchResult, fetch_records
from citekit.sources.doi import sentence_case_titles
from citekit.sources.http import Cache, FetchError, HttpClient, Service, Services
from citekit.sources.identifiers import Identifier, IdentifierError, parse_identifier

#: The prefixes that make a cited key an identifier (compared without case).
CITED_PREFIXES: tuple[str, ...] = ("doi", "isbn", "arxiv", "pmid", "pmcid")

_CITED = re.compile(r"^(?:" + "|".join(CITED_PREFIXES) + r"):", re.IGNORECASE)


def is_identifier_key(key: str) -> bool:
    """Whether a cited key asks to be resolved: it starts ``doi:``, ``isbn:`` ... ``pmcid:``."""
    return bool(_CITED.match(key))


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A cited identifier that gave no record, and why (invalid, offline, not found)."""

    key: str
    reason: str

    def __str__(self) -> str:
        return f"cannot resolve '{self.key}': {self.reason}"


@dataclass
class Resolution:
    """What :func:`resolve_identifiers` did.

    ``resolved`` maps each cited identifier key that now has a record to the
    key of that record: itself, or the key of the same work cited first or
    already in the library (the same DOI, ISBN, PMID or PMCID, so
    ``@pmid:…`` of a paper the ``.bib`` has by its DOI is that entry);
    ``failed`` lists those that have none; ``warnings`` what a record found
    needs a second look for (a withdrawn arXiv paper).
    """

    resolved: dict[str, str] = field(default_factory=dict)
    failed: list[Unresolved] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def aliases(self) -> dict[str, str]:
        """Keys cited for a work that has another key: that key (see :attr:`resolved`)."""
        return {key: target for key, target in self.resolved.items() if key != target}

    def messages(self) -> list[str]:
        """One line per failure, then the records' warnings, for the user to read."""
        return [*(str(failure) for failure in self.failed), *self.warnings]

    def rename(self, clusters: Iterable[Cluster]) -> list[Cluster]:
        """The clusters with every aliased key replaced by the key its record has."""
        aliases = self.aliases
        if not aliases:
            return list(clusters)
        return [rename_cluster(cluster, aliases) for cluster in clusters]


def rename_cluster(cluster: Cluster, aliases: Mapping[str, str]) -> Cluster:
    """``cluster`` with each item's id looked up in ``aliases`` (kept when absent)."""
    if not any(item.id in aliases for item in cluster.items):
        return cluster
    items = tuple(
        replace(item, id=aliases[item.id]) if item.id in aliases else item for item in cluster.items
    )
    return replace(cluster, items=items)


class _CacheOnlyClient(HttpClient):
    """A client that answers from the cache and never sends a request (``--offline``).

    :meth:`HttpClient.get` reads the cache first and calls ``_fetch`` only on
    a miss, and ``_fetch`` is where every request is made: refusing there
    keeps the cache, the URLs and the error reporting of the real client.
    """

    def _fetch(self, service: Service, url: str, accept: str) -> str:
        raise FetchError(
            f"not in the cache, and offline mode asks no service ({service.title}); "
            "run once without --offline to fetch it"
        )


@dataclass
class Resolver:
    """How cited identifiers are looked up; :meth:`resolve` does it.

    ``offline`` answers only from the cache (no request is ever made);
    ``cache`` True uses the user's cache folder (``$CITEKIT_CACHE_DIR``), a
    :class:`Cache` another, False none (every lookup asks the service, and
    nothing is kept).  ``client`` shares one :class:`HttpClient` across calls
    (its cache is used then, and it is left open).  ``sentence_case`` stores
    English titles as the BibTeX reader stores typed ones, as they will be
    once ``citekit add`` has put the record in a ``.bib`` file.
    """

    offline: bool = False
    cache: Cache | bool = True
    client: HttpClient | None = None
    sentence_case: bool = True
    timeout: float = 20.0
    retries: int = 3

    def _client(self) -> tuple[HttpClient, bool]:
        """The client to use and whether this resolver made it (and must close it)."""
        if self.client is not None and not self.offline:
            return self.client, False
        if self.client is not None:
            return _CacheOnlyClient(services=self.client.services, cache=self.client.cache), True
        cache = Cache() if self.cache is True else self.cache or None
        kind = _CacheOnlyClient if self.offline else HttpClient
        made = kind(
            services=Services.from_env(), cache=cache, timeout=self.timeout, retries=self.retries
        )
        return made, True

    def resolve(self, library: Library, keys: Iterable[str]) -> Resolution:
        """Add a record for each cited identifier key ``library`` lacks; say what happened.

        All the lookups go out as one batch; the library gains the records
        found (under the keys as cited) and nothing else changes.  A work the
        library already has under another key (same DOI, ISBN, PMID or PMCID)
        is not looked up, and a record found for a work the library or an
        earlier key has is not added: :attr:`Resolution.aliases` names its key.
        """
        resolution = Resolution()
        keys = list(keys)
        wanted = _parse_keys(library, keys, resolution)
        if not wanted:
            return resolution
        owners = _owners(library)
        for same, (key, _) in list(wanted.items()):
            if same in owners:
                resolution.resolved[key] = owners[same]
                del wanted[same]
        results: list[FetchResult] = []
        if wanted:
            client, owned = self._client()
            try:
                results = fetch_records([ident for _, ident in wanted.values()], client=client)
            finally:
                if owned:
                    client.close()
        for (key, _), result in zip(wanted.values(), results, strict=True):
            self._take(library, key, result, resolution, owners)
        _alias_spellings(resolution)
        order = {key: index for index, key in reversed(list(enumerate(keys)))}
        resolution.failed.sort(key=lambda failure: order[failure.key])
        return resolution

    def _take(
        self,
        library: Library,
        key: str,
        result: FetchResult,
        out: Resolution,
        owners: dict[str, str],
    ) -> None:
        """One lookup's outcome: a failure, an alias of a work already there, or a record."""
        if result.record is None:
            out.failed.append(Unresolved(key, result.error or "no record"))
            return
        found = identities(result.record)
        owner = next((owners[same] for same in sorted(found) if same in owners), None)
        if owner is not None:
            out.resolved[key] = owner
            return
        out.warnings.extend(f"'{key}': {warning}" for warning in result.warnings)
        library.add(_as_cited(result.record, key, sentence_case=self.sentence_case))
        out.resolved[key] = key
        for same in found:
            owners.setdefault(same, key)


def identities(record: Record) -> set[str]:
    """What makes a record the same work as a cited identifier: ``doi:``, ``isbn:``, ``pmid:``,
    ``pmcid:`` and the normalised value, as :attr:`Identifier.key` spells it."""
    found = {f"doi:{doi}" for doi in record_dois(record)}
    found |= {f"isbn:{isbn}" for isbn in record_isbns(record)}
    for variable in ("PMID", "PMCID"):
        value = record.get(variable)
        if isinstance(value, (str, int)) and str(value).strip():
            found.add(f"{variable.lower()}:{str(value).strip().upper()}")
    return found


def _owners(library: Library) -> dict[str, str]:
    """Each identity the library's records have: the key of the first record with it."""
    owners: dict[str, str] = {}
    for record in library:
        for same in identities(record):
            owners.setdefault(same, record.key)
    return owners


def _parse_keys(
    library: Library, keys: Iterable[str], out: Resolution
) -> dict[str, tuple[str, Identifier]]:
    """The identifiers to look up, by ``kind:key``, each with its first spelling cited.

    Every other spelling is remembered in ``out.resolved`` (pointing at the
    first, to be confirmed once the lookup succeeds); invalid ones fail here,
    before any request.
    """
    wanted: dict[str, tuple[str, Identifier]] = {}
    seen: set[str] = set()
    for key in keys:
        if key in seen or key in library or not is_identifier_key(key):
            continue
        seen.add(key)
        try:
            identifier = parse_identifier(key)
        except IdentifierError as exc:
            out.failed.append(Unresolved(key, str(exc)))
            continue
        same = f"{identifier.kind}:{identifier.key}"
        if same in wanted:
            out.resolved[key] = wanted[same][0]
        else:
            wanted[same] = (key, identifier)
    return wanted


def _alias_spellings(out: Resolution) -> None:
    """Other spellings follow their first: to its record's key, or into its failure."""
    reasons = {failure.key: failure.reason for failure in out.failed}
    for key, target in list(out.resolved.items()):
        if key == target:
            continue
        if target in reasons:
            del out.resolved[key]
            out.failed.append(Unresolved(key, reasons[target]))
        else:
            out.resolved[key] = out.resolved.get(target, target)


def _as_cited(record: Record, key: str, *, sentence_case: bool) -> Record:
    """The record found, under the key as cited (titles as a ``.bib`` file's would be)."""
    prepared = sentence_case_titles(record) if sentence_case else record.copy()
    prepared.id = key
    return prepared


def resolve_identifiers(
    library: Library, keys: Iterable[str], resolver: Resolver | None = None
) -> Resolution:
    """Resolve the cited identifier keys ``library`` lacks into it (see :class:`Resolver`).

    The function a document renderer, the pandoc filter or ``citekit cite``
    calls with every key it cites (``nocite`` included): afterwards each
    resolved key is in ``library``; apply :meth:`Resolution.rename` to the
    clusters when :attr:`Resolution.aliases` is not empty, and show
    :meth:`Resolution.messages` as warnings.
    """
    return (resolver or Resolver()).resolve(library, keys)


__all__ = [
    "CITED_PREFIXES",
    "Resolution",
    "Resolver",
    "Unresolved",
    "identities",
    "is_identifier_key",
    "rename_cluster",
    "resolve_identifiers",
]

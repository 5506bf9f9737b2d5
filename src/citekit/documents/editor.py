"""A live document for editors: clusters change one at a time, renderings ripple.

A word processor plugin holds the citations of the document being written.
When the writer inserts a citation near the start, later ones may change:
"Ibid." becomes a short form, "Doe 2000" becomes "Doe 2000a", numbers
shift.  :class:`CitationDocument` keeps the ordered clusters, re-renders
after each change and returns only what changed, so the editor touches only
those fields.

Every change re-renders the whole document through :func:`citekit.render.render`
(CSL positions and disambiguation are global, so a partial re-render would
be wrong in general), but cheaply: only the records the document cites (plus
any extra bibliography keys) reach the engine, the style is loaded once, the
bibliography is rendered again only when the cited records or the order of
their first citations changed, and the diff against the previous renderings
is by stable cluster id.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from citekit.errors import UsageError
from citekit.formats.citesyntax import parse_cluster
from citekit.model.records import Library
from citekit.render import BibEntry, CiteItem, Cluster, Engine, render, unknown_keys
from citekit.render.api import normalise_item, normalise_keys, to_cluster, unknown_key_problem
from citekit.render.quoted import quoting_closure
from citekit.render.types import Problem
from citekit.styles.catalog import DEFAULT_LOCALE, DEFAULT_STYLE, Style, find_style, resolve_locale


@dataclass(frozen=True, slots=True)
class RenderedCluster:
    """One cluster's current rendering, with where it sits."""

    id: str
    index: int
    text: str
    note_number: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "index": self.index,
            "text": self.text,
            "note-number": self.note_number,
        }


@dataclass(frozen=True, slots=True)
class Update:
    """What one change did: the clusters to redraw and whether the bibliography changed.

    ``changed`` holds every cluster whose text or note number is new (the
    added or edited one always); ``removed`` the ids that are gone;
    ``bibliography`` the new bibliography when it changed, else None;
    ``warnings`` what went wrong as text and ``problems`` the same as
    :class:`~citekit.render.types.Problem` objects (an unknown key with
    the closest keys as ``suggestions``).
    """

    changed: tuple[RenderedCluster, ...] = ()
    removed: tuple[str, ...] = ()
    bibliography_changed: bool = False
    bibliography: tuple[BibEntry, ...] | None = None
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "changed": [c.to_json() for c in self.changed],
            "removed": list(self.removed),
            "bibliography-changed": self.bibliography_changed,
            "bibliography": None
            if self.bibliography is None
            else [{"id": e.id, "text": e.text} for e in self.bibliography],
            "warnings": list(self.warnings),
            "problems": [p.to_json() for p in self.problems],
        }


MAX_CITES_PER_CLUSTER = 500
"""The most cites one cluster may hold.

Real citations hold a handful of works; rendering cost grows with the
cites (20,000 distinct works in one cluster took about 14 s, most of it the
engine rendering and disambiguating every work and the bibliography), so an
editor or a server request cannot tie the process up with one absurd
cluster.  More is refused with a :class:`UsageError` that says so.
"""


def check_cluster_size(count: int) -> None:
    """Refuse a cluster of more than :data:`MAX_CITES_PER_CLUSTER` cites, saying so."""
    if count > MAX_CITES_PER_CLUSTER:
        raise UsageError(
            f"a cluster holds {count:,} cites; the most one cluster may hold is "
            f"{MAX_CITES_PER_CLUSTER:,} (split it into several clusters)"
        )


ClusterInput = Cluster | CiteItem | str | Sequence[str]
"""A cluster, one cite, pandoc citation text (``[see @a, p. 3]``), or a list of keys.

Keys may be written with or without ``@`` (``["a", "@b"]``).
"""


class CitationDocument:
    """The ordered citation clusters of one document, rendered as they change.

    Args:
        library: the records that can be cited.
        style: a style name, ``.csl`` path or :class:`Style`.
        locale: overrides the style's default locale.
        engine: the CSL engine (default: :func:`render`'s).
        output: ``text``, ``html``, ``markdown`` or ``latex``.
        bibliography_keys: entries the bibliography shows even when uncited.

    In a note style every cluster is a note of its own: its note number is
    its position plus one unless the cluster gives one.

    Example:
        >>> lib = Library.from_json([{"id": "a", "type": "book", "title": "T",
        ...     "author": [{"family": "Doe", "given": "J."}],
        ...     "issued": {"date-parts": [[2000]]}}])
        >>> doc = CitationDocument(lib, "apa")
        >>> [c.text for c in doc.add("[@a, p. 3]").changed]
        ['(Doe, 2000, p. 3)']
    """

    def __init__(
        self,
        library: Library,
        style: str | Path | Style = DEFAULT_STYLE,
        *,
        locale: str | None = None,
        engine: str | Engine | None = None,
        output: str = "text",
        bibliography_keys: Iterable[str] = (),
    ) -> None:
        self.library = library
        self.style = find_style(style)
        self.locale = locale
        self.engine = engine
        self.output = output
        self.bibliography_keys = normalise_keys(bibliography_keys, library)
        self._clusters: list[Cluster] = []
        self._ids = itertools.count(1)
        self._rendered: dict[str, RenderedCluster] = {}
        self._bibliography: tuple[BibEntry, ...] = ()
        self._bibliography_signature: tuple[str, ...] | None = None
        self.warnings: list[str] = []
        self.problems: list[Problem] = []
        self._syntax_locale = (
            resolve_locale(locale or self.style.default_locale or DEFAULT_LOCALE) or DEFAULT_LOCALE
        )

    # -- reading -----------------------------------------------------------
    @property
    def clusters(self) -> list[Cluster]:
        """The clusters in document order (each with its id)."""
        return list(self._clusters)

    def __len__(self) -> int:
        return len(self._clusters)

    def rendered(self) -> list[RenderedCluster]:
        """Every cluster's current rendering, in order."""
        return [self._rendered[c.id] for c in self._clusters if c.id is not None]

    @property
    def bibliography(self) -> tuple[BibEntry, ...]:
        return self._bibliography

    def index_of(self, ref: int | str) -> int:
        """The position of a cluster given by id or index (negative counts from the end)."""
        if isinstance(ref, int) and not isinstance(ref, bool):
            index = ref + len(self._clusters) if ref < 0 else ref
            if not 0 <= index < len(self._clusters):
                raise UsageError(
                    f"no cluster at index {ref} (the document has {len(self._clusters)})"
                )
            return index
        for index, cluster in enumerate(self._clusters):
            if cluster.id == ref:
                return index
        raise UsageError(f"no cluster with id '{ref}'")

    # -- changes -----------------------------------------------------------
    def add(self, cluster: ClusterInput) -> Update:
        """Append a cluster at the end of the document."""
        return self.insert(len(self._clusters), cluster)

    def extend(self, clusters: Iterable[ClusterInput]) -> Update:
        """Append many clusters with one rendering (opening a document)."""
        added: list[Cluster] = []
        for cluster in clusters:
            prepared = self._prepare(cluster)
            self._clusters.append(prepared)
            added.append(prepared)
        return self._refresh(touched={c.id or "" for c in added})

    def insert(self, index: int, cluster: ClusterInput) -> Update:
        """Insert a cluster before position ``index`` (the end when it is past the end)."""
        prepared = self._prepare(cluster)
        position = max(
            0, min(index if index >= 0 else len(self._clusters) + index + 1, len(self._clusters))
        )
        self._clusters.insert(position, prepared)
        return self._refresh(touched={prepared.id or ""})

    def update(self, ref: int | str, cluster: ClusterInput) -> Update:
        """Replace a cluster's cites (it keeps its id and place)."""
        index = self.index_of(ref)
        old = self._clusters[index]
        prepared = self._prepare(cluster, keep_id=old.id)
        self._clusters[index] = prepared
        return self._refresh(touched={prepared.id or ""})

    def remove(self, ref: int | str) -> Update:
        """Take a cluster out (by id or index)."""
        removed = self._clusters.pop(self.index_of(ref))
        self._rendered.pop(removed.id or "", None)
        update = self._refresh(touched=set())
        return replace(update, removed=(removed.id or "",))

    def move(self, ref: int | str, to: int) -> Update:
        """Move a cluster (by id or index) to position ``to``."""
        cluster = self._clusters.pop(self.index_of(ref))
        position = max(0, min(to, len(self._clusters)))
        self._clusters.insert(position, cluster)
        return self._refresh(touched={cluster.id or ""})

    def set_style(self, style: str | Path | Style) -> Update:
        """Switch styles: every cluster re-renders."""
        self.style = find_style(style)
        self._rendered.clear()
        self._bibliography_signature = None
        return self._refresh(touched=set())

    # -- internals ---------------------------------------------------------
    def _prepare(self, cluster: ClusterInput, keep_id: str | None = None) -> Cluster:
        if isinstance(cluster, str):  # a syntax error here is CitationSyntaxError
            parsed = parse_cluster(cluster, self._syntax_locale)
        else:  # keys (with or without @), cite text, items: as citekit.cite() reads them
            parsed = to_cluster(cluster, self.library, self._syntax_locale)
        parsed = replace(parsed, items=tuple(normalise_item(i, self.library) for i in parsed.items))
        if not parsed.items:
            raise UsageError("a cluster needs at least one cite")
        check_cluster_size(len(parsed.items))
        ident = keep_id or parsed.id
        if ident is None:
            ident = self._new_id()
        elif keep_id is None and any(c.id == ident for c in self._clusters):
            raise UsageError(f"a cluster with id '{ident}' is already in the document")
        return replace(parsed, id=str(ident))

    def _new_id(self) -> str:
        taken = {c.id for c in self._clusters}
        while True:
            candidate = f"c{next(self._ids)}"
            if candidate not in taken:
                return candidate

    def _engine_clusters(self) -> list[Cluster]:
        if not self.style.is_note:
            return self._clusters
        return [
            c if c.note_number is not None else replace(c, note_number=i + 1)
            for i, c in enumerate(self._clusters)
        ]

    def _refresh(self, touched: set[str]) -> Update:
        clusters = self._engine_clusters()
        cited = dict.fromkeys(i.id for c in clusters for i in c.items if i.id in self.library)
        extra = [k for k in self.bibliography_keys if k in self.library]
        subset = Library(self.library[k] for k in quoting_closure(self.library, [*cited, *extra]))
        problems = [
            unknown_key_problem(key, self.library, "bibliography")
            for key in self.bibliography_keys
            if key not in self.library
        ]
        problems += [
            unknown_key_problem(key, self.library) for key in unknown_keys(self.library, clusters)
        ]
        # The bibliography depends only on which records are cited and in what
        # order they first appear (numbering); skip it when neither changed.
        signature = (*cited, "", *extra)
        with_bibliography = signature != self._bibliography_signature
        result = render(
            subset,
            self.style,
            citations=clusters,
            locale=self.locale,
            output=self.output,
            engine=self.engine,
            bibliography=with_bibliography,
            bibliography_keys=extra,
        )
        self._bibliography_signature = signature
        changed: list[RenderedCluster] = []
        fresh: dict[str, RenderedCluster] = {}
        for index, (cluster, text) in enumerate(zip(clusters, result.citations, strict=True)):
            ident = cluster.id or ""
            now = RenderedCluster(ident, index, text, cluster.note_number)
            before = self._rendered.get(ident)
            fresh[ident] = now
            if (
                ident in touched
                or before is None
                or before.text != text
                or before.note_number != now.note_number
            ):
                changed.append(now)
        self._rendered = fresh
        bibliography = tuple(result.bibliography) if with_bibliography else self._bibliography
        bib_changed = [(e.id, e.text) for e in bibliography] != [
            (e.id, e.text) for e in self._bibliography
        ]
        self._bibliography = bibliography
        problems += [p for p in result.problems if p.code != "unknown-key"]
        self.problems = problems
        self.warnings = [p.message for p in problems]
        return Update(
            changed=tuple(changed),
            bibliography_changed=bib_changed,
            bibliography=bibliography if bib_changed else None,
            warnings=tuple(self.warnings),
            problems=tuple(problems),
        )


__all__ = [
    "MAX_CITES_PER_CLUSTER",
    "CitationDocument",
    "ClusterInput",
    "RenderedCluster",
    "Update",
    "check_cluster_size",
]

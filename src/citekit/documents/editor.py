"""A live document for editors: clusters change one at a time, renderings ripple.

A word processor plugin holds the citations of the document being written.
When the writer inserts a citation near the start, later ones may change:
"Ibid." becomes a short form, "Doe 2000" becomes "Doe 2000a", numbers
shift.  :class:`CitationDocument` keeps the ordered clusters, re-renders
after each change and returns only what changed, so the editor touches only
those fields.

With citekit's own engine (the default) the document keeps an engine
session (:class:`~citekit.render.csl.session.CslSession`): one processor
whose positions, item numbers, disambiguation states and per-cluster
renderings survive between edits, so an edit redoes only what it can change
(positions from the edited cluster on, disambiguation when the cited items
or their first notes change, the clusters whose inputs changed, the
bibliography when its entries' inputs changed).  The records go to the
session once each, as they are first cited.  Documents citing quotation
records or biblatex sets (passes around the engine), and other engines, go
through :func:`citekit.render.render` after each change instead, keeping
what does not depend on the edit: the records the document cites (rebuilt
only when the cited keys change), and the bibliography, rendered again only
when the cited records or the order of their first citations changed.

Either way an edit that changes nothing (the same cites again, a move to
where the cluster already is) answers from the kept renderings; a whole
document opens with one rendering (:meth:`CitationDocument.open`); and the
diff against the previous renderings is by stable cluster id.  Results are
those of a fresh :func:`~citekit.render.render` of the same clusters
(tests/documents/test_editor_incremental.py).
"""

from __future__ import annotations

import gc
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from citekit.errors import UsageError
from citekit.formats.citesyntax import parse_cluster
from citekit.model.records import Library, Record
from citekit.ops.entrysets import entry_set_members
from citekit.ops.quotations import is_quotation
from citekit.render import BibEntry, CiteItem, Cluster, Engine, render, richtext
from citekit.render.api import (
    engine_item,
    get_engine,
    normalise_item,
    normalise_keys,
    serialise,
    to_cluster,
    unknown_key_problem,
)
from citekit.render.csl.engine import CslEngine
from citekit.render.csl.session import CslSession
from citekit.render.quoted import quoting_closure
from citekit.render.richtext import Rich, Span, Text
from citekit.render.types import Problem
from citekit.styles.catalog import (
    DEFAULT_LOCALE,
    DEFAULT_STYLE,
    Style,
    find_style,
    locale_loader,
    resolve_locale,
)


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
        clusters: the document's clusters, rendered at once (as :meth:`open`).

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
        clusters: Iterable[ClusterInput] = (),
    ) -> None:
        self.library = library
        self.style = find_style(style)
        self.locale = locale
        self.engine = engine
        self.output = output
        self.bibliography_keys = normalise_keys(bibliography_keys, library)
        self._clusters: list[Cluster] = []
        self._next_id = 1  # an int, not a counter: a failed change puts it back
        self._given_ids: set[str] = set()  # ids the caller gave clusters
        # The keys each cluster cites that the library lacks (clusters with any).
        self._unknown_in: dict[str, tuple[str, ...]] = {}
        # What each cluster shows, by id: its text and note number.
        self._shown: dict[str, tuple[str, int | None]] = {}
        self._bibliography: tuple[BibEntry, ...] = ()
        self._bibliography_signature: tuple[str, ...] | None = None
        self._bibliography_problems: list[Problem] = []
        # The engine session (citekit's engine) and the records it was given.
        self._session: CslSession | None = None
        self._session_records: dict[str, Record] = {}
        self._session_warnings: list[Problem] = []
        self._plain: dict[str, tuple[object, bool]] = {}
        # Listed entries by key, while the session gives the same tree (None: left out).
        self._entries: dict[str, tuple[Rich, BibEntry | None]] = {}
        self.warnings: list[str] = []
        self.problems: list[Problem] = []
        self._syntax_locale = (
            resolve_locale(locale or self.style.default_locale or DEFAULT_LOCALE) or DEFAULT_LOCALE
        )
        # The engine's share of the library, kept while the cited keys stay the same.
        self._subset_keys: tuple[str, ...] | None = None
        self._subset = Library()
        given = list(clusters)
        if given:
            self.open(given)
        else:  # the engine session is ready before the first edit (style parsed, locale merged)
            self._session_for([])

    # -- reading -----------------------------------------------------------
    @property
    def clusters(self) -> list[Cluster]:
        """The clusters in document order (each with its id)."""
        return list(self._clusters)

    def __len__(self) -> int:
        return len(self._clusters)

    def rendered(self) -> list[RenderedCluster]:
        """Every cluster's current rendering, in order."""
        return [self._rendered_at(i) for i in range(len(self._clusters))]

    @property
    def bibliography(self) -> tuple[BibEntry, ...]:
        return self._bibliography

    def index_of(self, ref: int | str) -> int:
        """The position of a cluster given by id or index.

        A negative index is refused, as by :meth:`insert` and :meth:`move`:
        Python's meaning differs between them (``list.insert(-1)`` goes
        before the last, an index of -1 is the last), and an editor sending
        one has lost track of the document.
        """
        if isinstance(ref, int) and not isinstance(ref, bool):
            index = _position(ref, "index")
            if index >= len(self._clusters):
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

    def open(self, clusters: Iterable[ClusterInput]) -> Update:
        """Replace every cluster with ``clusters``, rendered once (opening a saved document).

        Everything given is checked before anything changes: a bad cluster
        raises and leaves the document as it was.  The answer lists every
        new cluster as changed and the ids that are gone as removed.
        """
        previous = [c.id or "" for c in self._clusters]
        kept = (self._clusters, self._shown, self._unknown_in, self._next_id)
        self._clusters, self._shown, self._unknown_in = [], {}, {}

        def undo() -> None:
            self._clusters, self._shown, self._unknown_in, self._next_id = kept

        self._append_prepared(clusters, undo)
        prepared = list(self._clusters)
        update = self._change(undo, touched={c.id or "" for c in prepared}, first=0)
        now = {c.id for c in prepared}
        return replace(update, removed=tuple(i for i in previous if i not in now))

    def extend(self, clusters: Iterable[ClusterInput]) -> Update:
        """Append many clusters with one rendering (opening a document).

        All or nothing, as :meth:`open`: a bad cluster (or a failed
        rendering) raises and leaves the document as it was.
        """
        first = len(self._clusters)
        next_id = self._next_id

        def undo() -> None:
            del self._clusters[first:]
            self._next_id = next_id

        self._append_prepared(clusters, undo)
        added = self._clusters[first:]
        return self._change(undo, touched={c.id or "" for c in added}, first=first)

    def _append_prepared(self, clusters: Iterable[ClusterInput], undo: Callable[[], None]) -> None:
        """Append each cluster as it is prepared (a later one must not reuse an earlier's id);
        a bad one undoes the lot and raises, so nothing half-added is left behind."""
        try:
            for cluster in clusters:
                self._clusters.append(self._prepare(cluster))
        except BaseException:
            undo()
            raise

    def insert(self, index: int, cluster: ClusterInput) -> Update:
        """Insert a cluster before position ``index`` (the end when it is past the end).

        A negative ``index`` is refused (see :meth:`index_of`).
        """
        position = min(_position(index, "index"), len(self._clusters))
        next_id = self._next_id
        prepared = self._prepare(cluster)

        def undo() -> None:
            del self._clusters[position]
            self._next_id = next_id

        self._clusters.insert(position, prepared)
        return self._change(undo, touched={prepared.id or ""}, first=position)

    def update(self, ref: int | str, cluster: ClusterInput) -> Update:
        """Replace a cluster's cites (it keeps its id and place)."""
        index = self.index_of(ref)
        old = self._clusters[index]
        prepared = self._prepare(cluster, keep_id=old.id)
        if prepared == old:  # typing inside a citation often sends it unchanged
            return self._unchanged(index)

        def undo() -> None:
            self._clusters[index] = old

        self._clusters[index] = prepared
        return self._change(undo, touched={prepared.id or ""}, first=index, moved=index + 1)

    def remove(self, ref: int | str) -> Update:
        """Take a cluster out (by id or index)."""
        index = self.index_of(ref)
        removed = self._clusters.pop(index)
        ident = removed.id or ""
        shown = self._shown.pop(ident, None)
        unknown = self._unknown_in.pop(ident, None)

        def undo() -> None:
            self._clusters.insert(index, removed)
            if shown is not None:
                self._shown[ident] = shown
            if unknown is not None:
                self._unknown_in[ident] = unknown

        update = self._change(undo, touched=set(), first=index)
        return replace(update, removed=(ident,))

    def move(self, ref: int | str, to: int) -> Update:
        """Move a cluster (by id or index) to position ``to`` (the end when past it).

        A negative ``to`` is refused (see :meth:`index_of`).
        """
        wanted = _position(to, "position")
        index = self.index_of(ref)
        cluster = self._clusters.pop(index)
        position = min(wanted, len(self._clusters))
        self._clusters.insert(position, cluster)
        if position == index:
            return self._unchanged(index)

        def undo() -> None:
            del self._clusters[position]
            self._clusters.insert(index, cluster)

        return self._change(
            undo,
            touched={cluster.id or ""},
            first=min(index, position),
            moved=max(index, position) + 1,
        )

    def set_style(self, style: str | Path | Style) -> Update:
        """Switch styles: every cluster re-renders."""
        new = find_style(style)
        kept = (self.style, self._shown)

        def undo() -> None:
            self.style, self._shown = kept

        self.style, self._shown = new, {}
        self._bibliography_signature = None
        self._session = None
        return self._change(undo, touched=set(), first=0)

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
        elif keep_id is None:
            if any(c.id == ident for c in self._clusters):
                raise UsageError(f"a cluster with id '{ident}' is already in the document")
            self._given_ids.add(str(ident))
        return replace(parsed, id=str(ident))

    def _new_id(self) -> str:
        """The next ``c<n>`` no cluster has (only ids given by the caller can clash)."""
        while True:
            candidate = f"c{self._next_id}"
            self._next_id += 1
            if candidate not in self._given_ids or all(c.id != candidate for c in self._clusters):
                return candidate

    def _unchanged(self, index: int) -> Update:
        """The answer to an edit that changes nothing: the cluster as it is rendered now."""
        return Update(
            changed=(self._rendered_at(index),),
            warnings=tuple(self.warnings),
            problems=tuple(self.problems),
        )

    def _library_subset(self, keys: list[str]) -> Library:
        """The records the engine needs (``keys`` and what they quote).

        Rebuilt only when the keys, their records or the library's size
        change: finding what the records quote walks the library (5 ms for
        200 keys of a 6,000-record library), more than an edit should cost.
        """
        signature = (
            *keys,
            "",
            str(len(self.library)),
            *(str(id(self.library.get(k))) for k in keys),
        )
        if signature != self._subset_keys:
            closure = quoting_closure(self.library, keys)
            self._subset = Library(self.library[k] for k in closure)
            self._subset_keys = signature
        return self._subset

    def _engine_clusters(self) -> list[Cluster]:
        if not self.style.is_note:
            return self._clusters
        return [
            c if c.note_number is not None else replace(c, note_number=i + 1)
            for i, c in enumerate(self._clusters)
        ]

    def _scan_all(self) -> tuple[dict[str, None], dict[str, None]]:
        """The cited keys the library has and those it lacks, each once, in order."""
        library = self.library
        cited: dict[str, None] = {}
        unknown: dict[str, None] = {}
        self._unknown_in = {}
        for cluster in self._clusters:
            missing = []
            for item in cluster.items:
                if item.id in library:
                    cited[item.id] = None
                else:
                    unknown[item.id] = None
                    missing.append(item.id)
            if missing:
                self._unknown_in[cluster.id or ""] = tuple(missing)
        return cited, unknown

    def _scan_touched(
        self, touched: set[str], first: int
    ) -> tuple[dict[str, None], dict[str, None]] | None:
        """Like :meth:`_scan_all` for a change while the session holds every cited
        record: only the touched clusters (all at ``first`` or after) can cite a key
        the session lacks, so "cited" holds only those.  None when a key a cluster
        lacked is in the library now (everything must be looked at again)."""
        library = self.library
        known = self._session_records
        unknown_in = self._unknown_in
        if any(k in library for keys in unknown_in.values() for k in keys):
            return None
        cited: dict[str, None] = {}
        for _, cluster in _touched_clusters(self._clusters, touched, first):
            ident = cluster.id or ""
            missing = []
            for item in cluster.items:
                key = item.id
                if key in known:
                    continue
                if key in library:
                    cited[key] = None
                else:
                    missing.append(key)
            if missing:
                unknown_in[ident] = tuple(missing)
            else:
                unknown_in.pop(ident, None)
        unknown: dict[str, None] = {}
        if unknown_in:
            for cluster in self._clusters:
                unknown.update(dict.fromkeys(unknown_in.get(cluster.id or "", ())))
        return cited, unknown

    def _note_number(self, index: int, cluster: Cluster) -> int | None:
        """The cluster's note: its own, else (in a note style) its place plus one."""
        if cluster.note_number is not None or not self.style.is_note:
            return cluster.note_number
        return index + 1

    def _rendered_at(self, index: int) -> RenderedCluster:
        cluster = self._clusters[index]
        ident = cluster.id or ""
        text = self._shown[ident][0]
        return RenderedCluster(ident, index, text, self._note_number(index, cluster))

    def _change(
        self, undo: Callable[[], None], touched: set[str], first: int, moved: int | None = None
    ) -> Update:
        """:meth:`_refresh` after a change, which ``undo`` takes back if rendering fails.

        The document is then as before the change (a server answers the
        request with an error and serves the next as usual).  The engine
        session may have seen the change, so it goes: the next change
        renders the whole document once and builds a new one.  Nothing is
        copied beforehand, so the rollback costs only when it happens.
        """
        try:
            return self._refresh(touched, first, moved)
        except BaseException:
            undo()
            self._session = None
            self._session_records = {}
            raise

    def _refresh(self, touched: set[str], first: int, moved: int | None = None) -> Update:
        """Render after a change; ``self._clusters[:first]`` are the clusters of last time.

        Clusters from ``first`` up to ``moved`` (the end when None) may have
        moved, and so changed note numbers; the others change only if their
        rendering does.  The cycle collector waits meanwhile: an edit
        allocates many small acyclic objects, and a collection that starts
        during it scans every object the document keeps (as the engine's
        own runs, :func:`~citekit.render.csl.engine.CslEngine.process`).
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._render_change(touched, first, moved)
        finally:
            if collecting:
                gc.enable()

    def _render_change(self, touched: set[str], first: int, moved: int | None) -> Update:
        library = self.library
        scanned = self._scan_touched(touched, first) if self._session_current() else None
        if scanned is None:
            cited, unknown = self._scan_all()
            first = 0
        else:
            cited, unknown = scanned
        extra = [k for k in self.bibliography_keys if k in library]
        problems = [
            unknown_key_problem(key, library, "bibliography")
            for key in self.bibliography_keys
            if key not in library
        ]
        problems += [unknown_key_problem(key, library) for key in unknown]
        session = self._session_for([*cited, *extra])
        texts: dict[int, str] | None = None
        if session is not None:
            try:
                texts, bibliography, more = self._session_render(
                    session, first, extra, touched, bool(self._unknown_in)
                )
                self._bibliography_signature = None  # render() kept none of this
            except Exception:  # an engine bug: the whole render reports it
                self._session = None
        if texts is None:
            first = 0
            if scanned is not None:  # only the new keys were looked at
                cited, unknown = self._scan_all()
            texts, bibliography, more = self._render_all(cited, extra)
        changed: list[RenderedCluster] = []
        shown = self._shown
        stop = len(self._clusters) if moved is None else min(moved, len(self._clusters))
        for index in sorted({*texts, *range(first, stop)}):
            cluster = self._clusters[index]
            ident = cluster.id or ""
            before = shown.get(ident)
            text = texts.get(index)
            if text is None:
                assert before is not None  # a new or edited cluster is always in texts
                text = before[0]
            now = (text, self._note_number(index, cluster))
            if ident in touched or before != now:
                changed.append(RenderedCluster(ident, index, text, now[1]))
                shown[ident] = now
        bib_changed = not _same_entries(bibliography, self._bibliography)
        self._bibliography = bibliography
        problems += more + self._bibliography_problems
        self.problems = problems
        self.warnings = [p.message for p in problems]
        return Update(
            changed=tuple(changed),
            bibliography_changed=bib_changed,
            bibliography=bibliography if bib_changed else None,
            warnings=tuple(self.warnings),
            problems=tuple(problems),
        )

    # -- the engine session (citekit's engine) ---------------------------------
    def _engine_locale(self) -> str:
        wanted = self.locale or self.style.default_locale or DEFAULT_LOCALE
        return resolve_locale(wanted, fallback=False) or wanted

    def _is_plain(self, key: str) -> bool:
        """Whether the engine alone renders the record (no "quoted in", no set)."""
        record = self.library[key]
        kept = self._plain.get(key)
        if kept is None or kept[0] is not record:
            plain = not is_quotation(record) and entry_set_members(record) is None
            kept = self._plain[key] = (record, plain)
        return kept[1]

    def _engine_is_citekit(self) -> bool:
        """Whether the engine is citekit's own (not a subclass, which may render
        otherwise); an unknown engine name is render()'s to report."""
        try:
            return type(get_engine(self.engine)) is CslEngine
        except UsageError:
            return False

    def _session_current(self) -> bool:
        """Whether there is a session and its records are still the library's.

        A record replaced or removed since it was given to the session ends
        the session (checked once per change).
        """
        if self._session is None:
            return False
        records = self._session_records
        lookup = self.library.as_mapping().get  # in C: one pass, no Python call per key
        if not all(map(operator.is_, map(lookup, records), records.values())):
            self._session = None
            self._session_records = {}
            return False
        return True

    def _session_for(self, keys: list[str]) -> CslSession | None:
        """The engine session with every record of ``keys``, or None where none can serve.

        None for other engines, broken styles and documents citing quotation
        records or sets (their passes run around the engine in render()).
        The caller has checked the session's records (:meth:`_session_current`).
        """
        session = self._session
        records = self._session_records
        # the session holds only records checked plain: check the others
        if not all(self._is_plain(key) for key in keys if session is None or key not in records):
            self._session = None
            return None
        if session is None and not self._engine_is_citekit():
            return None
        if session is None:
            try:
                session = CslEngine().session(
                    [], self.style.xml, locale=self._engine_locale(), locale_loader=locale_loader
                )
            except Exception:  # a broken style: render() reports it
                return None
            records = self._session_records = {}
            self._session = session
        new = [key for key in keys if key not in records]
        if new:
            session.add_items(engine_item(self.library[key]) for key in new)
            records.update((key, self.library[key]) for key in new)
        return session

    def _session_render(
        self,
        session: CslSession,
        first: int,
        extra: list[str],
        touched: set[str],
        any_unknown: bool,
    ) -> tuple[dict[int, str], tuple[BibEntry, ...], list[Problem]]:
        """The texts of the clusters whose rendering changed, the bibliography, problems."""
        library = self.library
        if not any_unknown:  # the engine sees the document's own clusters
            out = session.process(self._clusters, first, bibliography_ids=extra)
            where: Sequence[int] = range(len(self._clusters))
        else:
            stream, where, stream_first = self._stream(first)
            out = session.process(stream, stream_first, bibliography_ids=extra)
        reported = {where[i] for i in out.citations}
        reported.update(i for i, _ in _touched_clusters(self._clusters, touched, first))
        if any_unknown:
            engine_index = {doc: i for i, doc in enumerate(where) if doc in reported}
        else:
            engine_index = {doc: doc for doc in reported}
        texts: dict[int, str] = {}
        for index in reported:
            cluster = self._clusters[index]
            parts: list[Rich] = []
            if index in engine_index:
                parts.append(session.citation(engine_index[index]))
            parts.extend(_unknown_marker(i.id) for i in cluster.items if i.id not in library)
            tree = parts[0] if len(parts) == 1 else _join(parts)
            texts[index] = serialise(tree, self.output)
        bibliography = self._bibliography  # None from the session: unchanged ...
        if out.bibliography is not None:
            bibliography = self._listed(out.bibliography)
        elif session.style.bibliography is None:  # ... or none at all (after set_style)
            bibliography = ()
            self._bibliography_problems = []
        problems: list[Problem] = []
        if self.locale and resolve_locale(self.locale, fallback=False) is None:
            problems.append(
                Problem(
                    "unknown-locale",
                    f"no locale file for '{self.locale}'; falling back to {DEFAULT_LOCALE}",
                    key=self.locale,
                )
            )
        problems += [Problem("warning", w) for w in out.warnings]
        return texts, bibliography, problems

    def _stream(self, first: int) -> tuple[list[Cluster], list[int], int]:
        """The clusters the engine sees when some cite an unknown key, as render() sends
        them (unknown cites left out, clusters with none known dropped); the document
        index of each; how many come before the document's cluster ``first``."""
        library = self.library
        stream: list[Cluster] = []
        where: list[int] = []
        stream_first = 0
        for index, cluster in enumerate(self._clusters):
            items = cluster.items
            if not all(i.id in library for i in items):
                items = tuple(i for i in items if i.id in library)
                if not items:
                    continue  # render() sends the engine no cluster without a known cite
                cluster = replace(cluster, items=items)
            if index < first:
                stream_first += 1
            stream.append(cluster)
            where.append(index)
        if self.style.is_note and len(stream) < len(self._clusters):
            # notes follow the document, not the engine's clusters
            stream = [
                c if c.note_number is not None else replace(c, note_number=where[i] + 1)
                for i, c in enumerate(stream)
            ]
        return stream, where, stream_first

    def _listed(self, entries: Sequence[tuple[str, Rich]]) -> tuple[BibEntry, ...]:
        """The engine's entries as render() lists them (empty ones left out, with a problem)."""
        listed: list[BibEntry] = []
        self._bibliography_problems = []
        for key, tree in entries:
            kept = self._entries.get(key)
            if kept is None or kept[0] is not tree:  # the session keeps unchanged trees
                printed = bool(richtext.plain(tree).strip())
                entry = BibEntry(key, tree, serialise(tree, self.output)) if printed else None
                kept = self._entries[key] = (tree, entry)
            entry = kept[1]
            if entry is None:
                self._bibliography_problems.append(
                    Problem(
                        "no-printed-form",
                        f"entry '{key}' has no printed form in this style; left out",
                        key=key,
                    )
                )
                continue
            listed.append(entry)
        return tuple(listed)

    # -- other engines: render() after each change -----------------------------
    def _render_all(
        self, cited: dict[str, None], extra: list[str]
    ) -> tuple[dict[int, str], tuple[BibEntry, ...], list[Problem]]:
        """Every cluster's text, the bibliography and the problems, through render()."""
        clusters = self._engine_clusters()
        subset = self._library_subset([*cited, *extra])
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
        bibliography = self._bibliography
        if with_bibliography:
            bibliography = tuple(result.bibliography)
            self._bibliography_problems = [
                p for p in result.problems if p.code == "no-printed-form"
            ]
        problems = [p for p in result.problems if p.code not in ("unknown-key", "no-printed-form")]
        return dict(enumerate(result.citations)), bibliography, problems


def _position(value: int, what: str) -> int:
    """A position in the document, which cannot be negative (see ``index_of``)."""
    if value < 0:
        raise UsageError(f"a cluster {what} cannot be negative (got {value}); the first is 0")
    return value


def _touched_clusters(
    clusters: Sequence[Cluster], touched: set[str], first: int
) -> Iterator[tuple[int, Cluster]]:
    """The clusters from ``first`` on whose ids are in ``touched``, with their indices.

    Ids are unique in a document, so the scan stops at the last touched one:
    an edit in the middle of a long document looks at the clusters up to it,
    not at every one after.
    """
    left = len(touched)
    for index in range(first, len(clusters)):
        if not left:
            return
        cluster = clusters[index]
        if (cluster.id or "") in touched:
            left -= 1
            yield index, cluster


def _same_entries(new: Sequence[BibEntry], old: Sequence[BibEntry]) -> bool:
    """Whether two bibliographies list the same ids with the same texts.

    The session hands back the entry objects it kept for entries that did
    not change, so the common answer (every entry the same object) comes
    from one pass in C; only otherwise are ids and texts compared.
    """
    if new is old or (len(new) == len(old) and all(map(operator.is_, new, old))):
        return True
    return [(e.id, e.text) for e in new] == [(e.id, e.text) for e in old]


def _unknown_marker(key: str) -> Rich:
    """What render() shows for a cite of a key the library lacks."""
    return Span((Text(f"[unknown: {key}]"),), bold=True)


def _join(parts: list[Rich]) -> Rich:
    """A cluster's engine rendering and its unknown-key markers, as render() joins them."""
    joined: list[Rich] = []
    for index, part in enumerate(parts):
        if index:
            joined.append(Text("; "))
        joined.append(part)
    return Span(tuple(joined))


__all__ = [
    "MAX_CITES_PER_CLUSTER",
    "CitationDocument",
    "ClusterInput",
    "RenderedCluster",
    "Update",
    "check_cluster_size",
]

"""An engine session: one document's clusters processed again after each edit.

:meth:`Processor.run` computes everything from nothing: item numbers and
the bibliography order, every cite's position, disambiguation, every
cluster's rendering and the bibliography.  An editor changes one cluster at a
time, and almost all of that stays as it was.  :class:`CslSession` keeps one
:class:`Processor` (its parsed style, locale and sort keys) and what the last
:meth:`CslSession.process` computed, and redoes only what an edit can change:

* **Positions** are walked again from the first changed cluster only.  The
  walk's state (first and last note of each item, the previous cluster) is
  kept at the document's end (an ``add`` resumes from it) and every
  ``_CHECKPOINT`` clusters (an edit replays the few unchanged clusters after
  the last copy before it: dictionary updates, no rendering).  After an edit
  in place the walk stops as soon as its state is last time's again
  (:class:`_Convergence`); clusters whose positions did not change are not
  rendered again.
* **Item numbers and the bibliography order** are reused while the
  registration order (first cites, then the listed extras) is unchanged;
  items registered after the kept ones are sorted in by binary search,
  comparing one sort key at a time (a key is rendered only when the keys
  before it tie, and each value once per item).
* **Disambiguation** runs again only when its inputs changed (the
  registered items and their order, the first note of each item, whether
  any cite is subsequent), and not even then when the only change is new
  items whose comparison texts collide with no other item's (counted
  incrementally).  Its comparison renders are kept across runs as text,
  keyed by item, cite form and state.
* **Clusters** are rendered again only when their signature (every cite as
  requested, its position and note numbers, citation number and its item's
  disambiguation state) differs from the kept one; a signature seen before
  (a cluster moved back) reuses its kept rendering.
* **The bibliography** is rendered again only when its order, numbers or
  states changed, and then only the entries whose inputs changed (plus the
  neighbours subsequent-author-substitute carries state through); each
  entry's own render is kept by item, number and state.
* Cite fields a style never reads (:class:`Reads`: ``citation-number``,
  ``first-reference-note-number``, ``near-note``) count in none of these
  comparisons, so renumbering every item or shifting every note number
  renders nothing again in a style that prints neither.

The output is the same as a fresh :meth:`Processor.run` over the same
items and clusters (tests/render/csl/test_session.py and the editor's
property test compare them after random edits).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from citekit.model.citations import Cluster
from citekit.render.csl.bibliography import cites_by_number, render_bibliography
from citekit.render.csl.boxes import Box, Out, plain_text, to_rich
from citekit.render.csl.contract import (
    Cite,
    CiteInfo,
    CiteRequest,
    Context,
    DisambiguationState,
)
from citekit.render.csl.data import Item, normalise_item
from citekit.render.csl.disambiguation import IGNORED, disambiguate
from citekit.render.csl.locale import Locale
from citekit.render.csl.processor import Processor
from citekit.render.csl.sorting import compare
from citekit.render.csl.style import Section, SortKey, Style
from citekit.render.richtext import Rich

_EXPLICIT = {0: "first", 1: "subsequent", 2: "ibid", 3: "ibid-with-locator"}
_CHECKPOINT = 64
"""Clusters between kept copies of the position walk's state."""
_MEMO_LIMIT = 200_000
"""Kept comparison and entry renders before the memo starts over (memory bound)."""
_UNSET = object()  # a sort key value not computed yet (None is a value)

StateKey = tuple[int, tuple[tuple[int, int], ...], str, int, int]
Signature = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Reads:
    """Which cite fields a style can read at all.

    A style whose XML never names ``citation-number``,
    ``first-reference-note-number`` or ``near-note`` renders the same
    whatever those fields hold, so a change in them (every item renumbered
    by a new first cite, every note shifted by an inserted cluster) need
    not render anything again.  When unsure, everything counts.
    """

    numbers: bool = True
    first_note: bool = True
    near_note: bool = True

    @classmethod
    def from_xml(cls, style_xml: bytes) -> Reads:
        return cls(
            numbers=b"citation-number" in style_xml,
            first_note=b"first-reference-note-number" in style_xml,
            near_note=b"near-note" in style_xml,
        )


def state_key(state: DisambiguationState | None) -> StateKey:
    """Every field of a disambiguation state, hashable (None: the default state)."""
    if state is None:
        return (0, (), "", 0, 0)
    return (
        state.add_names,
        tuple(sorted(state.given_level.items())),
        state.year_suffix,
        state.condition,
        state.cite_names,
    )


def _info_key(info: CiteInfo | None, reads: Reads) -> tuple[Any, ...]:
    """A cite's fields as a key (those the style cannot read left out)."""
    if info is None:
        return ()
    return (
        info.locator,
        info.label,
        info.position,
        info.near_note and reads.near_note,
        info.first_note if reads.first_note else 0,
        info.citation_number if reads.numbers else 0,
        info.prefix,
        info.suffix,
        info.suppress_author,
        info.author_only,
        info.locator_head,
    )


def _copy(node: Out) -> Out:
    """A copy of an output tree deep enough for the bibliography pass to edit."""
    if isinstance(node, str):
        return node
    return Box([_copy(kid) for kid in node.kids], node.fmt, node.quotes, node.display, node.tag,
               node.nocase)  # fmt: skip


class _KeptProcessor(Processor):
    """A processor that keeps the renders a session asks for again and again.

    Disambiguation compares items rendered with ``accessed`` hidden, in a
    position form and a state; the bibliography renders each entry in a
    state.  Both are pure functions of the item and those inputs while the
    session's items stay the same, so they are kept across runs.  A
    comparison render is kept as its text (all that disambiguation reads of
    it, and the cost of reading it again was most of a kept run); entry
    renders are handed out as copies: the bibliography pass edits them.
    """

    def __init__(self, style: Style, locale: Locale, reads: Reads) -> None:
        super().__init__(style, locale)
        self.reads = reads
        self.memo: dict[tuple[Any, ...], tuple[Out | None, Context]] = {}
        self.sort_memo: dict[tuple[str, int, int], Any] = {}

    def sort_key_value(self, item: Item, section: Section, key: SortKey) -> Any:
        """One sort key's value, kept: it depends on the item, section and key alone.

        The session sorts new works in key by key (a key is rendered only
        when the keys before it tie) and whole sorts read the same values,
        so each value is rendered once per item, whichever asks first.
        """
        memo_key = (item.id, id(section), id(key))
        kept = self.sort_memo.get(memo_key, _UNSET)
        if kept is _UNSET:
            if len(self.sort_memo) >= _MEMO_LIMIT:
                self.sort_memo.clear()
            kept = self.sort_memo[memo_key] = super().sort_key_value(item, section, key)
        return kept

    def render_item(
        self,
        item: Item,
        section: Section,
        mode: str,
        info: CiteInfo | None = None,
        state: DisambiguationState | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> tuple[Out | None, Context]:
        comparison = hidden is IGNORED
        if not (comparison or mode == "bibliography"):
            return super().render_item(item, section, mode, info, state, hidden)
        hit = self.kept_render(item, section, mode, info, state, hidden)
        if mode == "bibliography" and hit[0] is not None:
            return _copy(hit[0]), hit[1]
        return hit

    def kept_render(
        self,
        item: Item,
        section: Section,
        mode: str,
        info: CiteInfo | None = None,
        state: DisambiguationState | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> tuple[Out | None, Context]:
        """The kept render (rendered now if new), never copied: for readers only."""
        key = (
            item.id,
            id(section),
            mode,
            _info_key(info, self.reads),
            state_key(state),
            hidden,
        )
        hit = self.memo.get(key)
        if hit is None:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            output, ctx = super().render_item(item, section, mode, info, state, hidden)
            if hidden is IGNORED and output is not None:
                # disambiguation reads a comparison render only as its text
                output = plain_text(output)
            hit = self.memo[key] = (output, ctx)
        return hit


@dataclass
class _Walk:
    """The position walk's state at a cluster boundary (see ``compute_positions``)."""

    first_note: dict[str, int] = field(default_factory=dict)
    last_note: dict[str, int] = field(default_factory=dict)
    previous: dict[bool, int] = field(default_factory=dict)

    def replay(
        self, lists: Sequence[Sequence[Cite]], notes: Sequence[int], end: int, begin: int = 0
    ) -> None:
        """Advance over ``lists[begin:end]`` (unchanged clusters): bookkeeping only."""
        for index in range(begin, end):
            self.advance(lists[index], notes[index], index)

    def copy(self) -> _Walk:
        return _Walk(dict(self.first_note), dict(self.last_note), dict(self.previous))

    def advance(self, cites: Sequence[Cite], note: int, index: int) -> None:
        """Advance over one cluster whose positions are known (no positions set)."""
        first, last = self.first_note, self.last_note
        for cite in cites:
            key = cite.item.id
            if key not in first:
                first[key] = note
            last[key] = note
        if cites:
            self.previous[bool(note)] = index


@dataclass
class _Kinds:
    """Which kinds of value one sort key holds over the first ``covered``
    registered works: numbers, text starting with a digit (both: see
    ``CslSession._insert_sorted``)."""

    covered: int = 0
    numbers: bool = False
    digit_text: bool = False

    def note(self, value: Any) -> None:
        if isinstance(value, int):
            self.numbers = True
        elif isinstance(value, str) and value[:1].isascii() and value[:1].isdigit():
            self.digit_text = True

    @property
    def mixed(self) -> bool:
        return self.numbers and self.digit_text


PositionKey = tuple[str, bool, int, str | None]


@dataclass
class SessionOutput:
    """What one :meth:`CslSession.process` changed.

    ``citations`` maps the index of every cluster whose rendering is new
    (or whose cluster is new) to its rich text, and ``ids`` the same indices
    to the clusters' ids; ``bibliography`` is the new bibliography when it
    changed (None when unchanged or not asked for); ``warnings`` are the
    session's (style, items, unknown cited ids).
    """

    citations: dict[int, Rich] = field(default_factory=dict)
    ids: dict[int, str | None] = field(default_factory=dict)
    bibliography: list[tuple[str, Rich]] | None = None
    warnings: list[str] = field(default_factory=list)
    rendered: int = 0  # clusters rendered by the engine this time (the rest were kept)


@dataclass
class _Kept:
    """What the session keeps of one cluster."""

    cluster: Cluster
    cites: list[Cite]
    positions: tuple[PositionKey, ...]
    signature: Signature | None = None
    rich: Rich | None = None


@dataclass
class _Convergence:
    """Whether the walk after an edit is back where last time's walk was.

    The edit changed clusters ``start..end``; those after ``end`` are last
    time's, in the same places and notes.  At a boundary after ``end`` the
    two walks agree when the items of the changed clusters have the same
    first notes (in the same first-cite order) and last notes, the previous
    cluster of each kind (notes, in-text) lies outside the changed ones.
    Positions from there on are then last time's.  First notes that differ
    never agree again; the rest agree once a later cluster cites the item,
    or is of that kind.
    """

    last: set[str]
    kinds: set[bool]
    possible: bool

    @classmethod
    def start(
        cls,
        walk: _Walk,
        changed: tuple[Sequence[Sequence[Cite]], Sequence[int]],
        was: tuple[Sequence[Sequence[Cite]], Sequence[int]],
        start: int,
        near_note: bool = True,
    ) -> _Convergence:
        """Compare what the changed clusters leave now (``changed``: their cites and
        notes) and left last time (``was``), from ``walk`` at ``start``; called
        before the walk goes past ``start``.  Last notes count only where the
        style reads ``near-note`` (they decide nothing else)."""
        ends = []
        for cites_of, notes_of in (changed, was):
            copy = walk.copy()
            for offset, (cites, note) in enumerate(zip(cites_of, notes_of, strict=True)):
                copy.advance(cites, note, start + offset)
            ends.append(copy)
        new, old = ends
        stop = start + len(changed[0])
        touched = {c.item.id for cites in (*changed[0], *was[0]) for c in cites}
        return cls(
            last={x for x in touched if old.last_note.get(x) != new.last_note.get(x)}
            if near_note
            else set(),
            kinds={
                kind
                for kind in (True, False)
                if old.previous.get(kind) != new.previous.get(kind)
                or start <= new.previous.get(kind, -1) < stop
            },
            possible=list(old.first_note.items()) == list(new.first_note.items()),
        )

    def passed(self, cites: Sequence[Cite], in_note: bool) -> None:
        """A cluster after the changed ones was walked (the same in both walks)."""
        if not cites:
            return
        self.kinds.discard(in_note)
        for cite in cites:
            self.last.discard(cite.item.id)

    def settled(self) -> bool:
        return self.possible and not (self.last or self.kinds)


class CslSession:
    """One document's clusters, processed again after each edit (see the module doc).

    Args:
        style, locale: the parsed style and merged locale.
        items: normalised items by id (:meth:`add_items` adds more later).
        warnings: the style's warnings, reported with every answer.
        reads: the cite fields the style can read (:meth:`Reads.from_xml`).

    The clusters given to :meth:`process` should carry ids (an editor's
    stable cluster ids): kept results follow a cluster by id when edits
    before it shift its index.  Clusters without an id are followed by index.
    """

    def __init__(
        self,
        style: Style,
        locale: Locale,
        items: Mapping[str, Item] | None = None,
        warnings: Iterable[str] = (),
        *,
        reads: Reads = Reads(),
    ) -> None:
        self.style = style
        self.reads = reads
        self.proc = _KeptProcessor(style, locale, reads)
        self.items: dict[str, Item] = dict(items or {})
        self.warnings = list(warnings)
        try:
            self.distance = int(style.citation.options.get("near-note-distance", "5"))
        except ValueError:
            self.distance = 5
        # numbered entries count the entries before them: rendered whole
        self.numbered = style.bibliography is not None and cites_by_number(style)
        self._reset()

    # ------------------------------------------------------------ items

    def add_items(self, raw_items: Iterable[Mapping[str, Any]]) -> list[str]:
        """Normalise and add items (CSL-JSON); an id already here is refused.

        Returns the warnings for items that could not be read or were given
        twice (as :meth:`CslEngine.process` words them); those are also kept
        in :attr:`warnings`.  An item whose id was cited while unknown makes
        the next :meth:`process` start over.
        """
        problems: list[str] = []
        for raw in raw_items:
            try:
                item = normalise_item(raw)
            except Exception as error:
                problems.append(f"item {raw.get('id')!r} skipped: {error}")
                continue
            if item.id in self.items:
                problems.append(f"duplicate item id {item.id!r}: later one ignored")
                continue
            self.items[item.id] = item
            if item.id in self._missing:
                self._reset()
        self.warnings.extend(problems)
        return problems

    # ------------------------------------------------------------ state

    def _reset(self) -> None:
        """Forget every kept result (the next process starts from nothing)."""
        self._kept: list[_Kept] = []
        self._lists: list[list[Cite]] = []  # each kept cluster's cites (``_kept[i].cites``)
        self._notes: list[int] = []
        self._end: _Walk | None = None
        # The walk's state at every _CHECKPOINT-th cluster boundary, to replay from.
        self._checkpoints: dict[int, _Walk] = {}
        self._missing: set[str] = set()
        self._registered: tuple[str, ...] | None = None
        self._numbers: dict[str, int] = {}
        self._rank: dict[str, int] = {}  # each registered item's place in registration
        # Per bibliography sort key (by index): whether it holds numbers, text
        # starting with a digit, over the registered items (counted as needed).
        self._kinds: dict[int, _Kinds] = {}
        self._bib_order: list[str] = []
        self._disambiguation: tuple[Any, ...] | None = None
        self._states: dict[str, DisambiguationState] = {}
        self._state_keys: dict[str, StateKey] = {}  # state_key() of each state
        # Comparison texts in the default state: per item (first, subsequent,
        # first note), and how many registered items have each text.
        self._counted: dict[str, tuple[str, str, int]] = {}
        self._first_texts: Counter[str] = Counter()
        self._later_texts: Counter[str] = Counter()
        self._by_signature: dict[Signature, Rich] = {}
        self._bibliography: list[tuple[Any, ...]] | None = None
        # Whether the bibliography's inputs (order, numbers, states) may have changed.
        self._bibliography_dirty = True
        self._registered_changed = True
        self._entries: list[tuple[str, Rich]] | None = None

    # ------------------------------------------------------------ process

    def process(
        self,
        clusters: Sequence[Cluster],
        first_changed: int = 0,
        *,
        bibliography_ids: Sequence[str] | None = None,
        bibliography: bool = True,
    ) -> SessionOutput:
        """Process the document's clusters; ``clusters[:first_changed]`` are as last time.

        A cluster's note number is its ``note_number``, else its index plus
        one (as :meth:`CslEngine.process` numbers them).  ``bibliography_ids``
        are listed after the cited items (None: every item).  On any error
        the session forgets what it kept (the next call starts over) and
        the error propagates.
        """
        collecting = gc.isenabled()
        gc.disable()  # as CslEngine.process: many small acyclic objects, freed by refcount
        try:
            return self._process(clusters, first_changed, bibliography_ids, bibliography)
        except Exception:
            self._reset()
            raise
        finally:
            if collecting:
                gc.enable()

    def _process(
        self,
        clusters: Sequence[Cluster],
        first_changed: int,
        bibliography_ids: Sequence[str] | None,
        want_bibliography: bool,
    ) -> SessionOutput:
        out = SessionOutput(warnings=list(self.warnings))
        kept = self._kept
        start = max(0, min(first_changed, len(kept), len(clusters)))
        # Clusters from ``end`` on are last time's, in the same places and notes.
        end = self._unchanged_tail(clusters, start)
        # the clusters before ``start`` and from ``end`` are last time's: so are their notes
        notes = self._notes[:start]
        notes.extend(clusters[i].note_number or i + 1 for i in range(start, end))
        notes.extend(self._notes[end:] if end < len(clusters) else ())
        unique_notes = len(set(notes)) == len(notes)
        if not unique_notes:
            start = 0  # a note shared by clusters looks ahead: walk everything
        by_id = {k.cluster.id: k for k in kept[start:end] if k.cluster.id is not None}
        if end == len(clusters):  # an insert or a removal shifted what follows
            by_id = {k.cluster.id: k for k in kept[start:] if k.cluster.id is not None}
        # What each cluster from ``start`` was last time (by id, else by index).
        previous: list[_Kept | None] = []
        lists = self._lists[:start]
        for index in range(start, end):
            cluster = clusters[index]
            old = by_id.get(cluster.id) if cluster.id is not None else None
            if old is None and cluster.id is None and index < len(kept):
                old = kept[index]
            previous.append(old)
            same = old is not None and (
                old.cluster.items is cluster.items or old.cluster.items == cluster.items
            )
            lists.append(
                old.cites if same and old is not None else self._build(cluster, out.warnings)
            )
        if end < len(clusters):  # the same length: the kept tail is these clusters
            previous.extend(kept[end:])
            lists.extend(self._lists[end:])
        by_note: dict[int, list[Cite]] | None = None
        if not unique_notes:
            by_note = {}
            for cites, note in zip(lists, notes, strict=True):
                by_note.setdefault(note, []).extend(cites)
        if start == len(kept) and self._end is not None:
            walk = self._end  # appending: resume where the last walk ended
        else:
            # from the last checkpoint before the edit (the clusters up to it are unchanged)
            begin = max((b for b in self._checkpoints if b <= start), default=0)
            walk = self._checkpoints[begin].copy() if begin else _Walk()
            walk.replay(lists, notes, start, begin)
        watch = None
        if end < len(clusters) and by_note is None:  # an edit in place: the walk may settle
            watch = _Convergence.start(
                walk,
                (lists[start:end], notes[start:end]),
                ([k.cites for k in kept[start:end]], self._notes[start:end]),
                start,
                self.reads.near_note,
            )
        new_kept = kept[:start]
        candidates: list[int] = []
        checkpoints = self._checkpoints
        for index in range(start, len(clusters)):
            if index and index % _CHECKPOINT == 0:
                checkpoints[index] = walk.copy()
            if watch is not None and index >= end and watch.settled():
                # the walk is where last time's was: what follows is as it was
                new_kept.extend(kept[index:])
                walk = self._end or walk
                break
            old = previous[index - start]
            positions = self._walk(walk, lists, notes, index, by_note)
            if watch is not None and index >= end:
                watch.passed(lists[index], bool(notes[index]))
            if old is not None and old.cites is lists[index] and old.positions == positions:
                old.cluster = clusters[index]
                new_kept.append(old)
                continue
            candidates.append(index)
            entry = _Kept(clusters[index], lists[index], positions)
            if old is not None:  # compared with what the cluster showed before
                entry.signature, entry.rich = old.signature, old.rich
            new_kept.append(entry)
        for boundary in [b for b in checkpoints if b >= len(clusters)]:
            del checkpoints[boundary]  # past the end of a shorter document
        self._end = walk
        self._notes = notes
        self._kept = new_kept
        self._lists = lists  # lists[i] is new_kept[i].cites: the same clusters, in order

        registered = list(walk.first_note)
        seen = set(registered)
        extra = list(self.items) if bibliography_ids is None else bibliography_ids
        for key in extra:
            if key in self.items and key not in seen:
                seen.add(key)
                registered.append(key)
        renumbered = self._register(registered)
        if renumbered and self.reads.numbers:  # numbers a style never reads stay as built
            self._renumber_cites(renumbered)
        changed_items = self._disambiguate(registered, lists, notes)
        if renumbered or changed_items or self._registered_changed:
            self._bibliography_dirty = True
        if renumbered and self.reads.numbers:
            changed_items |= renumbered
        if changed_items:
            marked = set(candidates)
            for index, entry in enumerate(new_kept):
                if index not in marked and any(c.item.id in changed_items for c in entry.cites):
                    candidates.append(index)
        self._render_candidates(sorted(set(candidates)), out)
        if want_bibliography and self.style.bibliography is not None and self._bibliography_dirty:
            out.bibliography = self._render_bibliography()
            self._bibliography_dirty = False
        self._prune()
        return out

    def _unchanged_tail(self, clusters: Sequence[Cluster], start: int) -> int:
        """Where the clusters that are last time's, in their places and notes, begin
        (the length when the document's length changed: everything after shifted)."""
        kept = self._kept
        index = len(clusters)
        if len(kept) != index:
            return index
        while index > start and clusters[index - 1] is kept[index - 1].cluster:
            index -= 1  # the same cluster object: an editor passes its clusters again
        while index > start:
            cluster, entry = clusters[index - 1], kept[index - 1].cluster
            if (cluster.id, cluster.note_number) != (entry.id, entry.note_number):
                break
            if not (cluster.items is entry.items or cluster.items == entry.items):
                break
            index -= 1
        return index

    # ------------------------------------------------------------ cites

    def _build(self, cluster: Cluster, warnings: list[str]) -> list[Cite]:
        """The cluster's cites as :meth:`Processor.run` builds them (positions later)."""
        built: list[Cite] = []
        proc = self.proc
        for wanted in cluster.items:
            item = self.items.get(wanted.id)
            if item is None:
                self._missing.add(wanted.id)
                warnings.append(f"cited item {wanted.id!r} not found")
                continue
            info = proc.cite_info(wanted, self._numbers.get(wanted.id, 0))
            built.append(Cite(item, info, CiteRequest(wanted)))
        return built

    def _walk(
        self,
        walk: _Walk,
        lists: Sequence[Sequence[Cite]],
        notes: Sequence[int],
        index: int,
        by_note: Mapping[int, Sequence[Cite]] | None,
    ) -> tuple[PositionKey, ...]:
        """Positions of ``lists[index]``, as ``compute_positions`` gives them."""
        cites = lists[index]
        note = notes[index]
        in_note = bool(note)
        first_note, last_note = walk.first_note, walk.last_note
        out: list[PositionKey] = []
        for number, cite in enumerate(cites):
            info = cite.info
            key = cite.item.id
            near = False
            first = 0
            if key not in first_note:
                position = "first"
                first_note[key] = note
            else:
                first = first_note[key]
                previous: Cite | None = None
                if number > 0:
                    previous = cites[number - 1]
                elif in_note in walk.previous:
                    previous = _previous_solo(lists, notes, by_note, walk.previous[in_note], note)
                if previous is not None and previous.item.id == key:
                    if not info.locator and previous.info.locator:
                        position = "subsequent"
                    elif (info.locator, info.label) == (
                        previous.info.locator,
                        previous.info.label,
                    ):
                        position = "ibid"
                    else:
                        position = "ibid-with-locator"
                else:
                    position = "subsequent"
                if note and key in last_note and last_note[key]:
                    near = note - last_note[key] <= self.distance
            explicit = cite.request.position
            if explicit is not None and explicit in _EXPLICIT:
                position = _EXPLICIT[explicit]
                if explicit == 0:
                    near = False
            if cite.request.near_note:
                near = True
            if position == "first":
                first = 0
            elif not first:
                first = first_note.get(key, 0)
            last_note[key] = note
            head = info.locator_head  # the cite's own (Processor.cite_info)
            info.position, info.near_note, info.first_note = position, near, first
            reads = self.reads
            out.append((position, near and reads.near_note, first if reads.first_note else 0, head))
        if cites:
            walk.previous[in_note] = index
        return tuple(out)

    # ------------------------------------------------------------ numbers, states

    def _register(self, registered: list[str]) -> set[str]:
        """Numbers and bibliography order for ``registered``; the items renumbered.

        Items registered after the kept ones (a new first cite at the end, the
        common case) are placed into the kept sorted order by binary search,
        with the comparison a whole sort uses (sort keys, then registration
        order), which gives the order sorting everything again would.
        """
        key = tuple(registered)
        self._registered_changed = key != self._registered
        if not self._registered_changed:
            return set()
        proc = self.proc
        before = self._registered
        section = self.style.bibliography
        order = None
        if (
            before is not None
            and section is not None
            and section.sort
            and key[: len(before)] == before
        ):
            for index in range(len(before), len(registered)):
                self._rank[registered[index]] = index
            order = self._insert_sorted(registered, len(before), section)
        if order is not None and section is not None:
            self._bib_order = order
            self._registered = key
            if not self.reads.numbers:
                return set()  # numbers the style never reads are left as they were
            if any(k.variable == "citation-number" and not k.ascending for k in section.sort):
                numbers = {item: len(order) - index for index, item in enumerate(order)}
            else:
                numbers = {item: index + 1 for index, item in enumerate(order)}
        else:
            self._rank = {item: index for index, item in enumerate(registered)}
            if order is None and not (before is not None and key[: len(before)] == before):
                self._kinds = {}  # items may have gone: their kinds with them
            numbers = proc.number_items(self.items, registered)
            self._bib_order = proc.bibliography_order(self.items, registered, numbers)
        old = self._numbers
        self._numbers = numbers
        self._registered = key
        return {k for k, n in numbers.items() if old.get(k) != n}

    def _insert_sorted(
        self, registered: list[str], kept: int, section: Section
    ) -> list[str] | None:
        """The kept bibliography order with ``registered[kept:]`` sorted in.

        A sort key that mixes numbers with text starting with a digit (volumes
        ``2``, ``10`` and ``2-4``) has no consistent order (numbers compare
        as numbers, text as text): the whole sort then orders the works that
        tie on every key before it among themselves.  A new work that ties
        with a kept one up to such a key is therefore not sorted in here
        (None: sort everything); one that does not is placed by the keys
        before it, which order all works consistently.

        Keys are compared one at a time, each rendered only when the keys
        before it tie (most works are placed by their first key), and a
        key's kinds are counted over every work only when a new work ties
        with its neighbours up to that key: the same decisions as counting
        every key of every work, for a fraction of the renders.
        """
        rank = self._rank
        keys = section.sort
        value = self._sort_value_reader(section)
        order = list(self._bib_order)
        for index in range(kept, len(registered)):
            item = registered[index]
            low, high = 0, len(order)
            while low < high:
                middle = (low + high) // 2
                other = order[middle]
                if (self._compare_lazily(item, other, keys, value)[0] or index - rank[other]) < 0:
                    high = middle
                else:
                    low = middle + 1
            for neighbour in order[max(0, low - 1) : low + 1]:
                ties = self._compare_lazily(item, neighbour, keys, value)[1]
                # the whole sort's decision: the first mixed key is one it ties up to
                if any(self._mixed(k, registered, value) for k in range(min(ties + 1, len(keys)))):
                    return None
            order.insert(low, item)
        return order

    def _sort_value_reader(self, section: Section) -> Any:
        """``value(item, k)``: a registered work's value for the section's key ``k``."""
        proc, items, rank, keys = self.proc, self.items, self._rank, section.sort

        def value(item: str, k: int) -> Any:
            # citation-number sort keys read the registration number, as in number_items
            if keys[k].variable == "citation-number":
                return rank[item] + 1
            return proc.sort_key_value(items[item], section, keys[k])

        return value

    @staticmethod
    def _compare_lazily(
        item: str, other: str, keys: Sequence[SortKey], value: Any
    ) -> tuple[int, int]:
        """:func:`compare` of the two works' rows, and how many keys tie before
        the one that decides (all of them when none does)."""
        for k, key in enumerate(keys):
            result = compare([value(item, k)], [value(other, k)], (key,))
            if result:
                return result, k
        return 0, len(keys)

    def _mixed(self, k: int, registered: list[str], value: Any) -> bool:
        """Whether sort key ``k`` mixes numbers and digit-led text over ``registered``."""
        kinds = self._kinds.setdefault(k, _Kinds())
        for item in registered[kinds.covered :]:
            kinds.note(value(item, k))
        kinds.covered = len(registered)
        return kinds.mixed

    def _renumber_cites(self, changed: set[str]) -> None:
        numbers = self._numbers
        for entry in self._kept:
            for cite in entry.cites:
                if cite.item.id in changed:
                    cite.info.citation_number = numbers.get(cite.item.id, 0)

    def _disambiguate(
        self, registered: list[str], lists: list[list[Cite]], notes: list[int]
    ) -> set[str]:
        """Disambiguate again if its inputs changed; the items whose state changed."""
        end = self._end
        assert end is not None
        options = self.style.citation.options
        # disambiguate() reads the clusters only for these two, when they matter
        later = (
            "et-al-subsequent-min" in options
            or "et-al-subsequent-use-first" in options
            or any(c.info.position == "subsequent" for entry in self._kept for c in entry.cites)
        )
        inputs = (
            tuple(registered),
            tuple(self._bib_order),
            later,
            # first notes show only through first-reference-note-number
            tuple(end.first_note.items()) if later and self.reads.first_note else (),
        )
        if inputs == self._disambiguation:
            return set()
        first_notes = end.first_note if self.reads.first_note else {}
        self._count_texts(registered, first_notes)
        if self._only_new_and_unique(inputs):
            default = state_key(None)
            for item in registered[len(self._disambiguation[0]) :]:  # type: ignore[index]
                self._states[item] = DisambiguationState()
                self._state_keys[item] = default
            self._disambiguation = inputs
            return set()
        states = disambiguate(self.proc, self.items, registered, self._bib_order, lists, notes)
        self.proc.states = states
        old = self._state_keys
        keys = {item: state_key(state) for item, state in states.items()}
        default = state_key(None)
        changed = {
            k for k in keys.keys() | old.keys() if keys.get(k, default) != old.get(k, default)
        }
        self._states = states
        self._state_keys = keys
        self._disambiguation = inputs
        return changed

    def _count_texts(self, registered: list[str], first_notes: Mapping[str, int]) -> None:
        """Keep count of the registered items' comparison texts in the default state.

        These are the texts disambiguation first buckets items by (the first
        form, and the subsequent form with the item's first note).  Counted
        incrementally: only items registered, dropped or given another first
        note since the last call are rendered (kept renders) or uncounted.
        """
        counted = self._counted
        now = set(registered)
        for item in [i for i in counted if i not in now]:
            first, later, _ = counted.pop(item)
            self._first_texts[first] -= 1
            self._later_texts[later] -= 1
        for item in registered:
            note = first_notes.get(item, 0)
            kept = counted.get(item)
            if kept is not None and kept[2] == note:
                continue
            if kept is not None:
                self._first_texts[kept[0]] -= 1
                self._later_texts[kept[1]] -= 1
            texts = (self._text(item, "first", 0), self._text(item, "subsequent", note), note)
            counted[item] = texts
            self._first_texts[texts[0]] += 1
            self._later_texts[texts[1]] += 1

    def _text(self, item: str, position: str, first_note: int) -> str:
        """An item's comparison text, rendered as disambiguation renders it."""
        info = CiteInfo(position=position, first_note=first_note)
        output, _ = self.proc.render_item(
            self.items[item], self.style.citation, "citation", info, DisambiguationState(), IGNORED
        )
        return plain_text(output)

    def _only_new_and_unique(self, inputs: tuple[Any, ...]) -> bool:
        """Whether disambiguation would give what it gave, plus default states.

        True when the only change is items registered after the kept ones
        (each kept item keeping its place relative to the others and its
        first note) whose comparison texts collide with no other item's:
        disambiguation works only on buckets of colliding texts, in
        registration order, suffixes ranked by bibliography order, so the
        kept buckets and their outcome stay as they were.  Styles that
        expand given names over the whole document (a rule other than
        by-cite) are always run again.
        """
        before = self._disambiguation
        if before is None:
            return False
        options = self.style.citation.options
        rule = options.get("givenname-disambiguation-rule", "by-cite")
        if options.get("disambiguate-add-givenname") == "true" and rule != "by-cite":
            return False
        registered, order, later, notes = inputs
        old_registered, old_order, old_later, old_notes = before
        count = len(old_registered)
        if later != old_later or registered[:count] != old_registered:
            return False
        if notes[: len(old_notes)] != old_notes:
            return False
        new = set(registered[count:])
        if tuple(i for i in order if i not in new) != old_order:
            return False
        counted = self._counted
        return all(
            self._first_texts[counted[i][0]] == 1 and self._later_texts[counted[i][1]] == 1
            for i in new
        )

    # ------------------------------------------------------------ rendering

    def _signature(self, entry: _Kept) -> Signature:
        keys, default = self._state_keys, state_key(None)
        return tuple(
            (
                c.request,
                c.info.position,
                c.info.near_note and self.reads.near_note,
                c.info.first_note if self.reads.first_note else 0,
                c.info.citation_number if self.reads.numbers else 0,
                c.info.locator_head,
                keys.get(c.item.id, default),
            )
            for c in entry.cites
        )

    def _render_candidates(self, indices: list[int], out: SessionOutput) -> None:
        for index in indices:
            entry = self._kept[index]
            signature = self._signature(entry)
            if signature == entry.signature and entry.rich is not None:
                continue
            rich = self._by_signature.get(signature)
            if rich is None:
                rich = self.proc.render_cluster(entry.cites, self._states)
                self._by_signature[signature] = rich
                out.rendered += 1
            if entry.rich is None or rich != entry.rich:
                out.citations[index] = rich
                out.ids[index] = entry.cluster.id
            entry.signature, entry.rich = signature, rich

    def _render_bibliography(self) -> list[tuple[str, Rich]] | None:
        """The bibliography if its inputs changed (None: as last time).

        Only the entries whose inputs changed are rendered again, plus the
        neighbours the author substitution carries state through: the last
        entry before them that showed names (rendered and thrown away, so
        the substitution enters them as in a whole run) and the entries
        after them up to the first that shows names.
        """
        numbers, states = self._numbers, self._states
        keys, default = self._state_keys, state_key(None)
        order = self._bib_order
        signature = [
            (key, numbers.get(key, 0) if self.reads.numbers else 0, keys.get(key, default))
            for key in order
        ]
        old, kept = self._bibliography, self._entries
        if old is not None and signature == old:
            return None
        section = self.style.bibliography
        assert section is not None
        substitute = section.options.get("subsequent-author-substitute")
        if old is None or kept is None or self.numbered:
            entries = render_bibliography(self.proc, self.items, order, numbers, states)
        else:
            start = 0
            limit = min(len(old), len(signature))
            while start < limit and old[start] == signature[start]:
                start += 1
            same_tail = 0
            while (
                same_tail < limit - start
                and old[len(old) - 1 - same_tail] == signature[len(signature) - 1 - same_tail]
            ):
                same_tail += 1
            end = len(signature) - same_tail
            first = start
            if substitute is not None:  # an empty substitute still substitutes
                first = next(
                    (i for i in range(start - 1, -1, -1) if self._shows_names(order[i])), start
                )
                after = next(
                    (i for i in range(end, len(order)) if self._shows_names(order[i])), None
                )
                end = len(order) if after is None else after + 1
            fresh = render_bibliography(self.proc, self.items, order[first:end], numbers, states)
            shift = len(old) - len(signature)
            entries = kept[:start] + fresh[start - first :] + kept[end + shift :]
        self._bibliography = signature
        self._entries = entries
        return entries

    def _shows_names(self, key: str) -> bool:
        """Whether an entry's first cs:names showed names (the author substitution's state)."""
        state = self._states.get(key) or DisambiguationState()
        carry = not self.style.citation.options.get(
            "givenname-disambiguation-rule", "by-cite"
        ).endswith("with-initials")
        entry_state = DisambiguationState(
            year_suffix=state.year_suffix,
            condition=state.condition,
            cite_names=state.cite_names,
            given_level=state.given_level if carry else {},
        )
        section = self.style.bibliography
        assert section is not None
        info = CiteInfo(citation_number=self._numbers.get(key, 0))
        # the kept render itself: only its context is read, so no copy is made
        output, ctx = self.proc.kept_render(
            self.items[key], section, "bibliography", info, entry_state
        )
        return output is not None and ctx.notes.author_key is not None

    def _prune(self) -> None:
        """Keep the signature memo near the document's size."""
        if len(self._by_signature) > 2 * len(self._kept) + 64:
            self._by_signature = {
                e.signature: e.rich
                for e in self._kept
                if e.signature is not None and e.rich is not None
            }

    # ------------------------------------------------------------ reading

    def citation(self, index: int) -> Rich:
        """One cluster's current rendering (its index in the last clusters processed)."""
        rich = self._kept[index].rich
        return rich if rich is not None else to_rich(None, self.proc.locale)

    def citations(self) -> list[Rich]:
        """Every cluster's current rendering, in order."""
        return [
            e.rich if e.rich is not None else to_rich(None, self.proc.locale) for e in self._kept
        ]


def _previous_solo(
    lists: Sequence[Sequence[Cite]],
    notes: Sequence[int],
    by_note: Mapping[int, Sequence[Cite]] | None,
    index: int,
    note: int,
) -> Cite | None:
    """The cite before a cluster, if the previous cluster (or note) holds only it."""
    previous_note = notes[index]
    if by_note is None or not previous_note or previous_note == note:
        cites = lists[index]
    else:
        cites = by_note.get(previous_note, ())
    return cites[0] if len(cites) == 1 else None


__all__ = ["CslSession", "Reads", "SessionOutput", "state_key"]

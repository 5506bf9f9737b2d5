"""An engine session: one document's clusters processed again after each edit.

:meth:`Processor.run` computes everything from nothing: item numbers and
the bibliography order, every cite's position, disambiguation, every
cluster's rendering and the bibliography.  An editor changes one cluster at a
time, and almost all of that stays as it was.  :class:`CslSession` keeps one
:class:`Processor` (its parsed style, locale and sort keys) and what the last
:meth:`CslSession.process` computed, and redoes only what an edit can change:

* **Positions** are walked again from the first changed cluster only; the
  walk's state (first and last note of each item, the previous cluster) is
  kept at the document's end (an ``add`` resumes from it) or replayed over
  the unchanged clusters before the edit (cheap dictionary updates, no
  rendering).  Each later cluster's positions are compared with the kept
  ones, and only clusters whose positions changed are candidates for a new
  rendering.
* **Item numbers and the bibliography order** are reused while the
  registration order (first cites, then the listed extras) is unchanged.
* **Disambiguation** runs again only when its inputs changed (the
  registered items and their order, the first note of each item, whether
  any cite is subsequent); its comparison renders (an item in one position
  form and one state) are kept across runs, keyed by item, cite form and
  state, so a new item costs the renders of that item.
* **Clusters** are rendered again only when their signature (every cite as
  requested, its position, note numbers, citation number and its item's
  disambiguation state) differs from the kept one; a signature seen before
  (a cluster moved back) reuses its kept rendering.
* **The bibliography** is rendered again only when its order, numbers or
  states changed; each entry's own render is kept by item, number and state
  (the author substitution and layout run again over copies).

The output is the same as a fresh :meth:`Processor.run` over the same
items and clusters (tests/render/csl/test_session.py and the editor's
property test compare them after random edits).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from citekit.model.citations import Cluster
from citekit.render.csl.bibliography import cites_by_number, render_bibliography
from citekit.render.csl.boxes import Box, Out, plain_text, to_rich
from citekit.render.csl.clusters import collapse_cluster
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
from citekit.render.csl.sorting import sort_indices
from citekit.render.csl.style import Section, Style
from citekit.render.richtext import Rich

_EXPLICIT = {0: "first", 1: "subsequent", 2: "ibid", 3: "ibid-with-locator"}
_MEMO_LIMIT = 200_000
"""Kept comparison and entry renders before the memo starts over (memory bound)."""

StateKey = tuple[int, tuple[tuple[int, int], ...], str, int, int]
Signature = tuple[Any, ...]


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


def _info_key(info: CiteInfo | None, numbers: bool) -> tuple[Any, ...]:
    """A cite's fields as a key (its number only where the style can read it)."""
    if info is None:
        return ()
    return (
        info.locator,
        info.label,
        info.position,
        info.near_note,
        info.first_note,
        info.citation_number if numbers else 0,
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

    def __init__(self, style: Style, locale: Locale, cites_numbers: bool) -> None:
        super().__init__(style, locale)
        self.cites_numbers = cites_numbers
        self.memo: dict[tuple[Any, ...], tuple[Out | None, Context]] = {}

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
        key = (
            item.id,
            id(section),
            mode,
            _info_key(info, self.cites_numbers),
            state_key(state),
            hidden,
        )
        hit = self.memo.get(key)
        if hit is None:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            output, ctx = super().render_item(item, section, mode, info, state, hidden)
            if comparison and output is not None:
                # disambiguation reads a comparison render only as its text
                output = plain_text(output)
            hit = self.memo[key] = (output, ctx)
        if mode == "bibliography" and hit[0] is not None:
            return _copy(hit[0]), hit[1]
        return hit


@dataclass
class _Walk:
    """The position walk's state at a cluster boundary (see ``compute_positions``)."""

    first_note: dict[str, int] = field(default_factory=dict)
    last_note: dict[str, int] = field(default_factory=dict)
    previous: dict[bool, int] = field(default_factory=dict)
    # Whether a cite so far had a locator without a label (the processor
    # then knows its locator terms and splits locators into a head).
    terms_loaded: bool = False

    def replay(self, lists: Sequence[Sequence[Cite]], notes: Sequence[int], end: int) -> None:
        """Advance over ``lists[:end]`` (unchanged clusters): bookkeeping only."""
        first, last = self.first_note, self.last_note
        for index in range(end):
            cites = lists[index]
            note = notes[index]
            for cite in cites:
                key = cite.item.id
                if key not in first:
                    first[key] = note
                last[key] = note
                if not self.terms_loaded and _labelless(cite):
                    self.terms_loaded = True
            if cites:
                self.previous[bool(note)] = index


def _labelless(cite: Cite) -> bool:
    wanted = cite.request.cite
    return bool(wanted.locator and wanted.locator.strip() and not wanted.label)


PositionKey = tuple[str, bool, int, str | None]


@dataclass
class SessionOutput:
    """What one :meth:`CslSession.process` changed.

    ``citations`` maps the index of every cluster whose rendering is new
    (or whose cluster is new) to its rich text; ``bibliography`` is the new
    bibliography when it changed (None when unchanged or not asked for);
    ``warnings`` are the session's (style, items, unknown cited ids).
    """

    citations: dict[int, Rich] = field(default_factory=dict)
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


class CslSession:
    """One document's clusters, processed again after each edit (see the module doc).

    Args:
        style, locale: the parsed style and merged locale.
        items: normalised items by id (:meth:`add_items` adds more later).
        warnings: the style's warnings, reported with every answer.
        cites_numbers: whether the style can read ``citation-number`` at all
            (false when its XML never names it): when not, renumbered items
            (a new first cite sorted before them) are not rendered again.

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
        cites_numbers: bool = True,
    ) -> None:
        self.style = style
        self.cites_numbers = cites_numbers
        self.proc = _KeptProcessor(style, locale, cites_numbers)
        self.items: dict[str, Item] = dict(items or {})
        self.warnings = list(warnings)
        try:
            self.distance = int(style.citation.options.get("near-note-distance", "5"))
        except ValueError:
            self.distance = 5
        # numbered entries count the entries before them: rendered whole
        self.numbered = style.bibliography is not None and cites_by_number(style)
        self.proc.split_locator_label("")  # loads the locator terms (lazily, in a run)
        self.terms_known = bool(self.proc._locator_terms)
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
        self._notes: list[int] = []
        self._end: _Walk | None = None
        self._missing: set[str] = set()
        self._registered: tuple[str, ...] | None = None
        self._numbers: dict[str, int] = {}
        self._bib_order: list[str] = []
        self._disambiguation: tuple[Any, ...] | None = None
        self._states: dict[str, DisambiguationState] = {}
        self._by_signature: dict[Signature, Rich] = {}
        self._bibliography: list[tuple[Any, ...]] | None = None
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
        try:
            return self._process(clusters, first_changed, bibliography_ids, bibliography)
        except Exception:
            self._reset()
            raise

    def _process(
        self,
        clusters: Sequence[Cluster],
        first_changed: int,
        bibliography_ids: Sequence[str] | None,
        want_bibliography: bool,
    ) -> SessionOutput:
        out = SessionOutput(warnings=list(self.warnings))
        kept = self._kept
        notes = [c.note_number or index + 1 for index, c in enumerate(clusters)]
        start = max(0, min(first_changed, len(kept), len(clusters)))
        unique_notes = len(set(notes)) == len(notes)
        if not unique_notes or notes[:start] != self._notes[:start]:
            start = 0  # a note shared by clusters looks ahead: walk everything
        by_id = {k.cluster.id: k for k in kept[start:] if k.cluster.id is not None}
        # What each cluster from ``start`` was last time (by id, else by index).
        previous: list[_Kept | None] = []
        lists = [k.cites for k in kept[:start]]
        for index in range(start, len(clusters)):
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
        by_note: dict[int, list[Cite]] | None = None
        if not unique_notes:
            by_note = {}
            for cites, note in zip(lists, notes, strict=True):
                by_note.setdefault(note, []).extend(cites)
        if start == len(kept) and self._end is not None:
            walk = self._end  # appending: resume where the last walk ended
        else:
            walk = _Walk()
            walk.replay(lists, notes, start)
        new_kept = kept[:start]
        candidates: list[int] = []
        for index in range(start, len(clusters)):
            old = previous[index - start]
            positions = self._walk(walk, lists, notes, index, by_note)
            if old is not None and old.cites is lists[index] and old.positions == positions:
                old.cluster = clusters[index]
                new_kept.append(old)
                continue
            candidates.append(index)
            entry = _Kept(clusters[index], lists[index], positions)
            if old is not None:  # compared with what the cluster showed before
                entry.signature, entry.rich = old.signature, old.rich
            new_kept.append(entry)
        self._end = walk
        self._notes = notes
        self._kept = new_kept

        registered = list(walk.first_note)
        seen = set(registered)
        extra = list(self.items) if bibliography_ids is None else bibliography_ids
        for key in extra:
            if key in self.items and key not in seen:
                seen.add(key)
                registered.append(key)
        renumbered = self._register(registered)
        if renumbered:
            self._renumber_cites(renumbered)
        changed_items = self._disambiguate(registered, lists, notes)
        if renumbered and self.cites_numbers:
            changed_items |= renumbered
        if changed_items:
            marked = set(candidates)
            for index, entry in enumerate(new_kept):
                if index not in marked and any(c.item.id in changed_items for c in entry.cites):
                    candidates.append(index)
        self._render_candidates(sorted(set(candidates)), out)
        if want_bibliography and self.style.bibliography is not None:
            out.bibliography = self._render_bibliography()
        self._prune()
        return out

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
            info = CiteInfo(
                locator=(wanted.locator or "").strip(),
                label=wanted.label or "",
                prefix=wanted.prefix or "",
                suffix=wanted.suffix or "",
                suppress_author=wanted.suppress_author,
                author_only=wanted.author_only,
                citation_number=self._numbers.get(wanted.id, 0),
            )
            if info.locator and not info.label:
                info.label, info.locator = proc.split_locator_label(info.locator)
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
            if not walk.terms_loaded and _labelless(cite):
                walk.terms_loaded = True
            head = None
            if info.locator and walk.terms_loaded and self.terms_known:
                head = self.proc.locator_head(info.locator)
            info.position, info.near_note, info.first_note = position, near, first
            info.locator_head = head
            out.append((position, near, first, head))
        if cites:
            walk.previous[in_note] = index
        return tuple(out)

    # ------------------------------------------------------------ numbers, states

    def _register(self, registered: list[str]) -> set[str]:
        """Numbers and bibliography order for ``registered``; the items renumbered."""
        key = tuple(registered)
        if key == self._registered:
            return set()
        proc = self.proc
        numbers = proc.number_items(self.items, registered)
        self._bib_order = proc.bibliography_order(self.items, registered, numbers)
        old = self._numbers
        self._numbers = numbers
        self._registered = key
        return {k for k, n in numbers.items() if old.get(k) != n}

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
            tuple(end.first_note.items()) if later else (),
        )
        if inputs == self._disambiguation:
            return set()
        states = disambiguate(self.proc, self.items, registered, self._bib_order, lists, notes)
        self.proc.states = states
        old = self._states
        changed = {
            k for k in set(states) | set(old) if state_key(states.get(k)) != state_key(old.get(k))
        }
        self._states = states
        self._disambiguation = inputs
        return changed

    # ------------------------------------------------------------ rendering

    def _signature(self, entry: _Kept) -> Signature:
        states = self._states
        return tuple(
            (
                c.request,
                c.info.position,
                c.info.near_note,
                c.info.first_note,
                c.info.citation_number if self.cites_numbers else 0,
                c.info.locator_head,
                state_key(states.get(c.item.id)),
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
                rich = self._render_cluster(entry.cites)
                self._by_signature[signature] = rich
                out.rendered += 1
            if entry.rich is None or rich != entry.rich:
                out.citations[index] = rich
            entry.signature, entry.rich = signature, rich

    def _render_cluster(self, built: list[Cite]) -> Rich:
        """One cluster as :meth:`Processor.run` renders it (sorted, rendered, collapsed)."""
        proc = self.proc
        citation = self.style.citation
        cites = list(built)  # sorting must not reorder the walk's document order
        if citation.sort and len(cites) >= 2:
            for cite in cites:
                cite.sort_values = proc._keys_with_number(
                    cite.item, citation, cite.info.citation_number
                )
            order = sort_indices([c.sort_values for c in cites], citation.sort)
            cites = [cites[i] for i in order]
        states = self._states
        for cite in cites:
            state = states.get(cite.item.id) or DisambiguationState()
            cite.output, _ = proc.render_item(cite.item, citation, "citation", cite.info, state)
        return to_rich(collapse_cluster(proc, cites, states), proc.locale)

    def _render_bibliography(self) -> list[tuple[str, Rich]] | None:
        """The bibliography if its inputs changed (None: as last time).

        Only the entries whose inputs changed are rendered again, plus the
        neighbours the author substitution carries state through: the last
        entry before them that showed names (rendered and thrown away, so
        the substitution enters them as in a whole run) and the entries
        after them up to the first that shows names.
        """
        numbers, states = self._numbers, self._states
        order = self._bib_order
        signature = [
            (key, numbers.get(key, 0) if self.cites_numbers else 0, state_key(states.get(key)))
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
        output, ctx = self.proc.render_item(
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


__all__ = ["CslSession", "SessionOutput", "state_key"]

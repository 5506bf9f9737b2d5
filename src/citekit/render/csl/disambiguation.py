"""Disambiguation by buckets of colliding first-cite renders.

Every registered item's first-cite form is rendered once and bucketed by its
text.  Only buckets of two or more are worked on, in the spec's order:
expand given names, add names hidden by et-al, the ``disambiguate``
condition, then year suffixes (in bibliography order).  Only members of a
bucket are re-rendered after each step, so the cost stays near linear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from citekit.base.valueclass import value_class
from citekit.render.csl.boxes import plain_text
from citekit.render.csl.contract import Cite, CiteInfo, DisambiguationState, ItemRenderer
from citekit.render.csl.data import Item
from citekit.render.csl.style import (
    ChooseNode,
    GroupNode,
    LabelNode,
    NamesNode,
    Node,
    NumberNode,
    Style,
    TextNode,
)


def _suffix(index: int) -> str:
    letters = ""
    index += 1
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


# Access dates never tell cites apart for citeproc-js.
IGNORED = frozenset({"accessed"})


_NOTE_NUMBER = "first-reference-note-number"
_SUBSEQUENT_NAME_OPTIONS = ("et-al-subsequent-min", "et-al-subsequent-use-first")


@value_class
class CitationReads:
    """What of a comparison render's inputs a style can see at all.

    A comparison render is a function of the item, the cite's position and
    first note, and the disambiguation state.  The evaluator reads the
    position only in ``position`` tests and in the ``et-al-subsequent-*``
    name options (applied to any cite not in first position), and the first
    note only through ``first-reference-note-number``; it reads the state's
    ``condition`` only in ``disambiguate`` tests.  A style without any of
    them renders a subsequent cite exactly as a first one, and every
    ``condition`` alike, so those renders need not be made twice.
    """

    position: bool = True
    condition: bool = True


# Keyed by id, with the style kept alive beside its answer so a recycled id cannot match.
_READS: dict[int, tuple[Style, CitationReads]] = {}
_READS_KEPT = 64


def citation_reads(style: Style) -> CitationReads:
    """What ``style`` can read of a cite's position and of ``condition`` (walked once)."""
    kept = _READS.get(id(style))
    if kept is not None and kept[0] is style:
        return kept[1]
    found: set[str] = set()
    _walk_reads(_style_nodes(style), style.macros, found, set())
    attrs: list[Mapping[str, str]] = [style.options, style.name_attrs]
    for section in (style.citation, style.bibliography):
        if section is not None:
            attrs += [section.options, section.name_attrs]
    if any(name in mapping for mapping in attrs for name in _SUBSEQUENT_NAME_OPTIONS):
        found.add("position")
    reads = CitationReads(position="position" in found, condition="condition" in found)
    if len(_READS) >= _READS_KEPT:
        _READS.clear()
    _READS[id(style)] = (style, reads)
    return reads


def _style_nodes(style: Style) -> list[Node]:
    """Every node the style holds: both layouts and every macro, called or not."""
    nodes: list[Node] = list(style.citation.layout.children)
    if style.bibliography is not None:
        nodes += style.bibliography.layout.children
    for body in style.macros.values():
        nodes += body
    return nodes


def _walk_reads(
    nodes: Iterable[Node], macros: Mapping[str, tuple[Node, ...]], found: set[str], seen: set[int]
) -> None:
    """Add "position" and "condition" to ``found`` where ``nodes`` may read them.

    Conservative: any test or variable naming them counts, wherever it is.
    """
    for node in nodes:
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ChooseNode):
            for condition, branch in node.branches:
                for test, values in condition.tests if condition is not None else ():
                    if test == "position" or _NOTE_NUMBER in values:
                        found.add("position")
                    elif test == "disambiguate":
                        found.add("condition")
                _walk_reads(branch, macros, found, seen)
        elif isinstance(node, GroupNode):
            _walk_reads(node.children, macros, found, seen)
        elif isinstance(node, NamesNode):
            name = node.name
            if name is not None and any(o in name.attrs for o in _SUBSEQUENT_NAME_OPTIONS):
                found.add("position")
            _walk_reads(node.substitute or (), macros, found, seen)
        elif isinstance(node, TextNode):
            if node.source == "variable" and _NOTE_NUMBER in node.value.split():
                found.add("position")
            elif node.source == "macro":
                _walk_reads(macros.get(node.value, ()), macros, found, seen)
        elif isinstance(node, NumberNode | LabelNode) and node.variable == _NOTE_NUMBER:
            found.add("position")


class _Renderer:
    """Renders cites in one position form (first, or subsequent) for comparison."""

    def __init__(
        self,
        proc: ItemRenderer,
        items: Mapping[str, Item],
        position: str = "first",
        first_notes: Mapping[str, int] | None = None,
        shares: _Renderer | None = None,
    ):
        """``shares``: the first-form renderer, when the style cannot tell the
        forms apart (:class:`CitationReads`): the renders are then the same."""
        self.proc = proc
        self.items = items
        self.position = position
        # A subsequent cite prints the note of its first cite ("Murdock (n 25)"),
        # which tells works apart as citeproc-js sees them.
        self.first_notes = first_notes or {}
        self.reads = citation_reads(proc.style)
        # The steps re-read the same cites in the same states (a bucket's
        # distinct count, then its colliding members, the names each shows):
        # render each (item, state) once, and keep what each step reads of it.
        # The subsequent-form renderer of a style blind to the form keeps them with the first's.
        self._keys: dict[tuple[object, ...], str] = {} if shares is None else shares._keys
        self._names: dict[tuple[object, ...], tuple[int, int]] = (
            {} if shares is None else shares._names
        )

    def _memo(self, item_id: str, state: DisambiguationState) -> tuple[object, ...]:
        """The render's key: the state's fields the style can read (``condition``
        only where a ``disambiguate`` test reads it)."""
        return (
            item_id,
            state.add_names,
            tuple(sorted(state.given_level.items())) if state.given_level else (),
            state.year_suffix,
            state.condition if self.reads.condition else 0,
            state.cite_names,
        )

    def key(self, item_id: str, state: DisambiguationState) -> str:
        memo = self._memo(item_id, state)
        cached = self._keys.get(memo)
        if cached is not None:
            return cached
        proc = self.proc
        note = self.first_notes.get(item_id, 0)
        info = CiteInfo(position=self.position, first_note=note)
        output, ctx = proc.render_item(
            self.items[item_id], proc.style.citation, "citation", info, state, IGNORED
        )
        text = self._keys[memo] = plain_text(output)
        if not note:  # the very render names_info asks for (it passes no note)
            self._names.setdefault(memo, ctx.notes.names_info or (0, 0))
        return text

    def names_info(self, item_id: str, state: DisambiguationState) -> tuple[int, int]:
        memo = self._memo(item_id, state)
        cached = self._names.get(memo)
        if cached is not None:
            return cached
        proc = self.proc
        _, ctx = proc.render_item(
            self.items[item_id],
            proc.style.citation,
            "citation",
            CiteInfo(position=self.position),
            state,
            IGNORED,
        )
        info = self._names[memo] = ctx.notes.names_info or (0, 0)
        return info


def _buckets(keys: Mapping[str, str]) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for item_id, key in keys.items():
        groups[key].append(item_id)
    return [members for members in groups.values() if len(members) > 1]


def disambiguate(
    proc: ItemRenderer,
    items: Mapping[str, Item],
    registered: Sequence[str],
    bib_order: Sequence[str],
    clusters: Sequence[Sequence[Cite]],
    notes: Sequence[int] = (),
) -> dict[str, DisambiguationState]:
    """``notes``: each cluster's note number, for back-references in subsequent cites."""
    options = proc.style.citation.options
    add_names = options.get("disambiguate-add-names") == "true"
    add_given = options.get("disambiguate-add-givenname") == "true"
    add_year = options.get("disambiguate-add-year-suffix") == "true"
    rule = options.get("givenname-disambiguation-rule", "by-cite")
    states = {item_id: DisambiguationState() for item_id in registered}
    if not (add_names or add_given or add_year or proc.style.tests_disambiguate):
        return states  # no method to tell cites apart: rendering them all is wasted
    renderer = _Renderer(proc, items)
    max_level = 1 if rule.endswith("with-initials") else 2
    if add_given and rule != "by-cite":
        _global_names(proc, items, registered, states, rule, max_level)
    keys = {item_id: renderer.key(item_id, states[item_id]) for item_id in registered}
    buckets = _buckets(keys)
    rank = {item_id: index for index, item_id in enumerate(bib_order)}

    # Subsequent cites are ambiguous in their own (short) form too.
    # With et-al-subsequent options every item may appear in that shorter form.
    # A subsequent cite is ambiguous against every item's subsequent form.
    subsequent_options = (
        "et-al-subsequent-min" in options or "et-al-subsequent-use-first" in options
    )
    any_subsequent = any(c.info.position == "subsequent" for cites in clusters for c in cites)
    later = list(registered) if subsequent_options or any_subsequent else []
    short_collisions: list[list[str]] = []
    if later:
        first_notes: dict[str, int] = {}
        for cites, note in zip(clusters, notes, strict=False):
            for cite in cites:
                first_notes.setdefault(cite.item.id, note)
        # a style that cannot tell the forms apart renders each (item, state) once for both
        shares = renderer if not renderer.reads.position else None
        short = _Renderer(proc, items, "subsequent", first_notes, shares)
        later_keys = {i: short.key(i, states[i]) for i in later}
        for bucket in _buckets(later_keys):
            if add_given and rule == "by-cite":
                bucket = _expand_given(short, states, bucket, list(bucket), max_level)
            if add_names and len(bucket) > 1:
                bucket = _add_names(short, states, bucket, list(bucket), add_given, max_level)
            if len(bucket) > 1:
                bucket = _conditions(short, states, bucket)
            if add_year and len(bucket) > 1:
                short_collisions.append(bucket)

    for bucket in buckets:
        # the subsequent-form pass above may already have told them apart
        pending = _colliding(renderer, states, list(bucket)) if later else list(bucket)
        if len(pending) < 2:
            continue
        alike = _same_names(items, pending)  # one author's works: names cannot help
        if add_given and rule == "by-cite" and not alike:
            pending = _expand_given(renderer, states, pending, bucket, max_level)
        if add_names and len(pending) > 1 and not alike:
            pending = _add_names(renderer, states, pending, bucket, add_given, max_level)
        if len(pending) > 1:
            pending = _conditions(renderer, states, pending)
        if add_year and len(pending) > 1:
            groups: dict[str, list[str]] = defaultdict(list)
            for item_id in pending:
                groups[renderer.key(item_id, states[item_id])].append(item_id)
            for members in groups.values():
                if len(members) < 2:
                    continue
                ordered = sorted(members, key=rank.__getitem__)
                for index, item_id in enumerate(ordered):
                    states[item_id].year_suffix = _suffix(index)
    # Items still ambiguous only in their subsequent form get suffixes last.
    for bucket in short_collisions:
        fresh = [i for i in bucket if not states[i].year_suffix]
        if len(fresh) == len(bucket):
            for index, item_id in enumerate(sorted(fresh, key=rank.__getitem__)):
                states[item_id].year_suffix = _suffix(index)
    if add_names and add_given:
        for item_id, state in states.items():
            if state.add_names:
                state.cite_names = renderer.names_info(item_id, state)[1]
    return states


def _same_names(items: Mapping[str, Item], ids: Sequence[str]) -> bool:
    """Whether the items have exactly the same names in every role."""
    first = items[ids[0]].names
    return all(items[item_id].names == first for item_id in ids[1:])


def _conditions(
    renderer: _Renderer, states: dict[str, DisambiguationState], pending: list[str]
) -> list[str]:
    """Turn disambiguate="true" tests on one at a time (citeproc-js's incremental way).

    How many tests a cite runs is counted by rendering it with every test
    on; a style without such tests runs none, so the count (0) is known
    without rendering, and turning the one level on changes no render.
    """
    tests = 1
    for item_id in pending if renderer.reads.condition else ():
        _, ctx = renderer.proc.render_item(
            renderer.items[item_id],
            renderer.proc.style.citation,
            "citation",
            CiteInfo(position=renderer.position),
            DisambiguationState(condition=1 << 20),
        )
        tests = max(tests, ctx.notes.disambiguate_tests)
    for level in range(1, tests + 1):
        for item_id in pending:
            states[item_id].condition = level
        pending = _colliding(renderer, states, pending)
        if len(pending) < 2:
            break
    return pending


def _distinct(renderer: _Renderer, states: dict[str, DisambiguationState], ids: list[str]) -> int:
    return len({renderer.key(i, states[i]) for i in ids})


def _colliding(
    renderer: _Renderer, states: dict[str, DisambiguationState], ids: list[str]
) -> list[str]:
    keys = {i: renderer.key(i, states[i]) for i in ids}
    counts: dict[str, int] = defaultdict(int)
    for key in keys.values():
        counts[key] += 1
    return [i for i in ids if counts[keys[i]] > 1]


def _snapshot(
    states: dict[str, DisambiguationState], ids: list[str]
) -> dict[str, tuple[int, dict[int, int]]]:
    return {i: (states[i].add_names, dict(states[i].given_level)) for i in ids}


def _restore(
    states: dict[str, DisambiguationState], saved: dict[str, tuple[int, dict[int, int]]]
) -> None:
    for item_id, (add, levels) in saved.items():
        states[item_id].add_names = add
        states[item_id].given_level = levels


def _expand_given(
    renderer: _Renderer,
    states: dict[str, DisambiguationState],
    pending: list[str],
    bucket: list[str],
    max_level: int,
) -> list[str]:
    """Expand given names one name at a time, keeping only expansions that help."""
    shown = max((renderer.names_info(i, states[i])[1] for i in pending), default=0)
    best = _distinct(renderer, states, bucket)
    for index in range(shown):
        for level in range(1, max_level + 1):
            saved = _snapshot(states, pending)
            for item_id in pending:
                states[item_id].given_level[index] = level
            distinct = _distinct(renderer, states, bucket)
            if distinct > best:
                best = distinct
                pending = _colliding(renderer, states, pending)
                if len(pending) < 2:
                    return pending
                break
            _restore(states, saved)
    return pending


def _add_names(
    renderer: _Renderer,
    states: dict[str, DisambiguationState],
    pending: list[str],
    bucket: list[str],
    add_given: bool,
    max_level: int,
) -> list[str]:
    infos = {i: renderer.names_info(i, states[i]) for i in pending}
    most = max((total - shown for total, shown in infos.values()), default=0)
    best = _distinct(renderer, states, bucket)
    for extra in range(1, most + 1):
        saved = _snapshot(states, pending)
        for item_id in pending:
            states[item_id].add_names = extra
        distinct = _distinct(renderer, states, bucket)
        if distinct <= best and add_given:
            _expand_given(renderer, states, list(pending), bucket, max_level)
            distinct = _distinct(renderer, states, bucket)
        if distinct > best:
            best = distinct
            pending = _colliding(renderer, states, pending)
            if len(pending) < 2:
                return pending
        else:
            _restore(states, saved)
    return pending


def _global_names(
    proc: ItemRenderer,
    items: Mapping[str, Item],
    registered: Sequence[str],
    states: dict[str, DisambiguationState],
    rule: str,
    max_level: int,
) -> None:
    """Expand names that share a family name with a different person."""
    by_family: dict[tuple[str, str], set[str]] = defaultdict(set)
    primary_only = rule.startswith("primary")
    for item_id in registered:
        item = items[item_id]
        for names in item.names.values():
            for index, name in enumerate(names):
                if primary_only and index:
                    break
                by_family[(name.non_dropping, name.family)].add(name.given)
    for item_id in registered:
        item = items[item_id]
        names_list = next((item.names[v] for v in ("author", "editor") if v in item.names), ())
        for index, name in enumerate(names_list):
            if primary_only and index:
                break
            # one person however the given name is typed ("N K", "N. K."); every
            # spelling of the others counts ("JR" and "J R" have other initials),
            # not whichever one a set happened to give first
            spellings = by_family.get((name.non_dropping, name.family), ())
            mine_squashed = _squash(name.given)
            # a name without a given name has no initials to tell it apart by
            others = sorted(g for g in spellings if _squash(g) not in (mine_squashed, ""))
            if not others or not name.given:
                continue
            mine = _initials(name.given)
            # Initials where they tell this name from another person's, even
            # if a third shares them ("N Cowan" beside "J D Cowan" and
            # "Nelson Cowan"); full given names only where initials cannot.
            if max_level >= 2 and any(_initials(g) == mine for g in others):
                states[item_id].given_level[index] = 2
            elif any(_initials(g) != mine for g in others):
                states[item_id].given_level[index] = 1


def _squash(given: str) -> str:
    """One person however the initials are spaced ("N K", "N. K."); a hyphen
    counts, as in the initialized name ("E.-J." is not "E. J.")."""
    return given.replace(".", "").replace(" ", "").lower()


def _initials(given: str) -> str:
    """ "E. J." -> "EJ"; a hyphen stays, as in the initialized name ("E.-J.")."""
    words = given.replace(".", " ").split()
    return "".join("-".join(part[:1] for part in word.split("-")) for word in words)

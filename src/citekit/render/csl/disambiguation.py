"""Disambiguation by buckets of colliding first-cite renders.

Every registered item's first-cite form is rendered once and bucketed by its
text.  Only buckets of two or more are worked on, in the spec's order:
expand given names, add names hidden by et-al, the ``disambiguate``
condition, then year suffixes (in bibliography order).  Only members of a
bucket are re-rendered after each step, so the cost stays near linear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from citekit.render.csl.data import Item
from citekit.render.csl.evaluator import CiteInfo, DisambiguationState
from citekit.render.csl.output import plain_text

if TYPE_CHECKING:
    from citekit.render.csl.processor import Cite, Processor


def _suffix(index: int) -> str:
    letters = ""
    index += 1
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


class _Renderer:
    def __init__(self, proc: Processor, items: Mapping[str, Item]) -> None:
        self.proc = proc
        self.items = items

    def key(self, item_id: str, state: DisambiguationState) -> str:
        proc = self.proc
        output, _ = proc.render_item(
            self.items[item_id], proc.style.citation, "citation", CiteInfo(), state
        )
        return plain_text(output)

    def names_info(self, item_id: str, state: DisambiguationState) -> tuple[int, int]:
        proc = self.proc
        _, ctx = proc.render_item(
            self.items[item_id], proc.style.citation, "citation", CiteInfo(), state
        )
        info = ctx.extra.get("names_info")
        return info if isinstance(info, tuple) else (0, 0)


def _buckets(keys: Mapping[str, str]) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for item_id, key in keys.items():
        groups[key].append(item_id)
    return [members for members in groups.values() if len(members) > 1]


def disambiguate(
    proc: Processor,
    items: Mapping[str, Item],
    registered: Sequence[str],
    bib_order: Sequence[str],
    clusters: Sequence[Sequence[Cite]],
) -> dict[str, DisambiguationState]:
    options = proc.style.citation.options
    add_names = options.get("disambiguate-add-names") == "true"
    add_given = options.get("disambiguate-add-givenname") == "true"
    add_year = options.get("disambiguate-add-year-suffix") == "true"
    rule = options.get("givenname-disambiguation-rule", "by-cite")
    states = {item_id: DisambiguationState() for item_id in registered}
    proc.states = states
    renderer = _Renderer(proc, items)
    keys = {item_id: renderer.key(item_id, states[item_id]) for item_id in registered}
    buckets = _buckets(keys)
    max_level = 1 if rule.endswith("with-initials") else 2

    if add_given and rule != "by-cite":
        _global_names(proc, items, registered, states, rule, max_level)
        keys = {item_id: renderer.key(item_id, states[item_id]) for item_id in registered}
        buckets = _buckets(keys)

    for bucket in buckets:
        pending = list(bucket)
        if add_given and rule == "by-cite":
            pending = _expand_given(renderer, states, pending, keys, max_level)
        if add_names and len(pending) > 1:
            pending = _add_names(renderer, states, pending, keys, add_given, max_level)
        if len(pending) > 1:
            for item_id in pending:
                states[item_id].condition = True
            new_keys = {i: renderer.key(i, states[i]) for i in pending}
            still = [i for i in pending if list(new_keys.values()).count(new_keys[i]) > 1]
            if not still:
                for i in pending:
                    keys[i] = new_keys[i]
                continue
        if add_year and len(pending) > 1:
            groups: dict[str, list[str]] = defaultdict(list)
            for item_id in pending:
                groups[renderer.key(item_id, states[item_id])].append(item_id)
            for members in groups.values():
                if len(members) < 2:
                    continue
                ordered = sorted(members, key=lambda i: bib_order.index(i))
                for index, item_id in enumerate(ordered):
                    states[item_id].year_suffix = _suffix(index)
    return states


def _expand_given(
    renderer: _Renderer,
    states: dict[str, DisambiguationState],
    pending: list[str],
    keys: dict[str, str],
    max_level: int,
) -> list[str]:
    total = max((renderer.names_info(i, states[i])[1] for i in pending), default=0)
    for index in range(total):
        for level in range(1, max_level + 1):
            before = {i: keys[i] for i in pending}
            trial = {}
            for item_id in pending:
                state = states[item_id]
                old = state.given_level.get(index, 0)
                state.given_level[index] = level
                trial[item_id] = renderer.key(item_id, state)
                if trial[item_id] == before[item_id]:
                    state.given_level[index] = old
            distinct = len(set(trial.values()))
            if distinct == len(set(before.values())):
                for item_id in pending:
                    states[item_id].given_level.pop(index, None) if level == 1 else None
                continue
            keys.update(trial)
            pending = [i for i in pending if list(trial.values()).count(trial[i]) > 1]
            if len(pending) < 2:
                return pending
    return pending


def _add_names(
    renderer: _Renderer,
    states: dict[str, DisambiguationState],
    pending: list[str],
    keys: dict[str, str],
    add_given: bool,
    max_level: int,
) -> list[str]:
    infos = {i: renderer.names_info(i, states[i]) for i in pending}
    most = max((total - shown for total, shown in infos.values()), default=0)
    for extra in range(1, most + 1):
        trial = {}
        for item_id in pending:
            states[item_id].add_names = extra
            trial[item_id] = renderer.key(item_id, states[item_id])
        resolved = [i for i in pending if list(trial.values()).count(trial[i]) == 1]
        if resolved:
            keys.update(trial)
            pending = [i for i in pending if i not in resolved]
            if len(pending) < 2:
                return pending
    for item_id in pending:
        states[item_id].add_names = 0
    if add_given and len(pending) > 1:
        return _expand_given(renderer, states, pending, keys, max_level)
    return pending


def _global_names(
    proc: Processor,
    items: Mapping[str, Item],
    registered: Sequence[str],
    states: dict[str, DisambiguationState],
    rule: str,
    max_level: int,
) -> None:
    """Expand names that share a family name with a different person."""
    by_family: dict[str, set[tuple[str, str]]] = defaultdict(set)
    primary_only = rule.startswith("primary")
    for item_id in registered:
        item = items[item_id]
        for names in item.names.values():
            for index, name in enumerate(names):
                if primary_only and index:
                    break
                by_family[name.family].add((name.given, name.non_dropping))
    for item_id in registered:
        item = items[item_id]
        names_list = next((item.names[v] for v in ("author", "editor") if v in item.names), ())
        for index, name in enumerate(names_list):
            if primary_only and index:
                break
            people = by_family.get(name.family, set())
            if len(people) < 2:
                continue
            initials = {(g[:1], p) for g, p in people}
            level = 1 if len(initials) == len(people) else max_level
            states[item_id].given_level[index] = min(level, max_level)

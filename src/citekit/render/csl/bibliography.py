"""Bibliography entries: rendering, second-field alignment, author substitution."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

from citekit.render.csl import parallel
from citekit.render.csl.boxes import (
    STANDING_IN,
    Box,
    Out,
    find_tag,
    is_empty,
    to_rich,
    to_rich_aligned,
)
from citekit.render.csl.clusters import capitalize_leading_term
from citekit.render.csl.contract import CiteInfo, Context, DisambiguationState, ItemRenderer
from citekit.render.csl.data import Item
from citekit.render.csl.decor import wrap_layout
from citekit.render.csl.style import ChooseNode, GroupNode, Node, Style, TextNode
from citekit.render.richtext import Rich, Span, Text, span_format, span_of
from citekit.render.types import NO_PRINTED_FORM

_ENTRY = span_format({"part": "entry"})
"""The formatting of an entry's span (a part later steps find; no markup)."""


def _substitute_author(
    output: Out, previous: str | None, current: str | None, rule: str, substitute: str
) -> tuple[Out, str | None]:
    """Replace names repeated from the previous entry (first cs:names output).

    ``current`` is what the entry's first cs:names element rendered, as name
    data (``RenderNotes.author_key``): labels do not count, so "Doe, John ed."
    after "Doe, John" becomes "--- ed." (suite fixtures
    sort_DropNameLabelInSort, sort_SeparateAuthorsAndOthers).  None (that
    element showed nothing) neither substitutes nor replaces ``previous``, as in
    citeproc-js.  The rules, as citeproc-js applies them: ``complete-all``
    replaces the whole list once, ``complete-each`` each name, both only when
    every name matches; ``partial-each`` replaces each leading name the two
    entries share, ``partial-first`` only the first; a title standing in for
    the names is replaced whole under every rule.
    """
    if current is None:
        return output, previous
    names = find_tag(output, "names")
    if names is None or previous is None:
        return output, current
    lists = _all_tagged(names, "names-list")
    if lists and rule in ("partial-each", "partial-first"):
        matched = _leading_matches(previous, current)
        if rule == "partial-first":
            matched = min(matched, 1)
        _replace_names(lists[0], matched, substitute)
        return output, current
    if previous != current:
        return output, current
    if not lists:  # a title or other text stands in for the names (cs:substitute)
        _replace_text(names, substitute, keep_formatting=rule == "complete-all")
    elif rule == "complete-all":
        lists[0].kids = [substitute] if substitute else []
        for extra in lists[1:]:
            extra.kids = []
    elif rule == "complete-each":
        _replace_names(lists[0], len(current.split("\n")), substitute)
    return output, previous


def _replace_text(names: Box, substitute: str, keep_formatting: bool) -> None:
    """Replace what stands in for the names; complete-all keeps its formatting.

    citeproc-js prints ``<i>———</i>`` for an italic title under complete-all
    and a plain ``———`` under the other rules.
    """
    target = names
    while keep_formatting and len(target.kids) == 1 and isinstance(target.kids[0], Box):
        target = target.kids[0]
        if target.fmt is not None:
            target.tag = STANDING_IN
    target.kids = [substitute] if substitute else []


def _leading_matches(previous: str, current: str) -> int:
    """How many names, from the first, the two entries share (keys joined by newlines)."""
    count = 0
    for before, now in zip(previous.split("\n"), current.split("\n"), strict=False):
        if before != now:
            break
        count += 1
    return count


def _replace_names(names_list: Box, count: int, substitute: str) -> None:
    """Put ``substitute`` in place of the first ``count`` names of a joined list.

    A names-list alternates names and the strings that join them (delimiters,
    "and"), so name ``i`` is kid ``2 * i``; what follows the names shown (et-al,
    or the delimiter and last name of et-al-use-last) keeps that rhythm.
    """
    for index in range(min(count, (len(names_list.kids) + 1) // 2)):
        names_list.kids[2 * index] = substitute


def _all_tagged(node: Box, tag: str) -> list[Box]:
    found: list[Box] = []
    for kid in node.kids:
        if isinstance(kid, Box):
            if kid.tag == tag:
                found.append(kid)
            else:
                found.extend(_all_tagged(kid, tag))
    return found


def cites_by_number(style: Style) -> bool:
    """Whether the citation layout can print ``citation-number`` (a numeric style).

    citeproc-js then keeps an entry that renders nothing as a numbered error
    line, so the numbering stays visible (fixture sort_OmittedBibRefMixedNumericStyle).
    Kept per style object: the walk visits every branch of the citation
    layout (0.2 ms for chicago-notes-bibliography), and an editor session
    renders a bibliography run after almost every new cite.
    """
    kept = _CITES_BY_NUMBER.get(id(style))
    if kept is None or kept[0] is not style:
        if len(_CITES_BY_NUMBER) >= 64:  # a bound: styles seldom change in a process
            _CITES_BY_NUMBER.clear()
        kept = _CITES_BY_NUMBER[id(style)] = (style, citation_prints(style, ("citation-number",)))
    return kept[1]


_CITES_BY_NUMBER: dict[int, tuple[Style, bool]] = {}
""":func:`cites_by_number` by ``id(style)``, with the style (so the id stays its own)."""


def citation_prints(style: Style, variables: Collection[str]) -> bool:
    """Whether the citation layout can print one of ``variables``.

    Follows ``cs:text macro=`` references, groups and every branch of
    ``cs:choose``, so a number printed through a macro counts.
    """
    seen: set[str] = set()

    def walk(nodes: tuple[Node, ...]) -> bool:
        for node in nodes:
            if isinstance(node, TextNode):
                if node.source == "variable" and node.value in variables:
                    return True
                if node.source == "macro" and node.value not in seen:
                    seen.add(node.value)
                    if walk(style.macros.get(node.value, ())):
                        return True
            elif isinstance(node, GroupNode):
                if walk(node.children):
                    return True
            elif isinstance(node, ChooseNode) and any(walk(b) for _, b in node.branches):
                return True
        return False

    return walk(style.citation.layout.children)


class BibliographyPass:
    """The bibliography loop: the style's settings and the two values it carries.

    Rendering an entry depends on the entries before it through two values
    only: ``previous_names`` (what subsequent-author-substitute compares
    with) and ``shown`` (the number a numbered style prints on an entry with
    no printed form).  Both can be recovered for any position
    (:meth:`resume_at`), so a run of the order can be rendered on its own,
    in another process, and give the same entries as the whole loop.
    """

    def __init__(
        self,
        proc: ItemRenderer,
        items: Mapping[str, Item],
        numbers: Mapping[str, int],
        states: Mapping[str, DisambiguationState],
    ) -> None:
        section = proc.style.bibliography
        assert section is not None
        self.proc, self.items, self.numbers, self.states = proc, items, numbers, states
        self.section = section
        options = section.options
        substitute = options.get("subsequent-author-substitute")
        if substitute and "&" in substitute:
            # some styles escape the entity twice ("&amp;#8212;"); citeproc-js prints "—"
            from html import unescape  # rare: html's entity table costs start-up 1 ms

            substitute = unescape(substitute)
        self.substitute = substitute
        self.rule = options.get("subsequent-author-substitute-rule", "complete-all")
        self.second_field = options.get("second-field-align")
        self.numbered = cites_by_number(proc.style)
        # Given names the citations expanded show expanded here too, unless the
        # rule keeps citations to initials (suite: AllNamesWithInitialsBibliography).
        given_rule = proc.style.citation.options.get("givenname-disambiguation-rule", "by-cite")
        self.carry_given = not given_rule.endswith("with-initials")
        self.shown = 0  # entries with a printed form so far
        self.previous_names: str | None = None

    def render_run(
        self, order: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[tuple[str, Rich]]:
        """The entries of ``order``, carrying the state from one to the next."""
        entries: list[tuple[str, Rich]] = []
        for key in order:
            if progress is not None:
                progress(1)
            entries.append((key, self.entry(key)))
        return entries

    def resume_at(self, order: Sequence[str], start: int) -> None:
        """Set the carried values to what the whole loop has before ``order[start]``.

        In a numbered style every entry counts towards ``shown`` (those without
        a printed form too), so it is the position; elsewhere it is never
        printed.  ``previous_names`` comes from the nearest earlier entry that
        has a printed form and showed names: usually the one just before, so
        this renders one entry more (and only when the style substitutes).
        """
        self.shown = start
        self.previous_names = None
        if self.substitute is None:
            return
        for index in range(start - 1, -1, -1):
            output, ctx = self._render(order[index])
            if self._printed(output) and ctx.notes.author_key is not None:
                self.previous_names = ctx.notes.author_key
                return

    def _render(self, key: str) -> tuple[Out | None, Context]:
        """The item as the bibliography layout renders it, before substitution."""
        info = CiteInfo(citation_number=self.numbers.get(key, 0))
        kept = self.states.get(key)
        if kept is None:  # most items: nothing was disambiguated, a fresh state is the copy
            state = DisambiguationState()
        else:
            state = DisambiguationState(
                year_suffix=kept.year_suffix,
                condition=kept.condition,
                cite_names=kept.cite_names,
                given_level=kept.given_level if self.carry_given else {},
            )
        return self.proc.render_item(self.items[key], self.section, "bibliography", info, state)

    def _printed(self, output: Out | None) -> bool:
        """Whether an entry has a printed form (a numbered style's empty output has none)."""
        return output is not None and not (self.numbered and is_empty(output))

    def entry(self, key: str) -> Rich:
        """The next entry of the loop (its ``Span(part="entry")``)."""
        output, ctx = self._render(key)
        if output is None or not self._printed(output):
            if self.numbered:
                self.shown += 1
                error = Text(f"{self.shown}. {NO_PRINTED_FORM}")
                return Span((error,), part="entry")
            return Span((), part="entry")
        self.shown += 1
        if self.substitute is not None:
            output, self.previous_names = _substitute_author(
                output, self.previous_names, ctx.notes.author_key, self.rule, self.substitute
            )
        return span_of((self._laid_out(output),), _ENTRY)

    def _laid_out(self, output: Out) -> Rich:
        """The entry inside the layout's affixes, or split for second-field-align."""
        if self.second_field and isinstance(output, Box) and output.tag == "layout":
            return self._aligned(output)
        decor = self.section.layout.decor
        last = output.kids[-1] if isinstance(output, Box) and output.kids else None
        if decor.suffix and isinstance(last, Box) and last.display:
            # citeproc-js puts the layout suffix inside a closing display block.
            last.kids.append(decor.suffix)
            decor = replace(decor, suffix="")
        wrapped = wrap_layout(output, decor)
        if wrapped is not None:
            capitalize_leading_term(wrapped)
        return to_rich(wrapped, self.proc.locale)

    def _aligned(self, output: Box) -> Rich:
        """The entry as a left-margin label (its first field) and the rest beside it.

        A leading term is capitalised in the rest ("1.  N.d.": the entry
        starts after the number) and in the label, each once.  This used to
        be a second pass over the whole entry; but that pass could only ever
        change the label: past it, it met the leaves the first pass had
        already decided on (and capitalising is idempotent), with fewer of
        its nine leaves left.
        """
        decor = self.section.layout.decor
        locale = self.proc.locale
        first, *rest = output.kids
        left = Box([decor.prefix, first]) if decor.prefix else first
        if not rest:
            # Only the first field printed: citeproc-js gives the margin
            # alone, without the layout suffix ("(12)", not "(12) .").
            return to_rich_aligned(left, None, locale)
        right: Out = Box(rest)
        capitalize_leading_term(right)
        capitalize_leading_term(left)
        if decor.suffix:
            right = Box([right, decor.suffix])
        if decor.fmt is not None:
            right = Box([right], decor.fmt)
        return to_rich_aligned(left, right, locale)


def render_bibliography(
    proc: ItemRenderer,
    items: Mapping[str, Item],
    order: Sequence[str],
    numbers: Mapping[str, int],
    states: Mapping[str, DisambiguationState],
    progress: Callable[[int], None] | None = None,
    *,
    jobs: int = 1,
) -> list[tuple[str, Rich]]:
    """The entries in ``order``; ``progress(1)`` is called as each one is done.

    ``jobs`` above 1 (0: every idle CPU) formats a long bibliography in that
    many processes (:mod:`citekit.render.csl.parallel` says when it does).
    The entries are the same either way.
    """
    processes = parallel.processes_for(jobs, len(order))
    if processes > 1:
        return _render_in_parallel(proc, items, order, numbers, states, progress, processes)
    return BibliographyPass(proc, items, numbers, states).render_run(order, progress)


def _render_in_parallel(
    proc: ItemRenderer,
    items: Mapping[str, Item],
    order: Sequence[str],
    numbers: Mapping[str, int],
    states: Mapping[str, DisambiguationState],
    progress: Callable[[int], None] | None,
    processes: int,
) -> list[tuple[str, Rich]]:
    """Contiguous runs of ``order`` rendered in ``processes`` processes, joined in order."""

    def render_range(start: int, stop: int) -> list[Rich]:
        one = BibliographyPass(proc, items, numbers, states)
        one.resume_at(order, start)
        return [one.entry(key) for key in order[start:stop]]

    def done(count: int) -> None:
        if progress is not None:
            for _ in range(count):
                progress(1)

    entries = parallel.map_ranges(render_range, len(order), processes, done)
    return list(zip(order, entries, strict=True))

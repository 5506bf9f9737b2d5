"""Bibliography entries: rendering, second-field alignment, author substitution."""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

from citekit.render.csl.boxes import STANDING_IN, Box, Out, find_tag, is_empty, to_rich
from citekit.render.csl.clusters import capitalize_leading_term
from citekit.render.csl.contract import CiteInfo, DisambiguationState, ItemRenderer
from citekit.render.csl.data import Item
from citekit.render.csl.decor import wrap_layout
from citekit.render.csl.style import ChooseNode, GroupNode, Node, Style, TextNode
from citekit.render.richtext import Rich, Span, Text
from citekit.render.types import NO_PRINTED_FORM


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
    """
    return citation_prints(style, ("citation-number",))


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


def render_bibliography(
    proc: ItemRenderer,
    items: Mapping[str, Item],
    order: Sequence[str],
    numbers: Mapping[str, int],
    states: Mapping[str, DisambiguationState],
    progress: Callable[[int], None] | None = None,
) -> list[tuple[str, Rich]]:
    """The entries in ``order``; ``progress(1)`` is called as each one is done."""
    section = proc.style.bibliography
    assert section is not None
    options = section.options
    substitute = options.get("subsequent-author-substitute")
    if substitute and "&" in substitute:
        # some styles escape the entity twice ("&amp;#8212;"); citeproc-js prints "—"
        substitute = html.unescape(substitute)
    rule = options.get("subsequent-author-substitute-rule", "complete-all")
    second_field = options.get("second-field-align")
    layout = section.layout
    numbered = cites_by_number(proc.style)
    # Given names the citations expanded show expanded here too, unless the
    # rule keeps citations to initials (suite: AllNamesWithInitialsBibliography).
    given_rule = proc.style.citation.options.get("givenname-disambiguation-rule", "by-cite")
    carry_given = not given_rule.endswith("with-initials")
    entries: list[tuple[str, Rich]] = []
    shown = 0  # entries with a printed form so far
    previous_names: str | None = None
    for key in order:
        if progress is not None:
            progress(1)
        item = items[key]
        info = CiteInfo(citation_number=numbers.get(key, 0))
        state = states.get(key) or DisambiguationState()
        state = DisambiguationState(
            year_suffix=state.year_suffix,
            condition=state.condition,
            cite_names=state.cite_names,
            given_level=state.given_level if carry_given else {},
        )
        output, ctx = proc.render_item(item, section, "bibliography", info, state)
        if output is None or (numbered and is_empty(output)):
            if numbered:
                shown += 1
                error = Text(f"{shown}. {NO_PRINTED_FORM}")
                entries.append((key, Span((error,), part="entry")))
            else:
                entries.append((key, Span((), part="entry")))
            continue
        shown += 1
        if substitute is not None:
            output, previous_names = _substitute_author(
                output, previous_names, ctx.notes.author_key, rule, substitute
            )
        if second_field and isinstance(output, Box) and output.tag == "layout":
            first, *rest = output.kids
            decor = layout.decor
            left = Box([decor.prefix, first]) if decor.prefix else first
            if not rest:
                # Only the first field printed: citeproc-js gives the margin
                # alone, without the layout suffix ("(12)", not "(12) .").
                rich = to_rich(Box([Box([left], display="left-margin")]), proc.locale)
                entries.append((key, Span((rich,), part="entry")))
                continue
            right_kids: list[str | Box] = list(rest)
            right: Out = Box(right_kids)
            capitalize_leading_term(right)  # "1.  N.d.": the entry starts after the number
            if decor.suffix:
                right = Box([right, decor.suffix])
            if decor.fmt is not None:
                right = Box([right], decor.fmt)
            wrapped: Out | None = Box(
                [Box([left], display="left-margin"), Box([right], display="right-inline")]
            )
        else:
            decor = layout.decor
            last = output.kids[-1] if isinstance(output, Box) and output.kids else None
            if decor.suffix and isinstance(last, Box) and last.display:
                # citeproc-js puts the layout suffix inside a closing display block.
                last.kids.append(decor.suffix)
                decor = replace(decor, suffix="")
            wrapped = wrap_layout(output, decor)
        if wrapped is not None:
            capitalize_leading_term(wrapped)
        rich = to_rich(wrapped, proc.locale)
        entries.append((key, Span((rich,), part="entry")))
    return entries

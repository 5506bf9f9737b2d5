"""The lower-level processor: items, clusters and a bibliography in one run.

:class:`Processor` holds one parsed style and locale.  :meth:`Processor.run`
takes normalised items and clusters of typed cites
(:class:`~citekit.render.csl.contract.CiteRequest`: the document's
:class:`~citekit.model.citations.CiteItem`, and optionally a position the
caller fixes) and returns rich text per cluster and per bibliography entry.  The steps run in
the spec's order: register items, sort the bibliography (numbering), compute
positions, disambiguate the colliding first-cite renders, then render and
collapse each cluster.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import Any

from citekit.base.valueclass import value_class
from citekit.model.citations import CiteItem
from citekit.model.locators import LOCATOR_ABBREVIATIONS, LOCATOR_LABELS, LocatorPart
from citekit.model.records import DATE_VARIABLES, NAME_VARIABLES
from citekit.render.csl.bibliography import render_bibliography
from citekit.render.csl.boxes import Box, Out, is_empty, plain_text, to_rich
from citekit.render.csl.clusters import collapse_cluster, compute_positions
from citekit.render.csl.compiled import save_new_shapes
from citekit.render.csl.contract import (
    Cite,
    CiteInfo,
    CiteRequest,
    Context,
    DisambiguationState,
)
from citekit.render.csl.data import Item
from citekit.render.csl.disambiguation import disambiguate
from citekit.render.csl.evaluator import Evaluator
from citekit.render.csl.locale import Locale
from citekit.render.csl.sorting import (
    collation_for,
    names_node_for,
    sort_lazily,
    sort_value,
)
from citekit.render.csl.style import (
    PLAIN,
    ChooseNode,
    GroupNode,
    Node,
    Section,
    SortKey,
    Style,
    TextNode,
)
from citekit.render.richtext import Rich

# Where a labelled part may start: a comma, then a dotted word ("fol.", "s.v."),
# then the part's value, with or without a space ("fol. 186", "fol.186").
_LABELLED_PART = re.compile(r",\s*([^\s,]+\.)(\s*)(?=[^\s,])")
# A dotted word of one to four lower-case letters opens a part even when no
# term stands for it ("12, xyz. 3-4": "p. 12"), as citeproc-js reads it.
_ANY_ABBREVIATION = re.compile(r"[a-z]{1,4}\.")
# The locator terms whose locale short form may open a locator ("vol. 3"),
# from the one table (citekit.model.locators), in alphabetical order (the first
# of two terms with one form wins).  The locale's page and version forms are
# not read this way (kept so, to leave rendering unchanged); the English "p."
# and "pp." are, with citeproc-js's other abbreviations (LOCATOR_ABBREVIATIONS).
LOCATOR_TERM_NAMES = tuple(sorted(LOCATOR_LABELS - {"page", "version"}))


@value_class(frozen=False)
class RunResult:
    """What one run of the processor made: citations, bibliography entries, warnings."""

    citations: list[Rich] = field(default_factory=list)
    bibliography: list[tuple[str, Rich]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Processor:
    def __init__(
        self,
        style: Style,
        locale: Locale,
        abbreviations: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.style = style
        self.locale = locale
        self.evaluator = Evaluator(style, abbreviations)
        # CSL 1.0.2 "Non-English Items": an item without a language is
        # English only when the style's locale (default-locale, or the one the
        # caller chose, as citeproc-js reads it) is English.
        self.english_default = (locale.lang or "en").lower().startswith("en")
        self.collation = collation_for(locale.lang or "en")
        self.uses_year_suffix = _uses_variable(style, "year-suffix")
        self.states: dict[str, DisambiguationState] = {}
        self._numbered_order: tuple[tuple[str, ...], list[str]] | None = None
        self._locator_terms: dict[str, str] | None = None  # see locator_terms
        # (section, item, key index) -> a citation sort key's value (see cite_order)
        self._cite_sort: dict[tuple[int, str, int], Any] = {}
        # Section options over the style's global ones (page-range-format, ...).
        self.options: dict[int, dict[str, str]] = {}
        for section in (style.citation, style.bibliography):
            if section is not None:
                merged = dict(style.options)
                merged.update(section.options)
                self.options[id(section)] = merged

    # ------------------------------------------------------------ contexts

    def context(
        self,
        item: Item,
        section: Section,
        mode: str,
        info: CiteInfo | None = None,
        state: DisambiguationState | None = None,
    ) -> Context:
        language = item.language.lower()
        english = language.startswith("en") if language else self.english_default
        return Context(
            self.style,
            self.locale,
            item,
            mode,
            section.name_attrs,
            info or CiteInfo(),
            state or DisambiguationState(),
            english=english,
            uses_year_suffix_var=self.uses_year_suffix,
            options=self.options.get(id(section), section.options),
        )

    def render_item(
        self,
        item: Item,
        section: Section,
        mode: str,
        info: CiteInfo | None = None,
        state: DisambiguationState | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> tuple[Out | None, Context]:
        """Render one item; ``hidden`` variables render as if empty."""
        ctx = self.context(item, section, mode, info, state)
        if hidden:
            ctx.suppressed.update(hidden)
        ev = self.evaluator
        parts = ev.children(ctx, section.layout.children)
        if not parts:
            return None, ctx
        return Box(parts, tag="layout"), ctx

    # ------------------------------------------------------------ sorting

    def sort_key_value(self, item: Item, section: Section, key: SortKey) -> Any:
        """One key's value for ``item``, rendered in sort mode."""
        ev = self.evaluator
        ctx = self.context(item, section, "sort")
        ctx.sort_names = (key.names_min, key.names_use_first, key.names_use_last)
        result: Any
        if key.macro is not None:
            body = self.style.macros.get(key.macro, ())
            out = ev.group(ctx, body, "", PLAIN)
            if out is None or is_empty(out):
                return None
            text = plain_text(out)
            result = int(text) if text.isdigit() and len(text) < 12 else text
            return sort_value(result, self.collation)
        variable = key.variable or ""
        if variable in NAME_VARIABLES:
            result = ev.names(ctx, names_node_for(variable))
        elif variable in DATE_VARIABLES:
            date = item.dates.get(variable)
            result = date.sort_key() if date is not None else None
        elif variable == "citation-number":
            result = ctx.cite.citation_number or None
        else:
            value = ev.variable_text(ctx, variable)
            result = None if not value else int(value) if value.isdigit() else value
        return sort_value(result, self.collation)

    # ------------------------------------------------------------ run

    def run(
        self,
        items: Mapping[str, Item],
        clusters: Sequence[tuple[Sequence[CiteRequest], int]],
        bibliography_ids: Sequence[str] | None = None,
        want_bibliography: bool = True,
        progress: Callable[[int], None] | None = None,
        *,
        jobs: int = 1,
    ) -> RunResult:
        """Register, number, position, disambiguate and render everything.

        ``jobs`` above 1 (0: every idle CPU) lets a long bibliography be
        formatted in that many processes, with the same entries.
        """
        result = RunResult()
        style = self.style
        # Registration order: cited items first (document order), then the rest.
        registered: list[str] = []
        seen: set[str] = set()
        for cites, _ in clusters:
            for requested in cites:
                key = requested.cite.id
                if key in items and key not in seen:
                    seen.add(key)
                    registered.append(key)
                elif key not in items:
                    result.warnings.append(f"cited item {key!r} not found")
        extra = list(items) if bibliography_ids is None else list(bibliography_ids)
        for key in extra:
            if key in items and key not in seen:
                seen.add(key)
                registered.append(key)
        numbers = self.number_items(items, registered)
        bib_order = self.bibliography_order(items, registered, numbers)

        cite_lists: list[list[Cite]] = []
        for cites, _ in clusters:
            built: list[Cite] = []
            for request in cites:
                wanted = request.cite
                item = items.get(wanted.id)
                if item is None:
                    continue
                info = self.cite_info(wanted, numbers.get(wanted.id, 0))
                built.append(Cite(item, info, request))
            cite_lists.append(built)
        notes = [note for _, note in clusters]
        compute_positions(cite_lists, notes, style.citation.options)
        states = self.states = disambiguate(self, items, registered, bib_order, cite_lists, notes)

        for built in cite_lists:
            result.citations.append(self.render_cluster(built, states))
        if want_bibliography and style.bibliography is not None:
            result.bibliography = render_bibliography(
                self, items, bib_order, numbers, states, progress, jobs=jobs
            )
        save_new_shapes()  # the next process reads back what this one compiled
        return result

    def render_cluster(
        self, cites: Sequence[Cite], states: Mapping[str, DisambiguationState]
    ) -> Rich:
        """One cluster: its cites in the style's cite order, rendered in their
        positions and states, collapsed and joined.  ``cites`` keep their
        (document) order, so an engine session can keep them between runs."""
        citation = self.style.citation
        ordered = list(cites)
        if citation.sort and len(ordered) > 1:  # one cite needs no order (and no sort keys)
            ordered = [ordered[i] for i in self.cite_order(ordered, citation)]
        for cite in ordered:
            state = states.get(cite.item.id) or DisambiguationState()
            cite.output, _ = self.render_item(cite.item, citation, "citation", cite.info, state)
        return to_rich(collapse_cluster(self, ordered, states), self.locale)

    def cite_info(self, wanted: CiteItem, citation_number: int) -> CiteInfo:
        """A cite's fields before positions: its locator read with the locale's terms.

        The batch run and the engine session both build cites here, so a
        cite's label and locator head depend on the cite and the locale
        alone, never on the cites before it in the document.
        """
        info = CiteInfo(
            locator=(wanted.locator or "").strip(),
            label=wanted.label or "",
            prefix=wanted.prefix or "",
            suffix=wanted.suffix or "",
            suppress_author=wanted.suppress_author,
            author_only=wanted.author_only,
            citation_number=citation_number,
        )
        locator = info.locator
        if locator and "." in locator:  # only a dotted word names a label
            info.label, locator = self.split_locator_label(locator, info.label)
            info.locator = locator
            parts = self.locator_parts(locator, info.label) if "," in locator else ()
            if len(parts) > 1:
                info.locator_parts = parts
                info.locator_head = parts[0].group
        elif locator and not info.label:
            info.label = "page"
        return info

    @property
    def locator_terms(self) -> dict[str, str]:
        """The locale's dotted short locator terms (``vol.``, ``chap.``) and their names.

        Read from the locale on first use and kept: they depend on the locale
        only, so whichever cite asks first, every cite sees the same table.
        """
        if self._locator_terms is None:
            self._locator_terms = locator_terms(self.locale)
        return self._locator_terms

    def split_locator_label(self, locator: str, label: str = "") -> tuple[str, str]:
        """A locator such as ``vol. 3`` names its own label; ``page`` otherwise.

        The locator's own label wins over none and over ``page`` (the label a
        citation syntax gives a bare locator): ``vol. 3, p. 4-5`` labelled
        ``page`` is volume 3, as citeproc-js reads it.  A locator repeating
        its cite's label (``vol. 3`` labelled ``volume``) loses the repeat.
        Any other label stays with the locator as written.
        """
        head, _, rest = locator.partition(" ")
        named = self.locator_terms.get(head) or LOCATOR_ABBREVIATIONS.get(head)
        if named is not None and rest.strip() and label in ("", "page", named):
            return named, rest.strip()
        return label or "page", locator

    def locator_parts(self, locator: str, label: str) -> tuple[LocatorPart, ...]:
        """``locator`` cut at its labelled parts: ``1, fol. 186-190`` is page
        ``1`` and folios ``186-190``; one part when it names none.

        Every part prints its own label, plural for its own values ("p. 1,
        fols. 186–190"), and the cite's label counts the head alone, as
        citeproc-js prints them.  A part labelled as the one before it joins
        that one ("sec. 2, sec. 3" is two sections, "1, p. 3" two pages).
        """
        cuts = [m for m in _LABELLED_PART.finditer(locator) if self._opens_part(m.group(1))]
        if not cuts:
            return (_part("", "", "", locator, label),)
        parts = [_part("", "", "", locator[: cuts[0].start()], label)]
        ends = [match.start() for match in cuts[1:]] + [len(locator)]
        for match, end in zip(cuts, ends, strict=True):
            written = match.group(1)
            lead = locator[match.start() : match.start(1)]
            value = locator[match.end() : end]
            term = LOCATOR_ABBREVIATIONS.get(written, "")
            parts.append(_part(lead, written, match.group(2), value, term))
        return _grouped(parts)

    def locator_head(self, locator: str, label: str = "page") -> str | None:
        """The values the cite's label counts when ``locator`` names other parts
        (``1`` of ``1, fol. 186``); None when it names none."""
        parts = self.locator_parts(locator, label)
        return parts[0].group if len(parts) > 1 else None

    def _opens_part(self, written: str) -> bool:
        """Whether a dotted word after a comma labels a part of the locator."""
        return (
            written in self.locator_terms
            or written in LOCATOR_ABBREVIATIONS
            or _ANY_ABBREVIATION.fullmatch(written) is not None
        )

    def number_items(self, items: Mapping[str, Item], registered: list[str]) -> dict[str, int]:
        self._numbered_order = None
        numbers = {key: index + 1 for index, key in enumerate(registered)}
        bibliography = self.style.bibliography
        if bibliography is None or not bibliography.sort:
            return numbers
        # A citation-number key sorts by registration (first-cite) order; the
        # numbers then follow the sorted bibliography, counting down when that
        # key is descending ("Doe, Roe" sorted by author, then citation-number,
        # are 1 and 2 whichever was cited first), as in citeproc-js.
        order = self._sorted(items, registered, bibliography, numbers)
        # the same keys give the same order again: bibliography_order reuses it
        self._numbered_order = (tuple(registered), order)
        if any(k.variable == "citation-number" and not k.ascending for k in bibliography.sort):
            return {key: len(order) - index for index, key in enumerate(order)}
        return {key: index + 1 for index, key in enumerate(order)}

    def bibliography_order(
        self, items: Mapping[str, Item], registered: list[str], numbers: dict[str, int]
    ) -> list[str]:
        bibliography = self.style.bibliography
        if bibliography is None or not bibliography.sort:
            return list(registered)
        cached = self._numbered_order
        if cached is not None and cached[0] == tuple(registered):
            return list(cached[1])
        return self._sorted(items, registered, bibliography, numbers)

    def _sorted(
        self,
        items: Mapping[str, Item],
        registered: list[str],
        section: Section,
        numbers: dict[str, int],
    ) -> list[str]:
        keys = section.sort

        def value(row: int, index: int) -> Any:
            """A key is rendered only for the items that tie on every key before it."""
            if keys[index].variable == "citation-number":
                return numbers.get(registered[row], 0)
            return self.sort_key_value(items[registered[row]], section, keys[index])

        order = sort_lazily(len(registered), value, keys)
        return [registered[i] for i in order]

    def cite_order(self, cites: Sequence[Cite], section: Section) -> list[int]:
        """The order of one cluster's ``cites`` by ``section``'s sort keys.

        The order full rows of keys give (:func:`sort_lazily`), with a key
        rendered only for the cites tied on every key before it: the cites of
        a cluster rarely share an author, so most clusters render one key per
        cite, not all of them.  A citation-number key takes the cite's
        number.  A value, once rendered, is kept for the processor's life
        (it depends on the item, the section and the key alone).
        """
        keys = section.sort
        kept = self._cite_sort

        def value(row: int, index: int) -> Any:
            cite = cites[row]
            if keys[index].variable == "citation-number":
                return cite.info.citation_number
            memo = (id(section), cite.item.id, index)
            if memo not in kept:
                kept[memo] = self.sort_key_value(cite.item, section, keys[index])
            return kept[memo]

        return sort_lazily(len(cites), value, keys)


def _part(lead: str, label: str, space: str, value: str, term: str) -> LocatorPart:
    return LocatorPart(lead, label, space, value, term, True, value)


def _grouped(parts: list[LocatorPart]) -> tuple[LocatorPart, ...]:
    """``parts`` with each run of one term (or one unknown label) as one group.

    A part joins the group before it when it names the same term (the
    head's term is the cite's label) or repeats the same unknown label; it
    then prints no label, and every part of the group counts all its values.
    """
    runs: list[list[LocatorPart]] = []
    for part in parts:
        if runs and _same_label(runs[-1][0], part):
            runs[-1].append(part._replace(shown=False))
        else:
            runs.append([part])
    grouped: list[LocatorPart] = []
    for run in runs:
        if len(run) == 1:  # its group is its own value already
            grouped.append(run[0])
            continue
        values = run[0].value + "".join(part.lead + part.value for part in run[1:])
        grouped.extend(part._replace(group=values) for part in run)
    return tuple(grouped)


def _same_label(first: LocatorPart, later: LocatorPart) -> bool:
    if first.term or later.term:
        return first.term == later.term
    return first.label == later.label


def locator_terms(locale: Locale) -> dict[str, str]:
    """``locale``'s dotted short forms of the locator terms, each to its term name.

    Singular and plural forms both count ("vol." and "vols." name
    "volume"); the first of two terms sharing a form wins
    (``LOCATOR_TERM_NAMES`` order).  A function of the locale alone, so the
    batch processor and the engine session read every locator alike.
    """
    terms: dict[str, str] = {}
    for name in LOCATOR_TERM_NAMES:
        for plural in (False, True):
            text = locale.term(name, "short", plural)
            if text and text.endswith("."):
                terms.setdefault(text, name)
    return terms


def _uses_variable(style: Style, variable: str) -> bool:
    def walk(nodes: tuple[Node, ...]) -> bool:
        for node in nodes:
            if isinstance(node, TextNode) and node.source == "variable" and node.value == variable:
                return True
            if isinstance(node, GroupNode) and walk(node.children):
                return True
            if isinstance(node, ChooseNode) and any(walk(b) for _, b in node.branches):
                return True
        return False

    if any(walk(body) for body in style.macros.values()):
        return True
    sections = [style.citation] + ([style.bibliography] if style.bibliography else [])
    return any(walk(s.layout.children) for s in sections)

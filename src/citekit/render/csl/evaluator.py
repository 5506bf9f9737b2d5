"""Evaluating style nodes for one item in one context into output boxes.

One :class:`Context` describes a single render: the item, the cite (locator,
position), the section (citation or bibliography), the disambiguation state
and the variables substitution has consumed.  Groups are suppressed when they
call variables and all of them are empty; ``cs:choose`` output is spliced into
the enclosing group so its delimiter applies between the chosen children.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from citekit.model.records import NUMBER_VARIABLES
from citekit.render.csl.boxes import Box, Out, find_tag, is_empty
from citekit.render.csl.contract import Context
from citekit.render.csl.data import Item
from citekit.render.csl.dates import render_date
from citekit.render.csl.decor import apply_decor, superscripts
from citekit.render.csl.locale import Locale
from citekit.render.csl.markup import parse_markup, typed_quotes
from citekit.render.csl.names import NameRenderer
from citekit.render.csl.names_eval import render_names
from citekit.render.csl.numbers import (
    format_labelled_number,
    format_number,
    format_page_range,
    has_superscript,
    is_numeric,
    is_plural,
    number_range_dashes,
)
from citekit.render.csl.style import (
    PLAIN,
    ChooseNode,
    Condition,
    DateNode,
    Decor,
    GroupNode,
    LabelNode,
    NameNode,
    NamesNode,
    Node,
    NumberNode,
    Style,
    TextNode,
)

NO_MARKUP = frozenset({"URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID", "call-number"})
LOCATOR_TERMS = {"sub verbo": "sub-verbo", "sub-verbo": "sub-verbo"}


def _strip_periods(content: Out) -> Out:
    if isinstance(content, str):
        return content.replace(".", "")
    content.kids = [_strip_periods(kid) for kid in content.kids]
    return content


class Evaluator:
    """Renders nodes; stateless apart from per-style caches."""

    def __init__(
        self, style: Style, abbreviations: Mapping[str, Mapping[str, str]] | None = None
    ) -> None:
        self.style = style
        # {variable: {full text: abbreviation}}, used for form="short" (the suite's
        # ABBREVIATIONS section; applications can pass journal abbreviation lists).
        self.abbreviations = abbreviations or {}
        self._name_opts: dict[tuple[int, int], dict[str, str]] = {}
        # Per-evaluator (never global): keys are ids of objects this evaluator keeps alive.
        self.renderers: dict[tuple[int, int, int], NameRenderer] = {}
        self._typed_quotes: dict[int, tuple[Locale, tuple[bool, bool]]] = {}

    # ------------------------------------------------------------ helpers

    def markup(self, ctx: Context, text: str) -> Out:
        """A field's markup, its typed curly quotes read as this locale reads them."""
        cached = self._typed_quotes.get(id(ctx.locale))
        if cached is None:
            locale = ctx.locale
            cached = (locale, typed_quotes(locale.outer_quotes, locale.inner_quotes))
            self._typed_quotes[id(locale)] = cached
        return parse_markup(text, cached[1])

    def decorate(self, ctx: Context, content: Out, decor: Decor, term: bool = False) -> Out:
        """``term``: locale text, title-cased by the locale's language, not the item's."""
        if decor.strip_periods:
            content = _strip_periods(content)
        # citeproc-js title-cases a term in any language ("(Éd.)" in French APA)
        english = True if term else ctx.english
        language = ctx.locale.lang if term else ctx.item.language
        return apply_decor(content, decor, english, language)

    def children(self, ctx: Context, nodes: tuple[Node, ...]) -> list[Out]:
        out: list[Out] = []
        for node in nodes:
            if isinstance(node, ChooseNode):
                branch = self.choose(ctx, node)
                if branch:
                    out.extend(self.children(ctx, branch))
                continue
            result = self.node(ctx, node)
            if result is not None and result != "":
                out.append(result)
        return out

    def node(self, ctx: Context, node: Node) -> Out | None:
        if isinstance(node, TextNode):
            return self.text(ctx, node)
        if isinstance(node, NamesNode):
            return self.names(ctx, node)
        if isinstance(node, GroupNode):
            return self.group(ctx, node.children, node.delimiter, node.decor)
        if isinstance(node, DateNode):
            return self.date(ctx, node)
        if isinstance(node, NumberNode):
            return self.number(ctx, node)
        if isinstance(node, LabelNode):
            return self.label(ctx, node)
        if isinstance(node, ChooseNode):
            branch = self.choose(ctx, node)
            return self.group(ctx, branch, "", PLAIN, suppress=False) if branch else None
        return None

    def group(
        self,
        ctx: Context,
        nodes: tuple[Node, ...],
        delimiter: str,
        decor: Decor,
        suppress: bool = True,
    ) -> Out | None:
        called, rendered = ctx.called, ctx.rendered
        ctx.called = ctx.rendered = 0
        parts = self.children(ctx, nodes)
        inner_called, inner_rendered = ctx.called, ctx.rendered
        ctx.called = called + inner_called
        ctx.rendered = rendered + inner_rendered
        if not parts or (suppress and inner_called and not inner_rendered):
            return None
        if suppress:
            # A nested group with output counts as a rendered variable (citeproc-js).
            ctx.rendered = rendered + max(inner_rendered, 1)
        if delimiter and len(parts) > 1:
            joined: list[Out] = []
            for part in parts:
                if joined:
                    joined.append(delimiter)
                joined.append(part)
            parts = joined
        content: Out = parts[0] if len(parts) == 1 else Box(parts)
        return self.decorate(ctx, content, decor)

    # ------------------------------------------------------------ variables

    def variable_text(self, ctx: Context, name: str, form: str = "long") -> str:
        item = ctx.item
        if name in ctx.suppressed:
            return ""
        if name == "locator":
            return ctx.cite.locator
        if name == "citation-number":
            return str(ctx.cite.citation_number) if ctx.cite.citation_number else ""
        if name == "page-first":
            first = item.vars.get("page-first")
            if first:
                return first
            match = _FIRST_PAGE.match(item.vars.get("page", ""))
            return match.group(0) if match else ""
        if name == "citation-label":
            return item.vars.get(name) or _citation_label(item)
        if name == "first-reference-note-number":
            return str(ctx.cite.first_note) if ctx.cite.first_note else ""
        if name == "year-suffix":
            return ctx.state.year_suffix
        if form == "short":
            table = self.abbreviations.get(name)
            if table:
                abbreviated = table.get(item.vars.get(name, ""))
                if abbreviated:
                    return abbreviated
            short = item.vars.get(name + "-short")
            if short:
                return short
        return item.vars.get(name, "")

    def text(self, ctx: Context, node: TextNode) -> Out | None:
        source = node.source
        if source == "variable":
            name = node.value
            if name != "year-suffix":
                ctx.called += 1
            value = self.variable_text(ctx, name, node.form)
            if not value:
                return None
            ctx.rendered += 1
            if ctx.tracked is not None:
                ctx.tracked.append(name)
                ctx.suppressed.add(name)
            content: Out
            if name == "year-suffix":
                ctx.year_suffix_used = True
                content = Box([value], tag="year-suffix")
            elif name == "citation-number":
                content = Box([value], tag="citation-number")
            elif name == "citation-label":
                content = value
                if (
                    ctx.state.year_suffix
                    and not ctx.uses_year_suffix_var
                    and not ctx.year_suffix_used
                ):
                    ctx.year_suffix_used = True
                    content = Box([value, Box([ctx.state.year_suffix], tag="year-suffix")])
            elif name in ("page", "locator"):
                if name == "page" or ctx.cite.label in ("", "page"):
                    value = format_page_range(
                        value,
                        ctx.options.get("page-range-format"),
                        ctx.locale.term("page-range-delimiter") or "\u2013",
                    )
                else:
                    value = format_page_range(
                        value, None, ctx.locale.term("page-range-delimiter") or "\u2013"
                    )
                value = value.replace("\\-", "-")
                if name == "locator" and " & " in value:
                    ampersand = ctx.locale.term("and", "symbol")
                    if ampersand and ampersand != "&":
                        value = value.replace(" & ", f" {ampersand} ")
                content = self.markup(ctx, value)
            elif name in NO_MARKUP:
                content = value
            elif "\u00ab " in value or " \u00bb" in value:  # French spacing: narrow no-break
                content = self.markup(
                    ctx, value.replace("\u00ab ", "\u00ab\u202f").replace(" \u00bb", "\u202f\u00bb")
                )
            elif name in NUMBER_VARIABLES and "-" in value and is_numeric(value):
                dash = ctx.locale.term("page-range-delimiter") or "\u2013"
                content = number_range_dashes(value, dash)
            else:
                content = self.markup(ctx, value)
            if name in ("title", "container-title") and ctx.mode != "sort":
                content = Box([content], tag=name)
            return self.decorate(ctx, content, node.decor)
        if source == "macro":
            body = self.style.macros.get(node.value)
            if body is None:
                return None
            result = self.group(ctx, body, "", PLAIN)
            if result is None:
                return None
            return self.decorate(ctx, result, node.decor)
        if source == "term":
            term = ctx.locale.term(node.value, node.form, node.plural)
            if not term:
                return None
            term_out: Out = parse_markup(term) if "<" in term else term
            if ctx.mode != "sort" and node.decor.text_case is None:
                # a term the style does not case itself may be capitalised at the
                # start of a note ("Ibid."); OSCOLA's lowercase "ibid" stays
                term_out = Box([term_out], tag="term")
            return self.decorate(ctx, term_out, node.decor, term=True)
        if not node.value:
            return None
        value = node.value
        content = superscripts(value) if has_superscript(value) else parse_markup(value)
        return self.decorate(ctx, content, node.decor)

    def number(self, ctx: Context, node: NumberNode) -> Out | None:
        ctx.called += 1
        value = self.variable_text(ctx, node.variable)
        if not value:
            return None
        ctx.rendered += 1
        if ctx.tracked is not None:
            ctx.tracked.append(node.variable)
        if ctx.mode == "sort" and value.isdigit():
            return value.zfill(8)
        gender = ctx.locale.genders.get(node.variable, "")
        labelled = format_labelled_number(value, node.form, ctx.locale, gender)
        dash = ctx.locale.term("page-range-delimiter") or "\u2013"
        if labelled:
            text = labelled.replace("\u2013", dash)
        else:
            text = format_number(value, node.form, ctx.locale, gender, dash)
        return self.decorate(ctx, superscripts(text), node.decor)

    def label(self, ctx: Context, node: LabelNode) -> Out | None:
        """The term of ``node.variable``, even when that variable is empty.

        CSL 1.0.2 says the term renders only for a non-empty variable, but
        citeproc-js (which defines correct output here) prints a label's term
        whatever the variable holds: singular unless ``plural="always"``.  A
        label does not count as a variable call, so an enclosing group still
        vanishes when every variable it does call is empty (``<label
        variable="page"/><text variable="page"/>`` prints nothing), while
        harvard-cite-them-right's ``(<number-of-volumes> <label
        variable="volume"/>)`` prints "(3 vol)" for an item without a volume.
        No CSL suite fixture's output depends on this rule.
        """
        variable = node.variable
        term_name = variable
        if variable == "locator":
            value = ctx.cite.locator
            term_name = LOCATOR_TERMS.get(ctx.cite.label, ctx.cite.label or "page")
        else:
            value = self.variable_text(ctx, variable)
        if node.plural in ("always", "never") or not value:
            plural = node.plural == "always"
        elif variable in ("number-of-pages", "number-of-volumes"):
            plural = value.strip().isdigit() and int(value) > 1
        else:
            if variable == "locator" and ctx.cite.locator_head is not None:
                value = ctx.cite.locator_head
            plural = is_plural(value.replace("\\-", ""))
            if not plural:
                and_term = ctx.locale.term("and")
                plural = (
                    bool(and_term)
                    and re.search(rf"\d,?\s+{re.escape(and_term)}\s+\S", value) is not None
                )
        term = ctx.locale.term(term_name, node.form, plural)
        if not term:
            return None
        return self.decorate(ctx, term, node.decor, term=True)

    def date(self, ctx: Context, node: DateNode) -> Out | None:
        ctx.called += 1
        if node.variable in ctx.suppressed:
            return None
        data = ctx.item.dates.get(node.variable)
        if data is None:
            return None
        ctx.rendered += 1
        if ctx.tracked is not None:
            ctx.tracked.append(node.variable)
        if ctx.mode == "sort":
            return _date_sort_key(data, node) + (
                (data.end and f"{data.end[0] + 100000:06d}{data.end[1]:02d}{data.end[2]:02d}") or ""
            )
        box = render_date(node, data, ctx.locale)
        if box is None or is_empty(box):
            ctx.rendered -= 1
            return None
        if ctx.state.year_suffix and not ctx.uses_year_suffix_var and not ctx.year_suffix_used:
            # After the range's last year, as citeproc-js does: "1984–1986a".
            year = find_tag(box, "year", last=True)
            if year is not None:
                year.kids.append(Box([ctx.state.year_suffix], tag="year-suffix"))
                ctx.year_suffix_used = True
        return self.decorate(ctx, box, node.decor)

    # ------------------------------------------------------------ names

    def name_options(self, ctx: Context, node: NamesNode, name: NameNode | None) -> dict[str, str]:
        key = (id(name), id(ctx.name_attrs))
        cached = self._name_opts.get(key)
        if cached is None:
            cached = dict(self.style.name_attrs)
            cached.update(ctx.name_attrs)
            if name is not None:
                cached.update(name.attrs)
            cached.setdefault(
                "demote-non-dropping-particle",
                self.style.options.get("demote-non-dropping-particle", "display-and-sort"),
            )
            self._name_opts[key] = cached
        return cached

    def names(self, ctx: Context, node: NamesNode) -> Out | None:
        return render_names(self, ctx, node)

    # ------------------------------------------------------------ conditions

    def choose(self, ctx: Context, node: ChooseNode) -> tuple[Node, ...] | None:
        for condition, children in node.branches:
            if condition is None or self.test(ctx, condition):
                return children
        return None

    def test(self, ctx: Context, condition: Condition) -> bool:
        test_one = self.test_one
        if condition.match == "all":
            for attr, values in condition.tests:
                if attr == "type":
                    # an item has one type: citeproc-js reads type="webpage report"
                    # as either, even under match="all"
                    if not any(test_one(ctx, attr, value) for value in values):
                        return False
                    continue
                for value in values:
                    if not test_one(ctx, attr, value):
                        return False
            return True
        found = False
        for attr, values in condition.tests:
            for value in values:
                if test_one(ctx, attr, value):
                    found = True
                    break
            if found:
                break
        return found if condition.match == "any" else not found

    def test_one(self, ctx: Context, attr: str, value: str) -> bool:
        item = ctx.item
        if attr == "type":
            return item.type == value
        if attr == "variable":
            # Substitution suppresses output, not conditions (citeproc-js).
            if value in item.names:
                return True
            if value in item.dates:
                return True
            if value in item.vars:
                return True
            return value in _CONTEXT_VARIABLES and bool(self.variable_text(ctx, value))
        if attr == "is-numeric":
            text = self.variable_text(ctx, value)
            return bool(text) and is_numeric(text)
        if attr == "is-uncertain-date":
            date = item.dates.get(value)
            return date is not None and date.circa
        if attr == "locator":
            label = ctx.cite.label or ("page" if ctx.cite.locator else "")
            return label == value or (value == "sub-verbo" and label == "sub verbo")
        if attr == "position":
            if ctx.mode != "citation":
                return False
            position = ctx.cite.position
            if value == "first":
                return position == "first"
            if value == "subsequent":
                return position != "first"
            if value == "ibid":
                return position in ("ibid", "ibid-with-locator")
            if value == "ibid-with-locator":
                return position == "ibid-with-locator"
            if value == "near-note":
                return position != "first" and ctx.cite.near_note
            return False
        if attr == "disambiguate":
            seen = ctx.notes.disambiguate_tests + 1
            ctx.notes.disambiguate_tests = seen
            return (seen <= ctx.state.condition) == (value == "true")
        return False


_FIRST_PAGE = re.compile(r"[^\s,&\-\u2013]+")
_CONTEXT_VARIABLES = frozenset(
    {
        "locator",
        "citation-number",
        "first-reference-note-number",
        "year-suffix",
        "citation-label",
        "page-first",
    }
)


def _date_sort_key(data: Any, node: DateNode) -> str:
    """The date's sort key, limited to the parts the node renders."""
    if node.form:
        wanted = node.parts_attr
        keep = 3 if wanted == "year-month-day" else 2 if wanted == "year-month" else 1
    else:
        names = {part.name for part in node.parts}
        keep = 3 if "day" in names else 2 if "month" in names else 1
    # Nor past the parts the date has: citeproc-js renders a month part of a
    # year-only date as nothing, so "2010" keys the same through date-parts
    # "year" or "year-month-day" (APA's date-sort macro, which differs by type).
    _, month, day = data.parts
    keep = min(keep, 3 if day else 2 if month else 1)
    key: str = data.sort_key()
    if keep == 3 or not key:
        return key
    width = 6 + 2 * (keep - 1)
    return "-".join(chunk[:width] for chunk in key.split("-"))


def _citation_label(item: Item) -> str:
    """The default "trigraph" label: Doe65, RoNo78, ABCD01."""
    names = next((item.names[v] for v in ("author", "editor") if v in item.names), ())
    families = [n.family or n.literal for n in names if n.family or n.literal]
    if len(families) == 1:
        label = families[0][:4]
    elif 2 <= len(families) <= 3:
        label = "".join(f[:2] for f in families)
    else:
        label = "".join(f[:1] for f in families[:4])
    date = item.dates.get("issued")
    if date is not None and date.parts[0]:
        label += f"{date.parts[0] % 100:02d}"
    return label

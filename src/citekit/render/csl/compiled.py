"""A style compiled into closures: the evaluator's rules without run-time dispatch.

Walking the node tree for every item spent most of a bibliography's time on
the walk itself: ``isinstance`` dispatch per node, attribute reads on frozen
nodes, and the long ``if name == ...`` chains that decide, per render, what
compile time already knows (which variable a ``cs:text`` reads, whether its
decoration does anything, which tests a condition runs).  The
:class:`Compiler` turns each node, children tuple, condition and macro into
one Python callable, once per parsed style (:func:`compiler_for`), and
rendering calls them: a group becomes one generated function with its
children's calls written out, a ``cs:choose`` a list of branches worked out
once per item type (conditions on ``type`` alone are decided then), a
``cs:text`` a closure for its variable, term or value.

The rules are the tree-walker's, kept exactly (the suite, the reference
agreement and a differential test against the walker in
``tests/render/csl/test_compiled.py`` hold it to that):

* a group suppresses itself when it called variables and none rendered, and
  counts as a rendered variable in its parent when it has output;
* ``cs:choose`` output is spliced into the enclosing group;
* conditions run their tests in the written order with the same
  short-circuiting (``disambiguate`` tests count themselves as they run);
  only side-effect-free ``type`` tests are decided ahead.

Output boxes are mutable (later passes edit them), so a compiled node never
returns a :class:`Box` built at compile time: only strings are precomputed.
Macros compile on first use, which keeps recursive and unused macros cheap.

The common cases take no call at all: a generated group writes out the test
that makes a child print nothing (a variable the item lacks, cs:names for
names it has none of) and the branch selection of a macro that is one
``cs:choose``; a ``variable`` condition is one set test (``Item.present``).
``tests/render/csl/test_compiled.py`` holds these to the general path too.
"""

from __future__ import annotations

import marshal
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import partial
from types import CodeType
from typing import Any, Protocol

from citekit.base.diskcache import DiskMemo, package_fingerprint
from citekit.base.diskcache import enabled as disk_cache_enabled
from citekit.base.patterns import lazy_pattern
from citekit.model.locators import LocatorPart
from citekit.model.records import NUMBER_VARIABLES
from citekit.render.csl.boxes import Box, Out, copy_box, find_tag, is_empty, tagged_box
from citekit.render.csl.contract import Context, NodeEvaluator
from citekit.render.csl.data import Item
from citekit.render.csl.dates import render_date
from citekit.render.csl.decor import apply_decor, superscripts
from citekit.render.csl.locale import Locale
from citekit.render.csl.markup import parse_markup, typed_quotes
from citekit.render.csl.names_eval import render_names
from citekit.render.csl.numbers import (
    format_labelled_number,
    format_number,
    format_page_range,
    has_superscript,
    is_numeric,
    is_plural,
    locator_is_numeric,
    locator_is_plural,
    locator_ranges,
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
    NamesNode,
    Node,
    NumberNode,
    Style,
    TextNode,
)

Render = Callable[["Host", Context], Out | None]
"""One node: its output for the context, or None."""
Fill = Callable[["Host", Context, list[Out]], None]
"""A children tuple: appends each child's non-empty output (chosen branches spliced)."""
Predicate = Callable[["Host", Context], bool]
Getter = Callable[["Host", Context], str]
Decorate = Callable[[Context, Out], Out]
Plan = tuple[tuple[Predicate | None, Any], ...]
"""A choose's branches left to test for one item type: (predicate or None, branch)."""

NO_MARKUP = frozenset({"URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID", "call-number"})
LOCATOR_TERMS = {"sub verbo": "sub-verbo", "sub-verbo": "sub-verbo"}
CONTEXT_VARIABLES = frozenset(
    {
        "locator",
        "citation-number",
        "first-reference-note-number",
        "year-suffix",
        "citation-label",
        "page-first",
    }
)
_MARKUP_KEPT = 50_000  # parsed texts kept per locale by ``Compiler.markup``; then dropped
_FIRST_PAGE = lazy_pattern(globals(), r"[^\s,&\-\u2013]+")
_EN_DASH = "\u2013"


class Host(NodeEvaluator, Protocol):
    """What compiled nodes need of the evaluator that owns them."""

    @property
    def abbreviations(self) -> Mapping[str, Mapping[str, str]]: ...


def strip_periods(content: Out) -> Out:
    """``content`` without full stops (``strip-periods="true"``); boxes edited in place."""
    if isinstance(content, str):
        return content.replace(".", "")
    content.kids = [strip_periods(kid) for kid in content.kids]
    return content


def field_content(
    markup: Callable[[Context, str], Out], ctx: Context, value: str, is_number: bool
) -> Out:
    """A variable's text as printed: its own markup, French spacing, number ranges.

    French guillemets take a narrow no-break space inside them; a number
    variable holding a range gets the locale's range delimiter.
    """
    if "\u00ab " in value or " \u00bb" in value:
        return markup(
            ctx, value.replace("\u00ab ", "\u00ab\u202f").replace(" \u00bb", "\u202f\u00bb")
        )
    if is_number and "-" in value and is_numeric(value):
        return number_range_dashes(value, ctx.locale.term("page-range-delimiter") or _EN_DASH)
    return markup(ctx, value)


def decor_is_identity(decor: Decor) -> bool:
    """Whether :func:`apply_decor` returns every content unchanged for ``decor``.

    True exactly when nothing in it acts: no case, no formatting (even an
    all-None :class:`Formatting` wraps a box), quotes, display or affixes,
    and no period stripping.
    """
    return decor is PLAIN or (
        not decor.strip_periods
        and decor.text_case is None
        and decor.fmt is None
        and not decor.quotes
        and decor.display is None
        and not decor.prefix
        and not decor.suffix
    )


def compile_decor(decor: Decor, term: bool = False) -> Decorate | None:
    """The decoration as one callable, or None when it provably changes nothing.

    ``term``: locale text, title-cased by the locale's language (see
    ``Evaluator.decorate``).  Without a text case the item's language does
    not matter, so the common affix-only and format-only decorations build
    their boxes directly, in :func:`apply_decor`'s order.
    """
    if decor_is_identity(decor):
        return None
    if decor.strip_periods or decor.text_case is not None:
        return _cased_decor(decor, term)
    fmt, quotes, display = decor.fmt, decor.quotes, decor.display
    prefix, suffix = decor.prefix, decor.suffix
    if display is None and (prefix or suffix):
        if fmt is None and not quotes:

            def affixes(ctx: Context, content: Out) -> Out:
                return Box([prefix, content, suffix])

            return affixes

        def formatted_affixes(ctx: Context, content: Out) -> Out:
            return Box([prefix, Box([content], fmt, quotes), suffix])

        return formatted_affixes
    if display is None:

        def formatted(ctx: Context, content: Out) -> Out:
            return Box([content], fmt, quotes)

        return formatted

    def wrapped(ctx: Context, content: Out) -> Out:
        return apply_decor(content, decor)

    return wrapped


def _cased_decor(decor: Decor, term: bool) -> Decorate:
    strip = decor.strip_periods

    if term:

        def cased_term(ctx: Context, content: Out) -> Out:
            if strip:
                content = strip_periods(content)
            # citeproc-js title-cases a term in any language ("(Éd.)" in French APA)
            return apply_decor(content, decor, True, ctx.locale.lang)

        return cased_term

    def cased(ctx: Context, content: Out) -> Out:
        if strip:
            content = strip_periods(content)
        return apply_decor(content, decor, ctx.english, ctx.item.language)

    return cased


def decorate(ctx: Context, content: Out, decor: Decor, term: bool = False) -> Out:
    """``content`` in ``decor``, read at run time (the names renderer's path)."""
    if decor.strip_periods:
        content = strip_periods(content)
    english = True if term else ctx.english
    language = ctx.locale.lang if term else ctx.item.language
    return apply_decor(content, decor, english, language)


def _chooser(
    plans: dict[str, Plan], plan_for: Callable[[str], Plan], dec: Decorate | None
) -> Render:
    """A ``cs:choose`` run: the first branch whose test holds, for the item's type's plan.

    ``dec`` dresses what the branch gives (a lone choose standing for its
    group); None leaves it as it is.
    """

    def choose(ev: Host, ctx: Context) -> Out | None:
        item_type = ctx.item.type
        plan = plans.get(item_type)
        for test, group in plan_for(item_type) if plan is None else plan:
            if test is None or test(ev, ctx):
                result: Out | None = group(ev, ctx)
                if result is None or dec is None:
                    return result
                return dec(ctx, result)
        return None

    return choose


class Compiler:
    """Compiles one parsed style's nodes, memoised by node identity.

    The closures take the evaluator as their first argument (the names
    renderer and the abbreviation tables are its), so one compiled form
    serves every evaluator of the style.  Memo entries keep their node
    alive, so an ``id`` is never reused while its entry exists.
    """

    def __init__(self, macros: Mapping[str, tuple[Node, ...]]) -> None:
        self.macros = macros
        self._fills: dict[int, tuple[object, Fill]] = {}
        self._renders: dict[int, tuple[object, Render]] = {}
        self._groups: dict[tuple[int, str, int, bool], tuple[object, Render]] = {}
        self._predicates: dict[int, tuple[object, Predicate]] = {}
        self._macros: dict[str, list[Render | None]] = {}
        self._compiling: set[str] = set()  # macros whose body is being compiled
        self._typed_quotes: dict[int, tuple[Locale, tuple[bool, bool], dict[str, Out]]] = {}
        # Renders that count as a suppressing group does: they return None or
        # truthy output and leave ``ctx.called``/``ctx.rendered`` as a group of
        # them would, so a group of one of them is that render (``_compile_group``);
        # by id, each kept alive here.
        self._suppressing: dict[int, Render] = {}
        self._rest_predicates: dict[int, tuple[object, Predicate]] = {}
        # Renders a generated group may write out in its own code (``_inline_step``),
        # by id, each kept alive here: undecorated lone chooses (their plans),
        # cs:text of a plain variable (its name), cs:names without a substitute
        # (the node).
        self._inlinable: dict[int, tuple[Render, str, Any]] = {}

    # ------------------------------------------------------------ memoised entry points

    def fill(self, nodes: tuple[Node, ...]) -> Fill:
        entry = self._fills.get(id(nodes))
        if entry is None:
            entry = (nodes, self._compile_fill(nodes))
            self._fills[id(nodes)] = entry
        return entry[1]

    def render(self, node: Node) -> Render:
        entry = self._renders.get(id(node))
        if entry is None:
            entry = (node, self._compile_node(node))
            self._renders[id(node)] = entry
        return entry[1]

    def group(
        self, nodes: tuple[Node, ...], delimiter: str, decor: Decor, suppress: bool
    ) -> Render:
        key = (id(nodes), delimiter, id(decor), suppress)
        entry = self._groups.get(key)
        if entry is None:
            entry = ((nodes, decor), self._compile_group(nodes, delimiter, decor, suppress))
            self._groups[key] = entry
        return entry[1]

    def predicate(self, condition: Condition) -> Predicate:
        entry = self._predicates.get(id(condition))
        if entry is None:
            entry = (condition, self._compile_condition(condition))
            self._predicates[id(condition)] = entry
        return entry[1]

    def markup(self, ctx: Context, text: str) -> Out:
        """A field's markup, its typed curly quotes read as this locale reads them.

        The parse is kept per locale and text: a note style reads each title
        several times (disambiguation, first note, bibliography).  A string
        is shared; a box tree is kept as a template and each call gets a copy
        of it, since later passes edit output boxes in place.
        """
        cached = self._typed_quotes.get(id(ctx.locale))
        if cached is None:
            locale = ctx.locale
            cached = (locale, typed_quotes(locale.outer_quotes, locale.inner_quotes), {})
            self._typed_quotes[id(locale)] = cached
        parsed = cached[2]
        found = parsed.get(text)
        if found is None:
            if len(parsed) >= _MARKUP_KEPT:
                parsed.clear()
            found = parsed[text] = parse_markup(text, cached[1])
        return found if isinstance(found, str) else copy_box(found)

    # ------------------------------------------------------------ structure

    def _compile_fill(self, nodes: tuple[Node, ...]) -> Fill:
        """Children appending their outputs: one generated function (``_generated_fill``)."""
        if len(nodes) == 1 and isinstance(nodes[0], ChooseNode):
            return self._compile_choose_fill(nodes[0])
        steps = [
            ("choose", self._choose_plans(node))
            if isinstance(node, ChooseNode)
            else self._inline_step(self.render(node))
            for node in nodes
        ]
        return _generated_fill(steps)

    def _plans(
        self, node: ChooseNode, make: Callable[[tuple[Node, ...]], Any]
    ) -> tuple[dict[str, Plan], Callable[[str], Plan]]:
        """The branches still to test for an item of a given type, worked out once per type.

        A condition that tests only ``type`` is decided by the type alone and
        has no side effect, so for each type it is either dropped (false) or
        ends the list as an unconditional branch (true); a condition mixing
        ``type`` with other tests keeps only the others
        (:meth:`_rest_after_type`); the rest stay, in their order, as
        predicates.  A branch compiles (``make``) when a type first needs it:
        most of a style's branches are for types a document never cites, and
        a short run need not compile them.
        """
        branches = node.branches
        payloads: list[Any] = [None] * len(branches)
        plans: dict[str, Plan] = {}

        def payload(index: int) -> Any:
            made = payloads[index]
            if made is None:
                made = payloads[index] = make(branches[index][1])
            return made

        def plan_for(item_type: str) -> Plan:
            plan = plans.get(item_type)
            if plan is None:
                kept: list[tuple[Predicate | None, Any]] = []
                for index, (condition, _) in enumerate(branches):
                    if condition is None:
                        kept.append((None, payload(index)))
                        break
                    decided: bool | Predicate | None = _type_decides(condition, item_type)
                    if decided is None:
                        decided = self._rest_after_type(condition, item_type)
                    if decided is False:
                        continue
                    if decided is None or callable(decided):
                        test = self.predicate(condition) if decided is None else decided
                        kept.append((test, payload(index)))
                    else:
                        kept.append((None, payload(index)))
                        break
                plan = plans[item_type] = tuple(self._flattened(kept, item_type))
            return plan

        return plans, plan_for

    def _flattened(
        self, kept: list[tuple[Predicate | None, Any]], item_type: str
    ) -> list[tuple[Predicate | None, Any]]:
        """A plan whose last, unconditional branch is a lone choose: that choose's plan instead.

        Reached, the branch would run the inner choose's first holding branch,
        or give nothing when none holds: what its plan for the same type does
        in the outer loop, one call fewer (a macro of one choose whose branch
        calls another such macro).  The payload is a render, or a step
        (``(False, render)``) in a splicing choose's plan; the inner plan's
        renders take the same shape.
        """
        if not kept or kept[-1][0] is not None:
            return kept
        last = kept[-1][1]
        stepped = isinstance(last, tuple)
        render = last[1] if stepped and not last[0] else last
        entry = self._inlinable.get(id(render))
        if entry is None or entry[1] != "lone":
            return kept
        inner: Plan = entry[2][1](item_type)
        if stepped:
            return kept[:-1] + [(test, (False, branch)) for test, branch in inner]
        return kept[:-1] + list(inner)

    def _rest_after_type(self, condition: Condition, item_type: str) -> bool | Predicate | None:
        """A condition mixing ``type`` with other tests, for one item type.

        The type tests are decided by the type: under ``all`` a failing one
        makes the condition false and passing ones drop out; under ``any`` a
        passing one makes it true; under ``none``, false.  What is left is
        the other tests' predicate, the same for every type.  None (test it
        all as written) when a ``disambiguate`` test takes part: it counts
        itself as it runs, so the tests before it must run as written.
        """
        tests = condition.tests
        if any(attr == "disambiguate" for attr, _ in tests):
            return None
        hits = [item_type in values for attr, values in tests if attr == "type"]
        if condition.match == "all":
            if not all(hits):
                return False
        elif any(hits):
            return condition.match == "any"
        entry = self._rest_predicates.get(id(condition))
        if entry is None:
            rest = tuple((attr, values) for attr, values in tests if attr != "type")
            entry = (condition, self._compile_condition(Condition(condition.match, rest)))
            self._rest_predicates[id(condition)] = entry
        return entry[1]

    def _choose_plans(self, node: ChooseNode) -> tuple[dict[str, Plan], Callable[[str], Plan]]:
        """The plans of a choose whose branches splice into the enclosing children."""
        return self._plans(node, self._branch_step)

    def _compile_choose_fill(self, node: ChooseNode) -> Fill:
        """The chosen branch's outputs appended where the choose stands."""
        plans, plan_for = self._choose_plans(node)

        def choose(ev: Host, ctx: Context, out: list[Out]) -> None:
            item_type = ctx.item.type
            plan = plans.get(item_type)
            for test, (is_fill, step) in plan_for(item_type) if plan is None else plan:
                if test is None or test(ev, ctx):
                    if is_fill:
                        step(ev, ctx, out)
                    else:
                        result = step(ev, ctx)
                        if result:
                            out.append(result)
                    return

        return choose

    def _compile_group(
        self, nodes: tuple[Node, ...], delimiter: str, decor: Decor, suppress: bool
    ) -> Render:
        """``Evaluator.group``'s bookkeeping around one compiled children tuple."""
        dec = compile_decor(decor)
        group: Render
        if len(nodes) == 1 and not isinstance(nodes[0], ChooseNode):
            child = self.render(nodes[0])
            if id(child) in self._suppressing:
                group = _around_group(child, dec)
            else:
                group = _group_of_one(child, dec, suppress)
        elif len(nodes) == 1 and suppress:
            assert isinstance(nodes[0], ChooseNode)
            group = self._lone_choose(nodes[0], delimiter, dec)
        else:
            steps = [
                ("choose", self._choose_plans(node))
                if isinstance(node, ChooseNode)
                else self._inline_step(self.render(node))
                for node in nodes
            ]
            group = _generated_group(steps, delimiter, dec, suppress)
        if suppress and not decor.strip_periods:
            self._suppressing[id(group)] = group
        return group

    def _inline_step(self, render: Render) -> tuple[str, Any]:
        """A child of a generated group: its kind and what its inlined code reads.

        Most children of most groups print nothing for most items (a variable
        the item lacks, names it has none of), and a macro is often one
        ``cs:choose``: the group's own code decides those cases without a
        call (``_STEP_SOURCES``), and calls ``render`` otherwise, so each kind
        does exactly what the call would.
        """
        entry = self._inlinable.get(id(render))
        if entry is None:
            return "render", render
        kind, data = entry[1], entry[2]
        return kind, (render, data)

    def _lone_choose(self, node: ChooseNode, delimiter: str, dec: Decorate | None) -> Render:
        """A suppressing group whose only child is a ``cs:choose``: the chosen
        branch's children as a suppressing group of their own, then decorated.

        The group's output would be the branch's outputs joined by its
        delimiter, with its bookkeeping around them; conditions leave the
        counters alone, so the branch as a group does the same bookkeeping,
        and a branch of one group (macros written as a choose of groups)
        collapses into that group (``_around_group``): one call instead of three.
        """

        def branch_group(children: tuple[Node, ...]) -> Render:
            return self.group(children, delimiter, PLAIN, True) if children else _nothing

        plans, plan_for = self._plans(node, branch_group)
        chooser = _chooser(plans, plan_for, dec)
        if dec is None:
            self._inlinable[id(chooser)] = (chooser, "lone", (plans, plan_for))
        return chooser

    def _compile_node(self, node: Node) -> Render:
        if isinstance(node, TextNode):
            return self._compile_text(node)
        if isinstance(node, NamesNode):
            return self._compile_names(node)
        if isinstance(node, GroupNode):
            return self.group(node.children, node.delimiter, node.decor, True)
        if isinstance(node, DateNode):
            return self._compile_date(node)
        if isinstance(node, NumberNode):
            return self._compile_number(node)
        if isinstance(node, LabelNode):
            return self._compile_label(node)
        if isinstance(node, ChooseNode):
            return self._compile_choose_node(node)
        return _nothing

    def _branch_step(self, children: tuple[Node, ...]) -> tuple[bool, Any]:
        """A branch of one element is called directly, others through their fill."""
        if len(children) == 1 and not isinstance(children[0], ChooseNode):
            return False, self.render(children[0])
        return True, self.fill(children)

    def _compile_choose_node(self, node: ChooseNode) -> Render:
        """A ``cs:choose`` on its own (a substitute child): its branch as an unsuppressed group."""

        def branch_group(children: tuple[Node, ...]) -> Render:
            return self.group(children, "", PLAIN, False) if children else _nothing

        plans, plan_for = self._plans(node, branch_group)
        return _chooser(plans, plan_for, None)

    def _compile_names(self, node: NamesNode) -> Render:
        # a partial, not a closure: no Python frame of its own per call
        names: Render = partial(render_names, node=node)
        if not node.substitute and node.variables:
            # without a substitute, names the item lacks decide it (``_NAMES_STEP``)
            self._inlinable[id(names)] = (names, "names", node.variables)
        return names

    # ------------------------------------------------------------ variables

    def getter(self, name: str, form: str = "long") -> Getter:
        """``Evaluator.variable_text`` for one variable name and form, decided now."""
        special = _SPECIAL_GETTERS.get(name)
        if special is not None:
            return special
        if form == "short":
            return self._short_getter(name)

        def plain(ev: Host, ctx: Context) -> str:
            if name in ctx.suppressed:
                return ""
            return ctx.item.vars.get(name, "")

        return plain

    def _short_getter(self, name: str) -> Getter:
        short_name = name + "-short"

        def short(ev: Host, ctx: Context) -> str:
            if name in ctx.suppressed:
                return ""
            variables = ctx.item.vars
            table = ev.abbreviations.get(name)
            if table:
                abbreviated = table.get(variables.get(name, ""))
                if abbreviated:
                    return abbreviated
            return variables.get(short_name) or variables.get(name, "")

        return short

    def _compile_text(self, node: TextNode) -> Render:
        source = node.source
        if source == "variable":
            return self._compile_text_variable(node)
        if source == "macro":
            return self._compile_text_macro(node)
        if source == "term":
            return self._compile_text_term(node)
        return self._compile_text_value(node)

    def _compile_text_variable(self, node: TextNode) -> Render:
        name = node.value
        dec = compile_decor(node.decor)
        tagged = name in ("title", "container-title")
        if name in _CONTENT_BUILDERS or node.form == "short" or name in CONTEXT_VARIABLES:
            return self._compile_special_text(node, dec, tagged)
        markup = self.markup
        is_number = name in NUMBER_VARIABLES
        no_markup = name in NO_MARKUP

        def text(ev: Host, ctx: Context) -> Out | None:
            ctx.called += 1
            if name in ctx.suppressed:
                return None
            value = ctx.item.vars.get(name, "")
            if not value:
                return None
            ctx.rendered += 1
            if ctx.tracked is not None:
                ctx.tracked.append(name)
                ctx.suppressed.add(name)
            content = value if no_markup else field_content(markup, ctx, value, is_number)
            if tagged and ctx.mode != "sort":
                content = tagged_box([content], name)
            return content if dec is None else dec(ctx, content)

        if not node.decor.strip_periods:
            # One variable: called once, rendered once exactly when it returns
            # output (never empty: a field's text, its markup or range), as a
            # group around it would count it.
            self._suppressing[id(text)] = text
        # an empty field only counts as called (``_TEXT_STEP``)
        self._inlinable[id(text)] = (text, "text", name)
        return text

    def _compile_special_text(self, node: TextNode, dec: Decorate | None, tagged: bool) -> Render:
        """Variables with their own rules: locator, page, numbers, labels, short forms."""
        name = node.value
        get = self.getter(name, node.form)
        counts = name != "year-suffix"
        builder = _CONTENT_BUILDERS.get(name)
        markup = self.markup
        is_number = name in NUMBER_VARIABLES
        no_markup = name in NO_MARKUP

        def text(ev: Host, ctx: Context) -> Out | None:
            if counts:
                ctx.called += 1
            value = get(ev, ctx)
            if not value:
                return None
            ctx.rendered += 1
            if ctx.tracked is not None:
                ctx.tracked.append(name)
                ctx.suppressed.add(name)
            content: Out
            if builder is not None:
                content = builder(self, ctx, value)
            elif no_markup:
                content = value
            else:
                content = field_content(markup, ctx, value, is_number)
            if tagged and ctx.mode != "sort":
                content = tagged_box([content], name)
            return content if dec is None else dec(ctx, content)

        return text

    def _compile_text_macro(self, node: TextNode) -> Render:
        """The macro's group itself when undecorated; a macro compiles once, where first used."""
        name = node.value
        if name not in self.macros:
            return _nothing
        dec = compile_decor(node.decor)
        if name in self._compiling:
            return self._recursive_macro(name, dec)
        return _dressed(self._macro_group(name), dec)

    def _recursive_macro(self, name: str, dec: Decorate | None) -> Render:
        """A call of a macro from inside itself: its group is read when the call runs."""
        cell = self._macros.setdefault(name, [None])
        macro_group = self._macro_group

        def macro(ev: Host, ctx: Context) -> Out | None:
            group = cell[0]
            if group is None:
                group = macro_group(name)
            result = group(ev, ctx)
            if result is None or dec is None:
                return result
            return dec(ctx, result)

        return macro

    def _macro_group(self, name: str) -> Render:
        """A macro's body as a group, compiled on its first use."""
        cell = self._macros.setdefault(name, [None])
        group = cell[0]
        if group is None:
            self._compiling.add(name)
            try:
                group = self.group(self.macros[name], "", PLAIN, True)
            finally:
                self._compiling.discard(name)
            cell[0] = group
        return group

    def _compile_text_term(self, node: TextNode) -> Render:
        term_name, form, plural = node.value, node.form, node.plural
        dec = compile_decor(node.decor, term=True)
        # a term the style does not case itself may be capitalised at the start
        # of a note ("Ibid."); OSCOLA's lowercase "ibid" stays
        boxed = node.decor.text_case is None

        def term(ev: Host, ctx: Context) -> Out | None:
            found = ctx.locale.term(term_name, form, plural)
            if not found:
                return None
            content: Out = parse_markup(found) if "<" in found else found
            if boxed and ctx.mode != "sort":
                content = tagged_box([content], "term")
            return content if dec is None else dec(ctx, content)

        return term

    def _compile_text_value(self, node: TextNode) -> Render:
        value = node.value
        if not value:
            return _nothing
        dec = compile_decor(node.decor)
        make: Callable[[str], Out]
        if has_superscript(value):
            make = superscripts
        else:
            probe = parse_markup(value)
            if isinstance(probe, str):
                # no markup: a string, safe to share between renders
                if dec is None:
                    return _constant(probe)

                def constant(ev: Host, ctx: Context) -> Out | None:
                    return dec(ctx, probe)

                return constant
            make = parse_markup

        def literal(ev: Host, ctx: Context) -> Out | None:
            content = make(value)
            return content if dec is None else dec(ctx, content)

        return literal

    # ------------------------------------------------------------ numbers, labels, dates

    def _compile_number(self, node: NumberNode) -> Render:
        variable, form = node.variable, node.form
        get = self.getter(variable)
        dec = compile_decor(node.decor)

        def number(ev: Host, ctx: Context) -> Out | None:
            ctx.called += 1
            value = get(ev, ctx)
            if not value:
                return None
            ctx.rendered += 1
            if ctx.tracked is not None:
                ctx.tracked.append(variable)
            if ctx.mode == "sort" and value.isdigit():
                return value.zfill(8)
            locale = ctx.locale
            gender = locale.genders.get(variable, "")
            labelled = format_labelled_number(value, form, locale, gender)
            dash = locale.term("page-range-delimiter") or _EN_DASH
            if labelled:
                text = labelled.replace(_EN_DASH, dash)
            else:
                text = format_number(value, form, locale, gender, dash)
            content = superscripts(text)
            return content if dec is None else dec(ctx, content)

        return number

    def _compile_label(self, node: LabelNode) -> Render:
        """``cs:label``: the term even for an empty variable (see ``Evaluator.label``)."""
        variable, form, plural_attr = node.variable, node.form, node.plural
        get = self.getter(variable)
        dec = compile_decor(node.decor, term=True)
        fixed = plural_attr in ("always", "never")
        always = plural_attr == "always"
        counted = variable in ("number-of-pages", "number-of-volumes")
        is_locator = variable == "locator"
        # A locator's labelled parts ("fols." of "p. 1, fols. 186-190") print in
        # this label's form, and short for a cs:label without one (whose own
        # label is long), as citeproc-js prints them.
        part_form = form if node.form_written else "short"

        def label(ev: Host, ctx: Context) -> Out | None:
            term_name = variable
            if is_locator:
                value = ctx.cite.locator
                term_name = LOCATOR_TERMS.get(ctx.cite.label, ctx.cite.label or "page")
                ctx.locator_label_form = part_form
            else:
                value = get(ev, ctx)
            plural: bool
            if fixed or not value:
                plural = always
            elif counted:
                plural = value.strip().isdigit() and int(value) > 1
            else:
                if is_locator and ctx.cite.locator_head is not None:
                    value = ctx.cite.locator_head
                    plural = _plural_value(ctx, value)
                elif is_locator:
                    and_term = ctx.locale.term("and") or ""
                    plural = locator_is_plural(value, and_term)
                else:
                    plural = _plural_value(ctx, value)
            term = ctx.locale.term(term_name, form, plural)
            if not term:
                return None
            return term if dec is None else dec(ctx, term)

        return label

    def _compile_date(self, node: DateNode) -> Render:
        variable = node.variable
        dec = compile_decor(node.decor)

        def date(ev: Host, ctx: Context) -> Out | None:
            ctx.called += 1
            if variable in ctx.suppressed:
                return None
            data = ctx.item.dates.get(variable)
            if data is None:
                return None
            ctx.rendered += 1
            if ctx.tracked is not None:
                ctx.tracked.append(variable)
            if ctx.mode == "sort":
                return date_sort_key(data, node) + (
                    (data.end and f"{data.end[0] + 100000:06d}{data.end[1]:02d}{data.end[2]:02d}")
                    or ""
                )
            box = render_date(node, data, ctx.locale)
            if box is None or is_empty(box):
                ctx.rendered -= 1
                return None
            state = ctx.state
            if state.year_suffix and not ctx.uses_year_suffix_var and not ctx.year_suffix_used:
                # After the range's last year, as citeproc-js does: "1984–1986a".
                year = find_tag(box, "year", last=True)
                if year is not None:
                    year.kids.append(tagged_box([state.year_suffix], "year-suffix"))
                    ctx.year_suffix_used = True
            return box if dec is None else dec(ctx, box)

        return date

    # ------------------------------------------------------------ conditions

    def _compile_condition(self, condition: Condition) -> Predicate:
        """The tests in their written order, short-circuiting as the walker did."""
        match = condition.match
        if match == "all":
            # an item has one type: citeproc-js reads type="webpage report" as
            # either, even under match="all"
            tests = [
                self._compile_test(attr, values, every=attr != "type")
                for attr, values in condition.tests
            ]
            return _all_of(tests)
        tests = [self._compile_test(attr, values, every=False) for attr, values in condition.tests]
        found = _any_of(tests)
        if match == "any":
            return found

        def none(ev: Host, ctx: Context) -> bool:
            return not found(ev, ctx)

        return none

    def _compile_test(self, attr: str, values: tuple[str, ...], every: bool) -> Predicate:
        """One attribute's tests: all of ``values`` when ``every``, else any of them."""
        if attr == "type":
            # any of the types, whatever ``every`` says: an item has one type
            types = frozenset(values)

            def type_test(ev: Host, ctx: Context) -> bool:
                return ctx.item.type in types

            return type_test
        if attr == "variable" and len(values) > 1 and not CONTEXT_VARIABLES.intersection(values):
            return _variables_test(values, every)
        singles = [self._compile_one(attr, value) for value in values]
        return _all_of(singles) if every else _any_of(singles)

    def _compile_one(self, attr: str, value: str) -> Predicate:
        if attr == "variable":
            return self._variable_test(value)
        if attr == "is-numeric" and value != "locator":
            get = self.getter(value)

            def numeric(ev: Host, ctx: Context) -> bool:
                text = get(ev, ctx)
                return bool(text) and is_numeric(text)

            return numeric
        if attr == "is-numeric" and value == "locator":
            get = self.getter(value)

            def numeric_locator(ev: Host, ctx: Context) -> bool:
                """A locator with labelled parts is numeric when every part's value is."""
                text = get(ev, ctx)
                parts = ctx.cite.locator_parts
                if text and parts:
                    return all(is_numeric(part.value) for part in parts)
                return bool(text) and locator_is_numeric(text, ctx.locale.term("and") or "")

            return numeric_locator
        if attr == "is-uncertain-date":

            def uncertain(ev: Host, ctx: Context) -> bool:
                date = ctx.item.dates.get(value)
                return date is not None and date.circa

            return uncertain
        if attr == "locator":

            def locator(ev: Host, ctx: Context) -> bool:
                label = ctx.cite.label or ("page" if ctx.cite.locator else "")
                return label == value or (value == "sub-verbo" and label == "sub verbo")

            return locator
        if attr == "position":
            return _POSITION_TESTS.get(value, _never)
        if attr == "disambiguate":
            wanted = value == "true"

            def disambiguate(ev: Host, ctx: Context) -> bool:
                seen = ctx.notes.disambiguate_tests + 1
                ctx.notes.disambiguate_tests = seen
                return (seen <= ctx.state.condition) == wanted

            return disambiguate
        return _never

    def _variable_test(self, value: str) -> Predicate:
        # Substitution suppresses output, not conditions (citeproc-js).
        if value in CONTEXT_VARIABLES:
            get = self.getter(value)

            def context_variable(ev: Host, ctx: Context) -> bool:
                return value in ctx.item.present or bool(get(ev, ctx))

            return context_variable

        def variable(ev: Host, ctx: Context) -> bool:
            return value in ctx.item.present

        return variable


_COMPILERS: OrderedDict[int, tuple[Mapping[str, tuple[Node, ...]], Compiler]] = OrderedDict()
_COMPILERS_KEPT = 32


def compiler_for(style: Style) -> Compiler:
    """The compiled form of ``style``, shared by every evaluator of the same parse.

    A processor (and its evaluator) is made per run, so compiling per
    evaluator would compile again on every ``render()`` call: three times
    the cost of a small render.  The key is the style's macro table, a
    fresh dict per parse that the copies ``engine.style_for_run`` makes of
    a parsed style share with it, as they share its nodes; the entry keeps
    the table alive, so its ``id`` stays unique.  The least recently used
    styles drop out past ``_COMPILERS_KEPT``.
    """
    macros = style.macros
    entry = _COMPILERS.get(id(macros))
    if entry is not None and entry[0] is macros:
        _COMPILERS.move_to_end(id(macros))
        return entry[1]
    compiler = Compiler(macros)
    _COMPILERS[id(macros)] = (macros, compiler)
    if len(_COMPILERS) > _COMPILERS_KEPT:
        _COMPILERS.popitem(last=False)
    return compiler


# ---------------------------------------------------------------- small closures


def _nothing(ev: Host, ctx: Context) -> Out | None:
    return None


def _never(ev: Host, ctx: Context) -> bool:
    return False


def _constant(value: str) -> Render:
    def constant(ev: Host, ctx: Context) -> Out | None:
        return value

    return constant


_GROUP_SOURCE = """
def group(ev, ctx):
    called = ctx.called
    rendered = ctx.rendered
    ctx.called = ctx.rendered = 0
    parts = []
{children}
    inner_called = ctx.called
    inner_rendered = ctx.rendered
    ctx.called = called + inner_called
    if not parts{suppressed}:
        ctx.rendered = rendered + inner_rendered
        return None
    ctx.rendered = rendered + {counted}
    if len(parts) == 1:
        content = parts[0]
    else:
{joined}
    return {decorated}
"""
_RENDER_STEP = """    result = step{index}(ev, ctx)
    if result:
        parts.append(result)"""
_CHOOSE_STEP = """    plan = plans{index}.get(ctx.item.type)
    if plan is None:
        plan = plan_for{index}(ctx.item.type)
    for test, (is_fill, step) in plan:
        if test is None or test(ev, ctx):
            if is_fill:
                step(ev, ctx, parts)
            else:
                result = step(ev, ctx)
                if result:
                    parts.append(result)
            break"""
_LONE_STEP = """    plan = plans{index}.get(ctx.item.type)
    if plan is None:
        plan = plan_for{index}(ctx.item.type)
    for test, branch in plan:
        if test is None or test(ev, ctx):
            result = branch(ev, ctx)
            if result:
                parts.append(result)
            break"""
_TEXT_STEP = """    if ctx.item.vars.get(name{index}):
        result = step{index}(ev, ctx)
        if result:
            parts.append(result)
    else:
        ctx.called += 1"""
_NAMES_STEP = """    if (
        {absent}
        and not ctx.cite.suppress_author
        and (ctx.mode != "bibliography" or ctx.notes.author_decided)
    ):
        ctx.called += {count}
    else:
        result = step{index}(ev, ctx)
        if result:
            parts.append(result)"""
_GROUP_CODE: dict[str, CodeType] = {}
# The shapes compiled by earlier processes (the command line's disk memo): a
# shape's ``compile`` costs half a millisecond, and a style's layouts hold a
# few dozen shapes, a tenth of a short command's rendering time.  Keyed by
# source; the code's fingerprint covers this package and the Python version
# (``source_fingerprint``), so marshalled code is read only by the code and
# the interpreter that wrote it.
_SHAPES_ON_DISK = DiskMemo("csl-group-shapes", package_fingerprint("citekit.render.csl"))
_SHAPES_KEY = b"group shapes"
_stored_shapes: dict[str, bytes] | None = None  # read on first use
_unsaved: list[str] = []  # shapes compiled since the last save_new_shapes


def _group_code(source: str) -> CodeType:
    """The compiled source, memoised: groups of one shape differ only in their namespace.

    APA's layouts alone hold hundreds of groups in a few dozen shapes; each
    shape has a name of its own, so profiles list the shapes apart.  A
    shape an earlier process compiled is read back (``_SHAPES_ON_DISK``).
    """
    code = _GROUP_CODE.get(source)
    if code is None:
        code = _stored_code(source)
        if code is None:
            code = compile(source, f"<citekit group shape {len(_GROUP_CODE) + 1}>", "exec")
            _remember(source, code)
        _GROUP_CODE[source] = code
    return code


def _stored_code(source: str) -> CodeType | None:
    """The shape as an earlier process compiled it, or None."""
    global _stored_shapes
    if _stored_shapes is None:
        stored = _SHAPES_ON_DISK.get(_SHAPES_KEY)
        _stored_shapes = stored if isinstance(stored, dict) else {}
    data = _stored_shapes.get(source)
    if not isinstance(data, bytes):
        return None
    try:
        code = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def _remember(source: str, code: CodeType) -> None:
    """Note a newly compiled shape, for :func:`save_new_shapes`."""
    if not disk_cache_enabled():
        return
    _unsaved.append(source)
    assert _stored_shapes is not None  # read by _stored_code just before
    _stored_shapes[source] = marshal.dumps(code)


def save_new_shapes() -> None:
    """Store the shapes known to this process when it compiled new ones (see ``_group_code``).

    Called when a run ends (:meth:`Processor.run`), while the command line's
    disk memo is on: once a process, not once a shape.
    """
    if _unsaved and _stored_shapes is not None:
        _SHAPES_ON_DISK.put(_SHAPES_KEY, dict(_stored_shapes))
        _unsaved.clear()


_JOINED = """        if len(parts) == 2:
            content = Box([parts[0], delimiter, parts[1]])
        else:
            joined = [parts[0]]
            for part in parts[1:]:
                joined.append(delimiter)
                joined.append(part)
            content = Box(joined)"""


def _generated_group(
    steps: list[tuple[str, Any]], delimiter: str, dec: Decorate | None, suppress: bool
) -> Render:
    """A group as one generated function: its children's calls written out in order.

    The same bookkeeping as ``Evaluator.group`` had, with what compile time
    knows (suppression, delimiter, decoration) written into the code instead
    of tested per call, and each ``cs:choose`` child's branch selection
    (``steps``: "choose" with its plans) inlined, its output spliced into the
    group's parts; lone chooses, plain variables and cs:names children
    are partly inlined too (``_step_source``).  Only indices go into the
    source; every value is passed in its namespace.
    """
    children = "\n".join(
        _step_source(index, kind, step) for index, (kind, step) in enumerate(steps)
    )
    source = _GROUP_SOURCE.format(
        children=children or "    pass",
        suppressed=" or (inner_called and not inner_rendered)" if suppress else "",
        # A nested group with output counts as a rendered variable (citeproc-js).
        counted="(inner_rendered if inner_rendered > 1 else 1)" if suppress else "inner_rendered",
        joined=_JOINED if delimiter else "        content = Box(parts)",
        decorated="content" if dec is None else "dec(ctx, content)",
    )
    namespace = _step_namespace(steps)
    namespace.update(Box=Box, delimiter=delimiter, dec=dec)
    exec(_group_code(source), namespace)
    group: Render = namespace["group"]
    return group


_FILL_SOURCE = """
def fill(ev, ctx, parts):
{children}
"""


def _generated_fill(steps: list[tuple[str, Any]]) -> Fill:
    """Children as one generated function appending to the caller's list, as a group's do."""
    children = "\n".join(
        _step_source(index, kind, step) for index, (kind, step) in enumerate(steps)
    )
    namespace = _step_namespace(steps)
    exec(_group_code(_FILL_SOURCE.format(children=children or "    pass")), namespace)
    fill: Fill = namespace["fill"]
    return fill


def _step_namespace(steps: list[tuple[str, Any]]) -> dict[str, Any]:
    """What the code of ``_step_source`` reads, by the step's index."""
    namespace: dict[str, Any] = {}
    for index, (kind, step) in enumerate(steps):
        if kind == "choose":
            namespace[f"plans{index}"], namespace[f"plan_for{index}"] = step
        elif kind == "lone":
            namespace[f"plans{index}"], namespace[f"plan_for{index}"] = step[1]
        elif kind == "render":
            namespace[f"step{index}"] = step
        else:  # text, names: the render, and the field name(s) its inlined test reads
            render, names = step
            if kind == "names" and len(names) == 1:
                names = names[0]
            namespace[f"step{index}"], namespace[f"name{index}"] = render, names
    return namespace


def _step_source(index: int, kind: str, step: Any) -> str:
    """One child's code in a generated group (see ``Compiler._inline_step``).

    A cs:names of one variable tests that variable; of several, whether
    the item has none of them.
    """
    if kind == "choose":
        return _CHOOSE_STEP.format(index=index)
    if kind == "lone":
        return _LONE_STEP.format(index=index)
    if kind == "text":
        return _TEXT_STEP.format(index=index)
    if kind == "names":
        variables: tuple[str, ...] = step[1]
        absent = (
            f"name{index} not in ctx.item.names"
            if len(variables) == 1
            else f"ctx.item.names.keys().isdisjoint(name{index})"
        )
        return _NAMES_STEP.format(index=index, absent=absent, count=len(variables))
    return _RENDER_STEP.format(index=index)


def _around_group(child: Render, dec: Decorate | None) -> Render:
    """A group whose one child is a suppressing group: that child, decorated.

    The child leaves ``ctx.called`` and ``ctx.rendered`` as the enclosing
    group's bookkeeping would (it adds at least one rendered variable when it
    has output, so the enclosing group never suppresses it), and returns None
    or truthy output, so the enclosing group's own function call and counter
    juggling change nothing: macros whose body is one group, groups in groups.
    """
    return _dressed(child, dec)


def _dressed(render: Render, dec: Decorate | None) -> Render:
    """``render`` with ``dec`` around what it gives (``render`` itself when there is none)."""
    if dec is None:
        return render

    def decorated(ev: Host, ctx: Context) -> Out | None:
        result = render(ev, ctx)
        return None if result is None else dec(ctx, result)

    return decorated


def _group_of_one(child: Render, dec: Decorate | None, suppress: bool) -> Render:
    """A group of one child: the same bookkeeping, no list to fill or join."""

    def group(ev: Host, ctx: Context) -> Out | None:
        called = ctx.called
        rendered = ctx.rendered
        ctx.called = ctx.rendered = 0
        result = child(ev, ctx)
        inner_called = ctx.called
        inner_rendered = ctx.rendered
        ctx.called = called + inner_called
        if not result or (suppress and inner_called and not inner_rendered):
            ctx.rendered = rendered + inner_rendered
            return None
        if suppress:
            ctx.rendered = rendered + (inner_rendered if inner_rendered > 1 else 1)
        else:
            ctx.rendered = rendered + inner_rendered
        return result if dec is None else dec(ctx, result)

    return group


def _type_decides(condition: Condition, item_type: str) -> bool | None:
    """The condition's value for an item of ``item_type`` when it tests only the type.

    Mirrors the predicate: under ``all`` every ``type`` attribute must list
    the type (an attribute's types are alternatives), under ``any`` one of
    them, under ``none`` none.  None when other tests take part.
    """
    if any(attr != "type" for attr, _ in condition.tests):
        return None
    if condition.match == "all":
        return all(item_type in values for _, values in condition.tests)
    found = any(item_type in values for _, values in condition.tests)
    return found if condition.match == "any" else not found


def _variables_test(names: tuple[str, ...], every: bool) -> Predicate:
    """``variable="a b"``: one set test against the item's variables, not one predicate per name."""
    wanted = frozenset(names)

    def all_set(ev: Host, ctx: Context) -> bool:
        return wanted <= ctx.item.present

    def any_set(ev: Host, ctx: Context) -> bool:
        return not wanted.isdisjoint(ctx.item.present)

    return all_set if every else any_set


def _all_of(tests: list[Predicate]) -> Predicate:
    if len(tests) == 1:
        return tests[0]
    plan = tuple(tests)

    def every(ev: Host, ctx: Context) -> bool:
        for test in plan:  # noqa: SIM110 (a loop: no generator per call)
            if not test(ev, ctx):
                return False
        return True

    return every


def _any_of(tests: list[Predicate]) -> Predicate:
    if len(tests) == 1:
        return tests[0]
    plan = tuple(tests)

    def some(ev: Host, ctx: Context) -> bool:
        for test in plan:  # noqa: SIM110 (a loop: no generator per call)
            if test(ev, ctx):
                return True
        return False

    return some


def _plural_value(ctx: Context, value: str) -> bool:
    """Whether a label's variable holds more than one (``3-5``, ``3 and 7``)."""
    if is_plural(value.replace("\\-", "")):
        return True
    and_term = ctx.locale.term("and")
    return bool(and_term) and re.search(rf"\d,?\s+{re.escape(and_term)}\s+\S", value) is not None


def _position(value: str) -> Predicate:
    def first(position: str, near: bool) -> bool:
        return position == "first"

    def subsequent(position: str, near: bool) -> bool:
        return position != "first"

    def ibid(position: str, near: bool) -> bool:
        return position in ("ibid", "ibid-with-locator")

    def ibid_with_locator(position: str, near: bool) -> bool:
        return position == "ibid-with-locator"

    def near_note(position: str, near: bool) -> bool:
        return position != "first" and near

    check = {
        "first": first,
        "subsequent": subsequent,
        "ibid": ibid,
        "ibid-with-locator": ibid_with_locator,
        "near-note": near_note,
    }[value]

    def position_test(ev: Host, ctx: Context) -> bool:
        if ctx.mode != "citation":
            return False
        cite = ctx.cite
        return check(cite.position, cite.near_note)

    return position_test


_POSITION_TESTS = {
    value: _position(value)
    for value in ("first", "subsequent", "ibid", "ibid-with-locator", "near-note")
}


# ---------------------------------------------------------------- special variables


def _locator(ev: Host, ctx: Context) -> str:
    return "" if "locator" in ctx.suppressed else ctx.cite.locator


def _citation_number(ev: Host, ctx: Context) -> str:
    if "citation-number" in ctx.suppressed:
        return ""
    number = ctx.cite.citation_number
    return str(number) if number else ""


def _page_first(ev: Host, ctx: Context) -> str:
    if "page-first" in ctx.suppressed:
        return ""
    variables = ctx.item.vars
    first = variables.get("page-first")
    if first:
        return first
    match = _FIRST_PAGE.match(variables.get("page", ""))
    return match.group(0) if match else ""


def _citation_label_text(ev: Host, ctx: Context) -> str:
    if "citation-label" in ctx.suppressed:
        return ""
    item = ctx.item
    return item.vars.get("citation-label") or citation_label(item)


def _first_note(ev: Host, ctx: Context) -> str:
    if "first-reference-note-number" in ctx.suppressed:
        return ""
    note = ctx.cite.first_note
    return str(note) if note else ""


def _year_suffix(ev: Host, ctx: Context) -> str:
    return "" if "year-suffix" in ctx.suppressed else ctx.state.year_suffix


_SPECIAL_GETTERS: dict[str, Getter] = {
    "locator": _locator,
    "citation-number": _citation_number,
    "page-first": _page_first,
    "citation-label": _citation_label_text,
    "first-reference-note-number": _first_note,
    "year-suffix": _year_suffix,
}


def _year_suffix_content(compiler: Compiler, ctx: Context, value: str) -> Out:
    ctx.year_suffix_used = True
    return tagged_box([value], "year-suffix")


def _citation_number_content(compiler: Compiler, ctx: Context, value: str) -> Out:
    return tagged_box([value], "citation-number")


def _citation_label_content(compiler: Compiler, ctx: Context, value: str) -> Out:
    if ctx.state.year_suffix and not ctx.uses_year_suffix_var and not ctx.year_suffix_used:
        ctx.year_suffix_used = True
        return Box([value, tagged_box([ctx.state.year_suffix], "year-suffix")])
    return value


def _page_content(compiler: Compiler, ctx: Context, value: str) -> Out:
    dash = ctx.locale.term("page-range-delimiter") or _EN_DASH
    value = format_page_range(value, ctx.options.get("page-range-format"), dash)
    return compiler.markup(ctx, value.replace("\\-", "-"))


def _locator_content(compiler: Compiler, ctx: Context, value: str) -> Out:
    dash = ctx.locale.term("page-range-delimiter") or _EN_DASH
    page_format = ctx.options.get("page-range-format")
    if ctx.cite.locator_parts and value == ctx.cite.locator:
        value = "".join(_locator_part(ctx, part, dash) for part in ctx.cite.locator_parts)
    elif "\\-" not in value:
        range_format = page_format if ctx.cite.label in ("", "page") else None
        value = locator_ranges(value, dash, range_format, ctx.locale.term("and") or "")
    elif ctx.cite.label in ("", "page"):
        value = format_page_range(value, page_format, dash)
    else:
        value = format_page_range(value, None, dash)
    value = value.replace("\\-", "-")
    if " & " in value:
        ampersand = ctx.locale.term("and", "symbol")
        if ampersand and ampersand != "&":
            value = value.replace(" & ", f" {ampersand} ")
    return compiler.markup(ctx, value)


def _locator_part(ctx: Context, part: LocatorPart, dash: str) -> str:
    """One part of a locator: its label as the locale's term, plural for its
    group's values ("fols."; as written when no term stands for it), then its
    value, a range formatted as pages only when the part counts pages."""
    label = part.label
    if part.label and part.shown and part.term:
        plural = _plural_value(ctx, part.group)
        label = ctx.locale.term(part.term, ctx.locator_label_form, plural) or label
    range_format = ctx.options.get("page-range-format") if part.term == "page" else None
    value = format_page_range(part.value, range_format, dash)
    return part.lead + (label + part.space if part.shown else "") + value


_CONTENT_BUILDERS: dict[str, Callable[[Compiler, Context, str], Out]] = {
    "year-suffix": _year_suffix_content,
    "citation-number": _citation_number_content,
    "citation-label": _citation_label_content,
    "page": _page_content,
    "locator": _locator_content,
}


# ---------------------------------------------------------------- helpers shared with the evaluator


def variable_text(ev: Host, ctx: Context, name: str, form: str) -> str:
    """A variable's text as rendering reads it, decided at run time."""
    special = _SPECIAL_GETTERS.get(name)
    if special is not None:
        return special(ev, ctx)
    if name in ctx.suppressed:
        return ""
    item = ctx.item
    if form == "short":
        table = ev.abbreviations.get(name)
        if table:
            abbreviated = table.get(item.vars.get(name, ""))
            if abbreviated:
                return abbreviated
        short = item.vars.get(name + "-short")
        if short:
            return short
    return item.vars.get(name, "")


def date_sort_key(data: Any, node: DateNode) -> str:
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


def citation_label(item: Item) -> str:
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

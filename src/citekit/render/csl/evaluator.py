"""Evaluating style nodes for one item in one context into output boxes.

One :class:`Context` describes a single render: the item, the cite (locator,
position), the section (citation or bibliography), the disambiguation state
and the variables substitution has consumed.  Groups are suppressed when they
call variables and all of them are empty; ``cs:choose`` output is spliced into
the enclosing group so its delimiter applies between the chosen children.

The rules themselves live in :mod:`.compiled`, which turns the style's nodes
into closures once per parsed style; this class is the entry point the
processor and the ``cs:names`` evaluator call, and looks up (compiling on
first use) the closure of the node or children tuple it is given.
"""

from __future__ import annotations

from collections.abc import Mapping

from citekit.render.csl.boxes import Out
from citekit.render.csl.compiled import compiler_for, decorate, variable_text
from citekit.render.csl.contract import Context
from citekit.render.csl.names import NameRenderer
from citekit.render.csl.names_eval import render_names
from citekit.render.csl.style import (
    ChooseNode,
    Condition,
    Decor,
    NameNode,
    NamesNode,
    Node,
    Style,
)


class Evaluator:
    """Renders nodes through the style's compiled closures; stateless apart from caches."""

    def __init__(
        self, style: Style, abbreviations: Mapping[str, Mapping[str, str]] | None = None
    ) -> None:
        self.style = style
        # {variable: {full text: abbreviation}}, used for form="short" (the suite's
        # ABBREVIATIONS section; applications can pass journal abbreviation lists).
        self.abbreviations: Mapping[str, Mapping[str, str]] = abbreviations or {}
        self._name_opts: dict[tuple[int, int], dict[str, str]] = {}
        # Per-evaluator (never global): keys are ids of objects this evaluator keeps alive.
        self.renderers: dict[tuple[int, int, int], NameRenderer] = {}
        self.compiled = compiler_for(style)

    # ------------------------------------------------------------ helpers

    def markup(self, ctx: Context, text: str) -> Out:
        """A field's markup, its typed curly quotes read as this locale reads them."""
        return self.compiled.markup(ctx, text)

    def decorate(self, ctx: Context, content: Out, decor: Decor, term: bool = False) -> Out:
        """``term``: locale text, title-cased by the locale's language, not the item's."""
        return decorate(ctx, content, decor, term)

    # ------------------------------------------------------------ nodes

    def children(self, ctx: Context, nodes: tuple[Node, ...]) -> list[Out]:
        """The non-empty outputs of ``nodes``, chosen branches spliced in."""
        out: list[Out] = []
        self.compiled.fill(nodes)(self, ctx, out)
        return out

    def node(self, ctx: Context, node: Node) -> Out | None:
        return self.compiled.render(node)(self, ctx)

    def group(
        self,
        ctx: Context,
        nodes: tuple[Node, ...],
        delimiter: str,
        decor: Decor,
        suppress: bool = True,
    ) -> Out | None:
        return self.compiled.group(nodes, delimiter, decor, suppress)(self, ctx)

    def variable_text(self, ctx: Context, name: str, form: str = "long") -> str:
        return variable_text(self, ctx, name, form)

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
        """The children of the first branch whose condition holds."""
        for condition, children in node.branches:
            if condition is None or self.test(ctx, condition):
                return children
        return None

    def test(self, ctx: Context, condition: Condition) -> bool:
        return self.compiled.predicate(condition)(self, ctx)


__all__ = ["Evaluator"]

"""The engine's internal contract: typed cites, render state, and two protocols.

The processor drives rendering, and its helpers (clusters, disambiguation,
bibliography) and the ``cs:names`` evaluator need to render in turn.  They
see only what is declared here, never the :class:`Processor` or the
:class:`Evaluator` themselves, so every module of the engine imports one
way: ``contract`` sits below them all, the processor and evaluator at the
top implement the protocols.  State that one part of a render leaves for
another (who an entry's first ``cs:names`` showed, how many names a cite
hides) lives in :class:`RenderNotes`, a record with named fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Protocol

from citekit.base.valueclass import value_class
from citekit.model.citations import CiteItem
from citekit.model.locators import LocatorPart
from citekit.render.csl.boxes import Out
from citekit.render.csl.data import Item
from citekit.render.csl.locale import Locale
from citekit.render.csl.names import NameRenderer
from citekit.render.csl.style import ChooseNode, Decor, NameNode, NamesNode, Node, Section, Style


@value_class(frozen=False)
class DisambiguationState:
    """How far disambiguation has gone for one item: names, given names, year suffix."""

    add_names: int = 0
    given_level: dict[int, int] = field(default_factory=dict)
    year_suffix: str = ""
    condition: int = 0  # how many disambiguate="true" tests (in render order) pass
    # Names the disambiguated citation shows; with add-givenname and add-names
    # citeproc-js shows at least as many in the bibliography entry.
    cite_names: int = 0


@value_class(frozen=False)
class CiteInfo:
    """What one cite brings to rendering: locator, position, affixes and flags."""

    locator: str = ""
    label: str = ""
    position: str = "first"  # first, subsequent, ibid, ibid-with-locator
    near_note: bool = False
    first_note: int = 0
    citation_number: int = 0
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False
    author_only: bool = False
    # The part of the locator its label counts ("1" in "1, fol. 186"), when it names others.
    locator_head: str | None = None
    # The locator cut at its labelled parts (Processor.locator_parts), when it names any.
    locator_parts: tuple[LocatorPart, ...] = ()


@value_class(frozen=False)
class RenderNotes:
    """What one render learns on the way, for the passes that run after it.

    Written by the ``cs:names`` evaluator and by ``disambiguate`` tests,
    read by disambiguation (how many names a cite shows, how many
    conditions it tested) and by the bibliography (whom an entry's first
    ``cs:names`` showed, for subsequent-author-substitute).
    """

    # Whether the entry's first cs:names element has ended, and the names it
    # rendered as data (one key a line; None when it showed nothing).
    author_decided: bool = False
    author_key: str | None = None
    # The name keys rendered so far, before that element ends.
    rendered_names: list[str] = field(default_factory=list)
    # suppress-author hides only the first cs:names a cite runs.
    author_suppressed: bool = False
    # (names in the list, names shown) of the first cs:names that rendered.
    names_info: tuple[int, int] | None = None
    # How many disambiguate="true" tests this render ran.
    disambiguate_tests: int = 0


@value_class(frozen=False)
class Context:
    """One render of one item: the cite, the section, the state, and its notes."""

    style: Style
    locale: Locale
    item: Item
    mode: str  # citation, bibliography, sort
    name_attrs: Mapping[str, str]
    cite: CiteInfo
    state: DisambiguationState
    english: bool = True
    suppressed: set[str] = field(default_factory=set)
    called: int = 0
    rendered: int = 0
    year_suffix_used: bool = False
    uses_year_suffix_var: bool = False
    names_inherit: NamesNode | None = None
    sort_names: tuple[int | None, int | None, bool | None] | None = None
    name_index: int = 0
    options: Mapping[str, str] = field(default_factory=dict)
    notes: RenderNotes = field(default_factory=RenderNotes)
    tracked: list[str] | None = None
    # The form of the locator's cs:label, which its labelled parts print in too.
    locator_label_form: str = "short"


@value_class
class CiteRequest:
    """One cite as the processor takes it: the document's :class:`CiteItem`, and
    for the CSL test suite a position fixed by the caller (0 first, 1
    subsequent, 2 ibid, 3 ibid-with-locator) and a forced near-note."""

    cite: CiteItem
    position: int | None = None
    near_note: bool = False


@value_class(frozen=False)
class Cite:
    """One cite of a cluster with everything computed for it."""

    item: Item
    info: CiteInfo
    request: CiteRequest
    output: Out | None = None


class ItemRenderer(Protocol):
    """What the processor's helpers may ask of it: its style and locale, and
    one item rendered in one section for one cite in one state."""

    @property
    def style(self) -> Style: ...

    @property
    def locale(self) -> Locale: ...

    def render_item(
        self,
        item: Item,
        section: Section,
        mode: str,
        info: CiteInfo | None = None,
        state: DisambiguationState | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> tuple[Out | None, Context]: ...


class NodeEvaluator(Protocol):
    """What the ``cs:names`` evaluator needs of the evaluator that calls it."""

    @property
    def style(self) -> Style: ...

    @property
    def renderers(self) -> dict[tuple[int, int, int], NameRenderer]: ...

    def node(self, ctx: Context, node: Node) -> Out | None: ...

    def group(
        self,
        ctx: Context,
        nodes: tuple[Node, ...],
        delimiter: str,
        decor: Decor,
        suppress: bool = True,
    ) -> Out | None: ...

    def choose(self, ctx: Context, node: ChooseNode) -> tuple[Node, ...] | None: ...

    def decorate(self, ctx: Context, content: Out, decor: Decor, term: bool = False) -> Out: ...

    def name_options(
        self, ctx: Context, node: NamesNode, name: NameNode | None
    ) -> dict[str, str]: ...

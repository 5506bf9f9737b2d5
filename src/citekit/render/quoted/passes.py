""" "Quoted in" as one explicit pass around any engine: prepare before, assemble after.

:func:`citekit.render.render` uses it in four steps, each a call here:

1. :meth:`QuotedInPass.prepare` expands the clusters (the engine renders
   :attr:`~QuotedInPass.stream` instead of the caller's clusters);
2. :meth:`~QuotedInPass.bibliography_ids` says which records the
   bibliography lists (the quoting works, not the statements);
3. after the engine ran, :meth:`~QuotedInPass.citations` puts each
   "quoted in" citation together from its pieces (one more engine run,
   without the layout's affixes, only when a cluster cites a quotation);
4. :meth:`~QuotedInPass.bibliography` leaves cited quotation records out
   and gives listed ones Chicago's bibliography form.

The engine is reached only through the :class:`~citekit.render.types.Engine`
protocol; nothing here knows which engine runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from citekit.base.valueclass import value_class
from citekit.model.citations import Cluster
from citekit.model.quotations import has_quotations
from citekit.model.records import Library
from citekit.render.quoted.expansion import (
    Expansion,
    bibliography_default,
    expand,
    hidden_entries,
)

if TYPE_CHECKING:  # the engine run is built by the caller; only its type is named here
    from citekit.render.quoted.run import EngineRun
    from citekit.render.richtext import Rich


@value_class
class QuotedInPass:
    """The "quoted in" pass of one rendering (see the module doc).

    ``named`` are the keys the caller named for the bibliography (None:
    the whole library); ``include_quotations`` lists quotation records like
    any other record.
    """

    library: Library
    expansion: Expansion
    named: tuple[str, ...] | None = None
    include_quotations: bool = False

    @classmethod
    def prepare(
        cls,
        library: Library,
        clusters: Sequence[Cluster],
        *,
        named: Iterable[str] | None = None,
        include_quotations: bool = False,
    ) -> QuotedInPass:
        """The pass for ``clusters`` (every one with at least one cite in ``library``)."""
        return cls(
            library,
            expand(library, clusters),
            tuple(named) if named is not None else None,
            include_quotations,
        )

    @property
    def stream(self) -> tuple[Cluster, ...]:
        """The clusters the engine renders in place of the caller's."""
        return self.expansion.stream

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the expansion found wrong in the quotation records (chains, labels)."""
        return self.expansion.warnings

    def default_bibliography(self) -> list[str] | None:
        """The ids a bibliography of the whole library lists (None: every item).

        Quotation records are left out unless ``include_quotations``.
        """
        return None if self.include_quotations else bibliography_default(self.library)

    def bibliography_ids(self, ids: Sequence[str] | None) -> list[str] | None:
        """``ids`` plus the works the cited quotations are quoted in (None stays None)."""
        if ids is None:
            return None
        return [*ids, *(k for k in self.expansion.quoting_works if k not in ids)]

    def citations(
        self, run: EngineRun, rendered: Sequence[Rich], warnings: list[str]
    ) -> list[Rich | None]:
        """One tree per cluster of :attr:`stream` before expansion.

        ``rendered`` is the engine's output for :attr:`stream`.  The pieces
        of "quoted in" citations come from a second run of the same stream
        without the layout's affixes (same items and bibliography ids, which
        disambiguation depends on); if that run fails, the affixes are cut
        off the first run's text instead, with a warning.
        """
        if not self.expansion.expanded:
            return list(rendered)
        # the assembly, the layout reader and the locale's words load only when a
        # cluster cites a quotation: every other rendering skips them
        from citekit.render.quoted.assembly import assemble
        from citekit.render.quoted.forms import locale_words
        from citekit.render.quoted.layout import citation_layout
        from citekit.render.quoted.pieces import render_pieces

        pieces: Sequence[Rich | None] | None = None
        try:
            pieces = render_pieces(run, self.stream, bibliography=False).pieces
        except Exception as exc:  # the first run worked: keep its pieces
            warnings.append(f"engine '{run.engine.name}' failed on \"quoted in\" pieces: {exc!r}")
        words = locale_words(run.style_xml, run.locale, run.loader)
        layout = citation_layout(run.style_xml)
        return assemble(self.expansion, rendered, pieces, layout, words, warnings)

    def bibliography(
        self, run: EngineRun, entries: Sequence[tuple[str, Rich]], warnings: list[str]
    ) -> list[tuple[str, Rich]]:
        """The engine's bibliography as it is printed.

        Cited quotation records are left out (the work quoting them is
        listed instead), except those the caller named, every one when
        ``include_quotations``, and every one in a numeric style (their
        numbers must point somewhere).  Listed quotation records get
        Chicago's form (:func:`~citekit.render.quoted.entries.listed_entries`).
        """
        hidden = self._hidden(run)
        kept = [(key, tree) for key, tree in entries if key not in hidden] if hidden else [*entries]
        if not self._lists_quotation(key for key, _ in kept):
            # nothing to relabel: the entries module (and lxml, which the
            # locale words need) never loads for such a bibliography
            return kept
        # loaded with the bibliography only: a rendering of citations alone skips them
        from citekit.render.quoted.entries import EntryContext, listed_entries

        context = EntryContext(run, frozenset(self.named or ()), warnings)
        return listed_entries(kept, self.library, context)

    def _hidden(self, run: EngineRun) -> frozenset[str]:
        """The cited quotation records the bibliography leaves out.

        The style's citation layout (whether it is numeric) is read only
        when a quotation was cited: with none, nothing can be hidden, and
        the style is not parsed again.
        """
        if self.include_quotations or not self.expansion.quotations:
            return frozenset()
        from citekit.render.quoted.layout import citation_layout

        return hidden_entries(self.expansion, self.named, citation_layout(run.style_xml))

    def _lists_quotation(self, keys: Iterable[str]) -> bool:
        """Whether any of ``keys`` is a quotation record of the library.

        Only those get Chicago's form; a bibliography without one passes
        through as the engine made it.
        """
        records = self.library.as_mapping()
        # a Record is always true (it has no __len__), so filter(None) drops only the absent
        return has_quotations(filter(None, map(records.get, keys)))


__all__ = ["QuotedInPass"]

"""Asking an engine for clusters without the citation layout's prefix and suffix.

A "quoted in" citation is put together from pieces the engine renders one
cite at a time; each piece must be the cite's own text, without the
layout's ``(`` ... ``)`` or closing full stop, and with nothing the engine
would have merged into them.  An engine that declares
:data:`~citekit.render.types.CITATION_AFFIXES` is simply asked for that
(``citation_affixes=False``); for one that does not, the style's layout
affixes are swapped for private-use markers
(:func:`~citekit.render.quoted.layout.marked_style`) and the text between
them is cut out.  Either way the caller gets the same pieces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from citekit.model.citations import Cluster
from citekit.render.quoted.assembly import between_marks
from citekit.render.quoted.layout import marked_style
from citekit.render.quoted.run import EngineRun
from citekit.render.richtext import Rich
from citekit.render.types import CITATION_AFFIXES, EngineOutput, supports


@dataclass(frozen=True, slots=True)
class Pieces:
    """The engine's output for a bare run, and one piece per cluster.

    A piece is None where the engine gave nothing, or (marker fallback) where
    its markers did not survive.
    """

    output: EngineOutput
    pieces: tuple[Rich | None, ...]


def render_pieces(run: EngineRun, clusters: Sequence[Cluster], *, bibliography: bool) -> Pieces:
    """``clusters`` rendered without the citation layout's prefix and suffix.

    Exceptions from the engine propagate: the caller decides what a failed
    run costs.
    """
    if supports(run.engine, CITATION_AFFIXES):
        output = run.engine.process(
            run.items,
            run.style_xml,
            clusters,
            locale=run.locale,
            locale_loader=run.loader,
            bibliography=bibliography,
            bibliography_ids=run.bibliography_ids,
            citation_affixes=False,
        )
        return Pieces(output, tuple(output.citations))
    output = run.engine.process(
        run.items,
        marked_style(run.style_xml),
        clusters,
        locale=run.locale,
        locale_loader=run.loader,
        bibliography=bibliography,
        bibliography_ids=run.bibliography_ids,
    )
    return Pieces(output, tuple(between_marks(tree) for tree in output.citations))


__all__ = ["EngineRun", "Pieces", "render_pieces"]

"""What every engine call of one rendering shares, in a module of its own.

:func:`citekit.render.render` builds an :class:`EngineRun` for every
rendering, "quoted in" or not; keeping it apart from :mod:`.pieces` (which
pulls in the assembly and the style's layout) lets a rendering without
quotation records skip loading the rest of the pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from citekit.base.valueclass import value_class
from citekit.render.types import Engine, LocaleLoader


@value_class
class EngineRun:
    """What every engine call of one rendering shares: the engine, items, style, locale.

    ``bibliography_ids`` are passed on unchanged, since disambiguation
    depends on the items the bibliography holds.
    """

    engine: Engine
    items: Sequence[Mapping[str, object]]
    style_xml: bytes
    locale: str
    loader: LocaleLoader
    bibliography_ids: Sequence[str] | None = None


__all__ = ["EngineRun"]

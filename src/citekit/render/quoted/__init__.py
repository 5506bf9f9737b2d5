""" "Quoted in" citations: a quotation record cited through the work that quotes it.

A quotation record (docs/quotations.md) is a statement — a speech, an
interview, a remark — whose ``custom.quoted-in`` names the record of the work
that prints it.  Citing it should give what The Chicago Manual of Style
(17th ed., 14.260) calls citing a source quoted in another: the statement's
citation, "quoted in", and the quoting work's citation with the place in it,
``(Trump 2017, quoted in Raimondo 2017, para. 8)``.  No CSL style can say
that (CSL has no variable for another record), so it happens here, in a pass
around the engine that works the same with every engine and every style
(:class:`~citekit.render.quoted.passes.QuotedInPass`):

- :mod:`.expansion` (before the engine): each cluster that cites a quotation
  becomes sub-clusters in the same note — the statement, the quoting work
  with the quoted-in locator, the other cites — plus a hidden cluster of all
  of them, so positions (first, subsequent, ibid) come out as the reader
  sees them; and which records the bibliography lists.
- :mod:`.pieces`: the engine renders the same stream once more without the
  citation layout's prefix and suffix (an engine option,
  :data:`~citekit.render.types.CITATION_AFFIXES`, with a marker fallback for
  engines without it).
- :mod:`.assembly` (after the engine): the pieces joined into one rich tree
  per cluster, with CSL's punctuation rules at every seam, in the words and
  shape of the style's family (:mod:`.forms`).
- :mod:`.entries`: a quotation record that is listed gets Chicago's
  bibliography form (its entry, the quoted words, "Quoted in" and the
  quoting work's citation).
- :mod:`.layout`: the citation layout's affixes, delimiter and whether the
  style is numeric, read from the style XML (no engine's parser runs).

Nothing in this package imports an engine: it reaches them only through
:class:`citekit.render.types.Engine`.

The package loads each name's module on first use: every rendering runs the
pass, but one that cites no quotation record needs only :mod:`.passes` and
:mod:`.expansion`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ loads each on first use
    from citekit.render.quoted.assembly import assemble, between_marks, glue, strip_affixes
    from citekit.render.quoted.entries import (
        EntryContext,
        listed_entries,
        listed_entry,
        quote_marks,
        trim_dangling,
    )
    from citekit.render.quoted.expansion import (
        Expansion,
        bibliography_default,
        expand,
        hidden_entries,
        is_quoted,
        quotation_chain,
        quoted_in_target,
        quoting_closure,
    )
    from citekit.render.quoted.forms import (
        QUOTED_IN_TERMS,
        TERM_NAMES,
        LocaleWords,
        builtin_term,
        locale_words,
    )
    from citekit.render.quoted.layout import (
        CLOSE_MARK,
        OPEN_MARK,
        CitationLayout,
        citation_layout,
        marked_style,
    )
    from citekit.render.quoted.passes import QuotedInPass
    from citekit.render.quoted.pieces import Pieces, render_pieces
    from citekit.render.quoted.run import EngineRun

_LAZY_MODULES: dict[str, tuple[str, ...]] = {
    "citekit.render.quoted.assembly": ("assemble", "between_marks", "glue", "strip_affixes"),
    "citekit.render.quoted.entries": (
        "EntryContext",
        "listed_entries",
        "listed_entry",
        "quote_marks",
        "trim_dangling",
    ),
    "citekit.render.quoted.expansion": (
        "Expansion",
        "bibliography_default",
        "expand",
        "hidden_entries",
        "is_quoted",
        "quotation_chain",
        "quoted_in_target",
        "quoting_closure",
    ),
    "citekit.render.quoted.forms": (
        "QUOTED_IN_TERMS",
        "TERM_NAMES",
        "LocaleWords",
        "builtin_term",
        "locale_words",
    ),
    "citekit.render.quoted.layout": (
        "CLOSE_MARK",
        "OPEN_MARK",
        "CitationLayout",
        "citation_layout",
        "marked_style",
    ),
    "citekit.render.quoted.passes": ("QuotedInPass",),
    "citekit.render.quoted.pieces": ("Pieces", "render_pieces"),
    "citekit.render.quoted.run": ("EngineRun",),
}
_LAZY: dict[str, str] = {name: module for module, names in _LAZY_MODULES.items() for name in names}


def __getattr__(name: str) -> object:
    """Import the module behind a name the first time it is used; keep the value."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CLOSE_MARK",
    "OPEN_MARK",
    "QUOTED_IN_TERMS",
    "TERM_NAMES",
    "CitationLayout",
    "EngineRun",
    "EntryContext",
    "Expansion",
    "LocaleWords",
    "Pieces",
    "QuotedInPass",
    "assemble",
    "between_marks",
    "bibliography_default",
    "builtin_term",
    "citation_layout",
    "expand",
    "glue",
    "hidden_entries",
    "is_quoted",
    "listed_entries",
    "listed_entry",
    "locale_words",
    "marked_style",
    "quotation_chain",
    "quote_marks",
    "quoted_in_target",
    "quoting_closure",
    "render_pieces",
    "strip_affixes",
    "trim_dangling",
]

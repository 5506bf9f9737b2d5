"""Private-use characters the render layer plants in styles, one block per user.

Two steps put markers into a style before an engine runs and look for them in
its output: the citeproc-py adapter brackets ``display`` elements (citeproc-py
ignores ``display``), and the "quoted in" pass brackets the citation layout's
own text when an engine cannot render without the layout's affixes (one
without :data:`citekit.render.types.CITATION_AFFIXES`).  Both can be active
in the same rendering, so each user gets code points of its own; defining
them all here is what keeps them apart.  The characters come from the
Unicode Private Use Area, which no record or style contains in practice.
"""

from __future__ import annotations

DISPLAY_MARKS: dict[str, tuple[str, str]] = {
    "left-margin": ("\ue000", "\ue001"),
    "right-inline": ("\ue002", "\ue003"),
    "block": ("\ue004", "\ue005"),
    "indent": ("\ue006", "\ue007"),
}
"""citeproc-py adapter: start and end of each ``display`` element's output."""

QUOTED_OPEN = "\ue010"
"""Quoted-in assembly: stands in for the citation layout's prefix."""
QUOTED_CLOSE = "\ue011"
"""Quoted-in assembly: stands in for the citation layout's suffix."""

ALL_MARKS: tuple[str, ...] = (
    *(mark for pair in DISPLAY_MARKS.values() for mark in pair),
    QUOTED_OPEN,
    QUOTED_CLOSE,
)
"""Every mark above (tests check they are distinct)."""

__all__ = ["ALL_MARKS", "DISPLAY_MARKS", "QUOTED_CLOSE", "QUOTED_OPEN"]

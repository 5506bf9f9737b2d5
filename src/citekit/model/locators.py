"""The CSL locator terms: what a cite's ``label`` may name (``page``, ``chapter``, ...).

One table for every layer that reads or checks a locator label: the citation
syntax (``p. 33`` -> ``page``), quotation records (``quoted-in-label``) and
"quoted in" citations.  The order matters where a locale gives two terms the
same form (French ``§`` is both ``section`` and ``paragraph``): the earlier
term wins.
"""

from __future__ import annotations

from typing import NamedTuple

LOCATOR_TERMS: tuple[str, ...] = (
    "page", "chapter", "section", "paragraph", "volume", "line", "note", "figure",
    "book", "part", "verse", "folio", "column", "issue", "opus", "sub-verbo",
    "act", "appendix", "article-locator", "canon", "elocation", "equation", "rule",
    "scene", "supplement", "table", "timestamp", "title-locator", "version",
)  # fmt: skip
"""The CSL 1.0.2 locator terms, in order of precedence (earlier wins a shared form)."""

LOCATOR_LABELS: frozenset[str] = frozenset(LOCATOR_TERMS)
"""The same terms as a set, for membership tests."""

DEFAULT_LOCATOR = "page"
"""The label of a locator given without one (a bare ``33`` is a page, as in pandoc)."""


LOCATOR_ABBREVIATIONS: dict[str, str] = {
    "app.": "appendix", "bk.": "book", "ch.": "chapter", "col.": "column", "fig.": "figure",
    "fol.": "folio", "l.": "line", "n.": "note", "no.": "issue", "op.": "opus", "p.": "page",
    "pp.": "page", "para.": "paragraph", "pt.": "part", "r.": "rule", "sec.": "section",
    "supp.": "supplement", "sv.": "sub-verbo", "tbl.": "table", "vol.": "volume", "vrs.": "verse",
}  # fmt: skip
"""The English abbreviations that label a locator or a part of one in any locale
(``ch. 3``, ``1, fol. 186-190``), each to the CSL term it stands for.  These are
the ones citeproc-js reads (its own table, less the entries that name no CSL
locator term), so a locator typed for Zotero reads the same here.  The
processor also reads a locale's own dotted forms (``chap.``, ``Bd.``), which
win a form both name, but prints those as written, as citeproc-js does."""


class LocatorPart(NamedTuple):
    """One part of a locator: the head (``1`` of ``1, fol. 186-190``) or a labelled part.

    The text reads back as ``lead + label + space + value``.  ``term`` is the
    CSL term the part counts as ("folio"; the cite's own label for the head;
    empty for an abbreviation no term stands for, which prints as written).
    A part whose label repeats the one before it joins that one's group
    (``shown`` false): the group's values, ``group``, decide its plural, so
    ``sec. 2, sec. 3`` prints as one label for two sections.
    """

    lead: str  # the separator before the label: ", "
    label: str  # the abbreviation as written: "fol."
    space: str  # what stands between the label and the value
    value: str  # "186-190"
    term: str
    shown: bool
    group: str  # the values of the part's group, with their separators: "2, 3"


def is_locator_label(label: str) -> bool:
    """Whether ``label`` is a CSL locator term (``page``, ``sub-verbo``; not ``p.``)."""
    return label in LOCATOR_LABELS


__all__ = [
    "DEFAULT_LOCATOR",
    "LOCATOR_ABBREVIATIONS",
    "LOCATOR_LABELS",
    "LOCATOR_TERMS",
    "LocatorPart",
    "is_locator_label",
]

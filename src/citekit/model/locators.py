"""The CSL locator terms: what a cite's ``label`` may name (``page``, ``chapter``, ...).

One table for every layer that reads or checks a locator label: the citation
syntax (``p. 33`` -> ``page``), quotation records (``quoted-in-label``) and
"quoted in" citations.  The order matters where a locale gives two terms the
same form (French ``§`` is both ``section`` and ``paragraph``): the earlier
term wins.
"""

from __future__ import annotations

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


def is_locator_label(label: str) -> bool:
    """Whether ``label`` is a CSL locator term (``page``, ``sub-verbo``; not ``p.``)."""
    return label in LOCATOR_LABELS


__all__ = ["DEFAULT_LOCATOR", "LOCATOR_LABELS", "LOCATOR_TERMS", "is_locator_label"]

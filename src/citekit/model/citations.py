"""Citations as data: the cites of a cluster, before any style prints them.

A citation in a document (pandoc's ``[see @key, p. 33; @other]``), a request
to the server and a call of :func:`citekit.cite` all become the same two
records, so the syntax readers (below the engines) and the engines (above
them) share one vocabulary without importing each other.
"""

from __future__ import annotations

from citekit.base.valueclass import value_class


@value_class
class CiteItem:
    """One cite inside a citation cluster (pandoc's ``see @key, p. 33``)."""

    id: str
    locator: str | None = None
    label: str | None = None  # a CSL locator term: page, chapter, section, ...
    prefix: str | None = None
    suffix: str | None = None
    suppress_author: bool = False
    author_only: bool = False


@value_class
class Cluster:
    """A citation: the cites that appear together, with an optional note number."""

    items: tuple[CiteItem, ...]
    note_number: int | None = None
    id: str | None = None


__all__ = ["CiteItem", "Cluster"]

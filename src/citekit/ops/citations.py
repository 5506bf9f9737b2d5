"""Reading citations written in pandoc's syntax into :class:`citekit.Cluster` objects.

The public face of :mod:`citekit.formats.citesyntax`: ``citekit cite``,
the editor integrations (Sphinx, MkDocs, the language server) and any
writing tool read ``"[see @doe99, p. 33; @roe05]"`` through these, so all
of them read a citation the same way.  A text that is not a citation raises
:class:`citekit.errors.CitationSyntaxError` (a :class:`citekit.ParseError`).
"""

from __future__ import annotations

from citekit.formats import citesyntax
from citekit.model.citations import Cluster
from citekit.styles.catalog import DEFAULT_LOCALE, Style


def _style_terms(style: Style | None, locale: str) -> citesyntax.StyleTerms:
    """The locator labels a style's own ``<locale>`` adds (IEEE's ``ch.``), as pandoc reads them."""
    return citesyntax.style_locator_terms(style.xml, locale) if style is not None else ()


def parse_cluster(
    text: str,
    locale: str = DEFAULT_LOCALE,
    *,
    note_number: int | None = None,
    style: Style | None = None,
) -> Cluster:
    """One citation cluster, with or without its brackets.

    Keys start with ``@``, cites are separated by ``;``, each with an
    optional prefix, locator (read with ``locale``'s locator terms: ``p.``,
    ``chap.``, ``§`` ...) and suffix; ``-@key`` leaves the author out.
    ``note_number`` places the cluster in a document's notes; with
    ``style``, the labels its own ``<locale>`` defines count too.

    >>> cluster = parse_cluster("[see @doe99, p. 33; -@roe05]")
    >>> [(i.id, i.prefix, i.label, i.locator, i.suppress_author) for i in cluster.items]
    [('doe99', 'see ', 'page', '33', False), ('roe05', None, None, None, True)]
    """
    return citesyntax.parse_cluster(
        text, locale, note_number=note_number, style_terms=_style_terms(style, locale)
    )


def parse_in_text(
    text: str, locale: str = DEFAULT_LOCALE, *, style: Style | None = None
) -> Cluster | None:
    """pandoc's author-in-text form (``@doe99 [p. 33]``) as a cluster, or None.

    Only the whole text counts, with its bracket: a bare ``@doe99`` is None
    (read it with :func:`parse_cluster`); ``@doe99 []`` is the form without
    a locator, and the bracket may hold further cites (``@doe99 [p. 33;
    @roe05]``), which follow the first in the cluster.  Read exactly as
    ``citekit render`` reads it in a document (``style`` as for
    :func:`parse_cluster`).

    >>> [(i.id, i.locator) for i in parse_in_text("@doe99 [p. 33]").items]
    [('doe99', '33')]
    >>> parse_in_text("@doe99") is None
    True
    """
    return citesyntax.parse_in_text(text, locale, style_terms=_style_terms(style, locale))


__all__ = ["parse_cluster", "parse_in_text"]

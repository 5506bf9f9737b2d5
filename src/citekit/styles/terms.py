"""The terms of a CSL locale file, read once, for the layers that need words from it.

The citation syntax needs every form of the locator terms (``p.``, ``pp.``,
``Seite``, ``§``) to read ``[@key, p. 33]``; "quoted in" entries need the
locale's quotation marks.  Both ask here instead of parsing locale XML
themselves.  The engines build their own full locale model (with style
overrides and fallbacks); this is the plain list of a file's terms.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from citekit.base.diskcache import DiskMemo, package_fingerprint
from citekit.base.valueclass import value_class
from citekit.styles.catalog import load_locale_xml

if TYPE_CHECKING:  # imported where XML is parsed: terms read from the disk memo need none
    from lxml import etree

_NS = "{http://purl.org/net/xbiblio/csl}"


@value_class
class TermForm:
    """One printed form of a locale term.

    ``form`` is CSL's ``long``, ``short``, ``symbol``, ``verb`` or
    ``verb-short``; ``number`` is ``single`` or ``multiple`` for the two
    forms of a term that has both, None for a term with one text.
    """

    name: str
    text: str
    form: str = "long"
    number: str | None = None


def _forms(term: etree._Element) -> list[TermForm]:
    from lxml import etree

    name = term.get("name") or ""
    form = term.get("form", "long")
    found: list[TermForm] = []
    own = (term.text or "").strip()
    if own:
        found.append(TermForm(name, own, form))
    for child in term:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        text = (child.text or "").strip()
        if text:
            found.append(TermForm(name, text, form, etree.QName(child).localname))
    return found


#: A locale file's terms, kept on disk between processes when the command line
#: enables it (:mod:`citekit.base.diskcache`): reading ``[@key, p. 3]`` in a
#: ``citekit cite`` then parses no locale XML and imports no lxml.
_TERMS = DiskMemo("csl-locale-terms", package_fingerprint("citekit.styles", "citekit.base"))


@lru_cache(maxsize=64)
def parse_terms(xml: bytes) -> tuple[TermForm, ...]:
    """Every non-empty term form of a locale file's XML, in file order.

    XML that does not parse has no terms (the engines report a broken
    locale; a caller looking for words falls back to its defaults).
    """
    known = _TERMS.get(xml)
    if isinstance(known, tuple):
        return known
    found = _parsed_terms(xml)
    _TERMS.put(xml, found)
    return found


def _parsed_terms(xml: bytes) -> tuple[TermForm, ...]:
    """:func:`parse_terms` itself: the XML parsed."""
    from lxml import etree

    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(no_network=True))
    except etree.XMLSyntaxError:
        return ()
    found: list[TermForm] = []
    for term in root.iter(f"{_NS}term"):
        found += _forms(term)
    return tuple(found)


def locale_terms(lang: str, *, fallback: bool = True) -> tuple[TermForm, ...]:
    """The term forms of the locale file for ``lang`` (dialect and en-US fallbacks as
    :func:`citekit.styles.catalog.load_locale_xml` gives them); empty when there is none.
    """
    xml = load_locale_xml(lang, fallback=fallback)
    return parse_terms(xml) if xml is not None else ()


__all__ = ["TermForm", "locale_terms", "parse_terms"]

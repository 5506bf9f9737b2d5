"""How each style family words a "quoted in" citation, and in which language.

Style guides agree that a statement read in another work is cited through
that work, but not on the words or on what the parenthesis names:

* Chicago (17th ed., 14.260) names both: ``(Trump 2017, quoted in Raimondo
  2017, para. 8)``.  That is citekit's default, for every style not listed
  below, with the word translated by :data:`QUOTED_IN_TERMS`.
* APA (7th ed., 8.6; 6th ed., 6.17) writes "as cited in":
  ``(Harris, 2009, as cited in Lewis, 2019)``, narratively
  ``Miller (1953, as cited in Agrios, 2005)``.
* Harvard as Cite Them Right teaches it writes "cited in" (as university
  guides quote it: ``(Waltham, 2010, cited in Seeberg, 2013, p. 10)``).
* MLA (9th ed., 6.77) names only the source consulted, after "qtd. in":
  ``(qtd. in Henley 102)``; the speaker is named in the prose.

The family is looked up by the style's own id.  A dependent style arrives
here as its independent parent's XML (``citekit.styles.catalog.load_style``), so a
journal style built on APA is in the APA family without being listed.  The
table is explicit on purpose: the thousands of styles whose names contain
"harvard" or "apa" follow their own institutions' guides, which differ
(Anglia Ruskin writes ``(Brown, 1966 cited in Bassett, 1986)``, Nottingham
"cited by"), so a name pattern would put words in their mouths.

A family's wording exists only in the languages its guide is written in
(English for all three); in any other language the citation keeps
Chicago's shape with that language's term, since no guide was found that
says otherwise.  A ``quoted in`` term in the style's own ``cs:locale``
always wins: the style's author said what they want.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from citekit.render.types import LocaleLoader
from citekit.styles.language_tags import canonical_tag, fallback_chain, language_of

_NS = "{http://purl.org/net/xbiblio/csl}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

QUOTED_IN_TERMS: dict[str, str] = {
    "en": "quoted in",
    "de": "zitiert in",
    "fr": "cité dans",
    "es": "citado en",
    "it": "citato in",
    "pt": "citado em",
    "nl": "geciteerd in",
}
"""citekit's own "quoted in" by language, for locales whose XML has no such term."""

TERM_NAMES: tuple[str, ...] = ("quoted in", "quoted-in")
"""Term names looked for in a style's ``cs:locale`` and in the locale file."""


@dataclass(frozen=True, slots=True)
class QuotedForm:
    """One style family's way of citing a statement through the work quoting it.

    ``words`` maps a primary language to the family's wording.  With
    ``names_statement`` the citation is ``statement, WORDS work``; without
    it (MLA) only ``WORDS work`` is printed, since the guide wants the
    speaker named in the running text.
    """

    family: str
    words: tuple[tuple[str, str], ...] = ()
    names_statement: bool = True

    def wording(self, tag: str) -> str | None:
        """The family's words for a language tag (``en-GB`` -> ``en``), if it has any."""
        return _by_language(dict(self.words), tag)


def _by_language(table: Mapping[str, str], tag: str) -> str | None:
    """The entry of a table keyed by language for ``tag``: the tag itself, then its language."""
    return next((table[wanted] for wanted in languages(tag) if wanted in table), None)


CHICAGO = QuotedForm("chicago")
"""The default: Chicago's shape, in :data:`QUOTED_IN_TERMS`' words."""

FORMS: dict[str, QuotedForm] = {
    "apa": QuotedForm("apa", (("en", "as cited in"),)),
    "harvard-cite-them-right": QuotedForm("harvard-cite-them-right", (("en", "cited in"),)),
    "modern-language-association": QuotedForm(
        "modern-language-association", (("en", "qtd. in"),), names_statement=False
    ),
}
"""The families with a form of their own, by family name."""

FAMILIES: dict[str, str] = {
    # APA 7th edition and the repository's variants of it that still cite by
    # author and date (the numeric-superscript variants do not: their
    # citations are numbers, which APA's rule does not describe).
    "apa": "apa",
    "apa-annotated-bibliography": "apa",
    "apa-cv": "apa",
    "apa-eu": "apa",
    "apa-no-ampersand": "apa",
    "apa-no-initials": "apa",
    "apa-single-spaced": "apa",
    "apa-with-abstract": "apa",
    # APA 6th edition (6.17) already wrote "as cited in"; the French and
    # Turkish adaptations only get the English words in an English locale.
    "apa-6th-edition": "apa",
    "apa-fr-provost": "apa",
    "apa-tr": "apa",
    # Cite Them Right, every edition in the repository (the styles whose
    # titles name the guide; its dependents resolve to these).
    "harvard-cite-them-right": "harvard-cite-them-right",
    "harvard-cite-them-right-10th-edition": "harvard-cite-them-right",
    "harvard-cite-them-right-11th-edition": "harvard-cite-them-right",
    "harvard-cite-them-right-no-et-al": "harvard-cite-them-right",
    # MLA 9th edition with in-text citations.  The notes variants stay with
    # the default: "qtd. in" is the handbook's parenthetical form.
    "modern-language-association": "modern-language-association",
    "modern-language-association-annotated-bibliography": "modern-language-association",
    "modern-language-association-no-url": "modern-language-association",
}
"""Independent style ids (short names) -> their family in :data:`FORMS`."""


# ---------------------------------------------------------------------------
# Reading the style
# ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def parse_style_xml(xml: bytes) -> etree._Element | None:
    """The style's XML tree (comments dropped), or None when it does not parse."""
    try:
        return etree.fromstring(xml, parser=etree.XMLParser(no_network=True, remove_comments=True))
    except etree.XMLSyntaxError:
        return None


def style_short_name(style_xml: bytes) -> str | None:
    """The last segment of the style's ``<info><id>`` (``.../styles/apa`` -> ``apa``)."""
    root = parse_style_xml(style_xml)
    if root is None:
        return None
    found = root.find(f"{_NS}info/{_NS}id")
    uri = (found.text or "").strip() if found is not None else ""
    return uri.rstrip("/").rsplit("/", 1)[-1] or None


@lru_cache(maxsize=64)
def quoted_form(style_xml: bytes) -> QuotedForm:
    """The style family's form; :data:`CHICAGO` for unlisted styles and note styles."""
    root = parse_style_xml(style_xml)
    if root is None or root.get("class") == "note":
        return CHICAGO
    family = FAMILIES.get(style_short_name(style_xml) or "")
    return FORMS.get(family, CHICAGO) if family else CHICAGO


# ---------------------------------------------------------------------------
# The words in one language
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocaleWords:
    """What a "quoted in" citation needs in one style and language.

    ``quoted_in`` is the wording; ``names_statement`` False prints only
    ``quoted_in`` and the quoting work (MLA); ``family`` is the family whose
    shape is used (``chicago`` where the style's family has no words for
    the language).
    """

    quoted_in: str = "quoted in"
    punctuation_in_quote: bool = False
    names_statement: bool = True
    family: str = CHICAGO.family


def languages(tag: str) -> list[str]:
    """``de-AT`` -> ``["de-AT", "de"]``, ``en_gb`` -> ``["en-GB", "en"]`` (most specific first).

    The tags a style's ``cs:locale`` blocks and the language-keyed tables
    here are tried under.  Tags are made canonical with
    :func:`citekit.styles.language_tags.canonical_tag`, as the locale lookup does, so a
    loosely spelled ``de_at`` finds the German words.  The dialect then its
    language is CSL's order for a style's own blocks (and the CSL engine's,
    :mod:`citekit.render.csl.locale`); primary dialects
    (:func:`citekit.styles.language_tags.fallback_chain`) choose locale *files*, which the
    loader passed to :func:`locale_words` already does.
    """
    canonical = canonical_tag(tag)
    return list(dict.fromkeys([canonical, language_of(canonical)]))


def _style_locale_groups(root: etree._Element | None, tag: str) -> list[list[etree._Element]]:
    """The style's ``cs:locale`` blocks for ``tag`` by priority: exact, language,
    then unlabelled, each group in document order."""
    if root is None:
        return []
    blocks = [(canonical_tag(b.get(_XML_LANG) or ""), b) for b in root.findall(f"{_NS}locale")]
    return [
        [b for lang, b in blocks if lang == wanted]
        for wanted in dict.fromkeys([*languages(tag), ""])
    ]


def _style_locales(root: etree._Element | None, tag: str) -> list[etree._Element]:
    """The style's ``cs:locale`` blocks for ``tag``: exact, language, then unlabelled."""
    return [block for group in _style_locale_groups(root, tag) for block in group]


def _term(block: etree._Element) -> str | None:
    for term in block.iter(f"{_NS}term"):
        if term.get("name") in TERM_NAMES and term.get("form", "long") == "long":
            single = term.find(f"{_NS}single")
            text = single.text if single is not None else term.text
            if text and text.strip():
                return text.strip()
    return None


def _piq(block: etree._Element) -> bool | None:
    """A block's own ``punctuation-in-quote``; None when it leaves the option to others."""
    options = block.find(f"{_NS}style-options")
    if options is None or options.get("punctuation-in-quote") is None:
        return None
    return options.get("punctuation-in-quote") == "true"


def punctuation_in_quote(style_xml: bytes | None, tag: str, loader: LocaleLoader) -> bool:
    """Whether a full stop or comma after quoted text goes inside the closing quote.

    CSL's ``punctuation-in-quote`` locale option, looked up in CSL's locale
    fallback order (the order the CSL engine merges locales in,
    :mod:`citekit.render.csl.locale`), first setting found wins: the style's
    own ``cs:locale`` blocks for the language tag, for its language, then
    the unlabelled ones; then the locale files of
    :func:`~citekit.styles.language_tags.fallback_chain` (the tag, its
    language's primary dialect, en-US), each asked of ``loader``.  So a
    style that overrides the option (as pandoc's citeproc honours too) is
    obeyed, and a language without a file of its own gets en-US's answer,
    as the engine does.  Two blocks for the same language are merged as the
    engine merges them, the later one over the earlier.  False when nothing
    sets it (CSL's default).
    """
    root = parse_style_xml(style_xml) if style_xml else None
    for group in _style_locale_groups(root, tag):
        for block in reversed(group):
            found = _piq(block)
            if found is not None:
                return found
    for candidate in fallback_chain(tag):
        data = loader(candidate)
        file_root = parse_style_xml(data) if data else None
        found = _piq(file_root) if file_root is not None else None
        if found is not None:
            return found
    return False


def builtin_term(tag: str) -> str:
    """citekit's "quoted in" for a language tag: the tag, its language, then English."""
    return _by_language(QUOTED_IN_TERMS, tag) or QUOTED_IN_TERMS["en"]


def locale_words(style_xml: bytes, tag: str, loader: LocaleLoader) -> LocaleWords:
    """The wording, shape and ``punctuation-in-quote`` for ``tag`` in this style.

    The wording comes from, in order: a term named ``quoted in`` in the
    style's own locale blocks; the style family's words for the language
    (:data:`FORMS`); such a term in the locale file; :data:`QUOTED_IN_TERMS`.
    The family's shape applies where the family has words for the language.
    """
    style_blocks = _style_locales(parse_style_xml(style_xml), tag)
    file_xml = loader(tag)
    file_root = parse_style_xml(file_xml) if file_xml else None
    piq = punctuation_in_quote(style_xml, tag, loader)
    style_term = next((t for t in map(_term, style_blocks) if t), None)
    form = quoted_form(style_xml)
    family_words = form.wording(tag)
    wording = (
        style_term
        or family_words
        or (_term(file_root) if file_root is not None else None)
        or builtin_term(tag)
    )
    if family_words is None:
        return LocaleWords(wording, piq)
    return LocaleWords(wording, piq, form.names_statement, form.family)


__all__ = [
    "CHICAGO",
    "FAMILIES",
    "FORMS",
    "QUOTED_IN_TERMS",
    "TERM_NAMES",
    "LocaleWords",
    "QuotedForm",
    "builtin_term",
    "languages",
    "locale_words",
    "parse_style_xml",
    "punctuation_in_quote",
    "quoted_form",
    "style_short_name",
]

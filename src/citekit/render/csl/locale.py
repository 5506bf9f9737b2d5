"""Locale merging: style-embedded ``cs:locale`` blocks over locale files.

The priority order (highest first) is the style's blocks for the exact
language, for the base language, without ``xml:lang``; then the locale files
of :func:`citekit.styles.language_tags.fallback_chain` (the exact language, the base
language's primary dialect, ``en-US``).
The result is a flat dictionary of terms and the localized date formats, so
rendering looks terms up in one step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field
from typing import TYPE_CHECKING

from citekit.base.valueclass import value_class
from citekit.render.csl.style import NS, XML_LANG, DateNode, DatePartNode
from citekit.render.csl.style_xml import child_elements, decor_of, local_name
from citekit.styles.language_tags import fallback_chain

if TYPE_CHECKING:  # imported by _parse_file: a locale read from the disk memo parses no XML
    from lxml import etree

# A term's value: (singular, plural); terms without plural repeat the singular.
TermValue = tuple[str, str]
TermKey = tuple[str, str, str]  # (name, form, gender or "")

FORM_FALLBACK = {
    "verb-short": ("verb-short", "verb", "long"),
    "symbol": ("symbol", "short", "long"),
    "short": ("short", "long"),
    "verb": ("verb", "long"),
    "long": ("long",),
}


@value_class(frozen=False)
class Locale:
    """Merged terms, date formats and options of one language."""

    lang: str
    terms: dict[TermKey, TermValue] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)
    ordinal_match: dict[str, str] = field(default_factory=dict)
    date_formats: dict[str, DateNode] = field(default_factory=dict)
    punctuation_in_quote: bool = False
    limit_day_ordinals: bool = False
    # Each asked term's text, by (name, form, plural, gender): a render asks for
    # the same few terms ("and", "page-range-delimiter", labels) over and over.
    # Emptied whenever this module writes ``terms`` (while the locale is built).
    term_memo: dict[tuple[str, str, bool, str], str] = field(
        default_factory=dict, compare=False, repr=False
    )

    def term(self, name: str, form: str = "long", plural: bool = False, gender: str = "") -> str:
        key = (name, form, plural, gender)
        found = self.term_memo.get(key)
        if found is None:
            found = self.term_memo[key] = self._look_up(name, form, plural, gender)
        return found

    def _look_up(self, name: str, form: str, plural: bool, gender: str) -> str:
        """The term as the locale defines it, falling back through the forms."""
        terms = self.terms
        for candidate in FORM_FALLBACK.get(form, (form, "long")):
            value = terms.get((name, candidate, gender))
            if value is None and gender:
                value = terms.get((name, candidate, ""))
            if value is not None:
                return value[1] if plural else value[0]
        return ""

    def has_term(self, name: str, form: str = "long") -> bool:
        return any((name, f, "") in self.terms for f in FORM_FALLBACK.get(form, (form,)))

    @property
    def outer_quotes(self) -> tuple[str, str]:
        return _tight(self.term("open-quote") or "\u201c", self.term("close-quote") or "\u201d")

    @property
    def inner_quotes(self) -> tuple[str, str]:
        return _tight(
            self.term("open-inner-quote") or "\u2018",
            self.term("close-inner-quote") or "\u2019",
        )


def _tight(opening: str, closing: str) -> tuple[str, str]:
    """French-style quote spacing uses a narrow no-break space, as citeproc-js does."""
    if opening.endswith(" "):
        opening = opening[:-1] + "\u202f"
    if closing.startswith(" "):
        closing = "\u202f" + closing[1:]
    return opening, closing


def _apply_locale_element(locale: Locale, el: etree._Element, from_style: bool) -> None:
    for section in child_elements(el):
        kind = local_name(section)
        if kind == "terms":
            terms = [t for t in child_elements(section) if local_name(t) == "term"]
            if any((t.get("name") or "").startswith("ordinal") for t in terms):
                # CSL 1.0.1: a locale (file or style block) defining any ordinal
                # term replaces all that a lower-priority locale defined.
                for key in [k for k in locale.terms if k[0].startswith("ordinal")]:
                    del locale.terms[key]
                locale.term_memo.clear()
            for term in terms:
                _apply_term(locale, term)
        elif kind == "date":
            form = section.get("form") or ""
            parts = tuple(
                DatePartNode(
                    part.get("name") or "",
                    part.get("form"),
                    part.get("range-delimiter"),
                    decor_of(part),
                )
                for part in child_elements(section)
                if local_name(part) == "date-part"
            )
            locale.date_formats[form] = DateNode(
                "", form, "year-month-day", parts, section.get("delimiter") or "", decor_of(section)
            )
        elif kind == "style-options":
            value = section.get("punctuation-in-quote")
            if value is not None:
                locale.punctuation_in_quote = value == "true"
            value = section.get("limit-day-ordinals-to-day-1")
            if value is not None:
                locale.limit_day_ordinals = value == "true"


def _apply_term(locale: Locale, term: etree._Element) -> None:
    name = term.get("name") or ""
    form = term.get("form") or "long"
    gender = term.get("gender-form") or ""
    locale.term_memo.clear()
    if term.get("gender"):
        locale.genders[name] = term.get("gender") or ""
    if term.get("match"):
        locale.ordinal_match[name] = term.get("match") or ""
    # most terms are bare text: looking for cs:single/cs:multiple only in terms
    # with children saves two searches on each of a locale file's 400 terms
    single = term.find(NS + "single") if len(term) else None
    multiple = term.find(NS + "multiple") if len(term) else None
    if single is not None or multiple is not None:
        one = (single.text or "") if single is not None else ""
        many = (multiple.text or "") if multiple is not None else one
        locale.terms[(name, form, gender)] = (one, many)
    else:
        text = term.text or ""
        if not text.strip():  # an element holding only layout whitespace is empty
            text = ""
        locale.terms[(name, form, gender)] = (text, text)


_FILE_CACHE: dict[bytes, etree._Element] = {}


def _parse_file(data: bytes) -> etree._Element | None:
    cached = _FILE_CACHE.get(data)
    if cached is None:
        from lxml import etree

        try:
            cached = etree.fromstring(data, etree.XMLParser(remove_comments=True))
        except etree.XMLSyntaxError:
            return None
        _FILE_CACHE[data] = cached
    return cached


def build_locale(
    lang: str,
    style_locales: Iterable[etree._Element],
    loader: Callable[[str], bytes | None],
    warnings: list[str],
) -> Locale:
    """Merge locale files and the style's own locale blocks for ``lang``."""
    locale = Locale(lang)
    files: list[etree._Element] = []
    for candidate in fallback_chain(lang):
        data = loader(candidate)
        if data is None:
            continue
        root = _parse_file(data)
        if root is None:
            warnings.append(f"locale file for {candidate} is not well-formed XML")
            continue
        if not any(root is seen for seen in files):  # a loader's own fallback repeats files
            files.append(root)
    if not files:
        warnings.append(f"no locale file found for {lang}")
    for root in reversed(files):  # lowest priority first
        _apply_locale_element(locale, root, from_style=False)
    base = lang.split("-")[0]
    style_blocks = list(style_locales)
    ordered = (
        [b for b in style_blocks if b.get(XML_LANG) is None]
        + [b for b in style_blocks if b.get(XML_LANG) == base and base != lang]
        + [b for b in style_blocks if b.get(XML_LANG) == lang]
    )
    for block in ordered:
        _apply_locale_element(locale, block, from_style=True)
    return locale

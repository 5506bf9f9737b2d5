"""Which CSL locale file stands in for a language tag, and in what order.

A style asks for a language (``de-AT``, ``de``, ``sr``, ``en_gb`` from a
command line); the CSL locale files are named by dialect (``locales-de-AT.xml``,
``locales-de-DE.xml``).  CSL 1.0.2 ("Locale Fallback") says a dialect falls back
to its language's *primary dialect* and then to ``en-US``.  Three places used to
spell that out on their own (the locale lookup in :mod:`citekit.styles.catalog`, the
engine's locale merge and the bundled-file loader) with tables that had
drifted apart; this module is the one rule they share.  It does no I/O, so the
engines, the style index and the tests all get the same answer.

The table is our own copy of the ``primary-dialects`` of the CSL locales
repository's ``locales.json``, checked against the locale files citekit ships
in ``citekit/data/locales`` (tests/test_locales.py fails when an update of
those files adds or drops a language; the repository dropped Tagalog's
``tl-PH``, which citeproc-py 0.11.1 still bundles).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType

DEFAULT_LOCALE = "en-US"
"""The last resort of every fallback chain, as in CSL and citeproc-js."""

PRIMARY_DIALECTS: Mapping[str, str] = MappingProxyType({
    "af": "af-ZA", "ar": "ar", "bal": "bal-PK", "bg": "bg-BG", "brh": "brh-PK",
    "ca": "ca-AD", "cs": "cs-CZ", "cy": "cy-GB", "da": "da-DK", "de": "de-DE",
    "el": "el-GR", "en": "en-US", "es": "es-ES", "et": "et-EE", "eu": "eu",
    "fa": "fa-IR", "fi": "fi-FI", "fr": "fr-FR", "gl": "gl-ES", "he": "he-IL",
    "hi": "hi-IN", "hr": "hr-HR", "hu": "hu-HU", "hy": "hy-AM", "id": "id-ID",
    "is": "is-IS", "it": "it-IT", "ja": "ja-JP", "km": "km-KH", "ko": "ko-KR",
    "la": "la", "lij": "lij-IT", "lt": "lt-LT", "lv": "lv-LV", "mn": "mn-MN",
    "ms": "ms-MY", "nb": "nb-NO", "nl": "nl-NL", "nn": "nn-NO", "pa": "pa-PK",
    "pl": "pl-PL", "pt": "pt-PT", "ro": "ro-RO", "ru": "ru-RU", "sk": "sk-SK",
    "sl": "sl-SI", "sr": "sr-Latn-RS", "sv": "sv-SE", "th": "th-TH", "tr": "tr-TR",
    "uk": "uk-UA", "vi": "vi-VN", "zh": "zh-CN",
})  # fmt: skip
"""Language -> the dialect whose file speaks for it.

Serbian's file was split by script (``sr-Latn-RS``, ``sr-Cyrl-RS``); the CSL
repository made the Latin one primary, so ``sr`` and the old ``sr-RS`` use it.
"""

SCRIPT_DIALECTS: Mapping[str, str] = MappingProxyType(
    {
        "sr-Cyrl": "sr-Cyrl-RS",
        "sr-Latn": "sr-Latn-RS",
        "zh-Hans": "zh-CN",
        "zh-Hant": "zh-TW",
    }
)
"""A language written in a named script -> the file in that script.

Asked for Cyrillic Serbian, the Latin primary dialect would be the wrong
alphabet, so a script subtag picks its own file before the primary dialect.
"""


def canonical_tag(lang: str) -> str:
    """A tag in the case CSL file names use: ``en_gb`` -> ``en-GB``.

    Command lines and front matter spell tags loosely (``sr-latn-rs``); file
    names do not (``sr-Latn-RS``).
    """
    parts = [part for part in lang.strip().replace("_", "-").split("-") if part]
    if not parts:
        return ""
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():  # a script: Latn, Cyrl, Hant
            out.append(part.capitalize())
        elif len(part) == 2 or (len(part) == 3 and part.isdigit()):  # a region: RS, 419
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def language_of(lang: str) -> str:
    """The language subtag: ``de`` for ``de-AT``."""
    return canonical_tag(lang).split("-")[0]


def primary_dialect(lang: str) -> str | None:
    """The primary dialect of ``lang``'s language (``de-AT`` -> ``de-DE``), None if unknown."""
    return PRIMARY_DIALECTS.get(language_of(lang))


def _script_dialect(tag: str) -> str | None:
    parts = tag.split("-")
    if len(parts) >= 2 and len(parts[1]) == 4:
        return SCRIPT_DIALECTS.get(f"{parts[0]}-{parts[1]}")
    return None


def fallback_chain(
    lang: str, *, available: Collection[str] | None = None, english: bool = True
) -> tuple[str, ...]:
    """The locale files to try for ``lang``, most specific first.

    The tag itself, the file of its script (``sr-Cyrl`` -> ``sr-Cyrl-RS``),
    its language's primary dialect (the bare language when we know none),
    then :data:`DEFAULT_LOCALE` unless ``english`` is off::

        de-AT -> de-AT, de-DE, en-US        sr -> sr, sr-Latn-RS, en-US
        pt-BR -> pt-BR, pt-PT, en-US        xx-YY -> xx-YY, xx, en-US

    With ``available`` (the tags that have a file) the chain keeps only those,
    and a language we have no primary dialect for falls back to its first
    available dialect before English, so a locale file newer than our table
    is still found.  Loaders pass ``english=False`` because the engines ask
    for en-US themselves: a loader must not answer Klingon with English.
    """
    tag = canonical_tag(lang)
    if not tag:
        return (DEFAULT_LOCALE,) if english else ()
    language = tag.split("-")[0]
    candidates = [tag]
    script = _script_dialect(tag)
    if script:
        candidates.append(script)
    candidates.append(PRIMARY_DIALECTS.get(language, language))
    if available is not None:
        candidates = [c for c in candidates if c in available]
        if not candidates:
            candidates = sorted(t for t in available if t.split("-")[0] == language)[:1]
    if english:
        candidates.append(DEFAULT_LOCALE)
    return tuple(dict.fromkeys(candidates))


__all__ = [
    "DEFAULT_LOCALE",
    "PRIMARY_DIALECTS",
    "SCRIPT_DIALECTS",
    "canonical_tag",
    "fallback_chain",
    "language_of",
    "primary_dialect",
]

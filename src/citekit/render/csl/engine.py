"""``CslEngine``: citekit's CSL processor behind the :class:`Engine` protocol.

Parsed styles and merged locales are cached by a hash of their XML (and the
locale tag), so formatting many documents with one style parses it once.
Data and style problems become warnings; the engine never raises for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from citekit.base.collector import cycle_collection_paused
from citekit.base.diskcache import DiskMemo, package_fingerprint
from citekit.render.csl.contract import CiteRequest
from citekit.render.csl.data import Item, normalise_item
from citekit.render.csl.locale import Locale, build_locale
from citekit.render.csl.processor import Processor
from citekit.render.csl.style import Style, StyleError
from citekit.render.types import (
    AUTHOR_SUBSTITUTE,
    CITATION_AFFIXES,
    PARALLEL_BIBLIOGRAPHY,
    BibliographyLayout,
    Cluster,
    EngineOutput,
    LocaleLoader,
    ProgressCallback,
)
from citekit.styles.language_tags import DEFAULT_LOCALE

if TYPE_CHECKING:  # a session is for editors: a batch run does not load it
    from citekit.render.csl.session import CslSession

_STYLE_CACHE: dict[bytes, Style] = {}
# Keyed by loader id too; the loader itself is kept so a recycled id cannot match.
_LOCALE_CACHE: dict[tuple[bytes, str, int], tuple[LocaleLoader, Locale]] = {}
_CACHE_LIMIT = 64


def load_style(style_xml: bytes) -> Style:
    """The parsed style (cached by its XML); raises StyleError for non-styles.

    The XML itself is the key: hashing a style's bytes costs as much as a
    digest of them, and no digest means no hashlib (OpenSSL) to import.
    """
    style = _STYLE_CACHE.get(style_xml)
    if style is None:
        from citekit.render.csl.style_xml import parse_style  # lxml: not for a disk hit

        style = parse_style(style_xml)
        if len(_STYLE_CACHE) >= _CACHE_LIMIT:
            _STYLE_CACHE.clear()
        _STYLE_CACHE[style_xml] = style
    return style


#: Parsed styles with their merged locale, kept on disk between processes (when
#: the command line enables it): a ``citekit cite`` then reads them back in a
#: millisecond instead of importing lxml, parsing the style and merging the locale.
#: An entry depends on the code of the engine, of the styles layer and of the
#: value classes; an edit or upgrade of any of them makes it a miss.
_DISK = DiskMemo(
    "csl-styles", package_fingerprint("citekit.render.csl", "citekit.styles", "citekit.base")
)
# What this process read from the disk memo, by (XML, locale asked for, loader id).
_DISK_HITS: dict[tuple[bytes, str | None, int], tuple[LocaleLoader, Style, Locale, list[str]]] = {}

# A loader's answers, as (tag, XML or None), in the order build_locale asked.
LoaderCalls = tuple[tuple[str, bytes | None], ...]


def _disk_key(style_xml: bytes, locale: str | None) -> bytes:
    """The memo key: the locale asked for (or none) and the whole style."""
    return (locale or "").encode("utf-8", "surrogatepass") + b"\0" + style_xml


def _from_disk(
    style_xml: bytes, locale: str | None, loader: LocaleLoader
) -> tuple[Style, Locale, list[str]] | None:
    """The stored style and locale when the loader still answers as it did for them."""
    hit = _DISK_HITS.get((style_xml, locale, id(loader)))
    if hit is not None and hit[0] is loader:
        return hit[1], hit[2], list(hit[3])
    stored = _DISK.get(_disk_key(style_xml, locale))
    if not (isinstance(stored, tuple) and len(stored) == 4):
        return None
    style, merged, warnings, calls = stored
    if not (isinstance(style, Style) and isinstance(merged, Locale)):
        return None
    if any(loader(tag) != answer for tag, answer in calls):
        return None  # the locale files changed (or another loader): merge again
    if len(_DISK_HITS) >= _CACHE_LIMIT:
        _DISK_HITS.clear()
    _DISK_HITS[(style_xml, locale, id(loader))] = (loader, style, merged, list(warnings))
    return style, merged, list(warnings)


def _recording(loader: LocaleLoader, calls: list[tuple[str, bytes | None]]) -> LocaleLoader:
    """``loader``, noting each tag asked for and its answer in ``calls``."""

    def recorded(tag: str) -> bytes | None:
        answer = loader(tag)
        calls.append((tag, answer))
        return answer

    return recorded


def load_style_and_locale(
    style_xml: bytes, locale: str | None, loader: LocaleLoader
) -> tuple[Style, Locale, list[str]]:
    """The parsed style and its merged locale (cached); raises StyleError for non-styles.

    A style this process has not parsed is looked for in the disk memo first
    (:data:`_DISK`); one parsed here is stored there for the next process.
    The stored style has no ``locales`` (lxml elements; the merged locale
    stands for them), so it never enters :data:`_STYLE_CACHE`.
    """
    if style_xml not in _STYLE_CACHE:
        found = _from_disk(style_xml, locale, loader)
        if found is not None:
            return found
    style = load_style(style_xml)
    lang = locale or style.default_locale or DEFAULT_LOCALE
    key = (style_xml, lang, id(loader))
    cached = _LOCALE_CACHE.get(key)
    warnings = list(style.warnings)
    if cached is not None and cached[0] is loader:
        return style, cached[1], warnings
    calls: list[tuple[str, bytes | None]] = []
    merged = build_locale(lang, style.locales, _recording(loader, calls), warnings)
    if len(_LOCALE_CACHE) >= _CACHE_LIMIT:
        _LOCALE_CACHE.clear()
    _LOCALE_CACHE[key] = (loader, merged)
    stored: LoaderCalls = tuple(calls)
    _DISK.put(_disk_key(style_xml, locale), (replace(style, locales=()), merged, warnings, stored))
    return style, merged, warnings


_AUTHOR_SUBSTITUTE_OPTIONS = ("subsequent-author-substitute", "subsequent-author-substitute-rule")


def style_for_run(style: Style, *, citation_affixes: bool, author_substitute: bool) -> Style:
    """The cached style as one run's options want it: a copy, the cache untouched.

    The quoted-in pass renders clusters without the citation layout's own
    prefix and suffix (it places them itself around the pieces it joins), and
    a course reader's bibliography repeats each author's name; both are asked
    for as options instead of by rewriting the style's XML.
    """
    if not citation_affixes:
        layout = style.citation.layout
        bare = replace(layout, decor=replace(layout.decor, prefix="", suffix=""))
        style = replace(style, citation=replace(style.citation, layout=bare))
    if not author_substitute and style.bibliography is not None:
        options = {
            name: value
            for name, value in style.bibliography.options.items()
            if name not in _AUTHOR_SUBSTITUTE_OPTIONS
        }
        style = replace(style, bibliography=replace(style.bibliography, options=options))
    return style


class CslEngine:
    """citekit's own CSL 1.0.2 processor."""

    name = "citekit"
    capabilities: frozenset[str] = frozenset(
        {AUTHOR_SUBSTITUTE, CITATION_AFFIXES, PARALLEL_BIBLIOGRAPHY}
    )

    def process(
        self,
        items: Sequence[Mapping[str, Any]],
        style_xml: bytes,
        clusters: Sequence[Cluster],
        *,
        locale: str | None,
        locale_loader: LocaleLoader,
        bibliography: bool = True,
        bibliography_ids: Sequence[str] | None = None,
        progress: ProgressCallback | None = None,
        citation_affixes: bool = True,
        author_substitute: bool = True,
        jobs: int = 1,
    ) -> EngineOutput:
        """The :class:`Engine` protocol's ``process``.

        ``jobs`` above 1 (0: every idle CPU) lets a long bibliography be
        formatted in that many processes (:mod:`citekit.render.csl.parallel`);
        the output is the same.
        """
        output = EngineOutput()
        try:
            style, merged, warnings = load_style_and_locale(style_xml, locale, locale_loader)
        except StyleError as error:
            output.warnings.append(str(error))
            return output
        style = style_for_run(
            style, citation_affixes=citation_affixes, author_substitute=author_substitute
        )
        output.warnings.extend(warnings)
        normalised: dict[str, Item] = {}
        for raw in items:
            try:
                item = normalise_item(raw)
            except Exception as error:
                output.warnings.append(f"item {raw.get('id')!r} skipped: {error}")
                continue
            if item.id in normalised:
                output.warnings.append(f"duplicate item id {item.id!r}: later one ignored")
                continue
            normalised[item.id] = item
        requests = [
            ([CiteRequest(cite) for cite in cluster.items], cluster.note_number or index + 1)
            for index, cluster in enumerate(clusters)
        ]
        processor = Processor(style, merged)
        try:
            with cycle_collection_paused():
                result = processor.run(
                    normalised, requests, bibliography_ids, bibliography, progress, jobs=jobs
                )
        except Exception as error:  # a processor bug must not take the document down
            output.warnings.append(f"citekit engine failed on this style: {error!r}")
            return output
        output.citations = result.citations
        output.bibliography = result.bibliography
        output.warnings.extend(result.warnings)
        output.layout = BibliographyLayout.from_attributes(
            style.bibliography.options if style.bibliography is not None else None
        )
        return output

    def session(
        self,
        items: Sequence[Mapping[str, Any]],
        style_xml: bytes,
        *,
        locale: str | None,
        locale_loader: LocaleLoader,
    ) -> CslSession:
        """A session that processes one document again after each edit.

        The style and locale load as for :meth:`process` (a non-style raises
        :class:`StyleError`); the items' and style's warnings are kept in
        ``session.warnings``.  See :mod:`citekit.render.csl.session`.
        """
        from citekit.render.csl.session import CslSession, Reads

        style, merged, warnings = load_style_and_locale(style_xml, locale, locale_loader)
        reads = Reads.from_xml(style_xml)
        session = CslSession(style, merged, warnings=warnings, reads=reads)
        session.add_items(items)
        return session

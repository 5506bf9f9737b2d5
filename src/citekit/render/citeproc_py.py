"""The citeproc-py engine, with its quirks hidden behind citekit's engine contract.

This is the only module that imports citeproc-py.  What it smooths over:

- citeproc-py lower-cases item ids (so ``Doe`` and ``doe`` collide); items
  get internal ids ``item0``, ``item1`` ... and are mapped back.
- It only *warns* (Python warnings) about invalid styles and unsupported
  fields, and raises on data it cannot handle; both become ``warnings`` of the
  result, and a field it chokes on is dropped from that item only.
- It takes its own item format; CSL-JSON is filtered to the variables and
  name/date shapes its ``CiteProcJSON`` source accepts.
- It has no suppress-author or author-only mode: the author is swapped for a
  sentinel name while that one cite renders, and the sentinel (with the
  delimiter after it) is cut out of the output.
- It ignores ``display`` (the ``[1]`` of numeric bibliographies runs into
  the text) and ``punctuation-in-quote``: display elements are marked with
  private-use characters in the style before it runs and turned into
  ``csl-left-margin``/``csl-right-inline`` (etc.) divs afterwards, and
  commas and periods after a closing quote move inside when the locale says so.
- Its HTML formatter output goes through :func:`richtext.from_html`, so every
  citekit output format works.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from html import escape
from typing import Any

from citeproc import NAMES as CITEPROC_NAMES
from citeproc import VARIABLES as CITEPROC_VARIABLES
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    Locator,
    formatter,
)
from citeproc.source import VariableError
from citeproc.source.json import CiteProcJSON
from lxml import etree

from citekit.render import richtext
from citekit.render.marks import DISPLAY_MARKS
from citekit.render.types import (
    AUTHOR_SUBSTITUTE,
    CITATION_AFFIXES,
    BibliographyLayout,
    Cluster,
    EngineOutput,
    LocaleLoader,
    ProgressCallback,
)

_SUPPORTED = {v.replace("_", "-") for v in CITEPROC_VARIABLES} | {"shortTitle"}
_NAME_VARS = {v.replace("_", "-") for v in CITEPROC_NAMES}
_NAME_KEYS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")
_DATE_VARS = {"accessed", "container", "event-date", "issued", "original-date", "submitted"}
_SENTINEL = "Citekitsuppressedauthorzz"
_AUTHOR_ORDER = (
    "author",
    "editor",
    "collection-editor",
    "translator",
    "composer",
    "director",
    "interviewer",
    "illustrator",
    "editorial-director",
    "container-author",
    "original-author",
    "recipient",
)
_SENTINEL_RE = re.compile(r"[“\"‘']?" + _SENTINEL + r"[”\"’']?((?:</[a-z]+>)*)\s*[,.:;]?\s*")
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"

_ANY_MARK = re.compile("[" + "".join(m for pair in DISPLAY_MARKS.values() for m in pair) + "]")
_PUNCT_AFTER_QUOTE = re.compile(r"([”’])((?:</[a-z]+>)*)([.,])")


@lru_cache(maxsize=64)
def mark_display(style_xml: bytes) -> bytes:
    """The style with every ``display`` element's output bracketed by marks (cached)."""
    root = etree.fromstring(
        style_xml, parser=etree.XMLParser(no_network=True, remove_comments=True)
    )
    changed = False
    bibliography = root.find(f"{_CSL_NS}bibliography")
    layout = bibliography.find(f"{_CSL_NS}layout") if bibliography is not None else None
    if (
        bibliography is not None
        and layout is not None
        and bibliography.get("second-field-align") in ("flush", "margin")
        and not any(isinstance(el.tag, str) and el.get("display") for el in layout.iter())
    ):
        # CSL: with second-field-align the layout's first field goes in the margin.
        first = next((el for el in layout if isinstance(el.tag, str)), None)
        if first is not None:
            first.set("display", "left-margin")
    for element in root.iter():
        display = element.get("display") if isinstance(element.tag, str) else None
        if display in DISPLAY_MARKS:
            start, end = DISPLAY_MARKS[display]
            element.set("prefix", start + (element.get("prefix") or ""))
            element.set("suffix", (element.get("suffix") or "") + end)
            del element.attrib["display"]
            changed = True
    changed = _honour_initialize_false(root) or changed
    if not changed:
        return style_xml
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True))


def _honour_initialize_false(root: Any) -> bool:
    """Make ``<name initialize="false">`` keep full given names under citeproc-py.

    citeproc-py ignores ``initialize`` and initializes whenever
    ``initialize-with`` is inherited.  When the style sets it once for both
    citation and bibliography, it is moved onto every other ``<name>``
    instead, so the ``initialize="false"`` ones inherit nothing.
    """
    names = [
        el
        for el in root.iter(f"{_CSL_NS}name")  # not the <info><author><name>
        if el.getparent() is not None and el.getparent().tag == f"{_CSL_NS}names"
    ]
    if not any(el.get("initialize") == "false" for el in names):
        return False
    sections = [
        el for tag in ("citation", "bibliography") for el in root.findall(f"{_CSL_NS}{tag}")
    ]
    effective = {el.get("initialize-with", root.get("initialize-with")) for el in sections}
    if len(effective) != 1 or None in effective:
        return False  # citation and bibliography differ: leave the style alone
    (value,) = effective
    flat = [root, *sections]
    for name in names:
        if name.get("initialize") != "false" and name.get("initialize-with") is None:
            name.set("initialize-with", str(value))
    for element in flat:
        element.attrib.pop("initialize-with", None)
    return True


def displays_to_html(html: str) -> str:
    """Turn display marks into citeproc-js's ``<div class="csl-...">`` blocks."""
    if not _ANY_MARK.search(html):
        return html
    for display, (start, end) in DISPLAY_MARKS.items():
        html = html.replace(start, f'<div class="csl-{display}">').replace(end, "</div>")
    left_end = html.find("</div>") if html.startswith('<div class="csl-left-margin">') else -1
    if left_end >= 0 and 'class="csl-right-inline"' not in html:
        cut = left_end + len("</div>")
        html = html[:cut] + '<div class="csl-right-inline">' + html[cut:].lstrip() + "</div>"
    return html


def alternate_nested_quotes(html: str) -> str:
    """Double quotes inside double quotes become single ones (“a ‘b’ c”)."""
    if html.count("“") < 2:
        return html
    out: list[str] = []
    depth = 0
    for char in html:
        if char == "“":
            out.append("“" if depth % 2 == 0 else "‘")
            depth += 1
        elif char == "”" and depth > 0:
            depth -= 1
            out.append("”" if depth % 2 == 0 else "’")
        else:
            out.append(char)
    return "".join(out)


def move_punctuation_into_quotes(html: str) -> str:
    """``“Title”,`` -> ``“Title,”`` (American usage, locale option punctuation-in-quote)."""
    return _PUNCT_AFTER_QUOTE.sub(lambda m: m.group(3) + m.group(1) + m.group(2), html)


def _clean_name(name: Mapping[str, Any]) -> dict[str, str]:
    if name.get("literal"):
        return {"literal": str(name["literal"])}
    return {k: str(name[k]) for k in _NAME_KEYS if name.get(k)}


def _clean_date(value: Any) -> dict[str, Any] | None:
    """citeproc-py wants ``date-parts`` with a year, or a literal."""
    if not isinstance(value, Mapping):
        return {"literal": str(value)} if value else None
    parts = [p for p in value.get("date-parts", []) if isinstance(p, list) and p]
    out: dict[str, Any] = {}
    if parts:
        out["date-parts"] = [[int(x) for x in p[:3]] for p in parts[:2]]
    elif value.get("literal") or value.get("raw"):
        out["literal"] = str(value.get("literal") or value.get("raw"))
    else:
        return None
    if value.get("season") is not None and parts:
        out["season"] = value["season"]
    if value.get("circa"):
        out["circa"] = 1
    return out


def to_citeproc_item(
    item: Mapping[str, Any], internal_id: str, problems: list[str] | None = None
) -> dict[str, Any]:
    """A CSL-JSON item reduced to what ``CiteProcJSON`` accepts.

    A field that cannot be converted is left out and, when ``problems`` is
    given, reported there.
    """
    out: dict[str, Any] = {"id": internal_id, "type": str(item.get("type", "document"))}
    for key, value in item.items():
        if key in ("id", "type") or value is None:
            continue
        try:
            _convert_field(out, key, value)
        except (TypeError, ValueError, AttributeError) as exc:
            if problems is not None:
                problems.append(
                    f"citeproc-py: item '{item.get('id')}': field '{key}' dropped ({exc})"
                )
    if "event-title" in item and "event" not in out and isinstance(item["event-title"], str):
        out["event"] = item["event-title"]  # citeproc-py knows only CSL 1.0.1's name
    return out


def _convert_field(out: dict[str, Any], key: str, value: Any) -> None:
    """Put one CSL-JSON field into ``out`` in citeproc-py's shape (or leave it out)."""
    if key in _NAME_VARS:
        if isinstance(value, list):
            names = [_clean_name(n) for n in value if isinstance(n, Mapping)]
            if names := [n for n in names if n]:
                out[key] = names
    elif key in _DATE_VARS:
        date = _clean_date(value)
        if date is not None:
            out[key] = date
    elif key in _SUPPORTED and isinstance(value, (str, int, float)):
        out[key] = value


def _layout(style: CitationStylesStyle) -> BibliographyLayout:
    bib = style.root.find(f"{_CSL_NS}bibliography")
    return BibliographyLayout.from_attributes(None if bib is None else bib.attrib)


class _Collector:
    """Python warnings raised inside citeproc-py, turned into messages."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    @contextmanager
    def catching(self, context: str) -> Iterator[None]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for warning in caught:
            text = " ".join(str(warning.message).split())
            if len(text) > 400:
                text = text[:400] + " ..."
            message = f"citeproc-py: {context}: {text}"
            if message not in self.messages:
                self.messages.append(message)


def _build_source(
    items: Sequence[Mapping[str, Any]], collector: _Collector
) -> tuple[CiteProcJSON, dict[str, str], dict[str, str]]:
    """The citeproc source plus id maps (citekit id <-> internal id)."""
    to_internal: dict[str, str] = {}
    to_external: dict[str, str] = {}
    converted: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        external = str(item.get("id"))
        internal = f"item{index}"
        to_internal[external] = internal
        to_external[internal] = external
        converted.append(to_citeproc_item(item, internal, collector.messages))
    source = CiteProcJSON([])
    for raw in converted:
        with collector.catching(f"item '{to_external[raw['id']]}'"):
            try:
                source.update(CiteProcJSON([raw]))
            except (TypeError, ValueError, KeyError) as exc:
                # Drop fields one at a time until the rest goes through.
                kept = _salvage(raw, collector, to_external[raw["id"]], exc)
                source.update(CiteProcJSON([kept]))
    return source, to_internal, to_external


def _salvage(
    raw: dict[str, Any], collector: _Collector, key: str, exc: Exception
) -> dict[str, Any]:
    kept = {"id": raw["id"], "type": raw["type"]}
    for field, value in raw.items():
        if field in kept:
            continue
        try:
            CiteProcJSON([{**kept, field: value}])
        except (TypeError, ValueError, KeyError) as field_exc:
            collector.messages.append(
                f"citeproc-py: item '{key}': field '{field}' dropped ({field_exc or exc})"
            )
            continue
        kept[field] = value
    return kept


class CiteprocPyEngine:
    """citekit's engine contract over citeproc-py."""

    name = "citeproc-py"
    capabilities: frozenset[str] = frozenset({AUTHOR_SUBSTITUTE, CITATION_AFFIXES})

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
    ) -> EngineOutput:
        """Render ``clusters`` and the bibliography; problems become warnings.

        ``citation_affixes=False`` drops the citation layout's prefix and
        suffix from this run's copy of the style (citeproc-py has no option
        for it; the style object is built anew for every run).
        ``author_substitute`` changes nothing: citeproc-py never applies
        ``subsequent-author-substitute``, so its names are always in full.
        """
        del author_substitute
        del locale_loader  # citeproc-py reads its own bundled locale files
        collector = _Collector()
        output = EngineOutput()
        try:
            style = _load_style(mark_display(style_xml), locale, collector)
        except (
            etree.XMLSyntaxError,
            ValueError,
            TypeError,
            AttributeError,
            IndexError,
            KeyError,
        ) as exc:
            output.warnings = [*collector.messages, f"citeproc-py cannot load the style: {exc}"]
            return output
        output.layout = _layout(style)
        if not citation_affixes:
            _drop_citation_affixes(style)
        try:
            piq = str(style.root.get_locale_option("punctuation-in-quote")).lower() == "true"
        except (AttributeError, IndexError, KeyError):
            piq = False
        finish = _finisher(piq)
        source, to_internal, to_external = _build_source(items, collector)
        bib = CitationStylesBibliography(style, source, formatter.html)

        citations = [self._citation(cluster, to_internal) for cluster in clusters]
        with collector.catching("registering citations"):
            for citation in citations:
                bib.register(citation)
            wanted = (
                list(bibliography_ids)
                if bibliography_ids is not None
                else [str(item.get("id")) for item in items]
            )
            for key in wanted:
                if key in to_internal:
                    bib.register(Citation([CitationItem(to_internal[key])]))
            try:
                if style.has_bibliography():
                    bib.sort()
            except (
                TypeError,
                ValueError,
                KeyError,
                AttributeError,
                IndexError,
                VariableError,
            ) as exc:
                collector.messages.append(f"citeproc-py: sorting failed: {exc!r}")

        for cluster, citation in zip(clusters, citations, strict=True):
            output.citations.append(
                self._cite(bib, source, cluster, citation, to_external, collector, finish)
            )

        if bibliography and style.has_bibliography():
            output.bibliography = self._bibliography(bib, to_external, collector, finish, progress)
        output.warnings = collector.messages
        return output

    # -- citations ---------------------------------------------------------
    @staticmethod
    def _citation(cluster: Cluster, to_internal: Mapping[str, str]) -> Citation:
        cites = []
        for item in cluster.items:
            kwargs: dict[str, Any] = {}
            if item.locator:
                kwargs["locator"] = Locator(item.label or "page", item.locator)
            # citeproc-py pastes affixes into its HTML as they are; like citeproc-js,
            # <i>/<b> markup in them counts, so only ampersands need escaping
            if item.prefix:
                kwargs["prefix"] = item.prefix.replace("&", "&amp;")
            if item.suffix:
                kwargs["suffix"] = item.suffix.replace("&", "&amp;")
            key = to_internal.get(item.id, f"missing-{item.id}")
            cites.append(CitationItem(key, **kwargs))
        return Citation(cites)

    def _cite(
        self,
        bib: CitationStylesBibliography,
        source: CiteProcJSON,
        cluster: Cluster,
        citation: Citation,
        to_external: Mapping[str, str],
        collector: _Collector,
        finish: Callable[[str], str],
    ) -> richtext.Rich:
        def missing(cite: CitationItem) -> str:
            return f"[unknown: {to_external.get(cite.key, cite.key)}]"

        suppress = [
            source.get(c.key)
            for c, item in zip(citation.cites, cluster.items, strict=True)
            if item.suppress_author or item.author_only
        ]
        author_only = bool(cluster.items) and all(i.author_only for i in cluster.items)
        with collector.catching(f"citation {self._describe(cluster)}"):
            try:
                if author_only:
                    return self._author_only(bib, citation, suppress, missing)
                with _suppressed(suppress):
                    html = bib.cite(citation, missing)
            except (
                TypeError,
                ValueError,
                KeyError,
                AttributeError,
                IndexError,
                VariableError,
            ) as exc:
                collector.messages.append(
                    f"citeproc-py failed on citation {self._describe(cluster)}: {exc!r}"
                )
                return richtext.Text("[citation failed]")
        return richtext.from_html(finish(_strip_sentinel(str(html))))

    @staticmethod
    def _author_only(
        bib: CitationStylesBibliography,
        citation: Citation,
        references: list[Any],
        missing: Callable[[CitationItem], str],
    ) -> richtext.Rich:
        """The author part: the full cite minus the cite without its author."""
        history = len(bib._cites)
        full = str(bib.cite(citation, missing))
        del bib._cites[history:]
        with _suppressed(references):
            rest = _strip_sentinel(str(bib.cite(citation, missing)))
        start = 0
        while start < min(len(full), len(rest)) and full[start] == rest[start]:
            start += 1
        end = 0
        while end < min(len(full), len(rest)) - start and full[-1 - end] == rest[-1 - end]:
            end += 1
        author = full[start : len(full) - end].strip().rstrip(",:;").strip()
        if not re.sub(r"<[^>]+>", "", author).strip():  # numeric styles print no author
            author = _plain_authors(references)
        return richtext.from_html(author)

    @staticmethod
    def _describe(cluster: Cluster) -> str:
        return "[" + "; ".join("@" + item.id for item in cluster.items) + "]"

    # -- bibliography ------------------------------------------------------
    @staticmethod
    def _bibliography(
        bib: CitationStylesBibliography,
        to_external: Mapping[str, str],
        collector: _Collector,
        finish: Callable[[str], str],
        progress: ProgressCallback | None = None,
    ) -> list[tuple[str, richtext.Rich]]:
        entries: list[tuple[str, richtext.Rich]] = []
        layout = bib.style.root.bibliography.layout
        for item in bib.items:
            if progress is not None:
                progress(1)
            key = to_external.get(item.key, item.key)
            with collector.catching(f"bibliography entry '{key}'"):
                try:
                    rendered = layout.render_bibliography([item])
                except (
                    TypeError,
                    ValueError,
                    KeyError,
                    AttributeError,
                    IndexError,
                    VariableError,
                ) as exc:
                    collector.messages.append(
                        f"citeproc-py failed on bibliography entry '{key}': {exc!r}"
                    )
                    continue
            text = finish(str(rendered[0])) if rendered and rendered[0] is not None else ""
            entries.append((key, richtext.from_html(text)))
        return entries


def _drop_citation_affixes(style: CitationStylesStyle) -> None:
    """Remove ``prefix`` and ``suffix`` from the loaded style's ``cs:citation/cs:layout``."""
    try:
        layout = style.root.citation.layout
    except (AttributeError, IndexError):
        return  # no citation layout: nothing printed around the cites anyway
    for name in ("prefix", "suffix"):
        layout.attrib.pop(name, None)


def _load_style(style_xml: bytes, locale: str | None, collector: _Collector) -> CitationStylesStyle:
    """citeproc-py's style object, checked against the CSL schema once per style.

    Validation is most of the time of a short rendering, and its verdict
    depends only on the style's bytes (and the locale file read with it), so
    the warnings of the first load are kept and repeated on later loads,
    which skip it.
    """
    key = (hashlib.sha1(style_xml, usedforsecurity=False).hexdigest(), locale)
    known = _VALIDATION_WARNINGS.get(key)
    if known is None:
        before = len(collector.messages)
        with collector.catching("style"):
            style = CitationStylesStyle(io.BytesIO(style_xml), locale=locale, validate=True)
        if len(_VALIDATION_WARNINGS) >= _CACHE_LIMIT:
            _VALIDATION_WARNINGS.clear()
        _VALIDATION_WARNINGS[key] = tuple(collector.messages[before:])
        return style
    for message in known:
        if message not in collector.messages:
            collector.messages.append(message)
    with collector.catching("style"):
        return CitationStylesStyle(io.BytesIO(style_xml), locale=locale, validate=False)


_VALIDATION_WARNINGS: dict[tuple[str, str | None], tuple[str, ...]] = {}
_CACHE_LIMIT = 64


def _finisher(punctuation_in_quote: bool) -> Callable[[str], str]:
    """The post-processing citeproc-py's HTML needs for a style and locale."""

    def finish(html: str) -> str:
        html = alternate_nested_quotes(displays_to_html(html))
        return move_punctuation_into_quotes(html) if punctuation_in_quote else html

    return finish


@contextmanager
def _suppressed(references: list[Any]) -> Iterator[None]:
    """Swap each reference's first name variable (or title) for the sentinel."""
    saved: list[tuple[Any, str, Any]] = []
    for reference in references:
        if reference is None:
            continue
        for variable in (*(v.replace("-", "_") for v in _AUTHOR_ORDER), "title"):
            if variable in reference:
                saved.append((reference, variable, reference[variable]))
                if variable == "title":
                    reference[variable] = CiteProcJSON([]).parse_string(_SENTINEL)
                else:
                    reference[variable] = CiteProcJSON([]).parse_names([{"literal": _SENTINEL}])
                break
    try:
        yield
    finally:
        for reference, variable, value in saved:
            reference[variable] = value


def _plain_authors(references: list[Any]) -> str:
    """``Doe``, ``Doe and Roe``, ``Doe et al.``: the fallback author-only text."""
    for reference in references:
        if reference is None:
            continue
        for variable in (v.replace("-", "_") for v in _AUTHOR_ORDER):
            names = reference.get(variable)
            if names:
                families = [str(n.get("family") or n.get("literal") or "") for n in names]
                if len(families) == 1:
                    return escape(families[0])
                if len(families) == 2:
                    return escape(f"{families[0]} and {families[1]}")
                return escape(f"{families[0]} et al.")
    return ""


def _strip_sentinel(html: str) -> str:
    """Cut the sentinel name and the delimiter after it out of rendered HTML."""
    return _SENTINEL_RE.sub(lambda m: m.group(1), html)


__all__ = [
    "CiteprocPyEngine",
    "alternate_nested_quotes",
    "displays_to_html",
    "mark_display",
    "move_punctuation_into_quotes",
    "to_citeproc_item",
]

"""``render()``: a library, a style and citations in; formatted text out.

Everything above the engines goes through here: style and locale
resolution, engine choice, unknown keys, output formats and links.  Problems
in the data or in the style never raise from :func:`render`; they come back
as ``Result.warnings``.  Unknown citation keys are a warning plus a visible
``[unknown: key]`` marker; :func:`check_keys` lets a caller (the CLI) refuse
them up front instead.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from citekit.errors import StyleError, UnknownKeyError, UsageError
from citekit.model import Date, Library, Record
from citekit.ops.query import closest_keys
from citekit.render import quoted, richtext
from citekit.render.richtext import Rich, Span, Text
from citekit.render.types import BibliographyLayout, CiteItem, Cluster, Engine, ProgressCallback
from citekit.styles import (
    DEFAULT_LOCALE,
    DEFAULT_STYLE,
    Style,
    find_style,
    locale_loader,
    resolve_locale,
)
from citekit.suggestions import closest_matches

OutputFormat = Literal["text", "html", "markdown", "latex"]
OUTPUT_FORMATS: tuple[str, ...] = ("text", "html", "markdown", "latex")

DEFAULT_ENGINE = "citekit"
"""The engine :func:`render` uses when none is named."""

ENGINES: dict[str, str] = {
    "citeproc-py": "citekit.render.citeproc_py:CiteprocPyEngine",
    "citekit": "citekit.render.csl.engine:CslEngine",
}
"""Engine name -> ``module:Class``; imported only when used."""


# ---------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------


def _engine_class(name: str) -> type[Any] | None:
    target = ENGINES.get(name)
    if target is None:
        return None
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    cls = getattr(module, class_name, None)
    return cls if isinstance(cls, type) else None


def available_engines() -> list[str]:
    """The registered engines that can be imported here."""
    return [name for name in ENGINES if _engine_class(name) is not None]


def get_engine(name: str | Engine | None = None) -> Engine:
    """An engine instance by name (default :data:`DEFAULT_ENGINE`)."""
    if name is not None and not isinstance(name, str):
        return name
    wanted = name or DEFAULT_ENGINE
    cls = _engine_class(wanted)
    if cls is None:
        known = available_engines()
        if wanted in ENGINES:
            raise UsageError(f"engine '{wanted}' is not available here; "
                             f"available: {', '.join(known)}")
        raise UsageError(f"unknown engine '{wanted}'",
                         suggestions=closest_matches(wanted, known) or known)
    engine: Engine = cls()
    return engine


# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BibEntry:
    """One bibliography entry: its record id, rich tree and formatted text."""

    id: str
    rich: Rich
    text: str


@dataclass
class Result:
    """What :func:`render` returns.

    ``citations`` are the formatted clusters in the order given and
    ``citation_trees`` the same as rich text; ``bibliography`` the entries
    in the style's order; ``output`` the format they are in.
    """

    citations: list[str] = field(default_factory=list)
    citation_trees: list[Rich] = field(default_factory=list)
    bibliography: list[BibEntry] = field(default_factory=list)
    layout: BibliographyLayout = field(default_factory=BibliographyLayout)
    warnings: list[str] = field(default_factory=list)
    unknown_keys: list[str] = field(default_factory=list)
    output: str = "text"
    style: Style | None = None
    locale: str = DEFAULT_LOCALE
    engine: str = DEFAULT_ENGINE

    @property
    def bibliography_ids(self) -> list[str]:
        return [entry.id for entry in self.bibliography]

    @property
    def bibliography_texts(self) -> list[str]:
        return [entry.text for entry in self.bibliography]

    def to_json(self) -> dict[str, Any]:
        return {
            "style": self.style.id if self.style else None,
            "locale": self.locale,
            "engine": self.engine,
            "format": self.output,
            "citations": list(self.citations),
            "bibliography": [{"id": e.id, "text": e.text} for e in self.bibliography],
            "layout": {
                "hanging-indent": self.layout.hanging_indent,
                "second-field-align": self.layout.second_field_align,
                "entry-spacing": self.layout.entry_spacing,
                "line-spacing": self.layout.line_spacing,
            },
            "warnings": list(self.warnings),
            "unknown-keys": list(self.unknown_keys),
        }


def serialise(rich: Rich, output: str) -> str:
    """One rich tree in an output format (``text``, ``html``, ``markdown``, ``latex``)."""
    if output == "text":
        return richtext.to_text(rich).strip("\n")
    if output == "html":
        return richtext.to_html(rich)
    if output == "markdown":
        return richtext.to_markdown(rich).strip("\n")
    if output == "latex":
        return richtext.to_latex(rich).strip("\n")
    raise UsageError(f"unknown output format '{output}'; known: {', '.join(OUTPUT_FORMATS)}")


# ---------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------

_LINKABLE = re.compile(
    r"(?P<url>https?://[^\s<>\"]+[^\s<>\".,;:\]])"
    r"|(?P<doi>\b(?:doi:\s?)?10\.\d{4,9}/[^\s<>\"]+[^\s<>\".,;:\]])",
    re.IGNORECASE,
)
_TRAILING = ".,;:]"


def _link_end(found: str) -> int:
    """Where a URL or DOI found in text really ends.

    A closing parenthesis belongs to it only when it closes one opened inside
    it (``wiki/Foo_(bar)``), not the sentence's (``(see https://x.org)``);
    punctuation left at the end after cutting one goes too.
    """
    end = len(found)
    while end:
        last = found[end - 1]
        unbalanced = last == ")" and found.count("(", 0, end) < found.count(")", 0, end)
        if not (last in _TRAILING or unbalanced):
            break
        end -= 1
    return end


def linkify(rich: Rich) -> Rich:
    """Turn URLs and DOIs in the text into link spans (DOIs point at doi.org)."""
    if isinstance(rich, Span):
        if rich.link:
            return rich
        return replace(rich, children=tuple(linkify(c) for c in rich.children))
    text = rich.text
    pieces: list[Rich] = []
    position = 0
    for match in _LINKABLE.finditer(text):
        found = match.group(0)[:_link_end(match.group(0))]
        if re.fullmatch(r"https?://|(?:doi:\s?)?10\.\d{4,9}/", found, re.IGNORECASE):
            continue  # nothing left but a scheme or a DOI prefix
        if match.start() > position:
            pieces.append(Text(text[position:match.start()]))
        if match["url"]:
            target = found
        else:
            doi = re.sub(r"^doi:\s?", "", found, flags=re.IGNORECASE)
            target = f"https://doi.org/{doi}"
        pieces.append(Span((Text(found),), link=target))
        position = match.start() + len(found)
    if not pieces:
        return rich
    if position < len(text):
        pieces.append(Text(text[position:]))
    return Span(tuple(pieces))


# ---------------------------------------------------------------------------
# Items, keys and clusters
# ---------------------------------------------------------------------------


def engine_item(record: Record) -> dict[str, Any]:
    """A record as CSL-JSON for an engine: string id, dates as ``date-parts``."""
    item = record.to_json()
    item["id"] = record.key
    for variable, value in record.fields.items():
        if isinstance(value, Date):
            resolved = value.resolved
            data: dict[str, Any] = {}
            if resolved.parts:
                data["date-parts"] = [list(p) for p in resolved.parts]
            if value.literal is not None:
                data["literal"] = value.literal
            elif not resolved.parts and value.raw:
                data["raw"] = value.raw
            if resolved.season is not None:
                data["season"] = resolved.season
            if resolved.circa:
                data["circa"] = True
            item[variable] = data
    return item


def unknown_keys(library: Library, citations: Iterable[Cluster] | None) -> list[str]:
    """Cited keys the library lacks, each once, in order of appearance."""
    missing: dict[str, None] = {}
    for cluster in citations or ():
        for item in cluster.items:
            if item.id not in library:
                missing.setdefault(item.id)
    return list(missing)


def check_keys(library: Library, citations: Iterable[Cluster] | None) -> None:
    """Raise :class:`UnknownKeyError` (with suggestions) for the first unknown key."""
    missing = unknown_keys(library, citations)
    if not missing:
        return
    key = missing[0]
    more = f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if len(missing) > 1 else ""
    raise UnknownKeyError(f"no entry '{key}' in the library{more}",
                          suggestions=closest_keys(key, library.keys()))


def as_clusters(citations: Sequence[Cluster] | Sequence[str] | None) -> list[Cluster]:
    """Clusters from clusters or from bare keys (one single-cite cluster each)."""
    out: list[Cluster] = []
    for citation in citations or ():
        if isinstance(citation, Cluster):
            out.append(citation)
        else:
            out.append(Cluster(items=(CiteItem(id=str(citation)),)))
    return out


def _unknown_marker(key: str) -> Rich:
    return Span((Text(f"[unknown: {key}]"),), bold=True)


# ---------------------------------------------------------------------------
# render
# ---------------------------------------------------------------------------


def _resolve_style(style: str | Path | Style, warnings: list[str]) -> Style | None:
    try:
        return find_style(style)
    except StyleError as exc:
        warnings.append(str(exc))
        return None


def render(
    library: Library,
    style: str | Path | Style = DEFAULT_STYLE,
    *,
    citations: Sequence[Cluster] | None = None,
    locale: str | None = None,
    output: str = "text",
    engine: str | Engine | None = None,
    link: bool = False,
    bibliography: bool = True,
    bibliography_keys: Sequence[str] | None = None,
    include_quotations: bool = False,
    progress: ProgressCallback | None = None,
) -> Result:
    """Format citations and a bibliography in a CSL style.

    Args:
        library: the records to cite.
        style: a style name (``apa``), a ``.csl`` path or a :class:`Style`.
        citations: clusters in document order; positions (ibid, subsequent)
            follow from that order.
        locale: overrides the style's default locale (``de-DE``).
        output: ``text``, ``html``, ``markdown`` or ``latex``.
        engine: an engine name or instance (default :data:`DEFAULT_ENGINE`).
        link: turn DOIs and URLs into links where the format has them.
        bibliography: also render the bibliography.
        bibliography_keys: the bibliography's entries (plus everything
            cited); None means the whole library.
        include_quotations: also list quotation records in the
            bibliography.  By default a quotation quoted in a record of the
            library is left out of it (unless named in ``bibliography_keys``)
            and the work that quotes it stands for it.
        progress: called as bibliography entries are done (``progress(n)``
            for ``n`` more), adding up to the number the engine rendered;
            for a progress bar.

    A cite of a quotation record (docs/quotations.md) renders as the
    statement's citation, "quoted in" and the quoting work's citation, in
    any style and with any engine (:mod:`citekit.render.quoted`).

    Unknown styles and engines raise (the caller asked for something that
    does not exist); everything wrong in the data or style becomes a warning.

    Example:
        >>> lib = Library.from_json([{"id": "a", "type": "book", "title": "T",
        ...     "author": [{"family": "Doe", "given": "J."}],
        ...     "issued": {"date-parts": [[2000]]}}])
        >>> render(lib, "apa", citations=[Cluster((CiteItem("a"),))]).citations
        ['(Doe, 2000)']
    """
    if output not in OUTPUT_FORMATS:
        raise UsageError(f"unknown output format '{output}'; known: {', '.join(OUTPUT_FORMATS)}")
    the_engine = get_engine(engine)
    warnings: list[str] = []
    the_style = _resolve_style(style, warnings)
    clusters = as_clusters(citations)
    missing = unknown_keys(library, clusters)
    result = Result(output=output, style=the_style, engine=the_engine.name,
                    unknown_keys=missing, warnings=warnings)
    for key in missing:
        hint = closest_keys(key, library.keys())
        warnings.append(f"unknown citation key '{key}'"
                        + (f" (did you mean: {', '.join(hint)}?)" if hint else ""))
    wanted_locale = locale or (the_style.default_locale if the_style else None) or DEFAULT_LOCALE
    result.locale = resolve_locale(wanted_locale, fallback=False) or wanted_locale
    if locale and resolve_locale(locale, fallback=False) is None:
        warnings.append(f"no locale file for '{locale}'; falling back to {DEFAULT_LOCALE}")
    if the_style is None:
        _fallback_citations(result, clusters)
        return result

    known_clusters = [
        replace(cluster, items=tuple(i for i in cluster.items if i.id in library))
        for cluster in clusters
    ]
    items = [engine_item(record) for record in library]
    expansion = quoted.expand(library, [c for c in known_clusters if c.items])
    warnings.extend(expansion.warnings)
    bib_ids: list[str] | None = None
    if bibliography_keys is not None:
        bib_ids = [k for k in bibliography_keys if k in library]
        for key in bibliography_keys:
            if key not in library and key not in missing:
                missing.append(key)
                warnings.append(f"unknown bibliography key '{key}'")
    elif not include_quotations:
        bib_ids = quoted.bibliography_default(library)
    if bib_ids is not None:
        bib_ids += [k for k in expansion.quoting_works if k not in bib_ids]
    layout = quoted.citation_layout(the_style.xml)
    hidden: frozenset[str] = frozenset() if include_quotations else quoted.hidden_entries(
        expansion, bibliography_keys, layout)
    try:
        produced = the_engine.process(
            items, the_style.xml, expansion.stream,
            locale=result.locale, locale_loader=locale_loader,
            bibliography=bibliography, bibliography_ids=bib_ids, progress=progress,
        )
    except Exception as exc:  # an engine bug must not take the document down
        warnings.append(f"engine '{the_engine.name}' failed: {exc!r}")
        _fallback_citations(result, clusters)
        return result
    warnings.extend(produced.warnings)
    result.layout = produced.layout
    trees = _quoted_trees(the_engine, items, the_style.xml, expansion, produced.citations,
                          result.locale, layout, bib_ids, warnings)

    rendered = iter(trees)
    for cluster, known in zip(clusters, known_clusters, strict=True):
        parts: list[Rich] = []
        if known.items:
            parts.append(next(rendered, None) or _fallback(known))
        parts.extend(_unknown_marker(i.id) for i in cluster.items if i.id not in library)
        tree: Rich = parts[0] if len(parts) == 1 else _join(parts)
        if link:
            tree = linkify(tree)
        result.citation_trees.append(tree)
        result.citations.append(serialise(tree, output))
    for key, tree in produced.bibliography:
        if key in hidden:
            continue  # a quotation: the work quoting it is listed instead
        if not richtext.plain(tree).strip():
            # e.g. personal communications, which author-date styles leave out
            warnings.append(f"entry '{key}' has no printed form in this style; left out")
            continue
        if link:
            tree = linkify(tree)
        result.bibliography.append(BibEntry(key, tree, serialise(tree, output)))
    return result


def _quoted_trees(engine: Engine, items: Sequence[Mapping[str, Any]], style_xml: bytes,
                  expansion: quoted.Expansion, citations: Sequence[Rich], locale: str,
                  layout: quoted.CitationLayout, bib_ids: Sequence[str] | None,
                  warnings: list[str]) -> list[Rich | None]:
    """One tree per engine cluster, "quoted in" citations put together from their pieces.

    The pieces come from a second run of the same stream with markers for
    the layout affixes (:func:`citekit.render.quoted.marked_style`) and the
    same bibliography items (which disambiguation depends on); if that run
    fails, the affixes are cut off the first run's text instead.
    """
    if not expansion.expanded:
        return list(citations)
    marked: list[Rich] | None = None
    try:
        marked = engine.process(items, quoted.marked_style(style_xml), expansion.stream,
                                locale=locale, locale_loader=locale_loader,
                                bibliography=False, bibliography_ids=bib_ids).citations
    except Exception as exc:  # the first run worked: keep its pieces
        warnings.append(f"engine '{engine.name}' failed on \"quoted in\" pieces: {exc!r}")
    words = quoted.locale_words(style_xml, locale, locale_loader)
    return quoted.assemble(expansion, citations, marked, layout, words, warnings)


def _fallback(cluster: Cluster) -> Rich:
    """What a cluster shows when the engine could not render it: its keys."""
    return Text("[" + "; ".join("@" + item.id for item in cluster.items) + "]")


def _fallback_citations(result: Result, clusters: Sequence[Cluster]) -> None:
    """Keep one citation per cluster even when nothing could be rendered."""
    for cluster in clusters:
        tree = _fallback(cluster)
        result.citation_trees.append(tree)
        result.citations.append(serialise(tree, result.output))


def _join(parts: list[Rich]) -> Rich:
    joined: list[Rich] = []
    for index, part in enumerate(parts):
        if index:
            joined.append(Text("; "))
        joined.append(part)
    return Span(tuple(joined))


# ---------------------------------------------------------------------------
# Conveniences
# ---------------------------------------------------------------------------


def bibliography(library: Library, style: str | Path | Style = DEFAULT_STYLE, *,
                 keys: Sequence[str] | None = None, locale: str | None = None,
                 output: str = "text", engine: str | Engine | None = None,
                 link: bool = False, include_quotations: bool = False) -> list[str]:
    """The formatted bibliography entries of ``keys`` (default: the whole library)."""
    result = render(library, style, locale=locale, output=output, engine=engine, link=link,
                    bibliography_keys=keys, include_quotations=include_quotations)
    return result.bibliography_texts


def cite(library: Library, keys_or_cluster: str | Sequence[str] | Cluster,
         style: str | Path | Style = DEFAULT_STYLE, *, locale: str | None = None,
         output: str = "text", engine: str | Engine | None = None,
         link: bool = False) -> str:
    """One formatted citation of a key, several keys (one cluster), or a cluster."""
    if isinstance(keys_or_cluster, Cluster):
        cluster = keys_or_cluster
    elif isinstance(keys_or_cluster, str):
        cluster = Cluster(items=(CiteItem(id=keys_or_cluster),))
    else:
        cluster = Cluster(items=tuple(CiteItem(id=k) for k in keys_or_cluster))
    result = render(library, style, citations=[cluster], locale=locale, output=output,
                    engine=engine, link=link, bibliography=False)
    return result.citations[0] if result.citations else ""


def library_from_items(items: Iterable[Mapping[str, Any]]) -> Library:
    """A library from CSL-JSON items (a shortcut for tests and scripts)."""
    return Library.from_json(items)


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "OUTPUT_FORMATS",
    "BibEntry",
    "Result",
    "as_clusters",
    "available_engines",
    "bibliography",
    "check_keys",
    "cite",
    "closest_keys",
    "engine_item",
    "get_engine",
    "linkify",
    "render",
    "serialise",
    "unknown_keys",
]

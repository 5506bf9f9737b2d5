"""``render()``: a library, a style and citations in; formatted text out.

Everything above the engines goes through here: style and locale
resolution, engine choice, unknown keys, output formats and links.  Problems
in the data or in the style never raise from :func:`render`; they come back
as ``Result.warnings`` (text, as the CLI prints them) and ``Result.problems``
(the same as :class:`~citekit.render.types.Problem` objects: a code, the key,
suggestions).  Unknown citation keys are a problem plus a visible
``[unknown: key]`` marker; ``strict=True`` (or :func:`check_keys`) refuses them
up front instead.

Keys are accepted with or without pandoc's ``@`` everywhere, and a citation
may be given as pandoc citation text (``"[see @a, p. 33; -@b]"``), a key, a
:class:`CiteItem` or a :class:`Cluster` (:func:`to_cluster`).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from citekit.base.collector import cycle_collection_paused
from citekit.base.patterns import lazy_pattern
from citekit.base.suggestions import closest_matches
from citekit.errors import CitationSyntaxError, StyleError, UnknownKeyError, UsageError
from citekit.formats.citesyntax import (
    StyleTerms,
    parse_cluster,
    parse_in_text,
    style_locator_terms,
)
from citekit.model.records import Date, Library, Record
from citekit.ops.entrysets import entry_set_members
from citekit.render import richtext
from citekit.render.intext import (
    author_in_text_applies,
    author_name,
    capitalise_note,
    suppress_in_text_author,
)
from citekit.render.output import (
    OUTPUT_FORMATS,
    BibEntry,
    Result,
    format_bibliography,
    serialise,
)
from citekit.render.quoted import EngineRun, QuotedInPass
from citekit.render.richtext import Rich, Span, Text
from citekit.render.types import (
    AUTHOR_SUBSTITUTE,
    DEFAULT_ENGINE,
    PARALLEL_BIBLIOGRAPHY,
    CiteItem,
    Cluster,
    Engine,
    Problem,
    ProgressCallback,
    supports,
)
from citekit.styles.catalog import (
    CSL_NS,
    DEFAULT_LOCALE,
    DEFAULT_STYLE,
    Style,
    find_style,
    locale_loader,
    resolve_locale,
)

if TYPE_CHECKING:  # loaded on first use (see __getattr__): only a miss needs suggestions
    from citekit.ops.query import closest_keys

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
        with cycle_collection_paused():  # an import makes no garbage worth a collection
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
            raise UsageError(
                f"engine '{wanted}' is not available here; available: {', '.join(known)}"
            )
        raise UsageError(
            f"unknown engine '{wanted}'", suggestions=closest_matches(wanted, known) or known
        )
    engine: Engine = cls()
    return engine


# ---------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------

# A DOI may hold < and > (the SICI DOIs of older Wiley papers:
# 10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P), written bare,
# after doi: or as a doi.org URL; in any other URL they are delimiters
# (RFC 3986, and the common <https://...>), so it stops there.
_LINKABLE = lazy_pattern(
    globals(),
    r"(?P<doi>(?P<resolver>https?://(?:dx\.)?doi\.org/|\bdoi:\s?|\b)"
    r"(?P<name>10\.\d{4,9}/[^\s\"]+[^\s\".,;:\]<]))"
    r"|(?P<url>https?://[^\s<>\"]+[^\s<>\".,;:\]])",
    re.IGNORECASE,
)
_TRAILING = ".,;:]"
_CLOSERS = {")": "(", ">": "<"}


def _link_end(found: str) -> int:
    """Where a URL or DOI found in text really ends.

    A closing parenthesis (or, in a DOI, ``>``) belongs to it only when it
    closes one opened inside it (``wiki/Foo_(bar)``, ``19:4<377::AID>3.0``),
    not the sentence's (``(see https://x.org)``, ``<doi:10.1000/x>``);
    punctuation left at the end after cutting one goes too.
    """
    end = len(found)
    while end:
        last = found[end - 1]
        opener = _CLOSERS.get(last)
        unbalanced = opener is not None and found.count(opener, 0, end) < found.count(last, 0, end)
        if not (last in _TRAILING or unbalanced):
            break
        end -= 1
    return end


# The DOI Handbook's characters to percent-encode in a DOI used in a URL; "%"
# only where it does not already start an escape (a doi.org URL may be written
# encoded), so that every output format gets a valid link target.
_DOI_UNSAFE = lazy_pattern(globals(), r"%(?![0-9A-Fa-f]{2})|[<>#\"? ]")


def _doi_target(resolver: str, name: str) -> str:
    """The link of a DOI found as ``resolver`` + ``name``, the name percent-encoded."""
    base = resolver if resolver.lower().startswith("http") else "https://doi.org/"
    return base + _DOI_UNSAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", name)


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
        found = match.group(0)[: _link_end(match.group(0))]
        if re.fullmatch(
            r"https?://|(?:https?://(?:dx\.)?doi\.org/|doi:\s?)?10\.\d{4,9}/", found, re.IGNORECASE
        ):
            continue  # nothing left but a scheme or a DOI prefix
        if match.start() > position:
            pieces.append(Text(text[position : match.start()]))
        if match["url"]:
            target = found
        else:
            resolver = match["resolver"]
            target = _doi_target(resolver, found[len(resolver) :])
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
    from citekit.ops.query import closest_keys

    raise UnknownKeyError(
        f"no entry '{key}' in the library{more}", suggestions=closest_keys(key, library.keys())
    )


CitationInput = Cluster | CiteItem | str | Sequence[str | CiteItem]
"""What :func:`cite` and :func:`render` take for one citation.

A :class:`Cluster`; one :class:`CiteItem`; pandoc citation text with or
without its brackets (``"[see @a, p. 33; -@b]"``, ``"@a, p. 33"``); a bare
key (``"a"``); or a list of keys, cite texts and items, one cluster.
"""


def normalise_key(key: str, library: Library | None = None) -> str:
    """A citation key as the library spells it: pandoc's leading ``@`` dropped.

    The CLI and documents write ``@key``, CSL-JSON and BibTeX write ``key``;
    the API takes both.  A key that really starts with ``@`` in the library
    is kept as it is.
    """
    if key.startswith("@") and len(key) > 1 and (library is None or key not in library):
        return key[1:]
    return key


def normalise_keys(keys: Iterable[str], library: Library | None = None) -> list[str]:
    """:func:`normalise_key` over many keys."""
    return [normalise_key(str(key), library) for key in keys]


_PREFIX_TAIL = "\"'\u201d\u2019\u00bb\u202f\u00a0 "
"""Closing quotes and spaces looked through when deciding whether a prefix needs a space."""

_PREFIX_NEEDS_SPACE = lazy_pattern(globals(), r"[^\W_]$|[&.,;:!?)\]]$")
_SUFFIX_NEEDS_SPACE = lazy_pattern(globals(), r"[^\W_]|[&(\[\u201c\u2018]")


def space_prefix(prefix: str | None) -> str | None:
    """A cite's prefix with the space a reader expects between it and the citation.

    The rule is citeproc-js's (pandoc's parser always ends a prefix with a
    space, so both agree on parsed text): a prefix ending in a letter, a
    digit, ``&``, sentence punctuation or a closing bracket (closing quotes
    looked through) gets one space after it; one ending in a space or an
    opening bracket or quote gets none (``"("``, ``"“"``).  Runs of white
    space become one space.  ``"see"`` -> ``"see "``.
    """
    if not prefix:
        return None
    # White space first becomes single spaces, so that a tab or a carriage
    # return is looked through as a space is ("0\r\"" reads as "0 \"").
    prefix = re.sub(r"\s+", " ", prefix)
    core = prefix.rstrip(_PREFIX_TAIL)
    spaced = prefix + " " if _PREFIX_NEEDS_SPACE.search(core) else prefix
    return spaced.replace("  ", " ")


def space_suffix(suffix: str | None) -> str | None:
    """A cite's suffix with the space a reader expects between the citation and it.

    One space goes before a suffix that starts with a letter, a digit,
    ``&``, an opening bracket or an opening quote (``"emphasis added"`` ->
    ``" emphasis added"``); a suffix starting with a space or with
    punctuation (``", emphasis added"``) is kept as given.  This is
    citeproc-js's rule, widened to digits as pandoc does.
    """
    if not suffix:
        return None
    return " " + suffix if _SUFFIX_NEEDS_SPACE.match(suffix) else suffix


def normalise_item(item: CiteItem, library: Library | None = None) -> CiteItem:
    """A cite with its key without ``@`` (:func:`normalise_key`) and its affixes spaced."""
    key = normalise_key(item.id, library)
    prefix, suffix = space_prefix(item.prefix), space_suffix(item.suffix)
    if (key, prefix, suffix) == (item.id, item.prefix, item.suffix):
        return item
    return replace(item, id=key, prefix=prefix, suffix=suffix)


def _parse_text(
    text: str, library: Library | None, locale: str, style_terms: StyleTerms = ()
) -> list[CiteItem]:
    """The cites of pandoc citation text, or one cite when the text is a bare key."""
    stripped = text.strip()
    if "@" not in stripped or (library is not None and stripped in library):
        if not stripped:
            raise UsageError("an empty citation: give a key or pandoc citation text")
        return [CiteItem(stripped)]
    try:
        # pandoc's author-in-text form reads as its cites here; :func:`cite`
        # also puts the author before them
        in_text = parse_in_text(stripped, locale, style_terms=style_terms)
        if in_text is not None:
            return list(in_text.items)
        return list(parse_cluster(stripped, locale, style_terms=style_terms).items)
    except CitationSyntaxError as exc:
        raise UsageError(f"cannot read the citation {text!r}: {exc}") from exc


def to_cluster(
    citation: CitationInput,
    library: Library | None = None,
    locale: str = DEFAULT_LOCALE,
    *,
    style_terms: StyleTerms = (),
) -> Cluster:
    """One cluster from any :data:`CitationInput`, keys normalised and affixes spaced.

    ``locale`` is the one whose terms name locators in citation text
    (``p.``, ``chap.``, ``S.``), together with the style's own
    (``style_terms``: :func:`~citekit.formats.citesyntax.style_locator_terms`,
    IEEE's ``ch.``).  Text that cannot be read raises :class:`UsageError`
    saying why.
    """
    if isinstance(citation, Cluster):
        cluster = citation
    elif isinstance(citation, CiteItem):
        cluster = Cluster((citation,))
    elif isinstance(citation, str):
        cluster = Cluster(tuple(_parse_text(citation, library, locale, style_terms)))
    else:
        items: list[CiteItem] = []
        for part in citation:
            if isinstance(part, CiteItem):
                items.append(part)
            elif isinstance(part, str):
                items.extend(_parse_text(part, library, locale, style_terms))
            else:
                raise UsageError(
                    f"a citation part must be a key, citation text or a "
                    f"CiteItem, not {type(part).__name__}"
                )
        cluster = Cluster(tuple(items))
    items_out = tuple(normalise_item(item, library) for item in cluster.items)
    return cluster if items_out == cluster.items else replace(cluster, items=items_out)


def as_clusters(
    citations: Sequence[CitationInput] | CitationInput | None,
    library: Library | None = None,
    locale: str = DEFAULT_LOCALE,
    *,
    style_terms: StyleTerms = (),
) -> list[Cluster]:
    """Clusters from clusters, cite items, citation text or bare keys (one cluster each).

    One citation given on its own (a string, a cite or a cluster rather than
    a list of them) is one cluster, not a cluster per character.
    """
    if isinstance(citations, (str, CiteItem, Cluster)):
        citations = [citations]
    return [
        to_cluster(citation, library, locale, style_terms=style_terms)
        for citation in citations or ()
    ]


# ---------------------------------------------------------------------------
# biblatex sets
# ---------------------------------------------------------------------------


def entry_sets(library: Library) -> dict[str, tuple[str, ...]]:
    """Each biblatex ``@set`` of the library that can stand for its members: key -> members.

    Only the members present in the library count; a set none of whose
    members is present is left out, so it stays an ordinary (empty) record
    that ``citekit check`` reports.  CSL has no set type, so a set is cited
    as its members, one after another, and never listed itself
    (docs/bibtex-import.md, "Entry sets").
    """
    sets: dict[str, tuple[str, ...]] = {}
    for record in library:
        members = entry_set_members(record)
        if members is None:
            continue
        present = tuple(
            m for m in members if m in library and entry_set_members(library[m]) is None
        )
        if present:
            sets[record.key] = present
    return sets


def _set_cites(item: CiteItem, members: Sequence[str]) -> list[CiteItem]:
    """A cite of a set as cites of its members.

    The prefix goes before the first member and the locator and suffix
    after the last, so ``[see @set, p. 3]`` reads as one cite; author
    suppression applies to every member.
    """
    last = len(members) - 1
    return [
        replace(
            item,
            id=member,
            prefix=item.prefix if index == 0 else None,
            locator=item.locator if index == last else None,
            label=item.label if index == last else None,
            suffix=item.suffix if index == last else None,
        )
        for index, member in enumerate(members)
    ]


def expand_sets(
    clusters: Sequence[Cluster],
    sets: Mapping[str, Sequence[str]],
    warnings: list[str] | None = None,
) -> list[Cluster]:
    """``clusters`` with every cite of a set (see :func:`entry_sets`) replaced by its members.

    A locator on a set can only go with one member (the last); a style
    that sorts cites may then print it mid-cluster, so ``warnings`` (when
    given) says which member took it.
    """
    if not sets:
        return list(clusters)
    out: list[Cluster] = []
    for cluster in clusters:
        items: list[CiteItem] = []
        for item in cluster.items:
            members = sets.get(item.id)
            if not members:
                items.append(item)
                continue
            if item.locator and len(members) > 1 and warnings is not None:
                warnings.append(
                    f"the locator of set '{item.id}' goes with its last member '{members[-1]}'"
                )
            items.extend(_set_cites(item, members))
        out.append(replace(cluster, items=tuple(items)))
    return out


def set_closure(library: Library, keys: Iterable[str]) -> list[str]:
    """``keys`` plus the members of the sets among them, once each, in order.

    For callers that render a subset of a library (a document's cited
    records): a set is cited as its members, so they must come along.
    """
    sets = entry_sets(library)
    out: dict[str, None] = {}
    for key in keys:
        out.setdefault(key)
        for member in sets.get(key, ()):
            out.setdefault(member)
    return list(out)


def _unknown_marker(key: str) -> Rich:
    return Span((Text(f"[unknown: {key}]"),), bold=True)


# ---------------------------------------------------------------------------
# render
# ---------------------------------------------------------------------------


class _Report:
    """The warnings of one render as text and, one for one, as :class:`Problem` objects."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self._typed: dict[str, Problem] = {}

    def add(self, problem: Problem) -> None:
        self.warnings.append(problem.message)
        self._typed.setdefault(problem.message, problem)

    def problems(self) -> list[Problem]:
        """Every warning as a problem; those no code path typed are ``warning``."""
        return [self._typed.get(w) or Problem("warning", w) for w in self.warnings]


def _style_terms(style: Style | None, locale: str) -> StyleTerms:
    """The style's own locator labels for ``locale``, which pandoc reads citations with."""
    return style_locator_terms(style.xml, locale) if style is not None else ()


def _resolve_style(style: str | Path | Style, report: _Report) -> Style | None:
    try:
        return find_style(style)
    except StyleError as exc:
        report.add(Problem("style", str(exc)))
        return None


def _nocite(nocite: str | Iterable[str] | None, library: Library) -> tuple[bool, list[str]]:
    """pandoc's ``nocite``: whether it asks for every record (``*`` or ``@*``), and its keys."""
    if nocite is None:
        return False, []
    raw = [nocite] if isinstance(nocite, str) else list(nocite)
    keys: list[str] = []
    for entry in raw:  # "@a, @b" and "@a; @b" as pandoc's metadata holds them
        keys.extend(k for k in re.split(r"[\s,;]+", str(entry)) if k)
    every = any(k in ("*", "@*") for k in keys)
    return every, [k for k in dict.fromkeys(normalise_keys(keys, library)) if k != "*"]


def _bibliography_keys(
    library: Library,
    clusters: Sequence[Cluster],
    bibliography_keys: Sequence[str] | None,
    nocite: str | Iterable[str] | None,
    bibliography: bool = True,
) -> list[str] | None:
    """What the bibliography lists beyond the cited works; None: the whole library.

    pandoc's rule: with citations, the cited works plus ``nocite``; ``*``
    in ``nocite`` means every record.  With neither citations nor
    ``nocite`` (``citekit bib``), the whole library, as before.

    The same keys are the works names and titles are disambiguated
    against, so when no bibliography is asked for and nothing narrows it
    (:func:`cite`, ``citekit cite``) the whole library stays that context,
    as it always was: a citation of one of two works by an author still
    says which one.
    """
    every, extra = _nocite(nocite, library)
    if every:
        return None
    if bibliography_keys is not None:
        named = normalise_keys(bibliography_keys, library)
        return list(dict.fromkeys([*named, *extra]))
    if nocite is not None or (clusters and bibliography):
        return extra
    return None


def unknown_key_problem(key: str, library: Library, what: str = "citation") -> Problem:
    """The problem for a key the library lacks, with the closest keys as suggestions."""
    from citekit.ops.query import closest_keys

    hint = tuple(closest_keys(key, library.keys()))
    message = f"unknown {what} key '{key}'"
    if what == "citation" and hint:
        message += f" (did you mean: {', '.join(hint)}?)"
    return Problem("unknown-key", message, key=key, suggestions=hint)


def render(
    library: Library,
    style: str | Path | Style = DEFAULT_STYLE,
    *,
    citations: Sequence[CitationInput] | CitationInput | None = None,
    locale: str | None = None,
    output: str = "text",
    engine: str | Engine | None = None,
    link: bool = False,
    bibliography: bool = True,
    bibliography_keys: Sequence[str] | None = None,
    nocite: str | Iterable[str] | None = None,
    include_quotations: bool = False,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    author_substitute: bool = True,
    jobs: int = 1,
) -> Result:
    """Format citations and a bibliography in a CSL style.

    Args:
        library: the records to cite.
        style: a style name (``apa``), a ``.csl`` path or a :class:`Style`.
        citations: clusters in document order; positions (ibid, subsequent)
            follow from that order.  Each may be a :class:`Cluster`, a
            :class:`CiteItem`, pandoc citation text (``"[see @a, p. 3]"``)
            or a key (:data:`CitationInput`).
        locale: overrides the style's default locale (``de-DE``).
        output: ``text``, ``html``, ``markdown`` or ``latex``.
        engine: an engine name or instance (default :data:`DEFAULT_ENGINE`).
        link: turn DOIs and URLs into links where the format has them.
        bibliography: also render the bibliography.
        bibliography_keys: the bibliography's entries (plus everything
            cited).  When None, the bibliography holds what pandoc's does:
            the cited works plus ``nocite`` when citations are given, and
            the whole library when neither citations nor ``nocite`` are.
        nocite: keys listed in the bibliography though not cited, as
            pandoc's ``nocite`` metadata (``"@a, @b"`` or a list);
            ``"*"`` lists every record of the library.
        include_quotations: also list quotation records in the
            bibliography.  By default a quotation quoted in a record of the
            library is left out of it (unless named in ``bibliography_keys``)
            and the work that quotes it stands for it.
        strict: raise :class:`UnknownKeyError` (with the closest keys) for
            a cited or listed key the library lacks, instead of rendering
            it as ``[unknown: key]`` with a problem.
        progress: called as bibliography entries are done (``progress(n)``
            for ``n`` more), adding up to the number the engine rendered;
            for a progress bar.
        author_substitute: False ignores the style's
            ``subsequent-author-substitute``, so every entry names its
            authors (for entries printed outside the bibliography's order).
        jobs: processes that may format the bibliography (0: as many as
            there are usable CPUs other processes leave idle).  The
            default 1 never forks: a library call does not start processes
            in its host unasked.  More than 1 is used from 2,000 entries
            (fewer are formatted in this process anyway), on Linux and other
            Unixes with ``fork`` (not macOS or Windows), with an engine that
            can (citekit's); the output is the same, sooner when CPUs are
            free.  Forking a process that runs other threads is only safe
            if they hold no locks the rendering needs.

    Keys may be written with or without pandoc's ``@``.  A cite's prefix
    and suffix are spaced as citeproc-js spaces them (:func:`space_prefix`,
    :func:`space_suffix`): ``CiteItem("a", prefix="see")`` reads "see Doe".

    A cite of a biblatex set (a record read from ``@set``) renders as cites
    of its members, and the set itself is never a bibliography entry: its
    members are (:func:`entry_sets`).

    A cite of a quotation record (docs/quotations.md) renders as the
    statement's citation, "quoted in" and the quoting work's citation, in
    any style and with any engine (:mod:`citekit.render.quoted`).

    Unknown styles and engines raise (the caller asked for something that
    does not exist); everything wrong in the data or style becomes a
    warning and a :class:`Problem` in ``Result.problems``.

    Example:
        >>> lib = Library.from_json([{"id": "a", "type": "book", "title": "T",
        ...     "author": [{"family": "Doe", "given": "J."}],
        ...     "issued": {"date-parts": [[2000]]}}])
        >>> render(lib, "apa", citations=["[see @a, p. 3]"]).citations
        ['(see Doe, 2000, p. 3)']
    """
    if output not in OUTPUT_FORMATS:
        raise UsageError(f"unknown output format '{output}'; known: {', '.join(OUTPUT_FORMATS)}")
    if jobs < 0:
        raise UsageError(f"jobs must be 0 (every idle CPU) or more, not {jobs}")
    the_engine = get_engine(engine)
    report = _Report()
    the_style = _resolve_style(style, report)
    wanted_locale = locale or (the_style.default_locale if the_style else None) or DEFAULT_LOCALE
    resolved_locale = resolve_locale(wanted_locale, fallback=False) or wanted_locale
    syntax_locale = resolve_locale(wanted_locale) or DEFAULT_LOCALE
    clusters = as_clusters(
        citations,
        library,
        syntax_locale,
        style_terms=_style_terms(the_style, syntax_locale) if citations else (),
    )
    bib_keys = _bibliography_keys(library, clusters, bibliography_keys, nocite, bibliography)
    if strict:
        check_keys(library, [*clusters, Cluster(tuple(CiteItem(k) for k in bib_keys or ()))])
    missing = unknown_keys(library, clusters)
    result = Result(
        output=output,
        style=the_style,
        engine=the_engine.name,
        unknown_keys=missing,
        warnings=report.warnings,
        locale=resolved_locale,
    )
    for key in missing:
        report.add(unknown_key_problem(key, library))
    if locale and resolve_locale(locale, fallback=False) is None:
        report.add(
            Problem(
                "unknown-locale",
                f"no locale file for '{locale}'; falling back to {DEFAULT_LOCALE}",
                key=locale,
            )
        )
    if the_style is None:
        _fallback_citations(result, clusters)
        result.problems = report.problems()
        return result
    # Records to items, the quoted-in pass and the output format allocate as
    # much as the engine (which pauses the collector itself): at 50,000
    # entries the collector's scans of the live result were a tenth of the run.
    with cycle_collection_paused():
        _render_with(
            result,
            report,
            library,
            the_style,
            the_engine,
            clusters,
            bibliography=bibliography,
            bibliography_keys=bib_keys,
            link=link,
            include_quotations=include_quotations,
            progress=progress,
            author_substitute=author_substitute,
            jobs=jobs,
        )
    result.problems = report.problems()
    return result


def _render_with(
    result: Result,
    report: _Report,
    library: Library,
    the_style: Style,
    the_engine: Engine,
    clusters: Sequence[Cluster],
    *,
    bibliography: bool,
    bibliography_keys: Sequence[str] | None,
    link: bool,
    include_quotations: bool,
    progress: ProgressCallback | None,
    author_substitute: bool = True,
    jobs: int = 1,
) -> None:
    """Fill ``result`` with what the engine renders (the body of :func:`render`)."""
    warnings = report.warnings
    output = result.output
    missing = result.unknown_keys
    sets = entry_sets(library)
    known_clusters = expand_sets(
        [
            replace(cluster, items=tuple(i for i in cluster.items if i.id in library))
            for cluster in clusters
        ],
        sets,
        warnings,
    )
    items = [engine_item(record) for record in library if record.key not in sets]
    quoted_in = QuotedInPass.prepare(
        library,
        [c for c in known_clusters if c.items],
        named=bibliography_keys,
        include_quotations=include_quotations,
    )
    warnings.extend(quoted_in.warnings)
    bib_ids: list[str] | None = None
    if bibliography_keys is not None:
        bib_ids = set_closure(library, (k for k in bibliography_keys if k in library))
        for key in bibliography_keys:
            if key not in library and key not in missing:
                missing.append(key)
                report.add(unknown_key_problem(key, library, "bibliography"))
    else:
        bib_ids = quoted_in.default_bibliography()
    if bib_ids is not None and sets:
        bib_ids = [k for k in bib_ids if k not in sets]  # a set is listed as its members
    bib_ids = quoted_in.bibliography_ids(bib_ids)
    # names in full: asked of an engine that has the option, else the style loses the attribute
    ask_engine = not author_substitute and supports(the_engine, AUTHOR_SUBSTITUTE)
    keep_style = author_substitute or ask_engine
    style_xml = the_style.xml if keep_style else without_author_substitute(the_style.xml)
    process = partial(the_engine.process, author_substitute=False) if ask_engine else None
    if jobs != 1 and supports(the_engine, PARALLEL_BIBLIOGRAPHY):
        # the capability promises the keyword, which the Engine protocol does not name
        takes_jobs: Any = process or the_engine.process
        process = partial(takes_jobs, jobs=jobs)
    run = EngineRun(the_engine, items, style_xml, result.locale, locale_loader, bib_ids)
    try:
        produced = (process or the_engine.process)(
            items,
            style_xml,
            quoted_in.stream,
            locale=result.locale,
            locale_loader=locale_loader,
            bibliography=bibliography,
            bibliography_ids=bib_ids,
            progress=progress,
        )
    except Exception as exc:  # an engine bug must not take the document down
        report.add(Problem("engine-failed", f"engine '{the_engine.name}' failed: {exc!r}"))
        _fallback_citations(result, clusters)
        return
    warnings.extend(produced.warnings)
    result.layout = produced.layout
    rendered = iter(quoted_in.citations(run, produced.citations, warnings))
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
    listed = quoted_in.bibliography(run, produced.bibliography, warnings) if bibliography else []
    for key, tree in listed:
        if not richtext.plain(tree).strip():
            # e.g. personal communications, which author-date styles leave out
            report.add(
                Problem(
                    "no-printed-form",
                    f"entry '{key}' has no printed form in this style; left out",
                    key=key,
                )
            )
            continue
        if link:
            tree = linkify(tree)
        result.bibliography.append(BibEntry(key, tree, serialise(tree, output)))


_SUBSTITUTE_ATTRIBUTES = ("subsequent-author-substitute", "subsequent-author-substitute-rule")


def without_author_substitute(style_xml: bytes) -> bytes:
    """The style without ``subsequent-author-substitute``, for engines without the option.

    An engine that declares :data:`~citekit.render.types.AUTHOR_SUBSTITUTE`
    is asked with ``author_substitute=False`` instead; one written before
    that option existed gets a copy of the style without the attribute
    (the style itself when it has none or does not parse).
    """
    if b"subsequent-author-substitute" not in style_xml:
        return style_xml
    from lxml import etree  # only engines without the option get here

    try:
        root = etree.fromstring(style_xml, parser=etree.XMLParser(no_network=True))
    except etree.XMLSyntaxError:
        return style_xml
    changed = False
    for element in root.iter(f"{{{CSL_NS}}}bibliography"):
        for name in _SUBSTITUTE_ATTRIBUTES:
            if name in element.attrib:
                del element.attrib[name]
                changed = True
    return etree.tostring(root, encoding="utf-8") if changed else style_xml


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


class EntryText(str):
    """One bibliography entry as its text, carrying its ``id`` and ``rich`` tree.

    A ``str`` so that code written when :func:`bibliography` returned a
    list of strings (``"..." in entries``, ``entry.startswith(...)``) still
    works, and an entry so that new code can read ``entry.id``.
    """

    id: str
    rich: Rich

    def __new__(cls, entry: BibEntry) -> EntryText:
        made = super().__new__(cls, entry.text)
        made.id = entry.id
        made.rich = entry.rich
        return made

    @property
    def text(self) -> str:
        return str.__str__(self)


class Bibliography(Sequence[EntryText]):
    """What :func:`bibliography` returns: the entries, printable as one text.

    ``str()`` (and so ``print``) gives the entries as ``citekit bib``
    prints them (blank lines between them in text and Markdown, one block in
    HTML and LaTeX); iterating, indexing and ``len`` give the entries
    (:class:`EntryText`: a string with ``id``, ``text`` and ``rich``).
    ``warnings`` and ``problems`` are the render's; ``result`` is the whole
    :class:`Result`.  It compares equal to the list of its entries' texts,
    as the list :func:`bibliography` used to return.
    """

    def __init__(self, result: Result) -> None:
        self.result = result
        self._entries = [EntryText(entry) for entry in result.bibliography]

    @property
    def entries(self) -> list[EntryText]:
        return list(self._entries)

    @property
    def ids(self) -> list[str]:
        return [entry.id for entry in self._entries]

    @property
    def warnings(self) -> list[str]:
        return self.result.warnings

    @property
    def problems(self) -> list[Problem]:
        return self.result.problems

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> EntryText: ...

    @overload
    def __getitem__(self, index: slice) -> list[EntryText]: ...

    def __getitem__(self, index: int | slice) -> EntryText | list[EntryText]:
        return self._entries[index]

    def __iter__(self) -> Iterator[EntryText]:
        return iter(self._entries)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Bibliography):
            return [e.text for e in self] == [e.text for e in other]
        if isinstance(other, (list, tuple)):
            return [e.text for e in self] == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, like the list it replaces

    def __str__(self) -> str:
        return format_bibliography(self.result).rstrip("\n")

    def __repr__(self) -> str:
        return f"Bibliography({[e.text for e in self]!r})"


class Citation(str):
    """What :func:`cite` returns: the formatted citation, with what went wrong.

    A ``str`` (the citation as text, in the output format asked for), plus
    ``problems`` (:class:`Problem`: unknown keys with suggestions, ...) and
    ``warnings`` (the same as text), so an unknown key is never only an
    ``[unknown: key]`` marker in the text.
    """

    problems: list[Problem]
    warnings: list[str]
    cluster: Cluster

    def __new__(cls, text: str, cluster: Cluster, result: Result) -> Citation:
        made = super().__new__(cls, text)
        made.cluster = cluster
        made.problems = list(result.problems)
        made.warnings = list(result.warnings)
        return made


def bibliography(
    library: Library,
    style: str | Path | Style = DEFAULT_STYLE,
    *,
    keys: Sequence[str] | None = None,
    locale: str | None = None,
    output: str = "text",
    engine: str | Engine | None = None,
    link: bool = False,
    include_quotations: bool = False,
    strict: bool = False,
    jobs: int = 1,
) -> Bibliography:
    """The formatted bibliography of ``keys`` (default: the whole library).

    Keys may carry pandoc's ``@``.  ``print()`` the result for the text
    ``citekit bib`` prints; iterate it for the entries (each a string with
    ``id`` and ``rich``).  ``strict`` raises :class:`UnknownKeyError` for a
    key the library lacks.  ``jobs`` is :func:`render`'s.

    Example:
        >>> lib = Library.from_json([{"id": "a", "type": "book", "title": "T",
        ...     "author": [{"family": "Doe", "given": "J."}],
        ...     "issued": {"date-parts": [[2000]]}}])
        >>> print(bibliography(lib, "apa"))
        Doe, J. (2000). T.
        >>> [entry.id for entry in bibliography(lib, "apa", keys=["@a"])]
        ['a']
    """
    result = render(
        library,
        style,
        locale=locale,
        output=output,
        engine=engine,
        link=link,
        bibliography_keys=keys,
        include_quotations=include_quotations,
        strict=strict,
        jobs=jobs,
    )
    return Bibliography(result)


def author_trees(
    library: Library, keys: Sequence[str], style: Style, locale: str, engine: str | Engine | None
) -> dict[str, Rich]:
    """Each key's names as the style's author-only cite renders them (one render for all)."""
    if not keys:
        return {}
    # Only the names are wanted: the in-text records alone are enough, and
    # far cheaper than the whole document's items.
    only = render(
        Library(library[k] for k in keys),
        style,
        locale=locale,
        output="text",
        engine=engine,
        bibliography=False,
        citations=[Cluster((CiteItem(k, author_only=True),)) for k in keys],
    )
    return dict(zip(keys, only.citation_trees, strict=True))


def in_text_authors(
    library: Library,
    keys: Sequence[str],
    style: Style,
    locale: str,
    engine: str | Engine | None = None,
) -> dict[str, Rich]:
    """The name printed before each key's author-in-text cite, as documents print it.

    The style's own author rendering, or the family names when the style
    prints none.
    """
    trees = author_trees(library, keys, style, locale, engine)
    return {key: author_name(trees.get(key), library[key], locale) for key in keys}


def finish_standalone_citations(
    result: Result,
    library: Library,
    clusters: Sequence[Cluster],
    narrative: Sequence[bool],
) -> None:
    """Capitalise notes and put authors before author-in-text cites, in place.

    Each cluster standing alone (a ``citekit cite`` argument, a
    :func:`citekit.cite`) is a note of a note style, so it starts with a
    capital; an author-in-text cite gets the name the document renderer
    puts before it (:func:`in_text_authors`), then a space, then the cite.
    """
    style = result.style
    if style is None or len(result.citation_trees) != len(clusters):
        return
    keys = [
        c.items[0].id
        for c, n in zip(clusters, narrative, strict=True)
        if n and c.items and c.items[0].id in library and author_in_text_applies(style)
    ]
    authors = (
        in_text_authors(library, list(dict.fromkeys(keys)), style, result.locale, result.engine)
        if keys
        else {}
    )
    for index, (cluster, tree) in enumerate(zip(clusters, result.citation_trees, strict=True)):
        if style.is_note:
            tree = capitalise_note(tree)
        author = authors.get(cluster.items[0].id) if narrative[index] and cluster.items else None
        if author is not None:
            tree = Span((author, Text(" "), tree))
        result.citation_trees[index] = tree
        result.citations[index] = serialise(tree, result.output)


def cite(
    library: Library,
    citation: CitationInput,
    style: str | Path | Style = DEFAULT_STYLE,
    *,
    locale: str | None = None,
    output: str = "text",
    engine: str | Engine | None = None,
    link: bool = False,
    strict: bool = False,
) -> Citation:
    """One formatted citation.

    ``citation`` is pandoc citation text with or without brackets
    (``"@a, p. 33; @b"``, ``"[see @a, chap. 2]"``, ``"-@a"``), a key with or
    without ``@``, a list of keys (one cluster), a :class:`CiteItem` or a
    :class:`Cluster`.  pandoc's author-in-text form (``"@a [p. 33]"``)
    prints the author before the cite, and a note style's citation starts
    with a capital, as ``citekit cite`` prints them.  The result is a string
    with ``problems`` and ``warnings`` (:class:`Citation`); ``strict`` raises
    :class:`UnknownKeyError` for a key the library lacks instead.

    Example:
        >>> lib = Library.from_json([{"id": "a", "type": "book", "title": "T",
        ...     "author": [{"family": "Doe", "given": "J."}],
        ...     "issued": {"date-parts": [[2000]]}}])
        >>> cite(lib, "[see @a, p. 33]", "apa")
        '(see Doe, 2000, p. 33)'
        >>> cite(lib, "@a [p. 33]", "apa")
        'Doe (2000, p. 33)'
        >>> cite(lib, "b", "apa").problems[0].code
        'unknown-key'
    """
    try:
        the_style: str | Path | Style = find_style(style)
    except StyleError:  # a broken style file: render() reports it as a problem
        the_style = style
    default = the_style.default_locale if isinstance(the_style, Style) else None
    syntax_locale = resolve_locale(locale or default or DEFAULT_LOCALE) or DEFAULT_LOCALE
    terms = _style_terms(the_style if isinstance(the_style, Style) else None, syntax_locale)
    # read once: pandoc's author-in-text form, else whatever to_cluster reads
    written = (
        parse_in_text(citation.strip(), syntax_locale, style_terms=terms)
        if isinstance(citation, str) and citation.strip() not in library
        else None
    )
    in_text = written is not None
    given = list(written.items) if written is not None else citation
    cluster = to_cluster(given, library, syntax_locale, style_terms=terms)
    # the author before the cite, and a note's capital, as ``citekit cite`` prints them
    if in_text and isinstance(the_style, Style):
        cluster = suppress_in_text_author(cluster, the_style)
    result = render(
        library,
        the_style,
        citations=[cluster],
        locale=locale,
        output=output,
        engine=engine,
        link=link,
        bibliography=False,
        strict=strict,
    )
    finish_standalone_citations(result, library, [cluster], [in_text])
    return Citation(result.citations[0] if result.citations else "", cluster, result)


def __getattr__(name: str) -> Any:
    """``closest_keys``, re-exported from :mod:`citekit.ops.query`, imported on first use.

    Suggesting keys is for misses only, so a render that finds every key
    never loads the query layer.
    """
    if name == "closest_keys":
        from citekit.ops.query import closest_keys

        return closest_keys
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def library_from_items(items: Iterable[Mapping[str, Any]]) -> Library:
    """A library from CSL-JSON items (a shortcut for tests and scripts)."""
    return Library.from_json(items)


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "OUTPUT_FORMATS",
    "BibEntry",
    "Bibliography",
    "Citation",
    "CitationInput",
    "EntryText",
    "Problem",
    "Result",
    "as_clusters",
    "author_trees",
    "available_engines",
    "bibliography",
    "check_keys",
    "cite",
    "closest_keys",
    "engine_item",
    "entry_sets",
    "expand_sets",
    "finish_standalone_citations",
    "get_engine",
    "in_text_authors",
    "linkify",
    "normalise_item",
    "normalise_key",
    "normalise_keys",
    "render",
    "serialise",
    "set_closure",
    "space_prefix",
    "space_suffix",
    "to_cluster",
    "unknown_key_problem",
    "unknown_keys",
    "without_author_substitute",
]

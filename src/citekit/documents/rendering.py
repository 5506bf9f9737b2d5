"""Markdown documents with pandoc citations in; the same documents formatted out.

``citekit render paper.md`` does what ``pandoc --citeproc`` does for the
citations of a Markdown document, without pandoc: it finds the citations
(:mod:`citekit.documents.scan`), renders them all in one pass through
:func:`citekit.render.render` in reading order (so ibid, subsequent cites,
disambiguation and numbering come out right), puts each rendering where its
citation was and adds the bibliography.

* Author-date and numeric styles render inline.  An author-in-text cite
  (``@doe99 [p. 3] says``) renders as the author's name followed by the
  citation without its author: "Doe (1999, 3) says"; in numeric styles,
  as in pandoc, it is the citation alone ("[1] says").
* ``link-citations`` links single-cite citations (not notes) to their
  entry, whose anchor is ``ref-KEY``.
* Note styles turn each citation of the main text into a footnote
  (``[^c1]``), numbered in one sequence with the document's own notes; a
  citation already inside a note stays there (in parentheses, as pandoc
  does) and takes that note's number.
* Unknown keys become ``???key`` with a warning naming line and column
  (errors with ``strict``).
* pandoc's switches are honoured as ``pandoc --citeproc`` honours them:
  ``suppress-bibliography``, ``notes-after-punctuation`` (note marks after
  a following full stop or comma, by default), ``link-bibliography`` (URLs
  and DOIs in entries linked, by default) and ``link-citations``, read by
  :func:`citekit.documents.frontmatter.metadata_flag` like the pandoc
  filter reads them; ``metadata`` sets values over the front matter, as
  pandoc's ``-M`` does.
* Several bibliographies: ``::: {#refs-NAME}`` divs take the entries of the
  front matter's ``bibliography-NAME`` files, of the CSL types or keywords
  their attributes name, or of the works cited in their section
  (:func:`split_bibliography`, shared with the pandoc filter); ``#refs``
  takes the rest.

Only the records a document cites (plus ``nocite``) reach the engine: the
bibliography and disambiguation only ever involve cited items, and passing a
6,000-entry library for 200 citations would spend most of the time on items
nobody cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from citekit.base.files import read_text
from citekit.documents import markdown as markdown_reader
from citekit.documents.frontmatter import (
    FrontMatter,
    read_front_matter,
    resolve_abbreviations,
    resolve_paths,
    resolve_style,
)
from citekit.documents.scan import FoundCitation, RefsDiv, Scan, scan
from citekit.errors import DataError, Diagnostic, Severity, UnknownKeyError, UsageError
from citekit.formats import read as read_library
from citekit.formats.citesyntax import style_locator_terms
from citekit.model.records import Library, Record
from citekit.render import (
    BibEntry,
    BibliographyLayout,
    CiteItem,
    Cluster,
    Engine,
    Result,
    closest_keys,
    render,
    serialise,
)
from citekit.render.abbreviations import abbreviate, load_abbreviations
from citekit.render.api import author_trees, entry_sets, in_text_authors, linkify, set_closure
from citekit.render.intext import author_in_text_applies, author_name, without_closing_period
from citekit.render.output import html_document, link_target
from citekit.render.quoted import quoting_closure
from citekit.render.richtext import Rich, Text, escape_attribute
from citekit.sources.resolve import Resolver, rename_cluster, resolve_identifiers
from citekit.styles.catalog import DEFAULT_LOCALE, Style, find_style, load_locale_xml

DOCUMENT_FORMATS: tuple[str, ...] = ("markdown", "html", "text")
DOCUMENT_DEFAULT_STYLE = "chicago-author-date"
"""The style of a document that names none: pandoc's default, so that ``citekit
render`` and ``pandoc --citeproc`` agree on the same document."""
_NOTE_PUNCTUATION = ".,;:!?"
_CLOSING_QUOTES = "\"'”’»"
_HTML_CSS = (
    "<style>\n.hanging-indent > p { padding-left: 2em; text-indent: -2em; }\n"
    ".csl-bib-body > p { margin: 0 0 0.6em 0; }\n"
    "span.smallcaps { font-variant: small-caps; }\n"
    "span.underline { text-decoration: underline; }\n</style>\n"
)


@dataclass(frozen=True, slots=True)
class UnknownCitationKey:
    """A cited key the library lacks, where it is cited, and the closest keys."""

    key: str
    line: int
    column: int
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        hint = f" (did you mean: {', '.join(self.suggestions)}?)" if self.suggestions else ""
        return f"line {self.line}, column {self.column}: unknown citation key '{self.key}'{hint}"


@dataclass(frozen=True, slots=True)
class RenderedCitation:
    """One citation of the document as it was rendered.

    ``markdown`` is what replaced the citation in the text (for a note style
    the note's content, not the ``[^c1]`` mark); ``text`` the same as plain
    text; ``author`` the name put before an author-in-text cite; ``display``
    the plain text a reader sees for it (author, citation or note content).
    """

    found: FoundCitation
    markdown: str
    text: str
    author: str = ""
    note_label: str | None = None
    display: str = ""


@dataclass
class DocumentResult:
    """What :func:`render_document` returns."""

    output: str
    format: str
    markdown: str
    citations: list[RenderedCitation] = field(default_factory=list)
    bibliography: list[BibEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown: list[UnknownCitationKey] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    style: Style | None = None
    locale: str = DEFAULT_LOCALE
    layout: BibliographyLayout = field(default_factory=BibliographyLayout)

    def to_json(self) -> dict[str, object]:
        """Everything a program needs: the output, each citation, entries, problems."""
        return {
            "format": self.format,
            "style": self.style.id if self.style else None,
            "locale": self.locale,
            "output": self.output,
            "citations": [
                {
                    "keys": [item.id for item in c.found.cluster.items],
                    "line": c.found.line,
                    "column": c.found.column,
                    "in-text": c.found.in_text,
                    "note-number": c.found.cluster.note_number,
                    "text": c.display,
                    "markdown": c.markdown,
                }
                for c in self.citations
            ],
            "bibliography": [{"id": e.id, "text": e.text} for e in self.bibliography],
            "unknown-keys": [
                {
                    "key": u.key,
                    "line": u.line,
                    "column": u.column,
                    "suggestions": list(u.suggestions),
                }
                for u in self.unknown
            ],
            "warnings": list(self.warnings),
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def load_libraries(
    paths: Sequence[str | Path],
    *,
    named_by_document: bool = False,
    encoding: str | None = None,
    sentence_case: bool = True,
) -> tuple[Library, list[Diagnostic]]:
    """Read and merge bibliography files; a key defined twice keeps its first record.

    A missing file is a usage error when the caller named it and a data error
    (the document's problem) when the front matter did.
    """
    library = Library()
    diagnostics: list[Diagnostic] = []
    for path in paths:
        if named_by_document and str(path) != "-" and not Path(path).exists():
            raise DataError(f"the front matter's bibliography file {path} does not exist")
        # InputError: missing, a directory ...
        result = read_library(path, encoding=encoding, sentence_case=sentence_case)
        diagnostics.extend(result.diagnostics)
        for record in result.library:
            if record.key in library:
                diagnostics.append(
                    Diagnostic(
                        Severity.WARNING,
                        "duplicate-key",
                        f"'{record.key}' is defined in more than one bibliography; "
                        f"the first is used",
                        file=str(path),
                        key=record.key,
                    )
                )
                continue
            library.add(record)
    return library, diagnostics


def _merge(library: Library, extra: Library) -> None:
    for record in extra:
        if record.key not in library:
            library.add(record)


def _style_for(
    meta: FrontMatter, style: str | Path | Style | None, document: str | Path | None
) -> Style:
    if style is not None:
        return find_style(style)
    if meta.csl:  # a path from data: confined to the project (frontmatter.resolve_style)
        return find_style(resolve_style(meta.csl, document))
    return find_style(DOCUMENT_DEFAULT_STYLE)


def _locale_term(locale: str) -> str:
    """The locale's plural of "reference", capitalised, for the bibliography heading."""
    xml = load_locale_xml(locale)
    if xml:
        match = re.search(
            rb'<term name="reference">\s*<single>[^<]*</single>\s*'
            rb"<multiple>([^<]+)</multiple>",
            xml,
        )
        if match:
            term = match.group(1).decode("utf-8")
            return term[:1].upper() + term[1:]
    return "References"


# ---------------------------------------------------------------------------
# Several bibliographies
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BibliographyDiv:
    """A ``refs-NAME`` div as the selection sees it, whatever the document's form.

    ``section`` holds the keys cited in the div's section when the div is
    section-scoped (:func:`section_scoped`), else None.
    """

    name: str
    attributes: Mapping[str, str]
    section: frozenset[str] | None = None


def section_scoped(
    name: str, attributes: Mapping[str, str], named_keys: Mapping[str, set[str]]
) -> bool:
    """Whether a ``refs-NAME`` div lists the works cited in its own section.

    When it says so (a ``level`` attribute), or when nothing else narrows it
    (no ``bibliography-NAME`` files, no ``type`` or ``keyword``): a div that
    listed everything would only repeat ``#refs``.
    """
    if "level" in attributes:
        return True
    return name not in named_keys and "type" not in attributes and "keyword" not in attributes


def section_keys(
    div_at: int,
    level: int | None,
    headings: Sequence[tuple[int, int]],
    citations: Iterable[tuple[int, Sequence[str]]],
) -> frozenset[str]:
    """The keys cited in the section holding position ``div_at``.

    ``headings`` are (position, level) pairs and ``citations`` (position,
    keys), positions in document order.  The section runs from the last
    heading of ``level`` or higher before the div to the next one after it;
    ``level`` None means the document's top heading level (usually ``#``),
    so a ``## References`` heading just above the div does not cut its
    chapter short.
    """
    if level is None:
        level = min((lv for _, lv in headings), default=1)
    cuts = [position for position, lv in headings if lv <= level]
    start = max((c for c in cuts if c <= div_at), default=-1)
    end = min((c for c in cuts if c > div_at), default=None)
    return frozenset(
        key
        for position, keys in citations
        if position >= start and (end is None or position < end)
        for key in keys
    )


def div_level(attributes: Mapping[str, str]) -> int | None:
    """The ``level`` attribute as a heading level 1-6, None when absent or not one."""
    value = attributes.get("level", "").strip()
    return int(value) if value.isdigit() and 1 <= int(value) <= 6 else None


def refs_div_accepts(
    key: str,
    record: Record | None,
    div: BibliographyDiv,
    named_keys: Mapping[str, set[str]],
) -> bool:
    """Whether a ``refs-NAME`` div lists an entry (docs/documents.md, "Several bibliographies").

    Every condition the div has must hold: from the files of
    ``bibliography-NAME`` (when the metadata has that key); of one of the CSL
    types of ``type`` and with one of the words of ``keyword`` (both
    space-separated lists); cited in the div's section (when section-scoped).
    """
    if div.name in named_keys and key not in named_keys[div.name]:
        return False
    types = div.attributes.get("type")
    if types is not None and (record is None or record.type not in types.split()):
        return False
    keywords = div.attributes.get("keyword")
    if keywords is not None:
        words = (
            {w.strip().lower() for w in re.split(r"[,;]", str(record.get("keyword") or ""))}
            if record is not None
            else set()
        )
        if not words & {w.lower() for w in keywords.split()}:
            return False
    return div.section is None or key in div.section


def split_bibliography(
    entries: Sequence[BibEntry],
    divs: Sequence[BibliographyDiv],
    named_keys: Mapping[str, set[str]],
    library: Library,
) -> tuple[list[list[BibEntry]], list[BibEntry]]:
    """The entries of each ``refs-NAME`` div, and the rest (for ``#refs``).

    An entry may be listed by several divs (a work cited in two chapters);
    ``#refs`` gets those no div listed.  Order and numbering stay those of
    the one bibliography the engine made.
    """
    chosen: list[list[BibEntry]] = []
    shown: set[str] = set()
    for div in divs:
        picked = [e for e in entries if refs_div_accepts(e.id, library.get(e.id), div, named_keys)]
        shown.update(e.id for e in picked)
        chosen.append(picked)
    return chosen, [e for e in entries if e.id not in shown]


def _document_divs(
    found: Scan, named_keys: Mapping[str, set[str]]
) -> list[tuple[RefsDiv, BibliographyDiv]]:
    """The Markdown document's ``refs-NAME`` divs, with their sections' keys where scoped."""
    headings = [(h.start, h.level) for h in found.headings]
    citations = [(c.order[0], [i.id for i in c.cluster.items]) for c in found.citations]
    out: list[tuple[RefsDiv, BibliographyDiv]] = []
    for div in found.refs_divs:
        if not div.name:
            continue
        section = (
            section_keys(div.start, div_level(div.attributes), headings, citations)
            if section_scoped(div.name, div.attributes, named_keys)
            else None
        )
        out.append((div, BibliographyDiv(div.name, div.attributes, section)))
    return out


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def _author_in_text(found: FoundCitation, style: Style) -> bool:
    return found.in_text and author_in_text_applies(style, in_note=found.in_note)


def positioned_authors(
    library: Library,
    style: Style,
    clusters: Sequence[Cluster],
    wanted: Sequence[bool],
    *,
    locale: str | None,
    engine: str | Engine | None = None,
) -> list[Rich | None]:
    """The author's name of each wanted author-in-text cite, at its own position.

    A note style names an author in full the first time and short after
    (Chicago: "Justin Raimondo", then "Raimondo"); pandoc prints the name an
    author-only cite would print at that place.  The document's clusters
    (in order, every cite included, so that positions -- first, subsequent,
    ibid -- are the document's own) are rendered once more with the wanted
    ones author-only.  Only a cluster's first cite is named (``@a [p. 3;
    @b]``, as pandoc reads it); the others follow it as a cluster of their
    own, so that their positions still count.  Other styles name an author
    the same way everywhere: None for every cluster, and nothing is
    rendered.  Shared by ``citekit
    render`` and the pandoc filter.
    """
    if not style.is_note or not any(wanted):
        return [None] * len(clusters)
    # the name alone: the cite's prefix and suffix belong to the note
    author_only: list[Cluster] = []
    at: list[int] = []  # where each of ``clusters`` went in ``author_only``
    for cluster, want in zip(clusters, wanted, strict=True):
        at.append(len(author_only))
        if not want:
            author_only.append(cluster)
            continue
        first, *rest = cluster.items
        named = replace(first, author_only=True, suppress_author=False, prefix=None, suffix=None)
        author_only.append(replace(cluster, items=(named,)))
        if rest:
            author_only.append(replace(cluster, items=tuple(rest)))
    names = render(
        library, style, citations=author_only, locale=locale, engine=engine, bibliography=False
    )
    return [
        author_name(names.citation_trees[index], library[cluster.items[0].id], names.locale)
        if want
        else None
        for cluster, want, index in zip(clusters, wanted, at, strict=True)
    ]


def _sets_in_parentheses(found: Scan, library: Library) -> Scan:
    """An author-in-text cite of a biblatex set becomes an ordinary cite.

    A set is cited as its members (:func:`citekit.render.api.entry_sets`),
    which have no one author to put in the text; a style sorting the
    members would also part the names from their years.
    """
    sets = entry_sets(library)
    if not sets:
        return found
    found.citations = [
        replace(c, in_text=False) if c.in_text and any(i.id in sets for i in c.cluster.items) else c
        for c in found.citations
    ]
    return found


def _rich_affixes(item: CiteItem) -> CiteItem:
    """A cite whose Markdown prefix and suffix (``[*see* @a]``) the engine reads as rich text."""
    if not (item.prefix or item.suffix):
        return item
    return replace(
        item,
        prefix=markdown_reader.affix_markup(item.prefix) if item.prefix else item.prefix,
        suffix=markdown_reader.affix_markup(item.suffix) if item.suffix else item.suffix,
    )


def _render_clusters(
    scan_result: Scan,
    library: Library,
    style: Style,
    locale: str,
    engine: str | Engine | None,
    nocite: list[str],
    nocite_all: bool,
    *,
    bibliography: bool = True,
    jobs: int = 1,
) -> tuple[list[Rich | None], dict[str, Rich], list[Rich | None], Result, list[str]]:
    """Engine output: one tree per citation (None when nothing is known), authors, the rest.

    The third list holds, per citation, the author's name rendered at that
    citation's position (:func:`positioned_authors`; note styles only).
    ``bibliography`` False (``suppress-bibliography``) renders no entries;
    the citations come out the same, numbers included, as in pandoc.
    """
    citations = scan_result.citations
    cited: dict[str, None] = {}
    clusters: list[Cluster] = []
    owners: list[int] = []
    authors_needed: dict[str, None] = {}
    for index, found in enumerate(citations):
        items: list[CiteItem] = []
        for position, item in enumerate(found.cluster.items):
            if item.id not in library:
                continue
            cited.setdefault(item.id)
            # ``@a [p. 3; @b]``: a's author goes into the text, b is cited as usual (pandoc)
            if position == 0 and _author_in_text(found, style):
                authors_needed.setdefault(item.id)
                item = replace(item, suppress_author=True)
            items.append(_rich_affixes(item))
        if items:
            clusters.append(replace(found.cluster, items=tuple(items)))
            owners.append(index)
    wanted = [k for k in nocite if k in library]
    if nocite_all:
        subset = library
        bib_keys: list[str] | None = None
    else:
        subset = Library(
            library[k] for k in quoting_closure(library, set_closure(library, [*cited, *wanted]))
        )
        bib_keys = wanted
    result = render(
        subset,
        style,
        citations=clusters,
        locale=locale,
        output="text",
        engine=engine,
        bibliography=bibliography,
        bibliography_keys=bib_keys,
        nocite="*" if nocite_all else None,
        jobs=jobs,
    )
    trees: list[Rich | None] = [None] * len(citations)
    for owner, tree in zip(owners, result.citation_trees, strict=True):
        trees[owner] = tree
    authors = author_trees(library, list(authors_needed), style, locale, engine)
    one_author = [
        _author_in_text(citations[owner], style)
        and cluster.items[0].id == citations[owner].cluster.items[0].id
        for owner, cluster in zip(owners, clusters, strict=True)
    ]
    positioned: list[Rich | None] = [None] * len(citations)
    names = positioned_authors(subset, style, clusters, one_author, locale=locale, engine=engine)
    for owner, name in zip(owners, names, strict=True):
        positioned[owner] = name
    warnings = [w for w in result.warnings if not w.startswith("unknown citation key")]
    return trees, authors, positioned, result, warnings


def _space_before(text: str, start: int) -> int:
    """Where the white space before a note mark starts (within the paragraph)."""
    position = start
    while position > 0 and text[position - 1] in " \t":
        position -= 1
    if (
        position > 0
        and text[position - 1] == "\n"
        and position > 1
        and text[position - 2] not in "\n"
        and text[position - 2 : position - 1].strip()
    ):
        position -= 1
        while position > 0 and text[position - 1] in " \t":
            position -= 1
    return position


def anchor(key: str) -> str:
    """The HTML id of a key's bibliography entry (``ref-key``, odd characters as ``-``)."""
    return "ref-" + re.sub(r"[^\w:.\-]", "-", key)


def _entry_markdown(rich: Rich) -> str:
    """A bibliography entry on one line; a left-margin label gets its space."""

    def flatten(node: Rich) -> Rich:
        if isinstance(node, Text):
            return node
        children = tuple(flatten(c) for c in node.children)
        if node.display == "left-margin":
            children = (*children, Text(" "))
        return replace(node, children=children, display=None)

    text = serialise(flatten(rich), "markdown").strip()
    return " ".join(text.split())


def _unknown_marks(found: FoundCitation, library: Library) -> list[str]:
    return [f"???{item.id}" for item in found.cluster.items if item.id not in library]


def _capitalise(markdown: str) -> str:
    """Notes start with a capital letter ("Ibid." not "ibid."), as in citeproc-js."""
    match = re.search(r"[^\W\d_]", markdown)
    if match is None or markdown[: match.start()].strip("*_[\\\"'“‘("):
        return markdown
    return markdown[: match.start()] + markdown[match.start()].upper() + markdown[match.end() :]


@dataclass
class _Edit:
    """A replacement of ``text[start:end]`` in a document's source."""

    start: int
    end: int
    text: str


def _apply(text: str, start: int, end: int, edits: list[_Edit]) -> str:
    out: list[str] = []
    position = start
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < position:
            continue
        out.append(text[position : edit.start])
        out.append(edit.text)
        position = edit.end
    out.append(text[position:end])
    return "".join(out)


def _label_prefix(existing: set[str], wanted: str) -> str:
    prefix = wanted
    while any(re.fullmatch(re.escape(prefix) + r"\d+", label) for label in existing):
        prefix = "citekit-" + prefix
    return prefix


def render_document(
    text: str,
    *,
    library: Library | None = None,
    bibliography: Sequence[str | Path] | None = None,
    style: str | Path | Style | None = None,
    locale: str | None = None,
    engine: str | Engine | None = None,
    to: str = "markdown",
    filename: str | Path | None = None,
    strict: bool = False,
    encoding: str | None = None,
    sentence_case: bool = True,
    trust_html: bool = False,
    identifiers: Resolver | bool = False,
    abbreviations: str | Path | Mapping[str, object] | None = None,
    metadata: Mapping[str, object] | None = None,
    jobs: int = 1,
) -> DocumentResult:
    """Format the citations of a Markdown document and add its bibliography.

    Args:
        text: the document (front matter included).
        library: records to cite, added to those of the bibliography files.
        bibliography: bibliography files; None means the front matter's.
        style, locale: override the front matter's ``csl`` and ``lang``.
        engine: the CSL engine (default: :func:`render`'s).
        to: ``markdown``, ``html`` (a whole HTML page) or ``text``.
        filename: where the document lives (front matter paths are relative
            to it) and how messages name it.
        strict: unknown keys raise :class:`UnknownKeyError` instead of
            becoming ``???key``.
        encoding: the bibliography files' text encoding (default UTF-8).
        sentence_case: store English BibTeX titles in sentence case
            (docs/bibtex-import.md); False keeps them as typed.
        trust_html: with ``to="html"``, keep the document's raw HTML exactly
            as written, ``<script>`` included (as pandoc does); by default it
            is filtered (:mod:`citekit.documents.markdown`).
        identifiers: resolve cited identifiers the library lacks
            (``[@doi:10.1000/xyz]``, ``@isbn:…``, ``@arxiv:…``, ``@pmid:…``,
            ``@pmcid:…``) through the services, in one batch, into the
            library for this render only (:mod:`citekit.sources.resolve`);
            True with the default :class:`Resolver` (the on-disk cache), a
            :class:`Resolver` for other settings (offline, no cache).  Off
            by default: rendering makes no request unless asked to.
        abbreviations: a ``citation-abbreviations`` file (pandoc's format,
            ``{"default": {"container-title": {"Full": "Abbr"}}}``) or its
            parsed content; None means the front matter's.  It fills the
            short forms that styles print with ``form="short"``
            (:mod:`citekit.render.abbreviations`).
        metadata: values set over the front matter's, as pandoc's ``-M``
            does: ``{"suppress-bibliography": True}`` (or ``"true"``,
            ``"yes"``, ``"on"``), ``{"nocite": "@*"}``, ``{"lang": "de"}``
            (:func:`citekit.documents.frontmatter.read_front_matter`).
        jobs: processes that may format the bibliography, as for
            :func:`citekit.render` (1, the default, never forks; 0: every
            idle CPU); only a bibliography of thousands of entries is split.

    Raises :class:`DocumentSyntaxError` / :class:`FrontMatterError` (both
    data errors, with line and column) for documents that cannot be read.
    """
    if to not in DOCUMENT_FORMATS:
        raise UsageError(f"unknown document format '{to}'; known: {', '.join(DOCUMENT_FORMATS)}")
    name = str(filename) if filename else None
    text = text.replace("\r\n", "\n")  # offsets, lines and blank-line rules in one form
    meta = read_front_matter(text, filename=name, metadata=metadata)
    the_style = _style_for(meta, style, filename)
    paths: Sequence[str | Path] = (
        bibliography if bibliography is not None else resolve_paths(meta.bibliography, filename)
    )
    the_library, diagnostics = load_libraries(
        paths,
        named_by_document=bibliography is None,
        encoding=encoding,
        sentence_case=sentence_case,
    )
    diagnostics.extend(meta.reference_diagnostics)
    named_keys: dict[str, set[str]] = {}
    for name, named_paths in meta.named_bibliographies.items():
        named, named_diagnostics = load_libraries(
            resolve_paths(named_paths, filename),
            named_by_document=True,
            encoding=encoding,
            sentence_case=sentence_case,
        )
        diagnostics.extend(named_diagnostics)
        named_keys[name] = set(named.keys())
        _merge(the_library, named)
    if library is not None:
        _merge(the_library, library)
    _merge(the_library, meta.references)
    the_library = _abbreviated(the_library, meta, abbreviations, filename)
    the_locale = locale or meta.lang or the_style.default_locale or DEFAULT_LOCALE

    found = _sets_in_parentheses(
        scan(
            text,
            body_start=meta.body_start,
            locale=the_locale,
            note_style=the_style.is_note,
            style_terms=style_locator_terms(the_style.xml, the_locale),
        ),
        the_library,
    )
    nocite, resolve_messages = _resolve_cited(
        found, list(meta.nocite), the_library, identifiers, sentence_case
    )
    unknown: list[UnknownCitationKey] = []
    for citation in found.citations:
        for item in citation.cluster.items:
            if item.id not in the_library:
                unknown.append(
                    UnknownCitationKey(
                        item.id,
                        citation.line,
                        citation.column,
                        tuple(closest_keys(item.id, the_library.keys())),
                    )
                )
    if strict and unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise UnknownKeyError(f"{unknown[0]}{more}")
    missing_nocite = [k for k in nocite if k != "*" and k not in the_library]

    trees, authors, positioned, rendered, warnings = _render_clusters(
        found,
        the_library,
        the_style,
        the_locale,
        engine,
        nocite,
        meta.nocite_all,
        bibliography=not meta.suppress_bibliography,
        jobs=jobs,
    )
    if meta.link_bibliography:
        rendered.bibliography = _linked(rendered.bibliography)
    warnings[:0] = [*(str(u) for u in unknown), *resolve_messages]
    warnings.extend(f"unknown nocite key '{k}'" for k in missing_nocite)
    if strict and missing_nocite:
        raise UnknownKeyError(f"unknown nocite key '{missing_nocite[0]}'")

    result = DocumentResult(
        output="",
        format=to,
        markdown="",
        warnings=warnings,
        unknown=unknown,
        diagnostics=diagnostics,
        style=the_style,
        locale=the_locale,
        bibliography=rendered.bibliography,
        layout=rendered.layout,
    )
    markdown = _assemble(
        text,
        meta,
        found,
        trees,
        authors,
        the_library,
        the_style,
        result,
        link=_links_citations(meta, to),
        named_keys=named_keys,
        positioned=positioned,
        in_quote=the_style.is_note and rendered.punctuation_in_quote,  # asked only for notes
    )
    result.markdown = markdown
    if to == "markdown":
        result.output = markdown
    elif to == "text":
        result.output = markdown_reader.to_text(_body_only(markdown))
    else:
        title = meta.data.get("title")
        body = markdown_reader.to_html(_body_only(markdown), trusted=trust_html)
        if isinstance(title, str) and title:
            body = f'<h1 class="title">{_escape(title)}</h1>\n{body}'
        page = html_document(
            body, title=str(title or Path(name or "document").stem), lang=the_locale.split("-")[0]
        )
        result.output = page.replace("</head>", _HTML_CSS + "</head>", 1)
    return result


def _links_citations(meta: FrontMatter, to: str) -> bool:
    """Whether citations link to their entries: ``link-citations`` when the metadata
    sets it (``false`` included); unset, only in HTML, a page read on screen."""
    if "link-citations" in meta.data:
        return meta.link_citations
    return to == "html"


def _linked(entries: list[BibEntry]) -> list[BibEntry]:
    """``link-bibliography`` (pandoc's default: on): URLs and DOIs in entries become links.

    Only the entries, as in pandoc; a citation that prints a URL keeps it as text.
    """
    return [replace(entry, rich=linkify(entry.rich)) for entry in entries]


def _abbreviated(
    library: Library,
    meta: FrontMatter,
    abbreviations: str | Path | Mapping[str, object] | None,
    document: str | Path | None,
) -> Library:
    """The library with the abbreviation list's short forms (the caller's, else the front
    matter's, a path inside the project)."""
    if abbreviations is None and meta.abbreviations:
        abbreviations = resolve_abbreviations(meta.abbreviations, document)
    return abbreviate(library, load_abbreviations(abbreviations))


def _resolve_cited(
    found: Scan,
    nocite: list[str],
    library: Library,
    identifiers: Resolver | bool,
    sentence_case: bool,
) -> tuple[list[str], list[str]]:
    """Cited identifiers the library lacks resolved into it: the nocite keys, the messages.

    Another spelling of an identifier already cited is renamed to the first,
    in the citations (in place) and in ``nocite``, so the work is listed once.
    """
    if identifiers is False:
        return nocite, []
    resolver = (
        identifiers if isinstance(identifiers, Resolver) else Resolver(sentence_case=sentence_case)
    )
    keys = [item.id for c in found.citations for item in c.cluster.items]
    resolution = resolve_identifiers(library, [*keys, *nocite], resolver)
    aliases = resolution.aliases
    if aliases:
        found.citations = [
            replace(c, cluster=rename_cluster(c.cluster, aliases)) for c in found.citations
        ]
        nocite = [aliases.get(key, key) for key in nocite]
    return nocite, resolution.messages()


def _escape(text: str) -> str:
    """Front-matter text as HTML text: escaped, XML-safe (no control characters or
    lone surrogates)."""
    return escape_attribute(text)


def _body_only(markdown: str) -> str:
    """The Markdown without its front matter (HTML and text show the body)."""
    meta_end = read_front_matter(markdown).body_start if markdown.startswith("---") else 0
    return markdown[meta_end:]


def _assemble(
    text: str,
    meta: FrontMatter,
    found: Scan,
    trees: list[Rich | None],
    authors: dict[str, Rich],
    library: Library,
    style: Style,
    result: DocumentResult,
    *,
    link: bool,
    named_keys: Mapping[str, set[str]] | None = None,
    positioned: Sequence[Rich | None] = (),
    in_quote: bool = False,
) -> str:
    """Put every rendering in place; add notes and the bibliographies.

    ``positioned`` holds per citation the author's name rendered at its
    position (note styles), which wins over the name in ``authors``.
    ``in_quote`` is the rendering's ``punctuation-in-quote``
    (:attr:`citekit.render.Result.punctuation_in_quote`): where a note mark
    moves a full stop or comma after a closing quote, it goes inside.
    """
    in_quote = style.is_note and in_quote
    cite_prefix = _label_prefix(found.labels, "c")
    note_prefix = _label_prefix(found.labels, "n")
    edits: list[_Edit] = []
    new_notes: list[tuple[int, str, str]] = []  # (number, label, content)
    at_position = list(positioned) or [None] * len(trees)
    listed = {entry.id for entry in result.bibliography}  # no link to an entry not written
    for found_citation, tree, named in zip(found.citations, trees, at_position, strict=True):
        items = found_citation.cluster.items
        marks = _unknown_marks(found_citation, library)
        markdown = serialise(tree, "markdown") if tree is not None else ""
        plain = serialise(tree, "text") if tree is not None else ""
        # one work links to its entry; a quotation not listed, to the work quoting it
        linkable = link and not style.is_note and tree is not None and len(items) == 1
        entry = link_target(items[0].id, listed, library) if linkable and not marks else None
        target = f"#{anchor(entry)}" if entry is not None else None
        if marks:
            markdown = "; ".join([markdown, *marks]) if markdown else "; ".join(marks)
            plain = "; ".join([plain, *marks]) if plain else "; ".join(marks)
        author_md = author_plain = ""
        if _author_in_text(found_citation, style):
            names = (
                [named]
                if named is not None
                else [
                    author_name(authors.get(i.id), library[i.id], result.locale)
                    for i in items[:1]  # the first cite's author alone, as in pandoc
                    if i.id in library
                ]
            )
            author_md = " and ".join(serialise(n, "markdown") for n in names)
            author_plain = " and ".join(serialise(n, "text") for n in names)
        start, end = found_citation.start, found_citation.end
        label: str | None = None
        if style.is_note and not found_citation.in_note:
            number = found_citation.cluster.note_number or len(new_notes) + 1
            label = f"{cite_prefix}{number}"
            markdown, plain = _capitalise(markdown), _capitalise(plain)
            new_notes.append((number, label, markdown))
            display = f"{author_plain} {plain}".strip()
            if found_citation.in_text:
                mark = ""
                if (
                    meta.notes_after_punctuation
                    and end < len(text)
                    and text[end] in _NOTE_PUNCTUATION
                ):
                    # "@wilde." -> "Oscar Wilde.[^c1]", as pandoc 3 moves it; a name
                    # ending "et al." takes no second full stop
                    mark = text[end]
                    end += 1
                    if mark == "." and author_plain.endswith("."):
                        mark = ""
                replacement = f"{author_md}{mark}[^{label}]"
            else:
                start = _space_before(text, start)
                replacement = f"[^{label}]"
                if (
                    meta.notes_after_punctuation
                    and end < len(text)
                    and text[end] in _NOTE_PUNCTUATION
                ):
                    mark = text[end]
                    replacement = mark + replacement
                    end += 1
                    # '"an end" [@c].' -> '"an end."[^c1]' where the locale says so,
                    # as pandoc's citeproc does: only full stops and commas move.
                    if (
                        mark in ".,"
                        and in_quote
                        and start > 0
                        and text[start - 1] in _CLOSING_QUOTES
                    ):
                        start -= 1
                        replacement = mark + text[start] + f"[^{label}]"
        elif style.is_note:  # a citation inside a note stays there, without its period
            markdown, plain = without_closing_period(markdown), without_closing_period(plain)
            if found_citation.in_text:
                replacement, display = markdown, plain
            else:
                replacement, display = f"({markdown})", f"({plain})"
        else:
            linked = f"[{markdown}]({target})" if target else markdown
            replacement = f"{author_md} {linked}".strip()
            display = f"{author_plain} {plain}".strip()
        edits.append(_Edit(start, end, replacement))
        result.citations.append(
            RenderedCitation(found_citation, markdown, plain, author_plain, label, display)
        )
    # Inline notes become numbered footnotes, citations inside them rendered.
    inner_edits: list[_Edit] = []
    for index, note in enumerate(found.inline_notes, start=1):
        inside = [e for e in edits if note.start < e.start < note.end]
        inner_edits.extend(inside)
        content = _apply(text, note.start + 2, note.end - 1, inside)
        number = found.note_numbers.get(f"^[{note.start}]", 10_000 + index)
        label = f"{note_prefix}{number}"
        new_notes.append((number, label, " ".join(content.split())))
        edits.append(_Edit(note.start, note.end, f"[^{label}]"))
    top = [e for e in edits if e not in inner_edits]
    body_edits = _escape_pipes_in_tables(text, top)
    anchored: set[str] = set()
    divs = _document_divs(found, named_keys or {})
    per_div, rest = split_bibliography(
        result.bibliography, [d for _, d in divs], named_keys or {}, library
    )
    for (div, _), chosen in zip(divs, per_div, strict=True):
        block = _bibliography_block(
            chosen,
            meta,
            result.locale,
            anchors=link,
            in_refs_div=True,
            hanging_indent=result.layout.hanging_indent,
            ident=f"refs-{div.name}",
            anchored=anchored,
        )
        if block:
            body_edits.append(_Edit(div.start, div.end, block.rstrip("\n")))
    bib_block = _bibliography_block(
        rest,
        meta,
        result.locale,
        anchors=link,
        in_refs_div=found.refs_block is not None,
        hanging_indent=result.layout.hanging_indent,
        trailing_heading=None
        if found.refs_block is not None
        else trailing_heading(text[meta.body_start :]),
        anchored=anchored,
    )
    if found.refs_block is not None and bib_block:
        start, end = found.refs_block
        body_edits.append(_Edit(start, end, bib_block.rstrip("\n")))
    body = _apply(text, 0, len(text), body_edits)
    if found.refs_block is None and bib_block:
        body = body.rstrip("\n") + "\n\n" + bib_block
    if new_notes:
        definitions = "\n\n".join(
            f"[^{label}]: {content}" for _, label, content in sorted(new_notes)
        )
        body = body.rstrip("\n") + "\n\n" + definitions + "\n"
    return body


_UNESCAPED_PIPE = re.compile(r"(\\*)\|")


def _escape_pipe(markdown: str) -> str:
    """``|`` as ``\\|`` unless already escaped (an odd run of backslashes before it)."""
    return _UNESCAPED_PIPE.sub(
        lambda m: m.group(1) + ("|" if len(m.group(1)) % 2 else "\\|"), markdown
    )


def _escape_pipes_in_tables(text: str, edits: list[_Edit]) -> list[_Edit]:
    """Edits with ``|`` escaped in those that land in a pipe table's row.

    A rendered citation with a ``|`` in it (a title, a style's delimiter)
    would otherwise split its cell.  Which lines are rows is decided on the
    source, by the Markdown reader's own table test; elsewhere a ``|`` is
    text and stays as it is.
    """
    rows = markdown_reader.table_row_lines(text) if "|" in text else frozenset()
    if not rows:
        return list(edits)
    out: list[_Edit] = []
    for edit in edits:
        if "|" in edit.text and text.count("\n", 0, edit.start) in rows:
            edit = replace(edit, text=_escape_pipe(edit.text))
        out.append(edit)
    return out


def trailing_heading(markdown: str) -> str | None:
    """The text of the heading a document ends with (its own notes aside), or None.

    pandoc's advice is to end a document with ``# References``; the
    bibliography then goes under that heading instead of under a new one.
    """
    last: tuple[str, str] | None = None
    depth = 0
    stream = markdown_reader.block_tokens(markdown)
    for index, token in enumerate(stream):
        if (
            depth == 0
            and token.nesting >= 0
            and token.block
            and token.type != "inline"
            and not token.type.startswith("footnote_reference")
        ):
            last = (
                token.type,
                stream[index + 1].content
                if token.type == "heading_open" and index + 1 < len(stream)
                else "",
            )
        depth += token.nesting
    if last is None or last[0] != "heading_open":
        return None
    return last[1]


def _bibliography_block(
    entries: list[BibEntry],
    meta: FrontMatter,
    locale: str,
    *,
    anchors: bool,
    in_refs_div: bool,
    hanging_indent: bool,
    trailing_heading: str | None = None,
    ident: str = "refs",
    anchored: set[str] | None = None,
) -> str:
    """The entries in a ``::: {#refs}`` div, as pandoc writes them, under a heading.

    A ``::: {#refs}`` div the document has gets no heading (pandoc adds
    ``reference-section-title`` only to a bibliography it appends at the
    end).  No heading is added when the document already ends with one (unless
    ``reference-section-title`` names another), so ``# References`` at the
    end is not repeated.  ``ident`` is the div's id (``refs-NAME`` for a
    named bibliography, which gets no heading); ``anchored`` collects the
    keys whose ``ref-KEY`` anchor is written, so that an entry listed in two
    bibliographies gets its anchor once.
    """
    if not entries:
        return ""
    anchored = anchored if anchored is not None else set()
    lines: list[str] = []
    for entry in entries:
        text = _entry_markdown(entry.rich)
        if anchors and entry.id not in anchored:
            anchored.add(entry.id)
            text = f"[]{{#{anchor(entry.id)}}}{text}"
        lines.append(text)
    classes = ".references .csl-bib-body" + (" .hanging-indent" if hanging_indent else "")
    block = f"::: {{#{ident} {classes}}}\n" + "\n\n".join(lines) + "\n:::\n"
    if ident != "refs":
        return block
    if in_refs_div:  # the writer placed it: pandoc adds no heading there
        return block
    if trailing_heading is not None and (
        meta.section_title is None or meta.section_title.strip() == trailing_heading
    ):
        return block
    return f"# {meta.section_title or _locale_term(locale)}\n\n{block}"


def render_document_file(
    path: str | Path,
    *,
    library: Library | None = None,
    bibliography: Sequence[str | Path] | None = None,
    style: str | Path | Style | None = None,
    locale: str | None = None,
    engine: str | Engine | None = None,
    to: str = "markdown",
    strict: bool = False,
    encoding: str | None = None,
    sentence_case: bool = True,
    identifiers: Resolver | bool = False,
    abbreviations: str | Path | Mapping[str, object] | None = None,
    metadata: Mapping[str, object] | None = None,
    jobs: int = 1,
) -> DocumentResult:
    """:func:`render_document` on a file (``-`` for stdin); ``encoding`` for it and its
    bibliography files."""
    text, decoding = read_text(path, encoding)
    result = render_document(
        text,
        filename=None if str(path) == "-" else path,
        library=library,
        bibliography=bibliography,
        style=style,
        locale=locale,
        engine=engine,
        to=to,
        strict=strict,
        encoding=encoding,
        sentence_case=sentence_case,
        identifiers=identifiers,
        abbreviations=abbreviations,
        metadata=metadata,
        jobs=jobs,
    )
    result.diagnostics[:0] = decoding
    return result


__all__ = [
    "DOCUMENT_FORMATS",
    "BibliographyDiv",
    "DocumentResult",
    "RenderedCitation",
    "UnknownCitationKey",
    "author_in_text_applies",
    "author_name",
    "div_level",
    "in_text_authors",
    "load_libraries",
    "positioned_authors",
    "refs_div_accepts",
    "render_document",
    "render_document_file",
    "section_keys",
    "section_scoped",
    "split_bibliography",
]

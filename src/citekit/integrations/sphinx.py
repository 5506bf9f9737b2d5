"""citekit as a Sphinx extension: CSL citations and bibliographies in any style.

Enable it with ``extensions = ["citekit.sphinx"]`` and configure::

    citekit_bibliography = ["refs.bib"]   # .bib, CSL-JSON, CSL-YAML, RIS; relative to conf.py
    citekit_style = "apa"                 # any CSL style by name or path
    citekit_locale = None                 # e.g. "en-GB"; default: the style's

The pipeline follows Sphinx's phases so that parallel and incremental builds
stay right:

read (per document, possibly in worker processes)
    The ``:cite:`` role, and pandoc's ``[@key]`` text in MyST pages, leave
    :class:`citation_node` placeholders, as do the author-in-text forms
    (``:citet:`@key [p. 33]``` and a bare ``@key [p. 33]`` in MyST pages);
    ``.. bibliography::`` leaves a :class:`bibliography_node`.  In note
    styles each citation outside a footnote is moved into a new
    auto-numbered footnote before docutils numbers footnotes (an
    author-in-text one leaves a placeholder for the author's name behind).
    ``doctree-read`` then parses every citation (so a syntax error or an
    unknown key is reported with its document and line), records the
    clusters in reading order with their note numbers, and notes the
    library files the document depends on, so that a changed
    ``.bib`` re-reads the documents citing from it.
merge (``env-merge-info``)
    The per-document records of worker processes join the main environment.
render (``env-updated``, once per build, in the main process)
    Every cluster of the project is rendered in one call, in the order of
    the documents in the toctree, against one bibliography context (the
    works cited anywhere plus those the bibliographies list), so
    disambiguation and citation numbers agree across pages and with the
    bibliography.  Note styles render each document's clusters again on
    their own, so "ibid." never reaches back into another page.  Documents
    whose output changed are handed back to Sphinx to be written again.
resolve (``doctree-resolved``)
    Placeholders become ordinary docutils nodes (emphasis, links, ...), so
    every builder (HTML, LaTeX, text) writes them; a citation links to the
    bibliography entry of its first work (a quotation that no bibliography
    lists, to the work quoting it).  ``singlehtml`` resolves one tree
    holding every page, where the ids that pages repeat are made unique.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import make_refnode

import citekit
from citekit.integrations.sphinx_markdown import mark_citations, rich_affixes
from citekit.integrations.sphinx_nodes import (
    CSS,
    LATEX_PACKAGE,
    bibliography_node,
    citation_node,
    has_link,
    html_to_nodes,
)
from citekit.render.intext import capitalise_note, without_closing_period
from citekit.render.output import link_target

logger = logging.getLogger(__name__)

ENV_VERSION = 4
"""Bumped when the records kept in the environment change shape."""


# ---------------------------------------------------------------------------
# What is kept in the environment (pickled between builds)
# ---------------------------------------------------------------------------


@dataclass
class CiteRecord:
    """One citation of a document, as read."""

    index: int
    text: str
    cluster: citekit.Cluster | None  # None: the text could not be read
    line: int | None
    order: tuple[int, int]  # reading order in the document (a note's citations at its reference)
    note: int | None = None  # the footnote it sits in, if any
    author: bool = False  # author-in-text: the name goes in the text, the cluster without it
    own_note: bool = False  # in a footnote the writer wrote, not one made for the citation
    in_text: bool = False  # written author-in-text (``@key``, ``:citet:``)


@dataclass
class BibRecord:
    """One ``.. bibliography::`` directive of a document, as read."""

    index: int
    line: int | None
    every: bool = False
    scope: str = "project"
    keys: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass
class DocRecords:
    """The citations and bibliographies of one document."""

    cites: list[CiteRecord] = field(default_factory=list)
    bibs: list[BibRecord] = field(default_factory=list)


@dataclass
class Rendered:
    """The formatted output of the whole project, as citekit's HTML subset."""

    citations: dict[str, list[str]] = field(default_factory=dict)
    entries: dict[tuple[str, int], list[tuple[str, str]]] = field(default_factory=dict)
    anchors: dict[tuple[str, int, str], str] = field(default_factory=dict)
    targets: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)
    """key -> where a citation of it links: (docname, anchor, whether that bibliography
    serves the whole project) for each entry of the key, or, for a quotation not listed
    itself, for each entry of the work quoting it."""
    single: dict[tuple[str, str], str] = field(default_factory=dict)
    """(docname, anchor on its page) -> the entry's id when every page is in one
    file (``singlehtml``), where each id must be unique."""
    hanging: bool = False
    authors: dict[str, list[str]] = field(default_factory=dict)
    """Per document and citation, the author's name put in the text ("" for none)."""


@dataclass
class State:
    """Everything citekit keeps in Sphinx's build environment."""

    version: int = ENV_VERSION
    docs: dict[str, DocRecords] = field(default_factory=dict)
    rendered: Rendered = field(default_factory=Rendered)


def _state(env: BuildEnvironment) -> State:
    state = getattr(env, "citekit_state", None)
    if not isinstance(state, State) or state.version != ENV_VERSION:
        state = State()
        env.citekit_state = state  # type: ignore[attr-defined]
    return state


# ---------------------------------------------------------------------------
# What each process loads (never pickled)
# ---------------------------------------------------------------------------


@dataclass
class Session:
    """The library and style of this build, loaded once per process."""

    library: citekit.Library
    origins: dict[str, Path]  # key -> the file it was read from
    files: list[Path]
    style: citekit.Style
    locale: str | None
    key_index: citekit.Library | None = None  # records holding only keys, for suggestions

    @property
    def note_style(self) -> bool:
        return self.style.is_note


def _session(app: Sphinx) -> Session:
    session = getattr(app, "citekit_session", None)
    if not isinstance(session, Session):
        session = load_session(app)
        app.citekit_session = session  # type: ignore[attr-defined]
    return session


_NOTE_STYLES: dict[str, bool] = {}


def is_note_style(name: str) -> bool:
    """Whether the configured style puts citations in notes (looked up once per process)."""
    if name not in _NOTE_STYLES:
        try:
            _NOTE_STYLES[name] = citekit.find_style(name).is_note
        except citekit.CitekitError as exc:
            raise ConfigError(f"citekit_style: {exc}") from exc
    return _NOTE_STYLES[name]


def _config_files(app: Sphinx) -> list[Path]:
    value = app.config.citekit_bibliography
    names = [value] if isinstance(value, (str, Path)) else list(value or ())
    return [(Path(app.confdir) / name).resolve() for name in names]


def load_session(app: Sphinx) -> Session:
    """Read the configured library files and find the style.

    A missing or unreadable file is a warning naming it (the build goes on
    with the other files); problems inside a file are warnings naming the
    file, line and entry.  An unknown style stops the build: nothing could
    be formatted.
    """
    name = app.config.citekit_style
    beside_conf = Path(app.confdir) / name
    try:  # a style file named relative to conf.py, or a style name
        style = citekit.find_style(beside_conf if beside_conf.is_file() else name)
    except citekit.CitekitError as exc:
        raise ConfigError(f"citekit_style: {exc}") from exc
    _NOTE_STYLES[name] = style.is_note
    library = citekit.Library()
    origins: dict[str, Path] = {}
    files = _config_files(app)
    if not files:
        logger.warning(
            "citekit_bibliography is empty: every citation will be an unknown key",
            type="citekit",
            subtype="bibliography",
        )
    for path in files:
        _load_file(path, library, origins)
    return Session(library, origins, files, style, app.config.citekit_locale or None)


def _load_file(path: Path, library: citekit.Library, origins: dict[str, Path]) -> None:
    if not path.is_file():
        logger.warning(
            "citekit_bibliography: no such file: %s", path, type="citekit", subtype="bibliography"
        )
        return
    try:
        result = citekit.read(path)
    except citekit.CitekitError as exc:
        logger.warning(
            "citekit_bibliography: cannot read %s: %s",
            path,
            exc,
            type="citekit",
            subtype="bibliography",
        )
        return
    for problem in result.diagnostics:
        if problem.severity in (citekit.Severity.ERROR, citekit.Severity.WARNING):
            logger.warning("%s", problem, type="citekit", subtype="bibliography")
    for record in result.library:
        if record.key in library:
            logger.warning(
                "%s: entry '%s' is already defined in %s; this one is ignored",
                path,
                record.key,
                origins[record.key],
                type="citekit",
                subtype="duplicate",
            )
            continue
        library.add(record)
        origins[record.key] = path


def parse_citation(session: Session, text: str) -> citekit.Cluster:
    """One citation in pandoc's syntax as a cluster (keys without ``@``).

    Parsing goes through :func:`citekit.cite` on an empty library: the
    public API has no parser of its own, and with no records nothing is
    formatted.  The style's locale names the locator terms (``p.``, ``S.``).
    """
    return citekit.cite(citekit.Library(), text, session.style, locale=session.locale).cluster


def parse_in_text_citation(session: Session, text: str) -> citekit.Cluster:
    """An author-in-text citation (``@key`` or ``@key [p. 33]``) as a one-cite cluster.

    Read by :func:`citekit.parse_in_text`, as ``citekit render`` reads it.
    """
    written = text.strip()
    if not written.startswith("@"):
        written = "@" + written
    if not written.endswith("]"):
        written += " []"
    locale = session.locale or session.style.default_locale or "en-US"
    cluster = citekit.parse_in_text(written, locale)
    if cluster is None:
        raise citekit.CitationSyntaxError(
            f"'{text}' is not an author-in-text citation (want @key or @key [locator])"
        )
    return cluster


# ---------------------------------------------------------------------------
# Read: role, directive, transforms
# ---------------------------------------------------------------------------


class CiteRole(SphinxRole):
    """``:cite:`@key, p. 33``` (pandoc's syntax; brackets optional, ``;`` between cites)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        node = citation_node(self.rawtext, text=self.text)
        self.set_source_info(node)
        return [node], []


class CiteInTextRole(SphinxRole):
    """``:citet:`@key [p. 33]```: the author in the text, the rest as a citation.

    pandoc's author-in-text form ("Raimondo (2000, 33)"; in note styles the
    name in the text and the rest in a note).  The ``@`` may be left out.
    """

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        node = citation_node(self.rawtext, text=self.text, in_text=True)
        self.set_source_info(node)
        return [node], []


def _words(argument: str | None) -> tuple[str, ...]:
    """An option's values, separated by commas or white space."""
    return tuple(word for word in re.split(r"[\s,]+", argument or "") if word)


def _scope(argument: str | None) -> str:
    return directives.choice(argument or "", ("document", "project"))


class BibliographyDirective(SphinxDirective):
    """``.. bibliography::``: the works cited (in the project, or ``:scope: document``).

    ``:all:`` lists every record; ``:keys:`` adds records as pandoc's
    ``nocite`` does; ``:types:`` and ``:keywords:`` keep only the records
    of those CSL types or carrying one of those keywords.
    """

    has_content = False
    option_spec = {  # noqa: RUF012  (docutils' API is a class attribute)
        "all": directives.flag,
        "scope": _scope,
        "keys": _words,
        "types": _words,
        "keywords": _words,
    }

    def run(self) -> list[nodes.Node]:
        node = bibliography_node()
        self.set_source_info(node)
        node["every"] = "all" in self.options
        node["scope"] = self.options.get("scope", "project")
        for name in ("keys", "types", "keywords"):
            node[name] = list(self.options.get(name, ()))
        return [node]


def _is_markdown(env: BuildEnvironment, docname: str) -> bool:
    suffix = Path(env.doc2path(docname)).suffix
    return bool(env.config.source_suffix.get(suffix) == "markdown")


class MarkdownCitations(SphinxTransform):
    """pandoc's ``[@key]`` citations in MyST Markdown pages become citation nodes."""

    default_priority = 600  # before NoteCitations and docutils' footnote numbering

    def apply(self, **kwargs: Any) -> None:
        if _is_markdown(self.env, self.env.docname):
            mark_citations(self.document)


class NoteCitations(SphinxTransform):
    """In note styles, each citation outside a footnote becomes a footnote of its own."""

    default_priority = 610  # before docutils' Footnotes transform (620) numbers them

    def apply(self, **kwargs: Any) -> None:
        if not is_note_style(self.config.citekit_style):
            return
        document = self.document
        made = False
        for number, node in enumerate(list(document.findall(citation_node))):
            if _footnote_of(node) is not None:
                continue  # a citation in the writer's own note stays in it
            _into_footnote(document, node, f"citekit-note-{number}", split=True)
            made = True
        if made:
            _number_in_reading_order(document)


def _footnote_of(node: nodes.Node) -> nodes.footnote | None:
    current = node.parent
    while current is not None:
        if isinstance(current, nodes.footnote):
            return current
        current = current.parent
    return None


def _into_footnote(
    document: nodes.document, node: citation_node, name: str, *, split: bool = False
) -> None:
    """Put ``node`` in a new auto-numbered footnote at the end of the document.

    An author-in-text citation leaves a placeholder for the author's name
    before the note mark (``pair`` names the note on both nodes).
    """
    reference = nodes.footnote_reference("", "", auto=1, refname=name)
    reference.source, reference.line = node.source, node.line
    document.note_autofootnote_ref(reference)
    document.note_footnote_ref(reference)
    if split and node.get("in_text"):
        author = citation_node("", text=node["text"], part="author", pair=name)
        author.source, author.line = node.source, node.line
        node["pair"] = name
        node.replace_self([author, reference])
    else:
        node.replace_self(reference)
    footnote = nodes.footnote("", nodes.paragraph("", "", node), auto=1, names=[name])
    footnote.source, footnote.line = node.source, node.line
    document.note_autofootnote(footnote)
    document.note_explicit_target(footnote, footnote)
    document += footnote


def _number_in_reading_order(document: nodes.document) -> None:
    """Order auto-numbered footnotes by where they are referenced, as a reader meets them.

    docutils numbers them in the order they are defined; the footnotes made
    for citations are all defined at the end, so without this a writer's
    own ``[#]_`` notes (or MyST's ``[^label]``) would take the first
    numbers wherever they are referenced.
    """
    position = {
        id(ref): index for index, ref in enumerate(document.findall(nodes.footnote_reference))
    }
    anonymous_refs = [ref for ref in document.autofootnote_refs if not ref.get("refname")]
    anonymous = iter(anonymous_refs)
    last = len(position) + 1

    def first_reference(footnote: nodes.footnote) -> int:
        if footnote["names"]:
            refs = [r for name in footnote["names"] for r in document.footnote_refs.get(name, [])]
        else:
            refs = [ref] if (ref := next(anonymous, None)) is not None else []
        return min((position.get(id(r), last) for r in refs), default=last)

    # MyST sorts footnotes by this list (its SortFootnotes transform): keep it in reading order
    document.autofootnote_refs.sort(key=lambda ref: position.get(id(ref), last))
    keyed = [
        (first_reference(footnote), index, footnote)
        for index, footnote in enumerate(document.autofootnotes)
    ]
    document.autofootnotes[:] = [footnote for _, _, footnote in sorted(keyed, key=lambda k: k[:2])]


# ---------------------------------------------------------------------------
# Read: collecting what each document cites
# ---------------------------------------------------------------------------


def _is_own_note(footnote: nodes.footnote | None) -> bool:
    """Whether ``footnote`` is one the writer wrote (not made by :func:`_into_footnote`)."""
    if footnote is None:
        return False
    return not any(str(name).startswith("citekit-note-") for name in footnote["names"])


def _note_number(footnote: nodes.footnote | None) -> int | None:
    if footnote is None or not footnote.children or not isinstance(footnote[0], nodes.label):
        return None
    label = footnote[0].astext()
    return int(label) if label.isdigit() else None


def _reading_position(document: nodes.document) -> dict[int, int]:
    """Each node's place in document order, by ``id()``."""
    return {id(node): index for index, node in enumerate(document.findall())}


def _order_of(
    node: nodes.Node,
    footnote: nodes.footnote | None,
    document: nodes.document,
    position: dict[int, int],
) -> tuple[int, int]:
    """Where a reader meets a citation: in a note, where the note is referenced."""
    own = position.get(id(node), 0)
    if footnote is not None and footnote["backrefs"]:
        reference = document.ids.get(footnote["backrefs"][0])
        if reference is not None:
            return position.get(id(reference), 0), own
    return own, own


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: parse and record the document's citations and bibliographies."""
    env = app.env
    session = _session(app)
    docname = env.docname
    records = DocRecords()
    position = _reading_position(doctree)
    used: set[Path] = set()
    unknown: list[tuple[str, nodes.Element, str]] = []
    cites = [node for node in doctree.findall(citation_node) if node.get("part") != "author"]
    for index, node in enumerate(cites):
        node["docname"], node["index"] = docname, index
        footnote = _footnote_of(node)
        cluster = _parse_node(session, node)
        # in a note the writer wrote, the whole citation stands (as in citekit render)
        in_note = _is_own_note(footnote)
        if cluster is not None:
            keys = [item.id for item in cluster.items]
            used.update(_known_files(session, keys, node, "citation", unknown))
        records.cites.append(
            CiteRecord(
                index,
                node["text"],
                cluster,
                node.line,
                _order_of(node, footnote, doctree, position),
                _note_number(footnote),
                bool(node.get("in_text"))
                and citekit.author_in_text_applies(session.style, in_note=in_note),
                in_note,
                bool(node.get("in_text")),
            )
        )
    _pair_authors(doctree, cites)
    for index, bib in enumerate(doctree.findall(bibliography_node)):
        bib["docname"], bib["index"] = docname, index
        _known_files(session, bib["keys"], bib, "bibliography", unknown)
        records.bibs.append(
            BibRecord(
                index,
                bib.line,
                bool(bib["every"]),
                bib["scope"],
                tuple(bib["keys"]),
                tuple(bib["types"]),
                tuple(bib["keywords"]),
            )
        )
        used.update(session.files)  # what a bibliography lists depends on every file
    _warn_unknown(session, unknown)
    if records.cites or records.bibs:
        _state(env).docs[docname] = records
    for path in sorted(used):
        env.note_dependency(str(path))


def _pair_authors(doctree: nodes.document, cites: Sequence[citation_node]) -> None:
    """Each author placeholder points at the citation whose note it stands before."""
    by_pair = {node["pair"]: node for node in cites if node.get("pair")}
    for author in doctree.findall(citation_node):
        partner = by_pair.get(author.get("pair")) if author.get("part") == "author" else None
        if partner is not None:
            author["docname"], author["index"] = partner["docname"], partner["index"]


def _parse_node(session: Session, node: citation_node) -> citekit.Cluster | None:
    """The node's cluster; a Markdown citation holding emphasis keeps it in its affixes."""
    rich = node.get("rich")
    parse = parse_in_text_citation if node.get("in_text") else parse_citation
    try:
        cluster = parse(session, rich or node["text"])
    except citekit.CitekitError as exc:
        message = str(exc)
        if rich:  # the message names the citation as it was typed, not with its markers
            try:
                parse(session, node["text"])
            except citekit.CitekitError as typed:
                message = str(typed)
        logger.warning("citekit: %s", message, location=node, type="citekit", subtype="syntax")
        return None
    return rich_affixes(cluster) if rich else cluster


def _known_files(
    session: Session,
    keys: Iterable[str],
    node: nodes.Element,
    what: str,
    unknown: list[tuple[str, nodes.Element, str]],
) -> set[Path]:
    """The files ``keys`` come from; the keys the library lacks go to ``unknown``.

    An unknown key makes the document depend on every file, since adding
    the entry to any of them is the fix.
    """
    files: set[Path] = set()
    for raw in keys:
        key = raw[1:] if raw.startswith("@") and raw not in session.library else raw
        origin = session.origins.get(key)
        if origin is not None:
            files.add(origin)
        else:
            files.update(session.files)
            unknown.append((key, node, what))
    return files


def _warn_unknown(session: Session, unknown: list[tuple[str, nodes.Element, str]]) -> None:
    """One warning per unknown key, at its place, with the closest keys of the library."""
    if not unknown:
        return
    hints = suggestions(session, [key for key, _, _ in unknown])
    for key, node, what in unknown:
        hint = hints.get(key, ())
        more = f" (did you mean: {', '.join(hint)}?)" if hint else ""
        logger.warning(
            "citekit: unknown %s key '%s'%s",
            what,
            key,
            more,
            location=node,
            type="citekit",
            subtype="unknown-key",
        )


def suggestions(session: Session, keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The library's closest keys to each of ``keys``, as ``citekit cite`` suggests them.

    citekit's render reports them with each unknown key; rendering against
    records that hold only the keys (made once per process) keeps that
    cheap for a large library.
    """
    if session.key_index is None:
        session.key_index = citekit.Library(citekit.Record(r.key) for r in session.library)
    result = citekit.render(
        session.key_index,
        session.style,
        citations=[citekit.CiteItem(key) for key in keys],
        bibliography=False,
        bibliography_keys=[],
    )
    return {p.key: p.suggestions for p in result.problems if p.code == "unknown-key" and p.key}


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: forget a document's records before it is read again."""
    _state(env).docs.pop(docname, None)


def merge(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    """``env-merge-info``: take the records a parallel reader collected."""
    mine, theirs = _state(env), _state(other)
    for docname in docnames:
        if docname in theirs.docs:
            mine.docs[docname] = theirs.docs[docname]


# ---------------------------------------------------------------------------
# Render: once per build, for the whole project
# ---------------------------------------------------------------------------


def document_order(env: BuildEnvironment, docnames: Iterable[str]) -> list[str]:
    """``docnames`` in the order the root toctree reaches them, the rest sorted after."""
    wanted = set(docnames)
    ordered: list[str] = []
    seen: set[str] = set()
    stack = [env.config.root_doc]
    while stack:
        docname = stack.pop()
        if docname in seen:
            continue
        seen.add(docname)
        if docname in wanted:
            ordered.append(docname)
        stack.extend(reversed(env.toctree_includes.get(docname, [])))
    return ordered + sorted(wanted - set(ordered))


@dataclass
class _Plan:
    """The clusters of the project in reading order, and what the bibliographies add."""

    order: list[str]
    clusters: list[tuple[str, CiteRecord]]
    nocite: str | list[str] | None


def _plan(state: State, env: BuildEnvironment) -> _Plan:
    order = document_order(env, state.docs)
    clusters = [
        (docname, record)
        for docname in order
        for record in sorted(state.docs[docname].cites, key=lambda r: r.order)
    ]
    bibs = [bib for docname in order for bib in state.docs[docname].bibs]
    nocite: str | list[str] | None = None
    if any(bib.every for bib in bibs):
        nocite = "*"
    else:
        extra = list(dict.fromkeys(key for bib in bibs for key in bib.keys))
        nocite = extra or None
    return _Plan(order, clusters, nocite)


def _cluster_for(record: CiteRecord) -> citekit.Cluster:
    """The cluster as rendered: an author-in-text one leaves its author to the text."""
    cluster = record.cluster or citekit.Cluster(())
    if record.author:
        cluster = replace(
            cluster, items=tuple(replace(i, suppress_author=True) for i in cluster.items)
        )
    return replace(cluster, note_number=record.note)


def render_project(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: render everything; return the documents whose output changed."""
    state = _state(env)
    before = {docname: _signature(state.rendered, state, docname) for docname in state.docs}
    if not state.docs:  # no page cites or lists anything
        state.rendered = Rendered()
        return []
    try:
        rendered = _render(_session(app), state, _plan(state, env))
    except citekit.CitekitError as exc:  # the citations show as typed; the build goes on
        logger.warning("citekit: cannot format the citations: %s", exc, type="citekit")
        rendered = Rendered()
    state.rendered = rendered
    return [
        docname
        for docname in state.docs
        if before.get(docname) != _signature(rendered, state, docname)
    ]


def _render(session: Session, state: State, plan: _Plan) -> Rendered:
    """Every citation and bibliography of the project, formatted."""
    rendered = Rendered()
    readable = [(docname, record) for docname, record in plan.clusters if record.cluster]
    project = citekit.render(
        session.library,
        session.style,
        citations=[_cluster_for(record) for _, record in readable],
        nocite=plan.nocite,
        # nothing cited and nothing asked for lists nothing (render alone would list everything)
        bibliography_keys=[] if not readable and plan.nocite is None else None,
        locale=session.locale,
        output="html",
    )
    _report(project.problems)
    rendered.hanging = project.layout.hanging_indent
    texts = dict(zip([(d, r.index) for d, r in readable], project.citations, strict=True))
    if session.note_style:
        texts.update(_per_document(session, readable, project.bibliography_ids))
    for docname in plan.order:
        cites = state.docs[docname].cites
        rendered.citations[docname] = [
            texts.get((docname, r.index), _unreadable(r.text)) for r in cites
        ]
    _fill_bibliographies(rendered, state, plan, session, project)
    _fill_authors(rendered, state, plan, session, project.locale)
    return rendered


def _fill_authors(
    rendered: Rendered, state: State, plan: _Plan, session: Session, locale: str
) -> None:
    """The names put in the text before author-in-text citations, as ``citekit render`` does.

    The style's author-only rendering (:func:`citekit.in_text_authors`);
    in note styles the name a note at that place would print
    (:func:`citekit.positioned_authors`: in full first, short after), with
    each page's notes on their own as :func:`_per_document` renders them.
    """
    library = session.library
    wanted = {
        (docname, r.index): r.cluster.items[0].id
        for docname, r in plan.clusters
        if r.author and r.cluster and len(r.cluster.items) == 1 and r.cluster.items[0].id in library
    }
    if not wanted:
        return
    names = citekit.in_text_authors(library, sorted(set(wanted.values())), session.style, locale)
    html = {place: citekit.serialise(names[key], "html") for place, key in wanted.items()}
    if session.note_style:
        for docname in plan.order:
            readable = [r for _, r in _readable_of(plan, docname)]
            at_place = citekit.positioned_authors(
                library,
                session.style,
                [_cluster_for(r) for r in readable],
                [(docname, r.index) in wanted for r in readable],
                locale=locale,
            )
            for record, name in zip(readable, at_place, strict=True):
                if name is not None:
                    html[(docname, record.index)] = citekit.serialise(name, "html")
    for docname in plan.order:
        rendered.authors[docname] = [
            html.get((docname, r.index), "") for r in state.docs[docname].cites
        ]


def _readable_of(plan: _Plan, docname: str) -> list[tuple[str, CiteRecord]]:
    """One document's readable citations in reading order (as :func:`_per_document` takes them)."""
    return [(d, r) for d, r in plan.clusters if d == docname and r.cluster]


def _unreadable(citation: str) -> str:
    """What a citation that could not be read shows: its text, escaped."""
    text = citation.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    return f"<b>[{text}]</b>"


def _report(problems: Sequence[citekit.Problem]) -> None:
    """Warn about what went wrong in rendering (unknown keys were reported when read)."""
    for problem in dict.fromkeys(p for p in problems if p.code != "unknown-key"):
        logger.warning("citekit: %s", problem.message, type="citekit", subtype=problem.code)


def _per_document(
    session: Session, readable: list[tuple[str, CiteRecord]], context: Sequence[str]
) -> dict[tuple[str, int], str]:
    """Note styles: each document's clusters on their own, so positions stay in the page.

    The bibliography context is the project's, so names and titles are
    disambiguated as the bibliography and the other pages do.
    """
    texts: dict[tuple[str, int], str] = {}
    by_document: dict[str, list[CiteRecord]] = {}
    for docname, record in readable:
        by_document.setdefault(docname, []).append(record)
    for docname, records in by_document.items():
        result = citekit.render(
            session.library,
            session.style,
            citations=[_cluster_for(r) for r in records],
            bibliography=False,
            bibliography_keys=list(context),
            locale=session.locale,
            output="html",
        )
        for record, tree in zip(records, result.citation_trees, strict=True):
            texts[(docname, record.index)] = _as_note(record, tree)
    return texts


def _as_note(record: CiteRecord, tree: citekit.Rich) -> str:
    """A note style's citation as ``citekit render`` prints it where it stands.

    A note made for the citation starts with a capital ("See ...", "Ibid.");
    inside the writer's own note it is part of a sentence there, so it loses
    its closing full stop and, unless written author-in-text, stands in
    parentheses (docs/quotations.md: no doubled full stops).
    """
    if not record.own_note:
        return citekit.serialise(capitalise_note(tree), "html")
    text = without_closing_period(citekit.serialise(tree, "html"))
    return text if record.in_text else f"({text})"


def _selected(
    session: Session,
    plan: _Plan,
    state: State,
    docname: str,
    bib: BibRecord,
    project: citekit.Result,
    cache: dict[tuple[str, tuple[str, ...]], list[str]],
) -> list[str]:
    """The keys one bibliography lists, before its filters.

    Which works stand for a citation (a quotation is listed as the work
    quoting it) is citekit's decision, so the selection is the
    bibliography ids of a render of the clusters in scope.
    """
    if bib.every:
        return project.bibliography_ids
    scope = docname if bib.scope == "document" else ""
    cache_key = (scope, bib.keys)
    if cache_key not in cache:
        clusters = [
            _cluster_for(record)
            for doc, record in plan.clusters
            if record.cluster and (not scope or doc == scope)
        ]
        if not clusters and not bib.keys:
            cache[cache_key] = []  # nothing cited in scope: an empty bibliography
        else:
            result = citekit.render(
                session.library,
                session.style,
                citations=clusters,
                nocite=list(bib.keys) or None,
                locale=session.locale,
            )
            cache[cache_key] = result.bibliography_ids
    return cache[cache_key]


def _keeps(record: citekit.Record, bib: BibRecord) -> bool:
    """Whether a record passes a bibliography's ``:types:`` and ``:keywords:`` filters."""
    if bib.types and record.type not in bib.types:
        return False
    if bib.keywords:
        raw = record.get("keyword") or ""
        have = {word.strip().casefold() for word in re.split(r"[,;]", str(raw)) if word.strip()}
        if not have & {word.casefold() for word in bib.keywords}:
            return False
    return True


def _fill_bibliographies(
    rendered: Rendered, state: State, plan: _Plan, session: Session, project: citekit.Result
) -> None:
    cache: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for docname in plan.order:
        used: set[str] = set()
        for bib in state.docs[docname].bibs:
            wanted = set(_selected(session, plan, state, docname, bib, project, cache))
            entries = [
                (entry.id, entry.text)
                for entry in project.bibliography
                if entry.id in wanted and _keeps(session.library[entry.id], bib)
            ]
            rendered.entries[(docname, bib.index)] = entries
            for key, _ in entries:
                anchor = nodes.make_id(f"citekit-{key}")
                if anchor in used:
                    anchor = nodes.make_id(f"citekit-{bib.index}-{key}")
                used.add(anchor)
                rendered.anchors[(docname, bib.index, key)] = anchor
                shared = bib.every or bib.scope == "project"
                rendered.targets.setdefault(key, []).append((docname, anchor, shared))
    _link_quotations(rendered, plan, session.library)
    rendered.single = _single_page_anchors(rendered, plan.order, state)


def _link_quotations(rendered: Rendered, plan: _Plan, library: citekit.Library) -> None:
    """A cited quotation that no bibliography lists links where the work quoting it does.

    citekit lists a quotation as the work that quotes it (docs/quotations.md),
    so that work's entry is where a reader finds the source; a chain of
    quotations is followed to the first work that is listed
    (:func:`citekit.render.output.link_target`, as every other writer does).
    """
    cited = dict.fromkeys(
        item.id for _, record in plan.clusters if record.cluster for item in record.cluster.items
    )
    for key in cited:
        target = link_target(key, rendered.targets, library)
        if target is not None and target != key:
            rendered.targets[key] = rendered.targets[target]


def _single_page_anchors(
    rendered: Rendered, order: Sequence[str], state: State
) -> dict[tuple[str, str], str]:
    """Entry ids that stay unique when every page is written into one file.

    Each page's ids are unique on that page, but two pages listing one work
    both use ``citekit-KEY``.  In a single file the first listing (in the
    order of the pages) keeps its id and every later one that would repeat
    an id gets ``citekit-DOCNAME-KEY`` (numbered if even that is taken), so
    the page-by-page HTML keeps the ids it always had.
    """
    listings = [
        (docname, rendered.anchors[(docname, bib.index, key)], key)
        for docname in order
        for bib in state.docs[docname].bibs
        for key, _ in rendered.entries.get((docname, bib.index), [])
    ]
    single: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    clashing: list[tuple[str, str, str]] = []
    for docname, anchor, key in listings:
        if anchor in taken:
            clashing.append((docname, anchor, key))
        else:
            taken.add(anchor)
            single[(docname, anchor)] = anchor
    for docname, anchor, key in clashing:
        base = nodes.make_id(f"citekit-{docname}-{key}")
        unique, number = base, 1
        while unique in taken:
            number += 1
            unique = f"{base}-{number}"
        taken.add(unique)
        single[(docname, anchor)] = unique
    return single


def _signature(rendered: Rendered, state: State, docname: str) -> object:
    """What a document's output depends on, to tell whether it must be written again."""
    records = state.docs.get(docname)
    keys = [
        item.id for r in (records.cites if records else ()) if r.cluster for item in r.cluster.items
    ]
    return (
        rendered.citations.get(docname),
        rendered.authors.get(docname),
        [rendered.entries.get((docname, bib.index)) for bib in (records.bibs if records else ())],
        [rendered.targets.get(key, [])[:1] for key in keys],
    )


# ---------------------------------------------------------------------------
# Resolve: placeholders become docutils nodes
# ---------------------------------------------------------------------------


def resolve(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """``doctree-resolved``: write the formatted citations and bibliographies into the tree.

    The ``singlehtml`` builder resolves once, a tree holding every page:
    entries then take the ids that are unique in the whole file, citations
    link to them within the file, and the notes made for citations are
    renamed page by page (:func:`_separate_notes`).
    """
    rendered = _state(app.env).rendered
    single = isinstance(app.builder, SingleFileHTMLBuilder)
    for node in list(doctree.findall(citation_node)):
        node.replace_self(_citation_nodes(app, rendered, node, fromdocname, single))
    for bib in list(doctree.findall(bibliography_node)):
        bib.replace_self(_bibliography_nodes(rendered, bib, single))
    if single:
        _separate_notes(doctree, fromdocname)


def _citation_nodes(
    app: Sphinx, rendered: Rendered, node: citation_node, fromdocname: str, single: bool
) -> nodes.Node:
    docname, index = node.get("docname"), node.get("index")
    authors = rendered.authors.get(docname or "", [])
    author = authors[index] if index is not None and index < len(authors) else ""
    if node.get("part") == "author":  # the name left in the text before a note
        return nodes.inline("", "", *html_to_nodes(author), classes=["citekit-author"])
    texts = rendered.citations.get(docname or "", [])
    html = texts[index] if index is not None and index < len(texts) else _unreadable(node["text"])
    content = html_to_nodes(html)
    wrapper = nodes.inline("", "", *content, classes=["citekit-citation"])
    target = _link_target(app, rendered, docname, index)
    cited: nodes.Node = wrapper
    if target is not None and not has_link(content):
        todocname, anchor = target
        if single:  # one file: a link within it (Sphinx would prefix "#document-NAME")
            anchor = rendered.single.get((todocname, anchor), anchor)
            cited = nodes.reference("", "", wrapper, internal=True, refid=anchor)
        else:
            cited = make_refnode(app.builder, fromdocname, todocname, anchor, wrapper)
    if not author or node.get("pair"):
        return cited
    name = nodes.inline("", "", *html_to_nodes(author), classes=["citekit-author"])
    return nodes.inline("", "", name, nodes.Text(" "), cited, classes=["citekit-in-text"])


def _link_target(
    app: Sphinx, rendered: Rendered, docname: str | None, index: int | None
) -> tuple[str, str] | None:
    """The entry a citation links to: its first work's.

    The entry on the citation's own page if there is one, else the first in
    a bibliography for the whole project, else the first anywhere.
    """
    records = _state(app.env).docs.get(docname or "")
    if records is None or index is None or index >= len(records.cites):
        return None
    cluster = records.cites[index].cluster
    for item in cluster.items if cluster else ():
        targets = rendered.targets.get(item.id)
        if targets:
            best = next((t for t in targets if t[0] == docname), None)
            best = best or next((t for t in targets if t[2]), targets[0])
            return best[0], best[1]
    return None


def _bibliography_nodes(rendered: Rendered, bib: bibliography_node, single: bool) -> nodes.Node:
    docname, index = bib.get("docname", ""), bib.get("index", 0)
    classes = ["citekit-bibliography", "csl-bib-body"]
    if rendered.hanging:
        classes.append("citekit-hanging")
    container = nodes.container(classes=classes)
    for key, html in rendered.entries.get((docname, index), []):
        anchor = rendered.anchors.get((docname, index, key), nodes.make_id(f"citekit-{key}"))
        if single:
            anchor = rendered.single.get((docname, anchor), anchor)
        paragraph = nodes.paragraph("", "", classes=["citekit-entry", "csl-entry"])
        paragraph += nodes.target("", "", ids=[anchor])
        paragraph.extend(html_to_nodes(html))
        container += paragraph
    return container


def _notes_by_page(tree: nodes.Element, page: str) -> Iterable[tuple[str, nodes.Element]]:
    """The footnotes and footnote marks of a single-file tree, each with its page.

    Sphinx puts each inlined page's children in a ``start_of_file`` node
    without making it their parent, so the page is found going down the
    tree, never up from a node.
    """
    for child in tree.children:
        if not isinstance(child, nodes.Element):
            continue
        if isinstance(child, (nodes.footnote, nodes.footnote_reference)):
            yield page, child
        inner = str(child["docname"]) if isinstance(child, addnodes.start_of_file) else page
        yield from _notes_by_page(child, inner)


def _separate_notes(doctree: nodes.document, root: str) -> None:
    """Give the notes made for citations ids unique in a tree that holds every page.

    Each page numbers its citation notes from ``citekit-note-0``, and docutils
    names their marks ``id1``, ``id2`` ... page by page, so in one file they
    repeat.  Each note and its marks are renamed after their page, and the
    links between them follow, matched within the page.
    """
    renamed: dict[tuple[str, str], str] = {}  # (page, old id) -> new id
    found = list(_notes_by_page(doctree, root))
    for page, footnote in found:
        made = isinstance(footnote, nodes.footnote) and footnote["names"] and footnote["ids"]
        name = str(footnote["names"][0]) if made else ""
        if not name.startswith("citekit-note-"):
            continue
        number = name.removeprefix("citekit-note-")
        new = nodes.make_id(f"citekit-note-{page}-{number}")
        renamed.update({(page, old): new for old in footnote["ids"]})
        footnote["ids"] = [new]
        marks = []
        for mark_number, mark in enumerate(footnote["backrefs"], start=1):
            mark_id = nodes.make_id(f"citekit-mark-{page}-{number}-{mark_number}")
            renamed[(page, mark)] = mark_id
            marks.append(mark_id)
        footnote["backrefs"] = marks
    if not renamed:
        return
    for page, reference in found:
        target = renamed.get((page, reference.get("refid", "")))
        if target is None:
            continue
        reference["refid"] = target
        reference["ids"] = [renamed.get((page, i), i) for i in reference["ids"]]


# ---------------------------------------------------------------------------
# Output support files and setup
# ---------------------------------------------------------------------------


def write_support_files(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the stylesheet (HTML) or the LaTeX package the output uses."""
    if exception is not None:
        return
    outdir = Path(app.outdir)
    if app.builder.format == "html":
        (outdir / "_static").mkdir(parents=True, exist_ok=True)
        (outdir / "_static" / "citekit.css").write_text(CSS, encoding="utf-8")
    elif app.builder.format == "latex":
        (outdir / "citekit.sty").write_text(LATEX_PACKAGE, encoding="utf-8")


def _skip(translator: object, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _check_config(app: Sphinx) -> None:
    """``builder-inited``: load the library and style up front, so workers inherit them."""
    _session(app)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register citekit's role, directive, transforms and event handlers."""
    app.add_config_value("citekit_bibliography", [], "env", types=(list, tuple, str))
    app.add_config_value("citekit_style", "apa", "env", types=(str,))
    app.add_config_value("citekit_locale", None, "env", types=(str, type(None)))
    skip = (_skip, None)
    app.add_node(citation_node, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(bibliography_node, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_role("cite", CiteRole())
    app.add_role("citet", CiteInTextRole())
    app.add_directive("bibliography", BibliographyDirective)
    app.add_transform(MarkdownCitations)
    app.add_transform(NoteCitations)
    app.add_css_file("citekit.css")
    app.add_latex_package("citekit")
    app.connect("builder-inited", _check_config)
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-updated", render_project)
    app.connect("doctree-resolved", resolve)
    app.connect("build-finished", write_support_files)
    return {
        "version": citekit.__version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }

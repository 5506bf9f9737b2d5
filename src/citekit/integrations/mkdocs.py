"""The MkDocs plugin: pandoc citations in pages, formatted by citekit in any CSL style.

Enabled in ``mkdocs.yml`` as ``plugins: [citekit: {bibliography: refs.bib}]``
(docs/mkdocs.md has the whole configuration).  No pandoc is involved:

* ``on_page_markdown`` reads each page once, with
  :func:`citekit.render_document` (the same reader as ``citekit render``, so
  ``[@key, p. 33]``, ``[-@key]``, ``@key [p. 3]``, code spans and blocks
  left alone), handed no records: it then only finds the citations, where
  they are and what they cite, and formats nothing.  Unknown keys are
  reported with line and column, and a placeholder goes where each citation
  goes.  Placeholders, not Markdown, because Python-Markdown does not read
  pandoc's Markdown (small caps, spans, ``::: {#refs}`` divs): the formatted
  HTML is put in after it ran.
* The citations are formatted once, as HTML, by one :func:`citekit.render`
  per page (or per site for numeric styles with a site bibliography, so
  numbers match the entries), called with the clusters the reader found, in
  reading order and with the records ``citekit render`` would give the
  engine, so ibid, disambiguation and numbering come out as it gives them;
  the names before author-in-text cites come from
  :func:`citekit.in_text_authors` and :func:`citekit.positioned_authors`,
  as there.
* Note styles become Python-Markdown footnotes (``[^citekit-N]``), numbered
  in one sequence with the page's own footnotes.
* The bodies of admonitions, details and content tabs are read as the text
  they are (:class:`_Dedented`), not as indented code.
* The bibliography goes at a ``<!-- bibliography -->`` (or ``\\bibliography``)
  line, or at the end of the page; with ``bibliography_mode: site``, one page
  carrying the marker lists everything the site cites.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import citekit
from citekit.documents.markdown import affix_markup
from citekit.render.api import entry_sets
from citekit.render.intext import without_closing_period
from citekit.render.output import link_target
from citekit.render.quoted.expansion import quoted_in_target

LOG = logging.getLogger("mkdocs.plugins.citekit")

MARKERS = ("<!-- bibliography -->", "\\bibliography")
"""A line holding only one of these is where the bibliography goes."""

_NOTE_PUNCTUATION = ".,;:!?"
_CLOSING_QUOTES = "\"'”’»"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HTML_PIECE = re.compile(r"<[^>]*>|&[#\w]+;|[^<&]")
_BLOCK_EXTENSION = re.compile(r"^( *)(?:!!!|\?\?\?\+?|===[!+]?)(?: |$)")
_QUOTED_KEY = re.compile(r"'([^']+)'")
_READ_CACHE: dict[Path, tuple[tuple[int, int], Any]] = {}
"""Bibliography files read in this process, with their (mtime, size): ``mkdocs serve``
builds again on every change of a page, and a large .bib takes seconds to read."""


class CitekitConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs
    """The plugin's options (docs/mkdocs.md explains each)."""

    bibliography = opt.Type((str, list), default=[])
    style = opt.Type(str, default="apa")
    locale = opt.Optional(opt.Type(str))
    bibliography_mode = opt.Choice(("page", "site"), default="page")
    link_citations = opt.Type(bool, default=True)
    link_bibliography = opt.Type(bool, default=True)
    bibliography_title = opt.Type(str, default="References")


@dataclass
class _Cite:
    """One citation of a page: where its HTML goes and what the engine renders for it."""

    token: str
    kind: str  # "inline", "note" (a footnote of its own) or "in-note" (inside a footnote)
    in_text: bool
    names_author: bool  # an author-in-text cite whose author's name goes before it
    cluster: citekit.Cluster | None  # the known cites, as the engine gets them; None if none
    unknown: list[str]
    keys: list[str] = field(default_factory=list)  # every key cited, in order
    note_token: str | None = None
    engine_index: int = -1
    author: str = ""  # the name put before it, once the page's citations are formatted


@dataclass
class _PageCitations:
    """What ``on_page_markdown`` found on one page, for the later hooks."""

    page: Page
    locale: str  # the locale tag the reader settled on, as ``citekit render`` has it
    cites: list[_Cite] = field(default_factory=list)
    bibliography_token: str | None = None
    cited_keys: list[str] = field(default_factory=list)  # the records the engine gets


class CitekitPlugin(BasePlugin[CitekitConfig]):  # type: ignore[no-untyped-call]  # mkdocs
    """Formats pandoc citations in MkDocs pages with citekit's CSL engine."""

    def __init__(self) -> None:
        self.library: citekit.Library = citekit.Library()
        self.style: citekit.Style | None = None
        self._pages: list[_PageCitations] = []
        self._site_page: _PageCitations | None = None
        self._nonce = secrets.token_hex(4)
        self._counter = 0
        self._reported: set[str] = set()
        self._entry_problems: dict[str, list[str]] = {}
        self._sets: dict[str, tuple[str, ...]] = {}
        self._punctuation_in_quote = False

    # ------------------------------------------------------------------ config

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Read the bibliography files and the style once per build; prepare footnotes."""
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self._pages, self._site_page, self._reported = [], None, set()
        self.library, self._entry_problems = _load_library(_paths(self.config.bibliography, root))
        self._sets = entry_sets(self.library)
        self.style = _load_style(self.config.style, root)
        if self.style.is_note:
            _enable_footnotes(config)
        # A render of nothing tells the locale the pages get: whether there is one (an
        # unknown locale is told once, here) and where a note mark goes after quoted
        # text (punctuation-in-quote, the style's locale blocks then the locale file:
        # en-US puts a full stop inside, '"an end."[^1]').
        nothing = citekit.render(
            citekit.Library(), self.style, locale=self.config.locale, bibliography=False
        )
        self._report_problems(nothing, [])
        self._punctuation_in_quote = nothing.punctuation_in_quote
        return config

    # ------------------------------------------------------------------ pages

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Put a placeholder where each citation goes, notes at the end, and the
        bibliography's placeholder at its marker (or at the end of the page)."""
        text = markdown.replace("\r\n", "\n")
        dedented = _Dedented.of(text)
        document = self._read(dedented.text, page)
        citations = [self._set_in_parentheses(rendered.found) for rendered in document.citations]
        LOG.debug("citekit: %s: read, %d citations", page.file.src_uri, len(citations))
        self._report_unknown(citations, page, markdown, dedented)
        found = _PageCitations(page, document.locale)
        edits: list[tuple[int, int, str]] = []
        notes: list[str] = []
        for located in citations:
            cite, edit, note = self._cite(located, text, dedented)
            found.cites.append(cite)
            edits.append(edit)
            if note:
                notes.append(note)
        # The records the engine needs: those cited, the members of a cited set and
        # the works a cited quotation is quoted in, as ``citekit render`` gives them.
        found.cited_keys = self._closure(
            item.id for c in found.cites if c.cluster for item in c.cluster.items
        )
        for key in found.cited_keys:  # problems of a cited entry, once per build
            for problem in self._entry_problems.pop(key, []):
                LOG.warning("citekit: %s", problem)
        text = _apply(text, edits)
        text, has_marker = self._bibliography_place(text, found)
        if notes:
            text = text.rstrip("\n") + "\n\n" + "\n\n".join(notes) + "\n"
        if self.config.bibliography_mode == "site" and has_marker:
            if self._site_page is not None:
                LOG.warning(
                    "citekit: %s has a bibliography marker, but %s already holds the site "
                    "bibliography; the marker is ignored",
                    page.file.src_uri,
                    self._site_page.page.file.src_uri,
                )
            else:
                self._site_page = found
        if found.cites or found.bibliography_token:
            self._pages.append(found)
        return text

    def _read(self, markdown: str, page: Page) -> Any:
        """The page read as ``citekit render`` reads a document: its citations, where
        they are, and the locale.  The reader is handed no records, so it formats
        nothing (every key is unknown to it): the citations are formatted once, in
        HTML, by :meth:`_render`, and unknown keys are told from the library here."""
        assert self.style is not None
        return citekit.render_document(
            markdown,
            library=citekit.Library(),
            bibliography=[],
            style=self.style,
            locale=self.config.locale,
            filename=page.file.src_uri,
        )

    def _set_in_parentheses(self, located: Any) -> Any:
        """An author-in-text cite of a biblatex set read as an ordinary cite, as
        ``citekit render`` reads it: a set has no one author to put in the text."""
        if located.in_text and any(item.id in self._sets for item in located.cluster.items):
            return replace(located, in_text=False)
        return located

    def _closure(self, keys: Iterable[str]) -> list[str]:
        """``keys``, the members of the sets among them, then the works their
        quotations are quoted in (transitively), once each, in that order: the
        records ``citekit render`` hands the engine for these citations."""
        with_members: dict[str, None] = {}
        for key in keys:
            with_members.setdefault(key)
            for member in self._sets.get(key, ()):
                with_members.setdefault(member)
        out: dict[str, None] = {}
        for key in with_members:
            current: str | None = key
            while current is not None and current not in out and current in self.library:
                out[current] = None
                current = quoted_in_target(self.library[current], self.library)
        return list(out)

    def _cite(
        self, located: Any, text: str, dedented: _Dedented
    ) -> tuple[_Cite, tuple[int, int, str], str | None]:
        """The placeholder edit for one citation the document reader found (and its note)."""
        assert self.style is not None
        names_author = located.in_text and citekit.author_in_text_applies(
            self.style, in_note=located.in_note
        )
        items = []
        for item in located.cluster.items:
            if item.id in self.library:
                item = _rich_affixes(item)
                # the author is printed before the citation, in the text
                items.append(replace(item, suppress_author=True) if names_author else item)
        unknown = [item.id for item in located.cluster.items if item.id not in self.library]
        cluster = citekit.Cluster(tuple(items), note_number=located.cluster.note_number)
        in_note_style = self.style.is_note
        kind = "inline" if not in_note_style else ("in-note" if located.in_note else "note")
        cite = _Cite(
            token=self._token(),
            kind=kind,
            in_text=located.in_text,
            names_author=names_author and bool(items),
            cluster=cluster if items else None,
            unknown=unknown,
            keys=[item.id for item in located.cluster.items],
        )
        start, end = dedented.offset(located.start), dedented.offset(located.end - 1) + 1
        if kind != "note":
            return cite, (start, end, cite.token), None
        cite.note_token = self._token()
        label = f"citekit-{self._counter}"
        reference = f"[^{label}]"
        replacement = cite.token + reference
        if not located.in_text:
            start = _space_before(text, start)
            if end < len(text) and text[end] in _NOTE_PUNCTUATION:
                mark = text[end]
                replacement = mark + replacement
                end += 1
                # '"an end" [@c].' -> '"an end."[^1]' where the locale says so, as
                # ``citekit render`` and pandoc do: only full stops and commas move.
                if (
                    mark in ".,"
                    and self._punctuation_in_quote
                    and start > 0
                    and text[start - 1] in _CLOSING_QUOTES
                ):
                    start -= 1
                    replacement = mark + text[start] + cite.token + reference
        return cite, (start, end, replacement), f"[^{label}]: {cite.note_token}"

    def _bibliography_place(self, text: str, found: _PageCitations) -> tuple[str, bool]:
        """Where the bibliography goes: a placeholder at the marker line, or at the end
        of a page that cites something (page mode)."""
        token = self._token()
        lines = text.split("\n")
        marker = _marker_line(lines)
        site = self.config.bibliography_mode == "site"
        if marker is not None:
            lines[marker] = f"\n{token}\n"
            found.bibliography_token = token
            return "\n".join(lines), True
        if site or not found.cites:
            return text, False
        found.bibliography_token = token
        title = self.config.bibliography_title
        heading = f"## {title}\n\n" if title else ""
        return text.rstrip("\n") + f"\n\n{heading}{token}\n", False

    def _token(self) -> str:
        """A placeholder: an empty inline HTML element, which Python-Markdown passes
        through as it is, and which adds nothing to a heading's id or to the table of
        contents (the citation's HTML replaces it in the page once Markdown has run)."""
        self._counter += 1
        tag = f"{self._nonce}-{self._counter}"
        return f'<span class="citekit-placeholder" data-citekit="{tag}"></span>'

    def _report_unknown(
        self, citations: list[Any], page: Page, markdown: str, dedented: _Dedented
    ) -> None:
        """Keys the library lacks as MkDocs warnings (``--strict`` fails), with the
        page's line and column and the library's closest keys."""
        offset = _line_offset(page, markdown)
        for located in citations:
            for item in located.cluster.items:
                if item.id in self.library:
                    continue
                suggestions = citekit.closest_keys(item.id, self.library.keys())
                hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
                LOG.warning(
                    "citekit: %s:%d:%d: unknown citation key '%s'%s",
                    page.file.src_uri,
                    located.line + offset,
                    dedented.column(located.line, located.column),
                    item.id,
                    hint,
                )

    def _report_problems(self, result: Any, unit: list[_PageCitations]) -> None:
        """The engine's problems (an entry with no printed form, a quotation's bad
        label ...) as MkDocs warnings, each once per build, naming the first page
        of ``unit`` that cites the entry it is about."""
        for problem in result.problems:
            if problem.code == "unknown-key" or problem.message in self._reported:
                continue
            self._reported.add(problem.message)
            keys = {problem.key} if problem.key else set(_QUOTED_KEY.findall(problem.message))
            page = next((f.page for f in unit if keys & set(f.cited_keys)), None)
            page = page or (unit[0].page if unit else None)
            if page is None:  # a site where nothing is cited
                LOG.warning("citekit: %s", problem.message)
            else:
                LOG.warning("citekit: %s: %s", page.file.src_uri, problem.message)

    # ------------------------------------------------------------------ HTML

    def on_page_content(
        self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Page mode: format this page's citations and bibliography into its HTML."""
        if self.config.bibliography_mode == "site":
            return html_text
        found = next((p for p in reversed(self._pages) if p.page is page), None)
        if found is None:
            return html_text
        result = self._render([found], bibliography=True)
        replacements = self._citations_html([found], result, result.bibliography_ids, files)
        if found.bibliography_token:
            replacements[found.bibliography_token] = _bibliography_html(result)
        return _substitute(html_text, replacements)

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Site mode: every page has been read, so the site bibliography can be made
        and each page's citations put in (numeric styles numbered across the site)."""
        if self.config.bibliography_mode != "site":
            return env
        assert self.style is not None
        if self._site_page is None and any(p.cites for p in self._pages):
            LOG.warning(
                "citekit: bibliography_mode is 'site' but no page has a %s line; "
                "the site bibliography is not shown",
                MARKERS[0],
            )
        site = self._render(self._pages, bibliography=True)
        replacements: dict[str, str] = {}
        if self.style.citation_format == "numeric":  # one sequence of numbers for the site
            replacements = self._citations_html(self._pages, site, site.bibliography_ids, files)
        else:  # each page a document of its own: ibid and first cites start afresh
            for found in self._pages:
                result = self._render([found], bibliography=False)
                replacements.update(
                    self._citations_html([found], result, site.bibliography_ids, files)
                )
        for found in self._pages:  # a second marker shows nothing
            if found.bibliography_token and found is not self._site_page:
                replacements[found.bibliography_token] = ""
        if self._site_page is not None and self._site_page.bibliography_token:
            replacements[self._site_page.bibliography_token] = _bibliography_html(site)
        for found in self._pages:
            page = found.page
            if page.content is not None:
                page.content = _substitute(page.content, replacements)
        return env

    def _render(self, unit: list[_PageCitations], *, bibliography: bool) -> Any:
        """One engine pass, as HTML, over the citations of some pages in reading order,
        given the cited records only (as ``citekit render`` gives them, so that
        disambiguation agrees)."""
        assert self.style is not None
        clusters: list[citekit.Cluster] = []
        for found in unit:
            for cite in found.cites:
                if cite.cluster is not None:
                    cite.engine_index = len(clusters)
                    clusters.append(cite.cluster)
        wanted = {key for found in unit for key in found.cited_keys}
        subset = citekit.Library(record for record in self.library if record.key in wanted)
        result = citekit.render(
            subset,
            self.style,
            citations=clusters,
            locale=self.config.locale,
            output="html",
            link=self.config.link_bibliography,
            bibliography=bibliography and bool(clusters),  # none cited: no entries
        )
        LOG.debug("citekit: formatted %d citations of %d page(s)", len(clusters), len(unit))
        self._report_problems(result, unit)
        return result

    def _name_authors(self, found: _PageCitations) -> None:
        """The name put before each author-in-text cite of a page, as ``citekit render``
        prints it: the style's author-only rendering of each work cited, or in a note
        style the one work's author at the cite's own position ("Justin Raimondo",
        then "Raimondo"), which wins."""
        assert self.style is not None
        naming = [cite.cluster for cite in found.cites if cite.names_author]
        if not naming:
            return
        keys = [item.id for cluster in naming if cluster is not None for item in cluster.items]
        names = citekit.in_text_authors(
            self.library, list(dict.fromkeys(keys)), self.style, found.locale
        )
        engine_cites = [cite for cite in found.cites if cite.cluster is not None]
        positioned = citekit.positioned_authors(
            citekit.Library(self.library[key] for key in found.cited_keys),
            self.style,
            [cite.cluster for cite in engine_cites if cite.cluster is not None],
            [cite.names_author and len(cite.keys) == 1 for cite in engine_cites],
            locale=found.locale,
        )
        for cite, name in zip(engine_cites, positioned, strict=True):
            if cite.names_author and cite.cluster is not None:
                trees = [name] if name is not None else [names[i.id] for i in cite.cluster.items]
                cite.author = " and ".join(citekit.serialise(tree, "text") for tree in trees)

    def _citations_html(
        self, unit: list[_PageCitations], result: Any, entries: list[str], files: Files
    ) -> dict[str, str]:
        """Placeholder -> HTML for the citations of pages rendered in ``result``;
        citations link to ``entries`` (the ids of the bibliography they are listed in)."""
        replacements: dict[str, str] = {}
        listed = set(entries)
        for found in unit:
            self._name_authors(found)
            target = self._link_base(found, files)
            for cite in found.cites:
                replacements.update(self._cite_html(cite, result, target, listed))
        return replacements

    def _link_base(self, found: _PageCitations, files: Files) -> str | None:
        """Where citations of this page link to: '' for this page, a URL for the site
        bibliography's page, None for no links."""
        if not self.config.link_citations:
            return None
        if self.config.bibliography_mode == "page":
            return ""
        if self._site_page is None:
            return None
        if self._site_page is found:
            return ""
        bib_file: File = self._site_page.page.file
        return bib_file.url_relative_to(found.page.file)

    def _cite_html(
        self, cite: _Cite, result: Any, link_base: str | None, listed: set[str]
    ) -> dict[str, str]:
        """The HTML of one citation (and of its note, for note styles)."""
        assert self.style is not None
        body = result.citations[cite.engine_index] if cite.cluster is not None else ""
        marks = [html.escape(f"???{key}") for key in cite.unknown]
        if cite.kind == "note":
            body = _capitalise(body)
        elif cite.kind == "in-note":
            body = without_closing_period(body)
        if marks:
            body = "; ".join([body, *marks]) if body else "; ".join(marks)
        author = html.escape(cite.author)
        if cite.kind == "note":
            assert cite.note_token is not None
            return {cite.token: author, cite.note_token: _span(cite, body)}
        if cite.kind == "in-note":
            return {cite.token: _span(cite, body if cite.in_text else f"({body})")}
        # one work, listed or (a quotation not listed) quoted in a listed work
        entry = (
            link_target(cite.cluster.items[0].id, listed, self.library)
            if cite.cluster is not None and len(cite.cluster.items) == 1
            else None
        )
        if link_base is not None and entry is not None and not marks:
            href = f"{link_base}#{anchor(entry)}"
            body = f'<a class="citekit-cite" href="{html.escape(href)}">{body}</a>'
        return {cite.token: _span(cite, f"{author} {body}".strip())}


# ---------------------------------------------------------------------- helpers


def anchor(key: str) -> str:
    """The HTML id of a key's bibliography entry: ``ref-KEY``, as pandoc names it."""
    return "ref-" + re.sub(r"[^\w:.\-]", "-", key)


def _paths(value: object, root: Path) -> list[Path]:
    """The bibliography option (one path or a list) as paths from mkdocs.yml's folder."""
    names = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    if not names:
        raise PluginError("citekit: the 'bibliography' option names no file")
    if not all(isinstance(n, str) for n in names):
        raise PluginError("citekit: 'bibliography' must be a file name or a list of them")
    return [root / n for n in names]


def _load_library(paths: list[Path]) -> tuple[citekit.Library, dict[str, list[str]]]:
    """All the bibliography files in one library, and the problems of its entries.

    A problem of the files themselves is a warning now; a problem of one entry
    (a field that cannot be printed, a bad date) is kept by key and becomes a
    warning when a page cites that entry, so that a large library's flaws in
    works nobody cites neither flood the log nor fail ``mkdocs build --strict``.
    """
    library = citekit.Library()
    problems: dict[str, list[str]] = {}
    for path in paths:
        if not path.is_file():
            raise PluginError(f"citekit: bibliography file not found: {path}")
        result = _read_file(path)
        for diagnostic in result.diagnostics:
            if diagnostic.severity.name not in ("WARNING", "ERROR"):
                continue
            if diagnostic.key:
                problems.setdefault(diagnostic.key, []).append(str(diagnostic))
            else:
                LOG.warning("citekit: %s", diagnostic)
        for record in result.library:
            if record.key in library:
                LOG.warning("citekit: %s: duplicate key '%s' ignored", path, record.key)
                continue
            library.add(record)
    return library, problems


def _read_file(path: Path) -> Any:
    """A bibliography file read once per change (``mkdocs serve`` builds repeatedly)."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _READ_CACHE.get(path.resolve())
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        result = citekit.read(path)
    except citekit.CitekitError as error:
        raise PluginError(f"citekit: cannot read {path}: {error}") from error
    _READ_CACHE[path.resolve()] = (stamp, result)
    return result


def _load_style(name: str, root: Path) -> citekit.Style:
    """A CSL style by name or by a path relative to mkdocs.yml."""
    candidate = root / name
    try:
        return citekit.find_style(candidate if candidate.is_file() else name)
    except citekit.CitekitError as error:
        raise PluginError(f"citekit: style '{name}': {error}") from error


def _enable_footnotes(config: MkDocsConfig) -> None:
    """Note styles need Python-Markdown footnotes, numbered in reference order so that
    citation notes and the page's own notes share one sequence."""
    extensions = config.markdown_extensions
    named = [e for e in extensions if isinstance(e, str) and e.split(".")[-1] == "footnotes"]
    name = named[0] if named else "footnotes"
    if not named:
        extensions.append(name)
    settings = config.mdx_configs.setdefault(name, {})
    settings.setdefault("USE_DEFINITION_ORDER", False)


def _rich_affixes(item: citekit.CiteItem) -> citekit.CiteItem:
    """A cite whose Markdown prefix and suffix (``[*see* @a]``) the engine reads as
    rich text, as ``citekit render`` hands them to it."""
    return replace(
        item,
        prefix=affix_markup(item.prefix) if item.prefix else item.prefix,
        suffix=affix_markup(item.suffix) if item.suffix else item.suffix,
    )


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, replacement) made, edits given in any order."""
    out: list[str] = []
    position = 0
    for start, end, replacement in sorted(edits):
        if start < position:  # overlapping (a citation inside an inline note): keep the first
            continue
        out.append(text[position:start])
        out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out)


def _space_before(text: str, start: int) -> int:
    """Where the white space before a note mark starts: the mark hugs the word before
    it, even across a line break inside the paragraph."""
    position = start
    while position > 0 and text[position - 1] in " \t":
        position -= 1
    if (
        position > 1
        and text[position - 1] == "\n"
        and text[position - 2] != "\n"
        and text[position - 2 : position - 1].strip()
    ):
        position -= 1
        while position > 0 and text[position - 1] in " \t":
            position -= 1
    return position


def _marker_line(lines: list[str]) -> int | None:
    """The index of the first bibliography marker line outside fenced code, or None."""
    fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if match:
            mark = match.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
            continue
        if fence is None and line.strip() in MARKERS:
            return index
    return None


def _line_offset(page: Page, markdown: str) -> int:
    """Lines MkDocs took off the top of the file (the front matter) before the hook."""
    source = page.file.content_string.replace("\r\n", "\n") if page.file.abs_src_path else ""
    text = markdown.replace("\r\n", "\n")
    if text and source.endswith(text):
        return source[: len(source) - len(text)].count("\n")
    return 0


@dataclass
class _Dedented:
    """A page with the bodies of Python-Markdown's block extensions dedented, for the
    citation reader, and the way back to the page's own offsets.

    Admonitions (``!!! note``), details (``??? note``) and content tabs
    (``=== "Tab"``) indent their bodies by four spaces; a CommonMark reader
    takes an indented paragraph after a blank line for code and would leave its
    citations alone.  Each body line loses the four spaces of every block it is
    in, and gets as many at its end, so that every line keeps its length and
    every line its offset; code inside a body (indented four more) stays code.
    """

    text: str
    starts: list[int]  # the offset of each line
    columns: dict[int, list[int]]  # moved line -> the page's column of each column

    @classmethod
    def of(cls, text: str) -> _Dedented:
        lines = text.split("\n")
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        columns: dict[int, list[int]] = {}
        open_blocks: list[int] = []  # the indentation of each block the line is in
        for index, line in enumerate(lines):
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip(" "))
            while open_blocks and indent < open_blocks[-1] + 4:
                open_blocks.pop()
            if open_blocks:
                removed = {c for depth in open_blocks for c in range(depth, depth + 4)}
                kept = [c for c in range(len(line)) if c not in removed]
                lines[index] = "".join(line[c] for c in kept) + " " * len(removed)
                columns[index] = kept + [len(line)] * len(removed)
            start = _BLOCK_EXTENSION.match(line)
            if start:
                open_blocks.append(len(start.group(1)))
        return cls("\n".join(lines), starts, columns)

    def offset(self, offset: int) -> int:
        """The page's offset of a character of the dedented text."""
        index = bisect_right(self.starts, offset) - 1
        moved = self.columns.get(index)
        if moved is None:
            return offset
        return self.starts[index] + moved[offset - self.starts[index]]

    def column(self, line: int, column: int) -> int:
        """The page's column (1-based) of a column on a line (1-based) of the text."""
        moved = self.columns.get(line - 1)
        return column if moved is None or column > len(moved) else moved[column - 1] + 1


def _capitalise(fragment: str) -> str:
    """A note starts with a capital letter ("Ibid.", "See ..."), as citeproc-js writes
    it: the first letter, when only markup, quotes or a parenthesis come before it."""
    before = ""
    for match in _HTML_PIECE.finditer(fragment):
        piece = match.group(0)
        if piece.startswith("<"):
            continue
        char = html.unescape(piece)
        if char.isalpha():
            if before.strip("\"'“‘("):
                return fragment
            return fragment[: match.start()] + char.upper() + fragment[match.end() :]
        before += char
    return fragment


def _span(cite: _Cite, content: str) -> str:
    """A citation as pandoc's HTML writer marks it (``span.citation``, ``data-cites``),
    so a theme's CSS and a reader's scripts find it."""
    cites = html.escape(" ".join(cite.keys))
    return f'<span class="citation" data-cites="{cites}">{content}</span>'


def _bibliography_html(result: Any) -> str:
    """The entries as a ``csl-bib-body`` div, each entry with its ``ref-KEY`` id."""
    if not result.bibliography:
        return ""
    hanging = bool(result.layout.hanging_indent)
    style = ' style="padding-left:2em;text-indent:-2em"' if hanging else ""
    entries = "\n".join(
        f'<div class="csl-entry" id="{html.escape(anchor(e.id))}"{style}>{e.text}</div>'
        for e in result.bibliography
    )
    classes = "citekit-bibliography csl-bib-body" + (" hanging-indent" if hanging else "")
    return f'<div class="{classes}">\n{entries}\n</div>'


def _substitute(text: str, replacements: dict[str, str]) -> str:
    """Placeholders in HTML replaced; a placeholder alone in a paragraph (the
    bibliography's) replaces the paragraph."""
    if not replacements:
        return text
    pattern = re.compile(
        r"<p>(" + "|".join(map(re.escape, replacements)) + r")</p>"
        r"|(" + "|".join(map(re.escape, replacements)) + r")"
    )
    return pattern.sub(lambda m: replacements[m.group(1) or m.group(2)], text)


__all__ = ["MARKERS", "CitekitConfig", "CitekitPlugin", "anchor"]

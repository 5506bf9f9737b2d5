"""A pandoc filter: pandoc reads and writes the document, citekit formats its citations.

``pandoc paper.md --filter citekit-pandoc -o paper.docx`` hands this module
the document as pandoc's JSON AST; every ``Cite`` element gets its text from
citekit's engine (through :func:`citekit.render.render`), the bibliography goes
into the ``::: {#refs}`` div (or at the end), and the AST goes back to pandoc,
which writes whatever format was asked for.  It does what ``pandoc
--citeproc`` does with the same metadata (``bibliography``, ``references``,
``csl``, ``lang``, ``nocite``, ``link-citations``, ``link-bibliography``,
``reference-section-title``, ``suppress-bibliography``,
``notes-after-punctuation``, ``citation-abbreviations``), so a document needs no change to switch
engines; docs/pandoc-filter.md lists where the two still differ and why.

The element shapes used here are the same in pandoc 2.17 (pandoc-types
1.22) and pandoc 3.x (1.23); the version field is written back as it came
(:mod:`citekit.documents.pandoc_ast`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from citekit.documents.frontmatter import metadata_flag
from citekit.documents.pandoc_ast import (
    Element,
    affix_markup,
    affix_pieces,
    attr,
    element,
    elements,
    first_letter_upper,
    last_str,
    meta_list,
    meta_value,
    rich_inlines,
    stringify,
    text_inlines,
    walk,
)
from citekit.documents.rendering import (
    BibliographyDiv,
    author_in_text_applies,
    div_level,
    in_text_authors,
    load_libraries,
    positioned_authors,
    section_keys,
    section_scoped,
    split_bibliography,
)
from citekit.errors import DataError, Diagnostic, Severity, UsageError
from citekit.formats import csljson
from citekit.formats.citesyntax import StyleTerms, parse_locator, style_locator_terms
from citekit.model.records import Library
from citekit.render import quoted
from citekit.render.abbreviations import abbreviate, read_abbreviations
from citekit.render.api import BibEntry, Result, render, set_closure
from citekit.render.output import link_target
from citekit.render.richtext import Rich, Span, Text
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import Style, find_style

PANDOC_DEFAULT_STYLE = "chicago-author-date"
"""The style pandoc's citeproc uses when the metadata names none; so does the filter."""

_NOCITE_KEY = re.compile(r"@(?:\{([^{}]+)\}|([\w*](?:[\w]|[:.#$%&\-+?<>~/](?=[\w]))*))")
_NOTE_PUNCTUATION = ".,;:!?"
_MULTI_BIB = re.compile(r"bibliography-(?P<name>[\w-]+)$")


@dataclass
class FilterResult:
    """What :func:`filter_document` did: the document, and the problems it met.

    ``problems`` counts problems in the data (unknown keys, broken entries):
    the ``citekit pandoc-filter`` command exits 1 for them once the document
    is written, while ``citekit-pandoc`` (the program pandoc runs) exits 0,
    because pandoc gives up on the whole conversion when a filter fails.
    """

    document: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    problems: int = 0


@dataclass
class _Site:
    """One ``Cite`` element, where it stands and what it became."""

    node: Element
    in_note: bool
    note_number: int
    in_text: bool = False
    written_in_text: bool = False
    keys: tuple[str, ...] = ()
    author: Rich | None = None  # an author-in-text name rendered at this cite's position


@dataclass
class _Settings:
    """The metadata that steers citations, read once."""

    bibliography: list[str]
    named_bibliographies: dict[str, list[str]]
    references: Any
    csl: str | None
    lang: str | None
    nocite: list[str]
    link_citations: bool
    link_bibliography: bool
    section_title: str | None
    suppress_bibliography: bool
    notes_after_punctuation: bool
    abbreviations: str | None = None


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------


def nocite_keys(value: Any) -> list[str]:
    """The keys of ``nocite`` (``@*`` is ``*``): from its ``Cite`` elements or its text."""
    if value is None:
        return []
    keys = [str(c["citationId"]) for cite in elements(value, "Cite") for c in cite["c"][0]]
    if keys:
        return list(dict.fromkeys(keys))
    text = " ".join(meta_list(value))
    return list(dict.fromkeys(m.group(1) or m.group(2) for m in _NOCITE_KEY.finditer(text)))


def _optional_text(value: Any) -> str | None:
    """A metadata string (``csl``, ``lang``), or None when absent or blank."""
    plain = meta_value(value)
    text = str(plain).strip() if plain is not None else ""
    return text or None


def _settings(meta: Mapping[str, Any]) -> _Settings:
    named = {
        m["name"]: meta_list(value) for key, value in meta.items() if (m := _MULTI_BIB.match(key))
    }
    return _Settings(
        bibliography=meta_list(meta.get("bibliography")),
        named_bibliographies=named,
        references=meta_value(meta.get("references")),
        csl=_optional_text(meta.get("csl")),
        lang=_optional_text(meta.get("lang")),
        nocite=nocite_keys(meta.get("nocite")),
        link_citations=metadata_flag(meta_value(meta.get("link-citations"))),
        link_bibliography=metadata_flag(meta_value(meta.get("link-bibliography")), True),
        section_title=_optional_text(meta.get("reference-section-title")),
        suppress_bibliography=metadata_flag(meta_value(meta.get("suppress-bibliography"))),
        notes_after_punctuation=metadata_flag(
            meta_value(meta.get("notes-after-punctuation")), True
        ),
        abbreviations=_optional_text(meta.get("citation-abbreviations")),
    )


def _style(settings: _Settings, folder: Path) -> Style:
    """The ``csl`` style: a file relative to the working folder, else a style name."""
    if settings.csl is None:
        return find_style(PANDOC_DEFAULT_STYLE)
    path = folder / Path(settings.csl).expanduser()
    if path.is_file():
        return find_style(path)
    return find_style(settings.csl)


def _load(
    settings: _Settings, folder: Path, result: FilterResult
) -> tuple[Library, dict[str, set[str]]]:
    """The bibliography files (relative to the working folder, as in pandoc) and ``references``.

    Returns the library and, for every ``bibliography-NAME`` list, the keys
    its files hold (for the ``refs-NAME`` divs).
    """
    library = Library()
    named_keys: dict[str, set[str]] = {}
    groups: list[tuple[str | None, list[str]]] = [(None, settings.bibliography)]
    groups += list(settings.named_bibliographies.items())
    for name, paths in groups:
        if not paths:
            continue
        files = [folder / Path(p).expanduser() for p in paths]
        for file in files:
            if not file.exists():
                raise DataError(f"the metadata's bibliography file {file} does not exist")
        found, diagnostics = load_libraries(files, named_by_document=True)
        _report(diagnostics, result)
        if name is not None:
            named_keys[name] = set(found.keys())
        _merge(library, found)
    if settings.references:
        items = settings.references if isinstance(settings.references, list) else []
        read = csljson.read(
            json.dumps([_typed(i) for i in items], ensure_ascii=False),
            filename="metadata references",
        )
        _report(read.diagnostics, result)
        _merge(library, read.library)
    if settings.abbreviations:  # relative to the working folder, as pandoc reads it
        table = read_abbreviations(folder / Path(settings.abbreviations).expanduser())
        library = abbreviate(library, table)
    return library, named_keys


def _typed(value: Any, key: str = "") -> Any:
    """Metadata scalars are strings; CSL-JSON wants numbers in ``date-parts``."""
    if isinstance(value, dict):
        return {k: _typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v, key) for v in value]
    if key == "date-parts" and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def _merge(library: Library, extra: Library) -> None:
    for record in extra:
        if record.key not in library:
            library.add(record)


def _report(diagnostics: Sequence[Diagnostic], result: FilterResult) -> None:
    for diagnostic in diagnostics:
        if diagnostic.severity is Severity.INFO:
            continue
        result.warnings.append(str(diagnostic))
        if diagnostic.severity is Severity.ERROR:
            result.problems += 1


# ---------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------


def _sites(blocks: Any, style: Style) -> list[_Site]:
    """Every ``Cite`` in document order, with the note it sits in or becomes.

    In a note style a citation outside a footnote becomes a footnote of its
    own, so it takes the next note number, as the document's footnotes do.
    """
    sites: list[_Site] = []
    count = 0

    def visit(node: Element, in_note: bool) -> bool:
        nonlocal count
        tag = node.get("t")
        if tag == "Note" and not in_note:
            count += 1
        elif tag == "Cite":
            if not in_note and style.is_note:
                count += 1
            sites.append(_Site(node, in_note, count if (in_note or style.is_note) else count + 1))
            return False
        return True

    walk(blocks, visit)
    return sites


def _suffix(rest: str, markup: str) -> str | None:
    """A suffix as the engine prints it: a word after the locator gets its space.

    ``rest`` is the suffix's text after the locator, ``markup`` the same
    with its emphasis and the like (:func:`affix_markup`).
    """
    if not rest.strip():
        return None
    collapsed = " ".join(markup.split())
    if rest[:1].isspace() or " ".join(rest.split())[:1].isalnum():
        return " " + collapsed
    return collapsed


def _cite_item(citation: Mapping[str, Any], locale: str, style_terms: StyleTerms) -> CiteItem:
    """One pandoc citation as a cite, the locator read off the suffix's text.

    Prefix and suffix keep their emphasis, strong text, small caps,
    superscripts and subscripts (as CSL-JSON markup, which the engine
    reads), as with ``--citeproc``.
    """
    prefix = " ".join(affix_markup(affix_pieces(citation.get("citationPrefix", []))).split())
    pieces = affix_pieces(citation.get("citationSuffix", []))
    suffix = "".join(value for kind, value in pieces if kind == "text")
    label, locator, rest = parse_locator(suffix, locale, style_terms=style_terms)
    mode = citation.get("citationMode", {}).get("t")
    return CiteItem(
        id=str(citation["citationId"]),
        locator=locator,
        label=label if locator is not None else None,
        prefix=f"{prefix} " if prefix else None,
        suffix=_suffix(rest, affix_markup(pieces, len(suffix) - len(rest))),
        suppress_author=mode == "SuppressAuthor",
    )


def _cluster(site: _Site, style: Style, locale: str, style_terms: StyleTerms) -> Cluster:
    """A ``Cite`` element as a cluster; an author-in-text cite keeps its author out."""
    citations = [c for c in site.node["c"][0] if c.get("citationId") != "*"]
    items = [_cite_item(c, locale, style_terms) for c in citations]
    # pandoc reads ``@a [p. 3; @b]`` as an author-in-text cite of a, then a normal
    # one of b: the first cite decides, and only its author goes into the text
    site.written_in_text = (
        bool(citations) and citations[0].get("citationMode", {}).get("t") == "AuthorInText"
    )
    site.in_text = site.written_in_text and author_in_text_applies(style, in_note=site.in_note)
    if site.in_text:
        items[0] = replace(items[0], suppress_author=True)
    site.keys = tuple(i.id for i in items)
    return Cluster(items=tuple(items), note_number=site.note_number)


def _positioned_authors(
    kept: Sequence[tuple[_Site, Cluster]], library: Library, style: Style, locale: str
) -> None:
    """Name the author of each author-in-text cite of a note style at its position.

    The names are those ``citekit render`` prints
    (:func:`citekit.documents.rendering.positioned_authors`): in full the
    first time, short after, as pandoc does.
    """
    wanted = [site.in_text and site.keys[0] in library for site, _ in kept]
    names = positioned_authors(
        library, style, [cluster for _, cluster in kept], wanted, locale=locale
    )
    for (site, _), name in zip(kept, names, strict=True):
        if name is not None:
            site.author = name


# ---------------------------------------------------------------------------
# Putting the rendered text in
# ---------------------------------------------------------------------------


def _strip_period(inlines: list[Element]) -> list[Element]:
    """A citation inside running text (a footnote) loses the note's closing period."""
    last = last_str(inlines)
    if last is not None:
        text = str(last["c"])
        for ending, keep in ((".\u201d", "\u201d"), (".\u2019", "\u2019"), (".", "")):
            if text.endswith(ending) and not re.search(r"(?:\bal|\b[A-Z])\.$", text):
                last["c"] = text[: -len(ending)] + keep
                break
    return inlines


def _author_inlines(site: _Site, authors: Mapping[str, Rich]) -> list[Element]:
    """The name printed before an author-in-text citation: its first cite's author."""
    if site.author is not None:
        return rich_inlines(site.author)
    return rich_inlines(authors.get(site.keys[0], Text(site.keys[0])))


def _link(inlines: list[Element], site: _Site, listed: set[str], library: Library) -> list[Element]:
    """``link-citations``: a one-work citation links to its entry (``#ref-KEY``); a
    quotation that is not listed, to the entry of the work quoting it (:func:`link_target`)."""
    target = link_target(site.keys[0], listed, library) if len(site.keys) == 1 else None
    if target is None:
        return inlines
    return [element("Link", [attr(), inlines, [f"#ref-{target}", ""]])]


def _citation_inlines(
    site: _Site,
    tree: Rich,
    style: Style,
    authors: Mapping[str, Rich],
    settings: _Settings,
    listed: set[str],
    library: Library,
) -> list[Element]:
    """The new contents of one ``Cite``: text, a footnote, or the author and a footnote."""
    body = rich_inlines(tree)
    if settings.link_citations and not style.is_note:
        body = _link(body, site, listed, library)
    if style.is_note and not site.in_note:
        note = [element("Note", [element("Para", first_letter_upper(body))])]
        if site.in_text:
            return _author_inlines(site, authors) + note
        return note
    if style.is_note:  # a citation inside a footnote stays running text there
        body = _strip_period(body)
        if site.written_in_text:  # "as Doe, Title, argues": the whole citation, no brackets
            return body
        return [*text_inlines("("), *body, *text_inlines(")")]
    if site.in_text:
        # nothing left after the name (MLA's "@wilde."): no space before the punctuation
        space = [element("Space")] if stringify(body).strip() else []
        return [*_author_inlines(site, authors), *space, *body]
    return body


def _starts_superscript(inlines: Sequence[Element]) -> bool:
    """A citation printed as a superscript (AMA's ``^1``), possibly inside its link."""
    first = inlines[0] if inlines else None
    if isinstance(first, dict) and first.get("t") == "Link":
        first = first["c"][1][0] if first["c"][1] else None
    return isinstance(first, dict) and first.get("t") == "Superscript"


def _drop_space_before(node: Any, cites: set[int]) -> None:
    """``Text [@a]`` with a superscript style is ``Text^1``, as pandoc's citeproc writes it.

    The space that separated the word from the bracketed citation would
    otherwise stand between the word and its superscript number.
    """
    if isinstance(node, dict):
        contents = node.get("c")
        if isinstance(contents, (list, dict)):
            _drop_space_before(contents, cites)
        return
    if not isinstance(node, list):
        return
    for child in node:
        _drop_space_before(child, cites)
    for index in range(len(node) - 1, 0, -1):
        item, before = node[index], node[index - 1]
        if (
            isinstance(item, dict)
            and id(item) in cites
            and isinstance(before, dict)
            and before.get("t") in ("Space", "SoftBreak")
        ):
            del node[index - 1]


def _move_punctuation(
    node: Any, notes: set[int], inside_quote: bool, named: frozenset[int] = frozenset()
) -> None:
    """Put the punctuation after a footnote citation before it, as pandoc's citeproc does.

    ``text [@a].`` becomes ``text.[^1]``: the space before the note goes,
    and the full stop moves before the note mark, into a closing quote
    when the style's or locale's ``punctuation-in-quote`` wants it
    (``"an end."[^1]``; :attr:`Result.punctuation_in_quote`).  In the
    ``named`` cites (author in text, ``@a.``) it goes between the name and
    the note mark, as pandoc 3 puts it: ``Doe.[^1]``.
    """
    if isinstance(node, dict):
        contents = node.get("c")
        if isinstance(contents, (list, dict)):
            _move_punctuation(contents, notes, inside_quote, named)
        return
    if not isinstance(node, list):
        return
    for child in node:
        _move_punctuation(child, notes, inside_quote, named)
    index = 0
    while index < len(node):
        item = node[index]
        if isinstance(item, dict) and id(item) in named:
            _pull_after_name(node, index)
        elif isinstance(item, dict) and id(item) in notes:
            if index and node[index - 1].get("t") in ("Space", "SoftBreak"):
                del node[index - 1]
                index -= 1
            _pull_punctuation(node, index, inside_quote)
        index += 1


def _take_punctuation(node: list[Any], index: int) -> str:
    """The punctuation that starts the ``Str`` after ``node[index]``, taken out of it."""
    following = node[index + 1] if index + 1 < len(node) else None
    if not isinstance(following, dict) or following.get("t") != "Str":
        return ""
    text = str(following["c"])
    punctuation = text[: len(text) - len(text.lstrip(_NOTE_PUNCTUATION))]
    if len(punctuation) == len(text):
        del node[index + 1]
    elif punctuation:
        following["c"] = text[len(punctuation) :]
    return punctuation


def _pull_after_name(node: list[Any], index: int) -> None:
    """``@a.`` in a note style: the name, the punctuation, then the note mark.

    A name ending in a full stop ("Goossens et al.") takes no second one.
    """
    punctuation = _take_punctuation(node, index)
    if not punctuation:
        return
    contents = node[index]["c"][1]
    name = stringify(contents[:-1])
    if name.endswith(".") and punctuation.startswith("."):
        punctuation = punctuation[1:]
    if punctuation:
        contents.insert(len(contents) - 1, element("Str", punctuation))


def _pull_punctuation(node: list[Any], index: int, inside_quote: bool) -> None:
    punctuation = _take_punctuation(node, index)
    if not punctuation:
        return
    before = node[index - 1] if index else None
    if (
        isinstance(before, dict)
        and before.get("t") == "Quoted"
        and inside_quote
        and punctuation in (".", ",")
    ):
        before["c"][1].append(element("Str", punctuation))
    elif isinstance(before, dict) and before.get("t") == "Str":
        before["c"] = str(before["c"]) + punctuation
    else:
        node.insert(index, element("Str", punctuation))


# ---------------------------------------------------------------------------
# Bibliography
# ---------------------------------------------------------------------------


def _entry_div(entry: BibEntry) -> Element:
    """One entry as pandoc writes it: ``Div ("ref-KEY", ["csl-entry"]) [Para ...]``."""
    return element(
        "Div",
        [
            attr(f"ref-{entry.id}", ["csl-entry"]),
            [element("Para", rich_inlines(_no_entry_part(entry.rich)))],
        ],
    )


def _no_entry_part(rich: Rich) -> Rich:
    return rich if not isinstance(rich, Span) or rich.part != "entry" else replace(rich, part=None)


def _refs_attr(node_attr: list[Any], result: Result) -> list[Any]:
    classes = [c for c in node_attr[1] if c not in ("references", "csl-bib-body")]
    classes = ["references", "csl-bib-body", *classes]
    if result.layout.hanging_indent and "hanging-indent" not in classes:
        classes.append("hanging-indent")
    return [node_attr[0], classes, node_attr[2]]


def _div_attributes(node_attr: list[Any]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in node_attr[2]}


def _named_divs(
    document: dict[str, Any],
    divs: Sequence[Element],
    sites: Sequence[_Site],
    named_keys: Mapping[str, set[str]],
) -> list[BibliographyDiv]:
    """The ``refs-NAME`` divs as the shared selection sees them (docs/documents.md).

    Positions are the order in which the walk meets elements, so headings,
    citations (a footnote's at its place in the text) and divs compare as in
    the Markdown renderer.
    """
    order: dict[int, int] = {}
    headings: list[tuple[int, int]] = []

    def visit(node: Element, _in_note: bool) -> bool:
        order[id(node)] = len(order)
        if node.get("t") == "Header":
            headings.append((order[id(node)], int(node["c"][0])))
        return True

    walk(document["blocks"], visit)
    citations = [(order.get(id(site.node), 0), site.keys) for site in sites]
    out: list[BibliographyDiv] = []
    for div in divs:
        name = str(div["c"][0][0])[len("refs-") :]
        attributes = _div_attributes(div["c"][0])
        section = (
            section_keys(order[id(div)], div_level(attributes), headings, citations)
            if section_scoped(name, attributes, named_keys)
            else None
        )
        out.append(BibliographyDiv(name, attributes, section))
    return out


def _place_bibliography(
    document: dict[str, Any],
    result: Result,
    settings: _Settings,
    named_keys: Mapping[str, set[str]],
    library: Library,
    sites: Sequence[_Site] = (),
) -> None:
    """Fill ``#refs`` and every ``#refs-NAME`` div; without ``#refs``, append one at the end.

    Which entries a ``refs-NAME`` div lists is decided as in ``citekit
    render`` (:func:`citekit.documents.rendering.split_bibliography`).
    """
    divs = [
        d
        for d in elements(document["blocks"], "Div")
        if d["c"][0][0] == "refs" or str(d["c"][0][0]).startswith("refs-")
    ]
    named = [d for d in divs if d["c"][0][0] != "refs"]
    per_div, rest = split_bibliography(
        result.bibliography, _named_divs(document, named, sites, named_keys), named_keys, library
    )
    for div, chosen in zip(named, per_div, strict=True):
        div["c"] = [_refs_attr(div["c"][0], result), [_entry_div(e) for e in chosen]]
    main = next((d for d in divs if d["c"][0][0] == "refs"), None)
    if main is not None:
        main["c"] = [_refs_attr(main["c"][0], result), [_entry_div(e) for e in rest]]
        return
    if not rest:
        return
    if settings.section_title:
        document["blocks"].append(
            element(
                "Header",
                [1, attr("bibliography", ["unnumbered"]), text_inlines(settings.section_title)],
            )
        )
    document["blocks"].append(
        element("Div", [_refs_attr(attr("refs"), result), [_entry_div(e) for e in rest]])
    )


# ---------------------------------------------------------------------------
# The filter
# ---------------------------------------------------------------------------


def _check_document(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or not isinstance(document.get("blocks"), list):
        raise DataError(
            "the input is not a pandoc JSON document "
            '(no "blocks" list; run through pandoc with --filter or -t json)'
        )
    version = document.get("pandoc-api-version")
    if not isinstance(version, list) or version[:1] != [1] or len(version) < 2:
        raise DataError(
            f"unsupported pandoc-api-version {version!r} (pandoc 2.11 and later write 1.22 or 1.23)"
        )
    if not isinstance(document.get("meta"), dict):
        document["meta"] = {}
    return document


def filter_document(
    document: Any,
    *,
    folder: str | Path | None = None,
    metadata: Mapping[str, str] | None = None,
    jobs: int = 1,
) -> FilterResult:
    """Format the citations of a pandoc JSON document (changed in place and returned).

    ``folder`` is where relative ``bibliography`` and ``csl`` paths are
    looked for (the working folder, as in pandoc); ``metadata`` sets
    string values over the document's own (pandoc's ``-M KEY=VALUE``);
    ``jobs`` the processes that may format a long bibliography, as for
    :func:`citekit.render` (1, the default, never forks).
    """
    doc = _check_document(document)
    for key, value in (metadata or {}).items():
        doc["meta"][key] = element("MetaString", value)
    out = FilterResult(doc)
    base = Path(folder) if folder is not None else Path.cwd()
    settings = _settings(doc["meta"])
    style = _style(settings, base)
    library, named_keys = _load(settings, base, out)
    sites = _sites(doc["blocks"], style)
    if not sites and not settings.nocite:
        return out
    locale = settings.lang or style.default_locale or "en-US"
    terms = style_locator_terms(style.xml, locale)
    clusters = [_cluster(site, style, locale, terms) for site in sites]
    kept = [(site, cluster) for site, cluster in zip(sites, clusters, strict=True) if cluster.items]
    cited = [i.id for _, cluster in kept for i in cluster.items if i.id in library]
    everything = "*" in settings.nocite
    extra = [k for k in settings.nocite if k != "*"]
    for key in extra:
        if key not in library:
            out.warnings.append(f"warning: nocite key '{key}' is in no bibliography")
            out.problems += 1
    # nocited works go in the order of the bibliography files, as in pandoc (it numbers them so)
    named = set(extra)
    in_file_order = library.keys()
    wanted = [k for k in in_file_order if everything or k in named]
    closure = quoted.quoting_closure(library, set_closure(library, [*cited, *wanted]))
    subset = library if everything else Library(library[k] for k in closure)
    result = render(
        subset,
        style,
        citations=[c for _, c in kept],
        locale=settings.lang,
        bibliography=not settings.suppress_bibliography,
        # "@*" as ``citekit render`` asks for it: the whole library, which leaves out the
        # quotation records whose quoting work is listed (docs/quotations.md)
        bibliography_keys=None if everything else wanted,
        nocite="*" if everything else None,
        link=settings.link_bibliography,
        jobs=jobs,
    )
    for warning in result.warnings:
        out.warnings.append(f"warning: {warning}")
    out.problems += len(result.unknown_keys)
    in_text_keys = list(
        dict.fromkeys(site.keys[0] for site, _ in kept if site.in_text and site.keys[0] in subset)
    )
    authors = in_text_authors(subset, in_text_keys, style, result.locale) if in_text_keys else {}
    _positioned_authors(kept, subset, style, result.locale)
    listed = set(result.bibliography_ids)
    notes: set[int] = set()
    named_notes: set[int] = set()  # author-in-text cites whose note follows the name
    superscripts: set[int] = set()
    for (site, _), tree in zip(kept, result.citation_trees, strict=True):
        site.node["c"][1] = _citation_inlines(site, tree, style, authors, settings, listed, subset)
        if style.is_note and not site.in_note:
            (named_notes if site.in_text else notes).add(id(site.node))
        elif _starts_superscript(site.node["c"][1]):
            superscripts.add(id(site.node))
    if superscripts:
        _drop_space_before(doc["blocks"], superscripts)
    if (notes or named_notes) and settings.notes_after_punctuation:
        _move_punctuation(doc["blocks"], notes, result.punctuation_in_quote, frozenset(named_notes))
    if not settings.suppress_bibliography:
        _place_bibliography(doc, result, settings, named_keys, subset, [s for s, _ in kept])
    return out


def filter_json(text: str, **options: Any) -> tuple[str, FilterResult]:
    """The filter on JSON text: the JSON pandoc reads back, and what happened."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"the input is not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    result = filter_document(document, **options)
    return json.dumps(result.document, ensure_ascii=False, separators=(",", ":")), result


def parse_metadata_option(values: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings (pandoc's ``-M``) as a mapping; a value-less key means true."""
    out: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not key.strip():
            raise UsageError(f"metadata '{value}' has no key (want KEY=VALUE)")
        out[key.strip()] = rest if sep else "true"
    return out


__all__ = [
    "PANDOC_DEFAULT_STYLE",
    "FilterResult",
    "filter_document",
    "filter_json",
    "nocite_keys",
    "parse_metadata_option",
]

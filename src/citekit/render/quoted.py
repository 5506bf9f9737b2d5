""" "Quoted in" citations: a quotation record cited through the work that quotes it.

A quotation record (docs/quotations.md) is a statement — a speech, an
interview, a remark — whose ``custom.quoted-in`` names the record of the work
that prints it.  Citing it should give what The Chicago Manual of Style
(17th ed., 14.260) calls citing a source quoted in another: the statement's
citation, "quoted in", and the quoting work's citation with the place in it,
``(Trump 2017, quoted in Raimondo 2017, para. 8)``.  No CSL style can say
that (CSL has no variable for another record), so it happens here, above the
engines, and works the same with every engine and every style:

1. :func:`expand` splits each cluster that cites a quotation into
   sub-clusters in the same note — the statement alone, the quoting work alone
   (with the quoted-in locator), the other cites as they were — followed by a
   hidden cluster of all of them, so the engine computes positions (first,
   subsequent, ibid) as if the reader saw one note citing several works.
2. The engine renders that stream twice: once with the style as it is (the
   untouched clusters and the bibliography come from there), and once with
   the citation layout's prefix and suffix swapped for private-use markers
   (:func:`marked_style`), which show exactly where each piece's own text
   begins and ends even when the engine merged punctuation into the affixes.
3. :func:`assemble` joins the pieces into one rich tree per cluster:
   ``prefix + statement + ", quoted in " + work + suffix``, other cites joined
   by the layout's delimiter, with CSL's punctuation rules at every seam (no
   doubled full stops, commas moved inside closing quotation marks where the
   locale says so).  The words and the shape are the style family's
   (:mod:`citekit.render.quoted_forms`): APA's ", as cited in ", Cite Them
   Right's ", cited in ", MLA's ``qtd. in`` + work alone.

Bibliographies list the quoting work, not the statement (Chicago lists only
the source consulted); :func:`hidden_entries` and
:func:`bibliography_default` say which records to leave out.  A quotation
record that is listed (asked for, or cited in a numeric style) gets the
bibliography form of Chicago's 14.260, completed by :func:`listed_entries`:
its own entry, the quoted words when nothing else names the statement, and
"Quoted in" with the quoting work's citation, so no entry ends dangling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from lxml import etree

from citekit.model.records import Library, Record
from citekit.ops.quotations import LOCATOR_LABELS, Quotation, is_quotation
from citekit.render.csl.bibliography import citation_prints
from citekit.render.csl.clusters import NO_PRINTED_FORM
from citekit.render.csl.engine import load_style
from citekit.render.csl.output import merge_punctuation
from citekit.render.csl.style import StyleError
from citekit.render.marks import QUOTED_CLOSE, QUOTED_OPEN
from citekit.render.quoted_forms import (
    QUOTED_IN_TERMS,
    TERM_NAMES,
    LocaleWords,
    builtin_term,
    locale_words,
    parse_style_xml,
)
from citekit.render.richtext import Rich, Span, Text, plain
from citekit.render.types import CiteItem, Cluster, Engine, LocaleLoader

_NS = "{http://purl.org/net/xbiblio/csl}"

OPEN_MARK = QUOTED_OPEN
"""Stands in for the citation layout's prefix in the marked rendering."""
CLOSE_MARK = QUOTED_CLOSE
"""Stands in for the citation layout's suffix in the marked rendering."""

_CLOSING_QUOTES = "”’\"'»›"
_MAX_CHAIN = 16


# ---------------------------------------------------------------------------
# The style: citation layout and the locale's words
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitationLayout:
    """What ``cs:citation/cs:layout`` puts around and between cites.

    ``numeric`` styles (citation numbers or labels) keep cited quotations
    in the bibliography, where their numbers must point.
    """

    prefix: str = ""
    suffix: str = ""
    delimiter: str = "; "
    numeric: bool = False


def _layout_element(root: etree._Element | None) -> etree._Element | None:
    if root is None:
        return None
    return root.find(f"{_NS}citation/{_NS}layout")


@lru_cache(maxsize=64)
def citation_layout(style_xml: bytes) -> CitationLayout:
    """The citation layout's affixes and delimiter, and whether the style is numeric."""
    root = parse_style_xml(style_xml)
    layout = _layout_element(root)
    if root is None or layout is None:
        return CitationLayout()
    try:
        numeric = citation_prints(load_style(style_xml), ("citation-number", "citation-label"))
    except StyleError:
        numeric = False
    delimiter = layout.get("delimiter")
    return CitationLayout(
        prefix=layout.get("prefix") or "",
        suffix=layout.get("suffix") or "",
        delimiter="; " if delimiter is None else delimiter,
        numeric=numeric,
    )


@lru_cache(maxsize=64)
def marked_style(style_xml: bytes) -> bytes:
    """The style with its citation layout's prefix and suffix replaced by markers."""
    root = parse_style_xml(style_xml)
    if root is None:
        return style_xml
    copy = etree.fromstring(etree.tostring(root))
    layout = _layout_element(copy)
    if layout is None:
        return style_xml
    layout.set("prefix", OPEN_MARK)
    layout.set("suffix", CLOSE_MARK)
    data: bytes = etree.tostring(copy, xml_declaration=True, encoding="utf-8")
    return data


# ---------------------------------------------------------------------------
# Expansion: clusters -> the stream the engine renders
# ---------------------------------------------------------------------------

Shape = int | tuple[tuple[int, ...], ...]
"""Per cluster: the stream index of its rendering, or its parts — each part
the stream indices of one cite (a quotation: the statement, then each work
it is quoted in) or of a run of ordinary cites."""


@dataclass(frozen=True, slots=True)
class Expansion:
    """The engine's clusters and how to put each original cluster back together."""

    stream: tuple[Cluster, ...]
    shapes: tuple[Shape, ...]
    quotations: frozenset[str] = frozenset()
    quoting_works: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def expanded(self) -> bool:
        return any(not isinstance(shape, int) for shape in self.shapes)


def quoted_in_target(record: Record, library: Library) -> str | None:
    """The id of the record a quotation is quoted in, when the library has it."""
    if not is_quotation(record):
        return None
    target = Quotation.from_record(record).quoted_in
    if target is None or target == record.key or target not in library:
        return None
    return target


def is_quoted(record: Record, library: Library) -> bool:
    """Whether a record is a quotation whose quoting work the library holds."""
    return quoted_in_target(record, library) is not None


def _label(label: str | None, key: str, warnings: list[str]) -> str:
    if label is None:
        return "page"
    if label in LOCATOR_LABELS:
        return label
    warnings.append(
        f"quotation '{key}': quoted-in-label '{label}' is not a CSL locator label; used 'page'"
    )
    return "page"


def quotation_chain(
    item: CiteItem, library: Library, warnings: list[str] | None = None
) -> list[CiteItem] | None:
    """The cites a quotation cite stands for: the statement, then each quoting work.

    None when the cite is not of a quotation quoted in a record of the
    library.  The record's quoted-in locator goes to the quoting work; a
    locator on the cite goes to the statement (like the "269" of Chicago's
    example) when the record has its own, else to the quoting work.  A
    quoting work that is itself a quotation is followed up to the first
    ordinary record; a chain that comes back on itself stops, with a warning.
    """
    found = warnings if warnings is not None else []
    if item.author_only or item.id not in library:
        return None
    record = library[item.id]
    if quoted_in_target(record, library) is None:
        return None
    chain: list[CiteItem] = []
    seen = {item.id}
    current, cite = record, item
    while len(chain) < _MAX_CHAIN:
        target = quoted_in_target(current, library)
        if target is None:
            break
        if target in seen:
            found.append(
                f"quotation '{current.key}': quoted-in '{target}' comes back to a "
                f"record already in the chain; the chain stops there"
            )
            break
        quote = Quotation.from_record(current)
        if quote.locator is not None:
            work = CiteItem(
                target, locator=quote.locator, label=_label(quote.label, current.key, found)
            )
        elif not chain and item.locator:
            work = CiteItem(target, locator=item.locator, label=item.label)
            cite = replace(cite, locator=None, label=None)
        else:
            work = CiteItem(target)
        chain.append(replace(cite, suffix=None) if not chain else cite)
        seen.add(target)
        current, cite = library[target], work
    chain.append(replace(cite, prefix=None, suppress_author=False, suffix=item.suffix))
    return chain


def expand(library: Library, clusters: Sequence[Cluster]) -> Expansion:
    """The stream of clusters the engine renders for ``clusters`` (see the module doc).

    Clusters without a quotation pass through; when any cluster has one,
    every cluster gets an explicit note number (its own, else its place
    counted from 1, which is what engines assume), so sub-clusters share
    their note.
    """
    warnings: list[str] = []
    chains = [
        [quotation_chain(item, library, warnings) for item in cluster.items] for cluster in clusters
    ]
    quoting: dict[str, None] = {}
    quotations: set[str] = set()
    for cluster in clusters:
        for item in cluster.items:
            if item.author_only and item.id in library:
                target = quoted_in_target(library[item.id], library)
                if target is not None:
                    quotations.add(item.id)
                    quoting.setdefault(_final_work(item.id, library))
    if not any(chain for per in chains for chain in per):
        return Expansion(
            tuple(clusters),
            tuple(range(len(clusters))),
            frozenset(quotations),
            tuple(quoting),
            tuple(dict.fromkeys(warnings)),
        )
    stream: list[Cluster] = []
    shapes: list[Shape] = []

    def emit(items: Sequence[CiteItem], note: int, cluster_id: str | None) -> int:
        stream.append(Cluster(tuple(items), note_number=note, id=cluster_id))
        return len(stream) - 1

    for index, (cluster, per_item) in enumerate(zip(clusters, chains, strict=True)):
        note = cluster.note_number or index + 1
        if not any(per_item):
            shapes.append(emit(cluster.items, note, cluster.id))
            continue
        parts: list[tuple[int, ...]] = []
        visible: list[CiteItem] = []
        run: list[CiteItem] = []
        for item, chain in zip(cluster.items, per_item, strict=True):
            if chain is None:
                run.append(item)
                continue
            if run:
                parts.append((emit(run, note, cluster.id),))
                visible += run
                run = []
            parts.append(tuple(emit((cite,), note, cluster.id) for cite in chain))
            visible += chain
            quotations.update(cite.id for cite in chain[:-1])
            quoting.setdefault(chain[-1].id)
        if run:
            parts.append((emit(run, note, cluster.id),))
            visible += run
        # Not shown: lets the next note see this one as citing several works,
        # so it never starts with an "ibid." that would point at one of them.
        emit(visible, note, cluster.id)
        shapes.append(tuple(parts))
    return Expansion(
        tuple(stream),
        tuple(shapes),
        frozenset(quotations),
        tuple(quoting),
        tuple(dict.fromkeys(warnings)),
    )


def _final_work(key: str, library: Library) -> str:
    seen = {key}
    current = key
    while True:
        target = quoted_in_target(library[current], library)
        if target is None or target in seen:
            return current
        seen.add(target)
        current = target


# ---------------------------------------------------------------------------
# Bibliography
# ---------------------------------------------------------------------------


def bibliography_default(library: Library) -> list[str] | None:
    """The ids of a whole-library bibliography without its quotation records.

    None when the library has no quotation quoted in one of its records (so
    the engine's own "every item" applies unchanged).
    """
    keys = [record.key for record in library if not is_quoted(record, library)]
    return None if len(keys) == len(library) else keys


def quoting_closure(library: Library, keys: Iterable[str]) -> list[str]:
    """``keys`` plus every record their quotations are quoted in, once each, in order.

    For callers that render a subset of a library (a document's cited
    records): without the quoting works in it, a quotation cannot be cited
    as "quoted in" anything.
    """
    out: dict[str, None] = {}
    for key in keys:
        current: str | None = key
        while current is not None and current not in out and current in library:
            out[current] = None
            current = quoted_in_target(library[current], library)
    return list(out)


def hidden_entries(
    expansion: Expansion, named: Iterable[str] | None, layout: CitationLayout
) -> frozenset[str]:
    """Cited quotation records to leave out of the bibliography.

    A key the caller named for the bibliography stays; so does every cited
    quotation in a numeric style, whose citation numbers must point somewhere.
    """
    if layout.numeric:
        return frozenset()
    return expansion.quotations - set(named or ())


# ---------------------------------------------------------------------------
# Assembly: rendered pieces -> one rich tree per cluster
# ---------------------------------------------------------------------------


def _slice(rich: Rich, start: int, end: int) -> Rich | None:
    """The part of ``rich`` between two offsets of its plain text, formatting kept."""

    def walk(node: Rich, base: int) -> tuple[Rich | None, int]:
        if isinstance(node, Text):
            size = len(node.text)
            low, high = max(start - base, 0), min(end - base, size)
            piece = node.text[low:high] if low < high else ""
            return (Text(piece) if piece else None), base + size
        kept: list[Rich] = []
        position = base
        for child in node.children:
            part, position = walk(child, position)
            if part is not None:
                kept.append(part)
        return (replace(node, children=tuple(kept)) if kept else None), position

    return walk(rich, 0)[0]


def between_marks(rich: Rich) -> Rich | None:
    """A marked rendering's own text, without the markers and what lies outside them."""
    text = plain(rich)
    start, end = text.find(OPEN_MARK), text.rfind(CLOSE_MARK)
    if start < 0 or end < start:
        return None
    return _slice(rich, start + 1, end) or Text("")


def strip_affixes(rich: Rich, layout: CitationLayout) -> Rich:
    """Best effort without markers: the layout's prefix and suffix cut off as text."""
    text = plain(rich)
    start, end = 0, len(text)
    if layout.prefix and text.startswith(layout.prefix):
        start = len(layout.prefix)
    if layout.suffix and text[start:].endswith(layout.suffix):
        end -= len(layout.suffix)
    return _slice(rich, start, end) or Text("")


def _splice(head: list[Rich], position: int, removed: int, inserted: str) -> None:
    """Replace ``removed`` characters at ``position`` of the head's plain text.

    The edit happens inside the leaf holding the character at ``position``,
    so an inserted mark takes that leaf's formatting (a comma moved before a
    closing quotation mark sits with the quotation mark).
    """
    done = False

    def walk(node: Rich, base: int) -> tuple[Rich, int]:
        nonlocal done
        if isinstance(node, Text):
            size = len(node.text)
            if not done and base <= position < base + size:
                done = True
                local = position - base
                return Text(
                    node.text[:local] + inserted + node.text[local + removed :]
                ), base + size
            return node, base + size
        children: list[Rich] = []
        for child in node.children:
            changed, base = walk(child, base)
            children.append(changed)
        return replace(node, children=tuple(children)), base

    offset = 0
    for index, node in enumerate(head):
        size = len(plain(node))
        if not done and offset <= position < offset + size:
            head[index], _ = walk(node, offset)
        offset += size


_PUNCTUATION = ".,;:!?"


def glue(head: list[Rich], text: str, punctuation_in_quote: bool) -> None:
    """Append ``text`` to the pieces in ``head`` with CSL's punctuation rules.

    Where the head's last mark meets ``text``'s first, the engine's own rule
    (:func:`citekit.render.csl.output.merge_punctuation`) says whether the new
    mark is dropped (``Title:`` + ``.``), replaces the old one (``Title:`` +
    ``?``) or both stay; with ``punctuation_in_quote`` a leading full stop,
    comma, question or exclamation mark goes inside the closing quotation
    marks the head ends with.
    """
    if not text:
        return
    tail = "".join(plain(node) for node in head).rstrip()
    inner = tail.rstrip(_CLOSING_QUOTES)
    quotes = tail[len(inner) :]
    lead = text[0]
    last = inner[-1:]
    if lead in _PUNCTUATION and head:
        action = merge_punctuation(last, lead) if last and last in _PUNCTUATION else "both"
        if quotes and punctuation_in_quote and lead in ".,!?":
            if action == "replace":
                _splice(head, len(inner) - 1, 1, lead)
            elif action == "both":
                _splice(head, len(inner), 0, lead)
            text = text[1:]
        elif action == "drop":
            text = text[1:]
        elif action == "replace" and not quotes:
            _splice(head, len(inner) - 1, 1, lead)
            text = text[1:]
    if text:
        head.append(Text(text))


def assemble(
    expansion: Expansion,
    plain_trees: Sequence[Rich | None],
    marked_trees: Sequence[Rich | None] | None,
    layout: CitationLayout,
    words: LocaleWords,
    warnings: list[str] | None = None,
) -> list[Rich | None]:
    """One rich tree per original cluster (None where the engine gave nothing).

    A marked piece whose markers went missing (an engine that rewrote them)
    falls back to cutting the affixes off as text, which can lose punctuation
    the engine merged into them; that is reported in ``warnings``.
    """
    joiner = f", {words.quoted_in} "
    piq = words.punctuation_in_quote
    stream = expansion.stream

    def rendered(index: int) -> Rich | None:
        return plain_trees[index] if index < len(plain_trees) else None

    def content(index: int) -> Rich:
        marked = marked_trees[index] if marked_trees and index < len(marked_trees) else None
        found = between_marks(marked) if marked is not None else None
        if found is not None:
            return found
        if marked is not None and warnings is not None:
            message = (
                '"quoted in" citations: the engine\'s output lost the markers '
                "around their pieces; the layout's affixes were cut off as text "
                "instead, which may lose punctuation"
            )
            if message not in warnings:
                warnings.append(message)
        tree = rendered(index)
        return strip_affixes(tree, layout) if tree is not None else Text("")

    out: list[Rich | None] = []
    for shape in expansion.shapes:
        if isinstance(shape, int):
            out.append(rendered(shape))
            continue
        pieces: list[Rich] = [Text(layout.prefix)] if layout.prefix else []
        first_part = True
        for part in shape:
            if len(part) > 1 and not words.names_statement:
                texts = _consulted_only(
                    content(part[0]),
                    content(part[-1]),
                    _cite_prefix(stream, part[0]),
                    words.quoted_in,
                )
            else:
                texts = [c for c in (content(i) for i in part) if _printed(c, len(part) > 1)]
            if not texts:
                continue
            if not first_part:
                glue(pieces, layout.delimiter, piq)
            first_part = False
            for number, piece in enumerate(texts):
                if number:
                    glue(pieces, joiner, piq)
                pieces.append(piece)
        glue(pieces, layout.suffix, piq)
        out.append(Span(tuple(pieces)))
    return out


def _printed(piece: Rich, in_chain: bool) -> bool:
    """Whether a piece shows anything: a chain link the style cannot print does not.

    ``-@key`` in a style whose citation is the author alone leaves the
    statement with nothing to print; the engine says so in brackets
    (:data:`NO_PRINTED_FORM`), which has no place inside a "quoted in" join.
    """
    text = plain(piece).strip()
    return bool(text) and not (in_chain and text == NO_PRINTED_FORM)


def _cite_prefix(stream: Sequence[Cluster], index: int) -> str:
    """The prefix the caller gave the cite rendered at ``stream[index]``."""
    items = stream[index].items if index < len(stream) else ()
    return (items[0].prefix or "").strip() if items else ""


def _consulted_only(statement: Rich, work: Rich, prefix: str, words: str) -> list[Rich]:
    """MLA's shape: the cite's prefix, ``qtd. in`` and the quoting work, in one piece.

    The statement's rendering is dropped (MLA names the speaker in the
    prose) but the prefix the engine printed at its start (``see``) is
    kept, formatting and all; links in a chain are dropped too, only the
    source consulted is cited.
    """
    if not plain(work).strip():
        return []
    lead: list[Rich] = []
    if prefix:
        printed = _slice(statement, 0, len(prefix)) if plain(statement).startswith(prefix) else None
        lead = [printed or Text(prefix), Text(" ")]
    return [Span((*lead, Text(f"{words} "), work))]


# ---------------------------------------------------------------------------
# Listed quotation records: Chicago's bibliography form
# ---------------------------------------------------------------------------

_DANGLING = " \t\n,;:\u00a0"


def trim_dangling(rich: Rich) -> Rich | None:
    """The entry without the delimiters an engine left after its last printed part.

    A style that expects a title after the author (IEEE's ``Z. Mao, ``)
    leaves its delimiter hanging when there is none.  None when nothing but
    such delimiters is left.
    """
    text = plain(rich)
    end = len(text.rstrip(_DANGLING))
    if not text[:end].strip():
        return None
    return _slice(rich, 0, end) if end < len(text) else rich


def names_statement(record: Record) -> bool:
    """Whether the record has something other than its words to name the statement by."""
    return bool(record.get("title") or record.get("event-title") or record.get("event"))


def quote_marks(tag: str, loader: LocaleLoader) -> tuple[str, str]:
    """The locale's outer quotation marks (CSL terms ``open-quote``/``close-quote``)."""
    xml = loader(tag)
    root = parse_style_xml(xml) if xml else None
    found: dict[str, str] = {}
    if root is not None:
        for term in root.iter(f"{_NS}term"):
            name = term.get("name")
            if name in ("open-quote", "close-quote") and term.get("form", "long") == "long":
                found.setdefault(name, term.text or "")
    return found.get("open-quote") or "\u201c", found.get("close-quote") or "\u201d"


def bibliography_term(words: LocaleWords, tag: str) -> str:
    """ "Quoted in", capitalised, in the locale's language.

    Only Chicago gives a bibliography form for a source quoted in another
    (17th ed., 14.260: "... Quoted in Bonnie Costello, ..."); APA and MLA
    list only the source consulted and have no words for it, so their
    families' in-text wordings ("as cited in", "qtd. in") are not used here.
    """
    term = words.quoted_in if words.family == "chicago" else builtin_term(tag)
    return term[:1].upper() + term[1:]


def _renumber(rich: Rich, old: int, new: int) -> Rich:
    """The first whole number ``old`` in the text replaced by ``new``."""
    pattern = re.compile(rf"(?<!\d){old}(?!\d)")
    done = False

    def walk(node: Rich) -> Rich:
        nonlocal done
        if done:
            return node
        if isinstance(node, Text):
            changed, count = pattern.subn(str(new), node.text, count=1)
            done = bool(count)
            return Text(changed) if count else node
        return replace(node, children=tuple(walk(child) for child in node.children))

    return walk(rich)


@dataclass(frozen=True, slots=True)
class EntryContext:
    """What :func:`listed_entries` needs from the run that made the bibliography.

    ``named`` are the keys the caller named for the bibliography: they are
    listed as asked, without "Quoted in" (a caller that names quotation
    records, such as the course reader, says where they were quoted itself).
    ``warnings`` receives what went wrong (an engine failing on the quoting
    work's citation leaves the entry without "Quoted in").
    """

    engine: Engine
    items: Sequence[Mapping[str, object]]
    style_xml: bytes
    locale: str
    loader: LocaleLoader
    bibliography_ids: Sequence[str] | None = None
    named: frozenset[str] = frozenset()
    warnings: list[str] | None = None


def _work_citation(
    context: EntryContext, work: CiteItem, numeric: bool, order: Sequence[str]
) -> Rich | None:
    """The quoting work's citation, as a first citation standing alone, affixes cut off.

    Rendered in a run of its own, so a note style gives its full note (the
    form Chicago's bibliography example uses).  In a numeric style that run
    numbers the work by its own citation order; the number is put back to
    the work's place in the real bibliography (``order``), which is what a
    citation number means.
    """
    try:
        output = context.engine.process(
            context.items,
            marked_style(context.style_xml),
            [Cluster((work,), note_number=1)],
            locale=context.locale,
            locale_loader=context.loader,
            bibliography=numeric,
            bibliography_ids=context.bibliography_ids,
        )
    except Exception as exc:  # an engine bug must not take the bibliography down
        if context.warnings is not None:
            context.warnings.append(
                f"engine '{context.engine.name}' failed on the \"quoted "
                f"in\" citation of '{work.id}': {exc!r}"
            )
        return None
    if not output.citations:
        return None
    piece = between_marks(output.citations[0])
    if piece is None or not plain(piece).strip():
        return None
    if numeric and work.id in order:
        alone = [key for key, _ in output.bibliography]
        if work.id in alone and alone.index(work.id) != order.index(work.id):
            piece = _renumber(piece, alone.index(work.id) + 1, order.index(work.id) + 1)
    return piece


def listed_entry(
    record: Record,
    entry: Rich,
    work: Rich | None,
    term: str,
    marks: tuple[str, str],
    punctuation_in_quote: bool,
) -> Rich | None:
    """A quotation record's bibliography entry in Chicago's form (17th ed., 14.260).

    The engine's entry, without a dangling delimiter; the quoted words in
    quotation marks when neither a title nor an occasion names the
    statement; then "Quoted in" and the quoting work's citation.  None when
    the style printed nothing for the record (it is then left out, with a
    warning, like any entry without a printed form): the words and the
    source alone, without the speaker, would not be an entry.
    """
    base = trim_dangling(entry)
    if base is None:
        return None
    pieces: list[Rich] = [base]
    quote = Quotation.from_record(record)
    if not names_statement(record) and quote.words:
        glue(pieces, ". ", punctuation_in_quote)
        pieces.append(Text(f"{marks[0]}{quote.words}{marks[1]}"))
    if work is not None:
        glue(pieces, ". ", punctuation_in_quote)
        pieces += [Text(f"{term} "), work]
    glue(pieces, ".", punctuation_in_quote)
    return _append_inside(pieces[0], pieces[1:])


def _append_inside(entry: Rich, added: Sequence[Rich]) -> Rich:
    """``entry`` followed by ``added``, inside the entry's last display block if it ends in one.

    A style with ``second-field-align`` ends its entry in a ``right-inline``
    block (HTML ``<div>``); text after it would fall outside the entry's
    column.
    """
    if not added:
        return entry
    nested = _into_last_block(entry, added)
    return nested if nested is not None else Span((entry, *added))


def _into_last_block(node: Rich, added: Sequence[Rich]) -> Rich | None:
    """``node`` with ``added`` at the end of the last display block ending it, or None."""
    if isinstance(node, Text) or not node.children:
        return None
    inner = _into_last_block(node.children[-1], added)
    if inner is not None:
        return replace(node, children=(*node.children[:-1], inner))
    if node.display is not None:
        return replace(node, children=(*node.children, *added))
    return None


def listed_entries(
    entries: Sequence[tuple[str, Rich]], library: Library, context: EntryContext
) -> list[tuple[str, Rich]]:
    """The bibliography with every listed quotation record in Chicago's form.

    Entries of other records pass through.  A quotation entry the style
    printed nothing for is passed through empty (the caller leaves it out
    with a warning).  "Quoted in" is added only when the quoting work is in
    the same bibliography (a citation number, or a short citation, must
    point at an entry) and the key was not named by the caller; the quoted
    words and the trimmed delimiter always apply.  The quoting work's
    citation is rendered once per work and locator.
    """
    if not any(is_quoted(library[key], library) for key, _ in entries if key in library):
        return list(entries)
    words = locale_words(context.style_xml, context.locale, context.loader)
    term = bibliography_term(words, context.locale)
    marks = quote_marks(context.locale, context.loader)
    numeric = citation_layout(context.style_xml).numeric
    order = [key for key, _ in entries]
    works: dict[tuple[str, str | None, str | None], Rich | None] = {}
    out: list[tuple[str, Rich]] = []
    for key, tree in entries:
        record = library.get(key)
        target = quoted_in_target(record, library) if record is not None else None
        if record is None or target is None:
            out.append((key, tree))
            continue
        quote = Quotation.from_record(record)
        label = _label(quote.label, key, []) if quote.locator is not None else None
        found = (target, quote.locator, label)
        if key not in context.named and target in order and found not in works:
            item = CiteItem(target, locator=quote.locator, label=label)
            works[found] = _work_citation(context, item, numeric, order)
        listed = listed_entry(
            record,
            tree,
            works.get(found) if key not in context.named else None,
            term,
            marks,
            words.punctuation_in_quote,
        )
        out.append((key, listed if listed is not None else Text("")))
    return out


__all__ = [
    "CLOSE_MARK",
    "OPEN_MARK",
    "QUOTED_IN_TERMS",
    "TERM_NAMES",
    "CitationLayout",
    "EntryContext",
    "Expansion",
    "LocaleWords",
    "assemble",
    "between_marks",
    "bibliography_default",
    "builtin_term",
    "citation_layout",
    "expand",
    "glue",
    "hidden_entries",
    "is_quoted",
    "listed_entries",
    "listed_entry",
    "locale_words",
    "marked_style",
    "quotation_chain",
    "quote_marks",
    "quoted_in_target",
    "quoting_closure",
    "strip_affixes",
    "trim_dangling",
]

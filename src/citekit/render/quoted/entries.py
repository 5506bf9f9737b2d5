"""Listed quotation records: Chicago's bibliography form (17th ed., 14.260).

A quotation record that is listed (asked for, or cited in a numeric style)
gets its own entry, the quoted words when nothing else names the statement,
and "Quoted in" with the quoting work's citation, so no entry ends dangling.
The quoting work's citation comes from the engine (one run of its own per
work and locator, without the layout's affixes:
:func:`citekit.render.quoted.pieces.render_pieces`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from citekit.model.citations import CiteItem, Cluster
from citekit.model.quotations import Quotation
from citekit.model.records import Library, Record
from citekit.render.quoted.assembly import glue, slice_text
from citekit.render.quoted.expansion import is_quoted, locator_label, quoted_in_target
from citekit.render.quoted.forms import LocaleWords, builtin_term, locale_words
from citekit.render.quoted.layout import citation_layout
from citekit.render.quoted.pieces import EngineRun, render_pieces
from citekit.render.richtext import Rich, Span, Text, plain
from citekit.render.types import LocaleLoader
from citekit.styles.terms import parse_terms

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
    return slice_text(rich, 0, end) if end < len(text) else rich


def names_statement(record: Record) -> bool:
    """Whether the record has something other than its words to name the statement by."""
    return bool(record.get("title") or record.get("event-title") or record.get("event"))


def quote_marks(tag: str, loader: LocaleLoader) -> tuple[str, str]:
    """The locale's outer quotation marks (CSL terms ``open-quote``/``close-quote``)."""
    xml = loader(tag)
    found: dict[str, str] = {}
    for term in parse_terms(xml) if xml else ():
        if term.name in ("open-quote", "close-quote") and term.form == "long":
            found.setdefault(term.name, term.text)
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

    ``run`` is the engine call the bibliography came from.  ``named`` are
    the keys the caller named for the bibliography: they are listed as
    asked, without "Quoted in" (a caller that names quotation records, such
    as the course reader, says where they were quoted itself).  ``warnings``
    receives what went wrong (an engine failing on the quoting work's
    citation leaves the entry without "Quoted in").
    """

    run: EngineRun
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
    engine = context.run.engine
    try:
        found = render_pieces(context.run, [Cluster((work,), note_number=1)], bibliography=numeric)
    except Exception as exc:  # an engine bug must not take the bibliography down
        if context.warnings is not None:
            context.warnings.append(
                f"engine '{engine.name}' failed on the \"quoted "
                f"in\" citation of '{work.id}': {exc!r}"
            )
        return None
    piece = found.pieces[0] if found.pieces else None
    if piece is None or not plain(piece).strip():
        return None
    if numeric and work.id in order:
        alone = [key for key, _ in found.output.bibliography]
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
    run = context.run
    words = locale_words(run.style_xml, run.locale, run.loader)
    term = bibliography_term(words, run.locale)
    marks = quote_marks(run.locale, run.loader)
    numeric = citation_layout(run.style_xml).numeric
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
        label = locator_label(quote.label, key, []) if quote.locator is not None else None
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
    "EntryContext",
    "bibliography_term",
    "listed_entries",
    "listed_entry",
    "names_statement",
    "quote_marks",
    "trim_dangling",
]

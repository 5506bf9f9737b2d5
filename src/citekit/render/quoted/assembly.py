"""After the engine: rendered pieces -> one rich tree per original cluster.

:func:`assemble` joins the pieces of each "quoted in" citation:
``prefix + statement + ", quoted in " + work + suffix``, other cites joined
by the layout's delimiter, with CSL's punctuation rules at every seam (no
doubled full stops, commas moved inside closing quotation marks where the
locale says so).  The words and the shape are the style family's
(:mod:`citekit.render.quoted.forms`): APA's ", as cited in ", Cite Them
Right's ", cited in ", MLA's ``qtd. in`` + work alone.

The pieces are rich trees; everything here works on them and on their plain
text, never on an engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from citekit.model.citations import Cluster
from citekit.render.quoted.expansion import Expansion
from citekit.render.quoted.forms import LocaleWords
from citekit.render.quoted.layout import CLOSE_MARK, OPEN_MARK, CitationLayout
from citekit.render.richtext import Rich, Span, Text, merge_punctuation, plain
from citekit.render.types import NO_PRINTED_FORM

_CLOSING_QUOTES = "”’\"'»›"


def slice_text(rich: Rich, start: int, end: int) -> Rich | None:
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
    return slice_text(rich, start + 1, end) or Text("")


def strip_affixes(rich: Rich, layout: CitationLayout) -> Rich:
    """Best effort without markers: the layout's prefix and suffix cut off as text."""
    text = plain(rich)
    start, end = 0, len(text)
    if layout.prefix and text.startswith(layout.prefix):
        start = len(layout.prefix)
    if layout.suffix and text[start:].endswith(layout.suffix):
        end -= len(layout.suffix)
    return slice_text(rich, start, end) or Text("")


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

    Where the head's last mark meets ``text``'s first, the engines' rule
    (:func:`citekit.render.richtext.merge_punctuation`) says whether the new
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
    pieces: Sequence[Rich | None] | None,
    layout: CitationLayout,
    words: LocaleWords,
    warnings: list[str] | None = None,
) -> list[Rich | None]:
    """One rich tree per original cluster (None where the engine gave nothing).

    ``plain_trees`` are the engine's renderings of the stream as the style
    is; ``pieces`` the same clusters without the layout's prefix and suffix
    (:mod:`citekit.render.quoted.pieces`), None where the engine could not
    give one.  A missing piece falls back to cutting the affixes off the
    plain rendering as text, which can lose punctuation the engine merged
    into them; that is reported in ``warnings``.
    """
    joiner = f", {words.quoted_in} "
    piq = words.punctuation_in_quote
    stream = expansion.stream

    def rendered(index: int) -> Rich | None:
        return plain_trees[index] if index < len(plain_trees) else None

    def content(index: int) -> Rich:
        found = pieces[index] if pieces is not None and index < len(pieces) else None
        if found is not None:
            return found
        if pieces is not None and warnings is not None:
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
        joined: list[Rich] = [Text(layout.prefix)] if layout.prefix else []
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
                glue(joined, layout.delimiter, piq)
            first_part = False
            for number, piece in enumerate(texts):
                if number:
                    glue(joined, joiner, piq)
                joined.append(piece)
        glue(joined, layout.suffix, piq)
        out.append(Span(tuple(joined)))
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
        starts = plain(statement).startswith(prefix)
        printed = slice_text(statement, 0, len(prefix)) if starts else None
        lead = [printed or Text(prefix), Text(" ")]
    return [Span((*lead, Text(f"{words} "), work))]


__all__ = [
    "assemble",
    "between_marks",
    "glue",
    "slice_text",
    "strip_affixes",
]

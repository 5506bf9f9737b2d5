"""Where the citations and notes of a Markdown document are.

:mod:`citekit.formats.citesyntax` knows what one citation looks like; this module
knows where in a document citations may be: not in code (fenced, indented or
inline), not in HTML comments or tags, not in a URL or an e-mail address
(``https://x.org/@jgm``, ``<a+@b.org>``), not in TeX math (``$...$``,
``$$...$$``, pandoc's ``tex_math_dollars``), not behind a backslash (``\\@``),
not inside the ``::: {#refs}`` block nor a ``::: {#refs-NAME}`` one (the Markdown reader,
:mod:`citekit.documents.markdown`, draws the same line).  It also finds the
document's notes (``[^1]`` references and definitions, inline ``^[...]``
notes), because a citation in a note belongs to that note: it takes the
note's number, and in note styles it stays in the note instead of becoming
one.

Masking keeps offsets: everything that may not hold citations is replaced by
spaces (newlines stay), so a match in the masked text is a match at the same
offset in the document, and line and column can be reported exactly.
"""

from __future__ import annotations

import bisect
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from citekit.documents.markdown import bare_urls, math_spans
from citekit.errors import DataError
from citekit.formats.citesyntax import CitationMatch, StyleTerms, find_citations
from citekit.render.types import Cluster

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Raw HTML tags (CommonMark's open and closing tags) and e-mail autolinks: the
# Markdown reader sees no text in them, so no citation either.
_HTML_TAG = re.compile(
    r"</?[A-Za-z][A-Za-z0-9\-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:\-]*"
    r"(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>"
)
_EMAIL_AUTOLINK = re.compile(r"<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9.\-]+>")
_NOTE_DEF = re.compile(r"^\[\^(?P<label>[^\]\s]+)\]:", re.MULTILINE)
_NOTE_REF = re.compile(r"\[\^(?P<label>[^\]\s]+)\](?!:)")
_REFS_OPEN = re.compile(
    r"^:{3,}[ \t]*\{(?P<attrs>[^{}\n]*#refs(?:-(?P<name>[\w-]+))?(?![\w-])[^{}\n]*)\}"
    r"[ \t]*:*[ \t]*$",
    re.MULTILINE,
)
_DIV_PAIR = re.compile(
    r"(?<![^\s])(?P<key>[A-Za-z][\w-]*)=(?:\"(?P<quoted>[^\"]*)\"|(?P<bare>[^\s\"]+))"
)
_ATX_HEADING = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:[ \t]|$)", re.MULTILINE)
_SETEXT_LINE = re.compile(r"^ {0,3}(?P<marks>=+|-+)[ \t]*$")
_DIV_LINE = re.compile(r"^:{3,}[ \t]*(?P<attrs>\S.*)?$")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])[ \t]+")
_CITE_START = re.compile(r"(?<![\w@\\])-?@(?:\{|\w)")


class DocumentSyntaxError(DataError):
    """A document that cannot be read: the message names line and column."""

    def __init__(self, message: str, *, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class NoteDefinition:
    """A ``[^label]: ...`` definition: its label and the text span it covers."""

    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class InlineNote:
    """A ``^[...]`` note: ``start`` at the caret, ``end`` after the closing bracket."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class FoundCitation:
    """A citation in the document, ready for the engine.

    ``note`` says where it sits: None in the main text, ``"[^label]"`` in a
    footnote definition, ``"^[offset]"`` in an inline note.  ``order`` sorts
    citations as a reader meets them (a note's citations at the note's
    reference), which is the order positions (ibid, subsequent) follow.
    """

    start: int
    end: int
    cluster: Cluster
    in_text: bool
    line: int
    column: int
    note: str | None = None
    order: tuple[int, int] = (0, 0)

    @property
    def in_note(self) -> bool:
        return self.note is not None


@dataclass(frozen=True, slots=True)
class RefsDiv:
    """A ``::: {#refs}`` (``name`` empty) or ``::: {#refs-NAME}`` div, opening to closing fence.

    ``attributes`` are its ``key=value`` pairs (``type="book chapter"``).
    """

    name: str
    attributes: dict[str, str]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading (ATX or setext) outside code: its level and where its line starts."""

    level: int
    start: int


@dataclass
class Scan:
    """Everything found in one document.

    ``refs_block`` is the ``::: {#refs}`` div; ``refs_divs`` lists it with
    every ``::: {#refs-NAME}`` div, in document order.
    """

    citations: list[FoundCitation] = field(default_factory=list)
    note_definitions: list[NoteDefinition] = field(default_factory=list)
    inline_notes: list[InlineNote] = field(default_factory=list)
    note_numbers: dict[str, int] = field(default_factory=dict)
    refs_block: tuple[int, int] | None = None
    labels: set[str] = field(default_factory=set)
    refs_divs: list[RefsDiv] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)


class LineIndex:
    """Offset -> (line, column), both 1-based."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1


# ---------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


_QUOTE_MARK = re.compile(r" {0,3}>")
_FENCE_IN_QUOTE = re.compile(r"(`{3,}|~{3,})")


def _quote_prefix(content: str) -> tuple[int, int, int]:
    """A line's block-quote depth, where its content starts, and that content's indent.

    CommonMark reads ``>`` markers (each after at most three spaces) and one
    optional space after each; what follows is the quote's content, so
    ``>     code`` holds an indented code block (four spaces after the
    marker's own).  The indent counts columns, a tab reaching the next
    multiple of four.
    """
    depth = position = 0
    while True:
        marker = _QUOTE_MARK.match(content, position)
        if marker is None:
            break
        depth += 1
        position = marker.end()
        if content.startswith(" ", position):
            position += 1
    column = start = position
    while position < len(content) and content[position] in " \t":
        column = column + 4 - column % 4 if content[position] == "\t" else column + 1
        position += 1
    return depth, start, column - start


def _mask_blocks(text: str, chars: list[str], body_start: int) -> None:
    """Fenced and indented code blocks, at the top level and inside block quotes.

    Inside a quote the same rules apply to what follows the ``>`` markers: a
    fence opened there ends with the quote, and four spaces of indent after
    ``> `` start an indented code block when a blank quoted line (or the
    quote's start) comes before, since indented code cannot interrupt a
    paragraph (a lazy continuation line stays text).
    """
    offset = 0
    fence: str | None = None
    fence_depth = 0
    previous_blank = True
    previous_depth = 0
    continuation = False  # inside a list item or a footnote definition
    for line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        if start < body_start:
            continue
        content = line.rstrip("\r\n")
        depth, content_start, indent = _quote_prefix(content)
        inner = content[content_start:]
        if fence is not None and depth < fence_depth:
            fence = None  # the quote holding the fence has ended, and the fence with it
        if fence is not None:
            _blank(chars, start, offset)
            if indent < 4 and inner.strip().startswith(fence):
                fence = None
            previous_blank = False
            continue
        if depth > previous_depth:
            previous_blank = True  # a new quote starts a new block
        previous_depth = depth
        opening = _FENCE_IN_QUOTE.match(inner.lstrip(" \t")) if indent < 4 else None
        if opening:
            fence = opening.group(1)
            fence_depth = depth
            _blank(chars, start, offset)
            previous_blank = False
            continue
        if not inner.strip():
            previous_blank = True
            continue
        indented = indent >= 4
        if indented and previous_blank and (depth > 0 or not continuation):
            _blank(chars, start, offset)
            continue
        if not indented and depth == 0:
            continuation = bool(_NOTE_DEF.match(content) or _LIST_ITEM.match(content))
        previous_blank = False


def _mask_inline_code(text: str, chars: list[str], body_start: int) -> None:
    i = body_start
    while i < len(text):
        if chars[i] != "`":
            i += 1
            continue
        run = 1
        while i + run < len(text) and chars[i + run] == "`":
            run += 1
        closing = re.compile(r"(?<!`)" + "`" * run + r"(?!`)")
        found = closing.search(text, i + run)
        if found is None:
            i += run
            continue
        _blank(chars, i, found.end())
        i = found.end()


def _mask_escapes(chars: list[str], body_start: int) -> None:
    i = body_start
    while i < len(chars) - 1:
        if chars[i] == "\\":
            if chars[i + 1] in "\\[]@`":
                chars[i] = chars[i + 1] = " "
            i += 2
            continue
        i += 1


def mask(text: str, body_start: int = 0, *, inline: bool = True) -> str:
    """The document with everything that cannot hold citations blanked out.

    ``inline`` False keeps escapes, code spans, bare URLs and math: a
    citation's prefix and suffix are read from that text, so that they keep
    what the writer put there (``[see `x` @a]``).
    """
    chars = list(text)
    _blank(chars, 0, body_start)
    _mask_blocks(text, chars, body_start)
    for pattern in (_COMMENT, _HTML_TAG, _EMAIL_AUTOLINK):
        for match in pattern.finditer(text, body_start):
            _blank(chars, match.start(), match.end())
    if not inline:
        return "".join(chars)
    for start, end in bare_urls(text):
        if start >= body_start:
            _blank(chars, start, end)
    _mask_escapes(chars, body_start)
    _mask_inline_code("".join(chars), chars, body_start)
    # TeX math after code: a "$" in a code span opens no math
    for start, end in math_spans("".join(chars)):
        if start >= body_start:
            _blank(chars, start, end)
    return "".join(chars)


# ---------------------------------------------------------------------------
# Notes and the refs block
# ---------------------------------------------------------------------------


def _matching_bracket(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                return i
        elif text[i] == "\n" and text.startswith("\n", i + 1):
            return -1  # a blank line ends the paragraph
    return -1


def _note_definitions(masked: str) -> list[NoteDefinition]:
    """Definitions run until a blank line followed by an unindented line."""
    found: list[NoteDefinition] = []
    matches = list(_NOTE_DEF.finditer(masked))
    for match in matches:
        end = len(masked)
        for line_match in re.finditer(
            r"\n[ \t]*\n(?=[^ \t\n])|\n(?=\[\^[^\]\s]+\]:)", masked[match.end() :]
        ):
            end = match.end() + line_match.start()
            break
        found.append(NoteDefinition(match["label"], match.start(), end))
    return found


def _div_attributes(text: str) -> dict[str, str]:
    """The ``key=value`` pairs of a div's ``{...}`` (quoted values may hold spaces)."""
    return {
        m["key"].lower(): m["quoted"] if m["quoted"] is not None else m["bare"]
        for m in _DIV_PAIR.finditer(text)
    }


def _refs_divs(masked: str) -> list[RefsDiv]:
    """Every ``#refs`` and ``#refs-NAME`` div (not those nested in another one)."""
    found: list[RefsDiv] = []
    position = 0
    while (opening := _REFS_OPEN.search(masked, position)) is not None:
        name = opening["name"] or ""
        depth = 1
        end = -1
        for line in re.finditer(r"^.*$", masked[opening.end() :], re.MULTILINE):
            div = _DIV_LINE.match(line.group(0).strip())
            if div:
                depth += 1 if div["attrs"] and not div["attrs"].startswith(":") else -1
                if depth == 0:
                    end = opening.end() + line.end()
                    break
        if end < 0:
            line_no = masked.count("\n", 0, opening.start()) + 1
            ident = f"#refs-{name}" if name else "#refs"
            raise DocumentSyntaxError(
                f"the '::: {{{ident}}}' block is never closed (end it with ':::')",
                line=line_no,
                column=1,
            )
        found.append(RefsDiv(name, _div_attributes(opening["attrs"]), opening.start(), end))
        position = end
    return found


def _headings(masked: str, body_start: int) -> list[Heading]:
    """ATX headings and setext underlines (after a paragraph line) outside code."""
    found = [Heading(len(m["marks"]), m.start()) for m in _ATX_HEADING.finditer(masked, body_start)]
    previous: tuple[int, str] | None = None
    offset = 0
    for line in masked.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        content = line.rstrip("\n")
        underline = _SETEXT_LINE.match(content)
        if (
            underline
            and start >= body_start
            and previous is not None
            and previous[1].strip()
            and not _ATX_HEADING.match(previous[1])
            and not previous[1].lstrip().startswith((">", ":::", "-", "*", "+"))
        ):
            found.append(Heading(1 if underline["marks"][0] == "=" else 2, previous[0]))
        previous = (start, content)
    return sorted(found, key=lambda h: h.start)


def _check_brackets(masked: str, lines: LineIndex) -> None:
    """An opening bracket before a citation that is never closed is an error."""
    for paragraph in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", masked):
        stack: list[int] = []
        text = paragraph.group(0)
        for i, char in enumerate(text):
            if char == "[":
                stack.append(i)
            elif char == "]" and stack:
                stack.pop()
        if not stack:
            continue
        # where citations start and brackets close, found once: searching from
        # each unclosed bracket made 5,000 of them take seconds
        cites = [match.start() for match in _CITE_START.finditer(text)]
        closes = [i for i, char in enumerate(text) if char == "]"]
        for opening in stack:
            next_cite = bisect.bisect_left(cites, opening)
            if next_cite == len(cites):
                break  # no citation after this bracket, nor after the later ones
            next_close = bisect.bisect_left(closes, opening)
            if next_close == len(closes) or closes[next_close] > cites[next_cite]:
                line, column = lines.position(paragraph.start() + opening)
                raise DocumentSyntaxError(
                    "unterminated citation: '[' is never closed with ']'", line=line, column=column
                )


# ---------------------------------------------------------------------------
# Scanning
# ---------------------------------------------------------------------------


def _with_affixes(
    hits: list[CitationMatch],
    masked: str,
    text: str,
    body_start: int,
    locale: str,
    style_terms: StyleTerms,
) -> list[CitationMatch]:
    """The citations with prefixes and suffixes as written, code spans and escapes included.

    The masked text the citations were found in has those blanked out
    (``[see `x` @a]`` would lose the code); each citation that had some is
    read again from its own text with them kept.  The new reading is taken
    only when it finds the same citation (same keys, same kind); a
    citation-like ``@`` in the kept text (a URL's) leaves the first reading.
    """
    kept: str | None = None
    out: list[CitationMatch] = []
    for hit in hits:
        if masked[hit.start : hit.end] == text[hit.start : hit.end]:
            out.append(hit)
            continue
        if kept is None:
            kept = mask(text, body_start, inline=False)
        again = find_citations(kept[hit.start : hit.end], locale, style_terms=style_terms)
        same = (
            len(again) == 1
            and again[0].start == 0
            and again[0].end == hit.end - hit.start
            and again[0].in_text == hit.in_text
            and [i.id for i in again[0].cluster.items] == [i.id for i in hit.cluster.items]
            and [i.suppress_author for i in again[0].cluster.items]
            == [i.suppress_author for i in hit.cluster.items]
        )
        out.append(replace(hit, cluster=again[0].cluster) if same else hit)
    return out


def scan(
    text: str,
    *,
    body_start: int = 0,
    locale: str = "en-US",
    note_style: bool = False,
    style_terms: StyleTerms = (),
) -> Scan:
    """Find every citation and note; number the notes in reading order.

    Locators are read with ``locale``'s labels and the style's own
    (``style_terms``: IEEE's ``ch.``), as pandoc reads them.

    With ``note_style`` every citation in the main text becomes a note of
    its own and takes a number in the same sequence as the document's own
    footnotes; citations already in a note take that note's number.
    """
    lines = LineIndex(text)
    masked = mask(text, body_start)
    result = Scan()
    result.refs_divs = _refs_divs(masked)
    result.headings = _headings(masked, body_start)
    for div in result.refs_divs:
        if not div.name and result.refs_block is None:
            result.refs_block = (div.start, div.end)
        masked = (
            masked[: div.start]
            + re.sub(r"[^\n]", " ", masked[div.start : div.end])
            + masked[div.end :]
        )
    _check_brackets(masked, lines)
    result.note_definitions = _note_definitions(masked)
    result.labels = {d.label for d in result.note_definitions}
    scan_text = list(masked)
    i = masked.find("^[", body_start)
    while i >= 0:
        end = _matching_bracket(masked, i + 1)
        if end < 0:
            i = masked.find("^[", i + 2)
            continue
        result.inline_notes.append(InlineNote(i, end + 1))
        scan_text[i] = scan_text[i + 1] = scan_text[end] = " "
        i = masked.find("^[", i + 2)
    scan_masked = "".join(scan_text)

    def definition_at(offset: int) -> NoteDefinition | None:
        for definition in result.note_definitions:
            if definition.start <= offset < definition.end:
                return definition
        return None

    def inline_note_at(offset: int) -> InlineNote | None:
        for note in result.inline_notes:
            if note.start <= offset < note.end:
                return note
        return None

    # Note references and notes in reading order
    events: list[tuple[int, str]] = []
    for match in _NOTE_REF.finditer(masked, body_start):
        if definition_at(match.start()) is None and inline_note_at(match.start()) is None:
            events.append((match.start(), f"[^{match['label']}]"))
    for note in result.inline_notes:
        if definition_at(note.start) is None:
            events.append((note.start, f"^[{note.start}]"))
    hits = _with_affixes(
        find_citations(scan_masked, locale, style_terms=style_terms),
        scan_masked,
        text,
        body_start,
        locale,
        style_terms,
    )
    places: list[str | None] = []
    for hit in hits:
        definition = definition_at(hit.start)
        inline = inline_note_at(hit.start)
        place = (
            f"[^{definition.label}]"
            if definition is not None
            else f"^[{inline.start}]"
            if inline is not None
            else None
        )
        places.append(place)
        if place is None and note_style:
            events.append((hit.start, f"@{hit.start}"))
    events.sort()
    anchors: dict[str, int] = {}
    for offset, name in events:
        if name not in result.note_numbers:
            result.note_numbers[name] = len(result.note_numbers) + 1
            anchors[name] = offset
    for definition in result.note_definitions:  # defined but never referenced
        name = f"[^{definition.label}]"
        if name not in result.note_numbers:
            result.note_numbers[name] = len(result.note_numbers) + 1
            anchors[name] = definition.start
    for hit, place in zip(hits, places, strict=True):
        if place is not None:
            number: int | None = result.note_numbers.get(place)
            order = (anchors.get(place, hit.start), hit.start + 1)
        else:
            number = result.note_numbers.get(f"@{hit.start}")
            order = (hit.start, 0)
        line, column = lines.position(hit.start)
        cluster = Cluster(
            hit.cluster.items, note_number=number if (note_style or place is not None) else None
        )
        result.citations.append(
            FoundCitation(
                hit.start, hit.end, cluster, hit.in_text, line, column, note=place, order=order
            )
        )
    result.citations.sort(key=lambda c: c.order)
    return result


__all__ = [
    "DocumentSyntaxError",
    "FoundCitation",
    "Heading",
    "InlineNote",
    "LineIndex",
    "NoteDefinition",
    "RefsDiv",
    "Scan",
    "mask",
    "scan",
]

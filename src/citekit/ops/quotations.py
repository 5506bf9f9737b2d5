"""Quotation records: statements quoted by a work, and checking them against a text.

A quotation is an ordinary CSL record (type ``speech``, ``interview``,
``document`` for a statement whose occasion is not established, or
``personal_communication``) whose ``author`` is the speaker and whose
``custom`` object carries what CSL has no variable for: the words
(``quotation``), the record that quotes them (``quoted-in``, with
``quoted-in-locator`` and ``quoted-in-label``), and, when known, the
original wording and source (``original-quotation``, ``original-source``).
Keeping quotations as records means every reader, writer and style already
handles them; the typed view is model vocabulary
(:mod:`citekit.model.quotations`, re-exported here); this module checks their
consistency and verifies their words against the text of the quoting work
(or of the original source).  docs/quotations.md documents the convention.

Verification normalises typography (curly and straight quotes, dashes,
ellipses, runs of whitespace) but never letters, words or punctuation, so a
quotation is ``exact`` only when a reader could find it character for
character.  When it is not, the closest passage is found by voting on word
positions from an index of the source (like a BLAST seed search) and
aligning only the best few candidate windows with difflib, so each lookup
costs about the quotation's length, not the source's.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from citekit.base.suggestions import closest_matches
from citekit.errors import Diagnostic, Severity
from citekit.model.locators import LOCATOR_LABELS  # the values quoted-in-label may take
from citekit.model.quotations import (
    CUSTOM_KEYS,
    QUOTATION,
    QUOTATION_TYPES,
    QUOTED_IN,
    QUOTED_IN_LABEL,
    Quotation,
    is_quotation,
    quotations,
    speaker_name,
)
from citekit.model.records import Library

# -- Consistency rules -------------------------------------------------------------------------


def check_quotations(
    library: Library, *, file: str | None = None, lines: Mapping[str, int] | None = None
) -> list[Diagnostic]:
    """Diagnostics for quotation records that a "quoted in" citation could not use.

    Codes: ``quote-no-speaker``, ``quote-no-words``, ``quote-bad-field``
    (a custom value that is not text), ``quote-dangling-quoted-in``,
    ``quote-self-quoted-in``, ``quote-cycle`` (A quoted in B quoted in A),
    ``quote-bad-label``, ``quote-label-no-locator``, ``quote-no-source``
    (neither a quoting record nor an original source) and
    ``quote-unusual-type``.  ``lines`` (key -> line, as readers record
    it) puts the entry's line into each diagnostic.
    """
    diagnostics: list[Diagnostic] = []

    def report(
        severity: Severity, code: str, message: str, key: str, field: str | None = None
    ) -> None:
        line = lines.get(key) if lines is not None else None
        diagnostics.append(
            Diagnostic(severity, code, message, file=file, line=line, key=key, field=field)
        )

    parents: dict[str, str] = {}
    for record in library:
        if not is_quotation(record):
            continue
        key = record.key
        custom = record.custom
        for name in CUSTOM_KEYS:
            value = custom.get(name)
            if value is not None and (isinstance(value, (dict, list, bool))):
                report(
                    Severity.ERROR,
                    "quote-bad-field",
                    f"custom '{name}' must be text, not {type(value).__name__}",
                    key,
                    f"custom.{name}",
                )
        quote = Quotation.from_record(record)
        if not quote.speaker:
            report(
                Severity.ERROR,
                "quote-no-speaker",
                "quotation has no speaker (CSL 'author')",
                key,
                "author",
            )
        if not quote.words.strip():
            report(
                Severity.ERROR,
                "quote-no-words",
                "quotation has no words (custom 'quotation')",
                key,
                f"custom.{QUOTATION}",
            )
        if quote.quoted_in is not None:
            if quote.quoted_in == key:
                report(
                    Severity.ERROR,
                    "quote-self-quoted-in",
                    "quotation names itself as the work quoting it",
                    key,
                    f"custom.{QUOTED_IN}",
                )
            elif quote.quoted_in not in library:
                report(
                    Severity.ERROR,
                    "quote-dangling-quoted-in",
                    f"quoted in '{quote.quoted_in}', which is not in the library",
                    key,
                    f"custom.{QUOTED_IN}",
                )
            else:
                parents[key] = quote.quoted_in
        elif quote.original_source is None:
            report(
                Severity.WARNING,
                "quote-no-source",
                "quotation names neither the work quoting it nor an original source",
                key,
                f"custom.{QUOTED_IN}",
            )
        if quote.label is not None and quote.label not in LOCATOR_LABELS:
            close = closest_matches(quote.label, sorted(LOCATOR_LABELS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            report(
                Severity.ERROR,
                "quote-bad-label",
                f"'{quote.label}' is not a CSL locator label{hint}",
                key,
                f"custom.{QUOTED_IN_LABEL}",
            )
        if quote.label is not None and quote.locator is None:
            report(
                Severity.WARNING,
                "quote-label-no-locator",
                "quoted-in-label is given without a quoted-in-locator",
                key,
                f"custom.{QUOTED_IN_LABEL}",
            )
        if record.type not in QUOTATION_TYPES:
            report(
                Severity.INFO,
                "quote-unusual-type",
                f"quotation record has type '{record.type}'; expected one of "
                f"{', '.join(sorted(QUOTATION_TYPES))}",
                key,
                "type",
            )
    for key in _cycle_members(parents):
        report(
            Severity.ERROR,
            "quote-cycle",
            "the 'quoted in' chain from this record comes back to it",
            key,
            f"custom.{QUOTED_IN}",
        )
    return diagnostics


def _cycle_members(parents: dict[str, str]) -> list[str]:
    """Keys whose quoted-in chain returns to them, in first-seen order."""
    members: list[str] = []
    for start in parents:
        seen = {start}
        current = parents.get(start)
        while current is not None and current not in seen:
            seen.add(current)
            current = parents.get(current)
        if current == start:
            members.append(start)
    return members


# -- Text normalisation and paragraphs ---------------------------------------------------------

_MARKS: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    "\u2026": "...",
}
_TYPOGRAPHY = re.compile(
    r"(?P<dash>\s*[-\u2010-\u2015\u2212]+\s*)|(?P<space>\s+)|(?P<mark>[" + "".join(_MARKS) + "])"
)
_WORD = re.compile(r"\w+(?:'\w+)*")
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s?){3}\]|\[\u2026\]|\.{3}|\. \. \.|\u2026)\s*")


def normalize(text: str) -> tuple[str, list[int]]:
    """Typography-neutral text and, for each of its characters, the source offset.

    Curly quotes become straight; every run of dashes or hyphens, spaced or
    not, becomes `` - `` (so an en dash, an em dash, ``--`` and a hyphen all
    compare equal); ``…`` becomes three dots, and each whitespace run
    (no-break spaces included) one space.  Letters and other punctuation
    are untouched.
    """
    pieces: list[str] = []
    offsets: list[int] = []
    last = 0
    for match in _TYPOGRAPHY.finditer(text):
        start, end = match.span()
        pieces.append(text[last:start])
        offsets.extend(range(last, start))
        if match.lastgroup == "dash":
            dash = end - len(match.group().lstrip())
            pieces.append(" - ")
            offsets.extend((start, dash, end - 1))
        elif match.lastgroup == "space":
            pieces.append(" ")
            offsets.append(start)
        else:
            replacement = _MARKS[match.group()]
            pieces.append(replacement)
            offsets.extend([start] * len(replacement))
        last = end
    pieces.append(text[last:])
    offsets.extend(range(last, len(text)))
    flat = "".join(pieces)
    lead, trail = len(flat) - len(flat.lstrip(" ")), len(flat.rstrip(" "))
    return flat[lead:trail], offsets[lead:trail]


def normalized(text: str) -> str:
    return normalize(text)[0]


def paragraph_starts(text: str) -> list[int]:
    """Start offsets of the blank-line-separated blocks of a text.

    Block 0 is the first block (the title line in citekit's convention), so
    the paragraph numbers of ``quoted-in-locator`` are indexes into this list.
    """
    starts: list[int] = []
    offset = 0
    previous_blank = True
    for line in text.splitlines(keepends=True):
        blank = not line.strip()
        if not blank and previous_blank:
            starts.append(offset)
        previous_blank = blank
        offset += len(line)
    return starts


def paragraphs(text: str) -> list[str]:
    """The text's blocks (block 0 being the title), each stripped."""
    starts = paragraph_starts(text)
    if not starts:  # empty or blank text has no blocks (zip would see one end too many)
        return []
    ends = [*starts[1:], len(text)]
    return [text[s:e].strip() for s, e in zip(starts, ends, strict=True)]


def split_ellipsis(words: str) -> list[str]:
    """The parts of a quotation around its ellipses (``...``, ``…``, ``[...]``)."""
    return [part for part in (p.strip() for p in _ELLIPSIS.split(words)) if part]


# -- Word diffs --------------------------------------------------------------------------------

DiffTag = Literal["equal", "replace", "delete", "insert"]


@dataclass(frozen=True, slots=True)
class WordChange:
    """One step of a word diff: ``quoted`` words against ``source`` words."""

    tag: DiffTag
    quoted: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {"op": self.tag, "quoted": self.quoted, "source": self.source}


def _diff_tokens(text: str) -> list[str]:
    """Whitespace tokens of normalised text, without the quoting work's quote marks."""
    tokens = [token.strip("\"'") for token in normalized(text).split(" ")]
    return [token for token in tokens if token]


def word_diff(quoted: str, source: str) -> tuple[WordChange, ...]:
    """The word-level differences between two texts (typography normalised)."""
    a, b = _diff_tokens(quoted), _diff_tokens(source)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return tuple(
        WordChange(tag, " ".join(a[i1:i2]), " ".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    )


def _token_ratio(quoted: str, source: str) -> float:
    a, b = _diff_tokens(quoted), _diff_tokens(source)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def format_word_diff(changes: Iterable[WordChange], *, context: int | None = None) -> str:
    """wdiff notation: ``[-quoted only-] {+source only+}``, equal words plain.

    With ``context``, runs of equal words keep only that many words next to
    each change, the rest shown as ``…``.
    """
    steps = list(changes)
    pieces: list[str] = []
    for position, change in enumerate(steps):
        if change.tag == "equal":
            words = change.quoted.split(" ")
            if context is not None:
                head = words[:context] if position > 0 else []
                tail = words[-context:] if context and position < len(steps) - 1 else []
                if len(head) + len(tail) < len(words):
                    words = [*head, "…", *tail]
            pieces.append(" ".join(words))
            continue
        if change.quoted:
            pieces.append(f"[-{change.quoted}-]")
        if change.source:
            pieces.append(f"{{+{change.source}+}}")
    return " ".join(pieces)


# -- Searching a source text -------------------------------------------------------------------

#: A passage is ``near`` when its words align with the quotation's at least this
#: well (difflib's ratio over words) and at least two words (one for a one-word
#: quotation) align; below that it would be a guess.
NEAR_THRESHOLD = 0.5
_CANDIDATES = 8
_COMMON_SHARE = 0.02


class SourceIndex:
    """A source text prepared once for many quotation lookups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm, self._offsets = normalize(text)
        self._spans: list[tuple[int, int]] = []
        self._keys: list[str] = []
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for match in _WORD.finditer(self.norm):
            key = match.group().casefold()
            positions[key].append(len(self._keys))
            self._keys.append(key)
            self._spans.append(match.span())
        self._positions = dict(positions)
        self._vocabulary = sorted(self._positions)
        self._paragraphs = paragraph_starts(text)

    # -- offsets and paragraphs ---------------------------------------------
    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) span to offsets in the original text."""
        return self._offsets[start], self._offsets[end - 1] + 1

    def paragraph_of(self, offset: int) -> int | None:
        number = bisect_right(self._paragraphs, offset) - 1
        return number if number >= 0 else None

    # -- exact search -------------------------------------------------------
    def exact(self, words: str, start: int = 0) -> Iterator[tuple[int, int]]:
        """Normalised spans where ``words`` occur whole (not inside a longer word)."""
        needle = normalized(words).strip()
        if not needle:
            return
        at = self.norm.find(needle, start)
        while at >= 0:
            end = at + len(needle)
            before = self.norm[at - 1] if at else " "
            after = self.norm[end] if end < len(self.norm) else " "
            if not (
                (needle[0].isalnum() and before.isalnum())
                or (needle[-1].isalnum() and after.isalnum())
            ):
                yield at, end
            at = self.norm.find(needle, at + 1)

    # -- near search --------------------------------------------------------
    def _aliases(self, key: str) -> list[str]:
        if key in self._positions:
            return [key]
        return difflib.get_close_matches(key, self._vocabulary, n=3, cutoff=0.8)

    def nearest(
        self, words: str, *, extend_edges: bool = False
    ) -> tuple[int, int, float, int] | None:
        """The normalised span aligning best with ``words``, its word ratio and
        how many words align.

        Each quotation word votes for the passage starts its occurrences
        imply; only the best-voted windows are aligned with difflib.
        """
        query = [m.group().casefold() for m in _WORD.finditer(normalized(words))]
        if not query or not self._keys:
            return None
        alias_of: dict[str, str] = {}
        hits: list[tuple[int, list[int]]] = []
        for index, key in enumerate(query):
            for alias in self._aliases(key):
                alias_of.setdefault(alias, key)
                hits.append((index, self._positions[alias]))
        if not hits:
            return None
        common = max(50, int(len(self._keys) * _COMMON_SHARE))
        rare = [hit for hit in hits if len(hit[1]) <= common] or hits
        votes: Counter[int] = Counter()
        for index, found in rare:
            for position in found:
                votes[position - index] += 1
        size = len(query)
        slack = size // 2 + 2
        best: tuple[float, int, int, int] | None = None
        for start, _count in votes.most_common(_CANDIDATES):
            low = max(0, start - slack)
            high = min(len(self._keys), start + size + slack)
            window = [alias_of.get(k, k) for k in self._keys[low:high]]
            matcher = difflib.SequenceMatcher(None, query, window, autojunk=False)
            blocks = [b for b in matcher.get_matching_blocks() if b.size]
            if not blocks:
                continue
            # The passage runs from the first aligned word to the last: words
            # beyond them would be guesses, unless the caller knows the texts
            # correspond (a quotation against its own original wording).
            first, last = blocks[0], blocks[-1]
            begin, end = first.b, last.b + last.size
            if extend_edges:
                begin = max(0, begin - first.a)
                end = min(len(window), end + size - last.a - last.size)
            matched = sum(b.size for b in blocks)
            ratio = 2.0 * matched / (size + (end - begin))
            if best is None or ratio > best[0]:
                best = (ratio, low + begin, low + end - 1, matched)
        if best is None:
            return None
        ratio, first_word, last_word, matched = best
        start, end = self._spans[first_word][0], self._spans[last_word][1]
        # Punctuation the quotation has at its edges is looked for there too.
        query_text = normalized(words)
        if not query_text[0].isalnum():
            while (
                start > 0
                and not self.norm[start - 1].isspace()
                and not self.norm[start - 1].isalnum()
            ):
                start -= 1
        if not query_text[-1].isalnum():
            while (
                end < len(self.norm)
                and not self.norm[end].isspace()
                and not self.norm[end].isalnum()
            ):
                end += 1
        return start, end, ratio, matched


# -- Verification ------------------------------------------------------------------------------

Status = Literal["exact", "near", "missing"]


@dataclass(frozen=True, slots=True)
class Passage:
    """Where one part of a quotation (between ellipses) was found, if anywhere."""

    words: str
    status: Status
    text: str = ""
    start: int | None = None
    end: int | None = None
    paragraph: int | None = None
    ratio: float = 0.0
    diff: tuple[WordChange, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "status": self.status,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "paragraph": self.paragraph,
            "ratio": round(self.ratio, 3),
            "diff": format_word_diff(self.diff),
        }


@dataclass(frozen=True, slots=True)
class Verification:
    """How a quotation's words (or its original wording) stand against a source text."""

    quotation: Quotation
    status: Status
    checked: str
    field: Literal["quotation", "original-quotation"]
    passages: tuple[Passage, ...]
    departures: tuple[WordChange, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "exact"

    @property
    def passage(self) -> str:
        return " … ".join(p.text for p in self.passages if p.text)

    @property
    def diff(self) -> str:
        return " … ".join(format_word_diff(p.diff) for p in self.passages if p.diff)

    @property
    def paragraphs(self) -> tuple[int, ...]:
        return tuple(p.paragraph for p in self.passages if p.paragraph is not None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.quotation.key,
            "speaker": self.quotation.speaker_display,
            "status": self.status,
            "checked": self.field,
            "words": self.checked,
            "passage": self.passage,
            "paragraphs": list(self.paragraphs),
            "diff": self.diff,
            "parts": [p.to_json() for p in self.passages],
            "departures": format_word_diff(self.departures) if self.departures else None,
            "notes": list(self.notes),
        }


def _exact_passage(index: SourceIndex, words: str, span: tuple[int, int]) -> Passage:
    start, end = index.original_span(*span)
    return Passage(
        words, "exact", index.text[start:end], start, end, index.paragraph_of(start), 1.0
    )


def _near_passage(index: SourceIndex, words: str) -> Passage:
    found = index.nearest(words)
    wanted = min(2, len(_WORD.findall(normalized(words))))
    if found is None or found[2] < NEAR_THRESHOLD or found[3] < wanted:
        return Passage(words, "missing")
    start, end = index.original_span(found[0], found[1])
    text = index.text[start:end]
    return Passage(
        words,
        "near",
        text,
        start,
        end,
        index.paragraph_of(start),
        _token_ratio(words, text),
        word_diff(words, text),
    )


def _verify_words(
    index: SourceIndex, words: str, prefer_paragraph: int | None
) -> tuple[Status, list[Passage], list[str]]:
    parts = split_ellipsis(words) or [words]
    notes: list[str] = []
    firsts = list(index.exact(parts[0]))
    # Each later part is taken at its first occurrence after the one before,
    # so a chain that fails from the earliest start fails from every start:
    # only starts in the recorded paragraph and the earliest one need trying.
    preferred = (
        []
        if prefer_paragraph is None
        else [
            span
            for span in firsts
            if index.paragraph_of(index.original_span(*span)[0]) == prefer_paragraph
        ]
    )
    for first in [*preferred, *firsts[:1]]:
        chain = [first]
        for part in parts[1:]:
            following = next(index.exact(part, chain[-1][1]), None)
            if following is None:
                break
            chain.append(following)
        if len(chain) == len(parts):
            return (
                "exact",
                [_exact_passage(index, p, s) for p, s in zip(parts, chain, strict=True)],
                notes,
            )
    passages: list[Passage] = []
    for part in parts:
        span = next(index.exact(part), None)
        passages.append(
            _exact_passage(index, part, span) if span is not None else _near_passage(index, part)
        )
    if len(parts) > 1 and all(p.status == "exact" for p in passages):
        notes.append("every part appears, but not in the quoted order")
    for passage in passages:
        if passage.status == "near" and all(c.tag == "equal" for c in passage.diff):
            notes.append(
                f"the words of '{passage.words}' appear, but with the source's "
                "own quotation marks inside them"
            )
    statuses = {p.status for p in passages}
    status: Status = "missing" if statuses == {"missing"} else "near"
    return status, passages, notes


def verify(
    quotes: Sequence[Quotation], source_text: str, *, original: bool = False
) -> list[Verification]:
    """Check each quotation's words against ``source_text``.

    ``exact``: every part (between ellipses) appears verbatim, in order,
    typography aside.  ``near``: the closest passage and a word diff.
    ``missing``: nothing aligns with at least :data:`NEAR_THRESHOLD` of the
    words.  When the quotation records a paragraph and the words appear more
    than once, the occurrence in that paragraph is preferred, and a note says
    so when the words are found only elsewhere.

    With ``original`` the original wording is checked instead (against the
    original source's text), and ``departures`` is the word diff between
    the quoting work's words and the original wording.  A quotation without
    an original wording is checked on its quoted words, with a note.
    """
    index = SourceIndex(source_text)
    results: list[Verification] = []
    for quote in quotes:
        notes: list[str] = []
        departures: tuple[WordChange, ...] = ()
        field: Literal["quotation", "original-quotation"] = "quotation"
        words = quote.words
        prefer: int | None = None
        if original and quote.original_words:
            field, words = "original-quotation", quote.original_words
            departures = quoting_departures(quote)
        elif original:
            notes.append("no original wording recorded; checked the quoted words")
        if (
            not original
            and quote.label == "paragraph"
            and quote.locator
            and quote.locator.isdigit()
        ):
            prefer = int(quote.locator)
        if not words.strip():
            results.append(
                Verification(quote, "missing", words, field, (), departures, ("no words to check",))
            )
            continue
        status, passages, found_notes = _verify_words(index, words, prefer)
        notes.extend(found_notes)
        if (
            status == "exact"
            and prefer is not None
            and prefer not in {p.paragraph for p in passages}
        ):
            where = ", ".join(str(p.paragraph) for p in passages)
            notes.append(f"recorded at paragraph {prefer}, found in paragraph {where}")
        results.append(
            Verification(quote, status, words, field, tuple(passages), departures, tuple(notes))
        )
    return results


def quoting_departures(quote: Quotation) -> tuple[WordChange, ...]:
    """Where the quoting work's words depart from the original wording.

    The quoted words are aligned with the passage of the original wording
    they best match (a quotation is often an excerpt), so an excerpt taken
    verbatim has no departures at all.
    """
    if not quote.original_words or not quote.words:
        return ()
    index = SourceIndex(quote.original_words)
    changes: list[WordChange] = []
    for part in split_ellipsis(quote.words) or [quote.words]:
        if next(index.exact(part), None) is not None:
            continue
        found = index.nearest(part, extend_edges=True)
        target = quote.original_words
        if found is not None:
            start, end = index.original_span(found[0], found[1])
            target = quote.original_words[start:end]
        changes.extend(word_diff(part, target))
    return tuple(changes)


__all__ = [
    "CUSTOM_KEYS",
    "LOCATOR_LABELS",
    "NEAR_THRESHOLD",
    "QUOTATION_TYPES",
    "Passage",
    "Quotation",
    "SourceIndex",
    "Verification",
    "WordChange",
    "check_quotations",
    "format_word_diff",
    "is_quotation",
    "normalize",
    "paragraph_starts",
    "paragraphs",
    "quotations",
    "quoting_departures",
    "speaker_name",
    "split_ellipsis",
    "verify",
    "word_diff",
]

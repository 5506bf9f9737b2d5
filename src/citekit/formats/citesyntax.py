"""Pandoc's citation syntax: ``[see @doe99, pp. 33-35; also @smith04, chap. 1]``.

One module parses it for the ``cite`` command and for whole Markdown
documents.  A cluster is a ``;``-separated list of cites; each cite is an
optional prefix, a key (``@key``, ``@{odd key}``, ``-@key`` to suppress the
author), and an optional suffix whose start may be a locator: a label from
the CSL locale's locator terms (``p.``, ``pp.``, ``chap.``, ``§``, ``Seite``
... long, short and symbol forms, singular and plural) followed by a
number, range or list, or any text in braces (``{iv, 12}``).  A bare
number means a page, as in pandoc.  Prefixes, locators and suffixes may
hold balanced square brackets (``[see [also] @doe99, p. [33] [note]]``).

Prefixes and suffixes are stored as they will be printed: a prefix ends with
a space and a suffix that starts with a word gets one, so an engine can
concatenate them verbatim.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import replace
from functools import cache, lru_cache

from citekit.base.text import balanced
from citekit.base.valueclass import value_class
from citekit.errors import CitationSyntaxError
from citekit.model.citations import CiteItem, Cluster
from citekit.model.locators import DEFAULT_LOCATOR, LOCATOR_TERMS
from citekit.styles.catalog import DEFAULT_LOCALE
from citekit.styles.terms import TermForm, locale_terms, parse_terms


def _lazy(pattern: str) -> Callable[[], re.Pattern[str]]:
    """``pattern`` compiled on first use: a bare cite (``citekit cite @key``) never
    needs the locator and in-text patterns, and compiling them cost every run."""
    return cache(lambda: re.compile(pattern))


# Key characters (pandoc): alphanumerics and _ anywhere, internal punctuation
# only when followed by an alphanumeric.
_KEY = r"[\w](?:[\w]|[:.#$%&\-+?<>~/](?=[\w]))*"
# An @ right after a word character is an e-mail address (``me@x.org``), as in pandoc.
_KEY_RE = re.compile(
    r"(?P<minus>-?)(?<!\w)@(?:\{(?P<braced>[^{}\[\]]*)\}|(?P<plain>" + _KEY + r"))"
)
_PLAIN_LOCATOR_WORD = r"\w*\d\w*(?:[.:]\w+)*|[ivxlcdmIVXLCDM]+(?:[.:]\w+)*"
# pandoc takes a word in brackets too: ``p. [33]``, ``pp. [iv]-x``
_LOCATOR_WORD = r"\[(?:" + _PLAIN_LOCATOR_WORD + r")\]|" + _PLAIN_LOCATOR_WORD
_LOCATOR_VALUE = _lazy(
    r"(?P<value>(?:"
    + _LOCATOR_WORD
    + r")(?:\s*(?:-{1,3}|[–—]|,|&|and)\s*(?:"
    + _LOCATOR_WORD
    + r"))*)"
)
# Without a label only plain numbers count (``12``, ``33-35``, ``4a``), as in pandoc.
_NUMBER_WORD = r"\[\d+[a-zA-Z]?(?:[.:]\d+)*\]|\d+[a-zA-Z]?(?:[.:]\d+)*"
_BARE_NUMBERS = _lazy(
    r"(?P<value>(?:"
    + _NUMBER_WORD
    + r")(?:\s*(?:-{1,3}|[–—]|,|&|and)\s*(?:"
    + _NUMBER_WORD
    + r"))*)"
)
_BRACED_VALUE = _lazy(r"\{(?P<value>[^{}]*)\}")


@value_class
class CitationMatch:
    """A citation found in running text, with its character span.

    ``in_text`` marks pandoc's author-in-text form (``@doe99 [p. 33]``),
    rendered as the author followed by the citation without its author.  It
    concerns the first cite only: ``@doe99 [p. 33; @roe04]`` cites
    ``roe04`` as usual after it, in the same parentheses (pandoc's
    AuthorInText then NormalCitation).  ``-@doe99`` in running text is no
    in-text cite but a cluster whose cite leaves the author out.
    """

    start: int
    end: int
    cluster: Cluster
    in_text: bool = False


# ---------------------------------------------------------------------------
# Locator labels from the locale
# ---------------------------------------------------------------------------


def _locator_forms(terms: tuple[TermForm, ...]) -> list[TermForm]:
    """The forms of the locator terms, earlier terms first (they win shared forms)."""
    rank = {name: i for i, name in enumerate(LOCATOR_TERMS)}
    return sorted((t for t in terms if t.name in rank), key=lambda t: rank[t.name])


StyleTerms = tuple[TermForm, ...]
"""A style's own locator term forms (:func:`style_locator_terms`)."""

_STYLE_LOCALE = cache(lambda: re.compile(rb"<locale\b([^>]*)>(.*?)</locale>", re.DOTALL))
_XML_LANG = cache(lambda: re.compile(rb"xml:lang\s*=\s*[\"']([^\"']*)"))


@lru_cache(maxsize=32)
def style_locator_terms(style_xml: bytes, locale: str = DEFAULT_LOCALE) -> StyleTerms:
    """The locator term forms a style's own ``<locale>`` elements give ``locale``.

    pandoc reads labels with the style's term overrides too (IEEE's short
    chapter term ``ch.``: ``[@a, ch. 4]``).  The CSL order of precedence
    holds: a ``<locale>`` for the whole tag (``en-US``), then for the
    language (``en``), then one without ``xml:lang``.  Each element's terms
    are read as a locale file's are (kept on disk, so no XML is parsed on
    later runs).
    """
    if b"<locale" not in style_xml:
        return ()
    wanted = locale.lower()
    ranked: list[tuple[int, bytes]] = []
    for match in _STYLE_LOCALE().finditer(style_xml):
        lang = _XML_LANG().search(match[1])
        tag = lang[1].decode("ascii", "replace").lower() if lang else ""
        rank = 0 if tag == wanted else 1 if tag == wanted.split("-")[0] else 2 if not tag else -1
        if rank >= 0:
            ranked.append((rank, match[2]))
    found: list[TermForm] = []
    for _, body in sorted(ranked, key=lambda pair: pair[0]):
        xml = b'<locale xmlns="http://purl.org/net/xbiblio/csl">' + body + b"</locale>"
        found += parse_terms(xml)
    return tuple(_locator_forms(tuple(found)))


@lru_cache(maxsize=32)
def locator_labels(locale: str = DEFAULT_LOCALE, style_terms: StyleTerms = ()) -> dict[str, str]:
    """Lower-cased label text -> CSL locator term, for a locale plus English.

    English is always included because people write ``p.`` in any language;
    the style's own forms for the locale (``style_terms``) come first, then
    the locale's, and the earlier win ties.
    """
    labels: dict[str, str] = {}
    for term in style_terms:
        labels.setdefault(term.text.lower(), term.name)
    for lang in dict.fromkeys((locale, DEFAULT_LOCALE)):
        for term in _locator_forms(locale_terms(lang)):
            labels.setdefault(term.text.lower(), term.name)
    for name in LOCATOR_TERMS:  # the term names themselves ("page", "sub-verbo")
        labels.setdefault(name, name)
    return labels


@lru_cache(maxsize=32)
def _label_pattern(locale: str, style_terms: StyleTerms) -> re.Pattern[str]:
    labels = sorted(locator_labels(locale, style_terms), key=len, reverse=True)
    alternatives = "|".join(re.escape(label) for label in labels)
    # A word label needs a space or the end after it ("pp." "page"); a symbol
    # (§, ¶) may touch the number.
    return re.compile(r"(?P<label>" + alternatives + r")(?:(?<=\W)\s*|\s+)", re.IGNORECASE)


def parse_locator(
    suffix: str, locale: str = DEFAULT_LOCALE, *, style_terms: StyleTerms = ()
) -> tuple[str | None, str | None, str]:
    """Split a cite's suffix into (label, locator, rest).

    ``style_terms`` (:func:`style_locator_terms`) adds the style's own labels.

    ``", pp. 33-35, for example"`` -> ``("page", "33-35", ", for example")``;
    ``", 12"`` -> ``("page", "12", "")``; text without a locator comes back
    unchanged with ``None`` for label and locator.
    """
    match = re.match(r"\s*,?\s*", suffix)
    pos = match.end() if match else 0
    if not suffix[pos:].replace(",", " ").strip():
        # nothing but commas and blanks left to hold a value (every value
        # pattern needs another character): the common bare cite skips
        # reading the locale's labels
        return None, None, suffix
    label: str | None = None
    label_match = _label_pattern(locale, style_terms).match(suffix, pos)
    value_pos = pos
    if label_match:
        label = locator_labels(locale, style_terms)[label_match["label"].lower()]
        value_pos = label_match.end()
    braced = _BRACED_VALUE().match(suffix, value_pos)
    if braced:
        return label or DEFAULT_LOCATOR, braced["value"], suffix[braced.end() :]
    pattern = _LOCATOR_VALUE() if label is not None else _BARE_NUMBERS()
    value = pattern.match(suffix, value_pos)
    if value and not _ends_cleanly(suffix, value.end()):
        # "2, more": the list took the roman-looking "m" of a word; stop before it
        cut = _last_separator(value["value"])
        value = pattern.match(suffix, value_pos, value_pos + cut) if cut else None
    if value and _ends_cleanly(suffix, value.end()):
        return label or DEFAULT_LOCATOR, _dashes(value["value"].strip()), suffix[value.end() :]
    return None, None, suffix


def _dashes(value: str) -> str:
    """A locator's dashes as pandoc's smart typography reads them, ranges as CSL's hyphen.

    ``---`` is an em dash; ``--`` and an en dash make a range as ``-`` does
    (``pp. 321--328``), so that the style's page-range format and range
    delimiter apply to it in every engine.
    """
    if "-" not in value and "–" not in value:
        return value
    return value.replace("---", "—").replace("--", "-").replace("–", "-")


_SEPARATOR = _lazy(r"\s*(?:-{1,3}|[–—]|,|&|and)\s*")


def _last_separator(value: str) -> int:
    """Where the last list separator of a locator value starts (0 if none)."""
    starts = [match.start() for match in _SEPARATOR().finditer(value) if match.start()]
    return starts[-1] if starts else 0


def _ends_cleanly(text: str, end: int) -> bool:
    """A locator value must not run into a word (``12th`` is not page 12)."""
    return end >= len(text) or not text[end].isalnum()


# ---------------------------------------------------------------------------
# Structure: what brackets, semicolons and keys count
# ---------------------------------------------------------------------------
#
# Prefixes, locators and suffixes may hold balanced square brackets
# (``[see [also] @doe99]``, ``[@doe99, pp. 33-35 [note]]``), as in pandoc.
# Every decision about structure (where a bracket group ends, where a cite
# ends, where the key is) is made on a *mask*: a copy of the text of the
# same length in which code spans, fences, autolinks and backslash escapes
# are blanked out, and, inside one cluster, everything in a nested bracket
# group too.  The printed text is always cut from the original at the same
# offsets.  One left-to-right pass finds every bracket pair and whether it
# can be a cluster, so parsing stays linear however the brackets nest.

_BLANK = "\x01"  # neither whitespace, punctuation nor a word character
_FENCE_LINE = re.compile(r"^(`{3,}|~{3,})", re.MULTILINE)
_OPAQUE_INLINE = re.compile(r"\\[!-/:-@\[-`{-~]|`[^`\n]*`|<[a-z]+:[^<>\s]*>")
"""Escapes, code spans and autolinks: no brackets or keys inside."""
_NO_START = _lazy(r"\]\([^()]*\)|https?://\S+")
"""Link targets and bare URLs: no citation starts inside."""


def _fence_spans(text: str) -> list[tuple[int, int]]:
    """Fenced code blocks, each from its opening fence to its closing one.

    A fence closes on a later line starting with at least as many of the
    same character; an unclosed fence is no code block (pandoc's reading).
    Only fence lines are visited, so a text of backticks stays linear.
    """
    lines = [(match.start(), match.group(1)) for match in _FENCE_LINE.finditer(text)]
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        start, fence = lines[index]
        index += 1
        for later in range(index, len(lines)):
            if lines[later][1].startswith(fence):
                spans.append((start, lines[later][0] + len(fence)))
                index = later + 1
                break
    return spans


def _opaque_spans(text: str) -> list[tuple[int, int]]:
    """Fenced code, escapes, code spans and autolinks, in order."""
    spans: list[tuple[int, int]] = []
    position = 0
    for start, end in [*_fence_spans(text), (len(text), len(text))]:
        spans.extend(m.span() for m in _OPAQUE_INLINE.finditer(text, position, start))
        if end > start:
            spans.append((start, end))
        position = end
    return spans


def _structure_mask(text: str) -> str:
    """``text`` with the :func:`_opaque_spans` blanked out (same length)."""
    pieces: list[str] = []
    position = 0
    for start, end in _opaque_spans(text):
        pieces.append(text[position:start])
        pieces.append(_BLANK * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _depth_mask(mask: str) -> str:
    """Blank out everything inside nested bracket groups; unmatched brackets stay."""
    chars = list(mask)
    opened: list[int] = []
    for index, char in enumerate(mask):
        if char == "[":
            opened.append(index)
        elif char == "]" and opened:
            start = opened.pop()
            if not opened:
                chars[start + 1 : index] = _BLANK * (index - start - 1)
    return "".join(chars)


def _split_cites(mask: str) -> list[tuple[int, int]]:
    """Spans of the ``;``-separated parts of a depth-masked cluster body (braces protect)."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for index, char in enumerate(mask):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(mask)))
    return spans


# ---------------------------------------------------------------------------
# Clusters
# ---------------------------------------------------------------------------


def _clean_prefix(text: str) -> str | None:
    text = " ".join(text.split())
    return f"{text} " if text else None


def _clean_suffix(text: str) -> str | None:
    if not text.strip():
        return None
    stripped = text.rstrip()
    collapsed = " ".join(stripped.split())
    if stripped[:1].isspace() or (collapsed[:1].isalnum()):
        return f" {collapsed}"
    return collapsed


def _cite(text: str, mask: str, locale: str, terms: StyleTerms = ()) -> CiteItem:
    """One cite; ``mask`` is ``text`` depth-masked, so nested brackets are prefix or suffix."""
    match = _KEY_RE.search(mask)
    if match is None:
        raise CitationSyntaxError(f"no citation key (@key) in {text.strip()!r}")
    group = "braced" if match["braced"] is not None else "plain"
    key = text[match.start(group) : match.end(group)]
    if not key:
        raise CitationSyntaxError(f"empty citation key in {text.strip()!r}")
    prefix = _clean_prefix(text[: match.start()])
    label, locator, rest = parse_locator(text[match.end() :], locale, style_terms=terms)
    return CiteItem(
        id=key,
        locator=locator,
        label=label if locator is not None else None,
        prefix=prefix,
        suffix=_clean_suffix(rest),
        suppress_author=bool(match["minus"]),
    )


def _cluster(
    body: str,
    mask: str,
    locale: str,
    note_number: int | None,
    source: str | None = None,
    terms: StyleTerms = (),
) -> Cluster:
    """A cluster body (no outer brackets) with its structure mask."""
    depth_masked = _depth_mask(mask)
    items = tuple(
        _cite(body[start:end], depth_masked[start:end], locale, terms)
        for start, end in _split_cites(depth_masked)
        if depth_masked[start:end].strip()
    )
    if not items:
        raise CitationSyntaxError(f"no citation in {source if source is not None else body!r}")
    return Cluster(items=items, note_number=note_number)


def parse_cite(
    text: str, locale: str = DEFAULT_LOCALE, *, style_terms: StyleTerms = ()
) -> CiteItem:
    """One cite: ``see -@doe99, p. 33 and passim`` (brackets in it must balance)."""
    mask = _structure_mask(text)
    if not balanced(mask, "[", "]"):
        raise CitationSyntaxError(f"unbalanced brackets in {text!r}")
    return _cite(text, _depth_mask(mask), locale, style_terms)


def parse_cluster(
    text: str,
    locale: str = DEFAULT_LOCALE,
    *,
    note_number: int | None = None,
    style_terms: StyleTerms = (),
) -> Cluster:
    """A whole cluster, with or without the surrounding brackets.

    ``"[see @a, pp. 33-35; also @b, chap. 1]"`` and ``"@a, p. 33; @b"`` both
    work, and so do balanced brackets inside (``[see [also] @a [note]]``).
    Text before the first key of a part is that cite's prefix.  Raises
    :class:`CitationSyntaxError` when a part holds no key or a bracket is
    left unmatched.
    """
    body = text.strip()
    mask = _structure_mask(body)
    if not balanced(mask, "[", "]"):
        raise CitationSyntaxError(f"unbalanced brackets in {text!r}")
    if body.startswith("[") and _closing(mask, 0) == len(body) - 1:
        body, mask = body[1:-1], mask[1:-1]
    return _cluster(body, mask, locale, note_number, repr(text), style_terms)


def _closing(mask: str, start: int) -> int:
    """Index of the ``]`` matching the ``[`` at ``start`` (the mask is balanced)."""
    depth = 0
    for index in range(start, len(mask)):
        if mask[index] == "[":
            depth += 1
        elif mask[index] == "]":
            depth -= 1
            if depth == 0:
                return index
    return -1


# ---------------------------------------------------------------------------
# Running text
# ---------------------------------------------------------------------------


class _Group:
    """An open ``[`` while scanning: can the group still be a cluster?

    A cluster needs every non-blank ``;``-part (outside braces, at this
    group's own depth) to start its first key match with a non-empty key;
    this mirrors :func:`_cluster` so only groups that parse are parsed.
    """

    __slots__ = ("braces", "key", "nonblank", "ok", "parts", "start")

    def __init__(self, start: int) -> None:
        self.start = start
        self.braces = 0
        self.ok = True
        self.parts = 0  # non-blank parts closed so far
        self.nonblank = False  # the current part has something in it
        self.key: bool | None = None  # the current part's first key: None, good or empty

    def end_part(self) -> None:
        if self.nonblank:
            self.parts += 1
            if not self.key:
                self.ok = False
        self.nonblank = False
        self.key = None

    def cluster_like(self) -> bool:
        self.end_part()
        return self.ok and self.parts > 0


def _bracket_groups(mask: str) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Every matched bracket pair (open -> close) and those that can be clusters."""
    pairs: dict[int, int] = {}
    candidates: list[tuple[int, int]] = []
    stack: list[_Group] = []
    for index, char in enumerate(mask):
        if char == "[":
            if stack:
                stack[-1].nonblank = True
            stack.append(_Group(index))
            continue
        if not stack:
            continue
        group = stack[-1]
        if char == "]":
            stack.pop()
            pairs[group.start] = index
            if group.cluster_like():
                candidates.append((group.start, index))
            if stack:
                stack[-1].nonblank = True
        elif char == "{":
            group.braces += 1
            group.nonblank = True
        elif char == "}":
            group.braces = max(0, group.braces - 1)
            group.nonblank = True
        elif char == ";" and group.braces == 0:
            group.end_part()
        elif not char.isspace():
            group.nonblank = True
            if char == "@" and group.key is None:
                start = index - 1 if index and mask[index - 1] == "-" else index
                key = _KEY_RE.match(mask, start)
                if key is not None:
                    group.key = bool(key["braced"] if key["braced"] is not None else key["plain"])
    candidates.sort()
    return pairs, candidates


_IN_TEXT_KEY = _lazy(r"(?P<minus>(?<![\w@\\])-)?(?<![\w@\\])@(?:\{[^{}\[\]]*\}|" + _KEY + r")")
# pandoc's spnl between a key and its bracket: blanks and at most one line break
_TO_BRACKET = _lazy(r"[ \t]*(?:\r?\n[ \t]*)?(?=\[)")


def _bracket_after(mask: str, end: int) -> int:
    """Where the ``[`` that may belong to the in-text key ending at ``end`` is (-1: none)."""
    found = _TO_BRACKET().match(mask, end)
    return found.end() if found else -1


def _in_text_items(
    first: CiteItem, body: str, mask: str, locale: str, terms: StyleTerms
) -> tuple[CiteItem, ...] | None:
    """The cites of ``@key [body]``, read as pandoc's ``textualCite`` reads them.

    The bracket is a cluster of further cites when it is one (``@a [see
    @b]``); else its first ``;``-part is the key's locator and suffix and
    the parts after it must be cites (``@a [p. 3; @b, p. 4]``).  None when
    the bracket is neither, as in ``@a [p. 3; more]``: pandoc leaves it text.
    """
    try:
        return (first, *_cluster(body, mask, locale, None, None, terms).items)
    except CitationSyntaxError:
        pass
    spans = _split_cites(_depth_mask(mask))
    more: tuple[CiteItem, ...] = ()
    if len(spans) > 1:
        after = spans[1][0]
        try:
            more = _cluster(body[after:], mask[after:], locale, None, None, terms).items
        except CitationSyntaxError:
            return None
    head = body[: spans[0][1]]
    label, locator, rest = parse_locator(head, locale, style_terms=terms)
    located = replace(
        first, locator=locator, label=label if locator else None, suffix=_clean_suffix(rest)
    )
    return (located, *more)


def find_citations(
    text: str, locale: str = DEFAULT_LOCALE, *, style_terms: StyleTerms = ()
) -> list[CitationMatch]:
    """Every citation in a Markdown text, in order, with its span.

    Bracketed clusters (``[see @a, p. 3]``, balanced brackets allowed inside)
    and author-in-text cites (``@a says``, ``@a [p. 3] says``, ``@a [p. 3;
    @b] says``, ``-@a says``: :func:`_in_text_items` reads the bracket); e-mail
    addresses, code, escaped brackets and link labels (``[text](url)``) are
    left alone.  When bracket groups nest, the outermost that is a cluster
    wins, as in pandoc (``[see [@a]]`` is text around the cluster ``[@a]``).
    Clusters get note numbers 1, 2, ... in order of appearance.
    """
    mask = _structure_mask(text)
    blocked = bytearray(len(text) + 1)  # 1 where no citation may start
    for start, end in [*(m.span() for m in _NO_START().finditer(text)), *_opaque_spans(text)]:
        blocked[start:end] = b"\x01" * (end - start)
    pairs, candidates = _bracket_groups(mask)

    def closes_a_link(close: int) -> bool:
        return mask.startswith(("(", "["), close + 1)

    in_text_keys = list(_IN_TEXT_KEY().finditer(mask))
    # a bracket right after a key is that key's (pandoc's textualCite), even
    # when it reads as a cluster on its own: "@a [@b]" is one citation
    key_brackets = {_bracket_after(mask, key.end()): key.start() for key in in_text_keys}
    found: list[tuple[int, int, Cluster, bool]] = []
    done_until = 0  # groups inside a cluster (or a failed attempt) are not tried again
    for start, close in candidates:
        if start < done_until or blocked[start] or closes_a_link(close):
            continue
        done_until = close + 1
        if start in key_brackets and not blocked[key_brackets[start]]:
            continue
        try:
            body, body_mask = text[start + 1 : close], mask[start + 1 : close]
            cluster = _cluster(body, body_mask, locale, None, None, style_terms)
        except CitationSyntaxError:
            continue
        found.append((start, close + 1, cluster, False))
        blocked[start : close + 1] = b"\x01" * (close + 1 - start)
    cluster_starts = [start for start, _, _, _ in found]  # in order: candidates are sorted
    for match in in_text_keys:
        if blocked[match.start()]:
            continue
        at = match.end("minus") if match["minus"] else match.start()
        braced = mask[at + 1] == "{"
        key = text[at + 1 + braced : match.end() - braced]
        if not key:
            continue
        end = match.end()
        # "-@a" in the text is pandoc's SuppressAuthor cite: "(2000)", no name before it
        items: tuple[CiteItem, ...] = (CiteItem(id=key, suppress_author=bool(match["minus"])),)
        bracket = _bracket_after(mask, end)
        close = pairs.get(bracket, -1)
        if (
            close > 0
            and not blocked[bracket]
            and not closes_a_link(close)
            and bisect.bisect(cluster_starts, bracket) == bisect.bisect(cluster_starts, close)
        ):
            with_bracket = _in_text_items(
                items[0], text[bracket + 1 : close], mask[bracket + 1 : close], locale, style_terms
            )
            if with_bracket is not None:
                items = with_bracket
                end = close + 1
                blocked[bracket:end] = b"\x01" * (end - bracket)
        found.append((match.start(), end, Cluster(items=items), not match["minus"]))
    found.sort(key=lambda entry: entry[0])
    return [
        CitationMatch(start, end, Cluster(cluster.items, note_number=i), in_text)
        for i, (start, end, cluster, in_text) in enumerate(found, start=1)
    ]


def parse_in_text(
    text: str, locale: str = DEFAULT_LOCALE, *, style_terms: StyleTerms = ()
) -> Cluster | None:
    """pandoc's author-in-text cite with its brackets (``@doe99 [p. 33]``), or None.

    Read exactly as :func:`find_citations` reads it in a document, so
    ``citekit cite`` and ``citekit render`` agree on it: the key's cite,
    with the locator and suffix from its bracket, then any further cites
    of the bracket (``@doe99 [p. 33; @roe04]``).  Only the whole text counts,
    and only with its bracket: a bare ``@doe99`` stays what the ``cite``
    command has always read it as, a cluster (``@doe99 []`` is the
    author-in-text form without a locator).
    """
    body = text.strip()
    if not body.endswith("]"):
        return None
    found = find_citations(body, locale, style_terms=style_terms)
    if len(found) != 1:
        return None
    match = found[0]
    if not match.in_text or match.start != 0 or match.end != len(body):
        return None
    return match.cluster


__all__ = [
    "LOCATOR_TERMS",
    "CitationMatch",
    "CitationSyntaxError",
    "find_citations",
    "locator_labels",
    "parse_cite",
    "parse_cluster",
    "parse_in_text",
    "parse_locator",
    "style_locator_terms",
]

"""Pandoc's citation syntax: ``[see @doe99, pp. 33-35; also @smith04, chap. 1]``.

One module parses it for the ``cite`` command and for whole Markdown
documents.  A cluster is a ``;``-separated list of cites; each cite is an
optional prefix, a key (``@key``, ``@{odd key}``, ``-@key`` to suppress the
author), and an optional suffix whose start may be a locator: a label from
the CSL locale's locator terms (``p.``, ``pp.``, ``chap.``, ``§``, ``Seite``
... long, short and symbol forms, singular and plural) followed by a
number, range or list, or any text in braces (``{iv, 12}``).  A bare
number means a page, as in pandoc.

Prefixes and suffixes are stored as they will be printed: a prefix ends with
a space and a suffix that starts with a word gets one, so an engine can
concatenate them verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from citekit.render.types import CiteItem, Cluster
from citekit.styles import DEFAULT_LOCALE, load_locale_xml

_NS = "{http://purl.org/net/xbiblio/csl}"

LOCATOR_TERMS: tuple[str, ...] = (
    "page", "chapter", "section", "paragraph", "volume", "line", "note", "figure",
    "book", "part", "verse", "folio", "column", "issue", "opus", "sub-verbo",
    "act", "appendix", "article-locator", "canon", "elocation", "equation", "rule",
    "scene", "supplement", "table", "timestamp", "title-locator", "version",
)  # fmt: skip
"""CSL locator terms; earlier ones win when two share a form (French ``§``)."""

# Key characters (pandoc): alphanumerics and _ anywhere, internal punctuation
# only when followed by an alphanumeric.
_KEY = r"[\w](?:[\w]|[:.#$%&\-+?<>~/](?=[\w]))*"
_KEY_RE = re.compile(r"(?P<minus>-?)@(?:\{(?P<braced>[^{}]*)\}|(?P<plain>" + _KEY + r"))")
_LOCATOR_WORD = r"\w*\d\w*(?:[.:]\w+)*|[ivxlcdmIVXLCDM]+(?:[.:]\w+)*"
_LOCATOR_VALUE = re.compile(
    r"(?P<value>(?:" + _LOCATOR_WORD + r")(?:\s*(?:[-–—]|,|&|and)\s*(?:" + _LOCATOR_WORD + r"))*)"
)
# Without a label only plain numbers count (``12``, ``33-35``, ``4a``), as in pandoc.
_NUMBER_WORD = r"\d+[a-zA-Z]?(?:[.:]\d+)*"
_BARE_NUMBERS = re.compile(
    r"(?P<value>" + _NUMBER_WORD + r"(?:\s*(?:[-–—]|,|&|and)\s*" + _NUMBER_WORD + r")*)"
)
_BRACED_VALUE = re.compile(r"\{(?P<value>[^{}]*)\}")


class CitationSyntaxError(ValueError):
    """Text that should be a citation cluster is not one."""


@dataclass(frozen=True, slots=True)
class CitationMatch:
    """A citation found in running text, with its character span.

    ``in_text`` marks pandoc's author-in-text form (``@doe99 [p. 33]``),
    rendered as the author followed by the citation without its author.
    """

    start: int
    end: int
    cluster: Cluster
    in_text: bool = False


# ---------------------------------------------------------------------------
# Locator labels from the locale
# ---------------------------------------------------------------------------


def _term_forms(xml: bytes) -> list[tuple[str, str]]:
    """(form text, term name) for every locator term in a locale file."""
    root = etree.fromstring(xml, parser=etree.XMLParser(no_network=True))
    found: list[tuple[str, str]] = []
    for term in root.iter(f"{_NS}term"):
        name = term.get("name")
        if name not in LOCATOR_TERMS:
            continue
        texts = [term.text or ""]
        texts += [child.text or "" for child in term if isinstance(child.tag, str)]
        for text in texts:
            text = text.strip()
            if text:
                found.append((text, str(name)))
    return found


@lru_cache(maxsize=32)
def locator_labels(locale: str = DEFAULT_LOCALE) -> dict[str, str]:
    """Lower-cased label text -> CSL locator term, for a locale plus English.

    English is always included because people write ``p.`` in any language;
    the locale's own forms come first and win ties.
    """
    labels: dict[str, str] = {}
    rank = {name: i for i, name in enumerate(LOCATOR_TERMS)}
    for lang in dict.fromkeys((locale, DEFAULT_LOCALE)):
        xml = load_locale_xml(lang)
        if xml is None:
            continue
        forms = sorted(_term_forms(xml), key=lambda pair: rank[pair[1]])
        for text, name in forms:
            labels.setdefault(text.lower(), name)
    for name in LOCATOR_TERMS:  # the term names themselves ("page", "sub-verbo")
        labels.setdefault(name, name)
    return labels


@lru_cache(maxsize=32)
def _label_pattern(locale: str) -> re.Pattern[str]:
    labels = sorted(locator_labels(locale), key=len, reverse=True)
    alternatives = "|".join(re.escape(label) for label in labels)
    # A word label needs a space or the end after it ("pp." "page"); a symbol
    # (§, ¶) may touch the number.
    return re.compile(r"(?P<label>" + alternatives + r")(?:(?<=\W)\s*|\s+)", re.IGNORECASE)


def parse_locator(suffix: str, locale: str = DEFAULT_LOCALE) -> tuple[str | None, str | None, str]:
    """Split a cite's suffix into (label, locator, rest).

    ``", pp. 33-35, for example"`` -> ``("page", "33-35", ", for example")``;
    ``", 12"`` -> ``("page", "12", "")``; text without a locator comes back
    unchanged with ``None`` for label and locator.
    """
    match = re.match(r"\s*,?\s*", suffix)
    pos = match.end() if match else 0
    label: str | None = None
    label_match = _label_pattern(locale).match(suffix, pos)
    value_pos = pos
    if label_match:
        label = locator_labels(locale)[label_match["label"].lower()]
        value_pos = label_match.end()
    braced = _BRACED_VALUE.match(suffix, value_pos)
    if braced:
        return label or "page", braced["value"], suffix[braced.end():]
    value = (_LOCATOR_VALUE if label is not None else _BARE_NUMBERS).match(suffix, value_pos)
    if value and _ends_cleanly(suffix, value.end()):
        return label or "page", value["value"].strip(), suffix[value.end():]
    return None, None, suffix


def _ends_cleanly(text: str, end: int) -> bool:
    """A locator value must not run into a word (``12th`` is not page 12)."""
    return end >= len(text) or not text[end].isalnum()


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


def parse_cite(text: str, locale: str = DEFAULT_LOCALE) -> CiteItem:
    """One cite: ``see -@doe99, p. 33 and passim``."""
    match = _KEY_RE.search(text)
    if match is None:
        raise CitationSyntaxError(f"no citation key (@key) in {text.strip()!r}")
    key = match["braced"] if match["braced"] is not None else match["plain"]
    if not key:
        raise CitationSyntaxError(f"empty citation key in {text.strip()!r}")
    prefix = _clean_prefix(text[: match.start()])
    label, locator, rest = parse_locator(text[match.end():], locale)
    return CiteItem(
        id=key,
        locator=locator,
        label=label if locator is not None else None,
        prefix=prefix,
        suffix=_clean_suffix(rest),
        suppress_author=bool(match["minus"]),
    )


def _split_cites(text: str) -> list[str]:
    """Split on semicolons outside braces."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        if char == ";" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def parse_cluster(text: str, locale: str = DEFAULT_LOCALE, *,
                  note_number: int | None = None) -> Cluster:
    """A whole cluster, with or without the surrounding brackets.

    ``"[see @a, pp. 33-35; also @b, chap. 1]"`` and ``"@a, p. 33; @b"`` both
    work.  Text before the first key of a part is that cite's prefix.
    Raises :class:`CitationSyntaxError` when a part holds no key or only
    one of the brackets is there.
    """
    body = text.strip()
    if body.startswith("[") != body.endswith("]"):
        raise CitationSyntaxError(f"unbalanced brackets in {text!r}")
    if body.startswith("["):
        body = body[1:-1]
    parts = [p for p in _split_cites(body) if p.strip()]
    if not parts:
        raise CitationSyntaxError(f"no citation in {text!r}")
    return Cluster(items=tuple(parse_cite(p, locale) for p in parts), note_number=note_number)


# ---------------------------------------------------------------------------
# Running text
# ---------------------------------------------------------------------------

_BRACKETED = re.compile(r"\[(?P<body>[^\[\]]*?-?@[^\[\]]*)\](?!\(|\[)")
# Link targets, autolinks, bare URLs and code spans hold no citations.
_NOT_CITATIONS = re.compile(
    r"^(?P<fence>```+|~~~+).*?^(?P=fence)|\]\([^)]*\)|<[a-z]+:[^>]*>|https?://\S+|`[^`\n]*`",
    re.MULTILINE | re.DOTALL,
)
_IN_TEXT = re.compile(r"(?<![\w@\\])@(?:\{[^{}]*\}|" + _KEY + r")(?:\s?\[(?P<suffix>[^\[\]]*)\])?")


def find_citations(text: str, locale: str = DEFAULT_LOCALE) -> list[CitationMatch]:
    """Every citation in a Markdown text, in order, with its span.

    Bracketed clusters (``[see @a, p. 3]``) and author-in-text cites
    (``@a says``, ``@a [p. 3] says``); e-mail addresses and link labels
    (``[text](url)``) are left alone.  Clusters get note numbers 1, 2, ...
    in order of appearance.
    """
    found: list[tuple[int, int, Cluster, bool]] = []
    taken: list[tuple[int, int]] = [m.span() for m in _NOT_CITATIONS.finditer(text)]
    for match in _BRACKETED.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        try:
            cluster = parse_cluster(match["body"], locale)
        except CitationSyntaxError:
            continue
        found.append((match.start(), match.end(), cluster, False))
        taken.append((match.start(), match.end()))
    for match in _IN_TEXT.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        key_match = _KEY_RE.match(text, match.start())
        if key_match is None:
            continue
        key = key_match["braced"] if key_match["braced"] is not None else key_match["plain"]
        suffix = match["suffix"]
        label, locator, rest = (None, None, "")
        if suffix is not None:
            label, locator, rest = parse_locator(suffix, locale)
        item = CiteItem(id=key, locator=locator, label=label if locator else None,
                        suffix=_clean_suffix(rest))
        found.append((match.start(), match.end(), Cluster(items=(item,)), True))
    found.sort(key=lambda entry: entry[0])
    return [
        CitationMatch(start, end, Cluster(cluster.items, note_number=i), in_text)
        for i, (start, end, cluster, in_text) in enumerate(found, start=1)
    ]


__all__ = [
    "LOCATOR_TERMS",
    "CitationMatch",
    "CitationSyntaxError",
    "find_citations",
    "locator_labels",
    "parse_cite",
    "parse_cluster",
    "parse_locator",
]

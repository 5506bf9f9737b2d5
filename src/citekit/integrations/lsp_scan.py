"""Finding citation keys in Markdown, LaTeX, reStructuredText and plain text.

The language server needs two answers from a document's text, and both are
here, free of any protocol type so they can be tested on strings:

* :func:`find_keys`: every citation key with its span (offsets into the
  text, in code points), for diagnostics, hover, definition and quick fixes;
* :func:`completion_prefix`: whether the cursor sits where a key is typed,
  and the part of the key typed so far.

The syntaxes are pandoc's (``@key``, ``[@key, p. 3]``, ``@{key}``) for
Markdown and plain text, LaTeX's citation commands (``\\cite{a,b}``,
``\\parencite[p.~3]{key}``, ``\\cites{a}{b}``), and the ``:cite:`` role of
citekit's Sphinx extension for reStructuredText, which takes pandoc's syntax
(``:cite:`@key, p. 33```) or, as sphinxcontrib-bibtex writes it, bare
comma-separated keys (``:cite:p:`a,b```).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Literal

Language = Literal["markdown", "latex", "rst", "text"]

#: A pandoc key starts with a letter, digit or ``_``; inner punctuation is
#: allowed only when a key character follows it, so "@doe2000." ends at the 0.
_PANDOC_KEY = r"[\w](?:\w|[:.#$%&\-+?<>~/]+(?=\w))*"
#: ``@`` preceded by a word character or a dot is an e-mail address, not a cite.
_PANDOC_CITE = re.compile(rf"(?<![\w.@\\])@(?:\{{(?P<braced>[^{{}}\n]+)\}}|(?P<key>{_PANDOC_KEY}))")
_BRACKET_GROUP = re.compile(r"\[[^\[\]\n]*@[^\[\]]*\]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_LATEX_CITE = re.compile(r"\\[A-Za-z]*cite[A-Za-z]*\*?(?![A-Za-z])")
_LATEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_RST_ROLE = re.compile(r":(?:foot)?cite(?::[a-z]+)*:`(?P<body>[^`]*)`")
_LATEX_KEY_CHARS = re.compile(r"[^,{}\s%]+")
_TYPED_PANDOC = re.compile(r"(?<![\w.@\\])@\{?(?P<prefix>[\w:.#$%&\-+?<>~/]*)$")
_TYPED_LATEX = re.compile(
    r"\\[A-Za-z]*cite[A-Za-z]*\*?(?:\s*(?:\[[^\]]*\]|\([^)]*\)|\{[^}]*\}))*\s*\{(?P<body>[^}]*)$"
)
_TYPED_RST = re.compile(r":(?:foot)?cite(?::[a-z]+)*:`(?P<body>[^`]*)$")


@dataclass(frozen=True, slots=True)
class KeyRef:
    """One citation key in a document: where it is and how it was written.

    ``start``/``end`` are offsets into the text (code points) covering the key
    alone, without ``@`` or braces, so a quick fix can replace exactly it.
    ``explicit`` is false for a bare ``@key`` in running text, which may be a
    social-media handle rather than a citation; diagnostics weigh it lower.
    """

    key: str
    start: int
    end: int
    explicit: bool = True


def language_of(language_id: str | None, uri: str) -> Language:
    """The syntax family of a document, from the client's language id or the file name."""
    ident = (language_id or "").lower()
    if ident in ("latex", "tex", "plaintex", "context", "bibtex-style") or ident.endswith("tex"):
        return "latex"
    if ident in ("restructuredtext", "rst"):
        return "rst"
    if ident in ("markdown", "pandoc", "quarto", "rmd", "mdx", "myst"):
        return "markdown"
    lowered = uri.lower()
    if lowered.endswith((".tex", ".ltx", ".sty", ".cls", ".latex")):
        return "latex"
    if lowered.endswith((".rst", ".rest")):
        return "rst"
    if lowered.endswith((".md", ".markdown", ".qmd", ".rmd", ".mdx")):
        return "markdown"
    return "text"


def find_keys(text: str, language: Language) -> list[KeyRef]:
    """Every citation key in ``text``, in document order."""
    if language == "latex":
        return _latex_keys(_LATEX_COMMENT.sub(_blank, text))
    if language == "rst":
        return _rst_keys(text)
    if language == "markdown":
        return _pandoc_keys(_markdown_prose(text))
    return _pandoc_keys(text)


def completion_prefix(language: Language, before_cursor: str) -> str | None:
    """The key typed so far when the cursor is in a key's place, else None.

    ``before_cursor`` is the cursor's line up to the cursor.  An empty string
    means "a key goes here, nothing typed yet" (just after ``@`` or ``{``).
    """
    if language == "latex":
        match = _TYPED_LATEX.search(before_cursor)
        if match is None:
            return None
        return re.split(r"[,\s]", match["body"])[-1]
    if language == "rst":
        match = _TYPED_RST.search(before_cursor)
        if match is not None:
            return re.split(r"[,;\s@`\[\]-]", match["body"])[-1]
        return None
    match = _TYPED_PANDOC.search(before_cursor)
    return match["prefix"] if match is not None else None


def _blank(match: re.Match[str]) -> str:
    """The matched text as spaces (newlines kept), so offsets stay true."""
    return re.sub(r"[^\n]", " ", match.group())


def _pandoc_keys(text: str, offset: int = 0, explicit: bool | None = None) -> list[KeyRef]:
    """The ``@key`` citations of prose; ``explicit`` forces the flag (inside a role)."""
    groups = [(m.start(), m.end()) for m in _BRACKET_GROUP.finditer(text)]  # sorted, disjoint
    starts = [start for start, _ in groups]
    found: list[KeyRef] = []
    for match in _PANDOC_CITE.finditer(text):
        group = "braced" if match["braced"] is not None else "key"
        start, end = match.span(group)
        if explicit is not None:
            inside = explicit
        else:
            index = bisect.bisect_right(starts, start) - 1
            inside = index >= 0 and start < groups[index][1]
        found.append(KeyRef(match[group], offset + start, offset + end, inside))
    return found


def _markdown_prose(text: str) -> str:
    """``text`` with its front matter, fenced code and code spans blanked out."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    fence: str | None = None
    in_front = bool(lines) and lines[0].rstrip() == "---"
    for number, line in enumerate(lines):
        if in_front:
            out.append(_spaces(line))
            if number > 0 and line.rstrip() in ("---", "..."):
                in_front = False
            continue
        opener = _FENCE.match(line)
        if fence is None and opener is not None:
            fence = opener.group(1)[0] * 3
            out.append(_spaces(line))
        elif fence is not None:
            if line.lstrip().startswith(fence):
                fence = None
            out.append(_spaces(line))
        else:
            out.append(line)
    return _CODE_SPAN.sub(_blank, "".join(out))


def _spaces(line: str) -> str:
    return re.sub(r"[^\n\r]", " ", line)


def _latex_keys(text: str) -> list[KeyRef]:
    """The keys of every ``\\...cite...`` command, optional arguments skipped."""
    found: list[KeyRef] = []
    for command in _LATEX_CITE.finditer(text):
        multi = command.group().rstrip("*").endswith("s")
        position = command.end()
        while True:
            position = _skip_optional_arguments(text, position)
            if position >= len(text) or text[position] != "{":
                break
            close = text.find("}", position)
            if close < 0:
                break
            found.extend(
                KeyRef(key.group(), position + 1 + key.start(), position + 1 + key.end())
                for key in _LATEX_KEY_CHARS.finditer(text[position + 1 : close])
                if key.group() != "*"
            )
            position = close + 1
            if not multi:
                break
    return found


def _skip_optional_arguments(text: str, position: int) -> int:
    """The offset after whitespace and any ``[...]`` or ``(...)`` arguments at ``position``."""
    closers = {"[": "]", "(": ")"}
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
        elif char in closers:
            close = text.find(closers[char], position)
            if close < 0:
                return len(text)
            position = close + 1
        else:
            break
    return position


def _rst_keys(text: str) -> list[KeyRef]:
    """The keys of ``:cite:`` roles: pandoc syntax when there is an ``@``, else bare keys."""
    found: list[KeyRef] = []
    for role in _RST_ROLE.finditer(text):
        body, start = role["body"], role.start("body")
        if "@" in body:
            found.extend(_pandoc_keys(body, start, explicit=True))
            continue
        found.extend(
            KeyRef(key.group(), start + key.start(), start + key.end())
            for key in re.finditer(r"[^,;\s]+", body)
        )
    return found


__all__ = ["KeyRef", "Language", "completion_prefix", "find_keys", "language_of"]

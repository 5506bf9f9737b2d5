"""Finding citation keys in Markdown, LaTeX, reStructuredText and plain text.

The language server needs three answers from a document's text, and all are
here, free of any protocol type so they can be tested on strings:

* :func:`find_keys`: every citation key with its span (offsets into the
  text, in code points), for diagnostics, hover, definition and quick fixes;
* :func:`completion_prefix`: whether the cursor sits where a key is typed,
  and the part of the key typed so far;
* :func:`cite_text`: the one cite holding a key, as pandoc's syntax
  (``[see @key, p. 33]``, ``@key [p. 33]``), so a hover can show it as the
  document prints it, locator and all.

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
#: The bracket after an author-in-text key (``@key [p. 33]``): at most one
#: space before it, no brackets or keys inside (``@a [@b]`` is two citations),
#: not a link's text (``[...](`` or ``[...][``).
_IN_TEXT_BRACKET = re.compile(r"\s?\[[^\[\]\n@]*\](?![(\[])")
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


def cite_text(text: str, language: Language, ref: KeyRef) -> str:
    """The cite holding ``ref``, written in pandoc's syntax as one citation.

    In Markdown and plain text: the ``;``-separated part of a bracketed
    citation that holds the key, in brackets (``[see -@key, p. 33]``), or an
    author-in-text cite with its bracket (``@key [p. 33]``) or without
    (``@key``).  In a ``:cite:`` role written in pandoc's syntax, the part
    holding the key, in brackets.  In LaTeX, the command's notes as pandoc
    reads them (:func:`_latex_cite`).  Elsewhere (bare role keys) the key
    alone, ``[@key]``.
    """
    plain = f"[{_at(ref.key)}]"
    if language in ("markdown", "text"):
        prose = _markdown_prose(text) if language == "markdown" else text
        return _pandoc_cite(text, prose, ref) or plain
    if language == "latex":
        return _latex_cite(_LATEX_COMMENT.sub(_blank, text), ref) or plain
    if language == "rst":
        for role in _RST_ROLE.finditer(text):
            start, end = role.span("body")
            if start <= ref.start < end and "@" in role["body"]:
                return f"[{_part(text, start, end, ref.start)}]"
    return plain


def _at(key: str) -> str:
    """``@key``, or ``@{key}`` when the bare form would not read back as the whole key."""
    return f"@{key}" if re.fullmatch(_PANDOC_KEY, key) else f"@{{{key}}}"


def _latex_cite(text: str, ref: KeyRef) -> str | None:
    """The LaTeX cite holding ``ref`` in pandoc's syntax, as pandoc's LaTeX reader takes it.

    One optional argument is the postnote, two are prenote and postnote; the
    prenote goes before the first key of the braces and the postnote after
    the last (``\\parencite[see][p.~3]{a,b}`` is ``[see @a; @b, p. 3]``).
    ``\\textcite`` and ``\\citet`` cite the author in the text (``@a [p. 3]``),
    ``\\citeyear`` leaves the author out (``[-@a]``).  ``text`` has its
    comments blanked.
    """
    for command in _LATEX_CITE.finditer(text):
        name = command.group()[1:].rstrip("*")
        position = command.end()
        while True:
            notes, position = _optional_arguments(text, position)
            if position >= len(text) or text[position] != "{":
                break
            close = text.find("}", position)
            if close < 0:
                break
            if position < ref.start < close:
                keys = [
                    key.start() + position + 1
                    for key in _LATEX_KEY_CHARS.finditer(text[position + 1 : close])
                    if key.group() != "*"
                ]
                first, last = ref.start == keys[0], ref.start == keys[-1]
                return _latex_as_pandoc(name, ref.key, notes, first, last)
            position = close + 1
            if not name.endswith("s"):
                break
    return None


def _optional_arguments(text: str, position: int) -> tuple[list[str], int]:
    """The ``[...]`` arguments at ``position`` and the offset after them (``(...)`` skipped)."""
    notes: list[str] = []
    closers = {"[": "]", "(": ")"}
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char not in closers:
            break
        close = text.find(closers[char], position)
        if close < 0:
            return notes, len(text)
        if char == "[":
            notes.append(text[position + 1 : close])
        position = close + 1
    return notes, position


#: Commands citing the author in the text, and those leaving the author out.
_LATEX_IN_TEXT = frozenset({"textcite", "Textcite", "textcites", "Textcites", "citet", "Citet"})
_LATEX_NO_AUTHOR = frozenset({"citeyear", "citeyearpar"})


def _latex_as_pandoc(name: str, key: str, notes: list[str], first: bool, last: bool) -> str:
    """One key of a LaTeX citation command, with the notes that belong to it, in pandoc's syntax."""
    prenote, postnote = (notes[-2] if len(notes) > 1 else "", notes[-1] if notes else "")
    prefix = _latex_note(prenote) if first else ""
    suffix = _latex_note(postnote) if last else ""
    if name in _LATEX_IN_TEXT:
        return f"{_at(key)} [{suffix}]" if suffix else _at(key)
    minus = "-" if name in _LATEX_NO_AUTHOR else ""
    body = f"{prefix} {minus}{_at(key)}".strip()
    return f"[{body}, {suffix}]" if suffix else f"[{body}]"


def _latex_note(note: str) -> str:
    """A pre- or postnote as plain text: ``~`` and ``\\,`` are spaces."""
    return " ".join(re.sub(r"~|\\,", " ", note).split())


def _pandoc_cite(text: str, prose: str, ref: KeyRef) -> str | None:
    """The bracketed part or the author-in-text cite holding ``ref`` (``prose`` is masked)."""
    for group in _BRACKET_GROUP.finditer(prose):
        if group.start() < ref.start < group.end():
            return f"[{_part(text, group.start() + 1, group.end() - 1, ref.start)}]"
    at = ref.start - 1 - (prose[ref.start - 1 : ref.start] == "{")
    if at < 0 or prose[at] != "@":
        return None
    bracket = _IN_TEXT_BRACKET.match(prose, ref.end + (prose[ref.end : ref.end + 1] == "}"))
    end = bracket.end() if bracket is not None else ref.end + (prose[ref.end : ref.end + 1] == "}")
    return text[at:end]


def _part(text: str, start: int, end: int, offset: int) -> str:
    """The ``;``-separated part of ``text[start:end]`` holding ``offset`` (braces protect)."""
    depth = 0
    part_start = start
    for position in range(start, end):
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            if offset < position:
                return text[part_start:position].strip()
            part_start = position + 1
    return text[part_start:end].strip()


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


__all__ = ["KeyRef", "Language", "cite_text", "completion_prefix", "find_keys", "language_of"]

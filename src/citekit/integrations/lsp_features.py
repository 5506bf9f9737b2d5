"""The language server's answers, built from a document's keys and its library.

Each function takes what the protocol handler resolved (the document's
text, its :class:`~citekit.integrations.lsp_scan.KeyRef` list, its
:class:`~citekit.integrations.lsp_library.LibraryIndex`) and returns
lsprotocol objects; none talks to the client, so :mod:`citekit.integrations.lsp`
stays the only module that knows about pygls.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from citekit.integrations.lsp_config import Sources
from citekit.integrations.lsp_library import LibraryIndex
from citekit.integrations.lsp_scan import KeyRef

SOURCE = "citekit"
UNKNOWN_KEY = "unknown-key"
#: Completion answers at most this many keys; the list is marked incomplete
#: beyond it, so the client asks again as the writer types more of the key.
COMPLETION_LIMIT = 100
#: With this few candidates the formatted entry is sent with each item at once
#: instead of on ``completionItem/resolve``.
EAGER_DOCUMENTATION = 3


@dataclass(frozen=True, slots=True)
class TextMap:
    """Offsets (code points) of one text to LSP positions in the client's units."""

    text: str
    starts: tuple[int, ...]
    encoding: str

    @classmethod
    def of(cls, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> TextMap:
        starts = (0, *(match.end() for match in re.finditer("\n", text)))
        return cls(text, starts, encoding_name(encoding))

    def position(self, offset: int) -> types.Position:
        offset = min(max(offset, 0), len(self.text))
        line = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(line, units(self.text[self.starts[line] : offset], self.encoding))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))


def units(text: str, encoding: str) -> int:
    """How many code units of the negotiated position encoding ``text`` takes."""
    name = encoding_name(encoding)
    if name == types.PositionEncodingKind.Utf8.value:
        return len(text.encode("utf-8"))
    if name == types.PositionEncodingKind.Utf32.value:
        return len(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def encoding_name(encoding: object) -> str:
    """``"utf-16"`` for ``PositionEncodingKind.Utf16`` or the string itself.

    ``str()`` of the enum gives its qualified name, not the protocol's value.
    """
    value = getattr(encoding, "value", encoding)
    return str(value) if value else types.PositionEncodingKind.Utf16.value


def key_at(refs: list[KeyRef], offset: int) -> KeyRef | None:
    """The key under the cursor (its ``@`` and the position just after it count)."""
    for ref in refs:
        if ref.start - 1 <= offset <= ref.end:
            return ref
    return None


# -- diagnostics ---------------------------------------------------------------------
def diagnostics(
    refs: list[KeyRef], index: LibraryIndex, sources: Sources, where: TextMap
) -> list[types.Diagnostic]:
    """Unknown keys (with a near miss), entries ``citekit check`` flags, unreadable files."""
    found = [_file_problem(problem) for problem in index.problems]
    found += [_refused(problem) for problem in sources.refused]
    if refs and not sources.bibliography:
        found.append(
            types.Diagnostic(
                where.range(refs[0].start, refs[0].end),
                "no bibliography: name one in the front matter (bibliography:), in the "
                "citekit.bibliography setting, or put references.bib in the workspace",
                severity=types.DiagnosticSeverity.Information,
                source=SOURCE,
                code="no-bibliography",
            )
        )
        return found
    for ref in refs:
        if ref.key in index:
            found.extend(_flagged(ref, index, where))
        else:
            found.append(_unknown(ref, index, where))
    return found


def _refused(problem: str) -> types.Diagnostic:
    """A path the document names outside its project: not read, as ``citekit render`` refuses it."""
    start = types.Position(0, 0)
    return types.Diagnostic(
        types.Range(start, start),
        problem,
        severity=types.DiagnosticSeverity.Warning,
        source=SOURCE,
        code="path-outside-project",
    )


def _file_problem(problem: str) -> types.Diagnostic:
    start = types.Position(0, 0)
    return types.Diagnostic(
        types.Range(start, start),
        f"bibliography not read: {problem}",
        severity=types.DiagnosticSeverity.Warning,
        source=SOURCE,
        code="bibliography-unreadable",
    )


def _unknown(ref: KeyRef, index: LibraryIndex, where: TextMap) -> types.Diagnostic:
    suggestion = index.suggest(ref.key)
    message = f"unknown citation key '{ref.key}'"
    if suggestion is not None:
        message += f"; did you mean '{suggestion}'?"
    severity = types.DiagnosticSeverity.Error if ref.explicit else types.DiagnosticSeverity.Warning
    return types.Diagnostic(
        where.range(ref.start, ref.end),
        message,
        severity=severity,
        source=SOURCE,
        code=UNKNOWN_KEY,
        data={"key": ref.key, "suggestion": suggestion},
    )


def _flagged(ref: KeyRef, index: LibraryIndex, where: TextMap) -> list[types.Diagnostic]:
    found: list[types.Diagnostic] = []
    for problem in index.flagged.get(ref.key, ()):
        severity = (
            types.DiagnosticSeverity.Error
            if problem.severity.value == "error"
            else types.DiagnosticSeverity.Warning
        )
        place = (
            f"{Path(problem.file).name}:{problem.line}"
            if problem.file and problem.line
            else "the bibliography"
        )
        found.append(
            types.Diagnostic(
                where.range(ref.start, ref.end),
                f"'{ref.key}' ({place}): {problem.message}",
                severity=severity,
                source=SOURCE,
                code=problem.code,
            )
        )
    return found


# -- completion ----------------------------------------------------------------------
def completion(
    index: LibraryIndex, sources: Sources, prefix: str, where: TextMap, cursor: int, uri: str
) -> types.CompletionList:
    """Keys starting with ``prefix``, each with "Author Year" and its title."""
    keys, cut = index.complete(prefix, COMPLETION_LIMIT)
    replace = where.range(cursor - len(prefix), cursor)
    eager = len(keys) <= EAGER_DOCUMENTATION
    items = [_item(index, sources, key, replace, uri, eager) for key in keys]
    return types.CompletionList(is_incomplete=cut, items=items)


def _item(
    index: LibraryIndex, sources: Sources, key: str, replace: types.Range, uri: str, eager: bool
) -> types.CompletionItem:
    author_year, title = index.summary(key)
    return types.CompletionItem(
        label=key,
        kind=types.CompletionItemKind.Reference,
        detail=author_year,
        label_details=types.CompletionItemLabelDetails(
            description=_shorten(f"{author_year}, {title}" if title else author_year)
        ),
        documentation=documentation(index, sources, key) if eager else None,
        filter_text=key,
        text_edit=types.TextEdit(replace, key),
        data={"uri": uri, "key": key},
    )


def documentation(index: LibraryIndex, sources: Sources, key: str) -> types.MarkupContent:
    """The formatted bibliography entry of ``key``, as a completion item's documentation."""
    rendered = index.render(key, sources.style, sources.locale)
    text = rendered.entry or rendered.error or ""
    return types.MarkupContent(types.MarkupKind.Markdown, text)


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- hover, definition ---------------------------------------------------------------
def hover(
    ref: KeyRef, index: LibraryIndex, sources: Sources, where: TextMap, written: str | None = None
) -> types.Hover:
    """The citation and bibliography entry in the document's style, and any problems.

    ``written`` is the cite holding the key as the document writes it
    (:func:`~citekit.integrations.lsp_scan.cite_text`): the citation shown is
    that cite as ``citekit render`` prints it, with its locator, prefix,
    suffix and author suppression; without it, the key's plain citation.
    """
    span = where.range(ref.start, ref.end)
    if ref.key not in index:
        suggestion = index.suggest(ref.key)
        text = f"Unknown citation key `{ref.key}`"
        text += f"; did you mean `{suggestion}`?" if suggestion else "."
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), span)
    rendered = index.render(ref.key, sources.style, sources.locale)
    citation = (
        index.cite(ref.key, written, sources.style, sources.locale)
        if written is not None
        else rendered.citation
    )
    # set off as a quote, not in bold: a citation's own emphasis ("*see*", a bold
    # suffix) nested inside "**...**" broke the Markdown
    parts = (
        [f"> {citation}", rendered.entry]
        if rendered.error is None
        else [f"Could not format `{ref.key}`: {rendered.error}"]
    )
    parts.extend(f"⚠ {problem.message}" for problem in index.flagged.get(ref.key, ()))
    location = index.locations.get(ref.key)
    origin = f" · {location.path.name}:{location.line}" if location else ""
    parts.append(f"`{ref.key}` · {Path(sources.style).stem}{origin}")
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n".join(parts)), span)


def definition(
    ref: KeyRef, index: LibraryIndex, encoding: str = types.PositionEncodingKind.Utf16
) -> types.Location | None:
    """The ``@type{key,`` line of the entry, the key itself selected."""
    location = index.locations.get(ref.key)
    if location is None:
        return None
    line = location.line - 1
    try:
        text = location.path.read_text(encoding="utf-8", errors="replace").splitlines()[line]
    except (OSError, IndexError):
        text = ""
    column = text.find(ref.key)
    start, end = (column, column + len(ref.key)) if column >= 0 else (0, 0)
    span = types.Range(
        types.Position(line, units(text[:start], encoding)),
        types.Position(line, units(text[:end], encoding)),
    )
    return types.Location(str(from_fs_path(str(location.path))), span)


# -- code actions --------------------------------------------------------------------
def quick_fixes(
    refs: list[KeyRef],
    index: LibraryIndex,
    where: TextMap,
    start: int,
    end: int,
    uri: str,
    context: list[types.Diagnostic],
) -> list[types.CodeAction]:
    """ "Replace 'raimondo2000enemi' with 'raimondo2000enemy'" for unknown keys in the range."""
    actions: list[types.CodeAction] = []
    for ref in refs:
        if ref.end < start or ref.start > end or ref.key in index:
            continue
        suggestion = index.suggest(ref.key)
        if suggestion is None:
            continue
        span = where.range(ref.start, ref.end)
        matching = [d for d in context if d.code == UNKNOWN_KEY and d.range == span]
        actions.append(
            types.CodeAction(
                title=f"Replace '{ref.key}' with '{suggestion}'",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=matching or None,
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(span, suggestion)]}),
            )
        )
    return actions


__all__ = [
    "COMPLETION_LIMIT",
    "SOURCE",
    "UNKNOWN_KEY",
    "TextMap",
    "completion",
    "definition",
    "diagnostics",
    "documentation",
    "encoding_name",
    "hover",
    "key_at",
    "quick_fixes",
    "units",
]

"""``citekit serve --stdio``: newline-delimited JSON for editor plugins.

One request per line on stdin, one response per line on stdout, flushed
after each, in the order the requests came (docs/server.md is the schema).
The server holds one :class:`citekit.documents.editor.CitationDocument`; ``open``
replaces it.  Its methods have the document's names (``add``, ``insert``,
``update``, ``remove``, ``move``, ``extend``, ``set_style``, ``rendered``,
``bibliography``), so one description (docs/server.md) serves both; the
older ``add_cluster`` ... ``clusters`` names are kept as deprecated aliases
(:data:`DEPRECATED_ALIASES`).  Whatever arrives, the server answers and keeps going: bad
JSON, unknown methods, bad parameters and even bugs become error responses,
and only ``shutdown`` or the end of stdin stops it.

Error codes follow JSON-RPC where it has one (-32700 parse error, -32600
invalid request, -32601 unknown method, -32602 bad params, -32603 internal
error) and use citekit's exit codes for citekit's own errors (1 data
problem, 2 usage problem) plus 3 for "no document is open".
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from citekit import (
    DEFAULT_LOCALE,
    CitationDocument,
    CiteItem,
    Cluster,
    InputError,
    Library,
    Record,
    list_styles,
    serialise,
)
from citekit import read as read_library
from citekit.base.paths import UnsafePathError, confine
from citekit.base.text import strip_markup
from citekit.documents.editor import Update, check_cluster_size
from citekit.errors import (
    CitationSyntaxError,
    CitekitError,
    DataError,
    UnknownFormatError,
    UsageError,
)
from citekit.render import OUTPUT_FORMATS, BibEntry
from citekit.render.api import get_engine
from citekit.styles.catalog import check_locale, style_from_data

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
DATA_ERROR = 1
USAGE_ERROR = 2
NO_DOCUMENT = 3


DEPRECATED_ALIASES: dict[str, str] = {
    "add_cluster": "add",
    "insert_cluster": "insert",
    "update_cluster": "update",
    "remove_cluster": "remove",
    "move_cluster": "move",
    "clusters": "rendered",
}
"""Old method name -> its name now; the old names still work (docs/server.md)."""


class RequestError(Exception):
    """A request that gets an error response (the server carries on)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


def _param(
    params: Mapping[str, Any],
    name: str,
    kind: type | tuple[type, ...],
    default: Any = ...,
) -> Any:
    if name not in params or params[name] is None:
        if default is ...:
            raise RequestError(INVALID_PARAMS, f"missing parameter '{name}'")
        return default
    value = params[name]
    if not isinstance(value, kind) or (
        isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))
    ):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise RequestError(INVALID_PARAMS, f"parameter '{name}' must be {expected}")
    return value


_ITEM_FIELDS = {"locator": "locator", "label": "label", "prefix": "prefix", "suffix": "suffix"}


def cluster_from_json(value: Any) -> Cluster | str:
    """A cluster from pandoc citation text, ``{"items": [...], "note-number": n, "id": s}``,
    or a bare array of items (keys, with or without ``@``, or item objects)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        value = {"items": value}
    if not isinstance(value, Mapping):
        raise RequestError(
            INVALID_PARAMS, "'cluster' must be citation text, an array of keys or an object"
        )
    items = value.get("items")
    if not isinstance(items, list) or not items:
        raise RequestError(INVALID_PARAMS, "'cluster.items' must be a non-empty list")
    check_cluster_size(len(items))  # before any work on them
    cites: list[CiteItem] = []
    for item in items:
        if isinstance(item, str):
            cites.append(CiteItem(item))
            continue
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("id"), (str, int))
            or isinstance(item.get("id"), bool)
        ):
            raise RequestError(INVALID_PARAMS, "each cite needs an 'id' (the citation key)")
        kwargs: dict[str, Any] = {}
        for key, attr in _ITEM_FIELDS.items():
            if item.get(key) is not None:
                kwargs[attr] = str(item[key])
        cites.append(
            CiteItem(
                str(item["id"]),
                **kwargs,
                suppress_author=bool(item.get("suppress-author")),
                author_only=bool(item.get("author-only")),
            )
        )
    note = value.get("note-number")
    if note is not None and (not isinstance(note, int) or isinstance(note, bool)):
        raise RequestError(INVALID_PARAMS, "'cluster.note-number' must be an integer")
    ident = value.get("id")
    return Cluster(tuple(cites), note_number=note, id=str(ident) if ident is not None else None)


# ---------------------------------------------------------------------------
# Completion
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A record as key completion matches and ranks it."""

    key: str
    author: str
    year: int | None
    title: str
    words: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "author": self.author, "year": self.year, "title": self.title}


def _candidate(record: Record) -> _Candidate:
    """What a completion list shows and matches: plain text, never CSL rich-text markup."""
    names = record.names("author") or record.names("editor")
    author = strip_markup("; ".join(n.display() for n in names))
    families = strip_markup(" ".join(n.family or n.literal or "" for n in names))
    date = record.date("issued")
    title = strip_markup(str(record.get("title") or ""))
    words = tuple(w for w in re.split(r"[^\w]+", f"{families} {author} {title}".lower()) if w)
    return _Candidate(record.key, author, date.year if date else None, title, words)


def complete(candidates: list[_Candidate], prefix: str, limit: int) -> list[_Candidate]:
    """Keys starting with the prefix first, then keys containing it, then word matches.

    Several words (``doe first``) must each start a word of the author or
    title, or appear in the key.
    """
    wanted = prefix.strip().lstrip("@").lower()
    if not wanted:
        return candidates[:limit]
    words = wanted.split()
    ranked: list[tuple[int, int, _Candidate]] = []
    for position, candidate in enumerate(candidates):
        key = candidate.key.lower()
        if len(words) == 1 and key.startswith(wanted):
            rank = 0
        elif len(words) == 1 and wanted in key:
            rank = 1
        elif all(word in key or any(w.startswith(word) for w in candidate.words) for word in words):
            rank = 2
        else:
            continue
        ranked.append((rank, position, candidate))
    ranked.sort(key=lambda entry: (entry[0], entry[2].key.lower()))
    return [candidate for _, _, candidate in ranked[:limit]]


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------


class Server:
    """Answers requests; one open document at a time.

    Files a request names (``library``, a ``.csl`` ``style``) are data, not
    the user's own command line, so they must lie inside ``root`` (the
    working folder by default) or a folder in ``allow`` or
    ``$CITEKIT_ALLOW`` (see :mod:`citekit.base.paths`).
    """

    def __init__(
        self,
        *,
        root: str | Path | None = None,
        allow: Iterable[str | Path] = (),
        own_process: bool = False,
    ) -> None:
        self.root = Path(root) if root is not None else Path.cwd()
        self.allow = tuple(allow)
        # Whether the process is the server's alone (serve_stdio): then an open
        # document's objects are frozen out of the cycle collector's scans.
        self.own_process = own_process
        self.document: CitationDocument | None = None
        self.candidates: list[_Candidate] = []
        # With ``open``'s "bibliography-diff": the bibliography the client has.
        self.sent: _SentBibliography | None = None
        self.running = True
        self.methods: dict[str, Callable[[Mapping[str, Any]], Any]] = {
            "open": self.open,
            "add": self.add,
            "insert": self.insert,
            "update": self.update,
            "remove": self.remove,
            "move": self.move,
            "extend": self.extend,
            "set_style": self.set_style,
            "rendered": self.rendered,
            "bibliography": self.bibliography,
            "complete": self.complete,
            "styles": self.styles,
            "shutdown": self.shutdown,
        }
        for old, new in DEPRECATED_ALIASES.items():
            self.methods[old] = self.methods[new]

    # -- protocol ------------------------------------------------------------
    def handle_line(self, line: str) -> dict[str, Any] | None:
        """The response to one request line (None for a blank line)."""
        if not line.strip():
            return None
        try:
            request = json.loads(line)
        except ValueError as exc:
            return _error(None, PARSE_ERROR, f"not valid JSON: {exc}")
        except RecursionError:  # arrays nested thousands deep exhaust the decoder
            return _error(None, PARSE_ERROR, "not valid JSON: nested too deeply")
        if not isinstance(request, dict):
            return _error(None, INVALID_REQUEST, "a request must be a JSON object")
        ident = request.get("id")
        if not _finite(ident):  # NaN and Infinity are not JSON: never echo them
            return _error(
                None,
                INVALID_REQUEST,
                "the request 'id' holds NaN or Infinity, which JSON cannot carry",
            )
        method = request.get("method")
        params = request.get("params", {})
        if not isinstance(method, str):
            return _error(ident, INVALID_REQUEST, "a request needs a 'method' string")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            return _error(ident, INVALID_PARAMS, "'params' must be an object")
        handler = self.methods.get(method)
        if handler is None:
            known = sorted(m for m in self.methods if m not in DEPRECATED_ALIASES)
            return _error(
                ident, METHOD_NOT_FOUND, f"unknown method '{method}'; known: {', '.join(known)}"
            )
        try:
            return {"id": ident, "result": handler(params)}
        except RequestError as exc:
            return _error(ident, exc.code, str(exc))
        except CitationSyntaxError as exc:
            return _error(ident, INVALID_PARAMS, f"bad citation: {exc}")
        except UsageError as exc:
            return _error(ident, USAGE_ERROR, str(exc))
        except (DataError, CitekitError) as exc:
            return _error(ident, DATA_ERROR, str(exc))
        except (OSError, ValueError) as exc:
            return _error(ident, DATA_ERROR, str(exc))
        except Exception as exc:
            return _error(ident, INTERNAL_ERROR, f"internal error: {exc!r}")

    def serve(self, stdin: TextIO, stdout: TextIO) -> None:
        """Answer line by line until ``shutdown`` or the end of input."""
        for line in stdin:
            response = self.handle_line(line)
            if response is not None:
                stdout.write(encode_response(response) + "\n")
                stdout.flush()
            if not self.running:
                break

    # -- methods -------------------------------------------------------------
    def _document(self) -> CitationDocument:
        if self.document is None:
            raise RequestError(NO_DOCUMENT, "no document is open; send 'open' first")
        return self.document

    def open(self, params: Mapping[str, Any]) -> dict[str, Any]:
        path = _param(params, "library", str, None)
        items = _param(params, "items", list, None)
        if (path is None) == (items is None):
            raise RequestError(
                INVALID_PARAMS, "give either 'library' (a file path) or 'items' (CSL-JSON items)"
            )
        diagnostics: list[dict[str, object]] = []
        if path is not None:
            try:
                library_path = confine(path, self.root, allow=self.allow, what="library file")
                if not library_path.exists():
                    raise FileNotFoundError(path)
                # read_library reads regular files of bounded size only, so
                # /dev/zero or a FIFO is an error answer, not a hang
                result = read_library(library_path)
            except UnsafePathError as exc:
                raise RequestError(USAGE_ERROR, f"{exc} or 'citekit serve --allow DIR'") from exc
            except InputError as exc:  # "-" is a file name here, so no stdin hint
                raise RequestError(
                    USAGE_ERROR, str(exc).replace(", or - to read stdin", "")
                ) from exc
            except FileNotFoundError as exc:
                raise RequestError(USAGE_ERROR, f"no such library file: {path}") from exc
            except IsADirectoryError as exc:
                raise RequestError(USAGE_ERROR, f"{path} is a folder, not a library file") from exc
            except UnknownFormatError as exc:
                raise RequestError(USAGE_ERROR, str(exc)) from exc
            library = result.library
            diagnostics = [d.to_json() for d in result.diagnostics]
        else:
            try:
                library = Library.from_json(items)
            except (ValueError, KeyError, TypeError) as exc:
                raise RequestError(INVALID_PARAMS, f"bad CSL-JSON items: {exc}") from exc
        output = _param(params, "format", str, "text")
        if output not in OUTPUT_FORMATS:
            raise RequestError(
                INVALID_PARAMS, f"'format' must be one of {', '.join(OUTPUT_FORMATS)}"
            )
        try:
            style_name = style_from_data(
                _param(params, "style", str, "apa"), self.root, allow=self.allow
            )
        except UnsafePathError as exc:
            raise RequestError(USAGE_ERROR, f"{exc} or 'citekit serve --allow DIR'") from exc
        # Refused here, as citekit cite refuses them (exit 2), rather than by
        # every later request (an engine) or as a warning with each (a locale).
        locale = _param(params, "locale", str, None)
        if locale is not None:
            check_locale(locale)
        engine = _param(params, "engine", str, None)
        if engine is not None:
            get_engine(engine)
        document = CitationDocument(
            library,
            style_name,
            locale=locale,
            engine=engine,
            output=output,
            bibliography_keys=[str(k) for k in _param(params, "bibliography-keys", list, [])],
        )
        # A saved document opens in one request: its clusters rendered once.
        given = _param(params, "clusters", list, None)
        diff = _param(params, "bibliography-diff", bool, False)
        opened = None if given is None else document.open([cluster_from_json(c) for c in given])
        self.document = document
        self.sent = _SentBibliography() if diff else None
        self.candidates = [_candidate(record) for record in library]
        if self.own_process:
            _freeze_survivors()
        style = document.style
        answer: dict[str, Any] = {
            "records": len(library),
            "style": {"id": style.id, "title": style.title, "class": style.style_class},
            "locale": document.locale or style.default_locale or DEFAULT_LOCALE,
            "format": output,
            "diagnostics": diagnostics,
        }
        if opened is not None:
            answer["update"] = self._answer(opened)
        return answer

    def _answer(self, update: Update) -> dict[str, object]:
        """An update as JSON; with "bibliography-diff", the bibliography as what changed."""
        if self.sent is None:
            return update.to_json()
        answer = replace(update, bibliography=None).to_json()
        bibliography = update.bibliography
        answer["bibliography-diff"] = None if bibliography is None else self.sent.diff(bibliography)
        return answer

    def add(self, params: Mapping[str, Any]) -> dict[str, object]:
        """``CitationDocument.add``: append a cluster."""
        cluster = cluster_from_json(_param(params, "cluster", (str, dict, list)))
        return self._answer(self._document().add(cluster))

    def insert(self, params: Mapping[str, Any]) -> dict[str, object]:
        """``CitationDocument.insert``: a cluster before position ``index``."""
        index = _param(params, "index", int)
        cluster = cluster_from_json(_param(params, "cluster", (str, dict, list)))
        return self._answer(self._document().insert(index, cluster))

    def update(self, params: Mapping[str, Any]) -> dict[str, object]:
        """``CitationDocument.update``: new cites for a cluster (by ``id`` or ``index``)."""
        ref = _reference(params, "id")
        cluster = cluster_from_json(_param(params, "cluster", (str, dict, list)))
        return self._answer(self._document().update(ref, cluster))

    def remove(self, params: Mapping[str, Any]) -> dict[str, object]:
        """``CitationDocument.remove``: take a cluster out."""
        return self._answer(self._document().remove(_reference(params, "id")))

    def move(self, params: Mapping[str, Any]) -> dict[str, object]:
        """``CitationDocument.move``: a cluster to position ``to``."""
        to = _param(params, "to", int)
        return self._answer(self._document().move(_reference(params, "id"), to))

    def extend(self, params: Mapping[str, Any]) -> dict[str, object]:
        """``CitationDocument.extend``: many clusters at the end, rendered once."""
        given = _param(params, "clusters", list)
        return self._answer(self._document().extend([cluster_from_json(c) for c in given]))

    def set_style(self, params: Mapping[str, Any]) -> dict[str, object]:
        """``CitationDocument.set_style``: another style, every cluster re-rendered."""
        try:
            style_name = style_from_data(_param(params, "style", str), self.root, allow=self.allow)
        except UnsafePathError as exc:
            raise RequestError(USAGE_ERROR, f"{exc} or 'citekit serve --allow DIR'") from exc
        return self._answer(self._document().set_style(style_name))

    def rendered(self, params: Mapping[str, Any]) -> list[dict[str, object]]:
        """``CitationDocument.rendered``: every cluster's rendering, in order."""
        return [c.to_json() for c in self._document().rendered()]

    # The names before the server's methods took the document's (deprecated).
    add_cluster = add
    insert_cluster = insert
    update_cluster = update
    remove_cluster = remove
    move_cluster = move
    clusters = rendered

    def bibliography(self, params: Mapping[str, Any]) -> dict[str, Any]:
        document = self._document()
        output = _param(params, "format", str, document.output)
        if output not in OUTPUT_FORMATS:
            raise RequestError(
                INVALID_PARAMS, f"'format' must be one of {', '.join(OUTPUT_FORMATS)}"
            )
        return {
            "format": output,
            "entries": [
                {
                    "id": e.id,
                    "text": e.text if output == document.output else serialise(e.rich, output),
                }
                for e in document.bibliography
            ],
        }

    def complete(self, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._document()
        prefix = _param(params, "prefix", str)
        limit = _param(params, "limit", int, 20)
        return [c.to_json() for c in complete(self.candidates, prefix, max(1, limit))]

    def styles(self, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        query = _param(params, "query", str, "")
        limit = _param(params, "limit", int, 50)
        return [
            {"id": s.id, "title": s.title, "class": s.style_class}
            for s in list_styles(query or None)[: max(1, limit)]
        ]

    def shutdown(self, params: Mapping[str, Any]) -> None:
        self.running = False
        return None


class _SentBibliography:
    """The bibliography a client was last sent, to answer with what changed.

    A bibliography grows with the document (a few hundred entries are tens
    of kilobytes), while an edit changes an entry or two: with ``open``'s
    ``"bibliography-diff": true`` an answer carries only the entries whose
    text is new, and the order of the ids when that changed
    (docs/server.md, "bibliography-diff").
    """

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.order: list[str] = []

    def diff(self, bibliography: Sequence[BibEntry]) -> dict[str, object]:
        """``{"entries": [{"id", "text"}], "order": [ids] or None}`` against what was
        sent: the entries whose text is new, the ids in order when that changed."""
        sent = self.texts
        entries = [{"id": e.id, "text": e.text} for e in bibliography if sent.get(e.id) != e.text]
        order = [e.id for e in bibliography]
        reordered = order != self.order
        self.texts = {e.id: e.text for e in bibliography}
        self.order = order
        return {"entries": entries, "order": order if reordered else None}


def _reference(params: Mapping[str, Any], name: str) -> int | str:
    """A cluster given by ``id`` (a string) or ``index`` (an integer).

    A numeric ``id`` is the id as ``add`` stored it (``{"id": 1}`` is
    stored as ``"1"``), never a position: that is what ``index`` is for.
    """
    if params.get(name) is not None:
        value = params[name]
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise RequestError(INVALID_PARAMS, f"parameter '{name}' must be a string or an integer")
        return str(value)
    if params.get("index") is not None:
        return int(_param(params, "index", int))
    raise RequestError(INVALID_PARAMS, f"give the cluster's '{name}' or its 'index'")


GC_THRESHOLD = 20_000
"""Allocations between the cycle collector's youngest-generation runs in ``serve --stdio``.

Python's default (700) was set for programs that make cycles; an edit makes
tens of thousands of small acyclic objects (freed by reference counting), so
the default ran a collection several times an edit, scanning the kept
renderings each time: with the full collections (:func:`_freeze_survivors`),
about a fifth of the server's time over the 500 adds of
benchmarks/editor_session.py.
"""


def _freeze_survivors() -> None:
    """After ``open``: collect what the previous document left, then freeze the rest.

    The library, the parsed style and locale and everything else an open
    document holds live until the next ``open``; frozen (``gc.freeze``) they
    are never scanned again, so a full collection costs what the edits made
    since, not the whole library (one took 84 ms in benchmarks/editor_session.py).
    The collection before freezing frees the previous document's cycles,
    which a freeze would otherwise keep for good.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _error(ident: Any, code: int, message: str) -> dict[str, Any]:
    return {"id": ident, "error": {"code": code, "message": message}}


def _finite(value: Any) -> bool:
    """Whether a parsed JSON value holds no NaN or Infinity (which JSON cannot carry)."""
    pending = [value]
    while pending:  # a loop, not recursion: an id may be nested thousands deep
        current = pending.pop()
        if isinstance(current, float) and not math.isfinite(current):
            return False
        if isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return True


def encode_response(response: Mapping[str, Any]) -> str:
    """One response as one line of valid JSON, whatever it holds.

    ``allow_nan=False`` keeps NaN and Infinity (not JSON) out; a result
    that would need them becomes an internal error answer instead.  Text is
    written as UTF-8 except lone surrogates (from a ``\\ud800`` escape in a
    request), which UTF-8 cannot encode and which go out escaped, and the
    characters some readers take for line ends (U+0085, U+2028, U+2029),
    escaped too so that one answer is always one line.
    """
    try:
        text = json.dumps(response, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError, RecursionError) as exc:
        message = f"internal error: the answer cannot be written as JSON ({exc})"
        try:  # keep the id when it can be written at all
            text = json.dumps(
                _error(response.get("id"), INTERNAL_ERROR, message),
                ensure_ascii=False,
                allow_nan=False,
            )
        except (ValueError, TypeError, RecursionError):
            text = json.dumps(_error(None, INTERNAL_ERROR, message))
    if text.isascii():  # the common case: nothing below can apply
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: the same JSON with \u escapes
        text = json.dumps(json.loads(text), ensure_ascii=True, allow_nan=False)
    # str.translate maps character by character (slow on a whole bibliography):
    # only when one of the line-break characters is there at all
    if any(c in text for c in _BREAK_CHARS):
        text = text.translate(_LINE_BREAKS)
    return text


# Characters some line readers take for line ends (Python's splitlines, old
# JavaScript): inside a JSON string they may be escaped, so one answer stays
# one line for every client.  json.dumps already escapes U+0000-U+001F.
_BREAK_CHARS = "\x85\u2028\u2029"
_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in _BREAK_CHARS}


def serve_stdio(*, allow: Iterable[str | Path] = ()) -> None:
    """Run the server on this process's stdin and stdout.

    ``allow`` lists folders beyond the working folder that requests may
    name files in (``citekit serve --allow DIR``).
    """
    stdin = sys.stdin
    if hasattr(stdin, "reconfigure"):
        stdin.reconfigure(encoding="utf-8", errors="replace")
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        Server(allow=allow, own_process=True).serve(stdin, sys.stdout)
    except BrokenPipeError:  # the editor went away: nobody is left to answer
        # point stdout at nothing so the interpreter's final flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


__all__ = [
    "DATA_ERROR",
    "DEPRECATED_ALIASES",
    "GC_THRESHOLD",
    "INTERNAL_ERROR",
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "METHOD_NOT_FOUND",
    "NO_DOCUMENT",
    "PARSE_ERROR",
    "USAGE_ERROR",
    "RequestError",
    "Server",
    "cluster_from_json",
    "complete",
    "encode_response",
    "serve_stdio",
]

"""CSL-JSON, the format the model is made of.

Reading has to survive what real tools export (pandoc, Zotero, citeproc-js
test fixtures): a top-level array, a single item object, or an object with
an ``items`` array.  Because one broken item must never take the rest of a
file with it, the top-level array is decoded element by element with
:meth:`json.JSONDecoder.raw_decode`; that also tells us the line each item
starts on, which every diagnostic carries.  A field whose value has the
wrong shape is dropped from its item with an error (the rest of the item is
kept); an item without an id cannot be referred to and is skipped.

An integer of more digits than Python converts (4,300) is kept as its
digits, as text, with a warning; the item is kept.

Writing is plain ``json.dumps`` of :meth:`citekit.model.records.Library.to_json`:
UTF-8 (``\\u`` escapes only for lone surrogates, which UTF-8 cannot hold
and JSON can), two-space indent, a trailing newline.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citekit.errors import Diagnostic, Severity
from citekit.formats import ReadResult
from citekit.model.records import Library, Record, value_from_json

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Digits(str):
    """An integer too long for ``int()``, kept as its digits."""


def _parse_int(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return _Digits(text)


_DECODER = json.JSONDecoder(parse_int=_parse_int)
_ID_MEMBER = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)')


class _LineCounter:
    """Offsets to line numbers, counting newlines only once across the text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def line_at(self, offset: int) -> int:
        if offset < self._offset:  # never happens in a forward scan, but stay correct
            self._offset, self._line = 0, 1
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


@dataclass
class _Item:
    """One item of the JSON array and the line it starts on."""

    value: Any
    line: int


class _Reader:
    """One pass over a CSL-JSON text collecting items and diagnostics."""

    def __init__(self, text: str, filename: str | None) -> None:
        self.text = text
        self.filename = filename
        self.lines = _LineCounter(text)
        self.diagnostics: list[Diagnostic] = []

    # -- low-level scanning ---------------------------------------------------
    def skip_ws(self, pos: int) -> int:
        match = _WHITESPACE.match(self.text, pos)
        return match.end() if match else pos

    def syntax_error(self, message: str, pos: int, item_start: int | None = None) -> None:
        line = self.text.count("\n", 0, pos) + 1
        column = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        text = f"malformed JSON at line {line}, column {column}: {message}"
        key = None
        if item_start is not None:
            start_line = self.text.count("\n", 0, item_start) + 1
            text += f" (in the item starting at line {start_line}; skipped)"
            found = _ID_MEMBER.search(self.text, item_start, pos)
            if found:
                try:
                    key = str(json.loads(found[1]))
                except ValueError:
                    key = None
        self.diagnostics.append(
            Diagnostic(
                Severity.ERROR,
                "malformed-json",
                text,
                file=self.filename,
                line=line,
                key=key,
            )
        )

    def decode_value(self, pos: int, *, item: bool = False) -> tuple[Any, int] | None:
        try:
            return _DECODER.raw_decode(self.text, pos)
        except json.JSONDecodeError as exc:
            self.syntax_error(exc.msg, exc.pos, pos if item else None)
            return None
        except RecursionError:
            self.syntax_error("values nested too deeply", pos, pos if item else None)
            return None

    def parse_array(self, pos: int) -> tuple[list[_Item], int | None]:
        """Decode ``[...]`` starting at ``pos`` one element at a time.

        After a syntax error inside an element, reading resumes at the next
        line that starts like the first element did (same indentation, then
        ``{``), which is how every pretty-printing exporter lays items out;
        so one broken item costs only itself.  Returns the elements and the
        offset after the closing bracket (None when the array never closed).
        """
        items: list[_Item] = []
        pos = self.skip_ws(pos + 1)
        if self.text.startswith("]", pos):
            return items, pos + 1
        resync = self._resync_pattern(pos)
        while True:
            line = self.lines.line_at(pos)
            decoded = self.decode_value(pos, item=True)
            if decoded is None:
                resume_from = pos + 1  # the next item may start inside what failed
            else:
                value, resume_from = decoded
                items.append(_Item(value, line))
                pos = self.skip_ws(resume_from)
                if self.text.startswith(",", pos):
                    pos = self.skip_ws(pos + 1)
                    continue
                if self.text.startswith("]", pos):
                    return items, pos + 1
                self.syntax_error("expected ',' or ']' after an item", pos)
            match = resync.search(self.text, resume_from) if resync else None
            if match is None:
                return items, None
            pos = match.end() - 1

    def _resync_pattern(self, pos: int) -> re.Pattern[str] | None:
        line_start = self.text.rfind("\n", 0, pos) + 1
        indent = self.text[line_start:pos]
        if line_start == 0 or indent.strip(" \t") or not self.text.startswith("{", pos):
            return None
        return re.compile(r"\n" + re.escape(indent) + r"\{")

    def parse_container(self, pos: int) -> tuple[list[_Item], int | None] | None:
        """Decode ``{...}`` member by member; return its ``items`` if it has them.

        Returns None when the object is not a container (it is then read as
        a single item by the caller).  A broken container gives the items
        decoded before the break and None as its end.
        """
        pos = self.skip_ws(pos + 1)
        found: tuple[list[_Item], int | None] | None = None
        has_id = False
        while not self.text.startswith("}", pos):
            decoded = self.decode_value(pos)
            if decoded is None:
                return [], None
            key, pos = decoded
            pos = self.skip_ws(pos)
            if not isinstance(key, str) or not self.text.startswith(":", pos):
                self.syntax_error("expected a member name and ':'", pos)
                return [], None
            pos = self.skip_ws(pos + 1)
            has_id = has_id or key == "id"
            if key == "items" and self.text.startswith("[", pos):
                found = self.parse_array(pos)
                if found[1] is None:
                    return found
                pos = found[1]
            else:
                decoded = self.decode_value(pos)
                if decoded is None:
                    return [], None
                _, pos = decoded
            pos = self.skip_ws(pos)
            if self.text.startswith(",", pos):
                pos = self.skip_ws(pos + 1)
            elif not self.text.startswith("}", pos):
                self.syntax_error("expected ',' or '}' in an object", pos)
                return [], None
        if found is None or has_id:  # an item that happens to have an "items" field
            return None
        return found[0], pos + 1

    # -- the document -----------------------------------------------------------
    def top_level_items(self) -> list[_Item]:
        pos = self.skip_ws(0)
        if pos == len(self.text):
            return []
        first = self.text[pos]
        end: int | None
        if first == "[":
            items, end = self.parse_array(pos)
        elif first == "{":
            container = self.parse_container(pos)
            if container is None:
                line = self.lines.line_at(pos)
                decoded = self.decode_value(pos)
                if decoded is None:
                    return []
                items, end = [_Item(decoded[0], line)], decoded[1]
            else:
                items, end = container
        else:
            self.syntax_error("CSL-JSON must be an array of items or an object", pos)
            return []
        if end is not None:
            rest = self.skip_ws(end)
            if rest != len(self.text):
                self.syntax_error("extra data after the end of the JSON value", rest)
        return items

    # -- items ------------------------------------------------------------------
    def problem(
        self,
        severity: Severity,
        code: str,
        message: str,
        line: int,
        key: str | None = None,
        field_name: str | None = None,
    ) -> None:
        self.diagnostics.append(
            Diagnostic(
                severity,
                code,
                message,
                file=self.filename,
                line=line,
                key=key,
                field=field_name,
            )
        )

    def record_from(self, item: _Item) -> Record | None:
        record, diagnostics = record_from(item.value, item.line, filename=self.filename)
        self.diagnostics.extend(diagnostics)
        return record


def record_from(
    obj: Any,
    line: int | None,
    *,
    filename: str | None = None,
    field_lines: Mapping[str, int] | None = None,
) -> tuple[Record | None, list[Diagnostic]]:
    """One decoded CSL item as a record, and what was wrong with it.

    The one policy for CSL data however it was spelled (CSL-JSON, and the
    CSL-YAML reader uses it too): an item that is not an object or has no
    usable id is skipped, since nothing could refer to it; anything else costs
    only itself: a missing or bad type reads as ``document`` with a warning,
    a field of the wrong shape is dropped with an error, a bad part of a name
    is left out with a warning.  ``line`` is where the item starts;
    ``field_lines`` gives a field's own line where the reader knows it.
    """
    diagnostics: list[Diagnostic] = []

    def problem(
        severity: Severity,
        code: str,
        message: str,
        key: str | None = None,
        field_name: str | None = None,
    ) -> None:
        at = field_lines.get(field_name, line) if field_lines and field_name else line
        diagnostics.append(
            Diagnostic(severity, code, message, file=filename, line=at, key=key, field=field_name)
        )

    if not isinstance(obj, Mapping):
        problem(
            Severity.ERROR,
            "bad-item",
            f"an item must be an object, not {_json_type(obj)}; skipped",
        )
        return None, diagnostics
    if "id" not in obj:
        title = obj.get("title")
        hint = f" (title {title!r})" if isinstance(title, str) else ""
        problem(Severity.ERROR, "missing-id", f"item has no 'id'{hint}; skipped")
        return None, diagnostics
    item_id = obj["id"]
    if not _valid_id(item_id):
        problem(
            Severity.ERROR,
            "bad-id",
            f"item id must be a string or a number, not {item_id!r}; skipped",
        )
        return None, diagnostics
    key = str(item_id)
    item_type = obj.get("type")
    if item_type is None:
        problem(Severity.WARNING, "missing-type", "item has no 'type'; read as 'document'", key)
        item_type = "document"
    elif not isinstance(item_type, str):
        problem(
            Severity.ERROR,
            "bad-type",
            f"item type must be a string, not {item_type!r}; read as 'document'",
            key,
            "type",
        )
        item_type = "document"
    record = Record(str(item_id) if isinstance(item_id, _Digits) else item_id, item_type)
    for variable, value in obj.items():
        if variable in ("id", "type"):
            continue
        if _has_digits(value):
            problem(
                Severity.WARNING,
                "long-number",
                "an integer of more than 4,300 digits is kept as text",
                key,
                variable,
            )
            value = _plain_digits(value)
        parts: list[str] = []
        try:
            record.fields[variable] = value_from_json(variable, value, parts)
        except (ValueError, TypeError, RecursionError) as exc:
            problem(Severity.ERROR, "bad-field", f"{exc}; the field was dropped", key, variable)
        for message in parts:
            problem(Severity.WARNING, "bad-name", message, key, variable)
    return record, diagnostics


def _has_digits(value: Any) -> bool:
    """Whether a decoded value holds an integer kept as digits.

    Cheap for the usual flat values.  Each list and object is looked at once,
    however often it occurs: CSL-YAML shares values through aliases, and a
    few lines of them can stand for billions of items (the model refuses
    those, :data:`citekit.model.records.MAX_EXPANDED`; this must not walk them
    first).  Nesting is bounded by the decoder and by the model's checks.
    """
    if isinstance(value, _Digits):
        return True
    if not isinstance(value, (list, dict)):
        return False
    seen: set[int] = set()
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for item in node.values() if isinstance(node, dict) else node:
            if isinstance(item, _Digits):
                return True
            if isinstance(item, (list, dict)):
                stack.append(item)
    return False


def _plain_digits(value: Any, depth: int = 0) -> Any:
    if isinstance(value, _Digits):
        return str(value)
    if depth > 64:
        return value
    if isinstance(value, list):
        return [_plain_digits(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _plain_digits(v, depth + 1) for k, v in value.items()}
    return value


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def _valid_id(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, (str, int))


def read(text: str, *, filename: str | None = None) -> ReadResult:
    """Parse CSL-JSON text; problems become diagnostics, never exceptions.

    Duplicate ids keep the first item (the later one is reported with its
    line).  ``lines`` of the result maps each key to the line its item
    starts on.
    """
    reader = _Reader(text.removeprefix("\ufeff"), filename)
    library = Library()
    lines: dict[str, int] = {}
    for item in reader.top_level_items():
        record = reader.record_from(item)
        if record is None:
            continue
        if record.key in library:
            reader.problem(
                Severity.ERROR,
                "duplicate-key",
                f"duplicate id '{record.key}' (first at line {lines[record.key]}); "
                "this item was skipped",
                item.line,
                record.key,
            )
            continue
        library.add(record)
        lines[record.key] = item.line
    diagnostics = sorted(reader.diagnostics, key=lambda d: d.line or 0)
    return ReadResult(library, diagnostics, lines)


def item_lines(text: str) -> dict[str, int]:
    """The line each item of a CSL-JSON text starts on, by key."""
    return read(text).lines


def write(library: Library, *, indent: int | None = 2) -> str:
    """Serialise a library as CSL-JSON (an array), UTF-8, with a final newline.

    A lone surrogate can only be inside a JSON string, so it is written as its
    ``\\uXXXX`` escape: the file is valid UTF-8 and reads back the same.
    """
    text = json.dumps(library.to_json(), ensure_ascii=False, indent=indent) + "\n"
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


__all__ = ["item_lines", "read", "record_from", "write"]

"""Edit a .bib file's text in place: only the entries a command changes.

``citekit keys`` and ``citekit dedupe --merge`` change a few keys, fields or
entries of a file people have kept for years.  Rewriting the whole file
through the model (or the BibTeX writer) would also change everything else:
``year`` would become ``date``, comments would move, macros would be
expanded, and an entry the reader could not parse would be gone.  So these
commands edit the text instead: :func:`locate_blocks` finds where each block
of the splitter (:func:`citekit.formats.bibtex.reader.split_blocks`) stands in the
original text, :func:`scan_entry` finds an entry's key and each field's name
and value, and :class:`TextEdits` applies replacements to the original text,
so every byte outside the edited spans stays as it was (line endings,
encoding-independent characters, trailing newline included).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from bibtexparser import model as bib

from citekit.formats.bibtex.latex import closing_brace
from citekit.formats.bibtex.reader import split_blocks

#: Entry types that are not entries (the splitter reports them as their own blocks).
NOT_ENTRIES = frozenset({"string", "comment", "preamble"})


class SourceEditError(ValueError):
    """The text of an entry could not be located or scanned safely."""


@dataclass(frozen=True, slots=True)
class SourceBlock:
    """One block of the splitter and where its text stands: ``text[start:end]``.

    ``entry`` is the entry the reader reads from this block (also when the
    splitter flagged duplicate fields), else None: comments, macros,
    preambles, blocks that failed to parse and second entries with a key seen
    before (the reader skips those).
    """

    block: bib.Block
    start: int
    end: int
    entry: bib.Entry | None


def _read_entry(block: bib.Block) -> bib.Entry | None:
    if isinstance(block, bib.DuplicateFieldKeyBlock):
        ignored: Any = block.ignore_error_block
        return ignored if isinstance(ignored, bib.Entry) else None
    if isinstance(block, bib.Entry):
        return block
    return None


def locate_blocks(text: str) -> list[SourceBlock]:
    """The splitter's blocks of ``text`` with their positions in it.

    The splitter gives each block's first line and its raw text; the raw text
    is looked up from the start of that line, so the position is exact even
    where several blocks share a line.
    """
    line_starts = [0]
    line_starts.extend(m.end() for m in re.finditer("\n", text))
    located: list[SourceBlock] = []
    position = 0
    for block in split_blocks(text):
        raw = block.raw or ""
        line = block.start_line or 0
        begin = max(position, line_starts[line] if line < len(line_starts) else position)
        start = text.find(raw, begin)
        if start < 0:
            start = text.find(raw, position)
        if start < 0:
            raise SourceEditError(f"cannot locate the block on line {line + 1} in the text")
        end = start + len(raw)
        located.append(SourceBlock(block, start, end, _read_entry(block)))
        position = end
    return located


@dataclass(frozen=True, slots=True)
class FieldSource:
    """One ``name = value`` of an entry; positions are within the entry's raw text.

    ``value_start:value_end`` covers the value as written (delimiters and
    ``#`` concatenations included), ``end`` the field up to the comma after it
    (or the value's end when none follows).
    """

    name: str
    start: int
    name_end: int
    value_start: int
    value_end: int
    end: int
    raw: str

    @property
    def value(self) -> str:
        return self.raw[self.value_start : self.value_end]


@dataclass(frozen=True, slots=True)
class EntrySource:
    """An entry's text with its type, key and fields located."""

    raw: str
    entry_type: str
    key: str
    key_start: int
    key_end: int
    fields: tuple[FieldSource, ...]
    close: int  # index of the closing ``}`` or ``)``

    def field(self, name: str) -> FieldSource | None:
        """The first field called ``name`` (case-insensitive), as the reader keeps it."""
        wanted = name.lower()
        return next((f for f in self.fields if f.name.lower() == wanted), None)

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.raw else "\n"


_HEAD = re.compile(r"@\s*([^\s{(]+)\s*([{(])")
_NAME = re.compile(r"[^\s=,{}()\"#]+")
_BARE = re.compile(r"[^\s,#{}()\"]+")


def _closing(raw: str, start: int) -> int:
    """Index of the delimiter closing the ``{`` or ``"`` at ``start``, or -1.

    As in the reader (:func:`citekit.formats.bibtex.latex.closing_brace`), a brace
    right after a backslash is a character, not a group.
    """
    if raw[start] == "{":
        return closing_brace(raw, start)
    depth = 0
    for index in range(start + 1, len(raw)):
        char = raw[index]
        if char in "{}" and raw[index - 1] == "\\":
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0 and raw[index - 1] != "\\":
            return index
    return -1


def _skip_space(raw: str, index: int) -> int:
    while index < len(raw) and raw[index].isspace():
        index += 1
    return index


def _value_end(raw: str, index: int) -> int:
    """The end of a value (``{..}``, ``".."``, a bare word, joined by ``#``) from ``index``."""
    while True:
        if index >= len(raw):
            raise SourceEditError("the entry ends inside a value")
        if raw[index] in '{"':
            close = _closing(raw, index)
            if close < 0:
                raise SourceEditError("unbalanced braces or quotes in a value")
            end = close + 1
        else:
            match = _BARE.match(raw, index)
            if match is None:
                raise SourceEditError(f"unexpected {raw[index]!r} in a value")
            end = match.end()
        after = _skip_space(raw, end)
        if after < len(raw) and raw[after] == "#":
            index = _skip_space(raw, after + 1)
            continue
        return end


def _plain(value: str) -> str:
    return " ".join(value.split())


def scan_entry(raw: str, entry: bib.Entry | None = None) -> EntrySource:
    """Locate the key and fields of an entry's text.

    With ``entry`` (the splitter's reading of the same text) the result is
    checked against it: the same field names and values in the same order,
    so an edit never lands anywhere but where the reader sees the field.
    """
    head = _HEAD.match(raw)
    if head is None:
        raise SourceEditError("not an entry")
    closer = "}" if head.group(2) == "{" else ")"
    key_start = _skip_space(raw, head.end())
    comma = raw.find(",", key_start)
    stop = raw.rfind(closer)
    if stop < 0:
        raise SourceEditError("the entry is not closed")
    if comma < 0 or comma > stop:
        key_end = key_start + len(raw[key_start:stop].rstrip())
        return EntrySource(raw, head.group(1), raw[key_start:key_end], key_start, key_end, (), stop)
    key_end = key_start + len(raw[key_start:comma].rstrip())
    fields: list[FieldSource] = []
    index = comma + 1
    while True:
        index = _skip_space(raw, index)
        while index < len(raw) and raw[index] == ",":
            index = _skip_space(raw, index + 1)
        if index >= len(raw):
            raise SourceEditError("the entry is not closed")
        if raw[index] == closer:
            break
        name = _NAME.match(raw, index)
        if name is None:
            raise SourceEditError(f"unexpected {raw[index]!r} where a field name should be")
        equals = _skip_space(raw, name.end())
        if equals >= len(raw) or raw[equals] != "=":
            raise SourceEditError(f"field '{name.group(0)}' has no '='")
        value_start = _skip_space(raw, equals + 1)
        value_end = _value_end(raw, value_start)
        after = _skip_space(raw, value_end)
        end = after + 1 if after < len(raw) and raw[after] == "," else value_end
        fields.append(
            FieldSource(name.group(0), index, name.end(), value_start, value_end, end, raw)
        )
        index = end
    scanned = EntrySource(
        raw, head.group(1), raw[key_start:key_end], key_start, key_end, tuple(fields), index
    )
    if entry is not None:
        _check_against(scanned, entry)
    return scanned


def scan_entry_lenient(raw: str, entry: bib.Entry, changing: tuple[str, ...]) -> EntrySource:
    """Like :func:`scan_entry`, but an entry whose fields cannot be scanned still gets a
    new key or new fields, provided none of the fields in ``changing`` is in it.

    The splitter accepts oddities (``title = }``, ``= {x}``) that the scanner
    does not; their key is still at the start and a field can still go right
    after it.  The edited text is read back by the caller before anything is
    written.
    """
    try:
        return scan_entry(raw, entry)
    except SourceEditError:
        wanted = {name.lower() for name in changing}
        if any(f.key.lower() in wanted for f in entry.fields):
            raise
    head = _HEAD.match(raw)
    if head is None:
        raise SourceEditError("not an entry")
    closer = "}" if head.group(2) == "{" else ")"
    key_start = _skip_space(raw, head.end())
    key_end = key_start + len(entry.key)
    if raw[key_start:key_end] != entry.key:
        raise SourceEditError(f"entry '{entry.key}': its key could not be located")
    return EntrySource(raw, head.group(1), entry.key, key_start, key_end, (), raw.rfind(closer))


def _check_against(scanned: EntrySource, entry: bib.Entry) -> None:
    mine = [(f.name.lower(), _plain(f.value)) for f in scanned.fields]
    theirs = [(f.key.lower(), _plain(str(f.value))) for f in entry.fields]
    if scanned.key != entry.key or mine != theirs:
        raise SourceEditError(f"entry '{entry.key}' could not be scanned as the reader reads it")


@dataclass
class EntryEdit:
    """Changes to one entry: a new key, new field values, fields to add.

    :meth:`apply` returns the entry's text with only those spans replaced; a
    field added goes after the last field, laid out like it (its indentation,
    its ``name = value`` spacing, the entry's line ending, a trailing comma
    where the last field had one).
    """

    source: EntrySource
    key: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # lower-case name -> value text
    names: dict[str, str] = field(default_factory=dict)  # lower-case name -> name to add

    def set(self, name: str, value: str) -> None:
        self.values[name.lower()] = value
        self.names.setdefault(name.lower(), name)

    def apply(self) -> str:
        raw = self.source.raw
        spans: list[tuple[int, int, str]] = []
        if self.key is not None and self.key != self.source.key:
            spans.append((self.source.key_start, self.source.key_end, self.key))
        added: list[tuple[str, str]] = []
        for name, value in self.values.items():
            existing = self.source.field(name)
            if existing is None:
                added.append((self.names.get(name, name), value))
            elif existing.value != value:
                spans.append((existing.value_start, existing.value_end, value))
        if added:
            spans.append(self._insertion(added))
        out = raw
        for start, end, text in sorted(spans, reverse=True):
            out = out[:start] + text + out[end:]
        return out

    def _insertion(self, added: list[tuple[str, str]]) -> tuple[int, int, str]:
        source = self.source
        raw = source.raw
        newline = source.newline
        if not source.fields:  # right after the key, each with a comma (what follows may be fields)
            body = "".join(f"{newline}  {name} = {value}," for name, value in added)
            after_key = raw.find(",", source.key_end, source.close)
            if after_key >= 0:
                return (after_key + 1, after_key + 1, body)
            return (source.key_end, source.key_end, "," + body + newline)
        last = source.fields[-1]
        line_start = raw.rfind("\n", 0, last.start) + 1
        indent = raw[line_start : last.start]
        separator = raw[last.name_end : last.value_start]
        if indent.strip() or line_start == 0:  # fields share a line: continue it
            lead, indent = " ", ""
        else:
            lead = newline
        pieces = [f"{lead}{indent}{name}{separator}{value}" for name, value in added]
        if raw[last.end - 1] == "," and last.end > last.value_end:  # trailing comma kept
            return (last.end, last.end, "".join(p + "," for p in pieces))
        return (last.value_end, last.value_end, "".join("," + p for p in pieces))


def checked(edit: EntryEdit) -> str:
    """The edited entry's text, once the splitter reads it as one entry as intended.

    The entry must still be one entry with the new key, every field it had
    (values unchanged unless set) and the fields added, so an edit can never
    break an entry or run it into the next block.  Raises
    :class:`SourceEditError` otherwise.
    """
    text = edit.apply()
    blocks = split_blocks(text)
    key = edit.key if edit.key is not None else edit.source.key
    entry = _read_entry(blocks[0]) if len(blocks) == 1 else None
    if entry is None or entry.key != key or (blocks[0].raw or "") != text:
        raise SourceEditError(f"entry '{key}' would not read back as one entry after the edit")
    expected = {f.name.lower(): _plain(f.value) for f in edit.source.fields}
    expected.update({name: _plain(value) for name, value in edit.values.items()})
    found = {f.key.lower(): _plain(str(f.value)) for f in entry.fields}
    if edit.source.fields and found != expected:
        raise SourceEditError(f"entry '{key}' would not read back with the intended fields")
    return text


class TextEdits:
    """Non-overlapping replacements of spans of one text, applied at once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int, str]] = []

    def replace(self, start: int, end: int, replacement: str) -> None:
        self.spans.append((start, end, replacement))

    def remove_block(self, located: SourceBlock) -> None:
        """Remove a block and the rest of its line, and one blank line it leaves doubled."""
        text = self.text
        start, end = located.start, located.end
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].strip():  # shares its line: take one side's spaces only
            probe = end
            while probe < len(text) and text[probe] in " \t":
                probe += 1
            if probe < len(text) and text[probe] not in "\r\n":
                end = probe
            else:
                while start > line_start and text[start - 1] in " \t":
                    start -= 1
            self.spans.append((start, end, ""))
            return
        rest = _line_rest(text, end)
        if rest == end:  # more blocks follow on its line: they move to its place
            while end < len(text) and text[end] in " \t":
                end += 1
            self.spans.append((line_start, end, ""))
            return
        end, start = rest, line_start
        if line_start == 0 or _blank_line_before(text, line_start):
            end = _line_rest(text, end) if _blank_line_at(text, end) else end
        self.spans.append((start, end, ""))

    def _merged(self) -> list[tuple[int, int, str]]:
        """The spans in order, removals with only blank space between them joined.

        A removal that reaches the end of the text takes the blank lines
        before it too: the text then ends as the block before it did.
        """
        merged: list[tuple[int, int, str]] = []
        for start, end, replacement in sorted(self.spans):
            if (
                merged
                and not replacement
                and not merged[-1][2]
                and not self.text[merged[-1][1] : start].strip()
            ):
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]), "")
            else:
                merged.append((start, end, replacement))
        if merged and not merged[-1][2] and not self.text[merged[-1][1] :].strip():
            start = merged[-1][0]
            kept = len(self.text[:start].rstrip())
            if not merged[:-1] or merged[-2][1] <= kept:
                line_break = re.match(r"[ \t]*\r?\n", self.text[kept:start])
                merged[-1] = (kept + (line_break.end() if line_break else 0), len(self.text), "")
        return merged

    def apply(self) -> str:
        spans = self._merged()
        for (_, end_a, _), (start_b, _, _) in pairwise(spans):
            if start_b < end_a:
                raise SourceEditError("two edits overlap")
        pieces: list[str] = []
        position = 0
        for start, end, replacement in spans:
            pieces.append(self.text[position:start])
            pieces.append(replacement)
            position = end
        pieces.append(self.text[position:])
        return "".join(pieces)


def _line_rest(text: str, index: int) -> int:
    """``index`` moved over trailing spaces and one line break, if only those follow."""
    probe = index
    while probe < len(text) and text[probe] in " \t":
        probe += 1
    if text.startswith("\r\n", probe):
        return probe + 2
    if probe < len(text) and text[probe] in "\r\n":
        return probe + 1
    return probe if probe == len(text) else index


def _blank_line_at(text: str, index: int) -> bool:
    end = text.find("\n", index)
    line = text[index:] if end < 0 else text[index:end]
    return index < len(text) and not line.strip()


def _blank_line_before(text: str, line_start: int) -> bool:
    previous = text.rfind("\n", 0, line_start - 1) + 1
    return not text[previous:line_start].strip()


def entry_blocks(located: list[SourceBlock]) -> dict[str, SourceBlock]:
    """The block of each key the reader reads (the first of that key; xdata apart)."""
    found: dict[str, SourceBlock] = {}
    for item in located:
        entry = item.entry
        if entry is None or entry.entry_type.lower() in NOT_ENTRIES | {"xdata"}:
            continue
        found.setdefault(entry.key, item)
    return found


def split_keys(value: str) -> tuple[str, str, list[str]]:
    """A key-list value (``{a, b}``, ``"a"``, ``a``) as (opening, closing, keys)."""
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[0], value[-1], [k.strip() for k in value[1:-1].split(",") if k.strip()]
    return "", "", [k.strip() for k in value.split(",") if k.strip()]


#: Fields whose value names other entries by key (a comma-separated list for
#: ``related`` and ``entryset``): ``crossref`` and ``xref`` parents, biblatex's
#: related entries and the members of an ``@set``, and the work a quotation
#: record is ``quotedin``.  ``xdata`` is not among them: it names ``@xdata``
#: entries, which are read apart and never renamed or merged.
POINTER_FIELDS: tuple[str, ...] = ("crossref", "xref", "related", "entryset", "quotedin")


def key_renamer(renamed: Mapping[str, str], existing: Iterable[str] = ()) -> Callable[[str], str]:
    """What a key written in a pointer names after the renames in ``renamed``.

    The reader, like biber, resolves a pointer whose case differs from the
    key (``crossref = {conf2}`` for ``Conf2``), so a rename must reach it
    too.  A key written exactly as one in ``renamed`` follows it; one written
    exactly as a key in ``existing`` (the entries that keep their key) stays;
    otherwise the case-insensitive match in ``renamed`` counts, unless two
    renamed keys share it with different new keys.
    """
    kept = set(existing)
    folded: dict[str, str | None] = {}
    for old, new in renamed.items():
        lowered = old.casefold()
        folded[lowered] = new if folded.get(lowered, new) == new else None

    def rename(key: str) -> str:
        if key in renamed:
            return renamed[key]
        if key in kept:
            return key
        return folded.get(key.casefold()) or key

    return rename


def redirect(
    entry_edit: EntryEdit,
    renamed: Mapping[str, str] | Callable[[str], str],
    names: tuple[str, ...] = POINTER_FIELDS,
) -> None:
    """Point the values of ``names`` that name renamed keys at the new keys.

    ``renamed`` is a mapping of old to new keys or a :func:`key_renamer`
    (which also knows the keys that stay).
    """
    rename = renamed if callable(renamed) else key_renamer(renamed)
    for name in names:
        existing = entry_edit.source.field(name)
        if existing is None:
            continue
        current = entry_edit.values.get(name.lower(), existing.value)
        opening, closing, keys = split_keys(current)
        if [rename(k) for k in keys] == keys:
            continue
        inner = current.strip()[len(opening) : len(current.strip()) - len(closing)]
        parts: list[str] = []  # each key renamed in place, the spacing around it kept
        seen: set[str] = set()
        for part in inner.split(","):
            key = part.strip()
            if not key:
                continue
            new = rename(key)
            if new in seen:  # two keys merged into one: list it once
                continue
            seen.add(new)
            lead = part[: len(part) - len(part.lstrip())]
            parts.append(lead + new + part[len(lead) + len(key) :])
        joined = ",".join(parts)
        entry_edit.set(
            existing.name,
            f"{opening}{joined}{closing}"
            if opening
            else ("{" + joined + "}" if "," in joined else joined),
        )


__all__ = [
    "POINTER_FIELDS",
    "EntryEdit",
    "EntrySource",
    "FieldSource",
    "SourceBlock",
    "SourceEditError",
    "TextEdits",
    "checked",
    "entry_blocks",
    "key_renamer",
    "locate_blocks",
    "redirect",
    "scan_entry",
    "scan_entry_lenient",
    "split_keys",
]

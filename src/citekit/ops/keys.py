"""Citation keys as operations: rekey a library, rename keys in a .bib file's text.

The rule that makes a key from a record (the pattern language, clash
suffixes, which ids stay) is :mod:`citekit.model.keys`, where the formats can
use it too; its names are re-exported here, so ``citekit.ops.keys`` offers
the whole of key generation.  What this module adds works on a library or a
file: :func:`generate_keys` gives the records their new keys with the
pointers to them (``crossref``, ``xref``, ``related``, ``entryset``,
``quotedin``, in any case) following them, and :func:`rename_in_source`
renames entries in BibTeX text without touching anything else
(:mod:`citekit.formats.bibtex.edits`).
"""

from __future__ import annotations

from collections.abc import Callable

from citekit.formats.bibtex.edits import (
    POINTER_FIELDS,
    EntryEdit,
    SourceEditError,
    TextEdits,
    checked,
    entry_blocks,
    key_renamer,
    locate_blocks,
    redirect,
    scan_entry_lenient,
)
from citekit.model.keys import (
    DEFAULT_PATTERN,
    STOP_WORDS,
    KeyPattern,
    family_name,
    is_citation_key,
    new_keys,
    suffixes,
)
from citekit.model.records import Library, Record
from citekit.ops.dedupe import clone, redirect_pointers


def generate_keys(
    library: Library,
    pattern: str = DEFAULT_PATTERN,
    *,
    rekey: bool = False,
    ascii_only: bool = True,
    keep: Callable[[Record], bool] | None = None,
) -> tuple[dict[str, str], Library]:
    """New citation keys from ``pattern``; returns ``(renamed, library)``.

    ``renamed`` maps each changed old key to its new key
    (:func:`citekit.model.keys.new_keys`); the library is a new one, in the
    same order, with renamed records and the pointers to them
    (:data:`citekit.ops.dedupe.POINTER_FIELDS`) following them.  A record
    keeps its key when ``rekey`` is False and the key is usable
    (:func:`is_citation_key`, or ``keep(record)`` when given).
    """
    renamed = new_keys(library, pattern, rekey=rekey, ascii_only=ascii_only, keep=keep)
    return renamed, rename_keys(library, renamed)


def rename_in_source(text: str, renamed: dict[str, str]) -> str:
    """BibTeX text with entry keys and the pointers to them renamed, nothing else.

    Only the key of each entry the reader reads (the first entry of a key;
    not a block that failed to parse, nor a later duplicate the reader skips)
    and the pointer values naming a renamed key
    (:data:`citekit.formats.bibtex.edits.POINTER_FIELDS`, matched without
    regard to case, as the reader resolves them) change: every other byte of
    the file, comments, macros, unparsed blocks and layout, stays as it was.
    Raises :class:`citekit.formats.bibtex.edits.SourceEditError` when an entry that
    must change cannot be located exactly.
    """
    if not renamed:
        return text
    edits = TextEdits(text)
    blocks = entry_blocks(locate_blocks(text))
    missing = [key for key in renamed if key not in blocks]
    if missing:  # read by the reader, but not from an entry block of this text
        raise SourceEditError(f"entry '{missing[0]}' cannot be located in the text")
    rename = key_renamer(renamed, (k for k in blocks if k not in renamed))
    for key, item in blocks.items():
        entry = item.entry
        assert entry is not None
        pointers = any(f.key.lower() in POINTER_FIELDS for f in entry.fields)
        if key not in renamed and not pointers:
            continue
        source = scan_entry_lenient(text[item.start : item.end], entry, POINTER_FIELDS)
        edit = EntryEdit(source, key=renamed.get(key))
        redirect(edit, rename, POINTER_FIELDS)
        changed = checked(edit)
        if changed != source.raw:
            edits.replace(item.start, item.end, changed)
    return edits.apply()


def rename_keys(library: Library, renamed: dict[str, str]) -> Library:
    """A copy of the library with records renamed and pointers redirected."""
    out = Library()
    out.extras = dict(library.extras)
    rename = key_renamer(renamed, (r.key for r in library if r.key not in renamed))
    for record in library:
        copied = clone(record)
        copied.id = renamed.get(record.key, record.id)
        redirect_pointers(copied, rename)
        out.add(copied)
    return out


__all__ = [
    "DEFAULT_PATTERN",
    "STOP_WORDS",
    "KeyPattern",
    "family_name",
    "generate_keys",
    "is_citation_key",
    "new_keys",
    "rename_in_source",
    "rename_keys",
    "suffixes",
]

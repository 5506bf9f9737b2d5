"""Parsed bibliographies kept between commands: :func:`recall_read`, :func:`keep_read`
and, for an edited file, :func:`recall_converted` and :func:`keep_converted`.

A writer runs the same bibliography through citekit again and again (each
build of a paper, each ``citekit bib`` while tidying), and most of the time
the file has not changed.  Reading BibTeX is a good part of such a command
(60 of the 250 ms of a 1,000-entry IEEE bibliography; names and LaTeX
decoded field by field), while reading back the parsed result takes a few
milliseconds and needs none of the reader's modules.  So the command line
keeps each file's parse in the user's cache folder
(:mod:`citekit.base.diskcache`, on only where :func:`~citekit.base.diskcache.use_disk_cache`
turned it on) and uses it again while the text is the same.

What makes an answer the same as a fresh read:

* the key is the format, the name the diagnostics give the input, the
  reading options and a BLAKE2b digest of the whole text: any edit, a
  different name or option is a new key;
* the fingerprint covers the code that reads (``citekit``'s own modules at
  its top, ``base``, ``model``, every ``formats`` package) and the packages
  the readers parse with (bibtexparser, lxml, PyYAML): an upgrade or edit of
  any is a miss;
* what is kept is the :class:`~citekit.formats.ReadResult` the reader
  returned (records, diagnostics with their lines, the lines of records),
  so the diagnostics of a broken entry come back word for word.

:func:`citekit.formats.read_remembered` reads with it, for
:func:`citekit.formats.read` and :func:`citekit.ops.inputs.load_library`.

One file per input (the slot: format, absolute path and options), which a changed
text replaces instead of adding to, so the folder does not grow with each
edit; the file is readable by the user only, since it holds what the
bibliography holds.  A text read for the first time is only noted; its
second read keeps the result and the third finds it: keeping costs about a
third of a read, which a file being edited would pay on every change for
nothing.

A file being edited is the other common case, and an edit leaves most
entries as they were.  A file read a second time, unchanged (its whole
parse is being kept) or edited since, has the conversion of each entry kept
too (:class:`ConvertedEntries`: records and diagnostics by a signature of
everything converting the entry reads, which the format's reader computes),
and the reads after an edit convert only the entries whose signature is
new; the splitting, macros and inheritance still run over the whole text,
since they decide the signatures.  The kept conversions are written again
only when fewer than nine tenths of a read's entries came from them, so a
run of small edits pays the writing once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from citekit.base.diskcache import (
    DiskMemo,
    blake2b_digest,
    enabled,
    pickled,
    source_fingerprint,
)
from citekit.errors import Diagnostic

if TYPE_CHECKING:
    from citekit.model.records import Record


def _reading_code() -> bytes:
    """The fingerprint of everything that can change what a read returns."""
    root = Path(__file__).resolve().parent.parent  # the citekit package
    folders = [root, root / "base", root / "model"]
    for walked, subfolders, _ in os.walk(root / "formats"):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        folders.append(Path(walked))
    for package in _READERS_USE:
        installed = _package_folder(package)
        if installed is not None:
            folders.append(installed)
    return source_fingerprint(folders)


# The packages the readers parse with: BibTeX's splitter, the XML formats' parser
# (EndNote, MODS), CSL-YAML's parser.  Their version is in their files' sizes and times.
_READERS_USE = ("bibtexparser", "lxml", "yaml")


def _package_folder(name: str) -> Path | None:
    """Where an installed package's code is, without importing it (None: not installed)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


# At most this many files are kept (noted or parsed), the least recently used
# going first: one per bibliography file a user works with, and the temporary
# files a pipeline reads once would otherwise pile up.
_KEPT_FILES = 256
_READS = DiskMemo("parsed-bibliographies", _reading_code, limit=_KEPT_FILES)


class ReadKey:
    """What names one read: its slot (format, input name, options) and whole key (and digest)."""

    __slots__ = ("edited", "key", "named_file", "seen", "slot")

    def __init__(self, text: str, format: str, filename: str | None, sentence_case: bool) -> None:
        # The slot names the file wherever the command runs ("refs.bib" of two
        # projects are two files); the key also holds the name as given, which
        # the diagnostics print.
        self.named_file = not (filename is None or filename.startswith("<"))
        where = _absolute(filename) if self.named_file and filename else filename
        self.slot = repr((format, where, sentence_case)).encode("utf-8", "surrogatepass")
        named = repr(filename).encode("utf-8", "surrogatepass")
        digest = blake2b_digest(text.encode("utf-8", "surrogatepass"), 32)
        self.key = self.slot + b"\0" + named + b"\0" + digest
        self.seen = False  # an earlier run read this very text and noted it
        self.edited = False  # an earlier run read this file with another text


def _absolute(filename: str) -> str:
    """The file's absolute path, as the operating system resolves it now."""
    try:
        return os.path.abspath(filename)
    except (OSError, ValueError):  # no current folder any more, a NUL in the name
        return filename


# What the slot holds after a first read of a text: a note that it was read, not
# the result.  Keeping a result costs about a third of reading it (pickling every
# record, then the write), and a text read once is often never read again (it is
# being edited); the second read of the same text keeps it, the third recalls it.
_SEEN = "read once"


def recall_read(
    text: str, format: str, *, filename: str | None, sentence_case: bool = True
) -> tuple[object | None, ReadKey | None]:
    """What an earlier run kept for this read, if anything, and the key to keep a new one under.

    ``(None, None)`` while the disk cache is off (nothing to recall or keep);
    ``(None, key)`` on a miss: read, then :func:`keep_read` the result under
    ``key``.  What is recalled is what was kept (the caller checks it is a
    :class:`~citekit.formats.ReadResult`).  Nothing of the format's reader is
    imported here, so a hit never loads it.
    """
    if not enabled():
        return None, None
    key = ReadKey(text, format, filename, sentence_case)
    stored = _READS.stored(key.slot)
    if stored is None:
        return None, key
    stored_key, value = stored
    if stored_key != key.key:  # another text: the file was edited (its parse stays packed)
        key.edited = True
        return None, key
    kept = _READS.unpack(value)
    if kept is None:
        return None, key
    if isinstance(kept, str):  # only the note
        key.seen = kept == _SEEN
        return None, key
    _READS.used(key.slot)
    return kept, key


def keep_read(key: ReadKey | None, result: object) -> None:
    """Keep the reader's ``result`` for the next run (before anything is added to it).

    The first read of a text only notes it (see :data:`_SEEN`); a text read
    again has its result kept.
    """
    if key is not None:
        _READS.put(key.key, result if key.seen else _SEEN, slot=key.slot)


# -- the entries of an edited file ----------------------------------------------

# The conversions of a file's entries, kept by a read after an edit: the next edit
# usually leaves most entries as they were, and those come back from here rather
# than being converted again.  One file per input, as for whole reads.
_CONVERTED = DiskMemo("converted-entries", _READS.code, limit=_KEPT_FILES)

# Earlier conversions are kept while at least this share of a read's entries comes
# from them; below it (many entries changed since), the read's own replace them.
_STILL_USEFUL = 0.9

_unpack_records = DiskMemo.unpack
"""Loads the records kept beside their signatures (None: damaged)."""

Converted = tuple["Record", tuple[Diagnostic, ...]]
"""A record and the diagnostics of its conversion, their lines counted from the
entry's first line and without the file's name."""


class ConvertedEntries:
    """The records an earlier read converted a file's entries into, by *signature*.

    A reader that can say what converting an entry depends on gives each entry
    a signature (bytes) covering all of it: for BibTeX, the key, the type and
    the fields as the conversion sees them (after macros and inheritance), the
    lines of the fields counted from the entry's start, the options.  An entry
    whose signature an earlier read converted takes that record and those
    diagnostics, which are what converting it again gives, with their lines
    moved to where the entry starts now and the file named as in this read.
    Every entry of this read is noted, for the next read to take from.

    The earlier conversions stay pickled until an entry has a signature among
    them: a file replaced by an unrelated one costs the signatures only.
    """

    __slots__ = ("_earlier", "_known", "_now", "_pickled", "reused")

    def __init__(self, known: frozenset[bytes] = frozenset(), pickled: bytes = b"") -> None:
        self._known = known
        self._pickled = pickled
        self._earlier: dict[bytes, Converted] | None = None
        self._now: dict[bytes, Converted] = {}
        self.reused = 0

    def recall(
        self, signature: bytes, line: int, filename: str | None
    ) -> tuple[Record, list[Diagnostic]] | None:
        """The earlier record and diagnostics of an entry starting on ``line`` (each
        taken once), or None: convert it."""
        if signature not in self._known:
            return None
        if self._earlier is None:
            self._earlier = self._unpickle()
        found = self._earlier.pop(signature, None)
        if found is None:
            return None
        self._now[signature] = found
        self.reused += 1
        record, relative = found
        return record, [_placed(diagnostic, line, filename) for diagnostic in relative]

    def _unpickle(self) -> dict[bytes, Converted]:
        earlier = _unpack_records(self._pickled)
        return earlier if isinstance(earlier, dict) else {}  # damaged: convert every entry

    def note(
        self, signature: bytes, record: Record, diagnostics: list[Diagnostic], line: int
    ) -> None:
        """A conversion of this read, of the entry starting on ``line``."""
        self._now[signature] = (record, tuple(_relative(d, line) for d in diagnostics))

    def worth_keeping(self) -> bool:
        """Whether this read's conversions should replace the earlier ones: there
        were none, or too few of this read's entries came from them."""
        return bool(self._now) and self.reused < _STILL_USEFUL * len(self._now)

    def kept(self) -> dict[bytes, Converted]:
        """This read's conversions, by signature."""
        return self._now


def _relative(diagnostic: Diagnostic, line: int) -> Diagnostic:
    d = diagnostic
    at = None if d.line is None else d.line - line
    return Diagnostic(d.severity, d.code, d.message, None, at, d.key, d.field)


def _placed(diagnostic: Diagnostic, line: int, filename: str | None) -> Diagnostic:
    d = diagnostic
    at = None if d.line is None else d.line + line
    return Diagnostic(d.severity, d.code, d.message, filename, at, d.key, d.field)


def recall_converted(key: ReadKey | None) -> ConvertedEntries | None:
    """For the read of a file an earlier command read (edited since, or read a
    second time and about to be kept whole): the conversions kept from its
    entries (none yet is an empty set), to take from and add to.

    The second read of an unchanged text already pays for keeping the whole
    parse; keeping the conversions then too means that the first edit after
    it converts only what the edit changed.  None when there is nothing to
    gain: the cache is off, the text is read for the first time (perhaps the
    only time), or it is no file (stdin: one pipeline's input is no edit of
    another's).
    """
    if key is None or not (key.edited or key.seen) or not key.named_file:
        return None
    kept = _CONVERTED.get(key.slot, slot=key.slot)
    if (
        isinstance(kept, tuple)
        and len(kept) == 2
        and isinstance(kept[0], frozenset)
        and isinstance(kept[1], bytes)
    ):
        return ConvertedEntries(kept[0], kept[1])
    return ConvertedEntries()


def keep_converted(key: ReadKey | None, converted: ConvertedEntries | None) -> None:
    """Keep a read's conversions for the next edit, when they replace too old ones.

    Kept once, they serve edit after edit without being written again (writing
    them costs about a third of a read), until the file has moved too far from
    them.  They are kept pickled on their own, with their signatures beside
    them, so that a read finds out what it can take before loading any.
    """
    if key is not None and converted is not None and converted.worth_keeping():
        now = converted.kept()
        _CONVERTED.put(key.slot, (frozenset(now), pickled(now)), slot=key.slot)


__all__ = [
    "ConvertedEntries",
    "ReadKey",
    "keep_converted",
    "keep_read",
    "recall_converted",
    "recall_read",
]

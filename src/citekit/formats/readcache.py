"""Parsed bibliographies kept between commands: :func:`recall_read` and :func:`keep_read`.

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
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from citekit.base.diskcache import DiskMemo, enabled, source_fingerprint


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


# At most this many files are kept (noted or parsed), the least recently written
# going first: one per bibliography file a user works with, and the temporary
# files a pipeline reads once would otherwise pile up.
_KEPT_FILES = 256
_READS = DiskMemo("parsed-bibliographies", _reading_code, limit=_KEPT_FILES)


def _digest() -> Callable[..., Any]:
    """BLAKE2b, from CPython's ``_blake2`` where it exists (``hashlib`` costs 2.5 ms to import)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python
        from hashlib import blake2b
    return blake2b


class ReadKey:
    """What names one read: its slot (format, input name, options) and whole key (and digest)."""

    __slots__ = ("key", "seen", "slot")

    def __init__(self, text: str, format: str, filename: str | None, sentence_case: bool) -> None:
        # The slot names the file wherever the command runs ("refs.bib" of two
        # projects are two files); the key also holds the name as given, which
        # the diagnostics print.
        where = filename if filename is None or filename.startswith("<") else _absolute(filename)
        self.slot = repr((format, where, sentence_case)).encode("utf-8", "surrogatepass")
        named = repr(filename).encode("utf-8", "surrogatepass")
        digest = _digest()(text.encode("utf-8", "surrogatepass"), digest_size=32).digest()
        self.key = self.slot + b"\0" + named + b"\0" + digest
        self.seen = False  # an earlier run read this very text and noted it


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
    kept = _READS.get(key.key, slot=key.slot)
    if kept is None or isinstance(kept, str):  # nothing kept, or only the note
        key.seen = kept == _SEEN
        return None, key
    return kept, key


def keep_read(key: ReadKey | None, result: object) -> None:
    """Keep the reader's ``result`` for the next run (before anything is added to it).

    The first read of a text only notes it (see :data:`_SEEN`); a text read
    again has its result kept.
    """
    if key is not None:
        _READS.put(key.key, result if key.seen else _SEEN, slot=key.slot)


__all__ = ["ReadKey", "keep_read", "recall_read"]

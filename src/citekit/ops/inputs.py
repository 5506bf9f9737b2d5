"""Reading one bibliography file the way every citekit command reads it.

:func:`citekit.read` gives a library; :func:`load_library` gives what a tool
that also *edits or rewrites* the file needs besides: the decoded text (to
edit a .bib file's text instead of rewriting it), the format it was read as,
the codec it was decoded with (to write it back in the same encoding), and
every diagnostic naming the file.  The command line reads every input here,
so a program calling :func:`load_library` reads a file exactly as
``citekit list``, ``citekit keys`` or ``citekit cite`` would.
"""

from __future__ import annotations

from typing import Any

from citekit.base.files import read_decoded
from citekit.base.valueclass import value_class
from citekit.errors import Diagnostic, Severity, UsageError
from citekit.formats import (
    FormatInfo,
    ReadResult,
    format_for_path,
    get_format,
    guess_format,
    read_remembered,
)
from citekit.model.records import Library


@value_class
class InputFile:
    """One bibliography as read: its text, format, records, problems and encoding.

    ``diagnostics`` holds the decoding problems first, then the reader's,
    all naming the file as :attr:`name` (``<stdin>`` for ``-``).  ``text`` is
    kept for tools that edit the file textually (renaming keys in a .bib),
    and ``encoding`` is the codec it was decoded with (``utf-8``,
    ``utf-8-sig`` with a byte-order mark, ``utf-16``, ``utf-32``, or the one
    named), so that a file rewritten in place keeps its encoding.
    """

    path: str
    name: str
    text: str
    format: FormatInfo
    result: ReadResult
    diagnostics: tuple[Diagnostic, ...]
    encoding: str = "utf-8"

    @property
    def library(self) -> Library:
        """The records read."""
        return self.result.library


def require_format(info: FormatInfo) -> FormatInfo:
    """Fail as a usage error, not a traceback, when a format is registered but not built."""
    try:
        info.load()
    except ModuleNotFoundError as exc:
        if exc.name != info.module:
            raise
        raise UsageError(f"the {info.name} format is not available in this build") from exc
    return info


def no_entries(text: str, info: FormatInfo, result: ReadResult, name: str) -> Diagnostic | None:
    """An error when a read found no entry and said nothing about why.

    An empty file, or text in another format than the one read (CSL-YAML
    taken for BibTeX), would otherwise read as an empty library, silently.
    """
    if len(result.library) or result.errors:
        return None
    if not text.strip():
        message = "the file is empty: no entries"
    else:
        message = (
            f"no entries found in {len(text)} characters read as {info.name}; "
            "if the input is in another format, name it with --from"
        )
    return Diagnostic(Severity.ERROR, "no-entries", message, file=name, line=None)


def _read_binary(path: str, info: FormatInfo, options: dict[str, Any]) -> InputFile:
    """Read a database format (Zotero's), which its module opens by path, not as text."""
    if path == "-":
        raise UsageError(f"the {info.name} format is read from a file, not from stdin")
    result: ReadResult = require_format(info).load().read_path(path, filename=path, **options)
    return InputFile(path, path, "", info, result, tuple(result.diagnostics), "binary")


def load_library(
    path: str,
    format: str | None = None,
    encoding: str | None = None,
    *,
    sentence_case: bool = True,
    options: dict[str, Any] | None = None,
) -> InputFile:
    """Read a bibliography (``-`` for stdin) in a named or guessed format.

    Refuses what is not a regular file (or is too large) with
    :class:`citekit.InputError`, decodes strictly (``encoding`` names the
    codec; by default UTF-8, or UTF-16/32 by byte-order mark; bytes that do
    not decode raise :class:`citekit.EncodingError` naming line and offset),
    guesses the format from the suffix or content, and adds a ``no-entries``
    error diagnostic when nothing was read.  ``sentence_case=False`` keeps
    BibTeX titles as typed; ``options`` go to a database format's reader
    (Zotero's ``collection``) and are refused for text formats.  With the
    disk cache on (:func:`citekit.use_disk_cache`, as the command line has
    it), a file read unchanged before comes back parsed from it
    (:func:`citekit.formats.read_remembered`).

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "refs.json")
    >>> with open(path, "w", encoding="utf-8") as handle:
    ...     _ = handle.write('[{"id": "doe99", "type": "book", "title": "A Title"}]')
    >>> loaded = load_library(path)
    >>> loaded.format.name, loaded.library.keys(), loaded.encoding
    ('csljson', ['doe99'], 'utf-8')
    """
    binary = get_format(format) if format else format_for_path(path)
    if binary is not None and binary.binary:
        return _read_binary(path, binary, options or {})
    if options:
        raise UsageError(f"{', '.join(f'--{o}' for o in options)} applies to Zotero databases only")
    name = "<stdin>" if path == "-" else path
    decoded = read_decoded(path, encoding)
    text = decoded.text
    info = get_format(format) if format else guess_format(path, text)
    # An unchanged file an earlier command read comes back from the disk cache,
    # without the format's reader (which require_format would import).
    result = read_remembered(
        text, info, filename=name, sentence_case=sentence_case, before_reading=require_format
    )
    empty = no_entries(text, info, result, name)
    if empty is not None:
        result.diagnostics.append(empty)
    return InputFile(
        path,
        name,
        text,
        info,
        result,
        (*decoded.diagnostics, *result.diagnostics),
        decoded.encoding,
    )


__all__ = ["InputFile", "load_library", "no_entries", "require_format"]

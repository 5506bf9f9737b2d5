"""The format registry: find a reader/writer by name, alias, suffix or content.

Every format converts to and from the CSL-JSON model (:mod:`citekit.model.records`).
A format is a module exposing ``read(text, *, filename=None) -> ReadResult``
and ``write(library, **options) -> str``; the registry only knows where each
lives, so importing citekit does not import every format.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import field
from pathlib import Path
from types import ModuleType
from typing import Any

from citekit.base.collector import cycle_collection_paused
from citekit.base.files import atomic_write_text, read_text
from citekit.base.valueclass import value_class
from citekit.errors import Diagnostic, ParseError, Severity, UnknownFormatError
from citekit.formats.readcache import keep_converted, keep_read, recall_converted, recall_read
from citekit.model.records import Library


@value_class(frozen=False)
class ReadResult:
    """A library and every diagnostic found while reading it."""

    library: Library
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    """The line each record starts on, by key, where the format knows it."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]


@value_class
class FormatInfo:
    """Where a format lives and how to recognise it."""

    name: str
    module: str
    suffixes: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    sniff: Callable[[str], bool] | None = None
    description: str = ""
    title_case_titles: bool = False
    """Its files hold titles in title case, which its reader converts to CSL's
    sentence case unless asked not to (``sentence_case=False``)."""
    binary: bool = False
    """Its files are not text (a database): the registry hands the module the
    path (``read_path(path, *, filename=None, **options)``) instead of text."""
    converts_by_entry: bool = False
    """Its ``read`` takes ``converted=``
    (:class:`~citekit.formats.readcache.ConvertedEntries`): the conversions an
    earlier read of the same file kept, which unchanged entries take."""

    def read_options(self, *, sentence_case: bool = True) -> dict[str, Any]:
        """The keyword arguments this format's ``read`` takes for the given options."""
        return {"sentence_case": sentence_case} if self.title_case_titles else {}

    def load(self) -> ModuleType:
        """Import the module that implements the format (the cycle collector off meanwhile:
        an import makes no garbage worth a collection)."""
        with cycle_collection_paused():
            return importlib.import_module(self.module)


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("[", "{")


def _looks_like_yaml(text: str) -> bool:
    """CSL-YAML: a ``---`` document (or Markdown front matter), ``references:``
    or a bare list of items; read on stdin, where there is no suffix."""
    for line in text[:4096].splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return stripped == "---" or stripped.startswith(("references:", "- id:", "- type:"))
    return False


def _looks_like_bibtex(text: str) -> bool:
    return "@" in text[:4096] and "{" in text[:4096] and not _looks_like_yaml(text)


FORMATS: dict[str, FormatInfo] = {}


def register(info: FormatInfo) -> None:
    """Make a format known by its name, aliases and suffixes."""
    FORMATS[info.name] = info


def _sniff(module: str, function: str) -> Callable[[str], bool]:
    """A sniff that imports its (lxml-free) table module only when called."""
    return lambda text: bool(getattr(importlib.import_module(module), function)(text))


# The XML formats come first: their sniffs are exact (a root element), while
# BibTeX's ("@" and "{" somewhere) could take an XML file with an e-mail address.
register(
    FormatInfo(
        "endnote",
        "citekit.formats.endnote",
        (),
        aliases=("endnote-xml", "endnotexml", "enl-xml"),
        sniff=_sniff("citekit.formats.endnotemap", "looks_like_endnote"),
        description="EndNote XML (.xml, told by its <xml><records> root)",
    )
)
register(
    FormatInfo(
        "mods",
        "citekit.formats.mods",
        (".mods",),
        aliases=("mods-xml",),
        sniff=_sniff("citekit.formats.modsmap", "looks_like_mods"),
        description="MODS v3 XML (.mods; .xml told by its root)",
    )
)
register(
    FormatInfo(
        "csljson",
        "citekit.formats.csljson",
        (".json",),
        aliases=("csl-json", "json", "csl"),
        sniff=_looks_like_json,
        description="CSL-JSON, citekit's own model",
    )
)
register(
    FormatInfo(
        "biblatex",
        "citekit.formats.bibtex",
        (".bib", ".bibtex", ".biblatex"),
        aliases=("bibtex", "bib"),
        sniff=_looks_like_bibtex,
        description="BibLaTeX / BibTeX",
        title_case_titles=True,
        converts_by_entry=True,
    )
)
register(
    FormatInfo(
        "cslyaml",
        "citekit.formats.cslyaml",
        (".yaml", ".yml"),
        aliases=("csl-yaml", "yaml"),
        sniff=_looks_like_yaml,
        description="CSL-YAML, pandoc's YAML form of CSL-JSON",
    )
)
register(
    FormatInfo(
        "ris",
        "citekit.formats.ris",
        (".ris",),
        sniff=lambda text: text.lstrip()[:6].startswith("TY  -"),
        description="RIS",
    )
)
register(
    FormatInfo(
        "zotero",
        "citekit.formats.zotero",
        (".sqlite",),
        description="Zotero's database (zotero.sqlite), read-only",
        binary=True,
    )
)


def get_format(name: str) -> FormatInfo:
    """Look a format up by name or alias (case-insensitive)."""
    wanted = name.lower()
    for info in FORMATS.values():
        if wanted == info.name or wanted in info.aliases:
            return info
    known = sorted({*FORMATS, *(a for i in FORMATS.values() for a in i.aliases)})
    raise UnknownFormatError(f"unknown format '{name}'; known formats: {', '.join(known)}")


def format_for_path(path: str | Path) -> FormatInfo | None:
    """The format a file suffix stands for, or None."""
    suffix = Path(str(path)).suffix.lower()
    for info in FORMATS.values():
        if suffix in info.suffixes:
            return info
    return None


def guess_format(path: str | Path | None, text: str | None = None) -> FormatInfo:
    """Choose a format from a file suffix, then from the content."""
    if path is not None and str(path) != "-":
        info = format_for_path(path)
        if info is not None:
            return info
    if text is not None:
        for info in FORMATS.values():
            if info.sniff is not None and info.sniff(text):
                return info
    raise UnknownFormatError(
        f"cannot tell the format of {path or 'the input'}; name it with --from/-f"
    )


def read_string(
    text: str,
    format: str | None = None,
    *,
    filename: str | None = None,
    strict: bool = False,
    sentence_case: bool = True,
) -> ReadResult:
    """Parse text in a named (or guessed) format into a library.

    ``sentence_case=False`` keeps BibTeX titles as typed instead of converting
    English title-case titles to sentence case (docs/bibtex-import.md).
    """
    info = get_format(format) if format else guess_format(filename, text)
    result: ReadResult = info.load().read(
        text, filename=filename, **info.read_options(sentence_case=sentence_case)
    )
    if strict:
        raise_on_problems(result, filename)
    return result


def read(
    path: str | Path,
    format: str | None = None,
    *,
    strict: bool = False,
    encoding: str | None = None,
    sentence_case: bool = True,
) -> ReadResult:
    """Read a file (``-`` for stdin) into a library, collecting diagnostics.

    With ``strict`` any warning or error raises :class:`ParseError`.  The
    text is UTF-8 (UTF-16/32 with a byte-order mark) unless ``encoding``
    names another codec; bytes that do not decode raise a ParseError naming
    the line and byte offset.  ``sentence_case=False`` keeps BibTeX titles
    as typed (docs/bibtex-import.md).
    """
    binary = get_format(format) if format else format_for_path(path)
    if binary is not None and binary.binary:  # a database: the format reads the file itself
        loaded: ReadResult = binary.load().read_path(path, filename=str(path))
        if strict:
            raise_on_problems(loaded, str(path))
        return loaded
    text, decoding = read_text(path, encoding)
    filename = "<stdin>" if str(path) == "-" else str(path)
    info = get_format(format) if format else guess_format(path, text)
    result = read_remembered(text, info, filename=filename, sentence_case=sentence_case)
    result.diagnostics[:0] = decoding
    if strict:
        raise_on_problems(result, filename)
    return result


def read_remembered(
    text: str,
    info: FormatInfo,
    *,
    filename: str | None,
    sentence_case: bool = True,
    before_reading: Callable[[FormatInfo], object] | None = None,
) -> ReadResult:
    """The read of a file's ``text`` in format ``info``, or the one an earlier command kept.

    With the disk cache on (the command line turns it on), a text read
    before comes back from it, exactly as read then and without loading the
    format's reader (:mod:`citekit.formats.readcache`); otherwise, and on any
    miss, ``before_reading(info)`` runs (a check that the format's module is
    there) and the format reads it; a file edited since an earlier command
    read it has its unchanged entries' conversions back from that command
    (formats with ``converts_by_entry``).  The result is the reader's own,
    before anything a caller adds to it.
    """
    kept, key = recall_read(text, info.name, filename=filename, sentence_case=sentence_case)
    if isinstance(kept, ReadResult):
        return kept
    if before_reading is not None:
        before_reading(info)
    options = info.read_options(sentence_case=sentence_case)
    converted = recall_converted(key) if info.converts_by_entry else None
    if converted is not None:
        options["converted"] = converted
    result: ReadResult = info.load().read(text, filename=filename, **options)
    keep_read(key, result)
    keep_converted(key, converted)
    return result


def raise_on_problems(result: ReadResult, filename: str | None) -> None:
    """Raise ParseError when a read found any warning or error (``--strict``)."""
    problems = [d for d in result.diagnostics if d.severity is not Severity.INFO]
    if problems:
        raise ParseError(
            f"{len(problems)} problem(s) in {filename or 'the input'}; first: {problems[0]}",
            problems,
        )


def write_string(library: Library, format: str, **options: Any) -> str:
    """Serialise a library in a named format."""
    text: str = get_format(format).load().write(library, **options)
    return text


def write(
    library: Library,
    path: str | Path,
    format: str | None = None,
    *,
    protect: tuple[str | Path, ...] = (),
    **options: Any,
) -> None:
    """Write a library to a file atomically (``-`` for stdout)."""
    if format is None:
        info = format_for_path(path)
        if info is None:
            raise UnknownFormatError(f"cannot tell the format for {path}; name it with --to/-t")
        format = info.name
    atomic_write_text(path, write_string(library, format, **options), protect=protect)


__all__ = [
    "FORMATS",
    "FormatInfo",
    "ReadResult",
    "format_for_path",
    "get_format",
    "guess_format",
    "read",
    "read_remembered",
    "read_string",
    "register",
    "write",
    "write_string",
]

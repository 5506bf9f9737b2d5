"""One exception tree and one diagnostic type for all of citekit.

Problems in *data* (a broken BibTeX entry, a bad date, a dangling crossref)
are not exceptions: readers and checks return them as :class:`Diagnostic`
values that name the file, line and entry, so that one bad record never takes
the rest of a file with it.  Exceptions are for the cases where the caller
asked for something that cannot be done at all, and each carries the exit
code the CLI maps it to::

    CitekitError (exit 1)
    ├── UsageError (exit 2)            the caller asked for something impossible
    │   ├── UnknownFormatError          no reader/writer by that name or suffix
    │   ├── UnknownStyleError           no CSL style by that name (with suggestions)
    │   └── UnknownLocaleError
    ├── DataError (exit 1)              input exists but is unusable
    │   ├── UnknownKeyError(KeyError)   a citation names an id the library lacks
    │   ├── ParseError(ValueError)      e.g. malformed CSL-JSON, strict-mode diagnostics
    │   │   └── CitationSyntaxError      text that should be a citation cluster is not one
    │   └── StyleError                  a CSL style that cannot be loaded
    └── OutputError(OSError) (exit 1)   a file could not be written (a full disk)
        └── OutputPathError (exit 2)    the output named is an input, a directory,
                                         read-only or in no folder: also a UsageError
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class Severity(enum.Enum):
    """How bad a diagnostic is; ``--strict`` promotes warnings to errors."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in input data, located as precisely as we know.

    ``code`` is a short stable identifier (``duplicate-key``, ``bad-date``)
    that tests and ``--format json`` consumers can rely on; ``message`` is
    for people.
    """

    severity: Severity
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    key: str | None = None
    field: str | None = None

    def location(self) -> str:
        """``file:line [key] field`` with whatever parts are known."""
        parts: list[str] = []
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts.append(where)
        if self.key is not None:
            parts.append(f"entry '{self.key}'")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity.value}: {self.message} [{self.code}]"

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "field": self.field,
        }


class CitekitError(Exception):
    """Base of every exception citekit raises on purpose."""

    exit_code: int = 1


class UsageError(CitekitError):
    """The caller asked for something that cannot exist (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, *, suggestions: Sequence[str] = ()) -> None:
        self.suggestions = tuple(suggestions)
        if self.suggestions:
            message = f"{message} (did you mean: {', '.join(self.suggestions)}?)"
        super().__init__(message)


class UnknownFormatError(UsageError):
    """No reader or writer matches a format name, alias or file suffix."""


class UnknownStyleError(UsageError):
    """No CSL style by that name; ``suggestions`` holds the closest names."""


class UnknownLocaleError(UsageError):
    """No CSL locale for that language tag."""


class DataError(CitekitError):
    """Input exists but cannot be used."""


class UnknownKeyError(DataError, KeyError):
    """A citation or command names a record id the library does not hold.

    A data problem (exit 1), not a usage error: the document or the library
    is what needs fixing.  ``suggestions`` holds the closest existing keys.
    """

    def __init__(self, message: str, *, suggestions: Sequence[str] = ()) -> None:
        self.suggestions = tuple(suggestions)
        if self.suggestions:
            message = f"{message} (did you mean: {', '.join(self.suggestions)}?)"
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class ParseError(DataError, ValueError):
    """Input could not be parsed; ``diagnostics`` holds the located problems."""

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


class CitationSyntaxError(ParseError):
    """Text that should be a citation cluster (``[see @key, p. 33]``) is not one.

    A :class:`ParseError`, so still a :class:`ValueError` as it was before
    it joined the tree; raised by :mod:`citekit.formats.citesyntax`.
    """


class StyleError(DataError):
    """A CSL style or locale file exists but cannot be loaded."""


class OutputError(CitekitError, OSError):
    """Writing a result failed."""


class OutputPathError(UsageError, OutputError):
    """The output path cannot take the result as asked (exit code 2, a usage error).

    It names one of the command's inputs (``-o refs.bib`` when reading
    ``refs.bib``), a directory, a read-only file, a folder that is no folder
    or one the user may not write in: the command line must change, not the
    data, and scripts tell it from a problem in the data by the exit code.
    Still an :class:`OutputError` for code that catches every failed write.
    """


__all__ = [
    "CitationSyntaxError",
    "CitekitError",
    "DataError",
    "Diagnostic",
    "OutputError",
    "OutputPathError",
    "ParseError",
    "Severity",
    "StyleError",
    "UnknownFormatError",
    "UnknownKeyError",
    "UnknownLocaleError",
    "UnknownStyleError",
    "UsageError",
]

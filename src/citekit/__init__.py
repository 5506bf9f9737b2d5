"""citekit: bibliographic records, quotations and citations.

The public API is what ``__all__`` lists; everything else is internal and may
change.  A taste::

    >>> import citekit
    >>> lib = citekit.Library([citekit.Record("raimondo2017", "post-weblog",
    ...                                       title="Trump Should Meet With Kim Jong-un")])
    >>> lib["raimondo2017"]["title"]
    'Trump Should Meet With Kim Jong-un'
"""

from __future__ import annotations

__version__ = "0.1.0"

from citekit.errors import (
    CitekitError,
    DataError,
    Diagnostic,
    OutputError,
    ParseError,
    Severity,
    StyleError,
    UnknownFormatError,
    UnknownKeyError,
    UnknownLocaleError,
    UnknownStyleError,
    UsageError,
)
from citekit.formats import ReadResult, read, read_string, write, write_string
from citekit.model import Date, Library, Name, Record, parse_edtf

__all__ = [
    "CitekitError",
    "DataError",
    "Date",
    "Diagnostic",
    "Library",
    "Name",
    "OutputError",
    "ParseError",
    "ReadResult",
    "Record",
    "Severity",
    "StyleError",
    "UnknownFormatError",
    "UnknownKeyError",
    "UnknownLocaleError",
    "UnknownStyleError",
    "UsageError",
    "__version__",
    "parse_edtf",
    "read",
    "read_string",
    "write",
    "write_string",
]

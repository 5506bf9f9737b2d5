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

from citekit.course import ReadingList, build_reader, load_reading_list, write_reader
from citekit.document import render_document, render_document_file
from citekit.editor import CitationDocument, RenderedCluster, Update
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
from citekit.ops.check import check
from citekit.quotes import Quotation, Verification, check_quotations, quotations, verify
from citekit.render import (
    BibEntry,
    Bibliography,
    Citation,
    CiteItem,
    Cluster,
    Problem,
    Result,
    bibliography,
    cite,
    render,
)
from citekit.sources import FetchResult, Identifier, fetch_records, parse_identifier
from citekit.sources.resolve import Resolver, resolve_identifiers
from citekit.styles import Style, find_style, list_styles

__all__ = [
    "BibEntry",
    "Bibliography",
    "Citation",
    "CitationDocument",
    "CiteItem",
    "CitekitError",
    "Cluster",
    "DataError",
    "Date",
    "Diagnostic",
    "FetchResult",
    "Identifier",
    "Library",
    "Name",
    "OutputError",
    "ParseError",
    "Problem",
    "Quotation",
    "ReadResult",
    "ReadingList",
    "Record",
    "RenderedCluster",
    "Resolver",
    "Result",
    "Severity",
    "Style",
    "StyleError",
    "UnknownFormatError",
    "UnknownKeyError",
    "UnknownLocaleError",
    "UnknownStyleError",
    "Update",
    "UsageError",
    "Verification",
    "__version__",
    "bibliography",
    "build_reader",
    "check",
    "check_quotations",
    "cite",
    "fetch_records",
    "find_style",
    "list_styles",
    "load_reading_list",
    "parse_edtf",
    "parse_identifier",
    "quotations",
    "read",
    "read_string",
    "render",
    "render_document",
    "render_document_file",
    "resolve_identifiers",
    "verify",
    "write",
    "write_reader",
    "write_string",
]

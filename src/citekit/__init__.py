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

import importlib
import sys
import types

from citekit.base import VERSION as __version__

# ``typing`` costs more to import than the rest of this module: type checkers treat a
# name ``TYPE_CHECKING`` as true wherever it comes from.
TYPE_CHECKING = False
if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ loads each on first use
    from citekit.course import ReadingList, build_reader, load_reading_list, write_reader
    from citekit.documents.editor import CitationDocument, RenderedCluster, Update
    from citekit.documents.rendering import render_document, render_document_file
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
    from citekit.model.records import Date, Library, Name, Record, parse_edtf
    from citekit.ops.check import check
    from citekit.ops.quotations import Quotation, Verification, check_quotations, quotations, verify
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
    from citekit.styles.catalog import Style, find_style, list_styles

#: Where each public name lives. ``import citekit`` loads none of these modules:
#: the first use of a name imports its module (PEP 562), so the command line
#: and ``citekit.read`` do not pay for the course builder (python-docx), the
#: document renderer (markdown-it), the identifier sources (httpx) or the
#: quoted-in layer unless they use them.
_LAZY_MODULES: dict[str, tuple[str, ...]] = {
    "citekit.course": ("ReadingList", "build_reader", "load_reading_list", "write_reader"),
    "citekit.documents.rendering": ("render_document", "render_document_file"),
    "citekit.documents.editor": ("CitationDocument", "RenderedCluster", "Update"),
    "citekit.errors": (
        "CitekitError",
        "DataError",
        "Diagnostic",
        "OutputError",
        "ParseError",
        "Severity",
        "StyleError",
        "UnknownFormatError",
        "UnknownKeyError",
        "UnknownLocaleError",
        "UnknownStyleError",
        "UsageError",
    ),
    "citekit.formats": ("ReadResult", "read", "read_string", "write", "write_string"),
    "citekit.model.records": ("Date", "Library", "Name", "Record", "parse_edtf"),
    "citekit.ops.check": ("check",),
    "citekit.ops.quotations": (
        "Quotation",
        "Verification",
        "check_quotations",
        "quotations",
        "verify",
    ),
    "citekit.render": (
        "BibEntry",
        "Bibliography",
        "Citation",
        "CiteItem",
        "Cluster",
        "Problem",
        "Result",
        "bibliography",
        "cite",
        "render",
    ),
    "citekit.sources": ("FetchResult", "Identifier", "fetch_records", "parse_identifier"),
    "citekit.sources.resolve": ("Resolver", "resolve_identifiers"),
    "citekit.styles.catalog": ("Style", "find_style", "list_styles"),
}
_LAZY: dict[str, str] = {name: module for module, names in _LAZY_MODULES.items() for name in names}


def __getattr__(name: str) -> object:
    """Import the module behind a public name the first time it is used; keep the value."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'citekit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """The ``citekit`` module, keeping public names that share a submodule's name.

    Importing a submodule binds it on its package, so the first import of
    ``citekit.render.…`` would make ``citekit.render`` the subpackage instead
    of the public :func:`render` function; this keeps the function.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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

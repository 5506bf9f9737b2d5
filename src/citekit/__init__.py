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

import gc
import importlib
import sys
import types

from citekit.base import VERSION as __version__

# ``typing`` costs more to import than the rest of this module: type checkers treat a
# name ``TYPE_CHECKING`` as true wherever it comes from.
TYPE_CHECKING = False
if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ loads each on first use
    from citekit.base.diskcache import use_disk_cache
    from citekit.base.files import (
        MAX_INPUT_BYTES,
        DecodedText,
        EncodingError,
        InputError,
        atomic_write_bytes,
        atomic_write_text,
        read_decoded,
    )
    from citekit.course import ReadingList, build_reader, load_reading_list, write_reader
    from citekit.course.preview import Preview, PreviewServer
    from citekit.course.write import OUTPUT_KINDS, kind_for_path
    from citekit.documents.editor import CitationDocument, RenderedCluster, Update
    from citekit.documents.extract import CitedKey, ExtractResult, cited_keys, extract_citations
    from citekit.documents.frontmatter import (
        FrontMatterError,
        read_front_matter,
        resolve_paths,
        resolve_style,
    )
    from citekit.documents.pandoc_filter import FilterResult, filter_json, parse_metadata_option
    from citekit.documents.rendering import (
        DOCUMENT_DEFAULT_STYLE,
        DOCUMENT_FORMATS,
        positioned_authors,
        render_document,
        render_document_file,
    )
    from citekit.documents.scan import DocumentSyntaxError
    from citekit.errors import (
        CitationSyntaxError,
        CitekitError,
        DataError,
        Diagnostic,
        OutputError,
        OutputPathError,
        ParseError,
        Severity,
        StyleError,
        UnknownFormatError,
        UnknownKeyError,
        UnknownLocaleError,
        UnknownStyleError,
        UsageError,
    )
    from citekit.formats import (
        FormatInfo,
        ReadResult,
        format_for_path,
        get_format,
        guess_format,
        read,
        read_string,
        write,
        write_string,
    )
    from citekit.formats.bibtex.edits import SourceEditError
    from citekit.formats.loss import LossReport, loss_report
    from citekit.model.records import Date, Library, Name, Record, parse_edtf
    from citekit.ops.append import (
        IdentityIndex,
        append_bibtex,
        append_json,
        bibtex_entry,
        check_appended,
        keys_for_new_records,
        merge_into_bibtex,
        merge_into_json,
        record_identity,
        with_key,
    )
    from citekit.ops.check import check, check_file, severity_counts
    from citekit.ops.citations import parse_cluster, parse_in_text
    from citekit.ops.dedupe import DuplicateGroup, MergePolicy, find_duplicates, merge_in_source
    from citekit.ops.inputs import InputFile, load_library, require_format
    from citekit.ops.keys import KeyPattern, generate_keys, rename_in_source, rename_keys
    from citekit.ops.listing import describe_record, list_records
    from citekit.ops.merge import (
        DEFAULT_KEY_PATTERN,
        DUPLICATE_RULES,
        LibraryMerger,
        conflicts_as_bibtex_field,
        merge_duplicates,
        merge_libraries,
    )
    from citekit.ops.query import Summary, closest_keys, filter_records, find_record, summarize
    from citekit.ops.quotations import (
        Quotation,
        Verification,
        check_quotations,
        format_word_diff,
        quotations,
        verify,
    )
    from citekit.ops.tidy import SortOrder, TidyResult, tidy
    from citekit.render import (
        DEFAULT_ENGINE,
        ENGINES,
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
        serialise,
        unknown_keys,
    )
    from citekit.render.api import finish_standalone_citations, in_text_authors, normalise_keys
    from citekit.render.intext import author_in_text_applies, suppress_in_text_author
    from citekit.render.output import format_bibliography, format_citations
    from citekit.render.richtext import Rich, Span, Text
    from citekit.sources import FetchResult, Identifier, fetch_records, parse_identifier
    from citekit.sources.http import Cache, HttpClient, Services
    from citekit.sources.resolve import Resolution, Resolver, is_identifier_key, resolve_identifiers
    from citekit.styles.catalog import (
        DEFAULT_LOCALE,
        DEFAULT_STYLE,
        Style,
        available_locales,
        check_locale,
        find_style,
        list_styles,
    )

#: Where each public name lives. ``import citekit`` loads none of these modules:
#: the first use of a name imports its module (PEP 562), so the command line
#: and ``citekit.read`` do not pay for the course builder (python-docx), the
#: document renderer (markdown-it), the identifier sources (httpx) or the
#: quoted-in layer unless they use them.
_LAZY_MODULES: dict[str, tuple[str, ...]] = {
    "citekit.base.diskcache": ("use_disk_cache",),
    "citekit.base.files": (
        "DecodedText",
        "EncodingError",
        "InputError",
        "MAX_INPUT_BYTES",
        "atomic_write_bytes",
        "atomic_write_text",
        "read_decoded",
    ),
    "citekit.course": ("ReadingList", "build_reader", "load_reading_list", "write_reader"),
    "citekit.course.preview": ("Preview", "PreviewServer"),
    "citekit.course.write": ("OUTPUT_KINDS", "kind_for_path"),
    "citekit.documents.editor": ("CitationDocument", "RenderedCluster", "Update"),
    "citekit.documents.frontmatter": (
        "FrontMatterError",
        "read_front_matter",
        "resolve_paths",
        "resolve_style",
    ),
    "citekit.documents.pandoc_filter": ("FilterResult", "filter_json", "parse_metadata_option"),
    "citekit.documents.rendering": (
        "DOCUMENT_DEFAULT_STYLE",
        "DOCUMENT_FORMATS",
        "positioned_authors",
        "render_document",
        "render_document_file",
    ),
    "citekit.documents.extract": ("CitedKey", "ExtractResult", "cited_keys", "extract_citations"),
    "citekit.documents.scan": ("DocumentSyntaxError",),
    "citekit.errors": (
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
    ),
    "citekit.formats": (
        "FormatInfo",
        "ReadResult",
        "format_for_path",
        "get_format",
        "guess_format",
        "read",
        "read_string",
        "write",
        "write_string",
    ),
    "citekit.formats.bibtex.edits": ("SourceEditError",),
    "citekit.formats.loss": ("LossReport", "loss_report"),
    "citekit.model.records": ("Date", "Library", "Name", "Record", "parse_edtf"),
    "citekit.ops.append": (
        "IdentityIndex",
        "append_bibtex",
        "append_json",
        "bibtex_entry",
        "check_appended",
        "keys_for_new_records",
        "merge_into_bibtex",
        "merge_into_json",
        "record_identity",
        "with_key",
    ),
    "citekit.ops.check": ("check", "check_file", "severity_counts"),
    "citekit.ops.citations": ("parse_cluster", "parse_in_text"),
    "citekit.ops.dedupe": ("DuplicateGroup", "MergePolicy", "find_duplicates", "merge_in_source"),
    "citekit.ops.inputs": ("InputFile", "load_library", "require_format"),
    "citekit.ops.keys": ("KeyPattern", "generate_keys", "rename_in_source", "rename_keys"),
    "citekit.ops.listing": ("describe_record", "list_records"),
    "citekit.ops.merge": (
        "DEFAULT_KEY_PATTERN",
        "DUPLICATE_RULES",
        "LibraryMerger",
        "conflicts_as_bibtex_field",
        "merge_duplicates",
        "merge_libraries",
    ),
    "citekit.ops.query": ("Summary", "closest_keys", "filter_records", "find_record", "summarize"),
    "citekit.ops.quotations": (
        "Quotation",
        "Verification",
        "check_quotations",
        "format_word_diff",
        "quotations",
        "verify",
    ),
    "citekit.ops.tidy": ("SortOrder", "TidyResult", "tidy"),
    "citekit.render": (
        "BibEntry",
        "Bibliography",
        "Citation",
        "CiteItem",
        "Cluster",
        "DEFAULT_ENGINE",
        "ENGINES",
        "Problem",
        "Result",
        "bibliography",
        "cite",
        "render",
        "serialise",
        "unknown_keys",
    ),
    "citekit.render.api": ("finish_standalone_citations", "in_text_authors", "normalise_keys"),
    "citekit.render.intext": ("author_in_text_applies", "suppress_in_text_author"),
    "citekit.render.output": ("format_bibliography", "format_citations"),
    "citekit.render.richtext": ("Rich", "Span", "Text"),
    "citekit.sources": ("FetchResult", "Identifier", "fetch_records", "parse_identifier"),
    "citekit.sources.http": ("Cache", "HttpClient", "Services"),
    "citekit.sources.resolve": (
        "Resolution",
        "Resolver",
        "is_identifier_key",
        "resolve_identifiers",
    ),
    "citekit.styles.catalog": (
        "DEFAULT_LOCALE",
        "DEFAULT_STYLE",
        "Style",
        "available_locales",
        "check_locale",
        "find_style",
        "list_styles",
    ),
}
_LAZY: dict[str, str] = {name: module for module, names in _LAZY_MODULES.items() for name in names}


def __getattr__(name: str) -> object:
    """Import the module behind a public name the first time it is used; keep the value."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'citekit' has no attribute {name!r}")
    collecting = gc.isenabled()
    gc.disable()  # an import makes no garbage worth a collection; see citekit.cli
    try:
        module = importlib.import_module(module_name)
    finally:
        if collecting:
            gc.enable()
    value = getattr(module, name)
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
    "DEFAULT_ENGINE",
    "DEFAULT_KEY_PATTERN",
    "DEFAULT_LOCALE",
    "DEFAULT_STYLE",
    "DOCUMENT_DEFAULT_STYLE",
    "DOCUMENT_FORMATS",
    "DUPLICATE_RULES",
    "ENGINES",
    "MAX_INPUT_BYTES",
    "OUTPUT_KINDS",
    "BibEntry",
    "Bibliography",
    "Cache",
    "Citation",
    "CitationDocument",
    "CitationSyntaxError",
    "CiteItem",
    "CitedKey",
    "CitekitError",
    "Cluster",
    "DataError",
    "Date",
    "DecodedText",
    "Diagnostic",
    "DocumentSyntaxError",
    "DuplicateGroup",
    "EncodingError",
    "ExtractResult",
    "FetchResult",
    "FilterResult",
    "FormatInfo",
    "FrontMatterError",
    "HttpClient",
    "Identifier",
    "IdentityIndex",
    "InputError",
    "InputFile",
    "KeyPattern",
    "Library",
    "LibraryMerger",
    "LossReport",
    "MergePolicy",
    "Name",
    "OutputError",
    "OutputPathError",
    "ParseError",
    "Preview",
    "PreviewServer",
    "Problem",
    "Quotation",
    "ReadResult",
    "ReadingList",
    "Record",
    "RenderedCluster",
    "Resolution",
    "Resolver",
    "Result",
    "Rich",
    "Services",
    "Severity",
    "SortOrder",
    "SourceEditError",
    "Span",
    "Style",
    "StyleError",
    "Summary",
    "Text",
    "TidyResult",
    "UnknownFormatError",
    "UnknownKeyError",
    "UnknownLocaleError",
    "UnknownStyleError",
    "Update",
    "UsageError",
    "Verification",
    "__version__",
    "append_bibtex",
    "append_json",
    "atomic_write_bytes",
    "atomic_write_text",
    "author_in_text_applies",
    "available_locales",
    "bibliography",
    "bibtex_entry",
    "build_reader",
    "check",
    "check_appended",
    "check_file",
    "check_locale",
    "check_quotations",
    "cite",
    "cited_keys",
    "closest_keys",
    "conflicts_as_bibtex_field",
    "describe_record",
    "extract_citations",
    "fetch_records",
    "filter_json",
    "filter_records",
    "find_duplicates",
    "find_record",
    "find_style",
    "finish_standalone_citations",
    "format_bibliography",
    "format_citations",
    "format_for_path",
    "format_word_diff",
    "generate_keys",
    "get_format",
    "guess_format",
    "in_text_authors",
    "is_identifier_key",
    "keys_for_new_records",
    "kind_for_path",
    "list_records",
    "list_styles",
    "load_library",
    "load_reading_list",
    "loss_report",
    "merge_duplicates",
    "merge_in_source",
    "merge_into_bibtex",
    "merge_into_json",
    "merge_libraries",
    "normalise_keys",
    "parse_cluster",
    "parse_edtf",
    "parse_identifier",
    "parse_in_text",
    "parse_metadata_option",
    "positioned_authors",
    "quotations",
    "read",
    "read_decoded",
    "read_front_matter",
    "read_string",
    "record_identity",
    "rename_in_source",
    "rename_keys",
    "render",
    "render_document",
    "render_document_file",
    "require_format",
    "resolve_identifiers",
    "resolve_paths",
    "resolve_style",
    "serialise",
    "severity_counts",
    "summarize",
    "suppress_in_text_author",
    "tidy",
    "unknown_keys",
    "use_disk_cache",
    "verify",
    "with_key",
    "write",
    "write_reader",
    "write_string",
]

"""The public API: what ``citekit.__all__`` promises exists, is documented and runs."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import citekit
from citekit.cli import main

#: The modules issue 14 added so that every CLI command is one public call.
NEW_OPS_MODULES = (
    "citekit.ops.append",
    "citekit.ops.citations",
    "citekit.ops.inputs",
    "citekit.ops.listing",
    "citekit.ops.merge",
)

#: ``citekit.__all__``, pinned: a name added or dropped is a decision, made here too.
PUBLIC_API = frozenset(
    {
        "BibEntry",
        "Bibliography",
        "Cache",
        "Citation",
        "CitedKey",
        "CitationDocument",
        "CitationSyntaxError",
        "CiteItem",
        "CitekitError",
        "Cluster",
        "DEFAULT_ENGINE",
        "DEFAULT_KEY_PATTERN",
        "DEFAULT_LOCALE",
        "DEFAULT_STYLE",
        "DOCUMENT_DEFAULT_STYLE",
        "DOCUMENT_FORMATS",
        "DUPLICATE_RULES",
        "DataError",
        "Date",
        "DecodedText",
        "Diagnostic",
        "DocumentSyntaxError",
        "DuplicateGroup",
        "ENGINES",
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
        "MAX_INPUT_BYTES",
        "MergePolicy",
        "Name",
        "OUTPUT_KINDS",
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
        "check_file",
        "check_appended",
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
    }
)


def test_all_is_the_pinned_public_api() -> None:
    assert set(citekit.__all__) == PUBLIC_API


@pytest.mark.parametrize("module", NEW_OPS_MODULES)
def test_the_new_library_functions_show_an_example_that_runs(module: str) -> None:
    loaded = importlib.import_module(module)
    public = [getattr(loaded, name) for name in loaded.__all__]
    functions = [obj for obj in public if inspect.isfunction(obj) or inspect.isclass(obj)]
    with_example = [obj for obj in functions if ">>>" in (inspect.getdoc(obj) or "")]
    assert with_example, f"{module}: no public function shows an example"
    outcome = doctest.testmod(loaded, optionflags=doctest.ELLIPSIS)
    assert outcome.attempted >= len(with_example)
    assert outcome.failed == 0


def test_every_command_is_one_public_call_away() -> None:
    # what the CLI needs for dedupe, keys, format, list, show, cite and add
    for name in (
        "load_library",
        "check_file",
        "merge_libraries",
        "find_duplicates",
        "merge_duplicates",
        "generate_keys",
        "rename_keys",
        "rename_in_source",
        "tidy",
        "filter_records",
        "find_record",
        "list_records",
        "describe_record",
        "parse_cluster",
        "parse_in_text",
        "closest_keys",
        "in_text_authors",
        "keys_for_new_records",
        "append_bibtex",
    ):
        assert name in citekit.__all__, name
        assert callable(getattr(citekit, name)), name


def test_all_names_exist_and_are_importable() -> None:
    assert citekit.__all__, "citekit.__all__ is empty"
    assert len(set(citekit.__all__)) == len(citekit.__all__)
    namespace: dict[str, object] = {}
    exec("from citekit import *", namespace)
    for name in citekit.__all__:
        assert hasattr(citekit, name), name
        assert namespace[name] is getattr(citekit, name)


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in citekit.__all__
        if inspect.isclass(getattr(citekit, n)) or inspect.isfunction(getattr(citekit, n))
    ],
)
def test_public_functions_and_classes_have_docstrings(name: str) -> None:
    obj = getattr(citekit, name)
    doc = inspect.getdoc(obj)
    assert doc and doc.strip(), f"citekit.{name} has no docstring"
    if inspect.isclass(obj):
        # a class's docstring must be its own, not inherited from a base
        assert obj.__doc__ and obj.__doc__.strip(), f"citekit.{name} inherits its docstring"


@pytest.mark.parametrize(
    "module",
    [
        "citekit.model.records",
        "citekit.errors",
        "citekit.formats",
        "citekit.formats.csljson",
        "citekit.ops.check",
        "citekit.ops.query",
        *NEW_OPS_MODULES,
    ],
)
def test_module_all_lists_existing_names(module: str) -> None:
    loaded = importlib.import_module(module)
    assert loaded.__doc__, f"{module} has no module docstring"
    for name in getattr(loaded, "__all__", ()):
        assert hasattr(loaded, name), f"{module}.__all__ lists missing {name}"


@pytest.mark.parametrize(
    "module",
    ["citekit.formats.csljson", "citekit.ops.check", "citekit.ops.query", *NEW_OPS_MODULES],
)
def test_module_public_callables_have_docstrings(module: str) -> None:
    loaded = importlib.import_module(module)
    undocumented = [
        name
        for name in loaded.__all__
        if (inspect.isfunction(getattr(loaded, name)) or inspect.isclass(getattr(loaded, name)))
        and not inspect.getdoc(getattr(loaded, name))
    ]
    assert undocumented == []


def test_version_is_a_string() -> None:
    assert isinstance(citekit.__version__, str) and citekit.__version__


def test_python_m_citekit_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "citekit", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    assert "Example" in result.stdout
    for name in main.commands:
        assert name in result.stdout


def test_core_commands_are_registered() -> None:
    assert {"convert", "check", "list", "show"} <= set(main.commands)


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_help_has_an_example(name: str) -> None:
    command = main.commands[name]
    # The group's context as click makes it (its context_settings, "-h" among them):
    # a bare one leaves click's cached help options with other names for later tests.
    parent = click.Context(main, info_name="citekit", **main.context_settings)
    with click.Context(command, info_name=name, parent=parent) as ctx:
        help_text = command.get_help(ctx)
    assert "Example" in help_text, f"'citekit {name} --help' has no Example"
    if isinstance(command, click.Group):
        for sub_name, sub in command.commands.items():
            with click.Context(sub, info_name=sub_name, parent=ctx) as sub_ctx:
                assert "Example" in sub.get_help(sub_ctx), f"'citekit {name} {sub_name}'"


def test_the_writing_tool_api_is_public() -> None:
    for name in ("Bibliography", "Citation", "Problem", "CitationDocument"):
        assert name in citekit.__all__, name
    assert {f.name for f in dataclasses.fields(citekit.Problem)} == {
        "code",
        "message",
        "key",
        "suggestions",
    }


def test_citekit_bib_still_lists_the_whole_library(repo_root: Path) -> None:
    # render() now lists only the cited works when citations are given; with
    # none (citekit bib), every record as before, as nocite="*" does.
    bib_file = str(repo_root / "references.bib")
    result = CliRunner().invoke(main, ["bib", bib_file, "--style", "apa", "--format", "json"])
    assert result.exit_code == 0, result.output
    ids = [entry["id"] for entry in json.loads(result.stdout)["bibliography"]]
    library = citekit.read(bib_file).library
    everything = citekit.render(library, "apa", citations=["@raimondo2000enemy"], nocite="*")
    assert len(ids) > 1 and ids == everything.bibliography_ids
    assert citekit.render(library, "apa", citations=["@raimondo2000enemy"]).bibliography_ids == [
        "raimondo2000enemy"
    ]


def test_citekit_bib_takes_keys_with_the_at_sign(repo_root: Path) -> None:
    # was: the right entry printed, plus "warning: unknown key '@raimondo2000enemy'" and exit 1
    result = CliRunner().invoke(
        main, ["bib", str(repo_root / "references.bib"), "@raimondo2000enemy", "--style", "apa"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Raimondo, J. (2000). An enemy of the state")
    assert "unknown key" not in result.output

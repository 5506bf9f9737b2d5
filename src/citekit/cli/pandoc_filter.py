"""``citekit pandoc-filter`` and the ``citekit-pandoc`` program pandoc runs with ``--filter``.

Both read pandoc's JSON AST on stdin and write it back on stdout with the
citations formatted (:mod:`citekit.documents.pandoc_filter`).  They differ in
one thing, the exit code on problems in the data (an unknown key, a broken
entry): ``citekit pandoc-filter`` follows docs/exit-codes.md and exits 1 once
the document is written, while ``citekit-pandoc`` exits 0, since pandoc
abandons the whole conversion when a filter fails.  Both say every problem
on stderr, where pandoc shows it.
"""

from __future__ import annotations

import sys

import click

from citekit import (
    MAX_INPUT_BYTES,
    FilterResult,
    filter_json,
    parse_metadata_option,
    use_disk_cache,
)
from citekit.cli._common import handle_errors, jobs_option, note_problems
from citekit.cli._exit import run_then_exit_quickly
from citekit.errors import CitekitError, UsageError


def _read_stdin() -> str:
    data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(f"stdin is larger than {MAX_INPUT_BYTES} bytes")
    return data.decode("utf-8")


def _run(metadata: tuple[str, ...], jobs: int) -> FilterResult:
    text, result = filter_json(_read_stdin(), metadata=parse_metadata_option(metadata), jobs=jobs)
    sys.stdout.write(text)
    sys.stdout.flush()
    for warning in result.warnings:
        click.echo(f"citekit-pandoc: {warning}", err=True)
    return result


@click.command("pandoc-filter")
@click.argument("output_format", required=False, metavar="[FORMAT]")
@click.option(
    "-M",
    "--metadata",
    "metadata",
    multiple=True,
    metavar="KEY=VALUE",
    help="Set a metadata value over the document's (as pandoc's -M); repeatable.",
)
@jobs_option
@handle_errors
def pandoc_filter(output_format: str | None, metadata: tuple[str, ...], jobs: int) -> None:
    """Format a pandoc JSON document's citations: the AST on stdin, the AST on stdout.

    pandoc passes the output format as FORMAT; it changes nothing here
    (pandoc's writers turn the footnotes, emphasis and links into each
    format).  The metadata keys are pandoc's: bibliography, references,
    csl, lang, nocite, link-citations, reference-section-title,
    suppress-bibliography; docs/pandoc-filter.md has the details.  A
    bibliography of thousands of entries (nocite: '@*' over a large library)
    is formatted in several processes, as citekit bib does (--jobs;
    citekit-pandoc uses every idle CPU).

    \b
    Example:
      pandoc paper.md -t json | citekit pandoc-filter html | pandoc -f json -o paper.html
      pandoc paper.md --filter citekit-pandoc -o paper.docx
    """
    del output_format  # the writers, not the filter, depend on it
    result = _run(metadata, jobs)
    note_problems(result.problems)


def run() -> None:
    """The ``citekit-pandoc`` program: what ``pandoc --filter citekit-pandoc`` runs.

    Exits 0 when the document was written, whatever warnings were printed
    (pandoc stops the conversion on any other code), 1 when it could not be
    (input that is no pandoc JSON, a missing bibliography file), 2 for an
    unknown style or locale.
    """
    # Styles and bibliography files kept between runs, as for the citekit command
    # (pandoc runs the filter on every build, mostly with unchanged files).
    use_disk_cache()
    run_then_exit_quickly(_filter_once)


def _filter_once() -> None:
    """:func:`run`'s work, its errors turned into messages and exit codes."""
    try:
        _run((), jobs=0)  # as the command's default: every idle CPU, for thousands of entries
    except CitekitError as exc:
        click.echo(f"citekit-pandoc: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"citekit-pandoc: error: {exc}", err=True)
        sys.exit(2)


COMMANDS = [pandoc_filter]

__all__ = ["COMMANDS", "pandoc_filter", "run"]

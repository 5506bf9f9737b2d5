"""``citekit list`` and ``citekit show``: look inside a bibliography."""

from __future__ import annotations

import json
from typing import Any

import click

from citekit.cli._common import (
    echo_diagnostics,
    echo_json,
    encoding_option,
    format_option,
    from_option,
    handle_errors,
    note_problems,
    read_input,
    require_format,
    sentence_case_option,
)
from citekit.errors import Severity
from citekit.formats import get_format
from citekit.formats import write_string as format_write
from citekit.model.records import Date, Library, Name, Record
from citekit.ops.query import filter_records, find_record, summarize


def _listing_lines(records: list[Record]) -> list[str]:
    rows = [summarize(record) for record in records]
    key_width = max((len(row.key) for row in rows), default=0)
    type_width = max((len(row.type) for row in rows), default=0)
    author_width = min(max((len(row.author) for row in rows), default=0), 24)
    lines = []
    for row in rows:
        year = str(row.year) if row.year is not None else "n.d."
        author = row.author if len(row.author) <= 24 else row.author[:23] + "…"
        lines.append(
            f"{row.key:<{key_width}}  {row.type:<{type_width}}  "
            f"{author:<{author_width}}  {year:>4}  {row.title}".rstrip()
        )
    return lines


@click.command("list")
@click.argument("file", type=click.Path(allow_dash=True))
@from_option
@encoding_option
@click.option("--type", "type_", metavar="TYPE", help="Only this CSL type (book, chapter, ...).")
@click.option("--author", metavar="TEXT", help="Only works with a matching author or editor.")
@click.option("--year", metavar="YEAR", help="A year or a range: 2001, 2000-2010, 2000-, -2010.")
@click.option("--search", metavar="TEXT", help="Only entries with TEXT in any field.")
@format_option
@sentence_case_option
@handle_errors
def list_command(
    file: str,
    from_: str | None,
    encoding: str | None,
    type_: str | None,
    author: str | None,
    year: str | None,
    search: str | None,
    output_format: str,
    sentence_case: bool,
) -> None:
    """List the entries of a bibliography, optionally filtered.

    Text output has one line per entry: key, type, first author, year and
    title. With --format json the matching entries are printed as CSL-JSON.
    Matching ignores case and accents.  When no entry matches, "no entries
    match" goes to stderr and the exit code is 1 (as grep does); entries
    that cannot be read are reported and also make it 1.

    \b
    Example:
      citekit list references.bib --author darwin --year 1850-1880
      citekit list refs.json --type book --search evolution --format json
    """
    source = read_input(file, from_, encoding, sentence_case=sentence_case)
    echo_diagnostics(d for d in source.diagnostics if d.severity is not Severity.INFO)
    records = filter_records(source.library, type=type_, author=author, year=year, search=search)
    if output_format == "json":
        echo_json([record.to_json() for record in records])
    else:
        for line in _listing_lines(records):
            click.echo(line)
    if not records and len(source.library):  # an empty file has said so already
        click.echo(f"no entries match (of {len(source.library)} in {source.name})", err=True)
        note_problems()


def _show_value(value: Any) -> str:
    if isinstance(value, list) and value and all(isinstance(v, Name) for v in value):
        return "; ".join(name.display() for name in value)
    if isinstance(value, Date):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def describe(record: Record) -> list[str]:
    """A record as ``variable: value`` lines for people."""
    lines = [f"key: {record.key}", f"type: {record.type}"]
    lines.extend(f"{variable}: {_show_value(value)}" for variable, value in record.fields.items())
    return lines


@click.command("show")
@click.argument("file", type=click.Path(allow_dash=True))
@click.argument("key")
@from_option
@encoding_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "bibtex"]),
    default="text",
    show_default=True,
    help="Fields for people (text), CSL-JSON (json) or a BibLaTeX entry (bibtex).",
)
@sentence_case_option
@handle_errors
def show_command(
    file: str,
    key: str,
    from_: str | None,
    encoding: str | None,
    output_format: str,
    sentence_case: bool,
) -> None:
    """Show one entry of a bibliography by its key (case-sensitive).

    An unknown key is a problem in the data, as in `citekit cite`: exit 1,
    with the closest keys suggested.  Entries of FILE that cannot be read
    are reported and make the exit code 1 too; a missing FILE or a bad
    option exits 2 (docs/exit-codes.md).

    \b
    Example:
      citekit show references.bib darwin1859
      citekit show refs.json darwin1859 --format bibtex
    """
    source = read_input(file, from_, encoding, sentence_case=sentence_case)
    echo_diagnostics(
        d
        for d in source.diagnostics  # every broken entry, this one's warnings
        if d.severity is Severity.ERROR or (d.severity is Severity.WARNING and d.key in (key, None))
    )
    record = find_record(source.library, key)
    if output_format == "json":
        echo_json(record.to_json())
    elif output_format == "bibtex":
        info = require_format(get_format("biblatex"))
        click.echo(format_write(Library([record]), info.name), nl=False)
    else:
        for line in describe(record):
            click.echo(line)


COMMANDS = [list_command, show_command]

__all__ = ["COMMANDS", "describe", "list_command", "show_command"]

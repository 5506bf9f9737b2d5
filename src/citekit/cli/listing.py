"""``citekit list`` and ``citekit show``: look inside a bibliography."""

from __future__ import annotations

import click

from citekit import (
    Library,
    describe_record,
    filter_records,
    find_record,
    get_format,
    list_records,
)
from citekit import write_string as format_write
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
        for line in list_records(records):
            click.echo(line)
    if not records and len(source.library):  # an empty file has said so already
        click.echo(f"no entries match (of {len(source.library)} in {source.name})", err=True)
        note_problems()


#: ``describe`` is :func:`citekit.describe_record` under the name this module always gave it.
describe = describe_record


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

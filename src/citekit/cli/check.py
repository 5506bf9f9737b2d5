"""``citekit check``: validate bibliography files and report located problems."""

from __future__ import annotations

import sys

import click

from citekit import check_file, severity_counts
from citekit.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    echo_json,
    encoding_option,
    format_option,
    from_option,
    handle_errors,
    progress_iter,
)
from citekit.errors import Diagnostic, Severity


def _summary(tally: dict[str, int], files: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (
        f"{plural(tally['error'], 'error')}, {plural(tally['warning'], 'warning')}, "
        f"{plural(tally['info'], 'note')} in {plural(files, 'file')}"
    )


@click.command("check")
@click.argument(
    "files", metavar="FILE...", nargs=-1, required=True, type=click.Path(allow_dash=True)
)
@from_option
@encoding_option
@format_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also list notes (info diagnostics).")
@handle_errors
def check_command(
    files: tuple[str, ...],
    from_: str | None,
    encoding: str | None,
    output_format: str,
    strict: bool,
    verbose: bool,
) -> None:
    """Check bibliography files for problems styles cannot get past.

    Reports broken entries, duplicate keys, missing titles and recommended
    fields, impossible dates and reversed ranges, bad ISBN/ISSN check
    digits, DOIs stored as URLs, and unknown types and variables. Each line
    names the file, line and entry. Exit 1 when errors are found (with
    --strict, also warnings; an empty file or one that reads as no entries
    is an error), 0 otherwise; 2 for a missing or unreadable FILE or a bad
    option (docs/exit-codes.md).

    \b
    Example:
      citekit check references.bib
      citekit check refs.json more.bib --strict --format json
    """
    diagnostics: list[Diagnostic] = []
    for path in progress_iter(files, "checking"):
        diagnostics.extend(check_file(path, from_, encoding))
    tally = severity_counts(diagnostics)
    if output_format == "json":
        echo_json(
            {
                "files": list(files),
                "counts": tally,
                "diagnostics": [d.to_json() for d in diagnostics],
            }
        )
    else:
        for diagnostic in diagnostics:
            if verbose or diagnostic.severity is not Severity.INFO:
                click.echo(str(diagnostic))
        click.echo(_summary(tally, len(files)))
    failing = tally["error"] + (tally["warning"] if strict else 0)
    sys.exit(EXIT_PROBLEMS if failing else EXIT_OK)


COMMANDS = [check_command]

__all__ = ["COMMANDS", "check_command"]

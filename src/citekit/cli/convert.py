"""``citekit convert``: read a bibliography in one format, write it in another."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from typing import Any

import click

from citekit._io import atomic_write_text
from citekit.cli._common import (
    EXIT_PROBLEMS,
    echo_diagnostics,
    handle_errors,
    read_input,
    require_format,
)
from citekit.errors import Diagnostic, Severity, UsageError
from citekit.formats import FormatInfo, format_for_path, get_format
from citekit.formats import write_string as format_write

#: The INFO code a reader uses to list fields it kept in ``custom``.
UNMAPPED_CODE = "unmapped-fields"


def _target_format(to: str | None, output: str) -> FormatInfo:
    if to:
        return get_format(to)
    if output != "-":
        info = format_for_path(output)
        if info is not None:
            return info
        raise UsageError(f"cannot tell the output format from '{output}'; name it with -t")
    raise UsageError("name the output format with -t (e.g. -t csljson) when writing to stdout")


def _writer_options(target: FormatInfo, dialect: str | None, ascii_only: bool) -> dict[str, Any]:
    if target.name != "biblatex":
        return {}
    options: dict[str, Any] = {}
    if dialect is not None:
        options["dialect"] = dialect
    if ascii_only:
        options["ascii"] = True
    return options


def _echo_report(diagnostics: list[Diagnostic], output_format: str) -> None:
    report = [d for d in diagnostics if d.code == UNMAPPED_CODE]
    if output_format == "json":
        click.echo(json.dumps([d.to_json() for d in report], ensure_ascii=False, indent=2),
                   err=True)
        return
    for diagnostic in report:
        click.echo(str(diagnostic), err=True)
    click.echo(f"{len(report)} entr{'y' if len(report) == 1 else 'ies'} with fields kept "
               "in 'custom'", err=True)


@click.command("convert")
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True))
@click.option("-f", "--from", "from_", metavar="FORMAT",
              help="Input format (csljson, biblatex, ...); default: from the suffix or content.")
@click.option("-t", "--to", "to", metavar="FORMAT",
              help="Output format; may be left out when -o has a known suffix.")
@click.option("-o", "--output", default="-", show_default=True, type=click.Path(allow_dash=True),
              help="Output file ('-' for stdout). The input file is never overwritten.")
@click.option("--report", is_flag=True,
              help="List, per entry, the fields that had no CSL equivalent (on stderr).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Form of the --report: for people or JSON for programs.")
@click.option("--strict", is_flag=True,
              help="Write nothing and exit 1 if the input has any warning or error.")
@click.option("--dialect", type=click.Choice(["biblatex", "bibtex"]), default=None,
              help="Field names for the biblatex writer (BibLaTeX or classic BibTeX).")
@click.option("--ascii", "ascii_only", is_flag=True,
              help="biblatex writer: encode non-ASCII characters as LaTeX macros.")
@handle_errors
def convert(input_path: str, from_: str | None, to: str | None, output: str, report: bool,
            output_format: str, strict: bool, dialect: str | None, ascii_only: bool) -> None:
    """Convert a bibliography between formats (BibLaTeX/BibTeX, CSL-JSON, ...).

    INPUT is a file or '-' for stdin. Problems in the input (warnings and
    errors, located by file, line and entry) are printed on stderr; entries
    that cannot be read are left out and the exit code is 1. With --strict,
    any warning stops the conversion before anything is written.

    \b
    Example:
      citekit convert references.bib -t csljson -o references.json
      citekit convert references.json -o out.bib --dialect bibtex --ascii
      cat refs.bib | citekit convert - -f biblatex -t csljson --report
    """
    target = require_format(_target_format(to, output))
    source = read_input(input_path, from_)
    diagnostics = list(source.diagnostics)
    filename = source.name

    echo_diagnostics(d for d in diagnostics if d.severity is not Severity.INFO)
    if report:
        _echo_report(diagnostics, output_format)
    problems = [d for d in diagnostics if d.severity is not Severity.INFO]
    if strict and problems:
        click.echo(f"error: {len(problems)} problem(s) in {filename}; nothing written "
                   "(--strict)", err=True)
        sys.exit(EXIT_PROBLEMS)

    options = _writer_options(target, dialect, ascii_only)
    left_out: list[Diagnostic] = []  # entries the BibTeX writer cannot write (their keys)
    if target.name == "biblatex":
        options["diagnostics"] = left_out
    rendered = format_write(source.library, target.name, **options)
    left_out = [replace(d, file=filename, line=source.result.lines.get(d.key or ""))
                for d in left_out]
    echo_diagnostics(left_out)
    if strict and left_out:
        click.echo(f"error: {len(left_out)} entr{'y' if len(left_out) == 1 else 'ies'} "
                   "cannot be written; nothing written (--strict)", err=True)
        sys.exit(EXIT_PROBLEMS)
    atomic_write_text(output, rendered, protect=(input_path,))  # "-" protects nothing
    if left_out or any(d.severity is Severity.ERROR for d in diagnostics):
        sys.exit(EXIT_PROBLEMS)


COMMANDS = [convert]

__all__ = ["COMMANDS", "convert"]

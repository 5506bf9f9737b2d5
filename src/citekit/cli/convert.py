"""``citekit convert``: read a bibliography in one format, write it in another."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import PurePath
from typing import Any

import click

from citekit import (
    FormatInfo,
    LossReport,
    atomic_write_text,
    format_for_path,
    get_format,
    loss_report,
)
from citekit import write_string as format_write
from citekit.cli._common import (
    EXIT_PROBLEMS,
    echo_diagnostics,
    encoding_option,
    handle_errors,
    read_input,
    require_format,
    text_or_json_option,
)
from citekit.errors import Diagnostic, Severity, UsageError

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


#: Names of the BibTeX writer's target (``-t``, or the ``-o`` suffix) that
#: choose its dialect; ``bib``/``.bib`` is BibLaTeX, as it always was.
_DIALECT_NAMES = {
    "bibtex": "bibtex",
    ".bibtex": "bibtex",
    "biblatex": "biblatex",
    ".biblatex": "biblatex",
}


def _dialect(target: FormatInfo, to: str | None, output: str, dialect: str | None) -> str:
    """The BibTeX dialect to write: ``--dialect``, else the one the target names.

    The registry resolves the alias ``bibtex`` to the one BibTeX format
    (``biblatex``), so the name the user typed is looked at here.
    """
    if target.name != "biblatex":
        return ""
    if dialect is not None:
        return dialect
    named = to.lower() if to else PurePath(output).suffix.lower() if output != "-" else ""
    return _DIALECT_NAMES.get(named, "biblatex")


def _writer_options(target: FormatInfo, dialect: str, ascii_only: bool) -> dict[str, Any]:
    if target.name != "biblatex":
        return {}
    options: dict[str, Any] = {"dialect": dialect}
    if ascii_only:
        options["ascii"] = True
    return options


def _echo_report(
    diagnostics: list[Diagnostic], losses: list[Diagnostic], output_format: str
) -> None:
    """The --report: fields the reader kept in 'custom', then what the writer lost."""
    report = [d for d in diagnostics if d.code == UNMAPPED_CODE]
    if output_format == "json":
        click.echo(
            json.dumps([d.to_json() for d in [*report, *losses]], ensure_ascii=False, indent=2),
            err=True,
        )
        return
    for diagnostic in [*report, *losses]:
        click.echo(str(diagnostic), err=True)
    click.echo(
        f"{len(report)} entr{'y' if len(report) == 1 else 'ies'} with fields kept in 'custom'",
        err=True,
    )


def _echo_losses(losses: LossReport, report: bool) -> None:
    """The count of what could not be written (always), and of formatting dropped."""
    if losses:
        hint = "" if report else "; see --report"
        click.echo(f"warning: {losses.summary()}{hint}", err=True)
    remarks = len(losses.remarks)
    if remarks:
        click.echo(
            f"note: {remarks} comment{'' if remarks == 1 else 's'} outside the entries "
            f"(@comment, text between entries) could not be written as "
            f"{'it was' if remarks == 1 else 'they were'} in {losses.format_title}"
            + ("" if report else "; see --report"),
            err=True,
        )
    dropped = len(losses.formatting)
    if dropped and report:
        click.echo(
            f"{dropped} field{'' if dropped == 1 else 's'} written as plain text "
            "without their rich-text markup",
            err=True,
        )


@click.command("convert")
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True))
@click.option(
    "-f",
    "--from",
    "from_",
    metavar="FORMAT",
    help="Input format (csljson, biblatex, ...); default: from the suffix or content.",
)
@click.option(
    "-t",
    "--to",
    "to",
    metavar="FORMAT",
    help="Output format; may be left out when -o has a known suffix. "
    "'bibtex' is classic BibTeX, 'biblatex' (or 'bib') BibLaTeX.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    type=click.Path(allow_dash=True),
    help="Output file ('-' for stdout). The input file is never overwritten.",
)
@click.option(
    "--report",
    is_flag=True,
    help="List on stderr, per entry and field, what had no CSL equivalent and "
    "what the output format could not carry.",
)
@text_or_json_option(help="Form of the --report: for people or JSON for programs.")
@click.option(
    "--strict", is_flag=True, help="Write nothing and exit 1 if the input has any warning or error."
)
@click.option(
    "--dialect",
    type=click.Choice(["biblatex", "bibtex"]),
    default=None,
    help="BibTeX output: BibLaTeX or classic BibTeX, whatever -t or the -o "
    "suffix says (default: the one they name; BibLaTeX for .bib).",
)
@click.option(
    "--ascii",
    "ascii_only",
    is_flag=True,
    help="biblatex writer: encode non-ASCII characters as LaTeX macros.",
)
@click.option(
    "--collection",
    metavar="PATH",
    default=None,
    help="Zotero database: only the items of this collection and its "
    "sub-collections ('POL 240/Week 1').",
)
@encoding_option
@handle_errors
def convert(
    input_path: str,
    from_: str | None,
    to: str | None,
    output: str,
    report: bool,
    output_format: str,
    strict: bool,
    dialect: str | None,
    ascii_only: bool,
    encoding: str | None,
    collection: str | None,
) -> None:
    """Convert a bibliography between formats (BibLaTeX/BibTeX, CSL-JSON, ...).

    INPUT is a file or '-' for stdin. Problems in the input (warnings and
    errors, located by file, line and entry) are printed on stderr; entries
    that cannot be read are left out and the exit code is 1. With --strict,
    any warning, or any field the output cannot carry, stops the conversion
    before anything is written.

    The output is read back and compared with the input: every field it
    does not give back as it was (RIS has no tag for an event title; BibTeX
    no key with a comma) is counted on stderr ("3 fields in 2 entries could
    not be written in RIS; see --report") and listed per entry and field by
    --report. RIS is plain text: rich-text markup is written as its text
    (listed by --report, not counted as a loss). What RIS has no tag for is
    kept in notes ("N1  - [citekit] event-title: ...") that citekit reads
    back.

    -t bibtex (or -o FILE.bibtex) writes classic BibTeX, for .bst styles
    such as plain or apalike: journal, year and month, address, school or
    institution, subtitles joined to their titles, edition as a word
    ("Second"), \\url in howpublished. -t biblatex, -t bib and -o FILE.bib
    write BibLaTeX. --dialect overrides either. Titles from CSL-JSON, RIS or
    YAML have their proper nouns and acronyms braced, as BibTeX styles
    lower the case of titles (docs/bibtex-import.md, "Writing BibTeX").

    \b
    Exit codes:
      0  converted, nothing lost
      1  problems in the input, or fields or entries the output could not
         carry (the output is still written, except with --strict)
      2  usage error (unknown format, missing file, bad option)

    \b
    Example:
      citekit convert references.bib -t csljson -o references.json
      citekit convert references.json -t bibtex -o out.bib --ascii
      cat refs.bib | citekit convert - -f biblatex -t csljson --report
      citekit convert ~/Zotero/zotero.sqlite -t csljson --collection "POL 240/Week 1"
    """
    target = require_format(_target_format(to, output))
    source = read_input(
        input_path, from_, encoding, options={"collection": collection} if collection else None
    )
    diagnostics = list(source.diagnostics)
    filename = source.name

    echo_diagnostics(d for d in diagnostics if d.severity is not Severity.INFO)
    problems = [d for d in diagnostics if d.severity is not Severity.INFO]
    if strict and problems:
        click.echo(
            f"error: {len(problems)} problem(s) in {filename}; nothing written (--strict)", err=True
        )
        sys.exit(EXIT_PROBLEMS)

    dialect = _dialect(target, to, output, dialect)
    options = _writer_options(target, dialect, ascii_only)
    left_out: list[Diagnostic] = []  # entries the BibTeX writer cannot write (their keys)
    if target.name == "biblatex":
        options["diagnostics"] = left_out
    rendered = format_write(source.library, target.name, **options)
    left_out = [
        replace(d, file=filename, line=source.result.lines.get(d.key or "")) for d in left_out
    ]
    echo_diagnostics(left_out)
    losses = loss_report(source.library, target.name, rendered)
    if dialect == "bibtex" and target.name == "biblatex":
        losses.format = "bibtex"  # named as the user asked for it
    unwritten = {d.key for d in left_out}
    losses.losses = [loss for loss in losses.losses if not (loss.key and loss.key in unwritten)]
    if report:
        _echo_report(
            diagnostics, losses.diagnostics(file=filename, lines=source.result.lines), output_format
        )
    if not (report and output_format == "json"):  # JSON on stderr stays one document
        _echo_losses(losses, report)
    if strict and (left_out or losses):
        what = [losses.summary()] if losses else []
        if left_out:
            what.insert(
                0, f"{len(left_out)} entr{'y' if len(left_out) == 1 else 'ies'} cannot be written"
            )
        click.echo(f"error: {'; '.join(what)}; nothing written (--strict)", err=True)
        sys.exit(EXIT_PROBLEMS)
    atomic_write_text(output, rendered, protect=(input_path,))  # "-" protects nothing
    if left_out or losses or any(d.severity is Severity.ERROR for d in diagnostics):
        sys.exit(EXIT_PROBLEMS)


COMMANDS = [convert]

__all__ = ["COMMANDS", "convert"]

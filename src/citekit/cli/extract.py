"""``citekit extract``: the entries a document cites, copied out of a big library."""

from __future__ import annotations

import json

import click

from citekit import Diagnostic, Severity, atomic_write_text, extract_citations
from citekit.cli._common import (
    bibliographies_option,
    echo_diagnostics,
    format_option,
    handle_errors,
    note_problems,
    output_option,
)


@click.command("extract")
@click.argument("documents", nargs=-1, required=True, metavar="DOC.md|DOC.aux|DOC.tex...")
@bibliographies_option(
    help="Library to take the entries from (any format citekit reads); repeatable, "
    "the first holding a key wins.",
    required=True,
)
@output_option(help="Output file ('-' for stdout); never one of the inputs.")
@click.option(
    "--to",
    "-t",
    "to",
    default=None,
    metavar="FORMAT",
    help="Write this format (biblatex, csljson, cslyaml, ris ...) instead of copying "
    "BibTeX entries as written.",
)
@format_option
@handle_errors
def extract_command(
    documents: tuple[str, ...],
    bib_paths: tuple[str, ...],
    output: str,
    to: str | None,
    output_format: str,
) -> None:
    """Write the entries DOCUMENTS cite, taken from the libraries, to a small library.

    A Markdown document's pandoc citations (and its front matter's nocite),
    a LaTeX .aux file's \\citation lines (BibTeX and biblatex, chapters'
    .aux files included) or a .tex file's cite commands (\\cite, \\citep,
    \\parencite, \\textcite, \\autocites ..., \\nocite) name the keys; * means
    every entry.  BibTeX entries are copied as written, with the entries they
    crossref, xref or xdata, the @string macros they use and the @preambles,
    so the result works with bibtex and biber as it is.  A cited key that is
    in no library is reported with file and line, and the exit code is 1;
    the rest is still written.  --format json prints the keys cited, written
    and missing instead of the library.

    \b
    Example:
      citekit extract paper.md -b big.bib -o cited.bib
      citekit extract build/paper.aux -b ~/Zotero/library.bib -o paper.bib
      citekit extract thesis.tex -b refs.json -t csljson
    """
    result = extract_citations(documents, bib_paths, to=to)
    echo_diagnostics([d for d in result.diagnostics if d.severity is not Severity.INFO])
    echo_diagnostics(
        Diagnostic(
            Severity.WARNING,
            "unknown-key",
            f"'{m.key}' is cited but in no library",
            file=m.file,
            line=m.line or None,
            key=m.key,
        )
        for m in result.missing
    )
    note_problems(len(result.missing))
    protect = (*documents, *bib_paths)
    if output_format == "json":
        summary = {
            "cited": [c.key for c in result.cited],
            "written": result.written,
            "missing": [
                {"key": m.key, "file": m.file, "line": m.line or None} for m in result.missing
            ],
        }
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        if output == "-":
            return
    atomic_write_text(output, result.text, protect=protect)


COMMANDS = [extract_command]

__all__ = ["COMMANDS", "extract_command"]

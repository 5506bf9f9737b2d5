"""``citekit render``: a Markdown document's citations formatted, its bibliography added."""

from __future__ import annotations

import json
import sys

import click

from citekit._io import atomic_write_text
from citekit.cli._common import (
    EXIT_PROBLEMS,
    echo_diagnostics,
    format_option,
    handle_errors,
    input_name,
)
from citekit.docscan import DocumentSyntaxError
from citekit.document import DOCUMENT_FORMATS, render_document_file
from citekit.errors import Severity, UnknownKeyError
from citekit.frontmatter import FrontMatterError
from citekit.render import ENGINES
from citekit.styles import check_locale


@click.command("render")
@click.argument("document", metavar="DOC.md")
@click.option("--bib", "-b", "bib_paths", multiple=True, metavar="FILE",
              help="Bibliography file (any format citekit reads); repeatable. "
                   "Default: the front matter's 'bibliography'.")
@click.option("--style", "-s", "style", default=None, metavar="STYLE",
              help="CSL style name or .csl file; default: the front matter's 'csl', else apa.")
@click.option("--locale", "-l", "locale", default=None, metavar="LANG",
              help="Language of terms and dates; default: the front matter's 'lang', "
                   "else the style's.")
@click.option("--output", "-o", "output", default="-", show_default=True, metavar="OUT",
              help="Output file ('-' for stdout); the document itself is never overwritten.")
@click.option("--to", "-t", "to", type=click.Choice(DOCUMENT_FORMATS), default="markdown",
              show_default=True,
              help="markdown (the document with formatted citations), html (a whole page) "
                   "or text.")
@click.option("--strict", is_flag=True,
              help="Unknown citation keys are errors (exit 1) instead of ???key.")
@click.option("--engine", "engine", type=click.Choice(sorted(ENGINES)), default=None,
              help="CSL processor (default: citekit's default engine).")
@format_option
@handle_errors
def render_command(document: str, bib_paths: tuple[str, ...], style: str | None,
                   locale: str | None, output: str, to: str, strict: bool,
                   engine: str | None, output_format: str) -> None:
    """Format the citations of a Markdown document written with pandoc's syntax.

    Citations ([@key], [see @a, pp. 33-35; also @b, chap. 1], [-@key],
    @key, @key [p. 33], @{odd key}) are replaced by the style's rendering and
    the bibliography goes into a '::: {#refs}' block or, without one, at the
    end under a heading.  Note styles turn citations into footnotes.  Front
    matter keys bibliography, csl, lang, nocite (@* for everything),
    link-citations, references and reference-section-title are read;
    options on the command line win.  Unknown keys are reported with line
    and column and shown as ???key (exit 1 with --strict).  Unreadable
    documents (an unterminated '[', broken front matter) exit 1; bad options
    exit 2.  --format json wraps the output with every citation (keys, line,
    column, text), the bibliography entries and the problems found.

    \b
    Example:
      citekit render paper.md --bib refs.bib -o paper.rendered.md
      citekit render paper.md -s chicago-note-bibliography --to html -o paper.html
      cat notes.md | citekit render - --bib refs.json --to text
    """
    the_locale = check_locale(locale) if locale else None
    try:
        result = render_document_file(
            document, bibliography=list(bib_paths) or None, style=style, locale=the_locale,
            engine=engine, to=to, strict=strict)
    except (UnknownKeyError, DocumentSyntaxError, FrontMatterError) as exc:
        # data problems (exit 1), named with the document they are in
        click.echo(f"error: {input_name(document)}: {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    echo_diagnostics([d for d in result.diagnostics if d.severity is not Severity.INFO])
    name = input_name(document)
    for unknown in result.unknown:
        click.echo(f"{name}:{unknown.line}:{unknown.column}: warning: unknown citation key "
                   f"'{unknown.key}'" + (f" (did you mean: {', '.join(unknown.suggestions)}?)"
                                        if unknown.suggestions else ""), err=True)
    for warning in result.warnings[len(result.unknown):]:
        click.echo(f"warning: {warning}", err=True)
    if output_format == "json":  # the document plus every citation, entry and problem
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = result.output
    atomic_write_text(output, text, protect=(document,))  # "-" protects nothing


COMMANDS = [render_command]

__all__ = ["COMMANDS", "render_command"]

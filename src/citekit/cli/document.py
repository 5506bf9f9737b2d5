"""``citekit render``: a Markdown document's citations formatted, its bibliography added."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click

from citekit import (
    DOCUMENT_DEFAULT_STYLE,
    DOCUMENT_FORMATS,
    DocumentSyntaxError,
    FrontMatterError,
    atomic_write_bytes,
    atomic_write_text,
    check_locale,
    parse_metadata_option,
    read_decoded,
    read_front_matter,
    render_document,
    resolve_paths,
    resolve_style,
)
from citekit.cli._common import (
    EXIT_PROBLEMS,
    bibliographies_option,
    echo_diagnostics,
    encoding_option,
    engine_option,
    format_option,
    handle_errors,
    input_name,
    jobs_option,
    note_problems,
    output_option,
    sentence_case_option,
)
from citekit.cli.cite import identifier_options, identifier_resolver
from citekit.errors import Severity, UnknownKeyError, UsageError

PANDOC_FORMATS = ("latex", "docx")
"""Outputs written by pandoc from citekit's Markdown (citations already formatted)."""


def pandoc_binary() -> str | None:
    """pandoc on the PATH, else the one the ``pypandoc-binary`` wheel ships, else None."""
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError:
        return None


def _through_pandoc(markdown: str, to: str, lang: str) -> bytes:
    """citekit's Markdown converted by pandoc (no citeproc: the citations are done).

    pandoc's own citation syntax is switched off (``-citations``) so that an
    ``@`` left in the text (an unknown ``???key``, an e-mail in an entry) is
    not read again.
    """
    binary = pandoc_binary()
    if binary is None:
        raise UsageError(
            f"--to {to} needs pandoc (install it, or pip install "
            f"pypandoc-binary); --to markdown|html|text need nothing"
        )
    command = [
        binary,
        "-f",
        "markdown-citations",
        "-t",
        to,
        "--standalone",
        "-M",
        f"lang={lang}",
        "-o",
        "-",
    ]
    done = subprocess.run(
        command, input=markdown.encode("utf-8"), capture_output=True, check=False, timeout=600
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise UsageError(f"pandoc could not write {to}: {message}")
    return done.stdout


def _inputs(
    document: str,
    text: str,
    bib_paths: tuple[str, ...],
    style: str | None,
    metadata: dict[str, str] | None = None,
) -> tuple[str, ...]:
    """Every file the command reads, so that ``-o`` never replaces one of them.

    The document, the bibliographies (named here, with ``-M``, or in the
    front matter) and a style given as a file (here or as ``csl``).
    """
    filename = None if document == "-" else document
    inputs: list[str] = [document, *bib_paths]
    if style is not None:
        inputs.append(style)
    try:
        meta = read_front_matter(text.replace("\r\n", "\n"), filename=filename, metadata=metadata)
    except FrontMatterError:
        return tuple(inputs)  # the render reports it
    if not bib_paths:
        inputs.extend(str(p) for p in resolve_paths(meta.bibliography, filename))
    if meta.csl and style is None:
        inputs.append(resolve_style(meta.csl, filename))
    return tuple(p for p in inputs if p == "-" or Path(p).is_file())


@click.command("render")
@click.argument("document", metavar="DOC.md")
@bibliographies_option(
    help="Bibliography file (any format citekit reads), as pandoc spells it "
    "(--bib is the same); repeatable. Default: the front matter's "
    "'bibliography'."
)
@click.option(
    "--csl",
    "--style",
    "-s",
    "style",
    default=None,
    metavar="STYLE",
    help="CSL style name or .csl file, as pandoc spells it (--style is the same); "
    f"default: the front matter's 'csl', else {DOCUMENT_DEFAULT_STYLE} "
    "(pandoc's default).",
)
@click.option(
    "--citation-abbreviations",
    "abbreviations",
    default=None,
    metavar="FILE",
    help="JSON file of abbreviations for styles that print short forms "
    '(pandoc\'s format: {"default": {"container-title": {"Full Name": "Abbr"}}}); '
    "default: the front matter's 'citation-abbreviations'.",
)
@click.option(
    "--locale",
    "-l",
    "locale",
    default=None,
    metavar="LANG",
    help="Language of terms and dates; default: the front matter's 'lang', else the style's.",
)
@output_option(
    help="Output file ('-' for stdout); never one of the inputs (the document, "
    "a bibliography, the style)."
)
@click.option(
    "--to",
    "-t",
    "to",
    type=click.Choice((*DOCUMENT_FORMATS, *PANDOC_FORMATS)),
    default="markdown",
    show_default=True,
    help="markdown (the document with formatted citations), html (a whole page), "
    "text, or latex and docx, which pandoc writes from that Markdown "
    "(pandoc on the PATH or the pypandoc-binary wheel; docx needs -o).",
)
@click.option(
    "--trust-html",
    is_flag=True,
    help="With --to html, keep the document's raw HTML as written, <script> "
    "included (as pandoc does); by default tags that run or load things, "
    "event handlers and unsafe links are removed. Only for your own documents.",
)
@click.option(
    "-M",
    "--metadata",
    "metadata",
    multiple=True,
    metavar="KEY[=VALUE]",
    help="Set a metadata value over the front matter's, as pandoc's -M "
    "(suppress-bibliography, nocite=@*, lang=de, ...; no VALUE means true); repeatable.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Unknown citation keys stop the render (nothing written, exit 1) instead of ???key.",
)
@encoding_option
@sentence_case_option
@identifier_options
@engine_option(help="CSL processor (default: citekit's default engine).")
@jobs_option
@format_option
@handle_errors
def render_command(
    document: str,
    bib_paths: tuple[str, ...],
    style: str | None,
    abbreviations: str | None,
    locale: str | None,
    output: str,
    to: str,
    trust_html: bool,
    metadata: tuple[str, ...],
    strict: bool,
    encoding: str | None,
    sentence_case: bool,
    resolve: bool,
    offline: bool,
    no_cache: bool,
    engine: str | None,
    jobs: int,
    output_format: str,
) -> None:
    """Format the citations of a Markdown document written with pandoc's syntax.

    Citations ([@key], [see @a, pp. 33-35; also @b, chap. 1], [-@key],
    @key, @key [p. 33], @{odd key}) are replaced by the style's rendering and
    the bibliography goes into a '::: {#refs}' block or, without one, at the
    end under a heading (the one the document ends with, if it ends with
    one such as '# References').  Note styles turn citations into
    footnotes, a full stop or comma after a closing quote moving inside it
    where the style's or the locale's punctuation-in-quote says so (en-US:
    '"an end."[^c1]').  --bibliography,
    --csl, --to and -o are spelled as in pandoc, and the default style is
    pandoc's, chicago-author-date.  Front matter keys bibliography, csl,
    lang, nocite (@* for everything), link-citations, references,
    reference-section-title, suppress-bibliography, notes-after-punctuation
    and citation-abbreviations (journal short forms, pandoc's file format)
    are read, switches as pandoc reads them (true, yes, on); -M KEY=VALUE
    sets one over the front matter, and options on the command line win.
    Unknown keys are reported with line and column and shown as ???key, and
    the exit code is 1 (with --strict nothing is written); so do
    bibliography entries that cannot be read.
    Unreadable documents (an unterminated '[', broken front matter) exit 1;
    bad options, a missing file and an output that is one of the inputs
    exit 2 (docs/exit-codes.md).  --format json wraps the output with every
    citation (keys, line, column, text), the bibliography entries and the
    problems found.  --encoding names the text encoding of the document and
    of the bibliographies.  A key the bibliographies lack written as an
    identifier ([@doi:10.1000/xyz], @{doi:...} for odd characters,
    @isbn:..., @arxiv:..., @pmid:..., @pmcid:...) is looked up for this
    render, all in one batch, through the cache (--offline: the cache only;
    --no-cache; --no-resolve: not at all); one that cannot be is a warning
    saying why and an unknown key.  Nothing is written to the
    bibliography: citekit add keeps a record (docs/identifiers.md).  A
    bibliography of thousands of entries (nocite: '@*' over a large library)
    is formatted in several processes, as citekit bib does (--jobs).

    \b
    Example:
      citekit render paper.md --bibliography refs.bib -o paper.rendered.md
      citekit render paper.md --csl chicago-note-bibliography --to html -o paper.html
      citekit render paper.md --bibliography refs.bib --to docx -o paper.docx
      cat notes.md | citekit render - --bib refs.json --to text
    """
    the_locale = check_locale(locale) if locale else None
    if to == "docx" and output == "-":
        raise UsageError("--to docx writes a binary file: name it with -o FILE.docx")
    overrides = parse_metadata_option(metadata)
    decoded = read_decoded(document, encoding)
    protect = _inputs(document, decoded.text, bib_paths, style, overrides)
    if abbreviations is not None:
        protect = (*protect, abbreviations)
    try:
        result = render_document(
            decoded.text,
            filename=None if document == "-" else document,
            bibliography=list(bib_paths) or None,
            style=style,
            locale=the_locale,
            engine=engine,
            to="markdown" if to in PANDOC_FORMATS else to,
            strict=strict,
            encoding=encoding,
            trust_html=trust_html,
            sentence_case=sentence_case,
            identifiers=identifier_resolver(resolve, offline, no_cache, sentence_case) or False,
            abbreviations=abbreviations,
            metadata=overrides,
            jobs=jobs,
        )
    except (UnknownKeyError, DocumentSyntaxError, FrontMatterError) as exc:
        # data problems (exit 1), named with the document they are in
        click.echo(f"error: {input_name(document)}: {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    result.diagnostics[:0] = decoded.diagnostics
    echo_diagnostics([d for d in result.diagnostics if d.severity is not Severity.INFO])
    name = input_name(document)
    note_problems(len(result.unknown))
    for unknown in result.unknown:
        click.echo(
            f"{name}:{unknown.line}:{unknown.column}: warning: unknown citation key "
            f"'{unknown.key}'"
            + (
                f" (did you mean: {', '.join(unknown.suggestions)}?)" if unknown.suggestions else ""
            ),
            err=True,
        )
    for warning in result.warnings[len(result.unknown) :]:
        click.echo(f"warning: {warning}", err=True)
    if output_format == "json":  # the document plus every citation, entry and problem
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif to in PANDOC_FORMATS:
        atomic_write_bytes(
            output, _through_pandoc(result.output, to, result.locale), protect=protect
        )
        return
    else:
        text = result.output
    atomic_write_text(output, text, protect=protect)  # "-" protects nothing


COMMANDS = [render_command]

__all__ = ["COMMANDS", "render_command"]

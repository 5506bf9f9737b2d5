"""``citekit reader``: a reading list to a sectioned, annotated course reader."""

from __future__ import annotations

import time

import click

from citekit import (
    OUTPUT_KINDS,
    build_reader,
    kind_for_path,
    load_reading_list,
    write_reader,
)
from citekit.cli._common import (
    echo_diagnostics,
    engine_option,
    handle_errors,
    output_option,
    progress_callback,
)


@click.command("reader")
@click.argument("reading_list", metavar="LIST")
@output_option(
    help="The reader to write: OUT.html, OUT.docx, OUT.pdf, OUT.md or OUT.json "
    "(- for stdout, with --format)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(OUTPUT_KINDS),
    default=None,
    help="Output format (default: from the OUT suffix); json prints the built "
    "reader's structure for programs.",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="The page size of the PDF, the DOCX and the HTML's print layout.",
)
@engine_option(help="CSL engine (default: citekit's default engine).")
@click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings (a reading in two sections, a missing date ...) as errors.",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Live preview: serve the HTML reader on 127.0.0.1, rebuild it when the "
    "list or a library changes, and reload the page; problems are shown on "
    "the page.  Ctrl-C stops.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="With --serve: the port (0 picks a free one).",
)
@handle_errors
def reader_command(
    reading_list: str,
    output: str,
    output_format: str | None,
    paper: str,
    engine: str | None,
    strict: bool,
    serve: bool,
    port: int,
) -> None:
    """Build a course reader from a reading list (TOML or YAML).

    Each section of LIST becomes its own bibliography in the list's CSL
    style, with required and optional readings, the pages to read, the
    reading load and each reading's annotation; a consolidated bibliography
    ends the reader.  The list is checked first: unknown keys (with the
    closest keys), readings the style cannot format and empty sections exit
    1 naming the list file and line.  docs/reading-lists.md describes the
    list format.

    \b
    Example:
      citekit reader course.toml -o reader.html --paper letter
      citekit reader course.toml -o reader.docx
      citekit reader course.toml -o reader.pdf --paper letter
      citekit reader course.yaml --format markdown | pandoc -o reader.pdf
      citekit reader course.toml --format json
      citekit reader course.toml --serve --port 8765
    """
    if serve:
        _serve(reading_list, paper=paper, engine=engine, port=port)
        return
    kind = output_format or kind_for_path(output)
    if kind in ("docx", "pdf") and output == "-" and output_format is None:
        raise click.UsageError(f"a {kind.upper()} reader needs a file name (-o reader.{kind})")
    the_list = load_reading_list(reading_list)
    with progress_callback("building the reader", len(the_list.sections) + 1) as step:
        built = build_reader(the_list, engine=engine, strict=strict, progress=step)
    echo_diagnostics(built.diagnostics, quiet=True)
    for warning in built.warnings:
        click.echo(f"warning: {warning}", err=True)
    # write_reader refuses the list and every file it reads (libraries, a
    # Zotero database, a .csl style) by itself.
    write_reader(built, output, kind, paper=paper, protect=(reading_list,))
    if output != "-":
        entries = sum(len(s.entries) for s in built.sections)
        click.echo(
            f"wrote {output}: {len(built.sections)} sections, {entries} readings, "
            f"{len(built.bibliography)} works",
            err=True,
        )


def _serve(reading_list: str, *, paper: str, engine: str | None, port: int) -> None:
    """Run the live preview until interrupted (see :mod:`citekit.course.preview`)."""
    from citekit import Preview, PreviewServer

    try:
        server = PreviewServer(Preview(reading_list, paper=paper, engine=engine), port)
    except OSError as exc:
        raise click.ClickException(
            f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}"
        ) from None
    server.start()
    click.echo(f"serving {reading_list} at {server.url} (Ctrl-C to stop)", err=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.close()


COMMANDS = [reader_command]

__all__ = ["COMMANDS"]

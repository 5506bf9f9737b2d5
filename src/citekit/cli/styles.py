"""``citekit styles``: search the installed CSL styles (and list locales)."""

from __future__ import annotations

import sys

import click

from citekit import available_locales, list_styles
from citekit.cli._common import EXIT_PROBLEMS, echo_json, format_option, handle_errors


@click.command("styles")
@click.argument("query", nargs=-1, metavar="[QUERY...]")
@format_option
@click.option(
    "--independent",
    is_flag=True,
    help="Only independent styles (leave out journal aliases of another style).",
)
@click.option(
    "--locales",
    "show_locales",
    is_flag=True,
    help="List the available locales (languages) instead.",
)
@handle_errors
def styles_command(
    query: tuple[str, ...], output_format: str, independent: bool, show_locales: bool
) -> None:
    """List CSL styles: id, title, class and fields, filtered by QUERY words.

    Every word of the query must appear in the style's id, title, citation
    format (author-date, numeric, note ...) or fields (e.g. physics).  Exits 1
    when nothing matches.  Styles come from $CITEKIT_STYLES, your config
    folder (~/.config/citekit/styles), the project's styles/ folder and the
    installed CSL style repository.

    \b
    Example:
      citekit styles chicago
      citekit styles numeric physics --independent
      citekit styles apa --format json
      citekit styles --locales
    """
    if show_locales:
        tags = available_locales()
        if output_format == "json":
            echo_json(tags)
        else:
            for tag in tags:
                click.echo(tag)
        return
    found = list_styles(" ".join(query) or None)
    if independent:
        found = [info for info in found if not info.is_dependent]
    if output_format == "json":
        echo_json([info.to_json() for info in found])
    else:
        for info in found:
            kind = info.citation_format or info.style_class
            fields = f" [{', '.join(info.fields)}]" if info.fields else ""
            parent = f" (uses {info.parent})" if info.parent else ""
            click.echo(f"{info.id}\t{kind}\t{info.title}{parent}{fields}")
    if not found:
        click.echo("no styles match", err=True)
        sys.exit(EXIT_PROBLEMS)


COMMANDS = [styles_command]

__all__ = ["COMMANDS"]

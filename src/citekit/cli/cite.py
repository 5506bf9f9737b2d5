"""``citekit cite``: format citation clusters written in pandoc's syntax.

The options every formatting command shares (``--style``, ``--locale``,
``--format``, ``--engine``, ``--link``) and the library loading live here
too; ``citekit bib`` imports them so both commands behave the same.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from citekit.citesyntax import CitationSyntaxError, parse_cluster
from citekit.cli._common import (
    EXIT_PROBLEMS,
    echo_diagnostics,
    echo_json,
    handle_errors,
    read_input,
)
from citekit.errors import Severity, UnknownKeyError, UsageError
from citekit.model import Library
from citekit.render import DEFAULT_ENGINE, ENGINES, Cluster, Result, check_keys, render
from citekit.render.output import format_bibliography, format_citations
from citekit.styles import DEFAULT_LOCALE, DEFAULT_STYLE, check_locale, find_style

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_BIB = "references.bib"
FORMAT_CHOICES = ("text", "html", "markdown", "latex", "json")


def style_options(func: F) -> F:
    """``--style``, ``--locale``, ``--format``, ``--engine`` and ``--link``."""
    decorators = [
        click.option("--style", "-s", "style", default=DEFAULT_STYLE, show_default=True,
                     metavar="STYLE",
                     help="CSL style: a name (see `citekit styles`) or a .csl file."),
        click.option("--locale", "-l", "locale", default=None, metavar="LANG",
                     help="Language of terms and dates (e.g. de-DE); "
                          "default: the style's own."),
        click.option("--format", "output_format", type=click.Choice(FORMAT_CHOICES),
                     default="text", show_default=True,
                     help="Output format; json gives the rendered strings and warnings."),
        click.option("--engine", "engine", type=click.Choice(sorted(ENGINES)),
                     default=DEFAULT_ENGINE, show_default=True, help="CSL processor."),
        click.option("--link", is_flag=True, help="Turn DOIs and URLs into links."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def load_library(path: str | None) -> tuple[Library, str, int]:
    """Read the bibliography file (default ``references.bib`` here); print its problems.

    Returns the library, the path read and how many error diagnostics it had
    (entries that could not be loaded), so commands can exit 1 after
    printing what did load.
    """
    if path is None:
        if not Path(DEFAULT_BIB).is_file():
            raise UsageError(f"no bibliography given (--bib) and no {DEFAULT_BIB} "
                             f"in the current folder")
        path = DEFAULT_BIB
    source = read_input(path)
    echo_diagnostics([d for d in source.diagnostics if d.severity is not Severity.INFO])
    return source.library, path, len(source.result.errors)


def resolve_options(style: str, locale: str | None) -> tuple[Any, str | None]:
    """Fail early (exit 2) on an unknown style or locale."""
    the_style = find_style(style)
    return the_style, (check_locale(locale) if locale else None)


def echo_warnings(result: Result) -> None:
    for warning in result.warnings:
        if warning.startswith("unknown citation key"):
            continue  # reported as an error before rendering
        click.echo(f"warning: {warning}", err=True)


def report_unknown_keys(library: Library, clusters: Sequence[Cluster]) -> None:
    """Exit 1 naming the first unknown key and the closest keys."""
    try:
        check_keys(library, clusters)
    except UnknownKeyError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)


def render_format(output_format: str) -> str:
    return "text" if output_format == "json" else output_format


@click.command("cite")
@click.argument("clusters", nargs=-1, required=True, metavar="CLUSTER...")
@click.option("--bib", "-b", "bib_path", default=None, metavar="FILE",
              help=f"Bibliography file (any format citekit reads); default: ./{DEFAULT_BIB}.")
@style_options
@click.option("--bibliography", "with_bibliography", is_flag=True,
              help="Also print the bibliography of the cited entries.")
@click.option("--quotations", "include_quotations", is_flag=True,
              help="With --bibliography: also list the cited quotation records, not "
                   "only the works quoting them.")
@handle_errors
def cite_command(clusters: tuple[str, ...], bib_path: str | None, style: str,
                 locale: str | None, output_format: str, engine: str, link: bool,
                 with_bibliography: bool, include_quotations: bool) -> None:
    """Format citations written in pandoc's citation syntax.

    Each CLUSTER is one citation: keys with @, separated by semicolons, each
    with an optional prefix, a locator (p. 33, pp. 33-35, chap. 2, § 4 ...)
    and a suffix; -@key leaves the author out.  Clusters render in order,
    so later ones can come out as "ibid." or short forms.  The default style
    is apa.  A quotation record (docs/quotations.md) cites as the statement
    "quoted in" the work that quotes it; the bibliography lists that work
    (and, with --quotations, the quotation too).  Unknown keys exit 1 with
    the closest keys suggested; an unknown style exits 2.

    \b
    Example:
      citekit cite "@raimondo2000enemy, p. 33; @raimondo2008reclaiming"
      citekit cite "[see @raimondo2000enemy, chap. 2]" "[-@raimondo2008reclaiming]" \
        -s chicago-notes-bibliography
      citekit cite @raimondo2000enemy -s ieee --format html
      citekit cite @tillerson2017patience -s chicago-author-date --bibliography
    """
    the_style, the_locale = resolve_options(style, locale)
    library, _, _ = load_library(bib_path)  # a lost entry matters only if cited
    parsed: list[Cluster] = []
    for number, text in enumerate(clusters, start=1):
        try:
            cluster = parse_cluster(text, the_locale or the_style.default_locale or DEFAULT_LOCALE,
                                    note_number=number)
        except CitationSyntaxError as exc:
            raise UsageError(str(exc)) from exc
        parsed.append(cluster)
    report_unknown_keys(library, parsed)
    result = render(library, the_style, citations=parsed, locale=the_locale,
                    output=render_format(output_format), engine=engine, link=link,
                    bibliography=with_bibliography,
                    bibliography_keys=[] if with_bibliography else None,
                    include_quotations=include_quotations)
    echo_warnings(result)
    if output_format == "json":
        echo_json(result.to_json())
        return
    click.echo(format_citations(result), nl=False)
    if with_bibliography and result.bibliography:
        click.echo()
        click.echo(format_bibliography(result), nl=False)


COMMANDS = [cite_command]

__all__ = [
    "COMMANDS",
    "echo_warnings",
    "load_library",
    "render_format",
    "report_unknown_keys",
    "resolve_options",
    "style_options",
]

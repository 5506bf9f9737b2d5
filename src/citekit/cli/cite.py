"""``citekit cite``: format citation clusters written in pandoc's syntax.

The options every formatting command shares (``--style``, ``--locale``,
``--format``, ``--engine``, ``--link``) and the library loading live here
too; ``citekit bib`` imports them so both commands behave the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

import citekit
from citekit import (
    DEFAULT_ENGINE,
    DEFAULT_LOCALE,
    DEFAULT_STYLE,
    ENGINES,
    Cluster,
    Library,
    Result,
    Style,
    check_locale,
    find_style,
    finish_standalone_citations,
    format_bibliography,
    format_citations,
    parse_cluster,
    parse_in_text,
    render,
    unknown_keys,
)
from citekit.cli._common import (
    echo_diagnostics,
    echo_json,
    encoding_option,
    from_option,
    handle_errors,
    note_problems,
    read_input,
    sentence_case_option,
)
from citekit.errors import CitationSyntaxError, Severity, UsageError

if TYPE_CHECKING:  # loaded only when a cite needs them (see _may_be_identifier)
    from citekit import Resolution, Resolver

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_BIB = "references.bib"
FORMAT_CHOICES = ("text", "html", "markdown", "latex", "json")


def style_options(func: F) -> F:
    """``--style``, ``--locale``, ``--format``, ``--engine`` and ``--link``."""
    decorators = [
        click.option(
            "--style",
            "-s",
            "--csl",
            "style",
            default=DEFAULT_STYLE,
            show_default=True,
            metavar="STYLE",
            help="CSL style: a name (see `citekit styles`) or a .csl file "
            "(--csl as pandoc spells it).",
        ),
        click.option(
            "--locale",
            "-l",
            "locale",
            default=None,
            metavar="LANG",
            help="Language of terms and dates (e.g. de-DE); default: the style's own.",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(FORMAT_CHOICES),
            default="text",
            show_default=True,
            help="Output format; json gives the rendered strings and warnings.",
        ),
        click.option(
            "--engine",
            "engine",
            type=click.Choice(sorted(ENGINES)),
            default=DEFAULT_ENGINE,
            show_default=True,
            help="CSL processor.",
        ),
        click.option("--link", is_flag=True, help="Turn DOIs and URLs into links."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def identifier_options(func: F) -> F:
    """``--resolve/--no-resolve``, ``--offline`` and ``--no-cache`` for cited identifiers."""
    decorators = [
        click.option(
            "--resolve/--no-resolve",
            "resolve",
            default=True,
            show_default=True,
            help="Look up cited identifiers the bibliography lacks (@doi:..., "
            "@isbn:..., @arxiv:..., @pmid:..., @pmcid:...) for this run; "
            "nothing is written (citekit add keeps them in a .bib).",
        ),
        click.option(
            "--offline",
            is_flag=True,
            help="Resolve identifiers only from the cache; never ask a service.",
        ),
        click.option(
            "--no-cache",
            "no_cache",
            is_flag=True,
            help="Neither read nor keep identifier answers in the cache folder.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def identifier_resolver(
    resolve: bool, offline: bool, no_cache: bool, sentence_case: bool
) -> Resolver | None:
    """The :class:`Resolver` the identifier options ask for (None: ``--no-resolve``)."""
    if not resolve:
        return None
    return citekit.Resolver(offline=offline, cache=not no_cache, sentence_case=sentence_case)


def _may_be_identifier(key: str) -> bool:
    """Whether ``key`` could be a cited identifier (``doi:...``, ``isbn:...``, ...).

    Every identifier key holds a colon, so a cite whose keys have none never
    looks anything up, and the resolver (the sources layer, with its HTTP
    client) is not even imported: a plain ``citekit cite @key`` starts
    faster.  A key with a colon still goes through the real test,
    :func:`citekit.is_identifier_key`, and a key that is not an identifier
    meets the very same result as before: nothing to look up.
    """
    return ":" in key


def echo_resolution(resolution: Resolution) -> None:
    """Each identifier that could not be resolved, and why, on stderr.

    The exit code comes from the unknown key it leaves, reported next.
    """
    for message in resolution.messages():
        click.echo(f"warning: {message}", err=True)


def load_bibliography(
    path: str | None,
    from_: str | None = None,
    encoding: str | None = None,
    *,
    sentence_case: bool = True,
) -> tuple[Library, str, int]:
    """Read the bibliography file (default ``references.bib`` here); print its problems.

    Returns the library, the path read and how many error diagnostics it had
    (entries that could not be loaded); printing them already makes the
    command exit 1 once it has printed what did load.
    """
    if path is None:
        if not Path(DEFAULT_BIB).is_file():
            raise UsageError(
                f"no bibliography given (--bib) and no {DEFAULT_BIB} in the current folder"
            )
        path = DEFAULT_BIB
    source = read_input(path, from_, encoding, sentence_case=sentence_case)
    echo_diagnostics([d for d in source.diagnostics if d.severity is not Severity.INFO])
    return source.library, path, len(source.result.errors)


def resolve_options(style: str, locale: str | None) -> tuple[Any, str | None]:
    """Fail early (exit 2) on an unknown style or locale."""
    the_style = find_style(style)
    return the_style, (check_locale(locale) if locale else None)


def echo_warnings(result: Result) -> None:
    """Print the render's warnings but its unknown keys (``unknown-key`` problems).

    Those were reported by :func:`report_unknown_keys` before rendering, with
    the wording and exit code every command uses.
    """
    unknown = {p.message for p in result.problems if p.code == "unknown-key"}
    for warning in result.warnings:
        if warning in unknown:
            continue
        click.echo(f"warning: {warning}", err=True)


def report_unknown_keys(library: Library, clusters: Sequence[Cluster]) -> list[str]:
    """Warn about each unknown key (with the closest keys); the command then exits 1.

    One unknown key must not blank the output: the rest is still rendered
    (the unknown cite as a marker) and only the exit code tells scripts.
    """
    missing = unknown_keys(library, clusters)
    for key in missing:
        hint = citekit.closest_keys(key, library.keys())
        click.echo(
            f"warning: unknown key '{key}'"
            + (f" (did you mean: {', '.join(hint)}?)" if hint else ""),
            err=True,
        )
    note_problems(len(missing))
    return missing


def render_format(output_format: str) -> str:
    return "text" if output_format == "json" else output_format


def parse_argument(text: str, locale: str, number: int, style: Style) -> tuple[Cluster, bool]:
    """One CLUSTER argument as note ``number``, and whether it is author-in-text.

    ``@key [p. 33]`` is pandoc's author-in-text form and reads as
    ``citekit render`` reads it in a document; anything else is a cluster,
    brackets optional.  The style's own locator labels count (IEEE's ``ch.``).
    """
    try:
        in_text = parse_in_text(text, locale, style=style)
        if in_text is not None:
            return replace(in_text, note_number=number), True
        return parse_cluster(text, locale, note_number=number, style=style), False
    except CitationSyntaxError as exc:
        raise UsageError(str(exc)) from exc


@click.command("cite")
@click.argument("clusters", nargs=-1, required=True, metavar="CLUSTER...")
@click.option(
    "--bib",
    "-b",
    "--bibliography",
    "bib_path",
    default=None,
    metavar="FILE",
    help=f"Bibliography file (any format citekit reads; - for stdin; "
    f"--bibliography as pandoc spells it); default: ./{DEFAULT_BIB}.",
)
@from_option
@encoding_option
@style_options
@click.option(
    "--with-bibliography",
    "-B",
    "with_bibliography",
    is_flag=True,
    help="Also print the bibliography of the cited entries.",
)
@click.option(
    "--quotations",
    "include_quotations",
    is_flag=True,
    help="With --with-bibliography: also list the cited quotation records, not "
    "only the works quoting them.",
)
@sentence_case_option
@identifier_options
@handle_errors
def cite_command(
    clusters: tuple[str, ...],
    bib_path: str | None,
    from_: str | None,
    encoding: str | None,
    style: str,
    locale: str | None,
    output_format: str,
    engine: str,
    link: bool,
    with_bibliography: bool,
    include_quotations: bool,
    sentence_case: bool,
    resolve: bool,
    offline: bool,
    no_cache: bool,
) -> None:
    """Format citations written in pandoc's citation syntax.

    Each CLUSTER is one citation: keys with @, separated by semicolons, each
    with an optional prefix, a locator (p. 33, pp. 33-35, chap. 2, § 4 ...)
    and a suffix; -@key leaves the author out.  "@key [p. 33]" is pandoc's
    author-in-text form and prints as render prints it in a document:
    "Raimondo (2000, p. 33)" in apa ("@key []" without a locator; a bare
    @key stays a cluster).  Clusters render in order, so later ones can
    come out as "ibid." or short forms; in a note style each is a note and
    starts with a capital.  A biblatex @set cites its members.  The
    default style is apa.  A quotation record (docs/quotations.md) cites as the statement
    "quoted in" the work that quotes it; the bibliography lists that work
    (and, with --quotations, the quotation too).  An unknown key is a
    warning naming the closest keys, rendered as [unknown: key], and the
    rest still prints, with exit code 1; so does a bibliography entry that
    cannot be read.  An unknown style or a bad option exits 2
    (docs/exit-codes.md).  A key the bibliography lacks written as an
    identifier (@doi:10.1000/xyz, @{doi:...} for odd characters, @isbn:...,
    @arxiv:..., @pmid:..., @pmcid:...) is looked up for this run, through
    the cache (--offline: the cache only; --no-resolve: not at all); without
    --bib and references.bib, identifiers alone need no bibliography.
    Nothing is written: citekit add keeps a record (docs/identifiers.md).

    \b
    Example:
      citekit cite "@raimondo2000enemy, p. 33; @raimondo2008reclaiming"
      citekit cite "@raimondo2000enemy [p. 33]"
      citekit cite "[see @raimondo2000enemy, chap. 2]" "[-@raimondo2008reclaiming]" \
        -s chicago-notes-bibliography
      citekit cite @raimondo2000enemy -s ieee --format html
      citekit cite @tillerson2017patience -s chicago-author-date --with-bibliography
      citekit cite "[@doi:10.1038/nature14539, p. 437]" -s apa
    """
    the_style, the_locale = resolve_options(style, locale)
    parsed: list[Cluster] = []
    narrative: list[bool] = []
    syntax_locale = the_locale or the_style.default_locale or DEFAULT_LOCALE
    for number, text in enumerate(clusters, start=1):
        cluster, in_text = parse_argument(text, syntax_locale, number, the_style)
        parsed.append(citekit.suppress_in_text_author(cluster, the_style) if in_text else cluster)
        narrative.append(in_text)
    keys = [item.id for cluster in parsed for item in cluster.items]
    if (
        bib_path is None
        and not Path(DEFAULT_BIB).is_file()
        and resolve
        and all(_may_be_identifier(key) and citekit.is_identifier_key(key) for key in keys)
    ):
        library = Library()  # identifiers alone: no bibliography needed
    else:
        library, _, _ = load_bibliography(bib_path, from_, encoding, sentence_case=sentence_case)
    if resolve and any(_may_be_identifier(key) for key in keys):
        resolver = identifier_resolver(resolve, offline, no_cache, sentence_case)
        resolution = citekit.resolve_identifiers(library, keys, resolver)
        echo_resolution(resolution)
        parsed = resolution.rename(parsed)
    report_unknown_keys(library, parsed)
    result = render(
        library,
        the_style,
        citations=parsed,
        locale=the_locale,
        output=render_format(output_format),
        engine=engine,
        link=link,
        bibliography=with_bibliography,
        bibliography_keys=[] if with_bibliography else None,
        include_quotations=include_quotations,
    )
    finish_standalone_citations(result, library, parsed, narrative)
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
    "echo_resolution",
    "echo_warnings",
    "identifier_options",
    "identifier_resolver",
    "load_bibliography",
    "render_format",
    "report_unknown_keys",
    "resolve_options",
    "style_options",
]

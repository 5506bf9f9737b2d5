"""``citekit bib``: a formatted bibliography of a whole file or of chosen keys."""

from __future__ import annotations

import click

from citekit import (
    CiteItem,
    Cluster,
    atomic_write_text,
    format_bibliography,
    normalise_keys,
    render,
)
from citekit.cli._common import (
    encoding_option,
    from_option,
    handle_errors,
    jobs_option,
    output_option,
    progress_callback,
    sentence_case_option,
)
from citekit.cli.cite import (
    echo_warnings,
    load_bibliography,
    render_format,
    report_unknown_keys,
    resolve_options,
    style_options,
)


@click.command("bib")
@click.argument("file", metavar="FILE")
@click.argument("keys", nargs=-1, metavar="[KEY...]")
@from_option
@encoding_option
@sentence_case_option
@style_options
@output_option(help="Write here instead of stdout (never over FILE).")
@click.option(
    "--standalone",
    is_flag=True,
    help="HTML and LaTeX: a complete document, not just the bibliography block.",
)
@click.option(
    "--quotations",
    "include_quotations",
    is_flag=True,
    help="Also list quotation records (by default the works quoting them stand for them).",
)
@jobs_option
@handle_errors
def bib_command(
    file: str,
    keys: tuple[str, ...],
    from_: str | None,
    encoding: str | None,
    sentence_case: bool,
    style: str,
    locale: str | None,
    output_format: str,
    engine: str,
    link: bool,
    output: str,
    standalone: bool,
    include_quotations: bool,
    jobs: int,
) -> None:
    """Format the bibliography of FILE (all entries, or the KEYs named).

    FILE is any format citekit reads (BibTeX/BibLaTeX, CSL-JSON, CSL-YAML,
    RIS; - for stdin).  The default style is apa.  HTML output carries the
    style's layout (hanging indent, spacing) as CSS on the csl-bib-body
    block, LaTeX output as a list environment.  Quotation records (statements
    a work quotes, docs/quotations.md) are left out of a whole-file
    bibliography, since the work quoting them is listed; --quotations lists
    them too, and a KEY named is always listed.  An unknown KEY is a
    warning naming the closest keys and the others are still printed, with
    exit code 1; so are entries of FILE that cannot be read (reported with
    file, line and entry).  An unknown style, a missing FILE or a bad option
    exits 2 (docs/exit-codes.md).  --from names the format of stdin
    (e.g. cslyaml for pandoc's references: YAML).

    A bibliography of thousands of entries is formatted in several processes
    (--jobs, on Linux and other Unixes; in one on macOS and Windows), after
    sorting and disambiguation, which need every entry: the output is the
    same, and comes sooner when the other CPUs are free.

    \b
    Example:
      citekit bib references.bib
      citekit bib references.bib --quotations -s chicago-notes-bibliography
      citekit bib references.bib raimondo2000enemy raimondo2008reclaiming --style ieee --format html
      citekit bib refs.json -s chicago-author-date --format latex --standalone -o refs.tex
      citekit bib - --from cslyaml < refs.yaml
      citekit bib big-library.bib --jobs 2 -o big-library.txt
    """
    the_style, the_locale = resolve_options(style, locale)
    library, path, _ = load_bibliography(file, from_, encoding, sentence_case=sentence_case)
    keys = tuple(normalise_keys(keys, library))  # @key as the cite command writes it
    if keys:
        report_unknown_keys(library, [Cluster(tuple(CiteItem(k) for k in keys))])
    entries = len(set(keys)) if keys else len(library)  # about what the engine renders
    with progress_callback("formatting", entries) as step:
        result = render(
            library,
            the_style,
            locale=the_locale,
            output=render_format(output_format),
            engine=engine,
            link=link,
            bibliography_keys=list(keys) if keys else None,
            include_quotations=include_quotations,
            progress=step,
            jobs=jobs,
        )
    echo_warnings(result)
    if output_format == "json":
        import json  # here: only --format json needs it

        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = format_bibliography(result, standalone=standalone)
    atomic_write_text(output, text, protect=(path,))


COMMANDS = [bib_command]

__all__ = ["COMMANDS"]

"""``citekit quotes``: list quotation records, and verify their words against a text.

``citekit quotes [FILE]`` lists; ``citekit quotes verify FILE --source TEXT``
checks.  The group takes an optional FILE *and* subcommands, which click
cannot tell apart on its own (an optional group argument would swallow the
word ``verify``), so :class:`QuotesGroup` looks at the first positional word
before click does: a subcommand name stays a subcommand, anything else is
the FILE.  A file literally named ``verify`` is reached as ``./verify``.
"""

from __future__ import annotations

import csv
import io
import sys
import textwrap

import click

from citekit import (
    Library,
    Quotation,
    Verification,
    check_quotations,
    format_word_diff,
    quotations,
    read_decoded,
    verify,
)
from citekit.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    echo_diagnostics,
    echo_json,
    encoding_option,
    format_option,
    handle_errors,
    read_input,
)
from citekit.errors import Diagnostic, Severity, UnknownKeyError, UsageError

DEFAULT_FILE = "references.bib"
_FILE_KEY = "citekit.ops.quotations.file"
_FILTERS_KEY = "citekit.ops.quotations.filters"
_WORDS_WIDTH = 60
_CONTEXT = 4  # words of context around each change in text diffs


class QuotesGroup(click.Group):
    """A click group whose first positional word may be a FILE instead of a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = list(args)
        takes_value = {
            opt
            for param in self.params
            if isinstance(param, click.Option) and not param.is_flag and not param.count
            for opt in (*param.opts, *param.secondary_opts)
        }
        index = 0
        while index < len(args):
            token = args[index]
            if token == "--":
                index += 1
                if index < len(args) and args[index] not in self.commands:
                    ctx.meta[_FILE_KEY] = args.pop(index)
                break
            if token.startswith("-") and token != "-":
                index += 2 if token in takes_value else 1
                continue
            if token not in self.commands:
                ctx.meta[_FILE_KEY] = args.pop(index)
            break
        return super().parse_args(ctx, args)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return ["[OPTIONS]", "[FILE]", "| verify FILE --source TEXTFILE [OPTIONS]"]


def load_library(path: str, encoding: str | None = None) -> tuple[Library, list[Diagnostic]]:
    """Read a library (:func:`citekit.load_library`) and check its quotation records.

    The reading and quotation diagnostics go to stderr (infos only unless quiet).
    """
    source = read_input(path, None, encoding)
    diagnostics = [
        *source.diagnostics,
        *check_quotations(source.library, file=source.name, lines=source.result.lines),
    ]
    echo_diagnostics(diagnostics, quiet=True)
    return source.library, diagnostics


def select(library: Library, speaker: str | None, quoted_in: str | None) -> list[Quotation]:
    if quoted_in is not None and quoted_in not in library:
        raise UnknownKeyError(f"no record '{quoted_in}' in the library (--in)")
    return quotations(library, speaker=speaker, quoted_in=quoted_in)


def _has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


# ---------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------


def _quoted_in(quote: Quotation) -> str:
    if quote.quoted_in is None:
        return ""
    return f"{quote.quoted_in}, {quote.where}" if quote.where else quote.quoted_in


def _row(quote: Quotation) -> list[str]:
    return [
        quote.speaker_display,
        str(quote.date) if quote.date else "",
        quote.words,
        _quoted_in(quote),
    ]


_HEADERS = ["speaker", "date", "words", "quoted in"]


def render_table(quotes: list[Quotation]) -> str:
    rows = [[c.upper() for c in _HEADERS]]
    for quote in quotes:
        row = _row(quote)
        row[2] = textwrap.shorten(row[2], _WORDS_WIDTH, placeholder=" …")
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADERS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def render_csv(quotes: list[Quotation]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "id",
            "speaker",
            "date",
            "words",
            "quoted-in",
            "quoted-in-locator",
            "quoted-in-label",
            "occasion",
            "original-quotation",
            "original-source",
        ]
    )
    for q in quotes:
        writer.writerow(
            [
                q.key,
                q.speaker_display,
                str(q.date) if q.date else "",
                q.words,
                q.quoted_in or "",
                q.locator or "",
                q.label or "",
                q.occasion or "",
                q.original_words or "",
                q.original_source or "",
            ]
        )
    return buffer.getvalue().rstrip("\n")


def render_markdown(quotes: list[Quotation]) -> str:
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = ["| Speaker | Date | Words | Quoted in |", "| --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(cell(c) for c in _row(q)) + " |" for q in quotes]
    return "\n".join(lines)


@click.group("quotes", cls=QuotesGroup, invoke_without_command=True)
@click.option(
    "--speaker", metavar="NAME", help="Only quotations whose speaker's name contains NAME."
)
@click.option("--in", "quoted_in", metavar="KEY", help="Only quotations quoted in record KEY.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv", "markdown"]),
    default=None,
    help="Listing format (default: table).",
)
@encoding_option
@click.pass_context
@handle_errors
def quotes(
    ctx: click.Context,
    speaker: str | None,
    quoted_in: str | None,
    output_format: str | None,
    encoding: str | None,
) -> None:
    """List the quotation records in FILE (default: ./references.bib).

    A quotation record is a speech, interview or personal communication
    whose custom fields hold the words and the work quoting them (see
    docs/quotations.md). The listing shows speaker, date, words and where
    they are quoted; records that break the quotation rules are reported on
    stderr and make the exit code 1. `citekit quotes verify` checks the
    words against a text.

    \b
    Example:
      citekit quotes
      citekit quotes references.bib --speaker Trump --format json
      citekit quotes verify references.bib --source essay.txt
    """
    file = ctx.meta.get(_FILE_KEY)
    if ctx.invoked_subcommand is not None:
        if file is not None:
            raise UsageError(f"give FILE after '{ctx.invoked_subcommand}', not before it")
        if output_format is not None:
            raise UsageError(f"put --format after '{ctx.invoked_subcommand}'")
        if encoding is not None:
            raise UsageError(f"put --encoding after '{ctx.invoked_subcommand}'")
        ctx.meta[_FILTERS_KEY] = (speaker, quoted_in)
        return
    library, diagnostics = load_library(file or DEFAULT_FILE, encoding)
    found = select(library, speaker, quoted_in)
    fmt = output_format or "table"
    if fmt == "json":
        echo_json([q.to_json() for q in found])
    elif fmt == "csv":
        click.echo(render_csv(found))
    elif fmt == "markdown":
        click.echo(render_markdown(found))
    elif found:
        click.echo(render_table(found))
    else:
        click.echo("no quotation records", err=True)
    sys.exit(EXIT_PROBLEMS if _has_errors(diagnostics) else EXIT_OK)


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------


def _percent(ratio: float) -> str:
    return f"{round(ratio * 100)}% alike"


def render_verification(result: Verification) -> str:
    quote = result.quotation
    where = ", ".join(f"paragraph {p}" for p in dict.fromkeys(result.paragraphs))
    head = f"{result.status:<8} {quote.key}  {quote.speaker_display or '(no speaker)'}"
    details = [where] if where else []
    if result.status == "near":
        details.append(_percent(min(p.ratio for p in result.passages if p.status != "missing")))
    if details:
        head += f"  ({'; '.join(details)})"
    lines = [head]
    label = "original" if result.field == "original-quotation" else "quoted"
    if result.status != "exact":
        lines.append(f"         {label}: “{result.checked}”")
    if result.status == "near":
        lines.append(f"         found:  “{result.passage}”")
        diff = " … ".join(
            format_word_diff(p.diff, context=_CONTEXT) for p in result.passages if p.diff
        )
        lines.append(f"         diff:   {diff}")
    for passage in result.passages:
        if passage.status == "missing" and len(result.passages) > 1:
            lines.append(f"         missing part: “{passage.words}”")
    if result.departures:
        lines.append(
            f"         the quoting work departs from the original: "
            f"{format_word_diff(result.departures, context=_CONTEXT)}"
        )
    lines.extend(f"         note: {note}" for note in result.notes)
    return "\n".join(lines)


def _counts(results: list[Verification]) -> dict[str, int]:
    tally = {"exact": 0, "near": 0, "missing": 0}
    for result in results:
        tally[result.status] += 1
    return tally


@quotes.command("verify")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--source",
    "source",
    metavar="TEXTFILE",
    required=True,
    type=click.Path(allow_dash=True),
    help="Plain text of the quoting work (or, with --original, of the original).",
)
@click.option("--in", "quoted_in", metavar="KEY", help="Only quotations quoted in record KEY.")
@click.option(
    "--speaker", metavar="NAME", help="Only quotations whose speaker's name contains NAME."
)
@click.option(
    "--original",
    is_flag=True,
    help="Check the original wording, and show where the quoting work departs from it.",
)
@format_option
@encoding_option
@click.pass_context
@handle_errors
def verify_command(
    ctx: click.Context,
    file: str,
    source: str,
    quoted_in: str | None,
    speaker: str | None,
    original: bool,
    output_format: str,
    encoding: str | None,
) -> None:
    """Check that each quotation in FILE appears verbatim in TEXTFILE.

    Quotes, apostrophes, dashes, ellipses and spacing are compared loosely;
    letters, words and punctuation exactly. Each quotation is reported as
    exact, near (with the closest passage and a word diff: [-in the words
    checked only-] {+in the source only+}) or missing. Parts split by an ellipsis must appear in
    order. Exit 1 when any quotation is not exact. --encoding applies to
    FILE and TEXTFILE alike.

    \b
    Example:
      citekit quotes verify references.bib --source essay.txt
      citekit quotes verify references.bib --source essay.txt --in raimondo2017trump
      citekit quotes verify refs.json --source speech.txt --original --format json
    """
    if file == "-" and source == "-":
        raise UsageError("FILE and --source cannot both be read from stdin")
    group_speaker, group_in = ctx.meta.get(_FILTERS_KEY, (None, None))
    library, diagnostics = load_library(file, encoding)
    selected = select(library, speaker or group_speaker, quoted_in or group_in)
    decoded = read_decoded(source, encoding)
    text = decoded.text
    echo_diagnostics(decoded.diagnostics, quiet=True)
    results = verify(selected, text, original=original)
    tally = _counts(results)
    if output_format == "json":
        echo_json(
            {
                "file": file,
                "source": source,
                "original": original,
                "counts": tally,
                "results": [r.to_json() for r in results],
            }
        )
    else:
        for result in results:
            click.echo(render_verification(result))
        click.echo(
            f"{len(results)} quotation{'' if len(results) == 1 else 's'}: "
            f"{tally['exact']} exact, {tally['near']} near, {tally['missing']} missing"
        )
    failed = tally["near"] + tally["missing"] or _has_errors(diagnostics)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


COMMANDS = [quotes]

__all__ = [
    "COMMANDS",
    "QuotesGroup",
    "load_library",
    "quotes",
    "render_verification",
    "verify_command",
]

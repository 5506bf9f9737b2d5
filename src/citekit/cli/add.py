"""``citekit add``: records from identifiers, appended to a bibliography.

The file is never rewritten: the new entries' text goes after the existing
bytes (BibTeX), or before the closing bracket of the CSL-JSON array, in the
file's encoding and line endings, written atomically (the file is always
either the old one or the new one).  ``--merge`` edits only the one entry a
duplicate matches (BibTeX), through the same textual editing ``citekit
dedupe`` uses.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from pathlib import Path

import click

from citekit import (
    DEFAULT_KEY_PATTERN,
    Cache,
    FetchResult,
    FormatInfo,
    HttpClient,
    IdentityIndex,
    InputFile,
    KeyPattern,
    Library,
    Record,
    Services,
    SourceEditError,
    append_bibtex,
    append_json,
    atomic_write_text,
    bibtex_entry,
    check_appended,
    fetch_records,
    format_for_path,
    get_format,
    keys_for_new_records,
    merge_into_bibtex,
    merge_into_json,
    with_key,
)
from citekit import write_string as format_write
from citekit.cli._common import encoding_option, handle_errors, note_problems, read_input
from citekit.errors import OutputError, Severity, UsageError

_APPENDABLE = ("biblatex", "csljson")


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


@dataclass
class Plan:
    """What an ``add`` will do: records to append, and (key, record) merges."""

    added: list[Record] = field(default_factory=list)
    merges: list[tuple[str, Record]] = field(default_factory=list)


def _target(path: str, encoding: str | None) -> tuple[FormatInfo, InputFile | None]:
    info = format_for_path(path)
    if info is None or info.name not in _APPENDABLE:
        raise UsageError(f"cannot add to {path}: --to must name a .bib or .json file")
    if path == "-" or not Path(path).exists():
        if encoding is not None:  # the file to create: refuse a bad name before any request
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise UsageError(
                    f"unknown text encoding '{encoding}' (try utf-8, latin-1, cp1252, utf-16)"
                ) from None
        return info, None
    source = read_input(path, None, encoding)
    if source.format.name != info.name:
        info = get_format(source.format.name)
    return info, source


def _report_existing_problems(source: InputFile | None) -> None:
    if source is None:
        return
    problems = [
        d for d in source.diagnostics if d.severity is Severity.ERROR and d.code != "no-entries"
    ]
    if problems:
        click.echo(
            f"note: {source.name} has {len(problems)} problem(s) ('citekit check "
            f"{source.path}' lists them); the entries there are left as they are",
            err=True,
        )


def _keyed(records: list[Record], library: Library, pattern: str) -> list[Record]:
    """The new records with keys from ``pattern``, clear of the library's keys."""
    try:
        return keys_for_new_records(records, library, pattern)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _plan(results: list[FetchResult], library: Library, merge: bool, name: str) -> Plan:
    plan = Plan()
    index = IdentityIndex.of(library)
    for result in results:
        if result.record is None:
            click.echo(f"error: {result.query}: {result.error}", err=True)
            note_problems()
            continue
        for warning in result.warnings:
            click.echo(f"warning: {result.query}: {warning}", err=True)
        found = index.duplicate(result.record)
        if found is None:
            plan.added.append(result.record)
            index.add(result.record)
        elif merge and found[0] in library:
            plan.merges.append((found[0], result.record))
        else:
            where = f"{name} as '{found[0]}'" if found[0] in library else "this batch"
            hint = "" if merge else "; --merge fills its missing fields from it"
            click.echo(
                f"skipped: {result.query} is already in {where} (same {found[1]}){hint}", err=True
            )
    return plan


def _bibtex_text(source_text: str, plan: Plan, keyed: list[Record], name: str) -> str:
    text = append_bibtex(source_text, [bibtex_entry(r) for r in keyed])
    for key, record in plan.merges:
        try:
            text = merge_into_bibtex(text, key, bibtex_entry(with_key(record, key)))
        except SourceEditError as exc:
            raise OutputError(
                f"{name}: cannot merge into '{key}' in the file's text ({exc}); nothing was written"
            ) from exc
    return text


def _json_text(source: InputFile | None, plan: Plan, keyed: list[Record], name: str) -> str:
    text = source.text if source is not None else ""
    if not plan.merges:
        return append_json(text, [r.to_json() for r in keyed], name)
    # A merge changes an item inside the array: CSL-JSON is rewritten canonically then.
    library = source.library if source is not None else Library()
    return format_write(merge_into_json(library, plan.merges, keyed), "csljson")


@click.command("add")
@click.argument("ids", metavar="ID...", nargs=-1, required=True)
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(dir_okay=False),
    help="The .bib or .json file to add to (created when missing).",
)
@click.option(
    "--merge",
    is_flag=True,
    help="When the work is already there (same DOI, ISBN, PMID or PMCID), add the "
    "fields it lacks instead of skipping it.",
)
@click.option("--dry-run", is_flag=True, help="Print what would be added; write nothing.")
@click.option(
    "-p",
    "--pattern",
    default=DEFAULT_KEY_PATTERN,
    show_default=True,
    help="Key pattern for the new entries (as 'citekit keys').",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor keep answers in the cache folder.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Ask the services again even for answers in the cache (and keep the new ones).",
)
@click.option(
    "--mailto",
    metavar="ADDRESS",
    default=None,
    help="Your e-mail address for Crossref's polite pool (default $CITEKIT_MAILTO).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 300),
    default=20.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=3,
    show_default=True,
    help="Further attempts after a timeout, a 429 or a 5xx answer.",
)
@encoding_option
@handle_errors
def add(
    ids: tuple[str, ...],
    to: str,
    merge: bool,
    dry_run: bool,
    pattern: str,
    no_cache: bool,
    refresh: bool,
    mailto: str | None,
    timeout: float,
    retries: int,
    encoding: str | None,
) -> None:
    """Add records for DOIs, ISBNs, arXiv, PubMed and PMC ids to a bibliography.

    IDs are written as usual: 10.1000/xyz, doi:..., https://doi.org/...,
    ISBN 978-..., arXiv:2101.00001v2, hep-th/9603067, pmid:..., PMC....
    New entries get keys from --pattern and go after the existing text,
    which is never rewritten; a work already in the file (same DOI, ISBN,
    PMID or PMCID) is skipped, or with --merge completed. An id that cannot
    be looked up is reported and the others are still added (exit 1). The
    file is written in the encoding it was read in (--encoding names one
    other than UTF-8; a new file is created in it).
    Answers are cached in $XDG_CACHE_HOME/citekit (or $CITEKIT_CACHE_DIR);
    $CITEKIT_DOI_URL, $CITEKIT_OPENLIBRARY_URL, $CITEKIT_ARXIV_URL and
    $CITEKIT_NCBI_URL replace the services' base URLs (a mirror, a proxy).

    \b
    Example:
      citekit add 10.1038/nature14539 isbn:9780262510875 arXiv:1706.03762 --to refs.bib
      citekit add pmid:21858107 --to refs.json --dry-run
    """
    try:
        KeyPattern.parse(pattern)  # before any request
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    info, source = _target(to, encoding)
    _report_existing_problems(source)
    library = source.library if source is not None else Library()
    client = HttpClient(
        services=Services.from_env(),
        cache=None if no_cache else Cache(),
        refresh=refresh,
        mailto=mailto,
        timeout=timeout,
        retries=retries,
    )
    with client:
        results = fetch_records(ids, client=client)
    name = source.name if source is not None else to
    plan = _plan(results, library, merge, name)
    keyed = _keyed(plan.added, library, pattern)
    if not keyed and not plan.merges:
        click.echo("nothing to add", err=True)
        return
    if dry_run:
        _show(info, keyed, plan)
        return
    if info.name == "biblatex":
        text = _bibtex_text(source.text if source is not None else "", plan, keyed, name)
    else:
        text = _json_text(source, plan, keyed, name)
    check_appended(text, info, name, [r.key for r in keyed], len(library) + len(keyed))
    written = source.encoding if source is not None else encoding or "utf-8"
    atomic_write_text(to, text, encoding=written)
    for record, origin in zip(keyed, plan.added, strict=True):
        click.echo(f"added {record.key} ({origin.key})", err=True)
    for key, record in plan.merges:
        click.echo(f"merged {record.key} into {key}", err=True)


def _show(info: FormatInfo, keyed: list[Record], plan: Plan) -> None:
    """The entries (and merges) an ``add`` would make, on stdout."""
    if info.name == "biblatex":
        for record in keyed:
            click.echo(bibtex_entry(record) + "\n")
    else:
        click.echo(json.dumps([r.to_json() for r in keyed], ensure_ascii=False, indent=2))
    for key, record in plan.merges:
        click.echo(f"would merge into {key}:", err=True)
        click.echo(bibtex_entry(with_key(record, key)) + "\n")
    click.echo(
        f"{len(keyed)} entr{'y' if len(keyed) == 1 else 'ies'} would be added, "
        f"{len(plan.merges)} merged",
        err=True,
    )


COMMANDS = [add]

__all__ = ["COMMANDS", "add"]

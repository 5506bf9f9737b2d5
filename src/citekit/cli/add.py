"""``citekit add``: records from identifiers, appended to a bibliography.

The file is never rewritten: the new entries' text goes after the existing
bytes (BibTeX), or before the closing bracket of the CSL-JSON array, in the
file's encoding and line endings, written atomically (the file is always
either the old one or the new one).  ``--merge`` edits only the one entry a
duplicate matches (BibTeX), through the same textual editing ``citekit
dedupe`` uses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from citekit.base.files import atomic_write_text
from citekit.cli._common import InputFile, handle_errors, note_problems, read_input
from citekit.errors import OutputError, Severity, UsageError
from citekit.formats import FormatInfo, format_for_path, get_format, read_string
from citekit.formats.bibmap import FIELD_ALIASES
from citekit.formats.bibwrite import write_entry
from citekit.model.records import Library, Record
from citekit.ops.bibsource import (
    EntryEdit,
    SourceEditError,
    TextEdits,
    checked,
    entry_blocks,
    locate_blocks,
    scan_entry,
    scan_entry_lenient,
)
from citekit.ops.dedupe import clone, merge_records, record_dois, record_isbns
from citekit.ops.keys import DEFAULT_PATTERN, KeyPattern, generate_keys
from citekit.sources import FetchResult, fetch_records
from citekit.sources.doi import sentence_case_titles
from citekit.sources.http import Cache, HttpClient, Services

_APPENDABLE = ("biblatex", "csljson")
_DATE_FIELDS = frozenset({"year", "month", "day", "date"})


# ---------------------------------------------------------------------------
# Duplicates
# ---------------------------------------------------------------------------


_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/abs/(.+?)(?:v\d+)?/?$")


def identity(record: Record) -> set[str]:
    """What makes two records the same work: DOIs, ISBN-13s, PMIDs, PMCIDs, arXiv ids.

    An arXiv id counts without its version (v2 of a paper is the paper), read
    from the abstract page's URL, as the BibTeX reader builds it from ``eprint``.
    """
    found = {f"doi:{d}" for d in record_dois(record)}
    found |= {f"isbn:{i}" for i in record_isbns(record)}
    for variable in ("PMID", "PMCID"):
        value = record.get(variable)
        if isinstance(value, (str, int)) and str(value).strip():
            found.add(f"{variable.lower()}:{str(value).strip().upper()}")
    url = record.get("URL")
    match = _ARXIV_URL.match(url.strip()) if isinstance(url, str) else None
    if match:
        found.add(f"arxiv:{match.group(1).lower()}")
    return found


@dataclass
class Index:
    """The library's records by identity, growing as records are added."""

    owners: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, library: Library) -> Index:
        index = cls()
        for record in library:
            index.add(record)
        return index

    def add(self, record: Record) -> None:
        for item in identity(record):
            self.owners.setdefault(item, record.key)

    def duplicate(self, record: Record) -> tuple[str, str] | None:
        """The key of a record with the same identity, and which identifier matched."""
        for item in sorted(identity(record)):
            if item in self.owners:
                return self.owners[item], item
        return None


# ---------------------------------------------------------------------------
# Appending text
# ---------------------------------------------------------------------------


def newline_of(text: str) -> str:
    """The file's line ending: that of its first line (``\\n`` for a new file)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def append_bibtex(text: str, entries: list[str]) -> str:
    """``text`` with the entries after it, a blank line apart, in its line endings."""
    if not entries:
        return text
    newline = newline_of(text)
    body = (newline * 2).join(e.replace("\r\n", "\n").replace("\n", newline) for e in entries)
    if not text.strip():
        return text + body + newline
    lead = newline if text.endswith(("\n", "\r")) else newline * 2
    return text + lead + body + newline


def append_json(text: str, items: list[dict[str, Any]], name: str) -> str:
    """A CSL-JSON array's text with items added before its closing bracket.

    The other items' text, the layout and the trailing white space stay as
    they are; the new items are indented two spaces as citekit writes them.
    """
    if not items:
        return text
    newline = newline_of(text)
    rendered = [
        "  " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", newline + "  ")
        for item in items
    ]
    joined = ("," + newline).join(rendered)
    stripped = text.rstrip()
    if not stripped:
        return "[" + newline + joined + newline + "]" + newline
    if not stripped.endswith("]") or not stripped.lstrip("\ufeff").lstrip().startswith("["):
        raise UsageError(
            f"{name} is not a CSL-JSON array, so nothing can be appended to it; "
            "convert it with 'citekit convert' first"
        )
    body = stripped[:-1].rstrip()
    comma = "" if body.endswith("[") else ","
    return body + comma + newline + joined + newline + "]" + text[len(stripped) :]


def merge_bibtex(text: str, key: str, entry: str) -> str:
    """``text`` with the fields of ``entry`` that entry ``key`` lacks added to it.

    Only that entry changes, and only by gaining fields (in its layout); a
    field it has, under any BibLaTeX synonym, is left as it is, and an entry
    with any date field keeps its date.
    """
    located = locate_blocks(text)
    blocks = entry_blocks(located)
    if key not in blocks:
        raise SourceEditError(f"entry '{key}' cannot be located in the text")
    item = blocks[key]
    assert item.entry is not None
    source = scan_entry_lenient(text[item.start : item.end], item.entry, ())
    new_blocks = entry_blocks(locate_blocks(entry))
    new = scan_entry(entry.strip(), next(iter(new_blocks.values())).entry)
    present = {FIELD_ALIASES.get(f.name.lower(), f.name.lower()) for f in source.fields}
    dated = bool(present & _DATE_FIELDS)
    edit = EntryEdit(source)
    for new_field in new.fields:
        name = FIELD_ALIASES.get(new_field.name.lower(), new_field.name.lower())
        if name in present or (dated and name in _DATE_FIELDS):
            continue
        edit.set(new_field.name, new_field.value)
        present.add(name)
    if not edit.values:
        return text
    edits = TextEdits(text)
    edits.replace(item.start, item.end, checked(edit))
    return edits.apply()


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


@dataclass
class Plan:
    """What an ``add`` will do: records to append, and (key, record) merges."""

    added: list[Record] = field(default_factory=list)
    merges: list[tuple[str, Record]] = field(default_factory=list)


def _target(path: str) -> tuple[FormatInfo, InputFile | None]:
    info = format_for_path(path)
    if info is None or info.name not in _APPENDABLE:
        raise UsageError(f"cannot add to {path}: --to must name a .bib or .json file")
    if path == "-" or not Path(path).exists():
        return info, None
    source = read_input(path)
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
    combined = Library(clone(r) for r in library)
    new_ids: set[str] = set()
    for index, record in enumerate(records):
        copied = clone(record)
        copied.id = f"\x00new{index}"
        new_ids.add(copied.key)
        combined.add(copied)
    try:
        renamed, keyed = generate_keys(combined, pattern, keep=lambda r: r.key not in new_ids)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return [keyed[renamed[f"\x00new{i}"]] for i in range(len(records))]


def _plan(results: list[FetchResult], library: Library, merge: bool, name: str) -> Plan:
    plan = Plan()
    index = Index.of(library)
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
    text = append_bibtex(source_text, [_bibtex_entry(r) for r in keyed])
    for key, record in plan.merges:
        try:
            text = merge_bibtex(text, key, _bibtex_entry(_with_key(record, key)))
        except SourceEditError as exc:
            raise OutputError(
                f"{name}: cannot merge into '{key}' in the file's text ({exc}); nothing was written"
            ) from exc
    return text


def _with_key(record: Record, key: str) -> Record:
    copied = clone(record)
    copied.id = key
    return copied


def _json_ready(record: Record) -> dict[str, Any]:
    """The record's CSL-JSON, titles as the source has them."""
    return record.to_json()


def _bibtex_entry(record: Record) -> str:
    """The record as a BibTeX entry with its titles as published, as a user would type them.

    The titles are stored the way the BibTeX reader stores a typed one
    (:func:`citekit.sources.doi.sentence_case_titles`), so the writer gives
    them back unbraced and the file reads back like any other ``.bib`` entry.
    An arXiv preprint also gets BibLaTeX's ``eprint``, ``eprinttype`` and
    ``eprintclass`` fields.
    """
    prepared = sentence_case_titles(record)
    number = prepared.get("number")
    if (
        prepared.get("publisher") == "arXiv"
        and isinstance(number, str)
        and number.startswith("arXiv:")
    ):
        bib = prepared.custom.setdefault("biblatex", {})
        bib.setdefault("eprint", number.removeprefix("arXiv:"))
        bib.setdefault("eprinttype", "arxiv")
        keywords = prepared.get("keyword")
        if isinstance(keywords, str) and keywords:
            bib.setdefault("eprintclass", keywords.split(",")[0].strip())
    return write_entry(prepared)


def _json_text(source: InputFile | None, plan: Plan, keyed: list[Record], name: str) -> str:
    text = source.text if source is not None else ""
    if not plan.merges:
        return append_json(text, [_json_ready(r) for r in keyed], name)
    # A merge changes an item inside the array: CSL-JSON is rewritten canonically then.
    from citekit.formats import csljson

    library = Library(clone(r) for r in source.library) if source is not None else Library()
    for key, record in plan.merges:
        merged = merge_records(
            [library[key], _with_key(Record.from_json(_json_ready(record)), key)], "combine"
        )
        library.add(merged, replace=True)
    for record in keyed:
        library.add(Record.from_json(_json_ready(record)))
    return csljson.write(library)


def _verify(text: str, info: FormatInfo, name: str, keys: list[str], expected: int) -> None:
    """Refuse to write a file that does not read back with every new key in it."""
    result = read_string(text, info.name, filename=name)
    missing = [key for key in keys if key not in result.library]
    if len(result.library) < expected:
        raise OutputError(
            f"{name}: the text citekit made reads back with fewer entries than "
            "the file had; nothing was written"
        )
    if missing:
        raise OutputError(
            f"{name}: the new entry '{missing[0]}' does not read back from the "
            "text citekit made; nothing was written"
        )


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
    default=DEFAULT_PATTERN,
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
) -> None:
    """Add records for DOIs, ISBNs, arXiv, PubMed and PMC ids to a bibliography.

    IDs are written as usual: 10.1000/xyz, doi:..., https://doi.org/...,
    ISBN 978-..., arXiv:2101.00001v2, hep-th/9603067, pmid:..., PMC....
    New entries get keys from --pattern and go after the existing text,
    which is never rewritten; a work already in the file (same DOI, ISBN,
    PMID or PMCID) is skipped, or with --merge completed. An id that cannot
    be looked up is reported and the others are still added (exit 1).
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
    info, source = _target(to)
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
    _verify(text, info, name, [r.key for r in keyed], len(library) + len(keyed))
    atomic_write_text(to, text, encoding=source.encoding if source is not None else "utf-8")
    for record, origin in zip(keyed, plan.added, strict=True):
        click.echo(f"added {record.key} ({origin.key})", err=True)
    for key, record in plan.merges:
        click.echo(f"merged {record.key} into {key}", err=True)


def _show(info: FormatInfo, keyed: list[Record], plan: Plan) -> None:
    """The entries (and merges) an ``add`` would make, on stdout."""
    if info.name == "biblatex":
        for record in keyed:
            click.echo(_bibtex_entry(record) + "\n")
    else:
        click.echo(json.dumps([_json_ready(r) for r in keyed], ensure_ascii=False, indent=2))
    for key, record in plan.merges:
        click.echo(f"would merge into {key}:", err=True)
        click.echo(_bibtex_entry(_with_key(record, key)) + "\n")
    click.echo(
        f"{len(keyed)} entr{'y' if len(keyed) == 1 else 'ies'} would be added, "
        f"{len(plan.merges)} merged",
        err=True,
    )


COMMANDS = [add]

__all__ = ["COMMANDS", "add", "append_bibtex", "append_json", "identity", "merge_bibtex"]

"""``citekit dedupe``, ``citekit keys`` and ``citekit format``: library hygiene.

The three commands change bibliographies people have kept for years, so they
share one rule: nothing overwrites an input file unless ``--in-place`` is
given, and then the write is atomic (:func:`citekit.atomic_write_text`)
with an optional ``FILE~`` backup (``--backup``), in the encoding the file was
read with.  Nothing the user did not ask to change changes: ``keys`` and
``dedupe --merge`` edit a .bib file's text (:func:`citekit.rename_in_source`,
:func:`citekit.merge_in_source`)
instead of rewriting it, and ``format`` keeps blocks it cannot parse byte for
byte in their place.
"""

from __future__ import annotations

import json
import sys
from typing import cast

import click

from citekit import (
    DEFAULT_KEY_PATTERN,
    DUPLICATE_RULES,
    DuplicateGroup,
    EncodingError,
    FormatInfo,
    Library,
    LibraryMerger,
    MergePolicy,
    SortOrder,
    SourceEditError,
    atomic_write_text,
    conflicts_as_bibtex_field,
    find_duplicates,
    format_for_path,
    generate_keys,
    get_format,
    merge_duplicates,
    merge_in_source,
    read_decoded,
    rename_in_source,
    tidy,
)
from citekit import write_string as format_write
from citekit.cli._common import (
    EXIT_PROBLEMS,
    InputFile,
    echo_diagnostics,
    echo_json,
    encoding_option,
    format_option,
    handle_errors,
    input_name,
    progress_iter,
    read_input,
)
from citekit.errors import Diagnostic, OutputError, Severity, UsageError

# ---------------------------------------------------------------------------
# Shared plumbing
# ---------------------------------------------------------------------------


def _read_libraries(
    paths: tuple[str, ...], from_: str | None, encoding: str | None = None
) -> tuple[Library, list[Diagnostic], FormatInfo, list[InputFile]]:
    """Read every input into one library (:class:`citekit.LibraryMerger`).

    A key seen before gets ``-2``, ``-3`` ...; each file's reading problems
    come before the renames in it.
    """
    merger = LibraryMerger()
    diagnostics: list[Diagnostic] = []
    first_format: FormatInfo | None = None
    sources: list[InputFile] = []
    for path in progress_iter(paths, "reading"):
        source = read_input(path, from_, encoding)
        sources.append(source)
        first_format = first_format or source.format
        diagnostics += source.diagnostics
        diagnostics += merger.add(source.name, source.library)
    if first_format is None:
        raise UsageError("no input file")
    return merger.library, diagnostics, first_format, sources


def _output_format(output: str | None, to: str | None, fallback: FormatInfo) -> FormatInfo:
    if to:
        return get_format(to)
    if output and output != "-":
        info = format_for_path(output)
        if info is not None:
            return info
    return fallback


def _check_destination(
    paths: tuple[str, ...], output: str | None, in_place: bool, backup: bool
) -> None:
    if in_place and output:
        raise UsageError("give either -o/--output or --in-place, not both")
    if in_place and (len(paths) != 1 or paths[0] == "-"):
        raise UsageError("--in-place needs exactly one input file (not stdin)")
    if backup and not in_place:
        raise UsageError("--backup only makes sense with --in-place")


def _write(
    text: str,
    paths: tuple[str, ...],
    output: str | None,
    in_place: bool,
    backup: bool,
    encoding: str = "utf-8",
) -> None:
    """Write the result: over the input only with --in-place, never by accident.

    In place the file keeps the encoding it was read with (``encoding``, a
    codec name such as ``utf-8-sig`` or ``latin-1``): text decoded one way is
    never written back another way.  Other outputs are UTF-8.
    """
    if in_place:
        atomic_write_text(paths[0], text, backup=backup, encoding=encoding)
    else:
        atomic_write_text(output or "-", text, protect=paths, in_place_hint=True)


def _edits_bibtex_source(sources: list[InputFile], target: FormatInfo) -> bool:
    """Whether the result is one .bib file's own text, edited (not rewritten by a writer)."""
    return len(sources) == 1 and sources[0].format.name == "biblatex" and target.name == "biblatex"


def _problems(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is not Severity.INFO]


_in_place_option = click.option(
    "--in-place",
    is_flag=True,
    help="Rewrite the input file itself (atomically). Without it the input is never touched.",
)
_backup_option = click.option(
    "--backup", is_flag=True, help="With --in-place: keep the old file as FILE~."
)
_from_option = click.option(
    "-f",
    "--from",
    "from_",
    metavar="FORMAT",
    help="Input format; default: from the suffix or content.",
)
_to_option = click.option(
    "-t",
    "--to",
    "to",
    metavar="FORMAT",
    help="Output format; default: from the -o suffix, else the input's format.",
)

# ---------------------------------------------------------------------------
# dedupe
# ---------------------------------------------------------------------------


def _describe(group: DuplicateGroup) -> str:
    lines = [", ".join(group.keys)]
    for match in group.matches:
        lines.append(f"    {match.rule}: {match.keys[0]} = {match.keys[1]} ({match.value})")
    return "\n".join(lines)


def _conflicts_as_bibtex_field(library: Library) -> None:
    """Keep merge conflicts (:func:`citekit.conflicts_as_bibtex_field`); warn of others."""
    for problem in conflicts_as_bibtex_field(library):
        click.echo(f"warning: entry '{problem.key}': {problem.message}", err=True)


@click.command("dedupe")
@click.argument(
    "paths", metavar="FILE...", nargs=-1, required=True, type=click.Path(allow_dash=True)
)
@format_option
@_from_option
@_to_option
@click.option(
    "--rule",
    "rules",
    multiple=True,
    type=click.Choice(DUPLICATE_RULES),
    help="Use only these rules (repeatable); default: all.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.5, 1.0),
    default=0.9,
    show_default=True,
    help="Title similarity needed by the title-year-author rule.",
)
@click.option(
    "--merge",
    "policy",
    type=click.Choice(["first", "last", "combine"]),
    help="Merge each group: keep the first or last record, or combine all fields.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="With --merge: where to write the merged library ('-' for stdout).",
)
@_in_place_option
@_backup_option
@encoding_option
@handle_errors
def dedupe(
    paths: tuple[str, ...],
    output_format: str,
    from_: str | None,
    to: str | None,
    rules: tuple[str, ...],
    threshold: float,
    policy: str | None,
    output: str | None,
    in_place: bool,
    backup: bool,
    encoding: str | None,
) -> None:
    """Find duplicate records (same DOI, ISBN, or title, year and first author).

    Without --merge the groups are listed and the exit code is 1 when there
    are any (0 when the library is clean), so the command works as a check.
    With --merge the library is written with one record per group; the
    other keys become aliases in the survivor's 'ids' field, and with
    'combine' every field is kept (disagreeing values go to the survivor's
    custom "merged-conflicts"). A .bib file written as .bib is edited, not
    rewritten: the merged-away entries go, the survivor gets its 'ids' (and
    with 'combine' the fields it lacked and a 'merged-conflicts' field), and
    every other byte of the file stays as it was.

    \b
    Example:
      citekit dedupe references.bib
      citekit dedupe a.bib b.bib --format json
      citekit dedupe refs.bib --merge combine -o merged.bib
      citekit dedupe refs.yaml --merge first --in-place --backup
    """
    if policy is None and (output or in_place or backup):
        raise UsageError("-o/--in-place/--backup write a merged library: add --merge POLICY")
    if policy is not None:
        if not output and not in_place:
            raise UsageError("--merge needs -o OUT (or '-' for stdout) or --in-place")
        _check_destination(paths, output, in_place, backup)
    library, diagnostics, source, sources = _read_libraries(paths, from_, encoding)
    echo_diagnostics(_problems(diagnostics))
    groups = find_duplicates(library, rules=rules or DUPLICATE_RULES, title_threshold=threshold)
    if policy is None:
        if output_format == "json":
            echo_json({"records": len(library), "groups": [g.to_json() for g in groups]})
        else:
            for number, group in enumerate(groups, start=1):
                click.echo(f"{number}. {_describe(group)}")
            duplicates = sum(len(g.keys) for g in groups)
            click.echo(
                f"{len(groups)} group(s) of duplicates ({duplicates} of {len(library)} records)"
            )
        if groups:
            sys.exit(EXIT_PROBLEMS)
        return
    merged = merge_duplicates(library, groups, policy=cast(MergePolicy, policy))
    target = _output_format(output if not in_place else paths[0], to, source)
    if _edits_bibtex_source(sources, target):
        rendered = _merged_source(sources[0], groups, cast(MergePolicy, policy))
        if not (in_place and rendered == sources[0].text):
            _write(rendered, paths, output, in_place, backup, sources[0].encoding)
    else:
        if target.name == "biblatex":
            _conflicts_as_bibtex_field(merged)
        elif target.name == "ris" and groups:
            click.echo(
                "warning: RIS has no place for the aliases and merge conflicts kept in "
                "'custom'; write CSL-JSON, CSL-YAML or BibLaTeX to keep them",
                err=True,
            )
        _write(
            format_write(merged, target.name), paths, output, in_place, backup, sources[0].encoding
        )
    removed = len(library) - len(merged)
    if output_format == "json":
        echo_json(
            {
                "records": len(library),
                "merged": len(merged),
                "removed": removed,
                "groups": [g.to_json() for g in groups],
            }
        )
    else:
        click.echo(
            f"merged {len(groups)} group(s): {len(library)} -> {len(merged)} records", err=True
        )


def _merged_source(source: InputFile, groups: list[DuplicateGroup], policy: MergePolicy) -> str:
    """The .bib text with the groups merged by editing only the entries involved.

    Each edited entry is checked to read back as intended
    (:func:`citekit.merge_in_source`); when one cannot be edited
    safely, nothing is written.
    """
    try:
        return merge_in_source(source.text, groups, policy)
    except SourceEditError as exc:
        raise OutputError(
            f"{source.name}: cannot merge in the file's text ({exc}); nothing was written"
        ) from exc


# ---------------------------------------------------------------------------
# keys
# ---------------------------------------------------------------------------


def rename_bibtex_keys(text: str, renamed: dict[str, str]) -> str:
    """Rename entry keys and the pointers to them in BibTeX text, touching nothing else.

    Going through the model would rewrite the whole file; renaming in place
    keeps the user's layout, comments, macros and the blocks the reader could
    not parse (:func:`citekit.rename_in_source`).
    """
    return rename_in_source(text, renamed)


@click.command("keys")
@click.argument("path", metavar="FILE", type=click.Path(allow_dash=True))
@click.option(
    "-p",
    "--pattern",
    default=DEFAULT_KEY_PATTERN,
    show_default=True,
    help="Key pattern: {auth} {authors} {authorsN} {year} {title} {shorttitle} "
    "{shorttitleN} {veryshorttitle}, modifiers :lower :upper :capitalize "
    ":abbr :N (see the README).",
)
@click.option("--rekey", is_flag=True, help="Replace every key, not only unusable ones.")
@click.option(
    "--unicode",
    "unicode_keys",
    is_flag=True,
    help="Keep letters without an ASCII form (CJK ...) instead of dropping them.",
)
@click.option("--dry-run", is_flag=True, help="Only list the renames; write nothing.")
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="Where to write the renamed library (default: stdout).",
)
@_in_place_option
@_backup_option
@_from_option
@encoding_option
@format_option
@handle_errors
def keys(
    path: str,
    pattern: str,
    rekey: bool,
    unicode_keys: bool,
    dry_run: bool,
    output: str | None,
    in_place: bool,
    backup: bool,
    from_: str | None,
    encoding: str | None,
    output_format: str,
) -> None:
    """Give records citation keys made from a pattern.

    Records whose key is usable keep it unless --rekey; clashes get a, b,
    ... aa suffixes. The renames (old -> new) are listed on stderr, or on
    stdout with --dry-run. BibTeX files are edited textually (only entry
    keys and the crossref, xref, related, entryset and quotedin values naming
    them, in any case, change; comments, macros and entries that cannot be
    parsed stay byte for byte), other formats are rewritten.

    \b
    Example:
      citekit keys refs.bib --pattern '{auth:lower}{year}{shorttitle1}' --dry-run
      citekit keys refs.bib --rekey --in-place --backup
      citekit keys refs.json -p '{auth}{year}' -o rekeyed.json
    """
    _check_destination((path,), output, in_place, backup)
    source = read_input(path, from_, encoding)
    echo_diagnostics(_problems(list(source.diagnostics)))
    try:
        renamed, library = generate_keys(
            source.library, pattern, rekey=rekey, ascii_only=not unicode_keys
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if output_format == "json":
        if dry_run:
            echo_json(renamed)
        else:
            click.echo(json.dumps(renamed, ensure_ascii=False), err=True)
    else:
        for old, new in renamed.items():
            click.echo(f"{old} -> {new}", err=not dry_run)
        if dry_run:
            click.echo(f"{len(renamed)} key(s) would change", err=True)
    if dry_run:
        return
    target = _output_format(output if not in_place else path, None, source.format)
    if _edits_bibtex_source([source], target):
        try:
            rendered = rename_in_source(source.text, renamed)
        except SourceEditError as exc:
            raise OutputError(
                f"{source.name}: cannot rename keys in the file's text ({exc}); nothing was written"
            ) from exc
        if in_place and rendered == source.text:
            return
    else:
        rendered = format_write(library, target.name)
    _write(rendered, (path,), output, in_place, backup, source.encoding)


# ---------------------------------------------------------------------------
# format
# ---------------------------------------------------------------------------


@click.command("format")
@click.argument(
    "paths", metavar="FILE...", nargs=-1, required=True, type=click.Path(allow_dash=True)
)
@click.option(
    "--sort",
    type=click.Choice(["key", "year", "author"]),
    help="Also order the entries; comments directly above an entry move with it, "
    "@string and other comments stay.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if any file is not tidy (for pre-commit hooks).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="Where to write the tidied file (default: stdout).",
)
@_in_place_option
@_backup_option
@encoding_option
@handle_errors
def format_(
    paths: tuple[str, ...],
    sort: str | None,
    check: bool,
    output: str | None,
    in_place: bool,
    backup: bool,
    encoding: str | None,
) -> None:
    """Rewrite .bib files canonically (bibtex-tidy style), keeping every value.

    Entry types and field names lower case, two-space indentation, fields in
    a canonical order, braces instead of quotes, month macros (jan ... dec).
    Comments, @string macros and @preamble stay. Blocks that cannot be
    parsed are kept verbatim and reported (exit 1), and so is a file that is
    not valid in its encoding, after the other files are done. Running it
    twice changes nothing the second time.

    \b
    Example:
      citekit format refs.bib --sort key -o tidy.bib
      citekit format refs.bib --in-place --backup
      citekit format *.bib --check          # in a pre-commit hook
    """
    order = cast(SortOrder | None, sort)
    if check and (output or in_place or backup):
        raise UsageError("--check writes nothing; drop -o/--in-place/--backup")
    if len(paths) > 1 and not (check or in_place):
        raise UsageError("several files need --check or --in-place")
    if in_place and (output or "-" in paths):
        raise UsageError("--in-place rewrites named files: no -o and no stdin")
    if backup and not in_place:
        raise UsageError("--backup only makes sense with --in-place")
    untidy: list[str] = []
    unreadable = 0
    failed = False
    for path in progress_iter(paths, "formatting"):
        filename = input_name(path)
        try:
            decoded = read_decoded(path, encoding)
        except EncodingError as exc:  # a problem in this file's data: report it, do the others
            echo_diagnostics(exc.diagnostics)
            click.echo(f"error: {exc}", err=True)
            unreadable += 1
            failed = True
            continue
        result = tidy(decoded.text, sort=order, filename=filename)
        diagnostics = [*decoded.diagnostics, *result.diagnostics]
        echo_diagnostics(_problems(diagnostics))
        failed = failed or any(d.severity is Severity.ERROR for d in diagnostics)
        if check:
            if result.changed:
                untidy.append(filename)
                click.echo(f"would reformat {filename}", err=True)
            continue
        if in_place:
            if result.changed:
                atomic_write_text(path, result.text, backup=backup, encoding=decoded.encoding)
        else:
            _write(result.text, (path,), output, False, False)
    if check:
        summary = f"{len(untidy)} of {len(paths)} file(s) would be reformatted"
        if unreadable:
            summary += f", {unreadable} could not be read"
        click.echo(summary, err=True)
    if untidy or failed:
        sys.exit(EXIT_PROBLEMS)


COMMANDS = [dedupe, keys, format_]

__all__ = ["COMMANDS", "dedupe", "format_", "keys", "rename_bibtex_keys"]

"""``citekit dedupe``, ``citekit keys`` and ``citekit format``: library hygiene.

The three commands change bibliographies people have kept for years, so they
share one rule: nothing overwrites an input file unless ``--in-place`` is
given, and then the write is atomic (:func:`citekit._io.atomic_write_text`)
with an optional ``FILE~`` backup (``--backup``).
"""

from __future__ import annotations

import json
import re
import sys
from typing import cast

import click

from citekit._io import atomic_write_text, read_text
from citekit.cli._common import (
    EXIT_PROBLEMS,
    echo_diagnostics,
    echo_json,
    format_option,
    handle_errors,
    input_name,
    progress_iter,
    read_input,
)
from citekit.errors import Diagnostic, Severity, UsageError
from citekit.formats import FormatInfo, format_for_path, get_format, read_string
from citekit.formats import write_string as format_write
from citekit.model import Library
from citekit.ops.dedupe import (
    ALIASES_CONTAINER,
    CONFLICTS_FIELD,
    RULES,
    DuplicateGroup,
    MergePolicy,
    find_duplicates,
    merge,
)
from citekit.ops.keys import DEFAULT_PATTERN, generate_keys
from citekit.ops.tidy import SortOrder, tidy

# ---------------------------------------------------------------------------
# Shared plumbing
# ---------------------------------------------------------------------------


def _read_libraries(paths: tuple[str, ...], from_: str | None
                    ) -> tuple[Library, list[Diagnostic], FormatInfo]:
    """Read every input into one library; a key seen before gets ``-2``, ``-3`` ..."""
    combined = Library()
    diagnostics: list[Diagnostic] = []
    first_format: FormatInfo | None = None
    for path in progress_iter(paths, "reading"):
        source = read_input(path, from_)
        filename = source.name
        first_format = first_format or source.format
        diagnostics += source.diagnostics
        for record in source.library:
            if record.key in combined:
                original = record.key
                record.id = combined.unused_key(original)
                diagnostics.append(Diagnostic(
                    Severity.WARNING, "duplicate-key",
                    f"key '{original}' already read from an earlier file; renamed '{record.id}'",
                    file=filename, key=original,
                ))
            combined.add(record)
        if not combined.extras:
            combined.extras = dict(source.library.extras)
    if first_format is None:
        raise UsageError("no input file")
    return combined, diagnostics, first_format


def _output_format(output: str | None, to: str | None, fallback: FormatInfo) -> FormatInfo:
    if to:
        return get_format(to)
    if output and output != "-":
        info = format_for_path(output)
        if info is not None:
            return info
    return fallback


def _check_destination(paths: tuple[str, ...], output: str | None, in_place: bool,
                       backup: bool) -> None:
    if in_place and output:
        raise UsageError("give either -o/--output or --in-place, not both")
    if in_place and (len(paths) != 1 or paths[0] == "-"):
        raise UsageError("--in-place needs exactly one input file (not stdin)")
    if backup and not in_place:
        raise UsageError("--backup only makes sense with --in-place")


def _write(text: str, paths: tuple[str, ...], output: str | None, in_place: bool,
           backup: bool) -> None:
    """Write the result: over the input only with --in-place, never by accident."""
    if in_place:
        atomic_write_text(paths[0], text, backup=backup)
    else:
        atomic_write_text(output or "-", text, protect=paths, in_place_hint=True)


def _problems(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is not Severity.INFO]


_in_place_option = click.option(
    "--in-place", is_flag=True,
    help="Rewrite the input file itself (atomically). Without it the input is never touched.")
_backup_option = click.option(
    "--backup", is_flag=True, help="With --in-place: keep the old file as FILE~.")
_from_option = click.option(
    "-f", "--from", "from_", metavar="FORMAT",
    help="Input format; default: from the suffix or content.")
_to_option = click.option(
    "-t", "--to", "to", metavar="FORMAT",
    help="Output format; default: from the -o suffix, else the input's format.")

# ---------------------------------------------------------------------------
# dedupe
# ---------------------------------------------------------------------------


def _describe(group: DuplicateGroup) -> str:
    lines = [", ".join(group.keys)]
    for match in group.matches:
        lines.append(f"    {match.rule}: {match.keys[0]} = {match.keys[1]} ({match.value})")
    return "\n".join(lines)


def _conflicts_as_bibtex_field(library: Library) -> None:
    """Keep ``custom["merged-conflicts"]`` in a .bib: as a JSON ``merged-conflicts`` field.

    The BibTeX writer writes ``custom["biblatex"]`` fields back as they are
    and nothing else from ``custom``; biber ignores fields it does not know,
    and citekit's reader reads the field back into ``custom["biblatex"]``.
    """
    for record in library:
        conflicts = record.custom.get(CONFLICTS_FIELD)
        if not isinstance(conflicts, dict):
            continue
        text = json.dumps(conflicts, ensure_ascii=False)
        depth = 0
        for char in text:
            depth += 1 if char == "{" else -1 if char == "}" else 0
            if depth < 0:
                break
        container = record.custom.setdefault(ALIASES_CONTAINER, {})
        if depth == 0 and isinstance(container, dict):
            container[CONFLICTS_FIELD] = text
        else:
            click.echo(f"warning: entry '{record.key}': its merge conflicts contain unbalanced "
                       "braces and cannot be written to BibTeX; write CSL-JSON to keep them",
                       err=True)


@click.command("dedupe")
@click.argument("paths", metavar="FILE...", nargs=-1, required=True,
                type=click.Path(allow_dash=True))
@format_option
@_from_option
@_to_option
@click.option("--rule", "rules", multiple=True, type=click.Choice(RULES),
              help="Use only these rules (repeatable); default: all.")
@click.option("--threshold", type=click.FloatRange(0.5, 1.0), default=0.9, show_default=True,
              help="Title similarity needed by the title-year-author rule.")
@click.option("--merge", "policy", type=click.Choice(["first", "last", "combine"]),
              help="Merge each group: keep the first or last record, or combine all fields.")
@click.option("-o", "--output", type=click.Path(allow_dash=True),
              help="With --merge: where to write the merged library ('-' for stdout).")
@_in_place_option
@_backup_option
@handle_errors
def dedupe(paths: tuple[str, ...], output_format: str, from_: str | None, to: str | None,
           rules: tuple[str, ...], threshold: float, policy: str | None, output: str | None,
           in_place: bool, backup: bool) -> None:
    """Find duplicate records (same DOI, ISBN, or title, year and first author).

    Without --merge the groups are listed and the exit code is 1 when there
    are any (0 when the library is clean), so the command works as a check.
    With --merge the library is written with one record per group; the
    other keys become aliases in the survivor's 'ids' field, and with
    'combine' every field is kept (disagreeing values go to the survivor's
    custom "merged-conflicts").

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
    library, diagnostics, source = _read_libraries(paths, from_)
    echo_diagnostics(_problems(diagnostics))
    groups = find_duplicates(library, rules=rules or RULES, title_threshold=threshold)
    if policy is None:
        if output_format == "json":
            echo_json({"records": len(library), "groups": [g.to_json() for g in groups]})
        else:
            for number, group in enumerate(groups, start=1):
                click.echo(f"{number}. {_describe(group)}")
            duplicates = sum(len(g.keys) for g in groups)
            click.echo(f"{len(groups)} group(s) of duplicates ({duplicates} of "
                       f"{len(library)} records)")
        if groups:
            sys.exit(EXIT_PROBLEMS)
        return
    merged = merge(library, groups, policy=cast(MergePolicy, policy))
    target = _output_format(output if not in_place else paths[0], to, source)
    if target.name == "biblatex":
        _conflicts_as_bibtex_field(merged)
    elif target.name == "ris" and groups:
        click.echo("warning: RIS has no place for the aliases and merge conflicts kept in "
                   "'custom'; write CSL-JSON, CSL-YAML or BibLaTeX to keep them", err=True)
    _write(format_write(merged, target.name), paths, output, in_place, backup)
    removed = len(library) - len(merged)
    if output_format == "json":
        echo_json({"records": len(library), "merged": len(merged), "removed": removed,
                   "groups": [g.to_json() for g in groups]})
    else:
        click.echo(f"merged {len(groups)} group(s): {len(library)} -> {len(merged)} records",
                   err=True)


# ---------------------------------------------------------------------------
# keys
# ---------------------------------------------------------------------------

_ENTRY_HEAD = re.compile(r"^(\s*@\s*(?P<type>\w+)\s*[{(]\s*)(?P<key>[^,\s{}()]+)(\s*,)",
                         re.MULTILINE)
_POINTER = re.compile(r"^(\s*(?:crossref|xref)\s*=\s*[{\"]\s*)([^}\"]*)",
                      re.IGNORECASE | re.MULTILINE)


def rename_bibtex_keys(text: str, renamed: dict[str, str]) -> str:
    """Rename entry keys and crossref/xref values in BibTeX text, touching nothing else.

    Going through the model would rewrite the whole file; renaming in place
    keeps the user's layout, comments and macros.
    """
    if not renamed:
        return text

    def head(match: re.Match[str]) -> str:
        if match.group("type").lower() in ("string", "comment", "preamble"):
            return match.group(0)
        key = match.group("key")
        return f"{match.group(1)}{renamed.get(key, key)}{match.group(4)}"

    def pointer(match: re.Match[str]) -> str:
        keys = [k.strip() for k in match.group(2).split(",")]
        return match.group(1) + ",".join(renamed.get(k, k) for k in keys)

    return _POINTER.sub(pointer, _ENTRY_HEAD.sub(head, text))


@click.command("keys")
@click.argument("path", metavar="FILE", type=click.Path(allow_dash=True))
@click.option("-p", "--pattern", default=DEFAULT_PATTERN, show_default=True,
              help="Key pattern: {auth} {authors} {authorsN} {year} {title} {shorttitle} "
                   "{shorttitleN} {veryshorttitle}, modifiers :lower :upper :capitalize "
                   ":abbr :N (see the README).")
@click.option("--rekey", is_flag=True, help="Replace every key, not only unusable ones.")
@click.option("--unicode", "unicode_keys", is_flag=True,
              help="Keep letters without an ASCII form (CJK ...) instead of dropping them.")
@click.option("--dry-run", is_flag=True, help="Only list the renames; write nothing.")
@click.option("-o", "--output", type=click.Path(allow_dash=True),
              help="Where to write the renamed library (default: stdout).")
@_in_place_option
@_backup_option
@_from_option
@format_option
@handle_errors
def keys(path: str, pattern: str, rekey: bool, unicode_keys: bool, dry_run: bool,
         output: str | None, in_place: bool, backup: bool, from_: str | None,
         output_format: str) -> None:
    """Give records citation keys made from a pattern.

    Records whose key is usable keep it unless --rekey; clashes get a, b,
    ... aa suffixes. The renames (old -> new) are listed on stderr, or on
    stdout with --dry-run. BibTeX files are edited in place textually (only
    entry keys and crossref/xref values change), other formats are rewritten.

    \b
    Example:
      citekit keys refs.bib --pattern '{auth:lower}{year}{shorttitle1}' --dry-run
      citekit keys refs.bib --rekey --in-place --backup
      citekit keys refs.json -p '{auth}{year}' -o rekeyed.json
    """
    _check_destination((path,), output, in_place, backup)
    source = read_input(path, from_)
    echo_diagnostics(_problems(list(source.diagnostics)))
    try:
        renamed, library = generate_keys(source.library, pattern, rekey=rekey,
                                         ascii_only=not unicode_keys)
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
    rendered = None
    if target.name == "biblatex" and source.format.name == "biblatex":
        rendered = rename_bibtex_keys(source.text, renamed)
        check = read_string(rendered, source.format.name, filename=source.name).library
        if check.keys() != library.keys():  # an entry the line-based rename missed
            click.echo("note: entries not at line starts; the file is rewritten by the "
                       "BibTeX writer instead of renamed in place", err=True)
            rendered = None
    if rendered is None:
        rendered = format_write(library, target.name)
    _write(rendered, (path,), output, in_place, backup)


# ---------------------------------------------------------------------------
# format
# ---------------------------------------------------------------------------


@click.command("format")
@click.argument("paths", metavar="FILE...", nargs=-1, required=True,
                type=click.Path(allow_dash=True))
@click.option("--sort", type=click.Choice(["key", "year", "author"]),
              help="Also order the entries; comments directly above an entry move with it, "
                   "@string and other comments stay.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if any file is not tidy (for pre-commit hooks).")
@click.option("-o", "--output", type=click.Path(allow_dash=True),
              help="Where to write the tidied file (default: stdout).")
@_in_place_option
@_backup_option
@handle_errors
def format_(paths: tuple[str, ...], sort: str | None, check: bool, output: str | None,
            in_place: bool, backup: bool) -> None:
    """Rewrite .bib files canonically (bibtex-tidy style), keeping every value.

    Entry types and field names lower case, two-space indentation, fields in
    a canonical order, braces instead of quotes, month macros (jan ... dec).
    Comments, @string macros and @preamble stay. Blocks that cannot be
    parsed are kept verbatim and reported (exit 1). Running it twice changes
    nothing the second time.

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
    failed = False
    for path in progress_iter(paths, "formatting"):
        text, decoding = read_text(path)
        filename = input_name(path)
        result = tidy(text, sort=order, filename=filename)
        diagnostics = [*decoding, *result.diagnostics]
        echo_diagnostics(_problems(diagnostics))
        failed = failed or any(d.severity is Severity.ERROR for d in diagnostics)
        if check:
            if result.changed:
                untidy.append(filename)
                click.echo(f"would reformat {filename}", err=True)
            continue
        if in_place:
            if result.changed:
                atomic_write_text(path, result.text, backup=backup)
        else:
            _write(result.text, (path,), output, False, False)
    if check:
        click.echo(f"{len(untidy)} of {len(paths)} file(s) would be reformatted", err=True)
    if untidy or failed:
        sys.exit(EXIT_PROBLEMS)


COMMANDS = [dedupe, keys, format_]

__all__ = ["COMMANDS", "dedupe", "format_", "keys", "rename_bibtex_keys"]

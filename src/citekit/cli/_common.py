"""Conventions every citekit command shares.

Exit codes (0 success, 1 problems found in the data, 2 usage error; the table
per command is docs/exit-codes.md), ``-`` for stdin and stdout, ``--format
json`` for machine output, diagnostics printed as ``file:line, entry 'key':
severity: message``, and one way to read an input bibliography
(:func:`read_input`, with ``--from`` and ``--encoding``).

The exit code follows one rule in every command: a command that meets a
problem in the data (an error diagnostic printed by :func:`echo_diagnostics`,
or one it reports with :func:`note_problems`, such as an unknown key) still
does all it can, then :func:`handle_errors` ends it with exit 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import click

from citekit.base.files import InputError, read_decoded
from citekit.errors import CitekitError, Diagnostic, ParseError, Severity, UsageError
from citekit.formats import (
    FormatInfo,
    ReadResult,
    format_for_path,
    get_format,
    guess_format,
    read_string,
)
from citekit.model.records import Library

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

_PROBLEMS_KEY = "citekit.problems"


def note_problems(count: int = 1) -> None:
    """Remember that the data had problems: the command will end with exit 1.

    Called where a command reports a problem and carries on (an unknown key,
    a broken entry, nothing matching), so that the output still comes and the
    exit code still tells scripts; :func:`handle_errors` reads it at the end.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is not None and count:
        ctx.meta[_PROBLEMS_KEY] = ctx.meta.get(_PROBLEMS_KEY, 0) + count


def problems_noted() -> int:
    """How many problems :func:`note_problems` was told of in this invocation."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get(_PROBLEMS_KEY, 0)) if ctx is not None else 0


def handle_errors(func: F) -> F:
    """Turn citekit exceptions into a message on stderr and the right exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = func(*args, **kwargs)
        except InputError as exc:  # one line, not click's usage text: the path is the problem
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from exc
        except ParseError as exc:
            for diagnostic in exc.diagnostics:
                click.echo(str(diagnostic), err=True)
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except CitekitError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            click.echo(f"error: cannot read {exc.filename}: {exc.strerror}", err=True)
            sys.exit(EXIT_USAGE)
        if problems_noted():
            sys.exit(EXIT_PROBLEMS)
        return result

    return wrapper  # type: ignore[return-value]


def echo_diagnostics(diagnostics: Iterable[Diagnostic], *, quiet: bool = False) -> None:
    """Print diagnostics on stderr (infos only unless quiet is off).

    An error among them is a problem in the data: the command exits 1 once
    done (:func:`note_problems`).
    """
    for diagnostic in diagnostics:
        if quiet and diagnostic.severity is Severity.INFO:
            continue
        click.echo(str(diagnostic), err=True)
        if diagnostic.severity is Severity.ERROR:
            note_problems()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def show_progress() -> bool:
    """Progress bars only where a person watches: stderr is a terminal."""
    return sys.stderr.isatty()


T = TypeVar("T")


def progress_iter(items: Sequence[T], label: str, *, minimum: int = 2) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar on stderr when it is a terminal."""
    if not show_progress() or len(items) < minimum:
        yield from items
        return
    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar


@contextmanager
def progress_callback(
    label: str, total: int, *, minimum: int = 2
) -> Iterator[Callable[[int], None] | None]:
    """A ``step(n)`` callback driving a progress bar on a terminal, else None."""
    if not show_progress() or total < minimum:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def input_name(path: str) -> str:
    """How messages name an input: the path, or ``<stdin>`` for ``-``."""
    return "<stdin>" if path == "-" else path


def require_format(info: FormatInfo) -> FormatInfo:
    """Fail as a usage error, not a traceback, when a format is registered but not built."""
    try:
        info.load()
    except ModuleNotFoundError as exc:
        if exc.name != info.module:
            raise
        raise UsageError(f"the {info.name} format is not available in this build") from exc
    return info


@dataclass(frozen=True, slots=True)
class InputFile:
    """One bibliography a command read: its text, format, records and problems.

    ``diagnostics`` holds the decoding problems first, then the reader's,
    all naming the file as :attr:`name`.  ``text`` is kept for commands that
    edit the file textually (``citekit keys`` on BibTeX), and ``encoding`` is
    the codec it was decoded with (``utf-8``, ``utf-8-sig`` with a byte-order
    mark, ``utf-16``, ``utf-32``, or the ``--encoding`` named), so that a
    file rewritten in place keeps its encoding.
    """

    path: str
    name: str
    text: str
    format: FormatInfo
    result: ReadResult
    diagnostics: tuple[Diagnostic, ...]
    encoding: str = "utf-8"

    @property
    def library(self) -> Library:
        return self.result.library


def no_entries(text: str, info: FormatInfo, result: ReadResult, name: str) -> Diagnostic | None:
    """An error when a read found no entry and said nothing about why.

    An empty file, or text in another format than the one read (CSL-YAML
    taken for BibTeX), would otherwise print nothing and exit 0.
    """
    if len(result.library) or result.errors:
        return None
    if not text.strip():
        message = "the file is empty: no entries"
    else:
        message = (
            f"no entries found in {len(text)} characters read as {info.name}; "
            "if the input is in another format, name it with --from"
        )
    return Diagnostic(Severity.ERROR, "no-entries", message, file=name, line=None)


def read_binary_input(path: str, info: FormatInfo, options: dict[str, Any]) -> InputFile:
    """Read a database format (Zotero's), which its module opens by path, not as text."""
    if path == "-":
        raise UsageError(f"the {info.name} format is read from a file, not from stdin")
    result: ReadResult = require_format(info).load().read_path(path, filename=path, **options)
    return InputFile(path, path, "", info, result, tuple(result.diagnostics), "binary")


def read_input(
    path: str,
    from_: str | None = None,
    encoding: str | None = None,
    *,
    sentence_case: bool = True,
    options: dict[str, Any] | None = None,
) -> InputFile:
    """Read a bibliography (``-`` for stdin) in a named (``--from``) or guessed format.

    Every command reads its inputs here so that they all refuse what is not
    a regular file (or too large), decode strictly (``encoding`` names the
    codec; by default UTF-8, or UTF-16/32 by byte-order mark), guess the
    format, name stdin, say when nothing was read, and report a format
    missing from this build alike.  ``sentence_case=False``
    (``--no-sentence-case``) keeps BibTeX titles as typed.
    """
    binary = get_format(from_) if from_ else format_for_path(path)
    if binary is not None and binary.binary:  # ``options``: that reader's (``collection``)
        return read_binary_input(path, binary, options or {})
    if options:
        raise UsageError(f"{', '.join(f'--{o}' for o in options)} applies to Zotero databases only")
    name = input_name(path)
    decoded = read_decoded(path, encoding)
    text = decoded.text
    info = require_format(get_format(from_) if from_ else guess_format(path, text))
    result = read_string(text, info.name, filename=name, sentence_case=sentence_case)
    empty = no_entries(text, info, result, name)
    if empty is not None:
        result.diagnostics.append(empty)
    return InputFile(
        path,
        name,
        text,
        info,
        result,
        (*decoded.diagnostics, *result.diagnostics),
        decoded.encoding,
    )


from_option = click.option(
    "-f",
    "--from",
    "from_",
    metavar="FORMAT",
    default=None,
    help="Input format (biblatex, csljson, cslyaml, ris); default: from the file "
    "suffix or content. Needed for stdin when the content does not tell.",
)

sentence_case_option = click.option(
    "--sentence-case/--no-sentence-case",
    "sentence_case",
    default=True,
    show_default=True,
    help="Store English BibTeX titles typed in title case in sentence case, as CSL styles "
    "expect (docs/bibtex-import.md); --no-sentence-case keeps them as typed.",
)

encoding_option = click.option(
    "--encoding",
    "encoding",
    metavar="NAME",
    default=None,
    help="Text encoding of the input (latin-1, cp1252, utf-16 ...); default: UTF-8 "
    "(UTF-16/32 with a byte-order mark). Bytes that do not decode are an error, "
    "never guessed.",
)


format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output for people (text) or for programs (json).",
)

strict_option = click.option(
    "--strict", is_flag=True, help="Treat warnings in the input as errors (exit 1)."
)

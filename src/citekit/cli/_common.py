"""Conventions every citekit command shares.

Exit codes (0 success, 1 problems found, 2 usage error), ``-`` for stdin and
stdout, ``--format json`` for machine output, diagnostics printed as
``file:line, entry 'key': severity: message``, and one way to read an input
bibliography (:func:`read_input`).
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

from citekit._io import read_text
from citekit.errors import CitekitError, Diagnostic, ParseError, Severity, UsageError
from citekit.formats import FormatInfo, ReadResult, get_format, guess_format, read_string
from citekit.model import Library

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def handle_errors(func: F) -> F:
    """Turn citekit exceptions into a message on stderr and the right exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
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
        except FileNotFoundError as exc:
            raise click.UsageError(f"no such file: {exc.filename}") from exc

    return wrapper  # type: ignore[return-value]


def echo_diagnostics(diagnostics: Iterable[Diagnostic], *, quiet: bool = False) -> None:
    """Print diagnostics on stderr (infos only unless quiet is off)."""
    for diagnostic in diagnostics:
        if quiet and diagnostic.severity is Severity.INFO:
            continue
        click.echo(str(diagnostic), err=True)


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
def progress_callback(label: str, total: int, *,
                      minimum: int = 2) -> Iterator[Callable[[int], None] | None]:
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

    ``diagnostics`` holds the decoding problems (invalid UTF-8) first, then
    the reader's, all naming the file as :attr:`name`.  ``text`` is kept for
    commands that edit the file textually (``citekit keys`` on BibTeX).
    """

    path: str
    name: str
    text: str
    format: FormatInfo
    result: ReadResult
    diagnostics: tuple[Diagnostic, ...]

    @property
    def library(self) -> Library:
        return self.result.library


def read_input(path: str, from_: str | None = None) -> InputFile:
    """Read a bibliography (``-`` for stdin) in a named (``--from``) or guessed format.

    Every command reads its inputs here so that they all decode, guess the
    format, name stdin and report a format missing from this build alike.
    """
    text, decoding = read_text(path)
    name = input_name(path)
    info = require_format(get_format(from_) if from_ else guess_format(path, text))
    result = read_string(text, info.name, filename=name)
    return InputFile(path, name, text, info, result, (*decoding, *result.diagnostics))


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

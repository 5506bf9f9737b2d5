"""Conventions every citekit command shares.

Exit codes (0 success, 1 problems found, 2 usage error), ``-`` for stdin and
stdout, ``--format json`` for machine output, and diagnostics printed as
``file:line, entry 'key': severity: message``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import click

from citekit.errors import CitekitError, Diagnostic, ParseError, Severity, UsageError

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

"""Conventions every citekit command shares.

Exit codes (0 success, 1 problems found in the data, 2 usage error; the table
per command is docs/exit-codes.md), ``-`` for stdin and stdout, ``--format
json`` for machine output, diagnostics printed as ``file:line, entry 'key':
severity: message``, and one way to read an input bibliography
(:func:`citekit.load_library`, with ``--from`` and ``--encoding``).

The exit code follows one rule in every command: a command that meets a
problem in the data (an error diagnostic printed by :func:`echo_diagnostics`,
or one it reports with :func:`note_problems`, such as an unknown key) still
does all it can, then :func:`handle_errors` ends it with exit 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import click

from citekit import InputError, InputFile, load_library, require_format
from citekit.errors import (
    CitekitError,
    Diagnostic,
    OutputPathError,
    ParseError,
    Severity,
    UsageError,
)

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
        except (InputError, OutputPathError) as exc:  # one line, not click's usage text:
            click.echo(f"error: {exc}", err=True)  # the path is the problem, not the options
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
    """``data`` as indented JSON on stdout (:mod:`json` loaded only for ``--format json``)."""
    import json

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


#: Every command reads its inputs with :func:`citekit.load_library`, so that they
#: all refuse what is not a regular file (or too large), decode strictly, guess
#: the format, name stdin, say when nothing was read, and report a format missing
#: from this build alike; ``read_input`` is its name in the commands.
read_input = load_library

__all__ = [
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "InputFile",
    "bibliographies_option",
    "echo_diagnostics",
    "echo_json",
    "encoding_option",
    "engine_option",
    "format_option",
    "from_option",
    "handle_errors",
    "input_name",
    "jobs_option",
    "note_problems",
    "output_option",
    "problems_noted",
    "progress_callback",
    "progress_iter",
    "read_input",
    "require_format",
    "sentence_case_option",
    "show_progress",
    "strict_option",
    "text_or_json_option",
]


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

jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    # 2,000: the engine's PARALLEL_THRESHOLD (tests/cli/test_bib_jobs.py keeps them equal)
    help="Processes formatting the bibliography; default 0: every idle CPU, "
    "from 2,000 entries (fewer are formatted in one process anyway); 1: this process only.",
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


def text_or_json_option(help: str) -> Callable[[F], F]:
    """``--format text|json`` into ``output_format``, text by default: for people or programs."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help,
    )


format_option = text_or_json_option("Output for people (text) or for programs (json).")

strict_option = click.option(
    "--strict", is_flag=True, help="Treat warnings in the input as errors (exit 1)."
)


def output_option(help: str) -> Callable[[F], F]:
    """``-o/--output OUT``, stdout (``-``) by default, for a command that writes one file.

    One spelling for every such command; only the help differs, as each says
    what it writes and which inputs it refuses to overwrite.
    """
    return click.option(
        "--output", "-o", "output", default="-", show_default=True, metavar="OUT", help=help
    )


def engine_option(help: str) -> Callable[[F], F]:
    """``--engine NAME``: the CSL engine, citekit's default one when not given (None).

    The engine table is looked up here, not at import, so that the commands
    that offer no ``--engine`` do not load the renderer to start.
    """
    from citekit import ENGINES

    return click.option(
        "--engine", "engine", type=click.Choice(sorted(ENGINES)), default=None, help=help
    )


def bibliographies_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """``--bibliography/--bib/-b FILE``, repeatable, into ``bib_paths`` (pandoc's spelling).

    For the commands that read a document's citations against several
    libraries; each says how it picks among them.
    """
    return click.option(
        "--bibliography",
        "--bib",
        "-b",
        "bib_paths",
        multiple=True,
        required=required,
        metavar="FILE",
        help=help,
    )

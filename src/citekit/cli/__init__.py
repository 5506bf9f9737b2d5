"""The ``citekit`` command line: one click group, one module per command family.

Each command parses its arguments, calls one library function and prints;
:func:`citekit.cli._common.handle_errors` maps citekit's exceptions, and the
problems a command reported and carried on from, to exit codes in one place
(0 success, 1 problems found in the data, 2 usage errors; the table per
command is docs/exit-codes.md).

The group loads a command's module only when that command runs (or is asked
for by name): ``citekit --help`` lists every command from :data:`COMMAND_TABLE`
without importing any of them, so it starts at once, and ``citekit cite``
loads what citing needs and not the course builder or the server.
tests/cli/test_lazy_commands.py keeps the table true to the commands.
"""

from __future__ import annotations

import atexit
import gc

# The cycle collector is off while this module's imports (click above all) and a
# command's module load, and what they made is frozen after (_imported): imports
# allocate tens of thousands of objects that live as long as the process, and the
# collector kept scanning them, every 700 allocations while importing and once
# more at exit: a sixth of the CPU time of a ``citekit cite``.
_COLLECTING = gc.isenabled()
gc.disable()

import importlib  # noqa: E402
from collections.abc import Iterator, MutableMapping  # noqa: E402
from typing import Any  # noqa: E402

import click  # noqa: E402

import citekit  # noqa: E402
from citekit import __version__  # noqa: E402

#: Every command: name -> (module under ``citekit.cli``, short help). The short
#: help is the first line of the command's docstring, as click would show it.
COMMAND_TABLE: dict[str, tuple[str, str]] = {
    "add": ("add", "Add records for DOIs, ISBNs, arXiv, PubMed and PMC ids to a bibliography."),
    "bib": ("bib", "Format the bibliography of FILE (all entries, or the KEYs named)."),
    "check": ("check", "Check bibliography files for problems styles cannot get past."),
    "cite": ("cite", "Format citations written in pandoc's citation syntax."),
    "convert": (
        "convert",
        "Convert a bibliography between formats (BibLaTeX/BibTeX, CSL-JSON, ...).",
    ),
    "dedupe": (
        "hygiene",
        "Find duplicate records (same DOI, ISBN, or title, year and first author).",
    ),
    "extract": (
        "extract",
        "Write the entries DOCUMENTS cite, taken from the libraries, to a small library.",
    ),
    "format": (
        "hygiene",
        "Rewrite .bib files canonically (bibtex-tidy style), keeping every value.",
    ),
    "keys": ("hygiene", "Give records citation keys made from a pattern."),
    "list": ("listing", "List the entries of a bibliography, optionally filtered."),
    "lsp": ("lsp", "Run the language server: key completion, hover and checks for editors."),
    "pandoc-filter": (
        "pandoc_filter",
        "Format a pandoc JSON document's citations: the AST on stdin, the AST on stdout.",
    ),
    "quotes": ("quotes", "List the quotation records in FILE (default: ./references.bib)."),
    "reader": ("reader", "Build a course reader from a reading list (TOML or YAML)."),
    "render": (
        "document",
        "Format the citations of a Markdown document written with pandoc's syntax.",
    ),
    "serve": ("serve", "Serve citation rendering to an editor over newline-delimited JSON."),
    "show": ("listing", "Show one entry of a bibliography by its key (case-sensitive)."),
    "styles": ("styles", "List CSL styles: id, title, class and fields, filtered by QUERY words."),
}


def _imported() -> None:
    """Turn the cycle collector on again after imports, with what exists now frozen.

    Frozen objects (:func:`gc.freeze`) are never scanned again: at this point
    they are the modules, classes and functions just imported and the
    command line's own objects, which stay until the process ends, so
    scanning them could never free anything.  Everything made later is
    collected as usual.  Called at most once per command module, so even a
    process that runs the command line many times (tests) freezes little.
    """
    gc.freeze()
    gc.enable()


class LazyCommands(MutableMapping[str, click.Command]):
    """A group's commands, each module imported the first time one of its commands is looked up.

    Iterating gives the names without importing anything, so code that lists
    ``main.commands`` stays cheap; looking a name up loads its module and every
    command that module defines.
    """

    def __init__(self, table: dict[str, tuple[str, str]]) -> None:
        self._table = table
        self._loaded: dict[str, click.Command] = {}
        self._removed: set[str] = set()

    def _load(self, name: str) -> None:
        """Import the module that defines ``name`` and register all its commands.

        With the cycle collector off meanwhile, as for this module's own imports
        (see :func:`_imported`).
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            module = importlib.import_module(f"citekit.cli.{self._table[name][0]}")
        finally:
            if collecting:
                _imported()
        for command in getattr(module, "COMMANDS", ()):
            if command.name is not None:
                self._loaded.setdefault(command.name, command)

    def is_loaded(self, name: str) -> bool:
        """Whether ``name``'s command object exists already (no import needed)."""
        return name in self._loaded

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded and name in self._table and name not in self._removed:
            self._load(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._removed.discard(name)
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._loaded.pop(name, None)
        self._removed.add(name)

    def __contains__(self, name: object) -> bool:
        if name in self._loaded:
            return True
        return name in self._table and name not in self._removed

    def __iter__(self) -> Iterator[str]:
        names = dict.fromkeys(self._loaded)
        names.update((name, None) for name in self._table if name not in self._removed)
        return iter(names)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class LazyGroup(click.Group):
    """A click group that imports a command's module only when the command is needed."""

    def __init__(self, *args: Any, table: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        self.commands = LazyCommands(table)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted, without importing any command module."""
        return sorted(self.commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported now if this is its first use."""
        return self.commands.get(cmd_name)

    def command_help(self, name: str, limit: int) -> str:
        """A command's line in the group's help: from the table unless already loaded."""
        commands = self.commands
        if (
            isinstance(commands, LazyCommands)
            and not commands.is_loaded(name)
            and name in self.table
        ):
            # a stand-in command shortens the text exactly as click shortens a docstring
            return click.Command(name, help=self.table[name][1]).get_short_help_str(limit)
        command = self.get_command(click.Context(self), name)
        return command.get_short_help_str(limit) if command is not None else ""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands section of ``--help``, from the table: nothing is imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, self.command_help(name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup, table=COMMAND_TABLE, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="citekit")
def main() -> None:
    """citekit: bibliographic records, quotations and citations.

    \b
    Example:
      citekit bib references.bib --style apa
    """
    # Parsed styles and their locales are kept in the user's cache folder while a
    # command runs (citekit.base.diskcache): the next command reads them back.
    citekit.use_disk_cache()
    click.get_current_context().call_on_close(_disk_cache_off)


def run() -> None:
    """The ``citekit`` program (the console script and ``python -m citekit``).

    :data:`main` as click runs it, ended without the interpreter's teardown
    when that is safe (:mod:`citekit.cli._exit`).  Programs that run the
    command line themselves call :data:`main`.
    """
    from citekit.cli._exit import run_then_exit_quickly

    run_then_exit_quickly(main)


def _disk_cache_off() -> None:
    """The disk memo is the command's, not the process's (a program may run many)."""
    citekit.use_disk_cache(False)


if _COLLECTING:
    _imported()

# At exit CPython collects cycles once more, scanning every object the command
# made (the library, the style, the engine's modules): a twentieth of a
# ``citekit cite``, to free memory the process returns anyway.  Freezing them
# first ends it sooner.  The one loss: finalizers of cyclic garbage left at exit
# do not run, which Python never promised and citekit does not rely on (its
# files are closed and its output flushed where they are written).
atexit.register(gc.freeze)

__all__ = ["COMMAND_TABLE", "LazyCommands", "LazyGroup", "main", "run"]

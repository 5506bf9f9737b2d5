"""The ``citekit`` command line: one click group, one module per command family.

Each command parses its arguments, calls one library function and prints;
:func:`citekit.cli._common.handle_errors` maps citekit's exceptions, and the
problems a command reported and carried on from, to exit codes in one place
(0 success, 1 problems found in the data, 2 usage errors; the table per
command is docs/exit-codes.md).
"""

from __future__ import annotations

import importlib

import click

from citekit import __version__

_COMMAND_MODULES = (
    "convert", "check", "listing", "cite", "bib", "styles", "hygiene", "quotes",
    "document", "serve", "reader", "add", "pandoc_filter",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citekit")
def main() -> None:
    """citekit: bibliographic records, quotations and citations.

    \b
    Example:
      citekit bib references.bib --style apa
    """


for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"citekit.cli.{_name}")
    except ModuleNotFoundError as _exc:  # a command family not built yet
        if _exc.name != f"citekit.cli.{_name}":
            raise
        continue
    for _command in getattr(_module, "COMMANDS", ()):
        main.add_command(_command)

__all__ = ["main"]

"""``citekit serve``: the JSON server editor plugins talk to (docs/server.md)."""

from __future__ import annotations

from pathlib import Path

import click

from citekit.server import serve_stdio


@click.command("serve")
@click.option(
    "--stdio",
    is_flag=True,
    required=True,
    help="Talk newline-delimited JSON over stdin and stdout (the only transport).",
)
@click.option(
    "--allow",
    "allow",
    multiple=True,
    metavar="DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder (besides the working folder) whose files requests may name; "
    "repeatable. $CITEKIT_ALLOW lists more.",
)
def serve(stdio: bool, allow: tuple[Path, ...]) -> None:
    """Serve citation rendering to an editor over newline-delimited JSON.

    Each line on stdin is a request {"id": 1, "method": "...", "params":
    {...}}; each line on stdout is its response {"id": 1, "result": ...} or
    {"id": 1, "error": {"code": ..., "message": ...}}.  Methods: open,
    add, insert, update, remove, move, extend, set_style, rendered,
    bibliography, complete, styles, shutdown (the names of
    citekit.CitationDocument's methods; add_cluster ... clusters still work).  The
    server answers malformed requests with errors and keeps running until
    shutdown or the end of stdin.  The schema is in docs/server.md.

    Files that requests name (a library, a .csl style) must be inside the
    working folder, a folder given with --allow, or one listed in
    $CITEKIT_ALLOW (separated by the system's path separator); a request
    naming any other file gets an error.

    \b
    Example:
      citekit serve --stdio
      {"id": 1, "method": "open", "params": {"library": "refs.bib", "style": "apa"}}
      {"id": 2, "method": "add", "params": {"cluster": "[@doe2000, p. 3]"}}
      {"id": 3, "method": "shutdown"}
    """
    del stdio  # the only transport; the flag keeps room for others
    serve_stdio(allow=allow)


COMMANDS = [serve]

__all__ = ["COMMANDS", "serve"]

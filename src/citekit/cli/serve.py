"""``citekit serve``: the JSON server editor plugins talk to (docs/server.md)."""

from __future__ import annotations

import click

from citekit.server import serve_stdio


@click.command("serve")
@click.option("--stdio", is_flag=True, required=True,
              help="Talk newline-delimited JSON over stdin and stdout (the only transport).")
def serve(stdio: bool) -> None:
    """Serve citation rendering to an editor over newline-delimited JSON.

    Each line on stdin is a request {"id": 1, "method": "...", "params":
    {...}}; each line on stdout is its response {"id": 1, "result": ...} or
    {"id": 1, "error": {"code": ..., "message": ...}}.  Methods: open,
    add_cluster, insert_cluster, update_cluster, remove_cluster,
    move_cluster, clusters, bibliography, complete, styles, shutdown.  The
    server answers malformed requests with errors and keeps running until
    shutdown or the end of stdin.  The schema is in docs/server.md.

    \b
    Example:
      citekit serve --stdio
      {"id": 1, "method": "open", "params": {"library": "refs.bib", "style": "apa"}}
      {"id": 2, "method": "add_cluster", "params": {"cluster": "[@doe2000, p. 3]"}}
      {"id": 3, "method": "shutdown"}
    """
    del stdio  # the only transport; the flag keeps room for others
    serve_stdio()


COMMANDS = [serve]

__all__ = ["COMMANDS", "serve"]

"""``citekit lsp``: the language server for editors (docs/lsp.md)."""

from __future__ import annotations

import click


@click.command("lsp")
@click.option(
    "--stdio",
    is_flag=True,
    default=True,
    help="Talk the Language Server Protocol over stdin and stdout (the default "
    "and only transport).",
)
def lsp(stdio: bool) -> None:
    """Run the language server: key completion, hover and checks for editors.

    Completes citation keys from your bibliography in Markdown ([@key]),
    LaTeX (\\cite{key}), reStructuredText (:cite:`@key`) and plain text,
    shows the formatted citation and entry on hover, reports unknown keys
    and entries citekit check flags, jumps to the .bib entry, and offers a
    quick fix for a mistyped key.  The bibliography comes from the
    document's front matter (bibliography:, csl:), the editor's settings
    (citekit.bibliography, citekit.style), or references.bib / *.bib in the
    workspace.  Editor set-up: docs/lsp.md.  Needs the lsp extra.

    \b
    Example:
      citekit lsp --stdio
      (Neovim) vim.lsp.start({name = "citekit", cmd = {"citekit", "lsp", "--stdio"}})
    """
    del stdio  # the only transport; the flag is what editors' configurations pass
    try:
        from citekit.integrations.lsp import serve_stdio
    except ImportError as error:
        raise click.UsageError(
            f"the language server needs pygls and lsprotocol ({error}); "
            "install them with: pip install 'citekit[lsp]'"
        ) from error
    serve_stdio()


COMMANDS = [lsp]

__all__ = ["COMMANDS", "lsp"]

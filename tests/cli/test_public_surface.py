"""The command line is built on the public API only.

Every module of ``src/citekit/cli/`` may import ``citekit`` itself (names in
``citekit.__all__``), its own ``citekit.cli.*`` modules and ``citekit.errors``
(public: every exception lives there).  ``citekit serve`` and ``citekit lsp``
start the two other faces, ``citekit.server`` and ``citekit.integrations``,
which sit in the same layer as the CLI and are no library code.  Anything
else would mean a command doing work a program cannot do through
``import citekit``.  Function-local imports count too.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import citekit

CLI = Path(__file__).resolve().parents[2] / "src" / "citekit" / "cli"

#: Modules the CLI may import from besides ``citekit`` itself.
ALLOWED_PREFIXES = ("citekit.cli", "citekit.errors")
#: The other faces the CLI starts (a command each): not library code.
OTHER_FACES = ("citekit.server", "citekit.integrations")


@dataclass(frozen=True)
class Import:
    file: str
    line: int
    module: str
    names: tuple[str, ...]


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def imports_of(path: Path) -> list[Import]:
    """Every citekit import in a file, at any depth (function-local ones too)."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = tuple(alias.name for alias in node.names)
            found.append(Import(path.name, node.lineno, node.module, names))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(path.name, node.lineno, alias.name, ()))
    return [i for i in found if i.module == "citekit" or i.module.startswith("citekit.")]


def private_imports(path: Path) -> list[str]:
    """The imports of ``path`` that reach past the public API, as ``file:line: what``."""
    public = set(citekit.__all__)
    problems: list[str] = []
    for imp in imports_of(path):
        where = f"{imp.file}:{imp.line}"
        if imp.module == "citekit":
            problems += [
                f"{where}: citekit.{n} is not in __all__" for n in imp.names if n not in public
            ]
        elif not _within(imp.module, ALLOWED_PREFIXES + OTHER_FACES):
            problems.append(f"{where}: {imp.module} ({', '.join(imp.names) or 'module'})")
    return problems


CLI_FILES = sorted(CLI.glob("*.py"))


def test_every_cli_file_is_looked_at() -> None:
    names = {path.name for path in CLI_FILES}
    assert {"__init__.py", "_common.py", "cite.py", "hygiene.py", "listing.py"} <= names
    assert {"lsp.py", "document.py"} <= names


@pytest.mark.parametrize("path", CLI_FILES, ids=lambda p: p.name)
def test_cli_module_imports_only_the_public_api(path: Path) -> None:
    assert private_imports(path) == []


def test_the_check_catches_a_private_import(tmp_path: Path) -> None:
    # the test above passing means nothing unless the check sees what it must refuse
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from citekit import read, not_public_at_all\n"
        "from citekit.errors import UsageError\n"
        "from citekit.cli._common import handle_errors\n"
        "import citekit.ops.tidy\n"
        "def late():\n"
        "    from citekit.formats.bibtex import write_entry\n",
        encoding="utf-8",
    )
    assert private_imports(sample) == [
        "sample.py:1: citekit.not_public_at_all is not in __all__",
        "sample.py:4: citekit.ops.tidy (module)",
        "sample.py:6: citekit.formats.bibtex (write_entry)",
    ]

"""The import graph of ``src/citekit``, read from the source, for the architecture tests.

Every ``import`` counts, at the top of a module or inside a function, since
a function-local import runs too and a cycle through it is still a cycle;
imports under ``if TYPE_CHECKING:`` are kept apart, as type checkers alone
follow them.  ``citekit/__init__.py`` loads its public names lazily through
``_LAZY_MODULES``; those modules count as its imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

#: The layers, lowest first: a module may import from its own layer and any
#: layer below it, never above.  docs/architecture.md draws the same list.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("citekit.errors",),
    ("citekit.base",),
    ("citekit.model",),
    ("citekit.styles",),
    ("citekit.formats",),
    ("citekit.ops", "citekit.sources"),
    ("citekit.render",),
    ("citekit.documents", "citekit.course"),
    ("citekit",),  # the public API: citekit/__init__.py
    ("citekit.integrations", "citekit.cli", "citekit.server", "citekit.sphinx", "citekit.__main__"),
)


@dataclass(frozen=True)
class Import:
    """One import of one module by another, with where it is written."""

    importer: str
    imported: str
    line: int
    local: bool  # inside a function: runs when the function runs
    type_checking: bool  # under ``if TYPE_CHECKING:``: never runs


@dataclass
class Graph:
    modules: dict[str, Path] = field(default_factory=dict)
    imports: list[Import] = field(default_factory=list)

    def runtime_edges(self) -> dict[str, set[str]]:
        edges: dict[str, set[str]] = {name: set() for name in self.modules}
        for imp in self.imports:
            if not imp.type_checking and imp.imported != imp.importer:
                edges[imp.importer].add(imp.imported)
        return edges


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of the longest prefix naming the module's layer."""
    best, best_length = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    return best


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(
    node: ast.AST, in_function: bool, type_checking: bool
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, in_function, type_checking
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for statement in child.body:
                yield from _walk(ast.Module(body=[statement], type_ignores=[]), in_function, True)
            for statement in child.orelse:
                yield from _walk(
                    ast.Module(body=[statement], type_ignores=[]), in_function, type_checking
                )
        else:
            nested = in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            )
            yield from _walk(child, nested, type_checking)


def _resolve(
    importer: str, is_package: bool, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]
) -> Iterator[str]:
    """The citekit modules one import statement loads (a submodule named in ``from`` counts)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] == "citekit":
                yield _nearest_module(alias.name, modules)
        return
    base = node.module or ""
    if node.level:
        package = importer if is_package else importer.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    if base.split(".")[0] != "citekit":
        return
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        yield candidate if candidate in modules else _nearest_module(base, modules)


def _nearest_module(dotted: str, modules: dict[str, Path]) -> str:
    while dotted not in modules and "." in dotted:
        dotted = dotted.rpartition(".")[0]
    return dotted


def _lazy_modules(tree: ast.Module) -> list[tuple[str, int]]:
    for node in tree.body:
        target = (
            node.target
            if isinstance(node, ast.AnnAssign)
            else (node.targets[0] if isinstance(node, ast.Assign) else None)
        )
        if isinstance(target, ast.Name) and target.id == "_LAZY_MODULES":
            assert isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(
                node.value, ast.Dict
            )
            return [
                (key.value, key.lineno)
                for key in node.value.keys
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            ]
    return []


def build() -> Graph:
    graph = Graph()
    for path in sorted((SRC / "citekit").rglob("*.py")):
        graph.modules[module_name(path)] = path
    for name, path in graph.modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        for node, local, type_checking in _walk(tree, False, False):
            for imported in _resolve(name, is_package, node, graph.modules):
                graph.imports.append(Import(name, imported, node.lineno, local, type_checking))
        if name == "citekit":
            for imported, line in _lazy_modules(tree):
                graph.imports.append(Import(name, imported, line, True, False))
    return graph


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found

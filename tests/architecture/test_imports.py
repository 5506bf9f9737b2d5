"""The architecture holds: no import cycle, no import against the layer order.

docs/architecture.md describes the layers; :data:`import_graph.LAYERS` is the
same list, so the page and this test cannot drift apart silently: the test
also checks that the page names every layer in the same order.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest


def _load() -> ModuleType:
    """``import_graph`` beside this file, loaded by path (the suite imports in importlib mode)."""
    if "import_graph" in sys.modules:
        return sys.modules["import_graph"]
    path = Path(__file__).with_name("import_graph.py")
    spec = importlib.util.spec_from_file_location("import_graph", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module
    spec.loader.exec_module(module)
    return module


graph_module = _load()
GRAPH = graph_module.build()
ARCHITECTURE_PAGE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def test_the_graph_sees_every_module_and_function_local_imports() -> None:
    assert "citekit.render.csl.processor" in GRAPH.modules
    assert len(GRAPH.modules) > 100
    assert any(imp.local for imp in GRAPH.imports), "function-local imports are counted"
    assert any(imp.importer == "citekit" for imp in GRAPH.imports), "the lazy API counts"


def test_no_import_cycle_at_run_time() -> None:
    found = graph_module.cycles(GRAPH.runtime_edges())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_no_import_cycle_even_for_type_checkers() -> None:
    """A cycle kept only under TYPE_CHECKING still ties two modules into one."""
    edges: dict[str, set[str]] = {name: set() for name in GRAPH.modules}
    for imp in GRAPH.imports:
        if imp.imported != imp.importer:
            edges[imp.importer].add(imp.imported)
    found = graph_module.cycles(edges)
    assert found == [], "cycles through TYPE_CHECKING: " + "; ".join(" <-> ".join(c) for c in found)


def test_every_module_belongs_to_a_layer() -> None:
    homeless = sorted(name for name in GRAPH.modules if graph_module.layer_of(name) < 0)
    assert homeless == []


def test_imports_follow_the_layer_order() -> None:
    upward = [
        f"{imp.importer} (line {imp.line}) imports {imp.imported}"
        for imp in GRAPH.imports
        if graph_module.layer_of(imp.imported) > graph_module.layer_of(imp.importer)
    ]
    assert upward == []


def test_at_most_four_modules_at_the_top() -> None:
    top = sorted(
        path.name
        for path in (graph_module.SRC / "citekit").glob("*.py")
        if path.name not in {"__init__.py", "__main__.py", "errors.py"}
    )
    assert len(top) <= 4, top


def test_the_architecture_page_draws_the_same_layers() -> None:
    if not ARCHITECTURE_PAGE.exists():
        pytest.fail("docs/architecture.md is missing")
    text = ARCHITECTURE_PAGE.read_text(encoding="utf-8")
    block = re.search(r"<!-- layers -->\n(.*?)<!-- /layers -->", text, re.S)
    assert block, "the page marks its layer list with <!-- layers --> ... <!-- /layers -->"
    # each numbered line names its layer's packages in backquotes before the first colon
    listed = [
        tuple(re.findall(r"`([\w.]+)`", line.partition(":")[0]))
        for line in block.group(1).splitlines()
        if "`" in line
    ]
    assert listed == [tuple(layer) for layer in graph_module.LAYERS]


def test_every_dataclass_of_the_package_has_its_own_docstring(
    fresh_python: Callable[[str], str],
) -> None:
    """A dataclass without one gets ``Name(signature)`` made by :func:`inspect.signature`,
    whose first use compiles the tokenizer's pattern: over a millisecond of every
    command that defines such a class (and a class worth defining is worth a line)."""
    code = (
        "import dataclasses, importlib, pkgutil, sys, citekit\n"
        "skip = ('citekit.__main__', 'citekit.sphinx', 'citekit.integrations')\n"
        "for info in pkgutil.walk_packages(citekit.__path__, 'citekit.'):\n"
        "    if not info.name.startswith(skip):\n"
        "        importlib.import_module(info.name)\n"
        "for name, module in sorted(sys.modules.items()):\n"
        "    if name.startswith('citekit'):\n"
        "        for value in vars(module).values():\n"
        "            if (isinstance(value, type) and value.__module__ == name\n"
        "                    and dataclasses.is_dataclass(value)\n"
        "                    and (value.__doc__ or '').startswith(value.__name__ + '(')):\n"
        "                print(name, value.__name__)\n"
    )
    assert fresh_python(code) == ""

"""The BibTeX package as the rest of citekit sees it: the registry's format, its
public names, and macro expansion offered to edits of a file's text."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

from bibtexparser.model import String
from hypothesis import given, settings
from hypothesis import strategies as st

import citekit.formats.bibtex as bibtex
from citekit.formats import get_format

#: The package's modules in import order: each imports only modules before it.
PACKAGE = "citekit.formats.bibtex"
MODULES = ("splitter", "texmath", "latex", "names", "dates", "fields", "reader", "writer", "edits")


def test_the_registry_loads_the_package_as_the_biblatex_format() -> None:
    module = get_format("bibtex").load()
    assert module is bibtex
    assert module.read is importlib.import_module("citekit.formats.bibtex.reader").read
    assert module.write is importlib.import_module("citekit.formats.bibtex.writer").write


def test_every_module_is_listed_and_exports_only_public_names() -> None:
    found = {info.name for info in pkgutil.iter_modules(bibtex.__path__)}
    assert found == set(MODULES)
    for name in bibtex.__all__:
        assert not name.startswith("_")
        value = getattr(bibtex, name)
        owner = getattr(value, "__module__", None)
        if owner is not None and owner.startswith("citekit."):  # functions and classes
            assert owner.rpartition(".")[2] in MODULES, name


def _package_imports(name: str) -> set[str]:
    """The package's modules that module ``name`` imports, read from its source
    (function-local imports included: they run too)."""
    path = Path(bibtex.__file__).with_name(f"{name}.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(f"{PACKAGE}."):
                found.add(node.module.removeprefix(f"{PACKAGE}."))
            elif node.module == PACKAGE:
                found.update(a.name if a.name in MODULES else "__init__" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix(f"{PACKAGE}.") for a in node.names if a.name.startswith(PACKAGE)
            )
    return found


def test_no_module_imports_one_listed_after_it() -> None:
    """The order the package docstring gives: no loop (the reader never needs the
    writer) and no module goes through the package's ``__init__``."""
    assert "writer" not in _package_imports("reader")
    assert "reader" in _package_imports("writer")
    for index, name in enumerate(MODULES):
        imported = _package_imports(name)
        assert imported <= set(MODULES[:index]), (name, imported - set(MODULES[:index]))


_MACRO_TEXT = (
    '@string{pub = "Springer"}\n'
    '@string{city = {Ber} # "lin"}\n'
    "@string{twice = city # { and } # city}\n"
)
_PARTS = st.lists(
    st.sampled_from(["pub", "city", "twice", "jan", "dec", "nope", "{ Verlag, }", '"x"', "1999"]),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(_PARTS)
def test_expand_macros_expands_as_the_reader_does(parts: list[str]) -> None:
    value = " # ".join(parts)
    text = f"{_MACRO_TEXT}@misc{{k, myfield = {value}}}\n"
    result = bibtex.read(text)
    strings = [block for block in bibtex.split_blocks(text) if isinstance(block, String)]
    expanded, problems = bibtex.expand_macros(value, strings)
    assert expanded == result.library["k"].custom["biblatex"]["myfield"]
    read_codes = [d.code for d in result.diagnostics if d.code != "unmapped-fields"]
    assert [d.code for d in problems] == read_codes
    assert ("nope" in parts) == bool(problems)


def test_expand_macros_knows_only_the_strings_it_is_given() -> None:
    text = _MACRO_TEXT + "@misc{k, note = {x}}\n"
    strings = [block for block in bibtex.split_blocks(text) if isinstance(block, String)]
    with_all, none_missing = bibtex.expand_macros("city", strings)
    without, missing = bibtex.expand_macros("city", strings[:1])
    assert (
        with_all
        == bibtex.read(_MACRO_TEXT + "@misc{k, x = city}").library["k"].custom["biblatex"]["x"]
    )
    assert not none_missing
    assert without == "" and [d.code for d in missing] == ["undefined-macro"]


def test_tidy_and_keys_use_only_public_names_of_the_package() -> None:
    """The operations above the formats go through the package's ``__all__`` and the
    public :mod:`.edits` module, never a private helper of its modules."""
    edits = importlib.import_module(f"{PACKAGE}.edits")
    public = {PACKAGE: set(bibtex.__all__), f"{PACKAGE}.edits": set(edits.__all__)}
    ops = Path(bibtex.__file__).parents[2] / "ops"
    for name in ("tidy", "keys"):
        tree = ast.parse((ops / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE):
                assert node.module in public, (name, node.module)
                assert {a.name for a in node.names} <= public[node.module], (name, node.module)

"""bibtexparser's splitter and block model, loaded without the rest of bibtexparser.

The reader uses two of bibtexparser's modules: the splitter, which cuts a
.bib text into blocks, and the model of those blocks.  Importing either the
ordinary way runs the package's ``__init__`` first, and that loads all of
bibtexparser's middlewares, its writer and pylatexenc (which citekit never
uses): about two thirds of what bibtexparser costs to import, paid by every
``citekit cite`` and ``citekit bib``.

:func:`_package_without_init` puts the package into ``sys.modules`` as an
empty package (its ``__path__`` set, its ``__init__`` not run yet), so the
two modules load alone.  The package stays a complete one for everybody
else: the first time anything asks it for a name it does not hold yet
(``bibtexparser.parse_string``, ``from bibtexparser import Library``), its
``__init__`` runs, once, in the same module object, and the answer is the
one an ordinary import gives.  Where bibtexparser is already imported, or
cannot be found, the imports below are the ordinary ones.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

_PACKAGE = "bibtexparser"


def _package_without_init() -> None:
    """Register bibtexparser as a package whose ``__init__`` runs when a missing name is asked."""
    if _PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # not installed as a package: the ordinary import reports it
    package = importlib.util.module_from_spec(spec)
    attribute, listing = _completers(package)
    package.__getattr__ = attribute  # type: ignore[method-assign]
    package.__dir__ = listing  # type: ignore[method-assign]
    sys.modules[_PACKAGE] = package


def _completers(package: ModuleType) -> tuple[Any, Any]:
    """The package's module ``__getattr__`` and ``__dir__``: run ``__init__`` once, then answer.

    ``__dir__`` too, so that ``dir(bibtexparser)`` lists what an ordinary
    import gives and not only the submodules loaded so far.
    """
    namespace = package.__dict__

    def complete() -> None:
        if namespace.get("__getattr__") is attribute:
            del namespace["__getattr__"], namespace["__dir__"]
            spec = package.__spec__
            assert spec is not None and spec.loader is not None
            spec.loader.exec_module(package)

    def attribute(name: str) -> Any:
        complete()
        try:
            return namespace[name]
        except KeyError:
            raise AttributeError(f"module {_PACKAGE!r} has no attribute {name!r}") from None

    def listing() -> list[str]:
        complete()
        return sorted(namespace)

    return attribute, listing


_package_without_init()

from bibtexparser.model import (  # noqa: E402  (after the package is registered)
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    Field,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)
from bibtexparser.splitter import Splitter  # noqa: E402

__all__ = [
    "Block",
    "DuplicateBlockKeyBlock",
    "DuplicateFieldKeyBlock",
    "Entry",
    "ExplicitComment",
    "Field",
    "ImplicitComment",
    "ParsingFailedBlock",
    "Preamble",
    "Splitter",
    "String",
]

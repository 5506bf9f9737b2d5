"""Formatting citations and bibliographies in CSL styles.

The public entry point is :func:`render`; :func:`cite` and
:func:`bibliography` are shortcuts.  Engines (citeproc-py, citekit's own)
sit behind one contract (:mod:`citekit.render.types`) and are chosen by
name; :data:`DEFAULT_ENGINE` is the one used when none is named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from citekit.render.api import (
    DEFAULT_ENGINE,
    ENGINES,
    OUTPUT_FORMATS,
    BibEntry,
    Bibliography,
    Citation,
    CitationInput,
    EntryText,
    Result,
    as_clusters,
    available_engines,
    bibliography,
    check_keys,
    cite,
    get_engine,
    linkify,
    render,
    serialise,
    to_cluster,
    unknown_keys,
)
from citekit.render.types import (
    BibliographyLayout,
    CiteItem,
    Cluster,
    Engine,
    EngineOutput,
    Problem,
)

if TYPE_CHECKING:  # re-exported on first use (see __getattr__)
    from citekit.ops.query import closest_keys


def __getattr__(name: str) -> Any:
    """``closest_keys`` from :mod:`citekit.ops.query`, imported when first asked for.

    Only a miss needs key suggestions, so rendering never loads the query layer.
    """
    if name == "closest_keys":
        from citekit.ops.query import closest_keys

        return closest_keys
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "OUTPUT_FORMATS",
    "BibEntry",
    "Bibliography",
    "BibliographyLayout",
    "Citation",
    "CitationInput",
    "CiteItem",
    "Cluster",
    "Engine",
    "EngineOutput",
    "EntryText",
    "Problem",
    "Result",
    "as_clusters",
    "available_engines",
    "bibliography",
    "check_keys",
    "cite",
    "closest_keys",
    "get_engine",
    "linkify",
    "render",
    "serialise",
    "to_cluster",
    "unknown_keys",
]

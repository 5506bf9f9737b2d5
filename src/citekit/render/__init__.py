"""Formatting citations and bibliographies in CSL styles.

The public entry point is :func:`render`; :func:`cite` and
:func:`bibliography` are shortcuts.  Engines (citeproc-py, citekit's own)
sit behind one contract (:mod:`citekit.render.types`) and are chosen by
name; :data:`DEFAULT_ENGINE` is the one used when none is named.
"""

from __future__ import annotations

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
    closest_keys,
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

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
    unknown_keys,
)
from citekit.render.types import BibliographyLayout, CiteItem, Cluster, Engine, EngineOutput

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "OUTPUT_FORMATS",
    "BibEntry",
    "BibliographyLayout",
    "CiteItem",
    "Cluster",
    "Engine",
    "EngineOutput",
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
    "unknown_keys",
]

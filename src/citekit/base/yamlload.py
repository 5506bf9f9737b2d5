"""One YAML dialect for every YAML citekit reads: safe, with YAML 1.2 scalars.

PyYAML resolves scalars by YAML 1.1, where ``no`` is false, ``1:30`` is a
number and ``012`` is octal: a citation key ``no`` or an id ``012`` would
silently change type.  CSL-YAML libraries, document front matter and reading
lists all load through :data:`Loader` here so the same text means the same
thing everywhere (pandoc's YAML reader follows 1.2 as well).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# PyYAML ships no type information, so it is used as an untyped module.
yaml: Any = importlib.import_module("yaml")

# libyaml's parser when PyYAML was built with it (ten times faster); the
# resolvers and constructors stay PyYAML's, so the behaviour is the same.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: SafeLoader with YAML 1.2 core-schema scalars (no sexagesimal, no yes/no).
Loader: Any = type("Loader", (_SAFE_LOADER,), {})
Loader.yaml_implicit_resolvers = {}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:0|[-+]?[1-9][0-9]*)$"),
    list("-+0123456789"),
)
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null",
    re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""],
)

YAMLError: Any = yaml.YAMLError


def load(text: str) -> Any:
    """Parse one YAML document (None for an empty one)."""
    loader = Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def compose_and_load(text: str) -> tuple[Any, Any]:
    """The document's node tree (for line numbers) and its data, parsed once."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        return node, data
    finally:
        loader.dispose()


__all__ = ["Loader", "YAMLError", "compose_and_load", "load", "yaml"]

"""Name-part formatting that reaches a macro through ``cs:substitute``.

citeproc-js expands macros when it builds a style, and a macro called from
inside a ``cs:substitute`` is built in the substituting names' context: its
``cs:name`` elements that have no ``cs:name-part`` of their own take the
original ``cs:name``'s name-parts, and keep them wherever else the macro is
used.  French styles rely on this for small-capital family names of editors
(annales: "M J <sc>Kahana</sc> (dir.)", whose editor macro asks for none).
citekit applies the same rule once, when the style is parsed, so the behaviour
does not depend on which item happens to be rendered first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from citekit.render.csl.style import (
    ChooseNode,
    GroupNode,
    NamePartNode,
    NamesNode,
    Node,
    TextNode,
)

Parts = Mapping[str, NamePartNode]


def _walk(nodes: tuple[Node, ...]) -> Iterator[Node]:
    for node in nodes:
        yield node
        if isinstance(node, GroupNode):
            yield from _walk(node.children)
        elif isinstance(node, ChooseNode):
            for _, children in node.branches:
                yield from _walk(children)
        elif isinstance(node, NamesNode) and node.substitute:
            yield from _walk(node.substitute)


def _macro_calls(nodes: tuple[Node, ...]) -> Iterator[str]:
    for node in _walk(nodes):
        if isinstance(node, TextNode) and node.source == "macro":
            yield node.value


def _with_parts(nodes: tuple[Node, ...], parts: Parts) -> tuple[Node, ...]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, NamesNode) and node.name is not None and not node.name.parts:
            node = replace(node, name=replace(node.name, parts=parts))
        elif isinstance(node, GroupNode):
            node = replace(node, children=_with_parts(node.children, parts))
        elif isinstance(node, ChooseNode):
            node = replace(
                node,
                branches=tuple(
                    (condition, _with_parts(children, parts))
                    for condition, children in node.branches
                ),
            )
        out.append(node)
    return tuple(out)


def inherit_name_parts(
    macros: dict[str, tuple[Node, ...]], layouts: tuple[tuple[Node, ...], ...]
) -> None:
    """Give macros called from a substitute the substituting names' name-parts (in place)."""
    done: set[str] = set()
    for nodes in (*macros.values(), *layouts):
        for node in _walk(nodes):
            if not (
                isinstance(node, NamesNode)
                and node.substitute
                and node.name is not None
                and node.name.parts
            ):
                continue
            pending = list(_macro_calls(node.substitute))
            while pending:
                name = pending.pop()
                if name in done or name not in macros:
                    continue
                done.add(name)
                macros[name] = _with_parts(macros[name], node.name.parts)
                pending.extend(_macro_calls(macros[name]))  # built inline: nested macros too

"""pandoc's ``[@key]`` citations in the text of MyST Markdown pages.

myst-parser leaves ``[see @a, p. 33; -@b]`` as literal text (it is not a
link: nothing defines it), so citations are found after parsing, in the
doctree's text, where code, math, raw markup, links and titles are already
told apart from prose.  A bracketed group counts as a citation when it
holds a cite start (``@`` or ``-@`` not preceded by a word character, an
``@`` or a backslash, so e-mail addresses are left alone), as in pandoc.

An author-in-text citation is a bare ``@key`` outside brackets, with an
optional locator in brackets after it (``@key [p. 33]``), as pandoc reads
it: "Raimondo (2000, 33)".  The same exclusions hold (``me@example.org``
is an address, not a citation), and a key ends before trailing
punctuation (``@key.`` cites ``key``).
"""

from __future__ import annotations

import re

from docutils import nodes

from citekit.integrations.sphinx_nodes import citation_node

CLUSTER = re.compile(r"\[(?P<body>[^\[\]]*?(?<![\w@\\])-?@(?:\{|\w)[^\[\]]*)\](?![(\[:])")
"""A bracketed citation cluster in running text."""

IN_TEXT = re.compile(
    r"(?<![\w@\\\-])@(?:\{[^{}]*\}|\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*)"
    r"(?:[ ]?\[[^\[\]]*\](?![(\[:]))?"
)
"""An author-in-text citation: ``@key`` and an optional ``[locator]`` after it."""

_CITATION = re.compile(f"{CLUSTER.pattern}|(?P<in_text>{IN_TEXT.pattern})")
"""Either form; at a ``[`` the cluster wins, so a cite inside brackets is never in-text."""

_OPAQUE = (
    nodes.FixedTextElement,
    nodes.literal,
    nodes.raw,
    nodes.reference,
    nodes.target,
    nodes.comment,
    nodes.math,
    nodes.title,
    nodes.substitution_definition,
    citation_node,
)


def _opaque(node: nodes.Node) -> bool:
    """Whether ``node`` or an ancestor holds text that is not prose."""
    current: nodes.Node | None = node
    while current is not None:
        if isinstance(current, _OPAQUE):
            return True
        current = current.parent
    return False


def _split(text: str, line: int | None, source: str | None) -> list[nodes.Node] | None:
    """``text`` as text and citation nodes, or None when it holds no citation."""
    pieces: list[nodes.Node] = []
    position = 0
    for match in _CITATION.finditer(text):
        if match.start() > position:
            pieces.append(nodes.Text(text[position : match.start()]))
        if match["in_text"]:
            cite = citation_node(match.group(0), text=match.group(0), in_text=True)
        else:
            cite = citation_node(match.group(0), text=match["body"])
        cite.source = source
        cite.line = line + text[: match.start()].count("\n") if line else line
        pieces.append(cite)
        position = match.end()
    if not pieces:
        return None
    if position < len(text):
        pieces.append(nodes.Text(text[position:]))
    return pieces


def _text_runs(parent: nodes.Element) -> list[list[nodes.Text]]:
    """The runs of adjacent text children of ``parent`` (a parser may split text)."""
    runs: list[list[nodes.Text]] = []
    current: list[nodes.Text] = []
    for child in parent.children:
        if isinstance(child, nodes.Text):
            current.append(child)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return runs


def mark_citations(document: nodes.document) -> int:
    """Turn the citations in ``document``'s prose into citation nodes (both forms).

    Returns how many were found.
    """
    found = 0
    parents = [
        node
        for node in document.findall(nodes.TextElement)
        if not _opaque(node) and "@" in node.astext()
    ]
    for parent in parents:
        for run in _text_runs(parent):
            text = "".join(str(piece) for piece in run)
            pieces = _split(text, parent.line, parent.source)
            if pieces is None:
                continue
            found += sum(isinstance(piece, citation_node) for piece in pieces)
            index = parent.index(run[0])
            for old in run:
                parent.remove(old)
            for offset, new in enumerate(pieces):
                parent.insert(index + offset, new)
    return found

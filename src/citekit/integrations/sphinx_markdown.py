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

myst-parser has already read the Markdown inside a citation
(``[see *especially* @key, p. 5]``): the emphasis is a node of its own
between two texts.  A citation is therefore matched in the text of a run of
texts and simple inline markup (emphasis, strong, super- and subscript), and
one that holds such markup keeps it as marker characters
(:data:`_MARKERS`) that :func:`rich_affixes` turns into the CSL-JSON markup
the engine reads, as ``citekit render`` reads the same Markdown
(:func:`citekit.documents.markdown.affix_markup`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from docutils import nodes

import citekit
from citekit.documents.markdown import csl_text
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


_MARKERS: dict[type[nodes.Element], tuple[str, str, str]] = {
    nodes.emphasis: ("\ue000", "\ue001", "i"),
    nodes.strong: ("\ue002", "\ue003", "b"),
    nodes.superscript: ("\ue004", "\ue005", "sup"),
    nodes.subscript: ("\ue006", "\ue007", "sub"),
}
"""Inline markup a citation may hold: (opening marker, closing marker, CSL-JSON tag).

Private-use characters, which no document holds, so the citation parser
carries them into the prefix or suffix where they were written."""

_MARKDOWN = {"i": "*", "b": "**", "sup": "^", "sub": "~"}
"""How a citation holding markup is shown as typed (an unreadable one, in bold)."""

_MARKER_CHARS = re.compile("[\ue000-\ue007]")


def _rich(node: nodes.Node) -> str | None:
    """``node``'s text with its markup as markers, or None when it cannot be in a citation.

    Markup holding an ``@``, a bracket or anything but text and simple
    markup is left out: its citations, if any, are its own.
    """
    if isinstance(node, nodes.Text):
        return str(node)
    markers = _MARKERS.get(type(node)) if isinstance(node, nodes.Element) else None
    if markers is None:
        return None
    if any(char in node.astext() for char in "@[]"):
        return None
    inner = [_rich(child) for child in node.children]
    if any(piece is None for piece in inner):
        return None
    return markers[0] + "".join(piece or "" for piece in inner) + markers[1]


def _as_typed(rich: str) -> str:
    """A citation holding markers as its Markdown (``*especially*``)."""
    for opening, closing, tag in _MARKERS.values():
        rich = rich.replace(opening, _MARKDOWN[tag]).replace(closing, _MARKDOWN[tag])
    return rich


def _csl_markup(affix: str) -> str:
    """A prefix or suffix holding markers as CSL-JSON rich text.

    Markers that do not pair up within the affix (markup spanning two
    cites) are dropped: the text stays, plain.
    """
    by_marker = {m: (tag, m == o) for o, c, tag in _MARKERS.values() for m in (o, c)}
    open_tags: list[str] = []
    balanced = True
    for char in _MARKER_CHARS.findall(affix):
        tag, opening = by_marker[char]
        if opening:
            open_tags.append(tag)
        elif not open_tags or open_tags.pop() != tag:
            balanced = False
    if not balanced or open_tags:
        return csl_text(_MARKER_CHARS.sub("", affix))
    out = []
    for piece in re.split("([\ue000-\ue007])", affix):
        if piece in by_marker:
            tag, opening = by_marker[piece]
            out.append(f"<{tag}>" if opening else f"</{tag}>")
        else:
            out.append(csl_text(piece))
    return "".join(out)


def rich_affixes(cluster: citekit.Cluster) -> citekit.Cluster:
    """A cluster read from a citation holding markup, its markup as the engine reads it.

    Prefixes and suffixes get CSL-JSON markup; a locator or a key cannot
    hold markup, so there it goes.
    """

    def plain_or_none(value: str | None) -> str | None:
        return _MARKER_CHARS.sub("", value) if value else value

    items = tuple(
        replace(
            item,
            id=_MARKER_CHARS.sub("", item.id),
            prefix=_csl_markup(item.prefix) if item.prefix else item.prefix,
            suffix=_csl_markup(item.suffix) if item.suffix else item.suffix,
            locator=plain_or_none(item.locator),
        )
        for item in cluster.items
    )
    return replace(cluster, items=items)


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


def _markup_runs(parent: nodes.Element) -> list[list[nodes.Node]]:
    """The runs of children of ``parent`` that are text or simple markup, with some markup."""
    runs: list[list[nodes.Node]] = []
    current: list[nodes.Node] = []
    for child in [*parent.children, None]:
        if child is not None and _rich(child) is not None:
            current.append(child)
            continue
        if any(not isinstance(node, nodes.Text) for node in current):
            runs.append(current)
        current = []
    return runs


def _mark_across_markup(parent: nodes.Element, run: list[nodes.Node]) -> int:
    """The citations of ``run`` that hold markup become citation nodes; how many.

    A citation that starts or ends inside markup, or lies wholly inside it,
    is left to the plain-text pass (markup is an element with its own text).
    """
    flat_parts = [child.astext() for child in run]
    rich_parts = [_rich(child) or "" for child in run]
    starts = [0]
    for part in flat_parts:
        starts.append(starts[-1] + len(part))
    rich_starts = [0]
    for part in rich_parts:
        rich_starts.append(rich_starts[-1] + len(part))
    flat = "".join(flat_parts)
    rich = "".join(rich_parts)
    markup = [i for i, child in enumerate(run) if not isinstance(child, nodes.Text)]

    def inside_markup(offset: int) -> bool:
        return any(starts[i] < offset < starts[i + 1] for i in markup)

    def rich_offset(offset: int) -> int:
        for i in range(len(run)):
            if starts[i] <= offset < starts[i + 1] or offset == starts[i]:
                return rich_starts[i] + (offset - starts[i] if i not in markup else 0)
        return len(rich)

    def emit(out: list[nodes.Node], start: int, end: int) -> None:
        for i, child in enumerate(run):
            low, high = max(start, starts[i]), min(end, starts[i + 1])
            if low >= high:
                continue
            if i in markup:
                out.append(child)
            else:
                out.append(nodes.Text(flat[low:high]))

    out: list[nodes.Node] = []
    position = found = 0
    for match in _CITATION.finditer(flat):
        start, end = match.start(), match.end()
        covers = any(start <= starts[i] and starts[i + 1] <= end for i in markup)
        if not covers or inside_markup(start) or inside_markup(end):
            continue
        body = (start, end) if match["in_text"] else (match.start("body"), match.end("body"))
        written = rich[rich_offset(body[0]) : rich_offset(body[1])]
        emit(out, position, start)
        cite = citation_node(
            _as_typed(rich[rich_offset(start) : rich_offset(end)]),
            text=_as_typed(written),
            rich=written,
            in_text=bool(match["in_text"]),
        )
        cite.source = parent.source
        cite.line = parent.line + flat[:start].count("\n") if parent.line else parent.line
        out.append(cite)
        position, found = end, found + 1
    if not found:
        return 0
    emit(out, position, len(flat))
    # by identity: a text node is a string, equal to any other with its text
    index = next(i for i, child in enumerate(parent.children) if child is run[0])
    parent[index : index + len(run)] = out
    return found


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
        if _detached(parent, document):
            continue  # markup taken into a citation of its parent
        for markup_run in _markup_runs(parent):
            found += _mark_across_markup(parent, markup_run)
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


def _detached(node: nodes.Node, document: nodes.document) -> bool:
    current: nodes.Node | None = node
    while current is not None and current is not document:
        current = current.parent
    return current is None

"""Formatted citations as docutils nodes, for every Sphinx builder at once.

citekit renders to a small HTML subset (``<i>``, ``<b>``, ``<sup>``,
``<sub>``, ``<a href>``, ``<span style=...>``, ``<div class="csl-...">``;
see ``citekit.render``'s ``output="html"``).  Turning that subset into
docutils nodes, rather than passing it on as raw HTML, is what lets the
same rendering reach the HTML, LaTeX, text and man builders: each writer
spells emphasis, links and superscripts its own way.  Text is unescaped by
the parser, so nothing in a record can become markup.
"""

from __future__ import annotations

from html.parser import HTMLParser

from docutils import nodes

SMALL_CAPS = "citekit-sc"
"""The class of an inline set in small capitals (CSS and LaTeX define it)."""

_STYLE_CLASSES = {
    "font-variant:small-caps;": SMALL_CAPS,
    "font-variant:normal;": "citekit-normal-variant",
    "font-style:normal;": "citekit-normal",
    "font-weight:normal;": "citekit-normal-weight",
    "text-decoration:underline;": "citekit-underline",
    "baseline": "citekit-baseline",
}

CSS = """\
/* citekit.sphinx: formatted citations and bibliographies */
.citekit-sc { font-variant: small-caps; }
.citekit-normal { font-style: normal; }
.citekit-normal-weight { font-weight: normal; }
.citekit-normal-variant { font-variant: normal; }
.citekit-underline { text-decoration: underline; }
.citekit-bibliography.citekit-hanging p { padding-left: 2em; text-indent: -2em; }
.citekit-bibliography .csl-left-margin { display: inline-block; min-width: 2.5em; }
.citekit-bibliography .csl-block { display: block; }
.citekit-bibliography .csl-indent { display: block; margin-left: 2em; }
"""
"""The stylesheet the HTML builder gets as ``_static/citekit.css``."""

LATEX_PACKAGE = r"""% citekit.sphinx: roles used by formatted citations (\DUrole{class}{text})
\NeedsTeXFormat{LaTeX2e}
\ProvidesPackage{citekit}
\expandafter\providecommand\csname DUrolecitekit-sc\endcsname[1]{\textsc{#1}}
\expandafter\providecommand\csname DUrolecitekit-normal\endcsname[1]{\textup{#1}}
\expandafter\providecommand\csname DUrolecitekit-normal-weight\endcsname[1]{\textmd{#1}}
\expandafter\providecommand\csname DUrolecitekit-normal-variant\endcsname[1]{\textnormal{#1}}
\expandafter\providecommand\csname DUrolecitekit-underline\endcsname[1]{\underline{#1}}
\expandafter\providecommand\csname DUrolecitekit-baseline\endcsname[1]{#1}
\expandafter\providecommand\csname DUrolecsl-left-margin\endcsname[1]{#1\ }
\expandafter\providecommand\csname DUrolecsl-right-inline\endcsname[1]{#1}
\expandafter\providecommand\csname DUrolecsl-block\endcsname[1]{#1}
\expandafter\providecommand\csname DUrolecsl-indent\endcsname[1]{#1}
\endinput
"""
"""``citekit.sty``, written beside the LaTeX builder's ``.tex`` files."""


class citation_node(nodes.Inline, nodes.Element):
    """A citation waiting to be formatted.

    ``text`` is the citation in pandoc's syntax; ``docname`` and ``index``
    (set once the document is read) say which collected cluster it is.
    """


class bibliography_node(nodes.General, nodes.Element):
    """A ``.. bibliography::`` waiting for its entries; ``docname`` and ``index`` name it."""


class _Builder(HTMLParser):
    """Builds a node tree while reading the HTML subset, one open node per open tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = nodes.inline()
        self.stack: list[nodes.Element] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _node_for(tag, {name: value or "" for name, value in attrs})
        self.stack[-1] += node
        self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1] += nodes.Text(data)


def _node_for(tag: str, attrs: dict[str, str]) -> nodes.Element:
    """The docutils node standing for one tag of the subset."""
    if tag == "i":
        return nodes.emphasis()
    if tag == "b":
        return nodes.strong()
    if tag == "sup":
        return nodes.superscript()
    if tag == "sub":
        return nodes.subscript()
    if tag == "a" and attrs.get("href"):
        return nodes.reference(refuri=attrs["href"], classes=["citekit-link"])
    if tag == "div":
        return nodes.inline(classes=[c for c in attrs.get("class", "").split() if c])
    style_class = _STYLE_CLASSES.get(attrs.get("style", ""))
    return nodes.inline(classes=[style_class] if style_class else [])


def html_to_nodes(html: str) -> list[nodes.Node]:
    """The nodes of one formatted citation or entry (citekit's HTML subset)."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return list(builder.root.children)


def has_link(content: list[nodes.Node]) -> bool:
    """Whether ``content`` already holds a link (a link cannot hold another)."""
    return any(
        isinstance(node, nodes.reference)
        or (isinstance(node, nodes.Element) and any(True for _ in node.findall(nodes.reference)))
        for node in content
    )

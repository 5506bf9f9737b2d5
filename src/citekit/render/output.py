"""Whole bibliographies and documents in each output format.

Entries are rendered one by one by :func:`citekit.render.render`; what is
left is the block around them, and that is where the style's bibliography
layout (hanging indent, second-field alignment, entry and line spacing) lives:
CSS on the ``csl-bib-body`` wrapper in HTML, a ``list`` environment in LaTeX.
Text and Markdown have no layout to speak of beyond blank lines.

The :class:`Result` of :func:`citekit.render.render` is defined here, below
``render()`` itself, so that this module needs nothing from it.

Every string that is not an entry rendered by :mod:`citekit.render.richtext`
(which only writes its allow-list of tags and safe links) is escaped here.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from citekit.base.valueclass import value_class
from citekit.errors import UsageError
from citekit.model.records import Library
from citekit.render import richtext
from citekit.render.quoted.expansion import quoted_in_target
from citekit.render.richtext import Rich, Span, escape_attribute
from citekit.render.types import DEFAULT_ENGINE, BibliographyLayout, Problem
from citekit.styles.catalog import DEFAULT_LOCALE, Style, locale_loader

OutputFormat = Literal["text", "html", "markdown", "latex"]
OUTPUT_FORMATS: tuple[str, ...] = ("text", "html", "markdown", "latex")

# ---------------------------------------------------------------------------
# What render() returns, and one tree in a format
# ---------------------------------------------------------------------------


@value_class
class BibEntry:
    """One bibliography entry: its record id, rich tree and formatted text."""

    id: str
    rich: Rich
    text: str


@dataclass
class Result:
    """What :func:`render` returns.

    ``citations`` are the formatted clusters in the order given and
    ``citation_trees`` the same as rich text; ``bibliography`` the entries
    in the style's order; ``output`` the format they are in.  ``warnings``
    are the problems as text and ``problems`` the same, one for one, as
    :class:`Problem` objects (``code``, ``key``, ``suggestions``).
    """

    citations: list[str] = field(default_factory=list)
    citation_trees: list[Rich] = field(default_factory=list)
    bibliography: list[BibEntry] = field(default_factory=list)
    layout: BibliographyLayout = field(default_factory=BibliographyLayout)
    warnings: list[str] = field(default_factory=list)
    unknown_keys: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    output: str = "text"
    style: Style | None = None
    locale: str = DEFAULT_LOCALE
    engine: str = DEFAULT_ENGINE

    @property
    def bibliography_ids(self) -> list[str]:
        return [entry.id for entry in self.bibliography]

    @property
    def bibliography_texts(self) -> list[str]:
        return [entry.text for entry in self.bibliography]

    @property
    def punctuation_in_quote(self) -> bool:
        """Whether a full stop or comma after quoted text goes inside the closing
        quote in this rendering: CSL's ``punctuation-in-quote`` for :attr:`locale`,
        from the style's own ``cs:locale`` blocks first, then the locale files
        (:func:`citekit.render.quoted.forms.punctuation_in_quote`, the one place
        that decides it).  Callers that place note marks after a quotation, as
        pandoc does, ask it here rather than guess from the locale's name."""
        # loaded on first use: it reads XML, which a render that never asks needs not load
        from citekit.render.quoted.forms import punctuation_in_quote

        style_xml = self.style.xml if self.style is not None else None
        return punctuation_in_quote(style_xml, self.locale, locale_loader)

    def to_json(self) -> dict[str, Any]:
        return {
            "style": self.style.id if self.style else None,
            "locale": self.locale,
            "engine": self.engine,
            "format": self.output,
            "citations": list(self.citations),
            "bibliography": [{"id": e.id, "text": e.text} for e in self.bibliography],
            "layout": {
                "hanging-indent": self.layout.hanging_indent,
                "second-field-align": self.layout.second_field_align,
                "entry-spacing": self.layout.entry_spacing,
                "line-spacing": self.layout.line_spacing,
            },
            "warnings": list(self.warnings),
            "problems": [p.to_json() for p in self.problems],
            "unknown-keys": list(self.unknown_keys),
        }


def serialise(rich: Rich, output: str) -> str:
    """One rich tree in an output format (``text``, ``html``, ``markdown``, ``latex``)."""
    if output == "text":
        return richtext.to_text(rich).strip("\n")
    if output == "html":
        return richtext.to_html(rich)
    if output == "markdown":
        return richtext.to_markdown(rich).strip("\n")
    if output == "latex":
        return richtext.to_latex(rich).strip("\n")
    raise UsageError(f"unknown output format '{output}'; known: {', '.join(OUTPUT_FORMATS)}")


HANGING_INDENT_EM = 2
LABEL_WIDTH_EM = 3


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def html_body_style(layout: BibliographyLayout) -> str:
    """Inline CSS for the ``csl-bib-body`` wrapper."""
    rules: list[str] = []
    if layout.line_spacing != 1:
        rules.append(f"line-height: {layout.line_spacing}")
    if layout.second_field_align:
        rules.append(
            f"padding-left: {LABEL_WIDTH_EM}em"
            if layout.second_field_align == "flush"
            else "padding-left: 0"
        )
    elif layout.hanging_indent:
        rules.append(f"padding-left: {HANGING_INDENT_EM}em")
        rules.append(f"text-indent: -{HANGING_INDENT_EM}em")
    return "; ".join(rules) + (";" if rules else "")


def html_entry_style(layout: BibliographyLayout) -> str:
    """Inline CSS for each ``csl-entry`` (the spacing between entries)."""
    rules = [f"margin-bottom: {layout.entry_spacing * layout.line_spacing}em"]
    if layout.second_field_align:
        rules.append("clear: left")
    return "; ".join(rules) + ";"


_LEFT_MARGIN_CSS = (
    f"float: left; width: {LABEL_WIDTH_EM}em; margin-left: -{LABEL_WIDTH_EM}em; "
    "padding-right: 0.5em; box-sizing: border-box;"
)
_LEFT_MARGIN_OUTSIDE_CSS = "float: left; padding-right: 0.5em;"


def _html_entry(entry: BibEntry, layout: BibliographyLayout) -> str:
    inner = entry.text
    if layout.second_field_align:
        css = _LEFT_MARGIN_CSS if layout.second_field_align == "flush" else _LEFT_MARGIN_OUTSIDE_CSS
        inner = inner.replace(
            '<div class="csl-left-margin">', f'<div class="csl-left-margin" style="{css}">'
        )
    return (
        f'  <div class="csl-entry" id="ref-{escape_attribute(entry.id)}" '
        f'style="{html_entry_style(layout)}">{inner}</div>'
    )


def html_bibliography(result: Result) -> str:
    """The ``<div class="csl-bib-body">`` block with the layout as inline CSS."""
    entries = [_html_entry(entry, result.layout) for entry in _in_format(result, "html")]
    style = html_body_style(result.layout)
    style_attr = f' style="{style}"' if style else ""
    return "\n".join([f'<div class="csl-bib-body"{style_attr}>', *entries, "</div>"])


def html_document(body: str, *, title: str = "Bibliography", lang: str = "en") -> str:
    """A page around ``body`` (HTML citekit wrote); ``title`` and ``lang`` are text."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape_attribute(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape_attribute(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------
# LaTeX
# ---------------------------------------------------------------------------


def _split_label(rich: Rich) -> tuple[Rich | None, Rich]:
    """Pull a leading ``left-margin`` part (the ``[1]``) out of an entry."""
    if isinstance(rich, Span) and rich.children:
        first = rich.children[0]
        if isinstance(first, Span) and first.display == "left-margin":
            return first, _undisplay(Span(rich.children[1:]))
        if rich.display is None and not rich.link:
            label, inner = _split_label(first)
            if label is not None:
                return label, Span((inner, *rich.children[1:]))
    return None, rich


def _undisplay(rich: Rich) -> Rich:
    if isinstance(rich, Span):
        children = tuple(_undisplay(c) for c in rich.children)
        display = None if rich.display in ("right-inline", "block") else rich.display
        return replace(rich, children=children, display=display)
    return rich


def latex_bibliography(result: Result) -> str:
    """A ``list`` environment with a hanging indent or aligned labels."""
    layout = result.layout
    spacing = max(0, layout.entry_spacing - 1)
    settings = [
        f"\\setlength{{\\itemsep}}{{{spacing}\\baselineskip}}",
        "\\setlength{\\parsep}{0pt}",
    ]
    items: list[str] = []
    if layout.second_field_align:
        settings += [
            f"\\setlength{{\\leftmargin}}{{{LABEL_WIDTH_EM}em}}",
            f"\\setlength{{\\labelwidth}}{{{LABEL_WIDTH_EM - 0.5}em}}",
            "\\setlength{\\labelsep}{0.5em}",
            "\\renewcommand{\\makelabel}[1]{#1\\hfil}",
        ]
    elif layout.hanging_indent:
        settings += [
            f"\\setlength{{\\leftmargin}}{{{HANGING_INDENT_EM}em}}",
            f"\\setlength{{\\itemindent}}{{-{HANGING_INDENT_EM}em}}",
        ]
    else:
        settings += ["\\setlength{\\leftmargin}{0pt}", "\\setlength{\\itemindent}{0pt}"]
    for entry in result.bibliography:
        label, rest = _split_label(entry.rich) if layout.second_field_align else (None, entry.rich)
        body = richtext.to_latex(rest).strip()
        if label is not None:
            items.append(f"\\item[{{{richtext.to_latex(_undisplay(label)).strip()}}}] {body}")
        else:
            items.append(f"\\item {body}")
    block = "\n".join(["\\begin{list}{}{" + "".join(settings) + "}", *items, "\\end{list}"])
    if layout.line_spacing != 1:
        block = f"{{\\linespread{{{layout.line_spacing}}}\\selectfont\n{block}\n\\par}}"
    return block


def latex_document(body: str) -> str:
    return (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        "\\usepackage{hyperref}\n\\begin{document}\n" + body + "\n\\end{document}\n"
    )


# ---------------------------------------------------------------------------
# Any format
# ---------------------------------------------------------------------------


def _in_format(result: Result, output: str) -> list[BibEntry]:
    if result.output == output:
        return result.bibliography
    return [BibEntry(e.id, e.rich, serialise(e.rich, output)) for e in result.bibliography]


def format_bibliography(
    result: Result, output: str | None = None, *, standalone: bool = False
) -> str:
    """The whole bibliography as one block of ``output`` (default: the result's format).

    With ``standalone`` HTML and LaTeX come as complete documents.
    """
    fmt = output or result.output
    if fmt == "html":
        block = html_bibliography(result)
        lang = (result.locale or "en").split("-")[0]
        return html_document(block, lang=lang) if standalone else block + "\n"
    if fmt == "latex":
        block = latex_bibliography(result)
        return latex_document(block) if standalone else block + "\n"
    entries = [e.text for e in _in_format(result, fmt)]
    if not entries:
        return ""
    return "\n\n".join(entries) + "\n"


def link_target(key: str, listed: Container[str], library: Library) -> str | None:
    """The listed entry a citation of ``key`` links to, or None when there is none.

    A key that is ``listed`` (the ids of the entries written) links to its
    own entry.  A quotation record that is not listed -- citekit lists a
    quotation as the work that quotes it (docs/quotations.md) -- links to
    that work's entry, where a reader finds the source; a chain of
    quotations is followed to the first work that is listed.  One function
    for every writer of links (documents, the pandoc filter, MkDocs, Sphinx)
    so none of them links a citation to an entry the page does not have.
    """
    if key in listed:
        return key
    seen = {key}
    current = quoted_in_target(library[key], library) if key in library else None
    while current is not None and current not in seen:
        if current in listed:
            return current
        seen.add(current)
        current = quoted_in_target(library[current], library)
    return None


def format_citations(result: Result, output: str | None = None) -> str:
    """Every rendered citation, one per line."""
    fmt = output or result.output
    lines = (
        result.citations
        if fmt == result.output
        else [serialise(tree, fmt) for tree in result.citation_trees]
    )
    return "".join(line + "\n" for line in lines)


__all__ = [
    "OUTPUT_FORMATS",
    "BibEntry",
    "OutputFormat",
    "Result",
    "format_bibliography",
    "format_citations",
    "html_bibliography",
    "html_document",
    "latex_bibliography",
    "latex_document",
    "link_target",
    "serialise",
]

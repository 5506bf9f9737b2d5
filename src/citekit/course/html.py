"""The course reader as one self-contained HTML file, made to be printed.

No fonts or images from elsewhere and no scripts (only the live preview,
:mod:`citekit.course.preview`, adds citekit's own reload script, allowed by a
per-page CSP nonce, and its list of problems): the file opens offline and
prints the same on A4 and US Letter (``@page`` size from ``paper``).  Each
reading (entry, pages, annotation, note) is one block that must not break
across pages (``break-inside: avoid``), and headings stay with what follows
them.  Entries keep the hanging indent of a printed bibliography; numeric
styles get their labels in a margin column instead.

Nothing from the list or the library is written as markup: rich text goes
through :func:`citekit.render.richtext.to_html` (the allow-list of CSL
formatting and http/https/mailto/doi links), every other string through
:func:`_text`, which escapes it for text and attribute values alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from citekit.course.build import (
    BIBLIOGRAPHY_ID,
    Anchors,
    Reader,
    ReaderEntry,
    ReaderSection,
    linked,
)
from citekit.render import richtext


def _text(text: str) -> str:
    """Any string as HTML text or a quoted attribute value: escaped, XML-safe."""
    return richtext.escape_attribute(text)


PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter"}
"""``--paper`` values and the CSS ``@page`` size each stands for."""

_CSS = """\
@page { size: %(size)s; margin: 20mm 18mm 22mm; }
html { font-family: "Charter", "Georgia", "Times New Roman", serif; font-size: 11pt;
       line-height: 1.4; color: #111; background: #fff; }
body { max-width: 44em; margin: 2em auto; padding: 0 1.2em; }
h1 { font-size: 1.7em; line-height: 1.2; margin: 0 0 0.3em; }
h2 { font-size: 1.3em; margin: 1.8em 0 0.4em; border-bottom: 1px solid #bbb; }
h3 { font-size: 1em; text-transform: uppercase; letter-spacing: 0.06em; color: #444;
     margin: 1.2em 0 0.5em; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
.course-meta { margin: 0; color: #333; }
.title-block { margin-bottom: 1.5em; }
.summary, .load, .description { margin: 0.3em 0; }
.load { color: #333; font-size: 0.95em; }
nav.toc ol { padding-left: 1.4em; }
nav.toc li { margin: 0.15em 0; }
nav.toc .toc-load { color: #555; font-size: 0.9em; }
.reader-entry { margin: 0 0 0.9em; break-inside: avoid; page-break-inside: avoid; }
.reader-entry .csl-entry { padding-left: 2rem; text-indent: -2rem; }
.reader-entry.numbered .csl-entry { padding-left: 3em; text-indent: 0; }
.csl-left-margin { float: left; width: 3em; margin-left: -3em; }
.reader-entry .pages, .reader-entry .annotation, .reader-entry .note,
.reader-entry .context { margin: 0.2em 0 0 2rem; }
.reader-entry .pages { font-size: 0.92em; color: #333; }
.reader-entry .note { font-size: 0.92em; font-style: italic; }
.mark { font-size: 0.75em; font-weight: bold; text-transform: uppercase;
        letter-spacing: 0.05em; border: 1px solid #888; border-radius: 3px;
        padding: 0 0.3em; margin-right: 0.4em; text-indent: 0; }
.mark.optional { color: #555; border-style: dashed; }
a { color: #1a4c8b; }
.problems { border: 2px solid #a40000; background: #fff4f4; padding: 0.4em 1em;
            margin: 0 0 1.5em; }
.problems h2 { margin: 0.3em 0; border: none; color: #a40000; font-size: 1.1em; }
.problems li { margin: 0.2em 0; }
@media print {
  .problems { display: none; }
  body { max-width: none; margin: 0; padding: 0; }
  a { color: inherit; text-decoration: none; }
  /* no forced break after the contents: it left page 1 two-thirds empty */
  h2, h3, .description, .load { break-after: avoid; page-break-after: avoid; }
  li, .entry { break-inside: avoid; page-break-inside: avoid; }
}
"""


def _entry(entry: ReaderEntry, anchor: str, numbered: bool, *, grouped: bool) -> str:
    """One reading; ``grouped`` entries sit under a Required/Optional heading.

    The heading says which group an entry is in, so no badge repeats it on
    every entry; the class still marks it for a stylesheet.
    """
    classes = ["reader-entry"]
    if numbered:
        classes.append("numbered")
    if grouped:
        classes.append("required" if entry.required else "optional")
    lines = [
        f'<div class="{" ".join(classes)}" id="{_text(anchor)}">',
        f'  <div class="csl-entry">{richtext.to_html(entry.rich)}</div>',
    ]
    if entry.locator_text:
        count = (
            f" ({entry.amount_text})"
            if entry.amount and entry.amount > 1 and entry.unit != "minute"
            else ""
        )
        lines.append(f'  <div class="pages">Read: {_text(entry.locator_text)}{count}</div>')
    elif entry.amount_text and entry.locator is None:
        lines.append(f'  <div class="pages">Length: {_text(entry.amount_text)}</div>')
    if entry.context is not None:
        lines.append(f'  <div class="context">{richtext.to_html(entry.context)}</div>')
    if entry.annotation is not None:
        lines.append(f'  <div class="annotation">{richtext.to_html(entry.annotation)}</div>')
    if entry.note:
        lines.append(f'  <div class="note">Note: {richtext.to_html(linked(entry.note))}</div>')
    lines.append("</div>")
    return "\n".join(lines)


def _section(section: ReaderSection, numbered: bool, anchors: Anchors) -> str:
    target = anchors.section(section.id)
    out = [
        f'<section class="reader-section" id="{_text(target)}">',
        f"<h2>{_text(section.title)}</h2>",
    ]
    if section.description:
        out.append(f'<p class="description">{richtext.to_html(linked(section.description))}</p>')
    load = section.load.describe()
    if load:
        out.append(f'<p class="load">Reading load: {_text(load)}</p>')
    for heading, entries in (
        ("Required reading", section.required),
        ("Optional reading", section.optional),
    ):
        if not entries:
            continue
        out.append(f"<h3>{heading}</h3>")
        out.extend(
            _entry(e, anchors.entry(section.id, e.key), numbered, grouped=True) for e in entries
        )
    out.append("</section>")
    return "\n".join(out)


LIVE_VERSION_PATH = "/__citekit/version"
"""Where the live preview's page asks whether the reader was rebuilt."""

_LIVE_SCRIPT = """\
(function () {
  var version = %(version)d;
  function poll() {
    fetch("%(path)s", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.version !== version) { window.location.reload(); }
        else { window.setTimeout(poll, 400); }
      })
      .catch(function () { window.setTimeout(poll, 1500); });
  }
  window.setTimeout(poll, 400);
})();
"""

_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,}$")


def live_script(nonce: str, version: int) -> str:
    """citekit's own reload script for the live preview, allowed by its CSP ``nonce``.

    The script holds no data from the list: only the version number (an
    int) and a fixed path; the nonce is checked to be URL-safe base64.
    """
    if not _NONCE.match(nonce):
        raise ValueError("a script nonce must be 16 or more URL-safe base64 characters")
    body = _LIVE_SCRIPT % {"version": int(version), "path": LIVE_VERSION_PATH}
    return f'<script nonce="{nonce}">\n{body}</script>'


def problems_block(problems: Sequence[str], heading: str) -> str:
    """The preview's list of problems (unknown keys, missing fields ...), escaped."""
    items = "\n".join(f"<li>{_text(problem)}</li>" for problem in problems)
    return (
        f'<div class="problems" role="alert">\n<h2>{_text(heading)}</h2>\n'
        f"<ul>\n{items}\n</ul>\n</div>"
    )


def render_html(
    reader: Reader,
    *,
    paper: str = "a4",
    problems: Sequence[str] = (),
    problems_heading: str = "Problems",
    live: tuple[str, int] | None = None,
) -> str:
    """The whole reader as an HTML document.

    ``problems`` (the live preview's) are listed at the top, on screen
    only; ``live`` is ``(nonce, version)`` for the preview's reload script.
    A reader written to a file has neither and stays script-free.
    """
    size = PAPER_SIZES.get(paper.lower())
    if size is None:
        raise ValueError(f"unknown paper size '{paper}'; known: {', '.join(PAPER_SIZES)}")
    course = reader.reading_list
    numbered = reader.layout.second_field_align is not None
    meta = " · ".join(_text(p) for p in (course.code, course.term, course.instructor) if p)
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{_text(reader.locale)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="citekit reader">',
        f"<title>{_text(course.title)}</title>",
        f"<style>\n{_CSS % {'size': size}}</style>",
        "</head>",
        "<body>",
    ]
    if problems:
        head.append(problems_block(problems, problems_heading))
    head += ['<header class="title-block">', f"<h1>{_text(course.title)}</h1>"]
    if meta:
        head.append(f'<p class="course-meta">{meta}</p>')
    load = reader.load.describe()
    head.append(
        f'<p class="summary">Citation style: {_text(reader.style.title)}.'
        + (f" Reading load: {_text(load)}." if load else "")
        + "</p>"
    )
    head.append("</header>")
    anchors = Anchors(reader)
    toc = ['<nav class="toc">', "<h2>Contents</h2>", "<ol>"]
    for section in reader.sections:
        load = section.load.describe()
        toc.append(
            f'<li><a href="#{_text(anchors.section(section.id))}">{_text(section.title)}</a>'
            + (f' <span class="toc-load">— {_text(load)}</span>' if load else "")
            + "</li>"
        )
    toc += [f'<li><a href="#{BIBLIOGRAPHY_ID}">Bibliography</a></li>', "</ol>", "</nav>"]
    body = [_section(section, numbered, anchors) for section in reader.sections]
    bib = [
        f'<section class="reader-section" id="{BIBLIOGRAPHY_ID}">',
        "<h2>Bibliography</h2>",
        '<div class="csl-bib-body">',
    ]
    bib.extend(
        _entry(e, anchors.bibliography_entry(e.key), numbered, grouped=False)
        for e in reader.bibliography
    )
    bib += ["</div>", "</section>"]
    script = [live_script(*live)] if live is not None else []
    return "\n".join([*head, *toc, *body, *bib, *script, "</body>", "</html>"]) + "\n"


__all__ = ["LIVE_VERSION_PATH", "PAPER_SIZES", "live_script", "problems_block", "render_html"]

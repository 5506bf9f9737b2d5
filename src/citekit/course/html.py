"""The course reader as one self-contained HTML file, made to be printed.

No scripts, fonts or images from elsewhere: the file opens offline and
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

from citekit.course.build import Reader, ReaderEntry, ReaderSection, anchor
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
@media print {
  body { max-width: none; margin: 0; padding: 0; }
  a { color: inherit; text-decoration: none; }
  nav.toc { break-after: page; page-break-after: always; }
}
"""


def _entry(entry: ReaderEntry, anchor: str, numbered: bool, *, with_mark: bool) -> str:
    classes = ["reader-entry"]
    if numbered:
        classes.append("numbered")
    mark = ""
    if with_mark:
        word = "Required" if entry.required else "Optional"
        classes.append(word.lower())
        mark = f'<span class="mark {word.lower()}">{word}</span>'
    lines = [f'<div class="{" ".join(classes)}" id="{_text(anchor)}">',
             f'  <div class="csl-entry">{mark}{richtext.to_html(entry.rich)}</div>']
    if entry.locator_text:
        count = f" ({entry.pages} pages)" if entry.pages and entry.pages > 1 else ""
        lines.append(f'  <div class="pages">Read: {_text(entry.locator_text)}{count}</div>')
    if entry.context is not None:
        lines.append(f'  <div class="context">{richtext.to_html(entry.context)}</div>')
    if entry.annotation is not None:
        lines.append(f'  <div class="annotation">{richtext.to_html(entry.annotation)}</div>')
    if entry.note:
        lines.append(f'  <div class="note">Note: {_text(entry.note)}</div>')
    lines.append("</div>")
    return "\n".join(lines)


def _section(section: ReaderSection, numbered: bool) -> str:
    target = anchor(section.id)
    out = [f'<section class="reader-section" id="{_text(target)}">',
           f"<h2>{_text(section.title)}</h2>"]
    if section.description:
        out.append(f'<p class="description">{_text(section.description)}</p>')
    out.append(f'<p class="load">Reading load: {_text(section.load.describe())}</p>')
    for heading, entries in (("Required reading", section.required),
                             ("Optional reading", section.optional)):
        if not entries:
            continue
        out.append(f"<h3>{heading}</h3>")
        out.extend(_entry(e, anchor(section.id, e.key), numbered, with_mark=True)
                   for e in entries)
    out.append("</section>")
    return "\n".join(out)


def render_html(reader: Reader, *, paper: str = "a4") -> str:
    """The whole reader as an HTML document."""
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
        '<header class="title-block">',
        f"<h1>{_text(course.title)}</h1>",
    ]
    if meta:
        head.append(f'<p class="course-meta">{meta}</p>')
    head.append(f'<p class="summary">Citation style: {_text(reader.style.title)}. '
                f"Reading load: {_text(reader.load.describe())}.</p>")
    head.append("</header>")
    toc = ['<nav class="toc">', "<h2>Contents</h2>", "<ol>"]
    for section in reader.sections:
        toc.append(f'<li><a href="#{_text(anchor(section.id))}">'
                   f"{_text(section.title)}</a> "
                   f'<span class="toc-load">— {_text(section.load.describe())}</span></li>')
    toc += ['<li><a href="#bibliography">Bibliography</a></li>', "</ol>", "</nav>"]
    body = [_section(section, numbered) for section in reader.sections]
    bib = ['<section class="reader-section" id="bibliography">', "<h2>Bibliography</h2>",
           '<div class="csl-bib-body">']
    bib.extend(_entry(e, anchor("bibliography", e.key), numbered, with_mark=False)
               for e in reader.bibliography)
    bib += ["</div>", "</section>"]
    return "\n".join([*head, *toc, *body, *bib, "</body>", "</html>"]) + "\n"


__all__ = ["PAPER_SIZES", "render_html"]

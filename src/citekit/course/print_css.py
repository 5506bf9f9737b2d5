"""The print stylesheet that turns the HTML reader into a paged document.

It is added after the reader's own stylesheet (so it wins where both speak)
and uses CSS Paged Media, which WeasyPrint implements: the page size and
margins, a running header (the course on the left, the current section on
the right, both taken from the headings with ``string-set`` so no text from
the list is ever written into CSS; ``string(section, start)`` names
the section the page starts in, not one whose heading comes lower on
it), "Page N of M" in the footer, a contents list whose page numbers are
``target-counter`` of each link, and the rules that keep a page from
ending on a heading or splitting a reading.

The cover block is the reader's title block: course, code, term and
instructor, followed directly by the contents; nothing forces a page break
after it, so the first page is never left mostly empty.
"""

from __future__ import annotations

from citekit.course.html import PAPER_SIZES

SERIF = (
    '"Charter", "Bitstream Charter", "Georgia", "P052", "Palatino Linotype", '
    '"Palatino", "Liberation Serif", "Times New Roman", serif'
)
"""Body faces: the screen reader's choices, then metric-compatible free faces."""

_TEMPLATE = """\
@page {
  size: %(size)s;
  margin: 24mm 20mm 22mm;
  @top-left {
    content: string(course); font: 8.5pt %(serif)s; color: #555;
    vertical-align: bottom; padding-bottom: 3mm; width: 55%%;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  }
  @top-right {
    content: string(section, start); font: italic 8.5pt %(serif)s; color: #555;
    vertical-align: bottom; padding-bottom: 3mm; text-align: right; width: 43%%;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  }
  @bottom-center {
    content: "Page " counter(page) " of " counter(pages);
    font: 9pt %(serif)s; color: #333; vertical-align: top; padding-top: 4mm;
  }
}
@page :first {
  @top-left { content: none; }
  @top-right { content: none; }
}
html { font-family: %(serif)s; font-size: 10.5pt; line-height: 1.38; }
body { max-width: none; margin: 0; padding: 0; }
a { color: inherit; text-decoration: none; }
p, .annotation, .context, .note, .description { orphans: 2; widows: 2; }

/* The cover block: course, code, term, instructor, then the contents. */
header.title-block {
  border-top: 2.5pt solid #222; padding-top: 9mm; margin: 0 0 8mm;
}
header.title-block h1 {
  string-set: course content(text); font-size: 22pt; line-height: 1.15;
  margin: 0 0 4mm; font-weight: bold; bookmark-level: 1;
}
header.title-block .course-meta { font-size: 12pt; color: #222; margin: 0 0 2mm; }
header.title-block .summary { font-size: 9.5pt; color: #444; margin: 0; }

/* Headings: never the last thing on a page, and each names the running header. */
h2 { string-set: section content(text); font-size: 14pt; margin: 7mm 0 2mm;
     padding-bottom: 1mm; border-bottom: 0.6pt solid #999; }
h3 { font-size: 9pt; margin: 4mm 0 2mm; bookmark-level: none; }
h1, h2, h3, .description, .load { break-after: avoid; page-break-after: avoid; }
.description, .load { margin: 0 0 1.5mm; }

/* The contents, with the page each section starts on. */
nav.toc { break-after: auto; page-break-after: auto; margin-bottom: 4mm; }
nav.toc h2 { string-set: section "Contents"; bookmark-level: none; }
nav.toc ol { list-style: none; padding: 0; margin: 0; }
nav.toc li { margin: 0 0 1.5mm; break-inside: avoid; }
nav.toc a[href^="#"]::after {
  content: leader(dotted) " " target-counter(attr(href url), page);
}
nav.toc .toc-load { display: block; font-size: 9pt; color: #555; }

/* Readings: one block each, never split, links and DOIs wrapped at the margin. */
.reader-entry { break-inside: avoid; page-break-inside: avoid; margin: 0 0 3.2mm; }
.reader-entry .csl-entry { overflow-wrap: anywhere; }
.mark { border-radius: 0; }
"""


def print_stylesheet(paper: str = "a4") -> str:
    """The print stylesheet for ``paper`` (``a4`` or ``letter``)."""
    size = PAPER_SIZES.get(paper.lower())
    if size is None:
        raise ValueError(f"unknown paper size '{paper}'; known: {', '.join(PAPER_SIZES)}")
    return _TEMPLATE % {"size": size, "serif": SERIF}


__all__ = ["SERIF", "print_stylesheet"]

"""The course reader as a print-ready PDF, typeset by WeasyPrint from the HTML reader.

Why WeasyPrint: it implements CSS Paged Media (page-margin boxes, running
strings, ``target-counter`` for the contents' page numbers, ``break-*``
rules), is a maintained pure-Python package over Pango, needs no browser
and no TeX, and its output depends only on its input, so a reader rebuilds
byte for byte.  The HTML reader is the single source of the content; this
module adds the print stylesheet (:mod:`citekit.course.print_css`) and the
document metadata.

Nothing is fetched while typesetting: the reader is self-contained, and the
URL fetcher allows no protocol at all, so a link or a crafted URL in a record
can never make the writer read a local file or the network.  The creation
and modification dates come from :func:`citekit.course.buildtime.build_time`
(``SOURCE_DATE_EPOCH`` when set), and the PDF carries no random identifier.
The PDF is tagged (headings, paragraphs, links in reading order, and the
document language), which screen readers and the accessibility checks of
learning platforms ask for.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from citekit.course.build import Reader
from citekit.course.buildtime import build_time, w3c_date
from citekit.course.html import render_html
from citekit.course.print_css import print_stylesheet
from citekit.errors import OutputError
from citekit.render.richtext import xml_safe

GENERATOR = "citekit reader"


def _weasyprint() -> Any:
    """The weasyprint module, or a clear error saying what is missing."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango's shared libraries are absent
        raise OutputError(
            "PDF output needs WeasyPrint and the Pango library (pip install weasyprint; "
            f"on Debian/Ubuntu apt-get install libpango-1.0-0 libpangoft2-1.0-0): {exc}"
        ) from exc
    return weasyprint


def print_html(reader: Reader, *, paper: str = "a4") -> str:
    """The reader's HTML with the print stylesheet added last, as WeasyPrint typesets it.

    The stylesheet goes into the document itself (not WeasyPrint's *user*
    stylesheets, which the CSS cascade ranks below the page's own rules), so
    it overrides the screen layout wherever both set something.
    """
    page = render_html(reader, paper=paper)
    head_end = page.find("</head>")
    if head_end < 0:
        raise ValueError("the HTML reader has no </head> to add the print stylesheet to")
    style = f'<style media="print">\n{print_stylesheet(paper)}</style>\n'
    return page[:head_end] + style + page[head_end:]


def _metadata(document: Any, reader: Reader, created: datetime) -> None:
    """Title, author, subject, generator and dates for the PDF's Info dictionary."""
    course = reader.reading_list
    metadata = document.metadata
    metadata.title = xml_safe(course.title)
    metadata.authors = [xml_safe(course.instructor)] if course.instructor else []
    subject = " · ".join(part for part in (course.code, course.term) if part)
    metadata.description = xml_safe(subject) if subject else None
    metadata.generator = GENERATOR
    metadata.created = metadata.modified = w3c_date(created)


def render_pdf(reader: Reader, *, paper: str = "a4", created: datetime | None = None) -> bytes:
    """The whole reader as the bytes of a PDF on ``paper`` (``a4`` or ``letter``).

    ``created`` is the time written as the creation and modification date
    (default: :func:`build_time`, which honours ``SOURCE_DATE_EPOCH``).
    """
    weasyprint = _weasyprint()
    source = print_html(reader, paper=paper)
    moment = created if created is not None else build_time()
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=frozenset())
    # WeasyPrint logs unsupported CSS and refused fetches as warnings; the reader's
    # own problems are reported by the builder, so keep those out of the user's way.
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        document = weasyprint.HTML(string=source, url_fetcher=fetcher).render()
        _metadata(document, reader, moment)
        data: bytes = document.write_pdf(pdf_identifier=False, pdf_tags=True)
    finally:
        logger.setLevel(level)
    return data


__all__ = ["GENERATOR", "print_html", "render_pdf"]

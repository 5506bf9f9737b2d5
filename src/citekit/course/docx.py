"""The course reader as a Word document (python-docx), with real Word styles.

Instructors edit readers in Word, so the structure must survive editing:
the course title uses *Title*, sections *Heading 1*, the required/optional
groups *Heading 2* (so Word's navigation pane and TOC field see them), and
every entry the paragraph style *Bibliography* (hanging indent, kept with
its annotation) — change the style once and every entry follows.
Formatting inside an entry comes from the rich text the CSL engine
produced: italic, bold, small caps, super/subscript and underline become
run properties, and links become real hyperlinks.

The page is set up for printing (:mod:`citekit.course.docx_layout`): the
paper size asked for, a running header and a "Page N of M" footer, a TOC
field Word and LibreOffice fill with page numbers, headings and a session's
description and load line kept with the readings that follow them, citekit's
own neutral styles and the list's metadata.

WordprocessingML is XML: every string goes through :func:`_safe` (control
characters and lone surrogates, which lxml refuses, are replaced; the
reader's builder has already warned about them), and a link becomes a
hyperlink only when :func:`citekit.render.richtext.safe_url` accepts it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph

from citekit.course.build import Reader, ReaderEntry, ReaderSection, inline_layout, linked
from citekit.course.buildtime import build_time
from citekit.course.docx_layout import (
    add_toc_field,
    clean_part,
    neutral_styles,
    set_metadata,
    set_up_pages,
    update_fields_on_open,
)
from citekit.render.richtext import Rich, Span, Text, safe_url, xml_safe

BIBLIOGRAPHY_STYLE = "Bibliography"
ANNOTATION_STYLE = "Reading Annotation"
NOTE_STYLE = "Reading Note"
HANGING_INDENT = Inches(0.5)


@dataclass(frozen=True, slots=True)
class _RunFormat:
    """Run properties inherited down the rich tree (None: the style decides)."""

    italic: bool | None = None
    bold: bool | None = None
    small_caps: bool | None = None
    underline: bool = False
    superscript: bool = False
    subscript: bool = False

    def within(self, span: Span) -> _RunFormat:
        return _RunFormat(
            italic=span.italic if span.italic is not None else self.italic,
            bold=span.bold if span.bold is not None else self.bold,
            small_caps=span.small_caps if span.small_caps is not None else self.small_caps,
            underline=self.underline or span.underline,
            superscript=(self.superscript or span.superscript) and not span.baseline,
            subscript=(self.subscript or span.subscript) and not span.baseline,
        )


def _safe(text: str) -> str:
    """A string as WordprocessingML can hold it (see :func:`xml_safe`)."""
    return xml_safe(text)


def _runs(
    rich: Rich, fmt: _RunFormat, link: str | None
) -> Iterator[tuple[str, _RunFormat, str | None]]:
    """(text, format, link) for each leaf, in order."""
    if isinstance(rich, Text):
        if rich.text:
            yield _safe(rich.text), fmt, link
        return
    inner = fmt.within(rich)
    for child in rich.children:
        yield from _runs(child, inner, safe_url(rich.link) or link)


def _apply(run: Any, fmt: _RunFormat) -> None:
    if fmt.italic is not None:
        run.italic = fmt.italic
    if fmt.bold is not None:
        run.bold = fmt.bold
    if fmt.small_caps is not None:
        run.font.small_caps = fmt.small_caps
    if fmt.underline:
        run.underline = True
    if fmt.superscript:
        run.font.superscript = True
    if fmt.subscript:
        run.font.subscript = True


def add_rich(paragraph: Paragraph, rich: Rich) -> None:
    """Append rich text to a paragraph as formatted runs and hyperlinks."""
    current_link: str | None = None
    link_element: Any = None
    for text, fmt, link in _runs(rich, _RunFormat(), None):
        run = paragraph.add_run(text)
        _apply(run, fmt)
        if link is None:
            current_link = None
            continue
        run.font.color.rgb = RGBColor(0x1A, 0x4C, 0x8B)
        run.underline = True
        if link != current_link:
            rel_id = paragraph.part.relate_to(link, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            link_element = OxmlElement("w:hyperlink")
            link_element.set(qn("r:id"), rel_id)
            paragraph._p.append(link_element)
            current_link = link
        link_element.append(run._r)  # move the run inside the hyperlink


def _ensure_styles(document: Any) -> None:
    styles = document.styles
    names = {style.name for style in styles}
    if BIBLIOGRAPHY_STYLE not in names:
        styles.add_style(BIBLIOGRAPHY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    bib = styles[BIBLIOGRAPHY_STYLE]
    bib.base_style = styles["Normal"]
    bib.quick_style = True
    fmt = bib.paragraph_format
    fmt.left_indent = HANGING_INDENT
    fmt.first_line_indent = -HANGING_INDENT
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(3)
    fmt.keep_together = True
    for name, size, italic in ((ANNOTATION_STYLE, 10.5, False), (NOTE_STYLE, 9.5, True)):
        if name not in names:
            styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style = styles[name]
        style.base_style = styles["Normal"]
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.italic = italic
        style.paragraph_format.left_indent = HANGING_INDENT
        style.paragraph_format.space_after = Pt(3)
        style.paragraph_format.keep_together = True


class _Body:
    """Adds paragraphs to a document by style id.

    python-docx resolves a style name by scanning every style for each new
    paragraph, which made a 1,000-reading reader take seconds; the ids are
    looked up once per document instead.
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        self._ids: dict[str, str] = {}

    def paragraph(self, style: str) -> Paragraph:
        if style not in self._ids:
            self._ids[style] = self.document.styles[style].style_id
        paragraph: Paragraph = self.document.add_paragraph()
        paragraph._p.style = self._ids[style]
        return paragraph


def _details(entry: ReaderEntry) -> list[tuple[str, Rich]]:
    """The lines under an entry, as the HTML reader shows them: what to read (or
    the reading's length), the "Quoted in" context, the annotation, the note."""
    parts: list[tuple[str, Rich]] = []
    if entry.locator_text:
        count = (
            f" ({entry.amount_text})"
            if entry.amount and entry.amount > 1 and entry.unit != "minute"
            else ""
        )
        parts.append((NOTE_STYLE, Text(f"Read: {entry.locator_text}{count}")))
    elif entry.amount_text and entry.locator is None:
        parts.append((NOTE_STYLE, Text(f"Length: {entry.amount_text}")))
    if entry.context is not None:
        parts.append((NOTE_STYLE, entry.context))
    if entry.annotation is not None:
        parts.append((ANNOTATION_STYLE, entry.annotation))
    if entry.note:
        parts.append((NOTE_STYLE, Span((Text("Note: "), linked(entry.note)))))
    return parts


def _entry(body: _Body, entry: ReaderEntry) -> None:
    parts = _details(entry)
    paragraph = body.paragraph(BIBLIOGRAPHY_STYLE)
    add_rich(paragraph, inline_layout(entry.rich))
    paragraph.paragraph_format.keep_with_next = bool(parts)
    last = paragraph
    for index, (style, rich) in enumerate(parts):
        last = body.paragraph(style)
        add_rich(last, rich)
        last.paragraph_format.keep_with_next = index < len(parts) - 1
    last.paragraph_format.space_after = Pt(9)  # the gap between readings


def _kept(paragraph: Paragraph) -> Paragraph:
    """A paragraph kept on the page of what follows it (a heading's description,
    a session's load line): a page never ends between them and the first reading."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _section(body: _Body, section: ReaderSection) -> None:
    document = body.document
    document.add_heading(_safe(section.title), level=1)
    if section.description:
        description = _kept(document.add_paragraph())
        add_rich(description, linked(_safe(section.description)))
    described = section.load.describe()
    if described:
        load = _kept(document.add_paragraph())
        load.add_run("Reading load: ").bold = True
        load.add_run(_safe(described))
    for heading, entries in (
        ("Required reading", section.required),
        ("Optional reading", section.optional),
    ):
        if not entries:
            continue
        document.add_heading(heading, level=2)
        for entry in entries:
            _entry(body, entry)


def _cover(document: Any, reader: Reader) -> None:
    """The cover block: course title, code · term · instructor, style and load."""
    course = reader.reading_list
    document.add_heading(_safe(course.title), level=0)
    meta = " · ".join(p for p in (course.code, course.term, course.instructor) if p)
    if meta:
        document.add_paragraph(_safe(meta), style="Subtitle")
    load = reader.load.describe()
    document.add_paragraph(
        _safe(
            f"Citation style: {reader.style.title}." + (f" Reading load: {load}." if load else "")
        )
    )


def render_docx(reader: Reader, *, paper: str = "a4", created: datetime | None = None) -> bytes:
    """The whole reader as the bytes of a .docx file on ``paper`` (``a4`` or ``letter``).

    ``created`` is the creation and modification time in the document's
    properties (default: :func:`citekit.course.buildtime.build_time`, which
    honours ``SOURCE_DATE_EPOCH``).
    """
    document = Document()
    course = reader.reading_list
    neutral_styles(document, paper)
    _ensure_styles(document)
    set_up_pages(document, paper, _safe(course.title))
    set_metadata(
        document,
        title=_safe(course.title),
        author=_safe(course.instructor) if course.instructor else None,
        subject=_safe(" · ".join(p for p in (course.code, course.term) if p)),
        language=reader.locale,
        created=created if created is not None else build_time(),
    )
    _cover(document, reader)
    document.add_paragraph("Contents", style="TOC Heading")
    body = _Body(document)
    add_toc_field(
        body.paragraph, [*(_safe(section.title) for section in reader.sections), "Bibliography"]
    )
    for section in reader.sections:
        _section(body, section)
    document.add_heading("Bibliography", level=1)
    for entry in reader.bibliography:
        _entry(body, entry)
    update_fields_on_open(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same package with fixed zip timestamps, so rebuilding an unchanged reader
    gives the same bytes (example outputs are kept in version control), and the
    template's leftover parts replaced (:func:`clean_part`)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, clean_part(info.filename, source.read(info.filename)))
    return out.getvalue()


__all__ = ["ANNOTATION_STYLE", "BIBLIOGRAPHY_STYLE", "NOTE_STYLE", "add_rich", "render_docx"]

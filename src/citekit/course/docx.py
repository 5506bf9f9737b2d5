"""The course reader as a Word document (python-docx), with real Word styles.

Instructors edit readers in Word, so the structure must survive editing:
the course title uses *Title*, sections *Heading 1*, the required/optional
groups *Heading 2* (so Word's navigation pane and TOC field see them), and
every entry the paragraph style *Bibliography* (hanging indent, kept with
its annotation) — change the style once and every entry follows.
Formatting inside an entry comes from the rich text the CSL engine
produced: italic, bold, small caps, super/subscript and underline become
run properties, and links become real hyperlinks.

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
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph

from citekit.course.build import Reader, ReaderEntry, ReaderSection, inline_layout
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


def _runs(rich: Rich, fmt: _RunFormat, link: str | None
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
            rel_id = paragraph.part.relate_to(link, RELATIONSHIP_TYPE.HYPERLINK,
                                              is_external=True)
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


def _entry(body: _Body, entry: ReaderEntry) -> None:
    parts: list[tuple[str, Rich]] = []
    if entry.locator_text:
        count = f" ({entry.pages} pages)" if entry.pages and entry.pages > 1 else ""
        parts.append((NOTE_STYLE, Text(f"Read: {entry.locator_text}{count}")))
    if entry.context is not None:
        parts.append((NOTE_STYLE, entry.context))
    if entry.annotation is not None:
        parts.append((ANNOTATION_STYLE, entry.annotation))
    if entry.note:
        parts.append((NOTE_STYLE, Text(f"Note: {entry.note}")))
    paragraph = body.paragraph(BIBLIOGRAPHY_STYLE)
    add_rich(paragraph, inline_layout(entry.rich))
    paragraph.paragraph_format.keep_with_next = bool(parts)
    last = paragraph
    for index, (style, rich) in enumerate(parts):
        last = body.paragraph(style)
        add_rich(last, rich)
        last.paragraph_format.keep_with_next = index < len(parts) - 1
    last.paragraph_format.space_after = Pt(9)  # the gap between readings


def _section(body: _Body, section: ReaderSection) -> None:
    document = body.document
    document.add_heading(_safe(section.title), level=1)
    if section.description:
        document.add_paragraph(_safe(section.description))
    load = document.add_paragraph()
    load.add_run("Reading load: ").bold = True
    load.add_run(_safe(section.load.describe()))
    for heading, entries in (("Required reading", section.required),
                             ("Optional reading", section.optional)):
        if not entries:
            continue
        document.add_heading(heading, level=2)
        for entry in entries:
            _entry(body, entry)


def render_docx(reader: Reader) -> bytes:
    """The whole reader as the bytes of a .docx file."""
    document = Document()
    _ensure_styles(document)
    course = reader.reading_list
    properties = document.core_properties
    properties.title = _safe(course.title)
    if course.instructor:
        properties.author = _safe(course.instructor)
    properties.subject = _safe(" · ".join(p for p in (course.code, course.term) if p))
    document.add_heading(_safe(course.title), level=0)
    meta = " · ".join(p for p in (course.code, course.term, course.instructor) if p)
    if meta:
        document.add_paragraph(_safe(meta), style="Subtitle")
    document.add_paragraph(_safe(f"Citation style: {reader.style.title}. "
                                 f"Reading load: {reader.load.describe()}."))
    document.add_heading("Contents", level=1)
    for section in reader.sections:
        item = document.add_paragraph(style="List Number")
        item.add_run(_safe(section.title))
        item.add_run(_safe(f" — {section.load.describe()}")).italic = True
    document.add_paragraph("Bibliography", style="List Number")
    body = _Body(document)
    for section in reader.sections:
        _section(body, section)
    document.add_heading("Bibliography", level=1)
    for entry in reader.bibliography:
        _entry(body, entry)
    properties.comments = "Course reader generated by citekit"
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same package with fixed zip timestamps, so rebuilding an unchanged reader
    gives the same bytes (example outputs are kept in version control)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


__all__ = ["ANNOTATION_STYLE", "BIBLIOGRAPHY_STYLE", "NOTE_STYLE", "add_rich", "render_docx"]

"""The page, the styles, the fields and the metadata of the DOCX reader.

python-docx starts every document from its own 2013 template: US Letter,
blue theme-coloured sans-serif headings (the styles point at the theme's
fonts and colours, which win over a plain font name), a thumbnail of an
empty page, and metadata saying "python-docx", 2013 and "Microsoft
Macintosh Word".  This module replaces all of that with citekit's own
neutral layout, set explicitly so Word and LibreOffice show the same thing:

- :func:`set_up_pages`: A4 or US Letter with print margins, a running header
  with the course title (not on the cover page) and a "Page N of M" footer
  built from PAGE and NUMPAGES fields on every page;
- :func:`neutral_styles`: one serif face, black text, headings that keep
  with the next paragraph, *toc 1* with a dotted tab leader;
- :func:`add_toc_field`: a real TOC field (Word and LibreOffice fill it in
  with page numbers), pre-filled with the section titles and a line telling
  the reader how to update it;
- :func:`set_metadata` and :func:`clean_package`: title, author (the
  instructor), subject, creation time (:func:`citekit.course.buildtime.build_time`),
  ``citekit`` as last editor and application.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

FONT = "Georgia"
"""One serif face for text and headings: on every Windows and macOS, and mapped
to a metric-compatible face by LibreOffice elsewhere."""

TEXT_COLOUR = RGBColor(0x11, 0x11, 0x11)
QUIET_COLOUR = RGBColor(0x55, 0x55, 0x55)

PAPER: dict[str, tuple[Length, Length, Length]] = {
    "a4": (Mm(210), Mm(297), Mm(22)),
    "letter": (Mm(215.9), Mm(279.4), Mm(25.4)),
}
"""``--paper``: page width, height and the side margins."""

TOC_STYLE = "toc 1"
"""Word's built-in name (id ``TOC1``): the style its TOC field gives level-1 entries."""
TOC_INSTRUCTION = 'TOC \\o "1-1" \\h \\z \\u'
UPDATE_HINT = (
    "Page numbers appear when the contents are updated: in Word, right-click "
    "here and choose Update Field; in LibreOffice, choose Tools ▸ Update ▸ "
    "Update All."
)

_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# ---------------------------------------------------------------------------
# Pages, header and footer
# ---------------------------------------------------------------------------


def text_width(paper: str) -> Length:
    """The width between the margins on ``paper``."""
    width, _, margin = _paper(paper)
    return Length(width - 2 * margin)


def _paper(paper: str) -> tuple[Length, Length, Length]:
    try:
        return PAPER[paper.lower()]
    except KeyError:
        raise ValueError(f"unknown paper size '{paper}'; known: {', '.join(PAPER)}") from None


def set_up_pages(document: Any, paper: str, running_title: str) -> None:
    """Page size and margins, the running header and the page-number footer."""
    width, height, margin = _paper(paper)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = margin
    section.top_margin, section.bottom_margin = Mm(24), Mm(22)
    section.header_distance, section.footer_distance = Mm(11), Mm(11)
    section.different_first_page_header_footer = True  # no running header on the cover
    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.add_run(running_title)
    for footer in (section.footer, section.first_page_footer):
        _page_number(footer.paragraphs[0], document)


def _page_number(paragraph: Paragraph, document: Any) -> None:
    """ "Page N of M", centred, from PAGE and NUMPAGES fields."""
    paragraph.style = document.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    add_field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    add_field(paragraph, "NUMPAGES", "1")


def _field_char(kind: str, *, dirty: bool = False) -> Any:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")  # its shown result is stale: recompute it
    run.append(char)
    return run


def _instruction(text: str) -> Any:
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {text} "
    run.append(instr)
    return run


def add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, result, end) in one paragraph."""
    paragraph._p.append(_field_char("begin"))
    paragraph._p.append(_instruction(instruction))
    paragraph._p.append(_field_char("separate"))
    paragraph.add_run(shown)
    paragraph._p.append(_field_char("end"))


def add_toc_field(new_paragraph: Any, titles: Iterable[str]) -> None:
    """A TOC field over the Heading 1 titles, its shown result pre-filled.

    The field spans several paragraphs, as Word writes it: it begins in the
    first entry, every title is a *toc 1* paragraph (the page numbers are
    left to the update), and it ends after a last paragraph saying how to
    update it, so that hint disappears once the contents are filled in.
    """
    paragraphs: list[Paragraph] = []
    for title in titles:
        paragraph = new_paragraph(TOC_STYLE)
        paragraph.add_run(title)
        paragraphs.append(paragraph)
    hint = new_paragraph(TOC_STYLE)
    hint.add_run(UPDATE_HINT).italic = True
    first = paragraphs[0] if paragraphs else hint
    for element in reversed(
        (_field_char("begin", dirty=True), _instruction(TOC_INSTRUCTION), _field_char("separate"))
    ):
        first._p.insert(_first_run_index(first._p), element)
    hint._p.append(_field_char("end"))


def _first_run_index(p: Any) -> int:
    """Where the first run goes: after the paragraph properties, if any."""
    return 1 if len(p) and p[0].tag == qn("w:pPr") else 0


# ---------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------


def _plain_fonts(rpr: Any) -> None:
    """Name the face directly and drop the theme references that would override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in _THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _restyle(
    style: Any,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    colour: RGBColor = TEXT_COLOUR,
    caps: bool = False,
) -> None:
    font = style.font
    _plain_fonts(style.element.get_or_add_rPr())
    font.size = Pt(size)
    font.bold, font.italic, font.all_caps = bold, italic, caps
    font.color.rgb = colour  # replaces the theme colour element outright


def _bottom_rule(style: Any, colour: str = "999999") -> None:
    """A thin rule under a heading (replacing the template's blue one)."""
    ppr = style.element.get_or_add_pPr()
    old = ppr.find(qn("w:pBdr"))
    if old is not None:
        ppr.remove(old)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", colour)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    _reorder_ppr(ppr)


_PPR_ORDER = [
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]


def _reorder_ppr(ppr: Any) -> None:
    """Put paragraph properties back in the schema's order (Word rejects others)."""
    rank = {qn(name): index for index, name in enumerate(_PPR_ORDER)}
    children = sorted(ppr, key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        ppr.append(child)


def _spacing(style: Any, before: float, after: float, *, keep: bool) -> None:
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep
    fmt.keep_together = keep or None


def _paragraph_style(styles: Any, name: str, base: str = "Normal") -> Any:
    if name not in {style.name for style in styles}:
        styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style = styles[name]
    style.base_style = styles[base]
    return style


def neutral_styles(document: Any, paper: str) -> None:
    """citekit's own styles: one serif face, black, no theme fonts or colours."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _plain_fonts(rpr)
    normal = styles["Normal"]
    _restyle(normal, size=11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.widow_control = True
    title = styles["Title"]
    _restyle(title, size=24, bold=True)
    _bottom_rule(title, "222222")
    _spacing(title, 0, 10, keep=True)
    subtitle = styles["Subtitle"]
    _restyle(subtitle, size=13)
    numbering = (
        subtitle.element.pPr.find(qn("w:numPr")) if subtitle.element.pPr is not None else None
    )
    if numbering is not None:
        subtitle.element.pPr.remove(numbering)
    _spacing(subtitle, 0, 8, keep=True)
    heading1 = styles["Heading 1"]
    _restyle(heading1, size=15, bold=True)
    _bottom_rule(heading1)
    _spacing(heading1, 20, 6, keep=True)
    heading2 = styles["Heading 2"]
    _restyle(heading2, size=9.5, bold=True, colour=QUIET_COLOUR, caps=True)
    _spacing(heading2, 10, 5, keep=True)
    toc_heading = styles["TOC Heading"]
    _restyle(toc_heading, size=15, bold=True)
    _spacing(toc_heading, 6, 8, keep=True)
    toc_heading.hidden = False
    for name in ("Title Char", "Subtitle Char", "Heading 1 Char", "Heading 2 Char"):
        if name in {style.name for style in styles}:
            _plain_fonts(styles[name].element.get_or_add_rPr())
            styles[name].font.color.rgb = TEXT_COLOUR
    for name, size in (("Header", 8.5), ("Footer", 9)):
        _restyle(styles[name], size=size, colour=QUIET_COLOUR)
        _tab_stops(
            styles[name],
            (
                (text_width(paper) // 2, WD_TAB_ALIGNMENT.CENTER),
                (text_width(paper), WD_TAB_ALIGNMENT.RIGHT),
            ),
        )
    toc = _paragraph_style(styles, TOC_STYLE)
    toc.element.set(qn("w:styleId"), "TOC1")
    toc.element.attrib.pop(qn("w:customStyle"), None)  # Word's own, not a custom style
    toc.priority, toc.unhide_when_used = 39, True
    _spacing(toc, 0, 3, keep=False)
    tabs = toc.paragraph_format.tab_stops
    tabs.clear_all()
    tabs.add_tab_stop(text_width(paper), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _tab_stops(style: Any, stops: Iterable[tuple[int, Any]]) -> None:
    tabs = style.paragraph_format.tab_stops
    tabs.clear_all()
    for position, alignment in stops:
        tabs.add_tab_stop(Length(position), alignment)


# ---------------------------------------------------------------------------
# Metadata and package
# ---------------------------------------------------------------------------


def set_metadata(
    document: Any,
    *,
    title: str,
    author: str | None,
    subject: str,
    language: str | None,
    created: datetime,
) -> None:
    """The core properties a file manager, Word's Info pane and a platform show."""
    properties = document.core_properties
    properties.title = title
    properties.author = author or ""
    properties.subject = subject
    properties.keywords = ""
    properties.category = "Course reader"
    properties.comments = "Course reader generated by citekit"
    properties.last_modified_by = "citekit"
    properties.revision = 1
    utc = created.astimezone(UTC) if created.tzinfo else created
    properties.created = properties.modified = utc
    properties.language = language or ""
    _drop_thumbnail(document)


def _drop_thumbnail(document: Any) -> None:
    """The template's thumbnail is a picture of an empty 2013 page: remove it."""
    rels = document.part.package.rels
    for rel_id, rel in list(rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            rels.pop(rel_id)


APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    '2006/docPropsVTypes"><Application>citekit</Application><DocSecurity>0</DocSecurity>'
    "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "</Properties>"
)
"""The extended properties: citekit as the application, no template's counts."""


def update_fields_on_open(document: Any) -> None:
    """Ask Word to refresh the fields (the TOC's page numbers) when the file opens."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        flag = OxmlElement("w:updateFields")
        flag.set(qn("w:val"), "true")
        # w:updateFields comes before w:defaultTabStop in the schema's order
        anchor = settings.find(qn("w:defaultTabStop"))
        if anchor is not None:
            anchor.addprevious(flag)
        else:
            settings.append(flag)


_RSIDS = re.compile(rb"<w:rsids>.*?</w:rsids>", re.S)


def clean_part(name: str, data: bytes) -> bytes:
    """A package part as citekit writes it (the template's leftovers replaced)."""
    if name == "docProps/app.xml":
        return APP_XML.encode("utf-8")
    if name == "word/settings.xml":
        return _RSIDS.sub(b"", data)  # the template's editing-session ids
    return data


__all__ = [
    "FONT",
    "PAPER",
    "TOC_INSTRUCTION",
    "TOC_STYLE",
    "UPDATE_HINT",
    "add_field",
    "add_toc_field",
    "clean_part",
    "neutral_styles",
    "set_metadata",
    "set_up_pages",
    "text_width",
    "update_fields_on_open",
]

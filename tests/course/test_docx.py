"""The DOCX reader, reopened with python-docx: Word styles, runs and links."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Inches, Mm, Pt

from citekit.cli import main
from citekit.course.build import build_from_file
from citekit.course.docx import ANNOTATION_STYLE, BIBLIOGRAPHY_STYLE, render_docx
from citekit.course.docx_layout import FONT, TOC_INSTRUCTION, TOC_STYLE, UPDATE_HINT
from citekit.course.write import write_reader
from citekit.errors import OutputError


@pytest.fixture
def document(course_dir: Path) -> object:
    return Document(io.BytesIO(render_docx(build_from_file(course_dir / "course.toml"))))


def _styled(document: object, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]  # type: ignore[attr-defined]


def test_headings(document: object) -> None:
    assert _styled(document, "Title") == ["Korea 101"]
    assert _styled(document, "Heading 1") == [
        "Week 1: The armistice and the missing peace treaty",
        "Week 2: Talks",
        "Bibliography",
    ]
    assert _styled(document, "TOC Heading") == ["Contents"]  # not listed in its own TOC
    assert _styled(document, "Heading 2") == [
        "Required reading",
        "Optional reading",
        "Required reading",
    ]
    assert _styled(document, "Subtitle") == ["KOR 101 · Autumn · P. Lee"]


def test_entries_use_the_bibliography_style(document: object) -> None:
    entries = _styled(document, BIBLIOGRAPHY_STYLE)
    assert len(entries) == 4 + 3  # four readings in the sections, three works at the end
    assert entries[0].startswith("Zhou, L. (2019).")  # the list's order in a section
    assert entries[1].startswith("Adams, R. (2001). Negotiating at Panmunjom.")
    assert entries[-1].startswith("Zhou, L. (2019).")  # the style's in the bibliography
    style = document.styles[BIBLIOGRAPHY_STYLE]  # type: ignore[attr-defined]
    assert style.paragraph_format.left_indent == Inches(0.5)
    assert style.paragraph_format.first_line_indent == -Inches(0.5)
    assert _styled(document, ANNOTATION_STYLE) == ["Read for the chronology."]


def test_italic_runs_and_links(document: object) -> None:
    adams = next(
        p
        for p in document.paragraphs  # type: ignore[attr-defined]
        if p.style.name == BIBLIOGRAPHY_STYLE and p.text.startswith("Adams")
    )
    assert [r.text for r in adams.runs if r.italic] == ["Negotiating at Panmunjom"]
    zhou = next(
        p
        for p in document.paragraphs  # type: ignore[attr-defined]
        if p.style.name == BIBLIOGRAPHY_STYLE and p.text.startswith("Zhou")
    )
    assert [link.url for link in zhou.hyperlinks] == ["https://doi.org/10.1234/jks.2019.5"]
    assert "https://doi.org/10.1234/jks.2019.5" in zhou.text


def test_reading_details(document: object) -> None:
    texts = [p.text for p in document.paragraphs]  # type: ignore[attr-defined]
    assert "Read: pp. 101–110, 115 (11 pages)" in texts
    assert "Note: Two copies on reserve." in texts
    assert "Reading load: 35 pages required, 28 optional" in texts
    assert document.core_properties.title == "Korea 101"  # type: ignore[attr-defined]


def test_written_atomically_and_never_over_an_input(course_dir: Path) -> None:
    reader = build_from_file(course_dir / "course.toml")
    target = course_dir / "out" / "reader.docx"
    write_reader(reader, target)
    assert Document(str(target)).paragraphs[0].text == "Korea 101"
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    with pytest.raises(OutputError, match="refusing"):
        write_reader(
            reader, course_dir / "library.json", "docx", protect=(course_dir / "library.json",)
        )


def test_numeric_labels_are_separated_from_the_entry(course_dir: Path) -> None:
    source = (course_dir / "course.toml").read_text(encoding="utf-8")
    (course_dir / "course.toml").write_text(source.replace('"apa"', '"ieee"'), encoding="utf-8")
    document = Document(io.BytesIO(render_docx(build_from_file(course_dir / "course.toml"))))
    entries = _styled(document, BIBLIOGRAPHY_STYLE)
    assert entries[0].startswith("[1] ")
    assert all(entry.startswith("[") and "] " in entry for entry in entries)


def test_control_characters_are_replaced_and_reported(course_dir: Path) -> None:
    """python-docx refuses XML-invalid characters: a \\x0b in a field crashed the writer."""
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    text = text.replace('note = "Two copies on reserve."', 'note = "Two\\u000bcopies\\u0001"')
    text = text.replace('title = "Korea 101"', 'title = "Korea\\u0001 101"')
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    reader = build_from_file(course_dir / "course.toml")
    assert any(w.startswith("course:") and "U+0001" in w for w in reader.warnings)
    assert any("'adams2001'" in w and "U+000B" in w for w in reader.warnings)
    document = Document(io.BytesIO(render_docx(reader)))
    assert _styled(document, "Title") == ["Korea 101"]
    assert "Note: Two copies" in [p.text for p in document.paragraphs]


# ---------------------------------------------------------------------------
# Print layout: paper, header and footer fields, TOC field, keep-with-next,
# styles and metadata (issue 18)
# ---------------------------------------------------------------------------

FIXED = datetime(2017, 5, 1, 12, 0, 0, tzinfo=UTC)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _instructions(element: object) -> list[str]:
    return [" ".join((node.text or "").split()) for node in element.iter(f"{W}instrText")]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("paper", "width", "height"), [("a4", Mm(210), Mm(297)), ("letter", Inches(8.5), Inches(11))]
)
def test_paper_size_reaches_the_document(
    course_dir: Path, paper: str, width: int, height: int
) -> None:
    """``--paper a4`` wrote US Letter: render_docx never received the paper size."""
    result = CliRunner().invoke(
        main,
        [
            "reader",
            str(course_dir / "course.toml"),
            "-o",
            str(course_dir / "r.docx"),
            "--paper",
            paper,
        ],
    )
    assert result.exit_code == 0, result.output
    section = Document(str(course_dir / "r.docx")).sections[0]
    assert abs(section.page_width - width) < Mm(0.1)
    assert abs(section.page_height - height) < Mm(0.1)
    assert section.left_margin + section.right_margin < section.page_width // 3


def test_page_number_footer_and_running_header(course_dir: Path) -> None:
    document = Document(io.BytesIO(render_docx(build_from_file(course_dir / "course.toml"))))
    section = document.sections[0]
    assert section.different_first_page_header_footer  # the cover page has no header
    for footer in (section.footer, section.first_page_footer):
        assert _instructions(footer._element) == ["PAGE", "NUMPAGES"]
        assert footer.paragraphs[0].text == "Page 1 of 1"  # the shown results, until updated
    assert section.header.paragraphs[0].text == "Korea 101"
    assert not section.header.is_linked_to_previous


def test_a_real_toc_field_with_a_hint_to_update_it(document: object) -> None:
    body = document.element.body  # type: ignore[attr-defined]
    assert [i for i in _instructions(body) if i.startswith("TOC")] == [TOC_INSTRUCTION]
    chars = [c.get(f"{W}fldCharType") for c in body.iter(f"{W}fldChar")]
    assert chars == ["begin", "separate", "end"]
    entries = _styled(document, TOC_STYLE)
    assert entries[:-1] == [
        "Week 1: The armistice and the missing peace treaty",
        "Week 2: Talks",
        "Bibliography",
    ]
    assert entries[-1] == UPDATE_HINT
    settings = document.settings.element  # type: ignore[attr-defined]
    assert settings.find(f"{W}updateFields").get(f"{W}val") == "true"


def _keeps(paragraph: object) -> bool:
    """keep_with_next as Word resolves it: the paragraph's own, else its styles'."""
    own = paragraph.paragraph_format.keep_with_next  # type: ignore[attr-defined]
    style = paragraph.style  # type: ignore[attr-defined]
    while own is None and style is not None:
        own, style = style.paragraph_format.keep_with_next, style.base_style
    return bool(own)


def test_headings_and_load_lines_keep_with_the_first_reading(course_dir: Path) -> None:
    """A session's heading and load line sat at a page bottom, its readings on the next."""
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    text = text.replace(
        'title = "Week 2: Talks"', 'title = "Week 2: Talks"\ndescription = "Negotiations, 1951-53."'
    )
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    document = Document(io.BytesIO(render_docx(build_from_file(course_dir / "course.toml"))))
    paragraphs = document.paragraphs
    for name in ("Title", "Heading 1", "Heading 2", "TOC Heading"):
        assert document.styles[name].paragraph_format.keep_with_next, name
    headings = [i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1"]
    assert len(headings) == 3
    for start in headings:
        chain = paragraphs[start:]
        first_entry = next(i for i, p in enumerate(chain) if p.style.name == BIBLIOGRAPHY_STYLE)
        assert first_entry >= 1
        for paragraph in chain[:first_entry]:
            assert _keeps(paragraph), f"{paragraph.text!r} is not kept with the next"
    loads = [p for p in paragraphs if p.text.startswith("Reading load:")]
    assert loads and all(_keeps(p) for p in loads)
    assert "Negotiations, 1951-53." in [p.text for p in paragraphs]


def test_neutral_styles_without_theme_fonts_or_colours(document: object) -> None:
    styles = document.styles  # type: ignore[attr-defined]
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "TOC Heading"):
        style = styles[name]
        fonts = style.element.rPr.find(f"{W}rFonts")
        assert fonts.get(f"{W}ascii") == FONT, name
        assert not [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")], name
        colour = style.element.rPr.find(f"{W}color")
        assert colour is not None and colour.get(f"{W}themeColor") is None, name
        assert max(style.font.color.rgb) < 0x60, f"{name} is not set in a dark neutral"
    assert styles["Heading 1"].font.size == Pt(15)
    defaults = styles.element.find(f"{W}docDefaults").find(f".//{W}rFonts")
    assert defaults.get(f"{W}asciiTheme") is None and defaults.get(f"{W}ascii") == FONT
    assert styles["Subtitle"].element.pPr.find(f"{W}numPr") is None


def test_metadata_is_the_lists_and_the_package_has_no_template_leftovers(course_dir: Path) -> None:
    """The metadata said 2013, "python-docx" and "Microsoft Macintosh Word"."""
    data = render_docx(build_from_file(course_dir / "course.toml"), created=FIXED)
    properties = Document(io.BytesIO(data)).core_properties
    assert properties.title == "Korea 101"
    assert properties.author == "P. Lee"
    assert properties.subject == "KOR 101 · Autumn"
    assert properties.last_modified_by == "citekit"
    assert properties.revision == 1
    assert properties.created == properties.modified == FIXED
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        assert not [n for n in names if "thumbnail" in n]
        app = package.read("docProps/app.xml").decode("utf-8")
        assert "<Application>citekit</Application>" in app
        everything = b"".join(package.read(n) for n in names)
    for leftover in (b"Macintosh", b"python-docx", b"2013-12-23", b"Normal.dotm", b"w:rsids"):
        assert leftover not in everything, leftover


def test_creation_time_is_now_or_source_date_epoch(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = build_from_file(course_dir / "course.toml")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(UTC).replace(microsecond=0)
    created = Document(io.BytesIO(render_docx(reader))).core_properties.created
    assert before <= created <= datetime.now(UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(FIXED.timestamp())))
    first = render_docx(reader)
    assert Document(io.BytesIO(first)).core_properties.created == FIXED
    assert render_docx(reader) == first  # byte-identical rebuilds

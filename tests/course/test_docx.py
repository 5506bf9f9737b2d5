"""The DOCX reader, reopened with python-docx: Word styles, runs and links."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Inches

from citekit.course.build import build_from_file
from citekit.course.docx import ANNOTATION_STYLE, BIBLIOGRAPHY_STYLE, render_docx
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
        "Contents", "Week 1: The armistice and the missing peace treaty", "Week 2: Talks",
        "Bibliography"]
    assert _styled(document, "Heading 2") == ["Required reading", "Optional reading",
                                              "Required reading"]
    assert _styled(document, "Subtitle") == ["KOR 101 · Autumn · P. Lee"]


def test_entries_use_the_bibliography_style(document: object) -> None:
    entries = _styled(document, BIBLIOGRAPHY_STYLE)
    assert len(entries) == 4 + 3  # four readings in the sections, three works at the end
    assert entries[0].startswith("Adams, R. (2001). Negotiating at Panmunjom.")
    assert entries[-1].startswith("Zhou, L. (2019).")
    style = document.styles[BIBLIOGRAPHY_STYLE]  # type: ignore[attr-defined]
    assert style.paragraph_format.left_indent == Inches(0.5)
    assert style.paragraph_format.first_line_indent == -Inches(0.5)
    assert _styled(document, ANNOTATION_STYLE) == ["Read for the chronology."]


def test_italic_runs_and_links(document: object) -> None:
    adams = next(p for p in document.paragraphs  # type: ignore[attr-defined]
                 if p.style.name == BIBLIOGRAPHY_STYLE and p.text.startswith("Adams"))
    assert [r.text for r in adams.runs if r.italic] == ["Negotiating at Panmunjom"]
    zhou = next(p for p in document.paragraphs  # type: ignore[attr-defined]
                if p.style.name == BIBLIOGRAPHY_STYLE and p.text.startswith("Zhou"))
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
        write_reader(reader, course_dir / "library.json", "docx",
                     protect=(course_dir / "library.json",))


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

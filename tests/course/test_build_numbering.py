"""Numeric styles: a reader is one document, so its numbers run on across sections."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from lxml import html as lxml_html

from citekit.course.build import Reader, build_from_file
from citekit.course.docx import BIBLIOGRAPHY_STYLE, render_docx
from citekit.course.html import render_html
from citekit.course.markdown import render_markdown
from citekit.course.model import parse_reading_list
from citekit.errors import ParseError
from citekit.render.richtext import plain

# Week 1 reads Zhou and Baker; week 2 Adams (new) and Zhou again (already [1]).
LIST = """\
title = "Korea 101"
style = "ieee"
libraries = ["library.json"]
{numbering}
{order}
[[sections]]
id = "week-1"
title = "Week 1"
readings = ["zhou2019", "baker1998"]

[[sections]]
id = "week-2"
title = "Week 2"
readings = ["adams2001", {{ key = "zhou2019", annotation = "Again, for the dates." }}]
"""


def _reader(course_dir: Path, numbering: str = "", order: str = 'order = "style"') -> Reader:
    """The list with ``order = "style"``: sections in number order unless told otherwise."""
    (course_dir / "course.toml").write_text(
        LIST.format(numbering=numbering, order=order), encoding="utf-8"
    )
    return build_from_file(course_dir / "course.toml")


def _numbers(reader: Reader) -> list[list[tuple[str, str]]]:
    """(label, key) per entry, per section, then the bibliography."""

    def label(text: str) -> str:
        found = re.match(r"\[(\d+)\]", text)
        assert found, text
        return found.group(1)

    sections = [[(label(plain(e.rich)), e.key) for e in s.entries] for s in reader.sections]
    return [*sections, [(label(plain(e.rich)), e.key) for e in reader.bibliography]]


def test_numbers_run_on_and_a_work_keeps_its_number(course_dir: Path) -> None:
    week1, week2, bibliography = _numbers(_reader(course_dir))
    assert week1 == [("1", "zhou2019"), ("2", "baker1998")]
    assert week2 == [("1", "zhou2019"), ("3", "adams2001")]
    assert bibliography == [("1", "zhou2019"), ("2", "baker1998"), ("3", "adams2001")]


def test_the_section_annotation_stays_with_its_section(course_dir: Path) -> None:
    reader = _reader(course_dir)
    zhou1 = reader.sections[0].entries[0]
    zhou2 = reader.sections[1].entries[0]
    assert zhou1.annotation is not None
    assert plain(zhou1.annotation).replace("’", "'") == "The record's own annotation."
    assert zhou2.annotation is not None and plain(zhou2.annotation) == "Again, for the dates."
    assert plain(zhou1.rich) == plain(zhou2.rich)  # same entry, same number


def test_the_lists_order_keeps_the_running_numbers(course_dir: Path) -> None:
    _, week2, bibliography = _numbers(_reader(course_dir, order=""))
    assert week2 == [("3", "adams2001"), ("1", "zhou2019")]  # as listed, numbers kept
    assert bibliography == [("1", "zhou2019"), ("2", "baker1998"), ("3", "adams2001")]


def test_per_section_numbering_is_an_option(course_dir: Path) -> None:
    week1, week2, bibliography = _numbers(_reader(course_dir, 'numbering = "per-section"'))
    assert week1 == [("1", "zhou2019"), ("2", "baker1998")]
    assert week2 == [("1", "adams2001"), ("2", "zhou2019")]
    assert bibliography == [("1", "zhou2019"), ("2", "baker1998"), ("3", "adams2001")]


def test_author_date_styles_keep_the_style_order(course_dir: Path) -> None:
    (course_dir / "course.toml").write_text(
        LIST.format(numbering="", order='order = "style"').replace('"ieee"', '"apa"'),
        encoding="utf-8",
    )
    week2 = build_from_file(course_dir / "course.toml").sections[1]
    assert [e.key for e in week2.entries] == ["adams2001", "zhou2019"]  # apa sorts by name


def test_html_shows_the_running_numbers(course_dir: Path) -> None:
    tree = lxml_html.fromstring(render_html(_reader(course_dir)))
    week2 = tree.get_element_by_id("week-2")
    margins = [m.text_content() for m in week2.find_class("csl-left-margin")]
    assert margins == ["[1]", "[3]"]
    assert [e.get("id") for e in week2.find_class("reader-entry")] == [
        "week-2--zhou2019",
        "week-2--adams2001",
    ]


def test_markdown_shows_the_running_numbers(course_dir: Path) -> None:
    text = render_markdown(_reader(course_dir))
    week2 = text.split("# Week 2")[1].split("# Bibliography")[0]
    entries = re.findall(r"^\\\[(\d+)\\\] (\S+)", week2, re.MULTILINE)
    assert entries == [("1", "L."), ("3", "R.")]


def test_docx_shows_the_running_numbers(course_dir: Path) -> None:
    document = Document(io.BytesIO(render_docx(_reader(course_dir))))
    entries = [p.text for p in document.paragraphs if p.style.name == BIBLIOGRAPHY_STYLE]
    labels = [re.findall(r"^\[(\d+)\]", text) for text in entries]
    assert labels == [["1"], ["2"], ["1"], ["3"], ["1"], ["2"], ["3"]]


def test_an_unknown_numbering_is_an_error_with_its_line(course_dir: Path) -> None:
    text = LIST.format(numbering='numbering = "by-week"', order="")
    with pytest.raises(ParseError) as caught:
        parse_reading_list(text, filename="c.toml", base=course_dir)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("bad-numbering", 4)
    assert "'continuous' or 'per-section'" in diagnostic.message


def test_yaml_lists_choose_numbering_too(course_dir: Path) -> None:
    text = (
        "title: Korea 101\nstyle: ieee\nnumbering: per-section\nlibraries: [library.json]\n"
        "sections:\n  - id: w1\n    title: W1\n    readings: [zhou2019]\n"
    )
    listing = parse_reading_list(text, filename="c.yaml", base=course_dir)
    assert listing.numbering == "per-section"
    assert (
        parse_reading_list(
            text.replace("numbering: per-section\n", ""), filename="c.yaml", base=course_dir
        ).numbering
        == "continuous"
    )

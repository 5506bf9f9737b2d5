"""The PDF reader, read back with pypdf: pages, numbers, contents, breaks, metadata.

The course is long enough (four units of twelve readings of uneven length)
that page breaks fall in every kind of place.  Each reading starts with its
author (``Author0001``) and ends with its note (``End work0001.``), so a
reading split across pages shows as a note on a page without its author.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.course.build import Reader, build_from_file
from citekit.course.write import kind_for_path, write_reader
from citekit.errors import OutputError

pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF back (pip install pypdf)")

COURSE = "Printing Test Course"
FIXED = datetime(2017, 5, 1, 12, 0, 0, tzinfo=UTC)
HEADINGS = {"Contents", "Bibliography", "REQUIRED READING", "OPTIONAL READING"}


def _render(reader: Reader, paper: str = "letter") -> bytes:
    from citekit.course.pdf import render_pdf

    try:
        return render_pdf(reader, paper=paper, created=FIXED)
    except OutputError as exc:  # WeasyPrint or Pango missing on this machine
        pytest.skip(str(exc))


def _texts(pdf: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() for page in pdf.pages]


def _body_lines(text: str) -> list[str]:
    """A page's text without its footer and running header (drawn after the body)."""
    return [
        line
        for line in text.splitlines()
        if line.strip()
        and not re.fullmatch(r"Page \d+ of \d+", line.strip())
        and not line.startswith(COURSE + " ")
    ]


def _outline(pdf: pypdf.PdfReader) -> dict[str, int]:
    """Each bookmarked heading and the page (from 1) it is on."""
    found: dict[str, int] = {}

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[item.title] = pdf.get_destination_page_number(item) + 1  # type: ignore[attr-defined]

    walk(pdf.outline)
    return found


def test_paper_size_is_the_media_box(course_dir: Path) -> None:
    reader = build_from_file(course_dir / "course.toml")
    a4 = pypdf.PdfReader(io.BytesIO(_render(reader, "a4"))).pages[0].mediabox
    letter = pypdf.PdfReader(io.BytesIO(_render(reader, "letter"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (float(letter.width), float(letter.height)) == (612, 792)


@pytest.mark.slow
def test_every_page_has_its_number(printed: pypdf.PdfReader) -> None:
    texts = _texts(printed)
    assert len(texts) > 5, "the test needs a reader of several pages"
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text, f"page {number}"


@pytest.mark.slow
def test_contents_page_numbers_are_where_the_sections_start(
    printed: pypdf.PdfReader, long_reader: Reader
) -> None:
    texts = _texts(printed)
    contents = {}
    for line in texts[0].splitlines():
        match = re.fullmatch(r"(.+?)\s*\.{3,}\s*(\d+)", line.strip())
        if match:
            contents[match.group(1).strip()] = int(match.group(2))
    titles = [section.title for section in long_reader.sections]
    assert list(contents) == [*titles, "Bibliography"]
    outline = _outline(printed)
    for title, page in contents.items():
        assert outline[title] == page, title
        assert title in _body_lines(texts[page - 1]), f"{title} is not printed on page {page}"
    assert len(set(contents.values())) > 3, "sections should start on different pages"


# Layouts that, without the keep-with-next rules, leave a heading at the bottom
# of a page (a unit title on A4 with four readings a unit, a "Required reading"
# on Letter with seven, both kinds with twelve): each must now keep it.
LAYOUTS = [(4, "a4"), (7, "letter"), (12, "letter")]


@pytest.fixture(scope="module")
def layouts(
    tmp_path_factory: pytest.TempPathFactory, long_course: Callable[..., Path]
) -> dict[tuple[int, str], tuple[Reader, pypdf.PdfReader]]:
    printed = {}
    for per_section, paper in LAYOUTS:
        folder = tmp_path_factory.mktemp(f"layout-{per_section}-{paper}")
        course = long_course(folder, per_section=per_section, title=COURSE, details=True)
        reader = build_from_file(course)
        printed[per_section, paper] = reader, pypdf.PdfReader(io.BytesIO(_render(reader, paper)))
    return printed


@pytest.fixture(scope="module")
def long_reader(layouts: dict[tuple[int, str], tuple[Reader, pypdf.PdfReader]]) -> Reader:
    """Four units of twelve readings, on Letter."""
    return layouts[12, "letter"][0]


@pytest.fixture(scope="module")
def printed(layouts: dict[tuple[int, str], tuple[Reader, pypdf.PdfReader]]) -> pypdf.PdfReader:
    return layouts[12, "letter"][1]


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_page_ends_with_a_heading(
    layouts: dict[tuple[int, str], tuple[Reader, pypdf.PdfReader]], layout: tuple[int, str]
) -> None:
    reader, printed = layouts[layout]
    headings = HEADINGS | {section.title for section in reader.sections}
    for number, text in enumerate(_texts(printed), start=1):
        body = _body_lines(text)
        assert body[-1] not in headings, f"page {number} ends with the heading {body[-1]!r}"


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_section_heading_shares_its_page_with_its_first_reading(
    layouts: dict[tuple[int, str], tuple[Reader, pypdf.PdfReader]], layout: tuple[int, str]
) -> None:
    reader, printed = layouts[layout]
    texts = _texts(printed)
    outline = _outline(printed)
    for section in reader.sections:
        body = _body_lines(texts[outline[section.title] - 1])
        after = body[body.index(section.title) + 1 :]
        first = section.entries[0].key.replace("work", "Author")
        assert any(line.startswith(first) for line in after), section.title


def test_no_reading_is_split_across_pages(printed: pypdf.PdfReader, long_reader: Reader) -> None:
    texts = _texts(printed)
    for section in long_reader.sections:
        for entry in section.entries:
            author = entry.key.replace("work", "Author") + ","
            starts = {n for n, text in enumerate(texts) if author in text}
            ends = {n for n, text in enumerate(texts) if f"End {entry.key}." in text}
            assert len(ends) == 1, entry.key
            assert ends <= starts, f"{entry.key} starts on {starts} but ends on {ends}"


def test_cover_block_and_no_forced_break_after_it(
    printed: pypdf.PdfReader, long_reader: Reader
) -> None:
    first = _body_lines(printed.pages[0].extract_text())
    assert first[0] == COURSE
    assert "PDF 100 · Spring 2027 · Dr. Ada Example" in first
    # the contents are short: the first unit begins on the cover page, not after a break
    assert _outline(printed)[long_reader.sections[0].title] == 1
    assert long_reader.sections[0].title in first


def test_running_header_names_the_course_and_the_section(printed: pypdf.PdfReader) -> None:
    texts = _texts(printed)
    assert not any(line.startswith(COURSE + " ") for line in texts[0].splitlines())
    for number, text in enumerate(texts[1:], start=2):
        header = [line for line in text.splitlines() if line.startswith(COURSE + " ")]
        assert len(header) == 1, f"page {number}"
    assert f"{COURSE} Bibliography" in texts[-1]


@pytest.mark.slow
def test_metadata_and_byte_identical_rebuilds(
    long_reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citekit.course.pdf import render_pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(FIXED.timestamp())))
    try:
        first = render_pdf(long_reader, paper="a4")
    except OutputError as exc:
        pytest.skip(str(exc))
    assert render_pdf(long_reader, paper="a4") == first
    info = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert info.title == COURSE
    assert info.author == "Dr. Ada Example"
    assert info.subject == "PDF 100 · Spring 2027"
    assert info.creator == "citekit reader"
    assert info.creation_date == FIXED and info.modification_date == FIXED
    catalog = pypdf.PdfReader(io.BytesIO(first)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]  # tagged
    assert catalog["/Lang"] == long_reader.locale


def test_written_by_suffix_and_from_the_command_line(
    tmp_path: Path, long_course: Callable[..., Path]
) -> None:
    source = long_course(tmp_path, sections=1, per_section=3, title=COURSE, details=True)
    assert kind_for_path("reader.PDF") == "pdf"
    target = tmp_path / "out" / "reader.pdf"
    try:
        write_reader(build_from_file(source), target)
    except OutputError as exc:
        pytest.skip(str(exc))
    assert target.read_bytes().startswith(b"%PDF-")
    assert not [p for p in target.parent.iterdir() if p.name != "reader.pdf"]
    result = CliRunner().invoke(
        main, ["reader", str(source), "-o", str(tmp_path / "r.pdf"), "--paper", "letter"]
    )
    assert result.exit_code == 0, result.output
    box = pypdf.PdfReader(str(tmp_path / "r.pdf")).pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)
    with pytest.raises(OutputError, match="refusing"):
        write_reader(build_from_file(source), source, "pdf", protect=(source,))


def test_markup_in_the_list_is_printed_as_text(course_dir: Path) -> None:
    """The print stylesheet goes before the first ``</head>``: a title holding one
    (or a style element) must stay text and must not restyle or hide the reader."""
    hostile = "K </head><style>body{display:none}</style> 101"
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Korea 101"', f'title = "{hostile}"')
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    printed = pypdf.PdfReader(io.BytesIO(_render(build_from_file(course_dir / "course.toml"))))
    first = printed.pages[0].extract_text()
    assert " ".join(hostile.split()) in " ".join(first.split())
    assert "Week 1: The armistice and the missing peace treaty" in first
    assert printed.metadata.title == hostile


def test_without_weasyprint_the_error_says_what_to_install(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citekit.course.pdf import render_pdf

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as when absent
    reader = build_from_file(course_dir / "course.toml")
    with pytest.raises(OutputError, match="WeasyPrint and the Pango library"):
        render_pdf(reader)
    result = CliRunner().invoke(
        main, ["reader", str(course_dir / "course.toml"), "-o", str(course_dir / "r.pdf")]
    )
    assert result.exit_code == 1 and "libpango" in result.output
    assert not (course_dir / "r.pdf").exists()


def test_running_header_names_the_section_the_page_starts_in(
    printed: pypdf.PdfReader, long_reader: Reader
) -> None:
    texts = _texts(printed)
    outline = _outline(printed)
    titles = [section.title for section in long_reader.sections] + ["Bibliography"]
    mid_page_headings = 0
    for number, text in enumerate(texts[1:], start=2):
        body = _body_lines(text)
        if body[0] in titles:
            expected = body[0]
        else:
            expected = [t for t in titles if outline[t] < number][-1]
            mid_page_headings += any(outline[t] == number for t in titles)
        header = [line for line in text.splitlines() if line.startswith(COURSE + " ")]
        assert header == [f"{COURSE} {expected}"], f"page {number}"
    assert mid_page_headings  # a page that starts in one section and holds the next heading

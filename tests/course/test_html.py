"""The HTML reader: self-contained, print CSS per paper size, every part in place."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from citekit.course.build import build_from_file
from citekit.course.html import render_html


@pytest.fixture
def page(course_dir: Path) -> str:
    return render_html(build_from_file(course_dir / "course.toml"), paper="letter")


def test_title_block_and_contents(page: str) -> None:
    tree = lxml_html.fromstring(page)
    assert tree.findtext(".//h1") == "Korea 101"
    assert tree.find('.//p[@class="course-meta"]').text_content() == "KOR 101 · Autumn · P. Lee"
    toc = [a.text_content() for a in tree.findall(".//nav//a")]
    assert toc == [
        "Week 1: The armistice and the missing peace treaty",
        "Week 2: Talks",
        "Bibliography",
    ]
    targets = {a.get("href")[1:] for a in tree.findall(".//nav//a")}
    assert targets <= {element.get("id") for element in tree.iter() if element.get("id")}


def test_entries_grouped_and_marked(page: str) -> None:
    tree = lxml_html.fromstring(page)
    week1 = tree.get_element_by_id("week-1")
    assert [h.text for h in week1.findall(".//h3")] == ["Required reading", "Optional reading"]
    entries = week1.find_class("reader-entry")
    assert [e.get("id") for e in entries] == [
        "week-1--zhou2019",
        "week-1--adams2001",
        "week-1--baker1998",
    ]
    # The group heading says it once; no badge repeats it on every entry.
    assert [e.get("class") for e in entries] == ["reader-entry required"] * 2 + [
        "reader-entry optional"
    ]
    assert not week1.find_class("mark")
    assert [e.find_class("csl-entry")[0].text_content()[:5] for e in entries] == [
        "Zhou,",
        "Adams",
        "Baker",
    ]
    zhou = tree.get_element_by_id("week-1--zhou2019")
    assert zhou.find_class("pages")[0].text_content() == "Read: pp. 101–110, 115 (11 pages)"
    assert zhou.find_class("annotation")[0].text_content() == "Read for the chronology."
    assert zhou.xpath(".//a/@href") == ["https://doi.org/10.1234/jks.2019.5"]
    assert (
        tree.get_element_by_id("week-1--adams2001").find_class("note")[0].text_content()
        == "Note: Two copies on reserve."
    )
    assert "Reading load: 35 pages required, 28 optional" in week1.text_content()


def test_no_load_line_where_nothing_can_be_counted(page: str) -> None:
    tree = lxml_html.fromstring(page)
    week2 = tree.get_element_by_id("week-2")  # one reading: chapter 3, no pages
    assert not week2.find_class("load") and "unknown" not in page
    toc = [li.text_content() for li in tree.findall(".//nav//li")]
    assert toc[0].endswith("— 35 pages required, 28 optional")
    assert toc[1] == "Week 2: Talks"
    summary = tree.find_class("summary")[0].text_content()
    assert summary.endswith("Reading load: 35 pages required, 28 optional (1 reading not counted).")


def test_italics_survive(page: str) -> None:
    tree = lxml_html.fromstring(page)
    adams = tree.get_element_by_id("week-1--adams2001")
    assert [i.text_content() for i in adams.findall(".//i")] == ["Negotiating at Panmunjom"]


def test_bibliography_each_work_once(page: str) -> None:
    tree = lxml_html.fromstring(page)
    bib = tree.get_element_by_id("bibliography")
    assert [e.get("id") for e in bib.find_class("reader-entry")] == [
        "bibliography--adams2001",
        "bibliography--baker1998",
        "bibliography--zhou2019",
    ]
    assert not bib.find_class("mark")


def test_print_css(course_dir: Path, page: str) -> None:
    assert "@page { size: letter;" in page
    assert "break-inside: avoid" in page and "text-indent: -2rem" in page
    a4 = render_html(build_from_file(course_dir / "course.toml"), paper="a4")
    assert "@page { size: A4;" in a4
    with pytest.raises(ValueError, match="paper"):
        render_html(build_from_file(course_dir / "course.toml"), paper="legal")


def test_self_contained(page: str) -> None:
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//script | //link | //img | //@src")


def test_text_is_escaped(course_dir: Path) -> None:
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Korea 101"', 'title = "Korea <101> & more"')
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    page = render_html(build_from_file(course_dir / "course.toml"))
    assert "<h1>Korea &lt;101&gt; &amp; more</h1>" in page


def _with_annotation(course_dir: Path, annotation: str) -> str:
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    text = text.replace(
        'annotation = "Read for the chronology."', f"annotation = '''{annotation}'''"
    )
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    return render_html(build_from_file(course_dir / "course.toml"))


def test_annotation_cannot_add_an_event_handler(course_dir: Path) -> None:
    """The issue's reproducer: a single-quoted href that closes citekit's double quotes."""
    page = _with_annotation(
        course_dir,
        """<a href='x" onmouseover="alert(1)'>see</a> """
        """<a href="javascript:alert(2)">js</a> <i>kept</i> """
        """<a href="https://example.org/a">web</a>""",
    )
    tree = lxml_html.fromstring(page)
    annotation = tree.find_class("annotation")[0]
    assert annotation.text_content() == "see js kept web"
    assert not [name for element in tree.iter() for name in element.attrib if name.startswith("on")]
    assert [a.get("href") for a in annotation.iter("a")] == ["https://example.org/a"]
    assert [e.tag for e in annotation.iter()] == ["div", "i", "a"]


def test_course_metadata_is_escaped_in_attributes_and_text(course_dir: Path) -> None:
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    text = text.replace('code = "KOR 101"', """code = 'K" onload="alert(1)' """)
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    tree = lxml_html.fromstring(render_html(build_from_file(course_dir / "course.toml")))
    meta = tree.find('.//p[@class="course-meta"]')
    assert meta.text_content().startswith('K" onload="alert(1)')
    assert not [name for element in tree.iter() for name in element.attrib if name.startswith("on")]


def _with_urls(course_dir: Path) -> Path:
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    text = text.replace(
        'title = "Week 1: The armistice and the missing peace treaty"',
        'title = "Week 1"\ndescription = "Slides: https://example.org/s?a=1&b=<2> (PDF)."',
    ).replace('note = "Two copies on reserve."', 'note = "Scan: https://example.org/scan.pdf."')
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    return course_dir / "course.toml"


def test_urls_in_notes_and_descriptions_are_links(course_dir: Path) -> None:
    tree = lxml_html.fromstring(render_html(build_from_file(_with_urls(course_dir))))
    (description,) = tree.find_class("description")
    assert [a.get("href") for a in description.iter("a")] == ["https://example.org/s?a=1&b="]
    assert description.text_content() == "Slides: https://example.org/s?a=1&b=<2> (PDF)."
    notes = [n for n in tree.find_class("note") if "Scan" in n.text_content()]
    assert [a.get("href") for n in notes for a in n.iter("a")] == ["https://example.org/scan.pdf"]


def test_urls_in_notes_and_descriptions_are_links_in_markdown_and_docx(
    course_dir: Path,
) -> None:
    from docx import Document

    from citekit.course.docx import render_docx
    from citekit.course.markdown import render_markdown

    reader = build_from_file(_with_urls(course_dir))
    markdown = render_markdown(reader)
    assert "*Note:* Scan: <https://example.org/scan.pdf>." in markdown
    assert "Slides: <https://example.org/s?a=1&b=>" in markdown
    document = Document(io.BytesIO(render_docx(reader)))
    targets = {r.target_ref for r in document.part.rels.values() if r.is_external}
    assert {"https://example.org/scan.pdf", "https://example.org/s?a=1&b="} <= targets


def test_print_css_keeps_descriptions_and_loads_with_what_follows(page: str) -> None:
    printing = page[page.index("@media print") :]
    rule = re.search(r"\n\s*([^{}\n]*)\{ break-after: avoid", printing)
    assert rule is not None
    assert {".description", ".load", "h2", "h3"} <= {s.strip() for s in rule.group(1).split(",")}

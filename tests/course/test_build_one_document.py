"""A reader is one document: an entry prints the same in every section and at the end.

Two works by the same author in the same year need year suffixes (2017a,
2017b) that only the whole reader can assign; each section must print the
suffix the consolidated bibliography prints, while keeping its own order,
required/optional groups and annotations.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from docx import Document
from lxml import html as lxml_html

from citekit.course.build import Reader, build_from_file
from citekit.course.docx import BIBLIOGRAPHY_STYLE, render_docx
from citekit.course.html import render_html
from citekit.course.markdown import render_markdown
from citekit.render.richtext import plain

ANNA = {"family": "Raimondo", "given": "Anna"}
ITEMS = [
    {
        "id": "alpha",
        "type": "book",
        "title": "Alpha Diplomacy",
        "author": [ANNA],
        "issued": {"date-parts": [[2017]]},
        "publisher": "Harbor Press",
    },
    {
        "id": "beta",
        "type": "book",
        "title": "Beta Sanctions",
        "author": [ANNA],
        "issued": {"date-parts": [[2017]]},
        "publisher": "Harbor Press",
    },
    {
        "id": "zhou",
        "type": "book",
        "title": "Zones of Peace",
        "author": [{"family": "Zhou", "given": "Lin"}],
        "issued": {"date-parts": [[2019]]},
        "publisher": "Lake Press",
    },
    {
        "id": "adams",
        "type": "book",
        "title": "Armistice Lines",
        "author": [{"family": "Adams", "given": "Ruth"}],
        "issued": {"date-parts": [[2001]]},
        "publisher": "Lake Press",
    },
    {
        "id": "bruno",
        "type": "book",
        "title": "Ceasefire Years",
        "author": [{"family": "Raimondo", "given": "Bruno"}],
        "issued": {"date-parts": [[2017]]},
        "publisher": "Lake Press",
    },
    {
        "id": "q1",
        "type": "speech",
        "author": [{"family": "Kim", "given": "Yo-jong"}],
        "issued": {"date-parts": [[2016]]},
        "custom": {
            "quotation": "We will never give up",
            "quoted-in": "beta",
            "quoted-in-locator": "5",
            "quoted-in-label": "paragraph",
        },
    },
]

# Beta (2017b) is read first, alone; Alpha (2017a) only in week 2.  The style orders
# each section, so the tests can check the style's sort against the whole bibliography's.
LIST = """\
title = "Korea 101"
style = "{style}"
libraries = ["library.json"]
order = "style"

[[sections]]
id = "week-1"
title = "Week 1"
readings = ["zhou", {{ key = "beta", annotation = "For the sanctions." }}, "q1"]

[[sections]]
id = "week-2"
title = "Week 2"
readings = [{{ key = "alpha", required = false }}, "adams", "bruno"]

[[sections]]
id = "week-3"
title = "Week 3"
readings = [{{ key = "beta", annotation = "Again, for the talks." }}, "alpha"]
"""

# How each style prints the suffixed year of Raimondo's works.
YEAR = {"apa": "({})", "chicago-author-date": "Anna. {}.", "harvard-cite-them-right": "Anna ({})"}


def _reader(tmp_path: Path, style: str) -> Reader:
    (tmp_path / "library.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (tmp_path / "course.toml").write_text(LIST.format(style=style), encoding="utf-8")
    return build_from_file(tmp_path / "course.toml")


@pytest.fixture(params=sorted(YEAR))
def style(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_entry_prints_as_in_the_bibliography(tmp_path: Path, style: str) -> None:
    reader = _reader(tmp_path, style)
    final = {e.key: plain(e.rich) for e in reader.bibliography}
    assert YEAR[style].format("2017a") in final["alpha"]
    assert YEAR[style].format("2017b") in final["beta"]
    for section in reader.sections:
        for entry in section.entries:
            assert plain(entry.rich) == final[entry.key], (section.id, entry.key)


def test_sections_keep_their_order_groups_and_annotations(tmp_path: Path, style: str) -> None:
    week1, week2, week3 = _reader(tmp_path, style).sections
    # the style's order within each section, required before optional
    assert [e.key for e in week1.entries] == ["q1", "beta", "zhou"]
    assert [(e.key, e.required) for e in week2.entries] == [
        ("adams", True),
        ("bruno", True),
        ("alpha", False),
    ]
    assert [e.key for e in week3.entries] == ["alpha", "beta"]
    beta1, beta3 = week1.entries[1], week3.entries[1]
    assert beta1.annotation is not None and plain(beta1.annotation) == "For the sanctions."
    assert beta3.annotation is not None and plain(beta3.annotation) == "Again, for the talks."
    assert "For the sanctions" not in plain(beta1.rich)


def test_quoted_in_is_disambiguated_among_all_the_works(tmp_path: Path, style: str) -> None:
    # Week 1 alone has one Raimondo; the reader has Anna's two and Bruno's.
    quotation = _reader(tmp_path, style).sections[0].entries[0]
    assert quotation.key == "q1" and quotation.context is not None
    assert re.match(r"Quoted in A\. Raimondo,? 2017b, para\. 5\.$", plain(quotation.context))


def test_html_prints_the_same_suffixes(tmp_path: Path, style: str) -> None:
    tree = lxml_html.fromstring(render_html(_reader(tmp_path, style)))
    for section, key, year in (
        ("week-1", "beta", "2017b"),
        ("week-2", "alpha", "2017a"),
        ("week-3", "beta", "2017b"),
        ("week-3", "alpha", "2017a"),
    ):
        entry = tree.get_element_by_id(f"{section}--{key}")
        assert YEAR[style].format(year) in entry.text_content(), (section, key)


def test_markdown_prints_the_same_suffixes(tmp_path: Path, style: str) -> None:
    text = render_markdown(_reader(tmp_path, style))
    weeks = re.split(r"^# ", text, flags=re.MULTILINE)
    found = {
        part.split("\n", 1)[0]: re.findall(r"Raimondo.*?(2017[a-z]?)\b.*?\*(\w+) ", part)
        for part in weeks[1:]
    }
    assert found["Week 1 {#week-1}"] == [("2017b", "Beta")]
    assert found["Week 2 {#week-2}"] == [("2017", "Ceasefire"), ("2017a", "Alpha")]
    assert found["Week 3 {#week-3}"] == [("2017a", "Alpha"), ("2017b", "Beta")]
    assert found["Bibliography {#bibliography}"] == [
        ("2017a", "Alpha"),
        ("2017b", "Beta"),
        ("2017", "Ceasefire"),
    ]


def test_docx_prints_the_same_suffixes(tmp_path: Path, style: str) -> None:
    document = Document(io.BytesIO(render_docx(_reader(tmp_path, style))))
    entries = [p.text for p in document.paragraphs if p.style.name == BIBLIOGRAPHY_STYLE]
    raimondo = [
        (re.findall(r"2017[a-z]?", t), re.findall(r"Alpha|Beta|Ceasefire", t))
        for t in entries
        if "Raimondo" in t
    ]
    # week 1, week 2 (required Bruno, optional Alpha), week 3, the bibliography
    assert raimondo == [
        (["2017b"], ["Beta"]),
        (["2017"], ["Ceasefire"]),
        (["2017a"], ["Alpha"]),
        (["2017a"], ["Alpha"]),
        (["2017b"], ["Beta"]),
        (["2017a"], ["Alpha"]),
        (["2017b"], ["Beta"]),
        (["2017"], ["Ceasefire"]),
    ]


def test_a_name_dash_is_kept_only_after_the_same_entry(tmp_path: Path) -> None:
    # chicago-author-date-17th-edition prints "———" for a repeated author
    reader = _reader(tmp_path, "chicago-author-date-17th-edition")
    final = {e.key: plain(e.rich) for e in reader.bibliography}
    assert final["beta"].startswith("———. 2017b.")
    week1, _, week3 = reader.sections
    beta1 = next(e for e in week1.entries if e.key == "beta")
    assert plain(beta1.rich) == final["beta"].replace("———", "Raimondo, Anna")
    assert [plain(e.rich) for e in week3.entries] == [final["alpha"], final["beta"]]

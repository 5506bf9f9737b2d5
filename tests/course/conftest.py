"""A small course and library shared by the course-reader tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

ITEMS = [
    {
        "id": "zhou2019",
        "type": "article-journal",
        "title": "The Armistice Talks Revisited",
        "author": [{"family": "Zhou", "given": "Lin"}],
        "issued": {"date-parts": [[2019]]},
        "container-title": "Journal of Korean Studies",
        "volume": "24",
        "page": "101-130",
        "DOI": "10.1234/jks.2019.5",
        "annote": "The record's own annotation.",
    },
    {
        "id": "adams2001",
        "type": "book",
        "title": "Negotiating at Panmunjom",
        "author": [{"family": "Adams", "given": "Ruth"}],
        "issued": {"date-parts": [[2001]]},
        "publisher": "Harbor Press",
        "URL": "https://example.org/panmunjom",
    },
    {
        "id": "baker1998",
        "type": "chapter",
        "title": "The Missing Peace Treaty",
        "author": [{"family": "Baker", "given": "Tom"}],
        "issued": {"date-parts": [[1998]]},
        "container-title": "Cold War Asia",
        "publisher": "Lake Press",
        "page": "33-60",
    },
    {
        "id": "untitled",
        "type": "book",
        "author": [{"family": "Nobody", "given": "N."}],
        "issued": {"date-parts": [[2000]]},
    },
    {"id": "anonymous", "type": "book", "title": "Neither Name Nor Date"},
]

LIST = """\
title = "Korea 101"
code = "KOR 101"
term = "Autumn"
instructor = "P. Lee"
style = "apa"
libraries = ["library.json"]

[[sections]]
id = "week-1"
title = "Week 1: The armistice and the missing peace treaty"

[[sections.readings]]
key = "zhou2019"
pages = "101-110, 115"
annotation = "Read for the chronology."

[[sections.readings]]
key = "baker1998"
required = false

[[sections.readings]]
key = "adams2001"
pages = "ix-xii, 1-20"
note = "Two copies on reserve."

[[sections]]
id = "week-2"
title = "Week 2: Talks"

[[sections.readings]]
key = "adams2001"
locator = "3"
label = "chapter"
"""


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    """A folder with ``library.json`` and ``course.toml`` (the list above)."""
    (tmp_path / "library.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (tmp_path / "course.toml").write_text(LIST, encoding="utf-8")
    return tmp_path


#: The vocabulary of :func:`write_long_course`'s titles and annotations.
WORDS = [
    "armistice",
    "negotiation",
    "treaty",
    "delegation",
    "ceasefire",
    "envoy",
    "summit",
    "reactor",
    "sanctions",
    "channel",
    "alliance",
    "peninsula",
    "statement",
    "interview",
    "diplomacy",
]


def write_long_course(
    folder: Path,
    sections: int = 4,
    per_section: int = 12,
    *,
    title: str = "Printing Test Course",
    details: bool = False,
) -> Path:
    """A long reading list and its library, readings of uneven length (two lines to eight).

    So that page breaks fall everywhere in a printed reader.  ``details`` adds
    a term, an instructor, a description to each section and a note to each
    reading, so that every part of the layout is printed.
    """
    items = []
    lines = [f'title = "{title}"', 'code = "PDF 100"']
    if details:
        lines += ['term = "Spring 2027"', 'instructor = "Dr. Ada Example"']
    lines += ['style = "apa"', 'libraries = ["library.json"]']
    for s in range(sections):
        lines += ["[[sections]]", f'id = "unit-{s}"', f'title = "Unit {s}: Section heading {s}"']
        if details:
            lines.append(f'description = "What unit {s} is about, in one sentence."')
        for n in range(per_section):
            key = f"work{s:02d}{n:02d}"
            words = " ".join(WORDS[(s + n + i) % len(WORDS)] for i in range(8 + 13 * (n % 6)))
            items.append(
                {
                    "id": key,
                    "type": "book",
                    "title": f"Title {key} on {words[:40]}",
                    "author": [{"family": f"Author{s:02d}{n:02d}", "given": "A."}],
                    "issued": {"date-parts": [[1990 + n]]},
                    "publisher": "Press",
                }
            )
            lines += [
                "[[sections.readings]]",
                f'key = "{key}"',
                f'pages = "{n + 1}-{n + 30}"',
                f'annotation = "Why {key}: {words}."',
            ]
            if details:
                lines.append(f'note = "End {key}."')
            lines.append(f"required = {'true' if n % 3 else 'false'}")
    (folder / "library.json").write_text(json.dumps(items), encoding="utf-8")
    (folder / "course.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "course.toml"


@pytest.fixture(scope="session")
def long_course() -> Callable[..., Path]:
    """:func:`write_long_course`, for the test modules (they cannot import conftest)."""
    return write_long_course

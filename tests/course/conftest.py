"""A small course and library shared by the course-reader tests."""

from __future__ import annotations

import json
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

"""Sections that select their readings: by keyword, by type, by Zotero collection."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from citekit.course.build import build_from_file, load_libraries, select_readings
from citekit.course.model import load_reading_list
from citekit.errors import ParseError

FORMATS = Path(__file__).resolve().parents[1] / "formats"
if str(FORMATS) not in sys.path:
    sys.path.insert(0, str(FORMATS))

import zotero_db  # noqa: E402

ITEMS = [
    {
        "id": "cha2012",
        "type": "book",
        "title": "The Impossible State",
        "keyword": "core, talks",
        "author": [{"family": "Cha", "given": "Victor"}],
        "issued": {"date-parts": [[2012]]},
        "publisher": "Ecco",
    },
    {
        "id": "park2019",
        "type": "article-journal",
        "title": "Summits Without Treaties",
        "keyword": "Talks; sanctions",
        "author": [{"family": "Park", "given": "Ji"}],
        "issued": {"date-parts": [[2019]]},
        "container-title": "Asian Survey",
        "page": "1-20",
    },
    {
        "id": "lee2001",
        "type": "book",
        "title": "A Divided Peninsula",
        "keyword": "history",
        "author": [{"family": "Lee", "given": "Min"}],
        "issued": {"date-parts": [[2001]]},
        "publisher": "Harbor Press",
    },
]


def _course(folder: Path, sections: str) -> Path:
    (folder / "library.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (folder / "course.toml").write_text(
        'title = "Selected"\nstyle = "apa"\nlibraries = ["library.json"]\n' + sections,
        encoding="utf-8",
    )
    return folder / "course.toml"


def _keys(path: Path) -> list[list[tuple[str, bool]]]:
    return [[(e.key, e.required) for e in s.entries] for s in build_from_file(path).sections]


def test_keywords_select_records_case_insensitively(tmp_path: Path) -> None:
    path = _course(tmp_path, '[[sections]]\nid = "w1"\ntitle = "Talks"\nkeywords = ["talks"]\n')
    assert _keys(path) == [[("cha2012", True), ("park2019", True)]]


def test_types_select_and_explicit_readings_come_first(tmp_path: Path) -> None:
    path = _course(
        tmp_path,
        '[[sections]]\nid = "w1"\ntitle = "Books"\ntypes = ["book"]\n'
        'required = false\nreadings = ["park2019", "lee2001"]\n',
    )
    # park2019 and lee2001 as listed (required); cha2012 selected, optional, not lee2001 again.
    assert _keys(path) == [[("park2019", True), ("lee2001", True), ("cha2012", False)]]


def test_keywords_and_types_filter_together(tmp_path: Path) -> None:
    path = _course(
        tmp_path,
        '[[sections]]\nid = "w1"\ntitle = "T"\nkeywords = ["talks"]\ntypes = ["article-journal"]\n',
    )
    assert _keys(path) == [[("park2019", True)]]


def test_a_selection_that_matches_nothing_is_an_empty_section(tmp_path: Path) -> None:
    path = _course(tmp_path, '[[sections]]\nid = "w1"\ntitle = "T"\nkeywords = ["opera"]\n')
    with pytest.raises(ParseError) as info:
        build_from_file(path)
    (problem,) = [d for d in info.value.diagnostics if d.code == "empty-section"]
    assert "selects no records" in problem.message and problem.line == 5


def test_bad_selectors_are_problems_in_the_list(tmp_path: Path) -> None:
    path = _course(
        tmp_path,
        '[[sections]]\nid = "w1"\ntitle = "T"\nkeywords = [1, 2]\ncollection = "POL 240"\n',
    )
    with pytest.raises(ParseError) as info:
        load_reading_list(path)
    assert sorted(d.code for d in info.value.diagnostics) == [
        "bad-keywords",
        "collection-without-zotero",
    ]


def test_a_zotero_collection_is_a_section(tmp_path: Path) -> None:
    zotero_db.build_sample(tmp_path)
    path = _course(
        tmp_path,
        '[[sections]]\nid = "w1"\ntitle = "Week 1"\n'
        'zotero = "zotero.sqlite"\ncollection = "POL 240/Week 1"\n'
        '[[sections]]\nid = "w2"\ntitle = "Own"\nreadings = ["cha2012"]\n',
    )
    reader = build_from_file(path)
    week1 = {e.key for e in reader.sections[0].entries}
    # the collection, its sub-collection "Extra readings" too, as zotero.read_path gives it
    assert week1 == {
        "berg2019sanctions",
        "WorldHealthOrganization2001GlobalHealthReport",
        "cha2010alliances",
    }
    assert {e.key for e in reader.bibliography} == week1 | {"cha2012"}


def test_an_unknown_collection_names_the_section(tmp_path: Path) -> None:
    zotero_db.build_sample(tmp_path)
    path = _course(
        tmp_path,
        '[[sections]]\nid = "w1"\ntitle = "Week 1"\n'
        'zotero = "zotero.sqlite"\ncollection = "POL 999"\n',
    )
    with pytest.raises(ParseError) as info:
        build_from_file(path)
    (problem,) = info.value.diagnostics
    assert problem.code == "bad-zotero" and problem.line == 5
    assert "section 'w1'" in problem.message and "POL 999" in problem.message


def test_a_zotero_database_outside_the_project_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "course"
    project.mkdir()
    (project / ".git").mkdir()
    zotero_db.build_sample(tmp_path)
    path = _course(
        project, '[[sections]]\nid = "w1"\ntitle = "Week 1"\nzotero = "../zotero.sqlite"\n'
    )
    with pytest.raises(ParseError) as info:
        load_reading_list(path)
    (problem,) = info.value.diagnostics
    assert problem.code == "path-outside-project" and "../zotero.sqlite" in problem.message


def test_lists_without_selectors_are_returned_as_they_are(tmp_path: Path) -> None:
    path = _course(tmp_path, '[[sections]]\nid = "w1"\ntitle = "T"\nreadings = ["cha2012"]\n')
    the_list = load_reading_list(path)
    library, _ = load_libraries(the_list.libraries)
    same_list, same_library, found = select_readings(the_list, library)
    assert same_list is the_list and same_library is library and found == []

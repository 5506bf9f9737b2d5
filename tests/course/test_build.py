"""Checks and assembly: every section a bibliography of its own, sorted by the style."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citekit.course.build import (
    BIBLIOGRAPHY_ID,
    Anchors,
    Reader,
    build_from_file,
    build_reader,
    describe_locator,
    load_libraries,
)
from citekit.course.model import load_reading_list, parse_reading_list
from citekit.errors import Diagnostic, ParseError, Severity
from citekit.render.richtext import Rich, Span, plain

REPO = Path(__file__).resolve().parents[2]


def _links(rich: Rich) -> list[str]:
    if not isinstance(rich, Span):
        return []
    found = [rich.link] if rich.link else []
    for child in rich.children:
        found += _links(child)
    return found


def test_sections_keep_the_lists_order_required_first(course_dir: Path) -> None:
    reader = build_from_file(course_dir / "course.toml")
    week1, week2 = reader.sections
    # The list gives Zhou, Baker (optional), Adams: the reading order the instructor meant.
    assert [e.key for e in week1.entries] == ["zhou2019", "adams2001", "baker1998"]
    assert [e.required for e in week1.entries] == [True, True, False]
    assert plain(week1.entries[1].rich).startswith("Adams, R. (2001). Negotiating at Panmunjom")
    assert [e.key for e in week2.entries] == ["adams2001"]
    assert week1.title == "Week 1: The armistice and the missing peace treaty"
    # The consolidated bibliography stays in the style's order.
    assert [e.key for e in reader.bibliography] == ["adams2001", "baker1998", "zhou2019"]


@pytest.mark.parametrize("where", ["list", "section"])
def test_order_style_sorts_by_the_style(course_dir: Path, where: str) -> None:
    path = course_dir / "course.toml"
    text = path.read_text(encoding="utf-8")
    if where == "list":
        text = text.replace('style = "apa"\n', 'style = "apa"\norder = "style"\n')
    else:
        text = text.replace('id = "week-1"\n', 'id = "week-1"\norder = "style"\n')
    path.write_text(text, encoding="utf-8")
    week1 = build_from_file(path).sections[0]
    # apa sorts by author: Adams, Zhou among the required; Baker is optional.
    assert [e.key for e in week1.entries] == ["adams2001", "zhou2019", "baker1998"]


def test_a_bad_order_is_a_problem_in_the_list(course_dir: Path) -> None:
    path = course_dir / "course.toml"
    text = path.read_text(encoding="utf-8").replace(
        'id = "week-2"\n', 'id = "week-2"\norder = "alphabet"\n'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as info:
        load_reading_list(path)
    assert [d.code for d in info.value.diagnostics] == ["bad-order"]


def test_consolidated_bibliography_has_each_work_once(course_dir: Path) -> None:
    reader = build_from_file(course_dir / "course.toml")
    assert [e.key for e in reader.bibliography] == ["adams2001", "baker1998", "zhou2019"]
    assert all(e.annotation is None for e in reader.bibliography)


def test_reading_load_and_pages(course_dir: Path) -> None:
    reader = build_from_file(course_dir / "course.toml")
    week1, week2 = reader.sections
    pages = {e.key: e.pages for e in week1.entries}
    # zhou: 101-110 + 115; adams: ix-xii + 1-20; baker: no locator, the chapter's own 33-60.
    assert pages == {"zhou2019": 11, "adams2001": 24, "baker1998": 28}
    assert (week1.load.required_pages, week1.load.optional_pages) == (35, 28)
    assert week2.load.unknown_required == 1  # chapter 3: not in pages
    assert reader.load.required_pages == 35
    assert week2.entries[0].locator_text == "chap. 3"


def test_course_annotation_overrides_the_record(course_dir: Path) -> None:
    reader = build_from_file(course_dir / "course.toml")
    zhou = next(e for e in reader.sections[0].entries if e.key == "zhou2019")
    assert zhou.annotation is not None and plain(zhou.annotation) == "Read for the chronology."
    adams = next(e for e in reader.sections[0].entries if e.key == "adams2001")
    assert adams.annotation is None and adams.note == "Two copies on reserve."


def test_a_style_that_prints_annote_has_it_lifted_out(course_dir: Path) -> None:
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    text = text.replace('style = "apa"', 'style = "annotated-reading-list"')
    text = text.replace('annotation = "Read for the chronology."', "")
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    reader = build_from_file(course_dir / "course.toml")
    zhou = next(e for e in reader.sections[0].entries if e.key == "zhou2019")
    assert zhou.annotation is not None
    assert plain(zhou.annotation).replace("’", "'") == "The record's own annotation."
    assert "own annotation" not in plain(zhou.rich)
    assert plain(zhou.rich).startswith("Zhou, Lin. 2019.")


def test_dois_and_urls_become_links(course_dir: Path) -> None:
    reader = build_from_file(course_dir / "course.toml")
    by_key = {e.key: e for e in reader.sections[0].entries}
    assert "https://doi.org/10.1234/jks.2019.5" in _links(by_key["zhou2019"].rich)
    assert "https://example.org/panmunjom" in _links(by_key["adams2001"].rich)


def _problems(course_dir: Path, text: str, strict: bool = False) -> list[tuple[str, int | None]]:
    listing = parse_reading_list(text, filename="c.toml", base=course_dir)
    with pytest.raises(ParseError) as caught:
        build_reader(listing, strict=strict)
    return [(d.code, d.line) for d in caught.value.diagnostics if d.severity is not Severity.INFO]


HEAD = 'title = "T"\nstyle = "apa"\nlibraries = ["library.json"]\n'


def test_unknown_key_names_line_and_closest_keys(course_dir: Path) -> None:
    text = HEAD + '[[sections]]\nid = "a"\ntitle = "A"\n[[sections.readings]]\nkey = "zhou2091"\n'
    listing = parse_reading_list(text, filename="c.toml", base=course_dir)
    with pytest.raises(ParseError) as caught:
        build_reader(listing)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.file, diagnostic.line) == ("unknown-key", "c.toml", 8)
    assert "did you mean: zhou2019" in diagnostic.message


def test_missing_fields_and_empty_sections(course_dir: Path) -> None:
    text = HEAD + (
        '[[sections]]\nid = "a"\ntitle = "A"\n[[sections.readings]]\n'
        'key = "untitled"\n[[sections.readings]]\nkey = "anonymous"\n'
        '[[sections]]\nid = "empty"\ntitle = "Nothing"\n'
    )
    assert sorted(_problems(course_dir, text)) == [
        ("empty-section", 12),
        ("missing-field", 8),
        ("missing-field", 10),
    ]


def test_reading_in_two_sections_warns_and_strict_refuses(course_dir: Path) -> None:
    # Week 2 reads chapter 3 of a book week 1 reads pages of: another part, said quietly.
    listing = load_reading_list(course_dir / "course.toml")
    reader = build_reader(listing)
    found = [d for d in reader.diagnostics if d.code == "reading-in-two-sections"]
    assert [(d.severity, d.line, d.key) for d in found] == [(Severity.INFO, 31, "adams2001")]
    assert "another part" in found[0].message
    # The same part twice is most likely a slip: a warning, an error with --strict.
    text = (
        (course_dir / "course.toml")
        .read_text(encoding="utf-8")
        .replace('locator = "3"\nlabel = "chapter"\n', 'pages = "ix-xii, 1-20"\n')
    )
    (course_dir / "course.toml").write_text(text, encoding="utf-8")
    found = [
        d
        for d in build_reader(load_reading_list(course_dir / "course.toml")).diagnostics
        if d.code == "reading-in-two-sections"
    ]
    assert [(d.severity, d.line) for d in found] == [(Severity.WARNING, 31)]
    assert ("reading-in-two-sections", 31) in _problems(course_dir, text, strict=True)


def test_unknown_style_is_an_error_in_the_list(course_dir: Path) -> None:
    text = HEAD.replace('"apa"', '"apaa-nonexistent"') + (
        '[[sections]]\nid = "a"\ntitle = "A"\nreadings = ["zhou2019"]\n'
    )
    assert _problems(course_dir, text) == [("unknown-style", None)]


def test_libraries_merge_and_warn_on_duplicates(course_dir: Path) -> None:
    library, diagnostics = load_libraries(
        [course_dir / "library.json", course_dir / "library.json"]
    )
    assert len(library) == 5
    assert {d.code for d in diagnostics} == {"duplicate-key"}


def test_missing_library_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="library file not found"):
        load_libraries([tmp_path / "nope.bib"])


def test_quotation_records_read_with_their_words_and_source() -> None:
    library, _ = load_libraries([REPO / "references.bib"])
    text = (
        'title = "T"\nlibraries = []\n[[sections]]\nid = "a"\ntitle = "A"\n'
        'readings = ["tillerson2017patience", "raimondo2017trump"]\n'
    )
    reader = build_reader(
        parse_reading_list(text.replace("libraries = []", 'libraries = ["x"]')), library
    )
    entries = {e.key: e for e in reader.sections[0].entries}
    tillerson = entries["tillerson2017patience"]
    # A statement with a known occasion is cited as that occasion, a primary source;
    # its words are in the "Quoted in" line, not standing in as a title.
    assert plain(tillerson.rich) == (
        "Tillerson, Rex. 2017. Joint press conference with South "
        "Korean Foreign Minister Yun Byung-se, Seoul, 17 March."
    )
    assert tillerson.context is not None
    assert plain(tillerson.context) == (
        "Quoted in Raimondo 2017, para. 14: \u201cstrategic patience has come to an end\u201d"
    )
    essay = entries["raimondo2017trump"]
    assert essay.annotation is not None and "14 May 2017" in plain(essay.annotation)
    assert library["tillerson2017patience"].get("title") is None  # the library is untouched


def test_a_statement_without_an_occasion_keeps_its_words_as_title() -> None:
    library, _ = load_libraries([REPO / "references.bib"])
    text = (
        'title = "T"\nlibraries = ["x"]\n[[sections]]\nid = "a"\ntitle = "A"\n'
        'readings = ["mao:foolishruler"]\n'
    )
    (mao,) = build_reader(parse_reading_list(text), library).sections[0].entries
    assert "foolish ruler" in plain(mao.rich)
    assert mao.context is not None and plain(mao.context) == "Quoted in Raimondo 2017, para. 5."


@pytest.mark.parametrize(
    ("locator", "label", "text"),
    [
        ("33-45, 50", "page", "pp. 33–45, 50"),
        ("12", "page", "p. 12"),
        ("5", "paragraph", "para. 5"),
        ("5-8", "paragraph", "paras. 5–8"),
        ("2", "act", "act 2"),
        (None, "page", None),
    ],
)
def test_describe_locator(locator: str | None, label: str, text: str | None) -> None:
    assert describe_locator(locator, label) == text


def test_to_json_summarises_the_reader(course_dir: Path) -> None:
    data = build_from_file(course_dir / "course.toml").to_json()
    assert data["title"] == "Korea 101" and data["style"] == "apa"
    assert [s["id"] for s in data["sections"]] == ["week-1", "week-2"]
    assert data["sections"][0]["load"]["required-pages"] == 35
    assert len(data["bibliography"]) == 3


def test_the_example_course_builds_cleanly() -> None:
    reader = build_from_file(REPO / "examples/us-north-korea-diplomacy/reading-list.toml")
    assert [d for d in reader.diagnostics if d.severity is not Severity.INFO] == []
    assert len(reader.sections) == 4
    keys = {e.key for s in reader.sections for e in s.entries}
    assert keys == {e.key for e in reader.bibliography}
    assert "raimondo2017trump" in keys and "tillerson2017patience" in keys
    # A syllabus: the list's reading order, loads in paragraphs where the list gives them,
    # no load at all for the books (no pages known), statements cited as their occasions.
    assert [[e.key for e in s.entries] for s in reader.sections] == [
        ["raimondo2017trump"],
        ["raimondo2017trump"],
        ["trump2017meet", "tillerson2017patience", "raimondo2017trump"],
        ["raimondo2008reclaiming", "raimondo1993reclaiming", "raimondo2000enemy"],
    ]
    assert [s.load.describe() for s in reader.sections] == [
        "16 paragraphs required",
        "5 paragraphs required",
        "5 paragraphs required",
        "",
    ]
    titles = [plain(e.rich) for e in reader.bibliography]
    assert not any("n.d." in t for t in titles)
    assert titles[-1].startswith("Trump, Donald. 2017. Interview with Bloomberg News")


def test_json_text_carries_no_markup_tags(course_dir: Path) -> None:
    items = json.loads((course_dir / "library.json").read_text(encoding="utf-8"))
    items[0]["author"][0]["suffix"] = "<i>Jr.</i>"
    items[0]["annote"] = "An <b>annotation</b> <script>x</script>"
    (course_dir / "library.json").write_text(json.dumps(items), encoding="utf-8")
    text = (course_dir / "course.toml").read_text(encoding="utf-8")
    (course_dir / "course.toml").write_text(
        text.replace('annotation = "Read for the chronology."\n', ""), encoding="utf-8"
    )
    data = build_from_file(course_dir / "course.toml").to_json()
    entry = next(e for e in data["sections"][0]["entries"] if e["id"] == "zhou2019")
    assert "Jr." in entry["text"] and "<" not in entry["text"]
    assert entry["annotation"] == "An annotation x"
    assert all("<" not in e["text"] for e in data["bibliography"])


def test_a_locator_is_said_once_when_the_quoted_in_line_names_it() -> None:
    library, _ = load_libraries([REPO / "references.bib"])
    text = (
        'title = "T"\nlibraries = ["x"]\n[[sections]]\nid = "a"\ntitle = "A"\n'
        'readings = [{ key = "moon2017unitedstates", locator = "12", label = "paragraph" },'
        ' { key = "tillerson2017patience", locator = "13", label = "paragraph" }]\n'
    )
    moon, tillerson = build_reader(parse_reading_list(text), library).sections[0].entries
    assert moon.context is not None
    assert plain(moon.context) == "Quoted in Raimondo 2017, para. 12."
    assert moon.locator_text is None  # not "Read: para. 12" as well
    assert (moon.amount, moon.unit) == (1, "paragraph")  # still counted
    assert tillerson.locator_text == "para. 13"  # another place: both are said


def test_minutes_page_counts_and_paragraph_ranges_make_the_load(tmp_path: Path) -> None:
    (tmp_path / "library.json").write_text(
        json.dumps(
            [
                {
                    "id": "talk",
                    "type": "speech",
                    "title": "A Talk",
                    "issued": {"date-parts": [[2020]]},
                    "author": [{"family": "Ko", "given": "A."}],
                },
                {
                    "id": "web",
                    "type": "webpage",
                    "title": "A Page",
                    "issued": {"date-parts": [[2021]]},
                    "author": [{"family": "Yu", "given": "B."}],
                },
                {
                    "id": "book",
                    "type": "book",
                    "title": "A Book",
                    "issued": {"date-parts": [[2001]]},
                    "author": [{"family": "Im", "given": "C."}],
                },
            ]
        ),
        encoding="utf-8",
    )
    (tmp_path / "c.toml").write_text(
        'title = "T"\nlibraries = ["library.json"]\n[[sections]]\nid = "a"\ntitle = "A"\n'
        'readings = [{ key = "talk", minutes = 25 },'
        ' { key = "web", locator = "1-16", label = "paragraph" },'
        ' { key = "book", page_count = 40, required = false }]\n',
        encoding="utf-8",
    )
    section = build_from_file(tmp_path / "c.toml").sections[0]
    assert [(e.amount, e.unit) for e in section.entries] == [
        (25, "minute"),
        (16, "paragraph"),
        (40, "page"),
    ]
    assert section.load.describe() == (
        "40 pages optional; 16 paragraphs required; 25 minutes required"
    )
    assert section.entries[1].amount_text == "16 paragraphs"


@pytest.mark.parametrize("value", ["0", "-3", '"ten"', "true"])
def test_minutes_must_be_a_positive_whole_number(value: str) -> None:
    text = (
        'title = "T"\nlibraries = ["x"]\n[[sections]]\nid = "a"\ntitle = "A"\n'
        f'[[sections.readings]]\nkey = "k"\nminutes = {value}\n'
    )
    with pytest.raises(ParseError) as info:
        parse_reading_list(text)
    (problem,) = info.value.diagnostics
    assert problem.code == "bad-minutes" and problem.line == 7


def _built(text: str) -> Reader:
    library, _ = load_libraries([REPO / "references.bib"])
    return build_reader(parse_reading_list('title = "T"\nlibraries = ["x"]\n' + text), library)


def test_a_numeric_quoted_in_line_carries_the_readers_number() -> None:
    reader = _built(
        'style = "ieee"\n[[sections]]\nid = "a"\ntitle = "A"\n'
        'readings = ["raimondo2000enemy", "tillerson2017patience", "raimondo2017trump"]\n'
    )
    numbers = [plain(e.rich).split("]")[0] + "]" for e in reader.bibliography]
    quoting = numbers[[e.key for e in reader.bibliography].index("raimondo2017trump")]
    tillerson = {e.key: e for e in reader.sections[0].entries}["tillerson2017patience"]
    assert tillerson.context is not None
    # ieee capitalises a non-page label in a citation ("[3, Para. 14]"), as citekit cite does
    assert plain(tillerson.context).startswith(f"Quoted in {quoting[:-1]}, Para. 14]")


def test_a_note_styles_quoted_in_line_has_no_stop_before_the_colon() -> None:
    reader = _built(
        'style = "chicago-notes-bibliography"\n[[sections]]\nid = "a"\ntitle = "A"\n'
        'readings = ["trump2017honored"]\n'
    )
    (trump,) = reader.sections[0].entries
    assert trump.context is not None
    assert plain(trump.context).endswith("para. 7: \u201chonored\u201d")


def test_a_reading_the_style_cannot_print_is_an_error_at_its_line(course_dir: Path) -> None:
    text = (
        'title = "T"\nstyle = "chicago-notes-bibliography"\nlibraries = ["library.json"]\n'
        '[[sections]]\nid = "a"\ntitle = "A"\nreadings = ["adams2001", "nodate"]\n'
    )
    library = json.loads((course_dir / "library.json").read_text(encoding="utf-8"))
    library.append({"id": "nodate", "type": "document", "title": "A thing without a date"})
    (course_dir / "library.json").write_text(json.dumps(library), encoding="utf-8")
    blank = [d for d in _diagnostics(course_dir, text) if d.code == "no-printed-form"]
    assert [(d.key, d.line, d.file) for d in blank] == [("nodate", 7, "c.toml")]
    assert all(d.severity is Severity.ERROR for d in blank)


def _diagnostics(course_dir: Path, text: str) -> list[Diagnostic]:
    listing = parse_reading_list(text, filename="c.toml", base=course_dir)
    with pytest.raises(ParseError) as caught:
        build_reader(listing)
    return caught.value.diagnostics


def test_link_targets_are_unique(tmp_path: Path) -> None:
    items = [
        {"id": key, "type": "book", "title": key, "issued": {"date-parts": [[2020]]}}
        for key in ("doe:2020", "doe-2020")
    ]
    (tmp_path / "library.json").write_text(json.dumps(items), encoding="utf-8")
    (tmp_path / "c.toml").write_text(
        'title = "T"\nlibraries = ["library.json"]\n[[sections]]\nid = "bibliography"\n'
        'title = "A"\nreadings = ["doe:2020", "doe-2020"]\n',
        encoding="utf-8",
    )
    reader = build_from_file(tmp_path / "c.toml")
    anchors = Anchors(reader)
    ids = [anchors.section("bibliography")]
    ids += [anchors.entry("bibliography", e.key) for e in reader.sections[0].entries]
    ids += [anchors.bibliography_entry(e.key) for e in reader.bibliography]
    assert len(set(ids)) == len(ids) == 5
    assert BIBLIOGRAPHY_ID not in ids  # the consolidated bibliography keeps its own
    assert anchors.bibliography_entry("doe:2020") == "bibliography--doe-2020"


def test_annotations_link_their_urls_whatever_the_style(course_dir: Path) -> None:
    for style in ("apa", "annotated-reading-list"):
        text = (
            f'title = "T"\nstyle = "{style}"\nlibraries = ["library.json"]\n[[sections]]\n'
            'id = "a"\ntitle = "A"\n[[sections.readings]]\nkey = "adams2001"\n'
            'annotation = "See https://example.org/notes for more."\n'
        )
        reader = build_reader(parse_reading_list(text, base=course_dir))
        (adams,) = reader.sections[0].entries
        assert adams.annotation is not None
        assert _links(adams.annotation) == ["https://example.org/notes"], style

""" "Quoted in" citations of quotation records (citekit.render.quoted through render()).

Expected strings are worked out from the style rules: the statement's own
citation as the style gives it, ", quoted in " (or the locale's term, or the
style family's words: tests/render/quoted/test_forms.py), then
the quoting work's citation with the record's quoted-in locator, inside one
layout prefix and suffix.  The library is the repository's references.bib
(Raimondo's essay and the statements it quotes) plus Chicago's own example
(CMOS 17th ed., 14.260: Zukofsky quoted in Costello).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from citekit.formats import read
from citekit.model.records import Library
from citekit.render import (
    CiteItem,
    Cluster,
    available_engines,
    bibliography,
    get_engine,
    render,
)
from citekit.render.api import engine_item
from citekit.render.marks import ALL_MARKS, DISPLAY_MARKS
from citekit.render.quoted import (
    CLOSE_MARK,
    OPEN_MARK,
    CitationLayout,
    EngineRun,
    LocaleWords,
    QuotedInPass,
    assemble,
    builtin_term,
    citation_layout,
    expand,
    glue,
    locale_words,
    marked_style,
    quotation_chain,
    quoting_closure,
    render_pieces,
    trim_dangling,
)
from citekit.render.quoted import passes as quoted_pass_module
from citekit.render.richtext import Rich, Span, Text, plain
from citekit.render.types import CITATION_AFFIXES, supports
from citekit.styles.catalog import Style, find_style, locale_loader

ENGINES = available_engines()
ESSAY = "raimondo2017trump"
WORKS = ["raimondo1993reclaiming", "raimondo2000enemy", "raimondo2008reclaiming", ESSAY]

CHICAGO_EXAMPLE = [
    {
        "id": "costello1981",
        "type": "book",
        "author": [{"family": "Costello", "given": "Bonnie"}],
        "title": "Marianne Moore: Imaginary Possessions",
        "publisher": "Harvard University Press",
        "publisher-place": "Cambridge, MA",
        "issued": {"date-parts": [[1981]]},
    },
    {
        "id": "zukofsky1931",
        "type": "article-journal",
        "author": [{"family": "Zukofsky", "given": "Louis"}],
        "title": "Sincerity and Objectification",
        "container-title": "Poetry",
        "volume": "37",
        "issued": {"date-parts": [[1931, 2]]},
        "custom": {
            "quotation": "An Objective",
            "quoted-in": "costello1981",
            "quoted-in-locator": "78",
            "quoted-in-label": "page",
        },
    },
]

# A style of our own whose locale names a "quoted in" term: it must win.
TERM_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"
       default-locale="en-US">
  <info><title>Quoted-in term test</title><id>http://example.org/quoted-in-term</id>
    <updated>2026-01-01T00:00:00+00:00</updated></info>
  <locale xml:lang="en"><terms><term name="quoted in">as cited in</term></terms></locale>
  <citation>
    <layout prefix="[" suffix="]" delimiter="; ">
      <group delimiter=" ">
        <names variable="author"><name form="short"/></names>
        <date variable="issued"><date-part name="year"/></date>
      </group>
      <group prefix=", " delimiter=" ">
        <label variable="locator" form="short"/><text variable="locator"/>
      </group>
    </layout>
  </citation>
  <bibliography><layout><names variable="author"><name/></names>
    <text variable="title" prefix=". "/></layout></bibliography>
</style>"""


@pytest.fixture(scope="module")
def essay_library() -> Library:
    return read(Path(__file__).resolve().parents[3] / "references.bib").library


@pytest.fixture
def chicago_example() -> Library:
    return Library.from_json(CHICAGO_EXAMPLE)


# citeproc-py prints a stray "Edition"/"edition" term in Chicago notes for magazine
# articles and interviews without an edition: its bug, not the "quoted in" join's.
CITEPROC_PY_EDITION_BUG = pytest.mark.xfail(
    strict=True, reason="citeproc-py prints a stray 'edition' term in Chicago notes"
)


def one(key: str, note: int | None = None, **options: object) -> Cluster:
    return Cluster((CiteItem(key, **options),), note_number=note)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# The four styles, on the repository's own records
# ---------------------------------------------------------------------------

TILLERSON_NOTE = (
    "Rex Tillerson, Joint press conference with South Korean Foreign Minister Yun Byung-se, "
    "Seoul, March 17, 2017, quoted in Justin Raimondo, “Trump Should Meet with Kim Jong-un,” "
    "Antiwar.com, May 2017, para. 14."
)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("chicago-notes-bibliography", TILLERSON_NOTE),
        ("chicago-author-date", "(Tillerson 2017, quoted in Raimondo 2017, para. 14)"),
        # APA 7th 8.6 and MLA 9th 6.77 word it their own way (tests/render/quoted/test_forms.py)
        ("apa", "(Tillerson, 2017, as cited in Raimondo, 2017, para. 14)"),
        (
            "modern-language-association",
            "(qtd. in Raimondo, “Trump Should Meet with Kim Jong-un,” par. 14)",
        ),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_quotation_cites_as_quoted_in_in_four_styles(
    request: pytest.FixtureRequest, essay_library: Library, style: str, expected: str, engine: str
) -> None:
    if engine == "citeproc-py" and style == "chicago-notes-bibliography":
        request.applymarker(CITEPROC_PY_EDITION_BUG)
    result = render(
        essay_library,
        style,
        citations=[one("tillerson2017patience", 1)],
        bibliography=False,
        engine=engine,
    )
    assert result.citations == [expected]
    assert result.warnings == []


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        # the Bloomberg News interview was published: a recoverable source, cited by
        # author and year in both author-date styles
        ("chicago-author-date", "(Trump 2017, quoted in Raimondo 2017, para. 8)"),
        ("apa", "(Trump, 2017, as cited in Raimondo, 2017, para. 8)"),
    ],
)
def test_a_published_interview_cites_by_author_and_year(
    essay_library: Library, style: str, expected: str
) -> None:
    result = render(essay_library, style, citations=[one("trump2017meet")], bibliography=False)
    assert result.citations == [expected]


UNPUBLISHED_INTERVIEW = [
    CHICAGO_EXAMPLE[0],
    {
        "id": "smith1990",
        "type": "interview",
        "author": [{"family": "Smith", "given": "Ann"}],
        "event-title": "Interview with the author",
        "event-place": "Boston",
        "issued": {"date-parts": [[1990, 5, 1]]},
        "custom": {
            "quotation": "words",
            "quoted-in": "costello1981",
            "quoted-in-locator": "78",
            "quoted-in-label": "page",
        },
    },
]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        # Chicago cites interviews that were not published in full in the text
        (
            "chicago-author-date",
            "(Ann Smith, Interview with the author, Boston, May 1, 1990, "
            "quoted in Costello 1981, 78)",
        ),
        # APA cites an unpublished interview the author held as a personal communication
        (
            "apa",
            "(A. Smith, personal communication, May 1, 1990, as cited in Costello, 1981, p. 78)",
        ),
    ],
)
def test_unpublished_interviews_keep_the_styles_own_form(style: str, expected: str) -> None:
    library = Library.from_json(UNPUBLISHED_INTERVIEW)
    result = render(library, style, citations=[one("smith1990")], bibliography=False)
    assert result.citations == [expected]


@pytest.mark.parametrize("engine", ENGINES)
def test_author_date_form_agrees_across_engines(essay_library: Library, engine: str) -> None:
    result = render(
        essay_library,
        "chicago-author-date",
        engine=engine,
        bibliography=False,
        citations=[one("tillerson2017patience"), one("moon2017sayno")],
    )
    assert result.citations[0] == "(Tillerson 2017, quoted in Raimondo 2017, para. 14)"
    assert result.citations[1].endswith(", quoted in Raimondo 2017, para. 14)")


def test_other_cites_in_the_cluster_render_normally(essay_library: Library) -> None:
    cluster = Cluster(
        (
            CiteItem("raimondo2000enemy", locator="12"),
            CiteItem("tillerson2017patience", prefix="see "),
            CiteItem("raimondo2008reclaiming"),
        )
    )
    result = render(essay_library, "chicago-author-date", citations=[cluster], bibliography=False)
    assert result.citations == [
        "(Raimondo 2000, 12; see Tillerson 2017, quoted in Raimondo 2017, para. 14; "
        "Raimondo [1993] 2008)"
    ]


def test_unknown_keys_beside_a_quotation(essay_library: Library) -> None:
    cluster = Cluster((CiteItem("tillerson2017patience"), CiteItem("nosuchkey")))
    result = render(essay_library, "apa", citations=[cluster], bibliography=False)
    assert result.citations == [
        "(Tillerson, 2017, as cited in Raimondo, 2017, para. 14); [unknown: nosuchkey]"
    ]
    assert result.unknown_keys == ["nosuchkey"]


# ---------------------------------------------------------------------------
# Chicago's example and the locator rule
# ---------------------------------------------------------------------------

COSTELLO_FULL = (
    "Bonnie Costello, Marianne Moore: Imaginary Possessions (Harvard University Press, 1981), 78."
)


@pytest.mark.parametrize("engine", ENGINES)
def test_chicago_example_in_notes(chicago_example: Library, engine: str) -> None:
    # The cite's "p. 269" is the article's page: the record has its own quoted-in locator.
    citations = [
        one("zukofsky1931", 1, locator="269", label="page"),
        one("zukofsky1931", 2),
        one("costello1981", 3, locator="80", label="page"),
    ]
    result = render(
        chicago_example, "chicago-notes-bibliography", engine=engine, citations=citations
    )
    assert result.citations[0] == (
        "Louis Zukofsky, “Sincerity and Objectification,” Poetry 37 (February 1931): 269, "
        "quoted in " + COSTELLO_FULL
    )
    # second notes: short forms, the comma inside the closing quotation mark (en-US)
    assert result.citations[1].startswith("Zukofsky, “Sincerity and Objectification,”")
    assert result.citations[1].endswith(
        " quoted in Costello, Marianne Moore: Imaginary Possessions, 78."
    )
    # the note before cites two works: a short form, never "Ibid."
    assert result.citations[2] == "Costello, Marianne Moore: Imaginary Possessions, 80."
    assert result.bibliography_ids == ["costello1981"]


@pytest.mark.parametrize("engine", ENGINES)
def test_chicago_example_author_date_and_apa(chicago_example: Library, engine: str) -> None:
    cited = [one("zukofsky1931", locator="269", label="page")]
    assert render(
        chicago_example, "chicago-author-date", engine=engine, citations=cited, bibliography=False
    ).citations == ["(Zukofsky 1931, 269, quoted in Costello 1981, 78)"]
    assert render(
        chicago_example, "apa", engine=engine, citations=cited, bibliography=False
    ).citations == ["(Zukofsky, 1931, p. 269, as cited in Costello, 1981, p. 78)"]


def test_cite_locator_goes_to_the_quoting_work_when_the_record_has_none() -> None:
    data = [
        dict(CHICAGO_EXAMPLE[0]),
        {
            **CHICAGO_EXAMPLE[1],
            "custom": {"quotation": "An Objective", "quoted-in": "costello1981"},
        },
    ]
    library = Library.from_json(data)
    result = render(
        library,
        "chicago-author-date",
        bibliography=False,
        citations=[one("zukofsky1931", locator="33", label="page")],
    )
    assert result.citations == ["(Zukofsky 1931, quoted in Costello 1981, 33)"]


def test_chain_items_carry_prefix_suffix_and_locators(chicago_example: Library) -> None:
    item = CiteItem(
        "zukofsky1931",
        locator="269",
        label="page",
        prefix="see",
        suffix="for the term",
        suppress_author=True,
    )
    chain = quotation_chain(item, chicago_example)
    assert chain == [
        CiteItem("zukofsky1931", locator="269", label="page", prefix="see", suppress_author=True),
        CiteItem("costello1981", locator="78", label="page", suffix="for the term"),
    ]
    assert quotation_chain(CiteItem("costello1981"), chicago_example) is None
    assert quotation_chain(CiteItem("zukofsky1931", author_only=True), chicago_example) is None


def test_a_quoting_work_that_is_itself_quoted_is_followed() -> None:
    library = Library.from_json(
        [
            *CHICAGO_EXAMPLE,
            {
                "id": "later",
                "type": "speech",
                "author": [{"family": "Later", "given": "Lee"}],
                "issued": {"date-parts": [[1990]]},
                "custom": {"quotation": "Objective", "quoted-in": "zukofsky1931"},
            },
        ]
    )
    result = render(library, "chicago-author-date", bibliography_keys=[], citations=[one("later")])
    assert result.citations == [
        "(Later 1990, quoted in Zukofsky 1931, quoted in Costello 1981, 78)"
    ]
    assert result.bibliography_ids == ["costello1981"]
    assert quoting_closure(library, ["later"]) == ["later", "zukofsky1931", "costello1981"]


def test_a_cycle_stops_with_a_warning() -> None:
    library = Library.from_json(
        [
            {
                "id": "a",
                "type": "speech",
                "author": [{"family": "Ames"}],
                "issued": {"date-parts": [[2001]]},
                "custom": {"quotation": "x", "quoted-in": "b"},
            },
            {
                "id": "b",
                "type": "speech",
                "author": [{"family": "Bell"}],
                "issued": {"date-parts": [[2002]]},
                "custom": {"quotation": "y", "quoted-in": "a"},
            },
        ]
    )
    result = render(
        library, "chicago-author-date", citations=[one("a"), one("a")], bibliography=False
    )
    assert result.citations == ["(Ames 2001, quoted in Bell 2002)"] * 2
    assert [w for w in result.warnings if "comes back" in w] == [
        "quotation 'b': quoted-in 'a' comes back to a record already in the chain; "
        "the chain stops there"
    ]


def test_a_label_that_is_not_a_csl_label_falls_back_to_page(chicago_example: Library) -> None:
    record = chicago_example["zukofsky1931"]
    record["custom"] = {**record["custom"], "quoted-in-label": "leaf"}
    result = render(chicago_example, "apa", citations=[one("zukofsky1931")], bibliography=False)
    assert result.citations == ["(Zukofsky, 1931, as cited in Costello, 1981, p. 78)"]
    assert (
        "quotation 'zukofsky1931': quoted-in-label 'leaf' is not a CSL locator label; "
        "used 'page'" in result.warnings
    )


def test_a_dangling_quoted_in_cites_the_record_alone() -> None:
    library = Library.from_json(
        [{**CHICAGO_EXAMPLE[1], "custom": {"quotation": "An Objective", "quoted-in": "missing"}}]
    )
    result = render(library, "chicago-author-date", citations=[one("zukofsky1931")])
    assert result.citations == ["(Zukofsky 1931)"]
    assert result.bibliography_ids == ["zukofsky1931"]


# ---------------------------------------------------------------------------
# Positions in a note style
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_second_quoted_in_of_the_same_essay_is_short(
    request: pytest.FixtureRequest, essay_library: Library, engine: str
) -> None:
    if engine == "citeproc-py":
        request.applymarker(CITEPROC_PY_EDITION_BUG)
    citations = [
        one("tillerson2017patience", 1),
        one("moon2017sayno", 2),
        one(ESSAY, 3, locator="3", label="paragraph"),
    ]
    result = render(
        essay_library,
        "chicago-notes-bibliography",
        engine=engine,
        citations=citations,
        bibliography=False,
    )
    title = result.citations[0].split("quoted in Justin Raimondo, ")[1].split(",”")[0]
    assert result.citations[0].startswith("Rex Tillerson, Joint press conference")
    assert result.citations[1].startswith("Moon Jae-in, ")
    assert result.citations[1].endswith(f", quoted in Raimondo, {title},” para. 14.")
    assert result.citations[2] == f"Raimondo, {title},” para. 3."


@pytest.mark.parametrize("engine", ENGINES)
def test_no_ibid_after_a_note_citing_two_works(essay_library: Library, engine: str) -> None:
    # OSCOLA uses ibid: the note after "A, quoted in B" cites B in its short form,
    # and only a note after a note citing B alone is "ibid".
    citations = [
        one("tillerson2017patience", 1),
        one(ESSAY, 2, locator="3", label="paragraph"),
        one(ESSAY, 3, locator="3", label="paragraph"),
    ]
    result = render(essay_library, "oscola", engine=engine, citations=citations, bibliography=False)
    # OSCOLA cites a magazine article as '[year] Journal', then the pinpoint
    assert (
        ", quoted in Justin Raimondo, ‘Trump Should Meet with Kim Jong-un’ [2017] "
        "Antiwar.com para 14." in result.citations[0]
    )
    assert result.citations[1].startswith("Raimondo")
    assert result.citations[2].lower().startswith("ibid")


def test_positions_without_note_numbers(essay_library: Library) -> None:
    result = render(
        essay_library,
        "chicago-notes-bibliography",
        bibliography=False,
        citations=[one("tillerson2017patience"), one(ESSAY)],
    )
    assert result.citations[0] == TILLERSON_NOTE
    assert result.citations[1] == "Raimondo, “Trump Should Meet with Kim Jong-un.”"


# ---------------------------------------------------------------------------
# Terms and locales
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("locale", "term"),
    [
        ("de-DE", "zitiert in"),
        ("fr-FR", "cité dans"),
        ("es-ES", "citado en"),
        ("de-AT", "zitiert in"),
        ("en-GB", "quoted in"),
    ],
)
def test_locale_chooses_the_term(
    chicago_example: Library, engine: str, locale: str, term: str
) -> None:
    result = render(
        chicago_example,
        "chicago-author-date",
        engine=engine,
        locale=locale,
        citations=[one("zukofsky1931")],
        bibliography=False,
    )
    assert result.citations == [f"(Zukofsky 1931, {term} Costello 1981, 78)"]


def test_builtin_terms_fall_back_to_language_then_english() -> None:
    assert builtin_term("es-MX") == "citado en"
    assert builtin_term("fr") == "cité dans"
    assert builtin_term("ja-JP") == "quoted in"


def test_style_locale_term_wins(chicago_example: Library) -> None:
    style = Style.from_xml(TERM_STYLE)
    result = render(
        chicago_example,
        style,
        engine="citekit",
        bibliography=False,
        citations=[one("zukofsky1931")],
    )
    assert result.citations == ["[Zukofsky 1931, as cited in Costello 1981, p. 78]"]


def test_locale_file_term_wins_over_builtin() -> None:
    style = find_style("apa").xml
    locale_xml = b"""<?xml version="1.0" encoding="utf-8"?>
<locale xmlns="http://purl.org/net/xbiblio/csl" version="1.0" xml:lang="xx-XX">
  <style-options punctuation-in-quote="true"/>
  <terms><term name="quoted in">zit. n.</term></terms>
</locale>"""
    words = locale_words(style, "xx-XX", lambda tag: locale_xml if tag == "xx-XX" else None)
    assert (words.quoted_in, words.punctuation_in_quote) == ("zit. n.", True)
    german = locale_words(style, "de-DE", locale_loader)
    assert (german.quoted_in, german.punctuation_in_quote) == ("zitiert in", False)


# ---------------------------------------------------------------------------
# Bibliographies
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_whole_library_leaves_quotations_out(essay_library: Library, engine: str) -> None:
    result = render(essay_library, "apa", engine=engine)
    assert sorted(result.bibliography_ids) == sorted(WORKS)
    assert result.warnings == []


def test_include_quotations_lists_them(essay_library: Library) -> None:
    result = render(essay_library, "modern-language-association", include_quotations=True)
    assert len(result.bibliography) == len(essay_library)
    assert "Tillerson, Rex. Joint press conference" in "\n".join(result.bibliography_texts)
    entries = bibliography(essay_library, "modern-language-association", include_quotations=True)
    assert entries == result.bibliography_texts


def test_cited_quotation_lists_the_quoting_work(essay_library: Library) -> None:
    result = render(
        essay_library,
        "chicago-author-date",
        bibliography_keys=[],
        citations=[one("tillerson2017patience")],
    )
    assert result.bibliography_texts == [
        "Raimondo, Justin. 2017. “Trump Should Meet with Kim Jong-un.” Antiwar.com, May."
    ]
    both = render(
        essay_library,
        "chicago-author-date",
        bibliography_keys=[],
        citations=[one("tillerson2017patience")],
        include_quotations=True,
    )
    assert both.bibliography_ids == [ESSAY, "tillerson2017patience"]


def test_author_only_cite_still_lists_the_quoting_work(essay_library: Library) -> None:
    result = render(
        essay_library,
        "chicago-author-date",
        bibliography_keys=[],
        citations=[one("tillerson2017patience", author_only=True)],
    )
    assert result.citations == ["(Tillerson)"]  # the name only: no "quoted in"
    assert result.bibliography_ids == [ESSAY]


def test_named_quotation_keys_are_listed(essay_library: Library) -> None:
    result = render(
        essay_library, "chicago-author-date", bibliography_keys=["tillerson2017patience"]
    )
    assert result.bibliography_ids == ["tillerson2017patience"]


def test_numeric_styles_keep_cited_quotations(chicago_example: Library) -> None:
    result = render(chicago_example, "ieee", bibliography_keys=[], citations=[one("zukofsky1931")])
    assert result.citations == ["[1], quoted in [2, p. 78]"]
    assert result.bibliography_ids == ["zukofsky1931", "costello1981"]


# ---------------------------------------------------------------------------
# Output formats and the pieces
# ---------------------------------------------------------------------------


def test_html_keeps_formatting(essay_library: Library) -> None:
    result = render(
        essay_library,
        "chicago-notes-bibliography",
        output="html",
        citations=[one("tillerson2017patience", 1)],
        bibliography=False,
    )
    assert result.citations == [TILLERSON_NOTE.replace("Antiwar.com", "<i>Antiwar.com</i>")]


def test_latex_escapes_through_the_tree(chicago_example: Library) -> None:
    result = render(
        chicago_example,
        "chicago-notes-bibliography",
        output="latex",
        citations=[one("zukofsky1931", 1)],
        bibliography=False,
    )
    assert result.citations[0].endswith(
        "quoted in Bonnie Costello, \\emph{Marianne Moore: Imaginary Possessions} "
        "(Harvard University Press, 1981), 78."
    )


def test_clusters_without_quotations_pass_through(essay_library: Library) -> None:
    clusters = [one(ESSAY), one("raimondo2000enemy", 4)]
    expansion = expand(essay_library, clusters)
    assert expansion.stream == tuple(clusters)
    assert not expansion.expanded


def test_expansion_shares_the_note_and_adds_a_hidden_cluster(essay_library: Library) -> None:
    cluster = Cluster((CiteItem("raimondo2000enemy"), CiteItem("tillerson2017patience")))
    expansion = expand(essay_library, [one(ESSAY, 7), cluster])
    assert [c.note_number for c in expansion.stream] == [7, 2, 2, 2, 2]
    assert [[i.id for i in c.items] for c in expansion.stream[1:]] == [
        ["raimondo2000enemy"],
        ["tillerson2017patience"],
        [ESSAY],
        ["raimondo2000enemy", "tillerson2017patience", ESSAY],
    ]
    assert expansion.shapes == (0, ((1,), (2, 3)))
    assert expansion.quotations == {"tillerson2017patience"}


def test_layout_and_markers() -> None:
    assert citation_layout(find_style("chicago-author-date").xml) == CitationLayout(
        "(", ")", "; ", numeric=False
    )
    assert citation_layout(find_style("ieee").xml).numeric
    marked = marked_style(find_style("apa").xml)
    assert f'prefix="{OPEN_MARK}"' in marked.decode()
    assert f'suffix="{CLOSE_MARK}"' in marked.decode()


def test_quoted_marks_are_not_display_marks() -> None:
    # They shared U+E000/E001, so citeproc-py turned the quoted-in markers
    # into left-margin blocks and every piece lost its punctuation.
    assert len(set(ALL_MARKS)) == len(ALL_MARKS)
    display = {mark for pair in DISPLAY_MARKS.values() for mark in pair}
    assert not {OPEN_MARK, CLOSE_MARK} & display


SPEECH_QUOTED = [
    CHICAGO_EXAMPLE[0],
    {
        "id": "speech",
        "type": "speech",
        "author": [{"family": "Zukofsky", "given": "Louis"}],
        "title": "An Objective",
        "event-place": "New York",
        "custom": {"quoted-in": "costello1981", "quoted-in-locator": "78"},
    },
]


@pytest.mark.parametrize("engine", ENGINES)
def test_undated_statement_keeps_the_full_stop_of_nd(engine: str) -> None:
    # The engine merges the layout suffix "." into "n.d."; only the markers
    # show where the piece ends, so cutting the suffix off as text lost it.
    result = render(
        Library.from_json(SPEECH_QUOTED),
        "chicago-notes-bibliography",
        citations=[Cluster((CiteItem("speech"),), note_number=1)],
        engine=engine,
        bibliography=False,
    )
    assert result.citations[0].startswith("Louis Zukofsky, “An Objective,” n.d., quoted in ")
    assert not [w for w in result.warnings if "markers" in w]


def test_lost_markers_are_a_warning() -> None:
    layout = CitationLayout("(", ")")
    expansion = expand(Library.from_json(SPEECH_QUOTED), [one("speech")])
    pieces: list[Rich | None] = [
        Text("(Zukofsky, n.d.)"),
        Text("(Costello, 1981, p. 78)"),
        Text("(Zukofsky, n.d.; Costello, 1981, p. 78)"),
    ]
    warnings: list[str] = []
    lost: list[Rich | None] = [None] * len(pieces)  # no piece survived the bare run
    trees = assemble(expansion, pieces, lost, layout, LocaleWords(), warnings)
    assert [plain(t) for t in trees if t is not None] == [
        "(Zukofsky, n.d., quoted in Costello, 1981, p. 78)"
    ]
    assert len(warnings) == 1 and "lost the markers" in warnings[0]


@pytest.mark.parametrize("style", ["acta-physica-sinica", "ieee"])
def test_numbers_printed_through_a_macro_make_a_numeric_style(style: str) -> None:
    # acta-physica-sinica prints citation-number from a macro; the quotation's
    # number [1] must point at a bibliography entry.
    assert citation_layout(find_style(style).xml).numeric
    result = render(Library.from_json(CHICAGO_EXAMPLE), style, citations=[one("zukofsky1931")])
    assert result.bibliography_ids == ["zukofsky1931", "costello1981"]
    assert result.bibliography_texts[0].startswith("[1]")


def _glued(head: list[Rich], text: str, piq: bool) -> str:
    glue(head, text, piq)
    return "".join(plain(node) for node in head)


@pytest.mark.parametrize(
    ("head", "text", "piq", "expected"),
    [
        ("Kim Jong-un.”", ".", True, "Kim Jong-un.”"),
        ("Kim Jong-un”", ", quoted in ", True, "Kim Jong-un,” quoted in "),
        ("Kim Jong-un”", ", quoted in ", False, "Kim Jong-un”, quoted in "),
        ("Washington, D.C.", ".", False, "Washington, D.C."),
        ("Washington, D.C.", ", quoted in ", False, "Washington, D.C., quoted in "),
        ("Why?", ".", False, "Why?"),
        ("Raimondo 2017", ")", False, "Raimondo 2017)"),
        # The engine's table (csl.output.merge_punctuation): the second mark goes.
        ("Title:", ".", False, "Title:"),
        ("Title;", ".", False, "Title;"),
        ("Why?", ":", False, "Why?"),
        ("Wow!", "; ", False, "Wow!; "),
        ("Why?", "?", False, "Why?"),
        # ... or replaces the first.
        ("Title:", "? ", False, "Title? "),
        ("“Why?”", ".", False, "“Why?”"),
        ("“Title:”", "?", True, "“Title?”"),
    ],
)
def test_glue_punctuation(head: str, text: str, piq: bool, expected: str) -> None:
    assert _glued([Span((Span((Text(head),), italic=True),))], text, piq) == expected


def test_glue_moves_the_comma_inside_a_nested_leaf() -> None:
    head: list[Rich] = [Span((Text("“"), Span((Text("Title”"),), italic=True)))]
    glue(head, ", quoted in ", True)
    assert head[0] == Span((Text("“"), Span((Text("Title,”"),), italic=True)))


# ---------------------------------------------------------------------------
# Listed quotation records: Chicago's bibliography form (17th ed., 14.260)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_a_listed_quotation_takes_chicagos_bibliography_form(
    chicago_example: Library, engine: str
) -> None:
    # CMOS 14.260: Zukofsky, Louis. "Sincerity and Objectification." Poetry 37
    # (February 1931): 269. Quoted in Bonnie Costello, Marianne Moore: Imaginary
    # Possessions (Cambridge, MA: Harvard University Press, 1981), 78.
    result = render(
        chicago_example, "chicago-notes-bibliography", include_quotations=True, engine=engine
    )
    assert result.bibliography_texts[1] == (
        "Zukofsky, Louis. “Sincerity and Objectification.” Poetry 37 (February 1931). "
        "Quoted in Bonnie Costello, Marianne Moore: Imaginary Possessions (Harvard "
        "University Press, 1981), 78."
    )


UNTITLED = [
    {
        "id": "zukofsky1931",
        "type": "document",
        "author": [{"family": "Zukofsky", "given": "Louis"}],
        "custom": {
            "quotation": "sincerity & <objectification>",
            "quoted-in": "costello1981",
            "quoted-in-locator": "78",
            "quoted-in-label": "page",
        },
    },
    CHICAGO_EXAMPLE[0],
]


@pytest.mark.parametrize("engine", ENGINES)
def test_numbers_in_the_quoted_in_part_point_at_the_real_entries(engine: str) -> None:
    # The quoting work is the second entry: its own run would number it [1].
    result = render(Library.from_json(UNTITLED), "ieee", include_quotations=True, engine=engine)
    assert result.bibliography_texts == [
        "[1] L. Zukofsky. “sincerity & <objectification>.” Quoted in [2, p. 78].",
        "[2] B. Costello, Marianne Moore: Imaginary Possessions. Cambridge, MA: Harvard "
        "University Press, 1981.",
    ]


def test_the_added_text_stays_in_the_entrys_column_and_is_escaped() -> None:
    result = render(Library.from_json(UNTITLED), "ieee", include_quotations=True, output="html")
    assert result.bibliography_texts[0] == (
        '<div class="csl-left-margin">[1]</div><div class="csl-right-inline">L. Zukofsky. '
        "“sincerity &#38; &#60;objectification&#62;.” Quoted in [2, p. 78].</div>"
    )


def test_the_bibliography_words_are_the_locales() -> None:
    result = render(Library.from_json(UNTITLED), "apa", include_quotations=True, locale="de-DE")
    assert result.bibliography_texts[1] == (
        "Zukofsky, L. (o.\u00a0J.). „sincerity & <objectification>“. "
        "Zitiert in Costello, 1981, S. 78."
    )


def test_a_titled_statement_gets_no_words_and_the_style_keeps_its_entry() -> None:
    titled = [dict(UNTITLED[0], title="Sincerity"), UNTITLED[1]]
    result = render(Library.from_json(titled), "apa", include_quotations=True)
    assert result.bibliography_texts[1] == (
        "Zukofsky, L. (n.d.). Sincerity. Quoted in Costello, 1981, p. 78."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[5] Z. Mao, ", "[5] Z. Mao"),
        ("Mao Z. (n.d.).", "Mao Z. (n.d.)."),
        ("Mao;: ", "Mao"),
        (", ", None),
    ],
)
def test_trim_dangling(text: str, expected: str | None) -> None:
    trimmed = trim_dangling(Span((Span((Text(text),), italic=True),)))
    assert (plain(trimmed) if trimmed is not None else None) == expected


class _FailingOnPieces:
    """citekit's engine, except that it fails on a style with the quoted-in markers."""

    name = "failing"

    def process(self, items: Any, style_xml: bytes, clusters: Any, **options: Any) -> Any:
        if OPEN_MARK.encode("utf-8") in style_xml:
            raise RuntimeError("boom")
        return get_engine("citekit").process(items, style_xml, clusters, **options)


def test_an_engine_failing_on_the_quoted_in_part_loses_only_that_part() -> None:
    result = render(
        Library.from_json(UNTITLED), "apa", include_quotations=True, engine=_FailingOnPieces()
    )
    assert result.bibliography_texts[1] == "Zukofsky, L. (n.d.). “sincerity & <objectification>.”"
    assert result.warnings == [
        "engine 'failing' failed on the \"quoted in\" citation of 'costello1981': "
        "RuntimeError('boom')"
    ]


# ---------------------------------------------------------------------------
# The pass and the engines: an option, not a rewritten style
# ---------------------------------------------------------------------------


class _WithoutCapabilities:
    """An engine as written against the first Engine protocol: no ``capabilities``.

    The pass must fall back to marked styles for it, and give the same pieces.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name

    def process(self, items: Any, style_xml: bytes, clusters: Any, **options: Any) -> Any:
        assert "citation_affixes" not in options
        return self.inner.process(items, style_xml, clusters, **options)


class _Recording:
    """Passes every call on to an engine with the option and records what it was asked."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.capabilities = inner.capabilities
        self.calls: list[tuple[bytes, dict[str, Any]]] = []

    def process(self, items: Any, style_xml: bytes, clusters: Any, **options: Any) -> Any:
        self.calls.append((style_xml, options))
        return self.inner.process(items, style_xml, clusters, **options)


def _with_option(name: str) -> Any:
    engine = get_engine(name)
    if not supports(engine, CITATION_AFFIXES):
        pytest.skip(f"engine '{name}' does not declare {CITATION_AFFIXES} yet")
    return engine


QUOTED_CLUSTERS = [
    one("tillerson2017patience", 1),
    Cluster((CiteItem("raimondo2000enemy"), CiteItem("moon2017sayno", prefix="see ")), 2),
    one("tillerson2017patience", 3, locator="4", label="page"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("style", ["apa", "chicago-notes-bibliography", "ieee"])
def test_the_option_and_the_marker_fallback_give_the_same_pieces(
    essay_library: Library, engine: str, style: str
) -> None:
    the_engine = _with_option(engine)
    the_style = find_style(style)
    items = [engine_item(record) for record in essay_library]
    stream = QuotedInPass.prepare(essay_library, QUOTED_CLUSTERS).stream

    def run(on: Any) -> list[str | None]:
        found = render_pieces(
            EngineRun(on, items, the_style.xml, "en-US", locale_loader), stream, bibliography=False
        )
        return [plain(p) if p is not None else None for p in found.pieces]

    bare, marked = run(the_engine), run(_WithoutCapabilities(the_engine))
    assert None not in bare
    assert bare == marked
    layout = citation_layout(the_style.xml)
    plain_run = the_engine.process(
        items, the_style.xml, stream, locale="en-US", locale_loader=locale_loader
    ).citations
    for piece, whole in zip(bare, plain_run, strict=True):
        assert piece is not None and piece.strip() in plain(whole)
        if layout.prefix:
            assert not piece.startswith(layout.prefix)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_engine_with_the_option_never_sees_a_rewritten_style(
    essay_library: Library, engine: str
) -> None:
    recording = _Recording(_with_option(engine))
    style = find_style("chicago-author-date")
    result = render(
        essay_library, style, citations=QUOTED_CLUSTERS, engine=recording, include_quotations=True
    )
    assert {xml for xml, _ in recording.calls} == {style.xml}
    assert any(options.get("citation_affixes") is False for _, options in recording.calls)
    fallback = render(
        essay_library,
        style,
        citations=QUOTED_CLUSTERS,
        engine=_WithoutCapabilities(get_engine(engine)),
        include_quotations=True,
    )
    assert result.citations == fallback.citations
    assert result.bibliography_texts == fallback.bibliography_texts
    assert " quoted in " in result.citations[0]


def test_the_quoted_package_imports_no_engine() -> None:
    # The pass reaches engines only through the Engine protocol, so no
    # engine's style parser runs for it (citeproc-py renders alone).
    package = Path(quoted_pass_module.__file__).parent
    imported: set[str] = set()
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert "citekit.render.types" in imported
    assert not {name for name in imported if name.startswith("citekit.render.csl")}
    assert not {name for name in imported if name.startswith("citekit.render.citeproc_py")}


def test_numeric_detection_reads_the_style_itself() -> None:
    # cs:text variable="citation-number" reached through a macro inside a
    # choose branch counts; a number in a macro the citation never calls does not.
    def style(citation: str) -> bytes:
        return (
            '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
            "<info><id>n</id><title>N</title></info>"
            '<macro name="num"><group><text variable="citation-number"/></group></macro>'
            '<macro name="unused"><text variable="citation-label"/></macro>'
            f'<citation><layout prefix="[" suffix="]">{citation}</layout></citation></style>'
        ).encode()

    through_macro = '<choose><if type="book"><text macro="num"/></if></choose>'
    assert citation_layout(style(through_macro)) == CitationLayout("[", "]", "; ", numeric=True)
    assert not citation_layout(style('<text variable="title"/>')).numeric
    assert citation_layout(b"<not a style") == CitationLayout()


def test_citeproc_py_renders_quoted_in_without_citekits_engine_loaded(tmp_path: Path) -> None:
    # Under --engine citeproc-py nothing of citekit's own engine runs, not
    # even its style parser: the pass reads what it needs from the XML.
    if "citeproc-py" not in ENGINES:
        pytest.skip("citeproc-py is not installed")
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        "from citekit.formats import read\n"
        "from citekit.render import CiteItem, Cluster, render\n"
        f"library = read({str(Path(__file__).resolve().parents[3] / 'references.bib')!r}).library\n"
        "cluster = Cluster((CiteItem('tillerson2017patience'),))\n"
        "result = render(library, 'chicago-author-date', citations=[cluster],\n"
        "                engine='citeproc-py', include_quotations=True)\n"
        "print(result.citations[0])\n"
        "print(sorted(m for m in sys.modules if m.startswith('citekit.render.csl')))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=300
    )
    citation, loaded = done.stdout.splitlines()
    assert " quoted in " in citation
    assert loaded == "[]"


# ---------------------------------------------------------------------------
# The pass's shortcuts: nothing to hide or relabel, nothing read
# ---------------------------------------------------------------------------


def _never(*args: object, **kwargs: object) -> Any:
    raise AssertionError("the pass read what it did not need")


@pytest.fixture
def without_later_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout reader and the entries' form fail if the pass reaches them."""
    from citekit.render.quoted import entries, layout

    monkeypatch.setattr(layout, "citation_layout", _never)
    monkeypatch.setattr(entries, "listed_entries", _never)


def _bare_run() -> EngineRun:
    """A run whose engine and style the shortcuts must never touch."""
    return EngineRun(_never, [], b"not a style", "en-US", lambda tag: None)  # type: ignore[arg-type]


PLAIN = Library.from_json([item for item in CHICAGO_EXAMPLE if "custom" not in item])
PLAIN_ENTRIES = [(record.key, Text(record.key)) for record in PLAIN]


@pytest.mark.usefixtures("without_later_steps")
@pytest.mark.parametrize("clusters", [[], [one("costello1981")]])
def test_a_library_without_quotations_is_passed_through(clusters: list[Cluster]) -> None:
    quoted = QuotedInPass.prepare(PLAIN, clusters)
    warnings: list[str] = []
    assert quoted.default_bibliography() is None
    assert quoted.bibliography(_bare_run(), PLAIN_ENTRIES, warnings) == PLAIN_ENTRIES
    assert warnings == []


@pytest.mark.usefixtures("without_later_steps")
def test_quotations_outside_the_bibliography_are_not_looked_at(chicago_example: Library) -> None:
    """A library with quotation records, a bibliography without one (its works cited only)."""
    quoted = QuotedInPass.prepare(chicago_example, [one("costello1981")])
    entries = [("costello1981", Text("Costello"))]
    assert quoted.bibliography(_bare_run(), entries, []) == entries


def test_a_listed_quotation_still_takes_the_entries_form(
    chicago_example: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citekit.render.quoted import entries

    seen: list[list[str]] = []

    def listed(kept: Any, library: Library, context: Any) -> list[tuple[str, Rich]]:
        seen.append([key for key, _ in kept])
        return list(kept)

    monkeypatch.setattr(entries, "listed_entries", listed)
    quoted = QuotedInPass.prepare(chicago_example, [], include_quotations=True)
    rows = [(record.key, Text(record.key)) for record in chicago_example]
    assert quoted.bibliography(_bare_run(), rows, []) == rows
    assert seen == [[key for key, _ in rows]]


def test_a_cited_quotation_reads_the_layout_to_hide_it(
    chicago_example: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hidden in a style whose citations print no number, so nothing is left to relabel."""
    from citekit.render.quoted import entries, layout

    asked: list[bytes] = []

    def read_layout(style_xml: bytes) -> CitationLayout:
        asked.append(style_xml)
        return CitationLayout(numeric=False)

    monkeypatch.setattr(layout, "citation_layout", read_layout)
    monkeypatch.setattr(entries, "listed_entries", _never)
    quoted = QuotedInPass.prepare(chicago_example, [one("zukofsky1931")])
    rows = [("costello1981", Text("Costello")), ("zukofsky1931", Text("Zukofsky"))]
    assert quoted.bibliography(_bare_run(), rows, []) == rows[:1]
    assert asked == [b"not a style"]

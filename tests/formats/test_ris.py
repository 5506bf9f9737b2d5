"""RIS: the two-way table, lenient reading, lossless round trips."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.errors import Severity
from citekit.formats import get_format, read_string, ris, rismap, write_string
from citekit.model.records import Date, Library, Name, Record

SAMPLE = """TY  - JOUR
ID  - waals1873
AU  - van der Waals, Johannes Diderik
AU  - Gödel, Kurt, Jr.
AU  - World Health Organization
TI  - On the continuity
  of the gaseous and liquid states
JO  - Nature
PY  - 1873///
DA  - 1873/05/14/
VL  - 12
IS  - 3
SP  - 100
EP  - 120
SN  - 0028-0836
DO  - 10.1000/XYZ
UR  - https://example.org/waals
KW  - physics
KW  - gases
L1  - file:///tmp/waals.pdf
ER  -

TY  - BOOK
AU  - Łukasiewicz, Jan
TI  - Elementy logiki matematycznej
T2  - Biblioteka Filozofów
PB  - PWN
CY  - Warszawa
PY  - 1929
SN  - 978-3-16-148410-0
ER  -
"""


def test_reads_types_names_dates_and_pages() -> None:
    result = ris.read(SAMPLE, filename="s.ris")
    lib = result.library
    assert lib.keys() == ["waals1873", "ris-2"]
    article = lib["waals1873"]
    assert article.type == "article-journal"
    assert article.names("author") == [
        Name(family="Waals", given="Johannes Diderik", non_dropping_particle="van der"),
        Name(family="Gödel", given="Kurt", suffix="Jr."),
        Name(literal="World Health Organization"),
    ]
    assert article["title"] == "On the continuity\nof the gaseous and liquid states"
    assert article["container-title"] == "Nature"
    assert article.date("issued") == Date.from_parts((1873, 5, 14))
    assert article["page"] == "100-120"
    assert article["ISSN"] == "0028-0836"
    assert article["keyword"] == "physics, gases"
    book = lib["ris-2"]
    assert book.type == "book"
    assert book["collection-title"] == "Biblioteka Filozofów"  # T2 of a book is its series
    assert book["ISBN"] == "978-3-16-148410-0"
    assert book["publisher-place"] == "Warszawa"


def test_unmapped_tags_are_kept_with_an_info_diagnostic() -> None:
    result = ris.read(SAMPLE, filename="s.ris")
    assert result.library["waals1873"].custom["ris"] == {"L1": ["file:///tmp/waals.pdf"]}
    infos = [d for d in result.diagnostics if d.code == "unmapped-fields"]
    assert len(infos) == 1
    assert infos[0].severity is Severity.INFO
    assert (infos[0].file, infos[0].line, infos[0].key) == ("s.ris", 1, "waals1873")
    assert "L1" in ris.write(result.library)


def test_repeated_single_valued_tag_is_not_dropped() -> None:
    text = "TY  - JOUR\nTI  - First\nTI  - Second\nER  - \n"
    record = ris.read(text).library["ris-1"]
    assert record["title"] == "First"
    assert record.custom["ris"] == {"TI": ["Second"]}


def test_unknown_type_round_trips_as_written() -> None:
    text = "TY  - ZZZ\nTI  - Odd\nER  - \n"
    lib = ris.read(text).library
    assert lib["ris-1"].type == rismap.FALLBACK_CSL_TYPE
    assert ris.write(lib).startswith("TY  - ZZZ\n")
    assert ris.read(ris.write(lib)).library == lib


def test_broken_structure_gives_diagnostics_not_exceptions() -> None:
    text = "AU  - Nobody\nTY  - JOUR\nTI  - Unclosed\nTY  - BOOK\nTI  - Last\n"
    result = ris.read(text, filename="b.ris")
    assert [r["title"] for r in result.library] == ["Unclosed", "Last"]
    codes = [(d.code, d.line) for d in result.diagnostics]
    assert ("stray-text", 1) in codes
    assert ("missing-end", 2) in codes
    assert ("missing-end", 4) in codes


def test_round_trip_of_written_library() -> None:
    lib = Library(
        [
            Record(
                "a1",
                "article-journal",
                author=[Name(family="Ørsted", given="Hans Christian")],
                title="Experimenta circa effectum",
                container_title="Annals",
                issued=Date.from_parts((1820, 7)),
                volume="5",
                issue="2",
                page="33-40",
                DOI="10.1/abc",
                URL="https://x.org",
                abstract="Line one\nline two",
                keyword="magnetism, electricity",
                ISSN="1234-5678",
                language="la",
            ),
            Record(
                "b2",
                "book",
                editor=[Name(family="Waals", non_dropping_particle="van der", given="J. D.")],
                title="Collected works",
                publisher="Brill",
                publisher_place="Leiden",
                issued=Date.from_parts((1990,)),
                ISBN="9783161484100",
                collection_title="Classics",
                edition="2",
            ),
            Record(
                "c3",
                "chapter",
                author=[Name(literal="毛泽东")],
                title="章",
                container_title="书",
                accessed=Date.from_parts((2024, 1, 2)),
            ),
            Record("d4", "thesis", title="Undated", issued=Date(literal="forthcoming")),
        ]
    )
    text = ris.write(lib)
    assert ris.read(text).library == lib
    crlf = ris.write(lib, newline="\r\n")
    assert "\r\n" in crlf
    assert ris.read(crlf).library == lib


def test_every_type_row_reads_back_to_a_csl_type_that_writes_a_known_row() -> None:
    for ris_type, csl in rismap.TYPE_TABLE:
        assert rismap.csl_type(ris_type) is not None
        assert rismap.csl_type(rismap.ris_type(csl)) == csl


def test_registry_finds_ris_by_suffix_and_content() -> None:
    assert get_format("ris").load() is ris
    lib = read_string(SAMPLE).library
    assert len(lib) == 2
    assert read_string(write_string(lib, "ris"), "ris").library == lib


_word = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzäöüßøł"), min_size=1, max_size=8)
_capital = _word.map(str.capitalize)
_words = st.lists(st.one_of(_word, _capital), min_size=1, max_size=6).map(" ".join)
_name = st.one_of(
    st.builds(lambda f, g: Name(family=f, given=g), _capital, _words.map(str.title)),
    st.builds(lambda f: Name(literal=f), _capital.map(lambda w: f"{w} Institute")),
)
_record = st.builds(
    lambda i, kind, title, names, year, pages: Record(
        f"k{i}", kind, title=title, author=names, issued=Date.from_parts(tuple(year)), page=pages
    ),
    st.integers(0, 10_000),
    st.sampled_from(sorted({csl for _, csl in rismap.TYPE_TABLE})),
    _words,
    st.lists(_name, min_size=1, max_size=4),
    st.lists(st.integers(1, 12), min_size=0, max_size=2).flatmap(
        lambda rest: st.integers(1000, 2100).map(lambda y: [y, *rest])
    ),
    st.builds(lambda a, b: f"{a}-{a + b}", st.integers(1, 500), st.integers(0, 50)),
)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(st.lists(_record, max_size=5, unique_by=lambda r: r.key))
def test_round_trip_property(records: list[Record]) -> None:
    lib = Library(records)
    assert ris.read(ris.write(lib)).library == lib


def test_lines_give_the_line_each_record_starts_on() -> None:
    text = (
        "TY  - JOUR\nID  - first\nTI  - One\nER  - \n\n"
        "TY  - BOOK\nID  - first\nTI  - Two\nER  - \n"
        "TY  - BOOK\nTI  - No id\nER  - \n"
    )
    result = ris.read(text, filename="l.ris")
    keys = result.library.keys()
    assert keys[:2] == ["first", "first-2"]
    assert [result.lines[k] for k in keys] == [1, 6, 10]


def test_writing_tolerates_any_custom_and_never_adds_one() -> None:
    odd = Record("odd", "book", {"title": "Odd", "custom": "not an object"})
    plain = Record("plain", "book", {"title": "Plain"})
    text = ris.write(Library([odd, plain]))
    assert "TI  - Odd" in text and "TI  - Plain" in text
    assert odd["custom"] == "not an object"
    assert "custom" not in plain.fields


def test_written_names_keep_each_particle_with_its_part() -> None:
    lib = Library(
        [
            Record(
                "b",
                "book",
                author=[
                    Name(family="Beethoven", given="Ludwig", dropping_particle="van"),
                    Name(family="Gogh", non_dropping_particle="van"),
                    Name(family="King", given="M. L.", suffix="Jr."),
                ],
            )
        ]
    )
    authors = [line for line in ris.write(lib).splitlines() if line.startswith("AU  - ")]
    assert authors == ["AU  - Beethoven, Ludwig van", "AU  - van Gogh,", "AU  - King, M. L., Jr."]


def test_a_clashing_id_skips_numbered_ids_already_taken() -> None:
    text = (
        "TY  - BOOK\nID  - first-2\nER  - \n"
        "TY  - BOOK\nID  - first\nER  - \n"
        "TY  - BOOK\nID  - first\nER  - \n"
    )
    result = ris.read(text, filename="t.ris")
    assert result.library.keys() == ["first-2", "first", "first-3"]
    assert [d.message for d in result.diagnostics if d.code == "duplicate-key"] == [
        "a second record with ID 'first' was renamed 'first-3'"
    ]


# --- issue 12: RIS never holds HTML, keeps what has no tag, and round-trips -------


def test_rich_text_markup_is_written_as_plain_text() -> None:
    """``convert references.bib -t ris`` wrote ``TI  - <span class="nocase">Trump</span>``."""
    record = Record(
        "k",
        "book",
        title='<span class="nocase">Trump</span> Should <i>Meet</i>',
        author=[Name(family="<b>Doe</b>", given="<i>J</i>")],
        note="a <sup>2</sup> note",
        custom={"quotation": "<i>said</i>"},
    )
    text = ris.write(Library([record]))
    assert "TI  - Trump Should Meet" in text
    assert "AU  - Doe, J" in text
    assert not re.search(r"</?(?:i|b|sup|sub|span)\b", text)


def test_fields_without_a_tag_come_back_from_carried_notes() -> None:
    """The event title and place, an original date and publisher and quotation
    fields used to be dropped without a word."""
    record = Record(
        "trump2017",
        "interview",
        {
            "title": "Interview",
            "event-title": "Interview with Bloomberg News",
            "event-place": "Oval Office",
            "original-date": {"date-parts": [[1993]]},
            "original-publisher": "Center for Libertarian Studies",
            "custom": {
                "quotation": "honored",
                "quoted-in-locator": "7",
                "biblatex": {"entrysubtype": "interview", "@short": True},
            },
        },
    )
    text = ris.write(Library([record]))
    assert f"{ris.CARRY_TAG}  - {ris.CARRY_TEXT}event-title: Interview with Bloomberg News" in text
    assert f"{ris.CARRY_TAG}  - {ris.CARRY_TEXT}custom.quotation: honored" in text
    back = ris.read(text).library
    assert back == Library([record])
    assert back["trump2017"].type == "interview"  # GEN would read back as 'document'


def test_a_broken_carried_note_is_kept_as_a_note_with_a_warning() -> None:
    text = (
        "TY  - BOOK\nID  - k\nN1  - [citekit json] issued: {not json\n"
        "N1  - [citekit] id: other\nER  - \n"
    )
    result = ris.read(text, filename="n.ris")
    record = result.library["k"]
    assert record.custom["ris"]["N1"] == ["[citekit json] issued: {not json", "[citekit] id: other"]
    assert [(d.code, d.line) for d in result.diagnostics if d.code == "bad-carried-note"] == [
        ("bad-carried-note", 3),
        ("bad-carried-note", 4),
    ]
    assert ris.read(ris.write(result.library)).library == result.library


@pytest.mark.parametrize(
    "char", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
)
def test_unicode_line_separators_are_text_not_line_breaks(char: str) -> None:
    """An id ``k\\u2028x`` came back as ``k\\nx``: str.splitlines split there."""
    record = Record(f"k{char}x{char}", "book", title=f"A{char}B")
    text = ris.write(Library([record]))
    assert ris.split_lines(text)[1] == f"ID  - k{char}x{char}"
    assert ris.read(text).library == Library([record])


def test_lines_end_only_at_newline_crlf_and_cr() -> None:
    assert ris.split_lines("a\r\nb\rc\nd\u2028e\x0cf\n") == ["a", "b", "c", "d\u2028e\x0cf"]


def test_a_date_range_keeps_its_end() -> None:
    record = Record(
        "r",
        "article-journal",
        title="T",
        issued={"date-parts": [[2001, 5], [2002, 6]]},
        accessed={"date-parts": [[2020, 1, 2], [2020, 1, 5]]},
    )
    text = ris.write(Library([record]))
    assert "PY  - 2001" in text and "DA  - 2001/05//" in text  # other tools see the start
    assert ris.read(text).library == Library([record])


def test_a_dropping_particle_stays_a_dropping_particle() -> None:
    """``Beethoven, Ludwig van`` used to read back with the given name 'Ludwig van'."""
    names = [
        Name(family="Beethoven", given="Ludwig", dropping_particle="van"),
        Name(family="Fontaine", given="Jean", dropping_particle="de la"),
        Name(family="hooks", given="bell"),
        Name(family="Waals", given="Johannes Diderik", non_dropping_particle="van der"),
    ]
    record = Record("p", "book", author=names)
    assert ris.read(ris.write(Library([record]))).library["p"].names("author") == names


def test_a_books_container_title_does_not_come_back_as_its_series() -> None:
    """T2 of a book is its series: ``container-title`` came back as ``collection-title``."""
    record = Record(
        "b", "book", {"title": "Part", "container-title": "Whole", "collection-title": "Series"}
    )
    text = ris.write(Library([record]))
    assert "T2  - Series" in text and "T2  - Whole" not in text
    assert ris.read(text).library == Library([record])


def test_markup_that_hides_a_tag_never_reaches_the_file_as_html() -> None:
    """A fuzz find: taking ``<i>`` out of ``</<i>span>`` made the tag ``</span>``."""
    from citekit.formats import read_string, write_string

    library = read_string('[{"id":"a","type":"book","title":"x </<i>span> y"}]', "csljson").library
    text = write_string(library, "ris")
    assert "<" not in text.replace("\r", "")

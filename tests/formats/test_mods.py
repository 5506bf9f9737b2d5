"""MODS v3: types from genre/typeOfResource/host, containers, lossless round trips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.errors import Severity
from citekit.formats import get_format, guess_format, mods, modsmap, read_string
from citekit.formats.loss import MARKUP_DROPPED, loss_report
from citekit.model.records import Date, Library, Name, Record

DATA = Path(__file__).parent / "data" / "mods"
FIXTURES = sorted(DATA.glob("*.mods")) + sorted(DATA.glob("*.xml"))
NS = 'xmlns="http://www.loc.gov/mods/v3"'


def _one(body: str, attributes: str = 'ID="k"') -> Record:
    text = f'<?xml version="1.0"?>\n<mods {NS} {attributes}>{body}</mods>'
    result = mods.read(text, filename="t.mods")
    assert len(result.library) == 1
    return next(iter(result.library))


def _again(record: Record) -> Record:
    return next(iter(mods.read(mods.write(Library([record]))).library))


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_round_trips_through_csl_json(path: Path) -> None:
    """fixture -> CSL-JSON -> MODS -> records equal to the first read."""
    first = mods.read(path.read_text(encoding="utf-8"), filename=str(path))
    assert not [d for d in first.diagnostics if d.severity is not Severity.INFO]
    as_json = json.loads(json.dumps(first.library.to_json()))
    again = mods.read(mods.write(Library.from_json(as_json)))
    assert again.library.keys() == first.library.keys()
    for record in first.library:
        assert again.library[record.key].to_json() == record.to_json()
    assert not loss_report(first.library, "mods")


EXPECTED_TYPES = {
    "watson1953": "article-journal",
    "vanderberg2021": "article-journal",
    "kuhn1996": "book",
    "geertz1973": "chapter",
    "vaswani2017": "paper-conference",
    "shannon1940": "thesis",
    "ipcc2021": "report",
    "bernerslee1989": "webpage",
    "woodward1972": "article-newspaper",
    "gladwell1996": "article-magazine",
    "kubrick1968": "motion_picture",
    "bell1876": "patent",
    "gsod2023": "dataset",
    "python2023": "software",
    "darwin1837": "manuscript",
    "einstein1939": "personal_communication",
    "civilrights1964": "legislation",
    "brown1954": "legal_case",
    "snowdon2015": "map",
    "mendeleev1869": "graphic",
    "einstein1905": "entry-encyclopedia",
}


def test_fixture_types_come_from_every_kind_of_hint() -> None:
    lib = mods.read((DATA / "all-types.mods").read_text()).library
    assert {r.key: r.type for r in lib} == EXPECTED_TYPES


def test_fixture_values() -> None:
    lib = mods.read((DATA / "all-types.mods").read_text()).library
    watson = lib["watson1953"]
    assert watson["title"] == (
        "Molecular structure of nucleic acids: a structure for deoxyribose nucleic acid"
    )
    assert (watson["container-title"], watson["volume"], watson["issue"], watson["page"]) == (
        "Nature",
        "171",
        "4356",
        "737-738",
    )
    assert watson["issued"] == Date.from_parts((1953, 4, 25))
    assert (watson["ISSN"], watson["DOI"], watson["PMID"]) == (
        "0028-0836",
        "10.1038/171737a0",
        "13054692",
    )
    assert watson["keyword"] == "DNA, Molecular Structure"
    berg = lib["vanderberg2021"]
    assert berg.names("author") == [
        Name(family="Berg", given="Anna", non_dropping_particle="van der"),
        Name(family="Müller", given="Jörg", suffix="Jr."),
        Name(literal="World Health Organization"),
    ]
    assert berg["title-short"] == "Gene drive"
    assert berg.custom["mods"][0].startswith('<titleInfo type="translated"')
    kuhn = lib["kuhn1996"]
    assert kuhn["title"] == "The structure of scientific revolutions"
    assert kuhn.names("author") == [Name(family="Kuhn", given="Thomas S.")]
    assert (kuhn["publisher-place"], kuhn["number-of-pages"], kuhn["collection-number"]) == (
        "Chicago",
        "212",
        "2",
    )
    assert kuhn.names("collection-editor") == [Name(family="Neurath", given="Otto")]
    geertz = lib["geertz1973"]
    assert geertz.names("editor") == [Name(family="Geertz", given="Clifford")]
    assert (geertz["chapter-number"], geertz["ISBN"]) == ("1", "978-0-465-09719-7")
    assert lib["kubrick1968"].names("director") == [Name(family="Kubrick", given="Stanley")]
    assert lib["einstein1905"]["issued"] == Date.from_parts((1905,), (1906,))
    assert lib["einstein1905"]["original-title"] == "On the electrodynamics of moving bodies"
    assert lib["darwin1837"]["archive_location"] == "DAR 121"
    assert lib["shannon1940"]["genre"] == "Master's thesis"


# ---------------------------------------------------------------------------
# Types, roles, containers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("row", modsmap.TYPE_TABLE, ids=lambda r: r.csl)
def test_each_type_is_written_and_read_back(row: modsmap.TypeRow) -> None:
    text = mods.write(Library([Record("k", row.csl, title="T")]))
    assert f'<genre authority="local">{modsmap.local_genre(row.csl)}</genre>' in text
    assert _again(Record("k", row.csl, title="T")).type == row.csl


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<genre authority="local">bookSection</genre>', "chapter"),
        ('<genre authority="marcgt">thesis</genre>', "thesis"),
        ('<genre authority="bibutilsgt">book chapter</genre>', "chapter"),
        ("<typeOfResource>cartographic</typeOfResource>", "map"),
        ('<typeOfResource manuscript="yes">text</typeOfResource>', "manuscript"),
        (
            '<relatedItem type="host"><genre>academic journal</genre></relatedItem>',
            "article-journal",
        ),
        (
            '<relatedItem type="host"><originInfo><issuance>continuing</issuance></originInfo>'
            "</relatedItem>",
            "article-journal",
        ),
        (
            '<genre authority="marcgt">article</genre><relatedItem type="host">'
            '<genre authority="marcgt">newspaper</genre></relatedItem>',
            "article-newspaper",
        ),
        ("<originInfo><issuance>monographic</issuance></originInfo>", "book"),
        ("", "document"),
    ],
)
def test_type_from_hints(body: str, expected: str) -> None:
    assert _one(body).type == expected


def test_roles_by_code_and_term_and_unknown_kept() -> None:
    body = (
        '<name type="personal"><namePart type="family">A</namePart>'
        '<role><roleTerm type="code" authority="marcrelator">trl</roleTerm></role></name>'
        '<name type="personal"><namePart type="family">B</namePart>'
        '<role><roleTerm type="text">illustrator</roleTerm></role></name>'
        '<name type="personal"><namePart type="family">C</namePart>'
        '<role><roleTerm type="code">dgs</roleTerm></role></name>'
    )
    record = _one(body)
    assert record.names("translator") == [Name(family="A")]
    assert record.names("illustrator") == [Name(family="B")]
    assert "dgs" in record.custom["mods"][0]
    assert "dgs" in mods.write(Library([record]))


@pytest.mark.parametrize("variable", sorted({v for _, _, v in modsmap.ROLE_TABLE}))
def test_each_role_round_trips(variable: str) -> None:
    record = Record("k", "book", title="T", fields={variable: [{"family": "X", "given": "Y"}]})
    assert _again(record).names(variable) == [Name(family="X", given="Y")]


def test_chapter_container_and_part_go_to_the_host() -> None:
    record = Record(
        "k",
        "chapter",
        title="C",
        fields={
            "container-title": "Book",
            "editor": [{"family": "Ed"}],
            "page": "5-9",
            "volume": "2",
            "ISBN": "978-3-16-148410-0",
            "collection-title": "Series",
            "collection-number": "7",
            "collection-editor": [{"family": "Se"}],
        },
    )
    text = mods.write(Library([record]))
    host = text[text.index('<relatedItem type="host">') : text.index('<relatedItem type="series">')]
    assert "<title>Book</title>" in host and "<start>5</start>" in host
    assert "978-3-16-148410-0" in host and "editor" in host
    assert _again(record).to_json() == record.to_json()


def test_pages_that_are_not_a_range_are_a_list() -> None:
    record = Record("k", "article-journal", title="T", page="10-12, 15")
    assert "<list>10-12, 15</list>" in mods.write(Library([record]))
    assert _again(record)["page"] == "10-12, 15"


def test_literal_and_range_dates() -> None:
    for date in (Date(literal="forthcoming"), Date.from_parts((1999, 5), (2001,))):
        record = Record("k", "book", title="T", issued=date)
        assert _again(record)["issued"] == date


def test_key_from_record_identifier_then_position() -> None:
    body = "<recordInfo><recordIdentifier>loc-123</recordIdentifier></recordInfo>"
    assert _one(body, "").key == "loc-123"
    assert _one("", "").key == "mods-1"


def test_mods_without_namespace_is_read() -> None:
    text = (
        "<modsCollection><mods ID='a'><titleInfo><title>T</title></titleInfo></mods>"
        "</modsCollection>"
    )
    assert mods.read(text).library["a"]["title"] == "T"


# ---------------------------------------------------------------------------
# Diagnostics and safety
# ---------------------------------------------------------------------------


def test_malformed_xml_names_file_line_and_column() -> None:
    result = mods.read(f"<modsCollection {NS}>\n<mods>\n<title></mods>", filename="bad.mods")
    (error,) = result.errors
    assert (error.code, error.file, error.line) == ("malformed-xml", "bad.mods", 3)
    assert "column" in error.message


def test_wrong_root_is_an_error() -> None:
    assert [d.code for d in mods.read("<rdf/>").errors] == ["not-mods"]


def test_unmapped_reported_with_line_and_key() -> None:
    result = mods.read(
        f"<modsCollection {NS}>\n<mods ID='x'>\n"
        "<tableOfContents>1. A</tableOfContents></mods></modsCollection>",
        filename="f.mods",
    )
    (info,) = result.diagnostics
    assert (info.code, info.line, info.key) == ("unmapped-fields", 2, "x")


def test_duplicate_ids_are_renamed() -> None:
    result = mods.read(f"<modsCollection {NS}><mods ID='a'/><mods ID='a'/></modsCollection>")
    assert result.library.keys() == ["a", "a-2"]
    assert [d.code for d in result.diagnostics] == ["duplicate-key"]


def test_external_entities_and_network_are_off(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    text = (
        f'<!DOCTYPE mods [<!ENTITY s SYSTEM "file://{secret}">'
        '<!ENTITY n SYSTEM "http://127.0.0.1:9/x">]>'
        f"<mods {NS} ID='k'><titleInfo><title>A &s;&n; B</title></titleInfo></mods>"
    )
    record = next(iter(mods.read(text).library))
    assert "TOP SECRET" not in json.dumps(record.to_json())


def test_entity_expansion_bomb_is_harmless() -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    text = (
        f"<!DOCTYPE mods [{entities}]><mods {NS}><titleInfo><title>&a9;</title></titleInfo></mods>"
    )
    code = (
        "import sys; from citekit.formats import mods; "
        "r = mods.read(sys.stdin.read()); "
        "print(sum(len(str(x.get('title', ''))) for x in r.library))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        timeout=5,
        check=True,
    )
    assert int(done.stdout) < 1000


# ---------------------------------------------------------------------------
# Registry, loss report, CLI
# ---------------------------------------------------------------------------


def test_registry_by_suffix_alias_and_content() -> None:
    text = (DATA / "all-types.mods").read_text()
    assert guess_format("refs.mods").name == "mods"
    assert guess_format("refs.mods.xml", text).name == "mods"
    assert guess_format("-", text).name == "mods"
    assert get_format("mods-xml").name == "mods"
    assert len(read_string(text).library) == len(EXPECTED_TYPES)


def test_loss_report_names_what_mods_cannot_hold() -> None:
    record = Record(
        "k",
        "paper-conference",
        fields={
            "title": "<i>T</i>",
            "event-title": "NeurIPS",
            "annote": "mine",
            "issued": {"date-parts": [[2017]], "season": 3},
        },
    )
    report = loss_report(Library([record]), "mods")
    assert sorted(loss.field for loss in report.lost) == ["annote", "event-title", "issued"]
    (markup,) = report.formatting
    assert markup.field == "title"
    assert markup.to_diagnostic("mods").code == MARKUP_DROPPED
    assert "MODS" in report.summary()


def test_cli_converts_mods_to_csl_json_and_back(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    runner = CliRunner()
    result = runner.invoke(
        main, ["convert", str(DATA / "all-types.mods"), "-t", "csljson", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    back = tmp_path / "back.mods"
    result = runner.invoke(main, ["convert", str(out), "-o", str(back), "--report"])
    assert result.exit_code == 0, result.output
    assert (
        mods.read(back.read_text()).library
        == mods.read((DATA / "all-types.mods").read_text()).library
    )


def test_custom_data_travel_in_an_extension() -> None:
    record = Record("k", "book", title="T")
    record.custom["quotation"] = {"text": "War is a racket", "page": "1"}
    record.custom["biblatex"] = {"@type": "book"}
    text = mods.write(Library([record]))
    assert "<extension>" in text and "urn:x-citekit:custom" in text
    assert _again(record).to_json() == record.to_json()


def test_foreign_extension_is_kept() -> None:
    body = '<extension><x:y xmlns:x="urn:other">data</x:y></extension>'
    record = _one(body)
    assert record.custom["mods"] == ['<extension><x:y xmlns:x="urn:other">data</x:y></extension>']
    assert _again(record).custom["mods"] == record.custom["mods"]


def test_names_of_every_shape_round_trip() -> None:
    names = [
        Name(family="Beethoven", given="Ludwig", dropping_particle="van"),
        Name(family="Berg", given="Anna", non_dropping_particle="van der"),
        Name(family="King", given="Martin Luther", suffix="Jr."),
        Name(literal="NASA"),
        Name(family="Plato"),
        Name(given="Madonna"),
    ]
    record = Record("k", "book", title="T", author=names)
    assert _again(record).names("author") == names

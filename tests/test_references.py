"""The project's own library: it loads cleanly, checks clean and round-trips.

``references.bib`` is the demo and test library (the essay, its books and
the statements it quotes); these are the foundation issue's acceptance
points for it, run on every test run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.formats import read, read_string, write_string
from citekit.model.records import Library
from citekit.ops.quotations import quotations

REFERENCES = Path(__file__).resolve().parent.parent / "references.bib"


@pytest.fixture(scope="module")
def library() -> Library:
    result = read(REFERENCES)
    assert [d for d in result.diagnostics if d.code != "unmapped-fields"] == []
    return result.library


def test_the_essay_and_its_books_are_there(library: Library) -> None:
    essay = library["raimondo2017trump"]
    # stored in sentence case, as CSL wants it; the braced words keep their capitals
    assert (
        essay["title"] == '<span class="nocase">Trump</span> should meet with '
        '<span class="nocase">Kim Jong-un</span>'
    )
    assert essay["author"][0].family == "Raimondo"
    assert essay["issued"].start == (2017, 5)  # a month, never a guessed day
    books = {r.key: r for r in library if r.type == "book"}
    assert set(books) == {"raimondo1993reclaiming", "raimondo2008reclaiming", "raimondo2000enemy"}
    assert books["raimondo2008reclaiming"]["publisher"] == "ISI Books"
    assert books["raimondo2000enemy"]["publisher"] == "Prometheus Books"


def test_no_invented_identifiers(library: Library) -> None:
    for record in library:
        for variable in ("URL", "ISBN", "page", "DOI"):
            assert variable not in record, f"{record.key} has {variable}"


def test_every_quotation_quotes_the_essay(library: Library) -> None:
    found = quotations(library)
    assert len(found) >= 9
    assert {q.quoted_in for q in found} == {"raimondo2017trump"}


def test_csljson_round_trip_gives_the_same_records(library: Library) -> None:
    again = read_string(write_string(library, "csljson"), "csljson").library
    assert again == library


def test_biblatex_round_trip_gives_the_same_records(library: Library) -> None:
    text = write_string(library, "biblatex")
    again = read_string(text, "biblatex").library
    assert again.to_json() == library.to_json()


def test_bibtex_to_csljson_to_bibtex(library: Library) -> None:
    via_json = read_string(write_string(library, "csljson"), "csljson").library
    again = read_string(write_string(via_json, "biblatex"), "biblatex").library
    assert again.to_json() == library.to_json()


def test_check_exits_zero() -> None:
    result = CliRunner().invoke(main, ["check", str(REFERENCES)])
    assert result.exit_code == 0, result.output


def test_the_file_is_in_format_layout() -> None:
    """``citekit format`` leaves it as it is, so it stays formatted."""
    result = CliRunner().invoke(main, ["format", "--check", str(REFERENCES)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("order", ["key", "year", "author"])
def test_sorting_it_changes_no_record_and_keeps_the_essays_comment(
    library: Library, order: str
) -> None:
    result = CliRunner().invoke(main, ["format", "--sort", order, str(REFERENCES)])
    assert result.exit_code == 0, result.output
    again = read_string(result.stdout, "biblatex").library
    assert sorted(again.to_json(), key=lambda item: str(item["id"])) == sorted(
        library.to_json(), key=lambda item: str(item["id"])
    )
    comment = '% site is the "journal", so that styles print the site like a periodical.\n'
    assert comment + "@article{raimondo2017trump," in result.stdout


def test_quotation_records_claim_no_occasion_the_record_does_not_establish(
    library: Library,
) -> None:
    # issue 13: hearsay typed as a personal communication, and an interview with
    # The New York Times that the Times never reported (it reported that Moon "has said")
    found = {q.key: library[q.key] for q in quotations(library)}
    assert {record.type for record in found.values()} == {"document", "interview", "speech"}
    untyped = {key for key, record in found.items() if record.type == "document"}
    assert untyped == {
        "mao:foolishruler",
        "kimilsung:idiocy",
        "gangoffour:revisionist",
        "trump:underthegun",
        "moon2017unitedstates",
        "moon2017sayno",
    }
    for key in untyped:  # no occasion, no date: nothing the public record lacks
        assert not {"event-title", "event-place", "issued"} & set(found[key].to_json()), key
    for key in ("trump2017honored", "trump2017meet"):  # published: recoverable
        assert found[key]["publisher"] == "Bloomberg News"
        assert found[key]["issued"].start == (2017, 5, 1)
    assert all(record.get("annote") for record in found.values())

"""Validation rules: each problem has a stable code, a severity and a location."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.errors import Diagnostic, Severity
from citekit.formats import read, read_string
from citekit.model.records import ITEM_TYPES, Library, Record
from citekit.ops.check import (
    DEFAULT_RULES,
    RECOMMENDED_FIELDS,
    _is_leap,
    check,
    check_file,
    counts,
    entry_set_members,
    isbn_is_valid,
    issn_is_valid,
    severity_counts,
    split_isbns,
    split_issns,
)


def _complete(item_type: str = "article-journal", **fields: Any) -> Record:
    """A record with everything its type recommends, plus ``fields``."""
    record = Record("k", item_type, title="A title")
    for group in RECOMMENDED_FIELDS.get(item_type, ()):
        variable = group[0]
        if variable in ("author", "editor"):
            record[variable] = [{"family": "Doe", "given": "Jane"}]
        elif variable in ("issued", "accessed"):
            record[variable] = {"date-parts": [[2020, 5, 1]]}
        else:
            record[variable] = "x"
    for name, value in fields.items():
        record[name] = value
    return record


def _codes(records: Iterable[Record], **kwargs: Any) -> list[tuple[str, Severity, str | None]]:
    return [(d.code, d.severity, d.field) for d in check(Library(records), **kwargs)]


@pytest.mark.parametrize("item_type", ITEM_TYPES)
def test_complete_records_of_every_type_are_clean(item_type: str) -> None:
    assert check(Library([_complete(item_type)])) == []


# -- required and recommended fields -----------------------------------------


def test_missing_title_is_an_error() -> None:
    record = _complete("book")
    del record["title"]
    assert _codes([record]) == [("missing-title", Severity.ERROR, "title")]


def test_missing_title_of_a_letter_is_a_warning() -> None:
    record = Record("k", "personal_communication", author=[{"family": "Doe"}])
    assert _codes([record]) == [("missing-title", Severity.WARNING, "title")]


def test_blank_title_counts_as_missing() -> None:
    assert ("missing-title", Severity.ERROR, "title") in _codes([_complete("book", title="  ")])


def test_article_journal_recommendations() -> None:
    record = Record("k", "article-journal", title="T")
    assert _codes([record]) == [
        ("missing-field", Severity.WARNING, "author"),
        ("missing-field", Severity.WARNING, "container-title"),
        ("missing-field", Severity.WARNING, "issued"),
    ]
    messages = [d.message for d in check(Library([record]))]
    assert messages[0] == "an article-journal should have author or editor"


def test_editor_satisfies_author_or_editor() -> None:
    record = _complete("book")
    del record["author"]
    record["editor"] = [{"family": "Ed"}]
    assert check(Library([record])) == []


# -- types and variables -------------------------------------------------------


def test_unknown_type_suggests_the_closest() -> None:
    [diag] = check(Library([Record("k", "artcle-journal", title="T")]))[:1]
    assert (diag.code, diag.severity) == ("unknown-type", Severity.WARNING)
    assert "article-journal" in diag.message


def test_empty_type() -> None:
    diags = check(Library([Record("k", "", title="T")]))
    assert [d.code for d in diags] == ["unknown-type"]
    assert "empty" in diags[0].message


def test_unknown_variables_are_warnings_custom_is_fine() -> None:
    record = _complete("book", fields=None)
    record.fields["booktitle"] = "X"
    record.fields["container_title"] = "Y"
    record.custom["bibtex-type"] = "misc"
    diags = [d for d in check(Library([record])) if d.code == "unknown-variable"]
    assert [d.field for d in diags] == ["booktitle", "container_title"]
    assert "'container-title'" in diags[1].message


def test_value_types() -> None:
    record = _complete("book")
    record.fields["title"] = ["not", "text"]
    record.fields["volume"] = {"no": 1}
    record.fields["custom"] = "not an object"
    record["translator"] = [{"family": ""}, {"given": "Ann"}]
    found = [(d.code, d.field) for d in check(Library([record]))]
    assert ("bad-value", "title") in found
    assert ("bad-value", "volume") in found
    assert ("bad-value", "custom") in found
    assert found.count(("empty-name", "translator")) == 1


# -- dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "code", "severity"),
    [
        ({"raw": "sometime in May"}, "unparseable-date", Severity.WARNING),
        ("late 2017", "unparseable-date", Severity.WARNING),
        ({"date-parts": [[2017, 17]]}, "impossible-date", Severity.ERROR),
        ({"date-parts": [[2017, 0]]}, "impossible-date", Severity.ERROR),
        ({"date-parts": [[2017, 2, 29]]}, "impossible-date", Severity.ERROR),
        ({"date-parts": [[2017, 4, 31]]}, "impossible-date", Severity.ERROR),
        ("2017-02-30", "impossible-date", Severity.ERROR),
        ({"date-parts": [[2017, 1, 2, 3]]}, "impossible-date", Severity.ERROR),
        ({"date-parts": [[2017], [2018], [2019]]}, "bad-date", Severity.ERROR),
        ({"date-parts": [[2008], [1993]]}, "date-range-reversed", Severity.ERROR),
        ({"date-parts": [[2008, 5], [2008, 3]]}, "date-range-reversed", Severity.ERROR),
        ("2008/1993", "date-range-reversed", Severity.ERROR),
    ],
)
def test_bad_dates(issued: Any, code: str, severity: Severity) -> None:
    diags = check(Library([_complete("book", issued=issued)]))
    assert [(d.code, d.severity, d.field) for d in diags] == [(code, severity, "issued")]


@pytest.mark.parametrize(
    "issued",
    [
        {"date-parts": [[2016, 2, 29]]},
        {"date-parts": [[2000, 2, 29]]},
        {"date-parts": [[2017, 14]]},  # citeproc-js season month
        "2017-21",
        "1993/..",
        "../2008",
        {"date-parts": [[1993], [1993, 5]]},
        {"date-parts": [[2008, 21], [2008, 6]]},  # a season does not order against months
        {"literal": "n.d."},
        {"raw": "2017-05-14"},
        "-0044-03-15",
    ],
)
def test_good_dates(issued: Any) -> None:
    assert check(Library([_complete("book", issued=issued)])) == []


def test_every_date_variable_is_checked() -> None:
    record = _complete("webpage", accessed={"date-parts": [[2020, 2, 30]]})
    assert _codes([record]) == [("impossible-date", Severity.ERROR, "accessed")]


# -- identifiers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("isbn", "valid"),
    [
        ("978-0-306-40615-7", True),
        ("0-306-40615-2", True),
        ("0 306 40615 2", True),
        ("080442957X", True),
        ("0-306-40615-3", False),
        ("978-0-306-40615-8", False),
        ("12345", False),
        ("979-10-90636-07-1", True),
        ("ISBN", False),
    ],
)
def test_isbn_check_digits(isbn: str, valid: bool) -> None:
    assert isbn_is_valid(isbn) is valid


@pytest.mark.parametrize(
    ("issn", "valid"),
    [
        ("0028-0836", True),
        ("2434-561X", True),
        ("2434-561x", True),
        ("00280836", True),
        ("0028-0837", False),
        ("0028-083", False),
    ],
)
def test_issn_check_digits(issn: str, valid: bool) -> None:
    assert issn_is_valid(issn) is valid


def test_fields_listing_several_identifiers() -> None:
    assert split_isbns("ISBN 978-0-306-40615-7 (pbk.); 0-306-40615-2") == [
        "978-0-306-40615-7",
        "0-306-40615-2",
    ]
    assert split_isbns("0306406152 9780306406157") == ["0306406152", "9780306406157"]
    assert split_isbns("978 0 306 40615 7") == ["978 0 306 40615 7"]
    assert split_issns("1532-0626 (print), 1532-0634 (electronic)") == ["1532-0626", "1532-0634"]
    assert split_issns("0377 -- 2217") == ["0377 -- 2217"]


def test_identifier_rules() -> None:
    record = _complete("book", ISBN="978-0-306-40615-7; 0-306-40615-3", ISSN="0028-0836, 0028-0837")
    assert _codes([record]) == [
        ("bad-isbn", Severity.WARNING, "ISBN"),
        ("bad-issn", Severity.WARNING, "ISSN"),
    ]
    messages = " ".join(d.message for d in check(Library([record])))
    assert "0-306-40615-3" in messages and "0028-0837" in messages


@pytest.mark.parametrize(
    ("doi", "codes"),
    [
        ("10.1000/xyz123", []),
        ("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0", []),
        ("https://doi.org/10.1000/xyz123", ["doi-url"]),
        ("http://dx.doi.org/10.1000/xyz123", ["doi-url"]),
        ("doi:10.1000/xyz123", ["doi-url"]),
        ("https://doi.org/nonsense", ["doi-url", "bad-doi"]),
        ("10.12/short-registrant", ["bad-doi"]),
        ("not a doi", ["bad-doi"]),
    ],
)
def test_doi(doi: str, codes: list[str]) -> None:
    assert [d.code for d in check(Library([_complete("book", DOI=doi)]))] == codes


# -- running rules -------------------------------------------------------------


def test_reader_diagnostics_pass_through_first_and_locations_are_filled() -> None:
    duplicate = Diagnostic(
        Severity.ERROR, "duplicate-key", "duplicate id 'a'", file="refs.json", line=9, key="a"
    )
    library = Library([Record("a", "book"), Record("b", "book", title="T")])
    diags = check(library, diagnostics=[duplicate], filename="refs.json", lines={"a": 2, "b": 5})
    assert diags[0] is duplicate
    located = {(d.key, d.line, d.file) for d in diags[1:]}
    assert located == {("a", 2, "refs.json"), ("b", 5, "refs.json")}
    assert "refs.json:2, entry 'a', field 'title': error" in str(diags[1])


def test_without_lines_diagnostics_name_the_key() -> None:
    [diag, *_] = check(Library([Record("a", "book")]))
    assert (diag.key, diag.line, diag.file) == ("a", None, None)


def test_custom_rules_can_be_added() -> None:
    def rule_needs_note(record: Record) -> Iterable[Diagnostic]:
        if "note" not in record:
            yield Diagnostic(Severity.INFO, "no-note", "no note", field="note")

    library = Library([_complete("book")])
    diags = check(library, rules=[*DEFAULT_RULES, rule_needs_note])
    assert [(d.code, d.key) for d in diags] == [("no-note", "k")]
    assert check(library, rules=[]) == []


def test_counts() -> None:
    record = _complete("book", DOI="bad", issued={"date-parts": [[2000, 17]]})
    assert counts(check(Library([record]))) == {"error": 1, "warning": 1, "info": 0}


def test_control_characters_are_located_and_explained() -> None:
    """cdl.bib's 'just for \x91place\x92?': cp1252 quotes that arrived as C1 controls."""
    record = _complete(
        title="Is the hippocampus just for \x91place\x92?",
        author=[{"family": "Eich\x07enbaum", "given": "Howard"}],
    )
    found = [d for d in check([record]) if d.code == "control-character"]
    assert [(d.field, d.severity) for d in found] == [
        ("title", Severity.WARNING),
        ("author", Severity.WARNING),
    ]
    assert "U+0091" in found[0].message and "'\u2018'" in found[0].message
    assert "U+0007" in found[1].message and "Windows-1252" not in found[1].message


def test_tabs_newlines_and_custom_data_are_not_control_problems() -> None:
    record = _complete(title="Line one\nline\ttwo", custom={"raw": "\x91kept\x92"})
    assert not [d for d in check([record]) if d.code == "control-character"]


# ---------------------------------------------------------------------------
# biblatex sets: valid ones are no error, broken ones are
# ---------------------------------------------------------------------------

SETS_BIB = """\
@set{stdmodel, entryset = {glashow, weinberg}}
@set{broken, entryset = {glashow,nobody}}
@set{hollow, entryset = {}}
@set{outer, entryset = {stdmodel,weinberg}}
@article{glashow, author = {Glashow, Sheldon}, title = {Partial Symmetries of Weak Interactions},
  journaltitle = {Nucl. Phys.}, date = 1961}
@article{weinberg, author = {Weinberg, Steven}, title = {A Model of Leptons},
  journaltitle = {Phys. Rev. Lett.}, date = 1967}
"""


def _sets_checked() -> list[Diagnostic]:
    result = read_string(SETS_BIB, "biblatex", filename="sets.bib")
    return check(
        result.library, diagnostics=result.diagnostics, filename="sets.bib", lines=result.lines
    )


def test_entry_set_members_reads_the_readers_record() -> None:
    library = read_string(SETS_BIB, "biblatex").library
    assert entry_set_members(library["stdmodel"]) == ("glashow", "weinberg")
    assert entry_set_members(library["hollow"]) == ()
    assert entry_set_members(library["glashow"]) is None


def test_a_valid_set_is_not_an_error() -> None:
    # was: "a document needs a title [missing-title]" for every @set
    found = [d for d in _sets_checked() if d.key == "stdmodel"]
    assert [d for d in found if d.severity is not Severity.INFO] == []


def test_a_set_with_a_missing_member_is_an_error_at_its_line() -> None:
    [problem] = [
        d for d in _sets_checked() if d.key == "broken" and d.severity is not Severity.INFO
    ]
    assert (problem.severity, problem.code, problem.field) == (
        Severity.ERROR,
        "missing-set-member",
        "entryset",
    )
    assert "'nobody'" in problem.message
    assert (problem.file, problem.line) == ("sets.bib", 2)


def test_an_empty_set_is_an_error_and_a_nested_one_a_warning() -> None:
    found = {(d.key, d.code, d.severity) for d in _sets_checked() if d.code.endswith("set")}
    assert found == {
        ("hollow", "empty-set", Severity.ERROR),
        ("outer", "nested-set", Severity.WARNING),
    }


def test_the_sets_of_biblatex_examples_are_valid(shared: Path) -> None:
    path = shared / "corpus" / "biblatex-examples.bib"
    result = read(path)
    found = check(result.library, filename=str(path), lines=result.lines)
    assert [d for d in found if d.key in ("set", "stdmodel")] == []


def test_severity_counts_has_every_severity() -> None:
    diagnostics = check(Library([Record("r", "book")]))
    tally = severity_counts(diagnostics)
    assert set(tally) == {"error", "warning", "info"}
    assert sum(tally.values()) == len(diagnostics)
    assert tally["warning"] == sum(1 for d in diagnostics if d.severity.value == "warning")
    assert severity_counts([]) == {"error": 0, "warning": 0, "info": 0}
    assert counts is severity_counts


def test_check_file_reads_checks_and_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text("@book{a,\n  title = {T}\n}\n", encoding="utf-8")
    found = check_file(str(path))
    assert found == check(read(path).library, diagnostics=[], filename=str(path), lines={"a": 1})
    assert found and all(d.file == str(path) for d in found)


def test_check_file_reports_bytes_that_do_not_decode(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes("@book{a,\n  title = {Orig\xefn}\n}\n".encode("latin-1"))
    (problem,) = check_file(str(path))
    assert problem.severity is Severity.ERROR and problem.line == 2
    assert check_file(str(path), encoding="latin-1") == check_file(str(path), "biblatex", "latin-1")


@settings(max_examples=200)
@given(st.integers(min_value=-10_000, max_value=10_000))
def test_leap_years_follow_the_gregorian_rule_as_calendar_does(year: int) -> None:
    """The check's own leap-year rule (calendar is no longer imported for it)."""
    assert _is_leap(year) == calendar.isleap(year)


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        # an extra "}" ends the entry: the fields after it are lost
        (
            "@article{smith2020,\n  author = {Smith, John},\n  title = {{NATO} and Its Enemies}},\n"
            "  journal = {Journal},\n  year = {2020},\n  doi = {10.1000/xyz},\n}\n",
            3,
            "smith2020",
        ),
        # an entry with no key: bibtex and biber reject it
        ("@book{,\n author = {E, F},\n title = {No Key}, publisher = {P}, year = 2000}\n", 1, None),
    ],
)
def test_check_file_never_calls_a_file_that_lost_an_entry_or_fields_clean(
    tmp_path: Path, text: str, line: int, key: str | None
) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    errors = [d for d in check_file(str(path)) if d.severity is Severity.ERROR]
    assert [(d.file, d.line, d.key, d.code) for d in errors] == [
        (str(path), line, key, "syntax-error")
    ]


def test_check_file_finds_the_field_after_a_percent_comment(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(
        "@misc{k3,\n  % TODO: Check DOI with Crossref (ask Maria)\n  doi = {10.1000/ABC},\n"
        "  author = {Doe, Jane}, title = {Paper}, year = {2001},\n}\n",
        encoding="utf-8",
    )
    assert check_file(str(path)) == []
    assert read(path).library["k3"]["DOI"] == "10.1000/ABC"

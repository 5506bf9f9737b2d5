"""Malformed and adversarial BibTeX never raises, and never takes good entries with it.

The strategies build BibTeX-shaped text from the fragments that break
parsers in practice (unbalanced braces, ``#`` concatenation with undefined
macros, crossref/xdata cycles, LaTeX accents cut short, odd names and dates)
rather than relying on random text finding them.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.errors import Severity, UnknownFormatError, UsageError
from citekit.formats import ReadResult, read, read_string

FILE = "refs.bib"

VALUE_FRAGMENTS = [
    "\\'", '\\"{', "{\\", "$", "%", "\\", " and ", " and and ", "{}", ", ,", "von ", "van der ",
    "2017-13", "../..", "0000", "-0044", "13", "jan", "\\c", "\\relax", "~", "--", "\\url{",
    "\\emph{", "^", "_", "&", "\x00", "é", "\t", "/", "..", "2020/", "?", "X", "{", "}", "\\\\",
    "\\ss", "\\v", "{\\'e}", ",", "Smith", "others", "-", "2020", "2020-01-01/2021", "[", "]",
    "\n", "\\noop{", "1e400", "@", "#", "=", '"', "Jr.", "{and}",
]
FIELDS = [
    "author", "editor", "translator", "title", "year", "date", "month", "day", "crossref",
    "xdata", "pages", "urldate", "eventdate", "origdate", "journal", "journaltitle", "volume",
    "number", "edition", "keywords", "note", "doi", "url", "isbn", "ids", "related", "langid",
    "entrysubtype", "options", "publisher", "location", "bookauthor", "eprint", "eprinttype",
    "pagetotal", "series", "chapter", "institution", "school", "unknownfield",
]
TYPES = [
    "article", "book", "inbook", "incollection", "misc", "online", "thesis", "phdthesis",
    "report", "xdata", "set", "patent", "weird", "mvbook", "bookinbook", "inproceedings",
    "proceedings", "periodical", "dataset", "software", "unpublished", "manual", "review",
]
KEYS = ["a", "b", "c", "k", "a b", "", "a,b", "é"]

value_text = st.lists(st.sampled_from(VALUE_FRAGMENTS), max_size=12).map("".join)
field_value = st.one_of(
    value_text.map(lambda v: "{" + v + "}"),
    value_text.map(lambda v: '"' + v + '"'),
    st.sampled_from(["jan", "feb", "13", "2020", "s1 # {x}", "undefined", "s1", "s1 # s2",
                     '{a} # "b"', "{a}", "{b}", "{c}", "{k}", "{a,b}", "{a, c}", "{a, a}"]),
)
field = st.tuples(st.sampled_from(FIELDS), field_value).map(lambda fv: f"{fv[0]} = {fv[1]}")
entry = st.tuples(st.sampled_from(TYPES), st.sampled_from(KEYS), st.lists(field, max_size=8)).map(
    lambda e: f"@{e[0]}{{{e[1]},\n  " + ",\n  ".join(e[2]) + "\n}\n")
string_block = st.tuples(
    st.sampled_from(["s1", "s2", "jan"]),
    st.one_of(value_text.map(lambda v: "{" + v + "}"),
              st.sampled_from(["s1", "s2", "s1 # s2", "{x} # s1"])),
).map(lambda p: f"@string{{{p[0]} = {p[1]}}}\n")
block_fragments = st.lists(st.sampled_from(
    ["@", "@article", "@string", "@comment", "@preamble", "@xdata", "{", "}", "(", ")", '"',
     "#", "=", ",", " ", "\n", "key", "title", "crossref", "{x}"]), max_size=30).map("".join)
bibtex_text = st.lists(st.one_of(entry, entry, string_block, value_text, block_fragments),
                       max_size=6).map("".join)

GOOD_BEFORE = ("@article{goodbefore,\n  author = {Ann Smith},\n  title = {One},\n"
               "  year = {2020}\n}\n")
GOOD_AFTER = "@book{goodafter,\n  author = {Bob Jones},\n  title = {Two},\n  year = {2021}\n}\n"


def _read(text: str) -> ReadResult:
    return read_string(text, "biblatex", filename=FILE)


def _check_diagnostics(result: ReadResult) -> None:
    for diagnostic in result.diagnostics:
        # entry-error is the reader's catch-all for an exception while converting
        # an entry: it keeps the file loading, but here it would hide a crash
        assert diagnostic.code != "entry-error", diagnostic
        assert diagnostic.file == FILE, diagnostic
        if diagnostic.key is not None:  # about an entry: located on its line
            assert diagnostic.line is not None and diagnostic.line >= 1, diagnostic


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_reads_without_raising(text: str) -> None:
    result = _read(text)
    _check_diagnostics(result)
    assert all(isinstance(record.key, str) for record in result.library)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bibtex_text)
def test_bibtex_shaped_text_reads_and_locates_every_problem(text: str) -> None:
    result = _read(text)
    _check_diagnostics(result)
    for record in result.library:  # every entry read knows the line it starts on
        assert result.lines[record.key] >= 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(entry, value_text, block_fragments, st.text(max_size=60)))
def test_a_broken_entry_never_takes_its_neighbours(broken: str) -> None:
    result = _read(GOOD_BEFORE + broken + "\n" + GOOD_AFTER)
    assert {"goodbefore", "goodafter"} <= set(result.library.keys())
    assert result.library["goodafter"]["title"] == "Two"
    _check_diagnostics(result)


def test_unclosed_entry_is_reported_with_its_line_and_the_next_entry_loads() -> None:
    result = _read(GOOD_BEFORE + "@article{broken, title = {never closed\n" + GOOD_AFTER)
    assert set(result.library.keys()) == {"goodbefore", "goodafter"}
    error = next(d for d in result.errors if d.key == "broken")
    assert (error.file, error.line, error.code) == (FILE, 6, "syntax-error")


def test_crossref_and_xdata_cycles_are_diagnosed_not_recursed() -> None:
    text = (
        "@book{self, crossref = {self}, title = {S}}\n"
        "@book{ping, crossref = {pong}, title = {P}}\n"
        "@book{pong, crossref = {ping}}\n"
        "@xdata{x1, xdata = {x2}, note = {n}}\n@xdata{x2, xdata = {x1}}\n"
        "@book{user, xdata = {x1}, title = {U}}\n"
    )
    result = _read(text)
    assert {"self", "ping", "pong", "user"} <= set(result.library.keys())
    assert result.library["ping"]["title"] == "P"
    cycles = {(d.code, d.key) for d in result.diagnostics if d.severity is Severity.WARNING}
    assert {("crossref-cycle", "self"), ("crossref-cycle", "pong"),
            ("xdata-cycle", "x1"), ("xdata-cycle", "x2")} <= cycles
    assert not any(d.code.startswith("dangling") for d in result.diagnostics)
    _check_diagnostics(result)


def test_deep_brace_nesting_and_bad_names_and_dates() -> None:
    depth = 5000
    text = (
        "@misc{deep, title = " + "{" * depth + "x" + "}" * depth + "}\n"
        "@misc{names, author = {and and , , {} and von}, date = {2017-13}, month = {13}}\n"
        "@misc{dates, date = {../..}, year = {-0044}, urldate = {0000}}\n"
    )
    result = _read(text)
    assert set(result.library.keys()) == {"deep", "names", "dates"}
    assert any(d.code == "bad-date" and d.key == "names" for d in result.diagnostics)
    _check_diagnostics(result)


def test_invalid_utf8_file_is_read_as_latin1_with_a_located_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes(b"@misc{a, title = {ok}}\n@misc{b, title = {caf\xe9}}\n")
    result = read(path)
    assert result.library["b"]["title"] == "café"
    warning = result.diagnostics[0]
    assert (warning.code, warning.file, warning.line) == ("invalid-utf8", str(path), 2)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.one_of(st.none(), st.text(max_size=8)))
def test_only_an_unknown_format_raises_and_it_is_a_usage_error(text: str,
                                                               fmt: str | None) -> None:
    try:
        result = read_string(text, fmt, filename="input")
    except UnknownFormatError as exc:
        assert isinstance(exc, UsageError) and "format" in str(exc)
        return
    assert all(d.file == "input" for d in result.diagnostics)


def test_accents_nested_beyond_the_decoder_cost_only_their_entry() -> None:
    text = "@misc{deep, title = {" + "\\'{" * 3000 + "}" * 3000 + "}}\n" + GOOD_AFTER
    result = _read(text)
    assert set(result.library.keys()) == {"goodafter"}
    error = result.errors[0]
    assert (error.code, error.key, error.line) == ("entry-error", "deep", 1)
    assert "nested too deeply" in error.message

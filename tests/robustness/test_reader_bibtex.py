"""Malformed and adversarial BibTeX never raises, and never takes good entries with it.

The strategies build BibTeX-shaped text from the fragments that break
parsers in practice (unbalanced braces, ``#`` concatenation with undefined
macros, crossref/xdata cycles, LaTeX accents cut short, odd names and dates)
rather than relying on random text finding them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bibtexparser.model import Entry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.errors import ParseError, Severity, UnknownFormatError, UsageError
from citekit.formats import ReadResult, read, read_string
from citekit.formats.bibtex import MAX_INHERITANCE_DEPTH, macro_budget, split_blocks

FILE = "refs.bib"

VALUE_FRAGMENTS = [
    "\\'",
    '\\"{',
    "{\\",
    "$",
    "%",
    "\\",
    " and ",
    " and and ",
    "{}",
    ", ,",
    "von ",
    "van der ",
    "2017-13",
    "../..",
    "0000",
    "-0044",
    "13",
    "jan",
    "\\c",
    "\\relax",
    "~",
    "--",
    "\\url{",
    "\\emph{",
    "^",
    "_",
    "&",
    "\x00",
    "é",
    "\t",
    "/",
    "..",
    "2020/",
    "?",
    "X",
    "{",
    "}",
    "\\\\",
    "\\ss",
    "\\v",
    "{\\'e}",
    ",",
    "Smith",
    "others",
    "-",
    "2020",
    "2020-01-01/2021",
    "[",
    "]",
    "\n",
    "\\noop{",
    "1e400",
    "@",
    "#",
    "=",
    '"',
    "Jr.",
    "{and}",
]
FIELDS = [
    "author",
    "editor",
    "translator",
    "title",
    "year",
    "date",
    "month",
    "day",
    "crossref",
    "xdata",
    "pages",
    "urldate",
    "eventdate",
    "origdate",
    "journal",
    "journaltitle",
    "volume",
    "number",
    "edition",
    "keywords",
    "note",
    "doi",
    "url",
    "isbn",
    "ids",
    "related",
    "langid",
    "entrysubtype",
    "options",
    "publisher",
    "location",
    "bookauthor",
    "eprint",
    "eprinttype",
    "pagetotal",
    "series",
    "chapter",
    "institution",
    "school",
    "unknownfield",
]
TYPES = [
    "article",
    "book",
    "inbook",
    "incollection",
    "misc",
    "online",
    "thesis",
    "phdthesis",
    "report",
    "xdata",
    "set",
    "patent",
    "weird",
    "mvbook",
    "bookinbook",
    "inproceedings",
    "proceedings",
    "periodical",
    "dataset",
    "software",
    "unpublished",
    "manual",
    "review",
]
KEYS = ["a", "b", "c", "k", "a b", "", "a,b", "é"]

value_text = st.lists(st.sampled_from(VALUE_FRAGMENTS), max_size=12).map("".join)
field_value = st.one_of(
    value_text.map(lambda v: "{" + v + "}"),
    value_text.map(lambda v: '"' + v + '"'),
    st.sampled_from(
        [
            "jan",
            "feb",
            "13",
            "2020",
            "s1 # {x}",
            "undefined",
            "s1",
            "s1 # s2",
            '{a} # "b"',
            "{a}",
            "{b}",
            "{c}",
            "{k}",
            "{a,b}",
            "{a, c}",
            "{a, a}",
        ]
    ),
)
field = st.tuples(st.sampled_from(FIELDS), field_value).map(lambda fv: f"{fv[0]} = {fv[1]}")
entry = st.tuples(st.sampled_from(TYPES), st.sampled_from(KEYS), st.lists(field, max_size=8)).map(
    lambda e: f"@{e[0]}{{{e[1]},\n  " + ",\n  ".join(e[2]) + "\n}\n"
)
string_block = st.tuples(
    st.sampled_from(["s1", "s2", "jan"]),
    st.one_of(
        value_text.map(lambda v: "{" + v + "}"),
        st.sampled_from(["s1", "s2", "s1 # s2", "{x} # s1"]),
    ),
).map(lambda p: f"@string{{{p[0]} = {p[1]}}}\n")
block_fragments = st.lists(
    st.sampled_from(
        [
            "@",
            "@article",
            "@string",
            "@comment",
            "@preamble",
            "@xdata",
            "{",
            "}",
            "(",
            ")",
            '"',
            "#",
            "=",
            ",",
            " ",
            "\n",
            "key",
            "title",
            "crossref",
            "{x}",
        ]
    ),
    max_size=30,
).map("".join)
bibtex_text = st.lists(
    st.one_of(entry, entry, string_block, value_text, block_fragments), max_size=6
).map("".join)

GOOD_BEFORE = (
    "@article{goodbefore,\n  author = {Ann Smith},\n  title = {One},\n  year = {2020}\n}\n"
)
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
    assert {
        ("crossref-cycle", "self"),
        ("crossref-cycle", "pong"),
        ("xdata-cycle", "x1"),
        ("xdata-cycle", "x2"),
    } <= cycles
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


def test_invalid_utf8_is_a_located_error_unless_the_encoding_is_named(tmp_path: Path) -> None:
    """Issue 12: never guessed as Latin-1 (that garbled files written back)."""
    path = tmp_path / "latin1.bib"
    path.write_bytes(b"@misc{a, title = {ok}}\n@misc{b, title = {caf\xe9}}\n")
    with pytest.raises(ParseError) as caught:
        read(path)
    [error] = caught.value.diagnostics
    assert (error.code, error.file, error.line) == ("invalid-encoding", str(path), 2)
    result = read(path, encoding="latin-1")
    assert result.library["b"]["title"] == "café"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.one_of(st.none(), st.text(max_size=8)))
def test_only_an_unknown_format_raises_and_it_is_a_usage_error(text: str, fmt: str | None) -> None:
    try:
        result = read_string(text, fmt, filename="input")
    except UnknownFormatError as exc:
        assert isinstance(exc, UsageError) and "format" in str(exc)
        return
    assert all(d.file == "input" for d in result.diagnostics)


def test_accents_nested_beyond_the_decoder_keep_their_entry_as_written() -> None:
    inner = "\\'{" * 3000 + "}" * 3000
    text = "@misc{deep, title = {" + inner + "}, year = 2001}\n" + GOOD_AFTER
    result = _read(text)
    assert set(result.library.keys()) == {"deep", "goodafter"}
    assert result.library["goodafter"]["title"] == "Two"
    [error] = result.errors
    assert (error.code, error.key, error.line, error.file) == ("nesting-too-deep", "deep", 1, FILE)
    assert "kept with its fields as written" in error.message
    kept = result.library["deep"].custom["biblatex"]
    assert kept == {"@type": "misc", "title": inner, "year": "2001"}


# -- Regressions from the reliability campaign of issue 12 -----------------------------


def _codes(result: ReadResult) -> set[str]:
    return {d.code for d in result.diagnostics}


def test_a_missing_comma_between_fields_is_an_error_and_both_fields_are_read() -> None:
    text = "@article{a,\n  title = {Title {A}}\n  year = {2000},\n}\n" + GOOD_AFTER
    result = _read(text)
    assert result.library["a"]["title"] == 'Title <span class="nocase">A</span>'  # kept whole
    assert result.library["a"]["issued"].parts == ((2000,),)
    [error] = result.errors
    assert (error.code, error.file, error.line, error.key, error.field) == (
        "missing-comma",
        FILE,
        3,
        "a",
        "year",
    )
    assert "'title'" in error.message and "'year'" in error.message
    assert result.library["goodafter"]["title"] == "Two"


def test_several_missing_commas_and_quoted_or_bare_values() -> None:
    text = (
        '@book{b,\n  title = "T"\n  month = jan\n  year = 1999\n  publisher = {P} # { and Q}\n}\n'
    )
    result = _read(text)
    record = result.library["b"]
    assert record["title"] == "T"
    assert record["issued"].parts == ((1999, 1),)
    assert record["publisher"] == "P and Q"
    assert [(d.code, d.line, d.field) for d in result.errors] == [
        ("missing-comma", 3, "month"),
        ("missing-comma", 4, "year"),
        ("missing-comma", 5, "publisher"),
    ]


def test_parts_without_hash_are_joined_with_an_error() -> None:
    result = _read("@misc{k, title = {A} {B}}\n")
    assert result.library["k"]["title"] == "AB"
    assert [(d.code, d.key, d.field) for d in result.errors] == [
        ("missing-separator", "k", "title")
    ]


@pytest.mark.parametrize(
    "start",
    [
        "@ article{k,",
        "@article\n{k,",
        "@article\r\n{k,",
        "@\tarticle \n {k,",
        "@ string{s = {T}} @article{k,",
    ],
)
def test_block_starts_with_space_or_line_break_are_read(start: str) -> None:
    title = "s" if "string" in start else "{T}"
    text = GOOD_BEFORE + start + " title = " + title + ", year = 2001}\n" + GOOD_AFTER
    result = _read(text)
    assert set(result.library.keys()) == {"goodbefore", "k", "goodafter"}
    assert result.library["k"]["title"] == "T"
    assert result.lines["k"] == 6
    assert result.lines["goodafter"] == 6 + start.count("\n") + 1
    assert not result.errors


def test_split_blocks_keeps_the_raw_text_of_a_loose_block_start() -> None:
    text = "@ article\n{k, title = {T}}\n"
    [entry] = [b for b in split_blocks(text) if isinstance(b, Entry)]
    assert (entry.key, entry.entry_type, entry.raw, entry.start_line) == (
        "k",
        "article",
        text.strip(),
        0,
    )


@pytest.mark.parametrize(
    "stray", ["@article k, title = {T}}", "@@", "  @misc", "text @ misc {k, a=b} continues @"]
)
def test_text_that_looks_like_an_entry_but_is_not_read_is_an_error(stray: str) -> None:
    result = _read(GOOD_BEFORE + stray + "\n" + GOOD_AFTER)
    assert {"goodbefore", "goodafter"} <= set(result.library.keys())
    assert any(d.code in ("syntax-error",) and d.line == 6 for d in result.errors), (
        result.diagnostics
    )
    _check_diagnostics(result)


def test_an_email_in_a_comment_between_entries_is_no_error() -> None:
    result = _read("% Maintainer: someone@example.org (2024)\n" + GOOD_AFTER)
    assert not result.errors


def test_the_string_doubling_chain_is_cut_with_an_error_naming_the_macro() -> None:
    text = (
        '@string{s0="ab"}\n'
        + "".join(f"@string{{s{k}=s{k - 1}#s{k - 1}}}\n" for k in range(1, 31))
        + "@misc{k, title = s30}\n"
        + GOOD_AFTER
    )
    result = _read(text)
    assert set(result.library.keys()) == {"k", "goodafter"}
    assert result.library["goodafter"]["title"] == "Two"
    errors = [d for d in result.errors if d.code == "macro-too-large"]
    assert errors and errors[0].key is not None and errors[0].key.startswith("s")
    assert errors[0].line == int(errors[0].key[1:]) + 1
    assert f"@string macro 's{int(errors[0].key[1:]) - 1}'" in errors[0].message
    assert len(result.library["k"].get("title", "")) <= macro_budget(text)


def test_entries_expanding_a_big_macro_past_the_budget_get_an_error_each() -> None:
    big = "x" * 1_000_000
    text = (
        "@string{big = {"
        + big
        + "}}\n"
        + "".join(
            f"@misc{{e{k}, title = big # big # big # big, year = {{2000}}}}\n" for k in range(8)
        )
    )
    result = _read(text)
    assert len(result.library) == 8
    errors = [d for d in result.errors if d.code == "macro-too-large"]
    assert errors and all(
        d.key is not None and d.field == "title" and d.line == int(d.key[1:]) + 2 for d in errors
    )
    assert {d.key for d in errors} >= {"e7"}
    assert "'big'" in errors[0].message
    expanded = sum(len(r.get("title", "")) for r in result.library)
    assert expanded <= macro_budget(text)
    assert all(r["issued"].parts == ((2000,),) for r in result.library)


def test_the_macro_budget_does_not_touch_ordinary_macros() -> None:
    text = '@string{j = "Journal of Things"}\n' + "".join(
        f"@article{{a{k}, journal = j, month = jan, year = 2000}}\n" for k in range(500)
    )
    result = _read(text)
    assert len(result.library) == 500 and not result.errors
    assert result.library["a499"]["container-title"] == "Journal of Things"


@pytest.mark.parametrize(
    "space", ["\u00a0", "\u3000", "\u2028", "\x1c", "\x1d", "\x1e", "\x1f", "\u0085", "\t"]
)
def test_unicode_white_space_beside_hash_separates_parts(space: str) -> None:
    text = (
        "@string{s = {A}}\n@misc{k, title = s"
        + space
        + "#"
        + space
        + "{B}"
        + space
        + "# "
        + space
        + "s}\n"
        + GOOD_AFTER
    )
    result = _read(text)
    assert result.library["k"]["title"] == "ABA"
    assert not result.errors
    _check_diagnostics(result)


def test_a_long_crossref_chain_is_cut_at_the_depth_limit_without_recursion() -> None:
    n = 1000
    text = (
        "".join(f"@misc{{e{k}, crossref = {{e{k + 1}}}, f{k} = {{v{k}}}}}\n" for k in range(n))
        + f"@misc{{e{n}, title = {{T}}}}\n"
    )
    result = _read(text)
    assert len(result.library) == n + 1
    deep = [d for d in result.errors if d.code == "inheritance-too-deep"]
    assert deep and all(d.field == "crossref" and d.line is not None for d in deep)
    top = result.library[f"e{n - 1}"]
    assert top["title"] == "T"  # the last links inherit normally


def test_a_short_crossref_chain_inherits_from_every_ancestor() -> None:
    n = MAX_INHERITANCE_DEPTH - 1
    text = (
        "".join(f"@misc{{e{k}, crossref = {{e{k + 1}}}, f{k} = {{v{k}}}}}\n" for k in range(n))
        + f"@misc{{e{n}, title = {{T}}}}\n"
    )
    result = _read(text)
    assert not result.errors
    first = result.library["e0"]
    assert first["title"] == "T"
    kept = first.custom["biblatex"]
    assert {f"f{k}" for k in range(n)} <= set(kept)


@pytest.mark.parametrize("n", [700, 1000])
def test_a_long_xdata_chain_resolves_once_per_entry(n: int) -> None:
    text = "".join(f"@xdata{{x{k}, xdata = {{x{k + 1}}}, f{k} = {{v}}}}\n" for k in range(n))
    text += f"@xdata{{x{n}, title = {{T}}}}\n@misc{{k, xdata = {{x{n - 5}}}}}\n"
    result = _read(text)
    assert result.library["k"]["title"] == "T"
    assert any(d.code == "inheritance-too-deep" and d.field == "xdata" for d in result.errors)
    _check_diagnostics(result)


def test_an_xdata_diamond_is_no_cycle() -> None:
    text = (
        "@xdata{top, note = {N}}\n@xdata{l, xdata = {top}, volume = {1}}\n"
        "@xdata{r, xdata = {top}, edition = {2}}\n@misc{k, xdata = {l, r}}\n"
    )
    result = _read(text)
    record = result.library["k"]
    assert (record["note"], record["volume"], record["edition"]) == ("N", "1", "2")
    assert not result.diagnostics or "xdata-cycle" not in _codes(result)


@pytest.mark.slow
def test_100000_nested_braces_read_and_40000_nested_accents_keep_their_entry() -> None:
    braces = "@misc{a, title = " + "{" * 100_000 + "x" + "}" * 100_000 + "}\n"
    accents = "@misc{b, title = {" + "\\'{" * 40_000 + "}" * 40_000 + "}}\n"
    result = _read(braces + accents + GOOD_AFTER)
    assert set(result.library.keys()) == {"a", "b", "goodafter"}
    assert "x" in result.library["a"]["title"]
    assert [(d.code, d.key) for d in result.errors] == [("nesting-too-deep", "b")]


@pytest.mark.parametrize("year", ["²017", "2017²", "1" * 5000, "٢٠١٧", "２０１７"])
def test_an_odd_year_keeps_its_entry_as_a_literal_date(year: str) -> None:
    result = _read("@misc{k, title = {T}, year = {" + year + "}}\n" + GOOD_AFTER)
    record = result.library["k"]
    assert record["title"] == "T"
    assert record["issued"].literal == year
    [warning] = [d for d in result.diagnostics if d.code == "bad-date"]
    assert (warning.key, warning.field, warning.line) == ("k", "year", 1)
    assert len(warning.message) < 200


@pytest.mark.parametrize("field", ["date", "month", "day", "origyear", "urldate"])
def test_odd_digits_in_other_date_fields_never_cost_the_entry(field: str) -> None:
    for value in ("²", "1" * 5000, "2017-0²", "1" * 5000 + "-01"):
        result = _read("@misc{k, year = 2000, " + field + " = {" + value + "}}\n")
        assert list(result.library.keys()) == ["k"]
        assert "entry-error" not in _codes(result)


def test_lone_surrogates_in_str_input_never_raise() -> None:
    s = "\ud800"
    text = (
        f"@misc{{k{s}, author = {{A{s} and \\'{{{s}}} B}}, title = {{\\'{{{s}}} {s}}},"
        f" date = {{2020{s}}}, year = {{{s}}}, month = {{{s}}}, note = m{s} # {{x}},"
        f" {s} = {{y}}}}\n@{s}{{z, title = {{t}}}}\n" + GOOD_AFTER
    )
    result = _read(text)
    assert {f"k{s}", "goodafter"} <= set(result.library.keys())
    assert result.library[f"k{s}"]["author"][0].family == f"A{s}"
    _check_diagnostics(result)


def test_many_links_back_into_a_long_cycle_are_reported_briefly() -> None:
    n = 2000
    text = (
        "".join(f"@xdata{{x{k}, xdata = {{x{k + 1}, x0}}, f{k % 7} = {{v}}}}\n" for k in range(n))
        + "@misc{u, xdata = {x0}}\n"
    )
    text += "".join(f"@misc{{e{k}, crossref = {{e{(k + 1) % n}}}}}\n" for k in range(n))
    result = _read(text)
    assert len(result.library) == n + 1
    members = [d for d in result.diagnostics if d.message.startswith("this entry is part")]
    assert [d.key for d in members] == ["x0"]
    crossref = [d for d in result.diagnostics if d.code == "crossref-cycle"]
    assert len(crossref) == 1 and "more" in crossref[0].message
    assert all(len(d.message) < 300 for d in result.diagnostics)
    _check_diagnostics(result)


# -- Issue 13: math and unknown commands -----------------------------------------------

# Braces are left out (unbalanced ones are tested above), and a final backslash
# would escape the closing brace: a syntax error, not what this is about.
_TEX = st.text(alphabet="$\\^_ abxyzAB12+-=()", max_size=40).filter(lambda v: not v.endswith("\\"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEX)
def test_any_math_or_command_is_read_without_losing_the_entry(value: str) -> None:
    """Math and commands in any arrangement: the entry and the next one load."""
    text = "@misc{a,\n  title = {" + value + "},\n}\n"
    result = _read(text + GOOD_AFTER)
    assert "a" in result.library and "goodafter" in result.library
    assert not [d for d in result.diagnostics if d.code == "entry-error"]


def test_unknown_command_with_two_arguments_is_reported_with_file_line_and_field() -> None:
    # issue 13: "{\switchargs{--90}{1968}}" became "–901968", silently.
    text = "@book{k,\n  title = {Poems},\n  note = {{\\switchargs{--90}{1968}}},\n}\n"
    result = _read(text + GOOD_AFTER)
    assert result.library["k"]["note"] == "\\switchargs{--90}{1968}"
    [warning] = [d for d in result.diagnostics if d.code == "unknown-tex"]
    assert (warning.file, warning.line, warning.key, warning.field) == (FILE, 3, "k", "note")

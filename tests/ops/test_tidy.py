"""tidy: canonical BibTeX that keeps every value, idempotent by construction."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from bibtexparser import model as bib
from bibtexparser.entrypoint import parse_string
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.formats import read_string
from citekit.ops.tidy import (
    is_tidy,
    month_macro,
    normalise_value,
    split_concatenation,
    tidy,
    tidy_bibtex,
)

MESSY = """% A comment line
@String{jnl = "Journal of Things"}
@preamble{"\\newcommand{\\noop}[1]{}"}

@Article{Zeta2001,
    Year = 2001,
        TITLE = "On {Zeta} functions",
  journal = jnl # " (Series B)",
  Author = {Zed, Zoe and Alpha, Al},
  month = "March",
  Custom-Field = {keep me}
}
@comment{jabref-meta: databaseType:biblatex;}
@book{alpha1999, title={A book}, author={Alpha, Al}, year={1999}, month=11}
@misc{Beta2005,author = {Beta, Bo},title = {Misc},date={2005-03}}
"""

TIDY = """% A comment line

@string{jnl = {Journal of Things}}

@preamble{"\\newcommand{\\noop}[1]{}"}

@article{Zeta2001,
  author = {Zed, Zoe and Alpha, Al},
  title = {On {Zeta} functions},
  journal = jnl # { (Series B)},
  year = {2001},
  month = mar,
  custom-field = {keep me}
}

@comment{jabref-meta: databaseType:biblatex;}

@book{alpha1999,
  author = {Alpha, Al},
  title = {A book},
  year = {1999},
  month = nov
}

@misc{Beta2005,
  author = {Beta, Bo},
  title = {Misc},
  date = {2005-03}
}
"""


def test_canonical_form() -> None:
    assert tidy_bibtex(MESSY) == TIDY
    assert is_tidy(TIDY)
    assert not is_tidy(MESSY)


def test_sorting_moves_entries_only() -> None:
    by_key = tidy_bibtex(MESSY, sort="key")
    order = [line for line in by_key.splitlines() if line.startswith("@")]
    assert order == [
        "@string{jnl = {Journal of Things}}",
        '@preamble{"\\newcommand{\\noop}[1]{}"}',
        "@book{alpha1999,",
        "@comment{jabref-meta: databaseType:biblatex;}",
        "@misc{Beta2005,",
        "@article{Zeta2001,",
    ]
    by_year = [
        line
        for line in tidy_bibtex(MESSY, sort="year").splitlines()
        if line.startswith("@") and "," in line
    ]
    assert by_year == ["@book{alpha1999,", "@article{Zeta2001,", "@misc{Beta2005,"]
    by_author = [
        line
        for line in tidy_bibtex(MESSY, sort="author").splitlines()
        if line.startswith("@") and "," in line
    ]
    assert by_author == ["@book{alpha1999,", "@misc{Beta2005,", "@article{Zeta2001,"]


def test_values_and_months() -> None:
    assert split_concatenation('jnl # " a # b" # {c # d}') == ["jnl", '" a # b"', "{c # d}"]
    assert normalise_value('"x {y}"') == "{x {y}}"
    assert normalise_value("1984") == "{1984}"
    assert normalise_value("jnl") == "jnl"
    assert [month_macro(v) for v in ("{January}", '"feb"', "3", "{Sept.}", "apr", "{Mid}")] == [
        "jan",
        "feb",
        "mar",
        "sep",
        "apr",
        None,
    ]


def test_broken_blocks_are_kept_verbatim_and_reported() -> None:
    text = "@misc{bad, title={unclosed\n@book{ok, title={Fine}}\n"
    result = tidy(text, filename="x.bib")
    assert "@misc{bad, title={unclosed" in result.text
    assert "@book{ok,\n  title = {Fine}\n}" in result.text
    assert [(d.code, d.line, d.file) for d in result.diagnostics] == [("bibtex-syntax", 1, "x.bib")]
    assert tidy(result.text).text == result.text


def test_duplicate_fields_are_kept_and_warned() -> None:
    result = tidy("@misc{d, title={a}, title={b}}")
    assert result.text == "@misc{d,\n  title = {a},\n  title = {b}\n}\n"
    assert result.diagnostics[0].code == "bibtex-problem"
    assert result.diagnostics[0].key == "d"


def _entries(text: str) -> dict[str, dict[str, str]]:
    """Every entry's fields, name lower-cased, value with delimiters normalised."""
    out: dict[str, dict[str, str]] = {}
    for block in parse_string(text, parse_stack=[]).blocks:
        entry = (
            block if isinstance(block, bib.Entry) else getattr(block, "ignore_error_block", None)
        )
        if isinstance(entry, bib.Entry):
            fields = {f.key.lower(): normalise_value(str(f.value)) for f in entry.fields}
            if "month" in fields:
                fields["month"] = month_macro(fields["month"]) or fields["month"]
            out[f"{entry.entry_type.lower()}:{entry.key}"] = fields
    return out


@pytest.mark.slow
def test_real_corpus_keeps_every_value_and_is_idempotent(shared: Path) -> None:
    for name in ("biblatex-examples.bib", "iridia.bib"):
        text = (shared / "corpus" / name).read_text(encoding="utf-8")
        once = tidy(text, sort="author").text
        assert _entries(once) == _entries(text)
        assert tidy(once, sort="author").text == once
        assert once.count("@string") == text.lower().count("@string")


# -- hypothesis: tidy(tidy(x)) == tidy(x) -----------------------------------------------

_word = (
    st.text(st.sampled_from("abcXYZ019 -.:"), min_size=1, max_size=8).map(str.strip).filter(bool)
)
_leaf = st.lists(
    st.one_of(
        st.sampled_from(list('abc XYZ,.=#"ü')),
        st.sampled_from(['{\\"u}', "\\&"]),
        st.sampled_from(["\n", "\n   ", "\n\t ", "\n\n  "]),
    ),
    max_size=10,
).map("".join)
_braced = st.recursive(
    _leaf,
    lambda inner: st.tuples(inner, inner, inner).map(lambda t: f"{t[0]}{{{t[1]}}}{t[2]}"),
    max_leaves=4,
)
_value = st.one_of(
    _braced.map(lambda v: "{" + v + "}"),
    _braced.filter(lambda v: '"' not in v).map(lambda v: '"' + v + '"'),
    st.integers(0, 3000).map(str),
    st.sampled_from(["jan", "Feb", "jnl", "{May}", '"October"', "{12}"]),
)
_concatenation = st.lists(_value, min_size=1, max_size=3).map(" # ".join)
_field_name = st.sampled_from(
    ["Author", "title", "YEAR", "month", "journal", "note", "pages", "x-custom", "Date", "url"]
)
_entry = st.builds(
    lambda kind, key, fields, indent: (
        "@"
        + kind
        + "{"
        + key
        + ",\n"
        + ",\n".join(f"{indent}{name} = {value}" for name, value in fields)
        + "\n}"
    ),
    st.sampled_from(["article", "Book", "MISC", "inproceedings"]),
    st.text(st.sampled_from("abcK0129:-_"), min_size=1, max_size=8),
    st.lists(
        st.tuples(_field_name, _concatenation), max_size=5, unique_by=lambda pair: pair[0].lower()
    ),
    st.sampled_from(["", "  ", "\t", "      "]),
)
_other = st.one_of(
    st.builds(lambda v: f"@string{{jnl = {v}}}", _value),
    st.builds(lambda w: f"% {w}", _word),
    st.builds(lambda w: f"@comment{{{w}}}", _word),
    st.builds(lambda w: f'@preamble{{"{w}"}}', _word),
)
# Blocks apart (a blank line) or touching (a comment right above an entry belongs to it).
_file = st.lists(
    st.tuples(st.one_of(_entry, _entry, _other), st.sampled_from(["\n", "\n\n"])), max_size=6
).map(lambda blocks: "".join(b + sep for b, sep in blocks))


def _comment_lines(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if line.startswith(("%", "@comment")))


def _attached(text: str) -> set[tuple[str, str]]:
    """(comment line, entry head) for every comment line written right above an entry."""
    lines = text.splitlines()
    return {
        (above, line)
        for above, line in pairwise(lines)
        if above.startswith(("%", "@comment"))
        and line.startswith("@")
        and not line.lower().startswith(("@comment", "@string", "@preamble"))
    }


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(_file, st.sampled_from([None, "key", "year", "author"]))
def test_tidy_is_idempotent(text: str, order: str | None) -> None:
    once = tidy_bibtex(text, sort=order)  # type: ignore[arg-type]
    assert tidy_bibtex(once, sort=order) == once  # type: ignore[arg-type]
    assert _entries(once) == _entries(text)
    assert _comment_lines(once) == _comment_lines(text)  # no comment lost or doubled
    heads = {(c, head.lower().split(",")[0]) for c, head in _attached(text)}
    assert heads <= {(c, head.lower().split(",")[0]) for c, head in _attached(once)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "@article(key1, title = {A}, year = 2000)\n",
            "@article{key1,\n  title = {A},\n  year = {2000}\n}\n",
        ),
        (
            "@article{k,\r\n  title = {A\r\n  B},\r\n  year = 2000\r\n}\r\n",
            "@article{k,\r\n  title = {A\r\n  B},\r\n  year = {2000}\r\n}\r\n",
        ),
        ('@string{a = "x", b = "y"}', '@string{a = "x", b = "y"}\n'),  # not ours to repair
        (
            '@article{k, author = {A} # " and " # {B}}',
            "@article{k,\n  author = {A} # { and } # {B}\n}\n",
        ),
        (
            "@article{k, title={T}}@book{j, title={U}}",
            "@article{k,\n  title = {T}\n}\n\n@book{j,\n  title = {U}\n}\n",
        ),
        ("", ""),
    ],
)
def test_edge_cases_are_tidied_once_and_for_all(text: str, expected: str) -> None:
    assert tidy_bibtex(text) == expected
    assert is_tidy(expected)


def test_entry_types_starting_with_comment_stay_entries() -> None:
    """bibtexparser reads ``@commentary`` as a comment; tidy must not rewrite it to one."""
    text = "@commentary{k1, author={Doe, Jane}, title={Notes}, year=2001}\n@comment{keep me}\n"
    assert tidy_bibtex(text) == (
        "@commentary{k1,\n  author = {Doe, Jane},\n  title = {Notes},\n  year = {2001}\n}\n"
        "\n@comment{keep me}\n"
    )


def test_sorting_by_author_parses_names_as_bibtex_does() -> None:
    """Family name without the von part (biblatex's default), then given name."""
    text = """@book{vivaldi, author = {Vivaldi, Antonio}, year = 1720}
@book{inverted, author = {van Beethoven, Ludwig}, year = 1801}
@book{jsbach, author = {Johann Sebastian Bach and Someone Else}, year = 1750}
@book{natural, author = {Ludwig van Beethoven}, year = 1800}
@book{cpebach, author = {Bach, Carl Philipp Emanuel}, year = 1760}
@book{prefixed, author = {van Anders, Zoe}, options = {useprefix=true}, year = 1900}
@book{braced, editor = {{van de Pol}, Anna}, year = 1990}
"""
    keys = [
        line[6:-1]
        for line in tidy_bibtex(text, sort="author").splitlines()
        if line.startswith("@book{")
    ]
    assert keys == ["cpebach", "jsbach", "natural", "inverted", "prefixed", "braced", "vivaldi"]


def test_multi_line_values_keep_their_text_exactly() -> None:
    """Line breaks and indentation inside a value are kept as written: the reader keeps
    raw LaTeX with them (``@raw``), so changing them would change the CSL-JSON."""
    text = (
        "@misc{k,\n  annotation   = {One two\n                  three\n\n"
        "                    four},\n  url          = {http://a.example/\n      b}\n}\n"
    )
    once = tidy_bibtex(text)
    assert once == (
        "@misc{k,\n  url = {http://a.example/\n      b},\n"
        "  annotation = {One two\n                  three\n\n"
        "                    four}\n}\n"
    )
    assert tidy_bibtex(once) == once
    assert (
        read_string(once, "biblatex").library.to_json()
        == read_string(text, "biblatex").library.to_json()
    )


def _records(text: str) -> dict[str, Any]:
    """The CSL records read from BibTeX text, by id.  ``@inherited`` (which fields
    came from a crossref parent) is a set kept as a list in the parent's field order."""
    records: dict[str, Any] = {}
    for item in read_string(text, "biblatex").library.to_json():
        kept = item.get("custom", {}).get("biblatex", {})
        if "@inherited" in kept:
            kept["@inherited"] = sorted(kept["@inherited"])
        records[str(item["id"])] = item
    return records


def test_real_corpus_reads_as_the_same_records_after_tidying(shared: Path) -> None:
    text = (shared / "corpus" / "biblatex-examples.bib").read_text(encoding="utf-8")
    before = _records(text)
    for order in (None, "author"):
        assert _records(tidy_bibtex(text, sort=order)) == before  # type: ignore[arg-type]


def test_an_unparsed_block_stays_byte_for_byte_in_its_place_with_crlf() -> None:
    broken = "@book{broken,\r\n  title = {Unterminated,\r\n  year = {1999}"
    text = f"@misc{{a, title={{A}}}}\r\n{broken}\r\n\r\n@misc{{b, title={{B}}}}\r\n"
    result = tidy(text, filename="x.bib")
    assert result.text == (
        "@misc{a,\r\n  title = {A}\r\n}\r\n\r\n"
        + broken
        + "\r\n\r\n@misc{b,\r\n  title = {B}\r\n}\r\n"
    )
    assert tidy(result.text).text == result.text


def test_an_unparsed_block_keeps_its_own_line_endings_in_a_mixed_file() -> None:
    broken = "@book{broken,\r\n  title = {open,\n  year = {1}"
    text = f"@misc{{a, title={{A}}}}\n{broken}\r\n\n@misc{{b, title={{B}}}}\n"
    out = tidy(text).text
    assert out == f"@misc{{a,\n  title = {{A}}\n}}\n\n{broken}\n\n@misc{{b,\n  title = {{B}}\n}}\n"
    assert tidy(out).text == out


def test_a_block_that_cannot_be_parsed_is_named_by_its_key() -> None:
    text = (
        "@book{good, title={A}}\n\n@book{unterminated, title={Never closed}\n\n"
        "@book{after, title={B}}\n"
    )
    result = tidy(text, filename="refs.bib")
    problems = [d for d in result.diagnostics if d.code == "bibtex-syntax"]
    assert [(d.key, d.file) for d in problems] == [("unterminated", "refs.bib")]
    assert "@book{unterminated, title={Never closed}" in result.text


def test_an_entry_broken_after_its_key_is_kept_whole_not_split_into_a_comment() -> None:
    # the splitter gives up at 'author =' and reads the rest of the entry as free text
    broken = "@book{nokeycomma\n  author = {G, H},\n  title = {No Comma},\n  year = {2003},\n}"
    text = f"{broken}\n% about the next one\n@misc{{ok, TITLE={{T}}}}\n"
    result = tidy(text, sort="key", filename="x.bib")
    assert result.text == f"{broken}\n\n% about the next one\n@misc{{ok,\n  title = {{T}}\n}}\n"
    assert [(d.code, d.key) for d in result.diagnostics] == [("bibtex-syntax", "nokeycomma")]
    assert tidy(result.text, sort="key").text == result.text


def test_the_rest_of_a_broken_entry_keeps_its_blank_lines_and_line_endings() -> None:
    broken = "@book{nokeycomma\r\n  author =\r\n {G, H},\r\n  abstract = {p1\r\n\r\np2},  \r\n}"
    text = f"{broken}\r\n\r\n% remark  \r\n@misc{{ok, title={{T}}}}\r\n"
    out = tidy(text).text
    assert out == f"{broken}\r\n\r\n% remark\r\n@misc{{ok,\r\n  title = {{T}}\r\n}}\r\n"


CROSSREFS = """@proceedings{Conf2020, title = {Conf}, year = 2020}
@inproceedings{zed, crossref = {conf2020}, title = {Z}, year = 2020}
@proceedings{Series, title = {S}, crossref = {Aaa}, year = 2019}
@inproceedings{alpha, crossref = {CONF2020}, title = {A}, year = 2021}
@misc{b, title = {B}, year = 2000}
@book{Aaa, title = {Grandparent}, year = 1990}
"""


@pytest.mark.parametrize("order", ["key", "year", "author"])
def test_sorting_puts_a_crossref_parent_after_its_last_child(order: str) -> None:
    out = tidy_bibtex(CROSSREFS, sort=order)  # type: ignore[arg-type]
    keys = [line.split("{")[1].rstrip(",") for line in out.splitlines() if line.startswith("@")]
    assert sorted(keys) == ["Aaa", "Conf2020", "Series", "alpha", "b", "zed"]
    assert keys.index("Conf2020") > max(keys.index("zed"), keys.index("alpha"))
    assert keys.index("Aaa") > keys.index("Series")
    assert tidy_bibtex(out, sort=order) == out  # type: ignore[arg-type]


def test_sorting_moves_a_crossref_parent_no_further_than_below_its_last_child() -> None:
    out = tidy_bibtex(CROSSREFS, sort="key")
    keys = [line.split("{")[1].rstrip(",") for line in out.splitlines() if line.startswith("@")]
    assert keys == ["alpha", "b", "Series", "Aaa", "zed", "Conf2020"]

"""Comments written directly above an entry belong to it: sorting moves them along.

A ``%`` comment, an ``@comment{...}`` or free text with no blank line between
it and the entry below moves with that entry under ``--sort``; a file header
(a blank line below it) stays at the top, trailing text stays at the end, and
the tidied text keeps each attachment visible (no blank line inserted) so that
formatting again, sorted or not, finds the same attachments.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.formats import read_string
from citekit.ops.tidy import tidy, tidy_bibtex

# Three entries whose order differs by key, by year and by author.
MIXED = """% Library header: written by hand.
% Second header line.

% Gamma's note: a comment directly above the entry.
@book{gamma, author = {Able, Ann}, title = {G}, year = 2003}

@comment{about alpha}
@book{alpha, author = {Cole, Cy}, title = {A}, year = 2001}
Free text about beta, right above it.
@book{beta, author = {Bell, Bo}, title = {B}, year = 2002}

% trailing remark
"""

HEADER = "% Library header: written by hand.\n% Second header line.\n\n"
GAMMA = (
    "% Gamma's note: a comment directly above the entry.\n@book{gamma,\n"
    "  author = {Able, Ann},\n  title = {G},\n  year = {2003}\n}"
)
ALPHA = (
    "@comment{about alpha}\n@book{alpha,\n"
    "  author = {Cole, Cy},\n  title = {A},\n  year = {2001}\n}"
)
BETA = (
    "Free text about beta, right above it.\n@book{beta,\n"
    "  author = {Bell, Bo},\n  title = {B},\n  year = {2002}\n}"
)
TRAILER = "\n\n% trailing remark\n"

ORDERS = {
    None: [GAMMA, ALPHA, BETA],
    "key": [ALPHA, BETA, GAMMA],
    "year": [ALPHA, BETA, GAMMA],
    "author": [GAMMA, BETA, ALPHA],
}


@pytest.mark.parametrize("order", list(ORDERS))
def test_comments_move_with_their_entry(order: str | None) -> None:
    expected = HEADER + "\n\n".join(ORDERS[order]) + TRAILER
    result = tidy(MIXED, sort=order)  # type: ignore[arg-type]
    assert result.text == expected
    assert result.diagnostics == []
    assert tidy_bibtex(result.text, sort=order) == result.text  # type: ignore[arg-type]


@pytest.mark.parametrize("order", ["key", "year", "author"])
def test_format_sort_through_the_cli(tmp_path: Path, order: str) -> None:
    source = tmp_path / "refs.bib"
    source.write_text(MIXED, encoding="utf-8")
    result = CliRunner().invoke(main, ["format", "--sort", order, str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout == HEADER + "\n\n".join(ORDERS[order]) + TRAILER
    tidied = tmp_path / "tidy.bib"
    tidied.write_text(result.stdout, encoding="utf-8")
    check = CliRunner().invoke(main, ["format", "--sort", order, "--check", str(tidied)])
    assert check.exit_code == 0, check.output
    in_place = CliRunner().invoke(main, ["format", "--sort", order, "--in-place", str(source)])
    assert in_place.exit_code == 0, in_place.output
    assert source.read_text(encoding="utf-8") == result.stdout


def test_a_header_with_no_blank_line_below_belongs_to_the_first_entry() -> None:
    text = "% About zed only\n@misc{zed, title={Z}}\n\n@misc{ant, title={A}}\n"
    assert tidy_bibtex(text, sort="key") == (
        "@misc{ant,\n  title = {A}\n}\n\n% About zed only\n@misc{zed,\n  title = {Z}\n}\n"
    )


def test_a_comment_with_a_blank_line_below_stays_in_its_place() -> None:
    """A section heading is not about the next entry alone: like @string, it stays put."""
    text = (
        "@misc{b, title={B}}\n\n% --- Section two ---\n\n"
        "@misc{c, title={C}}\n\n@misc{a, title={A}}\n"
    )
    lines = [
        line for line in tidy_bibtex(text, sort="key").splitlines() if line.startswith(("@", "%"))
    ]
    assert lines == ["@misc{a,", "% --- Section two ---", "@misc{b,", "@misc{c,"]


def test_only_the_paragraph_right_above_an_entry_moves() -> None:
    """Header and entry comment in one run of ``%`` lines, split by a blank line."""
    text = "% header\n\n\n% about b\n@misc{b, title={B}}\n@misc{a, title={A}}\n"
    assert tidy_bibtex(text, sort="key") == (
        "% header\n\n@misc{a,\n  title = {A}\n}\n\n% about b\n@misc{b,\n  title = {B}\n}\n"
    )


def test_a_chain_of_comments_moves_as_one() -> None:
    text = "@misc{z, title={Z}}\n@comment{one}\n% two\n@misc{y, title={Y}}\n@misc{a, title={A}}\n"
    assert tidy_bibtex(text, sort="key") == (
        "@misc{a,\n  title = {A}\n}\n\n@comment{one}\n% two\n@misc{y,\n  title = {Y}\n}\n\n"
        "@misc{z,\n  title = {Z}\n}\n"
    )


def test_text_after_an_entry_is_not_attached_to_it() -> None:
    """Below an entry and above a blank line: it precedes no entry, so it stays."""
    text = "@misc{b, title={B}}\n% after b\n\n@misc{a, title={A}}\n"
    lines = [
        line for line in tidy_bibtex(text, sort="key").splitlines() if line.startswith(("@", "%"))
    ]
    assert lines == ["@misc{a,", "% after b", "@misc{b,"]


def test_jabref_metadata_describes_the_file_not_the_entry_below() -> None:
    text = (
        "@misc{b, title={B}}\n@comment{jabref-meta: databaseType:biblatex;}\n@misc{a, title={A}}\n"
    )
    lines = [line for line in tidy_bibtex(text, sort="key").splitlines() if line.startswith("@")]
    assert lines == ["@misc{a,", "@comment{jabref-meta: databaseType:biblatex;}", "@misc{b,"]


def test_unsorted_tidy_keeps_comments_directly_above_their_entry() -> None:
    text = '% note\n@Misc{k,  Title = "T"}\n'
    assert tidy_bibtex(text) == "% note\n@misc{k,\n  title = {T}\n}\n"


def test_crlf_files_keep_attachments() -> None:
    text = "% about b\r\n@misc{b, title={B}}\r\n\r\n@misc{a, title={A}}\r\n"
    once = tidy_bibtex(text, sort="key")
    assert once == (
        "@misc{a,\r\n  title = {A}\r\n}\r\n\r\n% about b\r\n@misc{b,\r\n  title = {B}\r\n}\r\n"
    )
    assert tidy_bibtex(once, sort="key") == once


def test_sorting_never_moves_an_entry_above_a_macro_it_uses() -> None:
    """@string definitions below the first entry move up to above it when sorting."""
    text = (
        "@misc{z, journal = jnl, title = {Z}}\n\n@string{jnl = {Journal}}\n\n"
        "@misc{a, journal = jnl # { B}, title = {A}}\n"
    )
    once = tidy(text, sort="key")
    before = read_string(text, "biblatex").library
    after = read_string(once.text, "biblatex").library
    assert after["a"].to_json() == before["a"].to_json()
    assert after["a"]["container-title"] == "Journal B"
    assert [line for line in once.text.splitlines() if line.startswith("@")] == [
        "@string{jnl = {Journal}}",
        "@misc{a,",
        "@misc{z,",
    ]
    assert tidy_bibtex(once.text, sort="key") == once.text


def test_a_macro_defined_twice_is_warned_about_when_sorting() -> None:
    text = "@string{j = {One}}\n@misc{b, journal = j}\n@string{j = {Two}}\n@misc{a, journal = j}\n"
    codes = [d.code for d in tidy(text, sort="key").diagnostics]
    assert "sort-macro-redefined" in codes
    assert "sort-macro-redefined" not in [d.code for d in tidy(text).diagnostics]


def test_a_remark_on_an_entrys_last_line_is_not_given_to_the_next_entry() -> None:
    text = "@misc{b, title={B}} % said of b\n@misc{a, title={A}}\n"
    assert tidy_bibtex(text, sort="key") == (
        "@misc{a,\n  title = {A}\n}\n\n% said of b\n\n@misc{b,\n  title = {B}\n}\n"
    )
    text = "@string{j = {J}} % a remark\n% about z\n@misc{z, title={Z}}\n@misc{a, title={A}}\n"
    once = tidy_bibtex(text, sort="key")
    assert once == (
        "@string{j = {J}}\n\n% a remark\n\n@misc{a,\n  title = {A}\n}\n\n"
        "% about z\n@misc{z,\n  title = {Z}\n}\n"
    )
    assert tidy_bibtex(once, sort="key") == once


def test_a_comment_line_between_fields_is_kept_as_written_above_its_field() -> None:
    text = (
        "@Article{a,\n  % TODO: Check DOI with Crossref (ask Maria)\n  DOI = {10.1/x},\n"
        "  Title = {T},\n  Year = 2000\n}\n"
    )
    out = tidy(text).text
    assert out == (
        "@article{a,\n  title = {T},\n  year = {2000},\n"
        "  % TODO: Check DOI with Crossref (ask Maria)\n  doi = {10.1/x}\n}\n"
    )
    assert tidy(out).text == out


def test_a_commented_field_still_counts_for_sorting() -> None:
    text = "@misc{b,\n  % checked\n  Year = 1990\n}\n\n@misc{a,\n  year = 2010\n}\n"
    out = tidy(text, sort="year").text
    assert out.index("@misc{b,") < out.index("@misc{a,")
    assert "  % checked\n  year = {1990}\n" in out


def test_a_comment_line_with_an_equals_sign_inside_an_entry_is_kept() -> None:
    # bibtexparser reads '% X' as a field name here; it must come back as written
    text = "@misc{a,\n  title = {T},\n  % X = y\n  doi = {10.1/x}\n}\n"
    assert tidy(text).text == text

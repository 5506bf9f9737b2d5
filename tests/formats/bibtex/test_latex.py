"""LaTeX <-> Unicode conversion for .bib field text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.formats.bibtex.latex import (
    _CHANGING_CHAR,
    _DECODED,
    _DECODED_LOSSY,
    _DECODING_CHANGES,
    _LEFT_AS_WRITTEN,
    _NEEDS_WORK,
    _NEEDS_WORK_CHAR,
    _REMEMBERED_LIMIT,
    _SPACES,
    MAX_NESTING,
    NOCASE_OPEN,
    LatexNestingError,
    _decode,
    _decode_lossy,
    _Decoder,
    _scan_closing_brace,
    _tex_left_as_written,
    closing_brace,
    collapse_space,
    decode,
    decode_lossy,
    encode,
    strip_markup,
    tex_left_as_written,
)

SC = '<span style="font-variant:small-caps;">'


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("\\'e", "é"),
        ("{\\'e}", "é"),
        ("\\'{e}", "é"),
        ('\\"{\\i}', "ï"),
        ("\\'\\i", "í"),
        ("\\c{c}", "ç"),
        ("\\c c", "ç"),
        ("\\v{s}", "š"),
        ("\\v s", "š"),
        ("\\u{a}", "ă"),
        ("\\H{o}", "ő"),
        ("\\k{a}", "ą"),
        ("\\={a}", "ā"),
        ("\\.{z}", "ż"),
        ("\\~{n}", "ñ"),
        ("\\~n", "ñ"),
        ("\\^{a}", "â"),
        ("\\`{a}", "à"),
        ("\\`a", "à"),
        ('{\\"O}zkal', "Özkal"),
        ("\\r{a}", "å"),
        ("\\'{E}", "É"),
    ],
)
def test_accents_in_every_spelling(latex: str, text: str) -> None:
    assert decode(latex, nocase=False) == text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        # cdl.bib MereEtal96: "Calbindin-D\~{} 2\~{} 8\~{} k" printed "D̃ 2̃ 8̃ k".
        ("Calbindin-D\\~{} 2\\~{} 8\\~{} k", "Calbindin-D~ 2~ 8~ k"),
        ("\\~{}", "~"),
        ("a\\^{}b", "a^b"),
        ("x\\'{}", "x\u00b4"),
        ('\\"{}', "\u00a8"),
    ],
)
def test_an_accent_over_nothing_prints_on_its_own(latex: str, text: str) -> None:
    """TeX sets an accent with an empty argument by itself: no combining mark
    may land on the letter before it."""
    decoded = decode(latex, nocase=False)
    assert decoded == text
    assert not any(unicodedata.combining(c) for c in decoded)


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("\\ss", "ß"),
        ("\\o", "ø"),
        ("\\O", "Ø"),
        ("\\ae", "æ"),
        ("\\AE", "Æ"),
        ("\\oe", "œ"),
        ("\\aa", "å"),
        ("\\l", "ł"),
        ("\\L", "Ł"),
        ("\\i", "ı"),
        ("\\j", "ȷ"),
        ("{\\ss}", "ß"),
        ("Stra\\ss e", "Straße"),
        ("Stra\\ss{}e", "Straße"),
    ],
)
def test_special_letters(latex: str, text: str) -> None:
    assert decode(latex, nocase=False) == text


def test_dashes_spaces_and_quotes() -> None:
    assert decode("1--2") == "1–2"
    assert decode("yes---no") == "yes—no"
    assert decode("a-b") == "a-b"
    assert decode("Dr.~Who") == "Dr.\u00a0Who"
    assert decode("``quoted''") == "“quoted”"
    assert decode("`single'") == "‘single’"  # TeX prints the closing quote ’


def test_escaped_specials() -> None:
    assert decode("\\& \\% \\$ \\_ \\# \\{ \\}") == "& % $ _ # { }"


def test_font_commands_become_csl_markup() -> None:
    assert decode("\\emph{a} \\textit{b}") == "<i>a</i> <i>b</i>"
    assert decode("\\textbf{bold}") == "<b>bold</b>"
    assert decode("\\textsc{mcxcviii}") == f"{SC}mcxcviii</span>"
    assert decode("H\\textsubscript{2}O x\\textsuperscript{2}") == "H<sub>2</sub>O x<sup>2</sup>"
    assert decode("{\\em Italic} and {\\bf bold}") == "<i>Italic</i> and <b>bold</b>"


def test_urls_and_links() -> None:
    assert decode("see \\url{http://x.org/a_b~c}") == "see http://x.org/a_b~c"
    text, lossy = decode_lossy("\\href{http://u.org}{the text}")
    assert text == "the text"
    assert lossy  # the link target cannot be written back from the text


def test_math_unicode_can_write_becomes_text() -> None:
    # As pandoc renders it: the "Adaptive $\\epsilon$-Ranking" is "Adaptive ϵ-Ranking".
    assert decode("Adaptive $\\epsilon$-Ranking", nocase=False) == "Adaptive ϵ-Ranking"
    assert decode("the $k$-means and $\\alpha_1$ values", nocase=False) == (
        "the k-means and α₁ values"
    )
    # In titles the math is case-protected, as pandoc keeps math out of case changes.
    assert decode("$\\gamma$-band") == f"{NOCASE_OPEN}γ</span>-band"
    # Writing the decoded text loses the TeX: the reader keeps the raw field.
    assert decode_lossy("$x^2$")[1]


def test_latex_math_delimiters_are_math_too() -> None:
    # iridia DoeGieWitYan2019: "The ({1+\\(\\lambda\\)}) evolutionary algorithm" printed
    # "\\(λ\\)" with its delimiters; \\( \\) and \\[ \\] are math as $ and $$ are.
    assert decode("The ({1+\\(\\lambda\\)}) evolutionary", nocase=False) == (
        "The (1+λ) evolutionary"
    )
    assert decode("a \\[x^2\\] b", nocase=False) == "a x² b"
    assert decode("a \\(\\epsilon\\) b") == f"a {NOCASE_OPEN}ϵ</span> b"
    assert decode("a \\( b", nocase=False) == "a \\( b"  # never closed: kept as written


def test_math_unicode_cannot_write_stays_math_and_is_listed() -> None:
    text = "GABA$_B$ and $\\binom{n}{k}$"
    assert decode(text) == text  # LaTeX output and the writer need it as TeX
    assert tex_left_as_written(text) == ["$_B$", "$\\binom{n}{k}$"]
    assert encode(decode(text)) == text
    assert decode("costs $5") == "costs $5"  # a lone dollar is a dollar


def test_unknown_commands_are_listed_not_mangled() -> None:
    # Two arguments run together ("–901968") would be wrong: kept as written.
    assert decode("{\\switchargs{--90}{1968}}") == "\\switchargs{--90}{1968}"
    assert encode(decode("{\\switchargs{--90}{1968}}")) == "\\switchargs{--90}{1968}"
    # One argument: its text, as before (\\rpackage{irace} is "irace").
    assert decode("the \\rpackage{irace} package") == "the irace package"
    assert tex_left_as_written("X {\\switchargs{--90}{1968}} \\rpackage{irace} \\foo") == [
        "\\switchargs",
        "\\rpackage",
        "\\foo",
    ]
    # A Greek letter typed without its dollars is the letter.
    assert decode("the \\theta rhythm", nocase=False) == "the θ rhythm"
    assert decode("{\\lambda}-MMAS", nocase=False) == "λ-MMAS"
    assert tex_left_as_written("the \\theta rhythm") == []
    # Known commands, URLs and convertible math are not listed.
    assert tex_left_as_written("\\emph{a} \\'e \\url{http://x.org} $\\alpha$ \\TeX{}") == []


def test_case_protection_becomes_nocase_spans() -> None:
    assert decode("The {DNA} of {Homo Sapiens}") == (
        f"The {NOCASE_OPEN}DNA</span> of {NOCASE_OPEN}Homo Sapiens</span>"
    )
    # A group that starts with a command is a special character, not protection.
    assert decode("Eccl{\\'e}siastique") == "Ecclésiastique"
    # Nested groups inside protection are not protected twice.
    assert decode("{A {B} C}") == f"{NOCASE_OPEN}A B C</span>"
    assert decode("Mc{C}lelland", nocase=False) == "McClelland"


def test_fast_path_keeps_plain_text() -> None:
    text = "An iterative procedure for the polygonal approximation of plane curves"
    assert decode(text) is text


def test_whitespace_collapses_like_tex() -> None:
    assert decode("multi\n   line\ttext") == "multi line text"


def test_unknown_commands() -> None:
    text, lossy = decode_lossy("\\rpackage{irace} tuning")
    assert text == "irace tuning"
    assert lossy
    assert decode("\\MaxMinAntSystem{} ants") == "\\MaxMinAntSystem{} ants"


def test_encode_reverses_markup_and_specials() -> None:
    assert encode(f"The {NOCASE_OPEN}DNA</span> of <i>Homo</i>") == "The {DNA} of \\emph{Homo}"
    assert encode("<b>b</b> <sup>2</sup> <sub>2</sub>") == (
        "\\textbf{b} \\textsuperscript{2} \\textsubscript{2}"
    )
    assert encode(f"{SC}x</span>") == "\\textsc{x}"
    assert encode("R&D 50% #1 a_b") == "R\\&D 50\\% \\#1 a\\_b"
    assert encode("1–2 a—b “q” x\u00a0y") == "1--2 a---b ``q'' x~y"
    assert encode("$x_1$ costs") == "$x_1$ costs"


def test_encode_ascii() -> None:
    assert encode("Ecclésiastique") == "Ecclésiastique"
    assert encode("Ecclésiastique", ascii=True) == "Eccl{\\'e}siastique"
    assert encode("Straße Łódź", ascii=True) == "Stra{\\ss}e {\\L}{\\'o}d{\\'z}"
    assert encode("ï", ascii=True) == '{\\"\\i}'
    assert encode("ç", ascii=True) == "{\\c{c}}"


def test_strip_markup() -> None:
    assert strip_markup(f"<i>a</i> {NOCASE_OPEN}B</span>") == "a B"


_LETTERS = st.text(
    alphabet=st.sampled_from(list("abcdefXYZ éüçñøßłÅæœ–—“”&%#_'.,:;0123456789")),
    min_size=1,
    max_size=40,
)


@given(_LETTERS, st.booleans())
def test_encode_then_decode_round_trips(text: str, ascii: bool) -> None:
    expected = " ".join(text.split())
    assert decode(encode(expected, ascii=ascii)) == expected


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "<i>", "<b>", NOCASE_OPEN]),
            st.text(alphabet="abcXYZ é", min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_markup_round_trips(pieces: list[tuple[str, str]]) -> None:
    closers = {"<i>": "</i>", "<b>": "</b>", NOCASE_OPEN: "</span>", "": ""}
    text = "".join(f"{tag}{body}{closers[tag]}" for tag, body in pieces if body.strip())
    text = " ".join(text.split()) if "<" not in text else text
    if not text or text != text.strip() or "  " in text or "> " in text or " <" in text:
        return
    assert decode(encode(text)) == text


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("{a}", 0, 2),
        ("x{a{b}c}d", 1, 7),
        (r"{a\}b}", 0, 5),  # an escaped brace is a character, not a group
        (r"{a\{b}", 0, 5),
        ("{never", 0, -1),
        ("{a}}", 0, 2),
    ],
)
def test_closing_brace(text: str, start: int, end: int) -> None:
    assert closing_brace(text, start) == end


def test_an_unclosed_group_is_decoded_lossily() -> None:
    assert decode_lossy(r"\emph{open") == ("<i>open</i>", True)


def _closing_brace_by_characters(text: str, i: int) -> int:
    """The definition closing_brace must keep: a brace after a backslash is literal."""
    depth = 0
    for k in range(i, len(text)):
        if text[k] not in "{}" or (k and text[k - 1] == "\\"):
            continue
        depth += 1 if text[k] == "{" else -1
        if text[k] == "}" and depth == 0:
            return k
    return -1


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(["{", "}", "\\", "a", "{{{{", "}}}}", "\\{", "\\}"]), max_size=3000
    ).map("".join),
    st.integers(0, 50),
)
def test_closing_brace_skips_chunks_without_changing_the_answer(text: str, start: int) -> None:
    start = min(start, len(text))
    assert closing_brace(text, start) == _closing_brace_by_characters(text, start)


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_groups_close_where_they_should(depth: int) -> None:
    text = "\\{" + "{" * depth + "x\\}" + "}" * depth + "}"
    assert closing_brace(text, 2) == _closing_brace_by_characters(text, 2) == len(text) - 2
    assert decode("{" * depth + "x" + "}" * depth, nocase=False) == "x"


def test_accents_nest_up_to_the_limit_and_no_further() -> None:
    within = "\\'{" * MAX_NESTING + "e" + "}" * MAX_NESTING
    assert decode(within, nocase=False).startswith("é")
    beyond = "\\'{" * (MAX_NESTING + 1) + "e" + "}" * (MAX_NESTING + 1)
    with pytest.raises(LatexNestingError, match="nested more than"):
        decode(beyond)
    with pytest.raises(ValueError):  # LatexNestingError is a ValueError for callers
        decode_lossy("\\'{" * 40_000 + "}" * 40_000)


@pytest.mark.parametrize(
    "text", ["\ud800", "\\'{\ud800}", "{\ud800}", "\\c\ud800", "\\emph{\ud800", "\ud800--\udfff"]
)
def test_lone_surrogates_decode_and_encode_without_raising(text: str) -> None:
    decoded = decode(text)
    assert "\ud800" in decoded or "\udfff" in decoded or decoded == ""
    assert isinstance(encode(decoded, ascii=True), str)


# -- fast paths give what the full scans give ------------------------------------

_BRACY = st.text(alphabet=st.sampled_from(list("{}\\ab$ ")), max_size=16)


@settings(max_examples=300, deadline=None)
@given(_BRACY)
def test_closing_brace_finds_what_the_full_scan_finds(text: str) -> None:
    for i in range(len(text)):
        assert closing_brace(text, i) == _scan_closing_brace(text, i)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_BRACY, st.text(max_size=30)), st.booleans())
def test_remembered_decodings_are_the_decodings(text: str, nocase: bool) -> None:
    try:
        first = decode(text, nocase=nocase)
    except LatexNestingError:
        return  # not remembered; raised again each time
    assert decode(text, nocase=nocase) == first == _decode(text, nocase, 0)
    lossy = decode_lossy(text, nocase=nocase)
    assert decode_lossy(text, nocase=nocase) == lossy
    plain = _NEEDS_WORK.search(text) is None
    assert lossy == ((text.strip(), False) if plain else _decode_lossy(text, nocase))


# Text around the "decodes to itself" shortcut: single and double hyphens and
# apostrophes, backquotes, every white space that collapses or strips.
_HYPHENATED = st.lists(
    st.sampled_from(
        ["a", "B", "-", "--", "'", "''", "`", " ", "  ", "\n", "\t", "\f", "\v", "\u00a0", "~", "{"]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_HYPHENATED, st.booleans())
def test_text_that_decodes_to_itself_is_what_the_decoder_gives(text: str, nocase: bool) -> None:
    # The searches decode runs are the two patterns, taken apart.
    assert (_NEEDS_WORK.search(text) is None) == (
        _NEEDS_WORK_CHAR.search(text) is None and "  " not in text
    )
    assert (_DECODING_CHANGES.search(text) is None) == (
        _CHANGING_CHAR.search(text) is None
        and "  " not in text
        and "--" not in text
        and "''" not in text
    )
    assert decode(text, nocase=nocase) == _decode(text, nocase, 0)
    expected = (text.strip(), False) if _NEEDS_WORK.search(text) is None else None
    assert decode_lossy(text, nocase=nocase) == (expected or _decode_lossy(text, nocase))


@settings(max_examples=200, deadline=None)
@given(st.one_of(_BRACY, _HYPHENATED, st.sampled_from(["\\foo{x}", "$\\binom{n}{k}$"])))
def test_remembered_tex_left_as_written_is_worked_out_again(text: str) -> None:
    try:
        first = tex_left_as_written(text)
    except LatexNestingError:
        return
    assert tex_left_as_written(text) == first == _tex_left_as_written(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["a", "é", " ", "  ", "\t", "\n", "\r", "\f", "\v", "\x1c", "\x1f", "\u00a0", "\x85"]
        ),
        max_size=12,
    ).map("".join)
)
def test_collapsed_space_is_what_the_substitution_gives(text: str) -> None:
    assert collapse_space(text) == _SPACES.sub(" ", text).strip()


@settings(max_examples=200, deadline=None)
@given(st.one_of(_BRACY, _HYPHENATED, st.sampled_from(["\\foo{x} $\\binom{n}{k}$ {\\'E}"])))
def test_a_title_decoded_while_its_tex_is_listed_is_decoded_as_alone(text: str) -> None:
    # tex_left_as_written's run serves decode_lossy too: the same decoding and
    # the same loss as a run with case protection and nothing listed.
    _DECODED_LOSSY.clear()
    try:
        alone = decode_lossy(text)
    except LatexNestingError:
        return
    _DECODED_LOSSY.clear()
    _LEFT_AS_WRITTEN.clear()
    left = tex_left_as_written(text)
    assert decode_lossy(text) == alone
    unprotected = _Decoder(collapse_space(text), False)
    unprotected.run()
    assert left == list(dict.fromkeys(unprotected.unknown))


def test_the_tables_of_decoded_values_stay_bounded() -> None:
    for n in range(_REMEMBERED_LIMIT + 10):
        decode(f"\\'e{n}")
    assert len(_DECODED) <= _REMEMBERED_LIMIT


@pytest.mark.parametrize(
    "tex",
    [
        "\\MaxMinAntSystem{} ants",  # no argument, kept as written
        "\\switchargs{--90}{1968}",  # two arguments, kept as written
        "a \\foo b",  # a bare unknown command
        "Using \\texttt{grep}",  # font commands CSL has no markup for
        "Using {\\tt grep}",
        "\\mbox{x} \\textsf{y}",
    ],
)
def test_tex_the_decoded_text_cannot_say_is_lossy(tex: str) -> None:
    """The reader keeps the raw value of a lossy field: the only sign left, once
    the record has been through CSL-JSON, that its backslashes are TeX, and the
    only way back to ``\\texttt``."""
    assert decode_lossy(tex)[1]
    assert _decode_lossy(tex, True)[1]


def test_markup_csl_has_is_not_lossy() -> None:
    assert decode_lossy("\\emph{a} \\textbf{b} {\\em c} \\'e") == (
        "<i>a</i> <b>b</b> <i>c</i> é",
        False,
    )


def test_kept_commands_are_encoded_with_all_their_arguments() -> None:
    for kept in ("\\SI{5}{\\milli\\second}", "\\switchargs{--90}{1968}", "\\MaxMinAntSystem{}"):
        assert encode(f"in {kept} here") == f"in {kept} here"
        assert decode(encode(f"in {kept} here")) == decode(f"in {kept} here")


@pytest.mark.parametrize(
    ("text", "tex", "back"),
    [
        ("a\nb", "a\\newline b", "a\nb"),
        ("One.\n\nTwo.", "One.\\par Two.", "One.\n\nTwo."),
        ("One. \r\n\r\n  Two.", "One.\\par Two.", "One.\n\nTwo."),
        ("x \n y", "x\\newline y", "x\ny"),
    ],
)
def test_line_breaks_are_written_as_commands_that_read_back(text: str, tex: str, back: str) -> None:
    """A .bib value's own line breaks are white space to bibtex and biber."""
    assert encode(text) == tex
    assert decode(tex) == back
    assert decode("multi\n\n   line") == "multi line"  # typed breaks stay spaces


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("`single' and ``double''", "‘single’ and “double”"),
        ("`It's here', he said", "‘It's here’, he said"),
        ("`a' `b'", "‘a’ ‘b’"),
        ("O'Brien's 'quote'", "O'Brien's 'quote'"),  # no ` opened them: as typed
    ],
)
def test_a_quote_opened_with_a_backtick_closes_with_a_right_quote(tex: str, text: str) -> None:
    """TeX prints ``'`` as ’: `single' read as ‘single' had mismatched quotes."""
    assert decode(tex) == text
    assert decode(encode(text)) == text
    assert encode(text, ascii=True) == tex

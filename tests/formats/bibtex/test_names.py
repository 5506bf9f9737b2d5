"""The BibTeX name grammar and its mapping to CSL names."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.formats.bibtex.names import (
    _PARSED,
    _PARSED_LIMIT,
    _PARSED_LISTS,
    _is_lower,
    _parse_each,
    _parse_grammar,
    _parse_name,
    _parse_plain_name,
    _scan_is_lower,
    _scan_split_top,
    _split_top,
    format_name,
    format_names,
    parse_name,
    parse_names,
    split_names,
)
from citekit.model.records import Name


def names(raw: str, **kw: bool) -> list[dict[str, object]]:
    return [n.to_json() for n in parse_names(raw, **kw)]


def test_three_forms_of_the_grammar() -> None:
    assert names("Donald E. Knuth") == [{"family": "Knuth", "given": "Donald E."}]
    assert names("Knuth, Donald E.") == [{"family": "Knuth", "given": "Donald E."}]
    assert names("Rizzo, Jr, J. R.") == [{"family": "Rizzo", "given": "J. R.", "suffix": "Jr"}]
    assert names("Ludwig van Beethoven") == [
        {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}
    ]
    assert names("van Beethoven, Ludwig") == [
        {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}
    ]
    assert names("de la Fuente, Jr, Juan") == [
        {"family": "Fuente", "given": "Juan", "dropping-particle": "de la", "suffix": "Jr"}
    ]


def test_name_lists_split_on_and_outside_braces() -> None:
    assert len(parse_names("A Smith and B Jones AND C Brown")) == 3
    assert names("{Barnes and Noble}") == [{"literal": "Barnes and Noble"}]


def test_initials_and_hyphens_are_kept_as_written() -> None:
    # pandoc agrees: "C A Lindbergh" has given "C A" (cdl.bib writes initials so).
    assert names("C A Lindbergh") == [{"family": "Lindbergh", "given": "C A"}]
    assert names("Chuan-Jian Zhong") == [{"family": "Zhong", "given": "Chuan-Jian"}]
    assert names("S Weiner-Light") == [{"family": "Weiner-Light", "given": "S"}]


def test_braced_corporate_names_are_literal() -> None:
    assert names("{National Audubon Society} and G Lincoff") == [
        {"literal": "National Audubon Society"},
        {"family": "Lincoff", "given": "G"},
    ]


def test_and_others_is_the_literal_others_like_pandoc() -> None:
    # CSL-JSON has no et-al marker in data; pandoc writes {"literal": "others"}.
    assert names("A Smith and others")[-1] == {"literal": "others"}
    assert format_names(parse_names("A Smith and others")) == "Smith, A and others"


def test_particles() -> None:
    # biblatex's default (useprefix=false): the von part drops in citations.
    assert parse_name("van Gennep, Arnold").dropping_particle == "van"
    # useprefix=true keeps it with the family name: non-dropping.
    assert parse_name("van Gennep, Arnold", useprefix=True).non_dropping_particle == "van"
    # A braced family is one family name, particle and all, as BibTeX reads a
    # brace group (pandoc 2.17 splits off a non-dropping particle "van de").
    assert names("J {van de Pol}") == [{"family": "van de Pol", "given": "J"}]
    assert names("{van Overschelde}, James P.") == [
        {"family": "van Overschelde", "given": "James P."}
    ]
    # An apostrophe particle glued to the family name.
    assert names("Jean d'Alembert") == [
        {"family": "Alembert", "given": "Jean", "non-dropping-particle": "d'"}
    ]
    # A capitalised first word is part of the family name (biber and pandoc agree).
    assert names("Pinho de Souza, Jorge") == [{"family": "Pinho de Souza", "given": "Jorge"}]
    assert names("R {La Joie}") == [{"family": "La Joie", "given": "R"}]


def test_case_of_special_characters() -> None:
    # pandoc 2.17 reads {\'E}ric as lowercase (a von part); BibTeX's rule is the
    # case of the letter inside the special character, so "Éric" is a given name.
    assert names("{\\'E}ric D. Taillard") == [{"family": "Taillard", "given": "Éric D."}]
    assert names("{\\'A}lvaro Fialho") == [{"family": "Fialho", "given": "Álvaro"}]
    assert names("Silva-Mu\\~noz, Mois\\'es") == [{"family": "Silva-Muñoz", "given": "Moisés"}]
    assert names("V{\\'a}zques{ de }Parga, Luis") == [
        {"family": "Vázques de Parga", "given": "Luis"}
    ]


def test_biblatex_extended_name_format() -> None:
    assert names("family=Gennep, given=Arnold, prefix=van, useprefix=true") == [
        {"family": "Gennep", "given": "Arnold", "non-dropping-particle": "van"}
    ]


def test_format_name_reads_back() -> None:
    cases = [
        Name(family="Gennep", given="Arnold", non_dropping_particle="van"),
        Name(family="Gennep", given="Arnold", dropping_particle="van"),
        Name(family="Uría Ríu", given="Juan"),
        Name(family="Aristotle"),
        Name(family="vkolmakov"),
        Name(literal="World Health Organization"),
        Name(family="Rizzo", given="J. R.", suffix="Jr"),
        Name(family="Alembert", given="Jean", non_dropping_particle="d'"),
    ]
    for name in cases:
        assert parse_name(format_name(name)) == name, format_name(name)
    assert format_name(Name(family="Özkal", given="Erhan"), ascii=True) == '{\\"O}zkal, Erhan'


_WORD = st.text(alphabet="ABCDEFGHÉÖabcdefghéü", min_size=1, max_size=8).filter(
    lambda w: w[0].isupper()
)


@given(
    st.lists(
        st.tuples(
            _WORD,
            st.one_of(st.none(), _WORD),
            st.sampled_from([None, "van", "de la", "von"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_names_round_trip(specs: list[tuple[str, str | None, str | None, bool]]) -> None:
    people = [
        Name(
            family=family,
            given=given,
            non_dropping_particle=particle if particle and keep else None,
            dropping_particle=particle if particle and not keep else None,
        )
        for family, given, particle, keep in specs
    ]
    assert parse_names(format_names(people)) == people


def _split_by_characters(raw: str) -> list[str]:
    """The definition split_names keeps: split on "and" where no brace is open."""
    names: list[str] = []
    start = 0
    for m in re.finditer(r"\s+and\s+", raw, re.IGNORECASE):
        before = raw[: m.start()]
        depth = sum(
            (ch == "{") - (ch == "}")
            for k, ch in enumerate(before)
            if not (k and before[k - 1] == "\\")
        )
        if depth == 0:
            names.append(raw[start : m.start()])
            start = m.end()
    names.append(raw[start:])
    return [n.strip() for n in names if n.strip()]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["{", "}", "\\", " and ", " AND ", "A", " ", "\\{", "\\}"]), max_size=40
    ).map("".join)
)
def test_split_names_counts_braces_incrementally(raw: str) -> None:
    if "{" in raw:
        assert split_names(raw) == _split_by_characters(raw)


def test_twenty_thousand_braced_names_split_in_one_pass() -> None:
    raw = " and ".join(["{A} B"] * 20_000)
    names = parse_names(raw)
    assert len(names) == 20_000 and names[-1].family == "B"


def test_lone_surrogates_in_names_never_raise() -> None:
    [name] = parse_names("{\ud800} Smith, \\'{\ud800}")
    assert name.family == "{\ud800} Smith".replace("{", "").replace("}", "")
    assert isinstance(format_names(parse_names("A\ud800 and B")), str)


def test_static_ordering_in_the_extended_name_format() -> None:
    # Romanised East Asian names printed family name first (issue 13).
    assert names("family=Mao, given=Zedong, static-ordering=true") == [
        {"family": "Mao", "given": "Zedong", "static-ordering": True}
    ]
    assert names("family={Kim}, given={Il-sung}, static-ordering=true and Moon, Jae-in") == [
        {"family": "Kim", "given": "Il-sung", "static-ordering": True},
        {"family": "Moon", "given": "Jae-in"},
    ]
    assert names("family=Mao, given=Zedong, static-ordering=false") == [
        {"family": "Mao", "given": "Zedong"}
    ]


def test_static_ordering_and_non_dropping_particles_are_written_back() -> None:
    mao = Name(family="Mao", given="Zedong", static_ordering=True)
    assert format_name(mao) == "family={Mao}, given={Zedong}, static-ordering=true"
    assert parse_name(format_name(mao)) == mao
    # Classic BibTeX cannot read the extended format: the mark is lost there.
    assert format_name(mao, extended=False) == "Mao, Zedong"
    gennep = Name(family="Gennep", given="Arnold", non_dropping_particle="van")
    assert format_name(gennep) == "family={Gennep}, given={Arnold}, prefix={van}, useprefix=true"
    assert format_name(gennep, extended=False) == "van Gennep, Arnold"


# -- fast paths give what the full scans give ------------------------------------

_NAME_TEXT = st.lists(
    st.sampled_from(
        ["van", "de", "Gogh", "J", "A.", "Smith", ",", " ", "\t", "~", "-", "d'", "Ü", "ß", "2"]
    ),
    max_size=12,
).map("".join)
_BRACED_NAME_TEXT = st.lists(
    st.sampled_from(["{", "}", "\\", "'", "e", "E", "van", " ", ",", "~"]), max_size=10
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_NAME_TEXT, _BRACED_NAME_TEXT), st.sampled_from([",", " \t\n~"]))
def test_splitting_outside_braces_agrees_with_the_full_scan(text: str, seps: str) -> None:
    assert _split_top(text, seps) == _scan_split_top(text, seps)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_NAME_TEXT, _BRACED_NAME_TEXT))
def test_the_case_of_a_word_agrees_with_the_full_scan(word: str) -> None:
    assert _is_lower(word) == _scan_is_lower(word)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_NAME_TEXT, _BRACED_NAME_TEXT), st.booleans())
def test_a_remembered_name_is_the_name_parsed_again(raw: str, useprefix: bool) -> None:
    first = parse_name(raw, useprefix=useprefix)
    assert parse_name(raw, useprefix=useprefix) == first
    assert first == _parse_name(raw, useprefix=useprefix)
    assert parse_name(f" {raw} ", useprefix=useprefix) == first  # as _parse_name strips


# Plain-looking names and their near misses: capitals, lower-case words that
# would start a von part, "others", caseless and non-Latin letters, digits,
# the Roman numeral Ⅷ (upper case but not a letter), commas, white space of
# several kinds and each character that sends a name to the grammar.
_PLAIN_NAME_TEXT = st.lists(
    st.sampled_from(
        [
            "Smith",
            "J",
            "A.",
            "Ü",
            "ß",
            "van",
            "de",
            "others",
            "Others",
            "王",
            "Ⅷ",
            "2nd",
            "ǅ",
            ",",
            " ",
            "  ",
            "\t",
            "\n",
            "\u00a0",
            "{",
            "}",
            "\\",
            "~",
            "-",
            "--",
            "-A",
            "$",
            "`",
            "'",
            "’",
            "=",
            "family=",
        ]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_PLAIN_NAME_TEXT, _NAME_TEXT), st.booleans())
def test_a_plain_name_read_directly_is_the_name_the_grammar_gives(
    raw: str, useprefix: bool
) -> None:
    plain = _parse_plain_name(raw.strip())
    if plain is not None:
        assert plain == _parse_grammar(raw, useprefix=useprefix)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PLAIN_NAME_TEXT, _NAME_TEXT), max_size=4), st.booleans())
def test_a_list_of_names_is_each_name_parsed(parts: list[str], useprefix: bool) -> None:
    raw = " and ".join(parts)
    expected = [_parse_name(p, useprefix=useprefix) for p in split_names(raw)]
    for _ in range(2):  # parsed, then remembered
        assert parse_names(raw, useprefix=useprefix) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(_PLAIN_NAME_TEXT, _NAME_TEXT, st.just("")), max_size=4),
    st.lists(st.sampled_from([" and ", " AND ", "\tand\n", "  And  ", " and  and "]), min_size=3),
    st.booleans(),
)
def test_each_name_of_a_list_is_split_and_parsed_as_alone(
    parts: list[str], joiners: list[str], useprefix: bool
) -> None:
    # _parse_each splits and strips on its own: empty parts, white space and
    # "and" in any case must give what split_names and parse_name give.
    raw = parts[0] if parts else ""
    for joiner, part in zip(joiners, parts[1:], strict=False):
        raw += joiner + part
    expected = [_parse_name(p, useprefix=useprefix) for p in split_names(raw)]
    _PARSED.clear()
    assert _parse_each(raw, useprefix) == expected
    assert _parse_each(raw, useprefix) == expected  # the names remembered


def test_plain_names_take_the_direct_reading() -> None:
    # The property above must not pass vacuously: the common forms are plain.
    for raw in ("C A Lindbergh", "Lindbergh, C. A.", "Ramer", "Zoller, U", "S Weiner-Light"):
        assert _parse_plain_name(raw) == _parse_grammar(raw)
        assert _parse_plain_name(raw) is not None
    for raw in ("van Gogh, V", "R {La Joie}", "others", "d'Alembert, J", "A, B, C"):
        assert _parse_plain_name(raw) is None


def test_the_table_of_parsed_names_stays_bounded() -> None:
    for n in range(_PARSED_LIMIT + 10):
        parse_name(f"Person{n}, A")
    assert len(_PARSED) <= _PARSED_LIMIT


def test_the_table_of_parsed_lists_stays_bounded_and_gives_fresh_lists() -> None:
    for n in range(_PARSED_LIMIT + 10):
        parse_names(f"Person{n}, A and B, C")
    assert len(_PARSED_LISTS) <= _PARSED_LIMIT
    first = parse_names("Smith, J and Doe, A")
    first.append(Name(literal="x"))  # a caller's list is its own
    assert parse_names("Smith, J and Doe, A") == first[:2]
    assert len(parse_names("X, Y and " * 300 + "Z, W")) == 301  # too long to keep: parsed

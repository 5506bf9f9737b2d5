"""The BibTeX name grammar and its mapping to CSL names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from citekit.formats.bibnames import format_name, format_names, parse_name, parse_names
from citekit.model import Name


def names(raw: str, **kw: bool) -> list[dict[str, object]]:
    return [n.to_json() for n in parse_names(raw, **kw)]


def test_three_forms_of_the_grammar() -> None:
    assert names("Donald E. Knuth") == [{"family": "Knuth", "given": "Donald E."}]
    assert names("Knuth, Donald E.") == [{"family": "Knuth", "given": "Donald E."}]
    assert names("Rizzo, Jr, J. R.") == [{"family": "Rizzo", "given": "J. R.", "suffix": "Jr"}]
    assert names("Ludwig van Beethoven") == [
        {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}]
    assert names("van Beethoven, Ludwig") == [
        {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}]
    assert names("de la Fuente, Jr, Juan") == [
        {"family": "Fuente", "given": "Juan", "dropping-particle": "de la", "suffix": "Jr"}]


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
        {"literal": "National Audubon Society"}, {"family": "Lincoff", "given": "G"}]


def test_and_others_is_the_literal_others_like_pandoc() -> None:
    # CSL-JSON has no et-al marker in data; pandoc writes {"literal": "others"}.
    assert names("A Smith and others")[-1] == {"literal": "others"}
    assert format_names(parse_names("A Smith and others")) == "Smith, A and others"


def test_particles() -> None:
    # biblatex's default (useprefix=false): the von part drops in citations.
    assert parse_name("van Gennep, Arnold").dropping_particle == "van"
    # useprefix=true keeps it with the family name: non-dropping.
    assert parse_name("van Gennep, Arnold", useprefix=True).non_dropping_particle == "van"
    # A braced family keeps its lowercase particle attached (pandoc does the same).
    assert names("J {van de Pol}") == [
        {"family": "Pol", "given": "J", "non-dropping-particle": "van de"}]
    # An apostrophe particle glued to the family name.
    assert names("Jean d'Alembert") == [
        {"family": "Alembert", "given": "Jean", "non-dropping-particle": "d'"}]
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
        {"family": "Vázques de Parga", "given": "Luis"}]


def test_biblatex_extended_name_format() -> None:
    assert names("family=Gennep, given=Arnold, prefix=van, useprefix=true") == [
        {"family": "Gennep", "given": "Arnold", "non-dropping-particle": "van"}]


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
    lambda w: w[0].isupper())


@given(st.lists(st.tuples(_WORD, st.one_of(st.none(), _WORD),
                          st.sampled_from([None, "van", "de la", "von"]),
                          st.booleans()), min_size=1, max_size=4))
def test_names_round_trip(specs: list[tuple[str, str | None, str | None, bool]]) -> None:
    people = [
        Name(family=family, given=given,
             non_dropping_particle=particle if particle and keep else None,
             dropping_particle=particle if particle and not keep else None)
        for family, given, particle, keep in specs
    ]
    assert parse_names(format_names(people)) == people

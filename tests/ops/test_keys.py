"""Citation keys: the pattern language, transliteration, clashes, stability."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.base.text import transliterate
from citekit.model.records import Date, Library, Name, Record
from citekit.ops.keys import (
    KeyPattern,
    family_name,
    generate_keys,
    is_citation_key,
    rename_in_source,
    suffixes,
)


def _book(
    key: str, family: str | None, title: str, year: int | None = None, **names: list[Name]
) -> Record:
    record = Record(key, "book", title=title)
    if family is not None:
        record["author"] = [Name(family=family, given="X")]
    if year is not None:
        record["issued"] = Date.from_parts((year,))
    for variable, value in names.items():
        record[variable] = value
    return record


NON_ASCII = Library(
    [
        _book("1", "Gödel", "Über formal unentscheidbare Sätze der Principia Mathematica", 1931),
        _book("2", "Łukasiewicz", "O logice trójwartościowej", 1920),
        _book("3", "Ørsted", "The Æther and the Straße", 1820),
        _book(
            "4",
            None,
            "On the Continuity of the Gaseous and Liquid States",
            1873,
            author=[
                Name(family="Waals", non_dropping_particle="van der", given="J. D."),
                Name(family="Smith"),
                Name(family="Jones"),
            ],
        ),
        _book("5", "毛", "毛泽东选集", 1951),
        _book("6", "Þórðarson", "Íslensk fornrit", 1933),
    ]
)


def test_default_pattern_transliterates() -> None:
    renamed, _ = generate_keys(NON_ASCII)
    assert renamed == {
        "1": "Godel1931UberFormalUnentscheidbare",
        "2": "Lukasiewicz1920OLogiceTrojwartosciowej",
        "3": "Orsted1820AEtherStrasse",
        "4": "vanderWaals1873ContinuityGaseousLiquid",
        "5": "ref1951",  # CJK has no ASCII form: dropped, and the key gets a letter
        "6": "Thordarson1933IslenskFornrit",
    }


def test_modifiers_and_fields() -> None:
    def keys(pattern: str) -> list[str]:
        return list(generate_keys(NON_ASCII, pattern)[0].values())

    assert keys("{auth:lower}{year}")[:4] == [
        "godel1931",
        "lukasiewicz1920",
        "orsted1820",
        "vanderwaals1873",
    ]
    assert keys("{authors2}_{year}")[3] == "vanderWaalsSmithEtAl_1873"
    assert keys("{authors}")[3] == "vanderWaalsSmithJones"
    assert keys("{auth:upper:4}{title:capitalize}")[0] == "GODEUber"
    assert keys("{auth}{shorttitle1:lower}")[0] == "Godeluber"
    assert keys("{auth}-{shorttitle2}")[0] == "Godel-UberFormal"
    assert keys("{veryshorttitle}{year}")[3] == "Continuity1873"
    assert keys("{auth}{title:abbr}{year}")[0] == "GodelU1931"
    assert keys("{auth:capitalize}")[3] == "VanDerWaals"  # each word


def test_cjk_kept_when_unicode_keys_are_allowed() -> None:
    renamed, _ = generate_keys(NON_ASCII, "{auth}{year}", ascii_only=False)
    assert renamed["5"] == "毛1951"
    assert renamed["1"] == "Godel1931"  # accents still go: keys stay typeable


def test_transliteration_table() -> None:
    assert (
        transliterate("Straße Øre æble Łódź Đakovo þing ðú")
        == "Strasse Ore aeble Lodz Dakovo thing du"
    )
    assert transliterate("毛泽东") == ""
    assert transliterate("毛泽东", ascii_only=False) == "毛泽东"


def test_clashes_get_letter_suffixes() -> None:
    lib = Library([_book(str(i), "Doe", "Same", 2020) for i in range(30)])
    renamed, _ = generate_keys(lib, "{auth}{year}")
    values = list(renamed.values())
    assert values[:4] == ["Doe2020", "Doe2020a", "Doe2020b", "Doe2020c"]
    assert values[26:29] == ["Doe2020z", "Doe2020aa", "Doe2020ab"]
    assert len(set(values)) == 30
    gen = suffixes()
    assert [next(gen) for _ in range(28)][-3:] == ["z", "aa", "ab"]


def test_existing_keys_are_stable_unless_rekey() -> None:
    lib = Library(
        [
            _book("Doe2020", "Doe", "First", 2020),
            _book("12345", "Doe", "Second", 2020),
            _book("http://zotero.org/item/9", "Roe", "Third", 2021),
            _book("my key", "Poe", "Fourth", 2022),
            _book("keepme", "Moe", "Fifth", 2023),
        ]
    )
    renamed, new = generate_keys(lib, "{auth}{year}")
    assert renamed == {
        "12345": "Doe2020a",
        "http://zotero.org/item/9": "Roe2021",
        "my key": "Poe2022",
    }
    assert new.keys() == ["Doe2020", "Doe2020a", "Roe2021", "Poe2022", "keepme"]
    renamed, new = generate_keys(lib, "{auth}{year}", rekey=True)
    assert renamed == {
        "12345": "Doe2020a",
        "http://zotero.org/item/9": "Roe2021",
        "my key": "Poe2022",
        "keepme": "Moe2023",
    }
    assert lib.keys()[0] == "Doe2020"  # the input library is not changed
    assert generate_keys(new, "{auth}{year}")[0] == {}  # a second run changes nothing
    assert [is_citation_key(k) for k in ("a:b-1", "12", "", "a b", "x{y}")] == [
        True,
        False,
        False,
        False,
        False,
    ]


def test_crossref_pointers_follow_renamed_keys() -> None:
    parent = _book("1", "Editor", "Proceedings", 2000)
    child = Record(
        "2",
        "paper-conference",
        title="Paper",
        author=[Name(family="Author")],
        issued=Date.from_parts((2000,)),
        custom={"biblatex": {"crossref": "1", "xref": "1"}},
    )
    renamed, new = generate_keys(Library([parent, child]), "{auth}{year}")
    assert renamed == {"1": "Editor2000", "2": "Author2000"}
    assert new["Author2000"].custom["biblatex"] == {"crossref": "Editor2000", "xref": "Editor2000"}
    assert child.custom["biblatex"]["crossref"] == "1"


def test_bad_patterns_are_rejected() -> None:
    for pattern in ("{nope}", "{auth:shout}", "{year3}", "plain", "{auth", "{auth}}"):
        with pytest.raises(ValueError):
            KeyPattern.parse(pattern)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=12), st.text(max_size=30), st.none() | st.integers(1, 2100)),
        max_size=12,
    )
)
def test_generated_keys_are_unique_usable_keys(rows: list[tuple[str, str, int | None]]) -> None:
    lib = Library(
        [
            _book(f"id {i}", family or None, title, year)
            for i, (family, title, year) in enumerate(rows)
        ]
    )
    _, new = generate_keys(lib)
    assert len(set(new.keys())) == len(lib)
    for record in new:
        assert is_citation_key(record.key)
        assert record.key.isascii()


def test_rich_text_markup_is_not_part_of_a_key() -> None:
    record = _book(
        "x y", "Smith", '<i>Drosophila</i> and the <span class="nocase">TSP</span>', 1999
    )
    renamed, _ = generate_keys(Library([record]))
    assert renamed == {"x y": "Smith1999DrosophilaTSP"}


def test_family_name_keeps_the_non_dropping_particle_and_falls_back_to_given() -> None:
    assert family_name(Name(family="Gogh", given="V.", non_dropping_particle="van")) == "van Gogh"
    assert family_name(Name(family="Beethoven", given="L.", dropping_particle="van")) == (
        "Beethoven"
    )
    assert family_name(Name(given="Aristotle")) == "Aristotle"
    assert family_name(Name(literal="<i>WHO</i>")) == "WHO"
    assert family_name(Name()) == ""


# -- renaming in a .bib file's text (issue 12) --------------------------------------------


def test_rename_in_source_touches_only_keys_and_pointers_the_reader_sees() -> None:
    text = (
        "@misc{a, title = {A}}\r\n"
        "@book{broken, crossref = {a}, title = {open\r\n\r\n"  # unparsed: kept as is
        '@misc{c,\r\n  XREF = "a",\r\n  crossref = {a, d}\r\n} @misc{d, title={D}}\r\n'
        "@misc{a, title = {the duplicate the reader skips}}\r\n"
        "% crossref = {a}\r\n"
    )
    out = rename_in_source(text, {"a": "A1", "d": "D1"})
    assert out == (
        text.replace("@misc{a, title = {A}}", "@misc{A1, title = {A}}", 1)
        .replace('XREF = "a"', 'XREF = "A1"')
        .replace("{a, d}", "{A1, D1}")
        .replace("@misc{d,", "@misc{D1,")
    )


def test_rename_in_source_without_renames_is_the_text_itself() -> None:
    assert rename_in_source("@misc{a,}  % x", {}) == "@misc{a,}  % x"


POINTERS = """@proceedings{Conf2, title = {Proceedings}, editor = {Ed, Ed}, year = 2020}
@inproceedings{child, author = {Doe, Jane}, title = {Paper}, year = 2020,
  crossref = {conf2}, xdata = {conf2}}
@article{other, author = {Roe, Rick}, title = {Other}, year = 2019,
  related = {CONF2 , child}, Xref = "Conf2"}
@set{myset, entryset = {child,other}}
@misc{quote, author = {Doe, Jane}, title = {Q}, quotedin = {Child}}
"""


def test_rename_in_source_renames_every_pointer_whatever_its_case() -> None:
    renamed = {"Conf2": "Ed2020", "child": "Doe2020", "other": "Roe2019"}
    out = rename_in_source(POINTERS, renamed)
    assert out == (
        POINTERS.replace("{child,other}", "{Doe2020,Roe2019}")
        .replace("{Conf2,", "{Ed2020,")
        .replace("{child,", "{Doe2020,")
        .replace("{other,", "{Roe2019,")
        .replace("crossref = {conf2}", "crossref = {Ed2020}")
        .replace("{CONF2 , child}", "{Ed2020 , Doe2020}")
        .replace('"Conf2"', '"Ed2020"')
        .replace("{Child}", "{Doe2020}")
    )
    assert "xdata = {conf2}" in out  # names an @xdata entry, never a renamed one


def test_a_pointer_written_exactly_as_a_key_that_stays_is_left_alone() -> None:
    text = "@misc{abc, title = {A}}\n@misc{ABC, title = {B}}\n@misc{c, crossref = {ABC}}\n"
    assert rename_in_source(text, {"abc": "x"}) == text.replace("{abc,", "{x,")


def test_generated_keys_carry_every_pointer_along_whatever_its_case() -> None:
    parent = _book("Conf2", "Editor", "Proceedings", 2000)
    child = Record(
        "child",
        "paper-conference",
        title="Paper",
        author=[Name(family="Author")],
        custom={"biblatex": {"crossref": "conf2", "related": "CONF2, x"}, "quoted-in": "conf2"},
    )
    renamed, new = generate_keys(Library([parent, child]), "{auth}{year}", rekey=True)
    moved = new[renamed["child"]]
    assert moved.custom["biblatex"] == {"crossref": "Editor2000", "related": "Editor2000,x"}
    assert moved.custom["quoted-in"] == "Editor2000"

"""dedupe: every rule, its reasons, blocking, and merges that lose nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citekit.base.text import fold
from citekit.formats import read_string
from citekit.model.records import Date, Library, Name, Record
from citekit.ops.dedupe import (
    CONFLICTS_FIELD,
    aliases,
    find_duplicates,
    isbn13,
    merge,
    merge_in_source,
    merge_records,
    normalise_doi,
    redirect_pointers,
    titles_distinct,
)


def _rec(key: str, **fields: object) -> Record:
    return Record(key, str(fields.pop("type", "article-journal")), fields)


def test_normalisers() -> None:
    assert normalise_doi("https://doi.org/10.1000/ABC") == "10.1000/abc"
    assert normalise_doi("doi: 10.1000/abc") == "10.1000/abc"
    assert normalise_doi("http://dx.doi.org/10.1000/abc") == "10.1000/abc"
    assert normalise_doi("not a doi") is None
    assert isbn13("0-306-40615-2") == "9780306406157"
    assert isbn13("978-0-306-40615-7") == "9780306406157"
    assert isbn13("12345") is None
    assert fold("Über {Formal} Unentscheidbare—Sätze!") == "uber formal unentscheidbare satze"
    assert fold("Łukasiewicz, Ørsted") == "lukasiewicz orsted"


def test_doi_rule_normalises_case_and_prefixes() -> None:
    lib = Library(
        [
            _rec("a", DOI="10.1000/XYZ.1", title="Alpha"),
            _rec("b", title="Unrelated"),
            _rec("c", URL="https://doi.org/10.1000/xyz.1", title="Alpha (preprint)"),
        ]
    )
    [group] = find_duplicates(lib)
    assert group.keys == ("a", "c")
    assert group.rules == ("doi",)
    assert group.matches[0].value == "10.1000/xyz.1"
    assert group.to_json()["matches"][0] == {
        "rule": "doi",
        "value": "10.1000/xyz.1",
        "keys": ["a", "c"],
    }


def test_isbn_rule_matches_isbn10_with_isbn13() -> None:
    lib = Library(
        [
            _rec("b1", type="book", ISBN="0-306-40615-2", title="The Book"),
            _rec(
                "b2",
                type="book",
                ISBN="ISBN 978-0-306-40615-7; 978-1-4028-9462-6",
                title="The book: second printing",
            ),
        ]
    )
    [group] = find_duplicates(lib)
    assert (group.keys, group.rules) == (("b1", "b2"), ("isbn",))
    assert group.matches[0].value == "9780306406157"


def test_shared_identifier_with_a_different_title_is_not_a_duplicate() -> None:
    """Papers inherit their proceedings' ISBN through crossref."""
    lib = Library(
        [
            _rec("proc", type="book", ISBN="978-0-306-40615-7", title="Proceedings of PPSN"),
            _rec(
                "p1",
                type="paper-conference",
                ISBN="978-0-306-40615-7",
                title="A randomized greedy algorithm",
            ),
            _rec(
                "p2",
                type="paper-conference",
                ISBN="978-0-306-40615-7",
                title="Understanding TSP difficulty",
            ),
        ]
    )
    assert find_duplicates(lib) == []


def test_title_year_author_rule_ignores_accents_case_punctuation_and_typos() -> None:
    godel = [Name(family="Gödel", given="Kurt")]
    lib = Library(
        [
            _rec(
                "g1",
                author=godel,
                issued=Date.from_parts((1931,)),
                title="Über formal unentscheidbare Sätze der Principia Mathematica",
            ),
            _rec(
                "g2",
                author=[Name(family="Godel", given="K.")],
                issued=Date.from_parts((1931, 1)),
                title="Uber formal unentscheidbare Satze der Principia Mathematika.",
            ),
            _rec(
                "g3",
                author=godel,
                issued=Date.from_parts((1932,)),
                title="Über formal unentscheidbare Sätze der Principia Mathematica",
            ),
            _rec("g4", author=godel, issued=Date.from_parts((1931,)), title="Something else"),
        ]
    )
    [group] = find_duplicates(lib)
    assert group.keys == ("g1", "g2")
    assert group.rules == ("title-year-author",)
    assert group.matches[0].value.startswith("godel, 1931: uber formal")


def test_look_alike_titles_that_are_different_works() -> None:
    assert titles_distinct("proceedings part i", "proceedings part ii")
    assert titles_distinct("memory i encoding", "memory ii retrieval")
    assert titles_distinct("a fast solver", "a fast solver supplementary material")
    assert not titles_distinct("a fast solver", "a fast solvr")
    author = [Name(family="Deb")]
    lib = Library(
        [
            _rec(
                "p1",
                author=author,
                issued=Date.from_parts((2004,)),
                title="GECCO 2004 proceedings, part I",
            ),
            _rec(
                "p2",
                author=author,
                issued=Date.from_parts((2004,)),
                title="GECCO 2004 proceedings, part II",
            ),
            _rec(
                "v1", author=author, issued=Date.from_parts((2004,)), title="Collected", volume="1"
            ),
            _rec(
                "v2", author=author, issued=Date.from_parts((2004,)), title="Collected", volume="2"
            ),
            _rec(
                "d1", author=author, issued=Date.from_parts((2004,)), title="Same", DOI="10.1000/a"
            ),
            _rec(
                "d2", author=author, issued=Date.from_parts((2004,)), title="Same", DOI="10.1000/b"
            ),
        ]
    )
    assert find_duplicates(lib) == []


def test_title_year_rule_catches_a_differently_parsed_first_author() -> None:
    lib = Library(
        [
            _rec(
                "a",
                author=[Name(family="La Joie", given="R.")],
                issued=Date.from_parts((2021,)),
                title="Worth the wait",
            ),
            _rec(
                "b",
                author=[Name(family="Joie", given="R. La")],
                issued=Date.from_parts((2021,)),
                title="Worth the Wait!",
            ),
            _rec("c", issued=Date.from_parts((2021,)), title="Worth the wait"),
        ]
    )
    [group] = find_duplicates(lib)
    assert group.keys == ("a", "b", "c")
    assert group.rules == ("title-year",)
    assert find_duplicates(lib, rules=["doi"]) == []
    with pytest.raises(ValueError, match="unknown dedupe rule"):
        find_duplicates(lib, rules=["nope"])


def test_groups_join_transitively_with_every_reason() -> None:
    author = [Name(family="Knuth", given="Donald")]
    lib = Library(
        [
            _rec(
                "k1",
                type="book",
                author=author,
                issued=Date.from_parts((1968,)),
                title="The Art of Computer Programming",
                ISBN="0-201-03801-3",
            ),
            _rec(
                "k2",
                type="book",
                author=author,
                issued=Date.from_parts((1968,)),
                title="The art of computer programming",
                DOI="10.5555/260999",
            ),
            _rec("k3", type="book", title="Art of Computer Programming", DOI="doi:10.5555/260999"),
        ]
    )
    [group] = find_duplicates(lib)
    assert group.keys == ("k1", "k2", "k3")
    assert set(group.rules) == {"doi", "title-year-author"}


def _pair() -> Library:
    return Library(
        [
            _rec(
                "smith2020",
                author=[Name(family="Smith", given="Ann")],
                title="A study of things",
                issued=Date.from_parts((2020,)),
                volume="3",
                custom={"biblatex": {"ids": "old1", "crossref": "proc"}, "note-a": 1},
            ),
            _rec(
                "smith2020a",
                type="paper-conference",
                author=[Name(family="Smith", given="A.")],
                title="A Study of Things",
                issued=Date.from_parts((2020,)),
                volume="3",
                page="1-10",
                DOI="10.1/x",
                custom={"biblatex": {"ids": "old2", "keywords": "k"}},
            ),
            _rec("other", title="Other", custom={"biblatex": {"crossref": "smith2020a"}}),
        ]
    )


def test_merge_combine_keeps_every_field() -> None:
    lib = _pair()
    groups = find_duplicates(lib)
    merged = merge(lib, groups, policy="combine")
    assert merged.keys() == ["smith2020", "other"]
    survivor = merged["smith2020"]
    assert survivor["page"] == "1-10" and survivor["DOI"] == "10.1/x"  # filled in
    assert survivor.names("author") == [Name(family="Smith", given="Ann")]
    assert aliases(survivor) == ["old1", "smith2020a", "old2"]
    assert survivor.custom["biblatex"]["ids"] == "old1,smith2020a,old2"
    assert survivor.custom["biblatex"]["keywords"] == "k"
    conflicts = survivor.custom[CONFLICTS_FIELD]
    assert conflicts["type"] == [{"from": "smith2020a", "value": "paper-conference"}]
    assert conflicts["title"] == [{"from": "smith2020a", "value": "A Study of Things"}]
    assert conflicts["author"] == [
        {"from": "smith2020a", "value": [{"family": "Smith", "given": "A."}]}
    ]
    assert "volume" not in conflicts  # equal values are no conflict
    # pointers to the merged key follow the survivor; the input is untouched
    assert merged["other"].custom["biblatex"]["crossref"] == "smith2020"
    assert lib["other"].custom["biblatex"]["crossref"] == "smith2020a"
    assert lib["smith2020"].custom["biblatex"]["ids"] == "old1"
    # every value of every input record is somewhere in the merged record
    text = json.dumps(survivor.to_json(), ensure_ascii=False)
    for record in (lib["smith2020"], lib["smith2020a"]):
        for variable, value in record.to_json().items():
            if variable not in ("id", "custom"):
                assert json.dumps(value, ensure_ascii=False)[1:-1] in text, variable


def test_merge_first_and_last() -> None:
    lib = _pair()
    first = merge(lib, [("smith2020", "smith2020a")], policy="first")
    assert first.keys() == ["smith2020", "other"]
    assert "page" not in first["smith2020"]
    assert aliases(first["smith2020"]) == ["old1", "smith2020a", "old2"]
    last = merge(lib, [("smith2020", "smith2020a")], policy="last")
    assert last.keys() == ["smith2020a", "other"]
    assert last["smith2020a"]["page"] == "1-10"
    assert aliases(last["smith2020a"]) == ["old2", "smith2020", "old1"]
    assert last["other"].custom["biblatex"]["crossref"] == "smith2020a"
    with pytest.raises(ValueError, match="policy"):
        merge(lib, [("smith2020", "smith2020a")], policy="best")  # type: ignore[arg-type]


@pytest.mark.slow
def test_real_corpus_groups_are_plausible(shared: Path) -> None:
    items: list[dict[str, object]] = []
    for name in ("cdl", "iridia"):
        items += json.loads(
            (shared / "reference" / "pandoc-csljson" / f"{name}.json").read_text(encoding="utf-8")
        )
    seen: set[object] = set()
    for item in items:
        if item["id"] in seen:
            item["id"] = f"{item['id']}~2"
        seen.add(item["id"])
    lib = Library.from_json(items)
    groups = find_duplicates(lib)
    assert groups, "two bibliographies of one field share some works"
    for group in groups:
        titles = {fold(str(lib[k].get("title", ""))) for k in group.keys}
        years = {
            lib[k].date("issued").year
            for k in group.keys  # type: ignore[union-attr]
            if lib[k].date("issued") is not None
        }
        assert len(years) <= 1, group
        assert all(t for t in titles), group
    merged = merge(lib, groups, policy="combine")
    assert len(merged) == len(lib) - sum(len(g.keys) - 1 for g in groups)


def test_rich_text_markup_does_not_hide_a_duplicate() -> None:
    author = [Name(family="Johnson")]
    lib = Library(
        [
            _rec(
                "a",
                author=author,
                issued=Date.from_parts((2002,)),
                title='Heuristics for the <span class="nocase">ATSP</span>',
            ),
            _rec(
                "b", author=author, issued=Date.from_parts((2002,)), title="Heuristics for the ATSP"
            ),
        ]
    )
    [group] = find_duplicates(lib)
    assert group.keys == ("a", "b")
    assert "span" not in group.matches[0].value


def test_a_custom_that_is_not_an_object_is_tolerated() -> None:
    """CSL-JSON allows any ``custom``; merging one used to fail with AttributeError."""
    odd = _rec("smith2020a", title="Same Title", custom="not an object")
    plain = _rec("smith2020", title="Same Title")
    assert aliases(odd) == []
    survivor = merge_records([plain, odd])
    assert aliases(survivor) == ["smith2020a"]
    redirect_pointers(odd, {"smith2020": "x"})
    assert odd["custom"] == "not an object"
    untouched = _rec("z", crossref="smith2020")
    redirect_pointers(untouched, {"smith2020": "smith2021"})
    assert untouched["crossref"] == "smith2021"
    assert "custom" not in untouched.fields  # looking inside never adds a custom object


# -- merging in a .bib file's text (issue 12: nothing the user did not ask for changes) --

SOURCE = """@string{pub = {Early Press}}
@article{a,
  author = {Smith, John},
  title = {A Title},
  year = 2000
}
@string{late = {Late Press}}
@article{b,
  author = {Smith, John},
  title = {A Title},
  date = {2000-05},
  journal = {J},
  publisher = late # { and } # pub,
  ids = {old}
}
@misc{c, crossref = {b}, title = {C}}
"""


def test_merge_in_source_first_removes_the_others_and_records_their_keys() -> None:
    out = merge_in_source(SOURCE, [("a", "b")], "first")
    assert out == SOURCE.replace(
        SOURCE[SOURCE.index("@article{b") : SOURCE.index("@misc")], ""
    ).replace("  year = 2000\n}", "  year = 2000,\n  ids = {b,old}\n}").replace(
        "@misc{c, crossref = {b},", "@misc{c, crossref = {a},"
    )


def test_merge_in_source_last_keeps_the_last_entry_in_its_place() -> None:
    out = merge_in_source(SOURCE, [("a", "b")], "last")
    assert "@article{a" not in out
    assert "  ids = {old,a}\n}" in out  # its own alias list, extended
    assert out.index("@string{late") < out.index("@article{b")


def test_merge_in_source_combine_copies_missing_fields_as_written_and_keeps_conflicts() -> None:
    out = merge_in_source(SOURCE, [("a", "b")], "combine")
    survivor = out[out.index("@article{a") : out.index("@string{late")]
    assert "  year = 2000,\n" in survivor and "date" not in survivor.split("merged")[0]
    assert "  journal = {J},\n" in survivor
    # 'late' is defined only below the survivor: the value is written expanded
    assert "  publisher = {Late Press and Early Press}," in survivor
    conflicts = json.loads(survivor.split("merged-conflicts = {", 1)[1].rsplit("}\n}", 1)[0])
    assert conflicts == {"date": [{"from": "b", "value": "{2000-05}"}]}
    assert read_string(out, "biblatex").library["a"].custom["biblatex"]["ids"] == "b,old"


MERGED_POINTERS = """@proceedings{ConfA, title = {Proceedings of the Tenth Conference}, year = 2020}
@proceedings{Conf2, title = {Proceedings of the Tenth Conference}, year = 2020}
@inproceedings{child, title = {Paper}, year = 2020, crossref = {CONF2}}
@article{other, title = {Other}, year = 2019, related = {conf2 , child}, xref = {Conf2}}
@set{s, entryset = {child,Conf2,ConfA}}
"""


def test_merge_in_source_redirects_every_pointer_whatever_its_case() -> None:
    out = merge_in_source(MERGED_POINTERS, [("ConfA", "Conf2")], "first")
    assert "@proceedings{Conf2," not in out
    assert "crossref = {ConfA}" in out
    assert "related = {ConfA , child}, xref = {ConfA}" in out
    assert "entryset = {child,ConfA}" in out


def test_merge_redirects_every_pointer_of_the_model_whatever_its_case() -> None:
    library = Library(
        [
            _rec("ConfA", title="Proceedings"),
            _rec("Conf2", title="Proceedings"),
            _rec("child", custom={"biblatex": {"crossref": "CONF2", "entryset": "conf2,child"}}),
            _rec("q", custom={"quoted-in": "conf2"}),
        ]
    )
    out = merge(library, [("ConfA", "Conf2")])
    assert out["child"].custom["biblatex"] == {"crossref": "ConfA", "entryset": "ConfA,child"}
    assert out["q"].custom["quoted-in"] == "ConfA"

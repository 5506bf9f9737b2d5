"""Quotation records: the typed view, the consistency rules and verification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekit import Library, read, read_string, write_string
from citekit.errors import Severity
from citekit.model.records import Name
from citekit.ops.quotations import (
    CUSTOM_KEYS,
    Quotation,
    check_quotations,
    format_word_diff,
    is_quotation,
    normalize,
    paragraph_starts,
    paragraphs,
    quotations,
    quoting_departures,
    speaker_name,
    split_ellipsis,
    verify,
    word_diff,
)

ARTICLE = {
    "id": "smith2020",
    "type": "article-newspaper",
    "title": "A Week in Politics",
    "author": [{"family": "Smith", "given": "Ann"}],
    "issued": {"date-parts": [[2020]]},
}


def quote_item(
    key: str, words: str | None, *, author: list[dict[str, Any]] | None = None, **custom: Any
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": key,
        "type": "speech",
        "author": author if author is not None else [{"family": "Doe", "given": "Jane"}],
    }
    fields = {"quotation": words, "quoted-in": "smith2020", **custom}
    item["custom"] = {k.replace("_", "-"): v for k, v in fields.items() if v is not None}
    return item


def library(*items: dict[str, Any]) -> Library:
    return Library.from_json([ARTICLE, *items])


def one(words: str, **custom: Any) -> Quotation:
    return Quotation.from_record(library(quote_item("q", words, **custom))["q"])


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def test_quotation_view_reads_every_field() -> None:
    item = quote_item(
        "tillerson",
        "strategic patience has come to an end",
        author=[{"family": "Tillerson", "given": "Rex"}],
        quoted_in_locator=14,
        quoted_in_label="paragraph",
        original_quotation="the policy of strategic patience has ended",
        original_source="news conference, Seoul",
    )
    item.update(
        {
            "issued": {"date-parts": [[2017, 3, 17]]},
            "event-title": "Press conference",
            "event-place": "Seoul",
        }
    )
    quote = Quotation.from_record(library(item)["tillerson"])
    assert quote.speaker_display == "Tillerson, Rex"
    assert quote.words == "strategic patience has come to an end"
    assert str(quote.date) == "2017-03-17"
    assert (quote.occasion, quote.place) == ("Press conference", "Seoul")
    assert (quote.quoted_in, quote.locator, quote.label) == ("smith2020", "14", "paragraph")
    assert quote.where == "paragraph 14"
    assert quote.original_words == "the policy of strategic patience has ended"
    assert quote.to_json()["date"] == "2017-03-17"


def test_custom_occasion_is_used_when_there_is_no_event_title() -> None:
    assert one("words", occasion="a letter to a friend").occasion == "a letter to a friend"


def test_locator_without_label_reads_as_a_page() -> None:
    assert one("words", quoted_in_locator="12").where == "page 12"


def test_family_first_names_keep_their_order() -> None:
    item = quote_item(
        "kim",
        "unbelievable idiocy",
        author=[{"family": "Kim", "given": "Il-sung", "static-ordering": True}],
    )
    assert Quotation.from_record(library(item)["kim"]).speaker_display == "Kim Il-sung"


def test_quotations_skips_ordinary_records_and_filters() -> None:
    lib = library(
        quote_item("a", "one", author=[{"family": "Trump", "given": "Donald"}]),
        quote_item("b", "two", author=[{"literal": "Gang of Four radicals"}]),
        quote_item("c", "three", quoted_in="other"),
        {"id": "other", "type": "book", "title": "Other"},
    )
    assert not is_quotation(lib["smith2020"])
    assert [q.key for q in quotations(lib)] == ["a", "b", "c"]
    assert [q.key for q in quotations(lib, speaker="trump")] == ["a"]
    assert [q.key for q in quotations(lib, speaker="Trump, Donald")] == ["a"]
    assert [q.key for q in quotations(lib, speaker="gang of  four")] == ["b"]
    assert [q.key for q in quotations(lib, quoted_in="other")] == ["c"]
    assert quotations(lib, speaker="Mao") == []


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------


def codes(lib: Library) -> dict[str, str]:
    return {d.key or "": d.code for d in check_quotations(lib)}


def test_a_complete_quotation_passes_every_rule() -> None:
    assert (
        check_quotations(
            library(quote_item("q", "words", quoted_in_locator="3", quoted_in_label="paragraph"))
        )
        == []
    )


@pytest.mark.parametrize(
    ("item", "code", "severity"),
    [
        (quote_item("q", "words", author=[]), "quote-no-speaker", Severity.ERROR),
        (quote_item("q", None), "quote-no-words", Severity.ERROR),
        (quote_item("q", "  "), "quote-no-words", Severity.ERROR),
        (quote_item("q", "words", quoted_in="nowhere"), "quote-dangling-quoted-in", Severity.ERROR),
        (quote_item("q", "words", quoted_in="q"), "quote-self-quoted-in", Severity.ERROR),
        (
            quote_item("q", "words", quoted_in_locator="2", quoted_in_label="paragrph"),
            "quote-bad-label",
            Severity.ERROR,
        ),
        (
            quote_item("q", "words", quoted_in_label="page"),
            "quote-label-no-locator",
            Severity.WARNING,
        ),
        (quote_item("q", ["a", "list"]), "quote-bad-field", Severity.ERROR),
    ],
)
def test_each_rule_reports_its_code(item: dict[str, Any], code: str, severity: Severity) -> None:
    found = [d for d in check_quotations(library(item), file="refs.json") if d.code == code]
    assert len(found) == 1
    assert found[0].severity is severity
    assert found[0].key == "q" and found[0].file == "refs.json"


def test_bad_label_suggests_the_closest_label() -> None:
    lib = library(quote_item("q", "w", quoted_in_locator="2", quoted_in_label="paragrph"))
    assert "did you mean 'paragraph'" in check_quotations(lib)[0].message


def test_no_source_at_all_is_a_warning() -> None:
    item = quote_item("q", "words")
    del item["custom"]["quoted-in"]
    found = check_quotations(library(item))
    assert [(d.code, d.severity) for d in found] == [("quote-no-source", Severity.WARNING)]


def test_original_source_alone_is_enough() -> None:
    item = quote_item("q", "words", original_source="a speech in Seoul")
    del item["custom"]["quoted-in"]
    assert check_quotations(library(item)) == []


def test_unusual_type_is_only_a_note() -> None:
    item = quote_item("q", "words")
    item["type"] = "book"
    [diagnostic] = check_quotations(library(item))
    assert (diagnostic.code, diagnostic.severity) == ("quote-unusual-type", Severity.INFO)


def test_quoted_in_cycles_are_found() -> None:
    lib = library(
        quote_item("a", "x", quoted_in="b"),
        quote_item("b", "y", quoted_in="a"),
        quote_item("c", "z", quoted_in="a"),
    )
    assert sorted(d.key or "" for d in check_quotations(lib) if d.code == "quote-cycle") == [
        "a",
        "b",
    ]


def test_lines_locate_diagnostics() -> None:
    lib = library(quote_item("q", "words", author=[]))
    [diagnostic] = check_quotations(lib, file="refs.bib", lines={"q": 40})
    assert diagnostic.location() == "refs.bib:40, entry 'q', field 'author'"


# ---------------------------------------------------------------------------
# Normalisation, paragraphs, ellipses, diffs
# ---------------------------------------------------------------------------


def test_normalize_flattens_typography_but_not_words() -> None:
    text = "\u201cIt\u2019s\u00a0 here\u201d \u2013 she said\u2026"
    flat, offsets = normalize(text)
    assert flat == '"It\'s here" - she said...'
    assert len(offsets) == len(flat)
    assert text[offsets[flat.index("she")]] == "s"


def test_every_dash_form_compares_equal() -> None:
    forms = ["a\u2014b", "a \u2013 b", "a--b", "a - b", "a-b"]
    assert len({normalize(f)[0] for f in forms}) == 1


def test_paragraphs_are_blank_line_blocks_counted_from_the_title() -> None:
    text = "Title\n\nFirst one\nstill first.\n\n\n  \nSecond.\n"
    assert paragraphs(text) == ["Title", "First one\nstill first.", "Second."]
    assert paragraph_starts(text) == [0, 7, text.index("Second")]


def test_split_ellipsis_forms() -> None:
    assert split_ellipsis("a b ... c") == ["a b", "c"]
    assert split_ellipsis("a b\u2026c d") == ["a b", "c d"]
    assert split_ellipsis("a [...] c") == ["a", "c"]
    assert split_ellipsis("a . . . c") == ["a", "c"]
    assert split_ellipsis("no ellipsis.") == ["no ellipsis."]


def test_word_diff_marks_both_sides() -> None:
    changes = word_diff("strategic patience has come to an end", "strategic patience has ended")
    assert format_word_diff(changes) == "strategic patience has [-come to an end-] {+ended+}"
    assert word_diff("\u201csay no\u201d", '"say no"')[0].tag == "equal"


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------

SOURCE = (
    "A Speech Reported\n\n"
    "The minister spoke at length. \u201cWe will not be moved,\u201d she said, "
    "\u201cnot by threats \u2013 and not by promises.\u201d\n\n"
    "Later she added that the talks had been \u201cdishonored\u201d by delay, and that "
    "her government was \u201cin no hurry at all.\u201d\n\n"
    "In the end she was \u201conly honored\u201d to serve.\n"
)


def verdict(words: str, **custom: Any) -> tuple[str, str, str]:
    [result] = verify([one(words, **custom)], SOURCE)
    return result.status, result.passage, result.diff


def test_exact_with_straight_quotes_and_a_plain_dash() -> None:
    status, passage, _ = verdict("not by threats - and not by promises.")
    assert status == "exact"
    assert passage == "not by threats \u2013 and not by promises."


def test_exact_reports_the_paragraph() -> None:
    [result] = verify([one("in no hurry at all.")], SOURCE)
    assert result.ok and result.paragraphs == (2,)


def test_a_curly_quotation_matches_a_straight_source() -> None:
    [result] = verify([one("We will not be moved")], SOURCE.replace("\u201c", '"'))
    assert result.status == "exact"


def test_words_inside_longer_words_do_not_match() -> None:
    [result] = verify([one("honored")], SOURCE)
    assert result.status == "exact" and result.paragraphs == (3,)


def test_near_gives_closest_passage_and_diff() -> None:
    status, passage, diff = verdict("We shall not be moved")
    assert status == "near"
    assert passage == "We will not be moved"
    assert diff == "We [-shall-] {+will+} not be moved"


def test_a_case_change_is_near_not_exact() -> None:
    status, _, diff = verdict("we will not be moved")
    assert (status, diff) == ("near", "[-we-] {+We+} will not be moved")


def test_a_misspelt_word_still_finds_its_passage() -> None:
    status, passage, diff = verdict("in no hury at all")
    assert status == "near" and passage == "in no hurry at all"
    assert diff == "in no [-hury-] {+hurry+} at all"


def test_missing_when_nothing_aligns() -> None:
    status, passage, diff = verdict("the budget will be balanced next year")
    assert (status, passage, diff) == ("missing", "", "")


def test_ellipsis_parts_in_order_are_exact() -> None:
    [result] = verify([one("We will not be moved ... not by promises.")], SOURCE)
    assert result.status == "exact"
    assert [p.text for p in result.passages] == ["We will not be moved", "not by promises."]


def test_ellipsis_parts_out_of_order_are_near_with_a_note() -> None:
    [result] = verify([one("not by promises\u2026 We will not be moved")], SOURCE)
    assert result.status == "near"
    assert result.notes == ("every part appears, but not in the quoted order",)


def test_ellipsis_with_a_changed_part_is_near() -> None:
    [result] = verify([one("We will not be moved ... not by bribes.")], SOURCE)
    assert result.status == "near"
    assert [p.status for p in result.passages] == ["exact", "near"]


def test_ellipsis_with_every_part_absent_is_missing() -> None:
    [result] = verify([one("the harvest failed ... prices rose sharply")], SOURCE)
    assert result.status == "missing"


def test_words_across_the_sources_quotation_marks_are_near_with_a_note() -> None:
    [result] = verify([one("moved, she said, not by threats")], SOURCE)
    assert result.status == "near"
    assert "quotation marks" in result.notes[0]


def test_recorded_paragraph_chooses_between_occurrences() -> None:
    text = "Title\n\nShe said \u201cyes\u201d.\n\nHe said \u201cyes\u201d too.\n"
    [first] = verify([one("yes")], text)
    [second] = verify([one("yes", quoted_in_locator="2", quoted_in_label="paragraph")], text)
    assert (first.paragraphs, second.paragraphs) == ((1,), (2,))
    assert first.notes == second.notes == ()


def test_a_wrong_paragraph_is_noted_but_still_exact() -> None:
    [result] = verify(
        [one("only honored", quoted_in_locator="1", quoted_in_label="paragraph")], SOURCE
    )
    assert result.status == "exact"
    assert result.notes == ("recorded at paragraph 1, found in paragraph 3",)


def test_original_wording_is_checked_and_departures_reported() -> None:
    quote = one(
        "strategic patience has come to an end",
        original_quotation="Let me be clear: the policy of strategic patience has ended.",
    )
    speech = "Let me be clear: the policy of strategic patience has ended. All options remain."
    [result] = verify([quote], speech, original=True)
    assert result.status == "exact" and result.field == "original-quotation"
    assert (
        format_word_diff(result.departures) == "strategic patience has [-come to an end-] {+ended+}"
    )
    [quoted] = verify([quote], speech)
    assert quoted.status == "near"


def test_a_verbatim_excerpt_has_no_departures() -> None:
    quote = one(
        "strategic patience has ended",
        original_quotation="the policy of strategic patience has ended",
    )
    assert quoting_departures(quote) == ()


def test_original_mode_without_original_wording_checks_the_quoted_words() -> None:
    [result] = verify([one("in no hurry at all")], SOURCE, original=True)
    assert result.status == "exact" and result.field == "quotation"
    assert result.notes == ("no original wording recorded; checked the quoted words",)


def test_results_serialise() -> None:
    [result] = verify([one("We shall not be moved")], SOURCE)
    data = result.to_json()
    assert data["status"] == "near" and data["diff"] == result.diff
    assert data["parts"][0]["paragraph"] == 1


def test_many_quotations_share_one_index() -> None:
    quotes = [one(w) for w in ("We will not be moved", "only honored", "absent words entirely")]
    assert [r.status for r in verify(quotes, SOURCE)] == ["exact", "exact", "missing"]


_WORDS = st.sampled_from(
    [
        "the",
        "minister",
        "said",
        "it\u2019s",
        "\u201cno\u201d",
        "talks",
        "\u2013",
        "peace",
        "war",
        "again,",
        "under",
        "right.",
    ]
)


@given(st.lists(_WORDS, min_size=3, max_size=40), st.data())
def test_any_retypeset_run_of_words_is_exact(words: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    text = " ".join(words)
    excerpt = " ".join(words[start:end]).strip("\u201c\u201d")
    if not excerpt.strip(" \u2013"):
        return
    straight = excerpt.replace("\u2019", "'").replace("\u2013", "--")
    [result] = verify([one(straight)], text)
    assert result.status == "exact"


# ---------------------------------------------------------------------------
# The project's own library (references.bib)
# ---------------------------------------------------------------------------


def test_references_bib_quotations_pass_every_rule(repo_root: Path) -> None:
    result = read(repo_root / "references.bib")
    assert not result.errors
    problems = check_quotations(result.library)
    assert all(d.severity is Severity.INFO for d in problems), [str(d) for d in problems]
    quotes = quotations(result.library, quoted_in="raimondo2017trump")
    assert len(quotes) >= 9
    assert all(q.label == "paragraph" and q.locator and q.locator.isdigit() for q in quotes)


def test_references_bib_records_no_guessed_identifiers(repo_root: Path) -> None:
    """Facts only: nothing the essay and the public record do not settle."""
    library = read(repo_root / "references.bib").library
    for record in library:
        for variable in ("URL", "ISBN", "DOI", "page"):
            assert variable not in record, (record.key, variable)
    essay = library["raimondo2017trump"]
    assert essay.date("issued") is not None and essay.date("issued").start == (2017, 5)


def test_quotation_fields_survive_bibtex_to_csljson_to_bibtex(repo_root: Path) -> None:
    first = read(repo_root / "references.bib").library
    as_json = read_string(write_string(first, "csljson"), "csljson").library
    bibtex = write_string(as_json, "biblatex")
    for field in (
        "quotation",
        "quotedin",
        "quotedinlocator",
        "quotedinlabel",
        "origquotation",
        "origsource",
    ):
        assert f"{field} " in bibtex or f"{field}=" in bibtex, field
    again = read_string(bibtex, "biblatex").library
    before = {q.key: q for q in quotations(first)}
    after = {q.key: q for q in quotations(again)}
    assert before == after
    for key in before:
        original = {k: v for k, v in first[key].custom.items() if k in CUSTOM_KEYS}
        assert {k: v for k, v in again[key].custom.items() if k in CUSTOM_KEYS} == original


def test_passages_keep_dashes_at_their_edges() -> None:
    text = "Title\n\nNot by threats \u2013 and not by promises--or else.\n"
    found = [
        verify([one(w)], text)[0].passage
        for w in ("- and not by promises", "threats \u2014", "promises \u2013 or else")
    ]
    assert found == ["\u2013 and not by promises", "threats \u2013", "promises--or else"]


def test_references_bib_words_are_the_essays_character_for_character(
    repo_root: Path, shared: Path
) -> None:
    """Stricter than verify: no typography is normalised, curly apostrophes included."""
    essay = (shared / "seed" / "essay.txt").read_text(encoding="utf-8")
    blocks = paragraphs(essay)
    library = read(repo_root / "references.bib").library
    for quote in quotations(library, quoted_in="raimondo2017trump"):
        assert quote.locator is not None
        assert quote.words in blocks[int(quote.locator)], quote.key


def test_a_custom_that_is_not_an_object_is_not_a_quotation() -> None:
    lib = Library.from_json(
        [{**ARTICLE, "custom": "not an object"}, {"id": "bare", "type": "speech"}]
    )
    assert not is_quotation(lib["smith2020"]) and not is_quotation(lib["bare"])
    assert Quotation.from_record(lib["bare"]).words == ""
    assert check_quotations(lib) == []
    assert "custom" not in lib["bare"].fields and lib["smith2020"]["custom"] == "not an object"


def test_speaker_name_puts_family_and_its_particle_first() -> None:
    assert speaker_name(Name(family="Trump", given="Donald")) == "Trump, Donald"
    assert speaker_name(Name(family="Gaulle", given="Charles", non_dropping_particle="de")) == (
        "de Gaulle, Charles"
    )
    assert speaker_name(Name(family="Beethoven", given="Ludwig", dropping_particle="van")) == (
        "Beethoven, Ludwig van"
    )
    assert speaker_name(Name(family="Kim", given="Il-sung", static_ordering=True)) == (
        "Kim Il-sung"
    )
    assert speaker_name(Name(family="King", given="Martin Luther", suffix="Jr.")) == (
        "King, Martin Luther, Jr."
    )
    assert speaker_name(Name(given="Plato")) == "Plato"
    assert speaker_name(Name(literal="The Beatles")) == "The Beatles"


def test_an_attributed_statement_is_a_usual_type() -> None:
    # issue 13: a statement whose occasion is not established is a CSL document
    # (BibLaTeX @misc), so that no style calls it a personal communication
    item = quote_item("q", "words")
    item["type"] = "document"
    assert check_quotations(library(item)) == []

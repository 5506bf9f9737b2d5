"""The declarative BibLaTeX <-> CSL table is complete and consistent."""

from __future__ import annotations

import pytest

from citekit.formats.bibtex import fields as bm
from citekit.formats.bibtex.fields import split_commented_field_key
from citekit.model.records import ITEM_TYPES, variable_kind

BIBLATEX_TYPES = [
    "article",
    "book",
    "mvbook",
    "inbook",
    "bookinbook",
    "suppbook",
    "booklet",
    "collection",
    "mvcollection",
    "incollection",
    "suppcollection",
    "dataset",
    "manual",
    "misc",
    "online",
    "patent",
    "periodical",
    "suppperiodical",
    "proceedings",
    "mvproceedings",
    "inproceedings",
    "reference",
    "mvreference",
    "inreference",
    "report",
    "set",
    "software",
    "thesis",
    "unpublished",
]
BIBTEX_TYPES = ["conference", "phdthesis", "mastersthesis", "techreport", "www", "electronic"]
FIELDS_USED = [
    "editortype",
    "editora",
    "editorb",
    "translator",
    "subtitle",
    "titleaddon",
    "maintitle",
    "booktitle",
    "journaltitle",
    "journal",
    "shortjournal",
    "location",
    "address",
    "institution",
    "school",
    "organization",
    "publisher",
    "series",
    "number",
    "volume",
    "volumes",
    "pages",
    "pagetotal",
    "edition",
    "version",
    "eprint",
    "eprinttype",
    "doi",
    "isbn",
    "issn",
    "url",
    "urldate",
    "langid",
    "language",
    "keywords",
    "annotation",
    "annote",
    "abstract",
    "note",
    "pubstate",
    "howpublished",
    "type",
    "chapter",
    "issue",
    "eventtitle",
    "venue",
    "origtitle",
    "origlocation",
    "origpublisher",
    "quotation",
    "quotedin",
    "quotedinlocator",
    "quotedinlabel",
    "origquotation",
    "origsource",
    "occasion",
]


def test_every_biblatex_type_has_a_valid_csl_type() -> None:
    for name in BIBLATEX_TYPES:
        assert name in bm.TYPES, name
        assert bm.TYPES[name].csl in ITEM_TYPES, name


def test_bibtex_types_map_to_biblatex_types() -> None:
    for name in BIBTEX_TYPES:
        target, _ = bm.canonical_type(name)
        assert target in bm.TYPES, name
    assert bm.canonical_type("PhDThesis") == ("thesis", "phdthesis")


def test_writer_types_are_known_both_ways() -> None:
    for csl_type in ITEM_TYPES:
        btype = bm.CSL_TO_BIBLATEX[csl_type]
        assert btype in bm.TYPES, csl_type
    # The writer's choice for a CSL type reads back as that CSL type, except where
    # CSL distinguishes types biblatex does not (the reader keeps custom @type then).
    for csl_type, btype in bm.CSL_TO_BIBLATEX.items():
        if bm.TYPES[btype].csl != csl_type:
            assert csl_type in {
                "article",
                "article-magazine",
                "article-newspaper",
                "classic",
                "collection",
                "entry",
                "entry-dictionary",
                "event",
                "figure",
                "hearing",
                "interview",
                "bill",
                "regulation",
                "treaty",
                "map",
                "musical_score",
                "post",
                "post-weblog",
                "review-book",
                "speech",
                "broadcast",
            }, csl_type


def test_every_field_the_brief_names_is_in_the_table() -> None:
    for name in FIELDS_USED:
        canonical = bm.FIELD_ALIASES.get(name, name)
        assert canonical in bm.FIELDS or canonical in bm.STRUCTURAL_FIELDS, name


def test_field_targets_are_csl_variables() -> None:
    for rule in bm.FIELD_RULES:
        if rule.kind == "quote":
            continue  # custom keys, not CSL variables
        if rule.csl:
            assert variable_kind(rule.csl) != "unknown", rule


def test_quotation_fields_map_to_custom_keys() -> None:
    quotes = {r.biblatex: r.csl for r in bm.FIELD_RULES if r.kind == "quote"}
    assert quotes == {
        "quotation": "quotation",
        "quotedin": "quoted-in",
        "quotedinlocator": "quoted-in-locator",
        "quotedinlabel": "quoted-in-label",
        "origquotation": "original-quotation",
        "origsource": "original-source",
        "occasion": "occasion",
    }


def test_inheritance_follows_biblatex_table() -> None:
    assert bm.inherited_names("title", "book", "inbook") == ("booktitle",)
    assert bm.inherited_names("title", "mvbook", "book") == ("maintitle",)
    assert bm.inherited_names("subtitle", "mvbook", "inbook") == ("mainsubtitle",)
    assert bm.inherited_names("title", "proceedings", "inproceedings") == ("booktitle",)
    assert bm.inherited_names("title", "periodical", "article") == ("journaltitle",)
    assert bm.inherited_names("author", "book", "inbook") == ("author", "bookauthor")
    assert bm.inherited_names("shorttitle", "collection", "incollection") == ()
    assert bm.inherited_names("ids", "book", "inbook") == ()
    assert bm.inherited_names("publisher", "book", "inbook") == ("publisher",)


def test_localisation_keys_reverse() -> None:
    for key, text in bm.KEYS.items():
        assert bm.KEYS[bm.KEYS_REVERSE[text]] == text, key


def test_languages_reverse() -> None:
    for tag in set(bm.LANGUAGES.values()):
        assert bm.LANGUAGES[bm.LANGUAGES_REVERSE[tag]] == tag, tag


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("doi", ([], "doi")),
        ("% TODO: Check DOI\n  doi", (["% TODO: Check DOI"], "doi")),
        ("% first edition\n  % second\n  note", (["% first edition", "% second"], "note")),
        ("note % trailing", (["% trailing"], "note")),
    ],
)
def test_split_commented_field_key(key: str, expected: tuple[list[str], str]) -> None:
    assert split_commented_field_key(key) == expected

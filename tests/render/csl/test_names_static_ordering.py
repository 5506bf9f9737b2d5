"""CSL-JSON's ``static-ordering``: a romanised East Asian name printed family name first.

citeproc-js prints ``{"family": "Mao", "given": "Zedong", "static-ordering": true}``
as "Mao Zedong" in every position (first or not, inverted or not); citekit
printed "Zedong Mao" (issue 13).
"""

from __future__ import annotations

import json

import citekit

_ITEMS = [
    {
        "id": "kim",
        "type": "book",
        "title": "Works",
        "issued": {"date-parts": [[1957]]},
        "author": [
            {"family": "Kim", "given": "Il-sung", "static-ordering": True},
            {"family": "Smith", "given": "John"},
        ],
    },
    {
        "id": "moon",
        "type": "book",
        "title": "Speeches",
        "issued": {"date-parts": [[2017]]},
        "author": [{"family": "Moon", "given": "Jae-in", "static-ordering": True}],
    },
]


def _library() -> citekit.Library:
    return citekit.read_string(json.dumps(_ITEMS), "csljson").library


def test_family_name_first_in_a_bibliography_that_does_not_invert() -> None:
    # Chicago inverts only the first name: the second (Smith) stays given-first.
    entries = citekit.bibliography(_library(), "chicago-author-date")
    assert "Kim Il-sung, and John Smith. 1957. Works." in entries


def test_family_name_first_where_names_are_inverted() -> None:
    # No sort-order comma ("Moon, Jae-in"): the name is printed as it is written.
    entries = citekit.bibliography(_library(), "modern-language-association")
    assert any(entry.startswith("Moon Jae-in. ") for entry in entries)


def test_short_form_is_the_family_name() -> None:
    assert citekit.cite(_library(), ["moon"], "chicago-author-date") == "(Moon 2017)"


def test_not_static_ordering_is_unchanged() -> None:
    items = json.loads(json.dumps(_ITEMS))
    del items[1]["author"][0]["static-ordering"]
    library = citekit.read_string(json.dumps(items), "csljson").library
    assert any(
        e.startswith("Moon, Jae-in. ")
        for e in citekit.bibliography(library, "modern-language-association")
    )

"""subsequent-author-substitute: which entries compare, and what they compare."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.csl.boxes import Box
from citekit.render.csl.clusters import capitalize_leading_term
from citekit.render.csl.contract import DisambiguationState
from citekit.render.csl.engine import CslEngine
from citekit.render.richtext import to_text
from citekit.styles.catalog import locale_loader as bundled_locale_xml

STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Test</title><id>test</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text value="x"/></layout></citation>
  <bibliography subsequent-author-substitute="---">
    <sort><key variable="title"/></sort>
    <layout suffix=".">
      <group delimiter=". ">
        <names variable="{first}">
          <name name-as-sort-order="first"/>
          <label form="short" prefix=", "/>
          <substitute>{alternatives}</substitute>
        </names>
        <text variable="title"/>
      </group>
    </layout>
  </bibliography>
</style>
"""

DOE = [{"family": "Doe", "given": "John"}]
ITEMS = [
    {"id": "a", "type": "book", "title": "A", "editor": DOE},
    {"id": "b", "type": "book", "title": "B", "author": DOE},
    {"id": "c", "type": "book", "title": "C", "author": DOE},
]


def _entries(first: str, alternatives: str) -> list[str]:
    style = STYLE.format(first=first, alternatives=alternatives).encode()
    out = CslEngine().process(ITEMS, style, [], locale=None, locale_loader=bundled_locale_xml)
    return [to_text(entry) for _, entry in out.bibliography]


def test_same_names_substitute_whatever_their_label() -> None:
    """Names compare as data: the editor's "ed." label does not make a new author."""
    assert _entries("author", '<names variable="editor"/>') == [
        "Doe, John, ed. A.",
        "---. B.",
        "---. C.",
    ]


def test_empty_alternative_that_inherits_the_name_leaves_the_comparison_open() -> None:
    """An empty ``author`` alternative without a cs:name of its own is part of
    the names it stands in for: the editor that renders after it is compared
    (citeproc-js 2.4.63 prints "---. B." here)."""
    alternatives = '<names variable="author"/><names variable="editor"/>'
    assert _entries("composer", alternatives) == ["Doe, John, ed. A.", "---. B.", "---. C."]


def test_empty_alternative_with_its_own_name_does_not_compare() -> None:
    """An empty alternative with a cs:name of its own ends the comparison for
    its entry, which keeps its names and leaves the comparison to the next
    entries: MLA's ``guest`` (biblatex-examples ``gaonkar`` / ``gaonkar:in``)."""
    alternatives = (
        '<names variable="author"/><names variable="guest"><name/></names>'
        '<names variable="editor"/>'
    )
    assert _entries("composer", alternatives) == ["Doe, John, ed. A.", "Doe, John. B.", "---. C."]


_TERM_TREES = st.recursive(
    st.sampled_from(["", " ", "(", "[", "see", "ibid.", "Ed. by", "x. y", "op. cit.", "ß", "ǆa"]),
    lambda kids: st.builds(
        lambda children, tag: Box(list(children), tag=tag),
        st.lists(kids, max_size=4),
        st.sampled_from([None, "term"]),
    ),
    max_leaves=14,
)


def _copy(node: str | Box) -> str | Box:
    return node if isinstance(node, str) else Box([_copy(k) for k in node.kids], tag=node.tag)


def _shape(node: str | Box) -> object:
    return node if isinstance(node, str) else (node.tag, [_shape(k) for k in node.kids])


@settings(max_examples=300, deadline=None)
@given(_TERM_TREES, _TERM_TREES, st.sampled_from(["", "."]))
def test_aligned_entries_capitalise_the_label_as_the_second_pass_did(
    left: str | Box, rest: str | Box, suffix: str
) -> None:
    """second-field-align capitalises the rest, then only the label: the same
    boxes as the former second pass over the whole laid-out entry."""
    once_left, once_right = _copy(left), Box([_copy(rest)])
    capitalize_leading_term(once_right)
    capitalize_leading_term(once_left)
    twice_left, twice_right = _copy(left), Box([_copy(rest)])
    capitalize_leading_term(twice_right)
    whole = Box(
        [
            Box([twice_left], display="left-margin"),
            Box([Box([twice_right, suffix])], display="right-inline"),
        ]
    )
    capitalize_leading_term(whole)
    assert (_shape(once_left), _shape(once_right)) == (_shape(twice_left), _shape(twice_right))


def test_capitalising_a_leading_term_twice_changes_nothing_more() -> None:
    """What the label argument above rests on, for every character: the first
    character of an upper-cased character upper-cases to itself."""
    for code in range(sys.maxunicode + 1):
        upper = chr(code).upper()
        assert upper[:1].upper() + upper[1:] == upper


@given(st.booleans())
def test_an_item_never_disambiguated_renders_with_the_copy_of_a_fresh_state(
    carry_given: bool,
) -> None:
    """The bibliography skips copying a state it does not have: the fresh state
    it uses is what copying a fresh state, field by field, gives."""
    fresh = DisambiguationState()
    copied = DisambiguationState(
        year_suffix=fresh.year_suffix,
        condition=fresh.condition,
        cite_names=fresh.cite_names,
        given_level=fresh.given_level if carry_given else {},
    )
    assert DisambiguationState() == copied

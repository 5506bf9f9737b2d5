"""The style parser's shortcuts give what the full reading gives.

``decor_of`` answers :data:`PLAIN` from the attribute names alone when an
element has no decoration attribute; these tests hold it to the reading of
every attribute (``decor_from_attributes``) on generated elements and on
every element of real styles.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from citekit.render.csl.style import NS, PLAIN
from citekit.render.csl.style_xml import decor_from_attributes, decor_of, parse_style
from citekit.styles.catalog import find_style

DECORATION = [
    "font-style",
    "font-variant",
    "font-weight",
    "text-decoration",
    "vertical-align",
    "prefix",
    "suffix",
    "display",
    "quotes",
    "strip-periods",
    "text-case",
]
OTHER = ["variable", "macro", "form", "delimiter", "plural", "term"]
VALUES = ["", "true", "false", "italic", " ", "(", "capitalize-first"]


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(DECORATION + OTHER), st.sampled_from(VALUES), max_size=6))
def test_decor_of_agrees_with_reading_every_attribute(attributes: dict[str, str]) -> None:
    element = etree.Element(f"{NS}text", attributes)
    assert decor_of(element) == decor_from_attributes(element)


def test_an_element_without_decoration_attributes_is_plain() -> None:
    element = etree.Element(f"{NS}text", {"variable": "title", "form": "short"})
    assert decor_of(element) is PLAIN


@pytest.mark.parametrize(
    "name", ["apa", "chicago-notes-bibliography", "ieee", "modern-language-association"]
)
def test_every_element_of_a_real_style_reads_the_same(name: str) -> None:
    xml = find_style(name).xml
    root = etree.fromstring(xml)
    for element in root.iter(etree.Element):
        assert decor_of(element) == decor_from_attributes(element), element.tag
    assert parse_style(xml).citation.layout.children


@pytest.mark.parametrize("name", ["apa", "ieee", "chicago-notes-bibliography"])
def test_a_style_parses_the_same_from_the_catalogs_checked_tree(name: str) -> None:
    """The tree the catalog's check hands over gives the very style a parse of the
    bytes gives (the check parses with the engine's parser options)."""
    from citekit.styles import catalog

    info = find_style(name)
    assert info.path is not None
    data = info.xml
    catalog._check_parses(data, name, info.path)  # leaves its tree for parse_style
    from_tree = parse_style(data)
    assert catalog.take_checked_tree(data) is None  # taken by parse_style
    from_bytes = parse_style(data)
    assert from_tree.citation == from_bytes.citation
    assert from_tree.bibliography == from_bytes.bibliography
    assert from_tree.macros == from_bytes.macros
    assert (from_tree.options, from_tree.warnings) == (from_bytes.options, from_bytes.warnings)
    assert [etree.tostring(el) for el in from_tree.locales] == [
        etree.tostring(el) for el in from_bytes.locales
    ]

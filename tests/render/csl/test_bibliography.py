"""subsequent-author-substitute: which entries compare, and what they compare."""

from __future__ import annotations

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

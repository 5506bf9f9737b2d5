"""CslEngine through the Engine protocol: rendering, caching and warnings."""

from __future__ import annotations

from citekit.render.csl.engine import CslEngine, load_style_and_locale
from citekit.render.richtext import to_html, to_text
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import locale_loader as bundled_locale_xml

STYLE = b"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Test</title><id>test</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation disambiguate-add-year-suffix="true">
    <layout prefix="(" suffix=")" delimiter="; ">
      <group delimiter=" ">
        <names variable="author"><name form="short"/></names>
        <date variable="issued"><date-part name="year"/></date>
      </group>
      <group delimiter=" " prefix=", "><label variable="locator" form="short"/>
        <text variable="locator"/></group>
    </layout>
  </citation>
  <bibliography>
    <sort><key variable="author"/><key variable="issued"/></sort>
    <layout suffix=".">
      <group delimiter=". ">
        <names variable="author"><name name-as-sort-order="all" initialize-with=". "/></names>
        <date variable="issued"><date-part name="year"/></date>
        <text variable="title" font-style="italic"/>
      </group>
    </layout>
  </bibliography>
</style>
"""

ITEMS = [
    {
        "id": "doe2000",
        "type": "book",
        "title": "A Book & More",
        "author": [{"family": "Doe", "given": "John"}],
        "issued": {"date-parts": [[2000]]},
    },
    {
        "id": "doe2000b",
        "type": "book",
        "title": "Another",
        "author": [{"family": "Doe", "given": "John"}],
        "issued": {"date-parts": [[2000]]},
    },
    {
        "id": "abel",
        "type": "book",
        "title": "Zeta",
        "author": [{"family": "Abel", "given": "Ann"}],
        "issued": {"date-parts": [[1999]]},
    },
]


def _process(clusters: list[Cluster], **kwargs: object):  # type: ignore[no-untyped-def]
    return CslEngine().process(
        ITEMS, STYLE, clusters, locale=None, locale_loader=bundled_locale_xml, **kwargs
    )


def test_citations_disambiguate_with_year_suffix_and_locator() -> None:
    out = _process([Cluster((CiteItem("doe2000", locator="12"), CiteItem("doe2000b")))])
    assert [to_html(c) for c in out.citations] == ["(Doe 2000a, p. 12; Doe 2000b)"]


def test_bibliography_sorted_with_all_items_and_escaped_html() -> None:
    out = _process([Cluster((CiteItem("doe2000"),))])
    keys = [key for key, _ in out.bibliography]
    assert keys == ["abel", "doe2000", "doe2000b"]
    assert to_html(out.bibliography[1][1]) == "Doe, J. 2000a. <i>A Book &#38; More</i>."
    assert to_text(out.bibliography[0][1]) == "Abel, A. 1999. Zeta."


def test_bibliography_ids_limit_entries() -> None:
    out = _process([Cluster((CiteItem("abel"),))], bibliography_ids=["abel"])
    assert [key for key, _ in out.bibliography] == ["abel"]


def test_missing_item_and_bad_style_become_warnings() -> None:
    out = _process([Cluster((CiteItem("nope"),))])
    assert any("nope" in warning for warning in out.warnings)
    broken = CslEngine().process(
        ITEMS, b"<not-a-style/>", [], locale=None, locale_loader=bundled_locale_xml
    )
    assert broken.citations == [] and broken.warnings


def test_locale_override_changes_terms() -> None:
    out = _process([Cluster((CiteItem("doe2000", locator="12"),))], bibliography=False)
    german = CslEngine().process(
        ITEMS,
        STYLE,
        [Cluster((CiteItem("doe2000", locator="12"),))],
        locale="de-DE",
        locale_loader=bundled_locale_xml,
        bibliography=False,
    )
    assert to_text(out.citations[0]) == "(Doe 2000a, p. 12)"
    assert to_text(german.citations[0]) == "(Doe 2000a, S. 12)"
    assert out.bibliography == []


def test_parsed_style_and_locale_are_cached() -> None:
    first = load_style_and_locale(STYLE, None, bundled_locale_xml)
    second = load_style_and_locale(STYLE, None, bundled_locale_xml)
    assert first[0] is second[0]
    assert first[1] is second[1]


def test_cycle_collector_is_left_as_it_was() -> None:
    """The engine pauses Python's cycle collector while it runs, never for good."""
    import gc

    was_enabled = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            assert _process([Cluster((CiteItem("doe2000"),))]).citations
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()

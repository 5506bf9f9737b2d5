"""CslEngine through the Engine protocol: rendering, caching and warnings."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from citekit.base import diskcache
from citekit.render.csl.engine import CslEngine, load_style_and_locale
from citekit.render.richtext import to_html, to_text
from citekit.render.types import CiteItem, Cluster, LocaleLoader
from citekit.styles.catalog import locale_loader as bundled_locale_xml

engine_module = importlib.import_module("citekit.render.csl.engine")

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


# -- the disk memo of parsed styles and locales ---------------------------------


@pytest.fixture
def memo_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The disk memo enabled in a folder of the test's, the in-process caches empty."""
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    monkeypatch.delenv(diskcache.OFF_ENV, raising=False)
    _forget_in_process()
    diskcache.use_disk_cache()
    yield tmp_path
    diskcache.use_disk_cache(False)
    _forget_in_process()


def _forget_in_process() -> None:
    """As a new process starts: nothing parsed yet (the disk memo aside)."""
    engine_module._STYLE_CACHE.clear()
    engine_module._LOCALE_CACHE.clear()
    engine_module._DISK_HITS.clear()


def _render_all(locale: str | None, loader: LocaleLoader = bundled_locale_xml) -> list[str]:
    clusters = [
        Cluster((CiteItem("doe2000", locator="12"), CiteItem("doe2000b"))),
        Cluster((CiteItem("abel"),)),
    ]
    out = CslEngine().process(ITEMS, STYLE, clusters, locale=locale, locale_loader=loader)
    return (
        [to_html(c) for c in out.citations]
        + [to_html(entry) for _, entry in out.bibliography]
        + out.warnings
    )


@pytest.mark.parametrize("locale", [None, "de-DE"])
def test_a_style_read_back_from_the_disk_renders_the_same(
    memo_on: Path, locale: str | None
) -> None:
    parsed = _render_all(locale)
    assert list((memo_on / "csl-styles").iterdir())  # the first process stored it
    _forget_in_process()
    read_back = _render_all(locale)
    assert engine_module._DISK_HITS and not engine_module._STYLE_CACHE  # not parsed again
    assert read_back == parsed
    style, merged, _warnings = load_style_and_locale(STYLE, locale, bundled_locale_xml)
    assert style.locales == () and merged.terms  # the merged locale stands for them


def test_a_locale_file_that_changed_is_merged_again(memo_on: Path) -> None:
    _render_all(None)
    _forget_in_process()

    def other_terms(tag: str) -> bytes | None:
        data = bundled_locale_xml(tag)
        return data.replace(b">page<", b">Seite-x<") if data is not None else None

    _render_all(None, other_terms)
    assert not engine_module._DISK_HITS  # the stored locale was made from other files
    assert engine_module._STYLE_CACHE


def test_without_the_memo_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    _forget_in_process()
    _render_all(None)
    assert list(tmp_path.iterdir()) == []

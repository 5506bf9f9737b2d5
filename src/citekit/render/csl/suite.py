"""Running CSL test-suite fixtures (and citekit's own, in the same format).

A fixture holds sections between ``>>===== NAME =====>>`` and
``<<===== NAME =====<<``.  :func:`run_fixture` renders one with citekit's
processor and returns the HTML the suite expects; :func:`normalise` applies
the comparison rules the reference runners use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citekit.render.csl.bundled import bundled_locale_xml
from citekit.render.csl.data import normalise_item
from citekit.render.csl.engine import load_style_and_locale
from citekit.render.csl.processor import Processor
from citekit.render.richtext import to_html

_SECTION = re.compile(r">>=+\s*([A-Z-]+)\s*=+>>\n?(.*?)\n?<<=+\s*\1\s*=+<<", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Fixture:
    name: str
    mode: str
    result: str
    csl: str
    input: list[dict[str, Any]]
    citation_items: list[list[dict[str, Any]]] | None = None
    citations: list[Any] | None = None
    bibentries: list[list[str]] | None = None
    bibsection: dict[str, Any] | None = None
    abbreviations: dict[str, Any] | None = None
    options: dict[str, Any] | None = None


def parse_fixture(path: Path) -> Fixture:
    text = path.read_text(encoding="utf-8")
    sections = {name: body for name, body in _SECTION.findall(text)}

    def load(name: str) -> Any:
        body = sections.get(name)
        return json.loads(body) if body and body.strip() else None

    return Fixture(
        path.stem,
        sections.get("MODE", "").strip(),
        sections.get("RESULT", ""),
        sections.get("CSL", ""),
        load("INPUT") or [],
        load("CITATION-ITEMS"),
        load("CITATIONS"),
        load("BIBENTRIES"),
        load("BIBSECTION"),
        load("ABBREVIATIONS"),
        load("OPTIONS"),
    )


_ENTITIES = (
    ("&#38;", "&"), ("&amp;", "&"), ("&#60;", "<"), ("&lt;", "<"), ("&#62;", ">"),
    ("&gt;", ">"), ("&#34;", '"'), ("&quot;", '"'), ("&#39;", "'"), ("&#039;", "'"),
    ("&apos;", "'"),
)  # fmt: skip
_PREFIX = re.compile(r"^(?:\.\.|>>)\[\d+\] ", re.MULTILINE)


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return _PREFIX.sub("", text).strip()


def _clusters_from_citations(citations: list[Any]) -> list[tuple[list[dict[str, Any]], int]]:
    """Replay processCitationCluster calls into the final document order."""
    order: list[str] = []
    bodies: dict[str, tuple[list[dict[str, Any]], int]] = {}
    for entry in citations:
        citation, pre, _post = entry[0], entry[1], entry[2]
        cid = str(citation.get("citationID"))
        note = int((citation.get("properties") or {}).get("noteIndex") or 0)
        bodies[cid] = (list(citation.get("citationItems") or []), note)
        if cid in order:
            order.remove(cid)
        position = 0
        for previous in pre:
            if previous[0] in order:
                position = order.index(previous[0]) + 1
        order.insert(position, cid)
    return [bodies[cid] for cid in order]


def run_fixture(fixture: Fixture) -> str:
    """The HTML citekit renders for ``fixture`` (before normalisation)."""
    style, locale, _warnings = load_style_and_locale(
        fixture.csl.encode("utf-8"), None, bundled_locale_xml
    )
    items = {}
    for raw in fixture.input:
        item = normalise_item(raw)
        items[item.id] = item
    if fixture.citations is not None:
        clusters = _clusters_from_citations(fixture.citations)
    elif fixture.citation_items is not None:
        clusters = [(list(cites), index + 1) for index, cites in enumerate(fixture.citation_items)]
    else:
        clusters = [([{"id": key} for key in items], 1)] if fixture.mode != "bibliography" else []
    if fixture.mode == "bibliography" and fixture.citation_items is None and not fixture.citations:
        clusters = [([{"id": key}], index + 1) for index, key in enumerate(items)]
    processor = Processor(style, locale)
    result = processor.run(items, clusters, None, fixture.mode == "bibliography")
    if fixture.mode == "bibliography":
        lines = ['<div class="csl-bib-body">']
        for _, entry in result.bibliography:
            body = to_html(entry)
            if body.startswith('<div class="csl-left-margin"') or body.startswith(
                '<div class="csl-block"'
            ):
                body = "\n    " + body
            if body.endswith("</div>"):
                body += "\n  "
            lines.append(f'  <div class="csl-entry">{body}</div>')
        lines.append("</div>")
        return "\n".join(lines)
    return "\n".join(to_html(rich) for rich in result.citations)


def check_fixture(fixture: Fixture) -> tuple[bool, str, str]:
    """(passed, expected, actual) after normalisation."""
    expected = normalise(fixture.result)
    actual = normalise(run_fixture(fixture))
    return expected == actual, expected, actual

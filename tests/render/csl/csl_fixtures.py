"""Running CSL test-suite fixtures (and citekit's own, in the same format).

A fixture holds sections between ``>>===== NAME =====>>`` and
``<<===== NAME =====<<``.  :func:`run_fixture` renders one with citekit's
processor and returns the HTML the suite expects; :func:`normalise` applies
the comparison rules the reference runners use.

A test and benchmark tool, not part of the engine (which reads no files):
``tests/render/csl/test_suite.py`` imports it from beside itself and
``benchmarks/csl_suite.py`` by path.  The suite's JSON cites become typed
:class:`CiteRequest` records here, once, at the edge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from citekit import CiteItem
from citekit.render.csl.contract import CiteRequest
from citekit.render.csl.data import normalise_item
from citekit.render.csl.engine import load_style_and_locale
from citekit.render.csl.processor import Processor
from citekit.render.richtext import Rich, Span, plain, to_html
from citekit.render.types import LocaleLoader
from citekit.styles.catalog import locale_loader as shipped_locale_xml
from citekit.styles.language_tags import fallback_chain

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


def cite_request(raw: dict[str, Any]) -> CiteRequest:
    """One suite cite (``id``, ``locator``, ``label``, ``prefix``, ``suffix``,
    ``suppress-author``, ``author-only``, ``position``, ``near-note``) as the
    processor takes it; numbers in the JSON (ids, locators) become text."""
    position = raw.get("position")
    return CiteRequest(
        CiteItem(
            str(raw.get("id")),
            locator=_text(raw.get("locator")),
            label=_text(raw.get("label")),
            prefix=_text(raw.get("prefix")),
            suffix=_text(raw.get("suffix")),
            suppress_author=bool(raw.get("suppress-author")),
            author_only=bool(raw.get("author-only")),
        ),
        position=position if isinstance(position, int) else None,
        near_note=bool(raw.get("near-note")),
    )


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _requests(cites: list[dict[str, Any]]) -> list[CiteRequest]:
    return [cite_request(raw) for raw in cites]


def _clusters_from_citations(citations: list[Any]) -> list[tuple[list[dict[str, Any]], int]]:
    """Replay processCitationCluster calls: the last call's pre + self + post is the document."""
    bodies: dict[str, list[dict[str, Any]]] = {}
    for entry in citations:
        citation = entry[0]
        bodies[str(citation.get("citationID"))] = list(citation.get("citationItems") or [])
    citation, pre, post = citations[-1][0], citations[-1][1], citations[-1][2]
    own = (str(citation.get("citationID")), (citation.get("properties") or {}).get("noteIndex"))
    order = [(str(p[0]), p[1]) for p in pre] + [own] + [(str(p[0]), p[1]) for p in post]
    return [(bodies.get(cid, []), int(note or 0)) for cid, note in order]


def run_fixture(fixture: Fixture, locale_loader: LocaleLoader = shipped_locale_xml) -> str:
    """The HTML citekit renders for ``fixture`` (before normalisation).

    ``locale_loader`` gives the CSL locale files: citekit's own by default;
    the official suite's runners pass the older ones the suite was written
    against (:func:`folder_locale_loader`).
    """
    style, locale, _warnings = load_style_and_locale(
        fixture.csl.encode("utf-8"), None, locale_loader
    )
    items = {}
    for raw in fixture.input:
        item = normalise_item(raw)
        items[item.id] = item
    if fixture.citations is not None:
        clusters = [
            (_requests(cites), note) for cites, note in _clusters_from_citations(fixture.citations)
        ]
    elif fixture.citation_items is not None:
        clusters = [
            (_requests(cites), index + 1) for index, cites in enumerate(fixture.citation_items)
        ]
    else:
        clusters = [(_by_key(items), 1)] if fixture.mode != "bibliography" else []
    if fixture.mode == "bibliography" and fixture.citation_items is None and not fixture.citations:
        clusters = [(_by_key([key]), index + 1) for index, key in enumerate(items)]
    processor = Processor(style, locale, _abbreviations(fixture.abbreviations))
    if fixture.mode != "bibliography" and fixture.citation_items is None and not fixture.citations:
        # The reference runner cites every item once, in the registry's (sorted) order.
        keys = list(items)
        order = processor.bibliography_order(items, keys, processor.number_items(items, keys))
        clusters = [(_by_key(order), 1)]
    # With explicit citations only the cited items are registered (as citeproc-js does);
    # BIBENTRIES names the uncited items of the final bibliography.
    explicit = fixture.citations is not None or fixture.citation_items is not None
    bibliography_ids: list[str] | None = [] if explicit else None
    if fixture.bibentries:
        bibliography_ids = [str(key) for key in fixture.bibentries[-1]]
    result = processor.run(items, clusters, bibliography_ids, fixture.mode == "bibliography")
    if fixture.mode == "bibliography":
        lines = ['<div class="csl-bib-body">']
        for key, entry in result.bibliography:
            if not plain(entry).strip():
                continue
            if fixture.bibsection and not _in_section(items[key].raw, fixture.bibsection):
                continue
            lines.append(f'  <div class="csl-entry">{entry_html(entry)}</div>')
        lines.append("</div>")
        return "\n".join(lines)
    return "\n".join(to_html(rich) for rich in result.citations)


def _by_key(keys: Iterable[str]) -> list[CiteRequest]:
    return [CiteRequest(CiteItem(key)) for key in keys]


def _abbreviations(data: dict[str, Any] | None) -> dict[str, dict[str, str]]:
    """The suite's ABBREVIATIONS (``{list name: {variable: {full: short}}}``), merged."""
    merged: dict[str, dict[str, str]] = {}
    for table in (data or {}).values():
        if isinstance(table, dict):
            for variable, pairs in table.items():
                if isinstance(pairs, dict):
                    merged.setdefault(variable, {}).update(
                        {str(k): str(v) for k, v in pairs.items()}
                    )
    return merged


def _matches(raw: Any, condition: dict[str, Any]) -> bool:
    value = raw.get(condition.get("field", ""))
    wanted = condition.get("value")
    if isinstance(value, list):
        return wanted in value
    return bool(value == wanted or (wanted == "" and not value))


def _in_section(raw: Any, section: dict[str, Any]) -> bool:
    """BIBSECTION filters: select (all), include (any), exclude (any), quash (all)."""
    select = section.get("select") or []
    include = section.get("include") or []
    exclude = section.get("exclude") or []
    quash = section.get("quash") or []
    if select and not all(_matches(raw, c) for c in select):
        return False
    if include and not any(_matches(raw, c) for c in include):
        return False
    if exclude and any(_matches(raw, c) for c in exclude):
        return False
    return not (quash and all(_matches(raw, c) for c in quash))


def _top_level(rich: Rich) -> list[Rich]:
    """The entry's children, looking through unformatted wrapper spans."""
    if isinstance(rich, Span) and not rich.display and _is_wrapper(rich):
        out: list[Rich] = []
        for child in rich.children:
            out.extend(_top_level(child))
        return out
    return [rich]


def _is_wrapper(span: Span) -> bool:
    return (
        span.italic is None
        and span.bold is None
        and span.small_caps is None
        and not (span.underline or span.superscript or span.subscript or span.baseline)
        and span.link is None
    )


def entry_html(entry: Rich) -> str:
    """One bibliography entry laid out the way citeproc-js indents display divs."""
    parts = _top_level(entry)
    if not any(isinstance(p, Span) and p.display for p in parts):
        return to_html(entry)
    out = []
    for part in parts:
        html = to_html(part)
        display = part.display if isinstance(part, Span) else None
        if display == "block":
            out.append("\n\n    " + html + "\n")
        elif display == "left-margin":
            opening = '<div class="csl-left-margin">'
            if not out and html.startswith(opening + " "):
                # citeproc-js moves an entry's leading space out of the first div
                out.append(" ")
                html = opening + html[len(opening) + 1 :]
            out.append("\n    " + html)
        else:
            out.append(html)
    body = "".join(out)
    # citeproc-js moves trailing spaces of the last div outside it.
    trailing = ""
    stripped = body[: -len("</div>")] if body.endswith("</div>") else ""
    if stripped and stripped != stripped.rstrip(" "):
        trailing = stripped[len(stripped.rstrip(" ")) :]
        body = stripped.rstrip(" ") + "</div>"
    if body.endswith("</div>") and parts_display(parts)[-1:] != ["left-margin"]:
        body += "\n  " + trailing
    return body


def parts_display(parts: list[Rich]) -> list[str | None]:
    """The display of each part (citeproc-js closes a lone margin div on the same line)."""
    return [part.display if isinstance(part, Span) else None for part in parts]


def stale_fixture_locales(folder: Path) -> Callable[[str], LocaleLoader]:
    """Fixture name -> the locale loader it was written for.

    ``folder`` holds ``stale_fixtures.txt`` (names, ``#`` comments) and the
    older locale files those fixtures expect; every other fixture gets the
    files citekit ships.  Four suite fixtures were not updated when the suite
    followed the 2025 CSL locale changes, and no one set of files passes them
    and their updated siblings (``folder``'s README has the evidence).
    """
    listing = folder / "stale_fixtures.txt"
    lines = listing.read_text(encoding="utf-8").splitlines() if listing.is_file() else []
    stale = frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    older = folder_locale_loader(folder)

    def for_fixture(name: str) -> LocaleLoader:
        return older if name in stale else shipped_locale_xml

    return for_fixture


def check_fixture(
    fixture: Fixture, locale_loader: LocaleLoader = shipped_locale_xml
) -> tuple[bool, str, str]:
    """(passed, expected, actual) after normalisation."""
    expected = normalise(fixture.result)
    actual = normalise(run_fixture(fixture, locale_loader))
    return expected == actual, expected, actual


def folder_locale_loader(
    folder: Path, fallback: LocaleLoader | None = shipped_locale_xml
) -> LocaleLoader:
    """A loader reading ``locales-TAG.xml`` files from ``folder``, then ``fallback``.

    The CSL test suite was written against the locale files citeproc-js's
    test runner pins, which are older than the ones citekit ships
    (``BC`` before CSL gave era terms a leading space, ``Jun.``, ``tran.``);
    its runner hands the engine those files this way.  A language the
    folder lacks is asked of ``fallback``.
    """
    tags = frozenset(
        path.name[len("locales-") : -len(".xml")] for path in folder.glob("locales-*.xml")
    )

    @lru_cache(maxsize=64)
    def load(lang: str) -> bytes | None:
        chain = fallback_chain(lang, available=tags, english=False)
        if chain:
            return (folder / f"locales-{chain[0]}.xml").read_bytes()
        return fallback(lang) if fallback is not None else None

    return load

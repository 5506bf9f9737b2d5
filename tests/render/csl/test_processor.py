"""The processor orders a cluster's cites as full rows of sort keys would.

``Processor.cite_order`` renders a citation sort key only for the cites tied
on every key before it.  Each order is checked against the straightforward
one kept here: every key of every cite rendered, the citation number put in
for a ``citation-number`` key, and the rows sorted by ``sort_indices``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit import CiteItem
from citekit.render.csl.contract import Cite, CiteInfo, CiteRequest
from citekit.render.csl.data import normalise_item
from citekit.render.csl.engine import load_style_and_locale
from citekit.render.csl.processor import Processor
from citekit.render.csl.sorting import sort_indices
from citekit.styles.catalog import locale_loader


def style(keys: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>T</title><id>t</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <macro name="author"><names variable="author"><name name-as-sort-order="all"/>
    <substitute><text variable="title"/></substitute></names></macro>
  <citation><sort>{keys}</sort>
    <layout delimiter="; "><names variable="author"/></layout></citation>
</style>""".encode()


STYLES = [
    style('<key macro="author"/><key variable="issued" sort="descending"/>'),
    style('<key macro="author"/><key variable="volume"/><key variable="citation-number"/>'),
    style('<key variable="citation-number" sort="descending"/>'),
    style('<key variable="volume" sort="descending"/><key macro="author"/>'),
]


def processor(xml: bytes) -> Processor:
    parsed, locale, _ = load_style_and_locale(xml, None, locale_loader)
    return Processor(parsed, locale)


def straightforward(proc: Processor, cites: list[Cite]) -> list[int]:
    """Every key of every cite, then the full rows sorted."""
    section = proc.style.citation
    rows: list[list[Any]] = []
    for cite in cites:
        row = [proc.sort_key_value(cite.item, section, key) for key in section.sort]
        for index, key in enumerate(section.sort):
            if key.variable == "citation-number":
                row[index] = cite.info.citation_number
        rows.append(row)
    return sort_indices(rows, section.sort)


# Few distinct values, so that cites tie often and later keys decide.
RECORDS = st.fixed_dictionaries(
    {
        "author": st.lists(st.sampled_from(["Doe", "Roe", "Åberg"]), max_size=2),
        "title": st.sampled_from(["Alpha", "beta", ""]),
        "year": st.sampled_from([1999, 2000, None]),
        # numbers and text in one key: compared as the comparison function does
        "volume": st.sampled_from(["", "2", "10", "ii"]),
        "number": st.integers(0, 4),
    }
)


def cites_of(records: list[dict[str, Any]]) -> list[Cite]:
    cites = []
    for index, record in enumerate(records):
        raw: dict[str, Any] = {"id": f"i{index}", "type": "book", "title": record["title"]}
        raw["author"] = [{"family": family} for family in record["author"]]
        if record["year"] is not None:
            raw["issued"] = {"date-parts": [[record["year"]]]}
        if record["volume"]:
            raw["volume"] = record["volume"]
        info = CiteInfo(citation_number=record["number"])
        cites.append(Cite(normalise_item(raw), info, CiteRequest(CiteItem(raw["id"]))))
    return cites


@settings(max_examples=60, deadline=None)
@given(records=st.lists(RECORDS, min_size=2, max_size=6), which=st.integers(0, len(STYLES) - 1))
def test_cites_are_ordered_as_full_rows_order_them(
    records: list[dict[str, Any]], which: int
) -> None:
    proc = processor(STYLES[which])
    cites = cites_of(records)
    assert proc.cite_order(cites, proc.style.citation) == straightforward(proc, cites)


class Counting(Processor):
    """A processor that counts the sort keys it renders."""

    rendered = 0

    def sort_key_value(self, *args: Any) -> Any:
        self.rendered += 1
        return super().sort_key_value(*args)


def counting(xml: bytes) -> Counting:
    parsed, locale, _ = load_style_and_locale(xml, None, locale_loader)
    return Counting(parsed, locale)


def test_a_later_key_is_rendered_only_for_cites_tied_before_it() -> None:
    proc = counting(STYLES[0])
    records = [
        {"author": [family], "title": "", "year": 2000, "volume": "", "number": 0}
        for family in ("Doe", "Roe", "Doe")
    ]
    cites = cites_of(records)
    order = proc.cite_order(cites, proc.style.citation)
    assert order == straightforward(counting(STYLES[0]), cites)
    # the author of all three, the year of the two works by Doe
    assert proc.rendered == len(cites) + 2


def test_a_rendered_key_is_kept_for_the_next_cluster() -> None:
    proc = counting(STYLES[0])
    records = [
        {"author": [family], "title": "", "year": 2000, "volume": "", "number": 0}
        for family in ("Doe", "Roe")
    ]
    cites = cites_of(records)
    proc.cite_order(cites, proc.style.citation)
    first = proc.rendered
    assert first > 0
    proc.cite_order(list(reversed(cites)), proc.style.citation)
    assert proc.rendered == first


@pytest.mark.parametrize("xml", STYLES)
def test_a_citation_number_key_takes_the_cites_number(xml: bytes) -> None:
    proc = processor(xml)
    records = [
        {"author": ["Doe"], "title": "", "year": 2000, "volume": "", "number": number}
        for number in (3, 1, 2)
    ]
    cites = cites_of(records)
    assert proc.cite_order(cites, proc.style.citation) == straightforward(proc, cites)

"""Disambiguation renders only what a style can tell apart, and decides as before.

A style that never reads a cite's position (no ``position`` test, no
``et-al-subsequent-*``, no ``first-reference-note-number``) renders a
subsequent cite as a first one, and one without ``disambiguate`` tests
renders every ``condition`` alike: those renders are shared, not repeated.
The differential tests run the same documents through a straightforward
comparison renderer kept here (every render made, nothing shared, the
``disambiguate`` count always probed) and compare the states and the output.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.csl import disambiguation, processor
from citekit.render.csl.boxes import plain_text
from citekit.render.csl.contract import CiteInfo, DisambiguationState
from citekit.render.csl.disambiguation import CitationReads, citation_reads
from citekit.render.csl.engine import CslEngine
from citekit.render.csl.style_xml import parse_style
from citekit.render.richtext import to_text
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import find_style
from citekit.styles.catalog import locale_loader as bundled_locale_xml

NAMES = '<names variable="author"><name form="short" initialize-with=". "/></names>'
YEAR = '<date variable="issued" prefix=" "><date-part name="year"/></date>'
TITLE_IF_AMBIGUOUS = (
    '<choose><if disambiguate="true"><text variable="title" prefix=", "/></if></choose>'
)
SHORT_IF_SUBSEQUENT = (
    '<choose><if position="subsequent"><text variable="title" form="short" prefix=" "/></if>'
    "<else>" + YEAR + "</else></choose>"
)
METHODS = (
    'et-al-min="2" et-al-use-first="1" disambiguate-add-names="true" '
    'disambiguate-add-givenname="true" disambiguate-add-year-suffix="true"'
)


def style(citation_attrs: str, layout: str, name_attrs: str = "") -> bytes:
    name = f'<names variable="author"><name {name_attrs}/></names>'
    return f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>T</title><id>t</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <macro name="body">{layout}</macro>
  <citation {citation_attrs}><layout prefix="(" suffix=")" delimiter="; ">
    <text macro="body"/><text variable="year-suffix"/></layout></citation>
  <bibliography><layout>{name}<text variable="title" prefix=". "/>{YEAR}
    <text variable="year-suffix"/></layout></bibliography>
</style>""".encode()


BLIND = style(METHODS, NAMES + YEAR)
BLIND_WITH_TEST = style(METHODS, NAMES + YEAR + TITLE_IF_AMBIGUOUS)
POSITIONAL = style(METHODS, NAMES + SHORT_IF_SUBSEQUENT + TITLE_IF_AMBIGUOUS)
SUBSEQUENT_OPTION = style(METHODS + ' et-al-subsequent-min="1"', NAMES + YEAR)
STYLES = [BLIND, BLIND_WITH_TEST, POSITIONAL, SUBSEQUENT_OPTION]


@pytest.mark.parametrize(
    ("xml", "reads"),
    [
        (BLIND, CitationReads(position=False, condition=False)),
        (BLIND_WITH_TEST, CitationReads(position=False, condition=True)),
        (POSITIONAL, CitationReads(position=True, condition=True)),
        (SUBSEQUENT_OPTION, CitationReads(position=True, condition=False)),
        # the option on a cs:name, and the note number, read the position too
        (
            style("", NAMES + YEAR, 'et-al-subsequent-use-first="1"'),
            CitationReads(position=True, condition=False),
        ),
        (
            style("", NAMES + '<text variable="first-reference-note-number"/>'),
            CitationReads(position=True, condition=False),
        ),
        (
            style("", NAMES + '<number variable="first-reference-note-number"/>'),
            CitationReads(position=True, condition=False),
        ),
    ],
)
def test_what_a_style_can_read(xml: bytes, reads: CitationReads) -> None:
    assert citation_reads(parse_style(xml)) == reads


def test_reads_agree_with_the_parsers_disambiguate_flag() -> None:
    for name in ("apa", "ieee", "modern-language-association", "chicago-notes-bibliography"):
        parsed = parse_style(find_style(name).xml)
        assert citation_reads(parsed).condition == parsed.tests_disambiguate


class _Straight(disambiguation._Renderer):
    """The comparison renderer without any sharing: every call renders."""

    def __init__(
        self,
        proc: Any,
        items: Any,
        position: str = "first",
        first_notes: Any = None,
        shares: Any = None,
    ) -> None:
        super().__init__(proc, items, position, first_notes)  # shares nothing
        self.reads = CitationReads()  # reads everything: probes every count

    def key(self, item_id: str, state: DisambiguationState) -> str:
        note = self.first_notes.get(item_id, 0)
        output, _ = self.proc.render_item(
            self.items[item_id],
            self.proc.style.citation,
            "citation",
            CiteInfo(position=self.position, first_note=note),
            state,
            disambiguation.IGNORED,
        )
        return plain_text(output)

    def names_info(self, item_id: str, state: DisambiguationState) -> tuple[int, int]:
        _, ctx = self.proc.render_item(
            self.items[item_id],
            self.proc.style.citation,
            "citation",
            CiteInfo(position=self.position),
            state,
            disambiguation.IGNORED,
        )
        return ctx.notes.names_info or (0, 0)


State = tuple[Any, ...]


def run(
    monkeypatch: pytest.MonkeyPatch,
    xml: bytes,
    items: list[dict[str, Any]],
    clusters: list[Cluster],
    straight: bool,
) -> tuple[dict[str, State], list[str], list[str], int]:
    """States, citations, bibliography and the number of item renders of one run."""
    with monkeypatch.context() as patch:
        if straight:
            patch.setattr(disambiguation, "_Renderer", _Straight)
        states: dict[str, State] = {}
        real = disambiguation.disambiguate

        def keeping(*args: Any, **kwargs: Any) -> dict[str, DisambiguationState]:
            found = real(*args, **kwargs)
            for key, s in found.items():
                levels = tuple(sorted(s.given_level.items()))
                states[key] = (s.add_names, levels, s.year_suffix, s.condition, s.cite_names)
            return found

        renders = [0]
        render_item = processor.Processor.render_item

        def counting(self: processor.Processor, *args: Any, **kwargs: Any) -> Any:
            renders[0] += 1
            return render_item(self, *args, **kwargs)

        patch.setattr(processor, "disambiguate", keeping)
        patch.setattr(processor.Processor, "render_item", counting)
        out = CslEngine().process(
            items, xml, clusters, locale="en-US", locale_loader=bundled_locale_xml
        )
    citations = [to_text(c) for c in out.citations]
    entries = [to_text(e) for _, e in out.bibliography]
    return states, citations, entries, renders[0]


FAMILIES = ("Doe", "Roe", "Poe")
GIVENS = ("John", "Jane", "J.", "")


@st.composite
def documents(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[Cluster]]:
    """A few works by a few people, cited in clusters, some more than once."""
    count = draw(st.integers(2, 7))
    items: list[dict[str, Any]] = []
    for index in range(count):
        authors = draw(
            st.lists(
                st.tuples(st.sampled_from(FAMILIES), st.sampled_from(GIVENS)),
                min_size=0,
                max_size=3,
            )
        )
        items.append(
            {
                "id": f"i{index}",
                "type": "book",
                "title": draw(st.sampled_from(("Alpha", "Beta"))),
                "author": [{"family": f, "given": g} for f, g in authors],
                "issued": {"date-parts": [[draw(st.sampled_from((2000, 2001)))]]},
            }
        )
    ids = [item["id"] for item in items]
    cited = draw(st.lists(st.lists(st.sampled_from(ids), min_size=1, max_size=2), max_size=8))
    clusters = [Cluster(tuple(CiteItem(key) for key in keys)) for keys in cited]
    return items, clusters


@settings(max_examples=25, deadline=None)
@given(document=documents(), index=st.integers(0, len(STYLES) - 1))
def test_shared_renders_decide_as_the_straightforward_renderer(
    document: tuple[list[dict[str, Any]], list[Cluster]], index: int
) -> None:
    items, clusters = document
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast = run(monkeypatch, STYLES[index], items, clusters, straight=False)
        slow = run(monkeypatch, STYLES[index], items, clusters, straight=True)
    assert fast[:3] == slow[:3]
    assert fast[3] <= slow[3]


# Two pairs of works that print alike until given names, added names or a
# suffix tell them apart; each cited twice, so subsequent forms are compared too.
COLLIDING: list[dict[str, Any]] = [
    {"id": "a", "author": [{"family": "Doe", "given": "John"}, {"family": "Roe"}]},
    {"id": "b", "author": [{"family": "Doe", "given": "Jane"}, {"family": "Poe"}]},
    {"id": "c", "author": [{"family": "Doe", "given": "John"}, {"family": "Roe"}]},
    {"id": "d", "author": [{"family": "Poe", "given": "Ed"}]},
]
for _record in COLLIDING:
    _record.update(type="book", title="Alpha", issued={"date-parts": [[2000]]})
TWICE = [Cluster((CiteItem(r["id"]),)) for r in COLLIDING] * 2


@pytest.mark.parametrize("xml", STYLES)
def test_colliding_cites_decide_as_before(monkeypatch: pytest.MonkeyPatch, xml: bytes) -> None:
    fast = run(monkeypatch, xml, COLLIDING, TWICE, straight=False)
    slow = run(monkeypatch, xml, COLLIDING, TWICE, straight=True)
    assert fast[:3] == slow[:3]
    assert any(state[2] for state in slow[0].values()), "no year suffix: nothing was decided"


def test_a_position_blind_style_renders_subsequent_forms_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = run(monkeypatch, BLIND, COLLIDING, TWICE, straight=False)
    slow = run(monkeypatch, BLIND, COLLIDING, TWICE, straight=True)
    # the straightforward renderer renders every registered item in both forms
    assert slow[3] - fast[3] >= len(COLLIDING)


@pytest.mark.parametrize("name", ["apa", "modern-language-association", "chicago-author-date"])
def test_published_styles_decide_as_before(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    xml = find_style(name).xml
    fast = run(monkeypatch, xml, COLLIDING, TWICE, straight=False)
    slow = run(monkeypatch, xml, COLLIDING, TWICE, straight=True)
    assert fast[:3] == slow[:3]

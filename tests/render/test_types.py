"""The engine contract's values: one bibliography layout for both engines."""

from __future__ import annotations

import pytest

from citekit.render.citeproc_py import CiteprocPyEngine
from citekit.render.csl.engine import CslEngine
from citekit.render.types import (
    AUTHOR_SUBSTITUTE,
    CITATION_AFFIXES,
    BibliographyLayout,
    Engine,
    supports,
)
from citekit.styles.catalog import locale_loader as bundled_locale_xml

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><id>t</id><title>T</title><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  {bibliography}
</style>"""
BIBLIOGRAPHY = (
    '<bibliography hanging-indent="true" second-field-align="flush" '
    'entry-spacing="2" line-spacing="3"><layout><text variable="title"/></layout>'
    "</bibliography>"
)


def test_layout_from_attributes() -> None:
    layout = BibliographyLayout.from_attributes(
        {
            "hanging-indent": "true",
            "second-field-align": "margin",
            "entry-spacing": "0",
            "line-spacing": "2",
        }
    )
    assert layout == BibliographyLayout(True, "margin", 0, 2)


def test_missing_or_bad_attributes_keep_the_defaults() -> None:
    assert BibliographyLayout.from_attributes(None) == BibliographyLayout()
    assert BibliographyLayout.from_attributes({}) == BibliographyLayout()
    odd = BibliographyLayout.from_attributes(
        {"hanging-indent": "yes", "entry-spacing": "two", "line-spacing": "-1"}
    )
    assert odd == BibliographyLayout(False, None, 1, 0)


@pytest.mark.parametrize("engine", [CslEngine(), CiteprocPyEngine()], ids=lambda e: e.name)
def test_both_engines_report_the_same_layout(engine: Engine) -> None:
    items = [{"id": "a", "type": "book", "title": "A"}]
    with_bib = engine.process(
        items,
        STYLE.format(bibliography=BIBLIOGRAPHY).encode(),
        [],
        locale="en-US",
        locale_loader=bundled_locale_xml,
    )
    assert with_bib.layout == BibliographyLayout(True, "flush", 2, 3)
    without = engine.process(
        items,
        STYLE.format(bibliography="").encode(),
        [],
        locale="en-US",
        locale_loader=bundled_locale_xml,
    )
    assert without.layout == BibliographyLayout()


@pytest.mark.parametrize("engine", [CslEngine(), CiteprocPyEngine()], ids=lambda e: e.name)
def test_progress_adds_up_to_the_bibliography(engine: Engine) -> None:
    items = [{"id": key, "type": "book", "title": key.upper()} for key in ("a", "b", "c")]
    steps: list[int] = []
    output = engine.process(
        items,
        STYLE.format(bibliography=BIBLIOGRAPHY).encode(),
        [],
        locale="en-US",
        locale_loader=bundled_locale_xml,
        progress=steps.append,
    )
    assert len(output.bibliography) == 3
    assert steps == [1, 1, 1]  # one step per entry, so a bar moves as entries are done


def test_a_problem_prints_as_its_message_and_serialises_whole() -> None:
    from citekit.render.types import Problem

    problem = Problem("unknown-key", "unknown citation key 'x'", key="x", suggestions=("y",))
    assert str(problem) == "unknown citation key 'x'"
    assert problem.to_json() == {
        "code": "unknown-key",
        "message": "unknown citation key 'x'",
        "key": "x",
        "suggestions": ["y"],
    }
    assert Problem("warning", "m") == Problem("warning", "m")  # a value, comparable


class _Declares:
    name = "declares"
    capabilities = frozenset({"citation-affixes"})


class _Older:
    name = "older"


def test_capabilities_are_optional_and_declared() -> None:
    assert supports(_Declares(), CITATION_AFFIXES)
    assert not supports(_Declares(), AUTHOR_SUBSTITUTE)
    assert not supports(_Older(), CITATION_AFFIXES)  # an engine of the first protocol
    assert supports(CiteprocPyEngine(), CITATION_AFFIXES)

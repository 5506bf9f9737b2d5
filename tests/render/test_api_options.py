"""render()'s engine options: asked of engines that declare them, a fallback for the rest.

``author_substitute=False`` (for entries printed outside the bibliography's
order, as the course reader does) reaches an engine with the
:data:`AUTHOR_SUBSTITUTE` capability as an option and the style untouched;
an engine without the capability gets the style without
``subsequent-author-substitute``.  Expected texts are derived from the
entries themselves, never written out.
"""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from citekit.model.records import Library
from citekit.render import available_engines, get_engine, render
from citekit.render.api import without_author_substitute
from citekit.render.types import AUTHOR_SUBSTITUTE, supports
from citekit.styles.catalog import find_style

STYLE = "modern-language-association"  # replaces a repeated author by "---"
TWO_BY_ONE = Library.from_json(
    [
        {
            "id": f"w{n}",
            "type": "book",
            "title": title,
            "author": [{"family": "Moore", "given": "Marianne"}],
            "publisher": "Macmillan",
            "issued": {"date-parts": [[1935 + n]]},
        }
        for n, title in enumerate(["Selected Poems", "The Pangolin"])
    ]
)


class _Recording:
    """Records each call, with or without the inner engine's capabilities."""

    def __init__(self, inner: Any, *, capable: bool) -> None:
        self.inner = inner
        self.name = inner.name
        if capable:
            self.capabilities = inner.capabilities
        self.calls: list[tuple[bytes, dict[str, Any]]] = []

    def process(self, items: Any, style_xml: bytes, clusters: Any, **options: Any) -> Any:
        self.calls.append((style_xml, options))
        return self.inner.process(items, style_xml, clusters, **options)


def _name_part(entry: str) -> str:
    return entry.split(".", 1)[0]


@pytest.mark.parametrize("engine", available_engines())
def test_names_in_full_without_author_substitute(engine: str) -> None:
    default = render(TWO_BY_ONE, STYLE, engine=engine).bibliography_texts
    full = render(TWO_BY_ONE, STYLE, engine=engine, author_substitute=False).bibliography_texts
    assert len(full) == 2
    assert _name_part(full[1]) == _name_part(full[0]) == _name_part(default[0])
    assert "Moore" in _name_part(full[1])
    if engine == "citekit":  # citeproc-py never substitutes
        assert "Moore" not in _name_part(default[1])


def test_an_engine_without_the_capability_gets_a_style_without_the_attribute() -> None:
    recording = _Recording(get_engine("citekit"), capable=False)
    style = find_style(STYLE)
    render(TWO_BY_ONE, style, engine=recording, author_substitute=False)
    (xml, options), *_ = recording.calls
    assert "author_substitute" not in options
    assert xml == without_author_substitute(style.xml) != style.xml
    bibliography = etree.fromstring(xml).find("{http://purl.org/net/xbiblio/csl}bibliography")
    assert bibliography is not None
    assert "subsequent-author-substitute" not in bibliography.attrib


@pytest.mark.parametrize("engine", available_engines())
def test_an_engine_with_the_capability_gets_the_option_and_the_style(engine: str) -> None:
    inner = get_engine(engine)
    if not supports(inner, AUTHOR_SUBSTITUTE):
        pytest.skip(f"engine '{engine}' does not declare {AUTHOR_SUBSTITUTE} yet")
    recording = _Recording(inner, capable=True)
    style = find_style(STYLE)
    render(TWO_BY_ONE, style, engine=recording, author_substitute=False)
    (xml, options), *_ = recording.calls
    assert xml == style.xml
    assert options["author_substitute"] is False
    render(TWO_BY_ONE, style, engine=recording)
    assert "author_substitute" not in recording.calls[-1][1]


def test_without_author_substitute_keeps_styles_that_have_none() -> None:
    apa = find_style("apa").xml
    assert without_author_substitute(apa) is apa
    assert without_author_substitute(b"<broken subsequent-author-substitute") == (
        b"<broken subsequent-author-substitute"
    )

"""Style parsing into immutable nodes."""

from __future__ import annotations

import dataclasses

import pytest

from citekit.render.csl.style import GroupNode, StyleError, TextNode
from citekit.render.csl.style_xml import parse_style

STYLE = b"""<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0"
  default-locale="fr-FR" initialize-with=". " page-range-format="minimal">
  <macro name="title"><text variable="title" font-style="italic" prefix="[" /></macro>
  <citation et-al-min="3"><layout delimiter="; "><group delimiter=", ">
    <text macro="title"/><bogus/></group></layout></citation>
</style>"""


def test_parse_style_builds_frozen_nodes_and_options() -> None:
    style = parse_style(STYLE)
    assert style.cls == "note" and style.default_locale == "fr-FR"
    assert style.name_attrs["initialize-with"] == ". "
    assert style.citation.name_attrs["et-al-min"] == "3"
    assert style.options["page-range-format"] == "minimal"
    title = style.macros["title"][0]
    assert isinstance(title, TextNode)
    assert title.decor.prefix == "[" and title.decor.fmt is not None
    group = style.citation.layout.children[0]
    assert isinstance(group, GroupNode) and len(group.children) == 1
    assert any("bogus" in warning for warning in style.warnings)
    with pytest.raises(dataclasses.FrozenInstanceError):
        title.value = "other"  # type: ignore[misc]


@pytest.mark.parametrize("xml", [b"<style", b"<notastyle/>"])
def test_non_styles_raise_style_error(xml: bytes) -> None:
    with pytest.raises(StyleError):
        parse_style(xml)

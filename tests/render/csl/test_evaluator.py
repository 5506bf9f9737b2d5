"""The evaluator's rules that the CSL suite leaves open, pinned to citeproc-js's behaviour."""

from __future__ import annotations

import pytest

from citekit.render.csl.engine import CslEngine
from citekit.render.richtext import to_text
from citekit.styles.catalog import locale_loader as bundled_locale_xml

LABEL_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Test</title><id>test</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text value="x"/></layout></citation>
  <bibliography><layout>{layout}</layout></bibliography>
</style>
"""

# harvard-cite-them-right's multi-volume group, as the style writes it.
VOLUMES = """<text variable="title"/>
  <choose><if variable="volume" match="none">
    <group delimiter=" " prefix=" (" suffix=")">
      <text variable="number-of-volumes"/>
      <label variable="volume" form="short" strip-periods="true"/>
    </group>
  </if></choose>"""


def _entry(layout: str, **fields: object) -> str:
    item = {"id": "item", "type": "book", "title": "Works", **fields}
    style = LABEL_STYLE.format(layout=layout).encode()
    out = CslEngine().process([item], style, [], locale=None, locale_loader=bundled_locale_xml)
    return to_text(out.bibliography[0][1]) if out.bibliography else ""


def test_label_of_an_empty_variable_prints_its_singular_term() -> None:
    """citeproc-js prints "(3 vol)" here: a label's term does not wait for its variable.

    CSL 1.0.2 says a label renders only for a non-empty variable; citeproc-js
    renders the term regardless (singular, as nothing can make it plural) and
    the reference outputs of harvard-cite-them-right depend on it.
    """
    assert _entry(VOLUMES, **{"number-of-volumes": "3"}) == "Works (3 vol)"


def test_label_does_not_keep_a_group_of_empty_variables_alive() -> None:
    """A label is no variable call: the group still vanishes when its variables are empty."""
    layout = """<text variable="title"/>
      <group prefix=" (" suffix=")" delimiter=" ">
        <label variable="page" form="short"/><text variable="page"/>
      </group>"""
    assert _entry(layout) == "Works"
    assert _entry(layout, page="5-9") == "Works (pp. 5-9)".replace("-", "\u2013")


@pytest.mark.parametrize(
    ("plural", "expected"),
    [
        ("contextual", "Works vol."),
        ("never", "Works vol."),
        ("always", "Works vols."),
    ],
)
def test_label_of_an_empty_variable_follows_plural_attribute(plural: str, expected: str) -> None:
    layout = f"""<group delimiter=" "><text variable="title"/>
      <label variable="volume" form="short" plural="{plural}"/></group>"""
    assert _entry(layout) == expected

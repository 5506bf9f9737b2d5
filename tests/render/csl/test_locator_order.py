"""A cite's locator reads the same wherever the cite stands in the document.

A locator such as ``1, fol. 186-190`` names a second part with its own label;
the cite's label counts only the part before it ("p. 1, fol. 186–190", as
citeproc-js prints it).  That reading once needed the locale's locator terms,
which the processor loaded only at the first locator without a label: the
same cite then printed "pp." alone and "p." after such a cite.  Here every
cluster must render as it renders alone, in a batch run and in an engine
session, whatever comes before it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from locator_style import LOCATOR_STYLE

from citekit.render.csl.engine import CslEngine, load_style_and_locale
from citekit.render.csl.processor import Processor, locator_terms
from citekit.render.csl.session import CslSession
from citekit.render.richtext import Rich, plain
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import locale_loader

# An in-text style with no positions, numbers or disambiguation: a cluster's
# rendering can only depend on its own cites (and, before the fix, on the
# locators of the cites before it).
STYLE = LOCATOR_STYLE.encode()

ITEMS: list[dict[str, Any]] = [
    {"id": "rivers", "type": "book", "title": "Rivers"},
    {"id": "roads", "type": "book", "title": "Roads"},
]

TWO_PARTS = "1, fol. 186-190"  # one page, then a range of folios
LABELLED = CiteItem("rivers", locator=TWO_PARTS, label="page")
WITHOUT_LABEL = CiteItem("roads", locator="5")  # "page" read from the locator itself


def _render(clusters: list[Cluster]) -> list[Rich]:
    output = CslEngine().process(
        ITEMS, STYLE, clusters, locale=None, locale_loader=locale_loader, bibliography_ids=[]
    )
    return output.citations


def _alone(cluster: Cluster) -> Rich:
    return _render([cluster])[0]


def _session() -> CslSession:
    parsed, locale, warnings = load_style_and_locale(STYLE, None, locale_loader)
    session = CslSession(parsed, locale, warnings=warnings)
    session.add_items(ITEMS)
    return session


def test_a_cite_renders_alike_alone_and_after_a_locator_without_label() -> None:
    target = Cluster((LABELLED,))
    after = _render([Cluster((WITHOUT_LABEL,)), target])
    assert after[1] == _alone(target)


def test_the_label_counts_the_part_before_a_second_labelled_part() -> None:
    """ "1, fol. 186-190" takes the label "1" takes (the singular), not the
    plural its folio range would give it, as in citeproc-js."""
    head_only = _alone(Cluster((CiteItem("rivers", locator="1", label="page"),)))
    whole = _alone(Cluster((LABELLED,)))
    assert plain(whole).startswith(plain(head_only) + ", ")


def test_the_processor_reads_its_terms_from_the_locale_alone() -> None:
    """The head is found on the first call, before any locator named a label."""
    parsed, locale, _ = load_style_and_locale(STYLE, None, locale_loader)
    processor = Processor(parsed, locale)
    head = processor.locator_head(TWO_PARTS)
    assert head is not None and TWO_PARTS.startswith(head) and head != TWO_PARTS
    assert processor.locator_terms == locator_terms(locale)


def test_the_session_renders_a_cite_alike_whatever_comes_before_it() -> None:
    target = Cluster((LABELLED,), id="target")
    alone = _session()
    alone.process([target], 0, bibliography_ids=[])
    edited = _session()
    clusters = [target]
    edited.process(clusters, 0, bibliography_ids=[])
    clusters = [Cluster((WITHOUT_LABEL,), id="before"), target]  # inserted before it
    edited.process(clusters, 0, bibliography_ids=[])
    assert edited.citations()[1] == alone.citations()[0]
    clusters = [target]  # and removed again
    edited.process(clusters, 0, bibliography_ids=[])
    assert edited.citations() == alone.citations()


locators = st.sampled_from(
    [None, "5", "12-14", TWO_PARTS, "3, chap. 2-4", "vol. 2", "2, sec. 4, 6"]
)
labels = st.sampled_from([None, "page", "chapter"])
documents = st.lists(
    st.lists(
        st.tuples(st.sampled_from(["rivers", "roads"]), locators, labels), min_size=1, max_size=3
    ),
    min_size=1,
    max_size=6,
)


def _clusters(document: list[list[tuple[str, str | None, str | None]]]) -> list[Cluster]:
    return [
        Cluster(
            tuple(CiteItem(key, locator=loc, label=label) for key, loc, label in cites), id=f"c{i}"
        )
        for i, cites in enumerate(document)
    ]


@settings(max_examples=40, deadline=None)
@given(document=documents)
def test_every_cluster_renders_as_it_renders_alone(
    document: list[list[tuple[str, str | None, str | None]]],
) -> None:
    clusters = _clusters(document)
    together = _render(clusters)
    assert together == [_alone(cluster) for cluster in clusters]
    session = _session()
    session.process(clusters[-1:], 0, bibliography_ids=[])  # the last cluster first, alone
    session.process(clusters, 0, bibliography_ids=[])  # then everything before it inserted
    assert session.citations() == together

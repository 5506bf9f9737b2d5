"""The citeproc-py engine wrapper: every quirk it hides, shown."""

from __future__ import annotations

from typing import Any

from citeproc import frontend

from citekit.render.citeproc_py import (
    CiteprocPyEngine,
    alternate_nested_quotes,
    displays_to_html,
    mark_display,
    move_punctuation_into_quotes,
    to_citeproc_item,
)
from citekit.render.richtext import Span, plain, to_html
from citekit.render.types import CiteItem, Cluster
from citekit.styles.catalog import find_style, locale_loader

ITEMS: list[dict[str, Any]] = [
    {
        "id": "Doe2000",
        "type": "book",
        "title": "Upper book",
        "author": [{"family": "Doe", "given": "John", "comma-suffix": True}],
        "issued": {"date-parts": [[2000]]},
        "publisher": "Pub",
        "custom": {"x": 1},
        "citation-key": "Doe2000",
    },
    {
        "id": "doe2000",
        "type": "book",
        "title": "Lower book",
        "author": [{"family": "Roe", "given": "Ann"}],
        "issued": {"date-parts": [[2001]]},
        "publisher": "Pub",
    },
]

ENGINE = CiteprocPyEngine()


def run(
    style: str, clusters: list[Cluster], items: list[dict[str, Any]] | None = None, **options: Any
) -> Any:
    return ENGINE.process(
        items if items is not None else ITEMS,
        find_style(style).xml,
        clusters,
        locale="en-US",
        locale_loader=locale_loader,
        **options,
    )


def test_ids_differing_only_in_case_stay_apart() -> None:
    out = run("apa", [Cluster((CiteItem("Doe2000"),)), Cluster((CiteItem("doe2000"),))])
    assert [plain(c) for c in out.citations] == ["(Doe, 2000)", "(Roe, 2001)"]
    assert [key for key, _ in out.bibliography] == ["Doe2000", "doe2000"]


def test_fields_citeproc_py_does_not_know_are_dropped_quietly() -> None:
    item = to_citeproc_item(ITEMS[0], "item0")
    assert "custom" not in item and "citation-key" not in item
    assert item["author"] == [{"family": "Doe", "given": "John"}]
    out = run("apa", [])
    assert not any("unsupported" in w for w in out.warnings)


def test_bad_data_becomes_a_warning_not_an_exception() -> None:
    items = [
        {"id": "bad", "type": "book", "title": "Bad date", "issued": {"date-parts": [["x"]]}},
        *ITEMS,
    ]
    out = run("apa", [Cluster((CiteItem("Doe2000"),))], items=items)
    assert plain(out.citations[0]) == "(Doe, 2000)"
    assert any("'bad'" in w and "issued" in w for w in out.warnings)


def test_invalid_style_warns() -> None:
    xml = (
        b'<?xml version="1.0"?><style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" '
        b'class="in-text"><info><title>x</title><id>x</id></info><citation><layout>'
        b'<text variable="title" bogus="1"/></layout></citation></style>'
    )
    out = ENGINE.process(
        ITEMS, xml, [Cluster((CiteItem("Doe2000"),))], locale=None, locale_loader=locale_loader
    )
    assert plain(out.citations[0]) == "Upper book"
    assert any("schema validation" in w for w in out.warnings)
    assert out.bibliography == []


def test_style_is_validated_once_and_its_warnings_repeat(monkeypatch: Any) -> None:
    # Schema validation was ~14 of ~20 ms per cite; its verdict depends only
    # on the style's bytes, so later loads skip it but still report it.
    xml = (
        b'<?xml version="1.0"?><style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" '
        b'class="in-text"><info><title>once</title><id>once</id></info><citation><layout>'
        b'<text variable="title" bogus="validated-once"/></layout></citation></style>'
    )
    schemas: list[object] = []
    real = frontend.etree.RelaxNG

    def counting(*args: Any, **kwargs: Any) -> Any:
        schemas.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(frontend.etree, "RelaxNG", counting)
    runs = [
        ENGINE.process(
            ITEMS, xml, [Cluster((CiteItem("Doe2000"),))], locale=None, locale_loader=locale_loader
        )
        for _ in range(3)
    ]
    assert schemas and len(schemas) <= 2  # the style (and its locale) on the first run only
    first = [w for w in runs[0].warnings if "schema validation" in w]
    assert first
    assert all([w for w in run.warnings if "schema validation" in w] == first for run in runs)


def test_one_engine_serves_styles_with_different_quote_rules() -> None:
    # The per-call punctuation finisher used to live on the instance.
    engine = CiteprocPyEngine()
    assert not vars(engine)
    items = [
        {
            "id": "a",
            "type": "article-journal",
            "title": "Title",
            "container-title": "J",
            "author": [{"family": "Doe", "given": "J."}],
            "issued": {"date-parts": [[2000]]},
        }
    ]

    def entry(style: str, locale: str) -> str:
        out = engine.process(
            items, find_style(style).xml, [], locale=locale, locale_loader=locale_loader
        )
        return plain(out.bibliography[0][1])

    assert "“Title,”" in entry("ieee", "en-US")
    assert "‘Title’," in entry("ieee", "en-GB")
    assert "“Title,”" in entry("ieee", "en-US")


def test_unparseable_style_warns() -> None:
    out = ENGINE.process(
        ITEMS,
        b"<style",
        [Cluster((CiteItem("Doe2000"),))],
        locale=None,
        locale_loader=locale_loader,
    )
    assert out.citations == []
    assert any("cannot load the style" in w for w in out.warnings)


def test_suppress_author_and_author_only() -> None:
    out = run(
        "apa",
        [
            Cluster((CiteItem("Doe2000", suppress_author=True, locator="4", label="page"),)),
            Cluster((CiteItem("doe2000", author_only=True),)),
        ],
    )
    assert [plain(c) for c in out.citations] == ["(2000, p. 4)", "Roe"]


def test_author_only_in_a_numeric_style_falls_back_to_family_names() -> None:
    out = run("ieee", [Cluster((CiteItem("doe2000", author_only=True),))])
    assert plain(out.citations[0]) == "Roe"


def test_second_field_align_gives_a_left_margin_part() -> None:
    out = run("ieee", [])
    tree = out.bibliography[0][1]
    assert isinstance(tree, Span)
    html = to_html(tree)
    assert html.startswith('<div class="csl-left-margin">[1]</div><div class="csl-right-inline">')
    assert out.layout.second_field_align == "flush"


def test_display_marks_round_trip() -> None:
    marked = mark_display(find_style("ieee").xml)
    assert "\ue000".encode() in marked
    assert displays_to_html("\ue000[1]\ue001J. Doe") == (
        '<div class="csl-left-margin">[1]</div><div class="csl-right-inline">J. Doe</div>'
    )
    assert displays_to_html("plain") == "plain"


def test_quotes() -> None:
    assert move_punctuation_into_quotes("“Title”, in") == "“Title,” in"
    assert move_punctuation_into_quotes("<i>“Title”</i>.") == "<i>“Title.”</i>"
    assert alternate_nested_quotes("““Intention” und more”") == "“‘Intention’ und more”"
    assert alternate_nested_quotes("“a” and “b”") == "“a” and “b”"


def test_positions_follow_cluster_order() -> None:
    style = "chicago-notes-bibliography"
    out = run(style, [Cluster((CiteItem("Doe2000"),)), Cluster((CiteItem("Doe2000"),))])
    first, second = (plain(c) for c in out.citations)
    assert "Pub" in first  # the full note
    assert len(second) < len(first)  # a short note or ibid.


def test_bibliography_ids_restrict_the_bibliography() -> None:
    out = run("apa", [], bibliography_ids=["doe2000"])
    assert [key for key, _ in out.bibliography] == ["doe2000"]
    out = run("apa", [], bibliography=False)
    assert out.bibliography == []


def test_affixes_keep_ampersands_and_inline_markup() -> None:
    out = run("apa", [Cluster((CiteItem("Doe2000", prefix="see & ", suffix=" <i>x</i>"),))])
    assert plain(out.citations[0]) == "(see & Doe, 2000 x)"
    assert to_html(out.citations[0]) == "(see &#38; Doe, 2000 <i>x</i>)"


def test_style_rewrites_keep_repository_styles_schema_valid() -> None:
    for style in ("apa", "chicago-notes-bibliography", "ieee", "modern-language-association"):
        out = run(style, [Cluster((CiteItem("Doe2000"),))])
        assert not any("schema" in w for w in out.warnings), (style, out.warnings)


def test_initialize_false_keeps_full_given_names() -> None:
    out = run("chicago-notes-bibliography", [Cluster((CiteItem("Doe2000"),))])
    assert plain(out.citations[0]).startswith("John Doe, ")

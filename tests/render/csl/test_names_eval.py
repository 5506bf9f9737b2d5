"""Evaluating cs:names: the renderer kept per cs:name, section and locale."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.csl.contract import CiteInfo
from citekit.render.csl.data import normalise_item
from citekit.render.csl.engine import load_style_and_locale
from citekit.render.csl.evaluator import Evaluator
from citekit.render.csl.names_eval import _render_names, _renderer, _shows_nothing
from citekit.render.csl.processor import Processor
from citekit.render.csl.style import NamesNode, Section
from citekit.styles.catalog import locale_loader

_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"
       initialize-with=". ">
  <info><title>Names</title><id>names</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation et-al-min="3" et-al-use-first="1">
    <layout><names variable="author"><name and="symbol"/></names></layout>
  </citation>
  <bibliography et-al-min="7" et-al-use-first="6" et-al-use-last="true">
    <layout><names variable="author"><name name-as-sort-order="all"/></names></layout>
  </bibliography>
</style>
"""


def _names_node(section: Section) -> NamesNode:
    node = section.layout.children[0]
    assert isinstance(node, NamesNode)
    return node


def test_one_renderer_per_name_section_and_locale_with_the_merged_options() -> None:
    style, locale, _ = load_style_and_locale(_STYLE.encode(), None, locale_loader)
    assert style.bibliography is not None
    ev = Evaluator(style)
    processor = Processor(style, locale)
    item = normalise_item({"id": "a", "type": "book", "author": [{"family": "Li"}]})
    seen = []
    for section, mode in ((style.citation, "citation"), (style.bibliography, "bibliography")):
        node = _names_node(section)
        ctx = processor.context(item, section, mode)
        renderer = _renderer(ev, ctx, node, node.name)
        again = _renderer(ev, processor.context(item, section, mode), node, node.name)
        assert again is renderer
        opts = ev.name_options(ctx, node, node.name)
        assert renderer.opts == opts
        assert renderer.et_al_min == int(opts["et-al-min"])
        assert renderer.et_al_use_first == int(opts["et-al-use-first"])
        assert renderer.et_al_use_last == (opts.get("et-al-use-last") == "true")
        assert renderer.join_settings.delimiter == opts.get("delimiter", ", ")
        seen.append(renderer)
    assert seen[0] is not seen[1]
    assert seen[0].sort_order is None and seen[1].sort_order == "all"


_EMPTY_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Names</title><id>names</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout>
    <names variable="editor translator"/>
    <names variable="author"><substitute><text variable="title"/></substitute></names>
    <names variable="translator"><substitute><names variable="editor"/></substitute></names>
  </layout></citation>
  <bibliography><layout><names variable="author editor"><name/></names></layout></bibliography>
</style>
"""


@settings(max_examples=80, deadline=None)
@given(
    variables=st.sets(st.sampled_from(("author", "editor", "translator"))),
    suppress_author=st.booleans(),
    bibliography=st.booleans(),
    suppressed=st.sets(st.sampled_from(("author", "editor", "translator"))),
)
def test_a_names_element_said_to_show_nothing_renders_nothing(
    variables: set[str], suppress_author: bool, bibliography: bool, suppressed: set[str]
) -> None:
    """The shortcut agrees with the full evaluation: None, and only the calls counted."""
    style, locale, _ = load_style_and_locale(_EMPTY_STYLE.encode(), None, locale_loader)
    assert style.bibliography is not None
    ev = Evaluator(style)
    raw: dict[str, object] = {"id": "a", "type": "book", "title": "T"}
    raw.update({variable: [{"family": "Li", "given": "Bo"}] for variable in variables})
    item = normalise_item(raw)
    section = style.bibliography if bibliography else style.citation
    mode = "bibliography" if bibliography else "citation"
    for node in style.citation.layout.children + section.layout.children:
        assert isinstance(node, NamesNode)
        ctx = Processor(style, locale).context(
            item, section, mode, CiteInfo(suppress_author=suppress_author)
        )
        ctx.suppressed.update(suppressed)
        if not _shows_nothing(ctx, node):
            continue
        before = (ctx.called, ctx.rendered, set(ctx.suppressed), ctx.notes.author_suppressed)
        assert _render_names(ev, ctx, node) is None
        assert (ctx.called, ctx.rendered, ctx.suppressed, ctx.notes.author_suppressed) == (
            before[0] + len(node.variables),
            *before[1:],
        )

"""The compiled style renders exactly what the tree-walking evaluator rendered.

:class:`TreeWalker` below is the evaluator as it was before styles were
compiled (``isinstance`` dispatch per node, conditions read per test), kept
here as the reference: every test renders the same input through both and
compares the output byte for byte: the CSL suite's fixtures, the styles
citekit is used with on real .bib entries, and random small styles on random
items (hypothesis).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from csl_fixtures import parse_fixture, run_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citekit
from citekit.model.citations import CiteItem, Cluster
from citekit.model.records import NUMBER_VARIABLES
from citekit.render.csl import processor as processor_module
from citekit.render.csl.boxes import Box, Out, find_tag, is_empty
from citekit.render.csl.compiled import (
    CONTEXT_VARIABLES,
    LOCATOR_TERMS,
    NO_MARKUP,
    compile_decor,
    date_sort_key,
)
from citekit.render.csl.contract import CiteInfo, Context
from citekit.render.csl.dates import render_date
from citekit.render.csl.decor import apply_decor, superscripts
from citekit.render.csl.engine import CslEngine
from citekit.render.csl.evaluator import Evaluator
from citekit.render.csl.markup import parse_markup
from citekit.render.csl.numbers import (
    format_labelled_number,
    format_number,
    format_page_range,
    has_superscript,
    is_numeric,
    is_plural,
    number_range_dashes,
)
from citekit.render.csl.style import (
    PLAIN,
    ChooseNode,
    Condition,
    DateNode,
    Decor,
    Formatting,
    GroupNode,
    LabelNode,
    NamesNode,
    Node,
    NumberNode,
    TextNode,
)
from citekit.render.richtext import to_html
from citekit.styles.catalog import locale_loader as bundled_locale_xml

HERE = Path(__file__).resolve().parent
OWN_FIXTURES = sorted((HERE / "fixtures").glob("*.txt"))
CORPUS_STYLES = ("apa", "ieee", "chicago-notes-bibliography", "modern-language-association")


class TreeWalker(Evaluator):
    """The evaluator before compilation: walks the node tree for every render."""

    def children(self, ctx: Context, nodes: tuple[Node, ...]) -> list[Out]:
        out: list[Out] = []
        for node in nodes:
            if isinstance(node, ChooseNode):
                branch = self.choose(ctx, node)
                if branch:
                    out.extend(self.children(ctx, branch))
                continue
            result = self.node(ctx, node)
            if result is not None and result != "":
                out.append(result)
        return out

    def node(self, ctx: Context, node: Node) -> Out | None:
        if isinstance(node, TextNode):
            return self.text(ctx, node)
        if isinstance(node, NamesNode):
            return self.names(ctx, node)
        if isinstance(node, GroupNode):
            return self.group(ctx, node.children, node.delimiter, node.decor)
        if isinstance(node, DateNode):
            return self.date(ctx, node)
        if isinstance(node, NumberNode):
            return self.number(ctx, node)
        if isinstance(node, LabelNode):
            return self.label(ctx, node)
        if isinstance(node, ChooseNode):
            branch = self.choose(ctx, node)
            return self.group(ctx, branch, "", PLAIN, suppress=False) if branch else None
        return None

    def group(
        self,
        ctx: Context,
        nodes: tuple[Node, ...],
        delimiter: str,
        decor: Decor,
        suppress: bool = True,
    ) -> Out | None:
        called, rendered = ctx.called, ctx.rendered
        ctx.called = ctx.rendered = 0
        parts = self.children(ctx, nodes)
        inner_called, inner_rendered = ctx.called, ctx.rendered
        ctx.called = called + inner_called
        ctx.rendered = rendered + inner_rendered
        if not parts or (suppress and inner_called and not inner_rendered):
            return None
        if suppress:
            ctx.rendered = rendered + max(inner_rendered, 1)
        if delimiter and len(parts) > 1:
            joined: list[Out] = []
            for part in parts:
                if joined:
                    joined.append(delimiter)
                joined.append(part)
            parts = joined
        content: Out = parts[0] if len(parts) == 1 else Box(parts)
        return self.decorate(ctx, content, decor)

    def text(self, ctx: Context, node: TextNode) -> Out | None:
        source = node.source
        if source == "variable":
            return self.text_variable(ctx, node)
        if source == "macro":
            body = self.style.macros.get(node.value)
            if body is None:
                return None
            result = self.group(ctx, body, "", PLAIN)
            if result is None:
                return None
            return self.decorate(ctx, result, node.decor)
        if source == "term":
            term = ctx.locale.term(node.value, node.form, node.plural)
            if not term:
                return None
            term_out: Out = parse_markup(term) if "<" in term else term
            if ctx.mode != "sort" and node.decor.text_case is None:
                term_out = Box([term_out], tag="term")
            return self.decorate(ctx, term_out, node.decor, term=True)
        if not node.value:
            return None
        value = node.value
        content = superscripts(value) if has_superscript(value) else parse_markup(value)
        return self.decorate(ctx, content, node.decor)

    def text_variable(self, ctx: Context, node: TextNode) -> Out | None:
        name = node.value
        if name != "year-suffix":
            ctx.called += 1
        value = self.variable_text(ctx, name, node.form)
        if not value:
            return None
        ctx.rendered += 1
        if ctx.tracked is not None:
            ctx.tracked.append(name)
            ctx.suppressed.add(name)
        content: Out
        if name == "year-suffix":
            ctx.year_suffix_used = True
            content = Box([value], tag="year-suffix")
        elif name == "citation-number":
            content = Box([value], tag="citation-number")
        elif name == "citation-label":
            content = value
            if ctx.state.year_suffix and not ctx.uses_year_suffix_var and not ctx.year_suffix_used:
                ctx.year_suffix_used = True
                content = Box([value, Box([ctx.state.year_suffix], tag="year-suffix")])
        elif name in ("page", "locator"):
            dash = ctx.locale.term("page-range-delimiter") or "\u2013"
            if name == "page" or ctx.cite.label in ("", "page"):
                value = format_page_range(value, ctx.options.get("page-range-format"), dash)
            else:
                value = format_page_range(value, None, dash)
            value = value.replace("\\-", "-")
            if name == "locator" and " & " in value:
                ampersand = ctx.locale.term("and", "symbol")
                if ampersand and ampersand != "&":
                    value = value.replace(" & ", f" {ampersand} ")
            content = self.markup(ctx, value)
        elif name in NO_MARKUP:
            content = value
        elif "\u00ab " in value or " \u00bb" in value:
            content = self.markup(
                ctx, value.replace("\u00ab ", "\u00ab\u202f").replace(" \u00bb", "\u202f\u00bb")
            )
        elif name in NUMBER_VARIABLES and "-" in value and is_numeric(value):
            dash = ctx.locale.term("page-range-delimiter") or "\u2013"
            content = number_range_dashes(value, dash)
        else:
            content = self.markup(ctx, value)
        if name in ("title", "container-title") and ctx.mode != "sort":
            content = Box([content], tag=name)
        return self.decorate(ctx, content, node.decor)

    def number(self, ctx: Context, node: NumberNode) -> Out | None:
        ctx.called += 1
        value = self.variable_text(ctx, node.variable)
        if not value:
            return None
        ctx.rendered += 1
        if ctx.tracked is not None:
            ctx.tracked.append(node.variable)
        if ctx.mode == "sort" and value.isdigit():
            return value.zfill(8)
        gender = ctx.locale.genders.get(node.variable, "")
        labelled = format_labelled_number(value, node.form, ctx.locale, gender)
        dash = ctx.locale.term("page-range-delimiter") or "\u2013"
        if labelled:
            text = labelled.replace("\u2013", dash)
        else:
            text = format_number(value, node.form, ctx.locale, gender, dash)
        return self.decorate(ctx, superscripts(text), node.decor)

    def label(self, ctx: Context, node: LabelNode) -> Out | None:
        variable = node.variable
        term_name = variable
        if variable == "locator":
            value = ctx.cite.locator
            term_name = LOCATOR_TERMS.get(ctx.cite.label, ctx.cite.label or "page")
        else:
            value = self.variable_text(ctx, variable)
        if node.plural in ("always", "never") or not value:
            plural = node.plural == "always"
        elif variable in ("number-of-pages", "number-of-volumes"):
            plural = value.strip().isdigit() and int(value) > 1
        else:
            if variable == "locator" and ctx.cite.locator_head is not None:
                value = ctx.cite.locator_head
            plural = is_plural(value.replace("\\-", ""))
            if not plural:
                and_term = ctx.locale.term("and")
                plural = (
                    bool(and_term)
                    and re.search(rf"\d,?\s+{re.escape(and_term)}\s+\S", value) is not None
                )
        term = ctx.locale.term(term_name, node.form, plural)
        if not term:
            return None
        return self.decorate(ctx, term, node.decor, term=True)

    def date(self, ctx: Context, node: DateNode) -> Out | None:
        ctx.called += 1
        if node.variable in ctx.suppressed:
            return None
        data = ctx.item.dates.get(node.variable)
        if data is None:
            return None
        ctx.rendered += 1
        if ctx.tracked is not None:
            ctx.tracked.append(node.variable)
        if ctx.mode == "sort":
            return date_sort_key(data, node) + (
                (data.end and f"{data.end[0] + 100000:06d}{data.end[1]:02d}{data.end[2]:02d}") or ""
            )
        box = render_date(node, data, ctx.locale)
        if box is None or is_empty(box):
            ctx.rendered -= 1
            return None
        if ctx.state.year_suffix and not ctx.uses_year_suffix_var and not ctx.year_suffix_used:
            year = find_tag(box, "year", last=True)
            if year is not None:
                year.kids.append(Box([ctx.state.year_suffix], tag="year-suffix"))
                ctx.year_suffix_used = True
        return self.decorate(ctx, box, node.decor)

    def test(self, ctx: Context, condition: Condition) -> bool:
        if condition.match == "all":
            for attr, values in condition.tests:
                if attr == "type":
                    if not any(self.test_one(ctx, attr, value) for value in values):
                        return False
                    continue
                for value in values:
                    if not self.test_one(ctx, attr, value):
                        return False
            return True
        found = any(self.test_one(ctx, attr, v) for attr, values in condition.tests for v in values)
        return found if condition.match == "any" else not found

    def test_one(self, ctx: Context, attr: str, value: str) -> bool:
        item = ctx.item
        if attr == "type":
            return item.type == value
        if attr == "variable":
            if value in item.names or value in item.dates or value in item.vars:
                return True
            return value in CONTEXT_VARIABLES and bool(self.variable_text(ctx, value))
        if attr == "is-numeric":
            text = self.variable_text(ctx, value)
            return bool(text) and is_numeric(text)
        if attr == "is-uncertain-date":
            date = item.dates.get(value)
            return date is not None and date.circa
        if attr == "locator":
            label = ctx.cite.label or ("page" if ctx.cite.locator else "")
            return label == value or (value == "sub-verbo" and label == "sub verbo")
        if attr == "position":
            if ctx.mode != "citation":
                return False
            position = ctx.cite.position
            return {
                "first": position == "first",
                "subsequent": position != "first",
                "ibid": position in ("ibid", "ibid-with-locator"),
                "ibid-with-locator": position == "ibid-with-locator",
                "near-note": position != "first" and ctx.cite.near_note,
            }.get(value, False)
        if attr == "disambiguate":
            seen = ctx.notes.disambiguate_tests + 1
            ctx.notes.disambiguate_tests = seen
            return (seen <= ctx.state.condition) == (value == "true")
        return False


def _walking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every processor created from now on walk the tree."""
    monkeypatch.setattr(processor_module, "Evaluator", TreeWalker)


def _patched_too(
    monkeypatch: pytest.MonkeyPatch, render: Any, patching: Callable[[pytest.MonkeyPatch], None]
) -> tuple[Any, Any]:
    """``render()`` as the code is, then again with ``patching`` applied (and undone after)."""
    usual = render()
    with monkeypatch.context() as patch:
        patching(patch)
        patched = render()
    return usual, patched


def _both(monkeypatch: pytest.MonkeyPatch, render: Any) -> tuple[Any, Any]:
    """Compiled, then walked by the old tree-walker."""
    return _patched_too(monkeypatch, render, _walking)


# ---------------------------------------------------------------- fixtures


def _suite_paths(shared: Path) -> list[Path]:
    return sorted((shared / "csl-test-suite" / "processor-tests" / "humans").glob("*.txt"))


def _fixture_output(path: Path) -> str:
    try:
        return run_fixture(parse_fixture(path), bundled_locale_xml)
    except Exception as error:  # the walker and the compiled form must fail alike
        return f"error: {error!r}"


@pytest.mark.parametrize("path", OWN_FIXTURES, ids=lambda path: path.stem)
def test_own_fixtures_render_as_the_walker_did(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    compiled, walked = _both(monkeypatch, lambda: _fixture_output(path))
    assert compiled == walked


@pytest.mark.slow
def test_every_suite_fixture_renders_as_the_walker_did(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    paths = _suite_paths(shared)
    assert paths, "the CSL suite is missing from the shared folder"
    differing = []
    for path in paths:
        compiled, walked = _both(monkeypatch, lambda path=path: _fixture_output(path))
        if compiled != walked:
            differing.append(path.stem)
    assert not differing, f"{len(differing)} fixtures differ: {differing[:20]}"


# ---------------------------------------------------------------- real entries


def _corpus_library(shared: Path, count: int, tmp_path: Path) -> citekit.Library:
    text = (shared / "corpus" / "cdl.bib").read_text(encoding="utf-8")
    starts = [match.start() for match in re.finditer(r"^@", text, re.MULTILINE)]
    ends = [*starts[1:], len(text)]
    chosen = list(zip(starts, ends, strict=True))[:count]
    path = tmp_path / "first.bib"
    path.write_text("".join(text[start:end] for start, end in chosen), "utf-8")
    return citekit.read(path).library


def _clusters(keys: list[str]) -> list[Cluster]:
    """Single, multi-item, located and repeated cites: first, subsequent and ibid positions."""
    labels = ("page", "chapter", "section", "volume", None)
    clusters: list[Cluster] = []
    for index, key in enumerate(keys):
        cites: tuple[CiteItem, ...]
        if index % 7 == 3:
            locator = f"{index % 90 + 1}-{index % 90 + 5}"
            cites = (CiteItem(key, locator=locator, label=labels[index % 5]),)
        elif index % 5 == 2:
            cites = tuple(CiteItem(other) for other in keys[index : index + 3])
        else:
            cites = (CiteItem(key),)
        clusters.append(Cluster(cites, note_number=len(clusters) + 1))
        if index % 11 == 0:
            clusters.append(Cluster((CiteItem(key, locator="3"),), note_number=len(clusters) + 1))
    return clusters


def _render_all(library: citekit.Library, style: str) -> tuple[list[str], list[str]]:
    clusters = _clusters(list(library.keys()))
    result = citekit.render(library, style, citations=clusters, output="html")
    return result.citations, [f"{entry.id}\t{entry.text}" for entry in result.bibliography]


@pytest.mark.parametrize("style", CORPUS_STYLES)
def test_corpus_entries_render_as_the_walker_did(
    monkeypatch: pytest.MonkeyPatch, shared: Path, tmp_path: Path, style: str
) -> None:
    library = _corpus_library(shared, 60, tmp_path)
    compiled, walked = _both(monkeypatch, lambda: _render_all(library, style))
    assert compiled == walked


@pytest.mark.slow
@pytest.mark.parametrize("style", CORPUS_STYLES)
def test_many_corpus_entries_render_as_the_walker_did(
    monkeypatch: pytest.MonkeyPatch, shared: Path, tmp_path: Path, style: str
) -> None:
    library = _corpus_library(shared, 1000, tmp_path)
    compiled, walked = _both(monkeypatch, lambda: _render_all(library, style))
    assert compiled == walked


# ---------------------------------------------------------------- random styles

VARIABLES = ("title", "container-title", "page", "volume", "publisher", "URL", "note")
NAME_VARIABLES = ("author", "editor")
TYPES = ("book", "article-journal", "chapter", "report")
CONDITION_ATTRS = {
    "type": TYPES,
    "variable": (*VARIABLES, *NAME_VARIABLES, "issued", "locator", "year-suffix"),
    "is-numeric": ("volume", "page", "locator"),
    "position": ("first", "subsequent", "ibid", "ibid-with-locator", "near-note"),
    "locator": ("page", "chapter", "sub-verbo"),
    "disambiguate": ("true", "false"),
    "is-uncertain-date": ("issued",),
}
AFFIXES = ("", "", "(", ")", ". ", ", ")


def _attrs(draw: st.DrawFn) -> str:
    """Affixes, formatting, quotes, case and period stripping, often none."""
    parts = []
    for attr, values in (
        ("prefix", AFFIXES),
        ("suffix", AFFIXES),
        ("font-style", ("italic",)),
        ("quotes", ("true",)),
        ("text-case", ("title", "lowercase", "capitalize-first")),
        ("strip-periods", ("true",)),
        ("display", ("block",)),
    ):
        if draw(st.integers(0, 4)) == 0:
            parts.append(f'{attr}="{draw(st.sampled_from(values))}"')
    return " ".join(parts)


def _values(attr: str) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(CONDITION_ATTRS[attr]), min_size=1, max_size=2)


@st.composite
def _element(draw: st.DrawFn, depth: int, macros: tuple[str, ...]) -> str:
    """One rendering element; ``macros``: the macros it may call (none calls itself)."""
    kinds = ["variable", "term", "value", "number", "label", "date", "names", "macro"]
    if depth < 3:
        kinds += ["group", "choose"]
    kind = draw(st.sampled_from(kinds))
    attrs = _attrs(draw)
    if kind == "variable":
        form = draw(st.sampled_from(("", ' form="short"')))
        variable = draw(st.sampled_from((*VARIABLES, "locator", "citation-number", "year-suffix")))
        return f'<text variable="{variable}"{form} {attrs}/>'
    if kind == "term":
        term = draw(st.sampled_from(("in", "and", "page", "edition", "ibid", "no-such-term")))
        return f'<text term="{term}" {attrs}/>'
    if kind == "value":
        value = draw(st.sampled_from(("", "x", "&lt;i&gt;a&lt;/i&gt;", "1er", "&quot;q&quot;")))
        return f'<text value="{value}" {attrs}/>'
    if kind == "number":
        form = draw(st.sampled_from(("numeric", "ordinal", "roman")))
        variable = draw(st.sampled_from(("volume", "edition", "page")))
        return f'<number variable="{variable}" form="{form}" {attrs}/>'
    if kind == "label":
        variable = draw(st.sampled_from(("page", "volume", "locator", "number-of-volumes")))
        plural = draw(st.sampled_from(("contextual", "always", "never")))
        return f'<label variable="{variable}" plural="{plural}" {attrs}/>'
    if kind == "date":
        return f'<date variable="issued" form="text" date-parts="year" {attrs}/>'
    if kind == "names":
        variables = " ".join(
            draw(st.lists(st.sampled_from(NAME_VARIABLES), min_size=1, max_size=2))
        )
        substitute = '<substitute><text variable="title"/></substitute>'
        if draw(st.booleans()):
            substitute = ""  # a cs:names a group decides itself when the item lacks the names
        return f'<names variable="{variables}" {attrs}>{substitute}</names>'
    if kind == "macro":
        macro = draw(st.sampled_from((*macros, "missing")))
        return f'<text macro="{macro}" {attrs}/>'
    children = "".join(draw(st.lists(_element(depth + 1, macros), max_size=3)))
    if kind == "group":
        delimiter = draw(st.sampled_from(("", ", ", " ")))
        return f'<group delimiter="{delimiter}" {attrs}>{children}</group>'
    branches = []
    for tag in ("if", "else-if"):
        tests = draw(st.lists(st.sampled_from(sorted(CONDITION_ATTRS)), min_size=1, max_size=2))
        written = " ".join(
            f'{attr}="{" ".join(draw(_values(attr)))}"' for attr in dict.fromkeys(tests)
        )
        match = draw(st.sampled_from(("all", "any", "none")))
        inner = "".join(draw(st.lists(_element(depth + 1, macros), max_size=2)))
        branches.append(f'<{tag} {written} match="{match}">{inner}</{tag}>')
        if draw(st.booleans()):
            break
    if draw(st.booleans()):
        branches.append(f"<else>{children}</else>")
    return f"<choose>{''.join(branches)}</choose>"


STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><title>Random</title><id>random</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <macro name="m1">{m1}</macro>
  <macro name="m2">{m2}</macro>
  <citation disambiguate-add-year-suffix="true">
    <layout delimiter="; ">{citation}</layout>
  </citation>
  <bibliography><layout>{bibliography}</layout></bibliography>
</style>
"""


@st.composite
def _style(draw: st.DrawFn) -> str:
    def body(*macros: str) -> str:
        return "".join(draw(st.lists(_element(0, macros), min_size=1, max_size=4)))

    # m2 may call m1, the layouts both: no macro calls itself, even indirectly
    return STYLE.format(
        m1=body(), m2=body("m1"), citation=body("m1", "m2"), bibliography=body("m1", "m2")
    )


@st.composite
def _item(draw: st.DrawFn, index: int) -> dict[str, Any]:
    item: dict[str, Any] = {"id": f"item{index}", "type": draw(st.sampled_from(TYPES))}
    values = {
        "title": ("A Title", "on the <i>origin</i> of «species»", "Études. Vol. 2"),
        "container-title": ("Journal", "J. Phys."),
        "page": ("5-9", "12", "iv-x"),
        "volume": ("3", "2-4", "II"),
        "edition": ("2", "second"),
        "publisher": ("Press",),
        "URL": ("https://example.org/a.b",),
        "note": ("note & more",),
        "number-of-volumes": ("3",),
    }
    for variable, options in values.items():
        if draw(st.booleans()):
            item[variable] = draw(st.sampled_from(options))
    for variable in NAME_VARIABLES:
        if draw(st.booleans()):
            item[variable] = [{"family": draw(st.sampled_from(("Doe", "Roe"))), "given": "J."}]
    if draw(st.booleans()):
        item["issued"] = {"date-parts": [[draw(st.sampled_from((1999, 2000)))]]}
    return item


def _engine_output(style: str, items: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    keys = [item["id"] for item in items]
    key = keys[0]
    clusters = [
        Cluster((CiteItem(key),), note_number=1),
        Cluster((CiteItem(key, locator="3", label="page"),), note_number=2),
        Cluster(tuple(CiteItem(other) for other in keys), note_number=3),
    ]
    out = CslEngine().process(
        items, style.encode(), clusters, locale=None, locale_loader=bundled_locale_xml
    )
    return (
        [to_html(rich) for rich in out.citations] + out.warnings,
        [f"{entry_id}\t{to_html(rich)}" for entry_id, rich in out.bibliography],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(style=_style(), data=st.data())
def test_random_styles_render_as_the_walker_did(style: str, data: st.DataObject) -> None:
    items = [data.draw(_item(index)) for index in range(3)]
    with pytest.MonkeyPatch.context() as patch:
        compiled, walked = _both(patch, lambda: _engine_output(style, items))
    assert compiled == walked


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compile without the fast paths: no child written out in a group's code, no
    plans flattened, every variable condition read from the item's three tables."""
    from citekit.render.csl import compiled as compiled_module

    def plain_step(self: compiled_module.Compiler, render: Any) -> tuple[str, Any]:
        return "render", render

    def kept(self: compiled_module.Compiler, plan: list[Any], item_type: str) -> list[Any]:
        return plan

    def variable_test(self: compiled_module.Compiler, value: str) -> Any:
        get = self.getter(value)

        def variable(ev: Any, ctx: Context) -> bool:
            item = ctx.item
            found = value in item.names or value in item.dates or value in item.vars
            return found or (value in CONTEXT_VARIABLES and bool(get(ev, ctx)))

        return variable

    def variables_test(names: tuple[str, ...], every: bool) -> Any:
        def test(ev: Any, ctx: Context) -> bool:
            item = ctx.item
            found = [n in item.names or n in item.dates or n in item.vars for n in names]
            return all(found) if every else any(found)

        return test

    monkeypatch.setattr(compiled_module, "_COMPILERS", compiled_module.OrderedDict())
    monkeypatch.setattr(compiled_module.Compiler, "_inline_step", plain_step)
    monkeypatch.setattr(compiled_module.Compiler, "_flattened", kept)
    monkeypatch.setattr(compiled_module.Compiler, "_variable_test", variable_test)
    monkeypatch.setattr(compiled_module, "_variables_test", variables_test)


def _fast_and_general(monkeypatch: pytest.MonkeyPatch, render: Any) -> tuple[Any, Any]:
    """With the fast paths, then without them."""
    return _patched_too(monkeypatch, render, _general)


@pytest.mark.parametrize("style", CORPUS_STYLES)
def test_corpus_entries_render_as_the_general_path_did(
    monkeypatch: pytest.MonkeyPatch, shared: Path, tmp_path: Path, style: str
) -> None:
    """The fast paths (children written out in a group's code, flattened plans,
    one set test per variable condition) change no byte of real entries."""
    library = _corpus_library(shared, 150, tmp_path)
    fast, general = _fast_and_general(monkeypatch, lambda: _render_all(library, style))
    assert fast == general


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(style=_style(), data=st.data())
def test_random_styles_render_as_the_general_path_did(style: str, data: st.DataObject) -> None:
    items = [data.draw(_item(index)) for index in range(3)]
    with pytest.MonkeyPatch.context() as patch:
        fast, general = _fast_and_general(patch, lambda: _engine_output(style, items))
    assert fast == general


def test_plain_children_of_a_group_are_written_into_its_code() -> None:
    """A plain variable, a cs:names without substitute and a macro of one choose
    are decided in the group's own code; a cs:names with a substitute is called."""
    style = _group_style(
        '<group delimiter=" "><text variable="title"/><names variable="author"/>'
        '<names variable="editor"><substitute><text variable="title"/></substitute></names>'
        '<text macro="m2"/></group>'
    )
    style.macros["m2"] = _group_style(
        '<choose><if variable="page"><text variable="page"/></if></choose>'
    ).macros["m1"]
    compiler = Evaluator(style).compiled
    (group,) = style.macros["m1"]
    assert isinstance(group, GroupNode)
    kinds = [compiler._inline_step(compiler.render(node))[0] for node in group.children]
    assert kinds == ["text", "names", "render", "lone"]


# ---------------------------------------------------------------- the compiler itself


@st.composite
def _decor(draw: st.DrawFn) -> Decor:
    fmt = draw(st.sampled_from((None, Formatting(), Formatting(font_style="italic"))))
    return Decor(
        prefix=draw(st.sampled_from(("", "("))),
        suffix=draw(st.sampled_from(("", ")"))),
        fmt=fmt,
        display=draw(st.sampled_from((None, "block"))),
        quotes=draw(st.booleans()),
        strip_periods=draw(st.booleans()),
        text_case=draw(st.sampled_from((None, "title", "uppercase"))),
    )


def _shape(out: Out) -> object:
    """A box tree as nested tuples, for comparing two trees by value."""
    if isinstance(out, str):
        return out
    kids = tuple(_shape(kid) for kid in out.kids)
    return (kids, out.fmt, out.quotes, out.display, out.tag, out.nocase)


@settings(max_examples=80, deadline=None)
@given(decor=_decor(), term=st.booleans(), english=st.booleans())
def test_compiled_decoration_equals_apply_decor(decor: Decor, term: bool, english: bool) -> None:
    """Skipped only when it changes nothing; otherwise the same boxes as at run time."""
    ev = _evaluator()
    ctx = _context(ev, english)
    decorate = compile_decor(decor, term)
    expected = ev.decorate(ctx, Box(["a.b"], tag="x"), decor, term)
    got = Box(["a.b"], tag="x") if decorate is None else decorate(ctx, Box(["a.b"], tag="x"))
    assert _shape(got) == _shape(expected)
    if decorate is None:
        assert _shape(apply_decor("a.b", decor, english, "fr")) == "a.b"


def _evaluator() -> Evaluator:
    style, _locale, _ = _loaded()
    return Evaluator(style)


def _loaded() -> Any:
    from citekit.render.csl.engine import load_style_and_locale

    xml = STYLE.format(m1="", m2="", citation='<text value="x"/>', bibliography="")
    return load_style_and_locale(xml.encode(), None, bundled_locale_xml)


def _context(ev: Evaluator, english: bool = True) -> Context:
    from citekit.render.csl.data import normalise_item
    from citekit.render.csl.processor import Processor

    style, locale, _ = _loaded()
    item = normalise_item({"id": "a", "type": "book", "title": "T", "language": "fr"})
    ctx = Processor(style, locale).context(item, style.citation, "citation")
    ctx.english = english
    return ctx


def test_a_children_tuple_compiles_once() -> None:
    ev = _evaluator()
    nodes = ev.style.citation.layout.children
    assert ev.compiled.fill(nodes) is ev.compiled.fill(nodes)
    assert ev.compiled.render(nodes[0]) is ev.compiled.render(nodes[0])


def test_renders_never_share_a_box() -> None:
    """Later passes edit output boxes in place: each render must build its own."""
    node = TextNode("value", "<i>a</i>", Decor(prefix="("))
    ev = _evaluator()
    ctx = _context(ev)
    first, second = ev.node(ctx, node), ev.node(ctx, node)
    assert isinstance(first, Box) and isinstance(second, Box)
    assert first is not second
    assert _shape(first) == _shape(second)
    first.kids.clear()
    third = ev.node(ctx, node)
    assert third is not None
    assert _shape(third) == _shape(second)


CITES = (
    CiteInfo(),
    CiteInfo(locator="12-14", label="page", position="subsequent", near_note=True),
    CiteInfo(locator="3", label="sub verbo", position="ibid-with-locator"),
    CiteInfo(label="chapter", position="ibid", citation_number=4, first_note=2),
)


@st.composite
def _condition(draw: st.DrawFn) -> Condition:
    attrs = draw(st.lists(st.sampled_from(sorted(CONDITION_ATTRS)), max_size=3))
    tests = tuple((attr, tuple(draw(_values(attr)))) for attr in attrs)
    return Condition(draw(st.sampled_from(("all", "any", "none"))), tests)


@settings(max_examples=150, deadline=None)
@given(
    condition=_condition(),
    item=_item(0),
    cite=st.sampled_from(CITES),
    mode=st.sampled_from(("citation", "bibliography", "sort")),
    passing=st.integers(0, 2),
)
def test_compiled_conditions_decide_as_the_walker_did(
    condition: Condition, item: dict[str, Any], cite: CiteInfo, mode: str, passing: int
) -> None:
    """Same answer, and the same count of ``disambiguate`` tests run (short-circuiting)."""
    from citekit.render.csl.data import normalise_item
    from citekit.render.csl.processor import Processor

    style, locale, _ = _loaded()
    processor = Processor(style, locale)
    answers = []
    for evaluator in (Evaluator(style), TreeWalker(style)):
        ctx = processor.context(normalise_item(item), style.citation, mode, cite)
        ctx.state.condition = passing
        ctx.state.year_suffix = "a" if passing else ""
        twice = (evaluator.test(ctx, condition), evaluator.test(ctx, condition))
        answers.append((twice, ctx.notes.disambiguate_tests))
    assert answers[0] == answers[1]


# ---------------------------------------------------------------- fast paths


@settings(max_examples=150, deadline=None)
@given(
    condition=_condition(),
    item=_item(0),
    cite=st.sampled_from(CITES),
    mode=st.sampled_from(("citation", "bibliography", "sort")),
)
def test_a_condition_decided_in_part_by_type_decides_as_written(
    condition: Condition, item: dict[str, Any], cite: CiteInfo, mode: str
) -> None:
    """What remains of a condition once the item's type is known gives its answer."""
    from citekit.render.csl.data import normalise_item
    from citekit.render.csl.processor import Processor

    style, locale, _ = _loaded()
    ev = Evaluator(style)
    ctx = Processor(style, locale).context(normalise_item(item), style.citation, mode, cite)
    rest = ev.compiled._rest_after_type(condition, ctx.item.type)
    if rest is None:  # disambiguate tests keep the condition as written
        assert any(attr == "disambiguate" for attr, _ in condition.tests)
        return
    expected = ev.test(ctx, condition)
    assert (rest if isinstance(rest, bool) else rest(ev, ctx)) is expected


def _group_style(body: str) -> Any:
    from citekit.render.csl.engine import load_style_and_locale

    xml = STYLE.format(m1=body, m2="", citation='<text macro="m1"/>', bibliography="")
    return load_style_and_locale(xml.encode(), None, bundled_locale_xml)[0]


def test_a_group_of_one_group_is_that_group() -> None:
    """No call of its own: the inner group's bookkeeping is the outer one's."""
    style = _group_style('<group><group delimiter=", "><text variable="title"/></group></group>')
    ev = Evaluator(style)
    (outer,) = style.macros["m1"]
    assert isinstance(outer, GroupNode)
    (inner,) = outer.children
    assert ev.compiled.render(outer) is ev.compiled.render(inner)


def test_a_macro_of_one_choose_calls_the_chosen_group_directly() -> None:
    """A macro whose body is a choose of groups renders as the walker did, with
    the counters (a suppressed group, a rendered one) left as the walker left them."""
    style = _group_style(
        '<choose><if variable="title"><group delimiter=" "><text variable="title"/>'
        '<text variable="note"/></group></if>'
        '<else><group><text value="x"/><text variable="page"/></group></else></choose>'
    )
    from citekit.render.csl.data import normalise_item
    from citekit.render.csl.processor import Processor

    _, locale, _ = _loaded()
    for data in ({"title": "T", "note": "N"}, {"page": "4"}, {}):
        item = normalise_item({"id": "a", "type": "book", **data})
        results = []
        for evaluator in (Evaluator(style), TreeWalker(style)):
            ctx = Processor(style, locale).context(item, style.citation, "citation")
            out = evaluator.group(ctx, style.macros["m1"], "", PLAIN)
            results.append((_shape(out) if out else out, ctx.called, ctx.rendered))
        assert results[0] == results[1]


def test_markup_kept_as_text_is_shared_and_boxes_are_not() -> None:
    """Strings are immutable, so a text read again is looked up; a box is built
    afresh each time, since later passes edit it."""
    ev = _evaluator()
    ctx = _context(ev)
    plain = ev.markup(ctx, "Tom &amp; Jerry")
    assert plain == parse_markup("Tom &amp; Jerry")
    assert isinstance(plain, str)
    assert ev.markup(ctx, "Tom &amp; Jerry") == plain
    first, second = ev.markup(ctx, "<i>A</i> b"), ev.markup(ctx, "<i>A</i> b")
    assert isinstance(first, Box) and isinstance(second, Box)
    assert first is not second
    assert _shape(first) == _shape(second) == _shape(parse_markup("<i>A</i> b"))


@pytest.mark.parametrize("decor", ['prefix="(" suffix=")"', 'strip-periods="true"', ""])
def test_a_group_of_one_variable_counts_as_the_walker_counted(decor: str) -> None:
    """Called once, rendered once when it has output: the group adds nothing,
    so it is the variable's render (unless period stripping can empty it)."""
    from citekit.render.csl.data import normalise_item
    from citekit.render.csl.processor import Processor

    style = _group_style(f'<group><text variable="title" {decor}/></group>')
    (group,) = style.macros["m1"]
    assert isinstance(group, GroupNode)
    (text,) = group.children
    compiled = Evaluator(style).compiled
    shared = compiled.render(group) is compiled.render(text)
    assert shared is ("strip-periods" not in decor)
    _, locale, _ = _loaded()
    for data in ({"title": "T."}, {"title": "."}, {}):
        item = normalise_item({"id": "a", "type": "book", **data})
        results = []
        for evaluator in (Evaluator(style), TreeWalker(style)):
            ctx = Processor(style, locale).context(item, style.citation, "citation")
            out = evaluator.group(ctx, style.macros["m1"], "", PLAIN)
            results.append((_shape(out) if out is not None else out, ctx.called, ctx.rendered))
        assert results[0] == results[1]


def test_group_shapes_compiled_by_one_process_are_read_back_by_the_next(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With the disk memo on (the command line's), a run stores the shapes it
    compiled; a later process (fresh module state) renders the same output
    from the stored code without compiling a shape."""
    from citekit.base import diskcache
    from citekit.render.csl import compiled as compiled_module

    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    monkeypatch.delenv(diskcache.OFF_ENV, raising=False)
    monkeypatch.setattr(diskcache, "_enabled", True)
    items = [
        {"id": "a", "type": "book", "title": "T", "author": [{"family": "Doe", "given": "J."}]},
        {"id": "b", "type": "article-journal", "title": "U", "page": "3-9"},
    ]

    def fresh_process() -> None:
        monkeypatch.setattr(compiled_module, "_COMPILERS", compiled_module.OrderedDict())
        monkeypatch.setattr(compiled_module, "_GROUP_CODE", {})
        monkeypatch.setattr(compiled_module, "_stored_shapes", None)
        monkeypatch.setattr(compiled_module, "_unsaved", [])

    body = (
        '<group delimiter=", "><names variable="author"/><text variable="title"/>'
        '<choose><if variable="page"><text variable="page"/></if>'
        '<else><text value="n.p."/></else></choose></group>'
    )
    style = STYLE.format(m1=body, m2="", citation='<text macro="m1"/>', bibliography=body)
    fresh_process()
    first = _engine_output(style, items)
    compiled_shapes = len(compiled_module._GROUP_CODE)
    assert compiled_shapes > 0
    fresh_process()
    compiles: list[str] = []

    def counting_compile(source: str, *args: Any) -> Any:
        compiles.append(source)
        return compile(source, *args)

    monkeypatch.setattr(compiled_module, "compile", counting_compile, raising=False)
    assert _engine_output(style, items) == first
    assert len(compiled_module._GROUP_CODE) == compiled_shapes
    assert compiles == []

"""The engine's internal contract: helpers see protocols, not the processor.

The import-graph test (tests/architecture) fails on any cycle; these tests pin
the engine's own rules beside it: the processor's helpers and the cs:names
evaluator import neither the processor nor the evaluator (not even for
types), the engine reads no files, and what one render leaves for the passes
after it travels in typed fields (``RenderNotes``), with typed cites
(``CiteRequest``) across the processor's boundary.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from citekit import CiteItem
from citekit.render.csl.contract import CiteRequest, RenderNotes
from citekit.render.csl.data import normalise_item
from citekit.render.csl.engine import load_style_and_locale
from citekit.render.csl.processor import Processor
from citekit.render.richtext import to_text
from citekit.styles.catalog import locale_loader

ENGINE = Path(__file__).resolve().parents[3] / "src" / "citekit" / "render" / "csl"
FILE_MODULES = frozenset({"pathlib", "os", "io", "builtins"})
HELPERS = ("clusters", "disambiguation", "bibliography", "names_eval", "decor", "names", "dates")


def _imported_modules(path: Path) -> set[str]:
    """Every module an engine file imports, wherever the import statement sits."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("helper", HELPERS)
def test_helpers_import_neither_processor_nor_evaluator(helper: str) -> None:
    imported = _imported_modules(ENGINE / f"{helper}.py")
    above = {"citekit.render.csl.processor", "citekit.render.csl.evaluator"} & imported
    assert not above, f"{helper}.py imports {sorted(above)}: use citekit.render.csl.contract"


def test_the_engine_reads_no_files() -> None:
    """Locale XML reaches the engine through a loader; fixtures are read in tests."""
    offenders = []
    for path in sorted(ENGINE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = _imported_modules(path)
        if modules & FILE_MODULES:
            offenders.append(f"{path.name}: imports {sorted(modules & FILE_MODULES)}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in ("open", "read_bytes", "read_text", "glob"):
                    offenders.append(f"{path.name}:{node.lineno}: calls {name}()")
    assert not offenders, "\n".join(offenders)


STYLE = b"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><title>Contract</title><id>contract</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation et-al-min="3" et-al-use-first="1">
    <layout delimiter="; ">
      <choose>
        <if position="ibid"><text value="ibid"/></if>
        <else>
          <group delimiter=" ">
            <names variable="author"><name/></names>
            <choose><if position="near-note"><text value="near"/></if></choose>
          </group>
        </else>
      </choose>
    </layout>
  </citation>
  <bibliography>
    <layout><names variable="author"><name name-as-sort-order="all"/></names></layout>
  </bibliography>
</style>
"""

THREE = [
    {"family": "Doe", "given": "Jane"},
    {"family": "Roe", "given": "Ann"},
    {"family": "Poe", "given": "Ed"},
]


def _processor() -> Processor:
    style, locale, _ = load_style_and_locale(STYLE, None, locale_loader)
    return Processor(style, locale)


def test_a_citation_notes_how_many_names_it_shows() -> None:
    proc = _processor()
    item = normalise_item({"id": "a", "type": "book", "author": THREE})
    _, ctx = proc.render_item(item, proc.style.citation, "citation")
    assert isinstance(ctx.notes, RenderNotes)
    # et-al-min 3, et-al-use-first 1: three names in the list, one shown
    assert ctx.notes.names_info == (3, 1)
    assert not ctx.notes.author_decided  # only bibliography entries decide an author key


def test_a_bibliography_entry_notes_whom_its_first_names_element_showed() -> None:
    proc = _processor()
    section = proc.style.bibliography
    assert section is not None
    with_names = normalise_item({"id": "a", "type": "book", "author": THREE[:1]})
    _, ctx = proc.render_item(with_names, section, "bibliography")
    assert ctx.notes.author_decided
    assert ctx.notes.author_key is not None and "Doe" in ctx.notes.author_key
    without = normalise_item({"id": "b", "type": "book"})
    _, empty = proc.render_item(without, section, "bibliography")
    assert empty.notes.author_key is None  # nothing shown: never substituted


def test_typed_cites_carry_a_fixed_position_and_near_note() -> None:
    """The test suite's explicit positions reach the processor as fields, not dict keys."""
    items = {
        key: normalise_item({"id": key, "type": "book", "author": THREE[index : index + 1]})
        for index, key in enumerate("ab")
    }

    def cites(third: CiteRequest, fourth: CiteRequest) -> list[str]:
        clusters = [
            ([CiteRequest(CiteItem("a"))], 1),
            ([CiteRequest(CiteItem("b"))], 2),
            ([third], 9),
            ([fourth], 30),
        ]
        run = _processor().run(items, clusters, want_bibliography=False)
        return [to_text(rich) for rich in run.citations]

    free = cites(CiteRequest(CiteItem("a")), CiteRequest(CiteItem("b")))
    fixed = cites(
        CiteRequest(CiteItem("a"), position=2), CiteRequest(CiteItem("b"), near_note=True)
    )
    assert free[2] != "ibid" and fixed[2] == "ibid"
    assert not free[3].endswith(" near") and fixed[3].endswith(" near")

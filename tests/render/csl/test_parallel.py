"""A bibliography formatted in several processes is the one a single process formats.

Parallel formatting is forced on small libraries by lowering the threshold
and the shortest run, and by claiming more usable CPUs than the machine may
have (correctness does not need them).  Every comparison is against the
single-process output of the same run, never against a written-out result.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citekit
from citekit.errors import UsageError
from citekit.render.csl import parallel
from citekit.render.csl.bibliography import BibliographyPass, render_bibliography
from citekit.render.csl.data import normalise_item
from citekit.render.csl.engine import CslEngine, load_style_and_locale
from citekit.render.csl.processor import Processor
from citekit.render.richtext import plain
from citekit.render.types import EngineOutput
from citekit.styles.catalog import find_style
from citekit.styles.catalog import locale_loader as bundled_locale_xml

# A numbered style whose bibliography does not print the number: an item
# with neither author nor title has no printed form and becomes the numbered
# error line, and the author substitution runs across entries.
NUMBERED = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Numbered</title><id>numbered</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="citation-number"/></layout></citation>
  <bibliography subsequent-author-substitute="&#8212;&#8212;&#8212;"
                subsequent-author-substitute-rule="{rule}">
    <sort><key variable="author"/><key variable="title"/></sort>
    <layout suffix=".">
      <group delimiter=". ">
        <names variable="author"><name name-as-sort-order="first"/></names>
        <text variable="title" font-style="italic"/>
      </group>
    </layout>
  </bibliography>
</style>
"""

# Numbered, with second-field-align and the number printed: the margin alone
# when nothing follows it.
ALIGNED = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Aligned</title><id>aligned</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="citation-number"/></layout></citation>
  <bibliography second-field-align="flush" subsequent-author-substitute="---">
    <sort><key variable="author"/></sort>
    <layout suffix=".">
      <text variable="citation-number" prefix="[" suffix="]"/>
      <names variable="author"><name/></names>
      <text variable="title" prefix=", "/>
    </layout>
  </bibliography>
</style>
"""

FAMILIES = ("Doe", "Roe", "Poe", "Zoe")
RULES = ("complete-all", "complete-each", "partial-each", "partial-first")


def generated_items(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` CSL-JSON items: shared authors, some without author or title or both."""
    chooser = random.Random(seed)
    items: list[dict[str, Any]] = []
    for index in range(count):
        item: dict[str, Any] = {
            "id": f"item{index}",
            "type": chooser.choice(("book", "article-journal", "chapter")),
            "issued": {"date-parts": [[1990 + chooser.randrange(5)]]},
        }
        shape = chooser.randrange(10)
        if shape > 0:  # one in ten has no author
            names = chooser.sample(FAMILIES, chooser.randrange(1, 4))
            item["author"] = [{"family": name, "given": "A."} for name in names]
        if shape not in (0, 1) or chooser.random() < 0.5:  # some have no title either
            item["title"] = f"Title {chooser.randrange(50)}"
        if chooser.random() < 0.3:
            item["container-title"] = "Journal"
            item["volume"] = str(chooser.randrange(1, 30))
        items.append(item)
    return items


@pytest.fixture
def forced(force_parallel: Callable[[int], list[int]]) -> list[int]:
    """Parallel from the first entry, in short runs; the list counts the parallel runs."""
    return force_parallel(4)


def _task_children(path: Path) -> list[str]:
    """One thread's children; a thread that ended since the listing has none."""
    try:
        return path.read_text().split()
    except FileNotFoundError:
        return []


def child_pids() -> set[int]:
    """This process's live children (from /proc where it lists them, else multiprocessing's)."""
    listed = list(Path("/proc/self/task").glob("*/children"))
    if listed:
        return {int(pid) for path in listed for pid in _task_children(path)}
    return {child.pid for child in multiprocessing.active_children() if child.pid is not None}


def engine_run(items: list[dict[str, Any]], style_xml: bytes, jobs: int) -> EngineOutput:
    return CslEngine().process(
        items, style_xml, [], locale=None, locale_loader=bundled_locale_xml, jobs=jobs
    )


def style_xml(name: str) -> bytes:
    return find_style(name).xml


STYLES: dict[str, Callable[[], bytes]] = {
    "apa": lambda: style_xml("apa"),
    "ieee": lambda: style_xml("ieee"),
    "chicago-notes-bibliography": lambda: style_xml("chicago-notes-bibliography"),
    "numbered complete-all": lambda: NUMBERED.replace("{rule}", "complete-all").encode(),
    "numbered partial-each": lambda: NUMBERED.replace("{rule}", "partial-each").encode(),
    "aligned": lambda: ALIGNED.encode(),
}


@pytest.mark.parametrize("name", list(STYLES))
def test_generated_library_same_in_parallel(name: str, forced: list[int]) -> None:
    items = generated_items(120, seed=len(name))
    xml = STYLES[name]()
    alone = engine_run(items, xml, jobs=1)
    assert not forced
    together = engine_run(items, xml, jobs=3)
    assert forced == [len(items)]
    assert len(alone.bibliography) == len(items)
    assert together.bibliography == alone.bibliography
    assert together.warnings == alone.warnings


def test_numbered_style_numbers_entries_without_printed_form(forced: list[int]) -> None:
    """The error line's number comes from the position, whichever process renders it."""
    items = generated_items(60, seed=3)
    xml = STYLES["numbered complete-all"]()
    alone = engine_run(items, xml, jobs=1)
    together = engine_run(items, xml, jobs=2)
    errors = [plain(rich) for _, rich in alone.bibliography if "no printed form" in plain(rich)]
    assert errors, "the generated library should hold items with no printed form"
    assert together.bibliography == alone.bibliography


@functools.cache
def corpus(path: Path) -> citekit.Library:
    """cdl.bib, read once for the three styles (reading it takes longer than the renders)."""
    return citekit.read(path).library


@pytest.mark.parametrize("style", ["apa", "ieee", "chicago-notes-bibliography"])
def test_corpus_same_in_parallel(style: str, shared: Path, forced: list[int]) -> None:
    library = corpus(shared / "corpus" / "cdl.bib")
    keys = list(library.keys())[:400]
    alone = citekit.render(library, style, bibliography_keys=keys, output="html")
    together = citekit.render(library, style, bibliography_keys=keys, output="html", jobs=2)
    assert forced
    assert [entry.text for entry in together.bibliography] == [
        entry.text for entry in alone.bibliography
    ]
    assert together.bibliography == alone.bibliography
    assert together.warnings == alone.warnings


def test_progress_once_per_entry(forced: list[int]) -> None:
    items = generated_items(90, seed=7)
    steps: list[int] = []
    CslEngine().process(
        items,
        style_xml("apa"),
        [],
        locale=None,
        locale_loader=bundled_locale_xml,
        progress=steps.append,
        jobs=3,
    )
    assert forced
    assert steps == [1] * len(items)


def test_no_processes_left(forced: list[int]) -> None:
    before = child_pids()
    engine_run(generated_items(80, seed=11), style_xml("ieee"), jobs=3)
    assert forced
    assert child_pids() == before
    assert not multiprocessing.active_children()


class Unpicklable(Exception):
    """An exception pickle cannot rebuild (two required arguments)."""

    def __init__(self, key: str, where: int) -> None:
        super().__init__(f"cannot render {key} ({where})")
        self.key = key


@pytest.fixture
def processor_parts() -> Iterator[tuple[Processor, dict[str, Any], list[str]]]:
    """A processor, normalised items and an order, for calling render_bibliography directly."""
    style, locale, _ = load_style_and_locale(style_xml("apa"), None, bundled_locale_xml)
    items = {raw["id"]: normalise_item(raw) for raw in generated_items(70, seed=5)}
    yield Processor(style, locale), items, sorted(items)


def _failing_on(
    monkeypatch: pytest.MonkeyPatch, processor: Processor, key: str, error: Exception
) -> None:
    real = processor.render_item

    def render_item(item: Any, *args: Any, **kwargs: Any) -> Any:
        if item.id == key:
            raise error
        return real(item, *args, **kwargs)

    monkeypatch.setattr(processor, "render_item", render_item)


@pytest.mark.parametrize("error", [ValueError("bad entry"), Unpicklable("k", 3)])
def test_worker_exception_is_the_sequential_one(
    error: Exception,
    processor_parts: tuple[Processor, dict[str, Any], list[str]],
    forced: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    processor, items, order = processor_parts
    failing = order[-5]  # in the last run, which a worker or this process may render
    _failing_on(monkeypatch, processor, failing, error)
    before = child_pids()
    with pytest.raises(type(error)) as sequential:
        render_bibliography(processor, items, order, {}, {}, jobs=1)
    with pytest.raises(type(error)) as spread:
        render_bibliography(processor, items, order, {}, {}, jobs=3)
    assert forced
    assert str(spread.value) == str(sequential.value)
    assert child_pids() == before


def test_dead_worker_run_is_rendered_here(
    processor_parts: tuple[Processor, dict[str, Any], list[str]],
    forced: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker that dies (killed, out of memory) costs time, not entries."""
    processor, items, order = processor_parts
    expected = render_bibliography(processor, items, order, {}, {}, jobs=1)
    parent = os.getpid()
    real = processor.render_item

    def render_item(item: Any, *args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        return real(item, *args, **kwargs)

    monkeypatch.setattr(processor, "render_item", render_item)
    before = child_pids()
    steps: list[int] = []
    assert render_bibliography(processor, items, order, {}, {}, steps.append, jobs=3) == expected
    assert forced
    assert steps == [1] * len(order)  # the lost runs count too
    assert child_pids() == before


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    count=st.integers(2, 40),
    cut=st.integers(0, 40),
    rule=st.sampled_from(RULES),
)
def test_any_run_resumes_as_the_whole_loop(seed: int, count: int, cut: int, rule: str) -> None:
    """The invariant parallel formatting rests on, without processes: a run started
    anywhere (state recovered by ``resume_at``) gives the whole loop's entries."""
    xml = NUMBERED.replace("{rule}", rule).encode()
    style, locale, _ = load_style_and_locale(xml, None, bundled_locale_xml)
    processor = Processor(style, locale)
    items = {raw["id"]: normalise_item(raw) for raw in generated_items(count, seed)}
    numbers = processor.number_items(items, list(items))
    order = processor.bibliography_order(items, list(items), numbers)
    whole = BibliographyPass(processor, items, numbers, {}).render_run(order)
    start = min(cut, len(order))
    tail = BibliographyPass(processor, items, numbers, {})
    tail.resume_at(order, start)
    assert [(key, tail.entry(key)) for key in order[start:]] == whole[start:]


@pytest.mark.parametrize(
    ("jobs", "cpus", "idle", "expected"),
    [
        (1, 4, 4, 1),  # one asked for
        (0, 4, 4, 4),  # every idle CPU
        (0, 4, 1, 1),  # a busy machine: a second process would only split this one's share
        (2, 4, 1, 2),  # asked for: granted, busy or not
        (8, 4, 4, 4),  # never more than the usable CPUs
        (0, 1, 1, 1),
    ],
)
def test_processes_for(
    jobs: int, cpus: int, idle: int, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "usable_cpus", lambda: cpus)
    monkeypatch.setattr(parallel, "idle_cpus", lambda: idle)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    assert parallel.processes_for(jobs, 10_000) == expected


def test_below_threshold_or_without_fork_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 4)
    monkeypatch.setattr(parallel, "idle_cpus", lambda: 4)
    below = parallel.PARALLEL_THRESHOLD - 1
    assert parallel.processes_for(0, below) == 1
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.processes_for(0, parallel.PARALLEL_THRESHOLD * 10) == 1


@pytest.mark.parametrize(("total", "processes"), [(1, 2), (250, 2), (1001, 3), (5000, 2)])
def test_runs_cover_the_order_once(total: int, processes: int) -> None:
    runs = parallel.split(total, processes)
    assert runs[0][0] == 0 and runs[-1][1] == total
    assert all(a[1] == b[0] for a, b in itertools.pairwise(runs))
    assert all(stop > start for start, stop in runs)


def test_render_jobs_checked_and_passed_only_where_understood(forced: list[int]) -> None:
    library = citekit.Library.from_json(generated_items(30, seed=2))
    with pytest.raises(UsageError):
        citekit.render(library, "apa", jobs=-1)
    other = citekit.render(library, "apa", engine="citeproc-py", jobs=2)
    assert not forced  # citeproc-py has no jobs: it was not asked
    assert other.bibliography == citekit.render(library, "apa", engine="citeproc-py").bibliography

"""How fast does a live document answer an editor, beside citeproc-js?

A note-style document (chicago-notes-bibliography) grows to ``--clusters``
clusters (500 by default) one ``add`` at a time, then one cluster in the
middle is updated and a cluster is inserted in the middle (which shifts the
note number, and so possibly the position, of every later cluster).  The same
operations run, interleaved one by one so that machine load falls on all of
them alike, through

* ``citekit.CitationDocument`` in this process,
* ``citekit serve --stdio`` as a subprocess, timed from writing the request
  line to reading the answer line (what an editor plugin waits for), opened
  with ``"bibliography-diff": true`` as a plugin that shows the bibliography
  opens it (answers carry the bibliography entries that changed, not the
  whole bibliography again; ``--whole-bibliography`` times the default), and
* citeproc-js's ``processCitationCluster`` in node (``benchmarks/editor_session/``,
  ``npm install`` there), timed inside node around the call alone (so pipe
  and JSON costs count against citekit only).

Each operation is timed twice: by the wall clock and in CPU time.  The CPU
time of the server is its process's CPU clock over the request (reading,
parsing, rendering, encoding and writing the answer) plus this process's
CPU writing the request and reading the answer; citeproc-js's is node's
``process.cpuUsage`` around the call; the document's is this thread's CPU
clock around the call.  On a machine other work keeps busy the wall clock
also counts the time a process waits for a free CPU, which falls unevenly:
the server and node wait to be woken for every request while this process
keeps running.  So the ratios are of CPU medians (as issue 19's table, "CPU
seconds where the machine was loaded"); the wall-clock ratios are printed
too, on their own line, and agree with them on a quiet machine.

The clusters cite records of ``../shared/corpus/cdl.bib`` (skipped with a
message when absent) in a fixed, seeded mix: first cites, ibid (with the same
or another locator), subsequent cites of earlier works and multi-work
clusters.  Figures are medians in milliseconds; the last line gives the
ratios of citeproc-js's CPU medians over citekit's server CPU medians (above
1 means citekit is faster):

    editor-session: add Ax, update Ux, insert Ix, total Tx faster than citeproc-js

Run: ``.venv/bin/python benchmarks/editor_session.py [SHARED_DIR] [--clusters N] [--rounds R]``
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import citekit

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "benchmarks" / "editor_session"
STYLE = "chicago-notes-bibliography"
SEED = 19

Cite = tuple[str, str]  # (key, page locator or "")
Timed = tuple[float, float]  # (wall-clock ms, CPU ms) of one operation


# -- the document ----------------------------------------------------------


def eligible_keys(library: citekit.Library, count: int) -> list[str]:
    """Keys of records with an author, a title and a year, in a seeded order."""
    keys = []
    for record in library:
        data = record.to_json()
        if data.get("author") and data.get("title") and data.get("issued"):
            keys.append(str(record.id))
    random.Random(SEED).shuffle(keys)
    return keys[:count]


def make_clusters(keys: Sequence[str], count: int, seed: int = SEED) -> list[list[Cite]]:
    """A seeded mix of first, ibid, subsequent and multi-work clusters."""
    rng = random.Random(seed)
    fresh = iter(keys)
    cited: list[str] = []
    clusters: list[list[Cite]] = []

    def page() -> str:
        return str(rng.randint(1, 400)) if rng.random() < 0.7 else ""

    def new_key() -> str:
        key = next(fresh, None)
        if key is None:
            key = rng.choice(cited)
        elif key not in cited:
            cited.append(key)
        return key

    for _ in range(count):
        roll = rng.random()
        previous = clusters[-1] if clusters else []
        if not cited or roll < 0.40:
            cluster = [(new_key(), page())]
        elif roll < 0.60 and len(previous) == 1:  # ibid, same or another page
            key, locator = previous[0]
            cluster = [(key, locator if rng.random() < 0.5 else page())]
        elif roll < 0.85:
            cluster = [(rng.choice(cited), page())]
        else:
            size = rng.randint(2, 3)
            cluster = [(new_key() if rng.random() < 0.4 else rng.choice(cited), page())]
            while len(cluster) < size:
                key = rng.choice(cited)
                if all(key != k for k, _ in cluster):
                    cluster.append((key, page()))
        clusters.append(cluster)
    return clusters


def as_cluster(cites: Sequence[Cite]) -> citekit.Cluster:
    return citekit.Cluster(
        tuple(citekit.CiteItem(k, locator=p or None, label="page" if p else None) for k, p in cites)
    )


def as_json(cites: Sequence[Cite]) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for key, locator in cites:
        item: dict[str, Any] = {"id": key}
        if locator:
            item.update(locator=locator, label="page")
        items.append(item)
    return {"items": items}


# -- the three sides ---------------------------------------------------------


def process_cpu_clock(pid: int) -> int | None:
    """The CPU-time clock of another process (``clock_getcpuclockid``), or None
    where the C library has none (then the server's figures are wall clock)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        clock = ctypes.c_int()
        if libc.clock_getcpuclockid(pid, ctypes.byref(clock)) != 0:
            return None
        time.clock_gettime(clock.value)  # readable (same user): check once
    except (OSError, AttributeError):
        return None
    return clock.value


class LineProcess:
    """A subprocess spoken to in JSON lines."""

    def __init__(self, command: Sequence[str], cwd: Path) -> None:
        self.name = command[0]
        self.process = subprocess.Popen(
            list(command),
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def ask(self, request: dict[str, Any]) -> tuple[dict[str, Any], float]:
        """The answer and the milliseconds from writing the request to reading it."""
        data, elapsed, _ = self.ask_timed(request)
        return data, elapsed

    def ask_timed(self, request: dict[str, Any]) -> tuple[dict[str, Any], float, float]:
        """The answer, the wall-clock milliseconds from writing the request to
        reading the answer, and this thread's CPU milliseconds meanwhile."""
        assert self.process.stdin is not None and self.process.stdout is not None
        line = json.dumps(request) + "\n"
        cpu = time.thread_time()
        started = time.perf_counter()
        self.process.stdin.write(line)
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        elapsed = (time.perf_counter() - started) * 1000
        own = (time.thread_time() - cpu) * 1000
        if not answer:
            raise SystemExit(f"{self.name} stopped answering")
        data: dict[str, Any] = json.loads(answer)
        if "error" in data:
            raise SystemExit(f"error answer: {data['error']}")
        return data, elapsed, own

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


class CiteprocJs:
    """citeproc-js's processCitationCluster, with the note numbers of a note style."""

    def __init__(self, items: list[dict[str, Any]], style_xml: str, locale_xml: str) -> None:
        self.node = LineProcess(["node", str(NODE_DIR / "driver.js")], NODE_DIR)
        self.node.ask({"op": "init", "style": style_xml, "locale": locale_xml, "items": items})
        self.ids: list[str] = []  # citation ids in document order; note = index + 1
        self.counter = 0

    def _call(self, ident: str, cites: Sequence[Cite], index: int) -> Timed:
        citation = {
            "citationID": ident,
            "citationItems": [
                {"id": k, **({"locator": p, "label": "page"} if p else {})} for k, p in cites
            ],
            "properties": {"noteIndex": index + 1},
        }
        pre = [[c, i + 1] for i, c in enumerate(self.ids[:index])]
        post = [[c, i + 2] for i, c in enumerate(self.ids[index + 1 :], start=index)]
        answer, _ = self.node.ask({"op": "cluster", "citation": citation, "pre": pre, "post": post})
        return float(answer["ms"]), float(answer["cpu_ms"])

    def _new_id(self) -> str:
        self.counter += 1
        return f"js{self.counter}"

    def add(self, cites: Sequence[Cite]) -> Timed:
        self.ids.append(self._new_id())
        return self._call(self.ids[-1], cites, len(self.ids) - 1)

    def update(self, index: int, cites: Sequence[Cite]) -> Timed:
        return self._call(self.ids[index], cites, index)

    def insert(self, index: int, cites: Sequence[Cite]) -> Timed:
        self.ids.insert(index, self._new_id())
        return self._call(self.ids[index], cites, index)


class InProcess:
    """citekit.CitationDocument, timed around each call."""

    def __init__(self, library: citekit.Library) -> None:
        self.document = citekit.CitationDocument(library, STYLE)

    @staticmethod
    def _timed(call: Any, *args: Any) -> Timed:
        cpu = time.thread_time()
        started = time.perf_counter()
        call(*args)
        wall = (time.perf_counter() - started) * 1000
        return wall, (time.thread_time() - cpu) * 1000

    def add(self, cites: Sequence[Cite]) -> Timed:
        return self._timed(self.document.add, as_cluster(cites))

    def update(self, index: int, cites: Sequence[Cite]) -> Timed:
        return self._timed(self.document.update, index, as_cluster(cites))

    def insert(self, index: int, cites: Sequence[Cite]) -> Timed:
        return self._timed(self.document.insert, index, as_cluster(cites))


class Served:
    """``citekit serve --stdio``, timed from request to answer."""

    def __init__(self, items: list[dict[str, Any]], *, diff: bool = True) -> None:
        command = [sys.executable, "-m", "citekit", "serve", "--stdio"]
        self.server = LineProcess(command, ROOT)
        self.clock = process_cpu_clock(self.server.process.pid)
        self.calls = 0
        self.diff = diff
        self._ask("open", {"items": items, "style": STYLE, "bibliography-diff": diff})

    def _ask(self, method: str, params: dict[str, Any]) -> Timed:
        """Wall-clock and CPU milliseconds of one request (CPU: the server's
        and this thread's; the wall clock's when the server's is unknown)."""
        self.calls += 1
        before = time.clock_gettime(self.clock) if self.clock is not None else 0.0
        request = {"id": self.calls, "method": method, "params": params}
        _, elapsed, own = self.server.ask_timed(request)
        if self.clock is None:
            return elapsed, elapsed
        return elapsed, (time.clock_gettime(self.clock) - before) * 1000 + own

    def add(self, cites: Sequence[Cite]) -> Timed:
        return self._ask("add", {"cluster": as_json(cites)})

    def update(self, index: int, cites: Sequence[Cite]) -> Timed:
        return self._ask("update", {"index": index, "cluster": as_json(cites)})

    def insert(self, index: int, cites: Sequence[Cite]) -> Timed:
        return self._ask("insert", {"index": index, "cluster": as_json(cites)})

    def close(self) -> None:
        self._ask("shutdown", {})
        self.server.close()


# -- the run -----------------------------------------------------------------


@dataclass
class Timings:
    add: list[float] = field(default_factory=list)
    update: list[float] = field(default_factory=list)
    insert: list[float] = field(default_factory=list)

    def line(self, name: str) -> str:
        return (
            f"{name:<22} add median {statistics.median(self.add):8.2f} ms"
            f" (last {self.add[-1]:8.2f}), total {sum(self.add) / 1000:8.2f} s;"
            f" update median {statistics.median(self.update):8.2f} ms;"
            f" insert median {statistics.median(self.insert):8.2f} ms"
        )

    def ratios(self, ours: Timings) -> str:
        """citeproc-js's medians (``self``) over ours, and the totals of the adds."""
        return (
            f"add {ratio(self.add, ours.add)}, update {ratio(self.update, ours.update)},"
            f" insert {ratio(self.insert, ours.insert)},"
            f" total {sum(self.add) / sum(ours.add):.2f}x faster than citeproc-js"
        )


@dataclass
class Measured:
    """One side's timings by the wall clock and in CPU time."""

    wall: Timings = field(default_factory=Timings)
    cpu: Timings = field(default_factory=Timings)

    def record(self, kind: str, timed: Timed) -> None:
        getattr(self.wall, kind).append(timed[0])
        getattr(self.cpu, kind).append(timed[1])


def open_whole(
    library: citekit.Library,
    items: list[dict[str, Any]],
    clusters: Sequence[Sequence[Cite]],
    sides: dict[str, Any],
) -> dict[str, float]:
    """Milliseconds to open the whole document in one call (no add after add)."""
    opened: dict[str, float] = {}
    started = time.perf_counter()
    citekit.CitationDocument(library, STYLE, clusters=[as_cluster(c) for c in clusters])
    opened["CitationDocument"] = (time.perf_counter() - started) * 1000
    for side in sides.values():
        if isinstance(side, Served):
            params = {"items": items, "style": STYLE, "bibliography-diff": side.diff}
            params["clusters"] = [as_json(c) for c in clusters]
            opened["citekit serve --stdio"] = side._ask("open", params)[0]
    return opened


def ratio(peer: Sequence[float], ours: Sequence[float]) -> str:
    return f"{statistics.median(peer) / statistics.median(ours):.2f}x"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", nargs="?", default=str(ROOT.parent / "shared"))
    parser.add_argument("--clusters", type=int, default=500, help="document size (500)")
    parser.add_argument("--rounds", type=int, default=7, help="updates and inserts timed (7)")
    parser.add_argument("--no-server", action="store_true", help="skip citekit serve")
    parser.add_argument(
        "--whole-bibliography",
        action="store_true",
        help="the server answers with the whole bibliography when it changed (its default)",
    )
    args = parser.parse_args(argv)
    bib = Path(args.shared) / "corpus" / "cdl.bib"
    if not bib.exists():
        print(f"skipped: {bib} is absent (the shared corpus is not here)")
        return 0
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "citeproc").exists():
        print(f"skipped: citeproc-js is not installed (cd {NODE_DIR} && npm install)")
        return 0

    library = citekit.read(bib).library
    keys = eligible_keys(library, max(20, args.clusters))
    clusters = make_clusters(keys, args.clusters)
    cited = dict.fromkeys(k for c in clusters for k, _ in c)
    edits = make_clusters(keys, 2 * args.rounds, seed=SEED + 1)
    cited.update(dict.fromkeys(k for c in edits for k, _ in c))
    subset = citekit.Library(library[k] for k in cited)
    items = subset.to_json()
    style = citekit.find_style(STYLE)
    locale = (Path(citekit.__file__).parent / "data" / "locales" / "locales-en-US.xml").read_text(
        encoding="utf-8"
    )
    print(
        f"{len(clusters)} clusters citing {len(cited)} works of {bib.name}, style {STYLE};"
        f" {args.rounds} updates and inserts in the middle; the server answers with"
        f" {'whole bibliographies' if args.whole_bibliography else 'bibliography diffs'}"
    )

    sides: dict[str, Any] = {
        "citeproc-js": CiteprocJs(items, style.xml.decode("utf-8"), locale),
        "CitationDocument": InProcess(subset),
    }
    if not args.no_server:
        sides["citekit serve --stdio"] = Served(items, diff=not args.whole_bibliography)
    timings = {name: Measured() for name in sides}
    for count, cites in enumerate(clusters, 1):
        for name, side in sides.items():
            timings[name].record("add", side.add(cites))
        if count % 100 == 0:
            print(f"  {count} clusters added", file=sys.stderr, flush=True)
    middle = args.clusters // 2
    for round_ in range(args.rounds):
        for name, side in sides.items():
            timings[name].record("update", side.update(middle, edits[round_]))
        for name, side in sides.items():
            timings[name].record("insert", side.insert(middle, edits[args.rounds + round_]))
    opened = open_whole(subset, items, clusters, sides)
    for side in sides.values():
        if isinstance(side, Served):
            side.close()
        elif isinstance(side, CiteprocJs):
            side.node.close()

    print("wall clock:")
    for name, measured in timings.items():
        print("  " + measured.wall.line(name))
    print("CPU time:")
    for name, measured in timings.items():
        print("  " + measured.cpu.line(name))
    print(
        f"open all {len(clusters)} clusters in one call: "
        + ", ".join(f"{name} {ms / 1000:.2f} s" for name, ms in opened.items())
    )
    peer = timings["citeproc-js"]
    ours = timings["citekit serve --stdio" if not args.no_server else "CitationDocument"]
    if not args.no_server:
        doc = timings["CitationDocument"]
        print(f"in-process (wall clock): {peer.wall.ratios(doc.wall)}")
        print(f"in-process: {peer.cpu.ratios(doc.cpu)}")
    print(f"editor-session (wall clock): {peer.wall.ratios(ours.wall)}")
    print(f"editor-session: {peer.cpu.ratios(ours.cpu)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast does ``citekit lsp`` answer completion and hover, through the real protocol?

Starts ``python -m citekit lsp --stdio`` as a subprocess and talks to it with
pygls's own client over stdio, as an editor does, then times each request
from send to answer:

* on a 9,620-entry library (``../shared/corpus/cdl.bib`` + ``iridia.bib``
  concatenated: the ~10k stand-in SOURCES.md names; skipped with a message
  when ../shared is absent) and on the bundled ``references.bib``;
* completion: ``REQUESTS`` requests, each after ``[@`` and the first 1-3
  characters of a different key (prefixes of every length, so some answers
  are cut at the 100-item limit and some are short);
* typing: one more character of each of those keys sent as an edit
  (``didChange``, which re-checks the document) then completion there, the
  time from the edit to the answer: what a writer waits for per keystroke;
* hover: ``REQUESTS`` requests on different keys, first "cold" (each entry
  formatted for the first time) then "warm" (the same keys again, from the
  per-(key, style) cache).

The first request of a library also reads, checks and indexes it, and
checks the 400-citation benchmark document; that time is printed on its
own.  While that first request is pending, a light request (completion at
the very start of the document, where no key goes) is sent every
``PING_EVERY`` seconds and timed: "during read" shows whether the server
answers other messages while it reads the library (a server that reads on
its event loop answers them only once the read is done).  The target is
completion under 50 ms.

The peer is texlab (the LaTeX language server, which completes BibTeX keys
in ``\\cite{``), timed the same way on the same .bib files when ``texlab`` is
on PATH; the ratio is citekit's median over texlab's.  When it is not
installed, the absolute figures are printed against the 50 ms target.

Run: ``.venv/bin/python benchmarks/lsp_latency.py [SHARED_DIR] [--requests N]``
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

import citekit

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0
STYLE = "apa"
#: Seconds between the light requests sent while the first request is pending.
PING_EVERY = 0.05


@dataclass(frozen=True)
class Figures:
    """Latencies in milliseconds of one kind of request."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def row(self, name: str) -> str:
        return f"  {name:<14} median {self.median:7.2f} ms   p95 {self.p95:7.2f} ms"


@dataclass(frozen=True)
class Server:
    """How to start a language server and write a citation in its language."""

    name: str
    command: list[str]
    suffix: str
    language: str
    opening: str  # what precedes a key: "[@" or "\\cite{"
    header: Callable[[str], str]  # the lines before the citations, given the .bib name


CITEKIT = Server(
    "citekit lsp",
    [sys.executable, "-m", "citekit", "lsp", "--stdio"],
    ".md",
    "markdown",
    "[@",
    lambda bib: f"---\nbibliography: {bib}\ncsl: {STYLE}\n---\n",
)
TEXLAB = Server(
    "texlab",
    ["texlab"],
    ".tex",
    "latex",
    "\\cite{",
    lambda bib: f"\\documentclass{{article}}\n\\addbibresource{{{bib}}}\n",
)


async def timed(request: Awaitable[Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    answer = await request
    return (time.perf_counter() - start) * 1000, answer


async def measure(
    server: Server, bib: Path, keys: list[str], requests: int, hover: bool
) -> dict[str, Figures]:
    """Completion (and hover) latencies of ``server`` on ``bib``, in a fresh workspace."""
    with tempfile.TemporaryDirectory(prefix="lsp-latency-") as folder:
        workspace = Path(folder)
        shutil.copy(bib, workspace / bib.name)
        rng = random.Random(20261207)
        sample = [rng.choice(keys) for _ in range(requests)]
        prefixes = [key[: 1 + index % 3] for index, key in enumerate(sample)]
        header = server.header(bib.name)
        lines = [f"{server.opening}{prefix}" for prefix in prefixes]
        lines += [
            f"{server.opening}{key}{']' if server.opening == '[@' else '}'}" for key in sample
        ]
        text = header + "\n".join(lines) + "\n"
        first_line = header.count("\n")
        document = workspace / f"paper{server.suffix}"
        document.write_text(text, encoding="utf-8")
        uri = str(from_fs_path(str(document)))

        client = LanguageClient("lsp-latency", "1")

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def _diagnostics(params: types.PublishDiagnosticsParams) -> None:
            """Diagnostics are not timed here; the handler keeps the client quiet."""

        await client.start_io(server.command[0], *server.command[1:])
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(), root_uri=str(from_fs_path(str(workspace)))
            )
        )
        client.initialized(types.InitializedParams())
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, server.language, 1, text))
        )
        ident = types.TextDocumentIdentifier(uri)
        version = 1

        def completion(line: int) -> Awaitable[Any]:
            position = types.Position(first_line + line, len(lines[line]))
            return client.text_document_completion_async(types.CompletionParams(ident, position))

        async def typing(line: int) -> Any:
            """One more character of the key typed (didChange), then completion there."""
            nonlocal version
            key, done = sample[line], len(lines[line]) - len(server.opening)
            typed = key[done] if done < len(key) else "_"
            end = types.Position(first_line + line, len(lines[line]))
            version += 1
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                    [types.TextDocumentContentChangePartial(types.Range(end, end), typed)],
                )
            )
            lines[line] += typed
            return await completion(line)

        def hovering(line: int) -> Awaitable[Any]:
            position = types.Position(first_line + requests + line, len(server.opening) + 1)
            return client.text_document_hover_async(types.HoverParams(ident, position))

        def light() -> Awaitable[Any]:
            """Completion at the document's very start, where no key goes: no library needed."""
            position = types.Position(0, 0)
            return client.text_document_completion_async(types.CompletionParams(ident, position))

        first = asyncio.ensure_future(timed(completion(0)))
        during = await _while_pending(first, light)
        load, answer = await first
        if answer is None or not _items(answer):
            print(f"  warning: {server.name} gave no completion for {prefixes[0]!r}")
        found = {"load": Figures([load])}
        if during:
            found["during read"] = Figures(during)
        found["completion"] = Figures([(await timed(completion(i)))[0] for i in range(requests)])
        found["typing"] = Figures([(await timed(typing(i)))[0] for i in range(requests)])
        if hover:
            found["hover cold"] = Figures([(await timed(hovering(i)))[0] for i in range(requests)])
            found["hover warm"] = Figures([(await timed(hovering(i)))[0] for i in range(requests)])
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()  # type: ignore[no-untyped-call]
        return found


async def _while_pending(
    pending: asyncio.Future[Any], request: Callable[[], Awaitable[Any]]
) -> list[float]:
    """Latencies of ``request`` sent every :data:`PING_EVERY` seconds until ``pending`` is done.

    Each is timed from its send to its answer, so an answer held back until
    the pending request finished counts the whole wait.
    """
    sent: list[asyncio.Future[tuple[float, Any]]] = []
    while not pending.done():
        sent.append(asyncio.ensure_future(timed(request())))
        await asyncio.wait([pending], timeout=PING_EVERY)
    return [latency for latency, _ in await asyncio.gather(*sent)]


def _items(answer: Any) -> list[Any]:
    return list(answer.items if isinstance(answer, types.CompletionList) else answer or [])


def report(title: str, bib: Path, requests: int) -> None:
    keys = citekit.read(bib).library.keys()
    print(f"\n{title}: {bib.name}, {len(keys):,} entries, {requests} requests each")
    ours = asyncio.run(measure(CITEKIT, bib, keys, requests, hover=True))
    print(
        f"  {CITEKIT.name}: first request (reads and indexes the library) "
        f"{ours['load'].samples[0]:.0f} ms"
    )
    if "during read" in ours:
        during = ours["during read"]
        print(
            f"{during.row('during read')}   ({len(during.samples)} light requests sent "
            "while the first request was pending)"
        )
    for name in ("completion", "typing", "hover cold", "hover warm"):
        print(ours[name].row(name))
    completion = ours["completion"]
    verdict = "meets" if completion.p95 < TARGET_MS else "misses"
    print(f"  completion p95 {completion.p95:.2f} ms {verdict} the {TARGET_MS:.0f} ms target")
    if shutil.which(TEXLAB.command[0]) is None:
        print(
            "  peer: texlab is not on PATH (not packaged for Debian 12, not on PyPI or "
            "npm), so no ratio; figures above are absolute, against the 50 ms target"
        )
        return
    theirs = asyncio.run(measure(TEXLAB, bib, keys, requests, hover=False))
    peer = theirs["completion"]
    print(peer.row("texlab compl."))
    print(f"  ratio citekit/texlab completion median: {completion.median / peer.median:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    corpus = args.shared / "corpus"
    if (corpus / "cdl.bib").is_file() and (corpus / "iridia.bib").is_file():
        with tempfile.TemporaryDirectory(prefix="lsp-library-") as folder:
            big = Path(folder) / "library.bib"
            big.write_text(
                (corpus / "cdl.bib").read_text(encoding="utf-8")
                + "\n"
                + (corpus / "iridia.bib").read_text(encoding="utf-8"),
                encoding="utf-8",
            )
            report("~10k library (cdl.bib + iridia.bib)", big, args.requests)
    else:
        print(
            f"skipped the 10k library: {corpus} has no cdl.bib and iridia.bib "
            "(the shared data folder is absent)"
        )
    report("bundled library", ROOT / "references.bib", args.requests)


if __name__ == "__main__":
    main()

"""How fast ``citekit render`` formats a long document, against ``pandoc --citeproc``.

A 200-citation Markdown document is generated (fixed seed) that cites
entries of ../shared/corpus/cdl.bib (6,315 BibTeX entries) in every common
form: plain, with locators, several per cluster, author suppressed,
author-in-text.  Both tools read the whole .bib and render the document in
chicago-author-date (the same .csl file for both), end to end as a user runs
them (``citekit render`` and ``pandoc --citeproc`` as subprocesses, best of
``--repeat`` runs).  An in-process breakdown shows reading versus rendering.

It then times the editor path: a :class:`citekit.documents.editor.CitationDocument`
holding the same 200 clusters gets one more inserted near the start, which
re-renders the document and reports the clusters whose text changed (in
chicago-author-date, and in a note style, oscola, where every later note is
renumbered).

Everything is measured in the same run, with citekit's default engine and,
when available, ``--engine citekit``.

Usage: python benchmarks/render_speed.py [--shared PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from citekit.documents.editor import CitationDocument
from citekit.documents.rendering import render_document
from citekit.formats import read
from citekit.formats.citesyntax import find_citations
from citekit.render import DEFAULT_ENGINE, available_engines
from citekit.styles.catalog import find_style

ROOT = Path(__file__).resolve().parent.parent
STYLE = "chicago-author-date"
NOTE_STYLE = "oscola"
CITATIONS = 200
WORDS = (
    "the",
    "results",
    "suggest",
    "memory",
    "models",
    "that",
    "learning",
    "recall",
    "depends",
    "on",
    "context",
    "and",
    "time",
    "as",
    "shown",
    "in",
    "several",
    "studies",
)


def generate(keys: list[str], count: int = CITATIONS, seed: int = 2026) -> str:
    """A Markdown document with ``count`` citations in varied forms."""
    rng = random.Random(seed)
    paragraphs: list[str] = ["---\ntitle: Speed test\n---\n"]
    sentences: list[str] = []
    for n in range(count):
        key, other = rng.choice(keys), rng.choice(keys)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 12)))
        form = n % 6
        if form == 0:
            cite = f"[@{key}]"
        elif form == 1:
            cite = f"[@{key}, p. {rng.randint(1, 400)}]"
        elif form == 2:
            cite = f"[see @{key}, pp. {rng.randint(1, 99)}-{rng.randint(100, 200)}; also @{other}]"
        elif form == 3:
            cite = f"[-@{key}, chap. {rng.randint(1, 12)}]"
        elif form == 4:
            sentences.append(f"@{key} [p. {rng.randint(1, 300)}] says {words}.")
            continue
        else:
            sentences.append(f"As @{key} argues, {words}.")
            continue
        sentences.append(f"{words.capitalize()} {cite}.")
        if len(sentences) >= 4:
            paragraphs.append(" ".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append(" ".join(sentences))
    paragraphs.append("# References\n\n::: {#refs}\n:::")
    return "\n\n".join(paragraphs) + "\n"


def best_of(repeat: int, command: list[str]) -> float:
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared")),
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bib = args.shared / "corpus" / "cdl.bib"
    if not bib.is_file():
        print(f"{bib} is absent; nothing to measure (skipped)")
        return 0
    library = read(bib).library  # warms imports up
    start = time.perf_counter()
    read(bib)
    read_time = time.perf_counter() - start
    text = generate(library.keys())
    style_path = find_style(STYLE).path
    engines = list(
        dict.fromkeys([DEFAULT_ENGINE, *(e for e in ("citekit",) if e in available_engines())])
    )
    # Without note numbers: the editor numbers notes by position.
    clusters = [replace(m.cluster, note_number=None) for m in find_citations(text)]
    print(
        f"document: {CITATIONS} citations ({len(clusters)} clusters) against {len(library)} "
        f"entries of {bib.name}; style {STYLE}"
    )
    print(f"citekit reads {bib.name} in {read_time:.2f} s (in process)")

    with tempfile.TemporaryDirectory() as folder:
        doc = Path(folder) / "speed.md"
        doc.write_text(text, encoding="utf-8")
        pandoc_time: float | None = None
        if shutil.which("pandoc") is None:
            print("pandoc is not installed; the peer comparison is skipped")
        else:
            pandoc_time = best_of(
                args.repeat,
                [
                    "pandoc",
                    "--citeproc",
                    "--bibliography",
                    str(bib),
                    "--csl",
                    str(style_path),
                    "-t",
                    "markdown",
                    "-o",
                    str(Path(folder) / "pandoc.md"),
                    str(doc),
                ],
            )
            print(f"pandoc --citeproc: {pandoc_time:.2f} s (end to end, best of {args.repeat})")
        for engine in engines:
            start = time.perf_counter()
            result = render_document(text, bibliography=[bib], style=style_path, engine=engine)
            in_process = time.perf_counter() - start
            cli_time = best_of(
                args.repeat,
                [
                    sys.executable,
                    "-m",
                    "citekit",
                    "render",
                    str(doc),
                    "--bib",
                    str(bib),
                    "--style",
                    str(style_path),
                    "--engine",
                    engine,
                    "-o",
                    str(Path(folder) / f"citekit-{engine}.md"),
                ],
            )
            ratio = f"; pandoc/citekit = {pandoc_time / cli_time:.2f}x" if pandoc_time else ""
            label = f"{engine} (default)" if engine == DEFAULT_ENGINE else engine
            print(
                f"citekit render --engine {label}: {cli_time:.2f} s end to end "
                f"(in process {in_process:.2f} s including the read; "
                f"{len(result.citations)} citations, "
                f"{len(result.bibliography)} entries){ratio}"
            )

    for engine in engines:
        document = CitationDocument(library, style_path, engine=engine)
        start = time.perf_counter()
        document.extend(clusters)
        opened = time.perf_counter() - start
        new = clusters[7]
        start = time.perf_counter()
        update = document.insert(1, new)
        insert_time = time.perf_counter() - start
        label = f"{engine} (default)" if engine == DEFAULT_ENGINE else engine
        print(
            f"editor (--engine {label}): open with {len(clusters)} clusters {opened:.2f} s; "
            f"insert one at index 1: {insert_time:.2f} s, {len(update.changed)} clusters "
            f"changed, bibliography changed: {update.bibliography_changed}"
        )
    # In a note style an insertion renumbers every later note: the worst case.
    document = CitationDocument(library, NOTE_STYLE)
    document.extend(clusters)
    start = time.perf_counter()
    update = document.insert(1, clusters[7])
    print(
        f"editor ({NOTE_STYLE}, default engine): insert one at index 1: "
        f"{time.perf_counter() - start:.2f} s, {len(update.changed)} clusters changed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

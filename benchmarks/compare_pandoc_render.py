"""How closely ``citekit render`` agrees with ``pandoc --citeproc`` on one document.

benchmarks/data/citations-test.md uses every citation form citekit reads
(bracketed clusters, locators, suppressed authors, author-in-text cites,
braced keys, notes, nocite, a ``::: {#refs}`` block, and the places where an
``@`` is not a citation).  The script renders it with citekit and with pandoc
(``-t json``, whose Cite elements carry pandoc's rendering) in an
author-date, a numeric and a note style, and prints for each how many
citations and bibliography entries agree.

Both sides are compared as plain text with white space collapsed and
typographic quotes straightened.  Citations are aligned by their keys, so a
citation one side does not recognise (pandoc 2.17 has no ``@{braced key}``)
counts as a disagreement without shifting the rest.  For note styles a
citation's text is what the reader sees for it: the author (for an
author-in-text cite) and the note's content.

Usage: python benchmarks/compare_pandoc_render.py [--engine NAME] [--examples N]
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

from citekit.documents.rendering import render_document_file
from citekit.render import DEFAULT_ENGINE, available_engines
from citekit.styles.catalog import find_style

DATA = Path(__file__).resolve().parent / "data"
DOCUMENT = DATA / "citations-test.md"
LIBRARY = DATA / "citations-test.json"
STYLES = ("chicago-author-date", "ieee", "chicago-note-bibliography")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return " ".join(text.split())


# ---------------------------------------------------------------------------
# pandoc's side: walk the JSON AST
# ---------------------------------------------------------------------------


def stringify(node: Any) -> str:
    """Plain text of a pandoc AST node (inlines, blocks or lists of them)."""
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c")
    if kind == "Str":
        return str(content)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in (
        "Emph",
        "Strong",
        "SmallCaps",
        "Strikeout",
        "Superscript",
        "Subscript",
        "Underline",
        "Plain",
        "Para",
    ):
        return stringify(content) + (" " if kind in ("Plain", "Para") else "")
    if kind == "Quoted":
        single = content[0].get("t") == "SingleQuote"
        opening, closing = ("‘", "’") if single else ("“", "”")
        return opening + stringify(content[1]) + closing
    if kind in ("Link", "Span"):
        return stringify(content[1])
    if kind == "Cite":
        return stringify(content[1])
    if kind == "Note":
        return " " + stringify(content)
    if kind in ("Code", "Math"):
        return str(content[1])
    if kind == "Div":
        return stringify(content[1])
    return ""


def pandoc_cites(node: Any, out: list[tuple[tuple[str, ...], str]]) -> None:
    """Every Cite in document order (notes at their reference), as (keys, text)."""
    if isinstance(node, list):
        for child in node:
            pandoc_cites(child, out)
    elif isinstance(node, dict):
        if node.get("t") == "Cite":
            keys = tuple(c["citationId"] for c in node["c"][0])
            out.append((keys, norm(stringify(node["c"][1]))))
            return
        if "c" in node:
            pandoc_cites(node["c"], out)
        elif "blocks" in node:
            pandoc_cites(node["blocks"], out)


def pandoc_entries(node: Any, out: dict[str, str]) -> None:
    if isinstance(node, list):
        for child in node:
            pandoc_entries(child, out)
    elif isinstance(node, dict):
        if node.get("t") == "Div":
            ident = node["c"][0][0]
            if ident.startswith("ref-"):
                out[ident[4:]] = norm(stringify(node["c"][1]))
                return
        if "c" in node:
            pandoc_entries(node["c"], out)
        elif "blocks" in node:
            pandoc_entries(node["blocks"], out)


def run_pandoc(style_path: Path) -> tuple[list[tuple[tuple[str, ...], str]], dict[str, str]]:
    completed = subprocess.run(
        [
            "pandoc",
            "--citeproc",
            "--bibliography",
            str(LIBRARY),
            "--csl",
            str(style_path),
            "-t",
            "json",
            str(DOCUMENT),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    ast = json.loads(completed.stdout)
    cites: list[tuple[tuple[str, ...], str]] = []
    entries: dict[str, str] = {}
    pandoc_cites(ast["blocks"], cites)
    pandoc_entries(ast["blocks"], entries)
    return cites, entries


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------


def compare(style: str, engine: str, examples: int) -> tuple[int, int, int, int]:
    style_path = find_style(style).path
    pandoc_list, pandoc_bib = run_pandoc(style_path)
    result = render_document_file(
        DOCUMENT, bibliography=[LIBRARY], style=style, engine=engine, to="text"
    )
    ours = [(tuple(i.id for i in c.found.cluster.items), norm(c.display)) for c in result.citations]
    matcher = difflib.SequenceMatcher(
        a=[k for k, _ in ours], b=[k for k, _ in pandoc_list], autojunk=False
    )
    agree = 0
    shown = 0
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            mine = ours[block.a + offset]
            theirs = pandoc_list[block.b + offset]
            if mine[1] == theirs[1]:
                agree += 1
            elif shown < examples:
                shown += 1
                print(
                    f"    cite {'; '.join(mine[0])}:\n      citekit: {mine[1]}\n"
                    f"      pandoc:  {theirs[1]}"
                )
    total = max(len(ours), len(pandoc_list))
    ours_bib = {e.id: norm(e.text) for e in result.bibliography}
    bib_agree = 0
    for key in sorted(set(ours_bib) | set(pandoc_bib)):
        if ours_bib.get(key) == pandoc_bib.get(key):
            bib_agree += 1
        elif shown < examples:
            shown += 1
            print(
                f"    entry {key}:\n      citekit: {ours_bib.get(key)}\n"
                f"      pandoc:  {pandoc_bib.get(key)}"
            )
    return agree, total, bib_agree, len(set(ours_bib) | set(pandoc_bib))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--engine",
        action="append",
        default=None,
        help="engine(s) to compare (default: the default engine and citekit)",
    )
    parser.add_argument("--examples", type=int, default=4, help="disagreements to show per style")
    args = parser.parse_args()
    if shutil.which("pandoc") is None:
        print("pandoc is not installed; nothing to compare against (skipped)")
        return 0
    version = subprocess.run(
        ["pandoc", "--version"], capture_output=True, text=True, check=True
    ).stdout.split("\n")[0]
    engines = args.engine or list(
        dict.fromkeys([DEFAULT_ENGINE, *(e for e in ("citekit",) if e in available_engines())])
    )
    print(f"document: {DOCUMENT.relative_to(DATA.parent.parent)}; peer: {version}")
    totals = [0, 0, 0, 0]
    for engine in engines:
        for style in STYLES:
            print(f"  {style} (engine {engine}):")
            agree, total, bib_agree, bib_total = compare(style, engine, args.examples)
            print(
                f"    citations agree: {agree}/{total}; "
                f"bibliography entries agree: {bib_agree}/{bib_total}"
            )
            for i, value in enumerate((agree, total, bib_agree, bib_total)):
                totals[i] += value
    print(
        f"overall: citations {totals[0]}/{totals[1]} "
        f"({100 * totals[0] / max(totals[1], 1):.0f}%), bibliography entries "
        f"{totals[2]}/{totals[3]} ({100 * totals[2] / max(totals[3], 1):.0f}%)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

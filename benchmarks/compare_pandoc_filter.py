"""``pandoc --citeproc`` against ``pandoc --filter citekit-pandoc``, with pandoc 2.17 and 3.x.

Builds small Markdown documents (author-date, numeric and note styles;
prefixes, suffixes, locators, suppress-author, author-in-text, nocite, one
and several bibliographies) from the repository's references.bib and, when
the shared corpus is there, biblatex-examples.bib; runs each through both
pipelines with each pandoc binary found (``/usr/bin/pandoc`` for 2.17, the
``pypandoc-binary`` wheel for 3.x) to pandoc's JSON AST, and compares every
``Cite`` element's text (a footnote's text for note styles) and every
bibliography entry (``Div`` ``ref-KEY``) as plain text.  Prints the share
that agree per version, every disagreement, and a last line::

    pandoc-filter: citations X% bibliography Y% agree (pandoc 2.17 and 3.x)

Run: ``.venv/bin/python benchmarks/compare_pandoc_filter.py [-q]``
(``-q`` leaves out the list of disagreements).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citekit.documents.pandoc_ast import stringify, walk
from citekit.styles.catalog import find_style_info

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
EXAMPLES_BIB = SHARED / "corpus" / "biblatex-examples.bib"

STYLES = {
    "author-date": ["chicago-author-date", "apa", "harvard-cite-them-right"],
    "numeric": ["ieee", "american-medical-association"],
    "note": ["chicago-notes-bibliography", "modern-language-association-notes"],
}
OWN_KEYS = [
    "raimondo2000enemy",
    "raimondo2017trump",
    "raimondo1993reclaiming",
    "raimondo2008reclaiming",
]
EXAMPLE_KEYS = [
    "aristotle:poetics",
    "augustine",
    "cicero",
    "herrmann",
    "doody",
    "glashow",
    "kastenholz",
    "sigfridsson",
    "knuth:ct:a",
    "nussbaum",
]

TEMPLATES: dict[str, str] = {
    "plain": "One claim [@{a}]. Another [@{b}].\n",
    "affixes": "As argued [see @{a}, p. 33; also @{b}, chap. 2, for more].\n",
    "locators": "First [@{a}, pp. 12-15]. Then [@{b}, sec. 4]. Last [@{c}, 7 and passim].\n",
    "suppress": "Raimondo says so [-@{a}, p. 3]. Again [@{b}; @{c}].\n",
    "in-text": "@{a} argues this. @{b} [p. 9] disagrees.\n",
    "nocite": "Only one [@{a}].\n",
}


@dataclass
class Tally:
    cites: int = 0
    cites_agree: int = 0
    entries: int = 0
    entries_agree: int = 0
    disagreements: list[str] = field(default_factory=list)


def pandoc_binaries() -> dict[str, str]:
    """``"2.17"``/``"3.x"`` -> the binary, for the versions that can be had here."""
    found: dict[str, str] = {}
    candidates = [shutil.which("pandoc") or "/usr/bin/pandoc"]
    try:
        import pypandoc  # type: ignore[import-untyped]

        candidates.append(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        pass
    for binary in candidates:
        try:
            version = subprocess.run(
                [binary, "--version"], capture_output=True, text=True, check=True
            ).stdout.split()[1]
        except (OSError, subprocess.SubprocessError, IndexError):
            continue
        found.setdefault("2.17" if version.startswith("2.") else "3.x", binary)
    return found


def documents(folder: Path) -> Iterator[tuple[str, str]]:
    """(name, Markdown) for every document of the benchmark."""
    shutil.copy(ROOT / "references.bib", folder / "references.bib")
    sources = [("own", ["references.bib"], OWN_KEYS)]
    if EXAMPLES_BIB.is_file():
        shutil.copy(EXAMPLES_BIB, folder / "examples.bib")
        sources.append(("examples", ["examples.bib"], EXAMPLE_KEYS))
        sources.append(
            (
                "both",
                ["references.bib", "examples.bib"],
                [OWN_KEYS[0], EXAMPLE_KEYS[1], OWN_KEYS[2], EXAMPLE_KEYS[4]],
            )
        )
    for family, styles in STYLES.items():
        for style in styles:
            csl = find_style_info(style).path
            for source, bibs, keys in sources:
                for template, body in TEMPLATES.items():
                    if source == "both" and template not in ("plain", "nocite"):
                        continue
                    if source == "examples" and style not in (styles[0],):
                        continue
                    rotate = (len(style) + len(template)) % len(keys)
                    k = keys[rotate:] + keys[:rotate]
                    meta = [f"bibliography: [{', '.join(bibs)}]", f"csl: {csl}"]
                    if template == "nocite":
                        meta.append(f'nocite: "@{k[1]}, @{k[2]}"')
                    text = (
                        "---\n"
                        + "\n".join(meta)
                        + "\n---\n\n"
                        + body.format(a=k[0], b=k[1], c=k[2 % len(k)])
                    )
                    yield f"{family}/{style}/{source}/{template}", text


def ast(binary: str, folder: Path, name: str, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    }
    run = subprocess.run(
        [binary, name, "-t", "json", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        timeout=300,
    )
    if run.returncode:
        raise RuntimeError(f"{binary} {' '.join(args)} failed on {name}: {run.stderr[-500:]}")
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def _text(inlines: Any) -> str:
    out = []
    for item in inlines:
        if item.get("t") == "Note":
            out.append("[^" + stringify(item["c"]) + "]")
        else:
            out.append(stringify([item]))
    return " ".join("".join(out).split())


def citations(document: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def visit(node: dict[str, Any], _in_note: bool) -> bool:
        if node.get("t") == "Cite":
            found.append(_text(node["c"][1]))
            return False
        return True

    walk(document["blocks"], visit)
    return found


def bibliography(document: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}

    def visit(node: dict[str, Any], _in_note: bool) -> bool:
        if node.get("t") == "Div" and "csl-entry" in node["c"][0][1]:
            found[node["c"][0][0]] = " ".join(stringify(node["c"][1]).split())
            return False
        return True

    walk(document["blocks"], visit)
    return found


def compare(name: str, theirs: dict[str, Any], ours: dict[str, Any], tally: Tally) -> None:
    cites_a, cites_b = citations(theirs), citations(ours)
    for index in range(max(len(cites_a), len(cites_b))):
        a = cites_a[index] if index < len(cites_a) else "<none>"
        b = cites_b[index] if index < len(cites_b) else "<none>"
        tally.cites += 1
        if a == b:
            tally.cites_agree += 1
        else:
            tally.disagreements.append(
                f"{name} citation {index + 1}:\n    citeproc: {a}\n    citekit:  {b}"
            )
    bib_a, bib_b = bibliography(theirs), bibliography(ours)
    for key in dict.fromkeys([*bib_a, *bib_b]):
        a, b = bib_a.get(key, "<none>"), bib_b.get(key, "<none>")
        tally.entries += 1
        if a == b:
            tally.entries_agree += 1
        else:
            tally.disagreements.append(f"{name} entry {key}:\n    citeproc: {a}\n    citekit:  {b}")


def share(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 100.0


def main(argv: list[str]) -> int:
    quiet = "-q" in argv
    binaries = pandoc_binaries()
    if not binaries:
        print("no pandoc binary found: install pandoc or pypandoc-binary")
        return 2
    total = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docs = list(documents(folder))
        for index, (_, text) in enumerate(docs):
            (folder / f"doc{index}.md").write_text(text, encoding="utf-8")
        print(
            f"{len(docs)} documents; pandoc versions: "
            + ", ".join(f"{v} ({b})" for v, b in binaries.items())
        )
        for version, binary in binaries.items():
            tally = Tally()
            for index, (name, _) in enumerate(docs):
                source = f"doc{index}.md"
                theirs = ast(binary, folder, source, "--citeproc")
                ours = ast(binary, folder, source, "--filter", "citekit-pandoc")
                compare(f"[{version}] {name}", theirs, ours, tally)
            print(
                f"pandoc {version}: citations {tally.cites_agree}/{tally.cites} "
                f"({share(tally.cites_agree, tally.cites):.1f}%), bibliography entries "
                f"{tally.entries_agree}/{tally.entries} "
                f"({share(tally.entries_agree, tally.entries):.1f}%) agree"
            )
            if not quiet:
                for line in tally.disagreements:
                    print("  " + line)
            total.cites += tally.cites
            total.cites_agree += tally.cites_agree
            total.entries += tally.entries
            total.entries_agree += tally.entries_agree
    versions = " and ".join(binaries)
    print(
        f"pandoc-filter: citations {share(total.cites_agree, total.cites):.1f}% "
        f"bibliography {share(total.entries_agree, total.entries):.1f}% agree "
        f"(pandoc {versions})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

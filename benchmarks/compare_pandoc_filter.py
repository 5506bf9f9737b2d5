"""``pandoc --citeproc`` against ``pandoc --filter citekit-pandoc``, with pandoc 2.17 and 3.x.

Builds small Markdown documents (author-date, numeric and note styles;
prefixes, suffixes, locators, suppress-author, author-in-text, nocite, one
and two bibliography files, and several bibliographies in ``refs-NAME`` divs)
from the repository's references.bib and, when the shared corpus is there,
biblatex-examples.bib; runs each through both pipelines with each pandoc
binary found (``/usr/bin/pandoc`` for 2.17, the ``pypandoc-binary`` wheel for
3.x) to pandoc's JSON AST, and compares as plain text every ``Cite``
element's text (a footnote's text for note styles), every bibliography entry
(``Div`` ``ref-KEY``, wherever it stands) and every paragraph of running
text.  Prints the share that agree per version (and without the
``refs-NAME`` documents), every disagreement, and a last line::

    pandoc-filter: citations X% bibliography Y% agree (pandoc 2.17 and 3.x)

The target of issue 15 (98%) is the citations and entries figures with
pandoc 3.x; docs/pandoc-filter.md explains every disagreement.

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

# Several bibliographies (``refs-NAME`` divs).  ``pandoc --citeproc`` does not
# split a bibliography: it puts every entry in ``#refs``, so these documents
# compare the text of each citation and entry, wherever the entry stands; the
# split itself is tested in tests/documents/test_pandoc_filter.py.  Every file
# is also in ``bibliography`` so that pandoc knows every work.
SEVERAL: dict[str, tuple[str, str]] = {
    "refs-by-section": (
        "",
        "# Primary\n\nClaim [@{a}]. Another [see @{b}, p. 4].\n\n"
        "::: {{#refs-primary level=1}}\n:::\n\n"
        "# Secondary\n\nFurther [@{c}; @{d}]. @{a} agrees.\n\n"
        "::: {{#refs}}\n:::\n",
    ),
    "refs-by-file": (
        "bibliography-own: [references.bib]",
        "Claim [@{a}; @{b}]. Then [@{c}, chap. 3]. Last [-@{d}].\n\n"
        "# Own works\n\n::: {{#refs-own}}\n:::\n\n# Others\n\n::: {{#refs}}\n:::\n",
    ),
    "refs-by-type": (
        "",
        "Claim [@{a}]. Then [@{b}; @{c}, 12]. And [@{d}].\n\n"
        "# Books\n\n::: {{#refs-books type=book}}\n:::\n\n# Others\n\n::: {{#refs}}\n:::\n",
    ),
}


@dataclass
class Tally:
    cites: int = 0
    cites_agree: int = 0
    entries: int = 0
    entries_agree: int = 0
    paragraphs: int = 0
    paragraphs_agree: int = 0
    disagreements: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Count ``other``'s figures in too (its disagreements are not copied)."""
        self.cites += other.cites
        self.cites_agree += other.cites_agree
        self.entries += other.entries
        self.entries_agree += other.entries_agree
        self.paragraphs += other.paragraphs
        self.paragraphs_agree += other.paragraphs_agree

    def summary(self) -> str:
        return (
            f"citations {self.cites_agree}/{self.cites} "
            f"({share(self.cites_agree, self.cites):.1f}%), bibliography entries "
            f"{self.entries_agree}/{self.entries} "
            f"({share(self.entries_agree, self.entries):.1f}%), running text "
            f"{self.paragraphs_agree}/{self.paragraphs} "
            f"({share(self.paragraphs_agree, self.paragraphs):.1f}%) agree"
        )


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
            several_source, several_bibs, several_keys = sources[-1]
            for template, (extra_meta, body) in SEVERAL.items():
                k = several_keys
                meta = [f"bibliography: [{', '.join(several_bibs)}]", f"csl: {csl}"]
                meta += [extra_meta] if extra_meta else []
                text = (
                    "---\n"
                    + "\n".join(meta)
                    + "\n---\n\n"
                    + body.format(a=k[0], b=k[1 % len(k)], c=k[2 % len(k)], d=k[3 % len(k)])
                )
                yield f"{family}/{style}/{several_source}/{template}", text
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


def _flat(inlines: Any) -> str:
    """Plain text with footnotes kept in place as ``[^text]`` (``stringify`` drops them)."""
    out = []
    for item in inlines:
        if item.get("t") == "Note":
            out.append("[^" + stringify(item["c"]) + "]")
        elif item.get("t") == "Cite":
            out.append(_flat(item["c"][1]))
        else:
            out.append(stringify([item]))
    return "".join(out)


def _text(inlines: Any) -> str:
    return " ".join(_flat(inlines).split())


def paragraphs(document: dict[str, Any]) -> list[str]:
    """The running text: every paragraph outside the bibliography, citations and notes in it.

    This is where a difference around a citation shows (a space before a
    superscript, punctuation moved before a note mark), which the citation's
    own text does not hold.
    """
    found: list[str] = []

    def visit(node: dict[str, Any], _in_note: bool) -> bool:
        if node.get("t") == "Div" and "csl-entry" in node["c"][0][1]:
            return False
        if node.get("t") in ("Para", "Plain"):
            found.append(_text(node["c"]))
            return False
        return True

    walk(document["blocks"], visit)
    return found


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
    differing: list[str] = []
    for index in range(max(len(cites_a), len(cites_b))):
        a = cites_a[index] if index < len(cites_a) else "<none>"
        b = cites_b[index] if index < len(cites_b) else "<none>"
        tally.cites += 1
        if a == b:
            tally.cites_agree += 1
        else:
            differing.append(a)
            tally.disagreements.append(
                f"{name} citation {index + 1}:\n    citeproc: {a}\n    citekit:  {b}"
            )
    paras_a, paras_b = paragraphs(theirs), paragraphs(ours)
    for index in range(max(len(paras_a), len(paras_b))):
        a = paras_a[index] if index < len(paras_a) else "<none>"
        b = paras_b[index] if index < len(paras_b) else "<none>"
        tally.paragraphs += 1
        if a == b:
            tally.paragraphs_agree += 1
        elif not any(cite in a for cite in differing):  # else listed as a citation
            tally.disagreements.append(
                f"{name} paragraph {index + 1}:\n    citeproc: {a}\n    citekit:  {b}"
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
    several = tuple(f"/{template}" for template in SEVERAL)
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
            tally, single = Tally(), Tally()
            for index, (name, _) in enumerate(docs):
                source = f"doc{index}.md"
                theirs = ast(binary, folder, source, "--citeproc")
                ours = ast(binary, folder, source, "--filter", "citekit-pandoc")
                one = Tally()
                compare(f"[{version}] {name}", theirs, ours, one)
                tally.add(one)
                tally.disagreements += one.disagreements
                if not name.endswith(several):
                    single.add(one)
            print(f"pandoc {version}: {tally.summary()}")
            print(f"  without the refs-NAME documents: {single.summary()}")
            if not quiet:
                for line in tally.disagreements:
                    print("  " + line)
            total.add(tally)
    versions = " and ".join(binaries)
    print(
        f"pandoc-filter: citations {share(total.cites_agree, total.cites):.1f}% "
        f"bibliography {share(total.entries_agree, total.entries):.1f}% agree "
        f"(pandoc {versions})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

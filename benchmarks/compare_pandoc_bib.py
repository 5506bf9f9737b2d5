"""From a .bib file to the printed page: citekit against ``pandoc --citeproc``.

For each .bib of ``../shared/corpus/`` and ``references.bib``, in six styles,
every entry is rendered three ways and matched by key:

* **end to end**: ``citekit`` (its BibTeX import, its engine) against
  ``pandoc --citeproc`` (pandoc's import, pandoc's engine), ``nocite: @*``,
  the same ``.csl`` file, en-US;
* **import**: citekit's import against pandoc's import
  (``pandoc -f biblatex -t csljson``), *both* rendered by citekit's engine.
  The engine is the same on both sides, so every difference is one of import;
* **triage**: each import difference is put down to the kind of field that
  makes it: the entry is rendered again with one kind of citekit's values
  replaced by pandoc's, and the first kind whose swap makes it agree is the
  kind of the difference (``mixed`` when no single kind does).

Some differences are pandoc's faults, documented in ``docs/bibtex-import.md``
with the reason and the evidence; each is recognised from the data
(:func:`pandoc_fault`) and set aside for the "faults set aside" figure.

Entries are compared as plain text (tags stripped, entities unescaped,
whitespace collapsed, NFC); in numeric styles the citation number is left
out, since the two programs number ``nocite: @*`` in different orders.

Usage: python benchmarks/compare_pandoc_bib.py [--shared PATH] [--style S ...]
       [--file NAME ...] [--sample N] [--seed S] [--examples N]

Needs pandoc on the PATH (``apt-get install pandoc``); skips what it cannot run.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import citekit
from citekit.formats.sentencecase import is_title_case
from citekit.model.records import Library
from citekit.styles.catalog import find_style

ROOT = Path(__file__).resolve().parent.parent
STYLES = (
    "apa",
    "chicago-author-date",
    "modern-language-association",
    "ieee",
    "harvard-cite-them-right",
    "nature",
)
NUMERIC = {"ieee", "nature"}
LOCALE = "en-US"

# The kinds a field belongs to, in the order the triage tries them.
KINDS: dict[str, tuple[str, ...]] = {
    "title case": (),  # the title variables, compared without case
    "titles": (
        "title",
        "title-short",
        "container-title",
        "container-title-short",
        "collection-title",
        "volume-title",
        "event-title",
        "event",
        "original-title",
        "part-title",
        "reviewed-title",
    ),
    "names": (
        "author",
        "editor",
        "translator",
        "container-author",
        "collection-editor",
        "editorial-director",
        "director",
        "illustrator",
        "interviewer",
        "recipient",
        "reviewed-author",
        "composer",
        "original-author",
        "chair",
        "compiler",
        "contributor",
        "curator",
        "executive-producer",
        "guest",
        "host",
        "narrator",
        "organizer",
        "performer",
        "producer",
        "script-writer",
        "series-creator",
    ),
    "dates": ("issued", "original-date", "event-date", "accessed", "available-date", "submitted"),
    "entry type": ("type", "genre"),
    "urls and identifiers": (
        "URL",
        "DOI",
        "ISBN",
        "ISSN",
        "PMID",
        "PMCID",
        "medium",
        "archive",
        "archive_location",
    ),
    "publisher and place": (
        "publisher",
        "publisher-place",
        "event-place",
        "original-publisher",
        "original-publisher-place",
    ),
    "numbers": (
        "volume",
        "issue",
        "page",
        "number",
        "edition",
        "number-of-volumes",
        "number-of-pages",
        "chapter-number",
        "collection-number",
        "version",
    ),
    "notes": ("note", "annote", "abstract", "status", "language", "references"),
}
TITLE_VARIABLES = KINDS["titles"]


# ---------------------------------------------------------------------------
# Normalising
# ---------------------------------------------------------------------------

_TAG = re.compile(r"<[^<>]*>")
_NUMBER = re.compile(r"^\s*\[?\d+\]?\.?\s*")


def plain(text: str, *, numeric: bool = False) -> str:
    """What a reader sees of an entry, for comparing two programs' output."""
    text = html.unescape(_TAG.sub(" ", text))
    text = " ".join(unicodedata.normalize("NFC", text).split())
    text = re.sub(r"\s+([.,;:)\]])", r"\1", text).replace("( ", "(").replace("[ ", "[")
    if numeric:
        text = _NUMBER.sub("", text, count=1)
    return text


# ---------------------------------------------------------------------------
# pandoc
# ---------------------------------------------------------------------------


def pandoc_csljson(bib: Path) -> list[dict[str, Any]]:
    out = subprocess.run(
        ["pandoc", "-f", "biblatex", "-t", "csljson", str(bib)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    items: list[dict[str, Any]] = json.loads(out)
    return items


def pandoc_bibliography(bib: Path, csl: Path) -> dict[str, str]:
    """pandoc's own rendering of every entry of ``bib``, by key."""
    with tempfile.TemporaryDirectory() as folder:
        doc = Path(folder, "doc.md")
        doc.write_text(f"---\nnocite: '@*'\nlang: {LOCALE}\n---\n", encoding="utf-8")
        out = subprocess.run(
            [
                "pandoc",
                str(doc),
                "--citeproc",
                "--bibliography",
                str(bib),
                "--csl",
                str(csl),
                "-t",
                "html",
                "--wrap=none",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    entries: dict[str, str] = {}
    for block in re.split(r'(?=<div id="ref-)', out):
        match = re.match(r'<div id="ref-([^"]+)"[^>]*>', block)
        if match:
            entries[html.unescape(match.group(1))] = block[match.end() :]
    return entries


# ---------------------------------------------------------------------------
# citekit
# ---------------------------------------------------------------------------


def citekit_bibliography(library: Library, style: str) -> dict[str, str]:
    result = citekit.render(library, style, locale=LOCALE, output="html")
    return {entry.id: entry.text for entry in result.bibliography}


def render_one(item: dict[str, Any], style: str) -> str:
    result = citekit.render(Library.from_json([item]), style, locale=LOCALE, output="html")
    return result.bibliography[0].text if result.bibliography else ""


# ---------------------------------------------------------------------------
# Triage
# ---------------------------------------------------------------------------


_NOCASE_SPAN = re.compile(r'<span class="nocase">|</span>')
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _folded(value: Any) -> str:
    """A title as compared for case-only differences: no markup, straight quotes."""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    # A case-protection span is no text: "t-<span class="nocase">SNE</span>" is "t-SNE".
    return plain(_NOCASE_SPAN.sub("", value)).translate(_QUOTES).casefold()


def _only_case_differs(mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    return [
        v
        for v in TITLE_VARIABLES
        if v in mine
        and v in theirs
        and mine[v] != theirs[v]
        and _folded(mine[v]) == _folded(theirs[v])
    ]


def _swap(mine: dict[str, Any], theirs: dict[str, Any], variables: Iterable[str]) -> dict[str, Any]:
    swapped = dict(mine)
    for variable in variables:
        if variable in theirs:
            swapped[variable] = theirs[variable]
        else:
            swapped.pop(variable, None)
    return swapped


def triage(mine: dict[str, Any], theirs: dict[str, Any], style: str, numeric: bool) -> str:
    """The kind of field whose import makes this entry differ."""
    target = plain(render_one(theirs, style), numeric=numeric)
    if plain(render_one(mine, style), numeric=numeric) == target:
        return "context (disambiguation or sorting)"
    for kind, variables in KINDS.items():
        if kind == "title case":
            variables = tuple(_only_case_differs(mine, theirs))
            if not variables:
                continue
        changed = [v for v in variables if mine.get(v) != theirs.get(v)]
        if (
            changed
            and plain(render_one(_swap(mine, theirs, changed), style), numeric=numeric) == target
        ):
            return kind
    others = [
        v
        for v in set(mine) | set(theirs)
        if v not in ("id", "custom") and mine.get(v) != theirs.get(v)
    ]
    if others and plain(render_one(_swap(mine, theirs, others), style), numeric=numeric) == target:
        return "other fields: " + ", ".join(sorted(others)[:3])
    return "mixed"


_WORD = re.compile(r"\w+")
_URL_START = ("http://", "https://", "www.")


def _words_of(value: Any) -> list[str]:
    return _WORD.findall(plain(str(value)).casefold())


def _subsequence(short: list[str], long: list[str]) -> bool:
    rest = iter(long)
    return all(word in rest for word in short)


_MINOR = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "nor",
        "for",
        "so",
        "yet",
        "as",
        "at",
        "by",
        "in",
        "of",
        "off",
        "on",
        "per",
        "to",
        "up",
        "via",
        "vs",
        "with",
        "from",
        "into",
        "onto",
        "over",
        "upon",
    }
)
_PROTECTED = re.compile(r'<span class="nocase">.*?</span>')


def _typed_lower_word(value: str) -> bool:
    """Whether the title, outside its case-protected parts, has a lower-case word
    that title case would capitalise: the evidence that it was typed in sentence
    case (or as published), not in title case with every capital braced."""
    # A protected part stands for a capital ("{MO}bility" is a capitalised word).
    words = _WORD.findall(plain(_PROTECTED.sub("X", value)))
    return any(w.isalpha() and w.islower() and w not in _MINOR for w in words[1:])


def _case_fault(value: str, theirs: str) -> str | None:
    """Which documented fault explains a title that differs from pandoc's only in case."""
    if "nocase" in value and _NOCASE_SPAN.sub("", value) == theirs:
        return "pandoc's CSL-JSON loses the case protection of braces"
    if not is_title_case(value) and _typed_lower_word(value):
        return "pandoc lowercases a title already in sentence case"
    mine_words, their_words = value.split(), theirs.split()
    if len(mine_words) == len(their_words):
        changed = [
            i for i, (a, b) in enumerate(zip(mine_words, their_words, strict=True)) if a != b
        ]
        if changed and all(i > 0 and mine_words[i - 1].endswith((".", "?", "!")) for i in changed):
            return "pandoc lowercases the first word of a sentence inside a title"
    return None


def fault_candidates(
    mine: dict[str, Any], theirs: dict[str, Any]
) -> list[tuple[str, tuple[str, ...]]]:
    """Documented pandoc faults (docs/bibtex-import.md) these two records show, with
    the variables each one affects."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for variable in TITLE_VARIABLES:
        a, b = mine.get(variable), theirs.get(variable)
        if not (isinstance(a, str) and isinstance(b, str)) or a == b:
            continue
        if _folded(a) == _folded(b):
            fault = _case_fault(a, b)
            if fault:
                found.append((fault, (variable,)))
            continue
        mine_words, their_words = _words_of(a), _words_of(b)
        if len(their_words) < len(mine_words) and _subsequence(their_words, mine_words):
            found.append(("pandoc drops the text of a TeX command it does not know", (variable,)))
        elif "\\" in b and "\\" not in a:
            found.append(("pandoc leaves TeX it cannot decode in the text", (variable,)))
    for variable in ("genre", "note", "publisher"):
        a, b = mine.get(variable), theirs.get(variable)
        if isinstance(b, str) and "\\" in b and (not isinstance(a, str) or "\\" not in a):
            found.append(("pandoc leaves TeX it cannot decode in the text", (variable,)))
    for variable in KINDS["names"]:
        names = theirs.get(variable)
        if (
            isinstance(names, list)
            and names != mine.get(variable)
            and any(
                isinstance(name, dict) and str(name.get("dropping-particle", ""))[:1].isupper()
                for name in names
            )
        ):
            found.append(
                (
                    "pandoc reads a given name that opens with a braced accent "
                    "({\\'E}ric) as a particle",
                    (variable,),
                )
            )
    publisher, theirs_publisher = mine.get("publisher"), theirs.get("publisher")
    if isinstance(theirs_publisher, str) and theirs_publisher.startswith(_URL_START):
        found.append(("pandoc reads a URL in howpublished as the publisher", ("publisher", "URL")))
    if (
        isinstance(publisher, str)
        and isinstance(theirs_publisher, str)
        and "; " in theirs_publisher
        and theirs_publisher.replace("; ", " and ") == publisher
    ):
        found.append(("pandoc splits a publisher's name at 'and'", ("publisher",)))
    if theirs.get("type") == "" and mine.get("type") == "document":
        found.append(("pandoc gives @misc an empty CSL type", ("type",)))
    genre, theirs_genre = mine.get("genre"), theirs.get("genre")
    if (
        isinstance(genre, str)
        and isinstance(theirs_genre, str)
        and theirs_genre[:1].islower()
        and genre == theirs_genre[:1].upper() + theirs_genre[1:]
    ):
        found.append(("pandoc writes a genre from a biblatex type key in lower case", ("genre",)))
    page, theirs_page = mine.get("page"), theirs.get("page")
    if (
        isinstance(page, str)
        and isinstance(theirs_page, str)
        and "\\-" in page
        and page.replace("\\-", "-") == theirs_page
    ):
        found.append(("pandoc formats a pages value that is not a page range as one", ("page",)))
    custom = (
        mine.get("custom", {}).get("biblatex", {}) if isinstance(mine.get("custom"), dict) else {}
    )
    for variable in (*KINDS["names"], *TITLE_VARIABLES):
        a, b = mine.get(variable), theirs.get(variable)
        if a is not None and b is not None and a != b:
            theirs_text = json.dumps(b, ensure_ascii=False, sort_keys=True)
            fixed = unicodedata.normalize("NFC", theirs_text.replace("\u0131\u0301", "í"))
            if "\u0131\u0301" in theirs_text and fixed == json.dumps(
                a, ensure_ascii=False, sort_keys=True
            ):
                found.append(("pandoc writes \\'{\\i} as a dotless ı under an accent", (variable,)))
    for variable in KINDS["names"]:
        if (
            variable in mine
            and variable not in theirs
            and custom.get("@" + variable) in ("editora", "editorb", "editorc")
        ):
            found.append(
                ("pandoc leaves out an editora/b/c whose editoratype it does not map", (variable,))
            )
    if "genre" in mine and "genre" not in theirs and custom.get("@implied"):
        found.append(("pandoc leaves out the report type biblatex implies", ("genre",)))
    if (
        str(mine.get("type", "")).startswith("article-")
        and "number" in mine
        and "number" not in theirs
    ):
        # citekit's reader gives an article a CSL number from its eid alone
        # (biblatex's article number, which biblatex prints); pandoc 2.17
        # drops the field (kastenholz in biblatex-examples).
        found.append(("pandoc leaves out an article's eid (its article number)", ("number",)))
    return found


def pandoc_fault(
    mine: dict[str, Any], theirs: dict[str, Any], style: str, numeric: bool
) -> str | None:
    """The documented pandoc faults that explain the whole difference, if they do.

    A fault is set aside only when giving citekit's record pandoc's values
    for the variables the faults affect makes the two renderings equal:
    what is left over is counted as a difference.
    """
    found = fault_candidates(mine, theirs)
    if not found:
        return None
    variables = {v for _, affected in found for v in affected}
    target = plain(render_one(theirs, style), numeric=numeric)
    if plain(render_one(_swap(mine, theirs, variables), style), numeric=numeric) != target:
        return None
    return "; ".join(sorted({fault for fault, _ in found}))


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


@dataclass
class Figures:
    file: str
    style: str
    compared: int = 0
    end_to_end: int = 0
    imported: int = 0
    faults: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    fault_kinds: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[tuple[str, str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def share(self, count: int) -> float:
        return 100.0 * count / self.compared if self.compared else 100.0


def compare(
    bib: Path, style: str, sample: set[str] | None, examples: int, cache: dict[str, Any]
) -> Figures:
    numeric = style in NUMERIC
    if "citekit" not in cache:
        cache["citekit"] = citekit.read(bib).library
        cache["pandoc"] = pandoc_csljson(bib)
    library: Library = cache["citekit"]
    pandoc_items: list[dict[str, Any]] = cache["pandoc"]
    theirs_by_id = {str(item["id"]): item for item in pandoc_items}
    mine_by_id = {record.id: record.to_json() for record in library}
    csl = find_style(style).path
    e2e_pandoc = pandoc_bibliography(bib, csl)
    e2e_citekit = citekit_bibliography(library, style)
    engine_on_pandoc = citekit_bibliography(Library.from_json(pandoc_items), style)
    figures = Figures(bib.name, style)
    keys = [
        k
        for k in e2e_citekit
        if k in e2e_pandoc and k in engine_on_pandoc and (sample is None or k in sample)
    ]
    for key in keys:
        figures.compared += 1
        mine_text = plain(e2e_citekit[key], numeric=numeric)
        if mine_text == plain(e2e_pandoc[key], numeric=numeric):
            figures.end_to_end += 1
        if mine_text == plain(engine_on_pandoc[key], numeric=numeric):
            figures.imported += 1
            continue
        mine, theirs = mine_by_id[key], theirs_by_id[key]
        fault = pandoc_fault(mine, theirs, style, numeric)
        if fault:
            figures.faults += 1
            figures.fault_kinds[fault] += 1
            continue
        kind = triage(mine, theirs, style, numeric)
        figures.kinds[kind] += 1
        if len(figures.examples[kind]) < examples:
            figures.examples[kind].append(
                (key, plain(engine_on_pandoc[key], numeric=numeric), mine_text)
            )
    return figures


def bib_files(shared: Path, names: list[str] | None) -> list[Path]:
    files = [ROOT / "references.bib", *sorted((shared / "corpus").glob("*.bib"))]
    if names:
        files = [f for f in files if f.stem in names or f.name in names]
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--style", action="append", help="a style (repeatable)")
    parser.add_argument("--file", action="append", help="a .bib file's name (repeatable)")
    parser.add_argument("--sample", type=int, help="compare N random entries of each file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--examples", type=int, default=2)
    args = parser.parse_args(argv)
    if shutil.which("pandoc") is None:
        print("pandoc-bib: pandoc is not installed (apt-get install pandoc); nothing compared")
        return 0
    styles = args.style or list(STYLES)
    rows: list[Figures] = []
    for bib in bib_files(args.shared, args.file):
        cache: dict[str, Any] = {}
        sample: set[str] | None = None
        for style in styles:
            if args.sample and sample is None:
                keys = sorted(r.id for r in citekit.read(bib).library)
                sample = set(random.Random(args.seed).sample(keys, min(args.sample, len(keys))))
            figures = compare(bib, style, sample, args.examples, cache)
            rows.append(figures)
            print(
                f"{bib.name:24} {style:30} {figures.compared:5} entries  "
                f"end to end {figures.share(figures.end_to_end):5.1f}%  "
                f"import {figures.share(figures.imported):5.1f}%  "
                f"faults set aside "
                f"{figures.share(figures.imported + figures.faults):5.1f}%",
                flush=True,
            )
            for kind, count in figures.kinds.most_common():
                print(f"    {count:5}  {kind}")
                for key, expected, got in figures.examples.get(kind, []):
                    print(
                        f"           {key}\n             pandoc import: {expected}"
                        f"\n             citekit:       {got}"
                    )
            for fault, count in figures.fault_kinds.most_common():
                print(f"    {count:5}  set aside: {fault}")
    if not rows:
        print("pandoc-bib: nothing compared")
        return 0
    import_min = min(r.share(r.imported + r.faults) for r in rows)
    e2e_min = min(r.share(r.end_to_end) for r in rows)
    totals: Counter[str] = Counter()
    for r in rows:
        totals.update(r.kinds)
    if totals:
        print("kinds left: " + "; ".join(f"{k} {n}" for k, n in totals.most_common()))
    print(
        f"pandoc-bib: min import agreement {import_min:.1f}% (pandoc's documented faults "
        f"set aside), end to end {e2e_min:.1f}%"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Seed inputs for every fuzz target, and the byte mutator that varies them.

Seeds come from the repository (``references.bib``) and, when present, the
shared corpora and the CSL test suite (``../shared``); without them every
target still has a handful of built-in seeds, so the short run works on a
fresh checkout.  The mutator works on bytes and favours the characters that
have broken citekit before: separators Python treats as line breaks
(U+2028, U+0085, FF, U+001C), spaces it treats as whitespace (NBSP, U+3000),
invalid UTF-8, JSON-escaped lone surrogates, and deep nesting.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from citekit.errors import CitekitError
from citekit.formats import read_string, write_string

ROOT = Path(__file__).resolve().parents[2]
MAX_INPUT = 10_000
"""Inputs are capped at this many bytes: the 1 s budget is for inputs under 10 KB."""


def shared_path() -> Path | None:
    """``../shared`` (or ``$CITEKIT_SHARED``) when it exists."""
    candidate = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
    return candidate if candidate.is_dir() else None


# ---------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------


def _bib_chunks(text: str, limit: int = 1_500) -> list[str]:
    """A .bib file cut at entry starts into pieces of a few entries each."""
    starts = [m.start() for m in re.finditer(r"(?m)^@", text)] or [0]
    chunks: list[str] = []
    current = text[: starts[0]]
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        entry = text[start:end]
        if current and len(current) + len(entry) > limit:
            chunks.append(current)
            current = ""
        current += entry
    if current:
        chunks.append(current)
    return [c for c in chunks if len(c.encode()) <= MAX_INPUT]


@cache
def bibtex_seeds() -> tuple[str, ...]:
    """``references.bib`` and the shared corpora, in pieces of a few entries."""
    seeds = _bib_chunks((ROOT / "references.bib").read_text(encoding="utf-8"))
    shared = shared_path()
    if shared is not None:
        for path in sorted((shared / "corpus").glob("*.bib")):
            seeds += _bib_chunks(path.read_text(encoding="utf-8", errors="replace"))
    seeds += [
        "@string{s0 = {x}}\n@string{s1 = s0 # s0}\n@misc{k, title = s1 # { and } # s1}\n",
        '@article{a, author = {M{\\"u}ller, Hans and {\\relax Ch}ristie, A.}, year = 2001,'
        " crossref = {b}}\n@book{b, title = {B}, date = {2000/2003-04}}\n",
        '@comment{x}\n@preamble{"\\newcommand{\\x}{y}"}\n@misc{c, xdata = {d}}\n'
        "@xdata{d, note = {N}}\n",
    ]
    return tuple(seeds)


def _suite_sections(name: str) -> list[str]:
    """Every ``>>== NAME ==>>`` section of the CSL test suite's fixtures."""
    shared = shared_path()
    if shared is None:
        return []
    pattern = re.compile(rf">>=+ {name} =+>>\n(.*?)\n<<=+ {name} =+<<", re.S)
    found: list[str] = []
    for path in sorted((shared / "csl-test-suite" / "processor-tests" / "humans").glob("*.txt")):
        match = pattern.search(path.read_text(encoding="utf-8", errors="replace"))
        if match and len(match.group(1).encode()) <= MAX_INPUT:
            found.append(match.group(1))
    return found


@cache
def reference_items() -> tuple[dict[str, object], ...]:
    """``references.bib`` as CSL-JSON items (the records documents cite)."""
    library = read_string((ROOT / "references.bib").read_text(encoding="utf-8"), "biblatex").library
    return tuple(record.to_json() for record in library)


def _converted(fmt: str, every: int) -> list[str]:
    """Every ``every``-th BibTeX seed written in another format."""
    out: list[str] = []
    for text in bibtex_seeds()[::every]:
        try:
            library = read_string(text, "biblatex").library
            out.append(write_string(library, fmt))
        except (CitekitError, ValueError):  # a seed a writer refuses is simply not a seed
            continue
    return [o for o in out if len(o.encode()) <= MAX_INPUT]


@cache
def csljson_seeds() -> tuple[str, ...]:
    seeds = [json.dumps(list(reference_items()), ensure_ascii=False, indent=1)[:MAX_INPUT]]
    seeds += _suite_sections("INPUT") + _converted("csljson", 15)
    seeds += [
        '[{"id": "a", "type": "book", "issued": {"date-parts": [[2001, 2]]},'
        ' "custom": {"biblatex": {"@type": "x"}}, "title": "\\ud800"}]',
        '{"id": 1e400, "type": "book", "author": [{"literal": "X"}]}',
    ]
    return tuple(seeds)


@cache
def cslyaml_seeds() -> tuple[str, ...]:
    seeds = _converted("cslyaml", 15)
    seeds += [
        "references:\n- id: a\n  type: book\n  title: A\n  issued: 2001\n",
        "---\nreferences:\n- id: b\n  author:\n  - family: Doe\n    given: J.\n...\n",
        "- id: c\n  title: !!timestamp 2001-01-01\n  note: &x [1]\n  abstract: *x\n",
    ]
    return tuple(seeds)


@cache
def ris_seeds() -> tuple[str, ...]:
    seeds = _converted("ris", 15)
    seeds += [
        "TY  - JOUR\nAU  - Doe, J.\nAU  - Roe, R.\nPY  - 2001///\nSP  - 3\nEP  - 9\n"
        "T2  - Journal\nER  - \n",
        "TY  - XYZ\nID  - k\nDA  - 2001/02/03/x\nN1  - a\n  b\nER  - \n",
    ]
    return tuple(seeds)


def cite_keys() -> list[str]:
    return [str(item["id"]) for item in reference_items()]


@cache
def citation_seeds() -> tuple[str, ...]:
    keys = cite_keys()
    seeds = [
        "[@{0}, p. 33]",
        "[see @{0}, pp. 33-35 and passim; also -@{1}, chap. 1]",
        "@{0} [p. 4]",
        "[@{0}; @{1}, sec. 2; @{2}]",
        "[*Cf.* @{0}, {{1-3}}]",
        "[@{{{0}}}, para. 4, n. 2]",
        "[-@{0}]",
        "[@{0} suffix]",
        "[prefix [nested] @{1}]",
    ]
    return tuple(
        s.format(keys[i % len(keys)], keys[(i + 1) % len(keys)], keys[(i + 2) % len(keys)])
        for i, s in enumerate(seeds)
    )


@cache
def document_seeds() -> tuple[str, ...]:
    keys = cite_keys()
    cites = citation_seeds()
    essay = ""
    shared = shared_path()
    if shared is not None:
        essay = (shared / "seed" / "essay.txt").read_text(encoding="utf-8")[:3_000]
    seeds = [
        "---\ntitle: T\nlang: en-GB\n---\n\nAs "
        + cites[0]
        + " says, and @"
        + keys[1]
        + " "
        + cites[6]
        + ".\n\n# References\n",
        "Text^[A note " + cites[1] + ".]\n\n| a | b |\n|---|---|\n| " + cites[3] + " | x |\n",
        "```\n[@"
        + keys[0]
        + "]\n```\n\n`@"
        + keys[1]
        + "` and <@"
        + keys[2]
        + "> "
        + cites[4]
        + "\n\n::: {#refs}\n:::\n",
        "---\nnocite: |\n  @"
        + keys[3]
        + ", @*\nreferences:\n- id: z\n  title: Z\n---\n"
        + cites[7]
        + "\n",
        "---\ncsl: chicago-note-bibliography\nlink-citations: true\n---\n" + cites[2] + "\n",
    ]
    if essay:
        paragraphs = essay.split("\n\n")
        seeds.append(
            "\n\n".join(p + f" [@{keys[i % len(keys)]}]" for i, p in enumerate(paragraphs))
        )
    return tuple(seeds)


@cache
def course_seeds() -> tuple[str, ...]:
    keys = cite_keys()
    return (
        'title = "Course"\ncode = "C 101"\nterm = "Fall"\ninstructor = "Dr X"\n'
        'libraries = ["references.bib"]\n\n[[sections]]\nid = "w1"\ntitle = "Week 1"\n'
        f'readings = [{{key = "{keys[0]}", pages = "1-10", annotation = "Read *this*"}}, '
        f'"{keys[1]}"]\n\n[[sections]]\nid = "w2"\ntitle = "Week 2"\n'
        f'readings = [{{key = "{keys[2]}", status = "optional", locator = "ch. 2"}}]\n',
        f'[course]\ntitle = "C"\n\nlibraries = ["r.bib"]\nnumbering = "continuous"\n'
        f'style = "apa"\nlocale = "de-DE"\n\n[[sections]]\nid = "a"\ntitle = "A"\n\n'
        f'[[sections.readings]]\nkey = "{keys[3]}"\npages = 12\nrequired = false\n'
        f'annotation = """<a href=\'https://x\'>see</a>"""\n',
    )


@cache
def server_seeds() -> tuple[str, ...]:
    keys = cite_keys()
    items = json.dumps(list(reference_items())[:3])
    lines = [
        '{"id": 1, "method": "open", "params": {"items": ' + items + ', "style": "apa"}}',
        f'{{"id": 2, "method": "add_cluster", "params": {{"cluster": "[@{keys[0]}, p. 3]"}}}}',
        '{"id": 3, "method": "insert_cluster", "params": {"index": 0, "cluster": '
        f'{{"items": [{{"id": "{keys[1]}", "locator": "4", "label": "page"}}], '
        '"note-number": 2}}}',
        '{"id": 4, "method": "update_cluster", "params": {"id": 0, "cluster": "@x"}}',
        '{"id": 5, "method": "move_cluster", "params": {"id": 1, "to": 0}}',
        '{"id": 6, "method": "bibliography", "params": {"format": "html"}}',
        '{"id": 7, "method": "complete", "params": {"prefix": "rai", "limit": 3}}',
        '{"id": 8, "method": "styles", "params": {"query": "chicago", "limit": 2}}',
        '{"id": 9, "method": "clusters"}',
        '{"id": 10, "method": "remove_cluster", "params": {"id": 0}}',
        '{"id": "x", "method": "open", "params": {"library": "refs.bib", "format": "html"}}',
    ]
    return tuple("\n".join(lines[i : i + 4]) for i in range(0, len(lines), 2)) + tuple(lines)


SEEDS: dict[str, Callable[[], tuple[str, ...]]] = {
    "bibtex": bibtex_seeds,
    "csljson": csljson_seeds,
    "cslyaml": cslyaml_seeds,
    "ris": ris_seeds,
    "citation": citation_seeds,
    "document": document_seeds,
    "course": course_seeds,
    "server": server_seeds,
}


@cache
def seeds_for(kind: str) -> tuple[bytes, ...]:
    """The seeds of one kind of input, as bytes."""
    return tuple(s.encode("utf-8") for s in SEEDS[kind]())


# ---------------------------------------------------------------------------
# Mutation
# ---------------------------------------------------------------------------

SPECIAL = [
    "\u00a0",
    "\u3000",
    "\u2028",
    "\u2029",
    "\u0085",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x1f",
    "\x00",
    "\x01",
    "\t",
    "\r",
    "\r\n",
    "\n",
    "\ufeff",
    "\u200b",
    "\u00b2",
    "\u0663",
    "\U0001f600",
    "e\u0301",
    "\ufb01",
    "\u0130",
    "\\ud800",
    "\\udfff",
    "\\u0000",
    "\\u2028",
    "\\",
    "\\\\",
    "{",
    "}",
    "[",
    "]",
    '"',
    "'",
    "#",
    "@",
    "%",
    "$",
    "&",
    "~",
    "^",
    "_",
    ",",
    ";",
    "=",
    ":",
    "-",
    "*",
    "<",
    ">",
    "|",
    "`",
    "&amp;",
    "<i>",
    "</i>",
    "<span>",
    "<script>",
    "javascript:",
    "\\input",
    "\\relax",
    "\\'{e}",
    '{\\"u}',
    "--",
    "---",
    "9" * 50,
    "-0",
    "1e999",
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
    '""',
]
"""Characters and tokens spliced into inputs (the JSON escapes stay escapes)."""

TOKENS: dict[str, list[str]] = {
    "bibtex": [
        "@string{",
        "@article{",
        "@ article{",
        "@misc\n{",
        "@comment{",
        "@preamble{",
        "@xdata{",
        "crossref = ",
        "xdata = ",
        "author = ",
        " and ",
        " and others",
        "title = ",
        "year = ",
        "date = ",
        "{\\'e}",
        "\\url{",
        "\\emph{",
        " # ",
        "month = jan",
        "@string{s = s # s}",
        "von ",
        "Jr, ",
        "editor = ",
        "},\n",
        "ids = ",
        "keywords = ",
        "langid = ",
        "2001/2003",
        "2001-02-31",
        "{{",
        "}}",
    ],
    "csljson": [
        '"id": ',
        '"type": ',
        '"title": ',
        '"author": [{"family": "x"}]',
        '"issued": {"date-parts": [[',
        '"literal": ',
        '"raw": ',
        '"custom": {',
        '"biblatex": {"@type": ',
        '"note": ',
        '"edition": ',
        '"page": ',
        "]]}",
        '"circa": true',
        '"season": 3',
        '"non-dropping-particle": "van"',
        ", ",
        ": ",
    ],
    "cslyaml": [
        "references:\n",
        "- id: ",
        "  type: ",
        "  title: ",
        "  author:\n  - family: ",
        "  issued: ",
        "!!timestamp ",
        "!!binary ",
        "&a ",
        "*a",
        "? ",
        ": ",
        "|\n",
        ">-\n",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        "  date-parts: [[",
        "~",
        "- ",
    ],
    "ris": [
        "TY  - ",
        "ER  - ",
        "AU  - ",
        "A1  - ",
        "PY  - ",
        "DA  - ",
        "TI  - ",
        "T2  - ",
        "SP  - ",
        "EP  - ",
        "ID  - ",
        "N1  - ",
        "KW  - ",
        "UR  - ",
        "DO  - ",
        "\n",
        "JOUR",
        "BOOK",
        "CHAP",
        "///",
        "2001/02/03/",
    ],
    "citation": [
        "[@",
        "@",
        "-@",
        "; ",
        ", p. ",
        "pp. ",
        "chap. ",
        "{",
        "}",
        "[",
        "]",
        "see ",
        "and passim",
        "n. ",
        "sec. ",
        "\\@",
        "@{",
        "}}",
        "[-@",
    ],
    "document": [
        "[@",
        "-@",
        "; ",
        ", p. 3]",
        "^[",
        "\n\n",
        "\n# ",
        "```\n",
        "    ",
        "> ",
        "| a | b |\n|---|---|\n",
        "::: {#refs}\n:::\n",
        "---\n",
        "nocite: ",
        "references:\n- id: ",
        "link-citations: true\n",
        "lang: de\n",
        "<!-- ",
        "-->",
        "[text](http://x)",
        "`",
        "\\",
        "* ",
        "1. ",
    ],
    "course": [
        "[[sections]]\n",
        "[[sections.readings]]\n",
        "id = ",
        "title = ",
        "key = ",
        "readings = [",
        "annotation = ",
        "pages = ",
        "status = ",
        "required = ",
        "numbering = ",
        "style = ",
        "locale = ",
        "[course]\n",
        "code = ",
        "term = ",
        "instructor = ",
        '"""',
        "'''",
        "{",
        "}",
        "= ",
        "\n",
        "1979-05-27T07:32:00Z",
        "inf",
        "nan",
        "<a href='x\" onmouseover=\"y'>",
        "javascript:x",
    ],
    "server": [
        '{"id": ',
        '"method": ',
        '"params": {',
        '"cluster": ',
        '"items": [',
        '"library": "refs.bib"',
        '"style": ',
        '"locale": ',
        '"format": "html"',
        '"prefix": ',
        '"limit": ',
        '"index": ',
        '"to": ',
        '"note-number": ',
        '"locator": ',
        '"label": ',
        '"suppress-author": true',
        "NaN",
        "Infinity",
        "-1",
        "1e308",
        "}\n",
        "]",
        "\n",
    ],
}
"""Near-valid syntax per kind of input, so mutations reach past the first check."""


def _pick_special(rng: random.Random, kind: str) -> bytes:
    pool = TOKENS.get(kind, [])
    text = rng.choice(pool) if pool and rng.random() < 0.5 else rng.choice(SPECIAL)
    return text.encode("utf-8")


def _nest(rng: random.Random, data: bytes) -> bytes:
    """Wrap a stretch in many brackets: deep nesting for recursive parsers."""
    opener, closer = rng.choice(
        [(b"{", b"}"), (b"[", b"]"), (b"\\'{", b"}"), (b"(", b")"), (b"- ", b""), (b"[@", b"]")]
    )
    depth = rng.choice([8, 64, 400, 2_000])
    at = rng.randrange(len(data) + 1)
    return data[:at] + opener * depth + closer * depth * rng.randint(0, 1) + data[at:]


def mutate(data: bytes, rng: random.Random, kind: str, others: tuple[bytes, ...]) -> bytes:
    """One to four random edits: flip, insert, delete, duplicate, splice, nest."""
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
        size = len(out)
        op = rng.randrange(9)
        at = rng.randrange(size + 1)
        if op == 0 and size:
            out[min(at, size - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            out[at:at] = bytes([rng.randrange(256)])
        elif op in (2, 3):
            out[at:at] = _pick_special(rng, kind)
        elif op == 4 and size:
            out[at : at + rng.randint(1, 32)] = b""
        elif op == 5 and size:
            start = rng.randrange(size)
            piece = out[start : start + rng.randint(1, 64)]
            out[at:at] = piece * rng.choice((1, 2, 16))
        elif op == 6 and others:
            other = rng.choice(others)
            start = rng.randrange(len(other) + 1)
            out[at:] = other[start : start + rng.randint(1, 2_000)]
        elif op == 7:
            out = bytearray(_nest(rng, bytes(out)))
        elif size:
            end = min(size, at + rng.randint(1, 8))
            out[at:end] = (
                bytes(out[at:end]).upper() if rng.random() < 0.5 else bytes(out[at:end]).lower()
            )
    return bytes(out[:MAX_INPUT])


def generate(rng: random.Random, kind: str) -> bytes:
    """One fuzz input: mostly a mutated seed, sometimes random bytes or a seed as is."""
    seeds = seeds_for(kind)
    roll = rng.random()
    if roll < 0.04:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    if roll < 0.07:
        return rng.choice(seeds)[:MAX_INPUT]
    return mutate(rng.choice(seeds), rng, kind, seeds)


__all__ = ["MAX_INPUT", "SEEDS", "generate", "mutate", "seeds_for", "shared_path"]

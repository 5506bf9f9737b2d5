"""formats/bibtex/splitter.py: bibtexparser's splitter loaded alone, and its fast scanner.

The import checks run in a fresh interpreter: the test process has long
imported bibtexparser the ordinary way, and the point is what happens before
that.  The scanner checks compare its blocks with those of bibtexparser's own
splitter, attribute by attribute, on the corpus and on generated texts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bibtexparser.splitter import Splitter as BibtexparserSplitter
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.formats.bibtex import splitter
from citekit.formats.bibtex.splitter import Block, Splitter, scan_blocks

ROOT = Path(__file__).resolve().parents[3]


def run_fresh(code: str) -> object:
    """Run ``code`` in a new interpreter; it prints one JSON value, returned here."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


PACKAGE_NAMES = """
import json, bibtexparser
print(json.dumps(sorted(n for n in dir(bibtexparser) if not n.startswith("__"))))
"""


def test_reading_loads_no_middleware_nor_pylatexenc() -> None:
    loaded = run_fresh(
        "import json, sys\n"
        "from citekit.formats.bibtex import read\n"
        "read('@article{a, title={T}, year=2000}')\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.startswith(('bibtexparser', 'pylatexenc')))))"
    )
    assert isinstance(loaded, list)
    assert "bibtexparser.splitter" in loaded
    assert not [m for m in loaded if m.startswith(("pylatexenc", "bibtexparser.middlewares"))]


def test_package_completes_itself_when_asked_for_a_name() -> None:
    ordinary = run_fresh(PACKAGE_NAMES)
    after_reader = run_fresh("import citekit.formats.bibtex.reader\n" + PACKAGE_NAMES)
    assert after_reader == ordinary


@pytest.mark.parametrize(
    "statement",
    [
        "from bibtexparser import Library as found",
        "import bibtexparser; found = bibtexparser.parse_string",
        "from bibtexparser import model; found = model.Entry",
    ],
)
def test_later_imports_work_as_ordinary_ones(statement: str) -> None:
    code = (
        "import json\n"
        "import citekit.formats.bibtex.splitter as ours\n"
        f"{statement}\n"
        "import bibtexparser\n"
        "lib = bibtexparser.parse_string('@book{k, title={A}}')\n"
        "print(json.dumps([found.__name__, [e.key for e in lib.entries],"
        " bibtexparser.model.Entry is ours.Entry]))"
    )
    answer = run_fresh(code)
    assert isinstance(answer, list)
    name, keys, same_model = answer
    assert name in {"Library", "parse_string", "Entry"}
    assert keys == ["k"]
    assert same_model is True


# -- the scanner: the same blocks as bibtexparser's splitter ------------------


def describe(block: Block) -> tuple[Any, ...]:
    """Everything a block holds, as plain data: type, line, raw text, and per type the rest."""
    parts: list[Any] = [type(block).__name__, block.start_line, block.raw]
    for name in ("key", "entry_type", "value", "comment", "duplicate_keys"):
        if hasattr(block, name):
            parts.append((name, getattr(block, name)))
    if hasattr(block, "fields"):
        parts.append([(f.key, f.value, f.start_line, f.enclosing) for f in block.fields])
    if hasattr(block, "error"):
        parts.append((type(block.error).__name__, str(block.error)))
    for name in ("ignore_error_block", "previous_block"):
        inner = getattr(block, name, None)
        if inner is not None:
            parts.append((name, describe(inner)))
    return tuple(parts)


def described(blocks: list[Block]) -> list[tuple[Any, ...]]:
    return [describe(block) for block in blocks]


def bibtexparser_blocks(text: str) -> list[tuple[Any, ...]]:
    return described(BibtexparserSplitter(text).split().blocks)


def corpus_files(shared: Path) -> list[Path]:
    return [*sorted((shared / "corpus").glob("*.bib")), ROOT / "references.bib"]


def test_scanner_reads_every_corpus_file_as_bibtexparser(shared: Path) -> None:
    for path in corpus_files(shared):
        text = path.read_text(encoding="utf-8", errors="replace")
        blocks = scan_blocks(text)
        assert blocks is not None, f"the scanner gave up on {path.name}"
        assert described(blocks) == bibtexparser_blocks(text), path.name


def test_splitter_library_is_bibtexparsers_on_the_corpus(shared: Path) -> None:
    for path in corpus_files(shared):
        text = path.read_text(encoding="utf-8", errors="replace")
        ours, theirs = Splitter(text).split(), BibtexparserSplitter(text).split()
        assert described(ours.blocks) == described(theirs.blocks), path.name
        assert list(ours.entries_dict) == list(theirs.entries_dict)
        assert list(ours.strings_dict) == list(theirs.strings_dict)


def filler(count: int) -> str:
    """Well-formed entries enough for a text the splitter gives to the scanner."""
    entry = "@article{{key{0},\n  title = {{A {{Title}} {0}}},\n  year = 2000,\n}}\n\n"
    return "".join(entry.format(n) for n in range(count))


LONG = filler(splitter._SCAN_FROM // 50)


def test_long_texts_take_the_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: object) -> None:
        raise AssertionError("bibtexparser's splitting was used")

    assert len(LONG) >= splitter._SCAN_FROM
    expected = bibtexparser_blocks(LONG)
    monkeypatch.setattr(BibtexparserSplitter, "split", refuse)
    assert described(Splitter(LONG).split().blocks) == expected


# What the scanner gives up on, each a case where bibtexparser aborts a block
# or reads something the scanner's patterns do not take.
GIVE_UP = {
    "paren delimiters": "@misc(k, title = {A})",
    "unclosed entry": "@misc{k, title = {A}",
    "block start inside an entry": "@misc{k, title = {A}\n@book{b, title = {B}}",
    "at sign at a line start in a value": "@misc{k, note = {mail\n  @home{x}}}",
    "line ending in a backslash": "@misc{k, note = {a\\\nb}}",
    "braces nested deeper than the patterns": "@misc{k, t = "
    + "{" * (splitter._MAX_DEPTH + 2)
    + "a"
    + "}" * (splitter._MAX_DEPTH + 2)
    + "}",
    "at sign in a key": "@misc{a@b, title = {A}}",
    "text ending in an escaped quote": '@misc{k, t = "a"}\n{"}',
    "string without equals sign": "@string{x}",
    "field without equals sign": "@misc{k, title}",
    "two commas": "@misc{k, title = {A},, year = 1}",
    "unbalanced comment": "@comment{ { }",
    "quote left open": '@misc{k, title = "A}',
}


@pytest.mark.parametrize("text", GIVE_UP.values(), ids=GIVE_UP.keys())
def test_scanner_gives_up_and_the_splitter_falls_back(text: str) -> None:
    assert scan_blocks(text) is None
    long = LONG + text + "\n\n" + LONG
    assert described(Splitter(long).split().blocks) == bibtexparser_blocks(long)


# -- generated texts --------------------------------------------------------

WORD = st.text(alphabet="ab Z9.-'=:;#", max_size=6)
# Words with marks in them, escaped or not, and line breaks.
RICH_WORD = st.text(alphabet='ab =#@\\,"{}()\n\r', max_size=6)
NAMES = st.sampled_from(["title", "author", "Title", "year", " note ", "x_y", ""])
KEYS = st.sampled_from(["a", "b", "A", "key1", "x y", ""])
ENTRY_TYPES = st.sampled_from(["article", "book", "Misc", "commentary", "", "p2"])
ANY_TYPES = st.sampled_from(["article", "Misc", "comment", "Preamble", "string", "STRINGS", ""])
NEWLINES = st.sampled_from(["\n", "\r\n", "\n\n", " ", ""])


def nested(depth: int, word: st.SearchStrategy[str] = WORD) -> st.SearchStrategy[str]:
    """Text with braced groups nesting at most ``depth`` deep."""
    if depth == 0:
        return word
    part = st.one_of(word, nested(depth - 1, word).map(lambda inner: "{" + inner + "}"))
    return st.lists(part, max_size=3).map("".join)


def values(depth: int, word: st.SearchStrategy[str] = WORD) -> st.SearchStrategy[str]:
    """Field values: braced, quoted, bare, and ``#`` concatenations of them."""
    braced = nested(depth, word).map(lambda inner: "{" + inner + "}")
    quoted = st.lists(st.one_of(word, nested(1, word), st.just('{"}')), max_size=3).map(
        lambda parts: '"' + "".join(parts) + '"'
    )
    bare = st.from_regex(r"[a-z0-9]{1,4}", fullmatch=True)
    single = st.one_of(braced, quoted, bare)
    return st.lists(single, min_size=1, max_size=3).map(" # ".join)


@st.composite
def entries(
    draw: st.DrawFn,
    depth: int = 3,
    delimiters: str = "{",
    types: st.SearchStrategy[str] = ENTRY_TYPES,
    word: st.SearchStrategy[str] = WORD,
) -> str:
    opening = draw(st.sampled_from(delimiters))
    closing = "}" if opening == "{" else ")"
    fields = draw(
        st.lists(
            st.tuples(NAMES, NEWLINES, values(depth, word)).map(
                lambda f: f[1] + "  " + f[0] + " = " + f[2]
            ),
            max_size=10,
        )
    )
    trailing = draw(st.sampled_from(["", ",", ",\n", "\n"]))
    head = "@" + draw(types) + opening + draw(KEYS)
    body = "".join("," + field for field in fields)
    return head + body + trailing + closing


def strings(depth: int = 3) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["string", "STRING", "String"]), KEYS, values(depth)).map(
        lambda s: "@" + s[0] + "{" + s[1] + " = " + s[2] + "}"
    )


def comments(depth: int = 3) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["comment", "preamble", "Comment"]), nested(depth)).map(
        lambda c: "@" + c[0] + "{" + c[1] + "}"
    )


STRAY = st.text(alphabet='ab %=,@{}()"\\\n\r\t#', max_size=12)


def texts(blocks: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.tuples(blocks, NEWLINES), max_size=6).map(
        lambda parts: "".join(block + gap for block, gap in parts)
    )


WELL_FORMED = texts(st.one_of(entries(), strings(), comments()))
ANYTHING = texts(st.one_of(entries(depth=7, delimiters="{{("), strings(), comments(depth=6), STRAY))


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """A well-formed text with a character inserted or removed somewhere."""
    text = draw(WELL_FORMED)
    where = draw(st.integers(min_value=0, max_value=len(text)))
    if draw(st.booleans()) and text:
        return text[: max(where - 1, 0)] + text[where:]
    return text[:where] + draw(st.sampled_from('{}"(),=@\\\n#')) + text[where:]


@settings(max_examples=300, deadline=None)
@given(WELL_FORMED)
def test_scanner_reads_well_formed_texts_as_bibtexparser(text: str) -> None:
    blocks = scan_blocks(text)
    assert blocks is not None
    assert described(blocks) == bibtexparser_blocks(text)


@settings(max_examples=400, deadline=None)
@given(st.one_of(ANYTHING, damaged()))
def test_scanner_agrees_with_bibtexparser_wherever_it_reads(text: str) -> None:
    blocks = scan_blocks(text)
    if blocks is not None:
        assert described(blocks) == bibtexparser_blocks(text)


def deep_value(depth: int) -> str:
    """A braced value whose braces nest exactly ``depth`` deep, an escape at the bottom."""
    return "{" * depth + "x \\{" + "}" * depth


# Fields the first pattern of an entry takes, and fields it leaves to the
# field-by-field pattern: a name with a backslash, braces nested deeper.
HEAD_FIELDS = st.sampled_from(["title = {A {B}}", 'year = "2000"', "note = 12 # {x}"])
LATER_FIELDS = st.one_of(
    st.integers(min_value=splitter._FIELDS_DEPTH + 1, max_value=splitter._MAX_DEPTH + 1).map(
        lambda depth: "title = " + deep_value(depth)
    ),
    st.sampled_from(["na\\'me = {A}", "\\x = 1"]),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(HEAD_FIELDS, LATER_FIELDS), max_size=splitter._FIELDS_PER_MATCH + 4),
    st.sampled_from(["", ",", ",\n"]),
)
def test_fields_the_first_match_leaves_are_read_one_by_one(fields: list[str], end: str) -> None:
    text = "@misc{k" + "".join(",\n " + field for field in fields) + end + "}\n@book{b, t={B}}"
    blocks = scan_blocks(text)
    assert blocks is not None
    assert described(blocks) == bibtexparser_blocks(text)


def test_a_long_text_the_scanner_reads_loads_no_bibtexparser_splitter() -> None:
    loaded = run_fresh(
        "import json, sys\n"
        "from citekit.formats.bibtex import splitter\n"
        "count = splitter._SCAN_FROM // 20\n"
        "text = ''.join('@misc{k%d, title = {T}}\\n' % n for n in range(count))\n"
        "assert len(splitter.Splitter(text).split().entries) == count\n"
        "print(json.dumps(sorted(m for m in ('logging', 'bibtexparser.splitter') "
        "if m in sys.modules)))"
    )
    assert loaded == []


def test_bibtexparsers_warnings_stay_quiet_whatever_its_logger_level_was() -> None:
    import logging

    log = logging.getLogger("bibtexparser")
    level = log.level
    log.setLevel(logging.NOTSET)  # as tidy leaves it when it was so before
    try:
        blocks = Splitter("@misc{k, title = {A}").split().blocks
        assert log.level == logging.ERROR
    finally:
        log.setLevel(level)
    assert described(blocks) == bibtexparser_blocks("@misc{k, title = {A}")

"""The rule for commands that write a user's .bib file (issue 12, points 1-3).

Generated files mix valid entries (several of them duplicates of each other),
entries that cannot be parsed (unterminated, garbage), ``%`` comments,
``@comment``, free text, ``@string`` macros used by entries, ``@preamble``,
LF, CRLF or mixed line endings, with or without a final newline, in UTF-8,
UTF-8 with a byte-order mark, UTF-16 or Latin-1 (named with ``--encoding``).
Each writing command runs in place through the CLI; the file must come back
in its encoding (byte-order mark included), with no temporary file left, and
read back:

* ``keys --rekey``: the file is the input with only the renamed keys changed,
  byte for byte, and reads as the renamed records;
* ``dedupe --merge first|last|combine``: the merged-away entries are gone, the
  survivor only gained fields (its old text is all still there), every other
  byte is unchanged (blank lines around a removed entry apart), the other
  records read as before and nothing of the merged-away entries is lost;
* ``format``: the records read as before, every block that could not be
  parsed is in the output byte for byte (its own line endings too), where it
  was, and every comment stays.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from bibtexparser import model as bib
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from citekit.cli import main
from citekit.formats import read_string
from citekit.formats.bibtex import FIELD_ALIASES, split_blocks
from citekit.model.records import Library
from citekit.ops.dedupe import find_duplicates
from citekit.ops.keys import DEFAULT_PATTERN, generate_keys

pytestmark = pytest.mark.slow

#: 50 examples a test in the full suite (the test is marked slow);
#: CITEKIT_WRITE_RULE_EXAMPLES=2000 for a long run.
SETTINGS = settings(
    max_examples=int(os.environ.get("CITEKIT_WRITE_RULE_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: A few works, so that generated entries are often duplicates of each other.
WORKS = [
    ("Smith, John", "A Study of Things", "2000"),
    ("Doe, Jane and Roe, Richard", "Another Paper on Stuff", "2010"),
    ('M{\\"u}ller, Hans', "Caf{\\'e} Culture -- Essays", "1999"),
    ("G\u00f6del, Kurt", "\u00dcber formal unentscheidbare S\u00e4tze", "1931"),
]
#: The encodings files come in; latin-1 must be named (--encoding), the others
#: are recognised by their byte-order mark (or are UTF-8).
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1"]
TYPES = ["article", "book", "misc", "inproceedings"]


@st.composite
def entry_text(draw: st.DrawFn, key: str, macros: list[str]) -> str:
    """One valid entry, laid out in one of the ways people write them."""
    author, title, year = draw(st.sampled_from(WORKS))
    fields = [("author", "{" + author + "}"), ("title", "{" + title + "}")]
    fields.append(
        draw(
            st.sampled_from(
                [("year", "{" + year + "}"), ("year", year), ("date", "{" + year + "-05}")]
            )
        )
    )
    if draw(st.booleans()):
        fields.append(("doi", "{10.1000/" + year + "}"))
    if draw(st.booleans()):
        fields.append(("journal", draw(st.sampled_from(["{J. Things}", '"Journal of Stuff"']))))
    if draw(st.booleans()):
        fields.append(("note", draw(st.sampled_from(['"A note"', "{Another {Note}}"]))))
    use_macro = draw(st.booleans())
    if macros and use_macro:
        macro = draw(st.sampled_from(macros))
        fields.append(("publisher", draw(st.sampled_from([macro, '"Press of " # ' + macro]))))
    fields = draw(st.permutations(fields))
    if draw(st.booleans()):
        fields = [(name.capitalize(), value) for name, value in fields]
    etype = draw(st.sampled_from(TYPES))
    separator = draw(st.sampled_from([" = ", "=", "  =  "]))
    trailing = "," if draw(st.booleans()) else ""
    if draw(st.booleans()):  # one line
        body = ", ".join(f"{name}{separator}{value}" for name, value in fields)
        return f"@{etype}{{{key}, {body}{trailing}}}"
    indent = draw(st.sampled_from(["  ", "\t", "    "]))
    body = ",\n".join(f"{indent}{name}{separator}{value}" for name, value in fields)
    return f"@{etype}{{{key},\n{body}{trailing}\n}}"


@st.composite
def bib_files(draw: st.DrawFn) -> str:
    """A .bib file of valid and broken entries, comments, macros and a preamble."""
    pieces: list[str] = []
    macros: list[str] = []
    for index in range(draw(st.integers(1, 9))):
        kind = draw(
            st.sampled_from(
                ["entry"] * 5
                + ["unterminated", "garbage", "percent", "atcomment", "text", "string", "preamble"]
            )
        )
        if kind == "entry":
            piece = draw(entry_text(f"k{index}", macros))
        elif kind == "unterminated":
            piece = f"@book{{broken{index},\n  title = {{Unterminated,\n  year = {{1999}}\n"
        elif kind == "garbage":
            piece = f"@misc{{garbage{index} title = x}}"
        elif kind == "percent":
            piece = f"% a comment {index} about {{braces}} and @-signs"
        elif kind == "atcomment":
            piece = f"@comment{{jabref-like {index}}}"
        elif kind == "text":
            piece = f"Free text {index}, written between entries."
        elif kind == "string":
            piece = f"@string{{m{index} = {{Macro Press {index}}}}}"
            macros.append(f"m{index}")
        else:
            piece = '@preamble{"\\newcommand{\\noop}[1]{}"}'
        pieces.append(piece)
        pieces.append(draw(st.sampled_from(["\n", "\n\n", "\n\n\n"])))
    text = "".join(pieces)
    if not draw(st.booleans()):
        text = text.rstrip("\n")
    style = draw(st.sampled_from(["lf", "crlf", "mixed"]))
    if style == "crlf":
        text = text.replace("\n", "\r\n")
    elif style == "mixed":
        lines = text.split("\n")
        ends = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
        text = "".join(
            line + ("\r\n" if crlf else "\n") for line, crlf in zip(lines, ends, strict=True)
        )
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    return text


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def read(text: str) -> Library:
    return read_string(text, "biblatex", filename="refs.bib").library


def run_in_place(args: list[str], text: str, encoding: str = "utf-8") -> str:
    """Run a command on ``text`` as refs.bib (in ``encoding``) with --in-place.

    Returns the file's new text, after checking that it is still in the same
    encoding, byte-order mark included, and that no temporary file is left.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "refs.bib"
        path.write_bytes(text.encode(encoding))
        named = ["--encoding", encoding] if encoding == "latin-1" else []
        result = CliRunner().invoke(main, [*args, "--in-place", *named, str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code in (0, 1), result.output
        assert os.listdir(folder) == ["refs.bib"], "temporary files left behind"
        data = path.read_bytes()
        out = data.decode(encoding)
        assert out.encode(encoding) == data, f"not written back as {encoding}"
        return out


def records(library: Library) -> dict[str, dict[str, Any]]:
    return {record.key: record.to_json() for record in library}


def positions(text: str) -> list[tuple[bib.Block, int, int]]:
    """Each block of the splitter with where its raw text stands in ``text``."""
    found: list[tuple[bib.Block, int, int]] = []
    cursor = 0
    for block in split_blocks(text):
        raw = block.raw or ""
        start = text.index(raw, cursor)
        found.append((block, start, start + len(raw)))
        cursor = start + len(raw)
    return found


def replaced(text: str, spans: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def failed_blocks(text: str) -> list[str]:
    """The blocks that could not be parsed, as written.

    Trailing white space is left out: an unterminated entry runs on to the
    next ``@``, so the blank lines (or comments) after it count as its text or
    not depending on what follows.
    """
    return [
        (b.raw or "").rstrip() for b in split_blocks(text) if isinstance(b, bib.ParsingFailedBlock)
    ]


def without_custom(record: dict[str, Any], *names: str) -> dict[str, Any]:
    """A record's JSON without some ``custom.biblatex`` fields (and empty containers)."""
    copied: dict[str, Any] = json.loads(json.dumps(record))
    custom = copied.get("custom", {})
    container = custom.get("biblatex", {})
    for name in names:
        container.pop(name, None)
    if "biblatex" in custom and not container:
        del custom["biblatex"]
    if "custom" in copied and not custom:
        del copied["custom"]
    return copied


def blank_lines_collapsed(text: str) -> str:
    """The text with runs of blank lines as one line break (the first one's kind)."""
    text = re.sub(r"^(?:[ \t]*\r?\n)+", "", text)
    text = re.sub(r"(\r?\n)(?:[ \t]*\r?\n)+", r"\1", text)
    return re.sub(r"\s+$", "", text)


# ---------------------------------------------------------------------------
# keys
# ---------------------------------------------------------------------------


@SETTINGS
@given(bib_files(), st.sampled_from(ENCODINGS))
def test_keys_rekey_in_place_changes_only_the_keys(text: str, encoding: str) -> None:
    before = read(text)
    renamed, expected = generate_keys(before, DEFAULT_PATTERN, rekey=True)
    out = run_in_place(["keys", "--rekey"], text, encoding)
    assert records(read(out)) == records(expected)
    spans = []
    for block, start, end in positions(text):
        if isinstance(block, bib.Entry) and block.key in renamed:
            raw = block.raw or ""
            head = raw.index(block.key)
            spans.append(
                (start, end, raw[:head] + renamed[block.key] + raw[head + len(block.key) :])
            )
    assert out == replaced(text, spans)


# ---------------------------------------------------------------------------
# dedupe
# ---------------------------------------------------------------------------


def _pure_insertion(old: str, new: str) -> bool:
    """Whether ``new`` is ``old`` with one piece of text inserted somewhere."""
    return any(
        new.startswith(old[:k]) and new.endswith(old[k:]) and len(new) >= len(old)
        for k in range(len(old) + 1)
    )


@SETTINGS
@given(bib_files(), st.sampled_from(["first", "last", "combine"]), st.sampled_from(ENCODINGS))
@example(  # the conflict note quotes a concatenation: its "#" is inside the braces
    text=(
        "@article{k3,\n  author = {Doe, Jane},\n  title = {Another Paper},\n"
        "  doi = {10.1000/2010},\n  publisher = {Macro Press}\n}\n"
        "@article{k4,\n  author = {Doe, Jane},\n  title = {Another Paper},\n"
        '  doi = {10.1000/2010},\n  publisher = "Press of " # {Macro Press}\n}\n'
    ),
    policy="combine",
    encoding="utf-8",
)
def test_dedupe_merge_in_place_edits_only_the_merged_entries(
    text: str, policy: str, encoding: str
) -> None:
    before = read(text)
    groups = find_duplicates(before)
    out = run_in_place(["dedupe", "--merge", policy], text, encoding)
    after = read(out)
    survivors: dict[str, list[str]] = {}
    for group in groups:
        ordered = list(reversed(group.keys)) if policy == "last" else list(group.keys)
        survivors[ordered[0]] = ordered[1:]
    removed = {key for others in survivors.values() for key in others}
    assert sorted(after.keys()) == sorted(set(before.keys()) - removed)
    old, new = records(before), records(after)
    for key in new:
        if key not in survivors:
            assert new[key] == old[key]
    for key, others in survivors.items():
        ids = new[key]["custom"]["biblatex"]["ids"]
        assert ids.split(",") == others
        _check_survivor(policy, old, new, key, others)
        if policy == "combine":
            _check_nothing_lost(text, out, key, others)
    # the text: removed blocks gone, survivors only gained text, the rest byte for byte
    new_raws = {b.key: b.raw or "" for b in split_blocks(out) if isinstance(b, bib.Entry)}
    spans = []
    for block, start, end in positions(text):
        if isinstance(block, bib.Entry) and block.key in removed:
            spans.append((start, end, ""))
        elif isinstance(block, bib.Entry) and block.key in survivors:
            assert _pure_insertion(block.raw or "", new_raws[block.key])
            spans.append((start, end, new_raws[block.key]))
    assert blank_lines_collapsed(out) == blank_lines_collapsed(replaced(text, spans))
    for raw in failed_blocks(text):  # what follows may now run on into them
        assert raw in out


def _check_survivor(
    policy: str,
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    key: str,
    others: list[str],
) -> None:
    """First/last: the survivor reads as before; combine: it kept all it had, and each
    value of the merged-away entries is in it or among its merge conflicts."""
    if policy != "combine":
        assert without_custom(new[key], "ids") == without_custom(old[key])
        return
    merged = without_custom(new[key], "ids", "merged-conflicts")
    for variable, value in without_custom(old[key]).items():
        if variable != "custom":
            assert merged[variable] == value, variable
    conflicts = json.loads(new[key]["custom"]["biblatex"].get("merged-conflicts", "{}"))
    kept = {(item["from"], name) for name, items in conflicts.items() for item in items}
    for other in others:
        for variable, value in without_custom(old[other]).items():
            if variable in ("id", "custom") or merged.get(variable) == value:
                continue
            # a differing value is kept as written, under its BibTeX field name
            assert any(origin == other for origin, _ in kept), (other, variable)


def _one_delimited_value(value: str) -> bool:
    """Whether ``value`` is one braced or quoted value, not a ``#`` concatenation.

    A ``#`` inside the braces (a JSON note of merge conflicts quoting a
    concatenation) is text, not the operator.
    """
    if len(value) < 2 or value[0] not in '{"' or value[-1] != ("}" if value[0] == "{" else '"'):
        return False
    depth = 0
    for char in value[1:-1]:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False  # the opening brace closed before the end
        elif char == '"' and value[0] == '"' and depth == 0:
            return False  # a quoted value ended before the end
    return depth == 0


def _fields(text: str, key: str) -> list[tuple[str, str]]:
    """An entry's fields as written: (lower-case BibLaTeX name, value without delimiters)."""
    entry = next(b for b in split_blocks(text) if isinstance(b, bib.Entry) and b.key == key)

    def bare(value: str) -> str:
        value = " ".join(value.split())
        return value[1:-1].strip() if _one_delimited_value(value) else value

    return [
        (FIELD_ALIASES.get(f.key.lower(), f.key.lower()), bare(str(f.value))) for f in entry.fields
    ]


def _check_nothing_lost(text: str, out: str, key: str, others: list[str]) -> None:
    """Each field of a merged-away entry is in the survivor, or among its merge conflicts."""
    survivor = dict(_fields(out, key))
    conflicts = json.loads(survivor.pop("merged-conflicts", "{}"))
    kept = {
        (item["from"], " ".join(item["value"].split()))
        for items in conflicts.values()
        for item in items
    }
    for other in others:
        raw = next(b for b in split_blocks(text) if isinstance(b, bib.Entry) and b.key == other)
        for written in raw.fields:
            name, value = (
                FIELD_ALIASES.get(written.key.lower(), written.key.lower()),
                " ".join(str(written.value).split()),
            )
            if name == "ids" or survivor.get(name) == dict(_fields(text, other))[name]:
                continue
            macro = bool(re.search(r"(^|#)\s*[a-z]", value))
            assert (other, value) in kept or (macro and name in survivor), (other, name)


# ---------------------------------------------------------------------------
# format
# ---------------------------------------------------------------------------


def _order(text: str) -> list[str]:
    """The entries' keys and the unparsed blocks, in file order."""
    return [
        b.key if isinstance(b, bib.Entry) else "FAILED " + (b.raw or "").strip()
        for b in split_blocks(text)
        if isinstance(b, bib.Entry | bib.ParsingFailedBlock)
    ]


@SETTINGS
@given(bib_files(), st.sampled_from(ENCODINGS))
def test_format_in_place_keeps_records_unparsed_blocks_and_comments(
    text: str, encoding: str
) -> None:
    out = run_in_place(["format"], text, encoding)
    assert records(read(out)) == records(read(text))
    for raw in failed_blocks(text):
        assert raw in out
    assert _order(out) == _order(text)
    for line in re.findall(r"^(?:%|Free text|@comment).*$", text, re.MULTILINE):
        assert line.strip() in out

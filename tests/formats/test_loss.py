"""Loss reports of every export, checked against an actual re-read of the output.

For each format the library is written, read back, and compared field by
field here (independently of :mod:`citekit.formats.loss`); the report must
name exactly the fields that did not come back.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from citekit.base.text import strip_markup
from citekit.formats import read, read_string, write_string
from citekit.formats.bibtex.fields import canonical_type
from citekit.formats.loss import (
    COMMENT_NOT_WRITTEN,
    MARKUP_DROPPED,
    NOT_WRITTEN,
    compare,
    loss_report,
)
from citekit.model.records import Library, Record

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ["ris", "csljson", "cslyaml", "biblatex"]


def _normal(value: Any, plain: bool) -> Any:
    """JSON as a reader must give it back: whitespace runs as one space (one with a
    line break as a line break, with two as a paragraph break), numbers as text,
    and for RIS (plain text) without rich-text markup."""
    if isinstance(value, str):
        text = strip_markup(value) if plain else value
        return re.sub(r"\s+", _breaks, text).strip()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [_normal(v, plain) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v, plain) for k, v in value.items() if _normal(v, plain) != ""}
    return value


def _breaks(run: re.Match[str]) -> str:
    count = run.group(0).replace("\r\n", "\n").replace("\r", "\n").count("\n")
    return [" ", "\n"][count] if count < 2 else "\n\n"


def _fields_not_back(original: Record, back: Record | None, fmt: str, text: str) -> set[str]:
    """The top-level fields of ``original`` that ``back`` lacks or holds otherwise.

    BibTeX's bookkeeping (``custom.biblatex`` keys starting with ``@``) is
    recomputed by its reader; of it only the entry type is data, and it is
    checked on the written text itself.
    """
    if back is None:
        return {"entry"}
    plain = fmt == "ris"
    mine, theirs = original.to_json(), back.to_json()
    missing = {"id"} if mine["id"] != theirs["id"] else set()
    for name, value in mine.items():
        if name == "id":
            continue
        if name == "custom" and fmt == "biblatex" and isinstance(value, dict):
            entry_type = value.get("biblatex", {}).get("@type")
            written = re.search(r"^@([^{]*)\{" + re.escape(original.key) + ",", text, re.M)
            if isinstance(entry_type, str) and (
                written is None
                or canonical_type(entry_type)[0] != canonical_type(written.group(1))[0]
            ):
                missing.add(name)
            value = {
                **value,
                "biblatex": {
                    k: v for k, v in value.get("biblatex", {}).items() if not k.startswith("@")
                },
            }
            returned = dict(theirs.get("custom") or {})
            returned["biblatex"] = {
                k: v for k, v in returned.get("biblatex", {}).items() if k in value["biblatex"]
            }
            value = {k: v for k, v in value.items() if v}
            returned = {k: v for k, v in returned.items() if k in value}
            if _normal(value, plain) != _normal(returned, plain):
                missing.add(name)
            continue
        if _normal(value, plain) != _normal(theirs.get(name), plain) and not _only_braced_more(
            value, theirs.get(name)
        ):
            missing.add(name)
    return missing


_NOCASE_SPAN = re.compile(r'<span class="nocase">([^<]*)</span>')


def _only_braced_more(value: Any, returned: Any) -> bool:
    """A BibTeX writer braces the capitals of a sentence-case title ("{NATO}"),
    read back as nocase spans: the same text, with its own spans still there."""
    if not (isinstance(value, str) and isinstance(returned, str)):
        return False
    kept = _NOCASE_SPAN.findall(value)
    back = _NOCASE_SPAN.findall(returned)
    return _NOCASE_SPAN.sub(r"\1", value) == _NOCASE_SPAN.sub(r"\1", returned) and all(
        back.count(text) >= kept.count(text) for text in kept
    )


def _check_report_matches_reread(library: Library, fmt: str) -> tuple[int, int]:
    """Write, read back, and compare the report with the fields that differ.

    Returns (fields lost, entries that lost something) as the report counts them.
    """
    options: dict[str, Any] = {"diagnostics": []} if fmt == "biblatex" else {}
    text = write_string(library, fmt, **options)
    text.encode("utf-8")  # every writer's output is valid UTF-8
    back = read_string(text, fmt).library
    report = compare(library, back, fmt)
    reported: dict[str, set[str]] = {}
    for loss in report.lost:
        reported.setdefault(loss.key, set()).add(loss.field.split(".")[0])
    paired = (
        zip(library, back, strict=True)
        if len(back) == len(library)
        else ((record, back.get(record.key)) for record in library)
    )
    for record, returned in paired:
        assert _fields_not_back(record, returned, fmt, text) == reported.get(record.key, set()), (
            record.key
        )
    return len(report.lost), len(report.entries)


@pytest.mark.parametrize("fmt", FORMATS)
def test_references_bib_loses_nothing_in_any_export(fmt: str) -> None:
    """The RIS export used to drop the event title and place, the 2008 edition's
    original date and publisher and every quotation field, and report nothing."""
    library = read(ROOT / "references.bib").library
    assert _check_report_matches_reread(library, fmt) == (0, 0)
    assert not loss_report(library, fmt)


def test_references_bib_in_ris_has_its_markup_listed_apart() -> None:
    library = read(ROOT / "references.bib").library
    report = loss_report(library, "ris")
    assert not report.lost
    assert ("raimondo2017trump", "title") in {(f.key, f.field) for f in report.formatting}
    assert all(
        d.code == MARKUP_DROPPED
        for d in report.diagnostics()
        if d.key and (d.key, d.field) in {(f.key, f.field) for f in report.formatting}
    )


@pytest.fixture(scope="module")
def corpora() -> list[Library]:
    """Every shared .bib corpus, read once for the four formats."""
    folder = Path(os.environ.get("CITEKIT_SHARED", ROOT.parent / "shared"))
    paths = sorted((folder / "corpus").glob("*.bib")) if folder.is_dir() else []
    if not paths:
        pytest.skip("../shared/corpus is absent: no .bib corpus to export")
    return [read(path).library for path in paths]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_shared_corpora_report_exactly_what_does_not_read_back(
    fmt: str, corpora: list[Library]
) -> None:
    for library in corpora:
        assert len(library) > 0
        _check_report_matches_reread(library, fmt)


def _lossy_library() -> Library:
    return Library(
        [
            Record(" padded ", "book", title="T"),  # RIS trims values; BibTeX refuses
            Record("surrogate", "book", title="a\ud800b"),  # no UTF-8 file holds it
            Record("odd-custom", "book", custom="not an object"),
            Record("a,b", "book", title="x"),  # not a BibTeX key
            Record("spacetype", "book", custom={"biblatex": {"@type": "x y"}}),
            Record("fine", "article-journal", title="<i>Fine</i>", **{"event-title": "E"}),
        ]
    )


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("ris", {(" padded ", "id"), ("surrogate", "title"), ("odd-custom", "custom")}),
        ("csljson", set()),
        ("cslyaml", {("surrogate", "title")}),
        (
            "biblatex",
            {
                (" padded ", "entry"),
                ("surrogate", "title"),
                ("odd-custom", "custom"),
                ("a,b", "entry"),
                ("spacetype", "custom.biblatex.@type"),
            },
        ),
    ],
)
def test_a_lossy_library_reports_each_field_that_does_not_read_back(
    fmt: str, expected: set[tuple[str, str]]
) -> None:
    library = _lossy_library()
    _check_report_matches_reread(library, fmt)
    report = loss_report(library, fmt)
    assert {(loss.key, loss.field) for loss in report.lost} == expected
    assert all(
        d.code == NOT_WRITTEN and d.key for d in report.diagnostics() if d.code != MARKUP_DROPPED
    )


def test_summary_counts_fields_and_entries() -> None:
    report = loss_report(_lossy_library(), "ris")
    assert report.summary() == "3 fields in 3 entries could not be written in RIS"
    lines = {" padded ": 4}
    located = report.diagnostics(file="in.json", lines=lines)
    assert [(d.file, d.line, d.key) for d in located][:1] == [("in.json", 4, " padded ")]


def test_lone_surrogates_never_crash_a_writer() -> None:
    """Every writer raised UnicodeEncodeError (or wrote text no file can hold)."""
    library = Library(
        [
            Record(
                "k\ud800",
                "book",
                title="x\udfffy",
                author=[{"family": "F\ud800"}],
                custom={"q": "\ud801"},
            )
        ]
    )
    for fmt in FORMATS:
        options: dict[str, Any] = {"diagnostics": []} if fmt == "biblatex" else {}
        write_string(library, fmt, **options).encode("utf-8")
    # CSL-JSON escapes them, so nothing is lost there
    back = read_string(write_string(library, "csljson"), "csljson").library
    assert back == library


def test_an_empty_value_filled_on_reading_back_is_named() -> None:
    """An empty field is no loss while it stays empty; filled from elsewhere on
    reading back (a crossref parent, ``organization``) it is one (issue 12)."""
    original = Library([Record("k", "book", {"publisher": "", "note": ""})])
    back = Library([Record("k", "book", {"publisher": "IEEE"})])
    report = compare(original, back, "biblatex")
    assert [(loss.field, loss.reason) for loss in report.lost] == [
        ("publisher", "an empty value reads back as 'IEEE'")
    ]


@pytest.mark.parametrize("yaml_value", ["[{1: x}]", "[{1: }]", "[{? }]"])
def test_a_yaml_key_that_is_not_text_is_named_when_json_makes_it_text(yaml_value: str) -> None:
    """CSL-YAML ``{1: x}`` is written to CSL-JSON as ``{"1": "x"}`` (the fuzz
    campaign's one remaining CSL-YAML finding, issue 12): the report names it,
    and a YAML round trip, which keeps the key, loses nothing."""
    library = read_string(f"- id: c\n  abstract: {yaml_value}\n", "cslyaml").library
    assert [loss.field for loss in loss_report(library, "csljson").lost] == ["abstract"]
    assert loss_report(library, "cslyaml").lost == []


def test_a_line_break_that_does_not_come_back_is_a_loss() -> None:
    """A note's ``variable: value`` lines and an abstract's paragraphs are data: one
    run together with the next line used to pass as a mere whitespace difference."""
    note = "original-date: 1867\nISBN: 978-0-14-044568-8"
    original = Library([Record("k", "book", {"note": note, "abstract": "One.\n\nTwo."})])
    back = Library(
        [Record("k", "book", {"note": " ".join(note.split()), "abstract": "One.\nTwo."})]
    )
    report = compare(original, back, "biblatex")
    assert [loss.field for loss in report.lost] == ["note", "abstract"]
    # Spaces around a break, a CRLF and three breaks for two are no loss.
    same = Library(
        [Record("k", "book", {"note": note.replace("\n", " \r\n "), "abstract": "One.\n\n\nTwo."})]
    )
    assert compare(original, same, "biblatex").lost == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_line_breaks_in_notes_and_abstracts_survive_every_export(fmt: str) -> None:
    library = Library(
        [
            Record(
                "k",
                "book",
                {
                    "title": "Crime and punishment",
                    "note": "original-date: 1867\nISBN: 978-0-14-044568-8",
                    "abstract": "Para one.\n\nPara two.",
                },
            )
        ]
    )
    _check_report_matches_reread(library, fmt)
    assert loss_report(library, fmt).lost == []


OUTSIDE = (
    '@preamble{"\\newcommand{\\foo}{bar}"}\n'
    "@book{k1, title={T}, year=2000}\n\n% remark about k2\n"
    "@book{k2, title={U}, year=2001}\n@comment{a comment block}\ntrailing text\n"
)


def test_what_a_bib_holds_outside_its_entries_is_reported_where_the_output_has_no_place() -> None:
    """Converting to CSL-JSON dropped @preamble, @comment and loose text without a word."""
    library = read_string(OUTSIDE, "biblatex").library
    report = loss_report(library, "csljson")
    assert [(loss.field, loss.remark) for loss in report.losses] == [
        ("@preamble", False),  # its definitions print the entries' commands: a loss
        ("@comment", True),
        ("text between entries", True),
        ("text between entries", True),
    ]
    assert bool(report) and report.entries == []  # no entry lost anything
    assert report.summary() == "1 block outside the entries could not be written in CSL-JSON"
    diagnostics = report.diagnostics(file="a.bib")
    assert [d.severity.value for d in diagnostics] == ["warning", "info", "info", "info"]
    assert [d.code for d in diagnostics] == [NOT_WRITTEN, *[COMMENT_NOT_WRITTEN] * 3]
    assert all(d.key is None for d in diagnostics)


def test_blocks_outside_the_entries_that_read_back_are_no_loss() -> None:
    """BibLaTeX keeps them (loose text written side by side reads back as one block)."""
    library = read_string(OUTSIDE, "biblatex").library
    assert loss_report(library, "biblatex").losses == []
    assert loss_report(library, "biblatex", dialect="bibtex").losses == []

"""``citekit.list_records`` and ``citekit.describe_record``: records as lines for people."""

from __future__ import annotations

import json

import citekit
from citekit import Record


def _record(key: str, family: str, year: str | None, title: str) -> Record:
    fields: dict[str, object] = {"title": title, "author": [{"family": family, "given": "A."}]}
    if year is not None:
        fields["issued"] = year
    return Record(key, "book", **fields)


def test_columns_line_up_whatever_the_widths() -> None:
    records = [
        _record("a", "Doe", "1999", "First"),
        _record("longer-key", "Roe-Smithson", None, "Second"),
    ]
    lines = citekit.list_records(records)
    assert len(lines) == 2
    # the title starts in the same column on every line
    starts = [line.index(title) for line, title in zip(lines, ["First", "Second"], strict=True)]
    assert starts[0] == starts[1]
    assert lines[0].startswith("a ") and lines[1].startswith("longer-key ")
    assert "n.d." in lines[1] and "1999" in lines[0]


def test_a_long_author_is_cut_to_the_column_width() -> None:
    summary = citekit.summarize(_record("k", "W" * 40, "2000", "T"))
    (line,) = citekit.list_records([_record("k", "W" * 40, "2000", "T")])
    shown = line.split("  ")[2]
    assert len(summary.author) > 24
    assert shown.endswith("…") and len(shown) == 24
    assert shown[:-1] == summary.author[:23]


def test_nothing_to_list_is_no_lines() -> None:
    assert citekit.list_records([]) == []


def test_a_record_is_described_field_by_field() -> None:
    record = Record(
        "doe99",
        "book",
        title="A Title",
        author=[{"family": "Doe", "given": "Jane"}, {"family": "Roe", "given": "John"}],
        issued="1999-05",
    )
    lines = citekit.describe_record(record)
    assert lines[:2] == ["key: doe99", "type: book"]
    by_name = dict(line.split(": ", 1) for line in lines[2:])
    assert by_name["title"] == "A Title"
    assert by_name["author"] == "; ".join(n.display() for n in record["author"])
    assert by_name["issued"] == str(record["issued"])
    assert len(lines) == 2 + len(record.fields)


def test_structured_values_are_shown_as_json() -> None:
    record = Record("k", "book", title="T")
    record.fields["note-data"] = {"a": [1, 2]}
    lines = citekit.describe_record(record)
    assert f"note-data: {json.dumps({'a': [1, 2]})}" in lines

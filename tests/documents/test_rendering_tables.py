"""A ``|`` in a rendered citation must not split the pipe-table cell it lands in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from citekit.cli import main
from citekit.documents.markdown import table_row_lines, tokens
from citekit.documents.rendering import _escape_pipe, render_document
from citekit.model.records import Library
from citekit.styles.catalog import Style

# A style whose citations and entries put " | " between names and year.
PIPE_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Pipes</title><id>pipes</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation>
    <layout prefix="(" suffix=")" delimiter="; ">
      <group delimiter=" | ">
        <names variable="author"><name form="short"/></names>
        <date variable="issued"><date-part name="year"/></date>
      </group>
    </layout>
  </citation>
  <bibliography>
    <layout>
      <group delimiter=" | ">
        <names variable="author"/>
        <text variable="title"/>
      </group>
    </layout>
  </bibliography>
</style>
"""
ITEMS = [
    {
        "id": "kim2018",
        "type": "book",
        "title": "Either or Neither",
        "author": [{"family": "Kim", "given": "Yu"}],
        "issued": {"date-parts": [[2018]]},
    }
]
DOCUMENT = """\
Before the table [@kim2018].

| claim | source |
|:------|--------|
| talks stalled | [@kim2018] |
| not in the library | [@{odd|key}] |
| a second row | none |

After it [@kim2018].
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "pipes.csl").write_text(PIPE_STYLE, encoding="utf-8")
    (tmp_path / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (tmp_path / "doc.md").write_text(DOCUMENT, encoding="utf-8")
    return tmp_path


def test_html_keeps_the_citation_in_its_cell(folder: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "render",
            str(folder / "doc.md"),
            "--bib",
            str(folder / "refs.json"),
            "-s",
            str(folder / "pipes.csl"),
            "--to",
            "html",
        ],
    )
    # the table's own unknown key is reported, and the page is still written (exit 1)
    assert result.exit_code == 1, result.output
    assert "odd|key" in result.stderr
    page = lxml_html.fromstring(result.stdout)
    table = page.find(".//table")
    assert table is not None
    rows = [[cell.text_content() for cell in row] for row in table.iter("tr")]
    assert rows == [
        ["claim", "source"],
        ["talks stalled", "(Kim | 2018)"],
        ["not in the library", "???odd|key"],
        ["a second row", "none"],
    ]
    paragraphs = [p.text_content() for p in page.iter("p")]
    assert "Before the table (Kim | 2018)." in paragraphs
    assert "After it (Kim | 2018)." in paragraphs


def test_markdown_rows_have_every_pipe_escaped_once() -> None:
    result = render_document(
        DOCUMENT, library=Library.from_json(ITEMS), style=Style.from_xml(PIPE_STYLE)
    )
    lines = result.output.splitlines()
    assert "| talks stalled | (Kim \\| 2018) |" in lines
    assert "| not in the library | ???odd\\|key |" in lines
    assert result.citations[1].text == "(Kim | 2018)"  # the data is not escaped


def test_table_rows_are_found_at_any_depth() -> None:
    # A table right after a paragraph line starts a table, as in GitHub Markdown
    # and markdown-it (pandoc would keep it in the paragraph): lines 1-2 count.
    text = (
        "para\n| not | a table |\n|---|---|\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "> | x | y |\n> |---|---|\n\n- item\n\n  | p | q |\n  |--|--|\n"
    )
    assert sorted(table_row_lines(text)) == [1, 2, 4, 5, 6, 8, 9, 13, 14]
    assert table_row_lines("a | b\n\nno table\n") == frozenset()


def test_an_escaped_pipe_is_not_escaped_twice() -> None:
    assert _escape_pipe("a | b \\| c \\\\| d") == "a \\| b \\| c \\\\\\| d"


@given(st.text(alphabet="ab |\\*`", max_size=12))
def test_an_escaped_cell_never_splits(text: str) -> None:
    row = f"| {_escape_pipe(text)} | x |\n|---|---|\n"
    kinds = [t.type for t in tokens(row)]
    assert kinds[0] == "table_open" and kinds.count("th_open") == 2

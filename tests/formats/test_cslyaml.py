"""CSL-YAML: pandoc's references list, YAML 1.2 scalars, located diagnostics."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.base import yamlload
from citekit.errors import Severity
from citekit.formats import cslyaml, read_string
from citekit.model.records import Date, Library, Name, Record

PANDOC = """---
references:
- id: doe2020
  type: book
  title: Ein Buch über Ökonomie
  volume: 1.10
  note: yes
  issue: 012
  author:
  - family: Doe
    given: Jane
  - Acme Corp
  issued: 2020-05-14
- id: bad
  author: 12
- just a string
- id: later
  issued:
    date-parts: [[2021, 3]]
...
"""


def test_reads_pandoc_metadata_with_yaml_1_2_scalars() -> None:
    result = cslyaml.read(PANDOC, filename="refs.yaml")
    lib = result.library
    assert lib.keys() == ["doe2020", "bad", "later"]  # "bad" loses only its author
    book = lib["doe2020"]
    assert book["volume"] == "1.10"  # not the float 1.1
    assert book["note"] == "yes"  # not True
    assert book["issue"] == "012"  # not the octal 10
    assert book["title"] == "Ein Buch über Ökonomie"
    assert book.names("author") == [Name(family="Doe", given="Jane"), Name(literal="Acme Corp")]
    assert book.date("issued") is not None
    assert book.date("issued").start == (2020, 5, 14)  # type: ignore[union-attr]


def test_bad_items_are_skipped_and_bad_fields_dropped_with_their_lines() -> None:
    result = cslyaml.read(PANDOC, filename="refs.yaml")
    bad = [(d.code, d.line, d.key, d.field) for d in result.diagnostics]
    assert bad == [
        ("missing-type", 14, "bad", None),
        ("bad-field", 15, "bad", "author"),  # the field's own line
        ("bad-item", 16, None, None),
        ("missing-type", 17, "later", None),
    ]
    assert all(d.file == "refs.yaml" for d in result.diagnostics)
    assert "author" not in result.library["bad"]


def test_bare_list_and_syntax_errors() -> None:
    assert cslyaml.read("- id: a\n  title: A\n").library.keys() == ["a"]
    broken = cslyaml.read("references:\n- id: a\n  title: [unclosed\n", filename="x.yaml")
    assert len(broken.library) == 0
    assert broken.diagnostics[0].code == "bad-yaml"
    assert broken.diagnostics[0].line is not None
    assert cslyaml.read("title: nothing here\n").diagnostics[0].code == "bad-structure"


def test_duplicate_ids_keep_the_first_as_every_reader_does() -> None:
    """Ids are never altered; the second item is an error naming its line."""
    result = cslyaml.read(
        "- id: a\n  type: book\n  title: One\n- id: a\n  type: book\n  title: Two\n",
        filename="x.yaml",
    )
    assert result.library.keys() == ["a"]
    assert result.library["a"]["title"] == "One"
    (problem,) = result.diagnostics
    assert (problem.code, problem.severity, problem.line) == ("duplicate-key", Severity.ERROR, 4)


def test_writes_unicode_in_order_with_flow_date_parts() -> None:
    lib = Library(
        [
            Record(
                "gödel1931",
                "article-journal",
                title="Über formal unentscheidbare Sätze",
                author=[Name(family="Gödel", given="Kurt")],
                issued=Date.from_parts((1931,)),
                volume="38",
            )
        ]
    )
    text = cslyaml.write(lib)
    assert text.startswith("references:\n- id: gödel1931\n  type: article-journal\n  title: Über")
    assert "date-parts: [[1931]]" in text
    assert "volume: '38'" in text  # quoted, so it stays a string
    assert cslyaml.read(text).library == lib
    assert cslyaml.read(cslyaml.write(lib, bare=True)).library == lib
    assert cslyaml.read(cslyaml.write(lib, delimiters=True)).library == lib
    assert read_string(text, "yaml").library == lib


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_items = st.lists(
    st.fixed_dictionaries(
        {"title": _text, "volume": _text, "note": _text},
        optional={
            "author": st.lists(
                st.fixed_dictionaries({"family": _text, "given": _text}), max_size=3
            ),
            "issued": st.builds(
                lambda p: {"date-parts": [p]},
                st.lists(st.integers(1, 2100), min_size=1, max_size=3),
            ),
            "number-of-pages": st.integers(0, 10_000),
        },
    ),
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(_items)
def test_round_trip_property(items: list[dict[str, object]]) -> None:
    lib = Library.from_json(
        [{"id": f"k{i}", "type": "book", **item} for i, item in enumerate(items)]
    )
    assert cslyaml.read(cslyaml.write(lib)).library == lib


def test_lines_give_the_line_each_item_starts_on() -> None:
    text = "references:\n- id: a\n  title: One\n\n- id: b\n  title: Two\n- id: a\n  title: Again\n"
    result = cslyaml.read(text, filename="x.yaml")
    assert result.lines == {"a": 2, "b": 5}


# --- issue 12 ---------------------------------------------------------------


def test_an_invalid_timestamp_is_kept_as_text_with_a_warning() -> None:
    """``title: !!timestamp x`` raised AttributeError out of the reader."""
    text = "- id: a\n  type: book\n  title: !!timestamp x\n- id: b\n  type: book\n  title: ok\n"
    result = cslyaml.read(text, filename="t.yaml")
    assert result.library["a"]["title"] == "x"
    assert result.library["b"]["title"] == "ok"
    assert [(d.severity, d.code, d.line, d.key) for d in result.diagnostics] == [
        (Severity.WARNING, "bad-value", 3, "a")
    ]


def test_an_integer_of_more_than_4300_digits_is_kept_as_text() -> None:
    digits = "9" * 5000
    result = cslyaml.read(
        f"- id: a\n  type: book\n  volume: {digits}\n  title: T\n", filename="n.yaml"
    )
    assert result.library["a"]["volume"] == digits
    assert result.library["a"]["title"] == "T"
    assert [(d.code, d.line) for d in result.diagnostics] == [("bad-value", 3)]


def test_an_empty_tagged_number_is_a_warning_not_a_crash() -> None:
    result = cslyaml.read(
        "- id: a\n  type: book\n  volume: !!float \n  issue: !!int \n", filename="e.yaml"
    )
    assert "a" in result.library
    assert {d.code for d in result.diagnostics} == {"bad-value"}


PANDOC_FRONT_MATTER = """---
title: A document
nocite: '@*'
references:
- id: doe2020
  type: book
  title: A book
  issued: 2020
...

# Introduction

Text with a colon: and [@doe2020].
"""


def test_pandoc_front_matter_with_markdown_after_it_is_read() -> None:
    """``citekit bib - < refs.yaml`` read 0 entries from pandoc's front matter form."""
    for text in (PANDOC_FRONT_MATTER, PANDOC_FRONT_MATTER.replace("\n...\n", "\n---\n")):
        result = cslyaml.read(text, filename="doc.md")
        assert result.library.keys() == ["doe2020"], result.diagnostics
        assert result.lines["doe2020"] == 5
        assert not result.diagnostics


def test_a_references_mapping_and_a_yaml_stream_still_read() -> None:
    assert cslyaml.read("references:\n- id: a\n  type: book\n").library.keys() == ["a"]
    assert cslyaml.read("---\n- id: a\n---\n- id: b\n").library.keys() == ["a"]


def test_a_lone_surrogate_is_written_as_a_replacement_character() -> None:
    """yaml.dump raised UnicodeEncodeError on a lone surrogate."""
    text = cslyaml.write(Library([Record("k", "book", title="a\ud800b")]))
    text.encode("utf-8")
    assert cslyaml.read(text).library["k"]["title"] == "a\ufffdb"


def test_a_float_in_custom_data_comes_back_a_float() -> None:
    """A fuzz find: the reader keeps untagged decimals as text (``version: 1.50``),
    so the writer tags floats ``!!float``; text that looks like one stays quoted."""
    from citekit.formats import read_string, write_string

    library = read_string(
        '[{"id":"a","type":"book","version":"1.50","custom":{"biblatex":56058.135608}}]', "csljson"
    ).library
    text = write_string(library, "cslyaml")
    assert "!!float 56058.135608" in text and "version: '1.50'" in text
    back = read_string(text, "cslyaml").library["a"].to_json()
    assert back["custom"] == {"biblatex": 56058.135608}
    assert back["version"] == "1.50"


#: Plain scalars on which YAML 1.1, YAML 1.2 and pandoc disagree somewhere.
_SCALARS = (
    "1.10", "012", "yes", "no", "true", "FALSE", "~", "Null", "1e3", "3.0e-2", "1.", ".5",
    ".inf", "-.inf", ".NaN", "0x1F", "0o7", "1_000", "12", "-3", "+5", "2020-05-14", "1:30",
)  # fmt: skip


def test_scalars_read_as_the_shared_yaml_loader_reads_them_except_floats() -> None:
    """One YAML dialect (citekit.base.yamlload) for every YAML citekit reads; CSL-YAML
    differs only in keeping what would be a float as the text it is."""
    for scalar in _SCALARS:
        result = read_string(f"- id: a\n  type: book\n  custom:\n    v: {scalar}\n", "cslyaml")
        assert result.diagnostics == [], scalar
        read = result.library["a"].custom["v"]
        shared = yamlload.load(f"v: {scalar}")["v"]
        if isinstance(shared, float):
            assert read == scalar, scalar
        else:
            assert read == shared and type(read) is type(shared), scalar


def test_a_bad_field_costs_only_itself_as_in_csl_json() -> None:
    """One bad date cost the whole YAML item; a missing type went unreported."""
    text = (
        "- id: m1\n"
        "  type: book\n"
        "  title: T\n"
        "  author:\n"
        "    - family: A\n"
        "      given: [B, C]\n"
        "  issued:\n"
        "    date-parts:\n"
        "      - [x]\n"
        "- id: m2\n"
        "  title: no type\n"
    )
    result = cslyaml.read(text, filename="ml.yaml")
    assert result.library.keys() == ["m1", "m2"]
    m1 = result.library["m1"]
    assert m1["title"] == "T" and "issued" not in m1
    assert m1.names("author") == [Name(family="A")]
    assert result.library["m2"].type == "document"
    found = [(d.code, d.severity, d.line, d.key, d.field) for d in result.diagnostics]
    assert found == [
        ("bad-name", Severity.WARNING, 5, "m1", "author"),
        ("bad-field", Severity.ERROR, 8, "m1", "issued"),
        ("missing-type", Severity.WARNING, 10, "m2", None),
    ]
    assert all(d.file == "ml.yaml" for d in result.diagnostics)


def test_an_alias_bomb_costs_only_its_field_and_is_refused_without_walking_it() -> None:
    """Nine levels of nine aliases stand for 9**9 items: the per-field policy must
    refuse the field from the shared nodes, not visit every item they stand for."""
    levels = "".join(
        f"    l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
    )
    text = (
        "- id: bomb\n  type: book\n  title: T\n  custom:\n"
        "    l0: &a0 [x, x, x, x, x, x, x, x, x]\n" + levels + "- id: fine\n  type: book\n"
    )
    started = time.perf_counter()
    result = cslyaml.read(text, filename="refs.yaml")
    assert time.perf_counter() - started < 5  # minutes when every item was visited
    assert result.library.keys() == ["bomb", "fine"]
    assert result.library["bomb"]["title"] == "T" and "custom" not in result.library["bomb"]
    [problem] = result.diagnostics
    assert (problem.code, problem.line, problem.field) == ("bad-field", 5, "custom")

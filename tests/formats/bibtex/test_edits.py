"""Editing a .bib file's text: blocks located exactly, entries scanned as the reader
reads them, edits laid out like their neighbours, and nothing else touched."""

from __future__ import annotations

import pytest
from bibtexparser import model as bib

from citekit.formats.bibtex.edits import (
    EntryEdit,
    SourceEditError,
    TextEdits,
    checked,
    entry_blocks,
    key_renamer,
    locate_blocks,
    redirect,
    scan_entry,
    scan_entry_lenient,
    split_keys,
)

TEXT = (
    "% head\r\n@string{m = {Macro}}\r\n\r\n@article{a,\r\n  title = {A},\r\n"
    "  publisher = m # {x}\r\n}\r\n@book{bad,\r\n  title = {open\r\n\r\n"
    '@misc{b, title = "B {c}", year = 2000,} @misc{a, title={dup}}\r\n'
)


def test_blocks_are_located_exactly_where_they_stand() -> None:
    located = locate_blocks(TEXT)
    assert [TEXT[item.start : item.end] for item in located] == [item.block.raw for item in located]
    kinds = [type(item.block).__name__ for item in located]
    assert kinds == [
        "ImplicitComment",
        "String",
        "Entry",
        "ParsingFailedBlock",
        "Entry",
        "DuplicateBlockKeyBlock",
    ]
    # the reader's entries: the first 'a' only, not the unparsed block nor the duplicate
    blocks = entry_blocks(located)
    assert list(blocks) == ["a", "b"]
    assert TEXT[blocks["a"].start :].startswith("@article{a,")


def test_an_entry_is_scanned_as_the_reader_reads_it() -> None:
    item = entry_blocks(locate_blocks(TEXT))["b"]
    assert item.entry is not None
    source = scan_entry(TEXT[item.start : item.end], item.entry)
    assert source.key == "b" and source.entry_type == "misc"
    assert [(f.name, f.value) for f in source.fields] == [("title", '"B {c}"'), ("year", "2000")]
    assert source.raw[source.close] == "}"
    with pytest.raises(SourceEditError):
        scan_entry("@misc{x, title = {open}")


def test_a_mismatch_with_the_reader_is_refused() -> None:
    entry = bib.Entry("misc", "x", [bib.Field("title", "{other}")])
    with pytest.raises(SourceEditError, match="as the reader reads it"):
        scan_entry("@misc{x, title = {mine}}", entry)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@misc{k,\n  title = {T}\n}", "@misc{k,\n  title = {T},\n  ids = {a}\n}"),
        ("@misc{k,\n\ttitle={T},\n}", "@misc{k,\n\ttitle={T},\n\tids={a},\n}"),
        ("@misc{k, title = {T}}", "@misc{k, title = {T}, ids = {a}}"),
        ("@misc{k,\r\n  title = {T}\r\n}", "@misc{k,\r\n  title = {T},\r\n  ids = {a}\r\n}"),
        ("@misc{k,}", "@misc{k,\n  ids = {a},}"),
        ("@misc(k, title = {T})", "@misc(k, title = {T}, ids = {a})"),
    ],
)
def test_a_field_is_added_in_the_entry_s_own_layout(raw: str, expected: str) -> None:
    edit = EntryEdit(scan_entry(raw))
    edit.set("ids", "{a}")
    assert edit.apply() == expected


def test_changed_values_and_keys_replace_only_their_spans() -> None:
    raw = '@Misc{k,\n  Crossref = "p1",\n  TITLE = {T}\n}'
    edit = EntryEdit(scan_entry(raw), key="New")
    redirect(edit, {"p1": "P"})
    assert checked(edit) == '@Misc{New,\n  Crossref = "P",\n  TITLE = {T}\n}'


def test_lists_of_keys_keep_their_delimiters() -> None:
    assert split_keys("{a, b}") == ("{", "}", ["a", "b"])
    assert split_keys("a") == ("", "", ["a"])
    edit = EntryEdit(scan_entry("@misc{k, xref = {a, b}}"))
    redirect(edit, {"b": "a"})
    assert edit.apply() == "@misc{k, xref = {a}}"


def test_an_odd_entry_still_gets_a_new_key_but_never_a_guessed_field_edit() -> None:
    raw = "@misc{g3, title = }"
    entry = bib.Entry("misc", "g3", [bib.Field("title", "")])
    with pytest.raises(SourceEditError):
        scan_entry(raw, entry)
    source = scan_entry_lenient(raw, entry, ("crossref",))
    assert EntryEdit(source, key="G").apply() == "@misc{G, title = }"
    crossref = bib.Entry("misc", "g3", [bib.Field("crossref", "")])
    with pytest.raises(SourceEditError):
        scan_entry_lenient("@misc{g3, crossref = }", crossref, ("crossref",))


def test_an_edit_that_would_break_the_entry_is_refused() -> None:
    edit = EntryEdit(scan_entry("@misc{k, title = {T}}"))
    edit.set("note", "{unbalanced")
    with pytest.raises(SourceEditError):
        checked(edit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@a{x,}\n\n@b{y,}\n\n@c{z,}\n", "@a{x,}\n\n@c{z,}\n"),
        ("% c\n@b{y,}\n\n@c{z,}\n", "% c\n\n@c{z,}\n"),
        ("@a{x,}\n\n@b{y,}\n", "@a{x,}\n"),
        ("@a{x,}\r\n\r\n@b{y,}", "@a{x,}\r\n"),
        ("@b{y,}\n\n@a{x,}\n", "@a{x,}\n"),
        ("@a{x,} @b{y,} @c{z,}\n", "@a{x,} @c{z,}\n"),
        ("@a{x,} @b{y,}\n@c{z,}\n", "@a{x,}\n@c{z,}\n"),
        ("@a{x,}\n@b{y,} @c{z,}\n", "@a{x,}\n@c{z,}\n"),
    ],
)
def test_removing_a_block_leaves_no_hole(text: str, expected: str) -> None:
    located = {item.entry.key: item for item in locate_blocks(text) if item.entry}
    edits = TextEdits(text)
    edits.remove_block(located["y"])
    assert edits.apply() == expected


def test_adjacent_removals_at_the_end_join() -> None:
    text = "@a{x,}\n@bad{open,\n\n@b{y,}\n\n\n@c{z,}"
    located = {item.entry.key: item for item in locate_blocks(text) if item.entry}
    edits = TextEdits(text)
    edits.remove_block(located["y"])
    edits.remove_block(located["z"])
    assert edits.apply() == "@a{x,}\n@bad{open,\n"


def test_a_renamed_key_is_found_in_any_case_unless_written_as_a_key_that_stays() -> None:
    rename = key_renamer({"Conf2": "New", "dup": "X", "DUP": "Y"}, ["conf2"])
    assert rename("Conf2") == "New"
    assert rename("CONF2") == "New"
    assert rename("conf2") == "conf2"  # another entry's key, written exactly
    assert rename("Dup") == "Dup"  # two renamed keys match it: which one is unknown
    assert rename("other") == "other"


def test_a_renamed_list_of_keys_keeps_its_spacing_and_lists_a_merged_key_once() -> None:
    edit = EntryEdit(scan_entry("@misc{k, related = { a , B,c }}"))
    redirect(edit, {"a": "x", "b": "c"})
    assert edit.apply() == "@misc{k, related = { x , c}}"

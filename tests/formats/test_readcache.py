"""Parsed bibliographies kept between commands answer exactly as a fresh read."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from hashlib import blake2b
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citekit.formats.bibtex
from citekit.base import diskcache
from citekit.formats import ReadResult, get_format, read_string, readcache
from citekit.formats import read_remembered as read_with_cache
from citekit.ops.inputs import load_library

BIB = """@book{raimondo2000enemy,
  author = {Raimondo, Justin},
  title = {An Enemy of the State: The Life of Murray N. Rothbard},
  publisher = {Prometheus Books},
  year = {2000}
}

@article{broken,
  title = {Unclosed
  year = 2001
}

@book{after,
  author = {Doe, Jane and van der Berg, Piet},
  title = {{T}he \\emph{Other} Book},
  year = {1999},
  month = jan,
}
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The disk cache on, in a folder of the test's."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(diskcache.CACHE_ENV, str(folder))
    monkeypatch.delenv(diskcache.OFF_ENV, raising=False)
    diskcache.use_disk_cache()
    yield folder / "parsed-bibliographies"
    diskcache.use_disk_cache(False)


def read_remembered(
    text: str, format: str, *, filename: str, sentence_case: bool = True
) -> ReadResult:
    return read_with_cache(text, get_format(format), filename=filename, sentence_case=sentence_case)


def _facts(result: ReadResult) -> tuple[object, ...]:
    return (
        [record.to_json() for record in result.library],
        list(result.diagnostics),
        dict(result.lines),
    )


def _fresh(text: str, name: str, sentence_case: bool = True) -> ReadResult:
    return read_string(text, "biblatex", filename=name, sentence_case=sentence_case)


def test_a_kept_read_is_the_fresh_read_diagnostics_and_lines_included(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = read_remembered(BIB, "biblatex", filename="refs.bib")
    assert _facts(first) == _facts(_fresh(BIB, "refs.bib"))
    assert any(d.key == "broken" for d in first.diagnostics)
    second = read_remembered(BIB, "biblatex", filename="refs.bib")  # read again, and kept
    assert _facts(second) == _facts(first)

    def no_reading(*args: object, **kwargs: object) -> ReadResult:
        raise AssertionError("read again")

    monkeypatch.setattr(citekit.formats.bibtex, "read", no_reading)
    again = read_remembered(BIB, "biblatex", filename="refs.bib")
    assert again is not first
    assert _facts(again) == _facts(first)


@pytest.mark.parametrize(
    ("text", "name", "sentence_case"),
    [
        (BIB.replace("1999", "1998"), "refs.bib", True),  # the file was edited
        (BIB, "other.bib", True),  # the diagnostics name another file
        (BIB, "refs.bib", False),  # titles kept as typed
    ],
)
def test_any_change_of_text_name_or_option_reads_afresh(
    cache: Path, text: str, name: str, sentence_case: bool
) -> None:
    read_remembered(BIB, "biblatex", filename="refs.bib")
    changed = read_remembered(text, "biblatex", filename=name, sentence_case=sentence_case)
    assert _facts(changed) == _facts(_fresh(text, name, sentence_case))


def test_a_text_read_once_is_only_noted(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []

    reader = citekit.formats.bibtex.read

    def counted(text: str, **options: object) -> ReadResult:
        reads.append(text)
        return reader(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(citekit.formats.bibtex, "read", counted)
    for _ in range(4):
        read_remembered(BIB, "biblatex", filename="refs.bib")
    assert len(reads) == 2  # noted, then kept, then recalled twice
    edited = BIB.replace("1999", "1998")
    read_remembered(edited, "biblatex", filename="refs.bib")
    (entry,) = cache.iterdir()
    _, key, value = pickle.loads(entry.read_bytes())
    assert pickle.loads(value) == readcache._SEEN  # the note replaced the kept result
    assert key.endswith(blake2b(edited.encode(), digest_size=32).digest())
    assert len(reads) == 3


def test_an_edited_file_replaces_its_entry(cache: Path) -> None:
    for year in range(1990, 1995):
        for _ in range(2):  # noted, then kept
            read_remembered(BIB.replace("1999", str(year)), "biblatex", filename="refs.bib")
    assert len(list(cache.iterdir())) == 1


def test_a_damaged_entry_is_read_afresh(cache: Path) -> None:
    for _ in range(2):
        read_remembered(BIB, "biblatex", filename="refs.bib")
    (entry,) = cache.iterdir()
    entry.write_bytes(b"not a pickle")
    assert _facts(read_remembered(BIB, "biblatex", filename="refs.bib")) == _facts(
        _fresh(BIB, "refs.bib")
    )


def test_nothing_is_kept_while_the_cache_is_off(cache: Path) -> None:
    diskcache.use_disk_cache(False)
    read_remembered(BIB, "biblatex", filename="refs.bib")
    assert not cache.exists()


def test_load_library_adds_its_own_diagnostics_to_a_kept_read_each_time(
    cache: Path, tmp_path: Path
) -> None:
    path = tmp_path / "empty.bib"
    path.write_text("% nothing here\n", encoding="utf-8")
    for _ in range(3):  # the no-entries error is added once per load, never kept
        loaded = load_library(str(path))
        assert [d.code for d in loaded.diagnostics] == ["no-entries"]


def test_every_shared_corpus_file_comes_back_equal(cache: Path, shared: Path) -> None:
    corpus = shared / "corpus"
    files = sorted(corpus.glob("*.bib"))[:4]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        first = read_remembered(text, "biblatex", filename=path.name)
        read_remembered(text, "biblatex", filename=path.name)  # kept
        kept = read_remembered(text, "biblatex", filename=path.name)
        assert _facts(kept) == _facts(first), path.name


def test_a_warm_command_reads_without_the_bibtex_reader(tmp_path: Path) -> None:
    """Same output and exit code as without the cache, and no reader module imported."""
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    env = dict(os.environ, CITEKIT_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("CITEKIT_NO_DISK_CACHE", None)
    probe = (
        "import sys\n"
        "from citekit.cli import main\n"
        f"sys.argv = ['citekit', 'bib', {str(bib)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        "loaded = 'citekit.formats.bibtex.reader' in sys.modules\n"
        "print(json.dumps([code, loaded]), file=sys.stderr)\n"
    )
    command = [sys.executable, "-c", "import json\n" + probe]
    runs = [
        subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        for _ in "123"  # noted, kept, recalled
    ]
    cold, _, warm = ([*r.stderr.strip().splitlines()] for r in runs)
    assert json.loads(cold[-1]) == [1, True]  # the broken entry: exit code 1
    assert json.loads(warm[-1]) == [1, False]
    assert cold[:-1] == warm[:-1]  # the same messages, file and line included
    assert runs[0].stdout == runs[2].stdout
    assert "broken" in "\n".join(warm)


def test_the_fingerprint_covers_the_readers_code_and_the_parsers_they_use() -> None:
    lines = readcache._reading_code().decode("utf-8", "surrogatepass").splitlines()
    files = {Path(line.rsplit(":", 2)[0]) for line in lines[1:]}
    folders = {path.parent.name for path in files}
    assert {"bibtex", "formats", "model", "base", "citekit"} <= folders
    assert {"bibtexparser", "lxml", "yaml"} <= folders
    assert lines[0] == sys.version


def test_the_public_read_of_a_file_uses_it_too(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citekit.formats import read

    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    diskcache.use_disk_cache(False)
    fresh = _facts(read(path))
    diskcache.use_disk_cache()
    assert [_facts(read(path)) for _ in range(2)] == [fresh, fresh]  # noted, kept

    def no_reading(*args: object, **kwargs: object) -> ReadResult:
        raise AssertionError("read again")

    monkeypatch.setattr(citekit.formats.bibtex, "read", no_reading)
    assert [_facts(read(path)) for _ in range(2)] == [fresh, fresh]  # recalled, unchanged


def test_a_relative_name_in_two_folders_names_two_files(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``refs.bib`` of two projects: each keeps its own entry; neither answers for the other."""
    texts = {"one": BIB, "two": BIB.replace("1999", "1998")}
    for name, text in texts.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "refs.bib").write_text(text, encoding="utf-8")
    for _ in range(2):
        for name in texts:
            monkeypatch.chdir(tmp_path / name)
            read_remembered(texts[name], "biblatex", filename="refs.bib")
    assert len(list(cache.iterdir())) == 2  # both kept
    for name, text in texts.items():
        monkeypatch.chdir(tmp_path / name)
        kept = read_remembered(text, "biblatex", filename="refs.bib")
        assert _facts(kept) == _facts(_fresh(text, "refs.bib"))


# -- an edited file: unchanged entries keep their conversions ---------------------

EDITABLE = r"""@string{pub = {Prometheus Books}}

@book{parent,
  title = {The Parent Volume},
  publisher = pub,
  year = {2000}
}

@inbook{child,
  crossref = {parent},
  author = {Doe, Jane},
  title = {A Chapter of Some Length},
  date = {2001-13-45},
  note = {\unknowncommand{x}},
  pages = {1--10},
  foo = {bar}
}

@article{plain,
  author = {Raimondo, Justin and {Antiwar.com}},
  title = {Trump Should Meet With Kim Jong-un},
  journaltitle = {Antiwar.com},
  date = {2017}
}

@misc{last,
  title = {\emph{Emphasis} and {\'E}cole},
  year = 1999,
  month = jan
}
"""


def _conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of the entries converted from here on (reused ones are not)."""
    from citekit.formats.bibtex import reader

    converted: list[str] = []
    convert = reader._Reader.to_record

    def counted(self: reader._Reader, entry: reader.RawEntry) -> object:
        converted.append(entry.key)
        return convert(self, entry)

    monkeypatch.setattr(reader._Reader, "to_record", counted)
    return converted


def _converted_file(cache: Path) -> Path:
    (path,) = (cache.parent / "converted-entries").iterdir()
    return path


EDITS = [
    pytest.param("% a comment\n\n" + EDITABLE, (), id="every-entry-moved-down"),
    pytest.param(EDITABLE.replace("{Prometheus Books}", "{Cato}"), ("parent",), id="a-macro"),
    pytest.param(
        EDITABLE.replace("The Parent Volume", "The Parent"), ("parent", "child"), id="a-parent"
    ),
    pytest.param(EDITABLE.replace("  pages = {1--10},\n", ""), ("child",), id="field-lines-move"),
    pytest.param(EDITABLE.replace("{plain,", "{renamed,"), ("renamed",), id="a-new-key"),
    pytest.param(EDITABLE.replace("year = 1999", "year = 1998"), ("last",), id="a-value"),
    pytest.param(EDITABLE.replace("@misc{last", "@online{last"), ("last",), id="a-type"),
    pytest.param(EDITABLE.replace("{child,\n", "{child,\n\n\n"), ("child",), id="blank-lines"),
]


@pytest.mark.parametrize(("edited", "converted_again"), EDITS)
def test_an_edit_converts_only_the_entries_it_changed(
    cache: Path, monkeypatch: pytest.MonkeyPatch, edited: str, converted_again: tuple[str, ...]
) -> None:
    """Every read equals a fresh one, diagnostics' lines included; entries the edit
    left as they were (if only moved) are not converted again."""
    base = EDITABLE.replace("Length", "Size")  # an edit before the one tested
    read_remembered(EDITABLE, "biblatex", filename="refs.bib")  # noted
    read_remembered(base, "biblatex", filename="refs.bib")  # edited: its conversions kept
    converted = _conversions(monkeypatch)
    again = read_remembered(edited, "biblatex", filename="refs.bib")
    # the child differs from the base too: its title is back to "Length"
    assert sorted(converted) == sorted({"child", *converted_again})
    assert _facts(again) == _facts(_fresh(edited, "refs.bib"))


def test_diagnostics_move_with_their_entry(cache: Path) -> None:
    read_remembered(EDITABLE, "biblatex", filename="refs.bib")
    read_remembered(EDITABLE + "\n", "biblatex", filename="refs.bib")  # conversions kept
    moved = "@comment{one}\n@comment{two}\n@comment{three}\n" + EDITABLE
    again = read_remembered(moved, "biblatex", filename="./refs.bib")
    fresh = _fresh(moved, "./refs.bib")
    assert list(again.diagnostics) == list(fresh.diagnostics)
    date = next(d for d in again.diagnostics if d.code == "bad-date")
    assert (date.file, date.line, date.key, date.field) == ("./refs.bib", 16, "child", "date")


def test_the_second_read_keeps_the_conversions_for_the_first_edit(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text read once may never be read again: nothing kept; read twice, it is
    kept whole and entry by entry, so the first edit converts only what it changed."""
    read_remembered(EDITABLE, "biblatex", filename="refs.bib")  # noted
    assert not (cache.parent / "converted-entries").exists()
    read_remembered(EDITABLE, "biblatex", filename="refs.bib")  # kept
    assert _converted_file(cache).exists()
    read_remembered(EDITABLE, "biblatex", filename="refs.bib")  # recalled whole
    converted = _conversions(monkeypatch)
    edited = EDITABLE.replace("year = 1999", "year = 1998")
    again = read_remembered(edited, "biblatex", filename="refs.bib")
    assert converted == ["last"]
    assert _facts(again) == _facts(_fresh(edited, "refs.bib"))


def test_kept_conversions_serve_edit_after_edit_until_too_many_entries_changed(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = "".join(
        f"@book{{b{n},\n  author = {{Author, Number{n}}},\n  title = {{Book {n}}},\n"
        f"  year = {{{1900 + n}}}\n}}\n\n"
        for n in range(40)
    )
    read_remembered(entries, "biblatex", filename="many.bib")
    read_remembered(entries + "% 0\n", "biblatex", filename="many.bib")
    kept = _converted_file(cache)
    written = kept.read_bytes()
    converted = _conversions(monkeypatch)
    each: list[list[str]] = []
    for edit in range(1, 4):  # three entries changed, one after another: 3 of 40 differ
        entries = entries.replace(f"Book {edit}}}", f"Book {edit}, revised}}")
        again = read_remembered(entries, "biblatex", filename="many.bib")
        each.append(converted[:])
        assert _facts(again) == _facts(_fresh(entries, "many.bib"))
        converted.clear()
    assert each == [["b1"], ["b1", "b2"], ["b1", "b2", "b3"]]
    assert kept.read_bytes() == written  # 37 of 40 still came from it: not written again
    entries = entries.replace("Number", "Numero")  # every entry changed
    read_remembered(entries, "biblatex", filename="many.bib")
    assert kept.read_bytes() != written
    converted.clear()
    read_remembered(entries + "% last\n", "biblatex", filename="many.bib")
    assert converted == []


def test_damaged_conversions_are_converted_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_remembered(EDITABLE, "biblatex", filename="refs.bib")
    read_remembered(EDITABLE + "\n", "biblatex", filename="refs.bib")
    _converted_file(cache).write_bytes(b"\x80\x05not a pickle")
    converted = _conversions(monkeypatch)
    edited = EDITABLE + "\n\n"
    again = read_remembered(edited, "biblatex", filename="refs.bib")
    assert sorted(converted) == ["child", "last", "parent", "plain"]
    assert _facts(again) == _facts(_fresh(edited, "refs.bib"))


def test_conversions_damaged_inside_are_converted_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signatures load, the conversions beside them do not: nothing is taken."""
    read_remembered(EDITABLE, "biblatex", filename="refs.bib")
    read_remembered(EDITABLE + "\n", "biblatex", filename="refs.bib")
    path = _converted_file(cache)
    code, key, value = pickle.loads(path.read_bytes())
    signatures, _ = pickle.loads(value)
    damaged = pickle.dumps((signatures, b"\x80\x05damaged"))
    path.write_bytes(pickle.dumps((code, key, damaged)))
    converted = _conversions(monkeypatch)
    again = read_remembered(EDITABLE + "\n\n", "biblatex", filename="refs.bib")
    assert sorted(converted) == ["child", "last", "parent", "plain"]
    assert _facts(again) == _facts(_fresh(EDITABLE + "\n\n", "refs.bib"))


def test_a_replaced_file_loads_no_conversion_it_cannot_use(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signatures first: a file replaced by another never unpickles the old records."""
    read_remembered(EDITABLE, "biblatex", filename="refs.bib")
    read_remembered(EDITABLE + "\n", "biblatex", filename="refs.bib")
    loads: list[int] = []
    real = readcache._unpack_records

    def counted(data: bytes) -> object:
        loads.append(len(data))
        return real(data)

    monkeypatch.setattr(readcache, "_unpack_records", counted)
    other = BIB.replace("1999", "1997")
    assert _facts(read_remembered(other, "biblatex", filename="refs.bib")) == _facts(
        _fresh(other, "refs.bib")
    )
    assert loads == []
    read_remembered(other + "\n", "biblatex", filename="refs.bib")  # an edit of it
    assert len(loads) == 1  # the replacement's own conversions, kept by the read before


def test_stdin_keeps_no_conversions(cache: Path) -> None:
    """One pipeline's input is no edit of the last one's: nothing is converted for later."""
    for text in (EDITABLE, EDITABLE + "\n", EDITABLE + "\n\n"):
        assert _facts(read_remembered(text, "biblatex", filename="<stdin>")) == _facts(
            _fresh(text, "<stdin>")
        )
    assert not (cache.parent / "converted-entries").exists()


def test_a_returned_record_changed_by_its_caller_is_not_what_the_next_read_gets(
    cache: Path,
) -> None:
    """Conversions are kept as they were read, before the caller has the records."""
    read_remembered(EDITABLE, "biblatex", filename="refs.bib")
    first = read_remembered(EDITABLE + "\n", "biblatex", filename="refs.bib")
    first.library.get("plain").fields["title"] = "Changed by the caller"
    again = read_remembered(EDITABLE + "\n\n", "biblatex", filename="refs.bib")
    assert _facts(again) == _facts(_fresh(EDITABLE + "\n\n", "refs.bib"))


_BLOCKS = {
    "macro": ["@string{pub = {Prometheus Books}}\n", "@string{pub = {Cato Institute}}\n"],
    "parent": [
        "@book{parent,\n  title = {The Parent Volume},\n  publisher = pub,\n  year = {2000}\n}\n",
        "@book{parent,\n  title = {The Parent},\n  publisher = pub,\n  year = {2001}\n}\n",
    ],
    "child": [
        "@inbook{child,\n  crossref = {parent},\n  title = {A Chapter},\n  pages = {1--10}\n}\n",
        "@inbook{child,\n  crossref = {parent},\n  date = {2001-13-45},\n"
        "  title = {A Chapter}\n}\n",
        "@inbook{child,\n  crossref = {parent},\n\n  note = {\\odd{x}},\n"
        "  title = {A Chapter}\n}\n",
    ],
    "plain": [
        "@article{plain,\n  author = {Raimondo, Justin},\n  title = {Trump Should Meet},\n"
        "  journaltitle = {Antiwar.com},\n  date = {2017}\n}\n",
        "@article{plain,\n  author = {Raimondo, Justin},\n  title = {Trump should meet},\n"
        "  date = {2017-06-26},\n  foo = {bar}\n}\n",
    ],
    "twin": ["@misc{plain,\n  title = {The Same Key Again}\n}\n"],
    "broken": ["@misc{broken,\n  title = {Unclosed\n  year = 2001\n}\n"],
}
_NAMES = sorted(_BLOCKS)
_document = st.lists(
    st.tuples(
        st.sampled_from(_NAMES),
        st.integers(0, 2),
        st.sampled_from(["\n", "\n\n", "\n% a comment\n\n", ""]),
    ),
    min_size=1,
    max_size=7,
).map(
    lambda parts: "".join(
        _BLOCKS[name][variant % len(_BLOCKS[name])] + after for name, variant, after in parts
    )
)
_FILES = iter(range(10**9))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_document, min_size=2, max_size=6))
def test_any_sequence_of_edits_reads_as_fresh_reads(cache: Path, versions: list[str]) -> None:
    """Whatever a file goes through (entries moved, changed, duplicated, broken,
    macros and parents edited), each read of it equals a fresh read."""
    name = f"edited-{next(_FILES)}.bib"
    for text in versions:
        assert _facts(read_remembered(text, "biblatex", filename=name)) == _facts(
            _fresh(text, name)
        )


def test_a_file_only_ever_recalled_stays_among_the_files_kept(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Being recalled counts as use: files read after it was written do not push it out."""
    monkeypatch.setattr(readcache._READS, "limit", 3)
    for _ in range(2):  # noted, kept
        read_remembered(BIB, "biblatex", filename="mine.bib")
    (mine,) = cache.iterdir()
    for number in range(2):
        read_remembered(BIB, "biblatex", filename=f"other-{number}.bib")
    for age, path in enumerate(sorted(cache.iterdir(), key=lambda p: p != mine)):
        os.utime(path, ns=(age * 10**9, age * 10**9))  # mine the oldest written
    read_remembered(BIB, "biblatex", filename="mine.bib")  # recalled now
    read_remembered(BIB, "biblatex", filename="other-2.bib")  # a fourth file: one goes
    assert mine.exists()
    assert len(list(cache.iterdir())) == 3

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
    assert value == readcache._SEEN  # the note replaced the kept result
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

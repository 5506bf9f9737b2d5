"""How every command reads its inputs: kind, size, encoding, format, nothing read.

Regressions of issue 12: a directory gave an ``IsADirectoryError`` traceback
in ten commands, ``/dev/zero`` grew without end, invalid UTF-8 was read as
Latin-1 (and written back garbled), a UTF-16 file read as 0 records with exit
0, CSL-YAML on stdin could not be named, an empty file or a filter matching
nothing printed nothing with exit 0, one unknown key blanked ``bib`` and
``cite``, and ``render -o`` could overwrite the bibliography.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from citekit.cli import main
from citekit.styles.catalog import find_style

BIB = """\
@book{darwin1859,
  author = {Darwin, Charles},
  title = {On the Origin of Species},
  year = {1859},
  publisher = {John Murray},
}

@article{muller2000,
  author = {Müller, Hans},
  title = {Café Culture},
  journal = {Journal},
  year = {2000},
}
"""
YAML = """\
---
references:
- id: smith2001
  type: book
  title: A Book
  author:
  - family: Smith
    given: John
  issued:
    date-parts:
    - [2001]
...
"""

#: Every command that reads a bibliography, with FILE where the path goes.
READERS: dict[str, list[str]] = {
    "bib": ["bib", "FILE"],
    "cite": ["cite", "@darwin1859", "-b", "FILE"],
    "render": ["render", "doc.md", "--bib", "FILE"],
    "convert": ["convert", "FILE", "-t", "csljson"],
    "check": ["check", "FILE"],
    "list": ["list", "FILE"],
    "show": ["show", "FILE", "darwin1859"],
    "dedupe": ["dedupe", "FILE"],
    "keys": ["keys", "FILE"],
    "format": ["format", "FILE"],
    "quotes": ["quotes", "FILE"],
    "quotes verify": ["quotes", "verify", "FILE", "--source", "doc.md"],
}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "latin.bib").write_bytes(BIB.encode("latin-1"))
    (tmp_path / "doc.md").write_text("See [@darwin1859].\n", encoding="utf-8")
    (tmp_path / "dir.bib").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


def command_line(name: str, path: str, *extra: str) -> list[str]:
    return [path if arg == "FILE" else arg for arg in READERS[name]] + list(extra)


@pytest.mark.parametrize("name", sorted(READERS))
def test_a_directory_is_one_line_and_exit_2(folder: Path, name: str) -> None:
    result = run(*command_line(name, "dir.bib"))
    assert result.exit_code == 2, result.output
    assert result.stderr == "error: dir.bib is a directory, not a file\n"
    assert not isinstance(result.exception, IsADirectoryError)


@pytest.mark.parametrize("name", sorted(READERS))
def test_a_missing_file_is_one_line_and_exit_2(folder: Path, name: str) -> None:
    result = run(*command_line(name, "gone.bib"))
    assert result.exit_code == 2, result.output
    assert result.stderr == "error: no such file: gone.bib\n"


@pytest.mark.parametrize("name", sorted(READERS))
def test_invalid_utf8_is_an_error_unless_the_encoding_is_named(folder: Path, name: str) -> None:
    refused = run(*command_line(name, "latin.bib"))
    assert refused.exit_code == 1, refused.output
    line = BIB.split("\n").index("  author = {Müller, Hans},") + 1
    offset = BIB.encode("latin-1").index(b"\xfc")
    said = refused.stdout if name == "check" else refused.stderr  # check reports on stdout
    assert f"latin.bib:{line}: error: not valid UTF-8" in said
    assert f"byte offset {offset}" in said and "--encoding" in said
    assert "Ã" not in refused.output  # nothing decoded the wrong way was printed
    named = run(*command_line(name, "latin.bib", "--encoding", "latin-1"))
    assert named.exit_code == 0, named.output
    assert "Ã" not in named.output


def test_latin1_named_reads_the_right_characters(folder: Path) -> None:
    result = run("show", "latin.bib", "muller2000", "--encoding", "latin-1")
    assert result.exit_code == 0
    assert "title: Café" in result.stdout and "Hans Müller" in result.stdout


def test_an_unknown_encoding_is_a_usage_error(folder: Path) -> None:
    result = run("list", "refs.bib", "--encoding", "klingon")
    assert result.exit_code == 2
    assert "unknown text encoding 'klingon'" in result.stderr


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig"])
def test_a_file_with_a_byte_order_mark_is_read(folder: Path, codec: str) -> None:
    (folder / "marked.bib").write_bytes(BIB.encode(codec))
    result = run("list", "marked.bib")
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["darwin1859", "muller2000"]


def _citekit(*args: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "citekit", *args],
        capture_output=True,
        text=True,
        timeout=5,
        stdin=stdin,
        check=False,
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_at_once() -> None:
    result = _citekit("list", "/dev/zero")  # used to grow to 10 GB
    assert result.returncode == 2
    assert result.stderr == (
        "error: /dev/zero is a character device, not a file; "
        "give a regular file, or - to read stdin\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "lib.bib"
    os.mkfifo(fifo)
    result = _citekit("bib", str(fifo))
    assert result.returncode == 2
    assert "is a FIFO (named pipe), not a file" in result.stderr


def test_bib_reads_csl_yaml_on_stdin_named_with_from(folder: Path) -> None:
    result = run("bib", "-", "--from", "cslyaml", stdin=YAML)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Smith, J. (2001). A Book.")


def test_csl_yaml_on_stdin_is_recognised_without_from(folder: Path) -> None:
    result = run("bib", "-", stdin=YAML)
    assert result.exit_code == 0, result.output
    assert "Smith, J. (2001)" in result.stdout


def test_cite_reads_the_bibliography_from_stdin_with_from(folder: Path) -> None:
    result = run("cite", "@smith2001", "-b", "-", "-f", "yaml", stdin=YAML)
    assert result.exit_code == 0, result.output
    assert result.stdout == "(Smith, 2001)\n"


def test_csl_yaml_in_markdown_front_matter_is_read(folder: Path) -> None:
    (folder / "notes.md").write_text(YAML.replace("...\n", "---\n\nSome text.\n"))
    result = run("list", "notes.md")
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] == "smith2001"


def test_an_empty_file_says_so_and_exits_1(folder: Path) -> None:
    (folder / "empty.bib").write_text("")
    result = run("bib", "empty.bib")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "empty.bib: error: the file is empty: no entries [no-entries]" in result.stderr


def test_text_that_reads_as_no_entries_names_the_file(folder: Path) -> None:
    (folder / "refs.txt").write_text("Notes on what to read, no entries yet.\n")
    result = run("list", "refs.txt", "--from", "bibtex")
    assert result.exit_code == 1
    assert "refs.txt: error: no entries found" in result.stderr
    assert "--from" in result.stderr


def test_a_filter_that_matches_nothing_says_so(folder: Path) -> None:
    result = run("list", "refs.bib", "--author", "zzz")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "no entries match (of 2 in refs.bib)\n"


def test_bib_with_an_unknown_key_still_prints_the_others(folder: Path) -> None:
    result = run("bib", "refs.bib", "darwin1859", "darwin1895")
    assert result.exit_code == 1
    assert result.stdout.lower().startswith("darwin, c. (1859). on the origin of species.")
    assert result.stderr == "warning: unknown key 'darwin1895' (did you mean: darwin1859?)\n"


def test_cite_with_an_unknown_key_still_prints_the_others(folder: Path) -> None:
    result = run("cite", "@darwin1859; @nokey", "-b", "refs.bib")
    assert result.exit_code == 1
    assert result.stdout == "(Darwin, 1859); [unknown: nokey]\n"
    assert result.stderr == "warning: unknown key 'nokey'\n"


def test_show_with_an_unknown_key_exits_1_as_its_help_says(folder: Path) -> None:
    result = run("show", "refs.bib", "darwin1895")
    assert result.exit_code == 1
    assert "darwin1859" in result.stderr  # the closest key
    help_text = " ".join(run("show", "--help").stdout.split())
    assert "unknown key is a problem in the data, as in `citekit cite`: exit 1" in help_text


@pytest.mark.parametrize("target", ["refs.bib", "./refs.bib", "style.csl", "doc.md"])
def test_render_never_overwrites_an_input(folder: Path, target: str) -> None:
    assert find_style("apa").path is not None
    (folder / "style.csl").write_bytes(Path(find_style("apa").path).read_bytes())
    before = {p: (folder / p).read_bytes() for p in ("refs.bib", "doc.md", "style.csl")}
    args = ["render", "doc.md", "--bib", "refs.bib", "-o", target]
    if target == "style.csl":
        args += ["--style", "style.csl"]
    result = run(*args)
    assert result.exit_code != 0
    assert "refusing to overwrite the input file" in result.stderr
    assert {p: (folder / p).read_bytes() for p in before} == before


def test_render_protects_the_front_matters_bibliography(folder: Path) -> None:
    (folder / "fm.md").write_text("---\nbibliography: refs.bib\n---\nSee [@darwin1859].\n")
    result = run("render", "fm.md", "-o", "refs.bib")
    assert result.exit_code != 0
    assert "refusing to overwrite the input file" in result.stderr
    assert (folder / "refs.bib").read_text(encoding="utf-8") == BIB


def test_render_with_an_unknown_key_writes_and_exits_1(folder: Path) -> None:
    (folder / "typo.md").write_text("See [@darwin1895].\n")
    result = run("render", "typo.md", "--bib", "refs.bib", "-o", "out.md")
    assert result.exit_code == 1
    assert "???darwin1895" in (folder / "out.md").read_text()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_on_stdin_is_refused_at_once() -> None:
    with open("/dev/zero", "rb") as zero:
        result = _citekit("list", "-", stdin=zero.fileno())
    assert result.returncode == 2
    assert result.stderr == "error: <stdin> is a character device, not a file or a pipe\n"


def test_a_pipe_on_stdin_is_read(folder: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "citekit", "list", "-"],
        input=BIB,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "darwin1859"

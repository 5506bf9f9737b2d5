"""``citekit reader`` through click's runner."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document

from citekit.cli import main

LIST = """\
title = "The Old Right"
code = "HIS 300"
style = "apa"
libraries = ["refs.json"]

[[sections]]
id = "week-1"
title = "Week 1: Reclaiming"

[[sections.readings]]
key = "raimondo2008"
pages = "1-25"
annotation = "Start with the introduction."

[[sections]]
id = "week-2"
title = "Week 2: Rothbard"

[[sections.readings]]
key = "raimondo2000"
required = false
"""


@pytest.fixture
def course(
    tmp_path: Path,
    library_file: Callable[[list[dict[str, Any]]], Path],
    two_books: list[dict[str, Any]],
) -> Path:
    library_file(two_books)  # refs.json, as the list names it
    path = tmp_path / "course.toml"
    path.write_text(LIST, encoding="utf-8")
    return path


def reader(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(main, ["reader", *args])


@pytest.mark.parametrize("suffix", [".html", ".docx", ".md"])
def test_writes_each_format(runner: CliRunner, course: Path, suffix: str) -> None:
    out = course.parent / f"reader{suffix}"
    result = reader(runner, str(course), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "2 sections, 2 readings, 2 works" in result.stderr
    if suffix == ".docx":
        texts = [p.text for p in Document(str(out)).paragraphs]
        assert "Week 1: Reclaiming" in texts
    else:
        text = out.read_text(encoding="utf-8")
        assert "Week 2: Rothbard" in text and "Start with the introduction." in text
        assert "25 pages" in text


def test_paper_option(runner: CliRunner, course: Path) -> None:
    result = reader(runner, str(course), "-o", "-", "--format", "html", "--paper", "letter")
    assert result.exit_code == 0, result.output
    assert "@page { size: letter;" in result.stdout


def test_markdown_to_stdout(runner: CliRunner, course: Path) -> None:
    result = reader(runner, str(course), "-o", "-", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('---\ntitle: "The Old Right"\n')


def test_json_for_programs(runner: CliRunner, course: Path) -> None:
    result = reader(runner, str(course), "-o", "-", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["sections"]] == ["week-1", "week-2"]
    assert data["sections"][0]["entries"][0]["pages"] == 25


def test_unknown_key_names_file_and_line(runner: CliRunner, course: Path) -> None:
    course.write_text(
        LIST.replace('key = "raimondo2000"', 'key = "raimondo2001"'), encoding="utf-8"
    )
    result = reader(runner, str(course), "-o", str(course.parent / "r.html"))
    assert result.exit_code == 1
    assert f"{course}:20, entry 'raimondo2001': error: no entry 'raimondo2001'" in result.stderr
    assert "did you mean: " in result.stderr and "raimondo2000" in result.stderr
    assert not (course.parent / "r.html").exists()


def test_strict_refuses_a_reading_in_two_sections(runner: CliRunner, course: Path) -> None:
    # the same pages of the same book in two weeks
    course.write_text(
        LIST.replace(
            'key = "raimondo2000"\nrequired = false', 'key = "raimondo2008"\npages = "1-25"'
        ),
        encoding="utf-8",
    )
    out = course.parent / "r.md"
    relaxed = reader(runner, str(course), "-o", str(out))
    assert relaxed.exit_code == 0, relaxed.output
    assert "warning: 'raimondo2008' is also a reading in section 'week-1'" in relaxed.stderr
    strict = reader(runner, str(course), "-o", str(out), "--strict")
    assert strict.exit_code == 1
    assert f"{course}:20" in strict.stderr


def test_empty_section_exits_1(runner: CliRunner, course: Path) -> None:
    course.write_text(
        LIST + '\n[[sections]]\nid = "week-3"\ntitle = "Nothing yet"\n', encoding="utf-8"
    )
    result = reader(runner, str(course), "-o", str(course.parent / "r.md"))
    assert result.exit_code == 1
    assert "section 'week-3' has no readings" in result.stderr


def test_usage_errors_exit_2(runner: CliRunner, course: Path) -> None:
    assert reader(runner, str(course), "-o", "reader.odt").exit_code == 2
    assert reader(runner, str(course), "-o", "-").exit_code == 2
    assert reader(runner, str(course.parent / "missing.toml"), "-o", "r.md").exit_code == 2


def test_never_overwrites_an_input(runner: CliRunner, course: Path) -> None:
    before = (course.parent / "refs.json").read_text(encoding="utf-8")
    result = reader(
        runner, str(course), "-o", str(course.parent / "refs.json"), "--format", "markdown"
    )
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.stderr
    assert (course.parent / "refs.json").read_text(encoding="utf-8") == before


def test_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["reader", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "citekit reader course.toml" in result.output


def _serve(course: Path, port: str = "0") -> subprocess.Popen[str]:
    citekit = Path(sys.executable).with_name("citekit")
    command = [str(citekit)] if citekit.exists() else [sys.executable, "-m", "citekit"]
    return subprocess.Popen(
        [*command, "reader", str(course), "--serve", "--port", port],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )


def test_serve_gives_a_loopback_address_and_serves_the_reader(course: Path) -> None:
    process = _serve(course)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.search(r"at (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)", line)
        assert found, line
        with urllib.request.urlopen(found.group(1), timeout=10) as response:
            page = response.read().decode("utf-8")
        assert "<h1>The Old Right</h1>" in page and "<script nonce=" in page
        # The port is taken now: a second preview on it is a clear error, exit 1.
        second = _serve(course, found.group(2))
        _, error = second.communicate(timeout=60)
        assert second.returncode == 1 and f"cannot serve on 127.0.0.1:{found.group(2)}" in error
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_never_overwrites_the_style_or_a_zotero_database(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "formats"))
    import zotero_db

    zotero_db.build_sample(tmp_path)
    repo = Path(__file__).resolve().parents[2]
    (tmp_path / "my.csl").write_bytes((repo / "styles" / "annotated-reading-list.csl").read_bytes())
    (tmp_path / "empty.bib").write_text("", encoding="utf-8")
    (tmp_path / "z.toml").write_text(
        'title = "Z"\nstyle = "my.csl"\nlibraries = ["empty.bib"]\n[[sections]]\nid = "w1"\n'
        'title = "W1"\nzotero = "zotero.sqlite"\ncollection = "POL 240/Week 1"\n',
        encoding="utf-8",
    )
    for name in ("zotero.sqlite", "better-bibtex.sqlite", "my.csl"):
        before = (tmp_path / name).read_bytes()
        result = reader(
            runner, str(tmp_path / "z.toml"), "-o", str(tmp_path / name), "--format", "html"
        )
        assert result.exit_code == 2, name  # a usage error: -o names an input
        assert "refusing to overwrite" in result.stderr
        assert (tmp_path / name).read_bytes() == before


def test_json_goes_to_the_output_file(runner: CliRunner, course: Path) -> None:
    out = course.parent / "reader.json"
    result = reader(runner, str(course), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == json.loads(reader(runner, str(course), "--format", "json").stdout)


def test_a_reading_the_style_cannot_print_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "lib.bib").write_text(
        "@misc{nodate, title={A thing without author or date}}\n", encoding="utf-8"
    )
    (tmp_path / "nd.toml").write_text(
        'title = "ND"\nstyle = "chicago-notes-bibliography"\nlibraries = ["lib.bib"]\n'
        '[[sections]]\nid = "w1"\ntitle = "W1"\n[[sections.readings]]\nkey = "nodate"\n'
        'pages = "3-4"\nannotation = "Why."\n',
        encoding="utf-8",
    )
    out = tmp_path / "reader.md"
    result = reader(runner, str(tmp_path / "nd.toml"), "-o", str(out))
    assert result.exit_code == 1
    assert re.search(r"nd\.toml:8, entry 'nodate': error: .*no printed form", result.stderr)
    assert not out.exists()

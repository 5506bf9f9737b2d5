"""Reading-list loading: TOML and YAML, line numbers, and every shape problem at once."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from citekit.base.paths import ALLOW_ENV
from citekit.course.model import load_reading_list, parse_reading_list
from citekit.errors import ParseError

TOML = """\
title = "Korean Diplomacy"
code = "POL 240"
term = "Spring"
instructor = "A. Teacher"
style = "apa"
locale = "en-GB"
libraries = ["refs.bib", "more/extra.json"]

[[sections]]
id = "week-1"
title = "Week 1: The armistice"
description = "Start here."

[[sections.readings]]
key = "alpha"
pages = "33-45, 50"
annotation = "Why we read it."
note = "On reserve."

[[sections.readings]]
# key = "commented-out"
key = 'beta'
required = false
locator = "3"
label = "chapter"

[[sections]]
id = "week-2"
title = "Week 2: Talks"
readings = [ { key = "gamma", status = "optional" }, "delta" ]
"""


def test_toml_fields_and_lines(tmp_path: Path) -> None:
    listing = parse_reading_list(TOML, filename="course.toml", base=tmp_path)
    assert (listing.title, listing.code, listing.term, listing.instructor) == (
        "Korean Diplomacy",
        "POL 240",
        "Spring",
        "A. Teacher",
    )
    assert listing.style == "apa" and listing.locale == "en-GB"
    assert listing.libraries == (tmp_path / "refs.bib", tmp_path / "more/extra.json")
    week1, week2 = listing.sections
    assert (week1.id, week1.title, week1.description, week1.line) == (
        "week-1",
        "Week 1: The armistice",
        "Start here.",
        10,
    )
    alpha, beta = week1.readings
    assert (alpha.key, alpha.required, alpha.locator, alpha.label, alpha.line) == (
        "alpha",
        True,
        "33-45, 50",
        "page",
        15,
    )
    assert (alpha.annotation, alpha.note) == ("Why we read it.", "On reserve.")
    assert (beta.key, beta.required, beta.locator, beta.label, beta.line) == (
        "beta",
        False,
        "3",
        "chapter",
        22,
    )
    gamma, delta = week2.readings
    assert (gamma.key, gamma.required, gamma.line) == ("gamma", False, 30)
    assert (delta.key, delta.required, delta.line) == ("delta", True, 30)  # a bare key too
    assert listing.keys() == ["alpha", "beta", "gamma", "delta"]


def test_same_key_twice_gets_each_line() -> None:
    text = """title = "T"
libraries = ["a.bib"]
[[sections]]
id = "one"
title = "One"
[[sections.readings]]
key = "x"
[[sections]]
id = "two"
title = "Two"
[[sections.readings]]
key = "x"
"""
    listing = parse_reading_list(text, filename="c.toml")
    assert [r.line for _, r in listing.readings] == [7, 12]


YAML = """\
title: Korean Diplomacy
libraries: [refs.bib]
sections:
  - id: week-1
    title: "Week 1: The armistice"
    readings:
      - key: alpha
        pages: 33-45
      - key: beta
        required: false
  - id: week-2
    title: Week 2
    readings:
      - key: gamma
"""


def test_yaml_is_accepted_with_lines() -> None:
    listing = parse_reading_list(YAML, filename="course.yaml")
    assert [(r.key, r.line) for _, r in listing.readings] == [
        ("alpha", 7),
        ("beta", 9),
        ("gamma", 14),
    ]
    assert listing.sections[0].line == 4
    assert listing.sections[1].readings[0].required is True
    assert listing.style == "annotated-reading-list"


def test_yaml_keys_that_yaml_1_1_would_turn_into_booleans_stay_keys() -> None:
    """A citation key ``no`` or ``on`` is a key, as in CSL-YAML (YAML 1.2 scalars)."""
    listing = parse_reading_list(YAML.replace("key: gamma", "key: no"), filename="c.yaml")
    assert [r.key for _, r in listing.readings][-1] == "no"


def test_every_problem_is_reported_together() -> None:
    text = """libraries = []
[[sections]]
id = "a"
[[sections.readings]]
key = "k"
required = "yes"
pages = "1"
locator = "2"
[[sections.readings]]
note = "no key here"
"""
    with pytest.raises(ParseError) as caught:
        parse_reading_list(text, filename="bad.toml")
    codes = sorted(d.code for d in caught.value.diagnostics)
    assert codes == sorted(
        [
            "missing-title",
            "no-libraries",
            "missing-title",
            "bad-required",
            "two-locators",
            "missing-key",
        ]
    )
    bad = next(d for d in caught.value.diagnostics if d.code == "bad-required")
    assert (bad.file, bad.line, bad.key) == ("bad.toml", 5, "k")


def test_invalid_toml_names_the_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse_reading_list('title = "x"\n\nsections = [\n', filename="broken.toml")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == "bad-toml" and diagnostic.file == "broken.toml"
    assert diagnostic.line == 3
    with pytest.raises(ParseError) as caught:
        parse_reading_list('title = "x"\nlibraries = [1 2]\n', filename="broken.toml")
    assert caught.value.diagnostics[0].line == 2


def test_no_sections_and_duplicate_section_ids() -> None:
    with pytest.raises(ParseError) as caught:
        parse_reading_list('title = "x"\nlibraries = ["a.bib"]\n', filename="c.toml")
    assert [d.code for d in caught.value.diagnostics] == ["no-sections"]
    text = (
        'title = "x"\nlibraries = ["a.bib"]\n[[sections]]\nid = "s"\ntitle = "S"\n'
        '[[sections]]\nid = "s"\ntitle = "S again"\n'
    )
    with pytest.raises(ParseError) as caught:
        parse_reading_list(text, filename="c.toml")
    duplicate = caught.value.diagnostics[0]
    assert (duplicate.code, duplicate.line) == ("duplicate-section", 7)


def test_load_resolves_paths_against_the_list_file(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "house.csl").write_text("<style/>", encoding="utf-8")
    (folder / "list.toml").write_text(
        'title = "T"\nstyle = "house.csl"\nlibraries = ["data/../refs.bib"]\n'
        '[[sections]]\nid = "a"\ntitle = "A"\nreadings = ["k"]\n',
        encoding="utf-8",
    )
    listing = load_reading_list(folder / "list.toml")
    assert listing.libraries == (folder / "data/../refs.bib",)
    assert listing.style == str(folder / "house.csl")
    assert listing.source == str(folder / "list.toml")


OUTSIDE = (
    'title = "T"\nstyle = "{style}"\nlibraries = ["ok.bib", "{library}"]\n'
    '[[sections]]\nid = "a"\ntitle = "A"\nreadings = ["k"]\n'
)


@pytest.mark.parametrize(
    "library, style",
    [
        ("../refs.bib", "apa"),
        ("/etc/passwd", "apa"),
        ("ok.bib", "../house.csl"),
        ("/dev/zero", "/etc/house.csl"),
    ],
)
def test_paths_outside_the_list_folder_are_problems_with_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: str, style: str
) -> None:
    """Regression: a reading list could name any file (``../``, absolute, /dev/zero)."""
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    folder = tmp_path / "course"
    folder.mkdir()
    path = folder / "list.toml"
    path.write_text(OUTSIDE.format(library=library, style=style), encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load_reading_list(path)
    outside = [d for d in caught.value.diagnostics if d.code == "path-outside-project"]
    expected = [(3, library)] if library != "ok.bib" else []
    expected += [(2, style)] if style != "apa" else []
    assert sorted((d.line, d.message.split("'")[1]) for d in outside) == sorted(expected)
    assert all("outside the project folder" in d.message and d.file == str(path) for d in outside)
    monkeypatch.setenv(ALLOW_ENV, os.pathsep.join([str(tmp_path), "/etc", "/dev"]))
    assert len(load_reading_list(path).libraries) == 2


def test_reader_refuses_a_library_outside_the_project_end_to_end(tmp_path: Path) -> None:
    """``citekit reader`` on a list naming ``../``: a clear error, nothing of the file shown."""
    (tmp_path / "secret.bib").write_text(
        "@book{k, title={TOP SECRET hunter2}, author={Doe, J.}, year={2000}}\n", encoding="utf-8"
    )
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "list.toml").write_text(
        'title = "T"\nlibraries = ["../secret.bib"]\n'
        '[[sections]]\nid = "a"\ntitle = "A"\nreadings = ["k"]\n',
        encoding="utf-8",
    )
    environment = {k: v for k, v in os.environ.items() if k != ALLOW_ENV}
    command = [sys.executable, "-m", "citekit", "reader", "list.toml", "-o", "out.md"]
    refused = subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=folder,
        env=environment,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1
    assert (
        "list.toml:2: error: library file '../secret.bib' is outside the project "
        "folder" in refused.stderr
    )
    assert "hunter2" not in refused.stderr and not (folder / "out.md").exists()
    allowed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=folder,
        env=environment | {ALLOW_ENV: str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert allowed.returncode == 0, allowed.stderr
    assert "hunter2" in (folder / "out.md").read_text(encoding="utf-8")


def test_dev_zero_in_a_reading_list_is_a_clear_error_end_to_end(tmp_path: Path) -> None:
    """Regression: ``/dev/zero`` as a library grew to 10 GB; even allowed, it is refused."""
    (tmp_path / "list.toml").write_text(
        'title = "T"\nlibraries = ["/dev/zero"]\n'
        '[[sections]]\nid = "a"\ntitle = "A"\nreadings = ["k"]\n',
        encoding="utf-8",
    )
    environment = {k: v for k, v in os.environ.items() if k != ALLOW_ENV}
    command = [sys.executable, "-m", "citekit", "reader", "list.toml", "-o", "out.md"]
    for env, expected in (
        ({}, "outside the project folder"),
        ({ALLOW_ENV: "/dev"}, "/dev/zero is a character device"),
    ):
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            env=environment | env,
            timeout=120,
            check=False,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3)),
        )
        assert done.returncode == 1, done.stderr
        assert expected in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / "out.md").exists()


def test_bare_keys_have_their_own_lines_and_do_not_take_later_ones(tmp_path: Path) -> None:
    text = (
        'title="P"\nstyle="apa"\nlibraries=["lib.bib"]\n\n[[sections]]\nid="w1"\ntitle="W1"\n'
        'readings=["smith2091"]\n\n[[sections]]\nid="w2"\ntitle="W2"\n\n[[sections.readings]]\n'
        'key="brown2021"\n\n[[sections.readings]]\nkey="smith2091"\npages="3"\n'
    )
    listing = parse_reading_list(text, filename="pos.toml", base=tmp_path)
    assert [(r.key, r.line) for _, r in listing.readings] == [
        ("smith2091", 8),
        ("brown2021", 15),
        ("smith2091", 18),
    ]


def test_bare_keys_in_a_multi_line_array_skip_comments_and_strings(tmp_path: Path) -> None:
    text = (
        'title = "T"\nlibraries = ["x.bib"]\n[[sections]]\nid = "w1"\ntitle = "W"\n'
        "readings = [\n"
        '  "a",  # "not-a-key"\n'
        '  { key = "b", note = "c" },\n'
        "  'c', \"\\u0064\",\n"
        "]\n"
    )
    listing = parse_reading_list(text, filename="m.toml", base=tmp_path)
    assert [(r.key, r.line) for _, r in listing.readings] == [
        ("a", 7),
        ("b", 8),
        ("c", 9),
        ("d", 9),
    ]


def test_yaml_bare_keys_have_their_lines(tmp_path: Path) -> None:
    text = (
        "title: Y\nlibraries: [lib.bib]\nsections:\n  - id: w1\n    title: W1\n"
        "    readings: [smith2091]\n  - id: w2\n    title: W2\n    readings:\n"
        "      - brown2021\n      - key: smith2091\n"
    )
    listing = parse_reading_list(text, filename="y.yaml", base=tmp_path)
    assert [(r.key, r.line) for _, r in listing.readings] == [
        ("smith2091", 6),
        ("brown2021", 10),
        ("smith2091", 11),
    ]

"""``citekit cite "@doi:…"`` and ``citekit render`` with cited identifiers, end to end.

The real client runs against the local fake services (tests/sources/fakeservices.py);
every base URL not aimed at them points at a closed local port, and the cache
lives in the test's temporary folder, so no test can reach a real service.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sources"))

from fakeservices import FakeServices, aim_nowhere, serving

import citekit
from citekit.cli import main

NATURE = "doi:10.1038/nature14539"
BIB = "@book{doe2000,\n  author = {Doe, John},\n  title = {First Book},\n  year = 2000,\n}\n"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    aim_nowhere(monkeypatch, tmp_path / "cache")
    monkeypatch.chdir(tmp_path)  # no references.bib here


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServices]:
    with serving(monkeypatch) as fake:
        yield fake


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cite_a_doi_without_any_bibliography(services: FakeServices) -> None:
    code, out, err = run("cite", f"[@{NATURE}, p. 437]", "-s", "apa", "-B")
    assert code == 0, err
    assert out.startswith("(LeCun et al., 2015, p. 437)\n")
    assert "LeCun, Y., Bengio, Y., & Hinton, G. (2015). Deep learning. Nature" in out
    assert err == ""


def test_cite_mixes_library_keys_and_identifiers(services: FakeServices, bib: Path) -> None:
    code, out, err = run(
        "cite", f"[@doe2000; @{NATURE}]", "@arxiv:1706.03762v5 [p. 3]", "-b", str(bib), "-s", "apa"
    )
    assert code == 0, err
    assert out == "(Doe, 2000; LeCun et al., 2015)\nVaswani et al. (2017, p. 3)\n"
    assert bib.read_text(encoding="utf-8") == BIB  # nothing is written to the .bib


def test_identifiers_alone_do_not_excuse_a_missing_bibliography_for_keys(
    services: FakeServices,
) -> None:
    code, _, err = run("cite", f"[@{NATURE}; @doe2000]")
    assert code == 2
    assert "no bibliography given" in err


def test_the_second_cite_is_answered_by_the_cache(services: FakeServices, tmp_path: Path) -> None:
    first = run("cite", f"@{NATURE}", "-s", "apa")
    asked = len(services.requests)
    assert asked == 2  # doi.org's redirect, then the agency
    second = run("cite", f"@{NATURE}", "-s", "apa")
    assert second == first
    assert len(services.requests) == asked
    assert list((tmp_path / "cache" / "http").rglob("*.json"))


def test_no_cache_asks_again(services: FakeServices) -> None:
    run("cite", "@pmid:26017442", "--no-cache")
    run("cite", "@pmid:26017442", "--no-cache")
    assert services.count("/ncbi/") == 2


def test_a_failing_identifier_among_good_ones_exits_1(services: FakeServices) -> None:
    code, out, err = run(
        "cite", f"@{NATURE}", "[@doi:10.5555/missing]", "[@pmid:26017442]", "-s", "apa"
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "(LeCun et al., 2015)"
    assert "doi:10.5555/missing" in lines[1]
    assert lines[2] == "(LeCun et al., 2015)"  # the PMID of the same paper: the same work
    assert "warning: cannot resolve 'doi:10.5555/missing': doi.org has no record of it" in err
    assert "warning: unknown key 'doi:10.5555/missing'" in err


def test_offline_cite_never_asks(services: FakeServices) -> None:
    run("cite", f"@{NATURE}")
    asked = len(services.requests)
    code, out, err = run("cite", f"@{NATURE}", "@arxiv:1706.03762v5", "--offline", "-s", "apa")
    assert len(services.requests) == asked
    assert code == 1
    assert out.splitlines()[0] == "(LeCun et al., 2015)"
    assert "cannot resolve 'arxiv:1706.03762v5': not in the cache, and offline mode" in err


def test_no_resolve_leaves_identifiers_unknown(services: FakeServices, bib: Path) -> None:
    code, _, err = run("cite", f"@{NATURE}", "-b", str(bib), "--no-resolve")
    assert code == 1
    assert f"unknown key '{NATURE}'" in err
    assert services.requests == []


COLON_BIB = (
    "@book{smith:2020,\n  author = {Smith, Ann},\n  title = {Colons},\n  year = 2020,\n}\n"
    "@article{doi:10.1038/nature14539,\n  author = {Roe, Jane},\n  title = {Kept},\n"
    "  journal = {J},\n  year = 2001,\n}\n"
)


def test_keys_with_a_colon_are_read_from_the_bibliography_without_a_lookup(
    services: FakeServices, tmp_path: Path
) -> None:
    """A colon sends the keys to the resolver, which leaves alone all the library has."""
    path = tmp_path / "colons.bib"
    path.write_text(COLON_BIB, encoding="utf-8")
    clusters = ["[@smith:2020, p. 4]", f"[@{NATURE}; @smith:2020]"]
    code, out, err = run("cite", *clusters, "-b", str(path), "-s", "apa")
    assert (code, err) == (0, "")
    library = citekit.load_library(str(path)).library
    parsed = [
        citekit.parse_cluster(text, "en-US", note_number=n) for n, text in enumerate(clusters, 1)
    ]
    expected = citekit.render(library, "apa", citations=parsed)
    assert out == citekit.format_citations(expected)
    assert services.requests == []


DOCUMENT = (
    "Deep learning [@doi:10.1038/nature14539, p. 437], attention [@arxiv:1706.03762v5]\n"
    "and a book [@doe2000].\n"
)


@pytest.fixture
def paper(tmp_path: Path, bib: Path) -> Path:
    path = tmp_path / "paper.md"
    path.write_text(f"---\nbibliography: {bib.name}\ncsl: apa\n---\n{DOCUMENT}", encoding="utf-8")
    return path


def test_render_resolves_a_document_in_one_batch(
    services: FakeServices, paper: Path, bib: Path
) -> None:
    code, out, err = run("render", str(paper))
    assert code == 0, err
    assert "Deep learning (LeCun et al., 2015, p. 437), attention (Vaswani et al., 2017)" in out
    assert "and a book (Doe, 2000)." in out
    assert "Vaswani, A., Shazeer, N., Parmar, N., & Kaiser, Ł. (2017)." in out
    assert bib.read_text(encoding="utf-8") == BIB
    asked = len(services.requests)
    again = run("render", str(paper))
    assert again == (code, out, err)
    assert len(services.requests) == asked  # the cache answered


def test_render_warns_with_the_reason_and_exits_1(services: FakeServices, paper: Path) -> None:
    paper.write_text(
        paper.read_text(encoding="utf-8") + "Lost [@doi:10.5555/missing].\n", encoding="utf-8"
    )
    code, out, err = run("render", str(paper), "--to", "text")
    assert code == 1
    assert "Lost ???doi:10.5555/missing." in out
    assert "(LeCun et al., 2015, p. 437)" in out
    assert f"{paper}:7:6: warning: unknown citation key 'doi:10.5555/missing'" in err
    assert "warning: cannot resolve 'doi:10.5555/missing': doi.org has no record" in err


def test_render_offline_and_no_resolve(services: FakeServices, paper: Path) -> None:
    code, _, err = run("render", str(paper), "--offline")
    assert code == 1
    assert services.requests == []
    assert err.count("offline mode asks no service") == 2
    code, _, err = run("render", str(paper), "--no-resolve")
    assert code == 1
    assert "cannot resolve" not in err
    assert "unknown citation key 'arxiv:1706.03762v5'" in err
    assert services.requests == []

"""``citekit add`` end to end: the real client against local stand-ins for the services.

The fake services (tests/sources/fakeservices.py) serve the fixtures in
tests/sources/data; every base URL not aimed at them points at a closed
local port, so no test can reach a real service.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sources"))

from fakeservices import FakeServices, aim_nowhere, serving

from citekit.cli import main
from citekit.formats import read_string
from citekit.ops.dedupe import record_dois, record_isbns

EXISTING = (
    "% my references\r\n"
    "@article{lecun2015,\r\n"
    "  author = {LeCun, Yann},\r\n"
    "  title = {Deep Learning},\r\n"
    "  doi = {10.1038/NATURE14539},\r\n"
    "  year = 2015,\r\n"
    "}\r\n"
    "\r\n"
    "@misc{broken, title = {no closing brace}\r\n"
)


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    aim_nowhere(monkeypatch, tmp_path / "cache")


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServices]:
    with serving(monkeypatch) as fake:
        yield fake


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_bytes(EXISTING.encode("utf-8"))
    return path


def _add(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["add", *args])
    return result.exit_code, result.stdout, result.stderr


def _library(path: Path) -> dict[str, object]:
    result = read_string(
        path.read_text(encoding="utf-8-sig"), "biblatex" if path.suffix == ".bib" else "csljson"
    )
    return {record.key: record for record in result.library}


def test_add_four_kinds_with_a_failure_a_retry_and_a_duplicate(
    services: FakeServices, bib: Path
) -> None:
    code, _out, err = _add(
        "doi:10.1400/186256",
        "ISBN 978-0-262-51087-5",
        "arXiv:1706.03762v5",
        "pmid:26017442",
        "10.5555/missing",
        "https://doi.org/10.5555/12345678",
        "--to",
        str(bib),
    )
    assert code == 1  # one id failed; the others are added all the same
    assert "error: 10.5555/missing: doi.org has no record of it (HTTP 404" in err
    assert "skipped: pmid:26017442 is already in" in err and "as 'lecun2015'" in err
    assert services.count("/doi/10.5555/12345678") == 2  # 429, then 200
    data = bib.read_bytes()
    assert data.startswith(EXISTING.encode("utf-8"))  # never rewritten
    assert b"\n" not in data.replace(b"\r\n", b"")  # the file's CRLF line endings kept
    records = _library(bib)
    new = [r for key, r in records.items() if key not in ("lecun2015",)]
    dois = set().union(*(record_dois(r) for r in new))  # type: ignore[arg-type]
    assert {"10.1400/186256", "10.5555/12345678", "10.48550/arxiv.1706.03762"} <= dois
    assert set().union(*(record_isbns(r) for r in new)) == {"9780262510875"}  # type: ignore[arg-type]
    assert len(new) == 4
    for line in (
        "added Rossi2010",
        "added Abelson1996StructureInterpretationComputer",
        "added Vaswani2017AttentionNeed",
        "added Carberry2008",
    ):
        assert line in err


def test_second_run_comes_from_the_cache_and_skips_duplicates(
    services: FakeServices, bib: Path
) -> None:
    ids = ("doi:10.1400/186256", "isbn:9780262510875", "arxiv:1706.03762v5", "pmid:26017442")
    assert _add(*ids, "--to", str(bib))[0] == 0
    after_first = bib.read_bytes()
    asked = len(services.requests)
    code, _out, err = _add(*ids, "--to", str(bib))
    assert code == 0
    assert len(services.requests) == asked  # every answer from the cache
    assert err.count("skipped:") == 4 and "nothing to add" in err
    assert bib.read_bytes() == after_first
    _add("doi:10.1400/186256", "--to", str(bib), "--no-cache")
    assert len(services.requests) == asked + 2  # doi.org, then the agency
    _add("doi:10.1400/186256", "--to", str(bib), "--refresh")
    assert len(services.requests) == asked + 4


def test_merge_fills_the_existing_entry_only(services: FakeServices, bib: Path) -> None:
    code, _out, err = _add("10.1038/nature14539", "--merge", "--to", str(bib))
    assert code == 0, err
    assert "merged doi:10.1038/nature14539 into lecun2015" in err
    text = bib.read_bytes().decode("utf-8")
    head, entry_and_rest = text.split("@article{lecun2015,", 1)
    assert head == "% my references\r\n"
    assert entry_and_rest.endswith("\r\n\r\n@misc{broken, title = {no closing brace}\r\n")
    assert "  title = {Deep Learning},\r\n" in entry_and_rest  # kept as it was
    assert "  year = 2015,\r\n" in entry_and_rest and "date" not in entry_and_rest
    record = _library(bib)["lecun2015"]
    assert record.get("volume") == "521"  # type: ignore[attr-defined]
    assert record.get("container-title") == "Nature"  # type: ignore[attr-defined]


def test_dry_run_writes_nothing(services: FakeServices, bib: Path) -> None:
    code, out, err = _add("hep-th/9711200", "--dry-run", "--to", str(bib))
    assert code == 0
    # an arXiv preprint (CSL "article") is a @misc marked as a preprint, which reads
    # back as a preprint; an @article would read back as a journal article
    assert out.startswith("@misc{Maldacena1997LargeNLimit,")
    assert "eprint" in out and "hep-th/9711200" in out and "{arxiv}" in out
    assert "{preprint}" in out
    assert "1 entry would be added" in err
    assert bib.read_bytes() == EXISTING.encode("utf-8")


def test_titles_are_written_as_published_and_read_back_like_typed_ones(
    services: FakeServices, tmp_path: Path
) -> None:
    target = tmp_path / "new.bib"
    assert (
        _add("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0", "--to", str(target))[0]
        == 0
    )
    text = target.read_text(encoding="utf-8")
    fields = dict(re.findall(r"^  (\w+)\s*= (.*),$", text, flags=re.MULTILINE))
    assert fields["title"] == "{Relevance Reconsidered: Towards an Agenda for the 21st Century}"
    assert fields["doi"] == "{10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0}"
    [record] = _library(target).values()
    assert record["title"] == "Relevance reconsidered: Towards an agenda for the 21st century"  # type: ignore[index]


def test_json_target_keeps_the_other_items_text(services: FakeServices, tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    original = '[\n    {"id": "mine", "type": "book", "title": "Kept  as typed"}\n]\n'
    target.write_text(original, encoding="utf-8")
    code, _out, err = _add("isbn:9780226287058", "pmid:26017442", "--to", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith('[\n    {"id": "mine", "type": "book", "title": "Kept  as typed"},\n')
    items = json.loads(text)
    assert items[0]["id"] == "mine"
    assert len(items) == 3
    assert items[2]["PMID"] == "26017442"
    assert items[1]["title"] == (
        "The Chicago Manual of Style: The Essential Guide for Writers, Editors, and Publishers"
    )  # as the source has it


def test_new_json_file_is_created(services: FakeServices, tmp_path: Path) -> None:
    target = tmp_path / "fresh.json"
    assert _add("PMC3159421", "--to", str(target))[0] == 0
    [item] = json.loads(target.read_text(encoding="utf-8"))
    assert item["PMCID"] == "PMC3159421"


def test_json_merge_rewrites_canonically(services: FakeServices, tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    target.write_text(
        json.dumps([{"id": "lecun", "type": "article-journal", "DOI": "10.1038/nature14539"}]),
        encoding="utf-8",
    )
    assert _add("pmid:26017442", "--merge", "--to", str(target))[0] == 0
    [item] = json.loads(target.read_text(encoding="utf-8"))
    assert item["id"] == "lecun" and item["PMID"] == "26017442"


def test_byte_order_mark_is_kept(services: FakeServices, tmp_path: Path) -> None:
    target = tmp_path / "bom.bib"
    target.write_bytes("\ufeff@book{a, title = {Á}}\n".encode())
    assert _add("isbn:9780262510875", "--to", str(target))[0] == 0
    data = target.read_bytes()
    assert data.startswith("\ufeff@book{a, title = {Á}}\n".encode())
    assert data.count(b"\xef\xbb\xbf") == 1


def test_every_id_failing_writes_nothing(services: FakeServices, tmp_path: Path) -> None:
    target = tmp_path / "none.bib"
    code, _out, err = _add("10.5555/down", "pmid:notanumber", "--retries", "0", "--to", str(target))
    assert code == 1
    assert "error: 10.5555/down: doi.org answered HTTP 503 (1 attempt)" in err
    assert "error: pmid:notanumber: 'pmid:notanumber' is not a PubMed id" in err
    assert not target.exists()


def test_timeout_is_an_error_for_that_id(services: FakeServices, bib: Path) -> None:
    code, _out, err = _add(
        "10.5555/slow", "10.1400/186256", "--timeout", "0.3", "--retries", "0", "--to", str(bib)
    )
    assert code == 1
    assert "error: 10.5555/slow: doi.org did not answer within 0.3 s (1 attempt)" in err
    assert "added Rossi2010" in err


def test_withdrawn_paper_is_added_with_a_warning(services: FakeServices, bib: Path) -> None:
    code, _out, err = _add("arxiv:1502.01234", "--to", str(bib))
    assert code == 0
    assert "warning: arxiv:1502.01234: arXiv:1502.01234 v2 is a withdrawal notice" in err


def test_other_formats_are_refused(tmp_path: Path) -> None:
    code, _out, err = _add("10.1000/xyz", "--to", str(tmp_path / "refs.ris"))
    assert code == 2
    assert "--to must name a .bib or .json file" in err


def test_offline_reports_each_id(bib: Path) -> None:
    code, _out, err = _add("10.1000/xyz", "isbn:9780262510875", "--retries", "0", "--to", str(bib))
    assert code == 1
    assert err.count("cannot reach") == 2
    assert bib.read_bytes() == EXISTING.encode("utf-8")


def test_arxiv_paper_already_there_as_an_eprint_is_a_duplicate(
    services: FakeServices, tmp_path: Path
) -> None:
    target = tmp_path / "refs.bib"
    original = (
        "@online{vaswani, title = {Attention}, eprint = {1706.03762}, eprinttype = {arxiv}}\n"
    )
    target.write_text(original, encoding="utf-8")
    code, _out, err = _add("arXiv:1706.03762v5", "--to", str(target))
    assert code == 0
    assert "skipped: arXiv:1706.03762v5 is already in" in err and "'vaswani'" in err
    assert target.read_text(encoding="utf-8") == original


def test_bad_key_pattern_is_refused_before_any_request(services: FakeServices, bib: Path) -> None:
    code, _out, err = _add("10.1400/186256", "--pattern", "{nope}", "--to", str(bib))
    assert code == 2
    assert "unknown key field '{nope}'" in err
    assert services.requests == []


def test_key_pattern_is_used(services: FakeServices, bib: Path) -> None:
    code, _out, err = _add("isbn:9780262510875", "-p", "{auth:lower}{year}", "--to", str(bib))
    assert code == 0
    assert "added abelson1996 (isbn:9780262510875)" in err
    assert "@book{abelson1996," in bib.read_text(encoding="utf-8")


def test_a_latin_1_file_is_read_and_written_in_latin_1(
    services: FakeServices, tmp_path: Path
) -> None:
    target = tmp_path / "latin1.bib"
    original = "@book{m, author = {M\u00fcller, J\u00fcrgen}, title = {\u00c9tudes}}\n"
    target.write_bytes(original.encode("latin-1"))
    code, _out, err = _add("isbn:9780262510875", "--to", str(target), "--encoding", "latin-1")
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(original.encode("latin-1"))
    assert len(_library_text(data.decode("latin-1"))) == 2


def test_a_new_file_is_created_in_the_encoding_named(
    services: FakeServices, tmp_path: Path
) -> None:
    target = tmp_path / "new.bib"
    assert _add("isbn:9780262510875", "--to", str(target), "--encoding", "utf-16")[0] == 0
    assert target.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert len(_library_text(target.read_text(encoding="utf-16"))) == 1


def test_an_unknown_encoding_is_refused_before_any_request(
    services: FakeServices, tmp_path: Path
) -> None:
    code, _out, err = _add("isbn:9780262510875", "--to", str(tmp_path / "n.bib"), "--encoding", "x")
    assert code == 2 and "unknown text encoding 'x'" in err
    assert services.requests == []


def _library_text(text: str) -> list[str]:
    return [record.key for record in read_string(text, "biblatex").library]

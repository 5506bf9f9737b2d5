"""fetch_records: one result per identifier, failures alone, lookups shared and cached."""

from __future__ import annotations

from pathlib import Path

from fakeservices import FakeServices

import citekit
from citekit.sources import Cache, HttpClient, Services, fetch_records


def test_good_and_bad_ids_each_get_their_result_in_order(
    services: FakeServices, tmp_path: Path
) -> None:
    ids = [
        "doi:10.1038/nature14539",
        "isbn:978-0-262-51087-4",
        "10.5555/missing",
        "arXiv:1706.03762v5",
        "pmid:26017442",
        "isbn:9780262510875",
        "10.5555/badjson",
    ]
    results = citekit.fetch_records(ids, urls=services.urls, cache=Cache(tmp_path), retries=0)
    assert [r.query for r in results] == ids
    assert [r.ok for r in results] == [True, False, False, True, True, True, False]
    assert "check digit" in (results[1].error or "")
    assert results[1].identifier is None
    assert "HTTP 404" in (results[2].error or "")
    assert "not JSON" in (results[6].error or "")
    assert results[3].record is not None and results[3].record.id == "arxiv:1706.03762v5"
    assert all((r.record is None) != (r.error is None) for r in results)


def test_an_id_written_twice_is_looked_up_once(services: FakeServices) -> None:
    results = fetch_records(
        ["10.1038/nature14539", "https://doi.org/10.1038/NATURE14539"],
        urls=services.urls,
        cache=False,
    )
    assert results[0] is results[1]
    assert services.count("/doi/") == 1


def test_invalid_ids_make_no_request(services: FakeServices) -> None:
    results = fetch_records(["pmid:abc", "21858107"], urls=services.urls, cache=False)
    assert not any(r.ok for r in results)
    assert services.requests == []


def test_the_cache_spares_the_second_lookup(services: FakeServices, tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    first = fetch_records(["pmid:26017442", "hep-th/9711200"], urls=services.urls, cache=cache)
    second = fetch_records(["pmid:26017442", "hep-th/9711200"], urls=services.urls, cache=cache)
    assert [r.record for r in first] == [r.record for r in second]
    assert len(services.requests) == 2
    fetch_records(["pmid:26017442"], urls=services.urls, cache=cache, refresh=True)
    assert len(services.requests) == 3


def test_default_cache_is_in_the_cache_folder(services: FakeServices, tmp_path: Path) -> None:
    fetch_records(["10.1400/186256"], urls=services.urls)
    assert list((tmp_path / "cache" / "http").rglob("*.json"))  # $CITEKIT_CACHE_DIR (conftest)


def test_a_shared_client_is_left_open_for_the_caller(services: FakeServices) -> None:
    sleeps: list[float] = []
    with HttpClient(services=Services.from_env(services.urls), sleep=sleeps.append) as client:
        first = fetch_records(["10.5555/12345678"], client=client)
        again = fetch_records(["doi:10.5555/12345678"], client=client)
    assert first[0].ok and again[0].ok  # the 429 was retried
    assert sleeps == [0.0]


def test_offline_every_id_fails_alone() -> None:
    results = fetch_records(
        ["10.1000/xyz", "isbn:9780262510875", "arxiv:2101.00001", "pmid:5"],
        cache=False,
        retries=0,
        timeout=2,
    )
    assert [r.ok for r in results] == [False] * 4
    assert all("cannot reach" in (r.error or "") for r in results)


def test_withdrawn_paper_comes_with_a_warning(services: FakeServices) -> None:
    [result] = fetch_records(["arxiv:1502.01234"], urls=services.urls, cache=False)
    assert result.ok and result.warnings

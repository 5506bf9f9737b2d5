"""The HTTP client: retries, backoff, Retry-After, timeouts, politeness and the cache.

Every request goes to the fake services on 127.0.0.1 (conftest.py).
"""

from __future__ import annotations

import email.utils
import threading
import time
from pathlib import Path

import pytest
from fakeservices import FakeServices

from citekit import __version__
from citekit.sources.doi import CSL_JSON
from citekit.sources.http import (
    Cache,
    FetchError,
    HttpClient,
    Service,
    Services,
    _Gate,
    default_cache_dir,
    retry_after,
    user_agent,
)


def _doi(services: FakeServices, doi: str) -> str:
    return f"{services.urls['doi']}/{doi}"


def test_429_then_200_retries_after_the_wait_asked(
    client: HttpClient, services: FakeServices, sleeps: list[float]
) -> None:
    answer = client.get(client.services.doi, _doi(services, "10.5555/12345678"), accept=CSL_JSON)
    assert "Silly String Theory" in answer.text
    assert services.count("/doi/10.5555/12345678") == 2
    assert sleeps == [0.0]  # Retry-After: 0, not the backoff


def test_5xx_is_retried_with_exponential_backoff_then_reported(
    client: HttpClient, services: FakeServices, sleeps: list[float]
) -> None:
    with pytest.raises(FetchError, match=r"doi.org answered HTTP 503 \(3 attempts\)"):
        client.get(client.services.doi, _doi(services, "10.5555/down"), accept=CSL_JSON)
    assert services.count("/doi/10.5555/down") == 3
    assert sleeps == [0.5, 1.0]


def test_404_is_not_retried(client: HttpClient, services: FakeServices) -> None:
    with pytest.raises(FetchError, match=r"doi.org has no record of it"):
        client.get(client.services.doi, _doi(services, "10.5555/missing"), accept=CSL_JSON)
    assert services.count("/doi/10.5555/missing") == 1


def test_timeout_is_reported_per_request(services: FakeServices, tmp_path: Path) -> None:
    client = HttpClient(
        services=Services.from_env(services.urls),
        timeout=0.3,
        retries=1,
        backoff=0,
        sleep=lambda _s: None,
    )
    with (
        client,
        pytest.raises(FetchError, match=r"doi.org did not answer within 0.3 s \(2 attempts\)"),
    ):
        client.get(client.services.doi, _doi(services, "10.5555/slow"), accept=CSL_JSON)


def test_unreachable_service_says_offline() -> None:
    client = HttpClient(
        services=Services.from_env({"doi": "http://127.0.0.1:9"}), retries=0, timeout=2
    )
    with (
        client,
        pytest.raises(FetchError, match=r"cannot reach doi.org at http://127.0.0.1:9.*offline"),
    ):
        client.get(client.services.doi, "http://127.0.0.1:9/10.1000/x", accept=CSL_JSON)


def test_retry_after_far_away_is_not_waited_for(services: FakeServices) -> None:
    sleeps: list[float] = []
    client = HttpClient(services=Services.from_env(services.urls), max_wait=60, sleep=sleeps.append)
    with client, pytest.raises(FetchError, match=r"429 and asks to wait 120 s; try again later"):
        client.get(client.services.doi, _doi(services, "10.5555/busy"), accept=CSL_JSON)
    assert sleeps == []
    assert services.count("/doi/10.5555/busy") == 1


def test_retry_after_as_http_date() -> None:
    now = time.time()
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert retry_after(header, now=now) == pytest.approx(30, abs=1)
    assert retry_after("soon") is None
    assert retry_after(None) is None


def test_user_agent_names_citekit_and_mailto(
    services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITEKIT_MAILTO", "reader@example.org")
    client = HttpClient(services=Services.from_env(services.urls))
    with client:
        client.get(client.services.doi, _doi(services, "10.1038/nature14539"), accept=CSL_JSON)
    agent = services.requests[0][1]["User-Agent"]
    assert agent == user_agent("reader@example.org")
    assert agent.startswith(f"citekit/{__version__} (+http")
    assert agent.endswith("; mailto:reader@example.org)")
    assert services.requests[0][1]["Accept"] == CSL_JSON


def test_redirects_to_the_agency_are_followed(client: HttpClient, services: FakeServices) -> None:
    answer = client.get(client.services.doi, _doi(services, "10.1038/nature14539"), accept=CSL_JSON)
    assert '"Deep learning"' in answer.text
    assert services.count("/agency/10.1038/nature14539") == 1


def test_cache_answers_the_second_time_and_refresh_asks_again(
    services: FakeServices, tmp_path: Path
) -> None:
    cache = Cache(tmp_path / "c")
    url = _doi(services, "10.1038/nature14539")
    with HttpClient(services=Services.from_env(services.urls), cache=cache) as client:
        first = client.get(client.services.doi, url, accept=CSL_JSON)
        second = client.get(client.services.doi, url, accept=CSL_JSON)
    assert (first.cached, second.cached) == (False, True)
    assert first.text == second.text
    assert services.count("/doi/10.1038") == 1
    with HttpClient(services=Services.from_env(services.urls), cache=cache, refresh=True) as client:
        third = client.get(client.services.doi, url, accept=CSL_JSON)
    assert not third.cached
    assert services.count("/doi/10.1038") == 2


def test_cache_ignores_old_and_broken_entries(tmp_path: Path) -> None:
    cache = Cache(tmp_path, max_age=3600)
    cache.put("http://x/a", "text/plain", "body")
    assert cache.get("http://x/a", "text/plain") == "body"
    assert cache.get("http://x/a", "application/json") is None  # another Accept
    path = next((tmp_path / "http").rglob("*.json"))
    path.write_text("{broken", encoding="utf-8")
    assert cache.get("http://x/a", "text/plain") is None
    expired = Cache(tmp_path, max_age=-1)
    expired.put("http://x/b", "text/plain", "old")
    assert expired.get("http://x/b", "text/plain") is None


def test_unwritable_cache_does_not_stop_a_lookup(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = Cache(blocker / "cache")
    cache.put("http://x/a", "text/plain", "body")  # no error
    assert cache.get("http://x/a", "text/plain") is None


def test_default_cache_dir_follows_the_environment(tmp_path: Path) -> None:
    assert default_cache_dir({"CITEKIT_CACHE_DIR": str(tmp_path)}) == tmp_path
    import sys

    if sys.platform.startswith("linux"):
        assert default_cache_dir({"XDG_CACHE_HOME": "/xdg"}) == Path("/xdg/citekit")
        assert default_cache_dir({}) == Path.home() / ".cache" / "citekit"


def test_base_urls_come_from_parameters_then_environment() -> None:
    env = {"CITEKIT_ARXIV_URL": "http://mirror/api"}
    services = Services.from_env({"doi": "http://local/doi"}, environ=env)
    assert services.doi.base_url == "http://local/doi"
    assert services.arxiv.base_url == "http://mirror/api"
    assert services.arxiv.interval == 0.0  # the pause is for arXiv itself
    real = Services.from_env(environ={})
    assert real.arxiv.base_url == "http://export.arxiv.org/api"
    assert real.arxiv.interval == 3.0
    assert real.doi.base_url == "https://doi.org"


def test_gate_keeps_concurrency_within_the_limit() -> None:
    gate = _Gate(Service("x", "http://x", concurrency=2))
    inside = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    def work() -> None:
        nonlocal inside, most
        with gate.turn(time.sleep):
            with lock:
                inside += 1
                most = max(most, inside)
            release.wait(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most <= 2


def test_gate_spaces_requests_by_the_interval() -> None:
    gate = _Gate(Service("arxiv", "http://x", concurrency=1, interval=3.0))
    waits: list[float] = []
    for _ in range(3):
        with gate.turn(waits.append):
            pass
    assert len(waits) == 2  # the first goes at once
    assert 2.5 < waits[0] <= 3.0
    assert 5.5 < waits[1] <= 6.0


def test_oversized_answer_is_refused(
    client: HttpClient, services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("citekit.sources.http.MAX_BYTES", 100)
    with pytest.raises(FetchError, match="is larger than"):
        client.get(client.services.doi, _doi(services, "10.1038/nature14539"), accept=CSL_JSON)


def test_one_identifier_given_as_a_string(services: FakeServices) -> None:
    from citekit.sources import fetch_records

    [result] = fetch_records("10.1400/186256", urls=services.urls, cache=False)
    assert result.ok

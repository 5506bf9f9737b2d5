"""Cited identifiers resolved into a library, against the local fake services only."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakeservices import FakeServices

from citekit.model.records import Library, Record
from citekit.render.types import CiteItem, Cluster
from citekit.sources.http import HttpClient
from citekit.sources.resolve import (
    Resolution,
    Resolver,
    Unresolved,
    identities,
    is_identifier_key,
    rename_cluster,
    resolve_identifiers,
)

SICI = "doi:10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"


@pytest.fixture
def aimed(services: FakeServices, monkeypatch: pytest.MonkeyPatch) -> FakeServices:
    """The fake services, named by the environment variables a default Resolver reads."""
    for variable, url in services.environment.items():
        monkeypatch.setenv(variable, url)
    return services


def test_only_prefixed_keys_are_identifiers() -> None:
    for key in (
        "doi:10.1000/xyz",
        "DOI:10.1000/xyz",
        "isbn:9780262510875",
        "arXiv:2101.00001v2",
        "pmid:123",
        "pmcid:PMC3159421",
    ):
        assert is_identifier_key(key), key
    for key in ("10.1000/xyz", "smith2020", "doi", "isbn9780262510875", "url:https://x.org"):
        assert not is_identifier_key(key), key


def test_doi_and_arxiv_keys_get_records_under_the_keys_as_written(aimed: FakeServices) -> None:
    library = Library()
    resolution = resolve_identifiers(
        library, ["doi:10.1038/nature14539", "arXiv:1706.03762v5", "smith2020"]
    )
    assert resolution.failed == []
    assert resolution.resolved == {
        "doi:10.1038/nature14539": "doi:10.1038/nature14539",
        "arXiv:1706.03762v5": "arXiv:1706.03762v5",
    }
    assert library.keys() == ["doi:10.1038/nature14539", "arXiv:1706.03762v5"]
    nature = library["doi:10.1038/nature14539"]
    assert nature["DOI"] == "10.1038/nature14539"
    assert [n.family for n in nature.names("author")] == ["LeCun", "Bengio", "Hinton"]
    assert library["arXiv:1706.03762v5"]["title"] == "Attention is all you need"
    assert aimed.count("/arxiv/") == 1 and aimed.count("/doi/") == 1


def test_titles_as_published_without_sentence_case(aimed: FakeServices) -> None:
    library = Library()
    resolve_identifiers(library, ["arxiv:1706.03762v5"], Resolver(sentence_case=False))
    assert library["arxiv:1706.03762v5"]["title"] == "Attention Is All You Need"


def test_a_braced_doi_with_odd_characters_resolves(aimed: FakeServices) -> None:
    library = Library()
    resolution = resolve_identifiers(library, [SICI])
    assert resolution.failed == []
    assert library[SICI]["title"].startswith("Relevance reconsidered")


def test_a_key_the_library_has_wins_and_makes_no_request(aimed: FakeServices) -> None:
    mine = Record("doi:10.1038/nature14539", "book", title="My own record")
    library = Library([mine])
    resolution = resolve_identifiers(library, ["doi:10.1038/nature14539"])
    assert resolution == Resolution()
    assert library["doi:10.1038/nature14539"]["title"] == "My own record"
    assert aimed.requests == []


def test_two_spellings_of_one_doi_are_one_lookup_and_one_record(aimed: FakeServices) -> None:
    library = Library()
    keys = ["doi:10.1038/nature14539", "doi:10.1038/NATURE14539", "doi:10.1038/nature14539"]
    resolution = resolve_identifiers(library, keys)
    assert library.keys() == ["doi:10.1038/nature14539"]
    assert resolution.aliases == {"doi:10.1038/NATURE14539": "doi:10.1038/nature14539"}
    assert aimed.count("/doi/") == 1
    cluster = Cluster((CiteItem("doi:10.1038/NATURE14539", locator="3"), CiteItem("smith")))
    [renamed] = resolution.rename([cluster])
    assert [item.id for item in renamed.items] == ["doi:10.1038/nature14539", "smith"]
    assert renamed.items[0].locator == "3"


def test_the_same_work_by_another_identifier_is_one_record(aimed: FakeServices) -> None:
    library = Library()
    resolution = resolve_identifiers(library, ["doi:10.1038/nature14539", "pmid:26017442"])
    assert library.keys() == ["doi:10.1038/nature14539"]
    assert resolution.aliases == {"pmid:26017442": "doi:10.1038/nature14539"}
    assert identities(library["doi:10.1038/nature14539"]) >= {"doi:10.1038/nature14539"}


def test_a_work_the_library_has_by_its_doi_is_that_entry(aimed: FakeServices) -> None:
    mine = Record("lecun2015", "article-journal", title="Deep learning", DOI="10.1038/NATURE14539")
    library = Library([mine])
    keys = ["doi:10.1038/nature14539", "doi:10.1038/Nature14539", "pmid:26017442"]
    resolution = resolve_identifiers(library, keys)
    assert library.keys() == ["lecun2015"]
    assert resolution.aliases == dict.fromkeys(keys, "lecun2015")
    assert aimed.count("/doi/") == 0  # known by its DOI: not looked up
    assert aimed.count("/ncbi/") == 1  # a PMID is only known once its record is found


def test_a_failing_identifier_among_good_ones_fails_alone(aimed: FakeServices) -> None:
    library = Library()
    keys = [
        "doi:10.1038/nature14539",
        "doi:10.5555/missing",
        "isbn:978-0-262-51087-4",  # wrong check digit: refused before any request
        "pmcid:PMC3159421",
        "doi:10.5555/MISSING",  # another spelling of the missing DOI fails with it
    ]
    resolution = resolve_identifiers(library, keys, Resolver(retries=0))
    assert library.keys() == ["doi:10.1038/nature14539", "pmcid:PMC3159421"]
    assert [f.key for f in resolution.failed] == [
        "doi:10.5555/missing",
        "isbn:978-0-262-51087-4",
        "doi:10.5555/MISSING",
    ]
    missing, isbn, again = resolution.failed
    assert "HTTP 404" in missing.reason and again.reason == missing.reason
    assert "check digit" in isbn.reason
    assert str(isbn).startswith("cannot resolve 'isbn:978-0-262-51087-4': ")
    assert resolution.messages()[0] == str(missing)
    assert aimed.count("/openlibrary/") == 0


def test_the_cache_spares_the_second_resolution(aimed: FakeServices, tmp_path: Path) -> None:
    keys = ["doi:10.1038/nature14539", "pmid:26017442"]
    first, second = Library(), Library()
    resolve_identifiers(first, keys)
    asked = len(aimed.requests)
    assert asked >= 2
    resolve_identifiers(second, keys)
    assert len(aimed.requests) == asked
    assert first.to_json() == second.to_json()
    assert list((tmp_path / "cache" / "http").rglob("*.json"))  # $CITEKIT_CACHE_DIR


def test_without_the_cache_every_run_asks_and_nothing_is_kept(
    aimed: FakeServices, tmp_path: Path
) -> None:
    for _ in range(2):
        resolve_identifiers(Library(), ["pmid:26017442"], Resolver(cache=False))
    assert aimed.count("/ncbi/") == 2
    assert not (tmp_path / "cache").exists()


def test_offline_answers_from_the_cache_and_asks_nobody(aimed: FakeServices) -> None:
    resolve_identifiers(Library(), ["doi:10.1038/nature14539"])
    asked = len(aimed.requests)
    library = Library()
    resolution = resolve_identifiers(
        library, ["doi:10.1038/nature14539", "arxiv:1706.03762v5"], Resolver(offline=True)
    )
    assert len(aimed.requests) == asked
    assert library.keys() == ["doi:10.1038/nature14539"]
    [failure] = resolution.failed
    assert failure.key == "arxiv:1706.03762v5"
    assert "offline" in failure.reason and "the arXiv API" in failure.reason


def test_offline_with_a_shared_client_uses_its_cache(
    aimed: FakeServices, client: HttpClient
) -> None:
    resolve_identifiers(Library(), ["pmid:26017442"], Resolver(client=client))
    asked = len(aimed.requests)
    library = Library()
    resolution = resolve_identifiers(
        library, ["pmid:26017442", "pmcid:PMC3159421"], Resolver(client=client, offline=True)
    )
    assert library.keys() == ["pmid:26017442"]
    assert [f.key for f in resolution.failed] == ["pmcid:PMC3159421"]
    assert len(aimed.requests) == asked


def test_a_withdrawn_paper_resolves_with_a_warning(aimed: FakeServices) -> None:
    library = Library()
    resolution = resolve_identifiers(library, ["arxiv:1502.01234"])
    assert "arxiv:1502.01234" in library
    [warning] = resolution.warnings
    assert warning.startswith("'arxiv:1502.01234': ")
    assert resolution.messages() == [warning]


def test_nothing_to_resolve_makes_no_client(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("no client should be made")

    monkeypatch.setattr(Resolver, "_client", refuse)
    library = Library([Record("doi:10.1000/xyz", "book")])
    assert resolve_identifiers(library, ["doi:10.1000/xyz", "smith2020", "10.1000/abc"]) == (
        Resolution()
    )


def test_an_invalid_identifier_fails_before_any_request(aimed: FakeServices) -> None:
    resolution = resolve_identifiers(Library(), ["pmid:abc", "doi:not-a-doi"])
    assert [f.key for f in resolution.failed] == ["pmid:abc", "doi:not-a-doi"]
    assert all(isinstance(f, Unresolved) for f in resolution.failed)
    assert aimed.requests == []


def test_rename_cluster_keeps_clusters_without_aliases() -> None:
    cluster = Cluster((CiteItem("a"),))
    assert rename_cluster(cluster, {"b": "c"}) is cluster
    assert Resolution().rename([cluster]) == [cluster]

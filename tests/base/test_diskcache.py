"""The disk memo answers only with what this code stored for this very key."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from citekit.base import diskcache
from citekit.base.diskcache import DiskMemo, cache_dir, package_fingerprint, source_fingerprint


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The memo enabled, in a folder of the test's."""
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    monkeypatch.delenv(diskcache.OFF_ENV, raising=False)
    diskcache.use_disk_cache()
    yield tmp_path
    diskcache.use_disk_cache(False)


def test_a_stored_value_comes_back_for_its_key_only(folder: Path) -> None:
    memo = DiskMemo("things", lambda: b"code 1")
    memo.put(b"key", {"a": (1, 2)})
    assert memo.get(b"key") == {"a": (1, 2)}
    assert memo.get(b"other key") is None
    assert memo.path(b"key").parent == folder / "things"


def test_nothing_is_read_or_written_unless_enabled(folder: Path) -> None:
    memo = DiskMemo("things", lambda: b"code")
    diskcache.use_disk_cache(False)
    memo.put(b"key", 1)
    assert not (folder / "things").exists()
    diskcache.use_disk_cache()
    memo.put(b"key", 1)
    diskcache.use_disk_cache(False)
    assert memo.get(b"key") is None


def test_the_environment_switches_it_off(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memo = DiskMemo("things", lambda: b"code")
    memo.put(b"key", 1)
    monkeypatch.setenv(diskcache.OFF_ENV, "1")
    assert memo.get(b"key") is None


def test_other_code_never_matches(folder: Path) -> None:
    DiskMemo("things", lambda: b"old code").put(b"key", "old value")
    assert DiskMemo("things", lambda: b"new code").get(b"key") is None


def test_a_file_for_another_key_under_the_same_name_is_a_miss(folder: Path) -> None:
    """A checksum collision (forged here) cannot answer for another key."""
    memo = DiskMemo("things", lambda: b"code")
    path = memo.path(b"key")
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps((b"code", b"another key", "its value")))
    assert memo.get(b"key") is None


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps(("one", "two"))[:-3]])
def test_a_corrupt_or_foreign_file_is_a_miss(folder: Path, content: bytes) -> None:
    memo = DiskMemo("things", lambda: b"code")
    path = memo.path(b"key")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert memo.get(b"key") is None
    memo.put(b"key", "fresh")  # and is replaced by the next store
    assert memo.get(b"key") == "fresh"


@pytest.mark.parametrize(
    "value", [b"not a pickle", pickle.dumps("whole")[:-2], "a value stored unpacked"]
)
def test_a_damaged_value_under_the_right_key_is_a_miss(folder: Path, value: object) -> None:
    memo = DiskMemo("things", lambda: b"code")
    path = memo.path(b"key")
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps((b"code", b"key", value)))
    assert memo.get(b"key") is None


def test_the_stored_key_comes_without_loading_the_value(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slot's input changed: told by its key, the old value left packed."""
    memo = DiskMemo("things", lambda: b"code")
    memo.put(b"slot\0v1", list(range(1000)), slot=b"slot")
    unpacked: list[bytes] = []
    unpack = DiskMemo.unpack

    def counted(value: bytes) -> object | None:
        unpacked.append(value)
        return unpack(value)

    monkeypatch.setattr(DiskMemo, "unpack", staticmethod(counted))
    stored = memo.stored(b"slot")
    assert stored is not None and stored[0] == b"slot\0v1"
    assert memo.get(b"slot\0v2", slot=b"slot") is None
    assert unpacked == []
    assert memo.get(b"slot\0v1", slot=b"slot") == list(range(1000))
    assert len(unpacked) == 1


def test_a_write_that_fails_is_skipped(folder: Path) -> None:
    (folder / "things").write_text("a file where the folder should be", encoding="utf-8")
    memo = DiskMemo("things", lambda: b"code")
    memo.put(b"key", 1)
    assert memo.get(b"key") is None
    assert sorted(p.name for p in folder.iterdir()) == ["things"]


def test_an_unpicklable_value_leaves_no_file(folder: Path) -> None:
    memo = DiskMemo("things", lambda: b"code")
    memo.put(b"key", lambda: None)
    assert memo.get(b"key") is None
    assert not (folder / "things").exists() or list((folder / "things").iterdir()) == []


def test_the_folder_follows_the_platform_conventions(tmp_path: Path) -> None:
    assert cache_dir({diskcache.CACHE_ENV: str(tmp_path)}) == tmp_path
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path)}).parent in (
        tmp_path,
        Path.home() / "Library" / "Caches",
    )


def test_the_fingerprint_changes_with_the_code(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("x = 1\n", encoding="utf-8")
    before = source_fingerprint([tmp_path])
    module.write_text("x = 22\n", encoding="utf-8")
    assert source_fingerprint([tmp_path]) != before
    (tmp_path / "notes.txt").write_text("not code", encoding="utf-8")
    assert source_fingerprint([tmp_path]) == source_fingerprint([tmp_path])
    assert source_fingerprint([tmp_path / "missing"]) == source_fingerprint([])


def test_a_package_fingerprint_covers_the_packages_code() -> None:
    import citekit.base

    folder = Path(next(iter(citekit.base.__path__)))
    assert package_fingerprint("citekit.base")() == source_fingerprint([folder])
    assert b"valueclass.py" in package_fingerprint("citekit.base")()
    assert package_fingerprint("no.such.package")() == source_fingerprint([])


def test_values_of_one_slot_replace_each_other(folder: Path) -> None:
    memo = DiskMemo("things", lambda: b"code")
    memo.put(b"slot\0v1", "first", slot=b"slot")
    memo.put(b"slot\0v2", "second", slot=b"slot")
    assert memo.get(b"slot\0v2", slot=b"slot") == "second"
    assert memo.get(b"slot\0v1", slot=b"slot") is None  # replaced, and the key is compared
    assert [p.name for p in (folder / "things").iterdir()] == [memo.path(b"slot").name]


def test_entries_are_readable_by_their_owner_only(folder: Path) -> None:
    memo = DiskMemo("things", lambda: b"code")
    memo.put(b"key", "private")
    assert memo.path(b"key").stat().st_mode & 0o777 == 0o600


def test_a_limit_keeps_the_most_recently_written_entries(folder: Path) -> None:
    memo = DiskMemo("things", lambda: b"code", limit=3)
    for number in range(6):
        memo.put(f"key {number}".encode(), number)
        path = memo.path(f"key {number}".encode())
        os.utime(path, ns=(number * 10**9, number * 10**9))  # written in this order
    assert [memo.get(f"key {n}".encode()) for n in range(6)] == [None, None, None, 3, 4, 5]
    assert len(list((folder / "things").iterdir())) == 3


def test_an_entry_found_counts_as_used_for_the_limit(folder: Path) -> None:
    memo = DiskMemo("things", lambda: b"code", limit=2)
    for number in range(2):
        memo.put(f"key {number}".encode(), number)
        os.utime(memo.path(f"key {number}".encode()), ns=(number * 10**9, number * 10**9))
    assert memo.get(b"key 0") == 0  # the oldest written, used now
    memo.put(b"key 2", 2)
    assert [memo.get(f"key {n}".encode()) for n in range(3)] == [0, None, 2]

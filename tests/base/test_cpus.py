"""The CPUs a process may use, and whether it may fork workers."""

from __future__ import annotations

import multiprocessing
import os
import sys

import pytest

from citekit.base import cpus


def test_usable_cpus_follow_the_affinity_mask() -> None:
    count = cpus.usable_cpus()
    assert 1 <= count <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):
        assert count == len(os.sched_getaffinity(0))


def test_usable_cpus_without_an_affinity_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    assert cpus.usable_cpus() == (os.cpu_count() or 1)


@pytest.mark.parametrize(
    ("load", "expected"), [(0.0, 4), (1.0, 4), (2.2, 3), (3.6, 1), (9.0, 1), (4.4, 1), (2.5, 3)]
)
def test_idle_cpus_leave_out_what_others_keep_busy(
    load: float, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process counts in the load average, and as one of the CPUs it may use."""
    monkeypatch.setattr(cpus, "usable_cpus", lambda: 4)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert cpus.idle_cpus() == expected


def test_idle_cpus_without_a_load_average(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cpus, "usable_cpus", lambda: 3)
    monkeypatch.delattr(os, "getloadavg", raising=False)
    assert cpus.idle_cpus() == 3


def test_no_fork_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not cpus.can_fork()


def test_fork_where_multiprocessing_has_it() -> None:
    if sys.platform == "darwin":
        pytest.skip("macOS never forks workers")
    assert cpus.can_fork() == ("fork" in multiprocessing.get_all_start_methods())

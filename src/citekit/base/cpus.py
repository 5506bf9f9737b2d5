"""How many CPUs this process may use, and whether it may fork workers.

Kept out of the CSL engine, which touches no operating-system module (it
reads no files: tests/render/csl/test_contract.py), so that its parallel
bibliography (:mod:`citekit.render.csl.parallel`) can ask.
"""

from __future__ import annotations

import os
import sys


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity mask where the system has one.

    A container or ``taskset`` limits the mask, not ``os.cpu_count()``, so
    the count of the machine would start workers that only take turns.
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def idle_cpus() -> int:
    """The usable CPUs not kept busy by other processes, this one's counted as idle.

    The 1-minute load average counts the processes that want a CPU, this one
    included; what it leaves of the usable CPUs is what more processes of
    ours could get.  Linux shares the CPUs out by session when they are all
    busy, so a second process then only splits this one's share (and the
    workers' start-up is lost).  Without a load average, every usable CPU.
    """
    usable = usable_cpus()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return usable
    return max(1, min(usable, int(usable + 1 - load + 0.5)))


def can_fork() -> bool:
    """Whether workers can be forked safely: Linux and other Unixes, not macOS or Windows.

    macOS has ``fork`` but defaults to ``spawn`` because its system
    frameworks break in a forked child; Windows has no ``fork``.
    multiprocessing is imported only when asked (15 ms, for the few runs that
    go parallel).
    """
    if sys.platform == "darwin":
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


__all__ = ["can_fork", "idle_cpus", "usable_cpus"]

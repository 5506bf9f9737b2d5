"""Format a long bibliography in several processes, with the same output as one.

Only the last step of a run is spread out: registering, numbering, sorting
and disambiguating need the whole set and stay in the calling process.
Rendering the sorted entries is split into contiguous runs of the order,
which the calling process and forked workers share: a worker inherits the
processor, the items and the disambiguation states in memory (nothing is
pickled on the way in) and sends back its entries' rich text (pickled, about
a tenth of the time it took to render them).  The caller of :func:`map_ranges` makes each
run independent of the others (the bibliography recovers the state the loop
carries from one entry to the next, see
:class:`~citekit.render.csl.bibliography.BibliographyPass`).

It runs in one process when forking is not available or not safe (macOS,
where ``spawn`` is the default because system frameworks break after a fork,
and Windows), when only one CPU is usable, and below
:data:`PARALLEL_THRESHOLD` entries, where starting the workers costs more
than it saves.  A run a worker cannot finish (an exception, a worker that
died) is rendered again in the calling process, so a failure raises the
exception the single-process loop raises, from the same entry; the workers
are always shut down and waited for before :func:`map_ranges` returns or
raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from citekit.base import cpus

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")

PARALLEL_THRESHOLD = 2000
"""Fewer entries than this are rendered in one process.

Measured on 2 cores with APA, in-process, 2 processes against 1 (report on
issue 19): on a quiet machine the wall time is the same at 500 entries, 1.19x
shorter at 1,000 (60 ms saved), 1.22x at 2,000, 1.25x at 5,000 and 20,000
(what is left is the sorting and disambiguation before, which need every
entry); the workers add about 15% CPU in all.  Where other users keep both
cores busy (Linux shares the CPUs out by session, so a second process of
ours only splits this one's share) nothing is gained: 0.8x to 1.1x.  From
2,000 entries a second process saves a tenth of a second or more.
"""

RUNS_PER_WORKER = 6
"""Each worker's share is cut into this many runs, so the progress bar moves
as runs come back and a worker that finishes early takes more."""

MIN_RUN = 100
"""No run is shorter: each one renders an extra entry to recover its state."""


def usable_cpus() -> int:
    """The CPUs this process may use (:func:`citekit.base.cpus.usable_cpus`)."""
    return cpus.usable_cpus()


def idle_cpus() -> int:
    """The usable CPUs other processes leave free (:func:`citekit.base.cpus.idle_cpus`)."""
    return cpus.idle_cpus()


def can_fork() -> bool:
    """Whether workers may be forked here (:func:`citekit.base.cpus.can_fork`)."""
    return cpus.can_fork()


def processes_for(jobs: int, entries: int) -> int:
    """How many processes render ``entries`` entries when ``jobs`` are asked for (1: this one).

    ``jobs`` 0 means as many as there are usable CPUs other processes leave
    idle (on a machine kept busy, one: see :data:`PARALLEL_THRESHOLD`);
    more processes than usable CPUs would only take turns on them, so an
    explicit count is capped to those.
    """
    if jobs == 1 or entries < max(PARALLEL_THRESHOLD, 2) or not can_fork():
        return 1
    wanted = idle_cpus() if jobs <= 0 else min(jobs, usable_cpus())
    return max(1, min(wanted, entries // MIN_RUN))


def split(total: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous ``(start, stop)`` runs covering ``range(total)``, in order."""
    if total <= 0:
        return []
    count = max(1, min(workers * RUNS_PER_WORKER, total // MIN_RUN))
    size, extra = divmod(total, count)
    runs: list[tuple[int, int]] = []
    start = 0
    for index in range(count):
        stop = start + size + (1 if index < extra else 0)
        runs.append((start, stop))
        start = stop
    return runs


class _Claims:
    """Which runs are taken: workers take them from the front, the parent from the back.

    Two integers in shared memory (the next run from the front, one past
    the last from the back) under a lock, inherited by the forked workers.
    A run is claimed once, so nobody renders it twice and nobody waits while
    runs remain; ``close`` leaves nothing to take (the parent stops early).
    """

    def __init__(self, count: int) -> None:
        import multiprocessing  # see _pool

        context = multiprocessing.get_context("fork")
        self.lock = context.Lock()
        self.ends = context.RawArray("l", [0, count])

    def front(self) -> int | None:
        with self.lock:
            index = self.ends[0]
            if index >= self.ends[1]:
                return None
            self.ends[0] = index + 1
            return int(index)

    def back(self) -> int | None:
        with self.lock:
            index = self.ends[1] - 1
            if index < self.ends[0]:
                return None
            self.ends[1] = index
            return int(index)

    def close(self) -> None:
        with self.lock:
            self.ends[1] = self.ends[0]


_Job = tuple[Callable[[int, int], list[Any]], list[tuple[int, int]], _Claims]

# What a forked worker renders; set by the pool's initializer, in the worker only.
_worker_job: _Job | None = None


def _install(job: _Job) -> None:
    """Pool initializer: keep the parent's job (inherited through fork, not pickled)."""
    global _worker_job
    _worker_job = job


def _attempt(render: Callable[[int, int], list[T]], start: int, stop: int) -> list[T] | None:
    """One run, or None when it raised (it is rendered again, in order, to raise it).

    In a worker the exception itself is not sent back (not every exception
    pickles); in the parent a later run's exception must not come before an
    earlier run's.  Rendering the failed run again in order raises, with its
    real traceback, what the single-process loop raises.
    """
    try:
        return render(start, stop)
    except Exception:
        return None


def _run_in_worker() -> tuple[int, list[Any] | None] | None:
    """The next run from the front, in a worker: its index and entries (None: none left)."""
    assert _worker_job is not None
    render, runs, claims = _worker_job
    index = claims.front()
    if index is None:
        return None
    start, stop = runs[index]
    return index, _attempt(render, start, stop)


def map_ranges(
    render: Callable[[int, int], list[T]],
    total: int,
    processes: int,
    done: Callable[[int], None] | None = None,
) -> list[T]:
    """``render(start, stop)`` over contiguous runs of ``range(total)``, joined in order.

    ``render`` must give for each run what it gives in one call over
    everything, whatever was rendered before it in that process.  This
    process and ``processes - 1`` forked workers share the runs (see
    :class:`_Claims`); this process's share is never pickled.  ``done(n)``
    is called here as each run of ``n`` is done.  A run that failed or did
    not come back (a worker died) is rendered here, in order.
    """
    runs = split(total, processes)
    claims = _Claims(len(runs))
    parts: dict[int, list[T] | None] = {}
    pool = _pool(processes - 1, (render, runs, claims))
    try:
        futures = [pool.submit(_run_in_worker) for _ in runs]
        while (index := claims.back()) is not None:
            start, stop = runs[index]
            parts[index] = _attempt(render, start, stop)
            if done is not None:
                done(stop - start)
        for future in futures:
            came = _result(future)
            if came is not None:
                index, part = came
                parts[index] = part
                if done is not None:
                    done(runs[index][1] - runs[index][0])
    finally:
        claims.close()
        pool.shutdown(wait=True)
    results: list[T] = []
    for index, (start, stop) in enumerate(runs):
        part = parts.get(index)
        if part is None:
            part = render(start, stop)
            if index not in parts and done is not None:  # lost with its worker: not yet told
                done(stop - start)
        results.extend(part)
    return results


def _pool(workers: int, job: _Job) -> Any:
    """A pool of ``workers`` forked processes that will run ``job``.

    multiprocessing and concurrent.futures are imported here, not with the
    module: they cost 15 ms, and every process that renders anything (``citekit
    cite`` too) imports this module, while few ever format in parallel.
    The workers fork at the first ``submit``; ``job`` reaches them as the
    initializer's argument, inherited through fork, never pickled.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=max(1, workers),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_install,
        initargs=(job,),
    )


def _result(
    future: Future[tuple[int, list[Any] | None] | None],
) -> tuple[int, list[Any] | None] | None:
    """What a worker sent back, or None when it died (BrokenProcessPool) or had no run."""
    try:
        return future.result()
    except Exception:
        return None

"""Run the fuzz campaign: mutated seeds through every target, in parallel.

Usage::

    python tests/fuzz/run_campaign.py --inputs 1000000 --jobs 2
    python tests/fuzz/run_campaign.py --inputs 5000 --target read-bibtex --seed 7

Each target gets its share of ``--inputs`` (see ``TARGETS`` in
fuzz_targets.py).  Work is cut into chunks; each chunk has its own random
generator seeded from ``--seed``, the target and the chunk number, so a
run is reproducible whatever the number of jobs.  Every distinct failure
(exception type and innermost citekit frame, or the loss signature) is
written once to ``--out`` with its input, a shortened reproducer and the
traceback.  The exit code is 1 when anything failed or was slow, else 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import random
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import fuzz_corpus  # noqa: E402
import fuzz_targets  # noqa: E402

SLOW = 1.0
"""An input taking more than this many CPU seconds is reported as slow."""
HANG = 10.0
"""An input still running after this many CPU seconds is stopped and reported as a hang."""
HANG_WALL = 120.0
"""The same in wall-clock seconds, for an input that blocks without using the CPU."""
MEMORY = 2 * 1024**3
"""Address-space limit of a worker: a runaway input raises MemoryError, not the machine."""
CHUNK = 250
MINIMISE_BUDGET = 4.0


class Hang(BaseException):
    """Raised by the alarm; a BaseException so no ``except Exception`` in citekit hides it."""


@dataclass
class Failure:
    target: str
    kind: str  # exception, loss, hang
    signature: str
    message: str
    trace: str
    data: bytes
    minimal: bytes
    count: int = 1


@dataclass
class Figures:
    inputs: int = 0
    exceptions: int = 0
    losses: int = 0
    slow: int = 0
    skipped: int = 0
    max_time: float = 0.0
    """The longest CPU time of one input (what ``slow`` is measured by)."""
    max_wall: float = 0.0
    seconds: float = 0.0
    slow_inputs: list[tuple[float, bytes]] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        self.inputs += other.inputs
        self.exceptions += other.exceptions
        self.losses += other.losses
        self.slow += other.slow
        self.skipped += other.skipped
        self.max_time = max(self.max_time, other.max_time)
        self.max_wall = max(self.max_wall, other.max_wall)
        self.seconds += other.seconds
        self.slow_inputs = sorted([*self.slow_inputs, *other.slow_inputs], reverse=True)[:5]


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _innermost_citekit(tb: TracebackType | None) -> str:
    """``module.py:line function`` of the deepest frame inside citekit (where it broke)."""
    where = "?"
    for frame, line in traceback.walk_tb(tb):
        path = frame.f_code.co_filename
        if "/citekit/" in path and "/tests/" not in path:
            where = f"{path.split('/citekit/', 1)[1]}:{line} {frame.f_code.co_name}"
    return where


def classify(exc: BaseException) -> tuple[str, str]:
    """(kind, signature) of a failure: the same defect gets the same signature."""
    if isinstance(exc, Hang):
        return "hang", "hang"
    if isinstance(exc, fuzz_targets.SilentLoss | fuzz_targets.BadOutput):
        return ("loss" if isinstance(exc, fuzz_targets.SilentLoss) else "exception"), exc.signature
    return "exception", f"{type(exc).__name__} at {_innermost_citekit(exc.__traceback__)}"


def run_one(function: Callable[[bytes], None], data: bytes) -> BaseException | None:
    """Run one input under the alarm; the exception it raised, if any."""
    signal.setitimer(signal.ITIMER_PROF, HANG)
    signal.setitimer(signal.ITIMER_REAL, HANG_WALL)
    try:
        function(data)
    except (Exception, Hang) as exc:
        return exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.setitimer(signal.ITIMER_PROF, 0)
    return None


def minimise(
    function: Callable[[bytes], None], data: bytes, signature: str, budget: float = MINIMISE_BUDGET
) -> bytes:
    """A shorter input with the same failure signature (greedy chunk deletion, time-boxed)."""
    deadline = time.perf_counter() + budget
    best = data
    step = max(1, len(best) // 2)
    while step >= 1 and time.perf_counter() < deadline:
        start, shrunk = 0, False
        while start < len(best) and time.perf_counter() < deadline:
            candidate = best[:start] + best[start + step :]
            exc = run_one(function, candidate)
            if exc is not None and not isinstance(exc, Hang) and classify(exc)[1] == signature:
                best, shrunk = candidate, True
            else:
                start += step
        if not shrunk:
            step //= 2
    return best


_MINIMISED: set[tuple[str, str]] = set()
"""(target, signature) pairs this worker already shortened an input for."""


def _worker_init() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGPROF, _on_alarm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool's terminate() must still work
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    fuzz_targets.prepare()


def run_chunk(task: tuple[str, int, int, int]) -> tuple[str, Figures, list[Failure]]:
    """Run ``count`` generated inputs of one target; figures and first-seen failures."""
    name, seed, chunk, count = task
    function, kind, _ = fuzz_targets.TARGETS[name]
    digest = hashlib.sha256(f"{seed}:{name}:{chunk}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    figures = Figures()
    failures: dict[str, Failure] = {}
    started = time.perf_counter()
    for _ in range(count):
        data = fuzz_corpus.generate(rng, kind)
        before, cpu_before = time.perf_counter(), time.process_time()
        exc = run_one(function, data)
        took = time.process_time() - cpu_before
        figures.max_wall = max(figures.max_wall, time.perf_counter() - before)
        figures.inputs += 1
        figures.max_time = max(figures.max_time, took)
        if took > SLOW:
            figures.slow += 1
            figures.slow_inputs = sorted([*figures.slow_inputs, (took, data)], reverse=True)[:5]
        if exc is None:
            continue
        failure_kind, signature = classify(exc)
        if failure_kind == "loss":
            figures.losses += 1
        else:
            figures.exceptions += 1
        if signature in failures:
            failures[signature].count += 1
            continue
        trace = "".join(traceback.format_exception(exc))
        failures[signature] = Failure(
            name, failure_kind, signature, str(exc)[:500], trace, data, data
        )
    figures.seconds = time.perf_counter() - started
    for failure in failures.values():
        if failure.kind != "hang" and (name, failure.signature) not in _MINIMISED:
            _MINIMISED.add((name, failure.signature))  # once per worker: the rest is repeats
            failure.minimal = minimise(function, failure.data, failure.signature)
    return name, figures, list(failures.values())


def plan(names: list[str], total: int, seed: int) -> Iterator[tuple[str, int, int, int]]:
    """Chunks of work, interleaved across targets so a partial run covers all of them."""
    shares = fuzz_targets.weights(names)
    remaining = {name: max(1, round(total * share)) for name, share in shares.items()}
    chunk = 0
    while any(remaining.values()):
        for name in names:
            count = min(CHUNK, remaining[name])
            if count:
                remaining[name] -= count
                yield name, seed, chunk, count
        chunk += 1


def _write_failure(out: Path, failure: Failure, index: int) -> None:
    stem = f"{failure.target}-{index:03d}"
    (out / f"{stem}.bin").write_bytes(failure.data)
    (out / f"{stem}.min.bin").write_bytes(failure.minimal)
    (out / f"{stem}.txt").write_text(
        f"target: {failure.target}\nkind: {failure.kind}\nsignature: {failure.signature}\n"
        f"seen: {failure.count}\nminimal: {failure.minimal!r}\nmessage: {failure.message}\n\n"
        f"{failure.trace}",
        encoding="utf-8",
    )


def _line(name: str, f: Figures) -> str:
    rate = f.inputs / f.seconds if f.seconds else 0.0
    return (
        f"{name:<20} {f.inputs:>9} {f.exceptions:>6} {f.losses:>6} {f.slow:>5} "
        f"{f.max_time:>8.3f} {f.max_wall:>8.3f} {rate:>9.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="inputs in total")
    parser.add_argument(
        "--target",
        action="append",
        choices=sorted(fuzz_targets.TARGETS),
        help="run only this target (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--out", type=Path, default=Path("/tmp") / f"citekit-fuzz-{time.strftime('%Y%m%d-%H%M%S')}"
    )
    args = parser.parse_args(argv)
    names = args.target or list(fuzz_targets.TARGETS)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in names:  # load the seeds before forking, so workers share them
        fuzz_corpus.seeds_for(fuzz_targets.TARGETS[name][1])
    fuzz_targets.sandbox()  # one sandbox folder for every worker, removed at exit

    figures = {name: Figures() for name in names}
    failures: dict[tuple[str, str], Failure] = {}
    started = time.perf_counter()
    done, next_report = 0, max(CHUNK, args.inputs // 20)
    signal.signal(signal.SIGINT, _interrupt)  # also when started in the background
    signal.signal(signal.SIGTERM, _interrupt)  # kill PID: stop and report so far
    context = multiprocessing.get_context("fork")
    with context.Pool(args.jobs, initializer=_worker_init, maxtasksperchild=200) as pool:
        try:
            for name, chunk_figures, found in pool.imap_unordered(
                run_chunk, plan(names, args.inputs, args.seed)
            ):
                figures[name].add(chunk_figures)
                done += chunk_figures.inputs
                if done >= next_report:
                    elapsed = time.perf_counter() - started
                    print(
                        f"... {done}/{args.inputs} inputs, {elapsed:.0f} s, "
                        f"{done / elapsed:.0f}/s, {len(failures)} distinct failure(s)",
                        file=sys.stderr,
                        flush=True,
                    )
                    next_report += max(CHUNK, args.inputs // 20)
                for failure in found:
                    known = failures.get((failure.target, failure.signature))
                    if known is None:
                        failures[(failure.target, failure.signature)] = failure
                    else:
                        known.count += failure.count
                        if len(failure.minimal) < len(known.minimal):
                            known.minimal = failure.minimal
        except KeyboardInterrupt:  # Ctrl-C: stop, and report what ran so far
            pool.terminate()
            print(f"interrupted after {done} inputs", file=sys.stderr)
    wall = time.perf_counter() - started

    ordered = sorted(failures.values(), key=lambda f: (f.target, f.signature))
    for index, failure in enumerate(ordered):
        _write_failure(args.out, failure, index)
    summary = {
        "wall": wall,
        "jobs": args.jobs,
        "seed": args.seed,
        "targets": {
            n: {k: v for k, v in vars(f).items() if k != "slow_inputs"} for n, f in figures.items()
        },
        "failures": [
            {
                "target": f.target,
                "kind": f.kind,
                "signature": f.signature,
                "count": f.count,
                "minimal": repr(f.minimal),
            }
            for f in failures.values()
        ],
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(
        f"{'target':<20} {'inputs':>9} {'exc':>6} {'loss':>6} {'slow':>5} {'max cpu':>8} "
        f"{'max wall':>8} {'inputs/s':>9}"
    )
    total = Figures()
    for name in names:
        print(_line(name, figures[name]))
        total.add(figures[name])
    print(_line("total", total))
    print(
        f"wall {wall:.1f} s, {total.inputs / wall:.0f} inputs/s with {args.jobs} job(s); "
        f"{len(failures)} distinct failure(s); details in {args.out}"
    )
    for failure in ordered:
        print(
            f"  [{failure.target}] {failure.kind} x{failure.count}: {failure.signature}\n"
            f"      {failure.minimal[:300]!r}"
        )
    for name in names:
        for took, data in figures[name].slow_inputs:
            print(f"  [{name}] slow {took:.2f} s CPU: {data[:120]!r}... ({len(data)} bytes)")
    return 1 if failures or total.slow else 0


if __name__ == "__main__":
    sys.exit(main())

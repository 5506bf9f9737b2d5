"""A write killed at any moment leaves the old file or the new one, and nothing else.

``format --in-place``, ``keys --in-place`` and ``dedupe --merge first
--in-place`` run on a generated 10,000-entry .bib file (with comments,
entries that cannot be parsed, keys that must change and duplicates) and are
killed with SIGKILL after a random delay spanning the whole run (start-up,
reading, the work and the write).  Each time the file must be byte for byte
the old version or the new one (never truncated or mixed), and the folder
must hold no temporary file.  50 kills in all.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ENTRIES = 10_000

#: The command and how many times it is killed (50 in all).
COMMANDS = [
    (["format"], 24),
    (["keys"], 13),
    (["dedupe", "--merge", "first"], 13),
]


def generate_bib() -> bytes:
    """10,000 entries: every tenth key is a number (``keys`` renames it), every
    hundredth entry repeats the one before (``dedupe`` merges it), with
    comments and an unterminated entry every thousand entries."""
    out: list[str] = []
    for i in range(ENTRIES):
        if i % 1000 == 3:
            out.append(f"% part {i // 1000}\n@book{{broken{i},\n  title = {{Unterminated,\n\n")
        key = str(i) if i % 10 == 0 else f"k{i}"
        work = i - 1 if i % 100 == 1 else i
        out.append(
            f"@article{{{key}, author = {{Doe{work}, Ann}}, "
            f"title = {{Work number {work}}}, year = 2000}}\n"
        )
    return "".join(out).encode("utf-8")


def command(args: list[str], target: Path) -> list[str]:
    return [sys.executable, "-m", "citekit", *args, "--in-place", str(target)]


@pytest.mark.parametrize(("args", "kills"), COMMANDS, ids=[c[0][0] for c in COMMANDS])
def test_a_killed_in_place_write_leaves_the_old_or_the_new_file(
    tmp_path: Path, args: list[str], kills: int
) -> None:
    old = generate_bib()
    target = tmp_path / "refs.bib"
    target.write_bytes(old)
    started = time.monotonic()
    finished = subprocess.run(command(args, target), capture_output=True, timeout=120, check=False)
    duration = time.monotonic() - started
    assert finished.returncode in (0, 1), finished.stderr.decode()
    new = target.read_bytes()
    assert new != old
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)
    seen: Counter[str] = Counter()
    for run in range(kills):
        target.write_bytes(old)
        process = subprocess.Popen(
            command(args, target), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        delay = rng.uniform(0, duration)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        data = target.read_bytes()
        where = f"seed {seed}, run {run}, killed after {delay:.2f} s of {duration:.2f} s"
        assert data in (old, new), f"a mixed or truncated file ({where})"
        assert os.listdir(tmp_path) == ["refs.bib"], f"files left behind ({where})"
        seen["new" if data == new else "old"] += 1
    assert sum(seen.values()) == kills

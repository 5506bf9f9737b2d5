"""Pausing Python's cycle collector around work that makes no cycles.

Reading a large .bib and rendering a large bibliography each allocate
hundreds of thousands of small objects that reference counting frees on its
own; the cycle collector keeps scanning them as they pile up (about a tenth
of either job at 5,000 entries), which makes a long file cost more per entry
than a short one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """The collector off for the block, and on again after only if it was on before.

    Nested pauses and a caller that keeps the collector off themselves are
    left as they were.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = ["cycle_collection_paused"]

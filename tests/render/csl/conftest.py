"""Makes the CSL fixture driver (``csl_fixtures.py`` beside this file) importable.

The suite imports test modules in importlib mode, which puts no test folder
on ``sys.path``; the driver is a test tool shared with
``benchmarks/csl_suite.py`` (which adds the same folder), not part of the
engine, so it lives here rather than in ``src``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

"""Locale files bundled with citeproc-py, for the test suite and as a default.

The engine itself does no I/O; this loader is what callers hand it when they
have no locale directory of their own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _locale_dir() -> Path | None:
    try:
        import citeproc
    except ImportError:  # pragma: no cover - citeproc-py is a dependency
        return None
    directory = Path(citeproc.__file__).parent / "data" / "locales"
    return directory if directory.is_dir() else None


@lru_cache(maxsize=1)
def _primary_dialects() -> dict[str, str]:
    directory = _locale_dir()
    if directory is None:
        return {}
    try:
        data = json.loads((directory / "locales.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    dialects = data.get("primary-dialects", {})
    return {str(k): str(v) for k, v in dialects.items()} if isinstance(dialects, dict) else {}


@lru_cache(maxsize=128)
def bundled_locale_xml(lang: str) -> bytes | None:
    """The XML of ``locales-<lang>.xml`` (a bare language maps to its primary dialect)."""
    directory = _locale_dir()
    if directory is None or not lang or "/" in lang or ".." in lang:
        return None
    candidates = [lang]
    primary = _primary_dialects().get(lang)
    if primary:
        candidates.append(primary)
    for candidate in candidates:
        path = directory / f"locales-{candidate}.xml"
        if path.is_file():
            return path.read_bytes()
    return None

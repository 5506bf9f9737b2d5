"""The creation time written into a reader's document metadata (PDF and DOCX).

A reader records when it was made, so an instructor can tell two printouts
apart: by default that is the moment it was built.  Readers kept in version
control (the examples) must rebuild byte for byte, so the time can be pinned
the way reproducible builds pin it everywhere else (Sphinx, pandoc, LaTeX):
``SOURCE_DATE_EPOCH``, a whole number of seconds since 1970-01-01 UTC.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from citekit.errors import UsageError

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def build_time(environ: Mapping[str, str] | None = None) -> datetime:
    """When the reader is made: ``SOURCE_DATE_EPOCH`` if set, else now (UTC, whole seconds).

    A malformed ``SOURCE_DATE_EPOCH`` is an error rather than silently "now":
    whoever set it wants a reproducible file and would otherwise not get one.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not value:
        return datetime.now(UTC).replace(microsecond=0)
    if not value.isdigit():
        raise UsageError(
            f"{SOURCE_DATE_EPOCH} must be a whole number of seconds since "
            f"1970-01-01 UTC, not {value!r}"
        )
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise UsageError(f"{SOURCE_DATE_EPOCH}={value} is out of range: {exc}") from exc


def w3c_date(moment: datetime) -> str:
    """``2017-05-01T12:00:00Z``: the W3C date-time form HTML and WeasyPrint use."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["SOURCE_DATE_EPOCH", "build_time", "w3c_date"]

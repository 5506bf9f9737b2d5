"""Writing a built reader to a file in the format its name (or the caller) asks for.

Text formats go through :func:`citekit._io.atomic_write_text`; a DOCX is
bytes, so it gets the same treatment by hand: a temporary file in the
target folder, then ``os.replace``, and never over one of the inputs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from citekit._io import atomic_write_text
from citekit.course.build import Reader
from citekit.course.docx import render_docx
from citekit.course.html import render_html
from citekit.course.markdown import render_markdown
from citekit.errors import OutputError, UsageError

OUTPUT_KINDS: tuple[str, ...] = ("html", "docx", "markdown")
_SUFFIXES = {".html": "html", ".htm": "html", ".docx": "docx", ".md": "markdown",
             ".markdown": "markdown"}


def kind_for_path(path: str | Path) -> str:
    """The output kind a file name stands for (``reader.docx`` -> ``docx``)."""
    kind = _SUFFIXES.get(Path(str(path)).suffix.lower())
    if kind is None:
        raise UsageError(f"cannot tell the output format of '{path}'; name it .html, .docx "
                         f"or .md, or give --format html|docx|markdown")
    return kind


def _refuse_inputs(target: Path, protect: Sequence[str | Path]) -> None:
    for other in protect:
        if target.exists() and Path(other).exists() and os.path.samefile(target, other):
            raise OutputError(f"refusing to overwrite the input file {target}")


def write_bytes_atomic(path: str | Path, data: bytes, *,
                       protect: Sequence[str | Path] = ()) -> None:
    """Write bytes atomically (temp file in the same folder, then rename)."""
    if str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = Path(path)
    _refuse_inputs(target, protect)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, target)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc


def write_reader(reader: Reader, path: str | Path, kind: str | None = None, *,
                 paper: str = "a4", protect: Sequence[str | Path] = ()) -> str:
    """Write ``reader`` to ``path`` (``-`` for stdout); returns the kind written."""
    kind = kind or kind_for_path(path)
    if kind == "html":
        atomic_write_text(path, render_html(reader, paper=paper), protect=tuple(protect))
    elif kind == "markdown":
        atomic_write_text(path, render_markdown(reader), protect=tuple(protect))
    elif kind == "docx":
        write_bytes_atomic(path, render_docx(reader), protect=protect)
    else:
        raise UsageError(f"unknown output format '{kind}'; known: {', '.join(OUTPUT_KINDS)}")
    return kind


__all__ = ["OUTPUT_KINDS", "kind_for_path", "write_bytes_atomic", "write_reader"]

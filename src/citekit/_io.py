"""File reading and writing shared by every format and command.

Reading decodes UTF-8 and, when that fails, falls back to Latin-1 with a
diagnostic instead of a traceback.  Writing is atomic (a temporary file in the
same folder, then a rename) so that an interrupted run never leaves half a
bibliography behind, and refuses to replace an input file unless asked.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from citekit.errors import Diagnostic, OutputError, Severity


def decode_bytes(data: bytes, *, filename: str | None = None) -> tuple[str, list[Diagnostic]]:
    """Decode input text; invalid UTF-8 is read as Latin-1 with a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        diagnostic = Diagnostic(
            Severity.WARNING,
            "invalid-utf8",
            f"invalid UTF-8 at byte {exc.start}; the file was read as Latin-1",
            file=filename,
            line=line,
        )
        return data.decode("latin-1"), [diagnostic]


def read_text(path: str | Path) -> tuple[str, list[Diagnostic]]:
    """Read a file (``-`` for stdin) as text, with decoding diagnostics."""
    if str(path) == "-":
        return decode_bytes(sys.stdin.buffer.read(), filename="<stdin>")
    return decode_bytes(Path(path).read_bytes(), filename=str(path))


def _keep_backup(target: Path) -> None:
    """Give the current file the name ``target~`` too (a hard link, else a copy)."""
    backup = target.with_name(target.name + "~")
    staged = backup.with_name(f".{backup.name}.{os.getpid()}.tmp")
    try:
        os.link(target, staged)
    except OSError:  # no hard links on this file system
        shutil.copy2(target, staged)
    os.replace(staged, backup)


def atomic_write_text(path: str | Path, text: str, *, protect: tuple[str | Path, ...] = (),
                      backup: bool = False, in_place_hint: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`atomic_write_bytes`."""
    if str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    atomic_write_bytes(path, text.encode("utf-8"), protect=protect, backup=backup,
                       in_place_hint=in_place_hint)


def atomic_write_bytes(path: str | Path, data: bytes, *, protect: tuple[str | Path, ...] = (),
                       backup: bool = False, in_place_hint: bool = False) -> None:
    """Write ``data`` to ``path`` atomically (``-`` for stdout).

    ``protect`` lists input files: writing over one of them raises
    :class:`OutputError` (commands that offer ``--in-place`` pass nothing
    there when the user asked for it, and ``in_place_hint`` to say so).
    With ``backup`` an existing file is kept as ``path~``.
    """
    if str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = Path(path)
    for other in protect:
        if str(other) != "-" and target.exists() and Path(other).exists() \
                and os.path.samefile(target, other):
            how = "write elsewhere or ask for --in-place" if in_place_hint else \
                "write to another file"
            raise OutputError(f"refusing to overwrite the input file {target}; {how}")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if target.exists():
                os.chmod(tmp_name, target.stat().st_mode & 0o777)
                if backup:  # a second name for the old file: it is never missing
                    _keep_backup(target)
            else:
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

"""Paths that come from data stay inside the project; inputs are regular files.

A server request, a reading list or a document's front matter may name files
to read (a library, a style).  Those names come from data the user may not
have written, so they must not reach outside the project: an absolute path
or a ``../`` chain could otherwise read any file the user can read and show
its content through ``complete`` or a rendered bibliography.

The project is the folder of the document or reading list (the working
folder for the server), widened to the top of the git work tree holding it
(the nearest folder above with a ``.git``), so ``chapters/one.md`` may name
``../refs.bib`` in its repository.  The widening never reaches the user's
home folder or the file system's root, so a stray ``~/.git`` does not make
the whole home folder a project.  The user can allow more folders with
``$CITEKIT_ALLOW`` (folders separated by ``os.pathsep``) or, for the server,
``--allow DIR``.  Paths are compared after resolving symbolic links, so a
link inside the project that points outside is refused too.

Paths the user types on the command line are not confined: that is the
user's own choice, not data.

Whatever the path, :func:`citekit.base.files.read_bytes` reads only regular files
of bounded size (``/dev/zero`` would grow without end, a FIFO would block
forever).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from citekit.errors import DataError

ALLOW_ENV = "CITEKIT_ALLOW"
"""Environment variable listing extra folders data may name (``os.pathsep``-separated)."""


class UnsafePathError(DataError):
    """A path from data that citekit refuses to read; the message names it and why."""

    def __init__(self, message: str, path: str | Path) -> None:
        super().__init__(message)
        self.path = str(path)


def configured_folders(extra: Iterable[str | Path] = ()) -> list[Path]:
    """The folders the user allowed: ``extra`` then ``$CITEKIT_ALLOW``, resolved."""
    raw = [*extra, *os.environ.get(ALLOW_ENV, "").split(os.pathsep)]
    return [Path(folder).expanduser().resolve() for folder in raw if str(folder).strip()]


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def project_root(base: Path) -> Path:
    """``base`` resolved, or the top of the git work tree holding it (see the module text)."""
    folder = base.resolve()
    stops = {Path(folder.anchor)}
    with contextlib.suppress(RuntimeError, KeyError):  # no home folder known
        stops.add(Path.home().resolve())
    for candidate in (folder, *folder.parents):
        if candidate in stops:
            break
        if (candidate / ".git").exists():
            return candidate
    return folder


def confine(
    raw: str | Path, base: Path, *, allow: Iterable[str | Path] = (), what: str = "file"
) -> Path:
    """``raw`` resolved against ``base``, provided it lies inside ``base`` or an allowed folder.

    Returns ``base / raw`` (or ``raw`` when absolute and allowed) without
    resolving links, so messages show the path as written; the check itself
    is made on the fully resolved path.  Raises :class:`UnsafePathError`
    naming the path, the project folder and how to allow it.
    """
    candidate = Path(raw).expanduser()
    if not candidate.is_absolute():
        candidate = base / candidate
    resolved = candidate.resolve()
    project = project_root(base)
    folders = [project, *configured_folders(allow)]
    if any(_inside(resolved, folder) for folder in folders):
        return candidate
    raise UnsafePathError(
        f"{what} '{raw}' is outside the project folder {project} (it resolves to "
        f"{resolved}); to read it, allow its folder with ${ALLOW_ENV}",
        raw,
    )


__all__ = [
    "ALLOW_ENV",
    "UnsafePathError",
    "configured_folders",
    "confine",
    "project_root",
]

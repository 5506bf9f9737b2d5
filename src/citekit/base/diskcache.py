"""A small on-disk memo for work every process would redo: :class:`DiskMemo`.

A ``citekit cite`` is a short process, and parsing its CSL style and merging
the style's locale are a good part of what it does (with lxml to import for
them).  The engine keeps the result in the user's cache folder
(:func:`cache_dir`) so that the next process with the same style, locale and
code reads it back instead.

Safety comes before speed: an entry is one file named by a checksum of its
key, holding the key itself, a fingerprint of the code that made it and the
value; a lookup compares the whole key and the fingerprint, so neither a
checksum collision nor an edited or upgraded citekit can answer with a stale
value.  Entries are written atomically (a temporary file renamed over the
name).  Anything that goes wrong (no folder, a file that is not ours, is
truncated, cannot be unpickled or is for another key) is a miss, and a write
that fails is skipped: the cache can only save time, never change an answer
or stop a command.

The memo is off until :func:`use_disk_cache` is called: the command line turns it
on; a program using the library writes nothing to the user's folders
unless it asks for it.  ``$CITEKIT_CACHE_DIR`` moves the folder (as it does
for looked-up identifiers); ``CITEKIT_NO_DISK_CACHE=1`` turns the memo off.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

CACHE_ENV = "CITEKIT_CACHE_DIR"
OFF_ENV = "CITEKIT_NO_DISK_CACHE"

_enabled = False


def use_disk_cache(on: bool = True) -> None:
    """Let citekit keep parsed styles, locales and bibliography files in the user's cache folder.

    Off by default: the command line turns it on for each command, so that
    the next one reads its style, and a file it read unchanged, back instead
    of parsing them (``load_library`` uses it for files; ``False`` stops it);
    a program that formats from process to process can do the same.
    The folder is :func:`cache_dir` (``$CITEKIT_CACHE_DIR`` moves it);
    ``CITEKIT_NO_DISK_CACHE=1`` keeps it off whatever is asked.
    """
    global _enabled
    _enabled = on


def enabled() -> bool:
    """Whether memos use the disk now: turned on (:func:`use_disk_cache`), not off by env."""
    return _enabled and not os.environ.get(OFF_ENV)


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The user's cache folder for citekit: ``$CITEKIT_CACHE_DIR``, else the platform's.

    ``$XDG_CACHE_HOME/citekit`` (``~/.cache/citekit``) on Linux and other
    Unix systems, ``~/Library/Caches/citekit`` on macOS and
    ``%LOCALAPPDATA%\\citekit\\Cache`` on Windows; the identifier lookups
    keep their answers there too (:func:`citekit.sources.http.default_cache_dir`).
    """
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV])
    if sys.platform == "win32" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "citekit" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "citekit"
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "citekit"


def source_fingerprint(folders: Iterable[Path]) -> bytes:
    """The Python version and the name, size and mtime of every ``.py`` file in ``folders``.

    Any edit or upgrade of that code changes it, so entries made by other
    code never match.  A folder that cannot be listed counts as empty.
    """
    parts = [sys.version]
    for folder in folders:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".py"):
                try:
                    status = entry.stat()
                except OSError:
                    continue
                parts.append(f"{folder}/{entry.name}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(parts).encode("utf-8", "surrogatepass")


def package_fingerprint(*packages: str) -> Callable[[], bytes]:
    """A fingerprint function over the folders of the named (imported) packages' code.

    For :class:`DiskMemo`: ``package_fingerprint("citekit.render.csl", ...)``
    lets a module name the code its entries depend on without touching the
    file system itself; the folders are found when the memo is first used.
    """

    def fingerprint() -> bytes:
        folders = [
            Path(folder)
            for name in packages
            for folder in getattr(sys.modules.get(name), "__path__", ())
        ]
        return source_fingerprint(folders)

    return fingerprint


def blake2b_digest(data: bytes, size: int) -> bytes:
    """The BLAKE2b digest of ``data`` in ``size`` bytes, for keys made of users' texts.

    From CPython's ``_blake2`` where it exists: ``hashlib`` costs 2.5 ms to
    import, and a warm command needs nothing else of it.
    """
    global _digest_of
    if _digest_of is None:
        try:
            from _blake2 import blake2b
        except ImportError:  # another Python
            from hashlib import blake2b

        def digest_of(data: bytes, size: int) -> bytes:
            return blake2b(data, digest_size=size).digest()

        _digest_of = digest_of
    return _digest_of(data, size)


_digest_of: Callable[[bytes, int], bytes] | None = None


def _unpickler() -> Callable[[bytes], object]:
    """``pickle.loads``, imported when first needed, from CPython's ``_pickle`` where it exists.

    ``pickle.loads`` is ``_pickle.loads`` there; importing ``pickle`` itself also
    defines its pure-Python pickler and loads ``struct`` (about 0.8 ms of a
    ``citekit cite``), which neither reading nor writing an entry uses.
    """
    try:
        from _pickle import loads
    except ImportError:  # another Python: the module that has it all
        from pickle import loads
    return loads


def pickled(value: object) -> bytes:
    """``pickle.dumps(value)`` in the newest protocol, from ``_pickle`` where it exists."""
    try:
        from _pickle import dumps
    except ImportError:  # another Python
        from pickle import dumps
    pickled: bytes = dumps(value, protocol=5)
    return pickled


class DiskMemo:
    """Values by key (bytes) in files under ``cache_dir()/namespace`` (see the module doc).

    ``fingerprint`` is called once, on first use, and must change whenever
    the code that makes or reads the values changes.  ``limit`` bounds the
    number of entries: each write removes the least recently used ones
    (written or found) beyond it, for keys that come from the user's files,
    which can be many.
    """

    def __init__(
        self, namespace: str, fingerprint: Callable[[], bytes], limit: int | None = None
    ) -> None:
        self.namespace = namespace
        self._fingerprint_of = fingerprint
        self._fingerprint: bytes | None = None
        self.limit = limit

    def code(self) -> bytes:
        """The fingerprint, worked out on first use (another memo of the same code can
        take this method as its own fingerprint, and not work it out again)."""
        if self._fingerprint is None:
            self._fingerprint = self._fingerprint_of()
        return self._fingerprint

    def path(self, key: bytes) -> Path:
        """The file of ``key``: a 64-bit checksum of it, hex (the file holds the key itself)."""
        name = f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.pickle"
        return cache_dir() / self.namespace / name

    def get(self, key: bytes, slot: bytes | None = None) -> object | None:
        """The value stored for ``key`` by this code, or None (a miss, whatever the reason).

        ``slot``, when given, names the file instead of ``key``: the values
        of one slot replace each other (one entry per input file, whatever
        its content), while the whole key is still compared.
        """
        stored = self.stored(key if slot is None else slot)
        if stored is None or stored[0] != key:
            return None
        value = self.unpack(stored[1])
        if value is not None:
            self.used(key if slot is None else slot)
        return value

    def used(self, slot: bytes) -> None:
        """Mark the entry in ``slot``'s file (a key's, without slots) as used now.

        With a ``limit``, it goes to the back of the pruning order; otherwise
        an entry that is only ever found, never written again, would be
        removed after ``limit`` other entries were written.
        """
        if self.limit is not None:
            with contextlib.suppress(OSError):
                os.utime(self.path(slot))

    def stored(self, slot: bytes) -> tuple[bytes, bytes] | None:
        """The key and the value, still pickled, this code stored in ``slot``'s file,
        whatever the key (None: nothing there, another code's, or damaged).

        A caller that finds another key than its own learns that the slot's
        input has changed without loading the value (:meth:`unpack` does):
        a slot's value can be a whole parsed bibliography.
        """
        if not enabled():
            return None
        try:
            with open(self.path(slot), "rb") as handle:
                if hasattr(os, "getuid") and os.fstat(handle.fileno()).st_uid != os.getuid():
                    return None  # unpickle only what this user wrote
                data = handle.read()
        except OSError:
            return None
        try:
            unpickled: object = _unpickler()(data)
        except Exception:  # a truncated, corrupt or foreign file is a miss
            return None
        if not (isinstance(unpickled, tuple) and len(unpickled) == 3):
            return None
        code, stored_key, value = unpickled
        if code != self.code() or not isinstance(stored_key, bytes):
            return None
        if not isinstance(value, bytes):
            return None
        return stored_key, value

    @staticmethod
    def unpack(value: bytes) -> object | None:
        """A value :meth:`stored` returned, unpickled (None: damaged)."""
        try:
            unpacked: object = _unpickler()(value)
        except Exception:  # a truncated or corrupt value is a miss
            return None
        return unpacked

    def put(self, key: bytes, value: object, slot: bytes | None = None) -> None:
        """Store ``value`` for ``key`` (in ``slot``'s file, see :meth:`get`) atomically.

        Skipped silently when that fails.  The file is readable by its owner
        only: an entry may hold what the user's own files hold.
        """
        if not enabled():
            return
        target = self.path(key if slot is None else slot)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            data = pickled((self.code(), key, pickled(value)))
            target.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
            with open(os.open(temporary, flags, 0o600), "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except Exception:  # a read-only or full disk, an unpicklable value: no entry
            with contextlib.suppress(OSError):
                temporary.unlink()
            return
        if self.limit is not None:
            self._prune(target.parent, self.limit)

    @staticmethod
    def _prune(folder: Path, limit: int) -> None:
        """Remove the least recently used entries beyond ``limit`` (whatever fails stays)."""
        try:
            entries = [e for e in os.scandir(folder) if e.name.endswith(".pickle")]
            if len(entries) <= limit:
                return
            entries.sort(key=lambda entry: entry.stat().st_mtime_ns)
        except OSError:
            return
        for entry in entries[: len(entries) - limit]:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


__all__ = [
    "CACHE_ENV",
    "DiskMemo",
    "blake2b_digest",
    "cache_dir",
    "enabled",
    "package_fingerprint",
    "pickled",
    "source_fingerprint",
    "use_disk_cache",
]

"""File reading and writing shared by every format and command.

Reading takes regular files (or stdin) up to a size limit and decodes them
strictly: UTF-8, or UTF-16/UTF-32 with a byte-order mark, or the encoding the
caller names; bytes that do not decode are an error naming the file, line and
byte offset, never a silent guess.  Writing is atomic (an unnamed ``O_TMPFILE``
file in the same folder, linked in and renamed over the target; a named
temporary file where that is unsupported) so that an interrupted run leaves
the old file or the new one and no stray file, in the encoding asked; it
refuses to replace an input file unless asked, refuses a read-only file,
writes through a symbolic link to its target, writes to a device or pipe
without replacing it, and turns a full disk or a closed stdout into one clear
:class:`~citekit.errors.OutputError`.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from citekit.base.valueclass import value_class
from citekit.errors import (
    Diagnostic,
    OutputError,
    OutputPathError,
    ParseError,
    Severity,
    UsageError,
)

#: The most bytes citekit reads from one input (a file or stdin).  A
#: bibliography of 100,000 entries is about 50 MB; anything past this limit is
#: refused with an error instead of filling memory (``/dev/zero`` piped in).
MAX_INPUT_BYTES = 512 * 1024 * 1024

_CHUNK = 1 << 20

#: Byte-order marks, longest first (a UTF-32 LE mark starts like UTF-16 LE's):
#: the mark, the codec that decodes what follows it, and the encoding reported.
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
)

_ENCODING_HINT = "name the file's encoding with --encoding (e.g. --encoding latin-1)"


class InputError(UsageError):
    """An input that cannot be read at all (exit 2): missing, unreadable, a
    directory, a device or FIFO, or larger than :data:`MAX_INPUT_BYTES`."""


class EncodingError(ParseError):
    """Input bytes that are not valid in the encoding used (exit 1).

    Never guessed around: decoding a file one way and writing it back another
    way garbles it, so the caller has to name the encoding instead.
    """


@value_class
class DecodedText:
    """Text read from an input and the codec it was decoded with.

    ``encoding`` is what a rewrite of the file must encode with to give the
    same bytes back: ``utf-8``, ``utf-8-sig`` (a UTF-8 byte-order mark),
    ``utf-16`` or ``utf-32`` (with a byte-order mark), or the encoding the
    caller named.
    """

    text: str
    encoding: str
    diagnostics: tuple[Diagnostic, ...] = ()


def _located_error(
    data: bytes, exc: UnicodeDecodeError, offset: int, label: str, codec: str, filename: str | None
) -> EncodingError:
    """An :class:`EncodingError` naming the file, line, column and byte offset."""
    before = data[: exc.start].decode(codec, errors="replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    bad = data[exc.start : exc.end][:4].hex(" ")
    at = offset + exc.start
    diagnostic = Diagnostic(
        Severity.ERROR,
        "invalid-encoding",
        f"not valid {label}: byte(s) {bad} at byte offset {at} (column {column}); {_ENCODING_HINT}",
        file=filename,
        line=line,
    )
    name = filename or "the input"
    return EncodingError(
        f"{name} is not valid {label} (line {line}, byte offset {at}); nothing was read",
        [diagnostic],
    )


def _unknown_codec(encoding: str) -> UsageError:
    return UsageError(f"unknown text encoding '{encoding}' (try utf-8, latin-1, cp1252, utf-16)")


def decode(data: bytes, encoding: str | None = None, *, filename: str | None = None) -> DecodedText:
    """Decode input bytes strictly; bad bytes raise :class:`EncodingError`.

    Without ``encoding``: a byte-order mark picks UTF-8, UTF-16 or UTF-32
    (and is dropped), anything else must be UTF-8.  A named ``encoding`` is
    used as it is (a UTF-8 mark is still dropped when it is UTF-8).
    """
    offset, codec, label = 0, "utf-8", "utf-8"
    if encoding is not None:
        try:
            canonical = codecs.lookup(encoding).name
        except LookupError:
            raise _unknown_codec(encoding) from None
        codec = label = encoding
        if canonical == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
            offset, codec, label = 3, "utf-8", "utf-8-sig"
    else:
        for mark, bom_codec, bom_label in _BOMS:
            if data.startswith(mark):
                offset, codec, label = len(mark), bom_codec, bom_label
                break
    body = data[offset:]
    try:
        text = body.decode(codec)
    except LookupError:  # a codec that is not a text encoding (base64, rot13 ...)
        raise _unknown_codec(codec) from None
    except UnicodeDecodeError as exc:
        raise _located_error(
            body, exc, offset, label.upper() if encoding is None else label, codec, filename
        ) from None
    return DecodedText(text, label)


def decode_bytes(
    data: bytes, *, filename: str | None = None, encoding: str | None = None
) -> tuple[str, list[Diagnostic]]:
    """:func:`decode`, as the text and its (decoding) diagnostics."""
    decoded = decode(data, encoding, filename=filename)
    return decoded.text, list(decoded.diagnostics)


def _read_limited(handle: BinaryIO, limit: int, name: str) -> bytes:
    """Read to the end, but never more than ``limit`` bytes."""
    chunks: list[bytes] = []
    total = 0
    while chunk := handle.read(min(_CHUNK, limit + 1 - total) or 1):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_large(name, limit)
    return b"".join(chunks)


def _too_large(name: str, limit: int) -> InputError:
    return InputError(
        f"{name} is larger than {limit / 2**20:g} MB, the most citekit reads "
        "from one input (citekit.base.files.MAX_INPUT_BYTES)"
    )


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((kind for test, kind in kinds if test(mode)), "not a regular file")


def _check_regular(name: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        hint = "" if stat.S_ISDIR(mode) else "; give a regular file, or - to read stdin"
        raise InputError(f"{name} is {_kind(mode)}, not a file{hint}")


def _check_stdin() -> None:
    """Refuse a device redirected to stdin (``< /dev/zero``); a terminal or a pipe is fine."""
    try:
        fd = sys.stdin.fileno()
        mode = os.fstat(fd).st_mode
    except (AttributeError, OSError, ValueError):  # no real file behind stdin (tests)
        return
    if (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)) and not os.isatty(fd):
        raise InputError(f"<stdin> is {_kind(mode)}, not a file or a pipe")


def read_bytes(path: str | Path, *, limit: int | None = None) -> bytes:
    """The bytes of a regular file (``-`` for stdin), up to ``limit`` bytes.

    Directories, devices, FIFOs and sockets are refused before they are
    opened (opening a FIFO would wait for a writer, ``/dev/zero`` never
    ends), and so is anything larger than ``limit`` (default
    :data:`MAX_INPUT_BYTES`): each with one :class:`InputError`.
    """
    limit = MAX_INPUT_BYTES if limit is None else limit
    if str(path) == "-":
        _check_stdin()
        return _read_limited(sys.stdin.buffer, limit, "<stdin>")
    name = str(path)
    try:
        _check_regular(name, os.stat(name).st_mode)
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"no such file: {name}") from None
    except PermissionError:
        raise InputError(f"cannot read {name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        _check_regular(name, info.st_mode)  # replaced between stat and open
        if info.st_size > limit:
            raise _too_large(name, limit)
        try:
            return _read_limited(handle, limit, name)
        except OSError as exc:
            raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None


def read_decoded(path: str | Path, encoding: str | None = None) -> DecodedText:
    """Read and decode an input (``-`` for stdin); see :func:`read_bytes`, :func:`decode`."""
    name = "<stdin>" if str(path) == "-" else str(path)
    return decode(read_bytes(path), encoding, filename=name)


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, list[Diagnostic]]:
    """Read an input (``-`` for stdin) as text, with its decoding diagnostics."""
    decoded = read_decoded(path, encoding)
    return decoded.text, list(decoded.diagnostics)


def _write_stdout(data: bytes) -> None:
    """Send output to stdout; a closed or full stdout is an :class:`OutputError`.

    Python reports a failed flush of stdout again at exit (exit code 120 and
    a traceback-like message); after a failure stdout is pointed at
    ``/dev/null`` so that only our one clear error line is printed.
    """
    stream = sys.stdout
    if stream is None:
        raise OutputError("cannot write to standard output: it is closed")
    try:
        stream.flush()
        stream.buffer.write(data)
        stream.flush()
    except (OSError, ValueError) as exc:  # ValueError: the stream was closed
        _silence_stdout()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OutputError(f"cannot write to standard output: {reason}") from exc


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null so that the interpreter's final flush cannot fail."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def encode_text(text: str, encoding: str, *, name: str) -> bytes:
    """``text`` in ``encoding`` (a codec name such as ``utf-8-sig`` or ``latin-1``).

    In-place writes encode with the codec the file was read with (its byte
    order mark included), so text decoded one way is never written back
    another way; a character the codec cannot hold is an error, never a
    ``?``.
    """
    try:
        return text.encode(encoding)
    except LookupError as exc:
        raise OutputPathError(f"cannot write {name}: unknown encoding '{encoding}'") from exc
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        char = exc.object[exc.start]
        raise OutputError(
            f"cannot write {name}: line {line} has {char!r} (U+{ord(char):04X}), "
            f"which {encoding} cannot hold; nothing was written"
        ) from exc


def atomic_write_text(
    path: str | Path,
    text: str,
    *,
    protect: tuple[str | Path, ...] = (),
    backup: bool = False,
    in_place_hint: bool = False,
    encoding: str = "utf-8",
) -> None:
    """Write ``text`` in ``encoding`` to ``path`` atomically; see :func:`atomic_write_bytes`."""
    name = "standard output" if str(path) == "-" else str(path)
    atomic_write_bytes(
        path,
        encode_text(text, encoding, name=name),
        protect=protect,
        backup=backup,
        in_place_hint=in_place_hint,
    )


def atomic_write_bytes(
    path: str | Path,
    data: bytes,
    *,
    protect: tuple[str | Path, ...] = (),
    backup: bool = False,
    in_place_hint: bool = False,
) -> None:
    """Write ``data`` to ``path`` atomically (``-`` for stdout).

    The file is always either the old one or the new one: the data goes to an
    unnamed file in the same folder (``O_TMPFILE``, so a kill leaves nothing
    behind but in the instant between naming it and the rename) that is then
    linked in and renamed over the target; where the
    file system cannot do that, a named temporary file is used instead.

    ``protect`` lists input files: writing over one of them raises
    :class:`OutputError` (commands that offer ``--in-place`` pass nothing
    there when the user asked for it, and ``in_place_hint`` to say so).
    With ``backup`` an existing file is kept as ``path~``.  A symbolic link
    is followed (its target is rewritten, the link stays); a device or pipe
    is written to directly, never replaced; a read-only file is refused.
    """
    if str(path) == "-":
        _write_stdout(data)
        return
    target = Path(path)
    _refuse_protected(target, protect, in_place_hint)
    try:
        status = os.stat(target)
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise _output_error(target, exc) from exc
    if status is not None and not stat.S_ISREG(status.st_mode):
        _write_special(target, status, data)
        return
    if status is not None and (not status.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise OutputPathError(
            f"{target} is read-only; nothing was written (make it writable "
            f"with 'chmod u+w {target}' if it should change)"
        )
    real = Path(os.path.realpath(target))  # a symlink: rewrite what it points to
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        if status is not None and backup:  # a second name for the old file
            _keep_backup(real)
        _replace_atomically(
            real,
            data,
            status.st_mode & 0o7777 if status else 0o644,
            (status.st_uid, status.st_gid) if status else None,
        )
    except OutputError:
        raise
    except OSError as exc:
        raise _output_error(target, exc) from exc


def _refuse_protected(target: Path, protect: tuple[str | Path, ...], in_place_hint: bool) -> None:
    for other in protect:
        if (
            str(other) != "-"
            and target.exists()
            and Path(other).exists()
            and os.path.samefile(target, other)
        ):
            how = (
                "write elsewhere or ask for --in-place"
                if in_place_hint
                else "write to another file"
            )
            raise OutputPathError(f"refusing to overwrite the input file {target}; {how}")


def _output_error(target: Path, exc: OSError) -> OutputError:
    """One clear line for a failed write; the original file was not changed."""
    if exc.errno == errno.ENOSPC:
        return OutputError(
            f"cannot write {target}: no space left on device; the file was not changed"
        )
    if exc.errno == errno.EDQUOT:
        return OutputError(f"cannot write {target}: disk quota exceeded; the file was not changed")
    if exc.errno in _PATH_ERRNOS:  # the path given is the problem: a usage error
        return OutputPathError(f"cannot write {target}: {exc.strerror or exc}")
    return OutputError(f"cannot write {target}: {exc.strerror or exc}")


#: Why a write can fail because of the path the user gave (exit 2, not 1).
_PATH_ERRNOS = frozenset(
    {
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.ENAMETOOLONG,
        errno.ENOENT,
        errno.ELOOP,
    }
)


def _write_special(target: Path, status: os.stat_result, data: bytes) -> None:
    """A directory is refused; a device or pipe is written to, never replaced by a file."""
    if stat.S_ISDIR(status.st_mode):
        raise OutputPathError(f"cannot write {target}: it is a directory")
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        finally:
            os.close(fd)
    except OSError as exc:
        raise _output_error(target, exc) from exc


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def _temporary_name(target: Path) -> Path:
    import secrets  # hmac, hashlib and random behind it: only writers pay for them

    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _settle(fd: int, mode: int, owner: tuple[int, int] | None) -> None:
    """The new file gets the old one's permissions and, where allowed, its owner."""
    if owner is not None:
        with contextlib.suppress(OSError):
            os.fchown(fd, *owner)
    os.fchmod(fd, mode)


def _replace_atomically(
    target: Path, data: bytes, mode: int, owner: tuple[int, int] | None = None
) -> None:
    """Put ``data`` at ``target`` in one rename; a kill at any moment leaves old or new."""
    fd = _unnamed_file(target.parent)
    if fd is None:
        _replace_with_named_temporary(target, data, mode, owner)
        return
    staged = _temporary_name(target)
    try:
        _write_all(fd, data)
        _settle(fd, mode, owner)
        try:
            _link_unnamed(fd, staged)
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.EXDEV, errno.EPERM, errno.ENOTSUP):
                raise
            _replace_with_named_temporary(target, data, mode, owner)  # no /proc: name it
            return
    finally:
        os.close(fd)
    try:
        os.replace(staged, target)
    except BaseException:
        _unlink_quietly(staged)
        raise


def _link_unnamed(fd: int, name: Path) -> None:
    """Give the unnamed file ``fd`` the name ``name`` (``linkat`` following ``/proc/self/fd``).

    ``os.link`` calls plain ``link()``, which does not follow the
    ``/proc/self/fd`` link and fails with EXDEV, unless a directory descriptor
    is given: then it calls ``linkat(..., AT_SYMLINK_FOLLOW)``, the call that
    names an ``O_TMPFILE`` file.
    """
    folder = os.open(name.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(f"/proc/self/fd/{fd}", name.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _unnamed_file(folder: Path) -> int | None:
    """An ``O_TMPFILE`` file in ``folder`` (Linux), or None where that is unsupported."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None
        raise


def _replace_with_named_temporary(
    target: Path, data: bytes, mode: int, owner: tuple[int, int] | None = None
) -> None:
    """The portable way: a named temporary file, removed again on any failure."""
    import tempfile  # shutil and random behind it: only this fallback pays for them

    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        try:
            _write_all(fd, data)
            _settle(fd, mode, owner)
        finally:
            os.close(fd)
        os.replace(name, target)
    except BaseException:
        _unlink_quietly(Path(name))
        raise


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _keep_backup(target: Path) -> None:
    """Give the current file the name ``target~`` too (a hard link, else a copy).

    The old backup is removed first and the link made directly, so a kill
    between the two leaves no stray file (the current file is still intact);
    without hard links the copy is written atomically like any output.
    """
    backup = target.with_name(target.name + "~")
    if backup.is_symlink() or (backup.exists() and not backup.is_file()):
        raise OutputPathError(f"cannot keep a backup: {backup} exists and is not a regular file")
    _unlink_quietly(backup)
    try:
        os.link(target, backup)
    except FileExistsError:  # another writer made one meanwhile: replace it atomically
        _replace_atomically(backup, target.read_bytes(), target.stat().st_mode & 0o7777)
    except OSError:  # no hard links on this file system
        _replace_atomically(backup, target.read_bytes(), target.stat().st_mode & 0o7777)

"""Reading refuses what it cannot read exactly; writing is atomic and protects inputs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.base import files as _io
from citekit.base.files import (
    EncodingError,
    InputError,
    atomic_write_text,
    decode,
    decode_bytes,
    read_bytes,
    read_decoded,
)
from citekit.errors import OutputError, OutputPathError, Severity, UsageError


def test_invalid_utf8_is_an_error_naming_file_line_and_byte_offset() -> None:
    with pytest.raises(EncodingError) as caught:
        decode_bytes(b"line one\nG\xf6del\n", filename="x.bib")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.file, diagnostic.line, diagnostic.code) == ("x.bib", 2, "invalid-encoding")
    assert diagnostic.severity is Severity.ERROR
    assert "byte offset 10" in diagnostic.message and "column 2" in diagnostic.message
    assert "--encoding" in diagnostic.message
    assert "x.bib" in str(caught.value) and "line 2" in str(caught.value)


def test_a_named_encoding_decodes_what_utf8_refuses() -> None:
    decoded = decode(b"G\xf6del", "latin-1", filename="x.bib")
    assert (decoded.text, decoded.encoding) == ("Gödel", "latin-1")


def test_an_unknown_or_non_text_encoding_is_a_usage_error() -> None:
    for name in ("klingon", "base64"):
        with pytest.raises(UsageError, match="unknown text encoding"):
            decode(b"x", name)


def test_bom_is_dropped_and_reported_as_utf8_sig() -> None:
    assert decode_bytes("\ufeffabc".encode()) == ("abc", [])
    assert decode("\ufeffabc".encode()).encoding == "utf-8-sig"
    assert decode(b"abc").encoding == "utf-8"
    assert decode("\ufeffabc".encode(), "utf-8").encoding == "utf-8-sig"


@pytest.mark.parametrize(
    "codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
)
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(codec: str) -> None:
    data = ("\ufeff" if codec[-3:] in ("-le", "-be") else "") + "@book{k, title={Café}}\n"
    decoded = decode(data.encode(codec))
    assert decoded.text == "@book{k, title={Café}}\n"
    assert decoded.encoding == codec[:6]


def test_a_bad_byte_after_a_utf16_mark_is_located_in_the_file() -> None:
    data = "ab\ncd".encode("utf-16-le") + b"\x00\xd8x"  # a lone high surrogate, then 1 byte
    with pytest.raises(EncodingError) as caught:
        decode(b"\xff\xfe" + data, filename="u.bib")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.line == 2 and "UTF-16" in diagnostic.message


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=80))
def test_any_bytes_decode_exactly_or_raise_a_located_error(data: bytes) -> None:
    try:
        decoded = decode(data, filename="in.bib")
    except EncodingError as exc:
        (diagnostic,) = exc.diagnostics
        assert diagnostic.file == "in.bib" and diagnostic.line is not None
    else:  # what a rewrite writes back decodes to the same text
        assert decode(decoded.text.encode(decoded.encoding)).text == decoded.text
        if not data.startswith((b"\xfe\xff", b"\x00\x00\xfe\xff")):  # big-endian marks
            assert decoded.text.encode(decoded.encoding) == data  # come back native-endian


def test_read_bytes_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory, not a file"):
        read_bytes(tmp_path)


def test_read_bytes_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no such file: .*gone\.bib"):
        read_bytes(tmp_path / "gone.bib")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_read_bytes_refuses_a_device_at_once() -> None:
    with pytest.raises(InputError, match="character device, not a file"):
        read_bytes("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_read_bytes_refuses_a_fifo_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "lib.bib"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):  # opening it would wait for a writer
        read_bytes(fifo)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="permissions do not stop root"
)
def test_read_bytes_names_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.bib"
    path.write_text("@book{a, title={T}}")
    path.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        read_bytes(path)


def test_input_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.bib"
    path.write_bytes(b"x" * 2000)
    monkeypatch.setattr(_io, "MAX_INPUT_BYTES", 1000)
    with pytest.raises(InputError, match="larger than"):
        read_bytes(path)
    assert read_bytes(path, limit=2000) == b"x" * 2000


def test_stdin_over_the_limit_is_refused_without_reading_it_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Endless:
        """A stdin that never ends, like /dev/zero piped in; counts what is read."""

        def __init__(self) -> None:
            self.served = 0

        def read(self, size: int) -> bytes:
            self.served += size
            return b"\0" * size

    endless = Endless()
    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": endless})())
    with pytest.raises(InputError, match="<stdin> is larger than"):
        read_bytes("-", limit=5000)
    assert endless.served <= 5001


def test_read_decoded_reports_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "u16.bib"
    path.write_bytes("@book{a, title={Ünter}}".encode("utf-16"))
    decoded = read_decoded(path)
    assert (decoded.text, decoded.encoding) == ("@book{a, title={Ünter}}", "utf-16")


def test_atomic_write_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_backup_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "lib.bib"
    target.write_text("old")
    atomic_write_text(target, "new", backup=True)
    assert (tmp_path / "lib.bib~").read_text() == "old"


def test_refuses_to_overwrite_a_protected_input(tmp_path: Path) -> None:
    source = tmp_path / "in.bib"
    source.write_text("keep me")
    with pytest.raises(OutputError, match="refusing to overwrite"):
        atomic_write_text(source, "clobbered", protect=(source,))
    assert source.read_text() == "keep me"


def test_write_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.txt"
    atomic_write_text(target, "x")
    assert target.read_text() == "x"


def test_backup_replaces_an_older_backup_and_the_file_never_goes_missing(tmp_path: Path) -> None:
    target = tmp_path / "lib.bib"
    target.write_text("v1")
    (tmp_path / "lib.bib~").write_text("v0")
    atomic_write_text(target, "v2", backup=True)
    assert target.read_text() == "v2"
    assert (tmp_path / "lib.bib~").read_text() == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib.bib", "lib.bib~"]


# -- writing: the rule for commands that write a user's file (issue 12, point 3) --


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_read_only_target_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "lib.bib"
    target.write_text("old")
    target.chmod(0o444)
    with pytest.raises(OutputError, match=r"read-only.*chmod u\+w"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert _names(tmp_path) == ["lib.bib"]


def test_a_symlink_target_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.bib"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.bib"
    link.symlink_to("real.bib")
    atomic_write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == "real.bib"
    assert real.read_text() == "new"
    assert real.stat().st_mode & 0o777 == 0o640
    assert _names(tmp_path) == ["link.bib", "real.bib"]


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device node like /dev/null (minor 3) or /dev/full (minor 7), if allowed."""
    import stat

    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, AttributeError):
        pytest.skip("creating device nodes needs root")
    return node


def test_a_device_is_written_to_never_replaced(tmp_path: Path) -> None:
    import stat

    null = _device(tmp_path, "null", 3)
    atomic_write_text(null, "into the void")
    assert stat.S_ISCHR(null.stat().st_mode)
    full = _device(tmp_path, "full", 7)
    with pytest.raises(OutputError, match="no space left on device") as caught:
        atomic_write_text(full, "x")
    assert caught.value.exit_code == 1  # not the path's fault: no usage error
    assert stat.S_ISCHR(full.stat().st_mode)
    assert _names(tmp_path) == ["full", "null"]


def test_a_directory_target_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        atomic_write_text(tmp_path, "x")


def test_a_path_the_user_must_change_is_a_usage_error(tmp_path: Path) -> None:
    """Exit 2 for the command line to change (docs/exit-codes.md), 1 otherwise."""
    source = tmp_path / "in.bib"
    source.write_text("keep me")
    refusals = [
        lambda: atomic_write_text(source, "x", protect=(source,)),  # an input
        lambda: atomic_write_text(tmp_path, "x"),  # a directory
        lambda: atomic_write_text(source / "out.json", "x"),  # a file taken for a folder
        lambda: atomic_write_text(tmp_path / "o.bib", "x", encoding="no-such-codec"),
    ]
    for refuse in refusals:
        with pytest.raises(OutputPathError) as caught:
            refuse()
        assert caught.value.exit_code == 2 and isinstance(caught.value, UsageError)


def test_a_full_disk_is_a_clear_error_and_the_original_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    target = tmp_path / "lib.bib"
    target.write_text("old")

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError, match="no space left on device; the file was not changed"):
        atomic_write_text(target, "new", backup=True)
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert _names(tmp_path) == ["lib.bib", "lib.bib~"]


@pytest.mark.parametrize("how", ["no O_TMPFILE", "no /proc"])
def test_the_named_temporary_fallback_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    import errno

    target = tmp_path / "lib.bib"
    target.write_text("old")
    if how == "no O_TMPFILE":
        monkeypatch.setattr(_io, "_unnamed_file", lambda folder: None)
    else:
        real_link = os.link

        def link(source: str, destination: object, **kwargs: object) -> None:
            if str(source).startswith("/proc/self/fd/"):
                raise OSError(errno.ENOENT, "no /proc")
            real_link(source, destination)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "link", link)
    atomic_write_text(target, "new", backup=True)
    assert target.read_text() == "new"
    assert (tmp_path / "lib.bib~").read_text() == "old"
    assert _names(tmp_path) == ["lib.bib", "lib.bib~"]


def test_a_failed_write_removes_its_named_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "lib.bib"
    target.write_text("old")
    monkeypatch.setattr(_io, "_unnamed_file", lambda folder: None)

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OutputError, match="Input/output error"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert _names(tmp_path) == ["lib.bib"]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "Gödel".encode()),
        ("utf-8-sig", b"\xef\xbb\xbf" + "Gödel".encode()),
        ("latin-1", b"G\xf6del"),
        ("utf-16", "Gödel".encode("utf-16")),
    ],
)
def test_text_is_written_in_the_encoding_asked(
    tmp_path: Path, encoding: str, expected: bytes
) -> None:
    target = tmp_path / "lib.bib"
    atomic_write_text(target, "Gödel", encoding=encoding)
    assert target.read_bytes() == expected


def test_a_character_the_encoding_cannot_hold_is_an_error_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    target = tmp_path / "lib.bib"
    target.write_bytes(b"G\xf6del\n")
    with pytest.raises(OutputError, match=r"line 2 has '–' \(U\+2013\), which latin-1 cannot hold"):
        atomic_write_text(target, "Gödel\n1990\u20132000\n", encoding="latin-1")
    assert target.read_bytes() == b"G\xf6del\n"


def _run_writer(tmp_path: Path, shell_redirect: str) -> tuple[int, str]:
    """``citekit format FILE`` (output to stdout) with stdout redirected by the shell."""
    import subprocess

    source = tmp_path / "r.bib"
    source.write_text("@misc{a, title = {A}}\n")
    done = subprocess.run(
        f'"{sys.executable}" -m citekit format "{source}" {shell_redirect}',
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stderr


@pytest.mark.parametrize("redirect", [">&-", "> /dev/full"])
def test_stdout_closed_or_full_is_one_clear_error(tmp_path: Path, redirect: str) -> None:
    if redirect.endswith("/dev/full") and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    code, stderr = _run_writer(tmp_path, redirect)
    assert code == 1
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("error: cannot write to standard output")


@pytest.mark.skipif(
    not hasattr(os, "O_TMPFILE") or not Path("/proc/self/fd").is_dir(),
    reason="O_TMPFILE and /proc are Linux's",
)
def test_the_unnamed_temporary_file_is_used_where_linux_offers_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kill while the data is written leaves no named file: the fallback must not run here.

    os.link without a directory descriptor calls link(), which cannot name an
    O_TMPFILE file through /proc/self/fd (EXDEV); every write then went the
    named way, and a kill in the middle left a ``.NAME.XXXX.tmp`` behind.
    """
    if _io._unnamed_file(tmp_path) is None:
        pytest.skip(f"{tmp_path} has no O_TMPFILE support")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the named-temporary fallback ran")

    monkeypatch.setattr(_io, "_replace_with_named_temporary", refuse)
    target = tmp_path / "refs.bib"
    target.write_text("old", encoding="utf-8")
    _io.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]

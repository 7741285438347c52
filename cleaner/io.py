"""Opening inputs and writing outputs: ``-``, ``.jsonl``, ``.gz``, ``.zst``; atomic writes.

Input compression is detected from the file's magic bytes (so a misnamed file still
reads); output compression follows the extension.  Outputs are written to a temporary
file beside the target and renamed into place only on success.

Faults are reported as :class:`InputError`, whose message is one line naming the file:
a missing or unreadable input, a truncated or damaged gzip/zstd stream (python-zstandard's
stream reader returns a silent EOF on a truncated frame, so zstd is decoded frame by
frame here and an unfinished frame is an error), an output that cannot be written (no
such folder, no permission, disk full, file size limit).
"""
from __future__ import annotations


import gzip
import io
import os
import sys
from typing import BinaryIO, Iterator, NamedTuple

import zstandard

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

#: compressed bytes fed to the zstd decoder per call.  A zstd block of up to 128 KiB can
#: be encoded in 4 bytes, so this bounds one call's output (a decompression bomb) to
#: about 32 MiB; the speed is the same as with larger feeds.
ZSTD_FEED = 1024
#: chunk used to skip over the rest of an over-long line without holding it
SKIP_CHUNK = 1 << 20
#: bytes of an over-long line kept (as ``raw_prefix``) in its reject record
OVERSIZE_PREFIX = 1024


class InputError(OSError):
    """A problem with one input or output file; ``str()`` is one line naming the file."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path

    def __str__(self) -> str:
        return str(self.args[0])


class OversizeLine(NamedTuple):
    """A line longer than the limit: its first bytes and its full length (no newline)."""

    prefix: bytes
    size: int


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class _ZstdFrames(io.RawIOBase):
    """Decode a stream of zstd frames; an input that ends inside a frame raises EOFError.

    ``ZstdDecompressor.stream_reader`` returns EOF quietly when a frame is cut short,
    which would pass the records before the cut off as the whole file.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = None  # decompressobj of the current frame
        self._pending = b""  # compressed bytes after the end of the last frame
        self._out = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        while self._pos >= len(self._out):
            if self._pending:
                data, self._pending = self._pending[:ZSTD_FEED], self._pending[ZSTD_FEED:]
            else:
                data = self._raw.read(ZSTD_FEED)
            if not data:
                if self._obj is not None and not self._obj.eof:
                    raise EOFError("zstd stream ended inside a frame")
                return 0
            if self._obj is None or self._obj.eof:
                self._obj = self._dctx.decompressobj()
            self._out, self._pos = self._obj.decompress(data), 0
            if self._obj.eof and self._obj.unused_data:
                self._pending = self._obj.unused_data + self._pending
        n = min(len(b), len(self._out) - self._pos)
        b[:n] = self._out[self._pos : self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed:
            try:
                self._raw.close()
            finally:
                super().close()


def check_readable(path: str) -> None:
    """Raise InputError unless ``path`` is ``-`` or a readable regular file (pre-flight)."""
    if path == "-":
        return
    if os.path.isdir(path):
        raise InputError(path, "is a directory")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise InputError(path, _describe(exc)) from None


def open_input(path: str) -> BinaryIO:
    """Open ``path`` for binary line reading, decompressing gzip or zstd by magic bytes."""
    if path == "-":
        raw: BinaryIO = sys.stdin.buffer
    else:
        if os.path.isdir(path):
            raise InputError(path, "is a directory")
        try:
            raw = open(path, "rb")
        except OSError as exc:
            raise InputError(path, _describe(exc)) from None
    try:
        peek = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    except OSError as exc:
        raise InputError(path, f"cannot read: {_describe(exc)}") from None
    if peek.startswith(GZIP_MAGIC):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if peek.startswith(ZSTD_MAGIC):
        return io.BufferedReader(_ZstdFrames(raw), buffer_size=1 << 20)  # type: ignore[return-value]
    return raw


_READ_ERRORS = (EOFError, OSError, zstandard.ZstdError, ValueError)


def iter_lines(path: str, max_bytes: int | None = None) -> Iterator[bytes | OversizeLine]:
    """Yield the raw lines of ``path`` (with their ``\\n``), raising InputError on a fault.

    A truncated gzip/zstd stream raises InputError after the last complete line, so
    callers never mistake a damaged file for a whole one.  A line longer than
    ``max_bytes`` (not counting its newline) is never held in memory whole: it comes as
    an :class:`OversizeLine` holding its first bytes and its length.
    """
    f = open_input(path)
    limit = -1 if not max_bytes else max_bytes + 1
    try:
        while True:
            try:
                line = f.readline(limit)
                if limit > 0 and len(line) == limit and line[-1:] != b"\n":
                    prefix, size = line[:OVERSIZE_PREFIX], len(line)
                    del line
                    while True:
                        chunk = f.readline(SKIP_CHUNK)
                        if not chunk:
                            break
                        if chunk[-1:] == b"\n":
                            size += len(chunk) - 1
                            break
                        size += len(chunk)
                    yield OversizeLine(prefix, size)
                    continue
            except _READ_ERRORS as exc:
                raise InputError(path, f"damaged or truncated input ({_describe(exc)})") from None
            if not line:
                break
            yield line
    finally:
        if path != "-":
            f.close()


class _Writer:
    """The file object :class:`AtomicOutput` hands out: write errors (disk full, file too
    large, I/O error) become one-line :class:`InputError`\\ s naming the output."""

    __slots__ = ("_f", "_path")

    def __init__(self, f: BinaryIO, path: str) -> None:
        self._f, self._path = f, path

    def write(self, data: bytes) -> int:
        try:
            return self._f.write(data)
        except OSError as exc:
            raise InputError(self._path, f"cannot write: {_describe(exc)}") from None

    def flush(self) -> None:
        try:
            self._f.flush()
        except OSError as exc:
            raise InputError(self._path, f"cannot write: {_describe(exc)}") from None


def tmp_name(path: str, pid: int | None = None) -> str:
    """The temporary file an :class:`AtomicOutput` for ``path`` writes before the rename."""
    d, name = os.path.split(os.path.abspath(path))
    return os.path.join(d, f".{name}.tmp-{os.getpid() if pid is None else pid}")


def remove_stale_tmp(path: str) -> list[str]:
    """Delete temporary files left beside ``path`` by runs that were killed (SIGKILL, power
    loss): ``.<name>.tmp-<pid>`` whose process no longer exists.  Returns what went."""
    d, name = os.path.split(os.path.abspath(path))
    stem = f".{name}.tmp-"
    gone = []
    try:
        entries = os.listdir(d)
    except OSError:
        return gone
    for e in entries:
        if not e.startswith(stem) or not e[len(stem):].isdigit():
            continue
        pid = int(e[len(stem):])
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # that process is alive: maybe another run writing the same output
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        try:
            os.unlink(os.path.join(d, e))
            gone.append(os.path.join(d, e))
        except OSError:
            pass
    return gone


class AtomicOutput:
    """Write to ``<dir>/.<name>.tmp-<pid>``, compress by extension, rename on success.

    ``-`` writes to standard output (not atomic, by nature).  Write errors raise
    :class:`InputError` naming ``path``; on any error the temporary file is removed and
    ``path`` is left as it was.
    """

    def __init__(self, path: str, level: int = 3, keep_empty: bool = True) -> None:
        self.path = path
        self.level = level
        #: when False, an output that received no bytes is not created at all
        self.keep_empty = keep_empty
        self.tmp: str | None = None
        self._raw: BinaryIO | None = None
        self._f: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        if self.path == "-":
            self._f = sys.stdout.buffer
            return _Writer(self._f, "<stdout>")  # type: ignore[return-value]
        d = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(d):
            raise InputError(self.path, "output folder does not exist")
        if os.path.isdir(self.path):
            raise InputError(self.path, "is a directory")
        self.tmp = tmp_name(self.path)
        try:
            self._raw = open(self.tmp, "wb")
        except OSError as exc:
            raise InputError(self.path, f"cannot write: {_describe(exc)}") from None
        if self.path.endswith(".gz"):
            # mtime=0 and no file name: the same input gives the same bytes.
            self._f = gzip.GzipFile(filename="", fileobj=self._raw, mode="wb", compresslevel=6, mtime=0)  # type: ignore[assignment]
        elif self.path.endswith(".zst") or self.path.endswith(".zstd"):
            cctx = zstandard.ZstdCompressor(level=self.level)
            self._f = cctx.stream_writer(self._raw, closefd=False)  # type: ignore[assignment]
        else:
            self._f = self._raw
        return _Writer(self._f, self.path)  # type: ignore[arg-type, return-value]

    def __exit__(self, et, ev, tb) -> None:  # type: ignore[no-untyped-def]
        if self.path == "-":
            try:
                sys.stdout.flush()
            except BrokenPipeError:  # pragma: no cover
                pass
            return
        ok = et is None
        try:
            if self._f is not None and self._f is not self._raw:
                self._f.close()
            if self._raw is not None:
                if ok:
                    self._raw.flush()
                    os.fsync(self._raw.fileno())
                self._raw.close()
        except (OSError, ValueError) as exc:
            ok = False
            if self._raw is not None:
                try:
                    self._raw.close()
                except OSError:
                    pass
            if et is None:
                self._discard()
                raise InputError(self.path, f"cannot write: {_describe(exc)}") from None
        if ok and self.tmp and not self.keep_empty and os.path.getsize(self.tmp) == 0:
            self._discard()
        elif ok and self.tmp:
            try:
                os.replace(self.tmp, self.path)
            except OSError as exc:
                self._discard()
                raise InputError(self.path, f"cannot write: {_describe(exc)}") from None
        else:
            self._discard()

    def _discard(self) -> None:
        if self.tmp and os.path.exists(self.tmp):
            try:
                os.unlink(self.tmp)
            except OSError:  # pragma: no cover
                pass


__all__ = [
    "AtomicOutput",
    "InputError",
    "OversizeLine",
    "check_readable",
    "iter_lines",
    "open_input",
    "remove_stale_tmp",
    "tmp_name",
]

"""Opening inputs and writing outputs: ``-``, ``.jsonl``, ``.gz``, ``.zst``; atomic writes.

Input compression is detected from the file's magic bytes (so a misnamed file still
reads); output compression follows the extension.  Outputs are written to a temporary
file beside the target and renamed into place only on success.
"""
from __future__ import annotations

import gzip
import io
import os
import sys
from typing import BinaryIO, Iterator

import zstandard

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class InputError(OSError):
    """A problem with one input or output file; ``str()`` is one line naming the file."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


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
    peek = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    if peek.startswith(GZIP_MAGIC):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if peek.startswith(ZSTD_MAGIC):
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=True)
        return io.BufferedReader(reader, buffer_size=1 << 20)  # type: ignore[arg-type]
    return raw


def iter_lines(path: str) -> Iterator[bytes]:
    """Yield the raw lines of ``path`` (with their ``\\n``), raising InputError on a fault.

    A truncated gzip/zstd stream raises InputError after the last complete line, so
    callers never mistake a damaged file for a whole one.
    """
    f = open_input(path)
    try:
        while True:
            try:
                line = f.readline()
            except (EOFError, OSError, zstandard.ZstdError, ValueError) as exc:
                raise InputError(path, f"damaged or truncated input ({_describe(exc)})") from None
            if not line:
                break
            yield line
    finally:
        if path != "-":
            f.close()


class AtomicOutput:
    """Write to ``<dir>/.<name>.tmp-<pid>``, compress by extension, rename on success.

    ``-`` writes to standard output (not atomic, by nature).
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
            return self._f
        d, name = os.path.split(os.path.abspath(self.path))
        if not os.path.isdir(d):
            raise InputError(self.path, "output folder does not exist")
        self.tmp = os.path.join(d, f".{name}.tmp-{os.getpid()}")
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
        return self._f  # type: ignore[return-value]

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
        except OSError as exc:
            ok = False
            if et is None:
                self._discard()
                raise InputError(self.path, f"cannot write: {_describe(exc)}") from None
        if ok and self.tmp and not self.keep_empty and os.path.getsize(self.tmp) == 0:
            self._discard()
        elif ok and self.tmp:
            os.replace(self.tmp, self.path)
        else:
            self._discard()

    def _discard(self) -> None:
        if self.tmp and os.path.exists(self.tmp):
            try:
                os.unlink(self.tmp)
            except OSError:  # pragma: no cover
                pass

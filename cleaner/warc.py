"""WARC input: each response record becomes one JSON line for the ordinary job.

``clean crawl.warc.gz -o out.jsonl`` works because :func:`is_warc` recognises the file
(by its first bytes, after gzip/zstd) and :func:`iter_warc_lines` turns every WARC
``response`` record into a JSON line::

    {"url": ..., "date": ..., "record_id": ..., "content_type": ..., "<HTML_KEY>": "<page>"}

The runner cleans ``HTML_KEY`` with HTML mode into the text field and drops the HTML, so
the output record is ``{url, date, record_id, content_type, text}``.  A response that
is not an HTML page (an image, a PDF, a redirect, an HTTP error) becomes a line carrying
``REJECT_KEY`` with the reason, and the runner sends it to the rejects file.  Other
record types (``warcinfo``, ``request``, ``metadata``) are not documents and are skipped.

A WET file (Common Crawl's extracted text: ``conversion`` records) is read the same way:
each conversion record becomes a text record::

    {"url": ..., "date": ..., "record_id": ..., "content_type": "text/plain",
     "language": "eng,fra", "<TEXT_KEY>": "<text>"}

and the runner cleans that text (text mode) into the text field.  ``language`` is the
record's ``WARC-Identified-Content-Language`` when it has one; cleaner reads it as the
record's declared language (:func:`cleaner.lang.language_code`).

The record numbers the runner reports as "line" numbers count the response and
conversion records.
Reading needs one of the optional packages ``fastwarc`` (preferred, fast) or
``warcio`` (``pip install 'cleaner[warc]'``).
"""
from __future__ import annotations

from typing import Any, Iterator

import orjson

from .io import InputError, open_input

#: the JSON key under which a WARC record's decoded page travels to the worker
HTML_KEY = "_cleaner_html"
#: the JSON key carrying a reject reason for a record that is not a page
REJECT_KEY = "_cleaner_reject"
#: the JSON key under which a WET record's text travels to the worker
TEXT_KEY = "_cleaner_text"
#: pages bigger than this (bytes of payload) are rejected rather than parsed
MAX_PAYLOAD = 20 << 20

WARC_MAGIC = b"WARC/"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")


def is_warc(path: str) -> bool:
    """True when ``path`` (possibly gzip- or zstd-compressed) starts with ``WARC/``."""
    if path == "-":
        return False  # stdin cannot be peeked and re-read; WARC input needs a file
    try:
        f = open_input(path)
    except InputError:
        return False  # the ordinary reader reports the error
    try:
        head = f.read(5)
    except Exception:
        return False
    finally:
        f.close()
    return head == WARC_MAGIC


def _line(rec: dict[str, Any]) -> bytes:
    return orjson.dumps(rec) + b"\n"


def _is_html(content_type: str, payload: bytes) -> bool:
    ct = content_type.split(";", 1)[0].strip().lower()
    if ct in _HTML_TYPES:
        return True
    if not ct or ct in ("application/octet-stream", "text/plain", "unknown/unknown"):
        head = payload[:1024].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml"))
    return False


def record_line(
    url: str, date: str | None, record_id: str | None, status: int | None, content_type: str, payload: bytes
) -> bytes:
    """The JSON line for one response record (a page, or a reject with its reason)."""
    from .html import decode_html

    meta: dict[str, Any] = {"url": url, "date": date, "record_id": record_id, "content_type": content_type}
    if status is not None and not 200 <= status < 300:
        meta[REJECT_KEY] = f"HTTP status {status}"
    elif len(payload) > MAX_PAYLOAD:
        meta[REJECT_KEY] = f"payload of {len(payload):,} bytes is over the {MAX_PAYLOAD:,}-byte limit"
    elif not _is_html(content_type, payload):
        meta[REJECT_KEY] = f"not an HTML page (content type {content_type or 'missing'!r})"
    else:
        meta[HTML_KEY] = decode_html(payload, content_type)[0]
    return _line(meta)


def conversion_line(url: str, date: str | None, record_id: str | None, content_type: str,
                    language: str | None, payload: bytes) -> bytes:
    """The JSON line for one conversion record of a WET file (its text, or a reject)."""
    meta: dict[str, Any] = {"url": url, "date": date, "record_id": record_id, "content_type": content_type}
    if language:
        meta["language"] = language
    if len(payload) > MAX_PAYLOAD:
        meta[REJECT_KEY] = f"text of {len(payload):,} bytes is over the {MAX_PAYLOAD:,}-byte limit"
    else:
        meta[TEXT_KEY] = payload.decode("utf-8", errors="replace")
    return _line(meta)


class _Truncated(Exception):
    pass


def _http(block: bytes) -> tuple[int | None, str, bytes]:
    """Split an HTTP response block into (status, content type, body).

    The HTTP head is parsed here (bounded: 64 KiB), so both readers behave alike.  A body
    sent with ``Content-Encoding: gzip`` is unpacked (bounded by :data:`MAX_PAYLOAD`).
    """
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep or len(head) > 65536:
        return None, "", block
    lines = head.split(b"\r\n")
    status = None
    parts = lines[0].split(None, 2)
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/"):
        try:
            status = int(parts[1])
        except ValueError:
            status = 0
    ctype = encoding = ""
    for ln in lines[1:]:
        name, _, value = ln.partition(b":")
        name = name.strip().lower()
        if name == b"content-type":
            ctype = value.strip().decode("latin-1")
        elif name == b"content-encoding":
            encoding = value.strip().decode("latin-1").lower()
    if encoding in ("gzip", "x-gzip") and body[:2] == b"\x1f\x8b":
        import zlib

        try:
            d = zlib.decompressobj(wbits=31)
            body = d.decompress(body, MAX_PAYLOAD + 1)
        except zlib.error:
            pass
    return status, ctype, body


def _block_line(url: str, date: str | None, record_id: str | None, block: bytes, declared: int | None) -> bytes:
    if declared is not None and len(block) < declared and len(block) <= MAX_PAYLOAD:
        raise _Truncated(f"record {record_id or url!r} is truncated ({len(block):,} of {declared:,} bytes)")
    status, ctype, body = _http(block)
    return record_line(url, date, record_id, status, ctype, body)


def _text_line(h: Any, record_id: str | None, block: bytes, declared: int | None) -> bytes:
    """A conversion record (WET text) from its WARC headers ``h`` (``h.get(name)``)."""
    if declared is not None and len(block) < declared and len(block) <= MAX_PAYLOAD:
        raise _Truncated(f"record {record_id or h.get('WARC-Target-URI')!r} is truncated "
                         f"({len(block):,} of {declared:,} bytes)")
    return conversion_line(h.get("WARC-Target-URI") or "", h.get("WARC-Date"), record_id,
                           h.get("Content-Type") or "", h.get("WARC-Identified-Content-Language"), block)


def _fastwarc(f: Any) -> Iterator[bytes]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    types = WarcRecordType.response | WarcRecordType.conversion
    for rec in ArchiveIterator(f, record_types=types, parse_http=False):
        h = rec.headers
        block = rec.reader.read(MAX_PAYLOAD + 65536)
        if rec.record_type == WarcRecordType.conversion:
            yield _text_line(h, rec.record_id, block, rec.content_length)
            continue
        yield _block_line(h.get("WARC-Target-URI") or "", h.get("WARC-Date"), rec.record_id, block, rec.content_length)


def _warcio(f: Any) -> Iterator[bytes]:
    from warcio.archiveiterator import ArchiveIterator

    for rec in ArchiveIterator(f, no_record_parse=True):
        if rec.rec_type not in ("response", "conversion"):
            continue
        h = rec.rec_headers
        block = rec.raw_stream.read(MAX_PAYLOAD + 65536)
        try:
            declared = int(h.get_header("Content-Length") or "")
        except ValueError:
            declared = None
        if rec.rec_type == "conversion":
            yield _text_line(_Headers(h), h.get_header("WARC-Record-ID"), block, declared)
            continue
        yield _block_line(h.get_header("WARC-Target-URI") or "", h.get_header("WARC-Date"),
                          h.get_header("WARC-Record-ID"), block, declared)


class _Headers:
    """warcio's headers with fastwarc's ``get(name)``."""

    def __init__(self, h: Any) -> None:
        self.get = h.get_header


def backend() -> str | None:
    """The installed WARC reader: ``"fastwarc"``, ``"warcio"`` or None."""
    for name in ("fastwarc", "warcio"):
        try:
            __import__(name)
            return name
        except ImportError:
            continue
    return None


def iter_warc_lines(path: str, reader: str | None = None) -> Iterator[bytes]:
    """One JSON line (bytes, with ``\\n``) per response or conversion record of the WARC
    (or WET) file ``path``.

    Raises :class:`InputError` when no WARC reader is installed or the file is damaged.
    """
    reader = reader or backend()
    if reader is None:
        raise InputError(path, "is a WARC file; reading it needs fastwarc or warcio (pip install 'cleaner[warc]')")
    # Decompress here (gzip, zstd by magic bytes), not in the WARC reader: Python's gzip
    # raises on a stream cut short, where the readers would stop without a word.
    f = open_input(path)
    try:
        it = _fastwarc(f) if reader == "fastwarc" else _warcio(f)
        while True:
            try:
                line = next(it)
            except StopIteration:
                break
            except InputError:
                raise
            except _Truncated as exc:
                raise InputError(path, f"damaged WARC file: {exc}") from None
            except Exception as exc:  # a damaged archive: report it like a damaged .gz
                raise InputError(path, f"damaged WARC file ({type(exc).__name__}: {exc})") from None
            yield line
        try:  # a reader may stop quietly at a damaged end: the stream must be at its end too
            f.read(1)
        except Exception as exc:
            raise InputError(path, f"damaged WARC file ({type(exc).__name__}: {exc})") from None
    finally:
        f.close()

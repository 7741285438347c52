"""The streaming job behind ``clean``: read lines, batch them, clean them in workers,
write results and rejects in input order, count everything.

Invariant: every input line ends up either as one output record (or, with
``drop_empty``, as a counted drop) or as one line in the rejects stream with its source,
line number and reason.
"""
from __future__ import annotations

import base64
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import orjson

from .config import PipelineConfig
from .io import AtomicOutput, iter_lines
from .parallel import ordered_map
from .pipeline import DetectorError, Pipeline

BATCH_BYTES = 1 << 20

_PIPELINE: Pipeline | None = None
_CONFIG: PipelineConfig | None = None


def init_worker(config: dict[str, Any]) -> None:
    """Build the pipeline once per process, from the plain config dict."""
    global _PIPELINE, _CONFIG
    _CONFIG = PipelineConfig.from_dict(config)
    _PIPELINE = Pipeline(_CONFIG)


@dataclass
class Stats:
    records_in: int = 0
    records_out: int = 0
    rejected: int = 0
    emptied: int = 0
    dropped_empty: int = 0
    chars_in: int = 0
    chars_out: int = 0
    bytes_in: int = 0
    removed_chars: dict[str, int] = field(default_factory=dict)
    docs_hit: dict[str, int] = field(default_factory=dict)
    reject_reasons: dict[str, int] = field(default_factory=dict)

    def add(self, other: "Stats") -> None:
        for k in ("records_in", "records_out", "rejected", "emptied", "dropped_empty", "chars_in", "chars_out", "bytes_in"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        for k in ("removed_chars", "docs_hit", "reject_reasons"):
            mine, theirs = getattr(self, k), getattr(other, k)
            for name, v in theirs.items():
                mine[name] = mine.get(name, 0) + v

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        for k in ("removed_chars", "docs_hit", "reject_reasons"):
            d[k] = dict(sorted(d[k].items()))
        return d


@dataclass
class Batch:
    source: str
    first_line: int
    lines: list[bytes]


@dataclass
class BatchResult:
    out: bytes
    rejects: bytes
    stats: Stats


def _reject(source: str, lineno: int, reason: str, raw: bytes) -> bytes:
    rec: dict[str, Any] = {"source": source, "line": lineno, "reason": reason}
    try:
        rec["raw"] = raw.rstrip(b"\r\n").decode("utf-8")
        out = orjson.dumps(rec)
    except (UnicodeDecodeError, orjson.JSONEncodeError):
        # not valid UTF-8 (or lone surrogates): keep the exact bytes, base64-encoded
        rec.pop("raw", None)
        rec["raw_b64"] = base64.b64encode(raw.rstrip(b"\r\n")).decode("ascii")
        out = orjson.dumps(rec)
    return out + b"\n"


def _parse(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        # orjson refuses integers beyond 64 bits and lone surrogates, which the stdlib
        # accepts.  Try it, so that a valid record is not rejected for a big number.
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise ValueError(f"invalid JSON: {exc}") from None


def _dumps(rec: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(rec)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "strict")


def process_batch(batch: Batch) -> BatchResult:
    """Clean one batch of raw lines with the process's pipeline."""
    assert _PIPELINE is not None and _CONFIG is not None, "init_worker() was not called"
    pipe, cfg = _PIPELINE, _CONFIG
    st = Stats()
    out: list[bytes] = []
    rej: list[bytes] = []
    field_ = cfg.text_field
    annotate = cfg.mode == "annotate"
    for k, raw in enumerate(batch.lines):
        lineno = batch.first_line + k
        st.records_in += 1
        st.bytes_in += len(raw)
        if not raw.strip():
            st.rejected += 1
            st.reject_reasons["blank line"] = st.reject_reasons.get("blank line", 0) + 1
            rej.append(_reject(batch.source, lineno, "blank line", raw))
            continue
        reason = None
        try:
            rec = _parse(raw)
        except ValueError as exc:
            reason, kind = str(exc), "invalid JSON"
        else:
            if not isinstance(rec, dict):
                reason = kind = f"not a JSON object ({type(rec).__name__})"
            elif field_ not in rec:
                reason = kind = f"missing text field {field_!r}"
            elif not isinstance(rec[field_], str):
                reason = kind = f"text field {field_!r} is {type(rec[field_]).__name__}, not a string"
        if reason is None:
            text = rec[field_]
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                reason = kind = "text holds lone surrogates (not valid Unicode)"
        if reason is None:
            try:
                res = pipe.clean(text, record_edits=annotate)
            except DetectorError as exc:
                reason, kind = str(exc), "detector error"
        if reason is not None:
            st.rejected += 1
            st.reject_reasons[kind] = st.reject_reasons.get(kind, 0) + 1
            rej.append(_reject(batch.source, lineno, reason, raw))
            continue
        st.chars_in += len(text)
        hit: set[str] = set()
        for s in res.spans:
            for name in s.detector.split("+"):
                st.removed_chars[name] = st.removed_chars.get(name, 0) + (s.end - s.start)
                hit.add(name)
        for name in hit:
            st.docs_hit[name] = st.docs_hit.get(name, 0) + 1
        if annotate:
            rec[field_] = res.text
            rec[cfg.spans_field] = [s.as_list() for s in res.spans]
            post = [e.as_dict() for e in res.edits if e.normaliser in cfg.post]
            if post:
                rec[cfg.edits_field] = post
            st.chars_out += len(res.text) - sum(s.end - s.start for s in res.spans)
        else:
            rec[field_] = res.text
            st.chars_out += len(res.text)
            if text.strip() and not res.text:
                st.emptied += 1
                if cfg.drop_empty:
                    st.dropped_empty += 1
                    continue
        out.append(_dumps(rec) + b"\n")
        st.records_out += 1
    return BatchResult(b"".join(out), b"".join(rej), st)


def make_batches(inputs: Iterable[str], batch_bytes: int = BATCH_BYTES) -> Iterator[Batch]:
    """Group the raw lines of ``inputs`` (in order) into batches of about ``batch_bytes``."""
    for src in inputs:
        lines: list[bytes] = []
        size = 0
        first = 1
        n = 0
        for line in iter_lines(src):
            n += 1
            lines.append(line)
            size += len(line)
            if size >= batch_bytes:
                yield Batch(src, first, lines)
                lines, size, first = [], 0, n + 1
        if lines:
            yield Batch(src, first, lines)


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.t0 = time.monotonic()
        self.last = 0.0

    def update(self, st: Stats, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self.last < 0.5:
            return
        self.last = now
        mb = st.bytes_in / 1e6
        rate = mb / max(now - self.t0, 1e-9)
        sys.stderr.write(f"\r{st.records_in:,} records, {mb:,.1f} MB, {rate:,.1f} MB/s ")
        if final:
            sys.stderr.write("\n")
        sys.stderr.flush()


def run(
    inputs: list[str],
    output: str,
    config: PipelineConfig,
    workers: int = 1,
    rejects: str | None = None,
    progress: bool = False,
    batch_bytes: int = BATCH_BYTES,
    stderr_rejects: bool = False,
) -> Stats:
    """Clean ``inputs`` into ``output`` (atomic) and bad lines into ``rejects``; with
    ``rejects=None`` they go to stderr when ``stderr_rejects`` is set (else they are only
    counted: library callers who pass neither accept that).  Returns the totals."""
    total = Stats()
    prog = _Progress(progress)
    cfg = config.to_dict()
    rej_cm = AtomicOutput(rejects, keep_empty=False) if rejects else None
    with AtomicOutput(output) as out:
        rej_f = rej_cm.__enter__() if rej_cm else None
        try:
            for res in ordered_map(
                process_batch,
                make_batches(inputs, batch_bytes),
                workers=workers,
                initializer=init_worker,
                initargs=(cfg,),
            ):
                out.write(res.out)
                if rej_f is not None and res.rejects:
                    rej_f.write(res.rejects)
                elif stderr_rejects and res.rejects:
                    sys.stderr.buffer.write(res.rejects)
                    sys.stderr.flush()
                total.add(res.stats)
                prog.update(total)
        except BaseException as exc:
            if rej_cm:
                rej_cm.__exit__(type(exc), exc, exc.__traceback__)
            raise
        if rej_cm:
            rej_cm.__exit__(None, None, None)
    prog.update(total, final=True)
    return total


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)

"""The streaming job behind ``clean``: read lines, batch them, clean them in workers,
write results and rejects in input order, count everything.

Invariant: every input line ends up either as one output record (or, with
``drop_empty``, as a counted drop) or as one line in the rejects stream with its source,
line number and reason.
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import orjson

from .config import PipelineConfig
from .document import Document
from . import warc as _warc
from ._compiled import fast
from .html import html_pipeline, record_text as html_record_text
from .io import AtomicOutput, InputError, OversizeLine, check_readable, iter_lines, remove_stale_tmp
from .parallel import forks, ordered_map
from .pipeline import DetectorError, Pipeline
from .stats import BatchCollector

BATCH_BYTES = 1 << 20

#: Longest record (input line, in bytes) that is cleaned; longer ones are rejected with
#: their size, without ever being held in memory whole.  Cleaning costs about 30 bytes
#: of memory per byte of text and ~3 s per MB, so 8 MiB (8x the 1 MiB at which Common
#: Crawl truncates a page) keeps a worker under ~300 MB.  ``None``/0: no limit.
MAX_RECORD_BYTES = 8 << 20


class BadRecord(InputError):
    """``strict`` mode: the first bad record ends the run (``path: line N: reason``)."""


class Interrupted(KeyboardInterrupt):
    """The run got SIGINT or SIGTERM; ``exit_code`` is 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum

_PIPELINE: Pipeline | None = None
_CONFIG: PipelineConfig | None = None
#: parameters of the per-batch statistics/report collector (cleaner.stats), or None
_COLLECT: dict[str, Any] | None = None
#: ``(config dict, pipeline)`` that :func:`preload` built last, for :func:`init_worker`
_PRELOADED: tuple[dict[str, Any], Pipeline] | None = None


def init_worker(config: dict[str, Any], collect: dict[str, Any] | None = None) -> None:
    """Build the pipeline once per process, from the plain config dict (``collect``: the
    :class:`cleaner.stats.BatchCollector` parameters, when stats or a report are wanted)."""
    global _PIPELINE, _CONFIG, _COLLECT
    _COLLECT = collect
    held = _PRELOADED
    if held is not None and held[0] == config:
        # the pipeline preload() built (and warmed) from this very dict, in this process
        # or in the parent this worker was forked from: the same pipeline again
        _PIPELINE = held[1]
        _CONFIG = _PIPELINE.config
        return
    _CONFIG = PipelineConfig.from_dict(config)
    _PIPELINE = Pipeline(_CONFIG)


#: Texts the parent cleans once before it forks its workers: they make every lazy loader
#: of the default pipeline run (the typo lexicon, the language model, the stoplists of
#: the most common languages, the pattern files), so that the workers share one copy of
#: that data (copy-on-write pages) instead of each loading its own.
_WARM_UP = (
    "Home\nNews\nSport\nContact\n"
    "The council voted on Monday to close two libraries, and the mayor said the decison had been "
    "taken with great reluctance after months of talks with the unions and the residents.\n"
    "Copyright 2024 Example Media. All rights reserved.\nShare this article\n. | . |\n",
    "Der Stadtrat hat am Montag beschlossen, zwei der Bibliotheken zu schließen, und der "
    "Bürgermeister sagte, die Entscheidung sei ihm nach langen Gesprächen nicht leicht gefallen.",
    "Le conseil municipal a voté lundi la fermeture de deux bibliothèques, et le maire a déclaré "
    "que cette décision avait été prise à contrecœur après des mois de discussions.",
    "El ayuntamiento votó el lunes el cierre de dos de las bibliotecas, y el alcalde dijo que la "
    "decisión se había tomado con gran pesar después de meses de conversaciones.",
    "Городской совет в понедельник проголосовал за закрытие двух библиотек, и мэр сказал, что это "
    "решение было принято с большой неохотой после нескольких месяцев переговоров.",
)


def preload(config: dict[str, Any]) -> None:
    """Before forking workers (or cleaning in this process, with one worker): build the
    pipeline here, run it over :data:`_WARM_UP` (4 lines each, so the page classifier
    runs too), and move every object made so far out of the garbage collector's reach
    (``gc.freeze``).  Then the workers' collections do not write to the shared pages,
    so peak memory of N workers is one copy of the models plus N working sets, not N
    copies; and no full collection walks the models' tables again (about 3% of the
    time of a run in one process).  :func:`_results` unfreezes them when the run ends."""
    import copy
    import gc

    global _PRELOADED
    pipe = Pipeline(PipelineConfig.from_dict(config))
    _PRELOADED = (copy.deepcopy(config), pipe)
    for text in _WARM_UP:
        try:
            pipe.clean("\n".join([text] * 4) if "\n" not in text else text, record_edits=False)
        except Exception:  # noqa: BLE001 - a warm-up is an optimisation, never a failure
            break
    gc.freeze()


def init_pool_worker(config: dict[str, Any], collect: dict[str, Any] | None = None) -> None:
    """:func:`init_worker` for a worker process: the parent handles Ctrl-C (and stops
    its workers), and SIGTERM (which the parent sends on interruption) ends it at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    init_worker(config, collect)


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
    #: index in ``lines`` -> reason, for lines over the size limit (``lines`` holds
    #: only their first bytes)
    oversize: dict[int, str] | None = None
    #: the last batch of ``source`` (folder mode closes that shard's output on it)
    last: bool = False
    #: ``(path, message)``: reading ``source`` failed after the lines before this batch
    error: tuple[str, str] | None = None


@dataclass
class BatchResult:
    out: bytes
    rejects: bytes
    stats: Stats
    source: str = ""
    last: bool = False
    error: tuple[str, str] | None = None
    #: ``(line, reason)`` of the batch's first rejected line (for ``strict``)
    first_bad: tuple[int, str] | None = None
    #: the batch's cleaner.stats.BatchCollector, when one was asked for
    report: Any = None


def _reject(source: str, lineno: int, reason: str, raw: bytes, prefix: bool = False) -> bytes:
    rec: dict[str, Any] = {"source": source, "line": lineno, "reason": reason}
    key = "raw_prefix" if prefix else "raw"
    try:
        rec[key] = raw.rstrip(b"\r\n").decode("utf-8")
        out = orjson.dumps(rec)
    except (UnicodeDecodeError, orjson.JSONEncodeError):
        # not valid UTF-8 (or lone surrogates): keep the exact bytes, base64-encoded
        rec.pop(key, None)
        b = raw.rstrip(b"\r\n")
        if prefix:  # a prefix may end inside a character: keep whole bytes as base64
            b = raw
        rec[key + "_b64"] = base64.b64encode(b).decode("ascii")
        out = orjson.dumps(rec)
    return out + b"\n"


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _dup_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return d


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {key!r}")


def _stdlib_loads(raw: bytes) -> Any:
    """The stdlib parser, strict about what orjson lets through or refuses: duplicate
    keys raise, ``NaN``/``Infinity`` raise; big integers and lone surrogates pass."""
    return json.loads(raw, object_pairs_hook=_dup_pairs, parse_constant=_no_constants)


def _may_have_dup_keys(raw: bytes, rec: dict[str, Any]) -> bool:
    """Cheap test, no second parse: False proves ``raw`` (which orjson read as ``rec``)
    has no duplicate key.

    With the compiled module: the colons outside strings (``cleaner._fast.json_colons``)
    are the members of every object at every depth, as ``raw`` is valid JSON; orjson
    keeps one entry per distinct key of an object, so the entries of ``rec`` and of the
    objects inside it add up to that count exactly when no object repeats a key.

    Without it, C-speed scans: every key is a string followed by ``:``.  If no ``":``
    sits inside a string (it would be ``\\":``) and no whitespace precedes a colon, the
    ``":`` count is exactly the number of keys at all levels; equal to the top-level
    keys parsed, there is no nested object and no key twice.  Records with nested
    objects, ``" :"`` or ``\\":`` take the slow check (the stdlib parser with a pairs
    hook, ~3x orjson's time).
    """
    f = fast()
    if f is not None and type(raw) is bytes:
        colons = f.json_colons(raw)
        # (no nested member: the top level's count; else every object's)
        return colons != len(rec) and colons != _members(rec)
    return (
        raw.count(b'":') != len(rec)
        or b'\\":' in raw
        or b" :" in raw
        or b"\t:" in raw
        or b"\r:" in raw
    )


def _members(value: Any) -> int:
    """The entries of every dict in ``value``, at any depth.

    >>> _members({"a": 1, "b": [{"c": 2, "d": {}}, "e"], "f": {"g": None}})
    6
    """
    n = 0
    todo = [value]
    while todo:
        v = todo.pop()
        t = type(v)
        if t is dict:
            n += len(v)
            todo.extend(x for x in v.values() if type(x) is dict or type(x) is list)
        elif t is list:
            todo.extend(x for x in v if type(x) is dict or type(x) is list)
    return n


def _rounded(v: Any) -> bool:
    """A float as large as an integer beyond 64 bits (that orjson rounded), in ``v``."""
    t = type(v)
    if t is float:
        return not -9.2e18 < v < 9.2e18
    if t is list:
        return any(_rounded(x) for x in v)
    if t is dict:
        return any(_rounded(x) for x in v.values())
    return False


def _parse(raw: bytes) -> tuple[Any, bool]:
    """``(value, exact)``: ``exact`` is False when the stdlib parsed it (the value may hold
    lone surrogates or big integers that orjson cannot write)."""
    try:
        rec = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        # orjson refuses integers beyond 64 bits and lone surrogates, which the stdlib
        # accepts.  Try it, so that a valid record is not rejected for a big number.
        try:
            return _stdlib_loads(raw), False
        except _DuplicateKey:
            raise
        except (ValueError, RecursionError):
            raise ValueError(f"invalid JSON: {exc}") from None
    if type(rec) is dict:
        if _may_have_dup_keys(raw, rec):
            try:
                return _stdlib_loads(raw), False  # exact numbers too (see below)
            except _DuplicateKey:
                raise
            except (ValueError, RecursionError):
                return rec, True  # orjson's reading stands (e.g. nesting the stdlib refuses)
        for v in rec.values():
            if type(v) is not str and _rounded(v):
                # orjson reads an integer beyond 64 bits as a float, losing digits; the
                # stdlib keeps it exact.  (At any depth: _rounded reads lists and dicts.)
                try:
                    return _stdlib_loads(raw), False
                except (ValueError, RecursionError):
                    break
    return rec, True


def _dumps(rec: dict[str, Any], exact: bool) -> bytes:
    if exact:
        return orjson.dumps(rec)
    try:
        return orjson.dumps(rec)
    except (orjson.JSONEncodeError, TypeError):
        # big integers: the stdlib writes them; lone surrogates raise UnicodeEncodeError
        return json.dumps(rec, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8", "strict")


def process_batch(batch: Batch) -> BatchResult:
    """Clean one batch of raw lines with the process's pipeline.

    Every line becomes exactly one of: an output record, a counted ``drop_empty`` drop,
    or a reject (source, line number, reason, the raw bytes).
    """
    assert _PIPELINE is not None and _CONFIG is not None, "init_worker() was not called"
    pipe, cfg = _PIPELINE, _CONFIG
    st = Stats()
    out: list[bytes] = []
    rej: list[bytes] = []
    first_bad: tuple[int, str] | None = None
    field_ = cfg.text_field
    html_mode = cfg.html_field is not None
    annotate = cfg.mode == "annotate"
    oversize = batch.oversize
    coll = BatchCollector(**_COLLECT) if _COLLECT is not None else None
    for k, raw in enumerate(batch.lines):
        lineno = batch.first_line + k
        st.records_in += 1
        st.bytes_in += len(raw)
        reason = None
        kind = ""
        exact = True
        html_text = None
        wet_text = None  # the text of a WET record (cleaner/warc.py), cleaned in text mode
        if oversize and k in oversize:
            reason, kind = oversize[k], "record over the size limit"
        else:
            try:
                rec, exact = _parse(raw)
            except _DuplicateKey as exc:
                reason, kind = str(exc), "duplicate key"
            except ValueError as exc:
                if not raw.strip():
                    reason = kind = "blank line"
                else:
                    reason, kind = str(exc), "invalid JSON"
            else:
                if type(rec) is not dict:
                    reason = kind = f"not a JSON object ({type(rec).__name__})"
                elif _warc.TEXT_KEY in rec and type(rec[_warc.TEXT_KEY]) is str:
                    wet_text = rec.pop(_warc.TEXT_KEY)
                elif html_mode or _warc.HTML_KEY in rec or _warc.REJECT_KEY in rec:
                    html_text, reason, kind = html_record_text(rec, cfg.html_field)  # HTML mode
                elif field_ not in rec:
                    reason = kind = f"missing text field {field_!r}"
                elif type(rec[field_]) is not str:
                    reason = kind = f"text field {field_!r} is {type(rec[field_]).__name__}, not a string"
        if reason is None:
            text = html_text if html_text is not None else wet_text if wet_text is not None else rec[field_]
            if not exact:
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    reason = kind = "text holds lone surrogates (not valid Unicode)"
        if reason is None:
            try:
                p = pipe if html_text is None else html_pipeline(cfg)  # HTML mode: cleaner/html.py
                # (reasons only where they are written: annotate mode, the report)
                res = p.clean(Document(text, rec), record_edits=annotate,  # meta: url etc.
                              explain=annotate or coll is not None)
            except DetectorError as exc:
                reason, kind = str(exc), "detector error"
            except Exception as exc:  # a bug must not end a run of thousands of shards
                reason, kind = f"internal error: {type(exc).__name__}: {exc}", "internal error"
        if reason is None:
            if annotate:
                rec[field_] = res.text
                rec[cfg.spans_field] = [s.as_list() for s in res.spans]
                post = [e.as_dict() for e in res.edits if e.normaliser in cfg.post]
                if post:
                    rec[cfg.edits_field] = post
            else:
                rec[field_] = res.text
                if cfg.drop_empty and not res.text and text.strip():
                    st.emptied += 1
                    st.dropped_empty += 1
                    st.chars_in += len(text)
                    _count_spans(st, res.spans)
                    if coll is not None:
                        coll.add(batch.source, lineno, rec, res.source, res.spans)
                    continue
            try:
                line = _dumps(rec, exact)
            except (UnicodeEncodeError, ValueError, TypeError) as exc:
                reason = kind = (
                    "record holds lone surrogates (not valid Unicode)"
                    if isinstance(exc, UnicodeEncodeError) else f"cannot write record: {exc}"
                )
        if reason is not None:
            st.rejected += 1
            st.reject_reasons[kind] = st.reject_reasons.get(kind, 0) + 1
            rej.append(_reject(batch.source, lineno, reason, raw, prefix=bool(oversize and k in oversize)))
            if first_bad is None:
                first_bad = (lineno, reason)
            continue
        st.chars_in += len(text)
        _count_spans(st, res.spans)
        if coll is not None:
            coll.add(batch.source, lineno, rec, res.source, res.spans)
        if annotate:
            st.chars_out += len(res.text) - sum(s.end - s.start for s in res.spans)
        else:
            st.chars_out += len(res.text)
            if not res.text and text.strip():
                st.emptied += 1
        out.append(line)
        out.append(b"\n")
        st.records_out += 1
    return BatchResult(b"".join(out), b"".join(rej), st, batch.source, batch.last, batch.error, first_bad, coll)


def _count_spans(st: Stats, spans: Iterable[Any]) -> None:
    # characters per detector label first (a page has hundreds of spans, a few labels),
    # then per detector name; the same sums, in the same order of first appearance
    f = fast()
    got = f.label_chars(spans) if f is not None else None  # (the loop below, compiled)
    if got is not None:
        by_label: dict[str, int] = got
    else:
        by_label = {}
        for s in spans:
            label = s.detector
            by_label[label] = by_label.get(label, 0) + (s.end - s.start)
    hit: set[str] = set()
    for label, chars in by_label.items():
        for name in label.split("+"):
            st.removed_chars[name] = st.removed_chars.get(name, 0) + chars
            hit.add(name)
    for name in hit:
        st.docs_hit[name] = st.docs_hit.get(name, 0) + 1


def make_batches(
    inputs: Iterable[str],
    batch_bytes: int = BATCH_BYTES,
    max_record_bytes: int | None = MAX_RECORD_BYTES,
    errors: str = "raise",
) -> Iterator[Batch]:
    """Group the raw lines of ``inputs`` (in order) into batches of about ``batch_bytes``.

    Each input ends with a batch flagged ``last`` (empty if need be).  A read fault raises
    InputError (``errors="raise"``) or, with ``errors="batch"``, ends that input with a
    ``last`` batch carrying the error, and goes on with the next input.
    """
    for src in inputs:
        lines: list[bytes] = []
        size = 0
        first = 1
        n = 0
        over: dict[int, str] | None = None
        try:
            # a WARC file becomes one JSON line per response record (cleaner/warc.py)
            for line in _warc.iter_warc_lines(src) if _warc.is_warc(src) else iter_lines(src, max_record_bytes):
                if type(line) is OversizeLine:
                    if over is None:
                        over = {}
                    over[len(lines)] = (
                        f"record of {line.size:,} bytes is over the {max_record_bytes:,}-byte limit "
                        f"(--max-record-bytes); the first {len(line.prefix):,} bytes are in raw_prefix"
                    )
                    line = line.prefix
                n += 1
                lines.append(line)  # type: ignore[arg-type]
                size += len(line)
                if size >= batch_bytes:
                    yield Batch(src, first, lines, over)
                    lines, size, first, over = [], 0, n + 1, None
        except InputError as exc:
            if errors == "raise":
                raise
            msg = str(exc)
            yield Batch(src, first, [], None, True, (src, msg[len(src) + 2 :] if msg.startswith(src + ": ") else msg))
            continue
        yield Batch(src, first, lines, over, True)


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


@contextlib.contextmanager
def interruptible(force_exit_after: float | None = None) -> Iterator[None]:
    """While the block runs, SIGTERM and SIGINT raise :class:`Interrupted` in the main
    thread, so that outputs are discarded (never half-written) and workers stopped.
    Handlers a caller installed are left alone; outside the main thread this is a no-op.

    ``force_exit_after`` (the CLI sets it; a library caller's process is its own): once
    a signal has arrived, the process ends with ``128 + signal`` after that many seconds
    even if the clean-up, or the interpreter's exit, hangs.  A worker killed at the wrong
    moment can leave ``ProcessPoolExecutor``'s manager thread waiting forever, and the
    interpreter joins that thread, without a timeout, when it exits."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = [s for s, dfl in ((signal.SIGTERM, signal.SIG_DFL), (signal.SIGINT, signal.default_int_handler))
            if signal.getsignal(s) is dfl]

    def handler(signum: int, frame: Any) -> None:
        for s in sigs:  # a second signal must not cut the clean-up short
            signal.signal(s, signal.SIG_IGN)
        if force_exit_after is not None:
            _exit_later(force_exit_after, 128 + signum)
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in sigs}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _exit_later(seconds: float, code: int) -> None:
    """End the process with ``code`` in ``seconds`` from now, whatever it is doing then."""

    def run() -> None:
        time.sleep(seconds)
        try:
            sys.stderr.write(f"clean: the clean-up after the interruption took over {seconds:g} s; exiting\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - stderr may be gone; exit regardless
            pass
        os._exit(code)

    threading.Thread(target=run, name="cleaner-force-exit", daemon=True).start()


def _results(
    inputs: list[str],
    config: PipelineConfig,
    workers: int,
    batch_bytes: int,
    max_record_bytes: int | None,
    errors: str,
    collect: dict[str, Any] | None = None,
) -> Iterator[BatchResult]:
    # One worker runs in this process, which loads the models as N workers' parent does:
    # the same warm-up and freeze (the cyclic collector's full passes over the models'
    # tables took about 3% of a 1-worker run's time).  Without fork, each worker loads
    # its own.
    froze = workers <= 1 or forks()
    if froze:
        preload(config.to_dict())
    try:
        yield from ordered_map(
            process_batch,
            make_batches(inputs, batch_bytes, max_record_bytes, errors),
            workers=workers,
            initializer=init_worker if workers <= 1 else init_pool_worker,
            initargs=(config.to_dict(),) if collect is None else (config.to_dict(), collect),
        )
    except BrokenProcessPool:
        raise WorkerDied("a worker process died (killed by the system, out of memory?)") from None
    finally:
        if froze:
            import gc

            gc.unfreeze()  # a library caller's objects are the collector's again


class WorkerDied(RuntimeError):
    """A worker process ended without a result (the OOM killer, a signal from outside)."""


def _check_strict(res: BatchResult, strict: bool) -> None:
    if strict and res.first_bad is not None:
        line, reason = res.first_bad
        raise BadRecord(res.source, f"line {line}: {reason} (--strict)")


def run(
    inputs: list[str],
    output: str,
    config: PipelineConfig,
    workers: int = 1,
    rejects: str | None = None,
    progress: bool = False,
    batch_bytes: int = BATCH_BYTES,
    stderr_rejects: bool = False,
    strict: bool = False,
    max_record_bytes: int | None = MAX_RECORD_BYTES,
    collect: Any = None,
    force_exit_after: float | None = None,
) -> Stats:
    """Clean ``inputs`` into ``output`` (atomic) and bad lines into ``rejects``; with
    ``rejects=None`` they go to stderr when ``stderr_rejects`` is set (else they are only
    counted: library callers who pass neither accept that).  Returns the totals.

    Raises :class:`~cleaner.io.InputError` (a missing, unreadable or damaged input, an
    output that cannot be written), :class:`BadRecord` (``strict``), :class:`Interrupted`
    (SIGINT/SIGTERM) or :class:`WorkerDied`; then neither output is touched.

    ``collect``: a :class:`cleaner.stats.Collector`; each batch's per-document statistics
    and sample candidates are merged into it (for ``--stats`` and ``--report``).
    """
    for src in inputs:  # fail before hours of work on a typo in the last name
        check_readable(src)
    total = Stats()
    prog = _Progress(progress)
    with interruptible(force_exit_after):
        rej_cm = AtomicOutput(rejects, keep_empty=False) if rejects else None
        with AtomicOutput(output) as out:
            rej_f = rej_cm.__enter__() if rej_cm else None
            gen = _results(inputs, config, workers, batch_bytes, max_record_bytes, "raise",
                           None if collect is None else collect.params())
            try:
                for res in gen:
                    _check_strict(res, strict)
                    out.write(res.out)
                    if rej_f is not None and res.rejects:
                        rej_f.write(res.rejects)
                    elif stderr_rejects and res.rejects:
                        sys.stderr.buffer.write(res.rejects)
                        sys.stderr.flush()
                    total.add(res.stats)
                    if collect is not None and res.report is not None:
                        collect.merge(res.report)
                    prog.update(total)
            except BaseException as exc:
                gen.close()  # stops the workers now
                if rej_cm:
                    rej_cm.__exit__(type(exc), exc, exc.__traceback__)
                raise
            if rej_cm:
                rej_cm.__exit__(None, None, None)
    prog.update(total, final=True)
    return total


# ------------------------------------------------------------------ shard folders
@dataclass
class ShardReport:
    """What :func:`run_shards` did: totals over the shards it cleaned, and the shards
    cleaned, skipped (output already complete) and failed (``(path, error)``)."""

    stats: Stats
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


#: per-shard rejects sit beside the shard's output, with this suffix
REJECTS_SUFFIX = ".rejects.jsonl"


def _inside(path: str, folder: str) -> bool:
    p, f = os.path.realpath(path), os.path.realpath(folder)
    return p == f or p.startswith(f.rstrip(os.sep) + os.sep)


def shard_output(out_dir: str, rel: str) -> str:
    """``out_dir/rel``, refusing any name that would land outside ``out_dir`` (absolute
    paths, ``..`` parts, a symlinked folder pointing elsewhere).

    >>> shard_output("out", "a/b.jsonl.gz")
    'out/a/b.jsonl.gz'
    >>> shard_output("out", "../x.jsonl")
    Traceback (most recent call last):
    ...
    cleaner.io.InputError: ../x.jsonl: shard name would leave the output folder
    """
    parts = rel.replace("\\", "/").split("/")
    if os.path.isabs(rel) or any(p in ("", ".", "..") for p in parts):
        raise InputError(rel, "shard name would leave the output folder")
    dst = os.path.join(out_dir, *parts)
    if not _inside(os.path.dirname(dst) or ".", out_dir):
        raise InputError(rel, "shard name would leave the output folder")
    return dst


def is_shard_name(name: str) -> bool:
    """Files taken from an input folder: not hidden, with ``.json`` in the name
    (``.jsonl``, ``.json.gz``, ``.ndjson.zst`` ...)."""
    return not name.startswith(".") and ".json" in name.lower()


def list_shards(in_dir: str, out_dir: str) -> list[tuple[str, str]]:
    """``(input, output)`` pairs for every shard under ``in_dir`` (recursively, sorted;
    symlinked folders are not followed), outputs at the same relative path in ``out_dir``."""
    if not os.path.isdir(in_dir):
        raise InputError(in_dir, "is not a folder")
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise InputError(out_dir, "is not a folder (a folder input needs an output folder)")
    if _inside(out_dir, in_dir):
        raise InputError(out_dir, "the output folder must not be inside the input folder")
    pairs: list[tuple[str, str]] = []
    for root, dirs, files in os.walk(in_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            src = os.path.join(root, name)
            if is_shard_name(name) and os.path.isfile(src):
                pairs.append((src, shard_output(out_dir, os.path.relpath(src, in_dir))))
    outs = {d for _, d in pairs}
    for src, dst in pairs:
        if dst + REJECTS_SUFFIX in outs:
            raise InputError(src, f"its rejects file would overwrite the output of another shard ({dst + REJECTS_SUFFIX})")
    return pairs


class _ShardOut:
    """The two atomic outputs of one shard; the rejects are renamed first, so a shard
    whose output exists is complete, rejects included."""

    def __init__(self, src: str, dst: str) -> None:
        self.src, self.dst = src, dst
        self.stats = Stats()
        d = os.path.dirname(dst)
        if d:
            try:
                os.makedirs(d, exist_ok=True)
            except OSError as exc:
                raise InputError(d, f"cannot create folder: {exc.strerror or exc}") from None
            if not _inside(d, os.path.dirname(dst)):  # pragma: no cover - raced symlink
                raise InputError(dst, "shard name would leave the output folder")
        for p in (dst, dst + REJECTS_SUFFIX):
            remove_stale_tmp(p)
        self.out_cm = AtomicOutput(dst)
        self.rej_cm = AtomicOutput(dst + REJECTS_SUFFIX, keep_empty=False)
        self.out = self.out_cm.__enter__()
        try:
            self.rej = self.rej_cm.__enter__()
        except BaseException as exc:
            self.out_cm.__exit__(type(exc), exc, None)
            raise

    def write(self, res: BatchResult) -> None:
        self.out.write(res.out)
        if res.rejects:
            self.rej.write(res.rejects)
        self.stats.add(res.stats)

    def commit(self) -> None:
        try:
            self.rej_cm.__exit__(None, None, None)
        except BaseException as exc:
            self.out_cm.__exit__(type(exc), exc, None)
            raise
        self.out_cm.__exit__(None, None, None)

    def abort(self, exc: BaseException | None = None) -> None:
        et = type(exc) if exc is not None else RuntimeError
        self.rej_cm.__exit__(et, exc, None)
        self.out_cm.__exit__(et, exc, None)


def run_shards(
    in_dir: str,
    out_dir: str,
    config: PipelineConfig,
    workers: int = 1,
    progress: bool = False,
    batch_bytes: int = BATCH_BYTES,
    strict: bool = False,
    max_record_bytes: int | None = MAX_RECORD_BYTES,
    force_exit_after: float | None = None,
) -> ShardReport:
    """Clean every shard of ``in_dir`` into the same relative path under ``out_dir``
    (rejects beside it, ``<output>.rejects.jsonl``), one worker pool for all shards.

    Resumable: a shard whose output exists is skipped (outputs are renamed into place
    only when complete).  A damaged or unreadable shard is reported in ``failed`` and
    the run goes on; a write error (disk full), ``strict`` and an interruption end the
    run, keeping the shards finished so far.
    """
    pairs = list_shards(in_dir, out_dir)
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as exc:
        raise InputError(out_dir, f"cannot create folder: {exc.strerror or exc}") from None
    rep = ShardReport(Stats())
    todo: dict[str, str] = {}
    for src, dst in pairs:
        if os.path.exists(dst):
            rep.skipped.append(src)
        else:
            todo[src] = dst
    prog = _Progress(progress)
    running = Stats()
    with interruptible(force_exit_after):
        gen = _results(list(todo), config, workers, batch_bytes, max_record_bytes, "batch")
        cur: _ShardOut | None = None
        try:
            for res in gen:
                if cur is None:
                    cur = _ShardOut(res.source, todo[res.source])
                if res.error is not None:
                    cur.abort()
                    cur = None
                    rep.failed.append((res.source, res.error[1]))
                    continue
                _check_strict(res, strict)
                cur.write(res)
                running.add(res.stats)
                prog.update(running)
                if res.last:
                    cur.commit()
                    rep.stats.add(cur.stats)
                    rep.done.append(cur.src)
                    cur = None
        except BaseException as exc:
            gen.close()
            if cur is not None:
                cur.abort(exc)
            raise
    prog.update(running, final=True)
    return rep


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)

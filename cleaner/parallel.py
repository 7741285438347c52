"""Ordered, bounded parallel map over batches.

``Executor.map`` and ``Pool.imap`` consume their whole input up front on Python 3.11, so
they do not bound memory.  :func:`ordered_map` submits at most ``max_in_flight``
batches, always yields the oldest one first, and so keeps input order and memory flat.
``workers == 1`` runs the same function in-process: the reference the tests compare
every other worker count against.

When the consumer stops early (an exception, Ctrl-C, ``close()``), the worker processes
are terminated at once, so an interrupted run ends within seconds.
"""
from __future__ import annotations

import multiprocessing as mp
import threading
from collections import deque
from concurrent.futures import Future, InvalidStateError, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def forks() -> bool:
    """Does :func:`ordered_map` fork its workers here (so that they share the parent's
    memory, copy-on-write)?"""
    return "fork" in mp.get_all_start_methods()


#: seconds between two looks at the workers while a result is awaited
_POLL = 1.0


def _result(fut: "Future[R]", ex: ProcessPoolExecutor) -> R:
    """``fut.result()``, or BrokenProcessPool as soon as a worker has died.

    The pool finds a dead worker by itself, unless the worker died while writing its
    result (the OOM killer, mid-batch): then the pool's manager thread waits in recv()
    for the rest of that message, which never comes, and every future waits with it.
    Workers end only when the pool shuts down, so one that has ended before is dead."""
    while True:
        try:
            return fut.result(timeout=_POLL)
        except FutureTimeout:
            try:
                procs = list((getattr(ex, "_processes", None) or {}).values())
            except RuntimeError:  # changed size while read (the manager thread): look again
                continue
            dead = [p.exitcode for p in procs if p.exitcode is not None]
            if dead:
                raise BrokenProcessPool(f"a worker process ended (exit code {dead[0]})") from None


def _quiet_cancel_race(mgr: "threading.Thread | None", prev: Callable[[Any], None]) -> Callable[[Any], None]:
    """A ``threading.excepthook`` that drops one known, harmless error of an interrupted
    pool and hands every other one to ``prev``.

    The pending futures are cancelled before the workers are terminated; the pool's
    manager thread (``mgr``) then finds the pool broken and sets an exception on each
    of its futures, which CPython 3.11 does without asking whether one was cancelled:
    ``InvalidStateError`` ends that thread, and the default hook printed its traceback
    on the stderr of a run that otherwise ended as it should ("interrupted", no output
    written).

    >>> seen = []
    >>> t = threading.Thread()
    >>> hook = _quiet_cancel_race(t, seen.append)
    >>> hook(threading.ExceptHookArgs((InvalidStateError, InvalidStateError(), None, t)))
    >>> hook(threading.ExceptHookArgs((ValueError, ValueError(), None, t)))
    >>> hook(threading.ExceptHookArgs((InvalidStateError, InvalidStateError(), None, threading.Thread())))
    >>> [a.exc_type.__name__ for a in seen]
    ['ValueError', 'InvalidStateError']
    """

    def hook(args: Any) -> None:
        if mgr is not None and args.thread is mgr and args.exc_type is InvalidStateError:
            return
        prev(args)

    return hook


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int = 1,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple[Any, ...] = (),
    max_in_flight: int | None = None,
) -> Iterator[R]:
    """Yield ``fn(item)`` for each item, in input order, with bounded look-ahead.

    >>> list(ordered_map(abs, [-1, 2, -3]))
    [1, 2, 3]
    """
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        for item in items:
            yield fn(item)
        return
    limit = max_in_flight or 2 * workers
    ctx = mp.get_context("fork") if forks() else None
    ex = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=initializer, initargs=initargs)
    pending: deque[Future[R]] = deque()
    ok = False
    try:
        for item in items:
            pending.append(ex.submit(fn, item))
            if len(pending) >= limit:
                yield _result(pending.popleft(), ex)
        while pending:
            yield _result(pending.popleft(), ex)
        ok = True
    finally:
        for f in pending:
            f.cancel()
        procs = [] if ok else list((getattr(ex, "_processes", None) or {}).values())
        # (shutdown() drops its references to these two: keep them for the clean-up below)
        results = getattr(ex, "_result_queue", None)
        mgr = getattr(ex, "_executor_manager_thread", None)
        if not ok:
            # The batches still being written to the workers' queue are dropped: its
            # feeder thread may be blocked writing to a pipe that no worker will read
            # again, and the pool's manager thread (and, at exit, the interpreter)
            # would wait for that thread forever (CPython fixed this for Windows only,
            # gh-107219).
            call_queue = getattr(ex, "_call_queue", None)
            if call_queue is not None:
                call_queue.cancel_join_thread()
            # (the manager thread may trip on a future cancelled above: not a traceback
            # on stderr, see _quiet_cancel_race)
            prev_hook = threading.excepthook
            threading.excepthook = _quiet_cancel_race(mgr, prev_hook)
            # interrupted, or the consumer stopped early: stop the workers now rather
            # than after their current batch (they take SIGTERM's default action)
            for p in procs:
                if p.is_alive():
                    p.terminate()
        ex.shutdown(wait=ok, cancel_futures=True)
        for p in procs:
            p.join(timeout=5)
        if not ok:
            # A worker terminated while sending its result leaves half a message in the
            # result pipe, and the pool's manager thread waits in recv() for the rest;
            # the interpreter joins that thread at exit, forever.  With the workers gone,
            # closing this process's copy of the pipe's write end (it never writes to it)
            # turns that wait into an EOF: the thread sees a broken pool and ends.
            writer = getattr(results, "_writer", None)
            if writer is not None and not any(p.is_alive() for p in procs):
                writer.close()
            # let the pool's manager thread finish closing its queues before the caller
            # goes on (and perhaps exits): a thread still closing pipes while the
            # interpreter shuts down can print "Bad file descriptor" noise to stderr
            if mgr is not None:
                mgr.join(timeout=5)
            if mgr is None or not mgr.is_alive():
                threading.excepthook = prev_hook

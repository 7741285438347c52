"""A bounded memo shared by the per-line and per-word caches that live across documents."""
from __future__ import annotations

from typing import Any


class BoundedDict(dict):  # type: ignore[type-arg]
    """A dict of at most ``maxsize`` entries, emptied when a new one would pass that
    (cheaper than an LRU's bookkeeping on every hit, and a memo's hits are what must be
    cheap: ``get`` is dict's own).  The keyword detectors' verdicts per line and the typo
    fixer's verdicts per word and neighbours are kept in one.

    >>> d = BoundedDict(2)
    >>> d.put("a", 1); d.put("b", 2); d.put("c", 3)
    >>> sorted(d.items()), d.get("a")
    ([('c', 3)], None)
    """

    __slots__ = ("maxsize",)

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def put(self, key: Any, value: Any) -> None:
        """``self[key] = value``, after emptying the dict if it is full."""
        if len(self) >= self.maxsize:
            self.clear()
        self[key] = value

"""The data model: spans, edits, documents, results, and the shared block splitter.

Offsets
-------
Every offset in cleaner (``Span.start``/``Span.end``, ``Edit.start``/``Edit.end``,
``Block.start``/``Block.end``) counts **Unicode code points** of the text that the
detectors saw, that is the text *after* the normalisers ran.  Python ``str`` indexes
are code points, so ``text[span.start:span.end]`` is the removed text.  Consumers
in other languages that count UTF-8 bytes or UTF-16 units must convert.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, NamedTuple

from ._compiled import fast


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open range ``[start, end)`` of code points that a detector wants removed.

    >>> s = Span(0, 5, "separators", "line of punctuation")
    >>> s.as_list()
    [0, 5, 'separators', 'line of punctuation']
    """

    start: int
    end: int
    detector: str
    reason: str

    def as_list(self) -> list[Any]:
        return [self.start, self.end, self.detector, self.reason]

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Edit:
    """One change made by a normaliser.

    ``start``/``end`` are code-point offsets into the text *before* this normaliser
    ran; ``before`` is ``text[start:end]`` and ``after`` is what replaced it.
    """

    start: int
    end: int
    before: str
    after: str
    normaliser: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "normaliser": self.normaliser,
            "reason": self.reason,
        }


class Block(NamedTuple):
    """A line of text with its code-point offsets (``text == doc[start:end]``, no newline).

    A named tuple (immutable, ``.start``/``.end``/``.text``): a document of a few hundred
    lines builds one per line, and a tuple is built several times faster than a frozen
    dataclass.
    """

    start: int
    end: int
    text: str


def lowercase(text: str) -> str:
    """``text.lower()``, from the compiled table (``cleaner._fast.lower``, several times
    faster on text that is not ASCII) when it is built and the text holds neither
    ``İ`` nor ``Σ``, whose lowercase ``str.lower`` works out otherwise.

    >>> lowercase("Ça VA, ΟΔΟΣ")
    'ça va, οδος'
    """
    f = fast()
    if f is not None:
        low = f.lower(text)
        if low is not None:
            return low
    return text.lower()


#: the reason of a span whose detector was told not to work one out (``Document.explain``)
UNEXPLAINED = "reason not worked out (explain=False)"


@dataclass(slots=True)
class Document:
    """The text under inspection plus metadata (``id``, ``url``, ``lang`` ...).

    Detectors receive a Document and must not change it.  The lowercased text and the
    blocks are computed once and shared by every detector.
    """

    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    _lower: str | None = field(default=None, repr=False)
    _blocks: list[Block] | None = field(default=None, repr=False)
    _lang: tuple[str, float] | None = field(default=None, repr=False)
    #: the language identifier's sample of ``text`` (:meth:`lang_sample`)
    _lang_sample: str | None = field(default=None, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)
    #: candidate blocks per trigger set, filled by ``detectors.base.candidate_blocks``
    _cands: dict[int, list[int]] | None = field(default=None, repr=False)
    _memo: dict[Any, Any] | None = field(default=None, repr=False)
    #: ``lower`` was made character by character (a character lowercases longer)
    _lower_by_char: bool = field(default=False, repr=False)
    #: Set by the pipeline's later passes (delete mode) when this text is whole lines of
    #: the first pass's text, none of which any detector removed there, lowercased the
    #: same (see :meth:`Pipeline._fixed_point`).  A detector's verdict on a line that
    #: depends on that line alone was then "keep" for every line here, and would be
    #: again: it may skip such tests and run only those that look at context.
    lines_judged: bool = field(default=False, repr=False)
    #: Set by the pipeline's later passes when this text is whole lines of the first
    #: pass's text: that text, and for each block here the index of the same line
    #: among its blocks.  A detector may take per-line work of the first pass from
    #: ``memo`` through it (page_furniture's word counts), once it has checked that the
    #: work was done on that text.
    _kept_from: tuple[str, list[int]] | None = field(default=None, repr=False)
    #: False when the caller keeps only the cleaned text (``Pipeline.clean(...,
    #: explain=False)``): a detector may then give its spans the placeholder reason
    #: ``UNEXPLAINED`` instead of working one out (page_furniture's reasons, which it
    #: builds from a page's features, were 2.8% of the instructions of cleaning 400 dump
    #: records).  Nothing else may depend on it: the spans' offsets and detectors are
    #: the same.
    explain: bool = field(default=True, repr=False)

    @property
    def memo(self) -> dict[Any, Any]:
        """Scratch space for detectors, shared by the documents of one ``clean()`` call.

        In delete mode the pipeline runs the detectors again on the kept text until they
        find nothing more (its fixed point); each pass gets a new Document, but the same
        ``memo``.  A detector may keep per-line work there, keyed by what it depends on
        (for instance the line's text and the detector's name), so that the later
        passes, which see the same lines, do not redo it.  A key must capture every
        input of the cached value: the pipeline does not clear it between passes."""
        if self._memo is None:
            self._memo = {}
        return self._memo

    @property
    def lower(self) -> str:
        """Lowercased text with the same length as ``text`` (so offsets still line up).

        ``str.lower`` can change the length of a few characters (``'İ'`` becomes two
        code points); then characters are lowered one by one, keeping length.
        """
        if self._lower is None:
            low = lowercase(self.text)
            if len(low) != len(self.text):
                low = "".join(c if len(c.lower()) != 1 else c.lower() for c in self.text)
                self._lower_by_char = True
            self._lower = low
        return self._lower

    @property
    def lang(self) -> str:
        """ISO 639-1 code of the text's language: the record's declared language when it
        carries one that can be read (:attr:`declared_lang`: ``en``, ``en-US``, ``eng``,
        ``deu,eng``, ``German``; see :func:`cleaner.lang.language_code`), else detected
        once (see :mod:`cleaner.lang`)."""
        if self._lang is None:
            code = self.declared_lang
            if code is not None:
                self._lang = (code, 1.0)
            else:
                from .lang import language_of_sample

                self._lang = language_of_sample(self.lang_sample())
        return self._lang[0]

    def lang_sample(self) -> str:
        """The text's longest lines that the language identifier reads
        (``cleaner.lang.sample(text)``), made once."""
        if self._lang_sample is None:
            from .lang import sample

            self._lang_sample = sample(self.text)
        return self._lang_sample

    @property
    def declared_lang(self) -> str | None:
        """The ISO 639-1 code of the language the record declares (``meta['lang']`` or
        ``language``, or the same keys of a nested ``metadata`` dict, as datatrove's JSONL
        writer puts them), or None when it declares none that can be read."""
        meta = self.meta
        if not meta:
            return None
        from .lang import language_code

        given = meta.get("lang") or meta.get("language")
        if given is None:
            nested = meta.get("metadata")
            if isinstance(nested, Mapping):
                given = nested.get("lang") or nested.get("language")
        return language_code(given)

    @property
    def blocks(self) -> list[Block]:
        if self._blocks is None:
            self._blocks = _block_list(self.text)
        return self._blocks

    def block_starts(self) -> list[int]:
        """``[b.start for b in blocks]`` (sorted), computed once."""
        if self._starts is None:
            self._starts = [b.start for b in self.blocks]
        return self._starts

    def block_at(self, pos: int) -> int:
        """Index of the block containing code point ``pos`` (binary search)."""
        bl = self.blocks
        lo, hi = 0, len(bl) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if bl[mid].start <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo


@dataclass(frozen=True, slots=True)
class Result:
    """What the pipeline returns: the output text, the merged spans and the edits.

    In delete mode ``text`` has the spans removed and ``spans`` point into the text the
    detectors saw (``Result.source``).  In annotate mode ``text`` *is* that text.
    """

    text: str
    spans: tuple[Span, ...] = ()
    edits: tuple[Edit, ...] = ()
    source: str = ""
    raw_spans: tuple[Span, ...] = ()

    def removed_chars(self) -> dict[str, int]:
        """Characters removed per detector (a merged span shared by several detectors
        is credited to each of them)."""
        out: dict[str, int] = {}
        for s in self.spans:
            for name in s.detector.split("+"):
                out[name] = out.get(name, 0) + (s.end - s.start)
        return out


_tuple_new = tuple.__new__


def _block_list(text: str) -> list[Block]:
    """``list(blocks(text))``, without a generator and Block.__new__'s Python frame
    (``cleaner._fast.block_list`` when it is built: the same list, one compiled scan)."""
    f = fast()
    if f is not None:
        return f.block_list(text, Block)
    out: list[Block] = []
    add = out.append
    pos = 0
    for line in text.split("\n"):
        n = len(line)
        if n and (line[0] not in " \t" or not line.isspace()):
            add(_tuple_new(Block, (pos, pos + n, line)))
        pos += n + 1
    return out


def blocks(text: str) -> Iterator[Block]:
    """Split ``text`` into lines with their offsets; blank lines are skipped.

    >>> [(b.start, b.end, b.text) for b in blocks("ab\\n\\ncd")]
    [(0, 2, 'ab'), (4, 6, 'cd')]
    """
    pos = 0
    for line in text.split("\n"):
        n = len(line)
        if n and (line[0] not in " \t" or not line.isspace()):
            yield Block(pos, pos + n, line)
        pos += n + 1

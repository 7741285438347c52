"""Detector protocol, the pattern-file loader and the keyword-block detector.

A detector has a ``name`` and ``detect(doc) -> Iterable[Span]``.  It never changes the
document.  Heavy state (compiled patterns, word lists) is built once in ``__init__``.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from bisect import bisect_left, bisect_right
from typing import Any, Iterable, Iterator, Protocol, Sequence, runtime_checkable

import regex

from .._compiled import fast
from .._memo import BoundedDict
from ..document import Document, Span

log = logging.getLogger(__name__)

#: Seconds any one pattern may spend on one document.  Patterns are written to be
#: linear (bounded repeats, no nested quantifiers); this is the safety net.
REGEX_TIMEOUT = 2.0

#: A line of at most this many characters is matched without the timeout.  Arming it
#: costs about 2 µs a call, more than most matches of a short line take, and the
#: keyword detectors try tens of thousands of short lines in a few MB of pages.  On a
#: subject this short no pattern of ours can run long: each pattern is run alone on
#: hostile strings of 20,000 characters, and each detector's compiled patterns on
#: hostile lines of this length, by tests/test_adversarial.py, which bound their time.
SHORT_SUBJECT = 256

#: A keyword detector keeps its verdicts on at most this many distinct short lines
#: (``KeywordBlockDetector.detect``), and starts afresh when it has as many: about
#: 0.15 to 0.25 kB a line on real pages (the dev set and the CC sample, 8,415 lines over
#: the three detectors, 1.4 MB), so about 4 MB a detector when full, and at worst
#: (every line 256 characters long and removed, with its reason) about 15 MB.
VERDICTS_KEPT = 20_000

_UNJUDGED = ("", "")  # not a verdict: a line not judged yet


@runtime_checkable
class Detector(Protocol):
    name: str

    def detect(self, doc: Document) -> Iterable[Span]: ...


class BaseDetector:
    """Convenience base: stores ``name`` and parameters; subclasses implement detect."""

    name = "base"

    def detect(self, doc: Document) -> Iterable[Span]:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<detector {self.name}>"


# --------------------------------------------------------------------------- patterns
@dataclass(frozen=True)
class PatternSet:
    """Patterns of one data file, by section (``strong``, ``weak``, ``line``, ``tail`` ...)."""

    sections: dict[str, tuple[str, ...]]

    def get(self, section: str) -> tuple[str, ...]:
        return self.sections.get(section, ())


def parse_patterns(text: str) -> PatternSet:
    """Parse a pattern file: ``[section]`` headers, one regex per line, ``#`` comments.

    A line whose first non-blank character is ``#`` is a comment (the *why* of the
    pattern below it).  Patterns keep their inner spaces; leading and trailing blanks
    are stripped.

    >>> ps = parse_patterns("# why\\n[strong]\\nall rights reserved\\n\\n[weak]\\n# x\\nterms of use\\n")
    >>> ps.get("strong"), ps.get("weak")
    (('all rights reserved',), ('terms of use',))
    """
    sections: dict[str, list[str]] = {}
    current = "default"
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]") and " " not in line:
            current = line[1:-1]
            sections.setdefault(current, [])
            continue
        sections.setdefault(current, []).append(line)
    return PatternSet({k: tuple(v) for k, v in sections.items()})


@lru_cache(maxsize=None)
def load_patterns(name: str) -> PatternSet:
    """Load ``cleaner/data/<name>.txt`` (package data)."""
    text = resources.files("cleaner").joinpath("data", f"{name}.txt").read_text("utf-8")
    return parse_patterns(text)


def alternation(patterns: Iterable[str]) -> str:
    pats = list(patterns)
    return "|".join(f"(?:{p})" for p in pats) if pats else r"(?!x)x"


def safe_finditer(rx: "regex.Pattern[str]", text: str, who: str) -> Iterator["regex.Match[str]"]:
    """``rx.finditer`` with a timeout: a pathological input costs at most REGEX_TIMEOUT
    seconds, after which the detector reports nothing more for that document."""
    try:
        yield from rx.finditer(text, timeout=REGEX_TIMEOUT)
    except TimeoutError:
        log.warning("cleaner: detector %s gave up on a document after %.1fs", who, REGEX_TIMEOUT)


# A Unicode property class (``\p{L}``, ``\P{Lu}``): the stdlib parser cannot read it; for
# :func:`covering_triggers` it is one character of a class, like ``\w``.
_PROP = regex.compile(r"\\[pP]\{[^{}]{1,40}\}")


def covering_triggers(pattern: str, triggers: Sequence[str]) -> "frozenset[str] | None":
    """Triggers of which every match of ``pattern`` holds at least one, or None when
    the pattern's literals prove no such set.

    The proof reads the pattern's parse tree: a run of literal characters (``\\b`` and
    other zero-width assertions do not break it) is in every match, so are a group's
    and a repeat's of at least one, and an alternation is covered when each of its
    branches is.  A trigger inside such a run is then in every match.  This is what
    makes the trigger prefilter sound: a line that holds none of the triggers cannot
    match, so the regex never runs on it.

    >>> sorted(covering_triggers(r"\\bwe (?:also )?use (?:\\p{L}+ ){0,2}cookies", ("cookie", "also")))
    ['cookie']
    >>> sorted(covering_triggers(r"(?:may|must) not be (?:re)?produced", ("not be", "may")))
    ['not be']
    >>> covering_triggers(r"you (?:agree|consent)", ("consent",)) is None  # "you agree"
    True
    >>> covering_triggers(r"(?i:cookies)", ("cookie",)) is None  # "ſ" matches "s" without case
    True
    """
    try:
        import re._parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        tree = sre_parse.parse(_PROP.sub(r"\\w", pattern))
    except Exception:  # noqa: BLE001 - syntax only `regex` knows: no proof
        return None
    if "(?" in pattern and re.search(r"\(\?[a-zA-Z-]*i", pattern):
        return None  # case-insensitive parts: a literal could match other letters ("ſ" for "s")
    return _cover(list(tree), tuple(triggers), sre_parse)


#: the most strings a finite part of a pattern is expanded to (:func:`_expand`)
_MAX_EXPANSION = 4096


def _expand(op: Any, av: Any, c: Any) -> "set[str] | None":
    """The strings one parse-tree item can match, when they are few and finite
    (literals, sets of literal characters, groups and alternations of those, short
    bounded repeats, zero-width assertions); None otherwise."""
    if op is c.LITERAL:
        return {chr(av)}
    if op is c.AT:
        return {""}
    if op is c.IN:
        if all(o is c.LITERAL for o, _ in av):
            return {chr(x) for _, x in av}
        return None
    if op is c.SUBPATTERN:
        return _expand_seq(list(av[-1]), c)
    if op is c.BRANCH:
        out: set[str] = set()
        for br in av[1]:
            got = _expand_seq(list(br), c)
            if got is None:
                return None
            out |= got
        return out if len(out) <= _MAX_EXPANSION else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) and av[1] <= 4:
        body = _expand_seq(list(av[2]), c)
        if body is None:
            return None
        out, cur = set(), {""}
        for k in range(av[1] + 1):
            if k >= av[0]:
                out |= cur
            cur = {x + y for x in cur for y in body}
            if len(out) + len(cur) > _MAX_EXPANSION:
                return None
        return out
    return None


def _expand_seq(items: list[Any], c: Any) -> "set[str] | None":
    out = {""}
    for op, av in items:
        got = _expand(op, av, c)
        if got is None:
            return None
        out = {x + y for x in out for y in got}
        if len(out) > _MAX_EXPANSION:
            return None
    return out


def _cover(items: list[Any], triggers: tuple[str, ...], sp: Any) -> "frozenset[str] | None":
    """:func:`covering_triggers` of one sequence of parse-tree items: the smallest set
    that one of its parts proves.  A part is either a run of finite items (each of the
    strings it can match must hold a trigger) or one item that is not finite (a group
    or an alternation proved by recursion, or a repeat of at least one)."""
    c = sp._constants if hasattr(sp, "_constants") else sp
    best: "frozenset[str] | None" = None
    run: set[str] = {""}

    def consider(found: "frozenset[str] | None") -> None:
        nonlocal best
        if found and (best is None or len(found) < len(best)):
            best = found

    def flush() -> None:
        nonlocal run
        if run != {""}:
            each = [frozenset(t for t in triggers if t in s) for s in run]
            if all(each):
                common = frozenset.intersection(*each)
                # one trigger in every string (the longest: the rarest); else, all of them
                consider(frozenset([max(sorted(common), key=len)]) if common else frozenset().union(*each))
        run = {""}

    for op, av in items:
        got = _expand(op, av, c)
        if got is not None:
            grown = {x + y for x in run for y in got}
            if len(grown) > _MAX_EXPANSION:
                flush()  # the strings so far are still in every match
                grown = got
            run = grown
            continue
        flush()
        if op is c.SUBPATTERN:
            consider(_cover(list(av[-1]), triggers, sp))
        elif op is c.BRANCH:
            branches = [_cover(list(br), triggers, sp) for br in av[1]]
            if all(branches):
                consider(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
            consider(_cover(list(av[2]), triggers, sp))
        elif op is getattr(c, "ATOMIC_GROUP", None):
            consider(_cover(list(av), triggers, sp))
    flush()
    return best


def _covering_all(patterns: Sequence[str], triggers: Sequence[str]) -> "tuple[str, ...] | None":
    """The triggers that cover every one of ``patterns`` (sorted), or None when one of
    them has no proof."""
    out: set[str] = set()
    for p in patterns:
        got = covering_triggers(p, triggers)
        if got is None:
            return None
        out |= got
    return tuple(sorted(out))


# ------------------------------------------------------------------ keyword-block detector
def _snip(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


class KeywordBlockDetector(BaseDetector):
    """Removes whole lines that are dominated by boilerplate cues.

    The pattern file has sections, all matched against the lowercased text:

    - ``strong``: a cue that on its own marks boilerplate in a *short* line that opens
      with it (``short_chars``, ``lead_chars``); other lines need ``min_strong`` strong
      cues and a cue density of at most ``max_chars_per_cue``;
    - ``weak``: a cue that only counts together with a strong one;
    - ``line``: a whole line (after trimming punctuation) that is boilerplate by itself;
    - ``tail``: a cue that starts a boilerplate *tail* of an otherwise kept line
      (``... said the minister. © 2024 Reuters. All rights reserved.``).

    Precision first: a long paragraph with one cue in it (an article about cookies,
    copyright law or a GDPR fine) is kept.
    """

    patterns_file = ""
    #: a strong cue alone removes lines up to this many characters
    short_chars = 200
    #: ... when its first strong cue starts within this many characters
    lead_chars = 40
    #: any other line needs this many strong cues ...
    min_strong = 2
    #: ... and at most this many characters per cue
    max_chars_per_cue = 300
    #: a tail cue may remove at most this many characters at the end of a line
    tail_chars = 240

    def __init__(self, **params: object) -> None:
        for k, v in params.items():
            if k == "enabled":
                continue
            if not hasattr(type(self), k) or k.startswith("_"):
                raise TypeError(f"{self.name}: unknown parameter {k!r}")
            setattr(self, k, v)
        ps = load_patterns(self.patterns_file or self.name)
        #: verdicts on short lines, by their lowercase text (see :meth:`detect`); they
        #: hold for the parameters and patterns given here, which stay as they are
        self._verdicts: BoundedDict = BoundedDict(VERDICTS_KEPT)
        #: literal substrings (lowercase); a line holding none of them cannot match any
        #: pattern, so the regexes only ever run on lines that hold one.
        self.triggers: tuple[str, ...] = ps.get("triggers")
        if not self.triggers:
            raise ValueError(f"{self.name}: pattern file has no [triggers] section")
        #: optional ``[line_triggers]``: literals of the ``[line]`` patterns only (footer
        #: links such as "About us").  A line that holds one of these but none of
        #: ``triggers`` can only be removed by a whole-line pattern, so it is tried only
        #: when it is short enough for one to match it (:attr:`_line_max`).
        self.line_triggers: tuple[str, ...] = ps.get("line_triggers")
        cue = f"(?P<s>{alternation(ps.get('strong'))})|(?P<w>{alternation(ps.get('weak'))})"
        self._cues = regex.compile(cue)
        # whole-line patterns: optional punctuation/bullets around the phrase
        line_src = r"[^\w\n]{0,8}(?:" + alternation(ps.get("line")) + r")[^\w\n]{0,8}"
        self._line = regex.compile(line_src) if ps.get("line") else None
        self._line_max = _max_width(line_src) if ps.get("line") else 0
        # The triggers that every strong cue, and every tail, holds one of (None: not
        # proved).  A candidate line without one can hold no strong cue, and so can only
        # be removed by a [line] pattern or a tail: the cue scan, the costliest step of
        # this detector on long lines that merely say "terms" or "licensed", is skipped.
        self._strong_triggers = _covering_all(ps.get("strong"), self.triggers)
        self._tail_triggers = _covering_all(ps.get("tail"), self.triggers)
        self._line_cover = _covering_all(ps.get("line"), self.triggers + self.line_triggers)
        # tail: must start the line or follow a sentence end, and run to the line's end
        self._tail = regex.compile(
            r"(?:(?<=[.!?\"')\]]\s{1,3})|^)(?:" + alternation(ps.get("tail")) + r")[^\n]{0,%d}$"
            % int(self.tail_chars)
        ) if ps.get("tail") else None

    @property
    def line_local(self) -> bool:
        """True: the verdict on a line depends on that line's text alone (no context), so
        the pipeline's fixed point need not ask again about lines it has already seen.
        A subclass that overrides :meth:`detect` or :meth:`candidates` is not assumed
        to be line-local."""
        cls = type(self)
        return cls.detect is KeywordBlockDetector.detect and cls._candidates is KeywordBlockDetector._candidates

    def candidates(self, doc: Document) -> list[int]:
        """Indexes of the blocks that hold at least one trigger (sorted); with
        ``[line_triggers]``, also the short blocks that hold one of those."""
        return self._candidates(doc)[0]

    def _candidates(self, doc: Document) -> tuple[list[int], "set[int] | None"]:
        """(candidates, the blocks among them that hold a full trigger, or None when
        every candidate does)."""
        cands = candidate_blocks(doc, self.triggers)
        if not self.line_triggers:
            return cands, None
        blocks, width = doc.blocks, self._line_max
        extra = [i for i in candidate_blocks(doc, self.line_triggers) if blocks[i].end - blocks[i].start <= width]
        if not extra:
            return cands, None
        full = set(cands)
        return sorted(full.union(extra)), full

    def detect(self, doc: Document) -> Iterator[Span]:
        cands, full = self._candidates(doc)
        if not cands:
            return
        low = doc.lower
        blocks = doc.blocks
        line_max = self._line_max if self._line is not None else -1
        # the candidates that may hold a strong cue, or a tail (None: any of them)
        may_strong = may_tail = None
        if self._strong_triggers is not None and self.min_strong >= 1:
            may_strong = set(candidate_blocks(doc, self._strong_triggers))
        if self._tail_triggers is not None:
            may_tail = set(candidate_blocks(doc, self._tail_triggers))
        # the candidates that may be a whole [line] pattern
        may_line = None if self._line_cover is None else set(candidate_blocks(doc, self._line_cover))
        # Each verdict depends on the line's lowercase text alone: the sets above say
        # which triggers the line holds, and a trigger lies inside one line (see
        # _TriggerIndex.line_bound).  So the verdicts on short lines are kept across
        # documents: footer lines ("Share", "About us", "© 2024 Reuters") come back page
        # after page (on the dev set, 4,812 distinct lines among 21,909 short candidates
        # of publisher_footer).  Long lines, which the patterns match under a timeout,
        # are judged each time; so is every line when that does not hold (a subclass
        # that chooses its candidates otherwise, a trigger set holding a line break).
        memo = self._verdicts
        keep = self.line_local and _INDEX.line_bound
        name = self.name
        for i in cands:
            b = blocks[i]
            length = b.end - b.start
            seg = low[b.start : b.end]
            short = keep and length <= SHORT_SUBJECT
            if short:
                got = memo.get(seg, _UNJUDGED)
                if got is not _UNJUDGED:
                    if got is not None:
                        yield Span(b.start + got[0], b.end, name, got[1])
                    continue
            got = self._judge(
                seg, length <= line_max and (may_line is None or i in may_line),
                full is None or i in full,
                may_strong is None or i in may_strong,
                may_tail is None or i in may_tail,
            )
            if short:
                memo.put(seg, got)
            if got is not None:
                yield Span(b.start + got[0], b.end, name, got[1])

    def _judge(self, seg: str, may_line: bool, has_trigger: bool, may_strong: bool,
               may_tail: bool) -> tuple[int, str] | None:
        """The verdict on one candidate line ``seg`` (lowercase): None (kept), or the
        span to remove as (start in ``seg``, reason), running to the line's end.  The
        flags say which triggers the line holds: a ``[line]`` pattern's (and the line is
        short enough for one to match it), a full trigger (else only a line trigger),
        a strong cue's, a tail's."""
        length = len(seg)
        short = length <= SHORT_SUBJECT
        # (a line longer than any match of the [line] patterns cannot fullmatch one)
        if may_line and (self._line.fullmatch(seg) if short else self._line.fullmatch(seg, timeout=REGEX_TIMEOUT)):
            return 0, f"boilerplate line {_snip(seg)!r}"
        if not has_trigger:
            return None  # only a line trigger: no strong, weak-with-strong or tail cue here
        hs = []
        if self._strong_triggers is not None and self.min_strong >= 1 and (
            not may_strong
            # A long line (the short-line rule is out) needs min_strong strong cues.
            # Each holds a strong trigger, and disjoint cues hold disjoint occurrences
            # of them, which str.count counts at least once each: fewer occurrences
            # than min_strong, and no rule can fire on the cues.
            or (length > self.short_chars and sum(map(seg.count, self._strong_triggers)) < self.min_strong)
        ):
            pass  # no strong cue here, or too few to matter; weak cues alone remove nothing
        else:
            try:
                for m in (self._cues.finditer(seg) if short else self._cues.finditer(seg, timeout=REGEX_TIMEOUT)):
                    hs.append((m.group("s") is not None, m.group(0), m.start()))
            except TimeoutError:
                log.warning("cleaner: detector %s gave up on a document after %.1fs", self.name, REGEX_TIMEOUT)
        strong = [h for h in hs if h[0]]
        n = len(hs)
        if strong and length <= self.short_chars and strong[0][2] <= self.lead_chars:
            # a short line that OPENS with the notice ("We use cookies ...")
            return 0, f"short line opening with {_cue_list(hs)}"
        # A notice glued to the end of a kept line: cut only the notice.
        if self._tail is not None and may_tail:
            try:
                m = self._tail.search(seg, 1) if short else self._tail.search(seg, 1, timeout=REGEX_TIMEOUT)
            except TimeoutError:
                m = None
            if m is not None and m.start() > 0:
                return m.start(), f"trailing notice {_snip(m.group(0))!r}"
        if n and len(strong) >= self.min_strong and length / n <= self.max_chars_per_cue:
            return 0, f"{len(strong)} strong of {n} cues in {length} chars: {_cue_list(hs)}"
        return None


def _max_width(pattern: str) -> int:
    """The longest string ``pattern`` can match, from the stdlib's parser; a pattern it
    cannot parse (``regex``-only syntax) or an unbounded one gives a huge width, so the
    caller's length check never skips a line that could match.

    >>> _max_width(r"[^\\w\\n]{0,8}(?:about(?: us)?)[^\\w\\n]{0,8}")
    24
    """
    try:
        import re._parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        width = sre_parse.parse(pattern).getwidth()[1]
    except Exception:  # noqa: BLE001 - syntax only `regex` knows
        return 1 << 62
    return int(width)


def _automaton(pats: list[str]) -> Any:
    """``ahocorasick_rs``'s automaton over the patterns' UTF-8 (None for no pattern).

    The DFA: 2.5x the default NFA's speed on this union of ~200 short literals (136
    against 54 M characters/s on real pages), for a few hundred kB; the same matches, as
    every match is reported (overlapping, standard).  Over UTF-8 bytes: the automaton
    over str spent more on turning its byte offsets into code-point offsets than on the
    search (the blocks' starts are turned into bytes instead), and could not take a lone
    surrogate.  A pattern (valid UTF-8) matches the bytes exactly where it matches the
    code points: UTF-8 is self-synchronising, and a surrogate, written in three bytes as
    "surrogatepass" does, starts with a byte no pattern holds at that place."""
    if not pats:
        return None
    import ahocorasick_rs

    dfa = getattr(getattr(ahocorasick_rs, "Implementation", None), "DFA", None)
    kw = {"implementation": dfa} if dfa is not None else {}
    return ahocorasick_rs.BytesAhoCorasick([t.encode("utf-8") for t in pats],
                                           matchkind=ahocorasick_rs.MatchKind.Standard, **kw)


class _TriggerIndex:
    """One Aho-Corasick automaton over the union of every trigger set in use.

    Each detector's ``candidate_blocks(doc, triggers)`` used to scan the lowercased text
    once per trigger (``str.find``); with ~300 triggers over 7 sets that was the largest
    cost of the default pipeline.  Now the first call on a document runs ONE pass of the
    automaton over ``doc.lower`` (overlapping matches, so no trigger hides another) and
    files each hit's block under every set holding that trigger; later calls are lookups.
    The result is the same list of blocks as the ``str.find`` scan (see
    :func:`_candidate_blocks_scan`, which the tests compare it with).
    """

    #: at most this many tuples remembered by identity (:meth:`known`)
    BY_ID_MAX = 4096

    def __init__(self) -> None:
        self.sets: dict[tuple[str, ...], int] = {}
        #: the tuples given to set_id, by identity: ``id -> (tuple, set id)`` (:meth:`known`).
        #: Each tuple is held, so that its id cannot pass to another object; a caller that
        #: makes a new tuple on every call fills this only up to the bound.
        self._by_id: dict[int, tuple[tuple[str, ...], int]] = {}
        self._lock = threading.Lock()
        # (compiled scanner, ahocorasick_rs automaton, pattern index -> set ids, set ids,
        # patterns): replaced as one, so that a thread scanning while another registers
        # a set never mixes two versions
        self._state: tuple[Any, Any, list[tuple[int, ...]], tuple[int, ...], list[str]] = (None, None, [], (), [])
        #: every trigger lies inside one line and holds a character that is not
        #: whitespace: then each hit is in a line that is a block, and a block's
        #: candidacy depends on its own line alone (see :meth:`carry`)
        self.line_bound = True

    def known(self, triggers: object) -> int | None:
        """The set id of a trigger tuple that :meth:`set_id` was given, by the tuple's
        identity (no hash of its strings), or None."""
        got = self._by_id.get(id(triggers))
        return got[1] if got is not None and got[0] is triggers else None

    def set_id(self, triggers: tuple[str, ...]) -> int:
        sid = self.sets.get(triggers)
        if sid is None:
            with self._lock:
                sid = self.sets.get(triggers)
                if sid is None:
                    sid = len(self.sets)
                    self._build({**self.sets, triggers: sid})
                    self.sets[triggers] = sid
        if len(self._by_id) < self.BY_ID_MAX:
            self._by_id[id(triggers)] = (triggers, sid)
        return sid

    def _build(self, sets: dict[tuple[str, ...], int]) -> None:
        owners: dict[str, list[int]] = {}
        for trig, sid in sets.items():
            for t in trig:
                lst = owners.setdefault(t, [])
                if sid not in lst:
                    lst.append(sid)
        pats = list(owners)
        own = [tuple(owners[t]) for t in pats]
        sids = tuple(sets.values())
        f = fast()
        scanner = None
        if pats and f is not None and max(len(t.encode("utf-8", "surrogatepass")) for t in pats) <= 256:
            # The compiled automaton (cleaner._fast.TriggerScanner, a DFA over the same
            # bytes as ahocorasick_rs's below, its table by byte class) files each hit
            # under its block as it goes: no Python tuple a hit and no UTF-8 copy of
            # the text.  On 2,000 dump records the scan took 0.06 s instead of 0.12 s.
            scanner = f.TriggerScanner(pats, own, sids)
        self.line_bound = self.line_bound and all("\n" not in t and not t.isspace() for t in pats)
        self._state = (scanner, None if scanner is not None else _automaton(pats), own, sids, pats)

    def carry(self, first: Document, pieces: Sequence[tuple[int, int]], doc: Document) -> bool:
        """Give ``doc`` the candidate blocks of ``first`` without a scan, when ``doc``'s
        text is ``pieces`` of ``first``'s text that are whole lines (the pipeline's later
        passes, when every span covers whole lines).  Its blocks are then ``first``'s
        blocks that were kept, in order, and the same triggers hit them: a trigger
        lies inside one line, and a line lowercases the same alone as in any text
        (Python's final-sigma rule stops at a line break), unless ``first`` was lowered
        character by character (a character whose lowercase is longer).  Returns
        False (``doc`` is left to scan) when any of that does not hold."""
        cands = first._cands
        if cands is None or doc._cands is not None or not self.line_bound or first._lower_by_char:
            return False
        starts = first.block_starts()
        f = fast()
        if f is not None:  # the loops below, compiled (cleaner._fast.carry_blocks)
            got = f.carry_blocks(cands, starts, pieces, len(doc.blocks))
            if got is False:
                return False
            if got is not None:
                doc._cands = got
                return True
        kept: list[int] = []  # the first text's blocks that start inside a piece, in order
        for a, b in pieces:
            kept.extend(range(bisect_left(starts, a), bisect_left(starts, b)))
        if len(kept) != len(doc.blocks):
            return False
        n = len(kept)
        out: dict[int, list[int]] = {}
        for sid, blk in cands.items():
            new = out[sid] = []
            for k in blk:  # a block's new index is its place among the kept ones
                i = bisect_left(kept, k)
                if i < n and kept[i] == k:
                    new.append(i)
        doc._cands = out
        return True

    def scan(self, doc: Document) -> dict[int, list[int]]:
        """``{set id: sorted block indexes}`` for every registered set."""
        state = self._state
        scanner, ac, owners, sids, pats = state
        if not pats:
            return {sid: [] for sid in sids}
        starts = doc.block_starts()
        if not starts:
            return {sid: [] for sid in sids}
        low = doc.lower
        f = fast()
        if scanner is not None and f is not None:  # the same lists, in one compiled call
            return scanner.scan(low, starts)
        if ac is None:  # (the compiled scanner's index, with the compiled module turned off)
            ac = _automaton(pats)
            if self._state is state:
                self._state = (scanner, ac, owners, sids, pats)
        out: dict[int, list[int]] = {sid: [] for sid in sids}
        utf8 = low.encode("utf-8", "surrogatepass")
        hits = ac.find_matches_as_indexes(utf8, overlapping=True)
        if not hits:
            return out
        ascii_ = low.isascii()  # (then the hits' byte offsets are code-point offsets)
        if f is not None:  # the loop below, compiled (cleaner._fast.file_hits)
            return f.file_hits(hits, starts, owners, sids, None if ascii_ else low, None if ascii_ else utf8)
        if not ascii_:  # the blocks' starts as offsets into the UTF-8 bytes
            at, acc, prev = [], 0, 0
            for a in starts:
                acc += len(low[prev:a].encode("utf-8", "surrogatepass"))
                prev = a
                at.append(acc)
            starts = at
        found: dict[int, set[int]] = {}
        last_pos = -1
        k = 0
        for pat, pos, _end in hits:  # hits come in order of their END; map each start
            if pos != last_pos:
                k = bisect_right(starts, pos) - 1
                if k < 0:
                    k = 0  # Document.block_at's answer for a hit before the first block
                last_pos = pos
            for sid in owners[pat]:
                blk = found.get(sid)
                if blk is None:
                    found[sid] = {k}
                else:
                    blk.add(k)
        for sid, blk in found.items():
            out[sid] = sorted(blk)
        return out


_INDEX = _TriggerIndex()


def _cue_list(hs: list[tuple[bool, str, int]]) -> str:
    """The reason's list of cues (built only for the lines that are removed)."""
    return ", ".join(repr(_snip(h[1], 30)) for h in hs[:4]) + (" …" if len(hs) > 4 else "")


def candidate_blocks(doc: Document, triggers: Iterable[str]) -> list[int]:
    """Blocks of ``doc`` whose lowercased text contains any of ``triggers``.

    One Aho-Corasick pass per document serves every detector's trigger set (the Python
    work is proportional to the number of hits, not to the number of lines).  A hit is
    filed under the block that holds its first character, as ``Document.block_at`` says.
    """
    sid = _INDEX.known(triggers)  # (a detector passes the same tuple on every call)
    if sid is None:
        trig = triggers if isinstance(triggers, tuple) else tuple(triggers)
        if not trig or "" in trig:
            return _candidate_blocks_scan(doc, trig)
        sid = _INDEX.set_id(trig)
    cache = doc._cands
    if cache is None or sid not in cache:
        # first call on this document (or a trigger set seen for the first time)
        cache = doc._cands = _INDEX.scan(doc)
    return list(cache[sid])


def carry_candidates(first: Document, pieces: Sequence[tuple[int, int]], doc: Document) -> bool:
    """Give ``doc`` (whole lines of ``first``'s text, ``pieces`` of it) the candidate blocks
    of ``first`` without a scan, when that is exact (:meth:`_TriggerIndex.carry`)."""
    return _INDEX.carry(first, pieces, doc)


def _candidate_blocks_scan(doc: Document, triggers: Iterable[str]) -> list[int]:
    """The reference implementation: ``str.find`` per trigger over the lowercased text."""
    low = doc.lower
    idx: set[int] = set()
    if not doc.blocks:
        return []
    block_at = doc.block_at
    for t in triggers:
        i = low.find(t)
        while i != -1:
            k = block_at(i)
            idx.add(k)
            # skip to the end of this block: one hit per block is enough
            i = low.find(t, max(doc.blocks[k].end, i + 1))
    return sorted(idx)

"""``page_furniture``: a block classifier for plain text, in the spirit of jusText, with
learned weights.

A WET-like record keeps every visible line of a page: menus, breadcrumbs, share
buttons, teaser lists, comment forms, footers.  This detector finds the article among
them and reports everything else as spans.

1. **Blocks.**  Lines are the blocks, except that hard-wrapped prose (a paragraph broken
   into lines of ~60 characters) is re-joined first: a line that does not close a
   sentence, is long enough to be a wrapped line, and is followed by a lowercase start
   (or ends on a comma, hyphen or function word) continues into the next line.  The
   joined block still knows the offsets of its first and last line, so a span always
   points at the original text.
2. **Stage 1, the block and its neighbours** (``STAGE1``): length, stopword density
   (jusText's stoplists by detected language; the share of function characters for
   Chinese and Japanese), end punctuation, URL and menu-separator counts, title-case and
   digit ratios, link words ("Share", "Read more"), notice cues ("©", "Privacy
   Policy"), position, repetition in the page, and the length and density of the
   neighbours.  A logistic regression turns them into a score (a logit).
3. **Stages 2 and 3, the context** (``STAGE2``): the score among the neighbours' scores,
   and the block's place relative to the main text (the run of likely content with the
   most stopwords): inside it, just above it (title, byline, dateline), before or after
   it, how far.  Two more logistic regressions, the second over the first's scores.
   The weights of all three are learned on the dev split of the dev set
   (``benchmarks/train_furniture.py``) and ship as plain numbers in
   ``cleaner/data/furniture_weights.txt``.
4. **Decision, precision first.**  A block is furniture when its final score is below
   ``min_score`` (a threshold below the even-odds point: an article sentence lost costs
   more than a footer kept); a short link, menu, URL or notice line needs
   ``link_min_score``.  A block between kept blocks (``fill_gap_blocks`` on each side)
   is kept unless clearly furniture.  A kept block that repeats an earlier one word for
   word is dropped once.

A page in which nothing looks like content, or in which no block is clearly furniture
(``clear_score``: an already cleaned page), is left alone, and documents too small to
be a page (or short records without a long block of prose) are not touched.  The
blocks, their per-block counts (words, stopwords, digits, capitals, commas) and cues,
the scores of the three stages and the decision are computed by a compiled module
(``cleaner._fast``, Cython) when it is built, else in numpy for the whole page at
once; both give the same numbers (``cleaner._fast.context`` says how a zero's sign may
differ, unseen by any score; the compiled scores take the C library's ``exp``, which
is numpy's on this machine, and may differ from it in the last bit elsewhere).  Only lines holding a separator, URL or notice cue, and short lines, are
looked at one by one.  Every span's reason names the features that fired and the scores.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import Any, Sequence

import numpy as np

from ..document import UNEXPLAINED, Block, Document, Span
from ..registry import register
from .base import BaseDetector, candidate_blocks, load_patterns

from .._compiled import fast
from ..lang import east_asian_chars, east_asian_share

GOOD, BAD = "good", "bad"

# Menu separators: a bar, bullet, guillemet, slash or dash between spaces, or a bar or
# bullet at either end of the line ("Home | News | Sport", "» Archive").
_SEPS = re.compile(r" [|·•»›>/\-] | :: |^\s*[|•·»›]|[|•·»›]\s*$")
# Every match of _SEPS holds one of these inside one line (a match's separator is a
# bar, bullet or guillemet, or " > ", " / ", " - ", " :: " between spaces, none of which
# spans a line break): a block none of whose lines holds one counts no separator, and
# _sparse_cues does not look at it, a block of joined lines included
# (tests/test_fast.py checks this on random pages).
_SEP_CHARS = ("|", "·", "•", "»", "›", " > ", " / ", " - ", "::")
# What may stand around a menu item ("» Archive", "Home |", "More...")
_NAV_STRIP = " \t.:…>»›<«‹|•·-–—!?()[]+*"
_SENT_END = frozenset(".!?…。！？")
_CLOSERS = frozenset("\"'”’»)]")
_SENT_END_CHARS, _CLOSER_CHARS = "".join(sorted(_SENT_END)), "".join(sorted(_CLOSERS))
#: scores are clipped to this (a logit): one block cannot outweigh its context forever
_ZCLIP = 8.0
#: substrings of a URL or an address: the URL count only runs on blocks holding one
_URL_CUES = ("http", "www.", ".com", "@")


_NL_CODE = {"\x00": 2}
_END = itemgetter(1)  # of a Block


@lru_cache(maxsize=None)
def _codes(lang: str) -> dict[str, int]:
    """Token -> 1 for the stopwords of ``lang`` (as written, capitalised and in
    capitals: the text is tokenised without lowering it), 2 for the NUL that stands
    for a line break."""
    out = {}
    for w in stoplist(lang):
        out[w] = out[w.capitalize()] = out[w.upper()] = 1
    out["\x00"] = 2
    return out


#: ``Document.memo`` key of per-line counts: (the text counted, its stop table, the
#: five per-line count arrays); see ``PageFurniture._counts_compiled``
_LINE_COUNTS = "page_furniture/line_counts"


@lru_cache(maxsize=None)
def _stop_table(lang: str) -> Any:
    """The stopword tokens of ``lang`` as :func:`_codes` writes them (as written,
    capitalised, in capitals), as the compiled counts' hash table.  Made from the
    stoplist directly: the compiled path never needs :func:`_codes`' dict, which would
    hold the same words again (~27 MB over all 81 languages)."""
    words: set[str] = set()
    for w in stoplist(lang):
        words.update((w, w.capitalize(), w.upper()))
    from .. import _fast

    return _fast.StopTable(words)


@lru_cache(maxsize=8)
def _nav_table(words: frozenset[str]) -> Any:
    """The link words as the compiled lookup table (``cleaner._fast.StopTable``)."""
    from .. import _fast

    return _fast.StopTable(words)


@lru_cache(maxsize=1)
def _weight_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w1, w2, w3 = _weights()
    return np.array(w1), np.array(w2), np.array(w3)


@lru_cache(maxsize=1)
def _weights_packed() -> np.ndarray:
    """The three stages' weights one after the other (``cleaner._fast.page_pass``)."""
    return np.concatenate(_weight_arrays())


def _dot(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``w @ X`` without BLAS: numpy hands a matrix-vector product to BLAS, whose
    threads burn CPU on a loaded machine for a product this small."""
    return np.einsum("i,ij->j", w, X)


def _shift(a: np.ndarray, k: int, fill: float) -> np.ndarray:
    """``a`` moved ``k`` places down (``k`` > 0: each row sees the row ``k`` above it),
    with ``fill`` past the ends."""
    out = np.full(len(a), fill)
    if k > 0:
        out[k:] = a[:-k] if k < len(a) else out[k:]
    elif k < 0:
        out[:k] = a[-k:] if -k < len(a) else out[:k]
    else:
        out[:] = a
    return out



@lru_cache(maxsize=1)
def _data() -> tuple[dict[str, str], tuple[str, ...], frozenset[str], frozenset[str], frozenset[str]]:
    ps = load_patterns("furniture")
    langs = {}
    for line in ps.get("languages"):
        code, _, name = line.partition(" ")
        langs[code.strip()] = name.strip()
    nav = set(ps.get("link_words"))
    for w in load_patterns("link_farm").get("nav_word"):
        # link_farm's list holds a few tiny regexes ("sports?"): expand the optional s
        if w.endswith("s?"):
            nav.update({w[:-2], w[:-1]})
        elif w.isascii() and all(c.isalnum() or c == " " for c in w):
            nav.add(w)
        else:
            nav.add(w)
    return (
        langs,
        ps.get("und"),
        frozenset(ps.get("cjk_function")),
        frozenset("".join(ps.get("end_punct"))),
        frozenset(nav),
    )


#: the bullets that open a list item (then a space): the round, square and small
#: bullets, the asterisk and the hyphen of plain-text lists
_BULLETS = "\u2022\u25cf\u25aa\u25e6\u2023\u2219\u00b7*-"

#: a line that ends with a colon, then (after at most one blank line) a line that opens
#: with "1." or "1)" or a bullet, and a space: where a list may be announced.  Anchored
#: on the colon at the line's end and on the item at the next line's start, so that it
#: is linear (one pass over the text, no nested repeat).
_LIST_AFTER_COLON = re.compile(r":[ \t]*\n(?:[ \t]*\n)?[ \t]*(?:1[.)]|[" + re.escape(_BULLETS) + r"])[ \t]")


def _item_bullet(text: str, a: int, b: int) -> str:
    """The bullet that opens ``text[a:b]`` as a list item (one of ``_BULLETS``, after at
    most a few spaces, then a space), or "".

    >>> _item_bullet("\u2022 Salt", 0, 6), _item_bullet("  - two eggs", 0, 12), _item_bullet("-5 degrees", 0, 10)
    ('\u2022', '-', '')
    """
    i = a
    while i < b and text[i] in " \t":
        i += 1
    if i + 1 < b and text[i] in _BULLETS and text[i + 1] in " \t":
        return text[i]
    return ""


def _item_number(text: str, a: int, b: int) -> int:
    """The number that opens ``text[a:b]`` as a list item, ``1.`` or ``1)`` and a space
    after at most a few spaces (1 to 999), or 0.

    >>> _item_number("12. Twelve", 0, 10), _item_number(" 3) three", 0, 9), _item_number("1990. A year", 0, 12)
    (12, 3, 0)
    >>> _item_number("1.5 litres", 0, 10), _item_number("2.", 0, 2)
    (0, 0)
    """
    i = a
    while i < b and text[i] in " \t":
        i += 1
    j = i
    while j < b and j - i < 4 and "0" <= text[j] <= "9":
        j += 1
    if not 1 <= j - i <= 3 or j + 1 >= b or text[j] not in ".)" or text[j + 1] not in " \t":
        return 0
    return int(text[i:j])


@lru_cache(maxsize=1)
def _code_marks() -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """``(triggers, line ends, line starts)`` of ``cleaner/data/code_lines.txt``: a line
    of code ends with one of the ends or opens with one of the starts, and holds it, so
    the triggers (both, as one tuple) find every candidate line."""
    ps = load_patterns("code_lines")
    ends, opens = "".join(ps.get("line_end")), tuple(ps.get("line_start"))
    return tuple(dict.fromkeys([*ends, *opens])), ends, opens


#: the languages whose stoplists read Chinese, Japanese, Korean or Thai words
#: (:meth:`PageFurniture._keep_unread` keeps such blocks in a document in any other)
_READS_EAST_ASIAN = frozenset({"zh", "ja", "ko", "th"})


@lru_cache(maxsize=None)
def stoplist(lang: str) -> frozenset[str]:
    """jusText's stoplist for an ISO 639-1 code (lowercase words); the union of the big
    European lists for a language jusText does not cover."""
    import justext

    langs, und, _, _, _ = _data()
    names = [langs[lang]] if lang in langs else list(und)
    words: set[str] = set()
    for name in names:
        try:
            words.update(w.lower() for w in justext.get_stoplist(name))
        except (ValueError, LookupError, OSError):  # pragma: no cover - list missing
            continue
    return frozenset(words)


@lru_cache(maxsize=1)
def _cue_triggers() -> tuple[str, ...]:
    """Notice cues (``[notice_cues]``): a block that is not prose and holds one is a
    notice (copyright, cookie consent, sign-up box), whatever the notice detectors decide."""
    return load_patterns("furniture").get("notice_cues")


class _Para:
    """A block of one or more lines (wrapped prose re-joined) and its features."""

    __slots__ = ("first", "last", "start", "end", "chars", "words", "stop", "density", "z1", "z2", "cf",
                 "cls", "why")

    def __init__(self, first: int, last: int, start: int, end: int) -> None:
        self.first, self.last, self.start, self.end = first, last, start, end
        self.why: list[str] = []


#: names of the stage-1 features, the columns of ``_features``' matrix
STAGE1 = ("bias", "len", "short", "long", "density", "density_long", "stops", "end_punct", "title",
          "digits", "urls", "menu", "seps", "nav", "cue", "pos", "one_word", "lower_start", "colon_end",
          "prev_len", "next_len", "prev_density_long", "next_density_long", "prev_bad", "next_bad",
          "win_stops", "doc_share", "dup", "commas", "short_end_punct", "short_title", "short_win_stops",
          "long_end_punct")
#: names of the context features (stages 2 and 3), the columns of ``_context``'s matrix
STAGE2 = ("bias", "z", "zp1", "zn1", "zp2", "zn2", "zmax3", "pmean5", "run_share", "in_main",
          "before_main", "after_main", "header", "short", "end_punct", "dist_main", "zrel")


#: rows of the stage-1 matrix that ``cleaner._fast.page_pass`` leaves holding the argument of
#: their ``log1p`` (len, stops, prev_len, next_len, win_stops, short_win_stops)
_LOG_ROWS = tuple(STAGE1.index(k) for k in ("len", "stops", "prev_len", "next_len", "win_stops", "short_win_stops"))
#: the rows whose logarithms make all of _LOG_ROWS (cleaner._fast.page_pass, which
#: knows these places: the check below stops a reordering of STAGE1 from misplacing them)
_LOG_SOURCES = [STAGE1.index(k) for k in ("len", "stops", "win_stops")]
if _LOG_ROWS != (1, 6, 19, 20, 25, 31) or STAGE1.index("short") != 2:  # pragma: no cover
    raise ImportError("STAGE1's order changed: update cleaner._fast._stage1_into and _spread_into")


@lru_cache(maxsize=1)
def _weights() -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """The learned weights of the three stages (``cleaner/data/furniture_weights.txt``)."""
    ps = load_patterns("furniture_weights")
    out = []
    for sec, names in (("stage1", STAGE1), ("stage2", STAGE2), ("stage3", STAGE2)):
        w = {}
        for line in ps.get(sec):
            k, _, v = line.partition(" ")
            w[k] = float(v)
        if set(w) != set(names):
            raise ValueError(f"furniture_weights.txt [{sec}]: features {sorted(set(w) ^ set(names))} differ")
        out.append(tuple(w[k] for k in names))
    return out[0], out[1], out[2]


@register("page_furniture")
class PageFurniture(BaseDetector):
    """Page furniture in plain text: menus, teasers, share rows, comment forms, footers."""

    #: below this many characters a block is "short" (jusText: 70); a feature of both stages
    length_low = 70
    #: at least this many characters is a "long" block (jusText: 200)
    length_high = 200
    #: the same for Chinese/Japanese, in characters
    cjk_length_low = 25
    cjk_length_high = 70
    #: a block is kept when its final score (a logit) is at least this.  The weights
    #: are learned for the balance of errors; the threshold sits below 0 on purpose
    #: (precision first: an article sentence lost costs more than a footer kept)
    min_score = -0.6
    #: ... and a short block that is a link word, a menu, URLs or a notice at least this
    link_min_score = 0.0
    #: a page is only changed when at least one block scores below this (clearly
    #: furniture); otherwise its doubtful blocks are left alone (an already cleaned
    #: page: a second pass over the output finds nothing to remove)
    clear_score = -3.0
    #: a block at most this many blocks from kept blocks on both sides is kept too ...
    fill_gap_blocks = 3
    #: ... unless its score is below this (clearly furniture)
    fill_min_score = -2.0
    #: re-join a line into the next when it is at least this long and does not end a sentence
    wrap_min_chars = 40
    #: runs of likely content (stage 2's "main text"): at most this many other blocks inside one run
    max_gap_blocks = 3
    #: kept blocks of at least this many words that repeat an earlier one are removed
    repeat_min_words = 12
    #: a record without a long block of prose is only judged when it has at least this
    #: many blocks; a short record of short lines (a note, a poem, a list) is left alone
    seed_min_blocks = 12
    #: documents with fewer blocks are not pages: left alone
    min_blocks = 4
    #: a list (numbered 1, 2, 3 ... or with one bullet) of at least this many items, right
    #: below a kept line of at least ``list_lead_words`` words that ends with a colon, is
    #: kept whole (:meth:`_keep_announced_lists`)
    list_min_items = 3
    list_lead_words = 4
    #: a run of at least this many lines of code (``cleaner/data/code_lines.txt``), with
    #: at most ``code_run_gap`` other lines between two of them, is kept whole when any
    #: of its lines is kept (:meth:`_keep_code_runs`)
    code_run_lines = 4
    code_run_gap = 2
    #: in a document read in a language other than Chinese, Japanese, Korean or Thai, a
    #: block of prose length at least this share of whose non-blank characters are in
    #: those scripts is kept (:meth:`_keep_unread`)
    unread_script_share = 0.5

    def __init__(self, enabled: bool = True, **params: object) -> None:
        for k, v in params.items():
            if not hasattr(type(self), k) or k.startswith("_"):
                raise TypeError(f"page_furniture: unknown parameter {k!r}")
            setattr(self, k, v)
        self._langs, _, self._cjk, self._end, self._nav = _data()
        # sentence-end characters as a lookup table over the BMP (one fancy index a page)
        self._end_lut = np.zeros(0x10000, dtype=bool)
        self._end_lut[[ord(c) for c in self._end if ord(c) < 0x10000]] = True
        self._end_lut_u8 = self._end_lut.view(np.uint8)  # (as the compiled module reads it)
        self._cues = _cue_triggers()

    # ------------------------------------------------------------------ stage 0
    def _group(self, doc: Document, stop: frozenset[str], cjk: bool) -> tuple[list[int], list[int]]:
        """Blocks: lines, with hard-wrapped prose re-joined.  Returns the first and last
        line (index into ``doc.blocks``) of every block.  Only lines long enough to be
        wrapped and not closing a sentence are looked at twice."""
        blocks: Sequence[Block] = doc.blocks
        n = len(blocks)
        if cjk:
            r = list(range(n))
            return r, r
        text = doc.text
        wrap = self.wrap_min_chars
        f = fast()
        if f is not None:  # the whole test below, compiled (no string made per line)
            links = f.wrap_links(blocks, text, wrap, _SENT_END_CHARS, _CLOSER_CHARS, stop)
        else:
            links = self._wrap_links(blocks, text, wrap, stop)
        if not links:
            r = list(range(n))
            return r, r
        if f is not None:
            return f.groups(n, links)
        # a block ends at each line not joined to the next (the last line never is: a
        # link j is below n - 1), and the next block starts on the line after it
        ends = np.ones(n, dtype=bool)
        ends[links] = False
        lasts = np.flatnonzero(ends).tolist()
        firsts = [0]
        firsts += [k + 1 for k in lasts[:-1]]
        return firsts, lasts

    @staticmethod
    def _wrap_links(blocks: Sequence[Block], text: str, wrap: int, stop: frozenset[str]) -> list[int]:
        """The lines joined to the next one (``cleaner._fast.wrap_links`` gives the same,
        compiled): long enough and not ending a sentence, no blank line between, the
        next line starting lowercase or this one ending on a comma, dash or function
        word, and the next line reading as text."""
        links = []
        for j in [j for j in range(len(blocks) - 1) if blocks[j].end - blocks[j].start >= wrap]:
            a = blocks[j].text.rstrip()
            if len(a) < wrap or not a or a[-1] in _SENT_END or (a[-1] in _CLOSERS and a[-2:-1] in _SENT_END):
                continue
            nb = blocks[j + 1]
            # a blank line between them ends the paragraph
            if nb.start - blocks[j].end > 1 and text.count("\n", blocks[j].end, nb.start) > 1:
                continue
            b = nb.text.lstrip()
            if not b:
                continue
            last = a.rsplit(None, 1)[-1].lower()
            if not (b[0].islower() or a[-1] in ",-–;" or (last in stop and len(a) >= wrap + 20)):
                continue
            # the next line must read as text, not as a one-word menu item
            if " | " in a or " | " in b or (b[-1] not in _SENT_END and len(b.split()) < 3):
                continue
            links.append(j)
        return links

    # ------------------------------------------------------------------ stage 1
    def _counts(self, doc: Document, sa: np.ndarray, ea: np.ndarray, cjk: bool) -> tuple[np.ndarray, ...]:
        """Per block: words, stopwords (function characters for Chinese and Japanese),
        digits, capitals at a word's start, commas, and the code points of its first and
        last three characters; counted over the whole text at once (one ``str.split``,
        code-point arrays, per-line sums in numpy).  The compiled ``block_counts``
        (``cleaner._fast``) returns the same integers for text that is not CJK."""
        text = doc.text
        # per raw line (text split at "\n") sums, then per block by prefix sums
        cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        nl = cp == 10
        nlines = int(nl.sum()) + 1
        nlpos = np.flatnonzero(nl)
        rl_first = np.searchsorted(nlpos, sa)
        rl_last = np.searchsorted(nlpos, ea - 1)

        def per_block(line_counts: np.ndarray) -> np.ndarray:
            acc = np.concatenate(([0.0], np.cumsum(line_counts)))
            return acc[rl_last + 1] - acc[rl_first]

        # whitespace-separated words, a NUL for each line break (str.split: several
        # times faster than a regex); a stopword with punctuation attached ("the,")
        # is not counted, which the learned weights take into account
        toks = (text.replace("\x00", " ") if "\x00" in text else text).replace("\n", " \x00 ").split()
        # bytes(map(...)): the fastest way from a C-level map to a numpy array
        code = np.frombuffer(bytes(map((_NL_CODE if cjk else _codes(doc.lang)).get, toks, repeat(0))), np.int8)
        is_nl = code == 2
        tline = np.cumsum(is_nl)
        words = per_block(np.bincount(tline[~is_nl], minlength=nlines))
        lines_of_chars = np.cumsum(nl)
        if cjk:
            func = np.fromiter(map(ord, "".join(self._cjk)), np.uint32)
            stops = per_block(np.bincount(lines_of_chars[np.isin(cp, func)], minlength=nlines))
        else:
            stops = per_block(np.bincount(tline[code == 1], minlength=nlines))
        digit_chars = per_block(np.bincount(lines_of_chars[(cp >= 48) & (cp <= 57)], minlength=nlines))
        # capitalised words: an upper-case letter (Latin, Latin-1, Cyrillic) after a space
        start_word = np.empty(len(cp), dtype=bool)
        start_word[:1] = True
        start_word[1:] = (cp[:-1] == 32) | nl[:-1]
        capital = start_word & (((cp >= 65) & (cp <= 90)) | ((cp >= 192) & (cp <= 222) & (cp != 215))
                                | ((cp >= 0x410) & (cp <= 0x42F)))
        titles = per_block(np.bincount(lines_of_chars[capital], minlength=nlines))
        commas = per_block(np.bincount(lines_of_chars[cp == 44], minlength=nlines))
        return (words, stops, digit_chars, titles, commas, cp[sa], cp[ea - 1], cp[np.maximum(ea - 2, 0)],
                cp[np.maximum(ea - 3, 0)])

    def _features(self, doc: Document, pg: "_Page", stop: frozenset[str], cjk: bool) -> np.ndarray:
        """The raw features of every block, then the stage-1 matrix (``STAGE1``: one row
        a feature, one column a block; the block itself, its two neighbours and a window
        of three on each side).  Only the few blocks that hold a separator, a URL cue or
        a notice cue (:meth:`_sparse_cues`), and the short ones (link words), are looked
        at one by one.  Text that is not Chinese or Japanese goes through the compiled
        :meth:`_pass_compiled` when ``cleaner._fast`` is built; this numpy path (with
        :meth:`_counts`) gives the same numbers."""
        text = doc.text
        low = doc.lower
        lo, hi = (self.cjk_length_low, self.cjk_length_high) if cjk else (self.length_low, self.length_high)
        first, last = pg.first, pg.last
        m = len(first)
        f = fast()
        if f is not None and not cjk:
            return self._pass_compiled(f, doc, pg, decide=False)[0]
        starts, ends = self._bounds(doc, pg)
        seps, urls, cue = self._sparse_cues(doc, starts, ends, first, last)
        sa, ea = np.array(starts), np.array(ends)
        words, stops, digit_chars, titles, commas, f, last_cp, last2, last3 = self._counts(doc, sa, ea, cjk)
        chars = ea - sa
        endp = self._end_lut[np.minimum(last_cp, 0xFFFF)]
        colon = last_cp == 58
        # lower-case first letter (Latin, Latin-1, Cyrillic)
        lower = ((f >= 97) & (f <= 122)) | ((f >= 223) & (f <= 255) & (f != 247)) | ((f >= 0x430) & (f <= 0x45F))
        # link words: whole short lines, not ending a sentence ("Home." in dialogue)
        # (a line ending in "." "!" or "?" is not one, unless it ends in "...")
        nav = np.zeros(m, dtype=bool)
        dots = (ea >= 3) & (last_cp == 46) & (last2 == 46) & (last3 == 46)
        ends_sentence = ((last_cp == 46) | (last_cp == 33) | (last_cp == 63)) & ~dots
        ks = np.flatnonzero((chars <= 40) & ~ends_sentence)
        if len(ks):
            items = map(low.__getitem__, map(slice, sa[ks].tolist(), ea[ks].tolist()))
            nav[ks] = np.fromiter(map(self._nav.__contains__, map(str.strip, items, repeat(_NAV_STRIP))), bool, len(ks))
        # blocks whose text occurs more than once in the page (a menu printed twice)
        keys = list(map(text.__getitem__, map(slice, starts, ends)))
        seen = Counter(keys)
        if len(seen) < m:
            dup = np.fromiter(map(seen.__getitem__, keys), np.int64, m) > 1
        else:
            dup = np.zeros(m, dtype=bool)
        nw1 = np.maximum(words, 1.0)
        if cjk:
            dens = 5.0 * stops / np.maximum(chars, 1)
        else:
            dens = stops / nw1
        title = titles / nw1
        digits = digit_chars / np.maximum(chars, 1)
        menu = (seps >= 2) & (words <= 8 * seps)
        heading = (chars <= hi) & ~endp & (seps == 0) & ~nav
        pg.chars, pg.words, pg.stop, pg.density = chars, words, stops, dens
        pg.title, pg.digits, pg.urls, pg.seps = title, digits, urls, seps
        pg.nav, pg.cue, pg.menu, pg.endp, pg.heading = nav, cue, menu, endp, heading
        length = np.log1p(chars)
        short = chars < lo
        dlong = np.where(short, 0.0, dens)
        badish = (nav | menu | (urls > 0)).astype(float)
        # stopwords in a window of three blocks on each side (prefix sums)
        acc = np.concatenate(([0.0], np.cumsum(stops)))
        idx = np.arange(m)
        win = acc[np.minimum(m, idx + 4)] - acc[np.maximum(0, idx - 3)] - stops
        X = np.empty((len(STAGE1), m))  # one row a feature (contiguous writes)
        X[0] = 1.0
        X[1] = length
        X[2] = short
        X[3] = chars >= hi
        X[4] = dens
        X[5] = dlong
        X[6] = np.log1p(stops)
        X[7] = endp
        X[8] = title
        X[9] = digits
        X[10] = np.minimum(1.0, 3.0 * urls / nw1)
        X[11] = menu
        X[12] = np.minimum(seps, 3.0) / 3.0
        X[13] = nav
        X[14] = cue
        X[15] = idx / max(m - 1, 1)
        X[16] = words == 1
        X[17] = lower
        X[18] = colon
        X[19] = _shift(length, 1, 0.0)
        X[20] = _shift(length, -1, 0.0)
        X[21] = _shift(dlong, 1, 0.0)
        X[22] = _shift(dlong, -1, 0.0)
        X[23] = _shift(badish, 1, 1.0)
        X[24] = _shift(badish, -1, 1.0)
        X[25] = np.log1p(win)
        X[26] = stops / (stops.max() or 1.0)
        X[27] = dup
        X[28] = np.minimum(1.0, commas / nw1 * 5)
        X[29] = short & endp
        X[30] = short * title
        X[31] = short * X[25]
        X[32] = (chars >= hi) & endp
        return X

    def _bounds(self, doc: Document, pg: "_Page") -> tuple[list[int], list[int]]:
        """The start of each block's first line and the end of its last (``pg.start``,
        ``pg.end``)."""
        blocks = doc.blocks
        first, last = pg.first, pg.last
        f = fast()
        if len(first) == len(blocks):
            starts = doc.block_starts()  # (made once a document: the trigger scan's)
            ends = list(map(_END, blocks))
        elif f is not None:
            starts, ends = f.bounds(blocks, first, last)
        else:
            starts = [blocks[i].start for i in first]
            ends = [blocks[i].end for i in last]
        pg.start, pg.end = starts, ends
        return starts, ends

    def _sparse_cues(self, doc: Document, starts: list[int], ends: list[int], first: list[int],
                     last: list[int], out: "tuple[np.ndarray, np.ndarray, np.ndarray] | None" = None,
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Menu separators, URL cues and notice cues per block: only the blocks that hold
        a separator character, a URL cue or a notice cue (one Aho-Corasick pass over the
        document, :func:`candidate_blocks`) are looked at.  ``out``: zeroed arrays to
        fill (seps, urls, and the cue flags as bytes), with the compiled module only."""
        text, low = doc.text, doc.lower
        m = len(first)
        f = fast()
        if f is not None:  # the same arrays, in one compiled call (cleaner._fast.sparse_cues)
            if out is None:
                seps, urls, cue = np.zeros(m), np.zeros(m), np.zeros(m, dtype=bool)
                cue_bytes = cue.view(np.uint8)
            else:
                seps, urls, cue_bytes = out
                cue = cue_bytes
            f.sparse_cues(text, low, starts, ends, first, last, candidate_blocks(doc, _SEP_CHARS),
                          candidate_blocks(doc, _URL_CUES), candidate_blocks(doc, self._cues) if self._cues else (),
                          seps, urls, cue_bytes)
            return seps, urls, cue
        seps = np.zeros(m)
        urls = np.zeros(m)
        cue = np.zeros(m, dtype=bool)
        # line index -> block index (they differ once wrapped lines are joined)
        if m == len(doc.blocks):
            para_of = None
        else:
            para_of = np.repeat(np.arange(m), np.array(last) - np.array(first) + 1).tolist()
        seps_of = _SEPS.findall
        cand = set(candidate_blocks(doc, _SEP_CHARS))
        if para_of is not None:
            cand = {para_of[i] for i in cand}
        for k in cand:
            seps[k] = len(seps_of(text[starts[k] : ends[k]]))
        cand = set(candidate_blocks(doc, _URL_CUES))
        for k in (cand if para_of is None else {para_of[i] for i in cand}):
            s = low[starts[k] : ends[k]]
            urls[k] = s.count("http") + s.count("www.") + s.count(".com") + s.count("@")
        if self._cues:
            for i in candidate_blocks(doc, self._cues):
                cue[i if para_of is None else para_of[i]] = True
        return seps, urls, cue

    def _pass_compiled(self, f: Any, doc: Document, pg: "_Page", decide: bool) -> tuple[np.ndarray, int]:
        """:meth:`_features` for text that is not Chinese or Japanese, through
        ``cleaner._fast``, and with ``decide`` the rest of :meth:`_analyse`'s work too:
        the counts (``block_counts``, or the first pass's carried, :meth:`_counts_compiled`)
        and the sparse cues, then one call (``page_pass``) for the link-word and
        duplicate flags, the stage-1 matrix and its logarithms (numpy's), the seed rule,
        the three stages' scores and the decision, instead of about a hundred numpy
        operations on short arrays and a dozen compiled calls (most of a short record's
        cost).  The same numbers as the numpy path (``tests/test_fast.py``).

        Returns the stage-1 matrix and ``page_pass``'s verdict: 0 (features only), 1 or 2
        (the page is left alone: the seed rule, or no block clearly furniture), 3
        (``pg.keep`` holds the decision, :meth:`_repeats` applied)."""
        starts, ends = self._bounds(doc, pg)
        m = len(starts)
        S = np.zeros((2, m))  # seps, urls
        G = np.zeros((7, m), dtype=bool)  # nav, menu, endp, heading, keep, shared, cue
        Gb = G.view(np.uint8)
        self._sparse_cues(doc, starts, ends, pg.first, pg.last, (S[0], S[1], Gb[6]))
        counts = self._counts_compiled(f, doc, pg)
        F = np.empty((54, m))  # stage 1 (0-32), z1, z3, stage-3 context (35-51), words, stopwords
        chars = np.empty(m, dtype=np.int64)
        verdict = f.page_pass(counts, doc.lower, doc.text, starts, ends, S, Gb, F, chars, np.empty((3, m)), np.log1p,
                              _nav_table(self._nav), _NAV_STRIP, self._end_lut_u8, _weights_packed(), self.length_low,
                              self.length_high, self.max_gap_blocks, -_ZCLIP / 2, _ZCLIP, self.seed_min_blocks,
                              self.clear_score, self.min_score, self.link_min_score, self.fill_gap_blocks,
                              self.fill_min_score, float(self.repeat_min_words), decide)
        X = F[:33]
        pg.chars, pg.words, pg.stop, pg.density = chars, F[52], F[53], F[4]
        pg.title, pg.digits, pg.urls, pg.seps = F[8], F[9], S[1], S[0]
        pg.nav, pg.cue, pg.menu, pg.endp, pg.heading = G[0], G[6], G[1], G[2], G[3]
        pg.packed = (F, Gb, S)
        if verdict == 3:
            pg.z1, pg.z3, pg.x3 = F[33], F[34], F[35:52]
            pg.keep = G[4]
            shared = G[5]
            if shared.any():
                self._repeats(doc, pg, np.flatnonzero(shared))
        return X, verdict

    @staticmethod
    def _counts_compiled(f: Any, doc: Document, pg: "_Page") -> tuple[Any, ...]:
        """``block_counts`` of the blocks, made per line in the first pass and kept in
        ``doc.memo``: a later pass of the pipeline over whole lines of the first text
        (``Document._kept_from``), in the same language, sums the first pass's counts of
        its lines instead of reading them again (``cleaner._fast.carried_counts``: the
        same numbers; only each block's first and last three characters are read)."""
        text, starts, ends = doc.text, pg.start, pg.end
        table = _stop_table(doc.lang)
        memo = doc.memo
        origin = doc._kept_from
        if origin is not None:
            held = memo.get(_LINE_COUNTS)
            # (counted on that very text, with the same stopwords)
            if held is not None and held[0] is origin[0] and held[1] is table:
                return f.carried_counts(text, starts, ends, pg.first, pg.last, origin[1], held[2])
            return f.block_counts(text, starts, ends, table)
        blocks = doc.blocks
        if len(starts) == len(blocks):  # a block a line
            counts = f.block_counts(text, starts, ends, table)
            lines = counts[:5]
        else:  # wrapped lines joined: counted per line, summed per block
            lines = f.block_counts(text, doc.block_starts(), list(map(_END, blocks)), table)[:5]
            counts = f.carried_counts(text, starts, ends, pg.first, pg.last, None, lines)
        memo[_LINE_COUNTS] = (text, table, lines)
        return counts

    @staticmethod
    def _score1(X1: np.ndarray) -> np.ndarray:
        """Stage 1: a logistic regression over the columns of ``X1`` (logits, clipped)."""
        return np.clip(_dot(_weight_arrays()[0], X1), -_ZCLIP, _ZCLIP)

    # ------------------------------------------------------------------ stage 2
    def _context(self, pg: "_Page", z: np.ndarray) -> np.ndarray:
        """Context features of every block (``STAGE2``, one row a feature, one column a
        block): its score ``z`` (of the stage before) among its neighbours' and its place relative to the main text (the run
        of likely content with the most stopwords)."""
        m = len(z)
        edge = -_ZCLIP / 2
        pr = 1.0 / (1.0 + np.exp(-z))
        f = fast()
        if f is not None:  # the same numbers, in one compiled pass (cleaner._fast.context)
            X = np.empty((len(STAGE2), m))
            f.context(np.ascontiguousarray(z), pr, np.ascontiguousarray(pg.stop, dtype=np.float64),
                      pg.heading.view(np.uint8), np.ascontiguousarray(pg.chars, dtype=np.int64),
                      pg.endp.view(np.uint8), self.max_gap_blocks, self.length_low, edge, X)
            return X
        likely = z >= 0.0
        # runs of likely content, with at most max_gap_blocks other blocks inside
        run_of = np.zeros(m)
        ma, mb = m, -1
        where = np.flatnonzero(likely)
        if len(where):
            cut = np.flatnonzero(np.diff(where) - 1 > self.max_gap_blocks)
            starts = where[np.concatenate(([0], cut + 1))]
            ends = where[np.concatenate((cut, [len(where) - 1]))]
            acc = np.concatenate(([0.0], np.cumsum(pg.stop * likely)))
            mass = acc[ends + 1] - acc[starts]
            top = mass.max() or 1.0
            k = int(np.argmax(mass))
            ma, mb = int(starts[k]), int(ends[k])
            delta = np.zeros(m + 1)
            share = mass / top
            np.add.at(delta, starts, share)
            np.add.at(delta, ends + 1, -share)
            run_of = np.cumsum(delta[:m])
        idx = np.arange(m)
        pad = np.full(3, edge)
        zz = np.concatenate((pad, z, pad))  # zz[3 + i - k] is the score k blocks above i
        zp1, zn1, zp2, zn2 = zz[2 : 2 + m], zz[4 : 4 + m], zz[1 : 1 + m], zz[5 : 5 + m]
        zmax = np.maximum(np.maximum(np.maximum(zp1, zn1), np.maximum(zp2, zn2)),
                          np.maximum(zz[:m], zz[6 : 6 + m]))
        acc = np.concatenate(([0.0], np.cumsum(pr)))
        lo5, hi5 = np.maximum(0, idx - 5), np.minimum(m, idx + 6)
        pmean = (acc[hi5] - acc[lo5] - pr) / np.maximum(1, hi5 - lo5 - 1)
        inside = (idx >= ma) & (idx <= mb)
        before, after = idx < ma, idx > mb
        dist = np.where(inside, 0, np.where(before, ma - idx, idx - mb))
        X = np.empty((len(STAGE2), m))
        X[0] = 1.0
        X[1] = z
        X[2] = zp1
        X[3] = zn1
        X[4] = zp2
        X[5] = zn2
        X[6] = zmax
        X[7] = pmean
        X[8] = run_of
        X[9] = inside
        X[10] = before
        X[11] = after
        X[12] = pg.heading & (idx >= ma - 4) & before
        X[13] = pg.chars < self.length_low
        X[14] = pg.endp
        X[15] = np.minimum(dist, 20) / 20.0
        X[16] = z - z.max()
        return X

    def _score2(self, pg: "_Page", X1: np.ndarray) -> None:
        """Stages 1 to 3: the block score, then two logistic regressions over the
        context features of the stage before (``STAGE2``); :meth:`_decide` reads the
        stage-3 scores."""
        f = fast()
        if f is not None:  # the same numbers, in one compiled call (cleaner._fast.page_scores)
            m = X1.shape[1]
            pg.z1, pg.z3, pg.x3 = np.empty(m), np.empty(m), np.empty((len(STAGE2), m))
            f.page_scores(X1, *_weight_arrays(), np.ascontiguousarray(pg.stop, dtype=np.float64),
                          pg.heading.view(np.uint8), np.ascontiguousarray(pg.chars, dtype=np.int64),
                          pg.endp.view(np.uint8), self.max_gap_blocks, self.length_low, -_ZCLIP / 2, _ZCLIP,
                          pg.z1, pg.z3, pg.x3)
            return
        _, w2, w3 = _weight_arrays()
        pg.z1 = z1 = self._score1(X1)
        z2 = np.clip(_dot(w2, self._context(pg, z1)), -_ZCLIP, _ZCLIP)
        pg.x3 = X3 = self._context(pg, z2)
        pg.z3 = _dot(w3, X3)

    def _decide(self, pg: "_Page") -> None:
        """The decision on the stage-3 scores: a block is kept when its score is at least
        ``min_score``, and a short link, menu, URL or notice line when it is at least
        ``link_min_score``."""
        z3 = pg.z3
        cue = (pg.chars < self.length_low) & (pg.nav | pg.menu | pg.cue | (pg.urls * 3 >= np.maximum(pg.words, 1)))
        pg.keep = (z3 >= self.min_score) & ~(cue & (z3 < self.link_min_score))

    def _fill(self, pg: "_Page") -> None:
        """Precision first: a block between kept blocks (at most ``fill_gap_blocks``
        away on each side) is kept unless its score is clearly furniture or it is a
        link, a menu, a URL or a notice (a short line of dialogue, a poem's line, a
        caption, a sub-heading inside the article)."""
        g = self.fill_gap_blocks
        if g <= 0:
            return
        keep = pg.keep
        m = len(keep)
        kept = np.flatnonzero(keep)
        if len(kept) < 2:
            return
        idx = np.arange(m)
        k = np.searchsorted(kept, idx)  # the first kept block at or after each block
        nxt = kept[np.minimum(k, len(kept) - 1)]
        prv = kept[np.maximum(k - 1, 0)]
        ok = (~keep & (k > 0) & (k < len(kept)) & (idx - prv <= g) & (nxt - idx <= g)
              & (pg.z3 >= self.fill_min_score) & ~(pg.nav | pg.menu | pg.cue | (pg.urls > 0)))
        keep |= ok

    def _repeats(self, doc: Document, pg: "_Page", shared: np.ndarray | None = None) -> None:
        """A kept block that repeats an earlier kept block word for word (a headline
        or a whole article printed twice by the template) goes: one copy stays.
        ``shared``: the kept blocks of at least ``repeat_min_words`` words whose counts
        of words and stopwords another such block has, when the caller knows them
        (``cleaner._fast.page_decide``)."""
        text = doc.text
        if shared is None:
            sel = np.flatnonzero(pg.keep & (pg.words >= self.repeat_min_words))
            if len(sel) < 2:
                return
            # Two blocks with the same words have the same counts of words and of
            # stopwords: only blocks that share both can repeat each other (most pages
            # have none).
            sig = Counter(zip(pg.words[sel].tolist(), pg.stop[sel].tolist()))
            if len(sig) == len(sel):
                return
            shared = sel[[sig[w, s] >= 2 for w, s in zip(pg.words[sel].tolist(), pg.stop[sel].tolist())]]
        seen: dict[str, int] = {}
        for i in shared.tolist():
            key = " ".join(text[pg.start[i] : pg.end[i]].split())
            j = seen.setdefault(key, i)
            if j != i:
                pg.keep[i] = False
                pg.repeats[i] = j

    def _keep_whole(self, doc: Document, pg: "_Page", cjk: bool) -> None:
        """Keep the blocks the classifier cannot judge line by line: text in a script
        the page's stoplist cannot read (:meth:`_keep_unread`, for a page not read as
        Chinese or Japanese), listings of code (:meth:`_keep_code_runs`) and lists that
        a kept line announces (:meth:`_keep_announced_lists`).  Called by
        :meth:`_settle` once the page is judged and not left alone."""
        if not cjk:
            self._keep_unread(doc, pg)
        self._keep_code_runs(doc, pg)
        self._keep_announced_lists(doc, pg)

    def _keep_announced_lists(self, doc: Document, pg: "_Page") -> None:
        """Keep the items of a list that a kept line announces.  The announcement is a
        block that ends with a colon and holds at least ``list_lead_words`` words ("The
        signatories, in alphabetical order:", "The current connector does at least:"),
        kept.  Right below it (a blank line between is allowed) come at least
        ``list_min_items`` blocks that open with 1, 2, 3 ... in order (``1.`` or ``1)``
        and a space), or that all open with the same bullet (``_BULLETS`` and a space).
        The classifier read such items (a name and a title, a step, a feature) as short
        lines without stopwords, and dropped some of them from the article that
        announced them.
        The anchors: the colon, the lead's words, and the numbering from 1 or the one
        bullet.  A sidebar's list sits under a heading the classifier removes, or under
        a short one ("Related posts:", two words), and a list numbered out of order is
        judged line by line as before.  Only the places where a colon ends a line and
        an item opens the next are looked at (one search of the text)."""
        text = doc.text
        if ":" not in text:
            return
        keep, start, end, repeats = pg.keep, pg.start, pg.end, pg.repeats
        least, words = self.list_min_items, self.list_lead_words
        n = len(start)
        for m in _LIST_AFTER_COLON.finditer(text):
            i = bisect_right(start, m.start()) - 1  # the block of the colon
            if i < 0 or not keep[i]:
                continue
            lead = text[start[i] : end[i]].rstrip()
            if lead[-1:] != ":" or len(lead.split()) < words:
                continue
            j = i + 1
            bullet = _item_bullet(text, start[j], end[j]) if j < n else ""
            if bullet:
                while j < n and _item_bullet(text, start[j], end[j]) == bullet:
                    j += 1
            else:
                want = 1
                while j < n and _item_number(text, start[j], end[j]) == want:
                    j, want = j + 1, want + 1
            if j - i - 1 >= least:
                for k in range(i + 1, j):
                    if k not in repeats:
                        keep[k] = True

    def _keep_code_runs(self, doc: Document, pg: "_Page") -> None:
        """Keep whole every listing of code that the classifier kept in part.  A block
        is a line of code when, stripped, it ends with a ``[line_end]`` character or
        opens with a ``[line_start]`` string (``cleaner/data/code_lines.txt``).  A run is
        ``code_run_lines`` or more of them with at most ``code_run_gap`` other blocks
        between two (a signature line, ``#include <stdio.h>``); when any block from its
        first line of code to its last is kept, all are, except a word-for-word repeat
        (:meth:`_repeats`).  The classifier reads short lines without stopwords as
        furniture, so it kept a listing's long lines and dropped its braces and
        statements: the code came out broken.  A run with no line kept (an analytics
        snippet in a footer) stays removed.  Only the lines that hold a trigger (the
        shared scan) are looked at."""
        triggers, ends, opens = _code_marks()
        lines = candidate_blocks(doc, triggers)
        if len(lines) < self.code_run_lines:
            return
        text, first, start, end = doc.text, pg.first, pg.start, pg.end
        code: list[int] = []  # page blocks that are lines of code, in order
        for i in dict.fromkeys(bisect_right(first, k) - 1 for k in lines):
            if i < 0:
                continue  # (a line before the first block: none of the page's)
            t = text[start[i] : end[i]].strip()
            if t and (t[-1] in ends or t.startswith(opens)):
                code.append(i)
        keep, repeats, gap, least = pg.keep, pg.repeats, self.code_run_gap, self.code_run_lines
        a = 0
        while a < len(code):
            b = a
            while b + 1 < len(code) and code[b + 1] - code[b] <= gap + 1:
                b += 1
            lo, hi = code[a], code[b] + 1
            if b - a + 1 >= least and keep[lo:hi].any():
                for k in range(lo, hi):
                    if k not in repeats:
                        keep[k] = True
            a = b + 1

    def _keep_unread(self, doc: Document, pg: "_Page") -> None:
        """Keep the blocks that this document's stoplist cannot read: in a document read
        in a language other than Chinese, Japanese, Korean or Thai (whose stoplists
        read those scripts), a block of prose length in those scripts
        (``cjk_length_low`` characters or more) whose non-blank characters are
        ``unread_script_share`` or more Chinese, Japanese, Korean or Thai.  Its words
        and stopwords, as counted with that stoplist, say nothing of it, and a
        paragraph of the article was taken for furniture: a Chinese paper whose English
        abstract, its longest line, made the page read as English lost most of its
        body.  Precision first: a block the classifier cannot read stays.  Shorter
        blocks are still judged (a language menu: "繁體中文", "日本語"), and so is a block that
        repeats another word for word (:meth:`_repeats`)."""
        text = doc.text
        least, short = self.unread_script_share, self.cjk_length_low
        if doc.lang in _READS_EAST_ASIAN or (least > 0 and not east_asian_chars(text)):
            return  # (a text without one such character has no such block: one compiled pass)
        keep, start, end, repeats = pg.keep, pg.start, pg.end, pg.repeats
        for i in np.flatnonzero(~keep).tolist():
            a, b = start[i], end[i]
            if b - a >= short and i not in repeats and east_asian_share(text[a:b]) >= least:
                keep[i] = True

    # ------------------------------------------------------------------ reasons
    def _reasons(self, pg: "_Page", idx: list[int], cjk: bool) -> list[str]:
        """The features that fired for each block of ``idx`` (classified as furniture),
        as the span reason: one pass with the columns zipped, no per-block lookups."""
        x3 = pg.x3
        lo = self.cjk_length_low if cjk else self.length_low
        f = fast()
        if f is not None and pg.packed is not None:  # (the rows of page_pass's arrays, read in place)
            return f.reasons_packed(idx, pg.first, pg.last, pg.repeats, pg.chars, *pg.packed,
                                    1 / (1 + np.exp(-pg.z1)), 1 / (1 + np.exp(-pg.z3)), lo, cjk)
        if f is not None:  # the same strings, one compiled loop (cleaner._fast.reasons)
            f64, u8 = np.float64, np.uint8
            c = np.ascontiguousarray
            return f.reasons(
                idx, pg.first, pg.last, pg.repeats, c(pg.chars, dtype=np.int64), c(pg.words, dtype=f64),
                c(pg.nav, dtype=bool).view(u8), c(pg.urls, dtype=f64), c(pg.seps, dtype=f64),
                c(pg.cue, dtype=bool).view(u8), c(pg.density, dtype=f64), c(pg.title, dtype=f64),
                c(pg.digits, dtype=f64), c(x3[2], dtype=f64), c(x3[3], dtype=f64), c(x3[9], dtype=f64),
                1 / (1 + np.exp(-pg.z1)), 1 / (1 + np.exp(-pg.z3)), lo, cjk)
        sel = np.array(idx, dtype=np.intp)
        cols = [c[sel].tolist() for c in (
            pg.chars, pg.words, pg.nav, pg.urls, pg.seps, pg.cue, pg.density, pg.title, pg.digits,
            x3[2] < 0, x3[3] < 0, x3[9], 1 / (1 + np.exp(-pg.z1)), 1 / (1 + np.exp(-pg.z3)))]
        first, last, repeats = pg.first, pg.last, pg.repeats
        out = []
        for i, chars, words, nav, urls, seps, cue, dens, title, digits, zp, zn, inside, s1, s3 in zip(idx, *cols):
            n = last[i] - first[i] + 1
            what = "page furniture block: " if n == 1 else f"page furniture block of {n} lines: "
            if i in repeats:
                out.append(f"{what}repeats block {repeats[i] + 1}")
                continue
            why = []
            add = why.append
            if nav:
                add("link word")
            if urls:
                add("%d URLs in %d words" % (urls, words))
            if seps >= 2:
                add("%d menu separators" % seps)
            if cue:
                add("notice cue")
            if chars < lo:
                add("short (%d chars)" % chars)
            elif dens < 0.3 and words >= 3:
                add("stopwords %.0f%%" % (100 * dens))
            if title > 0.7 and words > 2 and not cjk:
                add("title case %.0f%%" % (100 * title))
            if digits > 0.3:
                add("digits %.0f%%" % (100 * digits))
            if zp and zn:
                add("between boilerplate")
            elif zp or zn:
                add("next to boilerplate")
            if not inside:
                add("outside the main text")
            add("score %.2f (block alone %.2f)" % (s3, s1))
            out.append(what + "; ".join(why))
        return out

    # ------------------------------------------------------------------ detect
    def _is_cjk(self, doc: Document) -> bool:
        lang = doc.lang
        if lang in ("zh", "ja"):
            return True
        t = doc.text
        n = len(t)
        if n <= 200:
            return False
        # fewer spaces than 2% of the characters: counted in the first quarter first,
        # which settles it for text with spaces (8% there is enough), then the rest
        need = n * 0.02
        head = t.count(" ", 0, n >> 2)
        return head < need and head + t.count(" ", n >> 2) < need

    def _analyse(self, doc: Document) -> "tuple[_Page, bool] | None":
        """Every block of ``doc`` with its features, scores and decision (``keep``);
        None when the document is left alone."""
        if len(doc.blocks) < self.min_blocks:  # before language id: that is the cost
            return None
        cjk = self._is_cjk(doc)
        stop = stoplist(doc.lang) if not cjk else frozenset()
        first, last = self._group(doc, stop, cjk)
        if len(first) < self.min_blocks:
            return None
        pg = _Page(first, last)
        f = fast()
        if f is not None and not cjk:
            # features, seed rule, scores and decision in one compiled call (page_pass)
            if self._pass_compiled(f, doc, pg, decide=True)[1] != 3:
                return None
            return self._settle(doc, pg, cjk)
        X1 = self._features(doc, pg, stop, cjk)
        hi = self.cjk_length_high if cjk else self.length_high
        if len(first) < self.seed_min_blocks and not bool(((pg.chars >= hi) & (pg.density >= 0.2)).any()):
            # a short record in which nothing reads as long prose (a note, a poem, a
            # recipe's list): precision first, it is left alone
            return None
        self._score2(pg, X1)
        # Unless some block is clearly furniture (below clear_score), the page is left
        # alone (a cleaned page, a page of text): the doubtful blocks stay.  This also
        # makes a second pass over the output find nothing in most pages.  (Asked
        # before the decision, which it does not depend on: most pages stop here.)
        if f is not None:  # the test, _decide and _fill in one compiled call (cleaner._fast.page_decide)
            m = len(first)
            keep, shared = np.empty(m, dtype=bool), np.empty(m, dtype=bool)
            if not f.page_decide(pg.z3, np.ascontiguousarray(pg.chars, dtype=np.int64),
                                 np.ascontiguousarray(pg.words, dtype=np.float64), pg.nav.view(np.uint8),
                                 pg.menu.view(np.uint8), pg.cue.view(np.uint8),
                                 np.ascontiguousarray(pg.urls, dtype=np.float64),
                                 np.ascontiguousarray(pg.stop, dtype=np.float64), self.clear_score, self.min_score,
                                 self.link_min_score, self.length_low, self.fill_gap_blocks, self.fill_min_score,
                                 float(self.repeat_min_words), keep.view(np.uint8), shared.view(np.uint8)):
                return None
            pg.keep = keep
            if shared.any():
                self._repeats(doc, pg, np.flatnonzero(shared))
        else:
            if not bool((pg.z3 < self.clear_score).any()):
                return None
            self._decide(pg)
            self._fill(pg)
            self._repeats(doc, pg)
        return self._settle(doc, pg, cjk)

    def _settle(self, doc: Document, pg: "_Page", cjk: bool) -> "tuple[_Page, bool] | None":
        """The end of :meth:`_analyse` on both paths: a page whose every block reads as
        furniture is left alone (never empty a page: nothing here looks like its
        content); otherwise the blocks that must not be judged one by one are kept
        (:meth:`_keep_whole`).  In that order: a block those rules keep must not let
        the other blocks of an all-furniture page go."""
        if not pg.keep.any():
            return None
        self._keep_whole(doc, pg, cjk)
        return pg, cjk

    def classify(self, doc: Document) -> list[_Para]:
        """The blocks of ``doc`` with their features, scores and final classes (for
        tests and for tuning; :meth:`detect` reports the bad ones as spans)."""
        got = self._analyse(doc)
        if got is None:
            return []
        pg, cjk = got
        out = []
        for i in range(len(pg.first)):
            p = _Para(pg.first[i], pg.last[i], pg.start[i], pg.end[i])
            p.chars, p.words, p.stop = int(pg.chars[i]), int(pg.words[i]), int(pg.stop[i])
            p.density, p.z1, p.z2 = float(pg.density[i]), float(pg.z1[i]), float(pg.z3[i])
            p.cls = GOOD if pg.keep[i] else BAD
            p.cf = GOOD if pg.z1[i] >= 0 else BAD
            p.why = [] if pg.keep[i] else self._reasons(pg, [i], cjk)[0].split(": ", 1)[1].split("; ")
            out.append(p)
        return out

    def detect(self, doc: Document) -> list[Span]:
        # Every pass of the pipeline's fixed point is judged afresh.  (Skipping the lines
        # an earlier pass kept saved a pass, but broke clean(clean(x)) == clean(x) on
        # about 1 page in 200: this detector is not always at a fixed point on its own
        # output, so the later passes must look.)  A list, not a generator: a page gives
        # hundreds of spans, and the pipeline extends its list with them at once.
        if not doc.blocks:
            return []
        got = self._analyse(doc)
        if got is None:
            return []
        pg, cjk = got
        name = self.name
        bad = np.flatnonzero(~pg.keep).tolist()
        start, end = pg.start, pg.end
        reasons = self._reasons(pg, bad, cjk) if doc.explain else [UNEXPLAINED] * len(bad)
        f = fast()
        if f is not None:  # the same Spans, made without a Python call each
            made = f.make_spans(Span, bad, start, end, name, reasons)
            if made is not None:
                return made
        return [Span(start[i], end[i], name, why) for i, why in zip(bad, reasons)]


class _Page:
    """The blocks of one document as parallel arrays (features, scores, decisions)."""

    __slots__ = ("first", "last", "start", "end", "chars", "words", "stop", "density", "title", "digits",
                 "urls", "seps", "nav", "cue", "menu", "endp", "heading", "z1", "z3", "x3", "keep",
                 "repeats", "packed")

    def __init__(self, first: list[int], last: list[int]) -> None:
        self.first, self.last = first, last
        self.repeats: dict[int, int] = {}
        #: cleaner._fast.page_pass's arrays (F, G, S) whose rows the fields above are
        self.packed: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

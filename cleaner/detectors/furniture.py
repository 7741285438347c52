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

A page in which nothing looks like content is left alone, and documents too small to
be a page (or short records without a long block of prose) are not touched.  Every
span's reason names the features that fired and the scores.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Iterator, Sequence

from ..document import Block, Document, Span
from ..registry import register
from .base import BaseDetector, candidate_blocks, load_patterns

GOOD, NEARGOOD, SHORT, BAD = "good", "neargood", "short", "bad"

# Menu separators: a bar, bullet, guillemet, slash or dash between spaces, or a bar or
# bullet at either end of the line ("Home | News | Sport", "» Archive").
_SEPS = re.compile(r" [|·•»›>/\-] | :: |^\s*[|•·»›]|[|•·»›]\s*$")
_SEP_CHARS = ("|", "·", "•", "»", "›", " > ", " / ", " - ", "::")
# What may stand around a menu item ("» Archive", "Home |", "More...")
_NAV_STRIP = " \t.:…>»›<«‹|•·-–—!?()[]+*"
# Words for the stopword lookup (stdlib re: one C call a block).
_WORD = re.compile(r"\w+(?:['’]\w+)?")
_SENT_END = frozenset(".!?…。！？")
_CLOSERS = frozenset("\"'”’»)]")
#: scores are clipped to this (a logit): one block cannot outweigh its context forever
_ZCLIP = 8.0
_log1p = math.log1p


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


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

    __slots__ = ("first", "last", "start", "end", "chars", "words", "stop", "density", "end_punct",
                 "title", "digits", "urls", "seps", "nav", "cue", "heading", "menu", "x1", "x2",
                 "z1", "z2", "cf", "cls", "why")

    def __init__(self, first: int, last: int, start: int, end: int) -> None:
        self.first, self.last, self.start, self.end = first, last, start, end
        self.why: list[str] = []


#: names of the stage-1 features, in the order of ``_Para.x1`` (see ``_features``)
STAGE1 = ("bias", "len", "short", "long", "density", "density_long", "stops", "end_punct", "title",
          "digits", "urls", "menu", "seps", "nav", "cue", "pos", "one_word", "lower_start", "colon_end",
          "prev_len", "next_len", "prev_density_long", "next_density_long", "prev_bad", "next_bad",
          "win_stops", "doc_share", "dup", "commas")
#: names of the stage-2 (context) features, in the order of ``_Para.x2``
STAGE2 = ("bias", "z", "zp1", "zn1", "zp2", "zn2", "zmax3", "pmean5", "run_share", "in_main",
          "before_main", "after_main", "header", "short", "end_punct", "dist_main", "zrel")


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
    #: a block is kept when its stage-2 score (a logit) is at least this.  The weights
    #: are learned for the balance of errors; the threshold sits below 0 on purpose
    #: (precision first: an article sentence lost costs more than a footer kept)
    min_score = -1.0
    #: ... and a short block that is a link word, a menu, URLs or a notice at least this
    link_min_score = 0.0
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

    def __init__(self, enabled: bool = True, **params: object) -> None:
        for k, v in params.items():
            if not hasattr(type(self), k) or k.startswith("_"):
                raise TypeError(f"page_furniture: unknown parameter {k!r}")
            setattr(self, k, v)
        self._langs, _, self._cjk, self._end, self._nav = _data()
        self._cues = _cue_triggers()

    # ------------------------------------------------------------------ stage 0
    def _group(self, doc: Document, stop: frozenset[str], cjk: bool) -> list[_Para]:
        """Blocks: lines, with hard-wrapped prose re-joined."""
        text = doc.text
        blocks: Sequence[Block] = doc.blocks
        paras: list[_Para] = []
        n = len(blocks)
        i = 0
        wrap = self.wrap_min_chars
        while i < n:
            j = i
            if not cjk:
                while j + 1 < n:
                    a = blocks[j].text.rstrip()
                    if len(a) < wrap or a[-1] in _SENT_END or (a[-1] in _CLOSERS and a[-2:-1] in _SENT_END):
                        break
                    nb = blocks[j + 1]
                    # a blank line between them ends the paragraph
                    if nb.start - blocks[j].end > 1 and text.count("\n", blocks[j].end, nb.start) > 1:
                        break
                    b = nb.text.lstrip()
                    if not b:
                        break
                    last = a.rsplit(None, 1)[-1].lower()
                    if not (b[0].islower() or a[-1] in ",-–;" or (last in stop and len(a) >= wrap + 20)):
                        break
                    # the next line must read as text, not as a one-word menu item
                    if " | " in a or " | " in b or (b[-1] not in _SENT_END and len(b.split()) < 3):
                        break
                    j += 1
            paras.append(_Para(i, j, blocks[i].start, blocks[j].end))
            i = j + 1
        return paras

    # ------------------------------------------------------------------ stage 1
    def _features(self, doc: Document, paras: list[_Para], stop: frozenset[str], cjk: bool) -> None:
        """The raw features of every block, then its stage-1 feature vector ``x1``
        (the block itself, its two neighbours and a window of three on each side)."""
        text = doc.text
        low = doc.lower
        cue_blocks = set(candidate_blocks(doc, self._cues)) if self._cues else set()
        nav = self._nav
        end = self._end
        func = self._cjk
        lo, hi = (self.cjk_length_low, self.cjk_length_high) if cjk else (self.length_low, self.length_high)
        words_of = _WORD.findall
        seps_of = _SEPS.findall
        # blocks holding a separator character at all (str.find over the whole text):
        # the separator regex only runs on those
        sep_blocks = set(candidate_blocks(doc, _SEP_CHARS))
        for p in paras:
            seg = text[p.start : p.end]
            s = seg.strip()
            p.chars = n = len(s)
            p.end_punct = bool(s) and (s[-1] in end)
            p.seps = len(seps_of(seg)) if (p.first in sep_blocks or p.last in sep_blocks
                                           or p.last > p.first) else 0
            lseg = low[p.start : p.end]
            p.urls = lseg.count("http") + lseg.count("www.") + lseg.count(".com") + lseg.count("@")
            p.cue = bool(cue_blocks) and any(k in cue_blocks for k in range(p.first, p.last + 1))
            # a link word that ends a sentence ("Home." in dialogue) is not a link
            p.nav = (n <= 40 and bool(s) and (s[-1] not in ".!?" or s.endswith(("...", "…")))
                     and lseg.strip(_NAV_STRIP) in nav)
            words = words_of(lseg)
            p.words = nw = len(words)
            if cjk:
                p.stop = sum(map(func.__contains__, lseg))
                # function-character share, scaled to the range of a stopword density
                p.density = 5.0 * p.stop / n if n else 0.0
            else:
                p.stop = sum(map(stop.__contains__, words))
                p.density = p.stop / nw if nw else 0.0
            if nw:
                ow = seg.split()
                p.title = sum(map(str.istitle, ow)) / len(ow)
                p.digits = sum(map(str.isdigit, words)) / nw
            else:
                p.title = p.digits = 0.0
            p.menu = p.seps >= 2 and p.words <= 8 * p.seps
            p.heading = n <= hi and not p.end_punct and p.seps == 0 and not p.nav
        m = len(paras)
        best = max((p.stop for p in paras), default=0) or 1
        lens = [_log1p(p.chars) for p in paras]
        dlong = [p.density if p.chars >= lo else 0.0 for p in paras]
        badish = [1.0 if (p.nav or p.menu or p.urls) else 0.0 for p in paras]
        stops = [p.stop for p in paras]
        # stopwords in a window of three blocks on each side (prefix sums)
        acc = [0]
        for v in stops:
            acc.append(acc[-1] + v)
        last = max(m - 1, 1)
        # blocks whose text occurs more than once in the page (a menu printed twice)
        seen: dict[str, int] = {}
        keys = [text[p.start : p.end].strip() for p in paras]
        for k in keys:
            seen[k] = seen.get(k, 0) + 1
        for i, p in enumerate(paras):
            n = p.chars
            s0 = text[p.start : p.start + 1]
            win = acc[min(m, i + 4)] - acc[max(0, i - 3)] - p.stop
            p.x1 = (
                1.0, lens[i], 1.0 if n < lo else 0.0, 1.0 if n >= hi else 0.0, p.density, dlong[i],
                _log1p(p.stop), 1.0 if p.end_punct else 0.0, p.title, p.digits,
                min(1.0, 3.0 * p.urls / max(p.words, 1)), 1.0 if p.menu else 0.0, min(p.seps, 3) / 3.0,
                1.0 if p.nav else 0.0, 1.0 if p.cue else 0.0, i / last, 1.0 if p.words == 1 else 0.0,
                1.0 if s0.islower() else 0.0, 1.0 if text[p.end - 1 : p.end] == ":" else 0.0,
                lens[i - 1] if i else 0.0, lens[i + 1] if i + 1 < m else 0.0,
                dlong[i - 1] if i else 0.0, dlong[i + 1] if i + 1 < m else 0.0,
                badish[i - 1] if i else 1.0, badish[i + 1] if i + 1 < m else 1.0,
                _log1p(win), p.stop / best, 1.0 if seen[keys[i]] > 1 else 0.0,
                min(1.0, keys[i].count(",") / max(p.words, 1) * 5),
            )

    @staticmethod
    def _score1(paras: list[_Para]) -> None:
        """Stage 1: a logistic regression over ``x1`` (the logit, clipped)."""
        w1 = _weights()[0]
        for p in paras:
            z = sum(map(float.__mul__, w1, p.x1))
            p.z1 = -_ZCLIP if z < -_ZCLIP else (_ZCLIP if z > _ZCLIP else z)

    # ------------------------------------------------------------------ stage 2
    def _context(self, paras: list[_Para], z: list[float]) -> list[tuple[float, ...]]:
        """Context features of every block (``STAGE2``): its score ``z`` (of the stage
        before) among its neighbours' and its place relative to the main text (the run
        of likely content with the most stopwords)."""
        m = len(paras)
        pr = [_sigmoid(v) for v in z]
        edge = -_ZCLIP / 2
        # runs of likely content (p >= 0.5), with at most max_gap_blocks others inside
        runs: list[list[int]] = []
        for i, v in enumerate(pr):
            if v >= 0.5:
                if runs and i - runs[-1][1] - 1 <= self.max_gap_blocks:
                    runs[-1][1] = i
                    runs[-1][2] += paras[i].stop
                else:
                    runs.append([i, i, paras[i].stop])
        run_of = [0.0] * m
        main = (m, -1)
        if runs:
            top = max(r[2] for r in runs) or 1
            for a, b, mass in runs:
                for k in range(a, b + 1):
                    run_of[k] = mass / top
                if mass == top and main[1] < 0:
                    main = (a, b)
        ma, mb = main
        acc = [0.0]
        for v in pr:
            acc.append(acc[-1] + v)
        out = []
        zbest = max(z, default=0.0)
        for i, p in enumerate(paras):
            lo3, hi3 = max(0, i - 3), min(m, i + 4)
            dist = 0 if ma <= i <= mb else (ma - i if i < ma else i - mb)
            zmax = max(z[lo3:i] + z[i + 1 : hi3], default=edge)
            pmean = (acc[min(m, i + 6)] - acc[max(0, i - 5)] - pr[i]) / max(1, min(m, i + 6) - max(0, i - 5) - 1)
            out.append((
                1.0, z[i], z[i - 1] if i else edge, z[i + 1] if i + 1 < m else edge,
                z[i - 2] if i > 1 else edge, z[i + 2] if i + 2 < m else edge, zmax, pmean, run_of[i],
                1.0 if ma <= i <= mb else 0.0, 1.0 if i < ma else 0.0, 1.0 if i > mb else 0.0,
                1.0 if (ma - 4 <= i < ma and p.heading) else 0.0,
                1.0 if p.chars < self.length_low else 0.0, 1.0 if p.end_punct else 0.0,
                min(dist, 20) / 20.0, z[i] - zbest,
            ))
        return out

    def _score2(self, paras: list[_Para]) -> None:
        """Stages 2 and 3: logistic regressions over the context features of the stage
        before (``STAGE2``); a block scored below ``min_score`` by stage 3 is furniture."""
        _, w2, w3 = _weights()
        mul = float.__mul__
        z2 = [sum(map(mul, w2, x)) for x in self._context(paras, [p.z1 for p in paras])]
        x3 = self._context(paras, [-_ZCLIP if v < -_ZCLIP else (_ZCLIP if v > _ZCLIP else v) for v in z2])
        cut, cut_cue = self.min_score, self.link_min_score
        lo = self.length_low
        for p, x in zip(paras, x3):
            p.x2 = x
            p.z2 = z = sum(map(mul, w3, x))
            # a short link, menu, URL line or notice needs more than the context
            cue = p.chars < lo and (p.nav or p.menu or p.cue or p.urls * 3 >= max(p.words, 1))
            p.cls = GOOD if z >= (cut_cue if cue else cut) else BAD
            p.cf = GOOD if p.z1 >= 0.0 else BAD

    def _fill(self, paras: list[_Para]) -> None:
        """Precision first: a block between kept blocks (at most ``fill_gap_blocks``
        away on each side) is kept unless its score is clearly furniture or it is a
        link, a menu, a URL or a notice (a short line of dialogue, a poem's line, a
        caption, a sub-heading inside the article)."""
        g = self.fill_gap_blocks
        if g <= 0:
            return
        m = len(paras)
        good = [p.cls == GOOD for p in paras]
        prev = [-m] * m
        last = -m
        for i in range(m):
            prev[i] = last
            if good[i]:
                last = i
        nxt = m * 2
        floor = self.fill_min_score
        for i in range(m - 1, -1, -1):
            p = paras[i]
            if not good[i] and i - prev[i] <= g and nxt - i <= g and p.z2 >= floor and not (
                    p.nav or p.menu or p.urls or p.cue):
                p.cls = GOOD
            if good[i]:
                nxt = i

    # ------------------------------------------------------------------ reasons
    def _explain(self, p: _Para, cjk: bool) -> None:
        """The features that fired for a block classified as furniture."""
        why = p.why
        lo = self.cjk_length_low if cjk else self.length_low
        if p.nav:
            why.append("link word")
        if p.urls:
            why.append(f"{p.urls} URLs in {p.words} words")
        if p.seps >= 2:
            why.append(f"{p.seps} menu separators")
        if p.cue:
            why.append("notice cue")
        if p.chars < lo:
            why.append(f"short ({p.chars} chars)")
        elif p.density < 0.3 and p.words >= 3:
            why.append(f"stopwords {p.density:.0%}")
        if not cjk and p.title > 0.7 and p.words > 2:
            why.append(f"title case {p.title:.0%}")
        if p.digits > 0.3:
            why.append(f"digits {p.digits:.0%}")
        x2 = p.x2
        if x2[2] < 0 and x2[3] < 0:
            why.append("between boilerplate")
        elif x2[2] < 0 or x2[3] < 0:
            why.append("next to boilerplate")
        if not x2[9]:
            why.append("outside the main text")
        why.append(f"score {_sigmoid(p.z2):.2f} (block alone {_sigmoid(p.z1):.2f})")

    # ------------------------------------------------------------------ detect
    def _is_cjk(self, doc: Document) -> bool:
        lang = doc.lang
        if lang in ("zh", "ja"):
            return True
        t = doc.text
        return len(t) > 200 and t.count(" ") < len(t) * 0.02

    def classify(self, doc: Document) -> list[_Para]:
        """The blocks of ``doc`` with their features and final classes (for tests and
        for tuning; :meth:`detect` turns the bad ones into spans)."""
        if len(doc.blocks) < self.min_blocks:  # before language id: that is the cost
            return []
        cjk = self._is_cjk(doc)
        lang = doc.lang
        stop = stoplist(lang) if not cjk else frozenset()
        paras = self._group(doc, stop, cjk)
        if len(paras) < self.min_blocks:
            return []
        self._features(doc, paras, stop, cjk)
        self._score1(paras)
        hi = self.cjk_length_high if cjk else self.length_high
        if len(paras) < self.seed_min_blocks and not any(p.z1 >= 0 and p.chars >= hi for p in paras):
            # a short record in which nothing reads as long prose (a note, a poem, a
            # recipe's list): precision first, it is left alone
            return []
        self._score2(paras)
        self._fill(paras)
        self._repeats(doc, paras)
        if not any(p.cls == GOOD for p in paras):
            return []  # never empty a page: nothing here looks like its content
        for p in paras:
            if p.cls == BAD and not p.why:
                self._explain(p, cjk)
        return paras

    def _repeats(self, doc: Document, paras: list[_Para]) -> None:
        """A kept block that repeats an earlier kept block word for word (a headline
        or a whole article printed twice by the template) goes: one copy stays."""
        text = doc.text
        seen: dict[str, int] = {}
        for i, p in enumerate(paras):
            if p.cls != GOOD or p.words < self.repeat_min_words:
                continue
            key = " ".join(text[p.start : p.end].split())
            j = seen.setdefault(key, i)
            if j != i:
                p.cls = BAD
                p.why.append(f"repeats block {j + 1}")

    def detect(self, doc: Document) -> Iterator[Span]:
        if not doc.blocks:
            return
        for p in self.classify(doc):
            if p.cls != BAD:
                continue
            feats = "; ".join(p.why) if p.why else "classified bad"
            lines = p.last - p.first + 1
            what = f"block of {lines} lines" if lines > 1 else "block"
            yield Span(p.start, p.end, self.name, f"page furniture {what}: {feats}")

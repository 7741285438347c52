"""``page_furniture``: a two-stage block classifier for plain text, in the spirit of jusText.

A WET-like record keeps every visible line of a page: menus, breadcrumbs, share
buttons, teaser lists, comment forms, footers.  This detector finds the article among
them and reports everything else as spans.

1. **Blocks.**  Lines are the blocks, except that hard-wrapped prose (a paragraph broken
   into lines of ~60 characters) is re-joined first: a line that does not close a
   sentence, is long enough to be a wrapped line, and is followed by a lowercase start
   (or ends on a comma, hyphen or function word) continues into the next line.  The
   joined block still knows the offsets of its first and last line, so a span always
   points at the original text.
2. **Context-free class** per block (jusText's rules, plus cues jusText has no use for
   on HTML): length, stopword density (jusText's stoplists by detected language; the
   share of function characters for Chinese and Japanese), end punctuation, URL and
   menu-separator density, title-case and digit ratios, link words ("Share", "Read
   more"), and the triggers of the built-in legal/footer detectors.  Classes:
   ``good``, ``neargood``, ``short``, ``bad``.
3. **Context revision** (jusText's): headings right before good text become near-good;
   short and near-good blocks take the class of their neighbours.
4. **Main text.**  Good blocks are grouped into runs (a few non-good blocks may sit
   inside a run: sub-headings, captions).  The run with the most prose is the article;
   other runs are kept only when they hold a fair share of its prose (so a second half
   of the article after an advert stays, while a teaser list or a comment section of
   short replies goes).  The title, byline and dateline, short lines just above the
   article, are kept.

Precision first: a page in which nothing looks like prose is left alone, and documents
too small to be a page are not touched.  Every span's reason names the features that
fired.
"""
from __future__ import annotations

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
                 "title", "digits", "urls", "seps", "nav", "cue", "heading", "cf", "cls", "why")

    def __init__(self, first: int, last: int, start: int, end: int) -> None:
        self.first, self.last, self.start, self.end = first, last, start, end
        self.why: list[str] = []


@register("page_furniture")
class PageFurniture(BaseDetector):
    """Page furniture in plain text: menus, teasers, share rows, comment forms, footers."""

    #: below this many characters a block is "short" (jusText: 70)
    length_low = 70
    #: above this many characters a block with enough stopwords is "good" (jusText: 200)
    length_high = 200
    #: stopword densities of near-good and good text (jusText: 0.30, 0.32)
    stopwords_low = 0.30
    stopwords_high = 0.32
    #: the same for Chinese/Japanese: characters and function-character share
    cjk_length_low = 25
    cjk_length_high = 70
    cjk_function_low = 0.04
    cjk_function_high = 0.06
    #: a short block this many characters before good text is a heading (jusText: 200)
    max_heading_distance = 100
    #: a block of capitalised words (headline lists, menus) is bad above this share ...
    max_title_ratio = 0.7
    #: ... unless it is a sentence of more words than this
    title_words = 5
    #: re-join a line into the next when it is at least this long and does not end a sentence
    wrap_min_chars = 40
    #: runs of good blocks: at most this many non-good blocks inside one run
    max_gap_blocks = 3
    #: a run of good blocks other than the main one is kept with at least this share of
    #: the main run's prose
    min_run_share = 0.1
    #: short lines kept just above the article (title, byline, dateline)
    header_lines = 4
    #: kept blocks of at least this many words that repeat an earlier one are removed
    repeat_min_words = 12
    #: a page without long prose is only judged (from its best near-good blocks) when
    #: it has at least this many blocks; a short record of short lines is left alone
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
        """Stage 1 features.  Short blocks (the majority of a page's lines) only get the
        cheap ones: jusText judges them by their neighbours, not by their words."""
        text = doc.text
        low = doc.lower
        cue_blocks = set(candidate_blocks(doc, self._cues)) if self._cues else set()
        nav = self._nav
        end = self._end
        func = self._cjk
        lo = self.cjk_length_low if cjk else self.length_low
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
            if n < lo:
                # a link word that ends a sentence ("Home." in dialogue) is not a link
                p.nav = (n <= 40 and (s[-1] not in ".!?" or s.endswith(("...", "…")))
                         and lseg.strip(_NAV_STRIP) in nav)
                p.words = seg.count(" ") + 1
                p.stop, p.density, p.title, p.digits = 0, 0.0, 0.0, 0.0
            else:
                p.nav = False
                words = words_of(lseg)
                p.words = nw = len(words)
                if cjk:
                    p.stop = sum(map(func.__contains__, lseg))
                    p.density = p.stop / n if n else 0.0
                else:
                    p.stop = sum(map(stop.__contains__, words))
                    p.density = p.stop / nw if nw else 0.0
                ow = seg.split()
                p.title = sum(map(str.istitle, ow)) / len(ow) if ow else 0.0
                p.digits = sum(map(str.isdigit, words)) / nw if nw else 0.0
            p.heading = n <= self.length_high and not p.end_punct and p.seps == 0 and not p.nav

    def _classify(self, paras: list[_Para], cjk: bool) -> None:
        lo, hi = (self.cjk_length_low, self.cjk_length_high) if cjk else (self.length_low, self.length_high)
        dlo, dhi = (self.cjk_function_low, self.cjk_function_high) if cjk else (self.stopwords_low, self.stopwords_high)
        for p in paras:
            why = p.why
            if p.nav:
                why.append("link word")
                p.cf = BAD
            elif p.urls and p.urls * 3 >= max(p.words, 1):
                why.append(f"{p.urls} URLs in {p.words} words")
                p.cf = BAD
            elif p.seps >= 2 and p.words <= 8 * p.seps:
                why.append(f"{p.seps} menu separators")
                p.cf = BAD
            elif p.cue and (p.chars < lo or (p.chars < hi and p.density < dlo)):
                why.append("notice cue")
                p.cf = BAD
            elif p.chars < lo:
                why.append(f"short ({p.chars} chars)")
                p.cf = SHORT
            elif (not cjk and p.title > self.max_title_ratio and p.words > 2
                  and not (p.end_punct and p.words > self.title_words * 3)):
                why.append(f"title case {p.title:.0%}")
                p.cf = BAD
            elif p.density >= dhi:
                if p.chars > hi and (p.end_punct or p.chars > 2 * hi):
                    p.cf = GOOD
                else:
                    why.append(f"{p.chars} chars" + ("" if p.end_punct else ", no end punctuation"))
                    p.cf = NEARGOOD
            elif p.density >= dlo:
                why.append(f"stopwords {p.density:.0%}")
                p.cf = NEARGOOD
            else:
                why.append(f"stopwords {p.density:.0%}")
                p.cf = BAD
            if p.cf != GOOD and p.digits > 0.3:
                why.append(f"digits {p.digits:.0%}")
            p.cls = p.cf

    # ------------------------------------------------------------------ stage 2
    @staticmethod
    def _neighbours(paras: list[_Para], ignore_neargood: bool, edge: str = BAD) -> tuple[list[str], list[str]]:
        """For every block, the class of the nearest decided block before and after it
        (``edge`` past the ends), in two linear passes."""
        n = len(paras)
        want = (GOOD, BAD) if ignore_neargood else (GOOD, BAD, NEARGOOD)
        prev = [edge] * n
        nxt = [edge] * n
        cur = edge
        for i in range(n):
            prev[i] = cur
            c = paras[i].cls
            if c in want:
                cur = c
        cur = edge
        for i in range(n - 1, -1, -1):
            nxt[i] = cur
            c = paras[i].cls
            if c in want:
                cur = c
        return prev, nxt

    def _near_good(self, paras: list[_Para], dist_max: float) -> list[bool]:
        """For every block: is a good block ahead within ``dist_max`` chars of blocks
        in between?  One backward pass."""
        n = len(paras)
        out = [False] * n
        gap = None  # chars between the current block and the next good one
        for i in range(n - 1, -1, -1):
            out[i] = gap is not None and gap <= dist_max
            p = paras[i]
            if p.cls == GOOD and p.cf == GOOD:  # real prose, not a promoted heading
                gap = 0
            elif gap is not None:
                gap += p.chars
        return out

    def _revise(self, paras: list[_Para], cjk: bool) -> None:
        # headings right before good text (distances in CJK characters scaled like
        # the length thresholds: one CJK character carries about as much as 2-3 Latin)
        dist_max = self.max_heading_distance * (self.cjk_length_low / self.length_low if cjk else 1.0)
        near = self._near_good(paras, dist_max)
        for i, p in enumerate(paras):
            if p.heading and p.cls == SHORT and near[i]:
                p.cls = NEARGOOD
                p.why.append("heading")
        # short blocks take their neighbours' class.  The ends of the document count
        # as boilerplate (jusText) for a line that is not a sentence; for a sentence
        # they are no evidence: it takes the class of its other side.
        prev, nxt = self._neighbours(paras, True, "")
        prev_any, nxt_any = self._neighbours(paras, False, "")
        new: dict[int, str] = {}
        for i, p in enumerate(paras):
            if p.cls != SHORT:
                continue
            if p.end_punct and p.words >= 3:
                a, b = prev[i] or nxt[i] or GOOD, nxt[i] or prev[i] or GOOD
            else:
                a, b = prev[i] or BAD, nxt[i] or BAD
            if a == GOOD and b == GOOD:
                new[i] = GOOD
            elif a == BAD and b == BAD:
                new[i] = BAD
                p.why.append("between boilerplate")
            elif (a == BAD and prev_any[i] == NEARGOOD) or (b == BAD and nxt_any[i] == NEARGOOD):
                new[i] = GOOD
            else:
                new[i] = BAD
                p.why.append("next to boilerplate")
        for i, c in new.items():
            paras[i].cls = c
        # near-good blocks
        prev, nxt = self._neighbours(paras, True)
        for i, p in enumerate(paras):
            if p.cls != NEARGOOD:
                continue
            if prev[i] == BAD and nxt[i] == BAD:
                p.cls = BAD
                p.why.append("between boilerplate")
            else:
                p.cls = GOOD
        # headings that were demoted but sit right above good text
        near = self._near_good(paras, dist_max)
        for i, p in enumerate(paras):
            if p.heading and p.cls == BAD and p.cf != BAD and near[i]:
                p.cls = GOOD

    # ------------------------------------------------------------------ stage 3
    def _main_text(self, paras: list[_Para]) -> None:
        good = [i for i, p in enumerate(paras) if p.cls == GOOD]
        if not good:
            return
        runs: list[list[int]] = [[good[0]]]
        for i in good[1:]:
            if i - runs[-1][-1] - 1 <= self.max_gap_blocks:
                runs[-1].append(i)
            else:
                runs.append([i])
        if len(runs) > 1:
            mass = [sum(paras[i].stop for i in r if paras[i].cf == GOOD) for r in runs]
            top = max(mass)
            for r, m in zip(runs, mass):
                if top and m < self.min_run_share * top:
                    for i in r:
                        paras[i].cls = BAD
                        paras[i].why.append(f"outside the main text ({m} vs {top} stopwords)")
        # fill the gaps inside kept runs (sub-headings, captions between paragraphs)
        kept = [i for i, p in enumerate(paras) if p.cls == GOOD]
        # title, byline, dateline: short heading-like lines right above the first kept run
        if kept:
            first = kept[0]
            k = first - 1
            taken = 0
            while k >= 0 and taken < self.header_lines:
                p = paras[k]
                if p.cf == BAD or not p.heading:
                    break
                p.cls = GOOD
                taken += 1
                k -= 1

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
        self._classify(paras, cjk)
        if not any(p.cf == GOOD for p in paras):
            # Nothing reads as long prose: a video page with a caption, a gallery, a
            # form.  The near-good blocks with the most stopwords (at least half the
            # best one's) are the content; with none, precision first: the page is
            # left alone.
            near = [p for p in paras if p.cf == NEARGOOD]
            if not near or len(paras) < self.seed_min_blocks:
                return []
            best = max(p.stop for p in near)
            for p in near:
                if p.stop * 2 >= best:
                    p.cf = p.cls = GOOD
        self._revise(paras, cjk)
        self._main_text(paras)
        self._repeats(doc, paras)
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

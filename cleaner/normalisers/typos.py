"""Typo fixer: correct clear English misspellings, leave everything else alone.

Precision comes first: a wrong "correction" corrupts good data, a missed typo costs
little.  So a word is changed only when every one of these holds:

* the text is English (:func:`cleaner.lang.detect_language`, asked only when there is a
  candidate fix, so most documents never pay for it);
* the token is all lowercase ASCII letters (3 or more), stands alone (no digit, ``@``,
  ``/``, ``_``, ``.``, hyphen or apostrophe-joined letters at either side), and its line
  does not look like code or markup;
* it is not in the spelling dictionary (symspellpy's SCOWL x Google Books list, with
  British and American spellings), not a known spelling variant (``variants.txt``), and not
  a frequent word on the web (wordfreq) in its own right;
* the document uses it exactly once and never writes it capitalised (a repeated or
  capitalised form is a name, a term or a deliberate spelling);
* a dictionary word one Damerau edit away is far more frequent than the token, and that
  candidate dominates the other candidates, by frequency or, when frequencies are close,
  by the bigram counts of the neighbouring words ("to lauch air strikes" -> launch).

Every change is logged as an :class:`~cleaner.document.Edit` whose reason names the rule
and the figures behind it.  Data: ``cleaner/data/typos/`` (see its README), built by
``scripts/build_typo_data.py``; nothing is downloaded at run time.
"""
from __future__ import annotations

import gzip
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from ..document import Edit
from .typos_edits import adjacent, edits1, substitution_kind

NAME = "fix_typos"
DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "typos")

# ------------------------------------------------------------------ thresholds (zipf units)
#: A candidate correction must be at least this common (zipf 3 = once per million words).
MIN_CANDIDATE_ZIPF = 3.0
#: A token that wordfreq sees at least this often is a word of its own (slang, a name...).
MAX_TOKEN_ZIPF = 3.3
#: The candidate must be this much more frequent than the token (2.0 = 100 times).
MIN_GAIN = 2.0
#: ... and more for short tokens, where a one-letter edit reaches many words.
MIN_GAIN_SHORT = {3: 3.0, 4: 2.5}
#: The winner's score must beat the runner-up's by this much (1.0 = 10 times).
MIN_LEAD = 1.0
#: Bigram counts (Google Books scale; the list stops near 6 million) are smoothed by this
#: before their log ratio joins the score.
CONTEXT_SMOOTHING = 5.0e6
#: Shortest token considered.
MIN_LEN = 3

# Candidate tokens: lowercase ASCII runs delimited by non-word characters.
_TOKEN = re.compile(r"\b[a-z]{%d,}\b" % MIN_LEN)
# Characters that, touching a token, make it part of something else (a URL, a handle,
# a file name, a compound, a number, markup).
_BAD_BEFORE = set("@/_.-\\#$%&*+=<>[]{}|~^`'\u2019") | set("0123456789")
_BAD_AFTER = set("@/_-\\#$%&*+=<>[]{}|~^`") | set("0123456789")
# A line holding any of these is treated as code or markup and left alone.
_CODE_LINE = re.compile(r"[{}<>`|\\]|==|=>|\(\)|;\s*$|^\s{4}|^\t|://|www\.|\bdef |\breturn\b|\bvar |\bfunction\b")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    zipf: dict[str, float]  # wordfreq zipf of every known lowercase word
    dictionary: frozenset[str]  # the spell-checker dictionary (correct words)
    protected: frozenset[str]  # dictionary + variants: never changed
    bigrams: dict[tuple[str, str], int]


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """Load the package data once per process (about half a second)."""
    zipf: dict[str, float] = {}
    dictionary: set[str] = set()
    with gzip.open(os.path.join(DATA, "lexicon.tsv.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            w, z, flag = line.rstrip("\n").split("\t")
            zipf[w] = int(z) / 100.0
            if flag == "D":
                dictionary.add(w)
    variants: set[str] = set()
    with open(os.path.join(DATA, "variants.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                variants.add(line.strip())
    bigrams: dict[tuple[str, str], int] = {}
    with gzip.open(os.path.join(DATA, "bigrams.tsv.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            pair, c = line.rstrip("\n").split("\t")
            a, b = pair.split(" ")
            bigrams[(a, b)] = int(c)
    frozen = frozenset(dictionary)
    return _Lexicon(zipf, frozen, frozen | frozenset(variants), bigrams)


@dataclass(frozen=True, slots=True)
class _Candidates:
    """The unigram verdict on a token: ranked candidates, or a reason to leave it."""

    ranked: tuple[tuple[str, float, str], ...]  # (word, zipf, edit kind), best first
    token_zipf: float


@lru_cache(maxsize=65536)
def _candidates(word: str) -> _Candidates | None:
    """Candidates for ``word`` if it is a plausible typo at all, else None."""
    lx = lexicon()
    if word in lx.protected:
        return None
    zw = lx.zipf.get(word, 0.0)
    if zw >= MAX_TOKEN_ZIPF:
        return None
    ranked = []
    for cand, kind in edits1(word).items():
        if cand in lx.dictionary:
            z = lx.zipf.get(cand, 0.0)
            ranked.append((cand, z, kind))
    if not ranked:
        return None
    ranked.sort(key=lambda t: (-t[1], t[0]))
    best = ranked[0]
    gain = MIN_GAIN_SHORT.get(len(word), MIN_GAIN)
    if best[1] < MIN_CANDIDATE_ZIPF or best[1] - zw < gain:
        return None
    # Keep the rivals that are frequent enough to matter (within 3 zipf of the best).
    keep = tuple(r for r in ranked if r[1] >= best[1] - 3.0)
    return _Candidates(keep, zw)


def _channel(typo: str, cand: str, kind: str) -> tuple[float, str]:
    """Log10 prior of the slip that turns ``cand`` into ``typo`` (0 = a common slip)."""
    if kind == "transposition":
        return 0.0, "swapped letters"
    if kind == "insertion":
        return 0.0, "missing letter"
    if kind == "deletion":
        for i in range(len(typo)):
            if typo[:i] + typo[i + 1 :] == cand:
                x = typo[i]
                near = [typo[j] for j in (i - 1, i + 1) if 0 <= j < len(typo)]
                if x in near:
                    return 0.0, "doubled letter"
                if any(adjacent(x, y) for y in near):
                    return -0.2, "extra letter (neighbouring key)"
        return -0.5, "extra letter"
    sub = substitution_kind(typo, cand)
    if sub == "keyboard":
        return -0.3, "wrong letter (neighbouring key)"
    if sub == "vowel":
        return -0.3, "wrong vowel"
    return -1.0, "wrong letter"


def _context_bonus(lx: _Lexicon, left: str | None, cand: str, right: str | None) -> tuple[float, int]:
    s = 0
    if left:
        s += lx.bigrams.get((left, cand), 0)
    if right:
        s += lx.bigrams.get((cand, right), 0)
    return math.log10((s + CONTEXT_SMOOTHING) / CONTEXT_SMOOTHING), s


def decide(word: str, left: str | None = None, right: str | None = None) -> tuple[str, str] | None:
    """``(correction, reason)`` for a lowercase token between the words ``left`` and
    ``right`` (lowercased, or None), or None to leave it.  No document guards here.

    Each candidate scores its zipf frequency, plus the log prior of the slip (a swapped
    or missing letter is likelier than an unrelated wrong letter), plus a context bonus
    from the bigram counts with the neighbours.  The best must lead the runner-up by
    ``MIN_LEAD``.

    >>> decide("oppostion")[0]
    'opposition'
    >>> decide("lauch", "to", "air")[0]
    'launch'
    >>> decide("wich") is None  # with or which: no clear winner
    True
    >>> decide("materiel") is None and decide("defence") is None
    True
    """
    c = _candidates(word)
    if c is None:
        return None
    lx = lexicon()
    scored = []
    for cand, z, kind in c.ranked:
        chan, slip = _channel(word, cand, kind)
        bonus, count = _context_bonus(lx, left, cand, right)
        scored.append((z + chan + bonus, cand, z, slip, count))
    scored.sort(key=lambda t: (-t[0], t[1]))
    total, best, z, slip, count = scored[0]
    if z < MIN_CANDIDATE_ZIPF or z - c.token_zipf < MIN_GAIN_SHORT.get(len(word), MIN_GAIN):
        return None
    if len(scored) > 1:
        lead = total - scored[1][0]
        if lead < MIN_LEAD:
            return None
        why = f"leads {scored[1][1]!r} by {lead:.1f}"
    else:
        why = "only candidate"
    ctx = f", context '{left or ''} _ {right or ''}' bigram count {count}" if count else ""
    return best, f"not in dictionary; {slip} of {best!r} (zipf {z:.1f} vs {c.token_zipf:.1f}{ctx}), {why}"


def _is_english(text: str) -> bool:
    from ..lang import detect_language

    return detect_language(text)[0] == "en"


_WORD_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+\Z")
_WORD_AFTER = re.compile(r"[ \t]+([A-Za-z]+)")


def _neighbours(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    m = _WORD_BEFORE.search(text, max(0, start - 40), start)
    left = m.group(1).lower() if m else None
    m2 = _WORD_AFTER.match(text, end)
    right = m2.group(1).lower() if m2 else None
    return left, right


def _standalone(text: str, start: int, end: int) -> bool:
    """The token is a plain word: nothing glued to it, and its line is not code."""
    if start > 0 and text[start - 1] in _BAD_BEFORE:
        # An opening quote is fine: 'word or "word.
        if not (text[start - 1] in "'\u2019" and (start == 1 or not text[start - 2].isalnum())):
            return False
    if end < len(text):
        ch = text[end]
        if ch in _BAD_AFTER:
            return False
        nxt = text[end + 1] if end + 1 < len(text) else ""
        if ch == "." and nxt.isalnum():  # file.txt, example.com
            return False
        if ch in "'\u2019" and nxt.isalpha() and nxt != "s":  # didn't, o'clock
            return False
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    line = text[ls : le if le != -1 else len(text)]
    return _CODE_LINE.search(line) is None


def fix_typos(text: str, log: list[Edit] | None = None) -> str:
    """Correct clear misspellings in English text (see the module doc for the rules).

    >>> fix_typos("They sent warplanes to lauch air strikes despite strong oppostion.")
    'They sent warplanes to launch air strikes despite strong opposition.'
    >>> log = []
    >>> fix_typos("ready to coordonate their approaches", log)
    'ready to coordinate their approaches'
    >>> (log[0].start, log[0].end, log[0].before, log[0].after, log[0].normaliser)
    (9, 19, 'coordonate', 'coordinate', 'fix_typos')

    Names, British spellings, capitalised or repeated words, code and other languages
    are left alone:

    >>> fix_typos("The defence minister Shoigu authorised delivery of materiel.")
    'The defence minister Shoigu authorised delivery of materiel.'
    >>> fix_typos("The oppostion grew. Oppostion is a word we keep here.")
    'The oppostion grew. Oppostion is a word we keep here.'
    >>> fix_typos("Le gouvernement a annoncé une nouvelle oppostion mardi soir à Paris.")
    'Le gouvernement a annoncé une nouvelle oppostion mardi soir à Paris.'
    """
    if not text:
        return text
    lx = lexicon()
    unknown = set(_TOKEN.findall(text)) - lx.protected
    if not unknown:
        return text
    plausible = [w for w in unknown if _candidates(w) is not None]
    if not plausible:
        return text
    # One pass over the document for every form (any case) of the plausible words.
    alt = "|".join(sorted(map(re.escape, plausible), key=len, reverse=True))
    seen: dict[str, list[re.Match[str]]] = {}
    for m in re.finditer(r"\b(?:%s)\b" % alt, text, re.IGNORECASE):
        seen.setdefault(m.group(0).lower(), []).append(m)
    todo: list[tuple[int, int, str, str]] = []
    for word, ms in seen.items():
        if len(ms) != 1 or ms[0].group(0) != word:
            continue  # repeated, or also written capitalised somewhere
        m = ms[0]
        if not _standalone(text, m.start(), m.end()):
            continue
        left, right = _neighbours(text, m.start(), m.end())
        verdict = decide(word, left, right)
        if verdict is not None:
            todo.append((m.start(), m.end(), verdict[0], verdict[1]))
    if not todo or not _is_english(text):
        return text
    todo.sort()
    out: list[str] = []
    pos = 0
    for start, end, after, reason in todo:
        out.append(text[pos:start])
        out.append(after)
        pos = end
        if log is not None:
            log.append(Edit(start, end, text[start:end], after, NAME, reason))
    out.append(text[pos:])
    return "".join(out)

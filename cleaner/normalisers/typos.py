"""Typo fixer: correct clear English misspellings, leave everything else alone.

Precision comes first: a wrong "correction" corrupts good data, a missed typo costs
little.  So a word is changed only when every one of these holds:

* the text is English (:func:`cleaner.lang.detect_language`, asked only when there is a
  candidate fix, so most documents never pay for it; in the pipeline, a record that
  declares its language is taken at its word: see ``lang``);
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
  by the bigram counts of the neighbouring words ("to lauch air strikes" -> launch).  In
  running text frequency counts at half weight and a rival whose pair with a neighbour is
  too rare to be in the bigram list gets the benefit of the doubt (:func:`_pairwise_lead`);
* in running text, a fix that changes a vowel has no near-as-common rival that is as
  natural a slip (:func:`_vowel_rival`: ranning is running or raining).

A text that is one word alone (a word list entry) has no context to weigh, so rivals
reached by refused edits weigh less and a sound-alike word two edits away may be the fix
(:func:`_decide_two`: accomadate -> accommodate); running text never gets two-edit fixes.

Speed: one split and one set difference per document find the unknown chunks; one-edit
candidates come from a deletion index (SymSpell's trick), and every per-word verdict is
cached across documents in bounded LRU caches.  With the compiled loops
(``cleaner._fast``) one scan per document finds the unknown words
(``typo_words``), and the one-edit search, the two-edit rival search and the derivation
rules run over compiled word tables (``DeletionIndex``); the output is the same.

Every change is logged as an :class:`~cleaner.document.Edit` whose reason names the rule
and the figures behind it.  Data: ``cleaner/data/typos/`` (see its README), built by
``scripts/build_typo_data.py``; nothing is downloaded at run time.
"""
from __future__ import annotations

import gzip
import math
import os
import re
import sys
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from .._memo import BoundedDict
from ..document import Edit
from .typos_edits import adjacent, osa_distance, pair_key, sound_key, substitution_kind

from .._compiled import fast

NAME = "fix_typos"
DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "typos")

# ------------------------------------------------------------------ thresholds (zipf units)
#: A candidate correction must be at least this common (zipf 3 = once per million words).
MIN_CANDIDATE_ZIPF = 2.5
#: A token that wordfreq sees at least this often is a word of its own (slang, a name...).
MAX_TOKEN_ZIPF = 3.3
#: The candidate must be this much more frequent than the token (2.0 = 100 times).
MIN_GAIN = 1.5
#: The winner's score must beat the runner-up's by this much (1.0 = 10 times).
MIN_LEAD = 1.3
#: When the token has neighbours but the bigram list knows neither pair with the winner,
#: the unigram lead must be at least this (or the winner must be the only candidate).
MIN_LEAD_UNCONFIRMED = 2.0
#: A word two edits away that is this much commoner than the winner (a negative deficit)
#: makes the token ambiguous ("whont": wont, but want is 100 times commoner).
MAX_RIVAL2_DEFICIT = -1.5
#: In running text, a fix by a changed vowel is dropped when another candidate at most
#: this much less common is as natural a slip (see :func:`_vowel_rival`).
VOWEL_RIVAL_DEFICIT = 2.0
#: Bigram counts are Google Books counts; the list keeps pairs seen at least 6.4 million
#: times, so an absent pair is smoothed as if seen half that often.
CONTEXT_SMOOTHING = 3.2e6
#: Total of symspellpy's unigram counts (5.4e11): the corpus size for expected pair counts.
BIGRAM_TOTAL = 5.4e11
#: Zipf assumed for a word missing from the lexicon (it keeps words from 1.5 up).
ABSENT_ZIPF = 1.0
#: Two-edit rivals are only looked for among words at least this common.
RIVAL2_MIN_ZIPF = 4.0
#: Shortest token considered; tokens shorter than ``MIN_LEN_ANY_EDIT`` only get swapped
#: letters fixed (teh -> the): a one-letter change reaches too many short words.
MIN_LEN = 3
MIN_LEN_ANY_EDIT = 5
#: Longest token considered: no longer "word" is a typo, and its edit neighbours cost O(n^2).
MAX_LEN = 40
#: Share of the lowercase words around a token that must be dictionary words (English).
MIN_LOCAL_ENGLISH = 1.0
LOCAL_WINDOW = 50
#: A document whose distinct chunks are less than this share dictionary words is not
#: English prose (checked before anything else; on Common Crawl pages, 26 of 41 non-English
#: pages and 3 of 256 English ones fall below 0.3).
MIN_KNOWN_SHARE = 0.3
#: ... and one whose distinct chunks are at least this share dictionary words (and that is
#: long enough to tell) is English without asking the language identifier (on Common Crawl
#: pages: 120 English and no other page at 0.7 or more).
SURELY_ENGLISH_SHARE = 0.75
#: Characters of the longest lines given to the language identifier (it costs ~5 ms per
#: 1000 characters and runs only on documents with a fix to make).
LANG_SAMPLE = 250

# A whitespace-delimited chunk that is one lowercase word with ordinary punctuation around
# it.  Anything else (hyphens, digits, @ / _ . inside, apostrophes, capitals) is left alone.
_CHUNK = re.compile(r"[(\[\"'\u201c\u2018]*([a-z]{%d,%d})[)\]\"'\u201d\u2019.,;:!?]*" % (MIN_LEN, MAX_LEN))
# ... one per line of "\n"-joined chunks: the literal "\n" lets the engine skip to line starts
# (search "\n" + "\n".join(chunks) + "\n")
_CHUNKS = re.compile("\n" + _CHUNK.pattern + r"(?=\n)")
# A line holding any of these is treated as code or markup and left alone.
_CODE_LINE = re.compile(r"[{}<>`|\\]|==|=>|\(\)|;\s*$|^\s{4}|^\t|://|www\.|\bdef |\breturn\b|\bvar |\bfunction\b")
# A substring of every match of _CODE_LINE that does not start at the text's start.
_CODE_CUES = ("{", "}", "<", ">", "`", "|", "\\", "==", "=>", "()", ";", "://", "www.", "def ", "return", "var ",
              "function")
_ALPHA = re.compile(r"[A-Za-z]+")
_TRIPLE = re.compile(r"([a-z])\1\1+")

# Derivations that make a real word out of a dictionary word (helmed, coolish, drafty,
# partiers, softwares): such a token is a word we lack, not a typo.  (suffix, stem ending
# it may follow, what the stem gave up: "" or "e" or "y")
_SUFFIXES = ("s", "es", "ed", "d", "er", "ers", "r", "rs", "ing", "ings", "y", "ish", "est", "ness",
             "less", "ist", "ists", "ism", "ee", "ees", "ful", "ly", "ment", "ments")
_PREFIXES = ("un", "re", "pre", "non", "over", "under", "out", "mis", "dis", "co", "sub", "super",
             "inter", "anti", "semi", "multi", "micro", "mega", "mini", "self", "post", "counter")


class _Bigrams:
    """Pair counts as two sorted arrays (64-bit pair key -> count): a few MB, loaded with
    one ``frombytes``.  Looked up with bisect, a few times per decision."""

    def __init__(self, raw: bytes) -> None:
        half = len(raw) // 2
        self.keys = array("Q")
        self.keys.frombytes(raw[:half])
        self.counts = array("Q")
        self.counts.frombytes(raw[half:])
        if sys.byteorder != "little":
            self.keys.byteswap()
            self.counts.byteswap()

    def get(self, a: str, b: str) -> int:
        k = pair_key(a, b)
        i = bisect_left(self.keys, k)
        return self.counts[i] if i < len(self.keys) and self.keys[i] == k else 0


@dataclass(frozen=True, slots=True)
class _Lexicon:
    # The two word sets are dicts (every value None), not frozensets: a dict that holds
    # only strings is not tracked by the garbage collector, while a frozenset is, and
    # each full collection walked the two sets' ~166,000 entries twice, a cache miss
    # each: ~30 ms a collection, ~3% of the default pipeline's time on the dev set.
    zipf100: dict[str, int]  # wordfreq zipf * 100 of the known lowercase words
    dictionary: dict[str, None]  # the spell-checker dictionary (correct words), as a set
    protected: dict[str, None]  # dictionary + variants: never changed, as a set

    def z(self, word: str) -> float:
        """Zipf frequency; a word missing from the lexicon counts as ``ABSENT_ZIPF``."""
        v = self.zipf100.get(word)
        return ABSENT_ZIPF if v is None else v / 100.0


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """Load the word data once per process (well under a second, ~30 MB)."""
    zipf100: dict[str, int] = {}
    dictionary: list[str] = []
    with gzip.open(os.path.join(DATA, "lexicon.tsv.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            w, z, flag = line.rstrip("\n").split("\t")
            zipf100[w] = int(z)
            if flag == "D":
                dictionary.append(w)
    variants: list[str] = []
    with open(os.path.join(DATA, "variants.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                variants.append(line.strip())
    d = dict.fromkeys(dictionary)
    protected = dict(d)
    protected.update(dict.fromkeys(variants))
    return _Lexicon(zipf100, d, protected)


@lru_cache(maxsize=1)
def bigrams() -> _Bigrams:
    """The pair counts, loaded on first use (only documents with a fix to weigh need them)."""
    with gzip.open(os.path.join(DATA, "bigrams.bin.gz"), "rb") as f:
        return _Bigrams(f.read())


class _DeletionIndex:
    """One-letter deletions of a word list -> the words (SymSpell's trick), kept compact:
    one sorted array of 64-bit entries, a 40-bit hash of the deletion above a 24-bit word
    number (~3 MB for 42,000 words instead of ~70 MB of dict and tuples), plus where each
    of the 2^18 buckets of the hash's top bits starts (~1 MB): a lookup reads two offsets
    and scans one or two entries instead of a bisect of ~19 steps.  ``hash`` is salted per
    process, which is fine for an index built in the process; a hash clash is weeded out
    by checking each hit.

    >>> idx = _DeletionIndex(["launch", "laugh", "latch"])
    >>> idx.get("lauch"), idx.get("aunch"), idx.get("zzz")
    (('launch',), ('launch',), ())
    """

    def __init__(self, words: list[str]) -> None:
        self.words = words
        entries = [((hash(w[:i] + w[i + 1 :]) & _HASH40) << 24) | n for n, w in enumerate(words) for i in range(len(w))]
        entries.sort()
        # a doubled letter gives the same deletion twice: keep one entry
        self.keys = array("Q", (e for j, e in enumerate(entries) if j == 0 or entries[j - 1] != e))
        # bucket b holds keys[starts[b]:starts[b + 1]] (counted in place: no big temporary list)
        self.starts = starts = array("I", bytes(4 * ((1 << _BUCKET_BITS) + 1)))
        for e in self.keys:
            starts[(e >> _BUCKET_SHIFT) + 1] += 1
        for b in range(1, len(starts)):
            starts[b] += starts[b - 1]

    def get(self, deletion: str) -> tuple[str, ...]:
        h = hash(deletion) & _HASH40
        b = h >> (40 - _BUCKET_BITS)
        i, end = self.starts[b], self.starts[b + 1]
        if i == end:
            return ()
        keys = self.keys
        out: list[str] = []
        while i < end:
            e = keys[i]
            if e >> 24 == h:
                w = self.words[e & 0xFFFFFF]
                if _is_deletion(w, deletion):
                    out.append(w)
            i += 1
        return tuple(out)


_HASH40 = (1 << 40) - 1
_BUCKET_BITS = 18
_BUCKET_SHIFT = 64 - _BUCKET_BITS


def _is_deletion(word: str, shorter: str) -> bool:
    """``shorter`` is ``word`` with one letter taken out."""
    if len(word) != len(shorter) + 1:
        return False
    i = 0
    while i < len(shorter) and word[i] == shorter[i]:
        i += 1
    return word[i + 1 :] == shorter[i:]


@lru_cache(maxsize=1)
def _candidate_index() -> _DeletionIndex:
    """Deletion index of the candidate words (dictionary, zipf >= ``MIN_CANDIDATE_ZIPF``):
    a token's one-edit neighbours take about ``2n`` lookups instead of building ``54n + 25``
    strings.  Built on first use (~0.5 s)."""
    lx = lexicon()
    floor = int(MIN_CANDIDATE_ZIPF * 100)
    return _DeletionIndex(sorted(w for w in lx.dictionary if lx.zipf100[w] >= floor))


@lru_cache(maxsize=1)
def _common_index() -> dict[str, tuple[str, ...]]:
    """One-letter deletions of the words at least ``RIVAL2_MIN_ZIPF`` common -> the words, as
    a plain dict (~13,000 words, ~90,000 keys): the two-edit rival search looks up n^2
    deletions per token, so this small index trades a few MB for dict-speed lookups."""
    lx = lexicon()
    floor = int(RIVAL2_MIN_ZIPF * 100)
    idx: dict[str, list[str]] = {}
    for w in lx.dictionary:
        if lx.zipf100[w] >= floor:
            for i in range(len(w)):
                lst = idx.setdefault(w[:i] + w[i + 1 :], [])
                if not lst or lst[-1] != w:
                    lst.append(w)
    return {k: tuple(v) for k, v in idx.items()}


def _indexed(floor100: int) -> Any:
    """The dictionary words at least ``floor100`` / 100 common as a compiled deletion index."""
    lx = lexicon()
    from .. import _fast

    words = sorted(w for w in lx.dictionary if lx.zipf100[w] >= floor100)  # sorted: the order of _DeletionIndex
    return _fast.DeletionIndex(words, [lx.zipf100[w] for w in words])


@lru_cache(maxsize=1)
def _fast_candidate_index() -> Any:
    """The words of :func:`_candidate_index` as the compiled one-edit search
    (``cleaner._fast.DeletionIndex``, with their zipf; ~8 MB, built once, ~0.1 s)."""
    return _indexed(int(MIN_CANDIDATE_ZIPF * 100))


@lru_cache(maxsize=1)
def _fast_common_index() -> Any:
    """The words of :func:`_common_index` as the compiled search (~1 MB, a few hundredths of a second)."""
    return _indexed(int(RIVAL2_MIN_ZIPF * 100))


@lru_cache(maxsize=1)
def _fast_dictionary() -> Any:
    """The dictionary with its zipf as a compiled table (``cleaner._fast.DeletionIndex``
    without deletions; ~9 MB, built once, ~0.1 s), for :func:`_derived`."""
    from .. import _fast

    lx = lexicon()
    words = list(lx.dictionary)
    return _fast.DeletionIndex(words, [lx.zipf100[w] for w in words], deletions=False)


def _load_tables() -> None:
    """Build now every word table the current path uses (else the first document that needs
    one pays for it: a one-off cost, well under a second in all); benchmarks call this
    before timing."""
    lexicon()
    bigrams()
    if fast() is not None:
        _protected_table()
        _fast_candidate_index()
        _fast_common_index()
        _fast_dictionary()
    else:
        _candidate_index()
        _common_index()


def _same_length_kind(word: str, cand: str) -> str | None:
    """'substitution' or 'transposition' when ``cand`` (same length) is one such edit away."""
    diff = [i for i, (a, b) in enumerate(zip(word, cand)) if a != b]
    if len(diff) == 1:
        return "substitution"
    if len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == cand[diff[1]] and word[diff[1]] == cand[diff[0]]:
        return "transposition"
    return None


def _neighbours1(lx: _Lexicon, word: str) -> dict[str, str]:
    """Dictionary words at least ``MIN_CANDIDATE_ZIPF`` common, one Damerau edit from
    ``word`` -> kind of edit (from the typo's side: 'deletion' = the typo has an extra letter).

    Same answer as filtering :func:`edits1` through the dictionary, from the deletion index:

    >>> n = _neighbours1(lexicon(), "lauch")
    >>> n["launch"], n["laugh"], n["luach"] if "luach" in n else None
    ('insertion', 'substitution', None)

    With the compiled loops the same dict, in the same order, comes from
    :func:`_fast_candidate_index` (no string per deletion), built from :func:`lexicon`'s
    words (``lx`` is then not read).
    """
    if fast() is not None:
        return _fast_candidate_index().neighbours1(word)
    idx = _candidate_index()
    floor = int(MIN_CANDIDATE_ZIPF * 100)
    d, z = lx.dictionary, lx.zipf100
    out: dict[str, str] = {}
    n = len(word)
    seen: set[str] = set()
    # _DeletionIndex.get inlined (most unknown words have no neighbour at all, so this loop
    # is most of their cost): the words of the index with this deletion are its entries in
    # the deletion's bucket whose hash matches and that really give it.
    starts, keys, words = idx.starts, idx.keys, idx.words
    shift = 40 - _BUCKET_BITS
    for i in range(n):
        dl = word[:i] + word[i + 1 :]
        if dl in seen:
            continue
        seen.add(dl)
        if dl in d and z[dl] >= floor:
            out[dl] = "deletion"  # the typo has an extra letter
        h = hash(dl) & _HASH40
        j = starts[h >> shift]
        end = starts[(h >> shift) + 1]
        while j < end:
            e = keys[j]
            j += 1
            if e >> 24 == h:
                c = words[e & 0xFFFFFF]  # len(c) == n when it gives dl
                if c not in out and _is_deletion(c, dl):
                    kind = _same_length_kind(word, c)
                    if kind is not None:
                        out[c] = kind
    for c in idx.get(word):
        out[c] = "insertion"  # the typo lacks a letter
    return out


@lru_cache(maxsize=16384)
def _rival2_cached(word: str) -> tuple[str, float] | None:
    return _rival2(lexicon(), word)


def _rival2(lx: _Lexicon, word: str) -> tuple[str, float] | None:
    """The most frequent dictionary word exactly two edits from ``word`` (or None), among
    words at least ``RIVAL2_MIN_ZIPF`` common.

    A token one edit from a word but two from a similarly common or commoner one
    ("whont": wont / want; "apone": alone / upon) is not a clear typo of either.

    >>> _rival2(lexicon(), "whont")[0]
    'what'

    With the compiled loops the same answer comes from :func:`_fast_common_index`, built
    from :func:`lexicon`'s words (``lx`` is then not read).
    """
    if fast() is not None:
        return _fast_common_index().rival2(word)
    idx = _common_index()
    n = len(word)
    del1 = {word[:i] + word[i + 1 :] for i in range(n)}
    pool: set[str] = set()
    for d in del1:
        pool.update(idx.get(d, ()))
        for i in range(len(d)):
            dd = d[:i] + d[i + 1 :]
            pool.update(idx.get(dd, ()))
            if dd in lx.dictionary:
                pool.add(dd)
    floor = RIVAL2_MIN_ZIPF
    best: tuple[str, float] | None = None
    for z, c in sorted(((lx.z(c), c) for c in pool), reverse=True):
        if z < floor:
            break
        if osa_distance(word, c) == 2:
            return (c, z)
    return best


def _misderived(stem: str, suf: str) -> bool:
    """Stem + suffix joins that are classic misspellings rather than words we lack:
    tryed (y not turned to i), truely (e kept before -ly), acknowledgeing (e kept before
    -ing), admited (consonant not doubled), actualy (-al + y for -ally)."""
    if suf in ("ed", "es", "er", "ers", "est") and stem.endswith("y") and stem[-2:-1] not in "aeiou":
        return True
    if suf == "ly" and stem.endswith("e"):
        return True
    if suf in ("ing", "ings") and stem.endswith("e") and not stem.endswith(("ee", "ye", "oe")):
        return True
    if suf in ("ed", "ing", "er", "ers", "est") and _CVC.search(stem):
        return True
    if suf == "y" and stem.endswith("l"):
        return True
    return False


def _compound_part(lx: _Lexicon, part: str, left: bool) -> bool:
    """A part of a run-together pair: a common word, or a very common short word."""
    z = lx.z(part)
    if len(part) >= 4:
        return z >= 4.0
    return z >= (5.5 if left else 5.0)


# A final consonant that English doubles before -ed/-ing in stressed syllables
# (admit -> admitted, occur -> occurred); n, m, k are left out (shortener, helmed).
_CVC = re.compile(r"[^aeiou][aeiou][tplrgdb]\Z")


def _derived(lx: _Lexicon, word: str) -> str | None:
    """How ``word`` is built from dictionary words, if it is (else None).

    >>> lx = lexicon()
    >>> _derived(lx, "helmed"), _derived(lx, "coolish"), _derived(lx, "partiers")
    ('helm+ed', 'cool+ish', 'party+ers')
    >>> _derived(lx, "oppostion") is None and _derived(lx, "tryed") is None
    True

    With the compiled loops the same answer comes from :func:`_fast_dictionary` (no
    string per stem, prefix or split tried), built from :func:`lexicon`'s words (``lx`` is
    then not read).
    """
    if fast() is not None:
        return _fast_dictionary().derived(word, _SUFFIXES, _PREFIXES)
    d = lx.dictionary
    for suf in _SUFFIXES:
        if len(word) > len(suf) + 2 and word.endswith(suf):
            stem = word[: -len(suf)]
            if stem in d and not _misderived(stem, suf):
                return f"{stem}+{suf}"
            if suf[0] in "aeiy" and stem + "e" in d and suf not in ("es", "ed", "er", "ers", "est", "ee", "ees"):
                return f"{stem}e+{suf}"  # horde+ing -> hording
            if suf[0] in "eai" and stem.endswith("i") and stem[:-1] + "y" in d:
                return f"{stem[:-1]}y+{suf}"  # party+ers -> partiers, racy+est -> raciest
    if word.endswith("men") and word[:-3] + "man" in d:
        return f"{word[:-3]}man+plural"  # spokeswomen
    if word.endswith("in") and word + "g" in d:
        return f"{word}g-g"  # sittin', keepin': deliberate dropped g
    for pre in _PREFIXES:
        rest = word[len(pre) :]
        if word.startswith(pre) and len(rest) >= 4 and rest in d:
            return f"{pre}+{rest}"
    if any(word[i] == word[i + 1] and word[:i] + word[i + 1 :] in d for i in range(len(word) - 1)):
        return None  # a doubled letter explains it better (allready, ammount, asside)
    for i in range(2, len(word) - 2):
        a, b = word[:i], word[i:]
        if a in d and b in d and _compound_part(lx, a, left=True) and _compound_part(lx, b, left=False):
            # A run-together pair (anyday, ontop, hehad, iscorrect): a missing space is not
            # a one-word typo, and the one-edit "fix" (head, incorrect) changes the meaning.
            return f"{a}+{b}"
    return None


@lru_cache(maxsize=65536)
def _derived_cached(word: str) -> str | None:
    return _derived(lexicon(), word)


def _allowed(word: str, cand: str, kind: str, token_zipf: float) -> bool:
    """Edits that are too often a real word's relation rather than a slip are refused."""
    n = len(word)
    if kind == "transposition":
        return True
    if word[0] != cand[0]:
        return False  # writers rarely get the first letter wrong (rough/brought, catal/fatal)
    if _TRIPLE.search(word):
        # Expressive spelling (wheee, sooo): only undo the tripled letter (neeeded -> needed).
        return _TRIPLE.sub(lambda m: m.group(0)[:2], word, count=1) == cand
    if n < MIN_LEN_ANY_EDIT:
        return False
    if kind == "deletion":
        # The typo has an extra letter.  At either end that is usually a different word
        # (codec/code, bday/day, todays/today, wifey/wife), unless the letter is doubled.
        if word[0] != cand[0]:
            return False
        if word[-1] != cand[-1] and word[-1] != word[-2]:
            return False
        return True
    if kind == "substitution":
        # An unrelated wrong letter is more often a rarer real word or a name (balk/back,
        # helmed/helped, darjen/darren) than a slip: only neighbouring keys and vowels.
        return substitution_kind(word, cand) != "other"
    return True  # insertion: the typo lacks a letter


def common_slip(typo: str, cand: str, kind: str) -> bool:
    """The slips writers make most: swapped letters, a dropped letter, a doubled letter.

    >>> common_slip("untill", "until", "deletion"), common_slip("happend", "happened", "insertion")
    (True, True)
    >>> common_slip("todays", "today", "deletion"), common_slip("helmed", "helped", "substitution")
    (False, False)
    """
    if kind in ("transposition", "insertion"):
        return True
    if kind == "deletion":
        return any(typo[i] == typo[i + 1] and typo[:i] + typo[i + 1 :] == cand for i in range(len(typo) - 1))
    return False


def _slip_beats_derivation(word: str, derived: str, best: tuple[str, float, str], kind: str, token_zipf: float) -> bool:
    """A token that parses as a derived word (be+live, happen+d, un+till) is still a typo
    when a far commoner word is one common slip away (believe, happened, until): such
    derivations are rare words or none, the slip is frequent.  A dropped g (sittin) or a
    -men plural is deliberate and stays protected.

    >>> lx = lexicon()
    >>> _slip_beats_derivation("belive", "be+live", ("believe", lx.z("believe"), "insertion"), "insertion", lx.z("belive"))
    True
    >>> _slip_beats_derivation("todays", "today+s", ("today", lx.z("today"), "deletion"), "deletion", lx.z("todays"))
    False
    """
    if "+" not in derived:
        return False
    return common_slip(word, best[0], kind) and best[1] - token_zipf >= DERIVED_OVERRIDE_GAIN


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
    zw = lx.z(word)
    if zw >= MAX_TOKEN_ZIPF:
        return None
    near = _neighbours1(lx, word)  # cheap rejections first: most unknown words stop here
    if not near:
        return None
    ranked = sorted(((c, lx.z(c), k) for c, k in near.items()), key=lambda t: (-t[1], t[0]))
    best = ranked[0]
    if best[1] - zw < MIN_GAIN:
        return None
    derived = _derived_cached(word)
    if derived is not None and not _slip_beats_derivation(word, derived, best, near[best[0]], zw):
        return None
    # Every frequent neighbour stays a rival, even one whose edit is refused: a token
    # between two words is ambiguous whichever edit we would accept.
    keep = tuple(r for r in ranked if r[1] >= best[1] - 3.0)
    if not any(_allowed(word, c, k, zw) for c, _z, k in keep):
        return None
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
    if sub == "sound":
        return -0.3, "wrong letter (sounds alike)"
    return -1.0, "wrong letter"


def _pair_evidence(lx: _Lexicon, a: str, b: str) -> tuple[float, int]:
    """log10 of how much likelier the pair ``a b`` is than chance, from the bigram counts.

    ``(observed + S) / (expected + S)``, with ``expected`` the count under independence
    (wordfreq frequencies times the corpus size) and ``S`` half the list's cut-off.  A pair
    missing from the list although chance alone would put it there ("the their") scores
    below zero; a pair far above chance ("to launch") scores above.
    """
    obs = bigrams().get(a, b)
    za, zb = lx.z(a), lx.z(b)
    expected = 10.0 ** (za - 9.0) * 10.0 ** (zb - 9.0) * BIGRAM_TOTAL
    return math.log10((obs + CONTEXT_SMOOTHING) / (expected + CONTEXT_SMOOTHING)), obs


#: Weight of the zipf frequency in a candidate's score when the token has neighbours.  The
#: bigram evidence already leans toward frequent candidates (only their pairs clear the
#: list's cut-off), so at full weight frequency would count twice; learners also mean rarer
#: words more often than frequency says (amusing, beggar, raining).
CONTEXT_ZIPF_WEIGHT = 0.5
#: A token built like a derived word is still corrected when a common slip (swap, dropped
#: or doubled letter) of a word at least this much commoner explains it (2.5 = 300 times).
DERIVED_OVERRIDE_GAIN = 2.5
#: Two-edit fixes (words alone only): candidates at least this common, tokens at least this
#: long, the prior of the second slip, and the gain the winner needs over the token.
TWO_EDIT_MIN_ZIPF = 3.0
TWO_EDIT_MIN_LEN = 6
TWO_EDIT_PRIOR = -1.0
TWO_EDIT_MIN_GAIN = 2.0
#: ... a rival two edits away that does not sound the same weighs this much less, and a
#: sound-alike rival that is not a candidate (three edits away, or another first letter)
#: counts its edits at this share of ``TWO_EDIT_PRIOR`` each.
UNSOUND_TWO_EDIT_PRIOR = -1.0
FAR_ALIKE_WEIGHT = 0.5
#: Prior added, for a word alone (no neighbours to weigh), to a rival reached by an edit
#: that is refused as a correction (first letter changed, extra letter at the end ...):
#: such a slip is rare, so "adress" is address more than dress.  In running text these
#: rivals keep full weight (precision: a token between two words is left alone).
REFUSED_EDIT_PRIOR = -1.0
#: The bigram list keeps pairs seen at least this often: an unlisted pair was seen fewer times.
BIGRAM_CUTOFF = 6.4e6


@dataclass(frozen=True, slots=True)
class _Side:
    bonus: float  # log10 evidence of the pair (see _pair_evidence); for an unlisted pair, as if never seen
    count: int  # its bigram count (0 = not in the list)
    ceiling: float  # the most evidence the pair could have: for an unlisted pair, as if seen just under the cut-off


def _side(lx: _Lexicon, a: str, b: str) -> _Side:
    bonus, obs = _pair_evidence(lx, a, b)
    if obs:
        return _Side(bonus, obs, bonus)
    expected = 10.0 ** (lx.z(a) - 9.0) * 10.0 ** (lx.z(b) - 9.0) * BIGRAM_TOTAL
    ceiling = math.log10((BIGRAM_CUTOFF + CONTEXT_SMOOTHING) / (expected + CONTEXT_SMOOTHING))
    return _Side(bonus, 0, ceiling)


def _sides(lx: _Lexicon, left: str | None, cand: str, right: str | None) -> tuple[_Side, ...]:
    return tuple(_side(lx, a, b) for a, b in ((left, cand), (cand, right)) if a and b)


def _pairwise_lead(base: float, win: tuple[_Side, ...], rival: tuple[_Side, ...]) -> float:
    """How far the winner surely leads one rival: ``base`` (weighted zipf + slip prior
    difference) plus, neighbour by neighbour, the winner's context evidence minus the most
    the rival's could be.  A pair missing from the bigram list was seen fewer times than
    the cut-off, not never: "the deference" is unlisted because deference is rare, which
    says little against it.  So a rare rival keeps the benefit of the doubt.

    >>> listed, unlisted = _Side(2.0, 10**9, 2.0), _Side(0.0, 0, 0.5)
    >>> _pairwise_lead(1.0, (listed,), (unlisted,)), _pairwise_lead(1.0, (listed,), (_Side(-0.5, 0, -0.5),))
    (2.5, 3.5)
    >>> _pairwise_lead(1.0, (unlisted,), (unlisted,))  # neither pair listed: no evidence either way
    1.0
    """
    lead = base
    for w, r in zip(win, rival):
        # Both unlisted: the same ignorance on both sides, compare as they are.
        lead += w.bonus - (r.ceiling if w.count and not r.count else r.bonus)
    return lead


def _context_bonus(lx: _Lexicon, left: str | None, cand: str, right: str | None) -> tuple[float, int]:
    bonus, count = 0.0, 0
    if left:
        b, c = _pair_evidence(lx, left, cand)
        bonus, count = bonus + b, count + c
    if right:
        b, c = _pair_evidence(lx, cand, right)
        bonus, count = bonus + b, count + c
    return bonus, count


def decide(word: str, left: str | None = None, right: str | None = None, *,
           alone: bool | None = None) -> tuple[str, str] | None:
    """``(correction, reason)`` for a lowercase token between the words ``left`` and
    ``right`` (lowercased, or None), or None to leave it.  No document guards here.

    Each candidate scores its zipf frequency, plus the log prior of the slip (a swapped
    or missing letter is likelier than an unrelated wrong letter), plus a context bonus
    from the bigram counts with the neighbours.  The best must lead every other candidate
    by ``MIN_LEAD`` (``MIN_LEAD_UNCONFIRMED`` when the neighbours give it no support),
    counting context only where the rival's pairs could be seen (:func:`_pairwise_lead`).

    >>> decide("oppostion")[0]
    'opposition'
    >>> decide("lauch", "to", "air")[0]
    'launch'
    >>> decide("wich") is None  # with or which: no clear winner
    True
    >>> decide("materiel") is None and decide("defence") is None
    True

    ``alone`` (default: no neighbours given) means the text is this one word, as in a word
    list: rivals reached by refused edits then weigh less, and a sound-alike word two
    edits away may be the fix (:func:`_decide_two`):

    >>> decide("accomadate")[0], decide("accomadate", "to", "the", alone=False)
    ('accommodate', None)
    """
    if alone is None:
        alone = left is None and right is None
    verdict = _decide_one(word, left, right, alone)
    if verdict is None and alone:
        verdict = _decide_two(word)
    return verdict


def _decide_one(word: str, left: str | None, right: str | None, alone: bool) -> tuple[str, str] | None:
    """The one-edit decision of :func:`decide`."""
    c = _candidates(word)
    if c is None:
        return None
    lx = lexicon()
    scored = []
    weight = CONTEXT_ZIPF_WEIGHT if (left or right) else 1.0
    for cand, z, kind in c.ranked:
        chan, slip = _channel(word, cand, kind)
        if alone and not _allowed(word, cand, kind, c.token_zipf):
            chan += REFUSED_EDIT_PRIOR
        sides = _sides(lx, left, cand, right)
        bonus = sum(sd.bonus for sd in sides)
        count = sum(sd.count for sd in sides)
        base = weight * z + chan
        scored.append((base + bonus, cand, z, slip, count, kind, base, sides))
    scored.sort(key=lambda t: (-t[0], t[1]))
    total, best, z, slip, count, kind, base, sides = scored[0]
    if not _allowed(word, best, kind, c.token_zipf):
        return None
    if z < MIN_CANDIDATE_ZIPF or z - c.token_zipf < MIN_GAIN:
        return None
    if count == 0 and any(t[4] > 0 for t in scored[1:]):
        return None  # the neighbours fit a rival, not the winner ("the theif who": thief)
    need = MIN_LEAD if (count > 0 or (left is None and right is None)) else MIN_LEAD_UNCONFIRMED
    if len(scored) > 1:
        leads = [(_pairwise_lead(base - t[6], sides, t[7]), t[1]) for t in scored[1:]]
        lead, rival = min(leads)
        if lead < need:
            return None
        why = f"leads {rival!r} by {lead:.1f}"
    else:
        why = "only candidate"
    r2 = _rival2_cached(word)
    if r2 is not None and r2[1] > z - MAX_RIVAL2_DEFICIT:
        return None
    if not alone and slip == "wrong vowel" and _vowel_rival(word, z, scored[1:]):
        return None
    ctx = f", context '{left or ''} _ {right or ''}' bigram count {count}" if count else ""
    return best, f"not in dictionary; {slip} of {best!r} (zipf {z:.1f} vs {c.token_zipf:.1f}{ctx}), {why}"


def _vowel_rival(word: str, z: float, rivals: Sequence[tuple]) -> bool:
    """True when a fix by a changed vowel has a rival at most ``VOWEL_RIVAL_DEFICIT``
    less common that is as natural a misspelling: another vowel, the same sound, or a
    doubled letter (ranning: running or raining; begger: bigger or beggar; amuzing:
    amazing or amusing).  Writers confuse vowels by ear, so frequency does not say
    which word was meant, and the bigram list seldom holds the rarer word's pairs.

    >>> _vowel_rival("ranning", 5.2, [(0, "raining", 3.7, "sounds alike")])
    True
    >>> _vowel_rival("seperate", 4.8, [])
    False
    """
    key = None
    for t in rivals:
        cand, zc, slip = t[1], t[2], t[3]
        if zc < z - VOWEL_RIVAL_DEFICIT:
            continue
        if slip in ("wrong vowel", "doubled letter", "wrong letter (sounds alike)"):
            return True
        if key is None:
            key = sound_key(word)
        if sound_key(cand) == key:
            return True
    return False


@lru_cache(maxsize=1)
def _sound_index() -> dict[str, tuple[str, ...]]:
    """:func:`sound_key` -> dictionary words at least ``TWO_EDIT_MIN_ZIPF`` common (built on
    first use, ~0.3 s; only words alone need it)."""
    lx = lexicon()
    floor = int(TWO_EDIT_MIN_ZIPF * 100)
    idx: dict[str, list[str]] = {}
    for w in lx.dictionary:
        if lx.zipf100[w] >= floor:
            idx.setdefault(sound_key.__wrapped__(w), []).append(w)  # uncached: 30,000 one-off keys
    return {k: tuple(v) for k, v in idx.items()}


@lru_cache(maxsize=16384)
def _decide_two(word: str) -> tuple[str, str] | None:
    """For a word alone: a dictionary word two edits away that sounds the same
    (:func:`sound_key`: accomadate -> accommodate, begginer -> beginner) and beats every
    one-edit neighbour and every other sound-alike by ``MIN_LEAD``, counting
    ``TWO_EDIT_PRIOR`` for the second slip.  Same first letter, not a derived word.

    >>> _decide_two("begginer")[0], _decide_two("wich")
    ('beginner', None)
    >>> _decide_two("restaraunts") is None  # restaurants or restraints: both sound alike
    True
    """
    lx = lexicon()
    if len(word) < TWO_EDIT_MIN_LEN or word in lx.protected:
        return None
    zw = lx.z(word)
    if zw >= MAX_TOKEN_ZIPF or _derived_cached(word) is not None:
        return None
    alike = [(w, osa_distance(word, w, 4)) for w in _sound_index().get(sound_key(word), ())]
    cands = [w for w, dist in alike if dist == 2 and w[0] == word[0]]
    if not cands:
        return None
    scored = sorted(((lx.z(w) + TWO_EDIT_PRIOR, w) for w in cands), reverse=True)
    total, best = scored[0]
    if lx.z(best) - zw < TWO_EDIT_MIN_GAIN:
        return None
    rivals = [(t, w) for t, w in scored[1:]]
    # A sound-alike three edits away is a rival too (resteraunt: restraint at two, but
    # restaurant at three); other sound-alikes two edits away with another first letter.
    rivals += [(lx.z(w) + (2 if dist == 2 else 3) * TWO_EDIT_PRIOR * FAR_ALIKE_WEIGHT, w)
               for w, dist in alike if w != best and w not in cands and dist <= 3]
    for c, kind in _neighbours1(lx, word).items():
        chan, _slip = _channel(word, c, kind)
        if not _allowed(word, c, kind, zw):
            chan += REFUSED_EDIT_PRIOR
        rivals.append((lx.z(c) + chan, c))
    r2 = _rival2_cached(word)
    if r2 is not None and r2[0] != best:
        first = 0.0 if r2[0][0] == word[0] else REFUSED_EDIT_PRIOR  # ocassion: passion
        rivals.append((r2[1] + TWO_EDIT_PRIOR + UNSOUND_TWO_EDIT_PRIOR + first, r2[0]))
    if rivals:
        top, rival = max(rivals)
        if total - top < MIN_LEAD:
            return None
        why = f"leads {rival!r} by {total - top:.1f}"
    else:
        why = "only candidate"
    return best, (f"not in dictionary; two slips from {best!r}, which sounds the same "
                  f"(zipf {lx.z(best):.1f} vs {zw:.1f}), {why}")


def _is_english(text: str) -> bool:
    from ..lang import detect_language

    return detect_language(text, max_chars=LANG_SAMPLE)[0] == "en"


_WORD_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+\Z")
_WORD_AFTER = re.compile(r"[ \t]+([A-Za-z]+)")


def _neighbours(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """The words right before and after a token, when only spaces separate them."""
    m = _WORD_BEFORE.search(text, max(0, start - 40), start)
    left = m.group(1).lower() if m else None
    m2 = _WORD_AFTER.match(text, end)
    right = m2.group(1).lower() if m2 else None
    return left, right


def _local_english(lx: _Lexicon, text: str, start: int, end: int, typos: frozenset[str] = frozenset()) -> bool:
    """The lowercase words within ``LOCAL_WINDOW`` characters are dictionary words (or
    built from them): not a quote in another language inside an English page, and not a
    passage so full of misspellings (learners, OCR) that a one-edit guess is unsafe.
    Too few words to tell: True."""
    lo, hi = max(0, start - LOCAL_WINDOW), min(len(text), end + LOCAL_WINDOW)
    while lo > 0 and text[lo - 1].isalpha():  # whole words only at the window's edges
        lo += 1
    while hi < len(text) and text[hi].isalpha():
        hi -= 1
    words = [w for w in _ALPHA.findall(text, lo, start) + _ALPHA.findall(text, end, hi) if w.islower()]
    if len(words) < 3:
        return True
    known = sum(1 for w in words if w in lx.protected or _derived_cached(w) is not None)
    return known >= MIN_LOCAL_ENGLISH * len(words)


def _bounded(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


def _first_occurrence(text: str, word: str, pos: int = 0) -> int:
    """Start of the first whole-word ``word`` at or after ``pos``, or -1 (str.find, no
    regex: this runs per candidate).

    >>> _first_occurrence("tehran, teh end, teh", "teh"), _first_occurrence("tehran, teh end, teh", "teh", 11)
    (8, 17)
    """
    i = text.find(word, pos)
    while i != -1 and not _bounded(text, i, i + len(word)):
        i = text.find(word, i + 1)
    return i


def _line_is_code(text: str, start: int, end: int) -> bool:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    stop = le if le != -1 else len(text)
    if ls:  # ``^`` of _CODE_LINE matches only at the text's start: then the cues below cover it
        line = text[ls:stop]
        if not any(cue in line for cue in _CODE_CUES):
            return False  # a few substring scans instead of the regex over a long line
    return _CODE_LINE.search(text, ls, stop) is not None


@lru_cache(maxsize=1)
def _protected_table() -> Any:
    """The never-changed words (``_Lexicon.protected``) as the compiled scan's word set
    (``cleaner._fast.LowerWordSet``: a word of up to 12 letters a-z is its own 64-bit key;
    ~2 MB, built once, a few hundredths of a second)."""
    from .. import _fast

    return _fast.LowerWordSet(lexicon().protected)


def _plausible(lx: _Lexicon, text: str) -> tuple[list[str], float, bool]:
    """Lowercase words of ``text`` that are not known and have candidate fixes, the share
    of known chunks, and whether the text is one word alone.

    Only whitespace chunks outside the dictionary are looked at (a set difference, or
    its compiled equivalent, ``cleaner._fast.typo_words``, which makes a string only for
    each unknown word it keeps), so the cost per document is one pass over its
    characters; the verdict on each unknown word is cached across documents
    (:func:`_candidates`).
    """
    f = fast()
    if f is not None:
        # the same counts and words as below, in one pass
        n_parts, n_chunks, n_rest, cores = f.typo_words(text, _protected_table(), MIN_LEN, MAX_LEN)
        if not n_rest:
            return [], 1.0, False
        share = 1.0 - n_rest / n_chunks
        if n_chunks >= 20 and share < MIN_KNOWN_SHARE:
            return [], share, False
    else:
        parts = text.split()
        chunks = set(parts)
        rest = chunks.difference(lx.protected)  # (a dict: set's fast path for one)
        n_parts, n_chunks = len(parts), len(chunks)
        if not rest:
            return [], 1.0, False
        share = 1.0 - len(rest) / n_chunks
        if n_chunks >= 20 and share < MIN_KNOWN_SHARE:
            return [], share, False  # mostly unknown chunks: not English (or not prose); skip the lookups
        # One regex call over the leftover chunks joined by newlines (no Python loop per chunk).
        cores = set(_CHUNKS.findall("\n" + "\n".join(rest) + "\n")).difference(lx.protected)
    if n_parts == 1:
        return list(cores), share, True  # a word alone: two-edit fixes are open to it (decide)
    return [w for w in cores if _candidates(w) is not None], share, False


#: Verdicts of :func:`decide` per (word, left, right, alone), shared across documents.
class _VerdictCache:
    """Verdicts of :func:`decide` per ``(word, left, right, alone)``, shared across
    documents: a :class:`cleaner._memo.BoundedDict` of ``maxsize`` entries (an
    ``lru_cache`` cannot be asked whether it knows a key without computing it, and
    :func:`fix_typos` wants a known verdict first but a new one only last).

    >>> cache = _VerdictCache(2)
    >>> cache("lauch", "to", "air", False)[0], cache.get(("lauch", "to", "air", False))[0]
    ('launch', 'launch')
    >>> cache.get(("lauch", "they", "with", False), _UNKNOWN) is _UNKNOWN
    True
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.data = BoundedDict(maxsize)  # (word, left, right, alone) -> verdict
        self.get = self.data.get

    def __call__(self, word: str, left: str | None, right: str | None, alone: bool) -> tuple[str, str] | None:
        key = (word, left, right, alone)
        try:
            return self.data[key]
        except KeyError:
            pass
        verdict = decide(word, left, right, alone=alone)
        self.data.put(key, verdict)
        return verdict

    def __len__(self) -> int:
        return len(self.data)

    def cache_clear(self) -> None:
        self.data.clear()


_UNKNOWN = ("", "")  # not a verdict: a key the cache does not hold
_decide_cached = _VerdictCache(65536)


def fix_typos(text: str, log: list[Edit] | None = None, *, lang: str | None = None) -> str:
    """Correct clear misspellings in English text (see the module doc for the rules).

    ``lang`` (an ISO 639-1 code) skips language detection when the caller knows the
    language, for instance for one-sentence texts too short to identify.

    >>> fix_typos("Russia sent in its warplanes to lauch air strikes at the request of Syria.")
    'Russia sent in its warplanes to launch air strikes at the request of Syria.'

    Two unknown words close together block each other (a passage that dense with
    misspellings is not safe to guess at):

    >>> fix_typos("They sent warplanes to lauch air strikes despite strong oppostion.")
    'They sent warplanes to lauch air strikes despite strong oppostion.'
    >>> log = []
    >>> fix_typos("ready to coordonate their approaches", log, lang="en")  # too short to identify
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
    if not text or (lang is not None and lang != "en"):
        return text
    lx = lexicon()
    words, share, alone = _plausible(lx, text)
    if not words:
        return text
    todo: list[tuple[int, int, str, str]] = []
    typos = frozenset(words)
    for word in words:
        start = _first_occurrence(text, word)
        if start == -1:
            continue  # only inside something else
        end = start + len(word)
        left, right = _neighbours(text, start, end)
        verdict = _decide_cached.get((word, left, right, alone), _UNKNOWN)
        if verdict is None:
            continue  # known: nothing to fix here, whatever the document
        # The document's own guards before a verdict not yet known: they cost a small
        # regex and a few str.find, a new verdict ~0.4 ms (context, two-edit rival); on the
        # dev set they turn away 6 in 10 of the words that have a verdict.  Cheapest and
        # most often failed first: the neighbourhood (most refusals), then the line, then
        # scans of the whole text.
        if not _local_english(lx, text, start, end, typos) or _line_is_code(text, start, end):
            continue
        if _first_occurrence(text, word, end) != -1:
            continue  # repeated
        if _first_occurrence(text, word.capitalize()) != -1 or _first_occurrence(text, word.upper()) != -1:
            continue  # the document also writes it capitalised: a name or a term
        if verdict is _UNKNOWN:
            verdict = _decide_cached(word, left, right, alone)
            if verdict is None:
                continue
        todo.append((start, end, verdict[0], verdict[1]))
    if not todo:
        return text
    if lang is None and not (len(text) >= 500 and share >= SURELY_ENGLISH_SHARE) and not _is_english(text):
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

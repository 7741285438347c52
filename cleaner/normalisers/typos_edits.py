"""Damerau-Levenshtein distance-1 edits of a lowercase ASCII word (helper of :mod:`typos`)."""
from __future__ import annotations

from functools import lru_cache
from hashlib import blake2b

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> dict[str, str]:
    """Every string one deletion, transposition, substitution or insertion away from
    ``word``, mapped to the kind of edit (the first kind found, in that order).

    >>> e = edits1("lauch")
    >>> e["launch"], e["luach"], e["lach"], e["latch"]
    ('insertion', 'transposition', 'deletion', 'substitution')
    >>> "lauch" in e
    False
    """
    out: dict[str, str] = {}
    n = len(word)
    for i in range(n):
        out.setdefault(word[:i] + word[i + 1 :], "deletion")
    for i in range(n - 1):
        if word[i] != word[i + 1]:
            out.setdefault(word[:i] + word[i + 1] + word[i] + word[i + 2 :], "transposition")
    for i in range(n):
        left, right, ch = word[:i], word[i + 1 :], word[i]
        for c in LETTERS:
            if c != ch:
                out.setdefault(left + c + right, "substitution")
    for i in range(n + 1):
        left, right = word[:i], word[i:]
        for c in LETTERS:
            out.setdefault(left + c + right, "insertion")
    out.pop(word, None)
    return out


_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_POS = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
VOWELS = set("aeiouy")


def adjacent(a: str, b: str) -> bool:
    """Neighbouring keys on a QWERTY keyboard (same row or the row above/below).

    >>> adjacent("g", "h"), adjacent("c", "g"), adjacent("e", "d")
    (True, False, True)
    """
    if a not in _POS or b not in _POS:
        return False
    (r1, i1), (r2, i2) = _POS[a], _POS[b]
    if r1 == r2:
        return abs(i1 - i2) == 1
    if abs(r1 - r2) != 1:
        return False
    # Rows are staggered: key i of a row touches keys i-1 and i of the row below it.
    upper, lower = (i1, i2) if r1 < r2 else (i2, i1)
    return lower in (upper - 1, upper)


def substitution_kind(typo: str, word: str) -> str:
    """For a same-length pair differing in one place: 'keyboard', 'vowel', 'sound' (the
    two spell the same sound, :func:`sound_key`: absense/absence, concider/consider) or
    'other'.

    >>> substitution_kind("latch", "laych"), substitution_kind("seperate", "separate")
    ('keyboard', 'vowel')
    >>> substitution_kind("absense", "absence"), substitution_kind("lauch", "laugh")
    ('sound', 'other')
    """
    for a, b in zip(typo, word):
        if a != b:
            if adjacent(a, b):
                return "keyboard"
            if a in VOWELS and b in VOWELS:
                return "vowel"
            if sound_key(typo) == sound_key(word):
                return "sound"
            return "other"
    return "other"


def osa_distance(a: str, b: str, cap: int = 3) -> int:
    """Optimal-string-alignment (restricted Damerau) distance, stopping at ``cap``.

    >>> osa_distance("whont", "want"), osa_distance("lauch", "launch"), osa_distance("ab", "ba")
    (2, 1, 1)
    """
    if abs(len(a) - len(b)) >= cap:
        return cap
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        if min(cur) >= cap:
            return cap
        prev2, prev = prev, cur
    return min(prev[-1], cap)


def pair_key(left: str, right: str) -> int:
    """64-bit key of a word pair in the bigram table (stable across processes).

    >>> pair_key("to", "launch") == pair_key("to", "launch") != pair_key("launch", "to")
    True
    """
    return int.from_bytes(blake2b(f"{left} {right}".encode(), digest_size=8).digest(), "little")


# Letter groups rewritten before the consonant skeleton is taken (longest first at each
# position): silent or doubled spellings of one sound.
_SOUND_GROUPS = (
    ("tch", "x"), ("sch", "sk"), ("ch", "x"), ("sh", "x"), ("th", "0"), ("ph", "f"), ("gh", ""),
    ("ck", "k"), ("dg", "j"), ("wh", "w"), ("qu", "kw"),
)
_SOUND_INITIAL = (("kn", "n"), ("gn", "n"), ("wr", "r"), ("ps", "s"), ("pn", "n"), ("x", "s"))
_SOUND_LETTER = {"c": "k", "q": "k", "x": "ks", "z": "s", "d": "t", "v": "f", "g": "k"}


@lru_cache(maxsize=65536)
def sound_key(word: str) -> str:
    """A rough consonant skeleton of how a lowercase word sounds (a simplified Metaphone):
    vowels dropped except a leading one (as ``a``), silent and doubled spellings merged,
    voiced consonants folded into their voiceless pairs (z/s, d/t, v/f, g/k), ``c`` and
    ``g`` softened before e, i, y.  Learners spell by ear, so a word that shares the
    token's key is a likely intended word even when it is two edits away.

    >>> sound_key("straight"), sound_key("strate"), sound_key("state")
    ('strt', 'strt', 'stt')
    >>> sound_key("apone") == sound_key("upon") != sound_key("alone")
    True
    >>> sound_key("amuzing") == sound_key("amusing"), sound_key("ocassion") == sound_key("occasion")
    (True, True)
    """
    w = "".join(ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1])
    for a, b in _SOUND_INITIAL:
        if w.startswith(a):
            w = b + w[len(a):]
            break
    out: list[str] = []
    i, n = 0, len(w)
    while i < n:
        for a, b in _SOUND_GROUPS:
            if w.startswith(a, i):
                out.append(b)
                i += len(a)
                break
        else:
            ch = w[i]
            nxt = w[i + 1] if i + 1 < n else ""
            if ch in "aeiouy":
                out.append("a" if i == 0 else ".")  # a vowel keeps apart what it separates
            elif ch == "h" or (ch == "w" and nxt not in "aeiou"):
                pass  # h and a w not before a vowel are silent
            elif ch in "cg" and nxt and nxt in "eiy":
                out.append("s" if ch == "c" else "j")
            else:
                out.append(_SOUND_LETTER.get(ch, ch))
            i += 1
    key: list[str] = []
    for ch in "".join(out):
        if not key or key[-1] != ch:
            key.append(ch)
    return "".join(key).replace(".", "")

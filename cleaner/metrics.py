"""The extraction metric of the article-extraction benchmark: token 4-gram (shingle)
precision, recall and F1.

Tokens are ``\\w+`` matches; a page's precision is shared/output shingles and recall is
shared/truth shingles (multisets).  P is averaged over pages whose output is not empty,
R over pages whose truth is not empty, and F1 = 2PR/(P+R) from the two means.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

import regex

_TOKEN = regex.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of token n-grams (fewer than n tokens: the whole token tuple).

    >>> sorted(shingles("a b c d e", 4))
    [('a', 'b', 'c', 'd'), ('b', 'c', 'd', 'e')]
    """
    toks = _TOKEN.findall(text)
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def page_pr(output: str, truth: str, n: int = 4) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where the side is empty."""
    o, t = shingles(output, n), shingles(truth, n)
    shared = sum((o & t).values())
    p = shared / sum(o.values()) if o else None
    r = shared / sum(t.values()) if t else None
    return p, r


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    pages: int
    empty: int
    empty_with_truth: int


def score(pairs: Iterable[tuple[str, str]], n: int = 4) -> Score:
    """Score (output, truth) pairs with the benchmark's definition."""
    ps: list[float] = []
    rs: list[float] = []
    pages = empty = empty_t = 0
    for out, truth in pairs:
        pages += 1
        p, r = page_pr(out, truth, n)
        if p is not None:
            ps.append(p)
        else:
            empty += 1
            if r is not None:
                empty_t += 1
        if r is not None:
            rs.append(r)
    P = sum(ps) / len(ps) if ps else 0.0
    R = sum(rs) / len(rs) if rs else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    return Score(P, R, F, pages, empty, empty_t)

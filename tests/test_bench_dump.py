"""The throughput benchmark's tiled dump (``benchmarks/throughput.py``): its variation must
keep per-line caches from gaining on the tiling, while each line keeps its words."""
from __future__ import annotations

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.throughput import vary  # noqa: E402

PAGE = "\n".join([
    "Home",
    "About us",
    "Russia sent in its warplanes to launch air strikes at the request of Syria.",
    "The strikes began on Wednesday, officials said, and continued through the night.",
    "Copyright 2024 Example Media Group. All rights reserved.",
    "We use cookies to improve your experience on our site.",
])


def tiles(n: int) -> list[list[str]]:
    return [vary(PAGE, random.Random(k * 1_000_003), k).split("\n") for k in range(1, n + 1)]


def test_every_line_of_three_words_or_more_differs_from_the_original():
    original = set(PAGE.split("\n"))
    for lines in tiles(5):
        long_lines = [x for x in lines if len(x.split(" ")) >= 3]
        assert len(long_lines) == 4
        assert not original.intersection(long_lines)


def test_a_long_line_takes_a_different_variant_in_consecutive_tiles():
    ts = tiles(6)
    for a, b in zip(ts, ts[1:]):
        pick = lambda lines: sorted(x for x in lines if len(x.split(" ")) >= 8)  # noqa: E731
        assert not set(pick(a)).intersection(pick(b))


def test_lines_keep_their_first_word_and_their_words_bar_the_changed_one():
    by_first = {x.split(" ")[0]: sorted(x.split(" ")) for x in PAGE.split("\n")}
    for lines in tiles(4):
        assert len(lines) == len(PAGE.split("\n"))
        changed = 0
        for line in lines:
            words = line.split(" ")
            assert words[0] in by_first or words[0].upper() == words[0]
            if words[0] in by_first and sorted(words) == by_first[words[0]]:
                continue
            changed += 1  # the one word that got the tile number or upper case
        assert changed <= 1


def test_short_lines_still_repeat_as_menus_do():
    for lines in tiles(3):
        assert "Home" in lines and "About us" in lines

"""The compiled hot loops (``cleaner._fast``) give the same results as the Python and
numpy paths: page_furniture's per-block counts and context features, and the typo
fixer's chunk scan.

The extension is optional (``setup.py`` builds it when a C compiler is there).  CI sets
``CLEANER_REQUIRE_COMPILED=1`` so that a build that silently failed is a failure, not a
skip.
"""
from __future__ import annotations

import glob
import os
from contextlib import contextmanager, nullcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import _compiled
from cleaner.detectors import furniture as F
from cleaner.document import Document

HERE = os.path.dirname(os.path.abspath(__file__))

if _compiled.MODULE is None:
    if os.environ.get("CLEANER_REQUIRE_COMPILED") == "1":
        raise RuntimeError("cleaner._fast is not built (CLEANER_REQUIRE_COMPILED=1)")
    pytest.skip("cleaner._fast is not built on this install", allow_module_level=True)

FAST = _compiled.MODULE
DET = F.PageFurniture()


@contextmanager
def python_paths():
    """Every caller on its Python (numpy) path, as on an install without the extension."""
    _compiled.ENABLED = False
    try:
        yield
    finally:
        _compiled.ENABLED = True


def test_the_switch_turns_the_compiled_loops_off():
    assert _compiled.fast() is FAST
    with python_paths():
        assert _compiled.fast() is None
    assert _compiled.fast() is FAST


def both(text: str, lang: str = "en") -> tuple[tuple, tuple]:
    """(compiled, numpy) counts of every line of ``text``."""
    doc = Document(text, {"lang": lang})
    starts = [b.start for b in doc.blocks]
    ends = [b.end for b in doc.blocks]
    fast = FAST.block_counts(text, starts, ends, F._stop_table(lang))
    ref = DET._counts(doc, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), False)
    return tuple(np.frombuffer(c, np.int64).tolist() for c in fast), tuple(np.asarray(c).astype(np.int64).tolist() for c in ref)


CASES = [
    # ASCII (one byte a character), stopwords as written, capitalised and in capitals
    "The council voted on Tuesday.\nTHE END, and then: 12 more\nHome | News | Sport",
    # Latin-1 (still one byte), a no-break space is whitespace for str.split
    "Caf\u00e9 de la gare\u00a0et le mus\u00e9e\n\u00c9t\u00e9 \u00e0 Paris, 2024",
    # two bytes a character: Cyrillic capitals, an ideographic space, a line separator
    "\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440 \u0438 \u0432\u0441\u0435\u043c\n"
    "a\u3000b\u2028c \u2003 d",
    # four bytes a character: emoji between words; tabs and other ASCII whitespace
    "Great \U0001f600 news\tfor\x0bthe\x1ccity\n  indented line, with 3 commas, here, too",
    # NUL stands for a space in the numpy path
    "the\x00cat\x00\x00sat on the mat\nend",
    # one-character lines and lines that end in dots
    "a\nI\n...\nRead more...\nx.",
]


@pytest.mark.parametrize("text", CASES)
def test_compiled_counts_equal_numpy(text):
    fast, ref = both(text)
    assert fast == ref


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "ru"])
def test_compiled_counts_equal_numpy_across_stoplists(lang):
    text = "The city and the river\nDie Stadt und der Fluss\nLa ville et le fleuve\nLa ciudad y el r\u00edo\n\u0413\u043e\u0440\u043e\u0434 \u0438 \u0440\u0435\u043a\u0430"
    fast, ref = both(text, lang)
    assert fast == ref
    assert sum(fast[1]) > 0  # some stopwords were found


_ALPHABET = st.sampled_from(list("the and of THE The a b c , . 1 2 \u00e9\u00c9\u0416\u0436\u4e2d\U0001f600") + [
    " ", " ", " ", "\n", "\n", "\t", "\x00", "\u00a0", "\u3000", "\x1c", "\r"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=120).map("".join))
def test_compiled_counts_equal_numpy_on_random_text(text):
    doc = Document(text, {})
    if not doc.blocks:
        return
    fast, ref = both(text)
    assert fast == ref


@settings(max_examples=200, deadline=None)
@given(st.frozensets(st.text(alphabet="ab\u00e9\u0416\U0001f600", min_size=1, max_size=6), max_size=40),
       st.lists(st.text(alphabet="ab\u00e9\u0416\U0001f600", min_size=0, max_size=7), max_size=20))
def test_stop_table_is_a_set(words, probes):
    table = FAST.StopTable(words)
    for w in list(words) + probes:
        assert (w in table) == (w in words)


def test_doctests_of_the_compiled_module():
    import doctest

    result = doctest.testmod(FAST)
    assert result.attempted >= 4 and result.failed == 0


def test_out_of_range_blocks_are_refused():
    with pytest.raises(ValueError):
        FAST.block_counts("abc", [0], [4], FAST.StopTable(frozenset()))
    with pytest.raises(ValueError):
        FAST.block_counts("abc", [0, 1], [2], FAST.StopTable(frozenset()))


def test_detector_output_is_the_same_with_and_without_the_compiled_counts():
    texts = []
    for path in sorted(glob.glob(os.path.join(HERE, "fixtures", "quality", "*_*.txt"))):
        with open(path, encoding="utf-8") as f:  # the quality gate's pages, labels stripped
            texts.append("".join(line[2:] for line in f))
    texts += CASES
    assert len(texts) > 10
    for text in texts:
        got = list(DET.detect(Document(text, {})))
        with python_paths():
            want = list(DET.detect(Document(text, {})))
        assert got == want
    assert cleaner.clean(texts[0])  # and the default pipeline runs on it


def stage1_both(text: str, lang: str = "en") -> tuple[tuple, tuple] | None:
    """(compiled, numpy) stage-1 matrix and page arrays of ``text``, or None when the
    detector leaves it alone before stage 1."""
    out = []
    for ctx in (nullcontext(), python_paths()):
        with ctx:
            doc = Document(text, {"lang": lang})
            if len(doc.blocks) < DET.min_blocks:
                return None
            first, last = DET._group(doc, F.stoplist(lang), False)
            pg = F._Page(first, last)
            X = DET._features(doc, pg, F.stoplist(lang), False)
            arrays = [np.asarray(getattr(pg, k)) for k in ("chars", "words", "stop", "density", "title", "digits",
                                                           "urls", "seps", "nav", "cue", "menu", "endp", "heading")]
            out.append((X, arrays, pg.start, pg.end))
    return out[0], out[1]


def _assert_same_stage1(text: str, lang: str = "en") -> bool:
    got = stage1_both(text, lang)
    if got is None:
        return False
    (X, arrays, s1, e1), (Xn, arrays_n, s2, e2) = got
    assert (s1, e1) == (s2, e2)
    assert X.shape == Xn.shape
    for r, name in enumerate(F.STAGE1):  # the same doubles, bit for bit
        assert X[r].tobytes() == Xn[r].tobytes(), (name, X[r], Xn[r])
    for a, b in zip(arrays, arrays_n):
        assert a.dtype.kind == b.dtype.kind and a.tolist() == b.tolist()
    return True


def test_compiled_stage1_is_the_numpy_matrix_on_the_quality_pages():
    n = 0
    for path in sorted(glob.glob(os.path.join(HERE, "fixtures", "quality", "*_*.txt"))):
        with open(path, encoding="utf-8") as f:
            text = "".join(line[2:] for line in f)
        n += _assert_same_stage1(text)
    assert n > 10


_LINES = st.sampled_from([
    "The council voted on Tuesday to raise the budget for the schools of the city, and the mayor agreed.",
    "Home", "home", "Home.", "News »", "Next ...", "Contact us", "Home | News | Sport | Contact",
    "» Archive", "Share this: Facebook • Twitter", "Visit http://example.com or www.example.org",
    "write to info@example.com", "Copyright 2024 Example Media. All rights reserved.", "Posted: 12.03.2024 10:45",
    "Tags: politics, economy, budget", "A short line", "", "", "   ", "Следующая",
    "Été à Paris, les écoles et la mairie.", "and the wrapped line goes on here with the rest",
    "of the sentence, which is long enough to be a paragraph of prose that was hard-wrapped",
    "Read more:", "x", "1 2 3 4 5", "😀 emoji line", "TITLE IN CAPITALS",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=40).map("\n".join), st.sampled_from(["en", "de", "ru"]))
def test_compiled_stage1_is_the_numpy_matrix_on_random_pages(text, lang):
    _assert_same_stage1(text, lang)


def _quality_pages() -> list[str]:
    out = []
    for path in sorted(glob.glob(os.path.join(HERE, "fixtures", "quality", "*_*.txt"))):
        with open(path, encoding="utf-8") as f:  # the quality gate's pages, labels stripped
            out.append("".join(line[2:] for line in f))
    return out


QUALITY_PAGES = _quality_pages()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(QUALITY_PAGES), st.lists(st.tuples(st.integers(0, 60), _LINES), max_size=12),
       st.integers(0, 60))
def test_compiled_reasons_are_the_python_strings_on_random_pages(page, inserts, dup):
    # every span (offsets and reason) of the detector, compiled reasons against Python's:
    # real pages (seven languages, one of them Chinese, one Japanese) with random lines
    # put in, and one of their long lines repeated (the "repeats block" reason)
    lines = page.split("\n")
    for at, line in inserts:
        lines.insert(at % (len(lines) + 1), line)
    long_ = [x for x in lines if len(x) > 150]
    if long_:
        lines.insert(dup % (len(lines) + 1), long_[dup % len(long_)])
    text = "\n".join(lines)
    got = list(DET.detect(Document(text, {})))
    with python_paths():
        want = list(DET.detect(Document(text, {})))
    assert got == want


def test_compiled_reasons_cover_every_kind_of_reason():
    # the pages of the test above give spans with each part of a reason
    parts = set()
    for page in QUALITY_PAGES:
        lines = page.split("\n")
        long_ = max(lines, key=len)
        text = "\n".join(lines[:-3] + [long_, "Visit http://example.com or www.example.org and http://b.org",
                                         "Home | News | Sport | Contact", "1 2 3 4 5 6"] + lines[-3:])
        for s in DET.detect(Document(text, {})):
            parts.update(p.split(" ")[1] if p[0].isdigit() else p.split(" ")[0]
                         for p in s.reason.split(": ", 1)[1].split("; "))
    assert {"link", "short", "between", "next", "outside", "score", "repeats", "notice", "title", "menu", "URLs",
            "digits", "stopwords"} <= parts, parts


_COUNT = st.integers(0, 10**6).map(float)
_RATIO = st.one_of(st.floats(allow_nan=True, allow_infinity=False), st.floats(0, 1), st.sampled_from([0.3, 0.7, -0.0]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), _COUNT, st.booleans(), _COUNT, _COUNT, st.booleans(), _RATIO,
                          _RATIO, _RATIO, st.floats(-1e300, 1e300), st.floats(-1e300, 1e300), st.booleans(),
                          st.floats(-50, 50), st.floats(-50, 50), st.integers(1, 5)), min_size=1, max_size=12),
       st.booleans(), st.data())
def test_compiled_reasons_are_the_python_strings_for_any_numbers(rows, cjk, data):
    # odd values too: NaN and huge ratios, -0.0, scores that round at the last digit
    m = len(rows)
    cols = list(zip(*rows))
    last = np.cumsum(cols[14]).tolist()
    first = [a - n + 1 for a, n in zip(last, cols[14])]
    pg = F._Page(first, last)
    pg.chars = np.array(cols[0], dtype=np.int64)
    pg.words, pg.urls, pg.seps = (np.array(cols[k]) for k in (1, 3, 4))
    pg.nav, pg.cue = np.array(cols[2], dtype=bool), np.array(cols[5], dtype=bool)
    pg.density, pg.title, pg.digits = (np.array(cols[k]) for k in (6, 7, 8))
    pg.x3 = np.zeros((len(F.STAGE2), m))
    pg.x3[2], pg.x3[3], pg.x3[9] = cols[9], cols[10], cols[11]
    pg.z1, pg.z3 = np.array(cols[12]), np.array(cols[13])
    idx = data.draw(st.lists(st.integers(0, m - 1), unique=True).map(sorted))
    pg.repeats = {i: data.draw(st.integers(0, 10**6)) for i in idx if data.draw(st.booleans())}
    got = DET._reasons(pg, idx, cjk)
    with python_paths():
        want = DET._reasons(pg, idx, cjk)
    assert got == want


def test_compiled_reasons_refuse_blocks_out_of_range():
    one = lambda v, t=np.float64: np.array([v], dtype=t)  # noqa: E731
    args = ([0], [0], {}, one(12, np.int64), one(2.0), one(1, np.uint8), one(0.0), one(0.0), one(0, np.uint8),
            one(0.0), one(1.0), one(0.0), one(-1.0), one(0.5), one(0.0), one(0.25), one(0.125), 70, False)
    assert FAST.reasons([0], *args)[0].startswith("page furniture block: link word; short (12 chars)")
    with pytest.raises(IndexError):
        FAST.reasons([1], *args)
    with pytest.raises(IndexError):
        FAST.reasons([-1], *args)


def test_nav_and_dup_flags_refuse_arrays_of_other_lengths():
    one = np.zeros(1, np.int64)
    with pytest.raises(ValueError):
        FAST.nav_flags("home", [0], [4], one, one, np.zeros(2, np.int64), frozenset(), " ", np.zeros(1, np.uint8))
    with pytest.raises(ValueError):
        FAST.dup_flags("home", [0, 1], [4], np.zeros(2, np.uint8))
    with pytest.raises(ValueError):
        FAST.dup_flags("home", [0], [5], np.zeros(1, np.uint8))


def joined_lines(lines: list[str]) -> tuple[str, list[int], list[int]]:
    """``"\\n".join(lines)`` and the start and end offset of each line in it."""
    starts, ends, pos = [], [], 0
    for ln in lines:
        starts.append(pos)
        ends.append(pos + len(ln))
        pos += len(ln) + 1
    return "\n".join(lines), starts, ends


def test_dup_flags_compare_text_not_only_hashes():
    # many distinct lines, a few repeated ones: exactly the repeated ones are flagged
    lines = [f"line {i}" for i in range(500)] + ["line 7", "line 499", "menu"] + ["menu"]
    text, starts, ends = joined_lines(lines)
    out = np.zeros(len(lines), np.uint8)
    FAST.dup_flags(text, starts, ends, out)
    want = [int(lines.count(ln) > 1) for ln in lines]
    assert out.tolist() == want and sum(want) == 6


_WRAP_LINES = st.lists(st.sampled_from(list("ab \u00e9\u0416\U0001f600.!?\"'\u201d\u00bb)]\u2026\u3002") + [
    "\u3000", "\t", "\xa0", "\u2028", "word "]), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(_WRAP_LINES, min_size=1, max_size=12), st.integers(0, 12))
def test_open_lines_is_the_python_filter(lines, wrap):
    blocks = [(0, len(t), t) for t in lines]  # only the text is read
    want = []
    for j in range(len(blocks) - 1):
        a = blocks[j][2].rstrip()
        if len(a) < wrap or not a or a[-1] in F._SENT_END or (a[-1] in F._CLOSERS and a[-2:-1] in F._SENT_END):
            continue
        want.append(j)
    assert FAST.open_lines(blocks, wrap, F._SENT_END_CHARS, F._CLOSER_CHARS) == want


from cleaner.detectors import base as B  # noqa: E402

_TRIGGER_LINES = st.sampled_from([
    "Related links: more at example.com", "Copyright 2024. All rights reserved.", "Read more", "",
    "We use cookies to improve your experience", "Home | News", "Plain prose with nothing to see.",
    "\u00a9 2023 \u0421\u0442\u0430\u0442\u044c\u044f", "  indented www.example.org line", "privacy policy",
    # the compiled path searches the UTF-8 bytes: triggers after 2-, 3- and 4-byte
    # characters, a lone surrogate (written in three bytes), a character whose
    # lowercase is longer (the text is then lowered character by character)
    "\U0001f600 \u00e9t\u00e9 Copyright \u4e2d privacy policy", "\ud800 read more \u00a9 2020 www.x.com",
    "\u0130stanbul: all rights reserved", "\u2014 Related Links \u2014 more at example.com \u00e9",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_TRIGGER_LINES, min_size=1, max_size=30).map("\n".join))
def test_compiled_hit_filing_is_the_python_loop(text):
    cleaner.clean(text)  # every built-in detector registers its trigger sets
    got = B._INDEX.scan(Document(text, {}))
    with python_paths():
        want = B._INDEX.scan(Document(text, {}))
    assert got == want
    for sid, blocks in got.items():  # and each set's blocks are the str.find scan's
        trig = next(t for t, i in B._INDEX.sets.items() if i == sid)
        assert blocks == B._candidate_blocks_scan(Document(text, {}), trig)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=12).map(sorted),
       st.lists(st.tuples(st.integers(0, 3), st.integers(0, 70)), max_size=40),
       st.lists(st.sets(st.integers(0, 4), max_size=3).map(lambda x: tuple(sorted(x))), min_size=4, max_size=4),
       st.sets(st.integers(0, 4), min_size=1).map(lambda x: tuple(sorted(x))))
def test_file_hits_is_the_reference_filing(starts, hits, owners, sids):
    """Any hits (starts out of order too, as overlapping matches come by their end),
    patterns owned by several sets or none, set ids missing from ``sids``: each listed
    set gets the sorted blocks holding a hit's start, once each."""
    from bisect import bisect_right

    if any(sid not in sids for own in owners for sid in own) and max(x for own in owners for x in own) > max(sids):
        return  # (a set id above every listed one is refused: tested below)
    hits = [(p, pos, pos + 1) for p, pos in hits]
    want: dict[int, set[int]] = {sid: set() for sid in sids}
    for p, pos, _ in hits:
        k = max(bisect_right(starts, pos) - 1, 0)
        for sid in owners[p]:
            if sid in want:
                want[sid].add(k)
    assert FAST.file_hits(hits, starts, owners, sids) == {sid: sorted(b) for sid, b in want.items()}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab\n \u00e9\u2014\u4e2d\U0001f600\ud800")), min_size=1, max_size=40),
       st.data())
def test_file_hits_finds_byte_offsets_by_line_breaks_as_by_characters(text, data):
    """Given the text's UTF-8 (surrogates in three bytes), the block starts are turned
    into byte offsets line by line; the same as counting every character's bytes, for
    starts at line starts and inside lines."""
    utf8 = text.encode("utf-8", "surrogatepass")
    starts = sorted(set(data.draw(st.lists(st.integers(0, len(text) - 1), min_size=1, max_size=8))))
    hits = [(0, pos, pos + 1) for pos in sorted(data.draw(st.lists(st.integers(0, len(utf8) - 1), max_size=10)))]
    got = FAST.file_hits(hits, starts, [(0,)], (0,), text, utf8)
    assert got == FAST.file_hits(hits, starts, [(0,)], (0,), text)
    # and the starts themselves: a hit at each start's byte offset is filed under it
    offsets = [len(text[:a].encode("utf-8", "surrogatepass")) for a in starts]
    got = FAST.file_hits([(0, b, b + 1) for b in offsets], starts, [(0,)], (0,), text, utf8)
    assert got == {0: sorted(set(range(len(starts))))} or len(set(offsets)) < len(offsets)


_SCAN_ALPHABET = list("abc \n\u00e9\u2014\u4e2d\U0001f600\ud800")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_SCAN_ALPHABET), min_size=1, max_size=4), min_size=1, max_size=8, unique=True),
       st.text(alphabet=st.sampled_from(_SCAN_ALPHABET), max_size=60), st.data())
def test_trigger_scanner_files_every_occurrence_under_its_block(pats, text, data):
    """The compiled automaton against str.find: every occurrence of every pattern
    (overlapping ones, patterns inside others, after 2-, 3- and 4-byte characters and
    lone surrogates), filed under the last block starting at or before it (the first
    block for one before it), for each set owning the pattern."""
    from bisect import bisect_right

    owners = [tuple(sorted(data.draw(st.sets(st.integers(0, 3), max_size=2)))) for _ in pats]
    sids = (0, 1, 2, 3)
    starts = sorted(set(data.draw(st.lists(st.integers(0, max(len(text) - 1, 0)), max_size=8))))
    want: dict[int, set[int]] = {sid: set() for sid in sids}
    if starts and text:
        for p, own in zip(pats, owners):
            i = text.find(p)
            while i != -1:
                for sid in own:
                    want[sid].add(max(bisect_right(starts, i) - 1, 0))
                i = text.find(p, i + 1)
    got = FAST.TriggerScanner(pats, owners, sids).scan(text, starts)
    assert got == {sid: sorted(b) for sid, b in want.items()}


def test_trigger_scanner_finds_what_the_reference_scan_finds_in_prose():
    """Real-looking lines: the default pipeline's trigger sets, through the compiled
    scanner and through ahocorasick_rs with the Python filing."""
    text = ("Home | News | Sport\nRelated Links\nLearn about rockets at SpaceWar.com\n"
            "\u00a9 2024 Example Ltd. All rights reserved.\nWe use cookies on this site.\n"
            "The recipe calls for cookie dough.\n\u00c9t\u00e9 \u2014 read more \u00bb\n")
    cleaner.clean(text)
    scanner = B._INDEX._state[0]
    assert scanner is not None
    got = B._INDEX.scan(Document(text, {}))
    with python_paths():
        want = B._INDEX.scan(Document(text, {}))
    assert got == want
    assert any(got.values())
    n, classes = scanner.states
    assert n > 100 and 1 < classes < 200


def test_trigger_scanner_refuses_what_it_cannot_hold():
    with pytest.raises(ValueError):
        FAST.TriggerScanner(["a", ""], [(0,), (0,)], (0,))  # an empty pattern
    with pytest.raises(ValueError):
        FAST.TriggerScanner(["a" * 257], [(0,)], (0,))  # longer than the ring of byte offsets
    with pytest.raises(ValueError):
        FAST.TriggerScanner(["a", "a"], [(0,), (0,)], (0,))  # twice
    with pytest.raises(ValueError):
        FAST.TriggerScanner(["a"], [(1,)], (0,))  # set 1 is not listed
    with pytest.raises(ValueError):
        FAST.TriggerScanner(["a"], [(0,), (0,)], (0,))  # owners of patterns that are not there
    with pytest.raises(ValueError):
        FAST.TriggerScanner(["a"], [(0,)], (0,)).scan("abc", [2, 1])  # starts out of order
    assert FAST.TriggerScanner(["\u00e9" * 128], [(0,)], (0,)).scan("\u00e9" * 130, [0, 1, 2, 3]) == {0: [0, 1, 2]}


def test_file_hits_refuses_bytes_that_are_not_the_text():
    with pytest.raises(ValueError):  # a line break the bytes do not have
        FAST.file_hits([(0, 0, 1)], [0, 3], [(0,)], (0,), "\u00e9\nab", b"xxxx")


def test_file_hits_refuses_indexes_out_of_range():
    with pytest.raises(ValueError):  # byte offsets: the block starts must be in order
        FAST.file_hits([(0, 0, 1)], [3, 1], [(0,)], (0,), "\u00e9abc")
    with pytest.raises(ValueError):
        FAST.file_hits([(0, 0, 1)], [0, 9], [(0,)], (0,), "\u00e9abc")
    with pytest.raises(ValueError):
        FAST.file_hits([(2, 0, 1)], [0], [(0,), (0,)], (0,))  # no pattern 2
    with pytest.raises(ValueError):
        FAST.file_hits([(0, 0, 1)], [0], [(3,)], (0,))  # set 3 is not listed
    assert FAST.file_hits([], [0], [(0,)], (0, 1)) == {0: [], 1: []}


class _Pg:  # the page arrays _context reads
    def __init__(self, stop, heading, chars, endp):
        self.stop, self.heading, self.chars, self.endp = stop, heading, chars, endp


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([-8.0, -3.5, -0.6, 0.0, 0.4, 2.5, 8.0]) | st.floats(-8, 8),
                          st.integers(0, 40), st.booleans(), st.integers(1, 400), st.booleans()),
                min_size=1, max_size=60),
       st.integers(0, 4))
def test_compiled_context_gives_the_same_doubles(rows, gap):
    z = np.array([r[0] for r in rows])
    pg = _Pg(np.array([float(r[1]) for r in rows]), np.array([r[2] for r in rows]),
             np.array([r[3] for r in rows], dtype=np.int64), np.array([r[4] for r in rows]))
    det = F.PageFurniture(max_gap_blocks=gap)
    a = det._context(pg, z)
    with python_paths():
        b = det._context(pg, z)
    assert a.shape == b.shape == (len(F.STAGE2), len(rows))
    # the same numbers (-0.0 == 0.0: numpy's max and ours may pick different equal zeros) ...
    assert np.array_equal(a, b)
    # ... which no score can tell apart: the next stage's products (with the bias) are bit-identical
    w2 = F._weight_arrays()[1]
    assert F._dot(w2, a).tobytes() == F._dot(w2, b).tobytes()


# ---------------------------------------------------------------- the typo fixer's scan
from cleaner.normalisers import typos as T  # noqa: E402

_SPACES = st.sampled_from([" ", "  ", "\n", "\t", "\x00", "\xa0", "\u3000", "\u2028", "\x1c", "\r\n", "\x0b"])


def test_typo_fixer_gives_the_same_edits_with_and_without_the_compiled_scan():
    texts = [open(p, encoding="utf-8").read()
             for p in sorted(glob.glob(os.path.join(HERE, "fixtures", "**", "*.txt"), recursive=True))]
    import json

    for path in sorted(glob.glob(os.path.join(HERE, "fixtures", "typos", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    texts += ["Russia sent in its warplanes to lauch air strikes at the request of Syria.",
              "ready to coordonate their approaches", "oppostion", "  "]
    out = {}
    for compiled in (True, False):
        got = []
        with (nullcontext() if compiled else python_paths()):
            for text in texts:
                log: list = []
                got.append((T.fix_typos(text, log), [(e.start, e.end, e.before, e.after, e.reason) for e in log]))
        out[compiled] = got
    assert out[True] == out[False]
    assert any(edits for _text, edits in out[True])  # some fixes were made


# ---------------------------------------------------------------- the typo fixer's word searches
_BASES = ["launch", "opposition", "the", "separate", "government", "accommodate", "believe", "until", "abba",
          "helmed", "partiers", "spokeswomen", "sittin", "anyday", "whont", "apone", "restaurant", "tryed",
          "a", "i", "x", ""]
_LETTERS = "aeiolnrstmhy" + "\u00e9\u0416\U0001f600"  # one, two and four bytes a character


@st.composite
def _typos(draw):
    """A word with up to three random slips (deleted, added, changed or swapped letters),
    in any of the three string widths."""
    w = draw(st.sampled_from(_BASES) | st.text(alphabet=_LETTERS, max_size=14))
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(w)))
        c = draw(st.sampled_from(_LETTERS))
        op = draw(st.sampled_from("dasw"))
        if op == "d" and i < len(w):
            w = w[:i] + w[i + 1:]
        elif op == "a":
            w = w[:i] + c + w[i:]
        elif op == "s" and i < len(w):
            w = w[:i] + c + w[i + 1:]
        elif op == "w" and i + 1 < len(w):
            w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return w


def _python(fn, *args):
    with python_paths():
        return fn(*args)


@settings(max_examples=400, deadline=None)
@given(_typos())
def test_compiled_neighbours_are_the_deletion_index_search(word):
    lx = T.lexicon()
    got, want = T._neighbours1(lx, word), _python(T._neighbours1, lx, word)
    assert list(got.items()) == list(want.items())  # the same dict, in the same order


@settings(max_examples=150, deadline=None)
@given(_typos())
def test_compiled_rival2_is_the_python_search(word):
    lx = T.lexicon()
    assert T._rival2(lx, word) == _python(T._rival2, lx, word)


@settings(max_examples=400, deadline=None)
@given(_typos() | st.tuples(_typos(), st.sampled_from(T._SUFFIXES + ("in", "men", "ies", "ly"))).map("".join)
       | st.tuples(st.sampled_from(T._PREFIXES), _typos()).map("".join))
def test_compiled_derivation_is_the_python_rules(word):
    lx = T.lexicon()
    assert T._derived(lx, word) == _python(T._derived, lx, word)


def test_compiled_word_searches_on_known_cases():
    lx = T.lexicon()
    cases = ["lauch", "oppostion", "teh", "aab", "seperate", "goverment", "acommodate", "zzzz", "abba", "whont",
             "apone", "helmed", "coolish", "partiers", "tryed", "truely", "acknowledgeing", "admited", "actualy",
             "spokeswomen", "sittin", "anyday", "ontop", "hehad", "iscorrect", "allready", "belive", "untill"]
    derived = 0
    for w in cases:
        assert list(T._neighbours1(lx, w).items()) == list(_python(T._neighbours1, lx, w).items()), w
        assert T._rival2(lx, w) == _python(T._rival2, lx, w), w
        got = T._derived(lx, w)
        assert got == _python(T._derived, lx, w), w
        derived += got is not None
    assert derived >= 8 and T._rival2(lx, "whont") == ("what", lx.z("what"))


def _brute_neighbours(words, word):
    """Every listed word one Damerau edit from ``word``, by trying each."""
    out = {}
    for c in words:
        if len(c) == len(word) - 1 and T._is_deletion(word, c):
            out[c] = "deletion"
        elif len(c) == len(word) + 1 and T._is_deletion(c, word):
            out[c] = "insertion"
        elif len(c) == len(word) and T._same_length_kind(word, c):
            out[c] = T._same_length_kind(word, c)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(_typos(), max_size=30), st.lists(_typos(), min_size=1, max_size=10))
def test_deletion_index_of_any_words_finds_every_neighbour(words, probes):
    idx = FAST.DeletionIndex(words, list(range(len(words))))
    assert len(idx) == len(words)
    for w in probes + words:
        assert idx.neighbours1(w) == _brute_neighbours(set(words), w)
        assert (w in idx) == (w in words)


_CHUNK_PIECES = st.sampled_from(["teh", "(teh", "teh,", "Teh", "TEH", "\u201cmat\u201d", "\u2018mat\u2019", "(cat.)", "mat!?",
                                 "ca", "cat's", "a-b", "na\u00efve", "x\U0001f600y", "'\"quoted\"'", "[sic]", "the",
                                 "the.", "abc1", "\u0436\u0436\u0436", "..", "(", "z" * 40, "z" * 41, "fo\x00o", "\u0416teh"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_CHUNK_PIECES, _SPACES), max_size=30),
       st.frozensets(st.sampled_from(["the", "cat", "teh", "The", "mat!?", "\u0436\u0436\u0436", "z" * 40, "z" * 12,
                                      "zzzzzzzzzzzzz", "mat"])))
def test_typo_words_is_the_split_and_the_regex(pairs, known):
    text = "".join(w + sp for w, sp in pairs)
    n_parts, n_chunks, n_rest, words = FAST.typo_words(text, FAST.LowerWordSet(known), T.MIN_LEN, T.MAX_LEN)
    parts = text.split()
    rest = set(parts) - known
    assert (n_parts, n_chunks, n_rest) == (len(parts), len(set(parts)), len(rest))
    want = set(T._CHUNKS.findall("\n" + "\n".join(rest) + "\n")) - known
    assert len(words) == len(set(words)) and set(words) == want


@settings(max_examples=300, deadline=None)
@given(st.frozensets(st.text(alphabet="abyz\u00e9\u0416\U0001f600", max_size=14)
                     | st.text(alphabet="az", min_size=10, max_size=14), max_size=40),
       st.lists(st.text(alphabet="abyzA{`\u00e9\u0416\U0001f600", max_size=15), max_size=20))
def test_lower_word_set_is_a_set(words, probes):
    table = FAST.LowerWordSet(words)
    for w in list(words) + probes + ["a" * 12, "z" * 12, "a" * 13, "{", "`"]:
        assert (w in table) == (w in words)


def test_lower_word_set_of_the_typo_dictionary():
    table = T._protected_table()
    lx = T.lexicon()
    assert all(w in table for w in list(lx.protected)[::7])
    assert "Paris" not in table and "zzzzqx" not in table and ("the" in table) and ("internationalisation" in table) == (
        "internationalisation" in lx.protected)


def test_typo_words_on_a_large_text_grows_its_table():
    words = [f"w{i}x" for i in range(5000)] + [f"qz{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(600)]
    text = " ".join(words + words[:100])
    n_parts, n_chunks, n_rest, got = FAST.typo_words(text, FAST.LowerWordSet(frozenset(words[::2])), 3, 40)
    assert (n_parts, n_chunks, n_rest) == (5700, 5600, 2800) and got == words[5001::2]


def test_typo_fixer_gives_the_same_edits_on_dev_like_prose_with_and_without_the_compiled_searches():
    filler = " It was a long day for all of the people who had come to the town that week. "
    text = filler.join(["The new goverment said it would look into the matter.", "They wanted to lauch air strikes.",
                        "She had to wait untill the end of the year.", "The oppostion said no.",
                        "He was helmed in by his own party.", "We tryed to get there in time.",
                        "They had to acommodate the guests."]) + filler
    for cached in (False, True):  # with every per-word cache emptied first, then warm
        if not cached:
            for f in (T._candidates, T._derived_cached, T._decide_cached, T._decide_two, T._rival2_cached):
                f.cache_clear()
        log: list = []
        got = (T.fix_typos(text, log, lang="en"), [(e.start, e.end, e.after, e.reason) for e in log])
        for f in (T._candidates, T._derived_cached, T._decide_cached, T._decide_two, T._rival2_cached):
            f.cache_clear()
        log = []
        with python_paths():
            want = (T.fix_typos(text, log, lang="en"), [(e.start, e.end, e.after, e.reason) for e in log])
        assert got == want and len(got[1]) >= 3

# ---------------------------------------------------------------- the whitespace fixers
from cleaner.normalisers import whitespace as W  # noqa: E402

_WS_CHARS = st.sampled_from(list("ab \t\n\u00a0\u2000\u200a\u200b\u202f\u205f\u3000\x00\x1f\x7f\x9f\ufeff\u2060é")
                            + ["\U0001f600", "  ", "\n\n", " \n "])


@settings(max_examples=500, deadline=None)
@given(st.lists(_WS_CHARS, max_size=60).map("".join))
def test_compiled_collapse_spaces_is_the_regex_path(text):
    want = W._INNER_RUNS.sub(" ", "\n".join([line.strip(W._H_CHARS) for line in text.split("\n")]))
    got = FAST.collapse_spaces(text)
    assert got == want
    logged: list = []
    assert W.collapse_spaces(text, logged) == want  # the logging path agrees too
    if want == text:
        assert got is text  # nothing to do: the same object back


@settings(max_examples=500, deadline=None)
@given(st.lists(_WS_CHARS, max_size=40).map("".join))
def test_has_any_is_the_regex_search(text):
    assert FAST.has_any(text, W._CONTROL_LUT) == (W._CONTROL.search(text) is not None)
    assert FAST.has_any(text, W._ZERO_WIDTH_LUT) == (W._ZERO_WIDTH.search(text) is not None)


def test_collapse_spaces_keeps_the_narrowest_string_kind():
    out = FAST.collapse_spaces("caf\u00e9\u2003 au lait")  # the only wide character goes
    assert out == "caf\u00e9 au lait" and out.isascii() is False and len(out) == 12
    assert FAST.collapse_spaces("a\u2003b") == "a b" and FAST.collapse_spaces("a\u2003b").isascii()


def test_context_refuses_arrays_of_other_lengths():
    z = np.zeros(3)
    ok = dict(z=z, pr=np.full(3, 0.5), stop=np.zeros(3), heading=np.zeros(3, np.uint8),
              chars=np.zeros(3, np.int64), endp=np.zeros(3, np.uint8))
    for name in ("pr", "stop", "heading", "chars", "endp"):
        bad = dict(ok, **{name: ok[name][:2]})
        with pytest.raises(ValueError):
            FAST.context(bad["z"], bad["pr"], bad["stop"], bad["heading"], bad["chars"], bad["endp"],
                         3, 70, -4.0, np.empty((17, 3)))


@pytest.mark.parametrize("lang", ["en", "de", "ru", "und"])
def test_stop_table_holds_exactly_the_stopword_tokens_of_the_numpy_path(lang):
    tokens = {w for w, code in F._codes(lang).items() if code == 1}
    table = F._stop_table(lang)
    assert all(w in table for w in tokens)
    assert table.maxlen == max(map(len, tokens))
    assert "\x00" not in table and "Zzzz" not in table


# ---------------------------------------------------------------- document lines
from cleaner import document as D  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "b c", " ", "\t", "\n", "\n", "\u3000", "\x0b", "\xa0", "\u2028", "\x00",
                                 "\U0001f600", "  x", "\t\n"]), max_size=40).map("".join))
def test_compiled_block_list_is_the_python_loop(text):
    got = D._block_list(text)
    with python_paths():
        want = D._block_list(text)
    assert got == want
    assert all(type(b) is D.Block for b in got)
    assert got == list(D.blocks(text))


def test_cleaner_no_compiled_runs_the_cli_on_the_python_paths_with_the_same_output(tmp_path):
    import subprocess
    import sys

    src = os.path.join(os.path.dirname(HERE), "seeds", "spacewar.jsonl")
    outs = {}
    for flag in ("0", "1"):
        out = tmp_path / f"out{flag}.jsonl"
        env = dict(os.environ, CLEANER_NO_COMPILED=flag)
        code = ("import sys; from cleaner import _compiled; "
                "sys.stderr.write('compiled=%s\\n' % (_compiled.fast() is not None)); "
                "from cleaner.cli import main; main()")
        r = subprocess.run([sys.executable, "-c", code, src, "-o", str(out), "--workers", "1"],
                           env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert f"compiled={flag == '0'}" in r.stderr
        outs[flag] = out.read_bytes()
    assert outs["0"] == outs["1"] and outs["0"]


# ---------------------------------------------------------------- language id
from cleaner import lang as L  # noqa: E402


def _python_sample(text: str, max_chars: int) -> str:
    with python_paths():
        return L.sample(text, max_chars)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="ab é\t\u4e2d\U0001f600", max_size=30), st.sampled_from(["", "x" * 40, "y" * 40])),
                max_size=60).map("\n".join), st.integers(0, 200))
def test_compiled_sample_is_the_python_sample(text, max_chars):
    # equal lengths (ties in document order), empty lines, a text shorter than max_chars
    assert FAST.sample(text, max_chars) == _python_sample(text, max_chars)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("the of and TO In aZ_9-'.@[`{\n") + ["abcdefghijklm", "THERE", "\x7f", "would"]),
                max_size=150).map("".join))
def test_ascii_word_set_counts_the_regex_words(text):
    words = L._WORD_ASCII.findall(text.lower())
    assert L._en_table().count_words(text) == (len(words), sum(w in L.EN_STOP for w in words))


def test_ascii_word_set_refuses_other_text_and_words():
    assert L._en_table().count_words("café") is None
    assert L._en_table().count_words("the \u0100") is None
    for bad in ("The", "naïve", "", "a" * 13, "a-b"):
        with pytest.raises(ValueError):
            FAST.AsciiWordSet([bad])


def test_language_id_is_the_same_with_and_without_the_compiled_paths():
    texts = list(QUALITY_PAGES) + [p.replace("\n", " ") for p in QUALITY_PAGES] + CASES
    texts += ["Home\nNews\n" + "The council met on Monday and the mayor said that it was over. " * k for k in range(1, 30)]
    texts += ["1234 5678", "", "x", "ok ok ok", "Der Rat hat am Montag getagt. " * 40]
    for text in texts:
        got = L.detect_language(text)
        with python_paths():
            want = L.detect_language(text)
        assert got == want, text[:80]


# ---------------------------------------------------------------- link_farm menus
from cleaner.detectors.linkfarm import _END_PUNCT_CHARS, _MENU_ITEM_CHARS, LinkFarm  # noqa: E402

_MENU_LINES = st.sampled_from([
    "Home", "News", " Sport ", "About us", "Contact us now please", "Top 10", "Page ²", "٣ items", "Home.",
    "Home\u3000", "\u3000", "\u1680 \u3000", "x" * 30, "y" * 31, " " + "z" * 30 + " ", "a b c d", "Events:",
    "Read “more”", "Ünïcödé", "首页", "新闻 体育", "The council voted on Tuesday to raise the budget for the schools.",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_MENU_LINES, max_size=40).map("\n".join), st.integers(1, 80))
def test_compiled_menu_flags_are_the_python_test(text, prose):
    blocks = Document(text).blocks
    det = LinkFarm()
    want = det._menu_flags(blocks, prose)
    assert FAST.menu_flags(blocks, prose, _MENU_ITEM_CHARS, det.menu_item_words, _END_PUNCT_CHARS) == want


def test_link_farm_is_the_same_with_and_without_the_compiled_menu_flags():
    det = LinkFarm()
    texts = list(QUALITY_PAGES) + CASES
    texts += ["Home\nNews\nSport\nCulture\nTravel\n" + "x" * 120 + "\nHome\nNews\nSport\nAbout\nContact us"]
    n = 0
    for text in texts:
        got = list(det.detect(Document(text, {})))
        with python_paths():
            want = list(det.detect(Document(text, {})))
        assert got == want
        n += any("navigation menu run" in s.reason for s in got)
    assert n >= 1


_SHORT_LINES = st.sampled_from([
    "Read more", "  Read more \u3000", "Related links", "More from our partners at example.com and at site.org",
    "Tags: politics, economy", "x" * 40, " " + "y" * 40 + " ", "z" * 41, "\u3000" * 3 + "w" * 40, "",
    "Learn about rockets at SpaceWar.com and about lasers at LaserWar.com in this long line",
    "More on this story, which the council debated for three long hours on Tuesday night",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_SHORT_LINES, min_size=1, max_size=20).map("\n".join), st.integers(0, 45), st.booleans(), st.data())
def test_short_blocks_is_the_python_length_test(text, most, stripped, data):
    blocks = Document(text).blocks
    cands = sorted(data.draw(st.sets(st.integers(0, len(blocks) - 1)))) if blocks else []
    also = sorted(data.draw(st.sets(st.integers(0, max(len(blocks) - 1, 0)), max_size=4)))
    length = (lambda b: len(b.text.strip())) if stripped else (lambda b: b.end - b.start)
    want = [k for k in cands if k in also or length(blocks[k]) <= most]
    assert FAST.short_blocks(blocks, cands, most, stripped, also) == want
    assert FAST.short_blocks(blocks, cands, most, stripped) == [k for k in cands if length(blocks[k]) <= most]


def test_short_blocks_counts_the_stripped_text_at_the_bound():
    blocks = Document(" " + "y" * 40 + " \n\u3000\u3000" + "w" * 41 + "\n" + "z" * 40).blocks
    assert FAST.short_blocks(blocks, [0, 1, 2], 40, True) == [0, 2]  # 40 stripped, 41 stripped, 40
    assert FAST.short_blocks(blocks, [0, 1, 2], 40, False) == [2]  # 42, 43, 40 characters
    assert FAST.short_blocks(blocks, [0, 1, 2], 41, True) == [0, 1, 2]
    assert FAST.short_blocks(blocks, [0, 2], 39, True, [1, 2]) == [2]  # also: kept whatever its length
    with pytest.raises(IndexError):
        FAST.short_blocks(blocks, [3], 40, True)


def test_link_farm_headings_and_anchors_are_the_same_with_and_without_the_length_filter():
    """The compiled length filter (short_blocks) only drops lines the loops would skip
    for their length: long headings with site references and short anchors are still
    found, long lines that start like a heading or an anchor are still kept."""
    det = LinkFarm()
    text = ("The minister spoke for an hour about the budget and the schools of the region.\n\n"
            "Related Links\nSpace news\nRocket launches\nMissile defence\n\n"
            "More from the web: learn about rockets at SpaceWar.com and about lasers at LaserWar.com now\n"
            "More on this story, which the council debated for three long hours on Tuesday night.\n"
            "Read more\n"
            "Read more about how the council debated the budget for three long hours on Tuesday night "
            "and what the vote means for the schools of the region.\n")
    got = list(det.detect(Document(text, {})))
    with python_paths():
        want = list(det.detect(Document(text, {})))
    assert got == want
    reasons = {text[s.start:s.end]: s.reason for s in got}
    assert reasons["Related Links"].startswith("link-list heading")
    assert "site references" in reasons["More from the web: learn about rockets at SpaceWar.com and about lasers at LaserWar.com now"]
    assert reasons["Read more"].startswith("link anchor line")
    assert not any(k.startswith("More on this story") or k.startswith("Read more about") for k in reasons)


# ---------------------------------------------------------------- menu separators
_SEP_TEXT = st.lists(st.sampled_from(list(" |·•»›>/-:\n\t\u3000\u00a0ab") + [" :: ", " | ", "\u2028"]), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(_SEP_TEXT, min_size=1, max_size=6))
def test_compiled_sep_counts_are_the_regex_counts(parts):
    # blocks that are whole strings, with newlines inside (joined wrapped lines) and
    # separators at either end, between spaces, or alone
    # (counted by sparse_cues, one line a block here, every block flagged)
    text, starts, ends = joined_lines(parts)
    n = len(parts)
    out = np.full(n, -1.0)
    FAST.sparse_cues(text, text, starts, ends, list(range(n)), list(range(n)), range(n), (), (), out, np.zeros(n),
                     np.zeros(n, np.uint8))
    assert out.tolist() == [float(len(F._SEPS.findall(text[a:b]))) for a, b in zip(starts, ends)]


# (a line holding " | " is never joined to the next: the bar mostly comes glued here)
_SEP_WORDS = st.sampled_from(["the", "council", "voted", "on", "the", "budget", "-", "/", ">", "::", "»", "·", "of",
                               "Home", "News", "a|b", "|x", "x-y", "and/or", "said", "again", "\u2022", "\u203a", "schools"])
_SEP_LINE = st.lists(_SEP_WORDS, min_size=1, max_size=16).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_SEP_LINE, st.sampled_from([" ", "", " |", " -", ".", ".\n"])), min_size=4, max_size=30))
def test_separators_of_joined_lines_need_a_trigger_in_one_of_them(lines):
    """page_furniture counts a block's separators only when one of its lines holds a
    separator trigger (_SEP_CHARS): every match of _SEPS holds one inside one line.  On
    pages of hard-wrapped lines (joined into blocks of several lines) with separators
    inside, at the ends and around the line breaks, its counts are _SEPS's own over
    every block, with and without the compiled module."""
    text = "\n".join(t + end for t, end in lines) + "\n"
    doc = Document(text, {"lang": "en"})
    stop = F.stoplist("en")
    first, last = DET._group(doc, stop, False)
    pg = F._Page(first, last)
    DET._pass_compiled(FAST, doc, pg, False)
    want = [float(len(F._SEPS.findall(text[a:b]))) for a, b in zip(pg.start, pg.end)]
    assert np.asarray(pg.seps, dtype=float).tolist() == want
    with python_paths():
        doc = Document(text, {"lang": "en"})
        slow = F._Page(*DET._group(doc, stop, False))
        DET._features(doc, slow, stop, False)
    assert (slow.first, slow.last) == (first, last)
    assert np.asarray(slow.seps, dtype=float).tolist() == want
    # the claim itself: a block with a match has a line with a trigger
    for a, b in zip(pg.start, pg.end):
        if F._SEPS.search(text[a:b]):
            assert any(t in line for line in text[a:b].split("\n") for t in F._SEP_CHARS)


def test_separator_counts_of_joined_lines_on_a_page():
    """The same on one page whose wrapped paragraphs hold separators and whose joined
    lines end and start with bars: several blocks of several lines, counted."""
    para = ("The council voted on the budget for the schools of the city and the mayor said » that the\n"
            "plan would be reviewed - again - in a year by the committee and the board of the\n"
            "schools / of the city, which met on Tuesday to discuss it \u00b7\n")
    text = "Home | News | Sport\n" + para * 4 + "Contact / About\n"
    doc = Document(text, {"lang": "en"})
    stop = F.stoplist("en")
    pg = F._Page(*DET._group(doc, stop, False))
    DET._pass_compiled(FAST, doc, pg, False)
    assert sum(1 for a, b in zip(pg.first, pg.last) if b > a) >= 4
    assert np.asarray(pg.seps, dtype=float).tolist() == [
        float(len(F._SEPS.findall(text[a:b]))) for a, b in zip(pg.start, pg.end)]
    assert max(pg.seps) >= 3


def test_sparse_cues_refuse_bad_blocks():
    out, urls, cue = np.zeros(2), np.zeros(2), np.zeros(2, np.uint8)
    with pytest.raises(ValueError):  # lengths differ
        FAST.sparse_cues("a | b", "a | b", [0], [5], [0], [0], [0], (), (), out, urls, cue)
    with pytest.raises(ValueError):  # a block outside the text
        FAST.sparse_cues("a | b", "a | b", [0, 2], [5, 9], [0, 1], [0, 1], [1], (), (), out, urls, cue)
    with pytest.raises(IndexError):  # a line that no block holds
        FAST.sparse_cues("a | b", "a | b", [0, 2], [5, 5], [0, 1], [0, 1], [2], (), (), out, urls, cue)
    with pytest.raises(ValueError):  # blocks that skip a line
        FAST.sparse_cues("a | b", "a | b", [0, 2], [5, 5], [0, 2], [0, 2], [], (), (), out, urls, cue)


# ---------------------------------------------------------------- hard-wrapped prose
_WRAP_WORDS = st.sampled_from(["the", "of", "and", "The", "Und", "council", "voted", "İstanbul", "ünter", "|", "–",
                               "said,", "said.", "end.\"", "x", "Σ", "a", "Home", "—", "\u3000", "well;", "well-"])
_WRAP_LINE = st.lists(_WRAP_WORDS, max_size=14).flatmap(
    lambda ws: st.sampled_from([" ", "  ", "\t"]).map(lambda sep: sep.join(ws))).map(
    lambda t: t + " " if len(t) % 3 == 0 else t)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_WRAP_LINE, st.sampled_from(["\n", "\n\n", "\n \n", "\n\u3000\n"])), min_size=1, max_size=20),
       st.integers(0, 40), st.sampled_from(["en", "de", "tr"]))
def test_compiled_wrap_links_are_the_python_test(lines, wrap, lang):
    # short and long lines, wrapped or not, blank lines (and lines of spaces) between,
    # capitals, end punctuation, bars, stopwords at the end (lowercased: İ, Σ)
    text = "".join(t + sep for t, sep in lines)
    blocks = Document(text).blocks
    stop = F.stoplist(lang)
    want = F.PageFurniture._wrap_links(blocks, text, wrap, stop)
    assert FAST.wrap_links(blocks, text, wrap, F._SENT_END_CHARS, F._CLOSER_CHARS, stop) == want


def test_wrap_links_join_real_wrapped_prose():
    text = ("The council voted on Tuesday to raise the budget for the\nschools of the city, and the mayor said "
            "that the\nplan would be reviewed in a year.\nHome\n")
    blocks = Document(text).blocks
    assert FAST.wrap_links(blocks, text, 40, F._SENT_END_CHARS, F._CLOSER_CHARS, F.stoplist("en")) == [0, 1]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é\n東京はソウル서울กรุง、。\u0e7f\u0e80\u3040\u30ff\u3100\u4dbf\u4dc0\u9fff\ua000\uac00\ud7af\ud7b0")),
               max_size=200))
def test_script_counts_decide_as_the_regex(s):
    chars = [ord(c) for c in L._SCRIPTS.findall(s)]
    want = (sum(0x3040 <= o <= 0x30FF for o in chars), sum(0x3400 <= o <= 0x9FFF for o in chars),
            sum(o >= 0xAC00 for o in chars), sum(o <= 0x0E7F for o in chars))
    assert FAST.script_counts(s) == want
    got = L._by_script(s)
    with python_paths():
        assert L._by_script(s) == got


# ---------------------------------------------------------------- pipeline spans
from cleaner import pipeline as P  # noqa: E402
from cleaner.document import Span  # noqa: E402

SPAN_TEXT = st.text(alphabet=st.sampled_from(list("ab \n|é\u3000")), max_size=60)
DETS = st.sampled_from(["a", "b", "c+d"])
REASONS = st.sampled_from(["x", "y", "z"])


@st.composite
def spans_over(draw, lo: int = -5, extra: int = 5):
    """A text and spans over it, some overlapping, touching, empty or out of range."""
    text = draw(SPAN_TEXT)
    n = len(text)
    out = []
    for _ in range(draw(st.integers(0, 12))):
        a = draw(st.integers(lo, n + extra))
        b = draw(st.integers(lo, n + extra))
        out.append(Span(a, b, draw(DETS), draw(REASONS)))
    return text, out


@given(spans_over())
@settings(max_examples=400, deadline=None)
def test_compiled_merge_spans_is_the_python_loop(case):
    text, spans = case
    got = P.merge_spans(spans, len(text))
    with python_paths():
        ref = P.merge_spans(spans, len(text))
    assert got == ref
    # the spans passed on as they are are the same objects, as in the Python loop
    assert [id(s) for s in got if any(s is t for t in spans)] == [id(s) for s in ref if any(s is t for t in spans)]


@given(spans_over())
@settings(max_examples=300, deadline=None)
def test_compiled_merge_spans_of_sorted_or_mixed_spans_is_the_python_loop(case):
    """Spans already in the pipeline's order (the sort is skipped when they are in
    merge order), and spans of other types among them (read through attributes)."""
    from collections import namedtuple

    class Sub(Span):  # a subclass: its fields are not read from Span's slots
        pass

    T = namedtuple("T", "start end detector reason")
    text, spans = case
    ordered = sorted(spans, key=lambda x: (x.start, x.end))
    mixed = [T(*x.as_list()) if k % 3 == 1 else x for k, x in enumerate(ordered)]
    for some in (ordered, mixed, sorted(spans, key=lambda x: (x.start, -x.end))):
        got = P.merge_spans(some, len(text))
        with python_paths():
            ref = P.merge_spans(some, len(text))
        assert got == ref
    sub = [Sub(x.start, x.end, x.detector, "own") for x in ordered]
    got = P.merge_spans(sub + ordered, len(text))
    with python_paths():
        assert got == P.merge_spans(sub + ordered, len(text))


@given(spans_over(lo=0, extra=0))
@settings(max_examples=400, deadline=None)
def test_compiled_kept_pieces_and_whole_lines_are_the_python_loops(case):
    """Offsets in [0, len(text)], merged or not (reversed, overlapping, empty)."""
    text, spans = case
    for some in (P.merge_spans(spans, len(text)), spans):
        with python_paths():
            ref = P.kept_pieces(text, some)
            ref_whole = P._whole_lines(text, some)
        assert FAST.kept_pieces(text, some) == ref
        assert P.kept_pieces(text, some) == ref
        whole = FAST.whole_lines(text, some)
        # None only where the Python test would read text[-1] (a span ending at 0)
        assert whole == ref_whole or (whole is None and any(s.end == 0 for s in some))
        assert P._whole_lines(text, some) == ref_whole


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40)), min_size=1, max_size=80))
@settings(max_examples=200, deadline=None)
def test_merged_spans_list_each_reason_once_in_order_however_many(parts):
    """A run of touching spans with more reasons than the set threshold (16): the same
    detectors and reasons, each once, in order of first appearance, on both paths."""
    spans, pos = [], 0
    for k, (gap, r) in enumerate(parts):
        pos += gap
        spans.append(Span(pos, pos + 3, f"d{r % 3}", f"reason {r}"))
        pos += 3
    n = pos + 1
    got = P.merge_spans(spans, n)
    with python_paths():
        ref = P.merge_spans(spans, n)
    assert got == ref
    # each merged span against a plain order-keeping de-duplication of its members
    for m in got:
        members = [s for s in spans if m.start <= s.start and s.end <= m.end]
        if len(members) > 1:
            assert m.reason == "; ".join(dict.fromkeys(s.reason for s in members))
            assert m.detector == "+".join(dict.fromkeys(s.detector for s in members))


def test_merging_a_long_run_of_lines_is_not_quadratic():
    """page_furniture gives one span, with its own reason, per removed line: a page of
    50,000 such lines is one merged span.  Looking each reason up in a list took
    seconds there (3.8 s for 20,000); both paths keep a set once the list is long."""
    import time

    n = 50_000
    spans = [Span(10 * i, 10 * i + 10, "page_furniture", f"furniture: score {i / 1000:.3f}") for i in range(n)]
    for path in (nullcontext, python_paths):
        with path():
            t = time.process_time()
            got = P.merge_spans(spans, 10 * n)
            assert time.process_time() - t < 2.0
        assert len(got) == 1 and got[0].reason.count("; ") == n - 1


def test_span_loops_hand_odd_offsets_back_to_python():
    text = "ab\ncd\n"
    assert FAST.merge_spans([Span(0, 2**70, "a", "x")], 6, Span) is None
    assert FAST.merge_spans([Span(0.5, 2, "a", "x")], 6, Span) is None
    assert FAST.kept_pieces(text, [Span(-1, 2, "a", "x")]) is None
    assert FAST.kept_pieces(text, [Span(0, 7, "a", "x")]) is None
    assert FAST.whole_lines(text, [Span(0, 0, "a", "x")]) is None  # text[-1] in Python
    # and the public functions still answer as the Python loops do
    assert P.merge_spans([Span(0, 2**70, "a", "x")], 6) == [Span(0, 6, "a", "x")]
    assert P.kept_pieces(text, [Span(3, 5, "a", "x")]) == [(0, 3)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab \t|\u3000\u00e9")), max_size=6), min_size=1, max_size=12),
       st.data())
def test_shifted_blocks_are_the_blocks_of_the_kept_text(lines, data):
    """The pipeline's later passes take the kept text's blocks from the first text's
    (``shifted_blocks``) when every span covers whole lines: the same blocks, in value
    and type, as reading the kept text, and the kept blocks' indexes."""
    text = "\n".join(lines) + data.draw(st.sampled_from(["", "\n"]))
    first = D._block_list(text)
    n = len(text)
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n" and i + 1 <= n]
    spans = []
    for a in starts:
        b = text.find("\n", a)
        b = n if b == -1 else b
        if b > a and data.draw(st.booleans()):
            spans.append(Span(a, b, "t", "line"))
    if not spans:
        return
    spans = P.merge_spans(spans, n)
    assert P._whole_lines(text, spans)
    pieces = P.kept_pieces(text, spans)
    kept = "".join(text[a:b] for a, b in pieces)
    got = FAST.shifted_blocks(first, pieces, D.Block)
    assert got is not None
    blocks, idx = got
    want = D._block_list(kept)
    assert blocks == want and all(type(b) is D.Block for b in blocks)
    assert idx == P._kept_blocks([b.start for b in first], pieces)
    assert [first[i].text for i in idx] == [b.text for b in blocks]


def test_shifted_blocks_refuse_pieces_that_cut_a_line():
    first = D._block_list("abc\ndef\n")
    assert FAST.shifted_blocks(first, [(0, 2)], D.Block) is None  # "abc" cut after "ab"
    assert FAST.shifted_blocks(first, [(4, 8), (0, 4)], D.Block) is None  # out of order
    assert FAST.shifted_blocks(first, [(0, 4)], D.Block) == ([D.Block(0, 3, "abc")], [0])


def test_block_list_makes_any_tuple_type_as_tuple_new_would():
    from collections import namedtuple

    class WithDict(tuple):  # a __dict__: not made directly, but by tuple.__new__
        pass

    for block_type in (namedtuple("B", "start end text"), WithDict, D.Block):
        got = FAST.block_list("ab\n\n  \n\u3000cd\nx", block_type)
        assert [type(b) for b in got] == [block_type] * 3
        assert [tuple(b) for b in got] == [(0, 2, "ab"), (7, 10, "\u3000cd"), (11, 12, "x")]


_LINE = st.text(alphabet=st.sampled_from(list("ab TheTHE,1\u00e9\u0416\u3000\x00\u2028.")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=12), st.data())
def test_carried_counts_are_the_counts_of_the_joined_lines(lines, data):
    """``carried_counts``: per-line counts, summed over runs of lines (a block of
    wrapped lines), and taken through a map of kept lines (a later pass over whole
    lines of the first text), are ``block_counts`` of the blocks themselves."""
    table = F._stop_table("en")
    text = "\n".join(lines)
    doc = Document(text)
    blocks = doc.blocks
    if not blocks:
        return
    per_line = FAST.block_counts(text, [b.start for b in blocks], [b.end for b in blocks], table)[:5]

    def check(t, bl, kept, src):
        # random runs of consecutive lines as blocks
        cuts = sorted(set(data.draw(st.lists(st.integers(1, len(bl)), max_size=len(bl)))) | {len(bl)})
        first = [0] + cuts[:-1]
        last = [c - 1 for c in cuts]
        starts, ends = [bl[i].start for i in first], [bl[i].end for i in last]
        got = FAST.carried_counts(t, starts, ends, first, last, kept, src)
        want = FAST.block_counts(t, starts, ends, table)
        assert [list(a) for a in got] == [list(a) for a in want]

    check(text, blocks, None, per_line)
    # a later pass: some whole lines removed (their line breaks kept, as the pipeline's
    # kept pieces do), the others' counts taken from the first text's
    drop = set(data.draw(st.lists(st.integers(0, len(blocks) - 1), max_size=len(blocks))))
    kept_text, kept = [], []
    pos = 0
    for i, b in enumerate(blocks):
        if i in drop:
            kept_text.append(text[pos:b.start])
            pos = b.end
    kept_text.append(text[pos:])
    kept_text = "".join(kept_text)
    later = Document(kept_text).blocks
    kept = [i for i in range(len(blocks)) if i not in drop]
    if later and len(later) == len(kept):
        assert [b.text for b in later] == [blocks[i].text for i in kept]
        check(kept_text, later, kept, per_line)


def test_carried_counts_refuse_what_they_cannot_read():
    table = F._stop_table("en")
    per_line = FAST.block_counts("a b\nc", [0, 4], [3, 5], table)[:5]
    with pytest.raises(ValueError):
        FAST.carried_counts("a b\nc", [0], [5], [0], [2], None, per_line)  # no line 2
    with pytest.raises(ValueError):
        FAST.carried_counts("a b\nc", [0], [5], [0], [0], [7], per_line)  # kept line 7
    with pytest.raises(ValueError):
        FAST.carried_counts("a b\nc", [0], [9], [0], [0], None, per_line)  # past the end
    with pytest.raises(TypeError):
        FAST.carried_counts("a b\nc", [0], [3], [0], [0], None, tuple(array_of_ints for array_of_ints in [[1]] * 5))


def test_compiled_blocks_and_spans_are_left_to_reference_counting():
    """Blocks (two ints and a str in a tuple) and spans (two ints and two strs in a
    frozen dataclass) made by the compiled code are not tracked by the cycle collector:
    nothing they hold can refer back to them.  They are freed as soon as they are
    dropped, and equal the tracked ones.  Anything else stays tracked."""
    import gc
    import weakref

    blocks = FAST.block_list("ab\n\ncd", D.Block)
    assert blocks == [D.Block(0, 2, "ab"), D.Block(4, 6, "cd")]
    assert not any(gc.is_tracked(b) for b in blocks)

    class WithDict(tuple):  # a __dict__ could hold anything: made by tuple.__new__, tracked
        pass

    assert all(gc.is_tracked(b) for b in FAST.block_list("ab\ncd", WithDict))

    spans = FAST.make_spans(Span, [0, 1], [0, 5], [4, 9], "page_furniture", ["menu", "short"])
    assert spans == [Span(0, 4, "page_furniture", "menu"), Span(5, 9, "page_furniture", "short")]
    assert not any(gc.is_tracked(s) for s in spans)
    assert gc.is_tracked(Span(0, 4, "page_furniture", "menu"))  # (the dataclass's own)

    class Reason(str):  # not an exact str: a subclass instance has a __dict__
        pass

    odd = FAST.make_spans(Span, [0], [0], [4], "x", [Reason("r")])
    assert odd == [Span(0, 4, "x", "r")] and gc.is_tracked(odd[0])

    # untracked, yet freed when dropped: the strings they held are released at once
    import sys

    line, why = "".join(["only ", "line"]), "".join(["one ", "reason"])
    text = line + "\n" + line
    rc_text, rc_why = sys.getrefcount(text), sys.getrefcount(why)
    gc.disable()
    try:
        blocks = FAST.block_list(text, D.Block)
        spans = FAST.make_spans(Span, [0, 1], [0, 10], [9, 19], "x", [why, why])
        assert sys.getrefcount(why) == rc_why + 2
        del blocks, spans
        assert (sys.getrefcount(text), sys.getrefcount(why)) == (rc_text, rc_why)
    finally:
        gc.enable()


def test_make_spans_are_the_dataclass_spans():
    import dataclasses
    import pickle

    reasons = ["menu", "short line; 3 links"]
    got = FAST.make_spans(Span, [2, 0], [0, 5, 10], [4, 9, 14], "page_furniture", reasons)
    want = [Span(10, 14, "page_furniture", "menu"), Span(0, 4, "page_furniture", "short line; 3 links")]
    assert got == want and [hash(s) for s in got] == [hash(s) for s in want]
    assert all(type(s) is Span for s in got) and pickle.loads(pickle.dumps(got)) == want
    assert [len(s) for s in got] == [4, 4] and dataclasses.asdict(got[0])["reason"] == "menu"
    with pytest.raises(dataclasses.FrozenInstanceError):
        got[0].start = 1  # type: ignore[misc]
    with pytest.raises(ValueError):
        FAST.make_spans(Span, [3], [0, 5, 10], [4, 9, 14], "x", ["r"])

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        start: int
        end: int
        detector: str
        reason: str

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        start: int
        end: int
        detector: str
        reason: str

    for other in (NoSlots, NotFrozen, tuple):
        assert FAST.make_spans(other, [0], [0], [1], "x", ["r"]) is None


def test_page_furniture_spans_are_the_same_with_and_without_make_spans():
    page = "\n".join(["Home", "News", "Sport", "Contact", "Weather", "Login"]
                     + ["The council met on Tuesday to discuss the new budget for the coming year, "
                        "and the members agreed that the schools would get more money than before."] * 3
                     + ["Share this", "Tweet", "Email", "Print", "Copyright 2024 Example"]) + "\n"
    got = list(F.PageFurniture().detect(Document(page)))
    with python_paths():
        want = list(F.PageFurniture().detect(Document(page)))
    assert got == want and got


def test_link_farm_spans_are_the_same_with_and_without_make_spans():
    from cleaner.detectors.linkfarm import LinkFarm

    page = ("Home\nNews\nSport\nContact\n"
            "The council met on Tuesday to discuss the new budget for the coming year, and the "
            "members agreed that the schools would get more money than before.\n"
            "Read more\nRelated Links\nLearn about space at SpaceWar.com\nMars news at MarsDaily.com\n"
            "Home | News | Sport | Weather\n")
    got = list(LinkFarm().detect(Document(page)))
    with python_paths():
        want = list(LinkFarm().detect(Document(page)))
    assert got == want and len(got) >= 4
    assert all(type(s) is Span for s in got)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([". | . |", "* * *", "-----", "|", " ", "\t", "\n", "\n", "a", "•", "\u3000", "※ ※",
                                 "—", "\\\\", "x-", "\r", "\U0001f600", "  |  "]), max_size=30).map("".join),
       st.sampled_from(["|.-_*=~•·◦▪▫■□●○►▶»«›‹/\\\\:;,+#<>^°…–—―'\"`´¦§¤†‡⁂※", "|.* ", "-\t"]))
def test_compiled_separator_lines_are_the_regex_matches(text, chars):
    import re

    import regex

    cls = "[" + regex.escape(chars, special_only=False) + "]"
    rx = re.compile(rf"(?m)^[ \t]*{cls}(?:[ \t]*{cls})*[ \t]*$")
    assert FAST.separator_lines(text, chars) == [m.span() for m in rx.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["a", "b c", " ", "  ", "\n", "\n\n", "\t", "\r", "\x0b", "\x1f", "\x7f", "\x9f",
                                 "\xa0", "\xa1", "\u2000", "\u200a", "\u200b", "\u200c", "\u2028", "\u202f",
                                 "\u205f", "\u2060", "\ufeff", "é", "\U0001f600", "\x00"]), max_size=12).map("".join))
def test_normal_state_is_already_normal_without_the_normal_form(text):
    as_is, with_nl = FAST.normal_state(text)
    assert as_is == P._already_normal(text, None)
    assert with_nl == (bool(text) and text[-1] != "\n" and P._already_normal(text + "\n", None))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["the", "of", "and", "der", "die", "und", "le", "la", "de", " ", "  ", "\n", ",", "_",
                                 "2", "\u0663", "\u00bd", "é", "ß", "ñ", "о", "и", "в", "東京", "ぁ", "x_y", "a1b",
                                 "\U0001d400", "'", "-", "the_"]), max_size=60).map("".join))
def test_lang_words_are_the_regex_words(text):
    import re

    from cleaner import lang as L

    words = re.compile(r"[^\W\d_]+").findall(text)
    vocab = L._model()[0]
    n, en, rows = FAST.lang_words(text, L._en_stop_table(), L._vocab_table())
    assert n == len(words)
    assert en == sum(w in L.EN_STOP for w in words)
    assert rows == [vocab[w] for w in words if w in vocab]


def test_language_of_samples_is_the_same_with_and_without_lang_words():
    from cleaner import lang as L

    samples = [
        "Der Bundestag hat am Freitag ein Gesetz beschlossen, das die Mieten begrenzt. " * 5,
        "Le gouvernement a annoncé mardi une hausse des impôts pour les entreprises. " * 5,
        "El gobierno anunció el martes una subida de impuestos para las empresas. " * 5,
        "Правительство во вторник объявило о повышении налогов для компаний. " * 5,
        "Il governo ha annunciato martedì un aumento delle tasse per le imprese. " * 5,
        "De regering heeft dinsdag een belastingverhoging aangekondigd voor bedrijven. " * 5,
        "Home | News | Kontakt | Impressum\nÜber uns\n",
        "東京都は、新しい計画を発表しました。",
        "1234 5678 ½ ¾",
    ]
    got = [L.language_of_sample(s) for s in samples]
    with python_paths():
        want = [L.language_of_sample(s) for s in samples]
    assert got == want
    assert [g[0] for g in got[:6]] == ["de", "fr", "es", "ru", "it", "nl"]


def test_compiled_lower_is_str_lower_for_every_code_point():
    """Every code point alone, after a Latin-1 letter and after a wider one (each width
    of str), lowercases as ``str.lower`` does; İ and Σ are handed back (None)."""
    import sys

    for c in range(sys.maxunicode + 1):
        ch = chr(c)
        if c in (0x130, 0x3A3):
            assert FAST.lower("x" + ch + "\u0101") is None
            continue
        for t in (ch, "\u00c9" + ch, ch + "\u0100", "\U00010400" + ch):
            got = FAST.lower(t)
            assert got == t.lower(), hex(c)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.text("AaÉéΣσİiẞßĀāΩ \n-", max_size=30))
@settings(max_examples=500, deadline=None)
def test_compiled_lower_is_str_lower_on_random_text(text):
    from cleaner.document import Document, lowercase

    got = FAST.lower(text)
    assert got is None or got == text.lower()
    assert got is not None or "\u0130" in text or "\u03a3" in text
    assert lowercase(text) == text.lower()
    doc = Document(text)
    got_doc = (doc.lower, doc._lower_by_char)
    with python_paths():
        ref = Document(text)
        assert got_doc == (ref.lower, ref._lower_by_char)


@given(st.lists(st.sampled_from(["menu | home", "", "Read more", "The council met on Tuesday.", "© 2024"]),
                min_size=1, max_size=25),
       st.data())
@settings(max_examples=300, deadline=None)
def test_compiled_carry_gives_the_python_loops_candidate_blocks(lines, data):
    """The trigger hits of a first pass carried to its kept lines: the compiled mapping
    (``carry_blocks``) and the Python loop agree, on kept pieces of whole lines, and
    both give what a scan of the kept text gives."""
    from cleaner.detectors.base import _INDEX, candidate_blocks

    text = "\n".join(lines) + "\n"
    first = Document(text)
    candidate_blocks(first, ("menu", "read more", "©", "council"))  # registers a set, scans
    bounds = [0]
    for ln in lines:
        bounds.append(bounds[-1] + len(ln) + 1)
    keep = data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    pieces = [(bounds[i], bounds[i + 1]) for i, k in enumerate(keep) if k]
    kept = "".join(text[a:b] for a, b in pieces)
    got = {}
    for compiled in (True, False):
        doc = Document(kept)
        with nullcontext() if compiled else python_paths():
            ok = _INDEX.carry(first, pieces, doc)
        got[compiled] = (ok, doc._cands)
    assert got[True] == got[False]
    ok, cands = got[True]
    # whole lines, no character that lowercases to two: the hits are always carried
    assert ok
    assert cands == {sid: blk for sid, blk in _INDEX.scan(Document(kept)).items() if sid in cands}


def test_compiled_carry_refuses_what_the_python_loop_must_decide():
    assert FAST.carry_blocks({0: [0, 1]}, [0, 4, 8], [(4, 8), (0, 4)], 2) is None  # out of order
    assert FAST.carry_blocks({0: [5]}, [0, 4], [(0, 8)], 2) is None  # a block index past the end
    assert FAST.carry_blocks({0: [1]}, [0, 4, 8], [(0, 4), (8, 12)], 3) is False  # another text
    assert FAST.carry_blocks({0: [0, 2], 1: []}, [0, 4, 8], [(0, 4), (8, 12)], 2) == {0: [0, 1], 1: []}


def _tricky_numbers() -> list[float]:
    # ties and near-ties of "%.2f" and "%.0f" (0.125, 0.005, 12.5 ...), their neighbours
    # one ulp away, zeros of both signs, tiny, huge and odd values
    base = [k / 8 for k in range(9)] + [k / 200 for k in range(201)] + [k / 1000 for k in range(1001)]
    base += [k + 0.5 for k in range(101)] + [0.0, -0.0, 5e-324, 1e-300, 9999.995, 99.995, 1e4, 1e16, 1e300,
                                             -0.004, -0.5, float("inf"), float("-inf"), float("nan")]
    out = []
    for v in base:
        out += [v, np.nextafter(v, -np.inf), np.nextafter(v, np.inf)]
    return [float(v) for v in out]


def test_compiled_reasons_write_numbers_as_python_does():
    # the compiled reasons round the scores ("%.2f") and percentages ("%.0f") themselves
    # when a value lies clearly away from a tie; every value must give Python's digits
    vals = np.array(_tricky_numbers())
    m = len(vals)
    f64 = lambda v: np.full(m, v, dtype=np.float64)  # noqa: E731
    u8 = np.zeros(m, np.uint8)
    chars = np.full(m, 100, np.int64)
    # digits > 0.3 prints "digits %.0f%%" of 100 * digits: give it vals / 100 where that is > 0.3
    digits = np.where(np.isnan(vals), 0.5, np.abs(vals) / 100 + 0.31)
    got = FAST.reasons(list(range(m)), list(range(m)), list(range(m)), {}, chars, f64(5.0), u8, f64(0.0),
                       f64(0.0), u8, f64(0.5), f64(0.0), digits, f64(1.0), f64(1.0), f64(1.0), vals, vals[::-1].copy(),
                       70, False)
    for k in range(m):
        want = "page furniture block: digits %.0f%%; score %.2f (block alone %.2f)" % (
            100 * digits[k], vals[::-1][k], vals[k])
        assert got[k] == want, (k, vals[k])
    # integers written by hand too, the most negative one included
    one = FAST.reasons([0], [0], [0], {}, chars[:1], f64(-(2.0**63))[:1], u8[:1], f64(-(2.0**63))[:1], f64(0)[:1],
                       u8[:1], f64(0.5)[:1], f64(0)[:1], f64(0)[:1], f64(0)[:1], f64(0)[:1], f64(0)[:1], f64(0)[:1],
                       f64(0)[:1], 70, False)[0]
    assert "%d URLs in %d words" % (-(2**63), -(2**63)) in one
    z, n = f64(0)[:1], u8[:1]
    assert FAST.reasons([0], [0], [0], {0: 2**62}, chars[:1], z, n, z, z, n, z, z, z, z, z, z, z, z, 70,
                        False)[0] == "page furniture block: repeats block %d" % (2**62 + 1)


def test_block_tuples_are_read_as_tuples_and_other_blocks_refused():
    # Block is a NamedTuple; the compiled loops read it as a tuple (its sequence slot is
    # a slow Python-level one).  A block that is not a 3-tuple is refused, not misread.
    from cleaner.document import Block

    blocks = [Block(0, 3, "abc"), Block(4, 6, "de"), Block(7, 9, "fg")]
    assert FAST.bounds(blocks, [0, 1], [0, 2]) == ([0, 4], [3, 9])
    assert FAST.bounds([(0, 3, "abc")], [0], [0]) == ([0], [3])
    for bad in ([[0, 3, "abc"]], [(0, 3)]):
        with pytest.raises(TypeError):
            FAST.bounds(bad, [0], [0])
        with pytest.raises(TypeError):
            FAST.menu_flags(bad * 2, 1, 30, 3, ".")
    assert FAST.groups(5, [1, 2]) == ([0, 1, 4], [0, 3, 4])
    assert FAST.groups(3, []) == ([0, 1, 2], [0, 1, 2])
    for links in ([2], [1, 0], [5]):
        with pytest.raises(ValueError):
            FAST.groups(3, links)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(QUALITY_PAGES), st.lists(st.tuples(st.integers(0, 60), _LINES), max_size=12),
       st.integers(0, 4), st.sampled_from([-3.0, -1.0, -6.0]))
def test_compiled_scores_and_decision_are_the_numpy_ones(page, inserts, gap, clear):
    # page_scores (stages 1 to 3) and page_decide (the clear test, _decide, _fill and
    # the blocks _repeats compares) against the numpy path, on real pages with random
    # lines put in and the thresholds moved
    lines = page.split("\n")
    for at, line in inserts:
        lines.insert(at % (len(lines) + 1), line)
    text = "\n".join(lines)
    det = F.PageFurniture(fill_gap_blocks=gap, clear_score=clear)
    got = det._analyse(Document(text, {}))
    with python_paths():
        want = det._analyse(Document(text, {}))
    assert (got is None) == (want is None)
    if got is None:
        return
    (a, _), (b, _) = got, want
    # the same doubles here; np.allclose where another machine's numpy exp may differ
    # in the last bit from the C library's
    for k in ("z1", "z3", "x3"):
        assert np.allclose(getattr(a, k), getattr(b, k), rtol=1e-12, atol=1e-12), k
    assert a.keep.tolist() == b.keep.tolist()
    assert a.repeats == b.repeats


#: long lines (at least length_high characters) with a stopword density above, between
#: and below the seed rule's 0.2 and the "stopwords" reason's 0.3
_LONG_LINES = st.sampled_from([
    "The council voted on Tuesday to raise the budget for the schools of the city, and the mayor said that the "
    "money would be spent on the teachers and the buildings of the poorest districts, which had waited for it for years.",
    "Budget council vote on Tuesday raises funding for city schools, mayor approves teacher salaries and building "
    "repairs, poorest districts waited years, opposition criticised the timing, unions welcomed plan, parents applauded decision",
    "Budget council vote Tuesday raises funding city schools, mayor approves teacher salaries, building repairs, "
    "poorest districts waited years, opposition criticised timing, unions welcomed plan, parents applauded decision, teachers cheered",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_LINES, _LONG_LINES), min_size=4, max_size=30).map("\n".join),
       st.sampled_from(["en", "de", "ru"]), st.sampled_from([0, 4, 12, 40]))
def test_one_compiled_page_pass_decides_as_the_numpy_path_on_short_random_pages(text, lang, seed_blocks):
    # page_pass (features, the seed rule, scores, decision in one call) against the numpy
    # path on pages short enough for the seed rule to matter, with its floor moved
    det = F.PageFurniture(seed_min_blocks=seed_blocks)
    got = det._analyse(Document(text, {"lang": lang}))
    with python_paths():
        want = det._analyse(Document(text, {"lang": lang}))
    assert (got is None) == (want is None)
    if got is not None:
        (a, _), (b, _) = got, want
        assert a.keep.tolist() == b.keep.tolist() and a.repeats == b.repeats
        assert np.allclose(a.z3, b.z3, rtol=1e-12, atol=1e-12)


def test_page_pass_refuses_other_shapes_and_counts_that_are_not_int64_arrays():
    from array import array
    m = 2
    counts = tuple(array("q", [1, 1]) for _ in range(9))
    text = "ab\ncd"

    def call(counts=counts, S=np.zeros((2, m)), G=np.zeros((7, m), np.uint8), F_=np.empty((54, m)),
             L=np.empty((3, m)), w=np.zeros(67)):
        return FAST.page_pass(counts, text, text, [0, 3], [2, 5], S, G, F_, np.empty(m, np.int64), L, np.log1p,
                              frozenset(), " ", np.zeros(0x10000, np.uint8), w, 70, 200, 3, -4.0, 8.0, 12, -3.0, -0.6,
                              0.0, 3, -2.0, 12.0, False)

    assert call() == 0
    with pytest.raises(ValueError):
        call(S=np.zeros((2, m + 1)))
    with pytest.raises(ValueError):
        call(L=np.empty((2, m)))
    with pytest.raises(ValueError):
        call(w=np.zeros(66))
    with pytest.raises(TypeError):
        call(counts=tuple([1, 1] for _ in range(9)))
    with pytest.raises(ValueError):
        call(counts=tuple(array("q", [1]) for _ in range(9)))  # one item short
    with pytest.raises(ValueError):
        call(counts=tuple(array("d", [1.0, 1.0]) for _ in range(9)))  # doubles, not int64


@pytest.mark.parametrize("stops, m, verdict", [(10, 3, 2), (7, 3, 1), (10, 12, 2), (7, 12, 2), (8, 3, 2)])
def test_page_pass_applies_the_seed_rule_to_short_pages_only(stops, m, verdict):
    # a page of fewer than seed_min_blocks (12) blocks is left alone (1) unless one block
    # is long prose: at least length_high (200) characters and a stopword density of at
    # least 0.2 (10 or 8 of 40 words; 7 of 40 is below); with zero weights no block is
    # clearly furniture, so a page that passes the rule is left alone by the decision (2)
    from array import array
    text = "\n".join(["x" * 250] + ["y" * 10] * (m - 1))
    starts = [0] + [251 + 11 * k for k in range(m - 1)]
    ends = [250] + [261 + 11 * k for k in range(m - 1)]
    counts = [array("q", [40] + [1] * (m - 1)), array("q", [stops] + [0] * (m - 1))]
    counts += [array("q", [0] * m) for _ in range(3)] + [array("q", [120] * m) for _ in range(4)]
    got = FAST.page_pass(tuple(counts), text, text, starts, ends, np.zeros((2, m)), np.zeros((7, m), np.uint8),
                         np.empty((54, m)), np.empty(m, np.int64), np.empty((3, m)), np.log1p, frozenset(), " ",
                         np.zeros(0x10000, np.uint8), np.zeros(67), 70, 200, 3, -4.0, 8.0, 12, -3.0, -0.6, 0.0, 3,
                         -2.0, 12.0, True)
    assert got == verdict


def test_page_decide_finds_the_blocks_that_may_repeat():
    m = 6
    z3 = np.array([2.0, 2.0, -5.0, 2.0, 2.0, 2.0])
    words = np.array([20.0, 20.0, 20.0, 5.0, 20.0, 30.0])
    stops = np.array([8.0, 8.0, 8.0, 2.0, 9.0, 8.0])
    keep, shared = np.empty(m, np.uint8), np.empty(m, np.uint8)
    no = np.zeros(m, np.uint8)
    assert FAST.page_decide(z3, np.full(m, 100, np.int64), words, no, no, no, np.zeros(m), stops, -3.0, -0.6, 0.0,
                            70, 3, -2.0, 12.0, keep, shared)
    # block 2 is not kept (clearly furniture); 0 and 1 share (20, 8); 4 and 5 do not
    assert keep.tolist() == [1, 1, 0, 1, 1, 1]
    assert shared.tolist() == [1, 1, 0, 0, 0, 0]
    # no block below clear_score: False, keep untouched
    keep[:] = 7
    assert not FAST.page_decide(np.zeros(m), np.full(m, 100, np.int64), words, no, no, no, np.zeros(m), stops,
                                -3.0, -0.6, 0.0, 70, 3, -2.0, 12.0, keep, shared)
    assert keep.tolist() == [7] * m


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.sampled_from(["a", "b", "c"])), max_size=60))
def test_compiled_span_sort_is_pythons_stable_sort(rows):
    from operator import attrgetter

    from cleaner.document import Span

    spans = [Span(a, b, d, f"r{k}") for k, (a, b, d) in enumerate(rows)]
    got = FAST.sort_spans(spans)
    want = sorted(spans, key=attrgetter("start", "end"))
    assert [id(s) for s in got] == [id(s) for s in want]  # the same objects, ties in input order
    assert got is not spans


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=12), max_size=40))
def test_compiled_span_sort_of_sorted_runs_is_pythons_stable_sort(groups):
    """As the pipeline hands them over: each detector's spans in order, one list after
    another (runs merged pairwise; past 32 runs, the general sort)."""
    from operator import attrgetter

    from cleaner.document import Span

    spans = []
    for g, rows in enumerate(groups):
        run = [Span(a, b, f"d{g}", f"r{k}") for k, (a, b) in enumerate(rows)]
        spans.extend(sorted(run, key=attrgetter("start", "end")))
    got = FAST.sort_spans(spans)
    want = sorted(spans, key=attrgetter("start", "end"))
    assert [id(s) for s in got] == [id(s) for s in want]


def test_compiled_span_sort_hands_odd_offsets_back():
    from collections import namedtuple

    S = namedtuple("S", "start end")
    assert FAST.sort_spans([S(1, 2), S(0.5, 1)]) is None
    assert FAST.sort_spans([S(1, 2), S(2**70, 1)]) is None
    assert FAST.sort_spans([S(1, 2)]) == [S(1, 2)]


def test_span_offsets_read_from_slots_are_the_attributes():
    """The span loops read a Span's start and end from its slots (once merge_spans or
    make_spans has seen the type); anything that is not an exact int that fits still
    goes through the attributes, with the same answers and refusals as before."""
    from cleaner.document import Span

    class Index(int):  # an int subclass: read through the attribute, not the slot
        pass

    FAST.merge_spans([Span(0, 1, "a", "x")], 10, Span)  # the slots of Span are known now
    spans = [Span(5, 9, "b", "y"), Span(0, 6, "a", "x"), Span(Index(3), Index(4), "c", "z"), Span(True, 2, "d", "w")]
    assert FAST.sort_spans(spans) == sorted(spans, key=lambda s: (s.start, s.end))
    assert FAST.merge_spans(spans, 30, Span) == P.merge_spans(spans, 30)
    merged = P.merge_spans(spans, 30)
    with python_paths():
        want = P.kept_pieces("a" * 30, merged)
    assert FAST.kept_pieces("a" * 30, merged) == want == [(9, 30)]
    assert FAST.whole_lines("abcdef\nghij", [Span(0, 6, "a", "x"), Span(7, 11, "a", "x")]) is True
    # negative and huge offsets: the same refusals as through the attributes
    assert FAST.kept_pieces("ab\ncd\n", [Span(-1, 2, "a", "x")]) is None
    assert FAST.sort_spans([Span(1, 2, "a", "x"), Span(2**70, 1, "a", "x")]) is None
    assert FAST.merge_spans([Span(0, 2**70, "a", "x")], 6, Span) is None
    # a span whose slot was never set: the attribute's own error, not a crash
    empty = object.__new__(Span)
    with pytest.raises(AttributeError):
        FAST.sort_spans([Span(0, 1, "a", "x"), empty])
    # another type with the same field names is read through its attributes
    from collections import namedtuple

    S = namedtuple("S", "start end detector reason")
    assert FAST.sort_spans([S(5, 6, "a", ""), S(1, 2, "a", "")]) == [S(1, 2, "a", ""), S(5, 6, "a", "")]
    assert FAST.sort_spans([Span(5, 6, "a", ""), Span(1, 2, "a", "")]) == [Span(1, 2, "a", ""), Span(5, 6, "a", "")]


def test_nfc_bitmap_marks_only_code_points_nfc_leaves_alone():
    """Every code point of the bitmap is in NFC alone, after any marked one and before
    a combining mark's base (it composes with nothing before it); every string of them
    is in NFC.  The ones left out include the marks, the singletons, and the second
    halves of canonical pairs."""
    import unicodedata

    from cleaner.normalisers.unicode import is_normalized, nfc_stable_bits

    bits = nfc_stable_bits()
    marked = [c for c in range(0x10000) if bits[c >> 3] >> (c & 7) & 1]
    assert 60_000 < len(marked) < 0x10000
    for c in marked:
        ch = chr(c)
        assert unicodedata.is_normalized("NFC", ch) and not unicodedata.combining(ch), hex(c)
        # nothing before it composes with it: the letters, Hangul syllables and jamo
        for before in ("a", "e", "\u1100", "\uac00", "\u0b47", "\u0dd9", "\u1025", "\u0cc6"):
            assert unicodedata.is_normalized("NFC", before + ch), (hex(ord(before)), hex(c))
    for c in (0x300, 0x301, 0x2126, 0x212B, 0x0958, 0x0CD5, 0x102E, 0x1161, 0x11A8, 0x3099, 0x0F73):
        assert not bits[c >> 3] >> (c & 7) & 1, hex(c)
    texts = ["caf\u00e9 \u2014 \u201cquoted\u201d \u2026 \u20ac5", "\u041f\u0440\u0438\u0432\u0435\u0442",
             "\u6771\u4eac\u3067\u3059", "\ud55c\uad6d\uc5b4", "cafe\u0301", "\u2126", "\u1100\u1161",
             "e\u0301\u0327", "\U0001f600 ok", "\u0915\u093c", ""]
    for t in texts:
        assert is_normalized("NFC", t) == unicodedata.is_normalized("NFC", t), t
        for form in ("NFD", "NFKC", "NFKD"):
            assert is_normalized(form, t) == unicodedata.is_normalized(form, t), (form, t)


# code points NFC acts on, and their neighbours: marks, singletons, composition
# exclusions, Hangul jamo and syllables, two-part vowels (Kannada, Tibetan), astral
# pairs (Kaithi, musical symbols), CJK compatibility ideographs, a lone surrogate
_NFC_ALPHABET = [chr(c) for c in (
    0x61, 0x65, 0x20, 0x0A, 0x301, 0x300, 0x327, 0x323, 0x345, 0x344, 0xE9, 0x3B1, 0x1E0A, 0x2126, 0x212B,
    0x1100, 0x1161, 0x11A8, 0xAC00, 0x0F73, 0x0CC6, 0x0CD5, 0x0CC2, 0x110A5, 0x1109A, 0x110B9, 0x110BA,
    0x1D15E, 0x1D165, 0x2F800, 0x4E2D, 0x0958, 0x3099, 0x304B, 0x1F600, 0xD800)]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_NFC_ALPHABET), max_size=24).map("".join))
def test_nfc_by_regions_is_unicodedata_nfc(text):
    """normalise_unicode sends only nfc_regions' regions through unicodedata: the
    same string as NFC of the whole text, with and without the compiled module."""
    import unicodedata

    from cleaner.normalisers.unicode import nfc_stable_bits, normalise_unicode

    want = unicodedata.normalize("NFC", text)
    assert normalise_unicode(text) == want
    with python_paths():
        assert normalise_unicode(text) == want
    regions = FAST.nfc_regions(text, nfc_stable_bits())
    for (a, b), nxt in zip(regions, regions[1:] + [(len(text) + 1, 0)]):
        assert 0 <= a < b < nxt[0]  # in order, neither touching nor overlapping
    # outside the regions, the text is copied: each is in NFC already
    pos = 0
    for a, b in regions + [(len(text), len(text))]:
        assert unicodedata.is_normalized("NFC", text[pos:a])
        pos = b


def test_nfc_by_regions_on_a_page():
    import unicodedata

    from cleaner.normalisers.unicode import nfc_stable_bits, normalise_unicode

    text = ("Cafe\u0301 au lait, cre\u0300me bru\u0302le\u0301e \u2014 \u2126 and \u212b.\n" * 50
            + "\u1100\u1161\u11a8 \ud55c\uad6d\uc5b4 \U000110a5\U000110ba done\n")
    regions = FAST.nfc_regions(text, nfc_stable_bits())
    assert len(regions) > 100 and sum(b - a for a, b in regions) < len(text) / 3
    assert normalise_unicode(text) == unicodedata.normalize("NFC", text) != text
    assert FAST.nfc_regions("plain text", nfc_stable_bits()) == []
    with pytest.raises(ValueError):
        FAST.nfc_regions("x", b"\xff" * 10)


def test_nfc_bitmap_copy_is_the_computation(tmp_path, monkeypatch):
    """The package's copy of the bitmap (read at start instead of computed) is the
    computation's for this Unicode version, byte for byte; without a copy, or with a
    truncated one, the bitmap is computed."""
    import sys
    import unicodedata

    from cleaner.normalisers import unicode as U

    computed = U.compute_nfc_stable_bits()
    path = U._BITMAP.format(unicodedata.unidata_version)
    if sys.version_info[:2] == (3, 11):  # the interpreter the copy was written for (Unicode 14.0.0)
        with open(path, "rb") as f:
            assert f.read() == computed
    U.nfc_stable_bits.cache_clear()
    try:
        assert U.nfc_stable_bits() == computed
        monkeypatch.setattr(U, "_BITMAP", str(tmp_path / "missing_{}.bin"))
        U.nfc_stable_bits.cache_clear()
        assert U.nfc_stable_bits() == computed
        (tmp_path / f"short_{unicodedata.unidata_version}.bin").write_bytes(computed[:100])
        monkeypatch.setattr(U, "_BITMAP", str(tmp_path / "short_{}.bin"))
        U.nfc_stable_bits.cache_clear()
        assert U.nfc_stable_bits() == computed
    finally:
        U.nfc_stable_bits.cache_clear()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)), max_size=30))
def test_nfc_shortcut_is_unicodedata(text):
    from cleaner.normalisers.unicode import is_normalized

    import unicodedata

    assert is_normalized("NFC", text) == unicodedata.is_normalized("NFC", text)
    with python_paths():
        assert is_normalized("NFC", text) == unicodedata.is_normalized("NFC", text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\u4e2d", "\u010a", "\u0a0a", "\u0a00", "\u000b", "\u0009", "a", "\uffff",
                                 "\u2028", "xyz", "\u0a0a\u010a\u4e2d\u000a"]), max_size=50).map("".join))
def test_line_breaks_in_two_byte_text_are_found_a_word_at_a_time(text):
    # 2-byte strings skip to a line break four code units at a time: code units that
    # hold 0x0A in one byte (U+010A, U+0A0A), or borrow in the test (U+0A00), are no break
    text = "\u4e2d" + text  # (a 2-byte string whatever else is drawn)
    with python_paths():
        want_blocks, want_sample = D._block_list(text), L.sample(text, 7)
    assert D._block_list(text) == want_blocks
    assert FAST.sample(text, 7) == want_sample


def test_a_lone_surrogate_is_searched_on_both_paths():
    # the trigger search runs over UTF-8 bytes ("surrogatepass"): the library cleans
    # a text holding a lone surrogate on either path, with the same result (the CLI
    # rejects such records before, as it cannot write them back)
    text = "\ud800 Read more\nThe council met on Tuesday and voted to close the library.\n"
    got = cleaner.Pipeline().clean(text).text
    with python_paths():
        want = cleaner.Pipeline().clean(text).text
    assert got == want == "The council met on Tuesday and voted to close the library.\n"


# ------------------------------------------------------------------ the runner's loops
_JSON_KEYS = st.text(alphabet=st.sampled_from(['"', "\\", ":", "a", "é", "{", "}", " ", "\u2028"]), max_size=4)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _JSON_KEYS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_JSON_KEYS, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(_JSON_KEYS, _JSON_VALUES, max_size=4), st.booleans(), st.sampled_from([":", " : ", ":\t"]))
def test_json_colons_are_the_members_at_every_depth(rec, ascii_, sep):
    """``json_colons`` counts the members that the stdlib's pairs hook sees, whatever the
    keys and strings hold (quotes, backslashes, colons, braces) and however written."""
    import json

    raw = json.dumps(rec, ensure_ascii=ascii_, separators=(",", sep)).encode()
    members = []
    json.loads(raw, object_pairs_hook=lambda p: members.append(len(p)) or dict(p))
    assert FAST.json_colons(raw) == sum(members)
    assert FAST.json_colons(raw[:-1] + b'"') == -1  # the last brace made a string left open


def test_json_colons_of_escapes_before_a_colon():
    assert FAST.json_colons(rb'{"a\\": 1, "b\"": ":", "c\\\"": 2}') == 3
    assert FAST.json_colons(rb'{"a": "\\\\":1}') == 2  # (not JSON: a colon after a closed string counts)
    assert FAST.json_colons(rb'{"a": "x\"') == -1
    assert FAST.json_colons(b"") == 0


def test_label_sums_are_the_python_loop():
    from cleaner.document import Span
    from cleaner.runner import Stats, _count_spans

    spans = [Span(0, 5, "copyright+link_farm", "x"), Span(6, 8, "copyright", "y"), Span(9, 19, "link_farm", "z"),
             Span(20, 21, "copyright+link_farm", "w")]
    assert FAST.label_chars(spans) == {"copyright+link_farm": 6, "copyright": 2, "link_farm": 10}
    assert list(FAST.label_chars(spans)) == ["copyright+link_farm", "copyright", "link_farm"]
    assert FAST.label_chars([]) == {}
    sts = []
    for on in (True, False):
        _compiled.ENABLED = on
        try:
            st_ = Stats()
            _count_spans(st_, spans)
            sts.append((list(st_.removed_chars.items()), st_.docs_hit))
        finally:
            _compiled.ENABLED = True
    assert sts[0] == sts[1] == ([("copyright", 8), ("link_farm", 16)], {"copyright": 1, "link_farm": 1})
    # an offset that is not an int that fits: the Python loop's
    from collections import namedtuple

    S = namedtuple("S", "start end detector")
    assert FAST.label_chars([S(0, 2 ** 70, "x")]) is None
    assert FAST.label_chars([S(0, 1.5, "x")]) is None


# ------------------------------------------------------------------ the PRE chain in one pass
_PRE_ALPHABET = ["\r", "\n", "\r\n", "\u2028", "\u2029", "\x00", "\x0b", "\x0c", "\x1c", "\x1f", "\x7f", "\x85", "\x9f",
                 "\u200b", "\u2060", "\ufeff", "\u200d", " ", "  ", "\t", "\u00a0", "\u2000", "\u2001", "\u200a",
                 "\u202f", "\u205f", "\u3000", "a", "B", "\u00e9", "e", "\u0301", "\u2126", "\u4e2d", "\U0001f600",
                 "\u0915", "\u093c", ".", "\u201c"]


def _pre_chain(text: str) -> str:
    from cleaner import normalisers as N

    for fix in N.PRE.values():
        text = fix(text)
    return text


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PRE_ALPHABET), max_size=30).map("".join))
def test_normal_text_is_the_chain_of_fixers(text):
    """One compiled pass gives what the six PRE fixers give one after the other (each on
    its Python path), or hands the text back to them (None) when NFC might act."""
    from cleaner.normalisers.unicode import nfc_stable_bits

    got = FAST.normal_text(text, nfc_stable_bits())
    with python_paths():
        want = _pre_chain(text)
    if got is None:  # a code point NFC might change: a mark, a singleton (U+2126, U+2000), astral
        bits = nfc_stable_bits()
        assert any(ord(c) > 0xFFFF or not bits[ord(c) >> 3] >> (ord(c) & 7) & 1 for c in text)
    else:
        assert got == want


def test_normal_text_on_pages_and_in_the_pipeline():
    import orjson

    from cleaner.normalisers.unicode import nfc_stable_bits
    from cleaner.pipeline import Pipeline

    texts = ["", "\n\n", " \t\u00a0\n", "ok", "ok\n", "a\r\n\r\n\r\n\r\nb  c \n\n", "x\u200b\u0301y"]
    with open(os.path.join(HERE, "fixtures", "golden", "input.jsonl"), "rb") as f:
        records = [orjson.loads(line)["text"] for line in f if line.strip()]
    assert len(records) >= 5
    texts += records
    for name in sorted(glob.glob(os.path.join(HERE, "fixtures", "quality", "*.txt"))):
        with open(name, encoding="utf-8") as f:
            page = f.read()
        # as a crawl writes it: Windows line ends, trailing spaces, runs of blank lines
        texts += [page, page.replace("\n", " \r\n"), page.replace("\n", "\n\n\n\u00a0\n")]
    p = Pipeline.from_config(None)
    assert p._fused
    handed_back = 0
    for t in texts:
        got = FAST.normal_text(t, nfc_stable_bits())
        handed_back += got is None
        assert p.normalise(t) == (_pre_chain(t) if got is None else got) == _pre_chain(t)
    assert handed_back >= 1  # ("x\u200b\u0301y": the mark composes once the zero-width space is gone)
    # a chain that differs from the default is not fused
    assert not Pipeline.from_config({"normalisers": {"whitespace": False}})._fused
    assert not Pipeline.from_config({"normalisers": {"unicode": "NFKC"}})._fused


def test_the_nfc_bitmap_is_checked_alike_by_its_two_scans():
    ascii_only = bytearray(8192)
    ascii_only[:16] = b"\xff" * 16
    for scan in (FAST.nfc_stable, FAST.normal_text):
        with pytest.raises(ValueError, match="8192 bytes"):
            scan("a", b"\xff" * 16)
        with pytest.raises(ValueError, match="every ASCII code point"):
            scan("a", bytes(8192))
    # Latin-1 not all marked: nfc_stable looks it up, normal_text hands the text back
    assert FAST.nfc_stable("caf\u00e9", bytes(ascii_only)) is False
    assert FAST.nfc_stable("cafe", bytes(ascii_only)) is True
    assert FAST.normal_text("cafe  ok", bytes(ascii_only)) is None

# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The compiled hot loops of cleaner (optional: built by setup.py with Cython when a C
compiler is there; without them every caller runs the same computation in Python and
numpy, with the same results, which the tests check).

- :func:`block_counts` and :func:`context`: ``page_furniture``'s per-block counts
  (words, stopwords, digits, capitals, commas) and its context features (stages 2 and 3).
- :func:`unknown_chunks`: the typo fixer's ``set(text.split()) - known``, without a
  string per chunk.
- :func:`has_any` and :func:`collapse_spaces`: the whitespace fixers' character-class
  checks and their space collapsing (without an edit log).
- :func:`block_list`: ``Document``'s lines as ``Block`` tuples.
- :class:`StopTable`: a set of words as a hash table over code points, asked about a
  slice of a text without making a string of it.
"""
import sys
from array import array

from cpython.array cimport array as carray, clone
from cpython.unicode cimport PyUnicode_KIND, PyUnicode_DATA, PyUnicode_GET_LENGTH, Py_UNICODE_ISSPACE, \
    PyUnicode_FromKindAndData, PyUnicode_READ_CHAR
from libc.stdint cimport int32_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcmp, memcpy

ctypedef fused char_t:  # the three widths of a str (PEP 393)
    uint8_t
    uint16_t
    uint32_t

# ASCII whitespace as str.split sees it (\t \n \v \f \r, \x1c-\x1f, space); NUL too:
# the numpy path turns NUL into a space before splitting
cdef bint _ASCII_SPACE[128]
for _i in range(128):
    _ASCII_SPACE[_i] = _i == 0 or chr(_i).isspace()


cdef inline bint _space(Py_UCS4 c) noexcept:
    if c < 128:
        return _ASCII_SPACE[c]
    return Py_UNICODE_ISSPACE(c)


cdef inline bint _capital(Py_UCS4 c) noexcept nogil:
    # an upper-case letter: Latin, Latin-1 (not the multiplication sign), Cyrillic
    return (65 <= c <= 90) or (192 <= c <= 222 and c != 215) or (0x410 <= c <= 0x42F)


cdef inline uint64_t _hash(char_t *s, Py_ssize_t n) noexcept nogil:
    cdef uint64_t h = 1469598103934665603ULL  # FNV-1a over the code points
    cdef Py_ssize_t i
    for i in range(n):
        h = (h ^ <uint64_t>s[i]) * 1099511628211ULL
    return h


cdef struct _Slot:  # 16 bytes: one cache line holds four
    uint64_t h  # the word's hash
    int32_t off  # start in ``chars``, or -1 for an empty slot
    int32_t n  # length


cdef class StopTable:
    """A set of words (stopword tokens) as an open-addressing hash table over code
    points, looked up without making a ``str`` per token.

    >>> t = StopTable(frozenset({"the", "The", "über"}))
    >>> t.maxlen, "the" in t, "The" in t, "über" in t, "then" in t, "" in t
    (4, True, True, True, False, False)
    """

    cdef uint32_t *chars
    cdef _Slot *slots
    cdef uint64_t mask
    cdef readonly Py_ssize_t maxlen

    def __cinit__(self, words):
        cdef list ws = list(words)  # (in any order: lookups do not depend on it)
        cdef Py_ssize_t size = 8, total, i, pos = 0, n
        cdef uint64_t slot, h
        # every code point, one after another, in this machine's byte order
        cdef bytes packed = "".join(ws).encode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")
        while size < 2 * len(ws) + 1:
            size <<= 1
        total = len(packed) // 4
        if total >= 2 ** 31 - 1:
            raise ValueError("word list too large")
        self.chars = <uint32_t *>malloc((total + 1) * sizeof(uint32_t))
        self.slots = <_Slot *>malloc(size * sizeof(_Slot))
        if not self.chars or not self.slots:
            raise MemoryError()
        self.mask = size - 1
        self.maxlen = 0
        for i in range(size):
            self.slots[i].off = -1
        memcpy(self.chars, <const char *>packed, total * sizeof(uint32_t))
        for w in ws:
            n = PyUnicode_GET_LENGTH(w)
            h = _hash(<uint32_t *>&self.chars[pos], n)
            slot = h & self.mask
            while self.slots[slot].off != -1:
                slot = (slot + 1) & self.mask
            self.slots[slot].h = h
            self.slots[slot].off = pos
            self.slots[slot].n = n
            self.maxlen = max(self.maxlen, n)
            pos += n

    def __dealloc__(self):
        free(self.chars)
        free(self.slots)

    cdef bint has(self, char_t *s, Py_ssize_t n) noexcept nogil:
        return self.has_hashed(s, n, _hash(s, n))

    cdef bint has_hashed(self, char_t *s, Py_ssize_t n, uint64_t h) noexcept nogil:
        cdef uint64_t slot = h & self.mask
        cdef Py_ssize_t off, i
        cdef _Slot *sl
        while True:
            sl = &self.slots[slot]
            off = sl.off
            if off == -1:
                return False
            if sl.h == h and sl.n == n:
                for i in range(n):
                    if self.chars[off + i] != s[i]:
                        break
                else:
                    return True
            slot = (slot + 1) & self.mask

    def __contains__(self, str word):
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(word)
        if n == 0 or n > self.maxlen:
            return False
        kind = PyUnicode_KIND(word)
        if kind == 1:
            return self.has(<uint8_t *>PyUnicode_DATA(word), n)
        if kind == 2:
            return self.has(<uint16_t *>PyUnicode_DATA(word), n)
        return self.has(<uint32_t *>PyUnicode_DATA(word), n)


cdef void _count(char_t *s, Py_ssize_t a, Py_ssize_t b, StopTable stop, long long *out) noexcept:
    """Counts of ``s[a:b]`` into ``out``: words, stopwords, digits, capitals at a
    word's start, commas."""
    cdef long long nw = 0, ns = 0, nd = 0, nt = 0, nc = 0
    cdef Py_ssize_t i, tok = a, maxlen = stop.maxlen
    cdef Py_UCS4 c, prev = s[a - 1] if a > 0 else 10
    cdef bint in_tok = False
    for i in range(a, b):
        c = s[i]
        if _space(c):
            if in_tok:
                in_tok = False
                if i - tok <= maxlen and stop.has(&s[tok], i - tok):
                    ns += 1
        elif not in_tok:
            in_tok = True
            tok = i
            nw += 1
        if 48 <= c <= 57:
            nd += 1
        elif c == 44:
            nc += 1
        elif (prev == 32 or prev == 10) and _capital(c):
            nt += 1
        prev = c
    if in_tok and b - tok <= maxlen and stop.has(&s[tok], b - tok):
        ns += 1
    out[0] = nw
    out[1] = ns
    out[2] = nd
    out[3] = nt
    out[4] = nc


def block_counts(str text, list starts, list ends, StopTable stop):
    """Per block ``[starts[k], ends[k])`` of ``text``: whitespace-separated words (as
    ``str.split`` cuts them; NUL counts as a space), the words found in ``stop``, ASCII
    digits, capitals at the start of a word (after a space or a line break), commas,
    and the code points of the block's first and last three characters.  Returns nine
    ``array('q')``.

    >>> w, s, d, t, c, f, l1, l2, l3 = block_counts("The cat, 2 dogs\\nA b", [0, 16], [15, 19], StopTable({"the", "The"}))
    >>> list(w), list(s), list(d), list(t), list(c), chr(f[0]), chr(l1[0]), chr(l2[0]), chr(l3[0])
    ([4, 2], [1, 0], [1, 0], [1, 1], [1, 0], 'T', 's', 'g', 'o')
    """
    cdef Py_ssize_t m = len(starts)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef carray tmpl = array("q")
    cdef list outs = [clone(tmpl, m, False) for _ in range(9)]
    cdef long long *p[9]
    cdef long long buf[5]
    cdef Py_ssize_t k, j, a, b
    cdef carray arr
    if len(ends) != m:
        raise ValueError("starts and ends differ in length")
    for j in range(9):
        arr = outs[j]
        p[j] = arr.data.as_longlongs
    for k in range(m):
        a = starts[k]
        b = ends[k]
        if a < 0 or b > n or a >= b:
            raise ValueError("block out of range")
        if kind == 1:
            _count(<uint8_t *>data, a, b, stop, buf)
        elif kind == 2:
            _count(<uint16_t *>data, a, b, stop, buf)
        else:
            _count(<uint32_t *>data, a, b, stop, buf)
        for j in range(5):
            p[j][k] = buf[j]
        p[5][k] = _read(kind, data, a)
        p[6][k] = _read(kind, data, b - 1)
        p[7][k] = _read(kind, data, b - 2 if b >= 2 else 0)
        p[8][k] = _read(kind, data, b - 3 if b >= 3 else 0)
    return tuple(outs)


cdef inline Py_UCS4 _read(int kind, void *data, Py_ssize_t i) noexcept nogil:
    if kind == 1:
        return (<uint8_t *>data)[i]
    if kind == 2:
        return (<uint16_t *>data)[i]
    return (<Py_UCS4 *>data)[i]


def context(double[::1] z, double[::1] pr, double[::1] stop, const unsigned char[::1] heading,
            const long long[::1] chars, const unsigned char[::1] endp, Py_ssize_t max_gap_blocks,
            Py_ssize_t length_low, double edge, double[:, ::1] X):
    """The context features of ``PageFurniture._context`` into ``X`` (17 rows, one column
    a block), from the scores ``z``, their probabilities ``pr`` (computed by the caller,
    with numpy's ``exp``), and the blocks' stopwords, heading flags, lengths and end
    punctuation.  The same operations in the same order as the numpy path, so the same
    numbers (cumulative sums run left to right in both; a zero may differ in sign where
    numpy's max picks the other of two equal zeros, which no score can see: each adds a
    non-zero bias).  Returns the main run's first and last block."""
    cdef Py_ssize_t m = z.shape[0], i, j, r, nruns = 0, ma = m, mb = -1, lo5, hi5, d
    cdef double top, zmax_all, acc_run, v, a, b
    cdef double *run_of
    cdef double *accp
    cdef Py_ssize_t *rs
    cdef Py_ssize_t *re
    cdef double *mass
    cdef Py_ssize_t prev
    if (X.shape[0] != 17 or X.shape[1] != m or pr.shape[0] != m or stop.shape[0] != m
            or heading.shape[0] != m or chars.shape[0] != m or endp.shape[0] != m):
        raise ValueError("shapes differ")  # (no bounds checks below)
    if m == 0:
        return ma, mb
    run_of = <double *>malloc((m + 1) * sizeof(double))
    accp = <double *>malloc((m + 1) * sizeof(double))
    rs = <Py_ssize_t *>malloc(m * sizeof(Py_ssize_t))
    re = <Py_ssize_t *>malloc(m * sizeof(Py_ssize_t))
    mass = <double *>malloc(m * sizeof(double))
    if not run_of or not accp or not rs or not re or not mass:
        free(run_of); free(accp); free(rs); free(re); free(mass)
        raise MemoryError()
    try:
        # runs of likely content (z >= 0), at most max_gap_blocks other blocks inside one
        prev = -1
        for i in range(m):
            if z[i] >= 0.0:
                if prev == -1 or i - prev - 1 > max_gap_blocks:
                    rs[nruns] = i
                    nruns += 1
                re[nruns - 1] = i
                prev = i
        for i in range(m + 1):
            run_of[i] = 0.0
        if nruns:
            # acc = [0, cumsum(stop * likely)]
            accp[0] = 0.0
            for i in range(m):
                accp[i + 1] = accp[i] + stop[i] * (1.0 if z[i] >= 0.0 else 0.0)
            for j in range(nruns):
                mass[j] = accp[re[j] + 1] - accp[rs[j]]
            # top = mass.max() or 1.0; k = argmax (the first maximum)
            top = mass[0]
            r = 0
            for j in range(1, nruns):
                if mass[j] > top:
                    top = mass[j]
                    r = j
            if top == 0.0:
                top = 1.0
            ma, mb = rs[r], re[r]
            # delta: +share at each run's start, then -share after each run's end
            for j in range(nruns):
                run_of[rs[j]] += mass[j] / top
            for j in range(nruns):
                run_of[re[j] + 1] += -(mass[j] / top)
            acc_run = run_of[0]  # cumsum(delta[:m]), as numpy runs it: left to right
            for i in range(1, m):
                acc_run = acc_run + run_of[i]
                run_of[i] = acc_run
        # acc of the probabilities: [0, cumsum(pr)]
        accp[0] = 0.0
        for i in range(m):
            accp[i + 1] = accp[i] + pr[i]
        zmax_all = z[0]
        for i in range(1, m):
            if z[i] > zmax_all:
                zmax_all = z[i]
        for i in range(m):
            X[0, i] = 1.0
            X[1, i] = z[i]
            X[2, i] = z[i - 1] if i >= 1 else edge
            X[3, i] = z[i + 1] if i + 1 < m else edge
            X[4, i] = z[i - 2] if i >= 2 else edge
            X[5, i] = z[i + 2] if i + 2 < m else edge
            v = X[2, i]
            for d in (3, 4, 5):
                if X[d, i] > v:
                    v = X[d, i]
            a = z[i - 3] if i >= 3 else edge
            b = z[i + 3] if i + 3 < m else edge
            if b > a:
                a = b
            X[6, i] = a if a > v else v
            lo5 = i - 5 if i >= 5 else 0
            hi5 = i + 6 if i + 6 <= m else m
            X[7, i] = (accp[hi5] - accp[lo5] - pr[i]) / <double>(hi5 - lo5 - 1 if hi5 - lo5 - 1 > 1 else 1)
            X[8, i] = run_of[i] if nruns else 0.0
            X[9, i] = 1.0 if ma <= i <= mb else 0.0
            X[10, i] = 1.0 if i < ma else 0.0
            X[11, i] = 1.0 if i > mb else 0.0
            X[12, i] = 1.0 if heading[i] and i >= ma - 4 and i < ma else 0.0
            X[13, i] = 1.0 if chars[i] < length_low else 0.0
            X[14, i] = 1.0 if endp[i] else 0.0
            d = 0 if ma <= i <= mb else (ma - i if i < ma else i - mb)
            X[15, i] = (d if d < 20 else 20) / 20.0
            X[16, i] = z[i] - zmax_all
    finally:
        free(run_of); free(accp); free(rs); free(re); free(mass)
    return ma, mb


# ---------------------------------------------------------------- page_furniture stage 0
def open_lines(list blocks, Py_ssize_t wrap, str sent_end, str closers):
    """Indexes ``j`` (all but the last block) of the lines that may be hard-wrapped
    prose: at least ``wrap`` characters once trailing whitespace is stripped
    (``str.rstrip``), and not ending a sentence: the last character is not in
    ``sent_end``, nor a closer of ``closers`` right after one (``."``).  The first test
    of ``PageFurniture._group``, over the ``(start, end, text)`` blocks, without a string
    made per line.

    >>> B = [(0, 9, "See the  "), (10, 20, "Done here."), (21, 31, 'He said."'), (32, 33, "x")]
    >>> open_lines(B, 5, ".!?", "\\"')")
    [0]
    """
    cdef Py_ssize_t nb = len(blocks), j, r
    cdef str t
    cdef int kind
    cdef void *data
    cdef Py_UCS4 c
    cdef list out = []
    for j in range(nb - 1):
        t = blocks[j][2]
        r = PyUnicode_GET_LENGTH(t)
        if r < wrap or r == 0:
            continue
        kind = PyUnicode_KIND(t)
        data = PyUnicode_DATA(t)
        while r > 0 and Py_UNICODE_ISSPACE(_read(kind, data, r - 1)):
            r -= 1
        if r < wrap or r == 0:
            continue
        c = _read(kind, data, r - 1)
        if _has(sent_end, c):
            continue
        if r >= 2 and _has(closers, c) and _has(sent_end, _read(kind, data, r - 2)):
            continue
        out.append(j)
    return out


cdef inline bint _has(str chars, Py_UCS4 c):
    cdef Py_ssize_t i
    for i in range(PyUnicode_GET_LENGTH(chars)):
        if PyUnicode_READ_CHAR(chars, i) == c:
            return True
    return False


# ---------------------------------------------------------------- page_furniture stage 1
def nav_flags(str low, list starts, list ends, const long long[::1] last1, const long long[::1] last2,
              const long long[::1] last3, nav_words, str strip, unsigned char[::1] out):
    """``out[k] = 1`` for a block that is a whole link word ("Home", "Next »"): at most 40
    characters, not ending a sentence (``.``, ``!`` or ``?``, unless it ends in ``...``),
    and in ``nav_words`` once stripped of the characters of ``strip``; ``last1`` to
    ``last3`` are the code points of its last three characters (``block_counts``).  The
    same flags as ``PageFurniture._features``' numpy path.

    >>> import numpy as np
    >>> out = np.zeros(3, np.uint8)
    >>> low = "home\\nread this.\\nnext »"
    >>> nav_flags(low, [0, 5, 16], [4, 15, 22], np.array([101, 46, 187]), np.array([109, 115, 32]),
    ...           np.array([111, 105, 116]), frozenset({"home", "next"}), " »", out)
    >>> out.tolist()
    [1, 0, 1]
    """
    cdef Py_ssize_t m = len(starts), k, a, b
    cdef long long l1
    if len(ends) != m or last1.shape[0] != m or last2.shape[0] != m or last3.shape[0] != m or out.shape[0] != m:
        raise ValueError("lengths differ")
    for k in range(m):
        a = starts[k]
        b = ends[k]
        out[k] = 0
        if b - a > 40:
            continue
        l1 = last1[k]
        if (l1 == 46 or l1 == 33 or l1 == 63) and not (b >= 3 and l1 == 46 and last2[k] == 46 and last3[k] == 46):
            continue  # ends a sentence ("Home." in dialogue)
        if low[a:b].strip(strip) in nav_words:
            out[k] = 1


def dup_flags(str text, list starts, list ends, unsigned char[::1] out):
    """``out[k] = 1`` when the text of block ``k`` is also the text of another block (a
    menu printed twice): blocks are grouped by a hash of their code points, and only
    blocks that share a hash are compared as strings.

    >>> import numpy as np
    >>> out = np.zeros(4, np.uint8)
    >>> dup_flags("Home\\nNews\\nHome\\nHomes", [0, 5, 10, 15], [4, 9, 14, 20], out)
    >>> out.tolist()
    [1, 0, 1, 0]
    """
    cdef Py_ssize_t m = len(starts), k, a, b
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef uint64_t h
    cdef dict first = {}
    cdef dict groups = {}
    if len(ends) != m or out.shape[0] != m:
        raise ValueError("lengths differ")
    for k in range(m):
        a = starts[k]
        b = ends[k]
        if a < 0 or b > n or a > b:
            raise ValueError("block out of range")
        out[k] = 0
        if kind == 1:
            h = _hash(<uint8_t *>data + a, b - a)
        elif kind == 2:
            h = _hash(<uint16_t *>data + a, b - a)
        else:
            h = _hash(<uint32_t *>data + a, b - a)
        key = h
        j = first.setdefault(key, k)
        if j != k:
            groups.setdefault(key, [j]).append(k)
    for members in groups.values():
        seen = {}
        for k in members:
            s = text[starts[k] : ends[k]]
            seen[s] = seen.get(s, 0) + 1
        for k in members:
            if seen[text[starts[k] : ends[k]]] > 1:
                out[k] = 1


def stage1(tuple counts, list starts, list ends, const double[::1] seps, const double[::1] urls,
           const unsigned char[::1] cue, const unsigned char[::1] nav, const unsigned char[::1] dup,
           const unsigned char[::1] end_lut, Py_ssize_t length_low, Py_ssize_t length_high,
           double[:, ::1] X, long long[::1] chars, double[::1] words, double[::1] stops,
           unsigned char[::1] endp, unsigned char[::1] menu, unsigned char[::1] heading):
    """``PageFurniture._features``' stage-1 matrix into ``X`` (33 rows, ``STAGE1``; one
    column a block) and the blocks' lengths, words, stopwords, end punctuation, menu and
    heading flags, from ``block_counts``' nine arrays and the sparse per-block cues.

    Rows 1, 6, 19, 20, 25 and 31 are left holding the argument of their ``log1p``
    (characters, stopwords, the neighbours' characters, the window's stopwords; row 31
    the window's stopwords of a short block, else 0): the caller takes ``numpy.log1p``
    of them in place, so that every logarithm is numpy's, as on the numpy path.  All
    other numbers come from the same operations in the same order as that path."""
    cdef Py_ssize_t m = len(starts), i, k
    cdef const long long[::1] c_words, c_stops, c_digits, c_titles, c_commas, c_first, c_last
    cdef double nw1, dens, smax, a, b
    cdef double *acc
    cdef long long f, cp, ch
    cdef bint short_, long_, nav_, menu_, endp_
    if len(counts) != 9:
        raise ValueError("block_counts gives nine arrays")
    c_words, c_stops, c_digits, c_titles, c_commas, c_first, c_last = counts[0], counts[1], counts[2], \
        counts[3], counts[4], counts[5], counts[6]
    if (len(ends) != m or X.shape[0] != 33 or X.shape[1] != m or c_words.shape[0] != m or c_stops.shape[0] != m
            or c_digits.shape[0] != m or c_titles.shape[0] != m or c_commas.shape[0] != m
            or c_first.shape[0] != m or c_last.shape[0] != m or seps.shape[0] != m or urls.shape[0] != m
            or cue.shape[0] != m or nav.shape[0] != m or dup.shape[0] != m or chars.shape[0] != m
            or words.shape[0] != m or stops.shape[0] != m or endp.shape[0] != m or menu.shape[0] != m
            or heading.shape[0] != m or end_lut.shape[0] != 0x10000):
        raise ValueError("shapes differ")  # (no bounds checks below)
    if m == 0:
        return
    acc = <double *>malloc((m + 1) * sizeof(double))
    if not acc:
        raise MemoryError()
    try:
        acc[0] = 0.0
        smax = <double>c_stops[0]
        for i in range(m):
            chars[i] = <long long>ends[i] - <long long>starts[i]
            words[i] = <double>c_words[i]
            stops[i] = <double>c_stops[i]
            acc[i + 1] = acc[i] + stops[i]
            if stops[i] > smax:
                smax = stops[i]
            cp = c_last[i]
            endp[i] = end_lut[cp if cp < 0xFFFF else 0xFFFF]
            menu[i] = seps[i] >= 2.0 and words[i] <= 8.0 * seps[i]
        if smax == 0.0:
            smax = 1.0
        for i in range(m):
            ch = chars[i]
            nw1 = words[i] if words[i] > 1.0 else 1.0
            dens = stops[i] / nw1
            short_ = ch < length_low
            long_ = ch >= length_high
            endp_ = endp[i]
            nav_ = nav[i]
            menu_ = menu[i]
            heading[i] = ch <= length_high and not endp_ and seps[i] == 0.0 and not nav_
            f = c_first[i]
            X[0, i] = 1.0
            X[1, i] = <double>ch  # log1p by the caller
            X[2, i] = 1.0 if short_ else 0.0
            X[3, i] = 1.0 if long_ else 0.0
            X[4, i] = dens
            X[5, i] = 0.0 if short_ else dens
            X[6, i] = stops[i]  # log1p by the caller
            X[7, i] = 1.0 if endp_ else 0.0
            X[8, i] = <double>c_titles[i] / nw1
            X[9, i] = <double>c_digits[i] / <double>(ch if ch > 1 else 1)
            a = 3.0 * urls[i] / nw1
            X[10, i] = a if a < 1.0 else 1.0
            X[11, i] = 1.0 if menu_ else 0.0
            X[12, i] = (seps[i] if seps[i] < 3.0 else 3.0) / 3.0
            X[13, i] = 1.0 if nav_ else 0.0
            X[14, i] = 1.0 if cue[i] else 0.0
            X[15, i] = <double>i / <double>(m - 1 if m - 1 > 1 else 1)
            X[16, i] = 1.0 if words[i] == 1.0 else 0.0
            X[17, i] = 1.0 if ((97 <= f <= 122) or (223 <= f <= 255 and f != 247) or (0x430 <= f <= 0x45F)) else 0.0
            X[18, i] = 1.0 if c_last[i] == 58 else 0.0
            # the neighbours (fill past the ends: 0 for lengths and densities, 1 for "bad")
            X[19, i] = <double>chars[i - 1] if i >= 1 else 0.0  # log1p by the caller
            X[20, i] = <double>chars[i + 1] if i + 1 < m else 0.0
            X[25, i] = acc[i + 4 if i + 4 < m else m] - acc[i - 3 if i >= 3 else 0] - stops[i]  # log1p by the caller
            X[26, i] = stops[i] / smax
            X[27, i] = 1.0 if dup[i] else 0.0
            b = <double>c_commas[i] / nw1 * 5
            X[28, i] = b if b < 1.0 else 1.0
            X[29, i] = 1.0 if short_ and endp_ else 0.0
            X[30, i] = X[8, i] if short_ else 0.0
            X[31, i] = X[25, i] if short_ else 0.0  # log1p by the caller
            X[32, i] = 1.0 if long_ and endp_ else 0.0
        for i in range(m):  # the neighbours' long-block densities and "bad" flags
            X[21, i] = X[5, i - 1] if i >= 1 else 0.0
            X[22, i] = X[5, i + 1] if i + 1 < m else 0.0
            X[23, i] = (1.0 if (nav[i - 1] or menu[i - 1] or urls[i - 1] > 0.0) else 0.0) if i >= 1 else 1.0
            X[24, i] = (1.0 if (nav[i + 1] or menu[i + 1] or urls[i + 1] > 0.0) else 0.0) if i + 1 < m else 1.0
    finally:
        free(acc)


# ---------------------------------------------------------------- trigger hits -> blocks
def file_hits(list hits, list starts, list owners, tuple sids):
    """``{set id: sorted block indexes}``: each Aho-Corasick hit ``(pattern, start, end)``
    filed under the block holding its start (the last block starting at or before it;
    the first block for a hit before it) for every set id in ``owners[pattern]``; every
    id of ``sids`` gets a list, empty when nothing hit it.  The same as the Python loop
    of ``_TriggerIndex.scan``.

    >>> file_hits([(0, 1, 3), (1, 7, 9), (0, 8, 10)], [0, 5], [(0,), (0, 1)], (0, 1, 2))
    {0: [0, 1], 1: [1], 2: []}
    """
    cdef Py_ssize_t m = len(starts), nsets = len(sids), npat = len(owners), i, lo, hi, mid, k = 0
    cdef Py_ssize_t pat, pos, last_pos = -1, sid, maxsid = -1
    cdef long long *st = NULL
    cdef unsigned char *flags = NULL
    cdef tuple hit, own
    cdef dict out = {}
    cdef list blk
    for sid in sids:
        if sid < 0:
            raise ValueError("negative set id")
        if sid > maxsid:
            maxsid = sid
    if m == 0 or not hits:
        return {s: [] for s in sids}
    st = <long long *>malloc(m * sizeof(long long))
    flags = <unsigned char *>calloc((maxsid + 1) * m, 1)
    if not st or not flags:
        free(st); free(flags)
        raise MemoryError()
    try:
        for i in range(m):
            st[i] = starts[i]
        for hit in hits:
            pat = hit[0]
            pos = hit[1]
            if pat < 0 or pat >= npat:
                raise ValueError("pattern index out of range")
            if pos != last_pos:
                # bisect_right(starts, pos) - 1, at least 0
                lo, hi = 0, m
                while lo < hi:
                    mid = (lo + hi) >> 1
                    if pos < st[mid]:
                        hi = mid
                    else:
                        lo = mid + 1
                k = lo - 1 if lo > 0 else 0
                last_pos = pos
            own = owners[pat]
            for sid in own:
                if sid < 0 or sid > maxsid:
                    raise ValueError("a pattern's set id is not in sids")
                flags[sid * m + k] = 1
        for sid in sids:
            blk = []
            for i in range(m):
                if flags[sid * m + i]:
                    blk.append(i)
            out[sid] = blk
    finally:
        free(st)
        free(flags)
    return out


cdef inline bint _split_space(Py_UCS4 c) noexcept:
    # whitespace as str.split() sees it (NUL is not)
    if c < 128:
        return c != 0 and _ASCII_SPACE[c]
    return Py_UNICODE_ISSPACE(c)


cdef list _unknown(char_t *s, Py_ssize_t n, str text, StopTable known, Py_ssize_t *counts):
    """Distinct whitespace chunks of ``s`` not in ``known`` (in order of first
    occurrence), the number of chunks and of distinct chunks into ``counts``."""
    cdef Py_ssize_t cap = 256, used = 0, i = 0, a, slot, j, k, nparts = 0, m
    cdef uint64_t h, mask
    cdef Py_ssize_t *offs = <Py_ssize_t *>malloc(cap * sizeof(Py_ssize_t))
    cdef Py_ssize_t *lens = <Py_ssize_t *>malloc(cap * sizeof(Py_ssize_t))
    cdef uint64_t *hs = <uint64_t *>malloc(cap * sizeof(uint64_t))
    cdef Py_ssize_t *noffs
    cdef Py_ssize_t *nlens
    cdef uint64_t *nhs
    cdef list rest = []
    cdef bint found
    if not offs or not lens or not hs:
        free(offs); free(lens); free(hs)
        raise MemoryError()
    try:
        for j in range(cap):
            offs[j] = -1
        while True:
            while i < n and _split_space(s[i]):
                i += 1
            if i >= n:
                break
            a = i
            while i < n and not _split_space(s[i]):
                i += 1
            nparts += 1
            m = i - a
            h = _hash(&s[a], m)
            mask = cap - 1
            slot = h & mask
            found = False
            while offs[slot] != -1:
                if hs[slot] == h and lens[slot] == m:
                    for k in range(m):
                        if s[offs[slot] + k] != s[a + k]:
                            break
                    else:
                        found = True
                        break
                slot = (slot + 1) & mask
            if found:
                continue
            offs[slot] = a
            lens[slot] = m
            hs[slot] = h
            used += 1
            if m > known.maxlen or not known.has_hashed(&s[a], m, h):
                rest.append(text[a:i])
            if used * 2 > cap:  # grow: rehash into a table twice as large
                noffs = <Py_ssize_t *>malloc(2 * cap * sizeof(Py_ssize_t))
                nlens = <Py_ssize_t *>malloc(2 * cap * sizeof(Py_ssize_t))
                nhs = <uint64_t *>malloc(2 * cap * sizeof(uint64_t))
                if not noffs or not nlens or not nhs:
                    free(noffs); free(nlens); free(nhs)
                    raise MemoryError()
                for j in range(2 * cap):
                    noffs[j] = -1
                for j in range(cap):
                    if offs[j] != -1:
                        slot = hs[j] & (2 * cap - 1)
                        while noffs[slot] != -1:
                            slot = (slot + 1) & (2 * cap - 1)
                        noffs[slot] = offs[j]
                        nlens[slot] = lens[j]
                        nhs[slot] = hs[j]
                free(offs); free(lens); free(hs)
                offs, lens, hs = noffs, nlens, nhs
                cap *= 2
    finally:
        free(offs); free(lens); free(hs)
    counts[0] = nparts
    counts[1] = used
    return rest


def unknown_chunks(str text, StopTable known):
    """``(chunks, distinct chunks, [distinct chunks not in known])`` of ``text`` split
    at whitespace as ``str.split()`` splits it; the unknown ones in order of first
    occurrence.  The same as ``len(text.split())``, ``len(set(text.split()))`` and
    ``set(text.split()) - known`` without making a string per chunk.

    >>> unknown_chunks("the cat  sat on the mat, the end", StopTable({"the", "cat", "on"}))
    (8, 6, ['sat', 'mat,', 'end'])
    """
    cdef Py_ssize_t counts[2]
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef list rest
    if kind == 1:
        rest = _unknown(<uint8_t *>PyUnicode_DATA(text), n, text, known, counts)
    elif kind == 2:
        rest = _unknown(<uint16_t *>PyUnicode_DATA(text), n, text, known, counts)
    else:
        rest = _unknown(<uint32_t *>PyUnicode_DATA(text), n, text, known, counts)
    return counts[0], counts[1], rest


# ---------------------------------------------------------------- whitespace fixers
def has_any(str text, const unsigned char[::1] lut):
    """True when ``text`` holds a character ``c`` with ``c < len(lut)`` and ``lut[c]``
    set: a character class tested in one pass, for the fixers' "anything to do?" checks.

    >>> lut = bytearray(128); lut[0] = 1
    >>> has_any("a\\x00b", lut), has_any("ab\\u00e9", lut), has_any("", lut)
    (True, False, False)
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, size = lut.shape[0]
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    if kind == 1:
        for i in range(n):
            c = (<uint8_t *>data)[i]
            if c < size and lut[c]:
                return True
    elif kind == 2:
        for i in range(n):
            c = (<uint16_t *>data)[i]
            if c < size and lut[c]:
                return True
    else:
        for i in range(n):
            c = (<uint32_t *>data)[i]
            if c < size and lut[c]:
                return True
    return False


cdef inline bint _hspace(Py_UCS4 c) noexcept nogil:
    # collapse_spaces' horizontal spaces: space, tab, NBSP, U+2000-U+200A, U+202F, U+205F
    return c == 32 or c == 9 or c == 0xA0 or (0x2000 <= c <= 0x200A) or c == 0x202F or c == 0x205F


cdef Py_ssize_t _collapse(char_t *s, Py_ssize_t n, char_t *out) noexcept nogil:
    """Each line's edge runs of horizontal space removed, every inner run made one space;
    returns the output length."""
    cdef Py_ssize_t i = 0, j = 0, a, b, k
    cdef bint run
    while True:
        a = i  # the line is s[a:b]
        while i < n and s[i] != 10:
            i += 1
        b = i
        while a < b and _hspace(s[a]):
            a += 1
        while b > a and _hspace(s[b - 1]):
            b -= 1
        run = False
        for k in range(a, b):
            if _hspace(s[k]):
                run = True
            else:
                if run:
                    out[j] = 32
                    j += 1
                    run = False
                out[j] = s[k]
                j += 1
        if i >= n:
            return j
        out[j] = 10
        j += 1
        i += 1


def collapse_spaces(str text):
    """``collapse_spaces`` without an edit log: strip each line's edge runs of horizontal
    space, make every other run one space (``text`` itself when nothing changes).

    >>> collapse_spaces("  a \\t b\\u00a0c  \\nd "), collapse_spaces("tidy\\ntext")
    ('a b c\\nd', 'tidy\\ntext')
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), m
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef void *out
    if n == 0:
        return text
    out = malloc(n * kind)  # the output's characters are the input's, or spaces and line breaks
    if not out:
        raise MemoryError()
    try:
        if kind == 1:
            m = _collapse(<uint8_t *>data, n, <uint8_t *>out)
        elif kind == 2:
            m = _collapse(<uint16_t *>data, n, <uint16_t *>out)
        else:
            m = _collapse(<uint32_t *>data, n, <uint32_t *>out)
        if m == n and memcmp(out, data, n * kind) == 0:
            return text  # nothing to do
        return PyUnicode_FromKindAndData(kind, out, m)  # (in the narrowest kind that holds it)
    finally:
        free(out)


# ---------------------------------------------------------------- document lines
def block_list(str text, block_type):
    """``Document``'s blocks: ``block_type((start, end, line))`` (made with
    ``tuple.__new__``) for every line of ``text`` that is not empty and not made only of
    whitespace starting with a space or a tab; the same list as
    ``cleaner.document._block_list``'s Python loop.

    >>> from collections import namedtuple
    >>> B = namedtuple("B", "start end text")
    >>> block_list("ab\\n\\n  \\ncd\\n\\u3000", B)
    [B(start=0, end=2, text='ab'), B(start=7, end=9, text='cd'), B(start=10, end=11, text='\\u3000')]
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), a = 0, b, k
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    cdef bint keep
    cdef list out = []
    new = tuple.__new__
    while a <= n:
        b = a
        while b < n and _read(kind, data, b) != 10:
            b += 1
        if b > a:
            c = _read(kind, data, a)
            keep = c != 32 and c != 9  # a line starting otherwise is kept (as `line[0] not in " \t"`)
            if not keep:
                for k in range(a + 1, b):  # ... else unless it is all whitespace (str.isspace)
                    if not Py_UNICODE_ISSPACE(_read(kind, data, k)):
                        keep = True
                        break
            if keep:
                out.append(new(block_type, (a, b, text[a:b])))
        a = b + 1
    return out

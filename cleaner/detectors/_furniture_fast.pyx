# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Compiled per-block counts for ``page_furniture`` (optional: the detector falls back
to the same computation in numpy when this extension is not built).

:func:`block_counts` walks the characters of each block once and returns the integer
counts that the stage-1 features are made of.  Every count is an integer, so the
features built from them are exactly the same as the numpy path's (the tests compare
both on every fixture and on random text).
"""
import sys
from array import array

from cpython.array cimport array as carray, clone
from cpython.unicode cimport PyUnicode_KIND, PyUnicode_DATA, PyUnicode_GET_LENGTH, Py_UNICODE_ISSPACE
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy

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


cdef class StopTable:
    """A set of words (stopword tokens) as an open-addressing hash table over code
    points, looked up without making a ``str`` per token.

    >>> t = StopTable(frozenset({"the", "The", "über"}))
    >>> t.maxlen, "the" in t, "The" in t, "über" in t, "then" in t, "" in t
    (4, True, True, True, False, False)
    """

    cdef uint32_t *chars
    cdef Py_ssize_t *offs  # per slot: start in ``chars``, or -1 for an empty slot
    cdef Py_ssize_t *lens
    cdef uint64_t mask
    cdef readonly Py_ssize_t maxlen

    def __cinit__(self, words):
        cdef list ws = sorted(words)
        cdef Py_ssize_t size = 8, total, i, pos = 0, n
        cdef uint64_t slot
        # every code point, one after another, in this machine's byte order
        cdef bytes packed = "".join(ws).encode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")
        while size < 2 * len(ws) + 1:
            size <<= 1
        total = len(packed) // 4
        self.chars = <uint32_t *>malloc((total + 1) * sizeof(uint32_t))
        self.offs = <Py_ssize_t *>malloc(size * sizeof(Py_ssize_t))
        self.lens = <Py_ssize_t *>malloc(size * sizeof(Py_ssize_t))
        if not self.chars or not self.offs or not self.lens:
            raise MemoryError()
        self.mask = size - 1
        self.maxlen = 0
        for i in range(size):
            self.offs[i] = -1
        memcpy(self.chars, <const char *>packed, total * sizeof(uint32_t))
        for w in ws:
            n = len(w)
            slot = _hash(<uint32_t *>&self.chars[pos], n) & self.mask
            while self.offs[slot] != -1:
                slot = (slot + 1) & self.mask
            self.offs[slot] = pos
            self.lens[slot] = n
            self.maxlen = max(self.maxlen, n)
            pos += n

    def __dealloc__(self):
        free(self.chars)
        free(self.offs)
        free(self.lens)

    cdef bint has(self, char_t *s, Py_ssize_t n) noexcept nogil:
        cdef uint64_t slot = _hash(s, n) & self.mask
        cdef Py_ssize_t off, i
        while True:
            off = self.offs[slot]
            if off == -1:
                return False
            if self.lens[slot] == n:
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
    doubles (cumulative sums run left to right in both).  Returns the main run's first
    and last block."""
    cdef Py_ssize_t m = z.shape[0], i, j, r, nruns = 0, ma = m, mb = -1, lo5, hi5, d
    cdef double top, zmax_all, acc_run, v, a, b
    cdef double *run_of
    cdef double *accp
    cdef Py_ssize_t *rs
    cdef Py_ssize_t *re
    cdef double *mass
    cdef Py_ssize_t prev
    if X.shape[0] != 17 or X.shape[1] != m or pr.shape[0] != m or stop.shape[0] != m:
        raise ValueError("shapes differ")
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

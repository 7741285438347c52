# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The compiled hot loops of cleaner (optional: built by setup.py with Cython when a C
compiler is there; without them every caller runs the same computation in Python and
numpy, with the same results, which the tests check).

- ``page_furniture``: :func:`open_lines`, :func:`wrap_links` and :func:`groups`
  (hard-wrapped prose joined into blocks), :func:`bounds` (the blocks' offsets),
  :func:`block_counts` (per-block words, stopwords, digits, capitals, commas),
  :func:`sparse_cues` (menu separators, URL and notice cues),
  :func:`page_pass` (the link-word and duplicate flags, the stage-1 feature matrix, whose
  logarithms numpy takes, the three stages' scores and the decision, in one call; for
  Chinese and Japanese, whose features numpy computes, :func:`page_scores`, with
  :func:`context`, and :func:`page_decide`), :func:`nav_flags` and :func:`dup_flags`
  (page_pass's flags on their own) and :func:`reasons` (the span reasons).  Blocks are read as tuples
  (``Block`` is a NamedTuple, whose own item access is a slow Python-level slot).
- :func:`file_hits`: the trigger index's Aho-Corasick hits filed under their blocks.
- :func:`menu_flags`: link_farm's lines that may be items of a navigation menu;
  :func:`short_blocks`, its candidate lines short enough to be an anchor or a heading.
- :func:`has_any` and :func:`collapse_spaces`: the whitespace fixers' character-class
  checks and their space collapsing (without an edit log).
- :func:`block_list`: ``Document``'s lines as ``Block`` tuples.
- :func:`sort_spans`, :func:`merge_spans`, :func:`kept_pieces` and :func:`whole_lines`: the pipeline's
  loops over the spans (hundreds a page where page_furniture cuts line by line);
  :func:`carry_blocks`, the first pass's trigger hits carried to the next pass
  (``_TriggerIndex.carry``); :func:`make_spans`, page_furniture's and link_farm's spans
  made without a Python call each.
- :func:`separator_lines`: the separators detector's lines.
- :func:`normal_state`: the pipeline's check that a text needs no whitespace or control
  fixer; :func:`nfc_stable`, the NFC test's shortcut (text made of code points that NFC
  keeps and that combine with nothing is in NFC).
- The language identifier: :func:`sample` (the longest lines), :class:`AsciiWordSet`
  (its English check on ASCII samples, without a string made per word),
  :func:`script_counts` (kana, Han, Hangul and Thai characters) and :func:`lang_words`
  (the words, English stopwords and vocabulary rows of any sample the stdlib engine cuts
  as ``regex`` does).
- :class:`StopTable`: a set of words (optionally with an int each) as a hash table over
  code points, asked about a slice of a text without making a string of it.
- The typo fixer: :func:`typo_words` (a text's unknown words in one pass, against a
  :class:`LowerWordSet` of the known words) and :class:`DeletionIndex` (the one-edit
  neighbours, the two-edit rival and the derivation rules of an unknown word).
"""
import sys
from array import array

from cpython.array cimport array as carray, clone
from cpython.ref cimport PyObject
from cpython.tuple cimport PyTuple_GET_SIZE
from cpython.unicode cimport PyUnicode_KIND, PyUnicode_DATA, PyUnicode_GET_LENGTH, Py_UNICODE_ISSPACE, Py_UNICODE_ISDIGIT, \
    Py_UNICODE_ISALNUM, Py_UNICODE_ISDECIMAL, \
    Py_UNICODE_ISLOWER, \
    PyUnicode_FromKindAndData, PyUnicode_READ_CHAR
from libc.stdint cimport int32_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, qsort, realloc
from libc.math cimport copysign, exp
from libc.string cimport memchr, memcmp, memcpy, strlen
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE

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
    # the other whitespace of str.split is U+0085, U+00A0, U+1680 and some of
    # U+2000-U+3000: the table lookup only for those
    if c != 0x85 and c != 0xA0 and c != 0x1680 and (c < 0x2000 or c > 0x3000):
        return False
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


cdef inline uint64_t _hash_bytes(const char *p, Py_ssize_t n) noexcept nogil:
    # a hash of n bytes, eight at a time (for grouping equal strings: a clash only
    # costs a comparison)
    cdef uint64_t h = 0x9E3779B97F4A7C15ULL ^ <uint64_t>n, w
    while n >= 8:
        memcpy(&w, p, 8)
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL
        h ^= h >> 29
        p += 8
        n -= 8
    if n > 0:
        w = 0
        memcpy(&w, p, n)
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL
        h ^= h >> 29
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
    cdef int32_t *vals  # with ``values``: the value of each slot's word, else NULL
    cdef uint64_t mask
    cdef readonly Py_ssize_t maxlen

    def __cinit__(self, words, values=None):
        cdef list ws = list(words)  # (in any order: lookups do not depend on it)
        cdef list vs = None if values is None else list(values)
        if vs is not None and len(vs) != len(ws):
            raise ValueError("words and values differ in length")
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
        if vs is not None:
            self.vals = <int32_t *>malloc(size * sizeof(int32_t))
        if not self.chars or not self.slots or (vs is not None and not self.vals):
            raise MemoryError()
        self.mask = size - 1
        self.maxlen = 0
        for i in range(size):
            self.slots[i].off = -1
        memcpy(self.chars, <const char *>packed, total * sizeof(uint32_t))
        for i, w in enumerate(ws):
            n = PyUnicode_GET_LENGTH(w)
            h = _hash(<uint32_t *>&self.chars[pos], n)
            slot = h & self.mask
            while self.slots[slot].off != -1:
                slot = (slot + 1) & self.mask
            self.slots[slot].h = h
            self.slots[slot].off = pos
            self.slots[slot].n = n
            if vs is not None:
                self.vals[slot] = vs[i]
            self.maxlen = max(self.maxlen, n)
            pos += n

    def __dealloc__(self):
        free(self.chars)
        free(self.slots)
        free(self.vals)

    cdef bint has(self, char_t *s, Py_ssize_t n) noexcept nogil:
        return self.has_hashed(s, n, _hash(s, n))

    cdef bint has_hashed(self, char_t *s, Py_ssize_t n, uint64_t h) noexcept nogil:
        return self.slot_of(s, n, h) >= 0

    cdef Py_ssize_t slot_of(self, char_t *s, Py_ssize_t n, uint64_t h) noexcept nogil:
        # the slot holding the word s[:n] (its hash h), or -1
        cdef uint64_t slot = h & self.mask
        cdef Py_ssize_t off, i
        cdef _Slot *sl
        while True:
            sl = &self.slots[slot]
            off = sl.off
            if off == -1:
                return -1
            if sl.h == h and sl.n == n:
                for i in range(n):
                    if self.chars[off + i] != s[i]:
                        break
                else:
                    return slot
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


cdef inline bint _re_letter(Py_UCS4 c) noexcept:
    # ``[^\\W\\d_]`` as the stdlib engine reads it: alphanumeric (``str.isalnum``) but
    # not a decimal digit (the underscore is not alphanumeric)
    if c < 128:
        return (97 <= c <= 122) or (65 <= c <= 90)
    return Py_UNICODE_ISALNUM(c) and not Py_UNICODE_ISDECIMAL(c)


cdef void _lang_words(char_t *s, Py_ssize_t n, StopTable en, StopTable vocab, long long *counts, list rows):
    cdef Py_ssize_t i = 0, a, k, maxlen = max(en.maxlen, vocab.maxlen)
    cdef uint64_t h
    while i < n:
        if not _re_letter(s[i]):
            i += 1
            continue
        a = i
        h = 1469598103934665603ULL  # _hash, made while the word is read
        while i < n and _re_letter(s[i]):
            h = (h ^ <uint64_t>s[i]) * 1099511628211ULL
            i += 1
        counts[0] += 1
        if i - a <= maxlen:
            if i - a <= en.maxlen and en.slot_of(&s[a], i - a, h) >= 0:
                counts[1] += 1
            if i - a <= vocab.maxlen:
                k = vocab.slot_of(&s[a], i - a, h)
                if k >= 0:
                    rows.append(vocab.vals[k])


def lang_words(str low, StopTable en, StopTable vocab):
    """``(words, English stopwords, rows)`` of ``low``, cut into words as the stdlib
    engine's ``[^\\W\\d_]+`` cuts them: how many words, how many are in ``en``, and the
    value in ``vocab`` (a table built with values) of each word found there, in order.
    The language identifier's counts, without a string made per word.

    >>> lang_words("the cat, 2 dogs_x", StopTable({"the"}), StopTable(["cat", "dogs"], [7, 9]))
    (4, 1, [7, 9])
    """
    cdef long long counts[2]
    cdef list rows = []
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(low)
    cdef int kind = PyUnicode_KIND(low)
    if vocab.vals == NULL:
        raise ValueError("vocab has no values")
    counts[0] = counts[1] = 0
    if kind == 1:
        _lang_words(<uint8_t *>PyUnicode_DATA(low), n, en, vocab, counts, rows)
    elif kind == 2:
        _lang_words(<uint16_t *>PyUnicode_DATA(low), n, en, vocab, counts, rows)
    else:
        _lang_words(<uint32_t *>PyUnicode_DATA(low), n, en, vocab, counts, rows)
    return counts[0], counts[1], rows


cdef void _count(char_t *s, Py_ssize_t a, Py_ssize_t b, StopTable stop, long long *out) noexcept:
    """Counts of ``s[a:b]`` into ``out``: words, stopwords, digits, capitals at a
    word's start, commas."""
    cdef long long nw = 0, ns = 0, nd = 0, nt = 0, nc = 0
    cdef Py_ssize_t i = a, tok, maxlen = stop.maxlen
    cdef Py_UCS4 c, prev
    cdef uint64_t h  # the token's hash (as _hash), made while it is read
    while i < b:
        c = s[i]
        if _space(c):
            i += 1
            continue
        # a token starts: a capital here counts when a space or a line break is before
        # it (the character before the block for its first token; none before the text)
        tok = i
        nw += 1
        prev = s[i - 1] if i > 0 else 10
        if (prev == 32 or prev == 10) and _capital(c):
            nt += 1
        h = 1469598103934665603ULL
        while True:
            if 48 <= c <= 57:
                nd += 1
            elif c == 44:
                nc += 1
            h = (h ^ <uint64_t>c) * 1099511628211ULL
            i += 1
            if i >= b:
                break
            c = s[i]
            if _space(c):
                break
        if i - tok <= maxlen and stop.has_hashed(&s[tok], i - tok, h):
            ns += 1
    out[0] = nw
    out[1] = ns
    out[2] = nd
    out[3] = nt
    out[4] = nc


cdef list _count_arrays(Py_ssize_t m, long long **p):
    # block_counts' nine results: array('q') of m items each, their data into p[0] to p[8]
    cdef carray tmpl = array("q")
    cdef list outs = [clone(tmpl, m, False) for _ in range(9)]
    cdef carray arr
    cdef Py_ssize_t j
    for j in range(9):
        arr = outs[j]
        p[j] = arr.data.as_longlongs
    return outs


cdef inline void _put_edges(long long **p, Py_ssize_t k, int kind, void *data, Py_ssize_t a,
                            Py_ssize_t b) noexcept nogil:
    # block k's first and last three code points (of the text's data), into p[5] to p[8]
    p[5][k] = _read(kind, data, a)
    p[6][k] = _read(kind, data, b - 1)
    p[7][k] = _read(kind, data, b - 2 if b >= 2 else 0)
    p[8][k] = _read(kind, data, b - 3 if b >= 3 else 0)


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
    cdef long long *p[9]
    cdef long long buf[5]
    cdef Py_ssize_t k, j, a, b
    if len(ends) != m:
        raise ValueError("starts and ends differ in length")
    cdef list outs = _count_arrays(m, p)
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
        _put_edges(p, k, kind, data, a, b)
    return tuple(outs)


def carried_counts(str text, list starts, list ends, list first, list last, kept, tuple lines):
    """:func:`block_counts` of the blocks ``[starts[k], ends[k])`` of ``text``, each made
    of the lines ``first[k]`` to ``last[k]`` (one after another, one line break
    between), from counts made per line already: ``lines`` holds the five per-line
    counts (words, stopwords, digits, capitals, commas, as ``block_counts`` gives them
    for the lines) of a text of which line ``i`` of ``text`` is line ``kept[i]`` (or
    line ``i`` when ``kept`` is None).  The counts are sums over a block's lines: a
    word never spans a line break, and the first word of a line follows a line break
    (or the text's start) in any text that holds the line whole.  The code points of a
    block's first and last three characters are read from ``text``.

    >>> t = StopTable({"the"})
    >>> text = "the cat,\\nsat 2\\nZ"
    >>> per_line = block_counts(text, [0, 9, 15], [8, 14, 16], t)[:5]
    >>> got = carried_counts(text, [0, 15], [14, 16], [0, 2], [1, 2], None, per_line)
    >>> [list(a) for a in got] == [list(a) for a in block_counts(text, [0, 15], [14, 16], t)]
    True
    >>> [list(a) for a in carried_counts("Z", [0], [1], [0], [0], [2], per_line)][:5]
    [[1], [0], [0], [1], [0]]
    """
    cdef Py_ssize_t m = len(starts), nl, k, j, r, a, b, i, lo, hi
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef long long *p[9]
    cdef long long *src[5]
    cdef long long acc[5]
    cdef Py_ssize_t nsrc
    cdef carray arr
    cdef list kl = None
    if len(ends) != m or len(first) != m or len(last) != m or len(lines) != 5:
        raise ValueError("starts, ends, first and last differ in length")
    for j in range(5):
        arr = lines[j]
        if arr.ob_descr.typecode != b"q":
            raise TypeError("line counts are array('q')")
        src[j] = arr.data.as_longlongs
        if j == 0:
            nsrc = len(arr)
        elif len(arr) != nsrc:
            raise ValueError("line counts differ in length")
    if kept is not None:
        kl = <list?>kept
    cdef list outs = _count_arrays(m, p)
    nl = len(kl) if kl is not None else nsrc
    for k in range(m):
        a = starts[k]
        b = ends[k]
        if a < 0 or b > n or a >= b:
            raise ValueError("block out of range")
        lo = first[k]
        hi = last[k]
        if lo < 0 or hi < lo or hi >= nl:
            raise ValueError("line out of range")
        for j in range(5):
            acc[j] = 0
        for i in range(lo, hi + 1):
            if kl is not None:
                r = kl[i]
                if r < 0 or r >= nsrc:
                    raise ValueError("kept line out of range")
            else:
                r = i
            for j in range(5):
                acc[j] += src[j][r]
        for j in range(5):
            p[j][k] = acc[j]
        _put_edges(p, k, kind, data, a, b)
    return tuple(outs)


cdef inline tuple _block(obj):
    # A block ``(start, end, text)`` as a tuple: its fields are then read with tuple's
    # own item access.  (``Block`` is a NamedTuple, a tuple subclass whose sequence slot
    # goes through a Python-level ``__getitem__``: about 15 times slower.)
    if not isinstance(obj, tuple) or PyTuple_GET_SIZE(obj) < 3:
        raise TypeError("a block is a (start, end, text) tuple")
    return <tuple>obj


cdef inline object _item(obj, Py_ssize_t i):
    # field i of the block ``obj`` (:func:`_block`)
    return _block(obj)[i]


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
    cdef Py_ssize_t m = z.shape[0], ma = m, mb = -1
    if (X.shape[0] != 17 or X.shape[1] != m or pr.shape[0] != m or stop.shape[0] != m
            or heading.shape[0] != m or chars.shape[0] != m or endp.shape[0] != m):
        raise ValueError("shapes differ")  # (no bounds checks below)
    if m == 0:
        return ma, mb
    _context_into(&z[0], &pr[0], &stop[0], &heading[0], &chars[0], &endp[0], m, max_gap_blocks, length_low,
                  edge, &X[0, 0], &ma, &mb)
    return ma, mb


cdef int _context_into(const double *z, const double *pr, const double *stop, const unsigned char *heading,
                       const long long *chars, const unsigned char *endp, Py_ssize_t m,
                       Py_ssize_t max_gap_blocks, Py_ssize_t length_low, double edge, double *X,
                       Py_ssize_t *ma_out, Py_ssize_t *mb_out) except -1:
    # :func:`context` over pointers: ``X`` holds 17 rows of ``m`` (row r at X + r * m)
    cdef Py_ssize_t i, j, r, nruns = 0, ma = m, mb = -1, lo5, hi5, d
    cdef double top, zmax_all, acc_run, v, a, b
    cdef double *run_of
    cdef double *accp
    cdef Py_ssize_t *rs
    cdef Py_ssize_t *re
    cdef double *mass
    cdef Py_ssize_t prev
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
            X[i] = 1.0
            X[m + i] = z[i]
            X[2 * m + i] = z[i - 1] if i >= 1 else edge
            X[3 * m + i] = z[i + 1] if i + 1 < m else edge
            X[4 * m + i] = z[i - 2] if i >= 2 else edge
            X[5 * m + i] = z[i + 2] if i + 2 < m else edge
            v = X[2 * m + i]
            for d in (3, 4, 5):
                if X[d * m + i] > v:
                    v = X[d * m + i]
            a = z[i - 3] if i >= 3 else edge
            b = z[i + 3] if i + 3 < m else edge
            if b > a:
                a = b
            X[6 * m + i] = a if a > v else v
            lo5 = i - 5 if i >= 5 else 0
            hi5 = i + 6 if i + 6 <= m else m
            X[7 * m + i] = (accp[hi5] - accp[lo5] - pr[i]) / <double>(hi5 - lo5 - 1 if hi5 - lo5 - 1 > 1 else 1)
            X[8 * m + i] = run_of[i] if nruns else 0.0
            X[9 * m + i] = 1.0 if ma <= i <= mb else 0.0
            X[10 * m + i] = 1.0 if i < ma else 0.0
            X[11 * m + i] = 1.0 if i > mb else 0.0
            X[12 * m + i] = 1.0 if heading[i] and i >= ma - 4 and i < ma else 0.0
            X[13 * m + i] = 1.0 if chars[i] < length_low else 0.0
            X[14 * m + i] = 1.0 if endp[i] else 0.0
            d = 0 if ma <= i <= mb else (ma - i if i < ma else i - mb)
            X[15 * m + i] = (d if d < 20 else 20) / 20.0
            X[16 * m + i] = z[i] - zmax_all
    finally:
        free(run_of); free(accp); free(rs); free(re); free(mass)
    ma_out[0] = ma
    mb_out[0] = mb
    return 0


cdef inline void _dot_into(const double *w, const double *X, Py_ssize_t rows, Py_ssize_t m, double *out) noexcept nogil:
    # out[j] = w @ X[:, j], summed over the rows in order from 0 (numpy's einsum
    # "i,ij->j" adds them in the same order for two or more columns)
    cdef Py_ssize_t i, j
    cdef double wi
    for j in range(m):
        out[j] = 0.0
    for i in range(rows):
        wi = w[i]
        for j in range(m):
            out[j] = out[j] + wi * X[i * m + j]


def page_scores(const double[:, ::1] X1, const double[::1] w1, const double[::1] w2, const double[::1] w3,
                const double[::1] stop, const unsigned char[::1] heading, const long long[::1] chars,
                const unsigned char[::1] endp, Py_ssize_t max_gap_blocks, Py_ssize_t length_low, double edge,
                double zclip, double[::1] z1, double[::1] z3, double[:, ::1] X3):
    """page_furniture's three stages in one call (``PageFurniture._score2``): ``z1 =
    clip(w1 @ X1)``, then ``z2 = clip(w2 @ X2)`` over the context features ``X2`` of
    ``z1`` (:func:`context`, with the probabilities ``1 / (1 + exp(-z))``), then the
    context features ``X3`` of ``z2`` and ``z3 = w3 @ X3``.  The same operations in the
    same order as the numpy path (``libm``'s ``exp``; products summed row by row).

    >>> import numpy as np
    >>> m = 4
    >>> X1 = np.zeros((33, m)); X1[0] = 1.0; X1[1] = [0.0, 1.0, 2.0, 3.0]
    >>> w1 = np.zeros(33); w1[0] = -1.0; w1[1] = 1.0
    >>> w2 = np.zeros(17); w2[1] = 1.0
    >>> w3 = np.zeros(17); w3[1] = 2.0
    >>> z1, z3, X3 = np.empty(m), np.empty(m), np.empty((17, m))
    >>> page_scores(X1, w1, w2, w3, np.ones(m), np.zeros(m, np.uint8), np.full(m, 80, np.int64),
    ...             np.zeros(m, np.uint8), 3, 70, -4.0, 8.0, z1, z3, X3)
    >>> z1.tolist(), z3.tolist()
    ([-1.0, 0.0, 1.0, 2.0], [-2.0, 0.0, 2.0, 4.0])
    """
    cdef Py_ssize_t m = X1.shape[1]
    if (X1.shape[0] != w1.shape[0] or w2.shape[0] != 17 or w3.shape[0] != 17 or X3.shape[0] != 17
            or X3.shape[1] != m or z1.shape[0] != m or z3.shape[0] != m or stop.shape[0] != m
            or heading.shape[0] != m or chars.shape[0] != m or endp.shape[0] != m):
        raise ValueError("shapes differ")  # (no bounds checks below)
    if m == 0:
        return
    _scores_into(&X1[0, 0], X1.shape[0], &w1[0], &w2[0], &w3[0], &stop[0], &heading[0], &chars[0], &endp[0], m,
                 max_gap_blocks, length_low, edge, zclip, &z1[0], &z3[0], &X3[0, 0])


cdef int _scores_into(const double *X1, Py_ssize_t rows1, const double *w1, const double *w2, const double *w3,
                      const double *stop, const unsigned char *heading, const long long *chars,
                      const unsigned char *endp, Py_ssize_t m, Py_ssize_t max_gap_blocks, Py_ssize_t length_low,
                      double edge, double zclip, double *z1, double *z3, double *X3) except -1:
    # :func:`page_scores` over pointers (m >= 1; X1 holds rows1 rows of m, X3 17)
    cdef Py_ssize_t i, ma, mb
    cdef double *buf
    cdef double *z2
    cdef double *pr
    cdef double *X2
    buf = <double *>malloc(19 * m * sizeof(double))
    if not buf:
        raise MemoryError()
    z2, pr, X2 = buf, buf + m, buf + 2 * m
    try:
        _dot_into(w1, X1, rows1, m, z1)
        for i in range(m):
            z1[i] = -zclip if z1[i] < -zclip else (zclip if z1[i] > zclip else z1[i])
            pr[i] = 1.0 / (1.0 + exp(-z1[i]))
        _context_into(z1, pr, stop, heading, chars, endp, m, max_gap_blocks, length_low, edge, X2, &ma, &mb)
        _dot_into(w2, X2, 17, m, z2)
        for i in range(m):
            z2[i] = -zclip if z2[i] < -zclip else (zclip if z2[i] > zclip else z2[i])
            pr[i] = 1.0 / (1.0 + exp(-z2[i]))
        _context_into(z2, pr, stop, heading, chars, endp, m, max_gap_blocks, length_low, edge, X3, &ma, &mb)
        _dot_into(w3, X3, 17, m, z3)
    finally:
        free(buf)
    return 0


def page_decide(const double[::1] z3, const long long[::1] chars, const double[::1] words,
                const unsigned char[::1] nav, const unsigned char[::1] menu, const unsigned char[::1] cue,
                const double[::1] urls, const double[::1] stops, double clear_score, double min_score,
                double link_min_score, Py_ssize_t length_low, Py_ssize_t fill_gap_blocks, double fill_min_score,
                double repeat_min_words, unsigned char[::1] keep, unsigned char[::1] shared):
    """page_furniture's decision on the stage-3 scores (``PageFurniture._decide`` and
    ``_fill``), after its test that some block is clearly furniture: False (``keep``
    untouched) when no score is below ``clear_score``.  Else ``keep`` is filled and
    ``shared`` flags the kept blocks of at least ``repeat_min_words`` words whose
    counts of words and stopwords another such block has (the only ones ``_repeats``
    must compare), and True is returned.

    >>> import numpy as np
    >>> z3 = np.array([2.0, -1.0, 2.0, -5.0, -5.0, -5.0, -5.0, 2.0])
    >>> m = len(z3)
    >>> keep, shared = np.empty(m, np.uint8), np.empty(m, np.uint8)
    >>> no = np.zeros(m, np.uint8)
    >>> page_decide(z3, np.full(m, 100, np.int64), np.full(m, 20.0), no, no, no, np.zeros(m), np.full(m, 5.0),
    ...             -3.0, -0.6, 0.0, 70, 3, -2.0, 12.0, keep, shared)
    True
    >>> keep.tolist(), shared.tolist()
    ([1, 1, 1, 0, 0, 0, 0, 1], [1, 1, 1, 0, 0, 0, 0, 1])
    """
    cdef Py_ssize_t m = z3.shape[0]
    if (chars.shape[0] != m or words.shape[0] != m or nav.shape[0] != m or menu.shape[0] != m
            or cue.shape[0] != m or urls.shape[0] != m or stops.shape[0] != m or keep.shape[0] != m
            or shared.shape[0] != m):
        raise ValueError("shapes differ")  # (no bounds checks below)
    if m == 0:
        return False
    return _decide_into(&z3[0], &chars[0], &words[0], &nav[0], &menu[0], &cue[0], &urls[0], &stops[0], clear_score,
                        min_score, link_min_score, length_low, fill_gap_blocks, fill_min_score, repeat_min_words,
                        &keep[0], &shared[0], m) == 1


cdef int _decide_into(const double *z3, const long long *chars, const double *words, const unsigned char *nav,
                      const unsigned char *menu, const unsigned char *cue, const double *urls, const double *stops,
                      double clear_score, double min_score, double link_min_score, Py_ssize_t length_low,
                      Py_ssize_t fill_gap_blocks, double fill_min_score, double repeat_min_words,
                      unsigned char *keep, unsigned char *shared, Py_ssize_t m) except -1:
    # :func:`page_decide` over pointers: 0 when no score is below clear_score, else 1
    cdef Py_ssize_t i, j, prv, nk = 0
    cdef Py_ssize_t *nxt
    cdef unsigned char *orig
    cdef bint clear = False, linkish
    cdef double nw
    for i in range(m):
        if z3[i] < clear_score:
            clear = True
            break
    if not clear:
        return 0
    for i in range(m):
        # a short link word, menu, notice or URL line needs link_min_score
        nw = words[i] if words[i] > 1.0 else 1.0
        linkish = chars[i] < length_low and (nav[i] or menu[i] or cue[i] or urls[i] * 3 >= nw)
        keep[i] = z3[i] >= min_score and not (linkish and z3[i] < link_min_score)
        nk += keep[i]
    if fill_gap_blocks > 0 and nk >= 2:
        # a block between kept blocks (at most fill_gap_blocks away on each side), judged
        # on the kept blocks before any is filled in
        nxt = <Py_ssize_t *>malloc(m * sizeof(Py_ssize_t))
        orig = <unsigned char *>malloc(m)
        if not nxt or not orig:
            free(nxt); free(orig)
            raise MemoryError()
        j = -1
        for i in range(m - 1, -1, -1):
            orig[i] = keep[i]
            nxt[i] = j
            if keep[i]:
                j = i
        prv = -1
        for i in range(m):
            if orig[i]:
                prv = i
                continue
            if (prv >= 0 and nxt[i] >= 0 and i - prv <= fill_gap_blocks and nxt[i] - i <= fill_gap_blocks
                    and z3[i] >= fill_min_score and not (nav[i] or menu[i] or cue[i] or urls[i] > 0.0)):
                keep[i] = 1
        free(nxt)
        free(orig)
    _shared_into(keep, words, stops, repeat_min_words, shared, m)
    return 1


cdef void _shared_into(const unsigned char *keep, const double *words, const double *stops, double min_words,
                       unsigned char *shared, Py_ssize_t m) noexcept:
    # shared[i] = 1 for a kept block of at least min_words words when another such block
    # has the same (words, stopwords), counted in a small open-addressing table of those
    # pairs (the same table idiom as dup_flags); linear in the blocks
    cdef Py_ssize_t i, n = 0, size = 8
    cdef uint64_t h, slot, mask
    cdef Py_ssize_t *owner
    cdef Py_ssize_t *count
    for i in range(m):
        shared[i] = 0
        if keep[i] and words[i] >= min_words:
            n += 1
    if n < 2:
        return
    while size < 2 * n:
        size <<= 1
    mask = size - 1
    owner = <Py_ssize_t *>malloc(size * sizeof(Py_ssize_t))
    count = <Py_ssize_t *>malloc(size * sizeof(Py_ssize_t))
    if not owner or not count:
        free(owner); free(count)
        for i in range(m):  # no memory for the table: let the caller compare them all
            shared[i] = keep[i] and words[i] >= min_words
        return
    for i in range(size):
        owner[i] = -1
    for i in range(m):
        if not (keep[i] and words[i] >= min_words):
            continue
        h = _mix_pair(words[i], stops[i])
        slot = h & mask
        while owner[slot] != -1 and not (words[owner[slot]] == words[i] and stops[owner[slot]] == stops[i]):
            slot = (slot + 1) & mask
        if owner[slot] == -1:
            owner[slot] = i
            count[slot] = 1
        else:
            count[slot] += 1
    for i in range(m):
        if not (keep[i] and words[i] >= min_words):
            continue
        h = _mix_pair(words[i], stops[i])
        slot = h & mask
        while not (words[owner[slot]] == words[i] and stops[owner[slot]] == stops[i]):
            slot = (slot + 1) & mask
        shared[i] = count[slot] > 1
    free(owner)
    free(count)


cdef inline uint64_t _mix_pair(double a, double b) noexcept nogil:
    # a hash of two counts (whole numbers held as doubles)
    cdef uint64_t h = (<uint64_t><long long>a) * 0x9E3779B97F4A7C15ULL
    h ^= (<uint64_t><long long>b) + 0x7F4A7C15ULL + (h << 6) + (h >> 2)
    return h * 0xBF58476D1CE4E5B9ULL


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
        t = _item(blocks[j], 2)
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


cdef inline bint _bar_in(int kind, void *data, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    # " | " in s[a:b]
    cdef Py_ssize_t i
    for i in range(a, b - 2):
        if _read(kind, data, i) == 32 and _read(kind, data, i + 1) == 124 and _read(kind, data, i + 2) == 32:
            return True
    return False


def wrap_links(list blocks, str text, Py_ssize_t wrap, str sent_end, str closers, stop):
    """The lines ``j`` of ``blocks`` that ``PageFurniture._group`` joins to line ``j + 1``
    (hard-wrapped prose), its whole test compiled: an :func:`open_lines` line, no blank
    line between the two, the next line starting lowercase, or this one ending on
    ",-–;", or on a word of ``stop`` (lowercased) when it has ``wrap + 20`` characters or
    more; no " | " in either, and the next line ending a sentence or holding three words
    or more.  Strings are made only for the last words looked up in ``stop``.

    >>> B = [(0, 12, "the cat sat "), (13, 24, "on the mat."), (25, 30, "Home")]
    >>> wrap_links(B, "the cat sat \\non the mat.\\nHome", 5, ".!?", "\\"')", frozenset())
    [0]
    """
    cdef Py_ssize_t j, r, k, e, s2, i, nl, L, l0, words
    cdef Py_ssize_t tn = PyUnicode_GET_LENGTH(text)
    cdef int tkind = PyUnicode_KIND(text), kind, ukind
    cdef void *tdata = PyUnicode_DATA(text)
    cdef void *data
    cdef void *udata
    cdef str t, u
    cdef tuple blk, nxt
    cdef Py_UCS4 c, b0
    cdef bint ok, inword
    cdef list out = []
    for j in open_lines(blocks, wrap, sent_end, closers):
        blk = _block(blocks[j])
        nxt = _block(blocks[j + 1])
        t = blk[2]
        kind = PyUnicode_KIND(t)
        data = PyUnicode_DATA(t)
        r = PyUnicode_GET_LENGTH(t)
        while r > 0 and Py_UNICODE_ISSPACE(_read(kind, data, r - 1)):
            r -= 1
        c = _read(kind, data, r - 1)  # open_lines: r >= wrap and r > 0
        # a blank line between them ends the paragraph
        e = blk[1]
        s2 = nxt[0]
        if s2 - e > 1:
            if e < 0 or s2 > tn:
                raise ValueError("block outside the text")
            nl = 0
            for i in range(e, s2):
                if _read(tkind, tdata, i) == 10:
                    nl += 1
            if nl > 1:
                continue
        u = nxt[2]
        ukind = PyUnicode_KIND(u)
        udata = PyUnicode_DATA(u)
        L = PyUnicode_GET_LENGTH(u)
        l0 = 0
        while l0 < L and Py_UNICODE_ISSPACE(_read(ukind, udata, l0)):
            l0 += 1
        if l0 == L:
            continue
        b0 = _read(ukind, udata, l0)
        ok = Py_UNICODE_ISLOWER(b0) or c == 44 or c == 45 or c == 0x2013 or c == 59
        if not ok and r >= wrap + 20:
            k = r
            while k > 0 and not Py_UNICODE_ISSPACE(_read(kind, data, k - 1)):
                k -= 1
            ok = t[k:r].lower() in stop
        if not ok:
            continue
        # the next line must read as text, not as a one-word menu item
        if _bar_in(kind, data, 0, r) or _bar_in(ukind, udata, l0, L):
            continue
        if not _has(sent_end, _read(ukind, udata, L - 1)):
            words = 0
            inword = False
            for i in range(l0, L):
                if Py_UNICODE_ISSPACE(_read(ukind, udata, i)):
                    inword = False
                elif not inword:
                    inword = True
                    words += 1
            if words < 3:
                continue
        out.append(j)
    return out


cdef inline bint _has(str chars, Py_UCS4 c):
    cdef Py_ssize_t i
    for i in range(PyUnicode_GET_LENGTH(chars)):
        if PyUnicode_READ_CHAR(chars, i) == c:
            return True
    return False


# ---------------------------------------------------------------- link_farm menu lines
def menu_flags(list blocks, Py_ssize_t prose_chars, Py_ssize_t max_chars, Py_ssize_t max_words, str end_punct):
    """link_farm's navigation-menu zones: ``(first, last, flags)``, ``first``/``last`` the
    first and last block of at least ``prose_chars`` characters (-1, -1 when none) and
    ``flags[k]`` 1 for a block before ``first`` or after ``last`` that could be a menu
    item: stripped, 1 to ``max_chars`` characters and at most ``max_words`` words, not
    ending in one of ``end_punct``, without a digit (``str.isdigit``).  The same as the
    Python test of ``LinkFarm.detect``; ``blocks`` are ``(start, end, text)`` tuples.

    >>> menu_flags([(0, 4, "Home"), (5, 9, "News"), (10, 20, "x" * 10), (21, 24, "A 1")], 10, 30, 3, ".")
    (2, 2, b'\\x01\\x01\\x00\\x00')
    """
    cdef Py_ssize_t n = len(blocks), k, first = -1, last = -1, a, b, i, words
    cdef tuple blk  # a Block (a tuple subclass)
    cdef str t
    cdef int kind
    cdef void *data
    cdef Py_UCS4 c
    cdef bint ok, inword
    cdef bytearray out = bytearray(n)
    for k in range(n):
        blk = _block(blocks[k])
        if <Py_ssize_t>blk[1] - <Py_ssize_t>blk[0] >= prose_chars:
            first = k
            break
    if first < 0:
        return -1, -1, bytes(out)
    for k in range(n - 1, first - 1, -1):
        blk = _block(blocks[k])
        if <Py_ssize_t>blk[1] - <Py_ssize_t>blk[0] >= prose_chars:
            last = k
            break
    for k in range(n):
        if first <= k <= last:
            continue
        t = _item(blocks[k], 2)
        kind = PyUnicode_KIND(t)
        data = PyUnicode_DATA(t)
        a = 0
        b = PyUnicode_GET_LENGTH(t)
        while a < b and Py_UNICODE_ISSPACE(_read(kind, data, a)):
            a += 1
        while b > a and Py_UNICODE_ISSPACE(_read(kind, data, b - 1)):
            b -= 1
        if b == a or b - a > max_chars or _has(end_punct, _read(kind, data, b - 1)):
            continue
        ok = True
        words = 0
        inword = False
        for i in range(a, b):
            c = _read(kind, data, i)
            if Py_UNICODE_ISDIGIT(c):
                ok = False
                break
            if Py_UNICODE_ISSPACE(c):
                inword = False
            elif not inword:
                inword = True
                words += 1
        if ok and words <= max_words:
            out[k] = 1
    return first, last, bytes(out)


# ---------------------------------------------------------------- page_furniture menu separators
cdef inline bint _sep3(Py_UCS4 c) noexcept nogil:  # [|·•»›>/\-]
    return c == 124 or c == 0xB7 or c == 0x2022 or c == 0xBB or c == 0x203A or c == 62 or c == 47 or c == 45


cdef inline bint _sep_end(Py_UCS4 c) noexcept nogil:  # [|•·»›]
    return c == 124 or c == 0xB7 or c == 0x2022 or c == 0xBB or c == 0x203A


cdef Py_ssize_t _count_seps(int kind, void *data, Py_ssize_t a, Py_ssize_t n) noexcept:
    # len(re.findall(r" [|·•»›>/\-] | :: |^\s*[|•·»›]|[|•·»›]\s*$", s)) for s = text[a:a+n]:
    # leftmost matches, the alternatives tried in order, each match resumed after its end
    cdef Py_ssize_t p = 0, q, count = 0
    cdef Py_UCS4 c
    while p < n:
        c = _read(kind, data, a + p)
        if c == 32:
            if p + 2 < n and _sep3(_read(kind, data, a + p + 1)) and _read(kind, data, a + p + 2) == 32:
                count += 1
                p += 3
                continue
            if (p + 3 < n and _read(kind, data, a + p + 1) == 58 and _read(kind, data, a + p + 2) == 58
                    and _read(kind, data, a + p + 3) == 32):
                count += 1
                p += 4
                continue
        if p == 0:  # ^\s*[|•·»›] (no MULTILINE: the start of the string only)
            q = 0
            while q < n and Py_UNICODE_ISSPACE(_read(kind, data, a + q)):
                q += 1
            if q < n and _sep_end(_read(kind, data, a + q)):
                count += 1
                p = q + 1
                continue
        if _sep_end(c):  # [|•·»›]\s*$: only whitespace after it, to the end
            q = p + 1
            while q < n and Py_UNICODE_ISSPACE(_read(kind, data, a + q)):
                q += 1
            if q == n:
                count += 1
                break
        p += 1
    return count


def short_blocks(list blocks, list cands, Py_ssize_t max_chars, bint stripped, list also=None):
    """The block indexes of ``cands`` (sorted) whose block has at most ``max_chars``
    characters, its text ``str.strip()``-ed with ``stripped`` (else ``end - start``),
    and those in ``also`` (sorted) whatever their length; in order.  link_farm's loops
    then skip, without a Python step each, the candidate lines they would drop for
    their length (most: a trigger word such as "more" or "read" is common in prose).
    ``blocks`` are ``(start, end, text)`` tuples.

    >>> bl = [(0, 4, "Home"), (5, 20, "   Read more   "), (21, 60, "x" * 39)]
    >>> short_blocks(bl, [0, 1, 2], 9, True), short_blocks(bl, [0, 1, 2], 9, False), short_blocks(bl, [1, 2], 9, False, [2])
    ([0, 1], [0], [2])
    """
    cdef Py_ssize_t n = len(cands), nb = len(blocks), na = 0 if also is None else len(also), j, k, ja = 0, a, b
    cdef Py_ssize_t nextra = -1
    cdef tuple blk
    cdef str t
    cdef int kind
    cdef void *data
    cdef list out = []
    for j in range(n):
        k = cands[j]
        if k < 0 or k >= nb:
            raise IndexError("candidate block out of range")
        while ja < na:  # the next index of ``also`` at or after k
            nextra = also[ja]
            if nextra >= k:
                break
            ja += 1
        if ja < na and nextra == k:
            out.append(k)
            continue
        blk = _block(blocks[k])
        if not stripped:
            if <Py_ssize_t>blk[1] - <Py_ssize_t>blk[0] <= max_chars:
                out.append(k)
            continue
        t = blk[2]
        b = PyUnicode_GET_LENGTH(t)
        if b <= max_chars:
            out.append(k)
            continue
        kind = PyUnicode_KIND(t)
        data = PyUnicode_DATA(t)
        a = 0
        while a < b and Py_UNICODE_ISSPACE(_read(kind, data, a)):
            a += 1
        while b > a and Py_UNICODE_ISSPACE(_read(kind, data, b - 1)):
            b -= 1
        if b - a <= max_chars:
            out.append(k)
    return out


def groups(Py_ssize_t n, list links):
    """``(first, last)``: the first and last line of each block of ``n`` lines when each
    line ``j`` of ``links`` (ascending, below ``n - 1``) is joined to line ``j + 1``
    (``PageFurniture._group``).

    >>> groups(5, [1, 2])
    ([0, 1, 4], [0, 3, 4])
    """
    cdef Py_ssize_t j, k = 0, nl = len(links), nxt
    cdef list first = [0] if n else [], last = []
    for j in range(n):
        nxt = links[k] if k < nl else -1
        if nxt == j:  # joined to the next line: the block goes on
            k += 1
            if j >= n - 1:
                raise ValueError("the last line cannot be joined to the next")
            continue
        if nxt != -1 and nxt < j:
            raise ValueError("links must ascend")
        last.append(j)
        if j + 1 < n:
            first.append(j + 1)
    if k != nl:
        raise ValueError("links out of range")
    return first, last


def bounds(list blocks, list first, list last):
    """``(starts, ends)``: the start of each block's first line and the end of its last.

    >>> bounds([(0, 3, "abc"), (4, 6, "de"), (7, 9, "fg")], [0, 1], [0, 2])
    ([0, 4], [3, 9])
    """
    cdef Py_ssize_t m = len(first), k
    cdef list starts = [None] * m, ends = [None] * m
    if len(last) != m:
        raise ValueError("first and last differ in length")
    for k in range(m):
        starts[k] = _item(blocks[first[k]], 0)
        ends[k] = _item(blocks[last[k]], 1)
    return starts, ends


cdef inline Py_ssize_t _count_sub(int kind, void *data, Py_ssize_t a, Py_ssize_t b, const char *sub,
                                  Py_ssize_t n) noexcept nogil:
    # occurrences of the ASCII ``sub`` (n characters, none overlapping itself) in [a, b)
    cdef Py_ssize_t i, j, count = 0
    i = a
    while i + n <= b:
        for j in range(n):
            if _read(kind, data, i + j) != <Py_UCS4>(<unsigned char>sub[j]):
                break
        else:
            count += 1
            i += n
            continue
        i += 1
    return count


def sparse_cues(str text, str low, list starts, list ends, list first, list last, sep_lines, url_lines,
                cue_lines, double[::1] seps, double[::1] urls, unsigned char[::1] cue):
    """page_furniture's per-block menu separators, URL cues and notice cues
    (``PageFurniture._sparse_cues``) for the blocks ``[starts[k], ends[k])`` made of
    lines ``first[k]`` to ``last[k]``, given the lines that hold a separator character
    (``sep_lines``), a URL cue (``url_lines``) and a notice cue (``cue_lines``): the
    separators counted in the blocks holding such a line (every match of
    ``furniture._SEPS`` holds a separator trigger inside one line, so the other blocks
    count none), the URL cues ("http", "www.", ".com", "@") counted in the lowercased text,
    the cue flag set.  ``seps``, ``urls`` and ``cue`` are written for those blocks only
    (the caller zeroes them).

    >>> import numpy as np
    >>> text = "Home | News | Sport\\nsee www.a.com or\\nhttp://b.org\\n(c) 2024"
    >>> seps, urls, cue = np.zeros(3), np.zeros(3), np.zeros(3, np.uint8)
    >>> sparse_cues(text, text.lower(), [0, 20, 50], [19, 49, 58], [0, 1, 3], [0, 2, 3], [0], [1, 2], [3],
    ...             seps, urls, cue)
    >>> seps.tolist(), urls.tolist(), cue.tolist()
    ([2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0, 0, 1])
    """
    cdef Py_ssize_t m = len(starts), n = PyUnicode_GET_LENGTH(text), k, i, a, b, nlines
    cdef int kind = PyUnicode_KIND(text), lkind = PyUnicode_KIND(low)
    cdef void *data = PyUnicode_DATA(text)
    cdef void *ldata = PyUnicode_DATA(low)
    cdef Py_ssize_t *para = NULL
    if (len(ends) != m or len(first) != m or len(last) != m or seps.shape[0] != m or urls.shape[0] != m
            or cue.shape[0] != m or PyUnicode_GET_LENGTH(low) != n):
        raise ValueError("lengths differ")
    if m == 0:
        return
    nlines = <Py_ssize_t>last[m - 1] + 1
    para = <Py_ssize_t *>malloc(nlines * sizeof(Py_ssize_t))  # line -> block
    if not para:
        raise MemoryError()
    try:
        for k in range(m):
            a = first[k]
            b = last[k]
            if a < 0 or b < a or b >= nlines or (k and a != <Py_ssize_t>last[k - 1] + 1):
                raise ValueError("blocks must cover the lines in order")
            for i in range(a, b + 1):
                para[i] = k
            a = starts[k]
            b = ends[k]
            if a < 0 or b > n or a > b:
                raise ValueError("block outside the text")
        for o in sep_lines:
            i = o
            if i < 0 or i >= nlines:
                raise IndexError("line index out of range")
            seps[para[i]] = -1.0
        for k in range(m):  # every block marked above, once
            if seps[k] == -1.0:
                a = starts[k]
                b = ends[k]
                seps[k] = <double>_count_seps(kind, data, a, b - a)
        for o in url_lines:
            i = o
            if i < 0 or i >= nlines:
                raise IndexError("line index out of range")
            k = para[i]
            a = starts[k]
            b = ends[k]
            urls[k] = <double>(_count_sub(lkind, ldata, a, b, b"http", 4) + _count_sub(lkind, ldata, a, b, b"www.", 4)
                               + _count_sub(lkind, ldata, a, b, b".com", 4) + _count_sub(lkind, ldata, a, b, b"@", 1))
        for o in cue_lines:
            i = o
            if i < 0 or i >= nlines:
                raise IndexError("line index out of range")
            cue[para[i]] = 1
    finally:
        free(para)


# ---------------------------------------------------------------- page_furniture stage 1
def nav_flags(str low, list starts, list ends, const long long[::1] last1, const long long[::1] last2,
              const long long[::1] last3, nav_words, str strip, unsigned char[::1] out):
    """``out[k] = 1`` for a block that is a whole link word ("Home", "Next »"): at most 40
    characters, not ending a sentence (``.``, ``!`` or ``?``, unless it ends in ``...``),
    and in ``nav_words`` (a set, or a :class:`StopTable` of it: then no string is made
    per block) once stripped of the characters of ``strip``; ``last1`` to
    ``last3`` are the code points of its last three characters (``block_counts``).  The
    same flags as ``PageFurniture._features``' numpy path.

    >>> import numpy as np
    >>> out = np.zeros(3, np.uint8)
    >>> low = "home\\nread this.\\nnext »"
    >>> nav_flags(low, [0, 5, 16], [4, 15, 22], np.array([101, 46, 187]), np.array([109, 115, 32]),
    ...           np.array([111, 105, 116]), frozenset({"home", "next"}), " »", out)
    >>> out.tolist()
    [1, 0, 1]
    >>> nav_flags(low, [0, 5, 16], [4, 15, 22], np.array([101, 46, 187]), np.array([109, 115, 32]),
    ...           np.array([111, 105, 116]), StopTable({"home", "next"}), " »", out)
    >>> out.tolist()
    [1, 0, 1]
    """
    cdef Py_ssize_t m = len(starts)
    if len(ends) != m or last1.shape[0] != m or last2.shape[0] != m or last3.shape[0] != m or out.shape[0] != m:
        raise ValueError("lengths differ")
    if m:
        _nav_into(low, starts, ends, &last1[0], &last2[0], &last3[0], nav_words, strip, &out[0], m)


cdef int _nav_into(str low, list starts, list ends, const long long *last1, const long long *last2,
                   const long long *last3, nav_words, str strip, unsigned char *out, Py_ssize_t m) except -1:
    # :func:`nav_flags` over pointers (``len(starts) == len(ends) == m``)
    cdef Py_ssize_t k, a, b, n = PyUnicode_GET_LENGTH(low)
    cdef long long l1
    cdef int kind = PyUnicode_KIND(low)
    cdef void *data = PyUnicode_DATA(low)
    cdef StopTable table = nav_words if isinstance(nav_words, StopTable) else None
    cdef bint empty_in = "" in nav_words  # (a StopTable never holds "")
    for k in range(m):
        a = starts[k]
        b = ends[k]
        out[k] = 0
        if b - a > 40:
            continue
        l1 = last1[k]
        if (l1 == 46 or l1 == 33 or l1 == 63) and not (b >= 3 and l1 == 46 and last2[k] == 46 and last3[k] == 46):
            continue  # ends a sentence ("Home." in dialogue)
        if table is None:
            if low[a:b].strip(strip) in nav_words:
                out[k] = 1
            continue
        # low[a:b].strip(strip) looked up in the table, without making the string
        if a < 0 or b > n or a > b:
            raise ValueError("block outside the text")
        while a < b and _has(strip, _read(kind, data, a)):
            a += 1
        while b > a and _has(strip, _read(kind, data, b - 1)):
            b -= 1
        if b == a:
            out[k] = empty_in
        elif b - a <= table.maxlen:
            if kind == 1:
                out[k] = table.has(<uint8_t *>data + a, b - a)
            elif kind == 2:
                out[k] = table.has(<uint16_t *>data + a, b - a)
            else:
                out[k] = table.has(<uint32_t *>data + a, b - a)
    return 0


def dup_flags(str text, list starts, list ends, unsigned char[::1] out):
    """``out[k] = 1`` when the text of block ``k`` is also the text of another block (a
    menu printed twice): blocks are grouped by a hash of their bytes (equal strings of
    one text have equal bytes), and only blocks that share a hash are compared as
    strings.

    >>> import numpy as np
    >>> out = np.zeros(4, np.uint8)
    >>> dup_flags("Home\\nNews\\nHome\\nHomes", [0, 5, 10, 15], [4, 9, 14, 20], out)
    >>> out.tolist()
    [1, 0, 1, 0]
    """
    cdef Py_ssize_t m = len(starts)
    if len(ends) != m or out.shape[0] != m:
        raise ValueError("lengths differ")
    if m:
        _dup_into(text, starts, ends, &out[0], m)


cdef int _dup_into(str text, list starts, list ends, unsigned char *out, Py_ssize_t m) except -1:
    # :func:`dup_flags` over a pointer (``len(starts) == len(ends) == m >= 1``)
    cdef Py_ssize_t k, a, b, size = 8, j
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef uint64_t h, slot, mask
    cdef uint64_t *hashes = NULL
    cdef Py_ssize_t *owner = NULL  # per slot of an open-addressing table: first block, or -1
    cdef Py_ssize_t *nxt = NULL  # per block: the next block of the same hash, or -1
    cdef Py_ssize_t *last = NULL  # per slot: the last block of its chain
    cdef unsigned char *shared = NULL  # per block: another block has its hash
    while size < 2 * m:
        size <<= 1
    mask = size - 1
    hashes = <uint64_t *>malloc(size * sizeof(uint64_t))
    owner = <Py_ssize_t *>malloc(size * sizeof(Py_ssize_t))
    last = <Py_ssize_t *>malloc(size * sizeof(Py_ssize_t))
    nxt = <Py_ssize_t *>malloc(m * sizeof(Py_ssize_t))
    shared = <unsigned char *>calloc(m, 1)
    try:
        if not hashes or not owner or not last or not nxt or not shared:
            raise MemoryError()
        for j in range(size):
            owner[j] = -1
        for k in range(m):
            a = starts[k]
            b = ends[k]
            if a < 0 or b > n or a > b:
                raise ValueError("block out of range")
            out[k] = 0
            nxt[k] = -1
            h = _hash_bytes(<const char *>data + a * kind, (b - a) * kind)
            slot = h & mask
            while owner[slot] != -1 and hashes[slot] != h:
                slot = (slot + 1) & mask
            if owner[slot] == -1:
                hashes[slot] = h
                owner[slot] = k
                last[slot] = k
            else:  # the hash seen before: chain this block behind the last one
                nxt[last[slot]] = k
                last[slot] = k
                shared[owner[slot]] = 1
        # only the blocks that share a hash are compared, as strings
        for j in range(size):
            k = owner[j]
            if k == -1 or not shared[k]:
                continue
            seen = {}
            while k != -1:
                t = text[starts[k] : ends[k]]
                seen[t] = seen.get(t, 0) + 1
                k = nxt[k]
            k = owner[j]
            while k != -1:
                if seen[text[starts[k] : ends[k]]] > 1:
                    out[k] = 1
                k = nxt[k]
    finally:
        free(hashes)
        free(owner)
        free(last)
        free(nxt)
        free(shared)
    return 0


cdef void _spread_into(double *X, const double *L, Py_ssize_t m) noexcept nogil:
    # The logarithms of the stage-1 matrix put in place from the three distinct ones
    # (row r of X at X + r * m, of L at L + r * m): L is log1p of X's rows 1
    # (characters), 6 (stopwords) and 25 (stopwords in the window); rows 19 and 20 are
    # row 1 shifted by one block (0 past an end), and row 31 is row 25 where row 2
    # (short) is set, else 0.  The same numbers as log1p of each of the six rows
    # (log1p(0) == 0; row 2 is 0 or 1): one numpy call on three rows instead of six.
    cdef Py_ssize_t i
    for i in range(m):
        X[m + i] = L[i]
        X[6 * m + i] = L[m + i]
        X[25 * m + i] = L[2 * m + i]
        X[19 * m + i] = L[i - 1] if i >= 1 else 0.0
        X[20 * m + i] = L[i + 1] if i + 1 < m else 0.0
        X[31 * m + i] = L[2 * m + i] if X[2 * m + i] != 0.0 else 0.0


cdef int _stage1_into(const long long **c, list starts, list ends, const double *seps, const double *urls,
                      const unsigned char *cue, const unsigned char *nav, const unsigned char *dup,
                      const unsigned char *end_lut, Py_ssize_t length_low, Py_ssize_t length_high, double *X,
                      long long *chars, double *words, double *stops, unsigned char *endp, unsigned char *menu,
                      unsigned char *heading, Py_ssize_t m) except -1:
    # ``PageFurniture._features``' stage-1 matrix into X (33 rows, STAGE1; row r at
    # X + r * m, one column a block) and the blocks' lengths, words, stopwords, end
    # punctuation, menu and heading flags, from ``c``, the first seven of block_counts'
    # arrays, and the sparse per-block cues; m >= 1 (``len(starts) == len(ends) == m``).
    # Rows 1, 6, 19, 20, 25 and 31 are left holding the argument of their log1p, which
    # the caller takes with numpy (_spread_into), so that every logarithm is numpy's, as
    # on the numpy path.  All other numbers come from the same operations in the same
    # order as that path.
    cdef Py_ssize_t i, k
    cdef const long long *c_words = c[0]
    cdef const long long *c_stops = c[1]
    cdef const long long *c_digits = c[2]
    cdef const long long *c_titles = c[3]
    cdef const long long *c_commas = c[4]
    cdef const long long *c_first = c[5]
    cdef const long long *c_last = c[6]
    cdef double nw1, dens, smax, a, b
    cdef double *acc
    cdef long long f, cp, ch
    cdef bint short_, long_, nav_, menu_, endp_
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
            X[0 * m + i] = 1.0
            X[1 * m + i] = <double>ch  # log1p by the caller
            X[2 * m + i] = 1.0 if short_ else 0.0
            X[3 * m + i] = 1.0 if long_ else 0.0
            X[4 * m + i] = dens
            X[5 * m + i] = 0.0 if short_ else dens
            X[6 * m + i] = stops[i]  # log1p by the caller
            X[7 * m + i] = 1.0 if endp_ else 0.0
            X[8 * m + i] = <double>c_titles[i] / nw1
            X[9 * m + i] = <double>c_digits[i] / <double>(ch if ch > 1 else 1)
            a = 3.0 * urls[i] / nw1
            X[10 * m + i] = a if a < 1.0 else 1.0
            X[11 * m + i] = 1.0 if menu_ else 0.0
            X[12 * m + i] = (seps[i] if seps[i] < 3.0 else 3.0) / 3.0
            X[13 * m + i] = 1.0 if nav_ else 0.0
            X[14 * m + i] = 1.0 if cue[i] else 0.0
            X[15 * m + i] = <double>i / <double>(m - 1 if m - 1 > 1 else 1)
            X[16 * m + i] = 1.0 if words[i] == 1.0 else 0.0
            X[17 * m + i] = 1.0 if ((97 <= f <= 122) or (223 <= f <= 255 and f != 247) or (0x430 <= f <= 0x45F)) else 0.0
            X[18 * m + i] = 1.0 if c_last[i] == 58 else 0.0
            # the neighbours (fill past the ends: 0 for lengths and densities, 1 for "bad")
            X[19 * m + i] = <double>chars[i - 1] if i >= 1 else 0.0  # log1p by the caller
            X[20 * m + i] = <double>chars[i + 1] if i + 1 < m else 0.0
            X[25 * m + i] = acc[i + 4 if i + 4 < m else m] - acc[i - 3 if i >= 3 else 0] - stops[i]  # log1p by the caller
            X[26 * m + i] = stops[i] / smax
            X[27 * m + i] = 1.0 if dup[i] else 0.0
            b = <double>c_commas[i] / nw1 * 5
            X[28 * m + i] = b if b < 1.0 else 1.0
            X[29 * m + i] = 1.0 if short_ and endp_ else 0.0
            X[30 * m + i] = X[8 * m + i] if short_ else 0.0
            X[31 * m + i] = X[25 * m + i] if short_ else 0.0  # log1p by the caller
            X[32 * m + i] = 1.0 if long_ and endp_ else 0.0
        for i in range(m):  # the neighbours' long-block densities and "bad" flags
            X[21 * m + i] = X[5 * m + i - 1] if i >= 1 else 0.0
            X[22 * m + i] = X[5 * m + i + 1] if i + 1 < m else 0.0
            X[23 * m + i] = (1.0 if (nav[i - 1] or menu[i - 1] or urls[i - 1] > 0.0) else 0.0) if i >= 1 else 1.0
            X[24 * m + i] = (1.0 if (nav[i + 1] or menu[i + 1] or urls[i + 1] > 0.0) else 0.0) if i + 1 < m else 1.0
    finally:
        free(acc)
    return 0


cdef long long _Q_EMPTY = 0  # (the data of an empty array('q'): a pointer that is not NULL)


cdef const long long *_q_data(obj, Py_ssize_t m) except NULL:
    # the items of an array('q') of m items (block_counts' and carried_counts' results)
    cdef carray arr
    if type(obj) is not carray:
        raise TypeError("block counts must be array('q')")
    arr = <carray>obj
    if arr.ob_descr.typecode != c'q' or len(arr) != m:
        raise ValueError("block counts must be array('q') of one item a block")
    return arr.data.as_longlongs if m else &_Q_EMPTY


def page_pass(tuple counts, str low, str text, list starts, list ends, const double[:, ::1] S,
              unsigned char[:, ::1] G, double[:, ::1] F, long long[::1] chars, L, log1p, nav_words, str strip,
              const unsigned char[::1] end_lut, const double[::1] weights, Py_ssize_t length_low,
              Py_ssize_t length_high, Py_ssize_t max_gap_blocks, double edge, double zclip, Py_ssize_t seed_min_blocks,
              double clear_score, double min_score, double link_min_score, Py_ssize_t fill_gap_blocks,
              double fill_min_score, double repeat_min_words, bint decide):
    """page_furniture's work on one page after its counts and sparse cues, in one call
    (``PageFurniture._pass_compiled``): the link-word and duplicate flags
    (:func:`nav_flags`, :func:`dup_flags`), the stage-1 matrix and its logarithms
    (``log1p``, numpy's, called once on the three rows ``L`` that make all six); then, with ``decide``, the seed rule (a page of fewer
    than ``seed_min_blocks`` blocks none of which is long prose is left alone), the
    three stages' scores (:func:`page_scores`) and the decision (:func:`page_decide`).
    The same numbers as those calls, with none of their per-call argument checks and
    array views.

    ``counts``: block_counts' nine arrays; ``S``: seps and urls (2 rows of ``m``); ``G``:
    7 rows of flags (nav, menu, endp, heading, keep, shared, and cue, which the caller
    fills); ``F``: 54 rows (stage 1 in 0-32, z1 33, z3 34, the stage-3 context matrix
    35-51, words 52, stopwords 53); ``chars``; ``L``: a C-contiguous (3, m) float64
    array for the logarithms; ``weights``: stages 1, 2 and 3 one after the other.

    Returns 0 when only the features were asked for (not ``decide``), 1 when the seed
    rule leaves the page alone, 2 when no block is clearly furniture (left alone), 3
    when ``G``'s keep and shared rows hold the decision.

    >>> import numpy as np
    >>> from array import array
    >>> m = 2
    >>> counts = tuple(array("q", v) for v in ([9, 1], [5, 0], [0, 0], [1, 1], [0, 0], [84, 72], [46, 101], [32, 109], [115, 111]))
    >>> S, G = np.zeros((2, m)), np.zeros((7, m), np.uint8)
    >>> F, chars, L = np.empty((54, m)), np.empty(m, np.int64), np.empty((3, m))
    >>> text = "The cat sat on the mat and the dog sat on the rug.\\nHome"
    >>> n = text.index("\\n")
    >>> page_pass(counts, text.lower(), text, [0, n + 1], [n, n + 5], S, G, F, chars, L, np.log1p, frozenset({"home"}),
    ...           " ", np.zeros(0x10000, np.uint8), np.zeros(33 + 17 + 17), 70, 200, 3, -4.0, 8.0, 12,
    ...           -3.0, -0.6, 0.0, 3, -2.0, 12.0, False)
    0
    >>> chars.tolist(), G[0].tolist(), F[1].tolist() == np.log1p([50.0, 4.0]).tolist()
    ([50, 4], [0, 1], True)
    """
    cdef Py_ssize_t m = len(starts), i, r
    cdef const long long *c[9]
    cdef double[:, ::1] Lv = L
    cdef double *X
    cdef unsigned char *nav
    cdef unsigned char *menu
    cdef unsigned char *endp
    cdef unsigned char *heading
    cdef unsigned char *keep
    cdef unsigned char *shared
    cdef unsigned char *cue
    cdef bint prose
    if (len(counts) != 9 or len(ends) != m or S.shape[0] != 2 or S.shape[1] != m or G.shape[0] != 7
            or G.shape[1] != m or F.shape[0] != 54 or F.shape[1] != m or chars.shape[0] != m
            or Lv.shape[0] != 3 or Lv.shape[1] != m or end_lut.shape[0] != 0x10000 or weights.shape[0] != 33 + 34):
        raise ValueError("shapes differ")  # (no bounds checks below)
    for r in range(9):
        c[r] = _q_data(counts[r], m)
    if m == 0:
        return 0 if not decide else 1
    X = &F[0, 0]
    nav, menu, endp, heading = &G[0, 0], &G[1, 0], &G[2, 0], &G[3, 0]
    keep, shared, cue = &G[4, 0], &G[5, 0], &G[6, 0]
    _nav_into(low, starts, ends, c[6], c[7], c[8], nav_words, strip, nav, m)
    _dup_into(text, starts, ends, shared, m)  # (the duplicate flags, until the decision)
    _stage1_into(c, starts, ends, &S[0, 0], &S[1, 0], cue, nav, shared, &end_lut[0], length_low, length_high, X,
                 &chars[0], &F[52, 0], &F[53, 0], endp, menu, heading, m)
    if decide and m < seed_min_blocks:
        # the seed rule (PageFurniture._analyse): some block of long prose, else left alone
        prose = False
        for i in range(m):
            if chars[i] >= length_high and X[4 * m + i] >= 0.2:
                prose = True
                break
        if not prose:
            return 1
    # the logarithms, numpy's, of the three rows that make the six (_spread_into)
    for i in range(m):
        Lv[0, i] = X[m + i]
        Lv[1, i] = X[6 * m + i]
        Lv[2, i] = X[25 * m + i]
    log1p(L, out=L)
    _spread_into(X, &Lv[0, 0], m)
    if not decide:
        return 0
    _scores_into(X, 33, &weights[0], &weights[33], &weights[50], &F[53, 0], heading, &chars[0], endp, m,
                 max_gap_blocks, length_low, edge, zclip, &F[33, 0], &F[34, 0], &F[35, 0])
    if not _decide_into(&F[34, 0], &chars[0], &F[52, 0], nav, menu, cue, &S[1, 0], &F[53, 0], clear_score, min_score,
                        link_min_score, length_low, fill_gap_blocks, fill_min_score, repeat_min_words, keep, shared,
                        m):
        return 2
    return 3


# ---------------------------------------------------------------- language id
cdef Py_ssize_t _longest_line(int kind, void *data, Py_ssize_t n, Py_ssize_t cap, Py_ssize_t *hist,
                              Py_ssize_t *where) noexcept nogil:
    # The length of the longest line (split at "\n"), ``where`` its first start; and,
    # while every line is shorter than ``cap``, the number of lines of each length.
    # (Line by line: _line_end finds each line break with memchr or a word at a time.)
    cdef Py_ssize_t a = 0, b, ln, best = -1
    while True:
        b = _line_end(kind, data, a, n)
        ln = b - a
        if ln > best:
            best = ln
            where[0] = a
        if ln < cap:
            hist[ln] += 1
        if b >= n:
            return best
        a = b + 1


cdef list _chosen_lines(str text, int kind, void *data, Py_ssize_t n, Py_ssize_t t, Py_ssize_t k):
    # every line longer than t, and the first k lines of length t, in document order
    cdef Py_ssize_t a = 0, b, ln
    cdef list out = []
    while True:
        b = _line_end(kind, data, a, n)
        ln = b - a
        if ln > t or (ln == t and k > 0):
            if ln == t:
                k -= 1
            out.append(text[a:b])
        if b >= n:
            return out
        a = b + 1


def sample(str text, Py_ssize_t max_chars):
    """``cleaner.lang.sample``: the longest lines of ``text`` (longest first, equal
    lengths in document order) until they hold ``max_chars`` characters, joined in
    document order, cut at ``2 * max_chars``; ``text`` itself when it is no longer than
    ``max_chars``.  Only the chosen lines are made into strings, and nothing is sorted:
    a count of the lines of each length gives the shortest length ``t`` taken and how
    many lines of that length are (the first ones).

    >>> sample("a\\nbbb\\ncc\\ndddd", 6)
    'bbb\\ndddd'
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), longest, where = 0, total = 0, t, k, need
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t *hist
    if n <= max_chars:
        return text
    if max_chars <= 0:
        return ""
    hist = <Py_ssize_t *>calloc(max_chars, sizeof(Py_ssize_t))
    if not hist:
        raise MemoryError()
    try:
        longest = _longest_line(kind, data, n, max_chars, hist, &where)
        if longest >= max_chars:  # the longest line alone is enough
            return text[where : where + longest][: max_chars * 2]
        # longest first: the lines of each length, until a length t completes the sample
        t = longest
        while t > 0 and total + t * hist[t] < max_chars:
            total += t * hist[t]
            t -= 1
        if t == 0:
            k = hist[0]  # every line is taken, the empty ones too (they add nothing)
        else:
            need = max_chars - total
            k = (need + t - 1) // t  # lines of length t until the sample is full
    finally:
        free(hist)
    return "\n".join(_chosen_lines(text, kind, data, n, t, k))[: max_chars * 2]


def script_counts(str s):
    """``(kana, han, hangul, thai)``: the characters of ``s`` in each of the script
    ranges of ``cleaner.lang._SCRIPTS`` (kana U+3040-30FF, Han U+3400-4DBF and
    U+4E00-9FFF, Hangul U+AC00-D7AF, Thai U+0E00-0E7F), in one pass.

    >>> script_counts("東京は、ソウル 서울 กรุง abc")
    (4, 2, 2, 4)
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(s), i, kana = 0, han = 0, hangul = 0, thai = 0
    cdef int kind = PyUnicode_KIND(s)
    cdef void *data = PyUnicode_DATA(s)
    cdef Py_UCS4 c
    if kind == 1:
        return 0, 0, 0, 0
    for i in range(n):
        c = _read(kind, data, i)
        if c < 0x0E00:
            continue
        if c <= 0x0E7F:
            thai += 1
        elif 0x3040 <= c <= 0x30FF:
            kana += 1
        elif 0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF:
            han += 1
        elif 0xAC00 <= c <= 0xD7AF:
            hangul += 1
    return kana, han, hangul, thai


cdef inline uint64_t _pack_lower(const uint8_t *s, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    # an ASCII word of at most 12 letters as one key: 5 bits a letter, lowercased
    cdef uint64_t key = 0
    cdef Py_ssize_t i
    for i in range(a, b):
        key = (key << 5) | ((s[i] | 0x20) - 96)
    return key


cdef class AsciiWordSet:
    """A small set of lowercase ASCII words of 1 to 12 letters (the English function
    words of ``cleaner.lang.EN_STOP``), asked about the words of an ASCII text.

    >>> AsciiWordSet(["the", "of"]).count_words("The end OF it, the_end 42x")
    (7, 3)
    """
    cdef uint64_t *keys
    cdef Py_ssize_t size

    def __cinit__(self, words):
        cdef Py_ssize_t n = 0
        cdef bytes bw
        cdef uint64_t key, h
        ws = list(words)
        self.size = 64
        while self.size < 4 * (len(ws) + 1):
            self.size *= 2
        self.keys = <uint64_t *>calloc(self.size, sizeof(uint64_t))
        if not self.keys:
            raise MemoryError()
        for w in ws:
            if not (isinstance(w, str) and 1 <= len(w) <= 12 and w.isascii() and w.isalpha() and w.islower()):
                raise ValueError(f"not a lowercase ASCII word of 1-12 letters: {w!r}")
            bw = w.encode("ascii")
            key = _pack_lower(<const uint8_t *>bw, 0, len(bw))
            h = (key * 0x9E3779B97F4A7C15ULL) >> 32
            while self.keys[h & (self.size - 1)] != 0 and self.keys[h & (self.size - 1)] != key:
                h += 1
            self.keys[h & (self.size - 1)] = key

    def __dealloc__(self):
        free(self.keys)

    cdef inline bint _has(self, uint64_t key) noexcept nogil:
        cdef uint64_t h = (key * 0x9E3779B97F4A7C15ULL) >> 32, k
        while True:
            k = self.keys[h & (self.size - 1)]
            if k == key:
                return True
            if k == 0:
                return False
            h += 1

    def count_words(self, str text):
        """``(words, words in the set)`` of an ASCII ``text``, its words being the runs
        of letters (``re.findall(r"[^\\W\\d_]+", text.lower())`` on ASCII text); None
        when ``text`` is not ASCII."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, a, words = 0, hits = 0
        cdef const uint8_t *s
        cdef uint8_t c
        if PyUnicode_KIND(text) != 1 or not text.isascii():
            return None
        s = <const uint8_t *>PyUnicode_DATA(text)
        while i < n:
            c = s[i] | 0x20
            if c < 97 or c > 122:
                i += 1
                continue
            a = i
            while i < n and 97 <= (s[i] | 0x20) <= 122:
                i += 1
            words += 1
            if i - a <= 12 and self._has(_pack_lower(s, a, i)):
                hits += 1
        return words, hits


# ---------------------------------------------------------------- page_furniture reasons
cdef extern from "Python.h":
    char *PyOS_double_to_string(double val, char format_code, int precision, int flags, int *ptype) except NULL
    void PyMem_Free(void *p)
    object PyUnicode_DecodeASCII(const char *s, Py_ssize_t size, const char *errors)

cdef extern from "stdio.h":
    int snprintf(char *buf, size_t size, const char *fmt, ...) nogil


cdef struct _Buf:  # an ASCII reason being written.  Every reason fits: about 200
    char data[4096]  # characters of words, five integers and five floats (each of at
    Py_ssize_t n     # most 313 characters, even a double near 1e308 written "%.2f")


cdef inline void _put(_Buf *b, const char *s) noexcept:
    cdef size_t k = strlen(s)
    if k > <size_t>(4095 - b.n):
        k = 4095 - b.n
    memcpy(&b.data[b.n], s, k)
    b.n += k


cdef inline void _put_int(_Buf *b, long long v) noexcept:
    # "%d" % v
    cdef char tmp[24]
    cdef int k = 23
    cdef unsigned long long u = <unsigned long long>(-(v + 1)) + 1 if v < 0 else <unsigned long long>v
    tmp[k] = 0
    while True:
        k -= 1
        tmp[k] = <char>(48 + u % 10)
        u //= 10
        if u == 0:
            break
    if v < 0:
        k -= 1
        tmp[k] = 45
    _put(b, &tmp[k])


cdef inline void _put_float(_Buf *b, double v, int prec) except *:
    # "%.{prec}f" % v, for prec 0 or 2.  The digits are those of Python's own formatting
    # (correct rounding of the exact binary value, ties to even): v * 10**prec is
    # rounded here when it lies clearly away from a tie (its error, under 1e-9 for the
    # values below 1e6 taken here, cannot move it across one); ties, near-ties and any
    # other value go to Python's formatting
    cdef double scaled, frac
    cdef long long k
    cdef char *s
    cdef char tail[4]
    # (not -0.0, which Python writes "-0")
    if (prec == 0 or prec == 2) and (v > 0.0 or (v == 0.0 and copysign(1.0, v) > 0.0)) and v < 1e4:
        scaled = v * 100.0 if prec == 2 else v
        k = <long long>scaled  # floor: scaled >= 0
        frac = scaled - <double>k
        if frac < 0.5 - 1e-9 or frac > 0.5 + 1e-9:
            if frac > 0.5:
                k += 1
            if prec == 0:
                _put_int(b, k)
            else:
                _put_int(b, k // 100)
                k = k % 100
                tail[0] = 46  # "."
                tail[1] = <char>(48 + k // 10)
                tail[2] = <char>(48 + k % 10)
                tail[3] = 0
                _put(b, tail)
            return
    s = PyOS_double_to_string(v, b'f', prec, 0, NULL)
    _put(b, s)
    PyMem_Free(s)


def reasons(list idx, list first, list last, dict repeats, const long long[::1] chars, const double[::1] words,
            const unsigned char[::1] nav, const double[::1] urls, const double[::1] seps,
            const unsigned char[::1] cue, const double[::1] density, const double[::1] title,
            const double[::1] digits, const double[::1] zp1, const double[::1] zn1, const double[::1] inside,
            const double[::1] p1, const double[::1] p3, long long length_low, bint cjk):
    """The span reason of each block of ``idx`` (page_furniture's ``_reasons``): the
    features that fired and the scores, written into one buffer per block (the numbers
    by Python's own float formatting: the same strings).  ``zp1``/``zn1``/``inside`` are
    rows of the stage-3 context matrix, ``p1``/``p3`` the stage-1 and stage-3
    probabilities.

    >>> import numpy as np
    >>> one = lambda v, t=np.float64: np.array([v], dtype=t)
    >>> reasons([0], [0], [1], {}, one(12, np.int64), one(2.0), one(1, np.uint8), one(0.0), one(0.0),
    ...         one(0, np.uint8), one(0.0), one(1.0), one(0.0), one(-1.0), one(0.5), one(0.0),
    ...         one(0.25), one(0.125), 70, False)
    ['page furniture block of 2 lines: link word; short (12 chars); next to boilerplate; outside the main text; score 0.12 (block alone 0.25)']
    """
    cdef Py_ssize_t m = chars.shape[0]
    if (words.shape[0] != m or nav.shape[0] != m or urls.shape[0] != m or seps.shape[0] != m or cue.shape[0] != m
            or density.shape[0] != m or title.shape[0] != m or digits.shape[0] != m or zp1.shape[0] != m
            or zn1.shape[0] != m or inside.shape[0] != m or p1.shape[0] != m or p3.shape[0] != m):
        raise ValueError("lengths differ")
    if m == 0:
        if idx:
            raise IndexError("block index out of range")
        return []
    return _reasons_of(idx, first, last, repeats, &chars[0], &words[0], &nav[0], &urls[0], &seps[0], &cue[0],
                       &density[0], &title[0], &digits[0], &zp1[0], &zn1[0], &inside[0], &p1[0], &p3[0], m,
                       length_low, cjk)


def reasons_packed(list idx, list first, list last, dict repeats, const long long[::1] chars,
                   const double[:, ::1] F, const unsigned char[:, ::1] G, const double[:, ::1] S,
                   const double[::1] p1, const double[::1] p3, long long length_low, bint cjk):
    """:func:`reasons` over :func:`page_pass`'s arrays (``F``: words in row 52, density,
    title and digits in rows 4, 8 and 9, the stage-3 context matrix from row 35; ``G``:
    link words in row 0, notice cues in row 6; ``S``: separators and URLs), without a
    view of each row."""
    cdef Py_ssize_t m = chars.shape[0]
    if (F.shape[0] != 54 or F.shape[1] != m or G.shape[0] != 7 or G.shape[1] != m or S.shape[0] != 2
            or S.shape[1] != m or p1.shape[0] != m or p3.shape[0] != m):
        raise ValueError("shapes differ")
    if m == 0:
        if idx:
            raise IndexError("block index out of range")
        return []
    return _reasons_of(idx, first, last, repeats, &chars[0], &F[52, 0], &G[0, 0], &S[1, 0], &S[0, 0], &G[6, 0],
                       &F[4, 0], &F[8, 0], &F[9, 0], &F[37, 0], &F[38, 0], &F[44, 0], &p1[0], &p3[0], m,
                       length_low, cjk)


cdef list _reasons_of(list idx, list first, list last, dict repeats, const long long *chars, const double *words,
                      const unsigned char *nav, const double *urls, const double *seps, const unsigned char *cue,
                      const double *density, const double *title, const double *digits, const double *zp1,
                      const double *zn1, const double *inside, const double *p1, const double *p3, Py_ssize_t m,
                      long long length_low, bint cjk):
    # :func:`reasons` over pointers (m items each)
    cdef Py_ssize_t i, n
    cdef double w
    cdef bint zp, zn
    cdef list out = []
    cdef _Buf b
    for o in idx:
        i = o
        if i < 0 or i >= m:
            raise IndexError("block index out of range")
        b.n = 0
        n = <Py_ssize_t>last[i] - <Py_ssize_t>first[i] + 1
        if n == 1:
            _put(&b, "page furniture block: ")
        else:
            _put(&b, "page furniture block of ")
            _put_int(&b, n)
            _put(&b, " lines: ")
        if repeats and i in repeats:
            _put(&b, "repeats block ")
            _put_int(&b, <long long>repeats[i] + 1)
            out.append(PyUnicode_DecodeASCII(b.data, b.n, NULL))
            continue
        # each feature that fired, then "; " (the last part, the scores, ends the reason)
        if nav[i]:
            _put(&b, "link word; ")
        w = words[i]
        if urls[i] != 0.0:
            _put_int(&b, <long long>urls[i])
            _put(&b, " URLs in ")
            _put_int(&b, <long long>w)
            _put(&b, " words; ")
        if seps[i] >= 2.0:
            _put_int(&b, <long long>seps[i])
            _put(&b, " menu separators; ")
        if cue[i]:
            _put(&b, "notice cue; ")
        if chars[i] < length_low:
            _put(&b, "short (")
            _put_int(&b, chars[i])
            _put(&b, " chars); ")
        elif density[i] < 0.3 and w >= 3.0:
            _put(&b, "stopwords ")
            _put_float(&b, 100.0 * density[i], 0)
            _put(&b, "%; ")
        if title[i] > 0.7 and w > 2.0 and not cjk:
            _put(&b, "title case ")
            _put_float(&b, 100.0 * title[i], 0)
            _put(&b, "%; ")
        if digits[i] > 0.3:
            _put(&b, "digits ")
            _put_float(&b, 100.0 * digits[i], 0)
            _put(&b, "%; ")
        zp = zp1[i] < 0.0
        zn = zn1[i] < 0.0
        if zp and zn:
            _put(&b, "between boilerplate; ")
        elif zp or zn:
            _put(&b, "next to boilerplate; ")
        if inside[i] == 0.0:
            _put(&b, "outside the main text; ")
        _put(&b, "score ")
        _put_float(&b, p3[i], 2)
        _put(&b, " (block alone ")
        _put_float(&b, p1[i], 2)
        _put(&b, ")")
        out.append(PyUnicode_DecodeASCII(b.data, b.n, NULL))
    return out


# ---------------------------------------------------------------- trigger hits -> blocks
cdef long long _utf8_len(char_t *s, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    # the UTF-8 length of s[a:b] (a surrogate in three bytes, as "surrogatepass"
    # writes it): no branch, so the compiler vectorises the sum
    cdef long long total = b - a
    cdef Py_ssize_t i
    for i in range(a, b):
        total += (s[i] >= 0x80) + (s[i] >= 0x800) + (s[i] >= 0x10000)
    return total


cdef inline long long _utf8_len_kind(int kind, void *data, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    # _utf8_len of a str's data of width ``kind``
    if kind == 1:
        return _utf8_len(<uint8_t *>data, a, b)
    if kind == 2:
        return _utf8_len(<uint16_t *>data, a, b)
    return _utf8_len(<uint32_t *>data, a, b)


cdef int _byte_offsets(str text, long long *st, Py_ssize_t m) except -1:
    # st[:m] (sorted code-point offsets into text) as offsets into its UTF-8 bytes
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, pos = 0
    cdef long long nbytes = 0, target
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    for i in range(m):
        target = st[i]
        if target < pos or target > n:
            raise ValueError("block starts must be sorted offsets into the text")
        nbytes += _utf8_len_kind(kind, data, pos, target)
        pos = target
        st[i] = nbytes
    return 0


cdef int _byte_offsets_nl(str text, bytes utf8, long long *st, Py_ssize_t m) except -1:
    # _byte_offsets, given the text's UTF-8 bytes: whole lines are skipped in both at
    # once, by their line breaks (the k-th "\n" of the text is the k-th 0x0A byte: no
    # other character's UTF-8 holds that byte), so only a start inside a line costs a
    # count of its bytes.  The blocks' starts are line starts: one memchr a line.
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), nb = len(utf8), i, cp = 0, e
    cdef long long bp = 0, target
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef const char *b = utf8
    cdef const char *q
    for i in range(m):
        target = st[i]
        if target < cp or target > n:
            raise ValueError("block starts must be sorted offsets into the text")
        while True:
            e = _line_end(kind, data, cp, n)
            if e >= target:
                break
            q = <const char *>memchr(b + bp, 10, nb - bp) if bp < nb else NULL
            if q == NULL:
                raise ValueError("the bytes are not the text's UTF-8")
            bp = q - b + 1
            cp = e + 1
        if target > cp:
            bp += _utf8_len_kind(kind, data, cp, target)
            cp = target
        st[i] = bp
    return 0


def file_hits(list hits, list starts, list owners, tuple sids, str text=None, bytes utf8=None):
    """``{set id: sorted block indexes}``: each Aho-Corasick hit ``(pattern, start, end)``
    filed under the block holding its start (the last block starting at or before it;
    the first block for a hit before it) for every set id in ``owners[pattern]``; every
    id of ``sids`` gets a list, empty when nothing hit it.  The same as the Python loop
    of ``_TriggerIndex.scan``.  With ``text``, the hits' offsets are of its UTF-8 bytes
    (surrogates written in three, as "surrogatepass" does) and ``starts`` (sorted) are
    of its code points: the starts are turned into bytes in one walk over the text,
    or, given ``utf8`` (the text's UTF-8, which the hits are offsets into), a walk over
    its line breaks.

    >>> file_hits([(0, 1, 3), (1, 7, 9), (0, 8, 10)], [0, 5], [(0,), (0, 1)], (0, 1, 2))
    {0: [0, 1], 1: [1], 2: []}
    >>> file_hits([(0, 6, 8)], [0, 4], [(0,)], (0,), "\\u00e9t\\u00e9\\nab")  # "ab" is at byte 6
    {0: [1]}
    >>> file_hits([(0, 6, 8)], [0, 4], [(0,)], (0,), "\\u00e9t\\u00e9\\nab", "\\u00e9t\\u00e9\\nab".encode())
    {0: [1]}
    """
    cdef Py_ssize_t m = len(starts), nsets = len(sids), npat = len(owners), i, lo, hi, mid, k = 0
    cdef Py_ssize_t pat, pos, last_pos = -1, sid, maxsid = -1, nkeys = 0, cap = 0
    cdef long long *st = NULL
    cdef unsigned char *flags = NULL
    cdef uint64_t *keys = NULL  # sid * m + block, once each: the flags set, in any order
    cdef uint64_t *grown
    cdef tuple hit, own
    cdef dict out
    for sid in sids:
        if sid < 0:
            raise ValueError("negative set id")
        if sid > maxsid:
            maxsid = sid
    if m == 0 or not hits:
        return {s: [] for s in sids}
    st = <long long *>malloc(m * sizeof(long long))
    flags = <unsigned char *>calloc((maxsid + 1) * m, 1)
    cap = 64
    keys = <uint64_t *>malloc(cap * sizeof(uint64_t))
    if not st or not flags or not keys:
        free(st); free(flags); free(keys)
        raise MemoryError()
    try:
        for i in range(m):
            st[i] = starts[i]
        if text is not None:
            if utf8 is not None:
                _byte_offsets_nl(text, utf8, st, m)
            else:
                _byte_offsets(text, st, m)
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
                if not flags[sid * m + k]:
                    flags[sid * m + k] = 1
                    if nkeys == cap:
                        cap *= 2
                        grown = <uint64_t *>realloc(keys, cap * sizeof(uint64_t))
                        if not grown:
                            raise MemoryError()
                        keys = grown
                    keys[nkeys] = <uint64_t>(sid * m + k)
                    nkeys += 1
        # the flags set, by set id then block: sorted keys (a page sets a few hundred of
        # its sets x blocks flags; reading the whole table cost more than the hits)
        out = _sets_of_keys(keys, nkeys, m, sids)
    finally:
        free(st)
        free(flags)
        free(keys)
    return out


cdef dict _sets_of_keys(uint64_t *keys, Py_ssize_t nkeys, Py_ssize_t m, tuple sids):
    # ``{set id: sorted blocks}`` from the keys ``set id * m + block`` (each once, in
    # any order; sorted here): every id of ``sids`` gets a list, and a key of an id
    # not in ``sids`` is passed over
    cdef dict out = {}
    cdef list blk
    cdef Py_ssize_t j = 0, sid
    qsort(keys, nkeys, sizeof(uint64_t), _by_u64)
    for sid in sids:
        out[sid] = []
    while j < nkeys:
        sid = <Py_ssize_t>(keys[j] // <uint64_t>m)
        blk = out.get(sid)
        while j < nkeys and <Py_ssize_t>(keys[j] // <uint64_t>m) == sid:
            if blk is not None:
                blk.append(<Py_ssize_t>(keys[j] % <uint64_t>m))
            j += 1
    return out


cdef int _by_u64(const void *a, const void *b) noexcept nogil:
    cdef uint64_t x = (<const uint64_t *>a)[0], y = (<const uint64_t *>b)[0]
    return -1 if x < y else (1 if x > y else 0)


# ------------------------------------------------------------------ the trigger scan
cdef enum:
    _RING = 256  # byte positions remembered: a pattern may be up to this long (in UTF-8)


cdef class TriggerScanner:
    """Every trigger of the trigger index in one automaton (Aho-Corasick, as a full DFA
    over UTF-8 bytes), which files each occurrence under its block itself: the same
    ``{set id: sorted block indexes}`` as :func:`file_hits` over ``ahocorasick_rs``'s
    overlapping hits, without a Python tuple a hit, nor the text's UTF-8 made.

    ``patterns``: the triggers (``str``, distinct, none empty, each at most 256 bytes
    of UTF-8); ``owners[p]``: the set ids holding ``patterns[p]``; ``sids``: every
    set id, each of which gets a list.  :meth:`scan` reads a ``str`` code point by code
    point and feeds the automaton each one's UTF-8 (a surrogate in three bytes, as
    "surrogatepass" does); a pattern, valid UTF-8, matches those bytes exactly where
    it matches the code points.  A hit is filed under the last block starting at or
    before its first character (the first block for a hit before it).

    The table has a column per byte class, not per byte: each byte that occurs in a
    pattern is a class of its own, and every other byte is class 0 (it sends every
    state to the root).  With ~60 classes instead of 256 the table of the default
    triggers is ~300 kB instead of ~1.4 MB, and its busy rows stay in the first-level
    cache.  A move to a state that ends a pattern is stored negated.

    >>> t = TriggerScanner(["he", "she", "hers", "\\u00e9t\\u00e9"], [(0,), (1,), (0, 1), (2,)], (0, 1, 2))
    >>> t.scan("ushers\\nno\\nl'\\u00e9t\\u00e9", [0, 7, 10])
    {0: [0], 1: [0], 2: [2]}
    >>> t.scan("", [])
    {0: [], 1: [], 2: []}
    """

    cdef int32_t *delta     # row + class -> the next state's row (state * ncls), negated - 1 when it ends a pattern
    cdef uint16_t cls[256]  # byte -> class
    cdef int32_t *out_off   # a state's patterns (its own and its suffixes'): out_pat[out_off[s]:out_off[s + 1]]
    cdef int32_t *out_pat
    cdef int32_t *plen      # a pattern's length in bytes
    cdef int32_t *own_off   # a pattern's set ids: own[own_off[p]:own_off[p + 1]]
    cdef int32_t *own
    cdef Py_ssize_t nstates, npat, maxsid, ncls
    cdef tuple sids

    def __cinit__(self, list patterns, list owners, tuple sids):
        cdef Py_ssize_t npat = len(patterns), total = 1, p, i, j, s, c, q, head, tail, f, nout, ncls = 1
        cdef bytes b
        cdef const unsigned char *bp
        cdef list enc = []
        cdef int32_t *trie = NULL  # state * 256 + byte -> state, -1: none (while building)
        cdef int32_t *fail = NULL
        cdef int32_t *queue = NULL
        cdef int32_t *term = NULL  # a state's own pattern (or -1): patterns are distinct
        if len(owners) != npat:
            raise ValueError("owners and patterns differ in length")
        self.maxsid = -1
        for s in sids:
            if s < 0:
                raise ValueError("negative set id")
            if s > self.maxsid:
                self.maxsid = s
        for c in range(256):
            self.cls[c] = 0
        for p in range(npat):
            b = (<str?>patterns[p]).encode("utf-8", "surrogatepass")
            if not 0 < len(b) <= _RING:
                raise ValueError("a pattern is empty or longer than 256 bytes")
            enc.append(b)
            total += len(b)
            bp = b
            for i in range(len(b)):
                if self.cls[bp[i]] == 0:
                    self.cls[bp[i]] = <uint16_t>ncls
                    ncls += 1
            for s in owners[p]:
                if s < 0 or s > self.maxsid:
                    raise ValueError("a pattern's set id is not in sids")
        if total * ncls >= (1 << 31) - 1:
            raise ValueError("too many patterns for the table")
        self.ncls = ncls
        self.sids = sids
        self.npat = npat
        trie = <int32_t *>malloc(total * 256 * sizeof(int32_t))
        self.delta = <int32_t *>malloc(total * ncls * sizeof(int32_t))
        self.plen = <int32_t *>malloc((npat + 1) * sizeof(int32_t))
        self.own_off = <int32_t *>malloc((npat + 1) * sizeof(int32_t))
        self.own = <int32_t *>malloc((sum(len(o) for o in owners) + 1) * sizeof(int32_t))
        self.out_off = <int32_t *>malloc((total + 1) * sizeof(int32_t))
        fail = <int32_t *>malloc(total * sizeof(int32_t))
        queue = <int32_t *>malloc(total * sizeof(int32_t))
        term = <int32_t *>malloc(total * sizeof(int32_t))
        try:
            if (not trie or not self.delta or not self.plen or not self.own_off or not self.own
                    or not self.out_off or not fail or not queue or not term):
                raise MemoryError()
            for i in range(total * 256):
                trie[i] = -1
            term[0] = -1
            # the trie
            self.nstates = 1
            j = 0
            for p in range(npat):
                b = enc[p]
                bp = b
                self.plen[p] = len(b)
                s = 0
                for i in range(len(b)):
                    c = bp[i]
                    if trie[s * 256 + c] < 0:
                        trie[s * 256 + c] = self.nstates
                        term[self.nstates] = -1
                        self.nstates += 1
                    s = trie[s * 256 + c]
                if term[s] >= 0:
                    raise ValueError("a pattern appears twice")
                term[s] = p
                self.own_off[p] = j
                for q in owners[p]:
                    self.own[j] = q
                    j += 1
            self.own_off[npat] = j
            # breadth first: failure links, then the missing moves through them
            head = tail = 0
            fail[0] = 0
            for c in range(256):
                s = trie[c]
                if s < 0:
                    trie[c] = 0
                else:
                    fail[s] = 0
                    queue[tail] = s
                    tail += 1
            while head < tail:
                s = queue[head]
                head += 1
                f = fail[s]
                for c in range(256):
                    q = trie[s * 256 + c]
                    if q < 0:
                        trie[s * 256 + c] = trie[f * 256 + c]
                    else:
                        fail[q] = trie[f * 256 + c]
                        queue[tail] = q
                        tail += 1
            # a state's outputs: its own pattern, then those of its failure chain
            nout = 0
            for s in range(self.nstates):
                f = s
                while f:
                    if term[f] >= 0:
                        nout += 1
                    f = fail[f]
            self.out_pat = <int32_t *>malloc((nout + 1) * sizeof(int32_t))
            if not self.out_pat:
                raise MemoryError()
            j = 0
            for s in range(self.nstates):
                self.out_off[s] = j
                f = s
                while f:
                    if term[f] >= 0:
                        self.out_pat[j] = term[f]
                        j += 1
                    f = fail[f]
            self.out_off[self.nstates] = j
            # the table by class: a byte of no pattern sends every state to the root
            for s in range(self.nstates):
                for c in range(256):
                    q = trie[s * 256 + c]
                    if self.cls[c] == 0 and q != 0:
                        raise AssertionError("a byte of no pattern leaves the root")
                    q = q * ncls
                    if self.out_off[q // ncls] != self.out_off[q // ncls + 1]:
                        q = -q - 1
                    self.delta[s * ncls + self.cls[c]] = <int32_t>q
        finally:
            free(trie)
            free(fail)
            free(queue)
            free(term)

    def __dealloc__(self):
        free(self.delta)
        free(self.out_off)
        free(self.out_pat)
        free(self.plen)
        free(self.own_off)
        free(self.own)

    @property
    def states(self) -> tuple:
        """(states, byte classes): the table holds states x classes moves."""
        return self.nstates, self.ncls

    def scan(self, str low, list starts):
        """``{set id: sorted block indexes}``: the blocks (``starts``, sorted code-point
        offsets into ``low``) holding the start of an occurrence of a pattern of each set."""
        cdef Py_ssize_t m = len(starts), n = PyUnicode_GET_LENGTH(low), i, nkeys = 0
        cdef int kind = PyUnicode_KIND(low)
        cdef void *data = PyUnicode_DATA(low)
        cdef long long *st = NULL
        cdef unsigned char *flags = NULL
        cdef uint64_t *keys = NULL
        cdef Py_ssize_t nsets = self.maxsid + 1
        cdef dict out
        if m == 0 or n == 0 or self.npat == 0:
            return {s: [] for s in self.sids}
        st = <long long *>malloc((m + 1) * sizeof(long long))
        flags = <unsigned char *>calloc(nsets * m, 1)
        if not st or not flags:
            free(st); free(flags)
            raise MemoryError()
        try:
            for i in range(m):
                st[i] = starts[i]
                if i and st[i] <= st[i - 1]:
                    raise ValueError("starts are not increasing")
            st[m] = n + 1  # (no block starts there: the last block runs to the end)
            if kind == 1:
                keys = self._run(<uint8_t *>data, n, st, m, flags, &nkeys)
            elif kind == 2:
                keys = self._run(<uint16_t *>data, n, st, m, flags, &nkeys)
            else:
                keys = self._run(<uint32_t *>data, n, st, m, flags, &nkeys)
            if keys == NULL:
                raise MemoryError()
            out = _sets_of_keys(keys, nkeys, m, self.sids)
        finally:
            free(st)
            free(flags)
            free(keys)
        return out

    cdef uint64_t *_run(self, char_t *s, Py_ssize_t n, long long *st, Py_ssize_t m,
                        unsigned char *flags, Py_ssize_t *nkeys) noexcept:
        """The automaton over ``s``'s UTF-8 (``st``: the ``m`` blocks' starts, then a
        stop past the end); each (set, block) hit once in ``flags`` and, as
        ``set * m + block``, in the returned keys (``*nkeys`` of them; NULL when out of
        memory)."""
        cdef const int32_t *delta = self.delta
        cdef const uint16_t *cls = self.cls
        cdef Py_ssize_t ncls = self.ncls
        cdef Py_ssize_t ring[_RING]  # code-point index of each of the last bytes
        cdef unsigned char buf[4]
        cdef Py_ssize_t i, kc = 0, bpos = 0, cap = 64, count = 0
        cdef long long nextb = st[1]
        cdef int nb, t
        cdef int32_t row = 0, nx
        cdef uint32_t c
        cdef uint64_t *keys = <uint64_t *>malloc(cap * sizeof(uint64_t))
        if keys == NULL:
            return NULL
        for i in range(n):
            c = s[i]
            if i >= nextb:  # the next block (or blocks, for a line of no character)
                while kc + 1 < m and st[kc + 1] <= i:
                    kc += 1
                nextb = st[kc + 1]
            if c < 0x80:  # (most characters: one byte, without the loop below, which
                # costs this scan about a third more instructions when it takes them too)
                ring[bpos & (_RING - 1)] = i
                nx = delta[row + cls[c]]
                bpos += 1
                if nx >= 0:
                    row = nx
                    continue
                row = -nx - 1
                keys = self._hits(row, bpos - 1, ring, st, kc, m, flags, keys, &count, &cap)
                if keys == NULL:
                    return NULL
                continue
            if c < 0x800:
                buf[0] = <unsigned char>(0xC0 | (c >> 6))
                buf[1] = <unsigned char>(0x80 | (c & 0x3F))
                nb = 2
            elif c < 0x10000:  # (a surrogate too, as "surrogatepass" writes it)
                buf[0] = <unsigned char>(0xE0 | (c >> 12))
                buf[1] = <unsigned char>(0x80 | ((c >> 6) & 0x3F))
                buf[2] = <unsigned char>(0x80 | (c & 0x3F))
                nb = 3
            else:
                buf[0] = <unsigned char>(0xF0 | (c >> 18))
                buf[1] = <unsigned char>(0x80 | ((c >> 12) & 0x3F))
                buf[2] = <unsigned char>(0x80 | ((c >> 6) & 0x3F))
                buf[3] = <unsigned char>(0x80 | (c & 0x3F))
                nb = 4
            for t in range(nb):
                ring[bpos & (_RING - 1)] = i
                nx = delta[row + cls[buf[t]]]
                bpos += 1
                if nx >= 0:
                    row = nx
                    continue
                row = -nx - 1
                keys = self._hits(row, bpos - 1, ring, st, kc, m, flags, keys, &count, &cap)
                if keys == NULL:
                    return NULL
        nkeys[0] = count
        return keys

    cdef inline uint64_t *_hits(self, int32_t row, Py_ssize_t bpos, Py_ssize_t *ring, long long *st,
                                Py_ssize_t kc, Py_ssize_t m, unsigned char *flags, uint64_t *keys,
                                Py_ssize_t *count, Py_ssize_t *cap) noexcept:
        """File the patterns that end at byte ``bpos`` in state ``row`` (see :meth:`_run`)."""
        cdef Py_ssize_t state = row // self.ncls, o, k, q, key
        cdef Py_ssize_t start
        cdef int p
        cdef uint64_t *grown
        for o in range(self.out_off[state], self.out_off[state + 1]):
            p = self.out_pat[o]
            start = ring[(bpos + 1 - self.plen[p]) & (_RING - 1)]
            # bisect_right(starts, start) - 1, at least 0: from the current block back
            k = kc
            while k > 0 and st[k] > start:
                k -= 1
            for q in range(self.own_off[p], self.own_off[p + 1]):
                key = self.own[q] * m + k
                if not flags[key]:
                    flags[key] = 1
                    if count[0] == cap[0]:
                        cap[0] *= 2
                        grown = <uint64_t *>realloc(keys, cap[0] * sizeof(uint64_t))
                        if grown == NULL:
                            free(keys)
                            return NULL
                        keys = grown
                    keys[count[0]] = <uint64_t>key
                    count[0] += 1
        return keys


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


# normal_text's classes of the first 256 code points: what the chain of fixers does with each
cdef enum:
    _NT_KEEP = 0   # a character of the text (every Latin-1 one NFC keeps: it combines with nothing)
    _NT_SPACE = 1  # collapse_spaces' horizontal space: space, tab, NBSP
    _NT_LF = 2     # a line break
    _NT_CR = 3     # fix_line_endings: CR, or CR LF, is a line break
    _NT_DROP = 4   # remove_control_chars: C0 (but tab and line feed), DEL, C1
cdef uint8_t _NT_CLASS[256]
for _i in range(256):
    _NT_CLASS[_i] = (_NT_SPACE if _i in (32, 9, 0xA0) else _NT_LF if _i == 10 else _NT_CR if _i == 13
                     else _NT_DROP if _i < 32 or 0x7F <= _i <= 0x9F else _NT_KEEP)


cdef Py_ssize_t _normal_text(char_t *s, Py_ssize_t n, char_t *out, const uint8_t *bits) noexcept nogil:
    # normal_text's pass; returns the output's length, or -1 at a code point that NFC
    # might change (out: room for n + 1 characters; bits marks all of Latin-1)
    cdef Py_ssize_t i = 0, j = 0, nl = 0
    cdef bint started = False, content = False, hpend = False
    cdef uint32_t c  # (a number, not a character)
    cdef uint8_t k
    while i < n:
        c = s[i]
        i += 1
        if c < 256:
            k = _NT_CLASS[c]
        # above Latin-1: fix_line_endings' separators, remove_zero_width's characters,
        # collapse_spaces' other spaces, and normalise_unicode: a text of code points
        # that NFC keeps whatever surrounds them is in NFC
        elif c == 0x2028 or c == 0x2029:
            k = _NT_LF
        elif c == 0x200B or c == 0x2060 or c == 0xFEFF:
            k = _NT_DROP
        elif c > 0xFFFF or ((bits[c >> 3] >> (c & 7)) & 1) == 0:
            return -1
        elif (0x2000 <= c <= 0x200A) or c == 0x202F or c == 0x205F:
            k = _NT_SPACE
        else:
            k = _NT_KEEP
        if k == _NT_KEEP:
            # collapse_blank_lines: at most one empty line between two lines, none first
            if not content:
                if started:
                    out[j] = 10
                    j += 1
                    if nl >= 2:
                        out[j] = 10
                        j += 1
                started = True
                content = True
                nl = 0
            elif hpend:  # collapse_spaces: an inner run of spaces is one space
                out[j] = 32
                j += 1
                hpend = False
            out[j] = <char_t>c
            j += 1
            # the rest of a run of Latin-1 characters of the text (most of it), copied
            while i < n and s[i] < 256 and _NT_CLASS[s[i]] == _NT_KEEP:
                out[j] = s[i]
                j += 1
                i += 1
        elif k == _NT_SPACE:
            if content:  # (a run at a line's start or end goes)
                hpend = True
        elif k == _NT_LF or k == _NT_CR:
            if k == _NT_CR and i < n and s[i] == 10:
                i += 1
            nl += 1
            content = False
            hpend = False
        # (_NT_DROP: nothing)
    if started:  # one line break last
        out[j] = 10
        j += 1
    return j


def normal_text(str text, bytes bits):
    """The default chain of fixers before detection, without an edit log, in one pass:
    ``fix_line_endings``, ``remove_control_chars``, ``remove_zero_width``,
    ``normalise_unicode`` (NFC), ``collapse_spaces`` and ``collapse_blank_lines`` one
    after the other give the same string.  None when a code point of the text, once
    the line endings, controls and zero-width characters are dealt with, is one that
    ``bits`` (:func:`nfc_stable`'s bitmap) does not mark: NFC might change the text, and
    the caller runs the chain.

    >>> bits = bytearray(8192); bits[:32] = b"\\xff" * 32  # Latin-1
    >>> normal_text("\\n  A \\t b\\r\\n\\r\\n\\r\\nc\\x00d\\u200b  \\n", bytes(bits)), normal_text("e\\u0301", bytes(bits))
    ('A b\\n\\ncd\\n', None)
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), m
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef void *out
    cdef bint latin1
    cdef const uint8_t *b = _stable_bits(bits, &latin1)
    if not latin1:  # (the pass does not look Latin-1 up, which NFC keeps in every version)
        return None
    out = malloc((n + 1) * kind)  # every character kept, and a final line break
    if not out:
        raise MemoryError()
    try:
        if kind == 1:
            m = _normal_text(<uint8_t *>data, n, <uint8_t *>out, b)
        elif kind == 2:
            m = _normal_text(<uint16_t *>data, n, <uint16_t *>out, b)
        else:
            m = _normal_text(<uint32_t *>data, n, <uint32_t *>out, b)
        if m < 0:
            return None
        if m == n and memcmp(out, data, n * kind) == 0:
            return text
        return PyUnicode_FromKindAndData(kind, out, m)  # (in the narrowest kind that holds it)
    finally:
        free(out)


# ---------------------------------------------------------------- document lines
cdef extern from *:
    """
    /* The first a' >= a (a' <= n) such that no line break lies in s[a:a'] and s[a':a'+4]
       may hold one: four UTF-16 code units a step, tested for 0x000A at once (a lane
       is zero in x ^ 0x000A...; the "has a zero lane" test has no false negatives, and
       its rare false positives only stop the skip early) */
    static Py_ssize_t cleaner_skip_to_nl16(const uint16_t *s, Py_ssize_t a, Py_ssize_t n) {
        uint64_t x;
        while (a + 4 <= n) {
            memcpy(&x, s + a, 8);
            x ^= 0x000A000A000A000AULL;
            if ((x - 0x0001000100010001ULL) & ~x & 0x8000800080008000ULL) break;
            a += 4;
        }
        return a;
    }
    """
    Py_ssize_t cleaner_skip_to_nl16(const uint16_t *s, Py_ssize_t a, Py_ssize_t n) noexcept nogil


cdef inline Py_ssize_t _line_end(int kind, void *data, Py_ssize_t a, Py_ssize_t n) noexcept nogil:
    # the first "\n" at or after a, or n
    cdef const void *p
    cdef const uint16_t *s2
    cdef const uint32_t *s4
    if kind == 1:
        p = memchr(<const char *>data + a, 10, n - a) if a < n else NULL
        return n if p == NULL else <const char *>p - <const char *>data
    if kind == 2:
        s2 = <const uint16_t *>data
        a = cleaner_skip_to_nl16(s2, a, n)  # four code units a step, to the word that holds one
        while a < n and s2[a] != 10:
            a += 1
        return a
    s4 = <const uint32_t *>data
    while a < n and s4[a] != 10:
        a += 1
    return a


cdef extern from *:
    """
    /* block_type((a, b, s)) as tuple.__new__ makes it for a subclass of tuple (its
       tp_alloc, then the three items), without the argument tuple and the call */
    static PyObject *cleaner_new_block(PyObject *type, Py_ssize_t a, Py_ssize_t b, PyObject *s) {
        PyTypeObject *t = (PyTypeObject *)type;
        PyObject *o = t->tp_alloc(t, 3), *x;
        if (!o) return NULL;
        if (!(x = PyLong_FromSsize_t(a))) { Py_DECREF(o); return NULL; }
        PyTuple_SET_ITEM(o, 0, x);
        if (!(x = PyLong_FromSsize_t(b))) { Py_DECREF(o); return NULL; }
        PyTuple_SET_ITEM(o, 1, x);
        Py_INCREF(s);
        PyTuple_SET_ITEM(o, 2, s);
        /* Two ints and a str, in an immutable tuple with no other field (the caller
           checked the size): no reference cycle can ever pass through it, so the cycle
           collector need not follow it (CPython untracks such an exact tuple the first
           time a collection sees it; a subclass it leaves tracked).  A page has hundreds
           of blocks, alive across young collections: tracked, they were most of what
           those collections walked, and most of what they promoted to the old
           generation, which sets off the full collections. */
        if (PyUnicode_CheckExact(s) && PyObject_GC_IsTracked(o))
            PyObject_GC_UnTrack(o);
        return o;
    }
    """
    object cleaner_new_block(object type, Py_ssize_t a, Py_ssize_t b, object s)


cdef bint _plain_tuple_type(block_type):
    # a plain subclass of tuple (a namedtuple: no other field), whose instances
    # cleaner_new_block makes directly, as tuple.__new__ would
    return (type(block_type) is type and issubclass(block_type, tuple)
            and (<object>block_type).__itemsize__ == tuple.__itemsize__
            and (<object>block_type).__basicsize__ == tuple.__basicsize__)


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
    cdef bint direct = _plain_tuple_type(block_type)
    while a <= n:
        b = _line_end(kind, data, a, n)
        if b > a:
            c = _read(kind, data, a)
            keep = c != 32 and c != 9  # a line starting otherwise is kept (as `line[0] not in " \t"`)
            if not keep:
                for k in range(a + 1, b):  # ... else unless it is all whitespace (str.isspace)
                    if not Py_UNICODE_ISSPACE(_read(kind, data, k)):
                        keep = True
                        break
            if keep:
                if direct:
                    out.append(cleaner_new_block(block_type, a, b, text[a:b]))
                else:
                    out.append(new(block_type, (a, b, text[a:b])))
        a = b + 1
    return out


def shifted_blocks(list blocks, list pieces, block_type):
    """The blocks of the text that ``pieces`` of a first text make (``"".join(text[a:b]
    for a, b in pieces)``), from the first text's ``blocks``, when the pieces are whole
    lines of it (sorted, disjoint): each block that starts inside a piece, moved to its
    place in the joined text, with the same line (the same ``str``).  Returns ``(blocks,
    indexes of the kept blocks among the first ones)``, or None when a block crosses a
    piece's end (the pieces are not whole lines: the caller reads the joined text).

    >>> from collections import namedtuple
    >>> B = namedtuple("B", "start end text")
    >>> first = block_list("ab\\n| |\\ncd\\n\\nef", B)
    >>> shifted_blocks(first, [(0, 3), (7, 13)], B) == (block_list("ab\\ncd\\n\\nef", B), [0, 2, 3])
    True
    >>> shifted_blocks(first, [(0, 1)], B) is None
    True
    """
    cdef Py_ssize_t m = len(blocks), i = 0, a, b, acc = 0, bs, be, prev_end = 0
    cdef list out = []
    cdef list kept = []
    cdef tuple blk
    new = tuple.__new__
    cdef bint direct = _plain_tuple_type(block_type)
    for piece in pieces:
        a, b = piece
        if a < prev_end or b < a:
            return None  # not sorted and disjoint
        prev_end = b
        while i < m and <Py_ssize_t>_block(blocks[i])[0] < a:
            i += 1
        while i < m:
            blk = _block(blocks[i])
            bs = blk[0]
            if bs >= b:
                break
            be = blk[1]
            if be > b:
                return None  # a line cut by the piece's end
            if direct:
                out.append(cleaner_new_block(block_type, bs - a + acc, be - a + acc, blk[2]))
            else:
                out.append(new(block_type, (bs - a + acc, be - a + acc, blk[2])))
            kept.append(i)
            i += 1
        acc += b - a
    return out, kept


# ---------------------------------------------------------------- pipeline spans
cdef struct _SpanKey:  # merge_spans' sort key (start, -end), and the place in the input
    Py_ssize_t start
    Py_ssize_t neg_end
    Py_ssize_t idx


cdef int _by_start_longest(const void *a, const void *b) noexcept nogil:
    cdef const _SpanKey *x = <const _SpanKey *>a
    cdef const _SpanKey *y = <const _SpanKey *>b
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    if x.neg_end != y.neg_end:
        return -1 if x.neg_end < y.neg_end else 1
    return -1 if x.idx < y.idx else (1 if x.idx > y.idx else 0)  # a stable sort


cdef extern from *:
    """
    #include <structmember.h>
    /* Where a __slots__ member descriptor keeps its object in an instance (-1 unless it
       is an object slot, T_OBJECT_EX: empty means unset) */
    static Py_ssize_t cleaner_slot_offset(PyObject *descr) {
        PyMemberDef *m;
        if (Py_TYPE(descr) != &PyMemberDescr_Type) return -1;
        m = ((PyMemberDescrObject *)descr)->d_member;
        if (m->type != T_OBJECT_EX || (m->flags & READONLY)) return -1;
        return m->offset;
    }
    /* The exact int in the slot at ``off`` of ``o`` as a Py_ssize_t, or -1 when the slot
       is empty, holds anything else, or a negative or too large int (the caller then
       reads the attribute, as before, and meets the same value or error) */
    static Py_ssize_t cleaner_slot_ssize(PyObject *o, Py_ssize_t off) {
        PyObject *v = *(PyObject **)((char *)o + off);
        Py_ssize_t x;
        if (v == NULL || !PyLong_CheckExact(v)) return -1;
        x = PyLong_AsSsize_t(v);
        if (x < 0) { PyErr_Clear(); return -1; }
        return x;
    }
    /* the object in the slot at ``off`` of ``o`` (borrowed), or NULL when it is empty */
    static PyObject *cleaner_slot_get(PyObject *o, Py_ssize_t off) {
        return *(PyObject **)((char *)o + off);
    }
    """
    Py_ssize_t cleaner_slot_offset(object descr)
    Py_ssize_t cleaner_slot_ssize(object o, Py_ssize_t off)
    PyObject *cleaner_slot_get(object o, Py_ssize_t off)


# The span type _span_descriptors looked at last, its answer, and where its ``start``
# and ``end`` slots lie in an instance (-1: not read from the slots).  The type is held
# (a strong reference), so the identity test in _offsets cannot match another type.
cdef object _held_type = None
cdef list _held = None
cdef Py_ssize_t _off_start = -1, _off_end = -1
cdef Py_ssize_t _off_detector = -1, _off_reason = -1


cdef inline object _span_field(s, Py_ssize_t off, str name):
    # getattr(s, name), from the slot at ``off`` when s is of the held type and the slot
    # is set (another type, or an empty slot: the attribute, with its error)
    cdef PyObject *v
    if off >= 0 and type(s) is _held_type:
        v = cleaner_slot_get(s, off)
        if v != NULL:
            return <object>v
    return getattr(s, name)


cdef bint _offsets(s, Py_ssize_t *start, Py_ssize_t *end) except -1:
    # a span's start and end as machine ints; False when either is not an int that
    # fits (the callers then hand the whole list back to the Python loop).  A span of
    # the type whose slots _span_descriptors read last is read from its slots (two
    # attribute lookups cost more than the rest of a span loop); any other object, or
    # a value that is not an exact int that fits, through its attributes.
    cdef Py_ssize_t a, b
    if _off_start >= 0 and type(s) is _held_type:
        a = cleaner_slot_ssize(s, _off_start)
        if a != -1:
            b = cleaner_slot_ssize(s, _off_end)
            if b != -1:
                start[0] = a
                end[0] = b
                return True
    try:
        start[0] = s.start
        end[0] = s.end
    except (TypeError, OverflowError):
        return False
    return True


cdef int _by_start_end(const void *a, const void *b) noexcept nogil:
    # (start, end), then the place in the input: a stable sort by (start, end)
    cdef const _SpanKey *x = <const _SpanKey *>a
    cdef const _SpanKey *y = <const _SpanKey *>b
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    if x.neg_end != y.neg_end:  # (here the end itself)
        return -1 if x.neg_end < y.neg_end else 1
    return -1 if x.idx < y.idx else (1 if x.idx > y.idx else 0)


ctypedef int (*_key_order)(const void *, const void *) noexcept nogil


cdef int _sort_runs(_SpanKey *keys, Py_ssize_t n, _key_order cmp) except -1:
    # keys sorted by ``cmp`` (a total order: the input place breaks ties).  The pipeline
    # hands over each detector's spans in order, one list after another (and merges
    # spans it has just sorted): the runs already in order are merged pairwise,
    # O(n log runs), none when there is one; more than 32 runs, qsort.
    cdef Py_ssize_t runs[34]
    cdef Py_ssize_t merged[34]
    cdef Py_ssize_t nr = 1, i, k, lo, mid, hi, x, y, o, nm
    cdef _SpanKey *tmp
    runs[0] = 0
    for i in range(1, n):
        if cmp(&keys[i - 1], &keys[i]) > 0:
            if nr == 32:
                qsort(keys, n, sizeof(_SpanKey), cmp)
                return 0
            runs[nr] = i
            nr += 1
    if nr == 1:
        return 0
    runs[nr] = n
    tmp = <_SpanKey *>malloc(n * sizeof(_SpanKey))
    if tmp == NULL:
        raise MemoryError()
    try:
        while nr > 1:
            nm = 0
            k = 0
            while k < nr:
                lo = runs[k]
                mid = runs[k + 1]
                hi = runs[k + 2] if k + 1 < nr else mid
                x, y, o = lo, mid, lo
                while x < mid and y < hi:
                    if cmp(&keys[x], &keys[y]) <= 0:
                        tmp[o] = keys[x]
                        x += 1
                    else:
                        tmp[o] = keys[y]
                        y += 1
                    o += 1
                while x < mid:
                    tmp[o] = keys[x]
                    x += 1
                    o += 1
                while y < hi:
                    tmp[o] = keys[y]
                    y += 1
                    o += 1
                merged[nm] = lo
                nm += 1
                k += 2
            merged[nm] = n
            memcpy(keys, tmp, n * sizeof(_SpanKey))
            for k in range(nm + 1):
                runs[k] = merged[k]
            nr = nm
    finally:
        free(tmp)
    return 0


def sort_spans(list spans):
    """``sorted(spans, key=attrgetter("start", "end"))`` (a stable sort, the pipeline's
    order of raw spans), without a key tuple made per span.  None when an offset is not
    an int that fits a ``Py_ssize_t`` (the caller then sorts in Python).

    >>> from collections import namedtuple
    >>> S = namedtuple("S", "start end detector reason")
    >>> sort_spans([S(5, 9, "b", ""), S(0, 6, "a", ""), S(5, 7, "c", ""), S(5, 9, "a", "")])
    [S(start=0, end=6, detector='a', reason=''), S(start=5, end=7, detector='c', reason=''), S(start=5, end=9, detector='b', reason=''), S(start=5, end=9, detector='a', reason='')]
    """
    cdef Py_ssize_t n = len(spans), i, start, end
    cdef _SpanKey *keys
    cdef list out
    if n < 2:
        return list(spans)
    keys = <_SpanKey *>malloc(n * sizeof(_SpanKey))
    if keys == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            if not _offsets(spans[i], &start, &end):
                return None
            keys[i].start = start
            keys[i].neg_end = end
            keys[i].idx = i
        _sort_runs(keys, n, _by_start_end)
        out = [None] * n
        for i in range(n):
            out[i] = spans[keys[i].idx]
        return out
    finally:
        free(keys)


#: a merged span with more reasons than this looks them up in a set (page_furniture
#: reports one reason a line: a run of hundreds of lines is one span)
cdef Py_ssize_t _MANY_REASONS = 16


def merge_spans(list spans, Py_ssize_t length, span_type):
    """``cleaner.pipeline.merge_spans(spans, length)``: the same list, with the same
    objects where the Python loop passes a span on as it is.  None when an offset is
    not an int that fits a ``Py_ssize_t`` (the caller then runs the Python loop).

    >>> from collections import namedtuple
    >>> S = namedtuple("S", "start end detector reason")
    >>> merge_spans([S(5, 9, "b", "y"), S(0, 6, "a", "x"), S(20, 25, "a", "z"), S(24, 40, "a", "z")], 30, S)
    [S(start=0, end=9, detector='a+b', reason='x; y'), S(start=20, end=30, detector='a', reason='z')]
    """
    cdef Py_ssize_t n = len(spans), m = 0, i, start, end, a, b, cur_end
    cdef _SpanKey *keys = NULL
    cdef list clean = []
    cdef list out = []
    cdef list dets = None, reasons = None
    cdef set seen = None  # ``reasons`` as a set, once it is long (no quadratic ``in``)
    cdef list held  # span_type's field descriptors, when merged spans can be made without __init__
    if n == 0:
        return out
    held = _span_descriptors(span_type)
    keys = <_SpanKey *>malloc(n * sizeof(_SpanKey))
    if keys == NULL:
        raise MemoryError()
    try:
        for s in spans:
            if not _offsets(s, &start, &end):
                return None
            if start < 0 or end > length:  # clipped to [0, length]
                a = start if start > 0 else 0
                b = end if end < length else length
                if b > a:
                    s = span_type(s.start if start > 0 else 0, s.end if end < length else length,
                                  s.detector, s.reason)  # (rare: an offset out of the text)
                else:
                    continue
            elif end <= start:
                continue
            else:
                a, b = start, end
            keys[m].start = a
            keys[m].neg_end = -b
            keys[m].idx = m
            clean.append(s)
            m += 1
        if m == 0:
            return out
        # (the pipeline hands them over sorted by start, most often with no two alike:
        # then already in this order, one run)
        _sort_runs(keys, m, _by_start_longest)
        cur = clean[keys[0].idx]
        cur_end = -keys[0].neg_end
        cur_end_obj = _span_field(cur, _off_end, "end")
        for i in range(1, m):
            s = clean[keys[i].idx]
            if keys[i].start <= cur_end:
                if dets is None:
                    dets = [_span_field(cur, _off_detector, "detector")]
                    reasons, seen = [_span_field(cur, _off_reason, "reason")], None
                d = _span_field(s, _off_detector, "detector")
                if d not in dets:
                    dets.append(d)
                r = _span_field(s, _off_reason, "reason")
                if seen is not None:
                    if r not in seen:
                        seen.add(r)
                        reasons.append(r)
                elif r not in reasons:
                    reasons.append(r)
                    if len(reasons) > _MANY_REASONS:
                        seen = set(reasons)
                if -keys[i].neg_end > cur_end:
                    cur_end = -keys[i].neg_end
                    cur_end_obj = _span_field(s, _off_end, "end")
            else:
                out.append(cur if dets is None else
                           _make_span(span_type, held, cur.start, cur_end_obj, "+".join(dets), "; ".join(reasons)))
                cur, cur_end, cur_end_obj, dets = s, -keys[i].neg_end, _span_field(s, _off_end, "end"), None
        out.append(cur if dets is None else
                   _make_span(span_type, held, cur.start, cur_end_obj, "+".join(dets), "; ".join(reasons)))
        return out
    finally:
        free(keys)


def kept_pieces(str text, spans):
    """``cleaner.pipeline.kept_pieces(text, spans)``: the ``(start, end)`` pieces of
    ``text`` that deleting ``spans`` keeps (a span of whole lines takes its line break
    with it).  None when an offset lies outside ``[0, len(text)]`` or is not an int
    that fits (the caller then runs the Python loop, with Python's indexing).

    >>> from collections import namedtuple
    >>> S = namedtuple("S", "start end")
    >>> kept_pieces("keep\\n| |\\nkeep too\\n", [S(5, 8)])
    [(0, 5), (9, 18)]
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), pos = 0, start, end
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef list pieces = []
    for s in spans:
        if not _offsets(s, &start, &end):
            return None
        if start < 0 or start > n or end < 0 or end > n:
            return None
        if (start == 0 or _read(kind, data, start - 1) == 10) and (end == n or _read(kind, data, end) == 10):
            if end < n:
                end += 1
            elif start > 0:
                start -= 1
        if start > pos:
            pieces.append((pos, start))
        if end > pos:
            pos = end
    if pos < n:
        pieces.append((pos, n))
    return pieces


cdef inline Py_ssize_t _bisect_left(const long long *st, Py_ssize_t lo, Py_ssize_t hi, long long x) noexcept nogil:
    """``bisect.bisect_left(st, x, lo, hi)`` over a sorted C array."""
    cdef Py_ssize_t mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if st[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def carry_blocks(dict cands, list starts, list pieces, Py_ssize_t nblocks):
    """``_TriggerIndex.carry``'s mapping: the candidate blocks ``cands`` (``{set id:
    sorted block indexes}`` of a first text whose blocks start at ``starts``) as indexes
    among the blocks that start inside ``pieces`` (sorted, disjoint ``(start, end)``
    pieces of that text), in order.  False when those blocks are not ``nblocks`` (the
    caller then scans); None when the pieces are not in order or an index is out of
    range (the caller then runs the Python loop).

    >>> carry_blocks({0: [0, 2, 3], 1: [1]}, [0, 5, 9, 14], [(0, 5), (9, 20)], 3)
    {0: [0, 1, 2], 1: []}
    >>> carry_blocks({0: [0]}, [0, 5], [(0, 5)], 2)
    False
    """
    cdef Py_ssize_t m = len(starts), i, lo, a, b, n = 0, prev = 0, k
    cdef long long *st = NULL
    cdef Py_ssize_t *new = NULL
    cdef dict out = {}
    cdef list blk, lst
    st = <long long *>malloc((m + 1) * sizeof(long long))
    new = <Py_ssize_t *>malloc((m + 1) * sizeof(Py_ssize_t))
    if not st or not new:
        free(st); free(new)
        raise MemoryError()
    try:
        for i in range(m):
            st[i] = starts[i]
            new[i] = -1
        for piece in pieces:
            a, b = piece
            i = _bisect_left(st, 0, m, a)  # bisect_left(starts, a)
            lo = _bisect_left(st, i, m, b)  # bisect_left(starts, b) (not before a's)
            if i < prev:
                return None  # pieces out of order: the Python loop decides
            while i < lo:
                new[i] = n
                n += 1
                i += 1
            if lo > prev:
                prev = lo
        if n != nblocks:
            return False
        for sid, blk in cands.items():
            lst = []
            for obj in blk:
                k = obj
                if k < 0 or k >= m:
                    return None
                if new[k] >= 0:
                    lst.append(new[k])
            out[sid] = lst
    finally:
        free(st)
        free(new)
    return out


def whole_lines(str text, spans):
    """``cleaner.pipeline._whole_lines(text, spans)``: does every span start at a line
    start and end at a line end?  None when an offset is one that the Python test
    would read with a negative index or past the end (it runs then).

    >>> from collections import namedtuple
    >>> S = namedtuple("S", "start end")
    >>> whole_lines("a\\nbb\\nc", [S(2, 4)]), whole_lines("a\\nbb\\nc", [S(3, 4)])
    (True, False)
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), a, b
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    for s in spans:
        if not _offsets(s, &a, &b):
            return None
        if a < 0 or a > n or b < 1 or b > n:
            return None
        if not ((a == 0 or _read(kind, data, a - 1) == 10)
                and (b == n or _read(kind, data, b) == 10 or _read(kind, data, b - 1) == 10)):
            return False
    return True


def label_chars(spans):
    """``{span.detector: characters}`` over ``spans``, the labels in order of first
    appearance (``cleaner.runner._count_spans``' first loop); None when an offset is not
    an int that fits (the Python loop then runs).

    >>> from collections import namedtuple
    >>> S = namedtuple("S", "start end detector")
    >>> label_chars([S(0, 5, "a+b"), S(6, 8, "c"), S(9, 10, "a+b")])
    {'a+b': 6, 'c': 2}
    """
    cdef dict out = {}
    cdef Py_ssize_t a, b
    for s in spans:
        if not _offsets(s, &a, &b):
            return None
        label = _span_field(s, _off_detector, "detector")
        got = out.get(label)
        out[label] = b - a if got is None else got + (b - a)
    return out


def json_colons(bytes raw):
    """The colons of ``raw`` outside JSON strings: in valid JSON, the members of its
    objects at every depth (a colon outside a string is a name separator, and only
    that).  -1 when a string is not closed.

    >>> json_colons(b'{"a": "x:y", "b": {"c": 1}, "d": ":"}'), json_colons(b'{"a": "open')
    (4, -1)
    """
    cdef const unsigned char *p = <const unsigned char *>PyBytes_AS_STRING(raw)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(raw), i = 0, count = 0
    cdef unsigned char c
    with nogil:
        while i < n:
            c = p[i]
            if c == 34:  # '"': skip the string, its escapes two bytes at a time
                i += 1
                while i < n:
                    c = p[i]
                    if c == 92:  # '\\'
                        i += 2
                    elif c == 34:
                        break
                    else:
                        i += 1
                if i >= n:
                    count = -1
                    break
            elif c == 58:  # ':'
                count += 1
            i += 1
    return count


cdef extern from *:
    """
    /* One span: the type's tp_alloc (zeroed slots, as object.__new__ gives), then each
       field set through its slot's descriptor, as a frozen dataclass's __init__ does
       with object.__setattr__ (an object slot written directly, as that descriptor
       would) */
    static PyObject *cleaner_new_span(PyObject *type, PyObject *const *descrs, PyObject *const *vals) {
        PyTypeObject *t = (PyTypeObject *)type;
        PyObject *o = t->tp_alloc(t, 0);
        int i;
        if (!o) return NULL;
        for (i = 0; i < 4; i++) {
            PyObject *d = descrs[i];
            Py_ssize_t off = cleaner_slot_offset(d);
            if (off >= 0) {
                /* an object slot: what its descriptor's set does (PyMember_SetOne),
                   written here (the slot of a new object is empty) */
                PyObject **slot = (PyObject **)((char *)o + off);
                PyObject *old = *slot;
                Py_INCREF(vals[i]);
                *slot = vals[i];
                Py_XDECREF(old);
                continue;
            }
            if (Py_TYPE(d)->tp_descr_set(d, o, vals[i]) < 0) {
                Py_DECREF(o);
                return NULL;
            }
        }
        /* Two exact ints and two exact strs in a frozen dataclass with these four slots
           only: nothing it holds can refer back to it, so the cycle collector need
           not follow it (as for a block, cleaner_new_block). */
        if (PyLong_CheckExact(vals[0]) && PyLong_CheckExact(vals[1]) && PyUnicode_CheckExact(vals[2])
                && PyUnicode_CheckExact(vals[3]) && PyObject_GC_IsTracked(o))
            PyObject_GC_UnTrack(o);
        return o;
    }
    """
    object cleaner_new_span(object type, PyObject **descrs, PyObject **vals)


_SPAN_FIELDS = ("start", "end", "detector", "reason")


cdef list _span_descriptors(span_type):
    # The slot descriptors of ``span_type``'s four fields when it is a frozen dataclass
    # with exactly those ``__slots__`` and no ``__post_init__`` (its instances can then
    # be made by cleaner_new_span), else None.  Asked once a type in a row (the
    # pipeline's Span, every call).
    global _held_type, _held, _off_start, _off_end, _off_detector, _off_reason
    if span_type is _held_type:
        return _held
    d = getattr(span_type, "__dict__", {})
    held = None
    if not (type(span_type) is not type or getattr(span_type, "__slots__", None) != _SPAN_FIELDS
            or "__post_init__" in d
            or any(type(d.get(f)).__name__ != "member_descriptor" for f in _SPAN_FIELDS)
            or getattr(span_type, "__dataclass_params__", None) is None or not span_type.__dataclass_params__.frozen):
        held = [d[f] for f in _SPAN_FIELDS]
    _held_type, _held = span_type, held
    _off_start = _off_end = _off_detector = _off_reason = -1
    if held is not None:
        _off_start = cleaner_slot_offset(held[0])
        _off_end = cleaner_slot_offset(held[1])
        if _off_start < 0 or _off_end < 0:
            _off_start = _off_end = -1
        _off_detector = cleaner_slot_offset(held[2])
        _off_reason = cleaner_slot_offset(held[3])
    return held


cdef object _make_span(span_type, list held, start, end, detector, reason):
    # span_type(start, end, detector, reason), without its Python __init__ when ``held``
    # (its field descriptors, _span_descriptors) is given
    cdef PyObject *descrs[4]
    cdef PyObject *vals[4]
    cdef Py_ssize_t k
    if held is None:
        return span_type(start, end, detector, reason)
    for k in range(4):
        descrs[k] = <PyObject *>held[k]
    vals[0] = <PyObject *>start
    vals[1] = <PyObject *>end
    vals[2] = <PyObject *>detector
    vals[3] = <PyObject *>reason
    return cleaner_new_span(span_type, descrs, vals)


def make_spans(span_type, list idx, list starts, list ends, str name, list reasons):
    """``[span_type(starts[i], ends[i], name, reasons[k]) for k, i in enumerate(idx)]``
    for a frozen dataclass with ``__slots__`` ``(start, end, detector, reason)``, made
    without its Python ``__init__``: the same objects (equal, same hash, frozen).
    None for any other type (the caller then calls it).

    >>> from cleaner.document import Span
    >>> make_spans(Span, [1], [0, 5], [4, 9], "x", ["why"])
    [Span(start=5, end=9, detector='x', reason='why')]
    """
    cdef Py_ssize_t k, m = len(idx), i, n = len(starts)
    cdef PyObject *descrs[4]
    cdef PyObject *vals[4]
    cdef list out = []
    held = _span_descriptors(span_type)
    if held is None:
        return None
    if len(reasons) != m or len(ends) != n:
        raise ValueError("lengths differ")
    for k in range(4):
        descrs[k] = <PyObject *>held[k]
    vals[2] = <PyObject *>name
    for k in range(m):
        i = idx[k]
        if i < 0 or i >= n:
            raise ValueError("index out of range")
        a = starts[i]
        b = ends[i]
        r = reasons[k]
        vals[0] = <PyObject *>a
        vals[1] = <PyObject *>b
        vals[3] = <PyObject *>r
        out.append(cleaner_new_span(span_type, descrs, vals))
    return out


# ---------------------------------------------------------------- separators
cdef inline bint _in_str(str chars, Py_UCS4 c):
    return chars.find(chr(c)) != -1


def separator_lines(str text, str chars):
    """``[(start, end)]`` of every line of ``text`` (split at "\\n") made only of spaces,
    tabs and ``chars``, with at least one of ``chars``: the matches of the separators
    detector's ``(?m)^[ \\t]*C(?:[ \\t]*C)*[ \\t]*$`` (C the class of ``chars``), in
    one scan.

    >>> separator_lines("a\\n. | . |\\n  \\n* * *\\n-x-", "|.*-")
    [(2, 9), (13, 18)]
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), a = 0, i
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef unsigned char ascii[128]
    cdef Py_UCS4 c
    cdef bint ok, seen
    cdef list out = []
    cdef str wide = "".join([ch for ch in chars if ord(ch) >= 128])
    for i in range(128):
        ascii[i] = 0
    for ch in chars:
        if ord(ch) < 128:
            ascii[ord(ch)] = 1
    while a <= n:
        ok = True
        seen = False
        i = a
        while i < n:
            c = _read(kind, data, i)
            if c == 10:
                break
            if c < 128:
                if ascii[c]:
                    seen = True
                elif c != 32 and c != 9:
                    ok = False
            elif _in_str(wide, c):
                seen = True
            else:
                ok = False
            if not ok:
                i = _line_end(kind, data, i, n)
                break
            i += 1
        if ok and seen:
            out.append((a, i))
        a = i + 1
    return out


# ---------------------------------------------------------------- normalise fast path
cdef inline bint _odd(Py_UCS4 c) noexcept nogil:
    # cleaner.pipeline._ODD_CHAR: CR, C0/C1 controls but \\t... \\n, zero-width
    # characters, odd horizontal spaces and the tab
    if c < 0x20:
        return c != 10
    if c < 0x7f:
        return False
    if c <= 0x9f or c == 0xa0:
        return True
    return ((0x2000 <= c <= 0x200b) or c == 0x2028 or c == 0x2029 or c == 0x202f or c == 0x205f
            or c == 0x2060 or c == 0xfeff)


cdef bint _normal_scan(char_t *s, Py_ssize_t n) noexcept nogil:
    # no odd character, no "  ", "\\n ", " \\n" or "\\n\\n\\n" (normal_state's scan, one
    # string width at a time)
    cdef Py_ssize_t i
    cdef Py_UCS4 c, p1 = 0, p2 = 0
    for i in range(n):
        c = s[i]
        if _odd(c):
            return False
        if c == 32:
            if p1 == 32 or p1 == 10:  # "  " or "\\n "
                return False
        elif c == 10:
            if p1 == 32 or (p1 == 10 and p2 == 10):  # " \\n" or "\\n\\n\\n"
                return False
        p2 = p1
        p1 = c
    return True


def normal_state(str text):
    """``(as_is, with_newline)``: would none of the whitespace and control fixers change
    ``text``, and ``text + "\\n"``?  The character and spacing tests of
    ``cleaner.pipeline._already_normal`` (not its Unicode normal form), in one scan.

    >>> normal_state("a b\\n"), normal_state("a b"), normal_state("a  b\\n"), normal_state("a \\n")
    ((True, False), (False, True), (False, False), (False, False))
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_UCS4 first, last
    cdef bint clean
    if n == 0:
        return True, False
    first = _read(kind, data, 0)
    last = _read(kind, data, n - 1)
    if first == 10 or first == 32:
        return False, False
    if kind == 1:
        clean = _normal_scan(<uint8_t *>data, n)
    elif kind == 2:
        clean = _normal_scan(<uint16_t *>data, n)
    else:
        clean = _normal_scan(<uint32_t *>data, n)
    if not clean:
        return False, False
    # the end: one final newline, not after a blank line or a space
    as_is = last == 10 and not (n >= 2 and _read(kind, data, n - 2) == 10)
    return as_is, last != 10 and last != 32


cdef const uint8_t *_stable_bits(bytes bits, bint *latin1) except NULL:
    # The NFC bitmap's data, checked: 8,192 bytes that mark every ASCII code point (the
    # scans do not look ASCII up); ``latin1``: whether they mark all of Latin-1 too.
    cdef const uint8_t *b
    cdef Py_ssize_t j
    if bits is None or len(bits) != 8192:
        raise ValueError("bits must hold 8192 bytes")
    b = <const uint8_t *><const char *>bits
    for j in range(16):
        if b[j] != 0xFF:
            raise ValueError("bits must mark every ASCII code point")
    latin1[0] = True
    for j in range(16, 32):
        if b[j] != 0xFF:
            latin1[0] = False
            break
    return b


cdef bint _all_stable(char_t *s, Py_ssize_t n, const uint8_t *bits) noexcept nogil:
    cdef Py_ssize_t i
    cdef uint32_t c  # (a Py_UCS4 would be a character to Cython, not a number)
    for i in range(n):
        c = s[i]
        if c < 0x80:
            continue  # (ASCII: in every bitmap this module is given, and most of a text)
        if c > 0xFFFF or ((bits[c >> 3] >> (c & 7)) & 1) == 0:
            return False
    return True


def nfc_stable(str text, bytes bits):
    """Is every code point of ``text`` one that ``bits`` marks (a bitmap of the Basic
    Multilingual Plane, 8,192 bytes, code point c at bit ``c & 7`` of byte ``c >> 3``)?
    With ``cleaner.normalisers.unicode``'s bitmap of the code points that NFC keeps
    as they are and that combine with nothing before them, a True text is in NFC.

    >>> bits = bytearray(8192); bits[:16] = b"\\xff" * 16  # ASCII (which must be marked)
    >>> bits[0x4e2d >> 3] |= 1 << (0x4e2d & 7)
    >>> nfc_stable("a\\u4e2d", bytes(bits)), nfc_stable("a\\u00e9", bytes(bits)), nfc_stable("", bytes(bits))
    (True, False, True)
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef bint latin1
    cdef const uint8_t *b = _stable_bits(bits, &latin1)
    if kind == 1:
        if not latin1:
            return _all_stable(<uint8_t *>data, n, b)
        return True  # (every Latin-1 code point is marked)
    if kind == 2:
        return _all_stable(<uint16_t *>data, n, b)
    return _all_stable(<uint32_t *>data, n, b)


cdef list _nfc_regions(char_t *s, Py_ssize_t n, const uint8_t *b):
    cdef list out = []
    cdef Py_ssize_t i = 0, last = 0, a = -1, e = -1
    cdef uint32_t c  # (a Py_UCS4 would be a character to Cython, not a number)
    while i < n:
        c = s[i]
        if c < 0x10000 and (b[c >> 3] >> (c & 7)) & 1:
            last = i
            i += 1
            continue
        # an unstable code point: its region runs from the last marked one before it
        # (a starter it may compose with) to the next marked one
        i += 1
        while i < n:
            c = s[i]
            if c < 0x10000 and (b[c >> 3] >> (c & 7)) & 1:
                break
            i += 1
        if a >= 0 and last <= e:
            e = i  # (touches the region before: one region)
        else:
            if a >= 0:
                out.append((a, e))
            a, e = last, i
    if a >= 0:
        out.append((a, e))
    return out


def nfc_regions(str text, bytes bits):
    """The regions of ``text`` that NFC may change, as sorted ``(start, end)`` pairs
    that neither touch nor overlap: each unmarked code point (``bits``, as for
    :func:`nfc_stable`; every one above the Basic Multilingual Plane counts as
    unmarked) with the marked one before it, up to the next marked one.  A marked code
    point combines with nothing before it and reorders with nothing (its combining
    class is 0), so NFC of the text is the text with each region replaced by its own
    NFC (``normalisers.unicode.normalise_unicode``): only those regions go through
    ``unicodedata``.

    >>> bits = bytearray(8192); bits[:16] = b"\\xff" * 16
    >>> nfc_regions("cafe\\u0301 ok e\\u0301\\u0301x", bytes(bits)), nfc_regions("abc", bytes(bits))
    ([(3, 5), (9, 12)], [])
    >>> nfc_regions("\\u0301a\\u0301", bytes(bits))  # (from the text's start: nothing marked before)
    [(0, 3)]
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if len(bits) != 8192:
        raise ValueError("bits must hold 8192 bytes")
    cdef const uint8_t *b = <const uint8_t *><const char *>bits
    if kind == 1:
        return _nfc_regions(<uint8_t *>data, n, b)
    if kind == 2:
        return _nfc_regions(<uint16_t *>data, n, b)
    return _nfc_regions(<uint32_t *>data, n, b)


# ---------------------------------------------------------------- typo fixer: edit neighbours
# A word's deletions are hashed without making a string of each: a polynomial hash over the
# code points (H(s) = sum s[k] B^(len-1-k), mod 2^64) from the word's prefix and suffix
# hashes, then mixed with the length.  Hash clashes only cost a comparison: every hit is
# checked against the word itself.
cdef uint64_t _B = 0x9E3779B97F4A7C15ULL
cdef Py_ssize_t _NONE = 1 << 40  # "no position" for the deletions below (longer than any str)

cdef str _K_DEL = "deletion"
cdef str _K_INS = "insertion"
cdef str _K_SUB = "substitution"
cdef str _K_TRA = "transposition"


cdef inline uint64_t _key(uint64_t h, Py_ssize_t m) noexcept nogil:
    # the polynomial hash of a string of length m, mixed (splitmix64's finaliser)
    h ^= <uint64_t>m * 0xC2B2AE3D27D4EB4FULL
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    h *= 0xC4CEB9FE1A85EC53ULL
    h ^= h >> 33
    return h


cdef struct _Query:  # a word's prefix hashes and the powers of B up to its length
    uint64_t *pre  # pre[k] = H(s[:k])
    uint64_t *pw  # pw[k] = B^k
    uint64_t buf[2 * 66]
    Py_ssize_t n


cdef int _query_init(_Query *q, char_t *s, Py_ssize_t n) except -1:
    cdef Py_ssize_t k
    q.n = n
    if n <= 64:
        q.pre = q.buf
    else:
        q.pre = <uint64_t *>malloc(2 * (n + 1) * sizeof(uint64_t))
        if not q.pre:
            raise MemoryError()
    q.pw = q.pre + (n + 1)
    q.pre[0] = 0
    q.pw[0] = 1
    for k in range(n):
        q.pre[k + 1] = q.pre[k] * _B + <uint64_t>s[k]
        q.pw[k + 1] = q.pw[k] * _B
    return 0


cdef inline void _query_free(_Query *q) noexcept:
    if q.pre != q.buf:
        free(q.pre)


cdef inline uint64_t _span(_Query *q, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    # H(s[a:b])
    return q.pre[b] - q.pre[a] * q.pw[b - a]


cdef inline uint64_t _minus(_Query *q, Py_ssize_t p, Py_ssize_t r) noexcept nogil:
    """The mixed hash of s without positions p < r (either may be _NONE)."""
    cdef Py_ssize_t n = q.n
    cdef uint64_t h
    if p >= n:
        return _key(q.pre[n], n)
    if r >= n:
        return _key(q.pre[p] * q.pw[n - 1 - p] + _span(q, p + 1, n), n - 1)
    h = q.pre[p] * q.pw[n - 2 - p] + _span(q, p + 1, r) * q.pw[n - 1 - r] + _span(q, r + 1, n)
    return _key(h, n - 2)


cdef inline Py_ssize_t _at(Py_ssize_t t, Py_ssize_t p, Py_ssize_t r) noexcept nogil:
    # position in s of character t of s without positions p < r
    if t < p:
        return t
    if t + 1 < r:
        return t + 1
    return t + 2


cdef class DeletionIndex:
    """One-letter deletions of a word list -> the words (SymSpell's trick), for the typo
    fixer: the compiled twin of ``typos._DeletionIndex`` and of the searches that use it
    (``typos._neighbours1``, ``typos._rival2``).  A deletion is hashed from its word's
    prefix and suffix hashes (no string per deletion); entries sit in 2^k buckets of the
    hash's top bits, in word order, and every hit is checked letter by letter.

    >>> idx = DeletionIndex(["launch", "laugh", "latch", "lunch"], [400, 450, 300, 500])
    >>> sorted(idx.neighbours1("lauch").items())
    [('latch', 'substitution'), ('laugh', 'substitution'), ('launch', 'insertion')]
    >>> idx.neighbours1("luanch"), idx.neighbours1("zzz"), len(idx), "lunch" in idx
    ({'launch': 'transposition', 'lunch': 'deletion'}, {}, 4, True)
    >>> idx.rival2("lanchx"), idx.rival2("lunchxy"), idx.rival2("lunch")
    (('lunch', 5.0), ('lunch', 5.0), None)
    """

    # a tuple, not a list: a tuple of strings leaves the garbage collector's lists at its
    # first collection, while a list of 80,000 words is walked by every full collection
    cdef tuple words
    cdef Py_ssize_t nwords
    cdef uint32_t *chars  # every word's code points, one after another
    cdef Py_ssize_t *woff  # word k is chars[woff[k]:woff[k + 1]]
    cdef int32_t *zipf  # per word (0 when not given)
    cdef int32_t *wslots  # open-addressing table of the words: word number or -1
    cdef uint64_t *whash
    cdef uint64_t wmask
    cdef uint32_t *starts  # bucket b holds entries starts[b]:starts[b + 1]
    cdef uint32_t *echeck  # low 32 bits of an entry's hash
    cdef int32_t *eword  # its word number
    cdef int shift
    cdef uint32_t *mark  # per word: the query that last added it to a pool
    cdef uint32_t stamp
    cdef int32_t *pool  # rival2's pool of words (each at most once)

    def __cinit__(self, words, zipf=None, bint deletions=True):
        cdef list ws = list(words)
        cdef Py_ssize_t n = len(ws), k, i, m, total = 0, maxlen = 0, nent = 0, size = 8, nb = 16, e
        cdef uint64_t h, slot
        cdef int bits = 4
        cdef uint32_t *w
        cdef _Query q
        cdef bytes packed
        for x in ws:
            if not isinstance(x, str):
                raise TypeError("words must be str")
        if zipf is not None and len(zipf) != n:
            raise ValueError("zipf and words differ in length")
        if n >= 2 ** 31 - 1:
            raise ValueError("word list too large")
        self.words = tuple(ws)
        self.nwords = n
        packed = "".join(ws).encode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")
        total = len(packed) // 4
        self.chars = <uint32_t *>malloc((total + 1) * sizeof(uint32_t))
        self.woff = <Py_ssize_t *>malloc((n + 1) * sizeof(Py_ssize_t))
        self.zipf = <int32_t *>malloc((n + 1) * sizeof(int32_t))
        self.whash = <uint64_t *>malloc((n + 1) * sizeof(uint64_t))
        self.mark = <uint32_t *>malloc((n + 1) * sizeof(uint32_t))
        self.pool = <int32_t *>malloc((n + 1) * sizeof(int32_t))
        if not self.chars or not self.woff or not self.zipf or not self.whash or not self.mark or not self.pool:
            raise MemoryError()
        memcpy(self.chars, <const char *>packed, total * sizeof(uint32_t))
        self.woff[0] = 0
        for k in range(n):
            m = len(<str>ws[k])
            self.woff[k + 1] = self.woff[k] + m
            maxlen = max(maxlen, m)
            self.zipf[k] = zipf[k] if zipf is not None else 0
            self.mark[k] = 0
            w = &self.chars[self.woff[k]]
            for i in range(m):
                if deletions and (i == 0 or w[i] != w[i - 1]):  # a doubled letter gives the same deletion twice
                    nent += 1
        self.stamp = 0
        if nent >= 2 ** 32 - 1:
            raise ValueError("word list too large")
        while size < 2 * n + 1:
            size <<= 1
        while nb < nent and bits < 30:
            nb <<= 1
            bits += 1
        self.shift = 64 - bits
        self.wmask = size - 1
        self.wslots = <int32_t *>malloc(size * sizeof(int32_t))
        self.starts = <uint32_t *>malloc((nb + 1) * sizeof(uint32_t))
        self.echeck = <uint32_t *>malloc((nent + 1) * sizeof(uint32_t))
        self.eword = <int32_t *>malloc((nent + 1) * sizeof(int32_t))
        if not self.wslots or not self.starts or not self.echeck or not self.eword:
            raise MemoryError()
        for k in range(size):
            self.wslots[k] = -1
        for k in range(nb + 1):
            self.starts[k] = 0
        # pass 1: the words' table, and the entries per bucket
        for k in range(n):
            w = &self.chars[self.woff[k]]
            m = self.woff[k + 1] - self.woff[k]
            _query_init(&q, w, m)
            try:
                h = _minus(&q, _NONE, _NONE)
                self.whash[k] = h
                slot = h & self.wmask
                while self.wslots[slot] != -1:
                    slot = (slot + 1) & self.wmask
                self.wslots[slot] = <int32_t>k
                for i in range(m):
                    if deletions and (i == 0 or w[i] != w[i - 1]):
                        self.starts[(_minus(&q, i, _NONE) >> self.shift) + 1] += 1
            finally:
                _query_free(&q)
        for k in range(1, nb + 1):
            self.starts[k] += self.starts[k - 1]
        # pass 2: fill the buckets in word order (starts[b] counts up to the bucket's end,
        # then is set back)
        for k in range(n if deletions else 0):
            w = &self.chars[self.woff[k]]
            m = self.woff[k + 1] - self.woff[k]
            _query_init(&q, w, m)
            try:
                for i in range(m):
                    if i == 0 or w[i] != w[i - 1]:
                        h = _minus(&q, i, _NONE)
                        e = self.starts[h >> self.shift]
                        self.echeck[e] = <uint32_t>h
                        self.eword[e] = <int32_t>k
                        self.starts[h >> self.shift] += 1
            finally:
                _query_free(&q)
        for k in range(nb, 0, -1):
            self.starts[k] = self.starts[k - 1]
        self.starts[0] = 0

    def __dealloc__(self):
        free(self.chars)
        free(self.woff)
        free(self.zipf)
        free(self.whash)
        free(self.mark)
        free(self.pool)
        free(self.wslots)
        free(self.starts)
        free(self.echeck)
        free(self.eword)

    def __len__(self):
        return self.nwords

    def __contains__(self, str word):
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(word)
        cdef int kind = PyUnicode_KIND(word)
        cdef void *data = PyUnicode_DATA(word)
        if kind == 1:
            return self._has(<uint8_t *>data, n) >= 0
        if kind == 2:
            return self._has(<uint16_t *>data, n) >= 0
        return self._has(<uint32_t *>data, n) >= 0

    cdef Py_ssize_t _has(self, char_t *s, Py_ssize_t n) except -2:
        cdef _Query q
        _query_init(&q, s, n)
        try:
            return self._find(&q, s, _NONE, _NONE, _minus(&q, _NONE, _NONE))
        finally:
            _query_free(&q)

    cdef Py_ssize_t _find(self, _Query *q, char_t *s, Py_ssize_t p, Py_ssize_t r, uint64_t h) noexcept:
        """The number of the word equal to s without positions p < r, or -1."""
        cdef uint64_t slot = h & self.wmask
        cdef Py_ssize_t k, t, m = q.n - (p < q.n) - (r < q.n)
        cdef uint32_t *w
        while True:
            k = self.wslots[slot]
            if k == -1:
                return -1
            if self.whash[k] == h and self.woff[k + 1] - self.woff[k] == m:
                w = &self.chars[self.woff[k]]
                for t in range(m):
                    if w[t] != s[_at(t, p, r)]:
                        break
                else:
                    return k
            slot = (slot + 1) & self.wmask

    cdef inline bint _gives(self, Py_ssize_t k, char_t *s, Py_ssize_t n, Py_ssize_t p, Py_ssize_t r) noexcept:
        """Word k with one letter taken out is s without positions p < r."""
        cdef Py_ssize_t m = n - (p < n) - (r < n), t = 0
        cdef uint32_t *w = &self.chars[self.woff[k]]
        if self.woff[k + 1] - self.woff[k] != m + 1:
            return False
        while t < m and w[t] == s[_at(t, p, r)]:
            t += 1
        while t < m:
            if w[t + 1] != s[_at(t, p, r)]:
                return False
            t += 1
        return True

    cdef dict _neighbours1(self, char_t *s, Py_ssize_t n):
        cdef dict out = {}
        cdef _Query q
        cdef Py_ssize_t i, e, end, k, t, d0, d1, nd
        cdef uint64_t h
        cdef uint32_t *w
        _query_init(&q, s, n)
        try:
            for i in range(n):
                if i > 0 and s[i] == s[i - 1]:
                    continue  # the same deletion as at i - 1
                h = _minus(&q, i, _NONE)
                k = self._find(&q, s, i, _NONE, h)
                if k >= 0:
                    out[self.words[k]] = _K_DEL  # the typo has an extra letter
                e = self.starts[h >> self.shift]
                end = self.starts[(h >> self.shift) + 1]
                while e < end:
                    if self.echeck[e] == <uint32_t>h:
                        k = self.eword[e]
                        if self._gives(k, s, n, i, _NONE) and self.words[k] not in out:
                            # same length: one substitution, or two neighbours swapped
                            w = &self.chars[self.woff[k]]
                            nd = 0
                            d0 = d1 = -1
                            for t in range(n):
                                if w[t] != s[t]:
                                    nd += 1
                                    if nd == 1:
                                        d0 = t
                                    elif nd == 2:
                                        d1 = t
                                    else:
                                        break
                            if nd == 1:
                                out[self.words[k]] = _K_SUB
                            elif nd == 2 and d1 == d0 + 1 and s[d0] == w[d1] and s[d1] == w[d0]:
                                out[self.words[k]] = _K_TRA
                    e += 1
            h = _minus(&q, _NONE, _NONE)
            e = self.starts[h >> self.shift]
            end = self.starts[(h >> self.shift) + 1]
            while e < end:
                if self.echeck[e] == <uint32_t>h:
                    k = self.eword[e]
                    if self._gives(k, s, n, _NONE, _NONE):
                        out[self.words[k]] = _K_INS  # the typo lacks a letter
                e += 1
        finally:
            _query_free(&q)
        return out

    def neighbours1(self, str word):
        """The words one Damerau edit from ``word`` -> the kind of edit, seen from the
        typo's side ('deletion': the typo has an extra letter; 'insertion': it lacks one;
        'substitution'; 'transposition'): the same dict, in the same order, as
        ``typos._neighbours1`` gives with this index's words."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(word)
        cdef int kind = PyUnicode_KIND(word)
        cdef void *data = PyUnicode_DATA(word)
        if kind == 1:
            return self._neighbours1(<uint8_t *>data, n)
        if kind == 2:
            return self._neighbours1(<uint16_t *>data, n)
        return self._neighbours1(<uint32_t *>data, n)

    cdef inline void _pool_bucket(self, _Query *q, char_t *s, Py_ssize_t p, Py_ssize_t r, int32_t *pool,
                                  Py_ssize_t *npool) noexcept:
        # every word that gives s without positions p < r by one deletion, into the pool
        cdef uint64_t h = _minus(q, p, r)
        cdef Py_ssize_t e = self.starts[h >> self.shift], end = self.starts[(h >> self.shift) + 1], k
        while e < end:
            if self.echeck[e] == <uint32_t>h:
                k = self.eword[e]
                if self.mark[k] != self.stamp and self._gives(k, s, q.n, p, r):
                    self.mark[k] = self.stamp
                    pool[npool[0]] = <int32_t>k
                    npool[0] += 1
            e += 1

    cdef object _rival2(self, char_t *s, Py_ssize_t n):
        cdef _Query q
        cdef Py_ssize_t p, r, k, npool = 0, best = -1
        cdef int32_t *pool = self.pool
        if n == 0:
            return None
        self.stamp += 1
        if self.stamp == 0:  # wrapped: forget every mark
            for k in range(self.nwords):
                self.mark[k] = 0
            self.stamp = 1
        _query_init(&q, s, n)
        try:
            # s without one letter, and without two: each string once (removing either of
            # two equal neighbours gives the same string: only the leftmost is tried)
            for p in range(n):
                if p > 0 and s[p] == s[p - 1]:
                    continue
                self._pool_bucket(&q, s, p, _NONE, pool, &npool)
                for r in range(p + 1, n):
                    if r - 1 > p and s[r] == s[r - 1]:
                        continue
                    self._pool_bucket(&q, s, p, r, pool, &npool)
                    k = self._find(&q, s, p, r, _minus(&q, p, r))
                    if k >= 0 and self.mark[k] != self.stamp:
                        self.mark[k] = self.stamp
                        pool[npool] = <int32_t>k
                        npool += 1
            # the most frequent pooled word (ties: the greater str) exactly two edits away
            for p in range(npool):
                k = pool[p]
                if best >= 0 and not self._greater(k, best):
                    continue
                if self._osa(k, s, n, 3) == 2:
                    best = k
        finally:
            _query_free(&q)
        if best < 0:
            return None
        return self.words[best], self.zipf[best] / 100.0

    cdef bint _greater(self, Py_ssize_t a, Py_ssize_t b) noexcept:
        # (zipf, word) of word a > that of word b
        cdef Py_ssize_t la, lb, t
        cdef uint32_t *wa
        cdef uint32_t *wb
        if self.zipf[a] != self.zipf[b]:
            return self.zipf[a] > self.zipf[b]
        wa = &self.chars[self.woff[a]]
        wb = &self.chars[self.woff[b]]
        la = self.woff[a + 1] - self.woff[a]
        lb = self.woff[b + 1] - self.woff[b]
        for t in range(min(la, lb)):
            if wa[t] != wb[t]:
                return wa[t] > wb[t]
        return la > lb

    cdef Py_ssize_t _osa(self, Py_ssize_t k, char_t *a, Py_ssize_t la, Py_ssize_t cap) except -1:
        """``typos_edits.osa_distance(a, word k, cap)``, step for step."""
        cdef uint32_t *b = &self.chars[self.woff[k]]
        cdef Py_ssize_t lb = self.woff[k + 1] - self.woff[k], i, j, v, cost, lo
        cdef Py_ssize_t *rows
        cdef Py_ssize_t *prev2
        cdef Py_ssize_t *prev
        cdef Py_ssize_t *cur
        cdef Py_ssize_t *tmp
        if (la - lb if la > lb else lb - la) >= cap:
            return cap
        rows = <Py_ssize_t *>malloc(3 * (lb + 1) * sizeof(Py_ssize_t))
        if not rows:
            raise MemoryError()
        prev2, prev, cur = rows, rows + (lb + 1), rows + 2 * (lb + 1)
        for j in range(lb + 1):
            prev[j] = j
        try:
            for i in range(1, la + 1):
                cur[0] = i
                lo = i
                for j in range(1, lb + 1):
                    cost = 0 if a[i - 1] == b[j - 1] else 1
                    v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                    if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                        v = min(v, prev2[j - 2] + 1)
                    cur[j] = v
                    lo = min(lo, v)
                if lo >= cap:
                    return cap
                tmp = prev2
                prev2 = prev
                prev = cur
                cur = tmp
            return min(prev[lb], cap)
        finally:
            free(rows)

    cdef Py_ssize_t _find_tail(self, _Query *q, char_t *s, Py_ssize_t a, Py_ssize_t b, const char *tail,
                               Py_ssize_t tl) noexcept:
        """The number of the word equal to s[a:b] + tail (ASCII), or -1."""
        cdef uint64_t h = _span(q, a, b), slot
        cdef Py_ssize_t k, t, m = b - a + tl
        cdef uint32_t *w
        for t in range(tl):
            h = h * _B + <uint64_t>(<uint8_t>tail[t])
        h = _key(h, m)
        slot = h & self.wmask
        while True:
            k = self.wslots[slot]
            if k == -1:
                return -1
            if self.whash[k] == h and self.woff[k + 1] - self.woff[k] == m:
                w = &self.chars[self.woff[k]]
                for t in range(m):
                    if w[t] != (s[a + t] if t < b - a else <uint8_t>tail[t - (b - a)]):
                        break
                else:
                    return k
            slot = (slot + 1) & self.wmask

    cdef inline double _z(self, Py_ssize_t k) noexcept:
        return self.zipf[k] / 100.0

    cdef object _derived(self, char_t *s, Py_ssize_t n, str word, tuple suffixes, tuple prefixes):
        cdef _Query q
        cdef Py_ssize_t L, k, i, t, a
        cdef str suf
        cdef str pre
        cdef Py_UCS4 c0, last
        cdef bint ends
        _query_init(&q, s, n)
        try:
            for suf in suffixes:
                L = PyUnicode_GET_LENGTH(suf)
                if not n > L + 2:
                    continue
                ends = True
                for t in range(L):
                    if s[n - L + t] != suf[t]:
                        ends = False
                        break
                if not ends:
                    continue
                k = n - L  # the stem is s[:k], three letters or more
                if self._find_tail(&q, s, 0, k, "", 0) >= 0 and not _misderived(s, k, suf):
                    return f"{word[:k]}+{suf}"
                c0 = suf[0]
                if (c0 == u"a" or c0 == u"e" or c0 == u"i" or c0 == u"y") and self._find_tail(&q, s, 0, k, "e", 1) >= 0 \
                        and suf not in ("es", "ed", "er", "ers", "est", "ee", "ees"):
                    return f"{word[:k]}e+{suf}"  # horde+ing -> hording
                if (c0 == u"e" or c0 == u"a" or c0 == u"i") and s[k - 1] == 105 and self._find_tail(&q, s, 0, k - 1, "y", 1) >= 0:
                    return f"{word[:k - 1]}y+{suf}"  # party+ers -> partiers, racy+est -> raciest
            if n >= 3 and s[n - 3] == 109 and s[n - 2] == 101 and s[n - 1] == 110 \
                    and self._find_tail(&q, s, 0, n - 3, "man", 3) >= 0:
                return f"{word[:n - 3]}man+plural"  # spokeswomen
            if n >= 2 and s[n - 2] == 105 and s[n - 1] == 110 and self._find_tail(&q, s, 0, n, "g", 1) >= 0:
                return f"{word}g-g"  # sittin', keepin'
            for pre in prefixes:
                L = PyUnicode_GET_LENGTH(pre)
                if L > n or n - L < 4:
                    continue
                ends = True
                for t in range(L):
                    if s[t] != pre[t]:
                        ends = False
                        break
                if ends and self._find_tail(&q, s, L, n, "", 0) >= 0:
                    return f"{pre}+{word[L:]}"
            for i in range(n - 1):
                if s[i] == s[i + 1] and self._find(&q, s, i, _NONE, _minus(&q, i, _NONE)) >= 0:
                    return None  # a doubled letter explains it better (allready, ammount)
            for i in range(2, n - 2):
                k = self._find_tail(&q, s, 0, i, "", 0)
                if k < 0:
                    continue
                a = self._find_tail(&q, s, i, n, "", 0)
                if a < 0:
                    continue
                # both common words, or very common short words (anyday, ontop, hehad)
                if (self._z(k) >= 4.0 if i >= 4 else self._z(k) >= 5.5) and \
                        (self._z(a) >= 4.0 if n - i >= 4 else self._z(a) >= 5.0):
                    return f"{word[:i]}+{word[i:]}"
            return None
        finally:
            _query_free(&q)

    def derived(self, str word, tuple suffixes, tuple prefixes):
        """``typos._derived`` with this index's words as the dictionary (and their zipf):
        how ``word`` is built from them (``'helm+ed'``), or None.  ``suffixes`` and
        ``prefixes`` are ``typos._SUFFIXES`` and ``typos._PREFIXES``; the rules between
        them (the stem changes, misderivations, run-together pairs) are typos' own."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(word)
        cdef int kind = PyUnicode_KIND(word)
        cdef void *data = PyUnicode_DATA(word)
        if kind == 1:
            return self._derived(<uint8_t *>data, n, word, suffixes, prefixes)
        if kind == 2:
            return self._derived(<uint16_t *>data, n, word, suffixes, prefixes)
        return self._derived(<uint32_t *>data, n, word, suffixes, prefixes)

    def rival2(self, str word):
        """``typos._rival2`` on this index (built from the words at least
        ``RIVAL2_MIN_ZIPF`` common, with their zipf * 100): ``(word, zipf)`` of the most
        frequent indexed word exactly two Damerau (OSA) edits from ``word`` whose one-letter
        deletion is one or two deletions of ``word``, or that is two deletions of it; None
        when there is none."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(word)
        cdef int kind = PyUnicode_KIND(word)
        cdef void *data = PyUnicode_DATA(word)
        if kind == 1:
            return self._rival2(<uint8_t *>data, n)
        if kind == 2:
            return self._rival2(<uint16_t *>data, n)
        return self._rival2(<uint32_t *>data, n)


# ---------------------------------------------------------------- typo fixer: the words to look at
cdef inline bint _opening(Py_UCS4 c) noexcept nogil:
    # what may stand before the word in typos._CHUNK: ( [ " ' and the opening curly quotes
    return c == 40 or c == 91 or c == 34 or c == 39 or c == 0x201C or c == 0x2018


cdef inline bint _closing(Py_UCS4 c) noexcept nogil:
    # ... and after it: ) ] " ' the closing curly quotes . , ; : ! ?
    return (c == 41 or c == 93 or c == 34 or c == 39 or c == 0x201D or c == 0x2019 or c == 46 or c == 44
            or c == 59 or c == 58 or c == 33 or c == 63)


cdef Py_ssize_t _word_in(char_t *s, Py_ssize_t n, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t *start) noexcept nogil:
    """The length of the word when s is one word of ``lo`` to ``hi`` letters a-z with
    only opening marks before it and closing marks after it (``typos._CHUNK``), its start
    into ``start``; else 0."""
    cdef Py_ssize_t i = 0, j
    while i < n and _opening(s[i]):
        i += 1
    j = i
    while j < n and 97 <= s[j] <= 122:
        j += 1
    if j - i < lo or j - i > hi or lo <= 0:
        return 0
    start[0] = i
    for k in range(j, n):
        if not _closing(s[k]):
            return 0
    return j - i


# whitespace as str.split() sees it, for the first 256 code points (NUL is not)
cdef bint _SPLIT_WS[256]
for _i in range(256):
    _SPLIT_WS[_i] = chr(_i).isspace()


cdef inline bint _ws(Py_UCS4 c) noexcept:
    if c < 256:
        return _SPLIT_WS[c]
    return Py_UNICODE_ISSPACE(c)


cdef struct _Chunk:  # a distinct chunk of the text: where it is, its length, its hash
    uint64_t h
    int32_t off  # -1: an empty slot
    int32_t n


cdef inline uint64_t _mix64(uint64_t h) noexcept nogil:
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    return h


cdef class LowerWordSet:
    """A set of words for the typo fixer's scan: each word of 1 to 12 letters a-z is its own
    64-bit key (5 bits a letter) in an open-addressing table, so a lookup reads one slot
    and compares no letters; other words sit in a :class:`StopTable` (none in the typo
    fixer's dictionary).

    >>> t = LowerWordSet({"the", "cat", "extraordinarily", "na\u00efve", "The"})
    >>> [w in t for w in ("the", "cat", "extraordinarily", "na\u00efve", "The", "then", "", "ca")]
    [True, True, True, True, True, False, False, False]
    """

    cdef uint64_t *keys  # 0: an empty slot
    cdef uint64_t mask
    cdef StopTable others
    cdef bint has_others

    def __cinit__(self, words):
        cdef list short = []
        cdef list others = []
        cdef Py_ssize_t size = 8, i
        cdef uint64_t k, slot
        for w in words:
            if not isinstance(w, str):
                raise TypeError("words must be str")
            (short if _short_lower(<str>w) else others).append(w)
        while size < 2 * len(short) + 1:
            size <<= 1
        self.keys = <uint64_t *>malloc(size * sizeof(uint64_t))
        if not self.keys:
            raise MemoryError()
        for i in range(size):
            self.keys[i] = 0
        self.mask = size - 1
        for w in short:
            k = _packed(<uint8_t *>PyUnicode_DATA(w), PyUnicode_GET_LENGTH(w))
            slot = _mix64(k) & self.mask
            while self.keys[slot] != 0 and self.keys[slot] != k:
                slot = (slot + 1) & self.mask
            self.keys[slot] = k
        self.others = StopTable(others)
        self.has_others = len(others) > 0

    def __dealloc__(self):
        free(self.keys)

    cdef inline bint has_key(self, uint64_t k) noexcept nogil:
        cdef uint64_t slot = _mix64(k) & self.mask, v
        while True:
            v = self.keys[slot]
            if v == k:
                return True
            if v == 0:
                return False
            slot = (slot + 1) & self.mask

    cdef bint has(self, char_t *s, Py_ssize_t n) noexcept:
        """s[:n] is in the set."""
        cdef Py_ssize_t i
        if 1 <= n <= 12:
            for i in range(n):
                if not 97 <= s[i] <= 122:
                    break
            else:
                return self.has_key(_packed(s, n))
        return self.has_others and n <= self.others.maxlen and self.others.has(s, n)

    def __contains__(self, str word):
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(word)
        cdef int kind = PyUnicode_KIND(word)
        if kind == 1:
            return self.has(<uint8_t *>PyUnicode_DATA(word), n)
        if kind == 2:
            return self.has(<uint16_t *>PyUnicode_DATA(word), n)
        return self.has(<uint32_t *>PyUnicode_DATA(word), n)


cdef inline uint64_t _packed(char_t *s, Py_ssize_t n) noexcept nogil:
    # 1 to 12 letters a-z, 5 bits each (1..26): never 0
    cdef uint64_t k = 0
    cdef Py_ssize_t i
    for i in range(n):
        k = (k << 5) | <uint64_t>(s[i] - 96)
    return k


cdef bint _short_lower(str w):
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(w), i
    if PyUnicode_KIND(w) != 1 or not 1 <= n <= 12:
        return False
    for i in range(n):
        if not 97 <= (<uint8_t *>PyUnicode_DATA(w))[i] <= 122:
            return False
    return True


cdef list _typo_words(char_t *s, Py_ssize_t n, str text, LowerWordSet known, Py_ssize_t lo, Py_ssize_t hi,
                      Py_ssize_t *counts):
    """The scan of typo_words: distinct chunks in an open-addressing table of (start,
    length, hash); a new one not in ``known`` is counted, and its word, when it has one
    that is not in ``known`` either, kept (the only strings made)."""
    cdef Py_ssize_t cap = 64, used = 0, i = 0, a, j, k, nparts = 0, nunknown = 0, m, w0 = 0, wm, off
    cdef uint64_t h, mask, slot, key
    cdef _Chunk *tab
    cdef _Chunk *grown
    cdef list out = []
    cdef set seen = None
    cdef Py_UCS4 c
    cdef bint lower, found
    while cap < n // 8:  # about one distinct chunk per 16 characters: rarely grown
        cap <<= 1
    tab = <_Chunk *>malloc(cap * sizeof(_Chunk))
    if not tab:
        raise MemoryError()
    try:
        for j in range(cap):
            tab[j].off = -1
        mask = cap - 1
        while True:
            while i < n and _ws(s[i]):
                i += 1
            if i >= n:
                break
            a = i
            h = 1469598103934665603ULL  # FNV-1a, and the chunk as a key while it is all a-z
            key = 0
            lower = True
            while i < n:
                c = s[i]
                if _ws(c):
                    break
                h = (h ^ <uint64_t>c) * 1099511628211ULL
                if 97 <= c <= 122:
                    key = (key << 5) | (<uint64_t>c - 96)
                else:
                    lower = False
                i += 1
            nparts += 1
            m = i - a
            slot = h & mask
            while True:
                off = tab[slot].off
                if off == -1:
                    break
                if tab[slot].h == h and tab[slot].n == m:
                    for k in range(m):
                        if s[off + k] != s[a + k]:
                            break
                    else:
                        break
                slot = (slot + 1) & mask
            if off != -1:
                continue  # seen before
            tab[slot].off = <int32_t>a
            tab[slot].n = <int32_t>m
            tab[slot].h = h
            used += 1
            if lower and m <= 12:
                found = known.has_key(key)
            elif known.has_others:
                found = m <= known.others.maxlen and known.others.has_hashed(&s[a], m, h)
            else:
                found = False  # every known word is 1-12 letters a-z
            if not found:
                nunknown += 1
                wm = _word_in(&s[a], m, lo, hi, &w0)
                if wm and not known.has(&s[a + w0], wm):
                    w = text[a + w0:a + w0 + wm]
                    if seen is None:
                        seen = set()
                    if w not in seen:
                        seen.add(w)
                        out.append(w)
            if used * 2 > cap:  # grow: rehash into a table twice as large
                grown = <_Chunk *>malloc(2 * cap * sizeof(_Chunk))
                if not grown:
                    raise MemoryError()
                for j in range(2 * cap):
                    grown[j].off = -1
                for j in range(cap):
                    if tab[j].off != -1:
                        slot = tab[j].h & (2 * cap - 1)
                        while grown[slot].off != -1:
                            slot = (slot + 1) & (2 * cap - 1)
                        grown[slot] = tab[j]
                free(tab)
                tab = grown
                cap *= 2
                mask = cap - 1
    finally:
        free(tab)
    counts[0] = nparts
    counts[1] = used
    counts[2] = nunknown
    return out


def typo_words(str text, LowerWordSet known, Py_ssize_t lo, Py_ssize_t hi):
    """The typo fixer's first look at a text: ``(chunks, distinct chunks, distinct chunks
    not in known, words)`` where chunks are cut at whitespace as ``str.split()`` cuts them,
    and words are the distinct lowercase words of the unknown chunks that are not in
    ``known`` either, in order of first occurrence: a chunk gives its word when it is one
    word of ``lo`` to ``hi`` letters a-z with only opening marks (``( [ " '`` and the
    opening curly quotes) before it and closing marks (``) ] " '`` the closing curly quotes
    ``. , ; : ! ?``) after it (``typos._CHUNK``).  The same as ``len(parts)``,
    ``len(set(parts))``, ``len(set(parts) - known)`` and ``set(_CHUNKS.findall(...)) -
    known`` over them, with a string made only for each word kept.

    >>> typo_words("(teh cat sat, teh. The mat!) a-b \u201cfine\u201d 12", LowerWordSet({"the", "cat"}), 3, 40)
    (9, 9, 8, ['teh', 'sat', 'mat', 'fine'])
    """
    cdef Py_ssize_t counts[3]
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef list words
    if n >= 2 ** 31 - 1:
        raise ValueError("text too long")
    if kind == 1:
        words = _typo_words(<uint8_t *>PyUnicode_DATA(text), n, text, known, lo, hi, counts)
    elif kind == 2:
        words = _typo_words(<uint16_t *>PyUnicode_DATA(text), n, text, known, lo, hi, counts)
    else:
        words = _typo_words(<uint32_t *>PyUnicode_DATA(text), n, text, known, lo, hi, counts)
    return counts[0], counts[1], counts[2], words


cdef inline bint _vowel(Py_UCS4 c) noexcept nogil:
    return c == 97 or c == 101 or c == 105 or c == 111 or c == 117


cdef bint _misderived(char_t *s, Py_ssize_t k, str suf):
    """``typos._misderived(s[:k], suf)`` (k >= 3): tryed, truely, acknowledgeing, admited, actualy."""
    cdef Py_UCS4 last = s[k - 1]
    if suf in ("ed", "es", "er", "ers", "est") and last == 121 and not _vowel(s[k - 2]):
        return True
    if suf == "ly" and last == 101:
        return True
    if suf in ("ing", "ings") and last == 101 and not (s[k - 2] == 101 or s[k - 2] == 121 or s[k - 2] == 111):
        return True
    if suf in ("ed", "ing", "er", "ers", "est") and not _vowel(s[k - 3]) and _vowel(s[k - 2]) and \
            (last == 116 or last == 112 or last == 108 or last == 114 or last == 103 or last == 100 or last == 98):
        return True
    if suf == "y" and last == 108:
        return True
    return False


# ---------------------------------------------------------------- lowercase
cdef extern from "Python.h":
    Py_UCS4 Py_UNICODE_TOLOWER(Py_UCS4 ch)
    bint PyUnicode_IS_ASCII(object o)
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)

#: the simple lowercase of every BMP code point (built on first use, 256 kB)
cdef Py_UCS4 *_LOWER_BMP = NULL


cdef int _lower_table() except -1:
    global _LOWER_BMP
    cdef Py_UCS4 *t
    cdef Py_UCS4 c
    if _LOWER_BMP == NULL:
        t = <Py_UCS4 *>malloc(0x10000 * sizeof(Py_UCS4))
        if t == NULL:
            raise MemoryError()
        for c in range(0x10000):
            t[c] = Py_UNICODE_TOLOWER(c)
        _LOWER_BMP = t
    return 0


cdef object _lower_wide(char_t *s, Py_ssize_t n, int kind):
    """The lowercase of ``n`` characters of width 2 or 4, in the narrowest width that
    holds it (as ``str.lower`` gives it); None at U+0130 or U+03A3."""
    cdef char_t *buf = <char_t *>malloc(n * sizeof(char_t) + 1)
    cdef Py_ssize_t i
    cdef Py_UCS4 c, l
    if buf == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            c = s[i]
            if c == 0x130 or c == 0x3A3:  # İ (two characters), Σ (final sigma: context)
                return None
            l = _LOWER_BMP[c] if c < 0x10000 else Py_UNICODE_TOLOWER(c)
            buf[i] = <char_t>l
        return PyUnicode_FromKindAndData(kind, buf, n)  # (in the narrowest kind that holds it)
    finally:
        free(buf)


def lower(str text):
    """``text.lower()`` from a table, one character at a time, when that is the same
    string: None when ``text`` holds U+0130 (İ, whose lowercase is two characters) or
    U+03A3 (Σ, whose lowercase depends on the letters around it), and the caller asks
    ``str.lower``.  Every other character lowercases to one character, its simple
    lowercase (``Py_UNICODE_TOLOWER``), so the result has the length of ``text``.
    CPython's own loop calls a function per character (``_PyUnicode_ToLowerFull``); for
    ASCII text its loop is kept (it is a table already).

    >>> lower("Ça VA, Ὀδυσσεύς?"), lower("ΟΔΟΣ"), lower("İstanbul"), lower("ABC")
    ('ça va, ὀδυσσεύς?', None, None, 'abc')
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i
    cdef int kind = PyUnicode_KIND(text)
    cdef uint8_t *src
    cdef uint8_t *dst
    if PyUnicode_IS_ASCII(text):
        return text.lower()
    _lower_table()
    if kind == 1:
        # Latin-1: no İ or Σ here, and a character above ASCII lowercases to one above
        # ASCII (À-Þ to à-þ), so the result is Latin-1 and not ASCII, as the input
        out = PyUnicode_New(n, 255)
        src = <uint8_t *>PyUnicode_DATA(text)
        dst = <uint8_t *>PyUnicode_DATA(out)
        for i in range(n):
            dst[i] = <uint8_t>_LOWER_BMP[src[i]]
        return out
    if kind == 2:
        return _lower_wide(<uint16_t *>PyUnicode_DATA(text), n, kind)
    return _lower_wide(<uint32_t *>PyUnicode_DATA(text), n, kind)

"""Unicode normalisation."""
from __future__ import annotations

import os
import unicodedata
from functools import lru_cache

import regex

from .._compiled import fast
from ..document import Edit

_TOKEN = regex.compile(r"\S+")

#: the bitmap of :func:`compute_nfc_stable_bits` as package data, one file per Unicode
#: version (``nfc_stable_<unidata_version>.bin``, 8,192 bytes); written by
#: ``scripts/build_nfc_bitmap.py``
_BITMAP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "nfc_stable_{}.bin")


@lru_cache(maxsize=1)
def nfc_stable_bits() -> bytes:
    """:func:`compute_nfc_stable_bits`, read from the package's copy for this
    interpreter's Unicode version when there is one (computing it is ~0.07 s of every
    process's start, a tenth of ``clean``'s), else computed.  ``tests/test_fast.py``
    checks the copy against the computation."""
    try:
        with open(_BITMAP.format(unicodedata.unidata_version), "rb") as f:
            data = f.read()
    except OSError:
        data = b""
    return data if len(data) == 8192 else compute_nfc_stable_bits()


def compute_nfc_stable_bits() -> bytes:
    """A bitmap of the Basic Multilingual Plane (bit ``c & 7`` of byte ``c >> 3``): the
    code points that stay as they are under NFC, whatever surrounds them.  A text made
    only of them is in NFC (the quick check of UAX #15 answers YES for it).  Built from
    this interpreter's own ``unicodedata``, so it follows its Unicode version.  A code
    point is left out when it

    - has a canonical combining class (a mark, which reordering may move);
    - changes alone under NFC (a singleton such as U+2126 OHM SIGN, a composition
      exclusion, a decomposition that starts with a mark);
    - is the second character of any two-character canonical decomposition, so that
      it may compose with what precedes it (NFC_Quick_Check=Maybe: U+0CD5, U+102E ...);
    - is a Hangul vowel or trailing consonant jamo, which compose algorithmically.

    Leaving out more than needed only sends a text to ``unicodedata``.
    """
    seconds: set[int] = set()
    for c in range(0x110000):
        d = unicodedata.decomposition(chr(c))
        if d and not d.startswith("<"):
            parts = d.split()
            if len(parts) == 2:
                seconds.add(int(parts[1], 16))
    bits = bytearray(8192)
    for c in range(0x10000):
        ch = chr(c)
        if unicodedata.combining(ch) or c in seconds or 0x1161 <= c <= 0x1175 or 0x11A8 <= c <= 0x11C2:
            continue
        if 0xD800 <= c <= 0xDFFF:
            continue  # surrogates: unicodedata does not normalise them
        if unicodedata.decomposition(ch) and unicodedata.normalize("NFC", ch) != ch:
            continue
        bits[c >> 3] |= 1 << (c & 7)
    return bytes(bits)


def is_normalized(form: str, text: str) -> bool:
    """``unicodedata.is_normalized(form, text)``, answered without it for NFC text made
    only of the code points of :func:`nfc_stable_bits` (most text of a dump: its quick
    check costs ~25 instructions a character, the compiled bitmap scan a few; without
    the compiled module only ASCII text is answered at once).

    >>> is_normalized("NFC", "caf\u00e9 \u2014 \u201cok\u201d"), is_normalized("NFC", "cafe\u0301")
    (True, False)
    >>> is_normalized("NFC", "\u2126"), is_normalized("NFD", "caf\u00e9")
    (False, False)
    """
    if form == "NFC":
        if text.isascii():
            return True
        f = fast()
        if f is not None and f.nfc_stable(text, nfc_stable_bits()):
            return True
    return unicodedata.is_normalized(form, text)


def normalise_unicode(text: str, log: list[Edit] | None = None, form: str = "NFC") -> str:
    """Put text in Unicode normal form ``form`` (NFC by default), logging per token.

    >>> normalise_unicode("cafe\\u0301") == "caf\\u00e9"
    True
    """
    if is_normalized(form, text):
        return text
    if log is None:
        f = fast()
        if form == "NFC" and f is not None:
            # Only the regions around the code points that NFC may change go through
            # unicodedata (cleaner._fast.nfc_regions); the rest is copied.  The same
            # string: NFC never acts across a code point that combines with nothing
            # before it and has combining class 0.  (Normalising a whole page of
            # 20,000 characters costs ~6 M instructions, ~3% of a dump's cleaning.)
            out: list[str] = []
            pos = 0
            for a, b in f.nfc_regions(text, nfc_stable_bits()):
                out.append(text[pos:a])
                out.append(unicodedata.normalize("NFC", text[a:b]))
                pos = b
            out.append(text[pos:])
            return "".join(out)
        return unicodedata.normalize(form, text)
    out: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if unicodedata.is_normalized(form, tok):
            continue
        new = unicodedata.normalize(form, tok)
        out.append(text[pos : m.start()])
        out.append(new)
        pos = m.end()
        log.append(Edit(m.start(), m.end(), tok, new, "normalise_unicode", form))
    out.append(text[pos:])
    res = "".join(out)
    # Composition never crosses whitespace in practice; if it ever did, normalise the rest.
    return res if unicodedata.is_normalized(form, res) else unicodedata.normalize(form, res)

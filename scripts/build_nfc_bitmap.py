"""Write ``cleaner/data/nfc_stable_<unidata_version>.bin``: the bitmap of
:func:`cleaner.normalisers.unicode.compute_nfc_stable_bits` for this interpreter's Unicode
version, which ``nfc_stable_bits`` then reads at start instead of computing it (~0.07 s).

    python scripts/build_nfc_bitmap.py

Run it with each Python whose Unicode version should get a copy; without one, the bitmap
is computed as before.  ``tests/test_fast.py`` checks the copy against the computation.
"""
from __future__ import annotations

import unicodedata

from cleaner.normalisers.unicode import _BITMAP, compute_nfc_stable_bits

if __name__ == "__main__":
    path = _BITMAP.format(unicodedata.unidata_version)
    with open(path, "wb") as out:
        out.write(compute_nfc_stable_bits())
    print(path)

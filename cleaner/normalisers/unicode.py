"""Unicode normalisation."""
from __future__ import annotations

import unicodedata

import regex

from ..document import Edit

_TOKEN = regex.compile(r"\S+")


def normalise_unicode(text: str, log: list[Edit] | None = None, form: str = "NFC") -> str:
    """Put text in Unicode normal form ``form`` (NFC by default), logging per token.

    >>> normalise_unicode("cafe\\u0301") == "caf\\u00e9"
    True
    """
    if unicodedata.is_normalized(form, text):
        return text
    if log is None:
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

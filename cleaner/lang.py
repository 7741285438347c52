"""Language identification, small and fast: py3langid (langid.py's model, shipped in
the wheel, no download) on a bounded sample of the text.

Only the longest lines are sampled (up to ``max_chars``): menus and footers are short,
the article's paragraphs are long, so the sample is the content's language.
"""
from __future__ import annotations

from functools import lru_cache

import regex

_LETTER = regex.compile(r"\p{L}")


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    # The model file ships inside the py3langid wheel (package data, never from a dump).
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def sample(text: str, max_chars: int = 1000) -> str:
    """The longest lines of ``text``, in document order, up to ``max_chars``."""
    if len(text) <= max_chars:
        return text
    lines = text.split("\n")
    order = sorted(range(len(lines)), key=lambda i: -len(lines[i]))
    keep: list[int] = []
    total = 0
    for i in order:
        if total >= max_chars:
            break
        keep.append(i)
        total += len(lines[i])
    return "\n".join(lines[i] for i in sorted(keep))[: max_chars * 2]


def detect_language(text: str, max_chars: int = 1000) -> tuple[str, float]:
    """``(ISO 639-1 code, probability)``; ``("und", 0.0)`` when there are no letters.

    >>> detect_language("The government said on Tuesday that it would raise taxes.")[0]
    'en'
    >>> detect_language("1234 5678")
    ('und', 0.0)
    """
    s = sample(text, max_chars)
    if not _LETTER.search(s):
        return "und", 0.0
    lang, prob = _identifier().classify(s)
    return str(lang), float(prob)

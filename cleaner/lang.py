"""Language identification, small and fast: a naive-Bayes model over jusText's
stoplists, on a bounded sample of the text.

jusText ships stoplists for about 100 languages (package data, no download), each
ordered by frequency in Wikipedia.  The most frequent words of a language are the
best evidence of it, so the model scores the sample's words against the top
:data:`TOP_WORDS` words of every stoplist (probabilities falling with rank, Zipf-like),
and the language with the highest likelihood wins.  Scripts that stoplists cannot
tell apart (text without spaces) are decided by script first: kana is Japanese, Han
without kana Chinese, Hangul Korean, Thai Thai.

Why not a character n-gram model (py3langid, fastText)?  Those models cost 80 MB of
memory in every worker and about 0.8 ms a page here; this one is a few MB and a few
tens of microseconds, and what cleaner needs a language *for* is exactly the stoplist:
the page_furniture classifier reads stopword density, and the typo fixer runs only on
English.  Only the longest lines are sampled (up to ``max_chars``): menus and footers
are short, the article's paragraphs are long, so the sample is the content's language.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import regex

from ._compiled import fast
from .document import lowercase

_WORD = regex.compile(r"[^\W\d_]+")
# The same words for ASCII text, where the stdlib engine agrees with ``regex`` and is
# about 2.5x faster, and for any sample without a character on which the two engines
# differ (:func:`_engines_differ`: ``re`` would split words at combining marks).
_WORD_ASCII = re.compile(r"[^\W\d_]+")
#: the code points where :func:`_engines_differ` compares the two engines (Latin, Greek,
#: Cyrillic, the other alphabets and Indic scripts, punctuation, symbols, CJK punctuation,
#: full-width forms); every other character is sent to ``regex``
_CHECKED = ((0x0000, 0x303F), (0xFF00, 0xFFEF))


@lru_cache(maxsize=1)
def _engines_differ() -> re.Pattern[str]:
    """A character that ``re`` and ``regex`` may read differently in ``[^\\W\\d_]``: one
    of :data:`_CHECKED` on which the two engines installed here disagree (combining
    marks, which ``regex`` counts as word characters; numbers such as "\u00bd", which
    ``re`` does; letters newer than one engine's Unicode tables), or any character
    outside :data:`_CHECKED`.  A sample without one is cut into the same words by the
    stdlib engine, about 2.5x faster.  Built on first use by asking both engines about
    each checked code point (~15 ms).

    >>> [_engines_differ().search(s) is None for s in ("caf\u00e9 \u0433\u043e\u0440\u043e\u0434", "cafe\u0301", "\u00bd", "\U0001d400")]
    [True, False, False, False]
    """
    one = re.compile(r"[^\W\d_]")
    other = regex.compile(r"[^\W\d_]")
    ranges: list[tuple[int, int]] = []
    for lo, hi in _CHECKED:
        for cp in range(lo, hi + 1):
            c = chr(cp)
            if 0xD800 <= cp <= 0xDFFF or (one.fullmatch(c) is None) != (other.fullmatch(c) is None):
                continue
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    agree = "".join("\\u%04x" % a if a == b else "\\u%04x-\\u%04x" % (a, b) for a, b in ranges)
    return re.compile("[^" + agree + "]")


# Scripts decided before the stoplists: Japanese kana, Han, Hangul, Thai (one scan for
# all four; the stdlib engine, since these are plain code-point ranges).
_SCRIPTS = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")

#: English function words.  Most of the web is English: a sample of 20+ words of which a
#: quarter or more are among these is English, without asking the model.  No other
#: language reaches that share of these words in running text.
EN_STOP = frozenset(
    "the of and to in a is that for it on was with as by at be this are from or have an not but his they he "
    "which you we has were their will been more all its one about can had who there would".split()
)



@lru_cache(maxsize=1)
def _en_table() -> Any:
    """:data:`EN_STOP` as the compiled module's ``AsciiWordSet``."""
    from . import _fast

    return _fast.AsciiWordSet(EN_STOP)


#: words of each stoplist the model reads (the most frequent ones)
TOP_WORDS = 300
#: share of running text that the top words of its language cover (the rest of the
#: probability mass goes to words outside the list)
STOP_MASS = 0.5
#: probability of a listed word under a language whose top words lack it
FLOOR = 1e-6
#: fewer stoplist words than this in the sample: no decision ("und")
MIN_HITS = 3


@lru_cache(maxsize=1)
def _en_stop_table() -> Any:
    """:data:`EN_STOP` as the compiled module's ``StopTable``."""
    from . import _fast

    return _fast.StopTable(EN_STOP)


@lru_cache(maxsize=1)
def _vocab_table() -> Any:
    """The language model's vocabulary (word -> row) as a compiled ``StopTable`` with
    values."""
    from . import _fast

    vocab = _model()[0]
    return _fast.StopTable(list(vocab), list(vocab.values()))


@lru_cache(maxsize=1)
def _model() -> tuple[dict[str, int], Any, tuple[str, ...]]:
    """``(word -> row, log-probability matrix [words x languages], language codes)``.

    The languages are those of the ``[languages]`` section of ``furniture.txt``
    (ISO 639-1 code -> jusText stoplist name); a code that two names share ("no", "nb")
    is read once.
    """
    import justext
    import numpy as np

    from .detectors.base import load_patterns

    names: dict[str, str] = {}
    for line in load_patterns("furniture").get("languages"):
        code, _, name = line.partition(" ")
        if name.strip() not in names.values():
            names[code.strip()] = name.strip()
    root = resources.files(justext).joinpath("stoplists")
    ranked: dict[str, list[str]] = {}
    for code, name in names.items():
        try:
            words = root.joinpath(f"{name}.txt").read_text("utf-8").split()
        except OSError:  # pragma: no cover - a list missing from this justext
            continue
        seen: list[str] = []
        have: set[str] = set()
        for w in words:
            w = w.lower()
            if w not in have and _WORD.fullmatch(w):
                have.add(w)
                seen.append(w)
                if len(seen) >= TOP_WORDS:
                    break
        ranked[code] = seen
    codes = tuple(ranked)
    vocab: dict[str, int] = {}
    for ws in ranked.values():
        for w in ws:
            vocab.setdefault(w, len(vocab))
    table = np.full((len(vocab), len(codes)), math.log(FLOOR), dtype=np.float32)
    for j, code in enumerate(codes):
        ws = ranked[code]
        weights = [1.0 / (r + 1.5) for r in range(len(ws))]
        norm = STOP_MASS / sum(weights)
        for w, wt in zip(ws, weights):
            table[vocab[w], j] = math.log(wt * norm)
    return vocab, table, codes


def sample(text: str, max_chars: int = 1000) -> str:
    """The longest lines of ``text``, in document order, up to ``max_chars``
    (``cleaner._fast.sample`` when it is built: the same string, only the chosen lines
    made into strings).

    >>> sample("a\\nbbb\\ncc\\ndddd", 6)
    'bbb\\ndddd'
    """
    if len(text) <= max_chars:
        return text
    f = fast()
    if f is not None:
        return f.sample(text, max_chars)
    lines = text.split("\n")
    lens = list(map(len, lines))
    # longest first; equal lengths keep document order (a reverse sort is stable)
    order = sorted(range(len(lines)), key=lens.__getitem__, reverse=True)
    keep: list[int] = []
    total = 0
    for i in order:
        if total >= max_chars:
            break
        keep.append(i)
        total += lens[i]
    keep.sort()
    return "\n".join([lines[i] for i in keep])[: max_chars * 2]


def _script_counts(s: str) -> tuple[int, int, int, int]:
    """``(kana, han, hangul, thai)``: how many characters of ``s`` are in each script."""
    f = fast()
    if f is not None:  # the same four counts, one compiled pass
        return f.script_counts(s)
    kana = han = hangul = thai = 0
    for c in _SCRIPTS.findall(s):
        o = ord(c)
        if o <= 0x0E7F:
            thai += 1
        elif o <= 0x30FF:
            kana += 1
        elif o <= 0x9FFF:
            han += 1
        else:
            hangul += 1
    return kana, han, hangul, thai


def _nonblank(s: str) -> int:
    """The characters of ``s`` that are neither spaces nor line breaks."""
    return len(s) - s.count(" ") - s.count("\n")


def _by_script(s: str) -> str | None:
    """Japanese, Chinese, Korean or Thai when that script makes up a third or more of
    the sample's non-blank characters."""
    kana, han, hangul, thai = _script_counts(s)
    if (kana + han + hangul + thai) * 3 < _nonblank(s):
        return None
    if kana + han >= hangul + thai:
        return "ja" if kana * 20 >= kana + han else "zh"
    return "ko" if hangul >= thai else "th"


def east_asian_chars(s: str) -> int:
    """How many characters of ``s`` are Japanese, Chinese, Korean or Thai (one compiled
    pass; none in ASCII text, which is told at once).

    >>> east_asian_chars("東京 and ソウル"), east_asian_chars("plain")
    (5, 0)
    """
    return 0 if s.isascii() else sum(_script_counts(s))


def east_asian_share(s: str) -> float:
    """The share of the non-blank characters of ``s`` that are Japanese, Chinese, Korean
    or Thai: the scripts whose words no stoplist of a European language reads.

    >>> round(east_asian_share("以某核电厂为对象 as a model"), 2)
    0.5
    >>> east_asian_share("plain text"), east_asian_share("café"), east_asian_share(" \\n")
    (0.0, 0.0, 0.0)
    """
    n = _nonblank(s)
    return east_asian_chars(s) / n if n > 0 else 0.0


@lru_cache(maxsize=1)
def _declared_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(ISO 639-3 code -> ISO 639-1 code, lowercase jusText stoplist name -> ISO 639-1 code)."""
    from .detectors.base import load_patterns

    ps = load_patterns("furniture")
    iso3 = {}
    for line in ps.get("iso639_3"):
        three, _, two = line.partition(" ")
        iso3[three.strip()] = two.strip()
    names = {}
    for line in ps.get("languages"):
        code, _, name = line.partition(" ")
        names.setdefault(name.strip().lower(), code.strip())
    return iso3, names


_LIST_SEP = re.compile(r"[,;\s]+")


def language_code(value: Any) -> str | None:
    """The ISO 639-1 code of a record's *declared* language, or None when the value
    cannot be read (cleaner then detects the language itself).

    Dumps write it in many ways: ``en``, ``en-US``, ``pt_BR``; ISO 639-3 (``eng``, as in
    Common Crawl's ``WARC-Identified-Content-Language``, which lists several: ``deu,eng``
    means mostly German); or the English name of the language.

    >>> [language_code(v) for v in ("en", "EN-us", "pt_BR", "eng", "deu,eng", "German")]
    ['en', 'en', 'pt', 'en', 'de', 'de']
    >>> [language_code(v) for v in ("", "und", "x-klingon", "English (UK)", None, 3)]
    [None, None, None, 'en', None, None]
    """
    return _language_code(value) if isinstance(value, str) else None


@lru_cache(maxsize=256)
def _language_code(value: str) -> str | None:
    first = _LIST_SEP.split(value.strip().lower(), maxsplit=1)[0]
    if not first:
        return None
    iso3, names = _declared_tables()
    if first in names:
        return names[first]
    primary = re.split(r"[-_]", first, maxsplit=1)[0]
    if len(primary) == 2 and primary.isascii() and primary.isalpha():
        return primary
    return iso3.get(primary)


def detect_language(text: str, max_chars: int = 1000) -> tuple[str, float]:
    """``(ISO 639-1 code, probability)``; ``("und", 0.0)`` when there are no letters
    or too few stoplist words to tell.

    >>> detect_language("The government said on Tuesday that it would raise taxes.")[0]
    'en'
    >>> detect_language("Der Bundestag hat am Freitag ein Gesetz beschlossen, das die Mieten begrenzt.")[0]
    'de'
    >>> detect_language("Le gouvernement a annoncé mardi une hausse des impôts pour les entreprises.")[0]
    'fr'
    >>> detect_language("東京都は、新しい計画を発表しました。")[0]
    'ja'
    >>> detect_language("1234 5678")
    ('und', 0.0)
    """
    return language_of_sample(sample(text, max_chars))


def language_of_sample(s: str) -> tuple[str, float]:
    """:func:`detect_language`'s answer from its sample, ``sample(text, max_chars)`` (for
    a caller that keeps the sample, as ``Document`` does).

    >>> language_of_sample(sample("Die Regierung hat am Dienstag die Steuern erhöht, sagte der Minister.\\n" * 30))[0]
    'de'
    """
    ascii_ = s.isascii()
    f = fast()
    if ascii_ and f is not None:
        # the English check below, compiled: no string made per word (most samples)
        n, hits = _en_table().count_words(s)
        if not n:
            return "und", 0.0
        if n >= 20 and hits * 4 >= n:
            return "en", 0.99
    low = lowercase(s)
    same = ascii_ or _engines_differ().search(low) is None  # the stdlib engine cuts the same words
    rows: list[int] | None = None
    if f is not None and same:
        # the words' count, their English stopwords and their vocabulary rows in one
        # compiled pass, no string made per word (cleaner._fast.lang_words)
        n_words, n_en, rows = f.lang_words(low, _en_stop_table(), _vocab_table())
    else:
        words = (_WORD_ASCII if same else _WORD).findall(low)
        n_words = len(words)
        n_en = sum(map(EN_STOP.__contains__, words)) if n_words >= 20 else 0
    if not n_words:
        return "und", 0.0
    if n_words >= 20 and n_en * 4 >= n_words:
        return "en", 0.99
    if not ascii_:
        script = _by_script(s)
        if script is not None:
            return script, 0.9
    vocab, table, codes = _model()
    if rows is None:
        get = vocab.get
        rows = [r for r in map(get, words) if r is not None]
    if len(rows) < MIN_HITS:
        return "und", 0.0
    import numpy as np

    scores = table[rows].sum(axis=0, dtype=np.float64)
    best = int(scores.argmax())
    p = np.exp(scores - scores[best])
    return codes[best], float(1.0 / p.sum())

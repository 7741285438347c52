"""Issue 8, adversarial text: 1 MB lines built to make regexes backtrack, through the whole
default pipeline and through every registered detector, and every pattern of every
pattern file in cleaner/data/ run alone on hostile strings.

Times are CPU seconds of this process (``time.process_time``), so a busy machine does not
make the tests flaky; catastrophic backtracking costs minutes, not a second.
"""
from __future__ import annotations

import gc
import glob
import os
import time

import pytest
import regex

import cleaner
from cleaner import registry
from cleaner.detectors import DEFAULT_DETECTORS
from cleaner.detectors.base import parse_patterns
from cleaner.document import Document
from cleaner.pipeline import Pipeline

MB = 1_000_000


def _fill(unit: str, n: int = MB) -> str:
    return (unit * (n // len(unit) + 1))[:n]


#: one line each, ~1 MB: the issue's four, and other shapes the patterns care about
ADVERSARIAL = {
    "pipes": "| ",
    "a repeated": "a",
    "Copyright repeated": "Copyright ",
    "link-farm phrase": "Learn about cars at Cars.com and more at Example.org ",
    "link anchors": "Click here to read more ",
    "urls": "http://www.example.com/a/b?c=d ",
    "cookie notice": "We use cookies to improve your experience. ",
    "copyright symbols": "© 2024 ",
    "dots": ". ",
    "all rights": "All rights reserved. ",
    "menu": "Home | News | Sport | ",
}
SLOW_S = 1.0


def _cpu(fn, *args) -> float:
    """CPU seconds of ``fn(*args)``, without the garbage collector (whose passes over
    many small objects make timings noisy and slightly superlinear)."""
    gc.collect()
    gc.disable()
    try:
        t = time.process_time()
        fn(*args)
        return time.process_time() - t
    finally:
        gc.enable()


@pytest.fixture(scope="module")
def warm():
    cleaner.clean("Warm up every lazy model once: the committee met on Monday.\n© 2024 Foo. All rights reserved.")
    return True


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_one_mb_line_through_the_default_pipeline(warm, name):
    text = _fill(ADVERSARIAL[name])
    took = _cpu(cleaner.clean, text)
    assert took < SLOW_S, f"{name}: {took:.2f}s CPU for 1 MB"


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_many_short_lines_cost_linear_time(warm, name):
    """The same units one per line: the cost per line is Python work (about 10-20 us a
    line, so 1 MB of "|\n" takes seconds: a throughput matter), but it must not grow
    faster than linearly.  Four times the lines may cost up to 8 times as much (noise,
    caches); a quadratic detector would cost 16 times."""
    unit = ADVERSARIAL[name].strip() + "\n"
    t1 = min(_cpu(cleaner.clean, _fill(unit, 20_000)) for _ in range(2))
    t4 = min(_cpu(cleaner.clean, _fill(unit, 80_000)) for _ in range(2))
    assert t4 < 8 * t1 + 0.05, f"{name}: {t1:.3f}s for 20 kB, {t4:.3f}s for 80 kB"


def _registered_outside_default():
    return sorted(n for n in registry.available() if n not in DEFAULT_DETECTORS)


def test_every_registered_detector_on_one_mb_lines(warm):
    """Detectors that are registered but not on by default (plugins, site_boilerplate
    ...) are run alone; the default ones ran in the test above.  A detector that cannot
    be built without parameters is reported, not skipped silently."""
    unbuildable = []
    for name in _registered_outside_default():
        try:
            det = registry.create(name)
        except Exception as exc:  # needs a profile or parameters
            unbuildable.append(f"{name}: {type(exc).__name__}")
            continue
        for case, unit in ADVERSARIAL.items():
            doc = Document(Pipeline().normalise(_fill(unit)))
            took = _cpu(lambda: list(det.detect(doc)))
            assert took < SLOW_S, f"{name} on {case}: {took:.2f}s CPU"
    print("registered detectors that need parameters (not run alone):", unbuildable)


def _pattern_files():
    data = os.path.join(os.path.dirname(cleaner.__file__), "data")
    return sorted(glob.glob(os.path.join(data, "*.txt")))


def _hostile(ps_text: str) -> list[str]:
    """Generic hostile strings plus ones made of the file's own words, 20 k characters
    each: enough to make a quadratic pattern take seconds, an exponential one forever."""
    words = regex.findall(r"[^\W\d_]{3,}", ps_text.lower())[:200]
    own = " ".join(words)
    out = [_fill(u, 20_000) for u in ("| ", "a", "copyright ", "© ", ". ", " ", "-", "a.", "www.a", "<a>")]
    out.append(_fill(own + " ", 20_000))
    out.append(_fill(own.replace(" ", ""), 20_000))
    out.append(_fill(own.replace(" ", " | "), 20_000))
    return out


@pytest.mark.parametrize("path", _pattern_files(), ids=os.path.basename)
def test_every_pattern_in_the_data_files_is_linear(path):
    text = open(path, encoding="utf-8").read()
    ps = parse_patterns(text)
    hostile = _hostile(text)
    checked = 0
    for section, pats in ps.sections.items():
        for pat in pats:
            try:
                rx = regex.compile(pat, regex.I)
            except regex.error:
                continue  # a literal that is not a regex (word lists, characters)
            checked += 1
            for s in hostile:
                t = time.process_time()
                try:
                    for _ in rx.finditer(s, timeout=SLOW_S):
                        pass
                except TimeoutError:
                    pytest.fail(f"{os.path.basename(path)} [{section}] {pat!r} timed out on {s[:30]!r}...")
                took = time.process_time() - t
                assert took < 0.25, f"{os.path.basename(path)} [{section}] {pat!r}: {took:.2f}s on {s[:30]!r}"
    assert checked > 0


def _keyword_detectors():
    from cleaner.detectors.base import KeywordBlockDetector

    return [d for d in Pipeline().detectors if isinstance(d, KeywordBlockDetector)]


def test_keyword_patterns_on_short_lines_need_no_timeout():
    """The keyword detectors match lines of up to ``SHORT_SUBJECT`` characters without
    the regex timeout (arming it costs more than the match).  Their compiled patterns
    (the whole-line alternation, the cue scan and the tail) must then be fast on any
    such line: here hostile lines of exactly that length, made of the detector's own
    triggers, its pattern file's words and the generic units, each within 20 ms."""
    from cleaner.detectors.base import SHORT_SUBJECT, load_patterns

    dets = _keyword_detectors()
    assert {d.name for d in dets} >= {"copyright", "gdpr_notice", "publisher_footer"}
    for det in dets:
        src = open(os.path.join(os.path.dirname(cleaner.__file__), "data", f"{det.name}.txt"), encoding="utf-8").read()
        units = [u.lower() for u in ADVERSARIAL.values()]
        units += [t + sep for t in det.triggers + (det.line_triggers or ()) for sep in (" ", "", " | ", ". ")]
        units += [s[:300] for s in _hostile(src)]
        assert load_patterns(det.name).get("triggers")
        for unit in units:
            line = _fill(unit, SHORT_SUBJECT)
            for what, fn in (("line", lambda s: det._line and det._line.fullmatch(s)),
                             ("cues", lambda s: list(det._cues.finditer(s))),
                             ("tail", lambda s: det._tail and det._tail.search(s, 1))):
                t = time.process_time()
                for _ in range(5):
                    fn(line)
                took = (time.process_time() - t) / 5
                assert took < 0.02, f"{det.name} {what} on {line[:30]!r}: {took * 1e3:.1f} ms"

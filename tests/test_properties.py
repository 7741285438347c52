"""Issue 8, properties over generated text (hypothesis): idempotence, spans in bounds and
disjoint, delete mode only removes, output is valid JSON and UTF-8, records in = records
out + rejected, and the same bytes for any number of workers."""
from __future__ import annotations

import json
import os
import random

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.config import PipelineConfig
from cleaner.pipeline import Pipeline
from cleaner.runner import Batch, init_worker, process_batch, run

# Lines that trip the detectors, so that the properties are exercised on real removals.
BOILER = [
    "| | |", ". | . |", "* * *", "-----", "Copyright 2024 Foo Media. All rights reserved.",
    "© 2023 Example News Ltd", "All rights reserved.", "Home | News | Sport | Contact",
    "Read more", "Click here", "Learn about cars at Cars.com and trucks at Trucks.com",
    "Related articles", "http://a.com http://b.com http://c.com", "We use cookies to improve your experience.",
    "Privacy Policy", "Terms of Use", "Follow us on Twitter", "Sign up for our newsletter",
    "Home", "News", "Sport", "Contact", "About us", "Share this article", "Advertisement",
]
PROSE = [
    "The committee published its findings on Monday after a two-year inquiry into the collapse.",
    "Rain is expected across the north on Tuesday, with temperatures falling to 5C.",
    "She said the copyright law had not changed since 1998, and that cookies were a separate matter.",
    "Der Ausschuss hat am Montag seinen Bericht vorgelegt.",
    "Le gouvernement a annoncé une nouvelle loi mardi soir à Paris.",
    "政府は月曜日に報告書を公表した。",
    "東京都は、新しい計画を発表しました。住民の意見を聞いて決めるということです。これは長い文章の例です。",
]
# Short junk in other scripts and lines of other spaces: pages of these around one
# sentence once changed language when cleaned (test_pipeline.py)
JUNK = ["ß", "ﬁ", "İ", "ΑΣ", "\u3000", "\u3000Home", "Home\u3000", "\u1680", "1 2 3", "Tags: a, b", "»"]
ODD = st.text(alphabet=st.sampled_from(list("ab |.*-©\u00a0\u200b\t\r\u2028é\x00\x1b\u0301") + ["\n"]), max_size=40)
LINE = st.one_of(st.sampled_from(BOILER), st.sampled_from(PROSE), st.sampled_from(JUNK), ODD, st.text(max_size=30))
DOC = st.lists(LINE, max_size=24).flatmap(
    lambda ls: st.lists(st.sampled_from(["\n", "\n\n", " \n", "\r\n"]), min_size=len(ls), max_size=len(ls)).map(
        lambda seps: "".join(a + b for a, b in zip(ls, seps))
    )
)
#: examples per property (benchmarks/fuzz.py raises it for long runs)
EXAMPLES = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "80"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: the default pipeline without post-detection word fixers (the typo fixer edits words)
PLAIN = Pipeline(PipelineConfig().replace(post=()))
DEFAULT = Pipeline()


@FAST
@given(DOC)
def test_idempotent(text):
    once = cleaner.clean(text)
    assert cleaner.clean(once) == once


@FAST
@given(DOC)
def test_spans_in_bounds_and_disjoint_after_merging(text):
    res = DEFAULT.clean(text, mode="annotate")
    n = len(res.source)
    assert res.text == res.source
    for s in res.raw_spans:
        assert 0 <= s.start < s.end <= n, s
    prev_end = -1
    for s in res.spans:
        assert 0 <= s.start < s.end <= n, s
        assert s.start > prev_end, (s, prev_end)  # merged: neither overlapping nor touching
        prev_end = s.end
    # every raw span is covered by a merged one
    for r in res.raw_spans:
        assert any(m.start <= r.start and r.end <= m.end for m in res.spans), r


def _subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


@FAST
@given(DOC)
def test_delete_mode_only_removes(text):
    """Whitespace aside, the output is a subsequence of the normalised input: nothing is
    added, nothing reordered (post-detection word fixers are off: they edit on purpose)."""
    res = PLAIN.clean(text, mode="delete")
    squeeze = lambda s: "".join(s.split())  # noqa: E731
    assert _subsequence(squeeze(res.text), squeeze(res.source))
    assert len(squeeze(res.text)) == len(squeeze(res.source)) - sum(
        len(squeeze(res.source[s.start:s.end])) for s in res.spans
    )


# ---------------------------------------------------------------- records and output
def _valid(text: str) -> bytes:
    return orjson.dumps({"text": text, "id": 1})


BAD_LINES = [b"{", b"[]", b"null", b'{"text": 1}', b'{"x": "y"}', b'{"text": "a", "text": "b"}',
             b'{"text": "\xff"}', b'{"text": "\\ud800"}', b"", b"   ", b'{"text": "ok"} trailing']
RAW_LINE = st.one_of(DOC.map(_valid), st.sampled_from(BAD_LINES), st.binary(max_size=30))


_WORKERS: dict = {}


def _use(drop_empty: bool, mode: str) -> None:
    """init_worker for this config, built once per config (building loads models)."""
    import cleaner.runner as R

    key = (drop_empty, mode)
    if key not in _WORKERS:
        init_worker(PipelineConfig.from_dict({"drop_empty": drop_empty, "mode": mode}).to_dict())
        _WORKERS[key] = (R._PIPELINE, R._CONFIG)
    R._PIPELINE, R._CONFIG = _WORKERS[key]


def _batch(lines: list[bytes]) -> Batch:
    return Batch("gen.jsonl", 1, [ln.replace(b"\n", b" ") + b"\n" for ln in lines])


@settings(max_examples=max(EXAMPLES, 150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RAW_LINE, max_size=12), st.booleans(), st.sampled_from(["delete", "annotate"]))
def test_records_in_equal_out_plus_rejected_and_output_is_valid(lines, drop_empty, mode):
    _use(drop_empty, mode)
    b = _batch(lines)
    res = process_batch(b)
    st_ = res.stats
    outs = res.out.splitlines()
    rejs = res.rejects.splitlines()
    assert st_.records_in == len(lines)
    assert st_.records_out == len(outs) and st_.rejected == len(rejs)
    assert st_.records_out + st_.rejected + st_.dropped_empty == st_.records_in
    assert sum(st_.reject_reasons.values()) == st_.rejected
    for line in outs:
        line.decode("utf-8")  # strict UTF-8
        rec = json.loads(line)  # valid JSON for the stdlib
        assert orjson.loads(line) == rec  # and for orjson (no lone surrogates, no NaN)
        assert isinstance(rec["text"], str)
    seen = []
    for line in rejs:
        r = orjson.loads(line)
        assert r["reason"] and r["source"] == "gen.jsonl"
        seen.append(r["line"])
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    assert all(1 <= n <= len(lines) for n in seen)


def _corpus(seed: int, n: int) -> bytes:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        k = rnd.random()
        if k < 0.1:
            out.append(rnd.choice(BAD_LINES) + b"\n")
        else:
            lines = [rnd.choice(BOILER + PROSE) for _ in range(rnd.randint(1, 8))]
            out.append(orjson.dumps({"id": i, "text": "\n".join(lines)}) + b"\n")
    return b"".join(out)


def test_same_bytes_for_any_number_of_workers(tmp_path):
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(_corpus(8, 1500))
    results = []
    for w in (1, 2, 3):
        out, rej = tmp_path / f"o{w}.jsonl.gz", tmp_path / f"r{w}.jsonl"
        st_ = run([str(inp)], str(out), PipelineConfig(), workers=w, rejects=str(rej), batch_bytes=4096)
        results.append((out.read_bytes(), rej.read_bytes(), st_.as_dict()))
    assert results[0] == results[1] == results[2]
    st_ = results[0][2]
    assert st_["records_in"] == 1500 == st_["records_out"] + st_["rejected"] and st_["rejected"] > 0

"""Golden output: a fixed small corpus and the exact bytes cleaner makes of it.

``tests/fixtures/golden/input.jsonl`` is a hand-written corpus (news-like prose with
menus, notices, link lists, separators; several languages; CRLF, NBSP, zero-width,
control characters, non-NFC text, ``İ``; empty and odd records).  The expected outputs
are committed beside it, for delete mode and for annotate mode (which also pins every
span's offsets, detector and reason).  Speed work on the hot path must leave them
byte-identical, at 1 worker and at 2.

The configuration is pinned (the core detectors, no typo fixer), so that a new detector
joining the default pipeline does not move these bytes; detectors that change output on
purpose regenerate the files and the diff is reviewed::

    CLEANER_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""
from __future__ import annotations

import os

import pytest

from cleaner.config import PipelineConfig
from cleaner.runner import run

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "golden")
INPUT = os.path.join(HERE, "input.jsonl")
REGEN = os.environ.get("CLEANER_REGEN_GOLDEN") == "1"

CORE = ["separators", "link_farm", "copyright", "publisher_footer", "gdpr_notice"]
CONFIGS = {
    "delete": {"mode": "delete", "normalisers": {"typos": False}, "detectors": {"enabled": CORE}},
    "annotate": {"mode": "annotate", "normalisers": {"typos": False}, "detectors": {"enabled": CORE}},
}


def _clean(tmp_path, name: str, workers: int, batch_bytes: int) -> bytes:
    out = tmp_path / f"{name}-{workers}-{batch_bytes}.jsonl"
    cfg = PipelineConfig.from_dict(CONFIGS[name])
    st = run([INPUT], str(out), cfg, workers=workers, batch_bytes=batch_bytes)
    assert st.rejected == 0
    return out.read_bytes()


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_golden_output(tmp_path, name):
    expected_path = os.path.join(HERE, f"{name}.jsonl")
    got = _clean(tmp_path, name, 1, 1 << 20)
    if REGEN:
        with open(expected_path, "wb") as f:
            f.write(got)
    with open(expected_path, "rb") as f:
        expected = f.read()
    assert got.count(b"\n") == sum(1 for _ in open(INPUT, "rb"))
    if got != expected:
        got_l, exp_l = got.splitlines(), expected.splitlines()
        first = next(i for i, (a, b) in enumerate(zip(got_l + [b""], exp_l + [b""])) if a != b)
        pytest.fail(f"{name}: output differs from the golden file at record {first}:\n"
                    f"  got      {got_l[first][:300]!r}\n  expected {exp_l[first][:300]!r}")


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_golden_output_two_workers_small_batches(tmp_path, name):
    """The same bytes with 2 worker processes and many small batches (order kept)."""
    with open(os.path.join(HERE, f"{name}.jsonl"), "rb") as f:
        expected = f.read()
    assert _clean(tmp_path, name, 2, 512) == expected


def test_golden_corpus_exercises_every_core_detector():
    """The corpus is only a guard if each detector fires on it somewhere."""
    import orjson

    with open(os.path.join(HERE, "annotate.jsonl"), "rb") as f:
        recs = [orjson.loads(line) for line in f]
    fired = {name for r in recs for s in r["cleaner_spans"] for name in s[2].split("+")}
    assert fired >= set(CORE), set(CORE) - fired
    with open(os.path.join(HERE, "delete.jsonl"), "rb") as f:
        deleted = [orjson.loads(line)["text"] for line in f]
    # and some records come through untouched (precision guard)
    with open(INPUT, "rb") as f:
        inputs = [orjson.loads(line)["text"] for line in f]
    assert sum(1 for a, b in zip(inputs, deleted) if a == b) >= 3


def test_combined_prefilter_equals_one_scan_per_trigger():
    """The one-pass Aho-Corasick prefilter files every trigger hit under the same block
    as the reference ``str.find`` scan, for every trigger set of the default pipeline."""
    import orjson

    from cleaner.detectors.base import _candidate_blocks_scan, candidate_blocks
    from cleaner.document import Document
    from cleaner.pipeline import Pipeline

    pipe = Pipeline()
    sets = []
    for det in pipe.detectors:
        for attr in ("triggers", "line_triggers", "_heading_triggers", "_action_triggers", "_menu_triggers", "_url_triggers", "_cues"):
            t = getattr(det, attr, None)
            if isinstance(t, (tuple, list)) and t and all(isinstance(x, str) for x in t):
                sets.append(tuple(t))
    assert len(sets) >= 6
    with open(INPUT, "rb") as f:
        texts = [orjson.loads(line)["text"] for line in f]
    texts += [
        "all rights reserved rights (c) © copyright\n\n  \nprivacy policy | terms | cookies",
        "   leading blank line\n\tcopyright 2020\n \nhome | news | sport\nwww.example.com/x",
        "İstanbul © 2020 — RIGHTS. Rights; rights\nread more » more »",
    ]
    for text in texts:
        for raw in (text, pipe.normalise(text)):
            doc = Document(raw)
            for trig in sets:
                assert candidate_blocks(doc, trig) == _candidate_blocks_scan(Document(raw), trig), (trig[:3], raw[:60])

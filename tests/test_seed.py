"""The seed: a news article followed by a link farm, a copyright/GDPR footer and separators."""
from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest

import cleaner
from conftest import SEEDS

with open(os.path.join(SEEDS, "spacewar.jsonl"), "rb") as f:
    SEED = orjson.loads(f.readline())
with open(os.path.join(SEEDS, "spacewar.expected.txt"), encoding="utf-8") as f:
    EXPECTED = f.read()
# The three typos that the typo normaliser fixes; without it they stay.
TYPOS = [("coordinate", "coordonate"), ("launch air", "lauch air"), ("opposition", "oppostion")]


def _accept(out: str) -> None:
    unfixed = EXPECTED
    for good, bad in TYPOS:
        unfixed = unfixed.replace(good, bad, 1)
    assert out in (EXPECTED, unfixed)


def test_seed_library():
    _accept(cleaner.clean(SEED["text"]))


def test_seed_spans_name_their_detectors():
    spans = cleaner.explain(SEED["text"])
    dets = {s.detector for s in spans}
    assert {"separators", "link_farm", "copyright", "gdpr_notice", "publisher_footer"} <= dets
    text = cleaner.Pipeline().normalise(SEED["text"])
    farm = [s for s in spans if s.detector == "link_farm"][0]
    assert text[farm.start : farm.end].startswith("Related Links Learn about")
    gdpr = [s for s in spans if s.detector == "gdpr_notice"][0]
    assert "General Data Protection Regulation" in text[gdpr.start : gdpr.end]


def test_seed_cli_subprocess(tmp_path):
    """The real console script, as a user runs it, with 2 workers."""
    out = tmp_path / "out.jsonl.zst"
    exe = os.path.join(os.path.dirname(sys.executable), "clean")
    r = subprocess.run([exe, os.path.join(SEEDS, "spacewar.jsonl"), "-o", str(out), "--workers", "2"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    import zstandard

    with open(out, "rb") as f:
        data = zstandard.ZstdDecompressor().stream_reader(f).read()
    rec = orjson.loads(data.splitlines()[0])
    assert list(rec) == ["id", "url", "text"]  # other fields pass through, in order
    _accept(rec["text"])
    assert "1 in, 1 out, 0 rejected" in r.stderr

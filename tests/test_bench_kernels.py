"""``benchmarks/kernel_floor.py``'s child: the compiled scans of the default pipeline's
first pass, run alone.  It must keep calling the scans the pipeline calls (a renamed
table or function would otherwise make the benchmark time nothing), keep every record,
and write the text the pipeline's PRE fixers make."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import orjson
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.kernel_floor import KERNELS  # noqa: E402
from cleaner._compiled import fast  # noqa: E402
from cleaner.normalisers.unicode import nfc_stable_bits  # noqa: E402
from cleaner.pipeline import Pipeline  # noqa: E402

TEXTS = [
    "Russia sent in its warplanes to launch air strikes at the request of Syria.  \r\n"
    "The strikes began on Wednesday, officials said.\n\n\n\nHome | News | Contact",
    "Copyright 2024 Example Media Group. All rights reserved.\nWe use cookies on this site.",
    "Cafe\u0301 au lait, cre\u0300me bru\u0302le\u0301e: the menu\u200b of the day.\t\tPrices in \u20ac.",
    "Une phrase en fran\u00e7ais, avec des mots courants et une longue ligne de texte " * 20,
    "",
    "\U0001f600 emoji line\nand teh typo line with a mispelled word\n",
]


@pytest.mark.skipif(fast() is None, reason="the benchmark times the compiled module's scans")
def test_kernel_child_keeps_every_record_and_writes_the_normalised_text(tmp_path):
    inp, out, script = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "run_kernels.py"
    recs = [{"id": i, "text": t} for i, t in enumerate(TEXTS * 5)]  # (more than the 20 of its warm-up)
    inp.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    script.write_text(KERNELS)
    subprocess.run([sys.executable, str(script), str(inp), str(out)], check=True, timeout=300)
    got = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    pipe = Pipeline()
    assert [g["id"] for g in got] == [r["id"] for r in recs]
    # the pipeline's PRE fixers' text, except where the fused pass hands a text back (NFC
    # might change it): the child leaves the chain's work out and writes it as it came
    bits = nfc_stable_bits()
    handed_back = [fast().normal_text(r["text"], bits) is None for r in recs]
    assert 0 < sum(handed_back) < len(recs)
    assert [g["text"] for g in got] == [r["text"] if back else pipe.normalise(r["text"])
                                        for r, back in zip(recs, handed_back)]
    stats = json.loads((tmp_path / "out.jsonl.json").read_text())
    assert stats["loop_cpu"] > 0
    assert set(stats["steps"]) == {"orjson loads", "normal_text", "lowercase", "block list", "trigger scan",
                                   "block_counts", "typo_words", "language sample", "orjson dumps, write"}
    assert all(v >= 0 for v in stats["steps"].values())

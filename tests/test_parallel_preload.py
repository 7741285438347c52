"""Workers that fork share the models the parent loaded (cleaner.runner.preload)."""
from __future__ import annotations

import gc

import orjson
import pytest

from cleaner import runner
from cleaner.config import PipelineConfig
from cleaner.detectors.base import _max_width
from cleaner.parallel import forks

ARTICLE = ("The council voted on Monday to close two of the city's libraries, and the mayor said the "
           "decision had been taken with great reluctance after months of talks.")


def _write(path, n):
    with open(path, "wb") as f:
        for i in range(n):
            f.write(orjson.dumps({"id": i, "text": f"{ARTICLE} Story {i}.\nCopyright 2024 Example Media. "
                                                   "All rights reserved."}) + b"\n")


@pytest.mark.skipif(not forks(), reason="workers are not forked on this platform")
def test_the_parent_preloads_once_before_forking_and_output_is_unchanged(tmp_path, monkeypatch):
    calls = []
    real = runner.preload

    def spy(cfg):
        real(cfg)
        calls.append(gc.get_freeze_count())

    monkeypatch.setattr(runner, "preload", spy)
    inp = tmp_path / "in.jsonl"
    _write(inp, 40)
    outs = {}
    for w in (1, 2):
        out = tmp_path / f"o{w}.jsonl"
        st = runner.run([str(inp)], str(out), PipelineConfig(), workers=w, batch_bytes=2000)
        assert st.records_out == 40
        outs[w] = out.read_bytes()
        # once a run (one worker: in this process, which then cleans), and the
        # warmed-up objects were out of the collector's reach while it ran ...
        assert len(calls) == w and calls[-1] > 0
        assert gc.get_freeze_count() == 0  # ... and are the collector's again after it
    assert outs[1] == outs[2]
    assert b"All rights reserved" not in outs[2]


def test_a_worker_cleans_with_the_pipeline_preload_built_from_the_same_config(tmp_path):
    inp = tmp_path / "in.jsonl"
    _write(inp, 5)
    cfg = PipelineConfig()
    runner.run([str(inp)], str(tmp_path / "o.jsonl"), cfg, workers=1)
    held_cfg, held = runner._PRELOADED
    assert runner._PIPELINE is held and held_cfg == cfg.to_dict()
    # another config: its own pipeline, built from the dict
    other = PipelineConfig.from_dict({"detectors": {"enabled": ["separators"]}})
    runner.init_worker(other.to_dict())
    assert runner._PIPELINE is not held and [d.name for d in runner._PIPELINE.detectors] == ["separators"]
    runner.init_worker(cfg.to_dict())
    assert runner._PIPELINE is held


@pytest.mark.parametrize("pattern, width", [
    (r"[^\w\n]{0,8}(?:about(?: us)?)[^\w\n]{0,8}", 24),
    (r"(?:sitemap)|(?:site map)", 8),
    (r"a+", 1 << 62),               # unbounded: never a reason to skip a line
    (r"\p{L}{1,3}", 1 << 62),       # syntax only `regex` knows: treated as unbounded
])
def test_max_width_of_a_line_pattern(pattern, width):
    assert min(_max_width(pattern), 1 << 62) == width

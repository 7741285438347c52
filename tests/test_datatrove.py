"""cleaner.datatrove.CleanerStep through datatrove's LocalPipelineExecutor.

Needs the ``datatrove`` extra; skipped cleanly without it.
"""
from __future__ import annotations

import glob
import os
import pickle

import orjson
import pytest

pytest.importorskip("datatrove")
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleaner.config import PipelineConfig  # noqa: E402
from cleaner.datatrove import CleanerStep  # noqa: E402
from cleaner.runner import run  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "golden", "input.jsonl")
CORE = ["separators", "link_farm", "copyright", "publisher_footer", "gdpr_notice"]
FAST = {"normalisers": {"typos": False}, "detectors": {"enabled": CORE}}


def _records() -> list[dict]:
    with open(GOLDEN, "rb") as f:
        return [orjson.loads(line) for line in f]


def _cli(tmp_path, config: dict) -> list[dict]:
    inp, out = tmp_path / "cli-in.jsonl", tmp_path / "cli-out.jsonl"
    inp.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in _records()))
    run([str(inp)], str(out), PipelineConfig.from_dict(config), workers=1)
    return [orjson.loads(line) for line in out.read_bytes().splitlines()]


def _run_datatrove(tmp_path, step: CleanerStep, tasks: int = 1) -> list[dict]:
    src = tmp_path / "src"
    src.mkdir()
    recs = _records()
    # two shards, so that two tasks each build their own pipeline
    half = len(recs) // 2
    for name, part in (("a.jsonl", recs[:half]), ("b.jsonl", recs[half:])):
        (src / name).write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in part))
    out = tmp_path / "out"
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(src)), step, JsonlWriter(str(out), output_filename="${rank}.jsonl", compression=None)],
        tasks=tasks,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    got: list[dict] = []
    for path in sorted(glob.glob(str(out / "*.jsonl"))):
        with open(path, "rb") as f:
            got += [orjson.loads(line) for line in f]  # (the writer leaves out an empty "text")
    return got


def test_step_through_local_executor_matches_cli(tmp_path):
    got = _run_datatrove(tmp_path, CleanerStep(FAST), tasks=2)
    # datatrove's reader skips records whose text is empty; every other one comes through
    readable = {r["id"] for r in _records() if r["text"]}
    want = {r["id"]: r["text"] for r in _cli(tmp_path, FAST) if r["id"] in readable}
    assert len(got) == len(want) == len(readable)
    assert {d["id"]: d.get("text", "") for d in got} == want


def test_annotate_mode_puts_spans_in_metadata(tmp_path):
    config = {**FAST, "mode": "annotate"}
    got = _run_datatrove(tmp_path, CleanerStep(config))
    want = {r["id"]: r for r in _cli(tmp_path, config)}
    for d in got:
        assert d.get("text", "") == want[d["id"]]["text"]
        assert d["metadata"]["cleaner_spans"] == want[d["id"]]["cleaner_spans"]
    assert any(d["metadata"]["cleaner_spans"] for d in got)


def test_drop_empty_and_stats(tmp_path):
    step = CleanerStep({**FAST, "drop_empty": True})
    got = _run_datatrove(tmp_path, step)
    want = _cli(tmp_path, {**FAST, "drop_empty": True})
    readable = {r["id"] for r in _records() if r["text"]}
    assert [d.get("text", "") for d in got] == [r["text"] for r in want if r["id"] in readable]
    assert len(got) < len(readable)  # some records were emptied and dropped


def test_step_pickles_without_its_pipeline():
    step = CleanerStep(FAST)
    step._get_pipeline()
    clone = pickle.loads(pickle.dumps(step))
    assert clone._pipeline is None and clone.config == step.config
    assert clone._get_pipeline().config == PipelineConfig.from_dict(FAST)

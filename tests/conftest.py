"""Shared fixtures: the labelled cases in seeds/cases, and a CLI runner."""
from __future__ import annotations

import glob
import os
import tomllib

import orjson
import pytest
from click.testing import CliRunner

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "seeds")
KINDS = {
    "in_the_wild": "wild",
    "synthetic": "synthetic",
    "must_not_change": "keep",
    "known_failures": "known_failure",
}


def load_cases() -> list[dict]:
    cases = []
    for path in sorted(glob.glob(os.path.join(SEEDS, "cases", "*.toml"))):
        kind = KINDS[os.path.splitext(os.path.basename(path))[0]]
        with open(path, "rb") as f:
            for c in tomllib.load(f)["case"]:
                c = dict(c)
                c["kind"] = kind
                cases.append(c)
    return cases


def expected_of(case: dict) -> str:
    """The expected output.  must-not-change cases expect their own (normalised) text."""
    import cleaner

    if "expected" in case:
        exp = case["expected"]
        return exp.lstrip("\n")
    return cleaner.Pipeline().normalise(case["text"])


def run_cli(tmp_path, texts: list[str], *args: str) -> list[dict]:
    """Run `clean` in-process over records holding ``texts``; return the output records."""
    from cleaner.cli import main

    inp = tmp_path / "in.jsonl"
    out = tmp_path / "out.jsonl"
    with open(inp, "wb") as f:
        for i, t in enumerate(texts):
            f.write(orjson.dumps({"id": i, "text": t}) + b"\n")
    res = CliRunner().invoke(main, [str(inp), "-o", str(out), "--workers", "1", *args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    with open(out, "rb") as f:
        return [orjson.loads(line) for line in f]


@pytest.fixture
def cli(tmp_path):
    def _run(texts: list[str], *args: str) -> list[dict]:
        return run_cli(tmp_path, texts, *args)

    return _run

"""Longer fuzz runs for issue 8 (reliability), recorded in benchmarks/RESULTS.md.

    .venv/bin/python -m benchmarks.fuzz [--examples 5000] [--atheris-seconds 120] [--huge-mb 100]

1. The hypothesis targets of tests/test_fuzz.py and tests/test_properties.py with many
   more examples (``CLEANER_FUZZ_EXAMPLES``; the properties with ``--examples`` too).
2. atheris (coverage-guided libFuzzer) on the record parser (``process_batch`` on one
   arbitrary line) for ``--atheris-seconds``.
3. A record of ``--huge-mb`` MB through ``clean`` at the default --max-record-bytes
   (rejected without being held) and, with the limit lifted, a record of
   ``--clean-mb`` MB actually cleaned: time and peak RSS of each.
"""
from __future__ import annotations

import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = sys.executable

ATHERIS_TARGET = r"""
import sys, atheris
with atheris.instrument_imports():
    import orjson
    from cleaner.config import PipelineConfig
    from cleaner.runner import Batch, init_worker, process_batch
init_worker(PipelineConfig().to_dict())

def one(data: bytes) -> None:
    line = data.replace(b"\n", b" ") + b"\n"
    res = process_batch(Batch("fuzz", 1, [line]))
    st = res.stats
    assert st.records_out + st.rejected + st.dropped_empty == 1, st
    for out in res.out.splitlines():
        orjson.loads(out)

atheris.Setup(sys.argv, one)
atheris.Fuzz()
"""

PEAK = r"""
import resource, sys
sys.argv = ["clean", *sys.argv[1:]]
from cleaner.cli import main
try:
    main()
except SystemExit:
    pass
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def hypothesis_runs(examples: int) -> list[tuple[str, str, float]]:
    env = dict(os.environ, CLEANER_FUZZ_EXAMPLES=str(examples), PYTHONPATH=ROOT)
    rows = []
    for target in ("tests/test_fuzz.py", "tests/test_properties.py"):
        t0 = time.monotonic()
        extra = [] if "fuzz" in target else ["-k", "not workers"]
        p = subprocess.run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", target, "--durations=0",
                            "-o", "addopts=", *extra],
                           capture_output=True, text=True, cwd=ROOT, env=env)
        took = time.monotonic() - t0
        tail = (p.stdout.strip().splitlines() or ["?"])[-1]
        rows.append((target, tail, took))
        if p.returncode != 0:
            print(p.stdout[-4000:], file=sys.stderr)
    return rows


def atheris_run(seconds: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(ATHERIS_TARGET)
    try:
        p = subprocess.run([PY, f.name, f"-max_total_time={seconds}", "-rss_limit_mb=4096", "-print_final_stats=1"],
                           capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))
    finally:
        os.unlink(f.name)
    done = re.search(r"Done (\d+) runs in (\d+) second", p.stderr)
    cov = re.findall(r"cov: (\d+)", p.stderr)
    crash = p.returncode != 0 or "Uncaught Python exception" in p.stderr or "==ERROR" in p.stderr
    if crash:
        print(p.stderr[-4000:], file=sys.stderr)
    return (f"{int(done.group(1)):,} inputs in {done.group(2)} s, coverage {cov[-1] if cov else '?'} edges, "
            f"{'FAILED (see stderr)' if crash else 'no failure'}") if done else f"did not finish: rc {p.returncode}"


def huge(mb: int, limit: int | None, workdir: str) -> str:
    inp = os.path.join(workdir, f"huge{mb}.jsonl.gz")
    good = b'{"text": "The committee published its findings on Monday."}\n'
    with gzip.open(inp, "wb", compresslevel=1) as f:
        f.write(good)
        f.write(b'{"text": "')
        para = (b"The committee published its findings on Monday after a two-year inquiry into the collapse. " * 5
                + b"\\nCopyright 2024 Foo Media. All rights reserved.\\nHome | News | Sport | Contact\\n| | |\\n")
        n = 0
        while n < mb * 1_000_000:
            f.write(para)
            n += len(para)
        f.write(b'"}\n')
        f.write(good)
    out = os.path.join(workdir, f"huge{mb}.out.jsonl")
    args = [inp, "-o", out, "--workers", "1"]
    if limit is not None:
        args += ["--max-record-bytes", str(limit)]
    t0 = time.monotonic()
    p = subprocess.run([PY, "-c", PEAK, *args], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=ROOT))
    took = time.monotonic() - t0
    peak = int(p.stderr.split("PEAK_KB")[1].split()[0]) / 1024 if "PEAK_KB" in p.stderr else float("nan")
    summary = [re.sub(r" \(see [^)]*\)", "", ln) for ln in p.stderr.splitlines() if ln.startswith("clean:")]
    return f"{n / 1e6:,.0f} MB record, limit {'default' if limit is None else f'{limit:,} B'}: " \
           f"{took:.1f} s, peak RSS {peak:,.0f} MB; {summary[-1] if summary else p.stderr[-300:]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=5000)
    ap.add_argument("--atheris-seconds", type=int, default=120)
    ap.add_argument("--huge-mb", type=int, default=100)
    ap.add_argument("--clean-mb", type=int, default=8)
    ap.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    a = ap.parse_args()
    lines = []
    for target, tail, took in hypothesis_runs(a.examples):
        lines.append(f"| hypothesis, {a.examples:,} examples per test | `{target}` | {tail} | {took:,.0f} s |")
        print(lines[-1], flush=True)
    if a.atheris_seconds > 0:
        res = atheris_run(a.atheris_seconds)
        lines.append(f"| atheris (libFuzzer), record parser | `process_batch` on one line | {res} | {a.atheris_seconds} s |")
        print(lines[-1], flush=True)
    with tempfile.TemporaryDirectory() as d:
        big = [huge(a.huge_mb, None, d)]
        if a.clean_mb:
            big.append(huge(a.clean_mb, a.clean_mb * 2_000_000, d))
    for b in big:
        print(b, flush=True)
    from benchmarks._results import stamp, write_section

    body = "\n".join([
        "## Reliability fuzzing and huge records (`benchmarks/fuzz.py`, issue 8)",
        "",
        f"{stamp()}",
        "",
        "| run | target | result | wall time |",
        "|---|---|---|---|",
        *lines,
        "",
        *[f"- {b}" for b in big],
    ])
    if a.no_write:
        print(body)
    else:
        write_section("fuzz", body)


if __name__ == "__main__":
    main()

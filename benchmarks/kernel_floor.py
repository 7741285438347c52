"""How fast could the default pipeline be if nothing but its compiled scans ran?

    .venv/bin/python benchmarks/kernel_floor.py --size 100M --write

Issue 7 asks for 5x datatrove's MB per CPU-second.  Most of the default pipeline's
per-character work is already compiled (``cleaner._fast``); what is left in Python is
the glue around it: the detectors' decisions, the classifier's bookkeeping, the fixed
point's later passes, the typo fixer's verdicts.  This script asks what a native engine
that removed *all* of that glue, and kept today's compiled scans as they are, could
reach at best.  On the same records, one process each, it times:

- ``datatrove``: the peer of ``benchmarks/throughput.py`` (C4 filter without sentence
  counting, plus ftfy, through its local executor);
- ``clean``: the ``clean`` CLI, default pipeline, 1 worker;
- ``kernels``: orjson in and out, and between them only the compiled scans that the
  default pipeline's first pass runs over every record's characters: the PRE fixers in
  one pass (``normal_text``; a text it hands back, where NFC might act, is written as
  it came, without the chain of fixers), the lowercase and the block list (``Document``'s own),
  the shared trigger scan, page_furniture's per-line counts (``block_counts``, with
  the English stopwords), the typo fixer's word scan (``typo_words``) and the language
  sample.  No detector decides anything, no regex runs, no classifier scores a block,
  no later pass runs: the work it times is a part of the pipeline's, so its speed is an
  upper bound on any engine that still runs these scans;
- ``ceiling``: orjson loads and dumps alone (``throughput.py``'s ceiling).

Each process includes its start-up (imports, tables), as the CLI's does.  Reports MB per
CPU-second, medians of ``--repeat`` rounds, and each row's ratio to datatrove round by
round (the rows of a round run back to back, on the same prefix of the dump).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from _results import stamp, write_section  # noqa: E402
from throughput import (  # noqa: E402
    CEILING, DATATROVE, build_dump, clean_cmd, count_lines, parse_size, prefix, timed, versions,
)

#: the compiled scans of the default pipeline's first pass, and nothing else
KERNELS = r"""
import json, sys, time, orjson
from cleaner.pipeline import Pipeline
from cleaner.document import Document
from cleaner.detectors.base import _INDEX
from cleaner.detectors.furniture import _END, _stop_table
from cleaner.normalisers.typos import MAX_LEN, MIN_LEN, _protected_table
from cleaner.normalisers.unicode import nfc_stable_bits
from cleaner import _fast as f

inp, out = sys.argv[1:3]
pipe = Pipeline.from_config(None)
with open(inp, "rb") as src:
    # the detectors register their trigger sets with the shared scanner on first use:
    # twenty records through the pipeline register them (and load its tables)
    for _, line in zip(range(20), src):
        pipe.clean(orjson.loads(line)["text"], record_edits=False, explain=False)
bits, words, table = nfc_stable_bits(), _protected_table(), _stop_table("en")
clock = time.perf_counter
steps = dict.fromkeys(("orjson loads", "normal_text", "lowercase", "block list", "trigger scan",
                       "block_counts", "typo_words", "language sample", "orjson dumps, write"), 0.0)
cpu0 = time.process_time()
with open(inp, "rb") as src, open(out, "wb") as dst:
    for line in src:
        t0 = clock()
        rec = orjson.loads(line)
        text = rec["text"]
        t1 = clock()
        t = f.normal_text(text, bits)
        if t is None:
            t = text
        doc = Document(t)
        t2 = clock()
        doc.lower
        t3 = clock()
        blocks = doc.blocks
        starts = doc.block_starts()
        t4 = clock()
        _INDEX.scan(doc)
        t5 = clock()
        f.block_counts(t, starts, list(map(_END, blocks)), table)
        t6 = clock()
        f.typo_words(t, words, MIN_LEN, MAX_LEN)
        t7 = clock()
        if len(t) > 1000:
            f.sample(t, 1000)
        t8 = clock()
        rec["text"] = t
        dst.write(orjson.dumps(rec))
        dst.write(b"\n")
        t9 = clock()
        for k, a, b in zip(steps, (t0, t1, t2, t3, t4, t5, t6, t7, t8), (t1, t2, t3, t4, t5, t6, t7, t8, t9)):
            steps[k] += b - a
with open(out + ".json", "w") as fh:
    json.dump({"loop_cpu": time.process_time() - cpu0, "steps": steps}, fh)
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100M", help="prefix of the 1 GB throughput dump to time (default 100M)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("--write", action="store_true", help="write the 'kernel-floor' section of benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    try:
        import datatrove  # noqa: F401
        import ftfy  # noqa: F401
    except ImportError:
        raise SystemExit("needs the bench extra (pip install -e '.[bench]') for the peer")
    dump = build_dump(parse_size("1G"))
    inp = prefix(dump, parse_size(args.size))
    mb = os.path.getsize(inp) / 1e6
    docs = count_lines(inp)
    rows: dict[str, list[float]] = {k: [] for k in ("datatrove", "clean", "kernels", "ceiling")}
    loop: list[float] = []  # the kernels' loop alone, MB per CPU-second (no start-up)
    steps: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        scripts = {}
        for name, body in (("datatrove", DATATROVE), ("kernels", KERNELS), ("ceiling", CEILING)):
            scripts[name] = os.path.join(tmp, f"run_{name}.py")  # (not datatrove.py: it would shadow the package)
            with open(scripts[name], "w") as fh:
                fh.write(body)
        out = os.path.join(tmp, "out.jsonl")
        for rnd in range(args.repeat):
            print(f"round {rnd + 1}/{args.repeat}", file=sys.stderr)
            dt_out = os.path.join(tmp, f"dt-{rnd}")
            cmds = {
                "datatrove": [sys.executable, scripts["datatrove"], os.path.dirname(inp), os.path.basename(inp),
                              dt_out, os.path.join(tmp, f"dt-logs-{rnd}")],
                "clean": clean_cmd(inp, out, 1, None),
                "kernels": [sys.executable, scripts["kernels"], inp, out],
                "ceiling": [sys.executable, scripts["ceiling"], inp, out],
            }
            for name, cmd in cmds.items():
                r = timed(name, cmd, mb, docs)
                rows[name].append(r.mb / r.cpu)
                if name == "kernels":
                    with open(out + ".json") as fh:
                        got = json.load(fh)
                    loop.append(mb / got["loop_cpu"])
                    steps.append(got["steps"])
                print(f"  {name}: {r.mb / r.cpu:.2f} MB/CPU-s", file=sys.stderr)
    med = {k: statistics.median(v) for k, v in rows.items()}
    ratio = {k: [a / b for a, b in zip(v, rows["datatrove"])] for k, v in rows.items()}
    lines = [
        stamp(),
        "",
        f"`kernel_floor.py --size {args.size}`: the first {mb:,.0f} MB of `{os.path.basename(dump)}` "
        f"({docs:,} records), {args.repeat} round(s), medians; {versions()}. The `kernels` row runs "
        "only the compiled scans of the default pipeline's first pass (see the script's docstring): "
        "an upper bound on an engine that keeps them and drops all the Python around them.",
        "",
        "| what | MB/CPU-s | x datatrove (round by round) | x datatrove (median) |",
        "|---|---:|---|---:|",
    ]
    for k in ("datatrove", "clean", "kernels", "ceiling"):
        rr = ", ".join(f"{x:.2f}" for x in ratio[k])
        lines.append(f"| {k} | {med[k]:.2f} | {rr} | {statistics.median(ratio[k]):.2f}x |")
    loop_ratio = [a / b for a, b in zip(loop, rows["datatrove"])]
    lines.append(f"| kernels, their loop alone (no start-up) | {statistics.median(loop):.2f} | "
                 + ", ".join(f"{x:.2f}" for x in loop_ratio) + f" | {statistics.median(loop_ratio):.2f}x |")
    tot = {k: statistics.median(s[k] for s in steps) for k in steps[0]}
    whole = sum(tot.values())
    lines += [
        "",
        f"- The compiled scans alone run at {statistics.median(ratio['kernels']):.2f}x datatrove as a process, "
        f"{statistics.median(loop_ratio):.2f}x counting their loop alone; the whole default pipeline at "
        f"{statistics.median(ratio['clean']):.2f}x. Issue 7's target is 5x.",
        "- The kernels' loop, step by step (wall time in the process, medians of the rounds): "
        + "; ".join(f"{k} {100 * v / whole:.0f}%" for k, v in sorted(tot.items(), key=lambda kv: -kv[1])) + ".",
    ]
    body = "## What the compiled scans alone reach (`benchmarks/kernel_floor.py`)\n\n" + "\n".join(lines)
    print(body)
    if args.write:
        write_section("kernel-floor", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

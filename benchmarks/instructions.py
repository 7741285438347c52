"""Where the instructions go: the per-record work of ``clean`` under callgrind, split by
the library that runs it (the interpreter, ``cleaner._fast``, ``regex``, numpy ...).

    .venv/bin/python benchmarks/instructions.py --records 300 --write

A sampling profiler (``benchmarks/profile.py``) charges a Python frame for the time of
the C code it calls and over-weights small Python calls; instruction counts do not
depend on the machine's load, so they also answer "how much could compiling X save".
The script runs the pipeline under ``valgrind --tool=callgrind`` twice over the same
dump (``benchmarks/throughput.py`` builds it; ``--dump`` to choose another): once over
the warm-up only (the first ``--warm`` records, which load the word lists, models and
per-language tables), once over the warm-up and the next ``--records`` records.  The
difference, per shared object (and for the interpreter, its evaluation loop apart), is
the per-record cost.  Needs valgrind; takes about 50x the plain run's time.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from _common import CONFIGS, largest_dump  # noqa: E402

# What the child runs under callgrind: warm up on the first WARM records, then clean the
# next N as a worker does (orjson.loads, Pipeline.clean, orjson.dumps).
CHILD = r"""
import gc, json, sys
import orjson
sys.path.insert(0, {root!r})
from cleaner.pipeline import Pipeline
lines = []
with open({dump!r}, "rb") as f:
    for line in f:
        lines.append(line)
        if len(lines) >= {warm} + {n}:
            break
pipe = Pipeline.from_config(json.loads({config!r}))
for line in lines[:{warm}]:
    pipe.clean(orjson.loads(line)["text"], record_edits=False, explain=False)
if {typos}:
    from cleaner.normalisers.typos import _load_tables
    _load_tables()
gc.freeze()
for line in lines[{warm}:{warm} + {n}]:
    rec = orjson.loads(line)
    rec["text"] = pipe.clean(rec["text"], record_edits=False, explain=False).text  # as the CLI calls it
    orjson.dumps(rec)
"""

#: (label, test on the callgrind file/object text), first match wins
GROUPS = (
    ("Python: bytecode loop (ceval)", lambda s: "ceval" in s),
    ("Python: runtime (str, dict, set, alloc, calls)", lambda s: "Python-3" in s or "libpython" in s or "bin/python" in s),
    ("cleaner._fast (compiled loops)", lambda s: "cleaner/_fast" in s),
    ("regex", lambda s: "/regex/" in s or "_regex.c" in s),
    ("numpy", lambda s: "numpy" in s or "openblas" in s),
    ("ahocorasick_rs", lambda s: "ahocorasick" in s),
    ("orjson", lambda s: "orjson" in s),
    ("libc (memcpy, malloc ...)", lambda s: "libc" in s or "sysdeps" in s or "nptl" in s or "/string/" in s),
)
_ROW = re.compile(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)")


def _split(out_file: str) -> Counter[str]:
    """Instructions per group from a callgrind output file (self cost per function)."""
    txt = subprocess.run(["callgrind_annotate", "--auto=no", "--inclusive=no", "--threshold=100", out_file],
                         capture_output=True, text=True, check=True).stdout
    acc: Counter[str] = Counter()
    body = txt.split("file:function", 1)[-1]
    for line in body.splitlines():
        m = _ROW.match(line)
        if not m or "events annotated" in line:
            continue
        n, what = int(m.group(1).replace(",", "")), m.group(2)
        for label, test in GROUPS:
            if test(what):
                acc[label] += n
                break
        else:
            acc["other"] += n
    return acc


def _run(dump: str, config: object, warm: int, n: int, tmp: str) -> Counter[str]:
    script = os.path.join(tmp, f"child_{n}.py")
    with open(script, "w") as f:
        f.write(CHILD.format(root=ROOT, dump=dump, warm=warm, n=n, config=json.dumps(config),
                             typos=config is None))
    out = os.path.join(tmp, f"cg_{n}.out")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, script],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return _split(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dump", default=None, help="JSONL file (default: the largest cached throughput dump)")
    ap.add_argument("--warm", type=int, default=300, help="records of warm-up (default 300)")
    ap.add_argument("--records", type=int, default=300, help="records measured (default 300)")
    ap.add_argument("--pipelines", default="default", help="comma-separated: default, no-typos, core")
    ap.add_argument("--write", action="store_true", help="write the 'instructions' section of benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        raise SystemExit("needs valgrind (callgrind) on the PATH")
    dump = largest_dump(args.dump)
    with open(dump, "rb") as f:
        mb = sum(len(line) for i, line in zip(range(args.warm + args.records), f) if i >= args.warm) / 1e6
    out = [f"Records {args.warm:,} to {args.warm + args.records:,} of `{os.path.basename(dump)}` "
           f"({mb:.2f} MB of JSONL), after a warm-up over the records before them; instructions "
           f"of the measured records alone (a run over the warm-up subtracted), per library. "
           f"Counts, not time: a cache miss or a slow instruction weighs as much as any other."]
    for name in [p for p in args.pipelines.split(",") if p]:
        with tempfile.TemporaryDirectory() as tmp:
            base = _run(dump, CONFIGS[name], args.warm, 0, tmp)
            full = _run(dump, CONFIGS[name], args.warm, args.records, tmp)
        diff = {k: full.get(k, 0) - base.get(k, 0) for k in set(full) | set(base)}
        total = sum(v for v in diff.values() if v > 0)
        out.append(f"\n### `{name}` pipeline: {total / 1e6:,.0f} M instructions, "
                   f"{total / mb / 1e6:,.0f} M per MB of JSONL\n")
        out.append("| where | M instructions | share |\n|---|---:|---:|")
        for k, v in sorted(diff.items(), key=lambda kv: -kv[1]):
            if v > 0:
                out.append(f"| {k} | {v / 1e6:,.1f} | {v / total:.1%} |")
    report = "\n".join(out)
    print(report)
    if args.write:
        from _results import stamp, write_section

        write_section("instructions", "## Instructions by library (`benchmarks/instructions.py`)\n\n"
                      f"{stamp()}\n\n{report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

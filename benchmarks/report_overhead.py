"""Cost and size of ``--report`` (with ``--stats``): the same dump cleaned with and
without, round-robin, in fresh processes.

    .venv/bin/python benchmarks/report_overhead.py --size 100M --rounds 2 [--write]

The dump (cached under ``benchmarks/_work/``) tiles the real records of
``../shared/data/cc-wet-sample.jsonl.gz`` with a new id per copy (urls kept: the site
table has real sites).  Reported: wall time and CPU time (user+system of the whole
process tree) per variant, the median over rounds, the overhead of the report, and the
report's size.  The machine may be shared: CPU time is the steadier figure.
"""
from __future__ import annotations

import argparse
import gzip
import os
import resource
import statistics
import subprocess
import sys
import time

import orjson

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "_work")
WET = os.path.join(ROOT, "..", "shared", "data", "cc-wet-sample.jsonl.gz")


def parse_size(s: str) -> int:
    mult = {"K": 1e3, "M": 1e6, "G": 1e9}
    return int(float(s[:-1]) * mult[s[-1].upper()]) if s[-1].upper() in mult else int(s)


def build(size: int) -> str:
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"report-{size // 1_000_000}M.jsonl")
    if os.path.exists(path) and os.path.getsize(path) >= size:
        return path
    recs = [orjson.loads(line) for line in gzip.open(WET)]
    tmp = path + ".tmp"
    n = 0
    with open(tmp, "wb") as f:
        copy = 0
        while n < size:
            for r in recs:
                r2 = dict(r)
                r2["id"] = f"{r.get('id')}-{copy}"
                line = orjson.dumps(r2) + b"\n"
                f.write(line)
                n += len(line)
                if n >= size:
                    break
            copy += 1
    os.replace(tmp, path)
    return path


def run_once(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def components(dump: str, typos: bool, exact_lines: int, n: int = 1500) -> str:
    """In one process, interleaved per batch of 230 documents: CPU time of cleaning, of
    the collector (``BatchCollector.add``) and of its trip to the main process (pickle,
    unpickle, merge).  Steadier than whole runs on a loaded machine."""
    import itertools
    import pickle

    import cleaner.stats as S
    from cleaner.config import PipelineConfig
    from cleaner.document import Document
    from cleaner.pipeline import Pipeline

    pipe = Pipeline(PipelineConfig.from_dict({} if typos else {"normalisers": {"typos": False}}))
    with open(dump, "rb") as f:
        recs = [orjson.loads(line) for line in itertools.islice(f, n)]
    S.LANG_EXACT_LINES = exact_lines
    pipe.clean(recs[0]["text"])  # load data files before timing
    tc = tk = tp = 0.0
    for start in range(0, len(recs), 230):
        chunk = recs[start:start + 230]
        t = time.process_time()
        res = [pipe.clean(Document(r["text"], r), record_edits=False) for r in chunk]
        tc += time.process_time() - t
        t = time.process_time()
        c = S.BatchCollector(20, 20)
        for i, (r, x) in enumerate(zip(chunk, res)):
            c.add("dump.jsonl", start + i + 1, r, x.source, x.spans)
        tk += time.process_time() - t
        t = time.process_time()
        S.Collector(20, 20).merge(pickle.loads(pickle.dumps(c)))
        tp += time.process_time() - t
    k = len(recs)
    return (f"| {'default' if typos else 'no typos'} | {'all' if exact_lines >= k else 'past line ' + str(exact_lines) + ': 1 in 10'} "
            f"| {1000 * tc / k:.2f} | {1000 * tk / k:.3f} | {1000 * tp / k:.3f} | {100 * (tk + tp) / tc:.1f}% |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="50M")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-typos", action="store_true", help="time the pipeline without the typo fixer")
    ap.add_argument("--lang-exact-lines", type=int, default=None,
                    help="override cleaner.stats.LANG_EXACT_LINES (0: the regime of a dump far past its first "
                         "10,000 lines, where languages are sampled)")
    ap.add_argument("--components", action="store_true", help="per-document CPU cost of cleaning and of collecting, "
                    "in one process (both pipelines, languages exact and sampled) instead of whole runs")
    ap.add_argument("--write", action="store_true", help="record the figures in benchmarks/RESULTS.md")
    a = ap.parse_args()
    dump = build(parse_size(a.size))
    if a.components:
        rows = ["| pipeline | languages identified | clean ms/doc | collect ms/doc | to main ms/doc | overhead |",
                "|---|---|---|---|---|---|"]
        for typos in (False, True):
            for exact in (10**9, 0):
                rows.append(components(dump, typos, exact))
                print(rows[-1], flush=True)
        body = "\n".join(rows)
        if a.write:
            sys.path.insert(0, HERE)
            from _results import stamp, write_section

            write_section("report_overhead_components", "## Report overhead, per document\n\n"
                          f"`benchmarks/report_overhead.py --components`, {stamp()}, 1,500 records of the tiled "
                          f"cc-wet-sample.\n\n{body}\n")
        return
    mb = os.path.getsize(dump) / 1e6
    if a.lang_exact_lines is None:
        clean = [os.path.join(os.path.dirname(sys.executable), "clean")]
    else:
        clean = [sys.executable, "-c", f"import cleaner.stats as S; S.LANG_EXACT_LINES = {a.lang_exact_lines}; "
                                       "from cleaner.cli import main; main()"]
    out = os.path.join(WORK, "report-out.jsonl")
    rep = os.path.join(WORK, "report.html")
    stats = os.path.join(WORK, "report-stats.json")
    base = [*clean, dump, "-o", out, "--workers", str(a.workers), "--no-progress"]
    if a.no_typos:
        base.append("--no-typos")
    variants = {"plain": base, "report": base + ["--report", rep, "--stats", stats]}
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
    for r in range(a.rounds):
        order = list(variants) if r % 2 == 0 else list(reversed(variants))
        for k in order:
            times[k].append(run_once(variants[k]))
            print(f"round {r + 1} {k}: wall {times[k][-1][0]:.1f} s, cpu {times[k][-1][1]:.1f} s", flush=True)
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in times.items()}
    size = os.path.getsize(rep)
    ov_wall = 100 * (med["report"][0] / med["plain"][0] - 1)
    ov_cpu = 100 * (med["report"][1] / med["plain"][1] - 1)
    with open(stats, "rb") as f:
        st = orjson.loads(f.read())
    lines = [
        f"Dump: {mb:,.0f} MB ({st['records_in']:,} records, tiled cc-wet-sample), {a.workers} workers, "
        f"pipeline: {'default without typos' if a.no_typos else 'default'}, {a.rounds} rounds (medians)"
        + ("." if a.lang_exact_lines is None else f", LANG_EXACT_LINES = {a.lang_exact_lines}."),
        "",
        "| variant | wall s | CPU s |",
        "|---|---|---|",
        f"| plain | {med['plain'][0]:.1f} | {med['plain'][1]:.1f} |",
        f"| --report --stats | {med['report'][0]:.1f} | {med['report'][1]:.1f} |",
        "",
        f"Overhead: {ov_wall:+.1f}% wall, {ov_cpu:+.1f}% CPU. Report size: {size / 1e6:.2f} MB "
        f"({len(st.get('languages', {}))} languages, {st.get('sites_seen', 0):,} sites).",
    ]
    body = "\n".join(lines)
    print(body)
    if a.write:
        sys.path.insert(0, HERE)
        from _results import stamp, write_section

        name = "report_overhead" + ("_no_typos" if a.no_typos else "") + (
            "" if a.lang_exact_lines is None else f"_exact{a.lang_exact_lines}")
        write_section(name, f"## Report overhead ({'no typos' if a.no_typos else 'default pipeline'})\n\n"
                            f"`benchmarks/report_overhead.py`, {stamp()}\n\n{body}\n")


if __name__ == "__main__":
    main()

"""Throughput of ``clean`` against its peer and the machine's ceiling, in the same run.

    .venv/bin/python benchmarks/throughput.py --size 200M            # iterate
    .venv/bin/python benchmarks/throughput.py --size 1G --write      # the record

It builds a dump of ``--size`` bytes of JSONL (cached under ``benchmarks/_work/``) by
tiling the real text of ``../shared/data/cc-wet-sample.jsonl.gz`` and the dev set's
``text`` field, with deterministic light variation (two adjacent lines swapped, one word
changed, a new id) so that no two records are equal and caching whole documents cannot
pay, and with two adjacent words swapped in every line of three words or more, so that
caching verdicts on whole lines gains no more than the web's own repeated short lines
give (``vary``).  Then, round-robin over ``--repeat`` rounds (medians reported), each in a fresh
process whose CPU time and peak RSS are measured:

- ``clean`` with 1 and 2 workers, for each pipeline in ``--pipelines``
  (``default`` = whatever the default pipeline is on this checkout; ``no-typos`` = the
  default without the typo fixer; ``core`` = the five pattern detectors, no typos);
- the peer, datatrove ``C4QualityFilter(min_num_sentences=-1)`` + ``FTFYFormatter``
  through its ``LocalPipelineExecutor`` (needs the ``bench`` extra), on the same records
  as the default pipeline (its prefix, when it has one) and right before it, so that
  each round also gives a ratio of two neighbouring runs;
- the ceiling: ``orjson.loads`` + ``orjson.dumps`` per line, read and written like clean;
- with ``--compressed``, clean (1 worker) and the ceiling on ``.gz`` and ``.zst`` copies
  (of the prefix, for a pipeline timed on one).

MB are MB (1e6 bytes) of uncompressed input JSONL; CPU-s are user+system seconds of the
whole process tree (workers included); peak RSS is the largest sampled sum of the
tree's resident memory, peak PSS the same for the proportional set size (shared pages
divided among the processes that share them: the memory the run really holds).  The machine may be shared: compare ratios taken in the same
run, not absolute figures across runs.

A pipeline slower than ``--slow-mbps`` (MB/CPU-s, probed on the first round) is timed
on a ``--slow-size`` prefix of the dump instead of the whole, and says so: its
throughput is a rate and does not depend on the dump size, and the full run would take
hours.
"""
from __future__ import annotations

import argparse
import gzip
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "_work")
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
SOURCES = (os.path.join(SHARED, "cc-wet-sample.jsonl.gz"), os.path.join(SHARED, "dev", "pages.jsonl.gz"))
CORE = ["separators", "link_farm", "copyright", "publisher_footer", "gdpr_notice"]

sys.path.insert(0, ROOT)


# --------------------------------------------------------------------------- dumps
def parse_size(s: str) -> int:
    s = s.strip().upper().rstrip("B")
    mult = {"K": 10**3, "M": 10**6, "G": 10**9}.get(s[-1:], 1)
    return int(float(s[:-1] if s[-1:] in "KMG" else s) * mult)


def human(n: int) -> str:
    for unit, m in (("G", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= m and n % m == 0:
            return f"{n // m}{unit}"
    return str(n)


def load_sources() -> list[dict[str, Any]]:
    import orjson

    recs: list[dict[str, Any]] = []
    for path in SOURCES:
        with gzip.open(path, "rb") as f:
            for line in f:
                r = orjson.loads(line)
                if isinstance(r.get("text"), str) and r["text"].strip():
                    recs.append({"id": str(r.get("id")), "url": r.get("url"), "text": r["text"]})
    return recs


def vary(text: str, rng: random.Random, k: int) -> str:
    r"""Deterministic variation for tile ``k`` (>= 1): swap two adjacent lines, change one
    word, and in every line of three words or more swap two adjacent words (never the
    first, so a line still starts as it did: patterns anchored at a line's start match
    as before).

    The word swap keeps a per-line cache (of verdicts keyed by a line's text) from
    gaining on the tiling: without it, every line but one of a record repeats from the
    second tile on, which overstates such caches against a real crawl, where the
    lines that repeat are mostly the short ones (menus, footers).  Lines of one or two
    words still repeat, as they do on the web; a longer line takes a different swap
    in consecutive tiles (``k + i`` picks it), as many variants as it has words.

    >>> vary("Home\nThe cat sat on the mat.\nAll rights reserved.", random.Random(1), 1)
    'The cat sat the ON mat.\nHome\nAll reserved. rights'
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):  # (i: the line's place in the record, before the swap below)
        words = line.split(" ")
        if len(words) >= 3:
            p = 1 + (k + i) % (len(words) - 2)
            words[p], words[p + 1] = words[p + 1], words[p]
            lines[i] = " ".join(words)
    if len(lines) > 2:
        i = rng.randrange(len(lines) - 1)
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    j = max(range(len(lines)), key=lambda n: len(lines[n]))
    words = lines[j].split(" ")
    w = rng.randrange(len(words))
    words[w] = f"{words[w]}{k}" if rng.random() < 0.5 else words[w].upper()
    lines[j] = " ".join(words)
    return "\n".join(lines)


def build_dump(size: int) -> str:
    """``benchmarks/_work/dump-<size>.jsonl``: tiled, varied records, about ``size`` bytes."""
    import orjson

    os.makedirs(WORK, exist_ok=True)
    # (v2: every line of three words or more varies from tile to tile, see vary)
    path = os.path.join(WORK, f"dump-v2-{human(size)}.jsonl")
    if os.path.exists(path):
        return path
    recs = load_sources()
    tmp = path + ".part"
    n = 0
    with open(tmp, "wb", buffering=1 << 20) as f:
        k = 0
        while n < size:
            for i, r in enumerate(recs):
                if n >= size:
                    break
                text = r["text"] if k == 0 else vary(r["text"], random.Random(k * 1_000_003 + i), k)
                line = orjson.dumps({"id": f"{r['id']}#{k}", "url": r["url"], "text": text}) + b"\n"
                f.write(line)
                n += len(line)
            k += 1
    os.replace(tmp, path)
    return path


def compressed(path: str, kind: str) -> str:
    out = f"{path}.{kind}"
    if os.path.exists(out):
        return out
    tmp = out + ".part"
    if kind == "gz":
        with open(path, "rb") as src, gzip.open(tmp, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    else:
        import zstandard

        with open(path, "rb") as src, open(tmp, "wb") as dst:
            zstandard.ZstdCompressor(level=3).copy_stream(src, dst)
    os.replace(tmp, out)
    return out


def prefix(path: str, size: int) -> str:
    """The first ``size`` bytes of ``path`` (whole lines), cached."""
    out = f"{path[:-6]}-prefix{human(size)}.jsonl"
    if not os.path.exists(out):
        n = 0
        with open(path, "rb") as src, open(out + ".part", "wb") as dst:
            for line in src:
                if n >= size:
                    break
                dst.write(line)
                n += len(line)
        os.replace(out + ".part", out)
    return out


def uncompressed_size(path: str) -> int:
    base = path[:-3] if path.endswith(".gz") else path[:-4] if path.endswith(".zst") else path
    return os.path.getsize(base)


def count_lines(path: str) -> int:
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            n += chunk.count(b"\n")
    return n


# --------------------------------------------------------------------------- runners
CEILING = r"""
# orjson loads + dumps per line, reading and writing like clean (magic-byte decompression,
# 1 MiB buffers), without importing cleaner (whose start-up is not part of the ceiling)
import gzip, io, sys, orjson, zstandard
raw = open(sys.argv[1], "rb")
head = raw.peek(4)[:4]
if head.startswith(b"\x1f\x8b"):
    f = gzip.GzipFile(fileobj=raw, mode="rb")
elif head.startswith(b"\x28\xb5\x2f\xfd"):
    f = io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True), buffer_size=1 << 20)
else:
    f = raw
loads, dumps = orjson.loads, orjson.dumps
with open(sys.argv[2], "wb", buffering=1 << 20) as out:
    for line in f:
        out.write(dumps(loads(line)) + b"\n")
"""

# The machine's own scaling: the same pure-Python loop in 1 process, then in 2 at once.
# On 2 vCPUs that are hyperthreads of one core (or share a core with a neighbour), two
# processes do not run at twice the speed of one, whatever the program; this is the
# ceiling for "2 workers / 1 worker" on this machine.
SPIN = r"""
import sys, time
from multiprocessing import get_context

def spin(n):
    t = time.perf_counter()
    s = 0
    for i in range(n):
        s += i * i
    return time.perf_counter() - t

if __name__ == "__main__":
    n = int(sys.argv[1])
    one = spin(n)
    ctx = get_context("fork")
    t = time.perf_counter()
    with ctx.Pool(2) as pool:
        pool.map(spin, [n, n])
    two = time.perf_counter() - t
    print(f"{2 * one / two:.3f}")
"""


def machine_scaling(tmp: str, n: int = 20_000_000) -> float:
    """Wall-clock throughput of 2 processes over 1, for a pure-CPU loop (median of 3)."""
    script = os.path.join(tmp, "spin.py")
    with open(script, "w") as f:
        f.write(SPIN)
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, script, str(n)], capture_output=True, text=True, check=True)
        runs.append(float(out.stdout.strip()))
    return statistics.median(runs)


DATATROVE = r"""
import sys, logging
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.filters import C4QualityFilter
from datatrove.pipeline.formatters import FTFYFormatter
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.logging import logger
logger.remove()
folder, name, outdir, logs = sys.argv[1:5]
LocalPipelineExecutor(
    pipeline=[
        JsonlReader(folder, glob_pattern=name, compression="infer"),
        C4QualityFilter(min_num_sentences=-1),
        FTFYFormatter(),
        JsonlWriter(outdir, output_filename="${rank}.jsonl", compression=None),
    ],
    tasks=1, workers=1, logging_dir=logs,
).run()
"""


@dataclass
class Run:
    name: str
    mb: float
    docs: int
    cpu: float
    wall: float
    rss_mb: float
    note: str = ""
    pss_mb: float = 0.0


@dataclass
class Series:
    name: str
    runs: list[Run] = field(default_factory=list)

    def med(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    @property
    def mbps_cpu(self) -> float:
        return statistics.median(r.mb / r.cpu for r in self.runs)

    @property
    def mbps_wall(self) -> float:
        return statistics.median(r.mb / r.wall for r in self.runs)


def measure(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, float]:
    """Run ``cmd``; return (CPU seconds of the tree, wall seconds, peak summed RSS in MB,
    peak summed PSS in MB).

    RSS counts a page shared by several processes (the models a parent loaded before
    forking its workers) once in each of them; PSS (proportional set size, Linux)
    divides it among them, so the sum of PSS is the memory the tree really holds.

    The sampler must not slow down the run it measures: reading a process's PSS
    (``/proc/PID/smaps_rollup``) costs the kernel about 5-7 ms of CPU per process, so
    sampling it every 50 ms over a parent and two workers took about a quarter of a core,
    which on a 2-core machine comes out of the 2-worker run's wall clock.  So RSS (one
    ``statm`` read per process) is sampled every ``RSS_EVERY`` s, the process list is
    refreshed every ``TREE_EVERY`` s, and PSS is read every ``PSS_EVERY`` s: about 2% of
    one core in all.  The memory of a streaming run is flat, so a peak held for less
    than a second is the only thing the slower PSS sampling can miss."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak = peak_pss = 0
    procs: list[Any] = [ps]
    next_tree = next_pss = 0.0
    # CPU of children that exit before we sample them is still counted by wait4 below.
    while proc.poll() is None:
        now = time.perf_counter()
        try:
            if now >= next_tree:
                procs = [ps, *ps.children(recursive=True)]
                next_tree = now + TREE_EVERY
            want_pss = now >= next_pss
            if want_pss:
                next_pss = now + PSS_EVERY
            rss = pss = 0
            for p in procs:
                try:
                    if want_pss:
                        m = p.memory_full_info()
                        rss += m.rss
                        pss += getattr(m, "pss", m.rss)
                    else:
                        rss += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, rss)
            if want_pss:
                peak_pss = max(peak_pss, pss)
        except psutil.Error:
            pass
        time.sleep(RSS_EVERY)
    wall = time.perf_counter() - t0
    # the child has been reaped by poll(); its rusage (including its waited-for children,
    # the worker processes) is in RUSAGE_CHILDREN's delta, taken by the caller.
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... failed ({proc.returncode}):\n{err[-2000:]}")
    return 0.0, wall, peak / 1e6, peak_pss / 1e6


#: memory sampling periods of :func:`measure`, seconds
RSS_EVERY = 0.05
TREE_EVERY = 0.5
PSS_EVERY = 1.0


def timed(name: str, cmd: list[str], mb: float, docs: int, note: str = "") -> Run:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    _, wall, rss, pss = measure(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(name, mb, docs, cpu, wall, rss, note, pss)


def clean_cmd(inp: str, out: str, workers: int, config: str | None) -> list[str]:
    cmd = [sys.executable, "-m", "cleaner.cli", inp, "-o", out, "--workers", str(workers), "--no-progress"]
    if config:
        cmd += ["--config", config]
    return cmd


def pipeline_configs(tmp: str, names: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for n in names:
        if n == "default":
            out[n] = None
            continue
        body = "[normalisers]\ntypos = false\n"
        if n == "core":
            body += "[detectors]\nenabled = [" + ", ".join(f'"{d}"' for d in CORE) + "]\n"
        elif n != "no-typos":
            raise SystemExit(f"unknown pipeline {n!r} (default, no-typos, core)")
        p = os.path.join(tmp, f"{n}.toml")
        with open(p, "w") as f:
            f.write(body)
        out[n] = p
    return out


def versions() -> str:
    from importlib import metadata

    parts = [f"Python {platform.python_version()}"]
    for pkg in ("cleaner", "orjson", "regex", "zstandard", "datatrove", "ftfy", "ahocorasick-rs"):
        try:
            parts.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(parts)


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="200M", help="dump size, e.g. 50M, 1G (default 200M)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds; medians are reported (default 3)")
    ap.add_argument("--pipelines", default="default,no-typos,core", help="comma-separated: default, no-typos, core")
    ap.add_argument("--workers", default="1,2", help="worker counts for clean (default 1,2)")
    ap.add_argument("--no-peer", action="store_true", help="skip datatrove")
    ap.add_argument("--compressed", action="store_true", help="also .gz and .zst inputs (clean 1 worker, ceiling)")
    ap.add_argument("--slow-mbps", type=float, default=5.0, help="below this MB/CPU-s a pipeline runs on a prefix")
    ap.add_argument("--slow-size", default="20M", help="prefix size for slow pipelines (default 20M)")
    ap.add_argument("--write", action="store_true", help="write the section 'throughput' of benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    size = parse_size(args.size)
    dump = build_dump(size)
    mb_full = os.path.getsize(dump) / 1e6
    docs_full = count_lines(dump)
    slow_prefix = prefix(dump, parse_size(args.slow_size)) if parse_size(args.slow_size) < size else dump
    inputs = {"jsonl": dump}
    if args.compressed:
        inputs["gz"] = compressed(dump, "gz")
        inputs["zst"] = compressed(dump, "zst")
    pipes = [p for p in args.pipelines.split(",") if p]
    workers = [int(w) for w in args.workers.split(",") if w]
    have_peer = False
    if not args.no_peer:
        try:
            import datatrove  # noqa: F401
            import ftfy  # noqa: F401

            have_peer = True
        except ImportError:
            print("datatrove/ftfy not installed (pip install -e '.[bench]'): no peer", file=sys.stderr)

    series: dict[str, Series] = {}
    slow: set[str] = set()
    tmp = tempfile.mkdtemp(prefix="thr-", dir=WORK)
    cfgs = pipeline_configs(tmp, pipes)
    print(f"dump {dump}: {mb_full:,.1f} MB, {docs_full:,} records", file=sys.stderr)

    def add(key: str, run: Run) -> None:
        series.setdefault(key, Series(key)).runs.append(run)
        print(f"  {key:<32} {run.mb / run.cpu:8.2f} MB/CPU-s {run.wall:8.1f} s wall "
              f"{run.rss_mb:7.0f} MB RSS {run.pss_mb:7.0f} MB PSS {run.note}", file=sys.stderr)

    try:
        # a quick probe: pipelines far slower than the rest run on a prefix
        if slow_prefix != dump:
            probe = prefix(dump, min(parse_size("5M"), size))
            for p in pipes:
                r = timed("probe", clean_cmd(probe, os.path.join(tmp, "out.jsonl"), 1, cfgs[p]),
                          os.path.getsize(probe) / 1e6, 0)
                print(f"  probe {p}: {r.mb / r.cpu:.2f} MB/CPU-s", file=sys.stderr)
                if r.mb / r.cpu < args.slow_mbps:
                    slow.add(p)
        for rnd in range(args.repeat):
            print(f"round {rnd + 1}/{args.repeat}", file=sys.stderr)
            # the ceiling
            for kind, inp in inputs.items():
                out = os.path.join(tmp, f"ceil.jsonl")
                script = os.path.join(tmp, "ceiling.py")
                with open(script, "w") as f:
                    f.write(CEILING)
                add(f"ceiling orjson {kind}", timed("ceiling", [sys.executable, script, inp, out], mb_full, docs_full))
            # the peer
            if have_peer:
                script = os.path.join(tmp, "datatrove_peer.py")
                with open(script, "w") as f:
                    f.write(DATATROVE)
                outdir = os.path.join(tmp, "dt-out")
                logs = os.path.join(tmp, f"dt-logs-{rnd}")
                shutil.rmtree(outdir, ignore_errors=True)
                # the same records as the default pipeline, timed right before it
                pin = slow_prefix if "default" in slow else dump
                pmb = os.path.getsize(pin) / 1e6
                add("datatrove C4+ftfy jsonl", timed(
                    "datatrove", [sys.executable, script, os.path.dirname(pin), os.path.basename(pin), outdir, logs],
                    pmb, docs_full if pin == dump else count_lines(pin), "" if pin == dump else f"(first {pmb:,.0f} MB)"))
            # clean
            for p in pipes:
                inp = slow_prefix if p in slow else dump
                mb = os.path.getsize(inp) / 1e6
                docs = docs_full if inp == dump else count_lines(inp)
                note = "" if inp == dump else f"(first {mb:,.0f} MB)"
                for w in workers:
                    out = os.path.join(tmp, "out.jsonl")
                    run = timed(f"clean {p}", clean_cmd(inp, out, w, cfgs[p]), mb, docs, note)
                    add(f"clean {p} {w}w", run)
                if args.compressed:  # the same records, read from .gz and .zst copies
                    for kind in ("gz", "zst"):
                        out = os.path.join(tmp, "out.jsonl")
                        src = inputs[kind] if inp == dump else compressed(inp, kind)
                        add(f"clean {p} 1w {kind}", timed(f"clean {p}", clean_cmd(src, out, 1, cfgs[p]),
                                                           mb, docs, note))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    spin = None
    if len(workers) > 1:
        tmp2 = tempfile.mkdtemp(prefix="spin-", dir=WORK)
        try:
            spin = machine_scaling(tmp2)
        finally:
            shutil.rmtree(tmp2, ignore_errors=True)
        print(f"  machine: 2 processes of a pure-Python loop run {spin:.2f}x one", file=sys.stderr)
    report = render(series, args, mb_full, docs_full, pipes, workers, have_peer, slow, spin)
    print(report)
    if args.write:
        sys.path.insert(0, HERE)
        from _results import stamp, write_section

        write_section("throughput", f"## Throughput (`benchmarks/throughput.py`)\n\n{stamp()}\n\n{report}")
    return 0


def render(series: dict[str, Series], args: argparse.Namespace, mb: float, docs: int, pipes: list[str],
           workers: list[int], have_peer: bool, slow: set[str], spin: float | None = None) -> str:
    ceil = series.get("ceiling orjson jsonl")
    peer = series.get("datatrove C4+ftfy jsonl")
    lines = [
        f"Dump: {mb:,.0f} MB of JSONL, {docs:,} records (`--size {args.size}`), {args.repeat} round(s), medians. "
        f"{versions()}.",
        "",
        "| what | MB/CPU-s | x datatrove | / ceiling | wall s | MB/s wall | docs/s | peak RSS MB | peak PSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, s in series.items():
        r = s.mbps_cpu
        xp = f"{r / peer.mbps_cpu:.1f}x" if peer else "-"
        xc = f"{r / ceil.mbps_cpu:.1%}" if ceil else "-"
        note = next((x.note for x in s.runs if x.note), "")
        docs_s = statistics.median(x.docs / x.wall for x in s.runs)
        lines.append(f"| {key} {note} | {r:.2f} | {xp} | {xc} | {s.med('wall'):.1f} | {s.mbps_wall:.2f} | "
                     f"{docs_s:,.0f} | {s.med('rss_mb'):.0f} | {s.med('pss_mb'):.0f} |")
    lines.append("")
    mine = series.get("clean default 1w")
    if peer and mine and len(peer.runs) == len(mine.runs):
        # each round's ratio: the two runs follow each other, so a swing of the machine's
        # speed between rounds cancels out of it (not out of the medians above)
        ratios = [(m.mb / m.cpu) / (q.mb / q.cpu) for m, q in zip(mine.runs, peer.runs)]
        lines.append("- `default` 1 worker against datatrove, round by round (the peer runs right before it, "
                     f"on the same records): {', '.join(f'{r:.2f}x' for r in ratios)}; median "
                     f"**{statistics.median(ratios):.2f}x**.")
    for p in pipes:
        a, b = series.get(f"clean {p} 1w"), series.get(f"clean {p} 2w")
        if a and b:
            lines.append(f"- `{p}`: 2 workers / 1 worker, wall-clock throughput: "
                         f"{b.mbps_wall / a.mbps_wall:.2f}x (CPU-s per MB: {a.mbps_cpu / b.mbps_cpu:.2f}x of 1 worker's).")
    if spin is not None:
        lines.append(f"- The machine itself: 2 processes of a pure-Python loop run {spin:.2f}x as fast as 1 "
                     "(wall clock, median of 3), the ceiling for any 2-worker ratio above.")
    if slow:
        lines.append(f"- Pipelines slower than {args.slow_mbps} MB/CPU-s on a 5 MB probe ({', '.join(sorted(slow))}) "
                     f"were timed on the first {args.slow_size} of the dump (MB/CPU-s is a rate; a prefix keeps "
                     "a round within minutes). Their peak RSS is for that prefix.")
    lines.append(f"- Peak RSS and PSS are sums over the process tree, RSS sampled every {RSS_EVERY * 1000:.0f} ms "
                 f"and PSS every {PSS_EVERY:g} s (reading PSS costs the kernel ~5 ms of CPU per process; "
                 "sampled every 50 ms it took a quarter of a core from the run measured). With 2 workers the "
                 "parent loads the models once and forks, so the workers share those pages: RSS counts "
                 "them in every process, PSS (Linux) once in all; PSS is the memory the run really holds.")
    lines.append(f"- Machine: {os.cpu_count()} CPUs, shared: compare ratios within this table only.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

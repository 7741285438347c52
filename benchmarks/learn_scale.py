"""Does learning fit the memory cap at scale?  (issue 4, "bounded memory")

Two parts.

**Simulation** (``--sim-docs``, default 10 million): a synthetic stream of documents
goes straight into the learner's bounded tables (the same :class:`cleaner.profile.Learner`
the CLI uses; only the text handling is skipped).  Sites have Zipf-distributed sizes;
each page holds ``--furniture`` template keys of its site (each present with probability
0.95) and ``--unique`` keys seen once (article lines).  Keys stand for lines and skip
keys alike.  Measured: peak resident memory of the process against the cap, time, and
what the profile got right:

* recall: the share of template keys, over sites with at least 20 (and 100) pages, whose
  learned share of the site's pages is at least the detector's edge threshold (0.3);
* false keys: keys that were seen once but ended in the profile (the counters never
  over-count, so this should be 0).

**Real dump** (``--tile``): ``cc-wet-sample.jsonl.gz`` tiled ``--tile`` times, each copy
on its own sites (the url's host gets a copy prefix) and with digits varied, written to a
temporary file; then ``clean learn`` on it (peak memory of the learner process, pages/s),
and, on its first ``--clean-docs`` records, ``clean learn`` against the cleaning pass
(default pipeline + the profile) for throughput.

    .venv/bin/python benchmarks/learn_scale.py [--sim-docs 10000000] [--tile 100]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import psutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
WET = os.path.join(os.path.dirname(ROOT), "shared", "data", "cc-wet-sample.jsonl.gz")

from cleaner.profile import _M32, Learner, _mix, parse_size  # noqa: E402


class PeakRSS:
    """Samples the resident memory of a process (and, optionally, its children)."""

    def __init__(self, pid: int, children: bool = False, every: float = 0.05) -> None:
        self.p = psutil.Process(pid)
        self.children = children
        self.every = every
        self.peak = self.peak_all = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                own = self.p.memory_info().rss
                kids = sum(c.memory_info().rss for c in self.p.children(recursive=True)) if self.children else 0
            except psutil.Error:
                break
            self.peak = max(self.peak, own)
            self.peak_all = max(self.peak_all, own + kids)
            time.sleep(self.every)

    def __enter__(self) -> "PeakRSS":
        self._t.start()
        return self

    def __exit__(self, *a: object) -> None:
        self._stop.set()
        self._t.join()


def simulate(n_docs: int, n_sites: int, furniture: int, unique: int, cap: int, chunk: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    # Zipf-like site sizes: site i has weight 1/(i+1)^0.9
    w = 1.0 / np.arange(1, n_sites + 1) ** 0.9
    w /= w.sum()
    cdf = np.cumsum(w)
    site32 = (_mix(np.arange(n_sites, dtype=np.uint64) + np.uint64(12345)) & _M32).astype(np.uint64)
    true_pages = np.zeros(n_sites, dtype=np.int64)
    ln = Learner(cap)
    t0 = time.monotonic()
    with PeakRSS(os.getpid()) as peak:
        done = 0
        while done < n_docs:
            n = min(chunk, n_docs - done)
            sid = np.minimum(np.searchsorted(cdf, rng.random(n)), n_sites - 1)
            true_pages += np.bincount(sid, minlength=n_sites)
            hi = site32[sid] << np.uint64(32)
            # template keys: bit 31 of the low word clear; present with p = 0.95
            j = np.arange(furniture, dtype=np.uint64)
            fk = (_mix(sid[:, None].astype(np.uint64) * np.uint64(1000003) + j[None, :]) & np.uint64(0x7FFFFFFF)) | hi[:, None]
            fk = fk[rng.random((n, furniture)) < 0.95]
            # keys seen once: bit 31 set
            uk = (rng.integers(0, 1 << 31, size=(n, unique), dtype=np.uint64) | np.uint64(1 << 31)) | hi[:, None]
            keys, counts = np.unique(np.concatenate((fk, uk.ravel())), return_counts=True)
            s_u, s_c = np.unique(site32[sid], return_counts=True)
            ln.add_sites(s_u, s_c.astype(np.uint64))
            ln.add_keys(keys, counts.astype(np.uint64))
            done += n
        learn_s = time.monotonic() - t0
        tables = ln.nbytes
        prof = ln.profile(consume=True)
    # evaluation (bookkeeping, after the peak was taken)
    false_keys = int(((prof.keys & np.uint64(1 << 31)) != 0).sum())
    out = {
        "docs": n_docs,
        "sites": n_sites,
        "keys_in": int(ln.keys.weight_in),
        "seconds": learn_s,
        "peak_rss": peak.peak,
        "tables": tables,
        "profile_keys": int(prof.keys.size),
        "false_keys": false_keys,
        "door_resets": ln.door.resets,
        "evicted": ln.keys.evicted,
    }
    for floor in (20, 100):
        sel = np.nonzero(true_pages >= floor)[0][:20000]
        j = np.arange(furniture, dtype=np.uint64)
        fk = (_mix(sel[:, None].astype(np.uint64) * np.uint64(1000003) + j[None, :]) & np.uint64(0x7FFFFFFF)) | (site32[sel] << np.uint64(32))[:, None]
        got = prof.lookup(fk.ravel()).reshape(fk.shape).astype(np.float64)
        i = np.searchsorted(prof.site32, (site32[sel]).astype(np.uint32))
        i = np.minimum(i, max(0, prof.site32.size - 1))
        pages = np.where(prof.site32[i] == site32[sel].astype(np.uint32), prof.pages[i], 0).astype(np.float64)
        share = np.where(pages[:, None] > 0, got / np.maximum(pages[:, None], 1), 0)
        out[f"recall_{floor}"] = float((share >= 0.3).mean()) if sel.size else float("nan")
        out[f"sites_{floor}"] = int((true_pages >= floor).sum())
        over = pages - true_pages[sel]
        out[f"site_overcount_{floor}"] = float(np.median(over / np.maximum(true_pages[sel], 1))) if sel.size else 0.0
    return out


def tile(path: str, copies: int, seed: int) -> int:
    rng = random.Random(seed)
    with gzip.open(WET, "rt", encoding="utf-8") as f:
        base = [json.loads(x) for x in f]
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for c in range(copies):
            for r in base:
                url = r.get("url") or ""
                host, _, rest = url.partition("/")
                text = re.sub(r"\d", lambda m: str(rng.randint(0, 9)), r["text"]) if rng.random() < 0.5 else r["text"]
                out.write(json.dumps({"id": f"{r['id']}-{c}", "url": f"c{c}x{host}.example{c % 97}.com/{rest}", "text": text},
                                     ensure_ascii=False) + "\n")
                n += 1
    return n


def timed(cmd: list[str]) -> tuple[float, int, int]:
    t = time.monotonic()
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with PeakRSS(p.pid, children=True, every=0.1) as peak:
        _, err = p.communicate()
    if p.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {err.decode()[-500:]}")
    return time.monotonic() - t, peak.peak, peak.peak_all


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sim-docs", type=int, default=10_000_000)
    ap.add_argument("--sim-sites", type=int, default=1_000_000)
    ap.add_argument("--furniture", type=int, default=24)
    ap.add_argument("--unique", type=int, default=24)
    ap.add_argument("--cap", default="512M")
    ap.add_argument("--chunk", type=int, default=20_000)
    ap.add_argument("--tile", type=int, default=60, help="copies of the cc-wet sample (680 records each); 0: skip")
    ap.add_argument("--clean-docs", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--save-sim", help="also write the simulation's figures to this JSON file")
    ap.add_argument("--load-sim", help="take the simulation's figures from a JSON file written by --save-sim")
    ap.add_argument("--save-tile", help="also write the real-dump figures to this JSON file")
    ap.add_argument("--load-tile", help="take the real-dump figures from a JSON file written by --save-tile")
    args = ap.parse_args()
    cap = parse_size(args.cap)
    py = sys.executable
    lines = ["## Learning at scale (issue 4): `benchmarks/learn_scale.py`", "", stamp(), ""]

    s = None
    if args.load_sim:
        with open(args.load_sim) as f:
            s = json.load(f)
    elif args.sim_docs:
        s = simulate(args.sim_docs, args.sim_sites, args.furniture, args.unique, cap, args.chunk, args.seed)
        s.update(furniture=args.furniture, unique=args.unique, cap=args.cap)
        print(s, flush=True)
        if args.save_sim:
            with open(args.save_sim, "w") as f:
                json.dump(s, f)
    if s:
        lines += [
            f"**Simulation**: {s['docs']:,} documents over {s['sites']:,} Zipf-sized sites, {s['furniture']} template keys "
            f"(each present on 95% of the site's pages) + {s['unique']} once-seen keys a page; {s['keys_in']:,} key "
            f"increments reached the counters after the doorkeeper.  Cap {s['cap']}: tables {s['tables'] / 2**20:,.0f} MiB, "
            f"**peak RSS {s['peak_rss'] / 2**20:,.0f} MiB** (whole process, numpy and the stream generator included), "
            f"{s['seconds']:,.0f}s ({s['docs'] / s['seconds']:,.0f} docs/s into the tables).",
            "",
            f"- template keys found (learned share >= 0.3): {s['recall_20']:.1%} for the {s['sites_20']:,} sites with >= 20 "
            f"pages, {s['recall_100']:.1%} for the {s['sites_100']:,} with >= 100;",
            f"- once-seen keys in the profile: **{s['false_keys']}** (the key counters never over-count);",
            f"- median over-count of site pages (Space-Saving, safe side): {s['site_overcount_20']:.1%} (>= 20 pages);",
            f"- doorkeeper resets: {s['door_resets']}, Misra-Gries evictions: {s['evicted']:,}; profile: {s['profile_keys']:,} keys.",
            "",
        ]
    t = None
    if args.load_tile:
        with open(args.load_tile) as f:
            t = json.load(f)
    elif args.tile:
        with tempfile.TemporaryDirectory() as tmp:
            dump = os.path.join(tmp, "tiled.jsonl")
            n = tile(dump, args.tile, args.seed)
            size = os.path.getsize(dump)
            prof = os.path.join(tmp, "p.prof")
            w = ["--workers", str(args.workers), "--no-progress"]
            secs, peak_main, peak_all = timed([py, "-m", "cleaner.cli", "learn", dump, "-o", prof, "--learn-memory", args.cap, *w])
            print(f"tiled: {n} docs, {size / 1e6:.0f} MB, learn {secs:.1f}s, peak {peak_main / 2**20:.0f} MiB", flush=True)
            small = os.path.join(tmp, "small.jsonl")
            with open(dump, encoding="utf-8") as f, open(small, "w", encoding="utf-8") as g:
                for i, line in enumerate(f):
                    if i >= args.clean_docs:
                        break
                    g.write(line)
            out = os.path.join(tmp, "o.jsonl")
            t_learn, _, _ = timed([py, "-m", "cleaner.cli", "learn", small, "-o", prof + "2", *w])
            t_clean, _, _ = timed([py, "-m", "cleaner.cli", small, "-o", out, "--profile", prof + "2", *w])
            t_clean_plain, _, _ = timed([py, "-m", "cleaner.cli", small, "-o", out, *w])
        t = dict(tile=args.tile, n=n, size=size, cap=args.cap, secs=secs, workers=args.workers, peak_main=peak_main,
                 peak_all=peak_all, clean_docs=args.clean_docs, t_learn=t_learn, t_clean=t_clean, t_clean_plain=t_clean_plain)
        print(t, flush=True)
        if args.save_tile:
            with open(args.save_tile, "w") as f:
                json.dump(t, f)
    if t:
        tile_n, n, size, secs, peak_main, peak_all = t["tile"], t["n"], t["size"], t["secs"], t["peak_main"], t["peak_all"]
        clean_docs, t_learn, t_clean, t_clean_plain, workers = t["clean_docs"], t["t_learn"], t["t_clean"], t["t_clean_plain"], t["workers"]
        lines += [
            f"**Real dump**: cc-wet-sample tiled {tile_n} times ({n:,} records, {size / 1e6:,.0f} MB; each copy on its own "
            f"sites, digits varied in half): `clean learn --learn-memory {t['cap']}` took {secs:,.1f}s "
            f"({n / secs:,.0f} records/s, {workers} workers); peak RSS of the learner process "
            f"**{peak_main / 2**20:,.0f} MiB**, with its workers {peak_all / 2**20:,.0f} MiB.",
            "",
            f"**Throughput**, first {clean_docs:,} records, {workers} workers, start-up included: learning "
            f"{t_learn:.1f}s ({clean_docs / t_learn:,.0f}/s); cleaning with the profile (default pipeline + "
            f"site_boilerplate) {t_clean:.1f}s ({clean_docs / t_clean:,.0f}/s); cleaning without it "
            f"{t_clean_plain:.1f}s ({clean_docs / t_clean_plain:,.0f}/s).",
        ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("learn-scale", body)


if __name__ == "__main__":
    from benchmarks._results import stamp, write_section

    main()

"""Quick HTML-mode benchmark: cleaner.clean_html beside trafilatura (and optionally
jusText / resiliparse) on the dev set, same process, same pages.

    .venv/bin/python benchmarks/html_quick.py [--split dev|test|all] [--limit N] [--peers trafilatura,justext,resiliparse]

Split: a page belongs to the *test* split when crc32(id) % 5 == 0 (about 20 %, kept
aside while developing HTML mode); the rest is the *dev* split.  Scores use
:func:`cleaner.metrics.score` (the article-extraction benchmark's shingle metric).
``--write`` rewrites this script's section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from cleaner.metrics import score, page_pr  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "dev", "pages.jsonl.gz")


def in_test(pid: str) -> bool:
    return zlib.crc32(pid.encode()) % 5 == 0


def load(path: str, split: str, limit: int | None, dataset: str | None) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if dataset and r["dataset"] != dataset:
                continue
            t = in_test(r["id"])
            if (split == "test" and not t) or (split == "dev" and t):
                continue
            out.append(r)
    if limit:
        # a deterministic spread over the file, not its head, per dataset
        sub = []
        for ds in ("dragnet", "cleaneval-dev"):
            rs = [r for r in out if r["dataset"] == ds]
            if len(rs) > limit:
                rs = [rs[int(i * len(rs) / limit)] for i in range(limit)]
            sub += rs
        out = sub
    return out


def systems(peers: list[str]):
    import cleaner

    yield "cleaner", lambda r: cleaner.clean_html(r["html"], r.get("url"))
    for p in peers:
        if p == "trafilatura":
            import trafilatura

            yield p, lambda r: trafilatura.extract(r["html"]) or ""
        elif p == "justext":
            import justext

            stop = justext.get_stoplist("English")
            yield p, lambda r: "\n".join(x.text for x in justext.justext(r["html"].encode("utf-8", "replace"), stop, encoding="utf-8") if not x.is_boilerplate)
        elif p == "resiliparse":
            from resiliparse.extract.html2text import extract_plain_text

            yield p, lambda r: extract_plain_text(r["html"], main_content=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--dataset", default=None)
    ap.add_argument("--peers", default="trafilatura")
    ap.add_argument("--worst", type=int, default=0, help="print the N worst pages of cleaner")
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    pages = load(a.data, a.split, a.limit, a.dataset)
    peers = [p for p in a.peers.split(",") if p]
    rows = []
    outputs = {}
    for name, fn in systems(peers):
        outs = []
        t0 = time.perf_counter()
        for r in pages:
            try:
                outs.append(fn(r))
            except Exception as exc:  # peers crash on some pages; count it as empty
                print(f"{name} failed on {r['id']}: {type(exc).__name__}", file=sys.stderr)
                outs.append("")
        dt = time.perf_counter() - t0
        outputs[name] = outs
        line = [name]
        parts = [("", lambda r: True)]
        if a.split == "all":
            parts += [(" [dev split]", lambda r: not in_test(r["id"])), (" [test split]", lambda r: in_test(r["id"]))]
        for label, keep in parts:
            for ds in ("dragnet", "cleaneval-dev"):
                pairs = [(o, r["truth_text"]) for o, r in zip(outs, pages) if r["dataset"] == ds and keep(r)]
                if not pairs:
                    continue
                s = score(pairs)
                line.append(f"{ds}{label} F1 {s.f1:.3f} (P {s.precision:.3f} / R {s.recall:.3f}), empty {s.empty_with_truth}/{s.pages}")
        line.append(f"{len(pages) / dt:.1f} pages/s")
        rows.append((name, len(pages) / dt, line))
        print(" | ".join(line), flush=True)
    if "trafilatura" in outputs:
        print(f"speed ratio cleaner/trafilatura: {rows[0][1] / dict((n, v) for n, v, _ in rows)['trafilatura']:.2f}")
    if a.worst:
        scored = []
        for o, r in zip(outputs["cleaner"], pages):
            p, rr = page_pr(o, r["truth_text"])
            f = 0.0 if not p or not rr else 2 * p * rr / (p + rr)
            scored.append((f, p or 0.0, rr or 0.0, r["id"]))
        scored.sort()
        for f, p, rr, pid in scored[: a.worst]:
            print(f"{pid}\tF1 {f:.2f}\tP {p}\tR {rr}")
    empties = [r["id"] for o, r in zip(outputs["cleaner"], pages) if not o.strip() and r["truth_text"].strip()]
    if empties:
        print("cleaner empty where the truth is not:", " ".join(empties))
    if a.write:
        from benchmarks._results import stamp, write_section

        body = ["## HTML mode, quick run (`benchmarks/html_quick.py`)", "", f"{stamp()}; split `{a.split}`, {len(pages)} pages.", ""]
        body += ["- " + " | ".join(line) for _, _, line in rows]
        write_section("html_quick", "\n".join(body))


if __name__ == "__main__":
    main()

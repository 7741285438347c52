"""Learn the weights of ``page_furniture``'s three stages (``cleaner/data/furniture_weights.txt``).

    .venv/bin/python benchmarks/train_furniture.py [--data ../shared/data/dev/pages.jsonl.gz]
        [--dataset-weight cleaneval-dev=5] [--l2 0.001] [--write]

The shipped weights were made with ``--dataset-weight cleaneval-dev=5`` (the header of
the weights file records the options).

Trains on the **dev** split only (pages whose first byte of ``sha1(id)`` is 52 or more,
the rule of ``benchmarks/quality.py``); the test split is never read.  Every block the
detector builds (a line, or re-joined wrapped prose) is labelled content when its token
sequence occurs in the page's ``truth_text`` (or, for a block of 4+ tokens, when most of
its sampled token 4-grams do).  Each block is weighted by its share of the page's tokens
(plus a small floor per block), so that each page counts about equally, as in the
metric (P and R are means over pages).

Stage 1 is a logistic regression over the block's own features and its neighbours'
(``STAGE1`` in ``cleaner/detectors/furniture.py``); stage 2 another one over the stage-1
scores around the block and its place relative to the main text (``STAGE2``); stage 3
the same features over stage 2's scores.  All are fitted by iteratively reweighted least squares with a small L2 penalty, on standardised
features; the weights are written back in raw feature units, as plain text.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from cleaner.detectors import furniture as F  # noqa: E402
from cleaner.document import Document  # noqa: E402
from cleaner.pipeline import Pipeline  # noqa: E402

TEST_CUT = 52
TOK = re.compile(r"\w+")
OUT = os.path.join(ROOT, "cleaner", "data", "furniture_weights.txt")


def in_test(page_id: str) -> bool:
    return hashlib.sha1(page_id.encode("utf-8")).digest()[0] < TEST_CUT


def label(seg: str, truth: str) -> tuple[float, int]:
    """(share of the block found in the truth, tokens of the block)."""
    toks = TOK.findall(seg)
    if not toks:
        return 0.0, 0
    if " " + " ".join(toks) + " " in truth:
        return 1.0, len(toks)
    if len(toks) < 4:
        return 0.0, len(toks)
    n = len(toks) - 3
    idx = range(0, n, max(1, n // 8))
    hit = sum((" " + " ".join(toks[i : i + 4]) + " ") in truth for i in idx)
    return hit / len(idx), len(toks)


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1e-3, iters: int = 30) -> np.ndarray:
    """Weighted L2 logistic regression by IRLS; returns weights in raw units (the first
    column is the bias and is not penalised)."""
    mu = X[:, 1:].mean(0)
    sd = X[:, 1:].std(0)
    sd[sd == 0] = 1.0
    Z = np.hstack([X[:, :1], (X[:, 1:] - mu) / sd])
    b = np.zeros(Z.shape[1])
    pen = np.full(Z.shape[1], l2 * w.sum())
    pen[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(Z @ b)))
        g = Z.T @ (w * (p - y)) + pen * b
        H = (Z * (w * p * (1 - p))[:, None]).T @ Z + np.diag(pen + 1e-9)
        step = np.linalg.solve(H, g)
        b -= step
        if np.abs(step).max() < 1e-6:
            break
    raw = b.copy()
    raw[1:] = b[1:] / sd
    raw[0] = b[0] - (b[1:] * mu / sd).sum()
    return raw


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.join(os.path.dirname(ROOT), "shared", "data", "dev", "pages.jsonl.gz"))
    ap.add_argument("--l2", type=float, default=1e-3)
    ap.add_argument("--dataset-weight", action="append", default=[], metavar="NAME=FACTOR",
                    help="weigh the pages of one dataset by FACTOR (repeatable)")
    ap.add_argument("--write", action="store_true", help=f"write {os.path.relpath(OUT, ROOT)}")
    args = ap.parse_args(argv)

    dw = {k: float(v) for k, _, v in (a.partition("=") for a in args.dataset_weight)}
    norm = Pipeline(detectors=[]).normalise
    det = F.PageFurniture()
    docs = []
    with gzip.open(args.data, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if in_test(str(rec.get("id", ""))) or not rec.get("truth_text") or not rec.get("text"):
                continue
            doc = Document(norm(rec["text"]))
            if len(doc.blocks) < det.min_blocks:
                continue
            cjk = det._is_cjk(doc)
            stop = F.stoplist(doc.lang) if not cjk else frozenset()
            first, last = det._group(doc, stop, cjk)
            if len(first) < det.min_blocks:
                continue
            pg = F._Page(first, last)
            X1 = det._features(doc, pg, stop, cjk).T
            truth = " " + " ".join(TOK.findall(rec["truth_text"])) + " "
            labs = [label(doc.text[a:b], truth) for a, b in zip(pg.start, pg.end)]
            total = sum(n for _, n in labs) or 1
            f = dw.get(str(rec.get("dataset")), 1.0)
            ws = [f * (n / total + 0.2 / len(first)) for _, n in labs]
            docs.append((pg, [float(v >= 0.5) for v, _ in labs], ws, X1))
    y = np.array([v for _, ys, _, _ in docs for v in ys])
    w = np.array([v for _, _, ws, _ in docs for v in ws])
    X1 = np.vstack([x for _, _, _, x in docs])
    w1 = fit(X1, y, w, args.l2)
    X2 = np.vstack([det._context(pg, np.clip(x @ w1, -F._ZCLIP, F._ZCLIP)).T for pg, _, _, x in docs])
    w2 = fit(X2, y, w, args.l2)
    z2 = np.clip(X2 @ w2, -F._ZCLIP, F._ZCLIP)
    X3, k = [], 0
    for pg, _, _, _ in docs:
        n = len(pg.first)
        X3.append(det._context(pg, z2[k : k + n]).T)
        k += n
    X3 = np.vstack(X3)
    w3 = fit(X3, y, w, args.l2)
    acc1 = float((((X1 @ w1) >= 0) == (y > 0.5)) @ w / w.sum())
    acc2 = float((((X2 @ w2) >= 0) == (y > 0.5)) @ w / w.sum())
    acc3 = float((((X3 @ w3) >= 0) == (y > 0.5)) @ w / w.sum())
    print(f"{len(docs)} pages, {len(y)} blocks, {y.mean():.1%} content; weighted accuracy stage 1 {acc1:.3f}, "
          f"stage 2 {acc2:.3f}, stage 3 {acc3:.3f}")
    for name, v in zip(F.STAGE1, w1):
        print(f"  1 {name:20s} {v:+.3f}")
    for name, v, v3 in zip(F.STAGE2, w2, w3):
        print(f"  2/3 {name:20s} {v:+.3f} {v3:+.3f}")
    if args.write:
        with open(OUT, "w", encoding="utf-8") as f:
            f.write(
                "# Learned weights of the page_furniture detector (cleaner/detectors/furniture.py).\n"
                "# Written by benchmarks/train_furniture.py on "
                + time.strftime("%Y-%m-%d", time.gmtime())
                + f" from {os.path.basename(args.data)}, dev split only\n"
                f"# (first byte of sha1(id) >= {TEST_CUT}): {len(docs)} pages, {len(y)} blocks, "
                f"L2 {args.l2}, dataset weights {dw or 'none'}.  Weighted accuracy on the\n"
                f"# training blocks: stage 1 {acc1:.3f}, stage 2 {acc2:.3f}, stage 3 {acc3:.3f}.  Plain numbers, one feature a line:\n"
                "# 'name weight' in raw feature units; the score of a block is the sum of weight x\n"
                "# feature (a logit).  The feature names and order are STAGE1/STAGE2 in the detector.\n\n"
            )
            for sec, names, ws_ in (("stage1", F.STAGE1, w1), ("stage2", F.STAGE2, w2), ("stage3", F.STAGE2, w3)):
                f.write(f"[{sec}]\n")
                for name, v in zip(names, ws_):
                    f.write(f"{name} {v:.6g}\n")
                f.write("\n")
        print(f"wrote {os.path.relpath(OUT, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

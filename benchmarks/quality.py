"""Extraction quality of cleaner and its peers on a pages file in the dev-set format.

    python benchmarks/quality.py --data ../shared/data/dev/pages.jsonl.gz [--mode text|html]
        [--systems cleaner,keep-all,justext-lines,justext-html,trafilatura,resiliparse]
        [--split all|dev|test] [--limit N] [--write]

Records are ``{id, dataset, url, html, text, truth_text}``.  The metric is
:func:`cleaner.metrics.score` (token 4-gram shingles; P over non-empty outputs, R over
non-empty truths, F1 from the two means), per ``dataset``, with the count of empty
outputs where the truth is not empty and pages per second (one process, wall clock of
the extraction calls only, after a warm-up over the first few pages whose CPU time is
reported apart: models loaded on first use are not a per-page cost).

Split: a page is in the **test** split when the first byte of ``sha1(id)`` is below 52
(about 20% of pages); the rest is **dev**.  cleaner was tuned on dev only: the
weights of ``page_furniture`` are learned on it by ``benchmarks/train_furniture.py``,
which never reads the test split.

In text mode cleaner runs on the ``text`` field (the WET-like record); peers that need
HTML (jusText defaults, trafilatura, resiliparse) run on ``html`` and are labelled so.
In html mode cleaner runs :func:`cleaner.clean_html` when the installed cleaner has it.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import time
from collections import defaultdict
from typing import Callable, Iterable, Iterator

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import cleaner  # noqa: E402
from cleaner.metrics import score  # noqa: E402

TEST_CUT = 52  # first byte of sha1(id) below this: test split (52/256 ~ 20%)


def in_test(page_id: str) -> bool:
    return hashlib.sha1(page_id.encode("utf-8")).digest()[0] < TEST_CUT


def read_pages(path: str, split: str = "all", limit: int | None = None) -> Iterator[dict]:
    opener: Callable[..., io.TextIOBase] = gzip.open if path.endswith(".gz") else open  # type: ignore[assignment]
    n = 0
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            if split != "all" and in_test(str(rec.get("id", ""))) != (split == "test"):
                continue
            yield rec
            n += 1
            if limit is not None and n >= limit:
                return


# ------------------------------------------------------------------------- systems
def _version(mod: str) -> str:
    try:
        from importlib.metadata import version

        return version(mod)
    except Exception:
        return "?"


def sys_cleaner_text() -> Callable[[dict], str]:
    pipe = cleaner.Pipeline()
    return lambda rec: pipe.clean(rec.get("text") or "", mode="delete", record_edits=False).text


def sys_cleaner_core() -> Callable[[dict], str]:
    """The keyword detectors alone (issue 2's pipeline): page_furniture and typos off."""
    pipe = cleaner.Pipeline.from_config(
        {"detectors": {"page_furniture": {"enabled": False}}, "normalisers": {"typos": False}}
    )
    return lambda rec: pipe.clean(rec.get("text") or "", mode="delete", record_edits=False).text


def sys_cleaner_html() -> Callable[[dict], str] | None:
    fn = getattr(cleaner, "clean_html", None)
    if fn is None:
        return None
    return lambda rec: fn(rec.get("html") or "")


def sys_keep_all() -> Callable[[dict], str]:
    return lambda rec: rec.get("text") or ""


def _justext_stoplist(lang: str) -> frozenset[str]:
    from cleaner.detectors.furniture import stoplist

    return stoplist(lang)


def sys_justext_lines() -> Callable[[dict], str] | None:
    try:
        import justext
    except ImportError:
        return None
    from html import escape

    from cleaner.lang import detect_language

    def run(rec: dict) -> str:
        text = rec.get("text") or ""
        html = "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in text.split("\n")) + "</body></html>"
        stop = _justext_stoplist(detect_language(text)[0])
        paras = justext.justext(html.encode("utf-8"), stop, encoding="utf-8")
        return "\n".join(p.text for p in paras if not p.is_boilerplate)

    return run


def sys_justext_html() -> Callable[[dict], str] | None:
    try:
        import justext
    except ImportError:
        return None

    def run(rec: dict) -> str:
        html = rec.get("html") or ""
        if not html.strip():
            return ""
        try:
            paras = justext.justext(html.encode("utf-8", "replace"), justext.get_stoplist("English"),
                                    encoding="utf-8")
        except Exception:
            return ""
        return "\n".join(p.text for p in paras if not p.is_boilerplate)

    return run


def sys_trafilatura() -> Callable[[dict], str] | None:
    try:
        import trafilatura
    except ImportError:
        return None
    return lambda rec: trafilatura.extract(rec.get("html") or "") or ""


def sys_resiliparse() -> Callable[[dict], str] | None:
    try:
        from resiliparse.extract.html2text import extract_plain_text
    except ImportError:
        return None
    return lambda rec: extract_plain_text(rec.get("html") or "", main_content=True) or ""


#: name -> (label, input, factory, version package)
SYSTEMS: dict[str, tuple[str, str, Callable[[], Callable[[dict], str] | None], str]] = {
    "keep-all": ("keep everything", "text", sys_keep_all, ""),
    "cleaner": ("cleaner, default pipeline", "text", sys_cleaner_text, "cleaner"),
    "cleaner-core": ("cleaner, keyword detectors only", "text", sys_cleaner_core, "cleaner"),
    "cleaner-html": ("cleaner.clean_html", "html", sys_cleaner_html, "cleaner"),
    "justext-lines": ("jusText, each line wrapped as a paragraph", "text", sys_justext_lines, "jusText"),
    "justext-html": ("jusText, defaults", "html", sys_justext_html, "jusText"),
    "trafilatura": ("trafilatura", "html", sys_trafilatura, "trafilatura"),
    "resiliparse": ("resiliparse, main content", "html", sys_resiliparse, "resiliparse"),
}
TEXT_DEFAULT = ("keep-all", "cleaner", "justext-lines", "justext-html", "trafilatura", "resiliparse")
HTML_DEFAULT = ("keep-all", "cleaner-html", "justext-html", "trafilatura", "resiliparse")


#: pages run once, untimed and unscored, before the timed pass: models and tables that
#: load on first use (cleaner's language model, typo lexicon and furniture weights; a
#: peer's own) are not counted as per-page cost; their CPU time is reported apart
WARMUP_PAGES = 5


def warm_up(fn: Callable[[dict], str], pages: list[dict]) -> float:
    """CPU seconds of ``fn`` over the first :data:`WARMUP_PAGES` pages (outputs dropped)."""
    c0 = time.process_time()
    for rec in pages[:WARMUP_PAGES]:
        try:
            fn(rec)
        except Exception:  # evaluate() reports it
            pass
    return time.process_time() - c0


def evaluate(fn: Callable[[dict], str], pages: Iterable[dict]) -> tuple[dict, dict, float, float, int, int]:
    """Per-dataset scores (all pages given, and their test-split part), wall and CPU
    seconds spent in ``fn``, pages and bytes of input text."""
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    test: dict[str, list[tuple[str, str]]] = defaultdict(list)
    spent = cpu = 0.0
    n = nbytes = 0
    for rec in pages:
        t0 = time.perf_counter()
        c0 = time.process_time()
        try:
            out = fn(rec)
        except Exception as exc:  # a crash is an empty output, and is reported
            print(f"  ! {rec.get('id')}: {type(exc).__name__}: {exc}", file=sys.stderr)
            out = ""
        spent += time.perf_counter() - t0
        cpu += time.process_time() - c0
        n += 1
        nbytes += len((rec.get("text") or "").encode("utf-8"))
        pair = (out, rec.get("truth_text") or "")
        pairs[str(rec.get("dataset", "all"))].append(pair)
        if in_test(str(rec.get("id", ""))):
            test[str(rec.get("dataset", "all"))].append(pair)
    return ({ds: score(p) for ds, p in pairs.items()}, {ds: score(p) for ds, p in test.items()},
            spent, cpu, n, nbytes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data",
                                                   "dev", "pages.jsonl.gz"))
    ap.add_argument("--mode", choices=("text", "html"), default="text")
    ap.add_argument("--section", default="", help="RESULTS.md section name (default: quality-MODE[-SPLIT])")
    ap.add_argument("--systems", default="", help="comma-separated: " + ", ".join(SYSTEMS))
    ap.add_argument("--split", choices=("all", "dev", "test"), default="all")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of the split")
    ap.add_argument("--write", action="store_true", help="write the table into benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    names = [s.strip() for s in args.systems.split(",") if s.strip()] or list(
        TEXT_DEFAULT if args.mode == "text" else HTML_DEFAULT)
    for s in names:
        if s not in SYSTEMS:
            ap.error(f"unknown system {s!r}; choose from {', '.join(SYSTEMS)}")
    if args.mode == "html":
        names = ["cleaner-html" if s == "cleaner" else s for s in names]
    pages = list(read_pages(args.data, args.split, args.limit))
    if not pages:
        ap.error("no pages")
    datasets = sorted({str(p.get("dataset", "all")) for p in pages})

    rows: list[str] = []
    versions: list[str] = []
    show_test = args.split == "all"
    head = "| system | input | " + " | ".join(f"{d} F1 (P / R), empty" for d in datasets)
    if show_test:
        head += " | " + " | ".join(f"test split: {d} F1" for d in datasets)
    head += " | pages/s | MB per CPU-s | warm-up CPU-s |"
    rows.append(head)
    rows.append("|" + "---|" * (5 + len(datasets) * (2 if show_test else 1)))
    for name in names:
        label, inp, factory, pkg = SYSTEMS[name]
        fn = factory()
        if fn is None:
            print(f"skip {name}: not installed", file=sys.stderr)
            continue
        if pkg:
            v = cleaner.__version__ if pkg == "cleaner" else _version(pkg)
            versions.append(f"{pkg} {v}")
            label = f"{label} ({pkg} {v})" if pkg != "cleaner" else f"{label} (cleaner {v})"
        load = warm_up(fn, pages)
        res, res_test, spent, cpu, n, nbytes = evaluate(fn, pages)
        cells = []
        for d in datasets:
            s = res.get(d)
            if s is None:
                cells.append("-")
                continue
            cells.append(f"{s.f1:.3f} ({s.precision:.3f} / {s.recall:.3f}), {s.empty_with_truth} empty")
        if show_test:
            for d in datasets:
                s = res_test.get(d)
                cells.append(f"{s.f1:.3f} ({s.pages} pages)" if s else "-")
        rate = f"{n / spent:.0f}" if spent > 0 and name != "keep-all" else "-"
        mbs = f"{nbytes / 1e6 / cpu:.1f}" if cpu > 0 and inp == "text" and name != "keep-all" else "-"
        first = f"{load:.2f}" if name != "keep-all" else "-"
        row = f"| {label} | {inp} | " + " | ".join(cells) + f" | {rate} | {mbs} | {first} |"
        rows.append(row)
        print(row, flush=True)

    table = "\n".join(rows)
    print()
    print(table)
    if args.write:
        from benchmarks._results import stamp, write_section

        body = (
            f"## Extraction quality, {args.mode} mode (`benchmarks/quality.py`)\n\n"
            f"{stamp()}.\n\n"
            f"Data: `{os.path.basename(args.data)}`, split `{args.split}` ({len(pages)} pages"
            + (f", first {args.limit}" if args.limit else "")
            + "). Split rule: test = first byte of sha1(id) < 52 (~20% of pages, held out; "
            "cleaner was tuned on the rest). Metric: token 4-gram shingle P/R/F1 "
            "(`cleaner.metrics.score`); \"empty\" = empty outputs where the truth is not. "
            "pages/s is wall clock in one process (a shared, loaded machine: compare rows, not "
            "runs); MB per CPU-second counts the `text` field, only for text-input systems. "
            f"Both are timed after a warm-up over the first {WARMUP_PAGES} pages (untimed, outputs "
            "dropped), whose CPU time, mostly loading models and tables on first use, is the last "
            "column.\n\n"
            + table
            + "\n"
        )
        section = f"quality-{args.mode}" + ("" if args.split == "all" else f"-{args.split}")
        if args.section:
            section = args.section
        write_section(section, body)
        print(f"\nwrote section {section} to benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

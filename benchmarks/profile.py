"""Where the time goes: pyinstrument over the per-record work of ``clean``.

    .venv/bin/python benchmarks/profile.py --mb 5 --pipelines core,default --write

Reads the first ``--mb`` MB of the throughput dump (``benchmarks/throughput.py`` builds
it; ``--dump`` to choose another file) and runs, per record, what a worker runs:
``orjson.loads``, ``Pipeline.clean``, ``orjson.dumps``.  The pipeline is built and
warmed up first (on the first 50 records, plus the typo indexes and every language's
stoplist), so one-off loading (word lists, models) is not in the profile.  Prints
the call tree (functions above ``--min-share`` of the time) and the CPU rate, and with
``--write`` puts them in the ``profile`` section of ``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)
from _common import CONFIGS, largest_dump  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    import orjson
    from pyinstrument import Profiler

    from cleaner.pipeline import Pipeline

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dump", default=None, help="JSONL file (default: the largest cached throughput dump)")
    ap.add_argument("--mb", type=float, default=5.0, help="MB of the dump to profile (default 5)")
    ap.add_argument("--pipelines", default="core,default", help="comma-separated: default, no-typos, core")
    ap.add_argument("--min-share", type=float, default=0.03, help="hide frames below this share (default 0.03)")
    ap.add_argument("--lines", type=int, default=45, help="lines of each tree to keep (default 45)")
    ap.add_argument("--write", action="store_true", help="write the 'profile' section of benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    dump = largest_dump(args.dump)
    limit = int(args.mb * 1e6)
    lines: list[bytes] = []
    n = 0
    with open(dump, "rb") as f:
        for line in f:
            if n >= limit:
                break
            lines.append(line)
            n += len(line)
    out = [f"Profile of {n / 1e6:.1f} MB ({len(lines):,} records) of `{os.path.basename(dump)}`; pyinstrument, "
           f"frames under {args.min_share:.0%} hidden. Rates are CPU-time under the profiler (slower than without)."]
    for name in [p for p in args.pipelines.split(",") if p]:
        pipe = Pipeline.from_config(CONFIGS[name])
        for line in lines[:50]:  # loads every lazy model and word list before profiling
            pipe.clean(orjson.loads(line)["text"], record_edits=False, explain=False)
        if name != "core":
            # the typo fixer's indexes are built on the first word that needs them, which the
            # first 50 records may not hold: a one-off cost (about 1 s), not per-record work
            from cleaner.normalisers.typos import _load_tables

            _load_tables()
            # ... and page_furniture's per-language stoplists and stop tables, loaded on a
            # language's first page: one-off costs of a few ms each (~80 languages here)
            from cleaner._compiled import fast
            from cleaner.detectors import furniture as F

            for lang in [*F._data()[0], "und"]:
                F.stoplist(lang)
                if fast() is not None:
                    F._stop_table(lang)
                else:
                    F._codes(lang)
        # as `clean` does once its models are loaded (cleaner.runner.preload): the
        # collector's full passes then skip them; without this they land, in the
        # profile, in whichever frame allocated when they ran
        gc.freeze()
        loads, dumps = orjson.loads, orjson.dumps
        prof = Profiler(interval=0.001)
        t0 = time.process_time()
        prof.start()
        for line in lines:
            rec = loads(line)
            rec["text"] = pipe.clean(rec["text"], record_edits=False, explain=False).text  # as the CLI calls it
            dumps(rec)
        prof.stop()
        cpu = time.process_time() - t0
        gc.unfreeze()
        tree = prof.output_text(unicode=False, color=False, show_all=False, time="percent_of_total",
                                processor_options={"filter_threshold": args.min_share})
        body = [ln for ln in tree.splitlines() if ln.strip() and not ln.lstrip().startswith(("_", "/", "Recorded", "Program"))]
        out.append(f"\n### `{name}` pipeline: {n / 1e6 / cpu:.2f} MB/CPU-s under the profiler\n")
        out.append("```\n" + "\n".join(body[: args.lines]) + "\n```")
    report = "\n".join(out)
    print(report)
    if args.write:
        from _results import stamp, write_section

        write_section("profile", f"## Profile (`benchmarks/profile.py`)\n\n{stamp()}\n\n{report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the profiling benchmarks share: the pipelines they compare and the dump they read."""
from __future__ import annotations

import glob
import os

HERE = os.path.dirname(os.path.abspath(__file__))

#: the keyword detectors alone (no block classifier, no typo fixer)
CORE = ["separators", "link_farm", "copyright", "publisher_footer", "gdpr_notice"]
#: pipeline name -> config (None: the default pipeline)
CONFIGS = {
    "default": None,
    "no-typos": {"normalisers": {"typos": False}},
    "core": {"normalisers": {"typos": False}, "detectors": {"enabled": CORE}},
}


def largest_dump(dump: str | None = None) -> str:
    """``dump`` when given, else the largest dump that ``benchmarks/throughput.py`` has
    cached in ``benchmarks/_work``."""
    if dump is not None:
        return dump
    cands = sorted(glob.glob(os.path.join(HERE, "_work", "dump-*.jsonl")), key=os.path.getsize)
    if not cands:
        raise SystemExit("no dump: run benchmarks/throughput.py --size 50M first, or pass --dump")
    return cands[-1]

"""Rewrite one named section of benchmarks/RESULTS.md, leaving the others alone."""
from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from datetime import datetime, timezone

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")
HEADER = "# Benchmark results\n\nEach section is written by the script named in it; figures are measured, not edited.\n"


def machine() -> str:
    """One line describing this machine and Python."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=os.path.dirname(RESULTS)).stdout.strip() or "?"
    except OSError:
        return "?"


def stamp() -> str:
    return f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}"


def write_section(name: str, body: str, path: str = RESULTS) -> None:
    """Replace the text between ``<!-- BEGIN name -->`` and ``<!-- END name -->``."""
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else HEADER
    block = f"<!-- BEGIN {name} -->\n{body.rstrip()}\n<!-- END {name} -->"
    rx = re.compile(rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->", re.S)
    text = rx.sub(lambda m: block, text) if rx.search(text) else text.rstrip() + "\n\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":  # pragma: no cover
    write_section(sys.argv[1], sys.stdin.read())

"""The report in a real browser: headless Chromium (Debian's ``chromium``) over the
DevTools protocol.  The page must render with no console error, no uncaught exception,
no blocked resource or CSP violation, no dialog (a hostile record's ``alert``); the
detector filter must work; a screenshot is saved.

Skipped, with the reason, when Chromium is not installed (CI installs it: see
docs/report.md).  ``CLEANER_SCREENSHOT=path`` also keeps the screenshot there.
"""
from __future__ import annotations

import os
import shutil
import sys

import orjson
import pytest
from click.testing import CliRunner

from cleaner.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from cdp import Browser, find_chromium  # noqa: E402

SEED = os.path.join(ROOT, "seeds", "spacewar.jsonl")
CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")

EVIL = ("<script>window.pwned=1;alert(1)</script> </textarea><img src=x onerror=\"window.pwned=2;alert(2)\">"
        "<iframe src=\"https://example.com/\"></iframe><link rel=stylesheet href=\"https://example.com/x.css\">")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    d = tmp_path_factory.mktemp("browser")
    inp = d / "in.jsonl"
    with open(SEED, "rb") as f:
        seed = f.read()
    hostile = {"id": "evil<script>alert(3)</script>", "url": "https://evil.example/\"><svg onload=alert(4)>",
               "text": f"A report on the storm that hit the coast overnight, cutting power to homes. {EVIL}\n"
                       f"Copyright 2021 Evil Media Ltd. All rights reserved. {EVIL}"}
    inp.write_bytes(seed + orjson.dumps(hostile) + b"\n")
    rep = d / "report.html"
    r = CliRunner().invoke(main, [str(inp), "-o", str(d / "out.jsonl"), "--report", str(rep),
                                  "--workers", "1", "--no-typos"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return rep


def test_report_renders_in_chromium(report, tmp_path):
    shot = tmp_path / "report.png"
    with Browser(CHROMIUM) as b:
        b.open(str(report))
        assert b.evaluate("document.title") == "cleaner report"
        n_docs = b.evaluate("document.querySelectorAll('article.doc').length")
        assert n_docs == 2  # the seed and the hostile record, each once
        assert b.evaluate("document.querySelectorAll('svg.chart').length") == 2
        # the marks are rendered as struck-through text with a visible box
        assert b.evaluate("getComputedStyle(document.querySelector('del.m')).textDecorationLine") == "line-through"
        assert b.evaluate("document.querySelector('del.m').getBoundingClientRect().width") > 0
        # nothing from the dump ran
        assert b.evaluate("typeof window.pwned") == "undefined"
        assert b.evaluate("document.querySelectorAll('img,iframe,link').length") == 0
        # filter: pick link_farm, only documents with a link_farm span stay visible
        idx = b.evaluate("""(() => {
            for (const l of document.querySelectorAll('#filter label'))
                if (l.textContent.trim() === 'link_farm') return l.querySelector('input').value;
            return null; })()""")
        assert idx and idx.startswith("d")
        b.evaluate(f"document.querySelector('#filter input[value=\"{idx}\"]').click()")
        visible = b.evaluate("[...document.querySelectorAll('article.doc')].filter(a => a.offsetParent !== null)"
                             ".map(a => a.dataset.dets)")
        assert visible and all(idx in v.split() for v in visible)
        assert len(visible) < n_docs  # the hostile record has no link_farm span
        assert b.evaluate(f"document.querySelectorAll('del.m.dim.{idx}').length") == 0
        assert b.evaluate(f"document.querySelectorAll('del.m.dim:not(.{idx})').length") > 0
        assert b.evaluate("document.getElementById('shown').textContent") == str(len(visible))
        b.evaluate("document.querySelector('#filter input[value=\"\"]').click()")
        assert b.evaluate("document.querySelectorAll('article.doc.hidden').length") == 0
        b.evaluate("window.scrollTo(0, 0)")
        b.screenshot(str(shot))
        assert b.problems == [], b.problems
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    keep = os.environ.get("CLEANER_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)


def test_a_console_error_is_caught(tmp_path):
    """The check itself can fail: a page with an error is reported."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><title>x</title><script>console.error('boom'); undefinedFn();</script>")
    with Browser(CHROMIUM) as b:
        b.open(str(bad))
        assert any("boom" in p for p in b.problems), b.problems
        assert any("undefinedFn" in p for p in b.problems), b.problems

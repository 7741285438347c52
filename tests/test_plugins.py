"""Third-party detectors through the `cleaner.detectors` entry-point group."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PLUGIN = textwrap.dedent('''
    from cleaner import Span

    class ShoutDetector:
        """Lines written in capitals only (a test plugin)."""
        name = "shout"

        def __init__(self, min_chars=4, enabled=True):
            self.min_chars = min_chars

        def detect(self, doc):
            for b in doc.blocks:
                if len(b.text) >= self.min_chars and b.text.isupper():
                    yield Span(b.start, b.end, self.name, "all-caps line")
''')


@pytest.fixture
def plugin_path(tmp_path):
    """A fake installed distribution with one good and one broken detector plugin."""
    (tmp_path / "shout_plugin.py").write_text(PLUGIN)
    dist = tmp_path / "shout_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: shout-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[cleaner.detectors]\nshout = shout_plugin:ShoutDetector\nbroken = no_such_module_xyz:Thing\n"
    )
    return tmp_path


def run_py(plugin_path, code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(plugin_path), "PATH": "/usr/bin:/bin"})


def test_plugin_loads_and_runs_and_broken_one_is_reported(plugin_path):
    code = textwrap.dedent('''
        import cleaner
        from cleaner import registry
        avail = registry.available()
        assert "shout" in avail, sorted(avail)
        errs = registry.plugin_errors()
        assert "broken" in errs and "no_such_module_xyz" in errs["broken"], errs
        p = cleaner.Pipeline.from_config({"detectors": {"shout": {"enabled": True, "min_chars": 3}}})
        res = p.clean("A calm sentence.\\nBUY NOW\\n")
        assert res.text == "A calm sentence.\\n", res
        assert [s.detector for s in res.spans] == ["shout"]
        # unrelated runs are unaffected by the broken plugin
        assert cleaner.clean("Fine.\\n|\\n") == "Fine.\\n"
        print("ok")
    ''')
    r = run_py(plugin_path, code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_cli_lists_plugins_and_reports_broken_one(plugin_path, tmp_path):
    code = "import sys; sys.argv=['clean','detectors']; from cleaner.cli import main; main()"
    r = run_py(plugin_path, code)
    assert r.returncode == 0, r.stderr
    assert "shout" in r.stdout and "off" in r.stdout.split("shout", 1)[1].splitlines()[0]
    assert "broken" in r.stdout and "failed to load" in r.stdout


def test_requesting_a_broken_plugin_is_a_clear_error(plugin_path):
    code = textwrap.dedent('''
        import cleaner
        try:
            cleaner.Pipeline.from_config({"detectors": {"enabled": ["broken"]}})
        except KeyError as e:
            print(e)
    ''')
    r = run_py(plugin_path, code)
    assert "failed to load" in r.stdout and "no_such_module_xyz" in r.stdout

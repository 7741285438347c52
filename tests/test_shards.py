"""Issue 8, shard folders: ``clean IN_DIR/ -o OUT_DIR/`` maps each shard to the same
relative path, keeps names inside OUT_DIR, and resumes after a crash by skipping shards
whose output is complete."""
from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time

import orjson
import pytest
import zstandard
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.config import PipelineConfig
from cleaner.io import InputError
from cleaner.runner import list_shards, run_shards, shard_output

ARTICLE = "The committee published its findings on Monday after a two-year inquiry into the collapse."


def records(tag: str, n: int) -> bytes:
    return b"".join(
        orjson.dumps({"id": f"{tag}-{i}", "text": f"{ARTICLE} Item {i}.\n| | |\nCopyright 2024 Foo Media. All rights reserved."}) + b"\n"
        for i in range(n)
    ) + b"not json\n"


def make_tree(root, n=20):
    (root / "sub").mkdir(parents=True)
    (root / "a.jsonl").write_bytes(records("a", n))
    with gzip.open(root / "b.jsonl.gz", "wb") as f:
        f.write(records("b", n))
    (root / "sub" / "c.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(records("c", n)))
    (root / "README.txt").write_text("not a shard")
    (root / ".hidden.jsonl").write_bytes(records("h", 1))


def invoke(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r


def read(path) -> list[dict]:
    data = open(path, "rb").read()
    if str(path).endswith(".gz"):
        data = gzip.decompress(data)
    elif str(path).endswith(".zst"):
        data = zstandard.ZstdDecompressor().decompressobj().decompress(data)
    return [orjson.loads(x) for x in data.splitlines()]


def files(root) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def test_each_shard_goes_to_the_same_relative_path(tmp_path):
    make_tree(tmp_path / "in")
    r = invoke(tmp_path / "in", "-o", tmp_path / "out", "--workers", "1")
    assert r.exit_code == 0, r.stderr
    assert files(tmp_path / "out") == [
        "a.jsonl", "a.jsonl.rejects.jsonl", "b.jsonl.gz", "b.jsonl.gz.rejects.jsonl",
        "sub/c.jsonl.zst", "sub/c.jsonl.zst.rejects.jsonl",
    ]
    for name, tag in (("a.jsonl", "a"), ("b.jsonl.gz", "b"), ("sub/c.jsonl.zst", "c")):
        recs = read(tmp_path / "out" / name)  # compressed like its name says
        assert [x["id"] for x in recs] == [f"{tag}-{i}" for i in range(20)]
        assert recs[0]["text"] == f"{ARTICLE} Item 0.\n"
        (rej,) = read(tmp_path / "out" / f"{name}.rejects.jsonl")
        assert rej["line"] == 21 and rej["source"].endswith(name)
    assert "3 shards cleaned, 0 skipped" in r.stderr and "63 in, 60 out, 3 rejected" in r.stderr


def test_rerun_skips_complete_shards(tmp_path):
    make_tree(tmp_path / "in")
    out = tmp_path / "out"
    invoke(tmp_path / "in", "-o", out, "--workers", "1")
    before = {f: (out / f).read_bytes() for f in files(out)}
    os.unlink(out / "b.jsonl.gz")  # as if the run had died while writing b
    rep = run_shards(str(tmp_path / "in"), str(out), PipelineConfig())
    assert [os.path.basename(p) for p in rep.done] == ["b.jsonl.gz"]
    assert sorted(os.path.basename(p) for p in rep.skipped) == ["a.jsonl", "c.jsonl.zst"]
    assert {f: (out / f).read_bytes() for f in files(out)} == before


def test_damaged_shard_is_reported_and_the_others_are_cleaned(tmp_path):
    make_tree(tmp_path / "in")
    blob = gzip.compress(records("d", 500))
    (tmp_path / "in" / "d.jsonl.gz").write_bytes(blob[: len(blob) // 2])
    out = tmp_path / "out"
    r = invoke(tmp_path / "in", "-o", out, "--workers", "2")
    assert r.exit_code == 1
    assert "d.jsonl.gz: damaged or truncated input" in r.stderr and "Traceback" not in r.stderr
    assert "3 shards cleaned, 0 skipped (already complete), 1 failed" in r.stderr
    assert not (out / "d.jsonl.gz").exists() and not [f for f in files(out) if f.startswith("d.")]
    assert (out / "a.jsonl").exists() and (out / "sub" / "c.jsonl.zst").exists()


def test_shard_names_stay_inside_the_output_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for bad in ("../x.jsonl", "/etc/x.jsonl", "a/../../x.jsonl", "a//b.jsonl", "./x.jsonl"):
        with pytest.raises(InputError, match="leave the output folder"):
            shard_output(str(out), bad)
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", out / "sub")  # a symlinked folder pointing out
    with pytest.raises(InputError, match="leave the output folder"):
        shard_output(str(out), "sub/c.jsonl")
    assert shard_output(str(out), "x/y.jsonl") == os.path.join(str(out), "x", "y.jsonl")


def test_symlinked_input_folders_are_not_followed_and_out_inside_in_is_refused(tmp_path):
    make_tree(tmp_path / "in")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "z.jsonl").write_bytes(records("z", 1))
    os.symlink(tmp_path / "other", tmp_path / "in" / "link")
    pairs = list_shards(str(tmp_path / "in"), str(tmp_path / "out"))
    assert [os.path.relpath(s, tmp_path / "in") for s, _ in pairs] == ["a.jsonl", "b.jsonl.gz", "sub/c.jsonl.zst"]
    with pytest.raises(InputError, match="inside the input folder"):
        list_shards(str(tmp_path / "in"), str(tmp_path / "in" / "cleaned"))
    r = invoke(tmp_path / "in", "-o", tmp_path / "in", "--workers", "1")
    assert r.exit_code == 1 and "inside the input folder" in r.stderr
    r = invoke(tmp_path / "in", "-o", tmp_path / "out", "--rejects", tmp_path / "r.jsonl")
    assert r.exit_code == 2 and "--rejects" in r.stderr


def test_kill_midway_then_resume_gives_the_same_bytes(tmp_path):
    """SIGKILL (no clean-up at all) a folder run after some shards are done; the rerun
    skips those, removes the dead run's temporary files and finishes the rest; the result
    is byte-identical to an uninterrupted run."""
    inp = tmp_path / "in"
    inp.mkdir()
    for k in range(6):
        (inp / f"s{k}.jsonl").write_bytes(records(f"s{k}", 1200))
    ref = tmp_path / "ref"
    full = tmp_path / "full"
    # reference: an uninterrupted run (in-process)
    assert invoke(inp, "-o", ref, "--workers", "1").exit_code == 0
    p = subprocess.Popen([sys.executable, "-m", "cleaner.cli", str(inp), "-o", str(full), "--workers", "2"],
                         stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 180
    while not ((full / "s0.jsonl").exists() and (full / "s1.jsonl").exists()):
        assert p.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    done = [f for f in os.listdir(full) if f.endswith(".jsonl") and not f.startswith(".")]
    assert 2 <= len([f for f in done if "rejects" not in f]) < 6, done
    stale = [f for f in os.listdir(full) if ".tmp-" in f]
    for f in done:  # whatever sits at an output path is complete
        assert (full / f).read_bytes() == (ref / f).read_bytes()
    r = invoke(inp, "-o", full, "--workers", "2")
    assert r.exit_code == 0, r.stderr
    assert "skipped (already complete)" in r.stderr
    assert files(full) == files(ref)  # so the dead run's temporary files are gone too
    for f in files(ref):
        assert (full / f).read_bytes() == (ref / f).read_bytes(), f
    print(f"killed with {len(done)} outputs in place and {len(stale)} temporary files; resumed")

"""The `clean` CLI over JSONL dumps: formats, workers, rejects, stats, errors."""
from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys

import orjson
import pytest
import zstandard
from click.testing import CliRunner

from cleaner.cli import main

ARTICLE = "The committee published its findings on Monday after a two-year inquiry into the collapse."
BOILER = "|\nCopyright 2021 Example News Ltd. All rights reserved.\nPrivacy Policy"


def write_jsonl(path, recs, opener=open):
    with opener(path, "wb") as f:
        for r in recs:
            f.write(r if isinstance(r, bytes) else orjson.dumps(r) + b"\n")


def read_jsonl(path):
    data = open(path, "rb").read()
    if str(path).endswith(".gz"):
        data = gzip.decompress(data)
    elif str(path).endswith(".zst"):
        data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
    return [orjson.loads(x) for x in data.splitlines()]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def corpus(n=60):
    recs = []
    for i in range(n):
        recs.append({"id": i, "url": f"https://news.example.com/{i}", "text": f"{ARTICLE} Story {i}.\n{BOILER}", "lang": "en"})
    return recs


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_formats_round_trip(tmp_path, suffix):
    inp = tmp_path / f"in{suffix}"
    opener = {".jsonl": open, ".jsonl.gz": gzip.open}.get(suffix)
    if suffix == ".jsonl.zst":
        buf = b"".join(orjson.dumps(r) + b"\n" for r in corpus(5))
        inp.write_bytes(zstandard.ZstdCompressor().compress(buf))
    else:
        write_jsonl(inp, corpus(5), opener)
    out = tmp_path / f"out{suffix}"
    r = invoke(inp, "-o", out, "--workers", "1")
    assert r.exit_code == 0, r.output
    recs = read_jsonl(out)
    assert [x["id"] for x in recs] == list(range(5))
    assert recs[0]["text"] == f"{ARTICLE} Story 0.\n"
    assert list(recs[0]) == ["id", "url", "text", "lang"]  # key order kept


def test_workers_give_identical_bytes(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, corpus(400))
    outs = []
    for w in (1, 2):
        out = tmp_path / f"out{w}.jsonl"
        # tiny batches so that 2 workers really interleave
        r = subprocess.run([sys.executable, "-c", "import cleaner.runner as R, sys; R.BATCH_BYTES=2000; "
                            "from cleaner.cli import main; main()", str(inp), "-o", str(out), "--workers", str(w)],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") == 400


def test_ordered_map_keeps_order_with_many_batches():
    from cleaner.parallel import ordered_map

    assert list(ordered_map(abs, range(-50, 0), workers=2, max_in_flight=3)) == list(range(50, 0, -1))


def test_rejects_have_line_number_and_reason_and_nothing_is_lost(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, [
        {"id": 1, "text": ARTICLE},
        b"{not json\n",
        b"[1, 2]\n",
        {"id": 4, "text": None},
        {"id": 5},
        {"id": 6, "text": 42},
        b"\n",
        {"id": 8, "text": ARTICLE},
    ])
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    r = invoke(inp, "-o", out, "--rejects", rej, "--workers", "1")
    assert r.exit_code == 0
    good, bad = read_jsonl(out), read_jsonl(rej)
    assert [g["id"] for g in good] == [1, 8]
    assert [b["line"] for b in bad] == [2, 3, 4, 5, 6, 7]
    assert len(good) + len(bad) == 8
    reasons = [b["reason"] for b in bad]
    assert reasons[0].startswith("invalid JSON")
    assert reasons[1] == "not a JSON object (list)"
    assert "null" in reasons[2] or "NoneType" in reasons[2]
    assert reasons[3] == "missing text field 'text'"
    assert bad[0]["raw"] == "{not json" and bad[0]["source"] == str(inp)
    assert "2 out, 6 rejected" in r.output


def test_default_rejects_file_sits_beside_output(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, [b"oops\n", {"text": ARTICLE}])
    out = tmp_path / "out.jsonl"
    assert invoke(inp, "-o", out, "--workers", "1").exit_code == 0
    assert read_jsonl(tmp_path / "out.jsonl.rejects.jsonl")[0]["line"] == 1


def test_invalid_utf8_is_rejected_with_exact_bytes(tmp_path):
    inp = tmp_path / "in.jsonl"
    raw = b'{"text": "caf\xe9"}\n'
    inp.write_bytes(raw)
    out, rej = tmp_path / "o.jsonl", tmp_path / "r.jsonl"
    invoke(inp, "-o", out, "--rejects", rej, "--workers", "1")
    (bad,) = read_jsonl(rej)
    import base64

    assert base64.b64decode(bad["raw_b64"]) + b"\n" == raw


def test_text_field_and_annotate_mode(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, [{"body": f"{ARTICLE}\n{BOILER}", "text": "untouched | "}])
    out = tmp_path / "o.jsonl"
    r = invoke(inp, "-o", out, "--text-field", "body", "--mode", "annotate", "--workers", "1")
    assert r.exit_code == 0
    (rec,) = read_jsonl(out)
    assert rec["text"] == "untouched | "
    assert rec["body"].startswith(ARTICLE) and "Copyright" in rec["body"]
    spans = rec["cleaner_spans"]
    assert {s[2] for s in spans} >= {"separators", "copyright"}
    for start, end, det, reason in spans:
        assert rec["body"][start:end].strip() and reason


def test_drop_empty_counts_and_stats_file(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, [{"text": BOILER}, {"text": ARTICLE}])
    out, stats = tmp_path / "o.jsonl", tmp_path / "s.json"
    r = invoke(inp, "-o", out, "--drop-empty", "--stats", stats, "--workers", "1")
    assert r.exit_code == 0
    assert len(read_jsonl(out)) == 1
    st = orjson.loads(stats.read_bytes())
    assert st["records_in"] == 2 and st["records_out"] == 1 and st["dropped_empty"] == 1
    assert st["removed_chars"]["copyright"] > 0 and st["docs_hit"]["separators"] == 1


def test_several_inputs_in_order_and_stdin_stdout(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, [{"id": "a", "text": ARTICLE}])
    write_jsonl(b, [{"id": "b", "text": ARTICLE}])
    out = tmp_path / "o.jsonl"
    assert invoke(a, b, "-o", out, "--workers", "1").exit_code == 0
    assert [r["id"] for r in read_jsonl(out)] == ["a", "b"]
    exe = os.path.join(os.path.dirname(sys.executable), "clean")
    p = subprocess.run([exe, "-", "-o", "-", "--workers", "1"], input=a.read_bytes(), capture_output=True, timeout=120)
    assert p.returncode == 0
    assert orjson.loads(p.stdout)["text"] == ARTICLE + "\n"


def test_missing_input_is_one_line_error_and_no_output(tmp_path):
    out = tmp_path / "o.jsonl"
    exe = os.path.join(os.path.dirname(sys.executable), "clean")
    p = subprocess.run([exe, str(tmp_path / "nope.jsonl"), "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert p.stderr.strip().count("\n") == 0 and "nope.jsonl" in p.stderr and "Traceback" not in p.stderr
    assert not out.exists() and not [f for f in os.listdir(tmp_path) if ".tmp-" in f]


def test_failed_run_leaves_no_partial_output(tmp_path):
    good = tmp_path / "good.jsonl"
    write_jsonl(good, corpus(50))
    out = tmp_path / "o.jsonl"
    out.write_text("previous complete output\n")
    r = invoke(good, tmp_path / "missing.jsonl", "-o", out, "--workers", "1")
    assert r.exit_code == 1
    assert out.read_text() == "previous complete output\n"
    assert not [f for f in os.listdir(tmp_path) if ".tmp-" in f]


def test_bad_config_is_a_clear_error(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("mode = 'shred'\n")
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, corpus(1))
    r = invoke(inp, "-o", tmp_path / "o.jsonl", "--config", cfg)
    assert r.exit_code == 2 and "mode must be" in r.output


def test_disable_and_config_file(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[detectors.copyright]\nenabled = false\n")
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, [{"text": f"{ARTICLE}\n{BOILER}"}])
    out = tmp_path / "o.jsonl"
    assert invoke(inp, "-o", out, "--config", cfg, "--disable", "gdpr_notice", "--workers", "1").exit_code == 0
    assert read_jsonl(out)[0]["text"] == f"{ARTICLE}\nCopyright 2021 Example News Ltd. All rights reserved.\nPrivacy Policy\n"


def test_list_detectors():
    for args in (["detectors"], ["--list-detectors"]):
        r = invoke(*args)
        assert r.exit_code == 0
        for name in ("separators", "copyright", "gdpr_notice", "publisher_footer", "link_farm"):
            assert name in r.output

"""cleaner.dask on a LocalCluster of 2 worker processes: the same bytes as the CLI.

Needs the ``dask`` extra; skipped cleanly without it.
"""
from __future__ import annotations

import os
import random

import orjson
import pytest

dask = pytest.importorskip("dask")
db = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

from cleaner.config import PipelineConfig  # noqa: E402
from cleaner.runner import run  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "golden", "input.jsonl")
CORE = ["separators", "link_farm", "copyright", "publisher_footer", "gdpr_notice"]
FAST = {"normalisers": {"typos": False}, "detectors": {"enabled": CORE}}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def _records(extra: list[dict] | None = None) -> list[dict]:
    with open(GOLDEN, "rb") as f:
        recs = [orjson.loads(line) for line in f]
    return recs + (extra or [])


def _cli_bytes(tmp_path, records: list[dict], config: dict, profile: str | None = None) -> bytes:
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    cfg = PipelineConfig.from_dict(config)
    if profile:
        d = cfg.to_dict()
        d["detectors"]["enabled"].append("site_boilerplate")
        d["detectors"]["site_boilerplate"] = {"profile": profile}
        cfg = PipelineConfig.from_dict(d)
    run([str(inp)], str(out), cfg, workers=1)
    return out.read_bytes()


@pytest.mark.parametrize("mode", ["delete", "annotate"])
def test_clean_bag_matches_cli(client, tmp_path, mode):
    from cleaner.dask import clean_bag

    config = {**FAST, "mode": mode}
    # records the CLI rejects are left out by both
    recs = _records([{"id": "bad", "text": 5}, {"id": "none"}])
    bag = db.from_sequence(recs, npartitions=4)
    got = clean_bag(bag, config).map(orjson.dumps).compute()
    assert b"".join(g + b"\n" for g in got) == _cli_bytes(tmp_path, recs, config)


def test_default_config_is_the_default_pipeline():
    from cleaner.dask import _config_dict

    assert _config_dict(None) == PipelineConfig().to_dict()
    assert _config_dict(FAST) == PipelineConfig.from_dict(FAST).to_dict()


def test_clean_records_in_process_matches_cli(tmp_path):
    """The function each task runs, without a cluster (also: the synchronous scheduler)."""
    from cleaner.dask import clean_records

    recs = _records()
    got = clean_records(recs, PipelineConfig.from_dict(FAST).to_dict())
    assert b"".join(orjson.dumps(g) + b"\n" for g in got) == _cli_bytes(tmp_path, recs, FAST)


def test_clean_dataframe_matches_cli(client, tmp_path):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    from cleaner.dask import clean_dataframe

    recs = _records()
    pdf = pd.DataFrame({"id": [r["id"] for r in recs], "body": [r["text"] for r in recs]})
    ddf = dd.from_pandas(pdf, npartitions=3)
    out = clean_dataframe(ddf, text_column="body", config=FAST).compute()
    want = [orjson.loads(line)["text"] for line in _cli_bytes(tmp_path, recs, FAST).splitlines()]
    assert out["body"].tolist() == want
    assert out["id"].tolist() == [r["id"] for r in recs]


def _site_records(n_pages: int = 40) -> list[dict]:
    rng = random.Random(7)
    words = ("river stone cloud market people city water money house light night story council "
             "minister school hospital budget weather season player match court judge report").split()
    recs = []
    for i in range(n_pages):
        body = [" ".join(rng.choice(words) for _ in range(16)).capitalize() + "." for _ in range(4)]
        lines = ["Valley Gazette", "Subscribe to the print edition today", *body,
                 "Valley Gazette, 12 Mill Road, Riverton", "Letters to the editor"]
        recs.append({"id": i, "url": f"https://www.valley-gazette.example.com/news/{i}", "text": "\n".join(lines) + "\n"})
    return recs


def test_learn_profile_is_a_distributed_reduction(client, tmp_path):
    """Per-partition profiles merged into one; cleaning with it on the cluster gives the
    CLI's bytes with the same profile, and removes the site's repeated lines."""
    from cleaner.dask import clean_bag, learn_profile

    recs = _site_records()
    bag = db.from_sequence(recs, npartitions=4)
    delayed_prof = learn_profile(bag, FAST, memory="16M", split_every=2)
    prof = delayed_prof.compute()
    assert prof.meta["docs"] == len(recs)
    assert "merged" in prof.meta  # 4 partition profiles went through Profile.merge
    path = str(tmp_path / "site.prof")
    prof.save(path)

    got = clean_bag(bag, FAST, profile=delayed_prof).map(orjson.dumps).compute()
    expected = _cli_bytes(tmp_path, recs, FAST, profile=path)
    assert b"".join(g + b"\n" for g in got) == expected
    cleaned = [orjson.loads(g)["text"] for g in got]
    assert sum("Letters to the editor" in t for t in cleaned) < len(recs) // 2
    # the articles stay
    assert all(r["text"].split("\n")[2] in t for r, t in zip(recs, cleaned))

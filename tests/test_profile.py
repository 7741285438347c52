"""The site profile: normalisation, grouping, bounded counters, file format, merge."""
from __future__ import annotations

import json
import os
import random
import socket
from collections import Counter

import numpy as np
import pytest

from cleaner import profile as P
from cleaner.profile import (
    MAGIC,
    WAYS,
    BucketTable,
    Doorkeeper,
    Learner,
    Profile,
    ProfileError,
    Sizing,
    count_docs,
    line_hash,
    normalise_line,
    parse_size,
    registrable_domain,
    site_of,
)


# ------------------------------------------------------------------- normalisation
@pytest.mark.parametrize(
    "a,b",
    [
        ("© 2023 Example Media. All rights reserved.", "© 2024 example media -- ALL RIGHTS RESERVED"),
        ("Updated 4:36 p.m. ET July 23, 2012", "updated 11:02 P.M. et july 9, 2013"),
        ("Home  |  News |Sport", "home news sport"),
        ("Page 3 of 12", "Page 14 of 120"),
    ],
)
def test_normalisation_folds_case_digits_punctuation_spaces(a, b):
    assert normalise_line(a) == normalise_line(b) != ""


def test_normalisation_keeps_words_apart():
    assert normalise_line("Contact us") != normalise_line("Contact them")
    assert normalise_line("a b") != normalise_line("ab")


def test_lines_without_letters_are_not_counted():
    assert normalise_line("— | —") == ""
    assert normalise_line("  12  ") == ""
    assert normalise_line("* 3 *") == ""


def test_nfc_and_nfd_count_as_one_line():
    assert normalise_line("Caf\u00e9 du monde") == normalise_line("Cafe\u0301 du monde")


# ------------------------------------------------------------------------- grouping
def test_registrable_domain_offline(monkeypatch):
    def no_network(*a, **k):
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    P._extractor.cache_clear()
    registrable_domain.cache_clear()
    assert registrable_domain("https://news.bbc.co.uk/sport/1.stm") == "bbc.co.uk"
    assert registrable_domain("http://www.example.com:8080/x") == "example.com"
    assert registrable_domain("m.example.com/page") == "example.com"
    assert registrable_domain("alice.blogspot.com/2020/01/x.html") == "alice.blogspot.com"
    assert registrable_domain("http://192.168.1.5/a") == "192.168.1.5"
    assert registrable_domain("") == ""


def test_site_of_field_and_missing_url():
    assert site_of({"url": "https://www.a.org/x"}) == "a.org"
    assert site_of({"url": None}) == P.NO_SITE
    assert site_of({}) == P.NO_SITE
    assert site_of({"host": "shop-7", "url": "https://a.org"}, "host") == "shop-7"
    assert site_of({"url": "https://a.org"}, "host") == P.NO_SITE


# ------------------------------------------------------------------ bounded counting
def _stream(seed: int, n_heavy: int = 40, n_items: int = 60_000) -> list[int]:
    rng = random.Random(seed)
    heavy = [rng.getrandbits(63) | 1 for _ in range(n_heavy)]
    out = []
    for _ in range(n_items):
        out.append(rng.choice(heavy) if rng.random() < 0.3 else rng.getrandbits(63) | 1)
    return out


def _feed(table: BucketTable, items: list[int], batch: int = 997) -> None:
    for i in range(0, len(items), batch):
        k, c = np.unique(np.array(items[i : i + batch], dtype=np.uint64), return_counts=True)
        found, slot = table.lookup(k)
        table.add_found(slot[found], c[found].astype(np.uint64))
        table.insert(k[~found], c[~found].astype(np.uint64))


def test_misra_gries_table_never_overcounts_and_keeps_heavy_keys():
    items = _stream(1)
    true = Counter(items)
    t = BucketTable(4096, "mg")
    _feed(t, items)
    keys, counts = t.items()
    got = dict(zip(keys.tolist(), counts.tolist()))
    assert all(got[k] <= true[k] for k in got)
    # the bound: under-count <= weight that reached the key's bucket / (WAYS + 1)
    bw = Counter()
    for k, c in true.items():
        bw[int(P._bucket(np.array([k], dtype=np.uint64), t.n_buckets)[0])] += c
    for k, c in true.most_common(40):
        b = int(P._bucket(np.array([k], dtype=np.uint64), t.n_buckets)[0])
        assert got.get(k, 0) >= c - bw[b] / (WAYS + 1)
        assert got.get(k, 0) >= 0.8 * c  # in practice: heavy keys keep almost all


def test_space_saving_table_never_undercounts():
    items = _stream(2)
    true = Counter(items)
    t = BucketTable(512, "ss")
    _feed(t, items)
    keys, counts = t.items()
    for k, c in zip(keys.tolist(), counts.tolist()):
        assert c >= true[k]
    # every heavy key is there
    assert {k for k, _ in true.most_common(20)} <= set(keys.tolist())


def test_doorkeeper_absorbs_first_sighting_and_resets():
    d = Doorkeeper(1024)
    k = np.array([5, 6, 7], dtype=np.uint64)
    assert not d.seen(k).any()
    assert d.seen(k).all()
    d.seen(np.arange(10, 5000, dtype=np.uint64))
    assert d.resets >= 1 and d.set_bits * 2 <= d.n_bits


def test_learner_counts_are_lower_bounds_and_site_pages_upper_bounds():
    rng = random.Random(3)
    sizing = Sizing(0, door_bits=1 << 12, key_slots=512, site_slots=64)  # tiny: force contention
    ln = Learner(sizing=sizing)
    true_df: Counter = Counter()
    true_pages: Counter = Counter()
    batch = []
    for i in range(3000):
        site = f"s{rng.randrange(80)}"
        hashes = [line_hash(f"{site} furniture {j}") for j in range(3)] + [rng.getrandbits(63) | 1 for _ in range(5)]
        batch.append((site, hashes))
        true_pages[site] += 1
        line, skip = P.doc_keys(P.site_hash(site), hashes)
        for k in set(line.tolist()) | set(skip.tolist()):
            true_df[k] += 1
        if len(batch) == 50:
            ln.add_batch(count_docs(batch))
            batch = []
    ln.add_batch(count_docs(batch))
    prof = ln.profile(min_df=1, min_share=0)
    for k, c in zip(prof.keys.tolist(), prof.counts.tolist()):
        assert c <= true_df[k]
    for site, n in true_pages.items():
        got = prof.site_pages(site)
        assert got == 0 or got >= n


def test_sizing_fits_the_cap():
    for cap in (160 << 20, 512 << 20, 2 << 30):
        ln = Learner(cap)
        assert ln.nbytes + P.BASELINE_BYTES <= cap
    assert Learner(512 << 20).nbytes > 250 << 20  # and uses a good part of it


def test_parse_size():
    assert parse_size("512M") == 512 << 20
    assert parse_size("2G") == 2 << 30
    assert parse_size("300MB") == 300 << 20
    with pytest.raises(ValueError):
        parse_size("lots")


# ---------------------------------------------------------------------- file format
def _small_profile(site: str = "example.com", pages: int = 20, lines: tuple[str, ...] = ("home", "contact us")) -> Profile:
    ln = Learner(32 << 20)
    docs = [(site, [line_hash(x) for x in lines] + [line_hash(f"article {i} {j}") for j in range(3)]) for i in range(pages)]
    ln.add_batch(count_docs(docs))
    return ln.profile()


def test_profile_round_trip(tmp_path):
    prof = _small_profile()
    path = str(tmp_path / "p.prof")
    prof.save(path)
    with open(path, "rb") as f:
        assert f.read(len(MAGIC)) == MAGIC
        head = json.loads(f.readline())
    assert head["format"] == "cleaner-site-profile" and head["version"] == P.VERSION
    back = Profile.load(path)
    assert np.array_equal(back.keys, prof.keys) and np.array_equal(back.counts, prof.counts)
    assert back.site_pages("example.com") == prof.site_pages("example.com") == 20
    line, _ = P.doc_keys(P.site_hash("example.com"), [line_hash("home")])
    assert back.lookup(line)[0] == 19  # the doorkeeper absorbed the first sighting


def test_profile_refuses_bad_files(tmp_path):
    bad = tmp_path / "bad.prof"
    bad.write_bytes(b"\x80\x04\x95 a pickle, say")
    with pytest.raises(ProfileError, match="not a cleaner site profile"):
        Profile.load(str(bad))
    good = tmp_path / "good.prof"
    _small_profile().save(str(good))
    data = good.read_bytes()
    head_end = data.index(b"\n", len(MAGIC))
    head = json.loads(data[len(MAGIC) : head_end])
    head["version"] = 99
    newer = tmp_path / "newer.prof"
    newer.write_bytes(MAGIC + json.dumps(head).encode() + data[head_end:])
    with pytest.raises(ProfileError, match="version 99"):
        Profile.load(str(newer))
    trunc = tmp_path / "trunc.prof"
    trunc.write_bytes(data[: len(data) - 8])
    with pytest.raises(ProfileError, match="truncated"):
        Profile.load(str(trunc))
    with pytest.raises(ProfileError, match="No such file"):
        P.load_profile(str(tmp_path / "missing.prof"))


def test_merge_adds_counts():
    a = _small_profile("a.com", 10)
    b = _small_profile("a.com", 15)
    c = _small_profile("b.org", 7)
    m = a.merge(b).merge(c)
    assert m.site_pages("a.com") == 25 and m.site_pages("b.org") == 7
    line, _ = P.doc_keys(P.site_hash("a.com"), [line_hash("home")])
    assert m.lookup(line)[0] == a.lookup(line)[0] + b.lookup(line)[0] == 9 + 14
    assert m.meta["docs"] == 32


def test_merge_refuses_different_grouping():
    a = _small_profile()
    b = _small_profile()
    b.meta["site_field"] = "host"
    with pytest.raises(ProfileError, match="grouped by"):
        a.merge(b)


def test_profile_prunes_rare_keys():
    prof = _small_profile(pages=20)
    # article lines were seen once: nothing of them is stored
    line, _ = P.doc_keys(P.site_hash("example.com"), [line_hash("article 3 1")])
    assert prof.lookup(line)[0] == 0
    assert prof.keys.size < 20
    assert os.path.basename(P.__file__) == "profile.py"

"""site_boilerplate: what a site repeats goes, what its articles repeat stays."""
from __future__ import annotations

import json
import random

import orjson
import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.config import PipelineConfig
from cleaner.detectors.site import SiteBoilerplate
from cleaner.learn import doc_hashes
from cleaner.pipeline import Pipeline
from cleaner.profile import Learner, Profile, count_docs, site_of

WORDS = (
    "river stone cloud market people city water money house light night story council "
    "minister school hospital budget weather season player match court judge report"
).split()

HEADER = ["Example Gazette", "Home | World | Business | Sport | Opinion", "Tuesday, 14 May 2024", "Search"]
FOOTER = [
    "About us",
    "Contact the newsroom",
    "The Example Gazette is an independent daily newspaper serving the valley since 1921.",
    "© 2024 Example Gazette Ltd. All rights reserved.",
]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def article(rng: random.Random, paras: int = 5) -> list[str]:
    title = words(rng, 6).capitalize()
    body = [f"{words(rng, 14).capitalize()}, {words(rng, 10)}." for _ in range(paras)]
    return [title, *body]


def vary(line: str, rng: random.Random) -> str:
    return "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in line)


def page(rng: random.Random, body: list[str], header=HEADER, footer=FOOTER) -> str:
    return "\n".join([vary(x, rng) for x in header] + body + [vary(x, rng) for x in footer])


def learn_records(records: list[dict]) -> Profile:
    pipe = Pipeline(detectors=[])
    ln = Learner(160 << 20)
    ln.add_batch(count_docs([(site_of(r), doc_hashes(pipe, r["text"])) for r in records]))
    return ln.profile()


def removed_lines(prof: Profile, rec: dict, **params) -> dict[str, str]:
    det = SiteBoilerplate(profile_obj=prof, **params)
    pipe = Pipeline(detectors=[det])
    res = pipe.clean(__import__("cleaner.document", fromlist=["Document"]).Document(rec["text"], rec), mode="annotate")
    out = {}
    for s in res.spans:
        out[res.source[s.start : s.end]] = s.reason
    return out


def site(n: int = 20, seed: int = 0, url: str | None = "https://www.example.com/news/{i}") -> tuple[list[dict], random.Random]:
    rng = random.Random(seed)
    recs = []
    for i in range(n):
        rec = {"text": page(rng, article(rng))}
        if url:
            rec["url"] = url.format(i=i)
        recs.append(rec)
    return recs, rng


# --------------------------------------------------------------------------- removal
def test_header_and_footer_go_with_a_reason_article_stays():
    recs, _ = site()
    prof = learn_records(recs)
    rm = removed_lines(prof, recs[5])
    kept = [x for x in recs[5]["text"].split("\n") if x not in rm]
    assert len(rm) == len(HEADER) + len(FOOTER)
    assert kept == recs[5]["text"].split("\n")[len(HEADER) : -len(FOOTER)]
    assert any("seen in 19 of 20 pages of example.com (page top)" == r for r in rm.values())
    assert any("(page end)" in r for r in rm.values())


def test_digits_that_change_per_page_do_not_hide_a_line():
    recs, _ = site()
    prof = learn_records(recs)
    rm = removed_lines(prof, recs[2])
    dates = [x for x in rm if x.startswith("Tuesday")]
    assert len(dates) == 1 and dates[0] != "Tuesday, 14 May 2024" or dates


def test_a_varying_line_inside_the_template_goes_with_the_template():
    rng = random.Random(1)
    recs = []
    for i in range(20):
        header = HEADER[:2] + [f"Most read: {words(rng, 5)}"] + HEADER[2:]
        recs.append({"url": f"https://example.com/{i}", "text": page(rng, article(rng), header=header)})
    prof = learn_records(recs)
    rm = removed_lines(prof, recs[7])
    slot = [x for x in rm if x.startswith("Most read")]
    assert slot and "varying line of the site's template" in rm[slot[0]]
    # the title right under the header varies too, but is no slot: the lines around it
    # (the header's last line and the article's first paragraph) are not seen together
    title = recs[7]["text"].split("\n")[len(HEADER) + 1]
    assert title not in rm


def test_a_paragraph_with_one_changing_line_is_still_found():
    rng = random.Random(2)
    block = ["Newsletter", "Get the best of the Gazette in your inbox", "Sign up", "Privacy notice"]
    recs = []
    for i in range(20):
        b = list(block)
        b[2] = f"Sign up, {words(rng, 2)}"  # a rotating call to action
        recs.append({"url": f"https://example.com/{i}", "text": page(rng, article(rng), footer=b + FOOTER)})
    prof = learn_records(recs)
    rm = removed_lines(prof, recs[3])
    assert all(any(x.startswith(y[:8]) for x in rm) for y in block)


def test_short_template_line_inside_the_page_goes():
    rng = random.Random(3)
    recs = []
    for i in range(20):
        art = article(rng, 6)
        art.insert(3, "Advertisement")
        recs.append({"url": f"https://example.com/{i}", "text": page(rng, art)})
    prof = learn_records(recs)
    rm = removed_lines(prof, recs[4])
    assert "Advertisement" in rm and "(inside the page)" in rm["Advertisement"]


# ---------------------------------------------------------------------------- guards
def test_syndicated_article_on_many_pages_is_content():
    recs, rng = site(20, seed=4)
    wire = article(random.Random(99), 8)
    for i in (1, 4, 8, 11, 15, 18):  # 30% of the site's pages carry the same article
        recs[i]["text"] = page(rng, wire)
    prof = learn_records(recs)
    for i in (4, 15):
        rm = removed_lines(prof, recs[i])
        assert not set(rm) & set(wire), rm


def test_syndicated_article_on_forty_percent_under_the_header_is_content():
    recs, rng = site(20, seed=5)
    wire = article(random.Random(98), 8)
    for i in range(0, 20, 5):
        recs[i]["text"] = page(rng, wire)
    for i in range(2, 20, 5):
        recs[i]["text"] = page(rng, wire)
    prof = learn_records(recs)
    rm = removed_lines(prof, recs[5])
    assert not set(rm) & set(wire)
    assert len(rm) == len(HEADER) + len(FOOTER)


def test_repeated_quote_inside_articles_is_content():
    recs, rng = site(20, seed=6)
    quote = '"We will not give up on this town," the mayor said.'
    for i in range(0, 20, 2):  # half of the pages quote the mayor
        art = article(rng, 6)
        art.insert(3, quote)
        recs[i]["text"] = page(rng, art)
    prof = learn_records(recs)
    assert quote not in removed_lines(prof, recs[4])


def test_recurring_standard_sentence_inside_the_body_is_content():
    recs, rng = site(20, seed=7)
    std = "This story has been updated to correct the name of the council's chair."
    for i in range(14):  # 70% of the pages
        art = article(rng, 6)
        art.insert(4, std)
        recs[i]["text"] = page(rng, art)
    prof = learn_records(recs)
    assert std not in removed_lines(prof, recs[2])


def test_short_heading_of_a_repeated_article_stays_inside_the_page():
    recs, rng = site(20, seed=8)
    box = ["Background", "The dispute over the river dam began when the council voted to sell the land in a closed session."]
    for i in range(13):  # 65%: above body_share, but it sits with equally repeated prose
        art = article(rng, 6)
        art[3:3] = box
        recs[i]["text"] = page(rng, art)
    prof = learn_records(recs)
    assert "Background" not in removed_lines(prof, recs[3])


def test_small_sites_are_left_alone():
    recs, _ = site(4)
    prof = learn_records(recs)
    assert removed_lines(prof, recs[1]) == {}


def test_unknown_site_is_left_alone():
    recs, _ = site(20)
    prof = learn_records(recs)
    other = dict(recs[3], url="https://another.org/x")
    assert removed_lines(prof, other) == {}


def test_no_url_one_group_with_stricter_thresholds():
    rng = random.Random(9)
    notice = "Comments are moderated and may take a day to appear on the site."
    recs = []
    for i in range(30):
        foot = ([notice] if i % 10 < 9 else []) + FOOTER  # a prose notice on 90% of pages
        recs.append({"text": page(rng, article(rng), footer=foot)})
    prof = learn_records(recs)
    rm = removed_lines(prof, recs[0])
    assert "Example Gazette" in rm and "this input" in rm["Example Gazette"]
    assert notice not in rm  # counted on 26 of 30 pages: below the no-url prose share 0.9
    assert removed_lines(prof, recs[0], no_site_edge_prose_share=0.8).get(notice)
    # with urls the same line goes (prose share 0.8)
    for i, r in enumerate(recs):
        r["url"] = f"https://example.com/{i}"
    prof = learn_records(recs)
    assert notice in removed_lines(prof, recs[0])


def test_no_url_group_removes_nothing_inside_the_page():
    rng = random.Random(10)
    recs = []
    for i in range(30):
        art = article(rng, 6)
        art.insert(3, "Advertisement")
        recs.append({"text": page(rng, art)})
    prof = learn_records(recs)
    assert "Advertisement" not in removed_lines(prof, recs[1])
    for i, r in enumerate(recs):
        r["url"] = f"https://example.com/{i}"
    assert "Advertisement" in removed_lines(learn_records(recs), recs[1])


def test_detector_needs_a_profile_and_checks_parameters(tmp_path):
    with pytest.raises(TypeError, match="needs a profile"):
        SiteBoilerplate()
    recs, _ = site(6)
    p = str(tmp_path / "p.prof")
    learn_records(recs).save(p)
    with pytest.raises(TypeError, match="unknown parameter"):
        SiteBoilerplate(profile=p, edge_shares=0.3)


def test_workers_build_it_from_the_config_dict(tmp_path):
    recs, _ = site(20)
    p = str(tmp_path / "p.prof")
    learn_records(recs).save(p)
    cfg = PipelineConfig.from_dict({"detectors": {"enabled": ["site_boilerplate"], "site_boilerplate": {"profile": p}}})
    cfg2 = PipelineConfig.from_dict(cfg.to_dict())
    assert cfg2 == cfg
    pipe = Pipeline(cfg2)
    from cleaner.document import Document

    res = pipe.clean(Document(recs[0]["text"], recs[0]))
    assert "Example Gazette" not in res.text and recs[0]["text"].split("\n")[len(HEADER)] in res.text


# ------------------------------------------------------------------------------- CLI
def _write(path, recs):
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")


def test_cli_learn_then_profile_and_two_pass_learn(tmp_path):
    recs, _ = site(20)
    other, _ = site(12, seed=11, url="https://other.net/{i}")
    dump = tmp_path / "d.jsonl"
    _write(dump, recs + other)
    r = CliRunner()
    prof = tmp_path / "site.prof"
    res = r.invoke(main, ["learn", str(dump), "-o", str(prof), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "2 sites" in res.output
    out1 = tmp_path / "o1.jsonl"
    only = ["--enable", "site_boilerplate"] + [a for d in PipelineConfig().to_dict()["detectors"]["enabled"] for a in ("--disable", d)]
    res = r.invoke(main, [str(dump), "-o", str(out1), "--profile", str(prof), "--workers", "1", "--mode", "annotate", *only])
    assert res.exit_code == 0, res.output
    out2 = tmp_path / "o2.jsonl"
    res = r.invoke(main, [str(dump), "-o", str(out2), "--learn", "--workers", "2", "--mode", "annotate", *only])
    assert res.exit_code == 0, res.output
    a = [orjson.loads(x) for x in out1.read_bytes().splitlines()]
    b = [orjson.loads(x) for x in out2.read_bytes().splitlines()]
    assert a == b
    spans = a[0]["cleaner_spans"]
    assert len(spans) == len(HEADER) + len(FOOTER)
    assert all(s[2] == "site_boilerplate" and "pages of example.com" in s[3] for s in spans)
    assert any("pages of other.net" in s[3] for s in a[-1]["cleaner_spans"])


def test_cli_learn_merge(tmp_path):
    recs, _ = site(20)
    d1, d2 = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _write(d1, recs[:10])
    _write(d2, recs[10:])
    r = CliRunner()
    assert r.invoke(main, ["learn", str(d1), "-o", str(tmp_path / "a.prof"), "--workers", "1"]).exit_code == 0
    res = r.invoke(main, ["learn", str(d2), "-o", str(tmp_path / "ab.prof"), "--merge", str(tmp_path / "a.prof"), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert Profile.load(str(tmp_path / "ab.prof")).site_pages("example.com") == 20


def test_cli_errors(tmp_path):
    r = CliRunner()
    dump = tmp_path / "d.jsonl"
    _write(dump, site(3)[0])
    res = r.invoke(main, ["-", "-o", str(tmp_path / "o.jsonl"), "--learn"], input="")
    assert res.exit_code == 2 and "stdin" in res.output
    res = r.invoke(main, [str(dump), "-o", str(tmp_path / "o.jsonl"), "--profile", str(tmp_path / "none.prof")])
    assert res.exit_code == 1 and "none.prof" in res.output
    res = r.invoke(main, [str(dump), "-o", str(tmp_path / "o.jsonl"), "--learn", "--learn-memory", "lots"])
    assert res.exit_code == 2 and "memory size" in res.output
    res = r.invoke(main, [str(dump), "-o", str(tmp_path / "o.jsonl"), "--site-field", "host"])
    assert res.exit_code == 2 and "--site-field needs" in res.output


def test_site_field_groups_by_a_record_field(tmp_path):
    recs, _ = site(20, url=None)
    for r in recs:
        r["host"] = "gazette"
    dump = tmp_path / "d.jsonl"
    _write(dump, recs)
    r = CliRunner()
    out = tmp_path / "o.jsonl"
    res = r.invoke(main, [str(dump), "-o", str(out), "--learn", "--site-field", "host", "--workers", "1", "--mode", "annotate"])
    assert res.exit_code == 0, res.output
    first = orjson.loads(out.read_bytes().splitlines()[0])
    assert any("pages of gazette" in s[3] for s in first["cleaner_spans"])

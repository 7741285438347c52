"""The HTML report (--report) and the statistics behind it (--stats): totals, charts,
samples, escaping of hostile text, determinism across worker counts, bounded size."""
from __future__ import annotations

import html.parser
import os

import orjson
import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.config import PipelineConfig
from cleaner.pipeline import Pipeline
from cleaner.report import render_report
from cleaner.runner import run
from cleaner.stats import MAX_DOC_CHARS, Collector, hist_bin, sample_key

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "seeds", "spacewar.jsonl")
ARTICLE = "The committee published its findings on Monday after a two-year inquiry into the collapse of the bridge."
FOOTER = "Copyright 2021 Example News Ltd. All rights reserved."
# two pattern detectors only: these tests are about the report, not about which
# detectors fire (the default set changes as detectors improve)
FIXED = {"normalisers": {"typos": False}, "detectors": {"enabled": ["separators", "copyright"]}}
NO_TYPOS = PipelineConfig.from_dict(FIXED)
FIXED_TOML = '[normalisers]\ntypos = false\n[detectors]\nenabled = ["separators", "copyright"]\n'


def fixed_config(tmp_path):
    p = tmp_path / "fixed.toml"
    p.write_text(FIXED_TOML)
    return p


class Page(html.parser.HTMLParser):
    """Collects tags, <del> spans (attributes and text) and checks nesting."""

    VOID = {"meta", "input", "br", "img", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.dels: list[dict[str, str]] = []
        self._del: dict[str, str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag == "del":
            self._del = {**{k: v or "" for k, v in attrs}, "text": ""}

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-3:]}"
        self.stack.pop()
        if tag == "del" and self._del is not None:
            self.dels.append(self._del)
            self._del = None

    def handle_data(self, data):
        self.text.append(data)
        if self._del is not None:
            self._del["text"] += data


def parse(path) -> Page:
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    assert p.stack == [], p.stack
    return p


def write_jsonl(path, recs):
    with open(path, "wb") as f:
        for r in recs:
            f.write(orjson.dumps(r) + b"\n")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_seed_report_marks_footer_gdpr_and_link_farm(tmp_path):
    rep = tmp_path / "report.html"
    r = invoke(SEED, "-o", tmp_path / "out.jsonl", "--report", rep, "--workers", "1", "--no-typos")
    assert r.exit_code == 0, r.output
    page = parse(rep)
    by_det: dict[str, list[dict[str, str]]] = {}
    for d in page.dels:
        for name in d["data-d"].split("+"):
            by_det.setdefault(name, []).append(d)
    for name in ("link_farm", "gdpr_notice", "publisher_footer", "copyright"):
        assert name in by_det, (name, sorted(by_det))
    link = by_det["link_farm"][0]
    assert "Related Links" in link["text"] and link["title"].startswith("link_farm: link-list heading")
    footer = by_det["gdpr_notice"][0]
    assert "The content herein" in footer["text"] and "General Data Protection Regulation" in footer["text"]
    assert "publisher_footer" in footer["data-d"] and "gdpr_notice:" not in footer["title"][:5]
    # the article itself is not inside any <del>
    assert all("Russian Defence Minister" not in d["text"] for d in page.dels)
    # totals and per-detector table agree with the run's --stats
    assert "records in" in "".join(page.text)
    assert sum(1 for t, _ in page.tags if t == "svg") == 2
    assert sum(1 for t, a in page.tags if t == "article") == 1  # most cut and random: the same document, once


def test_hostile_text_is_escaped(tmp_path):
    evil = ("<script>window.pwned=1;alert(1)</script> and </textarea><img src=x onerror=\"window.pwned=2\">"
            "<style>body{display:none}</style>")
    recs = [
        {"id": "\"><script>alert(3)</script>", "url": "javascript:alert(4)//<b>x</b>",
         "text": f"{ARTICLE} {evil}\n|\n{FOOTER} {evil}"},
        {"id": 2, "lang": "<i>en</i>", "text": f"{ARTICLE}\n{FOOTER}"},
    ]
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, recs)
    rep = tmp_path / "r.html"
    r = invoke(inp, "-o", tmp_path / "o.jsonl", "--report", rep, "--workers", "1", "--no-typos",
               "--report-id", recs[0]["id"])
    assert r.exit_code == 0, r.output
    raw = rep.read_text(encoding="utf-8")
    assert raw.count("<script") == 1  # ours, at the end
    assert "<img" not in raw and "<textarea" not in raw.lower() and "</textarea" not in raw.lower()
    assert "&lt;script&gt;window.pwned=1;alert(1)&lt;/script&gt;" in raw
    assert "&lt;/textarea&gt;&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;" in raw
    assert "<i>en</i>" not in raw and "&lt;i&gt;en&lt;/i&gt;" in raw
    assert "<b>x</b>" not in raw
    page = parse(rep)
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "b", "code", "div", "table",
               "thead", "tbody", "tr", "th", "td", "svg", "g", "title", "text", "rect", "line", "form", "label", "input",
               "span", "section", "article", "header", "pre", "del", "script"}
    assert {t for t, _ in page.tags} <= allowed
    assert not any(k.startswith("on") for _, a in page.tags for k in a)
    assert not any(t in ("a", "img", "link", "iframe") for t, _ in page.tags)
    # the hostile text is inside a <del> too (the footer line), still escaped, still readable
    assert any("onerror" in d["text"] for d in page.dels)
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def _corpus(n):
    recs = []
    for i in range(n):
        boiler = "\n".join([FOOTER] * (i % 7))  # 0..6 footer lines: varied cut
        site = f"site{i % 5}.example.org"
        recs.append({"id": f"doc{i}", "url": f"https://www.{site}/a/{i}", "lang": "en" if i % 3 else "de",
                     "text": f"{ARTICLE} Number {i}.\n{boiler}"})
    return recs


def _collect(tmp_path, recs, workers, k=5, batch_bytes=2000, relative=False):
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, recs)
    c = Collector(k_top=k, k_random=k, pin_ids=["doc3"])
    st = run(["in.jsonl" if relative else str(inp)], str(tmp_path / f"o{workers}.jsonl"), NO_TYPOS,
             workers=workers, collect=c, batch_bytes=batch_bytes)
    return st, c


def test_stats_tables_are_exact(tmp_path):
    recs = _corpus(70)
    st, c = _collect(tmp_path, recs, 1)
    d = c.as_dict()
    assert d["languages"]["en"]["docs"] + d["languages"]["de"]["docs"] == 70
    assert d["languages"]["de"]["docs"] == sum(1 for i in range(70) if i % 3 == 0)
    assert sum(d["removed_share_histogram"]["docs"]) == 70
    assert d["removed_share_histogram"]["docs"][0] == sum(1 for i in range(70) if i % 7 == 0)  # nothing removed
    sites = {s["site"]: s for s in d["top_sites"]}
    assert set(sites) == {f"site{j}.example.org" for j in range(5)}
    # per site: exactly what the pipeline says for that site's documents
    pipe = Pipeline(NO_TYPOS)
    for j in range(5):
        res = [pipe.clean(r["text"]) for i, r in enumerate(recs) if i % 5 == j]
        s = sites[f"site{j}.example.org"]
        assert s["docs"] == 14
        assert s["chars_in"] == sum(len(x.source) for x in res)
        assert s["chars_removed"] == sum(len(sp) for x in res for sp in x.spans)
        assert set(s["by_detector"]) == {n for x in res for sp in x.spans for n in sp.detector.split("+")}
    ranked = [s["chars_removed"] for s in d["top_sites"]]
    assert ranked == sorted(ranked, reverse=True)


def test_samples_are_the_same_for_any_worker_count(tmp_path, monkeypatch):
    # The sample keys hash the input's name as given: a name that is the same in every
    # run (not pytest's random folder) makes the spread asserted below the same too.
    monkeypatch.chdir(tmp_path)
    recs = _corpus(120)
    _, c1 = _collect(tmp_path, recs, 1, relative=True)
    _, c2 = _collect(tmp_path, recs, 2, relative=True)
    for c in (c1, c2):
        assert len(c.most_cut()) == 5 and len(c.random_sample()) == 5 and [d.id for d in c.pinned_docs()] == ["doc3"]
    assert [d.id for d in c1.most_cut()] == [d.id for d in c2.most_cut()]
    assert [d.id for d in c1.random_sample()] == [d.id for d in c2.random_sample()]
    assert c1.as_dict() == c2.as_dict()
    # the random sample is the bottom 5 of the keys over the whole input, not its first
    # batch, and here it is spread over the input
    want = sorted(range(1, 121), key=lambda ln: sample_key(0, "in.jsonl", ln))[:5]
    lines = sorted(d.line for d in c1.random_sample())
    assert lines == sorted(want)
    assert lines[-1] - lines[0] > 30
    # most cut: 6 footer lines removed beats fewer
    top = c1.most_cut()[0]
    assert top.removed == max(d.removed for d in c1.most_cut()) and int(top.id[3:]) % 7 == 6


def test_most_cut_ranks_by_removed_times_share(tmp_path):
    recs = [
        {"id": "small-all", "text": FOOTER},  # 100% of a short text
        {"id": "big-part", "text": (ARTICLE + "\n") * 40 + "\n".join([FOOTER] * 3)},  # larger cut, small share
        {"id": "mid", "text": ARTICLE + "\n" + "\n".join([FOOTER] * 4)},
        {"id": "none", "text": ARTICLE},
    ]
    _, c = _collect(tmp_path, recs, 1, k=3)
    got = [d.id for d in c.most_cut()]
    assert got[0] == "mid" and "none" not in got
    scores = [d.removed * d.share for d in c.most_cut()]
    assert scores == sorted(scores, reverse=True)


def test_report_size_is_bounded(tmp_path):
    long_text = FOOTER + "\n" + (ARTICLE * 5 + "\n") * 600 + FOOTER  # ~320k chars each
    recs = [{"id": i, "text": long_text + f" {i}"} for i in range(60)]
    inp = tmp_path / "big.jsonl"
    write_jsonl(inp, recs)
    rep = tmp_path / "r.html"
    r = invoke(inp, "-o", tmp_path / "o.jsonl", "--report", rep, "--workers", "1", "--config", fixed_config(tmp_path),
               "--report-sample", "10")
    assert r.exit_code == 0, r.output
    size = rep.stat().st_size
    # 10 most cut + 10 random (a document in both is shown once), each at most
    # MAX_DOC_CHARS shown, plus the page itself
    n = rep.read_text().count('<article class="doc"')
    assert 10 <= n <= 20
    assert n * MAX_DOC_CHARS < size < n * MAX_DOC_CHARS * 1.1 + 60_000, size
    raw = rep.read_text()
    assert f"Only the first {MAX_DOC_CHARS:,} of" in raw


def test_stats_json_has_languages_and_sites(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, _corpus(20))
    st = tmp_path / "s.json"
    r = invoke(inp, "-o", tmp_path / "o.jsonl", "--stats", st, "--workers", "1", "--no-typos")
    assert r.exit_code == 0, r.output
    d = orjson.loads(st.read_bytes())
    assert set(d["languages"]) == {"en", "de"}
    assert d["top_sites"][0]["site"].endswith(".example.org") and d["sites_seen"] == 5
    assert d["docs_hit"]["copyright"] == sum(1 for i in range(20) if i % 7)


def test_language_is_detected_when_the_record_has_none(tmp_path):
    recs = [{"text": "Die Regierung hat am Dienstag beschlossen, die Steuern im kommenden Jahr zu erhöhen, "
                     "sagte der Minister in Berlin."},
            {"text": "The government decided on Tuesday to raise taxes next year, the minister said in London."}]
    _, c = _collect(tmp_path, recs, 1)
    assert set(c.languages()) == {"de", "en"}


def test_report_folder_must_exist(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, _corpus(2))
    r = invoke(inp, "-o", tmp_path / "o.jsonl", "--report", tmp_path / "nope" / "r.html", "--workers", "1")
    assert r.exit_code == 2 and "no such folder" in r.output
    assert not (tmp_path / "o.jsonl").exists()


def test_hist_bins():
    assert [hist_bin(r, 100) for r in (0, 1, 5, 6, 50, 99, 100)] == [0, 1, 1, 2, 10, 20, 20]
    assert hist_bin(5, 0) == 0


def test_render_without_samples():
    page = render_report({"records_in": 3, "records_out": 3, "chars_in": 100, "chars_out": 90,
                          "removed_chars": {"separators": 10}, "docs_hit": {"separators": 2}})
    assert "separators" in page and "Documents" not in page and page.count("<svg") == 1


@pytest.mark.parametrize("name", ["x\" onmouseover=\"alert(1)", "<b>det</b>"])
def test_hostile_detector_names_never_become_markup(name):
    page = render_report({"records_in": 1, "chars_in": 10, "chars_out": 5, "removed_chars": {name: 5},
                          "docs_hit": {name: 1}})
    assert name not in page and "onmouseover=\"" not in page


def test_languages_past_the_exact_prefix_are_estimated(tmp_path, monkeypatch):
    import cleaner.stats as S

    monkeypatch.setattr(S, "LANG_EXACT_LINES", 10)
    monkeypatch.setattr(S, "LANG_RATE", 0.5)
    recs = [{"text": f"{ARTICLE} Number {i}.\n{FOOTER}"} for i in range(200)]
    _, c = _collect(tmp_path, recs, 1, k=3)
    d = c.as_dict()
    assert 40 < c.langs_estimated < 160  # about half of the 190 past line 10
    assert d["languages"]["en"]["docs"] == 10 + 2 * c.langs_estimated
    assert "estimated" in d["languages_estimated"]
    # a record's own lang field is always counted, exactly
    recs = [{"text": f"{ARTICLE} {i}.", "lang": "en-GB"} for i in range(200)]
    _, c = _collect(tmp_path, recs, 1, k=3)
    assert c.languages()["en"]["docs"] == 200 and c.langs_estimated == 0
    assert all(x.lang == "en" for x in c.random_sample())


def test_page_size_has_a_hard_cap(tmp_path, monkeypatch):
    import cleaner.report as R

    monkeypatch.setattr(R, "MAX_PAGE_BYTES", 60_000)
    recs = [{"id": i, "text": "&<>" * 2000 + f"\n{FOOTER} {i}"} for i in range(30)]  # escaping x4
    _, c = _collect(tmp_path, recs, 1, k=10)
    page = render_report({"records_in": 30, "chars_in": 1, "chars_out": 1}, c)
    assert len(page) < 60_000 + 10_000
    assert "more sampled documents are not shown" in page
    assert page.count('<article class="doc"') >= 1

"""The typo normaliser: the seed, cases as data (tests/fixtures/typos/), guards, logging."""
from __future__ import annotations

import glob
import json
import os

import pytest

import cleaner
from cleaner import Edit, fix_typos
from cleaner.normalisers.typos import decide
from conftest import SEEDS, run_cli

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures", "typos")


def _cases(kind: str) -> list[dict]:
    with open(os.path.join(FIXTURES, f"{kind}.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _ids(cases: list[dict]) -> list[str]:
    return [c["note"][:40] for c in cases]


with open(os.path.join(SEEDS, "spacewar.jsonl"), "rb") as f:
    SEED = json.loads(f.readline())["text"]
with open(os.path.join(SEEDS, "spacewar.expected.txt"), encoding="utf-8") as f:
    EXPECTED = f.read()


def test_seed_through_clean_is_exact():
    assert cleaner.clean(SEED) == EXPECTED


def test_seed_edits_are_the_three_typos():
    res = cleaner.Pipeline().clean(SEED)
    typos = [(e.before, e.after) for e in res.edits if e.normaliser == "fix_typos"]
    assert typos == [("coordonate", "coordinate"), ("lauch", "launch"), ("oppostion", "opposition")]


def test_seed_through_cli(tmp_path):
    (rec,) = run_cli(tmp_path, [SEED])
    assert rec["text"] == EXPECTED


def test_cli_no_typos_flag(tmp_path):
    (rec,) = run_cli(tmp_path, [SEED], "--no-typos")
    assert "lauch air strikes" in rec["text"] and "coordonate" in rec["text"]
    assert rec["text"] != EXPECTED


def test_config_key_switches_it_off():
    out = cleaner.clean(SEED, {"normalisers": {"typos": False}})
    assert "oppostion" in out


@pytest.mark.parametrize("case", _cases("in_the_wild") + _cases("synthetic"),
                         ids=_ids(_cases("in_the_wild") + _cases("synthetic")))
def test_fixes(case):
    assert case["expected"] != case["text"]
    assert fix_typos(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", _cases("must_not_change"), ids=_ids(_cases("must_not_change")))
def test_must_not_change(case):
    log: list[Edit] = []
    assert fix_typos(case["text"], log) == case["text"]
    assert log == []


@pytest.mark.parametrize("case", _cases("known_failures"), ids=_ids(_cases("known_failures")))
@pytest.mark.xfail(strict=True, reason="known failure, kept as data")
def test_known_failures(case):
    assert fix_typos(case["text"]) == case["expected"]


def test_every_edit_is_logged_with_offsets_and_reason():
    text = ("Officials said on Monday that the goverment would review the rules next year.\n"
            "The company said it would seperate the two divisions by the end of the year.\n"
            "She was suprised by how quickly the market recovered last week.\n")
    log: list[Edit] = []
    out = fix_typos(text, log)
    # replay the log on the input: offsets point into the input of the fixer
    rebuilt, pos = [], 0
    for e in log:
        assert text[e.start : e.end] == e.before
        assert e.normaliser == "fix_typos" and "not in dictionary" in e.reason
        rebuilt += [text[pos : e.start], e.after]
        pos = e.end
    rebuilt.append(text[pos:])
    assert "".join(rebuilt) == out
    assert [e.after for e in log] == ["government", "separate", "surprised"]


def test_annotate_mode_reports_but_does_not_apply():
    text = "Russia sent in its warplanes to lauch air strikes at the request of Syria.\n"
    res = cleaner.Pipeline().clean(text, mode="annotate")
    assert res.text == text
    assert [(e.before, e.after) for e in res.edits if e.normaliser == "fix_typos"] == [("lauch", "launch")]


def test_language_argument():
    text = "Russia sent in its warplanes to lauch air strikes at the request of Syria."
    assert fix_typos(text, lang="fr") == text
    assert fix_typos(text, lang="en") != text


def test_decide_needs_a_clear_winner():
    assert decide("lauch", "to", "air")[0] == "launch"
    assert decide("wich") is None  # with / which
    assert decide("shoigu") is None and decide("gdpr") is None


@pytest.mark.parametrize("word", ["defence", "authorised", "materiel", "colour", "travelled", "programme",
                                  "organisation", "judgement", "catalogue", "analyse"])
def test_british_and_american_both_kept(word):
    assert decide(word) is None


def test_empty_and_no_letters():
    assert fix_typos("") == ""
    assert fix_typos("1234 5678 -- !!") == "1234 5678 -- !!"


def test_fixtures_exist_for_every_kind():
    kinds = {os.path.basename(p)[:-6] for p in glob.glob(os.path.join(FIXTURES, "*.jsonl"))}
    assert kinds == {"in_the_wild", "synthetic", "must_not_change", "known_failures"}


@pytest.mark.parametrize("typo, fix", [("accomadate", "accommodate"), ("begginer", "beginner"),
                                       ("untill", "until"), ("absense", "absence")])
def test_word_alone_gets_one_or_two_edit_fixes(typo, fix):
    assert fix_typos(typo, lang="en") == fix


@pytest.mark.parametrize("word", ["restaraunts", "shoigu", "gdpr", "materiel", "todays", "sittin", "defence"])
def test_word_alone_left_when_unclear_or_known(word):
    # restaraunts: restaurants and restraints sound alike, neither dominates
    assert fix_typos(word, lang="en") == word


def test_two_edit_fixes_only_for_words_alone():
    assert decide("accomadate")[0] == "accommodate"
    assert decide("accomadate", "to", "ten", alone=False) is None
    assert decide("accomadate", alone=False) is None


def test_context_keeps_rare_rivals_in_play():
    # frequency counts at half weight beside neighbours: walked/worked, upon/alone
    assert decide("warked", "he", "about") is None
    assert decide("apone", "once", "a") is None
    # ... while a clear context still decides
    assert decide("lauch", "to", "air")[0] == "launch"


def test_candidate_index_matches_edits1():
    from cleaner.normalisers.typos import MIN_CANDIDATE_ZIPF, _neighbours1, lexicon
    from cleaner.normalisers.typos_edits import edits1

    lx = lexicon()
    floor = int(MIN_CANDIDATE_ZIPF * 100)
    for word in ["lauch", "oppostion", "teh", "aab", "seperate", "goverment", "acommodate", "zzzz", "abba"]:
        want = {c: k for c, k in edits1(word).items() if c in lx.dictionary and lx.zipf100[c] >= floor}
        assert _neighbours1(lx, word) == want, word


def test_deletion_index_buckets_find_every_word():
    """Each bucket of the index holds exactly the entries whose hash falls in it, and a
    lookup of any deletion of a listed word finds that word (and only true matches)."""
    from cleaner.normalisers.typos import _BUCKET_SHIFT, _DeletionIndex, _candidate_index

    words = ["launch", "laugh", "latch", "lunch", "larch", "seperate", "separate", "aab", "abba", "aaaa"]
    idx = _DeletionIndex(words)
    assert idx.starts[0] == 0 and idx.starts[-1] == len(idx.keys)
    for b in (0, len(idx.starts) // 2, len(idx.starts) - 2):
        assert all(e >> _BUCKET_SHIFT == b for e in idx.keys[idx.starts[b]:idx.starts[b + 1]])
    for w in words:
        for i in range(len(w)):
            dl = w[:i] + w[i + 1:]
            found = idx.get(dl)
            assert w in found and len(found) == len(set(found))
            assert all(len(c) == len(dl) + 1 and any(c[:j] + c[j + 1:] == dl for j in range(len(c))) for c in found)
    assert idx.get("zzzzz") == ()
    big = _candidate_index()  # the real one: buckets partition all entries, in order
    assert all(big.starts[b] <= big.starts[b + 1] for b in range(0, len(big.starts) - 1, 997))
    assert list(big.keys) == sorted(big.keys) and big.starts[-1] == len(big.keys)


def test_guards_before_verdict_keep_the_same_decisions():
    """The document's guards run before the (cached) verdict: repeated, capitalised, code
    and dense-typo words stay, and a clean one is still fixed."""
    fixed = "They wanted to lauch air strikes at the request of Syria."
    assert fix_typos(fixed, lang="en") == fixed.replace("lauch", "launch")
    for kept in ("They wanted to lauch air strikes; the lauch was delayed.",
                 "They wanted to lauch air strikes. Lauch is a village.",
                 "x = lauch(air) { return strikes }",
                 "Wir wollten lauch air strikes machen und dann weiter gehen."):
        assert fix_typos(kept, lang="en") == kept


def test_verdict_cache_is_bounded_and_only_caches():
    from cleaner.normalisers.typos import _UNKNOWN, _VerdictCache, decide

    cache = _VerdictCache(3)
    keys = [("lauch", "to", "air", False), ("wich", None, None, True), ("oppostion", "strong", None, False),
            ("seperate", "a", "room", False), ("teh", None, "end", False)]
    for k in keys:
        assert cache(*k) == decide(k[0], k[1], k[2], alone=k[3])
        assert len(cache) <= 3
    assert cache.get(keys[-1], _UNKNOWN) == decide("teh", None, "end", alone=False)
    cache.cache_clear()
    assert len(cache) == 0 and cache.get(keys[0], _UNKNOWN) is _UNKNOWN


def test_verdict_cache_depends_on_neighbours():
    a = "Russia sent in its warplanes to lauch air strikes at the request of Syria."
    b = "Russia sent in its warplanes and they lauch with a smile at the request of Syria."
    assert fix_typos(a, lang="en") != a
    assert fix_typos(b, lang="en") == b  # 'they lauch with': laugh and launch both fit
    assert fix_typos(a, lang="en") != a


@pytest.mark.parametrize("a, b", [("strate", "straight"), ("apone", "upon"), ("ocassion", "occasion"),
                                  ("absense", "absence"), ("reccuring", "recurring")])
def test_sound_key_merges_spellings_of_one_sound(a, b):
    from cleaner.normalisers.typos_edits import sound_key

    assert sound_key(a) == sound_key(b)


@pytest.mark.parametrize("a, b", [("strate", "state"), ("apone", "alone"), ("lauch", "laugh")])
def test_sound_key_keeps_other_sounds_apart(a, b):
    from cleaner.normalisers.typos_edits import sound_key

    assert sound_key(a) != sound_key(b)


SENTENCE = "Russia sent in its warplanes to lauch air strikes at the request of Syria, officials said on Wednesday."


@pytest.mark.parametrize("meta, fixed", [
    ({}, True), ({"language": "eng"}, True), ({"lang": "en-GB"}, True), ({"language": "und"}, True),
    ({"language": "fra"}, False), ({"lang": "de"}, False), ({"language": "deu,eng"}, False),
])
def test_declared_language_of_the_record(meta, fixed, tmp_path):
    """A record that declares a language other than English is not given English fixes;
    one that declares English (or nothing readable) is."""
    res = cleaner.Pipeline().clean(cleaner.Document(SENTENCE, meta))
    assert ("to launch air" in res.text) is fixed
    # the same through the CLI, where the record's own fields are its metadata
    from cleaner.cli import main
    from click.testing import CliRunner

    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text(json.dumps({"id": 1, "text": SENTENCE, **meta}) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, [str(inp), "-o", str(out), "--workers", "1"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert ("to launch air" in rec["text"]) is fixed

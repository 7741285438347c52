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

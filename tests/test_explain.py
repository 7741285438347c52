"""`clean explain`: removed spans marked and labelled, typo fixes as before→after, colour
only on a terminal, --id and --sample selection, hostile control characters."""
from __future__ import annotations

import os

import orjson
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.document import Edit, Span
from cleaner.explain_cli import render, safe, select

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "seeds", "spacewar.jsonl")
ARTICLE = "The committee published its findings on Monday after a two-year inquiry into the collapse."
FOOTER = "Copyright 2021 Example News Ltd. All rights reserved."


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_jsonl(path, recs):
    with open(path, "wb") as f:
        for r in recs:
            f.write(orjson.dumps(r) + b"\n")


def test_seed_explained_without_colour_when_not_a_terminal():
    r = invoke("explain", SEED)
    assert r.exit_code == 0, r.output
    out = r.output
    assert "\x1b" not in out  # CliRunner's stdout is not a terminal
    assert out.startswith("── 000_1dec940700b5f20e · https://www.spacewar.com/")
    assert "[-Related Links Learn about nuclear weapons" in out
    assert "-]{link_farm: link-list heading with 4 site references" in out
    assert "[-The content herein, unless otherwise known to be public domain" in out
    assert "-]{copyright+publisher_footer+gdpr_notice: " in out
    # the article is not marked
    line = next(x for x in out.splitlines() if "Russian Defence Minister" in x)
    assert "[-" not in line
    # typo fixes inline
    assert "coordonate→coordinate" in out and "lauch→launch" in out
    assert "removed: " in out and "typo fix" in out


def test_colour_on_request():
    r = invoke("explain", SEED, "--color")
    assert r.exit_code == 0
    assert "\x1b[9;31m" in r.output and "\x1b[0m" in r.output
    assert "[-" not in r.output  # the plain markers are only for no-colour output
    r2 = invoke("explain", SEED, "--color", "--no-typos")
    assert "→" not in r2.output.split("\n", 1)[1]


def test_select_by_id_and_sample(tmp_path):
    recs = [{"id": i, "text": f"{ARTICLE} Number {i}.\n{FOOTER}"} for i in range(50)]
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, recs)
    r = invoke("explain", inp, "--id", "7", "--id", "31", "--no-typos")
    assert r.exit_code == 0, r.output
    heads = [x for x in r.output.splitlines() if x.startswith("── ")]
    assert [h.split()[1] for h in heads] == ["7", "31"]
    assert r.output.count("{copyright: ") == 2
    r = invoke("explain", inp, "--sample", "4", "--no-typos")
    heads = [x.split()[1] for x in r.output.splitlines() if x.startswith("── ")]
    assert len(heads) == 4 and len(set(heads)) == 4
    assert heads == [x.split()[1] for x in invoke("explain", inp, "--sample", "4", "--no-typos").output.splitlines()
                     if x.startswith("── ")]  # seeded
    other = [x.split()[1] for x in invoke("explain", inp, "--sample", "4", "--seed", "9", "--no-typos").output.splitlines()
             if x.startswith("── ")]
    assert other != heads
    r = invoke("explain", inp, "--id", "nope")
    assert r.exit_code == 1 and "no record with id 'nope'" in r.output
    r = invoke("explain", inp, "--id", "1", "--sample", "2")
    assert r.exit_code == 2


def test_reservoir_is_uniform_enough():
    counts = [0] * 10
    items = [(i, {"id": i}) for i in range(10)]
    for seed in range(400):
        for n, _ in select(items, sample=3, seed=seed):
            counts[n] += 1
    # each item is picked with probability 3/10: 120 of 400 expected
    assert all(80 < c < 160 for c in counts), counts


def test_render_marks_and_edits():
    text = "Good text. Teh end.\n| |\nMore."
    spans = [Span(20, 23, "separators", "separator line")]
    edits = [Edit(11, 14, "Teh", "The", "fix_typos", "swap"), Edit(21, 22, " ", "", "fix_typos", "inside a span")]
    plain = render(text, spans, edits)
    assert plain == "Good text. Teh→The end.\n[-| |-]{separators: separator line}\nMore."
    col = render(text, spans, edits, color=True)
    assert "\x1b[9;31m| |\x1b[0m" in col and "Teh\x1b[0m→\x1b[1;32mThe" in col


def test_control_characters_are_shown_not_sent():
    text = "Title\x1b]0;pwned\x07\nbody\x1b[2J"
    out = render(text, [Span(16, 20, "x\x1b[31m", "why\x9b")])
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "\\x1b]0;pwned\\x07\n[-body-]{x\\x1b[31m: why\\x9b}\\x1b[2J" in out
    assert safe("tab\tnewline\n") == "tab\tnewline\n"


def test_hostile_record_through_the_cli(tmp_path):
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, [{"id": "a\x1b[2Jb", "text": f"{ARTICLE}\n{FOOTER}"}])
    cfg = tmp_path / "c.toml"
    cfg.write_text("[normalisers]\ncontrol_chars = false\n")
    write_jsonl(inp, [{"id": "a\x1b[2Jb", "text": f"{ARTICLE} \x1b[31mred\n{FOOTER}"}])
    r = invoke("explain", inp, "--config", cfg, "--no-typos")
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "a\\x1b[2Jb" in r.output and "\\x1b[31mred" in r.output


def test_the_command_module_does_not_shadow_the_api():
    import cleaner
    import cleaner.cli  # noqa: F401  (registers the explain command)

    assert callable(cleaner.explain)
    assert [s.detector for s in cleaner.explain("Story.\n|\n")] == ["separators"]

"""Pipeline, span merging, modes, config route, normaliser logs."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import ConfigError, Document, Pipeline, PipelineConfig, Span, merge_spans
from cleaner.normalisers import normalise_whitespace

SEED_LIKE = (
    "Ministers met in Moscow on Tuesday to discuss military cooperation, officials said.\n"
    "Related Links Learn about missiles at SpaceWar.com Learn about defense at SpaceWar.com\n"
    "|\n"
    "Copyright 2024 Space Media Network. All rights reserved.\n"
)


def test_clean_removes_boilerplate_keeps_article():
    assert cleaner.clean(SEED_LIKE) == (
        "Ministers met in Moscow on Tuesday to discuss military cooperation, officials said.\n"
    )


def test_explain_lists_every_detector_with_reason_and_offsets():
    spans = cleaner.explain(SEED_LIKE)
    text = Pipeline().normalise(SEED_LIKE)
    assert [s.detector for s in spans] == ["link_farm", "separators", "copyright"]
    for s in spans:
        assert s.reason
        assert 0 <= s.start < s.end <= len(text)
    assert text[spans[1].start : spans[1].end] == "|"


def test_annotate_mode_keeps_text_and_spans_point_into_it():
    res = Pipeline().clean(SEED_LIKE, mode="annotate")
    assert res.text == Pipeline().normalise(SEED_LIKE)
    assert res.spans and all(res.text[s.start : s.end].strip() for s in res.spans)
    deleted = Pipeline().clean(SEED_LIKE, mode="delete").text
    assert cleaner.apply_spans(res.text, res.spans) == deleted


def test_merge_spans_unites_overlaps_and_names_all_detectors():
    merged = merge_spans([Span(0, 10, "a", "r1"), Span(5, 12, "b", "r2"), Span(12, 14, "a", "r3"), Span(20, 30, "c", "r4")])
    assert [(s.start, s.end, s.detector) for s in merged] == [(0, 14, "a+b"), (20, 30, "c")]
    assert merged[0].reason == "r1; r2; r3"


def test_merge_spans_clips_out_of_bounds_and_drops_empty():
    merged = merge_spans([Span(-5, 3, "x", ""), Span(8, 50, "y", ""), Span(4, 4, "z", "")], length=10)
    assert [(s.start, s.end) for s in merged] == [(0, 3), (8, 10)]


def test_result_counts_removed_chars_per_detector():
    res = Pipeline().clean(SEED_LIKE)
    rc = res.removed_chars()
    assert set(rc) == {"link_farm", "separators", "copyright"} and rc["separators"] == 1


def test_normaliser_edits_are_logged_with_offsets():
    log: list = []
    out = normalise_whitespace("a\u00a0\u00a0b\r\nc", log)
    assert out == "a b\nc\n"
    assert [(e.normaliser, e.before, e.after) for e in log] == [
        ("fix_line_endings", "\r\n", "\n"),
        ("collapse_spaces", "\u00a0\u00a0", " "),
        ("collapse_blank_lines", "", "\n"),
    ]
    res = Pipeline().clean("x\u200by")
    assert [(e.normaliser, e.start, e.end) for e in res.edits][:1] == [("remove_zero_width", 1, 2)]


def test_a_broken_detector_raises_detector_error():
    class Boom:
        name = "boom"

        def detect(self, doc):
            raise RuntimeError("kaput")

    from cleaner.pipeline import DetectorError

    with pytest.raises(DetectorError, match="boom failed: RuntimeError: kaput"):
        Pipeline(detectors=[Boom()]).clean("text")


def test_custom_detector_instances_are_used():
    class Shout:
        name = "shout"

        def detect(self, doc: Document):
            for b in doc.blocks:
                if b.text.isupper():
                    yield Span(b.start, b.end, self.name, "all caps line")

    p = Pipeline(detectors=[Shout()])
    assert p.clean("Quiet line.\nBUY NOW\n").text == "Quiet line.\n"


# ---------------------------------------------------------------- configuration route
def test_config_dict_round_trip_and_frozen():
    d = {"mode": "annotate", "detectors": {"enabled": ["separators", "copyright"], "copyright": {"short_chars": 99}}}
    cfg = PipelineConfig.from_dict(d)
    assert [s.name for s in cfg.detectors] == ["separators", "copyright"]
    assert cfg.detectors[1].kwargs() == {"short_chars": 99}
    assert PipelineConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(Exception):
        cfg.mode = "delete"  # type: ignore[misc]
    hash(cfg)


def test_config_switch_off_a_detector():
    p = Pipeline.from_config({"detectors": {"separators": {"enabled": False}}})
    assert "separators" not in [d.name for d in p.detectors]
    assert p.clean("a.\n|\n").text == "a.\n|\n"


def test_config_from_toml(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('mode = "annotate"\n[normalisers]\nunicode = false\n[detectors.link_farm]\nmenu_run = 9\n')
    p = Pipeline.from_toml(str(f))
    assert p.config.mode == "annotate" and p.config.unicode is None
    lf = [d for d in p.detectors if d.name == "link_farm"][0]
    assert lf.menu_run == 9


@pytest.mark.parametrize("bad, msg", [
    ({"nope": 1}, "unknown config key"),
    ({"mode": "shred"}, "mode must be"),
    ({"normalisers": {"spellcheck": True}}, "unknown normaliser"),
    ({"detectors": {"enabled": "separators"}}, "must be a list"),
])
def test_config_errors_name_the_key(bad, msg):
    with pytest.raises(ConfigError, match=msg):
        PipelineConfig.from_dict(bad)


def test_unknown_detector_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown detector 'nosuch'"):
        Pipeline.from_config({"detectors": {"enabled": ["nosuch"]}})


def test_normalisers_can_be_switched_off():
    p = Pipeline.from_config({"normalisers": {"whitespace": False, "control_chars": False, "unicode": False}, "detectors": {"enabled": []}})
    raw = "a  b\x00\r\n"
    assert p.clean(raw).text == raw


class _LastLineDropper:
    """A context detector: removes the last line of whatever it sees, and notes each
    text it was shown and the memo it was given."""

    name = "last_line"

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.counts: list[int] = []

    def detect(self, doc):
        self.texts.append(doc.text)
        # what earlier passes of this clean() call left in the memo
        self.counts.append(doc.memo.get("passes", 0))
        doc.memo["passes"] = doc.memo.get("passes", 0) + 1
        if len(doc.blocks) > 1:
            b = doc.blocks[-1]
            yield Span(b.start, b.end, self.name, "last line")


def test_fixed_point_passes_share_one_memo_and_see_the_kept_text():
    det = _LastLineDropper()
    pipe = Pipeline(PipelineConfig.from_dict({"normalisers": {"typos": False}}), detectors=[det])
    res = pipe.clean("one\ntwo\nthree\nfour\n")
    assert res.text == "one\n"  # one line less a pass, MAX_PASSES (4) passes
    assert det.texts == ["one\ntwo\nthree\nfour\n", "one\ntwo\nthree\n", "one\ntwo\n", "one\n"]
    assert det.counts == [0, 1, 2, 3]  # the same memo in every pass of one clean() call
    det.counts.clear()
    pipe.clean("a\nb\n")
    assert det.counts == [0, 1]  # a new call starts with a new memo


def test_later_passes_detect_the_kept_texts_own_language():
    # Found by fuzzing: English junk lines around one Japanese sentence.  The first pass
    # reads the page as English; once the junk has gone the kept text is Japanese, and
    # clean(clean(x)) read it so.  The later passes now use the kept text's language.
    text = ("\t\n\nß\n\nShare\n\na\n\n-\n\nAbout us\n\nﬁ\n\nteh goverment decison was definately wrong\n\n"
            "»\n\nTags: a, b\n\na\n\n\u1680\n\n-\n\nRelated Links\n\na\n\n| | |\n\nRelated Links\n\n"
            "東京都は、新しい計画を発表しました。住民の意見を聞いて決めるということです。これは長い文章の例です。\n\n\u3000Home")
    once = cleaner.clean(text)
    assert "東京都は、新しい計画を発表しました。" in once
    assert cleaner.clean(once) == once
    langs = []

    class Probe:  # drops a first line starting "DROP", and notes the language it saw
        name = "lang_probe"

        def detect(self, doc):
            langs.append(doc.lang)
            b = doc.blocks[0]
            if b.text.startswith("DROP"):
                yield Span(b.start, b.end, self.name, "first line")

    pipe = Pipeline(PipelineConfig.from_dict({"normalisers": {"typos": False}}), detectors=[Probe()])
    en = "DROP The council voted on Tuesday to raise the budget for the schools of the city, and the mayor said it was a fair deal."
    ja = "東京都は、新しい計画を発表しました。住民の意見を聞いて決めるということです。"
    assert pipe.clean(en + "\n" + ja + "\n").text == ja + "\n"
    assert langs == ["en", "ja"]
    langs.clear()
    pipe.clean(cleaner.Document(en + "\n" + ja + "\n", {"lang": "de"}))
    assert langs == ["de", "de"]  # a declared language holds in every pass


def test_line_local_detectors_are_not_asked_again_when_every_span_is_whole_lines():
    calls = []

    class Local:
        name = "local"
        line_local = True

        def detect(self, doc):
            calls.append(doc.text)
            for b in doc.blocks:
                if b.text == "| |":
                    yield Span(b.start, b.end, self.name, "separator")

    ctx = _LastLineDropper()
    pipe = Pipeline(PipelineConfig.from_dict({"normalisers": {"typos": False}}), detectors=[Local(), ctx])
    res = pipe.clean("a\n| |\nb\nc\n")
    assert res.text == "a\n"
    assert calls == ["a\n| |\nb\nc\n"]  # asked once: the later passes saw only whole lines it had judged
    calls.clear()

    class LocalLower(Local):
        def detect(self, doc):
            _ = doc.lower
            yield from super().detect(doc)

    # "İ" lowercases to two characters: the first pass lowered the text character by
    # character, so a line may lowercase otherwise alone, and the lines count as unjudged
    pipe = Pipeline(PipelineConfig.from_dict({"normalisers": {"typos": False}}), detectors=[LocalLower(), ctx])
    assert pipe.clean("İ\n| |\nb\nc\n").text == "İ\n"
    assert len(calls) > 1


def test_later_passes_over_judged_whole_lines_say_so():
    seen = []

    class Probe(_LastLineDropper):
        def detect(self, doc):
            seen.append(doc.lines_judged)
            _ = doc.lower
            yield from super().detect(doc)

    pipe = Pipeline(PipelineConfig.from_dict({"normalisers": {"typos": False}}), detectors=[Probe()])
    pipe.clean("one\ntwo\nthree\n")
    assert seen == [False, True, True]
    seen.clear()
    # "İ" lowercases to two code points: the first pass lowered character by character,
    # and a line may lowercase otherwise alone; the later passes must judge every line
    pipe.clean("İstanbul\ntwo\nthree\n")
    assert seen == [False, False, False]
    seen.clear()

    class Tail:  # cuts the end of a line: the kept text is not whole lines
        name = "tail"

        def detect(self, doc):
            b = doc.blocks[0]
            if b.text.endswith(" END"):
                yield Span(b.end - 4, b.end, self.name, "tail")

    pipe = Pipeline(PipelineConfig.from_dict({"normalisers": {"typos": False}}), detectors=[Tail(), Probe()])
    pipe.clean("one END\ntwo\nthree\n")
    assert seen == [False, False, False]  # (a cut inside a line stays in every later pass)


def _pages_for_the_fixed_point():
    import pathlib

    root = pathlib.Path(__file__).parent / "fixtures"
    pages = []
    for f in sorted((root / "quality").glob("*.txt")):
        pages.append("\n".join(line[2:] for line in f.read_text("utf-8").splitlines() if line[:2] in ("+ ", "- ")))
    pages.append(
        "Home\nNews\nSport\nWeather\nContact\n"
        "The council voted on Tuesday to raise the budget for the schools of the city, and the mayor "
        "said that the plan would be reviewed in a year.\n"
        "Related Links\nLearn about the budget at SpaceWar.com and TerraDaily.com\n"
        "http://example.com/a http://example.com/b http://example.com/c\nRead more\n"
        "Home | News | Sport | Contact\n. | . |\nCopyright 2024 Example Media. All rights reserved.\n")
    # a notice cut from the end of a line leaves a line of URLs, which the second pass
    # removes (its text is not whole lines of the first pass's: the line tests must run)
    pages.append(
        "The council voted on Tuesday to raise the budget for the schools of the city, and the mayor "
        "said that the plan would be reviewed in a year.\n"
        "http://example.com/a http://example.com/b http://example.com/c. Copyright 2024 Example Media. "
        "All rights reserved.\nThe second paragraph of the story says more about the schools.\n")
    return pages


def test_skipping_line_tests_over_judged_lines_changes_nothing(monkeypatch):
    """link_farm skips its line-by-line tests in the later passes over lines the first
    pass judged and kept (``lines_judged``); the output and every span are the same as
    when it runs them."""
    import cleaner.pipeline as P

    pages = _pages_for_the_fixed_point()
    pipe = Pipeline()
    want = [pipe.clean(t) for t in pages]

    class Unjudged(Document):
        __slots__ = ()

        @property
        def lines_judged(self):
            return False

        @lines_judged.setter
        def lines_judged(self, value):
            pass

    monkeypatch.setattr(P, "Document", Unjudged)
    got = [pipe.clean(t) for t in pages]
    assert [(r.text, r.raw_spans) for r in got] == [(r.text, r.raw_spans) for r in want]
    assert any(len(r.raw_spans) > 1 for r in want)
    assert "example.com" not in want[-1].text  # found by the second pass


@pytest.mark.parametrize("config", [None, {"normalisers": {"whitespace": False}}])
def test_normalise_fast_path_for_a_missing_final_newline_equals_the_fixer_chain(config):
    """Most records lack only the final newline; the shortcut must give what running
    every fixer gives: the same text and the same edit log."""
    from cleaner import normalisers as N

    pipe = Pipeline(PipelineConfig.from_dict(config))
    for text in ["One line of prose.", "Two lines.\nNo newline at the end", "tail space ", "x\u00a0y",
                 "a\n\n\nb", "cafe\u0301"]:
        fast_log: list = []
        got = pipe.normalise(text, fast_log)
        slow_log: list = []
        want = text
        for fix in pipe._pre:
            want = fix(want, slow_log)
        assert (got, fast_log) == (want, slow_log), text
    if config is None:
        log: list = []
        assert pipe.normalise("No newline", log) == "No newline\n"
        assert [(e.start, e.end, e.before, e.after, e.normaliser) for e in log] == [
            (10, 10, "", "\n", "collapse_blank_lines")]
        assert N.collapse_blank_lines("No newline") == "No newline\n"


def _carried_and_scanned(text: str):
    """(carried, scanned) candidate blocks of the kept text of ``text``'s first pass."""
    from cleaner.detectors.base import _INDEX
    from cleaner.pipeline import _whole_lines, kept_pieces

    pipe = Pipeline()
    first = Document(pipe.normalise(text))
    spans = merge_spans(pipe.detect(first), len(first.text))
    assert spans and _whole_lines(first.text, spans)
    pieces = kept_pieces(first.text, spans)
    kept = "".join(first.text[a:b] for a, b in pieces)
    doc = Document(kept)
    if not _INDEX.carry(first, pieces, doc):
        return None, None
    return doc._cands, _INDEX.scan(Document(kept))


PAGE = ("Home | News | Sport | Contact\nRead more\n"
        "The council voted on Tuesday to raise the budget for the schools of the city, and the mayor "
        "said that the plan would be reviewed in a year. Copyright law was not discussed.\n"
        "Related articles\nCouncil budget row\nSchools to get more\n"
        "Copyright 2024 Example Media. All rights reserved.\nWe use cookies to improve your experience.\n")


def test_later_passes_carry_the_first_passes_trigger_hits():
    carried, scanned = _carried_and_scanned(PAGE)
    assert carried is not None and any(carried.values())
    assert carried == {sid: scanned[sid] for sid in carried}


def test_trigger_hits_are_scanned_again_when_a_line_lowercases_otherwise():
    # "İ" lowercases to two code points: the first pass lowers character by character,
    # where a final sigma stays "σ"; the kept text (without "İ") would lower to "ς"
    carried, _ = _carried_and_scanned(PAGE.replace("Read more", "Read more İ"))
    assert carried is None


def test_a_trigger_across_lines_turns_the_carry_off():
    from cleaner.detectors.base import _TriggerIndex

    idx = _TriggerIndex()
    idx.set_id(("share", "privacy policy"))
    assert idx.line_bound
    idx.set_id(("\n\n", " "))
    assert not idx.line_bound
    first = Document("a\nshare\nb\n")
    first._cands = idx.scan(first)
    assert not idx.carry(first, [(0, 2), (8, 10)], Document("a\nb\n"))


def test_runner_counts_removed_characters_per_detector_of_merged_labels():
    from cleaner.runner import Stats, _count_spans

    st = Stats()
    _count_spans(st, [Span(0, 5, "copyright+link_farm", "x"), Span(6, 8, "copyright", "y"),
                      Span(9, 10, "copyright+link_farm", "z"), Span(11, 14, "separators", "w")])
    _count_spans(st, [Span(0, 2, "link_farm", "v")])
    # every span counts for each detector of its label; a document once per detector
    assert st.removed_chars == {"copyright": 8, "link_farm": 8, "separators": 3}
    assert list(st.removed_chars) == ["copyright", "link_farm", "separators"]  # first appearance
    assert st.docs_hit == {"copyright": 1, "link_farm": 2, "separators": 1}


def test_later_passes_read_the_same_lowercase_as_a_fresh_document():
    """The fixed point's later passes take the kept lines' lowercase from the first
    pass's (whole lines lower alike alone and in any text): every pass must see
    exactly ``str.lower`` of its own text, final sigmas and lines that a removal joins
    included, and a text lowered character by character (``İ``) is lowered afresh."""
    from cleaner.detectors.separators import Separators
    from cleaner.document import lowercase

    seen: list[tuple[str, str]] = []

    class Check:  # a context detector (not line-local): asked again in every pass
        name = "check"
        line_local = False

        def detect(self, doc):
            seen.append((doc.text, doc.lower))
            return []

    texts = [
        "ΟΔΟΣ\n. | . | . |\nΣΟΦΟΣ ΛΟΓΟΣ\n",
        "ΑΣ\n| | |\nΣ\nword ΣΑΣ\n* * * *\nend Σ.\n",
        "İstanbul\n. | . |\nABC DEF\n",
        "Plain line one\n----------\nPlain line two\n",
    ]
    for text in texts:
        seen.clear()
        pipe = Pipeline(detectors=[Separators(), Check()])
        out = pipe.clean(text)
        assert len(seen) >= 2, text  # a later pass ran
        for t, low in seen:
            assert low == Document(t).lower and len(low) == len(t), (text, t)
            if "\u0130" not in t:
                assert low == lowercase(t)
        assert out.text == pipe.clean(out.text).text


def test_later_passes_count_words_as_a_fresh_document(monkeypatch):
    """page_furniture's later passes over whole kept lines sum the first pass's per-line
    counts (``_counts_compiled``): every pass must get exactly the counts that reading
    its own text gives, and the fixture pages must take that path at least once."""
    from pathlib import Path

    from cleaner import _compiled
    from cleaner.detectors import furniture as F

    f = _compiled.fast()
    if f is None:
        pytest.skip("cleaner._fast is not built")
    seen: list[tuple[bool, bool]] = []
    real = F.PageFurniture._counts_compiled

    def spy(fa, doc, pg):
        got = real(fa, doc, pg)
        want = fa.block_counts(doc.text, pg.start, pg.end, F._stop_table(doc.lang))
        seen.append((doc._kept_from is not None, [list(a) for a in got] == [list(a) for a in want]))
        return got

    monkeypatch.setattr(F.PageFurniture, "_counts_compiled", staticmethod(spy))
    pages = sorted((Path(__file__).parent / "fixtures" / "quality").glob("*.txt"))
    pipe = Pipeline()
    for path in pages:
        lines = [ln[2:] for ln in path.read_text("utf-8").splitlines() if ln.strip()]
        text = "\n".join(lines) + "\n"
        out = pipe.clean(text)
        assert out.text == pipe.clean(out.text).text
    assert seen and all(ok for _, ok in seen), seen
    assert any(carried for carried, _ in seen)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab \t\u00a0\u2003|.")), max_size=8), min_size=1, max_size=10),
       st.data())
def test_apply_spans_skips_the_space_fixer_only_when_it_would_change_nothing(lines, data):
    """``apply_spans(..., spaces_settled=True)``, as the pipeline calls it on text its
    whitespace fixers made: the same output as the full re-tidy, for spans of whole
    lines (the fixer is skipped) and for any other spans (it runs)."""
    from cleaner import normalisers as N
    from cleaner.pipeline import _whole_lines, apply_spans

    text = N.collapse_blank_lines(N.collapse_spaces("\n".join(lines)))
    assert N.collapse_spaces(text) == text
    if not text:
        return
    n = len(text)
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n" and i + 1 < n]
    ends = [text.find("\n", a) if text.find("\n", a) != -1 else n for a in starts]
    spans = []
    for a, b in zip(starts, ends):
        if b > a and data.draw(st.booleans()):
            if data.draw(st.booleans()):
                spans.append(Span(a, b, "t", "whole line"))
            else:  # a part of the line: the fixer must run
                x = data.draw(st.integers(a, b - 1))
                spans.append(Span(x, data.draw(st.integers(x + 1, b)), "t", "part"))
    if not spans:
        return
    assert apply_spans(text, spans, spaces_settled=True) == apply_spans(text, spans)
    if all(s.reason == "whole line" for s in spans):
        assert _whole_lines(text, spans)


def test_the_pipeline_knows_when_its_text_is_space_settled():
    from cleaner.config import PipelineConfig

    assert Pipeline()._spaces_settled
    off = Pipeline(PipelineConfig.from_dict({"normalisers": {"whitespace": False}}))
    assert not off._spaces_settled
    # without the whitespace fixers, removing a line still tidies the spaces it kept
    text = "Body  text   here.\n. | . | . |\nMore\t\ttext.\n"
    assert off.clean(text).text == "Body text here.\nMore text.\n"


def test_explain_false_gives_the_same_text_offsets_and_detectors():
    """``explain=False`` (a caller that keeps only the text: the CLI without a report,
    ``cleaner.clean``) spares page_furniture its reasons; the text and every span's
    offsets and detectors are those of ``explain=True``, and only the reasons differ."""
    from cleaner.document import UNEXPLAINED

    pipe = Pipeline()
    seen = 0
    for page in _pages_for_the_fixed_point():
        full = pipe.clean(page, record_edits=False)
        bare = pipe.clean(page, record_edits=False, explain=False)
        assert bare.text == full.text
        assert [(s.start, s.end, s.detector) for s in bare.spans] == [(s.start, s.end, s.detector) for s in full.spans]
        for s in full.spans:
            assert UNEXPLAINED not in s.reason
            if "page_furniture" in s.detector:
                assert "page furniture block" in s.reason
        seen += sum(UNEXPLAINED in s.reason for s in bare.spans)
        assert all(UNEXPLAINED not in s.reason for s in bare.spans if "page_furniture" not in s.detector)
    assert seen >= 10
    assert cleaner.clean(SEED_LIKE) == pipe.clean(SEED_LIKE).text


def test_the_cli_works_out_reasons_only_for_its_report(tmp_path):
    """Without ``--report`` the CLI keeps only the text (explain=False); with it, the
    report's removals carry page_furniture's own reasons; the output is the same."""
    import orjson
    from click.testing import CliRunner

    from cleaner.cli import main

    pages = _pages_for_the_fixed_point()
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(b"".join(orjson.dumps({"id": str(k), "text": t}) + b"\n" for k, t in enumerate(pages)))
    outs = []
    for extra in ([], ["--report", str(tmp_path / "r.html")]):
        out = tmp_path / f"out{len(extra)}.jsonl"
        r = CliRunner().invoke(main, [str(inp), "-o", str(out), "--workers", "1", *extra])
        assert r.exit_code == 0, r.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert [orjson.loads(line)["text"] for line in outs[0].splitlines()] == [cleaner.clean(t) for t in pages]
    report = (tmp_path / "r.html").read_text("utf-8")
    assert "page furniture block" in report and "explain=False" not in report


def test_the_last_pass_kept_text_is_the_text_the_spans_keep(monkeypatch):
    """The fixed point hands its last kept text to apply_spans instead of joining the
    same pieces again: the output is apply_spans of the final spans, made afresh."""
    from cleaner.pipeline import apply_spans

    pipe = Pipeline.from_config({"normalisers": {"typos": False}})
    handed = 0
    orig = Pipeline._fixed_point

    def spy(self, first, raw, spans):
        nonlocal handed
        got = orig(self, first, raw, spans)
        handed += got[2] is not None
        return got

    monkeypatch.setattr(Pipeline, "_fixed_point", spy)
    for page in _pages_for_the_fixed_point():
        res = pipe.clean(page, record_edits=False)
        assert res.text == apply_spans(res.source, list(res.spans), True)
    assert handed >= 5


def test_a_fixed_point_cut_short_by_its_pass_limit_applies_its_last_spans():
    """A detector that finds one more line on every pass: the fixed point stops at
    MAX_PASSES with spans newer than its last kept text, which must not be reused."""
    from cleaner.document import Span
    from cleaner.pipeline import MAX_PASSES

    class FirstLine:
        name = "first_line"

        def detect(self, doc):
            b = doc.blocks[0]
            return [Span(b.start, b.end, self.name, "the first line")]

    lines = [f"Line number {k} of the page." for k in range(MAX_PASSES + 3)]
    pipe = Pipeline(PipelineConfig.from_dict({"normalisers": {"typos": False}}), detectors=[FirstLine()])
    res = pipe.clean("\n".join(lines) + "\n", record_edits=False)
    assert res.text == "\n".join(lines[MAX_PASSES:]) + "\n"

"""Unit tests per built-in detector: what each finds, what it must leave alone."""
from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Document, create, registry
from cleaner.detectors import DEFAULT_DETECTORS, KeywordBlockDetector, load_patterns
from cleaner.detectors.base import covering_triggers


def spans(name: str, text: str, **params):
    det = create(name, **params)
    return [(text[s.start : s.end], s.reason) for s in det.detect(Document(text))]


# --------------------------------------------------------------- separators
@pytest.mark.parametrize("line", [". | . |", "|", "* * *", "-----", "• • •", "=== ===", "…"])
def test_separators_find_pure_punctuation_lines(line):
    text = f"Story line one.\n{line}\nStory line two."
    assert [s[0] for s in spans("separators", text)] == [line]


@pytest.mark.parametrize("line", ["A | B", "1 | 2", "— he said", "***Breaking***", "🙂", "| x |"])
def test_separators_keep_lines_with_words_digits_or_emoji(line):
    assert spans("separators", f"Story.\n{line}\n") == []


# --------------------------------------------------------------- copyright
def test_copyright_line_and_reason():
    found = spans("copyright", "Body text.\nCopyright 1995-2024 Space Media Network. All rights reserved.\n")
    assert len(found) == 1
    assert found[0][0].startswith("Copyright 1995-2024")
    assert "copyright 1995" in found[0][1]


def test_copyright_tail_is_cut_alone():
    text = "The index fell 2% on Friday, dealers said, and the currency weakened. © 2024 Reuters"
    ((cut, reason),) = spans("copyright", text)
    assert cut == "© 2024 Reuters"
    assert reason.startswith("trailing notice")


@pytest.mark.parametrize("text", [
    "The copyright in the song belongs to the estate, the judge ruled after a week of evidence from musicologists and the band's former manager.",
    "She said the 1998 copyright act was outdated.",  # starts with prose, not a notice
    "Section (c) of the contract, signed in 2019, covers royalties.",  # (c) is a list marker here
])
def test_copyright_keeps_prose_about_copyright(text):
    assert spans("copyright", text) == []


def test_copyright_params_are_configurable():
    line = "Copyright 2020 Foo Media. All rights reserved."
    assert spans("copyright", line)
    # with stricter settings only the trailing formula goes, not the whole line
    assert [c for c, _ in spans("copyright", line, short_chars=10, min_strong=3)] == ["All rights reserved."]
    with pytest.raises(TypeError):
        create("copyright", no_such_param=1)


# --------------------------------------------------------------- gdpr_notice
@pytest.mark.parametrize("text", [
    "We use cookies to give you the best experience on our website.",
    "Wir verwenden Cookies, um unsere Website für Sie optimal zu gestalten.",
    "Nous utilisons des cookies pour améliorer votre expérience.",
    "Utilizamos cookies para mejorar nuestros servicios.",
    "Utilizziamo i cookie per migliorare la tua esperienza.",
    "Wij gebruiken cookies om onze website te verbeteren.",
    "Este site utiliza cookies para melhorar a sua experiência.",
    "Privacy Policy",
    "Cookie settings",
])
def test_gdpr_notice_languages(text):
    assert len(spans("gdpr_notice", text)) == 1


@pytest.mark.parametrize("text", [
    "Cookies",  # a recipe heading
    "Bake the cookies for ten minutes, then let them cool on a rack.",
    "The watchdog fined the bank under the General Data Protection Regulation for losing customer files, a decision it said sent a message to the whole sector.",
    "Privacy",
])
def test_gdpr_notice_keeps_recipes_and_reporting(text):
    assert spans("gdpr_notice", text) == []


# --------------------------------------------------------------- publisher_footer
def test_publisher_footer():
    assert spans("publisher_footer", "Subscribe to our newsletter")
    assert spans("publisher_footer", "About Us")
    assert spans("publisher_footer", "Advertising does not imply endorsement of any product.")
    assert spans("publisher_footer", "She wrote about us and our town for forty years, until her retirement last spring.") == []


@pytest.mark.parametrize("line", ["Print", "Tweet", "Back to top", "» Contact us |", "Share on Facebook", "Sitemap"])
def test_publisher_footer_link_lines_found_by_line_triggers_alone(line):
    # these lines hold no [triggers] word, only [line_triggers]: found because they are short
    assert spans("publisher_footer", f"The minister spoke on Tuesday about the budget.\n{line}\n")


@pytest.mark.parametrize("text", [
    "Print media share prices fell about 4% after the contact with regulators, analysts said on Monday.",
    "Share the cake with everyone.",
])
def test_publisher_footer_keeps_prose_with_line_trigger_words(text):
    assert spans("publisher_footer", text) == []


@pytest.mark.parametrize("line", [
    "Name (required)", "Mail (will not be published) (required)", "Email (will not be published) *",
    "Website (optional)", "Submit Comment", "No comments yet.",
    "Comments are closed.", "Your email address will not be published. Required fields are marked *",
    "Notify me of follow-up comments via e-mail", "You must be logged in to post a comment.",
    # the blog platforms' own interface
    "Skip to sidebar", "Skip to main content", "View my complete profile", "Post navigation",
    "Recent Comments", "Email ThisBlogThis!Share to TwitterShare to Facebook", "ReplyDelete", "Digg This",
    "Flag as Inappropriate", "Forgot your username or password?", "Labels:", "Tagged as:",
    "You can leave a response, or trackback from your own site.",
    "Having trouble reading this image? View an alternate.", "Previewing your Comment",
    "Posted by:", "Jump to comments", "(URLs automatically linked.)", "One Comment", "No Comments »", "Sign Out",
    "Loading...", "Enlarge This Image", "Follow us on Twitter", "You are currently signed in as",
])
def test_publisher_footer_finds_the_comment_form_and_blog_interface(line):
    text = f"The council approved the budget on Tuesday.\n{line}\n"
    assert [s[0] for s in spans("publisher_footer", text)] == [line]


@pytest.mark.parametrize("line", [
    "Name", "Website", "Comments", "He declined to comment.",
    "Name (required) and postcode",
    "Leave a reply in the box below and we will answer within a day.",
    "The results were published (required by law) on Monday.",
    "Skip to the end", "Labels on food packaging", "Topics: what the summit will discuss",
    "Delete", "Navigation", "Recent comments by the minister drew criticism from both parties.",
    "Posted by the editors", "Loading the ship took three days.", "Sign out of the treaty, he said.",
    "Follow the money", "One comment stood out.",
])
def test_publisher_footer_keeps_form_and_interface_words_in_other_lines(line):
    assert spans("publisher_footer", f"The council approved the budget on Tuesday.\n{line}\n") == []


# --------------------------------------------------------------- link_farm
def test_link_farm_site_references():
    text = "Learn about rockets at SpaceWar.com Learn about missiles at SpaceWar.com All about ships at SpaceWar.com"
    ((_, reason),) = spans("link_farm", text)
    assert "3 site references" in reason


def test_link_farm_heading_needs_a_list():
    listed = "Story.\nRelated stories\nFirst headline here\nSecond headline here\n"
    assert [s[0] for s in spans("link_farm", listed)] == ["Related stories", "First headline here", "Second headline here"]
    prose = "More on the economy\nThe minister said growth would slow next year, citing exports.\n"
    assert spans("link_farm", prose) == []


def test_link_farm_menus_and_anchors():
    assert spans("link_farm", "Home | News | Sport | Contact")
    assert spans("link_farm", "Home > World > Europe")
    assert spans("link_farm", "Read more »")
    # the comment form's heading and the comment count are anchors too (link_farm's, not
    # publisher_footer's: one detector owns each line)
    for line in ("← Previous", "Next →", "« Older Entries", "Newer posts ›", "Leave a Reply", "Post a Comment:",
                 "Leave a Response", "3 comments"):
        assert [s[0] for s in spans("link_farm", f"The vote was close.\n{line}\n")] == [line]
    assert spans("link_farm", "The next step is hard.\nNext, the council votes → then the mayor signs.\n") == []
    # an anchor may run on ("Leave a comment on this story"); a count in words may not
    assert spans("link_farm", "The vote was close.\nNo comment was made by the ministry.\nOne comment stood out.\n") == []
    assert spans("link_farm", "Read more about the plan in our explainer, which sets out the costs, the timetable and the objections raised by residents.") == []
    assert spans("link_farm", "Cats | dogs and rabbits are the most popular pets, the survey of 2,000 owners found.") == []


def test_link_farm_urls():
    assert spans("link_farm", "http://a.com/x https://b.org/y www.c.net")
    assert spans("link_farm", "See http://a.com/x for the full data set, published on Monday.") == []


def test_link_farm_menu_run_needs_navigation_word():
    body = "x" * 120
    menu = "Home\nNews\nSport\nCulture\nTravel\n" + body
    assert len(spans("link_farm", menu)) == 5
    listy = "Leeks\nCarrots\nCelery\nPeas\nMint\n" + body
    assert spans("link_farm", listy) == []


def test_link_farm_menu_run_with_a_line_of_ideographic_spaces():
    # A line of U+3000 only (common in Chinese and Japanese pages) is a block, but it
    # strips to nothing: it used to raise IndexError, and the record was rejected.
    body = "x" * 120
    menu = "Home\nNews\nSport\nCulture\nTravel\n\u3000\n" + body + "\n\u3000\u3000\nHome"
    assert [s[0] for s in spans("link_farm", menu)] == ["Home", "News", "Sport", "Culture", "Travel"]
    import cleaner

    assert cleaner.clean(menu).strip().endswith(body + "\n\u3000\u3000\nHome")


# --------------------------------------------------------------- registry & data
def test_every_default_detector_is_registered_and_documented():
    avail = registry.available()
    for name in DEFAULT_DETECTORS:
        assert name in avail
        assert registry.describe(name)


@pytest.mark.parametrize("name", ["copyright", "gdpr_notice", "publisher_footer"])
def test_every_pattern_holds_a_trigger(name):
    """The trigger prefilter is only sound if every pattern contains a trigger literal."""
    ps = load_patterns(name)
    triggers = ps.get("triggers")
    line_triggers = ps.get("line_triggers")
    # Weak cues only count on a line that holds a strong one; with [line_triggers] they
    # need no trigger of their own.  [line] patterns may use either list.
    sections = [("strong", triggers), ("tail", triggers), ("line", triggers + line_triggers)]
    if not line_triggers:
        sections.append(("weak", triggers))
    for section, trig in sections:
        for pat in ps.get(section):
            # every MATCH holds one: "you (?:agree|consent)" holds "consent" in its text,
            # but "you agree" does not
            assert covering_triggers(pat, trig), f"{name}[{section}] {pat!r}: a match can hold no trigger"


def test_detectors_do_not_mutate_the_document():
    text = "Copyright 2020 X.\nRelated links\nA b\nC d\n| |\n"
    doc = Document(text)
    for name in DEFAULT_DETECTORS:
        list(create(name).detect(doc))
    assert doc.text == text


def test_keyword_detector_requires_triggers(tmp_path, monkeypatch):
    class NoTriggers(KeywordBlockDetector):
        patterns_file = "separators"

    with pytest.raises(ValueError, match="triggers"):
        NoTriggers()


@pytest.mark.parametrize(
    "pattern, triggers, want",
    [
        # a literal run; \b does not break it
        (r"\ball rights reserved\b", ("rights", "reserved x"), {"rights"}),
        # an optional group proves nothing; the literal after it does
        (r"(?:copyright )?notice", ("copyright", "notice"), {"notice"}),
        # each branch must be covered: the union of the branches' triggers
        (r"(?:we use|this site uses) cookies?", ("we use", "site uses"), {"we use", "site uses"}),
        # a repeat of at least one proves its body
        (r"(?:cookie ){1,3}x", ("cookie",), {"cookie"}),
        # \p{L} is a class: the runs around it still count
        (r"\bnavigat\p{L}* (?:this|our) site", ("navigat", "site"), {"navigat"}),
    ],
)
def test_covering_triggers_proves_a_trigger_in_every_match(pattern, triggers, want):
    got = covering_triggers(pattern, triggers)
    assert got == want
    rx = regex.compile(pattern)
    for sample in ("all rights reserved", "copyright notice", "notice", "we use cookies", "this site uses cookie",
                   "cookie cookie x", "navigating our site"):
        if rx.search(sample):
            assert any(t in sample for t in got), (pattern, sample)


@pytest.mark.parametrize(
    "pattern, triggers",
    [
        (r"you (?:agree|consent)", ("consent",)),  # "you agree" holds no trigger
        (r"(?:cookie)?s? policy", ("cookie",)),  # the trigger is optional
        (r"[cC]ookie", ("cookie",)),  # a class is not a literal
        (r"\p{Lu}{2,}", ("gdpr",)),
    ],
)
def test_covering_triggers_refuses_what_it_cannot_prove(pattern, triggers):
    assert covering_triggers(pattern, triggers) is None


def test_gdpr_consent_by_use_is_found_without_any_other_trigger():
    # "you agree" is the only trigger in this line: before it was one, the prefilter
    # never handed the line to the cue that matches it
    body = "The council approved the new budget on Tuesday after a long debate about school funding."
    text = f"{body}\nBy using this website, you agree to the terms below.\n{body}\n"
    spans = list(create("gdpr_notice").detect(Document(text)))
    assert [text[s.start : s.end] for s in spans] == ["By using this website, you agree to the terms below."]
    # and a sentence that merely says "you agree" stays
    prose = f"{body}\nIf you agree with the mayor, write to the council before Friday.\n"
    assert list(create("gdpr_notice").detect(Document(prose))) == []


_KB_LINES = [
    "We use cookies to improve your experience. By using this site you agree to our use of cookies.",
    "Copyright 2024 Foo Media. All rights reserved. This material may not be published or redistributed.",
    "In terms of legal conditions, the licensed software may not be reproduced without written consent.",
    "The court said the terms of the licence were legal, and the conditions of the trademark were met.",
    "He said the report was written in 2019 and that the rights of tenants had not been considered.",
    "The minister spoke at length. © 2023 Example News Ltd",
    "Terms of Use", "Privacy Policy", "Follow us on Twitter", "Sign up for our newsletter",
    "Our journalism is published under a creative commons licence; unless otherwise noted, reuse is fine.",
    "Cookie settings", "Impressum", "The recipe needs two cookies and a cup of milk.",
]


@given(st.lists(st.sampled_from(_KB_LINES), min_size=1, max_size=12))
@settings(max_examples=150, deadline=None)
def test_keyword_detectors_skip_only_lines_that_cannot_hold_a_cue(lines):
    """The strong-cue and tail prefilters change no span: each detector gives the same
    spans with them turned off."""
    doc = Document("\n".join(lines) + "\n")
    assert not {"terms", "legal", "licen", "reproduc"} & set(create("copyright")._strong_triggers)
    for name in ("copyright", "gdpr_notice", "publisher_footer"):
        det = create(name)
        got = list(det.detect(doc))
        det._strong_triggers = det._tail_triggers = det._line_cover = None
        assert list(det.detect(doc)) == got


def test_link_farm_patterns_hold_their_prefilters_triggers():
    """link_farm runs each pattern only on the lines its trigger set finds: every match
    of a [heading] pattern holds a heading trigger, of an [action] pattern an action
    trigger, and of a [site_ref] pattern a URL trigger."""
    det = create("link_farm")
    ps = load_patterns("link_farm")
    for section, trig in (("heading", det._heading_triggers), ("action", det._action_triggers),
                          ("site_ref", det._url_triggers)):
        for pat in ps.get(section):
            assert covering_triggers(pat, trig), f"link_farm[{section}] {pat!r}: a match can hold no trigger"


# ------------------------------------------------- keyword detectors' kept verdicts
class _NoMemo(dict):
    """A verdict memo that keeps nothing: every line is judged afresh."""

    def put(self, key, value):
        pass


# Lines that each keyword detector removes (whole, or a tail of), and lines it keeps,
# some holding its triggers ("share", "about", "cookies", "rights", "published").
_MEMO_LINES = [
    "Share", "Print", "About us", "Contact us", "Share this", "Email this",
    "Name (required)", "Posted by: admin", "Follow us on Twitter", "Back to top",
    "© 2024 Example Media. All rights reserved.",
    "Copyright 2023 The Daily Planet Ltd. All rights reserved. This material may not be published.",
    "We use cookies to give you the best experience. By using this site you agree to our use of cookies.",
    "The minister spoke on Tuesday. © 2024 Reuters. All rights reserved.",
    "Share your thoughts about the plan with your neighbours before the meeting on Friday.",
    "The court ruled that the rights of tenants had not been respected by the landlord.",
    "She published her first novel about the war in 1951, to wide acclaim.",
    "Our grandmother's recipe for cookies uses brown butter and a pinch of salt.",
    "Rain is expected over the weekend in the north of the country.",
    "Subscribe to our free newsletter for the latest stories.",
    "Powered by WordPress",
    "Sign up for the daily newsletter and follow us on Twitter.",
    "x" * 300 + " all rights reserved",  # a long line: judged every time, never kept
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_MEMO_LINES), min_size=1, max_size=12), min_size=1, max_size=6))
def test_kept_verdicts_give_the_spans_of_a_fresh_judgement(pages):
    """A keyword detector keeps its verdicts on short lines across documents; the spans
    are those of a detector that judges every line afresh, whatever the order of the
    documents and wherever a line falls in them."""
    for name in ("copyright", "publisher_footer", "gdpr_notice"):
        kept, fresh = create(name), create(name)
        fresh._verdicts = _NoMemo()
        for lines in pages:
            text = "\n".join(lines) + "\n"
            want = [(s.start, s.end, s.reason) for s in fresh.detect(Document(text))]
            got = [(s.start, s.end, s.reason) for s in kept.detect(Document(text))]
            assert got == want, (name, text)
        assert len(fresh._verdicts) == 0
        assert all(len(k) <= 256 for k in kept._verdicts)


def test_kept_verdicts_are_bounded_and_reused():
    """The memo holds at most VERDICTS_KEPT lines (then starts afresh), and a line seen
    before is not matched again."""
    import cleaner.detectors.base as B

    det = create("publisher_footer")
    text = "Share\nPrint\nAbout us\nThe council met on Monday.\n"
    first = [(s.start, s.end, s.reason) for s in det.detect(Document(text))]
    assert [text[a:b] for a, b, _ in first] == ["Share", "Print", "About us"]
    assert {"share", "print", "about us"} <= set(det._verdicts)

    class Spy:
        def __init__(self, rx):
            self.rx, self.calls = rx, 0

        def fullmatch(self, *a, **k):
            self.calls += 1
            return self.rx.fullmatch(*a, **k)

    spy = det._line = Spy(det._line)
    moved = "Intro line of the article.\n" + text
    again = [(s.start, s.end, s.reason) for s in det.detect(Document(moved))]
    assert again == [(a + 27, b + 27, r) for a, b, r in first] and spy.calls == 0
    assert det._verdicts.maxsize == B.VERDICTS_KEPT
    det._verdicts.maxsize = 2
    det._verdicts.clear()
    list(det.detect(Document(text)))
    assert len(det._verdicts) <= 2


def test_verdicts_are_not_kept_for_a_detector_with_its_own_candidates():
    """A subclass that picks its candidates otherwise is not line-local: its verdict on
    a line may depend on the lines around it, so none is kept."""
    from cleaner.detectors.legal import Copyright

    class NearTitle(Copyright):
        name = "copyright_near_title"

        def _candidates(self, doc):
            cands, full = super()._candidates(doc)
            return [i for i in cands if i > 0], full  # (context: never the first line)

    det = NearTitle()
    text = "Intro.\n© 2024 Example Media. All rights reserved.\n"
    assert [text[s.start : s.end] for s in det.detect(Document(text))] == ["© 2024 Example Media. All rights reserved."]
    assert det._verdicts == {} and not det.line_local
    plain = Copyright()
    assert list(plain.detect(Document(text))) and plain._verdicts


def test_candidate_blocks_serves_a_tuple_by_identity_and_any_other_iterable_alike(monkeypatch):
    # candidate_blocks remembers the set id of a trigger tuple by the tuple's identity; a
    # list, a new equal tuple, or a tuple past the bound get the same answer, and the
    # memo never grows past its bound
    from cleaner.detectors import base as B

    text = "Home\nWe use cookies on this site.\nThe council met.\n© 2024 Example. All rights reserved.\nPrivacy policy"
    trig = ("cookie", "©", "privacy")
    want = B._candidate_blocks_scan(Document(text, {}), trig)
    assert want == [1, 3, 4]
    assert B.candidate_blocks(Document(text, {}), trig) == want
    assert B._INDEX._by_id[id(trig)][0] is trig and B._INDEX.known(trig) is not None
    assert B.candidate_blocks(Document(text, {}), trig) == want  # (served by identity)
    assert B.candidate_blocks(Document(text, {}), list(trig)) == want
    assert B.candidate_blocks(Document(text, {}), tuple(list(trig))) == want
    monkeypatch.setattr(B._INDEX, "BY_ID_MAX", len(B._INDEX._by_id))
    for _ in range(3):
        fresh = tuple(["council", "home"])
        assert B.candidate_blocks(Document(text, {}), fresh) == [0, 2]
        assert B._INDEX.known(fresh) is None
    assert B.candidate_blocks(Document(text, {}), ("", "home")) == B._candidate_blocks_scan(Document(text, {}), ("", "home"))

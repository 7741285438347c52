"""HTML mode (cleaner/html.py): extraction, explanations, decoding, hostile input, CLI."""
from __future__ import annotations

import json
import os
import time

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli import main
from cleaner.html import MAX_CHARS, _attr_cue, decode_html, extract, record_text

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "html")

PROSE = (
    "The old harbour bridge reopened to traffic on Tuesday morning, two years after engineers "
    "closed it when cracks were found in two of its steel supports."
)
PROSE2 = (
    "Hundreds of people walked across the bridge before the first cars were allowed on it, and "
    "the mayor said that the town had waited far too long for the crossing to be safe again."
)


def fixture(name: str) -> bytes:
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read()


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


# --------------------------------------------------------------------------- extraction
def test_news_fixture_keeps_article_and_drops_chrome():
    out = cleaner.clean_html(fixture("news_article.html"))
    lines = out.splitlines()
    # article text, headline, subheading and list items, each on its own line
    assert "Harbour bridge reopens after two years of repairs" in lines
    assert "What changed" in lines
    assert "A wider footpath on the seaward side" in lines
    assert PROSE in lines and PROSE2 in lines
    assert any(line.startswith("Local shops, which lost trade") for line in lines)
    # chrome
    for gone in ("We use cookies", "Sport", "Most read", "Storm warning", "Related stories",
                 "Council approves budget", "Advertise with us", "Share on Facebook", "Home"):
        assert gone not in out, gone
    # script and style contents, in <head> and inside the article
    assert "MUST NOT APPEAR" not in out and "dataLayer" not in out
    assert "Copyright 2024 Coastal Herald" not in out


def test_every_block_has_a_verdict_and_reason():
    res = extract(fixture("news_article.html"))
    assert res.blocks and all(b.reason for b in res.blocks)
    by_text = {b.text: b for b in res.blocks}
    nav = by_text["Sport"]
    assert not nav.kept and "nav" in nav.reason
    cookie = next(b for b in res.blocks if b.text.startswith("We use cookies"))
    assert not cookie.kept and "cookie" in cookie.reason
    assert by_text[PROSE].kept and "main region" in by_text[PROSE].reason
    assert res.text == "".join(line + "\n" for line in res.text.splitlines())
    assert res.lang == "en" and res.encoding == "utf-8"


def test_text_detectors_run_on_the_kept_blocks():
    # a cookie notice and a copyright line *inside* the article container
    body = (
        "<article><h1>Bridge reopens</h1>"
        f"<p>{PROSE}</p><p>{PROSE2}</p>"
        "<p>We use cookies to improve your experience. By continuing to use this site, you agree to our use of cookies.</p>"
        f"<p>{PROSE} {PROSE2}</p></article>"
    )
    res = extract(page(body))
    assert "We use cookies" in res.extracted  # the block classifier kept it ...
    assert "We use cookies" not in res.text  # ... and the text detector removed it
    assert any(s.detector == "gdpr_notice" for s in res.spans)
    assert PROSE in res.text


def test_blog_comments_kept_by_default_and_dropped_on_request():
    raw = fixture("blog_comments.html")
    with_c = extract(raw).text
    without = extract(raw, comments=False).text
    assert "The first frost came early this year" in with_c
    assert "We lost all our runner beans" in with_c
    assert "We lost all our runner beans" not in without
    assert "The first frost came early this year" in without
    for out in (with_c, without):
        assert "Leave a Reply" not in out and "Powered by Blogger" not in out and "Archive" not in out
        assert "Posted by Tom" not in out


def test_german_page_uses_german_stop_words():
    res = extract(fixture("german_article.html"))
    assert res.lang == "de"
    assert "Nach drei Jahren Bauzeit" in res.text
    assert "Impressum" not in res.text and "Startseite" not in res.text


def test_class_words_match_whole_tokens_only():
    assert _attr_cue("site-footer") == "footer"
    assert _attr_cue("sidebar2") == "sidebar"
    assert _attr_cue("shareButtons") == "share"
    # negatives: words that merely contain a cue, and taxonomy classes on the article
    for value in ("navy", "shareholder-letter", "commentary", "footnote", "advertorial-free",
                  "category-social-media", "tag-cookies entry", "related-article-body"[:7] + "ness"):
        assert _attr_cue(value) is None, value


def test_body_class_words_do_not_remove_the_page():
    body = f"<div class='main'><p>{PROSE} {PROSE2}</p><p>{PROSE2} {PROSE}</p></div>"
    html = f"<html><body class='has-sidebar with-comments nav-open'>{body}</body></html>"
    assert PROSE in cleaner.clean_html(html)


def test_boilerplate_cue_holding_the_article_is_void():
    # themes wrap the post in "widget" containers; the cue must not remove the post
    body = (
        "<div class='widget Blog'><h3>A walk on the hill</h3>"
        f"<div class='post-body'><p>{PROSE} {PROSE2}</p><p>{PROSE2} {PROSE}</p></div></div>"
        "<div class='widget'><ul><li><a href='/1'>Archive 2011</a></li><li><a href='/2'>Archive 2012</a></li></ul></div>"
    )
    out = cleaner.clean_html(page(body))
    assert PROSE in out and "Archive 2011" not in out


def test_link_list_and_short_menu_are_removed_without_class_hints():
    links = "".join(f"<li><a href='/{i}'>Section number {i} of the site</a></li>" for i in range(12))
    body = f"<div><ul>{links}</ul></div><div><p>{PROSE} {PROSE2}</p><p>{PROSE2}</p></div>"
    out = cleaner.clean_html(page(body))
    assert PROSE in out and "Section number" not in out


def test_br_and_pre_lines_stay_lines():
    body = f"<div><p>{PROSE}<br>{PROSE2}</p><pre>line one of the poem\nline two of the poem</pre><p>{PROSE} {PROSE2}</p></div>"
    lines = cleaner.clean_html(page(body)).splitlines()
    assert PROSE in lines and PROSE2 in lines


# --------------------------------------------------------------------------- decoding
def test_meta_charset_decodes_bytes():
    html = page(f"<p>Caf\u00e9 cr\u00e8me. {PROSE} {PROSE2}</p>", "<meta charset='iso-8859-1'>").encode("latin-1")
    out = cleaner.clean_html(html)
    assert "Café crème." in out


def test_http_equiv_charset_decodes_bytes():
    text = "\u041d\u043e\u0432\u044b\u0439 \u043c\u043e\u0441\u0442 \u043e\u0442\u043a\u0440\u044b\u043b\u0438 \u0432\u0447\u0435\u0440\u0430 \u0443\u0442\u0440\u043e\u043c, \u0438 \u043c\u043d\u043e\u0433\u043e \u043b\u044e\u0434\u0435\u0439 \u043f\u0440\u0438\u0448\u043b\u0438 \u043d\u0430 \u043f\u0440\u0430\u0437\u0434\u043d\u0438\u043a \u0432 \u0446\u0435\u043d\u0442\u0440\u0435 \u0433\u043e\u0440\u043e\u0434\u0430. "
    html = page(f"<p>{text * 4}</p>", '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    decoded, enc = decode_html(html.encode("cp1251"))
    assert enc == "cp1251" and text in decoded
    assert text.strip() in cleaner.clean_html(html.encode("cp1251"))


def test_undeclared_legacy_bytes_fall_back_to_the_detector():
    text = ("Le pont a été rouvert mardi matin, deux ans après que les ingénieurs l'ont fermé "
            "à cause de fissures trouvées dans deux de ses supports en acier. ") * 4
    data = page(f"<p>{text}</p>").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    decoded, enc = decode_html(data)
    assert "été rouvert" in decoded and enc != "utf-8"


def test_bom_and_lying_meta():
    assert decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>")[0] == "<p>café</p>"
    # says latin-1 but is valid UTF-8 with a euro sign: windows-1252 decoding must not crash
    text, enc = decode_html('<meta charset="latin-1"><p>5 €</p>'.encode("utf-8"))
    assert enc == "cp1252" and text.startswith("<meta")
    # an unknown label falls through to UTF-8
    assert decode_html('<meta charset="x-nonsense"><p>é</p>'.encode("utf-8")) == ('<meta charset="x-nonsense"><p>é</p>', "utf-8")


# --------------------------------------------------------------------------- hostile input
@pytest.mark.parametrize("html", ["", "   ", b"", b"\x00\x01", "no markup at all", "<", "</div></div>", "<html>", "<!-- only a comment -->", "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>"])
def test_degenerate_input_does_not_crash(html):
    assert isinstance(cleaner.clean_html(html), str)


def test_broken_markup_keeps_the_text():
    html = (
        "<html><body><div><p>" + PROSE + "<b><i>" + PROSE2 + "</b></i></div></span></p>"
        "<table><tr><td><p>" + PROSE2 + " " + PROSE + "<td>unclosed cell</table>"
        "<div <p>broken tag</p><p>" + PROSE
    )
    out = cleaner.clean_html(html)
    assert PROSE in out


def test_control_characters_neither_crash_nor_leak():
    body = f"<p>{PROSE}\x00\x01\x0b\x0c\x1b[31m\x7f {PROSE2}</p><p>{PROSE2} {PROSE}</p>"
    for html in (page(body), page(body).encode("utf-8")):
        out = cleaner.clean_html(html)
        assert PROSE2 in out
        assert not any(ord(c) < 32 and c != "\n" for c in out)
        assert "\x7f" not in out


def test_lone_surrogates_do_not_crash():
    out = cleaner.clean_html(page(f"<p>{PROSE} \ud800 {PROSE2}</p><p>{PROSE2} {PROSE}</p>"))
    out.encode("utf-8")


def test_huge_page_takes_bounded_time():
    para = f"<div class='row'><p>{PROSE} {PROSE2}</p><a href='/x'>link</a></div>\n"
    html = page(para * (MAX_CHARS // len(para) + 2000))  # over the cut
    assert len(html) > MAX_CHARS
    t0 = time.monotonic()
    out = cleaner.clean_html(html)
    assert time.monotonic() - t0 < 60
    assert PROSE in out


def test_deep_nesting_does_not_recurse():
    html = "<div>" * 50_000 + f"<p>{PROSE} {PROSE2}</p><p>{PROSE2} {PROSE}</p>" + "</div>" * 50_000
    t0 = time.monotonic()
    out = cleaner.clean_html(html)
    assert time.monotonic() - t0 < 30
    assert isinstance(out, str)


def test_script_contents_never_in_output_even_when_prose_like():
    script = f"<script>{PROSE} {PROSE2}</script>"
    body = f"{script}<div><p>{PROSE2}. {PROSE2}</p>{script}<noscript>{PROSE}</noscript><style>{PROSE}</style></div>"
    out = cleaner.clean_html(page(body, head=script))
    assert PROSE not in out
    assert PROSE2 in out


def test_hidden_elements_are_not_read():
    body = f"<div><p>{PROSE} {PROSE2}</p><div style='display: none'>{PROSE2} hidden one</div><p hidden>{PROSE} hidden two</p></div>"
    out = cleaner.clean_html(page(body))
    assert "hidden one" not in out and "hidden two" not in out and PROSE in out


# --------------------------------------------------------------------------- job and CLI
def test_record_text_rejects_and_reads():
    assert record_text({"html": 3}, "html")[1] == "HTML field is int, not a string"
    assert record_text({"x": "<p>a</p>"}, "html")[2] == "missing HTML field"
    text, reason, _ = record_text({"html": page(f"<p>{PROSE} {PROSE2}</p>")}, "html")
    assert reason is None and PROSE in text


def test_cli_html_field(tmp_path):
    inp = tmp_path / "pages.jsonl"
    recs = [
        {"id": 1, "url": "http://a.test/1", "html": fixture("news_article.html").decode("utf-8")},
        {"id": 2, "page": "<p>wrong field</p>"},
        {"id": 3, "html": ["not", "a", "string"]},
    ]
    inp.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(main, [str(inp), "-o", str(out), "--html-field", "html", "--text-field", "body",
                                  "--workers", "1", "--no-typos"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in rows] == [1]
    assert PROSE in rows[0]["body"] and "We use cookies" not in rows[0]["body"]
    assert rows[0]["body"] == cleaner.clean_html(recs[0]["html"])  # the job and the API agree
    assert rows[0]["html"].startswith("<!DOCTYPE html>")  # the record is otherwise kept
    rej = [json.loads(x) for x in (tmp_path / "out.jsonl.rejects.jsonl").read_text().splitlines()]
    assert [(x["line"], x["reason"]) for x in rej] == [(2, "missing HTML field 'html'"), (3, "HTML field is list, not a string")]

"""WARC input (cleaner/warc.py): a small WARC file written here, through the CLI."""
from __future__ import annotations

import gzip
import io
import json

import pytest
from click.testing import CliRunner

from cleaner import warc
from cleaner.cli import main
from cleaner.io import InputError

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

PROSE = (
    "The café in the village square opened again on Monday after a long winter, and the "
    "owners said that they were glad to see so many of their old customers come back. "
)
PAGE = (
    "<html><head><meta charset='iso-8859-1'><title>Café</title>"
    "<script>var tracking = 'SCRIPT MUST NOT APPEAR';</script></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    f"<article><h1>Café reopens</h1><p>{PROSE * 3}</p></article>"
    "<footer>Contact us</footer></body></html>"
)


def write_warc(path, gz=True):
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gz)

        def response(url, ctype, body, status="200 OK"):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))

        w.write_record(w.create_warcinfo_record("test.warc.gz", {"software": "cleaner tests"}))
        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "a.test")], is_http_request=True)
        w.write_record(w.create_warc_record("http://a.test/1", "request", payload=io.BytesIO(b""), http_headers=req))
        response("http://a.test/1", "text/html", PAGE.encode("latin-1"))
        response("http://a.test/logo.png", "image/png", b"\x89PNG\r\n\x1a\n0000")
        response("http://a.test/old", "text/html", b"<html>moved</html>", status="301 Moved Permanently")
        response("http://a.test/2", "application/xhtml+xml; charset=utf-8",
                 f"<html><body><div><p>{PROSE * 2}</p><p>{PROSE}</p></div></body></html>".encode("utf-8"))


@pytest.fixture
def warc_file(tmp_path):
    p = tmp_path / "crawl.warc.gz"
    write_warc(p)
    return p


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_warc_through_the_cli(warc_file, tmp_path):
    out = tmp_path / "out.jsonl"
    r = run_cli(warc_file, "-o", out, "--workers", "1")
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["url"] for x in rows] == ["http://a.test/1", "http://a.test/2"]
    first = rows[0]
    assert set(first) == {"url", "date", "text", "record_id", "content_type"}
    assert first["content_type"] == "text/html" and first["record_id"].startswith("<urn:uuid:")
    assert first["date"][:2] == "20" and first["date"].endswith("Z")
    assert "Café reopens" in first["text"] and PROSE.strip() in first["text"]  # latin-1 decoded
    assert "SCRIPT" not in first["text"] and "Contact us" not in first["text"] and "Home" not in first["text"]
    assert PROSE.strip() in rows[1]["text"]
    rej = [json.loads(x) for x in (tmp_path / "out.jsonl.rejects.jsonl").read_text().splitlines()]
    reasons = {x["line"]: x["reason"] for x in rej}
    assert reasons == {2: "not an HTML page (content type 'image/png')", 3: "HTTP status 301"}
    assert all("_cleaner_html" not in x.get("raw", "") for x in rej)


def test_uncompressed_warc_and_both_readers_agree(tmp_path):
    p = tmp_path / "crawl.warc"
    write_warc(p, gz=False)
    assert warc.is_warc(str(p))
    lines = {}
    for reader in _readers():
        lines[reader] = [json.loads(x) for x in warc.iter_warc_lines(str(p), reader=reader)]
        assert [x["url"] for x in lines[reader]] == ["http://a.test/1", "http://a.test/logo.png", "http://a.test/old", "http://a.test/2"]
        assert "Café reopens" in lines[reader][0][warc.HTML_KEY]
    if len(lines) == 2:
        assert lines["fastwarc"] == lines["warcio"]


def test_jsonl_is_not_taken_for_warc(tmp_path):
    p = tmp_path / "x.jsonl.gz"
    with gzip.open(p, "wt") as f:
        f.write('{"text": "WARC/1.0 is not at the start"}\n')
    assert not warc.is_warc(str(p))
    assert not warc.is_warc(str(tmp_path / "missing.warc"))


def test_missing_reader_gives_a_clear_error(warc_file, tmp_path, monkeypatch):
    monkeypatch.setattr(warc, "backend", lambda: None)
    with pytest.raises(InputError, match=r"pip install 'cleaner\[warc\]'"):
        list(warc.iter_warc_lines(str(warc_file)))
    r = CliRunner().invoke(main, [str(warc_file), "-o", str(tmp_path / "o.jsonl"), "--workers", "1"])
    assert r.exit_code != 0 and "cleaner[warc]" in r.output


def _readers() -> list[str]:
    """The WARC readers installed here."""
    out = []
    for reader in ("fastwarc", "warcio"):
        try:
            __import__(reader)
        except ImportError:
            continue
        out.append(reader)
    return out


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("kind", ["warc", "wet"])
def test_truncated_warc_is_an_input_error(tmp_path, gz, kind):
    whole = tmp_path / "whole.warc"
    (write_warc if kind == "warc" else write_wet)(whole, gz=gz)
    p = tmp_path / "cut.warc"
    p.write_bytes(whole.read_bytes()[:-100])  # the last record loses its end
    for reader in _readers():
        with pytest.raises(InputError, match="damaged WARC"):
            list(warc.iter_warc_lines(str(p), reader=reader))
    r = CliRunner().invoke(main, [str(p), "-o", str(tmp_path / "o.jsonl"), "--workers", "1"])
    assert r.exit_code != 0 and "damaged WARC" in r.output
    assert not (tmp_path / "o.jsonl").exists()  # no half output passes for a whole one


# ---------------------------------------------------------------- WET: conversion records
WET_TEXT = (
    "Home | News | Sport | Contact\n"
    "Village café reopens after the winter\n"
    f"{PROSE * 2}The council said the decison to reopen was taken after months of talks with the owners.\n"
    "Copyright 2024 Example Media. All rights reserved.\n"
)


def write_wet(path, gz=True):
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gz)
        w.write_record(w.create_warcinfo_record("test.warc.wet.gz", {"software": "cleaner tests"}))

        def conversion(url, text, language=None):
            headers = {"Content-Type": "text/plain"}
            if language:
                headers["WARC-Identified-Content-Language"] = language
            w.write_record(w.create_warc_record(url, "conversion", payload=io.BytesIO(text.encode("utf-8")),
                                                warc_headers_dict=headers))

        conversion("http://a.test/1", WET_TEXT, "eng")
        conversion("http://a.test/2", WET_TEXT, "fra,eng")  # declared French: no English typo fixes
        conversion("http://a.test/3", WET_TEXT)


def test_wet_through_the_cli(tmp_path):
    p = tmp_path / "crawl.warc.wet.gz"
    write_wet(p)
    assert warc.is_warc(str(p))
    out = tmp_path / "out.jsonl"
    r = run_cli(p, "-o", out, "--workers", "1")
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["url"] for x in rows] == ["http://a.test/1", "http://a.test/2", "http://a.test/3"]
    assert set(rows[0]) == {"url", "date", "record_id", "content_type", "language", "text"}
    assert "language" not in rows[2]
    assert [x.get("language") for x in rows] == ["eng", "fra,eng", None]
    for row in rows:  # cleaned in text mode: the article stays, the copyright line goes
        assert PROSE.strip() in row["text"] and "Village café reopens" in row["text"]
        assert "All rights reserved" not in row["text"]
        assert "_cleaner_text" not in row
    assert "the decision to reopen" in rows[0]["text"] and "the decision to reopen" in rows[2]["text"]
    assert "the decison to reopen" in rows[1]["text"]  # the record says French


def test_wet_both_readers_agree(tmp_path):
    p = tmp_path / "crawl.warc.wet"
    write_wet(p, gz=False)
    lines = {}
    for reader in _readers():
        lines[reader] = [json.loads(x) for x in warc.iter_warc_lines(str(p), reader=reader)]
        assert [x[warc.TEXT_KEY] for x in lines[reader]] == [WET_TEXT] * 3
    if len(lines) == 2:
        assert lines["fastwarc"] == lines["warcio"]



def test_oversize_wet_record_goes_to_rejects_with_its_reason(tmp_path, monkeypatch):
    """Nothing is lost: a WET record over the size limit is in the rejects file, with why."""
    monkeypatch.setattr(warc, "MAX_PAYLOAD", 100)
    p = tmp_path / "crawl.warc.wet.gz"
    write_wet(p)
    out = tmp_path / "out.jsonl"
    r = run_cli(p, "-o", out, "--workers", "1")  # one worker: in this process, patched
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8") == ""
    rej = [json.loads(x) for x in (tmp_path / "out.jsonl.rejects.jsonl").read_text().splitlines()]
    size = len(WET_TEXT.encode("utf-8"))
    assert [x["line"] for x in rej] == [1, 2, 3]
    assert {x["reason"] for x in rej} == {f"text of {size:,} bytes is over the 100-byte limit"}
    assert all("_cleaner_text" not in x.get("raw", "") for x in rej)

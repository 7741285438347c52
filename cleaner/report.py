"""``clean ... --report report.html``: one self-contained HTML page about a run.

The page holds totals, two inline-SVG charts (characters removed per detector; the
share removed per document), per-language and per-site tables, and a sample of
documents (most cut, a random sample, and any pinned by id) with every removed span
inline as ``<del class="m dN" title="detector: reason">``.  A detector filter (a few
lines of inline JavaScript) hides documents without that detector and dims the other
detectors' spans; with scripts off everything is shown.

Hostile input: every piece of dump text (document text, ids, urls, languages, site
names, detector names and reasons) goes through :func:`html.escape`.  Detector names
never become class names or CSS (classes are ``d0``, ``d1`` ... by index).  A
Content-Security-Policy allows no network access and only this page's own script and
style (by hash), so even a mistake in escaping could not run a script from the dump.
"""
from __future__ import annotations

import base64
import hashlib
import html
import os
import tempfile
from typing import Any, Iterable, Mapping, Sequence

from .stats import HIST_BINS, Collector, DocSample

#: colours for detectors by index (colour-blind-friendly palette, then repeats)
PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f")
#: table rows shown at most
MAX_ROWS = 25
#: the page stops adding documents past this size (the issue's limit is 5 MB)
MAX_PAGE_BYTES = 4_000_000
#: characters of a reason kept in a span's title
MAX_TITLE = 300


def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute.

    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape(str(value), quote=True)


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


def _pct(a: float, b: float) -> str:
    return f"{100.0 * a / b:.1f}%" if b else "0.0%"


# ---------------------------------------------------------------------- charts
def bar_chart(rows: Sequence[tuple[str, float, str]], colours: Mapping[str, str], width: int = 640) -> str:
    """Horizontal bars ``(label, value, caption)`` as inline SVG."""
    if not rows:
        return '<p class="none">Nothing was removed.</p>'
    bar_h, gap, left, right = 22, 6, 170, 230
    h = len(rows) * (bar_h + gap) + gap
    top = max(v for _, v, _ in rows) or 1
    out = [f'<svg class="chart" role="img" aria-label="characters removed per detector" '
           f'width="{width}" height="{h}" viewBox="0 0 {width} {h}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value, caption) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(1.0, (width - left - right) * value / top)
        out.append(
            f'<g><title>{esc(label)}: {esc(caption)}</title>'
            f'<text x="{left - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{esc(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colours.get(label, "#888")}"/>'
            f'<text x="{left + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}">{esc(caption)}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def histogram(counts: Sequence[int], width: int = 640, height: int = 220) -> str:
    """The share-removed histogram (bin 0: nothing removed) as inline SVG."""
    n = len(counts)
    left, bottom, top_pad = 50, 40, 12
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    top = max(counts) if counts and max(counts) else 1
    bw = plot_w / n
    out = [f'<svg class="chart" role="img" aria-label="documents by share of characters removed" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
           f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" stroke="#444"/>',
           f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end">{_fmt(top)}</text>',
           f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end">0</text>']
    for i, c in enumerate(counts):
        bh = plot_h * c / top
        x = left + i * bw
        label = "nothing removed" if i == 0 else f"{(i - 1) * 100 // HIST_BINS}% < share <= {i * 100 // HIST_BINS}%"
        fill = "#999" if i == 0 else "#1f77b4"
        out.append(f'<g><title>{esc(label)}: {c:,} documents</title>'
                   f'<rect x="{x + 1:.1f}" y="{top_pad + plot_h - bh:.1f}" width="{bw - 2:.1f}" '
                   f'height="{max(bh, 0.0):.1f}" fill="{fill}"/></g>')
    for i, lab, anchor in ((0.5, "0", "middle"), ((n + 1) / 2, "50%", "middle"),
                           (n, "100%", "end")):
        x = left + i * bw
        out.append(f'<text x="{x:.1f}" y="{top_pad + plot_h + 16}" text-anchor="{anchor}">{lab}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">'
               f'share of characters removed per document (first bar: nothing removed)</text></svg>')
    return "".join(out)


# ---------------------------------------------------------------------- documents
def render_text(text: str, spans: Iterable[Sequence[Any]], det_index: Mapping[str, int]) -> str:
    """``text`` escaped, each span wrapped in ``<del>`` with detector classes and the
    reason in ``title``.  Spans are merged (sorted, non-overlapping).

    >>> render_text("ab<x>", [(2, 5, "sep", "why <b>")], {"sep": 0})
    'ab<del class="m d0" data-d="sep" title="sep: why &lt;b&gt;">&lt;x&gt;</del>'
    """
    out: list[str] = []
    pos = 0
    for start, end, det, reason in spans:
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        out.append(esc(text[pos:start]))
        names = det.split("+")
        cls = " ".join(f"d{det_index[n]}" for n in names if n in det_index)
        if len(reason) > MAX_TITLE:
            reason = reason[:MAX_TITLE] + "…"
        out.append(f'<del class="m {cls}" data-d="{esc(det)}" title="{esc(det)}: {esc(reason)}">'
                   f"{esc(text[start:end])}</del>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def render_doc(doc: DocSample, det_index: Mapping[str, int]) -> str:
    dets = doc.detectors()
    classes = " ".join(f"d{det_index[n]}" for n in dets if n in det_index)
    head = [f"<b>{esc(doc.id) if doc.id is not None else 'line ' + str(doc.line)}</b>"]
    if doc.url:
        head.append(f'<span class="url">{esc(doc.url)}</span>')
    head.append(f"{esc(doc.source)}:{doc.line}")
    head.append(f"lang {esc(doc.lang)}")
    head.append(f"{doc.chars:,} chars, {doc.removed:,} removed ({_pct(doc.removed, doc.chars)})")
    tags = "".join(f'<span class="tag d{det_index[n]}">{esc(n)}</span>' for n in dets if n in det_index)
    note = ""
    if doc.truncated:
        note = f'<p class="note">Only the first {len(doc.text):,} of {doc.chars:,} characters are shown.</p>'
    return (f'<article class="doc" data-dets="{classes}"><header>{" · ".join(head)} {tags}</header>'
            f'<pre class="text">{render_text(doc.text, doc.spans, det_index)}</pre>{note}</article>')


# ---------------------------------------------------------------------- page
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 16px 40px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}
.chart text{font:12px system-ui,sans-serif;fill:#222}
.doc{border:1px solid #ccc;border-radius:4px;margin:12px 0;padding:0}
.doc header{background:#f5f5f5;padding:6px 10px;font-size:13px;word-break:break-all}
.doc .url{color:#555}
pre.text{white-space:pre-wrap;word-wrap:break-word;margin:0;padding:8px 10px;font:13px/1.5 ui-monospace,monospace;max-height:480px;overflow:auto}
del.m{text-decoration:line-through;text-decoration-thickness:1px;border-radius:2px;padding:0 1px}
.tag{display:inline-block;color:#fff;border-radius:3px;padding:0 5px;margin-left:4px;font-size:12px}
.note,.none{color:#777;font-style:italic;margin:4px 10px}
#filter{margin:8px 0;padding:8px;background:#fafafa;border:1px solid #ddd}
#filter label{margin-right:12px;white-space:nowrap}
.hidden{display:none}
.row{display:flex;flex-wrap:wrap;gap:0 40px;align-items:flex-start}.row>div{min-width:0}
.dim{opacity:.25}
""".strip()

_JS = """
(function(){
var f=document.getElementById('filter');if(!f)return;
function apply(){
  var v=(f.querySelector('input:checked')||{}).value||'';
  var docs=document.querySelectorAll('.doc');
  for(var i=0;i<docs.length;i++){var d=docs[i];
    var show=!v||(' '+d.getAttribute('data-dets')+' ').indexOf(' '+v+' ')>=0;
    d.classList.toggle('hidden',!show);}
  var ms=document.querySelectorAll('del.m');
  for(var j=0;j<ms.length;j++){ms[j].classList.toggle('dim',!!v&&!ms[j].classList.contains(v));}
  var c=document.getElementById('shown');
  if(c)c.textContent=document.querySelectorAll('.doc:not(.hidden)').length;
}
f.addEventListener('change',apply);apply();
})();
""".strip()


def _sha256(s: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii")


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    h = "".join(f"<th>{esc(x)}</th>" for x in head)
    body = "".join("<tr>" + "".join(f"<td>{esc(x)}</td>" for x in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def render_report(stats: Mapping[str, Any], collector: Collector | None = None, title: str = "cleaner report",
                  inputs: Sequence[str] = ()) -> str:
    """The report page as a string.  ``stats`` is :meth:`cleaner.runner.Stats.as_dict`."""
    removed_by = dict(stats.get("removed_chars", {}))
    docs_hit = dict(stats.get("docs_hit", {}))
    names = sorted(set(removed_by) | set(docs_hit), key=lambda n: (-removed_by.get(n, 0), n))
    samples: list[tuple[str, str, list[DocSample]]] = []
    if collector is not None:
        samples = [
            ("pinned", "Documents asked for by id", collector.pinned_docs()),
            ("most-cut", "Most cut (ranked by characters removed × share removed)", collector.most_cut()),
            ("random", "Random sample (uniform, seeded: the same for any worker count)", collector.random_sample()),
        ]
        for _, _, docs in samples:
            for d in docs:
                for n in d.detectors():
                    if n not in names:
                        names.append(n)
    det_index = {n: i for i, n in enumerate(names)}
    colours = {n: PALETTE[i % len(PALETTE)] for n, i in det_index.items()}
    css = _CSS + "\n" + "\n".join(
        f".d{i}{{background:{PALETTE[i % len(PALETTE)]}26}}.tag.d{i}{{background:{PALETTE[i % len(PALETTE)]}}}"
        f"del.d{i}{{text-decoration-color:{PALETTE[i % len(PALETTE)]}}}"
        for i in range(len(names))
    )
    chars_in = stats.get("chars_in", 0)
    chars_out = stats.get("chars_out", 0)
    total_removed = max(0, chars_in - chars_out) if stats.get("chars_in") is not None else 0
    parts: list[str] = []
    parts.append(f"<h1>{esc(title)}</h1>")
    if inputs:
        parts.append("<p>Input: " + ", ".join(f"<code>{esc(x)}</code>" for x in inputs) + "</p>")
    totals = [
        ("records in", stats.get("records_in", 0)),
        ("records out", stats.get("records_out", 0)),
        ("rejected", stats.get("rejected", 0)),
        ("emptied (all text removed)", stats.get("emptied", 0)),
        ("dropped empty", stats.get("dropped_empty", 0)),
        ("characters in", chars_in),
        ("characters out", chars_out),
    ]
    parts.append('<div class="row"><div><h2>Totals</h2>' + _table(["", "count"], [(k, f"{v:,}") for k, v in totals]))
    parts.append("</div>")
    det_rows = [(n, f"{docs_hit.get(n, 0):,}", f"{removed_by.get(n, 0):,}", _pct(removed_by.get(n, 0), chars_in))
                for n in names if n in removed_by or n in docs_hit]
    parts.append("<div><h2>Per detector</h2>"
                 + _table(["detector", "documents hit", "characters removed", "share of input"], det_rows) + "</div></div>")
    parts.append(f"<p>Characters removed overall (in − out): <b>{total_removed:,}</b> ({_pct(total_removed, chars_in)} "
                 "of the input). A stretch found by several detectors is credited to each of them.</p>")
    bars = [(n, float(removed_by.get(n, 0)),
             f"{removed_by.get(n, 0):,} chars, {_pct(removed_by.get(n, 0), total_removed)} of removed")
            for n in names if removed_by.get(n, 0)]
    parts.append('<div class="row"><div><h2>Characters removed per detector</h2>' + bar_chart(bars, colours, 520) + "</div>")
    if collector is not None:
        parts.append("<div><h2>Share of characters removed per document</h2>" + histogram(collector.hist, 500) + "</div>")
    parts.append("</div>")
    if stats.get("reject_reasons"):
        parts.append("<h2>Rejects</h2>" + _table(["reason", "records"],
                     [(k, f"{v:,}") for k, v in sorted(stats["reject_reasons"].items(), key=lambda kv: -kv[1])]))
    if collector is not None:
        langs = collector.languages()
        parts.append("<h2>Languages</h2>" + _table(
            ["language", "documents", "characters in", "removed", "share removed"],
            [(k, f"{v['docs']:,}", f"{v['chars_in']:,}", f"{v['chars_removed']:,}", _pct(v["chars_removed"], v["chars_in"]))
             for k, v in list(langs.items())[:MAX_ROWS]]))
        if collector.langs_estimated:
            parts.append(f'<p class="note">{esc(collector.lang_note().capitalize())}.</p>')
        if len(langs) > MAX_ROWS:
            parts.append(f'<p class="note">{len(langs) - MAX_ROWS} more languages in the --stats JSON.</p>')
        sites = collector.top_sites(MAX_ROWS)
        if sites:
            parts.append("<h2>Top sites by characters removed</h2>" + _table(
                ["site", "documents", "characters in", "removed", "share removed", "by detector"],
                [(s["site"], f"{s['docs']:,}", f"{s['chars_in']:,}", f"{s['chars_removed']:,}",
                  _pct(s["chars_removed"], s["chars_in"]),
                  ", ".join(f"{d} {c:,}" for d, c in list(s["by_detector"].items())[:4]))
                 for s in sites]))
            if collector.sites_pruned:
                parts.append('<p class="note">Many sites: the counts of the smallest were pruned (approximate).</p>')
        n_docs = len({(d.source, d.line) for _, _, docs in samples for d in docs})
        filt = ['<form id="filter"><b>Filter by detector:</b> '
                '<label><input type="radio" name="det" value="" checked> all</label>']
        for n, i in det_index.items():
            filt.append(f'<label><input type="radio" name="det" value="d{i}"> '
                        f'<span class="tag d{i}">{esc(n)}</span></label>')
        filt.append(f' <span class="note"><span id="shown">{n_docs}</span> of {n_docs} documents shown</span></form>')
        parts.append("<h2>Documents</h2><p>Removed text is struck through and coloured by detector; "
                     "hover over it for the detector and the reason.</p>" + "".join(filt))
        shown: set[tuple[str, int]] = set()
        size = sum(len(p) for p in parts)
        skipped = 0
        for key, heading, docs in samples:
            if not docs and key == "pinned":
                continue
            new = [d for d in docs if (d.source, d.line) not in shown]
            again = len(docs) - len(new)
            note = f"; {again} shown above" if again else ""
            parts.append(f'<section id="{key}"><h3>{esc(heading)} ({len(docs)}{note})</h3>')
            if not docs:
                parts.append('<p class="none">None.</p>')
            for d in new:
                html_doc = render_doc(d, det_index)
                if size + len(html_doc) > MAX_PAGE_BYTES:
                    skipped += 1
                    continue
                parts.append(html_doc)
                size += len(html_doc)
            shown.update((d.source, d.line) for d in new)
            parts.append("</section>")
        if skipped:
            parts.append(f'<p class="note">{skipped} more sampled documents are not shown: the page keeps '
                         f"under {MAX_PAGE_BYTES / 1e6:.0f} MB.</p>")
    csp = (f"default-src 'none'; style-src '{_sha256(css)}'; script-src '{_sha256(_JS)}'; "
           "img-src data:; form-action 'none'; base-uri 'none'")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{css}</style></head><body>"
        + "\n".join(parts)
        + f"<script>{_JS}</script></body></html>\n"
    )


def write_report(path: str, stats: Mapping[str, Any], collector: Collector | None = None,
                 title: str = "cleaner report", inputs: Sequence[str] = ()) -> int:
    """Write the report to exactly ``path`` (atomically: a temporary file beside it, then
    a rename); returns its size in bytes."""
    data = render_report(stats, collector, title, inputs).encode("utf-8", "replace")
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".report.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes it 0600; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return len(data)

"""``site_boilerplate``: lines that repeat across the pages of a site, from a learned profile.

The profile (:mod:`cleaner.profile`, learned by ``clean learn`` or ``clean --learn``)
says on how many of a site's pages each normalised line occurs, and how often the two
lines around a line occur together (a *slot* of the site's template whose text varies:
a date line, a rotating headline, a counter).

Share of the site's pages alone would eat content: a syndicated article, a quote that
several articles repeat, a standard sentence ("This story has been corrected") recur
too.  So the rule uses three guards:

* **Position.**  Boilerplate is peeled from the top and from the bottom of the page:
  a line goes only while every line between it and the page edge went too.  Inside the
  page (between the first and the last line that stays) only short, non-prose lines can
  go, at a higher share.
* **Block shape.**  A prose line (a sentence of ``prose_words`` words or more) needs a
  much higher share at the edges (``edge_prose_share``) and is never removed inside the
  page.  A short line that sits next to equally frequent prose is part of a repeated
  article, not of the template, and stays.
* **Share, relative to the template.**  Peeling stops at a line whose share falls below
  ``drop_ratio`` times the best share peeled so far: a syndicated article on 40% of the
  pages, right under a header on all of them, is not the header.

Records without a site (no ``url``) form one group with stricter thresholds and no
removal inside the page.  The reason of every span reads "seen in 37 of 40 pages of
example.com".
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from ..document import Document, Span
from ..profile import NO_SITE, Profile, doc_keys, line_hash, load_profile, normalise_line, site_hash, site_of
from ..registry import register
from .base import BaseDetector

_SENT_END = frozenset(".!?…:;\"'”’»)")


def _snip(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


@register("site_boilerplate")
class SiteBoilerplate(BaseDetector):
    """Lines a site repeats on many of its pages (header, menu, footer), from a profile."""

    #: path of the profile file (or pass ``profile_obj``)
    profile: str | None = None
    #: record field that names the site; default: registrable domain of ``url``
    site_field: str | None = None
    #: a site needs this many pages in the profile before anything is removed
    min_pages = 5
    #: ... and a line this many pages
    min_df = 3
    #: share of the site's pages for a short line at the top or bottom of the page
    edge_share = 0.3
    #: share for a prose line at the top or bottom of the page
    edge_prose_share = 0.8
    #: share for a short line inside the page (prose inside the page always stays)
    body_share = 0.6
    #: peeling stops at a line below this fraction of the best share peeled so far
    drop_ratio = 0.5
    #: a varying line between template lines (a slot) is at most this long
    slot_max_chars = 120
    #: a line of this many words that ends like a sentence, or of 150+ characters, is prose
    prose_words = 8
    #: records without a site: stricter thresholds, nothing removed inside the page
    no_site_min_pages = 20
    no_site_min_df = 10
    no_site_edge_share = 0.5
    no_site_edge_prose_share = 0.9

    def __init__(self, profile: Any = None, profile_obj: Profile | None = None, **params: Any) -> None:
        for k, v in params.items():
            if k == "enabled":
                continue
            if not hasattr(type(self), k) or k.startswith("_") or callable(getattr(type(self), k)):
                raise TypeError(f"{self.name}: unknown parameter {k!r}")
            setattr(self, k, v)
        if isinstance(profile, Profile):
            profile_obj, profile = profile, None
        if profile_obj is None:
            if not profile:
                raise TypeError(f"{self.name}: needs a profile (clean learn ... -o PROFILE, then --profile PROFILE)")
            profile_obj = load_profile(str(profile))
        self.profile = profile if isinstance(profile, str) else None
        self.prof = profile_obj
        if self.site_field is None:
            sf = self.prof.meta.get("site_field")
            self.site_field = sf if isinstance(sf, str) and sf else None

    # ------------------------------------------------------------------ helpers
    def _is_prose(self, text: str, words: int) -> bool:
        t = text.rstrip()
        if len(t) >= 150:
            return True
        return words >= self.prose_words and bool(t) and t[-1] in _SENT_END

    def detect(self, doc: Document) -> Iterator[Span]:
        site = site_of(doc.meta, self.site_field)
        no_site = site == NO_SITE
        pages = self.prof.site_pages(site)
        if pages < (self.no_site_min_pages if no_site else self.min_pages):
            return
        min_df = self.no_site_min_df if no_site else self.min_df
        t_edge = self.no_site_edge_share if no_site else self.edge_share
        t_prose = self.no_site_edge_prose_share if no_site else self.edge_prose_share
        where = "this input" if no_site else site

        blocks = doc.blocks
        seq: list[int] = []  # block index of each counted line
        hashes: list[int] = []
        words: list[int] = []
        for bi, b in enumerate(blocks):
            nm = normalise_line(b.text)
            if nm:
                seq.append(bi)
                hashes.append(line_hash(nm))
                words.append(nm.count(" ") + 1)
        m = len(seq)
        if not m:
            return
        line, skip = doc_keys(site_hash(site), hashes)
        df = np.minimum(self.prof.lookup(line), pages).tolist()
        sdf = np.minimum(self.prof.lookup(skip), pages).tolist()
        share = [d / pages for d in df]
        sshare = [d / pages for d in sdf]
        prose = [self._is_prose(blocks[seq[i]].text, words[i]) for i in range(m)]

        def edge_freq(i: int) -> bool:
            return df[i] >= min_df and share[i] >= (t_prose if prose[i] else t_edge)

        def slot_ok(i: int, inner: int) -> bool:
            """Line i varies, but the lines around it recur together (a template slot)."""
            if prose[i] or len(blocks[seq[i]].text) > self.slot_max_chars:
                return False
            if sdf[i] < min_df or sshare[i] < t_edge:
                return False
            return 0 <= inner < m and edge_freq(inner)

        reasons: dict[int, str] = {}

        def seen(i: int, zone: str) -> str:
            return f"seen in {df[i]} of {pages} pages of {where} ({zone})"

        def slot_reason(i: int, zone: str) -> str:
            return f"varying line of the site's template: the lines around it seen together in {sdf[i]} of {pages} pages of {where} ({zone})"

        # ---- peel from the top
        ref = 0.0
        i = 0
        while i < m:
            if edge_freq(i) and share[i] >= self.drop_ratio * ref:
                reasons[i] = seen(i, "page top")
                ref = max(ref, share[i])
            elif slot_ok(i, i + 1) and sshare[i] >= self.drop_ratio * ref and share[i + 1] >= self.drop_ratio * ref:
                reasons[i] = slot_reason(i, "page top")
            else:
                break
            i += 1
        top = i
        # ---- peel from the bottom
        ref = 0.0
        j = m - 1
        while j >= top:
            if edge_freq(j) and share[j] >= self.drop_ratio * ref:
                reasons[j] = seen(j, "page end")
                ref = max(ref, share[j])
            elif slot_ok(j, j - 1) and j - 1 >= top and sshare[j] >= self.drop_ratio * ref and share[j - 1] >= self.drop_ratio * ref:
                reasons[j] = slot_reason(j, "page end")
            else:
                break
            j -= 1
        bottom = j  # lines top..bottom are the inside of the page

        # ---- inside the page: short template lines only, never next to repeated prose
        if not no_site and top <= bottom:
            inside: dict[int, str] = {}
            for k in range(top, bottom + 1):
                if prose[k] or df[k] < min_df or share[k] < self.body_share:
                    continue
                lo, hi = max(top, k - 2), min(bottom, k + 2)
                if any(prose[x] and share[x] >= 0.5 * share[k] and df[x] >= min_df for x in range(lo, hi + 1) if x != k):
                    continue  # part of a repeated article (syndicated copy), not furniture
                inside[k] = seen(k, "inside the page")
            for k in range(top + 1, bottom):
                if k in inside or prose[k] or len(blocks[seq[k]].text) > self.slot_max_chars:
                    continue
                if k - 1 in inside and k + 1 in inside and sdf[k] >= min_df and sshare[k] >= self.body_share:
                    inside[k] = slot_reason(k, "inside the page")
            reasons.update(inside)

        if not reasons:
            return
        # ---- lines without a letter (rules, bullets, page numbers) between removed lines
        removed_blocks = {seq[k]: r for k, r in reasons.items()}
        pos = 0  # index into seq of the next counted line
        for bi, b in enumerate(blocks):
            if pos < m and seq[pos] == bi:
                pos += 1
                continue
            before = seq[pos - 1] if pos > 0 else None
            after = seq[pos] if pos < m else None
            ok_before = before is None or before in removed_blocks
            ok_after = after is None or after in removed_blocks
            if ok_before and ok_after and (before is not None or after is not None) and len(b.text.strip()) <= 40:
                removed_blocks[bi] = "between lines of site boilerplate"
        for bi in sorted(removed_blocks):
            b = blocks[bi]
            yield Span(b.start, b.end, self.name, removed_blocks[bi])

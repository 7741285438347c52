"""``link_farm``: link lists, their headings, URL lines and navigation menus."""
from __future__ import annotations

import re

import regex

from ..document import Block, Document, Span
from ..registry import register
from .._compiled import fast
from .base import BaseDetector, alternation, candidate_blocks, load_patterns

# A URL or a bare domain.  Bounded repeats keep it linear.
_URL = regex.compile(
    r"(?:https?://|www\.)[^\s<>\"]{1,2000}"
    r"|\b[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,4}"
    r"\.(?:com|net|org|info|biz|io|co|gov|edu|us|uk|de|fr|es|it|nl|eu|au|ca|in|ru|jp|ch|at|be|pl|br)\b"
    r"(?:/[^\s<>\"]{0,2000})?"
)
_TLDS = ("com", "net", "org", "info", "biz", "io", "co", "gov", "edu", "us", "uk", "de", "fr", "es",
         "it", "nl", "eu", "au", "ca", "in", "ru", "jp", "ch", "at", "be", "pl", "br")
_TLD_TRIGGERS = tuple(f".{t}" for t in _TLDS)
# Menu separators: a pipe, bullet, guillemet or slash standing between spaces.
_MENU_SEP = regex.compile(r"\s[|•·»›>/]\s|\s[|•·»›]$|^[|•·»›]\s")
_END_PUNCT = frozenset(".!?:;,\"'”’)")
_END_PUNCT_CHARS = "".join(sorted(_END_PUNCT))
#: a menu item (in a run of navigation lines) has at most this many characters
_MENU_ITEM_CHARS = 30


def _words(s: str) -> int:
    return len(s.split())


@register("link_farm")
class LinkFarm(BaseDetector):
    """Link lists and their headings, "Learn about X at Site.com" runs, URL lines, menus."""

    #: a heading line longer than this needs links on the same line to be removed
    heading_chars = 40
    #: lines after a heading that are short, unpunctuated list items are removed too
    list_item_words = 14
    max_list_items = 20
    #: "at Site.com" references needed in one line
    min_site_refs = 2
    #: a line of URLs: at least this many, covering this share of its words.  Lone URLs
    #: in a sentence or a comment ("see http://...") are content and stay.
    url_min = 3
    url_share = 0.8
    #: navigation menu: this many short lines in a row, before the first or after the
    #: last prose line, containing at least one navigation word
    menu_run = 5
    menu_item_words = 3
    prose_chars = 100

    def __init__(self, enabled: bool = True, **params: object) -> None:
        for k, v in params.items():
            if not hasattr(type(self), k) or k.startswith("_"):
                raise TypeError(f"link_farm: unknown parameter {k!r}")
            setattr(self, k, v)
        ps = load_patterns("link_farm")
        self._heading = regex.compile(r"[^\w\n]{0,4}(?:" + alternation(ps.get("heading")) + r")\b")
        self._action = regex.compile(
            r"[^\w\n]{0,4}(?:" + alternation(ps.get("action")) + r")(?:\W[^\n]{0,60})?"
        )
        self._site_ref = regex.compile(alternation(ps.get("site_ref")))
        self._nav = frozenset(ps.get("nav_word"))
        self._heading_triggers = ps.get("heading_triggers")
        self._action_triggers = ps.get("action_triggers")
        self._menu_triggers = tuple(f" {c} " for c in ps.get("menu_triggers"))
        self._url_triggers = ("http", "www.") + _TLD_TRIGGERS

    # ------------------------------------------------------------------ helpers
    def _url_words(self, text: str) -> tuple[int, float]:
        """(number of URLs, share of the words that are URLs)."""
        n = sum(1 for _ in _URL.finditer(text))
        words = _words(text)
        return n, (n / words if words else 0.0)

    def _may_be_url_line(self, seg: str) -> bool:
        """Cheap bound before the URL regex: every URL match holds a "." or a "://" of
        its own, so a line with fewer of those than ``url_min`` URLs, or than
        ``url_share`` of its words, cannot be a line of URLs."""
        most = seg.count(".") + seg.count("://")
        return most >= self.url_min and most >= self.url_share * _words(seg)

    def _menu_flags(self, blocks: list[Block], pc: int) -> tuple[int, int, bytes]:
        """``(first, last, flags)``: the first and last block of at least ``pc``
        characters (prose), -1 when there is none, and a 1 for each block outside them
        that could be a menu item (short, few words, no end punctuation, no digit).
        ``cleaner._fast.menu_flags`` gives the same, compiled."""
        flags = bytearray(len(blocks))
        first = next((k for k, b in enumerate(blocks) if b.end - b.start >= pc), -1)
        if first < 0:
            return -1, -1, bytes(flags)
        last = next(k for k in range(len(blocks) - 1, first - 1, -1) if blocks[k].end - blocks[k].start >= pc)
        for zone in (range(0, first), range(last + 1, len(blocks))):
            for k in zone:
                t = blocks[k].text.strip()
                flags[k] = (
                    # a line of other spaces only ("\u3000") is a block, but no item
                    0 < len(t) <= _MENU_ITEM_CHARS
                    and _words(t) <= self.menu_item_words
                    and t[-1] not in _END_PUNCT
                    and not any(map(str.isdigit, t))
                )
        return first, last, bytes(flags)

    @staticmethod
    def _is_list_item(b: Block, max_words: int) -> bool:
        t = b.text.strip()
        return bool(t) and t[-1] not in _END_PUNCT and _words(t) <= max_words

    def _line_tests(self, doc: Document, found: dict[int, str]) -> None:
        """Steps 2 to 5 of :meth:`detect`, each a verdict on a line's own text: site
        references, lines of URLs, lone anchors and one-line menus (into ``found``)."""
        low, blocks = doc.lower, doc.blocks
        # 2./3. Lines of "... at Site.com" references, and lines made mostly of URLs.
        for i in candidate_blocks(doc, self._url_triggers):
            if i in found:
                continue
            b = blocks[i]
            seg = low[b.start : b.end]
            n = sum(1 for _ in self._site_ref.finditer(seg))
            if n >= self.min_site_refs and (b.end - b.start) / n <= 120:
                found[i] = f"{n} site references in one line"
                continue
            if not self._may_be_url_line(seg):
                continue
            n, share = self._url_words(seg)
            if n >= self.url_min and share >= self.url_share:
                found[i] = f"{n} URLs make {share:.0%} of the line's words"

        # 4. Lone link anchors: "Read more", "Click here", "Next post".
        anchors = candidate_blocks(doc, self._action_triggers)
        f = fast()
        if f is not None:  # the lines of at most 80 characters, in one compiled call
            anchors = f.short_blocks(doc.blocks, anchors, 80, False)
        for i in anchors:
            b = blocks[i]
            if i not in found and b.end - b.start <= 80 and self._action.fullmatch(low, b.start, b.end):
                found[i] = f"link anchor line {b.text.strip()[:40]!r}"

        # 5. Menus on one line: "Home | News | Sport | Contact", breadcrumbs "Home > World".
        for i in candidate_blocks(doc, self._menu_triggers):
            if i in found:
                continue
            parts = [p.strip() for p in _MENU_SEP.split(blocks[i].text)]
            parts = [p for p in parts if p]
            if len(parts) >= 3 and all(_words(p) <= 4 and p[-1] not in ".!?" for p in parts):
                found[i] = f"menu line of {len(parts)} items"

    # ------------------------------------------------------------------ detect
    def detect(self, doc: Document) -> list[Span]:
        # (a list, not a generator: the pipeline extends its list with it at once)
        text, low, blocks = doc.text, doc.lower, doc.blocks
        if not blocks:
            return []
        found: dict[int, str] = {}

        f = fast()
        # 1. Headings of link lists, and the unpunctuated items right below them.
        heads = candidate_blocks(doc, self._heading_triggers)
        if f is not None and self.min_site_refs > 0 and heads:
            # The lines the loop reads: a heading of at most heading_chars characters
            # (stripped), or a line with a site reference, which holds a URL trigger
            # (every [site_ref] pattern does: tests/test_detectors.py); the rest would
            # be skipped below for their length.  In order, in one compiled call.
            heads = f.short_blocks(blocks, heads, self.heading_chars, True,
                                   candidate_blocks(doc, self._url_triggers))
        for i in heads:
            b = blocks[i]
            if i in found or not self._heading.match(low, b.start, b.end):
                continue
            head = b.text.strip()
            seg = low[b.start : b.end]
            refs = sum(1 for _ in self._site_ref.finditer(seg))
            if len(head) > self.heading_chars and refs < self.min_site_refs:
                continue  # a long line that merely starts like a heading
            j = i + 1
            items: list[int] = []
            while j < len(blocks) and j - i <= self.max_list_items:
                nb = blocks[j]
                # stop at a blank line: the list is one paragraph of lines
                if text.count("\n", blocks[j - 1].end, nb.start) > 1:
                    break
                if not self._is_list_item(nb, self.list_item_words):
                    break
                items.append(j)
                j += 1
            if refs >= self.min_site_refs:
                found[i] = f"link-list heading with {refs} site references"
            elif len(items) >= 2 or i == len(blocks) - 1:
                found[i] = f"link-list heading {head[:40]!r}"
            else:
                # a heading over prose ("More on the economy" + paragraph) is content
                continue
            # one short line under a heading is a sub-heading and its text, not a list
            if len(items) >= 2:
                for j in items:
                    found.setdefault(j, f"item of the list under {head[:30]!r}")

        # Steps 2 to 5 judge a line by its own text alone.  In a later pass of the
        # pipeline over lines that the first pass judged and kept (``lines_judged``),
        # they would find nothing: only steps 1 and 6, which look at the lines around,
        # can.
        if not doc.lines_judged:
            self._line_tests(doc, found)

        # 6. Runs of short navigation lines before the first / after the last prose line.
        # only the first and the last prose line matter: search from both ends
        pc = self.prose_chars
        if f is not None:  # the same flags, one compiled pass (cleaner._fast.menu_flags)
            first, last, flags = f.menu_flags(blocks, pc, _MENU_ITEM_CHARS, self.menu_item_words, _END_PUNCT_CHARS)
        else:
            first, last, flags = self._menu_flags(blocks, pc)
        if first >= 0:
            # a run: consecutive menu-item lines (none lies between first and last)
            for m in re.finditer(b"\x01{%d,}" % max(1, self.menu_run), flags):
                run = range(m.start(), m.end())
                if any(blocks[r].text.strip().lower() in self._nav for r in run):
                    why = f"navigation menu run of {len(run)} lines"
                    for r in run:
                        found.setdefault(r, why)

        sel = sorted(found)
        if f is not None:  # the same Spans, made without a Python call each
            made = f.make_spans(Span, list(range(len(sel))), [blocks[i].start for i in sel],
                                [blocks[i].end for i in sel], self.name, [found[i] for i in sel])
            if made is not None:
                return made
        return [Span(blocks[i].start, blocks[i].end, self.name, found[i]) for i in sel]

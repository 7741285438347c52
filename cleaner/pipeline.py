"""Pipeline: normalise -> detect -> merge -> apply (delete or annotate) -> post-normalise.

The rule for the word-level normalisers that run after detection (the typo fixer):

* **delete mode**: they run on the kept text only (cheaper, and removed boilerplate
  needs no spelling fixes); their edits' offsets point into the kept text *before* the
  post fixer ran.
* **annotate mode**: they run on the text the detectors saw; their edits are reported
  (``Result.edits``, the record's ``edits_field``) but **not applied**, so the spans
  still point at the returned text.

The pre-detection normalisers (whitespace, control characters, NFC) are always applied;
their edits have offsets into the input of the fixer that made them.
"""
from __future__ import annotations

import inspect
import re
from bisect import bisect_left, bisect_right
from operator import attrgetter
from typing import Any, Iterable, Mapping, Sequence

from . import normalisers as N
from .config import PipelineConfig
from ._compiled import fast
from .document import Block, Document, Edit, Result, Span
from .normalisers.unicode import is_normalized, nfc_stable_bits
from .detectors.base import carry_candidates
from .registry import create


_KNOWN_PRE = frozenset(
    {"fix_line_endings", "remove_control_chars", "normalise_unicode", "remove_zero_width",
     "collapse_spaces", "collapse_blank_lines"}
)
#: the PRE fixers, in the order in which ``cleaner._fast.normal_text`` does their work
_FUSED_PRE = ["fix_line_endings", "remove_control_chars", "remove_zero_width", "normalise_unicode", "collapse_spaces",
              "collapse_blank_lines"]
# Every character one of those fixers rewrites: line/paragraph separators and CR,
# C0/C1 controls except \t and \n, zero-width characters, odd horizontal spaces.
_ODD_CHAR = re.compile("[\r\u2028\u2029\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2060\ufeff\t\u00a0\u2000-\u200a\u202f\u205f]")


def _already_normal(text: str, form: str | None) -> bool:
    """True when none of the PRE fixers would change ``text``: a few C-speed scans
    instead of one pass per fixer (most records of a real dump are already tidy)."""
    if not text:
        return True
    return (
        text[-1] == "\n"
        and text[0] not in "\n "
        and text[-2:] != "\n\n"
        and text[-2:] != " \n"
        and "  " not in text
        and " \n" not in text
        and "\n " not in text
        and "\n\n\n" not in text
        and _ODD_CHAR.search(text) is None
        and (not form or is_normalized(form, text))
    )


def _takes_lang(fix: Any) -> bool:
    """True when the fixer has a ``lang`` keyword (the record's declared language)."""
    try:
        return "lang" in inspect.signature(fix).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        return False


class DetectorError(RuntimeError):
    """A detector raised on a document; the runner rejects that record with this reason."""


def _kept_blocks(starts: Sequence[int], pieces: Sequence[tuple[int, int]]) -> list[int]:
    """The blocks (by their ``starts``, sorted) that start inside one of ``pieces``
    (sorted, disjoint ``(start, end)`` ranges), in order: when the pieces are whole
    lines, the blocks of the text the pieces make, as indexes among the first ones.

    >>> _kept_blocks([0, 5, 9, 14], [(0, 5), (9, 20)])
    [0, 2, 3]
    """
    kept: list[int] = []
    for a, b in pieces:
        kept.extend(range(bisect_left(starts, a), bisect_left(starts, b)))
    return kept


def merge_spans(spans: Iterable[Span], length: int | None = None) -> list[Span]:
    """Sort spans, clip them to ``[0, length]`` and unite overlapping ones.

    A merged span's detector is the ``+``-joined names and its reason the ``; ``-joined
    reasons, each once, in order of start.

    >>> merge_spans([Span(5, 9, "b", "y"), Span(0, 6, "a", "x"), Span(20, 25, "a", "z")])
    [Span(start=0, end=9, detector='a+b', reason='x; y'), Span(start=20, end=25, detector='a', reason='z')]
    """
    f = fast()
    if f is not None and length is not None:
        # the same list, one compiled loop (None: an offset that is not a machine int)
        if type(spans) is not list:
            spans = list(spans)
        got = f.merge_spans(spans, length, Span)
        if got is not None:
            return got
    clean: list[Span] = []
    add = clean.append
    if length is None:
        for s in spans:
            if s.end > s.start:
                add(s)
    else:
        for s in spans:
            start, end = s.start, s.end
            if start < 0 or end > length:  # clipped (conditionals: no max()/min() calls)
                a = start if start > 0 else 0
                b = end if end < length else length
                if b > a:
                    add(Span(a, b, s.detector, s.reason))
            elif end > start:
                add(s)
    if not clean:
        return []
    clean.sort(key=_by_start_longest)
    out: list[Span] = []
    cur = clean[0]
    cur_end = cur.end
    dets: list[str] | None = None  # set once ``cur`` absorbs another span
    reasons: list[str] = []
    seen: set[str] | None = None  # ``reasons`` as a set, once it is long (no quadratic ``in``)
    for s in clean[1:]:
        if s.start <= cur_end:
            if dets is None:
                dets, reasons, seen = [cur.detector], [cur.reason], None
            if s.detector not in dets:
                dets.append(s.detector)
            if seen is not None:
                if s.reason not in seen:
                    seen.add(s.reason)
                    reasons.append(s.reason)
            elif s.reason not in reasons:
                reasons.append(s.reason)
                if len(reasons) > _MANY_REASONS:
                    seen = set(reasons)
            if s.end > cur_end:
                cur_end = s.end
        else:
            # a span that absorbed nothing is passed on as it is (no new object)
            out.append(cur if dets is None else Span(cur.start, cur_end, "+".join(dets), "; ".join(reasons)))
            cur, cur_end, dets = s, s.end, None
    out.append(cur if dets is None else Span(cur.start, cur_end, "+".join(dets), "; ".join(reasons)))
    return out


#: a merged span with more reasons than this looks them up in a set (page_furniture
#: reports one reason a line: a run of hundreds of lines is one span)
_MANY_REASONS = 16

#: the detect() sort key, ``(start, end)``, made in C
_START_END = attrgetter("start", "end")


def _by_start_longest(s: Span) -> tuple[int, int]:
    return (s.start, -s.end)


#: delete mode: detection passes at most (see :meth:`Pipeline._fixed_point`)
MAX_PASSES = 4


def kept_pieces(text: str, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of ``text`` that :func:`apply_spans` keeps (before it
    re-tidies whitespace): a span covering whole lines takes its line break with it.

    >>> kept_pieces("keep\\n| |\\nkeep too\\n", [Span(5, 8, "separators", "")])
    [(0, 5), (9, 18)]
    """
    f = fast()
    if f is not None:  # the same pieces, one compiled loop (None: offsets out of range)
        got = f.kept_pieces(text, spans)
        if got is not None:
            return got
    n = len(text)
    pieces: list[tuple[int, int]] = []
    pos = 0
    for s in spans:
        start, end = s.start, s.end
        if (start == 0 or text[start - 1] == "\n") and (end == n or text[end] == "\n"):
            if end < n:
                end += 1
            elif start > 0:
                start -= 1
        if start > pos:
            pieces.append((pos, start))
        pos = max(pos, end)
    if pos < n:
        pieces.append((pos, n))
    return pieces


def _whole_lines(text: str, spans: Sequence[Span]) -> bool:
    """Does every span start at a line start and end at a line end?

    >>> _whole_lines("a\\nbb\\nc", [Span(2, 4, "x", "")]), _whole_lines("a\\nbb\\nc", [Span(3, 4, "x", "")])
    (True, False)
    """
    f = fast()
    if f is not None:  # the same answer, one compiled loop (None: offsets out of range)
        got = f.whole_lines(text, spans)
        if got is not None:
            return got
    n = len(text)
    for s in spans:
        a, b = s.start, s.end
        if not ((a == 0 or text[a - 1] == "\n") and (b == n or text[b] == "\n" or text[b - 1] == "\n")):
            return False
    return True


def apply_spans(text: str, spans: Sequence[Span], spaces_settled: bool = False, kept: str | None = None) -> str:
    """Delete merged ``spans`` from ``text``.  A span that covers whole lines takes its
    line break with it, so no hole is left; the result is re-tidied (spaces, blank lines).

    ``spaces_settled``: the caller knows that ``collapse_spaces`` leaves ``text`` as it
    is (the pipeline's own whitespace fixers made it).  That fixer works line by line,
    so when every span covers whole lines the kept lines need no second look; only
    the blank lines are tidied.

    ``kept``: the pieces of :func:`kept_pieces` joined, when the caller has made them
    already (the pipeline's last pass over the kept text).

    >>> apply_spans("keep\\n| |\\nkeep too\\n", [Span(5, 8, "separators", "")])
    'keep\\nkeep too\\n'
    """
    if not spans:
        return text
    res = kept if kept is not None else "".join(text[a:b] for a, b in kept_pieces(text, spans))
    if spaces_settled and _whole_lines(text, spans):
        return N.collapse_blank_lines(res)
    return N.collapse_blank_lines(N.collapse_spaces(res))


class Pipeline:
    """A configured cleaner.  Build it once; call :meth:`clean` per document.

    >>> p = Pipeline.from_config({"detectors": {"enabled": ["separators"]}})
    >>> p.clean("Text.\\n. | . |\\n").text
    'Text.\\n'
    """

    def __init__(self, config: PipelineConfig | None = None, detectors: Sequence[Any] | None = None) -> None:
        self.config = config or PipelineConfig()
        if detectors is None:
            detectors = [create(spec.name, **spec.kwargs()) for spec in self.config.detectors]
        self.detectors = list(detectors)
        pre: list[Any] = []
        c = self.config
        for name, fixer in N.PRE.items():
            if name in N.GROUPS["control_chars"] and not c.control_chars:
                continue
            if name in N.GROUPS["whitespace"] and not c.whitespace:
                continue
            if name in N.GROUPS["unicode"]:
                if not c.unicode:
                    continue
                form = c.unicode
                pre.append(lambda t, log=None, _f=form: N.normalise_unicode(t, log, form=_f))
                continue
            pre.append(fixer)
        self._pre = pre
        self._post = [N.POST[name] for name in c.post]
        # which post fixers take the record's declared language (``lang=``: the typo fixer)
        self._post_lang = [_takes_lang(fix) for fix in self._post]
        # The fast path of normalise() knows what each of these fixers looks for; a new
        # PRE fixer switches it off until it is taught here.
        self._fast_clean = set(N.PRE) <= _KNOWN_PRE
        # every PRE fixer on, in the order cleaner._fast.normal_text follows, NFC
        self._fused = (list(N.PRE) == _FUSED_PRE and len(pre) == len(N.PRE) and c.unicode == "NFC"
                       and all(N.PRE[name] is getattr(N, name) for name in _FUSED_PRE))
        self._form = c.unicode
        # collapse_blank_lines (whitespace group) ends a text with exactly one newline
        self._ends_lines = bool(c.whitespace)
        # ... and collapse_spaces, the fixer before it, leaves the text as collapse_spaces
        # would (collapse_blank_lines only removes line breaks between blank lines)
        self._spaces_settled = bool(c.whitespace) and list(N.PRE)[-2:] == ["collapse_spaces", "collapse_blank_lines"]

    # ----------------------------------------------------------------- builders
    @classmethod
    def from_config(cls, config: Mapping[str, Any] | PipelineConfig | None = None) -> "Pipeline":
        if not isinstance(config, PipelineConfig):
            config = PipelineConfig.from_dict(config)
        return cls(config)

    @classmethod
    def from_toml(cls, path: str) -> "Pipeline":
        return cls(PipelineConfig.from_toml(path))

    # ----------------------------------------------------------------- running
    def normalise(self, text: str, log: list[Edit] | None = None) -> str:
        if self._fast_clean:
            form = self._form
            f = fast()
            if f is not None and log is None and self._fused:
                # the default chain in one compiled pass (cleaner._fast.normal_text); None
                # when NFC might change the text: then the chain runs, as without it
                got = f.normal_text(text, nfc_stable_bits())
                if got is not None:
                    return got
            if f is not None:
                # _already_normal's answers on text and on text + "\n", from one compiled
                # scan (the normal-form test is is_normalized's: unicodedata's, or a
                # compiled check that the text lies below U+0300, for NFC)
                as_is, with_nl = f.normal_state(text)
                if as_is and (not form or is_normalized(form, text)):
                    return text
                # (text + "\n" is in a normal form when text is: a newline never combines)
                nl_only = (self._ends_lines and with_nl
                           and (not form or is_normalized(form, text)))
            else:
                if _already_normal(text, form):
                    return text  # no PRE fixer would change a character (nor log an edit)
                nl_only = self._ends_lines and text[-1] != "\n" and _already_normal(text + "\n", form)
            if nl_only:
                # Most records of a dump lack only the final newline: then the last fixer,
                # collapse_blank_lines, is the only one that acts, and this is its edit.
                n = len(text)
                if log is not None:
                    log.append(Edit(n, n, "", "\n", "collapse_blank_lines", "final newline"))
                return text + "\n"
        for fix in self._pre:
            text = fix(text, log)
        return text

    def detect(self, doc: Document, detectors: Sequence[Any] | None = None) -> list[Span]:
        """Raw spans of every detector (or of ``detectors``), sorted by start (not merged)."""
        spans: list[Span] = []
        for det in self.detectors if detectors is None else detectors:
            try:
                spans.extend(det.detect(doc))
            except Exception as exc:
                name = getattr(det, "name", type(det).__name__)
                raise DetectorError(f"detector {name} failed: {type(exc).__name__}: {exc}") from exc
        f = fast()
        if f is not None and len(spans) > 1:  # the same order, without a key tuple a span
            got = f.sort_spans(spans)
            if got is not None:
                return got
        spans.sort(key=_START_END)
        return spans

    def _fixed_point(self, first: Document, raw: list[Span],
                     spans: list[Span]) -> tuple[list[Span], list[Span], str | None]:
        """Delete mode: run the detectors again on the kept text until they find nothing
        more (at most ``MAX_PASSES`` passes in all), so that ``clean(clean(x)) ==
        clean(x)``.  Removing a block can expose another: a link-list heading that is
        the last line once the separator under it is gone.  Later findings are mapped
        back to offsets of ``text``, so every span still points into what was cleaned.

        While every span covers whole lines, the kept text is made of lines that every
        detector has already judged, and kept (``Document.lines_judged``), unless the
        first pass lowercased its text character by character (a line could then
        lowercase otherwise alone).  Line-local detectors (``line_local``: the verdict
        on a line depends on that line alone) are then not asked again, and context
        detectors may skip their line-local tests (link_farm's URL, site-reference,
        anchor and one-line menu tests).

        Each later pass reads the kept text in its own language (the first pass's,
        reused when the kept text's language sample is the same string, which the
        language depends on alone).  While every span covers whole lines, the trigger
        hits of the first pass are carried over (``carry_candidates``) rather than
        scanned again, the kept text's blocks are the first text's, moved
        (``cleaner._fast.shifted_blocks``), and each is told its index among them
        (``Document._kept_from``), through which page_furniture sums its first pass's
        per-line word counts."""
        text, meta, memo, lang = first.text, first.meta, first.memo, first._lang
        raw = list(raw)
        kept: str | None = None  # the pieces that ``spans`` keep, joined (None: not made)
        first_sample: str | None = None
        context = [d for d in self.detectors if not getattr(d, "line_local", False)]
        for _ in range(MAX_PASSES - 1):
            whole = _whole_lines(text, spans)
            judged = whole and not first._lower_by_char
            dets = context if judged else self.detectors
            if not dets:
                break
            pieces = kept_pieces(text, spans)
            kept = "".join(text[a:b] for a, b in pieces)
            if not kept.strip():
                break
            # The kept text's own language (unless the record declares one): the one
            # clean(kept) would detect.  Keeping the first pass's made clean(clean(x))
            # differ from clean(x) when removing lines changed the language of the
            # longest lines.  The detectors' memo (Document.memo) is kept.
            doc = Document(kept, meta, _memo=memo, explain=first.explain)
            if lang is not None:
                if first_sample is None:
                    first_sample = first.lang_sample()  # made once, by the first pass's language id
                if doc.lang_sample() == first_sample:  # (kept by doc, should it need its own)
                    doc._lang = lang
            if whole:
                # The kept lines are whole lines of the first text: its blocks that
                # start in the pieces, moved (their lines are the same strings), and
                # their indexes there (cleaner._fast.shifted_blocks); without the
                # compiled module the kept text is read and the indexes looked up.
                f = fast()
                got = f.shifted_blocks(first.blocks, pieces, Block) if f is not None else None
                kept_from: list[int] | None
                if got is not None:
                    doc._blocks, kept_from = got
                else:
                    kept_from = _kept_blocks(first.block_starts(), pieces)
                    if len(kept_from) != len(doc.blocks):
                        kept_from = None
                if kept_from is not None:
                    doc._kept_from = (text, kept_from)
                carry_candidates(first, pieces, doc)
                if judged and first._lower is not None:
                    # whole lines of the first text: their lowercase is the same pieces of
                    # its lowercase (a line lowers alike alone and in any text, see
                    # carry_candidates), joined at memory speed
                    doc._lower = "".join([first._lower[a:b] for a, b in pieces])
            doc.lines_judged = judged
            found = self.detect(doc, dets)
            if not found:
                break
            starts: list[int] = []
            acc = 0
            for a, b in pieces:
                starts.append(acc)
                acc += b - a

            def to_text(x: int) -> int:
                i = bisect_right(starts, x) - 1
                return pieces[i][0] + (x - starts[i])

            mapped = [Span(to_text(s.start), to_text(s.end - 1) + 1, s.detector, s.reason)
                      for s in found if s.end > s.start]
            before = spans
            spans = merge_spans([*spans, *mapped], len(text))
            raw.extend(mapped)
            if spans == before:
                break
            kept = None  # (made for the spans before this pass's)
        return raw, spans, kept

    def clean(
        self,
        document: Document | str,
        mode: str | None = None,
        record_edits: bool = True,
        explain: bool = True,
    ) -> Result:
        """Clean one document and return text, merged spans and edits.

        ``record_edits=False``: the normalisers keep no log (``edits`` is empty).
        ``explain=False``: for a caller that keeps only the text, detectors may give
        their spans the placeholder reason ``document.UNEXPLAINED`` instead of working
        one out; the text and the spans' offsets and detectors are the same."""
        if isinstance(document, str):
            text, meta = document, {}
        else:
            text, meta = document.text, document.meta
        mode = mode or self.config.mode
        edits: list[Edit] | None = [] if record_edits else None
        text = self.normalise(text, edits)
        doc = Document(text, meta, explain=explain)
        raw = self.detect(doc) if text else []
        spans = merge_spans(raw, len(text))
        if mode == "delete":
            if spans:
                raw, spans, kept = self._fixed_point(doc, raw, spans)
                out = apply_spans(text, spans, self._spaces_settled, kept)
            else:
                out = text
        else:
            out = text
        lang = doc.declared_lang if any(self._post_lang) else None
        for fix, takes_lang in zip(self._post, self._post_lang):
            # annotate mode: the fixers' edits are reported, not applied
            fixed = fix(out, edits, lang=lang) if takes_lang and lang else fix(out, edits)
            if mode == "delete":
                out = fixed
        return Result(out, tuple(spans), tuple(edits or ()), text, tuple(raw))

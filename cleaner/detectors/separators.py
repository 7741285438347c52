"""``separators``: lines made only of punctuation, pipes or bullets."""
from __future__ import annotations

import re
from typing import Iterator

import regex

from ..document import Document, Span
from .._compiled import fast
from ..registry import register
from .base import BaseDetector, load_patterns


@register("separators")
class Separators(BaseDetector):
    """Lines of pure punctuation, pipes or bullets (``. | . |``, ``* * *``, ``-----``)."""

    #: shortest separator line, in non-space characters ("|" alone counts)
    min_chars = 1
    #: a line's verdict depends on its own text only (see Pipeline._fixed_point)
    line_local = True

    def __init__(self, min_chars: int = 1, enabled: bool = True) -> None:
        self.min_chars = int(min_chars)
        chars = "".join(load_patterns("separators").get("chars"))
        self._chars = chars
        cls = "[" + regex.escape(chars, special_only=False) + "]"
        # Whole line: optional spaces, then separator chars and spaces only.
        # [ \t]* and the char class are disjoint, so the match is linear.
        self._rx = regex.compile(rf"(?m)^[ \t]*{cls}(?:[ \t]*{cls})*[ \t]*$")
        try:
            self._fast: "re.Pattern[str] | regex.Pattern[str]" = re.compile(self._rx.pattern)
        except re.error:  # a character the stdlib cannot take escaped: stay on regex
            self._fast = self._rx

    def detect(self, doc: Document) -> Iterator[Span]:
        # The stdlib engine runs this whole-text scan 3-4x faster than ``regex`` and
        # matches the same spans: the pattern is a literal character class, [ \t] and
        # multiline anchors, no construct where the engines differ.  It is linear (the
        # class and [ \t] are disjoint, so every line has one parse), which is why it
        # needs no timeout.
        text = doc.text
        f = fast()
        if f is not None:  # the same lines, one compiled scan (cleaner._fast.separator_lines)
            lines = f.separator_lines(text, self._chars)
        else:
            lines = [m.span() for m in self._fast.finditer(text)]
        for a, b in lines:
            seg = text[a:b]
            if len(seg) - seg.count(" ") - seg.count("\t") >= self.min_chars:
                yield Span(a, b, self.name, f"separator line {seg.strip()[:20]!r}")

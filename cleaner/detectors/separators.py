"""``separators``: lines made only of punctuation, pipes or bullets."""
from __future__ import annotations

from typing import Iterator

import regex

from ..document import Document, Span
from ..registry import register
from .base import BaseDetector, load_patterns, safe_finditer


@register("separators")
class Separators(BaseDetector):
    """Lines of pure punctuation, pipes or bullets (``. | . |``, ``* * *``, ``-----``)."""

    #: shortest separator line, in non-space characters ("|" alone counts)
    min_chars = 1

    def __init__(self, min_chars: int = 1, enabled: bool = True) -> None:
        self.min_chars = int(min_chars)
        chars = "".join(load_patterns("separators").get("chars"))
        cls = "[" + regex.escape(chars, special_only=False) + "]"
        # Whole line: optional spaces, then separator chars and spaces only.
        # [ \t]* and the char class are disjoint, so the match is linear.
        self._rx = regex.compile(rf"(?m)^[ \t]*{cls}(?:[ \t]*{cls})*[ \t]*$")

    def detect(self, doc: Document) -> Iterator[Span]:
        for m in safe_finditer(self._rx, doc.text, self.name):
            seg = m.group(0)
            if len(seg) - seg.count(" ") - seg.count("\t") >= self.min_chars:
                yield Span(m.start(), m.end(), self.name, f"separator line {seg.strip()[:20]!r}")

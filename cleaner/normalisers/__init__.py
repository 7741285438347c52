"""Normalisers: ``fix(text, log=None) -> str`` functions, applied in a fixed order.

``PRE`` run before the detectors (the detectors see their output); ``POST`` run after
the spans are applied (see :mod:`cleaner.pipeline` for the rule).
"""
from __future__ import annotations

from typing import Callable

from .typos import fix_typos
from .unicode import normalise_unicode
from .whitespace import (
    collapse_blank_lines,
    collapse_spaces,
    fix_line_endings,
    normalise_whitespace,
    remove_control_chars,
    remove_zero_width,
)

Fixer = Callable[..., str]

#: name -> fixer, in the order the pipeline applies them before detection.
PRE: dict[str, Fixer] = {
    "fix_line_endings": fix_line_endings,
    "remove_control_chars": remove_control_chars,
    # zero-width characters go BEFORE composition: "a\u200b\u0301" only composes to
    # "á" once the ZWSP is gone, and clean() must be idempotent
    "remove_zero_width": remove_zero_width,
    "normalise_unicode": normalise_unicode,
    "collapse_spaces": collapse_spaces,
    "collapse_blank_lines": collapse_blank_lines,
}

#: name -> fixer for the normalisers that run AFTER detection (the word-level ones).
#: In delete mode they run on the kept text; in annotate mode they run on the text the
#: detectors saw and their edits are reported, not applied, so spans stay valid.
#: The typo fixer (``fix_typos``, config key ``normalisers.typos``) plugs in here.
POST: dict[str, Fixer] = {"fix_typos": fix_typos}

#: POST fixers that the default pipeline runs.
POST_DEFAULTS: tuple[str, ...] = ("fix_typos",)

#: Config switches -> the PRE fixers they control.
GROUPS: dict[str, tuple[str, ...]] = {
    "whitespace": ("fix_line_endings", "remove_zero_width", "collapse_spaces", "collapse_blank_lines"),
    "control_chars": ("remove_control_chars",),
    "unicode": ("normalise_unicode",),
}

__all__ = [
    "POST",
    "POST_DEFAULTS",
    "PRE",
    "GROUPS",
    "collapse_blank_lines",
    "collapse_spaces",
    "fix_line_endings",
    "fix_typos",
    "normalise_unicode",
    "normalise_whitespace",
    "remove_control_chars",
    "remove_zero_width",
]

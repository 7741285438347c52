"""Legal boilerplate: ``copyright`` and ``gdpr_notice``.

Both are :class:`~cleaner.detectors.base.KeywordBlockDetector`s; their cues live in
``cleaner/data/copyright.txt`` and ``cleaner/data/gdpr_notice.txt``.
"""
from __future__ import annotations

from ..registry import register
from .base import KeywordBlockDetector


@register("copyright")
class Copyright(KeywordBlockDetector):
    """Copyright and rights notices (``Copyright 1995-2024 ...``, ``©``, "All rights reserved")."""

    patterns_file = "copyright"


@register("gdpr_notice")
class GdprNotice(KeywordBlockDetector):
    """Privacy, cookie and consent notices in en, de, fr, es, it, nl and pt."""

    patterns_file = "gdpr_notice"

"""``publisher_footer``: text about the publisher rather than the story."""
from __future__ import annotations

from ..registry import register
from .base import KeywordBlockDetector


@register("publisher_footer")
class PublisherFooter(KeywordBlockDetector):
    """Publisher statements, newsletter and social calls to action, footer links."""

    patterns_file = "publisher_footer"

"""Built-in detectors.  Importing this package registers them by name.

Default order matters only for how merged spans are labelled; the union removed is
the same in any order.
"""
from __future__ import annotations

from .base import BaseDetector, Detector, KeywordBlockDetector, load_patterns, parse_patterns
from .footer import PublisherFooter
from .furniture import PageFurniture
from .legal import Copyright, GdprNotice
from .linkfarm import LinkFarm
from .separators import Separators
from .site import SiteBoilerplate  # needs a profile: not in the default list

#: detectors the default pipeline runs, in order
DEFAULT_DETECTORS: tuple[str, ...] = (
    "separators",
    "link_farm",
    "copyright",
    "publisher_footer",
    "gdpr_notice",
    "page_furniture",
)

__all__ = [
    "BaseDetector",
    "Copyright",
    "DEFAULT_DETECTORS",
    "Detector",
    "GdprNotice",
    "KeywordBlockDetector",
    "LinkFarm",
    "PageFurniture",
    "PublisherFooter",
    "Separators",
    "SiteBoilerplate",
    "load_patterns",
    "parse_patterns",
]

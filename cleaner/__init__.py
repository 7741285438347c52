"""cleaner: strip boilerplate from text corpora, with every removal explained.

>>> import cleaner
>>> cleaner.clean("The minister spoke on Tuesday.\\n. | . |\\nCopyright 2024 Foo Media. All rights reserved.")
'The minister spoke on Tuesday.\\n'
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

from .config import ConfigError, PipelineConfig
from .document import Block, Document, Edit, Result, Span, blocks
from .normalisers.typos import fix_typos
from .html import clean_html
from .pipeline import Pipeline, apply_spans, merge_spans
from .registry import available, create, register

__version__ = "0.1.0"


@lru_cache(maxsize=1)
def _default() -> Pipeline:
    return Pipeline()


def _pipeline(config: Mapping[str, Any] | PipelineConfig | None) -> Pipeline:
    return _default() if config is None else Pipeline.from_config(config)


def clean(text: str, config: Mapping[str, Any] | PipelineConfig | None = None) -> str:
    """Run the default pipeline (or ``config``) in delete mode and return the kept text."""
    return _pipeline(config).clean(text, mode="delete", record_edits=False, explain=False).text


def explain(text: str, config: Mapping[str, Any] | PipelineConfig | None = None) -> list[Span]:
    """Every span the detectors found, one per detector and finding, sorted by start.

    Offsets are code points of the normalised text (``Pipeline.normalise(text)``), which is
    what the detectors saw.

    >>> [(s.detector, s.reason) for s in explain("Story.\\n|\\n")]
    [('separators', "separator line '|'")]
    """
    return list(_pipeline(config).clean(text, mode="annotate").raw_spans)


__all__ = [
    "Block",
    "ConfigError",
    "Document",
    "Edit",
    "Pipeline",
    "PipelineConfig",
    "Result",
    "Span",
    "apply_spans",
    "available",
    "blocks",
    "clean",
    "clean_html",
    "create",
    "explain",
    "fix_typos",
    "merge_spans",
    "register",
]

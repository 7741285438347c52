"""The one configuration route: TOML -> dict -> frozen :class:`PipelineConfig` -> Pipeline.

The keys (the same in TOML, in a dict and for ``clean --config``)::

    mode = "delete"              # or "annotate"
    text_field = "text"          # the record field that is cleaned
    spans_field = "cleaner_spans"  # annotate mode: where the spans go
    edits_field = "cleaner_edits"  # annotate mode: where word edits (typos) go
    drop_empty = false           # drop records whose text became empty
    html_field = "html"          # HTML mode: clean the page in this field into text_field

    [normalisers]
    whitespace = true            # line endings, zero-width, spaces, blank lines
    control_chars = true         # C0/C1 controls except \\n and \\t
    unicode = "NFC"              # a normal form, or false
    typos = true                 # the typo fixer after detection (when installed)

    [detectors]
    enabled = ["separators", "link_farm", "copyright", "publisher_footer", "gdpr_notice"]

    [detectors.link_farm]        # parameters of one detector
    menu_run = 6

    [detectors.copyright]
    enabled = false              # switch one off

A ``[detectors.NAME]`` table with ``enabled = true`` adds a detector (a plugin, say)
that is not in the ``enabled`` list.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .detectors import DEFAULT_DETECTORS
from .normalisers import GROUPS, POST, POST_DEFAULTS

MODES = ("delete", "annotate")
_TOP = {"mode", "text_field", "spans_field", "edits_field", "drop_empty", "html_field", "normalisers", "detectors"}


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the key."""


def _freeze(v: Any) -> Any:
    if isinstance(v, Mapping):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    return v


def _thaw(v: Any) -> Any:
    if isinstance(v, tuple) and v and all(isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str) for x in v):
        return {k: _thaw(x) for k, x in v}
    if isinstance(v, tuple):
        return [_thaw(x) for x in v]
    return v


@dataclass(frozen=True)
class DetectorSpec:
    name: str
    params: tuple[tuple[str, Any], ...] = ()

    def kwargs(self) -> dict[str, Any]:
        return {k: _thaw(v) for k, v in self.params}


@dataclass(frozen=True)
class PipelineConfig:
    """Frozen, hashable, picklable description of a pipeline."""

    mode: str = "delete"
    text_field: str = "text"
    spans_field: str = "cleaner_spans"
    edits_field: str = "cleaner_edits"
    drop_empty: bool = False
    #: HTML mode (cleaner.html): the field holding raw HTML, or None for text mode
    html_field: str | None = None
    whitespace: bool = True
    control_chars: bool = True
    unicode: str | None = "NFC"
    post: tuple[str, ...] = field(default_factory=lambda: tuple(POST_DEFAULTS))
    detectors: tuple[DetectorSpec, ...] = field(
        default_factory=lambda: tuple(DetectorSpec(n) for n in DEFAULT_DETECTORS)
    )

    # ------------------------------------------------------------------ route
    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> "PipelineConfig":
        d = dict(d or {})
        unknown = set(d) - _TOP
        if unknown:
            raise ConfigError(f"unknown config key(s): {', '.join(sorted(unknown))}")
        mode = d.get("mode", "delete")
        if mode not in MODES:
            raise ConfigError(f"mode must be one of {MODES}, not {mode!r}")
        norm = dict(d.get("normalisers", {}))
        known_norm = set(GROUPS) | {"typos"} | set(POST)
        bad = set(norm) - known_norm
        if bad:
            raise ConfigError(f"unknown normaliser(s): {', '.join(sorted(bad))}")
        uni = norm.get("unicode", "NFC")
        if uni is True:
            uni = "NFC"
        if uni not in (False, None, "NFC", "NFKC", "NFD", "NFKD"):
            raise ConfigError(f"normalisers.unicode must be a normal form or false, not {uni!r}")
        post = [n for n in POST_DEFAULTS]
        for name in POST:
            key = "typos" if name == "fix_typos" else name
            if key in norm:
                if norm[key] and name not in post:
                    post.append(name)
                elif not norm[key] and name in post:
                    post.remove(name)
        if norm.get("typos") and "fix_typos" not in POST:
            raise ConfigError("normalisers.typos: the typo fixer is not available in this build")

        det = dict(d.get("detectors", {}))
        order = det.pop("enabled", None)
        if order is not None and (
            not isinstance(order, (list, tuple)) or not all(isinstance(n, str) for n in order)
        ):
            raise ConfigError("detectors.enabled must be a list of detector names")
        names: list[str] = list(DEFAULT_DETECTORS if order is None else order)
        specs: dict[str, dict[str, Any]] = {n: {} for n in names}
        for name, table in det.items():
            if not isinstance(table, Mapping):
                raise ConfigError(f"detectors.{name} must be a table")
            table = dict(table)
            on = table.pop("enabled", None)
            if on is False:
                specs.pop(name, None)
                continue
            if on is True or name in specs:
                specs.setdefault(name, {}).update(table)
            elif table:
                # parameters for a detector that is not enabled: keep them, inert
                continue
        return cls(
            mode=mode,
            text_field=str(d.get("text_field", "text")),
            spans_field=str(d.get("spans_field", "cleaner_spans")),
            edits_field=str(d.get("edits_field", "cleaner_edits")),
            drop_empty=bool(d.get("drop_empty", False)),
            html_field=str(d["html_field"]) if d.get("html_field") else None,
            whitespace=bool(norm.get("whitespace", True)),
            control_chars=bool(norm.get("control_chars", True)),
            unicode=uni or None,
            post=tuple(post),
            detectors=tuple(DetectorSpec(n, _freeze(p)) for n, p in specs.items()),
        )

    @classmethod
    def from_toml(cls, path: str) -> "PipelineConfig":
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except OSError as exc:
            raise ConfigError(f"{path}: {exc.strerror or exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """The dict that :meth:`from_dict` turns back into this config (for workers)."""
        det: dict[str, Any] = {"enabled": [s.name for s in self.detectors]}
        for s in self.detectors:
            if s.params:
                det[s.name] = s.kwargs()
        norm: dict[str, Any] = {
            "whitespace": self.whitespace,
            "control_chars": self.control_chars,
            "unicode": self.unicode or False,
        }
        for name in POST:
            norm["typos" if name == "fix_typos" else name] = name in self.post
        return {
            "mode": self.mode,
            "text_field": self.text_field,
            "spans_field": self.spans_field,
            "edits_field": self.edits_field,
            "drop_empty": self.drop_empty,
            "html_field": self.html_field,
            "normalisers": norm,
            "detectors": det,
        }

    def replace(self, **changes: Any) -> "PipelineConfig":
        from dataclasses import replace

        return replace(self, **changes)

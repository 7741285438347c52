"""Detector registry: built-ins by name, third-party ones via the ``cleaner.detectors``
entry-point group.

A plugin that fails to import is recorded in :func:`plugin_errors` and reported by the
CLI; it never breaks a run that does not ask for it.
"""
from __future__ import annotations

import logging
from importlib import metadata
from typing import Any, Callable

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "cleaner.detectors"

_REGISTRY: dict[str, Callable[..., Any]] = {}
_PLUGIN_ERRORS: dict[str, str] = {}
_plugins_loaded = False
_builtins_loaded = False


def register(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Class decorator: make a detector available under ``name``."""

    def deco(cls: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = cls
        try:
            cls.name = name  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            pass
        return cls

    return deco


def _load_builtins() -> None:
    global _builtins_loaded
    if not _builtins_loaded:
        _builtins_loaded = True
        from . import detectors  # noqa: F401  (registers on import)


def load_plugins(force: bool = False) -> dict[str, str]:
    """Load third-party detectors from the entry-point group; return the errors."""
    global _plugins_loaded
    if _plugins_loaded and not force:
        return dict(_PLUGIN_ERRORS)
    _plugins_loaded = True
    try:
        eps = metadata.entry_points(group=ENTRY_POINT_GROUP)
    except Exception as exc:  # pragma: no cover - broken metadata
        _PLUGIN_ERRORS["<entry points>"] = f"{type(exc).__name__}: {exc}"
        return dict(_PLUGIN_ERRORS)
    for ep in eps:
        if ep.name in _REGISTRY and not force:
            continue
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin is reported, never raised
            _PLUGIN_ERRORS[ep.name] = f"{type(exc).__name__}: {exc}"
            log.warning("cleaner: detector plugin %r failed to load: %s", ep.name, exc)
            continue
        _REGISTRY[ep.name] = obj
        try:
            if not getattr(obj, "name", None):
                obj.name = ep.name
        except (AttributeError, TypeError):
            pass
        _PLUGIN_ERRORS.pop(ep.name, None)
    return dict(_PLUGIN_ERRORS)


def plugin_errors() -> dict[str, str]:
    """Plugins that failed to load: ``{entry point name: error}``."""
    load_plugins()
    return dict(_PLUGIN_ERRORS)


def available() -> dict[str, Callable[..., Any]]:
    """All registered detector factories, built-ins first."""
    _load_builtins()
    load_plugins()
    return dict(_REGISTRY)


def create(name: str, **params: Any) -> Any:
    """Instantiate the detector registered as ``name`` with ``params``."""
    _load_builtins()
    if name not in _REGISTRY:
        load_plugins()
    if name not in _REGISTRY:
        if name in _PLUGIN_ERRORS:
            raise KeyError(f"detector {name!r} failed to load: {_PLUGIN_ERRORS[name]}")
        raise KeyError(f"unknown detector {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](**params)


def describe(name: str) -> str:
    """First line of a detector's docstring."""
    obj = available()[name]
    doc = (getattr(obj, "__doc__", None) or "").strip()
    return doc.splitlines()[0] if doc else ""

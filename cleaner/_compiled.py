"""The one switch for cleaner's compiled hot loops (``cleaner/_fast.pyx``).

:func:`fast` returns the ``cleaner._fast`` module when it is built and switched on, else
None; every caller then runs its Python (or numpy) path, which gives the same results
(``tests/test_fast.py`` compares the two).  ``CLEANER_NO_COMPILED=1`` in the environment
switches the compiled loops off for a run; the tests flip :data:`ENABLED`.
"""
from __future__ import annotations

import os
from types import ModuleType

try:  # built by setup.py when Cython and a C compiler are there
    from . import _fast as MODULE
except ImportError:  # pragma: no cover - an install without the extension
    MODULE = None

#: False: every caller takes its Python path (the same results, slower)
ENABLED: bool = os.environ.get("CLEANER_NO_COMPILED", "") not in ("1", "true", "yes")


def fast() -> ModuleType | None:
    """``cleaner._fast`` when it is built and :data:`ENABLED`, else None."""
    return MODULE if ENABLED else None

"""Shared helper: regex substitution that can also log each change as an :class:`Edit`."""
from __future__ import annotations

from typing import Callable

import regex

from ..document import Edit

Repl = Callable[["regex.Match[str]"], str]


def sub_logged(
    rx: "regex.Pattern[str]",
    repl: Repl,
    text: str,
    log: list[Edit] | None,
    name: str,
    reason: str,
) -> str:
    """``rx.sub(repl, text)``; when ``log`` is a list, append one Edit per real change.

    Edit offsets count code points of ``text`` (the input of this fixer).
    """
    if log is None:
        return rx.sub(repl, text)
    out: list[str] = []
    pos = 0
    for m in rx.finditer(text):
        new = repl(m)
        old = m.group(0)
        if new == old:
            continue
        out.append(text[pos : m.start()])
        out.append(new)
        pos = m.end()
        log.append(Edit(m.start(), m.end(), old, new, name, reason))
    if pos == 0 and not out:
        return text
    out.append(text[pos:])
    return "".join(out)

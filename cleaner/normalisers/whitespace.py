"""Whitespace and control-character fixers.

Each fixer is ``fix(text, log=None) -> str``: pass a list as ``log`` to receive one
:class:`~cleaner.document.Edit` per change, with offsets into the fixer's input.
:func:`normalise_whitespace` chains the whitespace fixers in their fixed order.
"""
from __future__ import annotations

import regex

from .._compiled import fast
from ..document import Edit
from ._log import sub_logged


def _lut(*ranges: tuple[int, int]) -> bytes:
    """A lookup table for ``_fast.has_any``: 1 at every code point of the (inclusive)
    ``ranges``, up to the last one."""
    out = bytearray(max(b for _a, b in ranges) + 1)
    for a, b in ranges:
        out[a : b + 1] = b"\x01" * (b - a + 1)
    return bytes(out)

# CRLF and lone CR (old Mac) become LF; U+2028/U+2029 are line/paragraph separators
# that JSON producers emit but most consumers split on "\n" only.
_LINE_ENDINGS = regex.compile(r"\r\n?|[\u2028\u2029]")

# Zero-width space, word joiner and BOM carry no text.  ZWJ/ZWNJ (U+200C/U+200D) are
# NOT here: they change how Persian, Indic scripts and emoji sequences render.
_ZERO_WIDTH = regex.compile(r"[\u200b\u2060\ufeff]+")
_ZERO_WIDTH_LUT = _lut((0x200B, 0x200B), (0x2060, 0x2060), (0xFEFF, 0xFEFF))  # the same class

# Horizontal spaces other than the ASCII space: tab, NBSP, the U+2000 block, narrow NBSP,
# medium mathematical space.  U+3000 (ideographic space) is kept: it is CJK layout.
_H = r"[ \t\u00a0\u2000-\u200a\u202f\u205f]"
_SPACES = regex.compile(
    rf"{_H}{{2,}}"                      # a run of two or more: collapse to one space
    r"|[\t\u00a0\u2000-\u200a\u202f\u205f]"  # a single odd space: make it a plain space
    r"|(?m:^ )"                         # a single space at the start of a line: strip
    r"| (?=\n|\Z)"                      # a single space at the end of a line: strip
)

_BLANK_RUNS = regex.compile(r"\n{3,}")

# C0 controls except \t and \n, DEL, and C1 controls.  \r is handled by
# fix_line_endings, which runs first.
_CONTROL = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]+")
_CONTROL_LUT = _lut((0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F))  # the same class


def fix_line_endings(text: str, log: list[Edit] | None = None) -> str:
    r"""Turn CRLF, CR and Unicode line separators into ``\n``.

    >>> fix_line_endings("a\r\nb\rc\u2028d")
    'a\nb\nc\nd'
    """
    if "\r" not in text and "\u2028" not in text and "\u2029" not in text:
        return text
    return sub_logged(_LINE_ENDINGS, lambda m: "\n", text, log, "fix_line_endings", "line ending")


def remove_zero_width(text: str, log: list[Edit] | None = None) -> str:
    """Drop zero-width spaces, word joiners and byte-order marks.

    >>> remove_zero_width("co\\u200bop\\ufeff")
    'coop'
    >>> remove_zero_width("\\u200d")  # ZWJ is kept
    '\\u200d'
    """
    f = fast()
    if not (f.has_any(text, _ZERO_WIDTH_LUT) if f is not None else _ZERO_WIDTH.search(text)):
        return text
    return sub_logged(_ZERO_WIDTH, lambda m: "", text, log, "remove_zero_width", "zero-width character")


def _space_repl(m: "regex.Match[str]") -> str:
    s, e, t = m.start(), m.end(), m.string
    if s == 0 or t[s - 1] == "\n" or e == len(t) or t[e] == "\n":
        return ""
    return " "


# Fast check: is there anything for collapse_spaces to do?  (stdlib-speed scans)
_ODD_SPACE = regex.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f]")


def _needs_spaces(text: str) -> bool:
    return (
        "  " in text
        or " \n" in text
        or "\n " in text
        or text[:1] == " "
        or text[-1:] == " "
        or _ODD_SPACE.search(text) is not None
    )


# The same result without a Python call per match (when no edit log is wanted): strip
# every line's edge runs of horizontal space (str.strip, C speed), then make every
# other run of two or more, or a single odd space, one space.  Stripping cannot join two
# runs, so the second pass sees exactly the inner runs.
_H_CHARS = " \t\u00a0" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u202f\u205f"
_INNER_RUNS = regex.compile(rf"{_H}{{2,}}|[\t\u00a0\u2000-\u200a\u202f\u205f]")


def collapse_spaces(text: str, log: list[Edit] | None = None) -> str:
    """Collapse runs of spaces, tabs and NBSPs to one space; strip them at line ends.

    >>> collapse_spaces("  a \\t b\\u00a0c  \\nd ")
    'a b c\\nd'
    """
    f = fast()
    if log is None and f is not None:
        return f.collapse_spaces(text)  # the same result in one compiled pass
    if not _needs_spaces(text):
        return text
    if log is None:
        return _INNER_RUNS.sub(" ", "\n".join([line.strip(_H_CHARS) for line in text.split("\n")]))
    return sub_logged(_SPACES, _space_repl, text, log, "collapse_spaces", "horizontal whitespace")


def collapse_blank_lines(text: str, log: list[Edit] | None = None) -> str:
    """Collapse runs of blank lines to one; trim blank lines at both ends and end a
    non-empty text with exactly one newline.

    >>> collapse_blank_lines("\\n\\na\\n\\n\\n\\nb")
    'a\\n\\nb\\n'
    >>> collapse_blank_lines("")
    ''
    """
    if "\n\n\n" in text:
        out = sub_logged(_BLANK_RUNS, lambda m: "\n\n", text, log, "collapse_blank_lines", "blank lines")
    else:
        out = text
    if out[:1] != "\n" and out[-1:] == "\n" and out[-2:] != "\n\n":
        return out
    # Leading newlines: offsets of `out` equal offsets of `text` up to the first change
    # made above, and leading newlines come before any such change.
    lead = len(out) - len(out.lstrip("\n"))
    if lead:
        if log is not None:
            log.append(Edit(0, lead, out[:lead], "", "collapse_blank_lines", "leading blank lines"))
        out = out[lead:]
    if not out:
        return out
    core = out.rstrip("\n")
    if out != core + "\n":
        if log is not None:
            # Offsets at the end are relative to the input text, whose tail equals out's tail.
            tail = len(out) - len(core)
            end = len(text)
            log.append(Edit(end - tail, end, "\n" * tail, "\n", "collapse_blank_lines", "final newline"))
        out = core + "\n"
    return out


def remove_control_chars(text: str, log: list[Edit] | None = None) -> str:
    r"""Remove C0/C1 control characters and DEL, keeping ``\n`` and ``\t``.

    >>> remove_control_chars("a\x00b\x1bc\td\n")
    'abc\td\n'
    """
    f = fast()
    if not (f.has_any(text, _CONTROL_LUT) if f is not None else _CONTROL.search(text)):
        return text
    return sub_logged(_CONTROL, lambda m: "", text, log, "remove_control_chars", "control character")


def normalise_whitespace(text: str, log: list[Edit] | None = None) -> str:
    """All whitespace fixers in order: line endings, zero-width, spaces, blank lines.

    When logging, each edit's offsets refer to the input of the fixer that made it;
    the fixers run in the order above, so the log can be replayed.

    >>> normalise_whitespace("Hello\\u00a0 world \\r\\n\\r\\n\\r\\n\\r\\nBye\\u200b")
    'Hello world\\n\\nBye\\n'
    """
    text = fix_line_endings(text, log)
    text = remove_zero_width(text, log)
    text = collapse_spaces(text, log)
    return collapse_blank_lines(text, log)

"""``clean explain INPUT [--id ID | --sample N]``: show, in the terminal, what the
cleaner removes from some documents and why.

Each removed span is struck through (red, on a terminal) and followed by its label,
``{detector: reason}``; each typo fix is shown inline as ``before→after``.  When the
output is not a terminal (or with ``--no-color``, or ``NO_COLOR`` set) there is no
colour: a removed span reads ``[-text-]{detector: reason}``.

The documents are cleaned in annotate mode, so spans and typo edits both point into the
text the detectors saw.  Dump text is hostile: control characters (an escape sequence
could rewrite the terminal) are shown as ``\\xNN``, never sent as they are.
"""
from __future__ import annotations

import os
import random
import sys
from typing import Any, Iterable, Iterator, Sequence

import click
import orjson

from .document import Edit, Result, Span

# ANSI styles
_STRIKE = "\x1b[9;31m"  # struck through, red
_LABEL = "\x1b[2;36m"  # dim cyan
_OLD = "\x1b[9;33m"  # struck through, yellow
_NEW = "\x1b[1;32m"  # bold green
_HEAD = "\x1b[1m"
_RESET = "\x1b[0m"

_CONTROL = {c: f"\\x{c:02x}" for c in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)) if c not in (0x09, 0x0A)}


def safe(text: str) -> str:
    r"""``text`` with control characters (but tab and newline) made visible.

    >>> safe("a\x1b[2Jb\tc\n")
    'a\\x1b[2Jb\tc\n'
    """
    return text.translate(_CONTROL)


def render(text: str, spans: Sequence[Span], edits: Iterable[Edit] = (), color: bool = False) -> str:
    """``text`` with the merged ``spans`` marked and labelled, and the word ``edits``
    (offsets into ``text``, outside the spans) shown as ``before→after``.

    >>> t = "Good text. Teh end.\\n| |\\n"
    >>> print(render(t, [Span(20, 23, "separators", "separator line")],
    ...              [Edit(11, 14, "Teh", "The", "fix_typos", "swap")]), end="")
    Good text. Teh→The end.
    [-| |-]{separators: separator line}
    """
    spans = sorted(spans, key=lambda s: (s.start, s.end))
    # edits that fall wholly outside every span (edits inside removed text do not matter)
    keep: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if not any(e.start < s.end and s.start < max(e.end, e.start + 1) for s in spans):
            keep.append(e)
    marks: list[tuple[int, int, int, Any]] = [(s.start, s.end, 0, s) for s in spans]
    marks += [(e.start, e.end, 1, e) for e in keep]
    marks.sort(key=lambda m: (m[0], m[1]))
    out: list[str] = []
    pos = 0
    for start, end, kind, item in marks:
        if start < pos:
            continue
        out.append(safe(text[pos:start]))
        if kind == 0:
            body = safe(text[start:end])
            label = f"{{{safe(item.detector)}: {safe(item.reason)}}}"
            if color:
                # restart the style after each newline so pagers keep it per line
                body = body.replace("\n", f"{_RESET}\n{_STRIKE}")
                out.append(f"{_STRIKE}{body}{_RESET}{_LABEL}{label}{_RESET}")
            else:
                out.append(f"[-{body}-]{label}")
        else:
            before, after = safe(item.before), safe(item.after)
            if color:
                out.append(f"{_OLD}{before}{_RESET}→{_NEW}{after}{_RESET}")
            else:
                out.append(f"{before}→{after}")
        pos = end
    out.append(safe(text[pos:]))
    return "".join(out)


def header(rec: dict[str, Any], res: Result, lineno: int, source: str, color: bool = False) -> str:
    n = len(res.source)
    removed = sum(len(s) for s in res.spans)
    rid = rec.get("id")
    name = f"{safe(str(rid))}" if rid is not None else f"{safe(source)}:{lineno}"
    bits = [name]
    if isinstance(rec.get("url"), str):
        bits.append(safe(rec["url"]))
    share = f"{100.0 * removed / n:.1f}%" if n else "0%"
    bits.append(f"{n:,} chars, {removed:,} removed ({share}), {len(res.spans)} spans")
    line = "── " + " · ".join(bits) + " ──"
    return f"{_HEAD}{line}{_RESET}" if color else line


def summary(res: Result, edits: Sequence[Edit]) -> str:
    per: dict[str, int] = {}
    for name, n in res.removed_chars().items():
        per[name] = per.get(name, 0) + n
    parts = [f"{safe(k)} {v:,}" for k, v in sorted(per.items(), key=lambda kv: -kv[1])]
    s = "removed: " + (", ".join(parts) if parts else "nothing")
    if edits:
        s += f"; {len(edits)} typo fix{'es' if len(edits) != 1 else ''}"
    return s


def _records(path: str, text_field: str) -> Iterator[tuple[int, dict[str, Any]]]:
    from .io import OversizeLine, iter_lines
    from .runner import MAX_RECORD_BYTES

    for n, raw in enumerate(iter_lines(path, MAX_RECORD_BYTES), 1):
        if isinstance(raw, OversizeLine) or not raw.strip():
            continue
        try:
            rec = orjson.loads(raw)
        except orjson.JSONDecodeError:
            click.echo(f"clean explain: {path}: line {n}: invalid JSON, skipped", err=True)
            continue
        if isinstance(rec, dict) and isinstance(rec.get(text_field), str):
            yield n, rec
        else:
            click.echo(f"clean explain: {path}: line {n}: no string field {text_field!r}, skipped", err=True)


def select(records: Iterable[tuple[int, dict[str, Any]]], ids: Sequence[str] = (), sample: int | None = None,
           seed: int = 0) -> list[tuple[int, dict[str, Any]]]:
    """The records to explain, in input order: those whose ``id`` is in ``ids``; else a
    uniform random sample of ``sample`` (reservoir sampling, seeded: memory holds
    ``sample`` records); else all of them.

    >>> recs = [(i, {"id": i}) for i in range(1, 101)]
    >>> [n for n, _ in select(recs, ids=["7", "42"])]
    [7, 42]
    >>> len(select(recs, sample=5)), select(recs, sample=5) == select(recs, sample=5)
    (5, True)
    """
    if ids:
        want = set(ids)
        found = []
        for n, rec in records:
            if str(rec.get("id")) in want:
                found.append((n, rec))
                want.discard(str(rec.get("id")))
                if not want:
                    break
        return found
    if sample is None:
        return list(records)
    rng = random.Random(seed)
    res: list[tuple[int, dict[str, Any]]] = []
    for i, item in enumerate(records):
        if i < sample:
            res.append(item)
        else:
            j = rng.randrange(i + 1)
            if j < sample:
                res[j] = item
    return sorted(res, key=lambda x: x[0])


def explain_record(pipe: Any, rec: dict[str, Any], text_field: str, lineno: int, source: str,
                   color: bool) -> str:
    """The explanation of one record: header, marked text, summary."""
    from .document import Document

    res = pipe.clean(Document(rec[text_field], rec), mode="annotate", record_edits=True)
    post = set(pipe.config.post)
    edits = [e for e in res.edits if e.normaliser in post]
    body = render(res.source, res.spans, edits, color)
    return "\n".join([header(rec, res, lineno, source, color), body.rstrip("\n"), summary(res, edits), ""])


@click.command("explain")
@click.argument("input_path", metavar="INPUT")
@click.option("--id", "ids", multiple=True, help="Explain the record with this id (repeatable).")
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Explain N records picked at random.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --sample.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="TOML configuration file.")
@click.option("--text-field", default=None, help="Field holding the text (default: text).")
@click.option("--disable", multiple=True, help="Switch a detector off (repeatable).")
@click.option("--enable", multiple=True, help="Switch a registered detector on (repeatable).")
@click.option("--no-typos", is_flag=True, default=False, help="Switch the typo fixer off.")
@click.option("--color/--no-color", default=None, help="Colour (default: when stdout is a terminal and NO_COLOR is unset).")
def explain_cmd(input_path: str, ids: tuple[str, ...], sample: int | None, seed: int, config_file: str | None,
                text_field: str | None, disable: tuple[str, ...], enable: tuple[str, ...], no_typos: bool,
                color: bool | None) -> None:
    """Show what is removed from documents of INPUT and why (all of them by default)."""
    from . import registry
    from .cli import _fail, build_config, switch_detectors
    from .config import ConfigError
    from .io import InputError
    from .pipeline import Pipeline

    if ids and sample:
        _fail("--id and --sample exclude each other")
        return
    try:
        cfg = build_config(config_file, {"text_field": text_field, "normalisers.typos": False if no_typos else None})
        cfg = switch_detectors(cfg, disable, enable)
        for spec in cfg.detectors:
            registry.create(spec.name, **spec.kwargs())
    except (ConfigError, KeyError, TypeError) as exc:
        _fail(str(exc).strip('"'))
        return
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    pipe = Pipeline(cfg)
    try:
        chosen = select(_records(input_path, cfg.text_field), ids, sample, seed)
    except InputError as exc:
        _fail(str(exc), 1)
        return
    if ids:
        missing = sorted(set(ids) - {str(r.get("id")) for _, r in chosen})
        for m in missing:
            click.echo(f"clean explain: no record with id {safe(m)!r} in {input_path}", err=True)
    for n, rec in chosen:
        click.echo(explain_record(pipe, rec, cfg.text_field, n, input_path, color), color=color)
    if ids and len(chosen) < len(set(ids)):
        sys.exit(1)

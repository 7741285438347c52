"""The learning pass: stream dumps, count each site's repeated lines, write a profile.

``clean learn INPUT... -o PROFILE`` runs it alone; ``clean INPUT... -o OUT --learn`` runs
it first and then cleans with what it learned.  Workers parse, normalise and hash the
records (the same pre-normalisers as the cleaning pass, so the lines match) and send
back distinct keys with counts; the main process adds them into the bounded tables of
:class:`cleaner.profile.Learner`, in input order.
"""
from __future__ import annotations

import atexit
import json
import os
import sys
import tempfile
import time
from typing import Any

import click
import orjson

from .config import ConfigError, PipelineConfig
from .document import blocks
from .io import InputError
from .parallel import ordered_map
from .pipeline import Pipeline
from .profile import (
    BatchCounts,
    Learner,
    Profile,
    ProfileError,
    count_docs,
    line_hash,
    load_profile,
    normalise_line,
    parse_size,
    site_of,
)
from .runner import BATCH_BYTES, Batch, default_workers, make_batches

DEFAULT_MEMORY = "512M"

_STATE: tuple[Pipeline, str, str | None] | None = None


def init_learn_worker(config: dict[str, Any], site_field: str | None) -> None:
    """Build the normalisers once per process from the plain config dict."""
    global _STATE
    cfg = PipelineConfig.from_dict(config)
    _STATE = (Pipeline(cfg, detectors=[]), cfg.text_field, site_field)


def doc_hashes(pipe: Pipeline, text: str) -> list[int]:
    """Hashes of the counted lines of ``text``, as the detector will see them."""
    out = []
    for b in blocks(pipe.normalise(text)):
        nm = normalise_line(b.text)
        if nm:
            out.append(line_hash(nm))
    return out


def _parse(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:  # big integers, lone surrogates: the stdlib takes them
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise ValueError("invalid JSON") from None


def learn_batch(batch: Batch) -> BatchCounts:
    """Count one batch of raw lines (records that cannot be read are skipped: the
    cleaning pass reports them)."""
    assert _STATE is not None, "init_learn_worker() was not called"
    pipe, field_, site_field = _STATE
    docs = []
    bad = 0
    for raw in batch.lines:
        if not raw.strip():
            bad += 1
            continue
        try:
            rec = _parse(raw)
        except ValueError:
            bad += 1
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get(field_), str):
            bad += 1
            continue
        try:
            hashes = doc_hashes(pipe, rec[field_])
        except UnicodeEncodeError:
            bad += 1
            continue
        docs.append((site_of(rec, site_field), hashes))
    res = count_docs(docs)
    res.rejected = bad
    return res


def learn(
    inputs: list[str],
    config: PipelineConfig | None = None,
    memory: int | str = DEFAULT_MEMORY,
    site_field: str | None = None,
    workers: int = 1,
    batch_bytes: int = BATCH_BYTES,
    progress: bool = False,
) -> tuple[Profile, dict[str, Any]]:
    """Learn a profile from ``inputs``; returns it with a summary of the run."""
    cap = parse_size(memory) if isinstance(memory, str) else int(memory)
    cfg = (config or PipelineConfig()).to_dict()
    learner = Learner(cap, site_field=site_field)
    t0 = time.monotonic()
    last = 0.0
    skipped = 0
    for part in ordered_map(
        learn_batch,
        make_batches(inputs, batch_bytes),
        workers=workers,
        initializer=init_learn_worker,
        initargs=(cfg, site_field),
    ):
        learner.add_batch(part)
        skipped += part.rejected
        if progress and time.monotonic() - last > 0.5:
            last = time.monotonic()
            rate = learner.docs / max(1e-9, last - t0)
            sys.stderr.write(f"\rclean learn: {learner.docs:,} records, {rate:,.0f}/s ")
            sys.stderr.flush()
    if progress:
        sys.stderr.write("\n")
    prof = learner.profile(consume=True)
    summary = {
        "records": learner.docs,
        "skipped": skipped,
        "sites": int(prof.site32.size),
        "keys": int(prof.keys.size),
        "cap_bytes": learner.sizing.cap,
        "seconds": round(time.monotonic() - t0, 3),
    }
    return prof, summary


@click.command("learn")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, help="Where the profile goes.")
@click.option("--site-field", default=None, help="Record field naming the site (default: registrable domain of `url`).")
@click.option("--learn-memory", "memory", default=DEFAULT_MEMORY, show_default=True, help="Memory cap of the learner's tables.")
@click.option("--merge", "merge_with", multiple=True, help="Add an existing profile (repeatable): a distributed run's parts.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="TOML configuration (text field, normalisers).")
@click.option("--text-field", default=None, help="Field holding the text (default: text).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: CPU count).")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when stderr is a terminal).")
def learn_cmd(
    inputs: tuple[str, ...],
    output: str,
    site_field: str | None,
    memory: str,
    merge_with: tuple[str, ...],
    config_file: str | None,
    text_field: str | None,
    workers: int | None,
    progress: bool | None,
) -> None:
    """Learn each site's repeated lines from INPUT... into the profile OUTPUT.

    Use it with `clean INPUT -o OUT --profile OUTPUT`.  With --merge, the given profiles
    are added in (INPUT may then be an empty file, `/dev/null`)."""
    from .cli import build_config

    def fail(msg: str, code: int = 2) -> None:
        click.echo(f"clean learn: error: {msg}", err=True)
        sys.exit(code)

    try:
        cfg = build_config(config_file, {"text_field": text_field})
        parse_size(memory)
    except (ConfigError, ValueError) as exc:
        fail(str(exc))
        return
    n = workers if workers and workers > 0 else default_workers()
    show = sys.stderr.isatty() if progress is None else progress
    try:
        prof, summary = learn(list(inputs), cfg, memory, site_field, workers=n, progress=show)
        for path in merge_with:
            prof = prof.merge(Profile.load(path))
        prof.save(output)
    except (InputError, ProfileError) as exc:
        fail(str(exc), 1)
        return
    except OSError as exc:
        fail(f"{output}: {exc.strerror or exc}", 1)
        return
    except KeyboardInterrupt:
        click.echo("clean learn: interrupted; no profile was written", err=True)
        sys.exit(130)
    click.echo(
        f"clean learn: {summary['records']:,} records, {summary['sites']:,} sites, {int(prof.keys.size):,} keys"
        f" in {summary['seconds']:.1f}s -> {output}",
        err=True,
    )


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def prepare_profile(
    inputs: list[str],
    config: PipelineConfig,
    learn_first: bool,
    profile: str | None,
    site_field: str | None,
    memory: str = DEFAULT_MEMORY,
    workers: int = 1,
    progress: bool = False,
) -> tuple[PipelineConfig, str | None]:
    """For ``clean --learn`` / ``--profile``: learn into a temporary profile when asked,
    and return the config with ``site_boilerplate`` reading that profile (the workers
    build the detector from the plain config dict and load the file once), plus the
    temporary file to delete after the run (or None)."""
    if learn_first and profile:
        raise ConfigError("give --learn or --profile, not both")
    if site_field is not None and not (learn_first or profile):
        raise ConfigError("--site-field needs --learn or --profile")
    tmp = None
    if learn_first:
        if len(inputs) == 1 and os.path.isdir(inputs[0]):  # a folder of shards
            root = inputs[0]
            inputs = sorted(
                os.path.join(d, f) for d, _, files in os.walk(root) for f in files
                if ".json" in f and not f.startswith(".") and ".rejects." not in f
            )
        if "-" in inputs:
            raise ConfigError("--learn reads the input twice, so stdin (-) cannot be an input")
        parse_size(memory)
        fd, tmp = tempfile.mkstemp(prefix="clean-profile-", suffix=".prof")
        os.close(fd)
        atexit.register(_unlink_quietly, tmp)  # the cleaning pass reads it; gone at exit
        try:
            prof, summary = learn(inputs, config, memory, site_field, workers=workers, progress=progress)
            prof.save(tmp)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        click.echo(
            f"clean: learned {summary['sites']:,} sites, {summary['keys']:,} keys from {summary['records']:,} records"
            f" in {summary['seconds']:.1f}s",
            err=True,
        )
        profile = tmp
    assert profile is not None
    load_profile(profile)  # a missing or damaged profile fails here, with its name
    d = config.to_dict()
    names = d["detectors"]["enabled"]
    if "site_boilerplate" not in names:
        names.append("site_boilerplate")
    params = dict(d["detectors"].get("site_boilerplate") or {})
    params["profile"] = os.path.abspath(profile)
    if site_field is not None:
        params["site_field"] = site_field
    d["detectors"]["site_boilerplate"] = params
    return PipelineConfig.from_dict(d), tmp

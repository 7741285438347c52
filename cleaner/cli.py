"""The ``clean`` command: a thin layer over :mod:`cleaner.runner` and the library.

``clean INPUT... -o OUTPUT`` runs the main job; ``clean detectors`` lists detectors.
Errors are one line on stderr naming the file, never a traceback.
"""
from __future__ import annotations

import os
import sys
from typing import Any

import click
import orjson

from . import registry
from .config import ConfigError, PipelineConfig
from .io import InputError
from .runner import MAX_RECORD_BYTES, Interrupted, WorkerDied, default_workers, run, run_shards

DEFAULT_COMMAND = "run"
#: after Ctrl-C or SIGTERM the command ends within this many seconds, even if stopping the
#: worker pool hangs (see cleaner.runner.interruptible); the clean-up takes well under 1 s
FORCE_EXIT_AFTER = 20.0


class DefaultGroup(click.Group):
    """A group whose first argument may be an input file instead of a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in ("--help", "-h", "--version"):
            return super().parse_args(ctx, args)
        if args and args[0] == "--list-detectors":
            args = ["detectors", *args[1:]]
        elif not args or args[0] not in self.commands:
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cleaner")
def main() -> None:
    """Strip boilerplate from JSONL text dumps.

    \b
    clean INPUT... -o OUTPUT [options]   clean dumps (the default command; see `clean run --help`)
    clean detectors                      list the registered detectors
    clean explain INPUT [--id ID | --sample N]   show what is removed and why, in the terminal
    clean learn INPUT... -o PROFILE      learn each site's boilerplate into a profile
    """


def _fail(msg: str, code: int = 2) -> None:
    click.echo(f"clean: error: {msg}", err=True)
    sys.exit(code)


def build_config(config_file: str | None, overrides: dict[str, Any]) -> PipelineConfig:
    """TOML file (optional) -> dict, with command-line overrides applied on top."""
    base: dict[str, Any] = {}
    if config_file:
        try:
            import tomllib

            with open(config_file, "rb") as f:
                base = tomllib.load(f)
        except OSError as exc:
            raise ConfigError(f"{config_file}: {exc.strerror or exc}") from None
        except Exception as exc:  # tomllib.TOMLDecodeError
            raise ConfigError(f"{config_file}: invalid TOML: {exc}") from None
    for key, value in overrides.items():
        if value is None:
            continue
        if "." in key:
            a, b = key.split(".", 1)
            base.setdefault(a, {})[b] = value
        else:
            base[key] = value
    return PipelineConfig.from_dict(base)


def switch_detectors(cfg: PipelineConfig, disable: tuple[str, ...], enable: tuple[str, ...]) -> PipelineConfig:
    """``--disable``/``--enable``: drop or append detectors by name."""
    if not (disable or enable):
        return cfg
    d = cfg.to_dict()
    names = [n for n in d["detectors"]["enabled"] if n not in disable]
    names += [n for n in enable if n not in names]
    d["detectors"]["enabled"] = names
    return PipelineConfig.from_dict(d)


@main.command(DEFAULT_COMMAND)
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, help="Output path (.jsonl, .jsonl.gz, .jsonl.zst) or - for stdout.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="TOML configuration file.")
@click.option("--mode", type=click.Choice(["delete", "annotate"]), default=None, help="Delete spans, or keep the text and add the spans.")
@click.option("--text-field", default=None, help="Field holding the text (default: text).")
@click.option("--html-field", default=None, help="HTML mode: clean the raw page in this field into --text-field (see docs/html-mode.md).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: CPU count).")
@click.option("--rejects", default=None, help="Where bad lines go, with line number and reason (default: OUTPUT.rejects.jsonl).")
@click.option("--drop-empty", is_flag=True, default=None, help="Drop records whose text became empty (counted).")
@click.option("--stats", "stats_path", default=None, help="Write the run summary as JSON to this file (with per-language and per-site counts).")
@click.option("--report", "report_path", default=None, help="Write a self-contained HTML report of the run to this file (docs/report.md).")
@click.option("--report-sample", type=click.IntRange(min=0), default=20, show_default=True, help="Documents in each of the report's samples (most cut, random).")
@click.option("--report-id", "report_ids", multiple=True, help="Also show the document with this id in the report (repeatable).")
@click.option("--disable", multiple=True, help="Switch a detector off (repeatable).")
@click.option("--enable", multiple=True, help="Switch a registered detector on (repeatable).")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when stderr is a terminal).")
@click.option("--no-typos", "no_typos", is_flag=True, default=False, help="Switch the typo fixer off (config key normalisers.typos).")
@click.option("--strict", is_flag=True, default=False, help="Stop at the first bad record (exit 1) instead of rejecting it and going on.")
@click.option("--max-record-bytes", type=int, default=MAX_RECORD_BYTES, show_default=True,
              help="Reject longer records (lines) with their size, without reading them into memory; 0: no limit.")
@click.option("--learn", "learn_first", is_flag=True, default=False, help="Two passes: learn each site's boilerplate from INPUT, then clean (site_boilerplate).")
@click.option("--profile", "profile", default=None, help="Clean with a site profile made by `clean learn` (site_boilerplate).")
@click.option("--site-field", default=None, help="With --learn/--profile: record field naming the site (default: registrable domain of url).")
@click.option("--learn-memory", default="512M", show_default=True, help="With --learn: memory cap of the learner's tables.")
def run_cmd(
    inputs: tuple[str, ...],
    output: str,
    config_file: str | None,
    mode: str | None,
    text_field: str | None,
    workers: int | None,
    rejects: str | None,
    drop_empty: bool | None,
    stats_path: str | None,
    report_path: str | None,
    report_sample: int,
    report_ids: tuple[str, ...],
    disable: tuple[str, ...],
    enable: tuple[str, ...],
    progress: bool | None,
    no_typos: bool = False,
    learn_first: bool = False,
    profile: str | None = None,
    site_field: str | None = None,
    learn_memory: str = "512M",
    strict: bool = False,
    max_record_bytes: int = MAX_RECORD_BYTES,
    html_field: str | None = None,
) -> None:
    """Clean JSONL dumps INPUT... (``-`` is stdin) into OUTPUT, in input order.

    With one folder as INPUT and a folder as OUTPUT, each shard (``*.json*`` file) is
    cleaned into the same relative path under OUTPUT, its rejects beside it; a rerun
    skips shards whose output is complete (see docs/reliability.md).
    """
    try:
        cfg = build_config(config_file, {"mode": mode, "text_field": text_field, "drop_empty": drop_empty, "html_field": html_field,
                                           "normalisers.typos": False if no_typos else None})
        cfg = switch_detectors(cfg, disable, enable)
        if learn_first or profile or site_field is not None:
            from .learn import prepare_profile
            from .profile import ProfileError

            try:
                cfg, _tmp = prepare_profile(list(inputs), cfg, learn_first, profile, site_field, learn_memory,
                                                   workers if workers and workers > 0 else default_workers(),
                                                   sys.stderr.isatty() if progress is None else progress)
            except (InputError, ProfileError, ValueError) as exc:
                _fail(str(exc), 1 if isinstance(exc, (InputError, ProfileError)) else 2)
                return
        for spec in cfg.detectors:  # fail early, in the main process, on a bad detector
            registry.create(spec.name, **spec.kwargs())
    except (ConfigError, KeyError, TypeError) as exc:
        _fail(str(exc).strip('"'))
        return
    for name, err in registry.plugin_errors().items():
        click.echo(f"clean: warning: detector plugin {name!r} failed to load: {err}", err=True)
    if rejects is not None and len(inputs) == 1 and os.path.isdir(inputs[0]):
        _fail("--rejects: with a folder input, each shard's rejects sit beside its output")
        return
    if rejects is None:
        rejects = "-" if output == "-" else output + ".rejects.jsonl"
        if rejects == "-":
            rejects = None  # stdout is the output; rejects go to stderr below
    n = workers if workers and workers > 0 else default_workers()
    show = sys.stderr.isatty() if progress is None else progress
    folder = len(inputs) == 1 and os.path.isdir(inputs[0])
    if report_path and not os.path.isdir(os.path.dirname(os.path.abspath(report_path))):
        _fail(f"{report_path}: no such folder")
        return
    collect = None
    if (stats_path or report_path) and not folder:
        from .stats import Collector

        k = report_sample if report_path else 0
        collect = Collector(k_top=k, k_random=k, pin_ids=report_ids if report_path else ())
    limit = max_record_bytes if max_record_bytes and max_record_bytes > 0 else None
    try:
        if folder:
            rep = run_shards(inputs[0], output, cfg, workers=n, progress=show, strict=strict, max_record_bytes=limit,
                             force_exit_after=FORCE_EXIT_AFTER)
            st = rep.stats
        else:
            st = run(list(inputs), output, cfg, workers=n, rejects=rejects, progress=show,
                     stderr_rejects=rejects is None, strict=strict, max_record_bytes=limit,
                     collect=collect, force_exit_after=FORCE_EXIT_AFTER)
    except (InputError, WorkerDied) as exc:
        _fail(str(exc), 1)
        return
    except KeyboardInterrupt as exc:
        kept = "finished shards are kept; rerun to resume" if folder else "no output was written"
        click.echo(f"clean: interrupted; {kept}", err=True)
        sys.exit(exc.exit_code if isinstance(exc, Interrupted) else 130)
    if folder:
        rejects = os.path.join(output, "*.rejects.jsonl")
        for path, err in rep.failed:
            click.echo(f"clean: error: {path}: {err}; shard not written", err=True)
        click.echo(f"clean: {len(rep.done):,} shards cleaned, {len(rep.skipped):,} skipped (already complete), "
                   f"{len(rep.failed):,} failed", err=True)
    summary = st.as_dict()
    if folder:
        summary["shards"] = {"cleaned": rep.done, "skipped": rep.skipped, "failed": [list(f) for f in rep.failed]}
    if collect is not None:
        summary.update(collect.as_dict())
    if report_path:
        from .report import write_report

        try:
            write_report(report_path, summary, collect, inputs=inputs)
        except OSError as exc:
            _fail(f"{report_path}: {exc.strerror or exc}", 1)
    if stats_path:
        try:
            with open(stats_path, "wb") as f:
                f.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
        except OSError as exc:
            _fail(f"{stats_path}: {exc.strerror}", 1)
    removed = ", ".join(f"{k} {v:,}" for k, v in sorted(st.removed_chars.items())) or "nothing"
    click.echo(
        f"clean: {st.records_in:,} in, {st.records_out:,} out, {st.rejected:,} rejected"
        + (f" (see {rejects})" if st.rejected and rejects else "")
        + (f", {st.dropped_empty:,} dropped empty" if st.dropped_empty else "")
        + f"; characters removed: {removed}",
        err=True,
    )
    if folder and rep.failed:
        sys.exit(1)


@main.command("detectors")
def detectors_cmd() -> None:
    """List the registered detectors with their one-line docs."""
    avail = registry.available()
    from .detectors import DEFAULT_DETECTORS

    for name in sorted(avail, key=lambda n: (n not in DEFAULT_DETECTORS, n)):
        flag = "on " if name in DEFAULT_DETECTORS else "off"
        click.echo(f"{name:<20} {flag}  {registry.describe(name)}")
    for name, err in registry.plugin_errors().items():
        click.echo(f"{name:<20} ERR  failed to load: {err}")


from .learn import learn_cmd  # noqa: E402  (clean learn; imports build_config lazily)

main.add_command(learn_cmd)


from .explain_cli import explain_cmd  # noqa: E402  (clean explain; imports build_config lazily)

main.add_command(explain_cmd)


if __name__ == "__main__":  # pragma: no cover
    main()

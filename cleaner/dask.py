"""cleaner on Dask: bags of records, dataframes, and site-boilerplate learning as a
distributed reduction.  Needs the ``dask`` extra (``pip install 'cleaner[dask]'``).

::

    import dask.bag as db, orjson
    from cleaner.dask import clean_bag
    out = clean_bag(db.read_text("dump-*.jsonl").map(orjson.loads))

Every worker process builds its pipeline once, from the plain configuration dict (never
from pickled detectors or regexes), and cleans each record exactly as ``clean`` does:
the same code (:func:`cleaner.runner.process_batch`) runs on every record, so a record
comes out byte-for-byte as the CLI writes it.  A record the CLI would reject (not an
object, no text field, a detector error...) is left out of the result and logged, as is
a record dropped by ``drop_empty``.

Site boilerplate (the ``site_boilerplate`` detector, which needs a profile of what
repeats across each site's pages) is learned with :func:`learn_profile`: one bounded
:class:`cleaner.profile.Learner` per partition, then a tree of
:meth:`cleaner.profile.Profile.merge` calls, then cleaning with the merged profile::

    prof = learn_profile(bag)                 # lazy: a Delayed Profile
    out = clean_bag(bag, profile=prof)        # computes it once, ships it to the workers

See ``docs/scale.md`` for multi-node clusters (dask-jobqueue on Slurm, Kubernetes).
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
from typing import Any, Iterable, Mapping

import orjson

from .config import PipelineConfig

log = logging.getLogger(__name__)

__all__ = ["clean_bag", "clean_dataframe", "learn_profile", "clean_records"]

# ------------------------------------------------------------------ worker-side state
# One pipeline per (process, configuration).  The runner keeps its pipeline in module
# globals; a lock makes switching them safe when a worker runs several threads.
_LOCK = threading.Lock()
_CURRENT: str | None = None
_PROFILE_FILES: dict[int, tuple[Any, str]] = {}


def _config_dict(config: Mapping[str, Any] | PipelineConfig | None) -> dict[str, Any]:
    if config is None:
        return PipelineConfig().to_dict()
    if isinstance(config, PipelineConfig):
        return config.to_dict()
    return PipelineConfig.from_dict(config).to_dict()  # validates in the client, early


def _profile_path(profile: Any) -> str:
    """A file holding ``profile`` on this worker (written once per process and object)."""
    if isinstance(profile, (str, os.PathLike)):
        return os.fspath(profile)
    hit = _PROFILE_FILES.get(id(profile))
    if hit is not None and hit[0] is profile:
        return hit[1]
    fd, path = tempfile.mkstemp(prefix="cleaner-dask-", suffix=".prof")
    os.close(fd)
    profile.save(path)
    if len(_PROFILE_FILES) >= 4:  # old profiles: forget them (and their files)
        for _, (_, old) in list(_PROFILE_FILES.items()):
            try:
                os.unlink(old)
            except OSError:
                pass
        _PROFILE_FILES.clear()
    _PROFILE_FILES[id(profile)] = (profile, path)
    return path


def _with_profile(config: dict[str, Any], profile: Any, site_field: str | None) -> dict[str, Any]:
    if profile is None:
        return config
    d = {**config, "detectors": dict(config["detectors"])}
    names = list(d["detectors"]["enabled"])
    if "site_boilerplate" not in names:
        names.append("site_boilerplate")
    d["detectors"]["enabled"] = names
    params = dict(d["detectors"].get("site_boilerplate") or {})
    params["profile"] = _profile_path(profile)
    if site_field is not None:
        params["site_field"] = site_field
    d["detectors"]["site_boilerplate"] = params
    return d


def _clean_each(records: Iterable[Any], config: Mapping[str, Any] | None, profile: Any,
                site_field: str | None) -> list[dict[str, Any] | None]:
    """One result per record: the cleaned record, or None where the CLI rejects or drops."""
    from . import runner

    global _CURRENT
    cfg = config if isinstance(config, dict) and "detectors" in config else _config_dict(config)
    out: list[dict[str, Any] | None] = []
    rejected = 0
    with _LOCK:
        cfg = _with_profile(cfg, profile, site_field)
        key = orjson.dumps(cfg, option=orjson.OPT_SORT_KEYS).decode()
        if key != _CURRENT:
            runner.init_worker(cfg)  # builds the pipeline from the dict
            _CURRENT = key
        for rec in records:
            try:
                line = orjson.dumps(rec)
            except (orjson.JSONEncodeError, TypeError):
                rejected += 1
                out.append(None)
                continue
            res = runner.process_batch(runner.Batch("dask", 1, [line]))
            if res.out:
                out.append(orjson.loads(res.out))
            else:
                rejected += bool(res.rejects)
                out.append(None)
    if rejected:
        log.warning("cleaner.dask: %d record(s) left out (the CLI would reject them)", rejected)
    return out


def clean_records(
    records: Iterable[Any],
    config: Mapping[str, Any] | None = None,
    profile: Any = None,
    site_field: str | None = None,
) -> list[dict[str, Any]]:
    """Clean an iterable of records (dicts) in this process; what each Dask task runs.

    ``config`` is a plain configuration dict (``PipelineConfig.to_dict()``).  Records the
    CLI would reject or drop are left out (and logged).
    """
    return [r for r in _clean_each(records, config, profile, site_field) if r is not None]


def clean_bag(bag: Any, config: Mapping[str, Any] | PipelineConfig | None = None, profile: Any = None,
              site_field: str | None = None) -> Any:
    """Map a ``dask.bag.Bag`` of records (dicts) to a Bag of cleaned records.

    ``profile``: a :class:`cleaner.profile.Profile`, a Delayed one (from
    :func:`learn_profile`) or a profile file's path visible to every worker; it switches
    on the ``site_boilerplate`` detector.  Partition order and record order are kept.
    """
    import dask

    cfg = _config_dict(config)
    if profile is not None and not isinstance(profile, (str, os.PathLike)) and not dask.is_dask_collection(profile):
        profile = dask.delayed(profile)  # one graph key, sent once per worker
    return bag.map_partitions(clean_records, cfg, profile, site_field)


def _clean_frame(pdf: Any, text_column: str, cfg: dict[str, Any], profile: Any, site_field: str | None,
                 spans_column: str | None) -> Any:
    import pandas as pd

    texts = pdf[text_column].tolist()
    # meta for detectors (url, lang, a site field): string columns of the row
    meta_cols = [c for c in pdf.columns if c != text_column and isinstance(c, str)]
    metas = pdf[meta_cols].to_dict("records") if meta_cols else [{} for _ in texts]
    recs = []
    for t, m in zip(texts, metas):
        rec = {k: v for k, v in m.items() if isinstance(v, str)}
        rec[cfg["text_field"]] = t
        recs.append(rec)
    keep: list[int] = []
    new_text: list[str] = []
    new_spans: list[Any] = []
    for i, got in enumerate(_clean_each(recs, cfg, profile, site_field)):
        if got is not None:
            keep.append(i)
            new_text.append(got[cfg["text_field"]])
            if spans_column:
                new_spans.append(got.get(cfg["spans_field"], []))
    out = pdf.iloc[keep].copy()
    out[text_column] = pd.Series(new_text, index=out.index, dtype=pdf[text_column].dtype)
    if spans_column:
        out[spans_column] = pd.Series(new_spans, index=out.index, dtype=object)
    return out


def clean_dataframe(ddf: Any, text_column: str = "text", config: Mapping[str, Any] | PipelineConfig | None = None,
                    profile: Any = None, site_field: str | None = None) -> Any:
    """Clean ``text_column`` of a ``dask.dataframe.DataFrame``.

    The other string columns of a row (``url``, ``lang``, a site field) are the record's
    metadata, as in a JSONL record.  In annotate mode a column named like the config's
    ``spans_field`` receives the spans.  Rows the CLI would reject (text not a string)
    or drop (``drop_empty``) are left out; the index of the others is kept.
    """
    import dask

    cfg = _config_dict(config)
    cfg["text_field"] = text_column
    spans_column = cfg["spans_field"] if cfg["mode"] == "annotate" else None
    meta = ddf._meta.copy()
    if spans_column:
        import pandas as pd

        meta[spans_column] = pd.Series([], index=meta.index, dtype=object)
    if profile is not None and not isinstance(profile, (str, os.PathLike)) and not dask.is_dask_collection(profile):
        profile = dask.delayed(profile)
    return ddf.map_partitions(_clean_frame, text_column, cfg, profile, site_field, spans_column, meta=meta)


# ------------------------------------------------------------------ learning, reduced
def _learn_partition(records: Iterable[Any], cfg: dict[str, Any], site_field: str | None, memory: int) -> Any:
    from .learn import doc_hashes
    from .pipeline import Pipeline
    from .profile import Learner, count_docs, site_of

    pc = PipelineConfig.from_dict(cfg)
    pipe = Pipeline(pc, detectors=[])  # the pre-normalisers only: lines as detectors see them
    field_ = pc.text_field
    docs = []
    for rec in records:
        if isinstance(rec, dict) and isinstance(rec.get(field_), str):
            try:
                docs.append((site_of(rec, site_field), doc_hashes(pipe, rec[field_])))
            except UnicodeEncodeError:
                continue
    learner = Learner(memory, site_field=site_field)
    learner.add_batch(count_docs(docs))
    # keep every counted key: the merged profile is pruned by the detector's thresholds
    return learner.profile(min_df=1, min_share=0.0)


def _merge(profiles: list[Any]) -> Any:
    from functools import reduce

    return reduce(lambda a, b: a.merge(b), profiles)


def learn_profile(bag: Any, config: Mapping[str, Any] | PipelineConfig | None = None, site_field: str | None = None,
                  memory: int | str = "128M", split_every: int = 8) -> Any:
    """Learn a site profile from a Bag of records, as a distributed reduction.

    Each partition is counted by its own bounded :class:`cleaner.profile.Learner`
    (``memory`` per partition) into a profile; the profiles are merged pairwise up a
    tree (``split_every`` at a time) by :meth:`Profile.merge`.  Returns a Delayed
    :class:`cleaner.profile.Profile` (``.compute()`` it, ``.save()`` it, or pass it to
    :func:`clean_bag`).

    Counts are lower bounds, as in a one-machine run, and a little lower still: each
    partition's doorkeeper absorbs the first page holding a line, so a line loses one
    count per partition it appears in.  That costs recall, never an article line; keep
    partitions large, or group them by site, to keep the loss small.
    """
    import dask

    from .profile import parse_size

    cfg = _config_dict(config)
    cap = parse_size(memory) if isinstance(memory, str) else int(memory)
    parts = bag.map_partitions(lambda recs: [_learn_partition(recs, cfg, site_field, cap)])
    delayed_parts = parts.to_delayed()
    level = [dask.delayed(lambda x: x[0])(p) for p in delayed_parts]
    while len(level) > 1:
        level = [dask.delayed(_merge)(level[i : i + split_every]) for i in range(0, len(level), split_every)]
    return level[0]

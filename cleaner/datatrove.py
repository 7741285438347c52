"""cleaner as a datatrove pipeline step, for datatrove's executors (local, Slurm, Ray).

::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.datatrove import CleanerStep

    LocalPipelineExecutor(pipeline=[
        JsonlReader("dumps/"),
        CleanerStep({"detectors": {"link_farm": {"menu_run": 6}}}),
        JsonlWriter("cleaned/"),
    ], tasks=8).run()

The step holds only the plain configuration dict; each task builds its pipeline from it
once, on first use (executors pickle steps to ship them: no regex or detector is ever
pickled).  Needs the ``datatrove`` extra (``pip install 'cleaner[datatrove]'``).
"""
from __future__ import annotations

from typing import Any, Mapping

try:
    from datatrove.data import DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
except ImportError:  # the extra is not installed: the module imports, a step cannot be made
    DocumentsPipeline = Any  # type: ignore[misc,assignment]

    class PipelineStep:  # type: ignore[no-redef]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise ImportError("cleaner.datatrove needs datatrove: pip install 'cleaner[datatrove]'")

from .config import PipelineConfig

__all__ = ["CleanerStep"]


class CleanerStep(PipelineStep):
    """Clean each document's text with cleaner (delete mode), or add its spans to the
    metadata (annotate mode).

    - ``config``: a config dict (the TOML keys), a :class:`PipelineConfig`, or None for
      the default pipeline.  ``profile``: a site profile file (``clean learn``), which
      switches on ``site_boilerplate``; the detectors find the page's ``url`` (or the
      ``site_field``) in the document's metadata.
    - Delete mode: ``doc.text`` becomes the kept text; with ``drop_empty`` a document
      left empty is dropped (stat ``dropped_empty``).
    - Annotate mode: the text stays and ``doc.metadata[spans_field]`` lists
      ``[start, end, detector, reason]`` (code points of the normalised text, which is
      what ``doc.text`` becomes).
    - A document a detector fails on is dropped and counted (``detector_error``), as the
      CLI rejects it.  Stats: ``documents``, ``changed``, ``removed_chars`` and
      ``removed_chars/<detector>``.
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, config: Mapping[str, Any] | PipelineConfig | None = None, profile: str | None = None,
                 site_field: str | None = None) -> None:
        super().__init__()
        cfg = config if isinstance(config, PipelineConfig) else PipelineConfig.from_dict(config)
        d = cfg.to_dict()
        if profile is not None:
            names = d["detectors"]["enabled"]
            if "site_boilerplate" not in names:
                names.append("site_boilerplate")
            params = dict(d["detectors"].get("site_boilerplate") or {})
            params["profile"] = str(profile)
            if site_field is not None:
                params["site_field"] = site_field
            d["detectors"]["site_boilerplate"] = params
        #: the plain dict each task builds its pipeline from (validated here, early)
        self.config: dict[str, Any] = PipelineConfig.from_dict(d).to_dict()
        self._pipeline: Any = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_pipeline"] = None  # never ship compiled patterns; rebuilt from the dict
        return state

    def _get_pipeline(self) -> Any:
        if self._pipeline is None:
            from .pipeline import Pipeline

            self._pipeline = Pipeline(PipelineConfig.from_dict(self.config))
        return self._pipeline

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from .document import Document as CDoc
        from .pipeline import DetectorError

        pipe = self._get_pipeline()
        cfg = pipe.config
        annotate = cfg.mode == "annotate"
        for doc in data:
            self.stat_update("documents")
            with self.track_time():
                meta = dict(doc.metadata or {})
                meta.setdefault("id", doc.id)
                try:
                    res = pipe.clean(CDoc(doc.text, meta), mode=cfg.mode, record_edits=annotate, explain=annotate)
                except DetectorError as exc:
                    self.stat_update("detector_error")
                    from datatrove.utils.logging import logger

                    logger.warning(f"cleaner: document {doc.id!r} dropped: {exc}")
                    continue
            removed = 0
            for s in res.spans:
                n = s.end - s.start
                removed += n
                for det in s.detector.split("+"):
                    self.stat_update(f"removed_chars/{det}", value=n)
            if removed:
                self.stat_update("removed_chars", value=removed)
            if annotate:
                doc.metadata[cfg.spans_field] = [s.as_list() for s in res.spans]
                post = [e.as_dict() for e in res.edits if e.normaliser in cfg.post]
                if post:
                    doc.metadata[cfg.edits_field] = post
            elif cfg.drop_empty and not res.text and doc.text.strip():
                self.stat_update("dropped_empty")
                continue
            if res.text != doc.text:
                self.stat_update("changed")
            doc.text = res.text
            yield doc

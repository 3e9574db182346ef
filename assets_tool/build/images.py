"""The build's image half: strip, probe, plan and encode each source in a pool, publish.

Only this driver reads and writes image files; the stages it calls are pure. The privacy and
render stages (and with them Pillow and the codecs) are imported only when a source has to
be read, planned or encoded: a warm run answers all three from the sources cache.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..errors import AssetsToolError
from ..models import ImageRef, VariantSet
from ..report import BuildMode, BuildReport
from ..scan import Collection, Resolved, rewritable, variant_prefix, variants_dir
from .display import content_width, display_of, rendered_widths
from .fingerprint import code_fingerprint
from .manifest import Manifest
from .publish import Publisher, SourceJob, at_first_ref, planned_of, read_source
from .sources import Known, PlannedFile, SourceCache, plan_key

if TYPE_CHECKING:
    from ..render import EncodeSettings, Plan

# called with (images finished so far, images in all) each time one finishes
Progress = Callable[[int, int], None]
# source bytes the driver holds for encodes in flight, whatever the number of workers: a big
# cluster must not make a 100,000-photo run hold its photos in memory
MAX_BYTES_IN_FLIGHT = 256 * 1024 * 1024
AVIF_MIME = "image/avif"


def render_all(
    collection: Collection,
    config: Config,
    mode: BuildMode,
    manifest: Manifest,
    report: BuildReport,
    sources: SourceCache,
    executor: Executor | None = None,
    on_progress: Progress | None = None,
    served: frozenset[str] = frozenset(),
    slots: int | None = None,
) -> dict[ImageRef, VariantSet]:
    """Prepare, encode and publish every source; return each reference's VariantSet.

    `served` names the MIME types the markup offers browsers (all, when empty): it only
    decides which file `bytes_after` counts as downloaded. `slots` is how many encodes
    `executor` runs at once (a cluster's threads); the local pool's workers by default.
    """
    settings = _Settings(config)
    run = Publisher(
        folder=variants_dir(collection.site, config.output_dir),
        prefix=functools.partial(variant_prefix, collection.site, config.output_dir),
        manifest=manifest,
        mode=mode,
        report=report,
        served=served,
        sources=sources,
        column=content_width(collection.site.theme, config),
    )
    jobs = _prepared_jobs(collection, config, settings, run)
    own_pool = executor is None
    pool: Executor | None = executor
    in_flight: list[tuple[SourceJob, Future[dict[str, bytes]] | None]] = []
    limit = 2 * (slots or _worker_count(config))
    total = len(collection.by_source())
    finished = 0
    held = 0  # bytes of the sources in flight

    def finish_next() -> None:
        nonlocal finished, held
        job, future = in_flight.pop(0)
        held -= job.size if future is not None else 0
        run.finish(job, future)
        finished += 1
        if on_progress:
            on_progress(finished, total)

    def must_wait() -> bool:
        if not in_flight:
            return False
        return len(in_flight) >= limit or held > MAX_BYTES_IN_FLIGHT or in_flight[0][1] is None

    budget = AvifBudget(config.avif_budget)
    try:
        for job in jobs:
            names = [v.name for v in job.files]
            manifest.use(names)
            if manifest.is_done(run.folder, names) or not job.files:
                in_flight.append((job, None))
            elif not mode.writes:
                # a run that writes nothing only plans: encoding costs as much as the real build
                job.assumed = True
                in_flight.append((job, None))
            elif budget.defers(job, run, settings):
                in_flight.append((job, None))  # its other variants exist from an earlier run
            else:
                from ..render import encode

                if pool is None:
                    pool = _default_pool(config)
                data = job.load()
                job.plan = job.plan or _render_plan(job, settings.get())
                future = pool.submit(encode, data, job.path, job.plan, settings.get())
                in_flight.append((job, future))
                held += job.size
            while must_wait():
                finish_next()
        while in_flight:
            finish_next()
        if on_progress and finished < total:  # sources that failed or are left as they are
            on_progress(total, total)
    finally:
        if own_pool and pool is not None:
            pool.shutdown(cancel_futures=True)
    budget.report(run.report, total)
    return run.sets


class AvifBudget:
    """The seconds of a run in which AVIF encodes may start (`avif_budget`; 0: no limit).

    The clock starts at the first encode. A source reached after it runs out is encoded
    without its AVIF variants, and its markup offers WebP and the fallback; the next run finds
    the AVIF missing, encodes it (within its own budget) and rewrites the markup, so a large
    site converges over a few builds that each end in time.
    """

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        self.started: float | None = None

    def defers(self, job: SourceJob, run: Publisher, settings: _Settings) -> bool:
        """Leave `job`'s AVIF out if the budget is spent; tell if nothing is left to encode."""
        if not self.seconds or not any(f.mime == AVIF_MIME for f in job.files):
            return False
        now = time.monotonic()
        if self.started is None:
            self.started = now
        if now - self.started < self.seconds:
            return False
        from ..render import without_format

        # only the encode leaves it out: `files` stays the whole plan, as the cache records it
        job.plan = without_format(job.plan or _render_plan(job, settings.get()), "avif")
        run.report.avif_deferred.append(job.path)
        return run.manifest.is_done(run.folder, [v.name for v in job.plan.variants])

    def report(self, report: BuildReport, total: int) -> None:
        """Say how many images wait for their AVIF, and what to do about it."""
        if report.avif_deferred:
            report.warnings.append(
                f"AVIF of {len(report.avif_deferred)} of {total} images left for the next run: "
                f"avif_budget ({self.seconds} s) was spent; run the build again to encode them"
            )


class _Settings:
    """The encoder settings of a run, made (importing the render stage) only when needed."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.made: EncodeSettings | None = None
        # what a plan may depend on: every setting but those that only say how to run
        self.for_plans = {
            k: v
            for k, v in dataclasses.asdict(config).items()
            if k not in ("workers", "scheduler", "shard", "avif_budget")
        }

    def get(self) -> EncodeSettings:
        """Return the run's EncodeSettings."""
        if self.made is None:
            from ..render import EncodeSettings

            self.made = EncodeSettings.from_settings(self.config)
        return self.made


def _prepared_jobs(
    collection: Collection, config: Config, settings: _Settings, run: Publisher
) -> Iterator[SourceJob]:
    """Strip, probe and plan each source in turn, reporting (not raising) per-file errors."""
    for path, items in collection.by_source().items():
        try:
            job = _prepare(path, items, config, settings, run)
        except AssetsToolError as error:
            run.report.errors.append(at_first_ref(error, items))
            continue
        if job is not None:
            yield job


def _prepare(
    path: Path,
    items: list[Resolved],
    config: Config,
    settings: _Settings,
    run: Publisher,
) -> SourceJob | None:
    mode, report = run.mode, run.report
    try:
        job = _known_job(path, items, config, run.sources) or _read_job(
            path, items, config, settings
        )
    except AssetsToolError:
        report.images += mode.shard is None  # a source that fails is still one of the images
        raise
    if mode.shard is not None and not mode.shard.owns(job.digest):
        return None  # another slice of a sharded build renders it
    report.images += 1
    report.bytes_before += job.original_size
    info = job.info
    if info.animated:
        report.notes.append(f"{path}: animated image left as it is (no variants)")
        report.bytes_after += job.size * len(items)  # every reader downloads it as it is
        run.publish_original(job)
        return None
    _plan_job(job, config, settings, run)
    if job.data is not None and not job.stripped:
        # the file is as published: the next run need not read it (unless stripping is
        # turned on while it still holds location)
        clean = config.strips_referenced
        run.sources.remember(path, Known(job.digest, info, clean, job.size))
    run.sources.remember_plan(path, job.plan_key, planned_of(job))
    return job


def _plan_job(job: SourceJob, config: Config, settings: _Settings, run: Publisher) -> None:
    """Set the widths each reference shows and the variants to make, from the cache if it can."""
    # a plan recorded by the same code from the same facts and settings is the same plan
    info, items = job.info, job.items
    # a front matter image is only cleaned: no markup would ever name its variants
    displays = {
        item.ref: display_of(item.ref, info.width, info.height, run.column, config)
        for item in items
        if rewritable(item.ref)
    }
    job.shown = {ref: display.width for ref, display in displays.items()}
    # what `probe` found is a function of the bytes (the digest) and the code (the fingerprint)
    facts: list[object] = [job.digest, job.path.stem]
    facts += [(d.width, d.stated) if (d := displays.get(i.ref)) else None for i in items]
    job.plan_key = plan_key(code_fingerprint(), settings.for_plans, facts)
    planned = run.sources.planned(job.path, job.plan_key)
    if planned is not None and len(planned.widths) == len(items):
        job.widths = {item.ref: ws for item, ws in zip(items, planned.widths, strict=True)}
        job.files = planned.files
        return
    job.widths = {
        i.ref: rendered_widths(displays[i.ref], info, config) if i.ref in displays else ()
        for i in items
    }
    job.plan = _render_plan(job, settings.get())
    job.files = tuple(PlannedFile(v.width, v.height, v.mime, v.name) for v in job.plan.variants)


def _render_plan(job: SourceJob, settings: EncodeSettings) -> Plan:
    """Plan a source's variants with the render stage (the fallback at one width each)."""
    from ..render import fallback_width, plan

    union = tuple(sorted({w for ws in job.widths.values() for w in ws}))
    fallbacks = tuple(sorted({fallback_width(ws) for ws in job.widths.values() if ws}))
    return plan(job.info, job.digest, job.path.stem, union, settings, fallbacks)


def _known_job(
    path: Path, items: list[Resolved], config: Config, sources: SourceCache
) -> SourceJob | None:
    """Make the job from an earlier run's record of this unchanged file, without reading it."""
    known = sources.lookup(path, config.strips_referenced)
    if known is None:
        return None
    return SourceJob(path, items, None, False, known.info, known.digest, known.size, known.size)


def _read_job(path: Path, items: list[Resolved], config: Config, settings: _Settings) -> SourceJob:
    """Read, strip (in memory), hash and probe a source."""
    from ..privacy import strip_location
    from ..render import probe

    original = read_source(path)
    data = strip_location(original, path) if config.strips_referenced else original
    info = probe(data, path, settings.get().max_pixels)
    digest = hashlib.sha256(data).hexdigest()
    stripped = data is not original and data != original
    return SourceJob(path, items, data, stripped, info, digest, len(data), len(original))


def _worker_count(config: Config) -> int:
    return config.workers or os.cpu_count() or 1


def _default_pool(config: Config) -> Executor:
    from concurrent.futures import ProcessPoolExecutor  # imported late: multiprocessing is slow

    return ProcessPoolExecutor(max_workers=_worker_count(config), initializer=_init_worker)


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group: the driver stops the run, a worker would only
    # print a traceback; worker_init keeps SVT-AV1's encoder logs off the terminal
    from ..render import worker_init

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_init()

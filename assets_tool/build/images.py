"""The build's image half: strip, probe, plan and encode each source in a pool, publish.

Only this driver reads and writes image files; the stages it calls are pure.
"""

from __future__ import annotations

import functools
import hashlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from ..config import Config
from ..errors import AssetsToolError
from ..models import ImageRef, VariantSet
from ..privacy import strip_location
from ..render import (
    EncodeSettings,
    encode,
    fallback_width,
    plan,
    probe,
    without_format,
    worker_init,
)
from ..report import BuildMode, BuildReport
from ..scan import Collection, Resolved, rewritable, variant_prefix, variants_dir
from .display import content_width, display_of, rendered_widths
from .manifest import Manifest
from .publish import Publisher, SourceJob, at_first_ref, read_source
from .sources import Known, SourceCache, load_sources

# called with (images finished so far, images in all) each time one finishes
Progress = Callable[[int, int], None]
# source bytes the driver holds for encodes in flight, whatever the number of workers: a big
# cluster must not make a 100,000-photo run hold its photos in memory
MAX_BYTES_IN_FLIGHT = 256 * 1024 * 1024


def render_all(
    collection: Collection,
    config: Config,
    mode: BuildMode,
    manifest: Manifest,
    report: BuildReport,
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
    settings = EncodeSettings.from_settings(config)
    run = Publisher(
        folder=variants_dir(collection.site, config.output_dir),
        prefix=functools.partial(variant_prefix, collection.site, config.output_dir),
        manifest=manifest,
        mode=mode,
        report=report,
        served=served,
        sources=load_sources(collection.site.root),
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
            names = [v.name for v in job.plan.variants]
            manifest.use(names)
            if manifest.is_done(run.folder, names) or not job.plan.variants:
                in_flight.append((job, None))
            elif not mode.writes:
                # a run that writes nothing only plans: encoding costs as much as the real build
                job.assumed = True
                in_flight.append((job, None))
            elif budget.defers(job, run):
                in_flight.append((job, None))  # its other variants exist from an earlier run
            else:
                if pool is None:
                    pool = _default_pool(config)
                data = job.load()
                in_flight.append((job, pool.submit(encode, data, job.path, job.plan, settings)))
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
    if mode.writes:
        run.sources.save()
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

    def defers(self, job: SourceJob, run: Publisher) -> bool:
        """Drop `job`'s AVIF variants if the budget is spent; tell if nothing is left to encode."""
        now = time.monotonic()
        if self.started is None:
            self.started = now
        if not self.seconds or now - self.started < self.seconds:
            return False
        reduced = without_format(job.plan, "avif")
        if reduced.variants == job.plan.variants:
            return False
        job.plan = reduced
        run.report.avif_deferred.append(job.path)
        return run.manifest.is_done(run.folder, [v.name for v in reduced.variants])

    def report(self, report: BuildReport, total: int) -> None:
        """Say how many images wait for their AVIF, and what to do about it."""
        if report.avif_deferred:
            report.warnings.append(
                f"AVIF of {len(report.avif_deferred)} of {total} images left for the next run: "
                f"avif_budget ({self.seconds} s) was spent; run the build again to encode them"
            )


def _prepared_jobs(
    collection: Collection, config: Config, settings: EncodeSettings, run: Publisher
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
    settings: EncodeSettings,
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
    # a front matter image is only cleaned: no markup would ever name its variants
    for item in items:
        if rewritable(item.ref):
            display = display_of(item.ref, info.width, info.height, run.column, config)
            job.shown[item.ref] = display.width
            job.widths[item.ref] = rendered_widths(display, info, config)
        else:
            job.widths[item.ref] = ()
    union = tuple(sorted({w for ws in job.widths.values() for w in ws}))
    fallbacks = tuple(sorted({fallback_width(ws) for ws in job.widths.values() if ws}))
    job.plan = plan(info, job.digest, path.stem, union, settings, fallbacks)
    if job.data is not None and not job.stripped:
        # the file is as published: the next run need not read it (unless stripping is
        # turned on while it still holds location)
        clean = config.strips_referenced
        run.sources.remember(path, Known(job.digest, info, clean, job.size))
    return job


def _known_job(
    path: Path, items: list[Resolved], config: Config, sources: SourceCache
) -> SourceJob | None:
    """Make the job from an earlier run's record of this unchanged file, without reading it."""
    known = sources.lookup(path, config.strips_referenced)
    if known is None:
        return None
    return SourceJob(path, items, None, False, known.info, known.digest, known.size, known.size)


def _read_job(
    path: Path, items: list[Resolved], config: Config, settings: EncodeSettings
) -> SourceJob:
    """Read, strip (in memory), hash and probe a source."""
    original = read_source(path)
    data = strip_location(original, path) if config.strips_referenced else original
    info = probe(data, path, settings.max_pixels)
    digest = hashlib.sha256(data).hexdigest()
    stripped = data is not original and data != original
    return SourceJob(path, items, data, stripped, info, digest, len(data), len(original))


def _worker_count(config: Config) -> int:
    return config.workers or os.cpu_count() or 1


def _default_pool(config: Config) -> Executor:
    return ProcessPoolExecutor(max_workers=_worker_count(config), initializer=_init_worker)


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group: the driver stops the run, a worker would only
    # print a traceback; worker_init keeps SVT-AV1's encoder logs off the terminal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_init()

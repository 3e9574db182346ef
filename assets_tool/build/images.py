"""The build's image half: strip, probe, plan and encode each source in a pool, publish.

Only this driver reads and writes image files; the stages it calls are pure.
"""

from __future__ import annotations

import functools
import hashlib
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_atomic
from ..config import Config
from ..errors import AssetsToolError, ImageError
from ..models import ImageInfo, ImageRef, Variant, VariantSet
from ..privacy import is_lfs_pointer, strip_location
from ..render import (
    EncodeSettings,
    Plan,
    encode,
    fallback_width,
    keep_smaller,
    plan,
    probe,
    worker_init,
)
from ..report import BuildMode, BuildReport
from ..scan import Collection, Resolved, rewritable, variant_prefix, variants_dir
from .display import content_width, display_of, rendered_widths
from .estimates import estimated_variants
from .manifest import Manifest
from .sources import Known, SourceCache, load_sources

NO_PLAN = Plan(ImageInfo("", 0, 0, False, False, False), ())


@dataclass
class SourceJob:
    """One original image on its way through strip, probe, plan and encode."""

    path: Path
    items: list[Resolved]
    # the bytes to publish, location already removed when configured; None until needed when
    # an earlier run's record says what they hold (read only if something must be encoded)
    data: bytes | None
    stripped: bool  # `data` differs from the file: location was found and removed
    info: ImageInfo
    digest: str  # SHA-256 of `data`: names the variants, and picks the shard that renders it
    size: int  # bytes of `data`
    original_size: int  # bytes of the file as it was found
    plan: Plan = NO_PLAN  # set once the source is known not to be animated
    widths: dict[ImageRef, tuple[int, ...]] = field(default_factory=dict)  # widths each shows
    shown: dict[ImageRef, int] = field(default_factory=dict)  # CSS px each is displayed at
    assumed: bool = False  # --dry-run, --check: not encoded; every planned variant is assumed kept

    def load(self) -> bytes:
        """Return the bytes to encode, reading the (unchanged, clean) file if not read yet."""
        if self.data is None:
            self.data = _read_source(self.path)
        return self.data


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
    settings = EncodeSettings.from_config(config)
    run = _Publisher(
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
    return run.sets


def _prepared_jobs(
    collection: Collection, config: Config, settings: EncodeSettings, run: _Publisher
) -> Iterator[SourceJob]:
    """Strip, probe and plan each source in turn, reporting (not raising) per-file errors."""
    for path, items in collection.by_source().items():
        try:
            job = _prepare(path, items, config, settings, run)
        except AssetsToolError as error:
            run.report.errors.append(_at_first_ref(error, items))
            continue
        if job is not None:
            yield job


def _prepare(
    path: Path,
    items: list[Resolved],
    config: Config,
    settings: EncodeSettings,
    run: _Publisher,
) -> SourceJob | None:
    mode, report = run.mode, run.report
    job = _known_job(path, items, config, run.sources) or _read_job(path, items, config, settings)
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
    original = _read_source(path)
    data = strip_location(original, path) if config.strips_referenced else original
    info = probe(data, path, settings.max_pixels)
    digest = hashlib.sha256(data).hexdigest()
    stripped = data is not original and data != original
    return SourceJob(path, items, data, stripped, info, digest, len(data), len(original))


def _read_source(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageError(
            path, f"cannot read ({exc.strerror})", "check the file's permissions"
        ) from exc
    if is_lfs_pointer(data):
        raise ImageError(
            path,
            "cannot verify: Git LFS content not present (the file is an LFS pointer)",
            "run `git lfs pull` first",
        )
    return data


@dataclass
class _Publisher:
    """Where and how one run publishes what the pool encodes, and what it hands the rewrite."""

    folder: Path  # the variants folder
    prefix: Callable[[ImageRef], str]  # a reference's URL path of that folder
    manifest: Manifest
    mode: BuildMode
    report: BuildReport
    served: frozenset[str]
    sources: SourceCache
    column: int  # CSS px of the content column images are laid out in
    sets: dict[ImageRef, VariantSet] = field(default_factory=dict)

    def publish_original(self, job: SourceJob) -> None:
        """Replace the original by its location-free bytes, once it is known to decode."""
        mode, report = self.mode, self.report
        if not job.stripped or mode.shard is not None:  # a shard run touches no original
            return
        if mode.writes:
            try:
                write_atomic(job.path, job.load())
            except OSError as exc:
                error = ImageError(
                    job.path, f"cannot strip location ({exc.strerror})", "check permissions"
                )
                report.errors.append(_at_first_ref(error, job.items))
                return
            self.sources.remember(job.path, Known(job.digest, job.info, True, job.size))
        report.locations_removed += 1
        report.files_written.append(job.path)

    def finish(self, job: SourceJob, future: Future[dict[str, bytes]] | None) -> None:
        """Publish one source's encoded variants and hand each reference its VariantSet."""
        report = self.report
        try:
            kept = self._kept_variants(job, future)
        except AssetsToolError as error:
            report.errors.append(_at_first_ref(error, job.items))
            return
        except Exception as error:  # a crashed worker must not stop the other images
            failed = ImageError(job.path, f"encoding failed ({error})", "report this file")
            report.errors.append(_at_first_ref(failed, job.items))
            return
        self.publish_original(job)
        for item in job.items:
            shown = set(job.widths[item.ref])
            variants = tuple(v for v in kept if v.width in shown)
            self.sets[item.ref] = VariantSet(
                item.source.url, job.info.width, job.info.height, self.prefix(item.ref), variants
            )
            # an image left as it is (front matter) is downloaded as it is
            served = self.served
            offered = tuple(v for v in variants if not served or v.mime in served) or variants
            wanted = job.shown.get(item.ref, 0)
            report.bytes_after += _served_bytes(offered, wanted) or job.size

    def _kept_variants(
        self, job: SourceJob, future: Future[dict[str, bytes]] | None
    ) -> tuple[Variant, ...]:
        report, planned = self.report, job.plan.variants
        if job.assumed:
            report.variants_written += len(planned)
            report.files_written.extend(self.folder / v.name for v in planned)
            guessed = estimated_variants(job.plan, job.size)
            report.estimated += len(guessed)
            report.variants_bytes += sum(v.size for v in guessed)
            return guessed
        if future is None:
            sizes = self.manifest.kept([v.name for v in planned])
            return tuple(
                Variant(v.width, v.height, v.mime, v.name, sizes[v.name])
                for v in planned
                if v.name in sizes
            )
        encoded = future.result()
        kept = keep_smaller(job.plan, encoded)
        kept_names = {v.name for v in kept}
        for name, data in encoded.items():
            if name in kept_names and self.mode.writes:
                self._write_variant(name, data)
            self.manifest.record(name, len(data) if name in kept_names else None)
            if name in kept_names:
                report.variants_written += 1
                report.files_written.append(self.folder / name)
        return kept

    def _write_variant(self, name: str, data: bytes) -> None:
        try:
            write_atomic(self.folder / name, data)
        except OSError as exc:
            raise ImageError(
                self.folder / name,
                f"cannot write variant ({exc.strerror})",
                "check the folder's permissions and free space",
            ) from exc


def _served_bytes(variants: tuple[Variant, ...], wanted: int) -> int:
    """Bytes a modern browser at 1x downloads: the smallest file at the narrowest fitting width."""
    if not variants:
        return 0
    fitting = [v for v in variants if v.width >= wanted] or list(variants)
    width = min(v.width for v in fitting)
    return min(v.size for v in fitting if v.width == width)


def _at_first_ref(error: AssetsToolError, items: list[Resolved]) -> AssetsToolError:
    """Name where the image is used, so the author can find the reference."""
    ref = items[0].ref
    what = f"{error.what} (used at {ref.post}:{ref.line})"
    return type(error)(error.path, what, error.fix, error.line)


def _worker_count(config: Config) -> int:
    return config.workers or os.cpu_count() or 1


def _default_pool(config: Config) -> Executor:
    return ProcessPoolExecutor(max_workers=_worker_count(config), initializer=_init_worker)


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group: the driver stops the run, a worker would only
    # print a traceback; worker_init keeps SVT-AV1's encoder logs off the terminal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_init()

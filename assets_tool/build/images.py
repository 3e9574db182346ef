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
from ..scan import Collection, Resolved, rewritable, variant_prefix
from .display import content_width, display_of, rendered_widths
from .manifest import Manifest

NO_PLAN = Plan(ImageInfo("", 0, 0, False, False, False), ())


@dataclass
class SourceJob:
    """One original image on its way through strip, probe, plan and encode."""

    path: Path
    items: list[Resolved]
    data: bytes  # the bytes to publish: location already removed when configured
    stripped: bool  # `data` differs from the file: location was found and removed
    info: ImageInfo
    plan: Plan = NO_PLAN  # set once the source is known not to be animated
    widths: dict[ImageRef, tuple[int, ...]] = field(default_factory=dict)  # widths each shows
    shown: dict[ImageRef, int] = field(default_factory=dict)  # CSS px each is displayed at
    assumed: bool = False  # --check: variants not encoded; assume every planned one is kept


# called with (images finished so far, images in all) each time one finishes
Progress = Callable[[int, int], None]


def render_all(
    collection: Collection,
    config: Config,
    mode: BuildMode,
    manifest: Manifest,
    report: BuildReport,
    executor: Executor | None = None,
    on_progress: Progress | None = None,
    served: frozenset[str] = frozenset(),
) -> dict[ImageRef, VariantSet]:
    """Prepare, encode and publish every source; return each reference's VariantSet.

    `served` names the MIME types the markup offers browsers (all, when empty): it only
    decides which file `bytes_after` counts as downloaded.
    """
    settings = EncodeSettings.from_config(config)
    run = _Publisher(
        folder=collection.site.root / config.output_dir,
        prefix=functools.partial(variant_prefix, collection.site, config.output_dir),
        manifest=manifest,
        mode=mode,
        report=report,
        served=served,
    )
    column = content_width(collection.site.theme, config)
    jobs = _prepared_jobs(collection, config, mode, settings, report, column)
    own_pool = executor is None
    pool: Executor | None = executor
    in_flight: list[tuple[SourceJob, Future[dict[str, bytes]] | None]] = []
    limit = 2 * _worker_count(config)
    total = len(collection.by_source())
    finished = 0

    def finish_next() -> None:
        nonlocal finished
        run.finish(*in_flight.pop(0))
        finished += 1
        if on_progress:
            on_progress(finished, total)

    try:
        for job in jobs:
            names = [v.name for v in job.plan.variants]
            manifest.use(names)
            if manifest.is_done(run.folder, names) or not job.plan.variants:
                in_flight.append((job, None))
            elif mode.check:
                job.assumed = True
                in_flight.append((job, None))
            else:
                if pool is None:
                    pool = _default_pool(config)
                in_flight.append((job, pool.submit(encode, job.data, job.path, job.plan, settings)))
            while len(in_flight) >= limit or (in_flight and in_flight[0][1] is None):
                finish_next()
        while in_flight:
            finish_next()
        if on_progress and finished < total:  # sources that failed or are left as they are
            on_progress(total, total)
    finally:
        if own_pool and pool is not None:
            pool.shutdown(cancel_futures=True)
    return run.sets


def _prepared_jobs(
    collection: Collection,
    config: Config,
    mode: BuildMode,
    settings: EncodeSettings,
    report: BuildReport,
    column: int,
) -> Iterator[SourceJob]:
    """Strip, probe and plan each source in turn, reporting (not raising) per-file errors."""
    for path, items in collection.by_source().items():
        try:
            job = _prepare(path, items, config, mode, settings, report, column)
        except AssetsToolError as error:
            report.errors.append(_at_first_ref(error, items))
            continue
        if job is not None:
            yield job


def _prepare(
    path: Path,
    items: list[Resolved],
    config: Config,
    mode: BuildMode,
    settings: EncodeSettings,
    report: BuildReport,
    column: int,
) -> SourceJob | None:
    original = _read_source(path)
    report.images += 1
    report.bytes_before += len(original)
    data = strip_location(original, path) if config.strip_location else original
    info = probe(data, path, settings.max_pixels)
    job = SourceJob(path, items, data, data is not original and data != original, info)
    if info.animated:
        report.notes.append(f"{path}: animated image left as it is (no variants)")
        report.bytes_after += len(data) * len(items)  # every reader downloads it as it is
        _publish_original(job, mode, report)
        return None
    # a front matter image is only cleaned: no markup would ever name its variants
    for item in items:
        if rewritable(item.ref):
            display = display_of(item.ref, info.width, info.height, column, config)
            job.shown[item.ref] = display.width
            job.widths[item.ref] = rendered_widths(display, info, config)
        else:
            job.widths[item.ref] = ()
    union = tuple(sorted({w for ws in job.widths.values() for w in ws}))
    fallbacks = tuple(sorted({fallback_width(ws) for ws in job.widths.values() if ws}))
    digest = hashlib.sha256(data).hexdigest()
    job.plan = plan(info, digest, path.stem, union, settings, fallbacks)
    return job


def _publish_original(job: SourceJob, mode: BuildMode, report: BuildReport) -> None:
    """Replace the original by its location-free bytes, once it is known to decode."""
    if not job.stripped:
        return
    if mode.writes:
        try:
            write_atomic(job.path, job.data)
        except OSError as exc:
            error = ImageError(
                job.path, f"cannot strip location ({exc.strerror})", "check permissions"
            )
            report.errors.append(_at_first_ref(error, job.items))
            return
    report.locations_removed += 1
    report.files_written.append(job.path)


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
    sets: dict[ImageRef, VariantSet] = field(default_factory=dict)

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
        _publish_original(job, self.mode, report)
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
            report.bytes_after += _served_bytes(offered, wanted) or len(job.data)

    def _kept_variants(
        self, job: SourceJob, future: Future[dict[str, bytes]] | None
    ) -> tuple[Variant, ...]:
        report, planned = self.report, job.plan.variants
        if job.assumed:
            report.variants_written += len(planned)
            report.files_written.extend(self.folder / v.name for v in planned)
            return tuple(Variant(v.width, v.height, v.mime, v.name, 0) for v in planned)
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

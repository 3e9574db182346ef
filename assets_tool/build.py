"""The main job's flow: scan -> resolve -> strip -> render (in a pool) -> rewrite.

One place, used by the CLI, the hook and the gallery alike. Only this driver reads and writes
files; the stages it wires are pure.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from .atomic import write_atomic
from .cache import Manifest, load_manifest
from .collect import Collection, Post, Resolved, collect, rewritable
from .config import Config
from .config import load as load_config
from .errors import AssetsToolError, ImageError
from .metadata import audit_paths, is_lfs_pointer, strip_location
from .models import ImageInfo, ImageRef, RefKind, Variant, VariantSet
from .render import (
    EncodeSettings,
    Plan,
    encode,
    keep_smaller,
    plan,
    probe,
    target_widths,
    worker_init,
)
from .report import BuildReport
from .rewrite import build_picture, render_picture, splice
from .scan import encode_original


@dataclass(frozen=True)
class BuildMode:
    """What a run may touch: everything, nothing (dry run, check), or posts only (revert)."""

    dry_run: bool = False  # compute everything, write nothing, collect diffs
    check: bool = False  # write nothing, skip encoding; only tell whether anything would change
    revert: bool = False  # put the authors' original references back; touch no image

    @property
    def writes(self) -> bool:
        """Tell whether this run writes files."""
        return not (self.dry_run or self.check)


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
    widths: dict[int, tuple[int, ...]] = field(default_factory=dict)  # id(ref) -> widths shown
    assumed: bool = False  # --check: variants not encoded; assume every planned one is kept


# called with (images finished so far, images in all) each time one finishes
Progress = Callable[[int, int], None]

# the lightbox link Chirpy itself puts around images; href is set to the largest variant
LIGHTBOX_LINK: tuple[tuple[str, str | None], ...] = (("class", "popup img-link"),)


def build_site(
    root: Path,
    config: Config,
    mode: BuildMode,
    executor: Executor | None = None,
    on_progress: Progress | None = None,
) -> BuildReport:
    """Run the main job on the site at `root` and report what changed."""
    collection = collect(root, config)
    report = BuildReport(errors=list(collection.errors))
    report.skipped = [
        f"{r.post}:{r.line}: {r.src}: {r.skip.value}" for r in collection.skipped if r.skip
    ]
    if mode.revert:
        _rewrite_posts(collection, {}, config, mode, report, revert=True)
        return report
    folder = collection.site.root / config.output_dir
    manifest = load_manifest(folder)
    variant_sets = _render_all(collection, config, mode, manifest, executor, report, on_progress)
    _prune(manifest, folder, mode, report)
    if mode.writes:
        try:
            manifest.save()
        except OSError as exc:
            report.errors.append(
                AssetsToolError(manifest.path, f"cannot write ({exc.strerror})", "check the folder")
            )
    _rewrite_posts(collection, variant_sets, config, mode, report, revert=False)
    if config.strip_location:
        _audit_published(collection.site.root, report)
    return report


def _prune(manifest: Manifest, folder: Path, mode: BuildMode, report: BuildReport) -> None:
    """Remove variants no reference needs any more, unless an error hid some references."""
    if report.errors:
        return
    if not mode.writes:
        report.files_removed = [folder / name for name in manifest.stale()]
        return
    try:
        report.files_removed = manifest.prune(folder)
    except OSError as exc:
        report.errors.append(
            AssetsToolError(folder, f"cannot remove an old variant ({exc})", "check the folder")
        )


def _audit_published(root: Path, report: BuildReport) -> None:
    """List every other image under the site that still carries location (it is published)."""
    handled = {path.resolve() for path in report.files_written}
    for found in audit_paths([root]):
        if isinstance(found, AssetsToolError) or found.path.resolve() in handled:
            continue
        where = ", ".join(f.where for f in found.findings) or found.unchecked
        report.location_left.append(
            f"{found.path}: not referenced by any post but published with location ({where}); "
            f"run `assets-tool strip {found.path}`"
        )


def _render_all(
    collection: Collection,
    config: Config,
    mode: BuildMode,
    manifest: Manifest,
    executor: Executor | None,
    report: BuildReport,
    on_progress: Progress | None,
) -> dict[int, VariantSet]:
    """Prepare, encode and publish every source; return id(ref) -> its VariantSet."""
    settings = EncodeSettings.from_config(config)
    folder = collection.site.root / config.output_dir
    prefix = f"{collection.site.baseurl.rstrip('/')}/{config.output_dir.strip('/')}/"
    sets: dict[int, VariantSet] = {}
    jobs = _prepared_jobs(collection, config, mode, settings, report)
    own_pool = executor is None
    pool: Executor | None = executor
    in_flight: list[tuple[SourceJob, Future[dict[str, bytes]] | None]] = []
    limit = 2 * _worker_count(config)
    total = len(collection.by_source())
    finished = 0

    def finish_next() -> None:
        nonlocal finished
        _finish(*in_flight.pop(0), folder, prefix, manifest, mode, report, sets)
        finished += 1
        if on_progress:
            on_progress(finished, total)

    try:
        for job in jobs:
            names = [v.name for v in job.plan.variants]
            manifest.use(names)
            if manifest.is_done(folder, names) or not job.plan.variants:
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
    finally:
        if own_pool and pool is not None:
            pool.shutdown(cancel_futures=True)
    return sets


def _prepared_jobs(
    collection: Collection,
    config: Config,
    mode: BuildMode,
    settings: EncodeSettings,
    report: BuildReport,
) -> Iterator[SourceJob]:
    """Strip, probe and plan each source in turn, reporting (not raising) per-file errors."""
    for path, items in collection.by_source().items():
        try:
            job = _prepare(path, items, config, mode, settings, report)
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
) -> SourceJob | None:
    original = _read_source(path)
    report.images += 1
    report.bytes_before += len(original)
    data = strip_location(original, path) if config.strip_location else original
    info = probe(data, path, settings.max_pixels)
    job = SourceJob(path, items, data, data is not original and data != original, info)
    if info.animated:
        report.notes.append(f"{path}: animated image left as it is (no variants)")
        _publish_original(job, mode, report)
        return None
    job.widths = {
        id(i.ref): target_widths(info, _display_width(i.ref, info), config) for i in items
    }
    union = tuple(sorted({w for ws in job.widths.values() for w in ws}))
    digest = hashlib.sha256(data).hexdigest()
    job.plan = plan(info, digest, path.stem, union, settings)
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


def _finish(
    job: SourceJob,
    future: Future[dict[str, bytes]] | None,
    folder: Path,
    prefix: str,
    manifest: Manifest,
    mode: BuildMode,
    report: BuildReport,
    sets: dict[int, VariantSet],
) -> None:
    """Publish one source's encoded variants and hand each reference its VariantSet."""
    try:
        kept = _kept_variants(job, future, folder, manifest, mode, report)
    except AssetsToolError as error:
        report.errors.append(_at_first_ref(error, job.items))
        return
    except Exception as error:  # a crashed worker must not stop the other images
        report.errors.append(
            _at_first_ref(
                ImageError(
                    job.items[0].source.path, f"encoding failed ({error})", "report this file"
                ),
                job.items,
            )
        )
        return
    _publish_original(job, mode, report)
    for item in job.items:
        shown = set(job.widths[id(item.ref)])
        variants = tuple(v for v in kept if v.width in shown)
        sets[id(item.ref)] = VariantSet(
            item.source.url, job.info.width, job.info.height, prefix, variants
        )
        report.bytes_after += _served_bytes(variants, item.ref, job.info)


def _kept_variants(
    job: SourceJob,
    future: Future[dict[str, bytes]] | None,
    folder: Path,
    manifest: Manifest,
    mode: BuildMode,
    report: BuildReport,
) -> tuple[Variant, ...]:
    if job.assumed:
        report.variants_written += len(job.plan.variants)
        report.files_written.extend(folder / v.name for v in job.plan.variants)
        return tuple(Variant(v.width, v.height, v.mime, v.name, 0) for v in job.plan.variants)
    if future is None:
        sizes = manifest.kept([v.name for v in job.plan.variants])
        return tuple(
            Variant(v.width, v.height, v.mime, v.name, sizes[v.name])
            for v in job.plan.variants
            if v.name in sizes
        )
    encoded = future.result()
    kept = keep_smaller(job.plan, encoded)
    kept_names = {v.name for v in kept}
    for name, data in encoded.items():
        manifest.record(name, len(data) if name in kept_names else None)
        if name in kept_names:
            report.variants_written += 1
            report.files_written.append(folder / name)
            if mode.writes:
                write_atomic(folder / name, data)
    return kept


def _rewrite_posts(
    collection: Collection,
    sets: dict[int, VariantSet],
    config: Config,
    mode: BuildMode,
    report: BuildReport,
    revert: bool,
) -> None:
    style = _markup_style(collection, config)
    by_post: dict[Path, list[Resolved]] = {}
    for item in collection.resolved:
        by_post.setdefault(item.post.path, []).append(item)
    for post in collection.posts:
        edits = []
        for item in by_post.get(post.path, []):
            edit = _edit_for(post, item.ref, sets, style, config, revert)
            if edit is not None:
                edits.append(edit)
        new_text = splice(post.text, sorted(edits))
        if new_text == post.text:
            continue
        report.posts_changed.append(post.path)
        if mode.dry_run:
            report.diffs.append(_diff(post, new_text))
        if mode.writes:
            write_atomic(post.path, new_text.encode("utf-8"))


def _edit_for(
    post: Post,
    ref: ImageRef,
    sets: dict[int, VariantSet],
    style: str,
    config: Config,
    revert: bool,
) -> tuple[int, int, str] | None:
    if revert:
        if ref.kind is RefKind.GENERATED and ref.original is not None:
            return (ref.start, ref.end, ref.original)
        return None
    variants = sets.get(id(ref))
    if not rewritable(ref) or variants is None or not variants.variants:
        return None
    original = ref.original if ref.original is not None else post.text[ref.start : ref.end]
    if style == "img" and ref.link_attrs is None:
        # Chirpy wraps every bare <img> in a lightbox link to its src; a link of our own, to
        # the largest variant, keeps the lightbox sharp and stops the theme adding another
        ref = replace(ref, link_attrs=LIGHTBOX_LINK)
    picture = build_picture(
        ref, variants, style=style, default_sizes=config.sizes, marker=encode_original(original)
    )
    return (ref.start, ref.end, render_picture(picture))


def _markup_style(collection: Collection, config: Config) -> str:
    """Pick the markup: theme-safe <img srcset> where Chirpy post-processes the sources."""
    if config.markup != "auto":
        return config.markup
    site = collection.site
    return "img" if site.theme == "chirpy" and not site.built else "picture"


def _display_width(ref: ImageRef, info: ImageInfo) -> int | None:
    if ref.width:
        return ref.width
    if ref.height and info.height:
        return max(1, round(ref.height * info.width / info.height))
    return None


def _served_bytes(variants: tuple[Variant, ...], ref: ImageRef, info: ImageInfo) -> int:
    """Bytes a modern browser at 1x downloads: the smallest file at the narrowest fitting width."""
    if not variants:
        return 0
    wanted = _display_width(ref, info) or min(v.width for v in variants)
    fitting = [v for v in variants if v.width >= wanted] or list(variants)
    width = min(v.width for v in fitting)
    return min(v.size for v in fitting if v.width == width)


def _diff(post: Post, new_text: str) -> str:
    return "".join(
        difflib.unified_diff(
            post.text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"a/{post.path}",
            tofile=f"b/{post.path}",
        )
    )


def _at_first_ref(error: AssetsToolError, items: list[Resolved]) -> AssetsToolError:
    """Name where the image is used, so the author can find the reference."""
    ref = items[0].ref
    uses = f" (used at {ref.post}:{ref.line})"
    return replace_what(error, error.what + uses)


def replace_what(error: AssetsToolError, what: str) -> AssetsToolError:
    """Return a copy of `error` with another description."""
    return type(error)(error.path, what, error.fix, error.line)


def _worker_count(config: Config) -> int:
    return config.workers or os.cpu_count() or 1


def _default_pool(config: Config) -> Executor:
    # the initializer keeps SVT-AV1's encoder logs off the terminal in every worker
    return ProcessPoolExecutor(max_workers=_worker_count(config), initializer=worker_init)


__all__ = ["BuildMode", "BuildReport", "build_site"]


def check_posts(root: Path, config: Config | None = None) -> list[str]:
    """Return one `path: reason` line per thing a build of `root` would still change."""
    config = config or load_config(root)
    report = build_site(root, config, BuildMode(check=True))
    variants = (root / config.output_dir).resolve()
    fix = f"run `assets-tool build {root}`"
    lines = [f"{p}: post not rewritten; {fix}" for p in report.posts_changed]
    for path in report.files_written:
        missing = path.resolve().is_relative_to(variants)
        lines.append(f"{path}: {'variant missing' if missing else 'location data'}; {fix}")
    return lines + report.location_left + [error.message for error in report.errors]

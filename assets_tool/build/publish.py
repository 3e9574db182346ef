"""Publishing one source's results: its variants, its cleaned original, its VariantSets.

Only the driver writes files: the pool returns encoded bytes, and `Publisher` writes them
atomically as they arrive, records them in the manifest and hands every reference of the
source its VariantSet.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_atomic
from ..errors import AssetsToolError, ImageError
from ..models import ImageInfo, ImageRef, Variant, VariantSet
from ..report import BuildMode, BuildReport
from ..scan import Resolved
from .estimates import estimated_variants
from .manifest import Manifest
from .sources import Known, Planned, PlannedFile, SourceCache

if TYPE_CHECKING:
    from ..render import Plan


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
    # every variant planned, set once the source is known not to be animated; the render
    # stage's own Plan only once it is needed (to encode), since a warm run takes the names
    # from the sources cache without importing that stage
    files: tuple[PlannedFile, ...] = ()
    plan: Plan | None = None
    plan_key: str = ""  # what `files` and `widths` were planned from (sources.plan_key)
    widths: dict[ImageRef, tuple[int, ...]] = field(default_factory=dict)  # widths each shows
    shown: dict[ImageRef, int] = field(default_factory=dict)  # CSS px each is displayed at
    assumed: bool = False  # --dry-run, --check: not encoded; every planned variant is assumed kept

    def load(self) -> bytes:
        """Return the bytes to encode, reading the (unchanged, clean) file if not read yet."""
        if self.data is None:
            self.data = read_source(self.path)
        return self.data


def planned_of(job: SourceJob) -> Planned:
    """Return a job's plan as the sources cache records it."""
    return Planned(tuple(job.widths[item.ref] for item in job.items), job.files)


def read_source(path: Path) -> bytes:
    """Return a source's bytes; an unreadable file or a Git LFS pointer is an ImageError."""
    from ..privacy import is_lfs_pointer  # imported late: a warm run reads no source

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
class Publisher:
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
                report.errors.append(at_first_ref(error, job.items))
                return
            self.sources.remember(job.path, Known(job.digest, job.info, True, job.size))
            if job.plan_key:  # planned (an animated image is not)
                self.sources.remember_plan(job.path, job.plan_key, planned_of(job))
        report.locations_removed += 1
        report.files_written.append(job.path)

    def finish(self, job: SourceJob, future: Future[dict[str, bytes]] | None) -> None:
        """Publish one source's encoded variants and hand each reference its VariantSet."""
        report = self.report
        try:
            kept = self._kept_variants(job, future)
        except AssetsToolError as error:
            report.errors.append(at_first_ref(error, job.items))
            return
        except Exception as error:  # a crashed worker must not stop the other images
            failed = ImageError(job.path, f"encoding failed ({error})", "report this file")
            report.errors.append(at_first_ref(failed, job.items))
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
            report.bytes_after += served_bytes(offered, wanted) or job.size

    def _kept_variants(
        self, job: SourceJob, future: Future[dict[str, bytes]] | None
    ) -> tuple[Variant, ...]:
        report, planned = self.report, job.files
        if job.assumed:
            report.variants_written += len(planned)
            report.files_written.extend(self.folder / v.name for v in planned)
            guessed = estimated_variants(job.info, planned, job.size)
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
        from ..render import keep_smaller  # the pool encoded: the render stage is loaded

        assert job.plan is not None  # set when the encode was submitted
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


def served_bytes(variants: tuple[Variant, ...], wanted: int) -> int:
    """Bytes a modern browser at 1x downloads: the smallest file at the narrowest fitting width."""
    if not variants:
        return 0
    fitting = [v for v in variants if v.width >= wanted] or list(variants)
    width = min(v.width for v in fitting)
    return min(v.size for v in fitting if v.width == width)


def at_first_ref(error: AssetsToolError, items: list[Resolved]) -> AssetsToolError:
    """Name where the image is used, so the author can find the reference."""
    ref = items[0].ref
    what = f"{error.what} (used at {ref.post}:{ref.line})"
    return type(error)(error.path, what, error.fix, error.line)

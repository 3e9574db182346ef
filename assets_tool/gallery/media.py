"""The gallery's image half: probe, plan and encode each photo with the render stage, in a pool.

Variant names are content-addressed by the render stage (source bytes + settings), so a
rebuild encodes only new or changed photos; what each photo produced is remembered in the
output's state file (`state`), with its placeholder colour. Each photo is read once, here:
its hash, header, metadata and GPS (`Facts`) are remembered too, so a rebuild opens only the
photos whose files changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..atomic import write_atomic
from ..cache import stat_signature
from ..config import Config
from ..errors import AssetsToolError, ImageError
from ..models import Variant
from ..privacy import strip_location
from ..render import (
    EncodeSettings,
    Plan,
    encode,
    keep_smaller,
    plan,
    probe,
    slug,
    target_widths,
    worker_init,
)
from .captions import read_embedded
from .gate import source_coordinates
from .settings import GallerySettings
from .state import Facts, State

MEDIA_DIR = "media"
ORIGINALS_DIR = "originals"


@dataclass(frozen=True)
class Rendered:
    """What one photo became: its variants, placeholder colour and published original."""

    width: int  # upright size of the source
    height: int
    variants: tuple[Variant, ...]
    colour: str  # "#rrggbb": the dominant colour, shown until the image arrives
    original: str | None  # path of the clean original under the output folder, if published


@dataclass
class _Job:
    path: Path
    data: bytes | None  # None: the file was not opened (known unchanged); read if needed
    plan: Plan  # every variant (the parts' together)
    digest: str
    parts: tuple[Part, ...]

    def bytes(self) -> bytes:
        """Return the photo's bytes, reading them now if they were not read yet."""
        if self.data is None:
            data = _read(self.path)
            if hashlib.sha256(data).hexdigest() != self.digest:
                raise ImageError(self.path, "changed during the build", "build again")
            self.data = data
        return self.data


def encode_settings(settings: GallerySettings, thumbnails: bool = False) -> EncodeSettings:
    """Return the render stage's settings for this gallery (or for its thumbnail widths)."""
    photos = EncodeSettings.from_settings(settings)
    if not thumbnails:
        return photos
    return dataclasses.replace(
        photos,
        avif_quality=settings.thumbnail_avif_quality or photos.avif_quality,
        webp_quality=settings.thumbnail_webp_quality or photos.webp_quality,
    )


# One part of a photo's variants: what to encode and with which settings.
Part = tuple[Plan, EncodeSettings]


def render_photos(
    photos: Iterable[Path],
    out: Path,
    settings: GallerySettings,
    state: State,
    errors: list[AssetsToolError],
    on_done: Callable[[Path], None] | None = None,
) -> dict[Path, Rendered]:
    """Encode what is missing, reuse what the state file and disk already hold; never raise."""
    encoders = (encode_settings(settings, thumbnails=True), encode_settings(settings))
    results: dict[Path, Rendered] = {}
    workers = settings.workers or os.cpu_count() or 1
    pool: Executor | None = None
    in_flight: list[tuple[_Job, Future[tuple[dict[str, bytes], str]]]] = []

    def finish(job: _Job, future: Future[tuple[dict[str, bytes], str]]) -> None:
        try:
            encoded, colour = future.result()
            results[job.path] = _publish(job, encoded, colour, out, state)
            if settings.originals == "clean":
                results[job.path] = _with_original(results[job.path], job, out, state)
        except AssetsToolError as error:
            errors.append(error)
        except Exception as error:  # a crashed worker must not stop the other photos
            errors.append(ImageError(job.path, f"encoding failed ({error})", "report this file"))
        if on_done:
            on_done(job.path)

    try:
        for path in photos:
            try:
                job = _prepare(path, settings, encoders, state)
                reused = state.reuse(job.digest, job.plan, out / MEDIA_DIR)
                if reused is not None:
                    results[path] = _rendered(job, *reused)
                    if settings.originals == "clean":
                        results[path] = _with_original(results[path], job, out, state)
                    if on_done:
                        on_done(path)
                    continue
                data = job.bytes()
            except AssetsToolError as error:
                errors.append(error)
                continue
            if pool is None:
                pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker)
            in_flight.append((job, pool.submit(encode_with_colour, data, path, job.parts)))
            while len(in_flight) >= 2 * workers:
                finish(*in_flight.pop(0))
        while in_flight:
            finish(*in_flight.pop(0))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return results


def _prepare(
    path: Path,
    settings: GallerySettings,
    encoders: tuple[EncodeSettings, EncodeSettings],
    state: State,
) -> _Job:
    data = None
    facts = state.known(path)
    if facts is None:
        stat = stat_signature(path)  # before the read: a write after it shows next time
        data = _read(path)
        facts = _facts(data, path, settings.max_pixels, state)
        state.learn(path, facts, stat)
    if facts.info.animated:
        raise ImageError(path, "animated images are not supported in galleries", "use a still")
    widths = target_widths(facts.info, None, Config(widths=settings.widths))
    # the grid's widths: shown at 2x density or more, where a lower quality is not visible
    small = tuple(w for w in widths if w <= settings.thumbnail_max)
    chosen = (small, tuple(w for w in widths if w > settings.thumbnail_max))
    parts = tuple(
        (plan(facts.info, facts.digest, path.stem, part, encoder), encoder)
        for part, encoder in zip(chosen, encoders, strict=True)
        if part
    )
    whole = Plan(facts.info, tuple(v for part, _ in parts for v in part.variants))
    return _Job(path, data, whole, facts.digest, parts)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImageError(path, f"cannot read ({exc.strerror})", "check its permissions") from exc


def _facts(data: bytes, path: Path, max_pixels: int, state: State) -> Facts:
    """Read everything a build needs from a photo's bytes: hash, header, metadata, GPS."""
    coordinates = source_coordinates(data, path)
    if coordinates:  # audited for even when the photo itself cannot be used
        state.located[path] = coordinates
    info = probe(data, path, max_pixels)
    try:
        embedded = read_embedded(data)
    except (OSError, ValueError) as exc:
        raise ImageError(path, f"cannot read metadata ({exc})", "fix or re-save it") from exc
    return Facts(hashlib.sha256(data).hexdigest(), info, embedded, coordinates)


def encode_with_colour(
    data: bytes, path: Path, parts: tuple[Part, ...]
) -> tuple[dict[str, bytes], str]:
    """Encode every planned variant and measure the dominant colour (runs in a worker)."""
    encoded: dict[str, bytes] = {}
    for part, settings in parts:
        encoded.update(encode(data, path, part, settings))
    smallest = min(encoded.values(), key=len)
    return encoded, dominant_colour(smallest)


def dominant_colour(data: bytes) -> str:
    """Return the most common of a few quantised colours of an image, as #rrggbb."""
    with Image.open(io.BytesIO(data)) as im:
        small = im.convert("RGB").resize((24, 24), Image.Resampling.BILINEAR)
    palette = small.quantize(colors=4)
    counts = sorted(palette.getcolors() or [(1, 0)], reverse=True)
    index = counts[0][1]
    at = int(index) * 3 if isinstance(index, int) else 0
    rgb = (palette.getpalette() or [0, 0, 0])[at : at + 3]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _publish(
    job: _Job, encoded: dict[str, bytes], colour: str, out: Path, state: State
) -> Rendered:
    kept = keep_smaller(job.plan, encoded)
    for variant in kept:
        target = out / MEDIA_DIR / variant.name
        try:
            write_atomic(target, encoded[variant.name])
        except OSError as exc:
            raise ImageError(target, f"cannot write ({exc.strerror})", "check free space") from exc
    state.remember(job.digest, job.plan, kept, colour)
    return _rendered(job, kept, colour)


def _rendered(job: _Job, kept: tuple[Variant, ...], colour: str) -> Rendered:
    return Rendered(job.plan.info.width, job.plan.info.height, kept, colour, None)


def _with_original(rendered: Rendered, job: _Job, out: Path, state: State) -> Rendered:
    """Publish the original with its location removed losslessly (same pixels)."""
    ext = job.path.suffix.lower()
    rel = f"{ORIGINALS_DIR}/{slug(job.path.stem)}-{job.digest[:10]}{ext}"
    target = out / rel
    if not target.is_file():
        clean = strip_location(job.bytes(), job.path)
        try:
            write_atomic(target, clean)
        except OSError as exc:
            raise ImageError(target, f"cannot write ({exc.strerror})", "check free space") from exc
    state.produced(rel)
    return Rendered(rendered.width, rendered.height, rendered.variants, rendered.colour, rel)


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group: the driver stops the run
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_init()

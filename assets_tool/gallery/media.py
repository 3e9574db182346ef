"""The gallery's image half: probe, plan and encode each photo with the render stage, in a pool.

Variant names are content-addressed by the render stage (source bytes + settings), so a
rebuild encodes only new or changed photos; what each photo produced is remembered in the
output's state file (`state`), with its placeholder colour.
"""

from __future__ import annotations

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
from .settings import GallerySettings
from .state import State

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
    data: bytes
    plan: Plan
    digest: str


def encode_settings(settings: GallerySettings) -> EncodeSettings:
    """Return the render stage's settings for this gallery."""
    return EncodeSettings.from_settings(settings)


def render_photos(
    photos: Iterable[Path],
    out: Path,
    settings: GallerySettings,
    state: State,
    errors: list[AssetsToolError],
    on_done: Callable[[Path], None] | None = None,
) -> dict[Path, Rendered]:
    """Encode what is missing, reuse what the state file and disk already hold; never raise."""
    encoder = encode_settings(settings)
    config = Config(widths=settings.widths)
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
                job = _prepare(path, encoder, config)
                reused = state.reuse(job.digest, job.plan, out / MEDIA_DIR)
                if reused is not None:
                    results[path] = _rendered(job, *reused)
                    if settings.originals == "clean":
                        results[path] = _with_original(results[path], job, out, state)
                    if on_done:
                        on_done(path)
                    continue
            except AssetsToolError as error:
                errors.append(error)
                continue
            if pool is None:
                pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker)
            in_flight.append(
                (job, pool.submit(encode_with_colour, job.data, path, job.plan, encoder))
            )
            while len(in_flight) >= 2 * workers:
                finish(*in_flight.pop(0))
        while in_flight:
            finish(*in_flight.pop(0))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return results


def _prepare(path: Path, encoder: EncodeSettings, config: Config) -> _Job:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageError(path, f"cannot read ({exc.strerror})", "check its permissions") from exc
    info = probe(data, path, encoder.max_pixels)
    if info.animated:
        raise ImageError(path, "animated images are not supported in galleries", "use a still")
    digest = hashlib.sha256(data).hexdigest()
    widths = target_widths(info, None, config)
    return _Job(path, data, plan(info, digest, path.stem, widths, encoder), digest)


def encode_with_colour(
    data: bytes, path: Path, job_plan: Plan, settings: EncodeSettings
) -> tuple[dict[str, bytes], str]:
    """Encode every planned variant and measure the dominant colour (runs in a worker)."""
    encoded = encode(data, path, job_plan, settings)
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
        clean = strip_location(job.data, job.path)
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

"""Encode the planned variants of one source: a pure function run in worker processes."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from PIL import Image

from ..errors import ImageError
from .decoding import decode
from .planning import EncodeSettings, Plan, PlannedVariant, avif_speed_at

# libavif in Pillow itself has only libaom; SVT-AV1 and rav1e come with pillow-avif-plugin,
# whose import re-registers the AVIF plugin for the whole process.
PLUGIN_CODECS = ("svt", "rav1e")


def worker_init() -> None:
    """Prepare a worker process: encoder logs off the terminal (use as a pool initializer)."""
    # SVT-AV1 reads SVT_LOG when an encoder starts and prints its banner to stderr otherwise
    os.environ["SVT_LOG"] = "0"


def _avif_ready(codec: str) -> None:
    worker_init()
    if codec in PLUGIN_CODECS:
        import pillow_avif  # noqa: F401


# Every resize starts from an image at least this many times as wide as its result. Measured
# by SSIMULACRA2 on 12 MP photos (AVIF q48 at 800 px): a JPEG decoded at half scale by libjpeg
# (draft) or a resize from the next rung (1200 -> 800) each lose about a point against one
# LANCZOS resize from the full image; from twice the width or more, nothing measurable.
RESIZE_MARGIN = 2


def encode(data: bytes, path: Path, plan: Plan, settings: EncodeSettings) -> dict[str, bytes]:
    """Decode `data` once and encode every planned variant; return name -> bytes."""
    if not plan.variants:
        return {}
    widths = sorted({v.width for v in plan.variants}, reverse=True)
    source = decode(data, path, RESIZE_MARGIN * widths[0], settings.max_pixels)
    icc = source.info.get("icc_profile")
    out: dict[str, bytes] = {}
    made = [source]
    for width in widths:
        rungs = [v for v in plan.variants if v.width == width]
        resized = _resized(made, (width, rungs[0].height))
        made.append(resized)
        for variant in rungs:
            out[variant.name] = _save(resized, variant, plan, settings, icc, path)
    return out


def _resized(made: list[Image.Image], size: tuple[int, int]) -> Image.Image:
    """Resize from the narrowest image made so far that is wide enough to keep the detail."""
    # a 400 px rung from the 1200 px one is as sharp as from the source, and ten times cheaper
    wide_enough = [im for im in made if im.width >= RESIZE_MARGIN * size[0]] or made[:1]
    base = min(wide_enough, key=lambda im: im.width)
    if base.size == size:
        return base
    return base.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _save(
    im: Image.Image,
    variant: PlannedVariant,
    plan: Plan,
    settings: EncodeSettings,
    icc: bytes | None,
    path: Path,
) -> bytes:
    fmt = variant.format
    options = _options(fmt, plan, settings, variant.width)
    if fmt == "avif":
        _avif_ready(settings.avif_codec)
    if icc:
        options["icc_profile"] = icc
    if fmt == "jpeg" and im.mode != "RGB":
        im = im.convert("RGB")
    buf = io.BytesIO()
    try:
        im.save(buf, fmt.upper(), **options)
    except (OSError, ValueError) as exc:
        raise ImageError(path, f"cannot encode {variant.name} ({exc})", "report this file") from exc
    return buf.getvalue()


def _options(fmt: str, plan: Plan, settings: EncodeSettings, width: int) -> dict[str, Any]:
    """Return the save() options of one format; no EXIF or XMP in any of them."""
    graphic = plan.info.graphic
    # exif/xmp empty on purpose: some plugins copy im.info["exif"] or ["xmp"] by default
    strip: dict[str, Any] = {"exif": b"", "xmp": b""}
    if fmt == "avif":
        avif = {
            **strip,
            "quality": settings.avif_quality,
            "speed": avif_speed_at(settings, width),
            "codec": settings.avif_codec,
        }
        if settings.avif_codec == "aom":
            # 4:4:4 as sharp: 4:2:0 costs aom 1-2 SSIMULACRA2 points per byte; one thread,
            # because aom's output bytes depend on its thread count (content-addressed names
            # must not), and the build already runs one encoder per core
            return {**avif, "subsampling": "4:4:4", "max_threads": 1}
        return {**avif, "subsampling": "4:2:0"}  # SVT-AV1 encodes 4:2:0 only
    if fmt == "webp":
        if graphic:
            return {**strip, "lossless": True, "quality": 80, "method": 4}
        return {**strip, "quality": settings.webp_quality, "method": 4}
    if fmt == "jpeg":
        return {
            **strip,
            "quality": settings.jpeg_quality,
            "optimize": True,
            "progressive": True,
            "subsampling": "4:2:0",
        }
    return {"optimize": True}

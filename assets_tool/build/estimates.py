"""Byte sizes of variants a run plans but does not encode (`--dry-run`, `--check`).

Planning without encoding keeps those runs to seconds; the price is that the sizes of
variants not yet encoded are estimates, which the summary marks as such.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import ImageInfo, Variant
from .sources import PlannedFile

# a variant's bytes per pixel relative to its source's, measured on the example site's 12 MP
# phone photos (JPEG q92 sources) at the default qualities: a rough, format-aware guess
_RATIO = {"image/avif": 0.2, "image/webp": 0.21, "image/jpeg": 0.41, "image/png": 1.0}


def estimated_variants(
    info: ImageInfo, planned: Sequence[PlannedFile], source_bytes: int
) -> tuple[Variant, ...]:
    """Return every planned variant of a source with an estimated byte size."""
    per_pixel = source_bytes / max(1, info.width * info.height)
    return tuple(
        Variant(v.width, v.height, v.mime, v.name, _guess(v.width * v.height, per_pixel, v.mime))
        for v in planned
    )


def _guess(pixels: int, per_pixel: float, mime: str) -> int:
    return max(1, round(pixels * per_pixel * _RATIO.get(mime, 1.0)))

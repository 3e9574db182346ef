"""The render stage: plan variant widths and formats (pure), then encode them with Pillow.

Planning lives in `planning`, decoding in `decoding`, encoding in `encoding`; this package
is what the rest of assets-tool imports; it knows nothing of sites, posts or markup.

Choices, measured in benchmarks/ENCODERS.md:
- Colour: the source's RGB ICC profile (Display P3 from phones) is embedded in every variant,
  so wide-gamut screens keep the colours and every browser colour-manages them. CMYK and grey
  profiles cannot ride along in RGB files: those sources are converted to sRGB (ImageCms)
  and carry no profile. A source without a profile gets none.
- Metadata: variants carry no EXIF, XMP or IPTC, only the colour profile; orientation is
  applied to the pixels.
- Photos: AVIF (libaom 4:4:4 in Pillow's own plugin by default, SVT-AV1 as the fast option)
  and lossy WebP, with a progressive JPEG fallback. Graphics
  (screenshots: PNG/GIF/lossless WebP with alpha or at most 256 colours): lossless WebP with a
  PNG fallback, and no AVIF. Images with alpha fall back to PNG.
- Animated GIF/WebP are left as they are: `plan` gives them no variants.
"""

from __future__ import annotations

from .decoding import decode, probe
from .encoding import encode, worker_init
from .planning import (
    RENDER_VERSION,
    EncodeSettings,
    Plan,
    PlannedVariant,
    fallback_width,
    keep_smaller,
    plan,
    slug,
    target_widths,
    without_format,
)

__all__ = [
    "RENDER_VERSION",
    "EncodeSettings",
    "Plan",
    "PlannedVariant",
    "decode",
    "encode",
    "fallback_width",
    "keep_smaller",
    "plan",
    "probe",
    "slug",
    "target_widths",
    "without_format",
    "worker_init",
]

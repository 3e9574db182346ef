"""Plan the variants of one source: widths, formats and content-addressed names (pure).

Order of `Plan.variants`: by format in order of preference (the modern formats from the
settings, then the fallback), narrowest first within a format: the order of the
`<source>` elements in a `<picture>`, with the fallback last as in the `<img>`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from ..config import Config, EncoderChoices
from ..models import ImageInfo, Variant

# Bump when a change in the code changes encoded bytes, so no stale name is reused.
RENDER_VERSION = "2"

# Each AVIF encoder's quality, speed, and speed for variants wider than WIDE_AVIF px, when the
# settings leave them at 0, measured by SSIMULACRA2 against sharp (benchmarks/ENCODERS.md):
# libaom speed 6 q48 4:4:4 gives 1.08x sharp's bytes at its score; at 2400 px speed 8 gives
# the same bytes 0.7 points lower in a third of the time (at 1600 px it costs 1.7 points and
# 11 % more bytes, so narrower variants keep speed 6); SVT-AV1 speed 7 q60 4:2:0 costs a fifth
# of libaom's CPU for 1.6x the bytes.
AVIF_DEFAULTS = {"aom": (48, 6, 8), "svt": (60, 7, 7)}
WIDE_AVIF = 2000

MIME = {
    "avif": "image/avif",
    "webp": "image/webp",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
FALLBACKS = ("jpeg", "png")


@dataclass(frozen=True)
class EncodeSettings:
    """Everything that changes encoded bytes; hashed into variant names."""

    formats: tuple[str, ...]
    avif_codec: str
    avif_quality: int
    avif_speed: int
    avif_wide_speed: int  # for variants wider than WIDE_AVIF px
    webp_quality: int
    jpeg_quality: int
    max_pixels: int

    @classmethod
    def from_settings(cls, settings: EncoderChoices) -> EncodeSettings:
        """Take the encoder settings from a Config or the gallery's settings."""
        quality, speed, wide_speed = AVIF_DEFAULTS[settings.avif_encoder]
        return cls(
            formats=settings.formats,
            avif_codec=settings.avif_encoder,
            avif_quality=settings.avif_quality or quality,
            # a speed the user chose holds for every width
            avif_speed=settings.avif_speed or speed,
            avif_wide_speed=settings.avif_speed or wide_speed,
            webp_quality=settings.webp_quality,
            jpeg_quality=settings.jpeg_quality,
            max_pixels=settings.max_pixels,
        )


@dataclass(frozen=True)
class PlannedVariant:
    """One file to encode: its size, type and content-addressed name."""

    width: int
    height: int
    mime: str
    name: str

    @property
    def format(self) -> str:
        """Return the short format name (avif, webp, jpeg, png)."""
        return next(fmt for fmt, mime in MIME.items() if mime == self.mime)


@dataclass(frozen=True)
class Plan:
    """What to make from one source; no variants for an animated image."""

    info: ImageInfo
    variants: tuple[PlannedVariant, ...]

    @property
    def fallback(self) -> str:
        """Return the fallback format of this source: png for graphics and alpha, else jpeg."""
        return fallback_format(self.info)


def fallback_format(info: ImageInfo) -> str:
    """Return "png" for graphics and images with alpha, "jpeg" for photos."""
    return "png" if info.graphic or info.has_alpha else "jpeg"


def modern_formats(info: ImageInfo, settings: EncodeSettings) -> tuple[str, ...]:
    """Return the modern formats to offer before the fallback, in order of preference."""
    # Graphics leave AVIF out: its lossless mode is larger than lossless WebP and not exact
    # (RGB -> YUV), and its lossy mode blurs text (benchmarks/ENCODERS.md).
    return tuple(f for f in settings.formats if not (info.graphic and f == "avif"))


def target_widths(info: ImageInfo, display_width: int | None, config: Config) -> tuple[int, ...]:
    """Return the widths to render, never wider than the source, narrowest first."""
    if display_width:
        wanted = sorted({display_width * d for d in config.densities})
    else:
        wanted = sorted(set(config.widths)) or [info.width]
    kept = [w for w in wanted if w <= info.width]
    if len(kept) < len(wanted) and info.width not in kept:
        # the next rung is too wide: offer the source's own width as the largest instead
        kept.append(info.width)
    return tuple(kept)


def fallback_width(widths: tuple[int, ...]) -> int:
    """Return the one width of a reference's JPEG/PNG fallback: the middle of its widths."""
    # only browsers without WebP fetch the fallback (none in use) and readers that ignore
    # srcset (feeds, mail): one mid-size file serves both, where a full ladder of JPEGs
    # weighed more than every modern variant together
    ordered = sorted(widths)
    return ordered[len(ordered) // 2]


def slug(stem: str) -> str:
    """Reduce a file stem to lower-case letters, digits and "-", or "img" when nothing is left."""
    # any script's letters are kept (`Brügge1` -> `brügge1`, Korean names stay readable); NFC,
    # so a name typed on macOS (decomposed) and on Linux gives the same variant names
    lowered = unicodedata.normalize("NFC", unicodedata.normalize("NFC", stem).lower())
    # combining marks stay too: Devanagari vowel signs, the dot of a lower-cased "İ"
    kept = "".join(c if c.isalnum() or unicodedata.category(c)[0] == "M" else "-" for c in lowered)
    return re.sub("-+", "-", kept).strip("-") or "img"


def format_settings(fmt: str, info: ImageInfo, settings: EncodeSettings) -> tuple[object, ...]:
    """Return the settings that change one format's bytes (hashed into its names)."""
    if fmt == "avif":
        speeds = (settings.avif_speed, settings.avif_wide_speed)
        return ("avif", settings.avif_codec, settings.avif_quality, *speeds)
    if fmt == "webp":
        return ("webp-lossless",) if info.graphic else ("webp", settings.webp_quality)
    if fmt == "jpeg":
        return ("jpeg", settings.jpeg_quality)
    return ("png",)


def variant_name(stem: str, digest: str, width: int, fmt: str, key: tuple[object, ...]) -> str:
    """Return `{stem}-{width}-{hash}.{ext}`, the hash covering bytes, settings and width."""
    text = f"{digest}|{key!r}|{width}|{RENDER_VERSION}"
    short = hashlib.sha256(text.encode()).hexdigest()[:10]
    return f"{slug(stem)}-{width}-{short}.{EXTENSION[fmt]}"


def scaled_height(info: ImageInfo, width: int) -> int:
    """Return the height of a `width`-wide variant, keeping the source's aspect ratio."""
    return max(1, round(info.height * width / info.width))


def plan(
    info: ImageInfo,
    digest: str,
    stem: str,
    widths: tuple[int, ...],
    settings: EncodeSettings,
    fallback_widths: tuple[int, ...] | None = None,
) -> Plan:
    """Plan every variant of one source (the fallback only at `fallback_widths`, if given).

    An animated source gets none (left as is).
    """
    if info.animated:
        return Plan(info, ())
    variants = []
    fallback = fallback_format(info)
    for fmt in (*modern_formats(info, settings), fallback):
        key = format_settings(fmt, info, settings)
        chosen = fallback_widths if fmt == fallback and fallback_widths is not None else widths
        for width in sorted(set(chosen)):
            name = variant_name(stem, digest, width, fmt, key)
            variants.append(PlannedVariant(width, scaled_height(info, width), MIME[fmt], name))
    return Plan(info, tuple(variants))


def without_format(plan: Plan, fmt: str) -> Plan:
    """Return `plan` less its variants of one format (AVIF left for a later run)."""
    return Plan(plan.info, tuple(v for v in plan.variants if v.format != fmt))


def avif_speed_at(settings: EncodeSettings, width: int) -> int:
    """Return the AVIF encoder speed for a variant `width` px wide."""
    return settings.avif_wide_speed if width > WIDE_AVIF else settings.avif_speed


def keep_smaller(plan: Plan, encoded: dict[str, bytes]) -> tuple[Variant, ...]:
    """Return the variants to publish: drop AVIF/WebP files larger than their width's fallback."""
    fallback_mime = MIME[plan.fallback]
    fallback_size = {
        v.width: len(encoded[v.name]) for v in plan.variants if v.mime == fallback_mime
    }
    kept = []
    for v in plan.variants:
        size = len(encoded[v.name])
        if v.mime != fallback_mime and size > fallback_size.get(v.width, size):
            continue
        kept.append(Variant(v.width, v.height, v.mime, v.name, size))
    return tuple(kept)

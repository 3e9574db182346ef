"""Read a source image: probe its header, decode it once, upright, in an encodable mode."""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..errors import ImageError
from ..models import ImageInfo

ORIENTATION_TAG = 0x0112
ROTATED = (5, 6, 7, 8)  # orientations whose stored width is the upright height
GRAPHIC_FORMATS = ("PNG", "GIF", "WEBP")
FEW_COLOURS_MODES = ("1", "L", "P", "LA", "PA")
ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
FIX = "re-export or replace the file"
# raster formats a blog serves or a camera writes; never EPS/PDF-like plugins that run
# external programs (Ghostscript) on untrusted files. HEIF counts when pillow-heif is loaded.
RASTER_FORMATS = ("JPEG", "MPO", "PNG", "GIF", "WEBP", "AVIF", "HEIF", "TIFF", "BMP")
# JPEG and MPO (JPEG with secondary images: phones' depth or gain maps) decode through libjpeg
JPEG_FORMATS = ("JPEG", "MPO")


@contextmanager
def opened(data: bytes, path: Path, max_pixels: int) -> Iterator[Image.Image]:
    """Open `data` as an image, turning every failure into one ImageError naming `path`."""
    if not data:
        raise ImageError(path, "empty file (0 bytes)", FIX)
    saved = Image.MAX_IMAGE_PIXELS
    # Pillow warns past MAX_IMAGE_PIXELS and refuses past twice that: make its refusal ours.
    Image.MAX_IMAGE_PIXELS = max(1, max_pixels // 2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_formats()) as im:
                if im.width * im.height > max_pixels:
                    raise _too_big(path, im.width * im.height, max_pixels)
                yield im
    except Image.DecompressionBombError as exc:
        raise _too_big(path, None, max_pixels) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(
            path, f"not a supported image (one of {', '.join(_formats())})", FIX
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(path, f"corrupt or truncated image ({exc})", FIX) from exc
    finally:
        Image.MAX_IMAGE_PIXELS = saved


@functools.cache
def _formats() -> list[str]:
    Image.init()
    _register_heif()
    return [f for f in RASTER_FORMATS if f in Image.OPEN]


def _register_heif() -> None:
    """Let Pillow open HEIC/HEIF originals when the optional `heif` extra is installed."""
    try:
        import pillow_heif
    except ImportError:
        return
    pillow_heif.register_heif_opener()


def _too_big(path: Path, pixels: int | None, max_pixels: int) -> ImageError:
    count = f"{pixels:,} pixels" if pixels else "too many pixels"
    return ImageError(
        path,
        f"image too large ({count}, limit {max_pixels:,}; possible decompression bomb)",
        "shrink the image, or raise `max_pixels` if you trust it",
    )


def orientation(im: Image.Image) -> int:
    """Return the EXIF orientation (1-8) of an open image, 1 when absent or invalid."""
    try:
        value = im.getexif().get(ORIENTATION_TAG, 1)
    except Exception:  # a broken EXIF block must not stop the image being rendered
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def has_alpha(im: Image.Image) -> bool:
    """Tell whether an open image has an alpha channel or a transparent palette entry."""
    return im.mode in ALPHA_MODES or "transparency" in im.info


def _is_graphic(im: Image.Image, data: bytes, alpha: bool) -> bool:
    if im.format not in GRAPHIC_FORMATS:
        return False
    if im.format == "WEBP" and not webp_lossless(data):
        return False
    if alpha or im.mode in FEW_COLOURS_MODES:
        return True
    # a truecolour PNG/WebP without alpha: count colours (decodes, but such files are small)
    return im.convert("RGB").getcolors(256) is not None


def webp_lossless(data: bytes) -> bool:
    """Tell whether a WebP file holds a lossless (VP8L) bitstream, walking its RIFF chunks."""
    pos = 12
    while pos + 8 <= len(data):
        fourcc = data[pos : pos + 4]
        if fourcc in (b"VP8L", b"VP8 "):
            return fourcc == b"VP8L"
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        pos += 8 + size + (size & 1)
    return False


def probe(data: bytes, path: Path, max_pixels: int) -> ImageInfo:
    """Read what the header tells about an image (format, upright size, alpha, animation)."""
    with opened(data, path, max_pixels) as im:
        fmt = im.format or "unknown"
        width, height = im.size
        if orientation(im) in ROTATED:
            width, height = height, width
        alpha = has_alpha(im)
        # an MPO's extra frames are depth/gain maps, not animation: render its first image
        animated = fmt != "MPO" and getattr(im, "n_frames", 1) > 1
        graphic = _is_graphic(im, data, alpha)
    with opened(data, path, max_pixels) as im:
        _check_complete(im)
    return ImageInfo(fmt, width, height, alpha, animated, graphic)


def _check_complete(im: Image.Image) -> None:
    """Catch truncated files cheaply: a 1/8-scale JPEG decode, a PNG chunk walk."""
    if im.format in JPEG_FORMATS:
        im.draft(im.mode, (max(1, im.width // 8), max(1, im.height // 8)))
        im.load()
    elif im.format == "PNG":
        im.verify()


def decode(data: bytes, path: Path, largest: int, max_pixels: int) -> Image.Image:
    """Decode once: upright, RGB or RGBA, at least `largest` px wide, only its ICC profile kept."""
    with opened(data, path, max_pixels) as im:
        turn = orientation(im)
        if im.format in JPEG_FORMATS:
            _draft(im, largest, turn)
        im.load()
        upright = ImageOps.exif_transpose(im)
        return _normalised(upright, path)


def _draft(im: Image.Image, largest: int, turn: int) -> None:
    """Let libjpeg decode at the smallest DCT scale still at least `largest` px wide upright."""
    stored_w, stored_h = im.size
    upright_w = stored_h if turn in ROTATED else stored_w
    if largest >= upright_w:
        return
    scale = largest / upright_w
    # draft works on the stored buffer: its height is the upright width when rotated
    need = (stored_w * scale, largest) if turn in ROTATED else (largest, stored_h * scale)
    im.draft(im.mode, (int(need[0]) + 1, int(need[1]) + 1))


def _normalised(im: Image.Image, path: Path) -> Image.Image:
    """Convert to RGB/RGBA and drop every info entry but an RGB ICC profile."""
    icc = im.info.get("icc_profile") or None
    if icc and icc[16:20] != b"RGB ":
        # a CMYK or grey profile cannot ride along in an RGB file: convert to sRGB instead
        im = _to_srgb(im, icc, path)
        icc = None
    im = _to_rgb_mode(im)  # CMYK without a profile: the naive conversion is all there is
    im.info = {"icc_profile": icc} if icc else {}
    return im


def _to_srgb(im: Image.Image, icc: bytes, path: Path) -> Image.Image:
    """Colour-manage a CMYK or grey image to sRGB through its own profile."""
    space = icc[16:20]
    if not (
        (space == b"CMYK" and im.mode == "CMYK") or (space == b"GRAY" and im.mode in ("L", "LA"))
    ):
        return im  # the profile does not describe these pixels: ignore it
    alpha = im.getchannel("A") if im.mode == "LA" else None
    src = im.convert("L") if alpha is not None else im
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        out = ImageCms.profileToProfile(
            src, profile, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError) as exc:
        raise ImageError(
            path, f"unusable {space.decode().strip()} ICC profile ({exc})", FIX
        ) from exc
    assert out is not None
    if alpha is not None:
        out.putalpha(alpha)
    return out


def _to_rgb_mode(im: Image.Image) -> Image.Image:
    """Return an RGB or RGBA image holding the same picture (16-bit scaled, not clipped)."""
    if im.mode in ("RGB", "RGBA"):
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grey: scale 0..65535 to 0..255 (a plain convert("L") would clip)
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L").convert("RGB")
    if im.mode == "F":
        return im.convert("L").convert("RGB")
    if has_alpha(im) or im.mode in ("PA", "LA", "La", "RGBa"):
        return im.convert("RGBA")
    return im.convert("RGB")

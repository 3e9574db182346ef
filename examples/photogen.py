"""Deterministic test photos: a phone-like 12 MP JPEG and the awkward shapes real sites contain.

The main photo mimics what an iPhone writes: EXIF Orientation 6 (pixels stored sideways),
a Display P3 ICC profile, GPS in both EXIF and XMP. Everything is a pure function of its
arguments, so the same call gives the same bytes on every run.

Orientation convention: `width`/`height` are the *stored* pixel dimensions. For orientations
5-8 the upright scene is `height` x `width` (a 4000x3000 buffer with orientation 6 is a
3000x4000 portrait photo). The upright scene carries a white marker block in its top-left
corner (`marker_box`), so a test can tell whether an output really is upright, and a flat
colour patch at the middle of its top edge (`patch_box`), whose sRGB value tells whether an
output was colour-converted from Display P3 (`PATCH_COLOR_AS_SRGB`) or not (`PATCH_COLOR`).
"""

from __future__ import annotations

import io

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from examples.icc import DISPLAY_P3, display_p3_profile
from examples.scene import (
    MARKER_COLOR,
    PATCH_COLOR,
    PATCH_COLOR_AS_SRGB,
    draw_scene,
    marker_box,
    patch_box,
)
from examples.shapes import (
    make_16bit_png,
    make_animated_gif,
    make_animated_webp,
    make_cmyk_jpeg,
    make_palette_png_with_transparency,
    make_png,
)

__all__ = [
    "DISPLAY_P3",
    "MARKER_COLOR",
    "PATCH_COLOR",
    "PATCH_COLOR_AS_SRGB",
    "display_p3_profile",
    "make_16bit_png",
    "make_animated_gif",
    "make_animated_webp",
    "make_cmyk_jpeg",
    "make_palette_png_with_transparency",
    "make_photo",
    "make_png",
    "marker_box",
    "patch_box",
    "upright_size",
]

DATE_TAKEN = "2025:01:06 18:40:00"
# Pillow transposes that undo each EXIF orientation (what ImageOps.exif_transpose applies)...
_UNDO = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# ...and their inverses, which turn the upright scene into the stored buffer.
_DO = {**_UNDO, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def upright_size(width: int, height: int, orientation: int = 6) -> tuple[int, int]:
    """Return the upright (display) size of a stored `width` x `height` buffer."""
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Return a coordinate as EXIF degrees, minutes, seconds (sign dropped)."""
    value = abs(value)
    deg = int(value)
    minutes = int((value - deg) * 60)
    seconds = round(((value - deg) * 60 - minutes) * 60 * 10000)
    return IFDRational(deg, 1), IFDRational(minutes, 1), IFDRational(seconds, 10000)


def _exif(
    size: tuple[int, int], orientation: int, make: str, model: str, gps: tuple[float, float] | None
) -> Image.Exif:
    """Build the EXIF a phone writes, with every tag the EXIF spec requires (exiftool -validate)."""
    exif = Image.Exif()
    exif.update(
        {
            0x010F: make,
            0x0110: model,
            0x0112: orientation,
            0x011A: IFDRational(72, 1),  # XResolution
            0x011B: IFDRational(72, 1),  # YResolution
            0x0128: 2,  # ResolutionUnit: inches
            0x0131: "17.2",  # Software
            0x0132: DATE_TAKEN,  # ModifyDate
            0x0213: 1,  # YCbCrPositioning: centred
        }
    )
    exif.get_ifd(0x8769).update(
        {
            0x9000: b"0232",  # ExifVersion
            0x9003: DATE_TAKEN,  # DateTimeOriginal
            0x9004: DATE_TAKEN,  # CreateDate
            0x9101: b"\x01\x02\x03\x00",  # ComponentsConfiguration: Y Cb Cr
            0xA000: b"0100",  # FlashpixVersion
            0xA001: 0xFFFF,  # ColorSpace: uncalibrated, as phones mark Display P3 photos
            0xA002: size[0],  # ExifImageWidth
            0xA003: size[1],  # ExifImageHeight
        }
    )
    if gps is not None:
        lat, lon = gps
        exif.get_ifd(0x8825).update(
            {
                0: b"\x02\x02\x00\x00",
                1: "N" if lat >= 0 else "S",
                2: dms(lat),
                3: "E" if lon >= 0 else "W",
                4: dms(lon),
                5: b"\x00",
                6: IFDRational(6105, 100),
            }
        )
    return exif


def _xmp(gps: tuple[float, float]) -> bytes:
    def coord(value: float, pos: str, neg: str) -> str:
        deg = int(abs(value))
        minutes = (abs(value) - deg) * 60
        return f"{deg},{minutes:.6f}{pos if value >= 0 else neg}"

    lat, lon = gps
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:exif="http://ns.adobe.com/exif/1.0/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        f'   exif:GPSLatitude="{coord(lat, "N", "S")}"\n'
        f'   exif:GPSLongitude="{coord(lon, "E", "W")}"\n'
        '   exif:GPSAltitude="6105/100"\n'
        '   xmp:CreateDate="2025-01-06T18:40:00"/>\n'
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def make_photo(
    width: int = 4000,
    height: int = 3000,
    *,
    seed: int = 0,
    orientation: int = 6,
    icc: bytes | None = DISPLAY_P3,
    gps: tuple[float, float] | None = (36.0909, -115.1760),
    xmp_gps: bool = True,
    make: str = "Apple",
    model: str = "iPhone 15 Pro",
    quality: int = 90,
    mode: str = "RGB",
) -> bytes:
    """Return a phone-like JPEG: stored `width` x `height`, EXIF/GPS/XMP/ICC as requested."""
    up_w, up_h = upright_size(width, height, orientation)
    img = draw_scene((up_w, up_h), seed)
    if orientation in _DO:
        img = img.transpose(_DO[orientation])
    if mode != "RGB":
        # `icc` must describe `mode`'s colour space: pass icc=None (or a matching profile).
        img = img.convert(mode)
    params: dict[str, object] = {
        "quality": quality,
        "exif": _exif(img.size, orientation, make, model, gps),
    }
    if icc is not None:
        params["icc_profile"] = icc
    if gps is not None and xmp_gps:
        params["xmp"] = _xmp(gps)
    out = io.BytesIO()
    img.save(out, "JPEG", **params)
    return out.getvalue()

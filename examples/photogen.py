"""Deterministic test photos: a phone-like 12 MP JPEG and the awkward shapes real sites contain.

The main photo mimics what an iPhone writes: EXIF Orientation 6 (pixels stored sideways),
a Display P3 ICC profile, GPS in both EXIF and XMP. Everything is a pure function of its
arguments, so the same call gives the same bytes on every run.

Orientation convention: `width`/`height` are the *stored* pixel dimensions. For orientations
5-8 the upright scene is `height` x `width` (a 4000x3000 buffer with orientation 6 is a
3000x4000 portrait photo). The upright scene carries a white marker block in its top-left
corner (`marker_box`), so a test can tell whether an output really is upright.
"""

from __future__ import annotations

import io
import math
import random
import struct

from PIL import Image, ImageChops, ImageDraw, ImageFilter
from PIL.TiffImagePlugin import IFDRational

__all__ = [
    "DISPLAY_P3",
    "MARKER_COLOR",
    "display_p3_profile",
    "make_16bit_png",
    "make_animated_gif",
    "make_animated_webp",
    "make_cmyk_jpeg",
    "make_palette_png_with_transparency",
    "make_photo",
    "make_png",
    "marker_box",
    "upright_size",
]

# --- Display P3 ICC profile ---------------------------------------------------------------

_D50 = (0.9642, 1.0, 0.8249)  # the ICC PCS illuminant
_P3_PRIMARIES = ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060))
_D65_XY = (0.3127, 0.3290)
_BRADFORD = ((0.8951, 0.2664, -0.1614), (-0.7502, 1.7135, 0.0367), (0.0389, -0.0685, 1.0296))

Matrix = tuple[tuple[float, float, float], ...]


def _xy_to_xyz(x: float, y: float) -> tuple[float, float, float]:
    return (x / y, 1.0, (1.0 - x - y) / y)


def _mat_vec(m: Matrix, v: tuple[float, ...]) -> tuple[float, float, float]:
    return tuple(sum(m[r][c] * v[c] for c in range(3)) for r in range(3))  # type: ignore[return-value]


def _mat_mul(a: Matrix, b: Matrix) -> Matrix:
    return tuple(
        tuple(sum(a[r][k] * b[k][c] for k in range(3)) for c in range(3)) for r in range(3)
    )


def _mat_inv(m: Matrix) -> Matrix:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    cof = (
        (e * i - f * h, c * h - b * i, b * f - c * e),
        (f * g - d * i, a * i - c * g, c * d - a * f),
        (d * h - e * g, b * g - a * h, a * e - b * d),
    )
    return tuple(tuple(v / det for v in row) for row in cof)


def _bradford_d65_to_d50() -> Matrix:
    """Return the Bradford chromatic adaptation matrix from D65 to the D50 PCS white."""
    src, dst = _mat_vec(_BRADFORD, _xy_to_xyz(*_D65_XY)), _mat_vec(_BRADFORD, _D50)
    gain = tuple(tuple((dst[r] / src[r]) if r == c else 0.0 for c in range(3)) for r in range(3))
    return _mat_mul(_mat_inv(_BRADFORD), _mat_mul(gain, _BRADFORD))


def _p3_d50_matrix() -> Matrix:
    """Return the RGB->XYZ(D50) matrix of Display P3: P3 primaries, D65 white, Bradford to D50."""
    cols = [_xy_to_xyz(x, y) for x, y in _P3_PRIMARIES]
    prim: Matrix = tuple(tuple(cols[c][r] for c in range(3)) for r in range(3))
    scale = _mat_vec(_mat_inv(prim), _xy_to_xyz(*_D65_XY))
    rgb_to_xyz = tuple(tuple(prim[r][c] * scale[c] for c in range(3)) for r in range(3))
    return _mat_mul(_bradford_d65_to_d50(), rgb_to_xyz)


def _s15f16(*values: float) -> bytes:
    return b"".join(struct.pack(">i", round(v * 65536)) for v in values)


def _xyz_tag(xyz: tuple[float, ...]) -> bytes:
    return b"XYZ \0\0\0\0" + _s15f16(*xyz)


def _desc_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    # ICC v2 textDescriptionType: ASCII part, empty Unicode part, empty ScriptCode part.
    return (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)
        + struct.pack(">HB", 0, 0)
        + b"\0" * 67
    )


def _srgb_curve_tag(entries: int = 1024) -> bytes:
    def eotf(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    table = [round(eotf(i / (entries - 1)) * 65535) for i in range(entries)]
    return b"curv\0\0\0\0" + struct.pack(f">I{entries}H", entries, *table)


def display_p3_profile() -> bytes:
    """Build an ICC v2 RGB display profile for Display P3 (P3 primaries, D65, sRGB curve)."""
    m = _p3_d50_matrix()
    trc = _srgb_curve_tag()
    adapt = _bradford_d65_to_d50()
    tags: list[tuple[bytes, bytes]] = [
        (b"desc", _desc_tag("Display P3")),
        (b"wtpt", _xyz_tag(_D50)),
        (b"rXYZ", _xyz_tag(tuple(m[r][0] for r in range(3)))),
        (b"gXYZ", _xyz_tag(tuple(m[r][1] for r in range(3)))),
        (b"bXYZ", _xyz_tag(tuple(m[r][2] for r in range(3)))),
        (b"rTRC", trc),
        (b"gTRC", trc),
        (b"bTRC", trc),
        (b"chad", b"sf32\0\0\0\0" + _s15f16(*(v for row in adapt for v in row))),
        (b"cprt", b"text\0\0\0\0" + b"No copyright, use freely\0"),
    ]
    table_end = 128 + 4 + 12 * len(tags)
    directory, body, offset = b"", b"", table_end
    for sig, data in tags:
        directory += sig + struct.pack(">II", offset, len(data))
        padded = data + b"\0" * (-len(data) % 4)
        body += padded
        offset += len(padded)
    header = (
        struct.pack(">I", offset)
        + b"\0\0\0\0"  # preferred CMM: none
        + bytes((2, 0x10, 0, 0))  # version 2.1.0
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2025, 1, 1, 0, 0, 0)  # fixed date keeps the bytes deterministic
        + b"acsp"
        + b"\0" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual intent
        + _s15f16(*_D50)
        + b"\0" * 48  # creator, profile ID (v4 only), reserved
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + directory + body


DISPLAY_P3 = display_p3_profile()

# --- the phone photo ----------------------------------------------------------------------

MARKER_COLOR = (255, 255, 255)
# Pillow transposes that undo each EXIF orientation (what ImageOps.exif_transpose applies).
_UNDO = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# ...and the transposes that produce the stored buffer from the upright scene.
_DO = {**_UNDO, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def upright_size(width: int, height: int, orientation: int = 6) -> tuple[int, int]:
    """Return the upright (display) size of a stored `width` x `height` buffer."""
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def marker_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Return the white marker's box (left, top, right, bottom) in an upright `width` x `height`."""
    side = max(4, min(width, height) // 10)
    return (0, 0, side, side)


def _gradient(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _draw_low_res(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Draw the scene's large shapes at low resolution: stage, glows, audience."""
    w, h = size
    img = _gradient(size, (18, 14, 40), (6, 5, 10))
    glow = Image.new("RGB", size, (0, 0, 0))
    gd = ImageDraw.Draw(glow)
    for _ in range(4):
        cx, cy, r = (
            rng.uniform(0.25, 0.75) * w,
            rng.uniform(0.3, 0.6) * h,
            rng.uniform(0.1, 0.25) * w,
        )
        colour = rng.choice([(90, 60, 160), (40, 120, 200), (150, 40, 90), (60, 140, 20)])
        gd.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    img = ImageChops.add(img, glow.filter(ImageFilter.GaussianBlur(w / 12)))
    d = ImageDraw.Draw(img)
    # A saturated red LED strip: exactly the colour a P3 -> sRGB conversion has to clip.
    d.rectangle((0.05 * w, 0.62 * h, 0.95 * w, 0.64 * h), fill=(255, 0, 0))
    for _ in range(60):
        cx, cy = rng.uniform(-0.05, 1.05) * w, rng.uniform(0.72, 1.05) * h
        rx, ry = rng.uniform(0.04, 0.08) * w, rng.uniform(0.05, 0.09) * w
        shade = rng.randint(8, 30)
        d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=(shade, shade, shade + 4))
    return img


def _draw_slide(img: Image.Image, box: tuple[int, int, int, int], rng: random.Random) -> None:
    """Draw a keynote slide with text-like glyph runs and a chart, at full resolution."""
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=(10, 10, 12), outline=(200, 200, 210), width=max(2, (x1 - x0) // 300))
    sw, sh = x1 - x0, y1 - y0
    glyph_h = max(3, sh // 40)
    y = y0 + sh // 12
    for line in range(12):
        x = x0 + sw // 16
        colour = (118, 185, 0) if line == 0 else (225, 225, 225)
        gh = glyph_h * 2 if line == 0 else glyph_h
        while x < x0 + sw * 0.5:
            word = rng.randint(3, 9)
            for _ in range(word):
                gw = max(1, int(gh * rng.uniform(0.35, 0.7)))
                d.rectangle((x, y, x + gw, y + gh), fill=colour)
                x += gw + max(1, gh // 5)
            x += gh
        y += int(gh * 1.9)
    points = []
    for i in range(40):
        t = i / 39
        points.append((x0 + sw * (0.55 + 0.4 * t), y1 - sh * (0.1 + 0.7 * (1 - math.exp(-3 * t)))))
    d.line(points, fill=(118, 185, 0), width=max(2, sw // 150))
    for i in range(6):
        gx = x0 + sw * (0.55 + 0.08 * i)
        d.line((gx, y0 + sh * 0.15, gx, y1 - sh * 0.1), fill=(70, 70, 80), width=1)


def _add_noise(img: Image.Image, rng: random.Random, amplitude: int) -> Image.Image:
    """Add uniform sensor-like noise of +-`amplitude` (random.Random, so it is deterministic)."""
    w, h = img.size
    lut = [v * 2 * amplitude // 255 for v in range(256)] * 3
    noise = Image.frombytes("RGB", (w, h), rng.randbytes(w * h * 3)).point(lut)
    return ImageChops.add(img, noise, 1.0, -amplitude)


def _scene(size: tuple[int, int], seed: int) -> Image.Image:
    """Render the upright scene: a dark auditorium, a bright slide, heads, noise, a marker."""
    rng = random.Random(seed)
    w, h = size
    low = _draw_low_res((max(8, w // 8), max(8, h // 8)), rng)
    img = low.resize(size, Image.Resampling.BICUBIC)
    slide_w = int(w * rng.uniform(0.7, 0.8))
    left = (w - slide_w) // 2
    top = int(h * rng.uniform(0.22, 0.28))
    _draw_slide(img, (left, top, left + slide_w, top + slide_w * 9 // 16), rng)
    img = _add_noise(img, rng, amplitude=10)
    ImageDraw.Draw(img).rectangle(marker_box(w, h), fill=MARKER_COLOR)
    return img


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    deg = int(value)
    minutes = int((value - deg) * 60)
    seconds = round(((value - deg) * 60 - minutes) * 60 * 10000)
    return IFDRational(deg, 1), IFDRational(minutes, 1), IFDRational(seconds, 10000)


def _exif(orientation: int, make: str, model: str, gps: tuple[float, float] | None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0131] = "17.2"  # Software
    exif.get_ifd(0x8769).update({0x9003: "2025:01:06 18:40:00", 0x9004: "2025:01:06 18:40:00"})
    if gps is not None:
        lat, lon = gps
        exif.get_ifd(0x8825).update(
            {
                0: b"\x02\x02\x00\x00",
                1: "N" if lat >= 0 else "S",
                2: _dms(lat),
                3: "E" if lon >= 0 else "W",
                4: _dms(lon),
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
    img = _scene((up_w, up_h), seed)
    if orientation in _DO:
        img = img.transpose(_DO[orientation])
    if mode != "RGB":
        img = img.convert(mode)
    params: dict[str, object] = {"quality": quality, "exif": _exif(orientation, make, model, gps)}
    if icc is not None:
        params["icc_profile"] = icc
    if gps is not None and xmp_gps:
        params["xmp"] = _xmp(gps)
    out = io.BytesIO()
    img.save(out, "JPEG", **params)
    return out.getvalue()


# --- other shapes real sites contain (small by default) ------------------------------------


def _save(img: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def _screenshot(size: tuple[int, int], text_like: bool) -> Image.Image:
    """Draw a UI-like RGBA graphic: a window with sharp text on a transparent margin."""
    w, h = size
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    m = max(2, min(w, h) // 16)
    d.rectangle((m + 2, m + 2, w - m + 2, h - m + 2), fill=(0, 0, 0, 60))  # drop shadow
    d.rectangle((m, m, w - m, h - m), fill=(250, 250, 252, 255), outline=(40, 40, 48, 255))
    d.rectangle((m, m, w - m, m + max(3, h // 10)), fill=(52, 120, 246, 255))
    if text_like:
        rng = random.Random(w * 7919 + h)
        glyph = max(2, h // 30)
        y = m + h // 10 + glyph * 2
        while y + glyph < h - m - glyph:
            x = m + glyph * 2
            while x < w - m - glyph * 4:
                gw = rng.randint(1, max(1, glyph))
                d.rectangle((x, y, x + gw - 1, y + glyph - 1), fill=(20, 20, 24, 255))
                x += gw + 1 + (glyph if rng.random() < 0.2 else 0)
            y += glyph * 2
    return img


def make_png(
    width: int = 320, height: int = 200, *, alpha: bool = True, text_like: bool = True
) -> bytes:
    """Return a screenshot-like PNG with sharp edges, text-like runs and (optionally) alpha."""
    img = _screenshot((width, height), text_like)
    if not alpha:
        flat = Image.new("RGB", img.size, (255, 255, 255))
        flat.paste(img, mask=img)
        img = flat  # type: ignore[assignment]
    return _save(img, "PNG")


def make_cmyk_jpeg(
    width: int = 320, height: int = 240, *, seed: int = 0, quality: int = 90
) -> bytes:
    """Return a CMYK JPEG (Adobe APP14, as print workflows write) of the photo scene."""
    return _save(_scene((width, height), seed).convert("CMYK"), "JPEG", quality=quality)


def make_16bit_png(width: int = 320, height: int = 240) -> bytes:
    """Return a 16-bit grayscale PNG (mode I;16) holding a smooth gradient over the full range."""
    row = [x * 65535 // max(1, width - 1) for x in range(width)]
    data = b"".join(
        struct.pack(f"<{width}H", *((v + y * 97) % 65536 for v in row)) for y in range(height)
    )
    return _save(Image.frombytes("I;16", (width, height), data), "PNG")


def make_palette_png_with_transparency(width: int = 160, height: int = 120) -> bytes:
    """Return a palette (mode P) PNG whose index 0 is fully transparent (a tRNS chunk)."""
    img = Image.new("P", (width, height), 0)
    img.putpalette([0, 0, 0, 230, 30, 30, 30, 160, 60, 40, 80, 220] + [0] * (252 * 3))
    d = ImageDraw.Draw(img)
    d.ellipse((width // 8, height // 8, width // 2, height * 7 // 8), fill=1)
    d.rectangle((width // 2, height // 4, width * 7 // 8, height * 3 // 4), fill=2)
    d.line((0, height - 1, width - 1, 0), fill=3, width=max(1, height // 20))
    return _save(img, "PNG", transparency=0)


def _frames(width: int, height: int, count: int) -> list[Image.Image]:
    frames = []
    for i in range(count):
        img = Image.new("RGB", (width, height), (20, 24, 40))
        d = ImageDraw.Draw(img)
        side = max(2, min(width, height) // 4)
        x = (width - side) * i // max(1, count - 1)
        d.rectangle((x, (height - side) // 2, x + side, (height + side) // 2), fill=(240, 200, 40))
        frames.append(img)
    return frames


def make_animated_gif(width: int = 160, height: int = 120, *, frames: int = 4) -> bytes:
    """Return a looping animated GIF with `frames` distinct frames (100 ms each)."""
    first, *rest = (
        f.convert("P", palette=Image.Palette.ADAPTIVE) for f in _frames(width, height, frames)
    )
    return _save(first, "GIF", save_all=True, append_images=rest, duration=100, loop=0)


def make_animated_webp(
    width: int = 160, height: int = 120, *, frames: int = 4, lossless: bool = False
) -> bytes:
    """Return a looping animated WebP with `frames` distinct frames (100 ms each)."""
    first, *rest = _frames(width, height, frames)
    return _save(
        first, "WEBP", save_all=True, append_images=rest, duration=100, loop=0, lossless=lossless
    )

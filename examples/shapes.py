"""Small images in the awkward shapes real sites contain: alpha, CMYK, 16-bit, palette, animation.

Each function returns encoded bytes, deterministically, small by default so unit tests stay fast.
"""

from __future__ import annotations

import io
import random
import struct

from PIL import Image, ImageDraw

from examples.scene import draw_scene


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
        img = flat
    return _save(img, "PNG")


def make_cmyk_jpeg(
    width: int = 320, height: int = 240, *, seed: int = 0, quality: int = 90
) -> bytes:
    """Return a CMYK JPEG (Adobe APP14, as print workflows write) of the photo scene."""
    return _save(draw_scene((width, height), seed).convert("CMYK"), "JPEG", quality=quality)


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

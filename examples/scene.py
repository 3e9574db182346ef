"""The upright scene of the generated photos: a keynote stage seen from the audience.

Large shapes are drawn at 1/8 scale and enlarged (fast and smooth), fine text-like detail at
full scale, then noise, so that JPEG compresses it the way it compresses a real photo.
All randomness comes from `random.Random(seed)`: the same seed draws the same pixels.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

# The marker is drawn last, without noise, in the upright top-left corner: a test can tell an
# upright output from a sideways or mirrored one by where this white block ends up.
MARKER_COLOR = (255, 255, 255)
# A flat patch of a mid-saturated red, drawn without noise at the top edge's middle. In a
# Display P3 photo it is sRGB (217, 42, 23) once converted; an output that shows it as
# (200, 60, 40) dropped or ignored the profile. (Pure P3 red clips to sRGB (255, 0, 0), the
# same numbers as ignoring the profile, so it cannot reveal that bug.)
PATCH_COLOR = (200, 60, 40)
PATCH_COLOR_AS_SRGB = (217, 42, 23)
NOISE_AMPLITUDE = 10  # +-levels; about 2.5 MB per 12 MP photo at quality 90


def marker_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Return the white marker's box (left, top, right, bottom) in an upright `width` x `height`."""
    side = max(4, min(width, height) // 10)
    return (0, 0, side, side)


def patch_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Return the colour patch's box (left, top, right, bottom) in an upright `width` x `height`."""
    side = max(4, min(width, height) // 10)
    left = (width - side) // 2
    return (left, 0, left + side, side)


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


def draw_scene(size: tuple[int, int], seed: int) -> Image.Image:
    """Render the upright scene at `size`: auditorium, slide, heads, noise, marker, patch."""
    rng = random.Random(seed)
    w, h = size
    low = _draw_low_res((max(8, w // 8), max(8, h // 8)), rng)
    # A slight blur at low scale turns the enlarged staircase edges into soft, lens-like ones.
    img = low.filter(ImageFilter.GaussianBlur(0.7)).resize(size, Image.Resampling.BICUBIC)
    slide_w = int(w * rng.uniform(0.7, 0.8))
    left = (w - slide_w) // 2
    top = int(h * rng.uniform(0.22, 0.28))
    _draw_slide(img, (left, top, left + slide_w, top + slide_w * 9 // 16), rng)
    img = _add_noise(img, rng, amplitude=NOISE_AMPLITUDE)
    draw = ImageDraw.Draw(img)
    draw.rectangle(marker_box(w, h), fill=MARKER_COLOR)
    draw.rectangle(patch_box(w, h), fill=PATCH_COLOR)
    return img

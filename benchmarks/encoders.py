"""Measure AVIF/WebP/JPEG encoders on a 12 MP photo and a screenshot: seconds, bytes, PSNR.

Run: `.venv/bin/python benchmarks/encoders.py [--quick]`. Results are written up by hand in
benchmarks/ENCODERS.md. Each AVIF encoder runs in its own process, because importing
`pillow_avif` re-registers the AVIF plugin for the whole process.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps, ImageStat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHOTO_SIZE = (4000, 3000)
WIDTHS = (1200, 2400)


def make_photo(size: tuple[int, int] = PHOTO_SIZE, seed: int = 1) -> Image.Image:
    """Return a photo-like RGB image: smooth light, mid-frequency texture, edges and grain."""
    try:
        from examples.photogen import make_photo as shared
    except ImportError:
        pass
    else:
        # photogen writes a phone-like JPEG (q90, Orientation 6): decode it upright
        with Image.open(io.BytesIO(shared(size[1], size[0], seed=seed))) as im:
            return ImageOps.exif_transpose(im).convert("RGB")
    rnd = random.Random(seed)
    w, h = size
    small = Image.new("RGB", (32, 24))
    small.putdata(
        [(rnd.randint(40, 220), rnd.randint(60, 200), rnd.randint(50, 230)) for _ in range(32 * 24)]
    )
    base = small.resize(size, Image.Resampling.BICUBIC)
    texture = Image.effect_noise((w // 4, h // 4), 60).filter(ImageFilter.GaussianBlur(1.5))
    texture = texture.resize(size, Image.Resampling.BICUBIC)
    base = Image.blend(base, Image.merge("RGB", (texture, texture, texture)), 0.25)
    draw = ImageDraw.Draw(base)
    for _ in range(120):
        x, y = rnd.randrange(w), rnd.randrange(h)
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        if rnd.random() < 0.5:
            draw.line((x, y, x + rnd.randint(-600, 600), y + rnd.randint(-600, 600)), colour, 6)
        else:
            draw.rectangle((x, y, x + rnd.randint(20, 400), y + rnd.randint(20, 400)), colour)
    grain = Image.effect_noise(size, 12).convert("RGB")
    return ImageChops.add(base, grain, scale=1.0, offset=-128)


def make_screenshot(size: tuple[int, int] = (1600, 1000)) -> Image.Image:
    """Return a screenshot-like RGBA image: flat panels, text, a translucent shadow."""
    im = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    draw.rectangle((20, 20, size[0] - 20, size[1] - 20), (250, 250, 250, 255))
    draw.rectangle((20, 20, size[0] - 20, 80), (40, 90, 160, 255))
    font = ImageFont.load_default(size=18)
    for row in range(40):
        text = f"{row:03d}  def encode(data, plan, settings): return {{'a': {row * 17}}}"
        draw.text((40, 100 + row * 22), text, fill=(20, 20, 20, 255), font=font)
    for i in range(20):
        draw.rectangle((i, i, size[0] - i, size[1] - i), outline=(0, 0, 0, 6 * i))
    return im


def psnr(reference: Image.Image, encoded: bytes) -> float:
    """Return the PSNR (dB) of `encoded` decoded against `reference`, on RGB."""
    decoded = Image.open(io.BytesIO(encoded)).convert("RGB")
    diff = ImageChops.difference(reference.convert("RGB"), decoded)
    mse = statistics.fmean(v * v for v in ImageStat.Stat(diff).rms)
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)


def timed_save(im: Image.Image, fmt: str, runs: int, **options: Any) -> tuple[float, bytes]:
    """Encode `im` `runs` times; return the median seconds and the bytes."""
    times = []
    data = b""
    for _ in range(runs):
        buf = io.BytesIO()
        start = time.perf_counter()
        im.save(buf, fmt, **options)
        times.append(time.perf_counter() - start)
        data = buf.getvalue()
    return statistics.median(times), data


def _ladders(photo: Image.Image) -> dict[int, Image.Image]:
    out = {}
    for width in sorted(WIDTHS, reverse=True):
        src = out[min(out)] if out else photo
        out[width] = src.resize(
            (width, round(photo.height * width / photo.width)),
            Image.Resampling.LANCZOS,
            reducing_gap=3.0,
        )
    return out


def avif_worker(spec: tuple[str, str, int, int, int]) -> list[str]:
    """Run one AVIF encoder configuration in a fresh process; return result rows."""
    impl, codec, speed, quality, runs = spec
    os.environ["SVT_LOG"] = "0"
    if impl == "plugin":
        import pillow_avif  # noqa: F401  (re-registers the AVIF plugin)
    rows = []
    images = _ladders(make_photo())
    for width, im in sorted(images.items()):
        secs, data = timed_save(im, "AVIF", runs, quality=quality, speed=speed, codec=codec)
        rows.append(_row(f"avif {impl} {codec} s{speed} q{quality}", width, secs, data, im))
    return rows


def _row(name: str, width: int, secs: float, data: bytes, ref: Image.Image) -> str:
    return f"| {name} | {width} | {secs:.2f} | {len(data) / 1024:.0f} | {psnr(ref, data):.2f} |"


def run(quick: bool) -> None:
    """Print a Markdown table per benchmark."""
    runs = 1 if quick else 3
    print(f"Pillow {Image.__version__}; {os.cpu_count()} cores; photo {PHOTO_SIZE}; runs {runs}")
    photo = make_photo()
    start = time.perf_counter()
    ladders = _ladders(photo)
    print(f"resize 12 MP -> {WIDTHS}: {time.perf_counter() - start:.2f} s")
    print("\n| encoder | width | seconds | KiB | PSNR dB |\n|---|---|---|---|---|")
    for width, im in sorted(ladders.items()):
        for name, fmt, opts in (
            (
                "jpeg q82 opt prog 4:2:0",
                "JPEG",
                {"quality": 82, "optimize": True, "progressive": True, "subsampling": "4:2:0"},
            ),
            ("webp q80 m4", "WEBP", {"quality": 80, "method": 4}),
            ("webp q80 m6", "WEBP", {"quality": 80, "method": 6}),
            ("webp q75 m4", "WEBP", {"quality": 75, "method": 4}),
        ):
            secs, data = timed_save(im, fmt, runs, **opts)
            print(_row(name, width, secs, data, im), flush=True)
    specs = [("builtin", "aom", s, 60, runs) for s in (6, 7, 8)]
    specs += [("builtin", "aom", 7, q, runs) for q in (50, 70)]
    specs += [("plugin", "svt", s, 60, runs) for s in (6, 7, 8, 10)]
    specs += [("plugin", "svt", 7, q, runs) for q in (50, 70)]
    specs += [("plugin", "rav1e", 8, 60, runs), ("plugin", "aom", 7, 60, runs)]
    for spec in specs:
        with ProcessPoolExecutor(1) as pool:
            try:
                for row in pool.submit(avif_worker, spec).result():
                    print(row, flush=True)
            except Exception as exc:  # an unavailable codec is a result too
                print(f"| avif {spec[0]} {spec[1]} s{spec[2]} | - | failed: {exc} | | |")
    graphics(runs)


def graphics(runs: int) -> None:
    """Compare lossless and lossy encoders on a screenshot with alpha."""
    shot = make_screenshot()
    print("\n| screenshot encoder | seconds | KiB | PSNR dB |\n|---|---|---|---|")
    for name, fmt, opts in (
        ("png optimize", "PNG", {"optimize": True}),
        ("webp lossless m4", "WEBP", {"lossless": True, "quality": 80, "method": 4}),
        ("webp near-lossless 60", "WEBP", {"lossless": True, "near_lossless": 60}),
        ("webp lossy q80", "WEBP", {"quality": 80}),
        ("avif q60 s7", "AVIF", {"quality": 60, "speed": 7}),
        ("avif q90 s7 4:4:4", "AVIF", {"quality": 90, "speed": 7, "subsampling": "4:4:4"}),
        ("avif lossless s7", "AVIF", {"lossless": True, "speed": 7}),
    ):
        try:
            secs, data = timed_save(shot, fmt, runs, **opts)
        except (OSError, ValueError) as exc:
            print(f"| {name} | failed: {exc} | | |")
            continue
        print(f"| {name} | {secs:.2f} | {len(data) / 1024:.0f} | {psnr(shot, data):.2f} |")


def ladder(runs: int) -> None:
    """Time render.encode on the default ladder of a 12 MP phone photo, per format."""
    import hashlib

    from assets_tool import render
    from assets_tool.config import Config
    from examples.photogen import make_photo as phone_photo

    render.worker_init()
    data = phone_photo(seed=1)
    path = Path("photo.jpg")
    settings = render.EncodeSettings.from_config(Config())
    info = render.probe(data, path, settings.max_pixels)
    widths = render.target_widths(info, None, Config())
    full = render.plan(info, hashlib.sha256(data).hexdigest(), "photo", widths, settings)
    print(f"12 MP phone photo {info.width}x{info.height}, widths {widths}, runs {runs} (median)")

    def median(fn: Any) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    def decode_and_resize() -> None:
        im = render.decode(data, path, max(widths), settings.max_pixels)
        for v in sorted({(v.width, v.height) for v in full.variants}, reverse=True):
            im = im.resize(v, Image.Resampling.LANCZOS, reducing_gap=3.0)

    base = median(decode_and_resize)
    print("| step (each includes decode + resize) | seconds | total KiB |\n|---|---|---|")
    print(f"| decode + resize only | {base:.2f} | |")
    for mime in ("image/avif", "image/webp", "image/jpeg"):
        part = render.Plan(info, tuple(v for v in full.variants if v.mime == mime))
        out: dict[str, bytes] = {}

        def run_part(part: render.Plan = part, out: dict[str, bytes] = out) -> None:
            out.update(render.encode(data, path, part, settings))

        secs = median(run_part)
        kib = sum(len(b) for b in out.values()) / 1024
        print(f"| {mime} ({len(part.variants)} widths) | {secs:.2f} | {kib:.0f} |")
    total = median(lambda: render.encode(data, path, full, settings))
    print(f"| full ladder, {len(full.variants)} files | {total:.2f} | |")


def main() -> None:
    """Parse arguments and run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run per measurement")
    parser.add_argument("--ladder", action="store_true", help="time render.encode's full ladder")
    args = parser.parse_args()
    if args.ladder:
        ladder(1 if args.quick else 3)
        return
    run(args.quick)


if __name__ == "__main__":
    main()

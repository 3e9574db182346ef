"""AVIF/WebP/JPEG encoder settings judged by SSIMULACRA2 against sharp (eleventy-img), per byte.

For each sample photo (12 MP phone-like JPEG, Orientation 6, Display P3) and width: the
reference is the upright original converted to sRGB and resized with LANCZOS; every candidate
encodes that same resized image; every output is decoded and converted to sRGB through its
own ICC profile before scoring, so colour handling cannot bias the metric. Where `node` and
`npm` exist, eleventy-img 7 (sharp, its defaults) is installed into a throw-away folder and
encodes the same originals at the same widths, in the same run.

Usage: python benchmarks/encoders.py [--photos 3] [--widths 800,1200]
Prints a table of bytes (sum over photos, and ratio to sharp), mean SSIMULACRA2 and single-
thread CPU seconds per encode. Write the results up in benchmarks/ENCODERS.md.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.peers import eleventy_img  # noqa: E402
from benchmarks.quality import score, to_srgb, upright  # noqa: E402
from examples.photogen import make_photo  # noqa: E402


def _aom(speed: int, quality: int) -> dict[str, Any]:
    return {
        "codec": "aom",
        "speed": speed,
        "quality": quality,
        "subsampling": "4:4:4",
        "max_threads": 1,
    }


# name -> (format, save options); SVT-AV1 comes with pillow-avif-plugin, whose import replaces
# Pillow's own AVIF plugin for the whole process, so each encode runs in a fresh process
SVT = {"codec": "svt", "speed": 7, "quality": 60, "subsampling": "4:2:0"}
CANDIDATES: dict[str, tuple[str, dict[str, Any]]] = {
    "avif svt s7 q60 420 (avif_encoder: svt)": ("AVIF", SVT),
    "avif aom s6 q48 444 (default)": ("AVIF", _aom(6, 48)),
    "avif aom s6 q46 444": ("AVIF", _aom(6, 46)),
    "avif aom s6 q50 444": ("AVIF", _aom(6, 50)),
    "avif aom s7 q48 444": ("AVIF", _aom(7, 48)),
    "avif aom s6 q48 420": ("AVIF", {**_aom(6, 48), "subsampling": "4:2:0"}),
    "webp q80 m4 (default)": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg q82 progressive (default)": (
        "JPEG",
        {"quality": 82, "optimize": True, "progressive": True, "subsampling": "4:2:0"},
    ),
}


def encode(job: tuple[str, bytes, int]) -> tuple[str, int, bytes, float]:
    """Encode one photo at one width with one candidate; return (name, width, bytes, cpu s)."""
    name, data, width = job
    fmt, options = CANDIDATES[name]
    if options.get("codec") == "svt":
        os.environ["SVT_LOG"] = "0"
        import pillow_avif  # noqa: F401
    img = upright(data)
    icc = img.info.get("icc_profile")
    small = img.resize((width, round(img.height * width / img.width)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    start = time.process_time()
    small.save(buf, fmt, icc_profile=icc, **options)
    return name, width, buf.getvalue(), time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=3)
    parser.add_argument("--widths", default="800,1200")
    parser.add_argument("--only", default="", help="run the candidates whose name contains this")
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    photos = [make_photo(seed=n) for n in range(1, args.photos + 1)]
    results: dict[str, list[tuple[int, float, float]]] = {}  # name -> (bytes, score, cpu)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        references: dict[tuple[int, int], Path] = {}
        for n, data in enumerate(photos):
            img = to_srgb(upright(data))
            for width in widths:
                ref = img.resize(
                    (width, round(img.height * width / img.width)), Image.Resampling.LANCZOS
                )
                references[n, width] = scratch / f"ref-{n}-{width}.png"
                ref.save(references[n, width])
        names = [name for name in CANDIDATES if args.only in name]
        jobs = [(name, data, w) for name in names for data in photos for w in widths]
        with ProcessPoolExecutor(max_workers=2, max_tasks_per_child=1) as pool:
            encoded = list(pool.map(encode, jobs))
        for (name, data, width), (_, _, out, cpu) in zip(jobs, encoded, strict=True):
            ref = references[photos.index(data), width]
            row = (len(out), score(ref, out, scratch), cpu)
            results.setdefault(f"{name} @{width}", []).append(row)
            print(f"  {name} @{width}: {row[0]} B, {row[1]:.2f}, {cpu:.2f} s", flush=True)
        peer = eleventy_img(
            [_write(scratch / f"p{n}.jpg", d) for n, d in enumerate(photos)],
            widths,
            scratch / "eleventy",
        )
        for (n, width, fmt), out in sorted(peer.items()):
            ref = references[n, width]
            results.setdefault(f"sharp {fmt} @{width}", []).append(
                (len(out), score(ref, out, scratch), float("nan"))
            )
    _print(results, widths)
    return 0


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _print(results: dict[str, list[tuple[int, float, float]]], widths: list[int]) -> None:
    print("| encoder @ width | bytes | vs sharp | mean SSIMULACRA2 | CPU s/encode |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, rows in results.items():
        width = int(name.rsplit("@", 1)[1])
        kind = name.split()[0]
        sharp = results.get(f"sharp {kind} @{width}")
        total = sum(r[0] for r in rows)
        ratio = f"{total / sum(r[0] for r in sharp):.2f}x" if sharp else "-"
        cpu = statistics.median(r[2] for r in rows)
        cpu_text = "-" if cpu != cpu else f"{cpu:.2f}"
        mean = statistics.mean(r[1] for r in rows)
        print(f"| {name} | {total} | {ratio} | {mean:.2f} | {cpu_text} |")
    del widths


if __name__ == "__main__":
    raise SystemExit(main())

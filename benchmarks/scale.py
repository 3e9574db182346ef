"""Warm `build` and `build --check` on a generated site of 1,000 posts and 2,000 images.

The site is the example's Jekyll/Chirpy configuration with `--posts` generated posts (front
matter with tags and, for every fifth post, a Chirpy `image:`; a few paragraphs, a fenced code
block, one Markdown image and one raw `<img width=400>`), each showing two small generated
JPEGs of its own. One cold build makes the variants; then, interleaved --runs times so that
machine noise hits all alike, warm runs (nothing changed) of `build` and `build --check`:
- with both caches (what a user gets),
- without the cache of scanned posts (every post read and parsed again; the originals are
  still answered from the sources cache): the baseline the posts cache is measured against,
- without any cache (every original read and hashed as well).
Every run is a new process (start-up and imports included); the caches live in a throw-away
XDG_CACHE_HOME. Printed: median wall and CPU seconds, and ratios to the cached run.

Usage: python benchmarks/scale.py [--posts 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import compileall
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from benchmarks.build_speed import timed  # noqa: E402

TEMPLATE = ROOT / "examples/site"
WORDS = [
    "keynote",
    "stage",
    "light",
    "crowd",
    "camera",
    "lens",
    "morning",
    "coffee",
    "street",
    "market",
    "river",
    "bridge",
    "tower",
    "train",
    "station",
    "night",
    "rain",
    "window",
    "city",
    "harbour",
    "mountain",
    "trail",
    "forest",
    "lake",
]


def small_photo(seed: int) -> bytes:
    """Return a 320x240 JPEG of a few random shapes: small, but a real photo to encode."""
    rng = random.Random(seed)
    img = Image.new("RGB", (320, 240), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randrange(320), rng.randrange(240)
        box = (x, y, x + rng.randrange(20, 160), y + rng.randrange(20, 120))
        draw.ellipse(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def post_text(n: int) -> str:
    """Return post `n`: Chirpy front matter, Markdown prose, code, two images of its own."""
    rng = random.Random(n)
    words = [rng.choice(WORDS) for _ in range(400)]
    paragraphs = [" ".join(words[i : i + 80]) + "." for i in range(0, 400, 80)]
    folder = f"/assets/img/posts/{n:04d}"
    front = [
        "---",
        f'title: "Post {n}: {words[0]} and {words[1]}"',
        "date: 2024-01-01 12:00:00 +0900",
        f"categories: [Travel, {words[2].title()}]",
        f"tags: [{', '.join(sorted(set(words[3:8])))}]",
    ]
    if n % 5 == 0:
        front += ["image:", f"  path: {folder}/a.jpg", f'  alt: "{words[9]}"']
    body = [
        paragraphs[0],
        f"![{words[10]} at the {words[11]}]({folder}/a.jpg)",
        paragraphs[1],
        "```python\nprint('![not an image](/x.png)')\n```",
        paragraphs[2],
        f'<center><img src="{folder}/b.jpg" alt="{words[12]}" width=400></center>',
        paragraphs[3],
        paragraphs[4],
    ]
    return "\n".join(front) + "\n---\n\n" + "\n\n".join(body) + "\n"


def make_site(site: Path, posts: int) -> None:
    """Write the generated site: the example's configuration, `posts` posts, 2 photos each."""
    shutil.copytree(TEMPLATE, site, ignore=shutil.ignore_patterns("_posts", "assets", "_site"))
    (site / "_posts").mkdir()
    with ProcessPoolExecutor() as pool:
        blobs = list(pool.map(small_photo, range(2 * posts), chunksize=64))
    for n in range(posts):
        day = f"2024-{n // 28 % 12 + 1:02d}-{n % 28 + 1:02d}"
        (site / f"_posts/{day}-post-{n:04d}.md").write_text(post_text(n), encoding="utf-8")
        folder = site / f"assets/img/posts/{n:04d}"
        folder.mkdir(parents=True)
        (folder / "a.jpg").write_bytes(blobs[2 * n])
        (folder / "b.jpg").write_bytes(blobs[2 * n + 1])


def run(site: Path, cache: Path, *extra: str) -> tuple[float, float]:
    """Run `assets-tool build SITE` with the caches in `cache`; return wall and CPU seconds."""
    os.environ["XDG_CACHE_HOME"] = str(cache)
    wall, cpu, _ = timed([sys.executable, "-m", "assets_tool", "build", str(site), *extra])
    return wall, cpu


def forget(cache: Path, pattern: str) -> None:
    """Remove the cache files matching `pattern` (all of them: `*`)."""
    for path in (cache / "assets-tool").glob(pattern):
        path.unlink()


def main() -> int:
    """Build the site, time the warm runs and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # an installed package has its bytecode compiled at install time; an editable checkout
    # run with PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start
    compileall.compile_dir(ROOT / "assets_tool", quiet=1)
    rows: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        site, cache = Path(folder) / "site", Path(folder) / "cache"
        make_site(site, args.posts)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assets_tool", "build", str(site)],
            check=True,
            capture_output=True,
            env={**os.environ, "XDG_CACHE_HOME": str(cache)},
        )
        print(
            f"cold build of {args.posts} posts, {2 * args.posts} images: "
            f"{time.perf_counter() - start:.1f} s"
        )
        for _ in range(args.runs):
            for check in ((), ("--check",)):
                name = "build" + (" --check" if check else "")
                rows.setdefault(f"{name}, cached", []).append(run(site, cache, *check))
                forget(cache, "posts-*")
                rows.setdefault(f"{name}, no posts cache", []).append(run(site, cache, *check))
                forget(cache, "*")
                rows.setdefault(f"{name}, no cache", []).append(run(site, cache, *check))
                run(site, cache, *check)  # fill both caches again
    print(f"{'warm run':<30}{'wall s':>8}{'CPU s':>8}{'vs cached':>11}")
    base: dict[str, float] = {}
    for name, values in rows.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        kind = name.partition(",")[0]
        base.setdefault(kind, cpu)
        print(f"{name:<30}{wall:>8.2f}{cpu:>8.2f}{cpu / base[kind]:>10.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure `assets-tool gallery` on a generated album: first-view bytes, JS, build times.

A generated album of --photos phone-like photos (Orientation 6, Display P3, GPS; --size is
the stored size, 4000x3000 = 12 MP by default) is built cold (empty output) and warm
(nothing changed). Headless Chromium (Debian's) opens the album at the phone viewport
(360x800, DPR 3) over loopback and sums what it downloads before the network is idle without
scrolling (first-view bytes), and the JavaScript fetched before the first image. When
`--sigal` is given and `pip install sigal` works into a throw-away virtual environment,
sigal builds the same album and its first view is measured the same way, side by side.

Usage: python benchmarks/gallery.py [--photos 100] [--size 4000x3000] [--runs 3] [--sigal]
                                    [--album DIR]

--album DIR generates the album into DIR once and reuses it on later runs (the 100 photos
take minutes to generate); without it the album lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from examples.make_site import photo_gps  # noqa: E402
from examples.photogen import make_photo  # noqa: E402

CLI = [sys.executable, "-m", "assets_tool"]


def _photo(args: tuple[int, int, int]) -> bytes:
    n, width, height = args
    return make_photo(width, height, seed=n, orientation=6, gps=photo_gps(n))


def make_album(folder: Path, count: int, size: tuple[int, int]) -> None:
    """Write `count` generated photos into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor() as pool:
        jobs = [(n, *size) for n in range(1, count + 1)]
        for n, blob in enumerate(pool.map(_photo, jobs), start=1):
            (folder / f"IMG_{n:04d}.jpg").write_bytes(blob)


def timed(command: list[str | Path]) -> float:
    """Run a command, failing loudly; return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run([str(c) for c in command], check=True, capture_output=True)
    return time.perf_counter() - start


def first_view(folder: Path, page: str) -> dict[str, int]:
    """Serve `folder` on loopback, open `page` at 360x800 DPR 3, count what it downloads."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/{page}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            context = browser.new_context(
                viewport={"width": 360, "height": 800}, device_scale_factor=3
            )
            tab = context.new_page()
            tab.goto(url, wait_until="networkidle")
            tab.wait_for_timeout(500)
            entries = tab.evaluate(
                """() => {
                  const nav = performance.getEntriesByType('navigation')[0];
                  const res = performance.getEntriesByType('resource').map(r => ({
                    type: r.initiatorType, start: r.startTime, bytes: r.encodedBodySize,
                    name: r.name}));
                  const inline = [...document.scripts].filter(s => !s.src)
                    .reduce((n, s) => n + s.textContent.length, 0);
                  return {html: nav.encodedBodySize, res, inline};
                }"""
            )
            browser.close()
    finally:
        httpd.shutdown()
    resources = entries["res"]
    html = (folder / page).read_bytes()
    images = [
        r
        for r in resources
        if r["type"] == "img" or r["name"].endswith((".avif", ".webp", ".jpg", ".jpeg", ".png"))
    ]
    first_image = min((r["start"] for r in images), default=float("inf"))
    scripts = [r for r in resources if r["name"].endswith(".js")]
    image_bytes = sum(r["bytes"] for r in images)
    other = sum(r["bytes"] for r in resources) - image_bytes
    # static hosts (GitHub Pages, Netlify, any nginx) send HTML gzip-compressed
    html_gzip = len(gzip.compress(html, 6))
    return {
        "first_view_bytes": entries["html"] + sum(r["bytes"] for r in resources),
        "first_view_bytes_html_gzip": html_gzip + image_bytes + other,
        "html_bytes": entries["html"],
        "html_bytes_gzip": html_gzip,
        "image_bytes": image_bytes,
        "images": len(images),
        "js_before_first_image": entries["inline"]
        + sum(r["bytes"] for r in scripts if r["start"] <= first_image),
        "js_total": entries["inline"] + sum(r["bytes"] for r in scripts),
    }


def sigal_side_by_side(album: Path, work: Path) -> dict[str, int] | str:
    """Build the album with sigal from PyPI, if it installs; measure its first view."""
    venv = work / "sigal-venv"
    try:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True)
        subprocess.run(
            [venv / "bin/pip", "install", "-q", "sigal"], check=True, capture_output=True
        )
        out = work / "sigal-out"
        # sigal needs a settings file: its own defaults, as `sigal init` writes them
        sigal = venv / "bin/sigal"
        subprocess.run([sigal, "init"], cwd=work, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(
            [sigal, "build", album, out], cwd=work, check=True, capture_output=True, timeout=3600
        )
        seconds = time.perf_counter() - start
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        return f"not run ({type(exc).__name__})"
    return {"cold_build_seconds": round(seconds), **first_view(out, "index.html")}


def main() -> int:
    """Generate the album, time the builds, measure the first view; print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--size", default="4000x3000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sigal", action="store_true", help="also build with sigal from PyPI")
    parser.add_argument("--album", type=Path, help="generate the album here once, then reuse it")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        album = args.album.resolve() if args.album else work / "album"
        if len(list(album.glob("IMG_*.jpg"))) != args.photos:
            shutil.rmtree(album, ignore_errors=True)
            make_album(album, args.photos, (size[0], size[1]))
        cold, warm = [], []
        for _ in range(args.runs):
            shutil.rmtree(work / "out", ignore_errors=True)
            cold.append(timed([*CLI, "gallery", album, "-o", work / "out"]))
            warm.append(timed([*CLI, "gallery", album, "-o", work / "out"]))
        view = first_view(work / "out", "index.html")
        sigal = sigal_side_by_side(album, work) if args.sigal else "not run (no --sigal)"
    print(f"{args.photos} photos of {args.size}, medians of {args.runs} runs\n")
    print("| measure | assets-tool gallery |")
    print("| --- | ---: |")
    print(f"| cold build (s) | {statistics.median(cold):.1f} |")
    print(f"| warm build (s) | {statistics.median(warm):.2f} |")
    for key, value in view.items():
        print(f"| {key.replace('_', ' ')} | {value:,} |")
    if isinstance(sigal, dict):
        print("\n| sigal | |\n| --- | ---: |")
        for key, value in sigal.items():
            print(f"| {key.replace('_', ' ')} | {value:,} |")
    else:
        print(f"\nsigal: {sigal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

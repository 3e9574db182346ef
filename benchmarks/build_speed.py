"""Time `assets-tool build` on the example site against a naive baseline, in the same run.

The baseline does the same job the way a straightforward script (and several peers) would:
decode each photo at full size, resize every width from the full image with LANCZOS, and
encode AVIF + WebP + JPEG with the same qualities, one image after another, one process.
Compared: a cold build (empty variants folder), a warm rebuild (nothing to do); then peak
memory (max RSS of the largest process) of cold builds of 7 and 7*scale photos, which must
not grow with the number of photos; then the parallel efficiency of cold builds on 2 workers
against 1 (T1 / (2 x T2); `--parallel` runs only that). Results are medians over --runs
runs, with ratios, since the machine is shared and noisy.

Usage: python benchmarks/build_speed.py [--runs 3] [--scale 4] [--parallel]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageOps  # noqa: E402

from examples.make_site import generate_photos, make_site  # noqa: E402
from examples.photogen import make_photo  # noqa: E402

WIDTHS = (400, 800, 1200)  # what the example post's width=400 references ask for


def naive_build(site: Path) -> None:
    """Encode the same variants the simple way: full decode, every width from the original."""
    out = site / "naive"
    out.mkdir(exist_ok=True)
    for path in sorted((site / "assets/img/photos/jenson").glob("*.jpg")):
        with Image.open(path) as img:
            upright = ImageOps.exif_transpose(img)
        icc = upright.info.get("icc_profile")
        for width in WIDTHS:
            height = round(upright.height * width / upright.width)
            small = upright.resize((width, height), Image.Resampling.LANCZOS)
            for fmt, params in (
                ("AVIF", {"quality": 60}),
                ("WEBP", {"quality": 80}),
                ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
            ):
                buf = io.BytesIO()
                small.save(buf, fmt, icc_profile=icc, **params)
                (out / f"{path.stem}-{width}.{fmt.lower()}").write_bytes(buf.getvalue())


def timed(command: list[str]) -> tuple[float, float, int]:
    """Run a command; return wall seconds, CPU seconds (it and its children) and the peak RSS
    (MB) of its largest process."""
    # the wall clock starts inside the probe, so its own start-up is not counted
    probe = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True);"
        "t = time.perf_counter() - t;"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(t, u.ru_utime + u.ru_stime, u.ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]) // 1024


def _photo(seed: int) -> bytes:
    return make_photo(4000, 3000, seed=seed)


def bigger_site(site: Path, copies: int) -> None:
    """Add `copies` more posts like the example one, each with seven new 12 MP photos."""
    post = site / "_posts/2025-01-06-ces-2025-keynote-1.md"
    text = post.read_text(encoding="utf-8")
    with ProcessPoolExecutor() as pool:
        blobs = list(pool.map(_photo, range(100, 100 + 7 * copies)))
    for n in range(copies):
        folder = site / f"assets/img/photos/copy{n}"
        folder.mkdir(parents=True)
        for i in range(7):
            (folder / f"{i + 1}.jpg").write_bytes(blobs[7 * n + i])
        (site / f"_posts/2025-01-0{n % 9 + 1}-copy-{n}.md").write_text(
            text.replace("/jenson/", f"/copy{n}/"), encoding="utf-8"
        )


def parallel_efficiency(photos: dict[str, bytes], runs: int) -> None:
    """Print cold build times with 1 and 2 workers and the efficiency T1 / (2 x T2)."""
    tool = [sys.executable, "-m", "assets_tool", "build"]
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(runs):
        for workers in (1, 2):  # interleaved: machine noise hits both alike
            with tempfile.TemporaryDirectory() as tmp:
                site = Path(tmp) / "site"
                make_site(site, photos=photos)
                times[workers].append(timed([*tool, str(site), "--workers", str(workers)])[0])
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print(f"{'workers':>8}{'cold s':>9}   runs")
    for workers, values in times.items():
        runs_text = ", ".join(f"{v:.1f}" for v in values)
        print(f"{workers:>8}{statistics.median(values):>9.2f}   {runs_text}")
    print(f"parallel efficiency on 2 workers: {one / (2 * two):.2f} (T1 / (2 x T2))")


def main() -> int:
    """Run the comparison and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, default=4, help="posts in the memory test")
    parser.add_argument(
        "--parallel", action="store_true", help="only the 1- vs 2-worker cold builds"
    )
    args = parser.parse_args()
    photos = generate_photos()
    if args.parallel:
        parallel_efficiency(photos, args.runs)
        return 0
    tool = [sys.executable, "-m", "assets_tool", "build"]
    results: dict[str, list[float]] = {"naive": [], "cold": [], "warm": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp) / "site"
            make_site(site, photos=photos)
            results["naive"].append(timed([sys.executable, __file__, "--naive", str(site)])[0])
            shutil.rmtree(site / "naive")
            results["cold"].append(timed([*tool, str(site)])[0])
            results["warm"].append(timed([*tool, str(site)])[0])
    naive = statistics.median(results["naive"])
    print(f"{'job':<8}{'median s':>10}{'vs naive':>10}   runs")
    for name, values in results.items():
        med = statistics.median(values)
        runs = ", ".join(f"{v:.1f}" for v in values)
        print(f"{name:<8}{med:>10.2f}{naive / med:>9.1f}x   {runs}")
    print()
    print(f"{'photos':>7}{'cold s':>9}{'s/photo':>9}{'peak MB':>9}   (memory must not grow)")
    for copies in (0, args.scale - 1):
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp) / "site"
            make_site(site, photos=photos)
            bigger_site(site, copies)
            count = 7 * (copies + 1)
            seconds, _, peak = timed([*tool, str(site)])
            print(f"{count:>7}{seconds:>9.1f}{seconds / count:>9.2f}{peak:>9}")
    print()
    parallel_efficiency(photos, args.runs)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--naive":
        naive_build(Path(sys.argv[2]))
        sys.exit(0)
    sys.exit(main())

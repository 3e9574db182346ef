"""The cost of rendering on a Dask cluster instead of the local process pool, in the same run.

Builds one generated site (--count photos of 640x480, Orientation 6, P3, GPS, 20 per post)
cold, twice per --runs: in the local process pool (`assets-tool build SITE`) and on a
`distributed.LocalCluster` on this machine with as many single-threaded worker processes as
the pool has (`assets-tool build SITE --scheduler ...`). Both do the same encodes on the same
cores, so the ratio of their wall times is the cluster's overhead (scheduling, serialising
source and variant bytes over loopback TCP). Also printed: CPU seconds per image, bytes moved
per image (source in, variants out) and the driver's write rate, the inputs of the
throughput model in the README.

Usage: python benchmarks/cluster.py [--count 2000] [--runs 1] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from distributed import LocalCluster  # noqa: E402

from examples.photogen import make_photo  # noqa: E402

PER_POST = 20
CLI = [sys.executable, "-m", "assets_tool", "build"]


def make_site(root: Path, count: int) -> int:
    """Write a Jekyll source tree with `count` generated photos; return their total bytes."""
    photos = root / "assets/img/photos"
    photos.mkdir(parents=True)
    (root / "_posts").mkdir()
    (root / "_config.yml").write_text("title: bench\n")
    total = 0
    for start in range(0, count, PER_POST):
        lines = ["---", f"title: post {start}", "---", ""]
        for n in range(start, min(start + PER_POST, count)):
            data = make_photo(640, 480, seed=n, gps=(36.0 + n / 1e4, -115.17))
            (photos / f"p{n:05d}.jpg").write_bytes(data)
            total += len(data)
            lines.append(f"![photo {n}](/assets/img/photos/p{n:05d}.jpg)\n")
        (root / "_posts" / f"2025-01-01-post-{start:05d}.md").write_text("\n".join(lines))
    return total


def timed_build(site: Path, *extra: str) -> tuple[float, float]:
    """Run one cold build; return (wall seconds, CPU seconds of the build and its pool)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*CLI, str(site), *extra], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def variant_bytes(site: Path) -> int:
    """Return the bytes of every variant the build published."""
    return sum(p.stat().st_size for p in (site / "assets/img/variants").glob("*.*"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "template"
        source_bytes = make_site(template, args.count)
        local_walls, cluster_walls, cpus = [], [], []
        with LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster:
            for run in range(args.runs):
                for kind in ("local", "cluster"):
                    site = Path(scratch) / f"{kind}-{run}"
                    shutil.copytree(template, site)
                    if kind == "local":
                        wall, cpu = timed_build(site, "--workers", str(args.workers))
                        local_walls.append(wall)
                        cpus.append(cpu)
                    else:
                        wall, _ = timed_build(site, "--scheduler", cluster.scheduler_address)
                        cluster_walls.append(wall)
                    produced = variant_bytes(site)
                    shutil.rmtree(site)
        local, remote = statistics.median(local_walls), statistics.median(cluster_walls)
        cpu_per_image = statistics.median(cpus) / args.count
        moved = (source_bytes + produced) / args.count
        print(f"{args.count} photos of 640x480, {args.workers} workers, {args.runs} run(s)")
        print("| run | wall s | images/s |")
        print("| --- | ---: | ---: |")
        print(f"| local process pool | {local:.1f} | {args.count / local:.1f} |")
        print(f"| LocalCluster | {remote:.1f} | {args.count / remote:.1f} |")
        print(f"overhead ratio (cluster / local): {remote / local:.2f}x")
        print(f"CPU s per image (local pool): {cpu_per_image:.3f}")
        print(f"bytes moved per image (source + variants): {moved / 1000:.1f} kB")
        print(f"driver write rate (cluster): {produced / remote / 1e6:.2f} MB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The peer tools the benchmarks run side by side: eleventy-img 7 (sharp), from npm.

Installed on first use into a throw-away folder outside the repository (never committed);
`available()` is False where `node`/`npm` are missing or the install fails, and the
benchmarks then print their own rows only.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

PEER_DIR = Path(tempfile.gettempdir()) / "assets-tool-bench-peers"
PACKAGE = "@11ty/eleventy-img@7"
# eleventy-img with its defaults (sharp: AVIF quality 50 effort 4 4:4:4, WebP 80, JPEG 80)
SCRIPT = """
import Image from "@11ty/eleventy-img";
const [out, widths, ...files] = process.argv.slice(2);
for (const f of files) {
  await Image(f, { widths: widths.split(",").map(Number), formats: ["avif", "webp", "jpeg"],
                   outputDir: out });
}
"""
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpeg"}


def available() -> bool:
    """Install eleventy-img into PEER_DIR once; tell whether it can run here."""
    if not (shutil.which("node") and shutil.which("npm")):
        return False
    if not (PEER_DIR / "node_modules/@11ty/eleventy-img").is_dir():
        PEER_DIR.mkdir(parents=True, exist_ok=True)
        (PEER_DIR / "package.json").write_text('{"name": "peers", "private": true}\n')
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", PACKAGE],
            cwd=PEER_DIR,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            return False
    (PEER_DIR / "run.mjs").write_text(SCRIPT)
    return True


def run_eleventy(photos: list[Path], widths: list[int], out: Path) -> tuple[float, float, int]:
    """Run eleventy-img over `photos`; return wall s, CPU s and peak RSS (MB) of node."""
    out.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [
            "node",
            str(PEER_DIR / "run.mjs"),
            str(out),
            ",".join(map(str, widths)),
            *map(str, photos),
        ],
        cwd=PEER_DIR,
        check=True,
        capture_output=True,
        env={**os.environ, "NODE_PATH": str(PEER_DIR / "node_modules")},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def eleventy_img(
    photos: list[Path], widths: list[int], out: Path
) -> dict[tuple[int, int, str], bytes]:
    """Encode each photo with eleventy-img; return (photo index, width, format) -> bytes."""
    if not available():
        return {}
    found: dict[tuple[int, int, str], bytes] = {}
    for n, photo in enumerate(photos):
        folder = out / str(n)
        run_eleventy([photo], widths, folder)
        for path in folder.iterdir():
            stem, ext = path.stem, path.suffix.lstrip(".")
            width = int(stem.rsplit("-", 1)[1])
            found[n, width, EXTENSIONS[ext]] = path.read_bytes()
    return found

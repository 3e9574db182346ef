"""Create the example Jekyll/Chirpy site with its seven generated phone photos.

Usage: python examples/make_site.py DEST [--force]

Copies examples/site to DEST and writes assets/img/photos/jenson/1.jpg..7.jpg: 4000x3000
JPEGs stored sideways (EXIF Orientation 6), Display P3, GPS near Mandalay Bay, Las Vegas.
The output is the same, byte for byte, on every run.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make `examples.photogen` importable from the repository root.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from examples.photogen import make_photo

SITE_TEMPLATE = Path(__file__).resolve().parent / "site"
PHOTO_DIR = "assets/img/photos/jenson"
PHOTO_COUNT = 7
BASE_GPS = (36.0909, -115.1760)  # Mandalay Bay, Las Vegas


def photo_gps(n: int) -> tuple[float, float]:
    """Return photo `n`'s position: a few metres apart, as someone walking through the venue."""
    return (round(BASE_GPS[0] + 0.00011 * n, 6), round(BASE_GPS[1] - 0.00007 * n, 6))


def _photo(n: int) -> bytes:
    return make_photo(4000, 3000, seed=n, orientation=6, gps=photo_gps(n))


@functools.cache
def _photo_blobs() -> tuple[bytes, ...]:
    # Cached: the photos are a pure function of nothing, and tests build many sites.
    with ProcessPoolExecutor() as pool:
        return tuple(pool.map(_photo, range(1, PHOTO_COUNT + 1)))


def generate_photos() -> dict[str, bytes]:
    """Return the example photos' bytes keyed by their path relative to the site root."""
    return {f"{PHOTO_DIR}/{n}.jpg": blob for n, blob in enumerate(_photo_blobs(), start=1)}


def make_site(
    dest: Path, *, force: bool = False, photos: dict[str, bytes] | None = None
) -> list[Path]:
    """Copy the example site to `dest`, add the photos, and return the paths written."""
    if dest.resolve() == SITE_TEMPLATE:
        raise FileExistsError(f"{dest}: is the template itself; choose another destination")
    if dest.exists() and any(dest.iterdir()) and not force:
        raise FileExistsError(f"{dest}: not empty; pass --force to write into it anyway")
    written: list[Path] = []

    def copy(src: str, dst: str) -> None:
        shutil.copy2(src, dst)
        written.append(Path(dst))

    # Leave out what a local `jekyll build` or an earlier run may have left in the template.
    skip = shutil.ignore_patterns("_site", ".jekyll-cache", ".sass-cache", "photos", "variants")
    shutil.copytree(SITE_TEMPLATE, dest, dirs_exist_ok=True, ignore=skip, copy_function=copy)
    for rel, blob in (photos if photos is not None else generate_photos()).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
        written.append(path)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, build the site, and list what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="directory to create (must be empty or absent)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty DEST")
    args = parser.parse_args(argv)
    try:
        written = make_site(args.dest, force=args.force)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

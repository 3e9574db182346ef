"""assets-tool against eleventy-img 7 (sharp) and a naive Pillow script, side by side in one run.

Every photo is shown at width=400 (so 400/800/1200 w, as in the example post). Runs, each
--runs times and interleaved so that machine noise hits all alike: our build cold and warm
(nothing changed; process start included), eleventy-img cold and warm (its disk cache), and
the naive baseline (full decode, every width from the original, one process). Printed: median
wall and CPU seconds, peak RSS of the largest process, bytes per format, mean SSIMULACRA2 per
format at 800 w on a sample of the photos, and every figure as a ratio to eleventy-img.

Usage: python benchmarks/compare.py [--photos DIR] [--runs 3] [--sample 3]
(default photos: the example site's seven generated 12 MP photos)
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from benchmarks import peers  # noqa: E402
from benchmarks.build_speed import timed  # noqa: E402
from benchmarks.quality import score, to_srgb, upright  # noqa: E402
from examples.make_site import generate_photos, make_site  # noqa: E402

WIDTHS = [400, 800, 1200]
SCORED_WIDTH = 800
PHOTO_DIR = "assets/img/photos/jenson"
FORMATS = {"avif": "avif", "webp": "webp", "jpg": "jpeg", "jpeg": "jpeg", "png": "png"}


def site_with(photos: dict[str, bytes], root: Path) -> Path:
    """Write the example site, or a one-post site showing each given photo at width=400."""
    site = root / "site"
    make_site(site, photos=generate_photos())
    if photos:
        shutil.rmtree(site / PHOTO_DIR)
        (site / PHOTO_DIR).mkdir(parents=True)
        lines = ["---", "title: photos", "---", ""]
        for name, data in photos.items():
            (site / PHOTO_DIR / name).write_bytes(data)
            lines.append(f'<img src="/{PHOTO_DIR}/{name}" alt="photo" width=400>\n')
        for post in (site / "_posts").iterdir():
            post.unlink()
        (site / "_posts/2025-01-01-photos.md").write_text("\n".join(lines))
    return site


def by_format(folder: Path) -> dict[str, int]:
    """Return format -> total bytes of the image files in `folder`."""
    sizes: dict[str, int] = {}
    for path in folder.iterdir():
        kind = FORMATS.get(path.suffix.lstrip(".").lower())
        if kind:
            sizes[kind] = sizes.get(kind, 0) + path.stat().st_size
    return sizes


def ours_cold_warm(template: Path, scratch: Path) -> tuple[tuple[float, ...], ...]:
    """Build a fresh copy cold, then again warm; return ((wall, cpu, rss), (wall, cpu, rss))."""
    site = scratch / "ours"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(template, site)
    tool = [sys.executable, "-m", "assets_tool", "build", str(site)]
    return timed(tool), timed(tool)


def eleventy_cold_warm(photos: list[Path], scratch: Path) -> tuple[tuple[float, ...], ...]:
    out = scratch / "eleventy"
    shutil.rmtree(out, ignore_errors=True)
    return peers.run_eleventy(photos, WIDTHS, out), peers.run_eleventy(photos, WIDTHS, out)


def naive(template: Path, scratch: Path) -> tuple[float, ...]:
    site = scratch / "naive-site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(template, site)
    return timed([sys.executable, str(ROOT / "benchmarks/build_speed.py"), "--naive", str(site)])


def quality(photos: list[Path], scratch: Path) -> dict[str, dict[str, float]]:
    """Mean SSIMULACRA2 per format at SCORED_WIDTH: ours and eleventy-img's, same references."""
    variants = scratch / "ours/assets/img/variants"
    theirs = (
        peers.eleventy_img(photos, [SCORED_WIDTH], scratch / "scored") if peers.available() else {}
    )
    scores: dict[str, dict[str, list[float]]] = {"ours": {}, "eleventy": {}}
    for n, photo in enumerate(photos):
        img = to_srgb(upright(photo.read_bytes()))
        ref = img.resize(
            (SCORED_WIDTH, round(img.height * SCORED_WIDTH / img.width)), Image.Resampling.LANCZOS
        )
        reference = scratch / f"ref-{n}.png"
        ref.save(reference)
        for path in variants.glob(f"{photo.stem.lower()}-{SCORED_WIDTH}-*.*"):
            kind = FORMATS[path.suffix.lstrip(".")]
            scores["ours"].setdefault(kind, []).append(score(reference, path.read_bytes(), scratch))
        for (index, _, kind), data in theirs.items():
            if index == n:
                scores["eleventy"].setdefault(kind, []).append(score(reference, data, scratch))
    return {who: {k: statistics.mean(v) for k, v in per.items()} for who, per in scores.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, help="folder of JPEG photos (default: example)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=3, help="photos scored by SSIMULACRA2")
    args = parser.parse_args()
    # an installed package has its bytecode compiled at install time; an editable checkout
    # run with PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start
    compileall.compile_dir(ROOT / "assets_tool", quiet=1)
    given = (
        {p.name: p.read_bytes() for p in sorted(args.photos.glob("*.jp*g"))} if args.photos else {}
    )
    have_peer = peers.available()
    rows: dict[str, list[tuple[float, ...]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        template = site_with(given, scratch / "template")
        photos = sorted((template / PHOTO_DIR).glob("*.*"))
        for _ in range(args.runs):
            cold, warm = ours_cold_warm(template, scratch)
            rows.setdefault("assets-tool cold", []).append(cold)
            rows.setdefault("assets-tool warm", []).append(warm)
            if have_peer:
                cold, warm = eleventy_cold_warm(photos, scratch)
                rows.setdefault("eleventy-img cold", []).append(cold)
                rows.setdefault("eleventy-img warm", []).append(warm)
            rows.setdefault("naive Pillow", []).append(naive(template, scratch))
        ours_bytes = by_format(scratch / "ours/assets/img/variants")
        their_bytes = by_format(scratch / "eleventy") if have_peer else {}
        scored = quality(photos[: args.sample], scratch)
    _print(rows, ours_bytes, their_bytes, scored, len(photos))
    return 0


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}x" if base else "-"


def _print(
    rows: dict[str, list[tuple[float, ...]]],
    ours: dict[str, int],
    theirs: dict[str, int],
    scored: dict[str, dict[str, float]],
    count: int,
) -> None:
    medians = {
        name: [statistics.median(r[i] for r in runs) for i in range(3)]
        for name, runs in rows.items()
    }
    print(f"{count} photos, widths {WIDTHS}, {len(next(iter(rows.values())))} runs (medians)\n")
    print("| run | wall s | vs eleventy | CPU s | vs eleventy | peak RSS MB | vs eleventy |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, (wall, cpu, rss) in medians.items():
        # cold against eleventy's cold, warm against its warm, the naive script against cold
        phase = name.rsplit(" ", 1)[-1] if name.endswith(("cold", "warm")) else "cold"
        b = medians.get(f"eleventy-img {phase}") or [0, 0, 0]
        print(
            f"| {name} | {wall:.2f} | {_ratio(wall, b[0])} | {cpu:.2f} | {_ratio(cpu, b[1])} "
            f"| {rss:.0f} | {_ratio(rss, b[2])} |"
        )
    print(
        "\n| format | assets-tool bytes | eleventy-img bytes | ratio | SSIMULACRA2 ours | theirs |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind in ("avif", "webp", "jpeg", "png"):
        if kind not in ours and kind not in theirs:
            continue
        mine, other = ours.get(kind, 0), theirs.get(kind, 0)
        s_mine = scored["ours"].get(kind, float("nan"))
        s_other = scored["eleventy"].get(kind, float("nan"))
        print(
            f"| {kind} | {mine} | {other} | {_ratio(mine, other)} | {s_mine:.2f} | {s_other:.2f} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())

"""End to end: `assets-tool build` on the example site, through the CLI, checked independently."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from tests.helpers import elements, image_urls, run_cli, tree_digest

POST = "_posts/2025-01-06-ces-2025-keynote-1.md"
SEED = Path(__file__).resolve().parents[2] / "examples" / "site" / POST  # the seed post, verbatim


def _pixels(path: Path) -> bytes:
    with Image.open(path) as img:
        return ImageOps.exif_transpose(img).tobytes()


def _url_to_file(site: Path, url: str) -> Path:
    assert url.startswith("/"), f"{url} is not site-root absolute (Chirpy would break it)"
    return site / url.lstrip("/")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Build the example site once; the tests below inspect the result."""
    from examples.make_site import make_site

    site = tmp_path_factory.mktemp("build") / "site"
    make_site(site)
    photos = sorted((site / "assets/img/photos/jenson").glob("*.jpg"))
    before = {p.name: _pixels(p) for p in photos}
    original_post = (site / POST).read_bytes()
    result = run_cli("build", site, "--json")
    return {
        "site": site,
        "result": result,
        "pixels_before": before,
        "post_before": original_post,
    }


def test_build_exits_cleanly_and_reports(built: dict[str, object]) -> None:
    result = built["result"]
    assert isinstance(result, subprocess.CompletedProcess)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["images"] == 7
    assert report["locations_removed"] == 7
    assert report["errors"] == []
    assert report["variants_written"] >= 7 * 3
    assert 0 < report["bytes_after"] < report["bytes_before"] / 20
    # Chirpy sources get theme-safe WebP markup: a reader downloads the 400 px WebP of each
    site = built["site"]
    assert isinstance(site, Path)
    text = (site / POST).read_text(encoding="utf-8")
    shown = [e.attrs["src"] or "" for e in elements(text) if e.tag == "img"]
    assert all(src.endswith(".webp") for src in shown)
    assert report["bytes_after"] == sum((site / s.lstrip("/")).stat().st_size for s in shown)
    assert "7 images" in result.stderr


def test_every_reference_is_rewritten_to_existing_upright_variants(
    built: dict[str, object],
) -> None:
    site = built["site"]
    assert isinstance(site, Path)
    text = (site / POST).read_text(encoding="utf-8")
    imgs = [e for e in elements(text) if e.tag == "img"]
    assert len(imgs) == 7
    assert all("data-assets-tool" in e.attrs for e in imgs)
    assert "/assets/img/photos/jenson/" not in text  # no reference to an original remains
    for url in image_urls(text):
        path = _url_to_file(site, url)
        assert path.is_file(), url
        with Image.open(path) as img:
            img.load()
            assert img.height > img.width, f"{url} is not upright (Orientation 6 source)"
            assert img.format in {"WEBP", "AVIF", "JPEG"}
    for img_el in imgs:
        assert img_el.attrs["width"] == "400"
        assert img_el.attrs["height"] == str(round(400 * 4000 / 3000))
        assert img_el.attrs["alt"] == "Description of image"


def test_everything_published_is_location_free(built: dict[str, object]) -> None:
    site = built["site"]
    assert isinstance(site, Path)
    out = subprocess.run(
        [
            "exiftool",
            "-r",
            "-a",
            "-ee",
            "-G1",
            "-s",
            "-gps:all",
            "-location:all",
            str(site / "assets"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tag_lines = [line for line in out.splitlines() if line.startswith("[")]
    assert tag_lines == []


def test_originals_keep_their_pixels(built: dict[str, object]) -> None:
    site = built["site"]
    before = built["pixels_before"]
    assert isinstance(site, Path) and isinstance(before, dict)
    for name, pixels in before.items():
        assert _pixels(site / "assets/img/photos/jenson" / name) == pixels, name


def test_second_build_changes_nothing_and_check_passes(built: dict[str, object]) -> None:
    site = built["site"]
    assert isinstance(site, Path)
    snapshot = tree_digest(site)
    again = run_cli("build", site)
    assert again.returncode == 0, again.stderr
    assert tree_digest(site) == snapshot
    check = run_cli("build", site, "--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_revert_restores_the_post_byte_for_byte(built: dict[str, object], tmp_path: Path) -> None:
    site = built["site"]
    assert isinstance(site, Path)
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    result = run_cli("build", copy, "--revert")
    assert result.returncode == 0, result.stderr
    assert (copy / POST).read_bytes() == built["post_before"]
    assert (copy / POST).read_bytes() == SEED.read_bytes()


def test_dry_run_prints_a_diff_and_writes_nothing(example_site: Path) -> None:
    snapshot = tree_digest(example_site)
    result = run_cli("build", example_site, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"+++ b/{example_site / POST}" in result.stdout
    assert "would write:" in result.stdout
    assert tree_digest(example_site) == snapshot


def test_check_fails_before_build(example_site: Path) -> None:
    snapshot = tree_digest(example_site)
    result = run_cli("build", example_site, "--check")
    assert result.returncode == 1
    assert "would rewrite:" in result.stdout
    assert tree_digest(example_site) == snapshot


def test_audit_lists_the_photos_before_build_and_passes_after(tmp_path: Path) -> None:
    from examples.make_site import make_site, photo_gps

    site = tmp_path / "site"
    make_site(site)
    before = run_cli("audit", site)
    assert before.returncode == 1
    for n in range(1, 8):
        lat, lon = photo_gps(n)
        line = next(x for x in before.stdout.splitlines() if f"jenson/{n}.jpg" in x)
        shown = [float(x) for x in re.findall(r"-?\d+\.\d{4,}", line)]
        assert shown == pytest.approx([lat, lon], abs=1e-5), line
    assert run_cli("build", site).returncode == 0
    after = run_cli("audit", site)
    assert after.returncode == 0, after.stdout


def test_check_fails_on_a_published_image_no_post_references(built: dict[str, object]) -> None:
    from examples.photogen import make_photo

    site = built["site"]
    assert isinstance(site, Path)
    stray = site / "assets/img/stray.jpg"
    stray.write_bytes(make_photo(320, 240, seed=9))
    try:
        result = run_cli("build", site, "--check")
        assert result.returncode == 1
        assert "stray.jpg" in result.stderr and "assets-tool strip" in result.stderr
    finally:
        stray.unlink()


def test_scan_lists_each_reference_with_location(example_site: Path) -> None:
    result = run_cli("scan", example_site, "--json")
    assert result.returncode == 0, result.stderr
    refs = json.loads(result.stdout)["references"]
    photos = [r for r in refs if "/jenson/" in r["src"]]
    assert len(photos) == 7
    assert all(r["has_location"] and r["width"] == 3000 and r["height"] == 4000 for r in photos)


def test_variant_decodes_like_pillow_would_read_it(built: dict[str, object]) -> None:
    """A variant must carry no metadata at all but the colour profile."""
    site = built["site"]
    assert isinstance(site, Path)
    variants = sorted((site / "assets/img/variants").glob("*.*"))
    sample = [v for v in variants if v.suffix in {".avif", ".webp", ".jpg"}][:3]
    assert sample
    for path in sample:
        tags = subprocess.run(
            ["exiftool", "-j", "-a", "-G1", "-EXIF:all", "-XMP:all", "-IPTC:all", str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert set(json.loads(tags)[0]) == {"SourceFile"}, path
        with Image.open(io.BytesIO(path.read_bytes())) as img:
            assert "icc_profile" in img.info, f"{path} dropped the colour profile"


def test_a_replaced_photo_gets_new_variants_and_the_old_ones_go(tmp_path: Path) -> None:
    from examples.make_site import make_site
    from examples.photogen import make_photo

    site = tmp_path / "site"
    make_site(site)
    assert run_cli("build", site).returncode == 0
    variants = site / "assets/img/variants"
    keep = variants / "notes.txt"  # a file the tool did not write must survive
    keep.write_text("mine")
    old = {p.name for p in variants.glob("1-*")}
    (site / "assets/img/photos/jenson/1.jpg").write_bytes(make_photo(2000, 1500, seed=42))

    check = run_cli("build", site, "--check")
    assert check.returncode == 1
    result = run_cli("build", site)
    assert result.returncode == 0, result.stderr

    new = {p.name for p in variants.glob("1-*")}
    assert new and not (new & old), "a changed photo must get new names"
    assert not [n for n in old if (variants / n).exists()], "stale variants must be removed"
    assert keep.read_text() == "mine"
    text = (site / POST).read_text(encoding="utf-8")
    for url in image_urls(text):
        assert _url_to_file(site, url).is_file(), url
    assert run_cli("build", site, "--check").returncode == 0

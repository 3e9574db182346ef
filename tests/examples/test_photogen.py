"""The generated fixtures really have the properties the other tests rely on."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageCms, ImageOps, ImageStat

from examples import make_site
from examples.photogen import (
    DISPLAY_P3,
    PATCH_COLOR,
    PATCH_COLOR_AS_SRGB,
    display_p3_profile,
    make_16bit_png,
    make_animated_gif,
    make_animated_webp,
    make_cmyk_jpeg,
    make_palette_png_with_transparency,
    make_photo,
    make_png,
    marker_box,
    patch_box,
    upright_size,
)
from tests.conftest import ExifTool

SRGB = ImageCms.createProfile("sRGB")


def _to_srgb(rgb: tuple[int, int, int]) -> tuple[int, ...]:
    p3 = ImageCms.ImageCmsProfile(io.BytesIO(DISPLAY_P3))
    out = ImageCms.profileToProfile(Image.new("RGB", (1, 1), rgb), p3, SRGB)
    assert out is not None
    return tuple(out.getpixel((0, 0)))  # type: ignore[arg-type]


def _srgb_encode(v: float) -> int:
    v = min(1.0, max(0.0, v))
    return round(255 * (12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055))


def _srgb_decode(c: int) -> float:
    v = c / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


# The published linear Display P3 -> linear sRGB matrix (both D65): an oracle independent of
# how the profile is built.
P3_TO_SRGB = ((1.2249, -0.2247, 0.0), (-0.0420, 1.0419, 0.0), (-0.0197, -0.0786, 1.0979))


def _expected_srgb(rgb: tuple[int, int, int]) -> tuple[int, ...]:
    lin = [_srgb_decode(c) for c in rgb]
    return tuple(_srgb_encode(sum(P3_TO_SRGB[r][c] * lin[c] for c in range(3))) for r in range(3))


def test_profile_is_deterministic_and_loads() -> None:
    assert display_p3_profile() == DISPLAY_P3
    profile = ImageCms.ImageCmsProfile(io.BytesIO(DISPLAY_P3))
    assert ImageCms.getProfileDescription(profile).strip() == "Display P3"


def test_saturated_p3_red_clips_to_srgb_red() -> None:
    # P3 red is (1.22, -0.04, -0.02) in linear sRGB: out of gamut, so it clips to pure red.
    assert _to_srgb((255, 0, 0)) == (255, 0, 0)


@pytest.mark.parametrize("p3", [(200, 60, 40), (180, 120, 90), (40, 160, 60)])
def test_in_gamut_colours_convert_like_the_published_matrix(p3: tuple[int, int, int]) -> None:
    # e.g. P3 (200, 60, 40) is sRGB (217, 42, 23): ignoring the profile would show it duller.
    got = _to_srgb(p3)
    assert got != p3
    assert all(abs(g - e) <= 2 for g, e in zip(got, _expected_srgb(p3), strict=True)), got


def test_patch_colour_constants_agree_with_the_profile() -> None:
    assert _to_srgb(PATCH_COLOR) == PATCH_COLOR_AS_SRGB


def _patch_mean(img: Image.Image) -> list[float]:
    left, top, right, bottom = patch_box(*img.size)
    # Stay clear of the edges, where chroma subsampling mixes in the neighbours.
    inner = (left + 4, top + 4, right - 4, bottom - 4)
    return ImageStat.Stat(img.convert("RGB").crop(inner)).mean


def test_photo_patch_shows_whether_colour_was_converted(small_photo: bytes) -> None:
    with Image.open(io.BytesIO(small_photo)) as im:
        upright = ImageOps.exif_transpose(im)
    p3 = ImageCms.ImageCmsProfile(io.BytesIO(DISPLAY_P3))
    converted = ImageCms.profileToProfile(upright, p3, SRGB)
    assert converted is not None
    assert _patch_mean(upright) == pytest.approx(PATCH_COLOR, abs=4)
    assert _patch_mean(converted) == pytest.approx(PATCH_COLOR_AS_SRGB, abs=4)


def test_exiftool_sees_phone_metadata(
    tmp_path: Path, small_photo: bytes, exiftool: ExifTool
) -> None:
    path = tmp_path / "p.jpg"
    path.write_bytes(small_photo)
    tags = exiftool(path, "-n")
    assert tags["IFD0:Orientation"] == 6
    assert (tags["IFD0:Make"], tags["IFD0:Model"]) == ("Apple", "iPhone 15 Pro")
    assert tags["ExifIFD:DateTimeOriginal"] == "2025:01:06 18:40:00"
    assert tags["ICC_Profile:ProfileDescription"] == "Display P3"
    assert (tags["GPS:GPSLatitudeRef"], tags["GPS:GPSLongitudeRef"]) == ("N", "W")
    assert tags["GPS:GPSLatitude"] == pytest.approx(36.0909, abs=1e-5)
    assert tags["GPS:GPSLongitude"] == pytest.approx(115.1760, abs=1e-5)
    assert tags["XMP-exif:GPSLatitude"] == pytest.approx(36.0909, abs=1e-5)
    assert tags["XMP-exif:GPSLongitude"] == pytest.approx(-115.1760, abs=1e-5)
    assert (tags["File:ImageWidth"], tags["File:ImageHeight"]) == (640, 480)


def test_exif_has_every_tag_the_spec_requires(tmp_path: Path) -> None:
    path = tmp_path / "p.jpg"
    path.write_bytes(make_photo(64, 48))
    # JSON output keeps only the first warning, so read the plain listing of all of them.
    report = subprocess.run(
        ["exiftool", "-a", "-s", "-validate", "-warning", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Validate" in report
    assert "Missing required" not in report


def test_location_can_be_left_out(tmp_path: Path, location_tags: Any) -> None:
    no_xmp = tmp_path / "no_xmp.jpg"
    no_xmp.write_bytes(make_photo(64, 48, xmp_gps=False))
    assert not any(k.startswith("XMP") for k in location_tags(no_xmp))
    assert "GPS:GPSLatitude" in location_tags(no_xmp)
    clean = tmp_path / "clean.jpg"
    clean.write_bytes(make_photo(64, 48, gps=None))
    assert location_tags(clean) == {}


def _corner_means(img: Image.Image) -> list[float]:
    w, h = img.size
    side = marker_box(w, h)[2]
    boxes = [(0, 0), (w - side, 0), (0, h - side), (w - side, h - side)]
    gray = img.convert("L")
    return [ImageStat.Stat(gray.crop((x, y, x + side, y + side))).mean[0] for x, y in boxes]


def test_full_photo_is_a_portrait_with_the_marker_top_left(photo_bytes: bytes) -> None:
    with Image.open(io.BytesIO(photo_bytes)) as im:
        assert im.size == (4000, 3000)
        upright = ImageOps.exif_transpose(im)
    assert upright.size == (3000, 4000)
    top_left, *others = _corner_means(upright)
    assert top_left > 240
    assert all(mean < 120 for mean in others), others


def test_full_photo_compresses_like_a_photo(photo_bytes: bytes) -> None:
    assert 2_000_000 <= len(photo_bytes) <= 5_000_000


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_turns_upright(orientation: int) -> None:
    data = make_photo(80, 60, orientation=orientation, gps=None, icc=None)
    with Image.open(io.BytesIO(data)) as im:
        assert im.getexif()[0x0112] == orientation
        upright = ImageOps.exif_transpose(im)
    assert upright.size == upright_size(80, 60, orientation)
    top_left, *others = _corner_means(upright)
    assert top_left > 200
    assert max(others) < 120


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    assert make_photo(320, 240, seed=3) == make_photo(320, 240, seed=3)
    assert make_photo(320, 240, seed=3) != make_photo(320, 240, seed=4)


def test_grayscale_mode_without_profile() -> None:
    with Image.open(io.BytesIO(make_photo(64, 48, mode="L", icc=None))) as im:
        assert im.mode == "L"
        assert "icc_profile" not in im.info


def test_png_screenshot_has_partial_alpha_and_sharp_edges() -> None:
    with Image.open(io.BytesIO(make_png(200, 120))) as im:
        assert (im.format, im.mode, im.size) == ("PNG", "RGBA", (200, 120))
        alphas = {v for v, n in enumerate(im.getchannel("A").histogram()) if n}
    assert {0, 255} <= alphas and len(alphas) >= 3
    with Image.open(io.BytesIO(make_png(200, 120, alpha=False))) as im:
        assert im.mode == "RGB"


def test_cmyk_jpeg() -> None:
    with Image.open(io.BytesIO(make_cmyk_jpeg(64, 48))) as im:
        assert (im.format, im.mode, im.size) == ("JPEG", "CMYK", (64, 48))


def test_16bit_png_uses_the_full_range() -> None:
    with Image.open(io.BytesIO(make_16bit_png(64, 32))) as im:
        assert im.format == "PNG" and im.mode.startswith("I;16")
        low, high = im.convert("I").getextrema()
    assert low == 0 and isinstance(high, int) and high > 60000


def test_palette_png_with_transparency() -> None:
    with Image.open(io.BytesIO(make_palette_png_with_transparency())) as im:
        assert (im.mode, im.info["transparency"]) == ("P", 0)
        assert im.histogram()[0] > 0


@pytest.mark.parametrize("maker", [make_animated_gif, make_animated_webp])
def test_animations_have_distinct_frames(maker: Any) -> None:
    with Image.open(io.BytesIO(maker(frames=5))) as im:
        assert getattr(im, "is_animated", False) and getattr(im, "n_frames", 1) == 5
        frames = []
        for i in range(5):
            im.seek(i)
            frames.append(im.convert("RGB").tobytes())
    assert len(set(frames)) == 5


def test_example_site_has_the_post_and_seven_photos(example_site: Path, exiftool: ExifTool) -> None:
    post = example_site / "_posts/2025-01-06-ces-2025-keynote-1.md"
    assert (
        post.read_bytes() == (make_site.SITE_TEMPLATE / post.relative_to(example_site)).read_bytes()
    )
    text = post.read_text(encoding="utf-8")
    positions = set()
    for n in range(1, 8):
        assert f'<img src="/assets/img/photos/jenson/{n}.jpg"' in text
        tags = exiftool(example_site / f"assets/img/photos/jenson/{n}.jpg", "-n")
        assert (tags["File:ImageWidth"], tags["File:ImageHeight"]) == (4000, 3000)
        assert tags["IFD0:Orientation"] == 6
        positions.add((tags["GPS:GPSLatitude"], tags["GPS:GPSLongitude"]))
    assert len(positions) == 7
    assert "assets_tool:" in (example_site / "_config.yml").read_text(encoding="utf-8")


def test_make_site_refuses_a_non_empty_destination(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert make_site.main([str(tmp_path)]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]

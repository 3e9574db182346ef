"""Phones write HEIC: `assets-tool build` renders it (with the `heif` extra) and cleans it."""

from __future__ import annotations

import io
from pathlib import Path

import pillow_heif
from PIL import Image, ImageOps

from examples.photogen import make_photo, marker_box
from tests.helpers import elements, run_cli

pillow_heif.register_heif_opener()


def _heic_photo() -> bytes:
    """A sideways P3 phone photo with GPS, re-encoded as HEIC with its EXIF and profile."""
    with Image.open(io.BytesIO(make_photo(1600, 1200, seed=11))) as src:
        out = io.BytesIO()
        src.save(out, "HEIF", exif=src.getexif().tobytes(), icc_profile=src.info["icc_profile"])
    return out.getvalue()


def _pixels(path: Path) -> bytes:
    with Image.open(path) as img:
        return ImageOps.exif_transpose(img).tobytes()


def test_heic_original_gets_upright_variants_and_loses_its_location(
    tmp_path: Path,
    location_tags,  # type: ignore[no-untyped-def]
) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "assets/img").mkdir(parents=True)
    (site / "_config.yml").write_text("title: t\n", encoding="utf-8")
    post = site / "_posts/2025-01-01-heic.md"
    post.write_text("---\ntitle: h\n---\n\n![phone](/assets/img/IMG_0001.HEIC)\n", encoding="utf-8")
    original = site / "assets/img/IMG_0001.HEIC"
    original.write_bytes(_heic_photo())
    assert location_tags(original)
    pixels = _pixels(original)

    result = run_cli("build", site)

    assert result.returncode == 0, result.stderr
    assert location_tags(original) == {}
    assert _pixels(original) == pixels, "stripping must not touch the image data"
    img = next(e for e in elements(post.read_text(encoding="utf-8")) if e.tag == "img")
    with Image.open(site / (img.attrs["src"] or "").lstrip("/")) as variant:
        rgb = variant.convert("RGB")
    assert rgb.height > rgb.width
    left, top, right, bottom = marker_box(*rgb.size)
    marker = rgb.getpixel(((left + right) // 2, (top + bottom) // 2))
    assert isinstance(marker, tuple) and min(marker) >= 235, "the white marker is top-left"

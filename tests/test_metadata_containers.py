"""PNG, WebP, TIFF, GIF and AVIF/HEIF location handling, checked with exiftool and Pillow."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from PIL import Image

from assets_tool.errors import MetadataError
from assets_tool.metadata import read_location, strip_location

from .test_metadata_fixtures import (
    exif_block,
    exiftool,
    exiftool_location,
    gif_with_xmp,
    picture,
    png_chunks,
    png_with_location,
    tiff_with_location,
    webp_with_location,
)


def _frames(data: bytes) -> list[bytes]:
    img = Image.open(io.BytesIO(data))
    out = []
    for index in range(getattr(img, "n_frames", 1)):
        img.seek(index)
        out.append(img.convert("RGBA").tobytes())
    return out


def _strip_and_check(tmp_path: Path, data: bytes, name: str) -> bytes:
    before = tmp_path / f"before-{name}"
    before.write_bytes(data)
    assert exiftool_location(before)
    out = strip_location(data, Path(name))
    after = tmp_path / name
    after.write_bytes(out)
    assert exiftool_location(after) == ""
    assert read_location(out, after).findings == ()
    assert _frames(out) == _frames(data)
    # no new complaints from exiftool (the fixtures themselves may earn minor ones)
    warnings_after = set(exiftool(after, "-warning").splitlines())
    assert warnings_after <= set(exiftool(before, "-warning").splitlines())
    return out


def test_png_all_location_chunks_and_trailer_are_removed(tmp_path: Path) -> None:
    data = png_with_location()
    wheres = [f.where for f in read_location(data, Path("a.png")).findings]
    assert "EXIF GPS" in wheres
    assert "XMP photoshop:City" in wheres
    assert "PNG text GPSLatitude" in wheres
    assert "PNG raw profile exif EXIF GPS" in wheres
    assert "trailer after IEND" in wheres
    out = _strip_and_check(tmp_path, data, "a.png")
    kinds = [kind for kind, _ in png_chunks(out)]  # png_chunks checks every CRC
    assert b"eXIf" in kinds and b"zTXt" not in kinds
    assert b"Comment\x00kept" in out
    assert "Rotate 90 CW" in exiftool(tmp_path / "a.png", "-Orientation")
    assert "A night out" in exiftool(tmp_path / "a.png", "-XMP:all")


def test_png_all_keeps_only_pixels_colour_and_orientation(tmp_path: Path) -> None:
    out = strip_location(png_with_location(), Path("a.png"), everything=True)
    kinds = {kind for kind, _ in png_chunks(out)}
    assert kinds == {b"IHDR", b"IDAT", b"IEND", b"eXIf"}
    path = tmp_path / "a.png"
    path.write_bytes(out)
    listing = exiftool(path, "-EXIF:all")
    assert "Rotate 90 CW" in listing and "Apple" not in listing


@pytest.mark.parametrize("lossless", [True, False])
def test_webp_exif_and_xmp_are_cleaned(tmp_path: Path, lossless: bool) -> None:
    data = webp_with_location(lossless)
    wheres = [f.where for f in read_location(data, Path("a.webp")).findings]
    assert wheres[0] == "EXIF GPS" and "trailer after RIFF" in wheres
    out = _strip_and_check(tmp_path, data, "a.webp")
    kept = exiftool(tmp_path / "a.webp", "-Orientation", "-Make", "-ProfileDescription", "-XMP:all")
    assert "Rotate 90 CW" in kept and "Apple" in kept and "sRGB" in kept and "A night out" in kept
    assert int.from_bytes(out[4:8], "little") + 8 == len(out)


def test_webp_all_clears_vp8x_flags(tmp_path: Path) -> None:
    data = webp_with_location()
    out = strip_location(data, Path("a.webp"), everything=True)
    assert b"XMP " not in out
    flags = out[out.index(b"VP8X") + 8]
    assert not flags & 0x04 and flags & 0x08 and flags & 0x20  # EXIF (orientation) and ICC stay
    path = tmp_path / "a.webp"
    path.write_bytes(out)
    listing = exiftool(path, "-all")
    assert "Rotate 90 CW" in listing and "iPhone" not in listing
    assert _frames(out) == _frames(data)


def test_webp_without_orientation_drops_exif_and_its_flag() -> None:
    out = io.BytesIO()
    exif = exif_block()
    del exif[0x0112]
    picture().save(out, "WEBP", exif=exif, lossless=True)
    data = strip_location(out.getvalue(), Path("a.webp"), everything=True)
    assert b"EXIF" not in data and not data[data.index(b"VP8X") + 8] & 0x08


def test_tiff_gps_and_xmp_are_cleaned_in_place(tmp_path: Path) -> None:
    data = tiff_with_location()
    assert read_location(data, Path("a.tif")).coordinates == pytest.approx(
        (36.0909, -115.176), abs=1e-4
    )
    out = _strip_and_check(tmp_path, data, "a.tif")
    assert len(out) == len(data)
    assert "Rotate 90 CW" in exiftool(tmp_path / "a.tif", "-Orientation")


def test_tiff_all_drops_descriptive_tags(tmp_path: Path) -> None:
    out = strip_location(tiff_with_location(), Path("a.tif"), everything=True)
    path = tmp_path / "a.tif"
    path.write_bytes(out)
    listing = exiftool(path, "-all")
    assert "Apple" not in listing and "Rotate 90 CW" in listing and "GPS" not in listing


def test_gif_xmp_extension_is_dropped_and_frames_kept(tmp_path: Path) -> None:
    data = gif_with_xmp()
    assert any(f.where == "XMP photoshop:City" for f in read_location(data, Path("a.gif")).findings)
    out = _strip_and_check(tmp_path, data, "a.gif")
    assert Image.open(io.BytesIO(out)).n_frames == 2


def test_avif_location_is_read_but_never_silently_kept(tmp_path: Path) -> None:
    out = io.BytesIO()
    picture().save(out, "AVIF", exif=exif_block())
    data = out.getvalue()
    report = read_location(data, Path("a.avif"))
    assert report.unchecked is None and report.coordinates == pytest.approx(
        (36.0909, -115.176), abs=1e-4
    )
    with pytest.raises(MetadataError, match="cannot be rewritten losslessly"):
        strip_location(data, Path("a.avif"))
    clean = io.BytesIO()
    picture().save(clean, "AVIF")
    assert strip_location(clean.getvalue(), Path("b.avif")) is clean.getvalue()


def test_heic_is_never_reported_clean_without_a_reader() -> None:
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    if importlib.util.find_spec("pillow_heif") is not None:
        with pytest.raises(MetadataError):  # a real reader refuses this stub
            read_location(data, Path("a.heic"))
        return
    report = read_location(data, Path("a.heic"))
    assert report.findings == () and report.unchecked and "not checked" in report.unchecked
    with pytest.raises(MetadataError, match="not checked"):
        strip_location(data, Path("a.heic"))


def test_jpeg_xl_and_bigtiff_are_reported_unchecked() -> None:
    for data in (b"\xff\x0a" + b"\x00" * 32, b"II+\x00" + b"\x00" * 32):
        assert read_location(data, Path("x")).unchecked

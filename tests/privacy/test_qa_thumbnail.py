"""An EXIF thumbnail that carries its own location, in every container that holds EXIF."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from assets_tool.cli import main

from .fixtures import exiftool_location, jpeg


def _with_located_thumbnail(tmp_path: Path, fmt: str) -> Path:
    """Save a located-free image, then let exiftool give it a thumbnail that has GPS/XMP."""
    thumb = tmp_path / "thumb.jpg"
    thumb.write_bytes(jpeg(size=(16, 12)))
    assert exiftool_location(thumb)
    photo = tmp_path / f"photo.{fmt.lower()}"
    Image.new("RGB", (32, 24), "teal").save(photo, fmt)
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", "-Make=Cam", f"-ThumbnailImage<={thumb}", photo],
        check=True,
    )
    return photo


def _thumbnail(photo: Path) -> bytes:
    done = subprocess.run(
        ["exiftool", "-b", "-ThumbnailImage", str(photo)], capture_output=True, check=True
    )
    return done.stdout


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WebP", "AVIF"])
def test_location_in_the_exif_thumbnail_is_found_and_removed(tmp_path: Path, fmt: str) -> None:
    photo = _with_located_thumbnail(tmp_path, fmt)
    pixels = Image.open(photo).tobytes()
    audit = CliRunner().invoke(main, ["audit", str(photo)])
    assert audit.exit_code == 1
    assert f"{photo}: " in audit.stdout and "EXIF thumbnail EXIF GPS" in audit.stdout
    strip = CliRunner().invoke(main, ["strip", str(photo)])
    assert strip.exit_code == 1 and "EXIF thumbnail" in strip.stdout
    thumb = tmp_path / "extracted.jpg"
    thumb.write_bytes(_thumbnail(photo))
    assert exiftool_location(thumb) == ""
    assert Image.open(io.BytesIO(thumb.read_bytes())).size == (16, 12)  # still a thumbnail
    assert Image.open(photo).tobytes() == pixels
    assert CliRunner().invoke(main, ["audit", str(photo)]).exit_code == 0

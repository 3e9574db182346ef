"""Every location tag exiftool can write into an image, written by exiftool, stripped by us."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from assets_tool.cli import main

from .fixtures import exiftool, exiftool_location

# the metadata blocks an image holds (QuickTime, MIE, maker notes are other file kinds or
# not writable from scratch)
_TABLES = ("XMP::", "DarwinCore::", "DJI::XMP", "PhotoMechanic::XMP", "Exif::", "GPS::", "IPTC::")
_NUMERIC = ("int", "rational", "real", "double", "float")


def _writable_location_tags() -> list[str]:
    """Ask exiftool for its location group and build one assignment per writable tag."""
    listing = subprocess.run(
        ["exiftool", "-listx", "-location:all"], capture_output=True, check=True
    ).stdout
    args = []
    for table in ET.fromstring(listing).iter("table"):
        if not (table.get("name") or "").startswith(_TABLES):
            continue
        for tag in table.iter("tag"):
            if tag.get("writable") != "true":
                continue
            kind = tag.get("type") or ""
            value = "12" if kind.startswith(_NUMERIC) else "Seoul"
            group = tag.get("g1") or table.get("g1")
            args.append(f"-{group}:{tag.get('name')}={value}")
    return args


def test_every_writable_exiftool_location_tag_is_stripped(tmp_path: Path) -> None:
    tags = _writable_location_tags()
    assert len(tags) > 150  # exiftool 12 lists about 210
    picture = Image.new("RGB", (32, 24), "navy")
    photos = [tmp_path / f"all.{ext}" for ext in ("jpg", "png", "webp", "tif", "avif")]
    for photo in photos:
        picture.save(photo)
    keep = ["-Make=Cam", "-XMP-dc:Description=kept"]
    subprocess.run(
        ["exiftool", "-q", "-q", "-m", "-overwrite_original", *tags, *keep, *map(str, photos)],
        check=True,
    )
    pixels = {}
    for photo in photos:
        assert len(exiftool_location(photo).splitlines()) > 100, photo
        pixels[photo] = Image.open(photo).tobytes()
    result = CliRunner().invoke(main, ["strip", str(tmp_path)])
    assert result.exit_code == 1, result.output
    for photo in photos:
        assert exiftool_location(photo) == "", photo
        assert "Cam" in exiftool(photo, "-Make") and "kept" in exiftool(photo, "-XMP-dc:all")
        assert Image.open(photo).tobytes() == pixels[photo]
    assert CliRunner().invoke(main, ["audit", str(tmp_path)]).exit_code == 0

"""Location in the less common XMP namespaces exiftool counts as location, through the CLI."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from assets_tool.cli import main

from .fixtures import exiftool, exiftool_location

TAGS = [
    "-XMP-drone-dji:Latitude=36.1",  # DJI drones write bare Latitude/Longitude too
    "-XMP-drone-dji:Longitude=-115.2",
    "-XMP-drone-dji:GimbalYawDegree=12",
    "-XMP-dwc:DCDecimalLatitude=36.1",  # Darwin Core: naturalists' photos
    "-XMP-dwc:DCLocality=Red Rock Canyon",
    "-XMP-cell:MobileCountryCode=310",  # the cell tower the phone saw
    "-XMP-cell:CellTowerID=12345",
    "-XMP-mediapro:Location=Las Vegas",
    "-XMP-photomech:CountryCode=US",
    "-XMP-Device:EarthPosAltitude=700",  # Google depth photos: the device on Earth
    "-XMP-Device:PosePositionX=1",
    "-XMP-iptcExt:RatingRegionCity=Las Vegas",
    "-XMP-dc:Description=kept",
]


def test_every_xmp_location_namespace_is_stripped(tmp_path: Path) -> None:
    photo = tmp_path / "drone.jpg"
    Image.new("RGB", (32, 24), "olive").save(photo, quality=90)
    subprocess.run(["exiftool", "-q", "-overwrite_original", *TAGS, str(photo)], check=True)
    before = exiftool_location(photo)
    for name in ("drone-dji", "dwc", "cell", "mediapro", "photomech", "Device", "iptcExt"):
        assert f"[XMP-{name}]" in before
    audit = CliRunner().invoke(main, ["audit", str(photo)])
    assert audit.exit_code == 1 and "XMP" in audit.stdout
    strip = CliRunner().invoke(main, ["strip", str(photo)])
    assert strip.exit_code == 1, strip.output
    assert exiftool_location(photo) == ""
    assert "kept" in exiftool(photo, "-XMP-dc:Description")
    assert "Warning" not in exiftool(photo, "-validate", "-warning")
    assert CliRunner().invoke(main, ["audit", str(photo)]).exit_code == 0

"""Shared fixtures: generated photos, an exiftool oracle, and the example site.

Photos come from examples/photogen.py (deterministic, so session caches are safe); exiftool
is the independent oracle for metadata.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from examples.make_site import generate_photos, make_site
from examples.photogen import make_photo

ExifTool = Callable[..., dict[str, Any]]

# The suite builds 12 MP photos cold many times; the default AVIF encoder (libaom 4:4:4) takes
# about five times SVT-AV1's CPU, so the tests encode with SVT-AV1 through the environment
# setting a user has too, and the tests of the default encoder (tests/render/test_avif.py)
# unset it. Every process the tests start inherits it.
AVIF_ENCODER_VARIABLE = "ASSETS_TOOL_AVIF_ENCODER"
os.environ.setdefault(AVIF_ENCODER_VARIABLE, "svt")
# The caches of warm runs (sources, plans, scanned posts) go to a folder of this session's,
# not the user's ~/.cache, which thousands of test sites would fill and which could make a
# test depend on an earlier session.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="assets-tool-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)


def run_exiftool(path: Path | str, *args: str) -> dict[str, Any]:
    """Run `exiftool -j -a -G1 -s ARGS PATH` and return the tags of `path` as a dict."""
    out = subprocess.run(
        ["exiftool", "-j", "-a", "-G1", "-s", *args, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)[0]
    return result


def read_location_tags(path: Path | str) -> dict[str, Any]:
    """Return every location tag exiftool finds in `path` (with -ee); empty means clean."""
    tags = run_exiftool(path, "-ee", "-gps:all", "-location:all")
    tags.pop("SourceFile", None)
    return tags


@pytest.fixture(scope="session")
def photo_bytes() -> bytes:
    """A full-size phone photo: 4000x3000 stored, Orientation 6, Display P3, GPS in EXIF+XMP."""
    return make_photo(seed=1)


@pytest.fixture(scope="session")
def small_photo() -> bytes:
    """The same features as `photo_bytes` at 640x480 (upright 480x640), for fast unit tests."""
    return make_photo(640, 480, seed=1)


@pytest.fixture(scope="session")
def exiftool() -> ExifTool:
    """`exiftool(path, *args) -> dict`: exiftool -j -a -G1 -s, keys like 'GPS:GPSLatitude'."""
    return run_exiftool


@pytest.fixture(scope="session")
def location_tags() -> Callable[[Path | str], dict[str, Any]]:
    """`location_tags(path) -> dict` of every GPS/location tag (SourceFile removed)."""
    return read_location_tags


@pytest.fixture(scope="session")
def example_photos() -> dict[str, bytes]:
    """The example site's seven 12 MP phone photos (GPS in EXIF and XMP), by site path."""
    return generate_photos()


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    """A fresh copy of the example Chirpy site with its seven photos, in tmp_path/'site'."""
    dest = tmp_path / "site"
    # generate_photos caches the bytes for the whole process, so only the first call is slow.
    make_site(dest, photos=generate_photos())
    return dest

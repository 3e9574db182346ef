"""A file is changed only where location was found, and the message names what was found.

The two real files that were rewritten without cause: an EXIF whose GPS pointer leads to an
empty GPS IFD, and a location-free preview JPEG after the end-of-image marker.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
from pathlib import Path

from PIL import Image

from assets_tool.privacy.dispatch import read_location, strip_location
from tests.conftest import read_location_tags
from tests.helpers import run_cli
from tests.privacy.fixtures import insert_segments, jpeg, picture, segment

STAMP = 1_600_000_000_000_000_000


def _empty_gps_exif() -> bytes:
    """Return an APP1 Exif whose IFD0 has Orientation and a GPS pointer to a 0-entry IFD."""
    ifd0 = struct.pack("<H", 2)
    ifd0 += struct.pack("<HHIHH", 0x0112, 3, 1, 6, 0)
    ifd0 += struct.pack("<HHII", 0x8825, 4, 1, 8 + 2 + 2 * 12 + 4)  # right after IFD0
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd0 + struct.pack("<I", 0)
    tiff += struct.pack("<HI", 0, 0)  # the GPS IFD: no entries, no next IFD
    return segment(0xE1, b"Exif\x00\x00" + tiff)


def _plain_jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    picture(size).save(out, "JPEG", quality=90)
    return out.getvalue()


def _stamped(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    os.utime(path, ns=(STAMP, STAMP))
    return path


def _untouched(path: Path, data: bytes) -> bool:
    return path.read_bytes() == data and path.stat().st_mtime_ns == STAMP


def test_empty_gps_ifd_is_no_location_and_the_file_stays_identical(tmp_path: Path) -> None:
    data = insert_segments(_plain_jpeg(), _empty_gps_exif())
    path = _stamped(tmp_path / "empty-gps.jpg", data)
    verbose = subprocess.run(["exiftool", "-v2", str(path)], capture_output=True, text=True)
    assert "GPS directory with 0 entries" in verbose.stdout  # the oracle sees an empty GPS IFD
    assert read_location_tags(path) == {}
    assert read_location(data, path).findings == ()
    assert run_cli("audit", path).returncode == 0
    result = run_cli("strip", path)
    assert result.returncode == 0, result.stdout
    assert "0 files stripped, 1 already clean" in result.stdout
    assert _untouched(path, data)


def test_location_free_preview_after_eoi_is_kept_and_the_file_identical(tmp_path: Path) -> None:
    data = jpeg(gps=None) + _plain_jpeg((640, 480))  # a camera's 640x480 preview
    path = _stamped(tmp_path / "preview.jpg", data)
    assert read_location_tags(path) == {}
    result = run_cli("strip", path)
    assert result.returncode == 0, result.stdout
    assert _untouched(path, data)


def test_located_preview_after_eoi_is_cleaned_like_an_mpf_image_and_kept(tmp_path: Path) -> None:
    primary, preview = jpeg(), jpeg(size=(640, 480))
    path = _stamped(tmp_path / "both.jpg", primary + preview)
    result = run_cli("strip", path)
    assert result.returncode == 1
    line = result.stdout.splitlines()[0]
    assert "(EXIF GPS, after EOI: JPEG EXIF GPS)" in line, line
    out = path.read_bytes()
    kept = out[out.index(b"\xff\xd9\xff\xd8") + 2 :]
    with Image.open(io.BytesIO(kept)) as img:
        assert img.size == (640, 480)  # the preview is still there and decodes
    assert read_location(out, path).findings == ()
    assert read_location_tags(tmp_path / "both.jpg") == {}


def test_unparsable_trailer_is_removed_and_the_line_says_so(tmp_path: Path) -> None:
    still = jpeg(gps=None)
    path = _stamped(tmp_path / "odd.jpg", still + b"VENDOR\x01\x02 lat=36.09 lon=-115.17")
    result = run_cli("strip", path)
    assert result.returncode == 1
    assert "(after EOI: data that cannot be parsed)" in result.stdout
    assert path.read_bytes() == still


def test_padding_after_eoi_is_no_location(tmp_path: Path) -> None:
    data = jpeg(gps=None) + b"\x00" * 64
    assert read_location(data, Path("pad.jpg")).findings == ()
    assert strip_location(data, Path("pad.jpg")) is data

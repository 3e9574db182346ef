"""Hostile images of every kind the tests can generate (no tests here).

Each is built from a real, located photo: cut at every header segment boundary, offsets past
the end, an IFD that loops, absurd counts, a huge ICC profile, extreme sizes, a decompression
bomb, and a hostile movie.
"""

from __future__ import annotations

import io
import struct

from PIL import Image

from examples.photogen import make_photo
from tests.privacy.fixtures import ORIENT6, build_tiff, exif_segment, gps_entries, insert_segments
from tests.privacy.movies import live_photo_movie

PHOTO = make_photo(320, 240, seed=21)  # Orientation 6, Display P3, GPS in EXIF and XMP


def _segment_starts(data: bytes) -> list[int]:
    """Return the offset of every marker segment before the scan, and of the scan itself."""
    starts, pos = [], 2
    while data[pos + 1] != 0xDA:
        starts.append(pos)
        pos += 2 + struct.unpack_from(">H", data, pos + 2)[0]
    return [*starts, pos, pos + 200]


def _tiff_jpeg(ifds: dict[str, list[tuple[int, int, int, bytes | str]]], **patch: int) -> bytes:
    block = bytearray(build_tiff(ifds))
    for name, value in patch.items():
        at = {"ifd0_offset": 4, "ifd0_count": 8}[name]
        struct.pack_into(">I" if name == "ifd0_offset" else ">H", block, at, value)
    return insert_segments(_plain(64, 48), exif_segment(bytes(block)))


def _looping_ifds() -> bytes:
    block = bytearray(build_tiff({"IFD0": [ORIENT6, (0x8825, 4, 1, "GPS")], "GPS": gps_entries()}))
    count = struct.unpack_from(">H", block, 8)[0]
    struct.pack_into(">I", block, 8 + 2 + 12 * count, 8)  # IFD0's next IFD is IFD0 again
    return insert_segments(_plain(64, 48), exif_segment(bytes(block)))


def _plain(width: int, height: int, fmt: str = "JPEG", **params: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 40)).save(out, fmt, **params)
    return out.getvalue()


def _bomb() -> bytes:
    """A small PNG whose header claims more pixels than any limit allows."""
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, "PNG")
    return out.getvalue()


def _movie_with_absurd_box() -> bytes:
    data = bytearray(live_photo_movie())
    moov = data.index(b"moov") - 4
    struct.pack_into(">I", data, moov, 0x7FFFFFFF)
    return bytes(data)


def hostile_images() -> dict[str, bytes]:
    """Return file name -> hostile content."""
    files = {f"cut-at-{at}.jpg": PHOTO[:at] for at in _segment_starts(PHOTO) if at > 2}
    gps_ifds = {"IFD0": [ORIENT6, (0x8825, 4, 1, "GPS")], "GPS": gps_entries()}
    files["ifd-offset-past-end.jpg"] = _tiff_jpeg(gps_ifds, ifd0_offset=0x7FFFFFF0)
    files["ifd-absurd-count.jpg"] = _tiff_jpeg(gps_ifds, ifd0_count=0xFFFF)
    files["gps-offset-past-end.jpg"] = _tiff_jpeg(
        {"IFD0": [ORIENT6, (0x8825, 4, 1, struct.pack(">I", 0x7FFFFFF0))]}
    )
    files["entry-absurd-count.jpg"] = _tiff_jpeg(
        {"IFD0": [ORIENT6, (0x010F, 2, 0xFFFFFFF, b"\x00\x00\x00\x10")]}
    )
    files["ifd-loop.jpg"] = _looping_ifds()
    files["huge-icc.jpg"] = _plain(64, 48, icc_profile=bytes(range(256)) * 8192)  # 2 MB
    files["one-pixel.jpg"] = _plain(1, 1)
    files["one-pixel.png"] = _plain(1, 1, "PNG")
    files["very-wide.jpg"] = _plain(65000, 1)
    files["bomb.png"] = _bomb()
    files["absurd-box.mov"] = _movie_with_absurd_box()
    return files

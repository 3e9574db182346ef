"""Tiny QuickTime/MP4 movies written box by box, with location added by exiftool (no tests here).

Pillow cannot write a movie; these are valid enough for exiftool and for our reader: an
`ftyp`, a `moov` with a movie header, and an `mdat` whose bytes stand for the media data.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

MEDIA = bytes(range(256)) * 16  # the "media data": must come through a strip byte for byte
GPS_ISO6709 = "+36.0909-115.1760+061.050/"


def box(kind: bytes, body: bytes) -> bytes:
    """Wrap a body as a box: 32-bit size, four-character type."""
    return struct.pack(">I", 8 + len(body)) + kind + body


def movie_header() -> bytes:
    """Return an `mvhd` box: version 0, timescale 600, a one-second duration."""
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    body = bytes(4) + struct.pack(">IIIIIH", 0, 0, 600, 600, 0x10000, 0x100) + bytes(10)
    return box(b"mvhd", body + matrix + bytes(24) + struct.pack(">I", 2))


def movie(brand: bytes = b"qt  ", *moov_children: bytes) -> bytes:
    """Return a minimal movie of `brand` ("qt  " for .mov, "isom" for .mp4)."""
    ftyp = box(b"ftyp", brand + bytes(4) + brand + (b"mp41" if brand == b"isom" else b""))
    return ftyp + box(b"moov", movie_header() + b"".join(moov_children)) + box(b"mdat", MEDIA)


def apple_keys(*items: tuple[str, bytes]) -> bytes:
    """Return a QuickTime-style `meta` (no version field) with `mdta` keys and their items."""
    hdlr = box(b"hdlr", bytes(8) + b"mdta" + bytes(12) + b"\x00")
    keys = box(
        b"keys",
        bytes(4)
        + struct.pack(">I", len(items))
        + b"".join(box(b"mdta", key.encode()) for key, _ in items),
    )
    entries = b"".join(
        box(struct.pack(">I", index), box(b"data", struct.pack(">II", 1, 0) + value))
        for index, (_, value) in enumerate(items, start=1)
    )
    return box(b"meta", hdlr + keys + box(b"ilst", entries))


def live_photo_movie() -> bytes:
    """Return a .mov shaped like an iPhone Live Photo's: location in Apple `mdta` keys."""
    return movie(
        b"qt  ",
        apple_keys(
            ("com.apple.quicktime.make", b"Apple"),
            ("com.apple.quicktime.location.ISO6709", GPS_ISO6709.encode()),
            ("com.apple.quicktime.location.accuracy.horizontal", b"4.7"),
            ("com.apple.quicktime.content.identifier", b"5F0B7C3E-0000"),
        ),
    )


def add_gps(path: Path) -> None:
    """Have exiftool write QuickTime GPS in every place it knows (UserData, Keys, ItemList)."""
    subprocess.run(
        [
            "exiftool",
            "-q",
            "-overwrite_original",
            "-UserData:GPSCoordinates=36.0909, -115.1760, 61",
            "-Keys:GPSCoordinates=36.0909, -115.1760, 61",
            "-ItemList:GPSCoordinates=36.0909, -115.1760",
            "-Keys:LocationName=Las Vegas",
            str(path),
        ],
        check=True,
        capture_output=True,
    )


def media_bytes(data: bytes) -> bytes:
    """Return the payload of a movie's top-level `mdat` box."""
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, pos)
        if kind == b"mdat":
            return data[pos + 8 : pos + size]
        pos += size
    raise AssertionError("no mdat box")

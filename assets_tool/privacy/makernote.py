"""Location inside vendor MakerNotes (Nikon, Panasonic, Samsung), removed without moving bytes."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .findings import Findings, LocationFinding, bad, short

MAKER_NOTE = 0x927C
NIKON_TAGS = {0x0039: "LocationInfo"}
PANASONIC_TAGS = {
    0x67: "Location", 0x69: "Country", 0x6B: "State", 0x6D: "City", 0x6F: "Landmark", 0x80: "City2",
}  # fmt: skip
SAMSUNG_TAGS = {0x30: "LocalLocationName", 0x31: "LocationName", 0x0AA1: "MCCData"}
_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


@dataclass(frozen=True)
class VendorIfd:
    """Where a MakerNote keeps its IFD and what its value offsets are relative to."""

    vendor: str
    order: str
    pos: int  # offset of the IFD table in the EXIF block
    base: int  # value offsets are relative to this
    tags: dict[int, str]
    bounds: tuple[int, int]  # the MakerNote's own bytes: nothing outside is ever touched


def locate(data: bytes, order: str, note: tuple[int, int], make: str) -> VendorIfd | None:
    """Recognise a MakerNote by its header (and the camera make) and find its IFD."""
    start = note[0]
    head = data[start : start + 16]
    if head.startswith(b"Nikon\x00\x02") and data[start + 10 : start + 12] in (b"II", b"MM"):
        inner = "<" if data[start + 10 : start + 12] == b"II" else ">"
        ifd = start + 10 + struct.unpack_from(inner + "I", data, start + 14)[0]
        return VendorIfd("Nikon", inner, ifd, start + 10, NIKON_TAGS, note)
    if head.startswith(b"Panasonic\x00"):
        return VendorIfd("Panasonic", order, start + 12, 0, PANASONIC_TAGS, note)
    if make.strip().upper() == "SAMSUNG" and data[start + 10 : start + 14] == b"0100":
        # an EXIF-style IFD whose first entry is MakerNoteVersion "0100"; the byte order shows
        if head[2:8] == b"\x00\x01\x00\x07\x00\x00":
            return VendorIfd("Samsung", ">", start, start, SAMSUNG_TAGS, note)
        if head[2:8] == b"\x01\x00\x07\x00\x04\x00":
            return VendorIfd("Samsung", "<", start, start, SAMSUNG_TAGS, note)
    return None


def _text(raw: bytes, vendor: str) -> str:
    if vendor == "Nikon" and len(raw) > 9:  # version, encoding, country code, POI level, name
        raw = raw[5:8] + b" " + raw[9:]
    return short(re.sub(r"[\x00-\x1f]+", " ", raw.decode("utf-8", "replace")).strip())


def visit(
    data: bytearray | bytes, note: VendorIfd, path: Path, remove: Callable[[int, int], None] | None
) -> Findings:
    """List a MakerNote's location entries; with `remove`, zero their values and drop them."""
    lo, hi = note.bounds
    if note.pos + 2 > hi:
        raise bad(path, f"{note.vendor} MakerNote is truncated")
    count = struct.unpack_from(note.order + "H", data, note.pos)[0]
    if note.pos + 2 + 12 * count > hi:
        if note.vendor == "Samsung":
            return []  # not an IFD-style Samsung note: nothing we know how to read
        raise bad(path, f"{note.vendor} MakerNote claims {count} entries past its end")
    found: Findings = []
    for index in reversed(range(count)):
        at = note.pos + 2 + 12 * index
        tag, kind, n = struct.unpack_from(note.order + "HHI", data, at)
        if tag not in note.tags:
            continue
        size = _SIZES.get(kind, 1) * n
        start = (
            at + 8
            if size <= 4
            else note.base + struct.unpack_from(note.order + "I", data, at + 8)[0]
        )
        inside = lo <= start and start + size <= hi
        raw = bytes(data[start : start + size]) if inside or size <= 4 else b""
        text = _text(raw, note.vendor)
        found.append(
            LocationFinding(f"MakerNote {note.vendor} {note.tags[tag]}", text or "(empty)")
        )
        if remove is not None:
            if inside and size > 4:
                data[start : start + size] = bytes(size)  # type: ignore[index]
            remove(note.pos, index)
    found.reverse()
    return found


def drop_entry(out: bytearray, order: str, table: int, index: int) -> None:
    """Remove entry `index` from the IFD at `table`: shift the rest up, zero the freed slot.

    The freed slot reads as a zero next-IFD pointer; the bytes after the old table are left
    alone because vendor IFDs do not always end with a next pointer.
    """
    count = struct.unpack_from(order + "H", out, table)[0]
    start = table + 2 + 12 * index
    end = table + 2 + 12 * count
    out[start : end - 12] = out[start + 12 : end]
    out[end - 12 : end] = bytes(12)
    struct.pack_into(order + "H", out, table, count - 1)

"""EXIF/TIFF structures: find GPS IFDs and cut them out in place, keeping every other offset."""

from __future__ import annotations

import io
import logging
import struct
from dataclasses import dataclass, field
from pathlib import Path

import exifread

from .findings import Findings, LocationFinding, bad
from .makernote import MAKER_NOTE, VendorIfd, drop_entry, locate, visit

# exifread warns about every odd field on stderr; its verdict reaches us as data, not logs
logging.getLogger("exifread").addHandler(logging.NullHandler())

GPS_POINTER = 0x8825
EXIF_POINTER = 0x8769
INTEROP_POINTER = 0xA005
SUB_IFDS = 0x014A
ORIENTATION = 0x0112
THUMB_OFFSET, THUMB_LENGTH = 0x0201, 0x0202
XMP_TAG, IPTC_TAG, PHOTOSHOP_TAG = 700, 33723, 34377
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_MAX_ENTRIES = 1000
_MAX_IFDS = 64


@dataclass(frozen=True)
class Entry:
    """One 12-byte IFD entry, with where its value lives."""

    pos: int  # offset of the entry itself
    tag: int
    type: int
    count: int
    value_pos: int  # offset of the value (inline or out of line)
    size: int  # bytes of value (0 for an unknown type)


@dataclass
class Ifd:
    """One IFD: its entries and the byte range of its table."""

    name: str
    pos: int
    entries: list[Entry] = field(default_factory=list)

    @property
    def end(self) -> int:
        """Return the offset one past the table's next-IFD pointer."""
        return self.pos + 2 + 12 * len(self.entries) + 4


class Tiff:
    """A parsed TIFF structure (an EXIF block or a whole TIFF file)."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path = data, path
        if len(data) < 8 or data[:4] not in (b"II*\x00", b"MM\x00*"):
            raise bad(path, "EXIF block has no TIFF header")
        self.order = "<" if data[:2] == b"II" else ">"
        self.ifds: list[Ifd] = []
        self.gps: list[tuple[Ifd, Entry]] = []  # every GPS pointer and the IFD holding it
        seen: set[int] = set()
        offset = self.u32(4)
        chain = 0
        while offset and chain < _MAX_IFDS:
            ifd = self._read_ifd(f"IFD{chain}", offset, seen)
            offset = self.u32(ifd.end - 4) if ifd.end <= len(data) else 0
            chain += 1
            if offset + 2 > len(data):
                break  # some cameras write junk next-IFD pointers; nothing lies out there

    def u16(self, pos: int) -> int:
        """Read an unsigned 16-bit value in the block's byte order."""
        return int(struct.unpack_from(self.order + "H", self.data, pos)[0])

    def u32(self, pos: int) -> int:
        """Read an unsigned 32-bit value in the block's byte order."""
        return int(struct.unpack_from(self.order + "I", self.data, pos)[0])

    def _read_ifd(self, name: str, pos: int, seen: set[int]) -> Ifd:
        if pos in seen:
            raise bad(self.path, f"EXIF {name} loops back to offset {pos}")
        if len(seen) > _MAX_IFDS:
            raise bad(self.path, "EXIF has too many IFDs")
        seen.add(pos)
        if pos + 2 > len(self.data):
            raise bad(self.path, f"EXIF {name} offset {pos} is past the end")
        count = self.u16(pos)
        # the trailing next-IFD pointer may be cut off (writers do it; readers cope): it reads as 0
        if count > _MAX_ENTRIES or pos + 2 + 12 * count > len(self.data):
            raise bad(self.path, f"EXIF {name} claims {count} entries past the end")
        ifd = Ifd(name, pos)
        self.ifds.append(ifd)
        for index in range(count):
            at = pos + 2 + 12 * index
            tag, kind, n = struct.unpack_from(self.order + "HHI", self.data, at)
            size = _TYPE_SIZES.get(kind, 0) * n
            value_pos = at + 8 if size <= 4 else self.u32(at + 8)
            ifd.entries.append(Entry(at, tag, kind, n, value_pos, size))
        for entry in ifd.entries:
            if entry.tag == GPS_POINTER:
                self.gps.append((ifd, entry))
            elif entry.tag in (EXIF_POINTER, INTEROP_POINTER) and entry.size == 4:
                sub = self.u32(entry.value_pos)
                if sub:
                    self._read_ifd("ExifIFD" if entry.tag == EXIF_POINTER else "Interop", sub, seen)
            elif entry.tag == SUB_IFDS and entry.type in (4, 13) and entry.count <= 16:
                if entry.value_pos + entry.size > len(self.data):
                    raise bad(self.path, "EXIF SubIFDs offset is past the end")
                for k in range(entry.count):
                    sub = self.u32(entry.value_pos + 4 * k)
                    if sub:
                        self._read_ifd(f"SubIFD{k}", sub, seen)
        return ifd

    def value(self, entry: Entry) -> bytes | None:
        """Return an entry's raw value bytes, or None when they lie outside the data."""
        if entry.size == 0 or entry.value_pos + entry.size > len(self.data):
            return None
        return self.data[entry.value_pos : entry.value_pos + entry.size]

    def find(self, tag: int, ifd_name: str = "IFD0") -> Entry | None:
        """Return the first entry with `tag` in the named IFD."""
        for ifd in self.ifds:
            if ifd.name == ifd_name:
                return next((e for e in ifd.entries if e.tag == tag), None)
        return None

    def orientation(self) -> int | None:
        """Return IFD0's Orientation value, if any."""
        entry = self.find(ORIENTATION)
        return self.u16(entry.value_pos) if entry and entry.type == 3 else None

    def maker_note(self) -> VendorIfd | None:
        """Find a MakerNote whose location entries we know how to remove."""
        entry = self.find(MAKER_NOTE, "ExifIFD")
        if entry is None or self.value(entry) is None or entry.size < 16:
            return None
        make_entry = self.find(0x010F)
        make = (self.value(make_entry) or b"") if make_entry else b""
        span = (entry.value_pos, entry.value_pos + entry.size)
        return locate(self.data, self.order, span, make.rstrip(b"\x00").decode("latin-1"))

    def gps_ifd(self, entry: Entry) -> Ifd | None:
        """Parse the GPS IFD a pointer entry names, or None when it points nowhere sane."""
        if entry.size != 4:
            return None
        pos = self.u32(entry.value_pos)
        if pos + 2 > len(self.data):
            return None
        count = self.u16(pos)
        # the trailing next-IFD pointer may be cut off (writers do it; readers cope): it reads as 0
        if count > _MAX_ENTRIES or pos + 2 + 12 * count > len(self.data):
            return None
        ifd = Ifd("GPS", pos)
        for index in range(count):
            at = pos + 2 + 12 * index
            tag, kind, n = struct.unpack_from(self.order + "HHI", self.data, at)
            size = _TYPE_SIZES.get(kind, 0) * n
            ifd.entries.append(
                Entry(at, tag, kind, n, at + 8 if size <= 4 else self.u32(at + 8), size)
            )
        return ifd

    def coordinates(self, gps: Ifd) -> tuple[float, float] | None:
        """Decode latitude and longitude from a GPS IFD."""
        values: dict[int, bytes] = {}
        for entry in gps.entries:
            raw = self.value(entry)
            if raw is not None:
                values[entry.tag] = raw
        try:
            lat = self._dms(values[2]) * (-1 if values.get(1, b"N")[:1] == b"S" else 1)
            lon = self._dms(values[4]) * (-1 if values.get(3, b"E")[:1] == b"W" else 1)
        except (KeyError, ZeroDivisionError, struct.error):
            return None
        return (lat, lon)

    def _dms(self, raw: bytes) -> float:
        parts: tuple[int, ...] = struct.unpack(self.order + "6I", raw[:24])
        d, m, s = (parts[i] / parts[i + 1] for i in (0, 2, 4))
        return float(d + m / 60 + s / 3600)


def _exifread_location(data: bytes) -> set[str]:
    """Name the location tags exifread sees in a TIFF block (a cross-check of our own walk)."""
    try:
        tags = exifread.process_file(io.BytesIO(data), details=True, extract_thumbnail=False)
    except Exception:  # exifread is a second opinion; our own parser decides on errors
        return set()
    found = {"GPS"} if any(str(key).startswith("GPS ") for key in tags) else set()
    return found | {k.split(" ", 1)[1] for k in map(str, tags) if k == "MakerNote LocationInfo"}


def exif_findings(data: bytes, path: Path, where: str = "EXIF") -> Findings:
    """List the GPS IFDs of a TIFF/EXIF block."""
    tiff = Tiff(data, path)
    out: Findings = []
    for ifd, entry in tiff.gps:
        gps = tiff.gps_ifd(entry)
        if gps is not None and not gps.entries:
            continue  # an empty GPS IFD ("Empty GPSInfo data") holds no location at all
        if gps is None:
            detail = "GPS pointer to an invalid offset"
        else:
            coords = tiff.coordinates(gps)
            tags = len(gps.entries)
            detail = f"{coords[0]:.6f}, {coords[1]:.6f}" if coords else f"{tags} GPS tags"
        label = f"{where} GPS" if ifd.name == "IFD0" else f"{where} GPS (in {ifd.name})"
        out.append(LocationFinding(label, detail))
    note = tiff.maker_note()
    if note is not None:
        out += [
            LocationFinding(f"{where} {f.where}", f.detail) for f in visit(data, note, path, None)
        ]
    seen = {f.where.rpartition(" ")[2] for f in out if "MakerNote" in f.where}
    unseen = _exifread_location(data) - seen - ({"GPS"} if tiff.gps else set())
    if unseen:
        raise bad(path, f"{where} holds {sorted(unseen)[0]} data we cannot locate")
    return out


def strip_exif(data: bytes, path: Path) -> bytes:
    """Return the block with every GPS IFD zeroed and its pointer removed; same length."""
    tiff = Tiff(data, path)
    note = tiff.maker_note()
    if not tiff.gps and (note is None or not visit(data, note, path, None)):
        return data
    out = bytearray(data)
    if note is not None:
        visit(out, note, path, lambda table, index: drop_entry(out, note.order, table, index))
    tables = [(ifd.pos, ifd.end) for ifd in tiff.ifds]
    for _, entry in tiff.gps:
        gps = tiff.gps_ifd(entry)
        if gps is None:
            continue
        spans = [(gps.pos, gps.end)] + [
            (e.value_pos, e.value_pos + e.size)
            for e in gps.entries
            if e.size > 4 and e.value_pos + e.size <= len(data)
        ]
        for start, end in spans:
            if any(start < t_end and t_start < end for t_start, t_end in tables):
                raise bad(path, "EXIF GPS data overlaps another IFD")
            stop = min(end, len(out))
            out[start:stop] = bytes(stop - start)
    for ifd in {id(ifd): ifd for ifd, _ in tiff.gps}.values():
        while (found := next((e for e in ifd.entries if e.tag == GPS_POINTER), None)) is not None:
            remove_entry(out, tiff, ifd, found)
    return bytes(out)


def remove_entry(out: bytearray, tiff: Tiff, ifd: Ifd, entry: Entry) -> None:
    """Drop one entry from an IFD table in place: shift the rest up, zero the freed slot."""
    index = ifd.entries.index(entry)
    count = len(ifd.entries)
    rest_start = entry.pos + 12
    table_end = ifd.pos + 2 + 12 * count
    next_ifd = bytes(out[table_end : table_end + 4]).ljust(4, b"\x00")
    out[entry.pos : table_end - 12] = out[rest_start:table_end]
    out[table_end - 12 : table_end] = next_ifd + bytes(8)
    if table_end + 4 <= len(out):
        out[table_end : table_end + 4] = bytes(4)
    struct.pack_into(tiff.order + "H", out, ifd.pos, count - 1)
    moved = [e if i < index else _shifted(e) for i, e in enumerate(ifd.entries) if i != index]
    ifd.entries = moved


def _shifted(entry: Entry) -> Entry:
    value_pos = entry.pos - 4 if entry.size <= 4 else entry.value_pos
    return Entry(entry.pos - 12, entry.tag, entry.type, entry.count, value_pos, entry.size)


def thumbnail_span(tiff: Tiff) -> tuple[int, int] | None:
    """Return where IFD1's embedded JPEG thumbnail sits, if it has a sane one."""
    start_entry, length_entry = tiff.find(THUMB_OFFSET, "IFD1"), tiff.find(THUMB_LENGTH, "IFD1")
    if not start_entry or not length_entry or start_entry.size != 4 or length_entry.size != 4:
        return None
    start, length = tiff.u32(start_entry.value_pos), tiff.u32(length_entry.value_pos)
    if length < 4 or start + length > len(tiff.data):
        return None
    return (start, start + length)


def minimal_exif(orientation: int | None, order: str = ">") -> bytes:
    """Build a TIFF block that holds only an Orientation tag (or nothing at all)."""
    head = (b"MM\x00*" if order == ">" else b"II*\x00") + struct.pack(order + "I", 8)
    if orientation is None:
        return head + struct.pack(order + "HI", 0, 0)
    entry = struct.pack(order + "HHIHH", ORIENTATION, 3, 1, orientation, 0)
    return head + struct.pack(order + "H", 1) + entry + struct.pack(order + "I", 0)

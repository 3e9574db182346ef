"""QuickTime / MP4 (Live Photo and motion-photo videos): location in the movie's metadata.

Location lives in `udta` user data (`©xyz`, 3GPP `loci`), in `meta` item lists (`ilst/©xyz`)
and in Apple's `mdta` keys (`com.apple.quicktime.location.ISO6709`, `...location.name`, ...),
and in XMP packets. Each such item is turned into a `free` box of the same size with a zeroed
body: no box moves, no chunk offset changes, the media data (`mdat`) is never read or written.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from .findings import Findings, LocationFinding, bad, short
from .xmp import strip_xmp, xmp_findings

# boxes whose children can hold metadata; `mdat` and sample tables are never entered
_CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"minf", b"udta", b"meta", b"ilst", b"edts"})
_XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
_USER_LOCATION = {b"\xa9xyz": "GPSCoordinates", b"loci": "LocationInformation"}
_MAX_DEPTH = 12
_MAX_BOXES = 100_000
VIDEO_BRANDS = frozenset(
    {b"qt  ", b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "}
    | {b"3gp4", b"3gp5", b"3g2a", b"dash", b"MSNV", b"XAVC"}
)
# an old QuickTime movie may start with any of these instead of `ftyp`
FIRST_BOXES = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})


@dataclass(frozen=True)
class Box:
    """One box: `start` is its size field, `body` where its payload begins, `end` one past it."""

    kind: bytes
    start: int
    body: int
    end: int


def is_quicktime(data: bytes) -> bool:
    """Tell whether bytes start like a QuickTime or MP4 movie (not a HEIF/AVIF image)."""
    if data[4:8] == b"ftyp":
        end = min(int.from_bytes(data[:4], "big"), len(data), 256)
        brands = {data[8:12]} | {data[at : at + 4] for at in range(16, end - 3, 4)}
        return bool(brands & VIDEO_BRANDS)
    return data[4:8] in FIRST_BOXES and int.from_bytes(data[:4], "big") >= 8


def boxes(data: bytes | bytearray, start: int, end: int, path: Path) -> list[Box]:
    """Split `data[start:end]` into boxes, refusing sizes that leave the range."""
    found: list[Box] = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        body = pos + 8
        if size == 1:
            if pos + 16 > end:
                raise bad(path, f"QuickTime box at offset {pos} is truncated")
            size, body = struct.unpack_from(">Q", data, pos + 8)[0], pos + 16
        elif size == 0:  # the last box runs to the end of its parent
            size = end - pos
        if size < body - pos or pos + size > end:
            raise bad(path, f"QuickTime box {kind!r} at offset {pos} claims {size} bytes")
        found.append(Box(bytes(kind), pos, body, pos + size))
        if len(found) > _MAX_BOXES:
            raise bad(path, "QuickTime file has too many boxes")
        pos += size
    if pos != end and bytes(data[pos:end]).strip(b"\x00"):
        raise bad(path, f"QuickTime data at offset {pos} is not a box")
    return found


class _Walker:
    """Find location items in one movie and blank them in a copy, in place."""

    def __init__(self, data: bytes, path: Path, everything: bool, label: str) -> None:
        self.data, self.path, self.everything, self.label = data, path, everything, label
        self.out = bytearray(data)
        self.findings: Findings = []

    def walk(self, start: int, end: int, parent: bytes, keys: list[str], depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise bad(self.path, "QuickTime boxes are nested too deep")
        children = boxes(self.data, start, end, self.path)
        if parent == b"meta":
            keys = self._keys(children)
        for box in children:
            self._visit(box, parent, keys, depth)

    def _visit(self, box: Box, parent: bytes, keys: list[str], depth: int) -> None:
        if parent == b"ilst":
            self._item(box, keys)
        elif parent == b"udta" and box.kind in _USER_LOCATION:
            name = _USER_LOCATION[box.kind]
            self._found(box, f"UserData {name}", self._user_text(box))
        elif parent == b"udta" and box.kind[:1] == b"\xa9" and self.everything:
            self._blank(box)
        elif box.kind == b"XMP_" or (
            box.kind == b"uuid" and self.data[box.body : box.body + 16] == _XMP_UUID
        ):
            self._xmp(box, box.body + (16 if box.kind == b"uuid" else 0))
        elif box.kind == b"meta":
            self.walk(_meta_body(self.data, box), box.end, b"meta", keys, depth + 1)
        elif box.kind in _CONTAINERS:
            self.walk(box.body, box.end, box.kind, keys, depth + 1)

    def _keys(self, children: list[Box]) -> list[str]:
        """Read a `meta` box's `keys` table: item N of its `ilst` is named by key N."""
        table = next((b for b in children if b.kind == b"keys"), None)
        if table is None:
            return []
        count = struct.unpack_from(">I", self.data, table.body + 4)[0]
        names: list[str] = []
        for entry in boxes(self.data, table.body + 8, table.end, self.path)[:count]:
            names.append(self.data[entry.body : entry.end].decode("latin-1"))
        return names

    def _item(self, box: Box, keys: list[str]) -> None:
        index = int.from_bytes(box.kind, "big")
        if box.kind == b"\xa9xyz":
            self._found(box, "ItemList GPSCoordinates", self._item_text(box))
        elif 1 <= index <= len(keys) and _is_location_key(keys[index - 1]):
            self._found(box, f"Keys {keys[index - 1]}", self._item_text(box))
        elif self.everything:
            self._blank(box)

    def _item_text(self, box: Box) -> str:
        raw = self.data[box.body : box.end]
        # an item holds a `data` box: size, "data", type (4), locale (4), value
        return raw[16:].decode("utf-8", "replace") if raw[4:8] == b"data" else f"{len(raw)} bytes"

    def _user_text(self, box: Box) -> str:
        raw = self.data[box.body : box.end]
        if box.kind == b"\xa9xyz" and len(raw) >= 4:
            length = int.from_bytes(raw[:2], "big")
            return raw[4 : 4 + length].decode("utf-8", "replace")
        return f"{len(raw)} bytes"

    def _xmp(self, box: Box, start: int) -> None:
        packet = self.data[start : box.end]
        found = xmp_findings(packet, self.path, self.label + "XMP")
        self.findings += found
        if self.everything:
            self._blank(box)
        elif found:
            cleaned = strip_xmp(packet, self.path)
            if len(cleaned) <= len(packet):  # trailing whitespace pads the packet to its size
                self.out[start : box.end] = cleaned + b" " * (len(packet) - len(cleaned))
            else:
                self._blank(box)

    def _found(self, box: Box, where: str, detail: str) -> None:
        self.findings.append(LocationFinding(f"{self.label}{where}", short(detail.strip("\x00"))))
        self._blank(box)

    def _blank(self, box: Box) -> None:
        """Turn a box into `free` padding of the same size: readers skip it."""
        self.out[box.start + 4 : box.start + 8] = b"free"
        self.out[box.body : box.end] = bytes(box.end - box.body)


def _meta_body(data: bytes, box: Box) -> int:
    """Return where a `meta` box's children start: MP4's is a full box, QuickTime's is not."""
    if data[box.body + 4 : box.body + 8] in (b"hdlr", b"keys", b"ilst"):
        return box.body
    return box.body + 4


def _is_location_key(name: str) -> bool:
    lowered = name.lower()
    return ".location." in lowered or "gps" in lowered or lowered.endswith(".location")


def strip_quicktime(
    data: bytes, path: Path, everything: bool, label: str = "QuickTime "
) -> tuple[Findings, bytes]:
    """Return a movie's location findings and its copy without them (same length)."""
    walker = _Walker(data, path, everything, label)
    walker.walk(0, len(data), b"", [], 0)
    return walker.findings, bytes(walker.out)

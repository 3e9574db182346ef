"""Photoshop image resource blocks (JPEG APP13, TIFF tag 34377) and the IPTC-IIM inside them."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

from .exif import exif_findings, strip_exif
from .findings import Findings, LocationFinding, bad, short
from .xmp import strip_xmp, xmp_findings

PHOTOSHOP = b"Photoshop 3.0\x00"
IPTC_ID, EXIF1_ID, EXIF3_ID, XMP_ID, DIGEST_ID = 0x0404, 0x0422, 0x0423, 0x0424, 0x0425
# (record, dataset) of the datasets that name a place; 1:5 is the envelope's destination,
# which exiftool counts as location too
IPTC_LOCATION = {
    (1, 5): "IPTC Destination",
    (2, 26): "IPTC Content Location Code",
    (2, 27): "IPTC Content Location Name",
    (2, 90): "IPTC City",
    (2, 92): "IPTC Sub-location",
    (2, 95): "IPTC Province-State",
    (2, 100): "IPTC Country Code",
    (2, 101): "IPTC Country",
}
_SIGNATURES = (b"8BIM", b"MeSa", b"PHUT", b"AgHg", b"DCSR")

Resource = tuple[bytes, int, bytes, bytes]  # signature, id, pascal name (padded), data


def parse_irb(data: bytes, path: Path) -> list[Resource]:
    """Split a resource block sequence; raise on anything that runs past the end."""
    out: list[Resource] = []
    pos = 0
    while pos + 12 <= len(data) and data[pos : pos + 4] in _SIGNATURES:
        sig, rid = data[pos : pos + 4], struct.unpack_from(">H", data, pos + 4)[0]
        name_len = data[pos + 6]
        name_end = pos + 6 + 1 + name_len + ((1 + name_len) % 2)
        if name_end + 4 > len(data):
            raise bad(path, "Photoshop resource name runs past the end")
        size = struct.unpack_from(">I", data, name_end)[0]
        start = name_end + 4
        if start + size > len(data):
            raise bad(path, f"Photoshop resource {rid:#06x} size {size} runs past the end")
        out.append((sig, rid, data[pos + 6 : name_end], data[start : start + size]))
        pos = start + size + (size % 2)
    if data[pos:].strip(b"\x00"):
        raise bad(path, "Photoshop resource block has unparsable data")
    return out


def build_irb(resources: list[Resource]) -> bytes:
    """Serialise resources back into a block sequence."""
    parts = []
    for sig, rid, name, data in resources:
        pad = b"\x00" if len(data) % 2 else b""
        parts.append(
            sig + struct.pack(">H", rid) + name + struct.pack(">I", len(data)) + data + pad
        )
    return b"".join(parts)


def _datasets(data: bytes, path: Path) -> tuple[list[tuple[int, int, int, int]], int]:
    """Return (record, dataset, start, end) of each IIM dataset and where parsing stopped."""
    out = []
    pos = 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, number, size = (
            data[pos + 1],
            data[pos + 2],
            struct.unpack_from(">H", data, pos + 3)[0],
        )
        head = 5
        if size & 0x8000:
            extra = size & 0x7FFF
            if extra > 4 or pos + 5 + extra > len(data):
                raise bad(path, "IPTC dataset has an absurd extended length")
            size = int.from_bytes(data[pos + 5 : pos + 5 + extra], "big")
            head += extra
        if pos + head + size > len(data):
            raise bad(path, f"IPTC dataset {record}:{number} runs past the end")
        out.append((record, number, pos, pos + head + size))
        pos += head + size
    return out, pos


def iptc_findings(data: bytes, path: Path, prefix: str = "") -> Findings:
    """List the location datasets of an IPTC-IIM block."""
    found = []
    for record, number, start, end in _datasets(data, path)[0]:
        if (record, number) in IPTC_LOCATION:
            value = data[start + 5 : end].decode("utf-8", "replace")
            found.append(LocationFinding(prefix + IPTC_LOCATION[record, number], short(value)))
    return found


def strip_iptc(data: bytes, path: Path) -> bytes:
    """Return the IPTC-IIM block without its location datasets."""
    datasets, stop = _datasets(data, path)
    keep = [
        data[start:end]
        for record, number, start, end in datasets
        if (record, number) not in IPTC_LOCATION
    ]
    return b"".join(keep) + data[stop:]


def irb_findings(data: bytes, path: Path, prefix: str = "") -> Findings:
    """List location data in a resource block sequence (IPTC, embedded EXIF and XMP)."""
    found: Findings = []
    for _, rid, _, value in parse_irb(data, path):
        if rid == IPTC_ID:
            found += iptc_findings(value, path, prefix)
        elif rid in (EXIF1_ID, EXIF3_ID) and value[:4] in (b"II*\x00", b"MM\x00*"):
            found += exif_findings(value, path, prefix + "Photoshop EXIF")
        elif rid == XMP_ID:
            found += xmp_findings(value, path, prefix + "Photoshop XMP")
    return found


def strip_irb(data: bytes, path: Path) -> bytes:
    """Return the resource block sequence with location removed (IPTC digest updated)."""
    resources = parse_irb(data, path)
    out: list[Resource] = []
    new_iptc: bytes | None = None
    for sig, rid, name, value in resources:
        if rid == IPTC_ID:
            value = new_iptc = strip_iptc(value, path)
        elif rid in (EXIF1_ID, EXIF3_ID) and value[:4] in (b"II*\x00", b"MM\x00*"):
            value = strip_exif(value, path)
        elif rid == XMP_ID:
            value = strip_xmp(value, path)
        out.append((sig, rid, name, value))
    if new_iptc is not None:
        digest = hashlib.md5(new_iptc).digest()
        out = [(s, r, n, digest if r == DIGEST_ID else v) for s, r, n, v in out]
    return build_irb(out)

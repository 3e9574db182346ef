"""AVIF and HEIF: Exif and XMP items located through `meta`/`iinf`/`iloc`, patched in place.

Every edit keeps the item's length (GPS IFD zeroed, XMP padded with spaces), so no box size
or item offset changes and the coded image bytes are never touched.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from .exif import Tiff, minimal_exif
from .findings import Findings, bad
from .jpeg import clean_exif
from .xmp import strip_xmp, xmp_findings

_EMPTY_XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
_MAX_ITEMS = 4096


@dataclass(frozen=True)
class Item:
    """One metadata item and where its bytes lie in the file."""

    kind: str  # "Exif" or "XMP"
    start: int
    end: int
    encoded: bool  # content_encoding set (e.g. deflate): readable, not patchable in place


def boxes(data: bytes, start: int, end: int, path: Path) -> list[tuple[bytes, int, int]]:
    """Return (type, payload start, box end) of each ISOBMFF box between start and end."""
    out, pos = [], start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        head = 8
        if size == 1:
            if pos + 16 > end:
                raise bad(path, "HEIF box header is truncated")
            size, head = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            raise bad(path, f"HEIF {kind!r} box at offset {pos} runs past its parent")
        out.append((kind, pos + head, pos + size))
        pos += size
    return out


def _uint(data: bytes, pos: int, size: int) -> int:
    return int.from_bytes(data[pos : pos + size], "big") if size else 0


def _item_types(data: bytes, start: int, end: int, path: Path) -> dict[int, tuple[str, bool]]:
    """Map item IDs of Exif and XMP items (from `iinf`) to (kind, content-encoded)."""
    version = data[start]
    pos = start + 4 + (2 if version == 0 else 4)
    found: dict[int, tuple[str, bool]] = {}
    for kind, body, stop in boxes(data, pos, end, path):
        if kind != b"infe" or body + 12 > stop or data[body] < 2:
            continue
        wide = data[body] >= 3
        item_id = _uint(data, body + 4, 4 if wide else 2)
        at = body + 4 + (4 if wide else 2) + 2
        item_type = data[at : at + 4]
        if item_type == b"Exif":
            found[item_id] = ("Exif", False)
        elif item_type == b"mime":
            # item_name, content_type, optional content_encoding: NUL-terminated strings
            fields = data[at + 4 : stop].split(b"\x00")
            if len(fields) > 1 and fields[1] == b"application/rdf+xml":
                found[item_id] = ("XMP", len(fields) > 2 and bool(fields[2]))
    return found


def _locations(
    data: bytes, start: int, end: int, idat: int | None, path: Path
) -> dict[int, tuple[int, int]]:
    """Map item IDs to their single (start, end) extent in the file (from `iloc`)."""
    version = data[start]
    off_size, len_size = data[start + 4] >> 4, data[start + 4] & 15
    base_size, index_size = data[start + 5] >> 4, data[start + 5] & 15 if version in (1, 2) else 0
    pos = start + 6
    count = _uint(data, pos, 2 if version < 2 else 4)
    pos += 2 if version < 2 else 4
    if count > _MAX_ITEMS:
        raise bad(path, f"HEIF iloc lists {count} items")
    out: dict[int, tuple[int, int]] = {}
    for _ in range(count):
        item_id = _uint(data, pos, 2 if version < 2 else 4)
        pos += 2 if version < 2 else 4
        method = data[pos + 1] & 15 if version in (1, 2) else 0
        pos += 2 if version in (1, 2) else 0
        pos += 2  # data_reference_index
        base = _uint(data, pos, base_size)
        pos += base_size
        extents = _uint(data, pos, 2)
        pos += 2
        spans = []
        for _ in range(extents):
            pos += index_size
            offset, length = _uint(data, pos, off_size), _uint(data, pos + off_size, len_size)
            pos += off_size + len_size
            spans.append((offset, length))
        if pos > end:
            raise bad(path, "HEIF iloc box is truncated")
        if len(spans) == 1 and method in (0, 1):
            origin = 0 if method == 0 else idat
            if origin is not None:
                first = origin + base + spans[0][0]
                out[item_id] = (first, first + spans[0][1])
    return out


def has_meta_box(data: bytes, path: Path) -> bool:
    """Tell whether an AVIF/HEIF file has the `meta` box every real one carries."""
    return any(kind == b"meta" for kind, _, _ in boxes(data, 0, len(data), path))


def heif_items(data: bytes, path: Path) -> list[Item]:
    """Find the Exif and XMP items of an AVIF/HEIF file."""
    top = boxes(data, 0, len(data), path)
    meta = next(((s, e) for k, s, e in top if k == b"meta"), None)
    if meta is None:
        return []
    children = boxes(data, meta[0] + 4, meta[1], path)
    spans = {kind: (s, e) for kind, s, e in children}
    if b"iinf" not in spans:
        return []
    types = _item_types(data, *spans[b"iinf"], path)
    if not types:
        return []
    if b"iloc" not in spans:
        raise bad(path, "HEIF metadata items have no location box")
    idat = spans[b"idat"][0] if b"idat" in spans else None
    where = _locations(data, *spans[b"iloc"], idat, path)
    items = []
    for item_id, (kind, encoded) in sorted(types.items()):
        if item_id not in where:
            raise bad(path, f"HEIF {kind} item {item_id} has no single extent we can read")
        start, end = where[item_id]
        if end > len(data) or end - start < 4:
            raise bad(path, f"HEIF {kind} item {item_id} lies outside the file")
        items.append(Item(kind, start, end, encoded))
    return items


def _tiff_start(data: bytes, item: Item, path: Path) -> int:
    """Return where the TIFF header of an Exif item starts (after its 4-byte offset field)."""
    start = item.start + 4 + int.from_bytes(data[item.start : item.start + 4], "big")
    if data[start : start + 6] == b"Exif\x00\x00":
        start += 6
    if start + 8 > item.end:
        raise bad(path, "HEIF Exif item's TIFF offset points outside it")
    return start


def strip_heif(data: bytes, path: Path, everything: bool) -> tuple[Findings, bytes]:
    """Return an AVIF/HEIF file's location findings and its copy without them (same length)."""
    findings: Findings = []
    out = bytearray(data)
    for item in heif_items(data, path):
        if item.kind == "Exif":
            start = _tiff_start(data, item, path)
            block = data[start : item.end]
            found, new = clean_exif(block, path)
            findings += found
            if everything:
                orientation = Tiff(block, path).orientation()
                # a valid (if empty) TIFF: decoders reject an Exif item they cannot parse
                new = minimal_exif(orientation).ljust(len(block), b"\x00")[: len(block)]
            out[start : item.end] = new
            continue
        packet = data[item.start : item.end]
        if item.encoded:
            try:
                packet = zlib.decompress(packet)
            except zlib.error as error:
                raise bad(path, f"HEIF XMP item does not decompress ({error})") from None
        found = xmp_findings(packet, path)
        findings += found
        if (found or everything) and item.encoded:
            raise bad(path, "HEIF XMP item is compressed and cannot be rewritten in place")
        if everything:
            size = item.end - item.start
            out[item.start : item.end] = (_EMPTY_XMP if size >= len(_EMPTY_XMP) else b"").ljust(
                size
            )
        elif found:
            out[item.start : item.end] = strip_xmp(packet, path, pad=True)
    return findings, bytes(out)

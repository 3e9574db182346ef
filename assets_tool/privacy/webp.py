"""WebP (RIFF): EXIF and XMP chunks, VP8X flags, pad bytes, data after the RIFF body."""

from __future__ import annotations

import struct
from pathlib import Path

from .exif import Tiff, minimal_exif
from .findings import Findings, LocationFinding, bad
from .jpeg import clean_exif
from .xmp import strip_xmp, xmp_findings

_EXIF_FLAG, _XMP_FLAG = 0x08, 0x04


def _chunks(data: bytes, path: Path) -> tuple[list[tuple[bytes, bytes]], int]:
    """Return (fourcc, payload) of every chunk and where the RIFF body ends."""
    if len(data) < 12:
        raise bad(path, "WebP header is truncated")
    end = 8 + struct.unpack_from("<I", data, 4)[0]
    if end > len(data):
        raise bad(path, f"WebP RIFF size claims {end} bytes, the file has {len(data)}")
    pos, out = 12, []
    while pos + 8 <= end:
        fourcc, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        if pos + 8 + size > end:
            raise bad(path, f"WebP {fourcc!r} chunk at offset {pos} runs past the end")
        out.append((fourcc, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return out, end


def _exif_parts(payload: bytes) -> tuple[bytes, bytes]:
    """Split an EXIF chunk into an optional "Exif\\0\\0" prefix and the TIFF block."""
    return (payload[:6], payload[6:]) if payload.startswith(b"Exif\x00\x00") else (b"", payload)


def strip_webp(data: bytes, path: Path, everything: bool) -> tuple[Findings, bytes]:
    """Return a WebP's location findings and its copy without them."""
    chunks, end = _chunks(data, path)
    findings: Findings = []
    kept: list[tuple[bytes, bytes]] = []
    for fourcc, payload in chunks:
        new: bytes | None = payload
        if fourcc == b"EXIF":
            head, block = _exif_parts(payload)
            found, cleaned = clean_exif(block, path)
            findings += found
            if everything:
                orientation = Tiff(block, path).orientation()
                new = None if orientation is None else head + minimal_exif(orientation)
            else:
                new = head + cleaned
        elif fourcc == b"XMP ":
            findings += xmp_findings(payload, path)
            new = None if everything else strip_xmp(payload, path)
        if new is not None:
            kept.append((fourcc, new))
    if data[end:].strip(b"\x00"):
        findings.append(LocationFinding("trailer after RIFF", f"{len(data) - end} bytes"))
    names = {fourcc for fourcc, _ in kept}
    body = bytearray(b"WEBP")
    for fourcc, payload in kept:
        if fourcc == b"VP8X" and payload:
            flags = payload[0]
            flags &= ~(0 if b"EXIF" in names else _EXIF_FLAG) & ~(
                0 if b"XMP " in names else _XMP_FLAG
            )
            payload = bytes((flags,)) + payload[1:]
        body += fourcc + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) & 1)
    return findings, b"RIFF" + struct.pack("<I", len(body)) + bytes(body)

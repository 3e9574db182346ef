"""GIF: XMP application extensions (and comments under --all); frames are copied verbatim."""

from __future__ import annotations

from pathlib import Path

from .findings import Findings, LocationFinding, bad
from .xmp import strip_xmp, xmp_findings

XMP_APP = b"XMP DataXMP"
_LOOP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def _sub_blocks(data: bytes, pos: int, path: Path) -> int:
    """Return the offset after a chain of sub-blocks starting at `pos`."""
    while True:
        if pos >= len(data):
            raise bad(path, "GIF data sub-blocks are truncated")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _blocks(data: bytes, path: Path) -> tuple[list[tuple[int, int]], int]:
    """Return (start, end) of each block after the header, and the offset after the trailer."""
    if len(data) < 13:
        raise bad(path, "GIF header is truncated")
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    out: list[tuple[int, int]] = []
    while True:
        if pos >= len(data):
            raise bad(path, "GIF ends without a trailer")
        start, kind = pos, data[pos]
        if kind == 0x3B:
            return out, pos + 1
        if kind == 0x21:
            pos = _sub_blocks(data, pos + 2, path)
        elif kind == 0x2C:
            if pos + 10 > len(data):
                raise bad(path, "GIF image descriptor is truncated")
            local = data[pos + 9]
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1
            pos = _sub_blocks(data, pos, path)
        else:
            raise bad(path, f"GIF has an unknown block {kind:#04x} at offset {pos}")
        out.append((start, pos))


def _descriptive(block: bytes) -> bool:
    """Tell whether an extension block is a comment or an application block other than looping."""
    return block[:2] == b"\x21\xfe" or (block[:2] == b"\x21\xff" and block[3:14] not in _LOOP_APPS)


def strip_gif(data: bytes, path: Path, everything: bool) -> tuple[Findings, bytes]:
    """Return a GIF's location findings and its copy without them."""
    blocks, end = _blocks(data, path)
    findings: Findings = []
    out = bytearray(data[: blocks[0][0] if blocks else end - 1])
    for start, stop in blocks:
        raw = data[start:stop]
        if raw[:2] == b"\x21\xff" and raw[3:14] == XMP_APP:
            body = raw[14:]
            magic = body.rfind(b"\x01\xff\xfe")
            if magic < 0:
                raise bad(path, "GIF XMP extension lacks its closing magic trailer")
            found = xmp_findings(body[:magic], path)
            findings += found
            if everything:
                raw = b""
            elif found:  # the packet is stored raw; the magic trailer makes it valid sub-blocks
                raw = raw[:14] + strip_xmp(body[:magic], path) + body[magic:]
        elif everything and _descriptive(raw):
            raw = b""
        out += raw
    out += b"\x3b"
    if data[end:].strip(b"\x00"):
        findings.append(LocationFinding("trailer after GIF end", f"{len(data) - end} bytes"))
    return findings, bytes(out)

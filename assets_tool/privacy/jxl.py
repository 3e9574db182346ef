"""JPEG XL: a bare codestream holds no metadata; the container's Exif and xml boxes do."""

from __future__ import annotations

from pathlib import Path

from .exif import minimal_exif
from .findings import Findings, bad
from .heif import boxes
from .jpeg import clean_exif
from .xmp import strip_xmp, xmp_findings

_EMPTY_XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'


def strip_jxl(data: bytes, path: Path, everything: bool) -> tuple[Findings, bytes]:
    """Return a JPEG XL file's location findings and its copy without them (same length)."""
    if data[:2] == b"\xff\x0a":
        return [], data
    findings: Findings = []
    out = bytearray(data)
    for kind, start, end in boxes(data, 0, len(data), path):
        if kind == b"brob" and data[start : start + 4] in (b"Exif", b"xml "):
            raise bad(path, "JPEG XL metadata is Brotli-compressed and cannot be edited in place")
        if kind == b"Exif":
            tiff = start + 4 + int.from_bytes(data[start : start + 4], "big")
            if tiff + 8 > end:
                raise bad(path, "JPEG XL Exif box's TIFF offset points outside it")
            block = data[tiff:end]
            found, new = clean_exif(block, path)
            findings += found
            new = minimal_exif(None) if everything else new
            out[tiff:end] = new.ljust(len(block), b"\x00")[: len(block)]
        elif kind == b"xml ":
            packet = data[start:end]
            found = xmp_findings(packet, path)
            findings += found
            if everything:
                out[start:end] = (_EMPTY_XMP if end - start >= len(_EMPTY_XMP) else b"").ljust(
                    end - start
                )
            elif found:
                out[start:end] = strip_xmp(packet, path, pad=True)
    return findings, bytes(out)

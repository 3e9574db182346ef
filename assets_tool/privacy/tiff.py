"""Whole TIFF files: GPS IFD, XMP, IPTC and Photoshop tags, all patched in place."""

from __future__ import annotations

from pathlib import Path

from .exif import (
    IPTC_TAG,
    PHOTOSHOP_TAG,
    XMP_TAG,
    Tiff,
    remove_entry,
)
from .findings import Findings, bad
from .iptc import iptc_findings, irb_findings, strip_iptc, strip_irb
from .jpeg import clean_exif
from .xmp import strip_xmp, xmp_findings

# IFD0 tags that describe the photo rather than the pixels: dropped by --all
_DESCRIPTIVE = {
    270,
    271,
    272,
    305,
    306,
    315,
    316,
    33432,
    0x8769,
    0x8825,
    XMP_TAG,
    IPTC_TAG,
    PHOTOSHOP_TAG,
    0x9C9B,
    0x9C9C,
    0x9C9D,
    0x9C9E,
    0x9C9F,
    0xC4A5,
}


def _blocks(tiff: Tiff) -> list[tuple[int, int, int]]:
    """Return (tag, start, end) of IFD0's XMP, IPTC and Photoshop values."""
    out = []
    for tag in (XMP_TAG, IPTC_TAG, PHOTOSHOP_TAG):
        entry = tiff.find(tag)
        if entry is not None:
            if tiff.value(entry) is None:
                raise bad(tiff.path, f"TIFF tag {tag} points past the end")
            out.append((tag, entry.value_pos, entry.value_pos + entry.size))
    return out


def strip_tiff(data: bytes, path: Path, everything: bool) -> tuple[Findings, bytes]:
    """Return a TIFF's location findings and its copy without them (same length)."""
    tiff = Tiff(data, path)
    findings, cleaned = clean_exif(data, path)
    out = bytearray(cleaned)
    for tag, start, end in _blocks(tiff):
        value = data[start:end]
        if tag == XMP_TAG:
            findings += xmp_findings(value, path)
            new = strip_xmp(value, path, pad=True)
        elif tag == IPTC_TAG:
            findings += iptc_findings(value, path)
            new = strip_iptc(value, path)
        else:
            findings += irb_findings(value, path)
            new = strip_irb(value, path)
        out[start:end] = new + bytes(len(value) - len(new))
    if everything:
        tiff = Tiff(bytes(out), path)
        ifd0 = tiff.ifds[0]
        for entry in [e for e in ifd0.entries if e.tag in _DESCRIPTIVE]:
            current = next(e for e in ifd0.entries if e.tag == entry.tag)
            remove_entry(out, tiff, ifd0, current)
    return findings, bytes(out)

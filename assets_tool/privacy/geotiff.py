"""GeoTIFF tags that pin an image to map coordinates, in an EXIF block or a TIFF file."""

from __future__ import annotations

from pathlib import Path

from .exif import Tiff, remove_entry
from .findings import Findings, LocationFinding, bad

# the two tags exiftool counts as location: they map pixels onto the Earth
GEO_TAGS = {0x8482: "ModelTiePoint", 0x85D8: "ModelTransform"}


def geotiff_findings(data: bytes, path: Path, where: str = "EXIF") -> Findings:
    """List the GeoTIFF tie point and transform tags of a TIFF/EXIF block."""
    tiff = Tiff(data, path)
    return [
        LocationFinding(f"{where} GeoTIFF {GEO_TAGS[entry.tag]}", f"{entry.count} values")
        for ifd in tiff.ifds
        for entry in ifd.entries
        if entry.tag in GEO_TAGS
    ]


def strip_geotiff(data: bytes, path: Path) -> bytes:
    """Return the block without GeoTIFF location tags (values zeroed, entries dropped)."""
    tiff = Tiff(data, path)
    if not any(e.tag in GEO_TAGS for ifd in tiff.ifds for e in ifd.entries):
        return data
    out = bytearray(data)
    tables = [(ifd.pos, ifd.end) for ifd in tiff.ifds]
    for ifd in tiff.ifds:
        while (entry := next((e for e in ifd.entries if e.tag in GEO_TAGS), None)) is not None:
            start, end = entry.value_pos, entry.value_pos + entry.size
            if entry.size > 4 and end <= len(out):
                if any(start < t_end and t_start < end for t_start, t_end in tables):
                    raise bad(path, "GeoTIFF tag value overlaps an IFD")
                out[start:end] = bytes(entry.size)
            remove_entry(out, tiff, ifd, entry)
    return bytes(out)

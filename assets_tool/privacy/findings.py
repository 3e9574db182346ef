"""What the location reader reports, shared by every container parser."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import MetadataError


@dataclass(frozen=True)
class LocationFinding:
    """One place in a file that holds location data."""

    where: str  # e.g. "EXIF GPS", "XMP exif:GPSLatitude", "IPTC City", "trailer after EOI"
    detail: str  # human text: "36.0909, -115.1760" or the city name


@dataclass(frozen=True)
class LocationReport:
    """Every location finding in one file, or why the file could not be checked."""

    path: Path
    findings: tuple[LocationFinding, ...]
    unchecked: str | None = None  # why the file could not be checked (unsupported, LFS pointer)

    def kinds(self) -> str:
        """Summarise the findings by block ("EXIF GPS, XMP, IPTC City"), in order, once each."""
        kinds: list[str] = []
        for finding in self.findings:
            words = finding.where.split(" ")
            if "IPTC" in words:  # one entry for all of a block's IPTC datasets
                kind = " ".join(words[: words.index("IPTC") + 1])
            elif len(words) > 1 and ":" in words[-1]:  # one entry per XMP packet
                kind = " ".join(words[:-1])
            else:
                kind = finding.where
            if kind not in kinds:
                kinds.append(kind)
        return ", ".join(kinds)

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """Return (latitude, longitude) from EXIF GPS, else from XMP exif:GPS*, if readable."""
        for finding in self.findings:
            if "EXIF GPS" in finding.where:
                try:
                    lat, lon = (float(part) for part in finding.detail.split(","))
                except ValueError:
                    continue
                return (lat, lon)
        for finding in self.findings:
            if finding.where.endswith(("GPSCoordinates", "ISO6709")):
                match = _ISO6709.match(finding.detail)
                if match is not None:
                    return (float(match.group(1)), float(match.group(2)))
        xmp = {f.where.rpartition(" ")[2]: f.detail for f in self.findings if "XMP" in f.where}
        north = _xmp_angle(xmp.get("exif:GPSLatitude"))
        east = _xmp_angle(xmp.get("exif:GPSLongitude"))
        return (north, east) if north is not None and east is not None else None


# QuickTime's ISO 6709 position: "+36.0909-115.1760+061.050/"
_ISO6709 = re.compile(r"([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")


def _xmp_angle(text: str | None) -> float | None:
    """Decode an XMP GPSCoordinate ("36,5.454N" or "36,5,27N") into signed degrees."""
    match = re.fullmatch(r"(\d+),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])", text or "")
    if match is None:
        return None
    degrees, minutes, seconds, hemisphere = match.groups()
    value = int(degrees) + float(minutes) / 60 + float(seconds or 0) / 3600
    return -value if hemisphere in "SW" else value


Findings = list[LocationFinding]


def bad(path: Path, what: str) -> MetadataError:
    """Build the error for metadata that cannot be parsed safely."""
    return MetadataError(
        path,
        f"cannot parse metadata safely ({what})",
        "the file was left untouched; "
        "re-export it from a photo editor, or remove its metadata with exiftool and check by hand",
    )


def short(text: str, limit: int = 80) -> str:
    """Shorten a value for a one-line report."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

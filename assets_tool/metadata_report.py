"""What the location reader reports, shared by every container parser."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import MetadataError


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

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """Return (latitude, longitude) from the EXIF GPS block, if it had readable ones."""
        for finding in self.findings:
            if "EXIF GPS" in finding.where:
                try:
                    lat, lon = (float(part) for part in finding.detail.split(","))
                except ValueError:
                    continue
                return (lat, lon)
        return None


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

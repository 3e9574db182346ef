"""The privacy gate: after every build, look for location anywhere in the output.

Every image file is read with the privacy stage's reader (embedded images included); every
text file is searched for each source photo's coordinates, in decimal (36.0911, rounded or
cut to 3+ decimals) and degree-minute forms (36°5', 36 deg 5', XMP's 36,5.466N).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import AssetsToolError
from ..privacy import LocationReport, audit_paths, read_location

TEXT_SUFFIXES = frozenset(
    [
        ".html",
        ".htm",
        ".json",
        ".js",
        ".mjs",
        ".css",
        ".txt",
        ".xml",
        ".svg",
        ".md",
        ".webmanifest",
        ".map",
        ".yml",
        ".yaml",
    ]
)


class PrivacyError(AssetsToolError):
    """Location data was found in a gallery's output."""


def source_coordinates(data: bytes, path: Path) -> tuple[float, float] | None:
    """Return a source photo's (latitude, longitude), if it has readable ones."""
    try:
        return read_location(data, path).coordinates
    except AssetsToolError:
        return None  # unreadable metadata: the image half reports the file


# candidates, found in one pass each: decimals with 3+ places, degrees and minutes, XMP's form
_DECIMAL = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{3,})")
_DEGREES = re.compile(
    r"(?<![\d.])(\d{1,3})\s*(?:°|º|&deg;|&#176;|&#xb0;|\\u00b0|deg)\s*(\d{1,2})(?!\d)",
    re.IGNORECASE,
)
_XMP = re.compile(r"(?<![\d.])(\d{1,3}),(\d{1,2})(?:[.,]\d+)?[NSEW]")


class CoordinateFinder:
    """Find any of a set of coordinates in text, in decimal or degree-minute form."""

    def __init__(self, coords: Iterable[tuple[float, float]]) -> None:
        values = {abs(v) for pair in coords for v in pair}
        # 36.0909 is found as 36.090 (cut) and 36.091 (rounded), and anything they start
        self.decimals = {f"{v:.3f}" for v in values} | {
            f"{math.floor(v * 1000) / 1000:.3f}" for v in values
        }
        self.minutes = {(int(v), m) for v in values for m in (int(_mins(v)), round(_mins(v)))}

    def search(self, text: str) -> str | None:
        """Return the first coordinate-like text that matches, or None."""
        for match in _DECIMAL.finditer(text):
            if f"{match.group(1)}.{match.group(2)[:3]}" in self.decimals:
                return match.group(0)
        for pattern in (_DEGREES, _XMP):
            for match in pattern.finditer(text):
                if (int(match.group(1)), int(match.group(2))) in self.minutes:
                    return match.group(0)
        return None

    def first(self, text: str) -> re.Match[str] | None:
        """Return the match object of the first hit (for its line number), or None."""
        found = self.search(text)
        return re.search(re.escape(found), text) if found is not None else None


def _mins(value: float) -> float:
    return (value - int(value)) * 60


def audit_output(out: Path, coords: Iterable[tuple[float, float]]) -> list[PrivacyError]:
    """Return one error per output file that holds location (empty: the output is clean)."""
    errors: list[PrivacyError] = []
    for found in audit_paths([out]):
        if isinstance(found, LocationReport):
            what = (
                f"not checked ({found.unchecked})"
                if found.unchecked
                else "location in an image: " + ", ".join(f.where for f in found.findings)
            )
            errors.append(PrivacyError(found.path, what, _FIX))
        else:
            errors.append(PrivacyError(found.path, f"cannot be checked ({found.what})", _FIX))
    finder = CoordinateFinder(coords)
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            hit = finder.first(text)
            if hit is not None:
                line = text.count("\n", 0, hit.start()) + 1
                what = f"a source photo's coordinates are in the page (`{hit.group(0)}`)"
                errors.append(PrivacyError(path, what, _FIX, line))
    return errors


_FIX = "remove it from the theme or captions; the gallery must not be published like this"

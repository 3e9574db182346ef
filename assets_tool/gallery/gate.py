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


def coordinate_patterns(coords: Iterable[tuple[float, float]]) -> list[re.Pattern[str]]:
    """Return regexes matching each coordinate's decimal and degree-minute forms."""
    patterns = []
    for value in sorted({abs(v) for pair in coords for v in pair}):
        degrees = int(value)
        minutes = (value - degrees) * 60
        decimals = {f"{value:.3f}", f"{math.floor(value * 1000) / 1000:.3f}"}
        for text in decimals:
            patterns.append(re.compile(rf"(?<![\d.]){re.escape(text)}"))
        whole = {int(minutes), round(minutes)}
        for m in sorted(whole):
            deg = rf"(?<![\d.]){degrees}"
            mark = r"\s*(?:°|º|&deg;|&#176;|&#xb0;|\\u00b0|deg)\s*"
            patterns.append(re.compile(rf"{deg}{mark}0?{m}(?!\d)", re.IGNORECASE))
            patterns.append(re.compile(rf"{deg},0?{m}(?:[.,]\d+)?[NSEW]"))
    return patterns


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
    patterns = coordinate_patterns(coords)
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            hit = next((m for p in patterns if (m := p.search(text))), None)
            if hit is not None:
                line = text.count("\n", 0, hit.start()) + 1
                what = f"a source photo's coordinates are in the page (`{hit.group(0)}`)"
                errors.append(PrivacyError(path, what, _FIX, line))
    return errors


_FIX = "remove it from the theme or captions; the gallery must not be published like this"

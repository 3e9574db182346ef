"""Data after a JPEG's end-of-image marker: kept, cleaned, or (only with a reason) removed.

Padding stays; an embedded JPEG (a camera's preview) is cleaned like an MPF image and kept; a
movie (a motion photo) loses its location in place; a vendor trailer with location fields,
and anything we cannot parse, is removed and named.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from pathlib import Path

from ..errors import MetadataError
from .findings import Findings, LocationFinding
from .quicktime import is_quicktime, strip_quicktime

# what a hostile embedded image can raise: it is then dropped, not the whole file refused
_SUB_ERRORS = (MetadataError, struct.error, ValueError, IndexError, KeyError, OverflowError)
MAX_EMBEDDED = 3  # JPEGs nested after EOI: previews of previews, no deeper
# Samsung trailer entries that hold where the photo was taken (MCC: the mobile country code)
_SAMSUNG_LOCATION = re.compile(rb"MCC_Data|Location_Data|GPS_Data")
# clean an embedded JPEG: (its bytes, the label for its findings) -> (findings, cleaned bytes)
CleanJpeg = Callable[[bytes, str], tuple[Findings, bytes]]


def after_eoi(
    gap: bytes, path: Path, everything: bool, label: str, clean_jpeg: CleanJpeg | None
) -> tuple[Findings, bytes]:
    """Return what data after EOI holds, and what of it to keep (`clean_jpeg` None: no JPEG)."""
    body = gap.lstrip(b"\x00")
    if not body.strip(b"\x00\xff"):
        return [], gap
    label = f"{label}after EOI: "
    if is_quicktime(gap):  # its first box's size starts with zero bytes: no padding to skip
        try:
            return strip_quicktime(gap, path, everything, f"{label}video ")
        except _SUB_ERRORS:
            return _dropped(gap, label, "video that cannot be parsed")
    if body[:3] == b"\xff\xd8\xff" and clean_jpeg is not None:
        try:
            found, cleaned = clean_jpeg(body, f"{label}JPEG ")
        except _SUB_ERRORS:
            return _dropped(gap, label, "JPEG that cannot be parsed")
        return found, gap[: len(gap) - len(body)] + cleaned
    if b"SEFT" in gap[-8:]:
        fields = sorted({m.decode() for m in _SAMSUNG_LOCATION.findall(gap)})
        what = ", ".join(fields) if fields else "its entries cannot be parsed"
        return _dropped(gap, label, f"Samsung trailer: {what}")
    return _dropped(gap, label, "data that cannot be parsed")


def _dropped(gap: bytes, label: str, what: str) -> tuple[Findings, bytes]:
    return [LocationFinding(f"{label}{what}", f"{len(gap)} bytes removed")], b""

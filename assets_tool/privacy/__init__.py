"""The privacy stage: read and strip location data losslessly, at container level.

Never re-encodes pixels and never uses Pillow to write: each container format has its own
module (`jpeg`, `png`, `webp`, `gif`, `tiff`, `heif`, `jxl`), sharing the structures they
embed (`exif` for TIFF/EXIF IFDs, `xmp`, `iptc`, `makernote`, `geotiff`). `dispatch` picks
the container by its bytes and handles files; `findings` is what every reader reports. It
knows nothing of sites, posts, variants or markup.
"""

from __future__ import annotations

from .dispatch import (
    audit_paths,
    image_files,
    image_kind,
    is_lfs_pointer,
    is_xmp_sidecar,
    looks_like_image,
    read_location,
    strip_file,
    strip_file_report,
    strip_location,
)
from .findings import LocationFinding, LocationReport

__all__ = [
    "LocationFinding",
    "LocationReport",
    "audit_paths",
    "image_files",
    "image_kind",
    "is_lfs_pointer",
    "is_xmp_sidecar",
    "looks_like_image",
    "read_location",
    "strip_file",
    "strip_file_report",
    "strip_location",
]

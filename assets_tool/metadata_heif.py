"""AVIF and HEIF: read EXIF/XMP items through Pillow (and pillow-heif for HEIC); never write."""

from __future__ import annotations

import importlib.util
import io
import warnings
from pathlib import Path

from PIL import Image

from .metadata_report import Findings, bad
from .metadata_tiff import exif_findings
from .metadata_xmp import xmp_findings


def heif_readable(kind: str) -> bool:
    """Tell whether this Python can read the metadata of an AVIF or HEIF file."""
    if kind == "AVIF":
        return "AVIF" in Image.registered_extensions().values() or _register_heif()
    return _register_heif()


def _register_heif() -> bool:
    if importlib.util.find_spec("pillow_heif") is None:
        return False
    import pillow_heif

    pillow_heif.register_heif_opener()
    return True


def heif_findings(data: bytes, path: Path) -> Findings:
    """List the location in an AVIF/HEIF file's Exif and XMP items."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
            exif, xmp = image.info.get("exif"), image.info.get("xmp")
    except Exception as error:  # any decoder failure means we could not check it
        raise bad(path, f"cannot read its metadata ({error})") from None
    findings: Findings = []
    if isinstance(exif, bytes) and exif:
        start = exif.find(b"Exif\x00\x00")
        block = exif[start + 6 :] if 0 <= start < 16 else exif
        # HEIF Exif items begin with a 4-byte offset to the TIFF header
        if block[:2] not in (b"II", b"MM") and block[4:6] in (b"II", b"MM"):
            block = block[4:]
        findings += exif_findings(block, path)
    if isinstance(xmp, bytes | str) and xmp:
        findings += xmp_findings(xmp.encode() if isinstance(xmp, str) else xmp, path)
    return findings

"""WebP chunks."""

from __future__ import annotations

from pathlib import Path

from .metadata_report import Findings


def strip_webp(data: bytes, path: Path, everything: bool) -> tuple[Findings, bytes]:
    """Return a WebP's location findings and its copy without them."""
    return [], data

"""XMP packets padded the way editors pad them, cleaned through the CLI."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from PIL import Image

from .fixtures import XMP_FULL, exiftool_location, png_chunk

# A packet's padding is blank lines; 1 MB of it took the XMP rewrite minutes (each regex
# retried from every blank), and now takes milliseconds.
PADDING = (b" " * 99 + b"\n") * 10_000


def _png_with_padded_xmp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    base = out.getvalue()
    end = XMP_FULL.rindex(b"<?xpacket end")
    packet = XMP_FULL[:end] + PADDING + XMP_FULL[end:]
    chunk = png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + packet)
    return base[:33] + chunk + base[33:]


def test_heavily_padded_xmp_is_cleaned_promptly(tmp_path: Path) -> None:
    photo = tmp_path / "padded.png"
    photo.write_bytes(_png_with_padded_xmp())
    assert exiftool_location(photo)
    # a hang is the failure: a generous bound, not a speed measurement
    done = subprocess.run(
        [sys.executable, "-m", "assets_tool", "strip", str(photo)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert f"stripped location: {photo}" in done.stdout
    assert exiftool_location(photo) == ""
    assert PADDING in photo.read_bytes()  # only the location properties went

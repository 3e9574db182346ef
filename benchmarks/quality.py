"""Perceptual quality of an encoded image: SSIMULACRA2 against a reference, both in sRGB."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

SRGB = ImageCms.createProfile("sRGB")


def to_srgb(img: Image.Image) -> Image.Image:
    """Return `img` as sRGB pixels, through its embedded ICC profile when it has one."""
    icc = img.info.get("icc_profile")
    rgb = img.convert("RGB")
    if not icc:
        return rgb
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    converted = ImageCms.profileToProfile(rgb, source, SRGB, outputMode="RGB")
    assert converted is not None
    return converted


def upright(data: bytes) -> Image.Image:
    """Decode a JPEG upright, keeping its ICC profile in `info`."""
    with Image.open(io.BytesIO(data)) as im:
        icc = im.info.get("icc_profile")
        out = ImageOps.exif_transpose(im)
    out.info["icc_profile"] = icc
    return out


def score(reference: Path, data: bytes, scratch: Path) -> float:
    """SSIMULACRA2 of an encoded file against the reference PNG (both in sRGB)."""
    from ssimulacra2 import compute_ssimulacra2

    with Image.open(io.BytesIO(data)) as im:
        im.load()
        decoded = to_srgb(im)
    target = scratch / f"d-{reference.stem}-{id(data)}.png"
    decoded.save(target)
    try:
        return float(compute_ssimulacra2(str(reference), str(target)))
    finally:
        target.unlink()

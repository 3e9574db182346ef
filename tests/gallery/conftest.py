"""Fixtures of the gallery tests: small tagged photos (dates, offsets, captions, GPS)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from examples.photogen import dms, make_photo

GPS = (36.0909, -115.1760)


def tagged_photo(
    seed: int,
    *,
    date: str | None = "2025:01:06 18:40:00",
    offset: str | None = None,
    description: str | None = None,
    alt: str | None = None,
    gps: tuple[float, float] | None = GPS,
    size: tuple[int, int] = (480, 360),
) -> bytes:
    """Return a small JPEG with DateTimeOriginal (+offset), XMP caption/alt text, GPS."""
    base = Image.open(io.BytesIO(make_photo(*size, seed=seed, orientation=1, gps=None)))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 15 Pro"
    detail = exif.get_ifd(0x8769)
    if date:
        detail[0x9003] = date
    if offset:
        detail[0x9011] = offset
    detail[0x829D] = IFDRational(18, 10)
    if gps:
        exif.get_ifd(0x8825).update(
            {1: "N", 2: dms(gps[0]), 3: "W" if gps[1] < 0 else "E", 4: dms(gps[1])}
        )
    fields = []
    if description:
        fields.append(
            f"<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>{description}"
            "</rdf:li></rdf:Alt></dc:description>"
        )
    if alt:
        fields.append(
            "<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang='x-default'>"
            f"{alt}</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>"
        )
    params: dict[str, object] = {"exif": exif, "quality": 88}
    if fields:
        params["xmp"] = (
            "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
            "<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
            "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
            "<rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/' "
            "xmlns:Iptc4xmpCore='http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/'>"
            + "".join(fields)
            + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
        ).encode()
    out = io.BytesIO()
    base.save(out, "JPEG", **params)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    """Write `data` to `path`, creating its folders; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path

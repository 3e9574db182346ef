"""Byte-level builders for metadata fixtures that Pillow cannot write (no tests here)."""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from pathlib import Path

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

GPS = (36.0909, -115.1760)
XMP_FULL = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exif:GPSLatitude="36,5.454N" photoshop:City="Las Vegas" dc:format="image/jpeg">
   <exif:GPSLongitude>115,10.56W</exif:GPSLongitude>
   <photoshop:State>Nevada</photoshop:State>
   <photoshop:Country>USA</photoshop:Country>
   <Iptc4xmpCore:Location>Strip</Iptc4xmpCore:Location>
   <Iptc4xmpExt:LocationShown>
    <rdf:Bag><rdf:li rdf:parseType="Resource">
     <Iptc4xmpExt:City>Paradise</Iptc4xmpExt:City>
    </rdf:li></rdf:Bag>
   </Iptc4xmpExt:LocationShown>
   <Iptc4xmpExt:LocationCreated rdf:parseType="Resource">
    <Iptc4xmpExt:CountryName>USA</Iptc4xmpExt:CountryName>
   </Iptc4xmpExt:LocationCreated>
   <dc:description><rdf:Alt>
    <rdf:li xml:lang="x-default">A night out</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def srgb_icc() -> bytes:
    """Return a real ICC profile (Pillow's built-in sRGB)."""
    from PIL import ImageCms

    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def exif_block(gps: tuple[float, float] | None = GPS, orientation: int = 6) -> Image.Exif:
    """Return a Pillow Exif with Orientation, Make/Model, DateTimeOriginal and optional GPS."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15 Pro"
    exif.get_ifd(0x8769)[0x9003] = "2025:01:06 18:40:00"
    if gps is not None:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N" if gps[0] >= 0 else "S"
        gps_ifd[2] = _dms(gps[0])
        gps_ifd[3] = "E" if gps[1] >= 0 else "W"
        gps_ifd[4] = _dms(gps[1])
    return exif


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60 * 10000)
    return (IFDRational(d, 1), IFDRational(m, 1), IFDRational(s, 10000))


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """Return a small image with some structure (so scans are not trivial)."""
    img = Image.new(mode, size)
    img.putdata(
        [
            ((x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256)
            for y in range(size[1])
            for x in range(size[0])
        ]
    )
    return img


def jpeg(
    gps: tuple[float, float] | None = GPS, *, icc: bool = True, size: tuple[int, int] = (64, 48)
) -> bytes:
    """Return a Pillow-written JPEG with EXIF (optionally GPS) and an ICC profile."""
    out = io.BytesIO()
    params: dict[str, object] = {"exif": exif_block(gps), "quality": 90}
    if icc:
        params["icc_profile"] = srgb_icc()
    picture(size).save(out, "JPEG", **params)
    return out.getvalue()


def segment(marker: int, payload: bytes) -> bytes:
    """Wrap a payload as a JPEG marker segment."""
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def insert_segments(data: bytes, *segments: bytes) -> bytes:
    """Insert segments right after SOI and any APP0 (before the rest of the header)."""
    pos = insert_pos(data)
    return data[:pos] + b"".join(segments) + data[pos:]


def insert_pos(data: bytes) -> int:
    """Return the offset right after SOI and any APP0."""
    if data[2:4] == b"\xff\xe0":
        return 4 + struct.unpack_from(">H", data, 4)[0]
    return 2


def xmp_segment(packet: bytes = XMP_FULL) -> bytes:
    return segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)


def extended_xmp_segments(packet: bytes, guid: bytes, chunk: int = 200) -> list[bytes]:
    """Split an ExtendedXMP packet into APP1 chunks."""
    sig = b"http://ns.adobe.com/xmp/extension/\x00"
    return [
        segment(0xE1, sig + guid + struct.pack(">II", len(packet), off) + packet[off : off + chunk])
        for off in range(0, len(packet), chunk)
    ]


def iptc(datasets: list[tuple[int, int, bytes]]) -> bytes:
    return b"".join(b"\x1c" + bytes((r, n)) + struct.pack(">H", len(v)) + v for r, n, v in datasets)


def irb(resources: list[tuple[int, bytes]]) -> bytes:
    out = b""
    for rid, data in resources:
        out += b"8BIM" + struct.pack(">H", rid) + b"\x00\x00" + struct.pack(">I", len(data)) + data
        out += b"\x00" * (len(data) % 2)
    return out


IPTC_PLACES = [
    (2, 5, b"Title stays"),
    (2, 90, b"Las Vegas"),
    (2, 92, b"The Strip"),
    (2, 95, b"Nevada"),
    (2, 100, b"USA"),
    (2, 101, b"United States"),
    (2, 26, b"LOC"),
    (2, 27, b"Location name"),
    (2, 116, b"(c) Someone"),
]


def app13(datasets: list[tuple[int, int, bytes]] = IPTC_PLACES) -> bytes:
    return segment(0xED, b"Photoshop 3.0\x00" + irb([(0x0404, iptc(datasets))]))


def mpf_jpeg(primary: bytes, secondary: bytes, trailer: bytes = b"") -> bytes:
    """Append `secondary` after `primary`'s EOI and add an MPF APP2 that points at it."""
    # MP index IFD: version, number of images, MP entry list; offsets relative to the TIFF header
    entries_off = 8 + 2 + 3 * 12 + 4
    ifd = struct.pack(">H", 3)
    ifd += struct.pack(">HHI4s", 0xB000, 7, 4, b"0100")
    ifd += struct.pack(">HHII", 0xB001, 4, 1, 2)
    ifd += struct.pack(">HHII", 0xB002, 7, 32, entries_off)
    ifd += struct.pack(">I", 0)
    tiff_len = 8 + len(ifd) + 32
    app2_len = 4 + 4 + tiff_len
    base = insert_pos(primary) + 8
    total_primary = len(primary) + app2_len
    entries = struct.pack(">IIIHH", 0x20030000, total_primary, 0, 0, 0)
    entries += struct.pack(">IIIHH", 0x00020002, len(secondary), total_primary - base, 0, 0)
    tiff = b"MM\x00*" + struct.pack(">I", 8) + ifd + entries
    app2 = segment(0xE2, b"MPF\x00" + tiff)
    assert len(app2) == app2_len
    return insert_segments(primary, app2) + secondary + trailer


def samsung_trailer() -> bytes:
    """Return a Samsung-like trailer (SEFH ... SEFT) whose MCC_Data entry names a country."""
    body = b"\x00\x00\x01\x0a\x08\x00\x00\x00MCC_Data310"
    return body + b"SEFH" + struct.pack("<I", len(body)) + b"SEFT"


def scan_bytes(data: bytes) -> bytes:
    """Return everything from the primary image's first SOS through its EOI."""
    pos = 2
    while data[pos + 1] != 0xDA:
        pos += 2 + struct.unpack_from(">H", data, pos + 2)[0]
    end = data.index(b"\xff\xd9", pos) + 2
    return data[pos:end]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    pos, out = 8, []
    while pos < len(data):
        n = struct.unpack_from(">I", data, pos)[0]
        kind = data[pos + 4 : pos + 8]
        out.append((kind, data[pos + 8 : pos + 8 + n]))
        crc = struct.unpack_from(">I", data, pos + 8 + n)[0]
        assert crc == zlib.crc32(kind + data[pos + 8 : pos + 8 + n])
        pos += 12 + n
        if kind == b"IEND":
            break
    return out


def exiftool(path: Path, *args: str) -> str:
    """Run exiftool and return its stdout."""
    return subprocess.run(
        ["exiftool", "-a", "-ee", "-G1", "-s", *args, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def exiftool_location(path: Path) -> str:
    """Return exiftool's listing of every GPS/location tag (empty when clean)."""
    return exiftool(
        path,
        "-gps:all",
        "-location:all",
        "-XMP:City",
        "-XMP:State",
        "-XMP:Country",
        "-IPTC:City",
        "-IPTC:Province-State",
        "-IPTC:Country-PrimaryLocationName",
        "-IPTC:Sub-location",
        "-IPTC:Country-PrimaryLocationCode",
        "-IPTC:ContentLocationName",
        "-IPTC:ContentLocationCode",
    )


def png_with_location() -> bytes:
    """Return a PNG with eXIf after IDAT, XMP iTXt, a GPS tEXt, a raw exif zTXt and a trailer."""
    out = io.BytesIO()
    picture().save(out, "PNG")
    base = out.getvalue()
    chunks = png_chunks(base)
    exif = exif_block().tobytes()
    raw = exif.hex()
    profile = b"\nexif\n" + str(len(exif)).rjust(8).encode() + b"\n"
    profile += "\n".join(raw[i : i + 72] for i in range(0, len(raw), 72)).encode() + b"\n"
    extra_before = [
        png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + XMP_FULL),
        png_chunk(b"tEXt", b"GPSLatitude\x0036.0909"),
        png_chunk(b"tEXt", b"Comment\x00kept"),
        png_chunk(b"zTXt", b"Raw profile type exif\x00\x00" + zlib.compress(profile)),
    ]
    body = b"\x89PNG\r\n\x1a\n" + png_chunk(*chunks[0]) + b"".join(extra_before)
    for kind, data in chunks[1:-1]:
        body += png_chunk(kind, data)
    body += png_chunk(b"eXIf", exif[6:]) + png_chunk(b"IEND", b"")
    return body + b"Las Vegas trailer"


def webp_with_location(lossless: bool = True) -> bytes:
    """Return a VP8X WebP with EXIF (GPS) and an odd-length XMP chunk, plus a trailer."""
    out = io.BytesIO()
    packet = XMP_FULL + (b"" if len(XMP_FULL) % 2 else b" ")
    picture().save(
        out, "WEBP", exif=exif_block(), xmp=packet, lossless=lossless, icc_profile=srgb_icc()
    )
    return out.getvalue() + b"trailer"


def tiff_with_location() -> bytes:
    """Return a TIFF with a GPS IFD, XMP (tag 700) and Orientation 6."""
    from PIL.TiffImagePlugin import ImageFileDirectory_v2

    ifd = ImageFileDirectory_v2()
    ifd[274] = 6
    ifd[271] = "Apple"
    ifd[700] = XMP_FULL
    ifd[0x8825] = dict(exif_block().get_ifd(0x8825))
    out = io.BytesIO()
    picture().save(out, "TIFF", tiffinfo=ifd)
    return out.getvalue()


def gif_with_xmp() -> bytes:
    """Return an animated GIF carrying an XMP application extension with location."""
    frames = [
        picture().convert("P"),
        picture().transpose(Image.Transpose.FLIP_LEFT_RIGHT).convert("P"),
    ]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=100)
    data = out.getvalue()
    magic = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"
    ext = b"\x21\xff\x0bXMP DataXMP" + XMP_FULL + magic
    return data[:-1] + ext + b"\x3b"


TiffEntry = tuple[int, int, int, "bytes | str"]  # tag, type, count, value (str: offset of a part)


def build_tiff(
    ifds: dict[str, list[TiffEntry]],
    chain: tuple[str, ...] = ("IFD0",),
    blobs: dict[str, bytes] | None = None,
) -> bytes:
    """Lay out a big-endian TIFF block by hand (IFDs in order, then blobs).

    A str value names another IFD or blob whose offset goes in the entry; `chain` lists the
    IFDs linked by next-IFD pointers. This reaches shapes Pillow will not write (GPS in IFD1).
    """
    blobs = blobs or {}
    sizes = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1}
    pos, where = 8, {}
    for name, entries in ifds.items():
        where[name] = pos
        pos += 2 + 12 * len(entries) + 4
        for _, kind, count, value in entries:
            if isinstance(value, bytes) and sizes[kind] * count > 4:
                pos += len(value) + len(value) % 2
    for name, blob in blobs.items():
        where[name] = pos
        pos += len(blob)
    out = bytearray(b"MM\x00*" + struct.pack(">I", 8))
    for name, entries in ifds.items():
        extra = bytearray()
        table_end = where[name] + 2 + 12 * len(entries) + 4
        table = struct.pack(">H", len(entries))
        for tag, kind, count, value in entries:
            if isinstance(value, str):
                field = struct.pack(">I", where[value])
            elif sizes[kind] * count > 4:
                field = struct.pack(">I", table_end + len(extra))
                extra += value + b"\x00" * (len(value) % 2)
            else:
                field = value.ljust(4, b"\x00")
            table += struct.pack(">HHI", tag, kind, count) + field
        index = chain.index(name) if name in chain else -1
        following = chain[index + 1] if 0 <= index < len(chain) - 1 else None
        table += struct.pack(">I", where[following] if following else 0)
        out += table + extra
    for blob in blobs.values():
        out += blob
    return bytes(out)


def gps_entries(lat: float = GPS[0], lon: float = GPS[1]) -> list[TiffEntry]:
    def rationals(value: float) -> bytes:
        return b"".join(struct.pack(">II", r.numerator, r.denominator) for r in _dms(value))

    return [
        (1, 2, 2, b"N\x00" if lat >= 0 else b"S\x00"),
        (2, 5, 3, rationals(lat)),
        (3, 2, 2, b"E\x00" if lon >= 0 else b"W\x00"),
        (4, 5, 3, rationals(lon)),
    ]


ORIENT6: TiffEntry = (0x0112, 3, 1, b"\x00\x06")
MAKE: TiffEntry = (0x010F, 2, 6, b"Apple\x00")


def exif_segment(block: bytes) -> bytes:
    return segment(0xE1, b"Exif\x00\x00" + block)


def bare_jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    """Return a JPEG with no metadata at all (JFIF only)."""
    out = io.BytesIO()
    picture(size).save(out, "JPEG", quality=85)
    return out.getvalue()

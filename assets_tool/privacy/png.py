"""PNG: eXIf, XMP in iTXt, location text chunks, ImageMagick raw profiles, data after IEND."""

from __future__ import annotations

import binascii
import re
import struct
import zlib
from pathlib import Path

from .exif import Tiff, exif_findings, minimal_exif
from .findings import Findings, LocationFinding, bad, short
from .iptc import PHOTOSHOP, iptc_findings, irb_findings
from .jpeg import clean_exif
from .xmp import strip_xmp, xmp_findings

XMP_KEY = b"XML:com.adobe.xmp"
XMP_SIG = b"http://ns.adobe.com/xap/1.0/\x00"
# chunks --all keeps: what decoding, colour and animation need
_PIXEL_CHUNKS = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"iCCP", b"sRGB", b"gAMA", b"cHRM", b"sBIT",
    b"cICP", b"mDCV", b"cLLI", b"pHYs", b"bKGD", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip
_LOCATION_KEY = re.compile(
    rb"(?i)gps.*|.*latitude.*|.*longitude.*|location.*|city|state|country.*|geo.*|sub-?location"
)
_MAX_TEXT = 64 << 20  # a decompressed text chunk larger than this is hostile


def _chunks(data: bytes, path: Path) -> tuple[list[tuple[bytes, int, int]], int]:
    """Return (type, start, end) of every chunk through IEND, and the offset after IEND."""
    pos, out = 8, []
    while True:
        if pos + 12 > len(data):
            raise bad(path, f"PNG chunk at offset {pos} is truncated (no IEND)")
        length = struct.unpack_from(">I", data, pos)[0]
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            raise bad(path, f"PNG {kind!r} chunk at offset {pos} runs past the end")
        out.append((kind, pos, end))
        pos = end
        if kind == b"IEND":
            return out, pos


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _inflate(blob: bytes, path: Path) -> bytes:
    engine = zlib.decompressobj()
    try:
        out = engine.decompress(blob, _MAX_TEXT)
    except zlib.error as error:
        raise bad(path, f"PNG text chunk does not decompress ({error})") from None
    if engine.unconsumed_tail:
        raise bad(path, "PNG text chunk decompresses to an absurd size")
    return out


def _text(kind: bytes, body: bytes, path: Path) -> tuple[bytes, bytes, bool]:
    """Return (keyword, text, compressed) of a tEXt, zTXt or iTXt chunk."""
    key, sep, rest = body.partition(b"\x00")
    if not sep:
        raise bad(path, f"PNG {kind.decode()} chunk has no keyword terminator")
    if kind == b"tEXt":
        return key, rest, False
    if kind == b"zTXt":
        return key, _inflate(rest[1:], path), True
    if len(rest) < 2:
        raise bad(path, "PNG iTXt chunk is truncated")
    flag, tail = rest[0], rest[2:]
    parts = tail.split(b"\x00", 2)
    if len(parts) < 3:
        raise bad(path, "PNG iTXt chunk is truncated")
    return key, _inflate(parts[2], path) if flag else parts[2], bool(flag)


def _raw_profile(text: bytes, path: Path) -> bytes:
    """Decode ImageMagick's "Raw profile type X" text: name, length, then hex lines."""
    lines = text.strip().split(b"\n", 2)
    if len(lines) < 3:
        raise bad(path, "PNG raw profile is truncated")
    try:
        return binascii.unhexlify(re.sub(rb"\s+", b"", lines[2]))
    except (binascii.Error, ValueError) as error:
        raise bad(path, f"PNG raw profile is not hex ({error})") from None


def _profile_findings(profile: bytes, where: str, path: Path) -> Findings:
    """Read an ImageMagick raw profile by its content (writers disagree on what each holds)."""
    for prefix in (b"Exif\x00\x00", XMP_SIG, PHOTOSHOP):
        if profile.startswith(prefix):
            profile = profile[len(prefix) :]
    if profile[:4] in (b"II*\x00", b"MM\x00*"):
        return exif_findings(profile, path, where + " EXIF")
    if profile[:4] == b"8BIM":
        return irb_findings(profile, path, where + " ")
    if profile[:1] == b"\x1c":
        return iptc_findings(profile, path, where + " ")
    if b"<x:xmpmeta" in profile or b"<rdf:RDF" in profile:
        return xmp_findings(profile, path, where)
    return []


def _text_findings(kind: bytes, body: bytes, path: Path) -> Findings:
    key, text, _ = _text(kind, body, path)
    name = key.decode("latin-1")
    if key == XMP_KEY:
        return xmp_findings(text, path)
    if key.lower().startswith(b"raw profile type "):
        profile, what = _raw_profile(text, path), key[17:].decode("latin-1").lower()
        return _profile_findings(profile, f"PNG raw profile {what}", path)
    if _LOCATION_KEY.fullmatch(key):
        return [LocationFinding(f"PNG text {name}", short(text.decode("utf-8", "replace")))]
    return []


def _rewrite_xmp(body: bytes, path: Path) -> bytes:
    _, text, compressed = _text(b"iTXt", body, path)
    head = body[: body.index(b"\x00") + 3]  # keyword, flag, method
    lang, tkey, _ = body[len(head) :].split(b"\x00", 2)
    new = strip_xmp(text, path)
    return head + lang + b"\x00" + tkey + b"\x00" + (zlib.compress(new) if compressed else new)


def strip_png(data: bytes, path: Path, everything: bool) -> tuple[Findings, bytes]:
    """Return a PNG's location findings and its copy without them (CRCs recomputed)."""
    chunks, end = _chunks(data, path)
    findings: Findings = []
    out = bytearray(data[:8])
    for kind, start, stop in chunks:
        body, raw = data[start + 8 : stop - 4], data[start:stop]
        if kind == b"eXIf":
            found, new = clean_exif(body, path)
            findings += found
            if everything:
                orientation = Tiff(body, path).orientation()
                raw = b"" if orientation is None else _chunk(kind, minimal_exif(orientation))
            elif new != body:
                raw = _chunk(kind, new)
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            found = _text_findings(kind, body, path)
            findings += found
            if everything:
                raw = b""
            elif found and kind == b"iTXt" and body.startswith(XMP_KEY + b"\x00"):
                raw = _chunk(kind, _rewrite_xmp(body, path))
            elif found:
                raw = b""
        elif everything and kind not in _PIXEL_CHUNKS:
            raw = b""
        out += raw
    if data[end:].strip(b"\x00"):
        findings.append(LocationFinding("trailer after IEND", f"{len(data) - end} bytes"))
    return findings, bytes(out)

"""JPEG: location in APP segments, the EXIF thumbnail, MPF secondary images and trailers."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .exif import Tiff, exif_findings, minimal_exif, strip_exif, thumbnail_span
from .findings import Findings, LocationFinding, bad
from .geotiff import geotiff_findings, strip_geotiff
from .iptc import PHOTOSHOP, irb_findings, strip_irb
from .trailer import MAX_EMBEDDED, after_eoi
from .xmp import EXT_SIG, strip_extended, strip_xmp, xmp_findings

XMP_SIG = b"http://ns.adobe.com/xap/1.0/\x00"
ICC_SIG = b"ICC_PROFILE\x00"
MPF_SIG = b"MPF\x00"
SOS, EOI, COM, APP0, APP1, APP2, APP6 = 0xDA, 0xD9, 0xFE, 0xE0, 0xE1, 0xE2, 0xE6
APP13, APP14 = 0xED, 0xEE
GPMF_GPS = re.compile(rb"GPS[59U]")  # GoPro metadata keys of GPS samples
# a marker inside image data: 0xFF not followed by stuffing, a restart marker, TEM or fill
_MARKER = re.compile(rb"\xff[^\x00\x01\xd0-\xd7\xff]")
_STANDALONE = {0x01, *range(0xD0, 0xD8)}


@dataclass(frozen=True)
class Segment:
    """One marker segment: `start` is its 0xFF byte, `end` one past its payload."""

    marker: int
    start: int
    end: int

    def payload(self, data: bytes) -> bytes:
        """Return the bytes after the marker and length."""
        return data[self.start + 4 : self.end]


@dataclass(frozen=True)
class Layout:
    """Where the parts of one JPEG image lie."""

    segments: list[Segment]  # every segment between SOI and the first SOS
    image: tuple[int, int]  # first SOS up to and including EOI (kept byte for byte)


def parse(data: bytes, path: Path, start: int = 0, end: int | None = None) -> Layout:
    """Split one JPEG image into header segments and its untouched image data."""
    end = len(data) if end is None else end
    if data[start : start + 2] != b"\xff\xd8":
        raise bad(path, f"no JPEG start marker at offset {start}")
    pos, segments = start + 2, list[Segment]()
    while True:
        if pos + 2 > end or data[pos] != 0xFF:
            raise bad(path, f"JPEG header is truncated or corrupt at offset {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker == EOI:
            raise bad(path, "JPEG ends before any image data")
        if pos + 4 > end:
            raise bad(path, f"JPEG segment at offset {pos} is truncated")
        length = struct.unpack_from(">H", data, pos + 2)[0]
        if length < 2 or pos + 2 + length > end:
            raise bad(path, f"JPEG segment at offset {pos} claims {length} bytes past the end")
        if marker == SOS:
            return Layout(segments, (pos, _find_eoi(data, pos + 2 + length, end)))
        segments.append(Segment(marker, pos, pos + 2 + length))
        pos += 2 + length


def _find_eoi(data: bytes, pos: int, end: int) -> int:
    """Return the offset one past EOI (or `end` when the image data is truncated)."""
    while True:
        found = _MARKER.search(data, pos, end)
        if found is None:
            return end
        pos = found.start()
        if data[pos + 1] == EOI:
            return pos + 2
        if pos + 4 > end:
            return end
        pos += 2 + struct.unpack_from(">H", data, pos + 2)[0]


def _kind(data: bytes, seg: Segment) -> str:
    body = data[seg.start + 4 : seg.start + 40]
    if seg.marker == APP1 and body[:4] == b"Exif":
        return "exif"
    if seg.marker == APP1 and body.startswith(XMP_SIG):
        return "xmp"
    if seg.marker == APP1 and body.startswith(EXT_SIG):
        return "extxmp"
    if seg.marker == APP13 and body.startswith(PHOTOSHOP):
        return "irb"
    if seg.marker == APP2 and body.startswith(ICC_SIG):
        return "icc"
    if seg.marker == APP2 and body.startswith(MPF_SIG):
        return "mpf"
    if seg.marker == APP6 and body.startswith(b"GoPro"):
        return "gpmf"
    if seg.marker in (APP0, APP14) or (not 0xE0 <= seg.marker <= 0xEF and seg.marker != COM):
        return "keep"
    return "other"


def _wrap(marker: int, payload: bytes, path: Path) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise bad(path, "rewritten JPEG segment would be too large")
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


class JpegStripper:
    """Walk one JPEG file, collecting findings and building its location-free copy."""

    def __init__(
        self, data: bytes, path: Path, everything: bool, label: str = "", depth: int = 0
    ) -> None:
        self.data, self.path, self.everything = data, path, everything
        self.label, self.depth = label, depth  # set for an image embedded after another's EOI
        self.findings: Findings = []

    def run(self) -> bytes:
        """Return the stripped file (findings are left in `self.findings`)."""
        layout = parse(self.data, self.path)
        mpf = next((s for s in layout.segments if _kind(self.data, s) == "mpf"), None)
        images, primaries = self._mpf_images(mpf, layout.image[1]) if mpf else ([], [])
        primary, mpf_pos = self._image(layout, self.label)
        out = bytearray(primary)
        # MPF offsets count from the MPF TIFF header; rewrite every entry for the new layout
        base = (mpf_pos or 0) + 8
        order = "<" if mpf is not None and self.data[mpf.start + 8] == 0x49 else ">"
        pos = layout.image[1]
        for index, (start, end, at) in sorted(enumerate(images), key=lambda item: item[1][0]):
            out += self._after_eoi(pos, max(pos, start))
            label = f"{self.label}MPF image {index + 2} "
            sub = JpegStripper(self.data, self.path, self.everything)
            sub_layout = parse(self.data, self.path, start, end)
            body, _ = sub._image(sub_layout, label)
            self.findings += sub.findings
            if self.data[sub_layout.image[1] : end].strip(b"\x00\xff"):
                self.findings.append(LocationFinding(label + "trailer", "unknown data"))
            if mpf_pos is not None:
                struct.pack_into(order + "II", out, base + at + 4, len(body), len(out) - base)
            out += body
            pos = max(pos, end)
        out += self._after_eoi(pos, len(self.data))
        if mpf_pos is not None:
            for at in primaries:
                struct.pack_into(order + "I", out, base + at + 4, len(primary))
        return bytes(out)

    def _mpf_images(self, mpf: Segment, eoi: int) -> tuple[list[tuple[int, int, int]], list[int]]:
        """Return (start, end, entry offset) of each secondary image, and the primary's entries."""
        tiff = Tiff(self.data[mpf.start + 8 : mpf.end], self.path)
        entry = tiff.find(0xB002)
        raw = tiff.value(entry) if entry else None
        if entry is None or raw is None or entry.count % 16:
            raise bad(self.path, "MPF segment has no readable image list")
        images, primaries = [], []
        base = mpf.start + 8
        for k in range(entry.count // 16):
            at = entry.value_pos + 16 * k
            size, offset = tiff.u32(at + 4), tiff.u32(at + 8)
            if offset == 0:
                primaries.append(at)
                continue
            start = base + offset
            if (
                size < 4
                or start < eoi
                or start + size > len(self.data)
                or self.data[start : start + 2] != b"\xff\xd8"
            ):
                raise bad(self.path, f"MPF image {k + 1} lies outside the file")
            images.append((start, start + size, at))
        return images, primaries

    def _after_eoi(self, start: int, end: int) -> bytes:
        """Return what to keep of data after EOI that no MPF entry accounts for."""
        deeper = self._embedded if self.depth < MAX_EMBEDDED else None
        found, kept = after_eoi(
            self.data[start:end], self.path, self.everything, self.label, deeper
        )
        self.findings += found
        return kept

    def _embedded(self, data: bytes, label: str) -> tuple[Findings, bytes]:
        sub = JpegStripper(data, self.path, self.everything, label, self.depth + 1)
        cleaned = sub.run()
        return sub.findings, cleaned

    def _image(self, layout: Layout, prefix: str) -> tuple[bytes, int | None]:
        """Rebuild one image's header; return its bytes and where its MPF segment went."""
        data, out, mpf_pos = self.data, bytearray(b"\xff\xd8"), None
        kinds = [(seg, _kind(data, seg)) for seg in layout.segments]
        payloads = [s.payload(data) for s, k in kinds if k == "extxmp"]
        found, new_ext, renamed = strip_extended(payloads, self.path, prefix, self.everything)
        self.findings += found
        ext = [_wrap(APP1, payload, self.path) for payload in new_ext]
        handlers: dict[str, Callable[[Segment, str], bytes | None]] = {
            "exif": self._exif,
            "xmp": self._xmp,
            "irb": self._irb,
        }
        for seg, kind in kinds:
            raw = data[seg.start : seg.end]
            if kind == "mpf":
                mpf_pos = len(out)
            if kind in handlers:
                payload = handlers[kind](seg, prefix)
                if payload is not None and kind == "xmp":
                    for old, new in renamed.items():
                        payload = payload.replace(old, new)
                raw = b"" if payload is None else _wrap(seg.marker, payload, self.path)
            elif kind == "gpmf" and GPMF_GPS.search(raw):
                self.findings.append(LocationFinding(prefix + "GoPro GPMF", "GPS track"))
                raw = b""
            elif kind == "extxmp":
                raw = ext.pop(0) if ext else b""
            elif kind in ("other", "gpmf") and self.everything:
                raw = b""
            out += raw
        out += data[layout.image[0] : layout.image[1]]
        return bytes(out), mpf_pos

    def _exif(self, seg: Segment, prefix: str) -> bytes | None:
        payload = seg.payload(self.data)
        head, block = payload[:6], payload[6:]
        if len(block) < 8:  # an empty EXIF segment (some editors write one) holds nothing
            return None if self.everything else payload
        if self.everything:
            self.findings += exif_findings(block, self.path, prefix + "EXIF")
            orientation = Tiff(block, self.path).orientation()
            return None if orientation is None else head + minimal_exif(orientation)
        found, cleaned = clean_exif(block, self.path, prefix + "EXIF")
        self.findings += found
        return head + cleaned

    def _xmp(self, seg: Segment, prefix: str) -> bytes | None:
        packet = seg.payload(self.data)[len(XMP_SIG) :]
        self.findings += xmp_findings(packet, self.path, prefix + "XMP")
        return None if self.everything else XMP_SIG + strip_xmp(packet, self.path)

    def _irb(self, seg: Segment, prefix: str) -> bytes | None:
        body = seg.payload(self.data)[len(PHOTOSHOP) :]
        self.findings += irb_findings(body, self.path, prefix)
        return None if self.everything else PHOTOSHOP + strip_irb(body, self.path)


def clean_exif(block: bytes, path: Path, where: str = "EXIF") -> tuple[Findings, bytes]:
    """Return an EXIF block's location findings and its clean copy, of the same length.

    GeoTIFF tie points count, and so does the embedded JPEG thumbnail: a camera or editor
    may have given it its own EXIF GPS, XMP or IPTC.
    """
    findings = exif_findings(block, path, where) + geotiff_findings(block, path, where)
    patched = bytearray(strip_geotiff(strip_exif(block, path), path))
    span = thumbnail_span(Tiff(bytes(patched), path))
    if span is not None and patched[span[0] : span[0] + 2] == b"\xff\xd8":
        found, thumb = _neuter(bytes(patched[span[0] : span[1]]), path, where + " thumbnail ")
        findings += found
        patched[span[0] : span[1]] = thumb
    return findings, bytes(patched)


def _neuter(thumb: bytes, path: Path, label: str) -> tuple[Findings, bytes]:
    """Blank the location-bearing segments of an embedded thumbnail, keeping its length."""
    try:
        layout = parse(thumb, path)
    except Exception:  # a broken thumbnail is not ours to judge; exiftool treats it as data
        return [], thumb
    sub = JpegStripper(thumb, path, False)
    out = bytearray(thumb)
    for seg in layout.segments:
        before = len(sub.findings)
        handler = {"exif": sub._exif, "xmp": sub._xmp, "irb": sub._irb}.get(_kind(thumb, seg))
        if handler is not None:
            handler(seg, label)
        if len(sub.findings) > before:
            blank = bytes(seg.end - seg.start - 4)
            out[seg.start : seg.end] = b"\xff\xfe" + thumb[seg.start + 2 : seg.start + 4] + blank
    return sub.findings, bytes(out)


def strip_jpeg(data: bytes, path: Path, everything: bool) -> tuple[Findings, bytes]:
    """Return a JPEG's location findings and its copy without them."""
    stripper = JpegStripper(data, path, everything)
    out = stripper.run()
    return stripper.findings, out

"""What a photo says about itself: capture date, caption, alt text, camera settings.

Captions come from a sidecar (`photo.jpg.md` / `photo.jpg.txt`: `sidecars`, or the album's
index.yml), else the XMP/IPTC description and headline. What the photo itself says
(`Embedded`) is read once and remembered between builds; sidecars are read on every build.
Alt text from the sidecar or IPTC "Alt Text (Accessibility)", else the caption, else a
sentence from album and date: never a file name. Location fields are never read here, so
they cannot reach a page.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from PIL import Image, ImageFile, IptcImagePlugin

from .sidecars import Caption, read_sidecar

EXIF_IFD = 0x8769
TAG_MAKE, TAG_MODEL = 0x010F, 0x0110
TAG_EXPOSURE, TAG_FNUMBER, TAG_ISO = 0x829A, 0x829D, 0x8827
TAG_ORIGINAL, TAG_OFFSET_ORIGINAL, TAG_FOCAL, TAG_LENS = 0x9003, 0x9011, 0x920A, 0xA434
IPTC_CAPTION, IPTC_HEADLINE = (2, 120), (2, 105)
NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}


@dataclass(frozen=True)
class Embedded:
    """What a photo's own metadata says (no sidecar): remembered between builds, so JSON-able."""

    taken: datetime | None
    caption: str  # XMP description, IPTC caption, XMP/IPTC headline: the first found
    alt: str  # IPTC Alt Text (Accessibility), or ""
    camera: tuple[tuple[str, str], ...]  # (label, value) for the EXIF panel

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-able form of these facts (for the state file)."""
        taken = self.taken.isoformat() if self.taken else None
        return {"taken": taken, "caption": self.caption, "alt": self.alt, "camera": self.camera}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Embedded:
        """Rebuild the facts `to_json` wrote; KeyError/ValueError/TypeError when damaged."""
        taken = datetime.fromisoformat(raw["taken"]) if raw["taken"] else None
        camera = tuple((str(k), str(v)) for k, v in raw["camera"])
        return cls(taken, str(raw["caption"]), str(raw["alt"]), camera)


@dataclass(frozen=True)
class PhotoMeta:
    """The text and facts a page may show about one photo."""

    taken: datetime | None
    caption: Caption
    alt: str  # the author's alt text, or "" (the page builds one)
    camera: tuple[tuple[str, str], ...]  # (label, value) for the EXIF panel


def read_embedded(data: bytes) -> Embedded:
    """Read a photo's capture date, caption, alt text and camera settings from its metadata."""
    with Image.open(io.BytesIO(data)) as im:
        exif = im.getexif()
        xmp = _xmp_fields(im.info.get("xmp") or im.info.get("XML:com.adobe.xmp") or b"")
        iptc = _iptc_fields(im)
    detail = exif.get_ifd(EXIF_IFD)
    caption = xmp.get("description") or iptc.get("caption")
    caption = caption or xmp.get("headline") or iptc.get("headline") or ""
    alt = xmp.get("alt") or ""
    return Embedded(_taken(detail), _clean(caption), _clean(alt), _camera(exif, detail))


def compose_meta(
    embedded: Embedded,
    path: Path,
    album_captions: dict[str, Any],
    default: tuple[str, str] = ("", ""),
) -> PhotoMeta:
    """Join a photo's sidecar (or index.yml entry), its own metadata and a default caption/alt.

    The sidecar wins over the photo's metadata, which wins over `default` (caption, alt): the
    alt text of the post that shows the photo, for a gallery made from a post.
    """
    side = read_sidecar(path) or _album_entry(album_captions.get(path.name))
    caption = side.get("caption")
    if not isinstance(caption, Caption):
        caption = Caption.plain(embedded.caption or default[0])
    alt = side.get("alt") or embedded.alt or default[1]
    return PhotoMeta(embedded.taken, caption, _clean(str(alt)), embedded.camera)


def read_meta(data: bytes, path: Path, album_captions: dict[str, Any]) -> PhotoMeta:
    """Read a photo's date, caption and alt text from its sidecars and embedded metadata."""
    return compose_meta(read_embedded(data), path, album_captions)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _album_entry(entry: Any) -> dict[str, Caption | str]:
    if isinstance(entry, str):
        return {"caption": Caption.plain(entry)}
    if isinstance(entry, dict):
        found: dict[str, Caption | str] = {}
        if entry.get("caption"):
            found["caption"] = Caption.plain(str(entry["caption"]))
        if entry.get("alt"):
            found["alt"] = str(entry["alt"])
        return found
    return {}


def _xmp_fields(packet: bytes | str) -> dict[str, str]:
    """Pick description, headline and accessibility alt text out of an XMP packet."""
    raw = packet.encode() if isinstance(packet, str) else packet
    start, end = raw.find(b"<x:xmpmeta"), raw.rfind(b"</x:xmpmeta>")
    if start < 0 or end < 0:
        return {}
    try:
        root = ET.fromstring(raw[start : end + len(b"</x:xmpmeta>")])
    except ET.ParseError:
        return {}
    out: dict[str, str] = {}
    for key, tag in (
        ("description", "dc:description"),
        ("headline", "photoshop:Headline"),
        ("alt", "Iptc4xmpCore:AltTextAccessibility"),
    ):
        value = _xmp_value(root, tag)
        if value:
            out[key] = value
    return out


def _xmp_value(root: ET.Element, tag: str) -> str:
    prefix, name = tag.split(":")
    qname = f"{{{NS[prefix]}}}{name}"
    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        if qname in desc.attrib:
            return desc.attrib[qname]
        element = desc.find(qname)
        if element is not None:
            # a language alternative (rdf:Alt of rdf:li), or plain text
            items = [li.text or "" for li in element.iter(f"{{{NS['rdf']}}}li")]
            return (items[0] if items else element.text or "").strip()
    return ""


def _iptc_fields(im: Image.Image) -> dict[str, str]:
    if not isinstance(im, ImageFile.ImageFile):
        return {}
    try:
        info = IptcImagePlugin.getiptcinfo(im) or {}
    except Exception:  # a damaged IPTC block only costs the caption
        return {}
    out = {}
    for key, tag in (("caption", IPTC_CAPTION), ("headline", IPTC_HEADLINE)):
        value = info.get(tag)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, bytes):
            out[key] = value.decode("utf-8", errors="replace")
    return out


def _taken(detail: dict[int, Any]) -> datetime | None:
    """Return DateTimeOriginal with its offset (OffsetTimeOriginal), None when absent."""
    # not DateTime (0x0132): editors rewrite it on every save, it is no capture date
    text = detail.get(TAG_ORIGINAL)
    if not isinstance(text, str):
        return None
    try:
        when = datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = detail.get(TAG_OFFSET_ORIGINAL)
    match = re.fullmatch(r"([+-])(\d\d):(\d\d)", str(offset or "").strip("\x00 "))
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        return when.replace(tzinfo=timezone(sign * delta))
    return when.replace(tzinfo=UTC)  # no offset: compare as if UTC


def _camera(exif: Image.Exif, detail: dict[int, Any]) -> tuple[tuple[str, str], ...]:
    make, model = str(exif.get(TAG_MAKE) or "").strip(), str(exif.get(TAG_MODEL) or "").strip()
    camera = model if model.startswith(make) else f"{make} {model}".strip()
    rows = [
        ("Camera", camera),
        ("Lens", str(detail.get(TAG_LENS) or "").strip()),
        ("Focal length", _number(detail.get(TAG_FOCAL), "{:g} mm")),
        ("Aperture", _number(detail.get(TAG_FNUMBER), "f/{:g}")),
        ("Shutter", _shutter(detail.get(TAG_EXPOSURE))),
        ("ISO", str(detail.get(TAG_ISO) or "")),
    ]
    return tuple((label, value.strip("\x00 ")) for label, value in rows if value)


def _number(value: Any, shape: str) -> str:
    try:
        return shape.format(round(float(value), 1)) if value else ""
    except (TypeError, ValueError, ZeroDivisionError):
        return ""


def _shutter(value: Any) -> str:
    try:
        seconds = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return ""
    if seconds <= 0:
        return ""
    return f"1/{round(1 / seconds)} s" if seconds < 1 else f"{seconds:g} s"


def fallback_alt(album_title: str, taken: datetime | None) -> str:
    """Build an alt text from what is known when the author gave none (never a file name)."""
    if taken:
        return f"Photo from {album_title}, taken {taken.strftime('%-d %B %Y')}"
    return f"Photo from {album_title}"

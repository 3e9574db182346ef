"""Find and remove location properties in an XMP packet, keeping every other byte."""

from __future__ import annotations

import hashlib
import re
import struct
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

from .findings import Findings, LocationFinding, bad, short

# namespace URI -> pattern of the local names that hold location
LOCATION_PROPERTIES: dict[str, str] = {
    "http://ns.adobe.com/exif/1.0/": r"GPS[A-Za-z0-9_]*",
    "http://ns.adobe.com/photoshop/1.0/": r"City|State|Country",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": r"Location|CountryCode",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": r"LocationShown|LocationCreated|RatingRegion",
    "http://www.dji.com/drone-dji/1.0/": (
        r"Gps[A-Za-z0-9_]*|Latitude|Longitude|AbsoluteAltitude|RelativeAltitude"
        r"|Flight[A-Za-z]*|Gimbal[A-Za-z]*|Rtk[A-Za-z]*|CamReverse"
    ),
    "http://ns.google.com/photos/1.0/camera/": r"Gps[A-Za-z0-9_]*",
    "http://ns.adobe.com/xmp/1.0/DynamicMedia/": r"shotLocation",
    # Google depth/AR photos: the device's position on Earth and its pose
    "http://ns.google.com/photos/dd/1.0/device/": r"EarthPos|Pose",
    "http://ns.google.com/photos/dd/1.0/camera/": r"Pose",
    "http://ns.google.com/photos/dd/1.0/plane/": r"Pose",
    "http://developer.sonyericsson.com/cell/1.0/": r"[A-Za-z]+",  # the cell tower seen
    "http://rs.tdwg.org/dwc/index.htm": r"dctermsLocation",  # Darwin Core, naturalists' photos
    "http://ns.iview-multimedia.com/mediapro/1.0/": r"Location",
    "http://ns.camerabits.com/photomechanic/1.0/": r"CountryCode",
}
_PREFIXES = {
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://www.dji.com/drone-dji/1.0/": "drone-dji",
    "http://ns.google.com/photos/1.0/camera/": "GCamera",
    "http://ns.adobe.com/xmp/1.0/DynamicMedia/": "xmpDM",
    "http://ns.google.com/photos/dd/1.0/device/": "Device",
    "http://ns.google.com/photos/dd/1.0/camera/": "Camera",
    "http://ns.google.com/photos/dd/1.0/plane/": "Plane",
    "http://developer.sonyericsson.com/cell/1.0/": "cell",
    "http://rs.tdwg.org/dwc/index.htm": "dwc",
    "http://ns.iview-multimedia.com/mediapro/1.0/": "mediapro",
    "http://ns.camerabits.com/photomechanic/1.0/": "photomechanic",
}
EXT_SIG = b"http://ns.adobe.com/xmp/extension/\x00"  # JPEG ExtendedXMP chunks start so
# words that reveal location in a packet we could not parse
_LOOSE = re.compile(rb"GPS|Gps|City|State|Country|Location", re.ASCII)


def _parse(packet: bytes) -> tuple[ET.Element, list[tuple[str, str]]]:
    """Parse a packet, returning its root and every (prefix, uri) it declares."""
    body = packet.rstrip(b"\x00 \t\r\n")
    namespaces: list[tuple[str, str]] = []
    root: ET.Element | None = None
    for event, item in ET.iterparse(BytesIO(body), events=("start-ns", "start")):
        if event == "start-ns":
            namespaces.append(item)
        elif root is None:
            root = item
    if root is None:
        raise ET.ParseError("empty packet")
    return root, namespaces


def _split(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        uri, _, local = name[1:].partition("}")
        return uri, local
    return "", name


def _is_location(name: str) -> bool:
    uri, local = _split(name)
    pattern = LOCATION_PROPERTIES.get(uri)
    return pattern is not None and re.fullmatch(pattern, local) is not None


def _label(name: str) -> str:
    uri, local = _split(name)
    return f"{_PREFIXES.get(uri, uri)}:{local}"


def _walk(root: ET.Element) -> Findings:
    found: Findings = []
    for element in root.iter():
        for attr, value in element.attrib.items():
            if _is_location(attr):
                found.append(LocationFinding("", f"{_label(attr)}={short(value)}"))
        if _is_location(element.tag):
            text = " ".join(t.strip() for t in element.itertext() if t.strip())
            found.append(LocationFinding("", f"{_label(element.tag)}={short(text)}"))
    return found


def xmp_findings(packet: bytes, path: Path, where: str = "XMP") -> Findings:
    """List the location properties of an XMP packet (`where` prefixes each finding)."""
    try:
        root, _ = _parse(packet)
    except ET.ParseError as error:
        if _LOOSE.search(packet):
            raise bad(path, f"{where} packet is not well-formed XML: {error}") from None
        return []
    out: Findings = []
    for finding in _walk(root):
        name, _, value = finding.detail.partition("=")
        out.append(LocationFinding(f"{where} {name}", value))
    return out


def strip_xmp(packet: bytes, path: Path, *, pad: bool = False) -> bytes:
    """Return the packet without location properties (same length when `pad`)."""
    try:
        root, namespaces = _parse(packet)
    except ET.ParseError as error:
        if _LOOSE.search(packet):
            raise bad(path, f"XMP packet is not well-formed XML: {error}") from None
        return packet
    if not _walk(root):
        return packet
    text = packet
    for prefix, uri in set(namespaces):
        local = LOCATION_PROPERTIES.get(uri)
        if local is None or not prefix:
            continue
        name = re.escape(prefix.encode()) + rb":(?:" + local.encode() + rb")"
        # each match starts where a run of blanks starts (the lookbehind), never inside one:
        # retrying from every blank of a packet's padding would make this quadratic
        element = (
            rb"(?<![ \t])[ \t]*(?:\r?\n)?[ \t]*<(" + name + rb")(?=[\s/>])[^>]*?(?:/>|>.*?</\1\s*>)"
        )
        text = re.sub(element, b"", text, flags=re.DOTALL)
        attribute = rb"(?<!\s)\s+" + name + rb"\s*=\s*(?:\"[^\"]*\"|'[^']*')"
        text = re.sub(attribute, b"", text)
    try:
        left = _walk(_parse(text)[0])
    except ET.ParseError as error:
        raise bad(path, f"XMP rewrite failed: {error}") from None
    if left:
        raise bad(path, f"XMP property {left[0].detail.partition('=')[0]} could not be removed")
    if pad and len(text) < len(packet):
        spaces = b" " * (len(packet) - len(text))
        end = text.rfind(b"<?xpacket end")
        text = text[:end] + spaces + text[end:] if end >= 0 else text + spaces
    return text


def strip_extended(
    payloads: list[bytes], path: Path, prefix: str, everything: bool
) -> tuple[Findings, list[bytes], dict[bytes, bytes]]:
    """Clean JPEG ExtendedXMP chunks: findings, new chunk payloads, and GUID renames.

    Each packet keeps its length (padded), so chunk offsets stay; its GUID is the MD5 of the
    packet, so a changed packet gets a new GUID that the main packet must point to.
    """
    packets: dict[bytes, bytearray] = {}
    for payload in payloads:
        body = payload[len(EXT_SIG) :]
        if len(body) < 40:
            raise bad(path, "ExtendedXMP segment is truncated")
        guid, total, offset = body[:32], *struct.unpack_from(">II", body, 32)
        packet = packets.setdefault(guid, bytearray(total))
        if offset + len(body) - 40 > len(packet):
            raise bad(path, "ExtendedXMP chunk lies outside its packet")
        packet[offset : offset + len(body) - 40] = body[40:]
    findings: Findings = []
    renamed: dict[bytes, bytes] = {}
    new_packets: dict[bytes, bytes] = {}
    for guid, packet in packets.items():
        findings += xmp_findings(bytes(packet), path, prefix + "ExtendedXMP")
        new = strip_xmp(bytes(packet), path, pad=True)
        renamed[guid] = guid if new == packet else hashlib.md5(new).hexdigest().upper().encode()
        new_packets[guid] = new
    if everything:
        return findings, [], {}
    out = []
    for payload in payloads:
        body = payload[len(EXT_SIG) :]
        guid, offset = body[:32], struct.unpack_from(">I", body, 36)[0]
        chunk = new_packets[guid][offset : offset + len(body) - 40]
        out.append(EXT_SIG + renamed[guid] + body[32:40] + chunk)
    return findings, out, {g: n for g, n in renamed.items() if g != n}

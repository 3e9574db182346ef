"""JPEG location reading and stripping, checked against exiftool and Pillow."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from assets_tool.privacy.dispatch import read_location, strip_file, strip_location

from .fixtures import (
    GPS,
    XMP_FULL,
    app13,
    exiftool,
    exiftool_location,
    extended_xmp_segments,
    insert_segments,
    jpeg,
    mpf_jpeg,
    samsung_trailer,
    scan_bytes,
    xmp_segment,
)

KEPT = ("-Orientation", "-ICC_Profile:ProfileDescription", "-Make", "-Model", "-DateTimeOriginal")


def _write(tmp_path: Path, data: bytes, name: str = "a.jpg") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _assert_kept(path: Path) -> None:
    out = exiftool(path, *KEPT)
    for expected in ("Rotate 90 CW", "sRGB", "Apple", "iPhone 15 Pro", "2025:01:06 18:40:00"):
        assert expected in out


def _pixels(data: bytes, frame: int = 0) -> bytes:
    img = Image.open(io.BytesIO(data))
    img.seek(frame)
    return img.convert("RGB").tobytes()


def test_exif_gps_is_read_with_coordinates() -> None:
    report = read_location(jpeg(), Path("a.jpg"))
    assert [f.where for f in report.findings] == ["EXIF GPS"]
    assert report.coordinates == pytest.approx(GPS, abs=1e-4)


def test_exif_gps_is_stripped_in_place_keeping_the_rest(tmp_path: Path) -> None:
    data = jpeg()
    assert exiftool_location(_write(tmp_path, data, "before.jpg"))
    out = strip_location(data, Path("a.jpg"))
    assert len(out) == len(data)  # a length-preserving patch
    path = _write(tmp_path, out)
    assert exiftool_location(path) == ""
    _assert_kept(path)
    assert scan_bytes(out) == scan_bytes(data)
    assert _pixels(out) == _pixels(data)
    assert read_location(out, path).findings == ()


def test_clean_file_is_returned_as_the_same_object_and_not_rewritten(tmp_path: Path) -> None:
    data = jpeg(gps=None)
    assert strip_location(data, Path("a.jpg")) is data
    path = _write(tmp_path, data)
    os.utime(path, (1_000_000, 1_000_000))
    assert strip_file(path) is False
    assert path.stat().st_mtime == 1_000_000
    assert path.read_bytes() == data


def test_strip_file_is_atomic_and_keeps_mode(tmp_path: Path) -> None:
    path = _write(tmp_path, jpeg())
    path.chmod(0o640)
    assert strip_file(path) is True
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jpg"]
    assert exiftool_location(path) == ""


def test_xmp_location_is_removed_in_element_and_attribute_forms(tmp_path: Path) -> None:
    data = insert_segments(jpeg(gps=None), xmp_segment())
    wheres = {f.where for f in read_location(data, Path("a.jpg")).findings}
    assert {
        "XMP exif:GPSLatitude",
        "XMP exif:GPSLongitude",
        "XMP photoshop:City",
        "XMP photoshop:State",
        "XMP photoshop:Country",
        "XMP Iptc4xmpCore:Location",
        "XMP Iptc4xmpExt:LocationShown",
        "XMP Iptc4xmpExt:LocationCreated",
    } <= wheres
    out = strip_location(data, Path("a.jpg"))
    path = _write(tmp_path, out)
    assert exiftool_location(path) == ""
    listing = exiftool(path, "-XMP:all")
    assert "A night out" in listing and "image/jpeg" in listing
    assert scan_bytes(out) == scan_bytes(data)


def test_iptc_location_datasets_are_removed(tmp_path: Path) -> None:
    data = insert_segments(jpeg(gps=None), app13())
    found = {f.where: f.detail for f in read_location(data, Path("a.jpg")).findings}
    assert found["IPTC City"] == "Las Vegas"
    assert len(found) == 7
    path = _write(tmp_path, strip_location(data, Path("a.jpg")))
    assert exiftool_location(path) == ""
    listing = exiftool(path, "-IPTC:all")
    assert "Title stays" in listing and "(c) Someone" in listing


def test_extended_xmp_is_cleaned_and_guid_updated(tmp_path: Path) -> None:
    import hashlib

    ext = XMP_FULL.replace(b"A night out", b"x" * 600)
    guid = hashlib.md5(ext).hexdigest().upper().encode()
    main = XMP_FULL.replace(
        b'dc:format="image/jpeg"',
        b'dc:format="image/jpeg" xmlns:xmpNote="http://ns.adobe.com/xmp/note/" '
        b'xmpNote:HasExtendedXMP="' + guid + b'"',
    )
    data = insert_segments(jpeg(gps=None), xmp_segment(main), *extended_xmp_segments(ext, guid))
    assert any(f.where.startswith("ExtendedXMP") for f in read_location(data, Path("a")).findings)
    out = strip_location(data, Path("a.jpg"))
    assert guid not in out
    path = _write(tmp_path, out)
    assert exiftool_location(path) == ""
    assert "x" * 600 in exiftool(path, "-XMP:all")


def test_mpf_secondary_image_is_stripped_and_still_decodes(tmp_path: Path) -> None:
    data = mpf_jpeg(insert_segments(jpeg(), xmp_segment()), jpeg(size=(32, 24)))
    wheres = [f.where for f in read_location(data, Path("a.jpg")).findings]
    assert "MPF image 2 EXIF GPS" in wheres and "EXIF GPS" in wheres
    out = strip_location(data, Path("a.jpg"))
    path = _write(tmp_path, out, "a.mpo")
    assert exiftool_location(path) == ""
    assert _pixels(out, 1) == _pixels(data, 1)
    assert _pixels(out) == _pixels(data)
    assert "MPImage2" in exiftool(path, "-MPImage2") or Image.open(path).n_frames == 2


def test_samsung_trailer_is_dropped(tmp_path: Path) -> None:
    data = jpeg(gps=None) + samsung_trailer()
    report = read_location(data, Path("a.jpg"))
    assert [f.where for f in report.findings] == ["after EOI: Samsung trailer: MCC_Data"]
    out = strip_location(data, Path("a.jpg"))
    assert out == jpeg(gps=None)


def test_coordinates_fall_back_to_xmp_when_exif_has_none() -> None:
    data = insert_segments(jpeg(gps=None), xmp_segment())
    lat, lon = read_location(data, Path("a.jpg")).coordinates or (0.0, 0.0)
    assert lat == pytest.approx(36.0909, abs=1e-4) and lon == pytest.approx(-115.176, abs=1e-4)
    no_gps = XMP_FULL.replace(b'exif:GPSLatitude="36,5.454N" ', b"")
    only_city = insert_segments(jpeg(gps=None), xmp_segment(no_gps))
    assert read_location(only_city, Path("a.jpg")).coordinates is None


def test_image_kind_sniffs_content_not_names() -> None:
    from assets_tool.privacy.dispatch import image_kind

    def ftyp(major: bytes, *compatible: bytes) -> bytes:
        body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
        return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body

    assert image_kind(jpeg()) == "JPEG"
    assert image_kind(ftyp(b"heic", b"mif1")) == "HEIF"
    assert image_kind(ftyp(b"MiHE", b"MiHB", b"heic")) == "HEIF"  # brand only in the list
    assert image_kind(ftyp(b"avif", b"mif1")) == "AVIF"
    assert image_kind(ftyp(b"isom", b"mp41")) == "QuickTime"  # an MP4 video: location checked
    assert image_kind(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert image_kind(b"") is None

"""JPEG corner cases: GPS in IFD1, thumbnails, Photoshop blocks, MPF layouts, hostile input."""

from __future__ import annotations

import io
import struct
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from assets_tool.errors import MetadataError
from assets_tool.privacy.dispatch import read_location, strip_location

from .fixtures import (
    MAKE,
    ORIENT6,
    XMP_FULL,
    app13,
    bare_jpeg,
    build_tiff,
    exif_segment,
    exiftool,
    exiftool_location,
    gps_entries,
    insert_segments,
    iptc,
    irb,
    jpeg,
    mpf_jpeg,
    samsung_trailer,
    scan_bytes,
    segment,
    xmp_segment,
)

P = Path("a.jpg")


def _write(tmp_path: Path, data: bytes, name: str = "a.jpg") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _thumbnail_exif(thumb: bytes, gps_in_ifd1: bool) -> bytes:
    ifd1 = [(0x0201, 4, 1, "thumb"), (0x0202, 4, 1, struct.pack(">I", len(thumb)))]
    ifds = {"IFD0": [ORIENT6, MAKE], "IFD1": ifd1}
    if gps_in_ifd1:
        ifd1.append((0x8825, 4, 1, "GPS"))
        ifds["GPS"] = gps_entries(1.5, 2.5)
    return build_tiff(ifds, chain=("IFD0", "IFD1"), blobs={"thumb": thumb})


def test_gps_planted_in_ifd1_and_inside_the_thumbnail_is_removed(tmp_path: Path) -> None:
    thumb = jpeg(size=(16, 12))
    block = _thumbnail_exif(thumb, gps_in_ifd1=True)
    data = insert_segments(bare_jpeg(), exif_segment(block))
    wheres = [f.where for f in read_location(data, P).findings]
    assert wheres == ["EXIF GPS (in IFD1)", "EXIF thumbnail EXIF GPS"]
    assert "GPSLatitude" in exiftool_location(_write(tmp_path, data, "before.jpg"))
    out = strip_location(data, P)
    assert len(out) == len(data)
    path = _write(tmp_path, out)
    assert exiftool_location(path) == ""
    assert "Rotate 90 CW" in exiftool(path, "-Orientation")
    extracted = subprocess.run(
        ["exiftool", "-b", "-ThumbnailImage", str(path)], capture_output=True, check=True
    ).stdout
    assert len(extracted) == len(thumb)
    assert exiftool_location(_write(tmp_path, extracted, "thumb.jpg")) == ""
    assert Image.open(io.BytesIO(extracted)).size == (16, 12)


def test_photoshop_block_with_embedded_xmp_and_exif_copies(tmp_path: Path) -> None:
    exif = build_tiff({"IFD0": [ORIENT6, (0x8825, 4, 1, "GPS")], "GPS": gps_entries()})
    resources = [
        (0x0404, iptc([(2, 90, b"Las Vegas"), (2, 5, b"Title")])),
        (0x0425, b"\x00" * 16),
        (0x0422, exif),
        (0x0424, XMP_FULL),
    ]
    data = insert_segments(bare_jpeg(), segment(0xED, b"Photoshop 3.0\x00" + irb(resources)))
    wheres = [f.where for f in read_location(data, P).findings]
    assert "IPTC City" in wheres and "Photoshop EXIF GPS" in wheres
    assert "Photoshop XMP photoshop:City" in wheres
    path = _write(tmp_path, strip_location(data, P))
    assert exiftool_location(path) == ""
    assert "Title" in exiftool(path, "-IPTC:ObjectName")
    assert "Warning" not in exiftool(path, "-warning")  # the IPTC digest was updated


def test_several_exif_segments_are_all_cleaned(tmp_path: Path) -> None:
    second = exif_segment(build_tiff({"IFD0": [(0x8825, 4, 1, "GPS")], "GPS": gps_entries()}))
    data = insert_segments(jpeg(), second)
    assert len(read_location(data, P).findings) == 2
    out = strip_location(data, P)
    assert read_location(out, P).findings == ()
    assert len(out) == len(data)


def test_mpf_with_shrinking_segments_in_both_images_and_a_trailer(tmp_path: Path) -> None:
    primary = insert_segments(jpeg(), xmp_segment(), app13())
    secondary = insert_segments(jpeg(size=(32, 24)), xmp_segment())
    data = mpf_jpeg(primary, secondary, samsung_trailer())
    wheres = [f.where for f in read_location(data, P).findings]
    assert "MPF image 2 XMP photoshop:City" in wheres
    assert "after EOI: Samsung trailer: MCC_Data" in wheres
    out = strip_location(data, P)
    path = _write(tmp_path, out, "a.mpo")
    assert exiftool_location(path) == ""
    assert b"SEFT" not in out
    img = Image.open(path)
    assert img.format == "MPO" and img.n_frames == 2
    img.seek(1)
    assert img.size == (32, 24)
    reference = Image.open(io.BytesIO(secondary))
    assert img.convert("RGB").tobytes() == reference.convert("RGB").tobytes()
    assert scan_bytes(out) == scan_bytes(data)
    # the secondary image's own MPF entry says where it is; exiftool finds it there
    assert "MPImage2" in exiftool(path, "-MPImage2")
    assert "Warning" not in exiftool(path, "-warning")


def test_strip_all_keeps_icc_orientation_and_pixels_only(tmp_path: Path) -> None:
    data = insert_segments(jpeg(), xmp_segment(), app13(), segment(0xFE, b"a comment"))
    out = strip_location(data, P, everything=True)
    path = _write(tmp_path, out)
    listing = exiftool(path, "-all")
    assert "Rotate 90 CW" in listing and "sRGB" in listing
    for gone in ("iPhone", "2025:01:06", "A night out", "Title stays", "a comment"):
        assert gone not in listing
    assert scan_bytes(out) == scan_bytes(data)
    assert strip_location(out, P, everything=True) is out


def _exif_jpeg(block: bytes) -> bytes:
    return insert_segments(bare_jpeg(), exif_segment(block))


HOSTILE = {
    "ifd-loop": build_tiff({"IFD0": [ORIENT6], "IFD1": [MAKE]}, chain=("IFD0", "IFD1", "IFD0")),
    "exif-pointer-past-end": build_tiff({"IFD0": [(0x8769, 4, 1, b"\x7f\xff\xff\x00")]}),
    "absurd-count": b"MM\x00*\x00\x00\x00\x08\xff\xff" + b"\x00" * 40,
    "ifd0-past-end": b"MM\x00*\x7f\x00\x00\x00",
    "no-tiff-header": b"XX\x00*\x00\x00\x00\x08",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_exif_raises_and_names_the_file(name: str) -> None:
    data = _exif_jpeg(HOSTILE[name])
    with pytest.raises(MetadataError, match=r"^evil\.jpg: cannot parse metadata safely"):
        read_location(data, Path("evil.jpg"))
    with pytest.raises(MetadataError):
        strip_location(data, Path("evil.jpg"))


def test_ifd_cut_before_its_next_pointer_is_tolerated(tmp_path: Path) -> None:
    # libpng's own pngtest.png has an ExifIFD like this; exiftool reads it without complaint
    gps = [(0, 1, 4, b"\x02\x03\x00\x00"), (1, 2, 2, b"N\x00")]
    block = build_tiff({"IFD0": [ORIENT6, (0x8825, 4, 1, "GPS")], "GPS": gps})[:-4]
    data = _exif_jpeg(block)
    assert [f.where for f in read_location(data, P).findings] == ["EXIF GPS"]
    out = strip_location(data, P)
    assert len(out) == len(data)
    assert exiftool_location(_write(tmp_path, out)) == ""
    assert "Rotate 90 CW" in exiftool(tmp_path / "a.jpg", "-Orientation")


def test_junk_next_ifd_pointer_is_tolerated() -> None:
    block = bytearray(build_tiff({"IFD0": [ORIENT6, (0x8825, 4, 1, "GPS")], "GPS": gps_entries()}))
    struct.pack_into(">I", block, 8 + 2 + 24, 0xFFFFFFF0)  # IFD0's next pointer
    data = _exif_jpeg(bytes(block))
    assert [f.where for f in read_location(data, P).findings] == ["EXIF GPS"]
    assert read_location(strip_location(data, P), P).findings == ()


def test_gps_pointer_to_nowhere_is_still_removed() -> None:
    block = build_tiff({"IFD0": [ORIENT6, (0x8825, 4, 1, b"\x7f\x00\x00\x00")]})
    data = _exif_jpeg(block)
    assert [f.detail for f in read_location(data, P).findings] == [
        "GPS pointer to an invalid offset"
    ]
    out = strip_location(data, P)
    assert read_location(out, P).findings == () and len(out) == len(data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xff\xd8\xff\xe1\x00\x40Exif", id="segment-past-end"),
        pytest.param(b"\xff\xd8\xff\xe1\x00\x01", id="length-below-2"),
        pytest.param(b"\xff\xd8\xff", id="three-bytes"),
        pytest.param(b"\xff\xd8\xff\xd9", id="eoi-before-image"),
    ],
)
def test_truncated_jpeg_header_raises(data: bytes) -> None:
    with pytest.raises(MetadataError, match=r"^a\.jpg: "):
        strip_location(data, P)


def test_truncated_scan_keeps_every_byte_and_still_strips() -> None:
    data = jpeg()[:-500]
    out = strip_location(data, P)
    assert read_location(out, P).findings == ()
    assert out[-400:] == data[-400:]


def test_malformed_xmp_with_location_words_is_refused() -> None:
    data = insert_segments(bare_jpeg(), xmp_segment(b"<x:xmpmeta><exif:GPSLatitude>1</x"))
    with pytest.raises(MetadataError, match="not well-formed"):
        read_location(data, P)


def test_zero_length_and_empty_values_are_tolerated() -> None:
    empty_exif = insert_segments(jpeg(), segment(0xE1, b"Exif\x00\x00"))
    assert [f.where for f in read_location(empty_exif, P).findings] == ["EXIF GPS"]
    assert b"Exif\x00\x00\xff" in strip_location(empty_exif, P)
    block = build_tiff({"IFD0": [ORIENT6, (0x010F, 2, 0, b""), (0x8825, 4, 1, "GPS")], "GPS": []})
    data = _exif_jpeg(block)
    # an empty GPS IFD holds no location: nothing to report, nothing to change
    assert read_location(data, P).findings == ()
    assert strip_location(data, P) is data
    empty_iptc = insert_segments(bare_jpeg(), app13([(2, 90, b"")]))
    assert [f.where for f in read_location(empty_iptc, P).findings] == ["IPTC City"]


def test_mpf_entry_outside_the_file_raises() -> None:
    data = mpf_jpeg(jpeg(), jpeg(size=(8, 8)))
    with pytest.raises(MetadataError, match="MPF image 2"):
        read_location(data[:-100], P)


def _maker_note_jpeg(make: bytes, note: bytes) -> bytes:
    block = build_tiff(
        {
            "IFD0": [ORIENT6, (0x010F, 2, len(make), make), (0x8769, 4, 1, "Exif")],
            "Exif": [(0x927C, 7, len(note), note)],
        }
    )
    return _exif_jpeg(block)


def _nikon_note() -> bytes:
    location = b"0100\x01USA\x00" + b"Las Vegas".ljust(70, b"\x00")
    inner = build_tiff({"IFD0": [(0x0001, 7, 4, b"0210"), (0x0039, 7, len(location), location)]})
    return b"Nikon\x00\x02\x10\x00\x00" + inner


def _panasonic_note(note_offset: int) -> bytes:
    # Panasonic values are relative to the EXIF TIFF header, so the caller says where the note sits
    city = b"Las Vegas".ljust(72, b"\x00")
    table = struct.pack(">H", 2)
    values_at = note_offset + 12 + 2 + 24 + 4
    table += struct.pack(">HHI4s", 0x0001, 7, 4, b"0121")
    table += struct.pack(">HHII", 0x006D, 7, len(city), values_at)
    return b"Panasonic\x00\x00\x00" + table + b"\x00" * 4 + city


def _samsung_note() -> bytes:
    name = b"Las Vegas Strip\x00"
    table = struct.pack(">H", 2) + struct.pack(">HHI4s", 0x0001, 7, 4, b"0100")
    table += struct.pack(">HHII", 0x0031, 2, len(name), 2 + 24 + 4)  # relative to the note
    return table + b"\x00" * 4 + name


def _note_offset(make: bytes, size: int) -> int:
    probe = build_tiff(
        {
            "IFD0": [ORIENT6, (0x010F, 2, len(make), make), (0x8769, 4, 1, "Exif")],
            "Exif": [(0x927C, 7, size, b"\xaa" * size)],
        }
    )
    return probe.index(b"\xaa" * size)


@pytest.mark.parametrize("vendor", ["Nikon", "Panasonic", "Samsung"])
def test_maker_note_location_is_removed(tmp_path: Path, vendor: str) -> None:
    if vendor == "Nikon":
        make, note = b"NIKON CORPORATION\x00", _nikon_note()
    elif vendor == "Panasonic":
        make = b"Panasonic\x00"
        note = _panasonic_note(_note_offset(make, len(_panasonic_note(0))))
    else:
        make, note = b"SAMSUNG\x00", _samsung_note()
    data = _maker_note_jpeg(make, note)
    assert "Las Vegas" in exiftool_location(_write(tmp_path, data, "before.jpg"))
    findings = read_location(data, P).findings
    assert [f.where.split(" ")[:3] for f in findings] == [["EXIF", "MakerNote", vendor]]
    assert "Las Vegas" in findings[0].detail
    out = strip_location(data, P)
    assert len(out) == len(data) and b"Las Vegas" not in out
    path = _write(tmp_path, out)
    assert exiftool_location(path) == ""
    assert "Warning" not in exiftool(path, "-warning")
    assert "Rotate 90 CW" in exiftool(path, "-Orientation")


def test_gopro_gpmf_with_gps_is_dropped() -> None:
    gpmf = segment(0xE6, b"GoPro\x00" + b"DEVC\x00\x00\x00\x00GPS5" + b"\x01" * 40)
    data = insert_segments(jpeg(gps=None), gpmf)
    assert [f.where for f in read_location(data, P).findings] == ["GoPro GPMF"]
    assert b"GoPro" not in strip_location(data, P)


def test_icc_profile_split_across_app2_segments_survives_strip_all(tmp_path: Path) -> None:
    from .fixtures import exif_block, picture, srgb_icc

    icc = bytearray(srgb_icc() + b"\x00" * 70_000)  # too big for one segment
    icc[0:4] = struct.pack(">I", len(icc))
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG", exif=exif_block(), icc_profile=bytes(icc), xmp=XMP_FULL)
    data = buffer.getvalue()
    assert data.count(b"ICC_PROFILE\x00") == 2
    out = strip_location(data, P, everything=True)
    assert out.count(b"ICC_PROFILE\x00") == 2
    assert Image.open(io.BytesIO(out)).info["icc_profile"] == bytes(icc)
    path = _write(tmp_path, out)
    assert "sRGB" in exiftool(path, "-ICC_Profile:ProfileDescription")


def test_mpf_entry_pointing_into_the_primary_raises() -> None:
    primary = insert_segments(jpeg(), segment(0xFE, b"\xff\xd8\xff\xd9 not an image"))
    data = bytearray(mpf_jpeg(primary, jpeg(size=(8, 8))))
    base = data.index(b"MPF\x00") + 4
    entries = base + 8 + 2 + 36 + 4
    struct.pack_into(">I", data, entries + 16 + 8, data.index(b"\xff\xd8\xff\xd9 not") - base)
    with pytest.raises(MetadataError, match="MPF image 2"):
        read_location(bytes(data), P)


def test_pillow_written_mpo_keeps_both_frames(tmp_path: Path) -> None:
    from .fixtures import exif_block, picture

    first, second = picture(), picture((40, 30)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=exif_block())
    data = buffer.getvalue()
    assert "MPF image 2 EXIF GPS" in [f.where for f in read_location(data, P).findings]
    out = strip_location(data, P)
    path = _write(tmp_path, out, "a.mpo")
    assert exiftool_location(path) == ""
    decoded = Image.open(path)
    original = Image.open(io.BytesIO(data))
    for frame in (0, 1):
        decoded.seek(frame)
        original.seek(frame)
        assert decoded.convert("RGB").tobytes() == original.convert("RGB").tobytes()


def test_progressive_jpeg_with_restart_markers_keeps_every_scan(tmp_path: Path) -> None:
    from .fixtures import exif_block, picture

    buffer = io.BytesIO()
    picture((200, 120)).save(
        buffer, "JPEG", progressive=True, exif=exif_block(), restart_marker_blocks=1
    )
    data = buffer.getvalue()
    assert data.count(b"\xff\xda") > 1
    out = strip_location(data, P)
    assert scan_bytes(out) == scan_bytes(data) and out.endswith(scan_bytes(data))
    assert Image.open(io.BytesIO(out)).tobytes() == Image.open(io.BytesIO(data)).tobytes()
    assert exiftool_location(_write(tmp_path, out)) == ""

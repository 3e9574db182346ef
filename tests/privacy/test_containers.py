"""PNG, WebP, TIFF, GIF and AVIF/HEIF location handling, checked with exiftool and Pillow."""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from assets_tool.errors import MetadataError
from assets_tool.privacy.dispatch import read_location, strip_file, strip_location

from .fixtures import (
    XMP_FULL,
    exif_block,
    exiftool,
    exiftool_location,
    gif_with_xmp,
    iptc,
    picture,
    png_chunk,
    png_chunks,
    png_with_location,
    tiff_with_location,
    webp_with_location,
)


def _frames(data: bytes) -> list[bytes]:
    img = Image.open(io.BytesIO(data))
    out = []
    for index in range(getattr(img, "n_frames", 1)):
        img.seek(index)
        out.append(img.convert("RGBA").tobytes())
    return out


def _strip_and_check(tmp_path: Path, data: bytes, name: str) -> bytes:
    before = tmp_path / f"before-{name}"
    before.write_bytes(data)
    assert exiftool_location(before)
    out = strip_location(data, Path(name))
    after = tmp_path / name
    after.write_bytes(out)
    assert exiftool_location(after) == ""
    assert read_location(out, after).findings == ()
    assert _frames(out) == _frames(data)
    # no new complaints from exiftool (the fixtures themselves may earn minor ones)
    warnings_after = set(exiftool(after, "-warning").splitlines())
    assert warnings_after <= set(exiftool(before, "-warning").splitlines())
    return out


def test_png_all_location_chunks_and_trailer_are_removed(tmp_path: Path) -> None:
    data = png_with_location()
    wheres = [f.where for f in read_location(data, Path("a.png")).findings]
    assert "EXIF GPS" in wheres
    assert "XMP photoshop:City" in wheres
    assert "PNG text GPSLatitude" in wheres
    assert "PNG raw profile exif EXIF GPS" in wheres
    assert "trailer after IEND" in wheres
    out = _strip_and_check(tmp_path, data, "a.png")
    kinds = [kind for kind, _ in png_chunks(out)]  # png_chunks checks every CRC
    assert b"eXIf" in kinds and b"zTXt" not in kinds
    assert b"Comment\x00kept" in out
    assert "Rotate 90 CW" in exiftool(tmp_path / "a.png", "-Orientation")
    assert "A night out" in exiftool(tmp_path / "a.png", "-XMP:all")


def test_png_all_keeps_only_pixels_colour_and_orientation(tmp_path: Path) -> None:
    out = strip_location(png_with_location(), Path("a.png"), everything=True)
    kinds = {kind for kind, _ in png_chunks(out)}
    assert kinds == {b"IHDR", b"IDAT", b"IEND", b"eXIf"}
    path = tmp_path / "a.png"
    path.write_bytes(out)
    listing = exiftool(path, "-EXIF:all")
    assert "Rotate 90 CW" in listing and "Apple" not in listing


@pytest.mark.parametrize("lossless", [True, False])
def test_webp_exif_and_xmp_are_cleaned(tmp_path: Path, lossless: bool) -> None:
    data = webp_with_location(lossless)
    wheres = [f.where for f in read_location(data, Path("a.webp")).findings]
    assert wheres[0] == "EXIF GPS" and "trailer after RIFF" in wheres
    out = _strip_and_check(tmp_path, data, "a.webp")
    kept = exiftool(tmp_path / "a.webp", "-Orientation", "-Make", "-ProfileDescription", "-XMP:all")
    assert "Rotate 90 CW" in kept and "Apple" in kept and "sRGB" in kept and "A night out" in kept
    assert int.from_bytes(out[4:8], "little") + 8 == len(out)


def test_webp_all_clears_vp8x_flags(tmp_path: Path) -> None:
    data = webp_with_location()
    out = strip_location(data, Path("a.webp"), everything=True)
    assert b"XMP " not in out
    flags = out[out.index(b"VP8X") + 8]
    assert not flags & 0x04 and flags & 0x08 and flags & 0x20  # EXIF (orientation) and ICC stay
    path = tmp_path / "a.webp"
    path.write_bytes(out)
    listing = exiftool(path, "-all")
    assert "Rotate 90 CW" in listing and "iPhone" not in listing
    assert _frames(out) == _frames(data)


def test_webp_without_orientation_drops_exif_and_its_flag() -> None:
    out = io.BytesIO()
    exif = exif_block()
    del exif[0x0112]
    picture().save(out, "WEBP", exif=exif, lossless=True)
    data = strip_location(out.getvalue(), Path("a.webp"), everything=True)
    assert b"EXIF" not in data and not data[data.index(b"VP8X") + 8] & 0x08


def test_tiff_gps_and_xmp_are_cleaned_in_place(tmp_path: Path) -> None:
    data = tiff_with_location()
    assert read_location(data, Path("a.tif")).coordinates == pytest.approx(
        (36.0909, -115.176), abs=1e-4
    )
    out = _strip_and_check(tmp_path, data, "a.tif")
    assert len(out) == len(data)
    assert "Rotate 90 CW" in exiftool(tmp_path / "a.tif", "-Orientation")


def test_tiff_all_drops_descriptive_tags(tmp_path: Path) -> None:
    out = strip_location(tiff_with_location(), Path("a.tif"), everything=True)
    path = tmp_path / "a.tif"
    path.write_bytes(out)
    listing = exiftool(path, "-all")
    assert "Apple" not in listing and "Rotate 90 CW" in listing and "GPS" not in listing


def test_gif_xmp_extension_is_dropped_and_frames_kept(tmp_path: Path) -> None:
    data = gif_with_xmp()
    assert any(f.where == "XMP photoshop:City" for f in read_location(data, Path("a.gif")).findings)
    out = _strip_and_check(tmp_path, data, "a.gif")
    assert Image.open(io.BytesIO(out)).n_frames == 2


def _avif(**params: object) -> bytes:
    out = io.BytesIO()
    picture().save(out, "AVIF", **params)
    return out.getvalue()


@pytest.mark.parametrize("brand", [b"avif", b"heic"])
def test_heif_exif_and_xmp_items_are_patched_in_place(tmp_path: Path, brand: bytes) -> None:
    data = _avif(exif=exif_block(), xmp=XMP_FULL)
    data = data[:8] + brand + data[12:]  # a HEIC has the same item structure, other codec
    report = read_location(data, Path("a.heic"))
    assert report.unchecked is None
    assert report.coordinates == pytest.approx((36.0909, -115.176), abs=1e-4)
    assert "XMP photoshop:City" in [f.where for f in report.findings]
    path = tmp_path / f"a.{brand.decode()}"
    path.write_bytes(data)
    assert exiftool_location(path)
    out = strip_location(data, path)
    assert len(out) == len(data)
    path.write_bytes(out)
    assert exiftool_location(path) == ""
    kept = exiftool(path, "-Make", "-XMP-dc:Description", "-warning")
    assert "Apple" in kept and "A night out" in kept and "Warning" not in kept
    if brand == b"avif":
        assert _frames(out) == _frames(data)


def test_heif_strip_all_blanks_exif_and_xmp(tmp_path: Path) -> None:
    data = _avif(exif=exif_block(), xmp=XMP_FULL)
    out = strip_location(data, Path("a.avif"), everything=True)
    path = tmp_path / "a.avif"
    path.write_bytes(out)
    listing = exiftool(path, "-EXIF:all", "-XMP:all")
    assert "Apple" not in listing and "night" not in listing
    assert _frames(out) == _frames(data)


def test_heif_without_metadata_is_left_alone() -> None:
    data = _avif()
    assert strip_location(data, Path("a.avif")) is data


def test_truncated_heif_meta_raises() -> None:
    data = _avif(exif=exif_block())
    meta = data.index(b"meta")
    with pytest.raises(MetadataError, match="HEIF"):
        read_location(data[: meta + 60], Path("a.avif"))


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def test_jpeg_xl_container_exif_and_xml_boxes_are_cleaned(tmp_path: Path) -> None:
    exif = exif_block().tobytes()[6:]
    codestream = b"\xff\x0a" + b"\x00" * 64  # never decoded: the boxes are what matters
    data = (
        b"\x00\x00\x00\x0cJXL \r\n\x87\n"
        + _box(b"ftyp", b"jxl \x00\x00\x00\x00jxl ")
        + _box(b"Exif", b"\x00\x00\x00\x00" + exif)
        + _box(b"xml ", XMP_FULL)
        + _box(b"jxlc", codestream)
    )
    path = tmp_path / "a.jxl"
    path.write_bytes(data)
    assert exiftool_location(path)
    report = read_location(data, path)
    assert report.coordinates is not None and len(report.findings) > 1
    out = strip_location(data, path)
    assert len(out) == len(data) and out.endswith(codestream)
    path.write_bytes(out)
    assert exiftool_location(path) == ""
    assert "A night out" in exiftool(path, "-XMP:all")
    bare = codestream
    assert read_location(bare, path).findings == () and strip_location(bare, path) is bare


def test_bigtiff_is_reported_unchecked_and_never_stripped() -> None:
    for data in (b"II+\x00" + b"\x00" * 32,):
        report = read_location(data, Path("x"))
        assert report.findings == () and report.unchecked and "not checked" in report.unchecked
        with pytest.raises(MetadataError, match="not checked"):
            strip_location(data, Path("x"))


def _raw_profile(kind: str, payload: bytes) -> bytes:
    text = payload.hex()
    body = f"\n{kind}\n{len(payload):8d}\n".encode()
    body += "\n".join(text[i : i + 72] for i in range(0, len(text), 72)).encode() + b"\n"
    return png_chunk(b"tEXt", f"Raw profile type {kind}".encode() + b"\x00" + body)


def _png_with(*chunks: bytes) -> bytes:
    out = io.BytesIO()
    picture().save(out, "PNG")
    data = out.getvalue()
    return data[:33] + b"".join(chunks) + data[33:]  # right after IHDR


def test_png_raw_xmp_and_iptc_profiles_are_dropped(tmp_path: Path) -> None:
    data = _png_with(
        _raw_profile("xmp", XMP_FULL),
        _raw_profile("iptc", iptc([(2, 90, b"Las Vegas")])),
        _raw_profile("icc", b"\x00" * 8),
    )
    wheres = [f.where for f in read_location(data, Path("a.png")).findings]
    assert "PNG raw profile xmp photoshop:City" in wheres
    assert "PNG raw profile iptc IPTC City" in wheres
    out = strip_location(data, Path("a.png"))
    assert b"Raw profile type icc" in out and b"Raw profile type xmp" not in out
    assert read_location(out, Path("a.png")).findings == ()
    assert _frames(out) == _frames(data)


def test_png_zipped_xmp_is_rewritten_compressed() -> None:
    packet = zlib.compress(XMP_FULL)
    data = _png_with(png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + packet))
    out = strip_location(data, Path("a.png"))
    chunk = next(body for kind, body in png_chunks(out) if kind == b"iTXt")
    text = zlib.decompress(chunk[22:])
    assert b"A night out" in text and b"GPS" not in text


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", id="png-truncated"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x7f\xff\xff\xffIHDR" + b"\x00" * 20, id="png-huge-chunk"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n"
            + png_chunk(b"zTXt", b"k\x00\x00not zlib")
            + png_chunk(b"IEND", b""),
            id="png-bad-zlib",
        ),
        pytest.param(b"RIFF\xff\x00\x00\x00WEBPVP8X", id="webp-size-past-end"),
        pytest.param(b"RIFF\x14\x00\x00\x00WEBPEXIF\xff\x00\x00\x00abcd", id="webp-chunk-past-end"),
        pytest.param(b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xff\x0b", id="gif-truncated"),
        pytest.param(b"II*\x00\x08\x00\x00\x00\xff\xff", id="tiff-absurd-count"),
    ],
)
def test_hostile_containers_raise_metadata_error(data: bytes) -> None:
    with pytest.raises(MetadataError, match=r"^bad: cannot parse metadata safely"):
        read_location(data, Path("bad"))


def test_png_bomb_text_chunk_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assets_tool.privacy.png._MAX_TEXT", 1 << 20)
    bomb = zlib.compress(b"\x00" * (2 << 20), 9)
    data = _png_with(png_chunk(b"zTXt", b"Comment\x00\x00" + bomb))
    with pytest.raises(MetadataError, match="absurd size"):
        read_location(data, Path("bad"))


WRITE_LOCATION = [
    "-GPSLatitude=36.1",
    "-GPSLatitudeRef=N",
    "-GPSLongitude=115.1",
    "-GPSLongitudeRef=W",
    "-XMP:City=Las Vegas",
    "-XMP:CountryCode=US",
    "-XMP-iptcExt:LocationShownCity=Paradise",
    "-XMP-xmpDM:ShotLocation=Studio",
    "-IPTC:City=Las Vegas",
    "-IPTC:Country-PrimaryLocationName=USA",
    "-Orientation#=6",
    "-XMP-dc:Title=kept",
]


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp"), ("TIFF", "a.tif"), ("GIF", "a.gif")],
)
def test_location_written_by_exiftool_is_stripped(tmp_path: Path, fmt: str, name: str) -> None:
    path = tmp_path / name
    buffer = io.BytesIO()
    picture().save(buffer, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    path.write_bytes(buffer.getvalue())
    subprocess.run(
        ["exiftool", "-q", "-q", "-overwrite_original", *WRITE_LOCATION, str(path)], check=True
    )
    before = path.read_bytes()
    assert "Las Vegas" in exiftool_location(path) or "36 deg" in exiftool_location(path)
    assert strip_file(path) is True
    assert exiftool_location(path) == ""
    assert "kept" in exiftool(path, "-XMP-dc:Title")
    if fmt != "GIF":  # GIF has no EXIF; exiftool puts Orientation in XMP there
        assert "Rotate 90 CW" in exiftool(path, "-IFD0:Orientation")
    assert _frames(path.read_bytes()) == _frames(before)
    assert strip_file(path) is False


def test_heif_without_a_meta_box_is_unchecked_not_clean() -> None:
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    report = read_location(data, Path("a.heic"))
    assert report.findings == () and report.unchecked and "not checked" in report.unchecked
    with pytest.raises(MetadataError, match="no meta box"):
        strip_location(data, Path("a.heic"))


def _full_box(kind: bytes, version: int, payload: bytes) -> bytes:
    return _box(kind, bytes((version, 0, 0, 0)) + payload)


def _heic_with_exif_in_idat() -> bytes:
    """Build a HEIF whose Exif item lives in `idat` (iloc version 1, construction method 1)."""
    exif = b"\x00\x00\x00\x06Exif\x00\x00" + exif_block().tobytes()[6:]
    infe = _full_box(b"infe", 2, struct.pack(">HH", 1, 0) + b"Exif" + b"\x00")
    iinf = _full_box(b"iinf", 0, struct.pack(">H", 1) + infe)
    # offset_size 4, length_size 4, base_offset_size 0, index_size 0; one item, one extent
    iloc = _full_box(
        b"iloc", 1, bytes((0x44, 0x00)) + struct.pack(">HHHHHII", 1, 1, 1, 0, 1, 0, len(exif))
    )
    hdlr = _full_box(b"hdlr", 0, b"\x00" * 4 + b"pict" + b"\x00" * 13)
    meta = _full_box(b"meta", 0, hdlr + iinf + iloc + _box(b"idat", exif))
    return _box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + meta + _box(b"mdat", b"\x00" * 16)


def test_heif_exif_item_stored_in_idat_is_found_and_cleaned() -> None:
    # exiftool 12.57 does not extract Exif from idat ("construction method 1"), so Pillow's
    # EXIF reader checks the patched block here
    data = _heic_with_exif_in_idat()
    assert read_location(data, Path("a.heic")).coordinates is not None
    out = strip_location(data, Path("a.heic"))
    assert len(out) == len(data)
    tiff = out[out.index(b"idat") + 4 + 10 :]
    exif = Image.Exif()
    exif.load(b"Exif\x00\x00" + tiff)
    assert exif[0x010F] == "Apple" and 0x8825 not in exif and not exif.get_ifd(0x8825)
    assert read_location(out, Path("a.heic")).findings == ()

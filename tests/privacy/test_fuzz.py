"""A bounded fuzz run over the reader and stripper of every container (hypothesis over bytes).

Seeded from one valid, located file of each format; each example damages one (flipped and
inserted bytes, absurd 32-bit values, cut short) and strips it as a file in a folder of its
own. The contract: only our own error type escapes; a file we change is then reported clean;
a file we refuse is left byte for byte; nothing is written beside the target.
"""

from __future__ import annotations

import io
import struct
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assets_tool.errors import MetadataError
from assets_tool.privacy.dispatch import image_kind, read_location, strip_file_report

from .fixtures import (
    XMP_FULL,
    app13,
    exif_block,
    gif_with_xmp,
    insert_segments,
    jpeg,
    mpf_jpeg,
    picture,
    png_with_location,
    samsung_trailer,
    tiff_with_location,
    webp_with_location,
    xmp_segment,
)
from .movies import box, live_photo_movie, movie


def _jxl() -> bytes:
    exif = exif_block().tobytes()[6:]
    return (
        b"\x00\x00\x00\x0cJXL \r\n\x87\n"
        + box(b"ftyp", b"jxl \x00\x00\x00\x00jxl ")
        + box(b"Exif", b"\x00\x00\x00\x00" + exif)
        + box(b"xml ", XMP_FULL)
        + box(b"jxlc", b"\xff\x0a" + b"\x00" * 64)
    )


def _avif() -> bytes:
    out = io.BytesIO()
    picture().save(out, "AVIF", exif=exif_block(), xmp=XMP_FULL)
    return out.getvalue()


def _seeds() -> dict[str, bytes]:
    located = insert_segments(jpeg(), xmp_segment(), app13())
    return {
        "jpeg-mpf": mpf_jpeg(located, jpeg(size=(8, 8)), samsung_trailer()),
        "jpeg-preview": jpeg() + jpeg(size=(16, 12)),
        "jpeg-motion": jpeg(gps=None) + live_photo_movie(),
        "png": png_with_location(),
        "webp": webp_with_location(),
        "tiff": tiff_with_location(),
        "gif": gif_with_xmp(),
        "avif": _avif(),
        "jxl": _jxl(),
        "mov": live_photo_movie(),
        "mp4": movie(b"isom", box(b"udta", box(b"\xa9xyz", b"\x00\x12\x15\xc7+36.09-115.17/"))),
        "xmp": XMP_FULL,
    }


SEEDS = _seeds()
ABSURD = [b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff", b"\x00\x00\x00\x00", b"\x00\x00\x00\x08"]


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "absurd", "cut"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif action == "absurd":
            data[at : at + 4] = draw(st.sampled_from(ABSURD))
        elif at > 8:
            del data[at:]
    return name, bytes(data)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(damaged())
def test_every_container_survives_damage_on_contract(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"target.{name}"
        path.write_bytes(data)
        try:
            report = strip_file_report(path)
        except MetadataError as error:
            assert error.path == path and str(path) in error.message
            assert path.read_bytes() == data, "a refused file must be left as it was"
            report = None
        after = path.read_bytes()
        if report is None:
            assert after == data
        else:
            # changed only because location was found, and clean once changed
            assert report.findings and after != data
            assert read_location(after, path).findings == ()
            assert image_kind(after) == image_kind(data)
        assert [p.name for p in Path(folder).iterdir()] == [path.name]


def test_the_seeds_hold_location_the_fuzz_run_can_damage() -> None:
    for name, data in SEEDS.items():
        report = read_location(data, Path(name))
        assert report.findings, name


def test_absurd_box_sizes_in_a_movie_raise_our_error() -> None:
    data = bytearray(live_photo_movie())
    moov = data.index(b"moov") - 4
    struct.pack_into(">I", data, moov, 1)  # a 64-bit size follows ...
    data[moov + 8 : moov + 8] = b"\xff" * 8  # ... and it is absurd
    try:
        read_location(bytes(data), Path("x.mov"))
    except MetadataError as error:
        assert "QuickTime box" in error.message
    else:
        raise AssertionError("an absurd size was accepted")

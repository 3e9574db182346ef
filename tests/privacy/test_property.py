"""Property: any mix of metadata blocks loses all its location and none of its pixels."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from assets_tool.privacy.dispatch import read_location, strip_location

from .fixtures import (
    IPTC_PLACES,
    ORIENT6,
    app13,
    bare_jpeg,
    build_tiff,
    exif_segment,
    exiftool_location,
    extended_xmp_segments,
    gps_entries,
    insert_segments,
    mpf_jpeg,
    samsung_trailer,
    scan_bytes,
    segment,
    xmp_segment,
)

NS = (
    'xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" '
    'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)
PROPERTIES = [
    ("exif:GPSLatitude", "36,5.45N"),
    ("exif:GPSLongitude", "115,10.56W"),
    ("exif:GPSAltitude", "6105/100"),
    ("photoshop:City", "Las Vegas"),
    ("photoshop:State", "Nevada"),
    ("photoshop:Country", "USA"),
    ("Iptc4xmpCore:Location", "Strip"),
    ("dc:format", "image/jpeg"),
]
STRUCTS = [
    "<Iptc4xmpExt:LocationShown><rdf:Bag><rdf:li rdf:parseType='Resource'>"
    "<Iptc4xmpExt:City>Paradise</Iptc4xmpExt:City></rdf:li></rdf:Bag></Iptc4xmpExt:LocationShown>",
    "<Iptc4xmpExt:LocationCreated rdf:parseType='Resource'><Iptc4xmpExt:CountryName>USA"
    "</Iptc4xmpExt:CountryName></Iptc4xmpExt:LocationCreated>",
]

coordinates = st.tuples(
    st.floats(-89.9, 89.9, allow_nan=False), st.floats(-179.9, 179.9, allow_nan=False)
)


@st.composite
def xmp_packets(draw: st.DrawFn) -> bytes:
    chosen = draw(st.lists(st.sampled_from(PROPERTIES), unique=True, min_size=1))
    as_attr = [draw(st.booleans()) for _ in chosen]
    structs = draw(st.lists(st.sampled_from(STRUCTS), unique=True))
    attrs = " ".join(f'{k}="{v}"' for (k, v), a in zip(chosen, as_attr, strict=True) if a)
    elems = "".join(f"<{k}>{v}</{k}>" for (k, v), a in zip(chosen, as_attr, strict=True) if not a)
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" {NS} {attrs}>{elems}{"".join(structs)}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


@st.composite
def exif_blocks(draw: st.DrawFn) -> bytes:
    ifds: dict[str, list[tuple[int, int, int, bytes | str]]] = {"IFD0": [ORIENT6]}
    chain = ("IFD0",)
    if draw(st.booleans()):
        ifds["IFD0"].append((0x8825, 4, 1, "GPS"))
        ifds["GPS"] = gps_entries(*draw(coordinates))
    if draw(st.booleans()):
        ifds["IFD1"] = [(0x0103, 3, 1, b"\x00\x06"), (0x8825, 4, 1, "GPS1")]
        ifds["GPS1"] = gps_entries(*draw(coordinates))
        chain = ("IFD0", "IFD1")
    return build_tiff(ifds, chain)


@st.composite
def located_jpegs(draw: st.DrawFn) -> bytes:
    def header_blocks() -> list[bytes]:
        blocks = [exif_segment(draw(exif_blocks()))]
        if draw(st.booleans()):
            blocks.append(xmp_segment(draw(xmp_packets())))
        if draw(st.booleans()):
            ext = draw(xmp_packets()) + b" " * draw(st.integers(0, 300))
            guid = hashlib.md5(ext).hexdigest().upper().encode()
            blocks += extended_xmp_segments(ext, guid, chunk=draw(st.integers(64, 400)))
        if draw(st.booleans()):
            blocks.append(app13(draw(st.lists(st.sampled_from(IPTC_PLACES), min_size=1))))
        if draw(st.booleans()):
            blocks.append(segment(0xFE, b"comment"))
        return draw(st.permutations(blocks))

    data = insert_segments(bare_jpeg((24, 16)), *header_blocks())
    if draw(st.booleans()):
        secondary = insert_segments(bare_jpeg((8, 8)), *header_blocks())
        data = mpf_jpeg(data, secondary)
    if draw(st.booleans()):
        data += samsung_trailer()
    return data


def _decoded(data: bytes) -> list[bytes]:
    img = Image.open(io.BytesIO(data))
    out = []
    for index in range(getattr(img, "n_frames", 1)):
        img.seek(index)
        out.append(img.convert("RGB").tobytes())
    return out


@settings(max_examples=60, deadline=None, derandomize=True)
@given(located_jpegs())
def test_strip_removes_every_location_and_keeps_the_scans(data: bytes) -> None:
    path = Path("p.jpg")
    out = strip_location(data, path)
    assert read_location(out, path).findings == ()
    assert scan_bytes(out) == scan_bytes(data)
    assert _decoded(out) == _decoded(data)
    assert strip_location(out, path) is out
    size = struct.unpack_from(">H", out, 4)[0]
    assert out[:4] == b"\xff\xd8\xff\xe0" and size == 16  # the JFIF header stays first


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(located_jpegs())
def test_exiftool_agrees_on_random_files(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "p.jpg"
    path.write_bytes(strip_location(data, path))
    assert exiftool_location(path) == ""


def _seed_files() -> list[bytes]:
    from .fixtures import (
        XMP_FULL,
        exif_block,
        gif_with_xmp,
        jpeg,
        picture,
        png_with_location,
        tiff_with_location,
        webp_with_location,
    )

    located = insert_segments(jpeg(), xmp_segment(), app13())
    avif = io.BytesIO()
    picture().save(avif, "AVIF", exif=exif_block(), xmp=XMP_FULL)
    return [
        avif.getvalue(),
        mpf_jpeg(located, jpeg(size=(8, 8))),
        png_with_location(),
        webp_with_location(),
        tiff_with_location(),
        gif_with_xmp(),
    ]


SEEDS = _seed_files()


@st.composite
def corrupted(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, min(len(data), 4096) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        del data[draw(st.integers(8, len(data))) :]
    return bytes(data)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(corrupted())
def test_corrupt_metadata_raises_metadata_error_or_strips_cleanly(data: bytes) -> None:
    from assets_tool.errors import MetadataError

    path = Path("fuzz")
    try:
        out = strip_location(data, path)
    except MetadataError as error:
        assert error.path == path and "fuzz: " in error.message
        return
    assert read_location(out, path).findings == ()


@st.composite
def located_pngs(draw: st.DrawFn) -> bytes:
    from .fixtures import exif_block, iptc, picture, png_chunk, png_chunks

    out = io.BytesIO()
    picture((24, 16)).save(out, "PNG")
    chunks = [png_chunk(kind, body) for kind, body in png_chunks(out.getvalue())]
    exif = exif_block(gps=draw(coordinates)).tobytes()
    xmp = draw(xmp_packets())

    def raw_profile(kind: str, payload: bytes) -> bytes:
        text = f"\n{kind}\n{len(payload):8d}\n{payload.hex()}\n".encode()
        if draw(st.booleans()):
            return png_chunk(
                b"zTXt", f"Raw profile type {kind}".encode() + b"\0\0" + zlib.compress(text)
            )
        return png_chunk(b"tEXt", f"Raw profile type {kind}".encode() + b"\0" + text)

    extras = [
        png_chunk(b"eXIf", exif[6:]),
        png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + xmp),
        png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0" + zlib.compress(xmp)),
        png_chunk(b"tEXt", b"Location\0Las Vegas"),
        png_chunk(b"tEXt", b"Software\0kept"),
        raw_profile("exif", exif),
        raw_profile("xmp", xmp),
        raw_profile("iptc", iptc(IPTC_PLACES)),
    ]
    chosen = draw(st.lists(st.sampled_from(extras), unique=True, min_size=1))
    split = draw(st.integers(0, len(chosen)))
    body = chunks[0] + b"".join(chosen[:split]) + b"".join(chunks[1:-1]) + b"".join(chosen[split:])
    trailer = draw(st.sampled_from([b"", b"trailing location text"]))
    return b"\x89PNG\r\n\x1a\n" + body + chunks[-1] + trailer


@settings(max_examples=40, deadline=None, derandomize=True)
@given(located_pngs())
def test_png_strip_removes_every_location_and_keeps_pixels(data: bytes) -> None:
    from .fixtures import png_chunks

    path = Path("p.png")
    out = strip_location(data, path)
    assert read_location(out, path).findings == ()
    png_chunks(out)  # every CRC checks
    assert _decoded(out) == _decoded(data)
    assert b"Software\0kept" in out or b"Software\0kept" not in data
    assert strip_location(out, path) is out


@st.composite
def located_webps(draw: st.DrawFn) -> bytes:
    from .fixtures import exif_block, picture

    params: dict[str, object] = {"lossless": draw(st.booleans())}
    if draw(st.booleans()):
        params["exif"] = exif_block(gps=draw(coordinates))
    if draw(st.booleans()) or "exif" not in params:
        params["xmp"] = draw(xmp_packets()) + b" " * draw(st.integers(0, 1))
    out = io.BytesIO()
    picture((24, 16)).save(out, "WEBP", **params)
    return out.getvalue() + draw(st.sampled_from([b"", b"\0", b"trailer"]))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(located_webps())
def test_webp_strip_removes_every_location_and_keeps_pixels(data: bytes) -> None:
    path = Path("p.webp")
    out = strip_location(data, path)
    assert read_location(out, path).findings == ()
    assert int.from_bytes(out[4:8], "little") + 8 == len(out)
    assert _decoded(out) == _decoded(data)
    assert strip_location(out, path) is out

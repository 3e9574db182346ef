"""The render stage: widths, names, decoding (orientation, modes, colour), encoding, errors."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import subprocess
import sys
import unicodedata
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageCms, ImageStat

from assets_tool import render
from assets_tool.config import Config
from assets_tool.errors import ImageError
from assets_tool.models import ImageInfo
from assets_tool.render.planning import EncodeSettings, Plan, avif_speed_at
from examples import photogen

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = EncodeSettings.from_settings(Config())
PATH = Path("site/assets/img/photo.jpg")


def _info(width: int, height: int = 100, **kw: Any) -> ImageInfo:
    values: dict[str, Any] = {"has_alpha": False, "animated": False, "graphic": False}
    values.update(kw)
    return ImageInfo("JPEG", width, height, **values)


def _render(
    data: bytes, widths: tuple[int, ...] | None = None, settings: EncodeSettings = SETTINGS
) -> tuple[Plan, dict[str, bytes]]:
    info = render.probe(data, PATH, settings.max_pixels)
    plan = render.plan(
        info, hashlib.sha256(data).hexdigest(), "photo", widths or (info.width,), settings
    )
    return plan, render.encode(data, PATH, plan, settings)


def _open(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def _png(im: Image.Image, **options: Any) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG", **options)
    return buf.getvalue()


# --- widths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "display", "expected"),
    [
        (4000, None, (480, 800, 1200, 1600, 2400)),
        (1000, None, (480, 800, 1000)),  # the source itself replaces the too-wide rungs
        (300, None, (300,)),  # smaller than every width: one variant, its own size
        (4000, 400, (400, 800, 1200)),
        (1000, 400, (400, 800, 1000)),
        (1200, 400, (400, 800, 1200)),
        (800, None, (480, 800)),
    ],
)
def test_target_widths(source: int, display: int | None, expected: tuple[int, ...]) -> None:
    ladder = Config(widths=(480, 800, 1200, 1600, 2400))  # a user's own ladder for unsized images
    assert render.target_widths(_info(source), display, ladder) == expected


def test_plan_orders_formats_and_never_upscales() -> None:
    plan = render.plan(_info(300, 200), "ab" * 32, "x", (300,), SETTINGS)
    assert [v.mime for v in plan.variants] == ["image/avif", "image/webp", "image/jpeg"]
    assert {(v.width, v.height) for v in plan.variants} == {(300, 200)}


def test_plan_graphic_and_alpha_formats() -> None:
    graphic = render.plan(_info(300, graphic=True, has_alpha=True), "0" * 64, "x", (300,), SETTINGS)
    assert [v.mime for v in graphic.variants] == ["image/webp", "image/png"]
    alpha_photo = render.plan(_info(300, has_alpha=True), "0" * 64, "x", (300,), SETTINGS)
    assert [v.mime for v in alpha_photo.variants] == ["image/avif", "image/webp", "image/png"]


def test_animated_plan_is_empty(tmp_path: Path) -> None:
    for data in (photogen.make_animated_gif(), photogen.make_animated_webp()):
        info = render.probe(data, PATH, SETTINGS.max_pixels)
        assert info.animated
        assert render.plan(info, "0" * 64, "a", (160,), SETTINGS).variants == ()
        assert (
            render.encode(data, PATH, render.plan(info, "0" * 64, "a", (160,), SETTINGS), SETTINGS)
            == {}
        )


def test_mpo_is_a_photo_not_an_animation() -> None:
    phone = _open(photogen.make_photo(200, 160, orientation=6, gps=None))
    buf = io.BytesIO()
    extra = Image.new("RGB", (50, 40))  # a depth/gain map as phones store them
    phone.save(buf, "MPO", save_all=True, append_images=[extra], exif=phone.getexif())
    info = render.probe(buf.getvalue(), PATH, SETTINGS.max_pixels)
    assert (info.format, info.animated, info.width, info.height) == ("MPO", False, 160, 200)
    plan, encoded = _render(buf.getvalue(), (80,))
    assert len(encoded) == 3
    assert all(_open(encoded[v.name]).size == (80, 100) for v in plan.variants)


# --- names -------------------------------------------------------------------------------


def _names(digest: str, settings: EncodeSettings, stem: str = "photo") -> dict[str, str]:
    plan = render.plan(_info(1000), digest, stem, (480, 1000), settings)
    return {f"{v.mime}-{v.width}": v.name for v in plan.variants}


def test_names_are_content_addressed() -> None:
    a, b = "a" * 64, "b" * 64
    first = _names(a, SETTINGS)
    assert first == _names(a, SETTINGS)  # stable
    assert first["image/jpeg-480"].startswith("photo-480-")
    assert first["image/jpeg-480"].endswith(".jpg")
    assert len(set(first.values())) == len(first)
    other = _names(b, SETTINGS)
    assert not set(first.values()) & set(other.values())  # new bytes: every name changes
    changed = _names(a, EncodeSettings(**{**SETTINGS.__dict__, "avif_quality": 61}))
    for key, name in first.items():
        assert (changed[key] != name) == key.startswith("image/avif")
    webp = _names(a, EncodeSettings(**{**SETTINGS.__dict__, "webp_quality": 70}))
    assert webp["image/webp-480"] != first["image/webp-480"]
    assert webp["image/jpeg-480"] == first["image/jpeg-480"]


def test_stem_slug() -> None:
    assert render.slug("Jenson 1") == "jenson-1"
    assert render.slug("IMG_2024.Final") == "img-2024-final"
    assert render.slug("사진") == "사진"  # letters of any script are kept
    assert render.slug("Brügge1") == "brügge1"
    # a decomposed name (as typed on macOS) gives the same, composed, slug
    assert render.slug(unicodedata.normalize("NFD", "Brügge1")) == "brügge1"
    assert render.slug(unicodedata.normalize("NFD", "젠슨 황")) == "젠슨-황"
    assert render.slug("हिन्दी") == "हिन्दी"  # combining vowel signs stay with their letters
    assert render.slug("__***__") == "img"
    assert _names("a" * 64, SETTINGS, "사진 2")["image/avif-480"].startswith("사진-2-480-")


# --- keep_smaller --------------------------------------------------------------------------


def test_keep_smaller_drops_bigger_modern_variant() -> None:
    plan = render.plan(_info(1000), "c" * 64, "p", (480, 1000), SETTINGS)
    sizes = {"image/avif": 50, "image/webp": 120, "image/jpeg": 100}
    encoded = {v.name: b"x" * (sizes[v.mime] + v.width) for v in plan.variants}
    kept = render.keep_smaller(plan, encoded)
    assert sorted((v.mime, v.width) for v in kept) == sorted(
        (m, w) for m in ("image/avif", "image/jpeg") for w in (480, 1000)
    )
    assert all(v.size == len(encoded[v.name]) for v in kept)


# --- orientation and draft -------------------------------------------------------------------


def _is_marker(im: Image.Image, box: tuple[int, int, int, int]) -> bool:
    side = box[2] - box[0]
    inner = im.convert("RGB").crop(
        (box[0] + side // 4, box[1] + side // 4, box[2] - side // 4, box[3] - side // 4)
    )
    return min(ImageStat.Stat(inner).mean) > 200


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_comes_out_upright(orientation: int) -> None:
    data = photogen.make_photo(200, 160, orientation=orientation, icc=None, gps=None)
    up_w, up_h = photogen.upright_size(200, 160, orientation)
    info = render.probe(data, PATH, SETTINGS.max_pixels)
    assert (info.width, info.height) == (up_w, up_h)
    plan, encoded = _render(data, (up_w // 3, up_w))
    for variant in plan.variants:
        im = _open(encoded[variant.name])
        assert im.size == (variant.width, variant.height)
        assert "exif" not in im.info or im.getexif().get(0x0112) is None
        w, h = im.size
        box = photogen.marker_box(w, h)
        assert _is_marker(im, box), (variant.mime, variant.width)
        side = box[2]
        assert not _is_marker(im, (w - side, 0, w, side))  # top-right is not the marker
        assert not _is_marker(im, (0, h - side, side, h))


@pytest.mark.parametrize("orientation", [1, 6])
def test_draft_never_undershoots_the_largest_width(orientation: int) -> None:
    data = photogen.make_photo(800, 600, orientation=orientation, icc=None, gps=None)
    up_w = photogen.upright_size(800, 600, orientation)[0]
    sizes = set()
    for largest in (50, 100, 101, 150, 199, 200, 201, 300, 599, up_w):
        im = render.decode(data, PATH, largest, SETTINGS.max_pixels)
        assert im.width >= largest
        assert (im.width > im.height) == (orientation == 1)
        sizes.add(im.size)
    assert len(sizes) >= 3  # DCT scaling happened (1/8, 1/4, 1/2, 1)


# --- modes -------------------------------------------------------------------------------


def test_alpha_png_stays_lossless_with_alpha() -> None:
    data = photogen.make_png(320, 200, alpha=True)
    info = render.probe(data, PATH, SETTINGS.max_pixels)
    assert info.graphic and info.has_alpha
    plan, encoded = _render(data)
    source = _open(data).convert("RGBA")
    assert [v.mime for v in plan.variants] == ["image/webp", "image/png"]
    for variant in plan.variants:
        out = _open(encoded[variant.name]).convert("RGBA")
        assert out.getchannel("A").tobytes() == source.getchannel("A").tobytes()
        # lossless: every visible pixel is exact
        visible = Image.new("RGBA", out.size)
        visible.paste(out, mask=source.getchannel("A").point(lambda a: 255 if a == 255 else 0))
        expected = Image.new("RGBA", out.size)
        expected.paste(source, mask=source.getchannel("A").point(lambda a: 255 if a == 255 else 0))
        assert ImageChops.difference(visible, expected).getbbox() is None


def test_truecolour_png_photo_is_not_graphic() -> None:
    data = _png(_open(photogen.make_photo(160, 120, orientation=1, icc=None, gps=None)))
    info = render.probe(data, PATH, SETTINGS.max_pixels)
    assert not info.graphic and not info.has_alpha
    plan, _ = _render(data)
    assert plan.variants[-1].mime == "image/jpeg"


def test_lossy_and_lossless_webp_are_told_apart() -> None:
    im = _open(photogen.make_png(120, 80, alpha=True))
    for lossless in (True, False):
        buf = io.BytesIO()
        im.save(buf, "WEBP", lossless=lossless, quality=80)
        info = render.probe(buf.getvalue(), PATH, SETTINGS.max_pixels)
        assert info.has_alpha
        assert info.graphic == lossless


def test_palette_with_transparency_becomes_rgba() -> None:
    data = photogen.make_palette_png_with_transparency()
    info = render.probe(data, PATH, SETTINGS.max_pixels)
    assert info.has_alpha and info.graphic
    plan, encoded = _render(data)
    for variant in plan.variants:
        out = _open(encoded[variant.name])
        assert out.mode == "RGBA"
        assert out.getpixel((0, 0))[3] == 0  # index 0 was transparent
        assert out.getpixel((out.width * 3 // 4, out.height // 2))[3] == 255


def test_la_keeps_its_alpha() -> None:
    im = Image.new("LA", (64, 48), (120, 0))
    im.paste((200, 255), (16, 12, 48, 36))
    plan, encoded = _render(_png(im))
    assert plan.variants[-1].mime == "image/png"
    for variant in plan.variants:
        out = _open(encoded[variant.name]).convert("RGBA")
        assert out.getpixel((0, 0))[3] == 0
        assert out.getpixel((32, 24)) == (200, 200, 200, 255)


def test_16bit_png_is_scaled_not_clipped() -> None:
    data = photogen.make_16bit_png(256, 8)
    plan, encoded = _render(data)
    fallback = _open(encoded[plan.variants[-1].name]).convert("L")
    source = _open(data)
    for x in (10, 128, 250):
        expected = source.getpixel((x, 0)) // 256  # type: ignore[operator]
        assert abs(fallback.getpixel((x, 0)) - expected) <= 3  # type: ignore[operator]


def test_cmyk_converts_to_rgb_without_profile() -> None:
    data = photogen.make_cmyk_jpeg(160, 120)
    plan, encoded = _render(data)
    naive = _open(data).convert("RGB")
    for variant in plan.variants:
        out = _open(encoded[variant.name])
        assert out.mode == "RGB"
        assert "icc_profile" not in out.info
        diff = ImageStat.Stat(ImageChops.difference(out.convert("RGB"), naive)).mean
        assert max(diff) < 12


# --- colour ------------------------------------------------------------------------------

P3_RED = (230, 30, 40)  # saturated, and far enough from sRGB red that a dropped profile shows


def _as_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    rgb = im.convert("RGB")
    if not icc:
        return rgb
    src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    out = ImageCms.profileToProfile(rgb, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
    assert out is not None
    return out


def _colour_error(a: Image.Image, b: Image.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(a, b)).mean)


def test_p3_source_keeps_its_look_in_every_format() -> None:
    source = Image.new("RGB", (96, 64), P3_RED)
    buf = io.BytesIO()
    source.save(buf, "JPEG", quality=95, icc_profile=photogen.DISPLAY_P3)
    data = buf.getvalue()
    reference = _as_srgb(_open(data), photogen.DISPLAY_P3)
    plan, encoded = _render(data, (48, 96))
    for variant in plan.variants:
        out = _open(encoded[variant.name])
        icc = out.info.get("icc_profile")
        assert icc == photogen.DISPLAY_P3, variant.mime
        ref = reference.resize(out.size)
        assert _colour_error(_as_srgb(out, icc), ref) < 4, variant.mime
        # the tolerance catches a dropped profile: the same pixels read as sRGB are off
        assert _colour_error(_as_srgb(out, None), ref) > 8, variant.mime


def test_source_without_profile_gets_none() -> None:
    data = photogen.make_photo(120, 90, orientation=1, icc=None, gps=None)
    plan, encoded = _render(data)
    for variant in plan.variants:
        assert not _open(encoded[variant.name]).info.get("icc_profile")


def _linear_grey_profile() -> bytes:
    from examples.icc import _assemble, _desc_tag, _xyz_tag  # the project's ICC v2 writer

    linear = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0100)  # gamma 1.0
    profile = _assemble(
        [
            (b"desc", _desc_tag("Linear grey")),
            (b"wtpt", _xyz_tag((0.9642, 1.0, 0.8249))),
            (b"kTRC", linear),
            (b"cprt", b"text\0\0\0\0none\0"),
        ]
    )
    return profile.replace(b"mntrRGB XYZ ", b"mntrGRAYXYZ ", 1)


def test_grey_profile_is_converted_to_srgb_not_dropped() -> None:
    im = Image.new("LA", (40, 30), (128, 255))
    im.putpixel((0, 0), (128, 0))
    plan, encoded = _render(_png(im, icc_profile=_linear_grey_profile()))
    for variant in plan.variants:
        out = _open(encoded[variant.name]).convert("RGBA")
        assert not out.info.get("icc_profile")  # a grey profile cannot describe RGB pixels
        r, g, b, a = out.getpixel((20, 15))  # type: ignore[misc]
        # linear 128/255 is sRGB ~188; the profile dropped would leave 128
        assert abs(r - 188) <= 3 and r == g == b and a == 255
        assert out.getpixel((0, 0))[3] == 0  # type: ignore[index]


# --- metadata (exiftool as the oracle) ---------------------------------------------------------

STRIPPED_GROUPS = ("EXIF", "IFD0", "IFD1", "ExifIFD", "GPS", "XMP", "IPTC", "Photoshop")


def _groups(path: Path) -> set[str]:
    out = subprocess.run(
        ["exiftool", "-a", "-G1", "-s", "-ee", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {line.split("]")[0].lstrip("[") for line in out.splitlines() if line.startswith("[")}


def test_variants_carry_no_metadata_but_the_profile(tmp_path: Path) -> None:
    photo = photogen.make_photo(200, 160, orientation=6)  # EXIF + GPS + XMP + P3
    im = _open(photogen.make_png(120, 80, alpha=True))
    graphic = _png(im, icc_profile=photogen.DISPLAY_P3, exif=_open(photo).getexif().tobytes())
    seen = set()
    for data in (photo, graphic):
        plan, encoded = _render(data, (60,))
        for variant in plan.variants:
            path = tmp_path / variant.name
            path.write_bytes(encoded[variant.name])
            groups = _groups(path)
            leaked = {g for g in groups if g.startswith(STRIPPED_GROUPS)}
            assert not leaked, (variant.mime, leaked)
            assert any(g.startswith("ICC") for g in groups), (variant.mime, groups)
            seen.add(variant.mime)
    assert seen == {"image/avif", "image/webp", "image/jpeg", "image/png"}


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("zero-byte", b""),
        ("eps", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"),
        ("not-an-image", b"<html>hello</html>\n" * 10),
        ("corrupt", photogen.make_photo(64, 48, icc=None, gps=None)[:200] + b"\x00garbage" * 400),
        ("truncated-jpeg", photogen.make_photo(640, 480, icc=None, gps=None)[:9000]),
        ("truncated-png", photogen.make_png(320, 200)[:1500]),
    ],
)
def test_bad_files_raise_image_error_naming_the_file(name: str, data: bytes) -> None:
    path = Path(f"posts/{name}.jpg")
    with pytest.raises(ImageError, match=str(path).replace(".", r"\.")):
        info = render.probe(data, path, SETTINGS.max_pixels)
        plan = render.plan(info, "0" * 64, name, (info.width,), SETTINGS)
        render.encode(data, path, plan, SETTINGS)


def test_decompression_bomb_is_one_clear_error() -> None:
    data = _png(Image.new("L", (1200, 1000)))
    pillow_limit = Image.MAX_IMAGE_PIXELS
    limit = EncodeSettings(**{**SETTINGS.__dict__, "max_pixels": 1_000_000})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ImageError, match=r"bomb.*max_pixels") as err:
            render.probe(data, Path("big.png"), limit.max_pixels)
        assert "big.png" in str(err.value)
        with pytest.raises(ImageError, match="too large"):
            render.encode(
                data,
                Path("big.png"),
                render.plan(_info(1200), "0" * 64, "b", (1200,), limit),
                limit,
            )
        # above Pillow's own warning threshold but within max_pixels: no warning, no error
        assert render.probe(_png(Image.new("L", (900, 900))), PATH, limit.max_pixels).width == 900
    assert not caught
    assert pillow_limit == Image.MAX_IMAGE_PIXELS  # the global is restored


# --- workers -----------------------------------------------------------------------------


def _tiny(seed: int) -> bytes:
    return photogen.make_photo(64, 48, seed=seed, orientation=1, gps=None)


def test_encode_runs_in_a_process_pool() -> None:
    jobs = []
    for seed in (1, 2, 3):
        data = _tiny(seed)
        info = render.probe(data, PATH, SETTINGS.max_pixels)
        jobs.append(
            (data, render.plan(info, hashlib.sha256(data).hexdigest(), "t", (32, 48), SETTINGS))
        )
    with ProcessPoolExecutor(2, initializer=render.worker_init) as pool:
        results = list(
            pool.map(render.encode, *zip(*[(d, PATH, p, SETTINGS) for d, p in jobs], strict=True))
        )
    for (_, plan), encoded in zip(jobs, results, strict=True):
        assert set(encoded) == {v.name for v in plan.variants}
        for v in plan.variants:
            assert _open(encoded[v.name]).size == (v.width, v.height)


def test_encoder_logs_stay_off_the_terminal() -> None:
    code = (
        "import hashlib; from pathlib import Path; from assets_tool import render;"
        "from examples.photogen import make_photo;"
        "d = make_photo(63, 47, orientation=1, gps=None);"
        "s = render.EncodeSettings.from_settings(__import__('assets_tool.config').config.Config());"
        "i = render.probe(d, Path('x'), s.max_pixels);"
        "print(len(render.encode(d, Path('x'), render.plan(i, '0' * 64, 'x', (63, 31), s), s)))"
    )
    env = {k: v for k, v in os.environ.items() if k != "SVT_LOG"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "6"  # odd sizes encode too
    assert done.stderr == ""


# --- one real-size photo ---------------------------------------------------------------------


@pytest.mark.slow
def test_full_ladder_of_a_12mp_phone_photo(photo_bytes: bytes) -> None:
    info = render.probe(photo_bytes, PATH, SETTINGS.max_pixels)
    assert (info.width, info.height, info.graphic) == (3000, 4000, False)
    widths = render.target_widths(info, None, Config(widths=(480, 800, 1200, 1600, 2400)))
    plan, encoded = _render(photo_bytes, widths)
    assert len(encoded) == 3 * len(widths) == 15
    kept = render.keep_smaller(plan, encoded)
    assert {v.mime for v in kept if v.width == 2400} == {"image/avif", "image/webp", "image/jpeg"}
    for variant in plan.variants:
        im = _open(encoded[variant.name])
        assert im.size == (variant.width, round(4000 * variant.width / 3000))
        assert im.info.get("icc_profile") == photogen.DISPLAY_P3
        assert _is_marker(im, photogen.marker_box(*im.size))
    jpeg_2400 = next(v for v in kept if v.mime == "image/jpeg" and v.width == 2400)
    assert jpeg_2400.size < len(photo_bytes) / 2


def test_avif_speed_follows_width_unless_the_user_chose_one() -> None:
    default = EncodeSettings.from_settings(Config())
    assert [avif_speed_at(default, w) for w in (800, 1600, 2000, 2400)] == [6, 6, 6, 8]
    chosen = EncodeSettings.from_settings(Config(avif_speed=4))
    assert [avif_speed_at(chosen, w) for w in (800, 2400)] == [4, 4]
    svt = EncodeSettings.from_settings(Config(avif_encoder="svt"))
    assert (svt.avif_quality, avif_speed_at(svt, 800), avif_speed_at(svt, 2400)) == (60, 7, 7)
    info = _info(3000, 4000)
    names = {
        s: render.plan(info, "d" * 64, "p", (2400,), s).variants[0].name for s in (default, chosen)
    }
    assert names[default] != names[chosen]  # the speeds are in the names

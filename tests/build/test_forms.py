"""Every reference form a real post uses, through `assets-tool build`, checked in the output."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image, ImageCms

from examples.photogen import (
    PATCH_COLOR_AS_SRGB,
    make_photo,
    make_png,
    patch_box,
)
from tests.helpers import elements, image_urls, run_cli, tree_digest

PHOTO = make_photo(1600, 1200, seed=5)  # stored sideways: upright 1200x1600, P3, GPS

POST = """\
---
title: "모든 형식"
media_subpath: /assets/img/sub
image:
  path: /assets/img/cover.jpg
  alt: cover
---

Raw HTML, unquoted: <img src="/assets/img/photo.jpg" alt="raw" width=400>

Title and IAL: ![md "quoted" & <b>](/assets/img/photo.jpg "A title"){: .shadow width="300" }

Reference style: ![ref][pic]

Relative to media_subpath: ![sub](in-sub.jpg)

Site URL: ![abs](https://me.github.io/assets/img/photo.jpg?v=2#top)

Liquid: ![liquid]({{ '/assets/img/photo.jpg' | relative_url }})

Korean, percent-encoded: ![korean](/assets/img/%EC%82%AC%EC%A7%84.jpg)

Screenshot: ![shot](/assets/img/screen.png)

A PNG named .jpg: ![liar](/assets/img/liar.jpg)

Left alone: ![ext](https://example.com/x.jpg) ![svg](/assets/img/logo.svg)
`![code](/assets/img/photo.jpg)`

```html
<img src="/assets/img/photo.jpg">
```

<!-- <img src="/assets/img/photo.jpg"> -->

[pic]: /assets/img/photo.jpg "Ref title"
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text(
        'url: "https://me.github.io"\nassets_tool:\n  markup: picture\n', encoding="utf-8"
    )
    (root / "_posts/2025-02-01-forms.md").write_text(POST, encoding="utf-8", newline="\r\n")
    img = root / "assets/img"
    (img / "sub").mkdir(parents=True)
    for name in ("photo.jpg", "cover.jpg", "sub/in-sub.jpg", "사진.jpg"):
        (img / name).write_bytes(PHOTO)
    (img / "screen.png").write_bytes(make_png(640, 400))
    (img / "liar.jpg").write_bytes(make_png(320, 200, alpha=False))
    (img / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return root


def _generated(text: str) -> dict[str, dict[str, str | None]]:
    return {
        e.attrs.get("alt") or "": e.attrs
        for e in elements(text)
        if e.tag == "img" and "data-assets-tool" in e.attrs
    }


def test_every_form_is_rewritten_and_only_those(site: Path) -> None:
    post = site / "_posts/2025-02-01-forms.md"
    original = post.read_bytes()
    result = run_cli("build", site)
    assert result.returncode == 0, result.stderr
    text = post.read_bytes().decode("utf-8")

    imgs = _generated(text)
    expected = {"raw", 'md "quoted" & <b>', "ref", "sub", "abs", "liquid", "korean", "shot", "liar"}
    assert set(imgs) == expected
    assert imgs["raw"]["width"] == "400" and imgs["raw"]["height"] == "533"
    assert imgs['md "quoted" & <b>']["title"] == "A title"
    assert imgs['md "quoted" & <b>']["class"] == "shadow"
    assert imgs['md "quoted" & <b>']["width"] == "300"
    for url in image_urls(text):
        assert (site / unquote(url).lstrip("/")).is_file(), url

    # what must be left alone is still there, byte for byte
    for kept in (
        "![ext](https://example.com/x.jpg)",
        "![svg](/assets/img/logo.svg)",
        "`![code](/assets/img/photo.jpg)`",
        '```html\r\n<img src="/assets/img/photo.jpg">\r\n```',
        '<!-- <img src="/assets/img/photo.jpg"> -->',
        '[pic]: /assets/img/photo.jpg "Ref title"',
        "image:\r\n  path: /assets/img/cover.jpg",
        'title: "모든 형식"',
    ):
        assert kept in text, kept
    assert text.count("\r\n") == original.decode("utf-8").count("\r\n")

    # idempotent, and revertible to the exact bytes
    snapshot = tree_digest(site)
    assert run_cli("build", site).returncode == 0
    assert tree_digest(site) == snapshot
    assert run_cli("build", site, "--revert").returncode == 0
    assert post.read_bytes() == original


def test_front_matter_image_is_cleaned_but_not_rewritten(site: Path, location_tags) -> None:  # type: ignore[no-untyped-def]
    assert location_tags(site / "assets/img/cover.jpg")
    assert run_cli("build", site).returncode == 0
    assert location_tags(site / "assets/img/cover.jpg") == {}


def test_screenshot_stays_lossless_and_photo_stays_colour_correct(site: Path) -> None:
    assert run_cli("build", site).returncode == 0
    text = (site / "_posts/2025-02-01-forms.md").read_text(encoding="utf-8")
    imgs = _generated(text)

    shot_src = imgs["shot"]["src"] or ""
    assert shot_src.endswith(".png")
    with (
        Image.open(site / shot_src.lstrip("/")) as out,
        Image.open(site / "assets/img/screen.png") as src,
    ):
        assert out.size == src.size and out.mode == "RGBA"
        assert out.tobytes() == src.convert("RGBA").tobytes(), "screenshot must be lossless"

    for el in elements(text):
        if el.tag == "source" and el.attrs.get("type") == "image/avif":
            avif_url = (el.attrs.get("srcset") or "").split(",")[-1].split()[0]
            break
    with Image.open(site / avif_url.lstrip("/")) as out:
        out.load()
        assert out.height > out.width
        icc = out.info.get("icc_profile")
        assert icc, "the Display P3 profile must travel with the variant"
        srgb = ImageCms.profileToProfile(
            out.convert("RGB"),
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
        )
        left, top, right, bottom = patch_box(*out.size)
        centre = srgb.getpixel(((left + right) // 2, (top + bottom) // 2))
        assert isinstance(centre, tuple)
        assert all(abs(a - b) <= 8 for a, b in zip(centre, PATCH_COLOR_AS_SRGB, strict=True)), (
            centre
        )

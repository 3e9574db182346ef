"""Rewritten markup through the CLI: CommonMark block structure, `sizes` and widths that follow
the stated width, the `content_width` setting, and what variants weigh on disk and on the wire.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown_it import MarkdownIt

from examples.make_site import generate_photos
from tests.build.layout_site import PHOTO, structure
from tests.helpers import elements, run_cli, srcset_urls

PHOTOS = {PHOTO.format(n=n): blob for n, (_, blob) in enumerate(generate_photos().items(), 1)}

COMMONMARK_BODY = """# A post

<img src="{p1}" alt="raw alone">

Text before <img src="{p2}" alt="raw mid-line" width="300"> and after.

<img src="{p3}" alt="raw first in a paragraph"> with text after it.

![markdown alone]({p4})

Some text ![markdown inline]({p5}) more text.

[![linked]({p6})]({p6})

- ![in a list]({p1})
- second

<div class="figure">
<img src="{p7}" alt="in a div">
</div>
"""


def _site(root: Path, body: str, post: str, config: str = "") -> Path:
    for rel, blob in PHOTOS.items():
        path = root / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
    (root / post).parent.mkdir(parents=True, exist_ok=True)
    text = body.format(**{f"p{n}": PHOTO.format(n=n) for n in range(1, 8)})
    (root / post).write_text(text, encoding="utf-8")
    return root / post


def test_commonmark_block_structure_is_unchanged(tmp_path: Path) -> None:
    # an Eleventy-like site: no _config.yml, Markdown rendered by markdown-it with html on
    (tmp_path / "assets-tool.toml").write_text('posts = ["posts/*.md"]\n', encoding="utf-8")
    post = _site(tmp_path, COMMONMARK_BODY, "posts/a.md")
    original = post.read_text(encoding="utf-8")
    result = run_cli("build", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    rewritten = post.read_text(encoding="utf-8")
    assert rewritten != original
    md = MarkdownIt("commonmark", {"html": True})
    before, after = md.render(original), md.render(rewritten)
    assert structure(after) == structure(before)
    assert structure(before).count("IMAGE") == 8
    assert after.count("<picture>") >= 4  # AVIF offered wherever the structure allows it
    assert "/assets/img/variants/" in after


SIZES_BODY = """---
title: sizes
---
![unstated]({p1})

![thirty percent]({p1}){{: width="30%"}}

<img src="{p2}" alt="pixels" width="400">

<img src="{p3}" alt="viewport" style="width: 50vw">

<img src="{p4}" alt="own sizes" sizes="(min-width: 60em) 50vw, 100vw">
"""


def _imgs(post: Path) -> list[dict[str, str | None]]:
    return [e.attrs for e in elements(post.read_text(encoding="utf-8")) if e.tag == "img"]


def _widths(srcset: str | None) -> list[int]:
    return [int(m) for m in re.findall(r"-(\d+)-[0-9a-f]{10}\.", " ".join(srcset_urls(srcset)))]


def test_sizes_and_widths_follow_the_stated_width(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: t\ntheme: minima\n", encoding="utf-8")
    post = _site(tmp_path, SIZES_BODY, "_posts/2025-01-01-sizes.md")
    result = run_cli("build", tmp_path, "--markup", "picture")
    assert result.returncode == 0, result.stdout + result.stderr
    unstated, percent, pixels, viewport, own = _imgs(post)
    # minima's column is 740 px; unsized: the column at 1-3x and a 400 px phone at 1-3x
    assert unstated["sizes"] == "(max-width: 740px) 100vw, 740px"
    assert _widths(unstated["srcset"]) == [400, 740, 800, 1200, 1480, 2220]
    assert (unstated["width"], unstated["height"]) == ("3000", "4000")
    assert unstated["style"] == "height:auto; aspect-ratio:3000/4000"
    # 30% of a 740 px column is 222 px: 222, 444, 666 px rendered, not a 2400 px ladder
    assert percent["sizes"] == "(max-width: 740px) 30vw, 222px"
    assert _widths(percent["srcset"]) == [222, 444, 666]
    assert (percent["width"], percent.get("height")) == ("30%", None)
    assert pixels["sizes"] == "(max-width: 400px) 100vw, 400px"
    assert _widths(pixels["srcset"]) == [400, 800, 1200]
    assert (pixels["width"], pixels["height"]) == ("400", "533")
    assert viewport["sizes"] == "50vw"
    assert _widths(viewport["srcset"]) == [640, 1280, 1920]
    assert viewport["style"] == "width: 50vw; height:auto; aspect-ratio:3000/4000"
    assert own["sizes"] == "(min-width: 60em) 50vw, 100vw"
    # one mid-size JPEG fallback per image (the middle of its widths), not one per width
    folder = tmp_path / "assets/img/variants"
    jpegs = sorted("-".join(p.name.split("-")[:2]) for p in folder.glob("*.jpg"))
    assert jpegs == ["1-1200", "1-444", "2-800", "3-1280", "4-1200"]


def test_content_width_setting_changes_sizes(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text(
        "title: t\nassets_tool:\n  content_width: 600\n", encoding="utf-8"
    )
    post = _site(tmp_path, SIZES_BODY, "_posts/2025-01-01-sizes.md")
    result = run_cli("build", tmp_path, "--markup", "picture")
    assert result.returncode == 0, result.stdout + result.stderr
    unstated, percent, *_ = _imgs(post)
    assert unstated["sizes"] == "(max-width: 600px) 100vw, 600px"
    assert percent["sizes"] == "(max-width: 600px) 30vw, 180px"
    assert _widths(percent["srcset"]) == [180, 360, 540]
    again = run_cli("build", tmp_path, "--markup", "picture", "--content-width", "500")
    assert again.returncode == 0, again.stderr
    assert _imgs(post)[1]["sizes"] == "(max-width: 500px) 30vw, 150px"
    bad = run_cli("build", tmp_path, "--content-width", "-3")
    assert bad.returncode == 2


# measured before this ladder: a 1x browser at a 1280 px viewport, given `sizes="100vw"`,
# fetched the seven 1600 px AVIFs of the unsized example post (287,078 bytes)
BEFORE_1X_DESKTOP_BYTES = 287_078


def test_variants_weigh_at_most_half_the_originals(example_site: Path) -> None:
    post = next((example_site / "_posts").glob("*.md"))
    # every photo at no stated width: the ladder that used to weigh 0.65x the originals
    post.write_text(post.read_text(encoding="utf-8").replace(" width=400", ""), encoding="utf-8")
    originals = sum(p.stat().st_size for p in (example_site / "assets/img/photos").rglob("*.jpg"))
    result = run_cli("build", example_site, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    variants = sum(p.stat().st_size for p in (example_site / "assets/img/variants").iterdir())
    assert variants <= 0.5 * originals, (variants, originals)
    # what a 1x browser fetches at the column's width (the site is Chirpy's: WebP); the
    # bound is the smaller AVIF figure of the old ladder, its WebPs weighed more
    assert report["bytes_after"] <= BEFORE_1X_DESKTOP_BYTES, report["bytes_after"]

"""Variant names keep the letters of any script; their URLs stay percent-encoded in markup."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

from PIL import Image

from tests.helpers import elements, run_cli, srcset_urls, tree_digest

PHOTOS = "assets/img/photos/jenson"
VARIANTS = "assets/img/variants"
NAMES = {"Brügge1.jpg": "brügge1-", "젠슨 황.jpg": "젠슨-황-"}  # file -> its variants' prefix
POST = (
    "---\ntitle: names\n---\n\n"
    "![bruges](/assets/img/Brügge1.jpg)\n\n![jenson](</assets/img/젠슨 황.jpg>)\n"
)
# what the old slug ([a-z0-9-] only) named Brügge1's variants: a build must prune them
OLD_NAME = "br-gge1-400-0123456789.jpg"


def test_unicode_names_round_trip_through_build_check_rebuild_and_revert(
    example_site: Path,
) -> None:
    site = example_site
    for name, number in zip(NAMES, (4, 5), strict=True):
        shutil.copyfile(site / PHOTOS / f"{number}.jpg", site / "assets/img" / name)
    post = site / "_posts/2025-03-01-names.md"
    post.write_text(POST, encoding="utf-8")
    (site / VARIANTS).mkdir(parents=True)
    (site / VARIANTS / OLD_NAME).write_bytes(b"old")
    manifest = {"version": 1, "variants": {OLD_NAME: 3}}
    (site / VARIANTS / "assets-tool-manifest.json").write_text(json.dumps(manifest))

    built = run_cli("build", site)
    assert built.returncode == 0, built.stderr
    assert not (site / VARIANTS / OLD_NAME).exists()
    assert "1 old variants removed" in built.stderr
    variants = sorted(p.name for p in (site / VARIANTS).iterdir())
    for prefix in NAMES.values():
        assert any(n.startswith(prefix) for n in variants), (prefix, variants)
    assert not any(n.startswith("br-gge1-") or n.startswith("-") for n in variants)

    # the markup names each variant by its percent-encoded URL, which maps back to the file
    imgs = [e for e in elements(post.read_text(encoding="utf-8")) if e.tag == "img"]
    assert len(imgs) == 2
    for img in imgs:
        urls = [img.attrs["src"] or "", *srcset_urls(img.attrs["srcset"])]
        for url in urls:
            assert url.isascii() and "%" in url, url
            with Image.open(site / unquote(url).lstrip("/")) as decoded:
                assert decoded.width > 0

    assert run_cli("build", site, "--check").returncode == 0
    snapshot = tree_digest(site)
    again = run_cli("build", site)
    assert again.returncode == 0, again.stderr
    assert tree_digest(site) == snapshot
    reverted = run_cli("build", site, "--revert")
    assert reverted.returncode == 0, reverted.stderr
    assert post.read_text(encoding="utf-8") == POST

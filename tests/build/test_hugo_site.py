"""Hugo, for real: `assets-tool build` on a Hugo site with a page bundle and `static/`, then
Debian's `hugo` (goldmark's `unsafe` left off), then Chromium over HTTP, against the same
site built untouched. Markdown stays as written; images reach the page through the render
hook and its data file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assets_tool.build import load_site_config
from examples.photogen import make_photo
from tests.build.browser import PageView, view_pages
from tests.helpers import run_cli, serve, tree_digest

PAGES = ["/posts/trip/", "/posts/notes/"]
TRIP = """---
title: Trip
---
We walked to the lake before sunrise.

![The lake at dawn](lake.jpg "Dawn")

On the way back, the hill: ![Hill](/images/hill.jpg)
"""
NOTES = """---
title: Notes
---
![The hill again](/images/hill.jpg)

A reference-style one:

![Hill by reference][hill]

[hill]: /images/hill.jpg
"""
BASEOF = """<!doctype html>
<html><head><meta charset="utf-8"><title>{{ .Title }}</title>
<style>body{margin:0} article{width:720px;margin:0 auto} img{max-width:100%}</style>
</head><body>{{ block "main" . }}{{ end }}</body></html>
"""
MAIN = '{{ define "main" }}<article>{{ .Content }}</article>{{ end }}\n'


def write_hugo_site(root: Path, lake: bytes, hill: bytes) -> Path:
    """Write a small Hugo site: a page bundle, a plain page, a static image, a bare theme."""
    files = {
        "hugo.toml": 'baseURL = "http://example.org/"\ntitle = "Trips"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n',
        "assets-tool.toml": "widths = [480, 1200]\n",
        "content/_index.md": "---\ntitle: Home\n---\nHello.\n",
        "content/posts/trip/index.md": TRIP,
        "content/posts/notes.md": NOTES,
        "layouts/_default/baseof.html": BASEOF,
        "layouts/_default/single.html": MAIN,
        "layouts/_default/list.html": MAIN,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "content/posts/trip/lake.jpg").write_bytes(lake)
    (root / "static/images").mkdir(parents=True)
    (root / "static/images/hill.jpg").write_bytes(hill)
    return root


def hugo(root: Path) -> Path:
    """Build `root` with Debian's hugo into `root/public`."""
    shutil.rmtree(root / "public", ignore_errors=True)
    subprocess.run(["hugo", "--quiet", "--source", str(root)], check=True, capture_output=True)
    return root / "public"


def sources(root: Path) -> dict[str, str]:
    """Digest every file of the site but what the generator writes."""
    return {
        rel: digest
        for rel, digest in tree_digest(root).items()
        if not rel.startswith(("public/", "resources/", ".hugo_build.lock"))
    }


@pytest.fixture(scope="module")
def hugo_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both sites built: one untouched, one through `assets-tool build` first."""
    lake, hill = make_photo(seed=1), make_photo(seed=2)  # 12 MP, Orientation 6, P3, GPS
    base = tmp_path_factory.mktemp("hugo")
    untouched = write_hugo_site(base / "untouched", lake, hill)
    site = write_hugo_site(base / "site", lake, hill)
    before = sources(site)
    first = run_cli("build", site)
    assert first.returncode == 0, first.stdout + first.stderr
    built_sources = sources(site)
    views = {}
    for name, root in (("untouched", untouched), ("site", site)):
        with serve(hugo(root)) as url:
            views[name] = view_pages(url, PAGES)
    return {"site": site, "before": before, "after": built_sources, "views": views}


def test_markdown_is_left_as_written_and_the_hook_is_installed(hugo_sites: dict[str, Any]) -> None:
    site: Path = hugo_sites["site"]
    before, after = hugo_sites["before"], hugo_sites["after"]
    for rel in ("content/posts/trip/index.md", "content/posts/notes.md"):
        assert after[rel] == before[rel], f"{rel} was edited"
    assert "data/assets_tool/images.json" in after
    hook = site / "layouts/_default/_markup/render-image.html"
    assert "assets-tool" in hook.read_text(encoding="utf-8")
    variants = [rel for rel in after if rel.startswith("static/assets/img/variants/")]
    assert any(rel.endswith(".avif") for rel in variants), variants


def test_every_article_image_is_an_avif_variant_in_picture(hugo_sites: dict[str, Any]) -> None:
    views: dict[str, PageView] = hugo_sites["views"]["site"]
    for path, view in views.items():
        assert len(view.images) == 2, (path, view.images)
        for image in view.images:
            assert image["parent"] == "picture", (path, image)
            assert "/assets/img/variants/" in image["current"], (path, image)
            assert image["current"].endswith(".avif"), (path, image)
        assert view.failed == [], (path, view.failed)
        assert "raw HTML omitted" not in view.html


def test_boxes_and_blocks_equal_the_untouched_site(hugo_sites: dict[str, Any]) -> None:
    plain: dict[str, PageView] = hugo_sites["views"]["untouched"]
    ours: dict[str, PageView] = hugo_sites["views"]["site"]
    for path in PAGES:
        assert ours[path].blocks == plain[path].blocks, path
        assert [i["box"] for i in ours[path].images] == [i["box"] for i in plain[path].images]
        assert all(h > w for w, h in (i["box"] for i in ours[path].images)), "upright photos"


def test_published_originals_carry_no_location(
    hugo_sites: dict[str, Any], location_tags: Callable[[Path], dict[str, Any]]
) -> None:
    public = hugo_sites["site"] / "public"
    for rel in ("posts/trip/lake.jpg", "images/hill.jpg"):
        assert (public / rel).is_file()
        assert location_tags(public / rel) == {}, rel


def test_build_on_public_still_works(hugo_sites: dict[str, Any]) -> None:
    public = hugo_sites["site"] / "public"
    again = run_cli("build", public)
    assert again.returncode == 0, again.stdout + again.stderr
    check = run_cli("build", public, "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    # the hook's <source> variants are named only in srcset: they must survive the build
    assert list((public / "assets/img/variants").glob("*.avif"))


def test_second_build_changes_nothing_and_revert_restores(hugo_sites: dict[str, Any]) -> None:
    site: Path = hugo_sites["site"]
    again = run_cli("build", site)
    assert again.returncode == 0, again.stderr
    assert sources(site) == hugo_sites["after"]
    assert run_cli("build", site, "--check").returncode == 0
    data = site / "data/assets_tool/images.json"
    data.write_text("{}\n", encoding="utf-8")
    stale = run_cli("build", site, "--check")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert f"would write: {data}" in stale.stdout
    reverted = run_cli("build", site, "--revert")
    assert reverted.returncode == 0, reverted.stderr
    now = sources(site)
    assert not (site / "data").exists() and not (site / "layouts/_default/_markup").exists()
    kept = {rel: d for rel, d in now.items() if not rel.startswith("static/assets/img/variants/")}
    originals = ("content/posts/trip/lake.jpg", "static/images/hill.jpg")  # stripped, kept so
    before = hugo_sites["before"]
    assert {r: d for r, d in kept.items() if r not in originals} == {
        r: d for r, d in before.items() if r not in originals
    }


@pytest.mark.parametrize("where", ["layouts", "themes/plain/layouts"])
def test_an_existing_render_hook_is_kept_and_named(tmp_path: Path, where: str) -> None:
    site = write_hugo_site(tmp_path / "site", make_photo(640, 480, seed=1), make_photo(seed=2))
    config = site / "hugo.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'theme = "plain"\n', encoding="utf-8")
    own = site / where / "_default/_markup/render-image.html"
    own.parent.mkdir(parents=True)
    own.write_text('<img src="{{ .Destination }}" class="mine">\n', encoding="utf-8")
    result = run_cli("build", site, "--widths", "480")
    assert result.returncode == 0, result.stderr
    assert own.read_text(encoding="utf-8") == '<img src="{{ .Destination }}" class="mine">\n'
    assert not (site / "layouts/_default/_markup/render-image.html").exists() or where == "layouts"
    assert f"{own}: the site has its own image render hook" in result.stderr
    data = json.loads((site / "data/assets_tool/images.json").read_text(encoding="utf-8"))
    assert set(data["site"]) == {"/images/hill.jpg"}
    assert set(data["pages"]["posts/trip/index.md"]) == {"lake.jpg"}


def test_public_takes_the_base_path_of_base_url(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('baseURL = "https://me.example.org/blog/"\n')
    (tmp_path / "assets-tool.toml").write_text("widths = [480]\n")
    page = tmp_path / "public/posts/a/index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<p><img src="/blog/images/a.jpg" alt="a"></p>\n', encoding="utf-8")
    (tmp_path / "public/images").mkdir()
    (tmp_path / "public/images/a.jpg").write_bytes(make_photo(640, 480, seed=3))
    config = load_site_config(tmp_path / "public")
    assert (config.baseurl, config.widths) == ("blog", (480,))
    result = run_cli("build", tmp_path / "public")
    assert result.returncode == 0, result.stderr
    assert 'src="/blog/assets/img/variants/a-480-' in page.read_text(encoding="utf-8")

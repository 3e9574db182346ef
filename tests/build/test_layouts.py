"""Which pages a site publishes: Jekyll's `include:`, `_pages/`, output collections and a
README without front matter, built for real; and a folder with no known layout at all."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from examples.photogen import make_photo
from tests.build.browser import view_pages
from tests.helpers import run_cli, serve

CONFIG = """title: Pages
include: [_pages]
collections:
  recipes:
    output: true
    permalink: /recipes/:name/
  drafts_box:
    output: false
defaults:
  - scope: {path: ""}
    values: {layout: default}
exclude: [assets-tool.toml]
assets_tool:
  widths: [480, 1200]
"""
LAYOUT = """<!doctype html><html><head><meta charset="utf-8">
<style>article{width:720px} img{max-width:100%}</style></head>
<body><article>{{ content }}</article></body></html>
"""
FILES = {
    "_config.yml": CONFIG,
    "_layouts/default.html": LAYOUT,
    "_pages/about.md": "---\npermalink: /about/\n---\nHello.\n\n![Me](/assets/img/me.jpg)\n",
    "_recipes/soup.md": "---\ntitle: Soup\nimage: /assets/img/soup.jpg\n---\n"
    "![Soup](/assets/img/soup.jpg)\n",
    "_drafts_box/unpublished.md": "---\n---\n![x](/assets/img/nowhere.jpg)\n",
    "guide/index.md": "---\ntitle: Guide\n---\n![Map](/assets/img/map.jpg)\n",
    "README.md": "# Pages\n\n![Screenshot](/assets/img/readme-shot.png)\n",
}
PAGES = ["/about/", "/recipes/soup/", "/guide/"]


def write_jekyll_site(root: Path) -> Path:
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    img = root / "assets/img"
    img.mkdir(parents=True)
    (img / "me.jpg").write_bytes(make_photo(seed=3))  # 12 MP, Orientation 6, P3, GPS
    (img / "soup.jpg").write_bytes(make_photo(1200, 900, seed=4))
    return root


@pytest.fixture(scope="module")
def jekyll_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jekyll_site(tmp_path_factory.mktemp("jekyll") / "site")


def test_scan_lists_included_pages_and_collections_not_the_readme(jekyll_site: Path) -> None:
    result = run_cli("scan", "--json", jekyll_site)
    report = json.loads(result.stdout)
    posts = {Path(r["post"]).relative_to(jekyll_site).as_posix() for r in report["references"]}
    assert posts == {"_pages/about.md", "_recipes/soup.md", "guide/index.md"}
    kinds = sorted(r["kind"] for r in report["references"] if r["post"].endswith("soup.md"))
    assert kinds == ["front-matter", "markdown"]
    # the missing image of a page outside the default folders is reported
    assert result.returncode == 1
    assert len(report["errors"]) == 1 and "guide/index.md:4" in report["errors"][0]
    assert "map.jpg" in report["errors"][0]


def test_build_then_jekyll_serves_every_page_from_variants(jekyll_site: Path) -> None:
    (jekyll_site / "assets/img/map.jpg").write_bytes(make_photo(1200, 900, seed=5))
    built = run_cli("build", jekyll_site)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "README" not in built.stdout + built.stderr
    assert (jekyll_site / "README.md").read_text(encoding="utf-8") == FILES["README.md"]
    dest = jekyll_site / "_site"
    shutil.rmtree(dest, ignore_errors=True)
    subprocess.run(
        ["jekyll", "build", "--quiet", "--source", str(jekyll_site), "--destination", str(dest)],
        check=True,
        capture_output=True,
    )
    with serve(dest) as url:
        views = view_pages(url, PAGES)
    for path, view in views.items():
        assert len(view.images) == 1, (path, view.images)
        image = view.images[0]
        # an image alone on its line stays a kramdown span (<img srcset> in WebP), elsewhere
        # a <picture> whose AVIF the browser takes
        modern = ".avif" if image["parent"] == "picture" else ".webp"
        assert "/assets/img/variants/" in image["current"], (path, view.html)
        assert image["current"].endswith(modern), (path, image)
        assert view.failed == [], (path, view.failed)


@pytest.mark.parametrize("command", [("scan",), ("build",), ("scan", "--json")])
def test_no_known_layout_is_an_error_that_says_what_was_looked_for(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/a.md").write_text("![x](/img/a.jpg)\n", encoding="utf-8")
    result = run_cli(*command, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    said = result.stdout + result.stderr
    for layout in ("Jekyll", "_config.yml", "Hugo", "hugo.toml", "Eleventy", ".eleventy.js"):
        assert layout in said, layout
    assert "`posts`" in said and "README" in said
    assert "0 references, 0 errors" not in said


def test_posts_setting_opens_a_folder_of_unknown_layout(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/a.md").write_text("![x](/img/a.jpg)\n", encoding="utf-8")
    (tmp_path / "img").mkdir()
    (tmp_path / "img/a.jpg").write_bytes(make_photo(640, 480, seed=6))
    (tmp_path / "assets-tool.toml").write_text('posts = ["notes/*.md"]\n', encoding="utf-8")
    result = run_cli("scan", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "notes/a.md:1: /img/a.jpg" in result.stdout

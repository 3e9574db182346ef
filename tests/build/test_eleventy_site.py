"""Eleventy: the input folder from `.eleventy.js`, `permalink:` front matter, and relative srcs
resolved against the published URL, through the CLI; then, when Eleventy can be installed
from npm, a real Eleventy build judged in Chromium against the same site built untouched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from examples.photogen import make_photo
from tests.build.browser import view_pages
from tests.helpers import run_cli, serve

ELEVENTY = """module.exports = function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy("src/img");
  eleventyConfig.addPassthroughCopy("src/assets");
  return { dir: { input: "src", output: "_site" } };
};
"""
# the theme keeps boxes with height:auto (the markup's own height:auto, for themes without
# it, is the markup's concern; the Hugo test checks such a theme through the render hook)
BASE = """<!doctype html><html><head><meta charset="utf-8">
<style>body{margin:0} article{width:720px} img{max-width:100%;height:auto}</style></head>
<body><article>{{ content | safe }}</article></body></html>
"""
FILES = {
    ".eleventy.js": ELEVENTY,
    "assets-tool.toml": "widths = [480, 1200]\n",
    "src/_includes/base.njk": BASE,
    "src/index.md": "---\nlayout: base.njk\n---\nHome.\n\n![Hill](img/hill.jpg)\n",
    # published at /trips/lake/: relative to that URL, not to src/posts/
    "src/posts/trip.md": "---\nlayout: base.njk\npermalink: /trips/lake/\n---\n"
    "Before sunrise.\n\n![The lake](../../img/lake.jpg)\n",
}
WRONG = "---\nlayout: base.njk\n---\n![Hill](../img/hill.jpg)\n"  # /posts/wrong/ -> /posts/img/
PAGES = ["/", "/trips/lake/"]


def write_eleventy_site(root: Path) -> Path:
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "src/img").mkdir(parents=True)
    (root / "src/img/lake.jpg").write_bytes(make_photo(seed=7))  # 12 MP, GPS
    (root / "src/img/hill.jpg").write_bytes(make_photo(1600, 1200, seed=8))
    return root


@pytest.fixture(scope="module")
def eleventy_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_eleventy_site(tmp_path_factory.mktemp("eleventy") / "site")


def test_scan_resolves_against_permalinks_and_page_urls(eleventy_site: Path) -> None:
    wrong = eleventy_site / "src/posts/wrong.md"
    wrong.write_text(WRONG, encoding="utf-8")
    result = run_cli("scan", "--json", eleventy_site)
    wrong.unlink()
    report = json.loads(result.stdout)
    files = {
        Path(r["post"]).relative_to(eleventy_site).as_posix(): r["file"]
        for r in report["references"]
        if r["status"] == "ok"
    }
    assert files == {
        "src/index.md": str(eleventy_site / "src/img/hill.jpg"),
        "src/posts/trip.md": str(eleventy_site / "src/img/lake.jpg"),
    }
    # the browser asks /posts/wrong/'s ../img/hill.jpg at /posts/img/hill.jpg: not published
    assert result.returncode == 1
    assert len(report["errors"]) == 1 and "src/posts/wrong.md:4" in report["errors"][0]


def test_build_writes_variants_into_the_input_folder(eleventy_site: Path) -> None:
    built = run_cli("build", eleventy_site)
    assert built.returncode == 0, built.stdout + built.stderr
    assert list((eleventy_site / "src/assets/img/variants").glob("lake-*.avif"))
    trip = (eleventy_site / "src/posts/trip.md").read_text(encoding="utf-8")
    assert 'src="/assets/img/variants/lake-' in trip
    assert 'data-assets-tool-from="/img/lake.jpg"' in trip  # the site-root URL of the original


@pytest.fixture(scope="module")
def eleventy_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install Eleventy 2 from npm into a throw-away folder (the npm cache makes it offline)."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: Eleventy itself cannot be run")
    folder = tmp_path_factory.mktemp("eleventy-cli")
    install = ["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "@11ty/eleventy@2"]
    try:
        done = subprocess.run(install, cwd=folder, capture_output=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip("installing @11ty/eleventy from npm timed out")
    if done.returncode != 0:
        pytest.skip(f"@11ty/eleventy could not be installed from npm: {done.stderr[-300:]!r}")
    return folder / "node_modules/.bin/eleventy"


def eleventy_build(cli: Path, root: Path) -> Path:
    shutil.rmtree(root / "_site", ignore_errors=True)
    subprocess.run([str(cli), "--quiet"], cwd=root, check=True, capture_output=True, timeout=300)
    return root / "_site"


def test_eleventy_pages_serve_variants_with_the_untouched_boxes(
    eleventy_site: Path, eleventy_cli: Path, tmp_path: Path
) -> None:
    untouched = write_eleventy_site(tmp_path / "untouched")
    if not list((eleventy_site / "src/assets/img/variants").glob("*.avif")):
        assert run_cli("build", eleventy_site).returncode == 0
    views = {}
    for name, root in (("untouched", untouched), ("site", eleventy_site)):
        with serve(eleventy_build(eleventy_cli, root)) as url:
            views[name] = view_pages(url, PAGES)
    for path in PAGES:
        ours, plain = views["site"][path], views["untouched"][path]
        assert ours.blocks == plain.blocks, path
        assert [i["box"] for i in ours.images] == [i["box"] for i in plain.images], path
        for image in ours.images:
            assert image["parent"] == "picture", (path, ours.html)
            assert "/assets/img/variants/" in image["current"] and image["current"].endswith(
                ".avif"
            )
        assert ours.failed == [], (path, ours.failed)

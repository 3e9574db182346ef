"""Variant URLs a reader's browser can load: baseurl of built sites, page-relative srcs."""

from __future__ import annotations

import json
import posixpath
import shutil
from pathlib import Path

import pytest

from examples.photogen import make_photo
from tests.helpers import image_urls, run_cli, tree_digest

PHOTO = make_photo(480, 360, seed=11, orientation=1)

PAGE = """<html><body>
<p><img src="/blog/assets/img/a.jpg" alt="absolute"></p>
<p><a href="/blog/assets/img/a.jpg" class="popup img-link">
<img src="/blog/assets/img/a.jpg" alt="linked"></a></p>
</body></html>
"""


def _built_site(root: Path, page: str = PAGE) -> Path:
    """Write a page and its photo as `jekyll build` leaves them: no _config.yml inside."""
    (root / "posts/x").mkdir(parents=True)
    (root / "posts/x/index.html").write_text(page, encoding="utf-8")
    (root / "assets/img").mkdir(parents=True)
    (root / "assets/img/a.jpg").write_bytes(PHOTO)
    return root


def _assert_served(root: Path, base: str) -> list[str]:
    """Every image URL of the page is a variant under `base` that exists in the built site."""
    urls = image_urls((root / "posts/x/index.html").read_text(encoding="utf-8"))
    assert urls
    for url in urls:
        assert url.startswith(f"{base}/assets/img/variants/"), url
        assert (root / url.removeprefix(base).lstrip("/")).is_file(), url
    return urls


@pytest.mark.parametrize("layout", ["_site/blog", "_site"])
def test_built_site_is_served_under_the_sources_baseurl(tmp_path: Path, layout: str) -> None:
    # Chirpy's deploy workflow builds into _site/<base path>; a plain `jekyll build` into _site
    (tmp_path / "_config.yml").write_text(
        'url: "https://me.github.io"\nbaseurl: "/blog"\n', encoding="utf-8"
    )
    root = _built_site(tmp_path / layout)
    result = run_cli("build", root, "--workers", "1")
    assert result.returncode == 0, result.stderr
    _assert_served(root, "/blog")
    assert run_cli("build", root, "--check", "--workers", "1").returncode == 0


def test_unknown_baseurl_names_the_setting_that_fixes_it(tmp_path: Path) -> None:
    root = _built_site(tmp_path / "blog")
    result = run_cli("build", root, "--workers", "1")
    assert result.returncode == 1
    assert "posts/x/index.html:2:" in result.stderr
    assert "set `baseurl: /blog`" in result.stderr
    assert "Traceback" not in result.stderr


def test_page_relative_srcs_get_page_relative_variant_urls(tmp_path: Path) -> None:
    # a hand-written HTML site may be served under any path: keep its URLs relative
    page = '<p><img src="../../img/a.jpg" alt="up two"></p>\n<p><img src="b.jpg" alt="here"></p>\n'
    root = tmp_path / "site"
    (root / "posts/x").mkdir(parents=True)
    (root / "posts/x/index.html").write_text(page, encoding="utf-8")
    (root / "img").mkdir()
    (root / "img/a.jpg").write_bytes(PHOTO)
    (root / "posts/x/b.jpg").write_bytes(make_photo(400, 300, seed=12, orientation=1))
    result = run_cli("build", root, "--workers", "1")
    assert result.returncode == 0, result.stderr
    urls = image_urls((root / "posts/x/index.html").read_text(encoding="utf-8"))
    assert urls
    for url in urls:
        assert url.startswith("../../assets/img/variants/"), url
        assert (root / posixpath.normpath(f"posts/x/{url}")).is_file(), url
    before = tree_digest(root)
    assert run_cli("build", root, "--workers", "1").returncode == 0
    assert tree_digest(root) == before
    assert run_cli("build", root, "--revert").returncode == 0
    assert (root / "posts/x/index.html").read_text(encoding="utf-8") == page


def test_built_site_takes_the_sources_settings(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text(
        "assets_tool:\n  output_dir: assets/v\n  avif_quality: 50\n  markup: picture\n"
        "  posts: [_posts/*.md]\n",
        encoding="utf-8",
    )
    (tmp_path / "_posts").mkdir()
    post = tmp_path / "_posts/2025-01-01-p.md"
    post.write_text('<img src="/assets/img/a.jpg" width="200" alt="a">\n', encoding="utf-8")
    (tmp_path / "assets/img").mkdir(parents=True)
    (tmp_path / "assets/img/a.jpg").write_bytes(PHOTO)
    assert run_cli("build", tmp_path, "--workers", "1").returncode == 0
    # what `jekyll build` makes of it: the post's HTML in a page, the assets copied
    built = tmp_path / "_site"
    (built / "p").mkdir(parents=True)
    (built / "p/index.html").write_text(post.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(tmp_path / "assets", built / "assets")
    result = run_cli("build", built, "--json", "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["variants_written"] == 0  # nothing encoded twice
    assert not (built / "assets/img/variants").exists()
    urls = image_urls((built / "p/index.html").read_text(encoding="utf-8"))
    assert urls and all(url.startswith("/assets/v/") for url in urls)

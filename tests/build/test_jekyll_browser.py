"""The whole deploy path, for real: assets-tool on the sources, Jekyll (kramdown) building the
site through an emulation of Chirpy's image post-processing, assets-tool on `_site`, and
Chromium loading the page.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.build.browser import CHROMIUM_ARGS
from tests.helpers import elements, image_urls, run_cli, serve

HERE = Path(__file__).resolve().parent
POST_URL = "/posts/ces-2025-keynote-1/"


def _jekyll_build(site: Path) -> Path:
    """Build `site` with Debian's jekyll, using the test layouts instead of the Chirpy gem."""
    config = site / "_config.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("theme: jekyll-theme-chirpy\n", ""), encoding="utf-8")
    for folder in ("_layouts", "_includes"):
        shutil.copytree(HERE / "jekyll" / folder, site / folder, dirs_exist_ok=True)
    dest = site / "_site"
    subprocess.run(
        ["jekyll", "build", "--quiet", "--source", str(site), "--destination", str(dest)],
        check=True,
        capture_output=True,
        text=True,
    )
    config.write_text(text, encoding="utf-8")
    return dest


def _assert_urls_resolve(root: Path, html: str) -> list[str]:
    urls = image_urls(html)
    assert urls
    for url in urls:
        assert url.startswith("/assets/img/variants/"), f"{url} is not a variant"
        assert (root / url.lstrip("/")).is_file(), f"{url} does not resolve"
    return urls


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the documented deploy: build sources, jekyll build, build _site."""
    from examples.make_site import make_site

    site = tmp_path_factory.mktemp("deploy") / "site"
    make_site(site)
    first = run_cli("build", site)
    assert first.returncode == 0, first.stderr
    built = _jekyll_build(site)
    page = built / POST_URL.strip("/") / "index.html"
    assert page.is_file(), sorted(str(p) for p in built.rglob("*.html"))
    (site / "chirpy-output.html").write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    second = run_cli("build", built)
    assert second.returncode == 0, second.stderr
    return site


def test_theme_safe_markup_survives_kramdown_and_chirpy(deployed: Path) -> None:
    html = (deployed / "chirpy-output.html").read_text(encoding="utf-8")
    imgs = [e for e in elements(html) if e.tag == "img"]
    assert len(imgs) == 7
    _assert_urls_resolve(deployed / "_site", html)
    for img in imgs:
        assert img.parent == "a", "the lightbox link must wrap the image"
        assert (img.attrs["src"] or "").endswith(".webp")
    links = [e for e in elements(html) if e.tag == "a" and "popup" in (e.attrs.get("class") or "")]
    assert len(links) == 7  # one lightbox per image, not one inside another


def test_build_on_site_gives_full_picture_markup(deployed: Path) -> None:
    built = deployed / "_site"
    html = (built / POST_URL.strip("/") / "index.html").read_text(encoding="utf-8")
    els = elements(html)
    imgs = [e for e in els if e.tag == "img"]
    assert len(imgs) == 7
    assert all(img.parent == "picture" for img in imgs)
    types = [e.attrs.get("type") for e in els if e.tag == "source"]
    assert types.count("image/avif") == 7 and types.count("image/webp") == 7
    _assert_urls_resolve(built, html)
    again = run_cli("build", built, "--check")
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.fixture(scope="module")
def server(deployed: Path) -> Iterator[str]:
    with serve(deployed / "_site") as url:
        yield url


@pytest.mark.browser
def test_chromium_loads_avif_variants_and_never_the_original(server: str, tmp_path: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=CHROMIUM_ARGS,
        )
        page = browser.new_page(viewport={"width": 800, "height": 900}, device_scale_factor=2)
        requested: list[str] = []
        failed: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.goto(server + POST_URL)
        for img in page.locator("img").all():
            img.scroll_into_view_if_needed()
            page.wait_for_function(
                "el => el.complete && el.naturalWidth > 0", arg=img.element_handle()
            )
        current = page.eval_on_selector_all("img", "els => els.map(e => e.currentSrc)")
        sizes = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.naturalWidth, e.naturalHeight])"
        )
        page.screenshot(path=str(tmp_path / "page.png"))
        browser.close()
    assert len(current) == 7
    assert all(src.endswith(".avif") for src in current), current
    assert all(h > w for w, h in sizes), "images must display upright (portrait)"
    assert failed == []
    assert not [u for u in requested if "/photos/jenson/" in u], "an original was downloaded"

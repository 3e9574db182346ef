"""Rewritten posts keep the page's layout: real kramdown through Jekyll, Chromium measuring.

One site built untouched and one built after `assets-tool build`, each post under three
theme stylesheets (height: auto / no height: auto / the theme's own width), loaded at a
desktop and a phone width: every image's box, the paragraphs and their attributes must be
the same, and every image must come from a variant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from examples.make_site import generate_photos
from tests.build.browser import CHROMIUM_ARGS
from tests.build.layout_site import (
    IMAGES_PER_POST,
    THEMES,
    jekyll_build,
    make_layout_site,
    post_url,
    structure,
)
from tests.helpers import run_cli, serve

VIEWPORTS = (1280, 375)
VARIANTS = "/assets/img/variants/"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the same site twice: untouched, and after `assets-tool build`."""
    photos = generate_photos()
    built = {}
    for name in ("before", "after"):
        root = tmp_path_factory.mktemp(name) / "site"
        make_layout_site(root, photos)
        if name == "after":
            result = run_cli("build", root)
            assert result.returncode == 0, result.stdout + result.stderr
        built[name] = jekyll_build(root)
    return built


def _measure(page: Page, url: str) -> dict[str, Any]:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(url)
    for img in page.locator("img").all():
        img.scroll_into_view_if_needed()
        page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img.element_handle())
    page.evaluate("window.scrollTo(0, 0)")
    found = page.eval_on_selector_all(
        "img",
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            return [r.x, r.y + window.scrollY, r.width, r.height, e.currentSrc];
        })""",
    )
    height = page.evaluate("document.documentElement.scrollHeight")
    return {
        "boxes": [f[:4] for f in found],
        "current": [f[4] for f in found],
        "height": height,
        "failed": failed,
    }


@pytest.fixture(scope="module")
def measured(sites: dict[str, Path]) -> dict[tuple[str, str, int], dict[str, Any]]:
    """Load every post of both sites in Chromium at each viewport width."""
    results: dict[tuple[str, str, int], dict[str, Any]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, folder in sites.items():
            with serve(folder) as base:
                for theme in THEMES:
                    for width in VIEWPORTS:
                        page = browser.new_page(viewport={"width": width, "height": 900})
                        results[(name, theme, width)] = _measure(page, base + post_url(theme))
                        page.close()
        browser.close()
    for theme in THEMES:
        for width in VIEWPORTS:
            before, after = (results[(n, theme, width)]["height"] for n in ("before", "after"))
            print(f"post height {theme} @{width}px: before {before}, after {after}")
    return results


@pytest.mark.browser
@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("width", VIEWPORTS)
def test_every_image_box_is_unchanged(
    measured: dict[tuple[str, str, int], dict[str, Any]], theme: str, width: int
) -> None:
    before, after = measured[("before", theme, width)], measured[("after", theme, width)]
    assert len(before["boxes"]) == len(after["boxes"]) == IMAGES_PER_POST
    for n, (old, new) in enumerate(zip(before["boxes"], after["boxes"], strict=True)):
        assert all(abs(a - b) <= 1 for a, b in zip(old, new, strict=True)), (n, old, new)
    assert abs(before["height"] - after["height"]) <= 1


@pytest.mark.browser
@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("width", VIEWPORTS)
def test_every_image_is_served_from_a_variant(
    measured: dict[tuple[str, str, int], dict[str, Any]], theme: str, width: int
) -> None:
    current = measured[("after", theme, width)]["current"]
    assert len(current) == IMAGES_PER_POST
    assert all(VARIANTS in src for src in current), current
    assert measured[("after", theme, width)]["failed"] == []
    assert measured[("before", theme, width)]["failed"] == []


def test_kramdown_block_structure_is_unchanged(sites: dict[str, Path]) -> None:
    for theme in THEMES:
        page = Path(post_url(theme).strip("/")) / "index.html"
        before = (sites["before"] / page).read_text(encoding="utf-8")
        after = (sites["after"] / page).read_text(encoding="utf-8")
        assert structure(after) == structure(before)
        assert structure(before).count("IMAGE") == IMAGES_PER_POST
        # the centred row keeps its paragraph and style
        assert "<p [('style', 'text-align: center;')]>" in structure(after)
        assert "<picture>" in after  # AVIF is offered wherever the structure allows it


def test_second_build_and_revert_leave_the_post_as_it_was(
    sites: dict[str, Path],
) -> None:
    root = sites["after"].parent
    post = root / "auto.md"
    rewritten = post.read_text(encoding="utf-8")
    again = run_cli("build", root)
    assert again.returncode == 0, again.stderr
    assert post.read_text(encoding="utf-8") == rewritten
    reverted = run_cli("build", root, "--revert")
    assert reverted.returncode == 0, reverted.stderr
    original = (sites["before"].parent / "auto.md").read_text(encoding="utf-8")
    assert post.read_text(encoding="utf-8") == original

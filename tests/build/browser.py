"""Chromium over a local HTTP server, for judging built pages as a reader's browser sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# every <img> in the article: its parent, what the browser chose to download, its box
_IMAGES = """els => els.map(e => ({
    parent: e.parentElement.tagName.toLowerCase(),
    current: e.currentSrc,
    box: [e.getBoundingClientRect().width, e.getBoundingClientRect().height].map(Math.round),
}))"""
# the block structure: tag names of the article's element children, with the number of images
# in each (a <picture> in place of an <img> is the same structure)
_BLOCKS = """el => [...el.children].map(c => c.tagName.toLowerCase() + ':' +
    (c.tagName === 'IMG' ? 1 : c.querySelectorAll('img').length))"""


@dataclass
class PageView:
    """What Chromium made of one page."""

    images: list[dict[str, Any]]
    blocks: list[str]
    html: str
    failed: list[str] = field(default_factory=list)  # URLs answered with an HTTP error


def view_pages(base: str, paths: list[str], article: str = "article") -> dict[str, PageView]:
    """Load each page at 800x900 CSS px, 2x, wait for every image, and describe it."""
    views: dict[str, PageView] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 800, "height": 900}, device_scale_factor=2)
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        for path in paths:
            failed.clear()
            page.goto(base + path)
            for img in page.locator(f"{article} img").all():
                img.scroll_into_view_if_needed()
                page.wait_for_function(
                    "el => el.complete && el.naturalWidth > 0", arg=img.element_handle()
                )
            page.wait_for_load_state("networkidle")
            views[path] = PageView(
                images=page.eval_on_selector_all(f"{article} img", _IMAGES),
                blocks=page.eval_on_selector(article, _BLOCKS),
                html=page.content(),
                failed=list(failed),
            )
        browser.close()
    return views

"""One reference never aborts a build: framework attributes are kept, a failure is one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from assets_tool.build import BuildMode, build_site, load_site_config, posts
from assets_tool.models import ImageRef
from tests.helpers import elements, run_cli

POST = "_posts/2025-01-06-ces-2025-keynote-1.md"
PHOTOS = "assets/img/photos/jenson"
VARIANTS = "assets/img/variants"
# names the HTML tokenizer accepts (Alpine.js, Vue), each with a value that must survive as is
FRAMEWORK_ATTRS = {
    "@click.away": "isOpen = false",
    ":class": "{ big: open }",
    "x-on:keydown.escape": "isOpen = false",
    "v-bind:title": "caption",
}
ALPINE = '---\ntitle: alpine\n---\n\n<img src="/{photos}/1.jpg" alt="lit" width=400 {attrs}>\n'
BROKEN = "---\ntitle: broken\n---\n\n![fine](/{photos}/2.jpg)\n\n![broken](/assets/img/extra.jpg)\n"


def _site_with_a_failing_reference(site: Path) -> tuple[Path, Path]:
    """Add a post with framework attributes and one whose second image has lost its fallback."""
    attrs = " ".join(f'{name}="{value}"' for name, value in FRAMEWORK_ATTRS.items())
    alpine = site / "_posts/2025-02-01-alpine.md"
    alpine.write_text(ALPINE.format(photos=PHOTOS, attrs=attrs), encoding="utf-8")
    broken = site / "_posts/2025-02-02-broken.md"
    broken.write_text(BROKEN.format(photos=PHOTOS), encoding="utf-8")
    shutil.copyfile(site / PHOTOS / "3.jpg", site / "assets/img/extra.jpg")
    # a real way for one reference to fail: its JPEG fallback recorded as dropped, file gone
    built = run_cli("build", site)
    assert built.returncode == 0, built.stderr
    assert run_cli("build", site, "--revert").returncode == 0
    manifest_path = site / VARIANTS / "assets-tool-manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    fallbacks = [n for n in manifest["variants"] if n.startswith("extra-") and n.endswith(".jpg")]
    assert fallbacks
    for name in fallbacks:
        manifest["variants"][name] = None
        (site / VARIANTS / name).unlink()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    return alpine, broken


def _browser_attrs(html: str) -> dict[str, str | None]:
    """Return the attributes Chromium's own HTML parser sees on the first <img> of `html`."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.set_content(f"<!doctype html><body>{html}</body>")
        found: dict[str, str | None] = page.eval_on_selector(
            "img", "img => Object.fromEntries([...img.attributes].map(a => [a.name, a.value]))"
        )
        browser.close()
    return found


def test_one_failing_reference_is_an_error_line_and_the_rest_is_rewritten(
    example_site: Path,
) -> None:
    site = example_site
    alpine, broken = _site_with_a_failing_reference(site)
    written = {p: p.read_text(encoding="utf-8") for p in (alpine, broken, site / POST)}

    dry = run_cli("build", site, "--dry-run")
    assert dry.returncode == 1
    errors = [line for line in dry.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, dry.stderr
    assert f"{broken}:7: " in errors[0] and "extra.jpg" in errors[0]
    for post in (alpine, broken, site / POST):
        assert f"+++ b/{post}" in dry.stdout
    assert "1 errors" in dry.stderr.splitlines()[-1]
    assert {p: p.read_text(encoding="utf-8") for p in written} == written

    result = run_cli("build", site)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == errors
    summary = result.stderr.splitlines()[-1]
    assert "3 posts rewritten" in summary and "1 errors" in summary

    # the failing reference stays as written; the post's other reference is rewritten
    text = broken.read_text(encoding="utf-8")
    assert "![broken](/assets/img/extra.jpg)" in text
    assert "![fine]" not in text and "data-assets-tool=" in text
    # the framework attributes come through verbatim, as a browser's parser reads them
    markup = alpine.read_text(encoding="utf-8").split("---\n")[-1]
    img = next(e for e in elements(markup) if e.tag == "img")
    assert img.attrs["src"] is not None and img.attrs["src"].startswith(f"/{VARIANTS}/")
    seen = _browser_attrs(markup)
    for name, value in FRAMEWORK_ATTRS.items():
        assert seen[name] == value
    assert (site / POST).read_text(encoding="utf-8") != written[site / POST]


def test_an_unexpected_exception_in_one_references_markup_is_one_error_line(
    example_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = posts.build_picture

    def fails_for_photo_2(ref: ImageRef, *args: Any, **kwargs: Any) -> Any:
        if ref.src.endswith("/2.jpg"):
            raise RuntimeError("markup bug")
        return real(ref, *args, **kwargs)

    monkeypatch.setattr(posts, "build_picture", fails_for_photo_2)
    mode = BuildMode(dry_run=True)
    report = build_site(example_site, load_site_config(example_site), mode)
    post = example_site / POST
    line = 1 + post.read_text(encoding="utf-8").split(f"/{PHOTOS}/2.jpg")[0].count("\n")
    assert [e.message.split(";")[0] for e in report.errors] == [
        f"{post}:{line}: cannot rewrite /{PHOTOS}/2.jpg (RuntimeError: markup bug)"
    ]
    assert report.posts_changed == [post]
    (diff,) = report.diffs
    removed = [row for row in diff.splitlines() if row.startswith("-<center>")]
    assert len(removed) == 6 and not any("/2.jpg" in row for row in removed)

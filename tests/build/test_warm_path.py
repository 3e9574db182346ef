"""The warm path: nothing heavy imported; the caches notice every change a cold run notices."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from examples.make_site import PHOTO_DIR, make_site, photo_gps
from examples.photogen import make_photo
from tests.helpers import run_cli

# what a build that has nothing to do must not load: the imaging and Markdown libraries, the
# gallery's templates, the Dask client, the stages that read and encode images, process pools
HEAVY = (
    "PIL",
    "markdown_it",
    "jinja2",
    "distributed",
    "assets_tool.render",
    "assets_tool.privacy",
    "concurrent.futures.process",
)
# runs the command line as `assets-tool` does, then reports what it imported
WRAPPER = """
import json, sys
from assets_tool.cli import main
try:
    main(prog_name="assets-tool")
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
POST = """---
title: More photos
image:
  path: /assets/img/photos/jenson/6.jpg
---

![the stage](/assets/img/photos/jenson/4.jpg)

<img src="https://example.github.io/assets/img/photos/jenson/5.jpg" alt="hall" width=300>
"""


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give every test (and the CLI it runs) a cache folder of its own."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


@pytest.fixture(scope="module")
def small_photos() -> dict[str, bytes]:
    """Eight 640x480 phone photos (Orientation 6, P3, GPS): the example's, small, and a spare."""
    return {
        f"{PHOTO_DIR}/{n}.jpg": make_photo(640, 480, seed=n, gps=photo_gps(n)) for n in range(1, 9)
    }


@pytest.fixture
def small_site(tmp_path: Path, small_photos: dict[str, bytes]) -> Path:
    """The example site with small photos, and a second post (front matter image, an absolute
    URL to the site itself); the spare photo 8.jpg is left out."""
    site = tmp_path / "site"
    make_site(site, photos={k: v for k, v in small_photos.items() if not k.endswith("/8.jpg")})
    (site / "_posts/2025-01-07-more.md").write_text(POST, encoding="utf-8")
    return site


def _imports(*args: str | Path) -> tuple[int, set[str]]:
    """Run `assets-tool ARGS`; return its exit code and every module it imported."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["code"], set(result["modules"])


def test_a_warm_build_imports_no_imaging_markdown_template_or_dask_library(
    example_site: Path,
) -> None:
    code, cold = _imports("build", example_site)
    assert code == 0
    assert {"PIL", "markdown_it"} <= cold  # the wrapper sees what a run imports
    for args in (("build", example_site), ("build", example_site, "--check")):
        code, warm = _imports(*args)
        assert code == 0, args
        assert warm.isdisjoint(HEAVY), sorted(warm.intersection(HEAVY))
    again = run_cli("build", example_site)
    assert again.returncode == 0, again.stderr
    assert "7 images, 0 variants written" in again.stderr
    assert "0 posts rewritten" in again.stderr


def _check(site: Path, cache: Path) -> dict[str, Any]:
    """Return the report of `build --check --json` with the caches in `cache`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        done = run_cli("build", site, "--check", "--json")
    assert done.returncode in (0, 1), done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _same_as_without_cache(site: Path, cache: Path, fresh: Path) -> dict[str, Any]:
    """Check the site with its caches and with none; the two reports must be the same."""
    cached, uncached = _check(site, cache), _check(site, fresh)
    assert cached == uncached
    return cached


def _cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "assets-tool").glob("*.json"))


def test_the_caches_notice_every_change_a_run_without_them_notices(
    small_site: Path, small_photos: dict[str, bytes], own_cache: Path, tmp_path: Path
) -> None:
    fresh = iter(tmp_path / f"fresh{n}" for n in range(100))
    photos, post = small_site / PHOTO_DIR, small_site / "_posts/2025-01-07-more.md"
    assert run_cli("build", small_site).returncode == 0
    quiet = _same_as_without_cache(small_site, own_cache, next(fresh))
    assert not quiet["files_written"] and not quiet["posts_changed"] and not quiet["errors"]

    # an edited post that names an image not there yet, then the image added
    post.write_text(post.read_text() + "\n![new](/assets/img/photos/jenson/8.jpg)\n")
    missing = _same_as_without_cache(small_site, own_cache, next(fresh))
    assert any("8.jpg" in e and "not found" in e for e in missing["errors"])
    (photos / "8.jpg").write_bytes(small_photos[f"{PHOTO_DIR}/8.jpg"])
    added = _same_as_without_cache(small_site, own_cache, next(fresh))
    assert str(post) in added["posts_changed"] and not added["errors"]
    assert any(Path(p).name.startswith("8-") for p in added["files_written"])
    assert run_cli("build", small_site).returncode == 0

    # a referenced image replaced by another photo, then one deleted
    (photos / "2.jpg").write_bytes(make_photo(640, 480, seed=42))
    replaced = _same_as_without_cache(small_site, own_cache, next(fresh))
    assert any(Path(p).name.startswith("2-") for p in replaced["files_written"])
    (photos / "3.jpg").unlink()
    deleted = _same_as_without_cache(small_site, own_cache, next(fresh))
    assert any("3.jpg" in e and "not found" in e for e in deleted["errors"])
    (photos / "3.jpg").write_bytes(small_photos[f"{PHOTO_DIR}/3.jpg"])
    assert run_cli("build", small_site).returncode == 0

    # settings: the site's URL (what scanning decides is the site's own) and a quality
    # (what planning names variants by)
    config = small_site / "_config.yml"
    text = config.read_text()
    config.write_text(text.replace("https://example.github.io", "https://other.example"))
    moved = _same_as_without_cache(small_site, own_cache, next(fresh))
    assert any("5.jpg" in s and "external URL" in s for s in moved["skipped"])
    config.write_text(text + "\nassets_tool:\n  jpeg_quality: 70\n")
    requality = _same_as_without_cache(small_site, own_cache, next(fresh))
    assert any(p.endswith(".jpg") for p in requality["files_written"])
    assert run_cli("build", small_site).returncode == 0
    assert not _same_as_without_cache(small_site, own_cache, next(fresh))["files_written"]


def test_a_damaged_or_unreadable_cache_is_ignored_and_written_anew(
    small_site: Path, own_cache: Path, tmp_path: Path
) -> None:
    assert run_cli("build", small_site).returncode == 0
    assert run_cli("build", small_site).returncode == 0
    files = _cache_files(own_cache)
    assert [p.name.split("-")[0] for p in files] == ["posts", "sources"]
    # records that parse as JSON but hold nonsense: every post and plan record damaged
    posts = json.loads(files[0].read_text())
    for record in posts["posts"].values():
        record["scanned"]["refs"] = [{"line": "one"}]
    files[0].write_text(json.dumps(posts))
    sources = json.loads(files[1].read_text())
    for record in sources["sources"].values():
        record["plan"]["files"] = "nonsense"
    files[1].write_text(json.dumps(sources))
    assert _check(small_site, own_cache) == _check(small_site, tmp_path / "fresh")
    # files that are not JSON at all, then a cache folder whose files cannot be read
    for path in files:
        path.write_bytes(b"\x00{not json")
    done = run_cli("build", small_site, "--json")
    assert done.returncode == 0, done.stderr
    assert not json.loads(done.stdout)["files_written"]
    assert all(json.loads(p.read_text())["version"] for p in files)  # written anew
    for path in files:
        path.unlink()
        path.mkdir()  # reading it fails (IsADirectoryError), and so does writing it
    done = run_cli("build", small_site, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == _check(small_site, tmp_path / "fresh2")

"""`build` cleans every image the site publishes, referenced or not, and `--check` then passes.

The oracle for "published" is Jekyll itself: the site is built with Debian's jekyll and
exiftool looks at every file it wrote.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from examples.photogen import make_photo
from tests.conftest import read_location_tags
from tests.helpers import run_cli

POST = "_posts/2025-01-06-trip.md"
LOCATED = ("assets/img/trip.jpg", "assets/img/unused.jpg", "avatar.jpg")
HIDDEN = ("_private/home.jpg", "docs/home.jpg")  # not published: `_` folder, `exclude:`


def _site(root: Path, settings: str = "") -> Path:
    root.mkdir()
    (root / "_config.yml").write_text(f"title: t\nexclude: [docs]\n{settings}", encoding="utf-8")
    (root / "_posts").mkdir()
    (root / POST).write_text(
        "---\ntitle: Trip\n---\n\n![a view](/assets/img/trip.jpg)\n", encoding="utf-8"
    )
    for seed, rel in enumerate(LOCATED + HIDDEN, start=1):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(make_photo(640, 480, seed=seed))
    return root


def _state(root: Path, rel: str) -> tuple[bytes, int]:
    path = root / rel
    return path.read_bytes(), path.stat().st_mtime_ns


def _jekyll_output(site: Path) -> Path:
    dest = site.parent / "out"
    subprocess.run(
        ["jekyll", "build", "--quiet", "--source", str(site), "--destination", str(dest)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dest


def test_build_cleans_every_published_image_and_check_then_passes(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    hidden = {rel: _state(site, rel) for rel in HIDDEN}
    before = run_cli("build", site, "--check")
    assert before.returncode == 1
    assert "unused.jpg: published with location (EXIF GPS, XMP)" in before.stderr

    result = run_cli("build", site)
    assert result.returncode == 0, result.stderr
    for rel in ("assets/img/unused.jpg", "avatar.jpg"):
        assert f"stripped location: {site / rel} (EXIF GPS, XMP;" in result.stdout
    assert "3 locations removed" in result.stderr
    assert run_cli("build", site, "--check").returncode == 0

    # what Jekyll publishes carries no location; what it does not publish is left alone
    published = _jekyll_output(site)
    images = sorted(published.rglob("*.jpg"))
    assert {p.name for p in images} >= {"trip.jpg", "unused.jpg", "avatar.jpg"}
    assert not any(p.name == "home.jpg" for p in images)
    assert [p for p in images if read_location_tags(p)] == []
    assert {rel: _state(site, rel) for rel in HIDDEN} == hidden


def test_json_report_names_the_fields_of_each_unreferenced_photo(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    report = json.loads(run_cli("build", site, "--json").stdout)
    assert report["locations_removed"] == 3
    assert sorted(report["locations_stripped"]) == [
        f"{site / rel} (EXIF GPS, XMP; referenced by no post)"
        for rel in ("assets/img/unused.jpg", "avatar.jpg")
    ]


def test_referenced_scope_leaves_unreferenced_photos_and_check_passes(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", "assets_tool:\n  strip_location: referenced\n")
    unused = _state(site, "assets/img/unused.jpg")
    result = run_cli("build", site)
    assert result.returncode == 0, result.stderr
    assert "unused.jpg: not referenced by any post but published with location" in result.stderr
    assert _state(site, "assets/img/unused.jpg") == unused
    assert read_location_tags(site / "assets/img/trip.jpg") == {}
    assert run_cli("build", site, "--check").returncode == 0


@pytest.mark.parametrize("how", ["--no-strip", "setting"])
def test_no_strip_changes_no_original(tmp_path: Path, how: str) -> None:
    settings = "assets_tool:\n  strip_location: false\n" if how == "setting" else ""
    site = _site(tmp_path / "site", settings)
    states = {rel: _state(site, rel) for rel in LOCATED + HIDDEN}
    args = ["--no-strip"] if how == "--no-strip" else []
    result = run_cli("build", site, *args)
    assert result.returncode == 0, result.stderr
    assert "0 locations removed" in result.stderr
    assert {rel: _state(site, rel) for rel in LOCATED + HIDDEN} == states


def test_built_site_publishes_every_file_under_it(tmp_path: Path) -> None:
    built = tmp_path / "_site"
    (built / "_odd").mkdir(parents=True)
    (built / "index.html").write_text("<p>hi</p>", encoding="utf-8")
    (built / "_odd" / "x.jpg").write_bytes(make_photo(320, 240, seed=3))
    result = run_cli("build", built)
    assert result.returncode == 0, result.stderr
    assert read_location_tags(built / "_odd" / "x.jpg") == {}


def test_build_cleans_a_published_live_photo_movie_in_place(tmp_path: Path) -> None:
    from tests.privacy.movies import live_photo_movie, media_bytes

    site = _site(tmp_path / "site")
    clip = site / "assets/img/IMG_0001.MOV"
    clip.write_bytes(live_photo_movie())
    result = run_cli("build", site)
    assert result.returncode == 0, result.stderr
    assert f"stripped location: {clip} (QuickTime Keys" in result.stdout
    assert read_location_tags(clip) == {}
    assert media_bytes(clip.read_bytes()) == media_bytes(live_photo_movie())
    assert run_cli("build", site, "--check").returncode == 0
